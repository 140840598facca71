//! RFC 6902 JSON Patch, applied to `serde_json` values.
//!
//! HEPData likelihoods ship signal points as patches against a background-only workspace
//! (`pyhf patchset apply` runs exactly these operations). Errors name the operation's index,
//! its path and the JSON pointer where the document stopped matching, so an author can find
//! the slip without a Python traceback.

use serde_json::Value;

/// Why a patch did not apply: the operation (0-based) and what went wrong.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[error("operation {index} ({op} {path}): {message}")]
pub struct PatchError {
    pub index: usize,
    /// The operation's `op`, or `?` when it has none.
    pub op: String,
    /// The operation's `path`, as written.
    pub path: String,
    pub message: String,
}

/// Applies every operation of `ops` (an RFC 6902 patch document) to `doc`, in order.
///
/// # Errors
/// The first operation that is malformed or does not apply; `doc` is then partly patched,
/// so callers apply to a copy.
pub fn apply(doc: &mut Value, ops: &Value) -> Result<(), PatchError> {
    let Some(ops) = ops.as_array() else {
        return Err(PatchError {
            index: 0,
            op: "?".into(),
            path: String::new(),
            message: "a patch must be a list of operations".into(),
        });
    };
    for (index, op) in ops.iter().enumerate() {
        let name = op.get("op").and_then(Value::as_str).unwrap_or("?");
        let path = op.get("path").and_then(Value::as_str).unwrap_or("");
        apply_one(doc, op).map_err(|message| PatchError {
            index,
            op: name.to_string(),
            path: path.to_string(),
            message,
        })?;
    }
    Ok(())
}

fn apply_one(doc: &mut Value, op: &Value) -> Result<(), String> {
    if !op.is_object() {
        return Err("an operation must be an object".into());
    }
    let name = op
        .get("op")
        .and_then(Value::as_str)
        .ok_or("\"op\" is missing or not text")?;
    let path = op
        .get("path")
        .and_then(Value::as_str)
        .ok_or("\"path\" is missing or not text")?;
    let path = parse_pointer(path)?;
    let value = || op.get("value").cloned().ok_or("\"value\" is missing");
    let from = || -> Result<Vec<String>, String> {
        let from = op
            .get("from")
            .and_then(Value::as_str)
            .ok_or("\"from\" is missing or not text")?;
        parse_pointer(from)
    };
    match name {
        "add" => add(doc, &path, value()?),
        "remove" => remove(doc, &path).map(drop),
        "replace" => {
            let v = value()?;
            *target(doc, &path)? = v;
            Ok(())
        }
        "move" => {
            let from = from()?;
            if path.len() > from.len() && path[..from.len()] == from[..] {
                return Err("cannot move a value into itself".into());
            }
            let v = remove(doc, &from)?;
            add(doc, &path, v)
        }
        "copy" => {
            let v = target(doc, &from()?)?.clone();
            add(doc, &path, v)
        }
        "test" => {
            let v = value()?;
            if *target(doc, &path)? == v {
                Ok(())
            } else {
                Err("the value there differs from the test value".into())
            }
        }
        other => Err(format!(
            "unknown operation \"{other}\" (RFC 6902 has add, remove, replace, move, copy, test)"
        )),
    }
}

/// Splits a JSON pointer (RFC 6901) into its unescaped tokens.
///
/// # Errors
/// A non-empty pointer that does not start with `/`.
pub fn parse_pointer(pointer: &str) -> Result<Vec<String>, String> {
    if pointer.is_empty() {
        return Ok(Vec::new());
    }
    let Some(rest) = pointer.strip_prefix('/') else {
        return Err(format!(
            "\"{pointer}\" is not a JSON pointer (it must start with /)"
        ));
    };
    Ok(rest
        .split('/')
        .map(|t| t.replace("~1", "/").replace("~0", "~"))
        .collect())
}

/// Writes tokens back as a pointer, for messages.
fn pointer(tokens: &[String]) -> String {
    tokens
        .iter()
        .map(|t| format!("/{}", t.replace('~', "~0").replace('/', "~1")))
        .collect()
}

/// An array index: digits without a leading zero.
fn index(token: &str, len: usize, at: &[String]) -> Result<usize, String> {
    let valid = !token.is_empty()
        && token.bytes().all(|b| b.is_ascii_digit())
        && (token == "0" || !token.starts_with('0'));
    let i = token
        .parse::<usize>()
        .ok()
        .filter(|_| valid)
        .ok_or_else(|| format!("{}: \"{token}\" is not an array index", pointer(at)))?;
    if i >= len {
        return Err(format!(
            "{} does not exist: the array {} has {len} items",
            pointer(&[at, &[token.to_string()]].concat()),
            if at.is_empty() {
                "/".to_string()
            } else {
                pointer(at)
            }
        ));
    }
    Ok(i)
}

