//! Seek-based paging and list filters, shared by GET /v1/customers (reference §5.1, §6,
//! §4.13) and GET /v1/customers/{id}/users (reference-2 §9.3).
//!
//! A continuation token carries everything needed for the next page (scope, cursor, page
//! size, filter), because the documented seek request sends only `seekOperation=Next` and
//! the `MS-ContinuationToken` header. The cursor is the creation sequence number of the last
//! item returned, so the order is stable and deletes between pages skip nothing. The scope
//! names the list (empty for customers, the customer id for its users), so a token of one
//! list is refused by another.

use axum::http::HeaderMap;
use serde_json::Value;

use crate::errors::ApiError;
use crate::model::{KeyValue, Link, Links};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FilterField {
    CompanyName,
    Domain,
    IndirectReseller,
    /// Users: `equals` `active` or `inactive` (soft-deleted).
    UserState,
}

impl FilterField {
    fn code(self) -> char {
        match self {
            FilterField::CompanyName => 'c',
            FilterField::Domain => 'd',
            FilterField::IndirectReseller => 'r',
            FilterField::UserState => 'u',
        }
    }

    fn from_code(c: &str) -> Option<Self> {
        match c {
            "c" => Some(FilterField::CompanyName),
            "d" => Some(FilterField::Domain),
            "r" => Some(FilterField::IndirectReseller),
            "u" => Some(FilterField::UserState),
            _ => None,
        }
    }
}

/// Customers: `starts_with`, case-insensitive ("The case of the value is ignored",
/// reference §4.13). Users: `UserState equals active|inactive`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Filter {
    pub field: FilterField,
    /// Lower-cased.
    pub value: String,
}

impl Filter {
    /// Whether a customer passes (a user filter passes none).
    pub fn matches(&self, company_name: &str, domain: &str, reseller: Option<&str>) -> bool {
        let subject = match self.field {
            FilterField::CompanyName => company_name,
            FilterField::Domain => domain,
            FilterField::IndirectReseller => reseller.unwrap_or(""),
            FilterField::UserState => return false,
        };
        if self.field == FilterField::IndirectReseller && reseller.is_none() {
            return false;
        }
        subject.to_lowercase().starts_with(&self.value)
    }
}

/// Where a page starts and what it contains.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cursor {
    /// Which list the cursor walks: "" for customers, the customer id for its users.
    pub scope: String,
    /// Return items with a sequence number greater than this (None = from the start).
    pub after: Option<u64>,
    /// 0 = everything.
    pub size: usize,
    pub filter: Option<Filter>,
}

/// Decodes `application/x-www-form-urlencoded` query text; parameter names are matched
/// case-insensitively later, as ASP.NET binds them.
pub fn parse_query(raw: Option<&str>) -> Vec<(String, String)> {
    let Some(raw) = raw else {
        return Vec::new();
    };
    raw.split('&')
        .filter(|p| !p.is_empty())
        .map(|pair| {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            (percent_decode(k), percent_decode(v))
        })
        .collect()
}

