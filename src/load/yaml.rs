//! YAML and JSON text -> a tree of nodes that remember their line and column.
//!
//! HEPData's reference tools read YAML with PyYAML, which follows YAML 1.1. Plain scalars
//! are therefore resolved here the YAML 1.1 way, so that `012` is octal and `yes` a
//! boolean exactly as HEPData sees them; number fields add one exception and warn or fail
//! where YAML 1.2 readers would disagree (see [`Scalar::portability`]). JSON files are
//! read by a strict JSON reader (`super::json`) into the same tree.
//!
//! The tree is built from saphyr-parser's event stream rather than through serde, so that
//! every node keeps its position, duplicate keys are seen at any depth (PyYAML silently
//! keeps the last one), tags are checked, merge keys (`<<`) work as in PyYAML, and aliases
//! are expanded under a budget.
//!
//! Byte-order marks, line ends and tabs follow PyYAML: a BOM starting the file (or a line)
//! is skipped, CRLF and CR line ends are line ends, a tab may separate tokens (also after
//! `key:`) but may not indent a line or follow a `-` indicator, which PyYAML refuses.

use std::collections::HashMap;
use std::collections::HashSet;
use std::path::Path;

use saphyr_parser::{Event, Parser, ScalarStyle, Span};

use crate::model::{Diagnostic, Pos};

pub(super) mod subset;

pub use super::scalar::{Portability, Resolved, shorten};

/// Aliases may add at most this many nodes, plus [`ALIAS_NODES_PER_NODE`] per node written
/// out in the file: reuse of a shared list costs a few nodes per use, while a "billion
/// laughs" file grows exponentially and is cut off here, with a short message, before it
/// fills memory.
pub const MAX_ALIAS_NODES: usize = 100_000;

/// See [`MAX_ALIAS_NODES`].
pub const ALIAS_NODES_PER_NODE: usize = 10;

/// Nesting deeper than this is rejected; real records nest five or six levels.
pub const MAX_DEPTH: usize = 200;

/// A saphyr scanner quirk: `key:<TAB>value` is refused although YAML (and PyYAML) allow a
/// tab there. The reading is retried with that tab read as a space, at most this often.
const MAX_TAB_RETRIES: usize = 64;

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

    /// The value under `key` in a mapping.
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

    /// Number of nodes in this subtree (aliases count as what they expand to).
    /// The node's weight for the alias budget: one per node, plus one per 64 bytes of
    /// text, so that aliasing a long string many times is bounded in bytes too.
    pub fn count(&self) -> usize {
        match &self.kind {
            Kind::Scalar(s) => 1 + s.text.len() / 64,
            Kind::Seq(items) => 1 + items.iter().map(Node::count).sum::<usize>(),
            Kind::Map(entries) => {
                1 + entries
                    .iter()
                    .map(|(k, v)| k.count() + v.count())
                    .sum::<usize>()
            }
        }
    }
}

/// What reading a file gave: its documents, and problems that did not stop the reading.
#[derive(Debug, Default)]
pub struct Documents {
    pub docs: Vec<Node>,
    /// Where each document starts (the `---`, or the first node).
    pub starts: Vec<Pos>,
    pub problems: Vec<Diagnostic>,
}

/// Parses every document of `text`. `file` names the file in diagnostics; `json` reads the
/// text as strict JSON instead (see `super::json`).
///
/// # Errors
/// A syntax error, an alias bomb or nesting too deep ends the reading with one diagnostic.
pub fn parse(text: &str, file: &Path, json: bool) -> Result<Documents, Diagnostic> {
    if json {
        return super::json::parse(text, file);
    }
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    // PyYAML also skips a BOM that starts a later document; saphyr refuses it.
    let cleaned;
    let mut text = if text.contains("\n\u{feff}") {
        cleaned = text.replace("\n\u{feff}", "\n");
        std::borrow::Cow::Borrowed(cleaned.as_str())
    } else {
        std::borrow::Cow::Borrowed(text)
    };
    let mut retries = 0;
    loop {
        match parse_events(&text, file) {
            Ok((mut out, quiet)) => {
                lint_tabs(&text, file, &quiet, &mut out);
                return Ok(out);
            }
            Err(Failure::Syntax {
                message,
                index,
                pos,
            }) => {
                // `key:<TAB>value`: valid YAML that saphyr refuses; read the tab as a space.
                if retries < MAX_TAB_RETRIES
                    && message.contains("':' must be followed by a valid YAML whitespace")
                    && let Some(tab) = tab_after_colon(&text, index)
                {
                    let mut owned = text.into_owned();
                    owned.replace_range(tab..tab + 1, " ");
                    text = std::borrow::Cow::Owned(owned);
                    retries += 1;
                    continue;
                }
                return Err(syntax_error(&text, file, &message, pos));
            }
            Err(Failure::Stop(d)) => return Err(d),
        }
    }
}

