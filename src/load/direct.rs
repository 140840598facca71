//! A data file straight from the YAML subset's events to the table model, without the
//! node tree: the common case, a well-formed table in plain YAML, at a fraction of the
//! cost.
//!
//! Only a table that the full path (`yaml::parse`, then `data::read_data`) reads without a
//! single diagnostic is taken. At the first thing that would need a message (an unknown
//! or repeated key, a missing field, text where a number belongs, `1e3`, an empty
//! uncertainty, ...) or that lies outside the subset, this gives up, and the caller takes
//! the full path, which finds and explains the problem. The tests hold both paths to the
//! same model.

use std::borrow::Cow;
use std::sync::Arc;

use saphyr_parser::{Event, ScalarStyle};

use crate::model::{
    Amount, Bin, Point, Pos, Qualifier, Spanned, TableData, Uncertainty, UncertaintyKind, Value,
    Variable,
};

use super::data::parse_python_float;
use super::scalar::{Portability, Resolved, portability, resolve_untagged};
use super::yaml::subset;

/// The table in `text`, a data file's YAML, or `None` when the full path must read it.
/// The table's `source` is left for the caller to set.
pub fn read(text: &str) -> Option<TableData> {
    // The events of a large table take several times its size: each thread keeps its
    // buffer from one file to the next rather than asking the system for fresh pages.
    thread_local! {
        static EVENTS: std::cell::Cell<Vec<Ev>> = const { std::cell::Cell::new(Vec::new()) };
    }
    let mut events = EVENTS.take();
    let data = events_into(text, &mut events).and_then(|()| {
        let mut reader = Reader {
            text,
            events: &events,
            at: 0,
            labels: Vec::new(),
            rows: 0,
        };
        let data = reader.data().ok()?;
        (reader.at == events.len()).then_some(data)
    });
    events.clear();
    EVENTS.set(events);
    data
}

/// An event of the subset reader, as the table needs it.
enum Ev {
    MapStart(Pos),
    SeqStart,
    /// The end of a mapping or a list (the subset reader keeps them balanced).
    End,
    /// A scalar: its text is `text[start..end]`.
    Scalar {
        start: u32,
        end: u32,
        plain: bool,
        pos: Pos,
    },
}

fn events_into(text: &str, out: &mut Vec<Ev>) -> Option<()> {
    let base = text.as_ptr() as usize;
    u32::try_from(text.len()).ok()?;
    subset::read(text, |event, span| {
        // As the tree builder places nodes.
        let pos = Pos::new(span.start.line() as u32, span.start.col() as u32 + 1);
        match event {
            Event::MappingStart(..) => out.push(Ev::MapStart(pos)),
            Event::SequenceStart(..) => out.push(Ev::SeqStart),
            Event::MappingEnd | Event::SequenceEnd => out.push(Ev::End),
            // A scalar the subset reader had to rewrite (`'it''s'`) is rare: full path.
            Event::Scalar(Cow::Owned(_), ..) => return Err(subset::Unsupported),
            Event::Scalar(Cow::Borrowed(s), style, ..) => {
                // Empty values are a static "" rather than a slice of the text.
                let start = if s.is_empty() {
                    0
                } else {
                    s.as_ptr() as usize - base
                };
                out.push(Ev::Scalar {
                    start: start as u32,
                    end: (start + s.len()) as u32,
                    plain: style == ScalarStyle::Plain,
                    pos,
                });
            }
            _ => {}
        }
        Ok(())
    })
    .ok()
}

/// The full path has something to say: let it.
struct GiveUp;

type Got<T> = Result<T, GiveUp>;

struct Reader<'e, 't> {
    text: &'t str,
    events: &'e [Ev],
    at: usize,
    /// Uncertainty labels seen in this file: a table's thousands of `stat` and `sys`
    /// labels share one allocation each.
    labels: Vec<Arc<str>>,
    /// The length of the last list of values read: the next is most likely as long, and
    /// is given that room at once rather than grown by doubling (a tenth of the time
    /// spent loading large tables went on growing them).
    rows: usize,
}

