//! `validate.rs`: client-side checks generated from the spec, run before a request is sent.
//!
//! Every check reports into one `Validator`, so a caller sees all problems at once, each with
//! the JSON path of the field (wire names).

use proc_macro2::TokenStream;
use quote::{ToTokens, quote};

use super::access::str_at;
use super::syntax::{ident, mentions, type_ident};
use super::{PartSizes, Source, part, parts};
use crate::model::{
    Api, Constraints, CountryRule, Field, Struct, TypeDef, TypeKind, TypeRef, Union, VariantBody,
};

pub(super) fn source(api: &Api, sizes: PartSizes) -> Source<'_> {
    // An alias is the aliased type, which has its own impl; every other type gets one.
    let any_impl = api
        .types
        .iter()
        .any(|def| !matches!(def.kind, TypeKind::Alias(_)));
    Source {
        name: "validate.rs",
        parts: parts(api.types.len(), sizes.types),
        part: Box::new(move |i| {
            let impls = part(&api.types, i, sizes.types)
                .iter()
                .filter_map(|def| type_impl(api, def));
            (quote!(#(#impls)*), Vec::new())
        }),
        head: Box::new(move |_| {
            let imports = any_impl.then(|| {
                quote! {
                    use sdk_runtime::{Validate, Validator};

                    use super::models;
                }
            });
            quote! {
                //! Client-side validation: `Validate` for every model, from the spec's constraints.
                #imports
            }
        }),
    }
}

fn type_impl(api: &Api, def: &TypeDef) -> Option<TokenStream> {
    match &def.kind {
        TypeKind::Struct(s) => Some(struct_impl(api, def, s)),
        TypeKind::Enum(e) => {
            let name = type_ident(&def.name.pascal);
            let other = type_ident(&e.other.pascal);
            // An open enum accepts any value: nothing to check.
            let (param, body) = if e.closed {
                let body = quote! {
                    if let Self::#other(value) = self {
                        v.one_of(value, Self::VALUES);
                    }
                };
                (quote!(v), body)
            } else {
                (quote!(_v), quote!())
            };
            Some(quote! {
                impl Validate for models::#name {
                    fn validate_into(&self, #param: &mut Validator) {
                        #body
                    }
                }
            })
        }
        TypeKind::Union(u) => Some(union_impl(def, u)),
        TypeKind::Alias(_) => None,
    }
}

fn struct_impl(api: &Api, def: &TypeDef, s: &Struct) -> TokenStream {
    let name = type_ident(&def.name.pascal);
    let checks: Vec<TokenStream> = s
        .fields
        .iter()
        .map(|f| {
            let id = ident(&f.name.snake);
            field_check(f, quote!(&self.#id))
        })
        .collect();
    let rules: Vec<TokenStream> = s
        .country_rules
        .iter()
        .filter_map(|r| country_rule(api, def, r))
        .collect();
    let v = if checks.iter().all(TokenStream::is_empty) && rules.is_empty() {
        quote!(_v)
    } else {
        quote!(v)
    };
    quote! {
        impl Validate for models::#name {
            fn validate_into(&self, #v: &mut Validator) {
                #(#checks)*
                #(#rules)*
            }
        }
    }
}

fn union_impl(def: &TypeDef, u: &Union) -> TokenStream {
    let name = type_ident(&def.name.pascal);
    let arms = u.variants.iter().map(|variant| {
        let vname = type_ident(&variant.name.pascal);
        match &variant.body {
            VariantBody::Value(_) => quote!(Self::#vname(value) => value.validate_into(v),),
            VariantBody::Fields { fields, .. } => {
                // Bind only the fields that have checks; `..` skips the rest.
                let checked: Vec<(proc_macro2::Ident, TokenStream)> = fields
                    .iter()
                    .map(|f| {
                        let id = ident(&f.name.snake);
                        (id.clone(), field_check(f, id.into_token_stream()))
                    })
                    .filter(|(_, check)| !check.is_empty())
                    .collect();
                let ids = checked.iter().map(|(id, _)| id);
                let checks = checked.iter().map(|(_, check)| check);
                quote! {
                    Self::#vname { #(#ids,)* .. } => {
                        #(#checks)*
                    }
                }
            }
        }
    });
    let arms: Vec<TokenStream> = arms.collect();
    // A union none of whose variants has a check does not use the validator.
    let v = if arms.iter().any(|a| mentions(a, "v")) {
        quote!(v)
    } else {
        quote!(_v)
    };
    quote! {
        impl Validate for models::#name {
            fn validate_into(&self, #v: &mut Validator) {
                match self {
                    #(#arms)*
                }
            }
        }
    }
}

