//! The native half of the `partner_center` Python package (`partner_center._native`).
//!
//! Generic glue around the generated Rust client: [`client::NativeClient`] runs any operation by
//! name through the generated [`bridge::dispatch`], sync (GIL released, Ctrl-C aware; on the
//! calling thread's own runtime while few calls are in flight, see `local.rs`) or as an asyncio
//! awaitable on one shared tokio runtime; errors become the classes of
//! `partner_center/_errors.py`; [`credentials::NativeCredential`] carries the runtime's sign-in
//! credentials (`partner_center/_credentials.py` wraps them). Models, clients and the typed API
//! are plain Python, generated from the spec (docs/contract.md §4).

pub mod client;
mod completions;
pub mod credentials;
pub mod errors;
mod local;
pub mod runtime;

pub use client::NativeClient;

use pyo3::prelude::*;

#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<NativeClient>()?;
    m.add_class::<credentials::NativeCredential>()?;
    m.add("OPERATIONS", bridge::OPERATIONS.to_vec())?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
