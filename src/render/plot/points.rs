//! One independent variable: points with error bars, bins as horizontal extents.

use std::fmt::Write;

use super::axis::{Scale, Tick};
use super::svg::{Svg, n, shorten};
use super::{COLOURS, Plot, WIDTH, axis_title, numeric, plural, point_label};
use crate::model::{Point, Value, Variable};
use crate::render::formats::sides;
use crate::render::math;

/// Series drawn at most; the rest are named in a note.
const MAX_SERIES: usize = COLOURS.len();
/// Points of one series drawn one by one; above this they are drawn as groups.
const MAX_POINTS: usize = 400;
/// Groups a long series is drawn as.
const GROUPS: usize = 200;

const LEFT: f64 = 62.0;
const RIGHT: f64 = 14.0;
const TOP: f64 = 12.0;
const HEIGHT: f64 = 250.0;

/// Where a row sits on a numeric x axis.
#[derive(Clone, Copy, Debug)]
struct XPos {
    lo: f64,
    hi: f64,
    at: f64,
}

/// One drawable point of a series.
#[derive(Clone, Copy, Debug)]
struct Mark {
    x: XPos,
    y: f64,
    /// Total uncertainty up and down (both ≥ 0).
    up: f64,
    down: f64,
    /// The first of several uncertainty sources, up and down, drawn as an inner bar.
    inner: Option<(f64, f64)>,
}

struct Series {
    label: String,
    marks: Vec<Mark>,
}

