//! TMVA BDT weight files (`*.weights.xml`): read, summarised and evaluated without ROOT.
//!
//! Input: the XML text TMVA writes for a trained method (`<MethodSetup>` with its
//! `GeneralInfo`, `Options`, `Variables` and `Weights`). Output: a [`Bdt`] that resource
//! pages summarise and `hepstatic bdt` evaluates. The evaluation follows the standalone
//! C++ class TMVA writes for a BDT (`MakeClass`): a point goes right at a node when
//! `(x >= cut) == cType`; AdaBoost averages the leaves' types (or purities) weighted by
//! each tree's boost weight, gradient boosting maps the sum of the leaves' responses
//! through `2 / (1 + exp(-2 s)) - 1`.

mod eval;

use serde::Serialize;

pub use eval::EvalError;

/// Why a weight file could not be read.
#[derive(Debug, thiserror::Error)]
pub enum BdtError {
    /// Not well-formed XML; line and column are 1-based.
    #[error("{line}:{column}: not well-formed XML: {message}")]
    Xml {
        line: u32,
        column: u32,
        message: String,
    },
    #[error("the root element is <{0}>, not TMVA's <MethodSetup>")]
    NotTmva(String),
    #[error("{line}: {message}")]
    Invalid { line: u32, message: String },
}

/// One input variable.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Variable {
    pub index: usize,
    /// The expression the classifier reads, e.g. `abs(eta_lead)`.
    pub expression: String,
    pub label: String,
    pub title: String,
    pub unit: String,
    /// `F` (float) or `I` (integer).
    pub kind: String,
    /// The range seen in training.
    pub min: Option<f64>,
    pub max: Option<f64>,
}

/// A trained BDT.
#[derive(Clone, Debug, Serialize)]
pub struct Bdt {
    /// `BDT::BDTG`: the method and the name given at booking.
    pub method: String,
    pub tmva_version: Option<String>,
    pub root_version: Option<String>,
    /// `Options`, in order: name and value.
    pub options: Vec<(String, String)>,
    pub variables: Vec<Variable>,
    pub spectators: Vec<String>,
    /// `AdaBoost`, `Grad`, ...
    pub boost_type: String,
    /// The input transformation (`None`, `Decorrelate`, ...).
    pub transform: String,
    pub ntrees: usize,
    pub nodes: usize,
    #[serde(skip)]
    trees: Vec<Tree>,
    #[serde(skip)]
    use_yes_no_leaf: bool,
}

