//! Import lines of the generated modules: only what the code uses, in isort's order.

use std::cmp::Ordering;
use std::collections::HashSet;

use serde::ser::{Serialize, SerializeMap, Serializer};
use serde_json::Value;

use super::types::conv_names;

/// `from module import names`, wrapped one name a line when it would pass 88 characters (isort).
pub(super) fn from_import(module: &str, names: &[&str]) -> String {
    let line = format!("from {module} import {}", names.join(", "));
    if line.len() <= 88 {
        return line;
    }
    let body: String = names.iter().map(|n| format!("    {n},\n")).collect();
    format!("from {module} import (\n{body})")
}

/// isort's order within one import, as ruff sorts the names: CONSTANTS, then Classes, then
/// functions; within each, case-insensitively in natural order (`Pet2` before `Pet10`), ties
/// broken case-sensitively.
pub(super) fn isort_cmp(a: &str, b: &str) -> Ordering {
    name_kind(a)
        .cmp(&name_kind(b))
        .then_with(|| natural_cmp(&a.to_lowercase(), &b.to_lowercase()))
        .then_with(|| natural_cmp(a, b))
}

/// The order ruff wants an `__all__` in (RUF022): as `isort_cmp`, but case-sensitively
/// (`WorkerTask` before `WorkersResult`, which an import sorts the other way round).
pub(super) fn dunder_all_cmp(a: &str, b: &str) -> Ordering {
    name_kind(a)
        .cmp(&name_kind(b))
        .then_with(|| natural_cmp(a, b))
}

/// CONSTANTS, Classes, functions.
fn name_kind(name: &str) -> u8 {
    if name
        .chars()
        .all(|c| c.is_ascii_uppercase() || c == '_' || c.is_ascii_digit())
    {
        0
    } else if name.starts_with(|c: char| c.is_ascii_uppercase()) {
        1
    } else {
        2
    }
}

/// Natural order: runs of digits compare as numbers, everything else character by character.
fn natural_cmp(a: &str, b: &str) -> Ordering {
    let (mut a, mut b) = (a, b);
    loop {
        let (Some(x), Some(y)) = (a.chars().next(), b.chars().next()) else {
            return a.len().cmp(&b.len());
        };
        if x.is_ascii_digit() && y.is_ascii_digit() {
            let run = |s: &str| s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
            let (na, nb) = (&a[..run(a)], &b[..run(b)]);
            let (ta, tb) = (na.trim_start_matches('0'), nb.trim_start_matches('0'));
            let by_value = ta.len().cmp(&tb.len()).then_with(|| ta.cmp(tb));
            if by_value != Ordering::Equal {
                return by_value;
            }
            a = &a[na.len()..];
            b = &b[nb.len()..];
        } else if x != y {
            return x.cmp(&y);
        } else {
            a = &a[x.len_utf8()..];
            b = &b[y.len_utf8()..];
        }
    }
}

/// The import lines of `_client.py`: only what the generated methods use.
pub(super) fn client_imports(
    groups: &[Value],
    // The names `_models.py` defines (enums, structs, aliases, typed dicts), as template values.
    model_names: &[&[Value]],
    clouds: bool,
) -> Vec<String> {
    // Code only: a name that appears in a docstring is not a use.
    let text = serde_json::to_string(&CodeOnly(groups)).unwrap_or_default();
    let has = |needle: &str| text.contains(needle);
    // A model is used when its name is a whole word of the code. Collect the words once rather
    // than searching the code once per model (which is quadratic in the size of the API).
    let words = words(&text);
    let word = |name: &str| {
        if !name.is_empty() && name.chars().all(is_word_char) {
            return words.contains(name);
        }
        text.match_indices(name).any(|(i, _)| {
            let before = text[..i]
                .chars()
                .next_back()
                .is_none_or(|c| !is_word_char(c));
            let after = text[i + name.len()..]
                .chars()
                .next()
                .is_none_or(|c| !is_word_char(c));
            before && after
        })
    };
    let mut lines = Vec::new();
    if has("datetime.datetime") || has("datetime.date") {
        lines.push("import datetime".to_string());
    }
    if has("json.") {
        lines.push("import json".to_string());
    }
    if has("uuid.") {
        lines.push("import uuid".to_string());
    }
    let paging = has("\"item\"");
    let mut abc = Vec::new();
    if paging {
        abc.extend(["AsyncIterator", "Iterator"]);
    }
    abc.push("Mapping");
    lines.push(from_import("collections.abc", &abc));
    let mut typing = vec!["Any"];
    if clouds {
        typing.push("Literal");
    }
    lines.push(from_import("typing", &typing));
    lines.push(String::new());
    // The converters of `_base` that decode answers (`list_of(model(Pet)).decode(...)`).
    let called = |name: &str, after: char| {
        text.match_indices(name).any(|(i, _)| {
            text[..i]
                .chars()
                .next_back()
                .is_none_or(|c| !is_word_char(c))
                && text[i + name.len()..].starts_with(after)
        })
    };
    let mut converters: Vec<&str> = [
        ("SCALAR", '.'),
        ("enum_of", '('),
        ("list_of", '('),
        ("map_of", '('),
        ("model", '('),
        // Dates decode as converters of their own, or inside one (`list_of(DATE)`).
        ("DATE", '.'),
        ("DATE", ')'),
        ("DATE_TIME", '.'),
        ("DATE_TIME", ')'),
    ]
    .into_iter()
    .filter(|(name, after)| called(name, *after))
    .map(|(name, _)| name)
    .collect();
    converters.dedup();
    if !converters.is_empty() {
        converters.sort_by(|a, b| isort_cmp(a, b));
        lines.push(from_import("._base", &converters));
    }
    let mut models: Vec<&str> = model_names
        .iter()
        .copied()
        .flatten()
        .filter_map(|v| v["name"].as_str())
        .filter(|n| word(n))
        .collect();
    models.sort_by(|a, b| isort_cmp(a, b));
    if !models.is_empty() {
        lines.push(from_import("._models", &models));
    }
    lines.push("from ._native import NativeClient".to_string());
    let mut runtime: Vec<&str> = vec!["Response", "call", "call_async", "respond"];
    if paging {
        runtime.extend(["Page", "apages", "pages"]);
    }
    if has("decode_model(") {
        runtime.push("decode_model");
    }
    if has("by_status(") {
        runtime.push("by_status");
    }
    if has("encode_body(") {
        runtime.push("encode_body");
    }
    if has("as_model(") {
        runtime.push("as_model");
    }
    runtime.sort_by(|a, b| isort_cmp(a, b));
    lines.push(from_import("._runtime", &runtime));
    lines
}

