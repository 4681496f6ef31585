#!/usr/bin/env bash
# Runs schemathesis (`st run`) against the emulator with the project's OpenAPI spec.
# Builds the emulator, starts it on a free port, runs st, stops it, exits with st's status.
#
# Usage: tests/sandbox/schemathesis.sh [extra st run arguments...]
# Env:   ST      path to the st executable (default: .venv/bin/st, else st on PATH)
#        MAX_EXAMPLES (default 20)
#
# Why these options (see tests/sandbox/README.md, "Schemathesis"):
#  * --token test: by default the emulator accepts any bearer token; with --token only
#    "test" is valid, so st's ignored_auth check (wrong token must be refused) is meaningful.
#  * --throttle-per-minute 0 and a large --quota: st sends thousands of requests and
#    creates hundreds of customers; throttling and the sandbox quota are tested in the
#    Rust suite, here they would only turn st's cases into 429/800018 noise.
#  * --exclude-checks positive_data_acceptance: the emulator, like the service, rejects
#    schema-valid but semantically invalid input that a schema cannot describe: opaque
#    continuation tokens that it did not issue (the spec's example token), ISO codes that
#    are not countries ("AA"), cultures/languages/e-mail/domains of the wrong form ("0"),
#    PATCH relationshipToPartner values other than "none", stale etags (412).
#  * --exclude-checks negative_data_rejection: Partner Center ignores null members in
#    request bodies (the .NET SDK sends nulls everywhere, seeds 000/001/004), so the
#    emulator deliberately accepts e.g. "phoneNumber": null, which the schema types as a
#    non-null string.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"

ST="${ST:-}"
if [[ -z "$ST" ]]; then
  if [[ -x "$ROOT/.venv/bin/st" ]]; then ST="$ROOT/.venv/bin/st"; else ST="st"; fi
fi
SPEC="$ROOT/spec/partner-center-customers.yaml"
TOKEN="test"

# The executable path as cargo reports it (works with any target dir / target triple).
BIN="$(cargo build -q -p sandbox --bin sandbox --message-format=json | python3 -c '
import json, sys
for line in sys.stdin:
    try:
        m = json.loads(line)
    except ValueError:
        continue
    if m.get("reason") == "compiler-artifact" and m.get("executable") and m["target"]["name"] == "sandbox":
        print(m["executable"])
')"
if [[ -z "$BIN" ]]; then
  echo "schemathesis.sh: cannot find the built sandbox binary" >&2
  exit 2
fi

OUT="$(mktemp)"
LOG="$(mktemp)"
"$BIN" --port 0 --quiet --token "$TOKEN" --throttle-per-minute 0 --quota 1000000 >"$OUT" 2>"$LOG" &
PID=$!
cleanup() {
  kill -TERM "$PID" 2>/dev/null || true
  wait "$PID" 2>/dev/null || true
  rm -f "$OUT" "$LOG"
}
trap cleanup EXIT

URL=""
for _ in $(seq 1 100); do
  if [[ -s "$OUT" ]]; then
    URL="$(head -1 "$OUT" | sed -n 's/^listening on //p')"
    [[ -n "$URL" ]] && break
  fi
  if ! kill -0 "$PID" 2>/dev/null; then break; fi
  sleep 0.1
done
if [[ -z "$URL" ]]; then
  echo "schemathesis.sh: the emulator did not start" >&2
  cat "$LOG" >&2
  exit 2
fi
echo "emulator at $URL"

set +e
"$ST" run "$SPEC" \
  --url "$URL" \
  -H "Authorization: Bearer $TOKEN" \
  --max-examples "${MAX_EXAMPLES:-20}" \
  --exclude-checks positive_data_acceptance,negative_data_rejection \
  "$@"
STATUS=$?
set -e
exit "$STATUS"
