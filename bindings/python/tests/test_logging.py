"""Call logs through Python's ``logging`` (logger ``partner_center``), against the emulator.

One record per attempt with the fields as attributes; retries (500/503, 429) are warnings, a failed
call's end is info, the rest debug; nothing secret in any record; a level the logger does not want
is never handed to it; ``PARTNER_CENTER_LOG`` gives a stderr handler; sync, async and a forked child.
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from typing import Any, NamedTuple

import pytest

import partner_center as pc

from conftest import TENANT, TOKEN, Emulator, customer_id, new_customer

LOGGER = "partner_center"
FIELDS = ("operation", "method", "path", "status", "error", "attempt", "request_id", "duration_ms")
#: In a filter value: a query string must never reach a record.
QUERY_MARKER = "QueryMarker-7f3a"


@pytest.fixture
def debug(caplog: pytest.LogCaptureFixture) -> Iterator[pytest.LogCaptureFixture]:
    """Every record of the package, from debug up."""
    caplog.set_level(logging.DEBUG, logger=LOGGER)
    yield caplog


def records(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == LOGGER]


def fields(record: logging.LogRecord) -> dict[str, Any]:
    return {name: getattr(record, name) for name in FIELDS}


def faults_then_success(emu: Emulator) -> None:
    """The next GET answered 503, the one after 429 (Retry-After 1 s), then normally."""
    emu.faults(
        script=[
            {"method": "GET", "fault": "status", "status": 503},
            {"method": "GET", "fault": "throttle", "retryAfterSeconds": 1},
        ]
    )


def check_retried_list(recs: list[logging.LogRecord], request_id: str) -> None:
    assert [r.levelno for r in recs] == [logging.WARNING, logging.WARNING, logging.DEBUG], [r.getMessage() for r in recs]
    for attempt, r in enumerate(recs, 1):
        f = fields(r)
        assert f["operation"] == "listCustomers" and f["method"] == "GET", f
        assert f["path"] == "/v1/customers", f
        assert (f["attempt"], f["request_id"]) == (attempt, request_id), f
        assert isinstance(f["duration_ms"], float) and f["duration_ms"] >= 0, f
        assert f"attempt {attempt} of 3" in r.getMessage() and request_id in r.getMessage()
    assert [(r.status, r.error) for r in recs] == [(503, "server"), (429, "throttled"), (200, None)]  # type: ignore[attr-defined]
    assert recs[1].retry_after_ms == 1000.0 == recs[1].retry_in_ms  # type: ignore[attr-defined]
    assert "Retry-After" in recs[1].getMessage()
    assert recs[0].retry_after_ms is None and recs[0].retry_in_ms is not None  # type: ignore[attr-defined]
    assert recs[2].retry_in_ms is None  # type: ignore[attr-defined]


def test_sync_attempts_are_records_and_retries_are_warnings(client: pc.Client, reset: Emulator, debug: Any) -> None:
    faults_then_success(reset)
    page = client.customers.list_page(size=3)
    check_retried_list(records(debug), page.request_id)


async def test_async_attempts_are_records_and_retries_are_warnings(base_url: str, reset: Emulator, debug: Any) -> None:
    async with pc.AsyncClient(token=TOKEN, base_url=base_url) as client:
        faults_then_success(reset)
        page = await client.customers.list_page(size=3)
        # Emitted on the loop's thread, before the call's answer.
        check_retried_list(records(debug), page.request_id)


def test_a_failed_call_ends_with_info(client: pc.Client, reset: Emulator, debug: Any) -> None:
    missing = "00000000-0000-4000-8000-000000000001"
    with pytest.raises(pc.NotFoundError):
        client.customers.get(missing)
    (rec,) = records(debug)
    assert (rec.levelno, rec.status, rec.error) == (logging.INFO, 404, "not_found")  # type: ignore[attr-defined]
    assert rec.path == f"/v1/customers/{missing}"  # type: ignore[attr-defined]
    assert rec.getMessage().endswith("; the call fails (not_found)"), rec.getMessage()
    debug.clear()
    with pc.Client(token=TOKEN, base_url=reset.url, max_retries=0) as once:
        reset.faults(script=[{"method": "GET", "fault": "status", "status": 503}])
        with pytest.raises(pc.ServerError):
            once.customers.list_page()
    (rec,) = records(debug)
    assert (rec.levelno, rec.status, rec.attempt) == (logging.INFO, 503, 1)  # type: ignore[attr-defined]


def test_by_default_only_retries_reach_logging(client: pc.Client, reset: Emulator, caplog: Any) -> None:
    # Nothing configured: the logger's effective level is the root's WARNING.
    faults_then_success(reset)
    client.customers.list_page()
    assert [r.levelno for r in records(caplog)] == [logging.WARNING, logging.WARNING]


class Calls(NamedTuple):
    levels: list[int]


def test_levels_the_logger_does_not_want_are_never_handed_to_it(
    client: pc.Client, reset: Emulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The native module asks the logger's level when a call starts and builds no record below it
    (``Logger.log`` would drop it, but only after the GIL was taken and the record built)."""
    logger = logging.getLogger(LOGGER)
    calls = Calls([])
    real = logger.log

    def counting(level: int, msg: object, *args: Any, **kwargs: Any) -> None:
        calls.levels.append(level)
        real(level, msg, *args, **kwargs)

    monkeypatch.setattr(logger, "log", counting)
    monkeypatch.setattr(logger, "level", logging.WARNING)
    client.customers.list_page()  # one successful attempt: a debug event
    with pytest.raises(pc.NotFoundError):  # one failed call: an info event
        client.customers.get("00000000-0000-4000-8000-000000000002")
    assert calls.levels == []
    logger.setLevel(logging.INFO)
    with pytest.raises(pc.NotFoundError):
        client.customers.get("00000000-0000-4000-8000-000000000002")
    assert calls.levels == [logging.INFO]


