//! YAML to JSON values, a large document in pieces parsed side by side.
//!
//! Parsing YAML is the one step of loading a large spec that cannot otherwise be shared out. A
//! spec is a block mapping of a few large block mappings (`paths`, `components/schemas`) whose
//! entries start on lines of their own at the mapping's indentation, so the text splits into
//! runs of whole entries; each run is parsed on its own (with the keys above it), and the values
//! are put back together in document order.
//!
//! A wrong split cannot go unnoticed: YAML ends a plain or block scalar at a line indented no
//! deeper than its key, so the lines a split can start at begin a new entry, except inside a
//! quoted scalar or a flow collection, and then the piece before the split ends inside one and
//! fails to parse. When any piece fails, when an alias or a key would cross pieces, or when the
//! document is not a plain block mapping (directives, several documents, a flow mapping), the
//! whole text is parsed at once instead, which also gives the error messages and their lines.

use std::borrow::Cow;

use serde_json::{Map, Value};

use crate::parallel;

pub fn parse(text: &str) -> Result<Value, serde_norway::Error> {
    let threads = parallel::threads();
    if threads > 1
        && text.len() >= parallel::LARGE_SPEC
        && let Some(value) = parse_in_pieces(text, text.len() / (4 * threads))
    {
        return Ok(value);
    }
    serde_norway::from_str(text)
}

/// The document parsed in pieces of about `piece_size` bytes, or `None` when it cannot be (the
/// caller then parses it whole).
fn parse_in_pieces(text: &str, piece_size: usize) -> Option<Value> {
    let lines = lines(text);
    // Only comments and blank lines may come before the first entry.
    let first = lines.iter().position(|l| !is_blank_or_comment(l.text))?;
    if lines
        .iter()
        .any(|l| l.text.starts_with("---") || l.text.starts_with("...") || l.text.starts_with('%'))
    {
        return None;
    }
    let mut splitter = Splitter {
        text,
        lines: &lines,
        piece_size: piece_size.max(1),
        pieces: Vec::new(),
    };
    splitter.split(first, lines.len(), 0, &[])?;
    let pieces = splitter.pieces;
    if pieces.len() < 2 {
        return None;
    }
    let parsed = parallel::map(true, pieces.len(), |i| {
        serde_norway::from_str::<Value>(&pieces[i].source(text, &lines)).ok()
    });
    let mut root = Map::new();
    // The keys (and entry indices) the previous piece was under: a piece under the same entries
    // continues their mappings, a piece under another entry starts a new one.
    let mut open: Vec<(usize, String)> = Vec::new();
    for (piece, value) in pieces.iter().zip(parsed) {
        let mut value = value?;
        let mut map = &mut root;
        for (depth, &entry) in piece.path.iter().enumerate() {
            let Value::Object(one) = value else {
                return None;
            };
            if one.len() != 1 {
                return None;
            }
            let (key, inner) = one.into_iter().next()?;
            // (A new entry at a level drops the deeper levels from `open`, so the same entry
            // index there means the same parent as well.)
            let continues = open.get(depth).is_some_and(|(e, _)| *e == entry);
            if continues {
                if open[depth].1 != key {
                    return None;
                }
            } else {
                if map.contains_key(&key) {
                    return None;
                }
                map.insert(key.clone(), Value::Object(Map::new()));
                open.truncate(depth);
                open.push((entry, key.clone()));
            }
            let Some(Value::Object(below)) = map.get_mut(&key) else {
                return None;
            };
            map = below;
            value = inner;
        }
        open.truncate(piece.path.len());
        let Value::Object(entries) = value else {
            return None;
        };
        for (key, value) in entries {
            if map.insert(key, value).is_some() {
                return None;
            }
        }
    }
    Some(Value::Object(root))
}

#[derive(Clone, Copy)]
struct Line<'t> {
    /// Byte offset of the line in the text.
    start: usize,
    /// The line without its end of line.
    text: &'t str,
}

fn lines(text: &str) -> Vec<Line<'_>> {
    let mut out = Vec::new();
    let mut start = 0;
    for line in text.split_inclusive('\n') {
        out.push(Line {
            start,
            text: line.trim_end_matches(['\n', '\r']),
        });
        start += line.len();
    }
    out
}

fn is_blank_or_comment(line: &str) -> bool {
    let t = line.trim_start_matches([' ', '\t']);
    t.is_empty() || t.starts_with('#')
}

