"""Add a new operation with a new schema to a copy of the spec (the only edit the test makes).

GET /v1/customers/{customer-tenant-id}/directoryroles → DirectoryRoleCollection: the directory roles
of a customer's tenant, a route of the .NET SDK that the spec does not have (reference part 2 §9.2).
"""

from __future__ import annotations

import sys

import yaml


def main(path: str) -> None:
    with open(path, encoding="utf-8") as f:
        spec = yaml.safe_load(f)
    schemas = spec["components"]["schemas"]
    schemas["DirectoryRole"] = {
        "type": "object",
        "description": "A directory role of the customer's tenant.",
        "properties": {
            "id": {"type": "string", "description": "The role's id."},
            "name": {"type": "string"},
            "attributes": {"$ref": "#/components/schemas/ResourceAttributes"},
        },
    }
    schemas["DirectoryRoleCollection"] = {
        "type": "object",
        "required": ["items"],
        "properties": {
            "totalCount": {"type": "integer", "format": "int32"},
            "items": {"type": "array", "items": {"$ref": "#/components/schemas/DirectoryRole"}},
            "attributes": {"$ref": "#/components/schemas/ResourceAttributes"},
        },
    }
    customer_path = spec["paths"]["/v1/customers/{customer-tenant-id}"]
    get_customer = customer_path["get"]
    # The customer id and the shared headers, declared on the path or on its GET.
    parameters = customer_path.get("parameters", []) + get_customer.get("parameters", [])
    spec["paths"]["/v1/customers/{customer-tenant-id}/directoryroles"] = {
        "get": {
            "operationId": "listDirectoryRoles",
            "tags": ["Customers"],
            "x-pc-method": "list_directory_roles",
            "summary": "List the directory roles of a customer's tenant",
            "parameters": parameters,
            "responses": {
                "200": {
                    "description": "The directory roles.",
                    "content": {
                        "application/json": {"schema": {"$ref": "#/components/schemas/DirectoryRoleCollection"}}
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
