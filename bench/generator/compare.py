#!/usr/bin/env python3
"""Time each code generator once per spec: wall seconds, peak RSS (os.wait4), success.

    python bench/generator/compare.py [--tools ours,ours-rust,oag-rust,oag-python,opc]
        [--specs ours,public,synthetic | FILE ...] [--generator PATH] [--json FILE] [--keep DIR]

Builds nothing: build the generator first (`cargo build --release -p generator`). Runs one
command at a time (never in parallel), each into a fresh temporary directory, so nothing in the
repository is touched. The commands are the ones in bench/generator/README.md; `TOOLS` below is
the single place they are spelled out.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
VENV_BIN = ROOT / ".venv" / "bin"
OUR_SPEC = ROOT / "spec" / "partner-center-customers.yaml"
PUBLIC_SPECS = Path("/work/shared/specs/public")
# Real-world specs with forms, multipart uploads, octet-stream and json-patch bodies (Box).
MORE_SPECS = Path("/work/shared/specs/more")
SYNTHETIC = ROOT / "target" / "bench" / "synthetic.yaml"
sys.path.insert(0, str(ROOT / "tests" / "tools"))
import harness  # tests/tools is not a package

GENERATOR = harness.host_target_dir() / "release" / "generator"
# swagger-parser (inside openapi-generator) refuses YAML documents over 3 MiB code points unless
# told otherwise; the synthetic spec is ~17 MB. Harmless for small specs, so always set.
JAVA_OPTS = "-DmaxYamlCodePoints=2000000000"


@dataclass
class Run:
    tool: str
    spec: str
    ok: bool
    seconds: float
    peak_rss_mb: float
    returncode: int
    files: int
    output_mb: float
    note: str = ""
    command: list[str] = field(default_factory=list)


def spec_files(names: list[str]) -> list[Path]:
    out: list[Path] = []
    for name in names:
        if name == "ours":
            out.append(OUR_SPEC)
        elif name in ("public", "more"):
            folder = PUBLIC_SPECS if name == "public" else MORE_SPECS
            out.extend(
                sorted(
                    p
                    for p in folder.iterdir()
                    if p.suffix in (".yaml", ".yml", ".json")
                )
            )
        elif name == "synthetic":
            if not SYNTHETIC.exists():
                subprocess.run(
                    [
                        sys.executable,
                        str(Path(__file__).with_name("synth.py")),
                        "--out",
                        str(SYNTHETIC),
                    ],
                    check=True,
                )
            out.append(SYNTHETIC)
        else:
            out.append(Path(name).resolve())
    return out


# Each tool: (work dir, spec, generator binary) -> (argv, cwd, extra env, output dir).
def ours(work: Path, spec: Path, gen: Path):
    """All three workspace targets (Rust crate sources with the bindings' dispatch, Node, Python) for any spec: the
    no-flag run with `--spec` pointing elsewhere, in a scratch workspace whose only file is the
    marker `spec/partner-center-customers.yaml` the generator uses to find its root."""
    (work / "spec").mkdir(parents=True)
    (work / "spec" / "partner-center-customers.yaml").touch()
    return [str(gen), "--spec", str(spec)], work, {}, work / "bindings"


def ours_rust(work: Path, spec: Path, gen: Path):
    """A standalone Rust crate only (`--spec F --out DIR --targets rust`)."""
    return (
        [str(gen), "--spec", str(spec), "--out", str(work / "out"), "--targets", "rust"],
        work,
        {},
        work / "out",
    )


def oag(generator: str, *extra: str):
    def tool(work: Path, spec: Path, gen: Path):
        argv = [
            str(VENV_BIN / "openapi-generator-cli"),
            "generate",
            "-i",
            str(spec),
            "-g",
            generator,
            "-o",
            str(work / "out"),
            *extra,
        ]
        return argv, work, {"JAVA_OPTS": JAVA_OPTS}, work / "out"

    return tool


LEAN = "--global-property=apiTests=false,modelTests=false,apiDocs=false,modelDocs=false"


def opc(*, hooks: bool = True):
    def tool(work: Path, spec: Path, gen: Path):
        argv = [
            str(VENV_BIN / "openapi-python-client"),
            "generate",
            "--path",
            str(spec),
            "--output-path",
            str(work / "out"),
            "--overwrite",
        ]
        if not hooks:
            (work / "config.yaml").write_text("post_hooks: []\n")
            argv += ["--config", str(work / "config.yaml")]
        return argv, work, {}, work / "out"

    return tool


TOOLS = {
    "ours": ours,
    "ours-rust": ours_rust,
    "oag-rust": oag("rust"),
    "oag-python": oag("python"),
    "opc": opc(),
    # Variants, not run unless asked for.
    "oag-rust-lean": oag("rust", LEAN),
    "oag-python-lean": oag("python", LEAN),
    "opc-no-ruff": opc(hooks=False),
}
DEFAULT_TOOLS = ["ours", "ours-rust", "oag-rust", "oag-python", "opc"]


GNU_TIME = Path("/usr/bin/time")


def measure(
    argv: list[str], cwd: Path, env: dict, log: Path
) -> tuple[int, float, float]:
    """Run to completion; (returncode, wall seconds, peak RSS MB of the process tree's largest member).

    Peak RSS comes from wait4's ru_maxrss, which covers the child and every descendant it waited
    for (java under the openapi-generator-cli wrapper, ruff under openapi-python-client). A child
    forked from this Python process inherits its high-water mark (~15 MB) across exec, so when
    GNU time is installed the command runs under it (forked from a small process) and its %M is
    used instead; the wall time is measured here either way.
    """
    full_env = {
        **os.environ,
        **env,
        "PATH": f"{VENV_BIN}{os.pathsep}{os.environ.get('PATH', '')}",
        "COLUMNS": "200",
    }
    rss_file = log.with_suffix(".rss")
    wrapped = (
        [str(GNU_TIME), "-q", "-f", "%M", "-o", str(rss_file), *argv]
        if GNU_TIME.exists()
        else argv
    )
    with log.open("wb") as out:
        start = time.perf_counter()
        proc = subprocess.Popen(
            wrapped, cwd=cwd, env=full_env, stdout=out, stderr=subprocess.STDOUT
        )
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - start
    rc = os.waitstatus_to_exitcode(status)
    kib = usage.ru_maxrss  # KiB on Linux
    if rss_file.exists():
        digits = [ln for ln in rss_file.read_text().split() if ln.isdigit()]
        if digits:
            kib = int(digits[-1])
    return rc, seconds, kib / 1024


def tree_size(path: Path) -> tuple[int, float]:
    files, size = 0, 0
    for p in path.rglob("*") if path.exists() else []:
        if p.is_file():
            files += 1
            size += p.stat().st_size
    return files, size / 1e6


def run_one(tool: str, spec: Path, gen: Path, keep: Path | None) -> Run:
    work = Path(tempfile.mkdtemp(prefix=f"gen-{tool}-"))
    try:
        argv, cwd, env, out = TOOLS[tool](work, spec, gen)
        log = work / "log.txt"
        rc, seconds, rss = measure(argv, cwd, env, log)
        text = log.read_text(errors="replace")
        note = ""
        if rc != 0 and tool.startswith("oag") and "--skip-validate-spec" in text:
            # The spec is invalid for swagger-parser; note it and time the run that skips validation.
            first = next(
                (
                    ln.strip()
                    for ln in text.splitlines()
                    if ln.strip().startswith("-attribute")
                ),
                "",
            )
            shutil.rmtree(out, ignore_errors=True)
            argv = argv + ["--skip-validate-spec"]
            rc, seconds, rss = measure(argv, cwd, env, log)
            text = log.read_text(errors="replace")
            note = f"needs --skip-validate-spec ({first})"
        files, mb = tree_size(out)
        warnings = sum(
            1 for ln in text.splitlines() if "WARN" in ln or ln.startswith("Warning")
        )
        errors = sum(1 for ln in text.splitlines() if " ERROR " in ln)
        if warnings:
            note = f"{note}; {warnings} warning lines".lstrip("; ")
        if errors:
            note = f"{note}; {errors} ERROR lines".lstrip("; ")
        if rc != 0:
            tail = " | ".join(ln.strip() for ln in text.splitlines()[-3:])
            note = f"{note}; exit {rc}: {tail}".lstrip("; ")
        if keep:
            dest = keep / f"{tool}--{spec.stem}"
            shutil.rmtree(dest, ignore_errors=True)
            shutil.copytree(work, dest)
        return Run(
            tool,
            spec.name,
            rc == 0 and files > 0,
            round(seconds, 3),
            round(rss, 1),
            rc,
            files,
            round(mb, 2),
            note,
            argv,
        )
    finally:
        shutil.rmtree(work, ignore_errors=True)


def table(runs: list[Run]) -> str:
    lines = [
        "| spec | tool | ok | seconds | peak RSS MB | files | output MB | note |",
        "|---|---|---|---:|---:|---:|---:|---|",
    ]
    for r in runs:
        lines.append(
            f"| {r.spec} | {r.tool} | {'yes' if r.ok else 'NO'} | {r.seconds:.2f} | {r.peak_rss_mb:.0f} | {r.files} | {r.output_mb:.1f} | {r.note} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    p.add_argument(
        "--tools",
        default=",".join(DEFAULT_TOOLS),
        help=f"comma-separated, from {', '.join(TOOLS)}",
    )
    p.add_argument(
        "--specs",
        nargs="+",
        default=["ours", "public", "more", "synthetic"],
        help="ours, public, synthetic or files",
    )
    p.add_argument(
        "--generator",
        type=Path,
        default=GENERATOR,
        help="our generator binary (release build)",
    )
    p.add_argument("--json", type=Path, help="also write the runs as JSON here")
    p.add_argument(
        "--keep", type=Path, help="copy each run's output and log under this directory"
    )
    args = p.parse_args(argv)

    tools = [t for t in args.tools.split(",") if t]
    unknown = [t for t in tools if t not in TOOLS]
    if unknown:
        p.error(f"unknown tools {unknown}; known: {list(TOOLS)}")
    if any(t.startswith("ours") for t in tools) and not args.generator.exists():
        p.error(
            f"{args.generator} missing: run `cargo build --release -p generator` first"
        )
    if args.keep:
        args.keep.mkdir(parents=True, exist_ok=True)

    runs = []
    for spec in spec_files(args.specs):
        for tool in tools:
            r = run_one(tool, spec, args.generator.resolve(), args.keep)
            print(
                f"{r.spec:40} {r.tool:16} {'ok ' if r.ok else 'FAIL'} {r.seconds:8.2f} s {r.peak_rss_mb:8.0f} MB  {r.note}",
                flush=True,
            )
            runs.append(r)
    print()
    print(table(runs))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps([asdict(r) for r in runs], indent=1) + "\n")
    return 0 if all(r.ok for r in runs) else 1


if __name__ == "__main__":
    sys.exit(main())
