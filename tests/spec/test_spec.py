"""Checks of spec/partner-center-customers.yaml.

* the spec is valid OpenAPI 3.0 (openapi-spec-validator);
* EVERY example in it (media-type, parameter, header, component and schema examples) validates
  against its schema with a third, independent validator, fastjsonschema. The OAS 3.0 schemas are
  converted to JSON Schema draft-07: `nullable` becomes a type list, local `$ref`s point into
  `definitions`, OAS-only keywords and `x-` extensions are dropped. The check is strict: an object
  schema that declares `properties` gets `additionalProperties: false` (so a misspelt member fails),
  and in request examples read-only members are not allowed (as in OAS: they are not sent);
* Example Objects marked `x-pc-property-case: pascal` hold the PascalCase bodies the .NET SDK sends.
  The service matches property names case-insensitively and ignores nulls and read-only members, so
  before validating such an example the test lower-cases the first letter of every key, drops every
  null member, and validates it as a response-shaped document (read-only members allowed);
* every `x-pc-` extension is one documented in docs/contract.md §1 (or the test-only
  `x-pc-property-case`), is documented in the spec's header comment, sits where it belongs and has
  the agreed value;
* every request/response body of the seed documents (shared/seeds, beside the repository; override
  with $PC_SHARED_DIR) is embedded, unchanged, as an example of the right operation;
* the fixed operation table, the shared headers, the error responses and the statuses the emulator
  returns (docs/contract.md §2) are all present.
"""

from __future__ import annotations

import copy
import re
import sys
from functools import cache
from pathlib import Path

import fastjsonschema
import pytest
import yaml
from openapi_spec_validator import validate as validate_openapi

sys.path.insert(0, str(Path(__file__).resolve().parent))
from seeds import REPO_ROOT, all_seed_examples, seeds_dir, shared_dir

SPEC_PATH = REPO_ROOT / "spec" / "partner-center-customers.yaml"
CONTRACT_PATH = REPO_ROOT / "docs" / "contract.md"
SPEC_TEXT = SPEC_PATH.read_text(encoding="utf-8")
SPEC = yaml.safe_load(SPEC_TEXT)

HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
OAS_ONLY_SCHEMA_KEYS = {
    "nullable",
    "discriminator",
    "xml",
    "externalDocs",
    "example",
    "deprecated",
}
TEST_ONLY_EXTENSIONS = {"x-pc-property-case"}

# ---------------------------------------------------------------------------------------------------
# helpers


def pointer(path: tuple) -> str:
    return "#/" + "/".join(str(p).replace("~", "~0").replace("/", "~1") for p in path)


def resolve(node, spec=SPEC):
    """Follow local $refs (several levels) and return the target."""
    seen = 0
    while isinstance(node, dict) and "$ref" in node:
        ref = node["$ref"]
        assert ref.startswith("#/"), f"only local refs are used, got {ref}"
        node = spec
        for part in ref[2:].split("/"):
            node = node[part.replace("~1", "/").replace("~0", "~")]
        seen += 1
        assert seen < 20, "ref loop"
    return node


def operations(spec=SPEC):
    for path, item in spec["paths"].items():
        for method in HTTP_METHODS:
            if method in item:
                yield path, method, item[method], item


def lower_first_keys_drop_nulls(value):
    """The PascalCase normalization described in the module docstring."""
    if isinstance(value, dict):
        return {
            (k[:1].lower() + k[1:]): lower_first_keys_drop_nulls(v)
            for k, v in value.items()
            if v is not None
        }
    if isinstance(value, list):
        return [lower_first_keys_drop_nulls(v) for v in value]
    return value


# ---------------------------------------------------------------------------------------------------
# OAS 3.0 schema -> JSON Schema draft-07


def _schema_ref_name(ref: str) -> str:
    prefix = "#/components/schemas/"
    assert ref.startswith(prefix), f"schema $ref outside components/schemas: {ref}"
    return ref[len(prefix) :]


def _is_read_only(schema, spec) -> bool:
    return (
        bool(resolve(schema, spec).get("readOnly"))
        if isinstance(schema, dict)
        else False
    )


def convert_schema(node, mode: str, spec=SPEC):
    """mode: "request" drops read-only properties, "response" keeps them."""
    if isinstance(node, list):
        return [convert_schema(n, mode, spec) for n in node]
    if not isinstance(node, dict):
        return node
    if "$ref" in node:
        return {"$ref": "#/definitions/" + _schema_ref_name(node["$ref"])}
    out = {}
    for key, value in node.items():
        if key in OAS_ONLY_SCHEMA_KEYS or key.startswith("x-"):
            continue
        if key == "properties":
            props = {}
            for name, sub in value.items():
                if mode == "request" and _is_read_only(sub, spec):
                    continue
                props[name] = convert_schema(sub, mode, spec)
            out["properties"] = props
        elif key in ("items", "additionalProperties", "not"):
            out[key] = (
                convert_schema(value, mode, spec) if isinstance(value, dict) else value
            )
        elif key in ("allOf", "anyOf", "oneOf"):
            out[key] = [convert_schema(v, mode, spec) for v in value]
        else:
            out[key] = copy.deepcopy(value)
    if mode == "request" and "required" in out and "properties" in node:
        kept = [
            r
            for r in out["required"]
            if not _is_read_only(node["properties"].get(r), spec)
        ]
        if kept:
            out["required"] = kept
        else:
            del out["required"]
    if node.get("nullable"):
        if "type" in out:
            out["type"] = [out["type"], "null"]
        if "enum" in out:
            out["enum"] = [*out["enum"], None]
    # Strict: a declared object rejects members it does not declare.
    if "properties" in node and "additionalProperties" not in node:
        out["additionalProperties"] = False
    return out


@cache
def _definitions(mode: str):
    return {
        name: convert_schema(schema, mode)
        for name, schema in SPEC["components"]["schemas"].items()
    }


_VALIDATORS: dict = {}
# draft-07 has no `uuid` format (it came with 2019-09); OAS 3.0 uses it, so check it explicitly.
EXTRA_FORMATS = {
    "uuid": r"^[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}$"
}


