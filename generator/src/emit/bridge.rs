//! The dispatch module of a client crate (`src/generated/dispatch.rs`, compiled with the crate's
//! `bridge` feature): from an operation id and its JSON arguments to a call of the typed Rust
//! client. It is the one per-operation piece of native code the foreign-language bindings share;
//! their own glue (and the `bridge` crate it uses) stays the same for every spec.

use proc_macro2::TokenStream;
use quote::quote;

use crate::emit::rust::syntax::{Models, holds_dates, ident, mentions, render, rust_type};
use crate::emit::{GeneratedFile, header};
use crate::error::GenError;
use crate::model::{Api, BodyFormat, Operation, TypeRef};

/// Where the dispatch module goes, relative to the client crate's root.
pub const DISPATCH_PATH: &str = "src/generated/dispatch.rs";

/// The dispatch module of the client crate.
pub fn emit_sources(api: &Api) -> Result<Vec<GeneratedFile>, GenError> {
    let source = render(emit(api), &header(api, "//"))
        .map_err(|m| GenError::io(DISPATCH_PATH, format!("internal error: {m}")))?;
    Ok(vec![GeneratedFile::new(DISPATCH_PATH, source)])
}

fn emit(api: &Api) -> TokenStream {
    let ids: Vec<&str> = api.operations().map(|op| op.id.as_str()).collect();
    let arms: Vec<TokenStream> = api
        .groups
        .iter()
        .flat_map(|g| {
            let group = g.name.as_ref().map(|n| {
                let accessor = ident(&n.snake);
                quote!(.#accessor())
            });
            g.operations
                .iter()
                .map(move |op| arm(api, op, group.clone()))
        })
        .collect();
    // Import only the argument helpers some arm uses.
    let helpers = ["body", "opt_param", "param"]
        .into_iter()
        .filter(|h| arms.iter().any(|a| mentions(a, h)))
        .map(ident);
    let models = arms.iter().any(|a| mentions(a, "models")).then(|| {
        quote!(
            use super::models;
        )
    });
    // Dates are read and written through the runtime's `Wire` (RFC 3339, leniently).
    let wire = arms.iter().any(|a| mentions(a, "Wire")).then(|| {
        quote!(
            use sdk_runtime::dates::Wire;
        )
    });
    let unused_call = arms.is_empty().then(|| quote!(let _ = (client, call);));
    // A validating client also refuses body members the model does not have.
    let strict = arms
        .iter()
        .any(|a| mentions(a, "strict"))
        .then(|| quote!(let strict = client.validates();));
    let (option_names, option_arms) = client_options(api);
    let unused_option = option_arms
        .is_empty()
        .then(|| quote!(let _ = (builder, value);));
    quote! {
        //! Dispatch from an operation id to the typed Rust client (one arm per operation), for the
        //! foreign-language bindings (the crate's `bridge` feature).
        #models
        use bridge::{Call, Outcome, outcome, #(#helpers),*};
        use sdk_runtime::Error;
        #wire

        use super::client::{Client, ClientBuilder};

        /// Every operation id the package can call.
        pub const OPERATIONS: &[&str] = &[#(#ids),*];

        /// The client options [`client_option`] takes: the headers of the spec's
        /// `x-pc-client-headers` that the client sends itself.
        pub const CLIENT_OPTIONS: &[&str] = &[#(#option_names),*];

        /// Set a client option by name (`locale`, `application`, `correlation_id`, as the bindings
        /// spell them); a name this API does not have is a configuration error.
        pub fn client_option(builder: ClientBuilder, name: &str, value: String) -> Result<ClientBuilder, Error> {
            #unused_option
            match name {
                #(#option_arms)*
                other => Err(Error::Config(format!("this API has no client option `{other}`"))),
            }
        }

        /// Call `operation` with the arguments in `call`: parameters are checked and converted to
        /// their Rust types here, so a wrong type — or, when the client validates, a body member
        /// the model does not have — is a validation error, not a request.
        pub async fn dispatch(client: &Client, operation: &str, call: Call) -> Result<Outcome, Error> {
            #unused_call
            #strict
            match operation {
                #(#arms)*
                other => Err(Error::Config(format!("unknown operation `{other}`"))),
            }
        }
    }
}

/// The client options this API has (the builder's setters for `x-pc-client-headers`), and the
/// `client_option` arm of each.
fn client_options(api: &Api) -> (Vec<&'static str>, Vec<TokenStream>) {
    let h = &api.client_headers;
    let mut names = Vec::new();
    let mut arms = Vec::new();
    for (name, header) in [
        ("locale", &h.locale),
        ("application", &h.application),
        ("correlation_id", &h.correlation_id),
    ] {
        if header.is_some() {
            let setter = ident(name);
            names.push(name);
            arms.push(quote!(#name => Ok(builder.#setter(value)),));
        }
    }
    (names, arms)
}

fn arm(api: &Api, op: &Operation, group: Option<TokenStream>) -> TokenStream {
    let id = &op.id;
    let method = ident(&op.name.snake);
    let mut prelude = Vec::new();
    let mut args = Vec::new();
    for p in op.required_params() {
        let wire = &p.name.original;
        args.push(read(
            api,
            &p.ty,
            param_type(&p.ty),
            "param",
            quote!(&call, #wire),
        ));
    }
    if let Some(b) = op.body.as_ref().filter(|b| b.required) {
        match b.format {
            BodyFormat::Json | BodyFormat::Form | BodyFormat::Multipart => {
                let ty = rust_type(&b.ty, Models::Module);
                let value = read(api, &b.ty, ty.clone(), "body", quote!(&call, strict));
                prelude.push(quote!(let request_body: #ty = #value;));
                args.push(quote!(&request_body));
            }
            // Raw bodies arrive as JSON too: text as a string, octets as a file
            // (`{"base64": ..}`), which is what the bindings can put in one JSON argument.
            BodyFormat::Text => {
                prelude.push(quote!(let request_body: String = body(&call, strict)?;));
                args.push(quote!(request_body));
            }
            BodyFormat::Binary => {
                prelude
                    .push(quote!(let request_body: sdk_runtime::FilePart = body(&call, strict)?;));
                args.push(quote!(request_body.data().clone()));
            }
        }
    }
    let mut setters = Vec::new();
    for p in op.optional_params() {
        let wire = &p.name.original;
        let setter = ident(&p.name.snake);
        let (ty, value) = wire_or_not(api, &p.ty, param_type(&p.ty));
        setters.push(quote! {
            if let Some(#value) = opt_param::<#ty>(&call, #wire)? {
                request = request.#setter(value);
            }
        });
    }
    if let Some(b) = op.body.as_ref().filter(|b| !b.required) {
        match b.format {
            BodyFormat::Json | BodyFormat::Form | BodyFormat::Multipart => {
                let ty = rust_type(&b.ty, Models::Module);
                let value = read(api, &b.ty, ty.clone(), "body", quote!(&call, strict));
                prelude.push(quote!(let request_body: Option<#ty> = if call.body.is_some() { Some(#value) } else { None };));
                setters.push(quote!(if let Some(b) = &request_body { request = request.body(b); }));
            }
            BodyFormat::Text => setters.push(quote! {
                if call.body.is_some() { request = request.body(body::<String>(&call, strict)?); }
            }),
            BodyFormat::Binary => setters.push(quote! {
                if call.body.is_some() { request = request.body(body::<sdk_runtime::FilePart>(&call, strict)?.data().clone()); }
            }),
        }
    }
    if op.body.as_ref().is_some_and(|b| !b.alternatives.is_empty()) {
        let key = crate::emit::MEDIA_TYPE_PARAM;
        setters.push(quote! {
            if let Some(media) = opt_param::<String>(&call, #key)? {
                request = request.media_type(media);
            }
        });
    }
    if op.paging.is_some() {
        setters.push(quote! {
            if let Some(token) = &call.continuation_token {
                request = request.continuation_token(token.as_str());
            }
        });
    }
    // Unvalidated calls send a JSON body as the binding gave it, members the model lacks included.
    let options = if op
        .body
        .as_ref()
        .is_some_and(|b| b.format == BodyFormat::Json)
    {
        quote!(call.request_options(strict))
    } else {
        quote!(call.options.clone())
    };
    let receiver = match group {
        Some(g) => quote!(client #g),
        None => quote!(client),
    };
    let binding = if setters.is_empty() {
        quote!(let request)
    } else {
        quote!(let mut request)
    };
    // An answer that is itself dates (not a model holding them) is re-encoded through `Wire`.
    let answer_dates = op.exists.is_none()
        && op.response.variants.is_empty()
        && matches!(&op.response.body, Some((t, f)) if f.is_structured() && holds_dates(api, t));
    let response = if answer_dates {
        quote!(request.send_with_response().await?.map(Wire))
    } else {
        quote!(request.send_with_response().await?)
    };
    quote! {
        #id => {
            #(#prelude)*
            #binding = #receiver.#method(#(#args),*).options(#options);
            #(#setters)*
            outcome(#response)
        }
    }
}

/// What the bridge reads for a value of `ty` (`rust` in Rust), and the pattern that takes the
/// value out of it: `Wire<T>` and `Wire(value)` when the type holds dates (RFC 3339, leniently,
/// through `sdk_runtime::dates::Wire`), else `T` and `value`.
fn wire_or_not(api: &Api, ty: &TypeRef, rust: TokenStream) -> (TokenStream, TokenStream) {
    if holds_dates(api, ty) {
        (quote!(Wire<#rust>), quote!(Wire(value)))
    } else {
        (rust, quote!(value))
    }
}

/// `helper::<T>(args)?` — `param` or `body` of the bridge — reading a `ty`, through `Wire` and
/// unwrapped again when it holds dates. A body goes into an annotated `let`: no turbofish then.
fn read(
    api: &Api,
    ty: &TypeRef,
    rust: TokenStream,
    helper: &str,
    args: TokenStream,
) -> TokenStream {
    let name = ident(helper);
    match (holds_dates(api, ty), helper) {
        (false, "body") => quote!(#name(#args)?),
        (false, _) => quote!(#name::<#rust>(#args)?),
        (true, _) => {
            let (read, _) = wire_or_not(api, ty, rust);
            quote!(#name::<#read>(#args)?.0)
        }
    }
}

/// The Rust type a parameter arrives as (what the generated builder's setter accepts); dates are
/// read through `sdk_runtime::dates::Wire`.
fn param_type(t: &TypeRef) -> TokenStream {
    match t {
        TypeRef::Secret => quote!(String),
        other => rust_type(other, Models::Module),
    }
}
