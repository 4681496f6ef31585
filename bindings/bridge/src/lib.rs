//! The bridge between a foreign language and the Rust client.
//!
//! A binding (pyo3, napi) hands over an operation id and its arguments as JSON ([`Call`]); the
//! generated [`dispatch`] turns them into a typed call of the Rust client, so the Rust client's
//! validation, retries, request ids and errors apply unchanged; the answer comes back as JSON
//! ([`Outcome`]). Nothing here knows a foreign language, so every binding shares it.

mod call;
mod errors;

#[rustfmt::skip]
mod generated;

pub use call::{Call, Outcome, body, build_call, opt_param, outcome, param, seconds};
pub use errors::{ErrorFields, MFA_REQUIRED};
pub use generated::{OPERATIONS, dispatch};
