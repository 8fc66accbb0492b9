"""Mutation fuzzing of the compiler: no model may crash mcugen, hang it, or compile to code that differs from TFLite
Micro.

    python -m mcugen.fuzz --count 100000 --seed 1                # compile + render every mutant
    python -m mcugen.fuzz --count 5000 --seed 2 --sanitize 200    # also build 200 accepted ones with ASan+UBSan
    python -m mcugen.fuzz --seed 1 --index 4711 --write m.tflite  # regenerate one mutant

Mutant number `i` of seed `s` is a pure function of (s, i) and the base models, so every finding is reproducible
from its two numbers. The bases are the example model, the DEV models (../shared/models or $MCUGEN_MODELS) and the
one-op models of tests/modelgen.py when the tests are present. A mutant is made either at the byte level (bit flips,
byte changes, truncation, insertions, splices of two bases) or through the schema's object API (shapes, types,
quantization, options fields, opcode indices, op operands, buffer indices, the graph's inputs and outputs), then
serialised again.

Each mutant goes through `compile_model` and `render_project` in this process. A McugenError is a refusal (the
expected answer to a broken model); any other exception is a finding, and so is a mutant that runs past the
per-mutant timeout. The mutants run in a worker process, so one that kills the interpreter (a crash) is reported
and the campaign goes on with the next. With `--sanitize N`, N of the accepted mutants are also built on the host
with `-fsanitize=address,undefined -fno-sanitize-recover=all` and their self-test compared with TFLite Micro's
outputs: a mismatch, a sanitizer report or a compile failure is a finding. Findings are written to `--out`
(the mutant and its traceback).
"""

from __future__ import annotations

import argparse
import copy
import functools
import json
import os
import random
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path

import flatbuffers
import numpy as np

from mcugen.errors import McugenError

REPO = Path(__file__).resolve().parent.parent
EXAMPLE = REPO / "examples" / "wave_classifier" / "wave_int8.tflite"
MODELS_DIR = Path(os.environ.get("MCUGEN_MODELS", REPO.parent / "shared" / "models"))
CMSIS_NN = Path(os.environ.get("CMSIS_NN_PATH", REPO.parent / "shared" / "third_party" / "CMSIS-NN"))
FIXTURES = REPO / "tests" / "fixtures" / "fuzz"
LSTM_FIXTURE = REPO / "tests" / "fixtures" / "lstm" / "lstm_int8.tflite"
FIXTURE_MANIFEST = "fixtures.json"
DEFAULT_TIMEOUT = 20.0  # seconds per mutant: the largest DEV model compiles and renders in about 2
MEMORY_LIMIT = 4 << 30  # address space of the worker: a mutant that asks for more is a finding (MemoryError)
BOARDS = ("qemu-m4", "host", "qemu-m55", "nano33ble")
INTERESTING = (0, 1, -1, 2, 3, 7, 8, 16, 127, -128, 128, 255, 256, 1 << 15, (1 << 16) + 1, (1 << 31) - 1, -(1 << 31))


def cmsis_nn_root() -> Path | None:
    """The CMSIS-NN tree the cmsis-nn mutants compile against, if there is one."""
    return CMSIS_NN if (CMSIS_NN / "Include" / "arm_nnfunctions.h").is_file() else None


class MutantTimeout(BaseException):
    """Raised by the alarm when one mutant runs too long (a BaseException: `except Exception` must not eat it)."""


# ---- the base models ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Base:
    name: str
    data: bytes


