"""Test models for the data-movement ops SPLIT, SPLIT_V, PACK, UNPACK, GATHER and the space/depth/batch
rearrangements, built with tests/modelgen.py's flatbuffer builder."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from modelgen import ModelBuilder, _bias, _channel_scales, _output_scale, _random_weights, single_op_model

from mcugen.verify import verify_model

SCALE = 0.05


def assert_bit_exact(model: bytes, board: str = "host") -> None:
    """Three inputs through the compiled model (portable kernels on the host) agree with TFLite Micro."""
    report = verify_model(model, board=board, inputs=3, seed=1, kernels="portable" if board == "host" else "auto")
    assert report.ok, report.summary() + "\n" + report.log[-2000:]


def _zp(dtype: str) -> int:
    return 0 if dtype == "int16" else -5


def _tensor(name: str, shape, dtype: str = "int8") -> dict:
    return dict(name=name, shape=tuple(shape), dtype=dtype, scale=SCALE, zero_point=_zp(dtype))


def split_model(shape, axis: int, count: int, dtype: str = "int8") -> bytes:
    rank = len(shape)
    a = axis + rank if axis < 0 else axis
    out = list(shape)
    out[a] //= count
    return single_op_model(
        "SPLIT", [dict(name="axis", shape=(1,), dtype="int32", data=np.asarray([axis])), _tensor("x", shape, dtype)],
        [_tensor(f"y{i}", out, dtype) for i in range(count)], num_splits=count)


def split_v_model(shape, axis: int, sizes: Sequence[int], dtype: str = "int8", rest: int | None = None) -> bytes:
    """`rest`: position of size_splits written as -1."""
    rank = len(shape)
    a = axis + rank if axis < 0 else axis
    outs = []
    for i, n in enumerate(sizes):
        out = list(shape)
        out[a] = n
        outs.append(_tensor(f"y{i}", out, dtype))
    given = [-1 if i == rest else n for i, n in enumerate(sizes)]
    return single_op_model(
        "SPLIT_V", [_tensor("x", shape, dtype), dict(name="sizes", shape=(len(sizes),), dtype="int32",
                                                      data=np.asarray(given)),
                    dict(name="axis", shape=(1,), dtype="int32", data=np.asarray([axis]))],
        outs, num_splits=len(sizes))


def pack_model(shape, count: int, axis: int, dtype: str = "int8") -> bytes:
    rank = len(shape) + 1
    a = axis + rank if axis < 0 else axis
    out = list(shape)
    out.insert(a, count)
    return single_op_model("PACK", [_tensor(f"x{i}", shape, dtype) for i in range(count)], [_tensor("y", out, dtype)],
                           values_count=count, axis=axis)


def unpack_model(shape, axis: int, dtype: str = "int8") -> bytes:
    rank = len(shape)
    a = axis + rank if axis < 0 else axis
    out = [n for d, n in enumerate(shape) if d != a]
    return single_op_model("UNPACK", [_tensor("x", shape, dtype)],
                           [_tensor(f"y{i}", out, dtype) for i in range(shape[a])], num=shape[a], axis=axis)


def gather_model(shape, indices: np.ndarray, axis: int, batch_dims: int = 0, dtype: str = "int8",
                 index_dtype: str = "int32") -> bytes:
    rank = len(shape)
    a = axis + rank if axis < 0 else axis
    bd = batch_dims + indices.ndim if batch_dims < 0 else batch_dims
    out = [*shape[:a], *indices.shape[bd:], *shape[a + 1:]]
    return single_op_model(
        "GATHER", [_tensor("x", shape, dtype), dict(name="indices", shape=indices.shape, dtype=index_dtype,
                                                   data=indices)],
        [_tensor("y", out, dtype)], axis=axis, batch_dims=batch_dims)


def depth_space_model(kind: str, shape, block: int, dtype: str = "int8") -> bytes:
    """DEPTH_TO_SPACE or SPACE_TO_DEPTH of an NHWC `shape`."""
    n, h, w, c = shape
    if kind == "DEPTH_TO_SPACE":
        out = (n, h * block, w * block, c // (block * block))
    else:
        out = (n, h // block, w // block, c * block * block)
    return single_op_model(kind, [_tensor("x", shape, dtype)], [_tensor("y", out, dtype)], block_size=block)


def batch_space_model(kind: str, shape, block: Sequence[int], edges: Sequence[Sequence[int]], zero_point: int = -5
                      ) -> bytes:
    """BATCH_TO_SPACE_ND (edges: crops) or SPACE_TO_BATCH_ND (edges: paddings) of an int8 3-D or 4-D `shape`."""
    n, spatial, c = shape[0], list(shape[1:-1]), shape[-1]
    blocks = math.prod(block)
    if kind == "BATCH_TO_SPACE_ND":
        out = [n // blocks, *(s * b - sum(e) for s, b, e in zip(spatial, block, edges)), c]
    else:
        out = [n * blocks, *((s + sum(e)) // b for s, b, e in zip(spatial, block, edges)), c]
    return single_op_model(
        kind, [dict(name="x", shape=tuple(shape), scale=SCALE, zero_point=zero_point),
               dict(name="block", shape=(len(block),), dtype="int32", data=np.asarray(block)),
               dict(name="edges", shape=(len(block), 2), dtype="int32", data=np.asarray(edges).reshape(-1, 2))],
        [dict(name="y", shape=tuple(out), scale=SCALE, zero_point=zero_point)])


def dilated_conv_model(shape, out_channels: int, kernel: Sequence[int], rate: Sequence[int], seed: int = 0) -> bytes:
    """A SAME convolution dilated by `rate` as older converters write it: SPACE_TO_BATCH_ND padding the NHWC int8
    `shape` by (kernel - 1) * rate (and up to a multiple of rate) -> VALID CONV_2D -> BATCH_TO_SPACE_ND cropping
    the extra back off."""
    rng = np.random.default_rng(seed)
    n, h, w, c = shape
    paddings, crops, batched = [], [], []
    for extent, k, r in zip((h, w), kernel, rate):
        total = (k - 1) * r
        extra = -(extent + total) % r
        paddings.append([total // 2, total - total // 2 + extra])
        crops.append([0, extra])
        batched.append((extent + total + extra) // r)
    blocks = rate[0] * rate[1]
    in_scale, in_zp = float(rng.uniform(0.01, 0.1)), int(rng.integers(-20, 21))
    w_scales = _channel_scales(rng, out_channels, True, 0.02)
    out_scale = _output_scale(kernel[0] * kernel[1] * c, in_scale, float(np.mean(w_scales)))
    out_zp = int(rng.integers(-10, 11))
    conv_shape = (n * blocks, batched[0] - kernel[0] + 1, batched[1] - kernel[1] + 1, out_channels)
    b = ModelBuilder("dilated conv")
    x = b.add_tensor("input", shape, scale=in_scale, zero_point=in_zp)
    block = b.add_tensor("block", (2,), dtype="int32", data=np.asarray(rate))
    pads = b.add_tensor("paddings", (2, 2), dtype="int32", data=np.asarray(paddings))
    spread = b.add_tensor("batched", (n * blocks, *batched, c), scale=in_scale, zero_point=in_zp)
    weights = b.add_tensor("filter", (out_channels, *kernel, c), scale=w_scales, zero_point=[0] * out_channels,
                           data=_random_weights(rng, (out_channels, *kernel, c)), quantized_dimension=0)
    values, scales = _bias(rng, out_channels, in_scale, w_scales, 3000)
    bias = b.add_tensor("bias", (out_channels,), "int32", scale=scales, zero_point=[0] * out_channels, data=values)
    conv = b.add_tensor("conv", conv_shape, scale=out_scale, zero_point=out_zp)
    crop = b.add_tensor("crops", (2, 2), dtype="int32", data=np.asarray(crops))
    y = b.add_tensor("output", (n, h, w, out_channels), scale=out_scale, zero_point=out_zp)
    b.add_op("SPACE_TO_BATCH_ND", [x, block, pads], [spread])
    b.add_op("CONV_2D", [spread, weights, bias], [conv], padding="VALID", stride_w=1, stride_h=1)
    b.add_op("BATCH_TO_SPACE_ND", [conv, block, crop], [y])
    b.inputs, b.outputs = [x], [y]
    return b.build()


def resize_model(kind: str, shape, size: Sequence[int], align_corners: bool = False,
                 half_pixel_centers: bool = False, dtype: str = "int8", zero_point: int = -5) -> bytes:
    """RESIZE_NEAREST_NEIGHBOR or RESIZE_BILINEAR of an NHWC `shape` to `size` (height, width)."""
    zp = 0 if dtype == "int16" else zero_point
    n, _, _, c = shape
    return single_op_model(
        kind, [dict(name="x", shape=tuple(shape), dtype=dtype, scale=SCALE, zero_point=zp),
               dict(name="size", shape=(2,), dtype="int32", data=np.asarray(size))],
        [dict(name="y", shape=(n, *size, c), dtype=dtype, scale=SCALE, zero_point=zp)],
        align_corners=align_corners, half_pixel_centers=half_pixel_centers)


def gather_by_argmax_model(batches: int, count: int, size: int, inner: Sequence[int], batch_dims: int = 0,
                           constant_params: bool = False, seed: int = 0) -> bytes:
    """GATHER by indices computed while running: the ARG_MAX over the last axis of scores [batches, count, size]
    picks rows of params ([batches, size, *inner] with batch_dims 1, else [size, *inner], axis batch_dims)."""
    b = ModelBuilder("gather by argmax")
    scores = b.add_tensor("scores", (batches, count, size), scale=SCALE, zero_point=3)
    axis = b.add_tensor("axis", (1,), dtype="int32", data=np.asarray([2]))
    indices = b.add_tensor("indices", (batches, count), dtype="int32")
    params_shape = (batches, size, *inner) if batch_dims else (size, *inner)
    data = np.random.default_rng(seed).integers(-128, 128, params_shape) if constant_params else None
    params = b.add_tensor("params", params_shape, scale=SCALE, zero_point=-5, data=data)
    y = b.add_tensor("y", (batches, count, *inner), scale=SCALE, zero_point=-5)
    b.add_op("ARG_MAX", [scores, axis], [indices], output_type="INT32")
    b.add_op("GATHER", [params, indices], [y], axis=batch_dims, batch_dims=batch_dims)
    b.inputs = [scores] if constant_params else [scores, params]
    b.outputs = [y]
    return b.build()


def computed_concatenation_model(rows: Sequence[int], channels: int, batches: int = 1, seed: int = 0) -> bytes:
    """CONCATENATION along axis 1 of [batches, r, channels] tensors each computed by an ADD of a graph input and a
    constant; the result feeds one more ADD. The concatenation's inputs are ordinary activations, so it can be
    written in place when every slice is contiguous and aligned."""
    rng = np.random.default_rng(seed)
    b = ModelBuilder("computed concatenation")
    pieces, graph_inputs = [], []
    for k, r in enumerate(rows):
        x = b.add_tensor(f"x{k}", (batches, r, channels), scale=SCALE, zero_point=2)
        c = b.add_tensor(f"c{k}", (batches, r, channels), scale=SCALE, zero_point=-1,
                         data=rng.integers(-128, 128, (batches, r, channels)))
        piece = b.add_tensor(f"piece{k}", (batches, r, channels), scale=2 * SCALE, zero_point=-5)
        b.add_op("ADD", [x, c], [piece])
        pieces.append(piece)
        graph_inputs.append(x)
    joined = b.add_tensor("joined", (batches, sum(rows), channels), scale=2 * SCALE, zero_point=-5)
    b.add_op("CONCATENATION", pieces, [joined], axis=1)
    bias = b.add_tensor("bias", (1, 1, channels), scale=SCALE, zero_point=0,
                        data=rng.integers(-128, 128, (1, 1, channels)))
    y = b.add_tensor("y", (batches, sum(rows), channels), scale=3 * SCALE, zero_point=4)
    b.add_op("ADD", [joined, bias], [y])
    b.inputs, b.outputs = graph_inputs, [y]
    return b.build()
