"""CMSIS-NN bindings, one module per op family. Importing this package registers them all."""

import importlib
import pkgutil

for _module in sorted(m.name for m in pkgutil.iter_modules(__path__)):
    if _module != "library":
        importlib.import_module(f"{__name__}.{_module}")
