"""Signing in against the emulator's token endpoint, over real HTTP: every credential, rotation into
``on_refresh``, calls that outlive their tokens, one token request for many waiting calls, the 401
retry, each sign-in error and Partner Center's 403 / 900420 / 900421, foreign (azure-core)
credentials, and redaction."""

from __future__ import annotations

import asyncio
import gc
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path
from typing import Any, NamedTuple

import pytest

import partner_center as pc
from partner_center._credentials import (
    CertificateCredential,
    ClientSecretCredential,
    Credential,
    DeviceCodeCredential,
    DeviceCodeInfo,
    RefreshTokenCredential,
)
from partner_center._errors import (
    AuthenticationError,
    MfaRequiredError,
    ReauthenticationRequiredError,
)

from conftest import TENANT, Emulator, new_customer

APP_SCOPE = "https://api.partnercenter.microsoft.com/.default"


def app(emu: Emulator, secret: str | None = "s3cret-Value-1", *, lifetime: int | None = None) -> str:
    """A freshly registered app (its own id: registrations outlive `reset`)."""
    client_id = f"app-{uuid.uuid4().hex[:10]}"
    emu.register_app(client_id, secret, lifetime=lifetime)
    return client_id


def customer_id(client: pc.Client) -> str:
    created = client.customers.create(new_customer())
    assert created.id is not None
    return created.id


# -- App-only --------------------------------------------------------------------------------


def test_client_secret_signs_in_app_only_and_app_user_operations_say_so(reset: Emulator) -> None:
    client_id = app(reset, "Secret-Value-xyz")
    cred = ClientSecretCredential(TENANT, client_id, "Secret-Value-xyz", authority_host=reset.url)
    before = reset.token_requests()
    client = pc.Client(credential=cred, base_url=reset.url)
    cid = customer_id(client)
    assert client.customers.list_page(size=5).items
    with pytest.raises(pc.ForbiddenError) as err:
        client.profiles.get_company(cid)
    assert err.value.status == 403 and err.value.code == "900150"
    assert "App+User" in str(err.value), str(err.value)
    assert reset.token_requests() - before == 1, "one sign-in for every call"
    for shown in (repr(cred), str(cred), repr(client)):
        assert "Secret-Value-xyz" not in shown, shown
    assert client_id in repr(cred)


