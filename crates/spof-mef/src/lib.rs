//! Open-PSA Model Exchange Format (MEF) fault trees to [`FaultTree`]. Reads one or more XML
//! texts (a tree and the file of its basic events, say) as one model: gates with nested
//! formulas (and, or, atleast, not, xor, nand, nor, iff, imply, null, constants), basic events
//! with probabilities given as numbers, parameters or expressions, house events, and
//! common-cause failure groups (beta-factor, MGL, alpha-factor, phi-factor), expanded into CCF
//! events as SCRAM expands them.
//!
//! What is not supported (event trees alone, substitutions, deviates without a mean...) is a located error, never a silently different answer. No I/O: callers
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
    /// A member of the common-cause group at this index of `Reader::groups`.
    CcfMember(usize),
}

/// A `define-CCF-group` as read: its members' qualified names, in the order given.
struct CcfGroup<'a, 'input> {
    file: usize,
    node: Node<'a, 'input>,
    name: String,
    model: CcfModel,
    members: Vec<String>,
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
        groups: Vec::new(),
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
    groups: Vec<CcfGroup<'a, 'input>>,
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

    /// Records a definition; returns its qualified name.
    fn define(
        &mut self,
        file: usize,
        node: Node<'a, 'input>,
        definition: Definition<'a, 'input>,
        scope: &[String],
        private: bool,
    ) -> Result<String, MefError> {
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
        if let Some(first) = self.places.get(&name) {
            let first_file = &self.inputs[first.file].name;
            // A basic event declared without a value and defined elsewhere (with a value, or
            // as a member of a common-cause group) is fine.
            let replaceable = matches!(
                self.definitions.get(&name),
                Some((_, Definition::Basic(None)))
            ) && matches!(
                definition,
                Definition::Basic(Some(_)) | Definition::CcfMember(_)
            );
            if !replaceable {
                if matches!(definition, Definition::Basic(None)) {
                    return Ok(name);
                }
                let what = match self.definitions.get(&name) {
                    Some((_, Definition::CcfMember(group))) => {
                        format!(" (a member of CCF group `{}`)", self.groups[*group].name)
                    }
                    _ => String::new(),
                };
                return Err(self.error(
                    file,
                    node,
                    format!(
                        "`{name}` is defined twice (first at {first_file}:{}:{}{what})",
                        first.line, first.column
                    ),
                ));
            }
        }
        self.scopes.insert(name.clone(), scope.to_vec());
        let order = self.definitions.len();
        self.places.insert(name.clone(), self.place(file, node));
        self.definitions.insert(name.clone(), (order, definition));
        Ok(name)
    }

    /// Reads a `define-CCF-group`: its members become definitions of their own (basic events
    /// that the group expands); the distribution and factors are read when the model is built.
    fn collect_ccf_group(
        &mut self,
        file: usize,
        node: Node<'a, 'input>,
        scope: &[String],
        private: bool,
    ) -> Result<(), MefError> {
        let name = self.name_of(file, node)?;
        let model = match node.attribute("model") {
            Some("beta-factor") => CcfModel::BetaFactor,
            Some("MGL") => CcfModel::Mgl,
            Some("alpha-factor") => CcfModel::AlphaFactor,
            Some("phi-factor") => CcfModel::PhiFactor,
            Some(other) => {
                return Err(self.error(
                    file,
                    node,
                    format!(
                        "CCF group `{name}` has model \"{other}\"; the models are beta-factor, MGL, alpha-factor and phi-factor"
                    ),
                ));
            }
            None => {
                return Err(self.error(
                    file,
                    node,
                    format!(
                        "CCF group `{name}` has no model attribute (beta-factor, MGL, alpha-factor or phi-factor)"
                    ),
                ));
            }
        };
        let private = match node.attribute("role") {
            Some("private") => true,
            Some("public") => false,
            _ => private,
        };
        let Some(members) = node
            .children()
            .find(|c| c.is_element() && c.tag_name().name() == "members")
        else {
            return Err(self.error(file, node, format!("CCF group `{name}` has no <members>")));
        };
        let index = self.groups.len();
        self.groups.push(CcfGroup {
            file,
            node,
            name: name.clone(),
            model,
            members: Vec::new(),
        });
        for member in members.children().filter(Node::is_element) {
            if member.tag_name().name() != "basic-event" {
                return Err(self.error(
                    file,
                    member,
                    format!(
                        "the members of CCF group `{name}` are basic events (<basic-event name=\"...\"/>), not <{}>",
                        member.tag_name().name()
                    ),
                ));
            }
            let qualified =
                self.define(file, member, Definition::CcfMember(index), scope, private)?;
            self.groups[index].members.push(qualified);
        }
        Ok(())
    }

