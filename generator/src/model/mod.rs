//! The language-neutral model of an API.
//!
//! `build` lowers an OpenAPI document into these types; every emitter (Rust, Python, Node) reads
//! only these types, never the OpenAPI document. Everything a target needs to know is decided
//! here once: type names, field names, which fields are boxed, which headers the client fills,
//! how an operation pages. Emitters only spell it in their language.

mod extensions;
mod lower;
pub mod names;
mod secrets;
mod sign_in;

use std::collections::{BTreeMap, HashMap};

pub use lower::{Schemas, build};
pub use names::Name;

/// The whole API.
#[derive(Debug, Clone)]
pub struct Api {
    pub title: String,
    pub version: String,
    pub description: Option<String>,
    /// Where the spec came from, as shown in generated headers (a path relative to the workspace).
    pub source: String,
    pub servers: Vec<Server>,
    /// The OAuth2 scopes clients sign in for (from the security schemes).
    pub sign_in: SignIn,
    pub client_headers: ClientHeaders,
    /// Every named type, sorted by name so output is stable.
    pub types: Vec<TypeDef>,
    /// Resource groups (from the first tag of each operation), sorted by name.
    pub groups: Vec<Group>,
    /// Position in `types` by `Name::original`, so that `type_def` (which the emitters call for
    /// every field and parameter) is not a scan of all types. Built by `model::build`; code that
    /// edits `types` afterwards calls `reindex`.
    type_positions: TypePositions,
}

/// Name → position in `Api::types`. (Its `Debug` shows no entries: they only repeat `types`,
/// and a hash map's order would make the model's `Debug` output differ from run to run.)
#[derive(Clone, Default)]
struct TypePositions(HashMap<String, usize>);

impl std::fmt::Debug for TypePositions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TypePositions").finish_non_exhaustive()
    }
}

impl Api {
    pub fn type_def(&self, name: &str) -> Option<&TypeDef> {
        self.type_positions
            .0
            .get(name)
            .and_then(|&i| self.types.get(i))
            .filter(|def| def.name.original == name)
    }

    /// Rebuild the index `type_def` uses, after `types` was changed.
    pub fn reindex(&mut self) {
        self.type_positions = TypePositions(
            self.types
                .iter()
                .enumerate()
                .map(|(i, t)| (t.name.original.clone(), i))
                .collect(),
        );
    }

    /// Look through aliases to the type a value really has.
    pub fn resolve<'a>(&'a self, t: &'a TypeRef) -> &'a TypeRef {
        match t {
            TypeRef::Named(n) => match self.type_def(n).map(|d| &d.kind) {
                Some(TypeKind::Alias(inner)) => self.resolve(inner),
                _ => t,
            },
            _ => t,
        }
    }

    pub fn operations(&self) -> impl Iterator<Item = &Operation> {
        self.groups.iter().flat_map(|g| g.operations.iter())
    }

    /// Named clouds with their base URLs and sign-in, from `x-pc-clouds` on the servers.
    pub fn clouds(&self) -> Vec<Cloud<'_>> {
        let default_url = self.servers.first().map(|s| s.url.as_str());
        let mut out: Vec<Cloud<'_>> = Vec::new();
        // Names that differ only in spelling (`us-gov`, `usGov`) are distinct clouds with distinct
        // variants; the wire name (what `from_name` matches) stays as written.
        let mut names = names::Scope::new();
        for server in &self.servers {
            for cloud in &server.clouds {
                if out.iter().any(|c| c.name.original == cloud.name) {
                    continue;
                }
                let scope = |s: &Option<String>| {
                    s.as_deref()
                        .map(|s| sign_in::rebase(s, default_url, &server.url))
                };
                out.push(Cloud {
                    name: names.claim(Name::new(&cloud.name)),
                    base_url: server.url.as_str(),
                    authority_host: cloud.authority_host.as_deref(),
                    app_scope: scope(&self.sign_in.app_scope),
                    user_scope: scope(&self.sign_in.user_scope),
                });
            }
        }
        out
    }
}

#[derive(Debug, Clone)]
pub struct Server {
    pub url: String,
    pub description: Option<String>,
    pub clouds: Vec<CloudDef>,
}

/// One entry of a server's `x-pc-clouds`.
#[derive(Debug, Clone)]
pub struct CloudDef {
    pub name: String,
    /// The OAuth2 authority, e.g. `https://login.microsoftonline.com` (no trailing slash).
    pub authority_host: Option<String>,
}

/// The OAuth2 scopes of the spec's security schemes.
#[derive(Debug, Clone, Default)]
pub struct SignIn {
    /// Application (client-credentials) scope, e.g. `https://api.example.com/.default`.
    pub app_scope: Option<String>,
    /// Delegated (user) scope, e.g. `https://api.example.com/user_impersonation`.
    pub user_scope: Option<String>,
}