def _openssl(*args: str) -> None:
    subprocess.run(["openssl", *args], check=True, capture_output=True)


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A self-signed RSA certificate, its key in the clear and encrypted (password "pem-pass-9")."""
    d = tmp_path_factory.mktemp("cert")
    _openssl(
        "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(d / "key.pem"),
        "-out", str(d / "cert.pem"), "-days", "2", "-subj", "/CN=partner-center-test",
    )  # fmt: skip
    _openssl(
        "pkcs8", "-topk8", "-in", str(d / "key.pem"), "-out", str(d / "enc.pem"),
        "-v2", "aes-256-cbc", "-passout", "pass:pem-pass-9",
    )  # fmt: skip
    cert = (d / "cert.pem").read_text()
    (d / "both.pem").write_text(cert + (d / "key.pem").read_text())
    (d / "both-enc.pem").write_text(cert + (d / "enc.pem").read_text())
    return {"cert": d / "cert.pem", "both": d / "both.pem", "both-enc": d / "both-enc.pem", "key": d / "key.pem"}


def test_certificate_credential_from_file_data_and_encrypted_key(reset: Emulator, certificate: dict[str, Path]) -> None:
    client_id = f"app-cert-{uuid.uuid4().hex[:8]}"
    reset.register_app(client_id, certificate=certificate["cert"].read_text())
    creds = [
        CertificateCredential(TENANT, client_id, certificate_path=certificate["both"], authority_host=reset.url),
        CertificateCredential(TENANT, client_id, certificate_data=certificate["both"].read_text(), authority_host=reset.url),
        CertificateCredential(TENANT, client_id, certificate_data=certificate["both"].read_bytes(), authority_host=reset.url),
        CertificateCredential(
            TENANT, client_id, certificate_path=str(certificate["both-enc"]), password="pem-pass-9", authority_host=reset.url
        ),
    ]
    key = certificate["key"].read_text().splitlines()[1]
    for cred in creds:
        before = reset.token_requests()
        pc.Client(credential=cred, base_url=reset.url).customers.list_page(size=1)
        assert reset.token_requests() - before == 1
        assert key not in repr(cred) and "pem-pass-9" not in repr(cred)

    with pytest.raises(pc.PartnerCenterError, match="password") as err:
        CertificateCredential(TENANT, client_id, certificate_path=certificate["both-enc"], authority_host=reset.url)
    assert err.value.kind == "config"
    with pytest.raises(pc.PartnerCenterError, match="wrong password") as err:
        CertificateCredential(
            TENANT, client_id, certificate_path=certificate["both-enc"], password="nope", authority_host=reset.url
        )
    assert "nope" not in repr(err.value) + str(err.value)
    with pytest.raises(ValueError):
        CertificateCredential(TENANT, client_id)
    # A certificate the app was not registered with: the token endpoint refuses the assertion.
    other = CertificateCredential(
        TENANT, f"app-cert-{uuid.uuid4().hex[:8]}", certificate_path=certificate["both"], authority_host=reset.url
    )
    with pytest.raises(AuthenticationError) as refused:
        pc.Client(credential=other, base_url=reset.url).customers.list_page(size=1)
    assert refused.value.error == "unauthorized_client" and refused.value.error_codes == [700016]


# -- App+User ---------------------------------------------------------------------------------


def test_refresh_tokens_rotate_into_on_refresh_and_calls_outlive_their_tokens(reset: Emulator) -> None:
    client_id = app(reset, "sam-Secret-1", lifetime=2)
    stored = reset.refresh_token(client_id, mfa=True)
    rotated: list[str] = []
    threads: set[int] = set()

    def on_refresh(token: str) -> None:
        threads.add(threading.get_ident())
        time.sleep(0.2)  # a slow store (a vault): calls still wait for it
        rotated.append(token)

    cred = RefreshTokenCredential(
        TENANT, client_id, stored, client_secret="sam-Secret-1", on_refresh=on_refresh, authority_host=reset.url
    )
    assert stored not in repr(cred) and "sam-Secret-1" not in repr(cred)
    client = pc.Client(credential=cred, base_url=reset.url)
    before = reset.token_requests()
    cid = customer_id(client)
    # Tokens live 2 s: 4.5 s of App+User calls need several refreshes, and no call may fail.
    calls = 0
    until = time.monotonic() + 4.5
    while time.monotonic() < until:
        client.profiles.get_company(cid)
        calls += 1
        # The callback ran before the call that refreshed returned: nothing is ever pending here.
        assert len(rotated) == reset.token_requests() - before
        time.sleep(0.1)
    requests = reset.token_requests() - before
    assert requests >= 3, f"{requests} token requests for {calls} calls"
    assert len(rotated) == requests, "every rotated refresh token reached on_refresh"
    assert len(set(rotated)) == len(rotated) and stored not in rotated
    assert threading.get_ident() not in threads, "on_refresh runs off the calling thread"
    # The last one handed over is the one to keep: it signs in.
    again = RefreshTokenCredential(TENANT, client_id, rotated[-1], client_secret="sam-Secret-1", authority_host=reset.url)
    pc.Client(credential=again, base_url=reset.url).profiles.get_company(cid)


def test_an_exception_in_on_refresh_is_reported_not_lost(reset: Emulator, monkeypatch: pytest.MonkeyPatch) -> None:
    client_id = app(reset, None)
    reported: list[Any] = []
    monkeypatch.setattr(sys, "unraisablehook", reported.append)

    def on_refresh(token: str) -> None:
        raise RuntimeError("the vault is read-only")

    cred = RefreshTokenCredential(TENANT, client_id, reset.refresh_token(client_id), on_refresh=on_refresh, authority_host=reset.url)
    pc.Client(credential=cred, base_url=reset.url).customers.list_page(size=1)
    assert len(reported) == 1
    assert isinstance(reported[0].exc_value, RuntimeError) and reported[0].object is on_refresh


def test_device_code_prompts_then_polls_until_approved(reset: Emulator) -> None:
    client_id = app(reset, None)  # a public client
    reset.auth_settings(deviceCodeIntervalSeconds=1)
    prompts: list[DeviceCodeInfo] = []
    rotated: list[str] = []
    approvals: list[threading.Thread] = []

    def prompt(info: DeviceCodeInfo) -> None:
        prompts.append(info)

        def user_signs_in() -> None:
            time.sleep(1.5)
            reset.approve_device_code(info.user_code)

        approvals.append(threading.Thread(target=user_signs_in))
        approvals[-1].start()

    cred = DeviceCodeCredential(client_id, prompt=prompt, on_refresh=rotated.append, authority_host=reset.url)
    assert cred.tenant_id == "organizations"
    before = reset.token_requests()
    client = pc.Client(credential=cred, base_url=reset.url)
    cid = customer_id(client)
    client.profiles.get_company(cid)  # an App+User token
    for t in approvals:
        t.join()
    assert len(prompts) == 1
    info = prompts[0]
    assert "devicelogin" in info.verification_uri and info.user_code in info.message and info.expires_in > 0
    assert len(rotated) == 1, "the refresh token is handed over for storing"
    assert reset.token_requests() - before >= 2, "polled while pending, then redeemed"
    assert rotated[0] not in repr(cred) + repr(info)
    # What the user stores signs in next time without a prompt.
    again = RefreshTokenCredential("organizations", client_id, rotated[0], authority_host=reset.url)
    pc.Client(credential=again, base_url=reset.url).profiles.get_company(cid)


# -- The cache under load, and the 401 retry --------------------------------------------------


async def test_two_hundred_async_calls_across_an_expiry_make_one_token_request(reset: Emulator) -> None:
    # Tokens live 4 s (refreshed after about 2 s): the burst has 2 s before the next refresh is due.
    client_id = app(reset, "burst-Secret", lifetime=4)
    cred = ClientSecretCredential(TENANT, client_id, "burst-Secret", authority_host=reset.url)
    before = reset.token_requests()
    async with pc.AsyncClient(credential=cred, base_url=reset.url) as client:
        await client.customers.list_page(size=1)
        assert reset.token_requests() - before == 1
        await asyncio.sleep(4.2)  # the token has expired
        pages = await asyncio.gather(*(client.customers.list_page(size=1) for _ in range(200)))
    assert len(pages) == 200
    assert reset.token_requests() - before == 2, "one token request for 200 waiting calls"


def test_a_401_drops_the_token_and_retries_once_with_a_fresh_one(reset: Emulator) -> None:
    client_id = app(reset, "Secret-401")
    cred = ClientSecretCredential(TENANT, client_id, "Secret-401", authority_host=reset.url)
    client = pc.Client(credential=cred, base_url=reset.url, max_retries=0)
    before = reset.token_requests()
    client.customers.list_page(size=1)
    reset.faults(script=[{"method": "GET", "path": "/v1/customers", "fault": "status", "status": 401, "times": 1}])
    client.customers.list_page(size=1)  # 401, then retried with a fresh token
    assert reset.token_requests() - before == 2, "the rejected token was dropped and a fresh one asked for"
    # Twice in a row: the retry happens once, then the 401 is the answer.
    reset.faults(script=[{"method": "GET", "path": "/v1/customers", "fault": "status", "status": 401, "times": 2}])
    with pytest.raises(pc.UnauthorizedError):
        client.customers.list_page(size=1)
    assert reset.token_requests() - before == 3


# -- Errors -------------------------------------------------------------------------------------


def test_sign_in_refusals_are_authentication_errors_with_their_fields(reset: Emulator) -> None:
    client_id = app(reset, "Right-Secret")
    bad = ClientSecretCredential(TENANT, client_id, "Wrong-Secret-77", authority_host=reset.url)
    with pytest.raises(AuthenticationError) as err:
        pc.Client(credential=bad, base_url=reset.url).customers.list_page(size=1)
    e = err.value
    assert isinstance(e, pc.PartnerCenterError) and not isinstance(e, ReauthenticationRequiredError)
    assert e.kind == "authentication"
    assert e.error == "invalid_client" and e.error_codes == [7000215]
    assert e.error_description and "AADSTS7000215" in e.error_description
    assert e.trace_id and e.correlation_id
    text = str(e) + repr(e) + repr(vars(e)) + repr(e.args)
    assert "Wrong-Secret-77" not in text and "Right-Secret" not in text

    expired = reset.refresh_token(client_id, expires_in=0)
    cred = RefreshTokenCredential(TENANT, client_id, expired, client_secret="Right-Secret", authority_host=reset.url)
    with pytest.raises(ReauthenticationRequiredError) as dead:
        pc.Client(credential=cred, base_url=reset.url).customers.list_page(size=1)
    assert isinstance(dead.value, AuthenticationError)
    assert dead.value.kind == "reauthentication_required"
    assert dead.value.error == "invalid_grant" and dead.value.error_codes == [700082]
    assert expired not in str(dead.value) + repr(dead.value) + repr(vars(dead.value))


async def test_app_user_without_mfa_is_mfa_required(reset: Emulator) -> None:
    client_id = app(reset, "Mfa-Secret")
    no_mfa = reset.refresh_token(client_id, mfa=False)
    cred = RefreshTokenCredential(TENANT, client_id, no_mfa, client_secret="Mfa-Secret", authority_host=reset.url)
    async with pc.AsyncClient(credential=cred, base_url=reset.url) as client:
        with pytest.raises(MfaRequiredError) as err:
            await client.customers.list_page(size=1)
    assert isinstance(err.value, pc.UnauthorizedError)
    assert err.value.kind == "mfa_required" and err.value.status == 401 and err.value.code == "900421"


def test_a_token_for_the_graph_audience_is_refused_with_900420(reset: Emulator) -> None:
    client_id = app(reset, "Graph-Secret")
    graph = reset.token(client_id, "Graph-Secret", scope="https://graph.windows.net/.default")
    with pytest.raises(pc.UnauthorizedError) as err:
        pc.Client(token=graph, base_url=reset.url).customers.list_page(size=1)
    assert err.value.code == "900420" and not isinstance(err.value, MfaRequiredError)
    assert graph not in str(err.value) + repr(err.value)


# -- Foreign credentials (azure-core's protocol) and callables -----------------------------------


class TokenInfo(NamedTuple):
    """azure.core.credentials.AccessTokenInfo's fields."""

    token: str
    expires_on: int
    refresh_on: int | None = None


