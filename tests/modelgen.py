"""Build small synthetic int8 TFLite models for tests.

`ModelBuilder` is a thin, generic layer over the TFLite flatbuffer object API that ships with the `tflite-micro`
package (`schema_py_generated`): add tensors (constant ones carry data), add operators with their builtin options
given as snake_case keyword arguments (enum-valued options as their TFLite names, e.g. padding="SAME",
fused_activation_function="RELU6"), name the graph inputs and outputs, and `build()` returns the .tflite bytes.
The result loads in the TFLite Micro interpreter (`tflm_run` below runs it) and in mcugen's reader.

    b = ModelBuilder()
    x = b.add_tensor("x", (1, 8, 8, 3), scale=0.05, zero_point=-3)
    w = b.add_tensor("w", (4, 3, 3, 3), scale=[0.01] * 4, zero_point=[0] * 4, data=weights)
    y = b.add_tensor("y", (1, 8, 8, 4), scale=0.1, zero_point=5)
    b.add_op("CONV_2D", [x, w, -1], [y], padding="SAME", stride_w=1, stride_h=1)
    b.inputs, b.outputs = [x], [y]
    data = b.build()

The helpers at the end (`conv2d_model`, `depthwise_conv2d_model`, `fully_connected_model`, `add_model`,
`single_op_model`) make one-op models with random weights and quantization from a seed.
"""

from __future__ import annotations

from collections.abc import Sequence

import flatbuffers
import numpy as np
from tflite_micro.tensorflow.lite.micro.python import schema_py_generated as schema

# mcugen dtype name -> (TFLite TensorType value, numpy dtype)
_TENSOR_TYPES = {
    "float32": (schema.TensorType.FLOAT32, np.float32),
    "int8": (schema.TensorType.INT8, np.int8),
    "uint8": (schema.TensorType.UINT8, np.uint8),
    "int16": (schema.TensorType.INT16, np.int16),
    "int32": (schema.TensorType.INT32, np.int32),
    "int64": (schema.TensorType.INT64, np.int64),
    "bool": (schema.TensorType.BOOL, np.bool_),
}

# Builtin options table name per operator, where it is not simply "<CamelCaseKind>Options".
_OPTIONS_NAME = {
    "CONV_2D": "Conv2DOptions",
    "DEPTHWISE_CONV_2D": "DepthwiseConv2DOptions",
    "AVERAGE_POOL_2D": "Pool2DOptions",
    "MAX_POOL_2D": "Pool2DOptions",
    "L2_POOL_2D": "Pool2DOptions",
    "MEAN": "ReducerOptions",
    "SUM": "ReducerOptions",
    "REDUCE_MAX": "ReducerOptions",
    "REDUCE_MIN": "ReducerOptions",
    "REDUCE_PROD": "ReducerOptions",
    "PADV2": "PadV2Options",
    "MAXIMUM": "MaximumMinimumOptions",
    "MINIMUM": "MaximumMinimumOptions",
    "CONCATENATION": "ConcatenationOptions",
    "LOGISTIC": None,
    "RELU": None,
    "RELU6": None,
    "TANH": None,
}

# Option fields whose value is a TFLite enum, given by name.
_ENUM_FIELDS = {
    "padding": schema.Padding,
    "fused_activation_function": schema.ActivationFunctionType,
    "weights_format": schema.FullyConnectedOptionsWeightsFormat,
    "quantized_bias_type": schema.TensorType,
    "out_type": schema.TensorType,
    "output_type": schema.TensorType,
    "in_data_type": schema.TensorType,
    "out_data_type": schema.TensorType,
}


def _camel(snake: str) -> str:
    head, *rest = snake.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def _options_name(kind: str) -> str | None:
    if kind in _OPTIONS_NAME:
        return _OPTIONS_NAME[kind]
    name = "".join(part.capitalize() for part in kind.split("_")) + "Options"
    return name if hasattr(schema.BuiltinOptions, name) else None


def _enum_value(enum_class: type, field: str, value: object) -> int:
    if isinstance(value, str):
        if not hasattr(enum_class, value):
            raise ValueError(f"option {field}={value!r} is not a {enum_class.__name__} name")
        return getattr(enum_class, value)
    return int(value)


