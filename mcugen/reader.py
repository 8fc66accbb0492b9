""".tflite -> ir.Graph, through the `tflite` package's generated schema bindings.

Every malformed input stops here with a ModelError or UnsupportedModelError naming the file and the problem; no
flatbuffer object leaves this module.
"""

from __future__ import annotations

import hashlib
import inspect
import re
from pathlib import Path
from types import SimpleNamespace

import flatbuffers
import numpy as np
import tflite
from tflite.utils import BUILTIN_OPCODE2NAME

from mcugen.errors import ModelError, UnsupportedModelError
from mcugen.ir import DTYPES, Graph, Op, QuantParams, Tensor
from mcugen.sanitize import c_identifier, display_name, terminal

# The largest tensor mcugen accepts: offsets and sizes in the generated C are 32-bit, and no board comes near.
MAX_TENSOR_BYTES = (1 << 31) - 1
_TENSOR_TYPES = {v: k.lower() for k, v in vars(tflite.TensorType).items() if not k.startswith("_")}
_OPTION_TYPES = {v: k for k, v in vars(tflite.BuiltinOptions).items() if not k.startswith("_")}
# Option fields that hold a schema enum: reported by name so lowerings compare strings, not magic numbers.
_OPTION_ENUMS = {
    "padding": tflite.Padding,
    "fused_activation_function": tflite.ActivationFunctionType,
    "weights_format": tflite.FullyConnectedOptionsWeightsFormat,
    "mode": tflite.MirrorPadMode,
}
_ENUM_NAMES = {
    field: {v: k for k, v in vars(enum).items() if not k.startswith("_")} for field, enum in _OPTION_ENUMS.items()
}


def read_model(path: str | Path) -> Graph:
    """Read a .tflite file into the IR."""
    path = Path(path)
    shown = terminal(str(path))  # the file name is shown in messages; it may hold control characters
    if not path.exists():
        raise ModelError(f"{shown}: no such file")
    if path.is_dir():
        raise ModelError(f"{shown}: is a directory, expected a .tflite file")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ModelError(f"{shown}: cannot read: {exc.strerror}") from None
    return read_model_bytes(data, name=path.stem, source=str(path))


def read_model_bytes(data: bytes, name: str = "model", source: str = "<bytes>") -> Graph:
    """Read a TFLite flatbuffer held in memory into the IR."""
    label = terminal(source)  # `source` in messages; the graph keeps the real path
    if len(data) < 8 or data[4:8] != b"TFL3":
        raise ModelError(f"{label}: not a TensorFlow Lite model (no 'TFL3' file identifier)")
    try:
        graph = _parse(data, name, label)
        graph.source = source
    except (ModelError, UnsupportedModelError):
        raise
    except Exception as exc:  # the bindings fail in many ways on a damaged buffer (struct.error, IndexError, ...)
        raise ModelError(f"{label}: corrupted or truncated flatbuffer ({type(exc).__name__}: {exc})") from None
    graph.sha256 = hashlib.sha256(data).hexdigest()
    return graph


def _parse(data: bytes, name: str, source: str) -> Graph:
    model = tflite.Model.GetRootAs(data, 0)
    if model.SubgraphsLength() < 1:
        raise UnsupportedModelError(f"{source}: the model has no subgraph")
    opcodes = [_opcode_name(model.OperatorCodes(i)) for i in range(model.OperatorCodesLength())]
    graph = _subgraph(model, 0, opcodes, data, name, source)
    # Further subgraphs are only ever run by control-flow ops; mcugen runs those of CALL_ONCE (mcugen/ops/state.py)
    # and refuses every other control-flow op.
    graph.subgraphs = [_subgraph(model, i, opcodes, data, f"{name}_subgraph{i}", source)
                       for i in range(1, model.SubgraphsLength())]
    graph.description = (model.Description() or b"").decode("utf-8", "replace")
    return graph


