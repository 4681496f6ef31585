//! `$ref`s to schemas anywhere in the document (tests/specs/refs.yaml): each names the type of
//! the schema it points to, one type per schema however it is reached, and recursion through
//! such schemas is a boxed recursive type.

use std::collections::BTreeMap;
use std::path::Path;

use generator::error::GenError;
use generator::load;
use generator::model::{self, Api, Field, IntFormat, TypeKind, TypeRef};

fn refs() -> Api {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/specs/refs.yaml");
    model::build(&load::load(&path, "refs.yaml").unwrap()).unwrap()
}

fn build_text(text: &str) -> Result<Api, GenError> {
    model::build(&load::parse(text, "spec.yaml")?)
}

fn fields(api: &Api, name: &str) -> Vec<Field> {
    match &api
        .type_def(name)
        .unwrap_or_else(|| panic!("no type {name}"))
        .kind
    {
        TypeKind::Struct(s) => s.fields.clone(),
        other => panic!("{name} is {other:?}"),
    }
}

fn field(api: &Api, owner: &str, wire: &str) -> Field {
    fields(api, owner)
        .into_iter()
        .find(|f| f.name.original == wire)
        .unwrap_or_else(|| panic!("no field {owner}.{wire}"))
}

fn named(t: &TypeRef) -> &str {
    match t {
        TypeRef::Named(n) => n,
        other => panic!("{other:?} is not a named type"),
    }
}

/// The named type a field holds, and the pointer of the schema that type came from.
fn target(api: &Api, owner: &str, wire: &str) -> (String, String) {
    let f = field(api, owner, wire);
    let name = named(&f.ty).to_string();
    let pointer = api.type_def(&name).unwrap().pointer.clone();
    (name, pointer)
}

fn enum_values(api: &Api, name: &str) -> Vec<String> {
    match &api.type_def(name).unwrap().kind {
        TypeKind::Enum(e) => e.values.iter().map(|v| v.name.original.clone()).collect(),
        other => panic!("{name} is {other:?}"),
    }
}

#[test]
fn each_kind_of_target_names_the_type_of_its_schema() {
    let api = refs();
    let cases = [
        ("status", "Status", "/components/parameters/Status/schema"),
        ("limit", "Limit", "/components/parameters/Limit/schema"),
        (
            "filter",
            "Filter",
            "/components/parameters/Filter/content/application~1json/schema",
        ),
        ("rate", "RateLimit", "/components/headers/RateLimit/schema"),
        ("owner", "Owner", "/components/schemas/Owner"),
        (
            "address",
            "OwnerAddress",
            "/components/schemas/Owner/properties/address",
        ),
        ("odd", "ABC", "/components/schemas/a~1b~0c"),
        (
            "page",
            "PetList",
            "/components/responses/PetList/content/application~1json/schema",
        ),
        (
            "sort",
            "ListPetsSort",
            "/paths/~1pets/get/parameters/0/schema",
        ),
        (
            "tree",
            "Tree",
            "/components/responses/Tree/content/application~1json/schema",
        ),
    ];
    for (wire, name, pointer) in cases {
        assert_eq!(
            target(&api, "Pet", wire),
            (name.to_string(), pointer.to_string()),
            "Pet.{wire}"
        );
    }
    assert_eq!(
        enum_values(&api, "Status"),
        ["available", "pending", "sold"]
    );
    assert_eq!(enum_values(&api, "ListPetsSort"), ["name", "age"]);
    let kind = |n: &str| api.type_def(n).unwrap().kind.clone();
    assert!(matches!(
        kind("Limit"),
        TypeKind::Alias(TypeRef::Integer(IntFormat::I32))
    ));
    assert!(matches!(
        kind("RateLimit"),
        TypeKind::Alias(TypeRef::Integer(IntFormat::I32))
    ));
    assert_eq!(
        target(&api, "PetList", "next"),
        (
            "PetListXNext".to_string(),
            "/components/responses/PetList/headers/X-Next/schema".to_string()
        )
    );
    let odd = fields(&api, "ABC");
    assert_eq!(odd[0].name.original, "x");
    // Emitters declare a type by its PascalCase name and refer to it by `TypeRef::Named`.
    for t in &api.types {
        assert_eq!(t.name.pascal, t.name.original, "{}", t.pointer);
    }
}

#[test]
fn a_chain_of_references_is_the_type_at_its_end() {
    let api = refs();
    assert_eq!(target(&api, "Pet", "keeper").0, "Owner");
}