class InfoCredential:
    """A `SupportsTokenInfo` that mints real tokens from the emulator and records each request."""

    def __init__(self, emu: Emulator, client_id: str, secret: str, refresh_in: int | None = None) -> None:
        self.emu, self.client_id, self.secret, self.refresh_in = emu, client_id, secret, refresh_in
        self.scopes: list[tuple[str, ...]] = []

    def get_token_info(self, *scopes: str, options: Any = None) -> TokenInfo:
        self.scopes.append(scopes)
        now = int(time.time())
        refresh_on = None if self.refresh_in is None else now + self.refresh_in
        return TokenInfo(self.emu.token(self.client_id, self.secret), now + 3600, refresh_on)


def test_a_get_token_info_credential_is_cached_and_refresh_on_honoured(reset: Emulator) -> None:
    client_id = app(reset, "Info-Secret")
    cred = InfoCredential(reset, client_id, "Info-Secret", refresh_in=2)
    client = pc.Client(credential=cred, base_url=reset.url)
    for _ in range(5):
        client.customers.list_page(size=1)
    assert cred.scopes == [(APP_SCOPE,)], "asked once, for the client's .default scope"
    time.sleep(2.2)  # past refresh_on, long before expires_on
    client.customers.list_page(size=1)
    assert len(cred.scopes) == 2


