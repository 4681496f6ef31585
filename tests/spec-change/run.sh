#!/usr/bin/env bash
# A spec change, end to end. Copies the workspace, adds an operation with a new schema to the
# copy's spec (add_operation.py; nothing else in the copy is edited), runs the generator there,
# builds the Rust, Python and Node packages and the command line of the copy, and calls the new
# operation from each against server.py, which answers it. Every caller must see the same two services.
#
# Needs the workspace's .venv (PyYAML, maturin) and bindings/node/node_modules (napi CLI): ./tests/run
# installs both first. The copy's compiled dependencies are the workspace's: cargo's build
# directory is the workspace's target/ (the copy's crates have other paths, so other hashes, and
# nothing of the workspace's is rebuilt), while its final binaries go to target/spec-change, so they
# never overwrite the workspace's own.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
PYTHON="${PYTHON:-$ROOT/.venv/bin/python}"
NAPI="$ROOT/bindings/node/node_modules/.bin/napi"
export CARGO_BUILD_BUILD_DIR="$ROOT/target"
export CARGO_TARGET_DIR="$ROOT/target/spec-change"
WORK="$(mktemp -d)"
COPY="$WORK/workspace"
SERVER_PID=""
cleanup() {
  [[ -n "$SERVER_PID" ]] && kill "$SERVER_PID" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT
# Each step says when it starts (seconds into the run), so a slow step shows in CI's log.
say() { printf '\n== [%3ss] %s\n' "$SECONDS" "$*"; }

say "copy the workspace (tracked and untracked-but-not-ignored files)"
mkdir -p "$COPY"
(cd "$ROOT" && git ls-files -z --cached --others --exclude-standard | tar --null -T - -cf -) | tar -xf - -C "$COPY"

say "add listDirectoryRoles and DirectoryRole(Collection) to the copy's spec"
"$PYTHON" "$ROOT/tests/spec-change/add_operation.py" "$COPY/spec/partner-center-customers.yaml"

say "regenerate every client in the copy"
(cd "$COPY" && cargo run -q -p generator)
grep -q "listDirectoryRoles" "$COPY/bindings/rust/src/generated/dispatch.rs"
grep -q "class DirectoryRole(Model)" "$COPY/bindings/python/python/partner_center/_models.py"
grep -q "export interface DirectoryRole " "$COPY/bindings/node/index.d.ts"

say "start a server that answers the new operation"
exec 3< <("$PYTHON" "$ROOT/tests/spec-change/server.py")
SERVER_PID=$!
read -r first <&3
BASE="${first#listening on }"
[[ "$BASE" == http://127.0.0.1:* ]] || { echo "server did not start: $first" >&2; exit 1; }
CUSTOMER="3b33e682-00c3-41ee-9dd2-a548adf56438"
EXPECTED="Global Administrator,User Administrator"

say "Rust: a crate outside the copy that depends on the copy's client"
mkdir -p "$WORK/rust-caller/src"
cat > "$WORK/rust-caller/Cargo.toml" <<TOML
[package]
name = "rust-caller"
version = "0.1.0"
edition = "2024"
publish = false

[dependencies]
# With the feature the command line needs too, so the copy's client is compiled once for both.
partner-center = { path = "$COPY/bindings/rust", features = ["bridge"] }
tokio = { version = "1", features = ["macros", "rt-multi-thread"] }

[workspace]
TOML
# The workspace's profiles and lock: the caller's dependencies are the ones target/ already holds.
awk '/^\[/ { p = /^\[profile\./ } p' "$ROOT/Cargo.toml" >> "$WORK/rust-caller/Cargo.toml"
cp "$ROOT/Cargo.lock" "$WORK/rust-caller/Cargo.lock"
cat > "$WORK/rust-caller/src/main.rs" <<'RUST'
#[tokio::main]
async fn main() {
    let mut args = std::env::args().skip(1);
    let (base, customer) = (args.next().unwrap(), args.next().unwrap());
    let client = partner_center::Client::builder().base_url(base).token("spec-change").build().unwrap();
    let roles = client.customers().list_directory_roles(customer.parse().unwrap()).await.unwrap();
    let names: Vec<String> = roles.items.into_iter().filter_map(|s| s.name).collect();
    println!("{}", names.join(","));
}
RUST
got_rust="$(cd "$ROOT" && cargo run -q --manifest-path "$WORK/rust-caller/Cargo.toml" -- "$BASE" "$CUSTOMER")"
echo "rust: $got_rust"

say "Python: the copy's wheel in a fresh venv"
(cd "$COPY/bindings/python" && "$ROOT/.venv/bin/maturin" build --quiet --out "$WORK/wheels")
"$PYTHON" -m venv "$WORK/venv"
"$WORK/venv/bin/python" -m pip install -q --disable-pip-version-check "$WORK"/wheels/*.whl
got_python="$("$WORK/venv/bin/python" - "$BASE" "$CUSTOMER" <<'PY'
import sys

import partner_center as pc

client = pc.Client(token="spec-change", base_url=sys.argv[1])
roles = client.customers.list_directory_roles(sys.argv[2])
assert isinstance(roles, pc.DirectoryRoleCollection), type(roles)
print(",".join(s.name or "" for s in roles.items))
PY
)"
echo "python: $got_python"

say "Node: the copy's addon"
# A debug build: what is proved is that the generated code compiles and answers, and a release
# build here would compile every dependency again with fat LTO (the workspace's release addons
# are cross-compiled through zig, so none of theirs is reused): minutes of CI for nothing.
(cd "$COPY/bindings/node" && "$NAPI" build --platform --js native.js --dts native.d.ts >/dev/null)
got_node="$(node -e '
const { Client } = require(process.argv[1])
new Client({ token: "spec-change", baseUrl: process.argv[2] })
  .customers.listDirectoryRoles(process.argv[3])
  .then((r) => console.log(r.items.map((s) => s.name).join(",")))
  .catch((e) => { console.error(e); process.exit(1) })
' "$COPY/bindings/node" "$BASE" "$CUSTOMER")"
echo "node: $got_node"

say "command line: the copy's partner-center, whose new subcommand comes from the table"
got_cli="$(cd "$COPY" && cargo run -q -p partner-center-cli -- customers list-directory-roles \
  --customer-tenant-id "$CUSTOMER" --base-url "$BASE" --token spec-change --output json \
  | "$PYTHON" -c 'import json, sys; print(",".join(json.loads(line)["name"] for line in sys.stdin))')"
echo "cli: $got_cli"

for got in "$got_rust" "$got_python" "$got_node" "$got_cli"; do
  if [[ "$got" != "$EXPECTED" ]]; then
    echo "spec-change: expected '$EXPECTED' from every language, got rust='$got_rust' python='$got_python' node='$got_node' cli='$got_cli'" >&2
    exit 1
  fi
done
say "done"
echo "spec-change: the new operation works from Rust, Python, Node and the command line"
