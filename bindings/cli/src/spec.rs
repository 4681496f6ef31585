//! The shape of the tables the generator writes into `generated/operations.rs`: every resource
//! group and operation of the spec, with what the command line needs to offer it (flags, help,
//! how its answer pages, which of its members are secret). The command tree (`tree.rs`) and the
//! call (`invoke.rs`) are built from these tables, so no subcommand is written by hand.

/// One resource group: `partner-center customers …` (the spec's tag).
#[derive(Debug)]
pub struct GroupSpec {
    /// kebab-case, e.g. `customers`, `country-validation-rules`.
    pub name: &'static str,
    pub about: &'static str,
    pub operations: &'static [OperationSpec],
}

/// One operation: `partner-center customers create`.
#[derive(Debug)]
pub struct OperationSpec {
    /// The spec's `operationId`, which the client's `dispatch` takes.
    pub id: &'static str,
    /// kebab-case method name inside its group, as the other clients name it (`get-billing`).
    pub name: &'static str,
    pub summary: &'static str,
    pub description: &'static str,
    pub method: &'static str,
    pub path: &'static str,
    pub params: &'static [ParamSpec],
    pub body: Option<BodySpec>,
    pub answer: AnswerSpec,
    /// Where the answer holds secrets (`x-pc-secret`), as dotted wire paths; `[]` after a member
    /// means "every item of this array" (`items[].userCredentials.password`).
    pub secrets: &'static [&'static str],
    /// Partner Center refuses app-only tokens for it (App+User sign-in needed).
    pub requires_app_user: bool,
}

/// A path, query or header parameter, offered as `--<flag> VALUE`.
#[derive(Debug)]
pub struct ParamSpec {
    /// kebab-case flag name without the dashes.
    pub flag: &'static str,
    /// The wire name, as `dispatch` reads it from its parameters.
    pub wire: &'static str,
    pub location: &'static str,
    pub required: bool,
    pub value: ValueSpec,
    /// An array: the flag may repeat, or take comma-separated values.
    pub many: bool,
    pub help: &'static str,
}

/// The request body: `--body FILE|-`, and a flag per scalar member.
#[derive(Debug)]
pub struct BodySpec {
    /// The model's name, for help text.
    pub model: &'static str,
    pub required: bool,
    pub flags: &'static [FieldSpec],
}

/// A scalar member of the body, reachable through objects only: `--company-profile.domain`.
#[derive(Debug)]
pub struct FieldSpec {
    /// The dotted kebab-case flag name without the dashes (`billing-profile.default-address.city`).
    pub flag: &'static str,
    /// Wire names from the body down to the member (`["billingProfile", "defaultAddress", "city"]`).
    pub path: &'static [&'static str],
    /// Required in its object (and every object above it is required too).
    pub required: bool,
    pub value: ValueSpec,
    pub help: &'static str,
}

/// How a flag's text becomes a JSON value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ValueSpec {
    String,
    Integer,
    Number,
    Boolean,
    /// A GUID (`format: uuid`), sent as a string.
    Uuid,
    /// An RFC 3339 date-time or date, sent as a string.
    Date,
    /// One of the listed values; a closed enum refuses others, an open one only suggests them.
    Enum {
        values: &'static [&'static str],
        closed: bool,
    },
    /// Any JSON (an object or array parameter): the flag's text is parsed as JSON.
    Json,
}

/// What a successful answer is, so the output knows how to print it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AnswerSpec {
    /// No body (204).
    None,
    /// A JSON document.
    Json,
    /// A yes/no answer told by status (`x-pc-exists`): printed as `true`/`false`.
    Exists,
    /// Octets (a download): written as they came.
    Bytes,
    /// A collection that is not paged (an object holding one list of objects, beside counts and
    /// metadata; or a list of objects, `items` empty): printed as a list of the items under `items`.
    List { items: &'static str },
    /// A page of a collection (`x-pc-paging`): the items are under `items`, the next page's token
    /// under `token`; the command follows every page unless told not to.
    Paged {
        items: &'static str,
        token: &'static str,
    },
}

impl OperationSpec {
    /// The operation with this id, in any group.
    pub fn find(groups: &'static [GroupSpec], id: &str) -> Option<&'static OperationSpec> {
        groups
            .iter()
            .flat_map(|g| g.operations.iter())
            .find(|op| op.id == id)
    }
}