    /// The one expression inside `node` (labels and attributes aside).
    fn only_expression<'n>(
        &self,
        file: usize,
        node: Node<'n, 'input>,
        what: &str,
    ) -> Result<Node<'n, 'input>, MefError> {
        let mut values = node
            .children()
            .filter(Node::is_element)
            .filter(|c| !matches!(c.tag_name().name(), "label" | "attributes"));
        match (values.next(), values.next()) {
            (Some(value), None) => Ok(value),
            _ => Err(self.error(
                file,
                node,
                format!("{what} must hold exactly one expression"),
            )),
        }
    }

    /// Checks a CCF group and expands it: the probabilities of its CCF events by level, from
    /// its distribution and factors.
    fn ccf_levels(&self, group: &CcfGroup) -> Result<Vec<(usize, f64)>, MefError> {
        let (file, node, name) = (group.file, group.node, &group.name);
        let n = group.members.len();
        if n < 2 {
            return Err(self.error(
                file,
                node,
                format!("CCF group `{name}` has {n} member(s); it needs at least 2"),
            ));
        }
        let Some(distribution) = node
            .children()
            .find(|c| c.is_element() && c.tag_name().name() == "distribution")
        else {
            return Err(self.error(
                file,
                node,
                format!(
                    "CCF group `{name}` has no <distribution> (the probability of each member)"
                ),
            ));
        };
        let value = self.only_expression(file, distribution, "<distribution>")?;
        let q = self.expression(file, value, &mut Vec::new())?;
        if !(0.0..=1.0).contains(&q) {
            return Err(self.error(
                file,
                distribution,
                format!("the distribution of CCF group `{name}` is {q}, outside 0 to 1"),
            ));
        }
        let mut factor_nodes = Vec::new();
        for child in node.children().filter(Node::is_element) {
            match child.tag_name().name() {
                "factor" => factor_nodes.push(child),
                "factors" => {
                    for f in child.children().filter(Node::is_element) {
                        if f.tag_name().name() != "factor" {
                            return Err(self.error(
                                file,
                                f,
                                format!(
                                    "<factors> holds <factor> elements, not <{}>",
                                    f.tag_name().name()
                                ),
                            ));
                        }
                        factor_nodes.push(f);
                    }
                }
                "members" | "distribution" | "label" | "attributes" => {}
                other => {
                    return Err(self.error(
                        file,
                        child,
                        format!("<{other}> is not part of a CCF group"),
                    ));
                }
            }
        }
        let model = group.model;
        let min_level = model.min_level(n);
        let mut factors: Vec<Option<f64>> = Vec::new();
        let mut previous: Option<usize> = None;
        for f in factor_nodes {
            let level = match f.attribute("level") {
                Some(text) => text
                    .trim()
                    .parse::<usize>()
                    .ok()
                    .filter(|l| *l > 0)
                    .ok_or_else(|| {
                        self.error(
                            file,
                            f,
                            format!("a factor's level is a whole number from 1, not \"{text}\""),
                        )
                    })?,
                None => previous.map_or(min_level, |p| p + 1),
            };
            if level < min_level || level > n {
                let range = if model == CcfModel::BetaFactor {
                    format!(
                        "a beta-factor group's one factor is at level {n}, its number of members"
                    )
                } else {
                    format!(
                        "the levels of a {model} group of {n} members run from {min_level} to {n}"
                    )
                };
                return Err(self.error(
                    file,
                    f,
                    format!("CCF group `{name}` has a factor at level {level}; {range}"),
                ));
            }
            let value = self.only_expression(file, f, "<factor>")?;
            let v = self.expression(file, value, &mut Vec::new())?;
            if !(0.0..=1.0).contains(&v) {
                return Err(self.error(
                    file,
                    f,
                    format!(
                        "the factor at level {level} of CCF group `{name}` is {v}, outside 0 to 1"
                    ),
                ));
            }
            let index = level - min_level;
            if factors.len() <= index {
                factors.resize(index + 1, None);
            }
            if factors[index].is_some() {
                return Err(self.error(
                    file,
                    f,
                    format!("CCF group `{name}` has a second factor at level {level}"),
                ));
            }
            factors[index] = Some(v);
            previous = Some(level);
        }
        if factors.is_empty() {
            return Err(self.error(file, node, format!("CCF group `{name}` has no factors")));
        }
        let factors: Vec<f64> = factors
            .iter()
            .enumerate()
            .map(|(i, f)| {
                f.ok_or_else(|| {
                    self.error(
                        file,
                        node,
                        format!(
                            "CCF group `{name}` has no factor at level {} (a {model} group needs every level from {min_level} up to its highest)",
                            i + min_level
                        ),
                    )
                })
            })
            .collect::<Result<_, _>>()?;
        match model {
            CcfModel::PhiFactor => {
                let sum: f64 = factors.iter().sum();
                if (sum - 1.0).abs() > 1e-4 {
                    return Err(self.error(
                        file,
                        node,
                        format!("the phi factors of CCF group `{name}` sum to {sum}, not 1"),
                    ));
                }
            }
            CcfModel::AlphaFactor => {
                if factors.iter().all(|a| *a == 0.0) {
                    return Err(self.error(
                        file,
                        node,
                        format!("the alpha factors of CCF group `{name}` are all zero"),
                    ));
                }
            }
            CcfModel::BetaFactor | CcfModel::Mgl => {}
        }
        let levels = ccf_probabilities(model, n, q, &factors);
        let events: f64 = levels.iter().map(|(k, _)| choose(n, *k)).sum();
        if events > MAX_CCF_EVENTS as f64 {
            return Err(self.error(
                file,
                node,
                format!(
                    "CCF group `{name}` expands into {events} events, more than {MAX_CCF_EVENTS}; split the group or lower its highest factor level"
                ),
            ));
        }
        Ok(levels)
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
                "define-gate" => {
                    self.define(file, node, Definition::Gate(node), scope, private)?;
                }
                "define-basic-event" => {
                    let value = node
                        .children()
                        .filter(Node::is_element)
                        .find(|c| !matches!(c.tag_name().name(), "label" | "attributes"));
                    self.define(file, node, Definition::Basic(value), scope, private)?;
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
                    self.define(file, node, Definition::House(state), scope, private)?;
                }
                "define-parameter" => {
                    let value = node
                        .children()
                        .filter(Node::is_element)
                        .find(|c| !matches!(c.tag_name().name(), "label" | "attributes"));
                    match value {
                        Some(v) => {
                            self.define(file, node, Definition::Parameter(v), scope, private)?;
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
                "define-CCF-group" => self.collect_ccf_group(file, node, scope, private)?,
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
                Definition::House(_) | Definition::Parameter(_) | Definition::CcfMember(_) => {}
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
        // Each member of a CCF group stands for the OR of the group's CCF events that contain
        // it: one for each subset of the members at a level the model gives a probability,
        // named by its members (`[PumpOne PumpTwo]`), subsets in lexicographic order.
        let mut member_events: HashMap<String, Vec<usize>> = HashMap::new();
        for group in &self.groups {
            let levels = self.ccf_levels(group)?;
            for (level, probability) in levels {
                combinations(group.members.len(), level, |subset| {
                    let names: Vec<&str> =
                        subset.iter().map(|&i| group.members[i].as_str()).collect();
                    let event = tree.events.len();
                    tree.events.push(BasicEvent {
                        name: format!("[{}]", names.join(" ")),
                        probability,
                    });
                    for name in names {
                        member_events
                            .entry(name.to_string())
                            .or_default()
                            .push(event);
                    }
                });
            }
        }
        let lookup = Lookup {
            gates: &gate_index,
            events: &event_index,
            members: &member_events,
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
                if matches!(name, "basic-event" | "event")
                    && let Some(events) = lookup.members.get(&target)
                {
                    return Ok(Formula::Or(
                        events.iter().map(|&e| Formula::Event(e)).collect(),
                    ));
                }
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
    /// The CCF events each member of a CCF group stands for.
    members: &'m HashMap<String, Vec<usize>>,
}

/// The most events one CCF group may expand into.
const MAX_CCF_EVENTS: usize = 100_000;

/// The common-cause failure models of the MEF.
#[derive(Clone, Copy, Debug, PartialEq)]
enum CcfModel {
    BetaFactor,
    Mgl,
    AlphaFactor,
    PhiFactor,
}

impl CcfModel {
    /// The level of the first factor: β is given at the level of all `n` members, the MGL
    /// factors from level 2 (β, γ, δ...), alpha and phi factors from level 1.
    fn min_level(self, n: usize) -> usize {
        match self {
            CcfModel::BetaFactor => n,
            CcfModel::Mgl => 2,
            CcfModel::AlphaFactor | CcfModel::PhiFactor => 1,
        }
    }
}

impl fmt::Display for CcfModel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            CcfModel::BetaFactor => "beta-factor",
            CcfModel::Mgl => "MGL",
            CcfModel::AlphaFactor => "alpha-factor",
            CcfModel::PhiFactor => "phi-factor",
        })
    }
}

