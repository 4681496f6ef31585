//! App-only sign-in with a certificate: the client-credentials grant with a signed client
//! assertion (a JWT) instead of a secret.
//!
//! The assertion follows Microsoft Entra's current rules: `PS256` with the certificate's SHA-256
//! thumbprint as `x5t#S256`, audience the token endpoint, a fresh `jti`, ten minutes of life.

use std::fmt;
use std::path::Path;
use std::time::{Duration, SystemTime};

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use ring::rand::SystemRandom;
use ring::signature::{RSA_PSS_SHA256, RsaKeyPair};
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, PrivateKeyDer};

use super::client_secret::{client_credentials, non_empty};
use super::endpoint::TokenEndpoint;
use super::{AccessToken, Cached, CredentialOptions, TokenSource};
use crate::auth::{BoxFuture, TokenRequest};
use crate::error::Error;

const ASSERTION_LIFETIME: Duration = Duration::from_secs(600);

/// A certificate and its RSA private key, read from PEM.
pub struct ClientCertificate {
    key: RsaKeyPair,
    /// base64url SHA-256 of the certificate's DER.
    thumbprint_s256: String,
}

impl ClientCertificate {
    /// Reads the first `CERTIFICATE` and the private key (`PRIVATE KEY`, `RSA PRIVATE KEY`, or
    /// `ENCRYPTED PRIVATE KEY` with `password`) from PEM text; both may be in one file.
    pub fn from_pem(pem: &[u8], password: Option<&str>) -> Result<Self, Error> {
        let bad = |what: String| Error::Config(format!("certificate: {what}"));
        let cert = CertificateDer::pem_slice_iter(pem)
            .next()
            .ok_or_else(|| bad("no BEGIN CERTIFICATE block in the PEM data".into()))?
            .map_err(|e| bad(format!("unreadable CERTIFICATE block: {e:?}")))?;
        let key = match encrypted_key_block(pem) {
            Some(block) => {
                let password = password.ok_or_else(|| {
                    bad("the private key is encrypted: give its password".into())
                })?;
                let der = decrypt_pkcs8(block, password)?;
                RsaKeyPair::from_pkcs8(&der)
            }
            None => match PrivateKeyDer::from_pem_slice(pem) {
                Ok(PrivateKeyDer::Pkcs8(der)) => RsaKeyPair::from_pkcs8(der.secret_pkcs8_der()),
                Ok(PrivateKeyDer::Pkcs1(der)) => RsaKeyPair::from_der(der.secret_pkcs1_der()),
                Ok(_) => return Err(bad("the private key must be an RSA key".into())),
                Err(_) => {
                    return Err(bad(
                        "no private key block (PRIVATE KEY, RSA PRIVATE KEY or ENCRYPTED PRIVATE KEY) in the PEM data"
                            .into(),
                    ));
                }
            },
        }
        .map_err(|e| bad(format!("the private key is not a usable RSA key: {e}")))?;
        let digest = ring::digest::digest(&ring::digest::SHA256, cert.as_ref());
        Ok(Self {
            key,
            thumbprint_s256: URL_SAFE_NO_PAD.encode(digest.as_ref()),
        })
    }

    /// [`from_pem`](Self::from_pem) on a file's contents.
    pub fn from_file(path: impl AsRef<Path>, password: Option<&str>) -> Result<Self, Error> {
        let path = path.as_ref();
        let pem = std::fs::read(path).map_err(|e| {
            Error::Config(format!(
                "cannot read the certificate {}: {e}",
                path.display()
            ))
        })?;
        Self::from_pem(&pem, password)
    }

