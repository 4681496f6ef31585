#!/usr/bin/env python3
"""The READMEs PyPI and npm show: no relative link or image, which would be broken on the registry's
page (it renders the README away from the repository). Absolute (https://...) links and in-page
anchors (#...) are fine. Exit 1 naming each file:line and link.

    python tests/packages/readmes.py
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# The README each registry renders: the wheel's (pyproject `readme`), the npm packages'.
READMES = [
    ROOT / "bindings" / "python" / "README.md",
    ROOT / "bindings" / "node" / "README.md",
    *sorted((ROOT / "bindings" / "node" / "npm").glob("*/README.md")),
]
# [text](target) and ![alt](target), and reference definitions `[label]: target`.
LINK = re.compile(r"!?\[[^\]]*\]\(\s*<?([^)\s>]+)|^\s*\[[^\]]+\]:\s*<?(\S+?)>?\s*$", re.MULTILINE)


def relative_links(text: str) -> list[tuple[int, str]]:
    found = []
    for match in LINK.finditer(text):
        target = match.group(1) or match.group(2)
        if re.match(r"^[a-z][a-z0-9+.-]*:", target, re.IGNORECASE) or target.startswith("#"):
            continue
        found.append((text.count("\n", 0, match.start()) + 1, target))
    return found


def main() -> int:
    problems = [
        f"{path.relative_to(ROOT)}:{line}: relative link {target!r} (broken on the registry's page)"
        for path in READMES
        for line, target in relative_links(path.read_text())
    ]
    for problem in problems:
        print(problem, file=sys.stderr)
    if not problems:
        print(f"{len(READMES)} package READMEs, no relative links")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
