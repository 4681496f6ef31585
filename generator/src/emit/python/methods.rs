//! The methods of `_client.py`: one operation's signature, parameter collection, call and
//! answer decoding, as template values.

use serde_json::{Value, json};

use crate::model::{Api, BodyFormat, Operation, Param, TypeKind, TypeRef};

use super::MEDIA_TYPE_PARAM;
use super::docs::docstring;
use super::idents::py_ident;
use super::typed_dicts::DictNames;
use super::types::{py_arg_type, py_conv, py_type};

/// A method's parameters, the code that collects them into the `params` dict, and the call.
pub(super) fn operation(api: &Api, dicts: &DictNames, op: &Operation) -> Value {
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
        positional.push(format!("{id}: {}", py_arg_type(api, dicts, &p.ty)));
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
                // A model body may come as the model or as its dict (`<Model>Dict`).
                let encode = match cls {
                    Some(cls) => format!("encode_body(body, {cls})"),
                    None => "encode_body(body)".to_string(),
                };
                (py_arg_type(api, dicts, &b.ty), encode)
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
        keyword.push(format!(
            "{id}: {} | None = None",
            py_arg_type(api, dicts, &p.ty)
        ));
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
