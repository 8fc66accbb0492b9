"""One-op models for the math ops (element-wise, activations, reductions, int16 "16x8" layers), built directly
with tests/modelgen.py's ModelBuilder: no TensorFlow needed.

Every builder takes a seed (or a numpy Generator) and draws the quantization parameters it does not get; shapes
and options are explicit so hypothesis strategies can drive them.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from modelgen import ModelBuilder, _rng

INT16_MAX = 32767


def _scale(rng: np.random.Generator, low: float = 0.005, high: float = 0.2) -> float:
    return float(np.float32(rng.uniform(low, high)))


def _zero_point(rng: np.random.Generator, dtype: str, spread: int = 40) -> int:
    return 0 if dtype == "int16" else int(rng.integers(-spread, spread + 1))


def _random_values(rng: np.random.Generator, shape: Sequence[int], dtype: str) -> np.ndarray:
    low, high = (-32768, 32767) if dtype == "int16" else (-128, 127)
    return rng.integers(low, high + 1, size=tuple(shape), dtype=np.int64)


def binary_model(kind: str, *, shape1: Sequence[int] = (1, 4, 4, 8), shape2: Sequence[int] | None = None,
                 dtype: str = "int8", activation: str | None = None, constant_input2: bool = False,
                 same_quant: bool = False, scales: tuple[float, float, float] | None = None,
                 zero_points: tuple[int, int, int] | None = None, output_shape: Sequence[int] | None = None,
                 seed: int | np.random.Generator = 0, **options: object) -> bytes:
    """A single binary element-wise op (MUL, SUB, MAXIMUM, ...) of two `dtype` tensors with broadcasting. With
    `same_quant` all three tensors share one quantization; otherwise each is drawn from the seed (int16: zero
    point 0). `output_shape` overrides the broadcast shape. `activation` sets fused_activation_function for the ops that have one."""
    rng = _rng(seed)
    shape2 = tuple(shape2) if shape2 is not None else tuple(shape1)
    out_shape = tuple(output_shape or np.broadcast_shapes(tuple(shape1), shape2))
    if scales is None:
        scales = (_scale(rng), _scale(rng), _scale(rng))
        if same_quant:
            scales = (scales[0],) * 3
    if zero_points is None:
        zero_points = (_zero_point(rng, dtype), _zero_point(rng, dtype), _zero_point(rng, dtype, 20))
        if same_quant:
            zero_points = (zero_points[0],) * 3
    b = ModelBuilder(kind.lower())
    x1 = b.add_tensor("input1", shape1, dtype, scale=scales[0], zero_point=zero_points[0])
    data2 = _random_values(rng, shape2, dtype) if constant_input2 else None
    x2 = b.add_tensor("input2", shape2, dtype, scale=scales[1], zero_point=zero_points[1], data=data2)
    y = b.add_tensor("output", out_shape, dtype, scale=scales[2], zero_point=zero_points[2])
    if activation is not None:
        options["fused_activation_function"] = activation
    b.add_op(kind, [x1, x2], [y], **options)
    b.inputs, b.outputs = ([x1] if constant_input2 else [x1, x2]), [y]
    return b.build()


def unary_model(kind: str, *, shape: Sequence[int] = (1, 4, 4, 8), dtype: str = "int8",
                output_dtype: str | None = None, input_quant: tuple[float, int] | None = None,
                output_quant: tuple[float, int] | None = None, seed: int | np.random.Generator = 0,
                **options: object) -> bytes:
    """A single one-input activation (RELU, LEAKY_RELU, TANH, ...). Quantizations not given are drawn from the
    seed (int16: zero point 0)."""
    rng = _rng(seed)
    output_dtype = output_dtype or dtype
    input_quant = input_quant or (_scale(rng, 0.01, 0.1), _zero_point(rng, dtype))
    output_quant = output_quant or (_scale(rng, 0.01, 0.1), _zero_point(rng, output_dtype))
    b = ModelBuilder(kind.lower())
    x = b.add_tensor("input", shape, dtype, scale=input_quant[0], zero_point=input_quant[1])
    y = b.add_tensor("output", shape, output_dtype, scale=output_quant[0], zero_point=output_quant[1])
    b.add_op(kind, [x], [y], **options)
    b.inputs, b.outputs = [x], [y]
    return b.build()


def reduce_model(kind: str, *, shape: Sequence[int] = (1, 4, 4, 8), axes: Sequence[int] = (1, 2),
                 keep_dims: bool = False, same_quant: bool = False, seed: int | np.random.Generator = 0) -> bytes:
    """A single SUM / REDUCE_MAX / MEAN of an int8 tensor over constant int32 `axes`."""
    rng = _rng(seed)
    rank = len(shape)
    resolved = {a % rank for a in axes}
    out_shape = [1 if d in resolved else n for d, n in enumerate(shape)] if keep_dims else \
        [n for d, n in enumerate(shape) if d not in resolved]
    input_quant = (_scale(rng, 0.01, 0.1), _zero_point(rng, "int8"))
    count = int(np.prod([shape[a] for a in resolved])) if resolved else 1
    output_quant = input_quant if same_quant else (
        _scale(rng, 0.01, 0.1) * (np.sqrt(count) if kind == "SUM" else 1.0), _zero_point(rng, "int8"))
    b = ModelBuilder(kind.lower())
    x = b.add_tensor("input", shape, scale=input_quant[0], zero_point=input_quant[1])
    a = b.add_tensor("axes", (len(axes),), "int32", data=np.asarray(axes, dtype=np.int32))
    y = b.add_tensor("output", out_shape, scale=output_quant[0], zero_point=output_quant[1])
    b.add_op(kind, [x, a], [y], keep_dims=keep_dims)
    b.inputs, b.outputs = [x], [y]
    return b.build()


def arg_model(kind: str, *, shape: Sequence[int] = (1, 4, 10), axis: int = -1, output_dtype: str = "int32",
              seed: int | np.random.Generator = 0) -> bytes:
    """A single ARG_MAX / ARG_MIN of an int8 tensor along a constant int32 axis."""
    rng = _rng(seed)
    rank = len(shape)
    out_shape = [n for d, n in enumerate(shape) if d != axis % rank]
    b = ModelBuilder(kind.lower())
    x = b.add_tensor("input", shape, scale=_scale(rng), zero_point=_zero_point(rng, "int8"))
    a = b.add_tensor("axis", (1,), "int32", data=np.asarray([axis], dtype=np.int32))
    y = b.add_tensor("output", out_shape, output_dtype)
    b.add_op(kind, [x, a], [y], output_type=output_dtype.upper())
    b.inputs, b.outputs = [x], [y]
    return b.build()


def op_zoo_model(seed: int = 0) -> bytes:
    """One int8 model that chains every element-wise op, table activation and reduction of the math family:
    [1, 4, 4, 8] -> MUL, SUB, PRELU (constants per channel), LEAKY_RELU, ELU, RELU, MAXIMUM, MINIMUM, RELU6,
    SQUARED_DIFFERENCE -> outputs SUM, REDUCE_MAX and ARG_MAX, ARG_MIN of the channels."""
    rng = _rng(seed)
    b = ModelBuilder("op zoo")

    def activation(name: str, shape=(1, 4, 4, 8), quant: tuple[float, int] | None = None) -> int:
        scale, zero_point = quant or (_scale(rng, 0.02, 0.1), _zero_point(rng, "int8", 20))
        return b.add_tensor(name, shape, scale=scale, zero_point=zero_point)

    def constant(name: str, shape=(8,)) -> int:
        return b.add_tensor(name, shape, scale=_scale(rng, 0.01, 0.05), zero_point=_zero_point(rng, "int8", 10),
                            data=_random_values(rng, shape, "int8"))

    def quant_of(index: int) -> tuple[float, int]:
        q = b.tensors[index].quantization
        return q.scale[0], q.zeroPoint[0]

    x = activation("input")
    t = activation("mul")
    b.add_op("MUL", [x, constant("scale")], [t], fused_activation_function="NONE")
    t2 = activation("sub")
    b.add_op("SUB", [t, constant("shift")], [t2], fused_activation_function="RELU6")
    t3 = activation("prelu")
    b.add_op("PRELU", [t2, constant("alpha")], [t3])
    t4 = activation("leaky")
    b.add_op("LEAKY_RELU", [t3, ], [t4], alpha=0.3)
    t5 = activation("elu")
    b.add_op("ELU", [t4], [t5])
    t6 = activation("relu")
    b.add_op("RELU", [t5], [t6])
    floor = b.add_tensor("floor", (1, 1, 1, 8), scale=quant_of(t6)[0], zero_point=quant_of(t6)[1],
                         data=_random_values(rng, (1, 1, 1, 8), "int8"))
    t7 = activation("maximum", quant=quant_of(t6))
    b.add_op("MAXIMUM", [t6, floor], [t7])
    t8 = activation("minimum", quant=quant_of(t6))
    b.add_op("MINIMUM", [t7, x if quant_of(x) == quant_of(t6) else t6], [t8])
    t9 = activation("relu6", quant=quant_of(t6))
    b.add_op("RELU6", [t8], [t9])
    t10 = activation("squared_difference")
    b.add_op("SQUARED_DIFFERENCE", [t9, x], [t10])
    axes = b.add_tensor("axes", (2,), "int32", data=np.asarray([1, 2], dtype=np.int32))
    total = activation("sum", shape=(1, 8), quant=(_scale(rng, 0.2, 0.5), 0))
    b.add_op("SUM", [t10, axes], [total], keep_dims=False)
    peak = activation("reduce_max", shape=(1, 8), quant=quant_of(t10))
    b.add_op("REDUCE_MAX", [t10, axes], [peak], keep_dims=False)
    channel = b.add_tensor("channel_axis", (1,), "int32", data=np.asarray([3], dtype=np.int32))
    best = b.add_tensor("arg_max", (1, 4, 4), "int32")
    b.add_op("ARG_MAX", [t10, channel], [best], output_type="INT32")
    worst = b.add_tensor("arg_min", (1, 4, 4), "int32")
    b.add_op("ARG_MIN", [t10, channel], [worst], output_type="INT32")
    b.inputs, b.outputs = [x], [total, peak, best, worst]
    return b.build()
