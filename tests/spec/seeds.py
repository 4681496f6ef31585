"""Extract the HTTP request/response examples of the seed documents (shared/seeds/*.txt).

A seed is a Markdown document. Every fenced code block whose first line is an HTTP request line
(``POST https://... HTTP/1.1``) or a status line (``HTTP/1.1 201 Created``) is an example; its JSON
body starts after the first blank line. Bodies that are not valid JSON only because of trailing
commas (seed 002) are parsed after removing those commas, and flagged as corrected.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]

_FENCE = re.compile(r"^```[^\n]*\n(.*?)^```", re.DOTALL | re.MULTILINE)
_REQUEST_LINE = re.compile(r"^(GET|POST|PUT|PATCH|DELETE|HEAD)\s+(\S+)\s+HTTP/1\.1$")
_STATUS_LINE = re.compile(r"^HTTP/1\.1\s+(\d{3})\b")
_TRAILING_COMMA = re.compile(r",(\s*[}\]])")


@dataclass(frozen=True)
class SeedExample:
    seed: str  # file name, e.g. "000_93cd8aa8a8ccb659.txt"
    kind: str  # "request" or "response"
    method: str | None  # request method
    path: str | None  # request path (without scheme and host)
    status: int | None  # response status
    body: object  # parsed JSON, None when the message has no body
    corrected: bool  # trailing commas had to be removed
    request: SeedExample | None = (
        None  # for a response: the request shown before it in the same seed
    )

    @property
    def has_body(self) -> bool:
        return self.body is not None

    @property
    def key(self) -> str:
        return f"{self.seed[:3]}-{self.kind}"


def shared_dir() -> Path:
    """shared/ beside the repository (CI layout), or $PC_SHARED_DIR."""
    env = os.environ.get("PC_SHARED_DIR")
    return Path(env) if env else REPO_ROOT.parent / "shared"


def seeds_dir() -> Path:
    return shared_dir() / "seeds"


def parse_seed(path: Path) -> list[SeedExample]:
    text = path.read_text(encoding="utf-8")
    found: list[SeedExample] = []
    for block in _FENCE.findall(text):
        lines = block.replace("\r\n", "\n").split("\n")
        while lines and not lines[0].strip():
            lines.pop(0)
        if not lines:
            continue
        first = lines[0].strip()
        req = _REQUEST_LINE.match(first)
        resp = _STATUS_LINE.match(first)
        if not (req or resp):
            continue
        blank = next(
            (i for i, line in enumerate(lines) if not line.strip()), len(lines)
        )
        raw = "\n".join(lines[blank + 1 :]).strip()
        corrected = False
        body: object = None
        if raw:
            try:
                body = json.loads(raw)
            except json.JSONDecodeError:
                body = json.loads(_TRAILING_COMMA.sub(r"\1", raw))
                corrected = True
        method = path_ = None
        status = None
        if req:
            method = req.group(1)
            path_ = re.sub(r"^https?://[^/]+", "", req.group(2))
        else:
            status = int(resp.group(1))
        previous_request = next(
            (e for e in reversed(found) if e.kind == "request"), None
        )
        found.append(
            SeedExample(
                seed=path.name,
                kind="request" if req else "response",
                method=method,
                path=path_,
                status=status,
                body=body,
                corrected=corrected,
                request=None if req else previous_request,
            )
        )
    return found


def all_seed_examples(directory: Path | None = None) -> list[SeedExample]:
    directory = directory or seeds_dir()
    out: list[SeedExample] = []
    for path in sorted(directory.glob("*.txt")):
        out.extend(parse_seed(path))
    return out
