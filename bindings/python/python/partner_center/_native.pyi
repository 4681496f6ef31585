"""Type stub of the native module (the Rust crate in src/): the generic glue the generated clients call."""

from collections.abc import Awaitable
from typing import Any

from typing_extensions import TypeAlias

#: Every operation id ``NativeClient.call`` accepts.
OPERATIONS: list[str]
__version__: str

#: (status, headers with lower-case names, request id, the decoded answer as JSON bytes).
_Raw: TypeAlias = tuple[int, list[tuple[str, str]], str, bytes]

class NativeClient:
    """One configured Rust client. Thread-safe; share it between threads and event loops."""

    def __init__(
        self,
        *,
        base_url: str | None = None,
        cloud: str | None = None,
        token: str | None = None,
        token_provider: Any | None = None,
        locale: str | None = None,
        application: str | None = None,
        correlation_id: str | None = None,
        timeout: float | None = None,
        max_retries: int | None = None,
        validate: bool = True,
        user_agent: str | None = None,
    ) -> None: ...
    @property
    def correlation_id(self) -> str: ...
    @property
    def base_url(self) -> str: ...
    def call(
        self,
        operation: str,
        params: bytes,
        body: bytes | None = None,
        request_id: str | None = None,
        timeout: float | None = None,
        headers: list[tuple[str, str]] | None = None,
        continuation_token: str | None = None,
    ) -> _Raw:
        """Runs one operation; blocks with the GIL released; Ctrl-C raises KeyboardInterrupt."""
    def call_async(
        self,
        operation: str,
        params: bytes,
        body: bytes | None = None,
        request_id: str | None = None,
        timeout: float | None = None,
        headers: list[tuple[str, str]] | None = None,
        continuation_token: str | None = None,
    ) -> Awaitable[_Raw]:
        """Like ``call``, as an asyncio awaitable (needs a running event loop)."""