class ModelBuilder:
    """Collects tensors and operators of a single-subgraph model; `build()` serialises it."""

    def __init__(self, description: str = "synthetic test model"):
        self.description = description
        self.tensors: list[schema.TensorT] = []
        self.buffers: list[schema.BufferT] = [schema.BufferT()]  # buffer 0: the empty sentinel TFLite expects
        self.operators: list[schema.OperatorT] = []
        self.opcodes: list[tuple[str, int]] = []  # (kind, version)
        self.inputs: list[int] = []
        self.outputs: list[int] = []

    def add_tensor(self, name: str, shape: Sequence[int], dtype: str = "int8", *,
                   scale: float | Sequence[float] | None = None,
                   zero_point: int | Sequence[int] | None = None,
                   data: np.ndarray | None = None, quantized_dimension: int = 0) -> int:
        """Add a tensor and return its index. `data` makes it a constant (converted to `dtype`, C order).
        `scale`/`zero_point` scalars give per-tensor quantization, sequences per-channel along
        `quantized_dimension`; zero points default to 0."""
        tensor_type, np_dtype = _TENSOR_TYPES[dtype]
        tensor = schema.TensorT()
        tensor.name = name
        tensor.shape = np.asarray(list(shape), dtype=np.int32)
        tensor.type = tensor_type
        tensor.buffer = 0
        if data is not None:
            array = np.asarray(data).astype(np_dtype)
            if array.size != int(np.prod(shape, dtype=np.int64)):
                raise ValueError(f"tensor {name}: data has {array.size} elements, shape {tuple(shape)}")
            buffer = schema.BufferT()
            buffer.data = np.frombuffer(np.ascontiguousarray(array).tobytes(), dtype=np.uint8)
            self.buffers.append(buffer)
            tensor.buffer = len(self.buffers) - 1
        if scale is not None:
            scales = [float(s) for s in np.atleast_1d(np.asarray(scale, dtype=np.float64))]
            if zero_point is None:
                zero_points = [0] * len(scales)
            else:
                zero_points = [int(z) for z in np.atleast_1d(np.asarray(zero_point))]
            quant = schema.QuantizationParametersT()
            quant.scale = scales
            quant.zeroPoint = zero_points
            quant.quantizedDimension = quantized_dimension
            tensor.quantization = quant
        self.tensors.append(tensor)
        return len(self.tensors) - 1

    def add_op(self, kind: str, inputs: Sequence[int], outputs: Sequence[int], *,
               version: int = 1, options_type: str | None = None, **options: object) -> int:
        """Add a builtin operator `kind` (TFLite name, e.g. "CONV_2D"); return its index. `inputs` may hold -1
        for an omitted optional input. Keyword arguments are the builtin options in snake_case; `options_type`
        overrides the options table name (e.g. "Pool2DOptions") when it cannot be derived from `kind`."""
        if not hasattr(schema.BuiltinOperator, kind):
            raise ValueError(f"unknown builtin operator {kind}")
        key = (kind, version)
        if key not in self.opcodes:
            self.opcodes.append(key)
        op = schema.OperatorT()
        op.opcodeIndex = self.opcodes.index(key)
        op.inputs = [int(i) for i in inputs]
        op.outputs = [int(i) for i in outputs]
        name = options_type or _options_name(kind)
        if name is not None:
            table = getattr(schema, name + "T")()
            for field, value in options.items():
                attribute = _camel(field)
                if not hasattr(table, attribute):
                    raise ValueError(f"{name} has no option {field}")
                if field in _ENUM_FIELDS:
                    value = _enum_value(_ENUM_FIELDS[field], field, value)
                setattr(table, attribute, value)
            op.builtinOptionsType = getattr(schema.BuiltinOptions, name)
            op.builtinOptions = table
        elif options:
            raise ValueError(f"{kind} takes no builtin options, got {sorted(options)}")
        self.operators.append(op)
        return len(self.operators) - 1

    def build(self) -> bytes:
        """Serialise to .tflite bytes (file identifier TFL3, schema version 3)."""
        if not self.inputs or not self.outputs:
            raise ValueError("set ModelBuilder.inputs and .outputs before build()")
        subgraph = schema.SubGraphT()
        subgraph.tensors = self.tensors
        subgraph.operators = self.operators
        subgraph.inputs = [int(i) for i in self.inputs]
        subgraph.outputs = [int(i) for i in self.outputs]
        subgraph.name = "main"
        codes = []
        for kind, version in self.opcodes:
            code = schema.OperatorCodeT()
            code.builtinCode = getattr(schema.BuiltinOperator, kind)
            # Readers older than schema 3a look only at the deprecated byte field, capped at 127.
            code.deprecatedBuiltinCode = min(code.builtinCode, 127)
            code.version = version
            codes.append(code)
        model = schema.ModelT()
        model.version = 3
        model.operatorCodes = codes
        model.subgraphs = [subgraph]
        model.buffers = self.buffers
        model.description = self.description
        builder = flatbuffers.Builder(1024)
        builder.Finish(model.Pack(builder), file_identifier=b"TFL3")
        return bytes(builder.Output())


