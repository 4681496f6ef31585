"""Prints scenario × language from the runners' reports; exit 1 unless all passed everywhere.

Usage: summary.py REPORT_DIR   (REPORT_DIR holds rust.json, python.json, node.json)
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import yaml

HERE = Path(__file__).resolve().parent
LANGUAGES = ("rust", "python", "node")


def scenarios() -> list[tuple[str, str]]:
    return [
        (file.name, scenario["name"])
        for file in sorted(HERE.glob("*.yaml"))
        for scenario in yaml.safe_load(file.read_text())["scenarios"]
    ]


def report(directory: Path, language: str) -> dict[tuple[str, str], dict[str, Any]]:
    path = directory / f"{language}.json"
    if not path.exists():
        return {}
    return {(r["file"], r["name"]): r for r in json.loads(path.read_text())["results"]}


def main() -> int:
    directory = Path(sys.argv[1])
    reports = {language: report(directory, language) for language in LANGUAGES}
    expected = scenarios()
    width = max(len(f"{f}: {n}") for f, n in expected)
    print(f"{'scenario':<{width}}  " + "  ".join(f"{lang:<6}" for lang in LANGUAGES))
    failures: list[str] = []
    for key in expected:
        cells = []
        for language in LANGUAGES:
            result = reports[language].get(key)
            if result is None:
                cells.append("absent")
                failures.append(f"{language}: {key[0]}: {key[1]}: not run")
            elif result["passed"]:
                cells.append("ok")
            else:
                cells.append("FAIL")
                failures.append(f"{language}: {key[0]}: {key[1]}: {result['error']}")
        print(f"{key[0] + ': ' + key[1]:<{width}}  " + "  ".join(f"{c:<6}" for c in cells))
    for language in LANGUAGES:
        extra = set(reports[language]) - set(expected)
        failures.extend(f"{language}: {f}: {n}: not a scenario of tests/scenarios" for f, n in sorted(extra))
    everywhere = sum(
        all(reports[lang].get(key, {}).get("passed") for lang in LANGUAGES) for key in expected
    )
    print(f"\nscenarios: {len(expected)}, passed in all three languages: {everywhere}")
    for failure in failures:
        print(f"  {failure}")
    return 0 if not failures and expected else 1


if __name__ == "__main__":
    sys.exit(main())
