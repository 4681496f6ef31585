//! The Python target: the package's Python modules (tera). Its native calls go through the
//! bridge (`emit::bridge`), shared with the other bindings.
//!
//! Python models and clients are plain Python: the model decides every name, type and
//! conversion here, and the templates in `templates/python/` only lay them out.

use std::collections::HashSet;

use serde::ser::{Serialize, SerializeMap, Serializer};
use serde_json::{Value, json};

use crate::emit::{GeneratedFile, clean_doc, header};
use crate::error::GenError;
use crate::model::{Api, BodyFormat, Operation, Param, TypeKind, TypeRef};
use crate::templates;

const KEYWORDS: &[&str] = &[
    "False",
    "None",
    "True",
    "and",
    "as",
    "assert",
    "async",
    "await",
    "break",
    "class",
    "continue",
    "def",
    "del",
    "elif",
    "else",
    "except",
    "finally",
    "for",
    "from",
    "global",
    "if",
    "import",
    "in",
    "is",
    "lambda",
    "nonlocal",
    "not",
    "or",
    "pass",
    "raise",
    "return",
    "try",
    "while",
    "with",
    "yield",
    "self",
    "cls",
    // Names the generated method bodies use: a parameter must not shadow them.
    "params",
    "raw",
    "response",
    "collection",
    "token",
    "json",
    "uuid",
    "call",
    "call_async",
    "pages",
    "apages",
    "respond",
    "encode_body",
    "decode_model",
    "as_model",
    // The module date and date-time annotations name (`datetime.datetime`): a field or parameter
    // of that name would hide it.
    "datetime",
];

/// The import name of this workspace's Python package.
pub const PACKAGE: &str = "partner_center";

/// Every file of the Python package that comes from the spec, relative to `bindings/python`.
/// The parameter key under which a call names the media type to send its body as; `$` keeps it
/// apart from every wire name a spec can give a parameter.
const MEDIA_TYPE_PARAM: &str = crate::emit::MEDIA_TYPE_PARAM;

pub fn emit(api: &Api) -> Result<Vec<GeneratedFile>, GenError> {
    emit_package(api, PACKAGE)
}

/// Every file of a Python package `package` (its import name) that comes from the spec,
/// relative to the directory of its `pyproject.toml` (they go in `python/<package>/`).
pub fn emit_package(api: &Api, package: &str) -> Result<Vec<GeneratedFile>, GenError> {
    let mut context = context(api);
    context.insert("package", package);
    let package = format!("python/{package}");
    Ok(vec![
        GeneratedFile::new(
            format!("{package}/_models.py"),
            templates::render_python("models.py", &context)?,
        ),
        GeneratedFile::new(
            format!("{package}/_client.py"),
            templates::render_python("client.py", &context)?,
        ),
        GeneratedFile::new(
            format!("{package}/__init__.py"),
            templates::render_python("__init__.py", &context)?,
        ),
        GeneratedFile::new(
            format!("{package}/_native.pyi"),
            templates::render_python("_native.pyi", &context)?,
        ),
    ])
}

/// A Python identifier: keywords and the receiver names get a trailing underscore.
pub fn py_ident(snake: &str) -> String {
    if KEYWORDS.contains(&snake) {
        format!("{snake}_")
    } else {
        snake.to_string()
    }
}

/// Text for a docstring indented by `indent` spaces: no triple quotes, no stray backslashes.
fn docstring(doc: Option<&str>, indent: usize) -> String {
    let text = clean_doc(doc)
        .unwrap_or_default()
        .replace('\\', "\\\\")
        .replace("\"\"\"", "\\\"\\\"\\\"");
    let pad = " ".repeat(indent);
    let mut out = String::with_capacity(text.len());
    for (i, line) in text.lines().enumerate() {
        if i > 0 {
            out.push('\n');
            if !line.is_empty() {
                out.push_str(&pad);
            }
        }
        out.push_str(line);
    }
    out
}

/// A one-line summary of a doc (its lines joined), for an `Attributes:` entry.
fn one_line(doc: Option<&str>) -> String {
    clean_doc(doc)
        .map(|d| d.lines().map(str::trim).collect::<Vec<_>>().join(" "))
        .unwrap_or_default()
}

