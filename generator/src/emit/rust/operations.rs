//! `operations.rs`: one request builder per operation.
//!
//! A builder holds the call's parameters and options; awaiting it (or `send()`) sends the call
//! and decodes the answer, `send_with_response()` also returns status and headers, and a paged
//! operation adds `stream()`, which follows continuation tokens to the last page.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::access::str_at;
use super::syntax::{
    Models, doc_attrs, holds_dates, ident, mentions, rust_type, serde_view, type_ident,
};
use super::{PartSizes, Source, part, parts};
use crate::model::{
    Api, BodyFormat, Media, Operation, Param, ParamLocation, ParamStyle, RequestBody, TypeKind,
    TypeRef,
};

pub fn builder_name(op: &Operation) -> proc_macro2::Ident {
    type_ident(&op.type_name.pascal)
}

/// Builders that borrow their body (a model: JSON, form or multipart) carry a lifetime.
pub fn has_lifetime(op: &Operation) -> bool {
    op.body.as_ref().is_some_and(|b| b.format.is_structured())
}

/// The type a caller passes for a parameter: strings and enums convert from `&str`.
pub fn arg_type(t: &TypeRef) -> TokenStream {
    match t {
        TypeRef::String | TypeRef::Secret => quote!(impl Into<String>),
        TypeRef::Named(_) => {
            let ty = rust_type(t, Models::Module);
            quote!(impl Into<#ty>)
        }
        other => rust_type(other, Models::Module),
    }
}

/// Whether `arg_type` is an `impl Into<_>` that the builder converts.
pub fn converts(t: &TypeRef) -> bool {
    matches!(t, TypeRef::String | TypeRef::Secret | TypeRef::Named(_))
}

/// The type a parameter is stored as in the builder.
fn stored_type(t: &TypeRef) -> TokenStream {
    match t {
        TypeRef::Secret => quote!(String),
        other => rust_type(other, Models::Module),
    }
}

pub fn body_arg_type(body: &RequestBody) -> TokenStream {
    match body.format {
        BodyFormat::Json | BodyFormat::Form | BodyFormat::Multipart => {
            let ty = rust_type(&body.ty, Models::Module);
            quote!(&'a #ty)
        }
        BodyFormat::Text => quote!(impl Into<String>),
        BodyFormat::Binary => quote!(impl Into<sdk_runtime::bytes::Bytes>),
    }
}

fn body_stored_type(body: &RequestBody) -> TokenStream {
    match body.format {
        BodyFormat::Json | BodyFormat::Form | BodyFormat::Multipart => {
            let ty = rust_type(&body.ty, Models::Module);
            quote!(&'a #ty)
        }
        BodyFormat::Text => quote!(String),
        BodyFormat::Binary => quote!(sdk_runtime::bytes::Bytes),
    }
}

pub(super) fn source(api: &Api, sizes: PartSizes) -> Source<'_> {
    let operations: Vec<&Operation> = api.operations().collect();
    Source {
        name: "operations.rs",
        parts: parts(operations.len(), sizes.operations),
        part: Box::new(move |i| {
            let builders: Vec<TokenStream> = part(&operations, i, sizes.operations)
                .iter()
                .map(|op| emit_builder(api, op))
                .collect();
            let uses = ["Validator", "models"]
                .map(|name| builders.iter().any(|b| mentions(b, name)))
                .to_vec();
            (quote!(#(#builders)*), uses)
        }),
        head: Box::new(|uses| {
            let validation = uses[0].then(|| quote!(Validate, Validator,));
            let models = uses[1].then(|| {
                quote!(
                    use super::models;
                )
            });
            quote! {
                //! Request builders, one per operation. Await one to send it.
                use std::future::IntoFuture;

                use sdk_runtime::reqwest::Method;
                use sdk_runtime::{BoxFuture, Error, Request, RequestOptions, Response, #validation};

                use super::client::Client;
                #models
            }
        }),
    }
}

/// What the call returns once decoded.
fn output_type(op: &Operation) -> TokenStream {
    if op.exists.is_some() {
        return quote!(bool);
    }
    if !op.response.variants.is_empty() {
        let name = answers_name(op);
        return quote!(#name);
    }
    answer_type(&op.response.body)
}

fn answer_type(body: &Option<(TypeRef, BodyFormat)>) -> TokenStream {
    match body {
        None => quote!(()),
        Some((_, BodyFormat::Text)) => quote!(String),
        Some((_, BodyFormat::Binary)) => quote!(sdk_runtime::bytes::Bytes),
        Some((t, _)) => rust_type(t, Models::Module),
    }
}

/// Whether some success answer of the operation is octets (a download), which can be streamed.
fn answers_in_octets(op: &Operation) -> bool {
    op.exists.is_none() && op.paging.is_none() && !op.response.octet_statuses().is_empty()
}

/// The enum of an operation whose success answers differ: `{Operation}Answer`.
fn answers_name(op: &Operation) -> proc_macro2::Ident {
    type_ident(&format!("{}Answer", op.type_name.pascal))
}

/// `enum {Operation}Answer`: one variant per success status, decoded by the status that came.
fn emit_answers(api: &Api, op: &Operation) -> TokenStream {
    if op.response.variants.is_empty() || op.exists.is_some() {
        return quote!();
    }
    let name = answers_name(op);
    let doc = format!(" The success answers of `{}`, one per status.", op.id);
    let variants = op.response.variants.iter().map(|v| {
        let id = type_ident(&v.name.pascal);
        let doc = doc_attrs(Some(&match &v.doc {
            Some(d) => format!("{}: {d}", v.status),
            None => v.status.to_string(),
        }));
        match &v.body {
            None => quote!(#doc #id,),
            Some((t, format)) => {
                let ty = answer_type(&v.body);
                let dates = (format.is_structured() && holds_dates(api, t))
                    .then(|| quote!(#[serde(with = "sdk_runtime::dates")]));
                quote!(#doc #id(#dates #ty),)
            }
        }
    });
    quote! {
        #[doc = #doc]
        #[derive(Debug, Clone, PartialEq, serde::Serialize)]
        #[serde(untagged)]
        pub enum #name {
            #(#variants)*
        }
    }
}

fn emit_builder(api: &Api, op: &Operation) -> TokenStream {
    let name = builder_name(op);
    let (lt, lt_arg, fut_lt) = if has_lifetime(op) {
        (quote!(<'a>), quote!(<'a>), quote!('a))
    } else {
        (quote!(), quote!(), quote!('static))
    };
    let caller: Vec<&Param> = op.caller_params().collect();
    let fields = caller.iter().map(|p| {
        let id = ident(&p.name.snake);
        let ty = stored_type(&p.ty);
        if p.required {
            quote!(#id: #ty,)
        } else {
            quote!(#id: Option<#ty>,)
        }
    });
    let body_field = op.body.as_ref().map(|b| {
        let ty = body_stored_type(b);
        if b.required {
            quote!(body: #ty,)
        } else {
            quote!(body: Option<#ty>,)
        }
    });
    let paging_field = op
        .paging
        .as_ref()
        .map(|_| quote!(continuation_token: Option<String>,));
    let choice = op.body.as_ref().filter(|b| !b.alternatives.is_empty());
    let media_field = choice.map(|_| quote!(media_type: Option<String>,));
    let media_setter = choice.map(|b| {
        let offered: Vec<String> = b
            .media()
            .iter()
            .map(|m| format!("`{}`", m.content_type))
            .collect();
        let doc = format!(
            " Send the body as this media type: {} (the first is the default).",
            offered.join(", ")
        );
        quote! {
            #[doc = #doc]
            pub fn media_type(mut self, media: impl Into<String>) -> Self {
                self.media_type = Some(media.into());
                self
            }
        }
    });

    // `new` takes the required parameters in the order the client method passes them.
    let mut new_args = Vec::new();
    let mut new_inits = Vec::new();
    for p in op.required_params() {
        let id = ident(&p.name.snake);
        let ty = stored_type(&p.ty);
        new_args.push(quote!(#id: #ty));
        new_inits.push(quote!(#id,));
    }
    for p in op.optional_params() {
        let id = ident(&p.name.snake);
        new_inits.push(quote!(#id: None,));
    }
    match &op.body {
        Some(b) if b.required => {
            let ty = body_arg_type(b);
            new_args.push(quote!(body: #ty));
            new_inits.push(match b.format {
                f if f.is_structured() => quote!(body,),
                _ => quote!(body: body.into(),),
            });
        }
        Some(_) => new_inits.push(quote!(body: None,)),
        None => {}
    }
    if op.paging.is_some() {
        new_inits.push(quote!(continuation_token: None,));
    }
    if choice.is_some() {
        new_inits.push(quote!(media_type: None,));
    }

    let setters = op.optional_params().map(|p| {
        let id = ident(&p.name.snake);
        let ty = arg_type(&p.ty);
        let doc = doc_attrs(Some(
            p.doc
                .as_deref()
                .unwrap_or(&format!("`{}`", p.name.original)),
        ));
        let value = if converts(&p.ty) {
            quote!(value.into())
        } else {
            quote!(value)
        };
        quote! {
            #doc
            pub fn #id(mut self, value: #ty) -> Self {
                self.#id = Some(#value);
                self
            }
        }
    });
    let body_setter = op.body.as_ref().filter(|b| !b.required).map(|b| {
        let ty = body_arg_type(b);
        let value = if b.format.is_structured() {
            quote!(body)
        } else {
            quote!(body.into())
        };
        quote! {
            /// The request body.
            pub fn body(mut self, body: #ty) -> Self {
                self.body = Some(#value);
                self
            }
        }
    });

    let output = output_type(op);
    let request_fn = emit_request_fn(api, op);
    let decode = decode_expr(api, op);
    let doc = format!(
        " `{} {}` (`{}`): built by the client's `{}` method. Await it to send it, or call [`send_with_response`](Self::send_with_response) for status and headers too.",
        op.method.as_str(),
        op.path,
        op.id,
        op.name.snake
    );

    let (send, into_future_output) = match &op.paging {
        Some(p) => {
            let item = rust_type(&p.item, Models::Module);
            let page = paging_page(api, op);
            let token_doc = format!(
                " Fetch the page after the one that returned this continuation token (sent as `{}`).",
                p.token_header
            );
            (
                quote! {
                    #[doc = #token_doc]
                    pub fn continuation_token(mut self, token: impl Into<String>) -> Self {
                        self.continuation_token = Some(token.into());
                        self
                    }

                    /// Send the call and return this one page.
                    pub async fn send(self) -> Result<sdk_runtime::Page<#item>, Error> {
                        let response = self.send_with_response().await?;
                        #page
                    }

                    /// Every item of every page, fetching the next page when the previous one is used up.
                    pub fn stream(self) -> futures::stream::BoxStream<'static, Result<#item, Error>> {
                        sdk_runtime::paginate(move |token| {
                            let mut next = self.clone();
                            if token.is_some() {
                                next.continuation_token = token;
                            }
                            next.send()
                        })
                    }
                },
                quote!(sdk_runtime::Page<#item>),
            )
        }
        None => (
            quote! {
                /// Send the call and return its decoded answer.
                pub async fn send(self) -> Result<#output, Error> {
                    self.send_with_response().await.map(Response::into_data)
                }
            },
            output.clone(),
        ),
    };

    let answers = emit_answers(api, op);
    let send_stream = answers_in_octets(op).then(|| {
        quote! {
            /// Send the call and hand over the answer's body as it arrives, unread: for large
            /// downloads. Status and headers come at once; retries cover the call up to them.
            pub async fn send_stream(self) -> Result<sdk_runtime::ByteStream, Error> {
                let request = self.request()?;
                self.client.transport().execute_stream(request, &self.options).await
            }
        }
    });
    quote! {
        #answers

        #[doc = #doc]
        #[derive(Clone, Debug)]
        #[must_use = "a request does nothing until it is awaited or sent"]
        pub struct #name #lt {
            client: Client,
            options: RequestOptions,
            #(#fields)*
            #body_field
            #paging_field
            #media_field
        }

        impl #lt #name #lt_arg {
            pub(crate) fn new(client: Client, #(#new_args),*) -> Self {
                Self {
                    client,
                    options: RequestOptions::default(),
                    #(#new_inits)*
                }
            }

            #(#setters)*
            #body_setter
            #media_setter

            sdk_runtime::request_options!();

            #send
            #send_stream

            /// Send the call; return the decoded answer with the response's status and headers.
            pub async fn send_with_response(self) -> Result<Response<#output>, Error> {
                let request = self.request()?;
                let raw = self.client.transport().execute(request, &self.options).await?;
                let data = #decode;
                Ok(Response::from_raw(&raw, data))
            }

            #request_fn
        }

        impl #lt IntoFuture for #name #lt_arg {
            type Output = Result<#into_future_output, Error>;
            type IntoFuture = BoxFuture<#fut_lt, Self::Output>;

            fn into_future(self) -> Self::IntoFuture {
                Box::pin(self.send())
            }
        }
    }
}

fn decode_expr(api: &Api, op: &Operation) -> TokenStream {
    if let Some(e) = &op.exists {
        let t = e.true_status;
        return quote!(raw.status == #t);
    }
    if !op.response.variants.is_empty() {
        let name = answers_name(op);
        let listed: Vec<String> = op
            .response
            .variants
            .iter()
            .map(|v| v.status.to_string())
            .collect();
        let message = format!(
            "status {{}} is not one of the success answers the spec lists ({})",
            listed.join(", ")
        );
        let arms = op.response.variants.iter().map(|v| {
            let status = v.status;
            let id = type_ident(&v.name.pascal);
            match &v.body {
                None => quote!(#status => #name::#id,),
                Some(_) => {
                    let decode = decode_body(api, &v.body);
                    quote!(#status => #name::#id(#decode),)
                }
            }
        });
        return quote! {
            match raw.status {
                #(#arms)*
                other => return Err(raw.decode_error(format!(#message, other))),
            }
        };
    }
    decode_body(api, &op.response.body)
}

fn decode_body(api: &Api, body: &Option<(TypeRef, BodyFormat)>) -> TokenStream {
    match body {
        None => quote!(()),
        Some((_, BodyFormat::Text)) => quote!(String::from_utf8_lossy(&raw.body).into_owned()),
        Some((_, BodyFormat::Binary)) => quote!(raw.body.clone()),
        Some((t, _)) if holds_dates(api, t) => {
            let ty = rust_type(t, Models::Module);
            quote!(raw.json::<sdk_runtime::dates::Wire<#ty>>()?.0)
        }
        Some((_, _)) => quote!(raw.json()?),
    }
}

/// Build a `Page` from the collection in `response`.
fn paging_page(api: &Api, op: &Operation) -> TokenStream {
    let Some(p) = &op.paging else { return quote!() };
    let Some((TypeRef::Named(collection), _)) = &op.response.body else {
        return quote!(unreachable!());
    };
    let Some(TypeKind::Struct(s)) = api.type_def(collection).map(|d| &d.kind) else {
        return quote!(unreachable!());
    };
    let field = |wire: &str| s.fields.iter().find(|f| f.name.original == wire);
    let items = match field(&p.items_field) {
        Some(f) => {
            let id = ident(&f.name.snake);
            if f.optional() {
                quote!(response.data.#id.unwrap_or_default())
            } else {
                quote!(response.data.#id)
            }
        }
        None => quote!(Vec::new()),
    };
    let token = match field(&p.token_field) {
        Some(f) => {
            let id = ident(&f.name.snake);
            if f.optional() {
                quote!(response.data.#id.filter(|t| !t.is_empty()))
            } else {
                quote!(Some(response.data.#id).filter(|t| !t.is_empty()))
            }
        }
        None => quote!(None),
    };
    let total = match p.total_count_field.as_deref().and_then(field) {
        Some(f) => {
            let id = ident(&f.name.snake);
            if f.optional() {
                quote!(response.data.#id.map(|n| n as i64))
            } else {
                quote!(Some(response.data.#id as i64))
            }
        }
        None => quote!(None),
    };
    quote! {
        Ok(sdk_runtime::Page {
            items: #items,
            continuation_token: #token,
            total_count: #total,
            status: response.status,
            headers: response.headers,
            request_id: response.request_id,
        })
    }
}

/// `fn request(&self) -> Result<Request, Error>`: validation, then the HTTP request.
fn emit_request_fn(api: &Api, op: &Operation) -> TokenStream {
    let op_id = &op.id;
    let method = format_ident!("{}", op.method.as_str());

    // Validation: the body at the top level, parameters by their wire name.
    let mut checks = Vec::new();
    if let Some(b) = op.body.as_ref().filter(|b| b.format.is_structured()) {
        checks.push(if b.required {
            quote!(self.body.validate_into(&mut v);)
        } else {
            quote!(if let Some(body) = self.body {
                body.validate_into(&mut v);
            })
        });
    }
    checks.extend(
        op.caller_params()
            .map(param_check)
            .filter(|c| !c.is_empty()),
    );
    let validation = (!checks.is_empty()).then(|| {
        quote! {
            if self.client.validates() {
                let mut v = Validator::new();
                #(#checks)*
                v.finish().map_err(Error::Validation)?;
            }
        }
    });

    // The request line: method, path with its parameters encoded, body, accepted statuses.
    let mut format_str = String::new();
    let mut format_args = Vec::new();
    let mut rest = op.path.as_str();
    while let Some(start) = rest.find('{') {
        let end = rest[start..]
            .find('}')
            .map(|e| start + e)
            .unwrap_or(rest.len() - 1);
        format_str.push_str(&rest[..start]);
        format_str.push_str("{}");
        let wire = &rest[start + 1..end];
        if let Some(p) = op
            .params
            .iter()
            .find(|p| p.location == ParamLocation::Path && p.name.original == wire)
        {
            let id = ident(&p.name.snake);
            if p.style != ParamStyle::Simple || is_composite(api, &p.ty) {
                let style = style_tokens(p.style);
                let explode = p.explode;
                let value = serde_view(api, &p.ty, quote!(&self.#id));
                format_args
                    .push(quote!(sdk_runtime::styles::path_text(#wire, #value, #style, #explode)?));
            } else {
                let text = to_text(api, &p.ty, quote!(self.#id));
                let text = if borrows(api, &p.ty) {
                    text
                } else {
                    quote!(&#text)
                };
                format_args.push(quote!(sdk_runtime::encode_path_segment(#text)));
            }
        }
        rest = &rest[end + 1..];
    }
    format_str.push_str(rest);
    let path = if format_args.is_empty() {
        quote!(#format_str)
    } else {
        quote!(format!(#format_str, #(#format_args),*))
    };
    let mut start = quote!(Request::new(#op_id, Method::#method, #path));
    // A plain JSON body goes on the request line; `json` can fail, so it goes last, and without
    // further steps its Result is the answer. Every other body is a step of its own.
    let plain_json = op.body.as_ref().is_some_and(|b| {
        b.format == BodyFormat::Json
            && b.content_type == "application/json"
            && b.alternatives.is_empty()
    });
    let json_body = plain_json && op.body.as_ref().is_some_and(|b| b.required);
    if let Some(e) = &op.exists {
        let s = e.false_status;
        start = quote!(#start.accept_statuses(&[#s]));
    }
    if op.requires_app_user {
        start = quote!(#start.requires_user());
    }

    // Everything that depends on which optional values are set.
    let mut steps = Vec::new();
    if let Some(b) = op.body.as_ref() {
        let encode = if plain_json {
            let body = serde_view(api, &b.ty, quote!(body));
            quote!(request = request.json(#body)?;)
        } else {
            encode_body(api, op, b)
        };
        let bind = if b.format.is_structured() {
            quote!(self.body)
        } else {
            quote!(&self.body)
        };
        match (b.required, json_body) {
            (true, true) => {}
            (true, false) => steps.push(quote! { let body = #bind; #encode }),
            (false, _) => steps.push(quote! { if let Some(body) = #bind { #encode } }),
        }
    }
    let mut query = Vec::new();
    for p in op.caller_params() {
        let id = ident(&p.name.snake);
        let wire = &p.name.original;
        let push = match p.location {
            ParamLocation::Query => query_push(api, p, wire),
            ParamLocation::Header | ParamLocation::Cookie
                if is_composite(api, &p.ty) && !p.json_encoded =>
            {
                let explode = p.explode && p.location == ParamLocation::Header;
                let set = match p.location {
                    ParamLocation::Header => quote!(request = request.header(#wire, text);),
                    _ => quote!(request = request.cookie(#wire, &text);),
                };
                let value = serde_view(api, &p.ty, quote!(value));
                quote! {
                    if let Some(text) = sdk_runtime::styles::header_text(#wire, #value, #explode)? {
                        #set
                    }
                }
            }
            ParamLocation::Header => {
                let text = to_text(api, &p.ty, quote!(value));
                quote!(request = request.header(#wire, #text);)
            }
            ParamLocation::Cookie => {
                let text = to_text(api, &p.ty, quote!(value));
                let text = if borrows(api, &p.ty) {
                    text
                } else {
                    quote!(&#text)
                };
                quote!(request = request.cookie(#wire, #text);)
            }
            ParamLocation::Path => continue,
        };
        let step = if p.required {
            quote! { let value = &self.#id; #push }
        } else {
            quote! { if let Some(value) = &self.#id { #push } }
        };
        if p.location == ParamLocation::Query {
            query.push(step)
        } else {
            steps.push(step)
        }
    }
    if let Some(m) = &op.if_match {
        // Without an explicit If-Match, send the etag the body carries, quoted.
        let header = &m.header;
        let explicit = op.caller_params().find(|p| {
            p.location == ParamLocation::Header && p.name.original.eq_ignore_ascii_case(header)
        });
        let body = op.body.as_ref().filter(|b| b.required);
        let chain = match body.map(|b| &b.ty) {
            Some(TypeRef::Named(root)) => str_at(api, quote!(self.body), root, &m.body_field),
            _ => None,
        };
        if let Some(chain) = chain {
            let guard = explicit.map(|p| {
                let id = ident(&p.name.snake);
                quote!(self.#id.is_none() &&)
            });
            steps.push(quote! {
                if #guard let Some(etag) = #chain {
                    request = request.header(#header, sdk_runtime::quote_etag(etag));
                }
            });
        }
    }
    match &op.paging {
        Some(p) => {
            // A continuation is the seek direction and the token, nothing else.
            let header = &p.token_header;
            let seek = match (&p.seek_parameter, &p.seek_value) {
                (Some(param), Some(value)) => quote!(request = request.query(#param, #value);),
                _ => quote!(),
            };
            steps.insert(
                0,
                quote! {
                    if let Some(token) = &self.continuation_token {
                        #seek
                        request = request.header(#header, token.as_str());
                    } else {
                        #(#query)*
                    }
                },
            );
        }
        None => {
            for (i, q) in query.into_iter().enumerate() {
                steps.insert(i, q);
            }
        }
    }

    let required_body = op
        .body
        .as_ref()
        .map(|b| serde_view(api, &b.ty, quote!(self.body)));
    let build = match (steps.is_empty(), json_body) {
        (true, true) => quote!(#start.json(#required_body)),
        (true, false) => quote!(Ok(#start)),
        (false, json) => {
            let start = if json {
                quote!(#start.json(#required_body)?)
            } else {
                start
            };
            quote! {
                let mut request = #start;
                #(#steps)*
                Ok(request)
            }
        }
    };
    quote! {
        fn request(&self) -> Result<Request, Error> {
            #validation
            #build
        }
    }
}

/// Statements that put `body` (the caller's value) on `request` in the media type picked: the
/// default, or one the caller chose with `media_type` among those the spec offers.
fn encode_body(api: &Api, op: &Operation, b: &RequestBody) -> TokenStream {
    if b.alternatives.is_empty() {
        return encode_media(api, b, &b.media()[0]);
    }
    let media = b.media();
    let offered: Vec<&str> = media.iter().map(|m| m.content_type.as_str()).collect();
    let message = format!(
        "`{{}}` is not a media type `{}` can send: {}",
        op.id,
        offered.join(", ")
    );
    let default = encode_media(api, b, &media[0]);
    let default_ct = &media[0].content_type;
    let others = media[1..].iter().map(|m| {
        let ct = &m.content_type;
        let encode = encode_media(api, b, m);
        quote!(Some(#ct) => { #encode })
    });
    quote! {
        match self.media_type.as_deref() {
            None | Some(#default_ct) => { #default }
            #(#others)*
            Some(other) => return Err(Error::Config(format!(#message, other))),
        }
    }
}

/// Statements that encode `body` as one media type.
fn encode_media(api: &Api, b: &RequestBody, media: &Media) -> TokenStream {
    let ct = &media.content_type;
    let declared = (ct != "application/json").then(|| quote!(request = request.content_type(#ct);));
    match media.format {
        BodyFormat::Json => {
            let body = serde_view(api, &b.ty, quote!(body));
            quote!(request = request.json(#body)?; #declared)
        }
        BodyFormat::Text | BodyFormat::Binary => {
            quote!(request = request.content_type(#ct).body(body.clone());)
        }
        BodyFormat::Form => {
            let members = match body_fields(api, &b.ty) {
                Some(fields) => {
                    let adds = fields.iter().map(|f| {
                        let id = ident(&f.name.snake);
                        let wire = &f.name.original;
                        let enc = b.encoding.iter().find(|e| e.name == *wire);
                        let style = style_tokens(enc.map_or(ParamStyle::Form, |e| e.style));
                        let explode = enc.is_none_or(|e| e.explode);
                        let json = enc
                            .and_then(|e| e.content_type.as_deref())
                            .is_some_and(|c| c.contains("json"));
                        let value = serde_view(api, &f.ty, quote!(&body.#id));
                        quote!(form.add(#wire, #value, #style, #explode, #json)?;)
                    });
                    quote!(#(#adds)*)
                }
                None => quote!(form.add_all(body)?;),
            };
            quote! {
                let mut form = sdk_runtime::FormBody::new();
                #members
                request = request.form(form);
            }
        }
        BodyFormat::Multipart => {
            let members = match body_fields(api, &b.ty) {
                Some(fields) => {
                    let adds = fields.iter().map(|f| {
                        let id = ident(&f.name.snake);
                        let wire = &f.name.original;
                        let part_type = b
                            .encoding
                            .iter()
                            .find(|e| e.name == *wire)
                            .and_then(|e| e.content_type.as_deref());
                        let part_type = match part_type {
                            Some(t) => quote!(Some(#t)),
                            None => quote!(None),
                        };
                        match (api.resolve(&f.ty), f.optional()) {
                            (TypeRef::File, false) => quote!(parts.file(#wire, &body.#id);),
                            (TypeRef::File, true) => quote! {
                                if let Some(file) = &body.#id { parts.file(#wire, file); }
                            },
                            (TypeRef::Array(item), optional) if **item == TypeRef::File => {
                                let files = if optional {
                                    quote!(body.#id.iter().flatten())
                                } else {
                                    quote!(body.#id.iter())
                                };
                                quote!(for file in #files { parts.file(#wire, file); })
                            }
                            _ => {
                                let value = serde_view(api, &f.ty, quote!(&body.#id));
                                quote!(parts.add(#wire, #value, #part_type)?;)
                            }
                        }
                    });
                    quote!(#(#adds)*)
                }
                None => quote!(parts.add_all(body)?;),
            };
            quote! {
                let mut parts = sdk_runtime::MultipartBody::new();
                #members
                request = request.multipart(parts);
            }
        }
    }
}

/// The fields of a body that is a struct (forms and multipart write them one by one).
fn body_fields<'a>(api: &'a Api, ty: &TypeRef) -> Option<&'a [crate::model::Field]> {
    match api.resolve(ty) {
        TypeRef::Named(n) => match api.type_def(n).map(|d| &d.kind) {
            Some(TypeKind::Struct(s)) => Some(&s.fields),
            _ => None,
        },
        _ => None,
    }
}

fn style_tokens(style: ParamStyle) -> TokenStream {
    match style {
        ParamStyle::Form => quote!(sdk_runtime::Style::Form),
        ParamStyle::Simple => quote!(sdk_runtime::Style::Simple),
        ParamStyle::Label => quote!(sdk_runtime::Style::Label),
        ParamStyle::Matrix => quote!(sdk_runtime::Style::Matrix),
        ParamStyle::SpaceDelimited => quote!(sdk_runtime::Style::SpaceDelimited),
        ParamStyle::PipeDelimited => quote!(sdk_runtime::Style::PipeDelimited),
        ParamStyle::DeepObject => quote!(sdk_runtime::Style::DeepObject),
    }
}

/// Whether a value of this type is written by its parameter style (an array or an object)
/// rather than as one piece of text.
fn is_composite(api: &Api, t: &TypeRef) -> bool {
    match api.resolve(t) {
        TypeRef::Array(_) | TypeRef::Map(_) | TypeRef::Any => true,
        TypeRef::Named(n) => !matches!(api.type_def(n).map(|d| &d.kind), Some(TypeKind::Enum(_))),
        _ => false,
    }
}

fn query_push(api: &Api, p: &Param, wire: &str) -> TokenStream {
    if p.json_encoded {
        let value = serde_view(api, &p.ty, quote!(value));
        return quote! {
            request = request.query(#wire, sdk_runtime::json_text(#value)?);
        };
    }
    let form_array = matches!(&p.ty, TypeRef::Array(inner) if !is_composite(api, inner))
        && p.style == ParamStyle::Form;
    if is_composite(api, &p.ty) && !form_array {
        let style = style_tokens(p.style);
        let explode = p.explode;
        let value = serde_view(api, &p.ty, quote!(value));
        return quote! {
            request = request.query_pairs(sdk_runtime::styles::query_pairs(#wire, #value, #style, #explode)?);
        };
    }
    match &p.ty {
        TypeRef::Array(inner) => {
            let item = to_text(api, inner, quote!(item));
            if p.explode {
                quote! {
                    for item in value {
                        request = request.query(#wire, #item);
                    }
                }
            } else if let Some(write) = date_writer(api, inner) {
                // Writing a date can fail (a year RFC 3339 cannot hold): every item first.
                quote! {
                    request = request.query(#wire, value.iter().map(#write).collect::<Result<Vec<_>, _>>()?.join(","));
                }
            } else {
                quote! {
                    request = request.query(#wire, value.iter().map(|item| #item).collect::<Vec<_>>().join(","));
                }
            }
        }
        t => {
            let text = to_text(api, t, quote!(value));
            quote!(request = request.query(#wire, #text);)
        }
    }
}

/// Whether `to_text` gives a `&str` (rather than an owned `String`).
fn borrows(api: &Api, t: &TypeRef) -> bool {
    match t {
        TypeRef::String | TypeRef::Secret => true,
        TypeRef::Named(n) => matches!(api.type_def(n).map(|d| &d.kind), Some(TypeKind::Enum(_))),
        _ => false,
    }
}

/// The runtime function that writes a date or date-time parameter as its text (RFC 3339), from
/// the date or a reference to it, or fails; `None` for other types.
fn date_writer(api: &Api, t: &TypeRef) -> Option<TokenStream> {
    match api.resolve(t) {
        TypeRef::DateTime => Some(quote!(sdk_runtime::dates::date_time_text)),
        TypeRef::Date => Some(quote!(sdk_runtime::dates::date_text)),
        _ => None,
    }
}

/// A parameter value as the text that goes on the wire.
fn to_text(api: &Api, t: &TypeRef, value: TokenStream) -> TokenStream {
    if let Some(write) = date_writer(api, t) {
        return quote!(#write(#value)?);
    }
    match t {
        TypeRef::String | TypeRef::Secret => quote!(#value.as_str()),
        TypeRef::Named(n) => match api.type_def(n).map(|d| &d.kind) {
            Some(TypeKind::Enum(_)) => quote!(#value.as_str()),
            _ => quote!(sdk_runtime::json_text(&#value)?),
        },
        TypeRef::Any | TypeRef::Array(_) | TypeRef::Map(_) => {
            quote!(sdk_runtime::json_text(&#value)?)
        }
        _ => quote!(#value.to_string()),
    }
}

/// Validation of one parameter's value, or nothing.
fn param_check(p: &Param) -> TokenStream {
    let id = ident(&p.name.snake);
    let wire = &p.name.original;
    let c = &p.constraints;
    let mut inner = TokenStream::new();
    match &p.ty {
        TypeRef::String
            if c.min_length.is_some() || c.max_length.is_some() || c.pattern.is_some() =>
        {
            if c.min_length.is_some() || c.max_length.is_some() {
                let min = opt(c.min_length);
                let max = opt(c.max_length);
                inner.extend(quote!(v.length(value.as_str(), #min, #max);));
            }
            if let Some(pat) = &c.pattern {
                inner.extend(quote!(v.pattern(value.as_str(), #pat);));
            }
        }
        TypeRef::Integer(_) | TypeRef::Number if c.minimum.is_some() || c.maximum.is_some() => {
            let min = optf(c.minimum);
            let max = optf(c.maximum);
            inner.extend(quote!(v.range(*value as f64, #min, #max);));
        }
        // A named type checks itself (closed enums, patterns, ...); a list of them each item.
        TypeRef::Named(_) => inner.extend(quote!(value.validate_into(v);)),
        TypeRef::Array(item) if matches!(**item, TypeRef::Named(_)) => {
            inner.extend(quote!(value.validate_into(v);))
        }
        _ => return quote!(),
    }
    if p.required {
        quote! { { let value = &self.#id; v.field(#wire, |v| { #inner }); } }
    } else {
        quote! { if let Some(value) = &self.#id { v.field(#wire, |v| { #inner }); } }
    }
}

fn opt(v: Option<usize>) -> TokenStream {
    match v {
        Some(n) => quote!(Some(#n)),
        None => quote!(None),
    }
}

fn optf(v: Option<f64>) -> TokenStream {
    match v {
        Some(n) => quote!(Some(#n)),
        None => quote!(None),
    }
}
