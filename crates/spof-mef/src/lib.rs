//! Open-PSA Model Exchange Format (MEF) fault trees to [`FaultTree`]. Reads one or more XML
//! texts (a tree and the file of its basic events, say) as one model: gates with nested
//! formulas (and, or, atleast, not, xor, nand, nor, iff, imply, null, constants), basic events
//! with probabilities given as numbers, parameters or expressions, and house events.
//!
//! What is not supported (common-cause groups, event trees alone, substitutions, deviates
//! without a mean...) is a located error, never a silently different answer. No I/O: callers
//! hand in file names and texts.

use roxmltree::{Document, Node};
use spof_fta::fta::{BasicEvent, FaultTree, Formula, Gate};
use std::collections::HashMap;
use std::fmt;

/// A problem in an input, with its place.
#[derive(Clone, Debug, PartialEq)]
pub struct MefError {
    pub file: String,
    pub line: u32,
    pub column: u32,
    pub message: String,
}

impl fmt::Display for MefError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}:{}: {}",
            self.file, self.line, self.column, self.message
        )
    }
}

impl std::error::Error for MefError {}

/// Analysis settings that expressions read.
#[derive(Clone, Debug)]
pub struct Settings {
    /// Hours; `<system-mission-time/>` and time-dependent expressions use it (SCRAM's default).
    pub mission_time: f64,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            mission_time: 8760.0,
        }
    }
}

/// An input file: its name (for messages) and text.
pub struct Input<'a> {
    pub name: &'a str,
    pub text: &'a str,
}

/// Where a definition or reference is.
#[derive(Clone, Copy)]
struct Place {
    file: usize,
    line: u32,
    column: u32,
}

enum Definition<'a, 'input> {
    Gate(Node<'a, 'input>),
    Basic(Option<Node<'a, 'input>>),
    House(bool),
    Parameter(Node<'a, 'input>),
}

/// Reads the inputs as one model.
pub fn read(inputs: &[Input], settings: &Settings) -> Result<FaultTree, MefError> {
    let documents: Vec<Document> = inputs
        .iter()
        .map(|input| {
            Document::parse(input.text).map_err(|e| {
                let pos = e.pos();
                MefError {
                    file: input.name.into(),
                    line: pos.row,
                    column: pos.col,
                    message: format!("not well-formed XML: {e}"),
                }
            })
        })
        .collect::<Result<_, _>>()?;
    let mut reader = Reader {
        inputs,
        documents: &documents,
        definitions: HashMap::new(),
        places: HashMap::new(),
        scopes: HashMap::new(),
        settings,
    };
    for (file, doc) in documents.iter().enumerate() {
        let root = doc.root_element();
        if root.tag_name().name() != "opsa-mef" {
            return Err(reader.error(
                file,
                root,
                format!(
                    "the root element is <{}>, not <opsa-mef>",
                    root.tag_name().name()
                ),
            ));
        }
        reader.collect(file, root, &[], false)?;
    }
    reader.build()
}

struct Reader<'a, 'input> {
    inputs: &'a [Input<'a>],
    documents: &'a [Document<'input>],
    /// Definitions by qualified name (a private one is `tree.component.name`), in the order
    /// they were met.
    definitions: HashMap<String, (usize, Definition<'a, 'input>)>,
    places: HashMap<String, Place>,
    /// The containers (fault tree, components) each definition sits in.
    scopes: HashMap<String, Vec<String>>,
    settings: &'a Settings,
}

impl<'a, 'input> Reader<'a, 'input> {
    fn place(&self, file: usize, node: Node) -> Place {
        let pos = self.documents[file].text_pos_at(node.range().start);
        Place {
            file,
            line: pos.row,
            column: pos.col,
        }
    }

    fn error(&self, file: usize, node: Node, message: String) -> MefError {
        let place = self.place(file, node);
        MefError {
            file: self.inputs[file].name.into(),
            line: place.line,
            column: place.column,
            message,
        }
    }

    fn name_of(&self, file: usize, node: Node) -> Result<String, MefError> {
        node.attribute("name").map(str::to_string).ok_or_else(|| {
            self.error(
                file,
                node,
                format!("<{}> has no name attribute", node.tag_name().name()),
            )
        })
    }

