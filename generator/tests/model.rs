//! The language-neutral model built from tricky schemas, and robustness against broken specs.

use generator::model::{self, Api, TypeKind, TypeRef, UnionRepr, VariantBody};
use generator::{emit, load};

fn tricky() -> Api {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/specs/tricky.yaml");
    model::build(&load::load(&path, "tricky.yaml").unwrap()).unwrap()
}

fn fields(api: &Api, name: &str) -> Vec<model::Field> {
    match &api
        .type_def(name)
        .unwrap_or_else(|| panic!("no type {name}"))
        .kind
    {
        TypeKind::Struct(s) => s.fields.clone(),
        other => panic!("{name} is {other:?}"),
    }
}

#[test]
fn names_are_collision_safe() {
    let api = tricky();
    let node = fields(&api, "Node");
    let snake: Vec<&str> = node.iter().map(|f| f.name.snake.as_str()).collect();
    assert!(
        snake.contains(&"foo_bar") && snake.contains(&"foo_bar_2"),
        "{snake:?}"
    );
    let foo = node.iter().find(|f| f.name.snake == "foo_bar_2").unwrap();
    assert_eq!(foo.name.original, "foo_bar", "the wire name is kept");
    assert!(
        api.type_def("Option2").is_some(),
        "a schema named like Rust's Option is renamed"
    );
    let get = api.operations().find(|o| o.id == "getNode").unwrap();
    let client = get
        .params
        .iter()
        .find(|p| p.name.original == "client")
        .unwrap();
    assert_ne!(
        client.name.snake, "client",
        "a parameter may not shadow the builder's client"
    );
}

#[test]
fn recursion_is_boxed_only_where_a_type_contains_itself() {
    let api = tricky();
    let node = fields(&api, "Node");
    let parent = node.iter().find(|f| f.name.original == "parent").unwrap();
    assert!(parent.boxed && parent.nullable, "{parent:?}");
    let children = node.iter().find(|f| f.name.original == "children").unwrap();
    assert!(!children.boxed, "a Vec already is an indirection");
    let stamped = fields(&api, "Timestamped");
    assert!(
        stamped
            .iter()
            .any(|f| f.name.original == "at" && f.required),
        "allOf merges properties and required"
    );
    assert!(
        !stamped
            .iter()
            .find(|f| f.name.original == "parent")
            .unwrap()
            .boxed,
        "Timestamped does not contain itself"
    );
}

#[test]
fn unions_are_tagged_when_a_property_names_the_variant() {
    let api = tricky();
    let TypeKind::Union(shape) = &api.type_def("Shape").unwrap().kind else {
        panic!()
    };
    assert!(matches!(&shape.repr, UnionRepr::Tagged { property } if property == "type"));
    let tags: Vec<&str> = shape
        .variants
        .iter()
        .map(|v| match &v.body {
            VariantBody::Fields { tag, .. } => tag.as_str(),
            VariantBody::Value(_) => "untagged",
        })
        .collect();
    assert_eq!(tags, ["circle", "rect"]);
    let TypeKind::Union(state) = &api.type_def("State").unwrap().kind else {
        panic!()
    };
    assert!(matches!(state.repr, UnionRepr::Untagged));
}

#[test]
fn enums_keep_a_catch_all_that_never_collides() {
    let api = tricky();
    let TypeKind::Enum(kind) = &api.type_def("Kind").unwrap().kind else {
        panic!()
    };
    assert!(kind.closed);
    assert_eq!(
        kind.other.pascal, "Other",
        "`unknown` is a listed value, so the catch-all takes another name"
    );
    let names: Vec<&str> = kind.values.iter().map(|v| v.name.pascal.as_str()).collect();
    assert_eq!(names, ["Unknown", "Leaf", "Branch", "V2fa", "WithSpace"]);
}

#[test]
fn formats_and_maps() {
    let api = tricky();
    let node = fields(&api, "Node");
    let ty = |name: &str| {
        node.iter()
            .find(|f| f.name.original == name)
            .unwrap()
            .ty
            .clone()
    };
    assert_eq!(ty("id"), TypeRef::Uuid);
    assert_eq!(ty("fooBar"), TypeRef::Integer(model::IntFormat::I32));
    assert_eq!(ty("labels"), TypeRef::Map(Box::new(TypeRef::String)));
    assert_eq!(ty("extra"), TypeRef::Any);
    assert_eq!(ty("secret"), TypeRef::Secret);
    assert!(matches!(ty("inline"), TypeRef::Named(n) if n == "NodeInline"));
}