enum Failure {
    Syntax {
        message: String,
        /// Character index of the error.
        index: usize,
        pos: Pos,
    },
    Stop(Diagnostic),
}

/// Builds the documents from saphyr's events; also returns the line ranges where tabs are
/// text or separators (see [`lint_tabs`]).
fn parse_events(text: &str, file: &Path) -> Result<(Documents, Vec<(u32, u32)>), Failure> {
    // Most data files keep to the subset of YAML that the fast reader knows. The others,
    // and those where building the tree stops with an error, are read again by saphyr,
    // whose events are the same where both read a text.
    let mut builder = Builder::new(file, text);
    if subset::read(text, |event, span| {
        builder
            .on_event(event, span)
            .map_err(|_| subset::Unsupported)
    })
    .is_ok()
    {
        return Ok((builder.out, builder.quiet));
    }

    let mut builder = Builder::new(file, text);
    let mut parser = Parser::new_from_str(text);
    while let Some(event) = parser.next_event() {
        match event {
            Ok((event, span)) => builder.on_event(event, span).map_err(Failure::Stop)?,
            Err(e) => {
                let m = e.marker();
                return Err(Failure::Syntax {
                    message: e.info().to_string(),
                    index: m.index(),
                    pos: Pos::new(m.line() as u32, m.col() as u32 + 1),
                });
            }
        }
    }
    Ok((builder.out, builder.quiet))
}

/// The byte offset of the tab in `key:<TAB>` just before the character `index`, if any.
fn tab_after_colon(text: &str, index: usize) -> Option<usize> {
    let start = index.saturating_sub(3);
    let window: Vec<(usize, char)> = text.char_indices().skip(start).take(4).collect();
    window
        .windows(2)
        .find(|w| w[0].1 == ':' && w[1].1 == '\t')
        .map(|w| w[1].0)
}

/// A syntax error, explained in terms of tabs when a tab is what PyYAML and saphyr trip on.
fn syntax_error(text: &str, file: &Path, message: &str, pos: Pos) -> Diagnostic {
    let line = text
        .lines()
        .nth(pos.line.saturating_sub(1) as usize)
        .unwrap_or("");
    let indent: String = line
        .chars()
        .take_while(|c| *c == ' ' || *c == '\t')
        .collect();
    if let Some(col) = indent.find('\t') {
        return tab_error(file, Pos::new(pos.line, col as u32 + 1));
    }
    if message.contains("tab") {
        return tab_error(file, pos);
    }
    Diagnostic::error(
        "E001",
        file,
        pos,
        format!("this is not valid YAML: {message}"),
    )
    .with_help(
        "check the indentation (spaces only, no tabs), colons and quotes near this place; \
         a value holding `: ` or starting with `[`, `{`, `*`, `&`, `!` or `%` needs quotes",
    )
}

fn tab_error(file: &Path, pos: Pos) -> Diagnostic {
    Diagnostic::error(
        "E005",
        file,
        pos,
        "a tab character is used to indent this line; YAML, and HEPData's reader, allow only \
         spaces for indentation",
    )
    .with_help("replace the tab with spaces (set your editor to insert spaces for tabs)")
}

/// Tabs that PyYAML refuses but saphyr lets through: in the indentation of a line, or right
/// after a `-` entry indicator. Lines inside multi-line scalars and flow collections are
/// skipped, where tabs are text or separators. Reports the first such line only (with the
/// number of others), as one fix (re-indenting with spaces) mends them all.
fn lint_tabs(text: &str, file: &Path, quiet: &[(u32, u32)], out: &mut Documents) {
    if !text.contains('\t') {
        return;
    }
    let lines = text.lines().count();
    let mut quiet_line = vec![false; lines + 2];
    for &(a, b) in quiet {
        for flag in quiet_line
            .iter_mut()
            .take((b as usize).min(lines) + 1)
            .skip(a as usize)
        {
            *flag = true;
        }
    }
    let is_quiet = |line: u32| quiet_line.get(line as usize).copied().unwrap_or(false);
    let mut found: Vec<Pos> = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let number = i as u32 + 1;
        if !line.contains('\t') || is_quiet(number) {
            continue;
        }
        let indent = line.len() - line.trim_start_matches([' ', '\t']).len();
        if let Some(col) = line[..indent].find('\t') {
            found.push(Pos::new(number, col as u32 + 1));
            continue;
        }
        let rest = &line[indent..];
        if rest.starts_with("-\t") {
            found.push(Pos::new(number, indent as u32 + 2));
        }
    }
    if let Some(first) = found.first() {
        let mut d = tab_error(file, *first);
        if found.len() > 1 {
            d.message
                .push_str(&format!(" ({} more lines like this)", found.len() - 1));
        }
        out.problems.push(d);
    }
}