impl<'t> Reader<'_, 't> {
    fn next(&mut self) -> Got<&Ev> {
        let event = self.events.get(self.at).ok_or(GiveUp)?;
        self.at += 1;
        Ok(event)
    }

    fn map_start(&mut self) -> Got<Pos> {
        match self.next()? {
            Ev::MapStart(pos) => Ok(*pos),
            _ => Err(GiveUp),
        }
    }

    fn seq_start(&mut self) -> Got<()> {
        match self.next()? {
            Ev::SeqStart => Ok(()),
            _ => Err(GiveUp),
        }
    }

    /// Is the next event the end of the collection being read? Consumes it if so.
    fn at_end(&mut self) -> bool {
        let end = matches!(self.events.get(self.at), Some(Ev::End));
        self.at += usize::from(end);
        end
    }

    fn scalar(&mut self) -> Got<(&'t str, bool, Pos)> {
        match *self.next()? {
            Ev::Scalar {
                start,
                end,
                plain,
                pos,
            } => Ok((&self.text[start as usize..end as usize], plain, pos)),
            _ => Err(GiveUp),
        }
    }

    /// The next key of the mapping being read, or `None` at its end.
    fn key(&mut self) -> Got<Option<&'t str>> {
        if self.at_end() {
            return Ok(None);
        }
        self.scalar().map(|(text, _, _)| Some(text))
    }

    fn data(&mut self) -> Got<TableData> {
        self.map_start()?;
        let (mut independent, mut dependent) = (None, None);
        while let Some(key) = self.key()? {
            match key {
                "independent_variables" if independent.is_none() => {
                    independent = Some(self.variables(true)?);
                }
                "dependent_variables" if dependent.is_none() => {
                    dependent = Some(self.variables(false)?);
                }
                _ => return Err(GiveUp),
            }
        }
        Ok(TableData {
            independent: independent.ok_or(GiveUp)?,
            dependent: dependent.ok_or(GiveUp)?,
            source: None,
        })
    }

    fn variables(&mut self, independent: bool) -> Got<Vec<Variable>> {
        self.seq_start()?;
        let mut out = Vec::new();
        while !self.at_end() {
            out.push(self.variable(independent)?);
        }
        Ok(out)
    }

    fn variable(&mut self, independent: bool) -> Got<Variable> {
        let pos = self.map_start()?;
        let (mut header, mut qualifiers, mut values) = (None, None, None);
        while let Some(key) = self.key()? {
            match key {
                "header" if header.is_none() => header = Some(self.header()?),
                "qualifiers" if !independent && qualifiers.is_none() => {
                    qualifiers = Some(self.qualifiers()?);
                }
                "values" if values.is_none() => values = Some(self.points(independent)?),
                _ => return Err(GiveUp),
            }
        }
        let (name, units) = header.ok_or(GiveUp)?;
        Ok(Variable {
            name,
            units,
            qualifiers: qualifiers.unwrap_or_default(),
            values: values.ok_or(GiveUp)?,
            pos,
        })
    }

    fn header(&mut self) -> Got<(Spanned<String>, Option<String>)> {
        self.map_start()?;
        let (mut name, mut units) = (None, None);
        while let Some(key) = self.key()? {
            match key {
                "name" if name.is_none() => {
                    let (text, plain, pos) = self.scalar()?;
                    name = Some(Spanned::new(as_text(text, plain)?, pos));
                }
                "units" if units.is_none() => {
                    let (text, plain, _) = self.scalar()?;
                    units = Some(as_text(text, plain)?);
                }
                _ => return Err(GiveUp),
            }
        }
        Ok((name.ok_or(GiveUp)?, units))
    }

    fn qualifiers(&mut self) -> Got<Vec<Qualifier>> {
        self.seq_start()?;
        let mut out = Vec::new();
        while !self.at_end() {
            self.map_start()?;
            let (mut name, mut value, mut units) = (None, None, None);
            while let Some(key) = self.key()? {
                let (text, plain, _) = self.scalar()?;
                match key {
                    "name" if name.is_none() => name = Some(as_text(text, plain)?),
                    "value" if value.is_none() => value = Some(as_written(text, plain)?),
                    "units" if units.is_none() => units = Some(as_text(text, plain)?),
                    _ => return Err(GiveUp),
                }
            }
            out.push(Qualifier {
                name: name.ok_or(GiveUp)?,
                value: value.ok_or(GiveUp)?,
                units,
            });
        }
        Ok(out)
    }

    fn points(&mut self, independent: bool) -> Got<Vec<Point>> {
        self.seq_start()?;
        let mut out = Vec::with_capacity(self.rows);
        while !self.at_end() {
            out.push(self.point(independent)?);
        }
        self.rows = out.len();
        Ok(out)
    }

    fn point(&mut self, independent: bool) -> Got<Point> {
        let pos = self.map_start()?;
        let (mut value, mut low, mut high, mut errors) = (None, None, None, None);
        while let Some(key) = self.key()? {
            match key {
                "value" if value.is_none() => value = Some(self.number_or_text()?),
                "low" if independent && low.is_none() => low = Some(self.number()?),
                "high" if independent && high.is_none() => high = Some(self.number()?),
                "errors" if !independent && errors.is_none() => {
                    errors = Some(self.uncertainties()?);
                }
                _ => return Err(GiveUp),
            }
        }
        // Text in a bin, or empty text, is worth a message.
        if let Some(Spanned {
            value: Value::Text(text),
            ..
        }) = &value
            && (low.is_some() || text.trim().is_empty())
        {
            return Err(GiveUp);
        }
        let bin = match (low, high) {
            (Some(low), Some(high)) => Some(Bin { low, high }),
            (None, None) if value.is_some() => None,
            _ => return Err(GiveUp),
        };
        Ok(Point {
            value,
            bin,
            errors: errors.unwrap_or_default(),
            pos,
        })
    }

    /// A `value`: a number, or text; what YAML readers disagree on is left to the full path.
    fn number_or_text(&mut self) -> Got<Spanned<Value>> {
        let (text, plain, pos) = self.scalar()?;
        if portability(text, plain) != Portability::Same {
            return Err(GiveUp);
        }
        let value = match resolve_untagged(text, plain) {
            Resolved::Int(x) | Resolved::Float(x) => Value::Number(x),
            Resolved::Str(t) => Value::Text(t.to_string()),
            Resolved::Null | Resolved::Bool(_) => return Err(GiveUp),
        };
        Ok(Spanned::new(value, pos))
    }

    /// A bin edge: a number.
    fn number(&mut self) -> Got<Spanned<Value>> {
        let value = self.number_or_text()?;
        match value.value {
            Value::Number(_) => Ok(value),
            Value::Text(_) => Err(GiveUp),
        }
    }

    fn uncertainties(&mut self) -> Got<Vec<Uncertainty>> {
        self.seq_start()?;
        let mut out = Vec::new();
        while !self.at_end() {
            out.push(self.uncertainty()?);
        }
        Ok(out)
    }

    /// The label `text`, shared with an earlier one alike.
    fn intern(&mut self, text: String) -> Arc<str> {
        if let Some(known) = self.labels.iter().find(|l| ***l == *text) {
            return Arc::clone(known);
        }
        let label: Arc<str> = text.into();
        // Labels are few; a file with many different ones keeps only the first.
        if self.labels.len() < 64 {
            self.labels.push(Arc::clone(&label));
        }
        label
    }

    fn uncertainty(&mut self) -> Got<Uncertainty> {
        let pos = self.map_start()?;
        let (mut symmetric, mut asymmetric, mut label) = (None, None, None);
        while let Some(key) = self.key()? {
            match key {
                "symerror" if symmetric.is_none() => {
                    let (text, plain, _) = self.scalar()?;
                    match amount(text, plain)? {
                        Amount::Empty => return Err(GiveUp),
                        a => symmetric = Some(a),
                    }
                }
                "asymerror" if asymmetric.is_none() => asymmetric = Some(self.asymmetric()?),
                "label" if label.is_none() => {
                    let (text, plain, _) = self.scalar()?;
                    label = Some(self.intern(as_text(text, plain)?));
                }
                _ => return Err(GiveUp),
            }
        }
        let kind = match (symmetric, asymmetric) {
            (Some(a), None) => UncertaintyKind::Symmetric(a),
            (None, Some((plus, minus))) => UncertaintyKind::Asymmetric { plus, minus },
            _ => return Err(GiveUp),
        };
        Ok(Uncertainty { label, kind, pos })
    }

    fn asymmetric(&mut self) -> Got<(Amount, Amount)> {
        self.map_start()?;
        let (mut plus, mut minus) = (None, None);
        while let Some(key) = self.key()? {
            let (text, plain, _) = self.scalar()?;
            match key {
                "plus" if plus.is_none() => plus = Some(amount(text, plain)?),
                "minus" if minus.is_none() => minus = Some(amount(text, plain)?),
                _ => return Err(GiveUp),
            }
        }
        match (plus, minus) {
            (Some(Amount::Empty), Some(Amount::Empty)) => Err(GiveUp),
            (Some(plus), Some(minus)) => Ok((plus, minus)),
            _ => Err(GiveUp),
        }
    }
}

