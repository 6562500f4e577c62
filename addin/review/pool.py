"""Warm worker processes for the commands over many files (folder validation, the prior-year index, roll-up).

Each worker reads many files (chunks); results come back in the order of the paths and move the progress line as
they arrive. A worker dies with its parent: `kill -9` of the command (or of its terminal) must not leave processes
reading a province's files for ever.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

from addin.messages import refuse

PARALLEL_FROM = 8   # fewer files than this: one process is faster than starting more


PR_SET_PDEATHSIG = 1
WATCH_EVERY = 1.0          # seconds between a worker's checks that its parent is still there (where prctl is missing)


class Interrupted(KeyboardInterrupt):
    """Ctrl-C during a batch: the results finished so far (in path order, a prefix) and how many were asked."""

    def __init__(self, done: list, total: int):
        super().__init__(f"{len(done)}/{total}")
        self.done, self.total = done, total


def cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:        # macOS, Windows
        return os.cpu_count() or 1


def jobs_for(jobs: int | None, n: int) -> int:
    """Processes to use: as asked, never more than the cores nor the files (`--jobs 100` forked 101)."""
    if jobs is not None and jobs < 1:
        raise refuse("args.jobs", jobs=jobs, cores=cores())
    return max(1, min(jobs or cores(), cores(), n))


_shared: tuple = ()       # a worker's constant arguments (annotate, force, priors), sent once per worker


def _worker_init(parent: int, shared: tuple) -> None:
    import signal

    global _shared
    _shared = shared
    signal.signal(signal.SIGINT, signal.SIG_IGN)    # Ctrl-C belongs to the parent: it stops the pool, says how far
    _die_with(parent)


def _die_with(parent: int) -> None:
    """End this worker when its parent ends, however it ends (SIGKILL cannot be caught by the parent)."""
    import signal
    import threading

    if sys.platform.startswith("linux"):
        try:
            import ctypes

            ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0)
        except (OSError, AttributeError):
            pass                  # the watchdog below still ends us, a second later
    if os.getppid() != parent:    # the parent died before prctl took effect
        os._exit(1)
    threading.Thread(target=_watch, args=(parent,), daemon=True, name="parent-watch").start()


def _watch(parent: int) -> None:
    import time

    while os.getppid() == parent:
        time.sleep(WATCH_EVERY)
    os._exit(1)


def _call(job):
    fn, path = job
    return fn(path, *_shared)


def map_paths(fn, paths: list[Path], jobs: int | None, *shared, label: str = "处理", quiet: bool = True) -> list:
    """fn(path, *shared) over the paths, in warm processes when there are enough files; results in the order of
    the paths. A progress line on a terminal unless quiet; Ctrl-C raises `Interrupted` with the results done."""
    from addin.review.progress import Progress

    n = len(paths)
    jobs = jobs_for(jobs, n)
    done: list = []
    with Progress(n, label, enabled=None if not quiet else False) as bar:
        try:
            if jobs == 1 or n < PARALLEL_FROM:
                for p in paths:
                    done.append(fn(p, *shared))
                    bar.advance()
            else:
                results = _pool_map(fn, paths, jobs, shared)
                try:
                    for result in results:
                        done.append(result)
                        bar.advance()
                finally:
                    results.close()       # ends the pool now, not whenever the generator is collected
        except KeyboardInterrupt:
            raise Interrupted(done, n) from None
    return done


def _pool_map(fn, paths: list[Path], jobs: int, shared: tuple):
    import multiprocessing as mp

    _warm_up()
    # small chunks: the line moves smoothly and the two workers finish together; a chunk still holds many files
    chunk = max(1, min(32, len(paths) // (jobs * 8)))
    pool = mp.get_context(_start_method()).Pool(jobs, initializer=_worker_init, initargs=(os.getpid(), shared))
    try:
        yield from pool.imap(_call, ((fn, p) for p in paths), chunksize=chunk)
        pool.close()
    finally:
        pool.terminate()          # on Ctrl-C or an error: no worker keeps reading
        pool.join()


def _start_method() -> str:
    """fork where it is safe (Linux): workers start warm with the modules already imported, no new interpreter."""
    import multiprocessing as mp

    return "fork" if sys.platform.startswith("linux") and "fork" in mp.get_all_start_methods() else "spawn"


def _warm_up() -> None:
    """Import the reader and the rules before forking, so that no worker imports them again."""
    from addin.checks import prior, validator  # noqa: F401
    from addin.io import reader  # noqa: F401
