"""--profile DIR: py-spy attached to the server while each scenario runs, one collapsed-stack file
per scenario (open with speedscope or flamegraph.pl), and the hottest frames printed."""

from __future__ import annotations

import shutil
import signal
import subprocess
from collections import Counter
from pathlib import Path

RATE = 250  # samples a second


class Profiler:
    def __init__(self, pid: int, out: Path) -> None:
        self.pid = pid
        self.out = out
        self.process: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> Profiler:
        spy = shutil.which("py-spy") or str(
            Path(__file__).resolve().parent.parent / ".venv" / "bin" / "py-spy"
        )
        self.out.parent.mkdir(parents=True, exist_ok=True)
        self.process = subprocess.Popen(
            [
                spy,
                "record",
                "--pid",
                str(self.pid),
                "--rate",
                str(RATE),
                "--format",
                "raw",
                "--nonblocking",
                "-o",
                str(self.out),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        return self

    def __exit__(self, *_: object) -> None:
        if self.process is not None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()


def hottest(path: Path, top: int = 25) -> str:
    """The frames most often on the stack (inclusive), as a share of busy samples (py-spy leaves
    out threads that wait, such as the event loop in epoll)."""
    inclusive: Counter[str] = Counter()
    total = 0
    if not path.exists():
        return f"(no profile at {path})"
    for line in path.read_text(errors="replace").splitlines():
        stack, _, count = line.rpartition(" ")
        if not count.isdigit():
            continue
        frames = stack.split(";")
        n = int(count)
        total += n
        for frame in set(frames):
            inclusive[frame] += n
    lines = [f"{path.name}: {total} busy samples"]
    for frame, n in inclusive.most_common(top):
        lines.append(f"  {100 * n / max(total, 1):5.1f}%  {frame}")
    return "\n".join(lines)
