//! Edits to `record.yaml`'s version log, made in the text itself: comments, quoting and
//! the order of keys stay as the author wrote them; only the one value changes.

use std::path::Path;

use anyhow::{Context, Result, bail};

use crate::load::yaml::{self, Node};
use crate::model::Pos;

/// Sets `date` of version `n`'s entry in `text` to `date` (YYYY-MM-DD), replacing the one
/// written there or adding the key after `version:`.
///
/// # Errors
/// When the text does not parse, has no entry for `n`, or is written in a way this
/// edit cannot keep (then the user edits it by hand).
pub fn set_date(text: &str, n: u32, date: &str) -> Result<String> {
    let doc = parse(text)?;
    let entry = find_entry(&doc, n)?;
    let (version_key, version_value) = entry
        .as_map()
        .and_then(|m| m.iter().find(|(k, _)| key_is(k, "version")))
        .context("the version entry has no \"version\" key")?;

    let edited = if let Some((_, old)) = entry
        .as_map()
        .and_then(|m| m.iter().find(|(k, _)| key_is(k, "date")))
    {
        // Replace the scalar where it stands, inside its quotes if it has any.
        let old_text = old
            .as_scalar()
            .map(|s| s.text.clone())
            .context("\"date\" is not a plain value")?;
        let at = offset(text, old.pos).context("cannot find the date in the text")?;
        let rest = &text[at..];
        let start = match rest.chars().next() {
            Some(q @ ('"' | '\'')) if rest[1..].starts_with(&old_text) => at + q.len_utf8(),
            _ if rest.starts_with(&old_text) => at,
            _ => bail!("the date of version {n} is written in a form this edit cannot keep"),
        };
        format!(
            "{}{date}{}",
            &text[..start],
            &text[start + old_text.len()..]
        )
    } else {
        let value_text = version_value
            .as_scalar()
            .map(|s| s.text.clone())
            .context("\"version\" is not a plain value")?;
        let at = offset(text, version_value.pos).context("cannot find the version number")?;
        if !text[at..].starts_with(&value_text) {
            bail!("the version number of entry {n} is quoted; add the date by hand");
        }
        let end = at + value_text.len();
        if is_flow(text, entry.pos) {
            format!("{}, date: {date}{}", &text[..end], &text[end..])
        } else {
            let line_end = text[end..].find('\n').map_or(text.len(), |i| end + i);
            let indent = " ".repeat(version_key.pos.col.saturating_sub(1) as usize);
            format!(
                "{}\n{indent}date: {date}{}",
                &text[..line_end],
                &text[line_end..]
            )
        }
    };

    // The edit must read back as intended before it replaces the author's file.
    let back = parse(&edited)?;
    let got = find_entry(&back, n)?
        .get("date")
        .and_then(|d| d.as_scalar())
        .map(|s| s.text.clone());
    if got.as_deref() != Some(date) {
        bail!("editing the date of version {n} went wrong; set `date: {date}` by hand");
    }
    Ok(edited)
}

/// Appends `- {version: n, message: "..."}` to the version log, in the style of the last
/// entry (flow `{...}` or block), at its indentation.
///
/// # Errors
/// When the text does not parse, has no block list of versions, or already lists `n`.
pub fn add_entry(text: &str, n: u32, message: &str) -> Result<String> {
    let doc = parse(text)?;
    if find_entry(&doc, n).is_ok() {
        bail!("record.yaml already lists version {n}");
    }
    let versions = doc
        .get("versions")
        .context("record.yaml has no \"versions\" list")?;
    let items = versions
        .as_seq()
        .context("\"versions\" in record.yaml is not a list")?;
    let last = items
        .last()
        .context("\"versions\" in record.yaml is empty")?;
    let dash_at = offset(text, last.pos)
        .and_then(|at| text[..at].rfind('-'))
        .filter(|&d| text[d + 1..].starts_with([' ', '\n']))
        .context("the versions list is written as [...]; add the entry by hand")?;
    let line_start = text[..dash_at].rfind('\n').map_or(0, |i| i + 1);
    let dash_col = text[line_start..dash_at].chars().count();

    // The last entry ends where the next line at or left of its dash starts.
    let mut end = text[dash_at..]
        .find('\n')
        .map_or(text.len(), |i| dash_at + i + 1);
    let mut last_content = end;
    while end < text.len() {
        let line_end = text[end..].find('\n').map_or(text.len(), |i| end + i + 1);
        let line = &text[end..line_end];
        let trimmed = line.trim_start();
        let indent = line.len() - trimmed.len();
        if trimmed.trim().is_empty() || trimmed.starts_with('#') {
            end = line_end;
            continue;
        }
        if indent <= dash_col {
            break;
        }
        end = line_end;
        last_content = end;
    }

    let quoted = serde_json::to_string(message)?;
    let pad = " ".repeat(dash_col);
    let item = if is_flow(text, last.pos) {
        format!("{pad}- {{version: {n}, message: {quoted}}}\n")
    } else {
        let key_col = last.pos.col.saturating_sub(1) as usize;
        let inner = " ".repeat(key_col);
        format!("{pad}- version: {n}\n{inner}message: {quoted}\n")
    };
    let mut edited = text.to_string();
    if !edited[..last_content].ends_with('\n') {
        edited.insert(last_content, '\n');
        last_content += 1;
    }
    edited.insert_str(last_content, &item);

    let back = parse(&edited)?;
    find_entry(&back, n).context("adding the version entry went wrong; add it by hand")?;
    Ok(edited)
}

