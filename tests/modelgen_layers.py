"""One-op test models of the layer ops (TRANSPOSE_CONV, BATCH_MATMUL, SVDF, UNIDIRECTIONAL_SEQUENCE_LSTM), built
with tests/modelgen.py's ModelBuilder from a seed: random weights, random quantization."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from modelgen import ModelBuilder, _bias, _channel_scales, _output_scale, _random_weights, _rng


def transpose_conv_model(*, input_shape: Sequence[int] = (1, 4, 4, 3), out_channels: int = 4,
                         kernel: tuple[int, int] = (3, 3), stride: tuple[int, int] = (2, 2),
                         padding: str = "SAME", activation: str = "NONE", per_channel: bool = True,
                         bias: bool = True, seed: int = 0, output_hw: tuple[int, int] | None = None) -> bytes:
    """A single TRANSPOSE_CONV. Filter OHWI int8, bias int32; the output size defaults to the one whose
    convolution with the same filter, stride and padding gives back the input size."""
    rng = _rng(seed)
    batches, in_h, in_w, in_c = input_shape
    k_h, k_w = kernel
    if output_hw is None:
        if padding == "SAME":
            output_hw = (in_h * stride[0], in_w * stride[1])
        else:
            output_hw = ((in_h - 1) * stride[0] + k_h, (in_w - 1) * stride[1] + k_w)
    in_scale, in_zp = float(rng.uniform(0.01, 0.1)), int(rng.integers(-20, 21))
    w_scales = _channel_scales(rng, out_channels, per_channel, 0.02)
    # Each output sums about k_h * k_w * in_c / (stride_h * stride_w) products.
    depth = max(1, k_h * k_w * in_c // (stride[0] * stride[1]))
    out_scale = _output_scale(depth, in_scale, float(np.mean(w_scales)))
    b = ModelBuilder("transpose_conv")
    out_shape = (batches, output_hw[0], output_hw[1], out_channels)
    shape = b.add_tensor("output_shape", (4,), "int32", data=np.array(out_shape, dtype=np.int32))
    w = b.add_tensor("filter", (out_channels, k_h, k_w, in_c), scale=w_scales, zero_point=[0] * len(w_scales),
                     data=_random_weights(rng, (out_channels, k_h, k_w, in_c)))
    x = b.add_tensor("input", input_shape, scale=in_scale, zero_point=in_zp)
    inputs = [shape, w, x]
    if bias:
        values, scales = _bias(rng, out_channels, in_scale, w_scales, 3000)
        inputs.append(b.add_tensor("bias", (out_channels,), "int32", scale=scales, zero_point=[0] * len(scales),
                                   data=values))
    y = b.add_tensor("output", out_shape, scale=out_scale, zero_point=int(rng.integers(-10, 11)))
    b.add_op("TRANSPOSE_CONV", inputs, [y], version=4 if activation != "NONE" else 3, padding=padding,
             stride_w=stride[1], stride_h=stride[0], fused_activation_function=activation)
    b.inputs, b.outputs = [x], [y]
    return b.build()


def batch_matmul_model(*, lhs_shape: Sequence[int] = (2, 3, 4), rhs_shape: Sequence[int] = (2, 4, 5),
                       adj_x: bool = False, adj_y: bool = False, constant_rhs: bool = False,
                       seed: int = 0) -> bytes:
    """A single BATCH_MATMUL of int8 operands with random per-tensor quantization (non-zero zero points); with
    `constant_rhs` the right operand is a constant tensor."""
    rng = _rng(seed)
    rank = max(len(lhs_shape), len(rhs_shape))
    ext_l = (1,) * (rank - len(lhs_shape)) + tuple(lhs_shape)
    ext_r = (1,) * (rank - len(rhs_shape)) + tuple(rhs_shape)
    rows, depth = (ext_l[-1], ext_l[-2]) if adj_x else (ext_l[-2], ext_l[-1])
    cols = ext_r[-2] if adj_y else ext_r[-1]
    out_shape = tuple(max(a, b) for a, b in zip(ext_l[:-2], ext_r[:-2])) + (rows, cols)
    s_l, s_r = float(rng.uniform(0.01, 0.1)), float(rng.uniform(0.01, 0.1))
    b = ModelBuilder("batch_matmul")
    lhs = b.add_tensor("lhs", lhs_shape, scale=s_l, zero_point=int(rng.integers(-20, 21)))
    rhs = b.add_tensor("rhs", rhs_shape, scale=s_r, zero_point=int(rng.integers(-20, 21)),
                       data=_random_weights(rng, rhs_shape) if constant_rhs else None)
    y = b.add_tensor("output", out_shape, scale=_output_scale(depth, s_l, s_r),
                     zero_point=int(rng.integers(-10, 11)))
    b.add_op("BATCH_MATMUL", [lhs, rhs], [y], options_type="BatchMatMulOptions", adj_x=adj_x,
             adj_y=adj_y)
    b.inputs, b.outputs = ([lhs] if constant_rhs else [lhs, rhs]), [y]
    return b.build()


def _variable(b: ModelBuilder, name: str, shape: Sequence[int], dtype: str, scale: float, zero_point: int) -> int:
    """A variable tensor (TFLite's is_variable: state kept across invokes), with no buffer."""
    index = b.add_tensor(name, shape, dtype, scale=scale, zero_point=zero_point)
    b.tensors[index].isVariable = True
    return index


def svdf_model(*, batches: int = 1, input_size: int = 8, units: int = 4, rank: int = 2, memory: int = 5,
               seed: int = 0) -> bytes:
    """A single SVDF: int8 input/output and feature weights, int16 time weights and activation state (a variable
    tensor), int32 bias; scales chosen so the state and the output use a good part of their range."""
    rng = _rng(seed)
    filters = units * rank
    in_s, in_zp = float(rng.uniform(0.01, 0.1)), int(rng.integers(-20, 21))
    wf_s = float(rng.uniform(0.005, 0.02))
    st_s = in_s * wf_s * 74.0 * 74.0 * np.sqrt(input_size) / float(rng.uniform(1000, 6000))
    wt_s = float(rng.uniform(0.5, 2.0)) / 32768.0
    out_s = st_s * wt_s * 3000.0 * 19000.0 * np.sqrt(memory * rank) / 45.0
    b = ModelBuilder("svdf")
    x = b.add_tensor("input", (batches, input_size), scale=in_s, zero_point=in_zp)
    feature = b.add_tensor("weights_feature", (filters, input_size), scale=wf_s, zero_point=0,
                           data=_random_weights(rng, (filters, input_size)))
    time = b.add_tensor("weights_time", (filters, memory), "int16", scale=wt_s, zero_point=0,
                        data=rng.integers(-32767, 32768, size=(filters, memory)))
    bias = b.add_tensor("bias", (units,), "int32", scale=float(np.float32(st_s) * np.float32(wt_s)), zero_point=0,
                        data=rng.integers(-20000, 20001, size=units))
    state = _variable(b, "activation_state", (batches, memory * filters), "int16", st_s, 0)
    y = b.add_tensor("output", (batches, units), scale=out_s, zero_point=int(rng.integers(-10, 11)))
    b.add_op("SVDF", [x, feature, time, bias, state], [y], options_type="SVDFOptions", rank=rank)
    b.inputs, b.outputs = [x], [y]
    return b.build()


def lstm_model(*, batches: int = 1, time_steps: int = 3, input_size: int = 4, units: int = 3,
               time_major: bool = False, dtype: str = "int8", cell_clip: float = 0.0,
               cell_scale: float | None = None, skew: float = 0.0, seed: int = 0) -> bytes:
    """A single UNIDIRECTIONAL_SEQUENCE_LSTM quantized as TensorFlow's converter does: int8 (or, with dtype
    "int16", 16x8) activations, symmetric per-tensor int8 weights, biases of scale input_scale * weight_scale
    (int32, or int64 for 16x8), an int16 cell state (scale a power of two unless `cell_scale` says otherwise),
    and hidden and cell state as variable tensors. Scales put the gate inputs (Q3.12) at a few units; `skew`
    multiplies the hidden state's and every weight's scale by a random 2^[-skew, skew], so that gates saturate
    or stay near zero and requantizations shift left as well as right."""
    rng = _rng(seed)
    skewing = _rng(seed + 7919)  # a stream of its own: skew 0 leaves the model as it was

    def skewed(scale: float) -> float:
        return float(scale * 2.0 ** skewing.uniform(-skew, skew)) if skew else scale

    wide = dtype == "int16"
    if wide:
        in_s, in_zp, spread = float(rng.uniform(1e-4, 1e-3)), 0, 18900.0
        h_s, h_zp, h_spread = float(rng.uniform(1.0, 4.0)) / 32768.0, 0, 12000.0
    else:
        in_s, in_zp, spread = float(rng.uniform(0.01, 0.1)), int(rng.integers(-20, 21)), 74.0
        h_s, h_zp, h_spread = float(rng.uniform(1.0, 4.0)) / 128.0, int(rng.integers(-10, 11)), 40.0
    h_s = skewed(h_s)
    if cell_scale is None:
        cell_scale = 2.0 ** -int(rng.integers(9, 14))
    bias_type = "int64" if wide else "int32"
    b = ModelBuilder("lstm")
    shape = (time_steps, batches, input_size) if time_major else (batches, time_steps, input_size)
    x = b.add_tensor("input", shape, dtype, scale=in_s, zero_point=in_zp)
    input_weights, recurrent_weights, biases = [], [], []
    for gate in ("input", "forget", "cell", "output"):
        # The weights' share of a gate input is a real value of about `target` (one standard deviation).
        target = float(rng.uniform(0.5, 3.0))
        w_s = skewed(target / (in_s * spread * 74.0 * np.sqrt(input_size)))
        input_weights.append(b.add_tensor(f"input_to_{gate}", (units, input_size), scale=w_s, zero_point=0,
                                          data=_random_weights(rng, (units, input_size))))
        r_s = skewed(float(rng.uniform(0.5, 2.0)) / (h_s * h_spread * 74.0 * np.sqrt(units)))
        recurrent_weights.append(b.add_tensor(f"recurrent_to_{gate}", (units, units), scale=r_s, zero_point=0,
                                              data=_random_weights(rng, (units, units))))
        real_bias = rng.uniform(-1.0, 1.0, size=units) + (1.0 if gate == "forget" else 0.0)
        biases.append(b.add_tensor(f"{gate}_bias", (units,), bias_type, scale=in_s * w_s, zero_point=0,
                                   data=np.round(real_bias / (in_s * w_s)).astype(np.int64)))
    hidden = _variable(b, "output_state", (batches, units), dtype, h_s, h_zp)
    cell = _variable(b, "cell_state", (batches, units), "int16", cell_scale, 0)
    out_shape = (time_steps, batches, units) if time_major else (batches, time_steps, units)
    y = b.add_tensor("output", out_shape, dtype, scale=h_s, zero_point=h_zp)
    inputs = [x, *input_weights, *recurrent_weights, -1, -1, -1, *biases, -1, -1, hidden, cell, -1, -1, -1, -1]
    b.add_op("UNIDIRECTIONAL_SEQUENCE_LSTM", inputs, [y], options_type="UnidirectionalSequenceLSTMOptions",
             fused_activation_function="TANH", cell_clip=cell_clip, time_major=time_major)
    b.inputs, b.outputs = [x], [y]
    return b.build()
