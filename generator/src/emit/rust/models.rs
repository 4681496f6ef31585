//! `models.rs`: one Rust type per model type.

use std::collections::{BTreeMap, BTreeSet};

use proc_macro2::TokenStream;
use quote::quote;

use super::syntax::{Models, doc_attrs, holds_dates, ident, rust_type, type_ident};
use super::{PartSizes, Source, part, parts};
use crate::model::{
    Api, Enum, Field, Struct, TypeDef, TypeKind, TypeRef, Union, UnionRepr, VariantBody,
};

pub(super) fn source(api: &Api, sizes: PartSizes) -> Source<'_> {
    let defaults = default_types(api);
    Source {
        name: "models.rs",
        parts: parts(api.types.len(), sizes.types),
        part: Box::new(move |i| {
            let items = part(&api.types, i, sizes.types)
                .iter()
                .map(|def| match &def.kind {
                    TypeKind::Struct(s) => {
                        emit_struct(api, def, s, defaults.contains(def.name.original.as_str()))
                    }
                    TypeKind::Enum(e) => emit_enum(def, e),
                    TypeKind::Union(u) => emit_union(api, def, u),
                    TypeKind::Alias(t) => {
                        let name = type_ident(&def.name.pascal);
                        let doc = doc_attrs(def.doc.as_deref());
                        let ty = rust_type(t, Models::Here);
                        quote! { #doc pub type #name = #ty; }
                    }
                });
            (quote!(#(#items)*), Vec::new())
        }),
        head: Box::new(|_| {
            quote! {
                //! Models: every schema of the spec as a Rust type.
                //!
                //! Optional fields are `Option`s that are left out of the JSON when `None`. Enums are open:
                //! a value this version does not know is kept in the catch-all variant and sent back unchanged.
                //! Property names are matched as the spec spells them, and also with a capital first letter
                //! (the PascalCase form some services and SDKs send).
            }
        }),
    }
}

fn emit_struct(api: &Api, def: &TypeDef, s: &Struct, derive_default: bool) -> TokenStream {
    let name = type_ident(&def.name.pascal);
    let doc = doc_attrs(def.doc.as_deref());
    let wire_names: BTreeSet<&str> = s.fields.iter().map(|f| f.name.original.as_str()).collect();
    let fields = s.fields.iter().map(|f| field(api, f, &wire_names, true));
    let default = derive_default.then(|| quote!(Default,));
    quote! {
        #doc
        #[derive(Debug, Clone, PartialEq, #default serde::Serialize, serde::Deserialize)]
        pub struct #name {
            #(#fields)*
        }
    }
}

/// A field with its serde attributes. `public` is false for struct-variant fields.
fn field(api: &Api, f: &Field, siblings: &BTreeSet<&str>, public: bool) -> TokenStream {
    let id = ident(&f.name.snake);
    let wire = &f.name.original;
    let mut ty = rust_type(&f.ty, Models::Here);
    if f.boxed {
        ty = quote!(Box<#ty>);
    }
    let mut doc_text = f.doc.clone().unwrap_or_default();
    if f.read_only {
        push_note(&mut doc_text, "Set by the server; ignored in requests.");
    }
    if f.secret {
        push_note(
            &mut doc_text,
            "A secret: printed as `[redacted]` by `Debug`.",
        );
    }
    if let Some(d) = &f.default {
        push_note(&mut doc_text, &format!("The server's default: `{d}`."));
    }
    let doc = doc_attrs(Some(&doc_text));
    // serde names a field after its Rust identifier (without `r#`); rename when that differs.
    let rust_name = id.to_string();
    let rename = (rust_name.trim_start_matches("r#") != wire).then(|| quote!(rename = #wire,));
    let alias = pascal_alias(wire)
        .filter(|a| !siblings.contains(a.as_str()))
        .map(|a| quote!(alias = #a,));
    // Dates are written and read by the runtime (RFC 3339, leniently), whatever holds them.
    let dates = holds_dates(api, &f.ty).then(|| quote!(with = "sdk_runtime::dates",));
    let vis = public.then(|| quote!(pub));
    if f.optional() {
        // Only a required-but-nullable field is written as null when `None`; anything else that
        // is `None` (absent, or assigned by the server) is left out.
        let write_null = f.required && f.nullable && !f.read_only;
        let skip = (!write_null).then(|| quote!(skip_serializing_if = "Option::is_none",));
        quote! {
            #doc
            #[serde(#rename #alias #dates default, #skip)]
            #vis #id: Option<#ty>,
        }
    } else {
        let attrs = if rename.is_some() || alias.is_some() || dates.is_some() {
            quote!(#[serde(#rename #alias #dates)])
        } else {
            quote!()
        };
        quote! {
            #doc
            #attrs
            #vis #id: #ty,
        }
    }
}

fn push_note(doc: &mut String, note: &str) {
    if !doc.is_empty() {
        doc.push_str("\n\n");
    }
    doc.push_str(note);
}

/// `companyProfile` → `CompanyProfile`: the .NET SDK and the service's docs send PascalCase.
fn pascal_alias(wire: &str) -> Option<String> {
    let mut chars = wire.chars();
    let first = chars.next()?;
    first
        .is_ascii_lowercase()
        .then(|| format!("{}{}", first.to_ascii_uppercase(), chars.as_str()))
}

fn emit_enum(def: &TypeDef, e: &Enum) -> TokenStream {
    let name = type_ident(&def.name.pascal);
    let doc = doc_attrs(def.doc.as_deref());
    let other = type_ident(&e.other.pascal);
    let variants: Vec<_> = e
        .values
        .iter()
        .map(|v| type_ident(&v.name.pascal))
        .collect();
    let wires: Vec<&str> = e.values.iter().map(|v| v.name.original.as_str()).collect();
    let variant_docs = wires.iter().map(|w| {
        let text = format!(" `{w}`");
        quote!(#[doc = #text])
    });
    let closed_note = if e.closed {
        " Requests may only carry the listed values; client-side validation rejects the others."
    } else {
        " The service may add values; they arrive in the catch-all variant."
    };
    quote! {
        #doc
        #[doc = ""]
        #[doc = #closed_note]
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum #name {
            #( #variant_docs #variants, )*
            /// A value this version of the client does not know, kept as sent.
            #other(String),
        }

        impl #name {
            /// Every value the spec lists, as sent on the wire.
            pub const VALUES: &'static [&'static str] = &[#(#wires),*];

            /// The value as sent on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    #( Self::#variants => #wires, )*
                    Self::#other(value) => value.as_str(),
                }
            }

            /// Whether the spec lists this value.
            pub fn is_known(&self) -> bool {
                !matches!(self, Self::#other(_))
            }
        }

        impl From<&str> for #name {
            fn from(value: &str) -> Self {
                match value {
                    #( #wires => Self::#variants, )*
                    other => Self::#other(other.to_string()),
                }
            }
        }

        impl From<String> for #name {
            fn from(value: String) -> Self {
                match value.as_str() {
                    #( #wires => Self::#variants, )*
                    _ => Self::#other(value),
                }
            }
        }

        impl std::str::FromStr for #name {
            type Err = std::convert::Infallible;
            fn from_str(value: &str) -> Result<Self, Self::Err> {
                Ok(Self::from(value))
            }
        }

        impl std::fmt::Display for #name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl serde::Serialize for #name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for #name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                String::deserialize(deserializer).map(Self::from)
            }
        }
    }
}

