"""The generator benchmarks: every code generator on every spec, round by round, and their table.
The commands are spelled out once, in bench/generator/compare.py."""

from __future__ import annotations

import sys
from pathlib import Path

from common import ROOT, Series

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