def _modelgen_bases(corpus: int) -> list[Base]:
    """Small one-op models from tests/modelgen.py and tests/modelgen_layers.py (the tests' own model builders),
    when the tests are present. Corpus 1 has those of modelgen.py only."""
    tests = REPO / "tests"
    if not (tests / "modelgen.py").is_file():
        return []
    sys.path.insert(0, str(tests))
    try:
        import modelgen as mg
        import modelgen_layers as layers
        import modelgen_moves as moves
    except ImportError:
        return []
    finally:
        sys.path.remove(str(tests))
    q = dict(scale=0.05, zero_point=-3)
    made = {
        "conv2d": lambda: mg.conv2d_model(seed=1),
        "conv2d_strided": lambda: mg.conv2d_model(input_shape=(1, 9, 7, 2), kernel=(3, 2), stride=(2, 2),
                                                  padding="VALID", activation="RELU6", seed=2),
        "depthwise": lambda: mg.depthwise_conv2d_model(depth_multiplier=2, seed=3),
        "fully_connected": lambda: mg.fully_connected_model(seed=4),
        "add": lambda: mg.add_model(seed=5),
        "add_broadcast": lambda: mg.add_model(shape1=(1, 4, 4, 8), shape2=(1, 1, 1, 8), seed=6),
        "avg_pool": lambda: mg.single_op_model(
            "AVERAGE_POOL_2D", [dict(name="input", shape=(1, 7, 9, 5), **q)],
            [dict(name="output", shape=(1, 4, 5, 5), **q)], padding="SAME", stride_h=2, stride_w=2,
            filter_height=3, filter_width=3, fused_activation_function="NONE"),
        "max_pool": lambda: mg.single_op_model(
            "MAX_POOL_2D", [dict(name="input", shape=(1, 8, 8, 4), **q)],
            [dict(name="output", shape=(1, 4, 4, 4), **q)], padding="VALID", stride_h=2, stride_w=2,
            filter_height=2, filter_width=2, fused_activation_function="NONE"),
        "softmax": lambda: mg.single_op_model(
            "SOFTMAX", [dict(name="logits", shape=(1, 10), scale=0.1, zero_point=3)],
            [dict(name="probabilities", shape=(1, 10), scale=1.0 / 256, zero_point=-128)], beta=1.0),
        "mean": lambda: mg.single_op_model(
            "MEAN", [dict(name="input", shape=(1, 6, 3, 3), scale=0.0485, zero_point=6),
                     dict(name="axes", shape=(1,), dtype="int32", data=np.asarray([3]))],
            [dict(name="output", shape=(1, 6, 3), scale=0.0485, zero_point=6)], keep_dims=False),
        "transpose": lambda: mg.single_op_model(
            "TRANSPOSE", [dict(name="input", shape=(1, 3, 3, 5), scale=0.0485, zero_point=6),
                          dict(name="perm", shape=(4,), dtype="int32", data=np.asarray([0, 3, 1, 2]))],
            [dict(name="output", shape=(1, 5, 3, 3), scale=0.0485, zero_point=6)]),
        "pad": lambda: mg.single_op_model(
            "PAD", [dict(name="input", shape=(1, 4, 4, 2), scale=0.0235, zero_point=-128),
                    dict(name="paddings", shape=(4, 2), dtype="int32",
                         data=np.asarray([[0, 0], [1, 1], [0, 2], [0, 0]]))],
            [dict(name="output", shape=(1, 6, 6, 2), scale=0.0235, zero_point=-128)]),
        "quantize": lambda: mg.single_op_model(
            "QUANTIZE", [dict(name="input", shape=(1, 12), dtype="float32")],
            [dict(name="output", shape=(1, 12), scale=0.02, zero_point=4)]),
        "dequantize": lambda: mg.single_op_model(
            "DEQUANTIZE", [dict(name="input", shape=(2, 6), scale=0.1, zero_point=1)],
            [dict(name="output", shape=(2, 6), dtype="float32")]),
    }
    if corpus >= 2:
        made.update({
            "transpose_conv": lambda: layers.transpose_conv_model(seed=7),
            "batch_matmul": lambda: layers.batch_matmul_model(seed=8),
            "svdf": lambda: layers.svdf_model(seed=9),
        })
    if corpus >= 3:
        made.update({
            "lstm": lambda: layers.lstm_model(batches=2, time_steps=3, cell_clip=3.0, seed=10),
            "lstm_16x8": lambda: layers.lstm_model(dtype="int16", time_major=True, seed=11),
        })
    if corpus >= 4:
        s16 = dict(dtype="int16", zero_point=0)
        made.update({
            "relu_n1_to_1": lambda: mg.single_op_model(
                "RELU_N1_TO_1", [dict(name="input", shape=(1, 5, 4), scale=0.02, zero_point=-3)],
                [dict(name="output", shape=(1, 5, 4), scale=0.01, zero_point=2)]),
            "dilated_conv": lambda: moves.dilated_conv_model((1, 7, 6, 3), 4, (3, 3), (2, 2), seed=12),
            "logistic_16": lambda: mg.single_op_model(
                "LOGISTIC", [dict(name="input", shape=(2, 9), scale=3.1e-4, **s16)],
                [dict(name="output", shape=(2, 9), scale=1.0 / 32768, **s16)]),
            "tanh_16": lambda: mg.single_op_model(
                "TANH", [dict(name="input", shape=(2, 9), scale=2.0 ** -12, **s16)],
                [dict(name="output", shape=(2, 9), scale=1.0 / 32768, **s16)]),
        })
    bases = []
    for name, make in made.items():
        try:
            bases.append(Base(f"modelgen:{name}", make()))
        except Exception:  # a builder the tests changed: fuzz the rest
            continue
    return bases


# The set of base models: mutant numbers depend on it, so a new set gets a new number (and the old ones stay
# reproducible with --corpus). 1: the example, modelgen.py's one-op models, the DEV models; 2: also the layer
# models of modelgen_layers.py (TRANSPOSE_CONV, BATCH_MATMUL, SVDF); 3: also its LSTMs (int8 and 16x8) and the
# converter-made LSTM fixture; 4: also RELU_N1_TO_1 and the padded dilated convolution (checked against LiteRT),
# int16 LOGISTIC and TANH.
CORPUS = 4


@functools.lru_cache(maxsize=4)
def bases(corpus: int = CORPUS) -> tuple[Base, ...]:
    """The base models, in a fixed order (mutant numbers depend on it)."""
    found = []
    if EXAMPLE.is_file():
        found.append(Base("example:wave_int8", EXAMPLE.read_bytes()))
    found.extend(_modelgen_bases(corpus))
    if corpus >= 3 and LSTM_FIXTURE.is_file():
        found.append(Base("fixture:lstm_int8", LSTM_FIXTURE.read_bytes()))
    for path in sorted(MODELS_DIR.glob("*.tflite")):
        found.append(Base(f"dev:{path.stem}", path.read_bytes()))
    return tuple(found)