pub(super) fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// The maximal runs of word characters in `text`.
fn words(text: &str) -> HashSet<&str> {
    let mut out = HashSet::new();
    let mut start = None;
    for (i, c) in text.char_indices() {
        match (is_word_char(c), start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                out.insert(&text[s..i]);
                start = None;
            }
            _ => {}
        }
    }
    if let Some(s) = start {
        out.insert(&text[s..]);
    }
    out
}

/// The operations of every group, serialised as a JSON list with each one's `doc` as null:
/// the generated code without its docstrings.
struct CodeOnly<'a>(&'a [Value]);

impl Serialize for CodeOnly<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        struct Op<'a>(&'a Value);
        impl Serialize for Op<'_> {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                let Value::Object(op) = self.0 else {
                    return self.0.serialize(serializer);
                };
                let mut map = serializer.serialize_map(None)?;
                for (key, value) in op {
                    let value = if key == "doc" { &Value::Null } else { value };
                    map.serialize_entry(key, value)?;
                }
                if !op.contains_key("doc") {
                    map.serialize_entry("doc", &Value::Null)?;
                }
                map.end()
            }
        }
        serializer.collect_seq(
            self.0
                .iter()
                .filter_map(|g| g["operations"].as_array())
                .flatten()
                .map(Op),
        )
    }
}

/// The import lines of `_models.py` after `from __future__`, in isort's sections: the standard
/// library, then the package's own modules. Only what the annotations and field tables use.
pub(super) fn models_imports(
    enums: &[Value],
    structs: &[Value],
    typed_dicts: &[Value],
) -> Vec<String> {
    let fields = || {
        structs
            .iter()
            .filter_map(|m| m["fields"].as_array())
            .flatten()
    };
    let keys = || {
        typed_dicts
            .iter()
            .flat_map(|d| ["required", "own"].map(|k| d[k].as_array()))
            .flatten()
            .flatten()
    };
    // Annotations only: a word in a docstring is not a use.
    let annotations: Vec<&str> = fields()
        .chain(keys())
        .filter_map(|f| f["annotation"].as_str())
        .collect();
    let annotation_text = annotations.join("\n");
    let used = words(&annotation_text);
    let mut lines = Vec::new();
    if annotation_text.contains("datetime.date") {
        lines.push("import datetime".to_string());
    }
    let abc: Vec<&str> = ["Mapping", "Sequence"]
        .into_iter()
        .filter(|n| used.contains(n))
        .collect();
    if !abc.is_empty() {
        lines.push(from_import("collections.abc", &abc));
    }
    let mut typing: Vec<&str> = ["Any", "Literal"]
        .into_iter()
        .filter(|n| used.contains(n))
        .collect();
    if !typed_dicts.is_empty() {
        typing.push("TypedDict");
    }
    if !typing.is_empty() {
        lines.push(from_import("typing", &typing));
    }
    let mut own = Vec::new();
    let model_text = serde_json::to_string(structs).unwrap_or_default();
    own.extend(models_base_import(enums, structs, &model_text));
    if used.contains("FilePart") {
        own.push("from ._files import FilePart".to_string());
    }
    if !lines.is_empty() && !own.is_empty() {
        lines.push(String::new());
    }
    lines.extend(own);
    lines
}

/// The `from ._base import ...` line of `_models.py`: the base classes, and the converters the
/// field tables name. `model_text` is the structs serialised (what the field tables hold).
fn models_base_import(enums: &[Value], structs: &[Value], model_text: &str) -> Option<String> {
    // A spec without schemas has nothing to import.
    let mut base = Vec::new();
    if !structs.is_empty() {
        base.extend(["Field", "Model", "define_fields"]);
    }
    if !enums.is_empty() {
        base.push("OpenEnum");
    }
    for (needle, name) in [
        ("SCALAR", "SCALAR"),
        ("enum_of(", "enum_of"),
        ("list_of(", "list_of"),
        ("map_of(", "map_of"),
        ("\"model(", "model"),
    ] {
        if model_text.contains(needle) || (name == "model" && model_text.contains("model(")) {
            base.push(name);
        }
    }
    let field_convs = structs
        .iter()
        .filter_map(|m| m["fields"].as_array())
        .flatten()
        .filter_map(|f| f["conv"].as_str());
    for conv in field_convs {
        for name in conv_names(conv) {
            if matches!(name, "DATE" | "DATE_TIME") {
                base.push(name);
            }
        }
    }
    base.sort_by(|a, b| isort_cmp(a, b));
    base.dedup();
    (!base.is_empty()).then(|| from_import("._base", &base))
}
