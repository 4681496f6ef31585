//! The Python and JavaScript the generator writes for every spec are valid (compiled by the
//! system `python3` and checked by `node --check`; each skipped where its tool is missing).

use std::process::Command;

use generator::{emit, load, model};

fn specs() -> Vec<std::path::PathBuf> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf();
    let mut specs = vec![
        root.join("generator/tests/specs/tricky.yaml"),
        root.join("spec/partner-center-customers.yaml"),
    ];
    if let Ok(entries) = std::fs::read_dir(root.join("../shared/specs/public")) {
        specs.extend(
            entries
                .flatten()
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|e| e == "yaml" || e == "json")),
        );
    }
    specs
}

#[test]
fn generated_python_compiles_for_every_spec() {
    if Command::new("python3").arg("--version").output().is_err() {
        eprintln!("no python3: skipped");
        return;
    }
    let dir = std::env::temp_dir().join(format!("generator-python-syntax-{}", std::process::id()));
    for (i, path) in specs().iter().enumerate() {
        let api = model::build(&load::load(path, "spec").unwrap()).unwrap();
        for file in emit::python::emit(&api)
            .unwrap()
            .iter()
            .filter(|f| f.path.extension().is_some_and(|e| e == "py"))
        {
            let out = dir.join(i.to_string()).join(file.path.file_name().unwrap());
            std::fs::create_dir_all(out.parent().unwrap()).unwrap();
            std::fs::write(&out, &file.contents).unwrap();
            let compiled = Command::new("python3")
                .args(["-m", "py_compile"])
                .arg(&out)
                .output()
                .unwrap();
            assert!(
                compiled.status.success(),
                "{} → {}: {}",
                path.display(),
                file.path.display(),
                String::from_utf8_lossy(&compiled.stderr)
            );
        }
    }
}

#[test]
fn generated_javascript_parses_for_every_spec() {
    if Command::new("node").arg("--version").output().is_err() {
        eprintln!("no node: skipped");
        return;
    }
    let dir = std::env::temp_dir().join(format!("generator-node-syntax-{}", std::process::id()));
    for (i, path) in specs().iter().enumerate() {
        let api = model::build(&load::load(path, "spec").unwrap()).unwrap();
        for file in emit::node::emit(&api)
            .unwrap()
            .iter()
            .filter(|f| f.path.extension().is_some_and(|e| e == "js" || e == "mjs"))
        {
            let out = dir.join(i.to_string()).join(file.path.file_name().unwrap());
            std::fs::create_dir_all(out.parent().unwrap()).unwrap();
            std::fs::write(&out, &file.contents).unwrap();
            let checked = Command::new("node")
                .arg("--check")
                .arg(&out)
                .output()
                .unwrap();
            assert!(
                checked.status.success(),
                "{} → {}: {}",
                path.display(),
                file.path.display(),
                String::from_utf8_lossy(&checked.stderr)
            );
        }
    }
}
