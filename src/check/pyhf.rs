//! pyhf HistFactory workspaces (`workspace.json` schema 1.0.0), checked offline.
//!
//! The rules follow pyhf's published workspace format: the shape of every object, then
//! what pyhf only finds when it builds the model (data lengths against the channel's bins,
//! one observation per channel, a POI that is a parameter of the model, modifiers of one
//! name sharing one type). Every message names the place as a JSON pointer
//! (`/channels/0/samples/1/modifiers/2/data`) and carries the line and column.
//!
//! Input is the node tree of the parsed file (`load::yaml::Node`), so the likelihood
//! checks can run this on workspaces read from archives too.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use crate::load::yaml::{Kind, Node, Resolved};
use crate::model::{Diagnostic, Pos};

const WORKSPACE_KEYS: [&str; 4] = ["channels", "measurements", "observations", "version"];
const PARAMETER_KEYS: [&str; 7] = [
    "name", "inits", "bounds", "auxdata", "factors", "sigmas", "fixed",
];
/// Modifier types and whether their `data` is null, a list of per-bin numbers, or an
/// object.
const MODIFIER_TYPES: [&str; 7] = [
    "histosys",
    "lumi",
    "normfactor",
    "normsys",
    "shapefactor",
    "shapesys",
    "staterror",
];

/// What a valid workspace holds, for pages and further checks.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Summary {
    /// Channel name, number of bins, sample names.
    pub channels: Vec<(String, usize, Vec<String>)>,
    /// Measurement name and its parameter of interest.
    pub measurements: Vec<(String, String)>,
    /// Every modifier name (the model's parameters), sorted.
    pub parameters: Vec<String>,
}

/// Checks a pyhf workspace; returns its summary when nothing was wrong.
///
/// A parameter of interest that no modifier defines is a warning here: a background-only
/// workspace published beside its signal patches names the POI that the patches add (as
/// the ATLAS likelihoods on HEPData do), and HEPData accepts it. Use
/// [`check_workspace_strict`] where the workspace must be fit as it is.
pub fn check_workspace(root: &Node, file: &Path, out: &mut Vec<Diagnostic>) -> Option<Summary> {
    walk(root, file, false, out)
}

/// [`check_workspace`], with a POI missing from the model an error (E063): for a
/// workspace that is meant to be fit as it is, such as a background-only workspace with
/// a patch applied.
pub fn check_workspace_strict(
    root: &Node,
    file: &Path,
    out: &mut Vec<Diagnostic>,
) -> Option<Summary> {
    walk(root, file, true, out)
}

fn walk(root: &Node, file: &Path, strict: bool, out: &mut Vec<Diagnostic>) -> Option<Summary> {
    let before = out.len();
    let mut v = Walker { file, strict, out };
    let summary = v.workspace(root);
    let clean = !v.out[before..].iter().any(Diagnostic::is_error);
    summary.filter(|_| clean)
}

struct Walker<'a> {
    file: &'a Path,
    /// A POI missing from the model is an error, not a warning.
    strict: bool,
    out: &'a mut Vec<Diagnostic>,
}

/// Per channel: its bins and samples, as read.
struct Channel {
    name: String,
    bins: usize,
    samples: Vec<String>,
}

