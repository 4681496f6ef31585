//! Parameters: path-level and operation-level lists merged, each lowered to a typed `Param`.

use std::borrow::Cow;

use openapiv3::{Parameter, ParameterSchemaOrContent};
use serde_json::Value;

use super::bodies::style_named;
use super::operations::path_params;
use super::{Builder, Facts, naming};
use crate::error::{GenError, pointer};
use crate::model::names::Scope;
use crate::model::*;

impl<'a> Builder<'a> {
    /// The parameters of one operation, named around what its request builder reserves;
    /// `token_header` is the paging continuation header, which the client fills itself.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn lower_params(
        &mut self,
        path: &str,
        item: &openapiv3::PathItem,
        op: &openapiv3::Operation,
        at: &str,
        type_name: &Name,
        client_headers: &ClientHeaders,
        token_header: Option<&str>,
    ) -> Result<Vec<Param>, GenError> {
        // Path-level parameters first, overridden by the operation's own (same name and place).
        let mut raw_params: Vec<(Cow<'_, Parameter>, String)> = Vec::new();
        let path_at = at
            .rsplit_once('/')
            .map(|(p, _)| p)
            .unwrap_or(at)
            .to_string();
        for (list, list_at) in [
            (&item.parameters, path_at),
            (&op.parameters, at.to_string()),
        ] {
            for (i, p) in list.iter().enumerate() {
                let p_at = pointer(&list_at, &["parameters", &i.to_string()]);
                let (param, param_at) = self.resolve_component(p, &p_at, "a parameter")?;
                let (name, location) = (&param.parameter_data_ref().name, location_of(&param));
                raw_params.retain(|(p, _)| {
                    p.parameter_data_ref().name != *name || location_of(p) != location
                });
                raw_params.push((param, param_at));
            }
        }

        let mut scope = Scope::with_reserved(naming::BUILDER_RESERVED.iter().copied());
        let mut params = Vec::new();
        for (param, p_at) in raw_params {
            let location = location_of(&param);
            let data = param.parameter_data_ref();
            let (schema_at, json_encoded) = match &data.format {
                ParameterSchemaOrContent::Schema(_) => (pointer(&p_at, &["schema"]), false),
                ParameterSchemaOrContent::Content(content) => {
                    let Some((media, _)) = content.iter().next() else {
                        return Err(GenError::at(
                            pointer(&p_at, &["content"]),
                            "a parameter's `content` needs one media type",
                        ));
                    };
                    (pointer(&p_at, &["content", media, "schema"]), true)
                }
            };
            let hint = format!("{} {}", type_name.pascal, Name::new(&data.name).pascal);
            let (ty, facts) = match self.raw.pointer(&schema_at) {
                Some(schema) => (
                    self.lower_type(schema, &schema_at, &hint)?,
                    self.facts(schema),
                ),
                None => (TypeRef::String, Facts::default()),
            };
            let client_managed = location == ParamLocation::Header
                && (client_headers.contains(&data.name)
                    || token_header.is_some_and(|h| h.eq_ignore_ascii_case(&data.name)));
            let (style, explode) = self.param_style(&p_at, location)?;
            params.push(Param {
                name: scope.claim(Name::new(&data.name)).with_original(&data.name),
                location,
                ty,
                required: data.required || location == ParamLocation::Path,
                doc: data.description.clone().or(facts.doc),
                json_encoded,
                style,
                explode,
                client_managed,
                constraints: facts.constraints,
            });
        }
        for segment in path_params(path) {
            if !params
                .iter()
                .any(|p| p.location == ParamLocation::Path && p.name.original == segment)
            {
                return Err(GenError::at(
                    at.to_string(),
                    format!("path parameter `{{{segment}}}` is not declared in `parameters`"),
                ));
            }
        }

        Ok(params)
    }
}

impl Builder<'_> {
    /// A parameter's `style` and `explode`, defaulted as OpenAPI 3.0 says: `form` (exploded) in
    /// the query and cookies, `simple` (not exploded) in the path and headers.
    fn param_style(
        &self,
        at: &str,
        location: ParamLocation,
    ) -> Result<(ParamStyle, bool), GenError> {
        let node = self.raw.pointer(at);
        let style = match node.and_then(|p| p.get("style")).and_then(Value::as_str) {
            Some(name) => {
                let style = style_named(name).filter(|s| allowed(*s, location));
                style.ok_or_else(|| {
                    GenError::at(
                        pointer(at, &["style"]),
                        format!("style `{name}` is not one a {location:?} parameter can have"),
                    )
                })?
            }
            None => match location {
                ParamLocation::Query | ParamLocation::Cookie => ParamStyle::Form,
                ParamLocation::Path | ParamLocation::Header => ParamStyle::Simple,
            },
        };
        let explode = node
            .and_then(|p| p.get("explode"))
            .and_then(Value::as_bool)
            .unwrap_or(style == ParamStyle::Form);
        Ok((style, explode))
    }
}

/// The styles OpenAPI 3.0 allows in each location.
fn allowed(style: ParamStyle, location: ParamLocation) -> bool {
    use ParamStyle::*;
    match location {
        ParamLocation::Path => matches!(style, Simple | Label | Matrix),
        ParamLocation::Query => matches!(style, Form | SpaceDelimited | PipeDelimited | DeepObject),
        ParamLocation::Header => style == Simple,
        ParamLocation::Cookie => style == Form,
    }
}

pub(super) fn location_of(p: &Parameter) -> ParamLocation {
    match p {
        Parameter::Query { .. } => ParamLocation::Query,
        Parameter::Header { .. } => ParamLocation::Header,
        Parameter::Path { .. } => ParamLocation::Path,
        Parameter::Cookie { .. } => ParamLocation::Cookie,
    }
}