def _subgraph(model, position: int, opcodes: list[tuple[str, int]], data: bytes, name: str, source: str) -> Graph:
    subgraph = model.Subgraphs(position)
    where = source if position == 0 else f"{source}: subgraph {position}"
    tensors = [_tensor(model, subgraph.Tensors(i), i, data, where) for i in range(subgraph.TensorsLength())]
    ops = []
    for i in range(subgraph.OperatorsLength()):
        fb_op = subgraph.Operators(i)
        code = fb_op.OpcodeIndex()
        if code >= len(opcodes):
            raise ModelError(f"{where}: op {i} refers to operator code {code}, but the model has {len(opcodes)}")
        options_type, options = _options(fb_op)
        ops.append(
            Op(
                index=i,
                kind=opcodes[code][0],
                inputs=[int(t) for t in _int_vector(fb_op, "Inputs")],
                outputs=[int(t) for t in _int_vector(fb_op, "Outputs")],
                options=options,
                version=opcodes[code][1],
                options_type=options_type,
            )
        )
    graph = Graph(
        name=c_identifier(name),
        tensors=tensors,
        ops=ops,
        inputs=[int(t) for t in _int_vector(subgraph, "Inputs")],
        outputs=[int(t) for t in _int_vector(subgraph, "Outputs")],
        source=source,
    )
    _check_references(graph, where)
    return graph


def _opcode_name(code) -> tuple[str, int]:
    builtin = max(code.BuiltinCode(), code.DeprecatedBuiltinCode())
    name = BUILTIN_OPCODE2NAME.get(builtin, f"BUILTIN_{builtin}")
    if name == "CUSTOM":
        # Custom codes are only ever shown (mcugen compiles no custom op), so they are kept display-safe.
        name = f"CUSTOM({display_name((code.CustomCode() or b'?').decode('utf-8', 'replace'))})"
    return name, code.Version()


def _int_vector(table, field: str) -> np.ndarray:
    if getattr(table, f"{field}Length")() == 0:
        return np.zeros(0, dtype=np.int32)
    return getattr(table, f"{field}AsNumpy")()


def _tensor(model, fb_tensor, index: int, data: bytes, source: str) -> Tensor:
    name = (fb_tensor.Name() or b"").decode("utf-8", "replace") or f"tensor_{index}"
    shown = display_name(name)
    type_code = fb_tensor.Type()
    dtype = _TENSOR_TYPES.get(type_code, f"type{type_code}")
    shape = tuple(int(d) for d in _int_vector(fb_tensor, "Shape"))
    # shape_signature may mark the batch as -1 while `shape` holds the concrete size TFLite Micro runs with.
    if any(d < 0 for d in shape):
        raise UnsupportedModelError(
            f"{source}: tensor {index} '{shown}' has a dynamic shape {list(shape)}; "
            "mcugen needs every dimension fixed at compile time (convert with a fixed batch size)"
        )
    elements = 1
    for d in shape:  # Python integers: no product can wrap around
        elements *= d
    nbytes = elements * (DTYPES[dtype][0].itemsize if dtype in DTYPES else 1)
    if nbytes > MAX_TENSOR_BYTES:
        raise UnsupportedModelError(
            f"{source}: tensor {index} '{shown}' {dtype}{list(shape)} would take {nbytes:,} bytes; mcugen compiles "
            f"for microcontrollers and addresses at most {MAX_TENSOR_BYTES:,} bytes per tensor"
        )
    tensor = Tensor(index=index, name=name, shape=shape, dtype=dtype, quant=_quant(fb_tensor.Quantization()),
                    is_variable=bool(fb_tensor.IsVariable()))
    buffer_index = fb_tensor.Buffer()
    if buffer_index >= model.BuffersLength():
        raise ModelError(f"{source}: tensor {index} '{shown}' refers to buffer {buffer_index}, which does not exist")
    try:
        raw = _buffer_bytes(model.Buffers(buffer_index), data)
    except ModelError as exc:
        raise ModelError(f"{source}: tensor {index} '{shown}': {exc}") from None
    if raw is not None and not tensor.is_variable:  # TFLite Micro ignores a variable tensor's buffer
        if dtype not in DTYPES:
            raise UnsupportedModelError(f"{source}: constant tensor {index} '{shown}' has unsupported type {dtype}")
        expected = tensor.nbytes
        if len(raw) != expected:
            raise ModelError(
                f"{source}: tensor {index} '{shown}' {dtype}{list(shape)} needs {expected} bytes of data, "
                f"its buffer has {len(raw)}"
            )
        tensor.data = np.frombuffer(raw, dtype=DTYPES[dtype][0].newbyteorder("<")).reshape(shape).copy()
    return tensor


