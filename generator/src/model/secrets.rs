//! Where a value holds secrets: the paths of the fields marked `x-pc-secret` below a type, so
//! a client (or the command line) can hide them from logs and output.

use std::collections::BTreeSet;

use super::{Api, TypeKind, TypeRef};

impl Api {
    /// Dotted wire paths of the secret fields below a value of type `t`: `userCredentials.password`;
    /// `[]` stands for every item of an array (`items[].userCredentials.password`, or `[].x` for an
    /// array itself). Recursive types are followed once.
    pub fn secret_paths(&self, t: &TypeRef) -> Vec<String> {
        secret_paths(self, t, &mut BTreeSet::new())
    }
}

fn secret_paths(api: &Api, t: &TypeRef, seen: &mut BTreeSet<String>) -> Vec<String> {
    match api.resolve(t) {
        TypeRef::Array(inner) => secret_paths(api, inner, seen)
            .into_iter()
            .map(|p| format!("[].{p}"))
            .collect(),
        TypeRef::Named(n) => {
            let Some(TypeKind::Struct(s)) = api.type_def(n).map(|d| &d.kind) else {
                return Vec::new();
            };
            if !seen.insert(n.clone()) {
                return Vec::new();
            }
            let mut out = Vec::new();
            for f in &s.fields {
                if f.secret || matches!(f.ty, TypeRef::Secret) {
                    out.push(f.name.original.clone());
                }
                for below in secret_paths(api, &f.ty, seen) {
                    let sep = if below.starts_with('[') { "" } else { "." };
                    out.push(format!("{}{sep}{below}", f.name.original));
                }
            }
            seen.remove(n);
            out
        }
        _ => Vec::new(),
    }
}
