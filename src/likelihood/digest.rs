//! The digests pyhf writes into a patchset: a hash of the background-only workspace as
//! Python's `json.dumps(ws, sort_keys=True, ensure_ascii=False)` prints it.
//!
//! The digest is over text, not over the values, so the text must match Python's byte for
//! byte: keys sorted, `", "` and `": "` separators, non-ASCII left as it is, and floats in
//! Python's shortest `repr` (`50.0`, `1e-05`, `1e+16`) while integers stay integers. That
//! needs every float read exactly as written, hence serde_json's `float_roundtrip` feature:
//! without it `45.811683654785156` reads as its neighbour and the digest differs.

use md5::Md5;
use serde_json::Value;
use sha2::{Digest as _, Sha256};

/// The hash algorithms pyhf's patchset schema allows in `metadata.digests`.
pub const ALGORITHMS: [&str; 2] = ["md5", "sha256"];

/// The hex digest of `value` with `algorithm` (`md5` or `sha256`), or `None` for another.
pub fn digest(algorithm: &str, value: &Value) -> Option<String> {
    let text = python_json(value);
    match algorithm {
        "md5" => Some(hex::encode(Md5::digest(text.as_bytes()))),
        "sha256" => Some(hex::encode(Sha256::digest(text.as_bytes()))),
        _ => None,
    }
}

/// `value` as Python's `json.dumps(value, sort_keys=True, ensure_ascii=False)` writes it.
pub fn python_json(value: &Value) -> String {
    let mut out = String::new();
    write(value, &mut out);
    out
}

fn write(value: &Value, out: &mut String) {
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => {
            if n.is_f64() {
                out.push_str(&python_float(n.as_f64().unwrap_or(f64::NAN)));
            } else {
                out.push_str(&n.to_string());
            }
        }
        Value::String(s) => string(s, out),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write(item, out);
            }
            out.push(']');
        }
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            out.push('{');
            for (i, key) in keys.into_iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                string(key, out);
                out.push_str(": ");
                write(&map[key], out);
            }
            out.push('}');
        }
    }
}

fn string(s: &str, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
}

/// Python's `repr(float)`: the shortest digits that read back to the same number, written
/// positionally for exponents -4 to 15 and in scientific notation otherwise.
pub fn python_float(x: f64) -> String {
    if x.is_nan() {
        return "NaN".into();
    }
    if x.is_infinite() {
        return if x > 0.0 { "Infinity" } else { "-Infinity" }.into();
    }
    if x == 0.0 {
        return if x.is_sign_negative() { "-0.0" } else { "0.0" }.into();
    }
    // Rust's `{:e}` gives the shortest round-trip digits, e.g. "-1.25e-7", but breaks an
    // exact tie between two such candidates upwards where Python picks the even one
    // (585.19635009765625 is 585.1963500976562 in Python). Formatting with that many digits
    // rounds the exact value half to even, as Python does.
    let shortest = format!("{x:e}");
    let digits = shortest
        .split('e')
        .next()
        .unwrap_or("")
        .bytes()
        .filter(u8::is_ascii_digit)
        .count();
    let even = format!("{x:.*e}", digits.saturating_sub(1));
    let sci = if even.parse::<f64>() == Ok(x) {
        even
    } else {
        shortest
    };
    let (mantissa, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let (sign, mantissa) = match mantissa.strip_prefix('-') {
        Some(m) => ("-", m),
        None => ("", mantissa),
    };
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    let body = if (-4..16).contains(&exp) {
        if exp >= 0 {
            let point = exp as usize + 1;
            if digits.len() <= point {
                format!("{digits}{}.0", "0".repeat(point - digits.len()))
            } else {
                format!("{}.{}", &digits[..point], &digits[point..])
            }
        } else {
            format!("0.{}{digits}", "0".repeat((-exp - 1) as usize))
        }
    } else {
        let mantissa = if digits.len() > 1 {
            format!("{}.{}", &digits[..1], &digits[1..])
        } else {
            digits
        };
        let exp_sign = if exp < 0 { '-' } else { '+' };
        format!("{mantissa}e{exp_sign}{:02}", exp.abs())
    };
    format!("{sign}{body}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn floats_print_as_python_does() {
        for (x, py) in [
            (50.0, "50.0"),
            (0.1, "0.1"),
            (-2.5, "-2.5"),
            (1e-5, "1e-05"),
            (0.0001, "0.0001"),
            (1.5e-7, "1.5e-07"),
            (1e16, "1e+16"),
            (1234567890123456.0, "1234567890123456.0"),
            (123.456, "123.456"),
            (1.0 / 3.0, "0.3333333333333333"),
            (585.1963500976562, "585.1963500976562"),
        ] {
            assert_eq!(python_float(x), py);
        }
    }

    #[test]
    fn objects_are_sorted_with_python_separators() {
        let v: Value = serde_json::from_str(r#"{"b": [1, 2.0], "a": {"é": "x\"\n"}}"#).unwrap();
        assert_eq!(python_json(&v), r#"{"a": {"é": "x\"\n"}, "b": [1, 2.0]}"#);
        assert_eq!(python_json(&json!({})), "{}");
        assert_eq!(digest("md5", &json!("test")).unwrap().len(), 32);
    }
}