pub fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => match (hex_val(bytes[i + 1]), hex_val(bytes[i + 2])) {
                (Some(h), Some(l)) => {
                    out.push(h * 16 + l);
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

fn hex_val(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

pub fn query_param<'a>(params: &'a [(String, String)], name: &str) -> Option<&'a str> {
    params
        .iter()
        .rev()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

/// Customers: `size` absent or 0 = everything, no upper bound.
pub fn parse_size(raw: Option<&str>) -> Result<usize, ApiError> {
    parse_size_within(raw, 0, None)
}

/// `size` with a default (when absent) and an optional maximum; 0 = everything in one page.
pub fn parse_size_within(
    raw: Option<&str>,
    default: usize,
    max: Option<usize>,
) -> Result<usize, ApiError> {
    let size = match raw.map(str::trim) {
        None | Some("") => return Ok(default),
        Some(s) => s.parse::<usize>().map_err(|_| {
            ApiError::bad_input(format!(
                "size must be a non-negative integer, got '{}'",
                crate::errors::truncate(s, 50)
            ))
        })?,
    };
    match max {
        Some(max) if size > max => Err(ApiError::bad_input(format!(
            "size must be at most {max}, got {size}"
        ))),
        _ => Ok(size),
    }
}

/// With `seekOperation=Next`: the cursor of the `MS-ContinuationToken` header, which must
/// have been issued for `scope`. `None` when the request asks for a first page.
pub fn next_cursor(
    params: &[(String, String)],
    headers: &HeaderMap,
    secret: u64,
    scope: &str,
) -> Result<Option<Cursor>, ApiError> {
    match query_param(params, "seekoperation") {
        None => Ok(None),
        Some(op) if op.eq_ignore_ascii_case("next") => {
            let token = headers
                .get("ms-continuationtoken")
                .and_then(|v| v.to_str().ok())
                .filter(|t| !t.trim().is_empty())
                .ok_or_else(|| {
                    ApiError::bad_input(
                        "seekOperation=Next requires the MS-ContinuationToken header",
                    )
                })?;
            decode_token(token, secret, scope).map(Some)
        }
        Some(op) => Err(ApiError::bad_input(format!(
            "seekOperation '{}' is not supported (only Next)",
            crate::errors::truncate(op, 50)
        ))),
    }
}

/// One page of a list and the token of the next one (`None` on the last page).
pub struct Page<T> {
    pub items: Vec<T>,
    pub token: Option<String>,
}

/// Takes the page `cursor` asks for from `entries`: (sequence number, item) in ascending
/// order, already filtered. Entries at or before the cursor are skipped.
pub fn page<T>(
    entries: impl IntoIterator<Item = (u64, T)>,
    cursor: &Cursor,
    secret: u64,
) -> Page<T> {
    let mut items = Vec::new();
    let mut last = None;
    let mut more = false;
    for (seq, item) in entries {
        if cursor.after.is_some_and(|after| seq <= after) {
            continue;
        }
        if cursor.size > 0 && items.len() == cursor.size {
            more = true;
            break;
        }
        items.push(item);
        last = Some(seq);
    }
    let token = more.then(|| {
        encode_token(
            &Cursor {
                after: last,
                ..cursor.clone()
            },
            secret,
        )
    });
    Page { items, token }
}

/// A collection's links: `self`, and while more pages remain `next` = a GET of `next_uri`
/// with the token in `MS-ContinuationToken`.
pub fn links(self_uri: String, next_uri: &str, token: Option<&str>) -> Links {
    Links {
        self_link: Link::get(self_uri),
        next: token.map(|t| Link {
            uri: next_uri.to_string(),
            method: "GET",
            headers: vec![KeyValue {
                key: "MS-ContinuationToken",
                value: t.to_string(),
            }],
        }),
    }
}

/// Parses the `filter` JSON: `{"Field": "CompanyName"|"Domain"|"IndirectReseller",
/// "Value": "...", "Operator": "starts_with"}`, keys in any case.
pub fn parse_filter(raw: &str) -> Result<Filter, ApiError> {
    let m = filter_members(raw)?;
    let field = match m.field.as_deref() {
        Some("companyname") => FilterField::CompanyName,
        Some("domain") => FilterField::Domain,
        Some("indirectreseller") => FilterField::IndirectReseller,
        _ => {
            return Err(ApiError::bad_input(
                "filter Field must be CompanyName, Domain or IndirectReseller",
            ));
        }
    };
    if !m.starts_with() {
        return Err(ApiError::bad_input(
            "filter Operator must be starts_with (the only operator customers support)",
        ));
    }
    let value = m
        .value
        .ok_or_else(|| ApiError::bad_input("filter Value must be a string"))?;
    Ok(Filter {
        field,
        value: value.to_lowercase(),
    })
}

/// The members of a `filter` query parameter: a JSON object with `Field`, `Value` and
/// `Operator` (keys in any case, other keys ignored). Field and operator are lower-cased.
pub struct FilterMembers {
    pub field: Option<String>,
    pub value: Option<String>,
    pub operator: Option<String>,
}

impl FilterMembers {
    /// `starts_with`, or `startswith` (the SDK's enum converter writes snake_case and reads
    /// PascalCase too).
    pub fn starts_with(&self) -> bool {
        matches!(
            self.operator.as_deref(),
            Some("starts_with") | Some("startswith")
        )
    }
}

pub fn filter_members(raw: &str) -> Result<FilterMembers, ApiError> {
    let v = crate::wire::parse_json(raw.as_bytes())
        .map(crate::wire::normalize)
        .ok()
        .filter(Value::is_object)
        .ok_or_else(|| ApiError::bad_input("filter must be a JSON object"))?;
    let text = |key: &str| v.get(key).and_then(Value::as_str);
    Ok(FilterMembers {
        field: text("field").map(str::to_ascii_lowercase),
        value: text("value").map(str::to_string),
        operator: text("operator").map(str::to_ascii_lowercase),
    })
}

/// Parses the user-list `filter` JSON: `{"Field": "UserState" (or the older "UserStatus"),
/// "Value": "Active"|"Inactive", "Operator": "equals"}`, keys and values in any case.
pub fn parse_user_filter(raw: &str) -> Result<Filter, ApiError> {
    let m = filter_members(raw)?;
    match m.field.as_deref() {
        Some("userstate") | Some("userstatus") => {}
        _ => {
            return Err(ApiError::bad_input(
                "filter Field must be UserState (or UserStatus)",
            ));
        }
    }
    match m.operator.as_deref() {
        Some("equals") => {}
        _ => {
            return Err(ApiError::bad_input(
                "filter Operator must be equals (the only operator users support)",
            ));
        }
    }
    match m.value.map(|v| v.to_ascii_lowercase()).as_deref() {
        Some(value @ ("active" | "inactive")) => Ok(Filter {
            field: FilterField::UserState,
            value: value.to_string(),
        }),
        _ => Err(ApiError::bad_input(
            "filter Value must be Active or Inactive",
        )),
    }
}

/// FNV-1a: a tiny keyed checksum so a token that was not issued by this server is
/// rejected instead of silently paging from a random place.
fn checksum(data: &[u8], secret: u64) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325 ^ secret;
    for &b in data {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

fn hex(data: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(data.len() * 2);
    for &b in data {
        s.push(DIGITS[(b >> 4) as usize] as char);
        s.push(DIGITS[(b & 15) as usize] as char);
    }
    s
}

fn unhex(s: &str) -> Option<Vec<u8>> {
    if !s.len().is_multiple_of(2) {
        return None;
    }
    s.as_bytes()
        .chunks(2)
        .map(|c| Some(hex_val(c[0])? * 16 + hex_val(c[1])?))
        .collect()
}

/// Token = hex("v2|scope|after|size|field|value") + "." + hex(checksum). Opaque to clients.
pub fn encode_token(cursor: &Cursor, secret: u64) -> String {
    let (field, value) = match &cursor.filter {
        Some(f) => (f.field.code().to_string(), f.value.as_str()),
        None => ("-".to_string(), ""),
    };
    let raw = format!(
        "v2|{}|{}|{}|{}|{}",
        cursor.scope,
        cursor.after.unwrap_or(0),
        cursor.size,
        field,
        value
    );
    format!(
        "{}.{:016x}",
        hex(raw.as_bytes()),
        checksum(raw.as_bytes(), secret)
    )
}

/// The cursor of a token this server issued for the list `scope`.
pub fn decode_token(token: &str, secret: u64, scope: &str) -> Result<Cursor, ApiError> {
    let bad = || ApiError::bad_input("the continuation token is not valid");
    let (data, sum) = token.trim().split_once('.').ok_or_else(bad)?;
    let raw = unhex(data).ok_or_else(bad)?;
    let sum = u64::from_str_radix(sum, 16).map_err(|_| bad())?;
    if checksum(&raw, secret) != sum {
        return Err(bad());
    }
    let raw = String::from_utf8(raw).map_err(|_| bad())?;
    let mut parts = raw.splitn(6, '|');
    if parts.next() != Some("v2") || parts.next() != Some(scope) {
        return Err(bad());
    }
    let after = parts
        .next()
        .and_then(|p| p.parse::<u64>().ok())
        .ok_or_else(bad)?;
    let size = parts
        .next()
        .and_then(|p| p.parse::<usize>().ok())
        .ok_or_else(bad)?;
    let field = parts.next().ok_or_else(bad)?;
    let value = parts.next().ok_or_else(bad)?;
    let filter = match field {
        "-" => None,
        code => Some(Filter {
            field: FilterField::from_code(code).ok_or_else(bad)?,
            value: value.to_string(),
        }),
    };
    Ok(Cursor {
        scope: scope.to_string(),
        after: Some(after),
        size,
        filter,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_round_trip_and_tamper() {
        let c = Cursor {
            scope: String::new(),
            after: Some(42),
            size: 3,
            filter: Some(Filter {
                field: FilterField::Domain,
                value: "a|b".into(),
            }),
        };
        let t = encode_token(&c, 7);
        assert_eq!(decode_token(&t, 7, "").unwrap(), c);
        assert!(decode_token(&t, 8, "").is_err());
        assert!(decode_token(&t, 7, "other-list").is_err(), "scoped");
        assert!(decode_token("garbage", 7, "").is_err());
        assert!(decode_token("zz.00", 7, "").is_err());
        let users = Cursor {
            scope: "6b8d4f2c-0000-4000-8000-000000000001".into(),
            after: Some(1),
            size: 100,
            filter: Some(Filter {
                field: FilterField::UserState,
                value: "inactive".into(),
            }),
        };
        let t = encode_token(&users, 7);
        assert_eq!(decode_token(&t, 7, &users.scope).unwrap(), users);
        assert!(decode_token(&t, 7, "").is_err());
    }

    #[test]
    fn decoding() {
        assert_eq!(percent_decode("a%7B%22b+c%zz%4"), "a{\"b c%zz%4");
        let q = parse_query(Some("Size=3&filter=%7B%7D&x"));
        assert_eq!(query_param(&q, "size"), Some("3"));
        assert_eq!(query_param(&q, "FILTER"), Some("{}"));
        assert_eq!(query_param(&q, "x"), Some(""));
    }

    #[test]
    fn filters() {
        let f = parse_filter(r#"{"Field":"CompanyName","Value":"Cont","Operator":"starts_with"}"#)
            .unwrap();
        assert!(f.matches("Contoso Ltd", "x.com", None));
        assert!(!f.matches("Fabrikam", "contoso.com", None));
        assert!(parse_filter(r#"{"field":"Domain","value":"a","operator":"equals"}"#).is_err());
        assert!(parse_filter("nope").is_err());
    }

    #[test]
    fn user_filters() {
        let f =
            parse_user_filter(r#"{"Field":"UserState","Value":"Inactive","Operator":"equals"}"#)
                .unwrap();
        assert_eq!(f.value, "inactive");
        let f = parse_user_filter(r#"{"field":"userstatus","value":"ACTIVE","operator":"Equals"}"#)
            .unwrap();
        assert_eq!(f.value, "active");
        for bad in [
            r#"{"Field":"UserState","Value":"Deleted","Operator":"equals"}"#,
            r#"{"Field":"Name","Value":"Inactive","Operator":"equals"}"#,
            r#"{"Field":"UserState","Value":"Inactive","Operator":"starts_with"}"#,
            r#"{"Field":"UserState","Operator":"equals"}"#,
            "[]",
            "{",
        ] {
            assert!(parse_user_filter(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn sizes_and_pages() {
        assert_eq!(parse_size(None).unwrap(), 0);
        assert_eq!(parse_size_within(None, 100, Some(500)).unwrap(), 100);
        assert_eq!(parse_size_within(Some("500"), 100, Some(500)).unwrap(), 500);
        assert!(parse_size_within(Some("501"), 100, Some(500)).is_err());
        assert!(parse_size_within(Some("-1"), 100, Some(500)).is_err());
        let cursor = Cursor {
            scope: String::new(),
            after: None,
            size: 2,
            filter: None,
        };
        let p = page((1..=5u64).map(|i| (i, i)), &cursor, 1);
        assert_eq!(p.items, vec![1, 2]);
        let next = decode_token(p.token.as_deref().unwrap(), 1, "").unwrap();
        assert_eq!(next.after, Some(2));
        let p = page((1..=5u64).map(|i| (i, i)), &next, 1);
        assert_eq!(p.items, vec![3, 4]);
        let last = decode_token(p.token.as_deref().unwrap(), 1, "").unwrap();
        let p = page((1..=5u64).map(|i| (i, i)), &last, 1);
        assert_eq!(p.items, vec![5]);
        assert!(p.token.is_none(), "no token on the last page");
    }
}
