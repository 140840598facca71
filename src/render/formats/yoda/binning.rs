//! From independent variables to YODA axes: the kind of each axis, where each row sits,
//! and which rows can share one object.

use std::collections::BTreeMap;
use std::collections::hash_map::Entry;
use std::fmt::Write;
use std::hash::Hash;

// foldhash, not the standard SipHash: a table's rows are hashed once per object, and
// SipHash was a tenth of the YODA writer's time. Its seed is random, as std's is.
use foldhash::{HashMap, HashMapExt, HashSet, HashSetExt};

use crate::model::{Point, Value, Variable};

use super::{write_quoted, write_sci};
use crate::render::formats::repr;

#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) enum AxisKind {
    /// Bins with numeric edges; open bins are the under- and overflow.
    Continuous,
    /// Integer values without edges (multiplicities, charges): never bin edges.
    Integer,
    /// Anything else, each distinct value a labelled bin.
    Label,
}

impl AxisKind {
    /// YODA's letter for the axis type in `BinnedEstimate<...>`.
    pub(super) fn letter(self) -> &'static str {
        match self {
            AxisKind::Continuous => "d",
            AxisKind::Integer => "i",
            AxisKind::Label => "s",
        }
    }
}

/// The kind of axis a variable makes, judged on all its rows as the reference does.
pub(super) fn axis_kind(var: &Variable) -> AxisKind {
    let numeric = |v: &Value| v.as_f64().is_some();
    let binned = var.values.iter().all(|p| {
        p.bin
            .as_ref()
            .is_some_and(|b| numeric(&b.low.value) && numeric(&b.high.value))
    });
    let integral = var.values.iter().all(|p| {
        let x = p.value.as_ref().and_then(|v| v.value.as_f64());
        x.is_some_and(|x| x.fract() == 0.0 && x.abs() < 9e15)
    });
    match (binned, integral) {
        (true, _) => AxisKind::Continuous,
        (false, true) => AxisKind::Integer,
        (false, false) => AxisKind::Label,
    }
}

/// Where one row sits on one axis.
#[derive(Clone, Debug, PartialEq)]
pub(super) enum Coord {
    Range(f64, f64),
    Int(i64),
    Label(String),
}

/// A row number and its place on every axis.
pub(super) type Row = (usize, Vec<Coord>);

/// YODA's binned estimates (and Rivet) go up to three axes; the functions here take no
/// more.
pub(crate) const MAX_AXES: usize = 3;

/// Where `row` sits on every axis, or `None` when an independent variable lacks it.
pub(super) fn coords(vars: &[Variable], kinds: &[AxisKind], row: usize) -> Option<Vec<Coord>> {
    vars.iter()
        .zip(kinds)
        .map(|(var, kind)| coord(var.values.get(row)?, *kind))
        .collect()
}

fn coord(p: &Point, kind: AxisKind) -> Option<Coord> {
    let value = p.value.as_ref().map(|v| &v.value);
    let text = |v: &Value| match v {
        Value::Number(x) => repr(*x),
        Value::Text(t) => t.replace('\n', " "),
    };
    Some(match kind {
        AxisKind::Continuous => {
            let bin = p.bin.as_ref()?;
            Coord::Range(bin.low.value.as_f64()?, bin.high.value.as_f64()?)
        }
        AxisKind::Integer => Coord::Int(value?.as_f64()? as i64),
        AxisKind::Label => Coord::Label(match (value, &p.bin) {
            (Some(v), _) => text(v),
            (None, Some(b)) => format!("{} - {}", text(&b.low.value), text(&b.high.value)),
            (None, None) => String::new(),
        }),
    })
}

/// Splits rows into groups that can each be one object: no two rows of a group claim
/// the same bin. The first group holds every row that fits, later groups the rows that
/// repeat a bin (the reference keeps the first and drops the others, case c20).
pub(super) fn groups<'r>(rows: &'r [Row], kinds: &[AxisKind]) -> Vec<Group<'r>> {
    let mut groups: Vec<Group> = first_fit(rows, kinds)
        .into_iter()
        .map(|rows| (rows, None))
        .collect();
    // Rows with different bins can still fall into one cell of the merged binning
    // (a narrow bin inside a wide one, in 2D or 3D): such rows move to a later group,
    // and the group is binned again without them.
    let mut i = 0;
    while i < groups.len() {
        let (kept, moved, axes) = split_shared_cells(&groups[i].0, kinds);
        if moved.is_empty() {
            groups[i].1 = axes;
            i += 1;
        } else {
            groups[i].0 = kept;
            groups.push((moved, None));
        }
    }
    groups
}

