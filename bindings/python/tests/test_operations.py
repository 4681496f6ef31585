"""Every operation of the spec, on the blocking and the asyncio client, against the emulator."""

from __future__ import annotations

import uuid

import pytest

import partner_center as pc

from conftest import RESELLER_ID, TOKEN, new_customer, unique_domain, us_address


def test_every_operation_is_exposed_by_the_native_module() -> None:
    from partner_center import _native

    assert sorted(_native.OPERATIONS) == sorted(
        [
            "getCountryValidationRules",
            "listCustomers",
            "createCustomer",
            "getRelationshipRequest",
            "getCustomer",
            "deleteCustomer",
            "removeResellerRelationship",
            "listCustomerRelationships",
            "checkDomainExists",
            "getCompanyProfile",
            "getBillingProfile",
            "updateBillingProfile",
            "validateAddress",
            "listRelationships",
            "listAgreementMetadata",
            "createAgreement",
            "listAgreements",
            "getAgreementDocument",
            "getDirectSignedStatus",
            "createUser",
            "listUsers",
            "getUser",
            "updateUser",
            "deleteUser",
            "listLicenses",
            "listQualifications",
            "createQualification",
            "listValidationCodes",
            "listManagedServices",
        ]
    )


def test_create_get_and_profiles(client: pc.Client) -> None:
    domain = unique_domain()
    assert client.domains.exists(domain) is False
    created = client.customers.create(new_customer(domain))
    assert isinstance(created, pc.Customer)
    assert created.id is not None
    assert created.user_credentials is not None and created.user_credentials.password
    assert created.relationship_to_partner == pc.CustomerPartnerRelationship.NONE
    assert client.domains.exists(domain) is True

    got = client.customers.get(created.id)
    assert got.id == created.id
    assert got.billing_profile is not None and got.billing_profile.default_address is not None
    assert got.billing_profile.default_address.city == "Redmond"
    assert client.customers.get(uuid.UUID(str(created.id))).id == created.id

    company = client.profiles.get_company(created.id)
    assert isinstance(company, pc.CustomerCompanyProfile)
    assert company.domain == domain

    billing = client.profiles.get_billing(created.id)
    assert isinstance(billing, pc.CustomerBillingProfile)
    assert billing.company_name == "Contoso"
    billing.company_name = "Contoso Renamed"
    updated = client.profiles.update_billing(created.id, billing)
    assert updated.company_name == "Contoso Renamed"
    assert client.profiles.get_billing(created.id).company_name == "Contoso Renamed"


def test_with_response_gives_status_headers_and_request_id(client: pc.Client) -> None:
    request_id = str(uuid.uuid4())
    response = client.customers.create_with_response(new_customer(), request_id=request_id)
    assert isinstance(response, pc.Response)
    assert response.status == 201
    assert response.request_id == request_id
    assert response.headers["ms-requestid"] == request_id
    assert all(name == name.lower() for name in response.headers)
    assert isinstance(response.data, pc.Customer)

    exists = client.domains.exists_with_response("nobody-here.onmicrosoft.com")
    assert (exists.status, exists.data) == (404, False)


def test_per_call_request_id_replays_an_idempotent_create(client: pc.Client) -> None:
    body = new_customer()
    request_id = str(uuid.uuid4())
    first = client.customers.create(body, request_id=request_id)
    again = client.customers.create(body, request_id=request_id)
    assert again.id == first.id
    assert [c.id for c in client.customers.list()] == [first.id]


def test_per_call_headers_are_sent(client: pc.Client) -> None:
    response = client.customers.create_with_response(new_customer(), headers={"X-Locale": "de-DE"})
    assert response.headers.get("x-locale") == "de-DE"


def test_delete(client: pc.Client) -> None:
    created = client.customers.create(new_customer())
    assert created.id is not None
    assert client.customers.delete(created.id) is None
    with pytest.raises(pc.NotFoundError):
        client.customers.get(created.id)


