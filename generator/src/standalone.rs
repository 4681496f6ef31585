//! Clients for any spec outside this workspace: `--spec FILE --out DIR [--targets ...]`.
//!
//! `--targets rust` writes one standalone crate at DIR (a workspace of its own). Any other
//! choice writes a workspace: DIR/Cargo.toml, the client crate in DIR/rust, and for Python and
//! Node a package each (DIR/python, DIR/node) whose native crate compiles this repository's
//! hand-written glue (`bindings/python/src`, `bindings/node/src`) by path, with the spec's client
//! crate in the place of ours. The packages' hand-written runtime files (Python's `_base.py`...,
//! Node's `lib/`) are compiled into the generator and written out with the generated ones, so a
//! package is complete without this repository's Python or JavaScript sources.

use std::path::{Path, PathBuf};

use serde_json::{Map, Value, json};

use crate::emit::{self, GeneratedFile, header_lines};
use crate::error::GenError;
use crate::model::Api;
use crate::output::TargetOutput;
use crate::{parallel, templates};

/// What `--targets` can name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Target {
    Rust,
    Python,
    Node,
}

impl Target {
    pub const ALL: [Target; 3] = [Target::Rust, Target::Python, Target::Node];

    pub fn name(self) -> &'static str {
        match self {
            Target::Rust => "rust",
            Target::Python => "python",
            Target::Node => "node",
        }
    }
}

/// `rust,python,node` (any order, any subset, no repeats) → the targets in that order.
pub fn parse_targets(list: &str) -> Result<Vec<Target>, String> {
    let mut targets = Vec::new();
    for name in list.split(',').map(str::trim) {
        let target = Target::ALL
            .into_iter()
            .find(|t| t.name() == name)
            .ok_or_else(|| {
                format!("unknown target `{name}` in --targets: expected rust, python or node")
            })?;
        if targets.contains(&target) {
            return Err(format!("--targets names `{name}` twice"));
        }
        targets.push(target);
    }
    Ok(targets)
}

/// `Partner Center Customers API` → `partner-center-customers-api`.
pub fn default_crate_name(title: &str) -> String {
    let name: String = title
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    let name = name
        .split('-')
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join("-");
    match name.chars().next() {
        Some(c) if c.is_ascii_alphabetic() => name,
        _ => format!("api-{name}"),
    }
}

/// Python's keywords: none can name a package.
const PYTHON_KEYWORDS: &[&str] = &[
    "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class", "continue",
    "def", "del", "elif", "else", "except", "finally", "for", "from", "global", "if", "import",
    "in", "is", "lambda", "nonlocal", "not", "or", "pass", "raise", "return", "try", "while",
    "with", "yield",
];

/// The names of one spec's packages, all from the crate name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Names {
    /// The Rust crate (`box-api`); also the Python distribution's name.
    pub crate_name: String,
    /// The Python import name (`box_api`).
    pub python_package: String,
    /// The npm package (`box-api`), also the addon's binary name.
    pub npm_package: String,
}

impl Names {
    /// The names for a crate name: ASCII letters, digits, `-` and `_`, starting with a letter.
    pub fn new(crate_name: &str) -> Result<Names, String> {
        let valid = crate_name
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic())
            && crate_name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
        if !valid {
            return Err(format!(
                "--crate `{crate_name}`: a name is ASCII letters, digits, `-` and `_`, starting with a letter"
            ));
        }
        let python_package = crate_name.replace('-', "_").to_ascii_lowercase();
        if PYTHON_KEYWORDS.contains(&python_package.as_str()) {
            return Err(format!(
                "--crate `{crate_name}`: `{python_package}` is a Python keyword and cannot name the package"
            ));
        }
        Ok(Names {
            crate_name: crate_name.to_string(),
            python_package,
            npm_package: crate_name.to_ascii_lowercase().replace('_', "-"),
        })
    }
}

/// This repository's crates and glue sources as a manifest in one directory refers to them.
#[derive(Clone, Debug)]
pub struct RepoPaths {
    pub runtime: String,
    pub bridge: String,
    pub python_src: String,
    pub node_src: String,
}

