"""The output directory: mcugen replaces only files it wrote, and refuses outputs where it could lose data."""

import os
import stat

import pytest
from mcugen.cli import main
from mcugen.outdir import MANIFEST, read_manifest
from test_cli import _pool_model


@pytest.fixture
def model(tmp_path):
    path = tmp_path / "pool.tflite"
    path.write_bytes(_pool_model())
    return path


def _build(capsys, model, out, *extra):
    code = main(["build", str(model), "--board", "host", "--golden", "0", "-o", str(out), *map(str, extra)])
    _, err = capsys.readouterr()
    return code, err


def _assert_refused(code, err, pattern):
    assert code == 2, err
    assert "Traceback" not in err
    assert len([line for line in err.splitlines() if line.startswith("error: ")]) == 1, err
    assert pattern in err, err


def test_new_project_lists_its_files_in_the_manifest(tmp_path, capsys, model):
    out = tmp_path / "out"
    code, err = _build(capsys, model, out)
    assert code == 0, err
    written = sorted(str(p.relative_to(out)) for p in out.rglob("*") if p.is_file() and p.name != MANIFEST)
    assert read_manifest(out / MANIFEST) == written
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".out.")]  # no staging left behind


def test_new_project_directory_follows_the_umask(tmp_path, capsys, model):
    old = os.umask(0o022)
    try:
        code, err = _build(capsys, model, tmp_path / "out")
    finally:
        os.umask(old)
    assert code == 0, err
    assert stat.S_IMODE((tmp_path / "out").stat().st_mode) == 0o755


def test_user_file_beside_a_generated_project_survives_regeneration(tmp_path, capsys, model):
    out = tmp_path / "out"
    assert _build(capsys, model, out)[0] == 0
    (out / "NOTES.md").write_text("mine")
    (out / "src" / "extra.c").write_text("/* mine */")
    (out / "mcugen_report.json").write_text("{}")  # a generated file, edited: regenerated
    code, err = _build(capsys, model, out)
    assert code == 0, err
    assert (out / "NOTES.md").read_text() == "mine"
    assert (out / "src" / "extra.c").read_text() == "/* mine */"
    assert (out / "mcugen_report.json").read_text() != "{}"
    assert "NOTES.md" not in read_manifest(out / MANIFEST)


def test_files_the_new_project_no_longer_has_are_removed(tmp_path, capsys, model):
    out = tmp_path / "out"
    assert _build(capsys, model, out)[0] == 0
    (out / "old" / "gone").mkdir(parents=True)
    (out / "old" / "gone" / "stale.c").write_text("")
    with (out / MANIFEST).open("a") as manifest:
        manifest.write("old/gone/stale.c\n../outside.txt\n/etc/passwd\n")
    (tmp_path / "outside.txt").write_text("keep")
    assert _build(capsys, model, out)[0] == 0
    assert not (out / "old").exists()  # listed file removed, emptied folders too
    assert (tmp_path / "outside.txt").read_text() == "keep"  # entries outside the project are ignored


def test_non_empty_user_directory_is_refused_without_force(tmp_path, capsys, model):
    out = tmp_path / "mine"
    out.mkdir()
    (out / "thesis.tex").write_text("years of work")
    (out / "mcugen_report.json").write_text("{}")  # a report alone does not make the directory mcugen's
    code, err = _build(capsys, model, out)
    _assert_refused(code, err, "--force")
    assert sorted(p.name for p in out.iterdir()) == ["mcugen_report.json", "thesis.tex"]


def test_force_writes_beside_user_files_and_later_builds_keep_them(tmp_path, capsys, model):
    out = tmp_path / "mine"
    out.mkdir()
    (out / "thesis.tex").write_text("years of work")
    assert _build(capsys, model, out, "--force")[0] == 0
    assert (out / "thesis.tex").read_text() == "years of work"
    assert (out / "CMakeLists.txt").exists() and (out / MANIFEST).exists()
    assert _build(capsys, model, out)[0] == 0  # now it is mcugen's: no --force needed
    assert (out / "thesis.tex").read_text() == "years of work"


def test_empty_directory_is_used(tmp_path, capsys, model):
    out = tmp_path / "empty"
    out.mkdir()
    assert _build(capsys, model, out)[0] == 0
    assert (out / MANIFEST).exists()


def test_current_directory_and_its_ancestors_are_refused(tmp_path, capsys, model, monkeypatch):
    out = tmp_path / "project"
    assert _build(capsys, model, out)[0] == 0
    (out / "NOTES.md").write_text("mine")
    monkeypatch.chdir(out / "src")
    for target in (".", "..", out):
        code, err = _build(capsys, model, target)
        _assert_refused(code, err, "current directory")
    assert (out / "NOTES.md").read_text() == "mine" and (out / "CMakeLists.txt").exists()


def test_symlink_output_is_refused(tmp_path, capsys, model):
    real = tmp_path / "real"
    real.mkdir()
    (real / "data.txt").write_text("mine")
    link = tmp_path / "link"
    link.symlink_to(real)
    code, err = _build(capsys, model, link)
    _assert_refused(code, err, "symbolic link")
    assert [p.name for p in real.iterdir()] == ["data.txt"]


def test_existing_file_as_output_is_refused(tmp_path, capsys, model):
    target = tmp_path / "file.txt"
    target.write_text("mine")
    code, err = _build(capsys, model, target)
    _assert_refused(code, err, "not a directory")
    assert target.read_text() == "mine"


def test_output_under_a_file_is_refused(tmp_path, capsys, model):
    target = tmp_path / "file.txt"
    target.write_text("mine")
    code, err = _build(capsys, model, target / "sub" / "out")
    _assert_refused(code, err, "is a file")
    assert target.read_text() == "mine"


def test_user_directory_where_a_generated_file_goes_is_refused(tmp_path, capsys, model):
    out = tmp_path / "out"
    assert _build(capsys, model, out)[0] == 0
    (out / "README.md").unlink()
    (out / "README.md").mkdir()
    (out / "README.md" / "mine.txt").write_text("mine")
    code, err = _build(capsys, model, out)
    _assert_refused(code, err, "is a directory")
    assert (out / "README.md" / "mine.txt").read_text() == "mine"
