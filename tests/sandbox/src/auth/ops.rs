//! Which operations accept only App+User tokens, read from the spec itself
//! (`x-pc-requires-app-user: true`) at compile time, so the emulator cannot drift from it.

use std::sync::LazyLock;

use axum::http::Method;

const SPEC: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../spec/partner-center-customers.yaml"
));

const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

#[derive(Debug, PartialEq, Eq)]
enum Segment {
    Literal(String),
    Param,
}

#[derive(Debug)]
struct Template {
    path: String,
    segments: Vec<Segment>,
    /// (upper-case method, requires App+User)
    methods: Vec<(String, bool)>,
}

/// Every operation of the spec, by path template.
#[derive(Debug, Default)]
pub struct Operations {
    templates: Vec<Template>,
}

static OPERATIONS: LazyLock<Operations> =
    LazyLock::new(|| Operations::parse(SPEC).unwrap_or_default());

pub fn operations() -> &'static Operations {
    &OPERATIONS
}

fn segments(path: &str) -> impl Iterator<Item = &str> {
    path.split('/').filter(|s| !s.is_empty())
}

impl Operations {
    pub fn parse(spec: &str) -> Result<Operations, String> {
        let doc: serde_norway::Value = serde_norway::from_str(spec).map_err(|e| e.to_string())?;
        let paths = doc
            .get("paths")
            .and_then(|p| p.as_mapping())
            .ok_or("the spec has no paths")?;
        let mut templates = Vec::new();
        for (path, item) in paths {
            let Some(path) = path.as_str() else { continue };
            let methods = METHODS
                .iter()
                .filter_map(|m| {
                    let op = item.get(*m)?;
                    let app_user = op
                        .get("x-pc-requires-app-user")
                        .and_then(|v| v.as_bool())
                        .unwrap_or(false);
                    Some((m.to_ascii_uppercase(), app_user))
                })
                .collect();
            templates.push(Template {
                path: path.to_string(),
                segments: segments(path)
                    .map(|s| {
                        if s.starts_with('{') && s.ends_with('}') {
                            Segment::Param
                        } else {
                            Segment::Literal(s.to_string())
                        }
                    })
                    .collect(),
                methods,
            });
        }
        Ok(Operations { templates })
    }

    /// `(METHOD, path template)` of every App+User-only operation.
    pub fn app_user_only(&self) -> Vec<(String, String)> {
        self.templates
            .iter()
            .flat_map(|t| {
                t.methods
                    .iter()
                    .filter(|(_, app_user)| *app_user)
                    .map(|(m, _)| (m.clone(), t.path.clone()))
            })
            .collect()
    }

    /// The path template a request path belongs to: the one with the same number of
    /// segments whose literals all match (case-insensitively), preferring literals over
    /// parameters from the left (`/v1/customers/relationshiprequests` is not
    /// `/v1/customers/{customer-tenant-id}`).
    fn template(&self, path: &str) -> Option<&Template> {
        let parts: Vec<&str> = segments(path).collect();
        self.templates
            .iter()
            .filter(|t| {
                t.segments.len() == parts.len()
                    && t.segments.iter().zip(&parts).all(|(seg, part)| match seg {
                        Segment::Literal(l) => l.eq_ignore_ascii_case(part),
                        Segment::Param => !part.is_empty(),
                    })
            })
            .max_by(|a, b| {
                let key = |t: &Template| -> Vec<bool> {
                    t.segments
                        .iter()
                        .map(|s| matches!(s, Segment::Literal(_)))
                        .collect()
                };
                key(a).cmp(&key(b))
            })
    }

    /// Whether the spec marks the operation at (`method`, `path`) App+User-only.
    pub fn requires_app_user(&self, method: &Method, path: &str) -> bool {
        self.template(path).is_some_and(|t| {
            t.methods
                .iter()
                .any(|(m, app_user)| *app_user && m == method.as_str())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_spec_marks_app_user_operations() {
        let ops = Operations::parse(SPEC).expect("the spec parses");
        let set = ops.app_user_only();
        assert!(!set.is_empty());
        assert!(set.contains(&(
            "GET".to_string(),
            "/v1/customers/{customer-tenant-id}/profiles/company".to_string()
        )));
        assert!(!set.contains(&("GET".to_string(), "/v1/customers".to_string())));
    }

    #[test]
    fn requests_match_templates() {
        let ops = operations();
        let id = "6b8d4f2c-0000-4000-8000-000000000001";
        assert!(ops.requires_app_user(
            &Method::GET,
            &format!("/v1/customers/{id}/profiles/company")
        ));
        assert!(ops.requires_app_user(
            &Method::GET,
            &format!("/V1/Customers/{id}/Profiles/Company")
        ));
        assert!(!ops.requires_app_user(
            &Method::GET,
            &format!("/v1/customers/{id}/profiles/billing")
        ));
        assert!(!ops.requires_app_user(&Method::GET, &format!("/v1/customers/{id}")));
        assert!(!ops.requires_app_user(&Method::GET, "/v1/customers"));
        assert!(!ops.requires_app_user(&Method::GET, "/v1/unknown"));
    }

    #[test]
    fn a_literal_beats_a_parameter_at_the_same_place() {
        let ops = Operations::parse(
            "paths:\n  /v1/customers/{id}:\n    get: {}\n  /v1/customers/requests:\n    get:\n      x-pc-requires-app-user: true\n",
        )
        .unwrap();
        assert!(ops.requires_app_user(&Method::GET, "/v1/customers/requests"));
        assert!(!ops.requires_app_user(&Method::GET, "/v1/customers/other"));
    }

    #[test]
    fn a_spec_without_paths_is_an_error() {
        assert!(Operations::parse("openapi: 3.0.3\n").is_err());
        let ops = Operations::parse(
            "paths:\n  /a/{x}:\n    get:\n      x-pc-requires-app-user: true\n    put: {}\n",
        )
        .unwrap();
        assert!(ops.requires_app_user(&Method::GET, "/a/1"));
        assert!(!ops.requires_app_user(&Method::PUT, "/a/1"));
        assert!(!ops.requires_app_user(&Method::GET, "/a"));
    }
}
