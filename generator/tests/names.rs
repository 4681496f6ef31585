//! Collision-safe names (tests/specs/collisions.yaml): every name the model hands the emitters is
//! distinct in each spelling a target uses, clear of what generated code uses itself, and the
//! same from run to run.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::process::Command;

use generator::model::{self, Api, Group, Name, Operation, TypeKind, VariantBody};
use generator::{emit, load};

fn fixture(name: &str) -> Api {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/specs")
        .join(name);
    model::build(&load::load(&path, name).unwrap()).unwrap()
}

fn collisions() -> Api {
    fixture("collisions.yaml")
}

/// The fixtures whose generated Python and JavaScript are checked here.
fn fixtures() -> Vec<Api> {
    vec![collisions(), fixture("refs.yaml")]
}

fn group<'a>(api: &'a Api, original: &str) -> &'a Group {
    api.groups
        .iter()
        .find(|g| g.name.as_ref().is_some_and(|n| n.original == original))
        .unwrap_or_else(|| panic!("no group {original}: {:?}", group_names(api)))
}

fn group_names(api: &Api) -> Vec<&str> {
    api.groups
        .iter()
        .filter_map(|g| g.name.as_ref().map(|n| n.original.as_str()))
        .collect()
}

/// Fails naming every identifier that more than one name takes.
#[track_caller]
fn assert_distinct<'a>(what: &str, identifiers: impl IntoIterator<Item = (String, &'a str)>) {
    let mut seen: BTreeMap<String, &str> = BTreeMap::new();
    let mut clashes = Vec::new();
    for (identifier, source) in identifiers {
        if let Some(first) = seen.insert(identifier.clone(), source) {
            clashes.push(format!("{identifier} ({first:?} and {source:?})"));
        }
    }
    assert!(clashes.is_empty(), "{what}: {}", clashes.join(", "));
}

#[track_caller]
fn assert_none_of(what: &str, names: &[String], reserved: &[&str]) {
    let taken: Vec<&String> = names
        .iter()
        .filter(|n| reserved.contains(&n.as_str()))
        .collect();
    assert!(taken.is_empty(), "{what} take reserved names: {taken:?}");
}

const RUST_KEYWORDS_RAW_FORBIDS: &[&str] = &["self", "Self", "super", "crate", "_"];
const PYTHON_KEYWORDS: &[&str] = &[
    "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class", "continue",
    "def", "del", "elif", "else", "except", "finally", "for", "from", "global", "if", "import",
    "in", "is", "lambda", "nonlocal", "not", "or", "pass", "raise", "return", "try", "while",
    "with", "yield",
];

#[test]
fn tags_that_differ_only_in_case_are_one_group() {
    let api = collisions();
    let pets: Vec<&Group> = api
        .groups
        .iter()
        .filter(|g| {
            g.name
                .as_ref()
                .is_some_and(|n| n.original.eq_ignore_ascii_case("pets"))
        })
        .collect();
    assert_eq!(pets.len(), 1, "{:?}", group_names(&api));
    let pets = pets[0];
    let name = pets.name.as_ref().unwrap();
    assert_eq!(
        name.original, "Pets",
        "the spelling of the top-level tags list"
    );
    assert_eq!(name.snake, "pets");
    assert!(pets.doc.as_deref().unwrap_or("").starts_with("The pets"));
    let ids: Vec<&str> = pets.operations.iter().map(|o| o.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "listPets",
            "createPet",
            "getPet",
            "get_pet",
            "listPetsWithResponse",
            "listPetsPage",
            "getPetAnswer",
            "constructor",
        ],
        "every operation of `pets`, `Pets` and `PETS`, path by path"
    );
}

