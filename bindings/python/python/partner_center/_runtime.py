"""Calling the native client, and what calls return: ``Response``, ``Page`` and page iterators."""

from __future__ import annotations

import datetime
import json
from collections.abc import AsyncIterator, Awaitable, Iterator, Mapping
from typing import (
    TYPE_CHECKING,
    Any,
    Callable,
    Generic,
    TypeVar,
    cast,
)

from ._base import Model, date_time_text, dict_to_wire, to_wire
from ._files import FilePart

if TYPE_CHECKING:
    from ._native import NativeClient, Operation

T = TypeVar("T")
M = TypeVar("M", bound=Model)

#: What the native client answers: status, headers, request id, body (the decoded answer as JSON).
Raw = tuple[int, list[tuple[str, str]], str, bytes]

__all__ = [
    "Page",
    "Raw",
    "Response",
    "apages",
    "as_model",
    "call",
    "call_async",
    "decode_model",
    "encode_body",
    "pages",
    "respond",
]


class Response(Generic[T]):
    """A call's answer with its status and headers (header names in lower case)."""

    __slots__ = ("data", "headers", "request_id", "status")

    def __init__(self, status: int, headers: dict[str, str], request_id: str, data: T) -> None:
        self.status = status
        self.headers = headers
        self.request_id = request_id
        self.data = data

    def __repr__(self) -> str:
        return f"Response(status={self.status}, request_id={self.request_id!r}, data={self.data!r})"


U = TypeVar("U")


def respond(raw: Raw, data: U) -> Response[U]:
    """A ``Response`` for the native answer ``raw`` carrying ``data``."""
    return Response(raw[0], {k.lower(): v for k, v in raw[1]}, raw[2], data)


class Page(Generic[T]):
    """One page of a list, with the token that fetches the next one (``None`` on the last page)."""

    __slots__ = ("continuation_token", "headers", "items", "request_id", "status", "total_count")

    def __init__(
        self,
        items: list[T],
        continuation_token: str | None,
        total_count: int | None,
        response: Response[Any],
    ) -> None:
        self.items = items
        self.continuation_token = continuation_token or None
        self.total_count = total_count
        self.status = response.status
        self.headers = response.headers
        self.request_id = response.request_id

    def __iter__(self) -> Iterator[T]:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)

    def __repr__(self) -> str:
        return f"Page(items={len(self.items)}, continuation_token={self.continuation_token!r})"


def _headers(headers: Mapping[str, str] | None) -> list[tuple[str, str]] | None:
    return None if headers is None else [(str(k), str(v)) for k, v in headers.items()]


def encode_body(body: Any, cls: type[Model] | None = None) -> bytes:
    """A request body as wire JSON: a model, or a dict with wire or snake_case keys. A dict's keys
    that its model does not know, at any depth, are kept as given (never dropped): with validation
    on the Rust client refuses them at their path, with validation off it sends them."""
    if cls is not None and isinstance(body, Mapping) and not isinstance(body, Model):
        wire: Any = dict_to_wire(cls, cast("Mapping[Any, Any]", body))
    else:
        wire = to_wire(body)
    return _to_json(wire)


def _to_json(value: Any) -> bytes:
    """Compact JSON, as UTF-8 bytes."""
    return _ENCODER.encode(value).encode()


def _from_json(data: bytes) -> Any:
    """JSON from the native client (always UTF-8)."""
    return _DECODER.decode(data.decode())


def _json_default(value: object) -> object:
    """What ``json.dumps`` cannot write itself, found where no field type says what it is (in an
    untyped field): files (a FilePart, or raw bytes in a file field) in the form the native client
    reads them in, and dates as ISO 8601. Called only for such values."""
    if isinstance(value, datetime.datetime):
        return date_time_text(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, FilePart):
        return value.to_wire()
    if isinstance(value, (bytes, bytearray)):
        return FilePart(value).to_wire()
    if isinstance(value, memoryview):
        return FilePart(value.tobytes()).to_wire()
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


# Made once: `json.dumps` with options builds an encoder on every call, and `json.loads` on bytes
# first guesses their encoding; both are per-call costs of every operation.
_ENCODER = json.JSONEncoder(separators=(",", ":"), default=_json_default)
_DECODER = json.JSONDecoder()


def as_model(value: M | Mapping[str, Any], cls: type[M]) -> M:
    """A model from a model, or from a dict with wire or snake_case keys."""
    return value if isinstance(value, Model) else cls.from_dict(value)  # type: ignore[return-value]


def decode_model(raw: Raw, cls: type[M]) -> M:
    return cls.from_dict(_from_json(raw[3]))


def by_status(raw: Raw, decoders: Mapping[int, Callable[[Raw], Any]]) -> Any:
    """An answer of an operation whose success answers differ, decoded as its status says (the
    JSON as it came for a status the spec does not list)."""
    decode = decoders.get(raw[0])
    return _from_json(raw[3]) if decode is None else decode(raw)


def call(
    native: NativeClient,
    operation: Operation,
    params: Mapping[str, Any],
    body: bytes | None,
    request_id: str | None,
    timeout: float | None,
    headers: Mapping[str, str] | None,
    continuation_token: str | None = None,
) -> Raw:
    encoded = _to_json(to_wire(params))
    return native.call(operation, encoded, body, request_id, timeout, _headers(headers), continuation_token)


async def call_async(
    native: NativeClient,
    operation: Operation,
    params: Mapping[str, Any],
    body: bytes | None,
    request_id: str | None,
    timeout: float | None,
    headers: Mapping[str, str] | None,
    continuation_token: str | None = None,
) -> Raw:
    encoded = _to_json(to_wire(params))
    return await native.call_async(operation, encoded, body, request_id, timeout, _headers(headers), continuation_token)


def pages(fetch: Callable[[str | None], Page[T]], first_token: str | None = None) -> Iterator[T]:
    """Every item of every page; stops after a page without a token, or on a token seen before."""
    token = first_token
    seen: set[str] = set()
    while True:
        page = fetch(token)
        yield from page.items
        token = page.continuation_token
        if token is None or token in seen:
            return
        seen.add(token)


async def apages(
    fetch: Callable[[str | None], Awaitable[Page[T]]], first_token: str | None = None
) -> AsyncIterator[T]:
    """The async form of ``pages``."""
    token = first_token
    seen: set[str] = set()
    while True:
        page = await fetch(token)
        for item in page.items:
            yield item
        token = page.continuation_token
        if token is None or token in seen:
            return
        seen.add(token)