def test_a_get_token_credential_and_a_plain_callable(reset: Emulator) -> None:
    client_id = app(reset, "Legacy-Secret")
    token = reset.token(client_id, "Legacy-Secret")

    class Access(NamedTuple):
        """azure.core.credentials.AccessToken's fields."""

        token: str
        expires_on: int

    class Legacy:
        """A `TokenCredential` of before get_token_info."""

        def __init__(self) -> None:
            self.scopes: list[tuple[str, ...]] = []

        def get_token(self, *scopes: str, **kwargs: Any) -> Access:
            self.scopes.append(scopes)
            return Access(token, int(time.time()) + 3600)

    legacy = Legacy()
    client = pc.Client(credential=legacy, base_url=reset.url)
    client.customers.list_page(size=1)
    client.customers.list_page(size=1)
    assert legacy.scopes == [(APP_SCOPE,)]
    asked: list[int] = []
    client = pc.Client(credential=lambda: asked.append(1) or token, base_url=reset.url)
    client.customers.list_page(size=1)
    client.customers.list_page(size=1)
    assert len(asked) == 2, "a callable has no expiry: asked before every call, as token_provider= was"
    with pytest.raises(TypeError):
        pc.Client(credential=object(), base_url=reset.url)
    with pytest.raises(ValueError):
        pc.Client(credential=lambda: token, token="x", base_url=reset.url)