/// The annotation of a value of this type.
fn py_type(api: &Api, t: &TypeRef) -> String {
    match api.resolve(t) {
        TypeRef::String | TypeRef::Secret | TypeRef::Uuid => "str".into(),
        // Timezone-aware (UTC when the service wrote no offset); see `_base.DATE_TIME`.
        TypeRef::DateTime => "datetime.datetime".into(),
        TypeRef::Date => "datetime.date".into(),
        TypeRef::Integer(_) => "int".into(),
        TypeRef::Number => "float".into(),
        TypeRef::Boolean => "bool".into(),
        TypeRef::Bytes => "bytes".into(),
        // A file for a multipart part: bytes, text, or a FilePart with its name and media type.
        TypeRef::File => "FilePart | bytes | str".into(),
        TypeRef::Any => "Any".into(),
        TypeRef::Array(inner) => format!("list[{}]", py_type(api, inner)),
        TypeRef::Map(inner) => format!("dict[str, {}]", py_type(api, inner)),
        TypeRef::Named(n) => match api.type_def(n).map(|d| &d.kind) {
            Some(TypeKind::Struct(_)) | Some(TypeKind::Enum(_)) => n.clone(),
            // Unions stay as the JSON they are (no Python class models them yet).
            _ => "Any".into(),
        },
    }
}

/// What a caller may pass for a value of this type (models also as dicts, enums as strings).
fn py_arg_type(api: &Api, t: &TypeRef) -> String {
    match api.resolve(t) {
        TypeRef::Uuid => "str | uuid.UUID".into(),
        TypeRef::Named(n) => match api.type_def(n).map(|d| &d.kind) {
            Some(TypeKind::Struct(_)) => format!("{n} | Mapping[str, Any]"),
            Some(TypeKind::Enum(_)) => format!("{n} | str"),
            _ => "Any".into(),
        },
        other => py_type(api, other),
    }
}

/// The `_base` converter of a value of this type, as Python source.
fn py_conv(api: &Api, t: &TypeRef) -> String {
    match api.resolve(t) {
        TypeRef::Array(inner) => match py_conv(api, inner).as_str() {
            "SCALAR" => "SCALAR".into(),
            c => format!("list_of({c})"),
        },
        TypeRef::Map(inner) => match py_conv(api, inner).as_str() {
            "SCALAR" => "SCALAR".into(),
            c => format!("map_of({c})"),
        },
        TypeRef::Named(n) => match api.type_def(n).map(|d| &d.kind) {
            Some(TypeKind::Struct(_)) => format!("model({n})"),
            Some(TypeKind::Enum(_)) => format!("enum_of({n})"),
            _ => "SCALAR".into(),
        },
        TypeRef::DateTime => "DATE_TIME".into(),
        TypeRef::Date => "DATE".into(),
        _ => "SCALAR".into(),
    }
}

/// The `_base` names a converter expression (`list_of(DATE)`) uses.
fn conv_names(conv: &str) -> impl Iterator<Item = &str> {
    conv.split(|c: char| !is_word_char(c))
        .filter(|w| !w.is_empty())
}

fn models(api: &Api) -> (Vec<Value>, Vec<Value>, Vec<Value>) {
    let mut enums = Vec::new();
    let mut structs = Vec::new();
    let mut aliases = Vec::new();
    for def in &api.types {
        let name = &def.name.pascal;
        match &def.kind {
            TypeKind::Enum(e) => enums.push(json!({
                "name": name,
                "doc": docstring(def.doc.as_deref().or(Some("An open enum: values the spec does not list are kept.")), 4),
                "members": e.values.iter().map(|v| json!({
                    "name": py_ident(&v.name.shouty),
                    "value": serde_json::to_string(&v.name.original).unwrap_or_default(),
                })).collect::<Vec<_>>(),
            })),
            TypeKind::Struct(s) => {
                let fields: Vec<Value> = s
                    .fields
                    .iter()
                    .map(|f| {
                        let annotation = py_type(api, &f.ty);
                        json!({
                            "name": py_ident(&f.name.snake),
                            "wire": f.name.original,
                            "annotation": if f.optional() { format!("{annotation} | None") } else { annotation },
                            "required": !f.optional(),
                            "conv": py_conv(api, &f.ty),
                            "secret": f.secret || matches!(f.ty, TypeRef::Secret),
                            "doc": one_line(f.doc.as_deref()),
                        })
                    })
                    .collect();
                let mut slots: Vec<String> = fields.iter().filter_map(|f| f["name"].as_str().map(str::to_string)).collect();
                slots.sort();
                structs.push(json!({ "name": name, "doc": docstring(def.doc.as_deref(), 4), "fields": fields, "slots": slots }));
            }
            TypeKind::Alias(t) => {
                if let TypeRef::Named(target) = api.resolve(t)
                    && matches!(api.type_def(target).map(|d| &d.kind), Some(TypeKind::Struct(_) | TypeKind::Enum(_))) {
                        aliases.push(json!({ "name": name, "target": target }));
                    }
            }
            TypeKind::Union(_) => {}
        }
    }
    (enums, structs, aliases)
}

