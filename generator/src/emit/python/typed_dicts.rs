//! `<Model>Dict`: a `TypedDict` for each model a call takes (its body, a parameter, or a model
//! nested in one of those), keyed by the model's attribute names, so that pyright checks the keys
//! and values of a dict literal given in the model's place.
//!
//! At run time the dict goes where it always went (`encode_body`, `as_model`), which reads wire
//! and snake_case keys alike and keeps keys it does not know: the `TypedDict` only types it.

use std::collections::{BTreeMap, HashSet};

use serde_json::{Value, json};

use crate::model::{Api, BodyFormat, Field, TypeKind, TypeRef};

use super::idents::py_ident;
use super::types::py_type;

/// The `TypedDict` name of each model a call takes, by the model's name.
pub(super) struct DictNames(BTreeMap<String, String>);

impl DictNames {
    /// Names for the models the operations of `api` take, each `<Model>Dict` unless that is a
    /// schema's name (or `TypedDict` itself), then `<Model>Dict2`, `<Model>Dict3`, ...
    pub(super) fn new(api: &Api) -> DictNames {
        let wanted = request_models(api);
        let mut taken: HashSet<String> = api.types.iter().map(|t| t.name.pascal.clone()).collect();
        taken.insert("TypedDict".to_string());
        let mut names = BTreeMap::new();
        // In the order of the types, so that the names do not depend on the order of the calls.
        for def in api.types.iter().filter(|d| wanted.contains(&d.name.pascal)) {
            let model = &def.name.pascal;
            let name = std::iter::once(format!("{model}Dict"))
                .chain((2..).map(|n| format!("{model}Dict{n}")))
                .find(|n| !taken.contains(n))
                .expect("an unbounded sequence of names has a free one");
            taken.insert(name.clone());
            names.insert(model.clone(), name);
        }
        DictNames(names)
    }

    /// The `TypedDict` of model `model`, when a call takes it.
    pub(super) fn of(&self, model: &str) -> Option<&str> {
        self.0.get(model).map(String::as_str)
    }
}

/// The struct a type is (through aliases), if it is one.
fn struct_name<'a>(api: &'a Api, t: &'a TypeRef) -> Option<&'a str> {
    match api.resolve(t) {
        TypeRef::Named(n)
            if matches!(api.type_def(n).map(|d| &d.kind), Some(TypeKind::Struct(_))) =>
        {
            Some(n)
        }
        _ => None,
    }
}

/// The models a call takes as a dict: a body that is a model, a parameter that is one (both are
/// turned into the model at run time, dict or not), and every model inside those.
fn request_models(api: &Api) -> HashSet<String> {
    let mut pending: Vec<&str> = Vec::new();
    for op in api.operations() {
        if let Some(b) = &op.body
            && matches!(
                b.format,
                BodyFormat::Json | BodyFormat::Form | BodyFormat::Multipart
            )
        {
            pending.extend(struct_name(api, &b.ty));
        }
        pending.extend(op.params.iter().filter_map(|p| struct_name(api, &p.ty)));
    }
    let mut found = HashSet::new();
    while let Some(name) = pending.pop() {
        if !found.insert(name.to_string()) {
            continue;
        }
        if let Some(TypeKind::Struct(s)) = api.type_def(name).map(|d| &d.kind) {
            for f in &s.fields {
                pending.extend(nested_structs(api, &f.ty));
            }
        }
    }
    found
}

/// The models a field of this type holds: itself, or the items of its lists and maps (a union
/// member is typed `Any`, so what it holds needs no dict).
fn nested_structs<'a>(api: &'a Api, t: &'a TypeRef) -> Option<&'a str> {
    match api.resolve(t) {
        TypeRef::Array(inner) | TypeRef::Map(inner) => nested_structs(api, inner),
        other => struct_name(api, other),
    }
}

/// What a `TypedDict` key of this type takes: what the model's attribute takes, with a model
/// also as its dict and an enum also as one of its values (`Literal`). Lists and maps that hold
/// either are `Sequence` and `Mapping`, which (unlike `list` and `dict`) take a `list[Model]`
/// or a `list[ModelDict]` where `Model | ModelDict` items are expected.
pub(super) fn py_dict_type(api: &Api, dicts: &DictNames, t: &TypeRef) -> String {
    let plain = py_type(api, t);
    match api.resolve(t) {
        TypeRef::Named(n) => match api.type_def(n).map(|d| &d.kind) {
            Some(TypeKind::Struct(_)) => match dicts.of(n) {
                Some(dict) => format!("{n} | {dict}"),
                None => plain,
            },
            Some(TypeKind::Enum(e)) if !e.values.is_empty() => {
                let values: Vec<String> = e
                    .values
                    .iter()
                    .map(|v| serde_json::to_string(&v.name.original).unwrap_or_default())
                    .collect();
                format!("{n} | Literal[{}]", values.join(", "))
            }
            _ => plain,
        },
        TypeRef::Array(inner) => {
            let item = py_dict_type(api, dicts, inner);
            if item == py_type(api, inner) {
                plain
            } else {
                format!("Sequence[{item}]")
            }
        }
        TypeRef::Map(inner) => {
            let item = py_dict_type(api, dicts, inner);
            if item == py_type(api, inner) {
                plain
            } else {
                format!("Mapping[str, {item}]")
            }
        }
        _ => plain,
    }
}

/// The `TypedDict`s of `_models.py`, in the order of the models, as template values: each with
/// its required keys (in a private base class when some keys are optional: `typing.Required` and
/// `NotRequired` are Python 3.11+) and its optional ones.
pub(super) fn typed_dicts(api: &Api, dicts: &DictNames) -> Vec<Value> {
    let mut out = Vec::new();
    for def in &api.types {
        let (Some(name), TypeKind::Struct(s)) = (dicts.of(&def.name.pascal), &def.kind) else {
            continue;
        };
        let key = |f: &Field| {
            let annotation = py_dict_type(api, dicts, &f.ty);
            json!({
                "name": py_ident(&f.name.snake),
                // A model's optional attribute takes `None` (left out of the wire form): so does its key.
                "annotation": if f.optional() { format!("{annotation} | None") } else { annotation },
            })
        };
        let required: Vec<Value> = s.fields.iter().filter(|f| !f.optional()).map(key).collect();
        let optional: Vec<Value> = s.fields.iter().filter(|f| f.optional()).map(key).collect();
        let model = &def.name.pascal;
        let doc = class_doc(model);
        let (base, bases) = match (required.is_empty(), optional.is_empty()) {
            (_, true) => (None, "TypedDict".to_string()),
            (true, false) => (None, "TypedDict, total=False".to_string()),
            (false, false) => {
                let base = format!("_{name}Required");
                let bases = format!("{base}, total=False");
                (Some(base), bases)
            }
        };
        // With a base class, it holds the required keys and the class the optional ones.
        let own: Vec<Value> = if base.is_some() {
            optional
        } else {
            required.iter().cloned().chain(optional).collect()
        };
        out.push(json!({
            "name": name,
            "doc": doc,
            "base": base,
            "bases": bases,
            "required": if base.is_some() { required } else { Vec::new() },
            "own": own,
        }));
    }
    out
}

/// The docstring of `<Model>Dict` (without its quotes): what it is. The model's class documents
/// it and its attributes, which are the keys; repeating that here would double every model's
/// docs in `_models.py` for no reader (editors show a dict's keys from its annotations).
fn class_doc(model: &str) -> String {
    format!("``{model}`` as a dict, keyed by its attribute names (documented there).")
}
