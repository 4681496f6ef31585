#!/usr/bin/env bash
# Generates the `opc-sync` / `opc-async` peer: a client made by openapi-python-client from our spec.
#
#   bench/python/generate_opc.sh [DIR]      (default DIR: target/bench/opc, git-ignored)
#
# writes the package DIR/partner_center_opc; pass `--opc-path DIR` to load.py to import it. Uses the
# openapi-python-client of the repository's .venv (bench/requirements.txt), or of $PYTHON's
# environment when PYTHON is set.
#
# What it does with our spec (openapi-python-client 0.29): it generates every operation with no
# warning, and getCustomer/createCustomer work unchanged. Its known gaps, none on the benchmark's path:
#   - header parameters declared `format: uuid` (MS-RequestId, MS-CorrelationId) are typed `UUID`
#     but copied into the httpx headers as they are, so passing a `uuid.UUID` fails in httpx
#     ("Header value must be str or bytes"); pass the text form (load.py does);
#   - enums become closed `StrEnum`s: an unknown `relationshipToPartner` (our enums are open)
#     raises ValueError while decoding the response;
#   - removeResellerRelationship's body (`allOf: [Customer]` plus an `anyOf` constraint) is typed
#     as the anyOf branch alone (`CustomerRelationshipUpdateType0`, only `relationshipToPartner`);
#   - errors are returned, not raised (`ErrorResponse | ThrottleResponse | None` beside the model),
#     and nothing of x-pc-* (request ids, retries, paging, If-Match, secrets) is implemented;
#   - the generated code imports `typing.Self`: Python >= 3.11.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
out="${1:-$root/target/bench/opc}"
python="${PYTHON:-$root/.venv/bin/python}"

mkdir -p "$out"
# Its post-generation hooks run `ruff` from PATH (it only warns without it): use the environment's.
PATH="$(dirname "$python"):$PATH" "$python" -m openapi_python_client generate \
    --path "$root/spec/partner-center-customers.yaml" \
    --output-path "$out/partner_center_opc" \
    --meta none \
    --overwrite
