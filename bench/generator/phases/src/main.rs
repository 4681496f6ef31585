//! Wall time of each generator phase on one spec: what `generator --spec SPEC` does (all four
//! workspace targets), split into load, model build, each emitter and the file writes.
//!
//! Usage: generator-phases SPEC [OUT_DIR] [--repeat N]
//! OUT_DIR (default: a fresh directory under the system temp dir) receives the files, laid out as
//! the workspace's `bindings/` tree; it is emptied first so every write is a real write.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use generator::emit::{self, GeneratedFile};
use generator::output::TargetOutput;
use generator::{load, model};

fn time<T>(label: &str, rows: &mut Vec<(String, Duration)>, f: impl FnOnce() -> T) -> T {
    let start = Instant::now();
    let out = f();
    rows.push((label.to_string(), start.elapsed()));
    out
}

fn bytes(files: &[GeneratedFile]) -> usize {
    files.iter().map(|f| f.contents.len()).sum()
}

fn main() {
    let mut args = std::env::args().skip(1);
    let mut spec = None;
    let mut out = None;
    let mut repeat = 1usize;
    while let Some(a) = args.next() {
        match a.as_str() {
            "--repeat" => {
                repeat = args
                    .next()
                    .and_then(|n| n.parse().ok())
                    .expect("--repeat N")
            }
            _ if spec.is_none() => spec = Some(PathBuf::from(a)),
            _ if out.is_none() => out = Some(PathBuf::from(a)),
            _ => panic!("usage: generator-phases SPEC [OUT_DIR] [--repeat N]"),
        }
    }
    let spec = spec.expect("usage: generator-phases SPEC [OUT_DIR] [--repeat N]");
    let out = out.unwrap_or_else(|| {
        std::env::temp_dir().join(format!("generator-phases-{}", std::process::id()))
    });
    for round in 0..repeat {
        let _ = std::fs::remove_dir_all(&out);
        run(&spec, &out, round);
    }
}

fn run(spec: &Path, out: &Path, round: usize) {
    let mut rows = Vec::new();
    let total = Instant::now();
    let name = spec.display().to_string();
    let loaded = time("load (read + parse + refs)", &mut rows, || {
        load::load(spec, &name)
    })
    .expect("load");
    let api = time("model build", &mut rows, || model::build(&loaded)).expect("model");
    let rust = time("emit rust (quote + syn + prettyplease)", &mut rows, || {
        emit::rust::emit_sources(&api)
    })
    .expect("rust");
    // The dispatch module alone (emit rust above includes it: this row shows its share).
    let bridge = time("emit bridge (dispatch)", &mut rows, || {
        emit::bridge::emit_sources(&api)
    })
    .expect("bridge");
    let node = time("emit node", &mut rows, || emit::node::emit(&api)).expect("node");
    let python = time("emit python", &mut rows, || emit::python::emit(&api)).expect("python");
    let sizes = [
        ("rust", bytes(&rust)),
        ("bridge", bytes(&bridge)),
        ("node", bytes(&node)),
        ("python", bytes(&python)),
    ];
    let targets = [
        (
            "rust",
            "bindings/rust",
            rust,
            vec![PathBuf::from("src/generated")],
        ),
        ("bridge", "bindings/rust", bridge, Vec::new()),
        ("node", "bindings/node", node, Vec::new()),
        ("python", "bindings/python", python, Vec::new()),
    ]
    .map(|(name, dir, files, owned_dirs)| TargetOutput {
        name: name.to_string(),
        root: out.join(dir),
        files,
        owned_dirs,
    });
    time("write files", &mut rows, || {
        for t in &targets {
            t.write().expect("write");
        }
    });
    time("drop (free model and files)", &mut rows, || {
        drop(targets);
        drop(api);
        drop(loaded);
    });
    let total = total.elapsed();
    println!(
        "round {round}: {} — total {:.3} s",
        spec.display(),
        total.as_secs_f64()
    );
    for (label, d) in &rows {
        println!(
            "  {:>7.3} s  {:>5.1}%  {label}",
            d.as_secs_f64(),
            100.0 * d.as_secs_f64() / total.as_secs_f64()
        );
    }
    let sizes: Vec<String> = sizes
        .iter()
        .map(|(n, b)| format!("{n} {:.1} MB", *b as f64 / 1e6))
        .collect();
    println!("  output: {}", sizes.join(", "));
}