def validator_for(schema: dict, mode: str):
    key = (repr(schema), mode)
    if key not in _VALIDATORS:
        doc = {
            "$schema": "http://json-schema.org/draft-07/schema#",
            "definitions": _definitions(mode),
            "allOf": [convert_schema(schema, mode)],
        }
        _VALIDATORS[key] = fastjsonschema.compile(doc, formats=EXTRA_FORMATS)
    return _VALIDATORS[key]


# ---------------------------------------------------------------------------------------------------
# collecting every example in the spec


class Example:
    def __init__(self, where: str, schema: dict, value, direction: str, pascal: bool):
        self.where = where
        self.schema = schema
        self.value = value
        self.direction = direction  # "request" or "response"
        self.pascal = pascal

    def check(self):
        value = lower_first_keys_drop_nulls(self.value) if self.pascal else self.value
        mode = "response" if self.pascal else self.direction
        validator_for(self.schema, mode)(value)


def _example_objects(holder: dict, path: tuple):
    """(where, value, pascal) for `example` and every entry of `examples` of a holder."""
    if "example" in holder:
        yield pointer(path + ("example",)), holder["example"], False
    for name, ex in (holder.get("examples") or {}).items():
        target = resolve(ex)
        assert "externalValue" not in target, "externalValue examples cannot be checked"
        assert "value" in target, (
            f"example without value at {pointer(path + ('examples', name))}"
        )
        pascal = target.get("x-pc-property-case") == "pascal"
        yield pointer(path + ("examples", name)), target["value"], pascal


def _schema_examples(schema, path: tuple, direction: str, out: list, seen: set):
    """`example` keywords inside schemas (following properties, items, allOf...)."""
    if not isinstance(schema, dict):
        return
    if "$ref" in schema:
        return  # component schemas are walked once, from components/schemas
    if "example" in schema:
        out.append(
            Example(
                pointer(path + ("example",)),
                schema,
                schema["example"],
                direction,
                False,
            )
        )
    for name, sub in (schema.get("properties") or {}).items():
        _schema_examples(sub, path + ("properties", name), direction, out, seen)
    for key in ("items", "additionalProperties", "not"):
        if isinstance(schema.get(key), dict):
            _schema_examples(schema[key], path + (key,), direction, out, seen)
    for key in ("allOf", "anyOf", "oneOf"):
        for i, sub in enumerate(schema.get(key) or []):
            _schema_examples(sub, path + (key, i), direction, out, seen)


def _holder_examples(holder: dict, path: tuple, direction: str, out: list):
    """A media type, parameter or header: its examples against its schema (or its content's)."""
    holder = resolve(holder)
    if "content" in holder:
        for mt, media in holder["content"].items():
            _holder_examples(media, path + ("content", mt), direction, out)
    if "schema" not in holder:
        return
    for where, value, pascal in _example_objects(holder, path):
        out.append(Example(where, holder["schema"], value, direction, pascal))
    _schema_examples(holder["schema"], path + ("schema",), direction, out, set())


def collect_examples(spec=SPEC) -> list[Example]:
    out: list[Example] = []
    comps = spec.get("components", {})
    for name, param in (comps.get("parameters") or {}).items():
        _holder_examples(param, ("components", "parameters", name), "request", out)
    for name, header in (comps.get("headers") or {}).items():
        _holder_examples(header, ("components", "headers", name), "response", out)
    for name, resp in (comps.get("responses") or {}).items():
        for hname, header in (resp.get("headers") or {}).items():
            if "$ref" not in header:
                _holder_examples(
                    header,
                    ("components", "responses", name, "headers", hname),
                    "response",
                    out,
                )
        for mt, media in (resp.get("content") or {}).items():
            _holder_examples(
                media, ("components", "responses", name, "content", mt), "response", out
            )
    for name, schema in (comps.get("schemas") or {}).items():
        _schema_examples(
            schema, ("components", "schemas", name), "response", out, set()
        )
    for path, method, op, item in operations(spec):
        base = ("paths", path, method)
        for i, param in enumerate(item.get("parameters") or []):
            if "$ref" not in param:
                _holder_examples(
                    param, ("paths", path, "parameters", i), "request", out
                )
        for i, param in enumerate(op.get("parameters") or []):
            if "$ref" not in param:
                _holder_examples(param, base + ("parameters", i), "request", out)
        body = op.get("requestBody")
        if body and "$ref" not in body:
            for mt, media in body.get("content", {}).items():
                _holder_examples(
                    media, base + ("requestBody", "content", mt), "request", out
                )
        for status, resp in op.get("responses", {}).items():
            if "$ref" in resp:
                continue  # checked once under components/responses
            for hname, header in (resp.get("headers") or {}).items():
                if "$ref" not in header:
                    _holder_examples(
                        header,
                        base + ("responses", status, "headers", hname),
                        "response",
                        out,
                    )
            for mt, media in (resp.get("content") or {}).items():
                _holder_examples(
                    media, base + ("responses", status, "content", mt), "response", out
                )
    return out


EXAMPLES = collect_examples()


def all_example_values(spec=SPEC):
    """(where, raw value) of every media-type example, with the operation it belongs to."""
    for path, method, op, _item in operations(spec):
        body = resolve(op.get("requestBody") or {})
        for mt, media in (body.get("content") or {}).items():
            for where, value, pascal in _example_objects(
                media, ("paths", path, method, "requestBody", "content", mt)
            ):
                yield (method, path, "request", None, where, value, pascal)
        for status, resp in op.get("responses", {}).items():
            for mt, media in (resolve(resp).get("content") or {}).items():
                for where, value, pascal in _example_objects(
                    media, ("paths", path, method, "responses", status, "content", mt)
                ):
                    yield (method, path, "response", int(status), where, value, pascal)


# ---------------------------------------------------------------------------------------------------
# 1. validity


def test_spec_is_valid_openapi_30():
    assert SPEC["openapi"] == "3.0.3"
    validate_openapi(SPEC, base_uri=SPEC_PATH.as_uri())


# ---------------------------------------------------------------------------------------------------
# 2. examples


def test_examples_were_collected():
    assert len(EXAMPLES) >= 50, len(EXAMPLES)
    assert sum(e.pascal for e in EXAMPLES) >= 7
    assert any(e.where.startswith("#/components/headers") for e in EXAMPLES)
    assert any("/parameters/" in e.where for e in EXAMPLES)


