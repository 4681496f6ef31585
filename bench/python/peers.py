"""Hand-written Partner Center clients: what a careful partner developer writes without an SDK.

Four transports share everything else in this module: the models (dataclasses with a recursive
``from_dict``, camelCase wire names in snake_case), the headers and the create body. Each client
holds one session for its whole life (connection pooling, a pool at least as large as the number
of requests in flight), sends the headers bench/README.md lists, fails on a 4xx/5xx the way its
library does (``raise_for_status``) and returns a ``Customer``.

What they leave out on purpose, as a hand-written client usually does: retries, validation of the
request, typed errors. That is the point of comparing with them.
"""

from __future__ import annotations

import sys
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import httpx

# The create body's values, shared with the soak's Python runner.
sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "tests" / "tools"))
import create_body

__all__ = [
    "ADDRESS",
    "BILLING",
    "Address",
    "AiohttpClient",
    "BillingProfile",
    "CompanyProfile",
    "Customer",
    "HttpxAsyncClient",
    "HttpxClient",
    "KeyValuePair",
    "Link",
    "RequestsClient",
    "ResourceAttributes",
    "ResourceLinks",
    "UserCredentials",
    "new_customer_body",
]

#: Generous, but a hung call must not hang the benchmark (requests has no default timeout at all).
TIMEOUT_SECONDS = 30.0

# ---------------------------------------------------------------------------------------------
# The create body. Every Python client sends these values (ours and the generated client through
# their own models), so the only difference between them is the client. The values are
# tests/tools/create_body.py's, which the soak's runner sends too.

#: The billing profile's own members, as keyword arguments of the generated models.
BILLING: dict[str, str] = {**create_body.BILLING, "company_name": "Contoso Bench"}

#: The billing profile's default address, as keyword arguments of the generated models.
ADDRESS: dict[str, str] = create_body.ADDRESS


def new_customer_body(domain: str) -> dict[str, Any]:
    """The JSON body of ``POST /v1/customers``, written out as a partner would."""
    return {
        "companyProfile": {"domain": domain},
        "billingProfile": {
            "email": BILLING["email"],
            "culture": BILLING["culture"],
            "language": BILLING["language"],
            "companyName": BILLING["company_name"],
            "defaultAddress": {
                "firstName": ADDRESS["first_name"],
                "lastName": ADDRESS["last_name"],
                "addressLine1": ADDRESS["address_line1"],
                "city": ADDRESS["city"],
                "state": ADDRESS["state"],
                "postalCode": ADDRESS["postal_code"],
                "country": ADDRESS["country"],
                "phoneNumber": ADDRESS["phone_number"],
            },
        },
    }


# ---------------------------------------------------------------------------------------------
# Models: the members of the spec's Customer schema and the schemas it nests. Every member is
# optional (the service leaves nulls out); ids and enums stay strings, so an enum value the
# service adds later is kept rather than rejected. Unknown members are ignored.

M = TypeVar("M")


def _nested(decode: Callable[[dict[str, Any]], M], value: Any) -> M | None:
    return decode(value) if value is not None else None


def _nested_list(decode: Callable[[dict[str, Any]], M], value: Any) -> list[M] | None:
    return [decode(v) for v in value] if value is not None else None


@dataclass(slots=True)
class KeyValuePair:
    key: str | None = None
    value: str | None = None

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> KeyValuePair:
        return cls(key=d.get("key"), value=d.get("value"))


@dataclass(slots=True)
class Link:
    uri: str | None = None
    method: str | None = None
    headers: list[KeyValuePair] | None = None
    body: str | None = None

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Link:
        return cls(
            uri=d.get("uri"),
            method=d.get("method"),
            headers=_nested_list(KeyValuePair.from_dict, d.get("headers")),
            body=d.get("body"),
        )


@dataclass(slots=True)
class ResourceLinks:
    # `self` is the wire name; as a field it would shadow the method receiver in readers' minds.
    self_link: Link | None = None
    next: Link | None = None
    previous: Link | None = None

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> ResourceLinks:
        return cls(
            self_link=_nested(Link.from_dict, d.get("self")),
            next=_nested(Link.from_dict, d.get("next")),
            previous=_nested(Link.from_dict, d.get("previous")),
        )


@dataclass(slots=True)
class ResourceAttributes:
    etag: str | None = None
    object_type: str | None = None

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> ResourceAttributes:
        return cls(etag=d.get("etag"), object_type=d.get("objectType"))


