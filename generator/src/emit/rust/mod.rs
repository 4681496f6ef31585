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

use proc_macro2::TokenStream;

use crate::emit::{self, GeneratedFile, header, is_large};
use crate::error::GenError;
use crate::model::Api;
use crate::{parallel, templates};

/// The files of `src/` for a crate wrapping this API (everything but `Cargo.toml`), the dispatch
/// module of its `bridge` feature (`emit::bridge`) included.
pub fn emit_sources(api: &Api) -> Result<Vec<GeneratedFile>, GenError> {
    let spread = is_large(api);
    let (dispatch, files) = parallel::join(
        spread,
        || emit::bridge::emit_sources(api),
        || emit_sources_in_parts(api, PartSizes::DEFAULT, spread),
    );
    let mut files = files?;
    files.extend(dispatch?);
    Ok(files)
}

/// `emit_sources`, with the Rust files made in parts of the given sizes, rendered on several
/// threads when `spread`. (The output is the same for any sizes.)
fn emit_sources_in_parts(
    api: &Api,
    sizes: PartSizes,
    spread: bool,
) -> Result<Vec<GeneratedFile>, GenError> {
    let head = header(api, "//");
    let error = |name: &str, m: String| {
        GenError::io(format!("generated/{name}"), format!("internal error: {m}"))
    };
    let module = quote::quote! {
        //! Everything generated from the spec. `client` is where calls start.
        pub mod client;
        #[cfg(feature = "bridge")]
        pub mod dispatch;
        pub mod models;
        pub mod operations;
        mod validate;
    };
    let sources = [
        models::source(api, sizes),
        validate::source(api, sizes),
        client::source(api, sizes),
        operations::source(api, sizes),
    ];
    let mut files = vec![
        GeneratedFile::new("src/lib.rs", templates::render_lib_rs(api)?),
        GeneratedFile::new(
            "src/generated/mod.rs",
            syntax::render(module, &head).map_err(|m| error("mod.rs", m))?,
        ),
    ];
    for (source, contents) in sources.iter().zip(render_sources(&sources, &head, spread)) {
        let contents = contents.map_err(|m| error(source.name, m))?;
        files.push(GeneratedFile::new(
            format!("src/generated/{}", source.name),
            contents,
        ));
    }
    Ok(files)
}

/// Types per part of `models.rs` and `validate.rs`, operations per part of `operations.rs`,
/// resource groups per part of `client.rs`.
#[derive(Clone, Copy)]
struct PartSizes {
    types: usize,
    operations: usize,
    groups: usize,
}

impl PartSizes {
    /// Small enough that a large API splits into many parts to share out, large enough that a
    /// part is worth a job.
    const DEFAULT: PartSizes = PartSizes {
        types: 64,
        operations: 32,
        groups: 32,
    };
}

/// A file of `src/generated/` made of parts that are built and printed independently, so that
/// they can be on different threads: tokens and syntax trees are not `Send`, so each part is
/// built, parsed and printed on one thread, and only its text comes back.
struct Source<'a> {
    /// The file name, in `src/generated/`.
    name: &'static str,
    parts: usize,
    /// The items of part `i`, and for each name the imports depend on, whether they use it.
    part: Box<PartFn<'a>>,
    /// Module docs and imports, given for each of those names whether some part uses it.
    head: Box<HeadFn<'a>>,
}

type PartFn<'a> = dyn Fn(usize) -> (TokenStream, Vec<bool>) + Sync + 'a;
type HeadFn<'a> = dyn Fn(&[bool]) -> TokenStream + Sync + 'a;

/// How many parts `len` items make, `per_part` to a part (one, when there are none).
fn parts(len: usize, per_part: usize) -> usize {
    len.div_ceil(per_part).max(1)
}

/// The items of part `i`.
fn part<T>(items: &[T], i: usize, per_part: usize) -> &[T] {
    let start = i.saturating_mul(per_part).min(items.len());
    &items[start..start.saturating_add(per_part).min(items.len())]
}

/// Every part of every source printed, the parts of all sources shared out among threads (when
/// `spread`); then each file put together with its head.
fn render_sources(
    sources: &[Source<'_>],
    header: &str,
    spread: bool,
) -> Vec<Result<String, String>> {
    let jobs: Vec<(usize, usize)> = sources
        .iter()
        .enumerate()
        .flat_map(|(s, source)| (0..source.parts).map(move |i| (s, i)))
        .collect();
    let mut rendered = parallel::map(spread, jobs.len(), |j| {
        let (s, i) = jobs[j];
        let (tokens, uses) = (sources[s].part)(i);
        syntax::render_part(tokens).map(|text| (text, uses))
    })
    .into_iter();
    sources
        .iter()
        .map(|source| {
            let mut texts = Vec::with_capacity(source.parts + 1);
            let mut uses: Vec<bool> = Vec::new();
            for result in rendered.by_ref().take(source.parts) {
                let (text, part_uses) = result?;
                if uses.len() < part_uses.len() {
                    uses.resize(part_uses.len(), false);
                }
                for (u, p) in uses.iter_mut().zip(part_uses) {
                    *u |= p;
                }
                texts.push(text);
            }
            let head = syntax::render_part((source.head)(&uses))?;
            Ok(syntax::join(
                header,
                std::iter::once(head.as_str()).chain(texts.iter().map(String::as_str)),
            ))
        })
        .collect()
}

/// A client crate outside this workspace: the sources plus a `Cargo.toml` that uses the runtime
/// (and, for its `bridge` feature, the bridge) crate by path; `standalone`: a workspace of its own.
pub fn emit_crate(
    api: &Api,
    crate_name: &str,
    paths: &crate::standalone::RepoPaths,
    standalone: bool,
) -> Result<Vec<GeneratedFile>, GenError> {
    let mut files = vec![GeneratedFile::new(
        "Cargo.toml",
        templates::render_cargo_toml(api, crate_name, paths, standalone)?,
    )];
    files.extend(emit_sources(api)?);
    Ok(files)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Files put together from parts of one item each, rendered on several threads, read exactly
    /// as files rendered in one part.
    #[test]
    fn parts_join_into_the_same_files() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        for path in [
            "../spec/partner-center-customers.yaml",
            "tests/specs/tricky.yaml",
        ] {
            let spec = crate::load::load(&dir.join(path), path).unwrap();
            let api = crate::model::build(&spec).unwrap();
            let whole = PartSizes {
                types: usize::MAX,
                operations: usize::MAX,
                groups: usize::MAX,
            };
            let one = PartSizes {
                types: 1,
                operations: 1,
                groups: 1,
            };
            let expected = emit_sources_in_parts(&api, whole, false).unwrap();
            for spread in [false, true] {
                assert_eq!(
                    emit_sources_in_parts(&api, one, spread).unwrap(),
                    expected,
                    "{path}"
                );
            }
        }
    }
}
