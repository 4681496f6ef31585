//! List paging and filtering for GET /v1/customers (reference §5.1, §6, §4.13).
//!
//! A continuation token carries everything needed for the next page (cursor, page size,
//! filter), because the documented seek request sends only `seekOperation=Next` and the
//! `MS-ContinuationToken` header. The cursor is the creation sequence number of the last
//! customer returned, so the order is stable and deletes between pages skip nothing.

use serde_json::Value;

use crate::errors::ApiError;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FilterField {
    CompanyName,
    Domain,
    IndirectReseller,
}

impl FilterField {
    fn code(self) -> char {
        match self {
            FilterField::CompanyName => 'c',
            FilterField::Domain => 'd',
            FilterField::IndirectReseller => 'r',
        }
    }

    fn from_code(c: &str) -> Option<Self> {
        match c {
            "c" => Some(FilterField::CompanyName),
            "d" => Some(FilterField::Domain),
            "r" => Some(FilterField::IndirectReseller),
            _ => None,
        }
    }
}

/// `starts_with`, case-insensitive ("The case of the value is ignored", reference §4.13).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Filter {
    pub field: FilterField,
    /// Lower-cased.
    pub value: String,
}

impl Filter {
    pub fn matches(&self, company_name: &str, domain: &str, reseller: Option<&str>) -> bool {
        let subject = match self.field {
            FilterField::CompanyName => company_name,
            FilterField::Domain => domain,
            FilterField::IndirectReseller => reseller.unwrap_or(""),
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
    /// Return customers with a sequence number greater than this (None = from the start).
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

pub fn parse_size(raw: Option<&str>) -> Result<usize, ApiError> {
    match raw.map(str::trim) {
        None | Some("") => Ok(0),
        Some(s) => s.parse::<usize>().map_err(|_| {
            ApiError::bad_input(format!(
                "size must be a non-negative integer, got '{}'",
                crate::errors::truncate(s, 50)
            ))
        }),
    }
}

/// Parses the `filter` JSON: `{"Field": "CompanyName"|"Domain"|"IndirectReseller",
/// "Value": "...", "Operator": "starts_with"}`, keys in any case.
pub fn parse_filter(raw: &str) -> Result<Filter, ApiError> {
    let v = crate::wire::parse_json(raw.as_bytes())
        .map_err(|_| ApiError::bad_input("filter must be a JSON object"))
        .map(crate::wire::normalize)?;
    let text = |key: &str| v.get(key).and_then(Value::as_str);
    let field = match text("field").map(|f| f.to_ascii_lowercase()).as_deref() {
        Some("companyname") => FilterField::CompanyName,
        Some("domain") => FilterField::Domain,
        Some("indirectreseller") => FilterField::IndirectReseller,
        _ => {
            return Err(ApiError::bad_input(
                "filter Field must be CompanyName, Domain or IndirectReseller",
            ));
        }
    };
    // The SDK's enum converter writes snake_case and reads PascalCase too.
    match text("operator").map(|o| o.to_ascii_lowercase()).as_deref() {
        Some("starts_with") | Some("startswith") => {}
        _ => {
            return Err(ApiError::bad_input(
                "filter Operator must be starts_with (the only operator customers support)",
            ));
        }
    }
    let value =
        text("value").ok_or_else(|| ApiError::bad_input("filter Value must be a string"))?;
    Ok(Filter {
        field,
        value: value.to_lowercase(),
    })
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

/// Token = hex("v1|after|size|field|value") + "." + hex(checksum). Opaque to clients.
pub fn encode_token(cursor: &Cursor, secret: u64) -> String {
    let (field, value) = match &cursor.filter {
        Some(f) => (f.field.code().to_string(), f.value.as_str()),
        None => ("-".to_string(), ""),
    };
    let raw = format!(
        "v1|{}|{}|{}|{}",
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

pub fn decode_token(token: &str, secret: u64) -> Result<Cursor, ApiError> {
    let bad = || ApiError::bad_input("the continuation token is not valid");
    let (data, sum) = token.trim().split_once('.').ok_or_else(bad)?;
    let raw = unhex(data).ok_or_else(bad)?;
    let sum = u64::from_str_radix(sum, 16).map_err(|_| bad())?;
    if checksum(&raw, secret) != sum {
        return Err(bad());
    }
    let raw = String::from_utf8(raw).map_err(|_| bad())?;
    let mut parts = raw.splitn(5, '|');
    if parts.next() != Some("v1") {
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
            after: Some(42),
            size: 3,
            filter: Some(Filter {
                field: FilterField::Domain,
                value: "a|b".into(),
            }),
        };
        let t = encode_token(&c, 7);
        assert_eq!(decode_token(&t, 7).unwrap(), c);
        assert!(decode_token(&t, 8).is_err());
        assert!(decode_token("garbage", 7).is_err());
        assert!(decode_token("zz.00", 7).is_err());
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
}