#[test]
fn a_schema_is_one_type_however_it_is_reached() {
    let api = refs();
    let mut by_pointer: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for t in &api.types {
        by_pointer
            .entry(t.pointer.as_str())
            .or_default()
            .push(&t.name.pascal);
    }
    let twice: Vec<_> = by_pointer.iter().filter(|(_, v)| v.len() > 1).collect();
    assert!(twice.is_empty(), "schemas with two types: {twice:?}");

    let op = |id: &str| api.operations().find(|o| o.id == id).unwrap().clone();
    let param = |id: &str, wire: &str| {
        op(id)
            .params
            .into_iter()
            .find(|p| p.name.original == wire)
            .unwrap()
            .ty
    };
    // The operation that declares a schema and a `$ref` elsewhere name one type.
    assert_eq!(
        param("listPets", "sort"),
        TypeRef::Named("ListPetsSort".into())
    );
    assert_eq!(
        param("listOwners", "status"),
        TypeRef::Named("ListPetsSort".into())
    );
    assert_eq!(param("listPets", "status"), TypeRef::Named("Status".into()));
    assert_eq!(
        param("listOwners", "filter"),
        TypeRef::Named("Filter".into())
    );
    // A parameter two operations use by `$ref`: one type, named after the component.
    assert_eq!(param("listPets", "window"), TypeRef::Named("Window".into()));
    assert_eq!(
        param("listOwners", "window"),
        TypeRef::Named("Window".into())
    );
    let list = op("listPets");
    assert_eq!(
        list.response.body.as_ref().map(|(t, _)| t.clone()),
        Some(TypeRef::Named("PetList".into()))
    );
    let create = op("createPet");
    let body = create.body.as_ref().unwrap().ty.clone();
    let response = create.response.body.as_ref().unwrap().0.clone();
    assert_eq!(
        field(&api, named(&response), "submitted").ty,
        body,
        "a response field that names the request body's schema"
    );
    assert_eq!(
        field(&api, named(&body), "status").ty,
        TypeRef::Named("Status".into())
    );
}

#[test]
fn recursion_through_schemas_outside_components_is_boxed() {
    let api = refs();
    let get = api.operations().find(|o| o.id == "getPet").unwrap();
    let response = named(&get.response.body.as_ref().unwrap().0).to_string();
    let parent = field(&api, &response, "parent");
    assert_eq!(
        named(&parent.ty),
        response,
        "a percent-encoded reference to the response's own schema"
    );
    assert!(parent.boxed);
    let children = field(&api, &response, "children");
    assert_eq!(
        children.ty,
        TypeRef::Array(Box::new(TypeRef::Named(response)))
    );
    assert!(!children.boxed, "a Vec already is an indirection");

    let left = field(&api, "Tree", "left");
    assert_eq!(named(&left.ty), "Tree");
    assert!(left.boxed);
    assert!(field(&api, "Tree", "right").boxed);
    assert!(field(&api, "Branch", "tree").boxed);
}

const MINIMAL: &str = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\n";

#[test]
fn a_dangling_reference_is_an_error_at_its_pointer() {
    for (target, pointer) in [
        (
            "#/components/parameters/Nope/schema",
            "/components/schemas/A/properties/x/$ref",
        ),
        (
            "#/paths/~1pets~1%7Bnope%7D/get/responses/200/content/application~1json/schema",
            "/components/schemas/A/properties/x/$ref",
        ),
    ] {
        let text = format!(
            "{MINIMAL}components:\n  schemas:\n    A:\n      properties:\n        x: {{$ref: '{target}'}}\n"
        );
        let e = build_text(&text).expect_err(target);
        assert_eq!(e.pointer.as_deref(), Some(pointer), "{e}");
        assert!(e.message.contains("points to nothing"), "{e}");
        assert!(e.message.contains(target), "{e}");
    }
}

#[test]
fn a_reference_to_something_that_is_not_a_schema_is_an_error() {
    let text = format!(
        "{MINIMAL}components:\n  parameters:\n    P: {{name: p, in: query, schema: {{type: string}}}}\n  schemas:\n    A:\n      properties:\n        x: {{$ref: '#/components/parameters/P'}}\n"
    );
    let e = build_text(&text).expect_err("a parameter is not a schema");
    assert_eq!(
        e.pointer.as_deref(),
        Some("/components/schemas/A/properties/x"),
        "{e}"
    );
    assert!(e.message.contains("must point to a schema"), "{e}");
}

