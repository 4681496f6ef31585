//! Lower an OpenAPI 3.0 document into the language-neutral model.
//!
//! The document's structure (paths, operations, parameters, responses) is read through
//! `openapiv3`. Schemas are read from the raw JSON instead: OpenAPI 3.0 schemas mix keywords
//! freely (`nullable` beside `allOf`, `properties` without `type`), the raw form handles that
//! uniformly, and every node's JSON pointer comes for free for error messages.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};

use openapiv3::{Parameter, ParameterSchemaOrContent, ReferenceOr, StatusCode};
use serde_json::{Map, Value};

use super::extensions::{
    self, ClientHeadersExt, CountryRuleExt, ExistsExt, IdempotentExt, IfMatchExt, PagingExt,
};
use super::names::{Name, Scope};
use super::*;
use crate::error::{GenError, pointer};
use crate::load::{Spec, resolve_ref};

/// Names a request builder uses for itself; parameters are renamed around them.
const BUILDER_RESERVED: &[&str] = &[
    "client",
    "options",
    "body",
    "send",
    "send_with_response",
    "stream",
    "into_future",
    "request_id",
    "timeout",
    "header",
    "retry",
    "continuation_token",
    "new",
    // Python: method parameters beside the call options and the receiver.
    "headers",
    "self",
    "cls",
];

/// Type names that would shadow what generated code uses unqualified (Rust's prelude, the
/// validation trait) or a target language's global types; a schema with such a name gets a suffix.
const RESERVED_TYPE_NAMES: &[&str] = &[
    "String",
    "Vec",
    "Option",
    "Box",
    "Result",
    "Some",
    "None",
    "Ok",
    "Err",
    "Self",
    "Default",
    "Validate",
    "Validator",
];

pub fn build(spec: &Spec) -> Result<Api, GenError> {
    Schemas::lower(&spec.raw)?.finish(&spec.openapi, &spec.name)
}

/// The part of `build` that reads only the untyped document (the `x-pc-*` check and the
/// component schemas), so that it can run while the document is being typed; `finish` does the
/// rest. `Schemas::lower(raw)?.finish(openapi, name)` is `build`.
pub struct Schemas<'a> {
    builder: Builder<'a>,
}

impl<'a> Schemas<'a> {
    pub fn lower(raw: &'a Value) -> Result<Schemas<'a>, GenError> {
        extensions::check_known(raw)?;
        let mut builder = Builder::new(raw);
        builder.name_components()?;
        builder.lower_components()?;
        Ok(Schemas { builder })
    }

    pub fn finish(self, openapi: &openapiv3::OpenAPI, name: &str) -> Result<Api, GenError> {
        finish(self.builder, openapi, name)
    }
}

fn finish(
    mut builder: Builder<'_>,
    openapi: &openapiv3::OpenAPI,
    name: &str,
) -> Result<Api, GenError> {
    let client_headers = builder.client_headers()?;
    let groups = builder.lower_operations(openapi, &client_headers)?;
    builder.box_recursive_fields();
    builder.check_country_rules()?;

    let info = &openapi.info;
    let servers = super::sign_in::servers(openapi)?;
    let sign_in = super::sign_in::sign_in(openapi);

    let mut types: Vec<TypeDef> = builder.types.into_values().collect();
    types.sort_by(|a, b| a.name.pascal.cmp(&b.name.pascal));
    let mut api = Api {
        title: info.title.clone(),
        version: info.version.clone(),
        description: info.description.clone(),
        source: name.to_string(),
        servers,
        sign_in,
        client_headers,
        types,
        groups,
        type_positions: Default::default(),
    };
    api.reindex();
    Ok(api)
}

/// What a schema says about the value besides its type.
#[derive(Debug, Default, Clone)]
struct Facts {
    nullable: bool,
    read_only: bool,
    secret: bool,
    doc: Option<String>,
    default: Option<Value>,
    constraints: Constraints,
}

struct Builder<'a> {
    raw: &'a Value,
    /// Named types by their unique name (`Name::original` of the type).
    types: BTreeMap<String, TypeDef>,
    type_names: Scope,
    /// Component schema pointer → type name, claimed before lowering so references can be
    /// resolved (and recursion expressed) before the target is lowered.
    components: BTreeMap<String, String>,
}

