//! The generator: an OpenAPI 3.0 spec in, typed clients out.
//!
//! The pipeline is `load` (parse, check versions and references) → `model` (a language-neutral
//! description of the API) → `emit` (one emitter per target) → `output` (write or check files).
//! `targets` says which files of this workspace each target owns; `standalone` what `--out`
//! writes for any other spec.

pub mod emit;
pub mod error;
pub mod load;
pub mod model;
pub mod output;
mod parallel;
pub mod standalone;
pub mod targets;
mod templates;
mod yaml;

pub use error::GenError;

use std::path::Path;

/// `load::load` and then `model::build`, with the two overlapped: the `$ref` check and the
/// model's component schemas, which need only the untyped document, run on a second thread while
/// this one types the document. The result, and any error (the first one the two steps in turn
/// would give, with the file name), is that of `model::build(&load::load(path, name)?)`.
pub fn load_and_build(path: &Path, name: &str) -> Result<(load::Spec, model::Api), GenError> {
    let in_file = |e: GenError| e.in_file(name);
    let text = load::read(path, name)?;
    let raw = load::parse_untyped(&text).map_err(in_file)?;
    let (schemas, openapi) = parallel::join(
        text.len() >= parallel::LARGE_SPEC,
        || load::check_refs(&raw).map(|()| model::Schemas::lower(&raw)),
        || load::typed(&raw),
    );
    // In the order of the sequential steps: references, types, then the model.
    let schemas = schemas.map_err(in_file)?;
    let openapi = openapi.map_err(in_file)?;
    let api = schemas
        .and_then(|schemas| schemas.finish(&openapi, name))
        .map_err(in_file)?;
    let spec = load::Spec {
        name: name.to_string(),
        raw,
        openapi,
    };
    Ok((spec, api))
}
