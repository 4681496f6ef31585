//! Names: one source string, spelled in each case a target needs, made collision-safe.
//!
//! Language keywords are not handled here: each emitter escapes its own (`r#type` in Rust,
//! `type_` in Python). What is handled here is everything that is the same for all targets:
//! case conversion, names that would be empty or start with a digit, and two source names
//! that collapse into one (`fooBar` and `foo_bar`).

use std::collections::BTreeSet;

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
        let words = words(&base);
        let len = base.len() + words.len();
        let (mut snake, mut camel, mut pascal, mut shouty) = (
            String::with_capacity(len),
            String::with_capacity(len),
            String::with_capacity(len),
            String::with_capacity(len),
        );
        for (i, word) in words.iter().enumerate() {
            if i > 0 {
                snake.push('_');
                shouty.push('_');
            }
            push_lowercase(&mut snake, word);
            if i == 0 {
                push_lowercase(&mut camel, word);
            } else {
                push_capitalized(&mut camel, word);
            }
            push_capitalized(&mut pascal, word);
            push_uppercase(&mut shouty, word);
        }
        Name {
            original: original.to_string(),
            snake,
            camel,
            pascal,
            shouty,
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

/// The words of `s` as heck's case conversions split it: runs of alphanumerics, split again
/// before an uppercase letter that follows a lowercase one (`fooBar`) and before the last
/// capital of an acronym followed by a lowercase letter (`HTTPServer`). Splitting once and
/// spelling the four cases from the words gives heck's results at a quarter of the work.
fn words(s: &str) -> Vec<&str> {
    #[derive(Clone, Copy, PartialEq)]
    enum Mode {
        Boundary,
        Lowercase,
        Uppercase,
    }
    let mut out = Vec::new();
    for word in s.split(|c: char| !c.is_alphanumeric()) {
        let mut chars = word.char_indices().peekable();
        let mut init = 0;
        let mut mode = Mode::Boundary;
        while let Some((i, c)) = chars.next() {
            let Some(&(next_i, next)) = chars.peek() else {
                out.push(&word[init..]);
                break;
            };
            let next_mode = if c.is_lowercase() {
                Mode::Lowercase
            } else if c.is_uppercase() {
                Mode::Uppercase
            } else {
                mode
            };
            if next_mode == Mode::Lowercase && next.is_uppercase() {
                out.push(&word[init..next_i]);
                init = next_i;
                mode = Mode::Boundary;
            } else if mode == Mode::Uppercase && c.is_uppercase() && next.is_lowercase() {
                out.push(&word[init..i]);
                init = i;
                mode = Mode::Boundary;
            } else {
                mode = next_mode;
            }
        }
    }
    out
}

/// heck's lowercase: a final capital sigma becomes the final form `ς`.
fn push_lowercase(out: &mut String, word: &str) {
    if word.is_ascii() {
        out.extend(word.chars().map(|c| c.to_ascii_lowercase()));
        return;
    }
    let mut chars = word.chars().peekable();
    while let Some(c) = chars.next() {
        if c == 'Σ' && chars.peek().is_none() {
            out.push('ς');
        } else {
            out.extend(c.to_lowercase());
        }
    }
}

fn push_uppercase(out: &mut String, word: &str) {
    out.extend(word.chars().flat_map(char::to_uppercase));
}

/// First character uppercase, the rest lowercase.
fn push_capitalized(out: &mut String, word: &str) {
    let mut chars = word.chars();
    if let Some(first) = chars.next() {
        out.extend(first.to_uppercase());
        push_lowercase(out, chars.as_str());
    }
}

/// `s` in snake_case, as `Name::new(s).snake` spells it (without the sanitising).
#[cfg(test)]
fn snake_case(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 4);
    for (i, word) in words(s).iter().enumerate() {
        if i > 0 {
            out.push('_');
        }
        push_lowercase(&mut out, word);
    }
    out
}

/// Hands out names that are unique in one scope (types of an API, fields of a struct,
/// parameters of an operation, variants of an enum, the members of a client).
///
/// A name is free when none of its *keys* is taken. Its keys are its four spellings, each
/// compared with the same spelling of the other names (`a1b` and `a_1b` differ in snake_case
/// but are both `A1b` in PascalCase), plus any a scope adds for the identifiers a target makes
/// from the name (a Python method `list` also makes `list_page`): see `claim_with`. A taken name
/// gets the first numeric suffix that makes all of its keys free, so the result depends only on
/// the order of the claims.
#[derive(Debug, Default)]
pub struct Scope {
    taken: BTreeSet<String>,
}

/// The keys of a name's own spellings.
fn spelling_keys(name: &Name) -> [String; 4] {
    [
        format!("snake:{}", name.snake),
        format!("camel:{}", name.camel),
        format!("pascal:{}", name.pascal),
        format!("shouty:{}", name.shouty),
    ]
}

impl Scope {
    pub fn new() -> Scope {
        Scope::default()
    }

