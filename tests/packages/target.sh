# Sourced by wheels.sh and addons.sh: make sure the Rust standard library for a target is installed.
# rustup fetches it from static.rust-lang.org once. A machine that cannot reach it cannot build for
# another architecture at all: say so loudly and let the caller skip that target, rather than
# failing the builds that can be made (the host's own target is always there).
ensure_target() {
  local target="$1"
  rustup target list --installed | grep -qx "$target" && return 0
  if rustup target add "$target"; then return 0; fi
  echo "SKIPPED $target: rustup could not fetch its standard library (no access to static.rust-lang.org?)" >&2
  return 1
}