/// The rows of one object, and its axes (`None` when they cannot form YODA axes).
pub(super) type Group<'r> = (Vec<&'r Row>, Option<Vec<Axis>>);

/// Each row into the first group where no row has the same coordinates (nor, on a
/// single continuous axis, an overlapping bin).
fn first_fit<'r>(rows: &'r [Row], kinds: &[AxisKind]) -> Vec<Vec<&'r Row>> {
    let one_range = kinds == [AxisKind::Continuous];
    if one_range && in_order(rows) || !one_range && all_distinct(rows) {
        // The usual tables: 1D bins one after the other, or a grid with no cell repeated.
        return vec![rows.iter().collect()];
    }
    let mut groups: Vec<Fitting> = Vec::new();
    for row in rows {
        let c = &row.1;
        let key = Key::row(c);
        let at = match groups.iter().position(|g| g.fits(&key, c, one_range)) {
            Some(at) => at,
            None => {
                // The first group usually takes every row.
                let room = if groups.is_empty() { rows.len() } else { 0 };
                groups.push(Fitting {
                    rows: Vec::with_capacity(room),
                    keys: HashSet::with_capacity(room),
                    ranges: BTreeMap::new(),
                });
                groups.len() - 1
            }
        };
        let group = &mut groups[at];
        if one_range && let Coord::Range(low, high) = c[0] {
            group.ranges.insert(order_key(low), high);
        }
        group.keys.insert(key);
        group.rows.push(row);
    }
    groups.into_iter().map(|g| g.rows).collect()
}

/// Whether no two rows have the same coordinates: their keys' hashes, sorted, have no two
/// alike (equal hashes, rare, only send the rows the long way, through [`Fitting`]).
fn all_distinct(rows: &[Row]) -> bool {
    use std::hash::BuildHasher;
    let state = foldhash::fast::RandomState::default();
    let mut hashes: Vec<u64> = rows
        .iter()
        .map(|r| state.hash_one(Key::row(&r.1)))
        .collect();
    hashes.sort_unstable();
    hashes.windows(2).all(|w| w[0] != w[1])
}

/// Whether the rows' bins on a single continuous axis follow one another, each of some
/// width and none overlapping the next, all upwards or all downwards: then no two share
/// a bin or overlap, and they make one group, with no need to look each one up.
fn in_order(rows: &[Row]) -> bool {
    let range = |r: &Row| match r.1.first() {
        Some(&Coord::Range(l, h)) if l < h => Some((l, h)),
        _ => None,
    };
    let Some(bins) = rows.iter().map(range).collect::<Option<Vec<_>>>() else {
        return false;
    };
    let up = bins.windows(2).all(|w| w[0].1 <= w[1].0);
    up || bins.windows(2).all(|w| w[1].1 <= w[0].0)
}

struct Fitting<'a> {
    rows: Vec<&'a Row>,
    keys: HashSet<[Key<'a>; MAX_AXES]>,
    /// Low edge -> high edge of each bin taken, for a single continuous axis.
    ranges: BTreeMap<i64, f64>,
}

impl Fitting<'_> {
    fn fits(&self, key: &[Key; MAX_AXES], c: &[Coord], one_range: bool) -> bool {
        !(self.keys.contains(key) || one_range && overlaps(&self.ranges, &c[0]))
    }
}

/// A coordinate as a hash key. Two rows share a key when their coordinates are written
/// the same: floats compare by their bits, except that every NaN is one key (-0.0 and 0.0
/// are two, as `0.0` and `-0.0` differ in text).
#[derive(Clone, Copy, Hash, PartialEq, Eq)]
enum Key<'a> {
    /// No axis: the key of a row with fewer than [`MAX_AXES`] axes is padded with it.
    None,
    Range(u64, u64),
    Int(i64),
    Label(&'a str),
}

