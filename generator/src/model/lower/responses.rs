//! Responses: the success answer an operation decodes, and the error statuses it documents.

use std::borrow::Cow;

use openapiv3::{ReferenceOr, StatusCode};

use super::Builder;
use super::bodies::pick_media;
use crate::error::{GenError, pointer};
use crate::load::resolve_ref;
use crate::model::*;

impl<'a> Builder<'a> {
    pub(super) fn lower_responses(
        &mut self,
        op: &openapiv3::Operation,
        at: &str,
        type_name: &Name,
    ) -> Result<(SuccessResponse, Vec<u16>), GenError> {
        let mut success: Option<SuccessResponse> = None;
        let mut errors = Vec::new();
        for (code, response) in op.responses.responses.iter() {
            let status = match code {
                StatusCode::Code(c) => *c,
                StatusCode::Range(r) => r * 100,
            };
            if status >= 400 {
                errors.push(status);
                continue;
            }
            if !(200..300).contains(&status) || success.is_some() {
                continue;
            }
            let code_text = code.to_string();
            let r_at = pointer(at, &["responses", &code_text]);
            let (response, r_at) = match response {
                ReferenceOr::Item(r) => (Cow::Borrowed(r), r_at),
                ReferenceOr::Reference { reference } => {
                    let node = resolve_ref(self.raw, reference)
                        .map_err(|m| GenError::at(r_at.clone(), m))?;
                    let r: openapiv3::Response = serde_json::from_value(node.clone())
                        .map_err(|e| GenError::at(r_at.clone(), format!("not a response: {e}")))?;
                    (Cow::Owned(r), reference.trim_start_matches('#').to_string())
                }
            };
            let body = match pick_media(response.content.keys()) {
                None => None,
                Some((media, format)) => {
                    let schema_at = pointer(&r_at, &["content", &media, "schema"]);
                    let ty = match (format, self.raw.pointer(&schema_at)) {
                        (BodyFormat::Json, Some(schema)) => self.lower_type(
                            schema,
                            &schema_at,
                            &format!("{} response", type_name.pascal),
                        )?,
                        (BodyFormat::Json, None) => TypeRef::Any,
                        (BodyFormat::Text, _) => TypeRef::String,
                        (BodyFormat::Binary, _) => TypeRef::Bytes,
                    };
                    Some((ty, format))
                }
            };
            success = Some(SuccessResponse { status, body });
        }
        Ok((
            success.unwrap_or(SuccessResponse {
                status: 200,
                body: None,
            }),
            errors,
        ))
    }
}
