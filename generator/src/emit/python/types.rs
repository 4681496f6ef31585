//! Python annotations and `_base` converters for the model's types.

use crate::model::{Api, TypeKind, TypeRef};

use super::imports::is_word_char;
use super::typed_dicts::DictNames;

/// The annotation of a value of this type.
pub(super) fn py_type(api: &Api, t: &TypeRef) -> String {
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

/// What a caller may pass for a value of this type (models also as their `TypedDict`, enums as
/// strings).
pub(super) fn py_arg_type(api: &Api, dicts: &DictNames, t: &TypeRef) -> String {
    match api.resolve(t) {
        TypeRef::Uuid => "str | uuid.UUID".into(),
        TypeRef::Named(n) => match api.type_def(n).map(|d| &d.kind) {
            Some(TypeKind::Struct(_)) => match dicts.of(n) {
                Some(dict) => format!("{n} | {dict}"),
                // Every model a call takes has a dict (`DictNames`): this is for any other.
                None => format!("{n} | Mapping[str, Any]"),
            },
            Some(TypeKind::Enum(_)) => format!("{n} | str"),
            _ => "Any".into(),
        },
        other => py_type(api, other),
    }
}

/// The `_base` converter of a value of this type, as Python source.
pub(super) fn py_conv(api: &Api, t: &TypeRef) -> String {
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
pub(super) fn conv_names(conv: &str) -> impl Iterator<Item = &str> {
    conv.split(|c: char| !is_word_char(c))
        .filter(|w| !w.is_empty())
}