/// n choose k, as a float (exact for the sizes CCF groups have).
fn choose(n: usize, k: usize) -> f64 {
    if k > n {
        return 0.0;
    }
    let k = k.min(n - k);
    (0..k).fold(1.0, |acc, i| acc * (n - i) as f64 / (i + 1) as f64)
}

/// The probability of each CCF event of a group of `n` members by its level (the number of
/// members it fails), from the total failure probability `q` of a member and the factors from
/// the model's first level up (checked by the caller). Levels the model gives no probability
/// get no events. As SCRAM computes them:
/// - beta-factor: Q1 = (1 − β)Q, Qn = βQ;
/// - MGL (factors β, γ, δ... for levels 2, 3, 4...; ρ1 = 1 and ρ(m+1) = 0 past the last):
///   Qk = ρ1···ρk (1 − ρ(k+1)) Q / C(n−1, k−1);
/// - alpha-factor (non-staggered testing): Qk = k / C(n−1, k−1) · αk / αt · Q with
///   αt = Σ k αk;
/// - phi-factor: Qk = φk Q.
fn ccf_probabilities(model: CcfModel, n: usize, q: f64, factors: &[f64]) -> Vec<(usize, f64)> {
    match model {
        CcfModel::BetaFactor => {
            let beta = factors[0];
            vec![(1, (1.0 - beta) * q), (n, beta * q)]
        }
        CcfModel::Mgl => {
            let max_level = factors.len() + 1;
            (0..max_level)
                .map(|i| {
                    let mut p = q / choose(n - 1, i);
                    p *= factors[..i].iter().product::<f64>();
                    if i + 1 < max_level {
                        p *= 1.0 - factors[i];
                    }
                    (i + 1, p)
                })
                .collect()
        }
        CcfModel::AlphaFactor => {
            let total: f64 = factors
                .iter()
                .enumerate()
                .map(|(i, a)| (i + 1) as f64 * a)
                .sum();
            factors
                .iter()
                .enumerate()
                .map(|(i, a)| {
                    let k = (i + 1) as f64;
                    (i + 1, k / choose(n - 1, i) * a / total * q)
                })
                .collect()
        }
        CcfModel::PhiFactor => factors
            .iter()
            .enumerate()
            .map(|(i, phi)| (i + 1, phi * q))
            .collect(),
    }
}