def _buffer_bytes(buffer, data: bytes) -> bytes | None:
    offset = buffer.Offset() if hasattr(buffer, "Offset") else 0
    if offset > 1 and buffer.DataLength() > 0:
        raise ModelError("a buffer holds both inline data and an offset to external data; TFLite reads only one "
                         "of them, so the model is ambiguous")
    if offset > 1:  # large models keep buffers after the flatbuffer, addressed by offset/size
        size = buffer.Size()
        if offset + size > len(data):
            raise ModelError("a buffer lies beyond the end of the file (truncated model?)")
        return bytes(data[offset : offset + size])
    if buffer.DataLength() == 0:
        return None
    return buffer.DataAsNumpy().tobytes()


def _quant(fb_quant) -> QuantParams | None:
    if fb_quant is None or fb_quant.ScaleLength() == 0:
        return None
    scale = np.asarray(fb_quant.ScaleAsNumpy(), dtype=np.float32)
    if fb_quant.ZeroPointLength() == 0:
        zero_point = np.zeros(scale.size, dtype=np.int64)
    else:
        zero_point = np.asarray(fb_quant.ZeroPointAsNumpy(), dtype=np.int64)
    if zero_point.size == 1 and scale.size > 1:
        zero_point = np.repeat(zero_point, scale.size)
    return QuantParams(scale=scale, zero_point=zero_point, axis=int(fb_quant.QuantizedDimension()))


def _options(fb_op) -> tuple[str | None, SimpleNamespace]:
    """(options table name, decoded fields) of an operator; (None, empty) when it carries no table."""
    options_type = fb_op.BuiltinOptionsType()
    table = fb_op.BuiltinOptions()
    if options_type == 0 or table is None:
        return None, SimpleNamespace()
    type_name = _OPTION_TYPES.get(options_type, f"options type {options_type}")
    cls = _options_class(type_name)
    if cls is None:
        return type_name, SimpleNamespace()
    options = cls()
    options.Init(table.Bytes, table.Pos)
    return type_name, SimpleNamespace(**_decode_table(options))


def _options_class(type_name: str):
    cls = getattr(tflite, type_name, None)
    if inspect.ismodule(cls):
        cls = getattr(cls, type_name, None)
    return cls


def default_options(type_name: str) -> SimpleNamespace:
    """The fields of options table `type_name` at their schema defaults: what TFLite reads for an operator that
    carries no table."""
    cls = _options_class(type_name)
    if cls is None:
        raise KeyError(type_name)
    builder = flatbuffers.Builder(16)
    builder.StartObject(0)
    builder.Finish(builder.EndObject())
    buffer = builder.Output()
    options = cls()
    options.Init(buffer, flatbuffers.encode.Get(flatbuffers.packer.uoffset, buffer, 0))
    return SimpleNamespace(**_decode_table(options))


_SKIP_SUFFIXES = ("IsNone", "Length", "AsNumpy", "BufferHasIdentifier")


def _decode_table(obj) -> dict[str, object]:
    """Every scalar and int-vector field of a generated options table, by snake_case field name."""
    fields: dict[str, object] = {}
    for attr, member in vars(type(obj)).items():
        if attr.startswith(("_", "GetRootAs")) or attr == "Init" or attr.endswith(_SKIP_SUFFIXES) or not callable(member):
            continue
        snake = re.sub(r"(?<!^)(?=[A-Z])", "_", attr).lower()
        if hasattr(obj, f"{attr}Length"):
            fields[snake] = tuple(int(v) for v in _int_vector(obj, attr)) if hasattr(obj, f"{attr}AsNumpy") else ()
            continue
        if len(inspect.signature(member).parameters) != 1:
            continue
        value = member(obj)
        if snake in _ENUM_NAMES:
            value = _ENUM_NAMES[snake].get(value, value)
        fields[snake] = value
    return fields


def _check_references(graph: Graph, source: str) -> None:
    count = len(graph.tensors)
    for op in graph.ops:
        for t in op.inputs + op.outputs:
            if t >= count or t < -1:
                raise ModelError(f"{source}: op {op.index} ({op.kind}) refers to tensor {t}; the model has {count}")
        if any(t < 0 for t in op.outputs):
            # -1 marks an omitted optional input; an output always names a tensor
            raise ModelError(f"{source}: op {op.index} ({op.kind}) has output -1 (no tensor); the model is malformed")
    for t in graph.inputs + graph.outputs:
        if not 0 <= t < count:
            raise ModelError(f"{source}: the graph's inputs/outputs refer to tensor {t}; the model has {count}")
