//! Scalars: how a plain YAML or JSON scalar resolves to null, a boolean, a number or
//! text, the YAML 1.1 way HEPData's reader does, and where YAML 1.2 readers disagree.

use super::yaml::Scalar;

/// A scalar's value as the reference reader (PyYAML, or a JSON reader) types it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Resolved<'a> {
    Null,
    Bool(bool),
    Int(f64),
    Float(f64),
    Str(&'a str),
}

/// Whether readers of the two YAML versions agree on a plain scalar written where a number
/// may stand. See [`Scalar::portability`].
#[derive(Clone, Debug, PartialEq)]
pub enum Portability {
    /// Every reader gives the same value.
    Same,
    /// A decimal number that YAML 1.1 reads as text (`1e3`, `1.0e3`, `-.5`): YAML 1.2,
    /// JSON, Python's `float()` and hepdata-converter read the number; only the reference
    /// validator sees text (and rejects it where a number is required).
    NumberOnlyIn12(f64),
    /// The readers disagree on the value: `012` is ten in YAML 1.1 and twelve in 1.2,
    /// `1_000` a thousand or text, `1:30` ninety or text. `yaml12` names the 1.2 reading.
    Ambiguous { yaml12: String },
}

impl Scalar {
    pub fn resolve(&self) -> Resolved<'_> {
        if let Some(tag) = &self.tag {
            return match tag.as_str() {
                "str" => Resolved::Str(&self.text),
                "null" => Resolved::Null,
                "bool" => {
                    resolve_bool11(&self.text).map_or(Resolved::Str(&self.text), Resolved::Bool)
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

    /// How a plain scalar in a place that takes numbers reads under YAML 1.1 and 1.2.
    ///
    /// The decision, for every number field (values, bin edges, uncertainties, keyword and
    /// qualifier values): a decimal number that YAML 1.1 leaves as text but every other
    /// reader takes as a number (`1e3`) is that number, with a warning, because that is
    /// plainly what the author meant and exports must not carry it as text; a spelling
    /// whose value differs between readers (`012`, `08`, `1_000`, `1:30`, `0o17`, `0b1`)
    /// is an error, because the same file would give different numbers to different
    /// people. Quoted, tagged and JSON scalars mean the same to every reader.
    pub fn portability(&self) -> Portability {
        if self.json || self.tag.is_some() {
            return Portability::Same;
        }
        portability(&self.text, self.plain)
    }

    /// The scalar as a number field reads it: the YAML 1.1 reading, except that decimal
    /// numbers only YAML 1.1 takes for text are numbers (see [`Scalar::portability`]).
    pub fn resolve_number(&self) -> Resolved<'_> {
        match self.portability() {
            Portability::NumberOnlyIn12(x) => Resolved::Float(x),
            _ => self.resolve(),
        }
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

/// [`Scalar::resolve`] for an untagged YAML scalar given by its text, `plain` or quoted.
pub fn resolve_untagged(text: &str, plain: bool) -> Resolved<'_> {
    if plain {
        resolve_yaml11(text)
    } else {
        Resolved::Str(text)
    }
}

/// [`Scalar::portability`] for an untagged YAML scalar given by its text.
pub fn portability(text: &str, plain: bool) -> Portability {
    if !plain || is_plain_decimal(text) {
        return Portability::Same;
    }
    let y11 = resolve_yaml11(text);
    let y12 = resolve_core12(text);
    match (y11, y12) {
        (Resolved::Int(a) | Resolved::Float(a), Resolved::Int(b) | Resolved::Float(b))
            if a == b || (a.is_nan() && b.is_nan()) =>
        {
            Portability::Same
        }
        (Resolved::Str(_), Resolved::Float(b)) => Portability::NumberOnlyIn12(b),
        (Resolved::Int(_) | Resolved::Float(_), _) | (Resolved::Str(_), Resolved::Int(_)) => {
            let yaml12 = match y12 {
                Resolved::Int(x) | Resolved::Float(x) => format!("the number {x}"),
                Resolved::Str(s) => format!("the text \"{s}\""),
                Resolved::Bool(b) => format!("the boolean {b}"),
                Resolved::Null => "nothing (null)".to_string(),
            };
            Portability::Ambiguous { yaml12 }
        }
        _ => Portability::Same,
    }
}

/// `-?(0|[1-9][0-9]*)(\.[0-9]+)?`: the common case, read alike by every reader, tested
/// first so that most values skip the two full resolutions.
fn is_plain_decimal(text: &str) -> bool {
    let b = text.strip_prefix('-').unwrap_or(text).as_bytes();
    let int = b.iter().take_while(|c| c.is_ascii_digit()).count();
    if int == 0 || (int > 1 && b[0] == b'0') {
        return false;
    }
    match &b[int..] {
        [] => true,
        [b'.', frac @ ..] => !frac.is_empty() && frac.iter().all(u8::is_ascii_digit),
        _ => false,
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
    // Rust reads `1.` and `1.e+3` as PyYAML does; only `_` separators need removing.
    let parsed = if body.contains('_') {
        body.replace('_', "").parse::<f64>()
    } else {
        body.parse::<f64>()
    };
    parsed.ok().map(|x| sign * x)
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

/// YAML 1.2 core schema resolution: what serde_yaml, saphyr, Go's and JavaScript's YAML
/// libraries read, used to tell where they and HEPData's YAML 1.1 reader disagree.
fn resolve_core12(text: &str) -> Resolved<'_> {
    match text {
        "" | "~" | "null" | "Null" | "NULL" => return Resolved::Null,
        "true" | "True" | "TRUE" => return Resolved::Bool(true),
        "false" | "False" | "FALSE" => return Resolved::Bool(false),
        _ => {}
    }
    let (sign, body) = match text.as_bytes().first() {
        Some(b'-') => (-1.0, &text[1..]),
        Some(b'+') => (1.0, &text[1..]),
        _ => (1.0, text),
    };
    match body {
        ".inf" | ".Inf" | ".INF" => return Resolved::Float(sign * f64::INFINITY),
        ".nan" | ".NaN" | ".NAN" if body.len() == text.len() => {
            return Resolved::Float(f64::NAN);
        }
        _ => {}
    }
    // Octal and hexadecimal take no sign in the core schema.
    for (prefix, radix) in [("0o", 8), ("0x", 16)] {
        if let Some(digits) = text.strip_prefix(prefix)
            && !digits.is_empty()
            && digits.chars().all(|c| c.is_digit(radix))
        {
            let value = digits.chars().fold(0.0, |acc, c| {
                acc * f64::from(radix) + f64::from(c.to_digit(radix).unwrap_or(0))
            });
            return Resolved::Int(value);
        }
    }
    if !body.is_empty() && body.bytes().all(|b| b.is_ascii_digit()) {
        return text.parse().map_or(Resolved::Str(text), Resolved::Int);
    }
    if is_core12_float(body) {
        return text.parse().map_or(Resolved::Str(text), Resolved::Float);
    }
    Resolved::Str(text)
}

/// `(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?`: the core schema's float, unsigned.
fn is_core12_float(body: &str) -> bool {
    let (mantissa, exponent) = match body.find(['e', 'E']) {
        Some(i) => (&body[..i], Some(&body[i + 1..])),
        None => (body, None),
    };
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let mantissa_ok = match mantissa.split_once('.') {
        Some(("", frac)) => digits(frac),
        Some((int, frac)) => digits(int) && (frac.is_empty() || digits(frac)),
        None => digits(mantissa),
    };
    let exponent_ok = exponent.is_none_or(|e| digits(e.strip_prefix(['+', '-']).unwrap_or(e)));
    mantissa_ok && exponent_ok
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

    /// Expected values from PyYAML 6.0.3's SafeLoader (`yaml.safe_load("v: " + text)`).
    #[test]
    fn yaml11_resolution_matches_pyyaml() {
        use Resolved::{Bool, Float, Int, Null, Str};
        let cases: &[(&str, Resolved)] = &[
            ("1.5", Float(1.5)),
            ("-2", Int(-2.0)),
            ("1e3", Str("1e3")),
            ("1.0e3", Str("1.0e3")),
            ("1.0e+3", Float(1000.0)),
            ("012", Int(10.0)),
            ("08", Str("08")),
            ("1_000", Int(1000.0)),
            ("0x1F", Int(31.0)),
            ("0b101", Int(5.0)),
            ("1:30", Int(90.0)),
            ("1:30.5", Float(90.5)),
            (".5", Float(0.5)),
            ("-.5", Str("-.5")),
            ("+.5", Str("+.5")),
            ("1.", Float(1.0)),
            ("-.inf", Float(f64::NEG_INFINITY)),
            ("yes", Bool(true)),
            ("No", Bool(false)),
            ("on", Bool(true)),
            ("~", Null),
            ("5%", Str("5%")),
            ("1.2.3", Str("1.2.3")),
            ("0o17", Str("0o17")),
            ("+12", Int(12.0)),
            ("1e-5", Str("1e-5")),
            ("1.5E+3", Float(1500.0)),
            ("00", Int(0.0)),
            ("0_1", Int(1.0)),
            ("1__0", Int(10.0)),
            ("-1_0.5_0", Float(-10.5)),
            ("190:20:30", Int(685230.0)),
            (".5e+3", Float(500.0)),
            (".5e3", Str(".5e3")),
            ("1e+3", Str("1e+3")),
            ("NaN", Str("NaN")),
            (".Inf", Float(f64::INFINITY)),
            ("+.inf", Float(f64::INFINITY)),
            ("-0x1F", Int(-31.0)),
            ("0x1f_ff", Int(8191.0)),
        ];
        for (text, expected) in cases {
            assert_eq!(scalar(text).resolve(), *expected, "{text}");
        }
        assert!(matches!(scalar(".nan").resolve(), Resolved::Float(x) if x.is_nan()));
    }

    #[test]
    fn portability_decisions() {
        // Only YAML 1.1 reads these as text: a number, with a warning.
        for (text, value) in [
            ("1e3", 1000.0),
            ("1E-5", 1e-5),
            ("1.0e3", 1000.0),
            ("-.5", -0.5),
        ] {
            assert_eq!(
                scalar(text).portability(),
                Portability::NumberOnlyIn12(value)
            );
            assert_eq!(
                scalar(text).resolve_number(),
                Resolved::Float(value),
                "{text}"
            );
        }
        // The readers disagree on the value: an error.
        for (text, yaml12) in [
            ("012", "the number 12"),
            ("08", "the number 8"),
            ("1_000", "the text \"1_000\""),
            ("1:30", "the text \"1:30\""),
            ("0b101", "the text \"0b101\""),
            ("0o17", "the number 15"),
        ] {
            assert_eq!(
                scalar(text).portability(),
                Portability::Ambiguous {
                    yaml12: yaml12.to_string()
                },
                "{text}"
            );
        }
        for text in [
            "1.5", "-2", "0x1F", "1.0e+3", ".5", "7.", "abc", "yes", "-.inf",
        ] {
            assert_eq!(scalar(text).portability(), Portability::Same, "{text}");
        }
        let quoted = Scalar {
            plain: false,
            ..scalar("012")
        };
        assert_eq!(quoted.portability(), Portability::Same);
    }
}
