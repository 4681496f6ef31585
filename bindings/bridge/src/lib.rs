//! The bridge between a foreign language and a generated Rust client.
//!
//! A binding (pyo3, napi) hands over an operation id and its arguments as JSON ([`Call`]); the
//! client crate's generated `dispatch` (its feature `bridge`, e.g. `partner_center::dispatch`)
//! turns them into a typed call of the Rust client, so the Rust client's validation, retries,
//! request ids and errors apply unchanged; the answer comes back as JSON ([`Outcome`]). Nothing
//! here knows a foreign language or a spec, so every binding of every spec shares it.

mod call;
mod errors;
mod members;

pub use call::{Call, Outcome, body, build_call, opt_param, outcome, param, seconds};
pub use errors::{ErrorFields, MFA_REQUIRED};
