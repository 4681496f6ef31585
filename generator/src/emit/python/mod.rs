//! The Python target: the package's Python modules (tera). Its native calls go through the
//! bridge (`emit::bridge`), shared with the other bindings.
//!
//! Python models and clients are plain Python: the model decides every name, type and
//! conversion here, and the templates in `templates/python/` only lay them out.

mod docs;
mod idents;
mod imports;
mod methods;
mod models;
mod typed_dicts;
mod types;

use serde_json::{Value, json};

use crate::emit::{GeneratedFile, header};
use crate::error::GenError;
use crate::model::Api;
use crate::templates;

use docs::docstring;
pub use idents::py_ident;
use imports::{client_imports, dunder_all_cmp, isort_cmp, models_imports};
use methods::operation;
use models::models;
use typed_dicts::{DictNames, typed_dicts};

/// The import name of this workspace's Python package.
pub const PACKAGE: &str = "partner_center";

/// The parameter key under which a call names the media type to send its body as; `$` keeps it
/// apart from every wire name a spec can give a parameter.
const MEDIA_TYPE_PARAM: &str = crate::emit::MEDIA_TYPE_PARAM;

/// Every file of the Python package that comes from the spec, relative to `bindings/python`.
pub fn emit(api: &Api) -> Result<Vec<GeneratedFile>, GenError> {
    emit_package(api, PACKAGE)
}

/// Every file of a Python package `package` (its import name) that comes from the spec,
/// relative to the directory of its `pyproject.toml` (they go in `python/<package>/`).
pub fn emit_package(api: &Api, package: &str) -> Result<Vec<GeneratedFile>, GenError> {
    let mut context = context(api);
    context.insert("package", package);
    let package = format!("python/{package}");
    Ok(vec![
        GeneratedFile::new(
            format!("{package}/_models.py"),
            templates::render_python("models.py", &context)?,
        ),
        GeneratedFile::new(
            format!("{package}/_client.py"),
            templates::render_python("client.py", &context)?,
        ),
        GeneratedFile::new(
            format!("{package}/__init__.py"),
            templates::render_python("__init__.py", &context)?,
        ),
        GeneratedFile::new(
            format!("{package}/_native.pyi"),
            templates::render_python("_native.pyi", &context)?,
        ),
    ])
}

fn context(api: &Api) -> tera::Context {
    let (enums, structs, aliases) = models(api);
    let dicts = DictNames::new(api);
    let typed_dicts = typed_dicts(api, &dicts);
    let groups: Vec<Value> = api
        .groups
        .iter()
        .map(|g| {
            let (attr, class) = match &g.name {
                // `Resource`: a group may share its tag's name with a model (CountryValidationRules).
                Some(n) => (py_ident(&n.snake), format!("{}Resource", n.pascal)),
                None => (String::new(), String::new()),
            };
            json!({
                "attr": attr,
                "class": class,
                "doc": docstring(g.doc.as_deref().or(g.name.as_ref().map(|n| n.original.as_str())), 4),
                "operations": g.operations.iter().map(|op| operation(api, &dicts, op)).collect::<Vec<_>>(),
            })
        })
        .collect();
    let h = &api.client_headers;
    let clouds: Vec<String> = api
        .clouds()
        .into_iter()
        .map(|c| format!("{:?}", c.name.original))
        .collect();
    let mut context = tera::Context::new();
    context.insert("header", header(api, "#").trim_end());
    context.insert("title", &api.title);
    context.insert("version", &api.version);
    context.insert("enums", &enums);
    context.insert("models", &structs);
    context.insert("aliases", &aliases);
    context.insert("typed_dicts", &typed_dicts);
    context.insert("groups", &groups);
    context.insert("clouds", &clouds.join(", "));
    context.insert("has_locale", &h.locale.is_some());
    context.insert("has_application", &h.application.is_some());
    context.insert("has_correlation", &h.correlation_id.is_some());
    context.insert(
        "options",
        "request_id: str | None = None, timeout: float | None = None, headers: Mapping[str, str] | None = None",
    );
    context.insert(
        "model_imports",
        &models_imports(&enums, &structs, &typed_dicts),
    );
    context.insert(
        "client_imports",
        &client_imports(
            &groups,
            &[&enums, &structs, &aliases, &typed_dicts],
            !clouds.is_empty(),
        ),
    );
    let mut exports: Vec<String> = enums
        .iter()
        .chain(&structs)
        .chain(&aliases)
        .chain(&typed_dicts)
        .filter_map(|v| v["name"].as_str().map(str::to_string))
        .collect();
    // The same names in the two orders ruff checks: `__all__`'s, and an import's.
    exports.sort_by(|a, b| dunder_all_cmp(a, b));
    context.insert("model_exports", &exports);
    let mut imported = exports.clone();
    imported.sort_by(|a, b| isort_cmp(a, b));
    context.insert("model_imports_sorted", &imported);
    let operation_ids: Vec<&str> = api.operations().map(|op| op.id.as_str()).collect();
    context.insert("operation_ids", &operation_ids);
    let mut client_slots: Vec<String> = groups
        .iter()
        .filter_map(|g| g["attr"].as_str())
        .filter(|a| !a.is_empty())
        .map(str::to_string)
        .collect();
    client_slots.sort();
    context.insert("client_slots", &client_slots);
    let mut init_exports: Vec<String> = [
        "AsyncClient",
        "Client",
        "Page",
        "Response",
        "PartnerCenterError",
        "ApiError",
        "BadRequestError",
        "UnauthorizedError",
        "ForbiddenError",
        "NotFoundError",
        "ConflictError",
        "PreconditionFailedError",
        "ThrottledError",
        "ServerError",
        "ValidationError",
        "DecodeError",
        "TransportError",
        "TimeoutError",
        "AuthenticationError",
        "ReauthenticationRequiredError",
        "MfaRequiredError",
        "Credential",
        "ClientSecretCredential",
        "CertificateCredential",
        "RefreshTokenCredential",
        "DeviceCodeCredential",
        "DeviceCodeInfo",
        "FilePart",
    ]
    .iter()
    .map(|s| s.to_string())
    .chain(exports.iter().cloned())
    .collect();
    init_exports.sort_by(|a, b| dunder_all_cmp(a, b));
    context.insert("init_exports", &init_exports);
    context
}