@pytest.mark.parametrize("example", EXAMPLES, ids=[e.where for e in EXAMPLES])
def test_example_matches_schema(example: Example):
    try:
        example.check()
    except fastjsonschema.JsonSchemaException as exc:
        pytest.fail(f"{example.where}: {exc.message}")


def test_pascal_marker_is_only_on_pascal_examples():
    for ex in EXAMPLES:
        if ex.pascal:
            assert isinstance(ex.value, dict) and any(
                k[:1].isupper() for k in ex.value
            ), ex.where


def test_component_examples_are_used():
    used = set(re.findall(r"#/components/examples/([A-Za-z0-9_.-]+)", SPEC_TEXT))
    assert set(SPEC["components"].get("examples", {})) <= used


def test_checker_rejects_broken_examples():
    """The example check is not vacuous: breaking an example in a few ways must fail."""
    create = SPEC["paths"]["/v1/customers"]["post"]
    response_schema = create["responses"]["201"]["content"]["application/json"][
        "schema"
    ]
    good = copy.deepcopy(
        create["responses"]["201"]["content"]["application/json"]["examples"][
            "seed001Direct"
        ]["value"]
    )
    validator_for(response_schema, "response")(good)
    breakages = {
        "wrong type": lambda v: v.__setitem__("id", 12),
        "bad uuid": lambda v: v.__setitem__("id", "not-a-guid"),
        "unknown member": lambda v: v.__setitem__("colour", "red"),
        "missing required": lambda v: v["billingProfile"].pop("email"),
        "too long": lambda v: v["billingProfile"]["defaultAddress"].__setitem__(
            "addressLine1", "x" * 201
        ),
        "bad country": lambda v: v["billingProfile"]["defaultAddress"].__setitem__(
            "country", "USA"
        ),
        "null where not nullable": lambda v: v.__setitem__("commerceId", None),
    }
    for name, breaker in breakages.items():
        bad = copy.deepcopy(good)
        breaker(bad)
        with pytest.raises(fastjsonschema.JsonSchemaException):
            validator_for(response_schema, "response")(bad)
            pytest.fail(f"broken example accepted: {name}")
    # read-only members are rejected in request examples
    request_schema = create["requestBody"]["content"]["application/json"]["schema"]
    minimal = create["requestBody"]["content"]["application/json"]["examples"][
        "minimalCamelCase"
    ]["value"]
    validator_for(request_schema, "request")(minimal)
    with pytest.raises(fastjsonschema.JsonSchemaException):
        validator_for(request_schema, "request")(
            {**minimal, "id": "626099fe-17af-4756-9fd0-6a73b7127859"}
        )
    # create needs both profiles, a response does not
    with pytest.raises(fastjsonschema.JsonSchemaException):
        validator_for(request_schema, "request")(
            {"companyProfile": minimal["companyProfile"]}
        )
    validator_for(response_schema, "response")(
        {"id": good["id"], "relationshipToPartner": "reseller"}
    )


def test_normalization():
    raw = {
        "Id": None,
        "CompanyProfile": {"Domain": "x", "Attributes": {"ObjectType": "Y"}},
        "Items": [{"A": None}],
    }
    assert lower_first_keys_drop_nulls(raw) == {
        "companyProfile": {"domain": "x", "attributes": {"objectType": "Y"}},
        "items": [{}],
    }


def test_nullable_conversion():
    schema = {"type": "boolean", "nullable": True, "example": True, "x-pc-secret": True}
    assert convert_schema(schema, "response") == {"type": ["boolean", "null"]}


# ---------------------------------------------------------------------------------------------------
# 3. vendor extensions


def _contract_extensions() -> set[str]:
    text = CONTRACT_PATH.read_text(encoding="utf-8")
    section = text.split("## 1.", 1)[1].split("\n## ", 1)[0]
    return set(re.findall(r"^\|\s*`(x-pc-[a-z-]+)`", section, re.MULTILINE))


def _walk(node, path=()):
    yield path, node
    if isinstance(node, dict):
        for k, v in node.items():
            yield from _walk(v, path + (k,))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from _walk(v, path + (i,))


def _extension_uses():
    for path, node in _walk(SPEC):
        if isinstance(node, dict):
            for key in node:
                if isinstance(key, str) and key.startswith("x-pc-"):
                    yield key, path, node


def test_contract_lists_the_extensions():
    names = _contract_extensions()
    assert len(names) == 11, names


def test_every_extension_is_documented():
    allowed = _contract_extensions() | TEST_ONLY_EXTENSIONS
    header = SPEC_TEXT.split("\nopenapi:", 1)[0]
    documented_in_header = set(
        re.findall(r"^#\s+(x-pc-[a-z-]+)\s", header, re.MULTILINE)
    )
    used = {key for key, _p, _n in _extension_uses()}
    assert used <= allowed, used - allowed
    assert allowed <= documented_in_header, allowed - documented_in_header
    assert used == allowed, f"documented but never used: {allowed - used}"
    # no other x- extensions sneak in under another prefix
    others = {
        k
        for _p, n in _walk(SPEC)
        if isinstance(n, dict)
        for k in n
        if str(k).startswith("x-") and not str(k).startswith("x-pc-")
    }
    assert not others, others


def _is_operation_path(path) -> bool:
    return len(path) == 3 and path[0] == "paths" and path[2] in HTTP_METHODS


def test_extensions_sit_where_they_belong():
    for key, path, node in _extension_uses():
        where = pointer(path)
        if key in {
            "x-pc-method",
            "x-pc-paging",
            "x-pc-exists",
            "x-pc-idempotent",
            "x-pc-if-match",
            "x-pc-requires-app-user",
        }:
            assert _is_operation_path(path), (key, where)
        elif key == "x-pc-client-headers":
            assert path == (), where
        elif key == "x-pc-clouds":
            assert len(path) == 2 and path[0] == "servers", where
        elif key == "x-pc-secret":
            assert path[-2] == "properties" and node[key] is True, where
        elif key == "x-pc-closed-enum":
            assert (
                path[:2] == ("components", "schemas")
                and len(path) == 3
                and "enum" in node
                and node[key] is True
            ), where
        elif key == "x-pc-country-required":
            assert path == ("components", "schemas", "Customer"), where
        elif key == "x-pc-property-case":
            assert "examples" in path and "value" in node and node[key] == "pascal", (
                where
            )
        else:  # pragma: no cover
            pytest.fail(f"unhandled {key}")


