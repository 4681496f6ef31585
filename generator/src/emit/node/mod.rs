//! The Node.js target: `index.js` (CommonJS), `index.mjs` (ESM) and `index.d.ts` (tera).
//!
//! Models are plain camelCase objects, exactly the wire form, so only the TypeScript typings
//! describe them; the JavaScript is the client classes, each method naming its operation for the
//! bridge. Names, types and argument handling are decided here; templates in `templates/node/`
//! only lay them out.

use serde_json::{Value, json};

use crate::emit::{GeneratedFile, clean_doc, header};
use crate::error::GenError;
use crate::model::{Api, BodyFormat, Operation, TypeKind, TypeRef};
use crate::templates;

/// Words that cannot name a parameter in JavaScript (strict mode).
const RESERVED: &[&str] = &[
    "break",
    "case",
    "catch",
    "class",
    "const",
    "continue",
    "debugger",
    "default",
    "delete",
    "do",
    "else",
    "enum",
    "export",
    "extends",
    "false",
    "finally",
    "for",
    "function",
    "if",
    "implements",
    "import",
    "in",
    "instanceof",
    "interface",
    "let",
    "new",
    "null",
    "package",
    "private",
    "protected",
    "public",
    "return",
    "static",
    "super",
    "switch",
    "this",
    "throw",
    "true",
    "try",
    "typeof",
    "var",
    "void",
    "while",
    "with",
    "yield",
    "await",
    "arguments",
    "eval",
    // Names the generated method bodies use: a parameter must not shadow them.
    "options",
    "params",
    "response",
    "collection",
    "token",
    "call",
    "pages",
    "hideSecrets",
    "NATIVE",
];

/// The TypeScript types of dates: documented aliases of `string` from `lib/runtime.d.ts`. Dates
/// stay ISO 8601 text in JavaScript (JSON's form of them; a `Date` would lose the offset and all
/// but milliseconds), normalised by the Rust client to RFC 3339 with an offset.
const DATE_TIME_TS: &str = "DateTimeString";
const DATE_TS: &str = "DateString";

/// Every generated file of the Node package, relative to `bindings/node`.
pub fn emit(api: &Api) -> Result<Vec<GeneratedFile>, GenError> {
    let context = context(api);
    Ok(vec![
        GeneratedFile::new("index.js", templates::render_node("index.js", &context)?),
        GeneratedFile::new("index.mjs", templates::render_node("index.mjs", &context)?),
        GeneratedFile::new(
            "index.d.ts",
            templates::render_node("index.d.ts", &context)?,
        ),
    ])
}

fn js_ident(camel: &str) -> String {
    if RESERVED.contains(&camel) {
        format!("{camel}_")
    } else {
        camel.to_string()
    }
}

/// A property key as TypeScript spells it: bare when it is an identifier, quoted otherwise.
fn ts_key(wire: &str) -> String {
    let ident = wire
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_' || c == '$')
        && wire
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$');
    if ident {
        wire.to_string()
    } else {
        format!("{wire:?}")
    }
}

/// A JSDoc block's lines (no `*/` inside), indented by `indent`.
fn jsdoc(doc: Option<&str>, indent: usize) -> String {
    let Some(text) = clean_doc(doc) else {
        return String::new();
    };
    let pad = " ".repeat(indent);
    let mut out = format!("{pad}/**\n");
    for line in text.replace("*/", "*\\/").lines() {
        if line.is_empty() {
            out.push_str(&format!("{pad} *\n"));
        } else {
            out.push_str(&format!("{pad} * {line}\n"));
        }
    }
    out.push_str(&format!("{pad} */\n"));
    out
}

/// The TypeScript type of one answer; `none` for an answer without a body.
fn answer_ts(api: &Api, body: &Option<(TypeRef, BodyFormat)>, none: &str) -> String {
    match body {
        None => none.to_string(),
        Some((_, BodyFormat::Text)) => "string".to_string(),
        Some((_, BodyFormat::Binary)) => "Uint8Array".to_string(),
        Some((t, _)) => ts_type(api, t),
    }
}

/// The TypeScript type of a value of this type.
fn ts_type(api: &Api, t: &TypeRef) -> String {
    match api.resolve(t) {
        TypeRef::String | TypeRef::Secret | TypeRef::Uuid => "string".into(),
        // Text, documented by these aliases of `string` (lib/runtime.d.ts): RFC 3339, `YYYY-MM-DD`.
        TypeRef::DateTime => DATE_TIME_TS.into(),
        TypeRef::Date => DATE_TS.into(),
        TypeRef::Integer(_) | TypeRef::Number => "number".into(),
        TypeRef::Boolean => "boolean".into(),
        TypeRef::Bytes => "Uint8Array".into(),
        // A file for a multipart part: bytes, text, or a FilePart with its name and media type.
        TypeRef::File => "FilePart | Uint8Array | string".into(),
        TypeRef::Any => "unknown".into(),
        TypeRef::Array(inner) => format!("Array<{}>", ts_type(api, inner)),
        TypeRef::Map(inner) => format!("Record<string, {}>", ts_type(api, inner)),
        TypeRef::Named(n) => match api.type_def(n).map(|d| &d.kind) {
            Some(TypeKind::Struct(_)) | Some(TypeKind::Enum(_)) => n.clone(),
            _ => "unknown".into(),
        },
    }
}

