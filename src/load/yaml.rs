//! YAML and JSON text -> a tree of nodes that remember their line and column.
//!
//! HEPData's reference tools read YAML with PyYAML, which follows YAML 1.1; JSON files
//! with Python's json module. Plain scalars are therefore resolved here the YAML 1.1 way
//! (or the JSON way for `.json` files), so that `1e3` is text and `012` is octal exactly
//! as HEPData sees them; `yaml12_differs` tells where a YAML 1.2 reader would disagree.
//!
//! The tree is built from saphyr-parser's event stream rather than through serde, so that
//! every node keeps its position, duplicate keys are seen (PyYAML silently keeps the last
//! one), tags are checked, and aliases are expanded under a budget.

use std::collections::HashMap;
use std::collections::HashSet;
use std::path::Path;

use saphyr_parser::{Event, Parser, ScalarStyle, Span};

use crate::model::{Diagnostic, Pos};

/// At most this many nodes may be created by expanding aliases in one file: a "billion
/// laughs" file is cut off here with a short message instead of filling memory.
pub const MAX_ALIAS_NODES: usize = 1_000_000;

/// Nesting deeper than this is rejected; real records nest five or six levels.
pub const MAX_DEPTH: usize = 200;

#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    pub pos: Pos,
    pub kind: Kind,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Kind {
    Scalar(Scalar),
    Seq(Vec<Node>),
    Map(Vec<(Node, Node)>),
}

#[derive(Clone, Debug, PartialEq)]
pub struct Scalar {
    pub text: String,
    /// Plain (unquoted, not a block scalar) and untagged: subject to type resolution.
    pub plain: bool,
    /// `!!str`, `!!int`, `!!float`, ... given explicitly (the suffix only).
    pub tag: Option<String>,
    /// Read from a JSON file: resolve plain scalars with JSON's grammar.
    pub json: bool,
}

/// A scalar's value as the reference reader (PyYAML or Python's json) types it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Resolved<'a> {
    Null,
    Bool(bool),
    Int(f64),
    Float(f64),
    Str(&'a str),
}

impl Node {
    pub fn as_map(&self) -> Option<&[(Node, Node)]> {
        match &self.kind {
            Kind::Map(entries) => Some(entries),
            _ => None,
        }
    }

    pub fn as_seq(&self) -> Option<&[Node]> {
        match &self.kind {
            Kind::Seq(items) => Some(items),
            _ => None,
        }
    }

    pub fn as_scalar(&self) -> Option<&Scalar> {
        match &self.kind {
            Kind::Scalar(s) => Some(s),
            _ => None,
        }
    }

    /// The value under `key` in a mapping, with the key node's position.
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.as_map()?
            .iter()
            .find(|(k, _)| k.as_scalar().is_some_and(|s| s.text == key))
            .map(|(_, v)| v)
    }

    pub fn is_null(&self) -> bool {
        matches!(self.as_scalar().map(Scalar::resolve), Some(Resolved::Null))
    }

    /// What the node is, for messages: "a mapping", "a list", "the number 3", "text \"abc\"".
    pub fn describe(&self) -> String {
        match &self.kind {
            Kind::Map(_) => "a mapping".to_string(),
            Kind::Seq(_) => "a list".to_string(),
            Kind::Scalar(s) => s.describe(),
        }
    }
}