def _base_weights(models: tuple[Base, ...]) -> list[float]:
    """Small models are drawn more often: they compile fastest and their bytes are mostly structure, not weights."""
    return [1.0 / (1.0 + len(b.data) / 16384) for b in models]


# ---- mutations ------------------------------------------------------------------------------------------------


@dataclass
class Mutant:
    seed: int
    index: int
    corpus: int
    base: str
    mutations: list[str] = field(default_factory=list)
    data: bytes | None = None  # None when the mutated object could not be serialised again
    board: str = "qemu-m4"
    kernels: str = "portable"

    def label(self) -> str:
        corpus = f" corpus {self.corpus}" if self.corpus != CORPUS else ""
        return f"seed {self.seed} index {self.index}{corpus} ({self.base}: {', '.join(self.mutations)}; " \
               f"{self.board}, {self.kernels})"


def make_mutant(seed: int, index: int, corpus: int = CORPUS) -> Mutant:
    """Mutant `index` of campaign `seed` over base set `corpus`: deterministic."""
    rng = random.Random(f"mcugen-fuzz/{seed}/{index}")
    models = bases(corpus)
    base = rng.choices(models, weights=_base_weights(models))[0]
    mutant = Mutant(seed, index, corpus, base.name, board=rng.choice(BOARDS),
                    kernels=rng.choice(("portable", "auto", "cmsis-nn")))
    if rng.random() < 0.35:
        mutant.data = _byte_mutant(rng, base, models, mutant.mutations)
    else:
        mutant.data = _schema_mutant(rng, base, mutant.mutations)
    return mutant


def _byte_mutant(rng: random.Random, base: Base, models: tuple[Base, ...], log: list[str]) -> bytes:
    data = bytearray(base.data)
    for _ in range(rng.choice((1, 1, 2, 3, 5))):
        kind = rng.choice(("flip", "flip", "byte", "word", "truncate", "insert", "delete", "splice"))
        # Most of a model's bytes are weights; aim half of the edits at the first kilobytes (tables, vectors).
        limit = len(data) if rng.random() < 0.5 else min(len(data), 4096)
        if limit == 0:
            break
        pos = rng.randrange(limit)
        if kind == "flip":
            data[pos] ^= 1 << rng.randrange(8)
        elif kind == "byte":
            data[pos] = rng.choice((0, 1, 0x7F, 0x80, 0xFF, rng.randrange(256)))
        elif kind == "word":
            value = rng.choice(INTERESTING) & 0xFFFFFFFF
            data[pos : pos + 4] = value.to_bytes(4, "little")
        elif kind == "truncate":
            del data[max(8, pos):]
        elif kind == "insert":
            data[pos:pos] = bytes(rng.randrange(256) for _ in range(rng.choice((1, 4, 16))))
        elif kind == "delete":
            del data[pos : pos + rng.choice((1, 4, 16))]
        else:
            other = rng.choice(models).data
            cut = rng.randrange(len(other))
            data[pos:] = other[cut:]
        log.append(f"{kind}@{pos}")
    return bytes(data)


@functools.lru_cache(maxsize=64)
def _unpacked(data: bytes):
    from tflite_micro.tensorflow.lite.micro.python import schema_py_generated as schema

    return schema.ModelT.InitFromPackedBuf(data, 0)


def _schema_mutant(rng: random.Random, base: Base, log: list[str]) -> bytes | None:
    from tflite_micro.tensorflow.lite.micro.python import schema_py_generated as schema

    model = copy.deepcopy(_unpacked(base.data))
    for _ in range(rng.choice((1, 1, 1, 2, 3))):
        mutation = rng.choice(_SCHEMA_MUTATIONS)
        note = mutation(rng, model, schema)
        log.append(note or mutation.__name__.lstrip("_"))
    builder = flatbuffers.Builder(len(base.data) + 1024)
    try:
        builder.Finish(model.Pack(builder), file_identifier=b"TFL3")
    except Exception:  # a value the schema cannot hold (an int that does not fit its field): not a model
        return None
    return bytes(builder.Output())


def _pick(rng: random.Random, items):
    return rng.randrange(len(items)) if items is not None and len(items) else None


def _value(rng: random.Random, small: int) -> int:
    return rng.choice((*INTERESTING, rng.randrange(-2, small + 2), rng.randrange(-2, small + 2)))


def _tensors(model):
    return model.subgraphs[0].tensors if model.subgraphs else []


def _ops(model):
    return model.subgraphs[0].operators if model.subgraphs else []


