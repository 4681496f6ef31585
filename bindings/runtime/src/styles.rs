//! Parameter styles (OpenAPI 3.0 `style` / `explode`): how an array or an object is written in a
//! query, a header, a cookie, a path segment or a form field.
//!
//! Generated code passes scalars as text directly; arrays and objects come here, as any
//! `Serialize` value, and leave as the pairs or the text their style says.

use serde::Serialize;
use serde_json::Value;

use crate::error::Error;

/// OpenAPI's `style` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    /// `a=1&a=2` (exploded) or `a=1,2`; objects `k=v&k2=v2` or `a=k,v,k2,v2`.
    Form,
    /// `1,2`; objects `k,v,k2,v2` or (exploded) `k=v,k2=v2`.
    Simple,
    /// `.1.2` (exploded) or `.1,2`.
    Label,
    /// `;a=1;a=2` (exploded) or `;a=1,2`.
    Matrix,
    /// `a=1 2` (arrays only).
    SpaceDelimited,
    /// `a=1|2` (arrays only).
    PipeDelimited,
    /// `a[k]=v` (objects only).
    DeepObject,
}

/// A value's members as text: an array's items, an object's key/value pairs; a scalar is one item.
enum Shape {
    Scalar(String),
    Items(Vec<String>),
    Members(Vec<(String, String)>),
}

fn shape<T: Serialize + ?Sized>(name: &str, value: &T) -> Result<Option<Shape>, Error> {
    let value = serde_json::to_value(value)
        .map_err(|e| Error::Config(format!("cannot encode parameter `{name}`: {e}")))?;
    Ok(match value {
        Value::Null => None,
        Value::Array(items) => Some(Shape::Items(items.iter().map(scalar_text).collect())),
        Value::Object(members) => Some(Shape::Members(
            members
                .iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| (k.clone(), scalar_text(v)))
                .collect(),
        )),
        scalar => Some(Shape::Scalar(scalar_text(&scalar))),
    })
}

/// A member as text: strings bare, anything nested as JSON (no style says more).
fn scalar_text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

fn flatten(members: Vec<(String, String)>) -> Vec<String> {
    members.into_iter().flat_map(|(k, v)| [k, v]).collect()
}

/// The query (or form) pairs of a parameter; nothing for `null`.
pub fn query_pairs<T: Serialize + ?Sized>(
    name: &str,
    value: &T,
    style: Style,
    explode: bool,
) -> Result<Vec<(String, String)>, Error> {
    let Some(shape) = shape(name, value)? else {
        return Ok(Vec::new());
    };
    let one = |v: String| vec![(name.to_string(), v)];
    Ok(match (shape, style) {
        (Shape::Scalar(v), _) => one(v),
        (Shape::Members(members), Style::DeepObject) => members
            .into_iter()
            .map(|(k, v)| (format!("{name}[{k}]"), v))
            .collect(),
        (Shape::Members(members), _) if explode => members,
        (Shape::Members(members), _) => one(flatten(members).join(",")),
        (Shape::Items(items), Style::SpaceDelimited) if !explode => one(items.join(" ")),
        (Shape::Items(items), Style::PipeDelimited) if !explode => one(items.join("|")),
        (Shape::Items(items), _) if explode => {
            items.into_iter().map(|v| (name.to_string(), v)).collect()
        }
        (Shape::Items(items), _) => one(items.join(",")),
    })
}

/// A header's value (style `simple`); `None` for `null`.
pub fn header_text<T: Serialize + ?Sized>(
    name: &str,
    value: &T,
    explode: bool,
) -> Result<Option<String>, Error> {
    Ok(shape(name, value)?.map(|shape| match shape {
        Shape::Scalar(v) => v,
        Shape::Items(items) => items.join(","),
        Shape::Members(members) if explode => members
            .into_iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join(","),
        Shape::Members(members) => flatten(members).join(","),
    }))
}

