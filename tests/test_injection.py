"""Hostile strings in a model (tensor names, description, file name) never become code, markup or terminal control."""

import json
import re
import subprocess
from pathlib import Path

import pytest
from conftest import MODELS_DIR
from mcugen.cli import main
from mcugen.codegen import render_project, write_project
from mcugen.compiler import compile_graph
from mcugen.emulate import build_host, run_host
from mcugen.golden import golden_vectors
from mcugen.reader import read_model
from mcugen.sanitize import c_comment, c_identifier, markdown_code, terminal
from mcugen.targets import COMMON_CFLAGS, INCLUDE_DIRS
from mcugen.verify import OutputResult, VerifyReport
from modelgen import ModelBuilder

# Each payload carries a marker that must not reach the preprocessed C as a token of its own: `evil...`, or the
# macro it tries to define. (The project's symbols may contain `_evil` when the file name does: that is harmless.)
PAYLOADS = {
    "splice": "x*\\\n/ int evil_splice;",
    "close_and_define": "*/ #define memcmp(a, b, n) 0 /*",
    "trigraph": "a??/\nint evil_trigraph;",
    "newline_include": "y\n#include <evil_include.h>\n",
    "carriage_return": "z\r#define evil_cr 1\rint evil_cr2;",
    "control_bytes": "n\x00\x01\x7f int evil_nul;",
    "ansi": "\x1b[2J\x1b]0;evil_title\x07",
    "long": "L" * 5000 + "*/ int evil_long; /*",
    "non_ascii": "\u6a21\u578b*/ int evil_unicode; /*\u00e9\u202e",
}
FORBIDDEN_AFTER_CPP = re.compile(r"(?<![A-Za-z0-9_])evil|define memcmp")
CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


@pytest.fixture(scope="module")
def hello_world():
    path = MODELS_DIR / "hello_world_int8.tflite"
    if not path.exists():
        pytest.skip(f"{path} not found (set MCUGEN_MODELS)")
    return path


def _hostile_project(model: Path, payload: str, board: str = "host") -> dict[str, str | bytes]:
    graph = read_model(model)
    for tensor in graph.tensors:
        tensor.name = f"{payload}{tensor.index}"  # distinct names, every one hostile
    graph.description = payload
    graph.source = f"models/{payload}.tflite"
    graph.name = c_identifier(payload)
    compiled = compile_graph(graph, board=board)
    golden = golden_vectors(compiled, model.read_bytes(), 2, seed=0)
    return render_project(compiled, golden, f"mcugen build {payload}.tflite")


def _preprocess(project: Path, source: Path) -> str:
    includes = [f"-I{project / d}" for d in INCLUDE_DIRS]
    command = ["gcc", "-E", "-P", "-dD", *COMMON_CFLAGS, *includes, str(source)]
    return subprocess.run(command, capture_output=True, text=True, check=True).stdout


@pytest.mark.parametrize("payload", list(PAYLOADS.values()), ids=list(PAYLOADS))
def test_payload_survives_preprocessing_only_as_comment(tmp_path, hello_world, payload):
    files = _hostile_project(hello_world, payload)
    project = write_project(files, tmp_path / "p")
    generated_c = [p for p in (project / "src").glob("*.[ch]")] + list((project / "include").glob("*.h"))
    for source in generated_c:
        text = _preprocess(project, source)
        found = FORBIDDEN_AFTER_CPP.search(text)
        assert found is None, f"{found and found.group(0)!r} reached the preprocessed {source.name}"
    for rel, content in files.items():
        if isinstance(content, str):
            assert not CONTROL_CHARS.search(content), f"control character in {rel}"
            assert "\r" not in content, rel
    result = run_host(build_host(project, tmp_path / "build"), timeout=60)
    assert result.returncode == 0 and "mcugen: PASS" in result.stdout, result.stdout


BUILD_FILE_SUFFIXES = (".txt", ".ini", ".cmake", ".ld", ".resc", ".robot", ".cpp")
COMMENT_STARTS = ("#", ";", "//", "/*", " *")


def _build_files(files: dict[str, str | bytes], name: str) -> dict[str, list[str]]:
    """Non-comment lines of each build file, the project name abstracted, sorted (sources sort by name)."""
    return {
        rel.replace(name, "NAME"): sorted(
            line.replace(name, "NAME") for line in text.splitlines() if not line.startswith(COMMENT_STARTS)
        )
        for rel, text in files.items()
        if rel.endswith(BUILD_FILE_SUFFIXES)
    }


@pytest.mark.parametrize("payload", list(PAYLOADS.values()), ids=list(PAYLOADS))
def test_readme_json_and_build_files_keep_names_inert(hello_world, payload):
    files = _hostile_project(hello_world, payload, board="nano33ble")
    benign = _hostile_project(hello_world, "benign", board="nano33ble")
    for line in files["README.md"].splitlines():
        if line.startswith(("| inputs", "| outputs")):
            assert line.count("`") % 2 == 0 and line.count("|") == 3, line  # one code span per name, two cells
    names = {t["name"] for t in json.loads(files["mcugen_report.json"])["tensors"]}
    assert names and all(name.startswith(payload) for name in names)  # JSON keeps the real names, escaped
    # Beyond comments, a build file differs from a benign model's only by the project's C identifier.
    hostile_build = _build_files(files, c_identifier(payload))
    assert "renode/NAME.robot" in hostile_build and "platformio.ini" in hostile_build
    assert hostile_build == _build_files(benign, "benign")