pub fn draw(title: &str, x_var: &Variable, deps: &[Variable]) -> Plot {
    let mut notes = Vec::new();

    // The x axis: numbers (values or bins) unless some entry is text.
    let numeric: Option<Vec<Option<XPos>>> = x_var.values.iter().map(x_position).collect();
    let category = numeric.is_none();
    let xs: Vec<Option<XPos>> = numeric.unwrap_or_else(|| {
        (0..x_var.values.len())
            .map(|i| {
                let at = i as f64;
                Some(XPos { lo: at, hi: at, at })
            })
            .collect()
    });

    // The series, each with the rows that have a number to draw.
    let labels = series_labels(deps);
    let mut undrawn = 0;
    let series: Vec<Series> = deps
        .iter()
        .take(MAX_SERIES)
        .zip(labels)
        .map(|(dep, label)| {
            let marks: Vec<Mark> = dep
                .values
                .iter()
                .enumerate()
                .filter_map(|(row, p)| {
                    let m = xs.get(row).copied().flatten().and_then(|x| mark(x, p));
                    undrawn += usize::from(m.is_none());
                    m
                })
                .collect();
            Series { label, marks }
        })
        .collect();
    if deps.len() > MAX_SERIES {
        notes.push(format!(
            "The first {MAX_SERIES} of {} dependent variables are drawn; all are in the table and the downloads.",
            deps.len()
        ));
    }
    if undrawn > 0 {
        notes.push(format!(
            "{} without a numeric value or position not drawn.",
            plural(undrawn, "point")
        ));
    }
    let open = xs
        .iter()
        .flatten()
        .filter(|x| x.lo.is_infinite() || x.hi.is_infinite())
        .count();
    if open > 0 {
        notes.push(format!(
            "{} open to ±∞ drawn to the edge of the plot, marked with an arrow.",
            plural(open, "bin")
        ));
    }

    // Scales.
    let all: Vec<&Mark> = series.iter().flat_map(|s| &s.marks).collect();
    let x_scale = if category {
        Scale::Category {
            labels: x_var.values.iter().map(point_label).collect(),
        }
    } else {
        let finite: Vec<f64> = all
            .iter()
            .flat_map(|m| [m.x.lo, m.x.hi, m.x.at])
            .filter(|v| v.is_finite())
            .collect();
        let (lo, hi) = bounds(&finite).unwrap_or((0.0, 1.0));
        Scale::numeric(lo, hi, lo > 0.0 && hi / lo >= 300.0, true)
    };
    let ys: Vec<f64> = all.iter().map(|m| m.y).collect();
    let log_y = bounds(&ys).is_some_and(|(lo, hi)| lo > 0.0 && hi / lo >= 100.0);
    let extent: Vec<f64> = all
        .iter()
        .flat_map(|m| {
            let low = m.y - m.down;
            [if log_y && low <= 0.0 { m.y } else { low }, m.y + m.up]
        })
        .collect();
    let (ylo, yhi) = bounds(&extent).unwrap_or((0.0, 1.0));
    let y_scale = Scale::numeric(ylo, yhi, log_y, true);
    let decimated = series.iter().filter(|s| s.marks.len() > MAX_POINTS).count();
    if decimated > 0 {
        notes.push(format!(
            "Long series drawn as {GROUPS} groups (range of the points and their uncertainties, mark at the mean); every row is in the table and the downloads."
        ));
    }

    // Layout: room below the frame for tick labels, the axis title and the legend.
    let x_ticks = x_scale.ticks(if category { 24 } else { 7 });
    let rotate = category
        && (x_ticks.len() > 8
            || x_ticks
                .iter()
                .any(|t| math::plain(&t.label).chars().count() > 10));
    let tick_room = if rotate {
        let longest = x_ticks
            .iter()
            .map(|t| shorten(&t.label, 22).chars().count())
            .max()
            .unwrap_or(1) as f64;
        (longest * 7.0 * 0.64 + 18.0).min(130.0)
    } else {
        18.0
    };
    let has_inner = series
        .iter()
        .any(|s| s.marks.iter().any(|m| m.inner.is_some()));
    let legend_rows = if series.len() > 1 {
        series.len().div_ceil(2)
    } else {
        0
    } + usize::from(has_inner);
    let frame_bottom = TOP + HEIGHT;
    let x_title_y = frame_bottom + tick_room + 18.0;
    let legend_top = x_title_y + 12.0;
    let height = legend_top + legend_rows as f64 * 19.0 + 6.0;
    let (fx0, fx1) = (LEFT, WIDTH - RIGHT);
    let px = |x: f64| x_scale.fraction(x).map(|f| fx0 + f * (fx1 - fx0));
    let py = |y: f64| y_scale.fraction(y).map(|f| frame_bottom - f * HEIGHT);

    let description = describe(title, x_var, deps, &series, &x_scale, &y_scale);
    let mut svg = Svg::new(WIDTH, height, &math::plain(title), &description);

    // Frame, grid and ticks.
    let y_ticks = y_scale.ticks(6);
    for t in &y_ticks {
        if let Some(y) = py(t.at) {
            svg.line(fx0, y, fx1, y, "stroke=\"#e6eaef\"");
            svg.text(fx0 - 5.0, y + 4.0, &t.label, "end", 12.5, 0.0);
        }
    }
    draw_x_ticks(&mut svg, &x_ticks, &px, frame_bottom, rotate, category);
    svg.rect(
        fx0,
        TOP,
        fx1 - fx0,
        HEIGHT,
        "fill=\"none\" stroke=\"#8a94a3\"",
    );
    if category && x_ticks.len() < x_var.values.len() {
        notes.push(format!(
            "Every {} label shown on the x axis.",
            ordinal(x_var.values.len().div_ceil(24))
        ));
    }
    svg.text(
        (fx0 + fx1) / 2.0,
        x_title_y,
        &shorten(&axis_title(x_var), 60),
        "middle",
        13.5,
        0.0,
    );
    svg.text(
        14.0,
        TOP + HEIGHT / 2.0,
        &shorten(&y_title(deps), 44),
        "middle",
        13.5,
        -90.0,
    );

    // The points, clipped to the frame.
    svg.raw(&format!(
        "<clipPath id=\"frame\"><rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\"/></clipPath>\n<g clip-path=\"url(#frame)\">\n",
        n(fx0),
        n(TOP),
        n(fx1 - fx0),
        n(HEIGHT)
    ));
    let count = series.len();
    for (s, ser) in series.iter().enumerate() {
        let colour = COLOURS[s % COLOURS.len()];
        // Side by side on a labelled axis, so that error bars do not hide each other.
        let shift = if category && count > 1 {
            (s as f64 - (count - 1) as f64 / 2.0) * (0.7 / count as f64).min(0.12)
        } else {
            0.0
        };
        svg.raw(&format!("<g fill=\"{colour}\" stroke=\"{colour}\">\n"));
        let mut paths = Paths::default();
        if ser.marks.len() > MAX_POINTS {
            draw_groups(&mut paths, &ser.marks, s, &px, &py, log_y);
        } else {
            for m in &ser.marks {
                draw_mark(&mut paths, m, s, shift, &px, &py, (fx0, fx1));
            }
        }
        paths.finish(&mut svg, s);
        svg.raw("</g>\n");
    }
    svg.raw("</g>\n");

    // Legend.
    let mut row = 0;
    let col_width = (fx1 - fx0) / 2.0;
    if count > 1 {
        for (s, ser) in series.iter().enumerate() {
            let x = fx0 + (s % 2) as f64 * col_width;
            let y = legend_top + (s / 2) as f64 * 19.0;
            let colour = COLOURS[s % COLOURS.len()];
            svg.raw(&format!("<g fill=\"{colour}\" stroke=\"{colour}\">"));
            let mut paths = Paths::default();
            marker(&mut paths.markers, s, x + 6.0, y, 3.5);
            paths.finish(&mut svg, s);
            svg.raw("</g>\n");
            svg.text(
                x + 15.0,
                y + 4.0,
                &shorten(&ser.label, 28),
                "start",
                12.5,
                0.0,
            );
        }
        row = count.div_ceil(2);
    }
    if has_inner {
        let y = legend_top + row as f64 * 19.0;
        let first = deps
            .iter()
            .flat_map(|d| d.values.iter())
            .find_map(|p| (p.errors.len() > 1).then(|| p.errors[0].label.clone()))
            .flatten()
            .unwrap_or_else(|| "first uncertainty".into());
        svg.line(
            fx0 + 6.0,
            y - 6.0,
            fx0 + 6.0,
            y + 6.0,
            "stroke=\"#1c2430\" stroke-width=\"3\" stroke-opacity=\"0.5\"",
        );
        svg.text(
            fx0 + 15.0,
            y + 4.0,
            &format!("inner bar: {}; outer bar: total", shorten(&first, 24)),
            "start",
            12.5,
            0.0,
        );
    }

    Plot {
        svg: svg.finish(),
        description,
        notes,
        kind: "points",
    }
}

