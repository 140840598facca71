//! Axes: linear, logarithmic and labelled (text) scales, and their ticks.

/// How data values map onto one axis.
#[derive(Clone, Debug)]
pub enum Scale {
    Linear {
        min: f64,
        max: f64,
    },
    /// Bounds are the logarithms (base 10) of the data bounds.
    Log {
        min: f64,
        max: f64,
    },
    /// Labelled positions 0, 1, ... n-1, each given half a unit of room either side.
    Category {
        labels: Vec<String>,
    },
}

/// A tick: where it is (in data units) and its label.
#[derive(Clone, Debug, PartialEq)]
pub struct Tick {
    pub at: f64,
    pub label: String,
}

impl Scale {
    /// A linear or log scale over `[lo, hi]` (data units), padded a little so that points
    /// do not sit on the frame. Log is chosen when asked and the data are positive.
    pub fn numeric(lo: f64, hi: f64, log: bool, pad: bool) -> Scale {
        if log && lo > 0.0 && hi > 0.0 {
            let (a, b) = (lo.log10(), hi.log10());
            let margin = if pad { ((b - a) * 0.05).max(0.05) } else { 0.0 };
            return Scale::Log {
                min: a - margin,
                max: b + margin,
            };
        }
        let (lo, hi) = if lo == hi {
            let d = if lo == 0.0 { 1.0 } else { lo.abs() * 0.1 };
            (lo - d, hi + d)
        } else {
            (lo, hi)
        };
        let margin = if pad { (hi - lo) * 0.05 } else { 0.0 };
        Scale::Linear {
            min: lo - margin,
            max: hi + margin,
        }
    }

    pub fn is_log(&self) -> bool {
        matches!(self, Scale::Log { .. })
    }

    /// The position of `x` between 0 (axis start) and 1 (axis end); `None` when it cannot
    /// be drawn (not finite, or not positive on a log axis).
    pub fn fraction(&self, x: f64) -> Option<f64> {
        if !x.is_finite() {
            return None;
        }
        let f = match self {
            Scale::Linear { min, max } => (x - min) / (max - min),
            Scale::Log { min, max } => {
                if x <= 0.0 {
                    return None;
                }
                (x.log10() - min) / (max - min)
            }
            Scale::Category { labels } => (x + 0.5) / labels.len().max(1) as f64,
        };
        Some(f)
    }

    /// Ticks to label: "nice" numbers (1, 2, 5 times a power of ten) on a linear axis,
    /// powers of ten on a log one, and on a labelled axis every label, or every n-th
    /// when there are more than `max` of them.
    pub fn ticks(&self, max: usize) -> Vec<Tick> {
        match self {
            Scale::Linear { min, max: hi } => linear_ticks(*min, *hi, max),
            Scale::Log { min, max: hi } => log_ticks(*min, *hi),
            Scale::Category { labels } => {
                let step = labels.len().div_ceil(max.max(1)).max(1);
                labels
                    .iter()
                    .enumerate()
                    .filter(|(i, _)| i % step == 0)
                    .map(|(i, l)| Tick {
                        at: i as f64,
                        label: l.clone(),
                    })
                    .collect()
            }
        }
    }
}

/// Round-number ticks between `min` and `max`, at most about `count` of them.
pub fn linear_ticks_for(min: f64, max: f64, count: usize) -> Vec<Tick> {
    linear_ticks(min, max, count)
}

fn linear_ticks(min: f64, max: f64, count: usize) -> Vec<Tick> {
    let span = max - min;
    if !(span.is_finite() && span > 0.0) {
        return Vec::new();
    }
    let raw = span / count.max(2) as f64;
    let power = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 2.5, 5.0, 10.0]
        .iter()
        .map(|m| m * power)
        .find(|s| span / s <= count as f64)
        .unwrap_or(10.0 * power);
    let first = (min / step).ceil() as i64;
    let last = (max / step).floor() as i64;
    (first..=last)
        .map(|i| {
            let at = i as f64 * step;
            // Snap values like 0.30000000000000004 to what the step's digits allow.
            let at = if at.abs() < step * 1e-9 { 0.0 } else { at };
            Tick {
                at,
                label: number_label(at, step),
            }
        })
        .collect()
}