/// A method's parameters, the code that collects them into the `params` dict, and the call.
fn operation(api: &Api, op: &Operation) -> Value {
    let mut positional = Vec::new();
    let mut keyword = Vec::new();
    let mut forward_positional = Vec::new();
    let mut forward_keyword = Vec::new();
    let mut collect = Vec::new();
    let add_param = |p: &Param, collect: &mut Vec<String>| {
        let id = py_ident(&p.name.snake);
        let wire = &p.name.original;
        // A model parameter may come as a dict with snake_case keys: make it a model, whose
        // wire form is what goes out.
        let value = match api.resolve(&p.ty) {
            TypeRef::Named(n)
                if matches!(api.type_def(n).map(|d| &d.kind), Some(TypeKind::Struct(_))) =>
            {
                format!("as_model({id}, {n})")
            }
            _ => id.clone(),
        };
        if p.required {
            collect.push(format!("params[{wire:?}] = {value}"));
        } else {
            collect.push(format!(
                "if {id} is not None:\n            params[{wire:?}] = {value}"
            ));
        }
    };
    for p in op.required_params() {
        let id = py_ident(&p.name.snake);
        positional.push(format!("{id}: {}", py_arg_type(api, &p.ty)));
        forward_positional.push(id.clone());
        add_param(p, &mut collect);
    }
    let mut body_expr = "None".to_string();
    if let Some(b) = &op.body {
        let (annotation, encode) = match b.format {
            BodyFormat::Json | BodyFormat::Form | BodyFormat::Multipart => {
                let cls = match api.resolve(&b.ty) {
                    TypeRef::Named(n)
                        if matches!(
                            api.type_def(n).map(|d| &d.kind),
                            Some(TypeKind::Struct(_))
                        ) =>
                    {
                        Some(n.clone())
                    }
                    _ => None,
                };
                match cls {
                    Some(cls) => (
                        format!("{cls} | Mapping[str, Any]"),
                        format!("encode_body(body, {cls})"),
                    ),
                    None => (py_arg_type(api, &b.ty), "encode_body(body)".to_string()),
                }
            }
            // Raw bodies reach the native client as JSON too: text as a string, octets as a
            // file (base64), which the dispatch turns back into the body.
            BodyFormat::Text => ("str".to_string(), "encode_body(body)".to_string()),
            BodyFormat::Binary => ("bytes".to_string(), "encode_body(body)".to_string()),
        };
        if b.required {
            positional.push(format!("body: {annotation}"));
            forward_positional.push("body".to_string());
            body_expr = encode;
        } else {
            keyword.push(format!("body: {annotation} | None = None"));
            forward_keyword.push("body=body".to_string());
            body_expr = format!("None if body is None else {encode}");
        }
    }
    for p in op.optional_params() {
        let id = py_ident(&p.name.snake);
        keyword.push(format!("{id}: {} | None = None", py_arg_type(api, &p.ty)));
        forward_keyword.push(format!("{id}={id}"));
        add_param(p, &mut collect);
    }
    if op.body.as_ref().is_some_and(|b| !b.alternatives.is_empty()) {
        // Another media type the spec offers for the body (the dispatch reads `$mediaType`).
        keyword.push("media_type: str | None = None".to_string());
        forward_keyword.push("media_type=media_type".to_string());
        collect.push(format!(
            "if media_type is not None:\n            params[{MEDIA_TYPE_PARAM:?}] = media_type"
        ));
    }
    let (result, decode) = match &op.exists {
        Some(_) => ("bool".to_string(), "json.loads(raw[3]) is True".to_string()),
        // Several success answers with different bodies: each status decoded as its own type.
        None if !op.response.variants.is_empty() => {
            let mut types: Vec<String> = Vec::new();
            let mut arms = Vec::new();
            for v in &op.response.variants {
                let (ty, decode) = answer_decode(api, &v.body);
                if !types.contains(&ty) {
                    types.push(ty);
                }
                arms.push(format!("{}: lambda raw: {decode}", v.status));
            }
            (
                types.join(" | "),
                format!("by_status(raw, {{{}}})", arms.join(", ")),
            )
        }
        None => answer_decode(api, &op.response.body),
    };
    let paging = op.paging.as_ref().map(|p| {
        let collection = match &op.response.body {
            Some((TypeRef::Named(n), _)) => n.clone(),
            _ => String::new(),
        };
        let fields = match api.type_def(&collection).map(|d| &d.kind) {
            Some(TypeKind::Struct(s)) => s.fields.clone(),
            _ => Vec::new(),
        };
        let attr = |wire: &str| {
            fields
                .iter()
                .find(|f| f.name.original == wire)
                .map(|f| py_ident(&f.name.snake))
        };
        json!({
            "item": py_type(api, &p.item),
            "items": attr(&p.items_field).unwrap_or_else(|| "items".into()),
            "token": attr(&p.token_field).unwrap_or_else(|| "continuation_token".into()),
            "total": p.total_count_field.as_deref().and_then(attr),
        })
    });
    let mut doc = op.doc().unwrap_or_default();
    doc.push_str(&format!("\n\n``{} {}``", op.method.as_str(), op.path));
    if op.idempotent {
        doc.push_str(
            " — idempotent: a replay with the same ``request_id`` returns the first result.",
        );
    }
    if op.requires_app_user {
        doc.push_str(" Needs an App+User token.");
    }
    json!({
        "id": op.id,
        "name": py_ident(&op.name.snake),
        "doc": docstring(Some(&doc), 8),
        "positional_comma": positional.iter().map(|p| format!("{p}, ")).collect::<String>(),
        "keyword": keyword.iter().map(|k| format!("{k}, ")).collect::<String>(),
        "forward_positional": forward_positional.iter().map(|k| format!("{k}, ")).collect::<String>(),
        "forward_keyword": forward_keyword.iter().map(|k| format!("{k}, ")).collect::<String>(),
        "collect": collect,
        "body": body_expr,
        "result": result,
        "decode": decode,
        "paging": paging,
    })
}

