"""Dict bodies with keys the model does not have: never dropped silently.

With validation on (the default) such a key, at any depth, is a ``ValidationError`` at its path
(wire names, a snake_case key that is not known as given) naming the closest known member, and
nothing is sent. With ``validate=False`` the body goes as given. Answers stay lenient: members the
models do not know are ignored.
"""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

import partner_center as pc
from partner_center._runtime import encode_body

from conftest import RESELLER_ID, TOKEN, Emulator, new_customer_dict, unique_domain


def body(**members: Any) -> dict[str, Any]:
    """A valid new-customer dict (snake_case keys), with ``members`` added or replacing."""
    return new_customer_dict(**members)


def refused(emu: Emulator, client: pc.Client, given: dict[str, Any]) -> dict[str, str]:
    """Creates ``given`` expecting a ValidationError with nothing sent; its errors by path."""
    before = emu.health()["requests"]
    with pytest.raises(pc.ValidationError) as caught:
        client.customers.create(given)  # pyright: ignore[reportArgumentType] (keys NewCustomerDict does not have, on purpose)
    after = emu.health()
    assert after["requests"] == before, "a request reached the service"
    assert after["customers"] == 0
    return dict(caught.value.errors)


MISSPELT: list[tuple[str, dict[str, Any], str, str]] = [
    # (case, body, path, closest known member)
    ("top level, snake_case", body(associated_partner_idd=RESELLER_ID), "associated_partner_idd", "associatedPartnerId"),
    ("top level, wire name", body(associatedPartnerIdd=RESELLER_ID), "associatedPartnerIdd", "associatedPartnerId"),
    (
        "nested",
        body(company_profile={"domain": unique_domain(), "domainn": "x.onmicrosoft.com"}),
        "companyProfile.domainn",
        "domain",
    ),
    (
        "two levels down",
        body(
            billing_profile={
                **body()["billing_profile"],
                "default_address": {**body()["billing_profile"]["default_address"], "postal_cod": "98052"},
            }
        ),
        "billingProfile.defaultAddress.postal_cod",
        "postalCode",
    ),
    (
        "in a list item",
        body(links={"self": {"uri": "/v1/x", "headers": [{"key": "a", "value": "b"}, {"key": "c", "value": "d", "valeu": "e"}]}}),
        "links.self.headers[1].valeu",
        "value",
    ),
]


@pytest.mark.parametrize(("case", "given", "path", "closest"), MISSPELT, ids=[m[0] for m in MISSPELT])
def test_a_misspelt_key_is_refused_at_its_path_and_nothing_is_sent(
    reset: Emulator, client: pc.Client, case: str, given: dict[str, Any], path: str, closest: str
) -> None:
    errors = refused(reset, client, given)
    assert path in errors, errors
    assert errors[path].startswith("unknown member"), errors[path]
    assert f'did you mean "{closest}"' in errors[path], errors[path]


def test_a_misspelt_required_key_is_named_too(reset: Emulator, client: pc.Client) -> None:
    # The misspelling alone (`domain` is required): reported as unknown, beside the missing member.
    errors = refused(reset, client, body(company_profile={"domainn": "x.onmicrosoft.com"}))
    assert 'did you mean "domain"' in errors.get("companyProfile.domainn", ""), errors
    assert errors.get("companyProfile.domain") == "is required", errors


def test_several_unknown_keys_are_all_reported(reset: Emulator, client: pc.Client) -> None:
    given = body(associated_partner_idd=RESELLER_ID, colour="blue")
    given["company_profile"]["domainn"] = "x.onmicrosoft.com"
    errors = refused(reset, client, given)
    assert {"associated_partner_idd", "colour", "companyProfile.domainn"} <= errors.keys(), errors
    # Nothing close to "colour": the message lists the members instead.
    assert "did you mean" not in errors["colour"] and '"associatedPartnerId"' in errors["colour"]


async def test_the_async_client_refuses_them_too(reset: Emulator) -> None:
    client = pc.AsyncClient(token=TOKEN, base_url=reset.url)
    before = (await asyncio.to_thread(reset.health))["requests"]
    with pytest.raises(pc.ValidationError) as caught:
        await client.customers.create(body(associated_partner_idd=RESELLER_ID))  # pyright: ignore[reportArgumentType] (keys NewCustomerDict does not have, on purpose)
    assert dict(caught.value.errors).keys() == {"associated_partner_idd"}
    assert (await asyncio.to_thread(reset.health))["requests"] == before


