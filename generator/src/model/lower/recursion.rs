//! Recursive types: fields that reach their own type by value are boxed.

use std::collections::{BTreeMap, BTreeSet};

use super::Builder;
use crate::model::*;

impl<'a> Builder<'a> {
    /// Mark fields that hold a type which contains, directly (not through an array or map),
    /// the type the field belongs to: without a box such a type would have infinite size.
    pub(super) fn box_recursive_fields(&mut self) {
        let edges: BTreeMap<String, BTreeSet<String>> = self
            .types
            .iter()
            .map(|(name, def)| (name.clone(), direct_children(&def.kind)))
            .collect();
        let reaches = |from: &str, to: &str| -> bool {
            let mut stack = vec![from.to_string()];
            let mut seen = BTreeSet::new();
            while let Some(n) = stack.pop() {
                if n == to {
                    return true;
                }
                if seen.insert(n.clone())
                    && let Some(children) = edges.get(&n)
                {
                    stack.extend(children.iter().cloned());
                }
            }
            false
        };
        let mut to_box: Vec<(String, usize, Option<usize>)> = Vec::new();
        for (name, def) in &self.types {
            match &def.kind {
                TypeKind::Struct(s) => {
                    for (i, f) in s.fields.iter().enumerate() {
                        if let TypeRef::Named(target) = &f.ty
                            && reaches(target, name)
                        {
                            to_box.push((name.clone(), i, None));
                        }
                    }
                }
                TypeKind::Union(u) => {
                    for (vi, v) in u.variants.iter().enumerate() {
                        if let VariantBody::Fields { fields, .. } = &v.body {
                            for (i, f) in fields.iter().enumerate() {
                                if let TypeRef::Named(target) = &f.ty
                                    && reaches(target, name)
                                {
                                    to_box.push((name.clone(), i, Some(vi)));
                                }
                            }
                        }
                    }
                }
                _ => {}
            }
        }
        for (name, field, variant) in to_box {
            let Some(def) = self.types.get_mut(&name) else {
                continue;
            };
            match (&mut def.kind, variant) {
                (TypeKind::Struct(s), None) => s.fields[field].boxed = true,
                (TypeKind::Union(u), Some(vi)) => {
                    if let VariantBody::Fields { fields, .. } = &mut u.variants[vi].body {
                        fields[field].boxed = true;
                    }
                }
                _ => {}
            }
        }
    }
}

/// Types a value of this kind contains by value (so a cycle through them needs a box).
pub(super) fn direct_children(kind: &TypeKind) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut add = |t: &TypeRef| {
        if let TypeRef::Named(n) = t {
            out.insert(n.clone());
        }
    };
    match kind {
        TypeKind::Struct(s) => s.fields.iter().for_each(|f| add(&f.ty)),
        TypeKind::Alias(t) => add(t),
        TypeKind::Union(u) => {
            for v in &u.variants {
                match &v.body {
                    VariantBody::Value(t) => add(t),
                    VariantBody::Fields { fields, .. } => fields.iter().for_each(|f| add(&f.ty)),
                }
            }
        }
        TypeKind::Enum(_) => {}
    }
    out
}