# ---- running the reference ----------------------------------------------------------------------------------


def tflm_run(model: bytes, inputs: Sequence[np.ndarray], arena_size: int | None = None) -> list[np.ndarray]:
    """Invoke the TFLite Micro reference interpreter once; return copies of all outputs."""
    from tflite_micro.python.tflite_micro import runtime

    interpreter = runtime.Interpreter.from_bytes(model, arena_size=arena_size or max(len(model) * 10, 1 << 16))
    for index, value in enumerate(inputs):
        interpreter.set_input(value, index)
    interpreter.invoke()
    count = schema.Model.GetRootAs(model, 0).Subgraphs(0).OutputsLength()
    return [np.array(interpreter.get_output(index), copy=True) for index in range(count)]


def litert_run(model: bytes, inputs: Sequence[np.ndarray]) -> list[np.ndarray]:
    """Invoke the TFLite (LiteRT) interpreter once, with its reference kernels as mcugen.reference runs it;
    return copies of all outputs."""
    from ai_edge_litert.interpreter import Interpreter, OpResolverType

    interpreter = Interpreter(model_content=model, num_threads=1,
                              experimental_op_resolver_type=OpResolverType.BUILTIN_REF)
    interpreter.allocate_tensors()
    for detail, value in zip(interpreter.get_input_details(), inputs):
        interpreter.set_tensor(detail["index"], value)
    interpreter.invoke()
    return [np.array(interpreter.get_tensor(d["index"]), copy=True) for d in interpreter.get_output_details()]


# ---- one-op models with random weights ----------------------------------------------------------------------


def _rng(seed: int | np.random.Generator) -> np.random.Generator:
    return seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)


def _random_weights(rng: np.random.Generator, shape: Sequence[int]) -> np.ndarray:
    return rng.integers(-127, 128, size=tuple(shape), dtype=np.int64).astype(np.int8)


def _channel_scales(rng: np.random.Generator, count: int, per_channel: bool, base: float) -> list[float]:
    if per_channel:
        return [float(base * rng.uniform(0.25, 2.0)) for _ in range(count)]
    return [float(base * rng.uniform(0.5, 1.5))]


def _bias(rng: np.random.Generator, count: int, input_scale: float, weight_scales: Sequence[float],
          magnitude: float) -> tuple[np.ndarray, list[float]]:
    """int32 bias quantized like the converter does: scale = input_scale * weight_scale, zero point 0."""
    scales = [input_scale * s for s in weight_scales]
    values = rng.integers(-int(magnitude), int(magnitude) + 1, size=count, dtype=np.int64).astype(np.int32)
    return values, scales


def _output_scale(depth: int, input_scale: float, weight_scale: float) -> float:
    """An output scale that maps the accumulator spread of uniformly random int8 data (a standard deviation of
    about 74 * 74 * sqrt(depth)) to a standard deviation of about 45 steps, so little of the output saturates."""
    return float(input_scale * weight_scale * 74.0 * 74.0 * np.sqrt(depth) / 45.0)


