"""How calls run: the GIL is released during sync calls, Ctrl-C interrupts them, the async client
runs many calls at once without blocking the event loop."""

from __future__ import annotations

import asyncio
import os
import signal
import threading
import time

import pytest

import partner_center as pc

from conftest import TOKEN, Emulator, new_customer


def test_sync_calls_release_the_gil(reset: Emulator) -> None:
    client = pc.Client(token=TOKEN, base_url=reset.url)
    reset.faults(latencyMs=300)
    ticks = 0
    stop = threading.Event()

    def spin() -> None:
        nonlocal ticks
        while not stop.is_set():
            ticks += 1

    spinner = threading.Thread(target=spin)
    spinner.start()
    try:
        time.sleep(0.05)
        before = ticks
        client.domains.exists("contoso.onmicrosoft.com")  # >= 300 ms in the native call
        during = ticks - before
    finally:
        stop.set()
        spinner.join()
    # Holding the GIL for 300 ms would leave the spinner at (almost) zero.
    assert during > 10_000


@pytest.mark.skipif(threading.current_thread() is not threading.main_thread(), reason="signals go to the main thread")
def test_ctrl_c_interrupts_a_sync_call(reset: Emulator) -> None:
    client = pc.Client(token=TOKEN, base_url=reset.url, max_retries=0)
    reset.faults(latencyMs=10_000)
    # Python leaves SIGINT ignored when it starts ignored (a background job of a non-interactive
    # shell, as CI may run it): install the usual handler for this test.
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    timer = threading.Timer(0.3, lambda: os.kill(os.getpid(), signal.SIGINT))
    timer.start()
    try:
        with pytest.raises(KeyboardInterrupt):
            client.domains.exists("contoso.onmicrosoft.com")
    finally:
        timer.cancel()
        signal.signal(signal.SIGINT, previous)
    # Interrupted, not merely followed by the interrupt: the emulator saw the client go away
    # during the 10 s latency (a call left to finish would have been answered). No wall clock.
    reset.wait_health(lambda h: h["abandoned"] == 1, "the interrupted call was abandoned")
    reset.faults()
    assert client.domains.exists("contoso.onmicrosoft.com") is False  # the client still works


async def test_async_client_runs_100_calls_concurrently(reset: Emulator) -> None:
    async with pc.AsyncClient(token=TOKEN, base_url=reset.url) as client:
        created = await client.customers.create(new_customer())
        assert created.id is not None
        reset.faults(latencyMs=200)
        got = await asyncio.gather(*[client.customers.get(created.id) for _ in range(100)])
    assert [c.id for c in got] == [created.id] * 100
    # The emulator counts the calls it serves at once: one at a time would peak at 1 (and did
    # before the client was async); no wall-clock bound, the machines are shared.
    assert reset.admin("GET", "/_sandbox/health")["inFlightPeak"] > 10


def test_every_async_answer_reaches_its_loop(reset: Emulator) -> None:
    # Answers come back through one wake-up socket per event loop, drained in batches: none may be
    # lost, under load, with errors mixed in, on a second loop after the first one closed.
    created = pc.Client(token=TOKEN, base_url=reset.url).customers.create(new_customer())
    assert created.id is not None
    known, missing = created.id, "9f3c5b2e-1d4a-4c6b-8e7f-0a1b2c3d4e5f"

    async def burst() -> list[str]:
        async with pc.AsyncClient(token=TOKEN, base_url=reset.url) as client:
            in_flight = asyncio.Semaphore(64)

            async def one(i: int) -> str:
                async with in_flight:
                    try:
                        return str((await client.customers.get(missing if i % 10 == 0 else known)).id)
                    except pc.NotFoundError:
                        return "not found"

            # A lost wake-up would hang here: fail instead of hanging the suite.
            return await asyncio.wait_for(asyncio.gather(*(one(i) for i in range(2000))), 120)

    for _ in range(2):
        got = asyncio.run(burst())
        assert got.count("not found") == 200
        assert got.count(str(known)) == 1800


async def test_async_calls_do_not_block_the_event_loop(reset: Emulator) -> None:
    async with pc.AsyncClient(token=TOKEN, base_url=reset.url) as client:
        reset.faults(latencyMs=500)
        ticks = 0

        async def ticker() -> None:
            nonlocal ticks
            while True:
                await asyncio.sleep(0.01)
                ticks += 1

        task = asyncio.ensure_future(ticker())
        try:
            assert await client.domains.exists("contoso.onmicrosoft.com") is False
        finally:
            task.cancel()
    assert ticks >= 20


async def test_cancelling_an_async_call(reset: Emulator) -> None:
    async with pc.AsyncClient(token=TOKEN, base_url=reset.url, max_retries=0) as client:
        reset.faults(latencyMs=5000)
        with pytest.raises(asyncio.TimeoutError):
            await asyncio.wait_for(client.domains.exists("contoso.onmicrosoft.com"), 0.2)
        reset.faults()
        assert await client.domains.exists("contoso.onmicrosoft.com") is False


def test_one_client_shared_by_threads(client: pc.Client) -> None:
    results: list[bool] = []
    errors: list[BaseException] = []

    def work() -> None:
        try:
            for _ in range(5):
                results.append(client.domains.exists("contoso.onmicrosoft.com"))
        except BaseException as e:  # noqa: BLE001 - reported below
            errors.append(e)

    threads = [threading.Thread(target=work) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert results == [False] * 40