def _shape(rng, model, schema):
    tensors = _tensors(model)
    t = _pick(rng, tensors)
    if t is None:
        return "shape:none"
    shape = [int(d) for d in (tensors[t].shape if tensors[t].shape is not None else [])]
    what = rng.choice(("dim", "dim", "add", "drop", "swap"))
    if what == "dim" and shape:
        shape[rng.randrange(len(shape))] = _value(rng, 64)
    elif what == "add":
        shape.insert(rng.randrange(len(shape) + 1), rng.choice((1, 1, 2, 0)))
    elif what == "drop" and shape:
        del shape[rng.randrange(len(shape))]
    elif what == "swap" and len(shape) > 1:
        a, b = rng.sample(range(len(shape)), 2)
        shape[a], shape[b] = shape[b], shape[a]
    if any(not -(1 << 31) <= d < (1 << 31) for d in shape):
        tensors[t].shape = np.asarray([d & 0x7FFFFFFF for d in shape], dtype=np.int32)
    else:
        tensors[t].shape = np.asarray(shape, dtype=np.int32)
    return f"shape:t{t}:{what}"


def _type(rng, model, schema):
    tensors = _tensors(model)
    t = _pick(rng, tensors)
    if t is None:
        return "type:none"
    tensors[t].type = rng.choice((0, 1, 2, 3, 4, 6, 7, 9, 10, 11, 17, 18, rng.randrange(0, 20)))
    return f"type:t{t}={tensors[t].type}"


def _quantization(rng, model, schema):
    tensors = _tensors(model)
    t = _pick(rng, tensors)
    if t is None:
        return "quant:none"
    tensor = tensors[t]
    quant = tensor.quantization
    what = rng.choice(("scale", "zero_point", "length", "axis", "drop", "add"))
    if what == "drop" or (quant is None and what != "add"):
        tensor.quantization = None
        return f"quant:t{t}:drop"
    if what == "add" or quant is None:
        quant = schema.QuantizationParametersT()
        quant.scale = np.asarray([rng.choice((0.05, 1.0, 1e-9))], dtype=np.float32)
        quant.zeroPoint = np.asarray([rng.choice((0, -128, 5))], dtype=np.int64)
        tensor.quantization = quant
        return f"quant:t{t}:add"
    n = len(quant.scale) if quant.scale is not None else 0
    if what == "scale" and n:
        scale = np.array(quant.scale, dtype=np.float32)
        scale[rng.randrange(n)] = rng.choice((0.0, -1.0, float("nan"), float("inf"), 1e-30, 1e30, 3e38, 1e-45,
                                              2.0 ** rng.randrange(-40, 40)))
        quant.scale = scale
    elif what == "zero_point" and quant.zeroPoint is not None and len(quant.zeroPoint):
        zp = np.array(quant.zeroPoint, dtype=np.int64)
        zp[rng.randrange(len(zp))] = rng.choice((-129, 128, 255, -32769, 1 << 40, rng.randrange(-300, 300)))
        quant.zeroPoint = zp
    elif what == "length" and n:
        k = rng.choice((0, 1, 2, n - 1, n + 1, 2 * n))
        quant.scale = np.resize(np.asarray(quant.scale, dtype=np.float32), max(k, 0))
        if rng.random() < 0.5 and quant.zeroPoint is not None:
            quant.zeroPoint = np.resize(np.asarray(quant.zeroPoint, dtype=np.int64), max(k, 0))
    else:
        quant.quantizedDimension = _value(rng, 4)
    return f"quant:t{t}:{what}"


def _options(rng, model, schema):
    ops = _ops(model)
    o = _pick(rng, ops)
    if o is None:
        return "options:none"
    op = ops[o]
    if op.builtinOptions is None or rng.random() < 0.15:
        op.builtinOptionsType = rng.choice((0, 1, 2, 5, 6, 8, 9, 11, 12, 18, 24, rng.randrange(0, 130)))
        try:
            op.builtinOptions = None if op.builtinOptionsType == 0 else _empty_options(schema, op.builtinOptionsType)
        except (KeyError, AttributeError):  # a type number the schema does not name
            op.builtinOptions = None
        return f"options:op{o}:type={op.builtinOptionsType}"
    fields = [k for k, v in vars(op.builtinOptions).items() if isinstance(v, (int, float, bool, np.ndarray, list))]
    if not fields:
        return f"options:op{o}:nofields"
    name = rng.choice(fields)
    old = getattr(op.builtinOptions, name)
    if isinstance(old, bool):
        new = not old
    elif isinstance(old, float):
        new = rng.choice((0.0, -1.0, float("nan"), float("inf"), 1e30, 1e-30))
    elif isinstance(old, (list, np.ndarray)):
        new = np.asarray([_value(rng, 8) for _ in range(rng.randrange(0, 5))], dtype=np.int64)
        new = new[(new >= -(1 << 31)) & (new < (1 << 31))].astype(np.int32)
    else:
        new = _value(rng, 16)
        if name in ("fusedActivationFunction", "padding"):
            new = rng.randrange(0, 8)
    setattr(op.builtinOptions, name, new)
    return f"options:op{o}:{name}"


def _empty_options(schema, options_type: int):
    names = {v: k for k, v in vars(schema.BuiltinOptions).items() if not k.startswith("_")}
    cls = getattr(schema, names[options_type] + "T")
    return cls()