    /// The signed assertion for `client_id` at token endpoint `audience`.
    fn assertion(&self, client_id: &str, audience: &str) -> Result<String, Error> {
        let now = SystemTime::now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .unwrap_or_default()
            .as_secs();
        let header =
            serde_json::json!({"alg": "PS256", "typ": "JWT", "x5t#S256": self.thumbprint_s256});
        let claims = serde_json::json!({
            "aud": audience,
            "iss": client_id,
            "sub": client_id,
            "jti": uuid::Uuid::new_v4().to_string(),
            "nbf": now,
            "iat": now,
            "exp": now + ASSERTION_LIFETIME.as_secs(),
        });
        let signing_input = format!(
            "{}.{}",
            URL_SAFE_NO_PAD.encode(header.to_string()),
            URL_SAFE_NO_PAD.encode(claims.to_string())
        );
        let mut signature = vec![0; self.key.public().modulus_len()];
        self.key
            .sign(
                &RSA_PSS_SHA256,
                &SystemRandom::new(),
                signing_input.as_bytes(),
                &mut signature,
            )
            .map_err(|_| {
                Error::Config("certificate: signing the client assertion failed".into())
            })?;
        Ok(format!(
            "{signing_input}.{}",
            URL_SAFE_NO_PAD.encode(signature)
        ))
    }
}

impl fmt::Debug for ClientCertificate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The thumbprint identifies the certificate and is public; the key is not shown.
        f.debug_struct("ClientCertificate")
            .field("thumbprint_s256", &self.thumbprint_s256)
            .finish_non_exhaustive()
    }
}

/// The `ENCRYPTED PRIVATE KEY` block of `pem`, armour included.
fn encrypted_key_block(pem: &[u8]) -> Option<&str> {
    const BEGIN: &str = "-----BEGIN ENCRYPTED PRIVATE KEY-----";
    const END: &str = "-----END ENCRYPTED PRIVATE KEY-----";
    let text = std::str::from_utf8(pem).ok()?;
    let start = text.find(BEGIN)?;
    let end = start + text[start..].find(END)? + END.len();
    Some(&text[start..end])
}

fn decrypt_pkcs8(block: &str, password: &str) -> Result<Vec<u8>, Error> {
    use pkcs8::der::Decode;
    let (_, doc) = pkcs8::Document::from_pem(block)
        .map_err(|e| Error::Config(format!("certificate: unreadable encrypted key: {e}")))?;
    let info = pkcs8::EncryptedPrivateKeyInfo::from_der(doc.as_bytes())
        .map_err(|e| Error::Config(format!("certificate: unreadable encrypted key: {e}")))?;
    let plain = info.decrypt(password).map_err(|_| {
        Error::Config("certificate: cannot decrypt the private key (wrong password?)".into())
    })?;
    Ok(plain.as_bytes().to_vec())
}

/// The client-credentials grant with a certificate.
pub struct CertificateFlow {
    endpoint: TokenEndpoint,
    client_id: String,
    certificate: ClientCertificate,
}

/// App-only sign-in with a certificate, cached.
pub type CertificateCredential = Cached<CertificateFlow>;

impl Cached<CertificateFlow> {
    pub fn new(
        tenant_id: impl Into<String>,
        client_id: impl Into<String>,
        certificate: ClientCertificate,
        options: CredentialOptions,
    ) -> Result<Self, Error> {
        let refresh = options.refresh.clone();
        Ok(Cached::with_source(
            CertificateFlow {
                endpoint: TokenEndpoint::new(tenant_id, &options)?,
                client_id: non_empty("client_id", client_id.into())?,
                certificate,
            },
            refresh,
        ))
    }
}

impl TokenSource for CertificateFlow {
    fn fetch<'a>(&'a self, request: &'a TokenRequest) -> BoxFuture<'a, Result<AccessToken, Error>> {
        Box::pin(async move {
            // The assertion's audience is the token endpoint it is sent to.
            let audience = self.endpoint.url(request, "token")?;
            let assertion = self.certificate.assertion(&self.client_id, &audience)?;
            client_credentials(
                &self.endpoint,
                request,
                &self.client_id,
                ("client_assertion", &assertion),
            )
            .await
        })
    }
}

impl fmt::Debug for CertificateFlow {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CertificateFlow")
            .field("endpoint", &self.endpoint)
            .field("client_id", &self.client_id)
            .field("certificate", &self.certificate)
            .finish()
    }
}
