"""`python -m mcugen.bench resources`: what planning and emitting cost on graphs far larger than the DEV models.

- a chain of 5,000 ops, as a planner Problem and through `compile_graph` (1x1 MAX_POOL_2D layers): plan time;
- 1,024 parallel branches joined by a tree of ADDs, both ways: plan time, and whether a search stopped at its work
  limit (`Plan.budget_exhausted`);
- a model with a 100 MB weight tensor (a FULLY_CONNECTED of 10,000 x 10,000 int8 weights), compiled and written
  in a child process: the peak resident memory of that process (`resource.getrusage`).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from types import SimpleNamespace

import numpy as np

from mcugen.ir import Graph, Op, QuantParams, Tensor
from mcugen.planner import Problem, Step, plan

CHAIN_OPS = 5000
BRANCHES = 1024
WEIGHT_SIDE = 10_000  # FULLY_CONNECTED weights WEIGHT_SIDE x WEIGHT_SIDE int8: 100 MB
CHAIN_BUDGET_SECONDS = 2.0
PEAK_BUDGET_BYTES = 1 << 30


def chain_problem(n: int) -> Problem:
    """n ops in a line, each output able to take its input's place."""
    steps = tuple(Step((i,), (i + 1,), 0, ((i, i + 1, 0),)) for i in range(n))
    sizes = {i: 1000 + (i * 37) % 500 for i in range(n + 1)}
    return Problem(sizes, steps, (0,), (n,))


def branch_problem(k: int) -> Problem:
    """One input read by k branches, joined pairwise by a tree of two-input ops."""
    steps, sizes, leaves = [], {0: 64}, []
    for i in range(k):
        steps.append(Step((0,), (len(sizes),)))
        leaves.append(len(sizes))
        sizes[len(sizes)] = 64 + (i % 7) * 16
    while len(leaves) > 1:
        joined = []
        for a, b in zip(leaves[::2], leaves[1::2]):
            out = len(sizes)
            steps.append(Step((a, b), (out,), 0, ((a, out, 0),)))
            sizes[out] = 64
            joined.append(out)
        leaves = joined + leaves[len(leaves) - len(leaves) % 2 :]
    return Problem(sizes, tuple(steps), (0,), (leaves[0],))


def _int8(index: int, shape: tuple[int, ...]) -> Tensor:
    return Tensor(index, f"t{index}", shape, "int8",
                  QuantParams(np.array([0.05], np.float32), np.array([-3], np.int64)))


def _pool(index: int, source: int, target: int) -> Op:
    options = SimpleNamespace(padding="VALID", stride_w=1, stride_h=1, filter_width=1, filter_height=1,
                              fused_activation_function="NONE")
    return Op(index, "MAX_POOL_2D", [source], [target], options, 1, "Pool2DOptions")


def chain_graph(n: int) -> Graph:
    shape = (1, 4, 4, 8)
    tensors = [_int8(i, shape) for i in range(n + 1)]
    ops = [_pool(i, i, i + 1) for i in range(n)]
    return Graph("chain", tensors, ops, [0], [n], source="chain.tflite")


def branch_graph(k: int) -> Graph:
    shape = (1, 2, 2, 4)
    tensors, ops, leaves = [_int8(0, shape)], [], []
    for _ in range(k):
        tensors.append(_int8(len(tensors), shape))
        ops.append(_pool(len(ops), 0, len(tensors) - 1))
        leaves.append(len(tensors) - 1)
    add_options = SimpleNamespace(fused_activation_function="NONE", pot_scale_int16=True)
    while len(leaves) > 1:
        joined = []
        for a, b in zip(leaves[::2], leaves[1::2]):
            tensors.append(_int8(len(tensors), shape))
            ops.append(Op(len(ops), "ADD", [a, b], [len(tensors) - 1], add_options, 1, "AddOptions"))
            joined.append(len(tensors) - 1)
        leaves = joined + leaves[len(leaves) - len(leaves) % 2 :]
    return Graph("branches", tensors, ops, [0], [leaves[0]], source="branches.tflite")


def _timed(function, *args):
    start = time.perf_counter()
    result = function(*args)
    return time.perf_counter() - start, result


def planning() -> dict[str, object]:
    from mcugen.compiler import compile_graph

    figures: dict[str, object] = {}
    seconds, result = _timed(plan, chain_problem(CHAIN_OPS))
    figures["chain_problem"] = {"ops": CHAIN_OPS, "seconds": round(seconds, 2), "arena": result.arena_size,
                                "budget_exhausted": result.budget_exhausted}
    seconds, result = _timed(plan, branch_problem(BRANCHES))
    figures["branches_problem"] = {"branches": BRANCHES, "seconds": round(seconds, 2), "arena": result.arena_size,
                                   "lower_bound": result.lower_bound, "budget_exhausted": result.budget_exhausted}
    for key, graph in (("chain_graph", chain_graph(CHAIN_OPS)), ("branches_graph", branch_graph(BRANCHES))):
        ops = len(graph.ops)
        seconds, compiled = _timed(lambda g: compile_graph(g, "host", kernels="portable", allow_overflow=True), graph)
        start = time.perf_counter()
        plan(compiled.problem)
        figures[key] = {"ops": ops, "compile_seconds": round(seconds, 2),
                        "plan_seconds": round(time.perf_counter() - start, 2), "arena": compiled.plan.arena_size,
                        "budget_exhausted": compiled.plan.budget_exhausted}
    return figures


