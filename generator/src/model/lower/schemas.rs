//! Schemas → types: component schemas, inline objects, enums, `allOf` merges, references.
//!
//! Schemas are read from the raw JSON (see the module docs): every node's JSON pointer is at hand
//! for messages, and OpenAPI 3.0's freely mixed keywords are handled in one place.

use std::collections::BTreeSet;

use serde_json::{Map, Value};

use super::{Builder, Facts, naming, split_path};
use crate::error::{GenError, pointer};
use crate::load::resolve_ref_at;
use crate::model::extensions::{self, CountryRuleExt};
use crate::model::names::Scope;
use crate::model::*;

impl<'a> Builder<'a> {
    pub(super) fn component_schemas(&self) -> Vec<(String, &'a Value)> {
        let raw: &'a Value = self.raw;
        match raw.pointer("/components/schemas") {
            Some(Value::Object(map)) => map.iter().map(|(k, v)| (k.clone(), v)).collect(),
            _ => Vec::new(),
        }
    }

    pub(super) fn lower_components(&mut self) -> Result<(), GenError> {
        for (key, schema) in self.component_schemas() {
            let at = pointer("/components/schemas", &[&key]);
            let name = self.components[&at].clone();
            let facts = self.facts(schema);
            let kind = self.lower_named(schema, &at, &name)?;
            self.types.insert(
                name.clone(),
                TypeDef {
                    name: naming::type_name(&name),
                    doc: facts.doc,
                    kind,
                    pointer: at,
                },
            );
        }
        Ok(())
    }

    /// The body of a named type. Anything that is not itself an object, enum or union becomes
    /// an alias of the type the schema lowers to.
    pub(super) fn lower_named(
        &mut self,
        schema: &'a Value,
        at: &str,
        name: &str,
    ) -> Result<TypeKind, GenError> {
        let obj = as_object(schema, at)?;
        if let Some(Value::String(target)) = obj.get("$ref") {
            return Ok(TypeKind::Alias(self.reference(target, at)?));
        }
        if let Some(kind) = self.lower_composition(obj, at, name)? {
            return Ok(kind);
        }
        if is_string_enum(obj) {
            return self.lower_enum(obj, at);
        }
        if is_object(obj) && has_properties(obj) {
            return Ok(TypeKind::Struct(self.lower_struct(obj, at, name)?));
        }
        Ok(TypeKind::Alias(self.lower_type(schema, at, name)?))
    }

    /// `allOf`, `oneOf`, `anyOf`: merged into one struct, or a union. `None` when there is none,
    /// or when it is the `nullable` + single-reference idiom, which is just that reference.
    pub(super) fn lower_composition(
        &mut self,
        obj: &'a Map<String, Value>,
        at: &str,
        name: &str,
    ) -> Result<Option<TypeKind>, GenError> {
        if let Some(Value::Array(parts)) = obj.get("allOf") {
            if single_ref(parts).is_some() && !has_properties(obj) {
                return Ok(None);
            }
            let mut merged = MergedObject::default();
            self.merge_all_of(obj, at, &mut merged, &mut BTreeSet::new())?;
            // An allOf with no properties is the one non-object schema it combines (constraints
            // on a string, say), or nothing in particular. Resolved here, once: handing the allOf
            // back to `lower_type` would come straight back to this merge.
            if merged.properties.is_empty() {
                let ty = match merged.non_object {
                    Some((node, node_at)) => self.lower_type(node, &node_at, name)?,
                    None => TypeRef::Any,
                };
                return Ok(Some(TypeKind::Alias(ty)));
            }
            return Ok(Some(TypeKind::Struct(self.lower_merged(merged, name)?)));
        }
        for key in ["oneOf", "anyOf"] {
            if let Some(Value::Array(variants)) = obj.get(key) {
                let at = pointer(at, &[key]);
                return Ok(Some(TypeKind::Union(
                    self.lower_union(obj, variants, &at, name)?,
                )));
            }
        }
        Ok(None)
    }