/// A named cloud as the emitters see it: base URL, authority and the scopes re-based on it.
#[derive(Debug, Clone)]
pub struct Cloud<'a> {
    pub name: Name,
    pub base_url: &'a str,
    pub authority_host: Option<&'a str>,
    pub app_scope: Option<String>,
    pub user_scope: Option<String>,
}

/// Headers the client sets itself (`x-pc-client-headers`); operations don't take them as arguments.
#[derive(Debug, Clone, Default)]
pub struct ClientHeaders {
    pub request_id: Option<String>,
    pub correlation_id: Option<String>,
    pub locale: Option<String>,
    pub application: Option<String>,
    pub contract_version: Option<String>,
}

impl ClientHeaders {
    pub fn contains(&self, header: &str) -> bool {
        [
            &self.request_id,
            &self.correlation_id,
            &self.locale,
            &self.application,
            &self.contract_version,
        ]
        .iter()
        .any(|h| h.as_deref().is_some_and(|h| h.eq_ignore_ascii_case(header)))
    }
}

#[derive(Debug, Clone)]
pub struct TypeDef {
    pub name: Name,
    pub doc: Option<String>,
    pub kind: TypeKind,
    /// JSON pointer of the schema this type came from, for messages and comments.
    pub pointer: String,
}

#[derive(Debug, Clone)]
pub enum TypeKind {
    Struct(Struct),
    Enum(Enum),
    Union(Union),
    /// A named schema that is just another type (`type: string`, an array, a map, ...).
    Alias(TypeRef),
}

#[derive(Debug, Clone, Default)]
pub struct Struct {
    pub fields: Vec<Field>,
    pub country_rules: Vec<CountryRule>,
    /// The schema is `readOnly` as a whole (links, metadata): the server fills it, a request
    /// leaves it out.
    pub read_only: bool,
}

#[derive(Debug, Clone)]
pub struct Field {
    pub name: Name,
    pub ty: TypeRef,
    pub required: bool,
    pub nullable: bool,
    pub read_only: bool,
    /// Recursion through this field without an indirection: emitters box it.
    pub boxed: bool,
    pub secret: bool,
    pub doc: Option<String>,
    pub default: Option<serde_json::Value>,
    pub constraints: Constraints,
}

