#!/usr/bin/env bash
# Any spec, three languages. For small specs that are not ours (oai-petstore from
# ../shared/specs/public, without any x-pc-* extension, generator/tests/specs/tricky.yaml, and
# generator/tests/specs/media.yaml for a multipart upload with a file and a form body),
# `generator --spec FILE --out DIR` writes the three-language workspace; then the Python wheel is
# built (maturin) and installed into a throwaway venv, the Node addon is built (napi) and its
# typings checked (tsc), and Rust, Python and Node each call one operation of each spec against
# server.py, which has canned answers. Every language must decode the same answer.
#
# Needs the workspace's .venv (maturin) and bindings/node/node_modules (napi CLI, TypeScript):
# ./tests/run installs both first. Everything goes to target/any-spec (nothing tracked changes);
# builds share the workspace's target directory, and each generated workspace gets a copy of
# Cargo.lock, so dependencies the workspace built are reused.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
PYTHON="${PYTHON:-$ROOT/.venv/bin/python}"
MATURIN="$ROOT/.venv/bin/maturin"
NAPI="$ROOT/bindings/node/node_modules/.bin/napi"
TSC="$ROOT/bindings/node/node_modules/.bin/tsc"
SHARED="${PC_SHARED_DIR:-$ROOT/../shared}"
export CARGO_TARGET_DIR="$ROOT/target"
WORK="$ROOT/target/any-spec"
SERVER_PID=""
cleanup() {
  [[ -n "$SERVER_PID" ]] && kill "$SERVER_PID" 2>/dev/null || true
}
trap cleanup EXIT
say() { printf '\n== %s\n' "$*"; }

rm -rf "$WORK"
mkdir -p "$WORK"
cd "$ROOT"

# name, spec, crate (Python import name: the crate's with `_`)
SPECS=(
  "petstore $SHARED/specs/public/oai-petstore.yaml petstore-client"
  "tricky $ROOT/generator/tests/specs/tricky.yaml tricky-api"
  "media $ROOT/generator/tests/specs/media.yaml media-api"
)

cargo build -q -p generator
GENERATOR="$ROOT/target/$(rustc -vV | sed -n 's/^host: //p')/debug/generator"

for entry in "${SPECS[@]}"; do
  read -r name spec crate <<<"$entry"
  out="$WORK/$name"
  say "$name: generate the workspace (rust, python, node) from $(basename "$spec")"
  "$GENERATOR" --spec "$spec" --out "$out" --crate "$crate"
  "$GENERATOR" --spec "$spec" --out "$out" --crate "$crate" --check >/dev/null
  cp "$ROOT/Cargo.lock" "$out/Cargo.lock"

  say "$name: the Python package passes ruff and pyright --strict, as ours does"
  "$ROOT/.venv/bin/ruff" check --no-cache "$out/python"
  "$ROOT/.venv/bin/pyright" -p "$out/python" --pythonpath "$PYTHON" | tail -n 1 | grep -q "^0 errors"

  say "$name: Python wheel (maturin build)"
  (cd "$out/python" && "$MATURIN" build --quiet --out "$WORK/wheels")

  say "$name: Node addon (napi build) and its typings (tsc --strict)"
  (cd "$out/node" && "$NAPI" build --platform --js native.js --dts native.d.ts >/dev/null)
  "$TSC" --noEmit --strict --target es2022 --module nodenext --moduleResolution nodenext \
    --types node --typeRoots "$ROOT/bindings/node/node_modules/@types" "$out/node/index.d.ts"
done