/// Deterministic corruption of real specs (tricky.yaml, media.yaml and ours; `total` mutants
/// shared among them): one line's value replaced by another kind of value, or the line removed.
fn mutants(total: usize) -> Vec<String> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/specs");
    let mut texts = vec![
        std::fs::read_to_string(dir.join("tricky.yaml")).unwrap(),
        std::fs::read_to_string(dir.join("media.yaml")).unwrap(),
    ];
    texts.push(
        std::fs::read_to_string(dir.join("../../../spec/partner-center-customers.yaml")).unwrap(),
    );
    let replacements = [
        "7",
        "[]",
        "{}",
        "null",
        "'#/nowhere'",
        "{$ref: '#/components/schemas/Node'}",
        "\"\"",
    ];
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let mut out = Vec::new();
    let count = texts.len();
    for (i, text) in texts.iter().enumerate() {
        let lines: Vec<&str> = text.lines().collect();
        let per_spec = total / count + usize::from(i < total % count);
        for _ in 0..per_spec {
            let mut mutated: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
            let at = (next() as usize) % mutated.len();
            if let Some(colon) = mutated[at].find(": ") {
                let value = replacements[(next() as usize) % replacements.len()];
                mutated[at] = format!("{}: {value}", &mutated[at][..colon]);
            } else {
                mutated.remove(at);
            }
            out.push(mutated.join("\n"));
        }
    }
    out
}

/// The generator answers every mutant with output or a `GenError`, never a panic. 400 mutants
/// by default; `GENERATOR_MUTANTS=10000 cargo test -p generator --test model broken_specs`
/// runs more, and `GENERATOR_MUTANTS_TRACE=1` keeps the mutant being tried in
/// $TMPDIR/current-mutant.yaml (a stack overflow aborts the process before any message).
#[test]
fn broken_specs_never_panic() {
    let total = std::env::var("GENERATOR_MUTANTS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(400);
    let mut outcomes = (0, 0);
    for (i, source) in mutants(total).into_iter().enumerate() {
        if std::env::var_os("GENERATOR_MUTANTS_TRACE").is_some() {
            std::fs::write(
                std::env::temp_dir().join("current-mutant.yaml"),
                format!("# {i}\n{source}"),
            )
            .unwrap();
        }
        let result = std::panic::catch_unwind(|| {
            load::parse(&source, "mutated.yaml")
                .and_then(|spec| model::build(&spec))
                .and_then(|api| emit::rust::emit_sources(&api))
                .map(|_| ())
        });
        match result {
            Ok(Ok(())) => outcomes.0 += 1,
            Ok(Err(e)) => {
                assert!(!e.message.is_empty());
                outcomes.1 += 1;
            }
            Err(_) => panic!("the generator panicked on this spec:\n{source}"),
        }
    }
    assert!(
        outcomes.1 > 0,
        "some mutations must be rejected: {outcomes:?}"
    );
    println!(
        "{} mutants: {} generated, {} refused",
        total, outcomes.0, outcomes.1
    );
}

/// `load_and_build` (what the binary runs: loading and the model overlapped) gives what
/// `load` then `build` give: the same model, or the same error.
#[test]
fn load_and_build_is_load_then_build() {
    let dir = std::env::temp_dir().join(format!("generator-load-and-build-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("spec.yaml");
    let (mut same_model, mut same_error) = (0, 0);
    for source in mutants(200) {
        std::fs::write(&path, &source).unwrap();
        let sequential = load::load(&path, "spec.yaml")
            .and_then(|spec| model::build(&spec).map_err(|e| e.in_file("spec.yaml")));
        let overlapped = generator::load_and_build(&path, "spec.yaml").map(|(_, api)| api);
        match (sequential, overlapped) {
            (Ok(a), Ok(b)) => {
                assert_eq!(format!("{a:?}"), format!("{b:?}"), "{source}");
                same_model += 1;
            }
            (Err(a), Err(b)) => {
                assert_eq!(a, b, "{source}");
                same_error += 1;
            }
            (a, b) => panic!("{:?} / {:?} for\n{source}", a.err(), b.err()),
        }
    }
    std::fs::remove_dir_all(&dir).ok();
    assert!(
        same_model > 0 && same_error > 0,
        "{same_model} / {same_error}"
    );
}

/// The Python emitter is only wired to this workspace's spec, but it must handle any spec the
/// model accepts (unions, recursion, maps, text and binary bodies, tagless operations).
#[test]
fn the_python_emitter_handles_every_spec() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf();
    let mut specs = vec![
        root.join("generator/tests/specs/tricky.yaml"),
        root.join("spec/partner-center-customers.yaml"),
    ];
    if let Ok(entries) = std::fs::read_dir(root.join("../shared/specs/public")) {
        specs.extend(
            entries
                .flatten()
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|e| e == "yaml" || e == "json")),
        );
    }
    for path in specs {
        let name = path.display().to_string();
        let api = model::build(&load::load(&path, &name).unwrap()).unwrap();
        let files = emit::python::emit(&api).unwrap_or_else(|e| panic!("{name}: {e}"));
        let client = files
            .iter()
            .find(|f| f.path.ends_with("_client.py"))
            .unwrap();
        assert!(client.contents.contains("class Client(_Options)"), "{name}");
        for op in api.operations() {
            assert!(
                client.contents.contains(&format!("\"{}\"", op.id)),
                "{name}: {} has no method",
                op.id
            );
        }
    }
}

