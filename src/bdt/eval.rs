//! Evaluating a BDT on one point, as TMVA's standalone class does.

use super::{Bdt, Tree};

/// Why a BDT cannot be evaluated.
#[derive(Debug, PartialEq, thiserror::Error)]
pub enum EvalError {
    #[error("{given} inputs given, the BDT reads {expected}")]
    Inputs { given: usize, expected: usize },
    #[error(
        "the input transformation \"{0}\" is not supported; hepstatic applies Normalize and Decorrelation"
    )]
    Transform(String),
    #[error("boost type \"{0}\" is not supported; AdaBoost, Bagging and Grad are")]
    Boost(String),
    #[error("tree {tree} has no nodes")]
    Empty { tree: usize },
    #[error("tree {tree} cuts on variable {var}, but the BDT has {nvar}")]
    Variable { tree: usize, var: i64, nvar: usize },
}

impl Bdt {
    /// The classifier's output for `inputs`, one value per variable in the file's order.
    ///
    /// # Errors
    /// A wrong number of inputs, an input transformation other than Normalize and
    /// Decorrelation, a boost type other than AdaBoost, Bagging or Grad, or a tree that
    /// does not fit the variables.
    pub fn evaluate(&self, inputs: &[f64]) -> Result<f64, EvalError> {
        if inputs.len() != self.variables.len() {
            return Err(EvalError::Inputs {
                given: inputs.len(),
                expected: self.variables.len(),
            });
        }
        let mut x = inputs.to_vec();
        // Booked with a transformation the file does not describe: raw inputs would reach
        // trees trained on transformed ones.
        let booked = !self.transform.is_empty() && !self.transform.eq_ignore_ascii_case("none");
        if booked && self.transforms.is_empty() {
            return Err(EvalError::Transform(format!(
                "{} (booked, but the file has no <Transformations>)",
                self.transform
            )));
        }
        for t in &self.transforms {
            t.apply(&mut x).map_err(EvalError::Transform)?;
        }
        let inputs = x.as_slice();
        match self.boost_type.as_str() {
            "Grad" => {
                let mut sum = 0.0;
                for (i, t) in self.trees.iter().enumerate() {
                    sum += self.nodes_leaf(t, i, inputs)?.response;
                }
                Ok(2.0 / (1.0 + (-2.0 * sum).exp()) - 1.0)
            }
            "AdaBoost" | "Bagging" => {
                let (mut sum, mut norm) = (0.0, 0.0);
                for (i, t) in self.trees.iter().enumerate() {
                    let leaf = self.nodes_leaf(t, i, inputs)?;
                    let value = if self.use_yes_no_leaf {
                        leaf.node_type as f64
                    } else {
                        leaf.purity
                    };
                    sum += t.boost_weight * value;
                    norm += t.boost_weight;
                }
                Ok(if norm > f64::EPSILON { sum / norm } else { 0.0 })
            }
            other => Err(EvalError::Boost(other.to_string())),
        }
    }

    /// The leaf `inputs` reach in tree `t`.
    fn nodes_leaf<'t>(
        &self,
        t: &'t Tree,
        tree: usize,
        inputs: &[f64],
    ) -> Result<&'t super::Node, EvalError> {
        let mut node = t.nodes.first().ok_or(EvalError::Empty { tree })?;
        while node.node_type == 0 {
            let (Some(left), Some(right)) = (node.left, node.right) else {
                break;
            };
            let var = usize::try_from(node.var)
                .ok()
                .filter(|&v| v < inputs.len())
                .ok_or(EvalError::Variable {
                    tree,
                    var: node.var,
                    nvar: inputs.len(),
                })?;
            let above = if node.fisher.is_empty() {
                inputs[var] >= node.cut
            } else {
                // The last coefficient is the constant term.
                let (constant, coefficients) = node.fisher.split_last().unwrap_or((&0.0, &[]));
                let fisher: f64 = constant
                    + coefficients
                        .iter()
                        .zip(inputs)
                        .map(|(c, x)| c * x)
                        .sum::<f64>();
                fisher > node.cut
            };
            node = &t.nodes[if above == node.cut_type { right } else { left }];
        }
        Ok(node)
    }
}
