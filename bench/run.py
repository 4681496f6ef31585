"""Runs every benchmark, interleaving ours with its peers, and writes BENCHMARKS.md.

Called by ./tests/bench after the release builds; see bench/README.md. Each measurement is a
subprocess (a load generator or a code generator) whose peak RSS comes from `wait4`. Rounds
interleave: within a round every client of a cell runs once, in an order rotated from round to
round, so drift on a shared machine hits ours and the peers alike. Results are medians over rounds;
the spread is (max - min) / median.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

# What this script shares with tests/reliability/run.py: the measured child, the emulator, the
# machine lines.
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "tools"))
import harness

ROOT = harness.ROOT
RELEASE = harness.host_target_dir() / "release"
VENV = ROOT / ".venv" / "bin"
WORK = ROOT / "target" / "bench"
TOKEN = "bench-token"
CONCURRENCY = (1, 16, 64)
OPS = ("get", "create")


# ---- measurements ------------------------------------------------------------------------------


def run_measured(cmd: Sequence[str]) -> harness.Finished:
    """`harness.run_measured(cmd)`: wall time, peak RSS; raises unless `cmd` exited with 0."""
    run = harness.run_measured(cmd)
    if run.exit_code != 0:
        tail = run.stderr[-2000:]
        raise RuntimeError(f"{' '.join(cmd)} exited with {run.exit_code}:\n{tail}")
    return run


@dataclass
class Series:
    """The values of one benchmark cell across rounds."""

    values: list[float] = field(default_factory=list)
    rss_mb: list[float] = field(default_factory=list)

    @property
    def median(self) -> float:
        return statistics.median(self.values)

    @property
    def spread(self) -> float:
        return (
            (max(self.values) - min(self.values)) / self.median if self.median else 0.0
        )

    @property
    def peak_rss(self) -> float:
        return max(self.rss_mb)


# ---- the emulator --------------------------------------------------------------------------------


class Emulator(harness.Emulator):
    def __init__(self) -> None:
        super().__init__(
            RELEASE / "sandbox", "--throttle-per-minute", "0", "--quota", "1000000000"
        )

    def fresh_customer(self) -> str:
        """Empties the emulator (creates pile up otherwise) and creates the customer `get` reads."""
        self.request("POST", "/_sandbox/reset")
        customer = self.request(
            "POST",
            "/v1/customers",
            {
                "companyProfile": {"domain": "bench-get.onmicrosoft.com"},
                "billingProfile": {
                    "email": "bench@contoso.example",
                    "culture": "en-US",
                    "language": "en",
                    "companyName": "Bench Get",
                    "defaultAddress": {
                        "firstName": "Avery",
                        "lastName": "Howard",
                        "addressLine1": "1 Microsoft Way",
                        "city": "Redmond",
                        "state": "WA",
                        "postalCode": "98052",
                        "country": "US",
                        "phoneNumber": "4255550100",
                    },
                },
            },
            headers={"Authorization": f"Bearer {TOKEN}"},
        )
        return str(customer["id"])


# ---- load benchmarks ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Client:
    language: str
    name: str

    def command(self, args: list[str]) -> list[str]:
        if self.language == "python":
            # load.py finds the openapi-python-client peer in target/bench/opc (generate_opc.sh).
            return [str(VENV / "python"), str(ROOT / "bench/python/load.py"), *args]
        if self.language == "node":
            return ["node", str(ROOT / "bench/node/load.mjs"), *args]
        return [str(RELEASE / "load"), *args]

    @property
    def label(self) -> str:
        return f"{self.language} {self.name}"


@dataclass(frozen=True)
class Comparison:
    """Ours against its peers, on one operation at one concurrency."""

    group: str
    ours: Client
    peers: tuple[Client, ...]


def comparisons(languages: set[str]) -> list[Comparison]:

    def py(name: str) -> Client:
        return Client("python", name)

    found: list[Comparison] = []
    if "rust" in languages:
        found.append(
            Comparison(
                "Rust",
                Client("rust", "ours"),
                (
                    Client("rust", "credential"),
                    Client("rust", "signed-token"),
                    Client("rust", "reqwest"),
                    Client("rust", "ceiling"),
                ),
            )
        )
    if "python" in languages:
        found.append(
            Comparison(
                "Python sync",
                py("ours-sync"),
                (py("httpx-sync"), py("requests"), py("opc-sync")),
            )
        )
        found.append(
            Comparison(
                "Python async",
                py("ours-async"),
                (py("httpx-async"), py("aiohttp"), py("opc-async")),
            )
        )
    if "node" in languages:
        found.append(
            Comparison("Node", Client("node", "ours"), (Client("node", "fetch"),))
        )
    return found


def run_load(
    emulator: Emulator,
    comps: list[Comparison],
    rounds: int,
    seconds: float,
    warmup: float,
) -> dict[tuple[str, str, int], Series]:
    results: dict[tuple[str, str, int], Series] = {}
    cells = [(comp, op, conc) for comp in comps for op in OPS for conc in CONCURRENCY]
    for round_index in range(rounds):
        for comp, op, conc in cells:
            clients = [comp.ours, *comp.peers]
            shift = round_index % len(clients)
            for client in clients[shift:] + clients[:shift]:
                customer = emulator.fresh_customer()
                args = [
                    "--base-url",
                    emulator.url,
                    "--token",
                    TOKEN,
                    "--client",
                    client.name,
                    "--op",
                    op,
                    "--customer-id",
                    customer,
                    "--concurrency",
                    str(conc),
                    "--seconds",
                    str(seconds),
                    "--warmup-seconds",
                    str(warmup),
                ]
                run = run_measured(client.command(args))
                report = json.loads(run.stdout.strip().splitlines()[-1])
                if report.get("errors") or not report.get("requests"):
                    raise RuntimeError(
                        f"{client.label} {op} c={conc}: {report['errors']} errors"
                    )
                rate = report["requests"] / report["seconds"]
                series = results.setdefault((client.label, op, conc), Series())
                series.values.append(rate)
                series.rss_mb.append(run.rss_mb)
                print(
                    f"  round {round_index + 1}/{rounds}  {client.label:<22} {op:<6} c={conc:<3} "
                    f"{rate:>9.0f}/s  {run.rss_mb:6.0f} MB",
                    flush=True,
                )
    return results


# ---- generator benchmarks ----------------------------------------------------------------------

# The commands of every code generator are spelled out once, in bench/generator/compare.py.
sys.path.insert(0, str(ROOT / "bench/generator"))
import compare

# ours: all four targets (Rust, bridge, Python, Node); each peer: one language.
TOOLS = ("ours", "oag-rust", "oag-python", "opc")
TOOL_NAMES = {
    "ours": "ours (Rust + Python + Node)",
    "oag-rust": "openapi-generator rust",
    "oag-python": "openapi-generator python",
    "opc": "openapi-python-client",
}


def bench_specs() -> list[Path]:
    return compare.spec_files(["ours", "public", "more", "synthetic"])


def run_generators(
    specs: list[Path], rounds: int
) -> tuple[dict[tuple[str, str], Series], dict[tuple[str, str], str]]:
    results: dict[tuple[str, str], Series] = {}
    failures: dict[tuple[str, str], str] = {}
    for round_index in range(rounds):
        for spec in specs:
            shift = round_index % len(TOOLS)
            for tool in TOOLS[shift:] + TOOLS[:shift]:
                key = (tool, spec.name)
                if key in failures:
                    continue
                run = compare.run_one(tool, spec, compare.GENERATOR, None)
                if not run.ok:
                    failures[key] = run.note or "failed"
                    print(
                        f"  {tool:<12} {spec.name:<34} FAILED: {failures[key]}",
                        flush=True,
                    )
                    continue
                series = results.setdefault(key, Series())
                series.values.append(run.seconds)
                series.rss_mb.append(run.peak_rss_mb)
                print(
                    f"  round {round_index + 1}/{rounds}  {tool:<12} {spec.name:<34} {run.seconds:7.2f} s "
                    f"{run.peak_rss_mb:6.0f} MB",
                    flush=True,
                )
    return results, failures


# ---- the report --------------------------------------------------------------------------------


def pip_version(package: str) -> str:
    out = subprocess.run(
        [str(VENV / "python"), "-m", "pip", "show", package],
        check=False,
        capture_output=True,
        text=True,
    )
    match = re.search(r"^Version: (.+)$", out.stdout, re.MULTILINE)
    return match.group(1) if match else "not installed"


def machine() -> list[str]:
    return [
        f"- Date: {harness.utc_date()}",
        f"- CPU: {harness.cpu_and_memory()}",
        f"- {harness.toolchains()}; {harness.version(['java', '-version'])}",
        (
            f"- Peers: httpx {pip_version('httpx')}, requests {pip_version('requests')}, aiohttp {pip_version('aiohttp')}, "
            f"openapi-python-client {pip_version('openapi-python-client')}, "
            f"openapi-generator-cli {pip_version('openapi-generator-cli')}"
        ),
    ]


def fmt_rate(series: Series | None) -> str:
    return (
        "—" if series is None else f"{series.median:,.0f}/s ±{series.spread * 50:.0f}%"
    )


def load_tables(
    comps: list[Comparison], results: dict[tuple[str, str, int], Series]
) -> list[str]:
    lines: list[str] = []
    for comp in comps:
        lines += ["", f"### {comp.group}", ""]
        header = f"| op | conc | {comp.ours.label} |" + "".join(
            f" {p.label} | ours ÷ {p.name} |" for p in comp.peers
        )
        lines += [header, "|" + "---|" * (3 + 2 * len(comp.peers))]
        for op in OPS:
            for conc in CONCURRENCY:
                ours = results.get((comp.ours.label, op, conc))
                row = f"| {op} | {conc} | {fmt_rate(ours)} |"
                for peer in comp.peers:
                    theirs = results.get((peer.label, op, conc))
                    ratio = (
                        f"{ours.median / theirs.median:.2f}×"
                        if ours and theirs
                        else "—"
                    )
                    row += f" {fmt_rate(theirs)} | **{ratio}** |"
                lines.append(row)
        rss = [
            f"{c.label} {max(results[(c.label, op, 64)].peak_rss for op in OPS):.0f} MB"
            for c in (comp.ours, *comp.peers)
            if all((c.label, op, 64) in results for op in OPS)
        ]
        lines += [
            "",
            "Peak RSS of the load process at concurrency 64: " + ", ".join(rss) + ".",
        ]
    return lines


def generator_table(
    specs: list[Path],
    results: dict[tuple[str, str], Series],
    failures: dict[tuple[str, str], str],
) -> list[str]:
    lines = [
        "| spec | "
        + " | ".join(TOOL_NAMES[t] for t in TOOLS)
        + " | slowest peer ÷ ours | fastest peer ÷ ours |",
        "|" + "---|" * (len(TOOLS) + 3),
    ]
    for spec in specs:
        row = f"| {spec.name} |"
        for tool in TOOLS:
            key = (tool, spec.name)
            if key in failures:
                row += " failed |"
            elif key in results:
                s = results[key]
                row += f" {s.median:.2f} s ±{s.spread * 50:.0f}%, {s.peak_rss:.0f} MB |"
            else:
                row += " — |"
        ours = results.get(("ours", spec.name))
        peers = [
            results[(t, spec.name)].median
            for t in TOOLS
            if t != "ours" and (t, spec.name) in results
        ]
        if ours and peers:
            row += f" {max(peers) / ours.median:.0f}× | **{min(peers) / ours.median:.0f}×** |"
        else:
            row += " — | — |"
        lines.append(row)
    if failures:
        lines += ["", "Failures:"] + [
            f"- {TOOL_NAMES[tool]} on {spec}: {why}"
            for (tool, spec), why in sorted(failures.items())
        ]
    return lines


def load_targets(
    results: dict[tuple[str, str, int], Series],
) -> list[tuple[str, float | None, float]]:
    """(what, measured ratio, target): the issue's targets for the load benchmarks."""

    def ratio(ours: str, peer: str, op: str, conc: int) -> float | None:
        a, b = results.get((ours, op, conc)), results.get((peer, op, conc))
        return a.median / b.median if a and b else None

    checks: list[tuple[str, float | None, float]] = []
    for op in OPS:
        for conc in CONCURRENCY:
            checks.append(
                (
                    f"Python sync ÷ httpx sync, {op}, c={conc}",
                    ratio("python ours-sync", "python httpx-sync", op, conc),
                    3.0,
                )
            )
        checks.append(
            (
                f"Python async ÷ httpx async, {op}, c=64",
                ratio("python ours-async", "python httpx-async", op, 64),
                2.0,
            )
        )
        checks.append(
            (
                f"Python async ÷ aiohttp, {op}, c=64",
                ratio("python ours-async", "python aiohttp", op, 64),
                1.0,
            )
        )
        for conc in CONCURRENCY:
            checks.append(
                (
                    f"Node ÷ fetch, {op}, c={conc}",
                    ratio("node ours", "node fetch", op, conc),
                    1.0,
                )
            )
        for conc in CONCURRENCY:
            checks.append(
                (
                    f"Rust ÷ raw reqwest, {op}, c={conc}",
                    ratio("rust ours", "rust reqwest", op, conc),
                    0.9,
                )
            )
        for conc in CONCURRENCY:
            # A cached credential costs at most 2% of calls per second against a static token.
            # The static token is one the emulator issued: both send the same kind of JWT, which
            # the emulator verifies on every call (an opaque token costs it nothing).
            checks.append(
                (
                    f"Rust cached credential ÷ static token, {op}, c={conc}",
                    ratio("rust credential", "rust signed-token", op, conc),
                    0.98,
                )
            )
    return [c for c in checks if c[1] is not None]


