"""Runs every benchmark, interleaving ours with its peers, and writes BENCHMARKS.md.

Called by ./tests/bench after the release builds; see bench/README.md. Each measurement is a
subprocess (a load generator or a code generator) whose peak RSS comes from `wait4`. Rounds
interleave: within a round every client of a cell runs once, in an order rotated from round to
round, so drift on a shared machine hits ours and the peers alike. Results are medians over rounds;
the spread is (max - min) / median.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import statistics
import subprocess
import sys
import time
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
            Comparison(
                "Node",
                Client("node", "ours"),
                (Client("node", "undici"), Client("node", "fetch")),
            )
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


# ---- cold start ----------------------------------------------------------------------------------

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


# ---- artefact sizes ------------------------------------------------------------------------------


def mib(path: Path) -> str:
    return f"{path.stat().st_size / 1024 / 1024:.2f} MiB"


def artefact_sizes() -> list[str]:
    """The Python extension module in .venv, the Node addon(s), the wheels if any were built."""
    lines = ["", "## Artefact sizes", ""]
    found = subprocess.run(
        [
            str(VENV / "python"),
            "-c",
            "import importlib.util as u; print(u.find_spec('partner_center._native').origin)",
        ],
        check=False,
        capture_output=True,
        text=True,
    )
    module = Path(found.stdout.strip()) if found.returncode == 0 else None
    if module and module.is_file():
        lines.append(
            f"- Python extension module (what `maturin develop --release` installed into .venv): "
            f"`{module.name}`, {mib(module)}"
        )
    else:
        lines.append(
            "- Python extension module: partner_center._native not found in .venv"
        )
    addons = sorted((ROOT / "bindings/node").glob("*.node"))
    for addon in addons:
        lines.append(f"- Node addon `bindings/node/{addon.name}`: {mib(addon)}")
    if not addons:
        lines.append("- Node addon: none in bindings/node")
    wheels = sorted((ROOT / "target/packages/wheels").glob("**/*.whl"))
    for wheel in wheels:
        built = dt.datetime.fromtimestamp(wheel.stat().st_mtime, dt.UTC)
        lines.append(
            f"- Wheel `{wheel.name}`: {mib(wheel)} (built by tests/packages/wheels.sh on "
            f"{built:%Y-%m-%d %H:%M} UTC, not by this run)"
        )
    if not wheels:
        lines.append(
            "- Wheels (tests/packages/wheels.sh, target/packages/wheels): not built by this run"
        )
    return lines


# ---- generator benchmarks ----------------------------------------------------------------------

# The commands of every code generator are spelled out once, in bench/generator/compare.py.
sys.path.insert(0, str(ROOT / "bench/generator"))
import compare

# ours: all four targets (Rust, bridge, Python, Node); each peer: one language.
TOOLS = ("ours", "oag-rust", "oag-python", "opc")
BOX_SPEC = "box-openapi.json"
TOOL_NAMES = {
    "ours": "ours (Rust + Python + Node)",
    "oag-rust": "openapi-generator rust",
    "oag-python": "openapi-generator python",
    "opc": "openapi-python-client",
}


def bench_specs() -> list[Path]:
    return compare.spec_files(["ours", "public", "more", "synthetic"])


# Measured in the first round only, to keep a full run under 40 minutes: openapi-python-client
# takes 70-80 s a round on the synthetic spec and is in no target (the targets compare with
# openapi-generator). The generator table says so.
ONCE = {("opc", "synthetic.yaml")}


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
                if key in failures or (round_index > 0 and key in ONCE):
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


@dataclass(frozen=True)
class Target:
    """One row of the targets table. `met` None: not measured (counts as missed)."""

    what: str
    measured: str
    needed: str
    met: bool | None
    floor: str = ""


def ratio_target(
    what: str, got: float | None, needed: float, floor: str = ""
) -> Target:
    if got is None:
        return Target(what, "not measured", f"≥ {needed:g}×", None, floor)
    return Target(what, f"{got:.2f}×", f"≥ {needed:g}×", got >= needed, floor)


LoadResults = dict[tuple[str, str, int], Series]


def floor_note(results: LoadResults, peer: str, op: str, conc: int) -> str:
    """The most any client got from the emulator in this cell (`rust ceiling`, and the raw reqwest
    client decoding the models), and the ratio a client costing nothing would reach against `peer`."""
    ceiling = results.get(("rust ceiling", op, conc))
    raw = results.get(("rust reqwest", op, conc))
    theirs = results.get((peer, op, conc))
    if ceiling is None or theirs is None:
        return ""
    raw_rate = f" (reqwest {raw.median:,.0f}/s)" if raw else ""
    return (
        f"ceiling {ceiling.median:,.0f}/s{raw_rate}: "
        f"a zero-cost client ≤ {ceiling.median / theirs.median:.2f}×"
    )


def load_targets(results: LoadResults) -> list[Target]:
    """Issue 17's targets for the load benchmarks, for the groups that ran."""

    def ratio(ours: str, peer: str, op: str, conc: int) -> float | None:
        a, b = results.get((ours, op, conc)), results.get((peer, op, conc))
        return a.median / b.median if a and b else None

    def ran(label: str) -> bool:
        return any(key[0] == label for key in results)

    def versus(
        what: str, ours: str, peer: str, op: str, conc: int, needed: float
    ) -> Target:
        return ratio_target(
            f"{what}, {op}, c={conc}",
            ratio(ours, peer, op, conc),
            needed,
            floor_note(results, peer, op, conc),
        )

    checks: list[Target] = []
    for op in OPS:
        if ran("python ours-sync"):
            for conc in CONCURRENCY:
                checks.append(
                    versus(
                        "Python sync ÷ httpx sync",
                        "python ours-sync",
                        "python httpx-sync",
                        op,
                        conc,
                        3.0,
                    )
                )
        if ran("python ours-async"):
            for conc, needed in ((1, 1.0), (64, 3.0)):
                checks.append(
                    versus(
                        "Python async ÷ aiohttp",
                        "python ours-async",
                        "python aiohttp",
                        op,
                        conc,
                        needed,
                    )
                )
        if ran("node ours"):
            for peer, needed in (("undici", 1.0), ("fetch", 3.0)):
                for conc in CONCURRENCY:
                    checks.append(
                        versus(
                            f"Node ÷ {peer}",
                            "node ours",
                            f"node {peer}",
                            op,
                            conc,
                            needed,
                        )
                    )
        if ran("rust ours"):
            for conc in CONCURRENCY:
                checks.append(
                    ratio_target(
                        f"Rust ÷ raw reqwest, {op}, c={conc}",
                        ratio("rust ours", "rust reqwest", op, conc),
                        0.95,
                    )
                )
    return checks