    fn define(
        &mut self,
        file: usize,
        node: Node<'a, 'input>,
        definition: Definition<'a, 'input>,
        scope: &[String],
        private: bool,
    ) -> Result<(), MefError> {
        let local = self.name_of(file, node)?;
        let private = match node.attribute("role") {
            Some("private") => true,
            Some("public") => false,
            _ => private,
        };
        let name = if private && !scope.is_empty() {
            format!("{}.{local}", scope.join("."))
        } else {
            local
        };
        self.scopes.insert(name.clone(), scope.to_vec());
        if let Some(first) = self.places.get(&name) {
            let first_file = &self.inputs[first.file].name;
            // A basic event declared without a value and defined elsewhere is fine.
            let replaceable = matches!(
                self.definitions.get(&name),
                Some((_, Definition::Basic(None)))
            ) && matches!(definition, Definition::Basic(Some(_)));
            if !replaceable {
                if matches!(definition, Definition::Basic(None)) {
                    return Ok(());
                }
                return Err(self.error(
                    file,
                    node,
                    format!(
                        "`{name}` is defined twice (first at {first_file}:{}:{})",
                        first.line, first.column
                    ),
                ));
            }
        }
        let order = self.definitions.len();
        self.places.insert(name.clone(), self.place(file, node));
        self.definitions.insert(name, (order, definition));
        Ok(())
    }

    /// Reads the definitions under `parent`, which sits in the containers `scope`; `private`
    /// is the role its contents take by default.
    fn collect(
        &mut self,
        file: usize,
        parent: Node<'a, 'input>,
        scope: &[String],
        private: bool,
    ) -> Result<(), MefError> {
        for node in parent.children().filter(Node::is_element) {
            match node.tag_name().name() {
                "model-data" => self.collect(file, node, &[], false)?,
                "define-fault-tree" | "define-component" => {
                    let mut inner = scope.to_vec();
                    inner.push(self.name_of(file, node)?);
                    let private = match node.attribute("role") {
                        Some("private") => true,
                        Some("public") => false,
                        _ => private,
                    };
                    self.collect(file, node, &inner, private)?
                }
                "define-gate" => self.define(file, node, Definition::Gate(node), scope, private)?,
                "define-basic-event" => {
                    let value = node
                        .children()
                        .filter(Node::is_element)
                        .find(|c| !matches!(c.tag_name().name(), "label" | "attributes"));
                    self.define(file, node, Definition::Basic(value), scope, private)?
                }
                "define-house-event" => {
                    let value = node
                        .children()
                        .filter(Node::is_element)
                        .find(|c| !matches!(c.tag_name().name(), "label" | "attributes"));
                    let state =
                        match value {
                            None => false,
                            Some(v) if matches!(v.tag_name().name(), "constant" | "bool") => {
                                v.attribute("value") == Some("true")
                            }
                            Some(v) => return Err(self.error(
                                file,
                                v,
                                format!(
                                    "a house event is `<constant value=\"true|false\"/>`, not <{}>",
                                    v.tag_name().name()
                                ),
                            )),
                        };
                    self.define(file, node, Definition::House(state), scope, private)?
                }
                "define-parameter" => {
                    let value = node
                        .children()
                        .filter(Node::is_element)
                        .find(|c| !matches!(c.tag_name().name(), "label" | "attributes"));
                    match value {
                        Some(v) => {
                            self.define(file, node, Definition::Parameter(v), scope, private)?
                        }
                        None => {
                            return Err(self.error(
                                file,
                                node,
                                "the parameter has no value".into(),
                            ));
                        }
                    }
                }
                "define-CCF-group" => {
                    return Err(self.error(file, node, "common-cause failure groups (define-CCF-group) are not supported yet; expand the group into basic events and gates".into()));
                }
                "define-substitution" => {
                    return Err(self.error(
                        file,
                        node,
                        "substitutions (define-substitution) are not supported".into(),
                    ));
                }
                "label" | "attributes" => {}
                // Event-tree and analysis constructs: the fault trees in the file are still read.
                "define-event-tree"
                | "define-initiating-event"
                | "define-sequence"
                | "define-rule"
                | "define-alignment"
                | "define-phase"
                | "define-extern-function"
                | "define-functional-event"
                | "define-branch" => {}
                other => {
                    return Err(self.error(
                        file,
                        node,
                        format!("<{other}> is not a known MEF element here"),
                    ));
                }
            }
        }
        Ok(())
    }