/// Checks for one field. `place` is an expression of type `&T` for the field's value:
/// `&self.field` in a struct, the binding itself in a match on a struct variant.
fn field_check(f: &Field, place: TokenStream) -> TokenStream {
    let wire = &f.name.original;
    let value_checks = value_checks(&f.ty, &f.constraints);
    let descend = needs_descent(&f.ty);
    let must_be_present = f.optional() && f.required && !f.read_only && !f.nullable;
    if value_checks.is_empty() && !descend {
        // Nothing to check inside the value: only that it is there, when it must be.
        return if must_be_present {
            quote!(if #place.is_none() { v.missing(#wire); })
        } else {
            quote!()
        };
    }
    let inner = quote! {
        #value_checks
        value.validate_into(v);
    };
    let inner = if descend { inner } else { value_checks };
    if f.optional() {
        let missing =
            (f.required && !f.read_only && !f.nullable).then(|| quote!(else { v.missing(#wire); }));
        quote! {
            if let Some(value) = #place {
                v.field(#wire, |v| { #inner });
            } #missing
        }
    } else {
        quote! {
            {
                let value = #place;
                v.field(#wire, |v| { #inner });
            }
        }
    }
}

/// Whether a value of this type has checks of its own (models, lists of models).
fn needs_descent(t: &TypeRef) -> bool {
    match t {
        TypeRef::Named(_) => true,
        TypeRef::Array(inner) | TypeRef::Map(inner) => needs_descent(inner),
        _ => false,
    }
}

/// Checks on `value` (a reference to the field's value) from its constraints.
fn value_checks(t: &TypeRef, c: &Constraints) -> TokenStream {
    if c.is_empty() {
        return quote!();
    }
    let opt_usize = |v: Option<usize>| match v {
        Some(n) => quote!(Some(#n)),
        None => quote!(None),
    };
    let opt_f64 = |v: Option<f64>| match v {
        Some(n) => quote!(Some(#n)),
        None => quote!(None),
    };
    let mut out = TokenStream::new();
    match t {
        TypeRef::String | TypeRef::Secret => {
            let text = if matches!(t, TypeRef::Secret) {
                quote!(value.expose())
            } else {
                quote!(value.as_str())
            };
            if c.min_length.is_some() || c.max_length.is_some() {
                let (min, max) = (opt_usize(c.min_length), opt_usize(c.max_length));
                out.extend(quote!(v.length(#text, #min, #max);));
            }
            if let Some(p) = &c.pattern {
                out.extend(quote!(v.pattern(#text, #p);));
            }
        }
        TypeRef::Integer(_) | TypeRef::Number if c.minimum.is_some() || c.maximum.is_some() => {
            let (min, max) = (opt_f64(c.minimum), opt_f64(c.maximum));
            out.extend(quote!(v.range(*value as f64, #min, #max);));
        }
        TypeRef::Array(_) => {
            if let Some(min) = c.min_items {
                let msg = format!("must have at least {min} items");
                out.extend(quote!(if value.len() < #min { v.error(#msg); }));
            }
            if let Some(max) = c.max_items {
                let msg = format!("must have at most {max} items");
                out.extend(quote!(if value.len() > #max { v.error(#msg); }));
            }
        }
        _ => {}
    }
    out
}

/// A country rule: walk to the country and to the field through the typed model, and report
/// at the field's path when the country needs it and it is missing or blank.
fn country_rule(api: &Api, def: &TypeDef, rule: &CountryRule) -> Option<TokenStream> {
    let country = str_at(api, quote!(self), &def.name.original, &rule.country_field)?;
    let target = str_at(api, quote!(self), &def.name.original, &rule.field)?;
    let countries = &rule.countries;
    let code = rule
        .error_code
        .map(|c| format!(" (Partner Center code {c})"))
        .unwrap_or_default();
    let message = format!(
        "is required when {} is one of the countries that need it{code}",
        rule.country_field.join(".")
    );
    // Reported at the field's own path, with a message that says why it is required.
    let (last, parents) = rule.field.split_last()?;
    let mut report = quote!(v.field(#last, |v| v.error(#message)););
    for parent in parents.iter().rev() {
        report = quote!(v.field(#parent, |v| { #report }););
    }
    Some(quote! {
        {
            const COUNTRIES: &[&str] = &[#(#countries),*];
            let country = #country;
            if country.is_some_and(|c| COUNTRIES.iter().any(|k| k.eq_ignore_ascii_case(c))) {
                let present = #target.is_some_and(|value| !value.trim().is_empty());
                if !present {
                    #report
                }
            }
        }
    })
}