impl<'a> Builder<'a> {
    fn new(raw: &'a Value) -> Builder<'a> {
        Builder {
            raw,
            types: BTreeMap::new(),
            type_names: Scope::with_reserved(RESERVED_TYPE_NAMES.iter().copied()),
            components: BTreeMap::new(),
        }
    }

    fn component_schemas(&self) -> Vec<(String, &'a Value)> {
        let raw: &'a Value = self.raw;
        match raw.pointer("/components/schemas") {
            Some(Value::Object(map)) => map.iter().map(|(k, v)| (k.clone(), v)).collect(),
            _ => Vec::new(),
        }
    }

    fn name_components(&mut self) -> Result<(), GenError> {
        for (key, _) in self.component_schemas() {
            let name = self.type_names.claim(Name::new(&key));
            self.components
                .insert(pointer("/components/schemas", &[&key]), name.pascal.clone());
        }
        Ok(())
    }

    fn lower_components(&mut self) -> Result<(), GenError> {
        for (key, schema) in self.component_schemas() {
            let at = pointer("/components/schemas", &[&key]);
            let name = self.components[&at].clone();
            let facts = self.facts(schema);
            let kind = self.lower_named(schema, &at, &name)?;
            self.types.insert(
                name.clone(),
                TypeDef {
                    name: Name::with_base(&name, &name),
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
    fn lower_named(
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
    fn lower_composition(
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
    fn lower_type(&mut self, schema: &'a Value, at: &str, hint: &str) -> Result<TypeRef, GenError> {
        let obj = as_object(schema, at)?;
        if let Some(Value::String(target)) = obj.get("$ref") {
            return self.reference(target, at);
        }
        if let Some(Value::Array(parts)) = obj.get("allOf")
            && let Some(target) = single_ref(parts).filter(|_| !has_properties(obj))
        {
            return self.reference(target, &pointer(at, &["allOf", "0"]));
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
                // Binary inside JSON can only be a string; binary *bodies* are handled in lower_body.
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
    fn inline_named(
        &mut self,
        schema: &'a Value,
        at: &str,
        hint: &str,
    ) -> Result<TypeRef, GenError> {
        let name = self.type_names.claim(Name::new(hint)).pascal;
        let facts = self.facts(schema);
        let kind = self.lower_named(schema, at, &name)?;
        self.types.insert(
            name.clone(),
            TypeDef {
                name: Name::with_base(&name, &name),
                doc: facts.doc,
                kind,
                pointer: at.to_string(),
            },
        );
        Ok(TypeRef::Named(name))
    }

    fn reference(&mut self, target: &str, at: &str) -> Result<TypeRef, GenError> {
        let ptr = target.trim_start_matches('#');
        if let Some(name) = self.components.get(ptr) {
            return Ok(TypeRef::Named(name.clone()));
        }
        // A reference into the middle of another schema: lower the target where it is.
        let node = resolve_ref(self.raw, target).map_err(|m| GenError::at(at.to_string(), m))?;
        if !ptr.starts_with("/components/schemas/") {
            return Err(GenError::at(
                at.to_string(),
                format!("`$ref: {target}` must point to a schema under /components/schemas"),
            ));
        }
        // Name the target before lowering it, as components are named, so that a schema that
        // reaches itself through this reference becomes a recursive type, not endless recursion.
        let hint = ptr.rsplit('/').next().unwrap_or("Schema").to_string();
        let name = self.type_names.claim(Name::new(&hint)).pascal;
        self.components.insert(ptr.to_string(), name.clone());
        let facts = self.facts(node);
        let kind = self.lower_named(node, ptr, &name)?;
        self.types.insert(
            name.clone(),
            TypeDef {
                name: Name::with_base(&name, &name),
                doc: facts.doc,
                kind,
                pointer: ptr.to_string(),
            },
        );
        Ok(TypeRef::Named(name))
    }

    fn lower_enum(&mut self, obj: &Map<String, Value>, at: &str) -> Result<TypeKind, GenError> {
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

    fn lower_struct(
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
    fn lower_fields(
        &mut self,
        merged: &MergedObject<'a>,
        owner: &str,
        skip: Option<&str>,
    ) -> Result<Vec<Field>, GenError> {
        let mut scope = Scope::new();
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

    fn lower_merged(&mut self, merged: MergedObject<'a>, name: &str) -> Result<Struct, GenError> {
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
        })
    }

    fn merge_all_of(
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
    fn follow(&self, mut node: &'a Value, at: &str) -> Result<(&'a Value, String), GenError> {
        let mut at = at.to_string();
        let raw: &'a Value = self.raw;
        while let Some(Value::String(target)) = node.get("$ref") {
            node = resolve_ref(raw, target).map_err(|m| GenError::at(at.clone(), m))?;
            at = target.trim_start_matches('#').to_string();
        }
        Ok((node, at))
    }

    fn lower_union(
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
            let base = variant_name(variant, node, i);
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
    fn try_tagged_union(
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
                        v.as_str()
                            .map(|v| (v.trim_start_matches('#').to_string(), k.clone()))
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
                            .map(|t| t.trim_start_matches('#').to_string());
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

    fn facts(&self, schema: &Value) -> Facts {
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

    fn client_headers(&self) -> Result<ClientHeaders, GenError> {
        let ext: ClientHeadersExt = match self.raw.get("x-pc-client-headers") {
            Some(v) => extensions::read(v, "", "x-pc-client-headers")?,
            None => ClientHeadersExt::default(),
        };
        Ok(ClientHeaders {
            request_id: ext.request_id,
            correlation_id: ext.correlation_id,
            locale: ext.locale,
            application: ext.application,
            contract_version: ext.contract_version,
        })
    }

    fn lower_operations(
        &mut self,
        openapi: &openapiv3::OpenAPI,
        client_headers: &ClientHeaders,
    ) -> Result<Vec<Group>, GenError> {
        let tag_docs: BTreeMap<&str, Option<String>> = openapi
            .tags
            .iter()
            .map(|t| (t.name.as_str(), t.description.clone()))
            .collect();
        let mut groups: BTreeMap<Option<String>, Vec<Operation>> = BTreeMap::new();
        let mut op_type_names = Scope::new();
        for (path, item) in openapi.paths.paths.iter() {
            let path_at = pointer("/paths", &[path]);
            let item = match item {
                ReferenceOr::Item(item) => item,
                ReferenceOr::Reference { .. } => {
                    return Err(GenError::at(
                        path_at,
                        "path item `$ref`s are not supported yet; inline the path item",
                    ));
                }
            };
            for (method, op) in item.iter() {
                let at = pointer(&path_at, &[method]);
                let group = op.tags.first().cloned();
                let operation = self.lower_operation(
                    path,
                    method,
                    item,
                    op,
                    &at,
                    client_headers,
                    &mut op_type_names,
                )?;
                groups.entry(group).or_default().push(operation);
            }
        }
        let mut out = Vec::new();
        for (group, mut operations) in groups {
            let mut scope = Scope::with_reserved(["new", "client", "transport"]);
            for op in &mut operations {
                op.name = scope.claim(op.name.clone());
            }
            out.push(Group {
                doc: group
                    .as_deref()
                    .and_then(|g| tag_docs.get(g).cloned().flatten()),
                name: group.as_deref().map(Name::new),
                operations,
            });
        }
        Ok(out)
    }

    #[allow(clippy::too_many_arguments)]
    fn lower_operation(
        &mut self,
        path: &str,
        method: &str,
        item: &openapiv3::PathItem,
        op: &openapiv3::Operation,
        at: &str,
        client_headers: &ClientHeaders,
        op_type_names: &mut Scope,
    ) -> Result<Operation, GenError> {
        let id = op
            .operation_id
            .clone()
            .unwrap_or_else(|| format!("{method} {path}"));
        let type_name = op_type_names.claim(Name::new(&id));
        let ext = &op.extensions;
        let name = match ext.get("x-pc-method") {
            Some(v) => Name::new(&extensions::read::<String>(v, at, "x-pc-method")?),
            None => Name::new(&id),
        };

        // Path-level parameters first, overridden by the operation's own (same name and place).
        let mut raw_params: Vec<(Cow<'_, Parameter>, String)> = Vec::new();
        let path_at = at
            .rsplit_once('/')
            .map(|(p, _)| p)
            .unwrap_or(at)
            .to_string();
        for (list, list_at) in [
            (&item.parameters, path_at),
            (&op.parameters, at.to_string()),
        ] {
            for (i, p) in list.iter().enumerate() {
                let p_at = pointer(&list_at, &["parameters", &i.to_string()]);
                let (param, param_at) = match p {
                    ReferenceOr::Item(p) => (Cow::Borrowed(p), p_at),
                    ReferenceOr::Reference { reference } => {
                        let node = resolve_ref(self.raw, reference)
                            .map_err(|m| GenError::at(p_at.clone(), m))?;
                        let param: Parameter =
                            serde_json::from_value(node.clone()).map_err(|e| {
                                GenError::at(p_at.clone(), format!("not a parameter: {e}"))
                            })?;
                        (
                            Cow::Owned(param),
                            reference.trim_start_matches('#').to_string(),
                        )
                    }
                };
                let (name, location) = (&param.parameter_data_ref().name, location_of(&param));
                raw_params.retain(|(p, _)| {
                    p.parameter_data_ref().name != *name || location_of(p) != location
                });
                raw_params.push((param, param_at));
            }
        }

        let paging_ext: Option<PagingExt> = ext
            .get("x-pc-paging")
            .map(|v| extensions::read(v, at, "x-pc-paging"))
            .transpose()?;
        let mut scope = Scope::with_reserved(BUILDER_RESERVED.iter().copied());
        let mut params = Vec::new();
        for (param, p_at) in raw_params {
            let location = location_of(&param);
            let data = param.parameter_data_ref();
            let (schema_at, json_encoded) = match &data.format {
                ParameterSchemaOrContent::Schema(_) => (pointer(&p_at, &["schema"]), false),
                ParameterSchemaOrContent::Content(content) => {
                    let Some((media, _)) = content.iter().next() else {
                        return Err(GenError::at(
                            pointer(&p_at, &["content"]),
                            "a parameter's `content` needs one media type",
                        ));
                    };
                    (pointer(&p_at, &["content", media, "schema"]), true)
                }
            };
            let hint = format!("{} {}", type_name.pascal, Name::new(&data.name).pascal);
            let (ty, facts) = match self.raw.pointer(&schema_at) {
                Some(schema) => (
                    self.lower_type(schema, &schema_at, &hint)?,
                    self.facts(schema),
                ),
                None => (TypeRef::String, Facts::default()),
            };
            let client_managed = location == ParamLocation::Header
                && (client_headers.contains(&data.name)
                    || paging_ext
                        .as_ref()
                        .is_some_and(|p| p.token_header.eq_ignore_ascii_case(&data.name)));
            let explode = data
                .explode
                .unwrap_or(location == ParamLocation::Query || location == ParamLocation::Cookie);
            params.push(Param {
                name: scope.claim(Name::new(&data.name)).with_original(&data.name),
                location,
                ty,
                required: data.required || location == ParamLocation::Path,
                doc: data.description.clone().or(facts.doc),
                json_encoded,
                explode,
                client_managed,
                constraints: facts.constraints,
            });
        }
        for segment in path_params(path) {
            if !params
                .iter()
                .any(|p| p.location == ParamLocation::Path && p.name.original == segment)
            {
                return Err(GenError::at(
                    at.to_string(),
                    format!("path parameter `{{{segment}}}` is not declared in `parameters`"),
                ));
            }
        }

        let body = match &op.request_body {
            None => None,
            Some(rb) => Some(self.lower_body(rb, at, &type_name)?),
        };

        let exists: Option<Exists> = ext
            .get("x-pc-exists")
            .map(|v| extensions::read::<ExistsExt>(v, at, "x-pc-exists"))
            .transpose()?
            .map(|e| Exists {
                true_status: e.true_status,
                false_status: e.false_status,
            });
        let (response, error_statuses) = self.lower_responses(op, at, &type_name)?;
        let paging = match paging_ext {
            Some(p) => Some(self.lower_paging(p, &response, at)?),
            None => None,
        };
        let if_match = match ext.get("x-pc-if-match") {
            Some(v) => {
                let e: IfMatchExt = extensions::read(v, at, "x-pc-if-match")?;
                let body_field = split_path(&e.body_field);
                let Some(body) = &body else {
                    return Err(GenError::at(
                        pointer(at, &["x-pc-if-match"]),
                        "`x-pc-if-match` needs a request body",
                    ));
                };
                self.field_path(&body.ty, &body_field)
                    .map_err(|m| GenError::at(pointer(at, &["x-pc-if-match", "bodyField"]), m))?;
                Some(IfMatch {
                    header: e.header,
                    body_field,
                })
            }
            None => None,
        };
        let idempotent = match ext.get("x-pc-idempotent") {
            Some(v) => {
                extensions::read::<IdempotentExt>(v, at, "x-pc-idempotent")?;
                true
            }
            None => false,
        };
        Ok(Operation {
            id,
            name,
            type_name,
            method: http_method(method),
            path: path.to_string(),
            summary: op.summary.clone(),
            description: op.description.clone(),
            deprecated: op.deprecated,
            params,
            body,
            response,
            error_statuses,
            paging,
            exists,
            idempotent,
            if_match,
            requires_app_user: matches!(ext.get("x-pc-requires-app-user"), Some(Value::Bool(true))),
            pointer: at.to_string(),
        })
    }

    fn lower_body(
        &mut self,
        rb: &ReferenceOr<openapiv3::RequestBody>,
        at: &str,
        type_name: &Name,
    ) -> Result<RequestBody, GenError> {
        let (body, body_at) = match rb {
            ReferenceOr::Item(b) => (Cow::Borrowed(b), pointer(at, &["requestBody"])),
            ReferenceOr::Reference { reference } => {
                let node = resolve_ref(self.raw, reference)
                    .map_err(|m| GenError::at(pointer(at, &["requestBody"]), m))?;
                let body: openapiv3::RequestBody =
                    serde_json::from_value(node.clone()).map_err(|e| {
                        GenError::at(
                            pointer(at, &["requestBody"]),
                            format!("not a request body: {e}"),
                        )
                    })?;
                (
                    Cow::Owned(body),
                    reference.trim_start_matches('#').to_string(),
                )
            }
        };
        let Some((content_type, format)) = pick_media(body.content.keys()) else {
            let types: Vec<&String> = body.content.keys().collect();
            return Err(GenError::at(
                pointer(&body_at, &["content"]),
                format!(
                    "no supported media type among {types:?}: JSON, text/plain and binary bodies are supported"
                ),
            ));
        };
        let schema_at = pointer(&body_at, &["content", &content_type, "schema"]);
        let ty = match (format, self.raw.pointer(&schema_at)) {
            (BodyFormat::Json, Some(schema)) => {
                self.lower_type(schema, &schema_at, &format!("{} body", type_name.pascal))?
            }
            (BodyFormat::Json, None) => TypeRef::Any,
            (BodyFormat::Text, _) => TypeRef::String,
            (BodyFormat::Binary, _) => TypeRef::Bytes,
        };
        Ok(RequestBody {
            ty,
            required: body.required,
            content_type,
            format,
            doc: body.description.clone(),
        })
    }

    fn lower_responses(
        &mut self,
        op: &openapiv3::Operation,
        at: &str,
        type_name: &Name,
    ) -> Result<(SuccessResponse, Vec<u16>), GenError> {
        let mut success: Option<SuccessResponse> = None;
        let mut errors = Vec::new();
        for (code, response) in op.responses.responses.iter() {
            let status = match code {
                StatusCode::Code(c) => *c,
                StatusCode::Range(r) => r * 100,
            };
            if status >= 400 {
                errors.push(status);
                continue;
            }
            if !(200..300).contains(&status) || success.is_some() {
                continue;
            }
            let code_text = code.to_string();
            let r_at = pointer(at, &["responses", &code_text]);
            let (response, r_at) = match response {
                ReferenceOr::Item(r) => (Cow::Borrowed(r), r_at),
                ReferenceOr::Reference { reference } => {
                    let node = resolve_ref(self.raw, reference)
                        .map_err(|m| GenError::at(r_at.clone(), m))?;
                    let r: openapiv3::Response = serde_json::from_value(node.clone())
                        .map_err(|e| GenError::at(r_at.clone(), format!("not a response: {e}")))?;
                    (Cow::Owned(r), reference.trim_start_matches('#').to_string())
                }
            };
            let body = match pick_media(response.content.keys()) {
                None => None,
                Some((media, format)) => {
                    let schema_at = pointer(&r_at, &["content", &media, "schema"]);
                    let ty = match (format, self.raw.pointer(&schema_at)) {
                        (BodyFormat::Json, Some(schema)) => self.lower_type(
                            schema,
                            &schema_at,
                            &format!("{} response", type_name.pascal),
                        )?,
                        (BodyFormat::Json, None) => TypeRef::Any,
                        (BodyFormat::Text, _) => TypeRef::String,
                        (BodyFormat::Binary, _) => TypeRef::Bytes,
                    };
                    Some((ty, format))
                }
            };
            success = Some(SuccessResponse { status, body });
        }
        Ok((
            success.unwrap_or(SuccessResponse {
                status: 200,
                body: None,
            }),
            errors,
        ))
    }

    fn lower_paging(
        &self,
        p: PagingExt,
        response: &SuccessResponse,
        at: &str,
    ) -> Result<Paging, GenError> {
        let ext_at = pointer(at, &["x-pc-paging"]);
        let Some((collection, BodyFormat::Json)) = &response.body else {
            return Err(GenError::at(
                ext_at,
                "`x-pc-paging` needs a JSON success response",
            ));
        };
        let items = self
            .field_path(collection, std::slice::from_ref(&p.items_field))
            .map_err(|m| GenError::at(pointer(&ext_at, &["itemsField"]), m))?;
        let TypeRef::Array(item) = items else {
            return Err(GenError::at(
                pointer(&ext_at, &["itemsField"]),
                format!("`{}` must be an array", p.items_field),
            ));
        };
        self.field_path(collection, std::slice::from_ref(&p.token_field))
            .map_err(|m| GenError::at(pointer(&ext_at, &["tokenField"]), m))?;
        if let Some(total) = &p.total_count_field {
            self.field_path(collection, std::slice::from_ref(total))
                .map_err(|m| GenError::at(pointer(&ext_at, &["totalCountField"]), m))?;
        }
        if let Some(next) = &p.next_link_field {
            self.field_path(collection, &split_path(next))
                .map_err(|m| GenError::at(pointer(&ext_at, &["nextLinkField"]), m))?;
        }
        Ok(Paging {
            item: *item,
            items_field: p.items_field,
            token_field: p.token_field,
            token_header: p.token_header,
            seek_parameter: p.seek_parameter,
            seek_value: p.seek_value,
            total_count_field: p.total_count_field,
        })
    }

    /// The type at a dotted path of wire names below `root`, or why there is none.
    fn field_path(&self, root: &TypeRef, path: &[String]) -> Result<TypeRef, String> {
        let mut current = root.clone();
        for segment in path {
            let fields = match &current {
                TypeRef::Named(n) => match self.types.get(n).map(|t| &t.kind) {
                    Some(TypeKind::Struct(s)) => &s.fields,
                    _ => return Err(format!("`{n}` is not an object, so it has no `{segment}`")),
                },
                other => return Err(format!("{other:?} has no field `{segment}`")),
            };
            let Some(field) = fields.iter().find(|f| f.name.original == *segment) else {
                return Err(format!("no field `{segment}` in `{}`", path.join(".")));
            };
            current = field.ty.clone();
        }
        Ok(current)
    }

    fn check_country_rules(&self) -> Result<(), GenError> {
        for def in self.types.values() {
            if let TypeKind::Struct(s) = &def.kind {
                for (i, rule) in s.country_rules.iter().enumerate() {
                    let root = TypeRef::Named(def.name.original.clone());
                    let rule_at = pointer(&def.pointer, &["x-pc-country-required", &i.to_string()]);
                    self.field_path(&root, &rule.field)
                        .map_err(|m| GenError::at(pointer(&rule_at, &["field"]), m))?;
                    self.field_path(&root, &rule.country_field)
                        .map_err(|m| GenError::at(pointer(&rule_at, &["countryField"]), m))?;
                }
            }
        }
        Ok(())
    }

    /// Mark fields that hold a type which contains, directly (not through an array or map),
    /// the type the field belongs to: without a box such a type would have infinite size.
    fn box_recursive_fields(&mut self) {
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
fn direct_children(kind: &TypeKind) -> BTreeSet<String> {
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

/// Properties gathered from an object schema and everything it `allOf`s.
#[derive(Default)]
struct MergedObject<'a> {
    properties: indexmap::IndexMap<String, (&'a Value, String)>,
    required: BTreeSet<&'a str>,
    non_object: Option<(&'a Value, String)>,
    /// `x-pc-country-required` of each merged object, with the object's pointer.
    country_rules: Vec<(&'a Value, String)>,
}

impl<'a> MergedObject<'a> {
    fn absorb(&mut self, obj: &'a Map<String, Value>, at: &str) {
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

impl Name {
    /// Keep the spelling `scope.claim` chose but remember the wire name.
    fn with_original(mut self, original: &str) -> Name {
        self.original = original.to_string();
        self
    }
}

fn as_object<'v>(schema: &'v Value, at: &str) -> Result<&'v Map<String, Value>, GenError> {
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

fn is_string_enum(obj: &Map<String, Value>) -> bool {
    matches!(obj.get("enum"), Some(Value::Array(v)) if v.iter().any(Value::is_string))
        && matches!(
            obj.get("type").and_then(Value::as_str),
            None | Some("string")
        )
}

fn is_object(obj: &Map<String, Value>) -> bool {
    matches!(obj.get("type").and_then(Value::as_str), Some("object")) || has_properties(obj)
}

fn has_properties(obj: &Map<String, Value>) -> bool {
    matches!(obj.get("properties"), Some(Value::Object(p)) if !p.is_empty())
}

fn single_ref(parts: &[Value]) -> Option<&str> {
    match parts {
        [only] => only.get("$ref").and_then(Value::as_str),
        _ => None,
    }
}

/// A schema that allows exactly one string (a one-value enum): a union tag.
fn single_string(schema: &Value) -> Option<String> {
    match schema.get("enum") {
        Some(Value::Array(values)) if values.len() == 1 => values[0].as_str().map(str::to_string),
        _ => None,
    }
}

fn variant_name(variant: &Value, node: &Value, index: usize) -> String {
    if let Some(target) = variant.get("$ref").and_then(Value::as_str) {
        return target.rsplit('/').next().unwrap_or("Variant").to_string();
    }
    if let Some(title) = node.get("title").and_then(Value::as_str) {
        return title.to_string();
    }
    // An object with exactly one required property is named after it ({"Attached": ...}).
    if let Some(Value::Array(req)) = node.get("required")
        && let [Value::String(only)] = req.as_slice()
    {
        return only.clone();
    }
    if node.get("enum").is_some() {
        return if index == 0 {
            "Named".into()
        } else {
            format!("Named {index}")
        };
    }
    match node.get("type").and_then(Value::as_str) {
        Some(t) => t.to_string(),
        None => format!("Variant {index}"),
    }
}

fn int_format(format: Option<&str>) -> IntFormat {
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

fn pick_media<'k>(keys: impl Iterator<Item = &'k String> + Clone) -> Option<(String, BodyFormat)> {
    let is_json =
        |k: &str| k == "application/json" || k.ends_with("+json") || k == "text/json" || k == "*/*";
    if let Some(k) = keys.clone().find(|k| is_json(k)) {
        return Some((k.clone(), BodyFormat::Json));
    }
    if let Some(k) = keys.clone().find(|k| k.starts_with("text/")) {
        return Some((k.clone(), BodyFormat::Text));
    }
    if let Some(k) = keys.clone().find(|k| {
        *k == "application/octet-stream" || k.starts_with("image/") || k.starts_with("application/")
    }) && !k.contains("x-www-form-urlencoded")
        && !k.starts_with("multipart/")
    {
        return Some((k.clone(), BodyFormat::Binary));
    }
    None
}

fn location_of(p: &Parameter) -> ParamLocation {
    match p {
        Parameter::Query { .. } => ParamLocation::Query,
        Parameter::Header { .. } => ParamLocation::Header,
        Parameter::Path { .. } => ParamLocation::Path,
        Parameter::Cookie { .. } => ParamLocation::Cookie,
    }
}

fn http_method(m: &str) -> HttpMethod {
    match m {
        "put" => HttpMethod::Put,
        "post" => HttpMethod::Post,
        "delete" => HttpMethod::Delete,
        "patch" => HttpMethod::Patch,
        "head" => HttpMethod::Head,
        "options" => HttpMethod::Options,
        "trace" => HttpMethod::Trace,
        _ => HttpMethod::Get,
    }
}

/// `{name}` segments of a path template.
pub fn path_params(path: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = path;
    while let Some(start) = rest.find('{') {
        let Some(len) = rest[start..].find('}') else {
            break;
        };
        out.push(rest[start + 1..start + len].to_string());
        rest = &rest[start + len + 1..];
    }
    out
}

fn split_path(dotted: &str) -> Vec<String> {
    dotted.split('.').map(str::to_string).collect()
}