def test_a_failing_foreign_credential_is_an_authentication_error(reset: Emulator) -> None:
    class Broken:
        def get_token_info(self, *scopes: str, options: Any = None) -> TokenInfo:
            raise PermissionError("no managed identity here")

    with pytest.raises(AuthenticationError) as err:
        pc.Client(credential=Broken(), base_url=reset.url).customers.list_page(size=1)
    assert err.value.error == "PermissionError" and "no managed identity" in str(err.value)


class AsyncInfoCredential:
    """An async `SupportsTokenInfo` (like azure.identity.aio's) that records the loop it ran on."""

    def __init__(self, token: str) -> None:
        self.token = token
        self.loops: list[asyncio.AbstractEventLoop] = []

    async def get_token_info(self, *scopes: str, options: Any = None) -> TokenInfo:
        self.loops.append(asyncio.get_running_loop())
        await asyncio.sleep(0.01)
        return TokenInfo(self.token, int(time.time()) + 3600)


async def test_an_async_credential_runs_on_the_async_clients_loop(reset: Emulator) -> None:
    client_id = app(reset, "Async-Secret")
    cred = AsyncInfoCredential(reset.token(client_id, "Async-Secret"))
    async with pc.AsyncClient(credential=cred, base_url=reset.url) as client:
        await asyncio.gather(*(client.customers.list_page(size=1) for _ in range(20)))
    assert cred.loops == [asyncio.get_running_loop()]


def test_an_async_credential_from_a_blocking_client(reset: Emulator) -> None:
    client_id = app(reset, "Async-Secret-2")
    cred = AsyncInfoCredential(reset.token(client_id, "Async-Secret-2"))
    client = pc.Client(credential=cred, base_url=reset.url)
    client.customers.list_page(size=1)
    client.customers.list_page(size=1)
    assert len(cred.loops) == 1 and cred.loops[0].is_running(), "on the package's own loop thread"


# -- TLS: ca_cert=, and the real azure-identity ------------------------------------------------


def test_ca_cert_trusts_an_extra_root(tls_emulator: Emulator) -> None:
    assert tls_emulator.ca_file
    pem = Path(tls_emulator.ca_file).read_text()
    with pytest.raises(pc.TransportError):
        pc.Client(token="opaque-token", base_url=tls_emulator.url, max_retries=0).customers.list_page(size=1)
    assert pc.Client(token="opaque-token", base_url=tls_emulator.url, ca_cert=pem).customers.list_page(size=1) is not None
    # Our credential signs in over the same trusted connection.
    client_id = app(tls_emulator, "Tls-Secret")
    cred = ClientSecretCredential(TENANT, client_id, "Tls-Secret", authority_host=tls_emulator.url)
    pc.Client(credential=cred, base_url=tls_emulator.url, ca_cert=pem).customers.list_page(size=1)