@dataclass(slots=True)
class Address:
    id: str | None = None
    country: str | None = None
    region: str | None = None
    city: str | None = None
    state: str | None = None
    district: str | None = None
    address_line1: str | None = None
    address_line2: str | None = None
    address_line3: str | None = None
    postal_code: str | None = None
    first_name: str | None = None
    middle_name: str | None = None
    last_name: str | None = None
    email_address: str | None = None
    phone_number: str | None = None

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Address:
        return cls(
            id=d.get("id"),
            country=d.get("country"),
            region=d.get("region"),
            city=d.get("city"),
            state=d.get("state"),
            district=d.get("district"),
            address_line1=d.get("addressLine1"),
            address_line2=d.get("addressLine2"),
            address_line3=d.get("addressLine3"),
            postal_code=d.get("postalCode"),
            first_name=d.get("firstName"),
            middle_name=d.get("middleName"),
            last_name=d.get("lastName"),
            email_address=d.get("emailAddress"),
            phone_number=d.get("phoneNumber"),
        )


@dataclass(slots=True)
class CompanyProfile:
    tenant_id: str | None = None
    domain: str | None = None
    company_name: str | None = None
    address: Address | None = None
    email: str | None = None
    organization_registration_number: str | None = None
    links: ResourceLinks | None = None
    attributes: ResourceAttributes | None = None

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> CompanyProfile:
        return cls(
            tenant_id=d.get("tenantId"),
            domain=d.get("domain"),
            company_name=d.get("companyName"),
            address=_nested(Address.from_dict, d.get("address")),
            email=d.get("email"),
            organization_registration_number=d.get("organizationRegistrationNumber"),
            links=_nested(ResourceLinks.from_dict, d.get("links")),
            attributes=_nested(ResourceAttributes.from_dict, d.get("attributes")),
        )


@dataclass(slots=True)
class BillingProfile:
    id: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    email: str | None = None
    culture: str | None = None
    language: str | None = None
    company_name: str | None = None
    default_address: Address | None = None
    links: ResourceLinks | None = None
    attributes: ResourceAttributes | None = None

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> BillingProfile:
        return cls(
            id=d.get("id"),
            first_name=d.get("firstName"),
            last_name=d.get("lastName"),
            email=d.get("email"),
            culture=d.get("culture"),
            language=d.get("language"),
            company_name=d.get("companyName"),
            default_address=_nested(Address.from_dict, d.get("defaultAddress")),
            links=_nested(ResourceLinks.from_dict, d.get("links")),
            attributes=_nested(ResourceAttributes.from_dict, d.get("attributes")),
        )


@dataclass(slots=True)
class UserCredentials:
    user_name: str | None = None
    # The admin's generated password: kept out of repr() so it never lands in a log.
    password: str | None = field(default=None, repr=False)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> UserCredentials:
        return cls(user_name=d.get("userName"), password=d.get("password"))


@dataclass(slots=True)
class Customer:
    id: str | None = None
    commerce_id: str | None = None
    company_profile: CompanyProfile | None = None
    billing_profile: BillingProfile | None = None
    relationship_to_partner: str | None = None
    allow_delegated_access: bool | None = None
    user_credentials: UserCredentials | None = None
    custom_domains: list[str] | None = None
    associated_partner_id: str | None = None
    enable_gdap_by_default: bool | None = None
    tags: list[str] | None = None
    links: ResourceLinks | None = None
    attributes: ResourceAttributes | None = None

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Customer:
        return cls(
            id=d.get("id"),
            commerce_id=d.get("commerceId"),
            company_profile=_nested(CompanyProfile.from_dict, d.get("companyProfile")),
            billing_profile=_nested(BillingProfile.from_dict, d.get("billingProfile")),
            relationship_to_partner=d.get("relationshipToPartner"),
            allow_delegated_access=d.get("allowDelegatedAccess"),
            user_credentials=_nested(
                UserCredentials.from_dict, d.get("userCredentials")
            ),
            custom_domains=d.get("customDomains"),
            associated_partner_id=d.get("associatedPartnerId"),
            enable_gdap_by_default=d.get("enableGDAPByDefault"),
            tags=d.get("tags"),
            links=_nested(ResourceLinks.from_dict, d.get("links")),
            attributes=_nested(ResourceAttributes.from_dict, d.get("attributes")),
        )


# ---------------------------------------------------------------------------------------------
# Requests: the session-wide headers once, the per-call ones on every call.


def session_headers(token: str) -> dict[str, str]:
    """Sent on every call of one client: the token, the answer format, one correlation id."""
    return {
        "Authorization": f"Bearer {token}",
        "Accept": "application/json",
        "MS-CorrelationId": str(uuid.uuid4()),
    }


def call_headers() -> dict[str, str]:
    """Per call: a fresh request id (the service's idempotency key for create)."""
    return {"MS-RequestId": str(uuid.uuid4())}