def _opcode(rng, model, schema):
    ops = _ops(model)
    o = _pick(rng, ops)
    what = rng.choice(("index", "index", "builtin", "version"))
    if what == "index" and o is not None:
        ops[o].opcodeIndex = rng.choice((0, 1, len(model.operatorCodes), rng.randrange(0, len(model.operatorCodes) + 2)))
        return f"opcode:op{o}:index={ops[o].opcodeIndex}"
    c = _pick(rng, model.operatorCodes)
    if c is None:
        return "opcode:none"
    code = model.operatorCodes[c]
    if what == "builtin":
        # the supported ops and their neighbours
        value = rng.choice((0, 1, 2, 3, 4, 9, 14, 17, 22, 25, 28, 32, 34, 39, 40, 49, 60, 83, 114, 6, 126, 150,
                            rng.randrange(0, 160)))
        code.builtinCode = value
        code.deprecatedBuiltinCode = min(value, 127)
        return f"opcode:c{c}:builtin={value}"
    code.version = _value(rng, 8)
    return f"opcode:c{c}:version"


def _edit_indices(rng: random.Random, table, which: str, tensors: int, extra: tuple[int, ...] = ()) -> str:
    """Set, add, drop or repeat one tensor index of the int vector `which` of `table`; return what was done."""
    values = [int(v) for v in (getattr(table, which) if getattr(table, which) is not None else [])]
    what = rng.choice(("set", "set", "add", "drop", "dup"))
    tensor = rng.choice((-1, tensors, *extra, rng.randrange(max(tensors, 1)), rng.randrange(max(tensors, 1))))
    if what == "set" and values:
        values[rng.randrange(len(values))] = tensor
    elif what == "add":
        values.insert(rng.randrange(len(values) + 1), tensor)
    elif what == "drop" and values:
        del values[rng.randrange(len(values))]
    elif what == "dup" and values:
        values.append(rng.choice(values))
    setattr(table, which, np.asarray(values, dtype=np.int32))
    return what


def _operands(rng, model, schema):
    ops = _ops(model)
    o = _pick(rng, ops)
    if o is None:
        return "operands:none"
    which = rng.choice(("inputs", "inputs", "outputs"))
    n = len(_tensors(model))
    return f"operands:op{o}:{which}:{_edit_indices(rng, ops[o], which, n, (n + 5,))}"


def _buffer(rng, model, schema):
    tensors = _tensors(model)
    what = rng.choice(("index", "index", "resize", "empty", "share"))
    if what == "resize" or what == "empty":
        b = _pick(rng, model.buffers)
        if b is None:
            return "buffer:none"
        buffer = model.buffers[b]
        old = np.asarray(buffer.data if buffer.data is not None else [], dtype=np.uint8)
        if what == "empty":
            buffer.data = None
        else:
            size = rng.choice((0, 1, max(0, len(old) - 1), len(old) + 1, 2 * len(old) + 4, 4))
            new = np.resize(old, size) if len(old) else np.zeros(size, dtype=np.uint8)
            buffer.data = new.astype(np.uint8)
        return f"buffer:b{b}:{what}"
    t = _pick(rng, tensors)
    if t is None:
        return "buffer:none"
    if what == "share":
        tensors[t].buffer = tensors[rng.randrange(len(tensors))].buffer
    else:
        tensors[t].buffer = rng.choice((0, len(model.buffers), rng.randrange(max(len(model.buffers), 1))))
    return f"buffer:t{t}:{what}"


def _interface(rng, model, schema):
    if not model.subgraphs:
        return "interface:none"
    subgraph = model.subgraphs[0]
    which = rng.choice(("inputs", "outputs"))
    return f"interface:{which}:{_edit_indices(rng, subgraph, which, len(subgraph.tensors or []))}"


def _structure(rng, model, schema):
    ops = _ops(model)
    o = _pick(rng, ops)
    if o is None:
        return "structure:none"
    what = rng.choice(("remove", "duplicate", "swap", "subgraphs"))
    if what == "remove":
        del ops[o]
    elif what == "duplicate":
        ops.insert(o, copy.deepcopy(ops[o]))
    elif what == "swap" and len(ops) > 1:
        a, b = rng.sample(range(len(ops)), 2)
        ops[a], ops[b] = ops[b], ops[a]
    elif what == "subgraphs":
        if rng.random() < 0.5:
            model.subgraphs.append(copy.deepcopy(model.subgraphs[0]))
        else:
            model.subgraphs = []
    return f"structure:{what}"


def _data(rng, model, schema):
    """Change the values of a constant (weights, biases, shape operands such as axes, paddings, perm)."""
    buffers = [b for b, buffer in enumerate(model.buffers) if buffer.data is not None and len(buffer.data)]
    if not buffers:
        return "data:none"
    b = rng.choice(buffers)
    data = np.array(model.buffers[b].data, dtype=np.uint8)
    for _ in range(rng.choice((1, 2, 4))):
        pos = rng.randrange(len(data))
        data[pos] = rng.choice((0, 0xFF, 0x80, 0x7F, rng.randrange(256)))
    model.buffers[b].data = data
    return f"data:b{b}"


