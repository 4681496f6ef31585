"""Onboard a customer for an indirect reseller: find the reseller, create the customer for it,
attest that the customer accepted the Microsoft Customer Agreement (nothing can be ordered for it
before), check whether it signed directly, create its first user, list its users.

Against the local emulator:
    cargo run --release -p sandbox -- --port 8080
    python bindings/python/examples/onboard.py
Against Partner Center, set PARTNER_CENTER_BASE_URL and PARTNER_CENTER_TOKEN (an App+User token:
relationships, agreements and users refuse App-only tokens).
"""

from __future__ import annotations

import datetime as dt
import os
import secrets
import uuid

import partner_center as pc

MCA = "MicrosoftCustomerAgreement"


def new_password() -> str:
    """A password Azure AD accepts (lower, upper, digits, symbols); shown to no one here."""
    return "Pc-" + secrets.token_urlsafe(12) + "a1!"


def main() -> None:
    base_url = os.environ.get("PARTNER_CENTER_BASE_URL", "http://127.0.0.1:8080")
    token = os.environ.get("PARTNER_CENTER_TOKEN", "sandbox-token")

    with pc.Client(token=token, base_url=base_url, locale="en-US") as client:
        # 1. The reseller: as an indirect provider, list your indirect resellers.
        resellers = client.relationships.list(pc.RelationshipQueryType.IS_INDIRECT_CLOUD_SOLUTION_PROVIDER_OF)
        reseller = next(iter(resellers.items or []), None)
        if reseller is None or reseller.id is None:
            print("no indirect resellers: nothing to onboard")
            return
        print(f"reseller: {reseller.name} ({reseller.id}, MPN {reseller.mpn_id})")

        # 2. The customer, created for that reseller.
        domain = f"onboard{uuid.uuid4().hex[:10]}.onmicrosoft.com"
        customer = client.customers.create(
            pc.NewCustomer(
                associated_partner_id=reseller.id,
                company_profile=pc.CustomerCompanyProfile(domain=domain),
                billing_profile=pc.CustomerBillingProfile(
                    email="gena@wingtiptoys.example",
                    culture="en-US",
                    language="en",
                    company_name="Wingtip Toys",
                    default_address=pc.Address(
                        first_name="Gena",
                        last_name="Soto",
                        address_line1="One Microsoft Way",
                        city="Redmond",
                        state="WA",
                        postal_code="98052",
                        country="US",
                    ),
                ),
            )
        )
        assert customer.id is not None
        customer_id = customer.id
        print(f"customer: {customer_id} ({domain})")

        # 3. The Microsoft Customer Agreement's template. Ask for the type: without it the service
        #    answers for the retired Microsoft Cloud Agreement only.
        templates = client.agreements.list_metadata(agreement_type=MCA)
        template_id = next((t.template_id for t in templates.items if t.template_id), None)
        if template_id is None:
            print("no Microsoft Customer Agreement template")
            return
        print(f"template: {template_id}")

        # 4. The attestation: who at the customer accepted, and when.
        attested = client.agreements.create(
            customer_id,
            pc.Agreement(
                primary_contact=pc.Contact(
                    first_name="Gena", last_name="Soto", email="gena@wingtiptoys.example", phone_number="4255550101"
                ),
                template_id=template_id,
                date_agreed=dt.datetime.now(dt.timezone.utc),
                type=MCA,
            ),
        )
        print(f"attested on {attested.date_agreed} by {attested.user_id}")

        # 5. Read it back (again: name the type, or MCA attestations are not listed).
        on_record = client.agreements.list(customer_id, agreement_type=MCA)
        print(f"attestations on record: {on_record.total_count}")

        # 6. Or the customer accepted it themselves, in the Microsoft 365 admin center.
        direct = client.agreements.get_direct_signed_status(customer_id)
        print(f"signed by the customer directly: {direct.is_signed}")

        # 7. The first user. The password is a secret: repr() shows it as [redacted]; hand it to
        #    the user through a secure channel, never a log.
        user = client.users.create(
            customer_id,
            pc.NewCustomerUser(
                user_principal_name=f"gena@{domain}",
                first_name="Gena",
                last_name="Soto",
                display_name="Gena Soto",
                usage_location="US",
                password_profile=pc.PasswordProfile(password=new_password(), force_change_password=True),
            ),
        )
        print(f"user: {user.user_principal_name} {user.password_profile!r}")

        # 8. Every user of the customer, page by page.
        names = [u.user_principal_name for u in client.users.list(customer_id, size=100)]
        print(f"users: {len(names)}")

        # An unknown customer is a NotFoundError with Partner Center's code.
        try:
            client.agreements.get_direct_signed_status(uuid.uuid4())
        except pc.NotFoundError as e:
            print(f"as expected: {e.status} {e.code}")


if __name__ == "__main__":
    main()
