//! Parameters, request bodies and responses given by `$ref`: followed (through chains of
//! references) to the object they name, which is then read with its own JSON pointer.

use std::borrow::Cow;

use openapiv3::ReferenceOr;
use serde::de::DeserializeOwned;
use serde_json::Value;

use super::Builder;
use crate::error::GenError;
use crate::load::resolve_ref_at;

impl<'a> Builder<'a> {
    /// The object at `at`, or the one its `$ref` (chain) leads to, with the pointer it is read
    /// from. `what` names the kind of object for messages ("a parameter").
    pub(super) fn resolve_component<'r, T: DeserializeOwned + Clone>(
        &self,
        item: &'r ReferenceOr<T>,
        at: &str,
        what: &str,
    ) -> Result<(Cow<'r, T>, String), GenError> {
        let reference = match item {
            ReferenceOr::Item(value) => return Ok((Cow::Borrowed(value), at.to_string())),
            ReferenceOr::Reference { reference } => reference,
        };
        let mut target = reference.clone();
        let mut seen = Vec::new();
        loop {
            // The pointer as decoded (`%7Bid%7D` is `{id}`): the object's own pointers, to its
            // schema say, are read from it.
            let (node, here) =
                resolve_ref_at(self.raw, &target).map_err(|m| GenError::at(at, m))?;
            match node.get("$ref").and_then(Value::as_str) {
                Some(next) => {
                    if seen.contains(&here) {
                        return Err(GenError::at(
                            at,
                            format!("`$ref: {reference}` is a cycle of references"),
                        ));
                    }
                    seen.push(here);
                    target = next.to_string();
                }
                None => {
                    let value: T = serde_json::from_value(node.clone()).map_err(|e| {
                        GenError::at(&here, format!("`$ref: {reference}` is not {what}: {e}"))
                    })?;
                    return Ok((Cow::Owned(value), here));
                }
            }
        }
    }
}