def weight_model(side: int) -> bytes:
    """A FULLY_CONNECTED with side x side int8 weights (the tests' schema object API, no TensorFlow)."""
    import flatbuffers
    from tflite_micro.tensorflow.lite.micro.python import schema_py_generated as schema

    def tensor(name, shape, kind, buffer, scale):
        t = schema.TensorT()
        t.name, t.shape, t.type, t.buffer = name.encode(), np.array(shape, np.int32), kind, buffer
        t.quantization = schema.QuantizationParametersT()
        t.quantization.scale = np.array([scale], np.float32)
        t.quantization.zeroPoint = np.array([0], np.int64)
        return t

    rng = np.random.default_rng(0)
    buffers = [schema.BufferT() for _ in range(3)]
    buffers[1].data = rng.integers(-127, 128, side * side, dtype=np.int8).view(np.uint8)
    buffers[2].data = np.zeros(side, np.int32).view(np.uint8)
    sub = schema.SubGraphT()
    sub.tensors = [tensor("input", (1, side), schema.TensorType.INT8, 0, 0.05),
                   tensor("weights", (side, side), schema.TensorType.INT8, 1, 0.01),
                   tensor("bias", (side,), schema.TensorType.INT32, 2, 0.0005),
                   tensor("output", (1, side), schema.TensorType.INT8, 0, 1.0)]
    op = schema.OperatorT()
    op.opcodeIndex, op.inputs, op.outputs = 0, np.array([0, 1, 2], np.int32), np.array([3], np.int32)
    op.builtinOptionsType = schema.BuiltinOptions.FullyConnectedOptions
    op.builtinOptions = schema.FullyConnectedOptionsT()
    sub.operators, sub.inputs, sub.outputs = [op], np.array([0], np.int32), np.array([3], np.int32)
    code = schema.OperatorCodeT()
    code.builtinCode = code.deprecatedBuiltinCode = schema.BuiltinOperator.FULLY_CONNECTED
    model = schema.ModelT()
    model.version, model.operatorCodes, model.subgraphs, model.buffers = 3, [code], [sub], buffers
    builder = flatbuffers.Builder(side * side + 4096)
    builder.Finish(model.Pack(builder), file_identifier=b"TFL3")
    return bytes(builder.Output())


_EMIT = """
import resource, sys, time
from pathlib import Path
from mcugen.codegen import render_project, write_project
from mcugen.compiler import compile_model
start = time.perf_counter()
compiled = compile_model(Path(sys.argv[1]), board="host", kernels="portable", allow_overflow=True)
out = write_project(render_project(compiled, None, "bench", plot=False), Path(sys.argv[2]))
weights = sum(p.stat().st_size for p in out.rglob("*_weights.c"))
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024, weights, time.perf_counter() - start)
"""


def emitting(side: int = WEIGHT_SIDE) -> dict[str, object]:
    with tempfile.TemporaryDirectory(prefix="mcugen-bench-") as tmp:
        model = Path(tmp) / "big_weights.tflite"
        # made in its own process, so that building the flatbuffer does not count in the peak below
        subprocess.run([sys.executable, "-c", f"import sys; from mcugen.bench.resources import weight_model; "
                        f"open(sys.argv[1], 'wb').write(weight_model({side}))", str(model)], check=True)
        done = subprocess.run([sys.executable, "-c", _EMIT, str(model), str(Path(tmp) / "out")], check=True,
                              capture_output=True, text=True)
        peak, weights, seconds = done.stdout.split()
        return {"weight_bytes": side * side, "model_bytes": model.stat().st_size, "weights_file_bytes": int(weights),
                "peak_rss_bytes": int(peak), "seconds": round(float(seconds), 1)}


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m mcugen.bench resources", description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", action="store_true", help="one JSON object instead of text")
    parser.add_argument("--skip-emit", action="store_true", help="only the planning figures")
    args = parser.parse_args(argv)
    figures = {"planning": planning()}
    if not args.skip_emit:
        figures["emit"] = emitting()
    if args.json:
        print(json.dumps(figures, indent=2))
        return 0
    p = figures["planning"]
    print(f"chain of {CHAIN_OPS} ops, planner problem: {p['chain_problem']['seconds']} s "
          f"(budget {CHAIN_BUDGET_SECONDS} s), arena {p['chain_problem']['arena']:,} bytes")
    print(f"chain of {p['chain_graph']['ops']} MAX_POOL_2D, compile_graph: {p['chain_graph']['compile_seconds']} s "
          f"(plan {p['chain_graph']['plan_seconds']} s)")
    for key, label in (("branches_problem", "planner problem"), ("branches_graph", "compile_graph")):
        b = p[key]
        seconds = b.get("seconds", b.get("plan_seconds"))
        print(f"{BRANCHES} branches + ADD tree, {label}: plan {seconds} s, arena {b['arena']:,} bytes, "
              f"work limit {'reached' if b['budget_exhausted'] else 'not reached'}")
    if "emit" in figures:
        e = figures["emit"]
        print(f"{e['weight_bytes'] / 1e6:.0f} MB weight tensor: peak RSS {e['peak_rss_bytes'] / 2**20:.0f} MiB "
              f"(budget {PEAK_BUDGET_BYTES / 2**20:.0f} MiB), weights file {e['weights_file_bytes'] / 1e6:.0f} MB "
              f"in {e['seconds']} s")
    return 0
