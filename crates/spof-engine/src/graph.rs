//! The fault graph: the model compiled to basic events and gates, in flat arrays.
//!
//! Basic events are every instance of a component that is not managed, every failure domain,
//! every whole-component event (an all-at-once deploy, a certificate renewed by hand that
//! expires) and every person. Gates are instances (own event, domains, whole-component events
//! and hard dependencies), components (k of n instances) and journeys (all of their path).
//!
//! Instances of a component that sit in the same domains fail on the same domain events, so
//! they are kept as groups with a count: the analysis works per group, not per instance, and
//! stays linear in the number of instances.

use spof_model::{
    ComponentId, DeployStrategy, DomainId, DomainKind, Failover, Kind, Model, PersonId, Redundancy,
    Renewal, Scope, Step,
};
use std::collections::HashMap;

pub type EventId = u32;

/// What a basic event is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum EventKind {
    Instance {
        component: ComponentId,
        instance: u32,
    },
    Domain(DomainId),
    /// One bad all-at-once deploy fails every instance of the component.
    Deploy(ComponentId),
    /// A certificate renewed by hand expires unnoticed.
    Expiry(ComponentId),
    /// A person is unavailable (asleep, on leave, gone).
    Person(PersonId),
}

/// Instances of one component with the same placement.
#[derive(Clone, Debug)]
pub struct Group {
    /// Domain events of the placement, with every enclosing domain, sorted.
    pub domain_events: Vec<EventId>,
    /// For each scoped dependency (in the order of `ComponentNode::scoped`), the domain of
    /// the scope's level this group sits in.
    pub scope_domains: Vec<Option<DomainId>>,
    /// The member instances (indices into the component's instances).
    pub members: Vec<u32>,
}

#[derive(Clone, Debug)]
pub struct ComponentNode {
    pub n: usize,
    /// How many instance failures fail the component: n - min_healthy + 1.
    pub threshold: usize,
    pub groups: Vec<Group>,
    /// The group of each instance.
    pub group_of: Vec<u32>,
    /// The first instance event, when instances have events of their own (not managed).
    pub first_instance_event: Option<EventId>,
    /// Whole-component events (deploy, expiry).
    pub wide_events: Vec<EventId>,
    /// Hard dependencies that every instance shares.
    pub hard: Vec<ComponentId>,
    /// Scoped hard dependencies: each instance uses the target's instances in its own domain of
    /// the level.
    pub scoped: Vec<(ComponentId, Scope)>,
    pub optional: Vec<ComponentId>,
    /// Start-up dependencies (`startup: true`): they take nothing down; an instance hit while
    /// one is down cannot restart until it is back.
    pub startup: Vec<ComponentId>,
    pub active_passive: Option<Failover>,
    pub primary: u32,
    /// True when a manual failover is needed and the model's people include nobody able to do
    /// it: the component then stays down until repair.
    pub nobody_can_fail_over: bool,
    /// The events of the people able to perform the manual failover.
    pub failover_people: Vec<EventId>,
    /// Active-active without health checks: a dead instance keeps getting traffic.
    pub no_health_check: bool,
    /// How long the failover of an active-passive component takes (zero otherwise).
    pub failover_time: spof_model::Duration,
}

#[derive(Clone, Debug)]
pub struct FaultGraph {
    pub events: Vec<EventKind>,
    pub components: Vec<ComponentNode>,
    pub domain_events: Vec<EventId>,
    /// How many domains enclose each domain (0 for the outermost), by domain id.
    pub domain_depth: Vec<u32>,
    pub person_events: Vec<EventId>,
    /// Components in dependency order (dependencies first), grouped into strongly connected
    /// sets: a set of more than one is a dependency cycle.
    pub order: Vec<Vec<ComponentId>>,
    /// Per journey: its path, and every component reachable from it through hard dependencies.
    pub journey_paths: Vec<Vec<ComponentId>>,
    pub journey_closures: Vec<Vec<ComponentId>>,
    /// One view per journey when some dependency is request-scoped, else empty.
    pub views: Vec<FaultGraph>,
}

impl FaultGraph {
    pub fn event_count(&self) -> usize {
        self.events.len()
    }

    /// The graph as journey `journey` sees it: with the dependencies made on that journey.
    pub fn for_journey(&self, journey: usize) -> &FaultGraph {
        self.views.get(journey).unwrap_or(self)
    }

    /// The scoped targets of `c`, and theirs in turn (nested scopes), without `c` itself.
    /// Whatever fails every instance of one of them fails every instance of `c` that uses it.
    pub fn scoped_reach(&self, c: ComponentId) -> Vec<ComponentId> {
        let mut out: Vec<ComponentId> = Vec::new();
        let mut stack = vec![c];
        while let Some(x) = stack.pop() {
            for (t, _) in &self.components[x].scoped {
                if *t != c && !out.contains(t) {
                    out.push(*t);
                    stack.push(*t);
                }
            }
        }
        out
    }

