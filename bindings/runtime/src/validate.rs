//! Client-side validation used by generated `impl Validate` blocks.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, OnceLock, RwLock};

use regex::Regex;

use crate::error::{FieldError, ValidationError};
use crate::secret::Secret;

/// A value that can check itself before it is sent.
pub trait Validate {
    fn validate_into(&self, v: &mut Validator);

    fn validate(&self) -> Result<(), ValidationError> {
        let mut v = Validator::new();
        self.validate_into(&mut v);
        v.finish()
    }
}

/// Collects field errors while walking a value; the current path is kept in one buffer so that
/// descending into a field costs no allocation beyond the name itself.
#[derive(Debug, Default)]
pub struct Validator {
    path: String,
    errors: Vec<FieldError>,
}

impl Validator {
    pub fn new() -> Self {
        Self::default()
    }

    /// Runs `f` with `.name` appended to the path (no leading dot at the top level).
    pub fn field(&mut self, name: &str, f: impl FnOnce(&mut Self)) {
        let len = self.path.len();
        if !self.path.is_empty() {
            self.path.push('.');
        }
        self.path.push_str(name);
        f(self);
        self.path.truncate(len);
    }

    /// Runs `f` with `[i]` appended to the path.
    pub fn index(&mut self, i: usize, f: impl FnOnce(&mut Self)) {
        use std::fmt::Write as _;
        let len = self.path.len();
        let _ = write!(self.path, "[{i}]");
        f(self);
        self.path.truncate(len);
    }

    /// The path of the value being checked, e.g. `billingProfile.defaultAddress.city`.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// Records an error at the current path.
    pub fn error(&mut self, message: impl Into<String>) {
        self.errors.push(FieldError {
            path: self.path.clone(),
            message: message.into(),
        });
    }

    /// Records "is required" at `path.name`.
    pub fn missing(&mut self, name: &str) {
        self.field(name, |v| v.error("is required"));
    }

    /// Checks the length in characters (not bytes: limits in specs are about characters).
    pub fn length(&mut self, value: &str, min: Option<usize>, max: Option<usize>) {
        let n = value.chars().count();
        if let Some(min) = min
            && n < min
        {
            self.error(format!(
                "must be at least {min} character{} long (got {n})",
                plural(min)
            ));
        }
        if let Some(max) = max
            && n > max
        {
            self.error(format!(
                "must be at most {max} character{} long (got {n})",
                plural(max)
            ));
        }
    }

    /// Checks `value` against a regex (unanchored, as in JSON Schema). The regex is compiled once per
    /// process; an invalid one becomes a field error so a bad spec cannot crash a caller.
    pub fn pattern(&mut self, value: &str, pattern: &'static str) {
        match cached_regex(pattern) {
            Ok(re) => {
                if !re.is_match(value) {
                    self.error(format!("must match the pattern {pattern}"));
                }
            }
            Err(msg) => self.error(format!(
                "cannot be checked: invalid pattern {pattern}: {msg}"
            )),
        }
    }

    pub fn one_of(&mut self, value: &str, allowed: &[&str]) {
        if !allowed.contains(&value) {
            self.error(format!(
                "must be one of {} (got {value:?})",
                allowed.join(", ")
            ));
        }
    }

    pub fn range(&mut self, value: f64, min: Option<f64>, max: Option<f64>) {
        if value.is_nan() {
            self.error("must be a number");
            return;
        }
        if let Some(min) = min
            && value < min
        {
            self.error(format!("must be at least {min} (got {value})"));
        }
        if let Some(max) = max
            && value > max
        {
            self.error(format!("must be at most {max} (got {value})"));
        }
    }

    /// Validates a nested value under `name`.
    pub fn nested<T: Validate + ?Sized>(&mut self, name: &str, value: &T) {
        self.field(name, |v| value.validate_into(v));
    }

    pub fn errors(&self) -> &[FieldError] {
        &self.errors
    }

    pub fn is_ok(&self) -> bool {
        self.errors.is_empty()
    }

