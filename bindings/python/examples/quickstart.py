"""Create a customer, read it back, list every customer, check a domain.

Against the local emulator:
    cargo run --release -p sandbox -- --port 8080
    python bindings/python/examples/quickstart.py
Against Partner Center, set PARTNER_CENTER_BASE_URL and PARTNER_CENTER_TOKEN.
"""

from __future__ import annotations

import os
import uuid

import partner_center as pc


def main() -> None:
    base_url = os.environ.get("PARTNER_CENTER_BASE_URL", "http://127.0.0.1:8080")
    token = os.environ.get("PARTNER_CENTER_TOKEN", "sandbox-token")

    with pc.Client(token=token, base_url=base_url, locale="en-US") as client:
        domain = f"quickstart{uuid.uuid4().hex[:10]}.onmicrosoft.com"
        if client.domains.exists(domain):
            print(f"{domain} is taken; pick another")
            return

        customer = client.customers.create(
            pc.NewCustomer(
                company_profile=pc.CustomerCompanyProfile(domain=domain),
                billing_profile=pc.CustomerBillingProfile(
                    email="admin@contoso.example",
                    culture="en-US",
                    language="en",
                    company_name="Contoso",
                    default_address=pc.Address(
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
        # The admin password is readable as an attribute but redacted in repr().
        print(f"created {customer.id}: {customer.user_credentials!r}")

        again = client.customers.get(customer.id)
        billing = again.billing_profile
        if billing is not None:
            print(f"billing contact: {billing.email} ({billing.company_name})")

        names = [c.company_profile.company_name for c in client.customers.list(size=40) if c.company_profile]
        print(f"{len(names)} customers in the account")

        print(f"{domain} taken now: {client.domains.exists(domain)}")

        try:
            client.customers.get(uuid.uuid4())
        except pc.NotFoundError as e:
            print(f"as expected: {e.status} {e.code}")


if __name__ == "__main__":
    main()