    /// Lower a schema in a position that needs a type reference (a property, an item, a
    /// parameter). Inline objects, enums and unions become named types called `hint`.
    pub(super) fn lower_type(
        &mut self,
        schema: &'a Value,
        at: &str,
        hint: &str,
    ) -> Result<TypeRef, GenError> {
        let obj = as_object(schema, at)?;
        if let Some(Value::String(target)) = obj.get("$ref") {
            return self.reference(target, at);
        }
        if let Some(Value::Array(parts)) = obj.get("allOf")
            && let Some(target) = single_ref(parts).filter(|_| !has_properties(obj))
        {
            return self.reference(target, &pointer(at, &["allOf", "0"]));
        }
        for key in ["allOf", "oneOf", "anyOf"] {
            // Anything but a list here would be lowered as a plain schema that still has the
            // key, and come straight back to this line.
            if obj.get(key).is_some_and(|v| !v.is_array()) {
                return Err(GenError::at(
                    pointer(at, &[key]),
                    format!("`{key}` must be a list of schemas"),
                ));
            }
        }
        if obj.contains_key("allOf")
            || obj.contains_key("oneOf")
            || obj.contains_key("anyOf")
            || is_string_enum(obj)
        {
            return self.inline_named(schema, at, hint);
        }
        if let Some(Value::Bool(true)) = obj.get("x-pc-secret") {
            return Ok(TypeRef::Secret);
        }
        let ty = obj.get("type").and_then(Value::as_str);
        let format = obj.get("format").and_then(Value::as_str);
        Ok(match ty {
            Some("string") => match format {
                Some("uuid") => TypeRef::Uuid,
                Some("date-time") => TypeRef::DateTime,
                Some("date") => TypeRef::Date,
                // A file: a multipart part with its own name and type (in JSON, its text).
                Some("binary") => TypeRef::File,
                _ => TypeRef::String,
            },
            Some("integer") => TypeRef::Integer(int_format(format)),
            Some("number") => TypeRef::Number,
            Some("boolean") => TypeRef::Boolean,
            Some("array") => {
                let item = match obj.get("items") {
                    Some(items) => {
                        self.lower_type(items, &pointer(at, &["items"]), &format!("{hint} item"))?
                    }
                    None => TypeRef::Any,
                };
                TypeRef::Array(Box::new(item))
            }
            Some("object") | None if has_properties(obj) => self.inline_named(schema, at, hint)?,
            Some("object") | None => match obj.get("additionalProperties") {
                Some(Value::Object(inner)) if !inner.is_empty() => {
                    let inner = self.lower_type(
                        &obj["additionalProperties"],
                        &pointer(at, &["additionalProperties"]),
                        &format!("{hint} value"),
                    )?;
                    TypeRef::Map(Box::new(inner))
                }
                Some(Value::Object(_)) | Some(Value::Bool(true)) => {
                    TypeRef::Map(Box::new(TypeRef::Any))
                }
                _ => TypeRef::Any,
            },
            Some(other) => {
                return Err(GenError::at(
                    pointer(at, &["type"]),
                    format!("unknown schema type `{other}`"),
                ));
            }
        })
    }

    /// Give an inline schema a type of its own.
    pub(super) fn inline_named(
        &mut self,
        schema: &'a Value,
        at: &str,
        hint: &str,
    ) -> Result<TypeRef, GenError> {
        // A schema a `$ref` named already (or a component, reached through `allOf`) has its type.
        if let Some(name) = self.components.get(at) {
            return Ok(TypeRef::Named(name.clone()));
        }
        // So has one outside the component schemas that is lowered again: the schema of a
        // parameter, body or response that several operations use by `$ref`. One under
        // `components` is named after its component, which they share, not after an operation.
        // (Properties that `allOf` merges into several schemas are named after each of them.)
        let hint = if at.starts_with("/components/schemas/") {
            hint.to_string()
        } else {
            if let Some(name) = self.inline.get(at) {
                return Ok(TypeRef::Named(name.clone()));
            }
            match naming::schema_hint(self.raw, at) {
                Some(shared) if at.starts_with("/components/") => shared,
                _ => hint.to_string(),
            }
        };
        let name = self.type_names.claim(Name::new(&hint)).pascal;
        // Named before it is lowered, so that a `$ref` inside it back to it is a recursive type.
        self.inline
            .entry(at.to_string())
            .or_insert_with(|| name.clone());
        let facts = self.facts(schema);
        let kind = self.lower_named(schema, at, &name)?;
        self.types.insert(
            name.clone(),
            TypeDef {
                name: naming::type_name(&name),
                doc: facts.doc,
                kind,
                pointer: at.to_string(),
            },
        );
        Ok(TypeRef::Named(name))
    }

