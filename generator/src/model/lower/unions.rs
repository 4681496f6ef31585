//! `oneOf` / `anyOf` → unions: tagged when a property tells the variants apart, else untagged.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value};

use super::Builder;
use super::naming::variant_name;
use super::schemas::{MergedObject, as_object, single_string};
use crate::error::{GenError, pointer};
use crate::model::names::Scope;
use crate::model::*;

impl<'a> Builder<'a> {
    pub(super) fn lower_union(
        &mut self,
        outer: &Map<String, Value>,
        variants: &'a [Value],
        at: &str,
        name: &str,
    ) -> Result<Union, GenError> {
        if variants.is_empty() {
            return Err(GenError::at(
                at.to_string(),
                "a union needs at least one variant",
            ));
        }
        if let Some(union) = self.try_tagged_union(outer, variants, at, name)? {
            return Ok(union);
        }
        let mut scope = Scope::new();
        let mut out = Vec::new();
        for (i, variant) in variants.iter().enumerate() {
            let v_at = pointer(at, &[&i.to_string()]);
            let (node, _) = self.follow(variant, &v_at)?;
            let base = variant_name(self.raw, variant, node, i);
            let vname = scope.claim(Name::new(&base));
            let ty = self.lower_type(variant, &v_at, &format!("{name} {}", vname.pascal))?;
            out.push(Variant {
                name: vname,
                doc: self.facts(node).doc,
                body: VariantBody::Value(ty),
            });
        }
        Ok(Union {
            variants: out,
            repr: UnionRepr::Untagged,
        })
    }

    /// A union is tagged when it says so (`discriminator`) or when every variant is an object
    /// with one common required property whose schema allows exactly one string.
    pub(super) fn try_tagged_union(
        &mut self,
        outer: &Map<String, Value>,
        variants: &'a [Value],
        at: &str,
        name: &str,
    ) -> Result<Option<Union>, GenError> {
        let mut objects = Vec::new();
        for (i, variant) in variants.iter().enumerate() {
            let v_at = pointer(at, &[&i.to_string()]);
            let (node, node_at) = self.follow(variant, &v_at)?;
            let mut merged = MergedObject::default();
            self.merge_all_of(
                as_object(node, &node_at)?,
                &node_at,
                &mut merged,
                &mut BTreeSet::new(),
            )?;
            if merged.properties.is_empty() {
                return Ok(None);
            }
            objects.push((variant, merged));
        }
        let explicit = outer
            .get("discriminator")
            .and_then(|d| d.get("propertyName"))
            .and_then(Value::as_str);
        let mapping: BTreeMap<String, String> = outer
            .get("discriminator")
            .and_then(|d| d.get("mapping"))
            .and_then(Value::as_object)
            .map(|m| {
                m.iter()
                    .filter_map(|(k, v)| {
                        // A mapping value is a reference, or just the name of a component schema.
                        let v = v.as_str()?;
                        let target = if v.contains('/') {
                            self.ref_pointer(v)
                        } else {
                            pointer("/components/schemas", &[v])
                        };
                        Some((target, k.clone()))
                    })
                    .collect()
            })
            .unwrap_or_default();
        let candidates: Vec<String> = match explicit {
            Some(p) => vec![p.to_string()],
            None => objects[0]
                .1
                .required
                .iter()
                .map(|s| s.to_string())
                .collect(),
        };
        'candidate: for property in candidates {
            let mut tags = Vec::new();
            for (variant, merged) in &objects {
                let tag = match merged
                    .properties
                    .get(&property)
                    .map(|(s, _)| *s)
                    .and_then(single_string)
                {
                    Some(tag) => tag,
                    None if explicit.is_some() => {
                        // Tag from the mapping, else from the referenced schema's name.
                        let target = variant
                            .get("$ref")
                            .and_then(Value::as_str)
                            .map(|t| self.ref_pointer(t));
                        match target {
                            Some(t) => mapping.get(&t).cloned().unwrap_or_else(|| {
                                t.rsplit('/').next().unwrap_or_default().to_string()
                            }),
                            None => continue 'candidate,
                        }
                    }
                    None => continue 'candidate,
                };
                if tags.contains(&tag) {
                    continue 'candidate;
                }
                tags.push(tag);
            }
            let mut scope = Scope::new();
            let mut out = Vec::new();
            for ((variant, merged), tag) in objects.into_iter().zip(tags) {
                let vname = scope.claim(Name::new(&tag));
                let fields = self.lower_fields(
                    &merged,
                    &format!("{name} {}", vname.pascal),
                    Some(&property),
                )?;
                let (node, _) = self.follow(variant, at)?;
                out.push(Variant {
                    name: vname,
                    doc: self.facts(node).doc,
                    body: VariantBody::Fields { tag, fields },
                });
            }
            return Ok(Some(Union {
                variants: out,
                repr: UnionRepr::Tagged { property },
            }));
        }
        if let Some(p) = explicit {
            return Err(GenError::at(
                pointer(
                    at.trim_end_matches("/oneOf").trim_end_matches("/anyOf"),
                    &["discriminator"],
                ),
                format!(
                    "discriminator `{p}` does not tell the variants apart: each variant must be an object whose `{p}` is a distinct single string (or be named in `mapping`)"
                ),
            ));
        }
        Ok(None)
    }
}