# ---- the cached credential, measured directly ---------------------------------------------------

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


def generator_targets(
    results: dict[tuple[str, str], Series],
    failures: dict[tuple[str, str], str],
    specs: list[Path],
) -> list[Target]:
    checks: list[Target] = []
    if not any(spec.name == BOX_SPEC for spec in specs):
        checks.append(
            Target(
                f"{BOX_SPEC} measured",
                f"not found in {compare.MORE_SPECS}",
                "measured",
                None,
            )
        )
    for spec in specs:
        ours = results.get(("ours", spec.name))
        for tool in ("oag-rust", "oag-python"):
            what = f"{TOOL_NAMES[tool]} time ÷ ours, {spec.name}"
            theirs = results.get((tool, spec.name))
            if ours and theirs:
                checks.append(ratio_target(what, theirs.median / ours.median, 20.0))
            else:
                why = "; ".join(
                    f"{TOOL_NAMES[t]} failed"
                    for t in ("ours", tool)
                    if (t, spec.name) in failures
                )
                checks.append(Target(what, why or "not measured", "≥ 20×", None))
        if spec.name.startswith("synthetic"):
            what = f"our time on {spec.name}, all targets"
            if ours:
                checks.append(
                    Target(what, f"{ours.median:.2f} s", "< 1 s", ours.median < 1.0)
                )
            else:
                checks.append(Target(what, "not measured", "< 1 s", None))
    return checks


def coldstart_targets(results: dict[tuple[str, str], ColdSeries]) -> list[Target]:
    checks: list[Target] = []
    for language, (ours, peer) in COLD_PAIRS.items():
        mine, theirs = results.get((language, ours)), results.get((language, peer))
        if mine and theirs:
            checks.append(
                ratio_target(
                    f"Cold start, {language}: {peer} wall ÷ ours",
                    theirs.median / mine.median,
                    1.0,
                    (
                        f"peak RSS: ours {statistics.median(mine.rss_mb):.0f} MB, "
                        f"{peer} {statistics.median(theirs.rss_mb):.0f} MB"
                    ),
                )
            )
    return checks


def targets_table(checks: list[Target]) -> list[str]:
    lines = [
        "| target | measured | needed | | floor, or what the figure rests on |",
        "|---|---|---|---|---|",
    ]
    for t in checks:
        verdict = "met" if t.met else "**missed**"
        lines.append(
            f"| {t.what} | {t.measured} | {t.needed} | {verdict} | {t.floor} |"
        )
    missed = sum(1 for t in checks if not t.met)
    lines += [
        "",
        (
            f"{len(checks) - missed} of {len(checks)} met. Floor: where a row compares with a peer, "
            "`rust ceiling` is the most any client got from the emulator in the same cell (a raw "
            "reqwest loop that drops the body) and `reqwest` the raw client decoding the models; "
            "ceiling ÷ peer is the best ratio a client costing nothing could show in that cell."
        ),
    ]
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