    /// The type a schema's `$ref` names. A target that is not a component schema (a schema inside
    /// one, or a parameter's, header's, request body's or response's schema, under `components`
    /// or `paths`) gets a type of its own, named from where it is (`naming::schema_hint`) before
    /// it is lowered, so that a schema that reaches itself through references is a recursive
    /// type; every later reference to it names that type.
    pub(super) fn reference(&mut self, target: &str, at: &str) -> Result<TypeRef, GenError> {
        let raw: &'a Value = self.raw;
        let (mut node, mut ptr) =
            resolve_ref_at(raw, target).map_err(|m| GenError::at(at.to_string(), m))?;
        let mut seen = BTreeSet::new();
        loop {
            if let Some(name) = self.components.get(&ptr).or_else(|| self.inline.get(&ptr)) {
                return Ok(TypeRef::Named(name.clone()));
            }
            // A reference to a reference is the type of the last one.
            let Some(Value::String(next)) = node.get("$ref") else {
                break;
            };
            if !seen.insert(ptr.clone()) {
                return Err(GenError::at(
                    at.to_string(),
                    format!("`$ref: {target}` leads back to itself through references only"),
                ));
            }
            (node, ptr) =
                resolve_ref_at(raw, next).map_err(|m| GenError::at(pointer(&ptr, &["$ref"]), m))?;
        }
        let Some(hint) = naming::schema_hint(raw, &ptr) else {
            return Err(GenError::at(
                at.to_string(),
                format!(
                    "`$ref: {target}` must point to a schema: under /components/schemas, or the \
                     schema of a parameter, header, request body or response"
                ),
            ));
        };
        let name = self.type_names.claim(Name::new(&hint)).pascal;
        self.components.insert(ptr.clone(), name.clone());
        let facts = self.facts(node);
        let kind = self.lower_named(node, &ptr, &name)?;
        self.types.insert(
            name.clone(),
            TypeDef {
                name: naming::type_name(&name),
                doc: facts.doc,
                kind,
                pointer: ptr,
            },
        );
        Ok(TypeRef::Named(name))
    }

    /// The JSON pointer a `$ref` names (decoded), or the reference as written without its `#`
    /// when it names nothing.
    pub(super) fn ref_pointer(&self, target: &str) -> String {
        resolve_ref_at(self.raw, target)
            .map(|(_, at)| at)
            .unwrap_or_else(|_| target.trim_start_matches('#').to_string())
    }

    pub(super) fn lower_enum(
        &mut self,
        obj: &Map<String, Value>,
        at: &str,
    ) -> Result<TypeKind, GenError> {
        let Some(Value::Array(values)) = obj.get("enum") else {
            return Err(GenError::at(at.to_string(), "expected an `enum` list"));
        };
        let other_base = if values
            .iter()
            .any(|v| v.as_str().map(|s| Name::new(s).pascal) == Some("Unknown".into()))
        {
            "Other"
        } else {
            "Unknown"
        };
        let mut scope = Scope::with_reserved([other_base]);
        let mut out = Vec::new();
        for (i, value) in values.iter().enumerate() {
            match value {
                Value::String(s) => out.push(EnumValue {
                    name: scope.claim(Name::new(s)),
                    doc: None,
                }),
                // `nullable: true` enums list null; it is not a value of the enum type.
                Value::Null => {}
                other => {
                    return Err(GenError::at(
                        pointer(at, &["enum", &i.to_string()]),
                        format!("enum values must be strings here, found {other}"),
                    ));
                }
            }
        }
        let closed = matches!(obj.get("x-pc-closed-enum"), Some(Value::Bool(true)));
        Ok(TypeKind::Enum(Enum {
            values: out,
            closed,
            other: Name::new(other_base),
        }))
    }

    pub(super) fn lower_struct(
        &mut self,
        obj: &'a Map<String, Value>,
        at: &str,
        name: &str,
    ) -> Result<Struct, GenError> {
        let mut merged = MergedObject::default();
        merged.absorb(obj, at);
        self.lower_merged(merged, name)
    }

