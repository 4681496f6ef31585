"""Python runner of the soak (the flags and the JSON line are the contract in tests/reliability/README.md).

    python tests/reliability/python/soak.py --base-url URL --token T --prefix P \\
        [--creates N] [--concurrency C] [--timeout-seconds S] [--call-deadline-seconds D] \\
        [--max-retries R] [--max-replays M] [--replay-id same|fresh] [--ids-out FILE]

`--creates` logical creates (`POST /v1/customers` through `partner_center.AsyncClient`), each with
its own domain and its own request id, run by `--concurrency` asyncio tasks sharing one client. A
create that still fails after the client's own retries with a transient error (transport, timeout,
429, 5xx) is replayed with the same request id (`--replay-id fresh`: a new one, to show why not),
at most `--max-replays` times. Every client call runs under a deadline (`asyncio.wait_for`): one
that has not settled by then counts as hung and is replayed like a transient failure, so a hang
shows in the numbers instead of stopping the run. stdout carries nothing but the result line.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import partner_center as pc

# The create body, shared with the Python benchmark clients.
sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "tools"))
from create_body import new_customer

# What a replay may fix: the failures the client itself retries.
TRANSIENT = frozenset({"transport", "timeout", "throttled", "server"})


@dataclass
class Tally:
    calls: int = 0
    replays: int = 0
    succeeded: int = 0
    failed: int = 0
    hung: int = 0
    max_call_seconds: float = 0.0
    # Client calls that failed (after the client's own retries), by kind.
    errors: Counter[str] = field(default_factory=Counter)
    # domain -> customer id of every logical create that succeeded.
    ids: dict[str, str] = field(default_factory=dict)

    def error(self, kind: str, message: str) -> None:
        if not self.errors[kind]:
            print(f"first {kind} error: {message}", file=sys.stderr)
        self.errors[kind] += 1


async def logical_create(
    client: pc.AsyncClient, o: argparse.Namespace, tally: Tally, n: int
) -> None:
    """One logical create: the first call, then replays while it fails transiently."""
    domain = f"{o.prefix}-{n}.onmicrosoft.com"
    body = new_customer(domain, "Contoso Soak")
    request_id = str(uuid.uuid4())
    replay = 0
    while True:
        tally.calls += 1
        started = time.perf_counter()
        try:
            customer = await asyncio.wait_for(
                client.customers.create(body, request_id=request_id),
                o.call_deadline_seconds,
            )
        except pc.PartnerCenterError as e:
            tally.error(e.kind, str(e))
            retry = e.kind in TRANSIENT
        except TimeoutError:
            # wait_for's own timeout (the client's is pc.TimeoutError, a PartnerCenterError).
            tally.hung += 1
            tally.error(
                "hung", f"{domain}: no answer within {o.call_deadline_seconds} s"
            )
            retry = True
        else:
            tally.ids[domain] = str(customer.id)
            tally.succeeded += 1
            return
        finally:
            tally.max_call_seconds = max(
                tally.max_call_seconds, time.perf_counter() - started
            )
        if not retry or replay >= o.max_replays:
            tally.failed += 1
            return
        replay += 1
        tally.replays += 1
        if o.replay_id == "fresh":
            request_id = str(uuid.uuid4())
        # A short pause that grows with the replays, on top of the client's own backoff.
        await asyncio.sleep(0.2 * min(replay, 10))


async def run(o: argparse.Namespace) -> tuple[dict[str, str], dict[str, Any]]:
    tally = Tally()
    numbers = iter(
        range(o.creates)
    )  # shared by the tasks; next() never awaits, so no lock

    async with pc.AsyncClient(
        token=o.token,
        base_url=o.base_url,
        timeout=o.timeout_seconds,
        max_retries=o.max_retries,
    ) as client:

        async def worker() -> None:
            for n in numbers:
                await logical_create(client, o, tally, n)

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(o.concurrency)))
        seconds = time.perf_counter() - started

    return tally.ids, {
        "language": "python",
        "creates": o.creates,
        "concurrency": o.concurrency,
        "calls": tally.calls,
        "replays": tally.replays,
        "succeeded": tally.succeeded,
        "failed": tally.failed,
        "hung": tally.hung,
        "errors": dict(sorted(tally.errors.items())),
        "max_call_seconds": round(tally.max_call_seconds, 6),
        "seconds": round(seconds, 6),
    }


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    p.add_argument("--base-url", required=True)
    p.add_argument("--token", required=True)
    p.add_argument(
        "--prefix", required=True, help="domains are PREFIX-<n>.onmicrosoft.com"
    )
    p.add_argument("--creates", type=int, default=2000)
    p.add_argument("--concurrency", type=int, default=32)
    p.add_argument(
        "--timeout-seconds",
        type=float,
        default=10.0,
        help="the client's per-attempt timeout",
    )
    p.add_argument(
        "--call-deadline-seconds",
        type=float,
        default=60.0,
        help="a call not settled by then is hung",
    )
    p.add_argument(
        "--max-retries", type=int, default=2, help="the client's own retries"
    )
    p.add_argument(
        "--max-replays",
        type=int,
        default=20,
        help="replays after the client gave up; 0 = none",
    )
    p.add_argument("--replay-id", choices=("same", "fresh"), default="same")
    p.add_argument(
        "--ids-out", help="write {domain: customer id} of the successful creates here"
    )
    o = p.parse_args(argv)
    if o.concurrency < 1 or o.creates < 0 or o.max_replays < 0:
        p.error(
            "--concurrency must be at least 1, --creates and --max-replays not negative"
        )
    o.base_url = o.base_url.rstrip("/")
    return o


def main() -> int:
    o = parse_args()
    ids, report = asyncio.run(run(o))
    if o.ids_out:
        with open(o.ids_out, "w", encoding="utf-8") as f:
            json.dump(ids, f)
    print(json.dumps(report), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
