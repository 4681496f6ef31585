//! Names generated code keeps for itself, and how schemas and variants are named.

use serde_json::Value;

use super::Builder;
use crate::error::{GenError, pointer};
use crate::load::resolve_ref_at;
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

/// The `Name` of the type a scope named `pascal` (`TypeDef::name`): emitters spell a type by its
/// PascalCase name and a reference to it by `TypeRef::Named`, which holds that same `pascal`, so
/// both are kept exactly as claimed. (Spelling a PascalCase name again is not always the same
/// name: `a/b` is `AB`, and `AB` is `Ab`.)
pub(super) fn type_name(pascal: &str) -> Name {
    let mut name = Name::new(pascal);
    name.original = pascal.to_string();
    name.pascal = pascal.to_string();
    name
}

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

/// A name for the schema at `pointer` (a decoded JSON pointer) from where it is: the component's
/// key, or the operation and what of it holds the schema (`listPets response`, as an inline
/// schema there is named), then the way into the schema (`Pet owner`, `Pet tags item`). `None`
/// when no schema lives there (a `$ref` to a parameter itself, an example, an extension).
pub(super) fn schema_hint(raw: &Value, pointer: &str) -> Option<String> {
    let tokens: Vec<String> = pointer
        .strip_prefix('/')?
        .split('/')
        .map(|t| t.replace("~1", "/").replace("~0", "~"))
        .collect();
    let tokens: Vec<&str> = tokens.iter().map(String::as_str).collect();
    let mut words: Vec<String> = Vec::new();
    let inner = match tokens.as_slice() {
        ["components", "schemas", key, rest @ ..] => {
            words.push(key.to_string());
            rest
        }
        ["components", "parameters" | "headers", key, rest @ ..] => {
            words.push(key.to_string());
            parameter_schema(rest)?
        }
        ["components", "requestBodies", key, rest @ ..] => {
            words.push(key.to_string());
            media_schema(rest)?
        }
        ["components", "responses", key, rest @ ..] => {
            words.push(key.to_string());
            response_schema(rest, &mut words)?
        }
        ["paths", path, "parameters", i, rest @ ..] => {
            words.push(parameter_name(raw, &["paths", path, "parameters", i])?);
            parameter_schema(rest)?
        }
        ["paths", path, method, what, rest @ ..] if HTTP_METHODS.contains(method) => {
            let id = raw
                .pointer(&crate::error::pointer(
                    "",
                    &["paths", path, method, "operationId"],
                ))
                .and_then(Value::as_str)
                .map(str::to_string)
                .unwrap_or_else(|| format!("{method} {path}"));
            words.push(id);
            match (*what, rest) {
                ("parameters", [i, rest @ ..]) => {
                    words.push(parameter_name(
                        raw,
                        &["paths", path, method, "parameters", i],
                    )?);
                    parameter_schema(rest)?
                }
                ("requestBody", rest) => {
                    words.push("body".into());
                    media_schema(rest)?
                }
                ("responses", [_status, rest @ ..]) => {
                    words.push("response".into());
                    response_schema(rest, &mut words)?
                }
                _ => return None,
            }
        }
        _ => return None,
    };
    let mut rest = inner;
    while !rest.is_empty() {
        rest = match rest {
            ["properties", name, more @ ..] => {
                words.push(name.to_string());
                more
            }
            ["items", more @ ..] => {
                words.push("item".into());
                more
            }
            ["additionalProperties", more @ ..] => {
                words.push("value".into());
                more
            }
            ["not", more @ ..] => {
                words.push("not".into());
                more
            }
            ["allOf", i, more @ ..] => {
                words.push(format!("part {i}"));
                more
            }
            ["oneOf" | "anyOf", i, more @ ..] => {
                words.push(format!("variant {i}"));
                more
            }
            _ => return None,
        };
    }
    Some(words.join(" "))
}

const HTTP_METHODS: &[&str] = &[
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// The schema part of what follows a parameter or header: `schema/...` or
/// `content/{media}/schema/...`.
fn parameter_schema<'t>(rest: &'t [&'t str]) -> Option<&'t [&'t str]> {
    match rest {
        ["schema", inner @ ..] => Some(inner),
        _ => media_schema(rest),
    }
}

fn media_schema<'t>(rest: &'t [&'t str]) -> Option<&'t [&'t str]> {
    match rest {
        ["content", _media, "schema", inner @ ..] => Some(inner),
        _ => None,
    }
}

/// The schema part of what follows a response: its content, or one of its headers (whose name
/// joins the words).
fn response_schema<'t>(rest: &'t [&'t str], words: &mut Vec<String>) -> Option<&'t [&'t str]> {
    match rest {
        ["headers", header, more @ ..] => {
            words.push(header.to_string());
            parameter_schema(more)
        }
        _ => media_schema(rest),
    }
}

/// The `name` of the parameter at these tokens.
fn parameter_name(raw: &Value, tokens: &[&str]) -> Option<String> {
    raw.pointer(&crate::error::pointer("", tokens))?
        .get("name")?
        .as_str()
        .map(str::to_string)
}

/// A name for the union variant `variant` (whose schema, references followed, is `node`).
pub(super) fn variant_name(raw: &Value, variant: &Value, node: &Value, index: usize) -> String {
    if let Some(target) = variant.get("$ref").and_then(Value::as_str) {
        if let Some(hint) = resolve_ref_at(raw, target)
            .ok()
            .and_then(|(_, at)| schema_hint(raw, &at))
        {
            return hint;
        }
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
