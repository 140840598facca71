//! Two independent variables: a heat map with a colour scale.

use std::fmt::Write;

use super::axis::{Scale, linear_ticks_for};
use super::svg::{Svg, n, shorten};
use super::{Plot, WIDTH, axis_title, numeric, plural, point_label};
use crate::model::{Point, Value, Variable};
use crate::render::math;

/// Cells along one axis at most; finer grids are averaged onto this many.
const MAX_CELLS: usize = 80;
/// Up to this many cells a side, each cell shows its value.
const LABELLED_CELLS: usize = 10;

const TOP: f64 = 12.0;
/// Room right of the map: the colour bar, its labels and its title.
const BAR_ROOM: f64 = 90.0;

/// Which independent variables make the two axes.
pub enum Axes<'a> {
    /// Two variables: x and y.
    Two(&'a [Variable]),
    /// Four, the same two twice: x is the pair (1, 2), y the pair (3, 4).
    Pairs(&'a [Variable]),
}

/// One axis of the map: where each row falls, and the cells' edges or labels.
struct Grid {
    /// Cell index of each row (`None`: the row has no position).
    cell: Vec<Option<usize>>,
    /// Cell edges (numeric axis: `cells + 1` of them) or labels (labelled axis).
    edges: Option<Vec<f64>>,
    labels: Vec<String>,
    title: String,
    rebinned: bool,
}

impl Grid {
    fn len(&self) -> usize {
        match &self.edges {
            Some(e) => e.len() - 1,
            None => self.labels.len(),
        }
    }
}

pub fn draw(title: &str, axes: Axes, deps: &[Variable]) -> Option<Plot> {
    let (gx, gy) = match axes {
        Axes::Two(v) => (grid(&[&v[0]]), grid(&[&v[1]])),
        Axes::Pairs(v) => (grid(&[&v[0], &v[1]]), grid(&[&v[2], &v[3]])),
    };
    let dep = &deps[0];
    let mut notes = Vec::new();
    if deps.len() > 1 {
        notes.push(format!(
            "The map shows the first of {} dependent variables ({}); all are in the table and the downloads.",
            deps.len(),
            math::plain(&axis_title(dep))
        ));
    }

    // Mean value per cell.
    let (nx, ny) = (gx.len(), gy.len());
    let mut sum = vec![0.0; nx * ny];
    let mut count = vec![0u32; nx * ny];
    let mut undrawn = 0;
    for (row, p) in dep.values.iter().enumerate() {
        let v = numeric(p);
        let cell = gx
            .cell
            .get(row)
            .copied()
            .flatten()
            .zip(gy.cell.get(row).copied().flatten());
        match (v, cell) {
            (Some(v), Some((i, j))) => {
                sum[j * nx + i] += v;
                count[j * nx + i] += 1;
            }
            _ => undrawn += 1,
        }
    }
    let values: Vec<Option<f64>> = sum
        .iter()
        .zip(&count)
        .map(|(s, &c)| (c > 0).then(|| s / f64::from(c)))
        .collect();
    let drawn: Vec<f64> = values.iter().flatten().copied().collect();
    let (lo, hi) = drawn.iter().fold(None, |acc: Option<(f64, f64)>, &v| {
        Some(acc.map_or((v, v), |(a, b)| (a.min(v), b.max(v))))
    })?;
    if undrawn > 0 {
        notes.push(format!(
            "{} without a numeric value or position not drawn.",
            plural(undrawn, "row")
        ));
    }
    if gx.rebinned || gy.rebinned {
        notes.push(format!(
            "Drawn on a coarser grid of {nx} × {ny} cells, each the mean of the rows in it; every row is in the table and the downloads."
        ));
    }

    // Colours: diverging around zero when values have both signs (correlations),
    // sequential otherwise.
    let diverging = lo < 0.0 && hi > 0.0;
    let (cmin, cmax) = if diverging {
        let m = lo.abs().max(hi.abs());
        let m = if m <= 1.0 && m > 0.5 { 1.0 } else { m };
        (-m, m)
    } else if lo == hi {
        (lo - 0.5, hi + 0.5)
    } else {
        (lo, hi)
    };
    let colour = |v: f64| {
        let t = ((v - cmin) / (cmax - cmin)).clamp(0.0, 1.0);
        if diverging {
            diverging_colour(t)
        } else {
            viridis(t)
        }
    };

    // Layout.
    let x_labels_rot = gx.edges.is_none()
        && (nx > 8 || gx.labels.iter().any(|l| math::plain(l).chars().count() > 8));
    let x_room = if x_labels_rot {
        let longest = gx
            .labels
            .iter()
            .map(|l| shorten(l, 18).chars().count())
            .max()
            .unwrap_or(1);
        (longest as f64 * 6.0 * 0.64 + 14.0).min(100.0)
    } else {
        18.0
    };
    // Room for the y labels; the map is square and takes what is left.
    let y_label_chars = if gy.edges.is_some() {
        6
    } else {
        gy.labels
            .iter()
            .map(|l| shorten(l, 12).chars().count())
            .max()
            .unwrap_or(1)
    };
    let left = (y_label_chars as f64 * 6.6 + 38.0).clamp(60.0, 125.0);
    let size = (WIDTH - left - BAR_ROOM).min(300.0);
    let (fx0, fx1, fy0, fy1) = (left, left + size, TOP, TOP + size);
    let bar_x = fx1 + 16.0;
    let height = fy1 + x_room + 30.0;
    let description = describe(title, &gx, &gy, dep, (lo, hi));
    let mut svg = Svg::new(WIDTH, height, &math::plain(title), &description);

    // Cell geometry.
    let pos = |g: &Grid, i: usize, from: f64, to: f64| -> (f64, f64) {
        match &g.edges {
            Some(e) => {
                let (a, b) = (e[0], e[e.len() - 1]);
                let f = |x: f64| from + (x - a) / (b - a) * (to - from);
                (f(e[i]), f(e[i + 1]))
            }
            None => {
                let w = (to - from) / g.labels.len() as f64;
                (from + i as f64 * w, from + (i + 1) as f64 * w)
            }
        }
    };

    // Cells: one path per colour, neighbours of one colour in a row merged, so that an
    // 80 × 80 map stays a few tens of kB.
    svg.rect(fx0, fy0, size, size, "fill=\"#f1f3f6\"");
    let mut paths: std::collections::BTreeMap<String, String> = std::collections::BTreeMap::new();
    for j in 0..ny {
        let (ya, yb) = pos(&gy, j, fy1, fy0);
        let mut i = 0;
        while i < nx {
            let Some(v) = values[j * nx + i] else {
                i += 1;
                continue;
            };
            let c = colour(v);
            let start = i;
            while i + 1 < nx && values[j * nx + i + 1].is_some_and(|w| colour(w) == c) {
                i += 1;
            }
            let (xa, _) = pos(&gx, start, fx0, fx1);
            let (_, xb) = pos(&gx, i, fx0, fx1);
            let d = paths.entry(c).or_default();
            let _ = write!(
                d,
                "M{} {}h{}v{}h-{}z",
                n(xa),
                n(yb),
                n((xb - xa).max(0.3)),
                n((ya - yb).abs().max(0.3)),
                n((xb - xa).max(0.3))
            );
            i += 1;
        }
    }
    svg.raw("<g shape-rendering=\"crispEdges\">\n");
    for (c, d) in &paths {
        svg.raw(&format!("<path fill=\"{c}\" d=\"{d}\"/>\n"));
    }
    svg.raw("</g>\n");

    // Values in the cells of a small map.
    if nx <= LABELLED_CELLS && ny <= LABELLED_CELLS {
        for j in 0..ny {
            for i in 0..nx {
                let Some(v) = values[j * nx + i] else {
                    continue;
                };
                let (xa, xb) = pos(&gx, i, fx0, fx1);
                let (ya, yb) = pos(&gy, j, fy1, fy0);
                let t = ((v - cmin) / (cmax - cmin)).clamp(0.0, 1.0);
                let dark = if diverging {
                    !(0.2..=0.8).contains(&t)
                } else {
                    t < 0.55
                };
                let ink = if dark { "#fff" } else { "#1c2430" };
                svg.raw(&format!(
                    "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\" font-size=\"9.5\" fill=\"{ink}\">{}</text>\n",
                    n((xa + xb) / 2.0),
                    n((ya + yb) / 2.0 + 3.5),
                    cell_label(v)
                ));
            }
        }
    }
    svg.rect(fx0, fy0, size, size, "fill=\"none\" stroke=\"#8a94a3\"");

    // Axes.
    axis_ticks(&mut svg, &gx, true, (fx0, fx1), fy1, x_labels_rot);
    axis_ticks(&mut svg, &gy, false, (fy1, fy0), fx0, false);
    svg.text(
        (fx0 + fx1) / 2.0,
        fy1 + x_room + 16.0,
        &shorten(&gx.title, 60),
        "middle",
        13.5,
        0.0,
    );
    svg.text(
        14.0,
        (fy0 + fy1) / 2.0,
        &shorten(&gy.title, 44),
        "middle",
        13.5,
        -90.0,
    );

    // Colour scale.
    let stops: String = (0..=10)
        .map(|k| {
            let t = f64::from(k) / 10.0;
            let c = if diverging {
                diverging_colour(t)
            } else {
                viridis(t)
            };
            format!("<stop offset=\"{t}\" stop-color=\"{c}\"/>")
        })
        .collect();
    svg.raw(&format!(
        "<defs><linearGradient id=\"scale\" x1=\"0\" y1=\"1\" x2=\"0\" y2=\"0\">{stops}</linearGradient></defs>\n"
    ));
    svg.rect(
        bar_x,
        fy0,
        14.0,
        size,
        "fill=\"url(#scale)\" stroke=\"#8a94a3\"",
    );
    for t in linear_ticks_for(cmin, cmax, 6) {
        let y = fy1 - (t.at - cmin) / (cmax - cmin) * size;
        svg.line(bar_x + 14.0, y, bar_x + 18.0, y, "stroke=\"#8a94a3\"");
        svg.text(bar_x + 20.0, y + 4.0, &t.label, "start", 12.0, 0.0);
    }
    svg.text(
        WIDTH - 8.0,
        (fy0 + fy1) / 2.0,
        &shorten(&axis_title(dep), 40),
        "middle",
        12.5,
        -90.0,
    );

    Some(Plot {
        svg: svg.finish(),
        description,
        notes,
        kind: "heatmap",
    })
}

/// The cells of one axis made of one variable, or of a pair (each distinct pair a cell).
fn grid(vars: &[&Variable]) -> Grid {
    let title = vars
        .iter()
        .map(|v| axis_title(v))
        .collect::<Vec<_>>()
        .join(", ");
    let rows = vars.iter().map(|v| v.values.len()).max().unwrap_or(0);
    if let [v] = vars
        && let Some(g) = numeric_grid(v, title.clone())
    {
        return g;
    }

    // Labelled: one cell per distinct entry (pair of entries), in order of appearance.
    let keys: Vec<String> = (0..rows)
        .map(|r| {
            vars.iter()
                .map(|v| v.values.get(r).map(point_label).unwrap_or_default())
                .collect::<Vec<_>>()
                .join(", ")
        })
        .collect();
    let mut labels: Vec<String> = Vec::new();
    let mut index = std::collections::HashMap::new();
    let cell: Vec<Option<usize>> = keys
        .iter()
        .map(|k| {
            Some(*index.entry(k.clone()).or_insert_with(|| {
                labels.push(k.clone());
                labels.len() - 1
            }))
        })
        .collect();
    if labels.len() <= MAX_CELLS {
        return Grid {
            cell,
            edges: None,
            labels,
            title,
            rebinned: false,
        };
    }
    // Too many labels: consecutive ones share a cell.
    let per = labels.len().div_ceil(MAX_CELLS);
    let grouped: Vec<String> = labels.chunks(per).map(|c| format!("{} …", c[0])).collect();
    Grid {
        cell: cell.into_iter().map(|c| c.map(|i| i / per)).collect(),
        edges: None,
        labels: grouped,
        title,
        rebinned: true,
    }
}

/// A numeric axis: bins where given (open ones closed at the width of their neighbour),
/// cells around distinct values otherwise. `None` when some entry is text.
fn numeric_grid(v: &Variable, title: String) -> Option<Grid> {
    let num = |x: &Value| match x {
        Value::Number(f) => Some(*f),
        Value::Text(_) => None,
    };
    // (low, high) of each row, NaN when unknown.
    let spans: Vec<(f64, f64)> = v
        .values
        .iter()
        .map(|p: &Point| match (&p.bin, &p.value) {
            (Some(b), _) => Some((num(&b.low.value)?, num(&b.high.value)?)),
            (None, Some(x)) => num(&x.value).map(|f| (f, f)),
            (None, None) => Some((f64::NAN, f64::NAN)),
        })
        .collect::<Option<_>>()?;
    let mut distinct: Vec<(f64, f64)> = spans
        .iter()
        .copied()
        .filter(|(a, b)| !a.is_nan() && !b.is_nan())
        .collect();
    distinct.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.total_cmp(&b.1)));
    distinct.dedup();
    if distinct.is_empty() {
        return None;
    }

    // Edges of each distinct cell.
    let is_bins = distinct.iter().any(|(a, b)| a != b);
    let mut cells: Vec<(f64, f64)> = if is_bins {
        distinct.clone()
    } else {
        let c: Vec<f64> = distinct
            .iter()
            .map(|d| d.0)
            .filter(|x| x.is_finite())
            .collect();
        if c.is_empty() {
            return None;
        }
        (0..c.len())
            .map(|i| {
                let left = if i > 0 {
                    (c[i - 1] + c[i]) / 2.0
                } else if c.len() > 1 {
                    c[0] - (c[1] - c[0]) / 2.0
                } else {
                    c[0] - 0.5
                };
                let right = if i + 1 < c.len() {
                    (c[i] + c[i + 1]) / 2.0
                } else if c.len() > 1 {
                    c[i] + (c[i] - c[i - 1]) / 2.0
                } else {
                    c[0] + 0.5
                };
                (left, right)
            })
            .collect()
    };
    let finite_width = cells
        .iter()
        .filter(|(a, b)| a.is_finite() && b.is_finite())
        .map(|(a, b)| b - a)
        .fold(0.0, f64::max);
    let width = if finite_width > 0.0 {
        finite_width
    } else {
        1.0
    };
    for c in &mut cells {
        if c.0.is_infinite() && c.1.is_finite() {
            c.0 = c.1 - width;
        }
        if c.1.is_infinite() && c.0.is_finite() {
            c.1 = c.0 + width;
        }
    }
    cells.retain(|(a, b)| a.is_finite() && b.is_finite());
    let lo = cells.iter().map(|c| c.0).fold(f64::INFINITY, f64::min);
    let hi = cells.iter().map(|c| c.1).fold(f64::NEG_INFINITY, f64::max);
    if hi.partial_cmp(&lo) != Some(std::cmp::Ordering::Greater) {
        return None;
    }
    // Overlapping bins cannot be drawn side by side: fall back to labels.
    if cells.windows(2).any(|w| w[1].0 < w[0].1 - 1e-9 * (hi - lo)) {
        return None;
    }

    let find = |(a, b): (f64, f64)| -> Option<usize> {
        if a.is_nan() {
            return None;
        }
        let centre = match (a.is_finite(), b.is_finite()) {
            (true, true) => (a + b) / 2.0,
            (true, false) => a + width / 2.0,
            (false, true) => b - width / 2.0,
            (false, false) => return None,
        };
        // Cells are sorted and do not overlap: the last one starting at or before the
        // centre is the only candidate.
        let i = cells.partition_point(|c| c.0 <= centre).checked_sub(1)?;
        (centre <= cells[i].1).then_some(i)
    };
    if cells.len() <= MAX_CELLS {
        // Gaps between bins become empty cells of their own.
        let mut full = Vec::new();
        let mut map = Vec::new();
        for (i, c) in cells.iter().enumerate() {
            if i > 0 && c.0 > cells[i - 1].1 + 1e-9 * (hi - lo) {
                full.push((cells[i - 1].1, c.0));
            }
            map.push(full.len());
            full.push(*c);
        }
        let mut edges: Vec<f64> = full.iter().map(|c| c.0).collect();
        edges.push(hi);
        let labels = vec![String::new(); edges.len() - 1];
        return Some(Grid {
            cell: spans.iter().map(|s| find(*s).map(|i| map[i])).collect(),
            edges: Some(edges),
            labels,
            title,
            rebinned: false,
        });
    }
    // Too fine: average onto a uniform grid.
    let step = (hi - lo) / MAX_CELLS as f64;
    let edges: Vec<f64> = (0..=MAX_CELLS).map(|i| lo + i as f64 * step).collect();
    let cell = spans
        .iter()
        .map(|s| {
            let i = find(*s)?;
            let centre = (cells[i].0 + cells[i].1) / 2.0;
            Some((((centre - lo) / step) as usize).min(MAX_CELLS - 1))
        })
        .collect();
    Some(Grid {
        cell,
        edges: Some(edges),
        labels: vec![String::new(); MAX_CELLS],
        title,
        rebinned: true,
    })
}

