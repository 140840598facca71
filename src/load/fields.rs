//! Reading typed fields out of position-carrying nodes, reporting every shape problem.

use std::path::Path;

use crate::model::{Diagnostic, Pos, Spanned};

use super::yaml::{Kind, Node, Resolved, shorten};

/// The file being read and the problems found in it so far.
pub struct Fields<'a> {
    pub file: &'a Path,
    pub diagnostics: &'a mut Vec<Diagnostic>,
}

impl<'a> Fields<'a> {
    pub fn new(file: &'a Path, diagnostics: &'a mut Vec<Diagnostic>) -> Self {
        Fields { file, diagnostics }
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
    pub fn map<'n>(&mut self, node: &'n Node, what: &str) -> Option<&'n [(Node, Node)]> {
        match &node.kind {
            Kind::Map(entries) => Some(entries),
            _ => {
                self.error(
                    "E010",
                    node.pos,
                    format!(
                        "{what} must be a mapping of `key: value` lines, found {}",
                        node.describe()
                    ),
                    "write it as `key: value` pairs, indented under its parent",
                );
                None
            }
        }
    }

    /// The items of a list; reports and returns `None` for anything else. A null (an empty
    /// field) is reported too: HEPData wants `[]` for an empty list.
    pub fn seq<'n>(&mut self, node: &'n Node, what: &str) -> Option<&'n [Node]> {
        match &node.kind {
            Kind::Seq(items) => Some(items),
            _ => {
                let help = if node.is_null() {
                    "write `[]` for an empty list, or remove the key"
                } else {
                    "write a list: one `- item` per line, or `[a, b]`"
                };
                self.error(
                    "E010",
                    node.pos,
                    format!("{what} must be a list, found {}", node.describe()),
                    help,
                );
                None
            }
        }
    }

    /// A text field. Numbers and booleans are refused, as HEPData's schema does.
    pub fn text(&mut self, node: &Node, what: &str) -> Option<Spanned<String>> {
        if let Kind::Scalar(s) = &node.kind
            && let Resolved::Str(text) = s.resolve()
        {
            return Some(Spanned::new(text.to_string(), node.pos));
        }
        let help = if node.is_null() {
            "give the text, or remove the key if it is optional"
        } else {
            "put the value in quotes to make it text"
        };
        self.error(
            "E010",
            node.pos,
            format!("{what} must be text, found {}", node.describe()),
            help,
        );
        None
    }

    /// Text or a number, rendered as text (keyword values, qualifier values).
    pub fn text_or_number(&mut self, node: &Node, what: &str) -> Option<Spanned<String>> {
        if let Kind::Scalar(s) = &node.kind {
            match s.resolve() {
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
            "give a number or a piece of text",
        );
        None
    }

    /// Reports keys outside `allowed`, naming the closest allowed one when it is a typo.
    pub fn unknown_keys(&mut self, entries: &[(Node, Node)], allowed: &[&str], what: &str) {
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
            let guess = allowed
                .iter()
                .min_by_key(|a| edit_distance(a, name))
                .copied();
            let help = match guess {
                Some(g) if edit_distance(g, name) <= 2 => format!("did you mean `{g}`?"),
                _ => format!("allowed here: {}", allowed.join(", ")),
            };
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
        what: &str,
    ) -> Option<&'n Node> {
        let found = get(entries, key);
        if found.is_none() {
            self.error(
                "E011",
                pos,
                format!("{what} has no \"{key}\", which is required"),
                &format!("add `{key}:` to {what}"),
            );
        }
        found
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
