"""Hostile answers (the emulator's answer faults, tests/sandbox/README.md) and pacing.

Each fault ends in its typed error — ``DecodeError`` (not retried), ``TransportError`` (a body cut
short; retried), ``ServerError`` 502 (a gateway's HTML page; retried), ``TimeoutError`` (a body that
trickles or never comes) — with a capped excerpt, never a crash or a hang, and the client goes on.
An answer larger than ``max_response_bytes`` is refused without being read whole (the peak RSS of a
fresh process stays far below the body's size). ``requests_per_minute`` keeps a burst under the
emulator's throttling that an unpaced burst runs into.
"""

from __future__ import annotations

import asyncio
import subprocess
import sys
import textwrap
import uuid
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

import partner_center as pc
from partner_center._errors import DecodeError

from conftest import TOKEN, Emulator

#: (fault, extra script members, error class, error kind)
FAULTS: list[tuple[str, dict[str, Any], type[pc.PartnerCenterError], str]] = [
    ("malformed_json", {}, DecodeError, "decode"),
    ("wrong_types", {}, DecodeError, "decode"),
    ("invalid_utf8", {}, DecodeError, "decode"),
    ("huge_body", {"bytes": 100_000_000}, DecodeError, "decode"),
    ("huge_body", {"bytes": 100_000_000, "chunked": True}, DecodeError, "decode"),
    ("truncated", {}, pc.TransportError, "transport"),
    ("html_502", {}, pc.ServerError, "server"),
    ("slow_body", {"intervalMs": 500}, pc.TimeoutError, "timeout"),
    ("stall_after_headers", {}, pc.TimeoutError, "timeout"),
]
IDS = [f + ("-chunked" if extra.get("chunked") else "") for f, extra, _, _ in FAULTS]


def admin(emu: Emulator, method: str, path: str, body: Any = None) -> Any:
    return emu.admin(method, path, body)


def injected(emu: Emulator, fault: str) -> int:
    return int(admin(emu, "GET", "/_sandbox/faults")["injected"][fault])


def script(emu: Emulator, fault: str, times: int = 1, **extra: Any) -> None:
    """The next ``times`` ``GET /v1/customers`` get ``fault``."""
    emu.faults(script=[{"method": "GET", "path": "/v1/customers", "fault": fault, "times": times, **extra}])


def in_flight(emu: Emulator) -> int:
    return int(emu.health()["inFlight"])


def wait_until_served(emu: Emulator, before: int, deadline: float = 15.0) -> None:
    """The emulator stopped serving the faulted call (the client closed its connection): no more
    calls in flight than ``before`` it (one left hanging by an earlier test does not count)."""
    emu.wait_health(lambda h: h["inFlight"] <= before, "the faulted call is still being served", deadline)


def check(err: pc.PartnerCenterError, fault: str, cls: type[pc.PartnerCenterError], kind: str) -> None:
    assert type(err) is cls, f"{fault}: {type(err).__name__}: {err}"
    assert err.kind == kind, fault
    assert err.request_id, f"{fault}: the error names its call"
    if cls is DecodeError:
        assert err.status == 200
        assert err.body is not None and len(err.body.encode()) <= 1024, f"{fault}: {err.body!r}"
        over_cap = "larger than this client's limit of 33554432 bytes" in err.message
        assert over_cap == (fault == "huge_body"), f"{fault}: {err.message}"
    if fault == "html_502":
        assert err.status == 502
        assert err.body is not None and err.body.startswith("<!DOCTYPE html>")
        # 5253 bytes sent, 4 KiB kept.
        assert len(err.body.encode()) == 4096, len(err.body.encode())


@pytest.mark.parametrize(("fault", "extra", "cls", "kind"), FAULTS, ids=IDS)
def test_each_answer_fault_is_its_typed_error_sync(
    reset: Emulator, fault: str, extra: dict[str, Any], cls: type[pc.PartnerCenterError], kind: str
) -> None:
    client = pc.Client(token=TOKEN, base_url=reset.url, max_retries=0, timeout=0.7)
    before = in_flight(reset)
    script(reset, fault, **extra)
    with pytest.raises(pc.PartnerCenterError) as caught:
        client.customers.list_page()
    check(caught.value, fault, cls, kind)
    assert injected(reset, fault) == 1
    # The connection of an answer given up on is closed at once, not at the thread's next call.
    wait_until_served(reset, before)
    # No crash, nothing left behind: the client goes on.
    assert client.customers.list_page().items == []