say "install both wheels into a fresh venv"
"$PYTHON" -m venv "$WORK/venv"
"$WORK/venv/bin/python" -m pip install -q --disable-pip-version-check --no-index --no-deps "$WORK"/wheels/*.whl

say "Rust: a crate that depends on both generated client crates"
mkdir -p "$WORK/rust-caller/src"
cat >"$WORK/rust-caller/Cargo.toml" <<TOML
[package]
name = "any-spec-caller"
version = "0.1.0"
edition = "2024"
publish = false

[dependencies]
petstore-client = { path = "$WORK/petstore/rust" }
tricky-api = { path = "$WORK/tricky/rust" }
media-api = { path = "$WORK/media/rust" }
tokio = { version = "1", features = ["macros", "rt-multi-thread"] }
uuid = "1"

[workspace]
TOML
# The workspace's profiles and lock: the caller's dependencies are the ones target/ already holds.
awk '/^\[/ { p = /^\[profile\./ } p' "$ROOT/Cargo.toml" >> "$WORK/rust-caller/Cargo.toml"
cp "$ROOT/Cargo.lock" "$WORK/rust-caller/Cargo.lock"
cat >"$WORK/rust-caller/src/main.rs" <<'RUST'
#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (spec, base) = (args[0].as_str(), args[1].clone());
    let line = match spec {
        "petstore" => {
            let client = petstore_client::Client::builder().base_url(base).token("any-spec").build().unwrap();
            let pets = client.pets().list_pets().limit(2).await.unwrap();
            let pets: Vec<String> = pets
                .iter()
                .map(|p| format!("{}:{}", p.name, p.tag.as_deref().unwrap_or("-")))
                .collect();
            pets.join(",")
        }
        "tricky" => {
            use tricky_api::time::format_description::well_known::Rfc3339;
            use tricky_api::time::{Date, Month, Time};
            use tricky_api::{Kind, Shape};
            let client = tricky_api::Client::builder().base_url(base).token("any-spec").build().unwrap();
            let id: uuid::Uuid = args[2].parse().unwrap();
            let day = Date::from_calendar_date(2019, Month::August, 26).unwrap();
            let node = client
                .nodes()
                .get_node(id)
                .r#type(Kind::Branch)
                .tags(vec!["a".to_string(), "b".to_string()])
                .since(day.with_time(Time::from_hms(5, 30, 0).unwrap()).assume_utc())
                .day(day)
                .await
                .unwrap();
            let radius = match node.shape {
                Some(Shape::Circle { radius }) => radius,
                _ => -1.0,
            };
            // Written without an offset by the server: UTC.
            let created = node.created.unwrap();
            assert!(created.offset().is_utc());
            let labels = node.labels.unwrap();
            format!(
                "{} {} {} {} {radius} {} {} {} {}",
                node.id.unwrap(),
                node.kind.as_str(),
                node.foo_bar.unwrap(),
                labels["tags"],
                created.format(&Rfc3339).unwrap(),
                node.born.unwrap(),
                labels["since"],
                labels["day"],
            )
        }
        "media" => {
            use media_api::models::{RequestTokenBody, RequestTokenBodyGrantType, UploadFileBody, UploadFileBodyAttributes};
            let client = media_api::Client::builder().base_url(base).token("any-spec").build().unwrap();
            let upload = UploadFileBody {
                attributes: UploadFileBodyAttributes { name: Some("r.bin".into()), parent_id: None },
                file: media_api::FilePart::new(vec![0u8, 1, 2, 255]).file_name("r.bin").content_type("application/x-test"),
                extra: None,
                note: Some("*hi*".into()),
            };
            let file = client.files().upload_file(&upload).await.unwrap();
            let token = RequestTokenBody {
                grant_type: RequestTokenBodyGrantType::ClientCredentials,
                scope: Some(vec!["a b".into(), "c".into()]),
                ids: None,
                filter: None,
                meta: None,
            };
            let token = client.auth().request_token(&token).await.unwrap();
            let note = media_api::models::Note { text: "n".into() };
            let created = client
                .notes()
                .create_note()
                .body(&note)
                .media_type("application/x-www-form-urlencoded")
                .await
                .unwrap();
            let media_api::operations::CreateNoteAnswer::Created(created) = created else {
                panic!("{created:?}")
            };
            let raw = client.notes().put_note_raw().body(vec![0u8, 1, 2, 255]).await.unwrap();
            let media_api::operations::DownloadFileAnswer::Ok(octets) =
                client.files().download_file("f").await.unwrap()
            else {
                panic!("not the 200 answer")
            };
            let hex: String = octets.iter().map(|b| format!("{b:02x}")).collect();
            format!("{}|{}|{}|{raw}|{hex}", file.id.unwrap(), token.access_token.unwrap(), created.id.unwrap())
        }
        other => panic!("unknown spec {other}"),
    };
    println!("{line}");
}
RUST
cargo build -q --manifest-path "$WORK/rust-caller/Cargo.toml"
CALLER="$(find "$CARGO_TARGET_DIR" -maxdepth 3 -path '*/debug/any-spec-caller' -type f -newer "$WORK/rust-caller/src/main.rs" | head -n 1)"

