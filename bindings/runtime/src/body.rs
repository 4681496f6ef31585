//! Request bodies other than JSON: form fields (`application/x-www-form-urlencoded`), multipart
//! parts (`multipart/form-data`) and the files they carry.
//!
//! Both are built in full before sending, as bytes: a call is retried with the very same body,
//! which a streaming multipart writer (reqwest's `multipart::Form`) cannot give twice.

use std::fmt;

use base64::Engine as _;
use bytes::Bytes;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value;

use crate::error::Error;
use crate::styles::{Style, query_pairs};

/// A file for a multipart part (`type: string, format: binary` in the spec): its octets, and
/// the file name and media type its part declares.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct FilePart {
    data: Bytes,
    file_name: Option<String>,
    content_type: Option<String>,
}

impl FilePart {
    pub fn new(data: impl Into<Bytes>) -> FilePart {
        FilePart {
            data: data.into(),
            ..FilePart::default()
        }
    }

    /// The file at `path`, named after it.
    pub fn from_path(path: impl AsRef<std::path::Path>) -> std::io::Result<FilePart> {
        let path = path.as_ref();
        let data = std::fs::read(path)?;
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned());
        Ok(FilePart {
            data: data.into(),
            file_name: name,
            content_type: None,
        })
    }

    /// The file name the part declares (`Content-Disposition: form-data; filename=…`).
    pub fn file_name(mut self, name: impl Into<String>) -> FilePart {
        self.file_name = Some(name.into());
        self
    }

    /// The part's media type (default `application/octet-stream`).
    pub fn content_type(mut self, media: impl Into<String>) -> FilePart {
        self.content_type = Some(media.into());
        self
    }

    pub fn data(&self) -> &Bytes {
        &self.data
    }

    pub fn name(&self) -> Option<&str> {
        self.file_name.as_deref()
    }

    pub fn media_type(&self) -> Option<&str> {
        self.content_type.as_deref()
    }
}

impl From<Bytes> for FilePart {
    fn from(data: Bytes) -> FilePart {
        FilePart::new(data)
    }
}

impl From<Vec<u8>> for FilePart {
    fn from(data: Vec<u8>) -> FilePart {
        FilePart::new(data)
    }
}

impl From<&'static str> for FilePart {
    fn from(text: &'static str) -> FilePart {
        FilePart::new(text)
    }
}

impl From<String> for FilePart {
    fn from(text: String) -> FilePart {
        FilePart::new(text)
    }
}

/// Length and names only: a file's content may be anything, secrets included.
impl fmt::Debug for FilePart {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FilePart")
            .field("len", &self.data.len())
            .field("file_name", &self.file_name)
            .field("content_type", &self.content_type)
            .finish()
    }
}

/// In JSON (outside a multipart body) a file can only be text.
impl Serialize for FilePart {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&String::from_utf8_lossy(&self.data))
    }
}

/// From text, or from `{"base64": "…", "fileName": "…", "contentType": "…"}` (or `"text"` in
/// place of `"base64"`), the form the Python and Node bindings hand over.
impl<'de> Deserialize<'de> for FilePart {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<FilePart, D::Error> {
        #[derive(Deserialize)]
        #[serde(rename_all = "camelCase", deny_unknown_fields)]
        struct Described {
            base64: Option<String>,
            text: Option<String>,
            file_name: Option<String>,
            content_type: Option<String>,
        }
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Wire {
            Text(String),
            Described(Described),
        }
        Ok(match Wire::deserialize(deserializer)? {
            Wire::Text(text) => FilePart::new(text),
            Wire::Described(d) => {
                let data: Bytes = match (d.base64, d.text) {
                    (Some(b64), None) => base64::engine::general_purpose::STANDARD
                        .decode(b64)
                        .map_err(|e| serde::de::Error::custom(format!("base64: {e}")))?
                        .into(),
                    (None, Some(text)) => text.into(),
                    _ => {
                        return Err(serde::de::Error::custom(
                            "a file needs exactly one of `base64` and `text`",
                        ));
                    }
                };
                FilePart {
                    data,
                    file_name: d.file_name,
                    content_type: d.content_type,
                }
            }
        })
    }
}

/// An `application/x-www-form-urlencoded` body, member by member.
#[derive(Debug, Default)]
pub struct FormBody {
    pairs: Vec<(String, String)>,
}