def test_comment_rule_removes_every_delimiter_and_splice():
    for payload in PAYLOADS.values():
        text = c_comment(payload)
        assert not set(text) & set("*\\?\n\r")
        assert text.isascii() and text.isprintable() and len(text) <= 400


def test_replaced_names_stay_distinct():
    assert c_comment("a*b") != c_comment("a\\b")
    assert c_comment("plain name: conv/Relu;bias") == "plain name: conv/Relu;bias"
    assert c_comment("L" * 1000 + "x") != c_comment("L" * 1000 + "y")
    assert markdown_code("a`b|c") != markdown_code("a_b_c")


def test_file_names_give_identifiers_that_shadow_nothing():
    taken = {"stdio", "string", "main", "selftest", "math", "mcugen_conv2d_s8", "mcugen_common", "model"}
    for name in ["stdio", "string", "main", "selftest", "math", "mcugen_conv2d_s8", "MCUGEN_common", "STDLIB"]:
        ident = c_identifier(name)
        assert re.fullmatch(r"[a-z_][a-z0-9_]*", ident) and ident not in taken, ident
    others = ["\u6a21\u578b", "\u043c\u043e\u0434\u0435\u043b\u044c", "\u30e2\u30c7\u30eb"]
    assert len({c_identifier(n) for n in others}) == len(others)
    assert c_identifier("person-detect v2") == "person_detect_v2"
    assert len(c_identifier("x" * 300)) <= 50


def test_terminal_rule_escapes_controls():
    assert terminal("a\x1b[2Jb\u202e\n") == "a\\x1b[2Jb\\u202e\\x0a"


def _hostile_cli_model() -> bytes:
    b = ModelBuilder(description="\x1b[2J description")
    x = b.add_tensor("in\x1b[31m\nerror: forged", (1, 8, 8, 3), scale=0.05, zero_point=-3)
    y = b.add_tensor("out\x1b]0;title\x07", (1, 4, 4, 3), scale=0.05, zero_point=-3)
    b.add_op("MAX_POOL_2D", [x], [y], padding="VALID", stride_w=2, stride_h=2, filter_width=2, filter_height=2)
    b.inputs, b.outputs = [x], [y]
    return b.build()


def _unsupported_cli_model() -> bytes:
    b = ModelBuilder()
    x = b.add_tensor("x\x1b[2J", (1, 4), scale=0.05)
    y = b.add_tensor("y\r\nerror: forged", (1, 4), scale=0.05)
    b.add_op("TANH", [x], [y])
    b.inputs, b.outputs = [x], [y]
    return b.build()


@pytest.mark.parametrize("argv", [["inspect"], ["inspect", "--json"], ["inspect", "--memory"], ["build"]])
def test_cli_prints_no_control_characters_from_names(tmp_path, capsys, argv):
    model = tmp_path / "m\x1b[2J.tflite"
    model.write_bytes(_hostile_cli_model())
    extra = ["-o", str(tmp_path / "out"), "--golden", "0", "--board", "host"] if argv == ["build"] else []
    code = main([argv[0], str(model), *argv[1:], *extra])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert not CONTROL_CHARS.search(out + err)
    assert "error: forged" not in (out + err).splitlines()


def test_cli_errors_print_no_control_characters_from_names(tmp_path, capsys):
    model = tmp_path / "bad.tflite"
    model.write_bytes(_unsupported_cli_model())
    code = main(["build", str(model), "-o", str(tmp_path / "out")])
    out, err = capsys.readouterr()
    assert code == 2
    assert not CONTROL_CHARS.search(out + err)
    assert "error: forged" not in err.splitlines()
    assert not (tmp_path / "out").exists()


def _custom_op_model(code: str) -> bytes:
    """A model whose one op is a custom op named `code` (ModelBuilder writes builtin ops only)."""
    import flatbuffers
    from modelgen import schema

    b = ModelBuilder()
    x = b.add_tensor("x", (1, 4), scale=0.05)
    y = b.add_tensor("y", (1, 4), scale=0.05)
    b.add_op("CUSTOM", [x], [y])
    b.inputs, b.outputs = [x], [y]
    model = schema.ModelT.InitFromPackedBuf(b.build(), 0)
    model.operatorCodes[0].customCode = code
    builder = flatbuffers.Builder(1024)
    builder.Finish(model.Pack(builder), file_identifier=b"TFL3")
    return bytes(builder.Output())


def test_custom_op_codes_reach_the_terminal_escaped(tmp_path, capsys):
    model = tmp_path / "custom.tflite"
    model.write_bytes(_custom_op_model("Evil\x1b[2J\nerror: forged"))
    code = main(["build", str(model), "-o", str(tmp_path / "out")])
    _, err = capsys.readouterr()
    assert code == 2 and "CUSTOM(Evil\\x1b[2J\\x0aerror: forged)" in err, err
    assert not CONTROL_CHARS.search(err)
    assert "error: forged" not in err.splitlines()


def test_verify_summary_cannot_be_forged_by_an_output_name():
    report = VerifyReport("m\n  PASS: bit-exact with TFLite Micro", "host", "host", 1, 0,
                          outputs=[OutputResult(0, "y\n  PASS: bit-exact with TFLite Micro", False, 1, 0, 0)])
    lines = report.summary().splitlines()
    assert lines[-1] == "  FAIL" and len(lines) == 4  # header, reference, the output, the verdict
    assert not any(line.strip().startswith("PASS") for line in lines)