impl Field {
    /// Optional in the emitted model: when not required, when it may be null, and when the
    /// server assigns it (a request must be able to leave it out).
    pub fn optional(&self) -> bool {
        !self.required || self.nullable || self.read_only
    }
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Constraints {
    pub min_length: Option<usize>,
    pub max_length: Option<usize>,
    pub pattern: Option<String>,
    pub minimum: Option<f64>,
    pub maximum: Option<f64>,
    pub min_items: Option<usize>,
    pub max_items: Option<usize>,
}

impl Constraints {
    pub fn is_empty(&self) -> bool {
        *self == Constraints::default()
    }
}

/// `field` must be present and non-empty when the value at `country_field` is in `countries`.
#[derive(Debug, Clone)]
pub struct CountryRule {
    /// Wire names from the struct down to the field, e.g. `["companyProfile", "organizationRegistrationNumber"]`.
    pub field: Vec<String>,
    pub country_field: Vec<String>,
    pub countries: Vec<String>,
    pub error_code: Option<i64>,
}

#[derive(Debug, Clone)]
pub struct Enum {
    pub values: Vec<EnumValue>,
    /// Requests may only carry the listed values (`x-pc-closed-enum`). Responses are always open.
    pub closed: bool,
    /// Name of the catch-all variant holding values the spec does not list.
    pub other: Name,
}

#[derive(Debug, Clone)]
pub struct EnumValue {
    /// The value on the wire, and a name made from it.
    pub name: Name,
    pub doc: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Union {
    pub variants: Vec<Variant>,
    pub repr: UnionRepr,
}

#[derive(Debug, Clone)]
pub enum UnionRepr {
    /// Try each variant in order (`oneOf`/`anyOf` without a usable tag).
    Untagged,
    /// A property names the variant; each variant's other fields are inlined.
    Tagged { property: String },
}

#[derive(Debug, Clone)]
pub struct Variant {
    pub name: Name,
    pub doc: Option<String>,
    pub body: VariantBody,
}

#[derive(Debug, Clone)]
pub enum VariantBody {
    /// Untagged: the variant holds a value of this type.
    Value(TypeRef),
    /// Tagged: the tag value on the wire and the variant's own fields.
    Fields { tag: String, fields: Vec<Field> },
}

/// A reference to a type, as a field, parameter or body has it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum TypeRef {
    String,
    Integer(IntFormat),
    Number,
    Boolean,
    Uuid,
    DateTime,
    Date,
    /// A non-JSON body or answer: raw octets.
    Bytes,
    /// `type: string, format: binary` in a schema: a file (a multipart part, with its own file
    /// name and media type).
    File,
    /// No schema, or one we keep as raw JSON.
    Any,
    /// A string that must never be printed (`x-pc-secret`).
    Secret,
    Named(String),
    Array(Box<TypeRef>),
    Map(Box<TypeRef>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum IntFormat {
    I8,
    I16,
    I32,
    I64,
    U8,
    U16,
    U32,
    U64,
}

#[derive(Debug, Clone)]
pub struct Group {
    /// The tag, e.g. `Customers` → `customers()`; `None` for operations without a tag, which
    /// live on the client itself.
    pub name: Option<Name>,
    pub doc: Option<String>,
    pub operations: Vec<Operation>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HttpMethod {
    Get,
    Put,
    Post,
    Delete,
    Patch,
    Head,
    Options,
    Trace,
}

impl HttpMethod {
    pub fn as_str(self) -> &'static str {
        match self {
            HttpMethod::Get => "GET",
            HttpMethod::Put => "PUT",
            HttpMethod::Post => "POST",
            HttpMethod::Delete => "DELETE",
            HttpMethod::Patch => "PATCH",
            HttpMethod::Head => "HEAD",
            HttpMethod::Options => "OPTIONS",
            HttpMethod::Trace => "TRACE",
        }
    }
}

#[derive(Debug, Clone)]
pub struct Operation {
    /// `operationId` (or one made from method and path).
    pub id: String,
    /// The method name inside its group: `x-pc-method`, else the operation id.
    pub name: Name,
    /// Name for per-operation types (request builders): the operation id in PascalCase.
    pub type_name: Name,
    pub method: HttpMethod,
    pub path: String,
    pub summary: Option<String>,
    pub description: Option<String>,
    pub deprecated: bool,
    pub params: Vec<Param>,
    pub body: Option<RequestBody>,
    pub response: SuccessResponse,
    /// Documented error statuses.
    pub error_statuses: Vec<u16>,
    pub paging: Option<Paging>,
    pub exists: Option<Exists>,
    pub idempotent: bool,
    pub if_match: Option<IfMatch>,
    pub requires_app_user: bool,
    pub pointer: String,
}

impl Operation {
    /// Parameters the caller passes: everything but the headers the client fills itself.
    pub fn caller_params(&self) -> impl Iterator<Item = &Param> {
        self.params.iter().filter(|p| !p.client_managed)
    }

    pub fn required_params(&self) -> impl Iterator<Item = &Param> {
        self.caller_params().filter(|p| p.required)
    }

    pub fn optional_params(&self) -> impl Iterator<Item = &Param> {
        self.caller_params().filter(|p| !p.required)
    }

    pub fn doc(&self) -> Option<String> {
        match (&self.summary, &self.description) {
            (Some(s), Some(d)) if s.trim() != d.trim() => {
                Some(format!("{}\n\n{}", s.trim(), d.trim()))
            }
            (Some(s), _) => Some(s.trim().to_string()),
            (None, Some(d)) => Some(d.trim().to_string()),
            (None, None) => None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamLocation {
    Path,
    Query,
    Header,
    Cookie,
}

#[derive(Debug, Clone)]
pub struct Param {
    pub name: Name,
    pub location: ParamLocation,
    pub ty: TypeRef,
    pub required: bool,
    pub doc: Option<String>,
    /// `content: application/json` parameter: the value is sent as JSON text.
    pub json_encoded: bool,
    /// How arrays and objects are spelled (`style`, defaulted per location).
    pub style: ParamStyle,
    /// Arrays and objects: `explode` (one key per item/member) or joined.
    pub explode: bool,
    /// Filled by the client from its configuration (`x-pc-client-headers`).
    pub client_managed: bool,
    pub constraints: Constraints,
}

/// The OpenAPI `style` of a parameter (or of a form member), which says how arrays and objects
/// are written: `form` (`a=1&a=2`, or `a=1,2`), `simple` (`1,2`), `label` (`.1.2`), `matrix`
/// (`;a=1,2`), `spaceDelimited`, `pipeDelimited`, `deepObject` (`a[k]=v`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamStyle {
    Form,
    Simple,
    Label,
    Matrix,
    SpaceDelimited,
    PipeDelimited,
    DeepObject,
}

impl ParamStyle {
    pub fn as_str(self) -> &'static str {
        match self {
            ParamStyle::Form => "form",
            ParamStyle::Simple => "simple",
            ParamStyle::Label => "label",
            ParamStyle::Matrix => "matrix",
            ParamStyle::SpaceDelimited => "spaceDelimited",
            ParamStyle::PipeDelimited => "pipeDelimited",
            ParamStyle::DeepObject => "deepObject",
        }
    }
}

/// How a body or an answer is written on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyFormat {
    /// `application/json`, `*/*`, any `+json` type.
    Json,
    /// `application/x-www-form-urlencoded`: the members of an object as form fields.
    Form,
    /// `multipart/form-data`: the members of an object as parts; files keep their names.
    Multipart,
    Text,
    Binary,
}

impl BodyFormat {
    /// The body is a typed value (a model) that the client encodes; otherwise it is text or octets.
    pub fn is_structured(self) -> bool {
        matches!(
            self,
            BodyFormat::Json | BodyFormat::Form | BodyFormat::Multipart
        )
    }
}

#[derive(Debug, Clone)]
pub struct RequestBody {
    pub ty: TypeRef,
    pub required: bool,
    /// The media type sent by default (the first of JSON, form, multipart, text, binary).
    pub content_type: String,
    pub format: BodyFormat,
    /// Other media types the same value can be sent as, picked per call.
    pub alternatives: Vec<Media>,
    /// Form and multipart bodies: each member's encoding (`encoding`, with the 3.0 defaults).
    pub encoding: Vec<PartEncoding>,
    pub doc: Option<String>,
}

impl RequestBody {
    /// Every media type the body can be sent as, the default first.
    pub fn media(&self) -> Vec<Media> {
        let mut out = vec![Media {
            content_type: self.content_type.clone(),
            format: self.format,
        }];
        out.extend(self.alternatives.iter().cloned());
        out
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Media {
    pub content_type: String,
    pub format: BodyFormat,
}

/// One member of a form or multipart body, as its `encoding` entry says to write it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartEncoding {
    /// The member's wire name.
    pub name: String,
    /// Multipart: the part's media type (objects and arrays of objects default to JSON).
    /// Form: `application/json` sends the member as JSON text.
    pub content_type: Option<String>,
    pub style: ParamStyle,
    pub explode: bool,
}

#[derive(Debug, Clone)]
pub struct SuccessResponse {
    pub status: u16,
    /// `None`: no body (204, HEAD).
    pub body: Option<(TypeRef, BodyFormat)>,
    /// Several 2xx answers that differ in their body: one variant each, told apart by status.
    /// Empty when every success answer has the same body (then `status` and `body` say it all).
    pub variants: Vec<StatusVariant>,
}

impl SuccessResponse {
    /// The success statuses whose answer is octets (a download): the one status, or those of the
    /// variants that carry octets.
    pub fn octet_statuses(&self) -> Vec<u16> {
        let octets = |b: &Option<(TypeRef, BodyFormat)>| matches!(b, Some((_, BodyFormat::Binary)));
        if self.variants.is_empty() {
            return if octets(&self.body) {
                vec![self.status]
            } else {
                Vec::new()
            };
        }
        self.variants
            .iter()
            .filter(|v| octets(&v.body))
            .map(|v| v.status)
            .collect()
    }
}

/// One success status of an operation whose 2xx answers differ.
#[derive(Debug, Clone)]
pub struct StatusVariant {
    pub status: u16,
    /// From the status (`Ok`, `Created`, `Accepted`, `NoContent`, ... or `Status299`).
    pub name: Name,
    pub body: Option<(TypeRef, BodyFormat)>,
    pub doc: Option<String>,
}

/// `x-pc-paging`.
#[derive(Debug, Clone)]
pub struct Paging {
    pub item: TypeRef,
    pub items_field: String,
    pub token_field: String,
    pub token_header: String,
    pub seek_parameter: Option<String>,
    pub seek_value: Option<String>,
    pub total_count_field: Option<String>,
}

/// `x-pc-exists`.
#[derive(Debug, Clone)]
pub struct Exists {
    pub true_status: u16,
    pub false_status: u16,
}

/// `x-pc-if-match`: fill the header from a field of the body when the caller gives none.
#[derive(Debug, Clone)]
pub struct IfMatch {
    pub header: String,
    /// Wire names from the body down to the etag.
    pub body_field: Vec<String>,
}

/// Counts for the generator's summary line.
#[derive(Debug, Clone, Copy)]
pub struct Counts {
    pub operations: usize,
    pub types: usize,
}

impl Api {
    pub fn counts(&self) -> Counts {
        Counts {
            operations: self.operations().count(),
            types: self.types.len(),
        }
    }

    /// Types by name, for emitters that need to look through references.
    pub fn type_index(&self) -> BTreeMap<&str, &TypeDef> {
        self.types
            .iter()
            .map(|t| (t.name.original.as_str(), t))
            .collect()
    }
}