    fn build(mut self) -> Result<FaultTree, MefError> {
        let mut names: Vec<(&String, &(usize, Definition))> = self.definitions.iter().collect();
        names.sort_by_key(|(_, (order, _))| *order);
        let mut gate_index = HashMap::new();
        let mut event_index = HashMap::new();
        let mut gate_nodes = Vec::new();
        let mut event_values = Vec::new();
        for (name, (_, definition)) in &names {
            match definition {
                Definition::Gate(node) => {
                    gate_index.insert((*name).clone(), gate_nodes.len());
                    gate_nodes.push(((*name).clone(), *node));
                }
                Definition::Basic(value) => {
                    event_index.insert((*name).clone(), event_values.len());
                    event_values.push(((*name).clone(), *value));
                }
                Definition::House(_) | Definition::Parameter(_) => {}
            }
        }
        if gate_nodes.is_empty() {
            let file = 0;
            let root = self.documents[file].root_element();
            return Err(self.error(
                file,
                root,
                "no fault tree gate is defined in the input (event trees alone are not analysed)"
                    .into(),
            ));
        }
        let mut tree = FaultTree::default();
        for (name, value) in &event_values {
            let place = self.places[name];
            // An event without a value still has cut sets; the probabilities are then unknown.
            let probability = match value {
                Some(node) => self.expression(place.file, *node, &mut Vec::new())?,
                None => f64::NAN,
            };
            if !probability.is_nan() && !(0.0..=1.0).contains(&probability) {
                return Err(MefError {
                    file: self.inputs[place.file].name.into(),
                    line: place.line,
                    column: place.column,
                    message: format!(
                        "basic event `{name}` has probability {probability}, outside 0 to 1"
                    ),
                });
            }
            tree.events.push(BasicEvent {
                name: name.clone(),
                probability,
            });
        }
        let lookup = Lookup {
            gates: &gate_index,
            events: &event_index,
        };
        for (name, node) in &gate_nodes {
            let file = self.places[name].file;
            let body: Vec<Node> = node
                .children()
                .filter(Node::is_element)
                .filter(|c| !matches!(c.tag_name().name(), "label" | "attributes"))
                .collect();
            let [body] = body.as_slice() else {
                return Err(self.error(
                    file,
                    *node,
                    format!("gate `{name}` must have exactly one formula"),
                ));
            };
            let formula = self.formula(file, *body, &lookup, &self.scopes[name])?;
            tree.gates.push(Gate {
                name: name.clone(),
                formula,
            });
        }
        self.definitions.clear();
        Ok(tree)
    }

    /// The qualified name a reference from inside `scope` means: the innermost private
    /// definition of that name, else the public one.
    fn resolve(&self, name: &str, scope: &[String]) -> String {
        for depth in (1..=scope.len()).rev() {
            let qualified = format!("{}.{name}", scope[..depth].join("."));
            if self.definitions.contains_key(&qualified) {
                return qualified;
            }
        }
        name.to_string()
    }

    fn formula(
        &self,
        file: usize,
        node: Node,
        lookup: &Lookup,
        scope: &[String],
    ) -> Result<Formula, MefError> {
        let args = || -> Result<Vec<Formula>, MefError> {
            node.children()
                .filter(Node::is_element)
                .map(|c| self.formula(file, c, lookup, scope))
                .collect()
        };
        let name = node.tag_name().name();
        Ok(match name {
            "and" => Formula::And(args()?),
            "or" => Formula::Or(args()?),
            "xor" => Formula::Xor(args()?),
            "nand" => Formula::Nand(args()?),
            "nor" => Formula::Nor(args()?),
            "iff" => Formula::Iff(args()?),
            "not" | "null" => {
                let mut list = args()?;
                if list.len() != 1 {
                    return Err(self.error(
                        file,
                        node,
                        format!("<{name}> takes exactly one argument, not {}", list.len()),
                    ));
                }
                let arg = list.pop().expect("one argument");
                if name == "not" {
                    Formula::Not(Box::new(arg))
                } else {
                    arg
                }
            }
            "imply" => {
                let mut list = args()?;
                if list.len() != 2 {
                    return Err(self.error(
                        file,
                        node,
                        format!("<imply> takes two arguments, not {}", list.len()),
                    ));
                }
                let b = list.pop().expect("two");
                let a = list.pop().expect("two");
                Formula::Imply(Box::new(a), Box::new(b))
            }
            "atleast" => {
                let min = node
                    .attribute("min")
                    .and_then(|m| m.parse::<usize>().ok())
                    .ok_or_else(|| {
                        self.error(
                            file,
                            node,
                            "<atleast> needs a whole-number min attribute".into(),
                        )
                    })?;
                Formula::AtLeast(min, args()?)
            }
            "constant" | "bool" => Formula::Constant(node.attribute("value") == Some("true")),
            "gate" | "basic-event" | "house-event" | "event" => {
                let target = self.resolve(&self.name_of(file, node)?, scope);
                match (
                    name,
                    lookup.gates.get(&target),
                    lookup.events.get(&target),
                    self.definitions.get(&target),
                ) {
                    ("gate" | "event", Some(&g), _, _) => Formula::Gate(g),
                    ("basic-event" | "event", _, Some(&e), _) => Formula::Event(e),
                    ("house-event" | "event", _, _, Some((_, Definition::House(state)))) => {
                        Formula::Constant(*state)
                    }
                    _ => {
                        let known = lookup.gates.keys().chain(lookup.events.keys());
                        let hint = near(&target, known)
                            .map(|n| format!("; did you mean `{n}`?"))
                            .unwrap_or_else(|| "; pass the file that defines it too".into());
                        return Err(self.error(
                            file,
                            node,
                            format!(
                                "no {} `{target}` is defined{hint}",
                                if name == "event" { "event" } else { name }
                            ),
                        ));
                    }
                }
            }
            "cardinality" => {
                let bound = |attr: &str| {
                    node.attribute(attr)
                        .and_then(|m| m.parse::<usize>().ok())
                        .ok_or_else(|| {
                            self.error(
                                file,
                                node,
                                format!("<cardinality> needs a whole-number {attr} attribute"),
                            )
                        })
                };
                Formula::Cardinality(bound("min")?, bound("max")?, args()?)
            }
            other => {
                return Err(self.error(file, node, format!("<{other}> is not a Boolean formula")));
            }
        })
    }

