//! A string that must never end up in logs.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A secret value (token, password).
///
/// `Debug` and `Display` print `[redacted]` so that a secret inside a model, a config or an error
/// cannot leak through `{:?}` or a log line. Serialization is the plain string on purpose: secrets such
/// as an admin password must reach the wire.
#[derive(Clone, PartialEq, Eq, Hash, Default)]
pub struct Secret(String);

const REDACTED: &str = "[redacted]";

impl Secret {
    pub fn new(s: impl Into<String>) -> Self {
        Self(s.into())
    }

    /// The secret itself; every call site is a place where it may leak, so keep them few.
    pub fn expose(&self) -> &str {
        &self.0
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Consumes the secret, returning the plain string.
    pub fn into_inner(self) -> String {
        self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(REDACTED)
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(REDACTED)
    }
}

impl From<String> for Secret {
    fn from(s: String) -> Self {
        Self(s)
    }
}

impl From<&str> for Secret {
    fn from(s: &str) -> Self {
        Self(s.to_owned())
    }
}

impl Serialize for Secret {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Secret {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(Self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_and_display_are_redacted() {
        let s = Secret::new("hunter2");
        assert_eq!(format!("{s:?}"), "[redacted]");
        assert_eq!(format!("{s}"), "[redacted]");
        assert_eq!(format!("{:?}", Some(&s)), "Some([redacted])");
        assert_eq!(s.expose(), "hunter2");
    }

    #[test]
    fn serializes_as_plain_string() {
        let s = Secret::from("p@ss");
        assert_eq!(serde_json::to_string(&s).ok().as_deref(), Some("\"p@ss\""));
        let back: Secret = serde_json::from_str("\"xyz\"").unwrap_or_default();
        assert_eq!(back.expose(), "xyz");
        assert_eq!(back, Secret::from(String::from("xyz")));
    }
}