fn models(api: &Api) -> Vec<Value> {
    let mut out = Vec::new();
    for def in &api.types {
        let name = &def.name.pascal;
        let doc = jsdoc(def.doc.as_deref(), 0);
        match &def.kind {
            TypeKind::Struct(s) => {
                let fields: Vec<Value> = s
                    .fields
                    .iter()
                    .map(|f| {
                        let mut text = f.doc.clone().unwrap_or_default();
                        if f.read_only {
                            text.push_str(if text.is_empty() {
                                "Set by the server."
                            } else {
                                " Set by the server."
                            });
                        }
                        json!({
                            "doc": jsdoc(Some(&text), 2),
                            "key": ts_key(&f.name.original),
                            "optional": f.optional(),
                            "type": ts_type(api, &f.ty),
                        })
                    })
                    .collect();
                out.push(
                    json!({ "kind": "interface", "name": name, "doc": doc, "fields": fields }),
                );
            }
            TypeKind::Enum(e) => {
                let mut values: Vec<String> = e
                    .values
                    .iter()
                    .map(|v| format!("{:?}", v.name.original))
                    .collect();
                // Open: the service may send values this version does not list.
                values.push("(string & {})".to_string());
                out.push(json!({ "kind": "alias", "name": name, "doc": doc, "type": values.join(" | ") }));
            }
            TypeKind::Alias(t) => out.push(
                json!({ "kind": "alias", "name": name, "doc": doc, "type": ts_type(api, t) }),
            ),
            TypeKind::Union(_) => {
                out.push(json!({ "kind": "alias", "name": name, "doc": doc, "type": "unknown" }))
            }
        }
    }
    out
}

fn operation(api: &Api, op: &Operation) -> Value {
    // A method may be named by a reserved word (`client.customers.delete`); only parameters,
    // which are variables, need escaping.
    let name = op.name.camel.clone();
    let mut positional = Vec::new();
    let mut positional_ts = Vec::new();
    let mut collect = Vec::new();
    for p in op.required_params() {
        let id = js_ident(&p.name.camel);
        collect.push(format!("params[{:?}] = {id}", p.name.original));
        positional_ts.push(format!("{id}: {}", ts_type(api, &p.ty)));
        positional.push(id);
    }
    let mut body = "undefined".to_string();
    let mut option_fields = Vec::new();
    if let Some(b) = &op.body {
        let ty = match b.format {
            BodyFormat::Json | BodyFormat::Form | BodyFormat::Multipart => ts_type(api, &b.ty),
            BodyFormat::Text => "string".into(),
            BodyFormat::Binary => "Uint8Array".into(),
        };
        if b.required {
            positional_ts.push(format!("body: {ty}"));
            positional.push("body".to_string());
            body = "body".to_string();
        } else {
            option_fields.push(format!("body?: {ty}"));
            body = "options.body".to_string();
        }
    }
    for p in op.optional_params() {
        let key = js_ident(&p.name.camel);
        option_fields.push(format!("{key}?: {} | null", ts_type(api, &p.ty)));
        collect.push(format!(
            "if (options.{key} !== undefined && options.{key} !== null) params[{:?}] = options.{key}",
            p.name.original
        ));
    }
    if op.body.as_ref().is_some_and(|b| !b.alternatives.is_empty()) {
        // Another media type the spec offers for the body (the dispatch reads `$mediaType`).
        let offered: Vec<String> = op
            .body
            .iter()
            .flat_map(|b| b.media())
            .map(|m| format!("{:?}", m.content_type))
            .collect();
        option_fields.push(format!("mediaType?: {} | null", offered.join(" | ")));
        collect.push(format!(
            "if (options.mediaType !== undefined && options.mediaType !== null) params[{:?}] = options.mediaType",
            crate::emit::MEDIA_TYPE_PARAM
        ));
    }
    let options_ts = if option_fields.is_empty() {
        "CallOptions".to_string()
    } else {
        format!("{{ {} }} & CallOptions", option_fields.join("; "))
    };
    let (result, hide) = match (&op.exists, &op.response.body) {
        (Some(_), _) => ("boolean".to_string(), Vec::new()),
        // Several success answers with different bodies: the one that came (`status` says which).
        (None, _) if !op.response.variants.is_empty() => {
            let mut types: Vec<String> = Vec::new();
            for v in &op.response.variants {
                let ty = answer_ts(api, &v.body, "null");
                if !types.contains(&ty) {
                    types.push(ty);
                }
            }
            (types.join(" | "), Vec::new())
        }
        (None, Some((t, BodyFormat::Json))) => (ts_type(api, t), api.secret_paths(t)),
        (None, body) => (answer_ts(api, body, "void"), Vec::new()),
    };
    let paging = op.paging.as_ref().map(|p| {
        let collection = match &op.response.body {
            Some((TypeRef::Named(n), _)) => n.clone(),
            _ => String::new(),
        };
        let field = |wire: &str| match api.type_def(&collection).map(|d| &d.kind) {
            Some(TypeKind::Struct(s)) => s
                .fields
                .iter()
                .any(|f| f.name.original == wire)
                .then(|| wire.to_string()),
            _ => None,
        };
        json!({
            "item": ts_type(api, &p.item),
            "items": field(&p.items_field).unwrap_or_else(|| "items".into()),
            "token": field(&p.token_field).unwrap_or_else(|| "continuationToken".into()),
            "total": p.total_count_field.as_deref().and_then(field),
        })
    });
    let mut doc = op.doc().unwrap_or_default();
    doc.push_str(&format!("\n\n`{} {}`", op.method.as_str(), op.path));
    if op.idempotent {
        doc.push_str(" — idempotent: a replay with the same `requestId` returns the first result.");
    }
    if op.requires_app_user {
        doc.push_str(" Needs an App+User token.");
    }
    // Octet answers come through the bridge as JSON arrays of numbers; these statuses' data
    // become a Uint8Array, as typed.
    let binary_statuses: Vec<String> = if op.exists.is_some() || op.paging.is_some() {
        Vec::new()
    } else {
        let statuses = op.response.octet_statuses();
        statuses.iter().map(u16::to_string).collect()
    };
    json!({
        "id": op.id,
        "name": name,
        "doc": jsdoc(Some(&doc), 2),
        "binary": !binary_statuses.is_empty(),
        "binary_any_status": op.response.variants.is_empty(),
        "binary_statuses": binary_statuses.join(", "),
        "args": positional.iter().map(|p| format!("{p}, ")).collect::<String>(),
        "args_ts": positional_ts.iter().map(|p| format!("{p}, ")).collect::<String>(),
        "options_ts": options_ts,
        "collect": collect,
        "body": body,
        "result": result,
        "hide": serde_json::to_string(&hide).unwrap_or_default(),
        "has_hide": !hide.is_empty(),
        "paging": paging,
    })
}

