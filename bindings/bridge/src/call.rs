//! One call as a binding describes it ([`Call`]), its answer ([`Outcome`]), and the helpers the
//! generated `dispatch` uses to read arguments and build the answer (docs/contract.md §4).

use std::time::Duration;

use sdk_runtime::{Error, FieldError, RequestOptions, Response, ValidationError};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use crate::members::{self, Segment};

/// The arguments of one operation call, as the generated code of a binding passes them.
#[derive(Debug, Default)]
pub struct Call {
    /// Wire names → values (JSON), only the ones given.
    pub params: Map<String, Value>,
    /// The request body as JSON, wire form.
    pub body: Option<bytes::Bytes>,
    /// Request id, timeout, extra headers.
    pub options: RequestOptions,
    /// Paged operations only: the token of the page to fetch.
    pub continuation_token: Option<String>,
}

impl Call {
    /// The per-call options to send a JSON body with: when the client does not validate
    /// (`strict` false), the binding's JSON goes as given — members the model lacks included —
    /// instead of the model's re-encoding of it.
    pub fn request_options(&self, strict: bool) -> RequestOptions {
        let mut options = self.options.clone();
        if !strict {
            options.raw_body.clone_from(&self.body);
        }
        options
    }
}

/// What a call returns to the binding: status, headers, request id, body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    pub status: u16,
    /// Lower-case header names, in the order received (a repeated header appears more than once).
    pub headers: Vec<(String, String)>,
    pub request_id: String,
    /// The decoded answer re-encoded as JSON (`null` for none).
    pub body: Vec<u8>,
}

fn invalid(path: &str, message: impl Into<String>) -> Error {
    Error::Validation(ValidationError {
        errors: vec![FieldError {
            path: path.to_string(),
            message: message.into(),
        }],
    })
}

/// A required parameter; missing or of the wrong type → `Error::Validation` at `wire`.
pub fn param<T: DeserializeOwned>(call: &Call, wire: &str) -> Result<T, Error> {
    match call.params.get(wire) {
        None | Some(Value::Null) => Err(invalid(wire, "is required")),
        Some(value) => T::deserialize(value).map_err(|e| invalid(wire, e.to_string())),
    }
}

/// An optional parameter; absent or null → `None`, wrong type → `Error::Validation` at `wire`.
pub fn opt_param<T: DeserializeOwned>(call: &Call, wire: &str) -> Result<Option<T>, Error> {
    match call.params.get(wire) {
        None | Some(Value::Null) => Ok(None),
        Some(value) => T::deserialize(value)
            .map(Some)
            .map_err(|e| invalid(wire, e.to_string())),
    }
}

/// The request body; missing or not the operation's shape → `Error::Validation` at the failing path
/// (wire names: `billingProfile.defaultAddress.city`, `items[2].id`).
///
/// With `strict` (the client validates), a member the model does not have — at any depth — is a
/// validation error too, naming its path and the closest member the model has: a misspelt key in
/// a dict or object body must not be dropped silently. Without it, such members are ignored here
/// (and the binding's JSON goes to the service as given, see [`Call::request_options`]).
pub fn body<T: DeserializeOwned>(call: &Call, strict: bool) -> Result<T, Error> {
    let Some(raw) = &call.body else {
        return Err(invalid("body", "is required"));
    };
    // The common case first: a body that reads, with nothing unknown in it. Tracking the path of
    // every value (serde_path_to_error) costs a tenth of a call's CPU, and it is needed only to
    // say where a body that does not read went wrong: that body is read a second time, below.
    let mut unknown: Vec<Vec<Segment>> = Vec::new();
    let de = &mut serde_json::Deserializer::from_slice(raw);
    let read = T::deserialize(serde_ignored::Deserializer::new(
        de,
        &mut unknown_members(strict, &mut unknown),
    ));
    if let Ok(value) = read
        && unknown.is_empty()
    {
        return Ok(value);
    }
    unknown.clear();
    let de = &mut serde_json::Deserializer::from_slice(raw);
    let read = serde_path_to_error::deserialize(serde_ignored::Deserializer::new(
        de,
        &mut unknown_members(strict, &mut unknown),
    ));
    // The members seen before a failure are reported with it: a misspelt required member is both
    // missing and unknown, and the unknown one says what was meant.
    let mut errors: Vec<FieldError> = unknown
        .iter()
        .map(|path| FieldError {
            path: members::display(path),
            message: members::unknown_member_message::<T>(path),
        })
        .collect();
    match read {
        Ok(value) if errors.is_empty() => Ok(value),
        Ok(_) => Err(Error::Validation(ValidationError { errors })),
        Err(e) => {
            let path = e.path().to_string();
            let (path, message) = body_error(if path == "." { "" } else { &path }, &e.into_inner());
            errors.insert(0, FieldError { path, message });
            Err(Error::Validation(ValidationError { errors }))
        }
    }
}