    /// The value of an expression. `stack` holds the parameters being evaluated, to catch
    /// cycles.
    fn expression(
        &self,
        file: usize,
        node: Node,
        stack: &mut Vec<String>,
    ) -> Result<f64, MefError> {
        let args = |stack: &mut Vec<String>| -> Result<Vec<f64>, MefError> {
            node.children()
                .filter(Node::is_element)
                .map(|c| self.expression(file, c, stack))
                .collect()
        };
        let number = |attr: &str| -> Result<f64, MefError> {
            node.attribute(attr)
                .and_then(|v| v.trim().parse::<f64>().ok())
                .ok_or_else(|| {
                    self.error(
                        file,
                        node,
                        format!(
                            "<{}> needs a numeric {attr} attribute",
                            node.tag_name().name()
                        ),
                    )
                })
        };
        let name = node.tag_name().name();
        let arity = |list: &[f64], n: usize| -> Result<(), MefError> {
            if list.len() == n {
                Ok(())
            } else {
                Err(self.error(
                    file,
                    node,
                    format!("<{name}> takes {n} arguments, not {}", list.len()),
                ))
            }
        };
        Ok(match name {
            "float" | "int" => number("value")?,
            "bool" => f64::from(u8::from(node.attribute("value") == Some("true"))),
            "pi" => std::f64::consts::PI,
            "system-mission-time" => self.settings.mission_time,
            "parameter" => {
                let target = self.resolve(&self.name_of(file, node)?, &[]);
                if stack.contains(&target) {
                    return Err(self.error(
                        file,
                        node,
                        format!("parameter `{target}` depends on itself"),
                    ));
                }
                match self.definitions.get(&target) {
                    Some((_, Definition::Parameter(value))) => {
                        let defined_in = self.places[&target].file;
                        stack.push(target);
                        let v = self.expression(defined_in, *value, stack)?;
                        stack.pop();
                        v
                    }
                    _ => {
                        return Err(self.error(
                            file,
                            node,
                            format!("no parameter `{target}` is defined"),
                        ));
                    }
                }
            }
            "mul" => args(stack)?.iter().product(),
            "add" => args(stack)?.iter().sum(),
            "sub" => {
                let list = args(stack)?;
                list.split_first()
                    .map_or(0.0, |(first, rest)| first - rest.iter().sum::<f64>())
            }
            "div" => {
                let list = args(stack)?;
                list.split_first().map_or(0.0, |(first, rest)| {
                    rest.iter().fold(*first, |acc, d| acc / d)
                })
            }
            "neg" => {
                let list = args(stack)?;
                arity(&list, 1)?;
                -list[0]
            }
            "exponential" => {
                let list = args(stack)?;
                arity(&list, 2)?;
                1.0 - (-list[0] * list[1]).exp()
            }
            "GLM" => {
                let list = args(stack)?;
                arity(&list, 4)?;
                let (gamma, lambda, mu, t) = (list[0], list[1], list[2], list[3]);
                let total = lambda + mu;
                (lambda - (lambda - gamma * total) * (-total * t).exp()) / total
            }
            "Weibull" => {
                let list = args(stack)?;
                arity(&list, 4)?;
                let (alpha, beta, t0, t) = (list[0], list[1], list[2], list[3]);
                1.0 - (-((t - t0) / alpha).powf(beta)).exp()
            }
            "periodic-test" => {
                let list = args(stack)?;
                if list.len() != 4 {
                    return Err(self.error(
                        file,
                        node,
                        format!(
                            "<periodic-test> with {} arguments is not supported (only λ, τ, θ, t)",
                            list.len()
                        ),
                    ));
                }
                // Failure rate λ, test interval τ, first test θ, time t: a component tested and
                // repaired at θ, θ+τ, ...; unavailable with the probability of failing since the
                // last test.
                let (lambda, tau, theta, t) = (list[0], list[1], list[2], list[3]);
                let since = if t <= theta || tau <= 0.0 {
                    t
                } else {
                    (t - theta) % tau
                };
                1.0 - (-lambda * since).exp()
            }
            // Point values of random deviates: their means, as a point analysis uses them.
            "normal-deviate" => {
                let list = args(stack)?;
                arity(&list, 2)?;
                list[0]
            }
            "lognormal-deviate" => {
                let list = args(stack)?;
                if list.len() != 3 && list.len() != 2 {
                    return Err(self.error(
                        file,
                        node,
                        "<lognormal-deviate> takes 2 or 3 arguments".into(),
                    ));
                }
                list[0]
            }
            "uniform-deviate" => {
                let list = args(stack)?;
                arity(&list, 2)?;
                (list[0] + list[1]) / 2.0
            }
            "beta-deviate" => {
                let list = args(stack)?;
                arity(&list, 2)?;
                list[0] / (list[0] + list[1])
            }
            "gamma-deviate" => {
                let list = args(stack)?;
                arity(&list, 2)?;
                list[0] * list[1]
            }
            other => {
                return Err(self.error(
                    file,
                    node,
                    format!("the expression <{other}> is not supported"),
                ));
            }
        })
    }
}

