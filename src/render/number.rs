//! Numbers as readers expect to see them on a page, and the shortest digits of a float
//! that every number spelling in hepstatic starts from.

use std::fmt::Write;

/// The shortest text that reads back as the same number, in plain notation for everyday
/// magnitudes and scientific notation for very large or small ones (`1e-10`, not
/// `0.0000000001`).
pub fn format(x: f64) -> String {
    let mut out = String::with_capacity(24);
    write_format(&mut out, x);
    out
}

/// [`format`] appended to `out`.
pub fn write_format(out: &mut String, x: f64) {
    if x.is_nan() {
        out.push_str("NaN");
        return;
    }
    if x.is_infinite() {
        out.push_str(if x > 0.0 { "∞" } else { "−∞" });
        return;
    }
    if may_tie(x) {
        let start = out.len();
        let _ = if (1e-4..1e7).contains(&x.abs()) {
            write!(out, "{x}")
        } else {
            write!(out, "{x:e}")
        };
        let text = out.split_off(start);
        out.push_str(&text.replace('-', "−"));
        return;
    }
    let a = x.abs();
    if a != 0.0 && !(1e-4..1e7).contains(&a) {
        // Rust's `{:e}` spelling: `1e-10`, `1.5e7`, with true minus signs.
        let s = Shortest::new(x);
        if s.is_negative() {
            out.push('−');
        }
        s.write_mantissa(out, 0);
        out.push('e');
        if s.exp < 0 {
            out.push('−');
        }
        let _ = write!(out, "{}", s.exp.unsigned_abs());
        return;
    }
    // Plain notation needs no exponent: the shortest digits as `{}` lays them out, which
    // is zmij's fixed layout without its `.0` on whole numbers.
    let mut buffer = zmij::Buffer::new();
    let text = buffer.format_finite(x);
    let text = text.strip_suffix(".0").unwrap_or(text);
    match text.strip_prefix('-') {
        Some(rest) => {
            out.push('−');
            out.push_str(rest);
        }
        None => out.push_str(text),
    }
}

/// The shortest decimal digits that read back as a finite `f64`, and the power of ten of
/// the first: `-0.0125` is negative, digits `125`, exponent -2.
///
/// The digits come from zmij (the crate serde_json prints floats with), read back from
/// its text so that each writer can lay them out as its format spells numbers.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Shortest {
    negative: bool,
    /// ASCII digits, no leading or trailing zeros (`0` alone for zero).
    digits: [u8; 17],
    len: usize,
    /// The value is `d.ddd × 10^exp`.
    pub(crate) exp: i32,
}

impl Shortest {
    /// The digits of `x`, which must be finite (NaN and infinities have no digits; they
    /// come out as some unspecified number).
    pub(crate) fn new(x: f64) -> Shortest {
        let mut buffer = zmij::Buffer::new();
        let text = buffer.format_finite(x).as_bytes();
        let (negative, text) = match text.split_first() {
            Some((b'-', rest)) => (true, rest),
            _ => (false, text),
        };
        let mut s = Shortest {
            negative,
            digits: [b'0'; 17],
            len: 0,
            exp: 0,
        };

        // zmij writes `123.45`, `0.00012` or `1.2345e+16` / `1e-7`.
        let (mantissa, exp) = match text.iter().position(|&b| b == b'e') {
            Some(at) => (&text[..at], parse_exp(&text[at + 1..])),
            None => (text, 0),
        };
        let point = mantissa.iter().position(|&b| b == b'.');
        let int_len = point.unwrap_or(mantissa.len()) as i32;
        let mut first: Option<i32> = None;
        for (i, &b) in mantissa.iter().filter(|b| b.is_ascii_digit()).enumerate() {
            if first.is_none() && b == b'0' {
                continue;
            }
            // The power of ten of this digit in the mantissa: int_len - 1 - i.
            first.get_or_insert(int_len - 1 - i as i32);
            if s.len < s.digits.len() {
                s.digits[s.len] = b;
                s.len += 1;
            }
        }
        while s.len > 1 && s.digits[s.len - 1] == b'0' {
            s.len -= 1;
        }
        match first {
            Some(p) => s.exp = p + exp,
            None => s.len = 1,
        }
        s
    }

    pub(crate) fn is_negative(&self) -> bool {
        self.negative
    }

    /// The significant digits, `0` for zero.
    pub(crate) fn digits(&self) -> &[u8] {
        &self.digits[..self.len]
    }

