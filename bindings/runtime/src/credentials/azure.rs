//! A credential of the Azure SDK for Rust (`azure_core::credentials::TokenCredential`, e.g.
//! `azure_identity::ClientSecretCredential`) as a client's credential, behind this runtime's
//! token cache (feature `azure`). It is asked for the client's application scope (`…/.default`),
//! which Entra also accepts for delegated tokens.

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use azure_core::credentials::TokenCredential;

use super::client_secret::scope;
use super::{AccessToken, Cached, RefreshPolicy, TokenSource};
use crate::auth::{BoxFuture, TokenRequest};
use crate::error::{AuthError, Error};
use crate::secret::Secret;

/// An Azure SDK credential as a [`TokenSource`].
pub struct AzureCredential(Arc<dyn TokenCredential>);

/// An Azure SDK credential, cached.
pub type AzureTokenCredential = Cached<AzureCredential>;

impl Cached<AzureCredential> {
    pub fn from_azure(credential: Arc<dyn TokenCredential>) -> Self {
        Cached::with_source(AzureCredential(credential), RefreshPolicy::default())
    }
}

impl TokenSource for AzureCredential {
    fn fetch<'a>(&'a self, request: &'a TokenRequest) -> BoxFuture<'a, Result<AccessToken, Error>> {
        Box::pin(async move {
            let scope = scope(&request.app_scope, "application")?;
            let token = self.0.get_token(&[scope], None).await.map_err(|e| {
                Error::from(AuthError {
                    error: "credential_unavailable".into(),
                    error_description: Some(format!("the Azure credential failed: {e}")),
                    ..AuthError::default()
                })
            })?;
            let expires = u64::try_from(token.expires_on.unix_timestamp()).unwrap_or(0);
            Ok(AccessToken {
                token: Secret::new(token.token.secret()),
                expires_on: SystemTime::UNIX_EPOCH + Duration::from_secs(expires),
                refresh_on: None,
            })
        })
    }
}

impl fmt::Debug for AzureCredential {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // azure_core's credentials redact their own secrets in Debug.
        f.debug_tuple("AzureCredential").field(&self.0).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use azure_core::credentials::TokenRequestOptions;
    use azure_core::time::OffsetDateTime;
    use std::sync::Mutex;

    #[derive(Debug, Default)]
    struct Scripted {
        scopes: Mutex<Vec<String>>,
        fail: bool,
    }

    #[async_trait::async_trait]
    impl TokenCredential for Scripted {
        async fn get_token(
            &self,
            scopes: &[&str],
            _: Option<TokenRequestOptions<'_>>,
        ) -> azure_core::Result<azure_core::credentials::AccessToken> {
            self.scopes
                .lock()
                .unwrap()
                .extend(scopes.iter().map(|s| s.to_string()));
            if self.fail {
                return Err(azure_core::Error::with_message(
                    azure_core::error::ErrorKind::Credential,
                    "no managed identity here",
                ));
            }
            Ok(azure_core::credentials::AccessToken {
                token: azure_core::credentials::Secret::new("azure-issued-token"),
                expires_on: OffsetDateTime::now_utc() + azure_core::time::Duration::hours(1),
            })
        }
    }

    #[tokio::test]
    async fn asks_for_the_application_scope_and_caches() {
        let inner = Arc::new(Scripted::default());
        let cred = AzureTokenCredential::from_azure(inner.clone());
        let req = TokenRequest::new("https://login.test", "https://api.test/.default", "u");
        assert_eq!(cred.get(&req).await.unwrap().expose(), "azure-issued-token");
        assert_eq!(cred.get(&req).await.unwrap().expose(), "azure-issued-token");
        assert_eq!(*inner.scopes.lock().unwrap(), ["https://api.test/.default"]);
        assert!(!format!("{cred:?}").contains("azure-issued-token"));
    }

    #[tokio::test]
    async fn a_failure_is_an_authentication_error() {
        let cred = AzureTokenCredential::from_azure(Arc::new(Scripted {
            fail: true,
            ..Default::default()
        }));
        let err = cred
            .get(&TokenRequest::new("", "https://api.test/.default", ""))
            .await
            .unwrap_err();
        assert_eq!(err.kind(), crate::ErrorKind::Authentication);
        assert!(
            err.to_string().contains("no managed identity here"),
            "{err}"
        );
    }
}