def test_relationships_and_removing_a_reseller(client: pc.Client) -> None:
    request = client.customers.get_relationship_request()
    assert isinstance(request, pc.RelationshipRequest)
    assert request.url and request.url.startswith("https://")

    direct = client.customers.create(new_customer())
    assert direct.id is not None
    assert (client.customers.list_relationships(direct.id).items or []) == []

    indirect = client.customers.create(new_customer(associated_partner_id=RESELLER_ID))
    assert indirect.id is not None
    assert indirect.relationship_to_partner == pc.CustomerPartnerRelationship.RESELLER
    rels = client.customers.list_relationships(indirect.id)
    assert isinstance(rels, pc.PartnerRelationshipCollection)
    items = rels.items or []
    assert len(items) == 1
    assert items[0].relationship_type == pc.PartnerRelationshipType.IS_INDIRECT_RESELLER_OF

    removed = client.customers.remove_reseller_relationship(
        indirect.id, pc.Customer(relationship_to_partner=pc.CustomerPartnerRelationship.NONE)
    )
    assert isinstance(removed, pc.Customer)
    assert removed.relationship_to_partner == pc.CustomerPartnerRelationship.NONE
    assert (client.customers.list_relationships(indirect.id).items or []) == []


def test_validate_address_and_country_rules(client: pc.Client) -> None:
    result = client.validations.validate_address(us_address(address_line1="Microsoft Way"))
    assert isinstance(result, pc.AddressValidationResponse)
    assert result.status == pc.AddressValidationStatus.STREET_PARTIAL
    assert len(result.suggested_addresses or []) == 3
    ok = client.validations.validate_address(us_address())
    assert ok.status == pc.AddressValidationStatus.VERIFIED_SHIPPABLE

    rules = client.country_validation_rules.get("US")
    assert isinstance(rules, pc.CountryValidationRules)
    assert rules.iso2_code == "US"


def test_client_options(base_url: str) -> None:
    correlation = str(uuid.uuid4())
    with pc.Client(
        token=TOKEN,
        base_url=base_url,
        locale="en-US",
        application="python-tests",
        correlation_id=correlation,
        timeout=10.0,
        max_retries=1,
        validate=True,
        user_agent="pc-tests/1.0",
    ) as client:
        assert client.correlation_id == correlation
        response = client.customers.create_with_response(new_customer())
        assert response.headers["ms-correlationid"] == correlation
        assert response.headers["x-locale"] == "en-US"


def test_clouds_and_bad_options() -> None:
    for cloud in ("global", "china", "usgov"):
        assert pc.Client(token=TOKEN, cloud=cloud).correlation_id
    with pytest.raises(ValueError):
        pc.Client(token=TOKEN, cloud="mars")  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        pc.Client(token=TOKEN, base_url="http://127.0.0.1:1", cloud="global")
    with pytest.raises(ValueError):
        pc.Client(token=TOKEN, timeout=-1.0)
    with pytest.raises(ValueError):
        pc.Client(token=TOKEN, max_retries=-1)
    with pytest.raises(pc.PartnerCenterError) as err:
        pc.Client(token=TOKEN, base_url="not a url")
    assert err.value.kind == "config"


# ---------------------------------------------------------------------------------------------
# The same operations on the asyncio client.


async def test_async_every_operation(base_url: str) -> None:
    async with pc.AsyncClient(token=TOKEN, base_url=base_url) as client:
        domain = unique_domain()
        assert await client.domains.exists(domain) is False
        created = await client.customers.create(new_customer(domain, associated_partner_id=RESELLER_ID))
        assert created.id is not None
        assert await client.domains.exists(domain) is True
        response = await client.customers.create_with_response(new_customer())
        assert response.status == 201

        got = await client.customers.get(created.id)
        assert got.id == created.id
        company = await client.profiles.get_company(created.id)
        assert company.domain == domain
        billing = await client.profiles.get_billing(created.id)
        billing.email = "billing@contoso.example"
        updated = await client.profiles.update_billing(created.id, billing)
        assert updated.email == "billing@contoso.example"

        ids = [c.id async for c in client.customers.list(size=1)]
        assert ids == [created.id, response.data.id]
        page = await client.customers.list_page(size=1)
        assert len(page.items) == 1 and page.continuation_token

        request = await client.customers.get_relationship_request()
        assert request.url
        rels = await client.customers.list_relationships(created.id)
        assert len(rels.items or []) == 1
        removed = await client.customers.remove_reseller_relationship(
            created.id, {"relationship_to_partner": "none"}
        )
        assert removed.relationship_to_partner == pc.CustomerPartnerRelationship.NONE

        result = await client.validations.validate_address(us_address())
        assert result.status == pc.AddressValidationStatus.VERIFIED_SHIPPABLE
        rules = await client.country_validation_rules.get("DE")
        assert rules.iso2_code == "DE"

        assert await client.customers.delete(created.id) is None
        with pytest.raises(pc.NotFoundError):
            await client.customers.get(created.id)
