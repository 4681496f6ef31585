//! Certificate client credentials: the `client_assertion` JWT (auth.md §1.2.1). Both header
//! styles Entra accepts are checked: `PS256` + `x5t#S256` (current docs, MSAL) and `RS256` +
//! `x5t` (older docs, azure_identity for Rust). The signature is checked with rustls-webpki
//! against the public key of the registered certificate.

use rustls_pki_types::CertificateDer;
use serde_json::Value;
use webpki::EndEntityCert;

use super::jwt::{self, b64url_decode};
use super::store::{Certificate, now_unix};

/// The longest assertion lifetime accepted (`exp` − `nbf`/`iat`), plus a little skew.
const MAX_LIFETIME_SECS: u64 = 24 * 3600 + 300;
/// Allowed clock skew for `nbf`.
const SKEW_SECS: u64 = 300;

/// Checks `assertion` for `client_id` at `tenant`. The error is the reason, for the
/// AADSTS700027 description (never the assertion itself).
pub fn verify(
    assertion: &str,
    client_id: &str,
    tenant: &str,
    certificate: &Certificate,
) -> Result<(), String> {
    let parts = jwt::split(assertion).ok_or("The assertion is not a JWT.")?;
    let header = &parts.header;
    let alg = header
        .get("alg")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let algorithm = match alg {
        "RS256" => webpki::ring::RSA_PKCS1_2048_8192_SHA256,
        "PS256" => webpki::ring::RSA_PSS_2048_8192_SHA256_LEGACY_KEY,
        other => {
            return Err(format!(
                "Unsupported signing algorithm '{}': use PS256 or RS256.",
                crate::errors::truncate(other, 20)
            ));
        }
    };

    // The key id: x5t#S256 (SHA-256) preferred, else x5t (SHA-1).
    let thumbprint = |name: &str| {
        header
            .get(name)
            .and_then(Value::as_str)
            .and_then(b64url_decode)
    };
    let matches = match (thumbprint("x5t#S256"), thumbprint("x5t")) {
        (Some(sha256), _) => sha256 == certificate.sha256,
        (None, Some(sha1)) => sha1 == certificate.sha1,
        (None, None) => {
            return Err("The assertion header has neither 'x5t#S256' nor 'x5t'.".into());
        }
    };
    if !matches {
        return Err(
            "The certificate with identifier used to sign the client assertion is not registered on application."
                .into(),
        );
    }

    let der = CertificateDer::from(certificate.der.as_slice());
    let cert =
        EndEntityCert::try_from(&der).map_err(|_| "The registered certificate cannot be read.")?;
    cert.verify_signature(algorithm, parts.signing_input.as_bytes(), &parts.signature)
        .map_err(|_| "Client assertion contains an invalid signature.")?;

    let claims = &parts.claims;
    let text = |name: &str| claims.get(name).and_then(Value::as_str).unwrap_or_default();
    if !text("iss").eq_ignore_ascii_case(client_id) || !text("sub").eq_ignore_ascii_case(client_id)
    {
        return Err("The assertion's 'iss' and 'sub' must both be the client id.".into());
    }
    let aud_ok = |aud: &str| {
        let aud = aud.trim_end_matches('/').to_ascii_lowercase();
        let tenant = tenant.to_ascii_lowercase();
        aud.ends_with(&format!("/{tenant}/oauth2/v2.0/token"))
            || aud.ends_with(&format!("/{tenant}/oauth2/token"))
    };
    let aud_valid = match claims.get("aud") {
        Some(Value::String(a)) => aud_ok(a),
        Some(Value::Array(list)) => list.iter().filter_map(Value::as_str).any(aud_ok),
        _ => false,
    };
    if !aud_valid {
        return Err(format!(
            "The assertion's audience must be this tenant's token endpoint (…/{}/oauth2/v2.0/token).",
            crate::errors::truncate(tenant, 100)
        ));
    }
    // NumericDate may have a fraction (MSAL Python sends `time.time()` floats).
    let number = |name: &str| {
        let v = claims.get(name)?;
        v.as_u64().or_else(|| {
            v.as_f64()
                .filter(|f| f.is_finite() && *f >= 0.0)
                .map(|f| f as u64)
        })
    };
    let now = now_unix();
    let exp = number("exp").ok_or("The assertion has no 'exp'.")?;
    if exp <= now {
        return Err("The assertion has expired.".into());
    }
    if number("nbf").is_some_and(|nbf| nbf > now + SKEW_SECS) {
        return Err("The assertion is not valid yet ('nbf' is in the future).".into());
    }
    let start = number("nbf").or(number("iat")).unwrap_or(now);
    if exp.saturating_sub(start) > MAX_LIFETIME_SECS {
        return Err(
            "The assertion lives too long: 'exp' must be at most a day after 'nbf'/'iat'.".into(),
        );
    }
    if text("jti").trim().is_empty() {
        return Err("The assertion has no 'jti'.".into());
    }
    Ok(())
}