enum Frame {
    Seq {
        items: Vec<Node>,
        pos: Pos,
        anchor: usize,
        flow: Option<u32>,
    },
    Map {
        entries: Vec<(Node, Node)>,
        key: Option<Node>,
        pos: Pos,
        anchor: usize,
        flow: Option<u32>,
        seen: HashSet<String>,
        merges: Vec<Node>,
    },
}

struct Builder<'f> {
    file: &'f Path,
    text: &'f str,
    /// (character index, byte offset) of the last lookup in `text`: events come in order,
    /// so finding a character by index walks the text once in all.
    cursor: (usize, usize),
    has_tabs: bool,
    out: Documents,
    stack: Vec<Frame>,
    /// Anchored nodes, with their size in nodes.
    anchors: HashMap<usize, (Node, usize)>,
    /// Nodes added by expanding aliases so far.
    alias_nodes: usize,
    /// Nodes written out in the file so far.
    written_nodes: usize,
    /// Line ranges inside multi-line scalars and flow collections, where tabs are allowed.
    quiet: Vec<(u32, u32)>,
}

fn pos_of(span: &Span) -> Pos {
    Pos::new(span.start.line() as u32, span.start.col() as u32 + 1)
}

impl<'f> Builder<'f> {
    fn new(file: &'f Path, text: &'f str) -> Self {
        Builder {
            file,
            text,
            cursor: (0, 0),
            has_tabs: text.contains('\t'),
            out: Documents::default(),
            stack: Vec::new(),
            anchors: HashMap::new(),
            alias_nodes: 0,
            written_nodes: 0,
            quiet: Vec::new(),
        }
    }

