"""The golden reference: the TFLite Micro interpreter (pip `tflite-micro`), run in a child process.

mcugen's correctness contract is bit-exactness against this interpreter, so golden vectors, `mcugen verify` and the
tests all go through this one function. TFLite Micro is C++ that trusts its model: on a model mcugen accepts it may
still crash or loop. It therefore runs in its own process (one per call, for all the vectors): the model and the
inputs go to it through files in a temporary directory, the outputs come back the same way, and a crash, a hang or
an interpreter error becomes a ReferenceFailure that says so, never the death of mcugen.

The arena TFLite Micro gets is sized from the model's activations: it starts from `arena_size` (the caller's
estimate, e.g. mcugen's own plan plus TFLite Micro's bookkeeping) and doubles while allocation fails, up to
MAX_ARENA.
"""

from __future__ import annotations

import importlib.util
import json
import os
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

from mcugen.errors import ReferenceFailure, ToolchainError

MIN_ARENA = 16 << 10  # the first try when the caller has no estimate
MAX_ARENA = 512 << 20  # no microcontroller model needs more; beyond it allocation failure is the model's
# TFLite Micro's own data per tensor and per op (TfLiteEvalTensor, node and registration records, allocation
# bookkeeping), on top of the activations, in bytes: generous, so the first try usually allocates.
TFLM_BYTES_PER_TENSOR = 128
TFLM_BYTES_PER_OP = 256
TFLM_FIXED_BYTES = 16 << 10
DEFAULT_TIMEOUT = 300.0  # seconds for one reference run (all vectors); the DEV models need a few
_ALLOCATION_FAILED = ("Failed to allocate", "Failed to resize buffer", "Requested:", "failed to allocate")


def reference_available() -> bool:
    return importlib.util.find_spec("tflite_micro") is not None


def arena_estimate(activation_bytes: int, tensors: int, ops: int) -> int:
    """A first arena size for TFLite Micro: the activations (mcugen's arena, scratch included) with a margin,
    plus its bookkeeping per tensor and op."""
    estimate = activation_bytes * 5 // 4 + TFLM_BYTES_PER_TENSOR * tensors + TFLM_BYTES_PER_OP * ops + TFLM_FIXED_BYTES
    return max(MIN_ARENA, min(MAX_ARENA, estimate))


def run_reference(
    model: bytes, vectors: list[list[np.ndarray]], num_outputs: int, arena_size: int | None = None,
    timeout: float = DEFAULT_TIMEOUT,
) -> list[list[np.ndarray]]:
    """Outputs of the TFLM interpreter for each input vector (a list with one array per model input).

    Raises ReferenceFailure when TFLite Micro reports an error, crashes or runs past `timeout` seconds."""
    if not reference_available():
        raise ToolchainError(
            "the TFLite Micro reference interpreter is not installed: pip install --pre tflite-micro"
        )
    with tempfile.TemporaryDirectory(prefix="mcugen-tflm-") as tmp:
        work = Path(tmp)
        arrays = {"model": np.frombuffer(model, dtype=np.uint8)}
        for v, vector in enumerate(vectors):
            for i, array in enumerate(vector):
                arrays[f"in_{v}_{i}"] = np.asarray(array)
        np.savez(work / "job.npz", **arrays)
        (work / "job.json").write_text(json.dumps({
            "vectors": len(vectors), "inputs": [len(v) for v in vectors], "outputs": num_outputs,
            "arena": max(MIN_ARENA, min(MAX_ARENA, arena_size or MIN_ARENA)), "max_arena": MAX_ARENA,
        }))
        package_root = str(Path(__file__).resolve().parent.parent)
        env = dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in (package_root, os.environ.get("PYTHONPATH"))
                                                           if p))
        try:
            done = subprocess.run([sys.executable, "-m", "mcugen.reference", str(work)], env=env,
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=timeout)
        except subprocess.TimeoutExpired:
            raise ReferenceFailure(
                f"TFLite Micro did not finish within {timeout:g} s on this model (it may loop on it); mcugen and "
                "TFLM may differ here, so no reference outputs could be computed") from None
        log = (work / "tflm.log").read_text(errors="replace") if (work / "tflm.log").exists() else ""
        if done.returncode < 0:
            number = -done.returncode
            try:
                name = signal.Signals(number).name
            except ValueError:
                name = "unknown signal"
            raise ReferenceFailure(
                f"TFLite Micro crashed on this model (signal {number}, {name}); mcugen and TFLM may differ here, "
                f"so no reference outputs could be computed{_last_lines(log)}")
        result_file = work / "result.json"
        if not result_file.exists():
            raise ReferenceFailure(f"the TFLite Micro reference run failed (exit status {done.returncode})"
                                   f"{_last_lines(log)}")
        result = json.loads(result_file.read_text())
        if result["status"] != "ok":
            raise ReferenceFailure(f"TFLite Micro {result['message']}{_last_lines(log)}")
        with np.load(work / "out.npz") as outputs:
            return [[outputs[f"out_{v}_{j}"] for j in range(num_outputs)] for v in range(len(vectors))]


def _last_lines(log: str, count: int = 3) -> str:
    lines = [line.strip() for line in log.splitlines() if line.strip()]
    return "" if not lines else " (TFLM said: " + "; ".join(lines[-count:]) + ")"


def _worker(work: Path) -> int:
    """The child process: load the model with a growing arena, run every vector, write the outputs."""
    job = json.loads((work / "job.json").read_text())
    # TFLite Micro prints its errors on file descriptor 2: keep them for the parent's message.
    log = os.open(work / "tflm.log", os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.dup2(log, 2)

    def fail(message: str) -> int:
        (work / "result.json").write_text(json.dumps({"status": "error", "message": message}))
        return 0

    from tflite_micro.python.tflite_micro import runtime

    with np.load(work / "job.npz") as arrays:
        model = arrays["model"].tobytes()
        inputs = [[arrays[f"in_{v}_{i}"] for i in range(job["inputs"][v])] for v in range(job["vectors"])]
    arena = job["arena"]
    while True:
        start = os.lseek(log, 0, os.SEEK_END)
        try:
            interpreter = runtime.Interpreter.from_bytes(model, arena_size=arena)
            break
        except Exception as exc:  # the binding raises RuntimeError; anything else is reported the same way
            said = (work / "tflm.log").read_text(errors="replace")[start:]
            if any(mark in said for mark in _ALLOCATION_FAILED) and arena < job["max_arena"]:
                arena = min(arena * 2, job["max_arena"])
                continue
            if any(mark in said for mark in _ALLOCATION_FAILED):
                return fail(f"could not allocate this model's tensors in {arena:,} bytes ({exc})")
            return fail(f"refused this model: {exc}")
    outputs = {}
    for v, vector in enumerate(inputs):
        try:
            # TFLM reuses the input buffer for activations, so every input is set again before each invoke.
            for index, array in enumerate(vector):
                interpreter.set_input(array, index)
            interpreter.invoke()
            for j in range(job["outputs"]):
                outputs[f"out_{v}_{j}"] = np.array(interpreter.get_output(j), copy=True)
        except Exception as exc:
            return fail(f"failed to run this model on input vector {v}: {exc}")
    np.savez(work / "out.npz", **outputs)
    (work / "result.json").write_text(json.dumps({"status": "ok", "arena": arena}))
    return 0


if __name__ == "__main__":
    sys.exit(_worker(Path(sys.argv[1])))
