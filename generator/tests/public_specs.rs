//! Every spec in ../shared/specs/public and ../shared/specs/more (plus the fixtures and our own
//! spec) becomes a standalone crate through the CLI (`--spec FILE --out DIR --targets rust`), and
//! that crate builds. (tests/any-spec builds the Python and Node packages of two specs too.)
//!
//! Slow (it compiles every generated crate, Box's 1,900 types among them), so it is `#[ignore]`d in a plain `cargo test` and run by `tests/run` with `--ignored`.

use std::path::{Path, PathBuf};
use std::process::Command;

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

fn specs() -> Vec<PathBuf> {
    let root = repo_root();
    let shared = std::env::var_os("PC_SHARED_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("../shared"));
    let mut specs = Vec::new();
    // specs/public: what every build handles; specs/more: real-world specs with forms,
    // multipart uploads, octet-stream and json-patch bodies (box-openapi.json).
    for (folder, at_least) in [("specs/public", 9), ("specs/more", 1)] {
        let dir = shared.join(folder);
        let mut found: Vec<PathBuf> = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| {
                panic!(
                    "{}: {e} (the shared folder sits beside the repository)",
                    dir.display()
                )
            })
            .map(|e| e.unwrap().path())
            .filter(|p| {
                matches!(
                    p.extension().and_then(|e| e.to_str()),
                    Some("yaml" | "json")
                )
            })
            .collect();
        found.sort();
        assert!(
            found.len() >= at_least,
            "expected the specs of {folder}, found {found:?}"
        );
        specs.extend(found);
    }
    specs.push(root.join("generator/tests/specs/tricky.yaml"));
    specs.push(root.join("generator/tests/specs/media.yaml"));
    specs.push(root.join("generator/tests/specs/collisions.yaml"));
    specs.push(root.join("generator/tests/specs/refs.yaml"));
    specs.push(root.join("generator/tests/specs/answers.yaml"));
    specs.push(root.join("generator/tests/specs/dates.yaml"));
    specs.push(root.join("spec/partner-center-customers.yaml"));
    specs
}