fn ordinal(k: usize) -> String {
    match k {
        2 => "second".to_string(),
        3 => "third".to_string(),
        k => format!("{k}th"),
    }
}

fn bounds(values: &[f64]) -> Option<(f64, f64)> {
    let mut it = values.iter().copied().filter(|v| v.is_finite());
    let first = it.next()?;
    Some(it.fold((first, first), |(lo, hi), v| (lo.min(v), hi.max(v))))
}

/// The x position of a point: its value, its bin, or both. `None` inside the `Option`
/// when the row cannot be placed (no number); an outer `None` when the entry is text,
/// which makes the whole axis a labelled one.
fn x_position(p: &Point) -> Option<Option<XPos>> {
    let num = |v: &Value| match v {
        Value::Number(x) if !x.is_nan() => Some(Some(*x)),
        Value::Number(_) => Some(None),
        Value::Text(_) => None,
    };
    let value = match &p.value {
        Some(v) => num(&v.value)?,
        None => None,
    };
    match &p.bin {
        Some(b) => {
            let (Some(lo), Some(hi)) = (num(&b.low.value)?, num(&b.high.value)?) else {
                return Some(None);
            };
            let at = value
                .filter(|v| v.is_finite())
                .or(match (lo.is_finite(), hi.is_finite()) {
                    (true, true) => Some((lo + hi) / 2.0),
                    (true, false) => Some(lo),
                    (false, true) => Some(hi),
                    (false, false) => None,
                });
            Some(at.map(|at| XPos { lo, hi, at }))
        }
        None => Some(
            value
                .filter(|v| v.is_finite())
                .map(|at| XPos { lo: at, hi: at, at }),
        ),
    }
}

