//! Names generated code keeps for itself, and how schemas and variants are named.

use serde_json::Value;

use super::Builder;
use crate::error::{GenError, pointer};
use crate::model::Name;

/// Names a request builder uses for itself; parameters are renamed around them.
pub(super) const BUILDER_RESERVED: &[&str] = &[
    "client",
    "options",
    "body",
    "send",
    "send_with_response",
    "stream",
    "into_future",
    "request_id",
    "timeout",
    "header",
    "retry",
    "continuation_token",
    "media_type",
    "new",
    // Python: method parameters beside the call options and the receiver.
    "headers",
    "self",
    "cls",
];

/// Type names that would shadow what generated code uses unqualified (Rust's prelude, the
/// validation trait) or a target language's global types; a schema with such a name gets a suffix.
pub(super) const RESERVED_TYPE_NAMES: &[&str] = &[
    "String",
    "Vec",
    "Option",
    "Box",
    "Result",
    "Some",
    "None",
    "Ok",
    "Err",
    "Self",
    "Default",
    "Validate",
    "Validator",
];

impl<'a> Builder<'a> {
    pub(super) fn name_components(&mut self) -> Result<(), GenError> {
        for (key, _) in self.component_schemas() {
            let name = self.type_names.claim(Name::new(&key));
            self.components
                .insert(pointer("/components/schemas", &[&key]), name.pascal.clone());
        }
        Ok(())
    }
}

impl Name {
    /// Keep the spelling `scope.claim` chose but remember the wire name.
    pub(super) fn with_original(mut self, original: &str) -> Name {
        self.original = original.to_string();
        self
    }
}

pub(super) fn variant_name(variant: &Value, node: &Value, index: usize) -> String {
    if let Some(target) = variant.get("$ref").and_then(Value::as_str) {
        return target.rsplit('/').next().unwrap_or("Variant").to_string();
    }
    if let Some(title) = node.get("title").and_then(Value::as_str) {
        return title.to_string();
    }
    // An object with exactly one required property is named after it ({"Attached": ...}).
    if let Some(Value::Array(req)) = node.get("required")
        && let [Value::String(only)] = req.as_slice()
    {
        return only.clone();
    }
    if node.get("enum").is_some() {
        return if index == 0 {
            "Named".into()
        } else {
            format!("Named {index}")
        };
    }
    match node.get("type").and_then(Value::as_str) {
        Some(t) => t.to_string(),
        None => format!("Variant {index}"),
    }
}
