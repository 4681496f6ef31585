"""The release wheel: `maturin build --release`, `pip install` into a fresh venv, run the example."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from conftest import Emulator

PACKAGE = Path(__file__).resolve().parents[1]


def _maturin() -> str:
    beside = Path(sys.executable).parent / "maturin"
    found = str(beside) if beside.exists() else shutil.which("maturin")
    if not found:
        pytest.skip("maturin is not installed (pip install maturin)")
    return found


@pytest.mark.slow
def test_release_wheel_installs_into_a_fresh_venv_and_runs_the_example(tmp_path: Path, emulator: Emulator) -> None:
    wheels = tmp_path / "wheels"
    subprocess.run(
        [_maturin(), "build", "--release", "--quiet", "--out", str(wheels), "--interpreter", sys.executable],
        cwd=PACKAGE,
        check=True,
    )
    (wheel,) = wheels.glob("partner_center-*.whl")
    assert "-abi3-" in wheel.name
    names = zipfile.ZipFile(wheel).namelist()
    for expected in ["_native.pyi", "py.typed", "_errors.py", "_client.py", "_models.py", "__init__.py"]:
        assert f"partner_center/{expected}" in names
    assert any(n.startswith("partner_center/_native.") and n.endswith(".so") for n in names)
    assert not any("tests/" in n or n.endswith("quickstart.py") for n in names)

    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = str(venv / "bin" / "python")
    subprocess.run(
        [python, "-m", "pip", "install", "--quiet", "--no-index", "--disable-pip-version-check", str(wheel)],
        check=True,
    )

    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env["PARTNER_CENTER_BASE_URL"] = emulator.url
    env["PARTNER_CENTER_TOKEN"] = "wheel-test-token"
    where = subprocess.run(
        [python, "-c", "import partner_center; print(partner_center.__file__)"],
        cwd=tmp_path,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    assert where.startswith(str(venv)), where

    emulator.reset()
    run = subprocess.run(
        [python, str(PACKAGE / "examples" / "quickstart.py")],
        check=False,
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr
    assert "created " in run.stdout and "[redacted]" in run.stdout
    assert "1 customers in the account" in run.stdout
    assert "taken now: True" in run.stdout
    assert "as expected: 404 60003" in run.stdout
