"""Issue 17's targets, judged from the measurements: one row each, with the floor a missed one
rests on."""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from pathlib import Path

from cold_start import COLD_PAIRS, ColdSeries
from common import CONCURRENCY, OPS, LoadResults, Series
from generators import BOX_SPEC, TOOL_NAMES, compare


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
