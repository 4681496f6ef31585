"""The exceptions every call can raise.

    PartnerCenterError                 every failure (kind, message, request_id, ...)
    ├── ApiError                       the service answered with an error status
    │   ├── BadRequestError            400
    │   ├── UnauthorizedError          401
    │   │   └── MfaRequiredError       401, code 900421: the App+User sign-in had no MFA
    │   ├── ForbiddenError             403
    │   ├── NotFoundError              404
    │   ├── ConflictError              409
    │   ├── PreconditionFailedError    412 (stale ETag)
    │   ├── ThrottledError             429, with retry_after (seconds)
    │   └── ServerError                5xx
    ├── AuthenticationError            the token endpoint refused to sign in (.error, .error_codes, ...)
    │   └── ReauthenticationRequiredError  the stored refresh token or consent is dead: sign in again
    ├── ValidationError                the request broke the spec's rules; nothing was sent (.errors)
    ├── TransportError                 no answer: connection refused or reset, DNS, TLS, cut short
    ├── TimeoutError                   an attempt took too long (also a builtins.TimeoutError)
    └── DecodeError                    an answer that cannot be read: not JSON, not UTF-8, the wrong
                                       shape, or larger than the client's max_response_bytes

The native module raises them through `error_class(kind)` with the keyword arguments of
`PartnerCenterError.__init__`. Errors never carry the bearer token, nor any other secret of a
credential (client secret, certificate key or password, refresh token, device code).
"""

from __future__ import annotations

import builtins
from typing import Any

__all__ = [
    "ApiError",
    "AuthenticationError",
    "BadRequestError",
    "ConflictError",
    "DecodeError",
    "ForbiddenError",
    "MfaRequiredError",
    "NotFoundError",
    "PartnerCenterError",
    "PreconditionFailedError",
    "ReauthenticationRequiredError",
    "ServerError",
    "ThrottledError",
    "TimeoutError",
    "TransportError",
    "UnauthorizedError",
    "ValidationError",
    "error_class",
]


def _rebuild(cls: type[PartnerCenterError], state: dict[str, Any]) -> PartnerCenterError:
    return cls(**state)


