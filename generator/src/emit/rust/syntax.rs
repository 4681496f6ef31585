//! Rust spelling of model names and types.

use proc_macro2::{Ident, Span, TokenStream};
use quote::{format_ident, quote};

use crate::emit::clean_doc;
use crate::model::{Api, IntFormat, TypeKind, TypeRef};

const KEYWORDS: &[&str] = &[
    "as", "async", "await", "break", "const", "continue", "crate", "dyn", "else", "enum", "extern",
    "false", "fn", "for", "gen", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut",
    "pub", "ref", "return", "self", "Self", "static", "struct", "super", "trait", "true", "type",
    "unsafe", "use", "where", "while", "abstract", "become", "box", "do", "final", "macro",
    "override", "priv", "typeof", "unsized", "virtual", "yield", "try",
];

/// A field, parameter or method name: raw identifier for keywords, `_` suffix for the few
/// keywords that cannot be raw.
pub fn ident(snake: &str) -> Ident {
    match snake {
        "self" | "Self" | "super" | "crate" | "_" => format_ident!("{}_", snake),
        s if KEYWORDS.contains(&s) => Ident::new_raw(s, Span::call_site()),
        s => Ident::new(s, Span::call_site()),
    }
}

/// A type or variant name (PascalCase never collides with a keyword except `Self`).
pub fn type_ident(pascal: &str) -> Ident {
    if pascal == "Self" {
        format_ident!("Self_")
    } else {
        Ident::new(pascal, Span::call_site())
    }
}

/// Where model types live relative to the code being emitted.
#[derive(Clone, Copy)]
pub enum Models {
    /// Inside `models.rs`: bare names.
    Here,
    /// Elsewhere in the generated module: `models::Name`.
    Module,
}