/// Tick marks and labels of one axis: round numbers on a numeric one, the entries on a
/// labelled one (every n-th when crowded).
fn axis_ticks(
    svg: &mut Svg,
    g: &Grid,
    horizontal: bool,
    (from, to): (f64, f64),
    at: f64,
    rotate: bool,
) {
    let place = |p: f64, label: &str, svg: &mut Svg| {
        if horizontal {
            svg.line(p, at, p, at + 4.0, "stroke=\"#8a94a3\"");
            if rotate {
                svg.text(p + 3.0, at + 12.0, &shorten(label, 18), "end", 11.5, -40.0);
            } else {
                svg.text(p, at + 16.0, &shorten(label, 12), "middle", 12.5, 0.0);
            }
        } else {
            svg.line(at - 4.0, p, at, p, "stroke=\"#8a94a3\"");
            svg.text(at - 6.0, p + 4.0, &shorten(label, 12), "end", 12.0, 0.0);
        }
    };
    match &g.edges {
        Some(e) => {
            let (a, b) = (e[0], e[e.len() - 1]);
            let scale = Scale::Linear { min: a, max: b };
            for t in scale.ticks(if horizontal { 6 } else { 7 }) {
                let p = from + (t.at - a) / (b - a) * (to - from);
                place(p, &t.label, svg);
            }
        }
        None => {
            // As many labels as fit about 15 units apart.
            let n = g.labels.len();
            let fit = ((to - from).abs() / 15.0).floor().max(1.0) as usize;
            let step = n.div_ceil(fit).max(1);
            let w = (to - from) / n as f64;
            for (i, l) in g.labels.iter().enumerate().filter(|(i, _)| i % step == 0) {
                place(from + (i as f64 + 0.5) * w, l, svg);
            }
        }
    }
}