#[test]
#[ignore = "slow: builds a crate per spec; run by tests/run"]
fn every_spec_becomes_a_crate_that_builds() {
    let root = repo_root();
    let work = root.join("target/public-specs");
    let mut failures = Vec::new();
    for spec in specs() {
        let stem = spec
            .file_stem()
            .unwrap()
            .to_string_lossy()
            .replace('.', "-");
        let out = work.join("crates").join(&stem);
        let _ = std::fs::remove_dir_all(&out);
        let generated = Command::new(env!("CARGO_BIN_EXE_generator"))
            .args([
                "--spec".as_ref(),
                spec.as_os_str(),
                "--out".as_ref(),
                out.as_os_str(),
            ])
            .args(["--crate", &format!("client-{stem}"), "--targets", "rust"])
            .current_dir(&root)
            .output()
            .unwrap();
        if !generated.status.success() {
            failures.push(format!(
                "{stem}: generator failed:\n{}",
                String::from_utf8_lossy(&generated.stderr)
            ));
            continue;
        }
        // Same dependency versions and profiles as the workspace, so the workspace's target
        // directory already holds every dependency. `cargo rustc -- -D warnings` denies warnings
        // in the generated crate alone: RUSTFLAGS would rebuild them all.
        std::fs::copy(root.join("Cargo.lock"), out.join("Cargo.lock")).unwrap();
        append_workspace_profiles(&out.join("Cargo.toml"));
        let built = Command::new(cargo())
            .args(["rustc", "--lib", "--quiet", "--manifest-path"])
            .arg(out.join("Cargo.toml"))
            .args(["--", "-D", "warnings"])
            .env("CARGO_TARGET_DIR", root.join("target"))
            .current_dir(&root)
            .output()
            .unwrap();
        if !built.status.success() {
            failures.push(format!(
                "{stem}: cargo build failed:\n{}",
                String::from_utf8_lossy(&built.stderr)
            ));
        } else {
            println!("{stem}: builds");
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// The client generated from tests/specs/media.yaml, calling a local server: forms, multipart,
/// raw and vendor-JSON bodies, media-type choices, answers by status and parameter styles, as
/// they arrive on the wire (the checks are tests/wire/media.rs, run inside the generated crate).
#[test]
#[ignore = "slow: builds a generated crate and its tests; run by tests/run"]
fn the_media_client_sends_what_the_spec_says() {
    wire_test("media", "x-media");
}

/// The client generated from tests/specs/dates.yaml, calling a local server: dates in every kind
/// of parameter and body go out as RFC 3339, and answers with dates the service writes loosely
/// (no offset, seven fractional digits) are read (tests/wire/dates.rs).
#[test]
#[ignore = "slow: builds a generated crate and its tests; run by tests/run"]
fn the_dates_client_writes_and_reads_rfc_3339() {
    wire_test("dates", "x-dates");
}

/// Generate `tests/specs/{name}.yaml` as the crate `krate` and run `tests/wire/{name}.rs` in it
/// (with `tests/wire/common.rs`, the recording server).
fn wire_test(name: &str, krate: &str) {
    let root = repo_root();
    let work = root.join("target/public-specs");
    let out = work.join(format!("crates/{name}-wire"));
    let _ = std::fs::remove_dir_all(&out);
    let generated = Command::new(env!("CARGO_BIN_EXE_generator"))
        .arg("--spec")
        .arg(format!("generator/tests/specs/{name}.yaml"))
        .arg("--out")
        .arg(&out)
        .args(["--crate", krate, "--targets", "rust"])
        .current_dir(&root)
        .output()
        .unwrap();
    assert!(
        generated.status.success(),
        "{}",
        String::from_utf8_lossy(&generated.stderr)
    );
    std::fs::copy(root.join("Cargo.lock"), out.join("Cargo.lock")).unwrap();
    let manifest = out.join("Cargo.toml");
    append_workspace_profiles(&manifest);
    let mut toml = std::fs::read_to_string(&manifest).unwrap();
    // `time` for its macros (`datetime!` names `::time`); the same version as the crate's, from
    // the copied Cargo.lock.
    toml.push_str(
        "\n[dev-dependencies]\ntokio = { version = \"1\", features = [\"rt-multi-thread\", \"macros\", \"time\", \"net\", \"signal\", \"sync\", \"io-util\"] }\ntime = { version = \"0.3\", features = [\"macros\"] }\n",
    );
    std::fs::write(&manifest, toml).unwrap();
    std::fs::create_dir_all(out.join("tests/common")).unwrap();
    std::fs::copy(
        root.join("generator/tests/wire/common.rs"),
        out.join("tests/common/mod.rs"),
    )
    .unwrap();
    std::fs::copy(
        root.join(format!("generator/tests/wire/{name}.rs")),
        out.join("tests/wire.rs"),
    )
    .unwrap();
    let tested = Command::new(cargo())
        .args(["test", "--quiet", "--test", "wire", "--manifest-path"])
        .arg(&manifest)
        .env("CARGO_TARGET_DIR", root.join("target"))
        .current_dir(&root)
        .output()
        .unwrap();
    assert!(
        tested.status.success(),
        "{}\n{}",
        String::from_utf8_lossy(&tested.stdout),
        String::from_utf8_lossy(&tested.stderr)
    );
}

/// The cargo that runs this test, so the nested builds use the same toolchain.
fn cargo() -> String {
    std::env::var("CARGO").unwrap_or_else(|_| "cargo".into())
}

/// Appends the workspace manifest's `[profile.*]` sections to a generated crate's manifest: with
/// the same profiles (and Cargo.lock) its dependencies are the ones target/ already holds.
fn append_workspace_profiles(manifest: &Path) {
    let mut toml = std::fs::read_to_string(manifest).unwrap();
    for line in generator::standalone::workspace_profiles() {
        toml.push('\n');
        toml.push_str(line);
    }
    toml.push('\n');
    std::fs::write(manifest, toml).unwrap();
}