#[test]
fn tags_that_differ_in_punctuation_are_groups_with_distinct_names() {
    let api = collisions();
    let stores: Vec<&Name> = ["pet-store", "pet_store", "PetStore"]
        .iter()
        .map(|t| group(&api, t).name.as_ref().unwrap())
        .collect();
    for spelling in [
        |n: &Name| n.snake.clone(),
        |n: &Name| n.camel.clone(),
        |n: &Name| n.pascal.clone(),
    ] {
        let names: BTreeSet<String> = stores.iter().map(|n| spelling(n)).collect();
        assert_eq!(names.len(), 3, "{stores:?}");
    }
    // The same operation id in two groups: one method name each, two builder types.
    let a = &group(&api, "pet-store").operations[0];
    let b = &group(&api, "pet_store").operations[0];
    assert_eq!(a.name.snake, b.name.snake);
    assert_ne!(a.type_name.pascal, b.type_name.pascal);
}

/// What each target makes of the client's members: Rust accessors and methods (`snake`),
/// Python attributes and methods (`snake`, and `_page` / `_with_response` for methods), Node
/// properties and methods (`camel`, and `Page` / `WithResponse`), and what the clients have
/// themselves.
fn method_identifiers(op: &Operation) -> Vec<String> {
    let (s, c) = (&op.name.snake, &op.name.camel);
    vec![
        format!("rust/python {s}"),
        format!("rust/python {s}_page"),
        format!("rust/python {s}_with_response"),
        format!("node {c}"),
        format!("node {c}Page"),
        format!("node {c}WithResponse"),
    ]
}

#[test]
fn client_members_are_distinct_in_every_target() {
    let api = collisions();
    let mut members: Vec<(String, &str)> = Vec::new();
    for own in [
        "builder",
        "transport",
        "correlation_id",
        "validates",
        "clone",
        "close",
        "aclose",
    ] {
        members.push((format!("rust/python {own}"), "the client itself"));
    }
    for own in ["correlationId", "constructor"] {
        members.push((format!("node {own}"), "the client itself"));
    }
    for g in &api.groups {
        match &g.name {
            Some(n) => {
                members.push((format!("rust/python {}", n.snake), &n.original));
                members.push((format!("node {}", n.camel), &n.original));
            }
            None => {
                for op in &g.operations {
                    for id in method_identifiers(op) {
                        members.push((id, &op.id));
                    }
                }
            }
        }
    }
    assert_distinct("client members", members);
    let root = api.groups.iter().find(|g| g.name.is_none()).unwrap();
    let renamed: BTreeMap<&str, &str> = root
        .operations
        .iter()
        .map(|o| (o.id.as_str(), o.name.snake.as_str()))
        .collect();
    assert_eq!(renamed["pets"], "pets_2", "the group keeps `pets`");
    assert_eq!(renamed["close"], "close_2");
    assert_eq!(renamed["correlationId"], "correlation_id_2");
    assert_eq!(renamed["clone"], "clone_2");
    assert_eq!(renamed["builder"], "builder_2");
    assert_eq!(
        group(&api, "transport").name.as_ref().unwrap().snake,
        "transport_2"
    );
}

#[test]
fn group_types_clash_with_nothing() {
    let api = collisions();
    let types: Vec<String> = api.types.iter().map(|t| t.name.pascal.clone()).collect();
    let mut rust = Vec::new();
    let mut classes: Vec<(String, &str)> = types.iter().map(|t| (t.clone(), "a model")).collect();
    for g in &api.groups {
        let Some(n) = &g.name else { continue };
        rust.push((n.pascal.clone(), n.original.as_str()));
        classes.push((format!("{}Resource", n.pascal), &n.original));
        classes.push((format!("Async{}Resource", n.pascal), &n.original));
    }
    let rust_names: Vec<String> = rust.iter().map(|(n, _)| n.clone()).collect();
    assert_none_of(
        "Rust group structs",
        &rust_names,
        &[
            "Client",
            "ClientBuilder",
            "Cloud",
            "Error",
            "Transport",
            "String",
            "Option",
            "Self",
        ],
    );
    assert_distinct("Rust group structs (client.rs)", rust);
    assert_distinct("Python and Node classes beside the models", classes);
    assert_eq!(
        group(&api, "Pet").name.as_ref().unwrap().pascal,
        "Pet2",
        "PetResource is a model"
    );
    assert_eq!(
        group(&api, "Client").name.as_ref().unwrap().pascal,
        "Client2"
    );
}

