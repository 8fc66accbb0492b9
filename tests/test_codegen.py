import re
import subprocess

import numpy as np

from mcugen.codegen import c_float, c_int, render_project, write_project
from mcugen.sanitize import c_comment
from mcugen.compiler import compile_model
from mcugen.golden import golden_vectors
from modelgen import ModelBuilder


def _pool_reshape_model() -> bytes:
    b = ModelBuilder()
    x = b.add_tensor("x */ evil", (1, 8, 8, 3), scale=0.05, zero_point=-3)
    y = b.add_tensor("y", (1, 4, 4, 3), scale=0.05, zero_point=-3)
    shape = b.add_tensor("shape", (2,), dtype="int32", data=np.array([1, 48], np.int32))
    z = b.add_tensor("z", (1, 48), scale=0.05, zero_point=-3)
    b.add_op("MAX_POOL_2D", [x], [y], padding="VALID", stride_w=2, stride_h=2, filter_width=2, filter_height=2)
    b.add_op("RESHAPE", [y, shape], [z], new_shape=[1, 48])
    b.inputs, b.outputs = [x], [z]
    return b.build()


def test_float_literals_are_exact():
    for value in (0.1, 1 / 3, 1e-30, -2.5, 3.4028234663852886e38):
        literal = c_float(value)
        assert literal.endswith("f")
        assert np.float32(float.fromhex(literal[:-1])) == np.float32(value)


def test_int32_min_literal():
    assert c_int(-(1 << 31)) == "INT32_MIN"
    assert c_int(-5) == "-5"


def test_comments_cannot_be_closed_by_names():
    assert "*/" not in c_comment("a */ b /* c")


def test_reshape_is_free_and_shape_operands_are_not_emitted():
    compiled = compile_model(_pool_reshape_model(), board="host")
    assert [op.kind for op in compiled.steps] == ["MAX_POOL_2D"]
    assert compiled.offset(3) == compiled.offset(1)  # z aliases y
    files = render_project(compiled, None, "test")
    weights = files[f"src/{compiled.graph.name}_weights.c"]
    assert "_w2[" not in weights
    model_c = files[f"src/{compiled.graph.name}.c"]
    assert model_c.count("pool2d_s8(") == 1


def test_debug_canary_catches_a_write_past_the_arena(tmp_path):
    data = _pool_reshape_model()
    compiled = compile_model(data, board="host")
    golden = golden_vectors(compiled, data, 2, seed=0)
    project = write_project(render_project(compiled, golden, "test"), tmp_path / "p")
    model_c = project / "src" / f"{compiled.graph.name}.c"
    name = compiled.graph.name

    def build_and_run(tag: str) -> subprocess.CompletedProcess:
        sources = sorted(str(p) for p in (project / "src").rglob("*.c") if "platform" not in p.parts)
        exe = tmp_path / tag
        subprocess.run(["cc", "-std=c99", "-Wall", "-Wextra", "-Werror", "-DMCUGEN_DEBUG", f"-I{project}/include",
                        f"-I{project}/src", f"-I{project}/src/kernels", *sources, "-o", str(exe), "-lm"], check=True)
        return subprocess.run([str(exe)], capture_output=True, text=True, timeout=30)

    good = build_and_run("good")
    assert good.returncode == 0 and "mcugen: PASS" in good.stdout

    # Move the pooling output so that it ends 8 bytes past the arena: the canary must notice.
    text = model_c.read_text()
    out_bytes = 48
    call = re.search(r"mcugen_\w*pool2d_s8\((.*)\);", text).group(0)
    last_arg = re.findall(r"\(\(int8_t \*\)\(arena \+ \d+\)\)", call)[-1]
    moved = f"((int8_t *)(arena + {compiled.plan.arena_size - out_bytes + 8}))"
    model_c.write_text(text.replace(call, call.replace(last_arg, moved)))
    bad = build_and_run("bad")
    assert bad.returncode != 0
    assert "arena canary damaged" in bad.stdout



def test_large_weights_are_streamed_with_the_same_bytes(tmp_path, monkeypatch):
    from mcugen import codegen

    from modelgen import conv2d_model

    compiled = compile_model(conv2d_model(seed=1), board="host")
    whole = render_project(compiled, None, "test", plot=False)
    monkeypatch.setattr(codegen, "STREAM_VALUES", 0)
    monkeypatch.setattr(codegen, "VALUES_PER_BLOCK_LINES", 1)
    streamed = render_project(compiled, None, "test", plot=False)
    name = f"src/{compiled.graph.name}_weights.c"
    assert isinstance(whole[name], str) and isinstance(streamed[name], codegen.StreamedText)
    written = write_project(streamed, tmp_path / "p")
    assert (written / name).read_text() == whole[name] == str(streamed[name])
    values = np.arange(-40, 40, dtype=np.int32)
    assert "".join(codegen.format_value_blocks(values, "int32_t", lines=2)) == codegen.format_values(values, "int32_t")
