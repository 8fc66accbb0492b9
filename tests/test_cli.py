"""The command line: each bad input gives one clear error line, a non-zero exit, no traceback, no output left."""

import json

import numpy as np
import pytest
from mcugen.cli import main
from modelgen import ModelBuilder


def _pool_model(size: int = 8, channels: int = 3) -> bytes:
    b = ModelBuilder()
    x = b.add_tensor("x", (1, size, size, channels), scale=0.05, zero_point=-3)
    y = b.add_tensor("y", (1, size // 2, size // 2, channels), scale=0.05, zero_point=-3)
    b.add_op("MAX_POOL_2D", [x], [y], padding="VALID", stride_w=2, stride_h=2, filter_width=2, filter_height=2)
    b.inputs, b.outputs = [x], [y]
    return b.build()


def _run(capsys, *argv):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def _assert_clean_error(code, err, pattern, out_dir=None):
    assert code != 0
    assert "Traceback" not in err
    errors = [line for line in err.splitlines() if line.startswith("error: ")]
    assert len(errors) == 1, err
    assert pattern in err, err
    if out_dir is not None:
        assert not out_dir.exists()
        assert not any(p.name.startswith(f".{out_dir.name}") for p in out_dir.parent.iterdir())


def test_missing_file(tmp_path, capsys):
    code, _, err = _run(capsys, "build", tmp_path / "nope.tflite", "-o", tmp_path / "out")
    _assert_clean_error(code, err, "no such file", tmp_path / "out")


def test_not_a_model(tmp_path, capsys):
    bad = tmp_path / "bad.tflite"
    bad.write_bytes(b"\x00" * 64)
    code, _, err = _run(capsys, "build", bad, "-o", tmp_path / "out")
    _assert_clean_error(code, err, "not a TensorFlow Lite model", tmp_path / "out")


def test_truncated_model(tmp_path, capsys):
    bad = tmp_path / "cut.tflite"
    bad.write_bytes(_pool_model()[:100])
    code, _, err = _run(capsys, "build", bad, "-o", tmp_path / "out")
    _assert_clean_error(code, err, "cut.tflite", tmp_path / "out")


def test_float_model(tmp_path, capsys):
    b = ModelBuilder()
    x = b.add_tensor("x", (1, 4), "float32")
    w = b.add_tensor("w", (2, 4), "float32", data=np.ones((2, 4), np.float32))
    y = b.add_tensor("y", (1, 2), "float32")
    b.add_op("FULLY_CONNECTED", [x, w, -1], [y])
    b.inputs, b.outputs = [x], [y]
    path = tmp_path / "float.tflite"
    path.write_bytes(b.build())
    code, _, err = _run(capsys, "build", path, "-o", tmp_path / "out")
    _assert_clean_error(code, err, "float model", tmp_path / "out")


def test_unsupported_ops_are_all_listed(tmp_path, capsys):
    b = ModelBuilder()
    x = b.add_tensor("x", (1, 8), scale=0.1, zero_point=0)
    y = b.add_tensor("y", (1, 8), scale=0.1, zero_point=0)
    z = b.add_tensor("z", (1, 8), scale=0.1, zero_point=0)
    b.add_op("TANH", [x], [y])
    b.add_op("LOGISTIC", [y], [z])
    b.inputs, b.outputs = [x], [z]
    path = tmp_path / "act.tflite"
    path.write_bytes(b.build())
    code, _, err = _run(capsys, "build", path, "-o", tmp_path / "out")
    _assert_clean_error(code, err, "op 0: TANH", tmp_path / "out")
    assert "op 1: LOGISTIC" in err and "supported ops:" in err


def test_model_too_big_for_board_says_by_how_much(tmp_path, capsys):
    path = tmp_path / "big.tflite"
    path.write_bytes(_pool_model(size=256, channels=8))  # 512 KB input alone; the Nano 33 BLE has 256 KB
    code, _, err = _run(capsys, "build", path, "--board", "nano33", "-o", tmp_path / "out")
    _assert_clean_error(code, err, "over by", tmp_path / "out")
    assert "nano33ble has 262,144" in err


def test_allow_overflow_turns_the_error_into_a_warning(tmp_path, capsys):
    path = tmp_path / "big.tflite"
    path.write_bytes(_pool_model(size=256, channels=8))
    out = tmp_path / "out"
    code, _, err = _run(capsys, "build", path, "--board", "nano33", "--golden", "0", "--allow-overflow", "-o", out)
    assert code == 0, err
    assert "warning:" in err and "over by" in err
    assert json.loads((out / "mcugen_report.json").read_text())["warnings"]


def test_unknown_board(tmp_path, capsys):
    path = tmp_path / "pool.tflite"
    path.write_bytes(_pool_model())
    code, _, err = _run(capsys, "build", path, "--board", "arduino-mega-9000", "-o", tmp_path / "out")
    _assert_clean_error(code, err, "arduino-mega-9000", tmp_path / "out")


def test_build_is_deterministic(tmp_path, capsys):
    path = tmp_path / "pool.tflite"
    path.write_bytes(_pool_model())
    trees = []
    for name in ("a", "b"):
        code, _, err = _run(capsys, "build", path, "--board", "nano33", "-o", tmp_path / name)
        assert code == 0, err
        trees.append({p.relative_to(tmp_path / name): p.read_bytes()
                      for p in sorted((tmp_path / name).rglob("*")) if p.is_file()})
    assert trees[0] == trees[1]
    assert any(str(p).startswith("src/kernels/") and "pool2d" in str(p) for p in trees[0])
    assert not any("conv2d" in str(p) for p in trees[0])


def test_boards_lists_required_boards(capsys):
    code, out, _ = _run(capsys, "boards", "--json")
    assert code == 0
    names = {b["name"] for b in json.loads(out)}
    assert {"nano33ble", "qemu-m4", "qemu-m7", "qemu-m33"} <= names


def test_inspect_prints_ops_and_plan(tmp_path, capsys):
    path = tmp_path / "pool.tflite"
    path.write_bytes(_pool_model())
    code, out, _ = _run(capsys, "inspect", path)
    assert code == 0
    assert "MAX_POOL_2D" in out and "arena:" in out and "lower bound" in out


def test_flash_overflow_says_by_how_much(tmp_path, capsys, model_path):
    # 748 KB of weights: more than the 512 KB of flash of a Nucleo-F446RE.
    har = model_path("armzoo_har_cnn_int8")
    code, _, err = _run(capsys, "build", har, "--board", "nucleo-f446re", "-o", tmp_path / "out")
    _assert_clean_error(code, err, "bytes of flash", tmp_path / "out")
    assert "over by" in err


def test_inspect_memory_and_plot(tmp_path, capsys):
    path = tmp_path / "pool.tflite"
    path.write_bytes(_pool_model())
    for suffix in ("png", "svg"):
        plot = tmp_path / f"arena.{suffix}"
        code, out, _ = _run(capsys, "inspect", path, "--memory", "--plot", plot)
        assert code == 0
        assert "lower bound" in out and "offset" in out
        assert plot.stat().st_size > 1000


BAD_OPTIONS = [
    (["build", "--alignment", "0"], "--alignment"),
    (["build", "--alignment", "3"], "power of two"),
    (["build", "--alignment", "8192"], "--alignment"),
    (["build", "--alignment", "sixteen"], "whole number"),
    (["build", "--golden", "-1"], "--golden"),
    (["build", "--seed", "-1"], "--seed"),
    (["build", "--seed", str(1 << 32)], "--seed"),
    (["build", "--kernels", "fastest"], "--kernels"),
    (["build", "--format", "zip"], "--format"),
    (["build", "--board", "nano34"], "did you mean 'nano33'"),
    (["inspect", "--alignment", "12"], "power of two"),
    (["inspect", "--plot", "arena.pdf"], ".png or .svg"),
    (["verify", "--inputs", "0"], "--inputs"),
    (["verify", "--seed", "-5"], "--seed"),
    (["verify", "--board", "qemu-m5"], "did you mean"),
    (["profile", "--runs", "0"], "--runs"),
    (["build", "--no-such-option"], "unrecognized arguments"),
]


@pytest.mark.parametrize("argv, pattern", BAD_OPTIONS, ids=[" ".join(a) for a, _ in BAD_OPTIONS])
def test_each_bad_option_is_one_error_line_and_exit_2(tmp_path, capsys, argv, pattern):
    path = tmp_path / "pool.tflite"
    path.write_bytes(_pool_model())
    out = tmp_path / "out"
    extra = ["-o", out] if argv[0] == "build" else []
    code, stdout, err = _run(capsys, argv[0], path, *argv[1:], *extra)
    assert code == 2, err
    assert stdout == ""
    assert "Traceback" not in err
    assert err.startswith("error: ") and len(err.splitlines()) <= 2, err  # the error, perhaps a hint
    assert pattern in err.splitlines()[0], err
    assert not out.exists()


def test_no_command_is_a_usage_error(capsys):
    code, _, err = _run(capsys)
    assert code == 2 and err.startswith("error: ") and len(err.splitlines()) == 1


def test_internal_errors_are_reported_as_bugs(tmp_path, capsys, monkeypatch):
    import mcugen.compiler
    from mcugen.errors import InternalError

    def broken(*args, **kwargs):
        raise InternalError("the plan overlaps")

    monkeypatch.setattr(mcugen.compiler, "compile_model", broken)
    path = tmp_path / "pool.tflite"
    path.write_bytes(_pool_model())
    code, _, err = _run(capsys, "build", path, "-o", tmp_path / "out")
    assert code == 70
    assert "internal error: the plan overlaps" in err and "please report" in err and "Traceback" not in err

    def crash(*args, **kwargs):
        raise ZeroDivisionError("boom")

    monkeypatch.setattr(mcugen.compiler, "compile_model", crash)
    code, _, err = _run(capsys, "build", path, "-o", tmp_path / "out")
    assert code == 70
    assert "Traceback" in err and "internal error" in err and "please report" in err


def test_build_banner_reproduces_the_build(tmp_path, capsys):
    path = tmp_path / "pool.tflite"
    path.write_bytes(_pool_model())
    out = tmp_path / "out"
    code, _, err = _run(capsys, "build", path, "--board", "host", "--alignment", "32", "--golden", "0",
                        "--seed", "7", "--allow-overflow", "--kernels", "portable", "-o", out)
    assert code == 0, err
    header = (out / "include" / "pool.h").read_text()
    expected = ("Command: mcugen build pool.tflite --board host --kernels portable --alignment 32 --golden 0 "
                "--seed 7 --allow-overflow")
    assert expected in header
    assert str(out) not in header


def test_progress_lines_and_quiet(tmp_path, capsys):
    path = tmp_path / "pool.tflite"
    path.write_bytes(_pool_model())
    code, out, err = _run(capsys, "build", path, "--board", "host", "--golden", "0", "-o", tmp_path / "a")
    assert code == 0
    assert "Compiling pool.tflite for host ... done" in err and "Wrote" in out
    code, out, err = _run(capsys, "build", path, "--board", "host", "--golden", "0", "-q", "-o", tmp_path / "b")
    assert code == 0 and out == "" and err == ""


@pytest.mark.parametrize("argv", [["build", "--golden", "0", "--board", "host"], ["inspect"], ["boards"]])
def test_json_on_every_command(tmp_path, capsys, argv):
    path = tmp_path / "pool.tflite"
    path.write_bytes(_pool_model())
    args = argv if argv[0] == "boards" else [argv[0], path, *argv[1:]]
    extra = ["-o", tmp_path / "out"] if argv[0] == "build" else []
    code, out, err = _run(capsys, *args, *extra, "--json")
    assert code == 0, err
    json.loads(out)
    assert "..." not in err


def test_python_dash_m_mcugen():
    import subprocess
    import sys

    from conftest import REPO

    done = subprocess.run([sys.executable, "-m", "mcugen", "--version"], capture_output=True, text=True, cwd=REPO)
    assert done.returncode == 0 and done.stdout.startswith("mcugen ")


def test_a_closed_pipe_is_not_an_internal_error():
    import subprocess
    import sys

    # `mcugen boards | head -1`: the reader leaves before mcugen has written everything.
    script = ("import sys; from mcugen.cli import main; sys.stdout = open(sys.stdout.fileno(), 'w', buffering=1); "
              "sys.exit(main(['boards']))")
    done = subprocess.run(f"{sys.executable} -c \"{script}\" | head -c 10 >/dev/null; "
                          "exit ${{PIPESTATUS[0]}}".replace("{{", "{").replace("}}", "}"),
                          shell=True, executable="/bin/bash", capture_output=True, text=True, timeout=60)
    assert "internal error" not in done.stderr and "Traceback" not in done.stderr