impl<'a> Key<'a> {
    /// The key of a row's coordinates (at most [`MAX_AXES`]).
    fn row(c: &'a [Coord]) -> [Key<'a>; MAX_AXES] {
        let mut key = [Key::None; MAX_AXES];
        for (k, c) in key.iter_mut().zip(c) {
            *k = Key::new(c);
        }
        key
    }

    fn new(c: &'a Coord) -> Key<'a> {
        let bits = |x: f64| if x.is_nan() { f64::NAN } else { x }.to_bits();
        match c {
            Coord::Range(l, h) => Key::Range(bits(*l), bits(*h)),
            Coord::Int(i) => Key::Int(*i),
            Coord::Label(s) => Key::Label(s),
        }
    }
}

/// Does the bin `c` overlap a bin already in `ranges` (lows mapped to highs)?
fn overlaps(ranges: &BTreeMap<i64, f64>, c: &Coord) -> bool {
    let Coord::Range(low, high) = *c else {
        return false;
    };
    let before = ranges.range(..=order_key(low)).next_back();
    let after = ranges.range(order_key(low)..).next();
    before.is_some_and(|(_, &h)| h > low) || after.is_some_and(|(&l, _)| from_key(l) < high)
}

/// An `f64` as an `i64` that sorts the same way, to key a sorted map.
fn order_key(x: f64) -> i64 {
    let bits = x.to_bits() as i64;
    bits ^ (((bits >> 63) as u64) >> 1) as i64
}

fn from_key(k: i64) -> f64 {
    f64::from_bits((k ^ (((k >> 63) as u64) >> 1) as i64) as u64)
}

/// The rows that keep their cell, those whose cell an earlier row already holds, and the
/// axes of all of them (`None` when they cannot form axes).
fn split_shared_cells<'r>(
    rows: &[&'r Row],
    kinds: &[AxisKind],
) -> (Vec<&'r Row>, Vec<&'r Row>, Option<Vec<Axis>>) {
    let Some(axes) = axes(kinds, rows) else {
        return (rows.to_vec(), Vec::new(), None);
    };
    let mut taken = vec![false; axes.iter().map(Axis::size).product()];
    let (kept, moved) = rows.iter().partition(|(_, c)| {
        let cell = &mut taken[bin_index(&axes, c).0];
        !std::mem::replace(cell, true)
    });
    (kept, moved, Some(axes))
}

/// The axes of a group of rows, or `None` when a continuous axis has fewer than two
/// finite edges.
pub(super) fn axes(kinds: &[AxisKind], rows: &[&Row]) -> Option<Vec<Axis>> {
    kinds
        .iter()
        .enumerate()
        .map(|(d, &kind)| Axis::new(kind, rows.iter().map(|(_, c)| &c[d])))
        .collect()
}

/// A row's global bin index (the first axis runs fastest, each axis counting its flow
/// bins) and its index on each of the (at most [`MAX_AXES`]) axes.
pub(super) fn bin_index(axes: &[Axis], c: &[Coord]) -> (usize, [usize; MAX_AXES]) {
    let mut global = 0;
    let mut stride = 1;
    let mut each = [0; MAX_AXES];
    for ((axis, coord), i) in axes.iter().zip(c).zip(&mut each) {
        *i = axis.index(coord);
        global += *i * stride;
        stride *= axis.size();
    }
    (global, each)
}

/// One axis of one object: its edges, in YODA's order.
pub(super) enum Axis {
    /// Sorted finite edges: bin 0 is the underflow, the last bin the overflow.
    Continuous(Vec<f64>),
    Integer(Discrete<i64>),
    Label(Discrete<String>),
}

/// The values of a discrete axis in order of appearance; bin 0 is YODA's "other" bin.
pub(super) struct Discrete<T> {
    values: Vec<T>,
    bin: HashMap<T, usize>,
}

impl<T: Clone + Eq + Hash> Discrete<T> {
    fn new(items: impl Iterator<Item = T>) -> Discrete<T> {
        let mut values = Vec::new();
        let mut bin = HashMap::new();
        for item in items {
            if let Entry::Vacant(slot) = bin.entry(item) {
                values.push(slot.key().clone());
                slot.insert(values.len());
            }
        }
        Discrete { values, bin }
    }

