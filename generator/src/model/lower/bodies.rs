//! Request bodies: which media type a body is sent as by default, which others it may be sent
//! as, the type it holds, and how form and multipart members are encoded.

use openapiv3::ReferenceOr;
use serde_json::Value;

use super::Builder;
use crate::error::{GenError, pointer};
use crate::model::*;

impl<'a> Builder<'a> {
    pub(super) fn lower_body(
        &mut self,
        rb: &ReferenceOr<openapiv3::RequestBody>,
        at: &str,
        type_name: &Name,
    ) -> Result<RequestBody, GenError> {
        let (body, body_at) =
            self.resolve_component(rb, &pointer(at, &["requestBody"]), "a request body")?;
        let content_at = pointer(&body_at, &["content"]);
        // `content: {}`: a body whose type the spec does not say; sent as octets.
        if body.content.is_empty() {
            return Ok(RequestBody {
                ty: TypeRef::Bytes,
                required: body.required,
                content_type: "application/octet-stream".to_string(),
                format: BodyFormat::Binary,
                alternatives: Vec::new(),
                encoding: Vec::new(),
                doc: body.description.clone(),
            });
        }
        let mut media: Vec<(usize, Media, String)> = Vec::new();
        for (i, key) in body.content.keys().enumerate() {
            let schema_at = pointer(&content_at, &[key, "schema"]);
            let schema = self.raw.pointer(&schema_at);
            if let Some(format) = classify(key, schema) {
                let m = Media {
                    content_type: key.clone(),
                    format,
                };
                media.push((i, m, schema_at));
            }
        }
        media.sort_by_key(|(i, m, _)| (preference(m.format), *i));
        let Some((_, default, schema_at)) = media.first().cloned() else {
            let types: Vec<&String> = body.content.keys().collect();
            return Err(GenError::at(
                content_at,
                format!(
                    "no supported media type among {types:?}: JSON (and +json), form, multipart, text and binary bodies are supported"
                ),
            ));
        };
        let schema = self.raw.pointer(&schema_at);
        let ty = match (default.format, schema) {
            (f, Some(schema)) if f.is_structured() => {
                self.lower_type(schema, &schema_at, &format!("{} body", type_name.pascal))?
            }
            (f, None) if f.is_structured() => TypeRef::Any,
            (BodyFormat::Text, _) => TypeRef::String,
            _ => TypeRef::Bytes,
        };
        // Other media types are offered when they carry the same value: a structured body the
        // same schema, raw bodies any raw type (only the Content-Type differs).
        let alternatives: Vec<Media> = media[1..]
            .iter()
            .filter(|(_, m, at)| {
                if default.format.is_structured() {
                    m.format.is_structured() && self.raw.pointer(at) == schema
                } else {
                    !m.format.is_structured()
                }
            })
            .map(|(_, m, _)| Media {
                content_type: m.content_type.clone(),
                format: if default.format.is_structured() {
                    m.format
                } else {
                    default.format
                },
            })
            .collect();
        // Members' encodings from the first form or multipart media type offered.
        let encoding = std::iter::once(&default)
            .chain(&alternatives)
            .find(|m| matches!(m.format, BodyFormat::Form | BodyFormat::Multipart))
            .map(|m| self.encoding(&pointer(&content_at, &[&m.content_type, "encoding"])))
            .transpose()?
            .unwrap_or_default();
        Ok(RequestBody {
            ty,
            required: body.required,
            content_type: default.content_type,
            format: default.format,
            alternatives,
            encoding,
            doc: body.description.clone(),
        })
    }

    /// A media type's `encoding` map, with OpenAPI 3.0's defaults filled in: style `form`,
    /// `explode` true for `form`, false for the others.
    fn encoding(&self, at: &str) -> Result<Vec<PartEncoding>, GenError> {
        let Some(map) = self.raw.pointer(at) else {
            return Ok(Vec::new());
        };
        let Some(map) = map.as_object() else {
            return Err(GenError::at(at, "`encoding` must be a map of member names"));
        };
        let mut out = Vec::new();
        for (name, entry) in map {
            let entry_at = pointer(at, &[name]);
            let style = match entry.get("style").and_then(Value::as_str) {
                None => ParamStyle::Form,
                Some(s) => style_named(s).ok_or_else(|| {
                    GenError::at(
                        pointer(&entry_at, &["style"]),
                        format!(
                            "unknown style `{s}`: form, spaceDelimited, pipeDelimited or deepObject"
                        ),
                    )
                })?,
            };
            let explode = entry
                .get("explode")
                .and_then(Value::as_bool)
                .unwrap_or(style == ParamStyle::Form);
            out.push(PartEncoding {
                name: name.clone(),
                content_type: entry
                    .get("contentType")
                    .and_then(Value::as_str)
                    .map(str::to_string),
                style,
                explode,
            });
        }
        Ok(out)
    }
}

/// A parameter or encoding `style` by its name in the spec.
pub(super) fn style_named(name: &str) -> Option<ParamStyle> {
    Some(match name {
        "form" => ParamStyle::Form,
        "simple" => ParamStyle::Simple,
        "label" => ParamStyle::Label,
        "matrix" => ParamStyle::Matrix,
        "spaceDelimited" => ParamStyle::SpaceDelimited,
        "pipeDelimited" => ParamStyle::PipeDelimited,
        "deepObject" => ParamStyle::DeepObject,
        _ => return None,
    })
}

/// How a body of this media type is written, or `None` for what is not a media type at all.
/// `*/*` and `application/*` are JSON when the schema describes a value, octets otherwise.
pub(super) fn classify(media: &str, schema: Option<&Value>) -> Option<BodyFormat> {
    let essence = media
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    let (kind, sub) = essence.split_once('/')?;
    let binary_schema = schema.is_none_or(|s| {
        s.get("format").and_then(Value::as_str) == Some("binary")
            || s.as_object().is_some_and(|o| o.is_empty())
    });
    Some(match (kind, sub) {
        ("application", "json") | ("text", "json") => BodyFormat::Json,
        (_, sub) if sub.ends_with("+json") => BodyFormat::Json,
        ("*", "*") | ("application", "*") if !binary_schema => BodyFormat::Json,
        ("application", "x-www-form-urlencoded") => BodyFormat::Form,
        ("multipart", _) => BodyFormat::Multipart,
        ("text", _) => BodyFormat::Text,
        _ => BodyFormat::Binary,
    })
}

/// Which media type wins as the default: JSON, then form, multipart, text, octets.
fn preference(format: BodyFormat) -> u8 {
    match format {
        BodyFormat::Json => 0,
        BodyFormat::Form => 1,
        BodyFormat::Multipart => 2,
        BodyFormat::Text => 3,
        BodyFormat::Binary => 4,
    }
}