class Foreign:
    """An azure-core style credential that signs in with a client secret at the emulator and keeps
    the bearer tokens it handed out."""

    class Token(NamedTuple):
        token: str
        expires_on: int

    def __init__(self, emu: Emulator, client_id: str, secret: str) -> None:
        self.emu, self.client_id, self.secret = emu, client_id, secret
        self.issued: list[str] = []

    def get_token(self, *scopes: str, **_: Any) -> Foreign.Token:
        token = self.emu.token(self.client_id, self.secret)
        self.issued.append(token)
        return Foreign.Token(token, int(time.time()) + 3600)


def test_no_secret_reaches_a_record(reset: Emulator, debug: Any) -> None:
    secret = "Logging-Client-Secret-93x"
    client_id = "logs-app-0001"
    reset.register_app(client_id, secret)
    refresh = reset.refresh_token(client_id)
    foreign = Foreign(reset, client_id, secret)
    secrets = [secret, refresh, TOKEN, QUERY_MARKER]

    with pc.Client(credential=pc.ClientSecretCredential(TENANT, client_id, secret, authority_host=reset.url), base_url=reset.url) as app:
        created = app.customers.create(new_customer())
        assert created.user_credentials is not None and created.user_credentials.password
        secrets.append(created.user_credentials.password)
        flt = pc.CustomerFilter(field=pc.CustomerSearchField.COMPANY_NAME, value=QUERY_MARKER, operator=pc.FieldFilterOperation.STARTS_WITH)
        reset.faults(script=[{"method": "GET", "fault": "status", "status": 500}])
        app.customers.list_page(size=7, filter=flt)
    with pc.Client(credential=foreign, base_url=reset.url) as signed_in:
        reset.faults(script=[{"method": "GET", "fault": "throttle", "retryAfterSeconds": 0}])
        signed_in.customers.list_page()
    with pc.Client(
        credential=pc.RefreshTokenCredential(TENANT, client_id, refresh, client_secret=secret, authority_host=reset.url),
        base_url=reset.url,
    ) as user:
        user.profiles.get_company(customer_id(user))
    with pc.Client(token=TOKEN, base_url=reset.url) as plain:
        plain.customers.get(str(created.id))
    secrets += foreign.issued
    assert foreign.issued

    recs = records(debug)
    ops = {r.operation for r in recs}  # type: ignore[attr-defined]
    assert {"createCustomer", "listCustomers", "getCompanyProfile", "getCustomer"} <= ops, ops
    assert any(r.levelno == logging.WARNING for r in recs)
    assert [r.path for r in recs if r.operation == "listCustomers"] == ["/v1/customers"] * 4  # type: ignore[attr-defined]
    for r in recs:
        shown = r.getMessage() + repr(vars(r))
        for value in secrets:
            assert value not in shown, f"a secret in a record: {shown}"
        assert "size=" not in shown and "filter" not in shown, shown


def run_script(emu: Emulator, level: str | None, script: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "PARTNER_CENTER_LOG"}
    if level is not None:
        env["PARTNER_CENTER_LOG"] = level
    prelude = f"import partner_center as pc\nc = pc.Client(token={TOKEN!r}, base_url={emu.url!r})\n"
    return subprocess.run(
        [sys.executable, "-c", prelude + script], env=env, capture_output=True, text=True, timeout=60, check=True
    )


def test_partner_center_log_adds_a_stderr_handler(reset: Emulator) -> None:
    call = "c.customers.list_page(size=2)\n"
    shown = run_script(reset, "debug", call).stderr
    assert "DEBUG partner_center: listCustomers GET /v1/customers: 200 in " in shown, shown
    assert "size" not in shown
    reset.faults(script=[{"method": "GET", "fault": "status", "status": 503}])
    shown = run_script(reset, "warning", call).stderr
    assert "WARNING partner_center: listCustomers GET /v1/customers: 503 in " in shown, shown
    assert "DEBUG" not in shown, shown
    # Unset: the package's NullHandler keeps even warnings off stderr (no "last resort" output).
    reset.faults(script=[{"method": "GET", "fault": "status", "status": 503}])
    assert run_script(reset, None, call).stderr == ""


@pytest.mark.filterwarnings("ignore:.*use of fork\\(\\) may lead to deadlocks.*:DeprecationWarning")
@pytest.mark.skipif(not hasattr(os, "fork"), reason="no fork() on this platform")
def test_a_forked_child_logs_its_calls(client: pc.Client, reset: Emulator, tmp_path: Any, debug: Any) -> None:
    client.customers.list_page()  # the parent's runtime and pool exist before the fork
    out = tmp_path / "child.log"
    pid = os.fork()
    if pid == 0:
        code = 1
        try:
            handler = logging.FileHandler(out)
            handler.setFormatter(logging.Formatter("%(levelname)s %(attempt)s %(status)s %(message)s"))
            logging.getLogger(LOGGER).addHandler(handler)
            reset.faults(script=[{"method": "GET", "fault": "status", "status": 500}])
            client.customers.list_page()
            handler.flush()
            code = 0
        finally:
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    assert os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0
    lines = out.read_text().splitlines()
    assert [line.split()[:3] for line in lines] == [["WARNING", "1", "500"], ["DEBUG", "2", "200"]], lines
