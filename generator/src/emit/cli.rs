//! The command line's table of operations (`bindings/cli/src/generated/operations.rs`): every
//! resource group and operation with the flags it offers, its help, how its answer pages and
//! where the answer holds secrets. The command line builds its clap tree from this table and
//! calls each operation through the client's `dispatch`, so nothing per operation is hand-written.
//!
//! A body is offered as `--body FILE|-` and as one flag per scalar member reachable through
//! objects: `--company-profile.domain` (each wire name in kebab-case, joined by dots).

use std::collections::BTreeSet;

use proc_macro2::TokenStream;
use quote::quote;

use crate::emit::rust::syntax::render;
use crate::emit::{GeneratedFile, clean_doc, header};
use crate::error::GenError;
use crate::model::{Api, BodyFormat, Field, Operation, Param, ParamLocation, TypeKind, TypeRef};

/// Where the table goes, relative to the command line crate's root.
pub const OPERATIONS_PATH: &str = "src/generated/operations.rs";
const MOD_PATH: &str = "src/generated/mod.rs";

/// Flags the command line defines itself (the global ones in `bindings/cli/src/tree.rs`, the
/// per-operation ones in `tree.rs` too): a parameter or body member of the same name is offered
/// under `param-` / `body.` instead. (clap refuses two flags of one name, which the command
/// line's `the_tree_is_consistent` test checks for this spec.)
pub const RESERVED_FLAGS: &[&str] = &[
    "body",
    "output",
    "show-secrets",
    "base-url",
    "cloud",
    "authority-host",
    "token",
    "timeout",
    "verbose",
    "request-id",
    "one-page",
    "continuation-token",
    "help",
    "version",
];

/// The table of the command line crate.
pub fn emit_sources(api: &Api) -> Result<Vec<GeneratedFile>, GenError> {
    let source = render(emit(api), &header(api, "//"))
        .map_err(|m| GenError::io(OPERATIONS_PATH, format!("internal error: {m}")))?;
    let module = format!(
        "{}\n//! The table of operations the command line is built from.\n\npub mod operations;\n",
        header(api, "//")
    );
    Ok(vec![
        GeneratedFile::new(MOD_PATH, module),
        GeneratedFile::new(OPERATIONS_PATH, source),
    ])
}

