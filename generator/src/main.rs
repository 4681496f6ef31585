//! `cargo run -p generator [-- --check | --spec FILE [--out DIR [--targets LIST] [--crate NAME]]]`
//!
//! Exit codes: 0 done (or up to date), 1 `--check` found stale files, 2 bad spec or bad usage.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use generator::error::GenError;
use generator::standalone::{self, Names, Target};
use generator::targets;

/// mimalloc rather than the system allocator: on a large spec the run is millions of small
/// short-lived allocations (token streams, syn trees, JSON values), and glibc's malloc and free
/// were about a third of its cycles (bench/generator/README.md, "Issue 17").
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

// mimalloc's C API (linked in by the `mimalloc` crate), for the one option set below.
unsafe extern "C" {
    fn mi_option_set(option: std::ffi::c_int, value: std::ffi::c_long);
}
/// `mi_option_purge_delay` in mimalloc v2's `mi_option_e` (include/mimalloc.h; the crate's
/// `v2` feature pins that line).
const MI_OPTION_PURGE_DELAY: std::ffi::c_int = 15;

/// Never hand freed memory back to the OS during the run (mimalloc's default is 10 ms after it
/// is freed). The run is short and exits without freeing; each purge is an `madvise` that, with
/// several threads, interrupts every core to flush its TLB and then faults the pages in again
/// when they are reused. On the synthetic spec on a busy machine that was 0.5-1 s of system time
/// (together with `no_thp`: huge pages split by those purges); the peak grows by ~140 MB.
fn tune_allocator() {
    // SAFETY: sets a plain integer option; mimalloc reads it when it next considers a purge.
    unsafe { mi_option_set(MI_OPTION_PURGE_DELAY, -1) };
}

const USAGE: &str = "\
Generate the Rust, Python and Node.js clients from the OpenAPI spec.

Usage:
  cargo run -p generator                            rewrite every generated file of the workspace from spec/
  cargo run -p generator -- --check                 write nothing; exit 1 listing stale generated files
  cargo run -p generator -- --spec FILE --out DIR   write the clients of any OpenAPI 3.0 spec into DIR
  cargo run -p generator -- --spec FILE [--check]   regenerate (or check) the workspace from another spec

Options:
  --check          compare instead of writing
  --spec FILE      the OpenAPI 3.0 document (YAML or JSON); default spec/partner-center-customers.yaml
  --out DIR        with --spec: write the clients into DIR, outside this workspace
  --targets LIST   with --out: which clients, comma-separated from rust, python, node (default: all).
                   `rust` alone: one standalone crate at DIR. Otherwise a Cargo workspace: DIR/rust
                   (the crate), DIR/python (a maturin project: `maturin build` in it makes the
                   wheel) and DIR/node (an npm package: `napi build --platform` in it makes the
                   addon); their native code is this repository's, used by path
  --crate NAME     with --out: the crate's name, also the Python distribution and npm package
                   (import name: NAME with `_` for `-`); default: from the spec's title
  -h, --help       this text
";

struct Args {
    check: bool,
    spec: Option<PathBuf>,
    out: Option<PathBuf>,
    crate_name: Option<String>,
    targets: Vec<Target>,
}

fn parse_args() -> Result<Option<Args>, String> {
    let mut args = Args {
        check: false,
        spec: None,
        out: None,
        crate_name: None,
        targets: Target::ALL.to_vec(),
    };
    let mut targets_given = false;
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        let mut value = |flag: &str| it.next().ok_or_else(|| format!("{flag} needs a value"));
        match arg.as_str() {
            "-h" | "--help" => return Ok(None),
            "--check" => args.check = true,
            "--spec" => args.spec = Some(PathBuf::from(value("--spec")?)),
            "--out" => args.out = Some(PathBuf::from(value("--out")?)),
            "--crate" => args.crate_name = Some(value("--crate")?),
            "--targets" => {
                args.targets = standalone::parse_targets(&value("--targets")?)?;
                targets_given = true;
            }
            other => return Err(format!("unknown argument `{other}`")),
        }
    }
    if args.out.is_some() && args.spec.is_none() {
        return Err("--out needs --spec".to_string());
    }
    if args.crate_name.is_some() && args.out.is_none() {
        return Err("--crate needs --out".to_string());
    }
    if targets_given && args.out.is_none() {
        return Err("--targets needs --out".to_string());
    }
    Ok(Some(args))
}

fn main() -> ExitCode {
    tune_allocator();
    let args = match parse_args() {
        Ok(Some(args)) => args,
        Ok(None) => {
            print!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(message) => {
            eprintln!("error: {message}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    match run(&args) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}

/// The workspace root: the nearest directory up from here that has the spec, else the one
/// this binary was built in.
fn workspace_root() -> PathBuf {
    let start = std::env::current_dir().unwrap_or_default();
    for dir in start.ancestors() {
        if dir.join(targets::SPEC).is_file() {
            return dir.to_path_buf();
        }
    }
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or(start)
}

fn run(args: &Args) -> Result<ExitCode, GenError> {
    let root = workspace_root();
    let (spec_path, spec_name) = match &args.spec {
        Some(path) => (path.clone(), path.display().to_string()),
        None => (root.join(targets::SPEC), targets::SPEC.to_string()),
    };
    let (spec, api) = generator::load_and_build(&spec_path, &spec_name)?;
    // The emitters read only the model. Freeing the document now (the JSON value and the typed
    // one: most of the memory so far) lets them reuse its memory: fresh pages cost more to fault
    // in than the frees (synthetic spec: peak 407 -> 247 MB, less system time).
    drop(spec);
    let counts = api.counts();

    let outputs = match &args.out {
        Some(dir) => {
            let crate_name = args
                .crate_name
                .clone()
                .unwrap_or_else(|| standalone::default_crate_name(&api.title));
            let names = Names::new(&crate_name).map_err(|m| GenError::io("", m))?;
            standalone::outputs(&api, &root, dir, &names, &args.targets)?
        }
        None => targets::workspace_targets(&api, &root)?,
    };

    let mut stale = Vec::new();
    for target in &outputs {
        let shown = target
            .root
            .strip_prefix(&root)
            .unwrap_or(&target.root)
            .display()
            .to_string();
        if args.check {
            let outcome = target.check();
            println!(
                "{}: {} files ({} stale), {} operations, {} types in {shown}",
                target.name,
                target.files.len(),
                outcome.stale.len(),
                counts.operations,
                counts.types
            );
            stale.extend(outcome.stale);
        } else {
            let outcome = target.write()?;
            println!(
                "{}: {} files ({} written, {} unchanged), {} operations, {} types in {shown}",
                target.name,
                target.files.len(),
                outcome.written.len(),
                outcome.unchanged,
                counts.operations,
                counts.types
            );
        }
    }
    // The process ends right after this: freeing the model and the outputs one allocation at a
    // time (millions of them for a large spec) would only delay the exit, and the OS takes the
    // memory back at once.
    std::mem::forget(outputs);
    std::mem::forget(api);
    if stale.is_empty() {
        return Ok(ExitCode::SUCCESS);
    }
    eprintln!("stale generated files (run `cargo run -p generator`):");
    for path in &stale {
        eprintln!("  {}", path.strip_prefix(&root).unwrap_or(path).display());
    }
    Ok(ExitCode::from(1))
}
