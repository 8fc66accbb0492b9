"""The Arm-optimised backend (`--kernels cmsis-nn`): bindings to CMSIS-NN, one module per op family, and to
mcugen's own Arm DSP kernels (arm_dsp). Importing this package registers them all.

Bindings of one op are tried in registration order, so mcugen's own Arm kernels (arm_dsp), which decline every
layer they would not compute faster, are registered before CMSIS-NN's. arm_dsp therefore imports no other module
of this package (that would register the other module's bindings first; tests/test_arm_dsp_kernels.py checks it).
"""

import importlib
import pkgutil

FIRST = ("arm_dsp",)  # tried before the CMSIS-NN bindings of the same op
NOT_BINDINGS = ("library",)

_others = sorted(m.name for m in pkgutil.iter_modules(__path__) if m.name not in FIRST + NOT_BINDINGS)
for _module in (*FIRST, *_others):
    importlib.import_module(f"{__name__}.{_module}")