    /// `d` or `d.ddd`, with at least `decimals` digits after the point (zeros added),
    /// without the sign.
    pub(crate) fn write_mantissa(&self, out: &mut String, decimals: usize) {
        let digits = self.digits();
        out.push(char::from(digits[0]));
        let rest = &digits[1..];
        if rest.is_empty() && decimals == 0 {
            return;
        }
        out.push('.');
        // ASCII digits: always valid UTF-8.
        out.push_str(std::str::from_utf8(rest).unwrap_or_default());
        for _ in rest.len()..decimals {
            out.push('0');
        }
    }
}

/// Could Rust's own formatter choose other shortest digits than zmij for `x`?
///
/// Both give the shortest digits that read back, and of those the nearest to `x`. They
/// differ only when two are equally near, which needs the exact value of `x` to end in a
/// 5 just after the last shortest digit: for a normal double, an exact decimal expansion
/// of 17 or 18 significant digits (`0x3ef1400000000000` is exactly
/// 1.64508819580078125e-5: Rust writes `...813`, zmij and Python `...812`), or a
/// subnormal. Those go to the standard formatter, so spellings stay as they were; they
/// are rare in measured data, whose exact expansions run to dozens of digits.
pub(crate) fn may_tie(x: f64) -> bool {
    let bits = x.to_bits();
    let field = (bits >> 52) & 0x7ff;
    let fraction = bits & ((1 << 52) - 1);
    if field == 0 {
        return fraction != 0;
    }
    if field == 0x7ff {
        return false;
    }
    // x = m · 2^e with m odd.
    let m = fraction | 1 << 52;
    let m_zeros = m.trailing_zeros();
    let (mut m, e) = (m >> m_zeros, field as i32 - 1075 + m_zeros as i32);

    // The significant digits of the exact value, as a whole number `w` (no trailing
    // zeros), or `None` when there are more than 18.
    let w: Option<u128> = if e < 0 {
        // m · 5^k / 10^k: 5^26 alone has 19 digits.
        let k = e.unsigned_abs();
        (k <= 25).then(|| u128::from(m) * 5u128.pow(k))
    } else {
        // A whole number: its trailing zeros are the factors 5 of m paired with 2s.
        let mut fives = 0;
        while m % 5 == 0 {
            m /= 5;
            fives += 1;
        }
        if e >= fives {
            let shift = (e - fives) as u32;
            (shift + (64 - m.leading_zeros()) <= 64).then(|| u128::from(m << shift))
        } else {
            Some(u128::from(m) * 5u128.pow((fives - e) as u32))
        }
    };
    w.is_some_and(|w| (10u128.pow(15)..10u128.pow(18)).contains(&w))
}

/// An exponent as zmij writes it: `+16`, `-7`.
fn parse_exp(text: &[u8]) -> i32 {
    let (sign, digits) = match text.split_first() {
        Some((b'-', rest)) => (-1, rest),
        Some((b'+', rest)) => (1, rest),
        _ => (1, text),
    };
    sign * digits
        .iter()
        .fold(0i32, |n, &d| n * 10 + i32::from(d - b'0'))
}

/// `e+05`, `e-300`: an exponent of at least two digits with its sign, as C's `printf`
/// and Python write it.
pub(crate) fn write_c_exp(out: &mut String, exp: i32) {
    out.push(if exp < 0 { '-' } else { '+' });
    let e = exp.unsigned_abs();
    if e < 10 {
        out.push('0');
    }
    let _ = write!(out, "{e}");
}

/// Rewrites the exponent of the number Rust wrote from `start` on (`1.5e-5`, `1.234568e3`)
/// the way C and Python write it (`1.5e-05`, `1.234568e+03`); a number without one stays.
pub(crate) fn c_exponent_from(out: &mut String, start: usize) {
    if let Some(e) = out[start..].find('e') {
        let at = start + e + 1;
        let exp: i32 = out[at..].parse().unwrap_or(0);
        out.truncate(at);
        write_c_exp(out, exp);
    }
}