    /// A scope where some names are already taken (e.g. a struct's field names, reserved ones):
    /// every spelling of each.
    pub fn with_reserved<'a>(reserved: impl IntoIterator<Item = &'a str>) -> Scope {
        let mut scope = Scope::new();
        for word in reserved {
            scope.taken.extend(spelling_keys(&Name::new(word)));
        }
        scope
    }

    /// Take one key as it is, e.g. `rust.fn:builder`: a name whose `claim_with` keys include
    /// it is renamed.
    pub fn reserve(&mut self, key: impl Into<String>) {
        self.taken.insert(key.into());
    }

    pub fn claim(&mut self, name: Name) -> Name {
        self.claim_with(name, |_| Vec::new())
    }

    /// Claim a name whose spellings are not its only identifiers: `extra` gives the other keys
    /// a candidate takes (e.g. `python.fn:list_page` for a paged method `list`). The keys are
    /// free-form strings; a prefix per kind of identifier keeps kinds apart.
    pub fn claim_with(&mut self, name: Name, extra: impl Fn(&Name) -> Vec<String>) -> Name {
        let mut candidate = name.clone();
        for n in 2.. {
            let mut keys: Vec<String> = spelling_keys(&candidate).into();
            keys.extend(extra(&candidate));
            if keys.iter().all(|k| !self.taken.contains(k)) {
                self.taken.extend(keys);
                return candidate;
            }
            candidate = name.suffixed(n);
        }
        unreachable!("an unbounded counter always finds a free suffix")
    }

    /// Whether `name` (any of its spellings) is taken.
    pub fn is_taken(&self, name: &str) -> bool {
        spelling_keys(&Name::new(name))
            .iter()
            .any(|k| self.taken.contains(k))
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
    fn spellings_are_hecks() {
        use heck::{ToLowerCamelCase, ToShoutySnakeCase, ToSnakeCase, ToUpperCamelCase};
        let mut samples: Vec<String> = [
            "",
            "a",
            "A",
            "fooBar",
            "FooBar",
            "foo_bar",
            "FOO-BAR",
            "HTTPServer",
            "getHTTPResponseCode",
            "XMLHttpRequest",
            "ABC",
            "aB",
            "Ab",
            "v2",
            "v 2fa",
            "page2Token",
            "ID",
            "userID",
            "IDs",
            "MS-RequestId",
            "x-pc-client-headers",
            "  leading and trailing  ",
            "snake_case__double",
            "ΣΑΣ",
            "ΟΔΥΣΣΕΥΣ",
            "straße",
            "ǅemal",
            "İstanbul",
            "ﬁle",
            "日本語Name",
            "émileZola",
            "a1B2c3",
            "1st",
            "Ⅻroman",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        // Every short string over an alphabet with each kind of character heck distinguishes.
        let alphabet = ['a', 'B', '1', '_', ' ', 'Σ', 'é', 'İ', '日', 'ǅ', '-'];
        let mut strings = vec![String::new()];
        for _ in 0..4 {
            strings = strings
                .iter()
                .flat_map(|s| alphabet.iter().map(move |c| format!("{s}{c}")))
                .collect();
            samples.extend(strings.iter().cloned());
        }
        for s in &samples {
            let name = Name::with_base(s, s);
            let base = sanitize(s);
            assert_eq!(name.snake, base.to_snake_case(), "{s:?}");
            assert_eq!(name.camel, base.to_lower_camel_case(), "{s:?}");
            assert_eq!(name.pascal, base.to_upper_camel_case(), "{s:?}");
            assert_eq!(name.shouty, base.to_shouty_snake_case(), "{s:?}");
            assert_eq!(snake_case(s), s.to_snake_case(), "{s:?}");
        }
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

    #[test]
    fn a_collision_in_any_spelling_gets_a_suffix() {
        let mut scope = Scope::new();
        // Distinct in snake_case, alike in camelCase and PascalCase.
        assert_eq!(scope.claim(Name::new("a1b")).pascal, "A1b");
        assert_eq!(scope.claim(Name::new("a_1b")).pascal, "A1b2");
        // Distinct in snake_case, alike in PascalCase only.
        assert_eq!(scope.claim(Name::new("1.5")).pascal, "V15");
        assert_eq!(scope.claim(Name::new("15")).pascal, "V152");
        let mut reserved = Scope::with_reserved(["Self"]);
        assert_eq!(reserved.claim(Name::new("self")).pascal, "Self2");
        assert!(reserved.is_taken("SELF"));
    }

    #[test]
    fn extra_keys_collide_with_reserved_and_claimed_ones() {
        let keys = |n: &Name| vec![format!("fn:{}", n.snake), format!("fn:{}_page", n.snake)];
        let mut scope = Scope::new();
        scope.reserve("fn:close");
        assert_eq!(scope.claim_with(Name::new("close"), keys).snake, "close_2");
        assert_eq!(scope.claim_with(Name::new("list"), keys).snake, "list");
        // `list` also made `list_page`.
        assert_eq!(
            scope.claim_with(Name::new("listPage"), keys).snake,
            "list_page_2"
        );
    }
}