def test_extension_values():
    assert SPEC["x-pc-client-headers"] == {
        "requestId": "MS-RequestId",
        "correlationId": "MS-CorrelationId",
        "locale": "X-Locale",
        "application": "MS-PartnerCenter-Application",
        "contractVersion": "MS-Contract-Version",
    }
    servers = {s["url"]: s.get("x-pc-clouds") for s in SPEC["servers"]}
    assert servers == {
        "https://api.partnercenter.microsoft.com": {
            "global": {"authorityHost": "https://login.microsoftonline.com"},
            "usgov": {"authorityHost": "https://login.microsoftonline.us"},
        },
        "https://partner.partnercenterapi.microsoftonline.cn": {
            "china": {"authorityHost": "https://login.chinacloudapi.cn"},
        },
    }
    paths = SPEC["paths"]
    assert paths["/v1/customers"]["get"]["x-pc-paging"] == {
        "itemsField": "items",
        "tokenField": "continuationToken",
        "tokenHeader": "MS-ContinuationToken",
        "seekParameter": "seekOperation",
        "seekValue": "Next",
        "nextLinkField": "links.next",
        "totalCountField": "totalCount",
    }
    assert paths["/v1/customers"]["post"]["x-pc-idempotent"] == {
        "header": "MS-RequestId"
    }
    assert paths["/v1/domains/{domain}"]["head"]["x-pc-exists"] == {
        "trueStatus": 200,
        "falseStatus": 404,
    }
    assert paths["/v1/customers/{customer-tenant-id}/profiles/billing"]["put"][
        "x-pc-if-match"
    ] == {
        "header": "If-Match",
        "bodyField": "attributes.etag",
    }
    secrets = [p for k, p, _n in _extension_uses() if k == "x-pc-secret"]
    assert secrets == [
        ("components", "schemas", "UserCredentials", "properties", "password"),
        ("components", "schemas", "PasswordProfile", "properties", "password"),
    ]
    closed = sorted(p[2] for k, p, _n in _extension_uses() if k == "x-pc-closed-enum")
    assert closed == [
        "CustomerRelationshipRemoval",
        "CustomerSearchField",
        "EducationSegment",
        "FieldFilterOperation",
        "LicenseGroupId",
        "QualificationKind",
        "RelationshipFilterOperation",
        "RelationshipQueryType",
        "RelationshipSearchField",
        "SeekOperation",
        "UserFilterOperation",
        "UserRestore",
        "UserSearchField",
    ]
    assert paths[USERS]["get"]["x-pc-paging"] == paths["/v1/customers"]["get"]["x-pc-paging"]


COUNTRIES_24 = {
    # phase 1 (Nov 2020)
    "AM",
    "AZ",
    "BY",
    "HU",
    "KZ",
    "KG",
    "MD",
    "RU",
    "TJ",
    "UZ",
    "UA",
    # phase 2 (March 2021)
    "TH",
    "VN",
    "TR",
    "PL",
    "ZA",
    "IN",
    "BR",
    "IQ",
    "MM",
    "SS",
    "SA",
    "AE",
    "VE",
}


def _wire_path_exists(schema_name: str, dotted: str) -> bool:
    node = SPEC["components"]["schemas"][schema_name]
    for part in dotted.split("."):
        node = resolve(node)
        props = node.get("properties", {})
        if part not in props:
            return False
        node = props[part]
    return True


def test_country_required_rules():
    rules = SPEC["components"]["schemas"]["Customer"]["x-pc-country-required"]
    assert len(COUNTRIES_24) == 24
    by_field = {r["field"]: r for r in rules}
    assert set(by_field) == {
        "companyProfile.organizationRegistrationNumber",
        "billingProfile.defaultAddress.phoneNumber",
    }
    assert (
        by_field["companyProfile.organizationRegistrationNumber"]["errorCode"] == 600049
    )
    assert by_field["billingProfile.defaultAddress.phoneNumber"]["errorCode"] == 600051
    for rule in rules:
        assert set(rule) == {"field", "countryField", "countries", "errorCode"}
        assert set(rule["countries"]) == COUNTRIES_24 and len(rule["countries"]) == 24
        assert _wire_path_exists("Customer", rule["field"]), rule["field"]
        assert _wire_path_exists("Customer", rule["countryField"]), rule["countryField"]


# ---------------------------------------------------------------------------------------------------
# 4. seed documents


def test_seed_documents_are_available():
    assert seeds_dir().is_dir(), (
        f"seed documents not found at {seeds_dir()}: CI keeps shared/ beside the repository; "
        "set PC_SHARED_DIR to another shared/ directory"
    )


SEEDS = all_seed_examples() if seeds_dir().is_dir() else []
SEED_BODIES = [s for s in SEEDS if s.has_body]


def test_seed_parser_found_every_example():
    # 000, 001, 002, 004: create request + 201 response; 003: relationship-request response
    assert sorted(s.key for s in SEED_BODIES) == [
        "000-request",
        "000-response",
        "001-request",
        "001-response",
        "002-request",
        "002-response",
        "003-response",
        "004-request",
        "004-response",
    ]
    assert [s.key for s in SEED_BODIES if s.corrected] == ["002-request"]


@pytest.mark.parametrize("seed", SEED_BODIES, ids=[s.key for s in SEED_BODIES])
def test_seed_example_is_embedded(seed):
    request = seed if seed.kind == "request" else seed.request
    assert request is not None, "a seed response must follow its request"
    method, path = request.method.lower(), request.path.split("?", 1)[0]
    candidates = [
        (where, pascal)
        for m, p, direction, status, where, value, pascal in all_example_values()
        if m == method
        and p == path
        and direction == seed.kind
        and (seed.status is None or status == seed.status)
        and value == seed.body
    ]
    assert candidates, f"{seed.key} ({method.upper()} {path}) is not embedded unchanged"
    if seed.kind == "request":
        assert all(pascal for _w, pascal in candidates), (
            "PascalCase seed requests must be marked pascal"
        )


# ---------------------------------------------------------------------------------------------------
# 5. operations, headers, errors, schemas

AGREEMENTS = "/v1/customers/{customer-tenant-id}/agreements"
USERS = "/v1/customers/{customer-tenant-id}/users"
USER = USERS + "/{user-id}"
QUALIFICATIONS = "/v1/customers/{customer-tenant-id}/qualifications"

