//! What a token request asks for: v2 `scope` (resource-qualified scopes; the resource is
//! everything before the last `/`, as MSAL maps it) or v1 `resource`.

use super::aadsts::AadError;

/// OpenID Connect scopes that name no resource.
const OIDC: [&str; 4] = ["openid", "profile", "offline_access", "email"];

/// A user (delegated) request: one resource and the scope names on it.
#[derive(Clone, Debug, PartialEq)]
pub struct Requested {
    pub resource: String,
    /// Scope names without the resource; `.default` stands for what was consented,
    /// `user_impersonation` for Partner Center.
    pub names: Vec<String>,
    pub openid: bool,
}

impl Requested {
    /// v1: the resource, Partner Center's one delegated permission.
    pub fn v1(resource: &str) -> Requested {
        Requested {
            resource: resource.trim().to_string(),
            names: vec!["user_impersonation".to_string()],
            openid: false,
        }
    }

    /// The `scp` claim: space-separated scope names.
    pub fn scp(&self) -> String {
        self.granted_names().join(" ")
    }

    /// The v2 response's `scope`: the granted scopes, resource-qualified.
    pub fn granted(&self) -> String {
        self.granted_names()
            .iter()
            .map(|n| format!("{}/{n}", self.resource))
            .collect::<Vec<_>>()
            .join(" ")
    }

    fn granted_names(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for n in &self.names {
            let n = if n == ".default" {
                "user_impersonation"
            } else {
                n.as_str()
            };
            if !out.iter().any(|o| o == n) {
                out.push(n.to_string());
            }
        }
        out
    }
}

fn missing_scope() -> AadError {
    AadError::invalid_scope("The provided request must include a 'scope' input parameter.")
}

fn not_valid(detail: &str) -> AadError {
    AadError::invalid_scope(&format!(
        "The provided value for the input parameter 'scope' is not valid. {detail}"
    ))
}

/// Splits a resource-qualified scope at its last `/`.
fn split_scope(scope: &str) -> Option<(&str, &str)> {
    let (resource, name) = scope.rsplit_once('/')?;
    (!resource.is_empty() && !name.is_empty() && !resource.ends_with(['/', ':']))
        .then_some((resource, name))
}

/// Client credentials: exactly one scope, `{resource}/.default`. Returns the resource.
pub fn app_scope(scope: Option<&str>) -> Result<String, AadError> {
    let scope = scope.ok_or_else(missing_scope)?;
    let items: Vec<&str> = scope.split_whitespace().collect();
    let [only] = items.as_slice() else {
        return Err(not_valid(
            "Client credential flows take exactly one scope: the resource identifier with the /.default suffix.",
        ));
    };
    match split_scope(only) {
        Some((resource, ".default")) => Ok(resource.to_string()),
        _ => Err(not_valid(&format!(
            "The scope '{}' is not valid: client credential flows must have a scope value with /.default \
             suffixed to the resource identifier (application ID URI).",
            crate::errors::truncate(only, 200)
        ))),
    }
}

/// Refresh and device-code flows: scopes of exactly one resource, plus any OIDC scopes.
pub fn user_scopes(scope: Option<&str>) -> Result<Requested, AadError> {
    let scope = scope.ok_or_else(missing_scope)?;
    let mut resource: Option<&str> = None;
    let mut names = Vec::new();
    let mut openid = false;
    for item in scope.split_whitespace() {
        if OIDC.iter().any(|o| o.eq_ignore_ascii_case(item)) {
            openid |= item.eq_ignore_ascii_case("openid");
            continue;
        }
        let Some((r, name)) = split_scope(item) else {
            return Err(not_valid(&format!(
                "The scope '{}' is not valid: use the resource identifier followed by the scope name, \
                 e.g. https://api.partnercenter.microsoft.com/user_impersonation.",
                crate::errors::truncate(item, 200)
            )));
        };
        match resource {
            Some(existing) if !existing.eq_ignore_ascii_case(r) => {
                return Err(not_valid(
                    "The scopes requested span more than one resource.",
                ));
            }
            _ => resource = Some(r),
        }
        names.push(name.to_string());
    }
    let resource = resource.ok_or_else(|| {
        not_valid("The request names no resource: add e.g. https://api.partnercenter.microsoft.com/user_impersonation.")
    })?;
    Ok(Requested {
        resource: resource.to_string(),
        names,
        openid,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const PC: &str = "https://api.partnercenter.microsoft.com";

    #[test]
    fn client_credentials_take_one_default_scope() {
        assert_eq!(app_scope(Some(&format!("{PC}/.default"))).unwrap(), PC);
        assert_eq!(
            app_scope(Some("fa3d9a0c-3fb0-42cc-9193-47c7ecd2edbd/.default")).unwrap(),
            "fa3d9a0c-3fb0-42cc-9193-47c7ecd2edbd"
        );
        for bad in [
            format!("{PC}/user_impersonation"),
            format!("{PC}/.default https://graph.windows.net/.default"),
            ".default".to_string(),
            "https://x/".to_string(),
        ] {
            assert_eq!(app_scope(Some(&bad)).unwrap_err().code, 70011, "{bad}");
        }
        assert_eq!(app_scope(None).unwrap_err().error, "invalid_scope");
    }

    #[test]
    fn user_scopes_name_one_resource() {
        let r = user_scopes(Some(&format!(
            "{PC}/user_impersonation offline_access openid profile"
        )))
        .unwrap();
        assert_eq!(r.resource, PC);
        assert_eq!(r.scp(), "user_impersonation");
        assert_eq!(r.granted(), format!("{PC}/user_impersonation"));
        assert!(r.openid);
        let r = user_scopes(Some(&format!("{PC}/.default"))).unwrap();
        assert_eq!(r.scp(), "user_impersonation");
        assert!(!r.openid);
        for bad in [
            "offline_access openid".to_string(),
            format!("{PC}/user_impersonation https://graph.windows.net/.default"),
            "user_impersonation".to_string(),
        ] {
            assert_eq!(user_scopes(Some(&bad)).unwrap_err().code, 70011, "{bad}");
        }
    }
}
