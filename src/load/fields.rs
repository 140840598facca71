//! Reading typed fields out of position-carrying nodes, reporting every shape problem.

use std::fmt::Display;
use std::path::Path;

use crate::model::{Diagnostic, Pos, SchemaVersion, Spanned, Value};

use super::yaml::{Kind, Node, Portability, Resolved, Scalar, shorten};

/// The file being read, the schema it follows and the problems found in it so far.
pub struct Fields<'a> {
    pub file: &'a Path,
    pub diagnostics: &'a mut Vec<Diagnostic>,
    pub version: SchemaVersion,
}

impl<'a> Fields<'a> {
    /// Reads under the latest schema; see [`Fields::with_version`].
    pub fn new(file: &'a Path, diagnostics: &'a mut Vec<Diagnostic>) -> Self {
        Fields {
            file,
            diagnostics,
            version: SchemaVersion::default(),
        }
    }

    pub fn with_version(mut self, version: SchemaVersion) -> Self {
        self.version = version;
        self
    }

    pub fn error(&mut self, code: &'static str, pos: Pos, message: String, help: &str) {
        self.diagnostics
            .push(Diagnostic::error(code, self.file, pos, message).with_help(help));
    }

    pub fn warning(&mut self, code: &'static str, pos: Pos, message: String, help: &str) {
        self.diagnostics
            .push(Diagnostic::warning(code, self.file, pos, message).with_help(help));
    }

