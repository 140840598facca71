//! A small SVG writer: the shapes and labels the plots need, nothing more.

use std::fmt::Write;

use crate::render::markdown::escape;
use crate::render::math;

/// Font of every label; sizes are in the picture's own units (it scales as a whole).
const FONT: &str =
    "system-ui,-apple-system,'Segoe UI',Roboto,'Noto Sans','Liberation Sans',sans-serif";

pub struct Svg {
    out: String,
}

impl Svg {
    /// Opens a picture of `width` × `height` units that scales to its container, with a
    /// title and a description for screen readers (`role="img"`).
    pub fn new(width: f64, height: f64, title: &str, desc: &str) -> Svg {
        let mut out = String::with_capacity(16 * 1024);
        let _ = write!(
            out,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {w} {h}\" width=\"{w}\" height=\"{h}\" role=\"img\" aria-labelledby=\"title desc\" font-family=\"{FONT}\" font-size=\"12\">\n<title id=\"title\">{t}</title>\n<desc id=\"desc\">{d}</desc>\n<rect width=\"100%\" height=\"100%\" fill=\"#fff\"/>\n",
            w = n(width),
            h = n(height),
            t = escape(title),
            d = escape(desc),
        );
        Svg { out }
    }

    /// Appends raw SVG.
    pub fn raw(&mut self, text: &str) {
        self.out.push_str(text);
    }

    pub fn line(&mut self, x1: f64, y1: f64, x2: f64, y2: f64, style: &str) {
        let _ = writeln!(
            self.out,
            "<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" {style}/>",
            n(x1),
            n(y1),
            n(x2),
            n(y2)
        );
    }

    pub fn rect(&mut self, x: f64, y: f64, w: f64, h: f64, style: &str) {
        let _ = writeln!(
            self.out,
            "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" {style}/>",
            n(x),
            n(y),
            n(w),
            n(h)
        );
    }

    /// A text label; `$...$` in it is drawn with raised and lowered scripts. `anchor` is
    /// `start`, `middle` or `end`; `rotate` turns it (degrees) about its anchor point.
    pub fn text(&mut self, x: f64, y: f64, label: &str, anchor: &str, size: f64, rotate: f64) {
        let transform = if rotate == 0.0 {
            String::new()
        } else {
            format!(" transform=\"rotate({} {} {})\"", n(rotate), n(x), n(y))
        };
        let _ = write!(
            self.out,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"{anchor}\" font-size=\"{}\" fill=\"#1c2430\"{transform}>",
            n(x),
            n(y),
            n(size)
        );
        let mut level = 0.0;
        for piece in math::pieces(label) {
            let target = match piece.shift {
                0 => 0.0,
                s if s > 0 => -0.38 * size,
                _ => 0.28 * size,
            };
            let dy = target - level;
            level = target;
            let small = if piece.shift == 0 {
                ""
            } else {
                " font-size=\"75%\""
            };
            if dy == 0.0 && small.is_empty() {
                self.out.push_str(&escape(&piece.text));
            } else {
                let _ = write!(
                    self.out,
                    "<tspan dy=\"{}\"{small}>{}</tspan>",
                    n(dy),
                    escape(&piece.text)
                );
            }
        }
        self.out.push_str("</text>\n");
    }

    pub fn finish(mut self) -> String {
        self.out.push_str("</svg>\n");
        self.out
    }
}

/// A coordinate with at most one decimal: enough on a 480-unit picture, and short.
pub fn n(x: f64) -> Coordinate {
    Coordinate(x)
}

/// [`n`]'s number, written when formatted: `12`, `-0.5`, `3.1` (never `-0` or `3.0`).
/// Written from whole tenths, without the standard float formatting: a plot has
/// thousands of coordinates.
pub struct Coordinate(f64);

impl std::fmt::Display for Coordinate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let tenths = (self.0 * 10.0).round();
        if tenths.is_nan() || tenths.abs() >= 1e15 {
            // Not finite, or far off any picture: as the float formatting has it.
            let r = tenths / 10.0;
            return if r == r.trunc() {
                write!(f, "{}", r as i64)
            } else {
                write!(f, "{r:.1}")
            };
        }
        let t = tenths as i64;
        let a = t.unsigned_abs();
        if t < 0 {
            f.write_str("-")?;
        }
        write!(f, "{}", a / 10)?;
        match a % 10 {
            0 => Ok(()),
            d => write!(f, ".{d}"),
        }
    }
}

/// Shortens a label to `max` characters (an ellipsis marks the cut), keeping formulas
/// whole: a label with math is shortened on its plain-text form.
pub fn shorten(label: &str, max: usize) -> String {
    let plain = if label.contains('$') {
        math::plain(label)
    } else {
        label.to_string()
    };
    if plain.chars().count() <= max {
        return if plain == label || !label.contains('$') {
            plain
        } else {
            label.to_string()
        };
    }
    let mut out: String = plain.chars().take(max.saturating_sub(1)).collect();
    out.push('…');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_raise_and_lower_scripts() {
        let mut svg = Svg::new(100.0, 50.0, "t <1>", "d");
        svg.text(10.0, 20.0, "$p_{T}$ [GeV]", "middle", 10.0, 0.0);
        let out = svg.finish();
        assert!(
            out.contains("<title id=\"title\">t &lt;1&gt;</title>"),
            "{out}"
        );
        assert!(
            out.contains(
                "p<tspan dy=\"2.8\" font-size=\"75%\">T</tspan><tspan dy=\"-2.8\"> [GeV]</tspan>"
            ),
            "{out}"
        );
    }

    #[test]
    fn short_labels() {
        assert_eq!(n(1.04).to_string(), "1");
        assert_eq!(n(-2.25).to_string(), "-2.3");
        assert_eq!(shorten("abcdef", 4), "abc…");
        assert_eq!(shorten("$x_1$", 4), "$x_1$");
    }

    #[test]
    fn coordinates_are_written_as_the_float_formatting_would() {
        // The old spelling, through `{:.1}`, for comparison over many values.
        let reference = |x: f64| {
            let r = (x * 10.0).round() / 10.0;
            if r == r.trunc() {
                format!("{}", r as i64)
            } else {
                format!("{r:.1}")
            }
        };
        let mut x = -1000.0;
        while x < 1000.0 {
            assert_eq!(n(x).to_string(), reference(x), "{x}");
            x += 0.0137;
        }
        for x in [
            0.0,
            -0.0,
            -0.04,
            -0.05,
            0.05,
            0.25,
            479.95,
            1e300,
            f64::NAN,
            -f64::INFINITY,
        ] {
            assert_eq!(n(x).to_string(), reference(x), "{x}");
        }
    }
}