#[test]
fn methods_of_a_group_are_distinct_in_every_target() {
    let api = collisions();
    for g in api.groups.iter().filter(|g| g.name.is_some()) {
        let mut ids: Vec<(String, &str)> = vec![
            ("node constructor".into(), "the class"),
            ("rust/python into".into(), "Rust's Into::into"),
            ("rust/python try_into".into(), "Rust's TryInto::try_into"),
        ];
        for op in &g.operations {
            for id in method_identifiers(op) {
                ids.push((id, &op.id));
            }
        }
        assert_distinct(&format!("methods of {:?}", g.name), ids);
    }
    let pets = group(&api, "Pets");
    let names: BTreeMap<&str, &str> = pets
        .operations
        .iter()
        .map(|o| (o.id.as_str(), o.name.snake.as_str()))
        .collect();
    assert_eq!(names["getPet"], "get_pet");
    assert_eq!(names["get_pet"], "get_pet_2");
    assert_eq!(names["listPetsPage"], "list_pets_page_2");
    assert_eq!(names["listPetsWithResponse"], "list_pets_with_response_2");
    assert_eq!(names["constructor"], "constructor_2");
}

#[test]
fn operation_types_are_distinct() {
    let api = collisions();
    let mut ids: Vec<(String, &str)> = Vec::new();
    for op in api.operations() {
        ids.push((op.type_name.pascal.clone(), &op.id));
        ids.push((format!("{}Answer", op.type_name.pascal), &op.id));
    }
    let names: Vec<String> = ids.iter().map(|(n, _)| n.clone()).collect();
    assert_none_of(
        "builders",
        &names,
        &[
            "String", "Error", "Into", "Client", "Request", "Response", "Method", "Option",
        ],
    );
    assert_distinct("builders and answer enums (operations.rs)", ids);
    let of = |id: &str| {
        api.operations()
            .find(|o| o.id == id)
            .unwrap()
            .type_name
            .pascal
            .clone()
    };
    assert_eq!(of("getPet"), "GetPet");
    assert_eq!(of("get_pet"), "GetPet2");
    assert_eq!(of("getPetAnswer"), "GetPetAnswer2");
    assert_eq!(of("string"), "String2");
}

#[test]
fn parameters_stay_clear_of_generated_names_and_keywords() {
    let api = collisions();
    // What request builders, Python methods and Node methods use beside the parameters.
    let reserved = [
        "client",
        "options",
        "body",
        "send",
        "request",
        "clone",
        "request_id",
        "timeout",
        "headers",
        "header",
        "continuation_token",
        "self",
        "cls",
        "new",
        "stream",
        "retry",
        "into_future",
        "send_with_response",
        "send_stream",
        "media_type",
        // Node reads optional parameters from an object: nothing `Object.prototype` has.
        "constructor",
        "to_string",
        "has_own_property",
        "value_of",
    ];
    for op in api.operations() {
        let snake: Vec<String> = op.params.iter().map(|p| p.name.snake.clone()).collect();
        assert_none_of(&format!("parameters of {}", op.id), &snake, &reserved);
        for (what, spell) in [
            ("snake", (|n: &Name| n.snake.clone()) as fn(&Name) -> String),
            ("camel", |n: &Name| n.camel.clone()),
        ] {
            assert_distinct(
                &format!("{what} parameters of {}", op.id),
                op.params
                    .iter()
                    .map(|p| (spell(&p.name), p.name.original.as_str())),
            );
        }
        for p in &op.params {
            assert!(
                p.name.snake.starts_with(|c: char| c.is_ascii_lowercase()),
                "{:?}",
                p.name
            );
        }
    }
    let list = api.operations().find(|o| o.id == "listPets").unwrap();
    let wire: BTreeSet<&str> = list
        .params
        .iter()
        .map(|p| p.name.original.as_str())
        .collect();
    assert!(wire.contains("__proto__") && wire.contains("---") && wire.contains("1st"));
}

