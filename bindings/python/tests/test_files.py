"""Files for multipart bodies: what the native client is handed, and what is never printed."""

from __future__ import annotations

import json
import pathlib

import partner_center
from partner_center import FilePart
from partner_center._runtime import encode_body


def test_files_and_bytes_reach_the_native_client_as_base64() -> None:
    body = {"file": FilePart(b"\x00\xff", "a.bin", "application/x-test"), "raw": b"hi", "n": 1}
    wire = json.loads(encode_body(body))
    assert wire == {
        "file": {"base64": "AP8=", "fileName": "a.bin", "contentType": "application/x-test"},
        "raw": {"base64": "aGk="},
        "n": 1,
    }


def test_a_file_never_shows_its_content() -> None:
    secret = FilePart(b"password=hunter2", "creds.txt")
    assert "hunter2" not in repr(secret)
    assert repr(secret) == "FilePart(file_name='creds.txt', content_type=None, size=16)"


def test_a_file_from_a_path_is_named_after_it(tmp_path: pathlib.Path) -> None:
    path = tmp_path / "report.txt"
    path.write_bytes(b"abc")
    part = FilePart.from_path(path, "text/plain")
    assert (part.data, part.file_name, part.content_type) == (b"abc", "report.txt", "text/plain")
    assert partner_center.FilePart is FilePart
