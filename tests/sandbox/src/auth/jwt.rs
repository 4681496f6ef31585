//! JSON Web Tokens: the emulator's own access and ID tokens (HS256 with a key made at
//! start, header `{"alg":"HS256","typ":"JWT","kid":"sandbox"}`), and the base64url and
//! parsing helpers the client-assertion check shares.

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use ring::hmac;
use ring::rand::SystemRandom;
use serde_json::{Map, Value, json};

pub const KID: &str = "sandbox";

pub fn b64url(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

/// base64url without padding, tolerating padding and the standard alphabet (some clients
/// send `x5t` that way).
pub fn b64url_decode(s: &str) -> Option<Vec<u8>> {
    let trimmed = s.trim().trim_end_matches('=');
    URL_SAFE_NO_PAD.decode(trimmed).ok().or_else(|| {
        let mut padded = trimmed.replace('-', "+").replace('_', "/");
        while !padded.len().is_multiple_of(4) {
            padded.push('=');
        }
        STANDARD.decode(padded).ok()
    })
}

/// A compact JWS split into its parts; `None` unless it has three base64url parts whose
/// first two are JSON objects.
pub struct Parts<'a> {
    pub header: Map<String, Value>,
    pub claims: Map<String, Value>,
    /// `header.payload`, the signed bytes.
    pub signing_input: &'a str,
    pub signature: Vec<u8>,
}

pub fn split(token: &str) -> Option<Parts<'_>> {
    let mut it = token.split('.');
    let (h, p, s) = (it.next()?, it.next()?, it.next()?);
    if it.next().is_some() {
        return None;
    }
    let object = |part: &str| -> Option<Map<String, Value>> {
        match serde_json::from_slice::<Value>(&b64url_decode(part)?).ok()? {
            Value::Object(m) => Some(m),
            _ => None,
        }
    };
    Some(Parts {
        header: object(h)?,
        claims: object(p)?,
        signing_input: &token[..h.len() + 1 + p.len()],
        signature: b64url_decode(s)?,
    })
}

/// Signs and verifies the emulator's tokens.
pub struct Signer {
    key: hmac::Key,
}

impl Signer {
    pub fn new() -> Self {
        let key = hmac::Key::generate(hmac::HMAC_SHA256, &SystemRandom::new())
            // Only fails if the OS has no randomness, in which case nothing would work.
            .expect("the OS random generator works");
        Signer { key }
    }

    pub fn sign(&self, claims: &Value) -> String {
        let header = json!({"alg": "HS256", "typ": "JWT", "kid": KID});
        let input = format!(
            "{}.{}",
            b64url(header.to_string().as_bytes()),
            b64url(claims.to_string().as_bytes())
        );
        let tag = hmac::sign(&self.key, input.as_bytes());
        format!("{input}.{}", b64url(tag.as_ref()))
    }

    /// The claims of a token this emulator signed; `None` for anything else (opaque
    /// tokens, other issuers' JWTs, tampered or re-signed tokens).
    pub fn verify(&self, token: &str) -> Option<Map<String, Value>> {
        let parts = split(token)?;
        if parts.header.get("alg")?.as_str()? != "HS256"
            || parts.header.get("kid")?.as_str()? != KID
        {
            return None;
        }
        hmac::verify(&self.key, parts.signing_input.as_bytes(), &parts.signature).ok()?;
        Some(parts.claims)
    }
}

impl Default for Signer {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signs_and_verifies() {
        let signer = Signer::new();
        let token = signer.sign(&json!({"aud": "x", "n": 1}));
        let claims = signer.verify(&token).unwrap();
        assert_eq!(claims["aud"], "x");
        // Another key, a changed payload, an opaque string: not ours.
        assert!(Signer::new().verify(&token).is_none());
        let mut parts: Vec<&str> = token.split('.').collect();
        let other = b64url(br#"{"aud":"y","n":1}"#);
        parts[1] = &other;
        assert!(signer.verify(&parts.join(".")).is_none());
        assert!(signer.verify("opaque-token").is_none());
    }

    #[test]
    fn decodes_lenient_base64url() {
        assert_eq!(b64url_decode("-_8").unwrap(), vec![0xfb, 0xff]);
        assert_eq!(b64url_decode("+/8=").unwrap(), vec![0xfb, 0xff]);
    }
}