fn struct_fields(api: &Api, name: &str) -> Vec<model::Field> {
    match &api.type_def(name).unwrap().kind {
        TypeKind::Struct(s) => s.fields.clone(),
        other => panic!("{name} is {other:?}"),
    }
}

#[test]
fn fields_are_distinct_identifiers() {
    let api = collisions();
    for def in &api.types {
        let fields = match &def.kind {
            TypeKind::Struct(s) => vec![s.fields.clone()],
            TypeKind::Union(u) => u
                .variants
                .iter()
                .filter_map(|v| match &v.body {
                    VariantBody::Fields { fields, .. } => Some(fields.clone()),
                    VariantBody::Value(_) => None,
                })
                .collect(),
            _ => continue,
        };
        for fields in fields {
            assert_distinct(
                &format!("snake_case fields of {}", def.name.pascal),
                fields
                    .iter()
                    .map(|f| (f.name.snake.clone(), f.name.original.as_str())),
            );
            let snake: Vec<String> = fields.iter().map(|f| f.name.snake.clone()).collect();
            assert_none_of(
                &format!("fields of {}", def.name.pascal),
                &snake,
                &["to_dict", "from_dict", ""],
            );
            for f in &fields {
                let s = &f.name.snake;
                assert!(
                    s.starts_with(|c: char| c.is_ascii_lowercase()),
                    "{s:?} is not an identifier"
                );
                assert!(s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'));
            }
        }
    }
    let pet = struct_fields(&api, "Pet");
    let by_wire: BTreeMap<&str, &str> = pet
        .iter()
        .map(|f| (f.name.original.as_str(), f.name.snake.as_str()))
        .collect();
    assert_eq!(by_wire["_"], "empty");
    assert_eq!(by_wire[""], "empty_2");
    assert_eq!(by_wire["---"], "minus", "a leading sign is spelled out");
    assert_eq!(by_wire["1st"], "v_1st");
    assert_eq!(by_wire["$ref"], "ref");
    assert_eq!(by_wire["to_dict"], "to_dict_2");
    assert_eq!(by_wire["Self"], "self_2");
    assert_eq!(by_wire["a_1b"], "a1b_2", "`a_1b` is `a1b` in camelCase too");
    assert_eq!(by_wire["FooBar"], "foo_bar_3");
}

#[test]
fn enum_values_are_distinct_in_every_spelling() {
    let api = collisions();
    let TypeKind::Enum(kind) = &api.type_def("Kind").unwrap().kind else {
        panic!()
    };
    for (what, spell) in [
        (
            "Rust variants",
            (|n: &Name| n.pascal.clone()) as fn(&Name) -> String,
        ),
        ("Python members", |n: &Name| n.shouty.clone()),
        ("snake", |n: &Name| n.snake.clone()),
        ("camel", |n: &Name| n.camel.clone()),
    ] {
        let mut ids: Vec<(String, &str)> = kind
            .values
            .iter()
            .map(|v| (spell(&v.name), v.name.original.as_str()))
            .collect();
        ids.push((spell(&kind.other), "the catch-all"));
        assert_distinct(what, ids);
    }
    let pascal: BTreeMap<&str, &str> = kind
        .values
        .iter()
        .map(|v| (v.name.original.as_str(), v.name.pascal.as_str()))
        .collect();
    assert_eq!(pascal[""], "Empty");
    assert_eq!(pascal["+1"], "Plus1");
    assert_eq!(pascal["-1"], "Minus1");
    assert_eq!(pascal["1.5"], "V15");
    assert_ne!(
        pascal["15"], "V15",
        "`1.5` and `15` are both V15 in PascalCase"
    );
    assert_eq!(kind.other.pascal, "Other");
    assert_ne!(pascal["other"], "Other");
    assert_ne!(pascal["Unknown"], pascal["unknown"]);
}

#[test]
fn type_names_are_distinct_and_reserved_names_are_left_alone() {
    let api = collisions();
    assert_distinct(
        "type names",
        api.types
            .iter()
            .map(|t| (t.name.pascal.clone(), t.pointer.as_str())),
    );
    let names: Vec<String> = api.types.iter().map(|t| t.name.pascal.clone()).collect();
    let mut reserved = vec![
        "Page",
        "Response",
        "Field",
        "Model",
        "Client",
        "ValidationError",
        "Array",
        "From",
        "String",
        "Option",
        "Self",
        "Sequence",
        "TypedDict",
    ];
    reserved.extend(PYTHON_KEYWORDS);
    reserved.extend(RUST_KEYWORDS_RAW_FORBIDS);
    assert_none_of("types", &names, &reserved);
    let by_key: BTreeMap<&str, &str> = api
        .types
        .iter()
        .map(|t| (t.pointer.as_str(), t.name.pascal.as_str()))
        .collect();
    assert_eq!(by_key["/components/schemas/Pet"], "Pet");
    assert_eq!(by_key["/components/schemas/pet"], "Pet2");
    assert_eq!(by_key["/components/schemas/none"], "None2");
    assert_eq!(by_key["/components/schemas/Page"], "Page2");
    assert_eq!(by_key["/components/schemas/1.5"], "V15");
    assert_ne!(by_key["/components/schemas/15"], "V15");
    assert_ne!(by_key["/components/schemas/a_1b"], "A1b");
    assert_eq!(by_key["/components/schemas/TypedDict"], "TypedDict2");
    assert_eq!(by_key["/components/schemas/Sequence"], "Sequence2");
}

/// The Python `TypedDict` of a model a call takes is `<Model>Dict`, unless a schema (or what
/// `_models.py` imports) has that name: then the next free `<Model>Dict<n>`.
#[test]
fn python_typed_dicts_step_around_schemas_of_their_name() {
    let files = emit::python::emit(&collisions()).unwrap();
    let file = |name: &str| {
        files
            .iter()
            .find(|f| f.path.ends_with(name))
            .unwrap()
            .contents
            .clone()
    };
    let models = file("_models.py");
    for wanted in [
        // `Pet`'s dict: `PetDict` is a schema (a model too, nested in `Pet`: its dict follows).
        "class PetDict(Model):",
        "class PetDict2(_PetDict2Required, total=False):",
        "class PetDictDict(TypedDict, total=False):",
        "    friends: Sequence[PetDict | PetDictDict] | None",
        // `Typed`'s: `TypedDict` is imported, and `TypedDict2` is the schema `TypedDict`.
        "class TypedDict2(Model):",
        "class TypedDict3(TypedDict, total=False):",
        "    typed: Typed | TypedDict3 | None",
        "from typing import Literal, TypedDict",
        "from collections.abc import Sequence",
    ] {
        assert!(models.contains(wanted), "_models.py has no {wanted:?}");
    }
    let client = file("_client.py");
    assert!(
        client.contains("body: Pet | PetDict2,"),
        "createPet takes Pet | PetDict2"
    );
    // Only the models a call takes have a dict.
    assert!(!models.contains("class PetResourceDict"));
}

#[test]
fn names_are_the_same_in_every_run() {
    let first = collisions();
    let second = collisions();
    assert_eq!(format!("{first:?}"), format!("{second:?}"));
    for (a, b) in [
        (
            emit::rust::emit_sources(&first).unwrap(),
            emit::rust::emit_sources(&second).unwrap(),
        ),
        (
            emit::python::emit(&first).unwrap(),
            emit::python::emit(&second).unwrap(),
        ),
        (
            emit::node::emit(&first).unwrap(),
            emit::node::emit(&second).unwrap(),
        ),
    ] {
        assert_eq!(a, b);
    }
}

/// Checks the generated Python with Python's own parser: every module parses, and no module,
/// class or signature binds one name twice (which parses, but one definition hides the other).
const PYTHON_CHECK: &str = r#"
import ast, sys
problems = []
for path in sys.argv[1:]:
    tree = ast.parse(open(path).read(), path)
    def bound(body):
        names = []
        for node in body:
            if isinstance(node, (ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
                names.append(node.name)
            elif isinstance(node, (ast.Import, ast.ImportFrom)):
                names += [a.asname or a.name.split(".")[0] for a in node.names]
            elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
                names.append(node.target.id)
            elif isinstance(node, ast.Assign):
                names += [t.id for t in node.targets if isinstance(t, ast.Name) and t.id != "__slots__"]
        return names
    def twice(where, names):
        seen = set()
        for n in names:
            if n in seen:
                problems.append(f"{path}: {where} binds {n} twice")
            seen.add(n)
    twice("the module", bound(tree.body))
    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef):
            methods = [n.name for n in node.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))]
            twice(f"class {node.name}", methods)
            fields = [n.target.id for n in node.body if isinstance(n, ast.AnnAssign)]
            twice(f"class {node.name} (fields)", fields)
            for slot in fields:
                if slot in methods or slot in ("to_dict", "from_dict"):
                    problems.append(f"{path}: field {node.name}.{slot} hides a method")
