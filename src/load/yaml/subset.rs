//! A fast reader for the plain subset of YAML that data files are written in.
//!
//! HEPData tables are block mappings and lists of one-line scalars, with small flow
//! collections such as `{symerror: 0.1, label: stat}`. For such text this reader gives the
//! events saphyr-parser would, with the same lines and columns, several times faster.
//! Anything outside the subset (anchors, aliases, tags, block or multi-line scalars, flow
//! collections over several lines, escapes, tabs, CR line ends, document markers, empty
//! files, ...) makes it give up, and the caller reads the text again with saphyr: what is
//! accepted, and every message about what is not, stays saphyr's.
//!
//! The one liberty taken: a [`Marker`]'s index is a byte offset here, where saphyr counts
//! characters. The tree builder reads indexes only in files with tabs, which this reader
//! never accepts.

use std::borrow::Cow;

use saphyr_parser::{Event, Marker, ScalarStyle, Span};

/// The text leaves the subset, or the receiver of the events stopped: read it again with
/// the full parser.
#[derive(Debug)]
pub struct Unsupported;

type Step = Result<(), Unsupported>;

/// Saphyr reads keys of at most this many characters without `?`.
const MAX_KEY_LEN: usize = 1024;

/// Reads `text` (one document) and hands each event to `emit`, in saphyr's order.
///
/// # Errors
/// [`Unsupported`] as soon as the text leaves the subset or `emit` fails; events already
/// emitted are then to be thrown away.
pub fn read<'t>(text: &'t str, emit: impl FnMut(Event<'t>, Span) -> Step) -> Step {
    if !has_plain_characters(text) {
        return Err(Unsupported);
    }
    let mut reader = Reader {
        text,
        bytes: text.as_bytes(),
        pos: 0,
        line: 1,
        line_start: 0,
        emit,
    };
    reader.document()
}

/// No tabs, CRs or other control characters, and none of the characters YAML readers
/// treat specially or refuse (byte-order marks, NEL, line and paragraph separators, the
/// non-characters U+FFFE and U+FFFF).
fn has_plain_characters(text: &str) -> bool {
    let ascii_ok = text
        .bytes()
        .all(|b| (b >= 0x20 && b != 0x7f) || b == b'\n' || b >= 0x80);
    ascii_ok
        && (text.is_ascii()
            || text.chars().all(|c| {
                c.is_ascii()
                    || (c >= '\u{a0}'
                        && !matches!(c, '\u{2028}' | '\u{2029}' | '\u{feff}')
                        && !matches!(c, '\u{fffe}' | '\u{ffff}'))
            }))
}

/// A scalar read but not yet emitted.
struct Scalar<'t> {
    text: Cow<'t, str>,
    style: ScalarStyle,
    /// Byte offset of its first character (the opening quote of a quoted one).
    start: usize,
    /// Byte offset just after it.
    end: usize,
}

struct Reader<'t, F> {
    text: &'t str,
    bytes: &'t [u8],
    /// Byte offset of the next character to read.
    pos: usize,
    /// The line `pos` is on (1-based), and the byte offset where that line starts.
    line: usize,
    line_start: usize,
    emit: F,
}

