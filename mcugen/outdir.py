"""Writing a generated project to its output directory without ever losing a file mcugen did not write.

mcugen records the files it writes in MANIFEST inside the project. Regenerating a project removes exactly the
files listed there and leaves everything else (a user's notes, a build directory) alone. A non-empty directory
without a manifest is not mcugen's and is refused unless the caller forces it; the current directory, its
ancestors, symbolic links and paths that are or lie under a file are refused always.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path, PurePosixPath

from mcugen.errors import OutputError
from mcugen.sanitize import terminal

MANIFEST = ".mcugen-manifest"
_MANIFEST_HEADER = "# Files written by mcugen. Regenerating the project replaces exactly these; other files stay.\n"


def write_project(files: dict[str, str | bytes], out_dir: str | Path, force: bool = False) -> Path:
    """Write `files` (relative path -> content) to `out_dir` and record them in its manifest.

    A new directory appears complete or not at all. An existing project is updated in place: the files of its
    manifest are removed, the new ones moved in. `force` allows writing into a non-empty directory that has no
    manifest (files of the same names are replaced, others stay).
    """
    out = Path(out_dir)
    shown = terminal(str(out))
    try:
        previous = _previous_files(out, shown, force)
        if previous is not None:
            _check_nothing_in_the_way(out, [*files, MANIFEST], set(previous))
        out.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
        try:
            _write_files(staging, files)
            if previous is None:
                staging.chmod(0o777 & ~_umask())  # mkdtemp's 0700 is for the staging only
                staging.rename(out)
            else:
                _replace_in_place(out, staging, files, previous)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    except OSError as exc:
        raise OutputError(f"{shown}: cannot write the project: {exc.strerror or exc}") from None
    return out


def _previous_files(out: Path, shown: str, force: bool) -> list[str] | None:
    """Files of the project already in `out` that may be replaced ([] for none), or None when `out` is new."""
    _check_output_path(out, shown)
    if not out.exists():
        return None
    manifest = out / MANIFEST
    if manifest.is_file() and not manifest.is_symlink():
        return read_manifest(manifest)
    if force or not any(out.iterdir()):
        return []
    raise OutputError(
        f"{shown}: is not empty and was not written by mcugen; refusing to write into it "
        "(--force writes there anyway, replacing only files of the same names)"
    )


def _check_output_path(out: Path, shown: str) -> None:
    """Refuse outputs that cannot be a project directory of its own."""
    if out.is_symlink():
        raise OutputError(f"{shown}: is a symbolic link; give the directory it points to, or a new path")
    target, here = out.resolve(), Path.cwd().resolve()
    if target == here or target in here.parents:
        raise OutputError(f"{shown}: is the current directory or contains it; give a new directory as output")
    existing = next(p for p in (target, *target.parents) if p.exists() or p.is_symlink())
    if existing.is_dir():
        return
    if existing == target:
        raise OutputError(f"{shown}: exists and is not a directory")
    raise OutputError(f"{shown}: {terminal(str(existing))} is a file, so no directory can be made under it")


def read_manifest(manifest: Path) -> list[str]:
    """The project-relative paths listed in a manifest; entries that could point outside the project are ignored."""
    entries = []
    for line in manifest.read_text(encoding="utf-8", errors="replace").splitlines():
        if line and not line.startswith("#") and _is_project_relative(line):
            entries.append(line)
    return entries


def _is_project_relative(rel: str) -> bool:
    path = PurePosixPath(rel)
    return not path.is_absolute() and ".." not in path.parts and "\\" not in rel and path.parts != ()


def _manifest_text(files: dict[str, str | bytes]) -> str:
    return _MANIFEST_HEADER + "".join(f"{rel}\n" for rel in sorted(files))


def _check_nothing_in_the_way(out: Path, new_files: list[str], previous: set[str]) -> None:
    """Before touching anything: no user directory, file or link sits where a new file or its folder must go."""
    for rel in new_files:
        parts = PurePosixPath(rel).parts
        for depth in range(1, len(parts) + 1):
            prefix = "/".join(parts[:depth])
            path = out / prefix
            is_leaf = depth == len(parts)
            if path.is_symlink() and prefix not in previous:
                raise OutputError(f"{terminal(str(path))}: is a symbolic link where mcugen writes {rel}")
            if is_leaf and path.is_dir() and not path.is_symlink():
                raise OutputError(f"{terminal(str(path))}: is a directory where mcugen writes a file")
            if not is_leaf and path.exists() and not path.is_dir() and prefix not in previous:
                raise OutputError(f"{terminal(str(path))}: is a file where mcugen needs the directory for {rel}")


def _write_files(root: Path, files: dict[str, str | bytes]) -> None:
    for rel in sorted(files):
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        content = files[rel]
        if isinstance(content, bytes):
            path.write_bytes(content)
        elif isinstance(content, str):
            path.write_text(content)
        else:  # streamed content (codegen.StreamedText): written as it is produced
            with path.open("w") as stream:
                for chunk in content.chunks():
                    stream.write(chunk)
    (root / MANIFEST).write_text(_manifest_text(files))


def _replace_in_place(out: Path, staging: Path, files: dict[str, str | bytes], previous: list[str]) -> None:
    """Remove the previous project's files, move the new ones in (manifest last), then drop emptied folders."""
    for rel in previous:
        _remove_file(out, rel)
    for rel in [*sorted(files), MANIFEST]:
        target = out / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(str(staging / rel), str(target))
    folders = {out / parent for rel in previous for parent in PurePosixPath(rel).parents if parent.parts}
    for folder in sorted(folders, key=lambda p: len(p.parts), reverse=True):
        if folder.is_dir() and not folder.is_symlink() and not any(folder.iterdir()):
            folder.rmdir()


def _remove_file(out: Path, rel: str) -> None:
    """Remove one listed file (or link), never a directory and never anything reached through a link."""
    path = out / rel
    if not (path.is_symlink() or path.is_file()):
        return
    if path.parent.resolve() != (out.resolve() / rel).parent:
        return  # a folder on the way was replaced by a link: what it points to is not ours
    path.unlink()


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask
