//! Load a spec: parse YAML or JSON, check it is OpenAPI 3.0, check every `$ref`, then type it.
//!
//! Checks run on the untyped JSON first, because that is where a JSON pointer to the offending
//! node is cheap to give. Only then is the document deserialised into `openapiv3` types, with
//! `serde_path_to_error` so that a shape error still names its place.

use std::collections::{BTreeSet, HashSet};
use std::path::Path;

use serde_json::Value;

use crate::error::{GenError, escape_token};
use crate::parallel;

pub struct Spec {
    /// As shown in messages and generated headers.
    pub name: String,
    pub raw: Value,
    pub openapi: openapiv3::OpenAPI,
}

pub fn load(path: &Path, name: &str) -> Result<Spec, GenError> {
    parse(&read(path, name)?, name)
}

pub(crate) fn read(path: &Path, name: &str) -> Result<String, GenError> {
    std::fs::read_to_string(path)
        .map_err(|e| GenError::io(name, format!("cannot read the spec: {e}")))
}

pub fn parse(text: &str, name: &str) -> Result<Spec, GenError> {
    parse_inner(text)
        .map_err(|e| e.in_file(name))
        .map(|(raw, openapi)| Spec {
            name: name.to_string(),
            raw,
            openapi,
        })
}

fn parse_inner(text: &str) -> Result<(Value, openapiv3::OpenAPI), GenError> {
    let raw = parse_untyped(text)?;
    // The reference check and the typed deserialisation both only read the document: run them
    // side by side, and report as if one ran after the other (a bad `$ref` first).
    // (The typed document stays on this thread: it is the one that allocates much.)
    let (refs, openapi) = parallel::join(
        text.len() >= parallel::LARGE_SPEC,
        || check_refs(&raw),
        || typed(&raw),
    );
    refs?;
    Ok((raw, openapi?))
}

/// The document as JSON, checked to be OpenAPI 3.0: the first step of `parse`.
pub(crate) fn parse_untyped(text: &str) -> Result<Value, GenError> {
    let raw = parse_document(text)?;
    check_version(&raw)?;
    Ok(raw)
}

/// The document in `openapiv3` types (the last step of `parse`, after `check_refs`).
pub(crate) fn typed(raw: &Value) -> Result<openapiv3::OpenAPI, GenError> {
    serde_path_to_error::deserialize::<_, openapiv3::OpenAPI>(raw).map_err(|e| {
        let (pointer, message) =
            narrow(raw).unwrap_or_else(|| (path_to_pointer(e.path()), e.inner().to_string()));
        GenError::at(
            pointer,
            format!("not a valid OpenAPI 3.0 document here: {message}"),
        )
    })
}

/// openapiv3 flattens some maps (paths, responses), which hides the failing key from
/// `serde_path_to_error`. Deserialise the nodes below those maps one at a time to find the
/// deepest one that fails.
fn narrow(raw: &Value) -> Option<(String, String)> {
    fn try_node<T: serde::de::DeserializeOwned>(
        node: &Value,
        at: &str,
    ) -> Option<(String, String)> {
        serde_path_to_error::deserialize::<_, T>(node)
            .err()
            .map(|e| {
                (
                    format!("{at}{}", path_to_pointer(e.path())),
                    e.inner().to_string(),
                )
            })
    }
    const METHODS: &[&str] = &[
        "get", "put", "post", "delete", "options", "head", "patch", "trace",
    ];
    for (path, item) in raw.get("paths")?.as_object()? {
        let item_at = format!("/paths/{}", escape_token(path));
        for (method, op) in item.as_object().into_iter().flatten() {
            if !METHODS.contains(&method.as_str()) {
                continue;
            }
            let op_at = format!("{item_at}/{}", escape_token(method));
            let Some(failure) = try_node::<openapiv3::Operation>(op, &op_at) else {
                continue;
            };
            match op.get("responses") {
                Some(Value::Object(responses)) => {
                    for (code, response) in responses {
                        let at = format!("{op_at}/responses/{}", escape_token(code));
                        if let Some(found) =
                            try_node::<openapiv3::ReferenceOr<openapiv3::Response>>(response, &at)
                        {
                            return Some(found);
                        }
                    }
                }
                Some(_) => {
                    return Some((
                        format!("{op_at}/responses"),
                        "`responses` must be a map of status codes".into(),
                    ));
                }
                None => {}
            }
            return Some(failure);
        }
        if let Some(found) = try_node::<openapiv3::PathItem>(item, &item_at) {
            return Some(found);
        }
    }
    None
}

fn parse_document(text: &str) -> Result<Value, GenError> {
    let syntax_error = |what: &str, line: usize, column: usize, message: String| GenError {
        file: String::new(),
        pointer: None,
        line: Some((line, column)),
        message: format!("invalid {what}: {message}"),
    };
    if text.trim_start().starts_with('{') {
        serde_json::from_str(text)
            .map_err(|e| syntax_error("JSON", e.line(), e.column(), e.to_string()))
    } else {
        crate::yaml::parse(text).map_err(|e| {
            let (line, column) = e
                .location()
                .map(|l| (l.line(), l.column()))
                .unwrap_or((0, 0));
            syntax_error("YAML", line, column, e.to_string())
        })
    }
}

fn check_version(raw: &Value) -> Result<(), GenError> {
    let Value::Object(root) = raw else {
        return Err(GenError::at(
            "",
            "the document must be a mapping with an `openapi` field",
        ));
    };
    if let Some(swagger) = root.get("swagger") {
        return Err(GenError::at(
            "/swagger",
            format!(
                "Swagger {} is not supported: convert the spec to OpenAPI 3.0 first",
                scalar_text(swagger)
            ),
        ));
    }
    let version = match root.get("openapi") {
        Some(Value::String(v)) => v.as_str(),
        Some(other) => {
            return Err(GenError::at(
                "/openapi",
                format!("`openapi` must be a string like \"3.0.3\", found {other}"),
            ));
        }
        None => {
            return Err(GenError::at(
                "",
                "missing `openapi` field: this is not an OpenAPI 3.0 document",
            ));
        }
    };
    if version.starts_with("3.0") {
        Ok(())
    } else if version.starts_with("3.") {
        Err(GenError::at(
            "/openapi",
            format!(
                "OpenAPI {version} is not supported yet: only OpenAPI 3.0.x is (3.1 changes the schema language)"
            ),
        ))
    } else {
        Err(GenError::at(
            "/openapi",
            format!("OpenAPI {version} is not supported: only OpenAPI 3.0.x is"),
        ))
    }
}

fn scalar_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Every `$ref` must be local and resolve, and no `$ref` may lead back to itself through refs alone.
pub(crate) fn check_refs(raw: &Value) -> Result<(), GenError> {
    let mut found = Vec::new();
    collect_refs(raw, &mut NodePath::default(), &mut found);
    let mut refs = Vec::with_capacity(found.len());
    for (at, target) in found {
        let Some(target) = target else {
            return Err(GenError::at(
                at,
                "`$ref` must be a string such as '#/components/schemas/Name'",
            ));
        };
        resolve_ref(raw, target).map_err(|message| GenError::at(at.clone(), message))?;
        refs.push((at, target));
    }
    // Targets whose chain of references ends without a cycle. Any `$ref` to one of them ends
    // too: a chain from such a `$ref` that came back to it would pass its target twice.
    let mut ends: HashSet<&str> = HashSet::new();
    for (at, target) in &refs {
        if ends.contains(target) {
            continue;
        }
        let mut seen = BTreeSet::new();
        let mut current = *target;
        seen.insert(at.trim_end_matches("/$ref").to_string());
        loop {
            let pointer = current.trim_start_matches('#').to_string();
            if !seen.insert(pointer) {
                return Err(GenError::at(
                    at.clone(),
                    format!("`$ref` cycle: {target} leads back to itself through references only"),
                ));
            }
            match resolve_ref(raw, current)
                .ok()
                .and_then(|v| v.get("$ref"))
                .and_then(Value::as_str)
            {
                Some(next) => current = next,
                None => break,
            }
        }
        ends.insert(target);
    }
    Ok(())
}

/// Every `$ref` with its pointer; `None` when the `$ref` is not a string.
fn collect_refs<'v>(v: &'v Value, at: &mut NodePath<'v>, out: &mut Vec<(String, Option<&'v str>)>) {
    match v {
        Value::Object(map) => {
            for (key, value) in map {
                // (A property may be *named* `$ref`; that one is a schema, not a reference.)
                if key == "$ref" && !at.ends_with_key("properties") {
                    out.push((at.pointer_to(key), value.as_str()));
                    continue;
                }
                // Example values are data, not schema: a `$ref` key inside one is just a key.
                if at.is_example_key(key) {
                    continue;
                }
                at.push_key(key);
                collect_refs(value, at, out);
                at.pop();
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                at.push_index(i);
                collect_refs(item, at, out);
                at.pop();
            }
        }
        _ => {}
    }
}

/// Where a walk of the document is, as the tokens of a JSON pointer. The walks over every node
/// (`$ref`s, `x-pc-*` keys) keep this stack and only spell a pointer for the few nodes they
/// report, instead of formatting one string per node.
#[derive(Debug, Default)]
pub(crate) struct NodePath<'v> {
    tokens: Vec<Token<'v>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Token<'v> {
    Key(&'v str),
    Index(usize),
}

impl<'v> NodePath<'v> {
    pub(crate) fn push_key(&mut self, key: &'v str) {
        self.tokens.push(Token::Key(key));
    }

    pub(crate) fn push_index(&mut self, index: usize) {
        self.tokens.push(Token::Index(index));
    }

    pub(crate) fn pop(&mut self) {
        self.tokens.pop();
    }

    /// The pointer of this node (`""` at the root).
    pub(crate) fn pointer(&self) -> String {
        let mut out = String::new();
        for token in &self.tokens {
            out.push('/');
            match token {
                Token::Key(key) => out.push_str(&escape_token(key)),
                Token::Index(i) => out.push_str(&i.to_string()),
            }
        }
        out
    }

    /// The pointer of this node's member `key`.
    pub(crate) fn pointer_to(&self, key: &str) -> String {
        let mut out = self.pointer();
        out.push('/');
        out.push_str(&escape_token(key));
        out
    }

    /// Whether this node's pointer ends with `/{key}`.
    pub(crate) fn ends_with_key(&self, key: &str) -> bool {
        self.tokens.last() == Some(&Token::Key(key))
    }

    /// Whether member `key` of this node holds example data rather than spec: an `example`, or
    /// the `value` of an entry below some `examples` (this node's pointer contains `/examples/`).
    pub(crate) fn is_example_key(&self, key: &str) -> bool {
        key == "example"
            || key == "value"
                && self
                    .tokens
                    .split_last()
                    .is_some_and(|(_, above)| above.contains(&Token::Key("examples")))
    }
}

/// Follow a local reference (`#/components/schemas/Foo`) to its node.
pub fn resolve_ref<'a>(raw: &'a Value, target: &str) -> Result<&'a Value, String> {
    resolve_ref_at(raw, target).map(|(node, _)| node)
}

/// `resolve_ref`, with the JSON pointer of the node. The fragment of a reference is
/// percent-encoded (`#/paths/~1pets~1%7Bid%7D` is the path `/pets/{id}`): the pointer is the
/// decoded fragment, so that every spelling of one target gives one pointer. (A fragment that
/// only resolves as written, a key with a literal `%`, is taken as written.)
pub fn resolve_ref_at<'a>(raw: &'a Value, target: &str) -> Result<(&'a Value, String), String> {
    let Some(fragment) = target.strip_prefix('#') else {
        return Err(format!(
            "`$ref: {target}` points outside this file; only local references (`#/...`) are supported"
        ));
    };
    let decoded = percent_decode(fragment);
    decoded
        .iter()
        .map(String::as_str)
        .chain([fragment])
        .find_map(|pointer| raw.pointer(pointer).map(|node| (node, pointer.to_string())))
        .ok_or_else(|| format!("`$ref: {target}` points to nothing in this document"))
}

/// `%XX` escapes decoded; `None` when there are none, or they do not decode to UTF-8.
fn percent_decode(s: &str) -> Option<String> {
    if !s.contains('%') {
        return None;
    }
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        match (
            bytes[i],
            bytes.get(i + 1).copied().and_then(hex),
            bytes.get(i + 2).copied().and_then(hex),
        ) {
            (b'%', Some(hi), Some(lo)) => {
                out.push((hi * 16 + lo) as u8);
                i += 3;
            }
            (b, _, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8(out).ok()
}

fn path_to_pointer(path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    let mut out = String::new();
    for segment in path.iter() {
        out.push('/');
        match segment {
            Segment::Seq { index } => out.push_str(&index.to_string()),
            Segment::Map { key } => out.push_str(&escape_token(key)),
            Segment::Enum { variant } => out.push_str(&escape_token(variant)),
            Segment::Unknown => out.push('?'),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(text: &str) -> GenError {
        match parse(text, "t.yaml") {
            Ok(_) => panic!("expected an error"),
            Err(e) => e,
        }
    }

    const MINIMAL: &str = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\n";

    #[test]
    fn accepts_minimal_yaml_and_json() {
        assert!(parse(MINIMAL, "t.yaml").is_ok());
        let json = r#"{"openapi":"3.0.0","info":{"title":"t","version":"1"},"paths":{}}"#;
        assert!(parse(json, "t.json").is_ok());
    }

    #[test]
    fn rejects_swagger_2_and_openapi_3_1_with_pointer() {
        let e = err("swagger: '2.0'\ninfo: {title: t, version: '1'}\npaths: {}\n");
        assert_eq!(e.pointer.as_deref(), Some("/swagger"));
        assert!(
            e.to_string().contains("Swagger 2.0 is not supported"),
            "{e}"
        );
        let e = err("openapi: 3.1.0\ninfo: {title: t, version: '1'}\npaths: {}\n");
        assert_eq!(e.pointer.as_deref(), Some("/openapi"));
        assert!(e.message.contains("3.1.0"));
    }

    #[test]
    fn dangling_and_external_refs_are_named() {
        let text = format!(
            "{MINIMAL}components:\n  schemas:\n    A:\n      $ref: '#/components/schemas/Missing'\n"
        );
        let e = err(&text);
        assert_eq!(e.pointer.as_deref(), Some("/components/schemas/A/$ref"));
        assert!(e.message.contains("points to nothing"), "{e}");
        let text =
            format!("{MINIMAL}components:\n  schemas:\n    A:\n      $ref: 'other.yaml#/X'\n");
        assert!(err(&text).message.contains("outside this file"));
    }

    #[test]
    fn refs_are_percent_decoded() {
        let text = format!(
            "{MINIMAL}components:\n  schemas:\n    'A b':\n      type: string\n    '100%':\n      type: string\n"
        );
        let spec = parse(&text, "t.yaml").unwrap();
        let (_, at) = resolve_ref_at(&spec.raw, "#/components/schemas/A%20b").unwrap();
        assert_eq!(at, "/components/schemas/A b");
        let (_, at) = resolve_ref_at(&spec.raw, "#/components/schemas/100%").unwrap();
        assert_eq!(at, "/components/schemas/100%");
        assert!(resolve_ref_at(&spec.raw, "#/components/schemas/A%20c").is_err());
    }

    #[test]
    fn ref_cycles_are_detected() {
        let text = format!(
            "{MINIMAL}components:\n  schemas:\n    A:\n      $ref: '#/components/schemas/B'\n    B:\n      $ref: '#/components/schemas/A'\n"
        );
        let e = err(&text);
        assert!(e.message.contains("cycle"), "{e}");
    }

    #[test]
    fn syntax_errors_have_a_line() {
        let e = err("openapi: 3.0.3\ninfo: [unclosed\n");
        assert!(e.line.is_some(), "{e:?}");
        assert!(e.to_string().starts_with("t.yaml:"), "{e}");
    }

    #[test]
    fn shape_errors_have_a_pointer() {
        let e = err(
            "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /x:\n    get:\n      responses: 7\n",
        );
        assert!(
            e.pointer
                .as_deref()
                .unwrap_or("")
                .starts_with("/paths/~1x/get"),
            "{e}"
        );
    }
}
