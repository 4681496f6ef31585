"""Every operation of the spec, blocking and asyncio: a typed tour (pyright --strict checks it in CI).

Against the local emulator:
    cargo run --release -p sandbox -- --port 8080
    python bindings/python/examples/every_operation.py
"""

from __future__ import annotations

import asyncio
import os
import uuid

import partner_center as pc

BASE_URL = os.environ.get("PARTNER_CENTER_BASE_URL", "http://127.0.0.1:8080")
TOKEN = os.environ.get("PARTNER_CENTER_TOKEN", "sandbox-token")
RESELLER = "484e548c-f5f3-4528-93a9-c16c6373cb59"  # the emulator's known indirect reseller


def new_customer(reseller: str | None = None) -> pc.NewCustomer:
    return pc.NewCustomer(
        company_profile=pc.CustomerCompanyProfile(domain=f"tour{uuid.uuid4().hex[:10]}.onmicrosoft.com"),
        billing_profile=pc.CustomerBillingProfile(
            email="admin@contoso.example",
            culture="en-US",
            language="en",
            company_name="Contoso",
            default_address=pc.Address(
                address_line1="1 Microsoft Way", city="Redmond", state="WA", postal_code="98052", country="US"
            ),
        ),
        associated_partner_id=reseller,
    )


def blocking() -> None:
    with pc.Client(token=TOKEN, base_url=BASE_URL, max_retries=2, timeout=30.0) as client:
        rules: pc.CountryValidationRules = client.country_validation_rules.get("US")
        check: pc.AddressValidationResponse = client.validations.validate_address(
            pc.Address(address_line1="1 Microsoft Way", city="Redmond", state="WA", postal_code="98052", country="US")
        )
        print(f"US rules: {rules.iso2_code}; address: {check.status.value}")

        created: pc.Response[pc.Customer] = client.customers.create_with_response(new_customer(RESELLER))
        customer = created.data
        assert customer.id is not None
        print(f"created {customer.id} ({created.status}, request id {created.request_id})")
        taken: bool = client.domains.exists(customer.company_profile.domain if customer.company_profile else "x.com")
        fetched: pc.Customer = client.customers.get(customer.id)
        company: pc.CustomerCompanyProfile = client.profiles.get_company(customer.id)
        billing: pc.CustomerBillingProfile = client.profiles.get_billing(customer.id)
        billing.company_name = "Contoso Ltd"
        updated: pc.CustomerBillingProfile = client.profiles.update_billing(customer.id, billing)
        print(f"taken={taken} {fetched.id == customer.id} {company.domain} -> {updated.company_name}")

        link: pc.RelationshipRequest = client.customers.get_relationship_request()
        rels: pc.PartnerRelationshipCollection = client.customers.list_relationships(customer.id)
        removed: pc.Customer = client.customers.remove_reseller_relationship(
            customer.id, pc.Customer(relationship_to_partner=pc.CustomerPartnerRelationship.NONE)
        )
        print(f"{link.url}: {len(rels.items or [])} relationship(s); now {removed.relationship_to_partner}")

        page: pc.Page[pc.Customer] = client.customers.list_page(size=10)
        everyone: list[pc.Customer] = list(client.customers.list(size=10))
        print(f"first page {len(page.items)}, all {len(everyone)}, next token {page.continuation_token}")

        client.customers.delete(customer.id)
        try:
            client.customers.get(customer.id)
        except pc.NotFoundError as e:
            print(f"deleted: {e.status} {e.code}")


async def concurrent() -> None:
    async with pc.AsyncClient(token=TOKEN, base_url=BASE_URL) as client:
        customer = await client.customers.create(new_customer())
        assert customer.id is not None
        again: list[pc.Customer] = await asyncio.gather(*[client.customers.get(customer.id) for _ in range(10)])
        names = [c.company_profile.company_name async for c in client.customers.list(size=5) if c.company_profile]
        billing = await client.profiles.get_billing(customer.id)
        exists = await client.domains.exists("contoso.onmicrosoft.com")
        rules = await client.country_validation_rules.get("DE")
        print(f"async: {len(again)} gets, {len(names)} listed, {billing.email}, {exists}, {rules.iso2_code}")
        await client.customers.delete(customer.id)


if __name__ == "__main__":
    blocking()
    asyncio.run(concurrent())
