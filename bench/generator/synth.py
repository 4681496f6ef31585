#!/usr/bin/env python3
"""Write a synthetic OpenAPI 3.0 spec made by scaling ours (spec/partner-center-customers.yaml).

Copy 1 is our spec unchanged. Copy k (k >= 2) is a renamed replica of every path and every
component (schemas, parameters, headers, responses, examples, request bodies):

  * component names, operationIds and tag names get the suffix `k`
    (`Customer` -> `Customer7`, `getCustomer` -> `getCustomer7`, `Customers` -> `Customers7`);
  * paths get a segment after the version: `/v1/customers` -> `/v1/s7/customers`;
  * every `$ref` inside copy k points at copy k's components, and every `operationId` named by an
    OpenAPI link points at copy k's operation;
  * `x-pc-*` extensions name no schema or operation (`x-pc-method` is a method name inside the
    operation's first tag, which is renamed; the others name wire fields or header names), so they
    are kept as they are. If a new extension ever names a schema or an operation, add it to
    `REFERENCING_EXTENSIONS` below.

The number of copies is the smallest that gives at least --operations operations and at least
--schemas schemas. The root (info, servers, security, x-pc-client-headers, securitySchemes) is
kept once.

Usage: python bench/generator/synth.py [--operations 2000] [--schemas 3000] [--out FILE] [--json]
"""

from __future__ import annotations

import argparse
import copy
import json
import math
import re
import sys
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[2]
SPEC = ROOT / "spec" / "partner-center-customers.yaml"

HTTP_METHODS = {"get", "put", "post", "delete", "options", "head", "patch", "trace"}
# Component sections replicated per copy. securitySchemes stay shared: security requirements name
# them from the root, and they carry no schema.
REPLICATED_COMPONENTS = (
    "schemas",
    "parameters",
    "headers",
    "responses",
    "examples",
    "requestBodies",
    "links",
    "callbacks",
)
# x-pc-* extensions whose values name a schema or an operation (none today; see the docstring).
REFERENCING_EXTENSIONS: dict[str, str] = {}

REF_RE = re.compile(r"^#/components/([A-Za-z]+)/(.+)$")