    fn on_event(&mut self, event: Event<'_>, span: Span) -> Result<(), Diagnostic> {
        let pos = pos_of(&span);
        match event {
            Event::DocumentStart(_) => self.out.starts.push(pos),
            Event::Scalar(text, style, anchor, tag) => {
                self.written_nodes += 1;
                let (start, end) = (span.start.line() as u32, span.end.line() as u32);
                if end > start {
                    self.quiet.push((start + 1, end));
                }
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
                        json: false,
                    }),
                };
                if anchor > 0 {
                    self.anchors.insert(anchor, (node.clone(), 1));
                }
                self.push(node)?;
            }
            Event::SequenceStart(anchor, tag) => {
                self.written_nodes += 1;
                if let Some(tag) = tag {
                    self.check_tag(&tag.handle, &tag.suffix, pos)?;
                }
                let flow = self.flow_start(&span, '[');
                self.open(Frame::Seq {
                    items: Vec::new(),
                    pos,
                    anchor,
                    flow,
                })?;
            }
            Event::MappingStart(anchor, tag) => {
                self.written_nodes += 1;
                if let Some(tag) = tag {
                    self.check_tag(&tag.handle, &tag.suffix, pos)?;
                }
                let flow = self.flow_start(&span, '{');
                self.open(Frame::Map {
                    entries: Vec::new(),
                    key: None,
                    pos,
                    anchor,
                    flow,
                    seen: HashSet::new(),
                    merges: Vec::new(),
                })?;
            }
            Event::SequenceEnd | Event::MappingEnd => {
                // Where the closing `]` or `}` of a flow collection is.
                let end_line = span.start.line() as u32;
                let (node, anchor, flow) = match self.stack.pop() {
                    Some(Frame::Seq {
                        items,
                        pos,
                        anchor,
                        flow,
                    }) => (
                        Node {
                            pos,
                            kind: Kind::Seq(items),
                        },
                        anchor,
                        flow,
                    ),
                    Some(Frame::Map {
                        entries,
                        pos,
                        anchor,
                        flow,
                        merges,
                        ..
                    }) => {
                        let entries = self.merge(entries, merges)?;
                        (
                            Node {
                                pos,
                                kind: Kind::Map(entries),
                            },
                            anchor,
                            flow,
                        )
                    }
                    None => return Ok(()),
                };
                if let Some(start) = flow
                    && end_line > start
                {
                    self.quiet.push((start + 1, end_line));
                }
                if anchor > 0 {
                    let count = node.count();
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
                    )
                    .with_help("define the anchor (`&name`) before using `*name`"));
                };
                self.alias_nodes += count;
                let budget = MAX_ALIAS_NODES + ALIAS_NODES_PER_NODE * self.written_nodes;
                if self.alias_nodes > budget {
                    return Err(Diagnostic::error(
                        "E004",
                        self.file,
                        pos,
                        format!(
                            "aliases in this file expand to more than {budget} nodes; reading stopped here"
                        ),
                    )
                    .with_help(
                        "write the data out instead of through `*alias` references; \
                         nested aliases that multiply like this are an alias bomb",
                    ));
                }
                let mut node = node.clone();
                node.pos = pos;
                self.push(node)?;
            }
            Event::StreamStart | Event::StreamEnd | Event::DocumentEnd | Event::Nothing => {}
        }
        Ok(())
    }

    /// The line a flow collection (`[` or `{`) starts on, `None` for a block collection,
    /// whose span starts at its first entry instead.
    fn flow_start(&mut self, span: &Span, indicator: char) -> Option<u32> {
        // Only the tab check needs this; a file without tabs skips the walk.
        if !self.has_tabs {
            return None;
        }
        let index = span.start.index();
        let (mut ci, mut bi) = self.cursor;
        if index < ci {
            (ci, bi) = (0, 0);
        }
        let rest = &self.text[bi..];
        let mut chars = rest.char_indices();
        let found = loop {
            match chars.next() {
                Some((off, c)) if ci == index => break Some((bi + off, c)),
                Some(_) => ci += 1,
                None => break None,
            }
        };
        let (byte, c) = found?;
        self.cursor = (index, byte);
        (c == indicator).then_some(span.start.line() as u32)
    }

    /// Accepts the core tags (`!!str`, `!!int`, ...) and rejects the rest, such as
    /// `!!python/unicode`, which PyYAML's safe loader refuses and HEPData cannot read.
    fn check_tag(&self, handle: &str, suffix: &str, pos: Pos) -> Result<String, Diagnostic> {
        const CORE: [&str; 7] = ["str", "int", "float", "bool", "null", "seq", "map"];
        let core = handle == "!!" || handle == "tag:yaml.org,2002:";
        if core && CORE.contains(&suffix) {
            return Ok(suffix.to_string());
        }
        let shown = if core { "!!" } else { handle };
        Err(Diagnostic::error(
            "E003",
            self.file,
            pos,
            format!("the tag `{shown}{suffix}` is not allowed in a HEPData file"),
        )
        .with_help(
            "remove the tag: write plain YAML values (text, numbers, lists, mappings) only; \
             a tag such as !!python/unicode comes from an old Python 2 dump",
        ))
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
            )
            .with_help("HEPData tables nest six levels at most: check the brackets"));
        }
        self.stack.push(frame);
        Ok(())
    }

    /// YAML 1.1 merge keys, as PyYAML applies them: `<<: *base` (or a list of such) adds the
    /// entries of the named mappings that the mapping does not set itself; with a list,
    /// earlier mappings win.
    fn merge(
        &mut self,
        mut entries: Vec<(Node, Node)>,
        merges: Vec<Node>,
    ) -> Result<Vec<(Node, Node)>, Diagnostic> {
        if merges.is_empty() {
            return Ok(entries);
        }
        let mut sources = Vec::new();
        for m in merges {
            match m.kind {
                Kind::Map(e) => sources.push(e),
                Kind::Seq(items) => {
                    for item in items {
                        match item.kind {
                            Kind::Map(e) => sources.push(e),
                            _ => return Err(self.bad_merge(item.pos)),
                        }
                    }
                }
                Kind::Scalar(_) => return Err(self.bad_merge(m.pos)),
            }
        }
        let mut present: HashSet<String> = entries
            .iter()
            .filter_map(|(k, _)| k.as_scalar().map(|s| s.text.clone()))
            .collect();
        for source in sources {
            for (k, v) in source {
                let name = k.as_scalar().map(|s| s.text.clone());
                if let Some(name) = name {
                    if present.insert(name) {
                        entries.push((k, v));
                    }
                } else {
                    entries.push((k, v));
                }
            }
        }
        Ok(entries)
    }

    fn bad_merge(&self, pos: Pos) -> Diagnostic {
        Diagnostic::error(
            "E001",
            self.file,
            pos,
            "a merge key `<<` must name a mapping or a list of mappings",
        )
        .with_help("write `<<: *anchor` where `&anchor` marks a mapping")
    }

    fn push(&mut self, node: Node) -> Result<(), Diagnostic> {
        let file = self.file;
        match self.stack.last_mut() {
            None => self.out.docs.push(node),
            Some(Frame::Seq { items, .. }) => items.push(node),
            Some(Frame::Map {
                entries,
                key,
                seen,
                merges,
                ..
            }) => match key.take() {
                None => *key = Some(node),
                Some(k) => {
                    if k.as_scalar().is_some_and(|s| s.plain && s.text == "<<") {
                        merges.push(node);
                        return Ok(());
                    }
                    if let Some(text) = k.as_scalar().map(|s| s.text.as_str())
                        && is_repeated(entries, seen, text)
                    {
                        let first = entries
                            .iter()
                            .find(|(e, _)| e.as_scalar().is_some_and(|s| s.text == text))
                            .map(|(e, _)| e.pos)
                            .unwrap_or(Pos::NONE);
                        self.out.problems.push(
                            Diagnostic::error(
                                "E002",
                                file,
                                k.pos,
                                format!(
                                    "duplicate key \"{}\" (first given on line {}); HEPData's reader silently keeps only the last one",
                                    shorten(text, 60),
                                    first.line
                                ),
                            )
                            .with_help("remove one of the two entries, or merge them"),
                        );
                        // Keep the last, as PyYAML does, so both readers see the same data.
                        entries.retain(|(e, _)| e.as_scalar().is_none_or(|s| s.text != text));
                        seen.clear();
                    }
                    entries.push((k, node));
                }
            },
        }
        Ok(())
    }
}