@pytest.mark.parametrize(("fault", "extra", "cls", "kind"), FAULTS, ids=IDS)
async def test_each_answer_fault_is_its_typed_error_async(
    reset: Emulator, fault: str, extra: dict[str, Any], cls: type[pc.PartnerCenterError], kind: str
) -> None:
    client = pc.AsyncClient(token=TOKEN, base_url=reset.url, max_retries=0, timeout=0.7)
    before = await asyncio.to_thread(in_flight, reset)
    script(reset, fault, **extra)
    with pytest.raises(pc.PartnerCenterError) as caught:
        await asyncio.wait_for(client.customers.list_page(), 30)
    check(caught.value, fault, cls, kind)
    assert await asyncio.to_thread(injected, reset, fault) == 1
    await asyncio.to_thread(wait_until_served, reset, before)
    assert (await asyncio.wait_for(client.customers.list_page(), 30)).items == []


def test_a_cut_short_body_and_a_gateway_page_are_retried_and_a_decode_error_is_not(reset: Emulator) -> None:
    client = pc.Client(token=TOKEN, base_url=reset.url, max_retries=3, timeout=5)
    for fault in ("truncated", "html_502"):
        script(reset, fault)
        assert client.customers.list_page().items == []  # the retry got the real answer
        assert injected(reset, fault) == 1
    # The same request would get the same undecodable answer: one attempt, then the error.
    script(reset, "malformed_json", times=4)
    with pytest.raises(DecodeError):
        client.customers.list_page()
    assert injected(reset, "malformed_json") == 1


def test_max_response_bytes_is_the_clients_to_set(reset: Emulator) -> None:
    small = pc.Client(token=TOKEN, base_url=reset.url, max_response_bytes=64)
    with pytest.raises(DecodeError) as caught:
        small.customers.list_page()  # an empty page is longer than 64 bytes
    assert "larger than this client's limit of 64 bytes" in caught.value.message
    for bad in (0, -1):
        with pytest.raises(pc.PartnerCenterError) as refused:
            pc.Client(token=TOKEN, base_url=reset.url, max_response_bytes=bad)
        assert refused.value.kind == "config" and "max_response_bytes" in refused.value.message


#: Runs in a fresh interpreter: one ordinary call sync and async (the runtimes started), then a
#: huge answer sync and async against the given cap; prints the peak RSS (bytes) before and after.
_RSS_PROBE = textwrap.dedent(
    """
    import asyncio, json, resource, sys, urllib.request
    import partner_center as pc

    url, size, chunked, cap = sys.argv[1], int(sys.argv[2]), sys.argv[3] == "1", sys.argv[4]
    options = {} if cap == "default" else {"max_response_bytes": int(cap)}
    client = pc.Client(token="t", base_url=url, max_retries=0, timeout=60, **options)
    aclient = pc.AsyncClient(token="t", base_url=url, max_retries=0, timeout=60, **options)

    def fault():
        entry = {"method": "GET", "path": "/v1/customers", "fault": "huge_body", "bytes": size, "chunked": chunked}
        data = json.dumps({"script": [entry]}).encode()
        request = urllib.request.Request(url + "/_sandbox/faults", data=data, method="POST")
        request.add_header("Content-Type", "application/json")
        urllib.request.urlopen(request, timeout=10).read()

    def peak():
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024

    async def huge_async():
        try:
            await aclient.customers.list_page()
            raise SystemExit("the async call did not fail")
        except pc.PartnerCenterError as e:
            assert e.kind == "decode", e

    client.customers.list_page(size=1)
    asyncio.run(aclient.customers.list_page(size=1))
    before = peak()
    fault()
    try:
        client.customers.list_page()
        raise SystemExit("the sync call did not fail")
    except pc.PartnerCenterError as e:
        assert e.kind == "decode", e
    fault()
    asyncio.run(huge_async())
    print(before, peak())
    """
)

