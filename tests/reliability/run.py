"""The soak: logical creates under injected faults in Rust, Python and Node; verdict, table, RELIABILITY.md.

Called by ./tests/soak after the builds; see tests/reliability/README.md. Starts one emulator with its
quota and throttling off and the fault mix on; per language: resets it, runs the language's runner
as a subprocess (peak RSS from `wait4`, killed by a watchdog if it overruns), reads what the
emulator saw (`/_sandbox/health` requests, `/_sandbox/faults` injected), turns the faults off and
lists every customer through the API, page by page, to check the outcome independently of the
client under test.

A language passes when: its runner exited on its own within the watchdog and reported every
logical create ended in success and no call hung; the listing holds exactly N customers, no domain
twice, exactly the N domains asked for; and each customer's id is the one the client was answered
with (a replay after a lost answer got the first customer back, not another).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

# What this script shares with bench/run.py: the measured child, the emulator, the machine lines.
sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "tests" / "tools"))
import harness

ROOT = harness.ROOT
TARGET = harness.host_target_dir()
HERE = ROOT / "tests" / "reliability"
REPORT = ROOT / "RELIABILITY.md"
NOTES = HERE / "NOTES.md"
TOKEN = "soak-token"
LANGUAGES = ("rust", "python", "node")
LIST_PAGE_SIZE = 250

# A full run with these flags at their defaults rewrites RELIABILITY.md; any other run does not.
DEFAULTS_CHECKED = (
    "creates",
    "concurrency",
    "timeout_seconds",
    "call_deadline_seconds",
    "max_retries",
    "max_replays",
    "replay_id",
    "watchdog_seconds",
)
FULL = {"creates": 2000, "concurrency": 32, "watchdog_seconds": 600.0}
SHORT = {"creates": 200, "concurrency": 16, "watchdog_seconds": 240.0}
# The fault mix of the issue: 10% 500/503, 5% 429 with Retry-After 1, 5% of committed creates
# answered with a dropped connection.
FAULTS = {
    "errorRate": 0.1,
    "throttleRate": 0.05,
    "retryAfterSeconds": 1,
    "dropAfterCreateRate": 0.05,
}


# ---- the emulator --------------------------------------------------------------------------------


class Emulator(harness.Emulator):
    def __init__(self, binary: Path) -> None:
        super().__init__(
            binary,
            "--quota",
            "1000000",
            "--throttle-per-minute",
            "0",
            "--error-rate",
            str(FAULTS["errorRate"]),
            "--throttle-rate",
            str(FAULTS["throttleRate"]),
            "--retry-after-seconds",
            str(FAULTS["retryAfterSeconds"]),
            "--drop-after-create-rate",
            str(FAULTS["dropAfterCreateRate"]),
        )

    def prepare(self) -> None:
        """Empty, with the fault mix on (a reset clears faults, so they are set again after it)."""
        self.request("POST", "/_sandbox/reset")
        self.request("POST", "/_sandbox/faults", FAULTS)
        health = self.request("GET", "/_sandbox/health")
        if health.get("customers") != 0:
            raise RuntimeError(f"the emulator is not empty after a reset: {health}")

    def list_customers(self) -> list[dict[str, Any]]:
        """Every customer, through the API, page by page (faults must be off)."""
        auth = {"Authorization": f"Bearer {TOKEN}"}
        items: list[dict[str, Any]] = []
        page = self.request(
            "GET",
            f"/v1/customers?size={LIST_PAGE_SIZE}",
            headers={**auth, "MS-RequestId": str(uuid.uuid4())},
        )
        while True:
            items += page.get("items", [])
            token = page.get("continuationToken")
            if not token:
                return items
            page = self.request(
                "GET",
                "/v1/customers?seekOperation=Next",
                headers={
                    **auth,
                    "MS-RequestId": str(uuid.uuid4()),
                    "MS-ContinuationToken": token,
                },
            )


# ---- one language ---------------------------------------------------------------------------------


@dataclass
class Settings:
    creates: int
    concurrency: int
    timeout_seconds: float
    call_deadline_seconds: float
    max_retries: int
    max_replays: int
    replay_id: str
    watchdog_seconds: float

    def runner_args(self) -> list[str]:
        return [
            "--creates",
            str(self.creates),
            "--concurrency",
            str(self.concurrency),
            "--timeout-seconds",
            f"{self.timeout_seconds:g}",
            "--call-deadline-seconds",
            f"{self.call_deadline_seconds:g}",
            "--max-retries",
            str(self.max_retries),
            "--max-replays",
            str(self.max_replays),
            "--replay-id",
            self.replay_id,
        ]


@dataclass
class Outcome:
    language: str
    report: dict[str, Any] = field(default_factory=dict)
    wall_seconds: float = 0.0
    rss_mb: float = 0.0
    exit_code: int | None = None
    killed_by_watchdog: bool = False
    stderr_tail: str = ""
    attempts: int | None = None
    injected: dict[str, int] | None = None
    customers: int = 0
    duplicate_domains: int = 0
    missing_domains: int = 0
    unexpected_domains: int = 0
    id_mismatches: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return not self.problems

    def unfaulted_attempts(self) -> int | None:
        """Attempts the emulator answered without a fault (a drop counts as a fault)."""
        if self.attempts is None or self.injected is None:
            return None
        return self.attempts - sum(self.injected.values())


def runner_command(language: str, rust_runner: Path, python: Path) -> list[str]:
    if language == "rust":
        return [str(rust_runner)]
    if language == "python":
        return [str(python), str(HERE / "python" / "soak.py")]
    return ["node", str(HERE / "node" / "soak.mjs")]


def soak_language(
    emulator: Emulator,
    language: str,
    settings: Settings,
    rust_runner: Path,
    python: Path,
    work: Path,
) -> Outcome:
    outcome = Outcome(language)
    emulator.prepare()
    prefix = f"soak-{language}-{uuid.uuid4().hex[:8]}"
    ids_file = work / f"{language}-ids.json"
    cmd = [
        *runner_command(language, rust_runner, python),
        "--base-url",
        emulator.url,
        "--token",
        TOKEN,
        "--prefix",
        prefix,
        *settings.runner_args(),
        "--ids-out",
        str(ids_file),
    ]
    # Peak RSS from wait4; killed by the watchdog if it overruns.
    run = harness.run_measured(cmd, watchdog_seconds=settings.watchdog_seconds)
    outcome.wall_seconds = run.seconds
    outcome.exit_code = run.exit_code
    outcome.rss_mb = run.rss_mb
    outcome.killed_by_watchdog = run.killed_by_watchdog
    outcome.stderr_tail = run.stderr[-3000:]
    stdout = run.stdout

    # What the emulator saw, before anything else reaches it (the listing below adds requests).
    health = emulator.request("GET", "/_sandbox/health")
    faults = emulator.request("GET", "/_sandbox/faults")
    outcome.attempts = health.get("requests")
    outcome.injected = faults.get("injected")
    emulator.request("DELETE", "/_sandbox/faults")

    problems = outcome.problems
    if outcome.killed_by_watchdog:
        problems.append(
            f"killed by the watchdog after {settings.watchdog_seconds:g} s (a hang)"
        )
    elif outcome.exit_code != 0:
        problems.append(f"runner exited with {outcome.exit_code}")
    lines = stdout.strip().splitlines()
    if lines:
        try:
            outcome.report = json.loads(lines[-1])
        except json.JSONDecodeError:
            problems.append(f"runner printed no JSON line: {lines[-1][:200]!r}")
    elif not outcome.killed_by_watchdog:
        problems.append("runner printed nothing")
    rep = outcome.report
    if rep:
        if rep.get("succeeded") != settings.creates:
            problems.append(
                f"{rep.get('succeeded')} of {settings.creates} logical creates ended in success "
                f"({rep.get('failed')} failed)"
            )
        if rep.get("hung"):
            problems.append(
                f"{rep['hung']} calls hung (no answer within {settings.call_deadline_seconds:g} s)"
            )

    customers = emulator.list_customers()
    outcome.customers = len(customers)
    domains = Counter(
        str(c.get("companyProfile", {}).get("domain", "")).lower() for c in customers
    )
    expected = {f"{prefix}-{n}.onmicrosoft.com" for n in range(settings.creates)}
    outcome.duplicate_domains = sum(1 for n in domains.values() if n > 1)
    outcome.missing_domains = len(expected - domains.keys())
    outcome.unexpected_domains = len(domains.keys() - expected)
    if outcome.customers != settings.creates:
        problems.append(f"{outcome.customers} customers exist, not {settings.creates}")
    if outcome.duplicate_domains:
        problems.append(f"{outcome.duplicate_domains} domains twice or more")
    if outcome.missing_domains:
        problems.append(f"{outcome.missing_domains} domains missing")
    if outcome.unexpected_domains:
        problems.append(f"{outcome.unexpected_domains} domains nobody asked for")

    known: dict[str, str] = {}
    if ids_file.exists():
        known = json.loads(ids_file.read_text())
    for c in customers:
        domain = str(c.get("companyProfile", {}).get("domain", "")).lower()
        if domain in known and known[domain] != str(c.get("id")):
            outcome.id_mismatches += 1
    if outcome.id_mismatches:
        problems.append(
            f"{outcome.id_mismatches} customers differ from the one the client was answered with"
        )
    return outcome


# ---- the report -----------------------------------------------------------------------------------

FAULT_KINDS = ("500", "503", "429", "drop_after_commit")


def fmt_int(n: int | None) -> str:
    return "n/a" if n is None else f"{n:,}"


def fmt_seconds(s: float | None) -> str:
    return "n/a" if s is None else f"{s:.1f} s"


def faults_text(injected: dict[str, int] | None) -> str:
    if injected is None:
        return "n/a"
    shown = [f"{k} {injected.get(k, 0):,}" for k in FAULT_KINDS]
    shown += [
        f"{k} {v:,}" for k, v in sorted(injected.items()) if k not in FAULT_KINDS and v
    ]
    return ", ".join(shown)


def errors_text(errors: dict[str, int]) -> str:
    return ", ".join(f"{k} {v:,}" for k, v in sorted(errors.items())) or "none"


def table(outcomes: list[Outcome]) -> list[str]:
    lines = [
        (
            "| language | verdict | logical creates | calls | attempts | replays | faults injected (by kind) "
            "| failed calls seen by the runner (by kind) | customers listed | duplicate domains | hung "
            "| longest call | duration | peak RSS |"
        ),
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for o in outcomes:
        r = o.report
        lines.append(
            f"| {o.language} | {'**pass**' if o.passed else '**FAIL**'} "
            f"| {fmt_int(r.get('succeeded'))} ok of {fmt_int(r.get('creates'))} "
            f"| {fmt_int(r.get('calls'))} | {fmt_int(o.attempts)} | {fmt_int(r.get('replays'))} "
            f"| {faults_text(o.injected)} | {errors_text(r.get('errors', {}))} "
            f"| {o.customers:,} | {o.duplicate_domains} | {fmt_int(r.get('hung'))} "
            f"| {fmt_seconds(r.get('max_call_seconds'))} "
            f"| {r.get('seconds', o.wall_seconds):.1f} s | {o.rss_mb:.0f} MB |"
        )
    return lines


def console_table(outcomes: list[Outcome]) -> str:
    rows = [
        (
            "language",
            "verdict",
            "ok/creates",
            "calls",
            "attempts",
            "replays",
            "faults injected",
            "customers",
            "dups",
            "hung",
            "longest call",
            "seconds",
            "RSS MB",
        )
    ]
    for o in outcomes:
        r = o.report
        rows.append(
            (
                o.language,
                "pass" if o.passed else "FAIL",
                f"{r.get('succeeded', '?')}/{r.get('creates', '?')}",
                str(r.get("calls", "?")),
                fmt_int(o.attempts),
                str(r.get("replays", "?")),
                faults_text(o.injected),
                str(o.customers),
                str(o.duplicate_domains),
                str(r.get("hung", "?")),
                fmt_seconds(r.get("max_call_seconds")),
                f"{r.get('seconds', o.wall_seconds):.1f}",
                f"{o.rss_mb:.0f}",
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return "\n".join(
        "  ".join(cell.ljust(w) for cell, w in zip(row, widths)) for row in rows
    )


def machine() -> list[str]:
    commit = harness.version(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"])
    return [
        f"- Date: {harness.utc_date()}; commit {commit}",
        f"- CPU: {harness.cpu_and_memory()}",
        f"- {harness.toolchains()}",
        "- Builds: release (emulator, Rust runner, Python package, Node addon)",
    ]


def settings_lines(s: Settings) -> list[str]:
    return [
        (
            f"- {s.creates:,} logical creates (`POST /v1/customers` through `customers.create`) per language, "
            f"{s.concurrency} in flight (Rust: tokio tasks; Python: asyncio tasks on `AsyncClient`; "
            "Node: promise loops), each with its own domain and its own `MS-RequestId`."
        ),
        (
            "- One emulator, reset between languages: `--quota 1000000 --throttle-per-minute 0 "
            f"--error-rate {FAULTS['errorRate']} --throttle-rate {FAULTS['throttleRate']} "
            f"--retry-after-seconds {FAULTS['retryAfterSeconds']} "
            f"--drop-after-create-rate {FAULTS['dropAfterCreateRate']}` "
            "(10% of requests answered 500 or 503, 5% 429 with `Retry-After: 1`, 5% of committed creates "
            "answered by a dropped connection)."
        ),
        (
            f"- Client: default retry policy with {s.max_retries} retries (3 attempts, backoff with full "
            f"jitter, `Retry-After` honoured), per-attempt timeout {s.timeout_seconds:g} s."
        ),
        (
            f"- Runner: a create that still fails after the client's retries with a transient error "
            f"(transport, timeout, 429, 5xx) is replayed with the {s.replay_id} request id, at most "
            f"{s.max_replays} times; every call runs under a {s.call_deadline_seconds:g} s deadline "
            f"(past it: hung); the whole language run under a {s.watchdog_seconds:g} s watchdog."
        ),
    ]


EXPLANATION = """\
## What the numbers prove

