"""The release wheel: the manylinux2014 x86_64 abi3 wheel (tests/packages/wheels.sh), `pip install` into a
fresh venv, run the example."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from conftest import Emulator

PACKAGE = Path(__file__).resolve().parents[1]
ROOT = PACKAGE.parents[1]
WHEELS = ROOT / "target" / "packages" / "wheels" / "x86_64-unknown-linux-gnu"


def _manylinux_wheel() -> Path:
    """The wheel CI built before the tests; built here (zig, a few minutes) when it is not there yet."""
    if not list(WHEELS.glob("*.whl")):
        subprocess.run(["bash", str(ROOT / "tests" / "packages" / "wheels.sh"), "x86_64-unknown-linux-gnu"], check=True)
    (wheel,) = WHEELS.glob("partner_center-*.whl")
    return wheel


@pytest.mark.slow
def test_release_wheel_installs_into_a_fresh_venv_and_runs_the_example(tmp_path: Path, emulator: Emulator) -> None:
    if sys.platform != "linux" or os.uname().machine != "x86_64":
        pytest.skip("the manylinux2014 x86_64 wheel runs on x86_64 Linux only")
    wheel = _manylinux_wheel()
    # Installable on any glibc >= 2.17 (RHEL 7/8, Debian 11, Ubuntu 20.04, Amazon Linux 2), CPython >= 3.9.
    assert wheel.name.endswith("-cp39-abi3-manylinux2014_x86_64.manylinux_2_17_x86_64.whl"), wheel.name
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