_SCHEMA_MUTATIONS = (_shape, _shape, _type, _quantization, _quantization, _options, _options, _opcode, _operands,
                     _operands, _buffer, _interface, _structure, _data, _data)


# ---- running one mutant ---------------------------------------------------------------------------------------


@dataclass
class Outcome:
    kind: str  # "accepted", "refused", "unserialisable", "traceback", "hang"
    detail: str = ""
    compiled: object = None


def _alarm(signum, frame):
    raise MutantTimeout()


def run_mutant(mutant: Mutant, timeout: float = DEFAULT_TIMEOUT) -> Outcome:
    """Compile and render one mutant in this process; never raises (except KeyboardInterrupt)."""
    from mcugen.codegen import render_project
    from mcugen.compiler import compile_model

    if mutant.data is None:
        return Outcome("unserialisable")
    cmsis = cmsis_nn_root()
    if mutant.kernels == "cmsis-nn" and cmsis is None:
        mutant.kernels = "portable"
    previous = signal.signal(signal.SIGALRM, _alarm)
    signal.setitimer(signal.ITIMER_REAL, timeout)
    try:
        compiled = compile_model(mutant.data, board=mutant.board, kernels=mutant.kernels, cmsis_nn=cmsis,
                                 allow_overflow=mutant.index % 2 == 0)
        render_project(compiled, None, "mcugen fuzz", plot=False)
        return Outcome("accepted", compiled=compiled)
    except McugenError as exc:
        return Outcome("refused", str(exc).splitlines()[0] if str(exc) else type(exc).__name__)
    except MutantTimeout:
        return Outcome("hang", f"no answer within {timeout:g} s")
    except Exception:
        return Outcome("traceback", traceback.format_exc())
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def sanitize_mutant(mutant: Mutant, compiled, workdir: Path, vectors: int = 3) -> Outcome:
    """Build an accepted mutant's project on the host with ASan+UBSan, run its self-test against TFLite Micro's
    outputs. "reference" when TFLite Micro itself fails on the model (not mcugen's finding)."""
    from mcugen.compiler import compile_model

    # The project is planned for a native build of the same board (CMSIS-NN's plain C where it has variants),
    # and the sanitizers need the address space the worker's limit would deny them.
    try:
        compiled = compile_model(mutant.data, board=compiled.board, kernels=mutant.kernels,
                                 cmsis_nn=compiled.target.cmsis_nn.root if compiled.target.cmsis_nn else None,
                                 allow_overflow=True, host=True)
    except McugenError as exc:
        return Outcome("host-refused", str(exc).splitlines()[0])
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    resource.setrlimit(resource.RLIMIT_AS, (hard, hard))
    try:
        return _sanitize(mutant, compiled, workdir, vectors)
    finally:
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


def _sanitize(mutant: Mutant, compiled, workdir: Path, vectors: int) -> Outcome:
    from mcugen.codegen import render_project, write_project
    from mcugen.emulate import build_host, run_host
    from mcugen.errors import ReferenceFailure
    from mcugen.golden import golden_vectors
    from mcugen.verify import parse_selftest

    try:
        golden = golden_vectors(compiled, mutant.data, vectors, seed=mutant.index)
    except (ReferenceFailure, McugenError) as exc:
        return Outcome("reference", str(exc).splitlines()[0])
    tmp = Path(tempfile.mkdtemp(prefix=f"m{mutant.index}-", dir=workdir))
    try:
        project = write_project(render_project(compiled, golden, "mcugen fuzz", plot=False), tmp / "project")
        try:
            exe = build_host(project, tmp / "build", sanitize=True)
        except McugenError as exc:
            return Outcome("compile", str(exc))
        result = run_host(exe, timeout=120)
        outputs, passed = parse_selftest(result.stdout, compiled)
        identical = all(o.identical for o in outputs)
        if passed and result.returncode == 0 and outputs and identical:
            return Outcome("identical")
        kind = "mismatch" if outputs and not identical else "sanitizer"
        return Outcome(kind, f"exit {result.returncode}\n{result.stdout[-4000:]}\n{result.stderr[-6000:]}")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


# ---- the campaign ---------------------------------------------------------------------------------------------

FINDING_KINDS = ("traceback", "hang", "crash", "compile", "mismatch", "sanitizer")


def _save_finding(out: Path, mutant: Mutant, kind: str, detail: str) -> None:
    out.mkdir(parents=True, exist_ok=True)
    stem = f"{kind}-s{mutant.seed}-i{mutant.index}"
    if mutant.data is not None:
        (out / f"{stem}.tflite").write_bytes(mutant.data)
    (out / f"{stem}.txt").write_text(f"{mutant.label()}\n\n{detail}\n")


def _limit_memory(limit: int) -> None:
    """Set the soft limit of the address space (the hard one stays, so it can be lifted again)."""
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    try:
        resource.setrlimit(resource.RLIMIT_AS, (limit if hard == resource.RLIM_INFINITY else min(limit, hard), hard))
    except (ValueError, OSError):
        pass


