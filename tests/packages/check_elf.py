#!/usr/bin/env python3
"""Checks a Linux shared object runs where a package says it does: its machine, and the newest glibc
symbol version it needs (a `.node` addon has no auditwheel; this is that check for npm).

    check_elf.py FILE MACHINE MAX_GLIBC       e.g. check_elf.py addon.node aarch64 2.17

MACHINE is x86_64 or aarch64. Exit 1 naming the file and what is wrong. Uses pyelftools, which
auditwheel brings into .venv.
"""

from __future__ import annotations

import sys

from elftools.elf.elffile import ELFFile
from elftools.elf.gnuversions import GNUVerNeedSection

MACHINES = {"x86_64": "EM_X86_64", "aarch64": "EM_AARCH64"}


def glibc_versions(elf: ELFFile) -> list[tuple[int, ...]]:
    found: list[tuple[int, ...]] = []
    for section in elf.iter_sections():
        if not isinstance(section, GNUVerNeedSection):
            continue
        for _library, auxiliaries in section.iter_versions():
            for aux in auxiliaries:
                name = aux.name
                if name.startswith("GLIBC_") and name[6:7].isdigit():
                    found.append(tuple(int(part) for part in name[6:].split(".")))
    return found


def main() -> int:
    if len(sys.argv) != 4:
        print(__doc__, file=sys.stderr)
        return 2
    path, machine, limit = sys.argv[1], sys.argv[2], tuple(int(p) for p in sys.argv[3].split("."))
    with open(path, "rb") as f:
        elf = ELFFile(f)
        problems = []
        if elf["e_machine"] != MACHINES[machine]:
            problems.append(f"machine {elf['e_machine']}, not {MACHINES[machine]}")
        versions = glibc_versions(elf)
        newest = max(versions, default=())
        if newest > limit:
            problems.append(f"needs glibc {'.'.join(map(str, newest))}, newer than {sys.argv[3]}")
    for problem in problems:
        print(f"{path}: {problem}", file=sys.stderr)
    if not problems:
        print(f"{path}: {machine}, newest glibc symbol {'.'.join(map(str, newest)) or 'none'} (<= {sys.argv[3]})")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