impl<'t, F: FnMut(Event<'t>, Span) -> Step> Reader<'t, F> {
    /// The byte at `at`; the end of the text reads as a line end.
    fn byte(&self, at: usize) -> u8 {
        self.bytes.get(at).copied().unwrap_or(b'\n')
    }

    fn at_end(&self) -> bool {
        self.pos >= self.bytes.len()
    }

    /// The column of `pos`, in bytes: where it is used, only spaces and `-` precede it.
    fn column(&self) -> usize {
        self.pos - self.line_start
    }

    /// Saphyr's marker for the byte offset `at` on the current line: line 1-based, column
    /// 0-based and counted in characters.
    fn mark(&self, at: usize) -> Marker {
        let before = &self.bytes[self.line_start..at];
        let col = if before.is_ascii() {
            before.len()
        } else {
            self.text[self.line_start..at].chars().count()
        };
        Marker::new(at, self.line, col)
    }

    fn emit(&mut self, event: Event<'t>, at: Marker) -> Step {
        (self.emit)(event, Span::new(at, at))
    }

    fn emit_scalar(&mut self, scalar: Scalar<'t>) -> Step {
        let start = self.mark(scalar.start);
        let end = self.mark(scalar.end);
        let event = Event::Scalar(scalar.text, scalar.style, 0, None);
        (self.emit)(event, Span::new(start, end))
    }

    fn empty_scalar(&mut self, at: Marker) -> Step {
        self.emit(
            Event::Scalar(Cow::Borrowed(""), ScalarStyle::Plain, 0, None),
            at,
        )
    }

    /// Skips spaces on the current line; returns how many.
    fn skip_spaces(&mut self) -> usize {
        let start = self.pos;
        while self.bytes.get(self.pos) == Some(&b' ') {
            self.pos += 1;
        }
        self.pos - start
    }

    /// Moves to the start of the next line, or to the end of the text.
    fn next_line(&mut self) {
        match self.bytes[self.pos..].iter().position(|&b| b == b'\n') {
            Some(i) => {
                self.pos += i + 1;
                self.line += 1;
                self.line_start = self.pos;
            }
            None => self.pos = self.bytes.len(),
        }
    }

    /// From the start of a line, skips blank and comment lines and stops on the first
    /// character of the next line with content, or at the end of the text.
    fn skip_blank(&mut self) -> Step {
        loop {
            self.skip_spaces();
            match self.bytes.get(self.pos) {
                None => return Ok(()),
                Some(b'\n' | b'#') => self.next_line(),
                Some(_) => break,
            }
        }
        // `---`, `...` and directives start new documents: saphyr's affair.
        let rest = &self.bytes[self.pos..];
        if self.column() == 0
            && (rest.starts_with(b"---") || rest.starts_with(b"...") || rest[0] == b'%')
        {
            return Err(Unsupported);
        }
        Ok(())
    }

    /// After a value: nothing but spaces and a comment may follow on its line. Moves on
    /// to the next line with content.
    fn end_of_line(&mut self) -> Step {
        let spaces = self.skip_spaces();
        match self.byte(self.pos) {
            b'\n' => {}
            b'#' if spaces > 0 => {}
            _ => return Err(Unsupported),
        }
        self.next_line();
        self.skip_blank()
    }

    fn document(&mut self) -> Step {
        self.skip_blank()?;
        if self.at_end() {
            return Err(Unsupported);
        }
        let start = self.mark(self.pos);
        self.emit(Event::StreamStart, Marker::new(0, 1, 0))?;
        self.emit(Event::DocumentStart(false), start)?;
        self.block_node()?;
        // Anything left is less indented than the top node: not for this reader.
        if !self.at_end() {
            return Err(Unsupported);
        }
        let end = self.mark(self.pos);
        self.emit(Event::DocumentEnd, end)?;
        self.emit(Event::StreamEnd, end)
    }

    /// `- ` (or `-` ending its line) at `at`: a block sequence entry.
    fn is_entry(&self, at: usize) -> bool {
        self.byte(at) == b'-' && matches!(self.byte(at + 1), b' ' | b'\n')
    }

    /// A block collection starting at `pos`, the first thing on its line or after `- `.
    fn block_node(&mut self) -> Step {
        if self.is_entry(self.pos) {
            self.block_sequence(false)
        } else if self.key_at(self.pos)?.is_some() {
            self.block_mapping()
        } else {
            Err(Unsupported)
        }
    }

    fn block_mapping(&mut self) -> Step {
        let indent = self.column();
        self.emit(Event::MappingStart(0, None), self.mark(self.pos))?;
        loop {
            let Some((key, colon)) = self.key_at(self.pos)? else {
                return Err(Unsupported);
            };
            self.emit_scalar(key)?;
            self.pos = colon + 1;
            self.skip_spaces();
            if matches!(self.byte(self.pos), b'\n' | b'#') {
                // The value is on the lines below, or empty; saphyr places an empty value
                // on the colon.
                let empty = self.mark(colon);
                self.next_line();
                self.skip_blank()?;
                if !self.at_end() && self.column() > indent {
                    self.block_node()?;
                } else if !self.at_end() && self.column() == indent && self.is_entry(self.pos) {
                    self.block_sequence(true)?;
                } else {
                    self.empty_scalar(empty)?;
                }
            } else {
                self.inline_value()?;
            }
            if self.at_end() || self.column() < indent {
                break;
            }
            if self.column() > indent || self.is_entry(self.pos) {
                return Err(Unsupported);
            }
        }
        self.emit(Event::MappingEnd, self.mark(self.pos))
    }

    /// A block sequence whose first `-` is at `pos`. An indentless one (`key:` with the
    /// entries below it at the key's own column) starts, for saphyr, after the first dash.
    fn block_sequence(&mut self, indentless: bool) -> Step {
        let indent = self.column();
        let start = if indentless {
            let mut at = self.pos + 1;
            while self.byte(at) == b' ' {
                at += 1;
            }
            if self.byte(at) == b'#' {
                return Err(Unsupported);
            }
            self.mark(at)
        } else {
            self.mark(self.pos)
        };
        self.emit(Event::SequenceStart(0, None), start)?;
        loop {
            self.pos += 1;
            self.skip_spaces();
            match self.byte(self.pos) {
                b'#' => return Err(Unsupported),
                b'\n' => {
                    let empty = self.mark(self.pos);
                    self.next_line();
                    self.skip_blank()?;
                    if !self.at_end() && self.column() > indent {
                        self.block_node()?;
                    } else {
                        self.empty_scalar(empty)?;
                    }
                }
                _ if self.is_entry(self.pos) => self.block_sequence(false)?,
                _ if self.key_at(self.pos)?.is_some() => self.block_mapping()?,
                _ => self.inline_value()?,
            }
            if self.at_end() || self.column() < indent {
                break;
            }
            if self.column() == indent && self.is_entry(self.pos) {
                continue;
            }
            if self.column() == indent && indentless {
                break;
            }
            return Err(Unsupported);
        }
        self.emit(Event::SequenceEnd, self.mark(self.pos))
    }

    /// The key of a `key: value` entry starting at `at`, and the byte offset of its colon;
    /// `None` when the line holds no such entry there.
    fn key_at(&self, at: usize) -> Result<Option<(Scalar<'t>, usize)>, Unsupported> {
        let key = match self.byte(at) {
            b'\'' | b'"' => self.quoted_at(at)?,
            b'[' | b'{' => return Ok(None),
            _ if !self.is_plain_start(at, false) => return Ok(None),
            _ => {
                let mut end = at;
                let mut i = at;
                loop {
                    match self.byte(i) {
                        b'\n' => return Ok(None),
                        b':' if matches!(self.byte(i + 1), b' ' | b'\n') => break,
                        b'#' if self.bytes[i - 1] == b' ' => return Ok(None),
                        b' ' => {}
                        _ => end = i + 1,
                    }
                    i += 1;
                }
                Scalar {
                    text: Cow::Borrowed(&self.text[at..end]),
                    style: ScalarStyle::Plain,
                    start: at,
                    end,
                }
            }
        };
        let mut colon = key.end;
        while self.byte(colon) == b' ' {
            colon += 1;
        }
        if self.byte(colon) != b':' || !matches!(self.byte(colon + 1), b' ' | b'\n') {
            return Ok(None);
        }
        if colon - at > MAX_KEY_LEN {
            return Err(Unsupported);
        }
        Ok(Some((key, colon)))
    }

    /// Can a plain scalar start at `at`? Indicators cannot start one; `-`, `?` and `:`
    /// can when glued to what follows, but the subset leaves `?` and `:` to saphyr.
    fn is_plain_start(&self, at: usize, flow: bool) -> bool {
        match self.byte(at) {
            b'-' => {
                let next = self.byte(at + 1);
                !(next == b' ' || next == b'\n' || (flow && is_flow_indicator(next)))
            }
            b'?' | b':' | b',' | b'[' | b']' | b'{' | b'}' | b'#' | b'&' | b'*' | b'!' | b'|'
            | b'>' | b'\'' | b'"' | b'%' | b'@' | b'`' | b' ' | b'\n' => false,
            _ => true,
        }
    }

    /// A one-line quoted scalar at `at`. Double-quoted ones with escapes are left to
    /// saphyr.
    fn quoted_at(&self, at: usize) -> Result<Scalar<'t>, Unsupported> {
        let quote = self.bytes[at];
        let mut i = at + 1;
        let mut doubled = false;
        loop {
            match self.byte(i) {
                b'\n' => return Err(Unsupported),
                b'\\' if quote == b'"' => return Err(Unsupported),
                b'\'' if quote == b'\'' && self.byte(i + 1) == b'\'' => {
                    doubled = true;
                    i += 2;
                    continue;
                }
                b if b == quote => break,
                _ => {}
            }
            i += 1;
        }
        let inner = &self.text[at + 1..i];
        let text = if doubled {
            Cow::Owned(inner.replace("''", "'"))
        } else {
            Cow::Borrowed(inner)
        };
        let style = if quote == b'"' {
            ScalarStyle::DoubleQuoted
        } else {
            ScalarStyle::SingleQuoted
        };
        Ok(Scalar {
            text,
            style,
            start: at,
            end: i + 1,
        })
    }

    fn quoted(&mut self) -> Step {
        let scalar = self.quoted_at(self.pos)?;
        self.pos = scalar.end;
        self.emit_scalar(scalar)
    }

    /// A value after `key: ` or `- `: a flow collection or a scalar, ending its line.
    fn inline_value(&mut self) -> Step {
        match self.byte(self.pos) {
            b'[' | b'{' => self.flow_node()?,
            b'\'' | b'"' => self.quoted()?,
            _ => self.plain_block()?,
        }
        self.end_of_line()
    }

    /// A plain scalar in block context: up to the end of the line or a comment.
    fn plain_block(&mut self) -> Step {
        let start = self.pos;
        if !self.is_plain_start(start, false) {
            return Err(Unsupported);
        }
        let mut end = start;
        let mut i = start;
        loop {
            match self.byte(i) {
                b'\n' => break,
                // `a: b: c` is not YAML; saphyr says so.
                b':' if matches!(self.byte(i + 1), b' ' | b'\n') => return Err(Unsupported),
                b'#' if self.bytes[i - 1] == b' ' => break,
                b' ' => {}
                _ => end = i + 1,
            }
            i += 1;
        }
        self.pos = end;
        self.emit_scalar(Scalar {
            text: Cow::Borrowed(&self.text[start..end]),
            style: ScalarStyle::Plain,
            start,
            end,
        })
    }

    /// A node inside a flow collection, which must close on the same line.
    fn flow_node(&mut self) -> Step {
        match self.byte(self.pos) {
            b'[' => self.flow_sequence(),
            b'{' => self.flow_mapping(),
            b'\'' | b'"' => self.quoted(),
            _ => self.plain_flow(),
        }
    }

    fn flow_sequence(&mut self) -> Step {
        self.emit(Event::SequenceStart(0, None), self.mark(self.pos))?;
        self.pos += 1;
        self.skip_spaces();
        if self.byte(self.pos) != b']' {
            loop {
                self.flow_node()?;
                self.skip_spaces();
                match self.byte(self.pos) {
                    b']' => break,
                    b',' => {
                        self.pos += 1;
                        self.skip_spaces();
                        if self.byte(self.pos) == b']' {
                            return Err(Unsupported);
                        }
                    }
                    _ => return Err(Unsupported),
                }
            }
        }
        self.emit(Event::SequenceEnd, self.mark(self.pos))?;
        self.pos += 1;
        Ok(())
    }

    fn flow_mapping(&mut self) -> Step {
        self.emit(Event::MappingStart(0, None), self.mark(self.pos))?;
        self.pos += 1;
        self.skip_spaces();
        if self.byte(self.pos) != b'}' {
            loop {
                match self.byte(self.pos) {
                    b'\'' | b'"' => self.quoted()?,
                    _ => self.plain_flow()?,
                }
                self.skip_spaces();
                if self.byte(self.pos) != b':' || self.byte(self.pos + 1) != b' ' {
                    return Err(Unsupported);
                }
                self.pos += 1;
                self.skip_spaces();
                if matches!(self.byte(self.pos), b',' | b'}') {
                    return Err(Unsupported);
                }
                self.flow_node()?;
                self.skip_spaces();
                match self.byte(self.pos) {
                    b'}' => break,
                    b',' => {
                        self.pos += 1;
                        self.skip_spaces();
                        if self.byte(self.pos) == b'}' {
                            return Err(Unsupported);
                        }
                    }
                    _ => return Err(Unsupported),
                }
            }
        }
        self.emit(Event::MappingEnd, self.mark(self.pos))?;
        self.pos += 1;
        Ok(())
    }

    /// A plain scalar inside a flow collection: up to `,`, a bracket or brace, or `: `.
    fn plain_flow(&mut self) -> Step {
        let start = self.pos;
        if !self.is_plain_start(start, true) {
            return Err(Unsupported);
        }
        let mut end = start;
        let mut i = start;
        loop {
            match self.byte(i) {
                b',' | b'[' | b']' | b'{' | b'}' => break,
                b':' if self.byte(i + 1) == b' ' => break,
                b'\n' | b':' => return Err(Unsupported),
                b'#' if self.bytes[i - 1] == b' ' => return Err(Unsupported),
                b' ' => {}
                _ => end = i + 1,
            }
            i += 1;
        }
        self.pos = end;
        self.emit_scalar(Scalar {
            text: Cow::Borrowed(&self.text[start..end]),
            style: ScalarStyle::Plain,
            start,
            end,
        })
    }
}