def worker(seed: int, start: int, stop: int, sanitize_every: int, sanitize_left: int, timeout: float,
           report) -> None:
    """Run mutants start..stop-1, writing one JSON line per event to `report` (the supervisor reads them)."""
    _limit_memory(MEMORY_LIMIT)
    workdir = Path(tempfile.mkdtemp(prefix="mcugen-fuzz-"))
    accepted = 0
    for index in range(start, stop):
        report.write(json.dumps({"start": index}) + "\n")
        report.flush()
        mutant = make_mutant(seed, index)
        outcome = run_mutant(mutant, timeout)
        event = {"index": index, "kind": outcome.kind}
        if outcome.kind in FINDING_KINDS:
            event["detail"] = outcome.detail
        if outcome.kind == "accepted":
            accepted += 1
            if sanitize_left > 0 and accepted % sanitize_every == 0:
                sanitized = sanitize_mutant(mutant, outcome.compiled, workdir)
                sanitize_left -= 1
                event["sanitize"] = sanitized.kind
                if sanitized.kind in FINDING_KINDS or sanitized.kind == "reference":
                    event["sanitize_detail"] = sanitized.detail
        report.write(json.dumps(event) + "\n")
        report.flush()
    report.write(json.dumps({"done": stop}) + "\n")
    report.flush()


def _stuck_after(timeout: float, sanitizing: int) -> float:
    """Seconds of silence after which the supervisor stops a worker: the alarm inside it missed (a loop in C code).
    A sanitized build and its TFLite Micro run take longer than a mutant."""
    return 3 * timeout + (600 if sanitizing else 0)


class _Watchdog:
    """Kills a worker that has written nothing for `limit` seconds."""

    def __init__(self, process: subprocess.Popen, limit: float):
        import threading

        self.process, self.limit, self.fired = process, limit, False
        self._last = time.monotonic()
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)
        self._thread.start()

    def alive(self) -> None:
        self._last = time.monotonic()

    def stop(self) -> None:
        self._done.set()
        self._thread.join()

    def _watch(self) -> None:
        while not self._done.wait(1.0):
            if time.monotonic() - self._last > self.limit and self.process.poll() is None:
                self.fired = True
                self.process.kill()
                return


@dataclass
class Summary:
    mutants: int = 0
    counts: dict[str, int] = field(default_factory=dict)
    sanitized: dict[str, int] = field(default_factory=dict)
    findings: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def add(self, table: dict[str, int], kind: str) -> None:
        table[kind] = table.get(kind, 0) + 1

    @property
    def found(self) -> int:
        return sum(self.counts.get(k, 0) + self.sanitized.get(k, 0) for k in FINDING_KINDS)

    def text(self) -> str:
        rate = self.mutants / self.seconds if self.seconds else 0.0
        lines = [f"{self.mutants} mutants in {self.seconds:.0f} s ({rate:.1f}/s): "
                 + ", ".join(f"{k} {v}" for k, v in sorted(self.counts.items()))]
        if self.sanitized:
            lines.append("sanitized builds: " + ", ".join(f"{k} {v}" for k, v in sorted(self.sanitized.items())))
        lines.append(f"findings: {self.found}")
        lines.extend(f"  {f}" for f in self.findings[:50])
        return "\n".join(lines)


def campaign(seed: int, count: int, start: int = 0, sanitize: int = 0, timeout: float = DEFAULT_TIMEOUT,
             out: Path = Path("fuzz-findings"), progress=None) -> Summary:
    """Run mutants start..start+count-1 of `seed` in worker processes; a worker that dies is a crash finding on
    the mutant it was running, and a new worker carries on with the next one."""
    summary = Summary()
    began = time.perf_counter()
    # Spread the sanitized builds over the campaign: one accepted mutant in `every` (about a fifth is accepted).
    every = max(1, count // max(1, 5 * sanitize)) if sanitize else 1
    sanitize_left = sanitize
    index, stop = start, start + count
    last_report = began
    while index < stop:
        command = [sys.executable, "-m", "mcugen.fuzz", "--worker", "--seed", str(seed), "--start", str(index),
                   "--count", str(stop - index), "--timeout", str(timeout), "--sanitize", str(sanitize_left),
                   "--sanitize-every", str(every)]
        env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")]))
        process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True, env=env)
        running = None
        watchdog = _Watchdog(process, _stuck_after(timeout, sanitize_left))
        for line in process.stdout:
            watchdog.alive()
            event = json.loads(line)
            if "start" in event:
                running = event["start"]
                continue
            if "done" in event:
                index = stop
                break
            index = event["index"] + 1
            running = None
            summary.mutants += 1
            summary.add(summary.counts, event["kind"])
            mutant = None
            if event["kind"] in FINDING_KINDS:
                mutant = make_mutant(seed, event["index"])
                _save_finding(out, mutant, event["kind"], event.get("detail", ""))
                summary.findings.append(f"{event['kind']}: {mutant.label()}")
            if "sanitize" in event:
                summary.add(summary.sanitized, event["sanitize"])
                sanitize_left -= 1
                if event["sanitize"] == "reference":  # TFLite Micro failed: kept to look at, not mcugen's fault
                    _save_finding(out / "reference", make_mutant(seed, event["index"]), "reference",
                                  event.get("sanitize_detail", ""))
                if event["sanitize"] in FINDING_KINDS:
                    mutant = mutant or make_mutant(seed, event["index"])
                    _save_finding(out, mutant, "sanitize-" + event["sanitize"], event.get("sanitize_detail", ""))
                    summary.findings.append(f"sanitized {event['sanitize']}: {mutant.label()}")
            if progress is not None and time.perf_counter() - last_report > 30:
                last_report = time.perf_counter()
                summary.seconds = last_report - began
                progress(summary)
        process.wait()
        watchdog.stop()
        if running is not None:  # the worker died on this mutant, or was stopped because it stopped answering
            kind = "hang" if watchdog.fired else "crash"
            summary.mutants += 1
            summary.add(summary.counts, kind)
            mutant = make_mutant(seed, running)
            detail = (f"no answer from the worker within {watchdog.limit:g} s (stuck outside Python)" if watchdog.fired
                      else f"the worker process exited with status {process.returncode}")
            _save_finding(out, mutant, kind, detail)
            summary.findings.append(f"{kind} ({detail}): {mutant.label()}")
            index = running + 1
        elif process.returncode != 0 and index < stop:
            raise RuntimeError(f"fuzz worker failed with status {process.returncode}")
    summary.seconds = time.perf_counter() - began
    return summary


