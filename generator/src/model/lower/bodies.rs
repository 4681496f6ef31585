//! Request bodies: which media type a body is sent as, and the type it holds.

use std::borrow::Cow;

use openapiv3::ReferenceOr;

use super::Builder;
use crate::error::{GenError, pointer};
use crate::load::resolve_ref;
use crate::model::*;

impl<'a> Builder<'a> {
    pub(super) fn lower_body(
        &mut self,
        rb: &ReferenceOr<openapiv3::RequestBody>,
        at: &str,
        type_name: &Name,
    ) -> Result<RequestBody, GenError> {
        let (body, body_at) = match rb {
            ReferenceOr::Item(b) => (Cow::Borrowed(b), pointer(at, &["requestBody"])),
            ReferenceOr::Reference { reference } => {
                let node = resolve_ref(self.raw, reference)
                    .map_err(|m| GenError::at(pointer(at, &["requestBody"]), m))?;
                let body: openapiv3::RequestBody =
                    serde_json::from_value(node.clone()).map_err(|e| {
                        GenError::at(
                            pointer(at, &["requestBody"]),
                            format!("not a request body: {e}"),
                        )
                    })?;
                (
                    Cow::Owned(body),
                    reference.trim_start_matches('#').to_string(),
                )
            }
        };
        let Some((content_type, format)) = pick_media(body.content.keys()) else {
            let types: Vec<&String> = body.content.keys().collect();
            return Err(GenError::at(
                pointer(&body_at, &["content"]),
                format!(
                    "no supported media type among {types:?}: JSON, text/plain and binary bodies are supported"
                ),
            ));
        };
        let schema_at = pointer(&body_at, &["content", &content_type, "schema"]);
        let ty = match (format, self.raw.pointer(&schema_at)) {
            (BodyFormat::Json, Some(schema)) => {
                self.lower_type(schema, &schema_at, &format!("{} body", type_name.pascal))?
            }
            (BodyFormat::Json, None) => TypeRef::Any,
            (BodyFormat::Text, _) => TypeRef::String,
            (BodyFormat::Binary, _) => TypeRef::Bytes,
        };
        Ok(RequestBody {
            ty,
            required: body.required,
            content_type,
            format,
            doc: body.description.clone(),
        })
    }
}

pub(super) fn pick_media<'k>(
    keys: impl Iterator<Item = &'k String> + Clone,
) -> Option<(String, BodyFormat)> {
    let is_json =
        |k: &str| k == "application/json" || k.ends_with("+json") || k == "text/json" || k == "*/*";
    if let Some(k) = keys.clone().find(|k| is_json(k)) {
        return Some((k.clone(), BodyFormat::Json));
    }
    if let Some(k) = keys.clone().find(|k| k.starts_with("text/")) {
        return Some((k.clone(), BodyFormat::Text));
    }
    if let Some(k) = keys.clone().find(|k| {
        *k == "application/octet-stream" || k.starts_with("image/") || k.starts_with("application/")
    }) && !k.contains("x-www-form-urlencoded")
        && !k.starts_with("multipart/")
    {
        return Some((k.clone(), BodyFormat::Binary));
    }
    None
}
