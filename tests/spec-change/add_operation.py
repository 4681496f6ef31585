"""Add a new operation with a new schema to a copy of the spec (the only edit the test makes).

GET /v1/customers/{customer-tenant-id}/managedservices → ManagedServiceCollection, as Partner Center
documents it (reference §5.15): the services a partner can manage for a customer.
"""

from __future__ import annotations

import sys

import yaml


def main(path: str) -> None:
    with open(path, encoding="utf-8") as f:
        spec = yaml.safe_load(f)
    schemas = spec["components"]["schemas"]
    schemas["ManagedService"] = {
        "type": "object",
        "description": "A service the partner can manage for the customer, with deep links to it.",
        "properties": {
            "id": {"type": "string", "description": "The service's id."},
            "name": {"type": "string"},
            "groupName": {"type": "string", "description": "The group the service belongs to."},
            "attributes": {"$ref": "#/components/schemas/ResourceAttributes"},
        },
    }
    schemas["ManagedServiceCollection"] = {
        "type": "object",
        "required": ["items"],
        "properties": {
            "totalCount": {"type": "integer", "format": "int32"},
            "items": {"type": "array", "items": {"$ref": "#/components/schemas/ManagedService"}},
            "attributes": {"$ref": "#/components/schemas/ResourceAttributes"},
        },
    }
    customer_path = spec["paths"]["/v1/customers/{customer-tenant-id}"]
    get_customer = customer_path["get"]
    # The customer id and the shared headers, declared on the path or on its GET.
    parameters = customer_path.get("parameters", []) + get_customer.get("parameters", [])
    spec["paths"]["/v1/customers/{customer-tenant-id}/managedservices"] = {
        "get": {
            "operationId": "listManagedServices",
            "tags": ["Customers"],
            "x-pc-method": "list_managed_services",
            "summary": "List the services the partner manages for a customer",
            "parameters": parameters,
            "responses": {
                "200": {
                    "description": "The managed services.",
                    "content": {
                        "application/json": {"schema": {"$ref": "#/components/schemas/ManagedServiceCollection"}}
                    },
                },
                "404": get_customer["responses"]["404"],
            },
        }
    }
    with open(path, "w", encoding="utf-8") as f:
        yaml.safe_dump(spec, f, sort_keys=False, allow_unicode=True)


if __name__ == "__main__":
    main(sys.argv[1])