fn context(api: &Api) -> tera::Context {
    let groups: Vec<Value> = api
        .groups
        .iter()
        .map(|g| {
            let (attr, class) = match &g.name {
                Some(n) => (n.camel.clone(), format!("{}Resource", n.pascal)),
                None => (String::new(), String::new()),
            };
            json!({
                "attr": attr,
                "class": class,
                "doc": jsdoc(g.doc.as_deref().or(g.name.as_ref().map(|n| n.original.as_str())), 0),
                "operations": g.operations.iter().map(|op| operation(api, op)).collect::<Vec<_>>(),
            })
        })
        .collect();
    let models = models(api);
    // The date aliases the typings name, imported (and exported) only then.
    let typings = serde_json::to_string(&(&groups, &models)).unwrap_or_default();
    let date_types: Vec<&str> = [DATE_TS, DATE_TIME_TS]
        .into_iter()
        .filter(|t| has_word(&typings, t))
        .collect();
    let mut context = tera::Context::new();
    context.insert("date_types", &date_types);
    context.insert("header", header(api, "//").trim_end());
    context.insert("title", &api.title);
    context.insert("version", &api.version);
    context.insert("models", &models);
    context.insert("groups", &groups);
    // The runtime's options a client of this API leaves out: `cloud` (typed here with the
    // spec's names) and the headers the spec does not have.
    let h = &api.client_headers;
    let omitted: Vec<String> = [
        ("cloud", false),
        ("locale", h.locale.is_some()),
        ("application", h.application.is_some()),
        ("correlationId", h.correlation_id.is_some()),
    ]
    .into_iter()
    .filter(|(_, has)| !has)
    .map(|(name, _)| format!("'{name}'"))
    .collect();
    context.insert("omitted_options", &omitted.join(" | "));
    let clouds: Vec<String> = api
        .clouds()
        .iter()
        .map(|c| serde_json::to_string(&c.name.original).unwrap_or_default())
        .collect();
    context.insert("clouds", &clouds.join(" | "));
    context.insert("default_cloud", clouds.first().map_or("", String::as_str));
    context
}

/// Whether `word` occurs in `text` as a whole word (an identifier, not part of a longer one).
fn has_word(text: &str, word: &str) -> bool {
    let is_word = |c: char| c.is_alphanumeric() || c == '_' || c == '$';
    text.match_indices(word).any(|(i, _)| {
        !text[..i].chars().next_back().is_some_and(is_word)
            && !text[i + word.len()..].chars().next().is_some_and(is_word)
    })
}
