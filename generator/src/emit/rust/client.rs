//! `client.rs`: the `Client`, its builder, named clouds, and one accessor per resource group.

use proc_macro2::TokenStream;
use quote::quote;

use super::operations::{arg_type, builder_name, has_lifetime};
use super::syntax::{doc_attrs, ident, mentions, type_ident};
use super::{PartSizes, Source, part, parts};
use crate::model::{Api, Group, Operation};

pub(super) fn source(api: &Api, sizes: PartSizes) -> Source<'_> {
    let groups: Vec<&Group> = api.groups.iter().filter(|g| g.name.is_some()).collect();
    // Part 0 is the client, its builder and the clouds; the resource groups follow.
    let group_parts = if groups.is_empty() {
        0
    } else {
        parts(groups.len(), sizes.groups)
    };
    Source {
        name: "client.rs",
        parts: 1 + group_parts,
        part: Box::new(move |i| {
            let (tokens, uses_models) = match i {
                0 => emit_client(api),
                i => {
                    let groups: Vec<TokenStream> = part(&groups, i - 1, sizes.groups)
                        .iter()
                        .map(|g| emit_group(g))
                        .collect();
                    let uses_models = groups.iter().any(|t| mentions(t, "models"));
                    (quote!(#(#groups)*), uses_models)
                }
            };
            (tokens, vec![uses_models])
        }),
        head: Box::new(|uses| {
            let models_import = if uses[0] {
                quote!(
                    use super::{models, operations};
                )
            } else {
                quote!(
                    use super::operations;
                )
            };
            quote! {
                //! The client: how to build one, and one accessor per resource group.
                use std::sync::Arc;
                use std::time::Duration;

                use sdk_runtime::{Error, RetryPolicy, Secret, StaticToken, TokenProvider, TokenRequest, Transport, TransportConfig};

                #models_import
            }
        }),
    }
}

/// `Client` with its accessors and root methods, the clouds and the builder; and whether the
/// root methods use `models`.
fn emit_client(api: &Api) -> (TokenStream, bool) {
    let clouds = emit_clouds(api);
    let builder = emit_builder(api);
    let accessors = api.groups.iter().filter_map(|g| {
        let name = g.name.as_ref()?;
        let method = ident(&name.snake);
        let ty = type_ident(&name.pascal);
        let doc = format!(" Operations on {}.", name.original);
        Some(quote! {
            #[doc = #doc]
            pub fn #method(&self) -> #ty<'_> {
                #ty { client: self }
            }
        })
    });
    let root_methods: Vec<TokenStream> = api
        .groups
        .iter()
        .filter(|g| g.name.is_none())
        .flat_map(|g| g.operations.iter())
        .map(|op| method(op, quote!(self.clone())))
        .collect();
    let title_doc = format!(" A client for {} {}.", api.title, api.version);
    let uses_models = root_methods.iter().any(|t| mentions(t, "models"));
    let tokens = quote! {
        #[doc = #title_doc]
        ///
        /// Cheap to clone: clones share one connection pool and one configuration.
        /// Build one with [`Client::builder`].
        #[derive(Clone, Debug)]
        pub struct Client {
            transport: Transport,
            validate: bool,
        }

        impl Client {
            /// Start configuring a client.
            pub fn builder() -> ClientBuilder {
                ClientBuilder::default()
            }

            /// The transport every call goes through (base URL, retries, credentials).
            pub fn transport(&self) -> &Transport {
                &self.transport
            }

            /// The correlation id sent with every call of this client.
            pub fn correlation_id(&self) -> &str {
                self.transport.correlation_id()
            }

            /// Whether requests are checked against the spec before they are sent.
            pub fn validates(&self) -> bool {
                self.validate
            }

            #(#accessors)*
            #(#root_methods)*
        }

        #clouds
        #builder
    };
    (tokens, uses_models)
}

fn emit_group(g: &Group) -> TokenStream {
    let Some(name) = &g.name else { return quote!() };
    let ty = type_ident(&name.pascal);
    let doc = doc_attrs(Some(
        g.doc
            .as_deref()
            .unwrap_or(&format!("Operations on {}.", name.original)),
    ));
    let methods = g
        .operations
        .iter()
        .map(|op| method(op, quote!(self.client.clone())));
    quote! {
        #doc
        #[derive(Clone, Copy, Debug)]
        pub struct #ty<'c> {
            client: &'c Client,
        }

        impl #ty<'_> {
            #(#methods)*
        }
    }
}

