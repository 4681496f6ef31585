#!/usr/bin/env python3
"""Split a `perf` profile of the generator into its phases (share of samples per phase).

    perf record -F 499 --call-graph dwarf,32768 -o perf.data GENERATOR --spec SPEC
    perf script -i perf.data -F comm,tid,time,ip,sym > perf.txt
    python bench/generator/perf_phases.py perf.txt

The generator needs symbols and line tables for useful stacks, e.g. a profiling build outside the
shared target directory:

    CARGO_PROFILE_RELEASE_DEBUG=line-tables-only cargo build --release -p generator \\
        --target-dir /tmp/generator-prof

A sample belongs to the first phase (outermost frame first) whose pattern matches one of its
frames; inside a phase it is split further when a sub-phase pattern matches.
"""

from __future__ import annotations

import re
import sys
from collections import Counter

# (phase, frame pattern); the outermost matching frame wins. Anchored: generic frames such as
# `collect<...generator::model::Group...>` mention module paths in their type arguments.
PHASES = [
    ("parse (read + YAML/JSON -> serde_json::Value + refs)", r"^generator::load::"),
    ("model build", r"^generator::model::"),
    ("emit rust", r"^generator::emit::rust::"),
    ("emit bridge", r"^generator::emit::bridge::"),
    ("emit python", r"^generator::emit::python::"),
    ("emit node", r"^generator::emit::node::"),
    ("templates (tera)", r"^generator::templates::"),
    ("write files", r"^generator::output::"),
]
# Inside a phase, the innermost-first sub-phase (first match from the outermost frame).
SUB = [
    (
        "syn parse of the token text",
        r"syn::file::parsing|parse2<syn::file::File>|syn::parse::Parser",
    ),
    ("prettyplease::unparse", r"prettyplease::"),
    ("drop syn::File", r"drop_in_place<syn::file::File>"),
    ("tera render", r"tera::"),
    ("quote!/TokenStream building", r"proc_macro2::|quote::"),
    ("YAML parser (serde_norway/libyaml)", r"serde_norway::|unsafe_libyaml"),
    (
        "python client_imports (substring search)",
        r"generator::emit::python::client_imports",
    ),
    ("node secret_paths", r"generator::emit::node::secret_paths"),
    ("x-pc-* check_known walk", r"check_known"),
    ("file I/O", r"std::fs::|vfs_write|vfs_read"),
]


def samples(lines):
    stack: list[str] = []
    for line in lines:
        if not line.strip():
            if stack:
                yield stack
            stack = []
            continue
        if line[0] not in " \t":
            continue  # header line of a sample
        parts = line.strip().split(" ", 1)
        stack.append(parts[1] if len(parts) > 1 else "")
    if stack:
        yield stack


def classify(stack: list[str]) -> tuple[str, str]:
    outer_first = list(reversed(stack))
    phase = None
    start = 0
    for i, frame in enumerate(outer_first):
        for name, pat in PHASES:
            if re.search(pat, frame):
                phase, start = name, i
                break
        if phase:
            break
    if phase is None:
        if any("generator::main" in f for f in stack):
            if any("drop_in_place" in f for f in stack):
                return "teardown (drop)", ""
            return "main (other)", ""
        return "outside main (process start/exit, kernel)", ""
    for frame in outer_first[start:]:
        for name, pat in SUB:
            if re.search(pat, frame):
                return phase, name
    return phase, ""


def main() -> int:
    path = sys.argv[1] if len(sys.argv) > 1 else "-"
    with (
        sys.stdin if path == "-" else open(path, encoding="utf-8", errors="replace")
    ) as f:
        counts: Counter = Counter()
        subs: Counter = Counter()
        total = 0
        for stack in samples(f):
            phase, sub = classify(stack)
            counts[phase] += 1
            subs[(phase, sub)] += 1
            total += 1
    print(f"{total} samples")
    for phase, n in counts.most_common():
        print(f"{100 * n / total:5.1f}%  {phase}")
        for (p, sub), m in sorted(subs.items(), key=lambda kv: -kv[1]):
            if p == phase and sub and m / total >= 0.005:
                print(f"        {100 * m / total:5.1f}%  {sub}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