OPERATIONS = {
    # operationId: (method, path, tag, x-pc-method, success status)
    "createCustomer": ("post", "/v1/customers", "Customers", "create", "201"),
    "listCustomers": ("get", "/v1/customers", "Customers", "list", "200"),
    "getCustomer": (
        "get",
        "/v1/customers/{customer-tenant-id}",
        "Customers",
        "get",
        "200",
    ),
    "deleteCustomer": (
        "delete",
        "/v1/customers/{customer-tenant-id}",
        "Customers",
        "delete",
        "204",
    ),
    "removeResellerRelationship": (
        "patch",
        "/v1/customers/{customer-tenant-id}",
        "Customers",
        "remove_reseller_relationship",
        "200",
    ),
    "getRelationshipRequest": (
        "get",
        "/v1/customers/relationshiprequests",
        "Customers",
        "get_relationship_request",
        "200",
    ),
    "listCustomerRelationships": (
        "get",
        "/v1/customers/{customer-tenant-id}/relationships",
        "Customers",
        "list_relationships",
        "200",
    ),
    "getCompanyProfile": (
        "get",
        "/v1/customers/{customer-tenant-id}/profiles/company",
        "Profiles",
        "get_company",
        "200",
    ),
    "getBillingProfile": (
        "get",
        "/v1/customers/{customer-tenant-id}/profiles/billing",
        "Profiles",
        "get_billing",
        "200",
    ),
    "updateBillingProfile": (
        "put",
        "/v1/customers/{customer-tenant-id}/profiles/billing",
        "Profiles",
        "update_billing",
        "200",
    ),
    "checkDomainExists": ("head", "/v1/domains/{domain}", "Domains", "exists", "200"),
    "validateAddress": (
        "post",
        "/v1/validations/address",
        "Validations",
        "validate_address",
        "200",
    ),
    "getCountryValidationRules": (
        "get",
        "/v1/countryvalidationrules/{country}",
        "CountryValidationRules",
        "get",
        "200",
    ),
    # The onboarding journey (reference part 2)
    "listRelationships": ("get", "/v1/relationships", "Relationships", "list", "200"),
    "listAgreementMetadata": (
        "get",
        "/v1/agreements",
        "Agreements",
        "list_metadata",
        "200",
    ),
    "createAgreement": ("post", AGREEMENTS, "Agreements", "create", "201"),
    "listAgreements": ("get", AGREEMENTS, "Agreements", "list", "200"),
    "getAgreementDocument": (
        "get",
        "/v1/agreementtemplates/{agreement-template-id}/document",
        "Agreements",
        "get_document",
        "200",
    ),
    "getDirectSignedStatus": (
        "get",
        "/v1/customers/{customer-tenant-id}/directSignedMicrosoftCustomerAgreementStatus",
        "Agreements",
        "get_direct_signed_status",
        "200",
    ),
    "createUser": ("post", USERS, "Users", "create", "200"),
    "listUsers": ("get", USERS, "Users", "list", "200"),
    "getUser": ("get", USER, "Users", "get", "200"),
    "updateUser": ("patch", USER, "Users", "update", "200"),
    "deleteUser": ("delete", USER, "Users", "delete", "204"),
    "listLicenses": (
        "get",
        "/v1/customers/{customer-tenant-id}/subscribedskus",
        "Licenses",
        "list",
        "200",
    ),
    "listQualifications": ("get", QUALIFICATIONS, "Qualifications", "list", "200"),
    "createQualification": ("post", QUALIFICATIONS, "Qualifications", "create", "201"),
    "listValidationCodes": (
        "get",
        "/v1/customers/all/validations",
        "Qualifications",
        "list_validation_codes",
        "200",
    ),
    "listManagedServices": (
        "get",
        "/v1/customers/{customer-tenant-id}/managedservices",
        "Customers",
        "list_managed_services",
        "200",
    ),
}

# Statuses the emulator can return per operation (docs/contract.md §2): every operation can get
# 400 (bad input), 401, 429, 500 and 503; customer-scoped ones 404 (60003); create 409; the billing
# PUT 412; country rules 404 (1000). The spec may document more (e.g. 403), never less.
COMMON = {"400", "401", "429", "500", "503"}
CONTRACT_STATUSES = {
    "createCustomer": COMMON | {"201", "409"},
    "listCustomers": COMMON | {"200"},
    "getCustomer": COMMON | {"200", "404"},
    "deleteCustomer": COMMON | {"204", "404"},
    "removeResellerRelationship": COMMON | {"200", "404"},
    "getRelationshipRequest": COMMON | {"200"},
    "listCustomerRelationships": COMMON | {"200", "404"},
    "getCompanyProfile": COMMON | {"200", "404"},
    "getBillingProfile": COMMON | {"200", "404"},
    "updateBillingProfile": COMMON | {"200", "404", "412"},
    "checkDomainExists": COMMON | {"200", "404"},
    "validateAddress": COMMON | {"200"},
    "getCountryValidationRules": COMMON | {"200", "404"},
    "listRelationships": COMMON | {"200"},
    "listAgreementMetadata": COMMON | {"200"},
    "createAgreement": COMMON | {"201", "404"},
    "listAgreements": COMMON | {"200", "404"},
    "getAgreementDocument": COMMON | {"200", "404"},
    "getDirectSignedStatus": COMMON | {"200", "404"},
    "createUser": COMMON | {"200", "404", "409"},
    "listUsers": COMMON | {"200", "404"},
    "getUser": COMMON | {"200", "404"},
    "updateUser": COMMON | {"200", "404", "409"},
    "deleteUser": COMMON | {"204", "404"},
    "listLicenses": COMMON | {"200", "404"},
    "listQualifications": COMMON | {"200", "404"},
    "createQualification": COMMON | {"201", "404", "409"},
    "listValidationCodes": COMMON | {"200"},
    "listManagedServices": COMMON | {"200", "404"},
}
APP_USER_ONLY = {
    "removeResellerRelationship",
    "getRelationshipRequest",
    "listCustomerRelationships",
    "getCompanyProfile",
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
    "createQualification",
    "listManagedServices",
}
CLIENT_HEADER_PARAMS = {  # header name -> shared component every operation must reference
    "MS-RequestId": "MsRequestId",
    "MS-CorrelationId": "MsCorrelationId",
    "X-Locale": "XLocale",
    "MS-PartnerCenter-Application": "MsPartnerCenterApplication",
    "MS-Contract-Version": "MsContractVersion",
}


