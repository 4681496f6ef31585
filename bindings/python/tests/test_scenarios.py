"""The language-neutral scenarios of tests/scenarios, run through the Python package.

Every scenario runs twice, with ``Client`` and with ``AsyncClient``, against the emulator. An
operation id is mapped to its method from the spec alone (first tag → resource attribute,
``x-pc-method`` → method; path parameters positional, then the body; other parameters keyword
arguments), so a method the spec promises but the package lacks fails here. The format is in
tests/scenarios/README.md; the Rust and Node runners implement the same rules.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import yaml

import partner_center as pc
from partner_center._base import to_wire
from partner_center._credentials import (
    ClientSecretCredential,
    Credential,
    RefreshTokenCredential,
)

from conftest import ROOT, TOKEN, Emulator

SCENARIOS = ROOT / "tests" / "scenarios"
SPEC = ROOT / "spec" / "partner-center-customers.yaml"

STEP_KEYS = {"call", "params", "body", "requestId", "timeout", "repeat", "pages", "save", "expect"}
EXPECT_KEYS = {"status", "body", "headers", "error"}
ERROR_KEYS = {"kind", "status", "code", "retryAfter", "paths"}
CLIENT_KEYS = {"maxRetries", "timeout", "validate"}
SIGN_IN_KEYS = {"credential", "app", "user"}
#: The tenant of signed-in scenarios (tests/scenarios/README.md, "Signing in").
SIGN_IN_TENANT = "scenarios.onmicrosoft.com"


class ScenarioFailure(AssertionError):
    """A step did not have the outcome its scenario expects."""


def snake(name: str) -> str:
    """`CountryValidationRules` → `country_validation_rules`, `customer-tenant-id` → `customer_tenant_id`."""
    name = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name)
    return re.sub(r"[^A-Za-z0-9]+", "_", name).strip("_").lower()


@dataclass
class Operation:
    """What the runner needs to call one operation through the package."""

    resource: str
    method: str
    path_params: list[str]
    keyword_params: dict[str, str]  # wire name → Python keyword
    has_body: bool
    paged: bool


def load_operations() -> dict[str, Operation]:
    spec = yaml.safe_load(SPEC.read_text())
    client_headers = {h.lower() for h in spec.get("x-pc-client-headers", {}).values()}
    shared = spec.get("components", {}).get("parameters", {})

    def resolve(param: dict[str, Any]) -> dict[str, Any]:
        ref = param.get("$ref")
        return shared[ref.rsplit("/", 1)[-1]] if ref else param

    operations: dict[str, Operation] = {}
    for path, item in spec["paths"].items():
        for verb, op in item.items():
            if verb == "parameters":
                continue
            params = [resolve(p) for p in [*item.get("parameters", []), *op.get("parameters", [])]]
            in_path = {p["name"] for p in params if p["in"] == "path"}
            keyword = {
                p["name"]: snake(p["name"])
                for p in params
                if p["in"] in ("query", "header") and p["name"].lower() not in client_headers
            }
            operations[op["operationId"]] = Operation(
                resource=snake(op["tags"][0]),
                method=op.get("x-pc-method") or snake(op["operationId"]),
                path_params=[name for name in re.findall(r"\{([^}]+)\}", path) if name in in_path],
                keyword_params=keyword,
                has_body="requestBody" in op,
                paged="x-pc-paging" in op,
            )
    return operations


OPERATIONS = load_operations()


def load_scenarios() -> list[tuple[str, dict[str, Any]]]:
    found: list[tuple[str, dict[str, Any]]] = []
    for file in sorted(SCENARIOS.glob("*.yaml")):
        for scenario in yaml.safe_load(file.read_text())["scenarios"]:
            found.append((file.name, scenario))
    return found


ALL = load_scenarios()


# ---- values: substitution, matching, dotted paths ------------------------------------------------

_VAR = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")


def substitute(value: Any, env: dict[str, Any]) -> Any:
    if isinstance(value, str):
        whole = _VAR.fullmatch(value)
        if whole:
            return lookup_var(whole.group(1), env)
        return _VAR.sub(lambda m: str(lookup_var(m.group(1), env)), value)
    if isinstance(value, list):
        return [substitute(v, env) for v in value]
    if isinstance(value, dict):
        return {k: substitute(v, env) for k, v in value.items()}
    return value


def lookup_var(name: str, env: dict[str, Any]) -> Any:
    if name not in env:
        raise ScenarioFailure(f"${{{name}}} is not a saved variable")
    return env[name]


def mismatch(expected: Any, actual: Any, where: str) -> str | None:
    """Where `actual` differs from `expected` (objects match on the listed members), or None."""
    if isinstance(expected, dict):
        if not isinstance(actual, dict):
            return f"{where}: expected an object, got {json.dumps(actual)}"
        for key, want in expected.items():
            if key not in actual:
                if want is None:  # an expected null also matches an absent member (clients drop unset ones)
                    continue
                return f"{where}.{key}: missing (expected {json.dumps(want)})"
            found = mismatch(want, actual[key], f"{where}.{key}")
            if found:
                return found
        return None
    if isinstance(expected, list):
        if not isinstance(actual, list) or len(actual) != len(expected):
            return f"{where}: expected {len(expected)} elements, got {json.dumps(actual)}"
        for i, (want, got) in enumerate(zip(expected, actual)):
            found = mismatch(want, got, f"{where}[{i}]")
            if found:
                return found
        return None
    same = expected == actual and isinstance(expected, bool) == isinstance(actual, bool)
    return None if same else f"{where}: expected {json.dumps(expected)}, got {json.dumps(actual)}"


def at_path(value: Any, path: str) -> Any:
    current = value
    for part in re.findall(r"[^.\[\]]+|\[\d+\]", path):
        if part.startswith("["):
            index = int(part[1:-1])
            if not isinstance(current, list) or index >= len(current):
                raise ScenarioFailure(f"save: no element {path!r} in the result")
            current = current[index]
        else:
            if not isinstance(current, dict) or part not in current:
                raise ScenarioFailure(f"save: no member {path!r} in the result")
            current = current[part]
    return current


def check_keys(what: str, given: dict[str, Any], allowed: set[str]) -> None:
    unknown = sorted(set(given) - allowed)
    if unknown:
        raise ScenarioFailure(f"{what}: unknown keys {unknown}")


# ---- one call through the package ----------------------------------------------------------------


@dataclass
class Result:
    status: int
    headers: dict[str, str]
    body: Any


@dataclass
class Runner:
    emulator: Emulator
    asynchronous: bool
    env: dict[str, Any] = field(default_factory=dict)

    def run(self, scenario: dict[str, Any]) -> None:
        self.emulator.reset()
        options = scenario.get("client") or {}
        check_keys("client", options, CLIENT_KEYS)
        kwargs: dict[str, Any] = {"token": TOKEN, "base_url": self.emulator.url}
        if "maxRetries" in options:
            kwargs["max_retries"] = options["maxRetries"]
        if "timeout" in options:
            kwargs["timeout"] = options["timeout"]
        if "validate" in options:
            kwargs["validate"] = options["validate"]
        if "signIn" in scenario:
            del kwargs["token"]
            kwargs["credential"] = self.sign_in(scenario["signIn"])
        client: Any = pc.AsyncClient(**kwargs) if self.asynchronous else pc.Client(**kwargs)
        for index, step in enumerate(scenario["steps"]):
            try:
                self.step(client, step)
            except ScenarioFailure as failure:
                raise ScenarioFailure(f"step {index + 1} ({describe(step)}): {failure}") from None

    def sign_in(self, sign_in: dict[str, Any]) -> Credential:
        """The scenario's credential, pointed at the emulator's token endpoint."""
        check_keys("signIn", sign_in, SIGN_IN_KEYS)
        app = sign_in["app"]
        self.emulator.admin("POST", "/_sandbox/auth/apps", app)
        kind, host = sign_in["credential"], self.emulator.url
        if kind == "clientSecret":
            return ClientSecretCredential(SIGN_IN_TENANT, app["clientId"], app["clientSecret"], authority_host=host)
        if kind == "refreshToken":
            user = sign_in.get("user") or {}
            stored = self.emulator.refresh_token(app["clientId"], mfa=bool(user.get("mfa", True)))
            return RefreshTokenCredential(
                SIGN_IN_TENANT, app["clientId"], stored, client_secret=app.get("clientSecret"), authority_host=host
            )
        raise ScenarioFailure(f"unknown signIn credential {kind!r}")

    def step(self, client: Any, step: dict[str, Any]) -> None:
        if "sleep" in step:
            check_keys("sleep step", step, {"sleep"})
            time.sleep(float(step["sleep"]))
        elif "faults" in step:
            check_keys("faults step", step, {"faults"})
            self.emulator.faults(**step["faults"])
        elif "emulator" in step:
            check_keys("emulator step", step, {"emulator"})
            health = self.emulator.admin("GET", "/_sandbox/health")
            found = mismatch(step["emulator"], health, "emulator")
            if found:
                raise ScenarioFailure(found)
        elif "call" in step:
            check_keys("call step", step, STEP_KEYS)
            for i in range(1, int(step.get("repeat", 1)) + 1):
                self.env["i"] = i
                self.call(client, step)
            self.env.pop("i", None)
        else:
            raise ScenarioFailure(f"a step needs one of call, faults, emulator, sleep: {sorted(step)}")

    def call(self, client: Any, step: dict[str, Any]) -> None:
        operation_id = step["call"]
        op = OPERATIONS.get(operation_id)
        if op is None:
            raise ScenarioFailure(f"{operation_id} is not an operation of the spec")
        expect = step.get("expect") or {}
        check_keys("expect", expect, EXPECT_KEYS)
        params: dict[str, Any] = substitute(step.get("params") or {}, self.env)
        unknown = sorted(set(params) - set(op.path_params) - set(op.keyword_params))
        if unknown:
            raise ScenarioFailure(f"{operation_id} has no parameters {unknown}")
        args: list[Any] = [params.get(name) for name in op.path_params]
        if op.has_body:
            args.append(substitute(step.get("body"), self.env))
        kwargs = {op.keyword_params[name]: value for name, value in params.items() if name in op.keyword_params}
        if "requestId" in step:
            kwargs["request_id"] = substitute(step["requestId"], self.env)
        if "timeout" in step:
            kwargs["timeout"] = step["timeout"]
        try:
            result = self.invoke(client, op, step.get("pages"), args, kwargs)
        except pc.PartnerCenterError as err:
            self.expect_error(expect, err)
            return
        if "error" in expect:
            raise ScenarioFailure(f"expected a {expect['error'].get('kind')} error, got status {result.status}")
        for what, want, got in (
            ("status", expect.get("status"), result.status),
            ("headers", expect.get("headers"), result.headers),
            ("body", expect.get("body"), result.body),
        ):
            if want is not None or (what == "body" and "body" in expect):
                found = mismatch(substitute(want, self.env), got, what)
                if found:
                    raise ScenarioFailure(found)
        for name, path in (step.get("save") or {}).items():
            self.env[name] = at_path(result.body, path)

    def invoke(self, client: Any, op: Operation, pages: Any, args: list[Any], kwargs: dict[str, Any]) -> Result:
        resource = getattr(client, op.resource, None)
        if resource is None:
            raise ScenarioFailure(f"the client has no resource {op.resource!r}")

        def method(name: str) -> Callable[..., Any]:
            bound = getattr(resource, name, None)
            if bound is None:
                raise ScenarioFailure(f"{op.resource} has no method {name!r}")
            return bound

        if pages is not None:
            if pages != "all" or not op.paged:
                raise ScenarioFailure("pages: all is for paged operations only")
            iterator = method(op.method)(*args, **kwargs)
            items = self.collect(iterator)
            wire = [to_wire(item) for item in items]
            return Result(200, {}, {"count": len(wire), "items": wire})
        if op.paged:
            page = self.await_(method(f"{op.method}_page")(*args, **kwargs))
            body = {
                "items": [to_wire(item) for item in page.items],
                "continuationToken": page.continuation_token,
                "totalCount": page.total_count,
            }
            return Result(page.status, page.headers, body)
        response = self.await_(method(f"{op.method}_with_response")(*args, **kwargs))
        return Result(response.status, response.headers, to_wire(response.data))

    def await_(self, value: Any) -> Any:
        return asyncio.run(value) if self.asynchronous else value

    def collect(self, iterator: Any) -> list[Any]:
        if not self.asynchronous:
            return list(iterator)

        async def gather() -> list[Any]:
            return [item async for item in iterator]

        return asyncio.run(gather())

    def expect_error(self, expect: dict[str, Any], err: pc.PartnerCenterError) -> None:
        want = expect.get("error")
        if want is None:
            raise ScenarioFailure(f"unexpected {err.kind} error: {err.message}")
        check_keys("expect.error", want, ERROR_KEYS)
        actual = {
            "kind": err.kind,
            "status": err.status,
            "code": err.code,
            "retryAfter": err.retry_after,
        }
        for key in ("kind", "status", "code", "retryAfter"):
            if key in want and want[key] != actual[key]:
                raise ScenarioFailure(
                    f"error.{key}: expected {want[key]!r}, got {actual[key]!r} ({err.kind}: {err.message})"
                )
        paths = [path for path, _ in err.errors]
        for path in want.get("paths", []):
            if path not in paths:
                raise ScenarioFailure(f"error.paths: {path!r} not among {paths}")


def describe(step: dict[str, Any]) -> str:
    for key in ("call", "faults", "emulator"):
        if key in step:
            return key if key != "call" else str(step["call"])
    return "?"


# ---- the tests -----------------------------------------------------------------------------------

RESULTS: list[dict[str, Any]] = []


@pytest.fixture(scope="module", autouse=True)
def report() -> Any:
    """Prints `scenarios: N run, N passed` (per client kind) and writes $SCENARIO_REPORT."""
    RESULTS.clear()
    yield
    for flavour in ("sync", "async"):
        ran = [r for r in RESULTS if r["client"] == flavour]
        passed = sum(r["passed"] for r in ran)
        print(f"\nscenarios ({flavour} client): {len(ran)} run, {passed} passed")
    target = os.environ.get("SCENARIO_REPORT")
    if target:
        # A scenario passes for Python when it passed with both clients.
        merged: dict[tuple[str, str], dict[str, Any]] = {}
        for r in RESULTS:
            key = (r["file"], r["name"])
            entry = merged.setdefault(key, {"file": r["file"], "name": r["name"], "passed": True, "error": None})
            if not r["passed"]:
                entry["passed"] = False
                entry["error"] = f"{r['client']}: {r['error']}"
        Path(target).write_text(json.dumps({"language": "python", "results": list(merged.values())}, indent=2))


def test_scenarios_exist() -> None:
    assert ALL, f"no scenarios in {SCENARIOS}"
    names = [s["name"] for _, s in ALL]
    assert len(names) == len(set(names)), "scenario names must be unique"


@pytest.mark.parametrize("flavour", ["sync", "async"])
@pytest.mark.parametrize(("file", "scenario"), ALL, ids=[f"{f}: {s['name']}" for f, s in ALL])
def test_scenario(emulator: Emulator, file: str, scenario: dict[str, Any], flavour: str) -> None:
    runner = Runner(emulator, asynchronous=flavour == "async")
    error: str | None = None
    try:
        runner.run(scenario)
    except ScenarioFailure as failure:
        error = str(failure)
    RESULTS.append({"file": file, "name": scenario["name"], "client": flavour, "passed": error is None, "error": error})
    if error is not None:
        pytest.fail(f"{file}: {scenario['name']}: {error}", pytrace=False)
