#!/usr/bin/env bash
# Validate spec/partner-center-customers.yaml with the two independent validators:
#   1. openapi-spec-validator (PyPI), from the venv python ($PYTHON, default <repo>/.venv/bin/python)
#   2. @redocly/cli lint (npm, version pinned in tests/tools/package.json), config spec/redocly.yaml
# Set up once:  python3 -m venv .venv && .venv/bin/pip install -r tests/tools/requirements.txt
#               (cd tests/tools && npm ci)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
SPEC="$ROOT/spec/partner-center-customers.yaml"
PYTHON="${PYTHON:-$ROOT/.venv/bin/python}"
REDOCLY="${REDOCLY:-$ROOT/tests/tools/node_modules/.bin/redocly}"

if [ ! -x "$PYTHON" ]; then
  echo "lint.sh: no python at $PYTHON (create the venv, or set PYTHON)" >&2
  exit 2
fi
if [ ! -x "$REDOCLY" ]; then
  echo "lint.sh: no redocly at $REDOCLY (run: cd tests/tools && npm ci)" >&2
  exit 2
fi

echo "== openapi-spec-validator"
"$PYTHON" -m openapi_spec_validator "$SPEC"

echo "== redocly lint"
# No telemetry or update checks: CI has no network beyond the package registries.
export REDOCLY_TELEMETRY=off
export REDOCLY_SUPPRESS_UPDATE_NOTICE=true
out="$("$REDOCLY" lint --config "$ROOT/spec/redocly.yaml" --format=stylish "$SPEC" 2>&1)" || {
  echo "$out"
  echo "lint.sh: redocly reported errors" >&2
  exit 1
}
echo "$out" | grep -v -e '[║╔╚]' -e '^\s*$' || true
if echo "$out" | grep -Eq '[0-9]+ warnings?'; then
  echo "lint.sh: redocly reported warnings (keep the spec at zero problems)" >&2
  exit 1
fi
echo "lint.sh: both validators passed"
