"""The golden reference: the TFLite Micro interpreter (pip `tflite-micro`), run in a child process.

mcugen's correctness contract is bit-exactness against this interpreter, so golden vectors, `mcugen verify` and the
tests all go through this one function. TFLite Micro is C++ that trusts its model: on a model mcugen accepts it may
still crash or loop. It therefore runs in its own process (one per call, for all the vectors): the model and the
inputs go to it through files in a temporary directory, the outputs come back the same way, and a crash, a hang or
an interpreter error becomes a ReferenceFailure that says so, never the death of mcugen.

A few ops TFLite Micro lacks or cannot serve (its result is not defined); their lowerings declare `reference =
"litert"` (mcugen/ops/base.py). A model with such an op takes all its reference outputs from the TFLite (LiteRT)
interpreter instead (pip `ai-edge-litert`), with its reference kernels (no delegate), in the same child process.

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
from dataclasses import dataclass
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


TFLM, LITERT = "tflm", "litert"


@dataclass(frozen=True)
class Reference:
    name: str  # as reports say it
    module: str  # what must be importable
    install: str  # how to get it


REFERENCES = {
    TFLM: Reference("TFLite Micro", "tflite_micro", "pip install --pre tflite-micro"),
    LITERT: Reference("TFLite (LiteRT)", "ai_edge_litert", "pip install ai-edge-litert"),
}


def reference_available(reference: str = TFLM) -> bool:
    return importlib.util.find_spec(REFERENCES[reference].module) is not None


def arena_estimate(activation_bytes: int, tensors: int, ops: int) -> int:
    """A first arena size for TFLite Micro: the activations (mcugen's arena, scratch included) with a margin,
    plus its bookkeeping per tensor and op."""
    estimate = activation_bytes * 5 // 4 + TFLM_BYTES_PER_TENSOR * tensors + TFLM_BYTES_PER_OP * ops + TFLM_FIXED_BYTES
    return max(MIN_ARENA, min(MAX_ARENA, estimate))


def run_reference(
    model: bytes, vectors: list[list[np.ndarray]], num_outputs: int, arena_size: int | None = None,
    timeout: float = DEFAULT_TIMEOUT, reference: str = TFLM, needed_by: str = "",
) -> list[list[np.ndarray]]:
    """Outputs of the `reference` interpreter (TFLM or LITERT) for each input vector (a list with one array per
    model input). `needed_by` says why a reference other than TFLite Micro is used, for the error when it is
    missing.

    Raises ReferenceFailure when the interpreter reports an error, crashes or runs past `timeout` seconds."""
    about = REFERENCES[reference]
    name = about.name
    if not reference_available(reference):
        why = f" ({needed_by})" if needed_by else ""
        raise ToolchainError(f"the {name} reference interpreter is not installed{why}: {about.install}")
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
            "reference": reference,
        }))
        package_root = str(Path(__file__).resolve().parent.parent)
        env = dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in (package_root, os.environ.get("PYTHONPATH"))
                                                           if p))
        try:
            done = subprocess.run([sys.executable, "-m", "mcugen.reference", str(work)], env=env,
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=timeout)
        except subprocess.TimeoutExpired:
            raise ReferenceFailure(
                f"{name} did not finish within {timeout:g} s on this model (it may loop on it); mcugen and "
                f"{name} may differ here, so no reference outputs could be computed") from None
        log = (work / "tflm.log").read_text(errors="replace") if (work / "tflm.log").exists() else ""
        if done.returncode < 0:
            number = -done.returncode
            try:
                signal_name = signal.Signals(number).name
            except ValueError:
                signal_name = "unknown signal"
            raise ReferenceFailure(
                f"{name} crashed on this model (signal {number}, {signal_name}); mcugen and {name} may differ "
                f"here, so no reference outputs could be computed{_last_lines(log, name)}")
        result_file = work / "result.json"
        if not result_file.exists():
            raise ReferenceFailure(f"the {name} reference run failed (exit status {done.returncode})"
                                   f"{_last_lines(log, name)}")
        result = json.loads(result_file.read_text())
        if result["status"] != "ok":
            raise ReferenceFailure(f"{name} {result['message']}{_last_lines(log, name)}")
        with np.load(work / "out.npz") as outputs:
            return [[outputs[f"out_{v}_{j}"] for j in range(num_outputs)] for v in range(len(vectors))]


def _last_lines(log: str, name: str, count: int = 3) -> str:
    lines = [line.strip() for line in log.splitlines() if line.strip()]
    return "" if not lines else f" ({name} said: " + "; ".join(lines[-count:]) + ")"


def _worker(work: Path) -> int:
    """The child process: load the model, run every vector, write the outputs."""
    job = json.loads((work / "job.json").read_text())
    # The interpreters print their errors on file descriptor 2: keep them for the parent's message.
    log = os.open(work / "tflm.log", os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.dup2(log, 2)

    def fail(message: str) -> int:
        (work / "result.json").write_text(json.dumps({"status": "error", "message": message}))
        return 0

    with np.load(work / "job.npz") as arrays:
        model = arrays["model"].tobytes()
        inputs = [[arrays[f"in_{v}_{i}"] for i in range(job["inputs"][v])] for v in range(job["vectors"])]
    if job.get("reference") == LITERT:
        return _run_litert(work, job, model, inputs, fail)
    return _run_tflm(work, job, model, inputs, log, fail)


def _run_tflm(work: Path, job: dict, model: bytes, inputs: list[list[np.ndarray]], log: int, fail) -> int:
    """TFLite Micro with an arena that doubles while allocation fails."""
    from tflite_micro.python.tflite_micro import runtime

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


def _run_litert(work: Path, job: dict, model: bytes, inputs: list[list[np.ndarray]], fail) -> int:
    """The TFLite (LiteRT) interpreter with its reference kernels: the optimised ones and the default XNNPACK
    delegate may round differently, and the reference kernels are the ones TFLite Micro's are written after."""
    from ai_edge_litert.interpreter import Interpreter, OpResolverType

    try:
        interpreter = Interpreter(model_content=model, num_threads=1,
                                  experimental_op_resolver_type=OpResolverType.BUILTIN_REF)
        interpreter.allocate_tensors()
    except Exception as exc:  # ValueError / RuntimeError from the binding, reported the same way
        return fail(f"refused this model: {exc}")
    ins = [d["index"] for d in interpreter.get_input_details()]
    outs = [d["index"] for d in interpreter.get_output_details()]
    outputs = {}
    for v, vector in enumerate(inputs):
        try:
            for index, array in zip(ins, vector):
                interpreter.set_tensor(index, array)
            interpreter.invoke()
            for j in range(job["outputs"]):
                outputs[f"out_{v}_{j}"] = np.array(interpreter.get_tensor(outs[j]), copy=True)
        except Exception as exc:
            return fail(f"failed to run this model on input vector {v}: {exc}")
    np.savez(work / "out.npz", **outputs)
    (work / "result.json").write_text(json.dumps({"status": "ok"}))
    return 0


if __name__ == "__main__":
    sys.exit(_worker(Path(sys.argv[1])))