impl RepoPaths {
    /// The paths as seen from `dir` (created if missing): relative when `dir` and the repository
    /// `root` share an ancestor, else absolute.
    pub fn new(root: &Path, dir: &Path) -> RepoPaths {
        let _ = std::fs::create_dir_all(dir);
        let dir = dir.canonicalize().unwrap_or_else(|_| dir.to_path_buf());
        let path = |rel: &str| relative(&root.join(rel), &dir);
        RepoPaths {
            runtime: path("bindings/runtime"),
            bridge: path("bindings/bridge"),
            python_src: path("bindings/python/src"),
            node_src: path("bindings/node/src"),
        }
    }
}

/// `target` as seen from the (canonical) directory `from`.
fn relative(target: &Path, from: &Path) -> String {
    let target = target
        .canonicalize()
        .unwrap_or_else(|_| target.to_path_buf());
    let common = target
        .components()
        .zip(from.components())
        .take_while(|(a, b)| a == b)
        .count();
    // Only the root in common: an absolute path says more than a climb to `/`.
    if common <= 1 {
        return slashes(&target);
    }
    let mut rel = PathBuf::new();
    for _ in common..from.components().count() {
        rel.push("..");
    }
    for part in target.components().skip(common) {
        rel.push(part);
    }
    slashes(&rel)
}

/// A path as TOML and Cargo take it on every platform.
fn slashes(path: &Path) -> String {
    path.display().to_string().replace('\\', "/")
}

/// The files to write for `--out out` (`root` is this repository).
pub fn outputs(
    api: &Api,
    root: &Path,
    out: &Path,
    names: &Names,
    targets: &[Target],
) -> Result<Vec<TargetOutput>, GenError> {
    if targets == [Target::Rust] {
        let paths = RepoPaths::new(root, out);
        return Ok(vec![TargetOutput {
            name: "rust".to_string(),
            root: out.to_path_buf(),
            files: emit::rust::emit_crate(api, &names.crate_name, &paths, true)?,
            owned_dirs: vec![PathBuf::from("src/generated")],
        }]);
    }
    let python = targets.contains(&Target::Python);
    let node = targets.contains(&Target::Node);
    // The client crate is always there: the packages' native crates are built on it.
    let rust_paths = RepoPaths::new(root, &out.join("rust"));
    let python_paths = python.then(|| RepoPaths::new(root, &out.join("python")));
    let node_paths = node.then(|| RepoPaths::new(root, &out.join("node")));
    let spread = emit::is_large(api);
    let ((python_files, node_files), rust_files) = parallel::join(
        spread,
        || {
            parallel::join(
                spread,
                || python_paths.as_ref().map(|p| python_package(api, names, p)),
                || node_paths.as_ref().map(|p| node_package(api, names, p)),
            )
        },
        || emit::rust::emit_crate(api, &names.crate_name, &rust_paths, false),
    );
    let mut members = vec!["rust"];
    members.extend(python.then_some("python"));
    members.extend(node.then_some("node"));
    let mut outputs = vec![
        TargetOutput {
            name: "workspace".to_string(),
            root: out.to_path_buf(),
            files: vec![GeneratedFile::new(
                "Cargo.toml",
                workspace_manifest(api, &members)?,
            )],
            owned_dirs: Vec::new(),
        },
        TargetOutput {
            name: "rust".to_string(),
            root: out.join("rust"),
            files: rust_files?,
            owned_dirs: vec![PathBuf::from("src/generated")],
        },
    ];
    if let Some(files) = python_files {
        outputs.push(TargetOutput {
            name: "python".to_string(),
            root: out.join("python"),
            files: files?,
            owned_dirs: Vec::new(),
        });
    }
    if let Some(files) = node_files {
        outputs.push(TargetOutput {
            name: "node".to_string(),
            root: out.join("node"),
            files: files?,
            owned_dirs: Vec::new(),
        });
    }
    Ok(outputs)
}

