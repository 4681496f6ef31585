"""The load benchmarks: ours and its peers per language, run as load generators round by round
(bench/README.md has their contract), and their tables."""

from __future__ import annotations

import json
from dataclasses import dataclass

from common import (
    CONCURRENCY,
    OPS,
    RELEASE,
    ROOT,
    TOKEN,
    VENV,
    Emulator,
    Series,
    run_measured,
)


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