SIZE = 300_000_000


@pytest.mark.parametrize(
    ("chunked", "cap", "growth"),
    [
        # Content-Length over the cap: refused before reading.
        (False, "default", 16_000_000),
        # No length: read up to the cap (32 MiB by default, 1 MiB here), then refused.
        (True, "default", SIZE // 3),
        (True, str(1 << 20), 16_000_000),
    ],
    ids=["content-length", "chunked-default-cap", "chunked-1MiB-cap"],
)
def test_a_huge_answer_is_refused_without_being_read_whole(
    reset: Emulator, chunked: bool, cap: str, growth: int
) -> None:
    before = in_flight(reset)
    try:
        done = subprocess.run(
            [sys.executable, "-c", _RSS_PROBE, reset.url, str(SIZE), "1" if chunked else "0", cap],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
    except subprocess.TimeoutExpired:  # run() killed it
        pytest.fail("the huge answer was still being read after 120 s")
    assert done.returncode == 0, done.stderr
    before, after = (int(n) for n in done.stdout.split()[-2:])
    assert after - before < growth, (
        f"the peak RSS grew by {(after - before) / 1e6:.0f} MB for a {SIZE / 1e6:.0f} MB answer"
    )
    assert injected(reset, "huge_body") == 1  # the async call's (the probe's second POST reset the count)
    wait_until_served(reset, before)


# -- pacing --------------------------------------------------------------------------------------

#: The emulator throttles each token at 40 requests per 2 s window (1,200 a minute).
THROTTLE = {"limit": 40, "windowMs": 2000}
#: Just under it.
PACE = 1000


def throttled_sync(url: str, calls: int, threads: int, **options: Any) -> int:
    """``calls`` calls from ``threads`` threads with one client; how many were throttled."""
    client = pc.Client(token=f"pacing-{uuid.uuid4()}", base_url=url, max_retries=0, **options)

    def one(_: int) -> bool:
        try:
            client.customers.list_page(size=1)
        except pc.ThrottledError:
            return True
        return False

    with ThreadPoolExecutor(threads) as pool:
        return sum(pool.map(one, range(calls), timeout=120))


async def throttled_async(url: str, calls: int, in_flight: int, **options: Any) -> int:
    client = pc.AsyncClient(token=f"pacing-{uuid.uuid4()}", base_url=url, max_retries=0, **options)
    gate = asyncio.Semaphore(in_flight)

    async def one() -> bool:
        async with gate:
            try:
                await client.customers.list_page(size=1)
            except pc.ThrottledError:
                return True
            return False

    return sum(await asyncio.wait_for(asyncio.gather(*(one() for _ in range(calls))), 120))


@pytest.fixture
def throttling(reset: Emulator) -> Emulator:
    admin(reset, "POST", "/_sandbox/throttle", THROTTLE)
    return reset


def test_pacing_keeps_sync_calls_under_the_throttle(throttling: Emulator) -> None:
    assert throttled_sync(throttling.url, 100, 16) > 0, "without pacing the burst is throttled"
    assert throttled_sync(throttling.url, 100, 16, requests_per_minute=PACE) == 0


def test_every_threads_own_client_shares_the_pace(throttling: Emulator) -> None:
    # Two threads: each sync call runs on its thread's own client (as many calls as cores), so
    # two clients pace together or the pair goes twice as fast as asked.
    assert throttled_sync(throttling.url, 50, 2, requests_per_minute=PACE) == 0


async def test_pacing_keeps_async_calls_under_the_throttle(throttling: Emulator) -> None:
    assert await throttled_async(throttling.url, 100, 16) > 0, "without pacing the burst is throttled"
    assert await throttled_async(throttling.url, 100, 16, requests_per_minute=PACE) == 0


def test_a_rate_must_be_positive(reset: Emulator) -> None:
    for bad in (0, -5, 2**32):
        with pytest.raises(pc.PartnerCenterError) as caught:
            pc.AsyncClient(token=TOKEN, base_url=reset.url, requests_per_minute=bad)
        assert caught.value.kind == "config" and "requests_per_minute" in caught.value.message