/// A path parameter's text in its style (`simple`, `label` or `matrix`), each value
/// percent-encoded as a path segment; the style's own delimiters stay as they are.
pub fn path_text<T: Serialize + ?Sized>(
    name: &str,
    value: &T,
    style: Style,
    explode: bool,
) -> Result<String, Error> {
    let enc = |s: &str| crate::encode_path_segment(s);
    let Some(shape) = shape(name, value)? else {
        return Ok(String::new());
    };
    let (prefix, item_sep, member_sep) = match style {
        Style::Label => (
            ".".to_string(),
            if explode { "." } else { "," },
            if explode { "." } else { "," },
        ),
        Style::Matrix => (
            format!(";{}=", enc(name)),
            if explode { ";" } else { "," },
            ",",
        ),
        _ => (String::new(), ",", ","),
    };
    Ok(match shape {
        Shape::Scalar(v) => format!("{prefix}{}", enc(&v)),
        Shape::Items(items) if style == Style::Matrix && explode => items
            .iter()
            .map(|v| format!(";{}={}", enc(name), enc(v)))
            .collect(),
        Shape::Items(items) => {
            let joined: Vec<String> = items.iter().map(|v| enc(v)).collect();
            format!("{prefix}{}", joined.join(item_sep))
        }
        Shape::Members(members) if explode => {
            let pairs: Vec<String> = members
                .iter()
                .map(|(k, v)| format!("{}={}", enc(k), enc(v)))
                .collect();
            match style {
                Style::Matrix => pairs.iter().map(|p| format!(";{p}")).collect(),
                _ => format!("{prefix}{}", pairs.join(item_sep)),
            }
        }
        Shape::Members(members) => {
            let flat: Vec<String> = flatten(members).iter().map(|v| enc(v)).collect();
            format!("{prefix}{}", flat.join(member_sep))
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn pairs(v: Value, style: Style, explode: bool) -> Vec<(String, String)> {
        query_pairs("p", &v, style, explode).unwrap()
    }

    fn p(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect()
    }

    // The examples of the OpenAPI 3.0.3 style table (color = blue / [blue,black,brown] /
    // {R:100,G:200,B:150}).
    #[test]
    fn query_styles_follow_the_openapi_table() {
        let arr = json!(["blue", "black", "brown"]);
        let obj = json!({"R": 100, "G": 200, "B": 150});
        assert_eq!(pairs(json!("blue"), Style::Form, true), p(&[("p", "blue")]));
        assert_eq!(
            pairs(arr.clone(), Style::Form, true),
            p(&[("p", "blue"), ("p", "black"), ("p", "brown")])
        );
        assert_eq!(
            pairs(arr.clone(), Style::Form, false),
            p(&[("p", "blue,black,brown")])
        );
        assert_eq!(
            pairs(obj.clone(), Style::Form, true),
            p(&[("R", "100"), ("G", "200"), ("B", "150")])
        );
        assert_eq!(
            pairs(obj.clone(), Style::Form, false),
            p(&[("p", "R,100,G,200,B,150")])
        );
        assert_eq!(
            pairs(arr.clone(), Style::SpaceDelimited, false),
            p(&[("p", "blue black brown")])
        );
        assert_eq!(
            pairs(arr, Style::PipeDelimited, false),
            p(&[("p", "blue|black|brown")])
        );
        assert_eq!(
            pairs(obj, Style::DeepObject, true),
            p(&[("p[R]", "100"), ("p[G]", "200"), ("p[B]", "150")])
        );
        assert!(pairs(Value::Null, Style::Form, true).is_empty());
    }

    #[test]
    fn path_and_header_styles_follow_the_openapi_table() {
        let arr = json!(["blue", "black", "brown"]);
        let obj = json!({"R": 100, "G": 200, "B": 150});
        let path = |v: &Value, s, e| path_text("color", v, s, e).unwrap();
        assert_eq!(path(&arr, Style::Simple, false), "blue,black,brown");
        assert_eq!(path(&obj, Style::Simple, true), "R=100,G=200,B=150");
        assert_eq!(path(&arr, Style::Label, false), ".blue,black,brown");
        assert_eq!(path(&arr, Style::Label, true), ".blue.black.brown");
        assert_eq!(path(&json!("blue"), Style::Matrix, false), ";color=blue");
        assert_eq!(path(&arr, Style::Matrix, false), ";color=blue,black,brown");
        assert_eq!(
            path(&arr, Style::Matrix, true),
            ";color=blue;color=black;color=brown"
        );
        assert_eq!(path(&obj, Style::Matrix, true), ";R=100;G=200;B=150");
        assert_eq!(path(&json!("a/b c"), Style::Simple, false), "a%2Fb%20c");
        assert_eq!(
            header_text("h", &obj, false).unwrap().unwrap(),
            "R,100,G,200,B,150"
        );
        assert_eq!(
            header_text("h", &arr, false).unwrap().unwrap(),
            "blue,black,brown"
        );
    }
}
