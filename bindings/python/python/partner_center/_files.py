"""Files for multipart bodies (``type: string, format: binary`` in the spec)."""

from __future__ import annotations

import base64
import os


class FilePart:
    """A file to send as a multipart part: its content, and the file name and media type the part
    declares. A model field that takes a file also takes plain ``bytes`` (or ``str``)."""

    __slots__ = ("content_type", "data", "file_name")

    def __init__(
        self,
        data: bytes | bytearray | str,
        file_name: str | None = None,
        content_type: str | None = None,
    ) -> None:
        self.data: bytes = data.encode() if isinstance(data, str) else bytes(data)
        self.file_name = file_name
        self.content_type = content_type

    @classmethod
    def from_path(cls, path: str | os.PathLike[str], content_type: str | None = None) -> FilePart:
        """The file at ``path`` (read whole: a retried call sends it again), named after it."""
        with open(path, "rb") as f:
            data = f.read()
        return cls(data, os.path.basename(os.fspath(path)), content_type)

    def to_wire(self) -> dict[str, str]:
        """The form the native client reads a file in."""
        wire = {"base64": base64.b64encode(self.data).decode("ascii")}
        if self.file_name is not None:
            wire["fileName"] = self.file_name
        if self.content_type is not None:
            wire["contentType"] = self.content_type
        return wire

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, FilePart):
            return NotImplemented
        return (self.data, self.file_name, self.content_type) == (
            other.data,
            other.file_name,
            other.content_type,
        )

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        # The size and names only: a file's content may be anything, secrets included.
        return (
            f"FilePart(file_name={self.file_name!r}, content_type={self.content_type!r}, "
            f"size={len(self.data)})"
        )
