//! The classes of `_models.py`: enums, structs and aliases as template values.

use serde_json::{Value, json};

use crate::model::{Api, TypeKind, TypeRef};

use super::docs::{docstring, one_line};
use super::idents::py_ident;
use super::types::{py_conv, py_type};

pub(super) fn models(api: &Api) -> (Vec<Value>, Vec<Value>, Vec<Value>) {
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