fn indent(line: &str) -> usize {
    line.len() - line.trim_start_matches(' ').len()
}

/// Whether a line at the mapping's indentation starts an entry with a plain key: a letter,
/// digit, `_` or `/` first (not a comment, sequence item, complex key, tag, anchor, alias,
/// quote, flow collection or block scalar indicator).
fn starts_entry(line: &str, indentation: usize) -> bool {
    indent(line) == indentation
        && line[indentation..]
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphanumeric() || c == '_' || c == '/')
}

/// `KEY:` and nothing else: an entry whose value is the block below it.
fn is_bare_key(line: &str) -> bool {
    let t = line.trim_end_matches([' ', '\t']);
    t.ends_with(':') && !t[..t.len() - 1].contains([':', '#', '\'', '"', '&', '*', '!', '{', '['])
}

/// Lines `[start, end)` below the keys `path` (line indices), parsed as one piece.
struct Piece {
    /// The line of each key above the piece's entries, outermost first.
    key_lines: Vec<usize>,
    /// Which entry each of those keys is, per level (to tell continuation from a new entry).
    path: Vec<usize>,
    start: usize,
    end: usize,
}

impl Piece {
    fn source<'t>(&self, text: &'t str, lines: &[Line<'_>]) -> Cow<'t, str> {
        let body_start = lines[self.start].start;
        let body_end = lines.get(self.end).map_or(text.len(), |l| l.start);
        let body = &text[body_start..body_end];
        if self.key_lines.is_empty() {
            return Cow::Borrowed(body);
        }
        let mut out = String::with_capacity(body.len() + 64);
        for &k in &self.key_lines {
            out.push_str(lines[k].text);
            out.push('\n');
        }
        out.push_str(body);
        Cow::Owned(out)
    }
}

struct Splitter<'s, 't> {
    text: &'t str,
    lines: &'s [Line<'t>],
    piece_size: usize,
    pieces: Vec<Piece>,
}

impl Splitter<'_, '_> {
    fn size(&self, start: usize, end: usize) -> usize {
        let end = self.lines.get(end).map_or(self.text.len(), |l| l.start);
        end - self.lines[start].start
    }

    /// Split the block mapping on lines `[start, end)`, whose first line is an entry at
    /// `indentation`, under the keys `above` (line index and entry index per level).
    fn split(
        &mut self,
        start: usize,
        end: usize,
        indentation: usize,
        above: &[(usize, usize)],
    ) -> Option<()> {
        if !starts_entry(self.lines[start].text, indentation) {
            return None;
        }
        let entries: Vec<usize> = (start..end)
            .filter(|&i| starts_entry(self.lines[i].text, indentation))
            .collect();
        let mut run_start = start;
        for (n, &entry) in entries.iter().enumerate() {
            let entry_end = entries.get(n + 1).copied().unwrap_or(end);
            let body = self.body(entry, entry_end, indentation);
            if self.size(entry, entry_end) <= self.piece_size || body.is_none() {
                // Small (or not a plain nested mapping): part of the current run.
                if self.size(run_start, entry_end) > self.piece_size && run_start < entry {
                    self.push(above, run_start, entry);
                    run_start = entry;
                }
                continue;
            }
            if run_start < entry {
                self.push(above, run_start, entry);
            }
            let (body_start, body_indentation) = body?;
            let mut below = above.to_vec();
            below.push((entry, n));
            self.split(body_start, entry_end, body_indentation, &below)?;
            run_start = entry_end;
        }
        if run_start < end {
            self.push(above, run_start, end);
        }
        Some(())
    }

    /// For an entry `KEY:` whose value is a block mapping below it: its first line and
    /// indentation.
    fn body(&self, entry: usize, end: usize, indentation: usize) -> Option<(usize, usize)> {
        if !is_bare_key(self.lines[entry].text) {
            return None;
        }
        let first = (entry + 1..end).find(|&i| !is_blank_or_comment(self.lines[i].text))?;
        let inner = indent(self.lines[first].text);
        (inner > indentation && starts_entry(self.lines[first].text, inner))
            .then_some((first, inner))
    }