def load_spec(path: Path) -> dict:
    with path.open(encoding="utf-8") as f:
        if path.suffix == ".json":
            return json.load(f)
        return yaml.load(f, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


def operations(spec: dict):
    for path, item in spec["paths"].items():
        for method, op in item.items():
            if method in HTTP_METHODS:
                yield path, method, op


def suffixed_path(path: str, k: int) -> str:
    """`/v1/customers` -> `/v1/s7/customers` (a leading version segment is kept first)."""
    parts = path.split("/")
    if len(parts) > 1 and re.fullmatch(r"v\d+", parts[1]):
        return "/".join(parts[:2] + [f"s{k}"] + parts[2:])
    return f"/s{k}{path}"


class Renamer:
    """Rewrites one copy of a subtree: `$ref`s, link operationIds, tags, operationIds."""

    def __init__(
        self, k: int, components: dict, operation_ids: set[str], tags: set[str]
    ):
        self.k = k
        self.components = components  # section -> set of names
        self.operation_ids = operation_ids
        self.tags = tags

    def name(self, name: str) -> str:
        return f"{name}{self.k}"

    def ref(self, ref: str) -> str:
        m = REF_RE.match(ref)
        if not m:
            raise SystemExit(
                f"synth: unexpected $ref {ref!r} (only local component refs are handled)"
            )
        section, name = m.groups()
        if section not in REPLICATED_COMPONENTS:
            return ref
        if name not in self.components.get(section, set()):
            raise SystemExit(f"synth: $ref {ref!r} names no component")
        return f"#/components/{section}/{self.name(name)}"

    def walk(self, node: Any) -> Any:
        if isinstance(node, dict):
            out = {}
            for key, value in node.items():
                if key == "$ref" and isinstance(value, str):
                    out[key] = self.ref(value)
                elif key == "example":
                    # An example payload is data: never rewrite inside it.
                    out[key] = copy.deepcopy(value)
                elif key == "examples" and isinstance(value, dict):
                    out[key] = {name: self.example(ex) for name, ex in value.items()}
                elif key == "properties" and isinstance(value, dict):
                    # Property names are data; only their schemas are walked.
                    out[key] = {
                        name: self.walk(schema) for name, schema in value.items()
                    }
                elif key in REFERENCING_EXTENSIONS:
                    out[key] = self.extension(key, value)
                else:
                    out[key] = self.walk(value)
            return out
        if isinstance(node, list):
            return [self.walk(v) for v in node]
        return node

    def example(self, example: Any) -> Any:
        """An Example Object: a `$ref` is rewritten, a `value` is data."""
        if isinstance(example, dict) and "$ref" in example:
            return {**copy.deepcopy(example), "$ref": self.ref(example["$ref"])}
        return copy.deepcopy(example)

    def extension(self, key: str, value):
        kind = REFERENCING_EXTENSIONS[key]
        if kind == "schema":
            return self.name(value)
        if kind == "operation":
            return self.name(value)
        raise AssertionError(kind)

    def operation(self, op: dict) -> dict:
        out: dict = self.walk(op)
        if "operationId" in out:
            out["operationId"] = self.name(out["operationId"])
        if "tags" in out:
            out["tags"] = [self.name(t) for t in out["tags"]]
        for response in (out.get("responses") or {}).values():
            self.rename_links(response)
        return out

    def rename_links(self, response: dict) -> None:
        for link in (response.get("links") or {}).values():
            if "operationId" in link:
                if link["operationId"] not in self.operation_ids:
                    raise SystemExit(
                        f"synth: link names unknown operation {link['operationId']!r}"
                    )
                link["operationId"] = self.name(link["operationId"])

    def component(self, section: str, value: Any) -> Any:
        out: Any = self.example(value) if section == "examples" else self.walk(value)
        if section == "responses":
            self.rename_links(out)
        if section == "links" and "operationId" in out:
            out["operationId"] = self.name(out["operationId"])
        return out


def synthesize(spec: dict, min_operations: int, min_schemas: int) -> dict:
    ops = list(operations(spec))
    schemas = spec["components"]["schemas"]
    copies = max(
        math.ceil(min_operations / len(ops)), math.ceil(min_schemas / len(schemas)), 1
    )

    components = {s: set(spec["components"].get(s, {})) for s in REPLICATED_COMPONENTS}
    operation_ids = {op["operationId"] for _, _, op in ops if "operationId" in op}
    tag_names = {t["name"] for t in spec.get("tags", [])} | {
        t for _, _, op in ops for t in op.get("tags", [])
    }

    out = {
        key: copy.deepcopy(value)
        for key, value in spec.items()
        if key not in ("paths", "components", "tags")
    }
    out["info"]["title"] = f"{spec['info']['title']} (synthetic x{copies})"
    out["tags"] = copy.deepcopy(spec.get("tags", []))
    out["paths"] = copy.deepcopy(spec["paths"])
    out["components"] = copy.deepcopy(spec["components"])

    for k in range(2, copies + 1):
        r = Renamer(k, components, operation_ids, tag_names)
        for tag in spec.get("tags", []):
            t = copy.deepcopy(tag)
            t["name"] = r.name(t["name"])
            out["tags"].append(t)
        for path, item in spec["paths"].items():
            new_item = {}
            for key, value in item.items():
                if key in HTTP_METHODS:
                    new_item[key] = r.operation(value)
                else:  # path-level parameters, summary, description, servers
                    new_item[key] = r.walk(value)
            new_path = suffixed_path(path, k)
            if new_path in out["paths"]:
                raise SystemExit(f"synth: path collision {new_path}")
            out["paths"][new_path] = new_item
        for section in REPLICATED_COMPONENTS:
            for name, value in spec["components"].get(section, {}).items():
                new_name = r.name(name)
                if new_name in out["components"][section]:
                    raise SystemExit(f"synth: name collision {section}/{new_name}")
                out["components"][section][new_name] = r.component(section, value)
    return out


def local_refs(node, out: list[str]) -> list[str]:
    """Every `$ref` outside example payloads (same traversal rules as `Renamer.walk`)."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str):
                out.append(value)
            elif key == "example":
                continue
            elif key == "examples" and isinstance(value, dict):
                out.extend(
                    ex["$ref"]
                    for ex in value.values()
                    if isinstance(ex, dict) and "$ref" in ex
                )
            else:
                local_refs(value, out)
    elif isinstance(node, list):
        for v in node:
            local_refs(v, out)
    return out


def verify(spec: dict) -> None:
    """Every `$ref` resolves, and the operations of copy k only reach components of copy k."""
    comps = spec["components"]
    for ref in set(local_refs(spec, [])):
        m = REF_RE.match(ref)
        if not m or m.group(2) not in comps.get(m.group(1), {}):
            raise SystemExit(f"synth: dangling $ref {ref!r}")
    for path, item in spec["paths"].items():
        m = re.match(r"^/v\d+/s(\d+)/", path)
        suffix = m.group(1) if m else ""
        for ref in set(local_refs(item, [])):
            section, name = REF_RE.match(ref).groups()  # type: ignore[union-attr]  # checked above
            if (
                section in REPLICATED_COMPONENTS
                and re.sub(r"\d+$", "", name) + suffix != name
            ):
                raise SystemExit(f"synth: {path} reaches {ref} of another copy")


def counts(spec: dict) -> dict:
    ops = list(operations(spec))
    return {
        "paths": len(spec["paths"]),
        "operations": len(ops),
        "schemas": len(spec["components"]["schemas"]),
        "tags": len(spec.get("tags", [])),
        "operation_ids_unique": len({op["operationId"] for _, _, op in ops})
        == len(ops),
    }


# libyaml when available: ~4x faster than the pure-Python dumper.
_BaseDumper: Any = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


class _Dumper(_BaseDumper):
    """Never emits anchors/aliases (every copy is written out in full)."""

    def ignore_aliases(self, data):
        return True


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    p.add_argument(
        "--operations",
        type=int,
        default=2000,
        help="at least this many operations (default 2000)",
    )
    p.add_argument(
        "--schemas",
        type=int,
        default=3000,
        help="at least this many component schemas (default 3000)",
    )
    p.add_argument(
        "--spec", type=Path, default=SPEC, help="the spec to scale (default: ours)"
    )
    p.add_argument(
        "--out",
        type=Path,
        default=ROOT / "target" / "bench" / "synthetic.yaml",
        help="output file",
    )
    p.add_argument("--json", action="store_true", help="write JSON instead of YAML")
    args = p.parse_args(argv)

    spec = load_spec(args.spec)
    if "components" not in spec or not spec["components"].get("schemas"):
        raise SystemExit("synth: the spec has no component schemas to scale")
    synthetic = synthesize(spec, args.operations, args.schemas)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with args.out.open("w", encoding="utf-8") as f:
        if args.json or args.out.suffix == ".json":
            json.dump(synthetic, f, indent=1, ensure_ascii=False)
        else:
            yaml.dump(
                synthetic,
                f,
                Dumper=_Dumper,
                sort_keys=False,
                allow_unicode=True,
                width=120,
            )
    verify(synthetic)
    c = counts(synthetic)
    copies = c["operations"] // len(list(operations(spec)))
    print(
        f"{args.out}: {copies} copies, {c['operations']} operations, {c['schemas']} schemas, "
        f"{c['paths']} paths, {c['tags']} tags"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
