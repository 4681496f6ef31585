"""Cold start, Python: a fresh process that imports a client, builds it and makes one `get`.

    .venv/bin/python bench/coldstart/coldstart.py --client ours|httpx --base-url URL --token T \\
        --customer-id UUID

ours: the `partner_center` package (what `maturin develop --release` put into .venv); httpx: the
hand-written peer on httpx (bench/python/peers.py `HttpxClient`, decoding into its dataclasses),
the same one the load cells run. bench/run.py times the whole process from the outside (spawn to
exit, so the interpreter's start and shutdown count) and reads its peak RSS; the JSON line this
prints splits the time inside the script, in ms since it started running: {"client", "import_ms",
"build_ms", "get_ms"}. The flags are read by hand: argparse would add its own import to both sides.
"""

from __future__ import annotations

import time

STARTED = time.perf_counter()

# The other imports come after the clock on purpose: they are part of what a script pays for.
import json
import sys
from pathlib import Path

USAGE = "usage: coldstart.py --client ours|httpx --base-url URL --token T --customer-id UUID"
FLAGS = ("--client", "--base-url", "--token", "--customer-id")


def flags(argv: list[str]) -> dict[str, str]:
    if len(argv) % 2:
        sys.exit(USAGE)
    values = dict(zip(argv[::2], argv[1::2], strict=True))
    if sorted(values) != sorted(FLAGS) or values["--client"] not in ("ours", "httpx"):
        sys.exit(USAGE)
    return values


def elapsed_ms() -> float:
    return round((time.perf_counter() - STARTED) * 1000, 1)


def main() -> None:
    f = flags(sys.argv[1:])
    client, base_url, token, customer_id = (f[k] for k in FLAGS)
    if client == "ours":
        import partner_center as pc

        imported = elapsed_ms()
        with pc.Client(token=token, base_url=base_url) as ours:
            built = elapsed_ms()
            ours.customers.get(customer_id)
            got = elapsed_ms()
    else:
        sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "python"))
        import peers

        imported = elapsed_ms()
        peer = peers.HttpxClient(base_url, token, pool_size=1)
        built = elapsed_ms()
        try:
            peer.get_customer(customer_id)
            got = elapsed_ms()
        finally:
            peer.close()
    line = {"client": client, "import_ms": imported, "build_ms": built, "get_ms": got}
    print(json.dumps(line), flush=True)


if __name__ == "__main__":
    main()