impl FormBody {
    pub fn new() -> FormBody {
        FormBody::default()
    }

    /// One member in its style; `json` sends it as JSON text (an `encoding` with
    /// `contentType: application/json`). `null` adds nothing.
    pub fn add<T: Serialize + ?Sized>(
        &mut self,
        name: &str,
        value: &T,
        style: Style,
        explode: bool,
        json: bool,
    ) -> Result<(), Error> {
        if json {
            let text = serde_json::to_string(value)
                .map_err(|e| Error::Config(format!("cannot encode form field `{name}`: {e}")))?;
            if text != "null" {
                self.pairs.push((name.to_string(), text));
            }
            return Ok(());
        }
        self.pairs.extend(query_pairs(name, value, style, explode)?);
        Ok(())
    }

    /// Every member of an object (a body without a declared structure), in form style.
    pub fn add_all<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        for (name, member) in &object_members(value, "form")? {
            self.add(name, member, Style::Form, true, false)?;
        }
        Ok(())
    }

    pub fn into_bytes(self) -> Bytes {
        let mut out = url::form_urlencoded::Serializer::new(String::new());
        out.extend_pairs(self.pairs);
        Bytes::from(out.finish())
    }
}

/// The members of a body sent member by member (`null`: none); anything but an object is refused.
fn object_members<T: Serialize + ?Sized>(
    value: &T,
    kind: &str,
) -> Result<serde_json::Map<String, Value>, Error> {
    match serde_json::to_value(value)
        .map_err(|e| Error::Config(format!("cannot encode the {kind} body: {e}")))?
    {
        Value::Object(members) => Ok(members),
        Value::Null => Ok(serde_json::Map::new()),
        other => Err(Error::Config(format!(
            "a {kind} body must be an object, not {other}"
        ))),
    }
}

/// A `multipart/form-data` body, part by part, in the order added (some services, Box's upload
/// among them, need the metadata part before the file).
pub struct MultipartBody {
    boundary: String,
    buf: Vec<u8>,
}

impl Default for MultipartBody {
    fn default() -> Self {
        MultipartBody::new()
    }
}

impl fmt::Debug for MultipartBody {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MultipartBody")
            .field("len", &self.buf.len())
            .finish_non_exhaustive()
    }
}

impl MultipartBody {
    pub fn new() -> MultipartBody {
        MultipartBody {
            boundary: format!("sdk-{}", uuid::Uuid::new_v4().simple()),
            buf: Vec::new(),
        }
    }

    /// The `Content-Type` header value, with the boundary.
    pub fn content_type(&self) -> String {
        format!("multipart/form-data; boundary={}", self.boundary)
    }

    fn part(&mut self, name: &str, file_name: Option<&str>, media: &str, data: &[u8]) {
        let quote = |s: &str| {
            s.replace('\\', "\\\\")
                .replace('"', "\\\"")
                .replace(['\r', '\n'], " ")
        };
        self.buf
            .extend_from_slice(format!("--{}\r\n", self.boundary).as_bytes());
        let mut disposition = format!("Content-Disposition: form-data; name=\"{}\"", quote(name));
        if let Some(file) = file_name {
            disposition.push_str(&format!("; filename=\"{}\"", quote(file)));
        }
        self.buf.extend_from_slice(disposition.as_bytes());
        self.buf
            .extend_from_slice(format!("\r\nContent-Type: {media}\r\n\r\n").as_bytes());
        self.buf.extend_from_slice(data);
        self.buf.extend_from_slice(b"\r\n");
    }

    /// A file part.
    pub fn file(&mut self, name: &str, file: &FilePart) {
        let media = file
            .content_type
            .as_deref()
            .unwrap_or("application/octet-stream")
            .to_string();
        let file_name = file.file_name.clone().unwrap_or_else(|| name.to_string());
        self.part(name, Some(&file_name), &media, &file.data);
    }