/// The value at `path`, which must exist.
fn target<'v>(doc: &'v mut Value, path: &[String]) -> Result<&'v mut Value, String> {
    let mut here = doc;
    for (depth, token) in path.iter().enumerate() {
        let at = &path[..depth];
        here = match here {
            Value::Object(map) => map.get_mut(token).ok_or_else(|| {
                format!(
                    "{} does not exist: the object has no member \"{token}\"",
                    pointer(&path[..=depth])
                )
            })?,
            Value::Array(items) => {
                let i = index(token, items.len(), at)?;
                &mut items[i]
            }
            other => {
                return Err(format!(
                    "{} does not exist: {} is {}, not an object or array",
                    pointer(&path[..=depth]),
                    if at.is_empty() {
                        "/".to_string()
                    } else {
                        pointer(at)
                    },
                    kind(other)
                ));
            }
        };
    }
    Ok(here)
}

fn add(doc: &mut Value, path: &[String], value: Value) -> Result<(), String> {
    let Some((last, parent)) = path.split_last() else {
        *doc = value;
        return Ok(());
    };
    match target(doc, parent)? {
        Value::Object(map) => {
            map.insert(last.clone(), value);
            Ok(())
        }
        Value::Array(items) if last == "-" => {
            items.push(value);
            Ok(())
        }
        Value::Array(items) => {
            // Adding may append at index len, one past the last item.
            let i = index(last, items.len() + 1, parent)?;
            items.insert(i, value);
            Ok(())
        }
        other => Err(format!(
            "{} cannot be added to: its parent is {}",
            pointer(path),
            kind(other)
        )),
    }
}

fn remove(doc: &mut Value, path: &[String]) -> Result<Value, String> {
    let Some((last, parent)) = path.split_last() else {
        return Err("cannot remove the whole document".into());
    };
    match target(doc, parent)? {
        Value::Object(map) => map.shift_remove(last).ok_or_else(|| {
            format!(
                "{} does not exist: the object has no member \"{last}\"",
                pointer(path)
            )
        }),
        Value::Array(items) => {
            let i = index(last, items.len(), parent)?;
            Ok(items.remove(i))
        }
        other => Err(format!(
            "{} does not exist: its parent is {}",
            pointer(path),
            kind(other)
        )),
    }
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "text",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_six_operations_apply() {
        let mut doc = json!({"a": [1, 2], "b": {"c": 3}});
        let ops = json!([
            {"op": "add", "path": "/a/-", "value": 4},
            {"op": "add", "path": "/a/0", "value": 0},
            {"op": "replace", "path": "/b/c", "value": 5},
            {"op": "copy", "from": "/b/c", "path": "/d"},
            {"op": "move", "from": "/d", "path": "/e"},
            {"op": "remove", "path": "/a/1"},
            {"op": "test", "path": "/e", "value": 5},
            {"op": "add", "path": "/x~1y", "value": true}
        ]);
        apply(&mut doc, &ops).unwrap();
        assert_eq!(
            doc,
            json!({"a": [0, 2, 4], "b": {"c": 5}, "e": 5, "x/y": true})
        );
    }

    #[test]
    fn failures_name_the_operation_and_pointer() {
        let mut doc = json!({"channels": [{"samples": []}]});
        let ops = json!([{"op": "add", "path": "/channels/3/samples/1", "value": 1}]);
        let err = apply(&mut doc, &ops).unwrap_err();
        assert_eq!(err.index, 0);
        assert_eq!(
            err.to_string(),
            "operation 0 (add /channels/3/samples/1): /channels/3 does not exist: the array /channels has 1 items"
        );
        let err = apply(
            &mut doc,
            &json!([{"op": "test", "path": "/channels", "value": 1}]),
        )
        .unwrap_err();
        assert!(err.message.contains("differs"));
        let err = apply(&mut doc, &json!([{"op": "remove", "path": "/nope"}])).unwrap_err();
        assert!(err.message.contains("no member \"nope\""));
        let err = apply(
            &mut doc,
            &json!([{"op": "add", "path": "/channels/01", "value": 1}]),
        )
        .unwrap_err();
        assert!(err.message.contains("not an array index"));
    }
}
