//! Numbers as readers expect to see them on a page.

/// The shortest text that reads back as the same number, in plain notation for everyday
/// magnitudes and scientific notation for very large or small ones (`1e-10`, not
/// `0.0000000001`).
pub fn format(x: f64) -> String {
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

#[cfg(test)]
mod tests {
    use super::format;

    #[test]
    fn readable() {
        assert_eq!(format(13000.0), "13000");
        assert_eq!(format(0.1149973), "0.1149973");
        assert_eq!(format(1e-10), "1e−10");
        assert_eq!(format(-2.5), "−2.5");
        assert_eq!(format(f64::INFINITY), "∞");
    }
}