fn is_flow_indicator(b: u8) -> bool {
    matches!(b, b',' | b'[' | b']' | b'{' | b'}')
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use saphyr_parser::Parser;

    use super::*;

    /// An event as the tree builder sees it: where nodes start, and the last line of a
    /// scalar.
    fn seen(event: Event<'_>, span: Span) -> String {
        match event {
            Event::Scalar(..) => format!(
                "{event:?} {}:{}-{}",
                span.start.line(),
                span.start.col(),
                span.end.line()
            ),
            Event::SequenceStart(..) | Event::MappingStart(..) | Event::DocumentStart(_) => {
                format!("{event:?} {}:{}", span.start.line(), span.start.col())
            }
            _ => format!("{event:?}"),
        }
    }

    fn saphyr(text: &str) -> Result<Vec<String>, String> {
        let mut out = Vec::new();
        let mut parser = Parser::new_from_str(text);
        while let Some(next) = parser.next_event() {
            let (event, span) = next.map_err(|e| e.to_string())?;
            out.push(seen(event, span));
        }
        Ok(out)
    }

    fn subset(text: &str) -> Option<Vec<String>> {
        let mut out = Vec::new();
        read(text, |event, span| {
            out.push(seen(event, span));
            Ok(())
        })
        .ok()?;
        Some(out)
    }

    /// Whether the subset reader took `text`; when it did, its events must be saphyr's.
    fn agrees(text: &str) -> bool {
        let Some(ours) = subset(text) else {
            return false;
        };
        match saphyr(text) {
            Ok(theirs) => assert_eq!(ours, theirs, "{text:?}"),
            Err(e) => panic!("{text:?}: read by the subset, refused by saphyr: {e}"),
        }
        true
    }

    #[test]
    fn data_file_shapes_are_read_as_saphyr_reads_them() {
        for text in [
            "a: 1\nb:\n  - x\n  - {p: 2, q: [3]}\n  -   k: v\n      l: w\nc:\n- 5\n",
            "# c\n\nx:\n- k: v\n  j: 1\n- - a\n  - b\n-\n  z: 1\ny: \n\ne: 'it''s' # c\nf: \"q\"\ng: []\nh: {}\ni: [ a , b ]\n",
            "y:\nz: # c\n",
            "- a\n-   - b\n    - c\n-  k: v\n",
            "x:\n-   k: v\n-\n  k: w\n",
            "x:\n- \n- a\n",
            "a: b [c] {d}, e\n",
            "a  : 1\n'b' : 2\n\"c\": 3",
            "a: {'x': 1, \"y\" : 2}\n",
            "name: '$\\sigma$ [pb]'\nunits: é\nv: {a: é, b: 'é', c: [é, 1]}\n",
            "independent_variables:\n- header: {name: x, units: GeV}\n  values:\n  - {low: 0, high: 1}\n  - value: .inf\ndependent_variables:\n- header: {name: y}\n  qualifiers:\n  - {name: SQRT(S), value: 13000, units: GEV}\n  values:\n  - value: 1.5\n    errors:\n    - {symerror: 0.1, label: stat}\n    - asymerror: {minus: -1.9, plus: 2.1}\n      label: 'sys,PDF'\n",
            "  a: 1\n  b: 2\n",
            "a:\n  - 1\nb: -1\nc: -x\nd: a#b\ne: 5%\n",
        ] {
            assert!(agrees(text), "not read by the subset: {text:?}");
        }
    }

    #[test]
    fn the_rest_is_left_to_saphyr() {
        for text in [
            "",
            "# only a comment\n",
            "---\na: 1\n",
            "a: 1\n---\nb: 2\n",
            "a: &x 1\nb: *x\n",
            "a: !!str 1\n",
            "a: |\n  text\n",
            "a: b\n  c\n",
            "a: [1,\n  2]\n",
            "a: \"x\\ty\"\n",
            "a:\t1\n",
            "a: 1\r\nb: 2\r\n",
            "a: b: c\n",
            "? a\n: b\n",
            "a: 1\n b: 2\n",
            "a: [1, ]\n",
            "a: {b}\n",
            "a: 'x'y\n",
            "- a\nb: 1\n",
            "a: x\u{85}y\n",
            "a: '\u{feff}'\n",
        ] {
            assert!(!agrees(text), "read by the subset: {text:?}");
        }
    }

    /// Random texts over pieces of YAML syntax: whatever the subset reads, it must read as
    /// saphyr does.
    #[test]
    fn random_texts_agree_with_saphyr() {
        const PIECES: [&str; 28] = [
            "a", "b", "1", "-1", ".5", " ", "  ", "\n", "\n  ", "\n    ", "- ", "-", ":", ": ",
            "'", "''", "\"", "[", "]", "{", "}", ", ", ",", "#", " #", "é", "x: ", "\n- ",
        ];
        let mut state: u64 = 0x2545_f491_4f6c_dd1d;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        let mut read = 0;
        for _ in 0..300_000 {
            let len = 1 + next() % 16;
            let text: String = (0..len)
                .map(|_| PIECES[(next() % PIECES.len() as u64) as usize])
                .collect();
            read += usize::from(agrees(&text));
        }
        // Enough of them are in the subset for the comparison to mean something.
        assert!(read > 5_000, "{read}");
    }

    /// Every YAML file of the shared corpus, the cases and the fixtures.
    #[test]
    fn real_files_agree_with_saphyr() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut files = Vec::new();
        for dir in [
            "../shared/corpus",
            "../shared/cases",
            "tests/fixtures",
            "records",
        ] {
            let dir = root.join(dir);
            assert!(dir.is_dir(), "{} is missing", dir.display());
            for entry in walkdir::WalkDir::new(dir)
                .into_iter()
                .filter_map(Result::ok)
            {
                let is_yaml = entry
                    .path()
                    .extension()
                    .is_some_and(|e| e == "yaml" || e == "yml");
                if is_yaml && let Ok(text) = std::fs::read_to_string(entry.path()) {
                    files.push(text);
                }
            }
        }
        let read = files.iter().filter(|text| agrees(text)).count();
        assert!(read * 2 > files.len(), "{read} of {}", files.len());
    }
}