/// `from module import names`, wrapped one name a line when it would pass 88 characters (isort).
fn from_import(module: &str, names: &[&str]) -> String {
    let line = format!("from {module} import {}", names.join(", "));
    if line.len() <= 88 {
        return line;
    }
    let body: String = names.iter().map(|n| format!("    {n},\n")).collect();
    format!("from {module} import (\n{body})")
}

/// isort's order within one import: CONSTANTS, then Classes, then functions.
fn isort_key(name: &str) -> (u8, String) {
    let kind = if name
        .chars()
        .all(|c| c.is_ascii_uppercase() || c == '_' || c.is_ascii_digit())
    {
        0
    } else if name.starts_with(|c: char| c.is_ascii_uppercase()) {
        1
    } else {
        2
    };
    (kind, name.to_string())
}

/// The import lines of `_client.py`: only what the generated methods use.
/// The Python type of one answer and the expression that decodes it from `raw`.
fn answer_decode(api: &Api, body: &Option<(TypeRef, BodyFormat)>) -> (String, String) {
    match body {
        None => ("None".to_string(), "None".to_string()),
        Some((_, BodyFormat::Text)) => ("str".to_string(), "json.loads(raw[3])".to_string()),
        Some((_, BodyFormat::Binary)) => {
            ("bytes".to_string(), "bytes(json.loads(raw[3]))".to_string())
        }
        Some((t, _)) => match api.resolve(t) {
            TypeRef::Named(n)
                if matches!(api.type_def(n).map(|d| &d.kind), Some(TypeKind::Struct(_))) =>
            {
                (n.clone(), format!("decode_model(raw, {n})"))
            }
            other => (
                py_type(api, other),
                format!("{}.decode(json.loads(raw[3]))", py_conv(api, other)),
            ),
        },
    }
}

fn client_imports(
    groups: &[Value],
    enums: &[Value],
    structs: &[Value],
    aliases: &[Value],
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
        converters.sort_by_key(|n| isort_key(n));
        lines.push(from_import("._base", &converters));
    }
    let mut models: Vec<&str> = enums
        .iter()
        .chain(structs)
        .chain(aliases)
        .filter_map(|v| v["name"].as_str())
        .filter(|n| word(n))
        .collect();
    models.sort();
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
    runtime.sort_by_key(|n| isort_key(n));
    lines.push(from_import("._runtime", &runtime));
    lines
}

