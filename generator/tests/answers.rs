//! Answers that are not JSON objects (tests/specs/answers.yaml): bare scalars and arrays, a 201
//! with a body and a 204 without one, in the model and in each language's generated signature.

use std::process::Command;

use generator::load;
use generator::model::{self, IntFormat, TypeRef};

fn spec() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/specs/answers.yaml")
}

#[test]
fn the_model_keeps_each_answer_as_the_spec_types_it() {
    let api = model::build(&load::load(&spec(), "answers.yaml").unwrap()).unwrap();
    let answer = |id: &str| {
        let op = api.operations().find(|o| o.id == id).unwrap();
        (
            op.response.status,
            op.response.body.as_ref().map(|(ty, _)| ty.clone()),
        )
    };
    assert_eq!(answer("getQualification"), (200, Some(TypeRef::String)));
    assert_eq!(answer("isAvailable"), (200, Some(TypeRef::Boolean)));
    assert_eq!(
        answer("countThings"),
        (200, Some(TypeRef::Integer(IntFormat::I64)))
    );
    assert_eq!(
        answer("listNames"),
        (200, Some(TypeRef::Array(Box::new(TypeRef::String))))
    );
    assert_eq!(
        answer("listCodes"),
        (
            200,
            Some(TypeRef::Array(Box::new(TypeRef::Named("Code".into()))))
        )
    );
    assert_eq!(
        answer("createCode"),
        (201, Some(TypeRef::Named("Code".into())))
    );
    assert_eq!(answer("deleteCode"), (204, None));
}

#[test]
fn every_language_returns_the_bare_value() {
    let out = std::env::temp_dir().join(format!("answers-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&out);
    let status = Command::new(env!("CARGO_BIN_EXE_generator"))
        .arg("--spec")
        .arg(spec())
        .arg("--out")
        .arg(&out)
        .args(["--crate", "answers-api"])
        .status()
        .unwrap();
    assert!(status.success());
    let read = |rel: &str| std::fs::read_to_string(out.join(rel)).unwrap();
    let squash = |s: String| s.split_whitespace().collect::<Vec<_>>().join(" ");

    let rust = squash(read("rust/src/generated/operations.rs"));
    for ty in [
        "String",
        "bool",
        "i64",
        "Vec<String>",
        "Vec<models::Code>",
        "models::Code",
        "()",
    ] {
        assert!(
            rust.contains(&format!("pub async fn send(self) -> Result<{ty}, Error>")),
            "rust: no operation answers {ty}"
        );
    }
    let python = squash(read("python/python/answers_api/_client.py"));
    for ty in [
        "-> str:",
        "-> bool:",
        "-> int:",
        "-> list[str]:",
        "-> list[Code]:",
        "-> Code:",
        "-> None:",
    ] {
        assert!(python.contains(ty), "python: no operation answers {ty}");
    }
    let node = squash(read("node/index.d.ts"));
    for ty in [
        "Promise<string>",
        "Promise<boolean>",
        "Promise<number>",
        "Promise<Array<string>>",
        "Promise<Array<Code>>",
        "Promise<Code>",
        "Promise<void>",
    ] {
        assert!(node.contains(ty), "node: no operation answers {ty}");
    }
    let _ = std::fs::remove_dir_all(&out);
}