def _ops_by_id():
    return {
        op["operationId"]: (path, method, op, item)
        for path, method, op, item in operations()
    }


def test_operation_table():
    ops = _ops_by_id()
    assert set(ops) == set(OPERATIONS)
    for op_id, (method, path, tag, pc_method, success) in OPERATIONS.items():
        p, m, op, _item = ops[op_id]
        assert (m, p) == (method, path), op_id
        assert op["tags"][0] == tag, op_id
        assert op["x-pc-method"] == pc_method, op_id
        assert success in op["responses"], op_id
        assert op.get("summary") and op.get("description"), op_id
        assert bool(op.get("x-pc-requires-app-user")) == (op_id in APP_USER_ONLY), op_id
    assert {t["name"] for t in SPEC["tags"]} == {v[2] for v in OPERATIONS.values()}


def _params(op, item):
    return [
        resolve(p)
        for p in (item.get("parameters") or []) + (op.get("parameters") or [])
    ]


def test_every_operation_has_bearer_and_client_headers():
    for path, method, op, item in operations():
        assert {"bearerAuth": []} in op["security"], (method, path)
        shared = {
            p["$ref"].rsplit("/", 1)[-1]
            for p in op.get("parameters", [])
            if "$ref" in p
        }
        assert set(CLIENT_HEADER_PARAMS.values()) <= shared, (method, path)
    for name, component in CLIENT_HEADER_PARAMS.items():
        param = SPEC["components"]["parameters"][component]
        assert (param["name"], param["in"], param["required"]) == (
            name,
            "header",
            False,
        )
    bearer = SPEC["components"]["securitySchemes"]["bearerAuth"]
    assert (bearer["type"], bearer["scheme"]) == ("http", "bearer")
    assert SPEC["security"][0] == {"bearerAuth": []}
    flows = {
        name: s.get("flows", {})
        for name, s in SPEC["components"]["securitySchemes"].items()
    }
    assert (
        "clientCredentials" in flows["appOnly"]
        and "authorizationCode" in flows["appUser"]
    )


def test_path_parameters():
    for path, method, op, item in operations():
        names = {p["name"] for p in _params(op, item) if p["in"] == "path"}
        assert names == set(re.findall(r"{([^}]+)}", path)), (method, path)
        if "{customer-tenant-id}" in path:
            param = next(
                p for p in _params(op, item) if p["name"] == "customer-tenant-id"
            )
            assert param["schema"] == {"type": "string", "format": "uuid"}


def test_list_parameters():
    _p, _m, op, item = _ops_by_id()["listCustomers"]
    params = {p["name"]: p for p in _params(op, item)}
    assert params["size"]["schema"] == {
        "type": "integer",
        "format": "int32",
        "minimum": 0,
    }
    assert (
        resolve(params["filter"]["content"]["application/json"]["schema"])
        is SPEC["components"]["schemas"]["CustomerFilter"]
    )
    assert params["seekOperation"]["schema"] == {
        "$ref": "#/components/schemas/SeekOperation"
    }
    assert params["MS-ContinuationToken"]["in"] == "header"
    _p, _m, op, item = _ops_by_id()["getRelationshipRequest"]
    q = {
        p["name"]: p["schema"]["type"] for p in _params(op, item) if p["in"] == "query"
    }
    assert q == {
        "indirectCloudSolutionProviderId": "string",
        "indirectResellerId": "string",
        "dualRoleIndirectRelationship": "boolean",
    }
    _p, _m, op, item = _ops_by_id()["updateBillingProfile"]
    assert "If-Match" in {p["name"] for p in _params(op, item) if p["in"] == "header"}


def test_documented_statuses_cover_the_contract():
    for op_id, (path, method, op, _item) in _ops_by_id().items():
        documented = set(op["responses"])
        missing = CONTRACT_STATUSES[op_id] - documented
        assert not missing, f"{op_id} does not document {sorted(missing)}"
        assert "403" in documented, op_id


def _schema_name(media) -> str | None:
    ref = media.get("schema", {}).get("$ref", "")
    return ref.rsplit("/", 1)[-1] if ref else None


def test_error_responses():
    for path, method, op, _item in operations():
        for status, resp in op["responses"].items():
            resp = resolve(resp)
            headers = resp.get("headers", {})
            assert {"MS-RequestId", "MS-CorrelationId", "MS-CV"} <= set(headers), (
                method,
                path,
                status,
            )
            if method == "head":
                assert "content" not in resp, (path, status)
            if status == "429":
                assert resolve(headers["Retry-After"]).get("required") is True
                if method != "head":
                    assert (
                        _schema_name(resp["content"]["application/json"])
                        == "ThrottleResponse"
                    )
            elif status[0] in "45" and method != "head":
                assert (
                    _schema_name(resp["content"]["application/json"]) == "ErrorResponse"
                ), (method, path, status)
    err = SPEC["components"]["schemas"]["ErrorResponse"]
    assert {"code", "description", "data", "source", "errorName", "isRetryable"} <= set(
        err["properties"]
    )
    assert err["properties"]["code"]["type"] == "integer"
    assert set(SPEC["components"]["schemas"]["ThrottleResponse"]["properties"]) == {
        "statusCode",
        "message",
    }


def test_required_members_and_limits():
    s = SPEC["components"]["schemas"]
    assert "required" not in s["Customer"], (
        "list items have no billingProfile: Customer requires nothing"
    )
    assert s["NewCustomer"]["allOf"][0] == {"$ref": "#/components/schemas/Customer"}
    assert set(s["NewCustomer"]["allOf"][1]["required"]) == {
        "companyProfile",
        "billingProfile",
    }
    assert set(s["CustomerBillingProfile"]["required"]) == {
        "email",
        "culture",
        "language",
        "companyName",
        "defaultAddress",
    }
    assert s["CustomerCompanyProfile"]["required"] == ["domain"]
    assert set(s["Address"]["required"]) == {"addressLine1", "country"}
    a = s["Address"]["properties"]
    limits = {k: (v.get("minLength"), v.get("maxLength")) for k, v in a.items()}
    assert limits["addressLine1"] == (1, 200)
    assert limits["addressLine2"] == (None, 200)
    assert limits["country"] == (2, 2)
    assert limits["firstName"] == limits["lastName"] == limits["middleName"] == (1, 50)
    assert limits["state"] == (None, None), (
        "decision: no 2-character limit on state (spec/NOTES.md)"
    )


