//! The model of tests/specs/media.yaml: request bodies by media type, answers by status, and
//! parameter styles, as the emitters read them.

use generator::load;
use generator::model::{
    self, Api, BodyFormat, Operation, ParamLocation, ParamStyle, TypeKind, TypeRef,
};

fn media() -> Api {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/specs/media.yaml");
    model::build(&load::load(&path, "media.yaml").unwrap()).unwrap()
}

fn op<'a>(api: &'a Api, id: &str) -> &'a Operation {
    api.operations()
        .find(|o| o.id == id)
        .unwrap_or_else(|| panic!("no operation {id}"))
}

#[test]
fn form_bodies_carry_each_members_encoding_with_the_defaults_filled_in() {
    let api = media();
    let body = op(&api, "requestToken").body.clone().unwrap();
    assert_eq!(body.format, BodyFormat::Form);
    assert_eq!(body.content_type, "application/x-www-form-urlencoded");
    let enc = |name: &str| body.encoding.iter().find(|e| e.name == name).cloned();
    let ids = enc("ids").unwrap();
    assert_eq!((ids.style, ids.explode), (ParamStyle::Form, false));
    let filter = enc("filter").unwrap();
    assert_eq!(
        (filter.style, filter.explode),
        (ParamStyle::DeepObject, true)
    );
    let meta = enc("meta").unwrap();
    assert_eq!(meta.content_type.as_deref(), Some("application/json"));
    assert!(meta.explode, "explode defaults to true for style form");
    assert!(
        enc("scope").is_none(),
        "members without an entry use the defaults"
    );
}

#[test]
fn multipart_bodies_hold_files() {
    let api = media();
    let body = op(&api, "uploadFile").body.clone().unwrap();
    assert_eq!(body.format, BodyFormat::Multipart);
    let TypeRef::Named(name) = &body.ty else {
        panic!("{:?}", body.ty)
    };
    let Some(TypeKind::Struct(s)) = api.type_def(name).map(|d| &d.kind) else {
        panic!("{name} is not a struct")
    };
    let ty = |wire: &str| {
        s.fields
            .iter()
            .find(|f| f.name.original == wire)
            .unwrap()
            .ty
            .clone()
    };
    assert_eq!(ty("file"), TypeRef::File);
    assert_eq!(ty("extra"), TypeRef::Array(Box::new(TypeRef::File)));
    assert_eq!(ty("note"), TypeRef::String);
    let note = body.encoding.iter().find(|e| e.name == "note").unwrap();
    assert_eq!(note.content_type.as_deref(), Some("text/markdown"));
}

#[test]
fn raw_vendor_json_and_undeclared_bodies() {
    let api = media();
    let replace = op(&api, "replaceFile").body.clone().unwrap();
    assert_eq!(
        (replace.format, replace.ty.clone()),
        (BodyFormat::Binary, TypeRef::Bytes)
    );
    assert_eq!(replace.content_type, "application/octet-stream");
    let others: Vec<&str> = replace
        .alternatives
        .iter()
        .map(|m| m.content_type.as_str())
        .collect();
    assert_eq!(
        others,
        ["image/png"],
        "another raw type is a choice, not a refusal"
    );

    let patch = op(&api, "patchFile").body.clone().unwrap();
    assert_eq!(patch.format, BodyFormat::Json);
    assert_eq!(patch.content_type, "application/json-patch+json");
    assert!(matches!(patch.ty, TypeRef::Array(_)));

    let raw = op(&api, "putNoteRaw").body.clone().unwrap();
    assert_eq!(
        (raw.format, raw.ty),
        (BodyFormat::Binary, TypeRef::Bytes),
        "content: {{}}"
    );
}

#[test]
fn several_media_types_default_to_json_and_offer_those_with_the_same_schema() {
    let api = media();
    let body = op(&api, "createNote").body.clone().unwrap();
    assert_eq!(body.format, BodyFormat::Json);
    let offered: Vec<(&str, BodyFormat)> = body
        .alternatives
        .iter()
        .map(|m| (m.content_type.as_str(), m.format))
        .collect();
    assert_eq!(
        offered,
        [("application/x-www-form-urlencoded", BodyFormat::Form)],
        "text/plain has another schema, so it is not the same value"
    );
}

#[test]
fn success_answers_that_differ_become_variants_by_status() {
    let api = media();
    let download = &op(&api, "downloadFile").response;
    let statuses: Vec<(u16, &str, bool)> = download
        .variants
        .iter()
        .map(|v| (v.status, v.name.pascal.as_str(), v.body.is_some()))
        .collect();
    assert_eq!(
        statuses,
        [(200, "Ok", true), (202, "Accepted", false)],
        "302 is not a success"
    );
    assert_eq!(
        download.variants[0].body,
        Some((TypeRef::Bytes, BodyFormat::Binary))
    );

    let create = &op(&api, "createNote").response;
    let bodies: Vec<Option<(TypeRef, BodyFormat)>> =
        create.variants.iter().map(|v| v.body.clone()).collect();
    assert_eq!(
        bodies,
        [
            Some((TypeRef::Named("Note".into()), BodyFormat::Json)),
            Some((TypeRef::Named("File".into()), BodyFormat::Json)),
        ]
    );

    let text = &op(&api, "putNoteRaw").response;
    assert!(text.variants.is_empty());
    assert_eq!(text.body, Some((TypeRef::String, BodyFormat::Text)));
    let html = &op(&api, "search").response;
    assert_eq!(html.body, Some((TypeRef::String, BodyFormat::Text)));
}

#[test]
fn parameter_styles_are_read_and_defaulted_per_location() {
    let api = media();
    let search = op(&api, "search");
    let style = |wire: &str| {
        let p = search
            .params
            .iter()
            .find(|p| p.name.original == wire)
            .unwrap();
        (p.location, p.style, p.explode)
    };
    assert_eq!(
        style("kinds"),
        (ParamLocation::Path, ParamStyle::Label, true)
    );
    assert_eq!(
        style("filter"),
        (ParamLocation::Query, ParamStyle::DeepObject, true)
    );
    assert_eq!(
        style("ids"),
        (ParamLocation::Query, ParamStyle::PipeDelimited, false)
    );
    assert_eq!(
        style("words"),
        (ParamLocation::Query, ParamStyle::SpaceDelimited, false)
    );
    assert_eq!(
        style("fields"),
        (ParamLocation::Query, ParamStyle::Form, false)
    );
    assert_eq!(
        style("point"),
        (ParamLocation::Query, ParamStyle::Form, true)
    );
    assert_eq!(
        style("X-Trace"),
        (ParamLocation::Header, ParamStyle::Simple, false)
    );
    assert_eq!(
        style("prefs"),
        (ParamLocation::Cookie, ParamStyle::Form, false)
    );
    let download = op(&api, "downloadFile");
    let cookies = download
        .params
        .iter()
        .filter(|p| p.location == ParamLocation::Cookie)
        .count();
    assert_eq!(cookies, 2);
}
