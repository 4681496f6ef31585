"""The parts of the report that are not measurements: the machine, the artefact sizes, and the
hand-written notes carried into every report."""

from __future__ import annotations

import datetime as dt
import re
import subprocess
import sys
from pathlib import Path

from common import ROOT, VENV, harness


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
