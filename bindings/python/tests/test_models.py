"""What users see of models: secrets redacted in repr, dict input, nested mutation, open enums."""

from __future__ import annotations

import partner_center as pc

from conftest import TOKEN, Emulator, new_customer, new_customer_dict, unique_domain


def test_the_token_never_shows(reset: Emulator) -> None:
    client = pc.Client(token=TOKEN, base_url=reset.url)
    assert TOKEN not in repr(client) and TOKEN not in str(client)
    native = client._native
    assert TOKEN not in repr(native)
    reset.faults(script=[{"fault": "status", "status": 500, "times": 5}])
    try:
        pc.Client(token=TOKEN, base_url=reset.url, max_retries=0).customers.list_page()
    except pc.ServerError as e:
        text = str(e) + repr(e) + repr(vars(e)) + repr(e.args)
        assert TOKEN not in text
    else:
        raise AssertionError("expected a ServerError")


def test_password_redacted_in_repr_but_readable(client: pc.Client) -> None:
    created = client.customers.create(new_customer())
    assert created.user_credentials is not None
    password = created.user_credentials.password
    assert password and len(password) == 16
    assert password not in repr(created)
    assert password not in repr(created.user_credentials)
    assert password not in str(created)
    assert created.to_dict()["userCredentials"]["password"] == password


def test_dict_bodies_with_snake_case_or_camel_case_keys(client: pc.Client) -> None:
    address = {"addressLine1": "1 Microsoft Way", "city": "Redmond", "state": "WA", "postalCode": "98052", "country": "US"}
    camel = {
        "companyProfile": {"domain": unique_domain()},
        "billingProfile": {
            "email": "a@contoso.example",
            "culture": "en-US",
            "language": "en",
            "companyName": "Camel",
            "defaultAddress": address,
        },
    }
    snake = new_customer_dict("Snake")
    assert client.customers.create(camel).billing_profile.company_name == "Camel"  # type: ignore[union-attr]
    assert client.customers.create(snake).billing_profile.company_name == "Snake"  # type: ignore[union-attr]
    assert client.validations.validate_address(address).status == pc.AddressValidationStatus.VERIFIED_SHIPPABLE  # pyright: ignore[reportArgumentType] (wire names)


def test_nested_mutation_sticks(client: pc.Client) -> None:
    created = client.customers.create(new_customer())
    assert created.id is not None
    customer = client.customers.get(created.id)
    assert customer.billing_profile is not None and customer.billing_profile.default_address is not None
    customer.billing_profile.email = "changed@contoso.example"
    customer.billing_profile.default_address.city = "Bellevue"
    assert customer.billing_profile.email == "changed@contoso.example"
    wire = customer.to_dict()
    assert wire["billingProfile"]["email"] == "changed@contoso.example"
    assert wire["billingProfile"]["defaultAddress"]["city"] == "Bellevue"
    updated = client.profiles.update_billing(created.id, customer.billing_profile)
    assert updated.email == "changed@contoso.example"
    assert updated.default_address is not None and updated.default_address.city == "Bellevue"


def test_round_trip_equality_and_none_left_out() -> None:
    body = new_customer(domain="contoso.onmicrosoft.com")
    wire = body.to_dict()
    assert wire["companyProfile"] == {"domain": "contoso.onmicrosoft.com"}
    assert "associatedPartnerId" not in wire
    assert pc.NewCustomer.from_dict(wire) == body
    assert pc.NewCustomer.from_dict(wire) != new_customer(domain="fabrikam.onmicrosoft.com")


def test_unknown_enum_values_are_kept() -> None:
    value = pc.CustomerPartnerRelationship("brand_new")
    assert value.value == "brand_new"
    assert isinstance(value, str)
    assert pc.CustomerPartnerRelationship("reseller") is pc.CustomerPartnerRelationship.RESELLER
    customer = pc.Customer.from_dict({"id": "f81d4fae-7dec-41d0-a765-00a0c91e6bf6", "relationshipToPartner": "brand_new"})
    assert customer.relationship_to_partner is not None
    assert customer.relationship_to_partner.value == "brand_new"
    assert customer.to_dict()["relationshipToPartner"] == "brand_new"


def test_the_fast_decoder_agrees_with_the_general_one(client: pc.Client) -> None:
    # Answers whose keys are all exact wire names take a decoder specialised per class; anything
    # else (other casing, snake_case, unknown members) the general loop. Both must build the same.
    created = client.customers.create(new_customer())
    assert created.id is not None
    wire = client.customers.get(created.id).to_dict()
    fast = pc.Customer.from_dict(wire)
    general = pc.Customer.from_dict({**wire, "someFutureMember": 1})
    assert fast == general
    assert fast.to_dict() == general.to_dict() == wire
    assert fast.billing_profile is not None and fast.billing_profile.default_address is not None
    assert fast.billing_profile.default_address.city == "Redmond"
    # Nulls and absent members are None on both paths.
    assert pc.Customer.from_dict({"id": None}).id is None
    assert pc.Customer.from_dict({"id": None, "extra": 1}).id is None
