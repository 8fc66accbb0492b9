"""Op lowerings, one module per TFLite builtin op (or op family). Importing this package registers them all."""

import importlib
import pkgutil

from mcugen.ops.base import REGISTRY, OpLowering, register

for _module in sorted(m.name for m in pkgutil.iter_modules(__path__)):
    if _module != "base":
        importlib.import_module(f"{__name__}.{_module}")


def supported_ops() -> list[str]:
    return sorted(REGISTRY)


def lowering_for(kind: str) -> OpLowering | None:
    return REGISTRY.get(kind)


__all__ = ["REGISTRY", "OpLowering", "register", "supported_ops", "lowering_for"]
