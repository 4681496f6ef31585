//! Reaching a field below a model value through its optional parents, as Rust code.

use proc_macro2::TokenStream;
use quote::quote;

use super::syntax::ident;
use crate::model::{Api, TypeKind, TypeRef};

/// An expression of type `Option<&str>` for the string at `path` (wire names) below `root`, a
/// reference to a value of the named type `root_type`. `None` when the path does not lead to a
/// string-like field (the model builder has already checked the path exists).
pub fn str_at(
    api: &Api,
    root: TokenStream,
    root_type: &str,
    path: &[String],
) -> Option<TokenStream> {
    let mut expr: Option<TokenStream> = None;
    let mut current = root_type.to_string();
    for (i, segment) in path.iter().enumerate() {
        let TypeKind::Struct(s) = &api.type_def(&current)?.kind else {
            return None;
        };
        let field = s.fields.iter().find(|f| f.name.original == *segment)?;
        let id = ident(&field.name.snake);
        let last = i + 1 == path.len();
        let string_like = field.ty == TypeRef::String;
        // The first step reads from the root itself; later steps map over the Option so far.
        let step = |access: TokenStream, optional_access: TokenStream| match &expr {
            None if field.optional() => quote!(#root.#id #optional_access),
            None => quote!(Some(&#root.#id) #access),
            Some(e) if field.optional() => quote!(#e.and_then(|x| x.#id #optional_access)),
            Some(e) => quote!(#e.map(|x| &x.#id) #access),
        };
        expr = Some(if last {
            match &field.ty {
                _ if string_like && field.optional() => step(quote!(), quote!(.as_deref())),
                _ if string_like => step(quote!(.map(String::as_str)), quote!()),
                TypeRef::Secret => step(
                    quote!(.map(|s| s.expose())),
                    quote!(.as_ref().map(|s| s.expose())),
                ),
                TypeRef::Named(n)
                    if matches!(api.type_def(n).map(|d| &d.kind), Some(TypeKind::Enum(_))) =>
                {
                    step(
                        quote!(.map(|e| e.as_str())),
                        quote!(.as_ref().map(|e| e.as_str())),
                    )
                }
                _ => return None,
            }
        } else {
            let TypeRef::Named(next) = &field.ty else {
                return None;
            };
            current = next.clone();
            if field.boxed {
                step(quote!(.map(|b| &**b)), quote!(.as_deref()))
            } else {
                step(quote!(), quote!(.as_ref()))
            }
        });
    }
    expr
}