def customer_path(customer_id: str) -> str:
    # Customer ids are GUIDs: nothing in them needs escaping in a path.
    return f"/v1/customers/{customer_id}"


CUSTOMERS_PATH = "/v1/customers"

# `json=` serializes the body and sets `Content-Type: application/json` in all three libraries.


class HttpxClient:
    """Blocking, on ``httpx.Client``; safe to share between threads."""

    def __init__(self, base_url: str, token: str, *, pool_size: int) -> None:
        self._http = httpx.Client(
            base_url=base_url,
            headers=session_headers(token),
            timeout=TIMEOUT_SECONDS,
            limits=httpx.Limits(
                max_connections=pool_size, max_keepalive_connections=pool_size
            ),
        )

    def get_customer(self, customer_id: str) -> Customer:
        response = self._http.get(customer_path(customer_id), headers=call_headers())
        response.raise_for_status()
        return Customer.from_dict(response.json())

    def create_customer(self, body: dict[str, Any]) -> Customer:
        response = self._http.post(CUSTOMERS_PATH, json=body, headers=call_headers())
        response.raise_for_status()
        return Customer.from_dict(response.json())

    def close(self) -> None:
        self._http.close()


class HttpxAsyncClient:
    """asyncio, on ``httpx.AsyncClient``."""

    def __init__(self, base_url: str, token: str, *, pool_size: int) -> None:
        self._http = httpx.AsyncClient(
            base_url=base_url,
            headers=session_headers(token),
            timeout=TIMEOUT_SECONDS,
            limits=httpx.Limits(
                max_connections=pool_size, max_keepalive_connections=pool_size
            ),
        )

    async def get_customer(self, customer_id: str) -> Customer:
        response = await self._http.get(
            customer_path(customer_id), headers=call_headers()
        )
        response.raise_for_status()
        return Customer.from_dict(response.json())

    async def create_customer(self, body: dict[str, Any]) -> Customer:
        response = await self._http.post(
            CUSTOMERS_PATH, json=body, headers=call_headers()
        )
        response.raise_for_status()
        return Customer.from_dict(response.json())

    async def aclose(self) -> None:
        await self._http.aclose()


class RequestsClient:
    """Blocking, on one ``requests.Session`` shared by the threads (nothing in it changes per call)."""

    def __init__(self, base_url: str, token: str, *, pool_size: int) -> None:
        import requests.adapters  # imported where used: see AiohttpClient

        self._base_url = base_url.rstrip("/")
        self._http = requests.Session()
        self._http.headers.update(session_headers(token))
        # The default pool keeps 10 connections per host; more threads than that would open and
        # drop a connection per call.
        adapter = requests.adapters.HTTPAdapter(
            pool_connections=1, pool_maxsize=pool_size
        )
        self._http.mount("http://", adapter)
        self._http.mount("https://", adapter)

    def get_customer(self, customer_id: str) -> Customer:
        response = self._http.get(
            self._base_url + customer_path(customer_id),
            headers=call_headers(),
            timeout=TIMEOUT_SECONDS,
        )
        response.raise_for_status()
        return Customer.from_dict(response.json())

    def create_customer(self, body: dict[str, Any]) -> Customer:
        response = self._http.post(
            self._base_url + CUSTOMERS_PATH,
            json=body,
            headers=call_headers(),
            timeout=TIMEOUT_SECONDS,
        )
        response.raise_for_status()
        return Customer.from_dict(response.json())

    def close(self) -> None:
        self._http.close()


class AiohttpClient:
    """asyncio, on one ``aiohttp.ClientSession``; create it inside the running event loop."""

    def __init__(self, base_url: str, token: str, *, pool_size: int) -> None:
        # requests and aiohttp are imported by the clients that use them, so that a process running
        # httpx (the cold-start cell, bench/coldstart) loads httpx alone, as an application would.
        import aiohttp

        self._http = aiohttp.ClientSession(
            base_url=base_url,
            headers=session_headers(token),
            timeout=aiohttp.ClientTimeout(total=TIMEOUT_SECONDS),
            connector=aiohttp.TCPConnector(limit=pool_size),
            raise_for_status=True,
        )

    async def get_customer(self, customer_id: str) -> Customer:
        async with self._http.get(
            customer_path(customer_id), headers=call_headers()
        ) as response:
            return Customer.from_dict(await response.json())

    async def create_customer(self, body: dict[str, Any]) -> Customer:
        async with self._http.post(
            CUSTOMERS_PATH, json=body, headers=call_headers()
        ) as response:
            return Customer.from_dict(await response.json())

    async def aclose(self) -> None:
        await self._http.close()
