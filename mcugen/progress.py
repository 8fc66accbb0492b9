"""Progress of long commands: one line per stage on stderr, with its duration when it took a second or more."""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TextIO

from mcugen.sanitize import terminal

# Stages shorter than this print no duration.
SHOW_SECONDS_FROM = 1.0


class Progress:
    """Writes `<stage> ... done (2.3 s)` as each stage runs; disabled, it writes nothing (`--quiet`, the library)."""

    def __init__(self, stream: TextIO | None = None, enabled: bool = True):
        self.stream = stream
        self.enabled = enabled

    @contextmanager
    def stage(self, text: str) -> Iterator[None]:
        if not self.enabled:
            yield
            return
        stream = self.stream or sys.stderr
        stream.write(f"{terminal(text)} ...")
        stream.flush()
        start = time.perf_counter()
        try:
            yield
        except BaseException:
            stream.write(" failed\n")
            raise
        elapsed = time.perf_counter() - start
        stream.write(f" done ({elapsed:.1f} s)\n" if elapsed >= SHOW_SECONDS_FROM else " done\n")
        stream.flush()


SILENT = Progress(enabled=False)
