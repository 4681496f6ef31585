//! Responses: the success answers an operation decodes, and the error statuses it documents.

use openapiv3::StatusCode;

use super::Builder;
use super::bodies::classify;
use crate::error::{GenError, pointer};
use crate::model::*;

impl<'a> Builder<'a> {
    pub(super) fn lower_responses(
        &mut self,
        op: &openapiv3::Operation,
        at: &str,
        type_name: &Name,
    ) -> Result<(SuccessResponse, Vec<u16>), GenError> {
        let mut successes: Vec<StatusVariant> = Vec::new();
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
            if !(200..300).contains(&status) {
                continue;
            }
            let code_text = code.to_string();
            let (response, r_at) = self.resolve_component(
                response,
                &pointer(at, &["responses", &code_text]),
                "a response",
            )?;
            // Later answers' inline types are named after their status, the first one plainly.
            let hint = match successes.len() {
                0 => format!("{} response", type_name.pascal),
                _ => format!("{} response {}", type_name.pascal, status_name(code)),
            };
            let body = self.answer_body(&response, &r_at, &hint)?;
            successes.push(StatusVariant {
                status,
                name: Name::new(&status_name(code)),
                body,
                doc: Some(response.description.trim().to_string()).filter(|d| !d.is_empty()),
            });
        }
        let Some(first) = successes.first() else {
            return Ok((
                SuccessResponse {
                    status: 200,
                    body: None,
                    variants: Vec::new(),
                },
                errors,
            ));
        };
        let same = successes.iter().all(|s| s.body == first.body);
        let response = SuccessResponse {
            status: first.status,
            body: first.body.clone(),
            variants: if same { Vec::new() } else { successes },
        };
        Ok((response, errors))
    }

    /// What one answer carries: JSON (and +json) decoded into a type, text, or octets; `None`
    /// when it declares no content.
    fn answer_body(
        &mut self,
        response: &openapiv3::Response,
        r_at: &str,
        hint: &str,
    ) -> Result<Option<(TypeRef, BodyFormat)>, GenError> {
        let mut best: Option<(u8, &String, BodyFormat)> = None;
        for key in response.content.keys() {
            let schema = self
                .raw
                .pointer(&pointer(r_at, &["content", key, "schema"]));
            let format = match classify(key, schema) {
                Some(BodyFormat::Json) => BodyFormat::Json,
                Some(BodyFormat::Text) => BodyFormat::Text,
                // A form or multipart answer is rare enough to hand over as octets.
                Some(_) => BodyFormat::Binary,
                None => continue,
            };
            let rank = match format {
                BodyFormat::Json => 0,
                BodyFormat::Text => 1,
                _ => 2,
            };
            if best.as_ref().is_none_or(|(r, _, _)| rank < *r) {
                best = Some((rank, key, format));
            }
        }
        let Some((_, media, format)) = best else {
            return Ok(None);
        };
        let schema_at = pointer(r_at, &["content", media, "schema"]);
        let ty = match (format, self.raw.pointer(&schema_at)) {
            (BodyFormat::Json, Some(schema)) => self.lower_type(schema, &schema_at, hint)?,
            (BodyFormat::Json, None) => TypeRef::Any,
            (BodyFormat::Text, _) => TypeRef::String,
            _ => TypeRef::Bytes,
        };
        Ok(Some((ty, format)))
    }
}

/// A name for a success status: the reason phrase for the common ones.
fn status_name(code: &StatusCode) -> String {
    match code {
        StatusCode::Range(_) => "Success".to_string(),
        StatusCode::Code(c) => match c {
            200 => "Ok".to_string(),
            201 => "Created".to_string(),
            202 => "Accepted".to_string(),
            203 => "Non Authoritative".to_string(),
            204 => "No Content".to_string(),
            205 => "Reset Content".to_string(),
            206 => "Partial Content".to_string(),
            207 => "Multi Status".to_string(),
            other => format!("Status {other}"),
        },
    }
}
