//! The Python `TypedDict`s (`<Model>Dict`): one for each model a call takes (its body, a
//! parameter, or a model inside one of those) and no other, keyed by the model's attribute names,
//! required keys required; and the methods take the model or its dict.

use std::path::Path;
use std::process::Command;

use generator::{emit, load, model};

const SPEC: &str = r#"
openapi: 3.0.3
info: {title: Orders, version: "1"}
servers: [{url: https://api.example.test}]
paths:
  /orders:
    get:
      operationId: listOrders
      parameters:
        - name: filter
          in: query
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Filter'}
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Receipt'}
    post:
      operationId: createOrder
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: '#/components/schemas/Order'}
      responses:
        '201':
          description: created
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Receipt'}
components:
  schemas:
    Order:
      description: An order.
      type: object
      required: [item, status]
      properties:
        item: {$ref: '#/components/schemas/Item'}
        status: {$ref: '#/components/schemas/Status'}
        lines: {type: array, items: {$ref: '#/components/schemas/Line'}}
        byName: {type: object, additionalProperties: {$ref: '#/components/schemas/Line'}}
        tags: {type: array, items: {type: string}}
        due: {type: string, format: date-time}
        note: {type: string, description: Printed on the slip.}
        id: {type: string, readOnly: true}
        class: {type: string}
    Item:
      type: object
      required: [sku]
      properties:
        sku: {type: string}
    Line:
      type: object
      properties:
        quantity: {type: integer}
    Status:
      type: string
      enum: [open, "on hold"]
    Filter:
      type: object
      required: [name]
      properties:
        name: {type: string}
    Receipt:
      type: object
      properties:
        number: {type: string}
"#;

fn files() -> Vec<emit::GeneratedFile> {
    let api = model::build(&load::parse(SPEC, "orders.yaml").unwrap()).unwrap();
    emit::python::emit_package(&api, "orders").unwrap()
}

fn file<'a>(files: &'a [emit::GeneratedFile], name: &str) -> &'a str {
    &files
        .iter()
        .find(|f| f.path.ends_with(name))
        .unwrap()
        .contents
}

#[test]
fn each_model_a_call_takes_has_a_typed_dict_with_its_attribute_names() {
    let files = files();
    let models = file(&files, "_models.py");
    for wanted in [
        // Required and optional keys: the required ones in a private base (Python 3.9 has no
        // `typing.Required`).
        "class _OrderDictRequired(TypedDict):\n    item: Item | ItemDict\n    status: Status | Literal[\"open\", \"on hold\"]\n",
        "class OrderDict(_OrderDictRequired, total=False):",
        // Lists and maps of models take either form of their items; plain lists stay as the model has them.
        "    lines: Sequence[Line | LineDict] | None\n",
        "    by_name: Mapping[str, Line | LineDict] | None\n",
        "    tags: list[str] | None\n",
        "    due: datetime.datetime | None\n",
        "    id: str | None\n",
        // Keys are the attribute names, keywords included.
        "    class_: str | None\n",
        // Only required keys: one class; only optional keys: `total=False`.
        "class ItemDict(TypedDict):\n    \"\"\"``Item`` as a dict, keyed by its attribute names (documented there).\"\"\"\n\n    sku: str\n",
        "class LineDict(TypedDict, total=False):",
        // A parameter's model has one too.
        "class FilterDict(TypedDict):",
        // The model documents the keys; the dict points there.
        "class OrderDict(_OrderDictRequired, total=False):\n    \"\"\"``Order`` as a dict, keyed by its attribute names (documented there).\"\"\"\n",
        "from collections.abc import Mapping, Sequence\nfrom typing import Literal, TypedDict\n",
    ] {
        assert!(
            models.contains(wanted),
            "_models.py has no {wanted:?}:\n{models}"
        );
    }
    // An answer's model is never given: no dict.
    assert!(!models.contains("ReceiptDict"));
    for name in ["OrderDict", "ItemDict", "LineDict", "FilterDict"] {
        assert!(
            models.contains(&format!("    \"{name}\",\n")),
            "{name} not in __all__"
        );
        assert!(
            file(&files, "__init__.py").contains(&format!("    {name},\n")),
            "{name} not exported"
        );
    }
    assert!(
        !models.contains("_OrderDictRequired\","),
        "the private base is not exported"
    );
}

#[test]
fn methods_take_the_model_or_its_typed_dict() {
    let files = files();
    let client = file(&files, "_client.py");
    assert!(client.contains("body: Order | OrderDict,"), "{client}");
    assert!(
        client.contains("filter: Filter | FilterDict | None = None"),
        "{client}"
    );
    assert!(
        !client.contains("Mapping[str, Any]"),
        "no untyped dict is left:\n{client}"
    );
    assert!(
        client.contains("    OrderDict,\n") || client.contains(" OrderDict,"),
        "imported"
    );
}

/// The classes as Python builds them (Python 3.9's `TypedDict` semantics, on whichever Python
/// runs the test): the required and optional keys are what the model's members are.
#[test]
fn the_typed_dicts_have_the_required_and_optional_keys_of_their_model() {
    if Command::new("python3").arg("--version").output().is_err() {
        eprintln!("no python3: skipped");
        return;
    }
    let dir = std::env::temp_dir().join(format!("generator-typed-dicts-{}", std::process::id()));
    let package = dir.join("orders");
    std::fs::create_dir_all(&package).unwrap();
    let runtime =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../bindings/python/python/partner_center");
    for name in ["_base.py", "_files.py"] {
        std::fs::copy(runtime.join(name), package.join(name)).unwrap();
    }
    std::fs::write(package.join("__init__.py"), "").unwrap();
    std::fs::write(package.join("_models.py"), file(&files(), "_models.py")).unwrap();
    let check = r#"
from orders._models import ItemDict, LineDict, OrderDict
keys = lambda d: (sorted(d.__required_keys__), sorted(d.__optional_keys__))
assert keys(OrderDict) == (["item", "status"], ["by_name", "class_", "due", "id", "lines", "note", "tags"]), keys(OrderDict)
assert keys(ItemDict) == (["sku"], []), keys(ItemDict)
assert keys(LineDict) == ([], ["quantity"]), keys(LineDict)
"#;
    let out = Command::new("python3")
        .args(["-c", check])
        .current_dir(&dir)
        .output()
        .unwrap();
    std::fs::remove_dir_all(&dir).ok();
    assert!(
        out.status.success(),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}