/// Is `key` already a key of `entries`? Small mappings (all of HEPData's) are scanned;
/// from [`SCAN_LIMIT`] entries on, a set of the keys is kept, so that a mapping with a
/// huge number of keys costs linear time, not quadratic.
pub fn is_repeated(entries: &[(Node, Node)], seen: &mut HashSet<String>, key: &str) -> bool {
    const SCAN_LIMIT: usize = 16;
    let key_of = |(e, _): &(Node, Node)| e.as_scalar().map(|s| s.text.clone());
    if entries.len() < SCAN_LIMIT {
        return entries
            .iter()
            .any(|(e, _)| e.as_scalar().is_some_and(|s| s.text == key));
    }
    if seen.is_empty() {
        seen.extend(entries.iter().filter_map(key_of));
    }
    !seen.insert(key.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(text: &str) -> Node {
        parse(text, Path::new("t.yaml"), false)
            .unwrap()
            .docs
            .remove(0)
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
    fn duplicate_keys_at_any_depth_are_reported_and_last_wins() {
        let out = parse(
            "a: 1\nb: 2\na: 3\nc:\n  - {x: 1, x: 2}\n  - d:\n      e: 1\n      e: 2\n",
            Path::new("t.yaml"),
            false,
        )
        .unwrap();
        let at: Vec<(u32, u32)> = out.problems.iter().map(|d| (d.line, d.column)).collect();
        assert_eq!(at, [(3, 1), (5, 12), (8, 7)]);
        assert!(out.problems.iter().all(|d| d.code == "E002"));
        assert_eq!(out.docs[0].get("a").unwrap().as_scalar().unwrap().text, "3");
    }

    #[test]
    fn duplicate_keys_in_big_mappings() {
        let mut text: String = (0..40).map(|i| format!("k{i}: {i}\n")).collect();
        text.push_str("k3: again\nk39: again\n");
        let out = parse(&text, Path::new("t.yaml"), false).unwrap();
        let lines: Vec<u32> = out.problems.iter().map(|d| d.line).collect();
        assert_eq!(lines, [41, 42]);
        assert_eq!(out.docs[0].as_map().unwrap().len(), 40);
    }

    #[test]
    fn merge_keys_work_as_in_pyyaml() {
        let doc = one("base: &b {x: 1, y: 2}\nm:\n  <<: *b\n  y: 3\nn:\n  <<: [{z: 0}, *b]\n");
        let m = doc.get("m").unwrap();
        assert_eq!(m.get("x").unwrap().as_scalar().unwrap().text, "1");
        assert_eq!(m.get("y").unwrap().as_scalar().unwrap().text, "3");
        assert!(m.get("<<").is_none());
        assert_eq!(doc.get("n").unwrap().as_map().unwrap().len(), 3);
        assert!(parse("a: &a 1\nb:\n  <<: *a\n", Path::new("t.yaml"), false).is_err());
    }

    #[test]
    fn foreign_tags_are_rejected() {
        let err = parse("name: !!python/unicode 'x'\n", Path::new("t.yaml"), false).unwrap_err();
        assert_eq!(err.code, "E003");
        assert_eq!(err.line, 1);
        assert!(
            err.message.contains("`!!python/unicode`"),
            "{}",
            err.message
        );
        assert_eq!(
            parse("a: !!binary aGk=\n", Path::new("t.yaml"), false)
                .unwrap_err()
                .code,
            "E003"
        );
    }

    #[test]
    fn aliases_of_long_text_are_bounded_in_bytes() {
        // Found by fuzzing: one 100 KB string aliased 10^4 times used 2 GB before the
        // budget counted bytes as well as nodes.
        let mut text = format!("a: &a \"{}\"\n", "x".repeat(100_000));
        let mut prev = 'a';
        for name in 'b'..='e' {
            let refs = vec![format!("*{prev}"); 10].join(", ");
            text.push_str(&format!("{name}: &{name} [{refs}]\n"));
            prev = name;
        }
        let err = parse(&text, Path::new("t.yaml"), false).unwrap_err();
        assert_eq!(err.code, "E004");
    }

    #[test]
    fn alias_bombs_stop_early_and_reuse_does_not() {
        let mut text = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
        let mut prev = 'a';
        for name in 'b'..='k' {
            let refs = vec![format!("*{prev}"); 10].join(", ");
            text.push_str(&format!("{name}: &{name} [{refs}]\n"));
            prev = name;
        }
        let err = parse(&text, Path::new("t.yaml"), false).unwrap_err();
        assert_eq!(err.code, "E004");
        assert!(err.message.len() < 200);

        // A shared error list used on many rows is fine.
        let mut rows = String::from("e: &e [{symerror: 0.1}]\nv:\n");
        for i in 0..40_000 {
            rows.push_str(&format!("- {{value: {i}, errors: *e}}\n"));
        }
        assert!(parse(&rows, Path::new("t.yaml"), false).is_ok());
    }

    #[test]
    fn syntax_errors_have_positions() {
        let err = parse("a: [1, 2\nb: 3\n", Path::new("t.yaml"), false).unwrap_err();
        assert_eq!(err.code, "E001");
        assert!(err.line >= 1);
    }

    #[test]
    fn bom_and_line_ends_are_accepted() {
        for text in [
            "\u{feff}a: 1\r\nb: 2\r\n",
            "a: 1\rb: 2\r",
            "a: 1\n---\n\u{feff}b: 2\n",
        ] {
            let out = parse(text, Path::new("t.yaml"), false).unwrap();
            let b = out.docs.iter().find_map(|d| d.get("b")).unwrap();
            assert_eq!(b.as_scalar().unwrap().as_f64(), Some(2.0), "{text:?}");
        }
    }

    #[test]
    fn tabs_where_pyyaml_allows_them() {
        for text in [
            "a: 1\t# c\n",
            "c:\t3\nd:\t4\n",
            "a: [1,\n\t2]\n",
            "a: |\n  x\ty\n",
            "b: x\ty\n",
        ] {
            let out = parse(text, Path::new("t.yaml"), false).unwrap();
            assert!(out.problems.is_empty(), "{text:?}: {:?}", out.problems);
        }
        assert_eq!(
            one("c:\t3\n").get("c").unwrap().as_scalar().unwrap().text,
            "3"
        );
    }

    #[test]
    fn tabs_where_pyyaml_refuses_them() {
        for (text, line, col) in [
            ("a:\n \tb: 1\n", 2, 2),
            ("a:\n\t- 1\n", 2, 1),
            ("- 1\n-\t2\n", 2, 2),
            ("a: 1\nb:\n  - 1\n\t\n", 4, 1),
        ] {
            let d = match parse(text, Path::new("t.yaml"), false) {
                Ok(out) => out.problems.into_iter().next().expect(text),
                Err(d) => d,
            };
            assert_eq!((d.code, d.line, d.column), ("E005", line, col), "{text:?}");
        }
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