def conv2d_model(*, input_shape: Sequence[int] = (1, 8, 8, 3), out_channels: int = 4,
                 kernel: tuple[int, int] = (3, 3), stride: tuple[int, int] = (1, 1),
                 dilation: tuple[int, int] = (1, 1), padding: str = "SAME", activation: str = "NONE",
                 per_channel: bool = True, bias: bool = True, seed: int = 0, groups: int = 1,
                 bias_quantized_dimension: int | None = None) -> bytes:
    """A single CONV_2D. Filter OHWI int8 (symmetric), bias int32, input/output int8 NHWC. With `groups` > 1 the
    filter sees input_channels / groups channels (a grouped convolution). `bias_quantized_dimension` overrides the
    bias tensor's quantized_dimension (some converters write 3 on the 1-D bias)."""
    rng = _rng(seed)
    batches, in_h, in_w, in_c = input_shape
    k_h, k_w = kernel
    filter_depth = in_c // groups
    out_h, out_w = _output_size(in_h, in_w, k_h, k_w, stride, dilation, padding)
    in_scale, in_zp = float(rng.uniform(0.01, 0.1)), int(rng.integers(-20, 21))
    w_scales = _channel_scales(rng, out_channels, per_channel, 0.02)
    depth = k_h * k_w * filter_depth
    out_scale = _output_scale(depth, in_scale, float(np.mean(w_scales)))
    b = ModelBuilder("conv2d")
    x = b.add_tensor("input", input_shape, scale=in_scale, zero_point=in_zp)
    w = b.add_tensor("filter", (out_channels, k_h, k_w, filter_depth), scale=w_scales,
                     zero_point=[0] * len(w_scales), data=_random_weights(rng, (out_channels, k_h, k_w, filter_depth)),
                     quantized_dimension=0)
    bias_index = -1
    if bias:
        values, scales = _bias(rng, out_channels, in_scale, w_scales, 3000)
        bias_index = b.add_tensor("bias", (out_channels,), "int32", scale=scales, zero_point=[0] * len(scales),
                                  data=values, quantized_dimension=bias_quantized_dimension or 0)
    y = b.add_tensor("output", (batches, out_h, out_w, out_channels), scale=out_scale,
                     zero_point=int(rng.integers(-10, 11)))
    b.add_op("CONV_2D", [x, w, bias_index], [y], padding=padding, stride_w=stride[1], stride_h=stride[0],
             dilation_w_factor=dilation[1], dilation_h_factor=dilation[0], fused_activation_function=activation)
    b.inputs, b.outputs = [x], [y]
    return b.build()


def depthwise_conv2d_model(*, input_shape: Sequence[int] = (1, 8, 8, 3), depth_multiplier: int = 1,
                           kernel: tuple[int, int] = (3, 3), stride: tuple[int, int] = (1, 1),
                           dilation: tuple[int, int] = (1, 1), padding: str = "SAME", activation: str = "NONE",
                           per_channel: bool = True, bias: bool = True, seed: int = 0) -> bytes:
    """A single DEPTHWISE_CONV_2D. Filter [1, KH, KW, C*M] int8, per-channel along dimension 3. Without a bias
    the op has two inputs (CONV_2D and FULLY_CONNECTED mark the missing bias with -1 instead)."""
    rng = _rng(seed)
    batches, in_h, in_w, in_c = input_shape
    k_h, k_w = kernel
    out_c = in_c * depth_multiplier
    out_h, out_w = _output_size(in_h, in_w, k_h, k_w, stride, dilation, padding)
    in_scale, in_zp = float(rng.uniform(0.01, 0.1)), int(rng.integers(-20, 21))
    w_scales = _channel_scales(rng, out_c, per_channel, 0.02)
    out_scale = _output_scale(k_h * k_w, in_scale, float(np.mean(w_scales)))
    b = ModelBuilder("depthwise_conv2d")
    x = b.add_tensor("input", input_shape, scale=in_scale, zero_point=in_zp)
    w = b.add_tensor("filter", (1, k_h, k_w, out_c), scale=w_scales, zero_point=[0] * len(w_scales),
                     data=_random_weights(rng, (1, k_h, k_w, out_c)), quantized_dimension=3)
    bias_index = -1
    if bias:
        values, scales = _bias(rng, out_c, in_scale, w_scales, 2000)
        bias_index = b.add_tensor("bias", (out_c,), "int32", scale=scales, zero_point=[0] * len(scales),
                                  data=values)
    y = b.add_tensor("output", (batches, out_h, out_w, out_c), scale=out_scale,
                     zero_point=int(rng.integers(-10, 11)))
    # Without a bias the op gets two inputs: TFLite Micro's depthwise Prepare crashes on a -1 bias input.
    inputs = [x, w, bias_index] if bias else [x, w]
    b.add_op("DEPTHWISE_CONV_2D", inputs, [y], padding=padding, stride_w=stride[1],
             stride_h=stride[0], depth_multiplier=depth_multiplier, dilation_w_factor=dilation[1],
             dilation_h_factor=dilation[0], fused_activation_function=activation)
    b.inputs, b.outputs = [x], [y]
    return b.build()


