//! Reading request bodies the way Partner Center does.
//!
//! The .NET SDK and the docs send PascalCase with explicit nulls, other clients send
//! camelCase; the service (Json.NET) matches names case-insensitively and treats null as
//! "not given". We therefore normalise every body once: all object keys lower-cased at
//! every depth and null members removed. Handlers then look fields up by lower-case name,
//! and anything they do not look up (unknown or server-assigned fields) is ignored.

use axum::body::Body;
use axum::http::{HeaderMap, header};
use serde_json::{Map, Value};

use crate::errors::ApiError;

/// Reads, size-checks and parses a JSON request body, returning the normalised value.
pub async fn read_json(headers: &HeaderMap, body: Body, limit: usize) -> Result<Value, ApiError> {
    check_content_type(headers)?;
    if let Some(len) = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok())
        && len > limit as u64
    {
        return Err(too_large(limit));
    }
    let bytes = axum::body::to_bytes(body, limit)
        .await
        .map_err(|_| too_large(limit))?;
    parse_json(&bytes).map(normalize)
}

fn too_large(limit: usize) -> ApiError {
    ApiError::bad_input(format!(
        "the request body exceeds the limit of {limit} bytes"
    ))
}

/// JSON only (reference §1): `application/json`, `text/json` or any `+json` type,
/// parameters such as charset ignored.
fn check_content_type(headers: &HeaderMap) -> Result<(), ApiError> {
    let Some(value) = headers.get(header::CONTENT_TYPE) else {
        return Err(ApiError::bad_input("Content-Type must be application/json"));
    };
    let ok = value.to_str().ok().is_some_and(|v| {
        let essence = v
            .split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase();
        essence == "application/json" || essence == "text/json" || essence.ends_with("+json")
    });
    if ok {
        Ok(())
    } else {
        Err(ApiError::bad_input("Content-Type must be application/json"))
    }
}

/// Parses JSON. Json.NET (what the real service runs on) tolerates trailing commas, and
/// one of the documented create examples (seed 002) has them, so a body that fails only
/// because of trailing commas is accepted too. A UTF-8 BOM is skipped for the same reason.
pub fn parse_json(bytes: &[u8]) -> Result<Value, ApiError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match serde_json::from_slice::<Value>(bytes) {
        Ok(v) => Ok(v),
        Err(first) => {
            let cleaned = strip_trailing_commas(bytes);
            if cleaned.len() != bytes.len()
                && let Ok(v) = serde_json::from_slice::<Value>(&cleaned)
            {
                return Ok(v);
            }
            Err(ApiError::bad_input(format!("malformed JSON: {first}")))
        }
    }
}

/// Removes commas that directly precede `}` or `]` (ignoring whitespace), outside strings.
fn strip_trailing_commas(input: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(input.len());
    let mut in_string = false;
    let mut escaped = false;
    for (i, &b) in input.iter().enumerate() {
        if in_string {
            out.push(b);
            if escaped {
                escaped = false;
            } else if b == b'\\' {
                escaped = true;
            } else if b == b'"' {
                in_string = false;
            }
            continue;
        }
        match b {
            b'"' => {
                in_string = true;
                out.push(b);
            }
            b',' => {
                let next = input[i + 1..]
                    .iter()
                    .find(|c| !c.is_ascii_whitespace())
                    .copied();
                if !matches!(next, Some(b'}') | Some(b']')) {
                    out.push(b);
                }
            }
            _ => out.push(b),
        }
    }
    out
}

/// Lower-cases keys at every depth and removes null members. When two keys differ only in
/// case, the later one wins (as with Json.NET populating the same property twice).
pub fn normalize(value: Value) -> Value {
    match value {
        Value::Object(map) => {
            let mut out = Map::with_capacity(map.len());
            for (k, v) in map {
                if v.is_null() {
                    continue;
                }
                out.insert(k.to_lowercase(), normalize(v));
            }
            Value::Object(out)
        }
        Value::Array(items) => Value::Array(items.into_iter().map(normalize).collect()),
        other => other,
    }
}

/// Typed field access over a normalised object, collecting "path: message" errors
/// (reported together as one 400 3000).
pub struct Reader<'a> {
    pub errors: &'a mut Vec<String>,
}

impl Reader<'_> {
    /// A nested object; a non-object value is an error.
    pub fn object<'v>(&mut self, parent: &'v Value, key: &str, path: &str) -> Option<&'v Value> {
        match parent.get(key) {
            None => None,
            Some(v @ Value::Object(_)) => Some(v),
            Some(_) => {
                self.errors.push(format!("{path} must be an object"));
                None
            }
        }
    }

    /// A string field; a non-string value is an error. Leading and trailing whitespace is
    /// kept (echoed as sent), but callers check emptiness on the trimmed value.
    pub fn string(&mut self, parent: &Value, key: &str, path: &str) -> Option<String> {
        match parent.get(key) {
            None => None,
            Some(Value::String(s)) => Some(s.clone()),
            Some(_) => {
                self.errors.push(format!("{path} must be a string"));
                None
            }
        }
    }

    /// A required non-blank string.
    pub fn required(&mut self, parent: Option<&Value>, key: &str, path: &str) -> Option<String> {
        let parent = parent?;
        match self.string(parent, key, path) {
            Some(s) if !s.trim().is_empty() => Some(s),
            Some(_) => {
                self.errors.push(format!("{path} must not be empty"));
                None
            }
            None => {
                if parent.get(key).is_none() {
                    self.errors.push(format!("{path} is required"));
                }
                None
            }
        }
    }

    /// Checks a length in characters, as the reference's (min, max) table counts them.
    pub fn length(&mut self, value: Option<&str>, min: usize, max: usize, path: &str) {
        if let Some(v) = value {
            let n = v.chars().count();
            if n < min || n > max {
                if min == max {
                    self.errors
                        .push(format!("{path} must be exactly {min} characters long"));
                } else {
                    self.errors.push(format!(
                        "{path} must be between {min} and {max} characters long"
                    ));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalizes_keys_and_drops_nulls() {
        let v: Value =
            serde_json::from_str(r#"{"A":{"BcD":1,"x":null},"L":[{"Q":null,"R":2}]}"#).unwrap();
        assert_eq!(
            normalize(v),
            serde_json::json!({"a":{"bcd":1},"l":[{"r":2}]})
        );
    }

    #[test]
    fn tolerates_trailing_commas_only() {
        assert!(parse_json(br#"{"a":[1,2,],}"#).is_ok());
        assert!(parse_json(br#"{"a":",}"}"#).is_ok());
        assert!(parse_json(br#"{"a":1,,}"#).is_err());
        assert!(parse_json(b"{").is_err());
    }
}