/// Calls `visit` with each `k`-subset of `0..n`, in lexicographic order.
fn combinations(n: usize, k: usize, mut visit: impl FnMut(&[usize])) {
    if k == 0 || k > n {
        return;
    }
    let mut subset: Vec<usize> = (0..k).collect();
    loop {
        visit(&subset);
        let mut i = k;
        while i > 0 && subset[i - 1] == n - k + i - 1 {
            i -= 1;
        }
        if i == 0 {
            return;
        }
        subset[i - 1] += 1;
        for j in i..k {
            subset[j] = subset[j - 1] + 1;
        }
    }
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
                text: "<opsa-mef><define-substitution name=\"x\"/></opsa-mef>",
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

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-15
    }

    #[test]
    fn beta_factor_probabilities() {
        // Q = 0.1, β = 0.2, 3 members: independent (1 − β)Q, all three βQ, no pairs.
        let levels = ccf_probabilities(CcfModel::BetaFactor, 3, 0.1, &[0.2]);
        assert_eq!(levels.len(), 2);
        assert_eq!(levels[0].0, 1);
        assert!(close(levels[0].1, 0.08));
        assert_eq!(levels[1].0, 3);
        assert!(close(levels[1].1, 0.02));
    }

    #[test]
    fn mgl_probabilities() {
        // Q = 0.1, β = 0.2, γ = 0.1, 3 members: Q1 = (1 − β)Q, Q2 = β(1 − γ)Q / 2,
        // Q3 = βγQ.
        let levels = ccf_probabilities(CcfModel::Mgl, 3, 0.1, &[0.2, 0.1]);
        let expected = [0.08, 0.2 * 0.9 * 0.1 / 2.0, 0.2 * 0.1 * 0.1];
        assert_eq!(levels.len(), 3);
        for (i, (level, p)) in levels.iter().enumerate() {
            assert_eq!(*level, i + 1);
            assert!(close(*p, expected[i]), "level {level}: {p}");
        }
        // Four members, factors up to level 3 only: no events of all four.
        let levels = ccf_probabilities(CcfModel::Mgl, 4, 0.1, &[0.2, 0.1]);
        let expected = [0.08, 0.2 * 0.9 * 0.1 / 3.0, 0.2 * 0.1 * 0.1 / 3.0];
        assert_eq!(levels.len(), 3);
        for (i, (_, p)) in levels.iter().enumerate() {
            assert!(close(*p, expected[i]), "level {}: {p}", i + 1);
        }
    }

    #[test]
    fn alpha_factor_probabilities() {
        // Q = 0.1, α = 0.7, 0.2, 0.1, 3 members: αt = 0.7 + 0.4 + 0.3 = 1.4;
        // Qk = k / C(2, k − 1) · αk / αt · Q.
        let levels = ccf_probabilities(CcfModel::AlphaFactor, 3, 0.1, &[0.7, 0.2, 0.1]);
        let expected = [
            0.7 / 1.4 * 0.1,
            2.0 / 2.0 * 0.2 / 1.4 * 0.1,
            3.0 * 0.1 / 1.4 * 0.1,
        ];
        for (i, (level, p)) in levels.iter().enumerate() {
            assert_eq!(*level, i + 1);
            assert!(close(*p, expected[i]), "level {level}: {p}");
        }
        // The failure probability of one member adds back to Q when every level is given:
        // Σ C(n − 1, k − 1) Qk = Q.
        let total: f64 = levels.iter().map(|(k, p)| choose(2, k - 1) * p).sum();
        assert!(close(total, 0.1), "{total}");
    }

    #[test]
    fn phi_factor_probabilities() {
        let levels = ccf_probabilities(CcfModel::PhiFactor, 3, 0.1, &[0.7, 0.2, 0.1]);
        let expected = [0.07, 0.02, 0.01];
        for (i, (level, p)) in levels.iter().enumerate() {
            assert_eq!(*level, i + 1);
            assert!(close(*p, expected[i]), "level {level}: {p}");
        }
    }

    #[test]
    fn subsets_in_lexicographic_order() {
        let mut seen = Vec::new();
        combinations(4, 2, |s| seen.push(s.to_vec()));
        assert_eq!(
            seen,
            vec![
                vec![0, 1],
                vec![0, 2],
                vec![0, 3],
                vec![1, 2],
                vec![1, 3],
                vec![2, 3]
            ]
        );
        let mut count = 0;
        combinations(3, 3, |_| count += 1);
        combinations(3, 4, |_| count += 10);
        assert_eq!(count, 1);
    }

    fn ccf_model(group: &str) -> Result<FaultTree, MefError> {
        let text = format!(
            "<opsa-mef>\n<define-fault-tree name=\"t\">\n<define-gate name=\"top\"><and><basic-event name=\"a\"/><basic-event name=\"b\"/></and></define-gate>\n<define-gate name=\"g\"><or><basic-event name=\"a\"/></or></define-gate>\n</define-fault-tree>\n{group}\n</opsa-mef>"
        );
        read(
            &[Input {
                name: "ccf.xml",
                text: &text,
            }],
            &Settings::default(),
        )
    }

    #[test]
    fn a_ccf_group_expands_its_members() {
        let tree = ccf_model(
            r#"<define-CCF-group name="ab" model="beta-factor"><members><basic-event name="a"/><basic-event name="b"/></members><distribution><float value="0.1"/></distribution><factor level="2"><float value="0.2"/></factor></define-CCF-group>"#,
        )
        .unwrap();
        let names: Vec<&str> = tree.events.iter().map(|e| e.name.as_str()).collect();
        assert_eq!(names, ["[a]", "[b]", "[a b]"]);
        assert!(close(tree.events[0].probability, 0.08));
        assert!(close(tree.events[2].probability, 0.02));
        assert_eq!(
            tree.gates[0].formula,
            Formula::And(vec![
                Formula::Or(vec![Formula::Event(0), Formula::Event(2)]),
                Formula::Or(vec![Formula::Event(1), Formula::Event(2)]),
            ])
        );
        assert_eq!(tree.top_gates(), vec![0, 1]);
    }

    #[test]
    fn bad_ccf_groups_are_located_errors() {
        let members = r#"<members><basic-event name="a"/><basic-event name="b"/></members><distribution><float value="0.1"/></distribution>"#;
        for (group, message) in [
            (
                format!(r#"<define-CCF-group name="x" model="gamma">{members}</define-CCF-group>"#),
                "the models are",
            ),
            (
                format!(r#"<define-CCF-group name="x">{members}</define-CCF-group>"#),
                "no model attribute",
            ),
            (
                r#"<define-CCF-group name="x" model="beta-factor"><members><gate name="a"/></members></define-CCF-group>"#.to_string(),
                "are basic events",
            ),
            (
                r#"<define-CCF-group name="x" model="beta-factor"><members><basic-event name="a"/><basic-event name="a"/></members></define-CCF-group>"#.to_string(),
                "defined twice",
            ),
            (
                r#"<define-CCF-group name="x" model="beta-factor"><members><basic-event name="top"/><basic-event name="a"/></members></define-CCF-group>"#.to_string(),
                "defined twice",
            ),
            (
                r#"<define-CCF-group name="x" model="beta-factor"><members><basic-event name="a"/></members><distribution><float value="0.1"/></distribution><factor level="1"><float value="0.2"/></factor></define-CCF-group>"#.to_string(),
                "at least 2",
            ),
            (
                format!(r#"<define-CCF-group name="x" model="beta-factor">{members}<factor level="1"><float value="0.2"/></factor></define-CCF-group>"#),
                "one factor is at level 2",
            ),
            (
                format!(r#"<define-CCF-group name="x" model="alpha-factor">{members}<factors><factor level="1"><float value="0.9"/></factor><factor level="3"><float value="0.1"/></factor></factors></define-CCF-group>"#),
                "run from 1 to 2",
            ),
            (
                format!(r#"<define-CCF-group name="x" model="MGL">{members}<factors><factor level="1"><float value="0.9"/></factor></factors></define-CCF-group>"#),
                "run from 2 to 2",
            ),
            (
                format!(r#"<define-CCF-group name="x" model="alpha-factor">{members}<factors><factor level="2"><float value="0.1"/></factor></factors></define-CCF-group>"#),
                "no factor at level 1",
            ),
            (
                format!(r#"<define-CCF-group name="x" model="alpha-factor">{members}<factors><factor level="1"><float value="0.9"/></factor><factor level="1"><float value="0.1"/></factor></factors></define-CCF-group>"#),
                "second factor",
            ),
            (
                format!(r#"<define-CCF-group name="x" model="alpha-factor">{members}<factors><factor level="two"><float value="0.9"/></factor></factors></define-CCF-group>"#),
                "whole number",
            ),
            (
                format!(r#"<define-CCF-group name="x" model="phi-factor">{members}<factors><factor><float value="0.9"/></factor><factor><float value="0.2"/></factor></factors></define-CCF-group>"#),
                "sum to",
            ),
            (
                format!(r#"<define-CCF-group name="x" model="alpha-factor">{members}<factors><factor><float value="0"/></factor><factor><float value="0"/></factor></factors></define-CCF-group>"#),
                "all zero",
            ),
            (
                format!(r#"<define-CCF-group name="x" model="MGL">{members}<factors><factor><float value="1.5"/></factor></factors></define-CCF-group>"#),
                "outside 0 to 1",
            ),
            (
                format!(r#"<define-CCF-group name="x" model="MGL">{members}</define-CCF-group>"#),
                "no factors",
            ),
            (
                r#"<define-CCF-group name="x" model="MGL"><members><basic-event name="a"/><basic-event name="b"/></members><factor><float value="0.1"/></factor></define-CCF-group>"#.to_string(),
                "no <distribution>",
            ),
            (
                r#"<define-CCF-group name="x" model="MGL"><members><basic-event name="a"/><basic-event name="b"/></members><distribution><float value="2"/></distribution><factor><float value="0.1"/></factor></define-CCF-group>"#.to_string(),
                "outside 0 to 1",
            ),
            (
                format!(r#"<define-CCF-group name="x" model="MGL">{members}<factor/></define-CCF-group>"#),
                "exactly one expression",
            ),
            (
                format!(r#"<define-CCF-group name="x" model="beta-factor">{members}<factor><float value="0.1"/></factor></define-CCF-group><define-basic-event name="a"><float value="0.3"/></define-basic-event>"#),
                "member of CCF group `x`",
            ),
        ] {
            let error = ccf_model(&group).expect_err(&group);
            assert!(error.message.contains(message), "{group}: {error}");
            assert!(error.line >= 6 && error.column > 0, "{group}: {error}");
        }
        // A member also declared as a basic event without a value is the same event.
        let tree = ccf_model(&format!(
            r#"<define-basic-event name="a"/><define-CCF-group name="x" model="beta-factor">{members}<factor><float value="0.1"/></factor></define-CCF-group>"#
        ))
        .unwrap();
        assert_eq!(tree.events.len(), 3);
    }
}