fn cell_label(v: f64) -> String {
    let a = v.abs();
    let s = if a == 0.0 {
        "0".to_string()
    } else if !(0.001..10000.0).contains(&a) {
        format!("{v:.1e}")
    } else if a >= 100.0 {
        format!("{v:.0}")
    } else {
        let s = format!("{v:.2}");
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    };
    s.replace('-', "−")
}

/// Viridis, sampled at nine points and interpolated: perceptually even and readable in
/// grey and by colour-blind readers.
fn viridis(t: f64) -> String {
    const STOPS: [[u8; 3]; 9] = [
        [68, 1, 84],
        [71, 44, 122],
        [59, 81, 139],
        [44, 113, 142],
        [33, 144, 141],
        [39, 173, 129],
        [92, 200, 99],
        [170, 220, 50],
        [253, 231, 37],
    ];
    interpolate(&STOPS, t)
}

/// Blue (negative) through white (zero) to red (positive).
fn diverging_colour(t: f64) -> String {
    const STOPS: [[u8; 3]; 5] = [
        [33, 102, 172],
        [146, 197, 222],
        [247, 247, 247],
        [244, 165, 130],
        [178, 24, 43],
    ];
    interpolate(&STOPS, t)
}

/// The colour at `t` in 0..=1 along `stops`, quantised to 64 levels so that neighbours
/// of nearly one value share a colour (and a rectangle).
fn interpolate(stops: &[[u8; 3]], t: f64) -> String {
    let t = (t.clamp(0.0, 1.0) * 63.0).round() / 63.0;
    let x = t * (stops.len() - 1) as f64;
    let i = (x.floor() as usize).min(stops.len() - 2);
    let f = x - i as f64;
    let c: Vec<u8> = (0..3)
        .map(|k| {
            let (a, b) = (f64::from(stops[i][k]), f64::from(stops[i + 1][k]));
            (a + (b - a) * f).round() as u8
        })
        .collect();
    format!("#{:02x}{:02x}{:02x}", c[0], c[1], c[2])
}

fn describe(title: &str, gx: &Grid, gy: &Grid, dep: &Variable, (lo, hi): (f64, f64)) -> String {
    format!(
        "Heat map of {} against {} (x) and {} (y): {} × {} cells, values from {} to {}. From table “{}”.",
        math::plain(&axis_title(dep)),
        math::plain(&gx.title),
        math::plain(&gy.title),
        gx.len(),
        gy.len(),
        crate::render::number::format(lo),
        crate::render::number::format(hi),
        math::plain(title)
    )
}
