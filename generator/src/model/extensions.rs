//! The `x-pc-*` vendor extensions (documented at the top of the spec and in docs/contract.md §1).
//!
//! Each reader takes the extension's JSON value and the pointer where it sits, and returns a
//! typed value or an error naming that pointer. Unknown `x-pc-*` keys are errors, so a typo in
//! the spec cannot silently switch a behaviour off.

use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::error::{GenError, pointer};
use crate::load::NodePath;

/// Every extension the generator understands, and where it may appear.
pub const KNOWN: &[(&str, &str)] = &[
    ("x-pc-client-headers", "the document root"),
    ("x-pc-clouds", "a server"),
    ("x-pc-method", "an operation"),
    ("x-pc-paging", "an operation"),
    ("x-pc-exists", "an operation"),
    ("x-pc-idempotent", "an operation"),
    ("x-pc-if-match", "an operation"),
    ("x-pc-requires-app-user", "an operation"),
    ("x-pc-secret", "a schema property"),
    ("x-pc-closed-enum", "an enum schema"),
    ("x-pc-country-required", "an object schema"),
    ("x-pc-property-case", "an example"),
];

/// Read one extension into `T`, with a message that names the pointer when its shape is wrong.
pub fn read<T: DeserializeOwned>(value: &Value, at: &str, key: &str) -> Result<T, GenError> {
    serde_json::from_value(value.clone())
        .map_err(|e| GenError::at(pointer(at, &[key]), format!("malformed `{key}`: {e}")))
}

/// Reject `x-pc-*` keys that are not ours, wherever they appear.
pub fn check_known(raw: &Value) -> Result<(), GenError> {
    fn walk<'v>(v: &'v Value, at: &mut NodePath<'v>) -> Result<(), GenError> {
        match v {
            Value::Object(map) => {
                for (key, value) in map {
                    if key.starts_with("x-pc-") && !KNOWN.iter().any(|(k, _)| k == key) {
                        let known: Vec<&str> = KNOWN.iter().map(|(k, _)| *k).collect();
                        return Err(GenError::at(
                            at.pointer_to(key),
                            format!(
                                "unknown extension `{key}`; known ones are {}",
                                known.join(", ")
                            ),
                        ));
                    }
                    // Example values are data, not spec.
                    if at.is_example_key(key) {
                        continue;
                    }
                    at.push_key(key);
                    walk(value, at)?;
                    at.pop();
                }
                Ok(())
            }
            Value::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    at.push_index(i);
                    walk(item, at)?;
                    at.pop();
                }
                Ok(())
            }
            _ => Ok(()),
        }
    }
    walk(raw, &mut NodePath::default())
}

#[derive(Debug, Deserialize, Default)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ClientHeadersExt {
    pub request_id: Option<String>,
    pub correlation_id: Option<String>,
    pub locale: Option<String>,
    pub application: Option<String>,
    pub contract_version: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PagingExt {
    pub items_field: String,
    pub token_field: String,
    pub token_header: String,
    pub seek_parameter: Option<String>,
    pub seek_value: Option<String>,
    #[serde(default)]
    pub next_link_field: Option<String>,
    pub total_count_field: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ExistsExt {
    pub true_status: u16,
    pub false_status: u16,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct IdempotentExt {
    #[allow(dead_code)]
    // Documents which header carries the idempotency key; the client sends it on every call.
    pub header: String,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct IfMatchExt {
    pub header: String,
    pub body_field: String,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CountryRuleExt {
    pub field: String,
    pub country_field: String,
    pub countries: Vec<String>,
    pub error_code: Option<i64>,
}
