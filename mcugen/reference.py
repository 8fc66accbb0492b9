"""The golden reference: the TFLite Micro interpreter (pip `tflite-micro`), imported only when needed.

mcugen's correctness contract is bit-exactness against this interpreter, so golden vectors, `mcugen verify` and the
tests all go through this one function.
"""

from __future__ import annotations

import importlib.util
import numpy as np

from mcugen.errors import ToolchainError

# Generous: TFLM needs its activations plus per-op bookkeeping; allocation fails cleanly when too small.
_MIN_ARENA = 1 << 20


def reference_available() -> bool:
    return importlib.util.find_spec("tflite_micro") is not None


def run_reference(
    model: bytes, vectors: list[list[np.ndarray]], num_outputs: int, arena_size: int | None = None
) -> list[list[np.ndarray]]:
    """Outputs of the TFLM interpreter for each input vector (a list with one array per model input)."""
    try:
        from tflite_micro.python.tflite_micro import runtime
    except ImportError:
        raise ToolchainError(
            "the TFLite Micro reference interpreter is not installed: pip install --pre tflite-micro"
        ) from None
    interpreter = runtime.Interpreter.from_bytes(model, arena_size=arena_size or max(_MIN_ARENA, 8 * len(model)))
    results = []
    for vector in vectors:
        # TFLM reuses the input buffer for activations, so every input is set again before each invoke.
        for index, array in enumerate(vector):
            interpreter.set_input(array, index)
        interpreter.invoke()
        results.append([np.array(interpreter.get_output(i), copy=True) for i in range(num_outputs)])
    return results
