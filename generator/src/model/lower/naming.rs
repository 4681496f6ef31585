//! Names generated code keeps for itself, and how schemas, variants, resource groups and
//! methods are named.
//!
//! Every name is decided here, once, for all targets: a name that would clash in any target's
//! output (a keyword it cannot escape, a name its generated code already uses, two source names
//! that one target spells alike) is renamed in the model, so that each emitter only spells it.
//! The lists below name what each target's generated code uses; an emitter that starts using a
//! new name unqualified adds it here.

use serde_json::Value;

use super::Builder;
use crate::error::{GenError, pointer};
use crate::load::resolve_ref_at;
use crate::model::Name;
use crate::model::names::Scope;

/// Names a request builder uses for itself; parameters are renamed around them.
pub(super) const BUILDER_RESERVED: &[&str] = &[
    "client",
    "options",
    "body",
    "send",
    "send_with_response",
    "send_stream",
    "stream",
    "into_future",
    "request_id",
    "timeout",
    "header",
    "retry",
    "continuation_token",
    "media_type",
    "new",
    // Rust: the builder's `fn request(&self)`, and `clone` (a setter would shadow `Clone::clone`,
    // which `stream()` calls).
    "request",
    "clone",
    // Python: method parameters beside the call options and the receiver.
    "headers",
    "self",
    "cls",
    // Node: optional parameters are read from the options object, which inherits these from
    // `Object.prototype` (`options.constructor` is never undefined).
    "constructor",
    "toString",
    "toLocaleString",
    "valueOf",
    "hasOwnProperty",
    "isPrototypeOf",
    "propertyIsEnumerable",
];

/// Rust's prelude: a type or a trait named like one of these would shadow it in generated code
/// (`impl From<&str>`, `impl Into<String>`, `Result<..>`).
const RUST_PRELUDE: &[&str] = &[
    "String",
    "Vec",
    "Option",
    "Box",
    "Result",
    "Some",
    "None",
    "Ok",
    "Err",
    "Self",
    "Default",
    "From",
    "Into",
    "TryFrom",
    "TryInto",
    "Clone",
    "Copy",
    "Send",
    "Sync",
    "Sized",
    "Unpin",
    "Drop",
    "Fn",
    "FnMut",
    "FnOnce",
    "ToOwned",
    "ToString",
    "PartialEq",
    "PartialOrd",
    "Eq",
    "Ord",
    "AsRef",
    "AsMut",
    "Iterator",
    "IntoIterator",
    "DoubleEndedIterator",
    "ExactSizeIterator",
    "Extend",
    "FromIterator",
    "Future",
    "IntoFuture",
];

/// Model type names that would shadow what generated code uses unqualified next to the models,
/// or a target's own exports; a schema with such a name gets a suffix. Besides `RUST_PRELUDE`:
const RESERVED_TYPE_NAMES: &[&str] = &[
    // Rust: the validation trait beside the models.
    "Validate",
    "Validator",
    // Python keywords that are PascalCase.
    "True",
    "False",
    // Python `_models.py` / `_client.py`: base classes, typing names and runtime names imported
    // beside the models; `__init__.py`: what the package exports beside them.
    "Any",
    "Field",
    "Model",
    "OpenEnum",
    "Mapping",
    "Sequence",
    "Literal",
    "TypedDict",
    "Iterator",
    "AsyncIterator",
    "NativeClient",
    "Client",
    "AsyncClient",
    "Page",
    "Response",
    "FilePart",
    "TokenSource",
    "CredentialSource",
    "Credential",
    "ClientSecretCredential",
    "CertificateCredential",
    "RefreshTokenCredential",
    "DeviceCodeCredential",
    "DeviceCodeInfo",
    "PartnerCenterError",
    "ApiError",
    "AuthenticationError",
    "BadRequestError",
    "ConflictError",
    "ForbiddenError",
    "MfaRequiredError",
    "NotFoundError",
    "PreconditionFailedError",
    "ReauthenticationRequiredError",
    "ServerError",
    "ThrottledError",
    "TimeoutError",
    "TransportError",
    "UnauthorizedError",
    "ValidationError",
    // Node `index.d.ts`: imported and exported beside the model interfaces, and the global
    // types the typings use.
    "ApiResponse",
    "CallOptions",
    "ClientOptions",
    "RuntimeOptions",
    "AccessTokenLike",
    "CertificateCredentialOptions",
    "ClientSecretCredentialOptions",
    "DeviceCodeCredentialOptions",
    "RefreshTokenCredentialOptions",
    "OnRefresh",
    "TokenCredentialLike",
    "DateString",
    "DateTimeString",
    "Array",
    "Record",
    "Promise",
    "AsyncIterable",
    "Uint8Array",
    "Omit",
];