    /// The event of an instance, when it has one.
    pub fn instance_event(&self, component: ComponentId, instance: usize) -> Option<EventId> {
        self.components[component]
            .first_instance_event
            .map(|first| first + instance as EventId)
    }
}

/// Compiles a validated model. Cannot fail: the model's types rule out dangling references.
///
/// When some dependency is request-scoped (`journeys:`), every journey gets a view of its own
/// (`FaultGraph::for_journey`): the graph with the dependencies made on that journey. The
/// graph itself then holds every dependency (a component is down when it cannot serve some
/// of its requests), and its journey closures are those of the views.
pub fn compile(model: &Model) -> FaultGraph {
    let mut graph = compile_view(model, None);
    let request_scoped = model
        .components
        .iter()
        .any(|c| c.depends_on.iter().any(|d| d.journeys.is_some()));
    if request_scoped {
        graph.views = (0..model.journeys.len())
            .map(|j| compile_view(model, Some(j)))
            .collect();
        for (j, view) in graph.views.iter().enumerate() {
            graph.journey_closures[j] = view.journey_closures[j].clone();
        }
    }
    graph
}

/// The graph with the dependencies made on `journey` (every dependency when `None`).
fn compile_view(model: &Model, journey: Option<usize>) -> FaultGraph {
    let mut events = Vec::new();
    let domain_events: Vec<EventId> = (0..model.domains.len())
        .map(|d| push(&mut events, EventKind::Domain(d)))
        .collect();
    let domain_depth = domain_depths(model);

    // Person events come last; their ids are known in advance.
    let person_base = (model.domains.len()
        + model
            .components
            .iter()
            .map(|c| {
                (if c.managed || c.kind == Kind::Certificate {
                    0
                } else {
                    c.instances.len()
                }) + usize::from(c.deploy == Some(DeployStrategy::AllAtOnce))
                    + usize::from(
                        c.kind == Kind::Certificate
                            && c.certificate
                                .as_ref()
                                .is_some_and(|x| x.renewal == Some(Renewal::Manual)),
                    )
            })
            .sum::<usize>()) as EventId;
    let mut components = Vec::with_capacity(model.components.len());
    for (c, component) in model.components.iter().enumerate() {
        // Managed services are redundant by design, and a certificate does not fail like a
        // machine: neither has instance events of its own.
        let first_instance_event = if component.managed || component.kind == Kind::Certificate {
            None
        } else {
            let first = events.len() as EventId;
            for i in 0..component.instances.len() {
                events.push(EventKind::Instance {
                    component: c,
                    instance: i as u32,
                });
            }
            Some(first)
        };
        let mut wide_events = Vec::new();
        if component.deploy == Some(DeployStrategy::AllAtOnce) {
            wide_events.push(push(&mut events, EventKind::Deploy(c)));
        }
        if component.kind == Kind::Certificate
            && component
                .certificate
                .as_ref()
                .is_some_and(|cert| cert.renewal == Some(Renewal::Manual))
        {
            wide_events.push(push(&mut events, EventKind::Expiry(c)));
        }
        let mut hard = Vec::new();
        let mut scoped = Vec::new();
        let mut optional = Vec::new();
        let mut startup = Vec::new();
        for dep in &component.depends_on {
            if journey.is_some_and(|j| !dep.applies_to(j)) {
                continue;
            }
            // Needed only to start: no running instance goes down with it (`what_if` says
            // which restarts it blocks).
            if dep.startup {
                startup.push(dep.target);
                continue;
            }
            if dep.is_soft() {
                optional.push(dep.target);
            } else if let Some(scope) = dep
                .scope
                .filter(|s| scope_is_placed(model, c, dep.target, *s))
            {
                scoped.push((dep.target, scope));
            } else {
                hard.push(dep.target);
            }
        }
        // Group instances by placement.
        let mut groups: Vec<Group> = Vec::new();
        let mut group_of = Vec::with_capacity(component.instances.len());
        let mut index: HashMap<&[DomainId], u32> = HashMap::new();
        for (i, instance) in component.instances.iter().enumerate() {
            let g = *index.entry(instance.domains.as_slice()).or_insert_with(|| {
                let mut domain_events: Vec<EventId> = instance
                    .domains
                    .iter()
                    .flat_map(|&d| model.domain_chain(d).map(|x| domain_events[x]))
                    .collect();
                domain_events.sort_unstable();
                domain_events.dedup();
                let scope_domains = scoped
                    .iter()
                    .map(|(_, scope)| domain_at(model, &instance.domains, &scope.kind()))
                    .collect();
                groups.push(Group {
                    domain_events,
                    scope_domains,
                    members: Vec::new(),
                });
                (groups.len() - 1) as u32
            });
            groups[g as usize].members.push(i as u32);
            group_of.push(g);
        }
        let (active_passive, no_health_check) = match component.redundancy {
            Redundancy::ActivePassive { failover, .. } => (Some(failover), false),
            Redundancy::ActiveActive { health_check } => {
                (None, !health_check && component.instances.len() > 1)
            }
        };
        let able = model.people_reached_for(&Step::Failover(c));
        let nobody_can_fail_over =
            active_passive == Some(Failover::Manual) && model.has_people() && able.is_empty();
        let failover_people = able.iter().map(|&p| person_base + p as EventId).collect();
        components.push(ComponentNode {
            n: component.instances.len(),
            threshold: component.instances.len() - component.min_healthy + 1,
            groups,
            group_of,
            first_instance_event,
            wide_events,
            hard,
            scoped,
            optional,
            startup,
            active_passive,
            primary: component.primary as u32,
            nobody_can_fail_over,
            failover_people,
            no_health_check,
            failover_time: component.failover().map(|(_, t)| t).unwrap_or_default(),
        });
    }
    let person_events = (0..model.people.len())
        .map(|p| push(&mut events, EventKind::Person(p)))
        .collect();
    let order = dependency_order(&components);
    let journey_paths: Vec<Vec<ComponentId>> =
        model.journeys.iter().map(|j| j.path.clone()).collect();
    let journey_closures = journey_paths
        .iter()
        .map(|path| hard_closure(&components, path))
        .collect();
    FaultGraph {
        events,
        components,
        domain_events,
        domain_depth,
        person_events,
        order,
        journey_paths,
        journey_closures,
        views: Vec::new(),
    }
}

