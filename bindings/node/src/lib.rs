//! The native half of a generated npm package (`native.js` + `<package>.*.node`): `partner-center`
//! here, any package in a workspace the generator writes for another spec.
//!
//! Generic glue around the generated Rust client: [`client::NativeClient`] runs any operation by
//! name through the client crate's generated `dispatch` (its feature `bridge`) on napi's tokio
//! runtime and hands back a Promise; a failed call rejects with a real JS `Error` carrying the fields of docs/contract.md §5
//! (built in [`errors`]). Models, clients and the typed API are plain JavaScript, generated from
//! the spec; `lib/errors.js` and `lib/runtime.js` turn these answers into the public API. A client
//! given a `logger` hands each attempt's event to it ([`logs`]).

#![deny(clippy::all)]

pub mod abort;
pub mod client;
pub mod completions;
pub mod credentials;
pub mod errors;
pub mod logs;
pub mod options;

pub use abort::NativeAbort;
pub use client::NativeClient;
pub use credentials::NativeCredential;

use napi_derive::napi;

/// The operation ids the native client knows (the spec's `operationId`s).
#[napi]
pub const OPERATIONS: [&str; OPERATION_COUNT] = {
    let mut ids = [""; OPERATION_COUNT];
    let mut i = 0;
    while i < OPERATION_COUNT {
        ids[i] = partner_center::OPERATIONS[i];
        i += 1;
    }
    ids
};

const OPERATION_COUNT: usize = partner_center::OPERATIONS.len();

/// The cloud names `cloud` accepts (the spec's `x-pc-clouds`; none when it has none).
#[napi]
pub const CLOUDS: [&str; CLOUD_COUNT] = {
    let mut names = [""; CLOUD_COUNT];
    let mut i = 0;
    while i < CLOUD_COUNT {
        names[i] = partner_center::Cloud::NAMES[i];
        i += 1;
    }
    names
};

const CLOUD_COUNT: usize = partner_center::Cloud::NAMES.len();