impl Walker<'_> {
    fn error(&mut self, code: &'static str, pos: Pos, pointer: &str, message: String, help: &str) {
        let at = if pointer.is_empty() { "/" } else { pointer };
        self.out.push(
            Diagnostic::error(code, self.file, pos, format!("{at}: {message}")).with_help(help),
        );
    }

    /// An object with the `allowed` keys, of which `required` must be there.
    fn object<'n>(
        &mut self,
        node: &'n Node,
        ptr: &str,
        allowed: &[&str],
        required: &[&str],
    ) -> Option<&'n [(Node, Node)]> {
        let Kind::Map(entries) = &node.kind else {
            self.error(
                "E061",
                node.pos,
                ptr,
                format!("must be an object, found {}", node.describe()),
                "see pyhf's workspace format: objects are written {\"key\": value}",
            );
            return None;
        };
        for (k, _) in entries {
            let name = k.as_scalar().map_or("", |s| s.text.as_str());
            if !allowed.contains(&name) {
                self.error(
                    "E061",
                    k.pos,
                    ptr,
                    format!("unexpected key \"{name}\""),
                    &format!("pyhf allows here: {}", allowed.join(", ")),
                );
            }
        }
        for key in required {
            if node.get(key).is_none() {
                self.error(
                    "E061",
                    node.pos,
                    ptr,
                    format!("\"{key}\" is required"),
                    &format!("add \"{key}\" to this object"),
                );
            }
        }
        Some(entries)
    }

    fn array<'n>(&mut self, node: &'n Node, ptr: &str, min: usize) -> Option<&'n [Node]> {
        let Kind::Seq(items) = &node.kind else {
            self.error(
                "E061",
                node.pos,
                ptr,
                format!("must be a list, found {}", node.describe()),
                "write a list: [a, b, ...]",
            );
            return None;
        };
        if items.len() < min {
            self.error(
                "E061",
                node.pos,
                ptr,
                "must not be empty".to_string(),
                "give at least one entry",
            );
        }
        Some(items)
    }

    fn string(&mut self, node: &Node, ptr: &str) -> Option<String> {
        match node.as_scalar().map(|s| s.resolve()) {
            Some(Resolved::Str(s)) => Some(s.to_string()),
            _ => {
                self.error(
                    "E061",
                    node.pos,
                    ptr,
                    format!("must be a string, found {}", node.describe()),
                    "write it in double quotes",
                );
                None
            }
        }
    }

    /// A list of numbers (at least one).
    fn numbers(&mut self, node: &Node, ptr: &str) -> Option<usize> {
        let items = self.array(node, ptr, 1)?;
        let mut ok = true;
        for (i, item) in items.iter().enumerate() {
            if !is_number(item) {
                self.error(
                    "E061",
                    item.pos,
                    &format!("{ptr}/{i}"),
                    format!("must be a number, found {}", item.describe()),
                    "write the number without quotes",
                );
                ok = false;
            }
        }
        ok.then_some(items.len())
    }

    fn workspace(&mut self, root: &Node) -> Option<Summary> {
        let entries = self.object(root, "", &WORKSPACE_KEYS, &WORKSPACE_KEYS)?;
        let get = |k: &str| {
            entries
                .iter()
                .find(|(n, _)| n.as_scalar().is_some_and(|s| s.text == k))
        };
        if let Some((_, version)) = get("version")
            && version.as_scalar().and_then(|s| s.as_str()) != Some("1.0.0")
        {
            self.error(
                "E061",
                version.pos,
                "/version",
                format!("must be \"1.0.0\", found {}", version.describe()),
                "pyhf workspaces of this format declare \"version\": \"1.0.0\"",
            );
        }

        let mut channels: Vec<Channel> = Vec::new();
        let mut modifier_types: HashMap<String, (String, String)> = HashMap::new();
        if let Some((_, node)) = get("channels")
            && let Some(items) = self.array(node, "/channels", 1)
        {
            let mut seen = HashSet::new();
            for (i, c) in items.iter().enumerate() {
                let ptr = format!("/channels/{i}");
                if let Some(ch) = self.channel(c, &ptr, &mut modifier_types) {
                    if !seen.insert(ch.name.clone()) {
                        self.error(
                            "E063",
                            c.pos,
                            &ptr,
                            format!("channel \"{}\" is defined twice", ch.name),
                            "give every channel its own name",
                        );
                    }
                    channels.push(ch);
                }
            }
        }

        if let Some((_, node)) = get("observations")
            && let Some(items) = self.array(node, "/observations", 1)
        {
            self.observations(items, &channels, node.pos);
        }

        let parameters: HashSet<&String> = modifier_types.keys().collect();
        let mut measurements = Vec::new();
        if let Some((_, node)) = get("measurements")
            && let Some(items) = self.array(node, "/measurements", 1)
        {
            let mut seen = HashSet::new();
            for (i, m) in items.iter().enumerate() {
                let ptr = format!("/measurements/{i}");
                if let Some((name, poi, poi_pos)) = self.measurement(m, &ptr) {
                    if !seen.insert(name.clone()) {
                        self.error(
                            "E063",
                            m.pos,
                            &ptr,
                            format!("measurement \"{name}\" is defined twice"),
                            "give every measurement its own name",
                        );
                    }
                    if !poi.is_empty() && !channels.is_empty() && !parameters.contains(&poi) {
                        self.missing_poi(&poi, poi_pos, &format!("{ptr}/config/poi"));
                    }
                    measurements.push((name, poi));
                }
            }
        }

        let mut parameters: Vec<String> = modifier_types.into_keys().collect();
        parameters.sort();
        Some(Summary {
            channels: channels
                .into_iter()
                .map(|c| (c.name, c.bins, c.samples))
                .collect(),
            measurements,
            parameters,
        })
    }

    fn channel(
        &mut self,
        node: &Node,
        ptr: &str,
        modifier_types: &mut HashMap<String, (String, String)>,
    ) -> Option<Channel> {
        self.object(node, ptr, &["name", "samples"], &["name", "samples"])?;
        let name = self.string(node.get("name")?, &format!("{ptr}/name"))?;
        let samples = self.array(node.get("samples")?, &format!("{ptr}/samples"), 1)?;
        let mut bins: Option<usize> = None;
        let mut names = Vec::new();
        let mut seen = HashSet::new();
        for (j, s) in samples.iter().enumerate() {
            let sptr = format!("{ptr}/samples/{j}");
            let Some(entries) = self.object(
                s,
                &sptr,
                &["name", "data", "modifiers"],
                &["name", "data", "modifiers"],
            ) else {
                continue;
            };
            let _ = entries;
            let sample = s
                .get("name")
                .and_then(|n| self.string(n, &format!("{sptr}/name")));
            let len = s
                .get("data")
                .and_then(|d| self.numbers(d, &format!("{sptr}/data")));
            if let Some(sample) = &sample {
                if !seen.insert(sample.clone()) {
                    self.error(
                        "E063",
                        s.pos,
                        &sptr,
                        format!("sample \"{sample}\" appears twice in channel \"{name}\""),
                        "merge the two samples or rename one",
                    );
                }
                names.push(sample.clone());
            }
            match (bins, len) {
                (None, Some(n)) => bins = Some(n),
                (Some(b), Some(n)) if n != b => {
                    let at = s.get("data").map_or(s.pos, |d| d.pos);
                    self.error(
                        "E062",
                        at,
                        &format!("{sptr}/data"),
                        format!(
                            "sample \"{}\" has {n} bins but the channel's first sample has {b}",
                            sample.as_deref().unwrap_or("?")
                        ),
                        "every sample of a channel gives one number per bin of the channel",
                    );
                }
                _ => {}
            }
            if let Some(mods) = s.get("modifiers")
                && let Some(items) = self.array(mods, &format!("{sptr}/modifiers"), 0)
            {
                for (k, m) in items.iter().enumerate() {
                    self.modifier(
                        m,
                        &format!("{sptr}/modifiers/{k}"),
                        sample.as_deref().unwrap_or("?"),
                        len.or(bins),
                        modifier_types,
                    );
                }
            }
        }
        Some(Channel {
            name,
            bins: bins.unwrap_or(0),
            samples: names,
        })
    }

    fn modifier(
        &mut self,
        node: &Node,
        ptr: &str,
        sample: &str,
        bins: Option<usize>,
        types: &mut HashMap<String, (String, String)>,
    ) {
        let Some(_) = self.object(
            node,
            ptr,
            &["name", "type", "data"],
            &["name", "type", "data"],
        ) else {
            return;
        };
        let Some(name) = node
            .get("name")
            .and_then(|n| self.string(n, &format!("{ptr}/name")))
        else {
            return;
        };
        let Some(kind) = node
            .get("type")
            .and_then(|n| self.string(n, &format!("{ptr}/type")))
        else {
            return;
        };
        if !MODIFIER_TYPES.contains(&kind.as_str()) {
            let at = node.get("type").map_or(node.pos, |n| n.pos);
            self.error(
                "E061",
                at,
                &format!("{ptr}/type"),
                format!("unknown modifier type \"{kind}\""),
                &format!("pyhf knows: {}", MODIFIER_TYPES.join(", ")),
            );
            return;
        }
        if kind == "lumi" && name != "lumi" {
            let at = node.get("name").map_or(node.pos, |n| n.pos);
            self.error(
                "E061",
                at,
                &format!("{ptr}/name"),
                format!("a lumi modifier must be named \"lumi\", found \"{name}\""),
                "rename the modifier to \"lumi\"",
            );
        }
        match types.get(&name) {
            Some((other, at)) if parameter_kind(other) != parameter_kind(&kind) => {
                let pos = node.pos;
                let at = at.clone();
                self.error(
                    "E063",
                    pos,
                    ptr,
                    format!("modifier \"{name}\" is a {kind} here but a {other} at {at}, and the two cannot share a parameter"),
                    "a modifier name is one parameter of the model; only normsys and histosys may share one: give the others different names",
                );
            }
            Some(_) => {}
            None => {
                types.insert(name.clone(), (kind.clone(), ptr.to_string()));
            }
        }

        let Some(data) = node.get("data") else { return };
        let dptr = format!("{ptr}/data");
        let per_bin = |w: &mut Self, n: &Node, p: &str| {
            if let Some(len) = w.numbers(n, p)
                && let Some(b) = bins
                && len != b
            {
                w.error(
                    "E062",
                    n.pos,
                    p,
                    format!(
                        "{kind} modifier \"{name}\" on sample \"{sample}\" has {len} values for {b} bins"
                    ),
                    "give one value per bin of the sample",
                );
            }
        };
        match kind.as_str() {
            "lumi" | "normfactor" | "shapefactor" if !data.is_null() => {
                self.error(
                    "E061",
                    data.pos,
                    &dptr,
                    format!(
                        "a {kind} modifier takes null data, found {}",
                        data.describe()
                    ),
                    "write \"data\": null",
                );
            }
            "shapesys" | "staterror" => per_bin(self, data, &dptr),
            "histosys"
                if self
                    .object(
                        data,
                        &dptr,
                        &["lo_data", "hi_data"],
                        &["lo_data", "hi_data"],
                    )
                    .is_some() =>
            {
                for key in ["lo_data", "hi_data"] {
                    if let Some(d) = data.get(key) {
                        per_bin(self, d, &format!("{dptr}/{key}"));
                    }
                }
            }
            "normsys"
                if self
                    .object(data, &dptr, &["lo", "hi"], &["lo", "hi"])
                    .is_some() =>
            {
                for key in ["lo", "hi"] {
                    if let Some(d) = data.get(key)
                        && !is_number(d)
                    {
                        self.error(
                            "E061",
                            d.pos,
                            &format!("{dptr}/{key}"),
                            format!("must be a number, found {}", d.describe()),
                            "write the number without quotes",
                        );
                    }
                }
            }
            _ => {}
        }
    }

    fn observations(&mut self, items: &[Node], channels: &[Channel], list_pos: Pos) {
        let mut seen: HashSet<String> = HashSet::new();
        for (i, o) in items.iter().enumerate() {
            let ptr = format!("/observations/{i}");
            if self
                .object(o, &ptr, &["name", "data"], &["name", "data"])
                .is_none()
            {
                continue;
            }
            let Some(name) = o
                .get("name")
                .and_then(|n| self.string(n, &format!("{ptr}/name")))
            else {
                continue;
            };
            let len = o
                .get("data")
                .and_then(|d| self.numbers(d, &format!("{ptr}/data")));
            if !seen.insert(name.clone()) {
                self.error(
                    "E063",
                    o.pos,
                    &ptr,
                    format!("observation \"{name}\" is given twice"),
                    "give one observation per channel",
                );
            }
            match channels.iter().find(|c| c.name == name) {
                None if !channels.is_empty() => self.error(
                    "E063",
                    o.pos,
                    &ptr,
                    format!("observation \"{name}\" matches no channel"),
                    "name each observation after the channel it observes",
                ),
                Some(c) if len.is_some_and(|n| n != c.bins) => {
                    let at = o.get("data").map_or(o.pos, |d| d.pos);
                    self.error(
                        "E062",
                        at,
                        &format!("{ptr}/data"),
                        format!(
                            "observation \"{name}\" has {} bins, channel \"{name}\" has {}",
                            len.unwrap_or(0),
                            c.bins
                        ),
                        "give one observed count per bin of the channel",
                    );
                }
                _ => {}
            }
        }
        for c in channels {
            if !seen.contains(&c.name) {
                self.error(
                    "E063",
                    list_pos,
                    "/observations",
                    format!("channel \"{}\" has no observation", c.name),
                    "add {\"name\": <channel>, \"data\": [observed counts per bin]} for every channel",
                );
            }
        }
    }

    /// A POI that no modifier defines (see [`check_workspace`]).
    fn missing_poi(&mut self, poi: &str, pos: Pos, ptr: &str) {
        if self.strict {
            self.error(
                "E063",
                pos,
                ptr,
                format!("the parameter of interest \"{poi}\" is not a parameter of the model (no modifier has this name)"),
                "name the normfactor modifier of the signal sample, e.g. \"mu_SIG\"",
            );
        } else {
            self.out.push(
                Diagnostic::warning(
                    "W013",
                    self.file,
                    pos,
                    format!("{ptr}: the parameter of interest \"{poi}\" is not a parameter of this workspace; a fit needs a signal patch that adds it"),
                )
                .with_help("publish the signal patches (a patchset) beside the workspace"),
            );
        }
    }

    /// A measurement's name, POI and the POI's position.
    fn measurement(&mut self, node: &Node, ptr: &str) -> Option<(String, String, Pos)> {
        self.object(node, ptr, &["name", "config"], &["name", "config"])?;
        let name = self.string(node.get("name")?, &format!("{ptr}/name"))?;
        let config = node.get("config")?;
        let cptr = format!("{ptr}/config");
        self.object(
            config,
            &cptr,
            &["poi", "parameters"],
            &["poi", "parameters"],
        )?;
        let poi_node = config.get("poi")?;
        let poi = self.string(poi_node, &format!("{cptr}/poi"))?;
        if let Some(params) = config.get("parameters")
            && let Some(items) = self.array(params, &format!("{cptr}/parameters"), 0)
        {
            for (i, p) in items.iter().enumerate() {
                let pptr = format!("{cptr}/parameters/{i}");
                if self.object(p, &pptr, &PARAMETER_KEYS, &["name"]).is_none() {
                    continue;
                }
                if let Some(n) = p.get("name") {
                    self.string(n, &format!("{pptr}/name"));
                }
                for key in ["inits", "auxdata", "factors", "sigmas"] {
                    if let Some(v) = p.get(key) {
                        self.numbers(v, &format!("{pptr}/{key}"));
                    }
                }
                if let Some(b) = p.get("bounds")
                    && let Some(pairs) = self.array(b, &format!("{pptr}/bounds"), 1)
                {
                    for (k, pair) in pairs.iter().enumerate() {
                        self.numbers(pair, &format!("{pptr}/bounds/{k}"));
                    }
                }
                if let Some(fixed) = p.get("fixed")
                    && !matches!(
                        fixed.as_scalar().map(|s| s.resolve()),
                        Some(Resolved::Bool(_))
                    )
                {
                    self.error(
                        "E061",
                        fixed.pos,
                        &format!("{pptr}/fixed"),
                        format!("must be true or false, found {}", fixed.describe()),
                        "write true or false without quotes",
                    );
                }
            }
        }
        Some((name, poi, poi_node.pos))
    }
}