fn is_word_char(c: char) -> bool {
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

fn context(api: &Api) -> tera::Context {
    let (enums, structs, aliases) = models(api);
    let groups: Vec<Value> = api
        .groups
        .iter()
        .map(|g| {
            let (attr, class) = match &g.name {
                // `Resource`: a group may share its tag's name with a model (CountryValidationRules).
                Some(n) => (py_ident(&n.snake), format!("{}Resource", n.pascal)),
                None => (String::new(), String::new()),
            };
            json!({
                "attr": attr,
                "class": class,
                "doc": docstring(g.doc.as_deref().or(g.name.as_ref().map(|n| n.original.as_str())), 4),
                "operations": g.operations.iter().map(|op| operation(api, op)).collect::<Vec<_>>(),
            })
        })
        .collect();
    let h = &api.client_headers;
    let clouds: Vec<String> = api
        .clouds()
        .into_iter()
        .map(|c| format!("{:?}", c.name.original))
        .collect();
    let mut context = tera::Context::new();
    context.insert("header", header(api, "#").trim_end());
    context.insert("title", &api.title);
    context.insert("version", &api.version);
    context.insert("enums", &enums);
    context.insert("models", &structs);
    context.insert("aliases", &aliases);
    context.insert("groups", &groups);
    context.insert("clouds", &clouds.join(", "));
    context.insert("has_locale", &h.locale.is_some());
    context.insert("has_application", &h.application.is_some());
    context.insert("has_correlation", &h.correlation_id.is_some());
    context.insert(
        "options",
        "request_id: str | None = None, timeout: float | None = None, headers: Mapping[str, str] | None = None",
    );
    let model_text = serde_json::to_string(&structs).unwrap_or_default();
    context.insert("uses_any", &model_text.contains("Any"));
    context.insert("uses_files", &model_text.contains("FilePart"));
    let mut base = vec!["Field", "Model", "define_fields"];
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
    base.sort_by_key(|n| isort_key(n));
    base.dedup();
    context.insert("base_import", &from_import("._base", &base));
    let uses_datetime = structs
        .iter()
        .filter_map(|m| m["fields"].as_array())
        .flatten()
        .filter_map(|f| f["annotation"].as_str())
        .any(|a| a.contains("datetime.date"));
    context.insert("uses_datetime", &uses_datetime);
    context.insert(
        "client_imports",
        &client_imports(&groups, &enums, &structs, &aliases, !clouds.is_empty()),
    );
    let mut exports: Vec<String> = enums
        .iter()
        .chain(&structs)
        .chain(&aliases)
        .filter_map(|v| v["name"].as_str().map(str::to_string))
        .collect();
    exports.sort();
    context.insert("model_exports", &exports);
    let operation_ids: Vec<&str> = api.operations().map(|op| op.id.as_str()).collect();
    context.insert("operation_ids", &operation_ids);
    let mut client_slots: Vec<String> = groups
        .iter()
        .filter_map(|g| g["attr"].as_str())
        .filter(|a| !a.is_empty())
        .map(str::to_string)
        .collect();
    client_slots.sort();
    context.insert("client_slots", &client_slots);
    let mut init_exports: Vec<String> = [
        "AsyncClient",
        "Client",
        "Page",
        "Response",
        "PartnerCenterError",
        "ApiError",
        "BadRequestError",
        "UnauthorizedError",
        "ForbiddenError",
        "NotFoundError",
        "ConflictError",
        "PreconditionFailedError",
        "ThrottledError",
        "ServerError",
        "ValidationError",
        "DecodeError",
        "TransportError",
        "TimeoutError",
        "AuthenticationError",
        "ReauthenticationRequiredError",
        "MfaRequiredError",
        "Credential",
        "ClientSecretCredential",
        "CertificateCredential",
        "RefreshTokenCredential",
        "DeviceCodeCredential",
        "DeviceCodeInfo",
        "FilePart",
    ]
    .iter()
    .map(|s| s.to_string())
    .chain(exports.iter().cloned())
    .collect();
    init_exports.sort();
    context.insert("init_exports", &init_exports);
    context
}
