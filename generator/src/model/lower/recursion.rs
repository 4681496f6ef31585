//! Recursive types: fields that reach their own type by value are boxed, and a named array or
//! map that holds itself (`Tree: {type: array, items: {$ref: Tree}}`) holds any JSON instead.

use std::collections::{BTreeMap, BTreeSet};

use super::Builder;
use crate::model::*;

impl<'a> Builder<'a> {
    /// An alias that reaches itself only through aliases, arrays and maps has no finite spelling
    /// in the targets (Rust refuses `type Tree = Vec<Tree>`, and the emitters would recurse
    /// looking through it). Such an inner reference becomes any JSON (`Vec<serde_json::Value>`):
    /// the values still round-trip, only the inner levels lose their type.
    pub(super) fn break_alias_cycles(&mut self) {
        let aliases: BTreeMap<String, TypeRef> = self
            .types
            .iter()
            .filter_map(|(name, def)| match &def.kind {
                TypeKind::Alias(t) => Some((name.clone(), t.clone())),
                _ => None,
            })
            .collect();
        let reaches = |from: &str, to: &str| -> bool {
            let mut stack = vec![from.to_string()];
            let mut seen = BTreeSet::new();
            while let Some(n) = stack.pop() {
                if !seen.insert(n.clone()) {
                    continue;
                }
                let Some(t) = aliases.get(&n) else { continue };
                for child in named_in(t) {
                    if child == to {
                        return true;
                    }
                    stack.push(child);
                }
            }
            false
        };
        let cyclic: Vec<String> = aliases
            .keys()
            .filter(|name| reaches(name, name))
            .cloned()
            .collect();
        for name in cyclic {
            if let Some(TypeDef {
                kind: TypeKind::Alias(t),
                ..
            }) = self.types.get_mut(&name)
            {
                replace_named(t, &|n| n == name || reaches(n, &name));
            }
        }
    }

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

/// Names a type reference mentions (through arrays and maps).
fn named_in(t: &TypeRef) -> Vec<String> {
    match t {
        TypeRef::Named(n) => vec![n.clone()],
        TypeRef::Array(inner) | TypeRef::Map(inner) => named_in(inner),
        _ => Vec::new(),
    }
}

/// Replace the named references `hit` selects with any JSON.
fn replace_named(t: &mut TypeRef, hit: &dyn Fn(&str) -> bool) {
    match t {
        TypeRef::Named(n) if hit(n) => *t = TypeRef::Any,
        TypeRef::Array(inner) | TypeRef::Map(inner) => replace_named(inner, hit),
        _ => {}
    }
}