impl Bdt {
    /// The value of option `name`, if set.
    pub fn option(&self, name: &str) -> Option<&str> {
        self.options
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// One decision tree, nodes in an arena with the root first.
#[derive(Clone, Debug)]
struct Tree {
    boost_weight: f64,
    nodes: Vec<Node>,
}

#[derive(Clone, Debug)]
struct Node {
    /// The variable cut on, or -1 at a leaf.
    var: i64,
    cut: f64,
    /// The cut selects signal above it (`cType="1"`).
    cut_type: bool,
    response: f64,
    purity: f64,
    /// 0 inside the tree, 1 a signal leaf, -1 a background leaf.
    node_type: i64,
    /// Fisher-discriminant coefficients; TMVA cuts on a linear combination when present.
    fisher: Vec<f64>,
    left: Option<usize>,
    right: Option<usize>,
}

/// Parses a weight file.
///
/// # Errors
/// Malformed XML (with its line and column), a root other than `<MethodSetup>`, or a
/// `Weights` section that is not a forest of binary trees.
pub fn read(text: &str) -> Result<Bdt, BdtError> {
    let doc = roxmltree::Document::parse(text).map_err(|e| {
        let pos = e.pos();
        BdtError::Xml {
            line: pos.row,
            column: pos.col,
            message: e.to_string(),
        }
    })?;
    let line = |n: roxmltree::Node| doc.text_pos_at(n.range().start).row;
    let root = doc.root_element();
    if root.tag_name().name() != "MethodSetup" {
        return Err(BdtError::NotTmva(root.tag_name().name().to_string()));
    }
    let mut tmva_version = None;
    let mut root_version = None;
    if let Some(info) = child(root, "GeneralInfo") {
        for i in elements(info, "Info") {
            match i.attribute("name") {
                Some("TMVA Release") => tmva_version = i.attribute("value").map(str::to_string),
                Some("ROOT Release") => root_version = i.attribute("value").map(str::to_string),
                _ => {}
            }
        }
    }
    let options: Vec<(String, String)> = child(root, "Options")
        .map(|o| {
            elements(o, "Option")
                .into_iter()
                .map(|e| {
                    (
                        e.attribute("name").unwrap_or("").to_string(),
                        e.text().unwrap_or("").trim().to_string(),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    let option = |name: &str| {
        options
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.clone())
    };

    let mut variables = Vec::new();
    if let Some(vars) = child(root, "Variables") {
        for (i, v) in elements(vars, "Variable").into_iter().enumerate() {
            let attr = |name: &str| v.attribute(name).unwrap_or("").to_string();
            variables.push(Variable {
                index: v
                    .attribute("VarIndex")
                    .and_then(|s| s.parse().ok())
                    .unwrap_or(i),
                expression: attr("Expression"),
                label: attr("Label"),
                title: attr("Title"),
                unit: attr("Unit"),
                kind: attr("Type"),
                min: v.attribute("Min").and_then(|s| s.trim().parse().ok()),
                max: v.attribute("Max").and_then(|s| s.trim().parse().ok()),
            });
        }
    }
    let spectators = child(root, "Spectators")
        .map(|s| {
            elements(s, "Spectator")
                .into_iter()
                .map(|e| e.attribute("Expression").unwrap_or("").to_string())
                .collect()
        })
        .unwrap_or_default();

    let mut trees = Vec::new();
    if let Some(weights) = child(root, "Weights") {
        for t in elements(weights, "BinaryTree") {
            let boost_weight = t
                .attribute("boostWeight")
                .and_then(|s| s.trim().parse().ok())
                .ok_or_else(|| BdtError::Invalid {
                    line: line(t),
                    message: "a <BinaryTree> has no numeric boostWeight".into(),
                })?;
            let mut nodes = Vec::new();
            if let Some(top) = child(t, "Node") {
                read_node(top, &mut nodes, &line)?;
            }
            trees.push(Tree {
                boost_weight,
                nodes,
            });
        }
    }
    let transform = option("VarTransform").unwrap_or_else(|| "None".into());
    Ok(Bdt {
        method: root.attribute("Method").unwrap_or("").to_string(),
        tmva_version,
        root_version,
        boost_type: option("BoostType").unwrap_or_else(|| "AdaBoost".into()),
        transform,
        use_yes_no_leaf: option("UseYesNoLeaf").is_none_or(|v| v.eq_ignore_ascii_case("true")),
        ntrees: trees.len(),
        nodes: trees.iter().map(|t| t.nodes.len()).sum(),
        options,
        variables,
        spectators,
        trees,
    })
}

/// The first child element called `name`.
fn child<'a, 'i>(parent: roxmltree::Node<'a, 'i>, name: &str) -> Option<roxmltree::Node<'a, 'i>> {
    parent
        .children()
        .find(|c| c.is_element() && c.tag_name().name() == name)
}

/// Every child element called `name`.
fn elements<'a, 'i>(parent: roxmltree::Node<'a, 'i>, name: &str) -> Vec<roxmltree::Node<'a, 'i>> {
    parent
        .children()
        .filter(|c| c.is_element() && c.tag_name().name() == name)
        .collect()
}

/// Reads a `<Node>` and its subtree into `nodes`; returns its index.
fn read_node(
    n: roxmltree::Node,
    nodes: &mut Vec<Node>,
    line: &dyn Fn(roxmltree::Node) -> u32,
) -> Result<usize, BdtError> {
    let num = |name: &str| -> Result<f64, BdtError> {
        n.attribute(name)
            .map_or(Ok(0.0), |s| s.trim().parse::<f64>())
            .map_err(|_| BdtError::Invalid {
                line: line(n),
                message: format!("<Node> attribute {name} is not a number"),
            })
    };
    let int = |name: &str| num(name).map(|x| x as i64);
    let ncoef = int("NCoef")?.max(0) as usize;
    let mut fisher = Vec::with_capacity(ncoef);
    for i in 0..ncoef {
        fisher.push(num(&format!("fC{i}"))?);
    }
    let index = nodes.len();
    nodes.push(Node {
        var: int("IVar")?,
        cut: num("Cut")?,
        cut_type: int("cType")? != 0,
        response: num("res")?,
        purity: num("purity")?,
        node_type: int("nType")?,
        fisher,
        left: None,
        right: None,
    });
    for c in n
        .children()
        .filter(|c| c.is_element() && c.tag_name().name() == "Node")
    {
        let at = read_node(c, nodes, line)?;
        match c.attribute("pos") {
            Some("l") => nodes[index].left = Some(at),
            Some("r") => nodes[index].right = Some(at),
            other => {
                return Err(BdtError::Invalid {
                    line: line(c),
                    message: format!(
                        "a child <Node> has pos={:?}; TMVA writes \"l\" or \"r\"",
                        other.unwrap_or("")
                    ),
                });
            }
        }
    }
    Ok(index)
}
