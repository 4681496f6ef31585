//! The Rust target: models, validation, client and request builders, as a module of a crate.
//!
//! Rust source is built as tokens with `quote!`, parsed into a `syn::File` (so emitted code is
//! known to parse) and printed with prettyplease. The crate scaffolding around it (`lib.rs`,
//! and `Cargo.toml` for a standalone crate) is plain text from tera templates.

mod access;
mod client;
mod models;
pub(crate) mod operations;
pub(crate) mod syntax;
mod validate;

use crate::emit::{GeneratedFile, header};
use crate::error::GenError;
use crate::model::Api;
use crate::templates;

/// The files of `src/` for a crate wrapping this API (everything but `Cargo.toml`).
pub fn emit_sources(api: &Api) -> Result<Vec<GeneratedFile>, GenError> {
    let head = header(api, "//");
    let render = |name: &str, tokens| {
        syntax::render(tokens, &head)
            .map_err(|m| GenError::io(format!("generated/{name}"), format!("internal error: {m}")))
    };
    let module = quote::quote! {
        //! Everything generated from the spec. `client` is where calls start.
        pub mod client;
        pub mod models;
        pub mod operations;
        mod validate;
    };
    Ok(vec![
        GeneratedFile::new("src/lib.rs", templates::render_lib_rs(api)?),
        GeneratedFile::new("src/generated/mod.rs", render("mod.rs", module)?),
        GeneratedFile::new(
            "src/generated/models.rs",
            render("models.rs", models::emit(api))?,
        ),
        GeneratedFile::new(
            "src/generated/validate.rs",
            render("validate.rs", validate::emit(api))?,
        ),
        GeneratedFile::new(
            "src/generated/client.rs",
            render("client.rs", client::emit(api))?,
        ),
        GeneratedFile::new(
            "src/generated/operations.rs",
            render("operations.rs", operations::emit(api))?,
        ),
    ])
}

/// A standalone crate: the sources plus a `Cargo.toml` that uses the runtime crate by path.
pub fn emit_crate(
    api: &Api,
    crate_name: &str,
    runtime_path: &str,
) -> Result<Vec<GeneratedFile>, GenError> {
    let mut files = vec![GeneratedFile::new(
        "Cargo.toml",
        templates::render_cargo_toml(api, crate_name, runtime_path)?,
    )];
    files.extend(emit_sources(api)?);
    Ok(files)
}