fn parse(text: &str) -> Result<Node> {
    let docs = yaml::parse(text, Path::new("record.yaml"), false)
        .map_err(|d| anyhow::anyhow!("record.yaml does not parse: {}", d.message))?;
    docs.docs
        .into_iter()
        .find(|d| !d.is_null())
        .context("record.yaml is empty")
}

fn key_is(key: &Node, name: &str) -> bool {
    key.as_scalar().is_some_and(|s| s.text == name)
}

fn find_entry(doc: &Node, n: u32) -> Result<&Node> {
    let items = doc
        .get("versions")
        .and_then(Node::as_seq)
        .context("record.yaml has no \"versions\" list")?;
    items
        .iter()
        .find(|item| {
            item.get("version")
                .and_then(|v| v.as_scalar())
                .and_then(|s| s.text.parse::<u32>().ok())
                == Some(n)
        })
        .with_context(|| format!("record.yaml's versions list has no entry for version {n}"))
}

/// Is the node at `pos` a flow mapping `{...}`?
fn is_flow(text: &str, pos: Pos) -> bool {
    offset(text, pos).is_some_and(|at| text[at..].starts_with('{'))
}

/// The byte offset of a 1-based line and character column.
fn offset(text: &str, pos: Pos) -> Option<usize> {
    let line_start = if pos.line <= 1 {
        0
    } else {
        text.match_indices('\n')
            .nth(pos.line as usize - 2)
            .map(|(i, _)| i + 1)?
    };
    let line = &text[line_start..];
    let col = pos.col.saturating_sub(1) as usize;
    match line.char_indices().nth(col) {
        Some((i, _)) => Some(line_start + i),
        None => (line.chars().count() == col).then_some(text.len()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FLOW: &str = "title: T  # the paper\nyear: 2019\nversions:\n  # oldest first\n  - {version: 1, date: 2019-08-12, message: Initial release}   # first\n  - {version: 2, message: \"Fix, units\"}\n# end\n";

    #[test]
    fn replaces_and_adds_dates_keeping_comments() {
        let t = set_date(FLOW, 1, "2020-01-02").unwrap();
        assert_eq!(t, FLOW.replace("2019-08-12", "2020-01-02"));
        let t = set_date(FLOW, 2, "2021-03-04").unwrap();
        assert_eq!(
            t,
            FLOW.replace("{version: 2,", "{version: 2, date: 2021-03-04,")
        );
    }

    #[test]
    fn block_entries_and_quoted_dates() {
        let text = "versions:\n- version: 1\n  date: '2019-01-01'\n- version: 2\n  message: x\n";
        let t = set_date(text, 1, "2020-02-02").unwrap();
        assert!(t.contains("date: '2020-02-02'"), "{t}");
        let t = set_date(text, 2, "2020-02-02").unwrap();
        assert!(
            t.ends_with("- version: 2\n  date: 2020-02-02\n  message: x\n"),
            "{t}"
        );
    }

    #[test]
    fn appends_entries_in_the_last_ones_style() {
        let t = add_entry(FLOW, 3, "New \"bins\"").unwrap();
        assert!(
            t.contains("  - {version: 2, message: \"Fix, units\"}\n  - {version: 3, message: \"New \\\"bins\\\"\"}\n# end\n"),
            "{t}"
        );
        let block = "versions:\n  - version: 1\n    date: 2019-01-01\n\nyear: 2019\n";
        let t = add_entry(block, 2, "two").unwrap();
        assert_eq!(
            t,
            "versions:\n  - version: 1\n    date: 2019-01-01\n  - version: 2\n    message: \"two\"\n\nyear: 2019\n"
        );
        assert!(add_entry(FLOW, 2, "x").is_err());
        assert!(add_entry("versions: [{version: 1}]\n", 2, "x").is_err());
    }

    #[test]
    fn no_trailing_newline() {
        let t = add_entry("versions:\n  - {version: 1}", 2, "m").unwrap();
        assert_eq!(
            t,
            "versions:\n  - {version: 1}\n  - {version: 2, message: \"m\"}\n"
        );
    }
}
