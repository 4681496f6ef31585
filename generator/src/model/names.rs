//! Names: one source string, spelled in each case a target needs, made collision-safe.
//!
//! Language keywords are not handled here: each emitter escapes its own (`r#type` in Rust,
//! `type_` in Python). What is handled here is everything that is the same for all targets:
//! case conversion, names that would be empty or start with a digit, and two source names
//! that collapse into one (`fooBar` and `foo_bar`).

use std::collections::BTreeSet;

use heck::{ToLowerCamelCase, ToShoutySnakeCase, ToSnakeCase, ToUpperCamelCase};

#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Name {
    /// As written in the spec (a wire name, a schema key, a tag).
    pub original: String,
    pub snake: String,
    pub camel: String,
    pub pascal: String,
    pub shouty: String,
}

impl Name {
    pub fn new(original: &str) -> Name {
        Name::with_base(original, original)
    }

    /// A name whose spellings come from `base` but which keeps `original` (e.g. a wire name).
    pub fn with_base(original: &str, base: &str) -> Name {
        let base = sanitize(base);
        Name {
            original: original.to_string(),
            snake: base.to_snake_case(),
            camel: base.to_lower_camel_case(),
            pascal: base.to_upper_camel_case(),
            shouty: base.to_shouty_snake_case(),
        }
    }

    /// The same name with a numeric suffix, used to break a collision.
    fn suffixed(&self, n: usize) -> Name {
        let mut name = Name::with_base(&self.original, &format!("{} {n}", self.pascal));
        name.original = self.original.clone();
        name
    }
}

/// Make a string that case conversion can work with: keep letters and digits, turn every
/// other run into a word break, and make sure it neither is empty nor starts with a digit.
fn sanitize(raw: &str) -> String {
    // Spell out a leading sign so "+1" and "-1" stay distinct.
    let raw = match raw.chars().next() {
        Some('-') => format!("minus {}", &raw[1..]),
        Some('+') => format!("plus {}", &raw[1..]),
        _ => raw.to_string(),
    };
    let mut out = String::with_capacity(raw.len());
    for c in raw.chars() {
        if c.is_alphanumeric() {
            out.push(c);
        } else if !out.ends_with(' ') {
            out.push(' ');
        }
    }
    let trimmed = out.trim();
    if trimmed.is_empty() {
        return "empty".to_string();
    }
    if trimmed.starts_with(|c: char| c.is_ascii_digit()) {
        return format!("v {trimmed}");
    }
    trimmed.to_string()
}

/// Hands out names that are unique in one scope (types of an API, fields of a struct,
/// parameters of an operation, variants of an enum), comparing their snake_case spelling,
/// the one where collisions show first.
#[derive(Debug, Default)]
pub struct Scope {
    taken: BTreeSet<String>,
}

impl Scope {
    pub fn new() -> Scope {
        Scope::default()
    }

    /// A scope where some names are already taken (e.g. a struct's field names, reserved ones).
    pub fn with_reserved<'a>(reserved: impl IntoIterator<Item = &'a str>) -> Scope {
        Scope {
            taken: reserved.into_iter().map(|s| s.to_snake_case()).collect(),
        }
    }

    pub fn claim(&mut self, name: Name) -> Name {
        if self.taken.insert(name.snake.clone()) {
            return name;
        }
        for n in 2.. {
            let candidate = name.suffixed(n);
            if self.taken.insert(candidate.snake.clone()) {
                return candidate;
            }
        }
        unreachable!("an unbounded counter always finds a free suffix")
    }

    pub fn is_taken(&self, name: &str) -> bool {
        self.taken.contains(&name.to_snake_case())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spellings() {
        let n = Name::new("customer-tenant-id");
        assert_eq!(n.snake, "customer_tenant_id");
        assert_eq!(n.camel, "customerTenantId");
        assert_eq!(n.pascal, "CustomerTenantId");
        assert_eq!(n.original, "customer-tenant-id");
        assert_eq!(Name::new("MS-RequestId").snake, "ms_request_id");
        assert_eq!(Name::new("microsoft_support").pascal, "MicrosoftSupport");
    }

    #[test]
    fn awkward_sources_still_give_identifiers() {
        assert_eq!(Name::new("").pascal, "Empty");
        assert_eq!(Name::new("2fa").snake, "v_2fa");
        assert_eq!(Name::new("+1").pascal, "Plus1");
        assert_eq!(Name::new("-1").pascal, "Minus1");
        assert_eq!(Name::new("a.b/c").snake, "a_b_c");
    }

    #[test]
    fn collisions_get_suffixes() {
        let mut scope = Scope::new();
        assert_eq!(scope.claim(Name::new("fooBar")).snake, "foo_bar");
        let second = scope.claim(Name::new("foo_bar"));
        assert_eq!(second.snake, "foo_bar_2");
        assert_eq!(second.original, "foo_bar");
        assert_eq!(scope.claim(Name::new("FOO-BAR")).snake, "foo_bar_3");
    }
}