impl Scalar {
    pub fn resolve(&self) -> Resolved<'_> {
        if let Some(tag) = &self.tag {
            return match tag.as_str() {
                "str" => Resolved::Str(&self.text),
                "null" => Resolved::Null,
                "bool" => {
                    resolve_bool(&self.text).map_or(Resolved::Str(&self.text), Resolved::Bool)
                }
                "int" => resolve_int(&self.text).map_or(Resolved::Str(&self.text), Resolved::Int),
                "float" => resolve_float(&self.text)
                    .or_else(|| resolve_int(&self.text))
                    .map_or(Resolved::Str(&self.text), Resolved::Float),
                _ => Resolved::Str(&self.text),
            };
        }
        if !self.plain {
            return Resolved::Str(&self.text);
        }
        if self.json {
            return resolve_json(&self.text);
        }
        resolve_yaml11(&self.text)
    }

    /// The number this scalar holds, if it resolves to one (ints included).
    pub fn as_f64(&self) -> Option<f64> {
        match self.resolve() {
            Resolved::Int(x) | Resolved::Float(x) => Some(x),
            _ => None,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match self.resolve() {
            Resolved::Str(s) => Some(s),
            _ => None,
        }
    }

    /// Where YAML 1.2's core schema reads this plain scalar differently from YAML 1.1
    /// (`1e3` is a number in 1.2 and text in 1.1; `012` is twelve in 1.2 and ten in 1.1;
    /// `1_000` and `yes` are text in 1.2). Returns the 1.2 reading to show in a warning.
    pub fn yaml12_differs(&self) -> Option<String> {
        if !self.plain || self.json || self.tag.is_some() {
            return None;
        }
        let y11 = resolve_yaml11(&self.text);
        let y12 = resolve_json_like_core(&self.text);
        let same = match (y11, y12) {
            (Resolved::Int(a) | Resolved::Float(a), Resolved::Int(b) | Resolved::Float(b)) => {
                a == b || (a.is_nan() && b.is_nan())
            }
            (a, b) => a == b,
        };
        if same {
            return None;
        }
        Some(match y12 {
            Resolved::Null => "null".to_string(),
            Resolved::Bool(b) => format!("the boolean {b}"),
            Resolved::Int(x) | Resolved::Float(x) => format!("the number {x}"),
            Resolved::Str(s) => format!("the text \"{s}\""),
        })
    }

    pub fn describe(&self) -> String {
        match self.resolve() {
            Resolved::Null => "nothing (null)".to_string(),
            Resolved::Bool(b) => format!("the boolean {b}"),
            Resolved::Int(_) | Resolved::Float(_) => format!("the number {}", self.text),
            Resolved::Str(s) => format!("text \"{}\"", shorten(s, 60)),
        }
    }
}

/// Cuts `s` to at most `max` characters for a message, marking the cut.
pub fn shorten(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_string();
    }
    let cut: String = s.chars().take(max).collect();
    format!("{cut}…")
}

/// YAML 1.1 resolution as PyYAML's SafeLoader does it.
fn resolve_yaml11(text: &str) -> Resolved<'_> {
    match text {
        "" | "~" | "null" | "Null" | "NULL" => return Resolved::Null,
        _ => {}
    }
    if let Some(b) = resolve_bool11(text) {
        return Resolved::Bool(b);
    }
    if let Some(x) = resolve_int(text) {
        return Resolved::Int(x);
    }
    if let Some(x) = resolve_float(text) {
        return Resolved::Float(x);
    }
    Resolved::Str(text)
}

fn resolve_bool11(text: &str) -> Option<bool> {
    match text {
        "yes" | "Yes" | "YES" | "true" | "True" | "TRUE" | "on" | "On" | "ON" => Some(true),
        "no" | "No" | "NO" | "false" | "False" | "FALSE" | "off" | "Off" | "OFF" => Some(false),
        _ => None,
    }
}

fn resolve_bool(text: &str) -> Option<bool> {
    resolve_bool11(text)
}

/// YAML 1.1 integers: decimal, `0b`, `0x`, leading-zero octal, `_` separators, and
/// base-60 (`1:30`), as PyYAML's int resolver and constructor.
fn resolve_int(text: &str) -> Option<f64> {
    let (neg, body) = match text.as_bytes().first()? {
        b'-' => (true, &text[1..]),
        b'+' => (false, &text[1..]),
        _ => (false, text),
    };
    if body.is_empty() {
        return None;
    }
    let sign = if neg { -1.0 } else { 1.0 };
    let digits = |s: &str, radix: u32| -> Option<f64> {
        if s.is_empty() || !s.chars().all(|c| c == '_' || c.is_digit(radix)) {
            return None;
        }
        let clean: String = s.chars().filter(|&c| c != '_').collect();
        if clean.is_empty() {
            return None;
        }
        Some(clean.chars().fold(0.0, |acc, c| {
            acc * f64::from(radix) + f64::from(c.to_digit(radix).unwrap_or(0))
        }))
    };
    if let Some(rest) = body.strip_prefix("0b") {
        return digits(rest, 2).map(|x| sign * x);
    }
    if let Some(rest) = body.strip_prefix("0x") {
        return digits(rest, 16).map(|x| sign * x);
    }
    if body == "0" {
        return Some(0.0);
    }
    if let Some(rest) = body.strip_prefix('0') {
        return digits(rest, 8).map(|x| sign * x);
    }
    if body.contains(':') {
        return sexagesimal(body, false).map(|x| sign * x);
    }
    let first = body.as_bytes()[0];
    if !(b'1'..=b'9').contains(&first) {
        return None;
    }
    digits(body, 10).map(|x| sign * x)
}