/// The kind of parameter a modifier type makes; modifiers of one name must agree on it.
/// normsys and histosys share one (an overall and a shape variation of one systematic).
fn parameter_kind(modifier: &str) -> &str {
    match modifier {
        "normsys" | "histosys" => "constrained",
        other => other,
    }
}

fn is_number(node: &Node) -> bool {
    matches!(
        node.as_scalar().map(|s| s.resolve()),
        Some(Resolved::Int(_) | Resolved::Float(_))
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::yaml::parse;

    const OK: &str = r#"{
 "channels": [{"name": "SR", "samples": [
   {"name": "bkg", "data": [50.0, 20.0], "modifiers": [
     {"name": "bkg_norm", "type": "normsys", "data": {"hi": 1.1, "lo": 0.9}},
     {"name": "stat_SR", "type": "staterror", "data": [5.0, 3.0]}]},
   {"name": "sig", "data": [4.0, 1.0], "modifiers": [
     {"name": "mu_SIG", "type": "normfactor", "data": null},
     {"name": "lumi", "type": "lumi", "data": null}]}]}],
 "observations": [{"name": "SR", "data": [52.0, 21.0]}],
 "measurements": [{"name": "meas", "config": {"poi": "mu_SIG", "parameters": [
   {"name": "lumi", "auxdata": [1.0], "sigmas": [0.02], "bounds": [[0.9, 1.1]]}]}}],
 "version": "1.0.0"
}"#;

    fn check(text: &str) -> (Option<Summary>, Vec<Diagnostic>) {
        let doc = parse(text, Path::new("ws.json"), true)
            .unwrap()
            .docs
            .remove(0);
        let mut out = Vec::new();
        let s = check_workspace_strict(&doc, Path::new("ws.json"), &mut out);
        (s, out)
    }

    #[test]
    fn a_valid_workspace_is_summarised() {
        let (summary, out) = check(OK);
        assert!(out.is_empty(), "{out:?}");
        let s = summary.unwrap();
        assert_eq!(
            s.channels,
            [(
                "SR".to_string(),
                2,
                vec!["bkg".to_string(), "sig".to_string()]
            )]
        );
        assert_eq!(s.measurements, [("meas".to_string(), "mu_SIG".to_string())]);
        assert_eq!(s.parameters, ["bkg_norm", "lumi", "mu_SIG", "stat_SR"]);
    }

    #[test]
    fn a_missing_poi_is_a_warning_unless_strict() {
        let text = OK.replace("\"poi\": \"mu_SIG\"", "\"poi\": \"mu_X\"");
        let doc = parse(&text, Path::new("ws.json"), true)
            .unwrap()
            .docs
            .remove(0);
        let mut out = Vec::new();
        assert!(check_workspace(&doc, Path::new("ws.json"), &mut out).is_some());
        assert_eq!(out[0].code, "W013");
    }

    #[test]
    fn mistakes_are_named_by_pointer() {
        let cases = [
            (
                OK.replace("\"samples\": [", "\"samples_typo\": ["),
                "/channels/0: unexpected key \"samples_typo\"",
            ),
            (
                OK.replace("[52.0, 21.0]", "[52.0, 21.0, 3.0]"),
                "/observations/0/data: observation \"SR\" has 3 bins",
            ),
            (
                OK.replace("[5.0, 3.0]", "[5.0]"),
                "staterror modifier \"stat_SR\" on sample \"bkg\" has 1 values for 2 bins",
            ),
            (
                OK.replace("\"poi\": \"mu_SIG\"", "\"poi\": \"mu_X\""),
                "/measurements/0/config/poi: the parameter of interest \"mu_X\"",
            ),
            (
                OK.replace("\"auxdata\"", "\"value\": 1.0, \"auxdata\""),
                "/measurements/0/config/parameters/0: unexpected key \"value\"",
            ),
            (
                OK.replace("[{\"name\": \"SR\", \"data\": [52.0, 21.0]}]", "[]"),
                "/observations: must not be empty",
            ),
            (
                OK.replace(
                    "\"stat_SR\", \"type\": \"staterror\"",
                    "\"bkg_norm\", \"type\": \"staterror\"",
                ),
                "modifier \"bkg_norm\" is a staterror here",
            ),
            (
                OK.replace(
                    "\"lumi\", \"type\": \"lumi\"",
                    "\"lumi2\", \"type\": \"lumi\"",
                ),
                "a lumi modifier must be named \"lumi\"",
            ),
            (
                OK.replace("\"version\": \"1.0.0\"", "\"version\": \"2.0\""),
                "/version: must be \"1.0.0\"",
            ),
        ];
        for (text, expected) in cases {
            let (summary, out) = check(&text);
            assert!(summary.is_none());
            assert!(
                out.iter().any(|d| d.message.contains(expected)),
                "{expected}: {:?}",
                out.iter().map(|d| &d.message).collect::<Vec<_>>()
            );
        }
    }
}