GROUPS = ("rust", "python", "node", "coldstart", "generator")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--quick", action="store_true", help="one short round of each (smoke test)"
    )
    parser.add_argument(
        "--only", default=",".join(GROUPS), help="comma-separated groups"
    )
    parser.add_argument("--rounds", type=int)
    parser.add_argument("--seconds", type=float)
    parser.add_argument(
        "--coldstart-rounds", type=int, help="rounds of the cold-start cell"
    )
    parser.add_argument(
        "--output",
        help=(
            "where the report goes (default: BENCHMARKS.md for a full run; "
            "target/bench/BENCHMARKS.quick.md or .partial.md for --quick or --only)"
        ),
    )
    parser.add_argument(
        "--refresh-notes",
        action="store_true",
        help="only replace the notes section of an existing report with bench/NOTES.md",
    )
    args = parser.parse_args()
    if args.refresh_notes:
        return refresh_notes(Path(args.output or ROOT / "BENCHMARKS.md"))
    groups = set(args.only.split(","))
    if groups - set(GROUPS):
        parser.error(f"unknown groups {sorted(groups - set(GROUPS))}; known: {GROUPS}")
    full = not args.quick and groups == set(GROUPS)
    output = Path(
        args.output
        or (
            ROOT / "BENCHMARKS.md"
            if full
            else WORK / f"BENCHMARKS.{'quick' if args.quick else 'partial'}.md"
        )
    )
    rounds = args.rounds or (1 if args.quick else 3)
    seconds = args.seconds or (0.5 if args.quick else 2.0)
    cold_rounds = args.coldstart_rounds or (3 if args.quick else 20)
    WORK.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()

    def phase_done(name: str) -> None:
        print(f"{name} done at {(time.monotonic() - started) / 60:.1f} min", flush=True)

    sections: list[str] = []
    checks: list[Target] = []
    comps = comparisons(groups)
    load: LoadResults = {}
    if comps or "coldstart" in groups:
        emulator = Emulator()
        try:
            if comps:
                print(
                    f"load benchmarks against {emulator.url}: {rounds} rounds of {seconds} s",
                    flush=True,
                )
                load = run_load(
                    emulator, comps, rounds, seconds, warmup=0.2 if args.quick else 0.5
                )
                phase_done("load benchmarks")
            cold: dict[tuple[str, str], ColdSeries] = {}
            if "coldstart" in groups:
                print(f"cold start: {cold_rounds} rounds", flush=True)
                cold = run_coldstart(emulator, cold_rounds)
                phase_done("cold start")
        finally:
            emulator.stop()
        if comps:
            sections += [
                "## Calls per second",
                "",
                (
                    f"Median of {rounds} interleaved rounds of {seconds:g} s each (after a warm-up); ± is half the "
                    "range over the rounds as a share of the median; ratios are ours ÷ peer (above 1: ours is faster)."
                ),
            ]
            sections += load_tables(comps, load)
            checks += load_targets(load)
        if cold:
            sections += coldstart_table(cold, cold_rounds)
            checks += coldstart_targets(cold)
    if "rust" in groups:
        print(
            "the cached credential, measured directly (bindings/runtime/tests/overhead.rs)",
            flush=True,
        )
        checks.append(credential_target(measure_credential(), load))
    if "generator" in groups:
        specs = bench_specs()
        print(f"generator benchmarks: {len(specs)} specs, {rounds} rounds", flush=True)
        gen, failures = run_generators(specs, rounds)
        phase_done("generator benchmarks")
        sections += [
            "",
            "## Generators",
            "",
            (
                f"Wall time to generate every target from a spec (median of {rounds} interleaved rounds; peak RSS "
                "of the tool's process); ratios are peer time ÷ our time."
                + "".join(
                    f" {TOOL_NAMES[tool]} on {spec} runs in the first round only (no target "
                    "depends on it, and it takes over a minute)."
                    for tool, spec in sorted(ONCE)
                    if rounds > 1
                )
            ),
        ]
        sections += [""] + generator_table(specs, gen, failures)
        checks += generator_targets(gen, failures, specs)
    if "python" in groups or "node" in groups or "coldstart" in groups:
        sections += artefact_sizes()
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
            (
                f"- Run: {'full' if full else 'quick' if args.quick else 'partial'}, "
                f"{(time.monotonic() - started) / 60:.0f} min"
            ),
            "",
            *sections,
            "",
        ]
    )
    print(text)
    output.write_text(text)
    print(f"report written to {output}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