#[test]
fn a_cycle_of_references_alone_is_an_error_not_a_stack_overflow() {
    let text = format!(
        "{MINIMAL}components:\n  responses:\n    R:\n      description: r\n      content:\n        application/json:\n          schema: {{$ref: '#/components/schemas/A'}}\n  schemas:\n    A:\n      $ref: '#/components/responses/R/content/application~1json/schema'\n"
    );
    let e = build_text(&text).expect_err("a cycle");
    assert!(e.message.contains("cycle"), "{e}");
    // The model alone (without the load-time check) refuses it too.
    let raw: serde_json::Value = serde_json::from_str(
        r##"{"components": {"schemas": {
            "A": {"properties": {"x": {"$ref": "#/components/schemas/B/properties/y"}}},
            "B": {"properties": {"y": {"$ref": "#/components/schemas/B/properties/z"},
                                 "z": {"$ref": "#/components/schemas/B/properties/y"}}}}}}"##,
    )
    .unwrap();
    // On a thread, so that a loop fails the test instead of hanging it.
    let (sent, answer) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = sent.send(model::Schemas::lower(&raw).err().map(|e| e.message));
    });
    let message = answer
        .recv_timeout(std::time::Duration::from_secs(20))
        .expect("the model answers")
        .expect("a cycle of references");
    assert!(message.contains("leads back to itself"), "{message}");
}

/// Parameters, request bodies and responses given by a `$ref` into another operation, spelled
/// with percent-encoding (`%7Bid%7D` for `{id}`), carry the typed schema they point to.
#[test]
fn percent_encoded_references_to_parameters_bodies_and_responses_keep_their_schema() {
    let spec = r##"
openapi: 3.0.3
info: {title: t, version: "1"}
paths:
  /a/{id}:
    get:
      operationId: getA
      parameters:
        - {name: id, in: path, required: true, schema: {type: string}}
        - {name: q, in: query, schema: {type: string, enum: [x, y]}}
      responses:
        '200':
          description: ok
          content: {application/json: {schema: {type: object, properties: {v: {type: string}}}}}
    post:
      operationId: postA
      parameters:
        - {name: id, in: path, required: true, schema: {type: string}}
      requestBody:
        content: {application/json: {schema: {type: object, properties: {w: {type: string}}}}}
      responses: {'204': {description: ok}}
  /b/{id}:
    get:
      operationId: getB
      parameters:
        - {name: id, in: path, required: true, schema: {type: string}}
        - $ref: '#/paths/~1a~1%7Bid%7D/get/parameters/1'
      responses:
        '200': {$ref: '#/paths/~1a~1%7Bid%7D/get/responses/200'}
    post:
      operationId: postB
      parameters:
        - {name: id, in: path, required: true, schema: {type: string}}
      requestBody: {$ref: '#/paths/~1a~1%7Bid%7D/post/requestBody'}
      responses: {'204': {description: ok}}
"##;
    let api = build_text(spec).unwrap();
    let op = |id: &str| api.operations().find(|o| o.id == id).unwrap().clone();
    let (a, b) = (op("getA"), op("getB"));
    let q = |o: &model::Operation| {
        o.params
            .iter()
            .find(|p| p.name.original == "q")
            .unwrap()
            .ty
            .clone()
    };
    assert_eq!(q(&b), q(&a), "the enum parameter, not a string");
    assert!(matches!(q(&b), TypeRef::Named(_)));
    assert_eq!(
        b.response.body, a.response.body,
        "the typed answer, not any JSON"
    );
    assert_eq!(
        op("postB").body.unwrap().ty,
        op("postA").body.unwrap().ty,
        "the typed body, not any JSON"
    );
}

/// A named array or map that holds itself (directly or through another) holds any JSON at the
/// inner level; every emitter then finishes (they used to recurse until the stack overflowed).
#[test]
fn named_arrays_and_maps_that_hold_themselves_hold_any_json_inside() {
    let api = refs();
    let alias = |name: &str| match &api.type_def(name).unwrap().kind {
        TypeKind::Alias(t) => t.clone(),
        other => panic!("{name} is {other:?}"),
    };
    assert_eq!(alias("Nest"), TypeRef::Array(Box::new(TypeRef::Any)));
    assert_eq!(alias("Grove"), TypeRef::Map(Box::new(TypeRef::Any)));
    assert_eq!(alias("Grid"), TypeRef::Array(Box::new(TypeRef::Any)));
    generator::emit::rust::emit_sources(&api).unwrap();
    generator::emit::python::emit(&api).unwrap();
    generator::emit::node::emit(&api).unwrap();
}