/// The scope of model type names, with everything reserved that a type may not be called.
pub(super) fn type_scope() -> Scope {
    Scope::with_reserved(RUST_PRELUDE.iter().chain(RESERVED_TYPE_NAMES).copied())
}

/// Field names a model keeps for itself: Python models have these methods.
const FIELD_RESERVED: &[&str] = &["to_dict", "from_dict"];

/// The scope of one struct's (or struct variant's) field names.
pub(super) fn field_scope() -> Scope {
    Scope::with_reserved(FIELD_RESERVED.iter().copied())
}

/// Scope keys of the methods an operation named `name` becomes on its group (or the client):
/// Rust and Python `{snake}`, Python also `{snake}_page` (paged) and `{snake}_with_response`;
/// Node `{camel}`, `{camel}Page` and `{camel}WithResponse`. Both derived names are kept for
/// every operation, so that whether an operation pages does not rename another.
fn method_keys(name: &Name) -> Vec<String> {
    vec![
        format!("fn:{}", name.snake),
        format!("fn:{}_page", name.snake),
        format!("fn:{}_with_response", name.snake),
        format!("js:{}", name.camel),
        format!("js:{}Page", name.camel),
        format!("js:{}WithResponse", name.camel),
    ]
}

/// Scope keys of what a resource group named `name` becomes: the client's member `{snake}`
/// (Rust accessor, Python attribute) and `{camel}` (Node property), the Rust struct `{Pascal}`
/// in `client.rs`, and the Python and Node classes `{Pascal}Resource` and (Python)
/// `Async{Pascal}Resource`, which live beside the model types.
fn group_keys(name: &Name) -> Vec<String> {
    vec![
        format!("fn:{}", name.snake),
        format!("js:{}", name.camel),
        format!("rust.type:{}", name.pascal),
        format!("class:{}Resource", name.pascal),
        format!("class:Async{}Resource", name.pascal),
    ]
}

/// Names the methods of one resource group: operation names, unique after every spelling.
pub(super) struct GroupMethods(Scope);

impl GroupMethods {
    pub(super) fn new() -> GroupMethods {
        let mut scope = Scope::with_reserved(["new", "client", "transport"]);
        // A method named `constructor` would be a Node class's constructor.
        scope.reserve("js:constructor");
        // Rust passes a group by value (it is `Copy`), and a method call on a value finds a
        // trait method taking `self` (`Into::into`) before an inherent one taking `&self`.
        for method in ["into", "try_into"] {
            scope.reserve(format!("fn:{method}"));
        }
        GroupMethods(scope)
    }

    pub(super) fn claim(&mut self, name: Name) -> Name {
        self.0.claim_with(name, method_keys)
    }
}

/// Names the members of the client: one accessor per resource group, then the methods of the
/// operations without a tag, around what the client has itself in each target.
pub(super) struct ClientMembers(Scope);