/// YAML 1.1 floats as PyYAML resolves them. Note the quirks HEPData inherits: a float
/// needs a `.` (so `1e3` is text), and an exponent needs its sign (`1.0e3` is text).
fn resolve_float(text: &str) -> Option<f64> {
    let (neg, body) = match text.as_bytes().first()? {
        b'-' => (true, &text[1..]),
        b'+' => (false, &text[1..]),
        _ => (false, text),
    };
    let sign = if neg { -1.0 } else { 1.0 };
    match body {
        ".inf" | ".Inf" | ".INF" => return Some(sign * f64::INFINITY),
        ".nan" | ".NaN" | ".NAN" if text == body => return Some(f64::NAN),
        _ => {}
    }
    if body.contains(':') {
        return sexagesimal(body, true).map(|x| sign * x);
    }
    let (mantissa, exponent) = match body.find(['e', 'E']) {
        Some(i) => (&body[..i], Some(&body[i + 1..])),
        None => (body, None),
    };
    let dot = mantissa.find('.')?;
    let (int_part, frac_part) = (&mantissa[..dot], &mantissa[dot + 1..]);
    let int_ok = if int_part.is_empty() {
        // `.5` is a float, but then there is no sign and the fraction is not empty.
        !neg && text == body && !frac_part.is_empty()
    } else {
        int_part.as_bytes()[0].is_ascii_digit()
            && int_part.chars().all(|c| c.is_ascii_digit() || c == '_')
    };
    if !int_ok || !frac_part.chars().all(|c| c.is_ascii_digit() || c == '_') {
        return None;
    }
    if let Some(exp) = exponent {
        let digits = exp.strip_prefix(['+', '-'])?;
        if digits.is_empty() || !digits.chars().all(|c| c.is_ascii_digit()) {
            return None;
        }
    }
    let clean: String = body.chars().filter(|&c| c != '_').collect();
    let clean = if clean.ends_with('.') {
        format!("{clean}0")
    } else {
        clean
    };
    let clean = clean.replace(".e", ".0e").replace(".E", ".0E");
    clean.parse::<f64>().ok().map(|x| sign * x)
}

fn sexagesimal(body: &str, float: bool) -> Option<f64> {
    let parts: Vec<&str> = body.split(':').collect();
    let (last, head) = parts.split_last()?;
    let first = head.first()?;
    if first.is_empty() || !first.as_bytes()[0].is_ascii_digit() || first.starts_with('0') {
        return None;
    }
    let mut value = 0.0;
    for part in head {
        if !part.chars().all(|c| c.is_ascii_digit() || c == '_') || part.is_empty() {
            return None;
        }
        value = value * 60.0 + part.replace('_', "").parse::<f64>().ok()?;
    }
    let last_value: f64 = if float {
        let (i, f) = last.split_once('.')?;
        if i.is_empty() || i.len() > 2 || !i.chars().all(|c| c.is_ascii_digit()) {
            return None;
        }
        format!("{i}.{}0", f.replace('_', "")).parse().ok()?
    } else {
        if last.is_empty() || last.len() > 2 || !last.chars().all(|c| c.is_ascii_digit()) {
            return None;
        }
        let v: f64 = last.parse().ok()?;
        if v >= 60.0 {
            return None;
        }
        v
    };
    Some(value * 60.0 + last_value)
}

