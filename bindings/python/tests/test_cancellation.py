"""asyncio cancellation: a cancelled task's call is aborted in Rust — its connection is closed, the
emulator stops serving it — and the client goes on working.

The emulator holds the call (added latency before the handler, or an answer whose body never comes)
and reports what it is serving (`inFlight`) and the connections open (`connections`); the waits
for those are bounded polls, never a wall-clock assertion.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any

import pytest

import partner_center as pc

from conftest import TOKEN, Emulator, new_customer

#: How the emulator holds a call in flight: before the handler (the client waits for headers) or
#: after the headers (the client waits for the body).
HOLDS: dict[str, dict[str, Any]] = {
    "latency": {"latencyMs": 60_000},
    "stall_after_headers": {"script": [{"fault": "stall_after_headers", "stallSeconds": 60}]},
}


async def until(emu: Emulator, test: Callable[[dict[str, Any]], bool], what: str, deadline: float = 15.0) -> None:
    """Polls the emulator's health until ``test`` holds; fails after ``deadline`` seconds."""
    end = time.monotonic() + deadline
    seen: dict[str, Any] = {}
    while time.monotonic() < end:
        seen = await asyncio.to_thread(emu.health)
        if test(seen):
            return
        await asyncio.sleep(0.05)
    pytest.fail(f"{what}: still not so after {deadline:.0f} s (health: {seen})")


@pytest.mark.parametrize("hold", sorted(HOLDS))
async def test_a_cancelled_task_closes_its_connection_and_the_client_goes_on(reset: Emulator, hold: str) -> None:
    client = pc.AsyncClient(token=TOKEN, base_url=reset.url, max_retries=0)
    baseline = (await asyncio.to_thread(reset.health))["connections"]
    reset.faults(**HOLDS[hold])
    task = asyncio.ensure_future(client.customers.get("4e1c9a52-0b7d-4c1a-9f3e-2a6b8c0d1e2f"))
    await until(reset, lambda h: h["inFlight"] == 1 and h["connections"] > baseline, "the call reaches the emulator")

    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await asyncio.wait_for(task, 10)
    # The Rust task was dropped with its request: the connection is closed, nothing is served.
    await until(
        reset,
        lambda h: h["inFlight"] == 0 and h["connections"] <= baseline,
        "the cancelled call's connection is closed",
    )

    reset.faults()
    created = await asyncio.wait_for(asyncio.gather(*(client.customers.create(new_customer()) for _ in range(4))), 30)
    assert len({c.id for c in created}) == 4
    assert (await asyncio.wait_for(client.customers.get(str(created[0].id)), 30)).id == created[0].id


async def test_a_timeout_around_a_call_cancels_it_the_same_way(reset: Emulator) -> None:
    # asyncio.wait_for cancels the call when its own deadline passes: same as task.cancel().
    client = pc.AsyncClient(token=TOKEN, base_url=reset.url, max_retries=0)
    baseline = (await asyncio.to_thread(reset.health))["connections"]
    reset.faults(**HOLDS["stall_after_headers"])
    with pytest.raises(asyncio.TimeoutError):
        await asyncio.wait_for(client.customers.get("4e1c9a52-0b7d-4c1a-9f3e-2a6b8c0d1e2f"), 0.5)
    await until(
        reset,
        lambda h: h["inFlight"] == 0 and h["connections"] <= baseline,
        "the timed-out call's connection is closed",
    )
    reset.faults()
    assert await asyncio.wait_for(client.domains.exists("contoso.onmicrosoft.com"), 30) in (True, False)


async def test_cancelling_many_calls_at_once_leaves_nothing_in_flight(reset: Emulator) -> None:
    client = pc.AsyncClient(token=TOKEN, base_url=reset.url, max_retries=0)
    baseline = (await asyncio.to_thread(reset.health))["connections"]
    reset.faults(latencyMs=60_000)
    tasks = [asyncio.ensure_future(client.customers.create(new_customer())) for _ in range(16)]
    await until(reset, lambda h: h["inFlight"] == 16, "16 calls reach the emulator")
    for task in tasks:
        task.cancel()
    results = await asyncio.wait_for(asyncio.gather(*tasks, return_exceptions=True), 10)
    assert all(isinstance(r, asyncio.CancelledError) for r in results)
    await until(
        reset,
        lambda h: h["inFlight"] == 0 and h["connections"] <= baseline,
        "every cancelled call's connection is closed",
    )
    reset.faults()
    assert await asyncio.wait_for(client.domains.exists("contoso.onmicrosoft.com"), 30) in (True, False)
    # Nothing was created: the emulator dropped the requests during their latency.
    assert (await asyncio.to_thread(reset.health))["customers"] == 0
