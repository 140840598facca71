//! Strict JSON (RFC 8259) -> the same position-keeping node tree as YAML.
//!
//! HEPData's reference validator reads `.json` data files with its YAML loader, which
//! takes a bare `NaN` for the text "NaN" and so lets it pass. A JSON file is read here as
//! JSON: `NaN`, `Infinity`, comments and single quotes are syntax errors with their line
//! and column, and a key given twice in one object is reported. One slip is only warned
//! about: a comma before a closing bracket, which JSON forbids but every YAML reader (and
//! so HEPData) reads as the author meant; even HEPData's own example files have one.

use std::collections::HashSet;
use std::path::Path;

use crate::model::{Diagnostic, Pos};

use super::yaml::{Documents, Kind, MAX_DEPTH, Node, Scalar, is_repeated, shorten};

/// Parses one JSON value; an empty (or all-blank) text gives no document.
///
/// # Errors
/// The first syntax error, or nesting deeper than [`MAX_DEPTH`].
pub fn parse(text: &str, file: &Path) -> Result<Documents, Diagnostic> {
    // A byte-order mark is not JSON, but editors write one and every reader skips it.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut reader = Reader {
        bytes: text.as_bytes(),
        text,
        at: 0,
        line: 1,
        line_start: 0,
        file,
        depth: 0,
        problems: Vec::new(),
    };
    let mut out = Documents::default();
    reader.skip_blank();
    if reader.at == reader.bytes.len() {
        return Ok(out);
    }
    out.starts.push(reader.pos());
    let node = reader.value()?;
    reader.skip_blank();
    if reader.at < reader.bytes.len() {
        return Err(reader.fail("after the end of the JSON value", "remove what follows"));
    }
    out.docs.push(node);
    out.problems = reader.problems;
    Ok(out)
}

struct Reader<'t> {
    bytes: &'t [u8],
    text: &'t str,
    at: usize,
    line: u32,
    line_start: usize,
    file: &'t Path,
    depth: usize,
    problems: Vec<Diagnostic>,
}