say "start a server with canned answers"
exec 3< <("$PYTHON" "$ROOT/tests/any-spec/server.py")
SERVER_PID=$!
read -r first <&3
BASE="${first#listening on }"
[[ "$BASE" == http://127.0.0.1:* ]] || { echo "server did not start: $first" >&2; exit 1; }
NODE_ID="3b33e682-00c3-41ee-9dd2-a548adf56438"

failed=0
check() {
  local what="$1" expected="$2" got="$3"
  if [[ "$got" == "$expected" ]]; then
    echo "ok   $what: $got"
  else
    echo "FAIL $what: expected '$expected', got '$got'" >&2
    failed=1
  fi
}

say "call one operation of each spec from each language"
expected_petstore="Rex:dog,Tom:-"
# The last four: a date-time the server wrote without an offset (UTC), a date, and the date-time
# and date parameters as the server received them.
expected_tricky="$NODE_ID branch 7 a,b 1.5 2019-08-26T00:00:00Z 2019-08-26 2019-08-26T05:30:00Z 2019-08-26"
expected_media="r.bin:4:application/x-test:r.bin:*hi*|client_credentials:a b,c|form:n|4:application/octet-stream:000102ff|070809"

check "rust petstore" "$expected_petstore" "$("$CALLER" petstore "$BASE")"
check "rust tricky" "$expected_tricky" "$("$CALLER" tricky "$BASE" "$NODE_ID")"
check "rust media" "$expected_media" "$("$CALLER" media "$BASE")"

check "python petstore" "$expected_petstore" "$("$WORK/venv/bin/python" - "$BASE" <<'PY'
import sys

import petstore_client

client = petstore_client.Client(token="any-spec", base_url=sys.argv[1])
pets = client.pets.list_pets(limit=2)
assert all(isinstance(p, petstore_client.Pet) for p in pets), pets
print(",".join(f"{p.name}:{p.tag or '-'}" for p in pets))
PY
)"
check "python tricky" "$expected_tricky" "$("$WORK/venv/bin/python" - "$BASE" "$NODE_ID" <<'PY'
import asyncio
import datetime
import sys

import tricky_api


async def main() -> None:
    async with tricky_api.AsyncClient(token="any-spec", base_url=sys.argv[1]) as client:
        node = await client.nodes.get_node(
            sys.argv[2],
            type=tricky_api.Kind.BRANCH,
            tags=["a", "b"],
            since=datetime.datetime(2019, 8, 26, 5, 30),  # naive: taken as UTC
            day=datetime.date(2019, 8, 26),
        )
    assert isinstance(node, tricky_api.Node), node
    # The date-time the server wrote without an offset is an aware datetime in UTC.
    assert isinstance(node.created, datetime.datetime), node.created
    assert node.created.utcoffset() == datetime.timedelta(0), node.created
    assert type(node.born) is datetime.date, node.born
    created = node.created.isoformat().replace("+00:00", "Z")
    labels = node.labels or {}
    # Errors are the package's own classes: the native module found tricky_api._errors.
    try:
        tricky_api.Client(token="any-spec", base_url=sys.argv[1]).nodes.get_node("not-a-uuid")
    except tricky_api.ValidationError as e:
        assert type(e).__module__ == "tricky_api._errors", type(e).__module__
    else:
        raise AssertionError("no ValidationError")
    print(
        node.id, node.kind, node.foo_bar, labels["tags"], node.shape["radius"],
        created, node.born.isoformat(), labels["since"], labels["day"],
    )


asyncio.run(main())
PY
)"

