"""Every error class, with the fields the native glue fills in, and retries on injected faults."""

from __future__ import annotations

import builtins
import pickle
import time
import uuid

import pytest

import partner_center as pc
from partner_center._errors import DecodeError, error_class

from conftest import TOKEN, Emulator, emulator_with, new_customer, unique_domain

CLOSED = "http://127.0.0.1:1"  # nothing listens there: any request would be a TransportError


def test_hierarchy_and_error_class() -> None:
    api = [
        pc.BadRequestError,
        pc.UnauthorizedError,
        pc.ForbiddenError,
        pc.NotFoundError,
        pc.ConflictError,
        pc.PreconditionFailedError,
        pc.ThrottledError,
        pc.ServerError,
    ]
    for cls in api:
        assert issubclass(cls, pc.ApiError)
    for cls in [pc.ApiError, pc.ValidationError, pc.TransportError, pc.TimeoutError]:
        assert issubclass(cls, pc.PartnerCenterError)
    assert issubclass(pc.TimeoutError, builtins.TimeoutError)
    kinds = {
        "bad_request": pc.BadRequestError,
        "unauthorized": pc.UnauthorizedError,
        "forbidden": pc.ForbiddenError,
        "not_found": pc.NotFoundError,
        "conflict": pc.ConflictError,
        "precondition_failed": pc.PreconditionFailedError,
        "throttled": pc.ThrottledError,
        "server": pc.ServerError,
        "other_status": pc.ApiError,
        "validation": pc.ValidationError,
        "transport": pc.TransportError,
        "timeout": pc.TimeoutError,
        "decode": DecodeError,
        "config": pc.PartnerCenterError,
        "something_new": pc.PartnerCenterError,
    }
    for kind, cls in kinds.items():
        assert error_class(kind) is cls


def test_errors_pickle_with_their_fields() -> None:
    err = pc.ThrottledError("x", kind="throttled", status=429, retry_after=2.0, request_id="r", data=[{"a": 1}])
    back = pickle.loads(pickle.dumps(err))
    assert type(back) is pc.ThrottledError
    assert (back.status, back.retry_after, back.request_id, back.data) == (429, 2.0, "r", [{"a": 1}])
    timeout = pickle.loads(pickle.dumps(pc.TimeoutError("slow", kind="timeout")))
    assert isinstance(timeout, builtins.TimeoutError) and timeout.kind == "timeout"


def test_validation_errors_are_raised_before_any_request() -> None:
    client = pc.Client(token=TOKEN, base_url=CLOSED, max_retries=0)
    with pytest.raises(pc.ValidationError) as err:
        client.domains.exists("not a domain")
    assert err.value.kind == "validation"
    assert err.value.status is None and err.value.request_id is None
    assert [path for path, _ in err.value.errors] == ["domain"]

    with pytest.raises(pc.ValidationError) as err:
        client.country_validation_rules.get("USA")
    assert err.value.errors and err.value.errors[0][0] == "country"

    with pytest.raises(pc.ValidationError) as err:
        client.customers.get("not-a-uuid")
    assert err.value.errors[0][0] == "customer-tenant-id"

    bad = new_customer()
    assert bad.billing_profile is not None
    bad.billing_profile.email = "not-an-email"
    bad.billing_profile.default_address.address_line1 = ""  # type: ignore[union-attr]
    with pytest.raises(pc.ValidationError) as err:
        client.customers.create(bad)
    paths = {path for path, _ in err.value.errors}
    assert "billingProfile.email" in paths
    assert "billingProfile.defaultAddress.addressLine1" in paths
    assert "billingProfile.email" in str(err.value)

    with pytest.raises(pc.ValidationError) as err:
        client.customers.create({"companyProfile": {"domain": unique_domain()}})  # pyright: ignore[reportArgumentType] (billingProfile left out)
    assert ("billingProfile", "is required") in err.value.errors


def test_bad_request_400(base_url: str) -> None:
    client = pc.Client(token=TOKEN, base_url=base_url, validate=False)
    bad = new_customer()
    assert bad.billing_profile is not None
    bad.billing_profile.email = "not-an-email"
    with pytest.raises(pc.BadRequestError) as err:
        client.customers.create(bad)
    e = err.value
    assert (e.kind, e.status, e.code) == ("bad_request", 400, "3000")
    assert e.description and "billingProfile.email" in e.description
    assert e.request_id and e.correlation_id == client.correlation_id
    assert e.body and "3000" in e.body
    assert isinstance(e.data, list)
    assert "400" in str(e) and "3000" in str(e) and e.request_id in str(e)


def test_unauthorized_401_with_a_wrong_token() -> None:
    with emulator_with("--token", "the-right-token") as emu:
        good = pc.Client(token="the-right-token", base_url=emu.url)
        assert good.domains.exists(unique_domain()) is False
        bad = pc.Client(token="the-wrong-token", base_url=emu.url)
        with pytest.raises(pc.UnauthorizedError) as err:
            bad.customers.list_page(size=1)
        assert err.value.status == 401 and err.value.kind == "unauthorized"
        assert "the-wrong-token" not in repr(err.value) + str(err.value) + repr(vars(err.value))


def test_not_found_404(client: pc.Client) -> None:
    missing = str(uuid.uuid4())
    with pytest.raises(pc.NotFoundError) as err:
        client.customers.get(missing)
    assert (err.value.status, err.value.code) == (404, "60003")
    with pytest.raises(pc.NotFoundError):
        client.country_validation_rules.get("UK")


