//! The native half of a generated Python package (`partner_center._native` here; any
//! `<package>._native` in a workspace the generator writes for another spec).
//!
//! Generic glue around the generated Rust client: [`client::NativeClient`] runs any operation by
//! name through the client crate's generated `dispatch` (its feature `bridge`), sync (GIL
//! released, Ctrl-C aware; on the calling thread's own runtime while few calls are in flight, see
//! `local.rs`) or as an asyncio awaitable on one shared tokio runtime; errors become the classes
//! of `<package>/_errors.py`; [`credentials::NativeCredential`] carries the runtime's sign-in
//! credentials (`<package>/_credentials.py` wraps them). Models, clients and the typed API are
//! plain Python, generated from the spec (docs/contract.md §4). Each attempt of a call is logged
//! through Python's `logging`, under the package's logger (`logs`). The package's name is learnt when
//! the module is imported (its `__name__`), so the same code serves every package.

pub mod client;
mod completions;
pub mod credentials;
pub mod errors;
mod fork;
mod local;
mod logs;
pub mod runtime;

pub use client::NativeClient;

use std::sync::OnceLock;

use pyo3::prelude::*;

/// The package this module belongs to (`partner_center` for `partner_center._native`), set when
/// it is imported.
static PACKAGE: OnceLock<String> = OnceLock::new();

/// The full name of the package's module `name` (`_errors` → `partner_center._errors`).
pub fn sibling(name: &str) -> String {
    match PACKAGE.get().map(String::as_str) {
        Some("") => name.to_string(),
        Some(package) => format!("{package}.{name}"),
        // Not imported as a module (a Rust test): this workspace's package.
        None => format!("partner_center.{name}"),
    }
}

/// The package's name as its users import it, for messages (`partner_center`).
pub fn package_name() -> String {
    sibling("").trim_end_matches('.').to_string()
}

#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let module = m.name()?.to_string();
    let package = module.rsplit_once('.').map_or("", |(package, _)| package);
    let _ = PACKAGE.set(package.to_string());
    fork::install()?;
    logs::install(m.py())?;
    m.add_class::<NativeClient>()?;
    m.add_class::<credentials::NativeCredential>()?;
    // The classes name no module at compile time: they belong to whichever package this is.
    for class in ["NativeClient", "NativeCredential"] {
        m.getattr(class)?.setattr("__module__", &module)?;
    }
    m.add("OPERATIONS", partner_center::OPERATIONS.to_vec())?;
    m.add("CLOUDS", partner_center::Cloud::NAMES.to_vec())?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
