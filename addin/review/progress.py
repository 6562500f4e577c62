"""A progress line for long commands (folder validation, roll-up, any future folder command such as audit).

On a terminal the line shows count, share, rate and time left, redrawn in place on stderr at most ten times a
second. When stderr is not a terminal (a pipe, a log file, CI) or the command prints JSON, nothing is written:
machines read stdout, and a log full of carriage returns helps no one.

    with Progress(len(paths), "校验") as bar:
        for result in work():
            bar.advance()
"""
from __future__ import annotations

import sys
import time

REDRAW_EVERY = 0.1      # seconds between redraws: enough to look alive, cheap for 10,000 units
BAR_CELLS = 24


def wanted(stream=None, quiet: bool = False) -> bool:
    """Draw only for a person: a terminal on stderr, and not asked for JSON."""
    stream = sys.stderr if stream is None else stream
    if quiet:
        return False
    try:
        return stream.isatty()
    except (AttributeError, ValueError):    # a closed or replaced stream
        return False


def clock(seconds: float) -> str:
    seconds = max(0, int(seconds + 0.5))
    h, rest = divmod(seconds, 3600)
    m, s = divmod(rest, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m}:{s:02d}"


def line(label: str, done: int, total: int, elapsed: float) -> str:
    """`校验 1234/10000 [█████░░░░░] 12% 48.2 个/秒 剩余 3:02` — the text of one redraw."""
    share = done / total if total else 1.0
    full = int(share * BAR_CELLS)
    rate = done / elapsed if elapsed > 0 else 0.0
    left = clock((total - done) / rate) if rate > 0 else "--:--"
    return (f"{label} {done}/{total} [{'█' * full}{'░' * (BAR_CELLS - full)}] {share:4.0%} "
            f"{rate:.1f} 个/秒 剩余 {left}")


class Progress:
    def __init__(self, total: int, label: str = "处理", stream=None, enabled: bool | None = None):
        self.total, self.label, self.done = total, label, 0
        self.stream = sys.stderr if stream is None else stream
        self.enabled = wanted(self.stream) if enabled is None else enabled
        self.start = time.monotonic()
        self._drawn = 0.0
        self._width = 0

    def advance(self, n: int = 1) -> None:
        self.done += n
        now = time.monotonic()
        if self.enabled and (now - self._drawn >= REDRAW_EVERY or self.done >= self.total or self.done == n):
            self._draw(now)

    def _draw(self, now: float) -> None:
        text = line(self.label, self.done, self.total, now - self.start)
        pad = " " * max(0, self._width - len(text))        # a shorter line must not leave the old tail visible
        self._width = len(text)
        self._drawn = now
        try:
            self.stream.write("\r" + text + pad)
            self.stream.flush()
        except (OSError, ValueError):     # the terminal went away: the work goes on without the line
            self.enabled = False

    def close(self) -> None:
        """End the line so the next output starts on a clean one."""
        if self.enabled and self._drawn:
            self._draw(time.monotonic())
            try:
                self.stream.write("\n")
                self.stream.flush()
            except (OSError, ValueError):
                pass
        self.enabled = False

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False


def track(items, total: int, label: str, enabled: bool | None = None):
    """Any iterable with a progress line: the hook a folder command uses (`for r in track(results, n, "审核")`)."""
    with Progress(total, label, enabled=enabled) as bar:
        for item in items:
            bar.advance()
            yield item
