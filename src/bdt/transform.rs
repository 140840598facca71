//! TMVA's input transformations (`<Transformations>`), applied to a point before the trees.
//!
//! A BDT trained with `VarTransform=N` or `D` cuts on transformed inputs, so its trees are
//! meaningless on raw values. TMVA stores one set of parameters per class plus one for all
//! classes together; an application (the standalone class, `TMVA::Reader`) uses the
//! all-classes set, which TMVA writes last.

use super::{BdtError, child, elements, invalid};

/// One transformation, with the parameters of the all-classes set.
#[derive(Clone, Debug)]
pub(super) enum Transform {
    /// `x' = 2 (x - min) / (max - min) - 1`, per selected input.
    Normalize {
        inputs: Vec<usize>,
        min: Vec<f64>,
        max: Vec<f64>,
    },
    /// `x' = M x` over the selected inputs, `M` given row by row.
    Decorrelate {
        inputs: Vec<usize>,
        matrix: Vec<f64>,
    },
    /// A transformation hepstatic does not apply (PCA, Gauss, Uniform, ...), by its name.
    Unsupported(String),
}

impl Transform {
    /// The name TMVA gives the transformation.
    pub(super) fn name(&self) -> &str {
        match self {
            Transform::Normalize { .. } => "Normalize",
            Transform::Decorrelate { .. } => "Decorrelation",
            Transform::Unsupported(name) => name,
        }
    }

    /// Transforms `x` in place.
    ///
    /// # Errors
    /// The name of an unsupported transformation.
    pub(super) fn apply(&self, x: &mut [f64]) -> Result<(), String> {
        match self {
            Transform::Normalize { inputs, min, max } => {
                for ((&i, lo), hi) in inputs.iter().zip(min).zip(max) {
                    x[i] = 2.0 * (x[i] - lo) / (hi - lo) - 1.0;
                }
            }
            Transform::Decorrelate { inputs, matrix } => {
                let n = inputs.len();
                let before: Vec<f64> = inputs.iter().map(|&i| x[i]).collect();
                for (row, &i) in inputs.iter().enumerate() {
                    x[i] = (0..n).map(|col| matrix[row * n + col] * before[col]).sum();
                }
            }
            Transform::Unsupported(name) => return Err(name.clone()),
        }
        Ok(())
    }
}

/// Reads `<Transformations>` under the root; `labels` are the variables' labels in order,
/// which the transformations' `<Selection>` refers to.
///
/// # Errors
/// A Normalize or Decorrelation whose parameters do not fit its inputs.
pub(super) fn read(
    root: roxmltree::Node,
    labels: &[&str],
    at: &dyn Fn(roxmltree::Node) -> (u32, u32),
) -> Result<Vec<Transform>, BdtError> {
    let Some(all) = child(root, "Transformations") else {
        return Ok(Vec::new());
    };
    let mut out = Vec::new();
    for t in elements(all, "Transform") {
        let name = t.attribute("Name").unwrap_or("");
        let Some(inputs) = selection(t, labels, at)? else {
            // Spectators or targets as inputs: beyond what the evaluation supports.
            out.push(Transform::Unsupported(format!(
                "{name} (of inputs other than variables)"
            )));
            continue;
        };
        let n = inputs.len();
        out.push(match name {
            "Normalize" => {
                // One <Class> per class and, with two or more classes, one for all of them.
                let Some(class) = elements(t, "Class").pop() else {
                    return Err(invalid(at(t), "a Normalize transformation has no <Class>"));
                };
                let ranges = child(class, "Ranges")
                    .map(|r| elements(r, "Range"))
                    .unwrap_or_default();
                if ranges.len() != n {
                    return Err(invalid(
                        at(class),
                        format!(
                            "a Normalize <Class> has {} ranges for {n} inputs",
                            ranges.len()
                        ),
                    ));
                }
                let mut min = Vec::with_capacity(n);
                let mut max = Vec::with_capacity(n);
                for r in ranges {
                    let num = |a: &str| r.attribute(a).and_then(|s| s.trim().parse::<f64>().ok());
                    let (Some(lo), Some(hi)) = (num("Min"), num("Max")) else {
                        return Err(invalid(at(r), "a <Range> has no numeric Min and Max"));
                    };
                    if hi <= lo {
                        return Err(invalid(
                            at(r),
                            format!("a <Range> has Max={hi} not above Min={lo}"),
                        ));
                    }
                    min.push(lo);
                    max.push(hi);
                }
                Transform::Normalize { inputs, min, max }
            }
            "Decorrelation" => {
                let Some(m) = elements(t, "Matrix").pop() else {
                    return Err(invalid(
                        at(t),
                        "a Decorrelation transformation has no <Matrix>",
                    ));
                };
                let values: Result<Vec<f64>, _> = m
                    .text()
                    .unwrap_or("")
                    .split_ascii_whitespace()
                    .map(str::parse::<f64>)
                    .collect();
                match values {
                    Ok(matrix) if matrix.len() == n * n => {
                        Transform::Decorrelate { inputs, matrix }
                    }
                    _ => {
                        return Err(invalid(
                            at(m),
                            format!(
                                "a Decorrelation <Matrix> must hold {} numbers ({n} by {n})",
                                n * n
                            ),
                        ));
                    }
                }
            }
            other => Transform::Unsupported(other.to_string()),
        });
    }
    Ok(out)
}

/// The variable indices a transformation reads, from its `<Selection><Input>`; all
/// variables in order when there is no selection. `None` when an input is not a variable.
///
/// # Errors
/// An input that names no declared variable.
fn selection(
    t: roxmltree::Node,
    labels: &[&str],
    at: &dyn Fn(roxmltree::Node) -> (u32, u32),
) -> Result<Option<Vec<usize>>, BdtError> {
    let Some(input) = child(t, "Selection").and_then(|s| child(s, "Input")) else {
        return Ok(Some((0..labels.len()).collect()));
    };
    let mut out = Vec::new();
    for i in elements(input, "Input") {
        if i.attribute("Type") != Some("Variable") {
            return Ok(None);
        }
        let label = i
            .attribute("Label")
            .or(i.attribute("Expression"))
            .unwrap_or("");
        let Some(index) = labels.iter().position(|l| *l == label) else {
            return Err(invalid(
                at(i),
                format!("a transformation reads \"{label}\", which <Variables> does not declare"),
            ));
        };
        out.push(index);
    }
    Ok(Some(out))
}
