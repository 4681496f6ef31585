//! Python identifiers: names the spec gives become names Python can bind.

const KEYWORDS: &[&str] = &[
    "False",
    "None",
    "True",
    "and",
    "as",
    "assert",
    "async",
    "await",
    "break",
    "class",
    "continue",
    "def",
    "del",
    "elif",
    "else",
    "except",
    "finally",
    "for",
    "from",
    "global",
    "if",
    "import",
    "in",
    "is",
    "lambda",
    "nonlocal",
    "not",
    "or",
    "pass",
    "raise",
    "return",
    "try",
    "while",
    "with",
    "yield",
    "self",
    "cls",
    // Names the generated method bodies use: a parameter must not shadow them.
    "params",
    "raw",
    "response",
    "collection",
    "token",
    "json",
    "uuid",
    "call",
    "call_async",
    "pages",
    "apages",
    "respond",
    "encode_body",
    "decode_model",
    "as_model",
    // The module date and date-time annotations name (`datetime.datetime`): a field or parameter
    // of that name would hide it.
    "datetime",
];

/// A Python identifier: keywords and the receiver names get a trailing underscore.
pub fn py_ident(snake: &str) -> String {
    if KEYWORDS.contains(&snake) {
        format!("{snake}_")
    } else {
        snake.to_string()
    }
}