/// Collects the paths of the members a body has and its model lacks (only with `strict`).
fn unknown_members(
    strict: bool,
    unknown: &mut Vec<Vec<Segment>>,
) -> impl FnMut(serde_ignored::Path<'_>) + '_ {
    move |path| {
        if strict {
            unknown.push(members::segments(&path));
        }
    }
}

/// A serde error at `parent` as the runtime's validator would word it: `missing field `x`` becomes
/// "is required" at `parent.x`; JSON line/column positions (meaningless to a caller) are left out.
fn body_error(parent: &str, err: &serde_json::Error) -> (String, String) {
    let text = err.to_string();
    let text = match text.rfind(" at line ") {
        Some(i) if err.line() > 0 => text[..i].to_string(),
        _ => text,
    };
    let join = |name: &str| match parent {
        "" => name.to_string(),
        p => format!("{p}.{name}"),
    };
    if let Some(name) = text
        .strip_prefix("missing field `")
        .and_then(|rest| rest.strip_suffix('`'))
    {
        return (join(name), "is required".to_string());
    }
    let path = if parent.is_empty() {
        "body".to_string()
    } else {
        parent.to_string()
    };
    (path, without_value(&text))
}

/// serde quotes the value it did not expect (`invalid type: string "Secr3t!", expected struct
/// PasswordProfile`), and that value may be a password given where an object belongs: only its
/// kind is kept (`invalid type: string, expected struct PasswordProfile`).
fn without_value(text: &str) -> String {
    for prefix in ["invalid type: ", "invalid value: "] {
        let Some(rest) = text.strip_prefix(prefix) else {
            continue;
        };
        // The value may itself contain ", expected ": the expectation is the last one.
        let Some(at) = rest.rfind(", expected ") else {
            continue;
        };
        let (unexpected, expected) = rest.split_at(at);
        let kind = unexpected
            .find(['"', '`'])
            .map_or(unexpected, |quote| &unexpected[..quote])
            .trim_end();
        return format!("{prefix}{kind}{expected}");
    }
    text.to_string()
}

/// The answer for the binding: status, headers, request id, and the data as JSON.
pub fn outcome<T: Serialize>(response: Response<T>) -> Result<Outcome, Error> {
    let body = serde_json::to_vec(&response.data).map_err(|e| Error::Decode {
        status: response.status,
        message: format!("could not re-encode the answer: {e}"),
        body_excerpt: String::new(),
        request_id: Some(response.request_id.clone()),
    })?;
    let headers = response
        .headers
        .iter()
        .map(|(name, value)| {
            (
                name.as_str().to_ascii_lowercase(),
                String::from_utf8_lossy(value.as_bytes()).into_owned(),
            )
        })
        .collect();
    Ok(Outcome {
        status: response.status,
        headers,
        request_id: response.request_id,
        body,
    })
}

/// Builds a [`Call`] from the arguments of `NativeClient.call` (checked before any request).
pub fn build_call(
    params: &[u8],
    body: Option<&[u8]>,
    request_id: Option<String>,
    timeout: Option<f64>,
    headers: Option<Vec<(String, String)>>,
    continuation_token: Option<String>,
) -> Result<Call, Error> {
    let params = if params.is_empty() {
        Map::new()
    } else {
        match serde_json::from_slice::<Value>(params) {
            Ok(Value::Object(map)) => map,
            Ok(Value::Null) => Map::new(),
            Ok(_) => return Err(invalid("params", "must be a JSON object")),
            Err(e) => return Err(invalid("params", format!("is not JSON: {e}"))),
        }
    };
    let timeout = timeout
        .map(|secs| {
            seconds(secs).ok_or_else(|| invalid("timeout", "must be a positive number of seconds"))
        })
        .transpose()?;
    Ok(Call {
        params,
        body: body.map(bytes::Bytes::copy_from_slice),
        options: RequestOptions {
            request_id,
            timeout,
            retry: None,
            headers: headers.unwrap_or_default(),
            raw_body: None,
        },
        continuation_token,
    })
}

/// A positive, finite number of seconds as a `Duration`.
pub fn seconds(secs: f64) -> Option<Duration> {
    if secs.is_finite() && secs > 0.0 {
        Duration::try_from_secs_f64(secs).ok()
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    fn call_with(params: Value, body: Option<&str>) -> Call {
        build_call(
            params.to_string().as_bytes(),
            body.map(str::as_bytes),
            None,
            None,
            None,
            None,
        )
        .unwrap()
    }

    fn first_error(err: Error) -> (String, String) {
        match err {
            Error::Validation(v) => (v.errors[0].path.clone(), v.errors[0].message.clone()),
            other => panic!("not a validation error: {other:?}"),
        }
    }

    #[test]
    fn params_required_optional_and_typed() {
        let call = call_with(
            serde_json::json!({"size": 40, "name": "x", "gone": null}),
            None,
        );
        assert_eq!(param::<i32>(&call, "size").unwrap(), 40);
        assert_eq!(
            opt_param::<String>(&call, "name").unwrap().as_deref(),
            Some("x")
        );
        assert_eq!(opt_param::<String>(&call, "gone").unwrap(), None);
        assert_eq!(opt_param::<String>(&call, "absent").unwrap(), None);
        assert_eq!(
            first_error(param::<String>(&call, "absent").unwrap_err()).0,
            "absent"
        );
        let (path, _) = first_error(param::<i32>(&call, "name").unwrap_err());
        assert_eq!(path, "name");
    }

    #[derive(Deserialize, Debug)]
    #[serde(rename_all = "camelCase")]
    struct Inner {
        #[allow(dead_code)]
        city: String,
    }
    #[derive(Deserialize, Debug)]
    #[serde(rename_all = "camelCase")]
    struct Outer {
        #[allow(dead_code)]
        default_address: Inner,
    }

    #[test]
    fn body_errors_name_the_wire_path() {
        let call = call_with(Value::Null, Some(r#"{"defaultAddress": {"city": 5}}"#));
        let (path, _) = first_error(body::<Outer>(&call, true).unwrap_err());
        assert_eq!(path, "defaultAddress.city");
        let call = call_with(Value::Null, Some(r#"{"defaultAddress": {}}"#));
        let err = first_error(body::<Outer>(&call, true).unwrap_err());
        assert_eq!(
            err,
            ("defaultAddress.city".to_string(), "is required".to_string())
        );
        // A misspelt required member: missing, and unknown with the name it meant.
        let call = call_with(Value::Null, Some(r#"{"defaultAddress": {"cty": "x"}}"#));
        match body::<Outer>(&call, true).unwrap_err() {
            Error::Validation(v) => {
                let found: Vec<(&str, &str)> = v
                    .errors
                    .iter()
                    .map(|e| (e.path.as_str(), e.message.as_str()))
                    .collect();
                assert_eq!(
                    found,
                    [
                        ("defaultAddress.city", "is required"),
                        (
                            "defaultAddress.cty",
                            "unknown member of Inner; did you mean \"city\"?"
                        ),
                    ]
                );
            }
            other => panic!("{other:?}"),
        }
        let call = call_with(Value::Null, None);
        assert_eq!(
            first_error(body::<Outer>(&call, true).unwrap_err()).0,
            "body"
        );
        let call = call_with(Value::Null, Some(r#""text""#));
        assert_eq!(
            first_error(body::<Outer>(&call, true).unwrap_err()).0,
            "body"
        );
    }

    #[derive(Deserialize, Debug)]
    struct Profile {
        #[allow(dead_code)]
        password: String,
    }
    #[derive(Deserialize, Debug)]
    #[serde(rename_all = "camelCase")]
    struct WithProfile {
        #[allow(dead_code)]
        password_profile: Profile,
    }

    #[test]
    fn a_value_of_the_wrong_type_is_named_by_its_kind_never_shown() {
        for (given, kind) in [
            (r#"{"passwordProfile": "Secr3t!, expected x"}"#, "string"),
            (r#"{"passwordProfile": 98765432109}"#, "integer"),
            (
                r#"{"passwordProfile": {"password": 1.5}}"#,
                "floating point",
            ),
        ] {
            let call = call_with(Value::Null, Some(given));
            let (path, message) = first_error(body::<WithProfile>(&call, true).unwrap_err());
            assert!(path.starts_with("passwordProfile"), "{path}");
            assert!(
                message.starts_with(&format!("invalid type: {kind}, expected ")),
                "{message}"
            );
            for secret in ["Secr3t", "98765432109", "1.5"] {
                assert!(!message.contains(secret), "{message}");
            }
        }
    }

    #[test]
    fn bad_params_and_timeouts_are_refused() {
        assert!(build_call(b"[1]", None, None, None, None, None).is_err());
        assert!(build_call(b"{", None, None, None, None, None).is_err());
        for bad in [0.0, -1.0, f64::NAN, f64::INFINITY] {
            assert!(build_call(b"{}", None, None, Some(bad), None, None).is_err());
        }
        let call = build_call(b"", None, Some("r".into()), Some(0.25), None, None).unwrap();
        assert_eq!(call.options.timeout, Some(Duration::from_millis(250)));
        assert_eq!(call.options.request_id.as_deref(), Some("r"));
    }

    #[test]
    fn outcome_lowercases_headers_and_encodes_unit_as_null() {
        let mut headers = sdk_runtime::reqwest::header::HeaderMap::new();
        headers.insert("MS-RequestId", "abc".parse().unwrap());
        let response = Response {
            status: 204,
            headers,
            request_id: "abc".into(),
            correlation_id: None,
            data: (),
        };
        let out = outcome(response).unwrap();
        assert_eq!(out.body, b"null");
        assert_eq!(
            out.headers,
            vec![("ms-requestid".to_string(), "abc".to_string())]
        );
    }
}
