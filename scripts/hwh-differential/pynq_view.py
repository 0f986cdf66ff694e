#!/usr/bin/env python3
"""Prints the dictionaries the real pynq computes from an HWH file, in the shape compare.py reads:
{"RuntimeMetadataParser": {...}} (pynqmetadata 0.2.0's RuntimeMetadataParser), or {"RuntimeMetadataParser":
{"error": ...}} when it fails. Run with the Python of .venv-bench (pynq 4.0.0, pynqmetadata 0.2.0).

Usage: pynq_view.py FILE.hwh
"""
import copy
import json
import sys

from pynqmetadata.frontends import Metadata
from pynqmetadata.views.runtime import RuntimeMetadataParser

NAMES = ["ip_dict", "mem_dict", "gpio_dict", "interrupt_pins", "interrupt_controllers", "clock_dict",
         "hierarchy_dict"]


def jsonable(o):
    if isinstance(o, dict):
        return {str(k): jsonable(v) for k, v in o.items()}
    if isinstance(o, (list, tuple)):
        return [jsonable(v) for v in o]
    if isinstance(o, (set, frozenset)):
        return sorted((jsonable(v) for v in o), key=repr)
    if o is None or isinstance(o, (bool, int, float, str)):
        return o
    return repr(o)


try:
    parser = RuntimeMetadataParser(Metadata(input=sys.argv[1]))
    view = {n: jsonable(copy.deepcopy(getattr(parser, n))) for n in NAMES}
except Exception as e:  # pynq cannot read this design: recorded, not compared
    view = {"error": f"{type(e).__name__}: {e}"}
print(json.dumps({"RuntimeMetadataParser": view}, indent=1))
