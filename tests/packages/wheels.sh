#!/usr/bin/env bash
# The Linux wheels a release ships, built the way .github/workflows/release.yml builds them: one
# abi3 wheel (CPython >= 3.9) per platform, cross-linked with zig (the ziglang package from PyPI)
# against glibc 2.17, so pip takes them on old hosts too (RHEL 7/8, Debian 11, Ubuntu 20.04, Amazon
# Linux 2): manylinux2014 x86_64 and aarch64. Each must earn its tag from `auditwheel show` (PEP 600
# spells manylinux2014 manylinux_2_17). The musllinux wheel is built by the release workflow only:
# auditwheel cannot judge a musl wheel on a glibc host, so here it would be built and never checked.
# Output: target/packages/wheels/<target>/ (ignored by git). Needs .venv from tests/tools/requirements.txt.
#
#   tests/packages/wheels.sh                              both
#   tests/packages/wheels.sh x86_64-unknown-linux-gnu     only the targets named
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
OUT="$ROOT/target/packages/wheels"
# maturin and zig come from the venv; maturin finds zig through `python -m ziglang`.
export PATH="$ROOT/.venv/bin:$PATH" VIRTUAL_ENV="$ROOT/.venv"
# shellcheck source=tests/packages/target.sh
source "$ROOT/tests/packages/target.sh"

# target triple, maturin --compatibility, the tag auditwheel must report
WHEELS=(
  "x86_64-unknown-linux-gnu manylinux2014 manylinux_2_17_x86_64"
  "aarch64-unknown-linux-gnu manylinux2014 manylinux_2_17_aarch64"
)
failed=0
for spec in "${WHEELS[@]}"; do
  read -r target compat tag <<<"$spec"
  if [[ $# -gt 0 && " $* " != *" $target "* ]]; then continue; fi
  rm -rf "${OUT:?}/$target"
  ensure_target "$target" || continue
  echo "---- $target ($compat)"
  (cd "$ROOT/bindings/python" &&
    maturin build --quiet --release --zig --compatibility "$compat" --target "$target" \
      --interpreter python3 --out "$OUT/$target")
  wheel="$(ls "$OUT/$target"/*.whl)"
  shown="$(auditwheel show "$wheel")"
  echo "$shown" | sed -n '1,4p'
  if ! grep -q "\"$tag\"" <<<"$shown"; then
    echo "wheels.sh: auditwheel does not give $(basename "$wheel") the tag $tag" >&2
    failed=1
  fi
  printf '%s: %s bytes\n' "$(basename "$wheel")" "$(stat -c %s "$wheel")"
done
exit $failed
