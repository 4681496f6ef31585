//! The targets of this workspace: which emitter writes which files where.

use std::path::{Path, PathBuf};

use crate::emit;
use crate::error::GenError;
use crate::model::Api;
use crate::output::TargetOutput;
use crate::parallel;

/// The spec every workspace target is generated from, relative to the workspace root.
pub const SPEC: &str = "spec/partner-center-customers.yaml";

/// Every generated file of the workspace, grouped by target (the command line's table is small:
/// it is emitted first, on this thread).
///
/// The targets only read the model, so they are emitted side by side: Node and Python each on a
/// thread of their own while this one emits Rust (the client crate, its dispatch module for the
/// bindings included), which itself shares its parts out among threads (`emit::rust`); the
/// operating system shares the cores among them.
pub fn workspace_targets(api: &Api, root: &Path) -> Result<Vec<TargetOutput>, GenError> {
    let spread = emit::is_large(api);
    let cli = emit::cli::emit_sources(api);
    let ((node, python), rust) = parallel::join(
        spread,
        || parallel::join(spread, || emit::node::emit(api), || emit::python::emit(api)),
        || emit::rust::emit_sources(api),
    );
    Ok(vec![
        TargetOutput {
            name: "rust".to_string(),
            root: root.join("bindings/rust"),
            files: rust?,
            owned_dirs: vec![PathBuf::from("src/generated")],
        },
        TargetOutput {
            name: "node".to_string(),
            root: root.join("bindings/node"),
            files: node?,
            owned_dirs: Vec::new(),
        },
        TargetOutput {
            name: "python".to_string(),
            root: root.join("bindings/python"),
            files: python?,
            owned_dirs: Vec::new(),
        },
        TargetOutput {
            name: "cli".to_string(),
            root: root.join("bindings/cli"),
            files: cli?,
            owned_dirs: vec![PathBuf::from("src/generated")],
        },
    ])
}