- **Calls** are the client calls the runner made: one per logical create, plus one per replay.
  **Attempts** are the `/v1` requests the emulator received (`requests` in `/_sandbox/health`):
  attempts − calls is what the client retried on its own, under the same request id.
- Every injected fault is one attempt that did not succeed as such; a dropped-after-commit create
  *did* create the customer, and only its answer was lost. Without a stable request id, the next
  attempt would either create a second customer or be refused because the domain is taken. The
  listing shows exactly one customer per domain, and each with the id the client was finally
  answered with: the retry (or the runner's replay) of a lost create got the first customer back.
- When nothing but the faults interfered, attempts = logical creates + faults injected: every
  attempt was either an injected fault or the one success of its logical create.
- **Replays** are the creates the client gave up on (three failed attempts in a row: about 0.7% of
  creates when nearly one attempt in five is faulted) that the runner sent again with the same
  request id, as the README tells users to. Every replayed create ended in success.
- **Hung** counts calls that did not settle within the per-call deadline, although every attempt has
  a timeout: 0 means the timeouts bound every call. The watchdog bounds the run as a whole.
- **Peak RSS** is the runner process's maximum resident set (`wait4`): the whole interpreter for
  Python and Node.
"""


def report_text(outcomes: list[Outcome], settings: Settings) -> str:
    sections = [
        "# Reliability",
        "",
        (
            "Written by `./tests/soak` (tests/reliability/run.py); do not edit by hand. "
            "See tests/reliability/README.md."
        ),
        "",
        "## Machine",
        "",
        *machine(),
        "",
        "## Settings",
        "",
        *settings_lines(settings),
        "",
        "## Results",
        "",
        *table(outcomes),
        "",
        (
            "Pass criteria per language: every logical create ended in success, no call hung, the runner "
            "finished within the watchdog, the API lists exactly as many customers as creates, no domain "
            "twice, exactly the domains asked for, each customer the one the client was answered with."
        ),
        "",
    ]
    for o in outcomes:
        verdict = "passed" if o.passed else "FAILED: " + "; ".join(o.problems)
        unfaulted = o.unfaulted_attempts()
        if unfaulted is not None:
            verdict += f"; attempts − faults injected = {unfaulted:,}"
        sections.append(f"- {o.language}: {verdict}")
    sections += ["", EXPLANATION.rstrip()]
    if NOTES.exists():
        # Written by people: what was tried to make the criteria fail. Carried into every report.
        sections += ["", NOTES.read_text().strip()]
    return "\n".join(sections) + "\n"


# ---- main -------------------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--short",
        action="store_true",
        help="200 creates at 16 in flight; no report file",
    )
    parser.add_argument(
        "--only", default=",".join(LANGUAGES), help="comma-separated: rust,python,node"
    )
    parser.add_argument("--creates", type=int)
    parser.add_argument("--concurrency", type=int)
    parser.add_argument("--timeout-seconds", type=float, default=10.0)
    parser.add_argument("--call-deadline-seconds", type=float, default=60.0)
    parser.add_argument("--max-retries", type=int, default=2)
    parser.add_argument(
        "--max-replays",
        type=int,
        default=20,
        help="0: no replays (the soak should fail)",
    )
    parser.add_argument(
        "--replay-id",
        choices=("same", "fresh"),
        default="same",
        help="fresh: a new request id per replay",
    )
    parser.add_argument("--watchdog-seconds", type=float)
    parser.add_argument("--sandbox", type=Path, default=TARGET / "release" / "sandbox")
    parser.add_argument(
        "--rust-runner",
        type=Path,
        help="default: the release (debug with --short) soak binary",
    )
    parser.add_argument(
        "--python", type=Path, default=ROOT / ".venv" / "bin" / "python"
    )
    parser.add_argument(
        "--output",
        type=Path,
        help=f"report file (default {REPORT.name} on a full default run)",
    )
    args = parser.parse_args()

    base = SHORT if args.short else FULL
    settings = Settings(
        creates=args.creates or base["creates"],
        concurrency=args.concurrency or base["concurrency"],
        timeout_seconds=args.timeout_seconds,
        call_deadline_seconds=args.call_deadline_seconds,
        max_retries=args.max_retries,
        max_replays=args.max_replays,
        replay_id=args.replay_id,
        watchdog_seconds=args.watchdog_seconds or base["watchdog_seconds"],
    )
    languages = [lang for lang in args.only.split(",") if lang]
    unknown = set(languages) - set(LANGUAGES)
    if unknown:
        parser.error(f"unknown languages: {', '.join(sorted(unknown))}")
    rust_runner = (
        args.rust_runner or TARGET / ("debug" if args.short else "release") / "soak"
    )
    # Only a full run with every default setting rewrites the committed report.
    defaults = [parser.get_default(name) for name in DEFAULTS_CHECKED]
    chosen = [getattr(args, name) for name in DEFAULTS_CHECKED]
    output = args.output
    if (
        output is None
        and not args.short
        and chosen == defaults
        and languages == list(LANGUAGES)
    ):
        output = REPORT

    print(
        f"soak: {settings.creates} creates at {settings.concurrency} in flight per language "
        f"({', '.join(languages)}); replays: {settings.max_replays} max, {settings.replay_id} request id",
        flush=True,
    )
    outcomes: list[Outcome] = []
    emulator = Emulator(args.sandbox)
    try:
        with tempfile.TemporaryDirectory(prefix="soak-") as work:
            for language in languages:
                print(f"---- {language}", flush=True)
                outcome = soak_language(
                    emulator, language, settings, rust_runner, args.python, Path(work)
                )
                outcomes.append(outcome)
                print(
                    f"  {'pass' if outcome.passed else 'FAIL'} in {outcome.wall_seconds:.1f} s: "
                    f"{json.dumps(outcome.report)}",
                    flush=True,
                )
                for problem in outcome.problems:
                    print(f"  problem: {problem}", flush=True)
                if not outcome.passed and outcome.stderr_tail:
                    print("  runner stderr (tail):", flush=True)
                    print(
                        "    " + outcome.stderr_tail.strip().replace("\n", "\n    "),
                        flush=True,
                    )
    finally:
        emulator.stop()

    print()
    print(console_table(outcomes))
    failed = [o.language for o in outcomes if not o.passed]
    if output is not None:
        output.write_text(report_text(outcomes, settings))
        print(f"\nwrote {output}")
    else:
        print(
            "\n(no report written: --short or non-default settings; --output FILE to write one)"
        )
    print(
        "soak: "
        + ("FAILED in " + ", ".join(failed) if failed else "passed in every language")
    )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
