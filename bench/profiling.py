"""Optional profiling (`--profile DIR`, with py-spy installed): the server's processes sampled
during each throughput window, then self and inclusive time per function."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

PROFILING: dict[str, Path] = {}  # "dir" -> where the stacks go, when --profile is given
PROFILES: list[tuple[str, Path]] = []  # (label, collapsed stacks) recorded in this run


def py_spy() -> str | None:
    return os.environ.get("WAMM_PYSPY") or shutil.which("py-spy")


@contextlib.contextmanager
def profiled(pid: int, label: str) -> Iterator[None]:
    """py-spy samples the server's processes (100 Hz, or WAMM_PYSPY_RATE; without pausing them)
    while the block runs; the raw collapsed stacks go to --profile DIR/<label>.folded."""
    directory, tool = PROFILING.get("dir"), py_spy()
    if directory is None or tool is None:
        yield
        return
    output = directory / f"{label.replace(' ', '-')}.folded"
    command = [tool, "record", "-p", str(pid), "--subprocesses", "--nonblocking"]
    rate = os.environ.get("WAMM_PYSPY_RATE", "100")  # samples per second
    command += ["-r", rate, "-f", "raw", "-o", str(output)]
    with (directory / f"{output.stem}.py-spy.log").open("wb") as log:
        recorder = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
        time.sleep(1.0)  # attached before the load starts
        try:
            yield
        finally:
            recorder.send_signal(signal.SIGINT)  # py-spy writes its output and exits
            try:
                recorder.wait(timeout=60)
            except subprocess.TimeoutExpired:
                recorder.kill()
                recorder.wait(timeout=10)
    if output.exists():
        PROFILES.append((label, output))


def frame_name(frame: str) -> str:
    """`function (path/to/file.py:123)` -> `function (file path from the package down)`."""
    name, _, where = frame.partition(" (")
    path = where.rsplit(":", 1)[0]
    for marker in ("site-packages/", "/src/", "/lib/python3."):
        if marker in path:
            path = path.split(marker, 1)[1]
    return f"{name} ({path})"


def summarize_profile(path: Path, top: int = 20) -> None:
    """Where the sampled CPU time goes: self time per function (the leaf frame) and inclusive
    time per wamm function, as shares of all non-idle samples."""
    own: Counter[str] = Counter()
    inclusive: Counter[str] = Counter()
    threads: Counter[str] = Counter()
    total = 0
    for line in path.read_text().splitlines():
        stack, _, count_text = line.rpartition(" ")
        count = int(count_text)
        frames = [f for f in stack.split(";") if not f.startswith(("process ", "thread "))]
        if not frames:
            continue
        total += count
        names = [frame_name(f) for f in frames]
        own[names[-1]] += count
        for name in set(names):
            inclusive[name] += count
        threads["database thread" if "Thread._bootstrap" in stack else "event loop"] += count
    if not total:
        return
    print(
        f"\nprofile {path.name}: {total:,} samples; "
        + ", ".join(f"{k} {v / total:.0%}" for k, v in threads.items())
    )
    print("  self (leaf function):")
    for name, count in own.most_common(top):
        print(f"    {count / total:6.1%}  {name}")
    print("  inclusive (wamm functions):")
    shown = [(n, c) for n, c in inclusive.most_common() if "(wamm/" in n]
    for name, count in shown[:top]:
        print(f"    {count / total:6.1%}  {name}")


def print_profiles() -> None:
    for _, path in PROFILES:
        summarize_profile(path)
    PROFILES.clear()