/// JSON's grammar for bare tokens, as Python's json module reads them (it also accepts
/// `NaN`, `Infinity` and `-Infinity`, which the checker then rejects as values).
fn resolve_json(text: &str) -> Resolved<'_> {
    match text {
        "null" => return Resolved::Null,
        "true" => return Resolved::Bool(true),
        "false" => return Resolved::Bool(false),
        "NaN" => return Resolved::Float(f64::NAN),
        "Infinity" => return Resolved::Float(f64::INFINITY),
        "-Infinity" => return Resolved::Float(f64::NEG_INFINITY),
        _ => {}
    }
    match text.parse::<f64>() {
        Ok(x) if is_json_number(text) => {
            if text.contains(['.', 'e', 'E']) {
                Resolved::Float(x)
            } else {
                Resolved::Int(x)
            }
        }
        _ => Resolved::Str(text),
    }
}

fn is_json_number(text: &str) -> bool {
    let body = text.strip_prefix('-').unwrap_or(text);
    let bytes = body.as_bytes();
    !bytes.is_empty()
        && bytes[0].is_ascii_digit()
        && !(bytes[0] == b'0' && bytes.len() > 1 && bytes[1].is_ascii_digit())
        && body
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '.' | 'e' | 'E' | '+' | '-'))
}

/// YAML 1.2 core schema resolution, used only to warn where it differs from 1.1.
fn resolve_json_like_core(text: &str) -> Resolved<'_> {
    match text {
        "" | "~" | "null" | "Null" | "NULL" => return Resolved::Null,
        "true" | "True" | "TRUE" => return Resolved::Bool(true),
        "false" | "False" | "FALSE" => return Resolved::Bool(false),
        _ => {}
    }
    let body = text.strip_prefix(['-', '+']).unwrap_or(text);
    let sign = if text.starts_with('-') { -1.0 } else { 1.0 };
    match body {
        ".inf" | ".Inf" | ".INF" => return Resolved::Float(sign * f64::INFINITY),
        ".nan" | ".NaN" | ".NAN" => return Resolved::Float(f64::NAN),
        _ => {}
    }
    if let Some(hex) = text.strip_prefix("0x")
        && !hex.is_empty()
        && hex.chars().all(|c| c.is_ascii_hexdigit())
    {
        return Resolved::Int(i64::from_str_radix(hex, 16).map_or(f64::NAN, |v| v as f64));
    }
    if let Some(oct) = text.strip_prefix("0o")
        && !oct.is_empty()
        && oct.chars().all(|c| c.is_digit(8))
    {
        return Resolved::Int(i64::from_str_radix(oct, 8).map_or(f64::NAN, |v| v as f64));
    }
    let numeric = !body.is_empty()
        && body
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '.' | 'e' | 'E' | '+' | '-'))
        && body.chars().any(|c| c.is_ascii_digit())
        && !body.starts_with(['e', 'E']);
    if numeric && let Ok(x) = text.parse::<f64>() {
        return if body.chars().all(|c| c.is_ascii_digit()) {
            Resolved::Int(x)
        } else {
            Resolved::Float(x)
        };
    }
    Resolved::Str(text)
}

/// What reading a file gave: its documents, and problems that did not stop the reading.
#[derive(Debug, Default)]
pub struct Documents {
    pub docs: Vec<Node>,
    /// Where each document starts (the `---`, or the first node).
    pub starts: Vec<Pos>,
    pub problems: Vec<Diagnostic>,
}

/// Parses every document of `text`. `file` names the file in diagnostics; `json` selects
/// JSON's scalar rules (the text is still read by the YAML parser, which accepts JSON).
///
/// # Errors
/// A syntax error, an alias bomb or nesting too deep ends the reading with one diagnostic.
pub fn parse(text: &str, file: &Path, json: bool) -> Result<Documents, Diagnostic> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut builder = Builder {
        file,
        json,
        out: Documents::default(),
        stack: Vec::new(),
        anchors: HashMap::new(),
        alias_nodes: 0,
    };
    let mut parser = Parser::new_from_str(text);
    while let Some(event) = parser.next_event() {
        match event {
            Ok((event, span)) => builder.on_event(event, span)?,
            Err(e) => {
                let pos = Pos::new(e.marker().line() as u32, e.marker().col() as u32 + 1);
                return Err(Diagnostic::error(
                    "E001",
                    file,
                    pos,
                    format!("this is not valid {}: {}", if json { "JSON" } else { "YAML" }, e.info()),
                )
                .with_help(if json {
                    "check the brackets, commas and quotes near this place"
                } else {
                    "check the indentation (spaces only, no tabs), colons and quotes near this place"
                }));
            }
        }
    }
    Ok(builder.out)
}