impl ClientMembers {
    /// `types`: every model type's name, which the Python and Node group classes must not take.
    pub(super) fn new<'t>(types: impl IntoIterator<Item = &'t str>) -> ClientMembers {
        let mut scope = Scope::new();
        // Rust: `Client::builder`, `transport`, `correlation_id`, `validates`, and `clone`
        // (root methods call `self.clone()`). Python: `close`, `aclose`, `correlation_id`.
        for method in [
            "builder",
            "transport",
            "correlation_id",
            "validates",
            "clone",
            "close",
            "aclose",
        ] {
            scope.reserve(format!("fn:{method}"));
        }
        // Node: the `correlationId` getter, `constructor`, and what every object inherits (a
        // group property `toString` would hide `Object.prototype.toString`).
        for member in [
            "correlationId",
            "constructor",
            "toString",
            "toLocaleString",
            "valueOf",
            "hasOwnProperty",
            "isPrototypeOf",
            "propertyIsEnumerable",
        ] {
            scope.reserve(format!("js:{member}"));
        }
        // Rust: what `client.rs` declares or imports beside the group structs.
        for name in RUST_PRELUDE.iter().chain(&[
            "Client",
            "ClientBuilder",
            "Cloud",
            "Arc",
            "Duration",
            "Error",
            "RetryPolicy",
            "Secret",
            "StaticToken",
            "TokenProvider",
            "TokenRequest",
            "Transport",
            "TransportConfig",
        ]) {
            scope.reserve(format!("rust.type:{name}"));
        }
        for ty in types {
            scope.reserve(format!("class:{ty}"));
        }
        ClientMembers(scope)
    }

    pub(super) fn claim_group(&mut self, name: Name) -> Name {
        self.0.claim_with(name, group_keys)
    }

    pub(super) fn claim_method(&mut self, name: Name) -> Name {
        self.0.claim_with(name, method_keys)
    }
}

/// Names the per-operation Rust types (`operations.rs`): the request builder `{Pascal}` and,
/// for an operation with several success answers, the enum `{Pascal}Answer`.
pub(super) struct OperationTypes(Scope);

impl OperationTypes {
    pub(super) fn new() -> OperationTypes {
        let mut scope = Scope::new();
        // What `operations.rs` imports beside the builders.
        for name in RUST_PRELUDE.iter().chain(&[
            "IntoFuture",
            "Method",
            "BoxFuture",
            "Error",
            "Request",
            "RequestOptions",
            "Response",
            "Validate",
            "Validator",
            "Client",
        ]) {
            scope.reserve(format!("rust.type:{name}"));
        }
        OperationTypes(scope)
    }

    pub(super) fn claim(&mut self, name: Name) -> Name {
        self.0.claim_with(name, |n| {
            vec![
                format!("rust.type:{}", n.pascal),
                format!("rust.type:{}Answer", n.pascal),
            ]
        })
    }
}

/// The `Name` of the type a scope named `pascal` (`TypeDef::name`): emitters spell a type by its
/// PascalCase name and a reference to it by `TypeRef::Named`, which holds that same `pascal`, so
/// both are kept exactly as claimed. (Spelling a PascalCase name again is not always the same
/// name: `a/b` is `AB`, and `AB` is `Ab`.)
pub(super) fn type_name(pascal: &str) -> Name {
    let mut name = Name::new(pascal);
    name.original = pascal.to_string();
    name.pascal = pascal.to_string();
    name
}

impl<'a> Builder<'a> {
    pub(super) fn name_components(&mut self) -> Result<(), GenError> {
        for (key, _) in self.component_schemas() {
            let name = self.type_names.claim(Name::new(&key));
            self.components
                .insert(pointer("/components/schemas", &[&key]), name.pascal.clone());
        }
        Ok(())
    }
}

impl Name {
    /// Keep the spelling `scope.claim` chose but remember the wire name.
    pub(super) fn with_original(mut self, original: &str) -> Name {
        self.original = original.to_string();
        self
    }
}