/// The point of `p` at `x`, with its total uncertainty and the first source.
fn mark(x: XPos, p: &Point) -> Option<Mark> {
    let y = numeric(p)?;
    let mut up2 = 0.0;
    let mut down2 = 0.0;
    let mut first = None;
    for e in &p.errors {
        let (plus, minus) = sides(&e.kind, Some(y));
        let (a, b) = (plus.unwrap_or(0.0), minus.unwrap_or(0.0));
        // A side may go either way: whatever goes up is "up".
        let up = a.max(b).max(0.0);
        let down = (-a.min(b)).max(0.0);
        if !(up.is_finite() && down.is_finite()) {
            continue;
        }
        up2 += up * up;
        down2 += down * down;
        if first.is_none() {
            first = Some((up, down));
        }
    }
    Some(Mark {
        x,
        y,
        up: up2.sqrt(),
        down: down2.sqrt(),
        inner: first.filter(|_| p.errors.len() > 1),
    })
}

fn draw_x_ticks(
    svg: &mut Svg,
    ticks: &[Tick],
    px: &dyn Fn(f64) -> Option<f64>,
    bottom: f64,
    rotate: bool,
    category: bool,
) {
    for t in ticks {
        let Some(x) = px(t.at) else { continue };
        if !category {
            svg.line(x, TOP, x, bottom, "stroke=\"#e6eaef\"");
        }
        svg.line(x, bottom, x, bottom + 4.0, "stroke=\"#8a94a3\"");
        if rotate {
            svg.text(
                x + 3.0,
                bottom + 12.0,
                &shorten(&t.label, 22),
                "end",
                12.0,
                -40.0,
            );
        } else {
            svg.text(
                x,
                bottom + 16.0,
                &shorten(&t.label, 14),
                "middle",
                12.5,
                0.0,
            );
        }
    }
}

/// One series' marks as a few paths rather than an element per line: the bins, error
/// bars and arrows in one, the inner (statistical) bars in another, the markers in a
/// third, drawn in that order so that markers stay on top. A series of 500 points is
/// then three long `d` attributes, not 2,000 elements.
#[derive(Default)]
struct Paths {
    lines: String,
    inner: String,
    /// Lines of a long series' groups, drawn lighter.
    ranges: String,
    markers: String,
}

impl Paths {
    fn finish(self, svg: &mut Svg, s: usize) {
        let styled = [
            (
                self.ranges,
                "fill=\"none\" stroke-width=\"1.6\" stroke-opacity=\"0.4\"",
            ),
            (self.lines, "fill=\"none\" stroke-width=\"1.3\""),
            (
                self.inner,
                "fill=\"none\" stroke-width=\"3.2\" stroke-opacity=\"0.55\"",
            ),
        ];
        for (d, style) in styled {
            if !d.is_empty() {
                svg.raw(&format!("<path d=\"{d}\" {style}/>\n"));
            }
        }
        if !self.markers.is_empty() {
            // The sixth shape is a hollow circle.
            let style = if s % 6 == 5 {
                " fill=\"#fff\" stroke-width=\"1.5\""
            } else {
                ""
            };
            svg.raw(&format!("<path d=\"{}\"{style}/>\n", self.markers));
        }
    }
}