def test_azure_identity_client_secret_credential(tls_emulator: Emulator) -> None:
    identity = pytest.importorskip("azure.identity")
    assert tls_emulator.ca_file
    client_id = app(tls_emulator, "Azure-Secret")
    azure_cred = identity.ClientSecretCredential(
        TENANT,
        client_id,
        "Azure-Secret",
        authority=tls_emulator.url,
        disable_instance_discovery=True,
        connection_verify=tls_emulator.ca_file,
    )
    before = tls_emulator.token_requests()
    client = pc.Client(credential=azure_cred, base_url=tls_emulator.url, ca_cert=Path(tls_emulator.ca_file).read_text())
    for _ in range(3):
        client.customers.list_page(size=1)
    assert tls_emulator.token_requests() - before == 1
    # An App-only token from azure-identity: App+User operations are refused, saying why.
    created = client.customers.create(new_customer())
    assert created.id
    with pytest.raises(pc.ForbiddenError, match="App[+]User"):
        client.profiles.get_company(created.id)


async def test_azure_identity_aio_client_secret_credential(tls_emulator: Emulator) -> None:
    aio = pytest.importorskip("azure.identity.aio")
    pytest.importorskip("aiohttp")
    assert tls_emulator.ca_file
    client_id = app(tls_emulator, "Azure-Aio-Secret")
    azure_cred = aio.ClientSecretCredential(
        TENANT,
        client_id,
        "Azure-Aio-Secret",
        authority=tls_emulator.url,
        disable_instance_discovery=True,
        connection_verify=tls_emulator.ca_file,
    )
    before = tls_emulator.token_requests()
    async with azure_cred, pc.AsyncClient(
        credential=azure_cred, base_url=tls_emulator.url, ca_cert=Path(tls_emulator.ca_file).read_text()
    ) as client:
        await asyncio.gather(*(client.customers.list_page(size=1) for _ in range(10)))
    assert tls_emulator.token_requests() - before == 1


# -- Redaction ---------------------------------------------------------------------------------


def test_no_credential_shows_its_secrets(certificate: dict[str, Path]) -> None:
    host = "http://127.0.0.1:1"
    creds: list[Credential] = [
        ClientSecretCredential(TENANT, "c1", "Secret-AAA", authority_host=host),
        CertificateCredential(TENANT, "c2", certificate_path=certificate["both-enc"], password="pem-pass-9", authority_host=host),
        RefreshTokenCredential(TENANT, "c3", "0.Refresh-BBB", client_secret="Secret-CCC", authority_host=host),
        DeviceCodeCredential("c4", client_secret="Secret-DDD", authority_host=host),
    ]
    key_line = certificate["key"].read_text().splitlines()[1]
    for cred in creds:
        shown = repr(cred) + str(cred) + repr(cred._native) + repr(getattr(cred, "__dict__", None))  # pyright: ignore[reportPrivateUsage]
        for secret in ("Secret-AAA", "pem-pass-9", "0.Refresh-BBB", "Secret-CCC", "Secret-DDD", key_line):
            assert secret not in shown, shown
        with pytest.raises(TypeError):
            import pickle

            pickle.dumps(cred)
    # A refused sign-in (nothing listens there) says nothing of the secrets either.
    with pytest.raises(pc.PartnerCenterError) as err:
        pc.Client(credential=creds[2], base_url=host, max_retries=0).customers.list_page(size=1)
    shown = str(err.value) + repr(err.value) + repr(vars(err.value))
    assert "0.Refresh-BBB" not in shown and "Secret-CCC" not in shown
    del creds
    gc.collect()