def generator_targets(
    results: dict[tuple[str, str], Series], specs: list[Path]
) -> list[tuple[str, float | None, float]]:
    checks: list[tuple[str, float | None, float]] = []
    for spec in specs:
        ours = results.get(("ours", spec.name))
        for tool in TOOLS:
            theirs = results.get((tool, spec.name))
            if tool.startswith("oag") and ours and theirs:
                checks.append(
                    (
                        f"{TOOL_NAMES[tool]} time ÷ ours, {spec.name}",
                        theirs.median / ours.median,
                        20.0,
                    )
                )
        if spec.name.startswith("synthetic") and ours:
            # Seconds under 2, as a ratio so it reads like the others: 2 s ÷ our time ≥ 1.
            checks.append(
                (
                    f"2 s ÷ our time on {spec.name} ({ours.median:.2f} s)",
                    2.0 / ours.median,
                    1.0,
                )
            )
    return checks


def targets_table(checks: list[tuple[str, float | None, float]]) -> list[str]:
    lines = ["| target | measured | needed | |", "|---|---|---|---|"]
    for what, got, needed in checks:
        assert got is not None
        lines.append(
            f"| {what} | {got:.2f}× | ≥ {needed:g}× | {'met' if got >= needed else '**missed**'} |"
        )
    return lines