def write_fixture(mutant: Mutant, name: str, why: str = "", directory: Path = FIXTURES) -> Path:
    """Keep `mutant` as a regression fixture, with how it was made in the directory's manifest."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{name}.tflite"
    path.write_bytes(mutant.data)
    manifest_path = directory / FIXTURE_MANIFEST
    manifest = json.loads(manifest_path.read_text()) if manifest_path.exists() else {}
    manifest[path.name] = {
        "made_by": f"python -m mcugen.fuzz --seed {mutant.seed} --index {mutant.index} --corpus {mutant.corpus} "
                   f"--fixture {name}",
        "base": mutant.base,
        "mutations": mutant.mutations,
        "board": mutant.board,
        "kernels": mutant.kernels,
        "found": why,
    }
    manifest_path.write_text(json.dumps(dict(sorted(manifest.items())), indent=2) + "\n")
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m mcugen.fuzz", description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=1000, help="mutants to run")
    parser.add_argument("--seed", type=int, default=0, help="campaign seed")
    parser.add_argument("--start", type=int, default=0, help="first mutant number")
    parser.add_argument("--sanitize", type=int, default=0, metavar="N",
                        help="build N accepted mutants with ASan+UBSan and compare them with TFLite Micro")
    parser.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT, help="seconds per mutant")
    parser.add_argument("--out", default="fuzz-findings", help="where findings are written")
    parser.add_argument("--index", type=int, help="only regenerate (and run) mutant INDEX")
    parser.add_argument("--corpus", type=int, default=CORPUS, choices=(1, 2, 3, 4),
                        help=f"base model set (default {CORPUS})")
    parser.add_argument("--write", help="with --index: write the mutant to this file")
    parser.add_argument("--fixture", metavar="NAME",
                        help="with --index: keep the mutant as regression fixture tests/fixtures/fuzz/NAME.tflite")
    parser.add_argument("--why", default="", help="with --fixture: what the mutant found, for the manifest")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--sanitize-every", type=int, default=1, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        worker(args.seed, args.start, args.start + args.count, args.sanitize_every, args.sanitize, args.timeout,
               sys.stdout)
        return 0
    if args.index is not None:
        mutant = make_mutant(args.seed, args.index, args.corpus)
        print(mutant.label())
        if (args.write or args.fixture) and mutant.data is None:
            print("this mutant cannot be serialised")
            return 1
        if args.write:
            Path(args.write).write_bytes(mutant.data)
        if args.fixture:
            write_fixture(mutant, args.fixture, args.why)
        outcome = run_mutant(mutant, args.timeout)
        print(f"{outcome.kind}: {outcome.detail}")
        if outcome.kind == "accepted" and args.sanitize:
            with tempfile.TemporaryDirectory(prefix="mcugen-fuzz-") as tmp:
                outcome = sanitize_mutant(mutant, outcome.compiled, Path(tmp))
            print(f"sanitized: {outcome.kind}: {outcome.detail}")
        return 1 if outcome.kind in FINDING_KINDS else 0

    def progress(summary: Summary) -> None:
        lines = summary.text().splitlines()
        print("\n".join(lines[:2] if summary.sanitized else lines[:1]), file=sys.stderr, flush=True)

    summary = campaign(args.seed, args.count, args.start, args.sanitize, args.timeout, Path(args.out), progress)
    print(summary.text())
    return 1 if summary.found else 0


if __name__ == "__main__":
    sys.exit(main())