fn draw_mark(
    paths: &mut Paths,
    m: &Mark,
    s: usize,
    shift: f64,
    px: &dyn Fn(f64) -> Option<f64>,
    py: &dyn Fn(f64) -> Option<f64>,
    (fx0, fx1): (f64, f64),
) {
    let Some(x) = px(m.x.at + shift) else { return };
    let Some(y) = py(m.y) else { return };
    let edge = |v: f64, fallback: f64| {
        if v.is_infinite() {
            Some(fallback)
        } else {
            px(v)
        }
    };
    let lines = &mut paths.lines;
    // The bin, edge to edge; an open side runs to the frame and ends in an arrow.
    if m.x.lo != m.x.hi
        && let (Some(x0), Some(x1)) = (edge(m.x.lo, fx0), edge(m.x.hi, fx1))
    {
        let _ = write!(lines, "M{} {}H{}", n(x0), n(y), n(x1));
        if m.x.lo.is_infinite() {
            arrow(lines, x0, y, -1.0);
        }
        if m.x.hi.is_infinite() {
            arrow(lines, x1, y, 1.0);
        }
    }
    let bottom = py(m.y - m.down).unwrap_or(TOP + HEIGHT + 2.0);
    if m.up > 0.0 || m.down > 0.0 {
        let top = py(m.y + m.up).unwrap_or(TOP - 2.0);
        let _ = write!(lines, "M{} {}V{}", n(x), n(top), n(bottom));
    }
    if let Some((up, down)) = m.inner {
        let top = py(m.y + up).unwrap_or(TOP - 2.0);
        let bottom = py(m.y - down).unwrap_or(TOP + HEIGHT + 2.0);
        let _ = write!(paths.inner, "M{} {}V{}", n(x), n(top), n(bottom));
    }
    marker(&mut paths.markers, s, x, y, 3.2);
}

/// A long series, drawn as groups of consecutive points: the range the points and their
/// uncertainties cover, and a mark at the mean.
fn draw_groups(
    paths: &mut Paths,
    marks: &[Mark],
    s: usize,
    px: &dyn Fn(f64) -> Option<f64>,
    py: &dyn Fn(f64) -> Option<f64>,
    log_y: bool,
) {
    let mut sorted: Vec<&Mark> = marks.iter().collect();
    sorted.sort_by(|a, b| a.x.at.total_cmp(&b.x.at));
    let size = sorted.len().div_ceil(GROUPS);
    for chunk in sorted.chunks(size) {
        let k = chunk.len() as f64;
        let at = chunk.iter().map(|m| m.x.at).sum::<f64>() / k;
        let mean = chunk.iter().map(|m| m.y).sum::<f64>() / k;
        let lo = chunk
            .iter()
            .map(|m| {
                if log_y && m.y - m.down <= 0.0 {
                    m.y
                } else {
                    m.y - m.down
                }
            })
            .fold(f64::INFINITY, f64::min);
        let hi = chunk
            .iter()
            .map(|m| m.y + m.up)
            .fold(f64::NEG_INFINITY, f64::max);
        let (Some(x), Some(y0), Some(y1)) = (px(at), py(lo), py(hi)) else {
            continue;
        };
        let _ = write!(paths.ranges, "M{} {}V{}", n(x), n(y0), n(y1));
        if let Some(y) = py(mean) {
            marker(&mut paths.markers, s, x, y, 1.8);
        }
    }
}

/// An arrowhead at `(x, y)` pointing along `dir` (1 right, -1 left), added to a path.
fn arrow(d: &mut String, x: f64, y: f64, dir: f64) {
    let _ = write!(
        d,
        "M{} {}L{} {}L{} {}",
        n(x - 5.0 * dir),
        n(y - 4.0),
        n(x),
        n(y),
        n(x - 5.0 * dir),
        n(y + 4.0)
    );
}