def test_conflict_409(client: pc.Client) -> None:
    domain = unique_domain()
    client.customers.create(new_customer(domain))
    with pytest.raises(pc.ConflictError) as err:
        client.customers.create(new_customer(domain))
    assert err.value.status == 409


def test_precondition_failed_412(client: pc.Client) -> None:
    created = client.customers.create(new_customer())
    assert created.id is not None
    billing = client.profiles.get_billing(created.id)
    client.profiles.update_billing(created.id, billing)  # the etag in `billing` is now stale
    with pytest.raises(pc.PreconditionFailedError) as err:
        client.profiles.update_billing(created.id, billing)
    assert (err.value.status, err.value.code) == (412, "2055")
    with pytest.raises(pc.PreconditionFailedError):
        client.profiles.update_billing(created.id, billing, if_match='"1234"')


def test_throttled_429_with_retry_after(reset: Emulator) -> None:
    reset.faults(script=[{"method": "GET", "fault": "throttle", "retryAfterSeconds": 7, "times": 1}])
    client = pc.Client(token=TOKEN, base_url=reset.url, max_retries=0)
    with pytest.raises(pc.ThrottledError) as err:
        client.customers.list_page(size=1)
    assert err.value.status == 429 and err.value.kind == "throttled"
    assert err.value.retry_after == 7.0


@pytest.mark.parametrize(
    ("status", "cls"),
    [(403, pc.ForbiddenError), (500, pc.ServerError), (503, pc.ServerError), (418, pc.ApiError)],
)
def test_injected_statuses(reset: Emulator, status: int, cls: type[pc.ApiError]) -> None:
    reset.faults(script=[{"path": "/v1/customers", "fault": "status", "status": status, "times": 1}])
    client = pc.Client(token=TOKEN, base_url=reset.url, max_retries=0)
    with pytest.raises(cls) as err:
        client.customers.list_page(size=1)
    assert type(err.value) is cls
    assert err.value.status == status
    assert err.value.source == "PartnerFD"


def test_transport_error_on_a_closed_port() -> None:
    client = pc.Client(token=TOKEN, base_url=CLOSED, max_retries=0)
    with pytest.raises(pc.TransportError) as err:
        client.domains.exists("contoso.onmicrosoft.com")
    assert err.value.kind == "transport" and err.value.status is None
    assert err.value.request_id and err.value.correlation_id == client.correlation_id


def test_timeout(reset: Emulator) -> None:
    reset.faults(latencyMs=3000)
    client = pc.Client(token=TOKEN, base_url=reset.url, timeout=0.3, max_retries=0)
    started = time.monotonic()
    with pytest.raises(pc.TimeoutError) as err:
        client.domains.exists("contoso.onmicrosoft.com")
    assert time.monotonic() - started < 2.5
    assert isinstance(err.value, builtins.TimeoutError)
    assert err.value.kind == "timeout"
    # Per-call timeout wins over the client's.
    slow_ok = pc.Client(token=TOKEN, base_url=reset.url, max_retries=0)
    with pytest.raises(pc.TimeoutError):
        slow_ok.domains.exists("contoso.onmicrosoft.com", timeout=0.2)


async def test_async_errors(reset: Emulator) -> None:
    async with pc.AsyncClient(token=TOKEN, base_url=reset.url, max_retries=0) as client:
        with pytest.raises(pc.NotFoundError):
            await client.customers.get(str(uuid.uuid4()))
        with pytest.raises(pc.ValidationError):
            await client.domains.exists("not a domain")
        reset.faults(latencyMs=2000)
        with pytest.raises(pc.TimeoutError):
            await client.domains.exists("contoso.onmicrosoft.com", timeout=0.2)
    async with pc.AsyncClient(token=TOKEN, base_url=CLOSED, max_retries=0) as closed:
        with pytest.raises(pc.TransportError):
            await closed.domains.exists("contoso.onmicrosoft.com")


# ---------------------------------------------------------------------------------------------
# Retries (done by the Rust client).


def test_a_503_is_retried(reset: Emulator) -> None:
    reset.faults(script=[{"method": "GET", "path": "/v1/customers", "fault": "status", "status": 503, "times": 1}])
    client = pc.Client(token=TOKEN, base_url=reset.url)
    page = client.customers.list_page(size=1)
    assert page.status == 200
    assert reset.admin("GET", "/_sandbox/faults")["script"] == []


def test_a_429_is_retried_after_retry_after(reset: Emulator) -> None:
    reset.faults(script=[{"method": "GET", "fault": "throttle", "retryAfterSeconds": 1, "times": 1}])
    client = pc.Client(token=TOKEN, base_url=reset.url)
    started = time.monotonic()
    assert client.customers.list_page(size=1).status == 200
    assert time.monotonic() - started >= 0.9


def test_a_create_dropped_after_commit_is_retried_and_not_duplicated(reset: Emulator) -> None:
    reset.faults(script=[{"method": "POST", "path": "/v1/customers", "fault": "drop_after_commit", "times": 1}])
    client = pc.Client(token=TOKEN, base_url=reset.url)
    domain = unique_domain()
    created = client.customers.create(new_customer(domain))
    assert created.user_credentials is not None and created.user_credentials.password
    customers = list(client.customers.list())
    assert [c.id for c in customers] == [created.id]


def test_max_retries_bounds_the_attempts(reset: Emulator) -> None:
    reset.faults(script=[{"method": "GET", "fault": "status", "status": 503, "times": 2}])
    client = pc.Client(token=TOKEN, base_url=reset.url, max_retries=1)
    with pytest.raises(pc.ServerError):
        client.customers.list_page(size=1)
    assert reset.admin("GET", "/_sandbox/faults")["script"] == []