/// The workspace's own manifest: its members, the dependency versions of this repository's
/// workspace that the members use, and its profiles (so that builds sharing a target directory
/// with this repository reuse the dependencies it built).
fn workspace_manifest(api: &Api, members: &[&str]) -> Result<String, GenError> {
    let mut needed: Vec<&str> = Vec::new();
    for member in members {
        needed.extend(match *member {
            "python" => PYTHON_DEPENDENCIES,
            "node" => NODE_DEPENDENCIES,
            _ => &[],
        });
    }
    let mut dependencies: Vec<&str> = Vec::new();
    for name in needed {
        let line = workspace_dependency(name).ok_or_else(|| {
            GenError::io(
                "Cargo.toml",
                format!("internal error: the workspace has no dependency `{name}`"),
            )
        })?;
        if !dependencies.contains(&line) {
            dependencies.push(line);
        }
    }
    let mut context = templates::base_context(api, "#");
    context.insert("members", members);
    context.insert("dependencies", &dependencies);
    context.insert("profiles", &workspace_profiles());
    templates::render_standalone("workspace.Cargo.toml", &context)
}

/// This repository's workspace manifest, whose dependency versions and profiles a generated
/// workspace repeats.
const ROOT_MANIFEST: &str = include_str!("../../Cargo.toml");

/// What the Python package's native crate takes from `[workspace.dependencies]`.
const PYTHON_DEPENDENCIES: &[&str] = &["pyo3", "tokio", "serde", "serde_json", "bytes", "futures"];

/// What the Node addon's crate takes from `[workspace.dependencies]`.
const NODE_DEPENDENCIES: &[&str] = &["napi", "napi-derive", "napi-build", "tokio", "serde_json"];

/// The line of `[workspace.dependencies]` that declares `name`, exactly as this repository's
/// manifest has it (comments included).
fn workspace_dependency(name: &str) -> Option<&'static str> {
    let mut in_section = false;
    for line in ROOT_MANIFEST.lines() {
        let trimmed = line.trim();
        if trimmed.starts_with('[') {
            in_section = trimmed == "[workspace.dependencies]";
            continue;
        }
        if in_section
            && let Some((key, _)) = trimmed.split_once('=')
            && key.trim() == name
        {
            return Some(line);
        }
    }
    None
}

/// The `[profile...]` sections of this repository's manifest, line by line (with a blank line
/// before each section). Also what tests append to the crates they build beside the workspace.
pub fn workspace_profiles() -> Vec<&'static str> {
    let mut out = Vec::new();
    let mut in_profile = false;
    for line in ROOT_MANIFEST.lines() {
        let trimmed = line.trim();
        if trimmed.starts_with('[') {
            in_profile = trimmed.starts_with("[profile.");
            if in_profile {
                out.push("");
            }
        }
        if in_profile && !trimmed.is_empty() {
            out.push(line);
        }
    }
    out
}

/// The hand-written files of the Python package that no spec changes (path in the package
/// directory, contents), as this repository's package has them.
const PYTHON_RUNTIME: &[(&str, &str)] = &[
    (
        "_base.py",
        include_str!("../../bindings/python/python/partner_center/_base.py"),
    ),
    (
        "_credentials.py",
        include_str!("../../bindings/python/python/partner_center/_credentials.py"),
    ),
    (
        "_errors.py",
        include_str!("../../bindings/python/python/partner_center/_errors.py"),
    ),
    (
        "_files.py",
        include_str!("../../bindings/python/python/partner_center/_files.py"),
    ),
    (
        "_runtime.py",
        include_str!("../../bindings/python/python/partner_center/_runtime.py"),
    ),
    (
        "py.typed",
        include_str!("../../bindings/python/python/partner_center/py.typed"),
    ),
];

/// The hand-written files of the Node package (`lib/`), as this repository's package has them.
const NODE_RUNTIME: &[(&str, &str)] = &[
    (
        "lib/credentials.js",
        include_str!("../../bindings/node/lib/credentials.js"),
    ),
    (
        "lib/credentials.d.ts",
        include_str!("../../bindings/node/lib/credentials.d.ts"),
    ),
    (
        "lib/errors.js",
        include_str!("../../bindings/node/lib/errors.js"),
    ),
    (
        "lib/errors.d.ts",
        include_str!("../../bindings/node/lib/errors.d.ts"),
    ),
    (
        "lib/files.js",
        include_str!("../../bindings/node/lib/files.js"),
    ),
    (
        "lib/files.d.ts",
        include_str!("../../bindings/node/lib/files.d.ts"),
    ),
    (
        "lib/logs.js",
        include_str!("../../bindings/node/lib/logs.js"),
    ),
    (
        "lib/native.js",
        include_str!("../../bindings/node/lib/native.js"),
    ),
    (
        "lib/platforms.js",
        include_str!("../../bindings/node/lib/platforms.js"),
    ),
    (
        "lib/runtime.js",
        include_str!("../../bindings/node/lib/runtime.js"),
    ),
    (
        "lib/runtime.d.ts",
        include_str!("../../bindings/node/lib/runtime.d.ts"),
    ),
];

