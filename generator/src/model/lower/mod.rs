//! Lower an OpenAPI 3.0 document into the language-neutral model.
//!
//! One file per concern: `schemas` (and `unions`) lower schemas to types, `operations` lowers
//! each operation with its `parameters`, `bodies` and `responses`, `naming` holds the names
//! generated code reserves, `field_paths` and `recursion` check and finish the types at the end.
//!
//! The document's structure (paths, operations, parameters, responses) is read through
//! `openapiv3`. Schemas are read from the raw JSON instead: OpenAPI 3.0 schemas mix keywords
//! freely (`nullable` beside `allOf`, `properties` without `type`), the raw form handles that
//! uniformly, and every node's JSON pointer comes for free for error messages.

mod bodies;
mod field_paths;
mod naming;
mod operations;
mod parameters;
mod recursion;
mod resolve;
mod responses;
mod schemas;
mod unions;

use std::collections::BTreeMap;

use serde_json::Value;

use super::names::Scope;
use super::*;
use crate::error::GenError;
use crate::load::Spec;

pub fn build(spec: &Spec) -> Result<Api, GenError> {
    Schemas::lower(&spec.raw)?.finish(&spec.openapi, &spec.name)
}

/// The part of `build` that reads only the untyped document (the `x-pc-*` check and the
/// component schemas), so that it can run while the document is being typed; `finish` does the
/// rest. `Schemas::lower(raw)?.finish(openapi, name)` is `build`.
pub struct Schemas<'a> {
    builder: Builder<'a>,
}

impl<'a> Schemas<'a> {
    pub fn lower(raw: &'a Value) -> Result<Schemas<'a>, GenError> {
        extensions::check_known(raw)?;
        let mut builder = Builder::new(raw);
        builder.name_components()?;
        builder.lower_components()?;
        Ok(Schemas { builder })
    }

    pub fn finish(self, openapi: &openapiv3::OpenAPI, name: &str) -> Result<Api, GenError> {
        finish(self.builder, openapi, name)
    }
}

fn finish(
    mut builder: Builder<'_>,
    openapi: &openapiv3::OpenAPI,
    name: &str,
) -> Result<Api, GenError> {
    let client_headers = builder.client_headers()?;
    let groups = builder.lower_operations(openapi, &client_headers)?;
    builder.break_alias_cycles();
    builder.box_recursive_fields();
    builder.check_country_rules()?;

    let info = &openapi.info;
    let servers = super::sign_in::servers(openapi)?;
    let sign_in = super::sign_in::sign_in(openapi);

    let mut types: Vec<TypeDef> = builder.types.into_values().collect();
    types.sort_by(|a, b| a.name.pascal.cmp(&b.name.pascal));
    let mut api = Api {
        title: info.title.clone(),
        version: info.version.clone(),
        description: info.description.clone(),
        source: name.to_string(),
        servers,
        sign_in,
        client_headers,
        types,
        groups,
        type_positions: Default::default(),
    };
    api.reindex();
    Ok(api)
}

/// What a schema says about the value besides its type.
#[derive(Debug, Default, Clone)]
struct Facts {
    nullable: bool,
    read_only: bool,
    secret: bool,
    doc: Option<String>,
    default: Option<Value>,
    constraints: Constraints,
}

struct Builder<'a> {
    raw: &'a Value,
    /// Named types by their unique name (`Name::original` of the type).
    types: BTreeMap<String, TypeDef>,
    type_names: Scope,
    /// Component schema pointer → type name, claimed before lowering so references can be
    /// resolved (and recursion expressed) before the target is lowered; also every other schema
    /// a `$ref` points to, named when the first reference reaches it.
    components: BTreeMap<String, String>,
    /// Pointer → type name of inline schemas given a type of their own (the first, when one
    /// schema is lowered twice), so that a `$ref` to one of them names that type.
    inline: BTreeMap<String, String>,
}

impl<'a> Builder<'a> {
    fn new(raw: &'a Value) -> Builder<'a> {
        Builder {
            raw,
            types: BTreeMap::new(),
            type_names: naming::type_scope(),
            components: BTreeMap::new(),
            inline: BTreeMap::new(),
        }
    }
}

pub(super) fn split_path(dotted: &str) -> Vec<String> {
    dotted.split('.').map(str::to_string).collect()
}