impl Reader<'_> {
    fn pos(&self) -> Pos {
        let col = self.text[self.line_start..self.at].chars().count() + 1;
        Pos::new(self.line, col as u32)
    }

    fn skip_blank(&mut self) {
        while let Some(&b) = self.bytes.get(self.at) {
            match b {
                b' ' | b'\t' | b'\r' => self.at += 1,
                b'\n' => {
                    self.at += 1;
                    self.line += 1;
                    self.line_start = self.at;
                }
                _ => break,
            }
        }
    }

    /// A syntax error at the current place, naming what was found there.
    fn fail(&self, context: &str, help: &str) -> Diagnostic {
        let found = match self.text[self.at..].chars().next() {
            None => "the end of the file".to_string(),
            Some(_) => {
                let token: String = self.text[self.at..]
                    .chars()
                    .take_while(|c| !c.is_whitespace() && !matches!(c, ',' | ']' | '}' | ':'))
                    .take(20)
                    .collect();
                let token = if token.is_empty() {
                    self.text[self.at..].chars().take(1).collect()
                } else {
                    token
                };
                format!("`{token}`")
            }
        };
        let (message, help) = match found.as_str() {
            "`NaN`" | "`Infinity`" | "`-Infinity`" | "`nan`" | "`inf`" | "`-inf`" => (
                format!(
                    "this is not valid JSON: {} is not a JSON value (JSON has no NaN or infinity)",
                    found.trim_matches('`')
                ),
                "give a number; for a missing point write the value as a string such as \"-\" \
                 and leave out its errors",
            ),
            _ => (
                format!("this is not valid JSON: unexpected {found} {context}"),
                help,
            ),
        };
        Diagnostic::error("E001", self.file, self.pos(), message).with_help(help)
    }

    fn value(&mut self) -> Result<Node, Diagnostic> {
        let pos = self.pos();
        match self.bytes.get(self.at) {
            Some(b'{') => self.object(pos),
            Some(b'[') => self.array(pos),
            Some(b'"') => {
                let text = self.string()?;
                Ok(scalar(pos, text, false))
            }
            Some(b't') if self.eat("true") => Ok(scalar(pos, "true".into(), true)),
            Some(b'f') if self.eat("false") => Ok(scalar(pos, "false".into(), true)),
            Some(b'n') if self.eat("null") => Ok(scalar(pos, "null".into(), true)),
            Some(b'-' | b'0'..=b'9') => self.number(pos),
            _ => Err(self.fail(
                "where a value was expected",
                "a JSON value is an object, a list, a \"string\", a number, true, false or null",
            )),
        }
    }

    /// After a comma: is this the closing bracket? Then warns, consumes it and says so.
    fn trailing_comma(&mut self, close: u8) -> bool {
        if self.bytes.get(self.at) != Some(&close) {
            return false;
        }
        self.problems.push(
            Diagnostic::warning(
                "W006",
                self.file,
                self.pos(),
                format!(
                    "a comma comes right before this `{}`: JSON does not allow it, so strict JSON readers refuse this file",
                    close as char
                ),
            )
            .with_help("remove the comma after the last item"),
        );
        self.at += 1;
        true
    }

    fn eat(&mut self, word: &str) -> bool {
        let end = self.at + word.len();
        let rest = self.bytes.get(end).copied();
        if self.bytes.get(self.at..end) == Some(word.as_bytes())
            && !rest.is_some_and(|b| b.is_ascii_alphanumeric())
        {
            self.at = end;
            true
        } else {
            false
        }
    }

    fn enter(&mut self) -> Result<(), Diagnostic> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(Diagnostic::error(
                "E001",
                self.file,
                self.pos(),
                format!("lists and objects are nested more than {MAX_DEPTH} levels deep"),
            )
            .with_help("HEPData tables nest six levels at most: check the brackets"));
        }
        Ok(())
    }

    fn object(&mut self, pos: Pos) -> Result<Node, Diagnostic> {
        self.enter()?;
        self.at += 1;
        let mut entries: Vec<(Node, Node)> = Vec::new();
        let mut seen: HashSet<String> = HashSet::new();
        self.skip_blank();
        if self.bytes.get(self.at) == Some(&b'}') {
            self.at += 1;
            self.depth -= 1;
            return Ok(Node {
                pos,
                kind: Kind::Map(entries),
            });
        }
        loop {
            self.skip_blank();
            if self.trailing_comma(b'}') {
                break;
            }
            let key_pos = self.pos();
            if self.bytes.get(self.at) != Some(&b'"') {
                return Err(self.fail(
                    "where a \"key\" was expected",
                    "object keys are strings in double quotes, and no comma may follow the last entry",
                ));
            }
            let key = self.string()?;
            self.skip_blank();
            if self.bytes.get(self.at) != Some(&b':') {
                return Err(self.fail("where `:` was expected", "write `\"key\": value`"));
            }
            self.at += 1;
            self.skip_blank();
            let value = self.value()?;
            if is_repeated(&entries, &mut seen, &key) {
                let first = entries
                    .iter()
                    .find(|(k, _)| k.as_scalar().is_some_and(|s| s.text == key))
                    .map_or(0, |(k, _)| k.pos.line);
                self.problems.push(
                    Diagnostic::error(
                        "E002",
                        self.file,
                        key_pos,
                        format!(
                            "duplicate key \"{}\" (first given on line {first}); JSON readers silently keep only the last one",
                            shorten(&key, 60)
                        ),
                    )
                    .with_help("remove one of the two entries, or merge them"),
                );
                entries.retain(|(k, _)| k.as_scalar().is_none_or(|s| s.text != key));
                seen.clear();
            }
            entries.push((scalar(key_pos, key, false), value));
            self.skip_blank();
            match self.bytes.get(self.at) {
                Some(b',') => self.at += 1,
                Some(b'}') => {
                    self.at += 1;
                    break;
                }
                _ => {
                    return Err(self.fail(
                        "where `,` or `}` was expected",
                        "separate entries with commas and close the object with `}`",
                    ));
                }
            }
        }
        self.depth -= 1;
        Ok(Node {
            pos,
            kind: Kind::Map(entries),
        })
    }

    fn array(&mut self, pos: Pos) -> Result<Node, Diagnostic> {
        self.enter()?;
        self.at += 1;
        let mut items = Vec::new();
        self.skip_blank();
        if self.bytes.get(self.at) == Some(&b']') {
            self.at += 1;
            self.depth -= 1;
            return Ok(Node {
                pos,
                kind: Kind::Seq(items),
            });
        }
        loop {
            self.skip_blank();
            if !items.is_empty() && self.trailing_comma(b']') {
                break;
            }
            items.push(self.value()?);
            self.skip_blank();
            match self.bytes.get(self.at) {
                Some(b',') => self.at += 1,
                Some(b']') => {
                    self.at += 1;
                    break;
                }
                _ => {
                    return Err(self.fail(
                        "where `,` or `]` was expected",
                        "separate items with commas and close the list with `]`",
                    ));
                }
            }
        }
        self.depth -= 1;
        Ok(Node {
            pos,
            kind: Kind::Seq(items),
        })
    }

    fn number(&mut self, pos: Pos) -> Result<Node, Diagnostic> {
        let start = self.at;
        let digits = |r: &mut Self| {
            let s = r.at;
            while r.bytes.get(r.at).is_some_and(u8::is_ascii_digit) {
                r.at += 1;
            }
            r.at > s
        };
        if self.bytes.get(self.at) == Some(&b'-') {
            self.at += 1;
        }
        let int_start = self.at;
        if !digits(self) {
            self.at = start;
            return Err(self.fail(
                "where a number was expected",
                "write a number such as -1.5e3",
            ));
        }
        if self.bytes[int_start] == b'0' && self.at - int_start > 1 {
            self.at = int_start;
            return Err(self.fail(
                "(a JSON number has no leading zero)",
                "write the number without leading zeros",
            ));
        }
        if self.bytes.get(self.at) == Some(&b'.') {
            self.at += 1;
            if !digits(self) {
                return Err(self.fail(
                    "after the decimal point",
                    "write at least one digit after the point, e.g. 1.0",
                ));
            }
        }
        if matches!(self.bytes.get(self.at), Some(b'e' | b'E')) {
            self.at += 1;
            if matches!(self.bytes.get(self.at), Some(b'+' | b'-')) {
                self.at += 1;
            }
            if !digits(self) {
                return Err(self.fail("in an exponent", "write the exponent's digits, e.g. 1e-3"));
            }
        }
        let text = self.text[start..self.at].to_string();
        Ok(scalar(pos, text, true))
    }

    /// A string starting at the opening quote; returns its decoded text.
    fn string(&mut self) -> Result<String, Diagnostic> {
        self.at += 1;
        let mut out = String::new();
        loop {
            let rest = &self.text[self.at..];
            let Some(stop) = rest.find(|c: char| c == '"' || c == '\\' || c < ' ') else {
                self.at = self.bytes.len();
                return Err(self.fail("inside a string", "close the string with `\"`"));
            };
            out.push_str(&rest[..stop]);
            self.at += stop;
            match self.bytes[self.at] {
                b'"' => {
                    self.at += 1;
                    return Ok(out);
                }
                b'\\' => {
                    self.at += 1;
                    let c = match self.bytes.get(self.at) {
                        Some(b'"') => '"',
                        Some(b'\\') => '\\',
                        Some(b'/') => '/',
                        Some(b'b') => '\u{8}',
                        Some(b'f') => '\u{c}',
                        Some(b'n') => '\n',
                        Some(b'r') => '\r',
                        Some(b't') => '\t',
                        Some(b'u') => {
                            self.at += 1;
                            out.push(self.unicode_escape()?);
                            continue;
                        }
                        _ => {
                            return Err(self.fail(
                                "after a backslash",
                                "escape with \\\", \\\\, \\/, \\b, \\f, \\n, \\r, \\t or \\uXXXX",
                            ));
                        }
                    };
                    out.push(c);
                    self.at += 1;
                }
                _ => {
                    return Err(self.fail(
                        "inside a string (a control character, such as a line end or a tab)",
                        "write line ends as \\n and tabs as \\t inside strings",
                    ));
                }
            }
        }
    }

    /// `XXXX` after `\u`, with a following low surrogate when `XXXX` is a high one.
    fn unicode_escape(&mut self) -> Result<char, Diagnostic> {
        let hex = |r: &mut Self| -> Option<u32> {
            let s = r.text.get(r.at..r.at + 4)?;
            let v = u32::from_str_radix(s, 16).ok()?;
            r.at += 4;
            Some(v)
        };
        let bad = |r: &Self| r.fail("in a \\u escape", "write \\u and four hexadecimal digits");
        let high = hex(self).ok_or_else(|| bad(self))?;
        if (0xD800..0xDC00).contains(&high) && self.text[self.at..].starts_with("\\u") {
            self.at += 2;
            let low = hex(self).ok_or_else(|| bad(self))?;
            if (0xDC00..0xE000).contains(&low) {
                let c = 0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00);
                return Ok(char::from_u32(c).unwrap_or('\u{fffd}'));
            }
            return Ok('\u{fffd}');
        }
        Ok(char::from_u32(high).unwrap_or('\u{fffd}'))
    }
}