print("\n".join(problems))
sys.exit(1 if problems else 0)
"#;

#[test]
fn generated_python_binds_every_name_once() {
    if Command::new("python3").arg("--version").output().is_err() {
        eprintln!("no python3: skipped");
        return;
    }
    for (i, api) in fixtures().iter().enumerate() {
        let dir =
            std::env::temp_dir().join(format!("generator-names-python-{}-{i}", std::process::id()));
        let mut paths = Vec::new();
        for file in emit::python::emit(api).unwrap() {
            if file.path.extension().is_some_and(|e| e == "py") {
                let out = dir.join(file.path.file_name().unwrap());
                std::fs::create_dir_all(&dir).unwrap();
                std::fs::write(&out, &file.contents).unwrap();
                paths.push(out);
            }
        }
        let checked = Command::new("python3")
            .args(["-c", PYTHON_CHECK])
            .args(&paths)
            .output()
            .unwrap();
        std::fs::remove_dir_all(&dir).ok();
        assert!(
            checked.status.success(),
            "{}: {}{}",
            api.title,
            String::from_utf8_lossy(&checked.stdout),
            String::from_utf8_lossy(&checked.stderr)
        );
    }
}

#[test]
fn generated_javascript_parses() {
    if Command::new("node").arg("--version").output().is_err() {
        eprintln!("no node: skipped");
        return;
    }
    for (i, api) in fixtures().iter().enumerate() {
        let dir =
            std::env::temp_dir().join(format!("generator-names-node-{}-{i}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        for file in emit::node::emit(api).unwrap() {
            if file.path.extension().is_some_and(|e| e == "js") {
                let out = dir.join(file.path.file_name().unwrap());
                std::fs::write(&out, &file.contents).unwrap();
                // Strict mode: a parameter named twice, or a reserved word as a name, does not
                // parse.
                let checked = Command::new("node")
                    .arg("--check")
                    .arg(&out)
                    .output()
                    .unwrap();
                assert!(
                    checked.status.success(),
                    "{}: {}",
                    api.title,
                    String::from_utf8_lossy(&checked.stderr)
                );
            }
        }
        std::fs::remove_dir_all(&dir).ok();
    }
}

/// Clouds whose names differ only in spelling are distinct variants; each keeps its wire name.
#[test]
fn clouds_spelled_alike_get_distinct_names() {
    let spec = r#"
openapi: 3.0.3
info: {title: Clouds, version: "1"}
servers:
  - url: https://a.example.com
    x-pc-clouds: {us-gov: {authorityHost: 'https://login.a'}}
  - url: https://b.example.com
    x-pc-clouds: {usGov: {authorityHost: 'https://login.b'}}
paths: {}
"#;
    let api =
        generator::model::build(&generator::load::parse(spec, "clouds.yaml").unwrap()).unwrap();
    let clouds = api.clouds();
    let pascal: Vec<&str> = clouds.iter().map(|c| c.name.pascal.as_str()).collect();
    let wire: Vec<&str> = clouds.iter().map(|c| c.name.original.as_str()).collect();
    assert_eq!(pascal, ["UsGov", "UsGov2"]);
    assert_eq!(wire, ["us-gov", "usGov"]);
}