    /// The entries of a mapping; reports and returns `None` for anything else.
    pub fn map<'n>(&mut self, node: &'n Node, what: impl Display) -> Option<&'n [(Node, Node)]> {
        match &node.kind {
            Kind::Map(entries) => Some(entries),
            _ => {
                let help = if node.is_null() {
                    "give its `key: value` lines, indented under it, or remove the key"
                } else {
                    "write it as `key: value` pairs, indented under its parent"
                };
                self.error(
                    "E010",
                    node.pos,
                    format!(
                        "{what} must be a mapping of `key: value` lines, found {}",
                        node.describe()
                    ),
                    help,
                );
                None
            }
        }
    }

    /// The items of a list; reports and returns `None` for anything else. A null (an empty
    /// field) is reported too: HEPData wants `[]` for an empty list.
    pub fn seq<'n>(&mut self, node: &'n Node, what: impl Display) -> Option<&'n [Node]> {
        match &node.kind {
            Kind::Seq(items) => Some(items),
            _ => {
                let (found, help) = if node.is_null() {
                    (
                        "nothing (the key is empty)".to_string(),
                        "write `[]` for an empty list, or indent the `- item` lines under the key (more than the key itself)",
                    )
                } else {
                    (
                        node.describe(),
                        "write a list: one `- item` per line, or `[a, b]`",
                    )
                };
                self.error(
                    "E010",
                    node.pos,
                    format!("{what} must be a list, found {found}"),
                    help,
                );
                None
            }
        }
    }

    /// A text field. Numbers and booleans are refused, as HEPData's schema does.
    pub fn text(&mut self, node: &Node, what: impl Display) -> Option<Spanned<String>> {
        if let Kind::Scalar(s) = &node.kind
            && let Resolved::Str(text) = s.resolve()
        {
            return Some(Spanned::new(text.to_string(), node.pos));
        }
        let help = if node.is_null() {
            "give the text, or remove the key if it is optional".to_string()
        } else if let Some(s) = node.as_scalar() {
            format!("put the value in quotes to make it text: '{}'", s.text)
        } else {
            "give a single piece of text".to_string()
        };
        self.error(
            "E010",
            node.pos,
            format!("{what} must be text, found {}", node.describe()),
            &help,
        );
        None
    }

    /// A text field limited to `max` characters (HEPData's database columns).
    pub fn text_max(
        &mut self,
        node: &Node,
        what: impl Display,
        max: usize,
    ) -> Option<Spanned<String>> {
        let text = self.text(node, &what)?;
        self.check_length(&text, what, max);
        Some(text)
    }

    /// Reports text longer than `max` characters; `true` when it fits.
    pub fn check_length(&mut self, text: &Spanned<String>, what: impl Display, max: usize) -> bool {
        let chars = text.value.chars().count();
        if chars <= max {
            return true;
        }
        self.error(
            "E013",
            text.pos,
            format!("{what} is {chars} characters long; at most {max} are allowed"),
            "shorten it; longer explanations belong in a description",
        );
        false
    }

    /// Text or a number, kept as written (keyword values, qualifier values).
    pub fn text_or_number(&mut self, node: &Node, what: impl Display) -> Option<Spanned<String>> {
        if let Kind::Scalar(s) = &node.kind {
            let reading = match self.portability(s, node.pos, &what, false) {
                Portability::NumberOnlyIn12(x) => Resolved::Float(x),
                _ => s.resolve(),
            };
            match reading {
                Resolved::Str(text) => return Some(Spanned::new(text.to_string(), node.pos)),
                Resolved::Int(_) | Resolved::Float(_) => {
                    return Some(Spanned::new(s.text.clone(), node.pos));
                }
                _ => {}
            }
        }
        self.error(
            "E010",
            node.pos,
            format!("{what} must be text or a number, found {}", node.describe()),
            "give a number, or a piece of text (in quotes if it could be read as something else)",
        );
        None
    }

    /// A number or a text value (`value`, `low`, `high`), with the YAML 1.1/1.2 checks.
    /// Null, booleans, lists and mappings are reported with `code`.
    pub fn number_or_text(
        &mut self,
        node: &Node,
        what: impl Display,
        code: &'static str,
    ) -> Option<Spanned<Value>> {
        if let Kind::Scalar(s) = &node.kind {
            let reading = match self.portability(s, node.pos, &what, true) {
                Portability::NumberOnlyIn12(x) => Resolved::Float(x),
                _ => s.resolve(),
            };
            match reading {
                Resolved::Int(x) | Resolved::Float(x) => {
                    return Some(Spanned::new(Value::Number(x), node.pos));
                }
                Resolved::Str(t) => {
                    return Some(Spanned::new(Value::Text(t.to_string()), node.pos));
                }
                Resolved::Null | Resolved::Bool(_) => {}
            }
        }
        let help = match node.as_scalar() {
            Some(s) if !node.is_null() => {
                format!("give a number, or put the text in quotes: '{}'", s.text)
            }
            _ => "give a number, or a piece of text in quotes".to_string(),
        };
        self.error(
            code,
            node.pos,
            format!("{what} must be a number or text, found {}", node.describe()),
            &help,
        );
        None
    }

    /// Fails where YAML 1.1 (HEPData) and YAML 1.2 readers disagree on the value of a plain
    /// scalar in a number field, and, with `warn_text`, warns where only YAML 1.1 reads
    /// text (see `Scalar::portability`). Fields that HEPData converts with `float()`
    /// afterwards (uncertainties, keyword values) need no such warning.
    pub fn portability(
        &mut self,
        s: &Scalar,
        pos: Pos,
        what: impl Display,
        warn_text: bool,
    ) -> Portability {
        let portability = s.portability();
        match &portability {
            Portability::Same => {}
            Portability::NumberOnlyIn12(_) if !warn_text => {}
            Portability::NumberOnlyIn12(x) => self.warning(
                "W001",
                pos,
                format!(
                    "{what} `{}` is read as the number {x} here and by YAML 1.2 readers, but as text by HEPData's validator (YAML 1.1)",
                    s.text
                ),
                "write the number with a decimal point and a signed exponent, e.g. `1.0e+3` for `1e3`, which every reader takes as a number",
            ),
            Portability::Ambiguous { yaml12 } => self.error(
                "E028",
                pos,
                format!(
                    "{what} `{}` is {} to HEPData's YAML 1.1 reader but {yaml12} to YAML 1.2 readers",
                    s.text,
                    match s.resolve() {
                        Resolved::Int(x) | Resolved::Float(x) => format!("the number {x}"),
                        _ => s.describe(),
                    }
                ),
                "write the number plainly (no leading zero, no `_` or `:`), e.g. `12` or `1000`, or quote it if it is text",
            ),
        }
        portability
    }

    /// Reports keys outside `allowed`, naming the closest allowed one when it is a typo.
    pub fn unknown_keys(&mut self, entries: &[(Node, Node)], allowed: &[&str], what: impl Display) {
        for (key, _) in entries {
            let Some(name) = key.as_scalar().map(|s| s.text.as_str()) else {
                self.error(
                    "E010",
                    key.pos,
                    format!("keys in {what} must be text"),
                    "use a plain word as the key",
                );
                continue;
            };
            if allowed.contains(&name) {
                continue;
            }
            let help = suggestion(name, allowed);
            self.error(
                "E012",
                key.pos,
                format!("unexpected key \"{}\" in {what}", shorten(name, 40)),
                &help,
            );
        }
    }

    /// The value under a required key; reports its absence at `pos` (the parent).
    pub fn required<'n>(
        &mut self,
        entries: &'n [(Node, Node)],
        key: &str,
        pos: Pos,
        what: impl Display,
    ) -> Option<&'n Node> {
        let found = get(entries, key);
        if found.is_none() {
            self.error(
                "E011",
                pos,
                format!("{what} has no \"{key}\", which is required"),
                &format!("add `{key}: ...` to it"),
            );
        }
        found
    }
}

/// "did you mean `x`?" for a near miss, else the list of allowed keys.
pub fn suggestion(name: &str, allowed: &[&str]) -> String {
    let guess = allowed
        .iter()
        .min_by_key(|a| edit_distance(a, name))
        .copied();
    match guess {
        Some(g) if edit_distance(g, name) <= 2 => format!("did you mean `{g}`?"),
        _ => format!("allowed here: {}", allowed.join(", ")),
    }
}

/// The value under `key` in a mapping's entries.
pub fn get<'n>(entries: &'n [(Node, Node)], key: &str) -> Option<&'n Node> {
    entries
        .iter()
        .find(|(k, _)| k.as_scalar().is_some_and(|s| s.text == key))
        .map(|(_, v)| v)
}

/// Levenshtein distance, for "did you mean" hints on short key names.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cur = row[j + 1];
            row[j + 1] = (prev + usize::from(ca != *cb)).min(row[j] + 1).min(cur + 1);
            prev = cur;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::edit_distance;

    #[test]
    fn distance() {
        assert_eq!(edit_distance("errors", "errorss"), 1);
        assert_eq!(edit_distance("value", "value"), 0);
        assert_eq!(edit_distance("", "abc"), 3);
    }
}
