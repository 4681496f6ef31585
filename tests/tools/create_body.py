"""The create body (`POST /v1/customers`) that the soak's Python runner and every Python benchmark
client send; only the domain varies, and the company name, which names the tool.

The same values are in create_body.rs and create-body.mjs next to this file. Imported by
tests/reliability/python/soak.py and bench/python/peers.py, each putting tests/tools on `sys.path`.
"""

from __future__ import annotations

from typing import Any

#: The billing profile's own members but the company name, snake_case as the SDK's models take them.
BILLING: dict[str, str] = {
    "email": "admin@contoso.example",
    "culture": "en-US",
    "language": "en",
}

#: The billing profile's default address, snake_case as the SDK's models take them.
ADDRESS: dict[str, str] = {
    "first_name": "Jane",
    "last_name": "Doe",
    "address_line1": "1 Microsoft Way",
    "city": "Redmond",
    "state": "WA",
    "postal_code": "98052",
    "country": "US",
    "phone_number": "4255550101",
}


def new_customer(domain: str, company_name: str) -> dict[str, Any]:
    """The body as the SDK takes it (a dict, snake_case keys)."""
    return {
        "company_profile": {"domain": domain},
        "billing_profile": {
            **BILLING,
            "company_name": company_name,
            "default_address": dict(ADDRESS),
        },
    }