/// This repository's `package.json` of the Node package: the generated one takes its engines and
/// its build tool's version from there.
const NODE_PACKAGE_JSON: &str = include_str!("../../bindings/node/package.json");

/// A copied hand-written file with a header saying where it comes from (`marker` starts a line
/// comment; `None`: a file that takes no comment, copied as it is).
fn copied(
    api: &Api,
    path: String,
    original: &str,
    contents: &str,
    marker: Option<&str>,
) -> GeneratedFile {
    let Some(marker) = marker else {
        return GeneratedFile::new(path, contents.to_string());
    };
    let [generated, _] = header_lines(api);
    let text = format!(
        "{marker} {generated}\n{marker} A copy of the generator's {original}: change it there and run the generator again.\n{contents}"
    );
    GeneratedFile::new(path, text)
}

/// What the manifests of both native crates (Python, Node) say: the crate, its description, and
/// where the bridge and the runtime are.
fn native_context(api: &Api, names: &Names, paths: &RepoPaths, what: &str) -> tera::Context {
    let mut context = templates::base_context(api, "#");
    context.insert("crate_name", &names.crate_name);
    context.insert(
        "description",
        &templates::toml_string(&format!(
            "{what} {} {}, generated from {}",
            api.title, api.version, api.source
        )),
    );
    context.insert("bridge_path", &paths.bridge);
    context.insert("runtime_path", &paths.runtime);
    context
}

/// DIR/python: the native crate's manifest, pyproject.toml, and the package's modules.
fn python_package(
    api: &Api,
    names: &Names,
    paths: &RepoPaths,
) -> Result<Vec<GeneratedFile>, GenError> {
    let mut context = native_context(api, names, paths, "Typed client for");
    context.insert("package", &names.python_package);
    context.insert("distribution", &names.crate_name);
    context.insert("python_src", &paths.python_src);
    let mut files = vec![
        GeneratedFile::new(
            "Cargo.toml",
            templates::render_standalone("python.Cargo.toml", &context)?,
        ),
        GeneratedFile::new(
            "pyproject.toml",
            templates::render_standalone("pyproject.toml", &context)?,
        ),
        // The package is checked as this repository's is (pyright strict, Python 3.9).
        GeneratedFile::new(
            "pyrightconfig.json",
            // pyright reads JSON with comments, so the file can say it is generated.
            format!(
                "{}{{\n  \"include\": [\"python/{p}\"],\n  \"strict\": [\"python/{p}\"],\n  \"pythonVersion\": \"3.9\"\n}}\n",
                emit::header(api, "//"),
                p = names.python_package
            ),
        ),
    ];
    files.extend(emit::python::emit_package(api, &names.python_package)?);
    for (name, contents) in PYTHON_RUNTIME {
        let marker = name.ends_with(".py").then_some("#");
        files.push(copied(
            api,
            format!("python/{}/{name}", names.python_package),
            &format!("bindings/python/python/partner_center/{name}"),
            contents,
            marker,
        ));
    }
    Ok(files)
}

