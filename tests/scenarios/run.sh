#!/usr/bin/env bash
# Runs every scenario in Rust, Python and Node, then prints one table scenario × language.
# Fails unless every scenario passed in all three. Expects what ./tests/run sets up first: the
# Python package installed in .venv (maturin develop) and the Node addon built.
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
REPORTS="$(mktemp -d)"
trap 'rm -rf "$REPORTS"' EXIT

echo "---- Rust"
SCENARIO_REPORT="$REPORTS/rust.json" cargo test -q -p sdk-bridge --test scenarios
echo "---- Python"
SCENARIO_REPORT="$REPORTS/python.json" .venv/bin/python -m pytest -q -s bindings/python/tests/test_scenarios.py
echo "---- Node"
(cd bindings/node && SCENARIO_REPORT="$REPORTS/node.json" node --test tests/scenarios.test.mjs)
echo "---- every scenario in every language"
# The table is the verdict: a runner that crashed before writing its report counts as failing
# every scenario, so the exit codes above need no separate check.
.venv/bin/python tests/scenarios/summary.py "$REPORTS"
