"""Dict bodies are typed: ``tests/typing/typed_bodies.py`` passes pyright in strict mode, and each
mistake in it is an error once its ``# pyright: ignore`` comment is gone.

The file marks every line that must be an error with ``# pyright: ignore[<rule>]`` and turns on
``reportUnnecessaryTypeIgnoreComment``: as it is, it passes only if each of those lines is an
error (and nothing else is). A copy without the comments must fail at exactly those lines.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

TYPING = Path(__file__).parent / "typing" / "typed_bodies.py"
IGNORE = re.compile(r"  # pyright: ignore\[\w+\]")
PYRIGHT = shutil.which("pyright", path=str(Path(sys.executable).parent)) or shutil.which("pyright")

pytestmark = pytest.mark.skipif(PYRIGHT is None, reason="pyright is not installed (tests/run installs it)")


def pyright(*files: Path) -> dict[Path, list[dict[str, Any]]]:
    """Pyright's diagnostics for ``files``, checked as the package supports them (Python 3.9)."""
    assert PYRIGHT is not None
    done = subprocess.run(
        [PYRIGHT, "--outputjson", "--pythonpath", sys.executable, "--pythonversion", "3.9", *map(str, files)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    report = json.loads(done.stdout)
    found: dict[Path, list[dict[str, Any]]] = {f.resolve(): [] for f in files}
    for diagnostic in report["generalDiagnostics"]:
        found[Path(diagnostic["file"]).resolve()].append(diagnostic)
    return found


@pytest.fixture(scope="module")
def checked(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """One pyright run over the file as it is and over a copy without its ignore comments."""
    source = TYPING.read_text()
    bare = tmp_path_factory.mktemp("typing") / "typed_bodies.py"
    bare.write_text(IGNORE.sub("", source))
    found = pyright(TYPING, bare)
    return {
        "as_is": found[TYPING.resolve()],
        "bare": found[bare.resolve()],
        # 0-based, as pyright numbers lines.
        "marked": {i for i, line in enumerate(source.splitlines()) if IGNORE.search(line)},
    }


def errors(diagnostics: list[dict[str, Any]]) -> dict[int, str]:
    return {d["range"]["start"]["line"]: d["message"] for d in diagnostics if d["severity"] == "error"}


def test_the_file_passes_pyright_strict(checked: dict[str, Any]) -> None:
    # Right bodies raise nothing; every marked line is an error (else its ignore is unnecessary).
    assert errors(checked["as_is"]) == {}, checked["as_is"]
    assert len(checked["marked"]) >= 6, "the file marks its mistakes"


def test_without_the_ignore_comments_each_mistake_is_an_error_naming_what_is_wrong(checked: dict[str, Any]) -> None:
    found = errors(checked["bare"])
    assert found.keys() == checked["marked"], found
    messages = "\n".join(found.values())
    # Where the dict is declared as the TypedDict, pyright names the misspelt key...
    assert '"associated_partner_idd" is an undefined item in type "NewCustomerDict"' in messages, messages
    # ... and in a call it names the TypedDict the literal does not fit (for a parameter typed
    # `Model | ModelDict` pyright does not say which key).
    assert 'is not assignable to "NewCustomerDict"' in messages, messages
    assert 'is not assignable to "AddressDict"' in messages, messages
    assert 'is not assignable to "CustomerFilterDict"' in messages, messages