/// Marker `s` (a shape per series) centred on `(x, y)`, added to a path: circles as two
/// arcs, squares, triangles up and down, diamonds.
fn marker(d: &mut String, s: usize, x: f64, y: f64, r: f64) {
    let _ = match s % 6 {
        0 | 5 => write!(
            d,
            "M{} {}a{r} {r} 0 1 0 {} 0a{r} {r} 0 1 0 -{} 0",
            n(x - r),
            n(y),
            n(2.0 * r),
            n(2.0 * r),
            r = n(r),
        ),
        1 => write!(
            d,
            "M{} {}h{}v{}h-{}Z",
            n(x - r),
            n(y - r),
            n(2.0 * r),
            n(2.0 * r),
            n(2.0 * r)
        ),
        2 => write!(
            d,
            "M{} {}L{} {}L{} {}Z",
            n(x),
            n(y - 1.2 * r),
            n(x + 1.1 * r),
            n(y + 0.9 * r),
            n(x - 1.1 * r),
            n(y + 0.9 * r)
        ),
        3 => write!(
            d,
            "M{} {}L{} {}L{} {}L{} {}Z",
            n(x),
            n(y - 1.3 * r),
            n(x + 1.3 * r),
            n(y),
            n(x),
            n(y + 1.3 * r),
            n(x - 1.3 * r),
            n(y)
        ),
        _ => write!(
            d,
            "M{} {}L{} {}L{} {}Z",
            n(x),
            n(y + 1.2 * r),
            n(x + 1.1 * r),
            n(y - 0.9 * r),
            n(x - 1.1 * r),
            n(y - 0.9 * r)
        ),
    };
}

/// Legend labels: the names, or, when several series share a name, what tells them
/// apart (the qualifiers whose values differ).
fn series_labels(deps: &[Variable]) -> Vec<String> {
    let names: Vec<String> = deps.iter().map(axis_title).collect();
    deps.iter()
        .enumerate()
        .map(|(i, d)| {
            let twins = names.iter().filter(|n| **n == names[i]).count() > 1;
            if !twins {
                return names[i].clone();
            }
            let differing: Vec<String> = d
                .qualifiers
                .iter()
                .filter(|q| {
                    deps.iter().any(|o| {
                        axis_title(o) == names[i]
                            && o.qualifiers
                                .iter()
                                .find(|oq| oq.name == q.name)
                                .is_none_or(|oq| oq.value != q.value)
                    })
                })
                .map(|q| q.value.clone())
                .collect();
            if differing.is_empty() {
                format!("{} ({})", names[i], i + 1)
            } else {
                differing.join(", ")
            }
        })
        .collect()
}

fn y_title(deps: &[Variable]) -> String {
    let first = axis_title(&deps[0]);
    if deps.iter().all(|d| axis_title(d) == first) {
        return first;
    }
    let units = deps[0].units.clone().unwrap_or_default();
    if !units.is_empty()
        && deps
            .iter()
            .all(|d| d.units.as_deref() == Some(units.as_str()))
    {
        return format!("[{units}]");
    }
    String::new()
}

fn describe(
    title: &str,
    x_var: &Variable,
    deps: &[Variable],
    series: &[Series],
    x: &Scale,
    y: &Scale,
) -> String {
    let mut d = format!(
        "Plot of {} against {}",
        if deps.len() == 1 {
            math::plain(&axis_title(&deps[0]))
        } else {
            format!("{} dependent variables", deps.len())
        },
        math::plain(&axis_title(x_var))
    );
    let points: usize = series.iter().map(|s| s.marks.len()).sum();
    let _ = write!(d, ", {}", plural(points, "point"));
    if series
        .iter()
        .any(|s| s.marks.iter().any(|m| m.up > 0.0 || m.down > 0.0))
    {
        d.push_str(" with error bars");
    }
    if x.is_log() {
        d.push_str(", logarithmic x axis");
    }
    if y.is_log() {
        d.push_str(", logarithmic y axis");
    }
    if series.len() > 1 {
        let names: Vec<String> = series.iter().map(|s| math::plain(&s.label)).collect();
        let _ = write!(d, "; series: {}", names.join("; "));
    }
    let _ = write!(d, ". From table “{}”.", math::plain(title));
    d
}
