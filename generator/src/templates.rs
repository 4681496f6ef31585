//! Text files made from tera templates (`generator/templates/`), compiled into the binary so the
//! generator works from any directory.

use std::sync::OnceLock;

use tera::{Context, Tera};

use crate::emit::header;
use crate::error::GenError;
use crate::model::Api;
use crate::standalone::RepoPaths;

const TEMPLATES: &[(&str, &str)] = &[
    ("lib.rs", include_str!("../templates/lib.rs.tera")),
    ("Cargo.toml", include_str!("../templates/Cargo.toml.tera")),
    (
        "models.py",
        include_str!("../templates/python/models.py.tera"),
    ),
    (
        "client.py",
        include_str!("../templates/python/client.py.tera"),
    ),
    (
        "method.py",
        include_str!("../templates/python/method.py.tera"),
    ),
    (
        "__init__.py",
        include_str!("../templates/python/__init__.py.tera"),
    ),
    (
        "_native.pyi",
        include_str!("../templates/python/native.pyi.tera"),
    ),
    (
        "workspace.Cargo.toml",
        include_str!("../templates/standalone/workspace.Cargo.toml.tera"),
    ),
    (
        "python.Cargo.toml",
        include_str!("../templates/standalone/python.Cargo.toml.tera"),
    ),
    (
        "pyproject.toml",
        include_str!("../templates/standalone/pyproject.toml.tera"),
    ),
    (
        "node.Cargo.toml",
        include_str!("../templates/standalone/node.Cargo.toml.tera"),
    ),
    (
        "build.rs",
        include_str!("../templates/standalone/build.rs.tera"),
    ),
    ("index.js", include_str!("../templates/node/index.js.tera")),
    (
        "method.js",
        include_str!("../templates/node/method.js.tera"),
    ),
    (
        "index.mjs",
        include_str!("../templates/node/index.mjs.tera"),
    ),
    (
        "index.d.ts",
        include_str!("../templates/node/index.d.ts.tera"),
    ),
    (
        "method.d.ts",
        include_str!("../templates/node/method.d.ts.tera"),
    ),
];

fn render(name: &str, context: &Context) -> Result<String, GenError> {
    // Compiled once per process and shared (every target renders several files).
    static TERA: OnceLock<Result<Tera, String>> = OnceLock::new();
    let tera = TERA
        .get_or_init(|| {
            let mut tera = Tera::default();
            // Generated Rust and TOML are not HTML.
            tera.autoescape_on(Vec::<&'static str>::new());
            // All at once: a template may include another (client.py includes method.py).
            tera.add_raw_templates(TEMPLATES.iter().copied())
                .map_err(|e| e.to_string())?;
            Ok(tera)
        })
        .as_ref()
        .map_err(|e| GenError::io("generator/templates", format!("bad template: {e}")))?;
    tera.render(name, context).map_err(|e| {
        GenError::io(
            format!("templates/{name}.tera"),
            format!("cannot render: {e:?}"),
        )
    })
}

/// The header, title, version and source every template may show.
pub fn base_context(api: &Api, marker: &str) -> Context {
    let mut context = Context::new();
    context.insert("header", header(api, marker).trim_end());
    context.insert("title", &api.title);
    context.insert("version", &api.version);
    context.insert("source", &api.source);
    context
}

/// A Python module from `templates/python/`, with a context the Python emitter built.
pub fn render_python(name: &str, context: &Context) -> Result<String, GenError> {
    render(name, context)
}

/// A file of the Node package from `templates/node/`, with a context the Node emitter built.
pub fn render_node(name: &str, context: &Context) -> Result<String, GenError> {
    render(name, context)
}

/// A manifest of a standalone workspace from `templates/standalone/` (`standalone` module).
pub fn render_standalone(name: &str, context: &Context) -> Result<String, GenError> {
    render(name, context)
}

/// A TOML basic string holding `text`, quotes included.
pub fn toml_string(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

pub fn render_lib_rs(api: &Api) -> Result<String, GenError> {
    let mut context = base_context(api, "//");
    context.insert("has_models", &!api.types.is_empty());
    render("lib.rs", &context)
}

/// The client crate's `Cargo.toml`; `standalone`: the crate is a workspace of its own.
pub fn render_cargo_toml(
    api: &Api,
    crate_name: &str,
    paths: &RepoPaths,
    standalone: bool,
) -> Result<String, GenError> {
    let mut context = base_context(api, "#");
    context.insert("crate_name", crate_name);
    context.insert(
        "description",
        &toml_string(&format!(
            "A client for {} {}, generated from {}",
            api.title, api.version, api.source
        )),
    );
    context.insert("runtime_path", &paths.runtime);
    context.insert("bridge_path", &paths.bridge);
    context.insert("standalone", &standalone);
    render("Cargo.toml", &context)
}
