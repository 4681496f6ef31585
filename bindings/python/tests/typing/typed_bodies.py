# pyright: strict, reportUnnecessaryTypeIgnoreComment=true
"""Dict bodies are typed: pyright (strict) accepts the right dict literals and flags the wrong ones.

Checked by ``tests/test_typed_bodies.py``, never run. Every line that must be an error carries
``# pyright: ignore[<rule>]``; with ``reportUnnecessaryTypeIgnoreComment`` on, this file fails
pyright as soon as one of those lines stops being an error. Keys are the models' attribute names
(snake_case): wire names (camelCase) still work at run time but are not what the types describe.
"""

from __future__ import annotations

import datetime

import partner_center as pc


def customer() -> pc.NewCustomerDict:
    return {
        "company_profile": {"domain": "contoso.onmicrosoft.com"},
        "billing_profile": {
            "email": "admin@contoso.example",
            "culture": "en-US",
            "language": "en",
            "company_name": "Contoso",
            # A model where a dict goes: either form, at any depth.
            "default_address": pc.Address(country="US", address_line1="1 Microsoft Way"),
        },
        "associated_partner_id": None,  # optional keys take None, as the model's attributes do
    }


def right(client: pc.Client) -> None:
    client.customers.create(customer())
    client.customers.create(
        {
            "company_profile": pc.CustomerCompanyProfile(domain="contoso.onmicrosoft.com"),
            "billing_profile": {
                "email": "admin@contoso.example",
                "culture": "en-US",
                "language": "en",
                "company_name": "Contoso",
                "default_address": {"country": "US", "address_line1": "1 Microsoft Way", "city": "Redmond"},
            },
            "tags": ["a", "b"],
        }
    )
    client.customers.create(pc.NewCustomer.from_dict(customer()))
    # Enums: the enum, or one of its values as a string.
    client.customers.list(filter={"field": "Domain", "value": "contoso", "operator": "starts_with"})
    client.customers.list(
        filter={
            "field": pc.CustomerSearchField.COMPANY_NAME,
            "value": "Con",
            "operator": pc.FieldFilterOperation.STARTS_WITH,
        }
    )
    client.users.create(
        "tenant",
        {"user_principal_name": "u@contoso.example", "display_name": "U", "password_profile": {"password": "pw"}},
    )
    client.users.update("tenant", "user", {"state": "active"})
    client.agreements.create(
        "tenant",
        {
            "primary_contact": {"first_name": "Gena", "last_name": "Soto", "email": "gena@contoso.example"},
            "template_id": "template",
            "date_agreed": datetime.datetime(2024, 3, 1, tzinfo=datetime.timezone.utc),
            "type": "MicrosoftCustomerAgreement",
        },
    )


async def right_async(client: pc.AsyncClient) -> None:
    await client.customers.create(customer())
    await client.validations.validate_address({"country": "US", "address_line1": "1 Microsoft Way"})


def wrong(client: pc.Client) -> None:
    # A misspelt key in a dict literal body (`associated_partner_id`).
    client.customers.create(
        {  # pyright: ignore[reportArgumentType]
            "company_profile": {"domain": "contoso.onmicrosoft.com"},
            "billing_profile": customer()["billing_profile"],
            "associated_partner_idd": "reseller",
        }
    )
    # The same in a body built beforehand: pyright names the key.
    body: pc.NewCustomerDict = {
        "company_profile": {"domain": "contoso.onmicrosoft.com"},
        "billing_profile": customer()["billing_profile"],
        "associated_partner_idd": "reseller",  # pyright: ignore[reportAssignmentType]
    }
    client.customers.create(body)
    # A misspelt key two levels down.
    client.validations.validate_address({"country": "US", "address_line1": "1 Way", "postal_cod": "98052"})  # pyright: ignore[reportArgumentType]
    # A required key left out (`billing_profile`).
    client.customers.create({"company_profile": {"domain": "contoso.onmicrosoft.com"}})  # pyright: ignore[reportArgumentType]
    # A value the enum does not have.
    client.customers.list(filter={"field": "Domian", "value": "contoso", "operator": "starts_with"})  # pyright: ignore[reportArgumentType]
    # A value of the wrong type.
    client.users.create("tenant", {"user_principal_name": "u@contoso.example", "display_name": 7, "password_profile": {"password": "pw"}})  # pyright: ignore[reportArgumentType]


async def wrong_async(client: pc.AsyncClient) -> None:
    await client.customers.create({"company_profile": {"domain": "d"}, "billing_profile": customer()["billing_profile"], "tagz": []})  # pyright: ignore[reportArgumentType]