    /// The fields of merged properties (all but `skip`, a union's tag); inline types are named
    /// after `owner` and the property.
    pub(super) fn lower_fields(
        &mut self,
        merged: &MergedObject<'a>,
        owner: &str,
        skip: Option<&str>,
    ) -> Result<Vec<Field>, GenError> {
        let mut scope = naming::field_scope();
        let mut fields = Vec::new();
        for (wire, (schema, prop_at)) in &merged.properties {
            if Some(wire.as_str()) == skip {
                continue;
            }
            let ty = self.lower_type(
                schema,
                prop_at,
                &format!("{owner} {}", Name::new(wire).pascal),
            )?;
            let facts = self.facts(schema);
            fields.push(Field {
                name: scope.claim(Name::new(wire)),
                ty,
                required: merged.required.contains(wire.as_str()),
                nullable: facts.nullable,
                read_only: facts.read_only,
                boxed: false,
                secret: facts.secret,
                doc: facts.doc,
                default: facts.default,
                constraints: facts.constraints,
            });
        }
        Ok(fields)
    }

    pub(super) fn lower_merged(
        &mut self,
        merged: MergedObject<'a>,
        name: &str,
    ) -> Result<Struct, GenError> {
        let fields = self.lower_fields(&merged, name, None)?;
        // Rules come with the objects that declare them, including those merged by `allOf`.
        let mut country_rules = Vec::new();
        for (rules, rules_at) in &merged.country_rules {
            let rules: Vec<CountryRuleExt> =
                extensions::read(rules, rules_at, "x-pc-country-required")?;
            country_rules.extend(rules.into_iter().map(|r| CountryRule {
                field: split_path(&r.field),
                country_field: split_path(&r.country_field),
                countries: r.countries,
                error_code: r.error_code,
            }));
        }
        Ok(Struct {
            fields,
            country_rules,
            read_only: merged.read_only,
        })
    }

    pub(super) fn merge_all_of(
        &mut self,
        obj: &'a Map<String, Value>,
        at: &str,
        merged: &mut MergedObject<'a>,
        seen: &mut BTreeSet<String>,
    ) -> Result<(), GenError> {
        merged.absorb(obj, at);
        let Some(Value::Array(parts)) = obj.get("allOf") else {
            return Ok(());
        };
        for (i, part) in parts.iter().enumerate() {
            let part_at = pointer(at, &["allOf", &i.to_string()]);
            let (node, node_at) = self.follow(part, &part_at)?;
            if !seen.insert(node_at.clone()) {
                continue;
            }
            let node_obj = as_object(node, &node_at)?;
            if is_object(node_obj) || node_obj.contains_key("allOf") {
                self.merge_all_of(node_obj, &node_at, merged, seen)?;
            } else if merged.non_object.is_none() {
                merged.non_object = Some((node, node_at));
            }
        }
        Ok(())
    }

    /// Resolve a chain of `$ref`s to the schema node and its pointer.
    pub(super) fn follow(
        &self,
        mut node: &'a Value,
        at: &str,
    ) -> Result<(&'a Value, String), GenError> {
        let mut at = at.to_string();
        let raw: &'a Value = self.raw;
        let mut seen = BTreeSet::new();
        while let Some(Value::String(target)) = node.get("$ref") {
            if !seen.insert(at.clone()) {
                return Err(GenError::at(
                    at,
                    format!("`$ref: {target}` leads back to itself through references only"),
                ));
            }
            (node, at) = resolve_ref_at(raw, target).map_err(|m| GenError::at(at.clone(), m))?;
        }
        Ok((node, at))
    }

