"""Test models for the data-movement ops, LOGISTIC, uint8 QUANTIZE and stateful (multi-subgraph) models.

Built with tests/modelgen.py's flatbuffer builder: no TensorFlow needed. `with_subgraphs` appends further
subgraphs (e.g. a CALL_ONCE initialiser) to a built single-subgraph model.
"""

from __future__ import annotations

from collections.abc import Sequence

import flatbuffers
import numpy as np
from modelgen import ModelBuilder, single_op_model
from tflite_micro.tensorflow.lite.micro.python import schema_py_generated as schema


def concatenation_model(shapes: Sequence[Sequence[int]], axis: int, dtype: str = "int8", scale: float = 0.05,
                        zero_point: int = 3) -> bytes:
    zp = 0 if dtype == "int16" else zero_point
    out_shape = list(shapes[0])
    out_shape[axis] = sum(s[axis] for s in shapes)
    return single_op_model(
        "CONCATENATION",
        [dict(name=f"x{i}", shape=tuple(s), dtype=dtype, scale=scale, zero_point=zp) for i, s in enumerate(shapes)],
        [dict(name="y", shape=tuple(out_shape), dtype=dtype, scale=scale, zero_point=zp)],
        axis=axis,
    )


def strided_slice_model(shape, begin, end, strides, out_shape, *, begin_mask=0, end_mask=0, shrink_axis_mask=0,
                        dtype: str = "int8", offset: bool = False) -> bytes:
    zp = 0 if dtype == "int16" else -7
    rank = len(shape)
    return single_op_model(
        "STRIDED_SLICE",
        [dict(name="x", shape=tuple(shape), dtype=dtype, scale=0.1, zero_point=zp),
         dict(name="begin", shape=(rank,), dtype="int32", data=np.asarray(begin)),
         dict(name="end", shape=(rank,), dtype="int32", data=np.asarray(end)),
         dict(name="strides", shape=(rank,), dtype="int32", data=np.asarray(strides))],
        [dict(name="y", shape=tuple(out_shape), dtype=dtype, scale=0.1, zero_point=zp)],
        begin_mask=begin_mask, end_mask=end_mask, shrink_axis_mask=shrink_axis_mask, offset=offset,
    )


def slice_model(shape, begin, size, out_shape, dtype: str = "int8") -> bytes:
    zp = 0 if dtype == "int16" else 5
    rank = len(shape)
    return single_op_model(
        "SLICE",
        [dict(name="x", shape=tuple(shape), dtype=dtype, scale=0.1, zero_point=zp),
         dict(name="begin", shape=(rank,), dtype="int32", data=np.asarray(begin)),
         dict(name="size", shape=(rank,), dtype="int32", data=np.asarray(size))],
        [dict(name="y", shape=tuple(out_shape), dtype=dtype, scale=0.1, zero_point=zp)],
    )


def logistic_model(shape, scale: float, zero_point: int) -> bytes:
    return single_op_model("LOGISTIC", [dict(name="x", shape=tuple(shape), scale=scale, zero_point=zero_point)],
                           [dict(name="y", shape=tuple(shape), scale=1.0 / 256, zero_point=-128)])


def quantize_model(shape, in_dtype: str, out_dtype: str, in_scale: float, in_zp: int, out_scale: float,
                   out_zp: int) -> bytes:
    return single_op_model("QUANTIZE", [dict(name="x", shape=tuple(shape), dtype=in_dtype, scale=in_scale,
                                             zero_point=in_zp)],
                           [dict(name="y", shape=tuple(shape), dtype=out_dtype, scale=out_scale, zero_point=out_zp)])


def with_subgraphs(model: bytes, builders: Sequence[ModelBuilder]) -> bytes:
    """`model` with the (only) subgraph of each builder appended; their tensors' buffers are moved over."""
    unpacked = schema.ModelT.InitFromPackedBuf(model, 0)
    for extra in builders:
        subgraph = schema.SubGraphT()
        subgraph.tensors = extra.tensors
        subgraph.operators = extra.operators
        subgraph.inputs = [int(i) for i in extra.inputs]
        subgraph.outputs = [int(i) for i in extra.outputs]
        subgraph.name = "init"
        base = len(unpacked.buffers)
        for tensor in extra.tensors:
            if tensor.buffer:
                tensor.buffer += base - 1
        unpacked.buffers.extend(extra.buffers[1:])
        for op in extra.operators:
            kind, version = extra.opcodes[op.opcodeIndex]
            code = getattr(schema.BuiltinOperator, kind)
            found = [i for i, c in enumerate(unpacked.operatorCodes) if c.builtinCode == code]
            if not found:
                new = schema.OperatorCodeT()
                new.builtinCode, new.deprecatedBuiltinCode, new.version = code, min(code, 127), version
                unpacked.operatorCodes.append(new)
                found = [len(unpacked.operatorCodes) - 1]
            op.opcodeIndex = found[0]
        unpacked.subgraphs.append(subgraph)
    builder = flatbuffers.Builder(1024)
    builder.Finish(unpacked.Pack(builder), file_identifier=b"TFL3")
    return bytes(builder.Output())


def ring_buffer_model(frames: int = 4, features: int = 3, initial: int = 0, control_op: str = "CALL_ONCE") -> bytes:
    """A streaming model built by hand: window = concat(window[1:], frame); output = window (int8). The variable
    starts at `initial` (assigned by a CALL_ONCE initialiser subgraph)."""
    scale, zp = 0.05, -3
    b = ModelBuilder("ring buffer")
    frame = b.add_tensor("frame", (1, 1, features), scale=scale, zero_point=zp)
    handle = b.add_tensor("window_handle", (), dtype="int32")
    b.tensors[handle].type = schema.TensorType.RESOURCE
    old = b.add_tensor("window_old", (1, frames, features), scale=scale, zero_point=zp)
    kept = b.add_tensor("window_kept", (1, frames - 1, features), scale=scale, zero_point=zp)
    new = b.add_tensor("window", (1, frames, features), scale=scale, zero_point=zp)
    begin = b.add_tensor("begin", (3,), dtype="int32", data=np.array([0, 1, 0]))
    end = b.add_tensor("end", (3,), dtype="int32", data=np.array([1, frames, features]))
    strides = b.add_tensor("strides", (3,), dtype="int32", data=np.array([1, 1, 1]))
    if control_op == "CALL_ONCE":
        b.add_op("CALL_ONCE", [], [], init_subgraph_index=1)
    else:
        b.add_op(control_op, [], [], options_type="WhileOptions", cond_subgraph_index=1, body_subgraph_index=1)
    b.add_op("VAR_HANDLE", [], [handle], shared_name="window")
    b.add_op("READ_VARIABLE", [handle], [old])
    b.add_op("STRIDED_SLICE", [old, begin, end, strides], [kept])
    b.add_op("CONCATENATION", [kept, frame], [new], axis=1)
    b.add_op("ASSIGN_VARIABLE", [handle, new], [])
    b.inputs, b.outputs = [frame], [new]
    main = b.build()

    init = ModelBuilder("init")
    init_handle = init.add_tensor("window_handle", (), dtype="int32")
    init.tensors[init_handle].type = schema.TensorType.RESOURCE
    value = init.add_tensor("window_initial", (1, frames, features), scale=scale, zero_point=zp,
                            data=np.full((1, frames, features), initial))
    init.add_op("VAR_HANDLE", [], [init_handle], shared_name="window")
    init.add_op("ASSIGN_VARIABLE", [init_handle, value], [])
    return with_subgraphs(main, [init])
