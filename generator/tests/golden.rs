//! Snapshots of the code generated from the fixture specs in tests/specs (tricky.yaml: schemas;
//! media.yaml: bodies, answers and parameter styles; dates.yaml: dates wherever a spec can put
//! them). A change in output shows up as a diff here; when it is intended, refresh with
//! `UPDATE_SNAPSHOTS=1 cargo test -p generator`.

use std::path::Path;

use generator::{emit, load, model};

#[test]
fn tricky_spec_matches_its_snapshot() {
    matches_snapshot("tricky");
}

#[test]
fn media_spec_matches_its_snapshot() {
    matches_snapshot("media");
}

#[test]
fn dates_spec_matches_its_snapshot() {
    matches_snapshot("dates");
}

fn matches_snapshot(fixture: &str) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests");
    let spec = load::load(
        &dir.join(format!("specs/{fixture}.yaml")),
        &format!("generator/tests/specs/{fixture}.yaml"),
    )
    .unwrap();
    let api = model::build(&spec).unwrap();
    let files = emit::rust::emit_sources(&api).unwrap();
    let update = std::env::var_os("UPDATE_SNAPSHOTS").is_some();
    let mut stale = Vec::new();
    for file in &files {
        let name = file
            .path
            .file_name()
            .unwrap()
            .to_string_lossy()
            .replace(".rs", ".rs.snap");
        let snap = dir.join("snapshots").join(fixture).join(name);
        if update {
            std::fs::create_dir_all(snap.parent().unwrap()).unwrap();
            std::fs::write(&snap, &file.contents).unwrap();
        } else if std::fs::read_to_string(&snap).ok().as_deref() != Some(file.contents.as_str()) {
            stale.push(snap.display().to_string());
        }
    }
    assert!(
        stale.is_empty(),
        "generated code changed; review and refresh with UPDATE_SNAPSHOTS=1: {stale:?}"
    );
}
