#!/usr/bin/env python3
"""Writes seed inputs for FuzzHWH into OUT_DIR: each reference .hwh cut down below the fuzzer's maximum
input length (the processing system keeps only the parameters pynq reads; documents, descriptions and
the parameters of other modules are dropped), so the fuzzer starts from whole, valid designs with their
interrupts, GPIO slices, hierarchies and memories.

Usage: make_seeds.py OUT_DIR REFERENCE.hwh...
"""
import re
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

KEEP = re.compile(r"(PSU__FPGA_PL\d_ENABLE|PSU__CRL_APB__PL\d_REF_CTRL__.*|PCW_FPGA_FCLK\d_ENABLE|"
                  r"PCW_FCLK\d_PERIPHERAL_.*|DIN_FROM|NUM_PORTS|ENABLE_DFX)$")

LIMIT = 190_000
WIRED = {"processing_system7", "zynq_ultra_ps_e", "xlconcat", "axi_intc", "xlslice"}

out = Path(sys.argv[1])
out.mkdir(parents=True, exist_ok=True)
for name in sys.argv[2:]:
    root = ET.parse(name).getroot()
    for parent in root.iter():
        for child in list(parent):
            if child.tag == "DOCUMENTS":
                parent.remove(child)
            elif child.tag == "PARAMETER" and not KEEP.match(child.get("NAME", "")):
                parent.remove(child)
            elif child.tag == "PROPERTY" and child.get("NAME") == "DESCRIPTION":
                child.set("VALUE", "d")
    data = ET.tostring(root, encoding="utf-8")
    if len(data) > LIMIT:
        # Still too big: two registers per register map, no unconnected PORTs, and the wiring only where
        # pynq walks it (PS, concats, interrupt controllers, GPIO slices, interrupt outputs of every IP).
        for module in root.iter("MODULE"):
            for registers in module.iter("REGISTERS"):
                for extra in list(registers)[2:]:
                    registers.remove(extra)
            for parent in module.iter():
                for child in list(parent):
                    if child.tag == "PORT" and child.find("CONNECTIONS") is None:
                        parent.remove(child)
            if module.get("MODTYPE") in WIRED:
                continue
            for parent in module.iter():
                for child in list(parent):
                    if child.tag == "PORT" and child.get("SIGIS") != "INTERRUPT":
                        parent.remove(child)
                    elif child.tag == "PORTMAPS":
                        parent.remove(child)
        for ports in root.iter("EXTERNALPORTS"):
            for child in list(ports):
                ports.remove(child)
        data = ET.tostring(root, encoding="utf-8")
    (out / (Path(name).stem + ".hwh")).write_bytes(data)
    print(f"{Path(name).stem}.hwh: {len(data)} bytes")