    pub fn finish(self) -> Result<(), ValidationError> {
        if self.errors.is_empty() {
            Ok(())
        } else {
            Err(ValidationError {
                errors: self.errors,
            })
        }
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

type Compiled = Result<&'static Regex, &'static str>;

/// The compiled regex of `pattern`, shared by every call of the process.
///
/// One `Regex` per pattern, never a clone: each clone brings its own empty matching cache, which
/// then has to be rebuilt on every call (that cost a create in the Rust benchmarks about 60%).
/// Patterns are `'static` strings of generated code, a small fixed set, so the compiled regexes
/// are leaked on purpose and live as long as the process.
fn cached_regex(pattern: &'static str) -> Compiled {
    static CACHE: OnceLock<RwLock<HashMap<&'static str, Compiled>>> = OnceLock::new();
    let cache = CACHE.get_or_init(Default::default);
    // A panic elsewhere while holding the lock leaves the map intact: keep using it.
    if let Some(found) = cache
        .read()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
        .get(pattern)
    {
        return *found;
    }
    let mut map = cache
        .write()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    *map.entry(pattern)
        .or_insert_with(|| match Regex::new(pattern) {
            Ok(re) => Ok(&*Box::leak(Box::new(re))),
            Err(e) => Err(&*Box::leak(e.to_string().into_boxed_str())),
        })
}

impl<T: Validate> Validate for Option<T> {
    fn validate_into(&self, v: &mut Validator) {
        if let Some(inner) = self {
            inner.validate_into(v);
        }
    }
}

impl<T: Validate> Validate for [T] {
    fn validate_into(&self, v: &mut Validator) {
        for (i, item) in self.iter().enumerate() {
            v.index(i, |v| item.validate_into(v));
        }
    }
}

impl<T: Validate> Validate for Vec<T> {
    fn validate_into(&self, v: &mut Validator) {
        self.as_slice().validate_into(v);
    }
}

impl<T: Validate + ?Sized> Validate for Box<T> {
    fn validate_into(&self, v: &mut Validator) {
        (**self).validate_into(v);
    }
}

impl<T: Validate + ?Sized> Validate for Arc<T> {
    fn validate_into(&self, v: &mut Validator) {
        (**self).validate_into(v);
    }
}

impl<T: Validate + ?Sized> Validate for &T {
    fn validate_into(&self, v: &mut Validator) {
        (**self).validate_into(v);
    }
}

impl<T: Validate> Validate for BTreeMap<String, T> {
    fn validate_into(&self, v: &mut Validator) {
        for (key, value) in self {
            v.field(key, |v| value.validate_into(v));
        }
    }
}

impl<T: Validate, S> Validate for HashMap<String, T, S> {
    fn validate_into(&self, v: &mut Validator) {
        for (key, value) in self {
            v.field(key, |v| value.validate_into(v));
        }
    }
}

macro_rules! no_op_validate {
    ($($t:ty),* $(,)?) => {
        $(impl Validate for $t {
            #[inline]
            fn validate_into(&self, _: &mut Validator) {}
        })*
    };
}

no_op_validate!(
    String,
    str,
    bool,
    char,
    i8,
    i16,
    i32,
    i64,
    i128,
    isize,
    u8,
    u16,
    u32,
    u64,
    u128,
    usize,
    f32,
    f64,
    Secret,
    serde_json::Value,
    uuid::Uuid,
    time::OffsetDateTime,
    time::Date,
);

#[cfg(test)]
mod tests {
    use super::*;

    struct Address {
        city: Option<String>,
        zip: String,
    }

    impl Validate for Address {
        fn validate_into(&self, v: &mut Validator) {
            match &self.city {
                Some(c) => v.field("city", |v| v.length(c, Some(1), Some(5))),
                None => v.missing("city"),
            }
            v.field("zip", |v| v.pattern(&self.zip, r"^\d{5}$"));
        }
    }

    struct Profile {
        email: Option<String>,
        addresses: Vec<Address>,
        main: Option<Box<Address>>,
    }

    impl Validate for Profile {
        fn validate_into(&self, v: &mut Validator) {
            if self.email.is_none() {
                v.missing("email");
            }
            v.nested("addresses", &self.addresses);
            v.nested("main", &self.main);
        }
    }

    struct Root {
        billing_profile: Profile,
    }

    impl Validate for Root {
        fn validate_into(&self, v: &mut Validator) {
            v.nested("billingProfile", &self.billing_profile);
        }
    }

    #[test]
    fn paths_use_dots_and_indexes() {
        let root = Root {
            billing_profile: Profile {
                email: None,
                addresses: vec![
                    Address {
                        city: Some("Paris".into()),
                        zip: "75001".into(),
                    },
                    Address {
                        city: Some("Paris".into()),
                        zip: "75001".into(),
                    },
                    Address {
                        city: None,
                        zip: "7500".into(),
                    },
                ],
                main: Some(Box::new(Address {
                    city: Some("Amsterdam".into()),
                    zip: "12345".into(),
                })),
            },
        };
        let err = root.validate().err().map(|e| e.errors).unwrap_or_default();
        let paths: Vec<&str> = err.iter().map(|e| e.path.as_str()).collect();
        assert_eq!(
            paths,
            [
                "billingProfile.email",
                "billingProfile.addresses[2].city",
                "billingProfile.addresses[2].zip",
                "billingProfile.main.city",
            ]
        );
        assert_eq!(err[0].message, "is required");
        assert_eq!(err[2].message, r"must match the pattern ^\d{5}$");
        assert_eq!(err[3].message, "must be at most 5 characters long (got 9)");
    }

    #[test]
    fn valid_value_passes() {
        let a = Address {
            city: Some("Lyon".into()),
            zip: "69001".into(),
        };
        assert!(a.validate().is_ok());
        let none: Option<Address> = None;
        assert!(none.validate().is_ok());
    }

    #[test]
    fn top_level_fields_have_no_leading_dot() {
        let mut v = Validator::new();
        v.missing("name");
        v.index(3, |v| v.error("bad"));
        v.field("a", |v| {
            v.field("b", |v| v.index(0, |v| v.field("c", |v| v.error("x"))))
        });
        assert_eq!(v.path(), "");
        let paths: Vec<_> = v.errors().iter().map(|e| e.path.clone()).collect();
        assert_eq!(paths, ["name", "[3]", "a.b[0].c"]);
    }

    #[test]
    fn length_counts_characters_not_bytes() {
        let mut v = Validator::new();
        v.length("ééé", None, Some(3));
        assert!(v.is_ok(), "{:?}", v.errors());
        v.length("ééé", Some(4), None);
        assert_eq!(
            v.errors()[0].message,
            "must be at least 4 characters long (got 3)"
        );
        v.length("", Some(1), None);
        assert_eq!(
            v.errors()[1].message,
            "must be at least 1 character long (got 0)"
        );
    }

    #[test]
    fn invalid_regex_is_an_error_not_a_panic() {
        let mut v = Validator::new();
        v.field("x", |v| v.pattern("abc", "(unclosed"));
        v.field("y", |v| v.pattern("abc", "(unclosed"));
        assert_eq!(v.errors().len(), 2);
        assert_eq!(v.errors()[0].path, "x");
        assert!(
            v.errors()[0].message.contains("invalid pattern (unclosed"),
            "{}",
            v.errors()[0].message
        );
    }

    #[test]
    fn pattern_is_unanchored_like_json_schema() {
        let mut v = Validator::new();
        v.pattern("xx-abc-yy", "abc");
        assert!(v.is_ok());
        v.pattern("xyz", "abc");
        assert!(!v.is_ok());
    }

    #[test]
    fn one_of_and_range() {
        let mut v = Validator::new();
        v.field("kind", |v| v.one_of("a", &["a", "b"]));
        assert!(v.is_ok());
        v.field("kind", |v| v.one_of("c", &["a", "b"]));
        v.field("n", |v| v.range(5.0, Some(1.0), Some(4.0)));
        v.field("n", |v| v.range(0.5, Some(1.0), None));
        v.field("n", |v| v.range(f64::NAN, None, None));
        v.field("n", |v| v.range(2.0, Some(1.0), Some(4.0)));
        let msgs: Vec<_> = v.errors().iter().map(|e| e.to_string()).collect();
        assert_eq!(
            msgs,
            [
                "kind: must be one of a, b (got \"c\")",
                "n: must be at most 4 (got 5)",
                "n: must be at least 1 (got 0.5)",
                "n: must be a number",
            ]
        );
    }

    #[test]
    fn maps_use_keys_as_path_segments() {
        let mut m = BTreeMap::new();
        m.insert(
            "home".to_string(),
            Address {
                city: None,
                zip: "12345".into(),
            },
        );
        let mut v = Validator::new();
        v.nested("addresses", &m);
        assert_eq!(v.errors()[0].path, "addresses.home.city");

        let mut h = HashMap::new();
        h.insert(
            "k".to_string(),
            vec![Address {
                city: None,
                zip: "1".into(),
            }],
        );
        let errs = h.validate().err().map(|e| e.errors).unwrap_or_default();
        assert_eq!(errs.len(), 2);
        assert!(errs.iter().all(|e| e.path.starts_with("k[0].")));
    }

    #[test]
    fn no_op_impls_compile_and_pass() {
        fn ok<T: Validate + ?Sized>(t: &T) -> bool {
            t.validate().is_ok()
        }
        assert!(ok("s"));
        assert!(ok(&String::new()));
        assert!(ok(&true));
        assert!(ok(&1i32) && ok(&1i64) && ok(&1u64) && ok(&1.0f32) && ok(&1.0f64));
        assert!(ok(&Secret::new("x")));
        assert!(ok(&serde_json::json!({"a": 1})));
        assert!(ok(&uuid::Uuid::nil()));
        assert!(ok(&Some(vec![Box::new(1i32)])));
    }
}
