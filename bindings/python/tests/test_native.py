"""The native glue on its own (partner_center._native): argument checks and token providers."""

from __future__ import annotations

import json
import threading
import time

import pytest

import partner_center as pc
from partner_center._native import NativeClient

from conftest import TOKEN, Emulator, emulator_with


def test_call_returns_status_headers_request_id_and_json(reset: Emulator) -> None:
    native = NativeClient(base_url=reset.url, token=TOKEN)
    status, headers, request_id, body = native.call("checkDomainExists", b'{"domain": "contoso.onmicrosoft.com"}')
    assert (status, json.loads(body)) == (404, False)
    assert dict(headers)["ms-requestid"] == request_id
    assert native.base_url == reset.url
    assert TOKEN not in repr(native)


def test_bad_arguments_are_refused_before_any_request() -> None:
    native = NativeClient(base_url="http://127.0.0.1:1", token=TOKEN)
    with pytest.raises(ValueError, match="unknown operation"):
        native.call("noSuchOperation", b"{}")
    with pytest.raises(pc.ValidationError):
        native.call("checkDomainExists", b"[1, 2]")
    with pytest.raises(pc.ValidationError) as err:
        native.call("checkDomainExists", b"{}")
    assert err.value.errors == [("domain", "is required")]
    with pytest.raises(pc.ValidationError) as err:
        native.call("checkDomainExists", b'{"domain": 5}')
    assert err.value.errors[0][0] == "domain"
    with pytest.raises(pc.ValidationError):
        native.call("checkDomainExists", b'{"domain": "contoso.onmicrosoft.com"}', timeout=-1.0)


def test_call_async_needs_a_running_loop() -> None:
    native = NativeClient(base_url="http://127.0.0.1:1", token=TOKEN)
    with pytest.raises(RuntimeError):
        native.call_async("checkDomainExists", b'{"domain": "contoso.onmicrosoft.com"}')


class Provider:
    def __init__(self, tokens: list[str]) -> None:
        self.tokens = tokens
        self.calls = 0
        self.invalidated = threading.Event()
        self.threads: set[str] = set()

        self.order: list[str] = []

    def token(self) -> str:
        self.threads.add(threading.current_thread().name)
        self.order.append("token")
        self.calls += 1
        return self.tokens[min(self.calls, len(self.tokens)) - 1]

    def invalidate(self) -> None:
        self.order.append("invalidate")
        self.invalidated.set()


def test_token_provider_object_callable_and_failures() -> None:
    with emulator_with("--token", "fresh-token") as emu:
        provider = Provider(["stale-token", "fresh-token"])
        native = NativeClient(base_url=emu.url, token_provider=provider, max_retries=0)
        args = ("checkDomainExists", b'{"domain": "contoso.onmicrosoft.com"}')
        # The stale token is answered 401: invalidate() runs, then the call is retried once with
        # a fresh token (same request id).
        assert native.call(*args)[0] == 404
        assert provider.invalidated.is_set()
        assert provider.calls == 2
        assert provider.order == ["token", "invalidate", "token"], "invalidated before the retry asks"
        assert threading.current_thread().name not in provider.threads  # never on the caller's thread

        assert NativeClient(base_url=emu.url, token_provider=lambda: "fresh-token").call(*args)[0] == 404

        def broken() -> str:
            raise OSError("vault unreachable")

        with pytest.raises(pc.PartnerCenterError) as err:
            NativeClient(base_url=emu.url, token_provider=broken).call(*args)
        assert err.value.kind == "config" and "OSError" in str(err.value)
        with pytest.raises(pc.PartnerCenterError) as err:
            NativeClient(base_url=emu.url, token_provider=lambda: 42).call(*args)
        assert err.value.kind == "config"
        with pytest.raises(ValueError):
            NativeClient(base_url=emu.url, token="a", token_provider=lambda: "b")


async def test_token_provider_with_the_async_path() -> None:
    with emulator_with("--token", "fresh-token") as emu:
        provider = Provider(["fresh-token"])
        native = NativeClient(base_url=emu.url, token_provider=provider)
        started = time.monotonic()
        status, _, _, _ = await native.call_async("checkDomainExists", b'{"domain": "contoso.onmicrosoft.com"}')
        assert status == 404 and provider.calls == 1
        assert time.monotonic() - started < 5


def test_sync_calls_from_one_and_many_threads_behave_alike(reset: Emulator) -> None:
    # A lone sync call runs on its thread's own runtime and client; with more calls in flight
    # than cores they go to the shared runtime. Both must send the same client configuration.
    client = pc.Client(token=TOKEN, base_url=reset.url, locale="de-DE", correlation_id="0f8fad5b-d9cb-469f-a165-70867728950e")
    seen: list[tuple[str | None, str | None, int]] = []
    lock = threading.Lock()

    def calls(n: int) -> None:
        for _ in range(n):
            response = client.country_validation_rules.get_with_response("DE")
            with lock:
                seen.append((response.headers.get("ms-correlationid"), response.headers.get("x-locale"), response.status))

    calls(5)
    threads = [threading.Thread(target=calls, args=(20,)) for _ in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(seen) == 5 + 16 * 20
    assert set(seen) == {("0f8fad5b-d9cb-469f-a165-70867728950e", "de-DE", 200)}