    /// A member as parts: text for strings, numbers and booleans (one part per item of an array
    /// of them), JSON for objects and anything nested, unless `content_type` says otherwise.
    /// `null` adds nothing.
    pub fn add<T: Serialize + ?Sized>(
        &mut self,
        name: &str,
        value: &T,
        content_type: Option<&str>,
    ) -> Result<(), Error> {
        let value = serde_json::to_value(value)
            .map_err(|e| Error::Config(format!("cannot encode part `{name}`: {e}")))?;
        let json_wanted = content_type.is_some_and(|c| c.contains("json"));
        match value {
            Value::Null => {}
            Value::Array(items)
                if !json_wanted && items.iter().all(|i| !i.is_object() && !i.is_array()) =>
            {
                for item in &items {
                    self.add(name, item, content_type)?;
                }
            }
            Value::String(text) if !json_wanted => self.part(
                name,
                None,
                content_type.unwrap_or("text/plain"),
                text.as_bytes(),
            ),
            scalar @ (Value::Number(_) | Value::Bool(_)) if !json_wanted => {
                let text = scalar.to_string();
                self.part(
                    name,
                    None,
                    content_type.unwrap_or("text/plain"),
                    text.as_bytes(),
                )
            }
            other => {
                let text = other.to_string();
                self.part(
                    name,
                    None,
                    content_type.unwrap_or("application/json"),
                    text.as_bytes(),
                )
            }
        }
        Ok(())
    }

    /// Every member of an object (a body without a declared structure) as parts.
    pub fn add_all<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        for (name, member) in &object_members(value, "multipart")? {
            self.add(name, member, None)?;
        }
        Ok(())
    }

    pub fn into_bytes(mut self) -> Bytes {
        self.buf
            .extend_from_slice(format!("--{}--\r\n", self.boundary).as_bytes());
        Bytes::from(self.buf)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn form_members_follow_their_encoding() {
        let mut form = FormBody::new();
        form.add("grant_type", "client_credentials", Style::Form, true, false)
            .unwrap();
        form.add("scope", &json!(["a b", "c"]), Style::Form, true, false)
            .unwrap();
        form.add("ids", &json!([1, 2]), Style::Form, false, false)
            .unwrap();
        form.add("filter", &json!({"k": "v"}), Style::DeepObject, true, false)
            .unwrap();
        form.add("meta", &json!({"k": "v"}), Style::Form, true, true)
            .unwrap();
        form.add("absent", &Value::Null, Style::Form, true, false)
            .unwrap();
        let body = form.into_bytes();
        assert_eq!(
            std::str::from_utf8(&body).unwrap(),
            "grant_type=client_credentials&scope=a+b&scope=c&ids=1%2C2&filter%5Bk%5D=v&meta=%7B%22k%22%3A%22v%22%7D"
        );
    }

    #[test]
    fn multipart_keeps_part_order_names_and_types() {
        let mut body = MultipartBody::new();
        let boundary = body.boundary.clone();
        body.add("attributes", &json!({"name": "a.txt"}), None)
            .unwrap();
        body.add("tags", &json!(["x", "y"]), None).unwrap();
        body.file(
            "file",
            &FilePart::new("hello")
                .file_name("a \"b\".txt")
                .content_type("text/plain"),
        );
        let text = String::from_utf8(body.into_bytes().to_vec()).unwrap();
        let expected = format!(
            "--{b}\r\nContent-Disposition: form-data; name=\"attributes\"\r\nContent-Type: application/json\r\n\r\n{{\"name\":\"a.txt\"}}\r\n\
             --{b}\r\nContent-Disposition: form-data; name=\"tags\"\r\nContent-Type: text/plain\r\n\r\nx\r\n\
             --{b}\r\nContent-Disposition: form-data; name=\"tags\"\r\nContent-Type: text/plain\r\n\r\ny\r\n\
             --{b}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a \\\"b\\\".txt\"\r\nContent-Type: text/plain\r\n\r\nhello\r\n\
             --{b}--\r\n",
            b = boundary
        );
        assert_eq!(text, expected);
    }

    #[test]
    fn files_arrive_from_json_as_text_or_base64_and_never_print_their_content() {
        let f: FilePart = serde_json::from_value(json!("secret text")).unwrap();
        assert_eq!(f.data(), &Bytes::from("secret text"));
        let f: FilePart = serde_json::from_value(
            json!({"base64": "AAEC", "fileName": "x.bin", "contentType": "application/x"}),
        )
        .unwrap();
        assert_eq!(f.data().as_ref(), &[0, 1, 2]);
        assert_eq!(f.name(), Some("x.bin"));
        let err = serde_json::from_value::<FilePart>(json!({"base64": "AA", "text": "x"}));
        assert!(err.is_err());
        let shown = format!("{:?}", FilePart::new("secret text"));
        assert!(!shown.contains("secret"), "{shown}");
    }
}
