"""Calling the native client, and what calls return: ``Response``, ``Page`` and page iterators."""

from __future__ import annotations

import json
from typing import (
    TYPE_CHECKING,
    Any,
    AsyncIterator,
    Awaitable,
    Callable,
    Generic,
    Iterator,
    Mapping,
    Optional,
    Tuple,
    TypeVar,
    List,
)

from ._base import Model, to_wire

if TYPE_CHECKING:
    from ._native import NativeClient

T = TypeVar("T")
M = TypeVar("M", bound=Model)

#: What the native client answers: status, headers, request id, body (the decoded answer as JSON).
Raw = Tuple[int, List[Tuple[str, str]], str, bytes]

__all__ = ["Response", "Page", "Raw", "call", "call_async", "encode_body", "decode_model", "pages", "apages"]


class Response(Generic[T]):
    """A call's answer with its status and headers (header names in lower case)."""

    __slots__ = ("status", "headers", "request_id", "data")

    def __init__(self, status: int, headers: dict[str, str], request_id: str, data: T) -> None:
        self.status = status
        self.headers = headers
        self.request_id = request_id
        self.data = data

    @staticmethod
    def of(raw: Raw, data: T) -> Response[T]:
        return Response(raw[0], {k.lower(): v for k, v in raw[1]}, raw[2], data)

    def __repr__(self) -> str:
        return f"Response(status={self.status}, request_id={self.request_id!r}, data={self.data!r})"


class Page(Generic[T]):
    """One page of a list, with the token that fetches the next one (``None`` on the last page)."""

    __slots__ = ("items", "continuation_token", "total_count", "status", "headers", "request_id")

    def __init__(
        self,
        items: list[T],
        continuation_token: Optional[str],
        total_count: Optional[int],
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


def _headers(headers: Optional[Mapping[str, str]]) -> Optional[list[tuple[str, str]]]:
    return None if headers is None else [(str(k), str(v)) for k, v in headers.items()]


def encode_body(body: Any, cls: Optional[type[Model]] = None) -> bytes:
    """A request body as wire JSON: a model, or a dict with wire or snake_case keys."""
    if cls is not None and isinstance(body, Mapping) and not isinstance(body, Model):
        body = cls.from_dict(body)  # type: ignore[arg-type]
    return json.dumps(to_wire(body), separators=(",", ":")).encode()


def decode_model(raw: Raw, cls: type[M]) -> M:
    return cls.from_dict(json.loads(raw[3]))


def call(
    native: NativeClient,
    operation: str,
    params: Mapping[str, Any],
    body: Optional[bytes],
    request_id: Optional[str],
    timeout: Optional[float],
    headers: Optional[Mapping[str, str]],
    continuation_token: Optional[str] = None,
) -> Raw:
    encoded = json.dumps(to_wire(params), separators=(",", ":")).encode()
    return native.call(operation, encoded, body, request_id, timeout, _headers(headers), continuation_token)


async def call_async(
    native: NativeClient,
    operation: str,
    params: Mapping[str, Any],
    body: Optional[bytes],
    request_id: Optional[str],
    timeout: Optional[float],
    headers: Optional[Mapping[str, str]],
    continuation_token: Optional[str] = None,
) -> Raw:
    encoded = json.dumps(to_wire(params), separators=(",", ":")).encode()
    return await native.call_async(operation, encoded, body, request_id, timeout, _headers(headers), continuation_token)


def pages(fetch: Callable[[Optional[str]], Page[T]], first_token: Optional[str] = None) -> Iterator[T]:
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
    fetch: Callable[[Optional[str]], Awaitable[Page[T]]], first_token: Optional[str] = None
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
