"""The wheel carries everything mcugen reads at run time: templates, boards, kernel and plugin sources."""

import subprocess
import sys
import zipfile
from pathlib import Path

from conftest import REPO


def test_wheel_ships_templates_boards_and_kernels(tmp_path):
    subprocess.run([sys.executable, "-m", "pip", "wheel", str(REPO), "--no-deps",
                    "-q", "-w", str(tmp_path)], check=True, capture_output=True)
    (wheel,) = tmp_path.glob("mcugen-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    package = REPO / "mcugen"
    for folder, pattern in (("templates", "**/*.j2"), ("boards", "*.yaml"), ("runtime", "*.[ch]"),
                            ("emulate/plugin", "*.c")):
        expected = {str(Path("mcugen") / p.relative_to(package)) for p in (package / folder).glob(pattern)}
        assert expected and expected <= names, sorted(expected - names)