class PartnerCenterError(Exception):
    """Any failure of a Partner Center call.

    Attributes:
        kind: what went wrong, one of "bad_request", "unauthorized", "forbidden", "not_found",
            "conflict", "precondition_failed", "throttled", "server", "other_status", "validation",
            "transport", "timeout", "decode", "config", "authentication", "reauthentication_required",
            "mfa_required".
        message: a one-line description.
        status: the HTTP status, when the service (or the token endpoint) answered.
        code: Partner Center's error code (its text), e.g. "60003"; for a sign-in refusal the
            OAuth2 error, e.g. "invalid_client".
        error_codes: a sign-in refusal's AADSTS numbers, e.g. [7000215].
        trace_id: a sign-in refusal's trace id (Microsoft Entra support asks for it).
        description: Partner Center's description of the error.
        data: the error body's `data` entries.
        source: the error body's `source`, e.g. "PartnerFD".
        request_id: the MS-RequestId of the call (reuse it to replay an idempotent create).
        correlation_id: the MS-CorrelationId of the call.
        retry_after: the service's Retry-After in seconds (429 and some 503s).
        errors: (path, message) pairs of a ValidationError; paths use wire names.
        body: the raw error body (capped at 4 KiB), or the start of an undecodable answer.
    """

    default_kind = "other"

    kind: str
    message: str
    status: int | None
    code: str | None
    error_codes: list[int]
    trace_id: str | None
    description: str | None
    data: list[Any]
    source: str | None
    request_id: str | None
    correlation_id: str | None
    retry_after: float | None
    errors: list[tuple[str, str]]
    body: str | None

    def __init__(
        self,
        message: str = "",
        *,
        kind: str | None = None,
        status: int | None = None,
        code: str | None = None,
        error_codes: list[int] | None = None,
        trace_id: str | None = None,
        description: str | None = None,
        data: list[Any] | None = None,
        source: str | None = None,
        request_id: str | None = None,
        correlation_id: str | None = None,
        retry_after: float | None = None,
        errors: list[tuple[str, str]] | None = None,
        body: str | None = None,
    ) -> None:
        super().__init__(message)
        self.kind = kind if kind is not None else type(self).default_kind
        self.message = message
        self.status = status
        self.code = code
        self.error_codes = [int(c) for c in error_codes] if error_codes else []
        self.trace_id = trace_id
        self.description = description
        self.data = list(data) if data is not None else []
        self.source = source
        self.request_id = request_id
        self.correlation_id = correlation_id
        self.retry_after = retry_after
        self.errors = [(str(path), str(msg)) for path, msg in errors] if errors else []
        self.body = body

    def _state(self) -> dict[str, Any]:
        return {
            "message": self.message,
            "kind": self.kind,
            "status": self.status,
            "code": self.code,
            "error_codes": self.error_codes,
            "trace_id": self.trace_id,
            "description": self.description,
            "data": self.data,
            "source": self.source,
            "request_id": self.request_id,
            "correlation_id": self.correlation_id,
            "retry_after": self.retry_after,
            "errors": self.errors,
            "body": self.body,
        }

    def __reduce__(self) -> tuple[Any, ...]:
        # Keyword-only state survives pickling (multiprocessing, concurrent.futures).
        return (_rebuild, (type(self), self._state()))

    def __str__(self) -> str:
        parts: list[str] = []
        if self.status is not None:
            parts.append(str(self.status))
        if self.code:
            parts.append(f"(code {self.code})")
        head = " ".join(parts)
        if self.description:
            text = f"{head}: {self.description}" if head else self.description
        elif self.errors:
            text = "; ".join(f"{p}: {m}" if p else m for p, m in self.errors)
        elif self.message:
            text = self.message
        else:
            text = head or self.kind
        if self.retry_after is not None and "retry after" not in text:
            text += f" (retry after {self.retry_after:g} s)"
        if self.request_id and self.request_id not in text:
            text += f" [request id {self.request_id}]"
        return text

    def __repr__(self) -> str:
        fields = [f"kind={self.kind!r}"]
        for name in ("status", "code", "description", "request_id", "retry_after"):
            value = getattr(self, name)
            if value is not None:
                fields.append(f"{name}={value!r}")
        if self.errors:
            fields.append(f"errors={self.errors!r}")
        if self.status is None and not self.errors and self.message:
            fields.append(f"message={self.message!r}")
        return f"{type(self).__name__}({', '.join(fields)})"


class ApiError(PartnerCenterError):
    """The service answered with an error status (`status`, `code`, `description`, ...)."""

    default_kind = "other_status"


class BadRequestError(ApiError):
    """400: the service refused the request (its `description` names the fields)."""

    default_kind = "bad_request"


class UnauthorizedError(ApiError):
    """401: the token is missing, expired or not accepted."""

    default_kind = "unauthorized"


class MfaRequiredError(UnauthorizedError):
    """401 with code 900421: the App+User token was issued without multi-factor authentication.

    Partner Center requires MFA for every App+User call: the user must sign in again with MFA
    (e.g. ``DeviceCodeCredential``) and the new refresh token be stored.
    """

    default_kind = "mfa_required"


class ForbiddenError(ApiError):
    """403: the token may not do this (e.g. an App-only token where App+User is needed)."""

    default_kind = "forbidden"

    def __str__(self) -> str:
        text = super().__str__()
        # The client knows when an operation takes only App+User tokens: its message says so
        # after the service's description.
        if "App+User" in self.message and "App+User" not in text:
            return self.message
        return text


class NotFoundError(ApiError):
    """404: no such customer, profile, country..."""

    default_kind = "not_found"


class ConflictError(ApiError):
    """409: e.g. a domain that is taken, or a request id reused with another body."""

    default_kind = "conflict"


