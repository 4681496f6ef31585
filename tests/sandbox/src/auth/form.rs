//! `application/x-www-form-urlencoded` bodies (the token endpoint's only request format) and
//! HTTP Basic client authentication (RFC 6749 §2.3.1).

use axum::http::{HeaderMap, header};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;

/// The decoded fields of a form body, in order. Looked up by exact name, like Entra; the
/// first occurrence of a repeated name wins.
#[derive(Debug, Default)]
pub struct Form {
    fields: Vec<(String, String)>,
}

impl Form {
    pub fn parse(body: &[u8]) -> Form {
        let fields = body
            .split(|b| *b == b'&')
            .filter(|pair| !pair.is_empty())
            .map(|pair| {
                let mut parts = pair.splitn(2, |b| *b == b'=');
                let name = decode(parts.next().unwrap_or_default());
                let value = decode(parts.next().unwrap_or_default());
                (name, value)
            })
            .collect();
        Form { fields }
    }

    /// The value of `name`, if present and not blank.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
            .filter(|v| !v.trim().is_empty())
    }
}

/// Percent-decoding with `+` as space; invalid escapes are kept literally and invalid UTF-8
/// is replaced, so parsing never fails (a garbled field then fails its own check).
pub fn decode(raw: &[u8]) -> String {
    let mut out = Vec::with_capacity(raw.len());
    let mut i = 0;
    while i < raw.len() {
        match raw[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < raw.len() => match (hex(raw[i + 1]), hex(raw[i + 2])) {
                (Some(h), Some(l)) => {
                    out.push(h << 4 | l);
                    i += 2;
                }
                _ => out.push(b'%'),
            },
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn hex(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// `Authorization: Basic base64(urlencode(client_id) ":" urlencode(client_secret))`.
pub fn basic_credentials(headers: &HeaderMap) -> Option<(String, String)> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?.trim();
    let (scheme, encoded) = value.split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let decoded = STANDARD.decode(encoded.trim()).ok()?;
    let decoded = String::from_utf8(decoded).ok()?;
    let (id, secret) = decoded.split_once(':')?;
    Some((decode(id.as_bytes()), decode(secret.as_bytes())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_forms() {
        let f = Form::parse(b"a=1&b=x+y%2Fz&c=&d=%zz&e=%4&a=2");
        assert_eq!(f.get("a"), Some("1"));
        assert_eq!(f.get("b"), Some("x y/z"));
        assert_eq!(f.get("c"), None);
        assert_eq!(f.get("d"), Some("%zz"));
        assert_eq!(f.get("e"), Some("%4"));
        assert_eq!(f.get("missing"), None);
    }

    #[test]
    fn reads_basic_credentials() {
        let mut h = HeaderMap::new();
        let value = format!("Basic {}", STANDARD.encode("my%20app:s%3Ac+r"));
        h.insert(header::AUTHORIZATION, value.parse().unwrap());
        assert_eq!(
            basic_credentials(&h),
            Some(("my app".to_string(), "s:c r".to_string()))
        );
    }
}
