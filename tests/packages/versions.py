#!/usr/bin/env python3
"""One version for every package: the workspace's (`[workspace.package] version` in Cargo.toml).

The crates inherit it (`version.workspace = true`), and so does the wheel (maturin reads the
crate's version). npm has its own manifests, so this checks them against the workspace:

    python tests/packages/versions.py               check; exit 1 naming every file that differs
    python tests/packages/versions.py --sync        write the workspace's version into the npm manifests
    python tests/packages/versions.py --tag v1.2.3  also check a release tag against it

Standard library only: the release workflow runs it before installing anything.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
NODE = ROOT / "bindings" / "node"


def workspace_version() -> str:
    with (ROOT / "Cargo.toml").open("rb") as f:
        return tomllib.load(f)["workspace"]["package"]["version"]


def crates_not_inheriting() -> list[str]:
    """Workspace crates that set a version of their own instead of `version.workspace = true`."""
    with (ROOT / "Cargo.toml").open("rb") as f:
        members = tomllib.load(f)["workspace"]["members"]
    problems = []
    for member in members:
        manifest = ROOT / member / "Cargo.toml"
        with manifest.open("rb") as f:
            version = tomllib.load(f)["package"].get("version")
        if version != {"workspace": True}:
            problems.append(f"{manifest.relative_to(ROOT)}: version is {version!r}, not version.workspace = true")
    return problems


def npm_manifests() -> list[Path]:
    return [NODE / "package.json", *sorted(NODE.glob("npm/*/package.json"))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sync", action="store_true", help="write the workspace version into the npm manifests")
    parser.add_argument("--tag", default="", help="a release tag (v<version>) that must match")
    args = parser.parse_args()

    version = workspace_version()
    problems = crates_not_inheriting()
    pyproject = (ROOT / "bindings" / "python" / "pyproject.toml").read_text()
    if not re.search(r'^dynamic = \[[^\]]*"version"', pyproject, re.MULTILINE):
        problems.append("bindings/python/pyproject.toml: the version must be dynamic (maturin takes the crate's)")
    for path in npm_manifests():
        manifest = json.loads(path.read_text())
        if manifest.get("version") == version:
            continue
        if args.sync:
            manifest["version"] = version
            path.write_text(json.dumps(manifest, indent=2) + "\n")
            print(f"{path.relative_to(ROOT)}: {version}")
        else:
            problems.append(f"{path.relative_to(ROOT)}: version {manifest.get('version')!r}, the workspace {version!r}")
    if args.tag and args.tag != f"v{version}":
        problems.append(f"tag {args.tag!r} is not v{version}, the workspace's version")

    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        print("fix: set [workspace.package] version in Cargo.toml, then run tests/packages/versions.py --sync", file=sys.stderr)
        return 1
    print(f"one version: {version} (crates, wheel, {len(npm_manifests())} npm packages)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