/// How many domains enclose each domain, in time linear in the number of domains however deep
/// the hierarchy (each depth is computed once, from the nearest known one).
fn domain_depths(model: &Model) -> Vec<u32> {
    const UNKNOWN: u32 = u32::MAX;
    let mut depth = vec![UNKNOWN; model.domains.len()];
    let mut path = Vec::new();
    for d in 0..model.domains.len() {
        let mut at = Some(d);
        while let Some(x) = at.filter(|&x| depth[x] == UNKNOWN) {
            path.push(x);
            at = model.domains[x].parent;
        }
        let mut next = at.map_or(0, |x| depth[x] + 1);
        while let Some(x) = path.pop() {
            depth[x] = next;
            next += 1;
        }
    }
    depth
}

fn push(events: &mut Vec<EventKind>, kind: EventKind) -> EventId {
    events.push(kind);
    (events.len() - 1) as EventId
}

/// The domain of `kind` among `domains` and their ancestors.
fn domain_at(model: &Model, domains: &[DomainId], kind: &DomainKind) -> Option<DomainId> {
    domains
        .iter()
        .flat_map(|&d| model.domain_chain(d))
        .find(|&d| model.domains[d].kind == *kind)
}

/// A scope only means something when every instance of both ends is placed at its level
/// (the model reader warns otherwise, and the dependency is then taken as unscoped).
fn scope_is_placed(model: &Model, from: ComponentId, to: ComponentId, scope: Scope) -> bool {
    let kind = scope.kind();
    [from, to].iter().all(|&c| {
        model.components[c]
            .instances
            .iter()
            .all(|i| domain_at(model, &i.domains, &kind).is_some())
    })
}

/// Every component reachable from `path` through hard (plain or scoped) dependencies, sorted.
pub fn hard_closure(components: &[ComponentNode], path: &[ComponentId]) -> Vec<ComponentId> {
    let mut seen = vec![false; components.len()];
    let mut stack: Vec<ComponentId> = path.to_vec();
    let mut out = Vec::new();
    while let Some(c) = stack.pop() {
        if std::mem::replace(&mut seen[c], true) {
            continue;
        }
        out.push(c);
        let node = &components[c];
        stack.extend(node.hard.iter().copied());
        stack.extend(node.scoped.iter().map(|(t, _)| *t));
    }
    out.sort_unstable();
    out
}

/// Strongly connected sets of the hard-dependency graph in dependency order (Kosaraju's
/// algorithm, like Tarjan's, emits them dependencies first; petgraph's Tarjan recurses per node
/// and overflows the stack on a long dependency chain). Members are sorted so the order is
/// stable.
fn dependency_order(components: &[ComponentNode]) -> Vec<Vec<ComponentId>> {
    use petgraph::graph::DiGraph;
    let mut graph: DiGraph<(), ()> = DiGraph::with_capacity(components.len(), 0);
    let nodes: Vec<_> = (0..components.len()).map(|_| graph.add_node(())).collect();
    for (c, node) in components.iter().enumerate() {
        for &t in node.hard.iter().chain(node.scoped.iter().map(|(t, _)| t)) {
            graph.add_edge(nodes[c], nodes[t], ());
        }
    }
    petgraph::algo::kosaraju_scc(&graph)
        .into_iter()
        .map(|scc| {
            let mut members: Vec<ComponentId> = scc.into_iter().map(|n| n.index()).collect();
            members.sort_unstable();
            members
        })
        .collect()
}

