"""The cached credential's cost, measured directly by bindings/runtime/tests/overhead.rs and
judged against the cheapest call of the load benchmarks (bench/NOTES.md says why)."""

from __future__ import annotations

import os
import re
import statistics
import subprocess

from common import ROOT, LoadResults
from targets import Target

CREDENTIAL_TEST = [
    "cargo",
    "test",
    "-q",
    "--release",
    "-p",
    "sdk-runtime",
    "--test",
    "overhead",
    "cached_credential",
    "--",
    "--ignored",
    "--nocapture",
]
# What bindings/runtime/tests/overhead.rs prints per round (Rust's Debug form of a Duration):
# round 1: cached credential 105ns/call, static token 40ns/call, difference 65ns
CREDENTIAL_LINE = re.compile(
    r"round \d+: cached credential (?P<cached>\S+)/call, "
    r"static token (?P<static>\S+)/call"
)
UNITS_NS = {"ns": 1.0, "µs": 1e3, "us": 1e3, "ms": 1e6, "s": 1e9}


def duration_ns(text: str) -> float:
    """`105ns`, `1.2µs`, `3ms` (Rust's `{:?}` of a Duration) in nanoseconds."""
    found = re.fullmatch(r"([0-9.]+)(ns|µs|us|ms|s)", text)
    if not found:
        raise ValueError(f"not a duration: {text!r}")
    return float(found.group(1)) * UNITS_NS[found.group(2)]


def measure_credential() -> tuple[float, float] | str:
    """Runs the test once: (cached, static) ns per token, medians of its rounds; or why not."""
    run = subprocess.run(
        CREDENTIAL_TEST,
        cwd=ROOT,
        check=False,
        capture_output=True,
        text=True,
        timeout=1800,
    )
    pairs = [
        (duration_ns(m["cached"]), duration_ns(m["static"]))
        for m in CREDENTIAL_LINE.finditer(run.stdout)
    ]
    if run.returncode != 0 or not pairs:
        tail = (run.stdout + run.stderr)[-1500:]
        print(f"  {' '.join(CREDENTIAL_TEST)} failed:\n{tail}", flush=True)
        return f"`{' '.join(CREDENTIAL_TEST[:9])}` failed (exit {run.returncode})"
    for cached, static in pairs:
        print(
            f"  cached credential {cached:.0f} ns, static token {static:.0f} ns",
            flush=True,
        )
    return (
        statistics.median(c for c, _ in pairs),
        statistics.median(s for _, s in pairs),
    )


def credential_target(
    measured: tuple[float, float] | str, results: LoadResults
) -> Target:
    """The cache's extra time per call as a share of the cheapest call's CPU time.

    A call's CPU time, in the cell where calls are cheapest: at concurrency c the machine's
    min(c, cores) busy cores are shared by `rate` calls a second, so each call has min(c, cores) ÷
    rate of CPU (at c=1, its whole latency). The static-token client's cells are the baseline."""
    what = "Cached credential: extra time per call ÷ the cheapest call's CPU time"
    if isinstance(measured, str):
        return Target(what, measured, "< 2%", None)
    cached, static = measured
    extra = max(cached - static, 0.0)
    cores = os.cpu_count() or 1
    cells = [
        (min(conc, cores) / s.median, op, conc)
        for (label, op, conc), s in results.items()
        if label == "rust signed-token" and s.median
    ]
    if not cells:
        return Target(what, "no `rust signed-token` cell", "< 2%", None)
    cpu, op, conc = min(cells)
    cost = extra / (cpu * 1e9)
    return Target(
        what,
        f"{cost * 100:.2f}%",
        "< 2%",
        cost < 0.02,
        (
            f"cache {cached:.0f} ns vs static {static:.0f} ns a token (overhead.rs); "
            f"cheapest call: {op} c={conc}, {cpu * 1e6:.0f} µs of CPU"
        ),
    )
