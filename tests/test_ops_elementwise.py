"""ADD (int16 here; int8 in test_ops_add.py), MUL, SUB, MAXIMUM, MINIMUM, SQUARED_DIFFERENCE, PRELU: generated C bit-exact with TFLite Micro, with broadcasting, int8
and (where TFLite Micro has it) int16; random shapes and quantization through hypothesis."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from modelgen_math import binary_model

from mcugen.ops import lowering_for
from mcugen.reader import read_model_bytes
from mcugen.verify import verify_model

# kind -> (dtypes, has a fused activation, needs one quantization for all tensors)
OPS = {
    "ADD": (("int8", "int16"), True, False),
    "MUL": (("int8", "int16"), True, False),
    "SUB": (("int8", "int16"), True, False),
    "MAXIMUM": (("int8", "int16"), False, True),
    "MINIMUM": (("int8", "int16"), False, True),
    "SQUARED_DIFFERENCE": (("int8",), False, False),
    "PRELU": (("int8",), False, False),
}


def verify(model: bytes, inputs: int = 6, seed: int = 3) -> None:
    report = verify_model(model, board="host", inputs=inputs, seed=seed, kernels="portable")
    assert report.ok, report.summary() + "\n" + report.log[-2000:]


CASES = {
    "same-shape": dict(shape1=(1, 5, 5, 8)),
    "channel-vector": dict(shape1=(1, 4, 4, 8), shape2=(8,)),
    "both-sides": dict(shape1=(2, 1, 3, 1), shape2=(1, 4, 1, 5)),
    "scalar-first": dict(shape1=(1,), shape2=(3, 2, 4)),
    "constant-operand": dict(shape1=(1, 3, 4, 8), shape2=(1, 1, 4, 8), constant_input2=True),
}


@pytest.mark.parametrize("case", sorted(CASES))
@pytest.mark.parametrize("kind", sorted(OPS))
def test_bit_exact(kind, case):
    dtypes, _, same_quant = OPS[kind]
    for dtype in dtypes:
        verify(binary_model(kind, **CASES[case], dtype=dtype, same_quant=same_quant, seed=len(case)))


@pytest.mark.parametrize("kind", ["MUL", "SUB"])
@pytest.mark.parametrize("activation", ["RELU", "RELU6", "RELU_N1_TO_1"])
def test_fused_activation(kind, activation):
    verify(binary_model(kind, shape1=(2, 3, 8), activation=activation, scales=(0.03, 0.05, 0.02), seed=5))


shapes = st.lists(st.integers(1, 4), min_size=1, max_size=5)


@st.composite
def broadcast_pair(draw):
    """Two shapes that broadcast: a random output shape, each input keeping a suffix with some dims set to 1."""
    out = draw(shapes)
    pair = []
    for _ in range(2):
        rank = draw(st.integers(1, len(out)))
        pair.append(tuple(d if draw(st.booleans()) else 1 for d in out[len(out) - rank:]))
    return pair


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(kind=st.sampled_from(sorted(OPS)), pair=broadcast_pair(), seed=st.integers(0, 2**31),
       int16=st.booleans())
def test_random_shapes_and_quantization(kind, pair, seed, int16):
    dtypes, has_activation, same_quant = OPS[kind]
    dtype = "int16" if int16 and "int16" in dtypes else "int8"
    rng = np.random.default_rng(seed)
    activation = str(rng.choice(["NONE", "RELU", "RELU6"])) if has_activation else None
    model = binary_model(kind, shape1=pair[0], shape2=pair[1], dtype=dtype, activation=activation,
                         same_quant=same_quant, seed=rng)
    verify(model, inputs=4, seed=seed % 1000)


def check(model: bytes) -> list[str]:
    graph = read_model_bytes(model)
    op = graph.ops[0]
    return lowering_for(op.kind).check(op, graph)


def test_refusals_are_clear():
    problems = check(binary_model("MAXIMUM", scales=(0.1, 0.2, 0.1)))
    assert len(problems) == 1 and "one quantization" in problems[0]
    problems = check(binary_model("MUL", dtype="int16", zero_points=(3, 0, 0)))
    assert len(problems) == 1 and "zero point 0" in problems[0]
    problems = check(binary_model("SQUARED_DIFFERENCE", dtype="int16"))
    assert problems and "int16" in problems[0] and "supported: int8" in problems[0]
    problems = check(binary_model("SUB", shape1=(2, 3), shape2=(4, 3), output_shape=(4, 3)))
    assert problems and "do not broadcast" in problems[0]
