//! The targets of this workspace: which emitter writes which files where.

use std::path::{Path, PathBuf};

use crate::emit;
use crate::error::GenError;
use crate::model::Api;
use crate::output::TargetOutput;

/// The spec every workspace target is generated from, relative to the workspace root.
pub const SPEC: &str = "spec/partner-center-customers.yaml";

/// Every generated file of the workspace, grouped by target.
pub fn workspace_targets(api: &Api, root: &Path) -> Result<Vec<TargetOutput>, GenError> {
    Ok(vec![
        TargetOutput {
            name: "rust".to_string(),
            root: root.join("bindings/rust"),
            files: emit::rust::emit_sources(api)?,
            owned_dirs: vec![PathBuf::from("src/generated")],
        },
        TargetOutput {
            name: "bridge".to_string(),
            root: root.join("bindings/bridge"),
            files: emit::bridge::emit_sources(api)?,
            owned_dirs: Vec::new(),
        },
        TargetOutput {
            name: "node".to_string(),
            root: root.join("bindings/node"),
            files: emit::node::emit(api)?,
            owned_dirs: Vec::new(),
        },
        TargetOutput {
            name: "python".to_string(),
            root: root.join("bindings/python"),
            files: emit::python::emit(api)?,
            owned_dirs: Vec::new(),
        },
    ])
}