    pub(super) fn facts(&self, schema: &Value) -> Facts {
        let Some(obj) = schema.as_object() else {
            return Facts::default();
        };
        let get_usize = |k: &str| obj.get(k).and_then(Value::as_u64).map(|v| v as usize);
        let get_f64 = |k: &str| obj.get(k).and_then(Value::as_f64);
        // `nullable` beside a single-ref allOf means the reference may be null.
        Facts {
            nullable: matches!(obj.get("nullable"), Some(Value::Bool(true))),
            read_only: matches!(obj.get("readOnly"), Some(Value::Bool(true))),
            secret: matches!(obj.get("x-pc-secret"), Some(Value::Bool(true))),
            doc: obj
                .get("description")
                .or_else(|| obj.get("title"))
                .and_then(Value::as_str)
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty()),
            default: obj.get("default").cloned(),
            constraints: Constraints {
                min_length: get_usize("minLength"),
                max_length: get_usize("maxLength"),
                pattern: obj
                    .get("pattern")
                    .and_then(Value::as_str)
                    .map(str::to_string),
                minimum: get_f64("minimum"),
                maximum: get_f64("maximum"),
                min_items: get_usize("minItems"),
                max_items: get_usize("maxItems"),
            },
        }
    }
}

/// Properties gathered from an object schema and everything it `allOf`s.
#[derive(Default)]
pub(super) struct MergedObject<'a> {
    pub(super) properties: indexmap::IndexMap<String, (&'a Value, String)>,
    pub(super) required: BTreeSet<&'a str>,
    pub(super) non_object: Option<(&'a Value, String)>,
    /// `x-pc-country-required` of each merged object, with the object's pointer.
    pub(super) country_rules: Vec<(&'a Value, String)>,
    /// One of the merged objects is `readOnly` as a whole.
    pub(super) read_only: bool,
}

impl<'a> MergedObject<'a> {
    pub(super) fn absorb(&mut self, obj: &'a Map<String, Value>, at: &str) {
        self.read_only |= matches!(obj.get("readOnly"), Some(Value::Bool(true)));
        if let Some(Value::Object(props)) = obj.get("properties") {
            for (k, v) in props {
                self.properties
                    .insert(k.clone(), (v, pointer(at, &["properties", k])));
            }
        }
        if let Some(Value::Array(req)) = obj.get("required") {
            self.required.extend(req.iter().filter_map(Value::as_str));
        }
        if let Some(rules) = obj.get("x-pc-country-required")
            && !self.country_rules.iter().any(|(_, a)| a == at)
        {
            self.country_rules.push((rules, at.to_string()));
        }
    }
}

pub(super) fn as_object<'v>(
    schema: &'v Value,
    at: &str,
) -> Result<&'v Map<String, Value>, GenError> {
    match schema {
        Value::Object(obj) => Ok(obj),
        Value::Bool(_) => Err(GenError::at(
            at.to_string(),
            "boolean schemas are not part of OpenAPI 3.0",
        )),
        other => Err(GenError::at(
            at.to_string(),
            format!("expected a schema object, found {other}"),
        )),
    }
}

pub(super) fn is_string_enum(obj: &Map<String, Value>) -> bool {
    matches!(obj.get("enum"), Some(Value::Array(v)) if v.iter().any(Value::is_string))
        && matches!(
            obj.get("type").and_then(Value::as_str),
            None | Some("string")
        )
}

pub(super) fn is_object(obj: &Map<String, Value>) -> bool {
    matches!(obj.get("type").and_then(Value::as_str), Some("object")) || has_properties(obj)
}

pub(super) fn has_properties(obj: &Map<String, Value>) -> bool {
    matches!(obj.get("properties"), Some(Value::Object(p)) if !p.is_empty())
}

pub(super) fn single_ref(parts: &[Value]) -> Option<&str> {
    match parts {
        [only] => only.get("$ref").and_then(Value::as_str),
        _ => None,
    }
}

/// A schema that allows exactly one string (a one-value enum): a union tag.
pub(super) fn single_string(schema: &Value) -> Option<String> {
    match schema.get("enum") {
        Some(Value::Array(values)) if values.len() == 1 => values[0].as_str().map(str::to_string),
        _ => None,
    }
}

pub(super) fn int_format(format: Option<&str>) -> IntFormat {
    match format {
        Some("int8") => IntFormat::I8,
        Some("int16") => IntFormat::I16,
        Some("int32") => IntFormat::I32,
        Some("int64") => IntFormat::I64,
        Some("uint8") => IntFormat::U8,
        Some("uint16") => IntFormat::U16,
        Some("uint32") => IntFormat::U32,
        Some("uint64") | Some("uint") => IntFormat::U64,
        _ => IntFormat::I64,
    }
}
