//! TMVA BDT weight files (`*.weights.xml`): read, summarised and evaluated without ROOT.
//!
//! Input: the XML text TMVA writes for a trained method (`<MethodSetup>` with its
//! `GeneralInfo`, `Options`, `Variables` and `Weights`). Output: a [`Bdt`] that resource
//! pages summarise and `hepstatic bdt` evaluates. The evaluation follows the standalone
//! C++ class TMVA writes for a BDT (`MakeClass`): a point goes right at a node when
//! `(x >= cut) == cType`; AdaBoost averages the leaves' types (or purities) weighted by
//! each tree's boost weight, gradient boosting maps the sum of the leaves' responses
//! through `2 / (1 + exp(-2 s)) - 1`. Normalize and Decorrelation input transformations
//! are applied first; a BDT with any other is described but refused for evaluation.

mod eval;
mod transform;

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
    /// Well-formed XML that is not a forest of binary trees TMVA could have written.
    #[error("{line}:{column}: {message}")]
    Invalid {
        line: u32,
        column: u32,
        message: String,
    },
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
    /// The input transformation as booked (`VarTransform`: `None`, `Decorrelate`, `N`, ...).
    pub transform: String,
    pub ntrees: usize,
    pub nodes: usize,
    #[serde(skip)]
    trees: Vec<Tree>,
    /// What `<Transformations>` holds, applied in order before the trees.
    #[serde(skip)]
    transforms: Vec<transform::Transform>,
    #[serde(skip)]
    use_yes_no_leaf: bool,
}

impl Bdt {
    /// The transformations of `<Transformations>` by TMVA's names, in the order they are
    /// applied (`Normalize`, `Decorrelation`, ...).
    pub fn transformations(&self) -> Vec<&str> {
        self.transforms
            .iter()
            .map(transform::Transform::name)
            .collect()
    }

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
        // The position is given apart; roxmltree also ends some messages with it.
        let message = e.to_string();
        let message = message
            .strip_suffix(&format!(" at {}:{}", pos.row, pos.col))
            .unwrap_or(&message)
            .to_string();
        BdtError::Xml {
            line: pos.row,
            column: pos.col,
            message,
        }
    })?;
    let at = |n: roxmltree::Node| {
        let pos = doc.text_pos_at(n.range().start);
        (pos.row, pos.col)
    };
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
        let reader = NodeReader {
            at: &at,
            nvar: variables.len(),
        };
        for t in elements(weights, "BinaryTree") {
            let boost_weight = t
                .attribute("boostWeight")
                .and_then(|s| s.trim().parse().ok())
                .ok_or_else(|| invalid(at(t), "a <BinaryTree> has no numeric boostWeight"))?;
            let Some(top) = child(t, "Node") else {
                return Err(invalid(at(t), "a <BinaryTree> has no <Node>"));
            };
            let mut nodes = Vec::new();
            reader.read(top, &mut nodes)?;
            trees.push(Tree {
                boost_weight,
                nodes,
            });
        }
    }
    let transform = option("VarTransform").unwrap_or_else(|| "None".into());
    let labels: Vec<&str> = variables.iter().map(|v| v.label.as_str()).collect();
    let transforms = transform::read(root, &labels, &at)?;
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
        transforms,
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

fn invalid((line, column): (u32, u32), message: impl Into<String>) -> BdtError {
    BdtError::Invalid {
        line,
        column,
        message: message.into(),
    }
}

/// Reads `<Node>` elements into a tree's arena, checking that each can be evaluated.
struct NodeReader<'f> {
    /// Line and column of an element, for messages.
    at: &'f dyn Fn(roxmltree::Node) -> (u32, u32),
    /// How many input variables the file declares.
    nvar: usize,
}

impl NodeReader<'_> {
    /// Reads a `<Node>` and its subtree into `nodes`; returns its index.
    fn read(&self, n: roxmltree::Node, nodes: &mut Vec<Node>) -> Result<usize, BdtError> {
        let num = |name: &str| -> Result<f64, BdtError> {
            n.attribute(name)
                .map_or(Ok(0.0), |s| s.trim().parse::<f64>())
                .map_err(|_| {
                    invalid(
                        (self.at)(n),
                        format!("<Node> attribute {name} is not a number"),
                    )
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
            let at = self.read(c, nodes)?;
            let slot = match c.attribute("pos") {
                Some("l") => &mut nodes[index].left,
                Some("r") => &mut nodes[index].right,
                other => {
                    return Err(invalid(
                        (self.at)(c),
                        format!(
                            "a child <Node> has pos={:?}; TMVA writes \"l\" or \"r\"",
                            other.unwrap_or("")
                        ),
                    ));
                }
            };
            if slot.replace(at).is_some() {
                return Err(invalid(
                    (self.at)(c),
                    "a <Node> has two children on the same side",
                ));
            }
        }

        // An inner node needs both branches and a variable the file declares; otherwise
        // the evaluation would stop early or read past the inputs.
        let node = &nodes[index];
        match (node.left, node.right) {
            (None, None) => {}
            (Some(_), Some(_)) => {
                let declared = usize::try_from(node.var).is_ok_and(|v| v < self.nvar);
                if node.fisher.is_empty() && !declared {
                    let known = match self.nvar {
                        0 => "no variable".to_string(),
                        n => format!("IVar 0 to {}", n - 1),
                    };
                    return Err(invalid(
                        (self.at)(n),
                        format!(
                            "a <Node> cuts on variable IVar={}, but <Variables> declares {known}",
                            node.var
                        ),
                    ));
                }
            }
            _ => {
                return Err(invalid(
                    (self.at)(n),
                    "a <Node> has one child; TMVA's nodes have two (pos=\"l\" and \"r\") or none",
                ));
            }
        }
        Ok(index)
    }
}