fn scalar(pos: Pos, text: String, plain: bool) -> Node {
    Node {
        pos,
        kind: Kind::Scalar(Scalar {
            text,
            plain,
            tag: None,
            json: true,
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::yaml::Resolved;

    fn ok(text: &str) -> Node {
        parse(text, Path::new("t.json")).unwrap().docs.remove(0)
    }

    fn err(text: &str) -> Diagnostic {
        parse(text, Path::new("t.json")).unwrap_err()
    }

    #[test]
    fn reads_values_with_positions() {
        let doc = ok("{\"a\": [1, -2.5e3, \"x\\u00e9\\n\"],\n \"b\": {\"c\": null, \"d\": true}}");
        let a = doc.get("a").unwrap().as_seq().unwrap();
        assert_eq!(
            a[1].as_scalar().unwrap().resolve(),
            Resolved::Float(-2500.0)
        );
        assert_eq!(a[2].as_scalar().unwrap().resolve(), Resolved::Str("xé\n"));
        assert_eq!(a[0].pos, Pos::new(1, 8));
        let b = doc.get("b").unwrap();
        assert_eq!(b.pos, Pos::new(2, 7));
        assert!(b.get("c").unwrap().is_null());
    }

    #[test]
    fn nan_and_infinity_are_errors_where_written() {
        let d = err("{\"x\": 1,\n \"v\": [{\"value\": NaN}]}");
        assert_eq!((d.code, d.line, d.column), ("E001", 2, 18));
        assert!(
            d.message.contains("NaN is not a JSON value"),
            "{}",
            d.message
        );
        assert!(err("[-Infinity]").message.contains("infinity"));
    }

    #[test]
    fn other_syntax_errors() {
        for bad in [
            "[1, 2,,]",
            "[,]",
            "{'a': 1}",
            "[01]",
            "{\"a\" 1}",
            "[1] x",
            "// c\n[1]",
            "[\"a\tb\"]",
        ] {
            assert_eq!(err(bad).code, "E001", "{bad}");
        }
        assert!(parse("  \n", Path::new("t.json")).unwrap().docs.is_empty());
        let deep = "[".repeat(5000);
        assert!(err(&deep).message.contains("nested"));
    }

    #[test]
    fn trailing_commas_are_warned_about() {
        let out = parse("{\"a\": [1, 2,\n],\n}", Path::new("t.json")).unwrap();
        let at: Vec<_> = out
            .problems
            .iter()
            .map(|d| (d.code, d.line, d.column))
            .collect();
        assert_eq!(at, [("W006", 2, 1), ("W006", 3, 1)]);
        assert_eq!(out.docs[0].get("a").unwrap().as_seq().unwrap().len(), 2);
    }

    #[test]
    fn duplicate_keys_are_reported_last_wins() {
        let out = parse("{\"a\": 1,\n \"a\": 2}", Path::new("t.json")).unwrap();
        assert_eq!(out.problems[0].code, "E002");
        assert_eq!(out.problems[0].line, 2);
        assert_eq!(out.docs[0].get("a").unwrap().as_scalar().unwrap().text, "2");
    }

    #[test]
    fn surrogate_pairs() {
        let doc = ok("[\"\\ud83d\\ude00\"]");
        assert_eq!(doc.as_seq().unwrap()[0].as_scalar().unwrap().text, "😀");
    }
}