/// A name for the schema at `pointer` (a decoded JSON pointer) from where it is: the component's
/// key, or the operation and what of it holds the schema (`listPets response`, as an inline
/// schema there is named), then the way into the schema (`Pet owner`, `Pet tags item`). `None`
/// when no schema lives there (a `$ref` to a parameter itself, an example, an extension).
pub(super) fn schema_hint(raw: &Value, pointer: &str) -> Option<String> {
    let tokens: Vec<String> = pointer
        .strip_prefix('/')?
        .split('/')
        .map(|t| t.replace("~1", "/").replace("~0", "~"))
        .collect();
    let tokens: Vec<&str> = tokens.iter().map(String::as_str).collect();
    let mut words: Vec<String> = Vec::new();
    let inner = match tokens.as_slice() {
        ["components", "schemas", key, rest @ ..] => {
            words.push(key.to_string());
            rest
        }
        ["components", "parameters" | "headers", key, rest @ ..] => {
            words.push(key.to_string());
            parameter_schema(rest)?
        }
        ["components", "requestBodies", key, rest @ ..] => {
            words.push(key.to_string());
            media_schema(rest)?
        }
        ["components", "responses", key, rest @ ..] => {
            words.push(key.to_string());
            response_schema(rest, &mut words)?
        }
        ["paths", path, "parameters", i, rest @ ..] => {
            words.push(parameter_name(raw, &["paths", path, "parameters", i])?);
            parameter_schema(rest)?
        }
        ["paths", path, method, what, rest @ ..] if HTTP_METHODS.contains(method) => {
            let id = raw
                .pointer(&crate::error::pointer(
                    "",
                    &["paths", path, method, "operationId"],
                ))
                .and_then(Value::as_str)
                .map(str::to_string)
                .unwrap_or_else(|| format!("{method} {path}"));
            words.push(id);
            match (*what, rest) {
                ("parameters", [i, rest @ ..]) => {
                    words.push(parameter_name(
                        raw,
                        &["paths", path, method, "parameters", i],
                    )?);
                    parameter_schema(rest)?
                }
                ("requestBody", rest) => {
                    words.push("body".into());
                    media_schema(rest)?
                }
                ("responses", [_status, rest @ ..]) => {
                    words.push("response".into());
                    response_schema(rest, &mut words)?
                }
                _ => return None,
            }
        }
        _ => return None,
    };
    let mut rest = inner;
    while !rest.is_empty() {
        rest = match rest {
            ["properties", name, more @ ..] => {
                words.push(name.to_string());
                more
            }
            ["items", more @ ..] => {
                words.push("item".into());
                more
            }
            ["additionalProperties", more @ ..] => {
                words.push("value".into());
                more
            }
            ["not", more @ ..] => {
                words.push("not".into());
                more
            }
            ["allOf", i, more @ ..] => {
                words.push(format!("part {i}"));
                more
            }
            ["oneOf" | "anyOf", i, more @ ..] => {
                words.push(format!("variant {i}"));
                more
            }
            _ => return None,
        };
    }
    Some(words.join(" "))
}

const HTTP_METHODS: &[&str] = &[
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// The schema part of what follows a parameter or header: `schema/...` or
/// `content/{media}/schema/...`.
fn parameter_schema<'t>(rest: &'t [&'t str]) -> Option<&'t [&'t str]> {
    match rest {
        ["schema", inner @ ..] => Some(inner),
        _ => media_schema(rest),
    }
}

fn media_schema<'t>(rest: &'t [&'t str]) -> Option<&'t [&'t str]> {
    match rest {
        ["content", _media, "schema", inner @ ..] => Some(inner),
        _ => None,
    }
}

/// The schema part of what follows a response: its content, or one of its headers (whose name
/// joins the words).
fn response_schema<'t>(rest: &'t [&'t str], words: &mut Vec<String>) -> Option<&'t [&'t str]> {
    match rest {
        ["headers", header, more @ ..] => {
            words.push(header.to_string());
            parameter_schema(more)
        }
        _ => media_schema(rest),
    }
}

/// The `name` of the parameter at these tokens.
fn parameter_name(raw: &Value, tokens: &[&str]) -> Option<String> {
    raw.pointer(&crate::error::pointer("", tokens))?
        .get("name")?
        .as_str()
        .map(str::to_string)
}

/// A name for the union variant `variant` (whose schema, references followed, is `node`).
pub(super) fn variant_name(raw: &Value, variant: &Value, node: &Value, index: usize) -> String {
    if let Some(target) = variant.get("$ref").and_then(Value::as_str) {
        if let Some(hint) = resolve_ref_at(raw, target)
            .ok()
            .and_then(|(_, at)| schema_hint(raw, &at))
        {
            return hint;
        }
        return target.rsplit('/').next().unwrap_or("Variant").to_string();
    }
    if let Some(title) = node.get("title").and_then(Value::as_str) {
        return title.to_string();
    }
    // An object with exactly one required property is named after it ({"Attached": ...}).
    if let Some(Value::Array(req)) = node.get("required")
        && let [Value::String(only)] = req.as_slice()
    {
        return only.clone();
    }
    if node.get("enum").is_some() {
        return if index == 0 {
            "Named".into()
        } else {
            format!("Named {index}")
        };
    }
    match node.get("type").and_then(Value::as_str) {
        Some(t) => t.to_string(),
        None => format!("Variant {index}"),
    }
}
