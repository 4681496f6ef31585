"""What every benchmark of bench/run.py shares: paths, the measured child process, a series of
values over rounds, and the emulator."""

from __future__ import annotations

import statistics
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

# What the benchmarks share with tests/reliability/run.py: the measured child, the emulator, the
# machine lines.
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "tools"))
import harness

ROOT = harness.ROOT
RELEASE = harness.host_target_dir() / "release"
VENV = ROOT / ".venv" / "bin"
WORK = ROOT / "target" / "bench"
TOKEN = "bench-token"
CONCURRENCY = (1, 16, 64)
OPS = ("get", "create")


# ---- measurements ------------------------------------------------------------------------------


def run_measured(cmd: Sequence[str]) -> harness.Finished:
    """`harness.run_measured(cmd)`: wall time, peak RSS; raises unless `cmd` exited with 0."""
    run = harness.run_measured(cmd)
    if run.exit_code != 0:
        tail = run.stderr[-2000:]
        raise RuntimeError(f"{' '.join(cmd)} exited with {run.exit_code}:\n{tail}")
    return run


@dataclass
class Series:
    """The values of one benchmark cell across rounds."""

    values: list[float] = field(default_factory=list)
    rss_mb: list[float] = field(default_factory=list)

    @property
    def median(self) -> float:
        return statistics.median(self.values)

    @property
    def spread(self) -> float:
        return (
            (max(self.values) - min(self.values)) / self.median if self.median else 0.0
        )

    @property
    def peak_rss(self) -> float:
        return max(self.rss_mb)


# ---- the emulator --------------------------------------------------------------------------------


class Emulator(harness.Emulator):
    def __init__(self) -> None:
        super().__init__(
            RELEASE / "sandbox", "--throttle-per-minute", "0", "--quota", "1000000000"
        )

    def fresh_customer(self) -> str:
        """Empties the emulator (creates pile up otherwise) and creates the customer `get` reads."""
        self.request("POST", "/_sandbox/reset")
        customer = self.request(
            "POST",
            "/v1/customers",
            {
                "companyProfile": {"domain": "bench-get.onmicrosoft.com"},
                "billingProfile": {
                    "email": "bench@contoso.example",
                    "culture": "en-US",
                    "language": "en",
                    "companyName": "Bench Get",
                    "defaultAddress": {
                        "firstName": "Avery",
                        "lastName": "Howard",
                        "addressLine1": "1 Microsoft Way",
                        "city": "Redmond",
                        "state": "WA",
                        "postalCode": "98052",
                        "country": "US",
                        "phoneNumber": "4255550100",
                    },
                },
            },
            headers={"Authorization": f"Bearer {TOKEN}"},
        )
        return str(customer["id"])


LoadResults = dict[tuple[str, str, int], Series]
