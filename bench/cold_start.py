"""The cold-start cell: a fresh process per round (bench/coldstart/), and its table."""

from __future__ import annotations

import json
import statistics
from dataclasses import dataclass, field

from common import ROOT, TOKEN, VENV, Emulator, Series, run_measured

# A fresh process that imports a client, builds it and makes one `get` (bench/coldstart/): ours
# first in each pair, then its peer.
COLD_PAIRS = {
    "Python": ("ours", "httpx"),
    "Node": ("ours", "fetch"),
}


def coldstart_command(language: str, client: str, args: list[str]) -> list[str]:
    if language == "Python":
        script = ROOT / "bench/coldstart/coldstart.py"
        return [str(VENV / "python"), str(script), "--client", client, *args]
    script = ROOT / "bench/coldstart/coldstart.mjs"
    return ["node", str(script), "--client", client, *args]


@dataclass
class ColdSeries(Series):
    """Wall seconds of whole processes, and what each said about its own phases (ms)."""

    phases: dict[str, list[float]] = field(default_factory=dict)

    def phase(self, name: str) -> float:
        return statistics.median(self.phases[name])


def run_coldstart(emulator: Emulator, rounds: int) -> dict[tuple[str, str], ColdSeries]:
    """Each round runs every client once, a new process each, in an order rotated per round; one
    unmeasured run of each first, so that no client pays for a cold page cache alone."""
    customer = emulator.fresh_customer()
    args = ["--base-url", emulator.url, "--token", TOKEN, "--customer-id", customer]
    clients = [(lang, c) for lang, pair in COLD_PAIRS.items() for c in pair]
    results: dict[tuple[str, str], ColdSeries] = {}
    for round_index in range(-1, rounds):
        shift = max(round_index, 0) % len(clients)
        for language, client in clients[shift:] + clients[:shift]:
            run = run_measured(coldstart_command(language, client, args))
            report = json.loads(run.stdout.strip().splitlines()[-1])
            if round_index < 0:
                continue
            series = results.setdefault((language, client), ColdSeries())
            series.values.append(run.seconds)
            series.rss_mb.append(run.rss_mb)
            for name in ("import_ms", "build_ms", "get_ms"):
                series.phases.setdefault(name, []).append(float(report[name]))
            print(
                f"  round {round_index + 1}/{rounds}  {language:<6} {client:<6} "
                f"{run.seconds * 1000:6.0f} ms  {run.rss_mb:5.0f} MB",
                flush=True,
            )
    return results


def coldstart_table(
    results: dict[tuple[str, str], ColdSeries], rounds: int
) -> list[str]:
    lines = [
        "",
        "## Cold start",
        "",
        (
            f"A new process that imports the client, builds it and makes one `get` against the "
            f"emulator, then exits (bench/coldstart/): wall time from spawn to exit, median of "
            f"{rounds} interleaved rounds (± is half the range as a share of the median), and the "
            "process's peak RSS (median over the rounds). The last three columns are the process's own "
            "clock at each step (ms; Node: since the process started, Python: since the script "
            "started, after the interpreter's own start)."
        ),
        "",
        "| language | client | wall | peer ÷ ours | peak RSS | imported | built | answered |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for language, (ours, peer) in COLD_PAIRS.items():
        mine = results.get((language, ours))
        for client in (ours, peer):
            s = results.get((language, client))
            if s is None:
                continue
            ratio = (
                f"**{s.median / mine.median:.2f}×**" if mine and client != ours else ""
            )
            lines.append(
                f"| {language} | {client} | {s.median * 1000:.0f} ms ±{s.spread * 50:.0f}% "
                f"| {ratio} | {statistics.median(s.rss_mb):.0f} MB "
                f"| {s.phase('import_ms'):.0f} | {s.phase('build_ms'):.0f} "
                f"| {s.phase('get_ms'):.0f} |"
            )
    return lines