enum Frame {
    Seq {
        items: Vec<Node>,
        pos: Pos,
        anchor: usize,
    },
    Map {
        entries: Vec<(Node, Node)>,
        key: Option<Node>,
        pos: Pos,
        anchor: usize,
        seen: HashSet<String>,
    },
}

struct Builder<'f> {
    file: &'f Path,
    json: bool,
    out: Documents,
    stack: Vec<Frame>,
    anchors: HashMap<usize, (Node, usize)>,
    alias_nodes: usize,
}

fn pos_of(span: &Span) -> Pos {
    Pos::new(span.start.line() as u32, span.start.col() as u32 + 1)
}

fn count_nodes(node: &Node) -> usize {
    match &node.kind {
        Kind::Scalar(_) => 1,
        Kind::Seq(items) => 1 + items.iter().map(count_nodes).sum::<usize>(),
        Kind::Map(entries) => {
            1 + entries
                .iter()
                .map(|(k, v)| count_nodes(k) + count_nodes(v))
                .sum::<usize>()
        }
    }
}

impl Builder<'_> {
    fn on_event(&mut self, event: Event<'_>, span: Span) -> Result<(), Diagnostic> {
        let pos = pos_of(&span);
        match event {
            Event::DocumentStart(_) => self.out.starts.push(pos),
            Event::Scalar(text, style, anchor, tag) => {
                let tag = match tag {
                    Some(tag) => Some(self.check_tag(&tag.handle, &tag.suffix, pos)?),
                    None => None,
                };
                let plain = style == ScalarStyle::Plain && tag.is_none();
                let node = Node {
                    pos,
                    kind: Kind::Scalar(Scalar {
                        text: text.into_owned(),
                        plain,
                        tag,
                        json: self.json,
                    }),
                };
                if anchor > 0 {
                    self.anchors.insert(anchor, (node.clone(), 1));
                }
                self.push(node)?;
            }
            Event::SequenceStart(anchor, tag) => {
                if let Some(tag) = tag {
                    self.check_tag(&tag.handle, &tag.suffix, pos)?;
                }
                self.open(Frame::Seq {
                    items: Vec::new(),
                    pos,
                    anchor,
                })?;
            }
            Event::MappingStart(anchor, tag) => {
                if let Some(tag) = tag {
                    self.check_tag(&tag.handle, &tag.suffix, pos)?;
                }
                self.open(Frame::Map {
                    entries: Vec::new(),
                    key: None,
                    pos,
                    anchor,
                    seen: HashSet::new(),
                })?;
            }
            Event::SequenceEnd | Event::MappingEnd => {
                let (node, anchor) = match self.stack.pop() {
                    Some(Frame::Seq { items, pos, anchor }) => (
                        Node {
                            pos,
                            kind: Kind::Seq(items),
                        },
                        anchor,
                    ),
                    Some(Frame::Map {
                        entries,
                        pos,
                        anchor,
                        ..
                    }) => (
                        Node {
                            pos,
                            kind: Kind::Map(entries),
                        },
                        anchor,
                    ),
                    None => return Ok(()),
                };
                if anchor > 0 {
                    let count = count_nodes(&node);
                    self.anchors.insert(anchor, (node.clone(), count));
                }
                self.push(node)?;
            }
            Event::Alias(id) => {
                let Some((node, count)) = self.anchors.get(&id) else {
                    return Err(Diagnostic::error(
                        "E001",
                        self.file,
                        pos,
                        "this alias names no anchor defined before it",
                    ));
                };
                self.alias_nodes += count;
                if self.alias_nodes > MAX_ALIAS_NODES {
                    return Err(Diagnostic::error(
                        "E004",
                        self.file,
                        pos,
                        format!("aliases in this file expand to more than {MAX_ALIAS_NODES} nodes; reading stopped"),
                    )
                    .with_help("write the data out in full instead of through `*alias` references (this looks like an alias bomb)"));
                }
                let mut node = node.clone();
                node.pos = pos;
                self.push(node)?;
            }
            Event::StreamStart | Event::StreamEnd | Event::DocumentEnd | Event::Nothing => {}
        }
        Ok(())
    }

    /// Accepts the core tags (`!!str`, `!!int`, ...) and rejects the rest, such as
    /// `!!python/unicode`, which PyYAML's safe loader refuses and HEPData cannot read.
    fn check_tag(&self, handle: &str, suffix: &str, pos: Pos) -> Result<String, Diagnostic> {
        const CORE: [&str; 8] = [
            "str", "int", "float", "bool", "null", "seq", "map", "binary",
        ];
        let core = handle == "!!" || handle == "tag:yaml.org,2002:";
        if core && CORE.contains(&suffix) && suffix != "binary" {
            return Ok(suffix.to_string());
        }
        Err(Diagnostic::error(
            "E003",
            self.file,
            pos,
            format!("the tag `{handle}{suffix}` is not allowed in a HEPData file"),
        )
        .with_help("remove the tag: write plain YAML values (text, numbers, lists, mappings) only"))
    }

    fn open(&mut self, frame: Frame) -> Result<(), Diagnostic> {
        if self.stack.len() >= MAX_DEPTH {
            let pos = match &frame {
                Frame::Seq { pos, .. } | Frame::Map { pos, .. } => *pos,
            };
            return Err(Diagnostic::error(
                "E001",
                self.file,
                pos,
                format!("lists and mappings are nested more than {MAX_DEPTH} levels deep"),
            ));
        }
        self.stack.push(frame);
        Ok(())
    }

    fn push(&mut self, node: Node) -> Result<(), Diagnostic> {
        match self.stack.last_mut() {
            None => self.out.docs.push(node),
            Some(Frame::Seq { items, .. }) => items.push(node),
            Some(Frame::Map {
                entries, key, seen, ..
            }) => match key.take() {
                None => *key = Some(node),
                Some(k) => {
                    if let Some(text) = k.as_scalar().map(|s| s.text.clone())
                        && !seen.insert(text.clone())
                    {
                        let first = entries
                            .iter()
                            .find(|(e, _)| e.as_scalar().is_some_and(|s| s.text == text))
                            .map(|(e, _)| e.pos)
                            .unwrap_or(Pos::NONE);
                        self.out.problems.push(
                                Diagnostic::error(
                                    "E002",
                                    self.file,
                                    k.pos,
                                    format!(
                                        "duplicate key \"{}\" (first given on line {}); HEPData's reader silently keeps only the last one",
                                        shorten(&text, 60),
                                        first.line
                                    ),
                                )
                                .with_help("remove one of the two entries, or merge them"),
                            );
                        // Keep the last, as PyYAML does, so both readers see the same data.
                        entries.retain(|(e, _)| e.as_scalar().is_none_or(|s| s.text != text));
                    }
                    entries.push((k, node));
                }
            },
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scalar(text: &str) -> Scalar {
        Scalar {
            text: text.to_string(),
            plain: true,
            tag: None,
            json: false,
        }
    }

    fn one(text: &str) -> Node {
        parse(text, Path::new("t.yaml"), false)
            .unwrap()
            .docs
            .remove(0)
    }

    #[test]
    fn yaml11_numbers_match_pyyaml() {
        assert_eq!(scalar("1.5").resolve(), Resolved::Float(1.5));
        assert_eq!(scalar("-2").resolve(), Resolved::Int(-2.0));
        assert_eq!(scalar("1e3").resolve(), Resolved::Str("1e3"));
        assert_eq!(scalar("1.0e3").resolve(), Resolved::Str("1.0e3"));
        assert_eq!(scalar("1.0e+3").resolve(), Resolved::Float(1000.0));
        assert_eq!(scalar("012").resolve(), Resolved::Int(10.0));
        assert_eq!(scalar("1_000").resolve(), Resolved::Int(1000.0));
        assert_eq!(scalar("0x1F").resolve(), Resolved::Int(31.0));
        assert_eq!(scalar("1:30").resolve(), Resolved::Int(90.0));
        assert_eq!(scalar(".5").resolve(), Resolved::Float(0.5));
        assert_eq!(scalar("1.").resolve(), Resolved::Float(1.0));
        assert_eq!(
            scalar("-.inf").resolve(),
            Resolved::Float(f64::NEG_INFINITY)
        );
        assert!(matches!(scalar(".nan").resolve(), Resolved::Float(x) if x.is_nan()));
        assert_eq!(scalar("yes").resolve(), Resolved::Bool(true));
        assert_eq!(scalar("~").resolve(), Resolved::Null);
        assert_eq!(scalar("5%").resolve(), Resolved::Str("5%"));
        assert_eq!(scalar("1.2.3").resolve(), Resolved::Str("1.2.3"));
    }

    #[test]
    fn yaml12_differences_are_named() {
        assert_eq!(
            scalar("1e3").yaml12_differs().as_deref(),
            Some("the number 1000")
        );
        assert_eq!(
            scalar("012").yaml12_differs().as_deref(),
            Some("the number 12")
        );
        assert_eq!(
            scalar("1_000").yaml12_differs().as_deref(),
            Some("the text \"1_000\"")
        );
        assert_eq!(scalar("1.5").yaml12_differs(), None);
        assert_eq!(scalar("abc").yaml12_differs(), None);
    }

    #[test]
    fn json_scalars_follow_json() {
        let s = Scalar {
            text: "1e3".into(),
            plain: true,
            tag: None,
            json: true,
        };
        assert_eq!(s.resolve(), Resolved::Float(1000.0));
    }

    #[test]
    fn positions_are_one_based() {
        let doc = one("a: 1\nb:\n  - x\n  - 2.5\n");
        let b = doc.get("b").unwrap().as_seq().unwrap();
        assert_eq!(b[1].pos, Pos::new(4, 5));
        assert_eq!(b[1].as_scalar().unwrap().as_f64(), Some(2.5));
    }

    #[test]
    fn quoted_numbers_stay_text() {
        let doc = one("a: '1.5'\nb: !!str 2\nc: !!float 3\n");
        assert_eq!(doc.get("a").unwrap().as_scalar().unwrap().as_f64(), None);
        assert_eq!(doc.get("b").unwrap().as_scalar().unwrap().as_f64(), None);
        assert_eq!(
            doc.get("c").unwrap().as_scalar().unwrap().as_f64(),
            Some(3.0)
        );
    }

    #[test]
    fn duplicate_keys_are_reported_and_last_wins() {
        let out = parse("a: 1\nb: 2\na: 3\n", Path::new("t.yaml"), false).unwrap();
        assert_eq!(out.problems.len(), 1);
        assert_eq!(out.problems[0].code, "E002");
        assert_eq!((out.problems[0].line, out.problems[0].column), (3, 1));
        assert_eq!(out.docs[0].get("a").unwrap().as_scalar().unwrap().text, "3");
    }

    #[test]
    fn foreign_tags_are_rejected() {
        let err = parse("name: !!python/unicode 'x'\n", Path::new("t.yaml"), false).unwrap_err();
        assert_eq!(err.code, "E003");
        assert_eq!(err.line, 1);
    }

    #[test]
    fn alias_bombs_stop_early() {
        let mut text = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
        let mut prev = 'a';
        for name in 'b'..='k' {
            text.push_str(&format!("{name}: &{name} [*{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}]\n"));
            prev = name;
        }
        let err = parse(&text, Path::new("t.yaml"), false).unwrap_err();
        assert_eq!(err.code, "E004");
    }

    #[test]
    fn syntax_errors_have_positions() {
        let err = parse("a: [1, 2\nb: 3\n", Path::new("t.yaml"), false).unwrap_err();
        assert_eq!(err.code, "E001");
        assert!(err.line >= 1);
    }

    #[test]
    fn bom_and_crlf_are_accepted() {
        let out = parse("\u{feff}a: 1\r\nb: 2\r\n", Path::new("t.yaml"), false).unwrap();
        assert_eq!(
            out.docs[0].get("b").unwrap().as_scalar().unwrap().as_f64(),
            Some(2.0)
        );
    }

    #[test]
    fn deep_nesting_is_refused() {
        let text = "[".repeat(10_000);
        assert!(parse(&text, Path::new("t.yaml"), false).is_err());
    }

    #[test]
    fn multiple_documents_and_empty_ones() {
        let out = parse("---\na: 1\n---\n---\nb: 2\n", Path::new("t.yaml"), false).unwrap();
        assert_eq!(out.docs.len(), 3);
        assert!(out.docs[1].is_null());
    }
}