def test_read_only_members():
    s = SPEC["components"]["schemas"]
    expected = [
        ("Customer", "id"),
        ("Customer", "commerceId"),
        ("Customer", "customDomains"),
        ("CustomerCompanyProfile", "tenantId"),
        ("CustomerBillingProfile", "id"),
        ("ResourceAttributes", "etag"),
        ("UserCredentials", "password"),
    ]
    for schema, prop in expected:
        assert s[schema]["properties"][prop].get("readOnly") is True, (schema, prop)
    for name in ("UserCredentials", "ResourceAttributes", "ResourceLinks"):
        assert s[name].get("readOnly") is True, name


def test_enums_are_named_and_open():
    s = SPEC["components"]["schemas"]
    assert (
        "Open" in SPEC["info"]["description"] or "open" in SPEC["info"]["description"]
    )
    for name, schema in s.items():
        if "enum" in schema:
            assert "open" in schema["description"].lower(), name
    for path, node in _walk(SPEC):
        if isinstance(node, dict) and "enum" in node and isinstance(node["enum"], list):
            assert path[:2] == ("components", "schemas") and len(path) == 3, (
                f"inline enum at {pointer(path)}"
            )
    assert s["CustomerPartnerRelationship"]["enum"] == [
        "unknown",
        "reseller",
        "advisor",
        "syndication",
        "microsoft_support",
        "none",
    ]
    assert "starts_with" in s["FieldFilterOperation"]["enum"]
    assert s["SeekOperation"]["enum"] == [
        "Next",
        "Previous",
        "First",
        "Last",
        "PageIndex",
    ]
    assert s["CustomerSearchField"]["enum"] == [
        "CompanyName",
        "Domain",
        "IndirectReseller",
        "IndirectCloudSolutionProvider",
    ]


def test_required_component_schemas_exist():
    names = set(SPEC["components"]["schemas"])
    assert {
        "Customer",
        "CustomerCompanyProfile",
        "CustomerBillingProfile",
        "Address",
        "UserCredentials",
        "RelationshipRequest",
        "PartnerRelationship",
        "CustomerCollection",
        "PartnerRelationshipCollection",
        "Link",
        "ResourceLinks",
        "KeyValuePair",
        "ResourceAttributes",
        "AddressValidationResponse",
        "AddressValidationStatus",
        "CountryValidationRules",
        "CustomerPartnerRelationship",
        "PartnerRelationshipType",
        "CustomerFilter",
        "SeekOperation",
        "ErrorResponse",
        "ThrottleResponse",
    } <= names
    assert set(SPEC["components"]["schemas"]["CustomerCollection"]["properties"]) == {
        "totalCount",
        "items",
        "links",
        "continuationToken",
        "attributes",
    }


# ---------------------------------------------------------------------------------------------------
# 6. value forms, the PATCH body, paging examples, links, statuses outside the operations
#
# The forms below must agree with what the emulator accepts (tests/sandbox/src/validation.rs):
# schemathesis generates from these patterns, and the emulator must not reject what they admit.

_SCHEMAS = SPEC["components"]["schemas"]


def _pattern(schema: str, prop: str) -> re.Pattern:
    return re.compile(_SCHEMAS[schema]["properties"][prop]["pattern"])


def _reference_cultures() -> set[str]:
    text = (shared_dir() / "reference" / "partner-center-api.md").read_text(
        encoding="utf-8"
    )
    block = text.split("Full mapping (ISO2", 1)[1].split("```", 2)[1]
    cultures = set(re.findall(r"[A-Za-z]{2,3}(?:-[A-Za-z]{4})?-[A-Za-z]{2}", block))
    assert len(cultures) > 100, len(cultures)
    return cultures


def test_culture_and_language_forms():
    culture = _pattern("CustomerBillingProfile", "culture")
    language = _pattern("CustomerBillingProfile", "language")
    ref = shared_dir() / "reference" / "partner-center-api.md"
    if ref.is_file():
        cultures = _reference_cultures()
        assert {"az-Latn-AZ", "sr-Cyrl-RS", "en-US", "pt-PT"} <= cultures
        for c in cultures:
            assert culture.search(c), c
    for ok in ("EN-US", "en-us", "az-latn-az", "AZ-LATN-az"):
        assert culture.search(ok), ok
    for bad in (
        "0",
        "en",
        "en_US",
        "en-USA",
        "e-US",
        "en-Latn",
        "en-US-x",
        "é-US",
        " en-US",
    ):
        assert not culture.search(bad), bad
    for ok in ("en", "En", "FR"):
        assert language.search(ok), ok
    for bad in ("0", "e", "eng", "en-US", "é1"):
        assert not language.search(bad), bad


def test_domain_form():
    domain = _pattern("CustomerCompanyProfile", "domain")
    head = next(
        p
        for p in SPEC["paths"]["/v1/domains/{domain}"]["head"]["parameters"]
        if p.get("name") == "domain"
    )
    assert head["schema"]["pattern"] == domain.pattern
    assert head["schema"]["maxLength"] == 253
    assert (
        _SCHEMAS["CustomerCompanyProfile"]["properties"]["domain"]["maxLength"] == 253
    )
    for ok in (
        "SampleApplication1047419322.onmicrosoft.com",
        "xyz.ccsctp.net",
        "WingtipToys678152504.onmicrosoft.com",
        "a-b.c-d.example",
        "a.bc",
    ):
        assert domain.search(ok), ok
    # the emulator's own unit-test cases (validation.rs `domains`) plus "0" from schemathesis
    for bad in (
        "0",
        "nodot",
        "-a.com",
        "a-.com",
        "a..com",
        "a.c0m",
        "a b.com",
        "a.c",
        ".a.com",
        "a.com.",
    ):
        assert not domain.search(bad), bad
    assert not domain.search("a" * 64 + ".com")


