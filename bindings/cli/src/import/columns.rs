//! Which body member each CSV column fills. A column names a member by its dotted wire path
//! (`companyProfile.domain`), by any tail of it that only one member has (`domain`,
//! `defaultAddress.city`), or, for the MCA attestation, under `agreement.`
//! (`agreement.primaryContact.email`). Case, `-` and `_` do not matter, so the command line's
//! flag names (`company-profile.domain`) work too. The known members come from the generated
//! operation table, so a member the spec adds is a column without a change here.

use crate::spec::{FieldSpec, ValueSpec};

/// Which request body a column fills.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Target {
    /// The `createCustomer` body.
    Customer,
    /// The `createAgreement` body (`--attest-mca`).
    Agreement,
}

/// The first segment of every agreement column.
pub const AGREEMENT: &str = "agreement";

/// A member a column may name.
#[derive(Clone, Copy, Debug)]
pub struct Member {
    pub target: Target,
    pub field: &'static FieldSpec,
}

impl Member {
    /// The column name shown to people: the wire path, under `agreement.` for the attestation.
    pub fn name(&self) -> String {
        let path = self.field.path.join(".");
        match self.target {
            Target::Customer => path,
            Target::Agreement => format!("{AGREEMENT}.{path}"),
        }
    }

    pub fn value(&self) -> ValueSpec {
        self.field.value
    }

    pub fn path(&self) -> &'static [&'static str] {
        self.field.path
    }

    /// Whether `wanted` (normalised) is a tail of this member's path; under `agreement.`, a
    /// tail of an attestation member's path (`agreement.email`).
    fn ends_with(&self, wanted: &[String]) -> bool {
        let segments = self.segments();
        if segments.ends_with(wanted) {
            return true;
        }
        match wanted.split_first() {
            Some((first, rest)) if first == AGREEMENT && !rest.is_empty() => {
                self.target == Target::Agreement && segments.ends_with(rest)
            }
            _ => false,
        }
    }

    /// Normalised segments, `agreement` first for the attestation's members.
    fn segments(&self) -> Vec<String> {
        let prefix = (self.target == Target::Agreement).then(|| AGREEMENT.to_string());
        prefix
            .into_iter()
            .chain(self.field.path.iter().map(|s| normalise(s)))
            .collect()
    }
}

/// Every member of the two bodies, customer first.
pub fn members(customer: &'static [FieldSpec], agreement: &'static [FieldSpec]) -> Vec<Member> {
    let customer = customer.iter().map(|field| Member {
        target: Target::Customer,
        field,
    });
    let agreement = agreement.iter().map(|field| Member {
        target: Target::Agreement,
        field,
    });
    customer.chain(agreement).collect()
}

/// The member a header names, or a message saying why none (unknown: the closest name;
/// ambiguous: every candidate).
pub fn resolve(header: &str, known: &[Member]) -> Result<Member, String> {
    let wanted: Vec<String> = header.split('.').map(normalise).collect();
    if wanted.iter().any(String::is_empty) {
        return Err(format!("column `{header}` is not a member name"));
    }
    if let Some(m) = known.iter().find(|m| m.segments() == wanted) {
        return Ok(*m);
    }
    let tails: Vec<&Member> = known.iter().filter(|m| m.ends_with(&wanted)).collect();
    match tails.as_slice() {
        [one] => Ok(**one),
        [] => Err(match closest(header, known) {
            Some(name) => {
                format!("unknown column `{header}`; the closest known column is `{name}`")
            }
            None => format!("unknown column `{header}`"),
        }),
        many => Err(format!(
            "column `{header}` could be any of {}; name one by its full path",
            many.iter()
                .map(|m| format!("`{}`", m.name()))
                .collect::<Vec<_>>()
                .join(", ")
        )),
    }
}

/// Lower case without `-`, `_` and spaces: `Company-Profile` and `companyProfile` are one name.
fn normalise(segment: &str) -> String {
    segment
        .chars()
        .filter(|c| !matches!(c, '-' | '_' | ' '))
        .flat_map(char::to_lowercase)
        .collect()
}

/// The known column nearest to `header`, measured against both its full name and its last
/// segment (people mostly misspell the short form).
fn closest(header: &str, known: &[Member]) -> Option<String> {
    let wanted = normalise(header);
    known
        .iter()
        .map(|m| {
            let full = normalise(&m.name());
            let last = normalise(m.field.path.last().copied().unwrap_or_default());
            (
                edit_distance(&wanted, &full).min(edit_distance(&wanted, &last)),
                m,
            )
        })
        .min_by_key(|(d, _)| *d)
        .map(|(_, m)| m.name())
}

/// Levenshtein distance over chars (column names are short; a dependency is not worth it).
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let above = row[j + 1];
            row[j + 1] = if ca == *cb {
                diagonal
            } else {
                1 + diagonal.min(above).min(row[j])
            };
            diagonal = above;
        }
    }
    row[b.len()]
}

/// The columns, for `--help`: one line per member, required ones marked.
pub fn help(known: &[Member]) -> String {
    let mut text = String::new();
    for m in known {
        // The attestation's members all have defaults (the billing contact, the MCA template,
        // now), so only the create's are marked.
        let required = if m.field.required && m.target == Target::Customer {
            " (required)"
        } else {
            ""
        };
        text.push_str(&format!("  {}{required}\n", m.name()));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    static CUSTOMER: [FieldSpec; 4] = [
        field(&["companyProfile", "domain"]),
        field(&["billingProfile", "email"]),
        field(&["billingProfile", "defaultAddress", "city"]),
        field(&["billingProfile", "defaultAddress", "firstName"]),
    ];
    static AGREEMENT_FIELDS: [FieldSpec; 1] = [field(&["primaryContact", "firstName"])];

    const fn field(path: &'static [&'static str]) -> FieldSpec {
        FieldSpec {
            flag: "",
            path,
            required: false,
            value: ValueSpec::String,
            help: "",
        }
    }

    fn name(header: &str) -> Result<String, String> {
        resolve(header, &members(&CUSTOMER, &AGREEMENT_FIELDS)).map(|m| m.name())
    }

    #[test]
    fn full_paths_unique_tails_and_flag_spellings_resolve() {
        assert_eq!(
            name("companyProfile.domain").unwrap(),
            "companyProfile.domain"
        );
        assert_eq!(name("domain").unwrap(), "companyProfile.domain");
        assert_eq!(name("City").unwrap(), "billingProfile.defaultAddress.city");
        assert_eq!(
            name("company-profile.domain").unwrap(),
            "companyProfile.domain"
        );
        assert_eq!(
            name("agreement.firstName").unwrap(),
            "agreement.primaryContact.firstName"
        );
    }

    #[test]
    fn an_ambiguous_tail_lists_every_candidate() {
        let err = name("firstName").unwrap_err();
        assert!(
            err.contains("billingProfile.defaultAddress.firstName"),
            "{err}"
        );
        assert!(err.contains("agreement.primaryContact.firstName"), "{err}");
    }

    #[test]
    fn an_unknown_column_names_the_closest_known_one() {
        let err = name("domian").unwrap_err();
        assert!(err.contains("`domian`"), "{err}");
        assert!(err.contains("`companyProfile.domain`"), "{err}");
        assert!(name("billingProfile..email").is_err());
    }
}