def fully_connected_model(*, batches: int = 1, in_features: int = 16, out_features: int = 8,
                          input_shape: Sequence[int] | None = None, activation: str = "NONE",
                          per_channel: bool = False, bias: bool = True, keep_num_dims: bool = False,
                          seed: int = 0) -> bytes:
    """A single FULLY_CONNECTED. Weights [out, in] int8; the input may have any shape whose size is a multiple
    of in_features (`input_shape`, default [batches, in_features])."""
    rng = _rng(seed)
    shape = tuple(input_shape) if input_shape is not None else (batches, in_features)
    rows = int(np.prod(shape)) // in_features
    in_scale, in_zp = float(rng.uniform(0.01, 0.1)), int(rng.integers(-20, 21))
    w_scales = _channel_scales(rng, out_features, per_channel, 0.02)
    out_scale = _output_scale(in_features, in_scale, float(np.mean(w_scales)))
    b = ModelBuilder("fully_connected")
    x = b.add_tensor("input", shape, scale=in_scale, zero_point=in_zp)
    w = b.add_tensor("weights", (out_features, in_features), scale=w_scales, zero_point=[0] * len(w_scales),
                     data=_random_weights(rng, (out_features, in_features)))
    bias_index = -1
    if bias:
        values, scales = _bias(rng, out_features, in_scale, w_scales, 3000)
        bias_index = b.add_tensor("bias", (out_features,), "int32", scale=scales, zero_point=[0] * len(scales),
                                  data=values)
    out_shape = (*shape[:-1], out_features) if keep_num_dims else (rows, out_features)
    y = b.add_tensor("output", out_shape, scale=out_scale, zero_point=int(rng.integers(-10, 11)))
    b.add_op("FULLY_CONNECTED", [x, w, bias_index], [y], fused_activation_function=activation,
             keep_num_dims=keep_num_dims)
    b.inputs, b.outputs = [x], [y]
    return b.build()


def add_model(*, shape1: Sequence[int] = (1, 4, 4, 8), shape2: Sequence[int] | None = None,
              activation: str = "NONE", constant_input2: bool = False, seed: int = 0,
              scales: tuple[float, float, float] | None = None) -> bytes:
    """A single ADD of two int8 tensors (numpy-style broadcasting when the shapes differ). With
    `constant_input2` the second operand is a constant tensor."""
    rng = _rng(seed)
    shape2 = tuple(shape2) if shape2 is not None else tuple(shape1)
    out_shape = tuple(np.broadcast_shapes(tuple(shape1), shape2))
    s1, s2, so = scales or (float(rng.uniform(0.01, 0.2)), float(rng.uniform(0.01, 0.2)), 0.0)
    so = so or float((s1 + s2) * rng.uniform(1.0, 2.0))
    b = ModelBuilder("add")
    x1 = b.add_tensor("input1", shape1, scale=s1, zero_point=int(rng.integers(-30, 31)))
    data2 = _random_weights(rng, shape2) if constant_input2 else None
    x2 = b.add_tensor("input2", shape2, scale=s2, zero_point=int(rng.integers(-30, 31)), data=data2)
    y = b.add_tensor("output", out_shape, scale=so, zero_point=int(rng.integers(-10, 11)))
    b.add_op("ADD", [x1, x2], [y], fused_activation_function=activation)
    b.inputs, b.outputs = ([x1] if constant_input2 else [x1, x2]), [y]
    return b.build()


def single_op_model(kind: str, inputs: Sequence[dict], outputs: Sequence[dict], **options: object) -> bytes:
    """A one-op model from tensor descriptions: each dict holds ModelBuilder.add_tensor keyword arguments
    (name, shape, dtype, scale, zero_point, data, quantized_dimension); non-constant inputs become graph inputs.
    A `None` entry in `inputs` is an omitted optional input."""
    b = ModelBuilder(kind.lower())
    input_indices = [-1 if spec is None else b.add_tensor(**spec) for spec in inputs]
    output_indices = [b.add_tensor(**spec) for spec in outputs]
    b.add_op(kind, input_indices, output_indices, **options)
    b.inputs = [i for i, spec in zip(input_indices, inputs) if spec is not None and spec.get("data") is None]
    b.outputs = output_indices
    return b.build()


def _output_size(in_h: int, in_w: int, k_h: int, k_w: int, stride: tuple[int, int], dilation: tuple[int, int],
                 padding: str) -> tuple[int, int]:
    def size(extent: int, k: int, s: int, d: int) -> int:
        effective = (k - 1) * d + 1
        if padding == "SAME":
            return (extent + s - 1) // s
        return (extent - effective + s) // s

    return size(in_h, k_h, stride[0], dilation[0]), size(in_w, k_w, stride[1], dilation[1])
