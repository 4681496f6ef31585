"""Fixtures: the Partner Center emulator (tests/sandbox) as a real HTTP server, and clients for it.

The emulator binary is built with `cargo build -p sandbox --release` (set PC_SANDBOX_BIN to use a
prebuilt one) and started on a free port with throttling off; every test starts from an empty
emulator (`reset`). `faults(...)` scripts injected failures (tests/sandbox/README.md). The sign-in
admin calls (`register_app`, `refresh_token`, `approve_device_code`, `auth_settings`,
`token_requests`) drive the emulator's token endpoint; `tls_emulator` is one started with `--tls`.
Registrations, refresh tokens and the token-request counter survive `reset`: tests use their own
client ids and compare counts before and after.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import ssl
import subprocess
import threading
import time
import urllib.parse
import urllib.request
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

import partner_center as pc

ROOT = Path(__file__).resolve().parents[3]
TOKEN = "sandbox-token-7Hq2pX9w"
#: The partner's tenant in sign-in tests (any id is accepted by the emulator).
TENANT = "8f1d0c2a-5b3e-4c6f-9a7d-2e4b6c8d0f1a"
#: A known indirect reseller of the emulator (seed 004).
RESELLER_ID = "484e548c-f5f3-4528-93a9-c16c6373cb59"

_binary: str | None = None


def sandbox_binary() -> str:
    """The emulator executable, built once per session (cargo reports its path)."""
    global _binary
    if _binary is None:
        _binary = os.environ.get("PC_SANDBOX_BIN") or _build_sandbox()
    return _binary


def _build_sandbox() -> str:
    out = subprocess.run(
        ["cargo", "build", "-q", "-p", "sandbox", "--release", "--bin", "sandbox", "--message-format=json"],
        cwd=ROOT,
        check=True,
        stdout=subprocess.PIPE,
        text=True,
    ).stdout
    for line in out.splitlines():
        try:
            msg = json.loads(line)
        except ValueError:
            continue
        if msg.get("reason") == "compiler-artifact" and msg.get("executable") and msg["target"]["name"] == "sandbox":
            return str(msg["executable"])
    raise RuntimeError("cargo did not report the sandbox executable")


class Emulator:
    """One running emulator process."""

    def __init__(self, *args: str, ca_file: str | None = None) -> None:
        #: With --tls: the CA file (--tls-cert-out) that admin calls trust.
        self.ca_file = ca_file
        cmd = [sandbox_binary(), "--port", "0", "--quiet", "--throttle-per-minute", "0", *args]
        self.proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        first: list[str] = []
        reader = threading.Thread(target=lambda: first.append(self.proc.stdout.readline() if self.proc.stdout else ""))
        reader.start()
        reader.join(30)
        line = first[0] if first else ""
        if not line.startswith("listening on "):
            self.stop()
            raise RuntimeError(f"the emulator did not start: {line!r}")
        self.url = line.split()[-1].strip()

    def admin(self, method: str, path: str, body: Any = None) -> Any:
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(self.url + path, data=data, method=method)
        if data is not None:
            req.add_header("Content-Type", "application/json")
        context = ssl.create_default_context(cafile=self.ca_file) if self.ca_file else None
        with urllib.request.urlopen(req, timeout=10, context=context) as resp:
            raw = resp.read()
        return json.loads(raw) if raw else None

    def health(self) -> dict[str, Any]:
        """``GET /_sandbox/health`` over a fresh connection (never one of a client's sockets)."""
        return dict(self.admin("GET", "/_sandbox/health"))

    def wait_health(self, test: Callable[[dict[str, Any]], bool], what: str, deadline: float = 15.0) -> dict[str, Any]:
        """Polls the health until ``test`` holds and returns it; fails after ``deadline`` seconds
        (a bound on a wait, not a claim about speed)."""
        end = time.monotonic() + deadline
        seen = self.health()
        while not test(seen):
            if time.monotonic() > end:
                pytest.fail(f"{what}: still not so after {deadline:.0f} s (health: {seen})")
            time.sleep(0.05)
            seen = self.health()
        return seen

    # -- sign-in (tests/sandbox/README.md, "Admin API") ----------------------------------------

    def register_app(
        self,
        client_id: str,
        secret: str | None = None,
        *,
        certificate: str | None = None,
        lifetime: int | None = None,
    ) -> None:
        """Registers a confidential app (a secret and/or a certificate PEM) or, with neither, a public one."""
        app: dict[str, Any] = {"clientId": client_id}
        if secret is not None:
            app["clientSecret"] = secret
        if certificate is not None:
            app["certificate"] = certificate
        if lifetime is not None:
            app["accessTokenLifetimeSeconds"] = lifetime
        self.admin("POST", "/_sandbox/auth/apps", app)

    def refresh_token(self, client_id: str, *, mfa: bool = True, expires_in: int | None = None) -> str:
        """A refresh token as the one-time interactive consent would have stored it."""
        body: dict[str, Any] = {"clientId": client_id, "userPrincipalName": "admin@partner.test", "mfa": mfa}
        if expires_in is not None:
            body["expiresInSeconds"] = expires_in
        return str(self.admin("POST", "/_sandbox/auth/refresh-tokens", body)["refreshToken"])

    def approve_device_code(self, user_code: str, *, mfa: bool = True) -> None:
        """The user finishing the device-code sign-in in a browser."""
        body = {"userCode": user_code, "userPrincipalName": "admin@partner.test", "mfa": mfa}
        self.admin("POST", "/_sandbox/auth/device-codes/approve", body)

    def auth_settings(self, **settings: Any) -> Any:
        return self.admin("POST", "/_sandbox/auth/settings", settings)

    def token_requests(self) -> int:
        """How many token-endpoint requests the emulator has answered so far."""
        return int(self.admin("GET", "/_sandbox/health")["tokenRequests"])

    def token(self, client_id: str, secret: str, scope: str = "https://api.partnercenter.microsoft.com/.default") -> str:
        """An access token straight from the emulator's token endpoint (client credentials)."""
        form = urllib.parse.urlencode(
            {"grant_type": "client_credentials", "client_id": client_id, "client_secret": secret, "scope": scope}
        ).encode()
        req = urllib.request.Request(f"{self.url}/{TENANT}/oauth2/v2.0/token", data=form, method="POST")
        req.add_header("Content-Type", "application/x-www-form-urlencoded")
        context = ssl.create_default_context(cafile=self.ca_file) if self.ca_file else None
        with urllib.request.urlopen(req, timeout=10, context=context) as resp:
            return str(json.loads(resp.read())["access_token"])

    def reset(self) -> None:
        self.admin("POST", "/_sandbox/reset")

    def faults(self, **config: Any) -> None:
        """Replaces the fault configuration, e.g. faults(script=[{"method": "GET", "fault": "status", "status": 503}])."""
        self.admin("POST", "/_sandbox/faults", config)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        for stream in (self.proc.stdout, self.proc.stderr):
            if stream:
                stream.close()


@contextmanager
def emulator_with(*args: str) -> Iterator[Emulator]:
    """A second, separately configured emulator for one test (e.g. `--token`)."""
    emu = Emulator(*args)
    try:
        yield emu
    finally:
        emu.stop()


@pytest.fixture(scope="session")
def tls_emulator(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Emulator]:
    """An emulator serving https with a CA made at start; its PEM is at `ca_file`."""
    ca = tmp_path_factory.mktemp("tls") / "ca.pem"
    emu = Emulator("--tls", "--tls-cert-out", str(ca), ca_file=str(ca))
    assert emu.url.startswith("https://"), emu.url
    yield emu
    emu.stop()


@pytest.fixture(scope="session")
def emulator() -> Iterator[Emulator]:
    emu = Emulator("--quota", "100000")
    yield emu
    emu.stop()


@pytest.fixture
def reset(emulator: Emulator) -> Emulator:
    """An empty emulator with no faults."""
    emulator.reset()
    return emulator


@pytest.fixture
def base_url(reset: Emulator) -> str:
    return reset.url


@pytest.fixture
def client(base_url: str) -> Iterator[pc.Client]:
    with pc.Client(token=TOKEN, base_url=base_url, locale="en-US") as c:
        yield c


def unique_domain(prefix: str = "contoso") -> str:
    return f"{prefix}{uuid.uuid4().hex[:12]}.onmicrosoft.com"


def new_customer(domain: str | None = None, company_name: str = "Contoso", **extra: Any) -> pc.NewCustomer:
    return pc.NewCustomer(
        company_profile=pc.CustomerCompanyProfile(domain=domain or unique_domain()),
        billing_profile=pc.CustomerBillingProfile(
            email="admin@contoso.example",
            culture="en-US",
            language="en",
            company_name=company_name,
            default_address=us_address(),
        ),
        **extra,
    )


def new_customer_dict(company_name: str = "Contoso", **members: Any) -> dict[str, Any]:
    """``new_customer()`` as a dict body with snake_case keys, ``members`` added or replacing."""
    out: dict[str, Any] = {
        "company_profile": {"domain": unique_domain()},
        "billing_profile": {
            "email": "admin@contoso.example",
            "culture": "en-US",
            "language": "en",
            "company_name": company_name,
            "default_address": {
                "address_line1": "1 Microsoft Way",
                "city": "Redmond",
                "state": "WA",
                "postal_code": "98052",
                "country": "US",
            },
        },
    }
    out.update(members)
    return out


def us_address(**overrides: Any) -> pc.Address:
    fields: dict[str, Any] = {
        "address_line1": "1 Microsoft Way",
        "city": "Redmond",
        "state": "WA",
        "postal_code": "98052",
        "country": "US",
    }
    fields.update(overrides)
    return pc.Address(**fields)


# -- shared by the onboarding tests (test_onboarding, test_users, test_agreements) -------------


def aware(value: object) -> dt.datetime:
    """A `format: date-time` member decoded as a timezone-aware datetime."""
    assert isinstance(value, dt.datetime), f"not a datetime: {value!r}"
    assert value.tzinfo is not None and value.utcoffset() is not None, f"naive: {value!r}"
    return value


def assert_api_error(err: pc.ApiError, status: int, code: str) -> None:
    assert (err.status, err.code) == (status, code), (err.status, err.code, str(err))
    assert err.request_id


def advance_clock(emu: Emulator, days: int) -> None:
    """Moves the emulator's clock forward (tests/sandbox/README.md, admin API)."""
    emu.admin("POST", "/_sandbox/clock", {"advanceDays": days})


def customer_id(client: pc.Client, **extra: Any) -> str:
    created = client.customers.create(new_customer(**extra))
    assert created.id is not None
    return str(created.id)


@pytest.fixture
def cid(client: pc.Client) -> str:
    return customer_id(client)


@pytest.fixture
def unvalidated(base_url: str) -> Iterator[pc.Client]:
    """A client that sends what it is given, so the emulator's own 400s can be seen."""
    with pc.Client(token=TOKEN, base_url=base_url, validate=False, max_retries=0) as c:
        yield c
