"""What the soak's and the benchmarks' orchestrators share (tests/reliability/run.py, bench/run.py).

Both start the emulator as a child process and talk JSON to it, run their load processes as children
whose wall time and peak RSS they measure, and describe the machine in the report they write. Each
script puts tests/tools on `sys.path` and imports this module.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import re
import subprocess
import threading
import time
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]


def host_target_dir() -> Path:
    """target/<host triple>/: where cargo puts this workspace's builds (.cargo/config.toml builds for
    `host-tuple`, so napi's always-explicit --target shares the directory)."""
    out = subprocess.run(["rustc", "-vV"], check=True, capture_output=True, text=True).stdout
    host = next(line.split(": ", 1)[1] for line in out.splitlines() if line.startswith("host: "))
    return ROOT / "target" / host


# ---- a measured child process ---------------------------------------------------------------------


@dataclass
class Finished:
    """A child process that has ended: its wall time, exit code, peak RSS and what it printed."""

    seconds: float
    exit_code: int
    rss_mb: float
    stdout: str
    stderr: str
    killed_by_watchdog: bool = False


def run_measured(
    cmd: Sequence[str],
    cwd: Path = ROOT,
    env: dict[str, str] | None = None,
    watchdog_seconds: float | None = None,
) -> Finished:
    """Runs `cmd` to its end: wall time and the peak RSS of that process (not of its children).

    Both pipes are read while the child runs (a full pipe would block it), then the child is reaped
    with wait4 for its own rusage. With `watchdog_seconds`, a child still running by then is killed
    (`killed_by_watchdog`). The exit code is not checked: that is the caller's verdict.
    """
    started = time.perf_counter()
    proc = subprocess.Popen(
        list(cmd),
        cwd=cwd,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    out: list[str] = []
    err: list[str] = []
    readers = [
        threading.Thread(
            target=lambda: out.append(proc.stdout.read() if proc.stdout else "")
        ),
        threading.Thread(
            target=lambda: err.append(proc.stderr.read() if proc.stderr else "")
        ),
    ]
    for reader in readers:
        reader.start()

    killed = False

    def kill() -> None:
        nonlocal killed
        killed = True
        proc.kill()

    watchdog = None
    if watchdog_seconds is not None:
        watchdog = threading.Timer(watchdog_seconds, kill)
        watchdog.start()
    try:
        _, status, usage = os.wait4(proc.pid, 0)
    finally:
        if watchdog is not None:
            watchdog.cancel()
    seconds = time.perf_counter() - started
    for reader in readers:
        reader.join()
    proc.returncode = os.waitstatus_to_exitcode(status)
    return Finished(
        seconds=seconds,
        exit_code=proc.returncode,
        rss_mb=usage.ru_maxrss / 1024,
        stdout="".join(out),
        stderr="".join(err),
        killed_by_watchdog=killed,
    )


# ---- the emulator --------------------------------------------------------------------------------


class Emulator:
    """The emulator (`binary`, crate tests/sandbox) as a child process on a free port.

    Started with `--port 0 --quiet` and the given flags; `url` is where it listens (the line it
    prints first).
    """

    def __init__(self, binary: Path, *flags: str) -> None:
        cmd = [str(binary), "--port", "0", "--quiet", *flags]
        self.proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True)
        line = self.proc.stdout.readline() if self.proc.stdout else ""
        if not line.startswith("listening on "):
            self.proc.kill()
            raise RuntimeError(f"the emulator did not start: {line!r}")
        self.url = line.split()[-1]

    def request(
        self,
        method: str,
        path: str,
        body: Any = None,
        headers: dict[str, str] | None = None,
    ) -> Any:
        """One JSON request; the decoded answer (None if empty). A 4xx/5xx raises (urllib's HTTPError)."""
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(self.url + path, data=data, method=method)
        req.add_header("Content-Type", "application/json")
        for name, value in (headers or {}).items():
            req.add_header(name, value)
        with urllib.request.urlopen(req, timeout=30) as resp:
            raw = resp.read()
        return json.loads(raw) if raw else None

    def stop(self) -> None:
        """Terminates it; kills it if it has not exited within 10 s."""
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


# ---- the machine, for a report ----------------------------------------------------------------------


def version(cmd: list[str]) -> str:
    """The first line `cmd` prints (stdout, else stderr); "not found" if it cannot run."""
    try:
        out = subprocess.run(
            cmd, check=False, capture_output=True, text=True, timeout=60
        )
    except (OSError, subprocess.TimeoutExpired):
        return "not found"
    text = (out.stdout or out.stderr).strip().splitlines()
    return text[0] if text else "?"


def utc_date() -> str:
    """Now, to the minute: `2026-01-31 12:00 UTC`."""
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")


def cpu_and_memory() -> str:
    """`<CPU model>, <n> cores; memory <x.y> GiB; <platform>` (from /proc)."""
    cpu = "unknown"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    found = re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text())
    mem_gib = int(found.group(1)) / 1024 / 1024 if found else 0.0
    return f"{cpu}, {os.cpu_count()} cores; memory {mem_gib:.1f} GiB; {platform.platform()}"


def toolchains() -> str:
    """`rustc <version>; Python <version>; Node <version>`."""
    return (
        f"{version(['rustc', '-V'])}; Python {platform.python_version()}; "
        f"Node {version(['node', '-v'])}"
    )
