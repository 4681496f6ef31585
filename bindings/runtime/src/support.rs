//! Small helpers that generated request builders call, kept here so generated code stays short.

use crate::error::Error;

/// A value as JSON text, for query parameters sent as `content: application/json` and for
/// structured values in headers. Strings are sent bare (no quotes), as a server expects.
pub fn json_text<T: serde::Serialize + ?Sized>(value: &T) -> Result<String, Error> {
    // Straight to text, so structs keep their field order (a `Value` would sort map keys).
    let text = serde_json::to_string(value)
        .map_err(|e| Error::Config(format!("cannot encode a parameter as JSON: {e}")))?;
    if text.starts_with('"') {
        return serde_json::from_str(&text)
            .map_err(|e| Error::Config(format!("cannot encode a parameter as JSON: {e}")));
    }
    Ok(text)
}

/// An ETag as `If-Match` wants it: quoted, unless it already is (or is a weak tag).
pub fn quote_etag(etag: &str) -> String {
    if etag.starts_with('"') || etag.starts_with("W/") {
        etag.to_string()
    } else {
        format!("\"{etag}\"")
    }
}

/// The per-call option setters every generated request builder has (`request_id`, `timeout`,
/// `retry`, `header`, `options`). Expands inside an `impl` block of a type with an
/// `options: RequestOptions` field.
#[macro_export]
macro_rules! request_options {
    () => {
        /// Send this call with this request id (default: a fresh UUID per call, reused by its
        /// retries). Reusing the id of an earlier call replays it where the service supports that.
        pub fn request_id(mut self, request_id: impl Into<String>) -> Self {
            self.options.request_id = Some(request_id.into());
            self
        }

        /// How long one attempt of this call may take.
        pub fn timeout(mut self, timeout: std::time::Duration) -> Self {
            self.options.timeout = Some(timeout);
            self
        }

        /// How this call is retried, instead of the client's policy.
        pub fn retry(mut self, policy: $crate::RetryPolicy) -> Self {
            self.options.retry = Some(policy);
            self
        }

        /// An extra header for this call (wins over the client's headers).
        pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
            self.options.headers.push((name.into(), value.into()));
            self
        }

        /// All per-call options at once.
        pub fn options(mut self, options: $crate::RequestOptions) -> Self {
            self.options = options;
            self
        }
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_text_sends_strings_bare_and_structures_as_json() {
        assert_eq!(json_text("abc").unwrap(), "abc");
        assert_eq!(json_text(&5).unwrap(), "5");
        #[derive(serde::Serialize)]
        #[serde(rename_all = "PascalCase")]
        struct Filter {
            field: &'static str,
            value: &'static str,
            operator: &'static str,
        }
        let filter = Filter {
            field: "CompanyName",
            value: "Con",
            operator: "starts_with",
        };
        assert_eq!(
            json_text(&filter).unwrap(),
            r#"{"Field":"CompanyName","Value":"Con","Operator":"starts_with"}"#
        );
    }

    #[test]
    fn etags_are_quoted_once() {
        assert_eq!(quote_etag("123"), "\"123\"");
        assert_eq!(quote_etag("\"123\""), "\"123\"");
        assert_eq!(quote_etag("W/\"1\""), "W/\"1\"");
    }
}