NOTES = ROOT / "bench/NOTES.md"


def refresh_notes(report: Path) -> int:
    """Puts the current bench/NOTES.md in place of the notes a report was written with."""
    text = report.read_text()
    notes = NOTES.read_text().strip()
    heading = notes.splitlines()[0]
    if heading not in text:
        print(f"{report} has no section {heading!r}", file=sys.stderr)
        return 1
    report.write_text(text[: text.index(heading)] + notes + "\n")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--quick", action="store_true", help="one short round of each (smoke test)"
    )
    parser.add_argument(
        "--only", default="rust,python,node,generator", help="comma-separated groups"
    )
    parser.add_argument("--rounds", type=int)
    parser.add_argument("--seconds", type=float)
    parser.add_argument("--output", default=str(ROOT / "BENCHMARKS.md"))
    parser.add_argument(
        "--refresh-notes",
        action="store_true",
        help="only replace the notes section of an existing report with bench/NOTES.md",
    )
    args = parser.parse_args()
    if args.refresh_notes:
        return refresh_notes(Path(args.output))
    groups = set(args.only.split(","))
    rounds = args.rounds or (1 if args.quick else 3)
    seconds = args.seconds or (0.5 if args.quick else 2.0)
    WORK.mkdir(parents=True, exist_ok=True)

    sections: list[str] = []
    checks: list[tuple[str, float | None, float]] = []
    comps = comparisons(groups)
    if comps:
        emulator = Emulator()
        try:
            print(
                f"load benchmarks against {emulator.url}: {rounds} rounds of {seconds} s",
                flush=True,
            )
            load = run_load(
                emulator, comps, rounds, seconds, warmup=0.2 if args.quick else 0.5
            )
        finally:
            emulator.stop()
        sections += [
            "## Calls per second",
            "",
            (
                f"Median of {rounds} interleaved rounds of {seconds:g} s each (after a warm-up); ± is half the "
                "range over the rounds as a share of the median; ratios are ours ÷ peer (above 1: ours is faster)."
            ),
        ]
        sections += load_tables(comps, load)
        checks = load_targets(load)
    if "generator" in groups:
        specs = bench_specs()
        print(f"generator benchmarks: {len(specs)} specs, {rounds} rounds", flush=True)
        gen, failures = run_generators(specs, rounds)
        sections += [
            "",
            "## Generators",
            "",
            (
                f"Wall time to generate every target from a spec (median of {rounds} interleaved rounds; peak RSS "
                "of the tool's process); ratios are peer time ÷ our time."
            ),
        ]
        sections += [""] + generator_table(specs, gen, failures)
        checks += generator_targets(gen, specs)
    if checks:
        sections = ["## Targets", "", *targets_table(checks), "", *sections]
    if NOTES.exists():
        # What limits the numbers and what was tried: written by people, carried into every report.
        sections += ["", NOTES.read_text().strip()]

    text = "\n".join(
        [
            "# Benchmarks",
            "",
            "Written by `./tests/bench` (bench/run.py); do not edit by hand.",
            "",
            "## Machine",
            "",
            *machine(),
            "",
            *sections,
            "",
        ]
    )
    print(text)
    Path(args.output).write_text(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