fn emit(api: &Api) -> TokenStream {
    let groups = api.groups.iter().map(|g| {
        let name = g.name.as_ref().map(|n| kebab(&n.snake)).unwrap_or_default();
        let about = first_paragraph(g.doc.as_deref()).unwrap_or_else(|| match &g.name {
            Some(n) => format!("Operations on {}.", n.original),
            None => String::new(),
        });
        let operations = g.operations.iter().map(|op| operation(api, op));
        quote! {
            GroupSpec {
                name: #name,
                about: #about,
                operations: &[#(#operations),*],
            }
        }
    });
    quote! {
        //! Every operation of the spec as the command line offers it: its flags, help, answer
        //! and secrets (`crate::spec` describes the shape).

        use crate::spec::{AnswerSpec, BodySpec, FieldSpec, GroupSpec, OperationSpec, ParamSpec, ValueSpec};

        /// The resource groups, each with its operations.
        pub static GROUPS: &[GroupSpec] = &[#(#groups),*];
    }
}

fn operation(api: &Api, op: &Operation) -> TokenStream {
    let id = op.id.as_str();
    let name = kebab(&op.name.snake);
    let summary = op
        .summary
        .as_deref()
        .map(one_line)
        .or_else(|| first_paragraph(op.description.as_deref()))
        .unwrap_or_default();
    let description = clean_doc(op.doc().as_deref()).unwrap_or_default();
    let method = op.method.as_str();
    let path = op.path.as_str();
    let mut taken: BTreeSet<String> = RESERVED_FLAGS.iter().map(|s| s.to_string()).collect();
    let params: Vec<TokenStream> = op
        .caller_params()
        .map(|p| param(api, p, &mut taken))
        .collect();
    let body = match &op.body {
        Some(b) if b.format.is_structured() => {
            let model = match &b.ty {
                TypeRef::Named(n) => n.clone(),
                _ => "JSON".to_string(),
            };
            let required = b.required;
            let mut flags = Vec::new();
            body_flags(
                api,
                &b.ty,
                &mut Vec::new(),
                true,
                &mut BTreeSet::new(),
                &mut flags,
            );
            let flags = flags.iter().map(|f| f.tokens(&mut taken));
            quote!(Some(BodySpec { model: #model, required: #required, flags: &[#(#flags),*] }))
        }
        _ => quote!(None),
    };
    let (answer, secrets) = answer(api, op);
    let app_user = op.requires_app_user;
    quote! {
        OperationSpec {
            id: #id,
            name: #name,
            summary: #summary,
            description: #description,
            method: #method,
            path: #path,
            params: &[#(#params),*],
            body: #body,
            answer: #answer,
            secrets: &[#(#secrets),*],
            requires_app_user: #app_user,
        }
    }
}

fn param(api: &Api, p: &Param, taken: &mut BTreeSet<String>) -> TokenStream {
    let flag = claim(taken, kebab(&p.name.snake), "param-");
    let wire = p.name.original.as_str();
    let location = match p.location {
        ParamLocation::Path => "path",
        ParamLocation::Query => "query",
        ParamLocation::Header => "header",
        ParamLocation::Cookie => "cookie",
    };
    let required = p.required;
    let (value, many) = match api.resolve(&p.ty) {
        _ if p.json_encoded => (value_spec(api, &TypeRef::Any), false),
        TypeRef::Array(inner) if scalar(api, inner) => (value_spec(api, inner), true),
        t => (value_spec(api, t), false),
    };
    let mut help = first_paragraph(p.doc.as_deref()).unwrap_or_default();
    // An object given as JSON: say which members it has, required ones first.
    if let TypeRef::Named(n) = api.resolve(&p.ty)
        && let Some(TypeKind::Struct(s)) = api.type_def(n).map(|d| &d.kind)
    {
        let mut members: Vec<&Field> = s.fields.iter().filter(|f| !f.read_only).collect();
        members.sort_by_key(|f| !f.required);
        let names: Vec<&str> = members.iter().map(|f| f.name.original.as_str()).collect();
        help = format!("{help} JSON members: {}.", names.join(", "))
            .trim()
            .to_string();
    }
    quote! {
        ParamSpec {
            flag: #flag,
            wire: #wire,
            location: #location,
            required: #required,
            value: #value,
            many: #many,
            help: #help,
        }
    }
}

/// A scalar member of a body, found by walking its objects.
struct BodyFlag<'a> {
    path: Vec<&'a Field>,
    required: bool,
    value: TokenStream,
}

impl BodyFlag<'_> {
    fn tokens(&self, taken: &mut BTreeSet<String>) -> TokenStream {
        let flag: Vec<String> = self.path.iter().map(|f| kebab(&f.name.snake)).collect();
        let flag = claim(taken, flag.join("."), "body.");
        let path = self.path.iter().map(|f| f.name.original.as_str());
        let required = self.required;
        let value = &self.value;
        let leaf = self.path.last().expect("a body flag has a path");
        let mut help = first_paragraph(leaf.doc.as_deref()).unwrap_or_default();
        if leaf.secret || matches!(leaf.ty, TypeRef::Secret) {
            // A flag's value shows in process lists and shell history.
            help = format!("{help} As a flag it shows in process lists: prefer --body (a file, or - for stdin).")
                .trim()
                .to_string();
        }
        quote! {
            FieldSpec {
                flag: #flag,
                path: &[#(#path),*],
                required: #required,
                value: #value,
                help: #help,
            }
        }
    }
}

/// The scalar members below a value of type `t` (through objects; lists, maps and unions are
/// given whole in `--body`). `required` says whether every object on the way is required.
fn body_flags<'a>(
    api: &'a Api,
    t: &TypeRef,
    path: &mut Vec<&'a Field>,
    required: bool,
    seen: &mut BTreeSet<String>,
    out: &mut Vec<BodyFlag<'a>>,
) {
    let TypeRef::Named(n) = api.resolve(t) else {
        return;
    };
    let Some(TypeKind::Struct(s)) = api.type_def(n).map(|d| &d.kind) else {
        return;
    };
    // A read-only object (links, metadata) is the server's to fill.
    if s.read_only || !seen.insert(n.clone()) {
        return;
    }
    for f in &s.fields {
        if f.read_only {
            continue;
        }
        path.push(f);
        let required = required && f.required;
        if scalar(api, &f.ty) {
            out.push(BodyFlag {
                path: path.clone(),
                required,
                value: value_spec(api, &f.ty),
            });
        } else {
            body_flags(api, &f.ty, path, required, seen, out);
        }
        path.pop();
    }
    seen.remove(n);
}

/// A value one flag can give: text, a number, a yes/no, a date or an enum's value.
fn scalar(api: &Api, t: &TypeRef) -> bool {
    match api.resolve(t) {
        TypeRef::String
        | TypeRef::Integer(_)
        | TypeRef::Number
        | TypeRef::Boolean
        | TypeRef::Uuid
        | TypeRef::DateTime
        | TypeRef::Date
        | TypeRef::Secret => true,
        TypeRef::Named(n) => matches!(api.type_def(n).map(|d| &d.kind), Some(TypeKind::Enum(_))),
        _ => false,
    }
}

fn value_spec(api: &Api, t: &TypeRef) -> TokenStream {
    match api.resolve(t) {
        TypeRef::String | TypeRef::Secret => quote!(ValueSpec::String),
        TypeRef::Integer(_) => quote!(ValueSpec::Integer),
        TypeRef::Number => quote!(ValueSpec::Number),
        TypeRef::Boolean => quote!(ValueSpec::Boolean),
        TypeRef::Uuid => quote!(ValueSpec::Uuid),
        TypeRef::DateTime | TypeRef::Date => quote!(ValueSpec::Date),
        TypeRef::Named(n) => match api.type_def(n).map(|d| &d.kind) {
            Some(TypeKind::Enum(e)) => {
                let values = e.values.iter().map(|v| v.name.original.as_str());
                let closed = e.closed;
                quote!(ValueSpec::Enum { values: &[#(#values),*], closed: #closed })
            }
            _ => quote!(ValueSpec::Json),
        },
        _ => quote!(ValueSpec::Json),
    }
}

/// What the answer is, and where it holds secrets.
fn answer(api: &Api, op: &Operation) -> (TokenStream, Vec<String>) {
    if let Some(p) = &op.paging {
        let (items, token) = (p.items_field.as_str(), p.token_field.as_str());
        let secrets = api
            .secret_paths(&p.item)
            .into_iter()
            .map(|s| format!("{items}[].{s}"))
            .collect();
        return (
            quote!(AnswerSpec::Paged { items: #items, token: #token }),
            secrets,
        );
    }
    if op.exists.is_some() {
        return (quote!(AnswerSpec::Exists), Vec::new());
    }
    let response = &op.response;
    let bodies: Vec<&(TypeRef, BodyFormat)> = if response.variants.is_empty() {
        response.body.iter().collect()
    } else {
        response
            .variants
            .iter()
            .filter_map(|v| v.body.as_ref())
            .collect()
    };
    if bodies.is_empty() {
        return (quote!(AnswerSpec::None), Vec::new());
    }
    if bodies.iter().all(|(_, f)| *f == BodyFormat::Binary) {
        return (quote!(AnswerSpec::Bytes), Vec::new());
    }
    let mut secrets: Vec<String> = bodies
        .iter()
        .flat_map(|(t, _)| api.secret_paths(t))
        .collect();
    secrets.sort();
    secrets.dedup();
    if let [(t, _)] = bodies.as_slice()
        && let Some(items) = collection_items(api, t)
    {
        return (quote!(AnswerSpec::List { items: #items }), secrets);
    }
    (quote!(AnswerSpec::Json), secrets)
}

/// A collection that is not paged: a list of objects (`""`: the answer itself), or an object
/// whose one list of objects is what it holds, beside scalars (`totalCount`) and read-only
/// metadata (`links`). Its items print like a paged list's.
fn collection_items<'a>(api: &'a Api, t: &TypeRef) -> Option<&'a str> {
    let is_object = |t: &TypeRef| {
        matches!(api.resolve(t), TypeRef::Named(n)
            if matches!(api.type_def(n).map(|d| &d.kind), Some(TypeKind::Struct(_))))
    };
    let n = match api.resolve(t) {
        TypeRef::Array(inner) if is_object(inner) => return Some(""),
        TypeRef::Named(n) => n,
        _ => return None,
    };
    let Some(TypeKind::Struct(s)) = api.type_def(n).map(|d| &d.kind) else {
        return None;
    };
    let read_only = |f: &Field| {
        f.read_only
            || matches!(api.resolve(&f.ty), TypeRef::Named(n)
                if matches!(api.type_def(n).map(|d| &d.kind), Some(TypeKind::Struct(s)) if s.read_only))
    };
    let mut lists = s
        .fields
        .iter()
        .filter(|f| matches!(api.resolve(&f.ty), TypeRef::Array(inner) if is_object(inner)));
    let list = lists.next()?;
    let others_plain = s
        .fields
        .iter()
        .filter(|f| f.name.original != list.name.original)
        .all(|f| scalar(api, &f.ty) || read_only(f));
    (lists.next().is_none() && others_plain).then_some(list.name.original.as_str())
}

/// `name`, or `prefix` + `name` when another flag of the operation already has it.
fn claim(taken: &mut BTreeSet<String>, name: String, prefix: &str) -> String {
    let mut name = name;
    while taken.contains(&name) {
        name = format!("{prefix}{name}");
    }
    taken.insert(name.clone());
    name
}

fn kebab(snake: &str) -> String {
    snake.replace('_', "-")
}

fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The first paragraph of a doc as one line (for short help).
fn first_paragraph(doc: Option<&str>) -> Option<String> {
    let doc = doc?.trim();
    let first = doc.split("\n\n").next().unwrap_or(doc);
    let line = one_line(first);
    (!line.is_empty()).then_some(line)
}