fn build_text(text: &str) -> Result<Api, generator::error::GenError> {
    model::build(&load::parse(text, "spec.yaml")?)
}

const SIGN_IN_SPEC: &str = r#"
openapi: 3.0.3
info: {title: t, version: "1"}
servers:
  - url: https://api.example.test
    x-pc-clouds:
      public: {authorityHost: "https://login.example.test/"}
      gov: {authorityHost: https://login.example.us}
  - url: https://api.example.cn
    x-pc-clouds: [china]
components:
  securitySchemes:
    app:
      type: oauth2
      flows:
        clientCredentials:
          tokenUrl: https://login.example.test/t/token
          scopes: {"https://api.example.test/.default": all}
    user:
      type: oauth2
      flows:
        authorizationCode:
          authorizationUrl: https://login.example.test/a
          tokenUrl: https://login.example.test/t
          scopes: {offline_access: refresh, "https://api.example.test/user_impersonation": me}
paths: {}
"#;

#[test]
fn clouds_carry_their_authority_and_scopes_rebased_on_their_own_host() {
    let api = build_text(SIGN_IN_SPEC).unwrap();
    let clouds = api.clouds();
    let row = |i: usize| {
        let c = &clouds[i];
        (
            c.name.original.as_str(),
            c.base_url,
            c.authority_host,
            c.app_scope.as_deref(),
            c.user_scope.as_deref(),
        )
    };
    assert_eq!(clouds.len(), 3);
    assert_eq!(
        row(0),
        (
            "public",
            "https://api.example.test",
            Some("https://login.example.test"),
            Some("https://api.example.test/.default"),
            Some("https://api.example.test/user_impersonation"),
        )
    );
    assert_eq!(row(1).2, Some("https://login.example.us"));
    assert_eq!(
        row(2),
        (
            "china",
            "https://api.example.cn",
            None,
            Some("https://api.example.cn/.default"),
            Some("https://api.example.cn/user_impersonation"),
        )
    );
}

#[test]
fn a_bad_authority_host_is_refused_with_its_pointer() {
    for (bad, says) in [
        (
            "http://login.example.test",
            "must be an https scheme and host",
        ),
        (
            "https://login.example.test/tenant",
            "must be an https scheme and host",
        ),
    ] {
        let spec = SIGN_IN_SPEC.replace("https://login.example.us", bad);
        let err = build_text(&spec).expect_err(bad).to_string();
        assert!(
            err.contains("/servers/0/x-pc-clouds/gov/authorityHost"),
            "{err}"
        );
        assert!(err.contains(says), "{err}");
    }
    let spec = SIGN_IN_SPEC.replace("authorityHost: https://login.example.us", "authority: x");
    let err = build_text(&spec).expect_err("unknown member").to_string();
    assert!(
        err.contains("/servers/0") && err.contains("x-pc-clouds"),
        "{err}"
    );
}
