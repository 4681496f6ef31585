"""The examples run against the emulator with the installed package (pyright --strict checks them in tests/run)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import Emulator

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


@pytest.mark.parametrize("name", ["quickstart.py", "every_operation.py", "onboard.py"])
def test_example_runs(reset: Emulator, name: str) -> None:
    env = dict(os.environ, PARTNER_CENTER_BASE_URL=reset.url, PARTNER_CENTER_TOKEN="example-token")
    run = subprocess.run(
        [sys.executable, str(EXAMPLES / name)], env=env, capture_output=True, text=True, timeout=120, check=False
    )
    assert run.returncode == 0, run.stderr
    assert "404 60003" in run.stdout