pub fn rust_type(t: &TypeRef, models: Models) -> TokenStream {
    match t {
        TypeRef::String => quote!(String),
        TypeRef::DateTime => quote!(::sdk_runtime::time::OffsetDateTime),
        TypeRef::Date => quote!(::sdk_runtime::time::Date),
        TypeRef::Integer(f) => {
            let id = format_ident!("{}", int_name(*f));
            quote!(#id)
        }
        TypeRef::Number => quote!(f64),
        TypeRef::Boolean => quote!(bool),
        TypeRef::Uuid => quote!(::uuid::Uuid),
        TypeRef::Bytes => quote!(::sdk_runtime::bytes::Bytes),
        TypeRef::File => quote!(::sdk_runtime::FilePart),
        TypeRef::Any => quote!(::serde_json::Value),
        TypeRef::Secret => quote!(::sdk_runtime::Secret),
        TypeRef::Named(n) => {
            let id = type_ident(n);
            match models {
                Models::Here => quote!(#id),
                Models::Module => quote!(models::#id),
            }
        }
        TypeRef::Array(inner) => {
            let inner = rust_type(inner, models);
            quote!(Vec<#inner>)
        }
        TypeRef::Map(inner) => {
            let inner = rust_type(inner, models);
            quote!(::std::collections::BTreeMap<String, #inner>)
        }
    }
}

/// Whether a value of this type holds dates itself: a date or date-time, or a list or map of them
/// (through aliases). serde writes and reads such a value through `sdk_runtime::dates` (a field's
/// `#[serde(with)]`, `sdk_runtime::dates::Wire` for a value on its own), never through `time`'s
/// impls. A model that holds dates in its fields sees to them itself.
pub fn holds_dates(api: &Api, t: &TypeRef) -> bool {
    match t {
        TypeRef::DateTime | TypeRef::Date => true,
        TypeRef::Array(inner) | TypeRef::Map(inner) => holds_dates(api, inner),
        TypeRef::Named(n) => match api.type_def(n).map(|d| &d.kind) {
            Some(TypeKind::Alias(inner)) => holds_dates(api, inner),
            _ => false,
        },
        _ => false,
    }
}

/// `value` (an expression of type `&T`) as serde should see it: wrapped in
/// `sdk_runtime::dates::Wire` when `T` holds dates.
pub fn serde_view(api: &Api, t: &TypeRef, value: TokenStream) -> TokenStream {
    if holds_dates(api, t) {
        quote!(&sdk_runtime::dates::Wire(#value))
    } else {
        value
    }
}

pub fn int_name(f: IntFormat) -> &'static str {
    match f {
        IntFormat::I8 => "i8",
        IntFormat::I16 => "i16",
        IntFormat::I32 => "i32",
        IntFormat::I64 => "i64",
        IntFormat::U8 => "u8",
        IntFormat::U16 => "u16",
        IntFormat::U32 => "u32",
        IntFormat::U64 => "u64",
    }
}

/// `#[doc]` attributes, one per line, rendered by prettyplease as `///` comments.
pub fn doc_attrs(doc: Option<&str>) -> TokenStream {
    let Some(doc) = clean_doc(doc) else {
        return quote!();
    };
    let mut in_fence = false;
    let lines = doc.lines().map(|l| {
        if l.starts_with("```") {
            in_fence = !in_fence;
        }
        if l.is_empty() {
            String::new()
        } else if in_fence || l.starts_with("```") {
            format!(" {l}")
        } else {
            format!(" {}", link_bare_urls(l))
        }
    });
    quote!(#(#[doc = #lines])*)
}

/// Puts a bare `http(s)://` URL of a doc line in angle brackets, which rustdoc makes a link (and
/// otherwise warns about: `rustdoc::bare_urls`). URLs already in a Markdown link, in `<...>` or in
/// inline code are left alone; trailing sentence punctuation stays outside the brackets.
pub fn link_bare_urls(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut in_code = false;
    let mut rest = line;
    while let Some(c) = rest.chars().next() {
        if c == '`' {
            in_code = !in_code;
        }
        let at_url = rest.starts_with("https://") || rest.starts_with("http://");
        let quoted = matches!(out.chars().last(), Some('<' | '(' | '"' | '\'' | '['));
        if at_url && !in_code && !quoted {
            let end = rest
                .find(|c: char| c.is_whitespace() || matches!(c, '<' | '>' | '"' | '`' | ')'))
                .unwrap_or(rest.len());
            let url = rest[..end].trim_end_matches(['.', ',', ';', ':', '!', '?']);
            out.push('<');
            out.push_str(url);
            out.push('>');
            rest = &rest[url.len()..];
            continue;
        }
        out.push(c);
        rest = &rest[c.len_utf8()..];
    }
    out
}

/// Whether emitted code mentions `name` as a path segment (e.g. `models` in `models::Node`), so
/// that imports are only written when something uses them.
pub fn mentions(tokens: &TokenStream, name: &str) -> bool {
    tokens.clone().into_iter().any(|t| match t {
        proc_macro2::TokenTree::Ident(i) => i == name,
        proc_macro2::TokenTree::Group(g) => mentions(&g.stream(), name),
        _ => false,
    })
}

/// Parse emitted tokens and print them as formatted Rust source.
pub fn render(tokens: TokenStream, header: &str) -> Result<String, String> {
    Ok(join(header, [render_part(tokens)?.as_str()]))
}

/// Parse emitted tokens (module docs, items) and print them, spaced as `space_items` does: one
/// part of a file. Printing is item by item at the left margin, so parts printed on their own and
/// put together with `join` read exactly as the whole file printed at once.
pub fn render_part(tokens: TokenStream) -> Result<String, String> {
    let file: syn::File =
        syn::parse2(tokens).map_err(|e| format!("emitted Rust does not parse: {e}"))?;
    Ok(space_items(&prettyplease::unparse(&file)))
}

/// A file from its header comment and parts made by `render_part`, in order.
pub fn join<'p>(header: &str, parts: impl IntoIterator<Item = &'p str>) -> String {
    let parts: Vec<&str> = parts.into_iter().filter(|p| !p.is_empty()).collect();
    let mut out =
        String::with_capacity(header.len() + 1 + parts.iter().map(|p| p.len() + 1).sum::<usize>());
    out.push_str(header);
    out.push('\n');
    let mut prev: Option<&str> = None;
    for part in parts {
        // `space_items` puts no blank line before a part's first line: decide it here, from
        // the line before it, as it would have inside one file.
        let first = part.lines().next().unwrap_or("");
        if let Some(prev) = prev
            && blank_between(prev, first)
        {
            out.push('\n');
        }
        out.push_str(part);
        prev = Some(part.lines().next_back().unwrap_or(""));
    }
    out
}

/// prettyplease puts items right after one another; a blank line between items (and after the
/// module docs and the imports) is what a person would write.
fn space_items(source: &str) -> String {
    let mut out = String::with_capacity(source.len() + source.len() / 16);
    let mut prev = "";
    for line in source.lines() {
        if blank_between(prev, line) {
            out.push('\n');
        }
        out.push_str(line);
        out.push('\n');
        prev = line;
    }
    out
}

/// Whether `space_items` puts a blank line between `prev` and the next `line`.
fn blank_between(prev: &str, line: &str) -> bool {
    const ITEM_STARTS: &[&str] = &[
        "///",
        "#[",
        "pub ",
        "pub(crate) ",
        "fn ",
        "async fn ",
        "impl",
        "struct ",
        "enum ",
        "type ",
        "const ",
        "mod ",
        "use ",
        "sdk_runtime::",
    ];
    let t = line.trim_start();
    let p = prev.trim_start();
    let same_indent = line.len() - t.len() == prev.len() - p.len();
    let starts_item = ITEM_STARTS.iter().any(|s| t.starts_with(s));
    let after_block = (p == "}" || p == "};") && same_indent && starts_item;
    let after_docs = p.starts_with("//!") && !t.starts_with("//!") && !t.is_empty();
    let after_uses =
        p.starts_with("use ") && !t.starts_with("use ") && !t.is_empty() && same_indent;
    let after_macro = p.ends_with("!();") && same_indent && starts_item;
    after_block || after_docs || after_uses || after_macro
}

#[cfg(test)]
mod bare_url_tests {
    use super::link_bare_urls;

    #[test]
    fn bare_urls_become_links_and_others_stay() {
        assert_eq!(
            link_bare_urls("see https://example.com/a?b=c, then"),
            "see <https://example.com/a?b=c>, then"
        );
        assert_eq!(link_bare_urls("at http://x.test."), "at <http://x.test>.");
        for kept in [
            "[docs](https://example.com)",
            "<https://example.com>",
            "`https://example.com`",
            "\"https://example.com\"",
        ] {
            assert_eq!(link_bare_urls(kept), kept);
        }
    }
}