    fn push(&mut self, above: &[(usize, usize)], start: usize, end: usize) {
        self.pieces.push(Piece {
            key_lines: above.iter().map(|&(line, _)| line).collect(),
            path: above.iter().map(|&(_, entry)| entry).collect(),
            start,
            end,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn whole(text: &str) -> Option<Value> {
        serde_norway::from_str(text).ok()
    }

    /// Parsed in pieces of every size, a document gives what parsing it whole gives, or the
    /// pieces give up.
    fn check(text: &str) {
        let expected = whole(text);
        for size in 1..=text.len() + 1 {
            if let Some(value) = parse_in_pieces(text, size) {
                assert_eq!(
                    Some(&value),
                    expected.as_ref(),
                    "piece size {size}:\n{text}"
                );
                assert_eq!(
                    value.to_string(),
                    expected.as_ref().unwrap().to_string(),
                    "key order, piece size {size}"
                );
            }
        }
    }

    fn splits(text: &str) -> bool {
        parse_in_pieces(text, 1).is_some()
    }

    const SPEC: &str = "\
# comment first
openapi: 3.0.3
info:
  title: t
  description: |
    Several lines,
    one: with a colon

    and a blank line.
  version: '1'
paths:
  /a:
    get:
      operationId: a
      description: >
        folded
        text
  /b/{id}:
    parameters:
      - name: id
        in: path
    get:
      operationId: b
  # a comment between entries
  /c:
    post: {operationId: c, tags: [x,
      y]}
components:
  schemas:
    A:
      type: object
      properties:
        x: {type: string}
    B:
      type: string
      enum:
      - one
      - two
    C:
      allOf:
      - $ref: '#/components/schemas/A'
  parameters:
    P:
      name: p
      in: query
tags:
- name: x
- name: y
";

    #[test]
    fn a_spec_splits_and_reads_the_same() {
        assert!(splits(SPEC));
        check(SPEC);
        check(&SPEC.replace('\n', "\r\n"));
    }

    #[test]
    fn the_specs_split_and_read_the_same() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        for path in [
            "../spec/partner-center-customers.yaml",
            "tests/specs/tricky.yaml",
        ] {
            let text = std::fs::read_to_string(dir.join(path)).unwrap();
            let expected = whole(&text).unwrap();
            for size in [1, 100, 1_000, 10_000, 100_000]
                .into_iter()
                .filter(|&s| s < text.len() / 2)
            {
                let value = parse_in_pieces(&text, size);
                assert!(
                    value.is_some(),
                    "{path} does not split into pieces of {size}"
                );
                assert_eq!(
                    value.unwrap().to_string(),
                    expected.to_string(),
                    "{path}, {size}"
                );
            }
        }
    }

    #[test]
    fn what_cannot_be_split_is_parsed_whole() {
        // An alias to an anchor in another piece.
        let text = "a:\n  x: &v 1\nb:\n  y: *v\n";
        check(text);
        assert_eq!(parse(text).unwrap(), whole(text).unwrap());
        // A quoted scalar going on at the start of a line.
        check("a: 'one\nb: two'\nc: 3\n");
        check("a:\n  k: \"one\n  b: two\"\n  c: 3\n");
        // A flow collection over several lines.
        check("a: [1,\nb]\nc: 3\n");
        // The same key twice, at the top and below.
        check("a: 1\nb: 2\na: 3\n");
        check("p:\n  a: 1\n  b: 2\n  a: 3\nq: 1\n");
        // Several documents, directives, a flow mapping, a scalar.
        assert!(!splits("a: 1\n---\nb: 2\n"));
        assert!(!splits("%YAML 1.2\n---\na: 1\nb: 2\n"));
        assert!(!splits("{a: 1,\nb: 2}\n"));
        assert!(!splits("just text\nmore text\n"));
        check("a: 1\n---\nb: 2\n");
        check("{a: 1,\nb: 2}\n");
        // Block scalars end at their key's indentation.
        check("a: |\nb: 1\nc: |\n  text\nd: 2\n");
        check("x:\n  k: |\n  foo: bar\n  j: >\n    t\n  z: 1\n");
        // Sequences at their key's indentation, complex keys, merge keys.
        check("a:\n- 1\n- 2\nb: 3\n");
        check("? a\n: 1\nb: 2\n");
        check("base: &b {x: 1}\nd:\n  <<: *b\n  y: 2\n");
        // Broken documents: the whole parse gives the error.
        check("a: 1\n b: 2\nc: 3\n");
        check("a:\n  b: 1\n c: 2\n");
    }
}