/// The stable id of an event, as users type it: `app/2`, `zone:us-east-1a`, `deploy:app`,
/// `expiry:shop-cert`, `person:alice`.
pub fn event_id(model: &Model, kind: EventKind) -> String {
    match kind {
        EventKind::Instance {
            component,
            instance,
        } => {
            let c = &model.components[component];
            format!("{}/{}", c.name, c.instances[instance as usize].name)
        }
        EventKind::Domain(d) => {
            format!(
                "{}:{}",
                model.domains[d].kind.as_str(),
                model.domains[d].name
            )
        }
        EventKind::Deploy(c) => format!("deploy:{}", model.components[c].name),
        EventKind::Expiry(c) => format!("expiry:{}", model.components[c].name),
        EventKind::Person(p) => format!("person:{}", model.people[p].name),
    }
}

/// A plain-words description of an event: "the only instance of lb", "zone us-east-1a".
pub fn describe_event(model: &Model, kind: EventKind) -> String {
    match kind {
        EventKind::Instance {
            component,
            instance,
        } => {
            let c = &model.components[component];
            if c.instances.len() == 1 {
                format!("the only instance of {}", c.name)
            } else if c.is_active_passive() && c.primary == instance as usize {
                format!("the primary instance of {}", c.name)
            } else if c.is_active_passive() {
                format!("a standby instance of {}", c.name)
            } else {
                format!("one of the {} instances of {}", c.instances.len(), c.name)
            }
        }
        EventKind::Domain(d) => {
            let domain = &model.domains[d];
            match domain
                .common_cause
                .as_ref()
                .and_then(|c| c.description.as_deref())
            {
                Some(description) => format!("common cause {} ({description})", domain.name),
                None if domain.kind == DomainKind::CommonCause => {
                    format!("common cause {}", domain.name)
                }
                None => format!("{} {}", domain.kind.as_str(), domain.name),
            }
        }
        EventKind::Deploy(c) => format!("a bad all-at-once deploy of {}", model.components[c].name),
        EventKind::Expiry(c) => format!(
            "certificate {} expiring unrenewed",
            model.components[c].name
        ),
        EventKind::Person(p) => format!("{} unavailable", model.people[p].name),
    }
}

/// The events a user means by `text`: an event id, or a bare name (a component means all its
/// instances, a domain or a person its event). Errors carry a near-name suggestion.
pub fn resolve_events(
    model: &Model,
    graph: &FaultGraph,
    text: &str,
) -> Result<Vec<EventId>, String> {
    let by_id = graph
        .events
        .iter()
        .position(|&k| event_id(model, k) == text)
        .map(|e| vec![e as EventId]);
    if let Some(found) = by_id {
        return Ok(found);
    }
    // An instance by number (`db/2`) when its instances have names of their own.
    if let Some((name, number)) = text.rsplit_once('/')
        && let (Some(c), Ok(number)) = (model.component(name), number.parse::<usize>())
        && (1..=graph.components[c].n).contains(&number)
        && let Some(event) = graph.instance_event(c, number - 1)
    {
        return Ok(vec![event]);
    }
    if let Some(c) = model.component(text) {
        let node = &graph.components[c];
        return match node.first_instance_event {
            Some(first) => Ok((first..first + node.n as EventId).collect()),
            None => Err(format!(
                "`{text}` is managed (or a certificate): it has no failure events of its own; fail one of its domains instead"
            )),
        };
    }
    if let Some(d) = model.domain(text) {
        return Ok(vec![graph.domain_events[d]]);
    }
    if let Some(p) = model.person(text) {
        return Ok(vec![graph.person_events[p]]);
    }
    let names: Vec<String> = model
        .components
        .iter()
        .map(|c| c.name.clone())
        .chain(model.domains.iter().map(|d| d.name.clone()))
        .chain(model.people.iter().map(|p| p.name.clone()))
        .chain(
            graph
                .events
                .iter()
                .take(10_000)
                .map(|&k| event_id(model, k)),
        )
        .collect();
    let hint = spof_model::suggest(text, names.iter().map(String::as_str))
        .map(|n| format!("; did you mean `{n}`?"))
        .unwrap_or_default();
    Err(format!(
        "no component, domain, person or event `{text}`{hint}"
    ))
}