/// DIR/node: the addon crate's manifest and build script, package.json, the generated modules
/// and the hand-written `lib/`.
fn node_package(
    api: &Api,
    names: &Names,
    paths: &RepoPaths,
) -> Result<Vec<GeneratedFile>, GenError> {
    let mut context = native_context(api, names, paths, "Node.js addon (napi-rs) for");
    context.insert("npm_package", &names.npm_package);
    context.insert("node_src", &paths.node_src);
    let mut build_context = templates::base_context(api, "//");
    build_context.insert("crate_name", &names.crate_name);
    let mut files = vec![
        GeneratedFile::new(
            "Cargo.toml",
            templates::render_standalone("node.Cargo.toml", &context)?,
        ),
        GeneratedFile::new(
            "build.rs",
            templates::render_standalone("build.rs", &build_context)?,
        ),
        GeneratedFile::new("package.json", package_json(api, names)?),
    ];
    files.extend(emit::node::emit(api)?);
    for (name, contents) in NODE_RUNTIME {
        files.push(copied(
            api,
            name.to_string(),
            &format!("bindings/node/{name}"),
            contents,
            Some("//"),
        ));
    }
    Ok(files)
}

/// The npm package's `package.json` (JSON has no comments: no header).
fn package_json(api: &Api, names: &Names) -> Result<String, GenError> {
    let ours: Value = serde_json::from_str(NODE_PACKAGE_JSON).map_err(|e| {
        GenError::io(
            "bindings/node/package.json",
            format!("internal error: not JSON: {e}"),
        )
    })?;
    let mut dev = Map::new();
    if let Some(cli) = ours.pointer("/devDependencies/@napi-rs~1cli") {
        dev.insert("@napi-rs/cli".to_string(), cli.clone());
    }
    let [generated, _] = header_lines(api);
    let package = json!({
        "name": names.npm_package,
        "version": "0.1.0",
        "description": format!("Typed client for {} {} ({generated})", api.title, api.version),
        "main": "index.js",
        "types": "index.d.ts",
        "exports": {
            ".": { "types": "./index.d.ts", "import": "./index.mjs", "require": "./index.js" },
            "./package.json": "./package.json",
        },
        "files": ["index.js", "index.mjs", "index.d.ts", "lib/", "native.js", "native.d.ts", "*.node"],
        "engines": ours.get("engines").cloned().unwrap_or_else(|| json!({})),
        "napi": ours.get("napi").map(|napi| {
            let mut napi = napi.clone();
            napi["binaryName"] = json!(names.npm_package);
            napi
        }).unwrap_or_else(|| json!({ "binaryName": names.npm_package })),
        "scripts": {
            "build": "napi build --platform --release --js native.js --dts native.d.ts",
            "build:debug": "napi build --platform --js native.js --dts native.d.ts",
        },
        "devDependencies": dev,
    });
    let mut text = serde_json::to_string_pretty(&package)
        .map_err(|e| GenError::io("package.json", format!("internal error: {e}")))?;
    text.push('\n');
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_parse() {
        assert_eq!(parse_targets("rust").unwrap(), [Target::Rust]);
        assert_eq!(
            parse_targets("node, rust,python").unwrap(),
            [Target::Node, Target::Rust, Target::Python]
        );
        assert!(parse_targets("rust,go").is_err());
        assert!(parse_targets("rust,rust").is_err());
        assert!(parse_targets("").is_err());
    }

    #[test]
    fn names_come_from_the_crate_name() {
        assert_eq!(
            default_crate_name("Partner Center customer management API"),
            "partner-center-customer-management-api"
        );
        assert_eq!(default_crate_name("3D printers"), "api-3d-printers");
        let names = Names::new("Box_API-v2").unwrap();
        assert_eq!(names.python_package, "box_api_v2");
        assert_eq!(names.npm_package, "box-api-v2");
        for bad in ["", "9lives", "a b", "ü", "import", "Async"] {
            assert!(Names::new(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn relative_paths_climb_to_the_common_ancestor() {
        assert_eq!(
            relative(Path::new("/a/b/c"), Path::new("/a/x/y")),
            "../../b/c"
        );
        assert_eq!(relative(Path::new("/a/b"), Path::new("/z")), "/a/b");
    }

    /// The dependency versions (and features) of a generated workspace are this workspace's:
    /// each line is found in the root Cargo.toml's `[workspace.dependencies]`, read here from the
    /// file on disk (not the copy compiled into the generator).
    #[test]
    fn workspace_dependencies_are_the_roots() {
        let root =
            std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../Cargo.toml")).unwrap();
        let section: Vec<&str> = root
            .split("[workspace.dependencies]")
            .nth(1)
            .unwrap()
            .split("\n[")
            .next()
            .unwrap()
            .lines()
            .collect();
        for name in PYTHON_DEPENDENCIES.iter().chain(NODE_DEPENDENCIES) {
            let line = workspace_dependency(name).unwrap_or_else(|| panic!("{name}"));
            assert!(section.contains(&line), "{name}: {line}");
        }
        // The native crates of the bindings ask for the same features as ours.
        let python = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../bindings/python/Cargo.toml"
        ))
        .unwrap();
        let generated = include_str!("../templates/standalone/python.Cargo.toml.tera");
        for dependency in PYTHON_DEPENDENCIES {
            let ours = python
                .lines()
                .find(|l| l.split('=').next().map(str::trim) == Some(dependency))
                .unwrap_or_else(|| panic!("bindings/python/Cargo.toml lacks {dependency}"));
            assert!(
                generated.contains(ours.split('#').next().unwrap().trim()),
                "{ours}"
            );
        }
        let node = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../bindings/node/Cargo.toml"
        ))
        .unwrap();
        let generated = include_str!("../templates/standalone/node.Cargo.toml.tera");
        for dependency in NODE_DEPENDENCIES {
            let ours = node
                .lines()
                .find(|l| l.split('=').next().map(str::trim) == Some(dependency))
                .unwrap_or_else(|| panic!("bindings/node/Cargo.toml lacks {dependency}"));
            assert!(
                generated.contains(ours.split('#').next().unwrap().trim()),
                "{ours}"
            );
        }
        let profiles = workspace_profiles();
        assert!(
            profiles.iter().any(|l| l.starts_with("[profile.")),
            "{profiles:?}"
        );
    }

    /// The copied Python modules import their siblings relatively, so they work under any
    /// package name; the Node files require theirs relatively.
    #[test]
    fn copied_runtime_files_use_relative_imports() {
        for (name, contents) in PYTHON_RUNTIME {
            for line in contents.lines() {
                let line = line.trim_start();
                assert!(
                    !(line.starts_with("from partner_center")
                        || line.starts_with("import partner_center")),
                    "{name}: {line}"
                );
            }
        }
        for (name, contents) in NODE_RUNTIME {
            assert!(!contents.contains("require('partner-center"), "{name}");
            assert!(!contents.contains("from 'partner-center"), "{name}");
        }
        // Every hand-written file of the packages is copied (the rest are generated).
        let dir = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../bindings/python/python/partner_center"
        );
        let generated = ["__init__.py", "_client.py", "_models.py", "_native.pyi"];
        for entry in std::fs::read_dir(dir).unwrap() {
            let name = entry.unwrap().file_name().to_string_lossy().into_owned();
            if name.ends_with(".py") || name.ends_with(".pyi") || name == "py.typed" {
                assert!(
                    generated.contains(&name.as_str())
                        || PYTHON_RUNTIME.iter().any(|(n, _)| *n == name),
                    "{name} is neither generated nor copied"
                );
            }
        }
        let lib = concat!(env!("CARGO_MANIFEST_DIR"), "/../bindings/node/lib");
        for entry in std::fs::read_dir(lib).unwrap() {
            let name = format!("lib/{}", entry.unwrap().file_name().to_string_lossy());
            assert!(
                NODE_RUNTIME.iter().any(|(n, _)| *n == name),
                "{name} is not copied"
            );
        }
    }

    #[test]
    fn package_json_takes_our_tool_versions() {
        let spec = crate::load::load(
            &Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/specs/tricky.yaml"),
            "tricky.yaml",
        )
        .unwrap();
        let api = crate::model::build(&spec).unwrap();
        let text = package_json(&api, &Names::new("tricky-api").unwrap()).unwrap();
        let ours: Value = serde_json::from_str(NODE_PACKAGE_JSON).unwrap();
        let generated: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(generated["name"], "tricky-api");
        assert_eq!(generated["napi"]["binaryName"], "tricky-api");
        assert_eq!(generated["engines"], ours["engines"]);
        assert_eq!(
            generated["devDependencies"]["@napi-rs/cli"],
            ours["devDependencies"]["@napi-rs/cli"]
        );
    }
}
