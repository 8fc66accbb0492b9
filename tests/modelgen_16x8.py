"""One-op "16x8" models (int16 activations, int8 weights, int64 or int32 bias) built with tests/modelgen.py's
ModelBuilder, quantized as TensorFlow's 16x8 converter does: symmetric int16 activations, symmetric int8 weights
(per channel), a bias of scale input_scale * weight_scale."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from modelgen import ModelBuilder, _output_size, _random_weights, _rng


def _bias(b: ModelBuilder, rng: np.random.Generator, count: int, in_scale: float, w_scales: Sequence[float],
          dtype: str, magnitude: int) -> int:
    values = rng.integers(-magnitude, magnitude + 1, size=count, dtype=np.int64)
    scales = [in_scale * s for s in w_scales]
    return b.add_tensor("bias", (count,), dtype, scale=scales, zero_point=[0] * count, data=values)


def _output_scale(depth: int, in_scale: float, w_scale: float) -> float:
    """Maps the spread of random int16 x int8 sums (about 18900 * 74 * sqrt(depth)) to about 8000 steps."""
    return float(in_scale * w_scale * 18900.0 * 74.0 * np.sqrt(depth) / 8000.0)


def conv2d_16x8_model(*, input_shape: Sequence[int] = (1, 8, 8, 3), out_channels: int = 4,
                      kernel: tuple[int, int] = (3, 3), stride: tuple[int, int] = (1, 1),
                      dilation: tuple[int, int] = (1, 1), padding: str = "SAME", activation: str = "NONE",
                      bias: str | None = "int64", groups: int = 1, quantized_bias_type: str | None = None,
                      seed: int = 0) -> bytes:
    rng = _rng(seed)
    batches, in_h, in_w, in_c = input_shape
    k_h, k_w = kernel
    depth = in_c // groups
    out_h, out_w = _output_size(in_h, in_w, k_h, k_w, stride, dilation, padding)
    in_scale = float(rng.uniform(1e-4, 1e-3))
    w_scales = [float(0.02 * rng.uniform(0.25, 2.0)) for _ in range(out_channels)]
    b = ModelBuilder("conv2d 16x8")
    x = b.add_tensor("input", input_shape, "int16", scale=in_scale, zero_point=0)
    w = b.add_tensor("filter", (out_channels, k_h, k_w, depth), scale=w_scales, zero_point=[0] * out_channels,
                     data=_random_weights(rng, (out_channels, k_h, k_w, depth)))
    bias_index = _bias(b, rng, out_channels, in_scale, w_scales, bias, 1 << 20) if bias else -1
    y = b.add_tensor("output", (batches, out_h, out_w, out_channels), "int16",
                     scale=_output_scale(k_h * k_w * depth, in_scale, float(np.mean(w_scales))), zero_point=0)
    options = {} if quantized_bias_type is None else {"quantized_bias_type": quantized_bias_type}
    b.add_op("CONV_2D", [x, w, bias_index], [y], padding=padding, stride_w=stride[1], stride_h=stride[0],
             dilation_w_factor=dilation[1], dilation_h_factor=dilation[0], fused_activation_function=activation,
             **options)
    b.inputs, b.outputs = [x], [y]
    return b.build()


def depthwise_conv2d_16x8_model(*, input_shape: Sequence[int] = (1, 8, 8, 3), depth_multiplier: int = 1,
                                kernel: tuple[int, int] = (3, 3), stride: tuple[int, int] = (1, 1),
                                dilation: tuple[int, int] = (1, 1), padding: str = "SAME",
                                activation: str = "NONE", bias: str | None = "int64", seed: int = 0) -> bytes:
    rng = _rng(seed)
    batches, in_h, in_w, in_c = input_shape
    k_h, k_w = kernel
    out_c = in_c * depth_multiplier
    out_h, out_w = _output_size(in_h, in_w, k_h, k_w, stride, dilation, padding)
    in_scale = float(rng.uniform(1e-4, 1e-3))
    w_scales = [float(0.02 * rng.uniform(0.25, 2.0)) for _ in range(out_c)]
    b = ModelBuilder("depthwise conv2d 16x8")
    x = b.add_tensor("input", input_shape, "int16", scale=in_scale, zero_point=0)
    w = b.add_tensor("filter", (1, k_h, k_w, out_c), scale=w_scales, zero_point=[0] * out_c,
                     data=_random_weights(rng, (1, k_h, k_w, out_c)), quantized_dimension=3)
    inputs = [x, w]
    if bias:
        inputs.append(_bias(b, rng, out_c, in_scale, w_scales, bias, 1 << 20))
    y = b.add_tensor("output", (batches, out_h, out_w, out_c), "int16",
                     scale=_output_scale(k_h * k_w, in_scale, float(np.mean(w_scales))), zero_point=0)
    b.add_op("DEPTHWISE_CONV_2D", inputs, [y], padding=padding, stride_w=stride[1], stride_h=stride[0],
             depth_multiplier=depth_multiplier, dilation_w_factor=dilation[1], dilation_h_factor=dilation[0],
             fused_activation_function=activation)
    b.inputs, b.outputs = [x], [y]
    return b.build()


def fully_connected_16x8_model(*, batches: int = 2, in_features: int = 24, out_features: int = 8,
                               per_channel: bool = False, activation: str = "NONE", bias: str | None = "int64",
                               seed: int = 0) -> bytes:
    rng = _rng(seed)
    in_scale = float(rng.uniform(1e-4, 1e-3))
    count = out_features if per_channel else 1
    w_scales = [float(0.02 * rng.uniform(0.25, 2.0)) for _ in range(count)]
    b = ModelBuilder("fully connected 16x8")
    x = b.add_tensor("input", (batches, in_features), "int16", scale=in_scale, zero_point=0)
    w = b.add_tensor("weights", (out_features, in_features), scale=w_scales, zero_point=[0] * count,
                     data=_random_weights(rng, (out_features, in_features)))
    bias_index = -1
    if bias:
        bias_scales = w_scales * (out_features // count)
        bias_index = _bias(b, rng, out_features, in_scale, bias_scales, bias, 1 << 20)
    y = b.add_tensor("output", (batches, out_features), "int16",
                     scale=_output_scale(in_features, in_scale, float(np.mean(w_scales))), zero_point=0)
    b.add_op("FULLY_CONNECTED", [x, w, bias_index], [y], fused_activation_function=activation)
    b.inputs, b.outputs = [x], [y]
    return b.build()