/// Random doubles for the tests of every number spelling: edge cases, then values from
/// random bit patterns and random decimal text.
#[cfg(test)]
pub(crate) fn test_values() -> Vec<f64> {
    let mut values = vec![
        0.0,
        -0.0,
        f64::MIN_POSITIVE,
        -f64::MIN_POSITIVE,
        5e-324,
        -5e-324,
        f64::MIN_POSITIVE.next_down(),
        f64::MAX,
        f64::MIN,
        f64::EPSILON,
        f64::NAN,
        -f64::NAN,
        f64::INFINITY,
        f64::NEG_INFINITY,
        9007199254740993.0,
        9007199254740992.0,
        123456789012345680.0,
        0.1 + 0.2,
        1.0 / 3.0,
        2.0 / 3.0,
        0.5,
        0.25,
        0.125,
        1.25e-7,
        5e-5,
    ];
    for e in -30..=30 {
        let p = 10f64.powi(e);
        for x in [
            p,
            p.next_up(),
            p.next_down(),
            1.5 * p,
            9.999999 * p,
            9.9999995 * p,
        ] {
            values.push(x);
            values.push(-x);
        }
    }
    for e in [-300, -200, -100, -50, 50, 100, 200, 300, 308] {
        values.push(10f64.powi(e));
        values.push(-1.234567e0 * 10f64.powi(e));
    }
    // Values around 1e-4, 1e7 and 1e16 that are spelled with the fewest digits.
    for text in [
        "1e-4",
        "1e-5",
        "1e7",
        "1e15",
        "1e16",
        "9999999.999999998",
        "1e-05",
    ] {
        let x: f64 = text.parse().unwrap();
        values.extend([x, x.next_up(), x.next_down()]);
    }
    for i in 0..=2000 {
        values.push(f64::from(i) * 0.001);
        values.push(f64::from(i) * 12.5);
        values.push(2f64.powi(i % 120 - 60) * f64::from(i));
    }

    // xorshift64*: any bit pattern, then decimals of a few digits such as records hold.
    let mut state = 0x9e37_79b9_7f4a_7c15_u64;
    let mut next = move || {
        state ^= state >> 12;
        state ^= state << 25;
        state ^= state >> 27;
        state.wrapping_mul(0x2545_f491_4f6c_dd1d)
    };
    for _ in 0..200_000 {
        values.push(f64::from_bits(next()));
    }
    for _ in 0..100_000 {
        let r = next();
        let digits = r % 10_000_000;
        let exp = (r >> 40) % 40;
        let text = format!("{digits}e{}", exp as i32 - 25);
        values.push(text.parse().unwrap());
    }
    values
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `format` as it was written with the standard formatter, the reference spelling.
    fn format_by_std(x: f64) -> String {
        if x.is_nan() {
            return "NaN".to_string();
        }
        if x.is_infinite() {
            return if x > 0.0 {
                "∞".to_string()
            } else {
                "−∞".to_string()
            };
        }
        let a = x.abs();
        if a != 0.0 && !(1e-4..1e7).contains(&a) {
            let s = format!("{x:e}");
            return s.replace('-', "−");
        }
        format!("{x}").replace('-', "−")
    }

    #[test]
    fn readable() {
        assert_eq!(format(13000.0), "13000");
        assert_eq!(format(0.1149973), "0.1149973");
        assert_eq!(format(1e-10), "1e−10");
        assert_eq!(format(-2.5), "−2.5");
        assert_eq!(format(f64::INFINITY), "∞");
        assert_eq!(format(-0.0), "−0");
        assert_eq!(format(1.5e7), "1.5e7");
    }

    #[test]
    fn spelled_as_the_standard_formatter_spells_it() {
        for x in test_values() {
            assert_eq!(format(x), format_by_std(x), "bits {:#x}", x.to_bits());
        }
    }

    #[test]
    fn ties_are_found() {
        assert!(may_tie(f64::from_bits(0x3ef1_4000_0000_0000)));
        assert!(may_tie(5e-324));
        for x in [
            0.0,
            0.1,
            7000.0,
            12.5,
            1e22,
            1e300,
            f64::INFINITY,
            123456789012.0,
        ] {
            assert!(!may_tie(x), "{x:?}");
        }
        // 2^60 is exact with 19 digits, 2^56 with 17.
        assert!(!may_tie(2f64.powi(60)));
        assert!(may_tie(2f64.powi(56)));
    }

    #[test]
    fn shortest_digits_read_back() {
        for x in test_values().into_iter().filter(|x| x.is_finite()) {
            let s = Shortest::new(x);
            let digits = std::str::from_utf8(s.digits()).unwrap();
            let sign = if s.is_negative() { "-" } else { "" };
            let back: f64 = format!("{sign}0.{digits}e{}", s.exp + 1).parse().unwrap();
            assert_eq!(back.to_bits(), x.to_bits(), "{x:?}: {digits} e{}", s.exp);
            assert!(digits == "0" || !digits.starts_with('0') && !digits.ends_with('0'));
        }
    }
}