def test_email_form():
    places = [
        ("CustomerBillingProfile", "email"),
        ("CustomerCompanyProfile", "email"),
        ("Address", "emailAddress"),
    ]
    for schema, prop in places:
        node = _SCHEMAS[schema]["properties"][prop]
        assert node["format"] == "email" and node["maxLength"] == 254, (schema, prop)
        email = re.compile(node["pattern"])
        for ok in ("marshall@fourthcoffee.com", "SomeEmail@Outlook.com", "a.b+c@d.e"):
            assert email.search(ok), ok
        for bad in ("0", "a@b", "a b@c.d", "a@b@c.d", "@b.c", "a@.", "a@b.c "):
            assert not email.search(bad), bad


def test_request_id_headers_are_guids():
    for name in ("MsRequestId", "MsCorrelationId"):
        param = SPEC["components"]["parameters"][name]
        assert param["schema"] == {"type": "string", "format": "uuid"}, name
        assert "400 / 800002" in param["description"], name


def _patch_body():
    op = SPEC["paths"]["/v1/customers/{customer-tenant-id}"]["patch"]
    return op["requestBody"]["content"]["application/json"]


def test_patch_body_accepts_only_none():
    media = _patch_body()
    assert media["schema"] == {
        "$ref": "#/components/schemas/CustomerRelationshipUpdate"
    }
    update = _SCHEMAS["CustomerRelationshipUpdate"]
    # generator-friendly: `allOf: [single $ref]` without `properties` is lowered to that reference,
    # so the generated body type stays `Customer`; the restriction lives in the anyOf branch.
    assert update["allOf"] == [{"$ref": "#/components/schemas/Customer"}]
    assert "properties" not in update
    assert _SCHEMAS["CustomerRelationshipRemoval"]["enum"] == ["none"]
    check = validator_for(media["schema"], "request")
    check({"relationshipToPartner": "none"})
    for bad in (
        {},
        {"relationshipToPartner": "reseller"},
        {"relationshipToPartner": "unknown"},
        {"relationshipToPartner": None},
    ):
        with pytest.raises(fastjsonschema.JsonSchemaException):
            check(bad)
            pytest.fail(f"accepted {bad}")
    names = set(media["examples"])
    assert {"removeRelationship", "sdkForm"} <= names


def test_paging_examples_follow_x_pc_paging():
    op = SPEC["paths"]["/v1/customers"]["get"]
    params = {p["name"]: p for p in _params(op, SPEC["paths"]["/v1/customers"])}
    # Parameter examples are combined into one request by tools (schemathesis's example phase):
    # only first-page parameters may carry one, never seekOperation or the continuation token.
    assert "example" in params["size"]
    for name in ("seekOperation", "MS-ContinuationToken", "filter"):
        assert "example" not in params[name], name
    examples = op["responses"]["200"]["content"]["application/json"]["examples"]
    for name, ex in examples.items():
        page = ex["value"]
        nxt = page.get("links", {}).get("next")
        assert ("continuationToken" in page) == (nxt is not None), name
        if nxt:
            assert nxt["uri"].split("?", 1)[1] == "seekOperation=Next", name
            assert nxt["headers"] == [
                {"key": "MS-ContinuationToken", "value": page["continuationToken"]}
            ], name
            # plausible: the composite shape of the only documented token (reference §4.8)
            token = page["continuationToken"]
            assert re.fullmatch(
                r"[0-9a-f-]{36}(,[0-9a-f-]{36}_[A-Za-z0-9+/]+={0,2})+", token
            ), token


def test_create_links_to_customer_scoped_operations():
    links = SPEC["paths"]["/v1/customers"]["post"]["responses"]["201"]["links"]
    ops = _ops_by_id()
    targets = {link["operationId"] for link in links.values()}
    scoped = {
        op_id
        for op_id, (path, *_rest) in ops.items()
        if re.findall(r"{([^}]+)}", path) == ["customer-tenant-id"]
    }
    assert targets == scoped, scoped ^ targets
    for name, link in links.items():
        assert link["parameters"]["customer-tenant-id"] == "$response.body#/id", name
    # and a created user to everything scoped to that user
    user_links = SPEC["paths"][USERS]["post"]["responses"]["200"]["links"]
    assert {link["operationId"] for link in user_links.values()} == {
        op_id for op_id, (path, *_rest) in ops.items() if path == USER
    }
    for name, link in user_links.items():
        assert link["parameters"] == {
            "customer-tenant-id": "$request.path.customer-tenant-id",
            "user-id": "$response.body#/id",
        }, name
    put = links["UpdateBillingProfile"]["parameters"]
    assert (
        put["header.If-Match"] == '"{$response.body#/billingProfile/attributes/etag}"'
    )


# Situations the emulator answers outside the per-operation lists, and where the spec says so.
UNLISTED = {
    "unknown route": ("404", "1000", "info"),
    "wrong method": ("405", "800002", "info"),
    "MS-RequestId / MS-CorrelationId not a GUID": ("400", "800002", "info"),
}


def test_statuses_outside_operations_are_documented():
    info = SPEC["info"]["description"]
    for situation, (status, code, _where) in UNLISTED.items():
        assert status in info and code in info, situation
    contract = CONTRACT_PATH.read_text(encoding="utf-8")
    table = contract.split("## 2.", 1)[1].split("\n## ", 1)[0]
    rows = [
        [c.strip() for c in line.strip().strip("|").split("|")]
        for line in table.splitlines()
        if line.startswith("|") and not line.startswith("|---")
    ]
    for marker, status, code in CONTRACT_ROWS:
        assert any(
            marker in r[0] and r[1] == status and r[2].startswith(code) for r in rows
        ), (marker, status, code)


# (text in the situation column, status, start of the code column) of docs/contract.md §2
CONTRACT_ROWS = [
    ("unknown route", "404", "1000"),
    ("method the path does not have", "405", "800002"),
    ("not a GUID, an empty value included", "400", "800002"),
    ("`size` not a non-negative integer", "400", "800002"),
    ("`seekOperation=Next` without `MS-ContinuationToken`", "400", "800002"),
    ("`seekOperation` other than `Next`", "400", "800002"),
    ("`dualRoleIndirectRelationship`", "400", "800002"),
    ("`relationship_type`", "400", "800002"),
    ("not a host name", "400", "none"),
    ("address `country` that is unknown", "400", "3000"),
    ("address validation with a country", "200", "none: `status: NotValidated`"),
]