fn log_ticks(min: f64, max: f64) -> Vec<Tick> {
    let (first, last) = (min.ceil() as i32, max.floor() as i32);
    let decades = (last - first + 1).max(1);
    // Every decade up to 8 of them, then every second or third.
    let step = (decades as usize).div_ceil(8).max(1) as i32;
    let mut ticks: Vec<Tick> = (first..=last)
        .filter(|e| (e - first) % step == 0)
        .map(|e| Tick {
            at: 10f64.powi(e),
            label: power_label(e),
        })
        .collect();
    if ticks.len() < 2 {
        // Less than a decade shown: label 2 and 5 times powers of ten as well.
        ticks = ((min.floor() as i32)..=(max.ceil() as i32))
            .flat_map(|e| [1.0, 2.0, 5.0].map(|m| m * 10f64.powi(e)))
            .filter(|x| (min..=max).contains(&x.log10()))
            .map(|x| Tick {
                at: x,
                label: number_label(x, x / 10.0),
            })
            .collect();
    }
    ticks
}

/// `10^e` as readers expect it: `0.01`, `1`, `1000` for everyday powers, `1e6` beyond.
fn power_label(e: i32) -> String {
    if (-3..=4).contains(&e) {
        number_label(10f64.powi(e), 10f64.powi(e))
    } else {
        format!("1e{e}").replace('-', "−")
    }
}

/// A tick value with as many digits as the step needs.
pub fn number_label(x: f64, step: f64) -> String {
    let a = x.abs();
    if a != 0.0 && !(1e-4..1e6).contains(&a) {
        // Scientific, with the mantissa cut where the step ends: 2e−4, not
        // 1.9999999999999998e−4.
        let digits = (a.log10().floor() - step.abs().log10().floor()).clamp(0.0, 15.0) as usize;
        let s = format!("{x:.digits$e}");
        let (mantissa, exp) = s.split_once('e').unwrap_or((&s, "0"));
        let mantissa = if mantissa.contains('.') {
            mantissa.trim_end_matches('0').trim_end_matches('.')
        } else {
            mantissa
        };
        return format!("{mantissa}e{exp}").replace('-', "−");
    }
    let decimals = if step >= 1.0 {
        0
    } else {
        (-step.log10()).ceil().clamp(0.0, 10.0) as usize
    };
    let s = format!("{x:.decimals$}");
    let s = if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    };
    if s == "-0" {
        return "0".to_string();
    }
    s.replace('-', "−")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels(t: &[Tick]) -> Vec<&str> {
        t.iter().map(|t| t.label.as_str()).collect()
    }

    #[test]
    fn linear_ticks_are_round() {
        let s = Scale::Linear { min: 0.0, max: 1.0 };
        assert_eq!(labels(&s.ticks(6)), ["0", "0.2", "0.4", "0.6", "0.8", "1"]);
        let s = Scale::Linear {
            min: -0.13,
            max: 0.37,
        };
        assert_eq!(labels(&s.ticks(6)), ["−0.1", "0", "0.1", "0.2", "0.3"]);
        let s = Scale::Linear {
            min: 180.0,
            max: 2150.0,
        };
        assert_eq!(labels(&s.ticks(6)), ["500", "1000", "1500", "2000"]);
    }

    #[test]
    fn small_steps_read_cleanly() {
        let s = Scale::Linear {
            min: -2.1e-4,
            max: 2.1e-4,
        };
        assert_eq!(
            labels(&s.ticks(5)),
            ["−0.0002", "−0.0001", "0", "0.0001", "0.0002"]
        );
        assert_eq!(number_label(1e-5 + 1e-5 + 1e-20, 1e-5), "2e−5");
        assert_eq!(number_label(1.5e-5, 5e-6), "1.5e−5");
    }

    #[test]
    fn log_ticks_are_decades() {
        let s = Scale::numeric(0.02, 3000.0, true, false);
        assert!(s.is_log());
        assert_eq!(labels(&s.ticks(6)), ["0.1", "1", "10", "100", "1000"]);
        let s = Scale::numeric(1e-9, 1e-2, true, false);
        assert_eq!(
            labels(&s.ticks(6)),
            [
                "1e−9", "1e−8", "1e−7", "1e−6", "1e−5", "1e−4", "0.001", "0.01"
            ]
        );
        // A log axis needs positive data.
        assert!(!Scale::numeric(-1.0, 10.0, true, false).is_log());
    }

    #[test]
    fn category_ticks_thin_out() {
        let s = Scale::Category {
            labels: (0..40).map(|i| i.to_string()).collect(),
        };
        assert_eq!(s.ticks(10).len(), 10);
        assert_eq!(s.fraction(0.0), Some(0.5 / 40.0));
    }

    #[test]
    fn undrawable_values() {
        let s = Scale::numeric(1.0, 100.0, true, false);
        assert_eq!(s.fraction(0.0), None);
        assert_eq!(s.fraction(f64::NAN), None);
        assert_eq!(s.fraction(f64::INFINITY), None);
    }
}