fn emit_union(api: &Api, def: &TypeDef, u: &Union) -> TokenStream {
    let name = type_ident(&def.name.pascal);
    let doc = doc_attrs(def.doc.as_deref());
    let variants = u.variants.iter().map(|v| {
        let vname = type_ident(&v.name.pascal);
        let vdoc = doc_attrs(v.doc.as_deref());
        match &v.body {
            VariantBody::Value(t) => {
                let ty = rust_type(t, Models::Here);
                let dates =
                    holds_dates(api, t).then(|| quote!(#[serde(with = "sdk_runtime::dates")]));
                quote!(#vdoc #vname(#dates #ty),)
            }
            VariantBody::Fields { tag, fields } => {
                let wire_names: BTreeSet<&str> =
                    fields.iter().map(|f| f.name.original.as_str()).collect();
                let fields = fields.iter().map(|f| field(api, f, &wire_names, false));
                quote! {
                    #vdoc
                    #[serde(rename = #tag)]
                    #vname { #(#fields)* },
                }
            }
        }
    });
    let repr = match &u.repr {
        UnionRepr::Untagged => quote!(#[serde(untagged)]),
        UnionRepr::Tagged { property } => quote!(#[serde(tag = #property)]),
    };
    quote! {
        #doc
        #[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
        #repr
        pub enum #name {
            #(#variants)*
        }
    }
}

/// Structs that can derive `Default`: every field they always carry has a default itself.
/// Enums and unions have none (there is no neutral value to pick).
fn default_types(api: &Api) -> BTreeSet<&str> {
    let index: BTreeMap<&str, &TypeDef> = api.type_index();
    let mut memo: BTreeMap<&str, bool> = BTreeMap::new();
    fn has_default<'a>(
        t: &TypeRef,
        index: &BTreeMap<&'a str, &'a TypeDef>,
        memo: &mut BTreeMap<&'a str, bool>,
    ) -> bool {
        match t {
            // No neutral date; a secret defaults to empty like any string.
            TypeRef::DateTime | TypeRef::Date => false,
            TypeRef::Named(n) => {
                let Some((key, def)) = index.get_key_value(n.as_str()) else {
                    return false;
                };
                if let Some(known) = memo.get(key) {
                    return *known;
                }
                // Assume no while deciding, so a recursive type cannot loop.
                memo.insert(key, false);
                let result = match &def.kind {
                    TypeKind::Struct(s) => s
                        .fields
                        .iter()
                        .all(|f| f.optional() || has_default(&f.ty, index, memo)),
                    TypeKind::Alias(inner) => has_default(inner, index, memo),
                    TypeKind::Enum(_) | TypeKind::Union(_) => false,
                };
                memo.insert(key, result);
                result
            }
            _ => true,
        }
    }
    api.types
        .iter()
        .filter(|d| matches!(d.kind, TypeKind::Struct(_)))
        .filter(|d| has_default(&TypeRef::Named(d.name.original.clone()), &index, &mut memo))
        .map(|d| d.name.original.as_str())
        .collect()
}