/// The method that starts a request: takes the required parameters, returns the builder.
fn method(op: &Operation, client: TokenStream) -> TokenStream {
    let name = ident(&op.name.snake);
    let builder = builder_name(op);
    let lifetime = has_lifetime(op).then(|| quote!(<'a>));
    let mut args = Vec::new();
    let mut values = Vec::new();
    for p in op.required_params() {
        let id = ident(&p.name.snake);
        let ty = arg_type(&p.ty);
        args.push(quote!(#id: #ty));
        values.push(if super::operations::converts(&p.ty) {
            quote!(#id.into())
        } else {
            quote!(#id)
        });
    }
    if let Some(body) = op.body.as_ref().filter(|b| b.required) {
        let ty = super::operations::body_arg_type(body);
        args.push(quote!(body: #ty));
        values.push(quote!(body));
    }
    let mut doc_text = op.doc().unwrap_or_default();
    doc_text.push_str(&format!("\n\n`{} {}`", op.method.as_str(), op.path));
    if op.idempotent {
        doc_text
            .push_str(" · idempotent: a replay with the same request id returns the first result");
    }
    if op.requires_app_user {
        doc_text.push_str(" · needs an App+User token");
    }
    if op.deprecated {
        doc_text.push_str("\n\nDeprecated by the API.");
    }
    let doc = doc_attrs(Some(&doc_text));
    quote! {
        #doc
        pub fn #name #lifetime(&self, #(#args),*) -> operations::#builder #lifetime {
            operations::#builder::new(#client, #(#values),*)
        }
    }
}

fn emit_clouds(api: &Api) -> TokenStream {
    let clouds = api.clouds();
    let variants: Vec<_> = clouds.iter().map(|c| type_ident(&c.name.pascal)).collect();
    let urls = clouds.iter().map(|c| c.base_url);
    let names: Vec<&str> = clouds.iter().map(|c| c.name.original.as_str()).collect();
    let authorities = clouds.iter().map(|c| c.authority_host.unwrap_or(""));
    let app_scopes = clouds.iter().map(|c| c.app_scope.as_deref().unwrap_or(""));
    let user_scopes = clouds.iter().map(|c| c.user_scope.as_deref().unwrap_or(""));
    let docs = clouds.iter().map(|c| match c.authority_host {
        Some(host) => format!(
            " `{}`: <{}>, signing in at <{host}>",
            c.name.original, c.base_url
        ),
        None => format!(" `{}`: <{}>", c.name.original, c.base_url),
    });
    let doc: &[&str] = if clouds.is_empty() {
        &[
            " The clouds the service runs in. The spec names none (no `x-pc-clouds`): there is no",
            " value of this type, and `from_name` always answers `None`.",
        ]
    } else {
        &[" The clouds the service runs in, each with its base URL and sign-in service."]
    };
    // Without variants every method is a `match self {}`: there is no value to call it on.
    let by_name = if clouds.is_empty() {
        quote! {
            let _ = name;
            None
        }
    } else {
        quote! {
            Self::ALL.iter().copied().find(|c| c.name().eq_ignore_ascii_case(name))
        }
    };
    let token_request = if clouds.is_empty() {
        quote!(match self {})
    } else {
        quote! {
            let (app_scope, user_scope) = match self {
                #( Cloud::#variants => (#app_scopes, #user_scopes), )*
            };
            TokenRequest::new(self.authority_host(), app_scope, user_scope)
        }
    };
    quote! {
        #( #[doc = #doc] )*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum Cloud {
            #( #[doc = #docs] #variants, )*
        }

        impl Cloud {
            /// Every cloud, the default first.
            pub const ALL: &'static [Cloud] = &[#( Cloud::#variants ),*];

            /// Every cloud's name as the spec spells it, in the order of [`Cloud::ALL`].
            pub const NAMES: &'static [&'static str] = &[#( #names ),*];

            /// The cloud with this name (any case), e.g. from a configuration file.
            pub fn from_name(name: &str) -> Option<Cloud> {
                #by_name
            }

            /// The base URL of this cloud.
            pub fn base_url(self) -> &'static str {
                match self {
                    #( Cloud::#variants => #urls, )*
                }
            }

            /// The cloud's name as the spec spells it.
            pub fn name(self) -> &'static str {
                match self {
                    #( Cloud::#variants => #names, )*
                }
            }

            /// The sign-in service (OAuth2 authority host) of this cloud; empty when the spec names none.
            pub fn authority_host(self) -> &'static str {
                match self {
                    #( Cloud::#variants => #authorities, )*
                }
            }

            /// What a credential is asked for in this cloud: its authority host and the
            /// application and delegated scopes.
            pub fn token_request(self) -> TokenRequest {
                #token_request
            }
        }
    }
}

fn emit_builder(api: &Api) -> TokenStream {
    let h = &api.client_headers;
    let header_setter = |header: &Option<String>, method: &str, what: &str| -> TokenStream {
        let Some(header) = header else {
            return quote!();
        };
        let method = ident(method);
        let doc = format!(" {what} Sent as `{header}` with every call.");
        quote! {
            #[doc = #doc]
            pub fn #method(self, value: impl Into<String>) -> Self {
                self.header(#header, value)
            }
        }
    };
    let locale = header_setter(
        &h.locale,
        "locale",
        "The culture responses are localised in, e.g. `en-US`.",
    );
    let application = header_setter(
        &h.application,
        "application",
        "The name of the calling application, for the service's logs.",
    );
    let contract = header_setter(
        &h.contract_version,
        "contract_version",
        "The API contract version to ask for.",
    );
    let correlation = h.correlation_id.as_ref().map(|header| {
        let doc = format!(" The correlation id sent as `{header}` with every call (default: a new UUID per client).");
        quote! {
            #[doc = #doc]
            pub fn correlation_id(mut self, id: impl Into<String>) -> Self {
                self.correlation_id = Some(id.into());
                self
            }
        }
    });
    let request_id_header = option_str(&h.request_id);
    let correlation_id_header = option_str(&h.correlation_id);
    let clouds = api.clouds();
    let cloud = if clouds.is_empty() {
        quote! {
            /// Talk to a named cloud. This API names none, so there is no [`Cloud`] to give.
            pub fn cloud(self, cloud: Cloud) -> Self {
                match cloud {}
            }
        }
    } else {
        quote! {
            /// Talk to a named cloud: its base URL (unless `base_url` is given) and its sign-in
            /// service and scopes for credentials.
            pub fn cloud(mut self, cloud: Cloud) -> Self {
                self.cloud = Some(cloud);
                self
            }
        }
    };
    let cloud_field = (!clouds.is_empty()).then(|| quote!(cloud: Option<Cloud>,));
    // The first cloud is the default; without clouds, the spec's scopes and no authority.
    let (base_url_from_cloud, token_request) = match clouds.first() {
        Some(first) => {
            let first = type_ident(&first.name.pascal);
            (
                quote!(.or_else(|| self.cloud.map(|c| c.base_url().to_string()))),
                quote!(self.cloud.unwrap_or(Cloud::#first).token_request()),
            )
        }
        None => {
            let app = api.sign_in.app_scope.as_deref().unwrap_or("");
            let user = api.sign_in.user_scope.as_deref().unwrap_or("");
            (quote!(), quote!(TokenRequest::new("", #app, #user)))
        }
    };
    // The first server is the default base URL when it is absolute.
    let default_url = api
        .servers
        .first()
        .map(|s| s.url.as_str())
        .filter(|u| u.starts_with("http://") || u.starts_with("https://"));
    let base_url = match default_url {
        Some(url) => {
            quote!(self.base_url #base_url_from_cloud .unwrap_or_else(|| #url.to_string()))
        }
        None => quote! {
            self.base_url #base_url_from_cloud .ok_or_else(|| Error::Config("no base URL: call `base_url()` on the builder".to_string()))?
        },
    };
    quote! {
        /// Configures and builds a [`Client`].
        #[derive(Default)]
        pub struct ClientBuilder {
            base_url: Option<String>,
            #cloud_field
            token: Option<Arc<dyn TokenProvider>>,
            headers: Vec<(String, String)>,
            correlation_id: Option<String>,
            timeout: Option<Duration>,
            retry: Option<RetryPolicy>,
            http: Option<sdk_runtime::reqwest::Client>,
            validate: Option<bool>,
            user_agent: Option<String>,
            root_certificates: Vec<String>,
            /// Kept until `build`, which reports a bad rate.
            rate_limit: Option<Result<sdk_runtime::RateLimit, Error>>,
            max_response_bytes: Option<usize>,
            call_log: Option<Arc<dyn sdk_runtime::CallLog>>,
        }

        impl std::fmt::Debug for ClientBuilder {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.debug_struct("ClientBuilder")
                    .field("base_url", &self.base_url)
                    .field("token", &self.token.as_ref().map(|_| "[redacted]"))
                    .field("headers", &self.headers)
                    .field("correlation_id", &self.correlation_id)
                    .field("timeout", &self.timeout)
                    .field("retry", &self.retry)
                    .field("validate", &self.validate)
                    .finish_non_exhaustive()
            }
        }

        impl ClientBuilder {
            /// The service's base URL, e.g. a local emulator's `http://127.0.0.1:8080`.
            pub fn base_url(mut self, url: impl Into<String>) -> Self {
                self.base_url = Some(url.into());
                self
            }

            #cloud

            /// A fixed bearer token.
            pub fn token(mut self, token: impl Into<String>) -> Self {
                self.token = Some(Arc::new(StaticToken::new(Secret::new(token))));
                self
            }

            /// A credential that signs in and refreshes its tokens, e.g.
            /// `sdk_runtime::ClientSecretCredential`, or any other [`TokenProvider`] (asked
            /// before every attempt).
            pub fn credential(mut self, credential: impl TokenProvider) -> Self {
                self.token = Some(Arc::new(credential));
                self
            }

            /// The same as [`credential`](Self::credential).
            pub fn token_provider(self, provider: impl TokenProvider) -> Self {
                self.credential(provider)
            }

            /// Trust this PEM certificate as a root on top of the system's (a local emulator
            /// over TLS, a corporate TLS-inspection proxy). Ignored with `http_client`.
            pub fn ca_cert(mut self, pem: impl Into<String>) -> Self {
                self.root_certificates.push(pem.into());
                self
            }

            #locale
            #application
            #contract
            #correlation

            /// An extra header sent with every call.
            pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
                self.headers.push((name.into(), value.into()));
                self
            }

            /// How long one attempt may take (default: 60 s).
            pub fn timeout(mut self, timeout: Duration) -> Self {
                self.timeout = Some(timeout);
                self
            }

            /// How failed attempts are retried (default: 3 attempts with backoff).
            pub fn retry(mut self, policy: RetryPolicy) -> Self {
                self.retry = Some(policy);
                self
            }

            /// Use this HTTP client (its pool, proxy and TLS settings) instead of a new one.
            /// Call `sdk_runtime::ensure_crypto_provider()` before building it: the runtime's
            /// reqwest uses rustls with the crypto provider chosen at run time.
            pub fn http_client(mut self, client: sdk_runtime::reqwest::Client) -> Self {
                self.http = Some(client);
                self
            }

            /// Check requests against the spec before sending them (default: on).
            pub fn validation(mut self, enabled: bool) -> Self {
                self.validate = Some(enabled);
                self
            }

            /// The `User-Agent` sent with every call.
            pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
                self.user_agent = Some(user_agent.into());
                self
            }

            /// Pace calls to at most this many requests a minute, evenly spaced and shared by
            /// every concurrent call (retries count too), e.g. to stay under a service's
            /// per-minute throttling. 0 is refused by `build`.
            pub fn requests_per_minute(mut self, per_minute: u32) -> Self {
                self.rate_limit = Some(sdk_runtime::RateLimit::per_minute(per_minute));
                self
            }

            /// Pace calls with this shared limit: clients given clones of one `RateLimit` are
            /// paced together.
            pub fn rate_limit(mut self, limit: sdk_runtime::RateLimit) -> Self {
                self.rate_limit = Some(Ok(limit));
                self
            }

            /// Refuse answers larger than this many bytes without reading them whole (a
            /// Decode error); default 32 MiB.
            pub fn max_response_bytes(mut self, max: usize) -> Self {
                self.max_response_bytes = Some(max);
                self
            }

            /// Send each call's events (one per attempt: operation, method, path, status,
            /// attempt, request id, duration) to `log` instead of `tracing`.
            pub fn call_log(mut self, log: impl sdk_runtime::CallLog + 'static) -> Self {
                self.call_log = Some(Arc::new(log));
                self
            }

            /// Build the client. Fails on a malformed base URL or header.
            pub fn build(self) -> Result<Client, Error> {
                let base_url = #base_url;
                let transport = Transport::new(TransportConfig {
                    base_url,
                    token: self.token,
                    token_request: #token_request,
                    http: self.http,
                    timeout: self.timeout,
                    retry: self.retry.unwrap_or_default(),
                    default_headers: self.headers,
                    request_id_header: #request_id_header,
                    correlation_id_header: #correlation_id_header,
                    correlation_id: self.correlation_id,
                    user_agent: Some(self.user_agent.unwrap_or_else(|| {
                        concat!(env!("CARGO_PKG_NAME"), "/", env!("CARGO_PKG_VERSION")).to_string()
                    })),
                    extra_root_certificates: self.root_certificates,
                    rate_limit: self.rate_limit.transpose()?,
                    max_response_bytes: self.max_response_bytes,
                })?;
                if let Some(log) = self.call_log {
                    transport.set_call_log(log)?;
                }
                Ok(Client {
                    transport,
                    validate: self.validate.unwrap_or(true),
                })
            }
        }
    }
}

fn option_str(v: &Option<String>) -> TokenStream {
    match v {
        Some(s) => quote!(Some(#s.to_string())),
        None => quote!(None),
    }
}