check "python media" "$expected_media" "$("$WORK/venv/bin/python" - "$BASE" <<'PY'
import sys

import media_api

client = media_api.Client(token="any-spec", base_url=sys.argv[1])
file = media_api.FilePart(b"\x00\x01\x02\xff", "r.bin", "application/x-test")
assert "\\x00" not in repr(file) and "size=4" in repr(file), repr(file)
uploaded = client.files.upload_file({"attributes": {"name": "r.bin"}, "file": file, "note": "*hi*"})
token = client.auth.request_token({"grant_type": "client_credentials", "scope": ["a b", "c"]})
created = client.notes.create_note(body={"text": "n"}, media_type="application/x-www-form-urlencoded")
assert isinstance(created, media_api.File), created  # the 201 answer's type, by its status
raw = client.notes.put_note_raw(body=b"\x00\x01\x02\xff")
octets = client.files.download_file("f")
assert isinstance(octets, bytes), type(octets)
print(f"{uploaded.id}|{token.access_token}|{created.id}|{raw}|{octets.hex()}")
PY
)"

node_call() {
  node - "$@" <<'JS'
const [dir, spec, base, id] = process.argv.slice(2)
const { Client } = require(dir)
const client = new Client({ token: 'any-spec', baseUrl: base })
const line =
  spec === 'petstore'
    ? client.pets.listPets({ limit: 2 }).then((pets) => pets.map((p) => `${p.name}:${p.tag ?? '-'}`).join(','))
    : client.nodes
        // A Date is sent as its ISO text; the answer's dates arrive as RFC 3339 strings, the one
        // the server wrote without an offset with `Z`.
        .getNode(id, { type: 'branch', tags: ['a', 'b'], since: new Date(Date.UTC(2019, 7, 26, 5, 30)), day: '2019-08-26' })
        .then(
          (n) =>
            `${n.id} ${n.kind} ${n.fooBar} ${n.labels.tags} ${n.shape.radius} ` +
            `${n.created} ${n.born} ${n.labels.since} ${n.labels.day}`,
        )
line.then(console.log, (err) => {
  console.error(err)
  process.exit(1)
})
JS
}
check "node petstore" "$expected_petstore" "$(node_call "$WORK/petstore/node" petstore "$BASE")"
check "node tricky" "$expected_tricky" "$(node_call "$WORK/tricky/node" tricky "$BASE" "$NODE_ID")"
check "node media" "$expected_media" "$(node - "$WORK/media/node" "$BASE" <<'JS'
const [dir, base] = process.argv.slice(2)
const { Client, FilePart } = require(dir)
const client = new Client({ token: 'any-spec', baseUrl: base })
const file = new FilePart(Buffer.from([0, 1, 2, 255]), { fileName: 'r.bin', contentType: 'application/x-test' })
if (JSON.stringify({ file }).includes('[0,1,2,255]')) throw new Error('bytes shown as numbers')
async function main() {
  const uploaded = await client.files.uploadFile({ attributes: { name: 'r.bin' }, file, note: '*hi*' })
  const token = await client.auth.requestToken({ grant_type: 'client_credentials', scope: ['a b', 'c'] })
  const created = await client.notes.createNote({ body: { text: 'n' }, mediaType: 'application/x-www-form-urlencoded' })
  const raw = await client.notes.putNoteRaw({ body: new Uint8Array([0, 1, 2, 255]) })
  const octets = await client.files.downloadFile('f')
  if (!(octets instanceof Uint8Array)) throw new Error(`not bytes: ${octets}`)
  console.log(`${uploaded.id}|${token.access_token}|${created.id}|${raw}|${Buffer.from(octets).toString('hex')}`)
}
main().catch((err) => {
  console.error(err)
  process.exit(1)
})
JS
)"

if [[ $failed != 0 ]]; then
  echo "any-spec: the languages disagree (see above)" >&2
  exit 1
fi
echo "any-spec: every spec's client works from Rust, Python and Node"