struct Lookup<'m> {
    gates: &'m HashMap<String, usize>,
    events: &'m HashMap<String, usize>,
}

fn near<'n>(name: &str, known: impl Iterator<Item = &'n String>) -> Option<&'n String> {
    let lower = name.to_lowercase();
    known.filter(|k| k.to_lowercase() == lower).min()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_small_tree_with_parameters_and_house_events() {
        let text = r#"<?xml version="1.0"?>
<opsa-mef>
  <define-fault-tree name="t">
    <define-gate name="top">
      <or><gate name="g"/><basic-event name="c"/><house-event name="h"/></or>
    </define-gate>
    <define-gate name="g"><atleast min="2"><event name="a"/><event name="b"/><event name="c"/></atleast></define-gate>
    <define-house-event name="h"><constant value="false"/></define-house-event>
  </define-fault-tree>
  <model-data>
    <define-basic-event name="a"><float value="0.1"/></define-basic-event>
    <define-basic-event name="b"><mul><parameter name="p"/><float value="2"/></mul></define-basic-event>
    <define-basic-event name="c"><exponential><float value="1e-4"/><system-mission-time/></exponential></define-basic-event>
    <define-parameter name="p"><float value="0.1"/></define-parameter>
  </model-data>
</opsa-mef>"#;
        let tree = read(
            &[Input {
                name: "t.xml",
                text,
            }],
            &Settings::default(),
        )
        .unwrap();
        assert_eq!(tree.gates.len(), 2);
        assert_eq!(tree.events[1].probability, 0.2);
        assert!((tree.events[2].probability - (1.0 - (-0.876f64).exp())).abs() < 1e-12);
        assert_eq!(tree.top_gates(), vec![0]);
    }

    #[test]
    fn unknown_constructs_are_located_errors() {
        let text = "<opsa-mef>\n  <define-fault-tree name=\"t\">\n    <define-gate name=\"top\"><or><gate name=\"missing\"/></or></define-gate>\n  </define-fault-tree>\n</opsa-mef>";
        let error = read(
            &[Input {
                name: "t.xml",
                text,
            }],
            &Settings::default(),
        )
        .unwrap_err();
        assert_eq!((error.line, error.column), (3, 33));
        assert!(error.message.contains("no gate `missing`"), "{error}");
        let error = read(
            &[Input {
                name: "t.xml",
                text: "<opsa-mef><define-CCF-group name=\"x\"/></opsa-mef>",
            }],
            &Settings::default(),
        )
        .unwrap_err();
        assert!(error.message.contains("not supported"), "{error}");
        let error = read(
            &[Input {
                name: "t.xml",
                text: "<opsa-mef>",
            }],
            &Settings::default(),
        )
        .unwrap_err();
        assert!(error.message.contains("not well-formed"), "{error}");
    }
}
