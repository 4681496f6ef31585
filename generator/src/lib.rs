//! The generator: an OpenAPI 3.0 spec in, typed clients out.
//!
//! The pipeline is `load` (parse, check versions and references) → `model` (a language-neutral
//! description of the API) → `emit` (one emitter per target) → `output` (write or check files).
//! `targets` says which files of this workspace each target owns.

pub mod emit;
pub mod error;
pub mod load;
pub mod model;
pub mod output;
mod parallel;
pub mod targets;
mod templates;
mod yaml;

pub use error::GenError;