def test_known_keys_become_wire_names_and_unknown_keys_stay_as_given() -> None:
    # What the Python side hands to the Rust client: nothing dropped, at any depth.
    given = body(associated_partner_idd="r", AssociatedPartnerId="p")
    given["company_profile"]["domainn"] = "d"
    given["billing_profile"]["default_address"]["postal_cod"] = "c"
    wire = json.loads(encode_body(given, pc.NewCustomer))
    assert wire["associatedPartnerId"] == "p" and wire["associated_partner_idd"] == "r"
    assert wire["companyProfile"]["domainn"] == "d" and "domain" in wire["companyProfile"]
    assert wire["billingProfile"]["companyName"] == "Contoso"
    assert wire["billingProfile"]["defaultAddress"]["postal_cod"] == "c"
    assert wire["billingProfile"]["defaultAddress"]["postalCode"] == "98052"
    # A model and the same dict encode alike.
    model = pc.NewCustomer.from_dict(body())
    assert json.loads(encode_body(model, pc.NewCustomer)).keys() == json.loads(encode_body(body(), pc.NewCustomer)).keys()
    # A dict set on a model's field is converted the same way.
    model.company_profile = {"domain": "x.onmicrosoft.com", "domainn": "y"}  # type: ignore[assignment]
    assert json.loads(encode_body(model))["companyProfile"] == {"domain": "x.onmicrosoft.com", "domainn": "y"}


@pytest.mark.parametrize("key", ["AssociatedPartnerId", "associatedpartnerid"])
def test_with_validation_off_the_body_goes_as_given(reset: Emulator, key: str) -> None:
    # The service matches member names case-insensitively: the customer is the reseller's.
    with pc.Client(token=TOKEN, base_url=reset.url, validate=False, max_retries=0) as client:
        created = client.customers.create(body(**{key: RESELLER_ID}))  # pyright: ignore[reportArgumentType] (keys NewCustomerDict does not have, on purpose)
    assert str(created.associated_partner_id) == RESELLER_ID


def test_with_validation_off_an_unknown_key_is_sent(reset: Emulator) -> None:
    with pc.Client(token=TOKEN, base_url=reset.url, validate=False, max_retries=0) as client:
        before = reset.health()["requests"]
        created = client.customers.create(body(associated_partner_idd=RESELLER_ID))  # pyright: ignore[reportArgumentType] (keys NewCustomerDict does not have, on purpose)
    assert reset.health()["requests"] == before + 1
    # The service ignores a member it does not know: a direct customer, as the user asked for.
    assert created.associated_partner_id is None


# -- answers with members the models do not have ------------------------------------------------

CUSTOMER_ID = "0a1b2c3d-4e5f-4061-8293-a4b5c6d7e8f9"


class _Newer(BaseHTTPRequestHandler):
    """A service a version ahead: a customer with members the models do not have, at every depth."""

    def do_GET(self) -> None:
        address = {"country": "US", "city": "Redmond", "addressLine1": "1 Microsoft Way", "geo": [47.6, -122.1]}
        answer = {
            "id": CUSTOMER_ID,
            "companyProfile": {"domain": "newer.onmicrosoft.com", "tenantRegion": "EU", "flags": {"a": 1}},
            "billingProfile": {
                "email": "admin@newer.example",
                "culture": "en-US",
                "language": "en",
                "companyName": "Newer",
                "defaultAddress": address,
                "links": {"self": {"uri": "/v1/x", "method": "GET", "headers": [{"key": "a", "value": "b", "ttl": 3}]}},
            },
            "relationshipToPartner": "reseller",
            "sustainabilityScore": 42,
            "attributes": {"objectType": "Customer", "schemaVersion": 2},
        }
        data = json.dumps(answer).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def newer_service() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Newer)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(10)


def test_an_answer_with_unknown_members_still_decodes(newer_service: str) -> None:
    with pc.Client(token=TOKEN, base_url=newer_service, max_retries=0, timeout=10) as client:
        customer = client.customers.get(CUSTOMER_ID)
    assert str(customer.id) == CUSTOMER_ID
    assert customer.company_profile.domain == "newer.onmicrosoft.com"
    assert customer.billing_profile.default_address.country == "US"


async def test_an_answer_with_unknown_members_still_decodes_async(newer_service: str) -> None:
    client = pc.AsyncClient(token=TOKEN, base_url=newer_service, max_retries=0, timeout=10)
    customer = await asyncio.wait_for(client.customers.get(CUSTOMER_ID), 30)
    assert customer.billing_profile.company_name == "Newer"