class PreconditionFailedError(ApiError):
    """412: the ETag sent is stale; read the resource again and retry."""

    default_kind = "precondition_failed"


class ThrottledError(ApiError):
    """429: too many requests; `retry_after` says how many seconds to wait."""

    default_kind = "throttled"


class ServerError(ApiError):
    """5xx: the service failed (retried automatically before this is raised)."""

    default_kind = "server"


class AuthenticationError(PartnerCenterError):
    """The token endpoint refused to sign in: a wrong secret or certificate, an unknown client, ...

    ``error`` is the OAuth2 error (``invalid_client``, ``unauthorized_client``, ...),
    ``error_description`` the sign-in service's text (``AADSTS7000215: ...``), ``error_codes`` its
    AADSTS numbers, ``trace_id`` and ``correlation_id`` what its support asks for.
    """

    default_kind = "authentication"

    @property
    def error(self) -> str | None:
        """The OAuth2 error, e.g. "invalid_client" (also ``code``)."""
        return self.code

    @property
    def error_description(self) -> str | None:
        """The sign-in service's description (also ``description``)."""
        return self.description

    def __str__(self) -> str:
        text = self.message or f"sign-in failed: {self.code or self.kind}"
        if self.trace_id and self.trace_id not in text:
            text += f" [trace id {self.trace_id}]"
        return text

    def __repr__(self) -> str:
        fields = [f"kind={self.kind!r}", f"error={self.code!r}"]
        if self.error_codes:
            fields.append(f"error_codes={self.error_codes!r}")
        for name in ("status", "description", "trace_id", "correlation_id"):
            value = getattr(self, name)
            if value is not None:
                fields.append(f"{name}={value!r}")
        return f"{type(self).__name__}({', '.join(fields)})"


class ReauthenticationRequiredError(AuthenticationError):
    """The stored refresh token (or the consent behind it) is no longer valid: expired, revoked,
    or the user must interact again (``invalid_grant``, ``interaction_required``). Sign in again,
    e.g. with ``DeviceCodeCredential``, and store the new refresh token."""

    default_kind = "reauthentication_required"


class ValidationError(PartnerCenterError):
    """The request breaks the spec's rules; raised before anything is sent. See `errors`."""

    default_kind = "validation"


class TransportError(PartnerCenterError):
    """No (whole) answer arrived: connection refused or reset, DNS, TLS, or the answer's body was
    cut short (fewer bytes than its ``Content-Length``). Retried like a 5xx."""

    default_kind = "transport"


class TimeoutError(PartnerCenterError, builtins.TimeoutError):
    """An attempt took longer than the timeout. Also a `builtins.TimeoutError`."""

    default_kind = "timeout"


class DecodeError(PartnerCenterError):
    """The service answered, but the answer cannot be read as the spec describes it: not JSON, not
    UTF-8, the wrong shape, or larger than the client's ``max_response_bytes`` (refused without
    being read whole). Not retried: the same request would get the same answer. ``body`` holds the
    start of the answer (at most 1 KiB)."""

    default_kind = "decode"


_CLASSES: dict[str, type[PartnerCenterError]] = {
    "bad_request": BadRequestError,
    "unauthorized": UnauthorizedError,
    "forbidden": ForbiddenError,
    "not_found": NotFoundError,
    "conflict": ConflictError,
    "precondition_failed": PreconditionFailedError,
    "throttled": ThrottledError,
    "server": ServerError,
    "other_status": ApiError,
    "validation": ValidationError,
    "transport": TransportError,
    "timeout": TimeoutError,
    "decode": DecodeError,
    "config": PartnerCenterError,
    "authentication": AuthenticationError,
    "reauthentication_required": ReauthenticationRequiredError,
    "mfa_required": MfaRequiredError,
}


def error_class(kind: str) -> type[PartnerCenterError]:
    """The exception class for an error kind (sdk_runtime's `ErrorKind::as_str`)."""
    return _CLASSES.get(kind, PartnerCenterError)
