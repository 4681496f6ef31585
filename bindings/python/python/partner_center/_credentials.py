"""Signing in: credentials that get (and refresh) Partner Center tokens for a client.

    ClientSecretCredential      App-only, a client secret
    CertificateCredential       App-only, a certificate (PEM, key optionally encrypted)
    RefreshTokenCredential      App+User, a stored refresh token (rotated into ``on_refresh``)
    DeviceCodeCredential        App+User, the one-time consent by device code, then as above

Pass one as ``Client(credential=...)`` / ``AsyncClient(credential=...)``. The flows run in the
Rust runtime (the same code as the Rust and Node clients): tokens are cached and refreshed about
five minutes before they expire, one token request at a time however many calls wait, and a
call the service answers 401 is retried once with a fresh token.

``credential=`` also takes any azure-core credential (``azure.identity.ClientSecretCredential``,
``DefaultAzureCredential``, the ``azure.identity.aio`` ones, ...): anything with
``get_token_info(*scopes)`` (preferred) or ``get_token(*scopes)``, sync or async. It is asked for
the client's ``https://api.partnercenter.microsoft.com/.default`` scope, and its tokens go through
the same cache (``expires_on`` and ``refresh_on`` are honoured).

Secrets (client secret, certificate key and password, refresh and access tokens, device codes)
stay in the native half and appear in no ``repr``, ``str`` or error.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import inspect
import os
import threading
import weakref
from collections.abc import Awaitable
from typing import Any, Callable, TypeVar

from . import _native as _native_module

__all__ = [
    "CertificateCredential",
    "ClientSecretCredential",
    "Credential",
    "DeviceCodeCredential",
    "DeviceCodeInfo",
    "RefreshTokenCredential",
]

# The native credential class is typed here rather than in the generated stub.
_NATIVE: Any = _native_module

class DeviceCodeInfo:
    """What ``DeviceCodeCredential`` asks the user to do: open ``verification_uri`` and type
    ``user_code`` within ``expires_in`` seconds; ``message`` says it in one sentence."""

    __slots__ = ("expires_in", "message", "user_code", "verification_uri")

    def __init__(self, user_code: str, verification_uri: str, message: str, expires_in: float) -> None:
        self.user_code = user_code
        self.verification_uri = verification_uri
        self.message = message
        self.expires_in = expires_in

    def __repr__(self) -> str:
        return (
            f"DeviceCodeInfo(user_code={self.user_code!r}, verification_uri={self.verification_uri!r}, "
            f"expires_in={self.expires_in:g})"
        )


class Credential:
    """A credential of this package: pass it as ``credential=`` to a client. Share one between
    clients (and threads) to share its cached tokens."""

    __slots__ = ("_native", "authority_host", "client_id", "tenant_id")

    _native: Any
    tenant_id: str
    client_id: str
    authority_host: str | None

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(tenant_id={self.tenant_id!r}, client_id={self.client_id!r}, "
            f"authority_host={self.authority_host!r})"
        )

    def __reduce__(self) -> tuple[Any, ...]:
        # Its secrets live in the native half, which cannot (and must not) be pickled.
        raise TypeError(f"{type(self).__name__} cannot be pickled")


def _host(authority_host: str | None) -> str | None:
    return None if authority_host is None else str(authority_host)


class ClientSecretCredential(Credential):
    """App-only sign-in with a client secret (the client-credentials grant, scope ``.../.default``).

    ``tenant_id`` is the partner's tenant (GUID or domain); ``authority_host`` the sign-in service
    (default: the client's cloud's, e.g. ``https://login.microsoftonline.com``).
    """

    __slots__ = ()

    def __init__(
        self, tenant_id: str, client_id: str, client_secret: str, *, authority_host: str | None = None
    ) -> None:
        self.tenant_id = tenant_id
        self.client_id = client_id
        self.authority_host = _host(authority_host)
        self._native = _NATIVE.NativeCredential.client_secret(tenant_id, client_id, client_secret, self.authority_host)


class CertificateCredential(Credential):
    """App-only sign-in with a certificate: a client assertion signed with its RSA key.

    Give the PEM (the ``CERTIFICATE`` and its ``PRIVATE KEY`` / ``RSA PRIVATE KEY`` /
    ``ENCRYPTED PRIVATE KEY``, in one file or text) as ``certificate_path`` or ``certificate_data``
    (str or bytes), and ``password`` when the key is encrypted.
    """

    __slots__ = ()

    def __init__(
        self,
        tenant_id: str,
        client_id: str,
        *,
        certificate_path: str | os.PathLike[str] | None = None,
        certificate_data: str | bytes | None = None,
        password: str | bytes | None = None,
        authority_host: str | None = None,
    ) -> None:
        self.tenant_id = tenant_id
        self.client_id = client_id
        self.authority_host = _host(authority_host)
        if isinstance(password, bytes):
            password = password.decode()
        path = None if certificate_path is None else os.fspath(certificate_path)
        self._native = _NATIVE.NativeCredential.certificate(
            tenant_id, client_id, path, certificate_data, password, self.authority_host
        )


class RefreshTokenCredential(Credential):
    """App+User sign-in with a stored refresh token (Partner Center's secure application model).

    Refresh tokens rotate: every exchange returns a new one, handed to ``on_refresh(token)`` so
    that you can store it in place of the old. ``on_refresh`` runs on a background thread, in
    order, and before the call that caused the refresh returns; an exception in it is reported
    through ``sys.unraisablehook``. ``client_secret`` for a confidential (web) app.
    """

    __slots__ = ()

    def __init__(
        self,
        tenant_id: str,
        client_id: str,
        refresh_token: str,
        *,
        client_secret: str | None = None,
        on_refresh: Callable[[str], object] | None = None,
        authority_host: str | None = None,
    ) -> None:
        self.tenant_id = tenant_id
        self.client_id = client_id
        self.authority_host = _host(authority_host)
        self._native = _NATIVE.NativeCredential.refresh_token(
            tenant_id, client_id, refresh_token, client_secret, on_refresh, self.authority_host
        )


class DeviceCodeCredential(Credential):
    """App+User sign-in by device code: the one-time interactive consent for hosts without a browser.

    The first token request shows ``prompt(info)`` (a ``DeviceCodeInfo``; default: its message
    printed on stderr), polls until the user has signed in elsewhere, then behaves like
    ``RefreshTokenCredential``: ``on_refresh(token)`` receives the refresh token, store it and use
    a ``RefreshTokenCredential`` next time. Callbacks run on a background thread; exceptions in
    them are reported through ``sys.unraisablehook``.
    """

    __slots__ = ()

    def __init__(
        self,
        client_id: str,
        *,
        tenant_id: str = "organizations",
        client_secret: str | None = None,
        prompt: Callable[[DeviceCodeInfo], object] | None = None,
        on_refresh: Callable[[str], object] | None = None,
        authority_host: str | None = None,
    ) -> None:
        self.tenant_id = tenant_id
        self.client_id = client_id
        self.authority_host = _host(authority_host)
        self._native = _NATIVE.NativeCredential.device_code(
            client_id, tenant_id, client_secret, prompt, on_refresh, self.authority_host
        )


# ----------------------------------------------------------------------------------------------
# Foreign (azure-core) credentials. The native module calls `_adapt(credential)` once per client,
# then `fetch(scope)` on a background thread whenever its token cache needs a token, and
# `use_running_loop()` on each async call when the credential is async.

T = TypeVar("T")


class _Foreign:
    """Asks an azure-core style credential for a token and normalises the answer."""

    __slots__ = ("_info", "_loop", "_method", "is_async")

    def __init__(self, credential: Any) -> None:
        info: Callable[..., Any] | None = getattr(credential, "get_token_info", None)
        self._info = info is not None
        method: Callable[..., Any] = info if info is not None else credential.get_token
        self._method = method
        self.is_async = inspect.iscoroutinefunction(method)
        #: The loop of the latest async call, and the fork generation it was seen in (a loop
        #: of the parent process runs on a thread a forked child does not have).
        self._loop: tuple[weakref.ReferenceType[asyncio.AbstractEventLoop], int] | None = None

    def use_running_loop(self) -> None:
        """Remembers the running loop: an async credential's coroutines run there."""
        loop = asyncio.get_running_loop()
        if self._loop is None or self._loop[0]() is not loop or self._loop[1] != _forks:
            self._loop = (weakref.ref(loop), _forks)

    def fetch(self, scope: str) -> tuple[str, float, float | None]:
        """``(token, expires_on, refresh_on)`` (Unix seconds) for ``scope``."""
        answer: Any = self._method(scope)
        if inspect.isawaitable(answer):
            answer = self._wait(answer)
        token = answer.token
        if not isinstance(token, str):
            raise TypeError("the credential's token is not a str")
        refresh_on = getattr(answer, "refresh_on", None) if self._info else None
        return token, float(answer.expires_on), None if refresh_on is None else float(refresh_on)

    def _wait(self, awaitable: Awaitable[T]) -> T:
        """Runs ``awaitable`` on the loop of the latest async call (where an ``azure.identity.aio``
        credential's HTTP session lives), else on this module's own loop thread, and waits."""
        loop = self._loop[0]() if self._loop is not None and self._loop[1] == _forks else None
        if loop is None or loop.is_closed() or not loop.is_running():
            loop = _private_loop()
        future = asyncio.run_coroutine_threadsafe(_awaited(awaitable), loop)
        while True:
            try:
                return future.result(timeout=0.25)
            except concurrent.futures.TimeoutError:
                if loop.is_closed():
                    future.cancel()
                    raise RuntimeError("the event loop closed while the credential was signing in") from None


async def _awaited(awaitable: Awaitable[T]) -> T:
    return await awaitable


_private: asyncio.AbstractEventLoop | None = None
_private_lock = threading.Lock()
#: How many forks this process is away from the one that imported the module.
_forks = 0


def _private_loop() -> asyncio.AbstractEventLoop:
    """An event loop on a daemon thread, for async credentials used by a blocking ``Client``."""
    global _private
    with _private_lock:
        if _private is None or _private.is_closed():
            loop = asyncio.new_event_loop()
            thread = threading.Thread(target=loop.run_forever, name="partner-center-credentials", daemon=True)
            thread.start()
            _private = loop
        return _private


def _after_fork_in_child() -> None:
    """A forked child has none of the parent's threads: the private loop's thread is gone (its
    loop would look running and never run anything) and the lock may have been held by one of
    them. Forget both (never close the loop: its selector and self-pipe are the parent's too)."""
    global _private, _private_lock, _forks
    _private = None
    _private_lock = threading.Lock()
    _forks += 1


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork_in_child)


def _adapt(credential: Any) -> _Foreign:  # pyright: ignore[reportUnusedFunction] (called by the native module)
    return _Foreign(credential)
