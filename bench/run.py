"""Runs every benchmark, interleaving ours with its peers, and writes BENCHMARKS.md.

Called by ./tests/bench after the release builds; see bench/README.md. Each measurement is a
subprocess (a load generator or a code generator) whose peak RSS comes from `wait4`. Rounds
interleave: within a round every client of a cell runs once, in an order rotated from round to
round, so drift on a shared machine hits ours and the peers alike. Results are medians over rounds;
the spread is (max - min) / median.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from cold_start import ColdSeries, coldstart_table, run_coldstart
from common import ROOT, WORK, Emulator, LoadResults
from credential import credential_target, measure_credential
from generators import ONCE, TOOL_NAMES, bench_specs, generator_table, run_generators
from load_cells import comparisons, load_tables, run_load
from report import NOTES, artefact_sizes, machine, refresh_notes
from targets import (
    Target,
    coldstart_targets,
    generator_targets,
    load_targets,
    targets_table,
)

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