/// A text field: only what resolves to text.
fn as_text(text: &str, plain: bool) -> Got<String> {
    match resolve_untagged(text, plain) {
        Resolved::Str(t) => Ok(t.to_string()),
        _ => Err(GiveUp),
    }
}

/// Text or a number, kept as written (a qualifier's value).
fn as_written(text: &str, plain: bool) -> Got<String> {
    match portability(text, plain) {
        Portability::Ambiguous { .. } => Err(GiveUp),
        Portability::NumberOnlyIn12(_) => Ok(text.to_string()),
        Portability::Same => match resolve_untagged(text, plain) {
            Resolved::Str(t) => Ok(t.to_string()),
            Resolved::Int(_) | Resolved::Float(_) => Ok(text.to_string()),
            Resolved::Null | Resolved::Bool(_) => Err(GiveUp),
        },
    }
}

/// One uncertainty number, as `data::amount` reads it when it has nothing to report.
fn amount(text: &str, plain: bool) -> Got<Amount> {
    let reading = match portability(text, plain) {
        Portability::Ambiguous { .. } => return Err(GiveUp),
        Portability::NumberOnlyIn12(x) => Resolved::Float(x),
        Portability::Same => resolve_untagged(text, plain),
    };
    let text = match reading {
        Resolved::Int(x) | Resolved::Float(x) => return Ok(Amount::Absolute(x)),
        Resolved::Str(t) => t.trim(),
        Resolved::Null | Resolved::Bool(_) => return Err(GiveUp),
    };
    if text.is_empty() {
        return Ok(Amount::Empty);
    }
    let (number, percent) = match text.strip_suffix('%') {
        Some(rest) => (rest.trim_end(), true),
        None => (text, false),
    };
    match parse_python_float(number) {
        Some(x) if percent => Ok(Amount::Percent(x)),
        Some(x) => Ok(Amount::Absolute(x)),
        None => Err(GiveUp),
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::load::data::read_data;
    use crate::load::fields::Fields;
    use crate::load::yaml;
    use crate::model::SchemaVersion;

    /// The full path's table and diagnostics under `version`.
    fn full(text: &str, version: SchemaVersion) -> (Option<String>, usize) {
        let file = Path::new("t.yaml");
        let Ok(docs) = yaml::parse(text, file, false) else {
            return (None, 1);
        };
        let mut diagnostics = docs.problems;
        if docs.docs.len() != 1 {
            return (None, diagnostics.len() + 1);
        }
        let mut f = Fields::new(file, &mut diagnostics).with_version(version);
        let data = read_data(&docs.docs[0], &mut f, false);
        (data.map(|d| format!("{d:?}")), diagnostics.len())
    }

    /// Whether the direct path took `text`; when it did, the full path must read the same
    /// table, without a diagnostic, under every schema version.
    fn agrees(text: &str) -> bool {
        let Some(ours) = read(text) else {
            return false;
        };
        let ours = format!("{ours:?}");
        for version in [SchemaVersion::V0_1_0, SchemaVersion::default()] {
            let (theirs, problems) = full(text, version);
            assert_eq!(problems, 0, "{version}: {text:?}");
            assert_eq!(theirs.as_deref(), Some(ours.as_str()), "{text:?}");
        }
        true
    }

    const TABLE: &str = "independent_variables:
- header: {name: 'x', units: GeV}
  values:
  - {low: 0, high: 1.5}
  - low: 1.5
    high: .inf
dependent_variables:
- header:
    name: $\\sigma$
    units: pb
  qualifiers:
  - {name: SQRT(S), units: GeV, value: 13000}
  - name: RE
    value: P P --> X
  values:
  - value: 1.5
    errors:
    - {symerror: 0.1, label: stat}
    - asymerror: {minus: -1.9, plus: '5%'}
      label: 'sys,PDF'
  - value: '-'
  - {value: 2, errors: [{symerror: 3 %}, {asymerror: {plus: '', minus: 1}}]}
";

    #[test]
    fn a_plain_table_is_read_as_the_full_path_reads_it() {
        assert!(agrees(TABLE));
        assert!(agrees(
            "dependent_variables: []\nindependent_variables: []\n"
        ));
    }

    #[test]
    fn anything_to_report_is_left_to_the_full_path() {
        for (from, to) in [
            ("value: 1.5", "value: 1e3"),
            ("value: 1.5", "value: 012"),
            ("value: 1.5", "value: yes"),
            ("value: 1.5", "value:"),
            ("value: '-'", "value: ' '"),
            ("high: .inf", "high: x"),
            ("  - low: 1.5\n", "  - lo: 1.5\n"),
            ("symerror: 0.1", "symerror: ''"),
            ("symerror: 0.1", "symerror: 5%%"),
            ("{minus: -1.9, plus: '5%'}", "{minus: '', plus: ''}"),
            ("name: RE", "name: 1"),
            ("label: stat", "label: stat, label: x"),
            ("    errors:\n", "    errors: ~\n    e:\n"),
            ("independent_variables:\n", "independent_variables:\n  &a\n"),
        ] {
            let text = TABLE.replacen(from, to, 1);
            assert_ne!(text, TABLE, "{from}");
            assert!(!agrees(&text), "{to}");
        }
    }

    /// TABLE with random pieces swapped in: whatever the direct path takes, it must read
    /// as the full path does.
    #[test]
    fn mutated_tables_agree_with_the_full_path() {
        const PIECES: [&str; 24] = [
            "1e3", "012", "1_0", "yes", "~", "''", "' '", "'5%'", "'5%%'", "-", ".inf", "-.5", "x",
            "'1.0'", "{}", "[]", "value", "low", "errors", "symerror", "label", "\n  ", "nan", "7",
        ];
        let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        let words: Vec<(usize, usize)> = TABLE
            .char_indices()
            .filter(|(_, c)| c.is_alphanumeric() || *c == '.' || *c == '\'')
            .map(|(i, c)| (i, i + c.len_utf8()))
            .collect();
        let mut read = 0;
        for _ in 0..20_000 {
            let mut text = TABLE.to_string();
            for _ in 0..1 + next() % 2 {
                let (start, _) = words[(next() % words.len() as u64) as usize];
                if start >= text.len() || !text.is_char_boundary(start) {
                    continue;
                }
                let end = text[start..]
                    .find(|c: char| !(c.is_alphanumeric() || c == '.' || c == '\'' || c == '%'))
                    .map_or(text.len(), |e| start + e);
                let piece = PIECES[(next() % PIECES.len() as u64) as usize];
                text.replace_range(start..end, piece);
            }
            read += usize::from(agrees(&text));
        }
        assert!(read > 1_000, "{read}");
    }

    /// Every YAML file of the shared corpus, the cases and the fixtures.
    #[test]
    fn real_files_agree_with_the_full_path() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut read = 0;
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
                let is_yaml = entry.path().extension().is_some_and(|e| e == "yaml");
                if is_yaml && let Ok(text) = std::fs::read_to_string(entry.path()) {
                    read += usize::from(agrees(&text));
                }
            }
        }
        assert!(read > 100, "{read}");
    }
}
