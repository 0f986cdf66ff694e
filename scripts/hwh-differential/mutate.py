#!/usr/bin/env python3
"""Writes a structurally mutated copy of a full-design HWH file, for the differential test against pynq
(see hwh-differential.sh): moves modules into other hierarchies, drops or swaps connections (interrupt
and GPIO wiring first), adds address windows, changes memory types and DIN_FROM values, duplicates
registers, removes modules. Prints the operations applied.

Usage: mutate.py IN.hwh OUT.hwh SEED
"""
import random, sys, copy, xml.etree.ElementTree as ET
src, out, seed = sys.argv[1], sys.argv[2], int(sys.argv[3])
rng = random.Random(seed)
tree = ET.parse(src); root = tree.getroot()
modules = list(root.iter("MODULE"))
ps = [m for m in modules if m.get("MODTYPE") in ("processing_system7", "zynq_ultra_ps_e")][0]
ops = []
for _ in range(rng.randint(1, 4)):
    op = rng.choice(["hier", "dropcon", "window", "memtype", "flathier", "dupreg", "rmmod", "din", "inswap", "inswap", "outswap"])
    ops.append(op)
    if op == "hier":
        m = rng.choice(modules)
        depth = rng.randint(0, 3)
        path = "/".join(rng.choice(["a", "b", "video", "x"]) for _ in range(depth))
        m.set("FULLNAME", "/" + (path + "/" if path else "") + m.get("INSTANCE"))
    elif op == "flathier":
        for m in modules:
            if rng.random() < 0.3: m.set("FULLNAME", "/" + m.get("INSTANCE"))
    elif op == "dropcon":
        cons = [c for c in root.iter("CONNECTIONS")]
        if cons:
            c = rng.choice(cons)
            kids = list(c)
            if kids: c.remove(rng.choice(kids))
    elif op == "swapcon":
        cons = [c for c in root.iter("CONNECTION")]
        a, b = rng.choice(cons), rng.choice(cons)
        ai, ap, bi, bp = a.get("INSTANCE"), a.get("PORT"), b.get("INSTANCE"), b.get("PORT")
        a.set("INSTANCE", bi); a.set("PORT", bp); b.set("INSTANCE", ai); b.set("PORT", ap)
    elif op == "window":
        mm = ps.find(".//MEMORYMAP")
        rs = [r for r in mm if r.get("MASTERBUSINTERFACE")]
        if rs:
            r = copy.deepcopy(rng.choice(rs))
            base = int(r.get("BASEVALUE"), 16) + 0x100000 * rng.randint(1, 50)
            r.set("BASEVALUE", hex(base)); r.set("HIGHVALUE", hex(base + 0xFFF))
            r.set("ADDRESSBLOCK", rng.choice(["Mem0", "Mem1", "Reg", "Reg2"]))
            mm.append(r)
    elif op == "memtype":
        mm = ps.find(".//MEMORYMAP")
        rs = [r for r in mm if r.get("MASTERBUSINTERFACE")]
        if rs: rng.choice(rs).set("MEMTYPE", rng.choice(["MEMORY", "REGISTER"]))
    elif op == "rmmod":
        cand = [m for m in modules if m is not ps]
        m = rng.choice(cand)
        inst = m.get("INSTANCE")
        for parent in root.iter():
            for child in list(parent):
                if child is m: parent.remove(child)
        for c in root.iter("CONNECTIONS"):
            for k in list(c):
                if k.get("INSTANCE") == inst: c.remove(k)
        modules = [x for x in modules if x is not m]
    elif op == "din":
        for prm in root.iter("PARAMETER"):
            if prm.get("NAME") == "DIN_FROM" and rng.random() < 0.5: prm.set("VALUE", str(rng.randint(0, 40)))
    elif op in ("inswap", "outswap"):
        d = "I" if op == "inswap" else "O"
        ports = [p for p in root.iter("PORT") if p.get("DIR") == d and p.find("CONNECTIONS") is not None and len(p.find("CONNECTIONS"))]
        pref = [p for p in ports if p.get("SIGIS") == "INTERRUPT" or p.get("NAME", "").startswith("In") or p.get("NAME") in ("intr", "Dout", "Din")]
        pool = pref if len(pref) >= 2 and rng.random() < 0.8 else ports
        a, b = rng.choice(pool), rng.choice(pool)
        ca, cb = a.find("CONNECTIONS"), b.find("CONNECTIONS")
        a.remove(ca); b.remove(cb); a.append(cb); b.append(ca)
    elif op == "dupreg":
        regs = list(root.iter("REGISTERS"))
        if regs:
            r = rng.choice(regs)
            kids = list(r)
            if kids: r.append(copy.deepcopy(rng.choice(kids)))
tree.write(out, encoding="UTF-8", xml_declaration=True)
print(",".join(ops))
