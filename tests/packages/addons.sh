#!/usr/bin/env bash
# The Linux Node addons a release ships, built the way .github/workflows/release.yml builds them:
# napi-rs's `--cross-compile` (cargo-zigbuild with zig, both from PyPI) pinned to glibc 2.17, so
# the addon loads on the same old hosts as the manylinux2014 wheels:
#   partner-center.linux-x64-gnu.node and partner-center.linux-arm64-gnu.node in bindings/node/
# (ignored by git; the x64 one is what the Node tests load). Then checks each one's machine and
# newest glibc symbol. Installs the package's npm tools from the committed lock first (`npm ci`).
#
#   tests/packages/addons.sh                    both
#   tests/packages/addons.sh linux-x64-gnu      only the platforms named
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
# cargo-zigbuild and zig come from the venv.
export PATH="$ROOT/.venv/bin:$PATH"
# shellcheck source=tests/packages/target.sh
source "$ROOT/tests/packages/target.sh"
cd "$ROOT/bindings/node"
npm ci --no-audit --no-fund --loglevel=error

if [[ "$(uname -s)" != Linux ]]; then
  # Elsewhere (a macOS or Windows developer machine) the tests need this host's own addon; the
  # release workflow builds those platforms' published addons on their own runners.
  echo "---- $(uname -s): this host's addon"
  exec npx napi build --platform --release --js native.js --dts native.d.ts
fi

# napi platform, Rust target, ELF machine
ADDONS=(
  "linux-x64-gnu x86_64-unknown-linux-gnu x86_64"
  "linux-arm64-gnu aarch64-unknown-linux-gnu aarch64"
)
for spec in "${ADDONS[@]}"; do
  read -r platform target machine <<<"$spec"
  if [[ $# -gt 0 && " $* " != *" $platform "* ]]; then continue; fi
  ensure_target "$target" || continue
  echo "---- $platform"
  # The `.2.17` suffix is zig's glibc pin; cargo still builds (and napi names) the plain triple.
  npx napi build --platform --release --js native.js --dts native.d.ts \
    --cross-compile --target "$target.2.17"
  "$ROOT/.venv/bin/python" "$ROOT/tests/packages/check_elf.py" "partner-center.$platform.node" "$machine" 2.17
  printf 'partner-center.%s.node: %s bytes\n' "$platform" "$(stat -c %s "partner-center.$platform.node")"
done