    fn index(&self, item: &T) -> usize {
        self.bin.get(item).copied().unwrap_or(0)
    }
}

impl Axis {
    fn new<'a>(kind: AxisKind, coords: impl Iterator<Item = &'a Coord>) -> Option<Axis> {
        let axis = match kind {
            AxisKind::Continuous => {
                // An open bin adds its finite edge, so an overflow keeps its low edge
                // even when no neighbour shares it.
                let mut edges: Vec<f64> = coords
                    .flat_map(|c| match c {
                        Coord::Range(l, h) => [*l, *h],
                        _ => [f64::NAN; 2],
                    })
                    .filter(|x| x.is_finite())
                    .collect();
                edges.sort_by(f64::total_cmp);
                edges.dedup_by(|a, b| is_close(*a, *b));
                if edges.len() < 2 {
                    return None;
                }
                Axis::Continuous(edges)
            }
            AxisKind::Integer => Axis::Integer(Discrete::new(coords.filter_map(|c| match c {
                Coord::Int(i) => Some(*i),
                _ => None,
            }))),
            AxisKind::Label => Axis::Label(Discrete::new(coords.filter_map(|c| match c {
                Coord::Label(s) => Some(s.clone()),
                _ => None,
            }))),
        };
        Some(axis)
    }

    /// The number of bins, flow bins included.
    pub(super) fn size(&self) -> usize {
        match self {
            Axis::Continuous(e) => e.len() + 1,
            Axis::Integer(d) => d.values.len() + 1,
            Axis::Label(d) => d.values.len() + 1,
        }
    }

    /// The bin holding `c`: for a bin, the one holding its centre.
    fn index(&self, c: &Coord) -> usize {
        match (self, c) {
            (Axis::Continuous(_), Coord::Range(l, _)) if *l == f64::NEG_INFINITY => 0,
            (Axis::Continuous(e), Coord::Range(_, h)) if *h == f64::INFINITY => e.len(),
            (Axis::Continuous(e), Coord::Range(l, h)) => {
                let centre = 0.5 * (l + h);
                e.partition_point(|&x| x <= centre)
            }
            (Axis::Integer(d), Coord::Int(i)) => d.index(i),
            (Axis::Label(d), Coord::Label(s)) => d.index(s),
            _ => 0,
        }
    }

    /// Is bin `i` a regular bin of a continuous axis (one that can be a gap)?
    pub(super) fn is_inner(&self, i: usize) -> bool {
        matches!(self, Axis::Continuous(e) if i >= 1 && i < e.len())
    }

    /// Does bin `c` span more than one bin of this axis (the binning is not a grid)?
    pub(super) fn spans(&self, c: &Coord) -> bool {
        match (self, c) {
            (Axis::Continuous(e), Coord::Range(l, h)) => {
                // Edges strictly inside the bin, rounding noise aside.
                let first = e.partition_point(|&x| x <= *l || is_close(x, *l));
                let end = e.partition_point(|&x| x < *h && !is_close(x, *h));
                end > first
            }
            _ => false,
        }
    }

    /// `[e1, e2, ...]` as YODA writes edges, appended to `out`.
    pub(super) fn render(&self, out: &mut String) {
        fn items<T>(out: &mut String, items: &[T], write: impl Fn(&mut String, &T)) {
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write(out, item);
            }
        }
        out.push('[');
        match self {
            Axis::Continuous(e) => items(out, e, |out, &x| write_sci(out, x)),
            Axis::Integer(d) => items(out, &d.values, |out, x| {
                let _ = write!(out, "{x}");
            }),
            Axis::Label(d) => items(out, &d.values, |out, s| write_quoted(out, s)),
        }
        out.push(']');
    }
}

/// Python's `math.isclose` with its default tolerance, which the reference uses to merge
/// edges written with different rounding.
fn is_close(a: f64, b: f64) -> bool {
    a == b || (a - b).abs() <= 1e-9 * a.abs().max(b.abs())
}
