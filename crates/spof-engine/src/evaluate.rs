//! The structure function, evaluated directly: given a set of failed basic events, which
//! components and journeys are down in each phase of recovery. It is the definition the fast
//! single-failure analysis must agree with (the property tests check that), and it answers
//! `spof whatif` for any number of events at once.
//!
//! Phases: right after the failure (`Immediate`), after automatic failovers complete
//! (`AfterAutomatic`), and after the manual steps are done (`AfterManual`). What is still down
//! after the manual steps stays down until repair.
//!
//! Dependency cycles take the least fixed point: starting from everything up, a component goes
//! down only when forced by failed events, so a cycle alone fails nothing while a failure
//! anywhere on it goes all the way round.

use crate::graph::{ComponentNode, FaultGraph};
use spof_model::{ComponentId, DomainId, Failover};

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Phase {
    Immediate = 0,
    AfterAutomatic = 1,
    AfterManual = 2,
}

impl Phase {
    pub const ALL: [Phase; 3] = [Phase::Immediate, Phase::AfterAutomatic, Phase::AfterManual];
}

/// One value for each recovery phase, indexed by the phase (never by a number).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PerPhase<T>([T; 3]);

impl<T> PerPhase<T> {
    /// The value of each phase from `f`.
    pub fn from_fn(mut f: impl FnMut(Phase) -> T) -> PerPhase<T> {
        PerPhase(Phase::ALL.map(&mut f))
    }

    /// The phases with their values, in order.
    pub fn iter(&self) -> impl Iterator<Item = (Phase, &T)> {
        Phase::ALL.into_iter().zip(self.0.iter())
    }
}

impl<T> std::ops::Index<Phase> for PerPhase<T> {
    type Output = T;
    fn index(&self, phase: Phase) -> &T {
        &self.0[phase as usize]
    }
}

impl<T> std::ops::IndexMut<Phase> for PerPhase<T> {
    fn index_mut(&mut self, phase: Phase) -> &mut T {
        &mut self.0[phase as usize]
    }
}

/// Whether an active-passive component counts as down when its primary instance is, in this
/// phase.
pub(crate) fn primary_matters(
    node: &ComponentNode,
    phase: Phase,
    failed: &dyn Fn(u32) -> bool,
) -> bool {
    match (node.active_passive, phase) {
        (None, _) => false,
        (Some(_), Phase::Immediate) => true,
        (Some(Failover::Automatic), _) => false,
        (Some(Failover::Manual), Phase::AfterAutomatic) => true,
        (Some(Failover::Manual), Phase::AfterManual) => {
            node.nobody_can_fail_over
                || (!node.failover_people.is_empty()
                    && node.failover_people.iter().all(|&p| failed(p)))
        }
    }
}

/// Component and instance states in one phase.
#[derive(Clone, Debug)]
pub struct Evaluation {
    pub component_down: Vec<bool>,
    pub instance_down: Vec<Vec<bool>>,
}

/// Whether the failover of active-passive component `c` has completed in `phase`, given the
/// failed events: automatic ones after the automatic phase, manual ones after the manual
/// phase when someone able to do them is available.
pub fn failover_done(graph: &FaultGraph, c: ComponentId, phase: Phase, failed: &[bool]) -> bool {
    let node = &graph.components[c];
    node.active_passive.is_some() && !primary_matters(node, phase, &|e| failed[e as usize])
}

/// Evaluates one phase. `failed` is indexed by event id. With `ignore_dependencies`, only a
/// component's own instances, domains and whole-component events count: what is down then is
/// hit directly, not through something it depends on.
pub fn evaluate(
    graph: &FaultGraph,
    failed: &[bool],
    phase: Phase,
    ignore_dependencies: bool,
) -> Evaluation {
    evaluate_with(
        graph,
        failed,
        &|c| failover_done(graph, c, phase, failed),
        ignore_dependencies,
    )
}

/// Evaluates the structure with the failovers of the components for which `done` holds
/// completed (an active-passive component whose failover is not done is down while its
/// primary is). Components are visited in dependency order; a dependency cycle is iterated
/// from everything up to its least fixed point.
pub fn evaluate_with(
    graph: &FaultGraph,
    failed: &[bool],
    done: &dyn Fn(ComponentId) -> bool,
    ignore_dependencies: bool,
) -> Evaluation {
    evaluate_within(graph, failed, done, ignore_dependencies, None)
}

/// As `evaluate_with`, visiting only the components marked in `within` (the others are taken
/// as up, with every instance up): the caller vouches that nothing else can be down, as for
/// the components above an event's roots and the scoped targets they reach.
pub fn evaluate_within(
    graph: &FaultGraph,
    failed: &[bool],
    done: &dyn Fn(ComponentId) -> bool,
    ignore_dependencies: bool,
    within: Option<&[bool]>,
) -> Evaluation {
    let is_failed = |e: u32| failed[e as usize];
    let mut component_down = vec![false; graph.components.len()];
    let mut instance_down: Vec<Vec<bool>> =
        graph.components.iter().map(|c| vec![false; c.n]).collect();
    for scc in &graph.order {
        if within.is_some_and(|w| scc.iter().all(|&c| !w[c])) {
            continue;
        }
        loop {
            let mut changed = false;
            for &c in scc {
                let node = &graph.components[c];
                let deps_down =
                    !ignore_dependencies && node.hard.iter().any(|&h| component_down[h]);
                let wide_down = node.wide_events.iter().any(|&e| is_failed(e));
                let mut count = 0;
                for i in 0..node.n {
                    let group = &node.groups[node.group_of[i] as usize];
                    let own = graph.instance_event(c, i).is_some_and(is_failed);
                    let domain = group.domain_events.iter().any(|&e| is_failed(e));
                    let scoped = !ignore_dependencies
                        && node.scoped.iter().zip(&group.scope_domains).any(
                            |((target, _), domain)| {
                                scoped_down(
                                    graph,
                                    &instance_down,
                                    &component_down,
                                    *target,
                                    *domain,
                                )
                            },
                        );
                    let down = own || domain || wide_down || deps_down || scoped;
                    count += usize::from(down);
                    if down && !instance_down[c][i] {
                        instance_down[c][i] = true;
                        changed = true;
                    }
                }
                let down = count >= node.threshold
                    || (node.active_passive.is_some()
                        && !done(c)
                        && instance_down[c][node.primary as usize]);
                if down && !component_down[c] {
                    component_down[c] = true;
                    changed = true;
                }
            }
            if !changed || scc.len() == 1 {
                break;
            }
        }
    }
    Evaluation {
        component_down,
        instance_down,
    }
}

/// Whether every instance of `target` in `domain` is down (or the whole target, when it has no
/// instance there).
fn scoped_down(
    graph: &FaultGraph,
    instance_down: &[Vec<bool>],
    component_down: &[bool],
    target: ComponentId,
    domain: Option<DomainId>,
) -> bool {
    let node = &graph.components[target];
    let Some(domain) = domain else {
        return component_down[target];
    };
    let event = graph.domain_events[domain];
    let mut any = false;
    for (i, &down) in instance_down[target].iter().enumerate() {
        if node.groups[node.group_of[i] as usize]
            .domain_events
            .binary_search(&event)
            .is_ok()
        {
            any = true;
            if !down {
                return false;
            }
        }
    }
    if any { true } else { component_down[target] }
}

/// How a journey fares, as the structure function says.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Outcome {
    Up,
    Degraded,
    Interrupted,
    DownUntilManual,
    DownUntilRepair,
}

/// The outcome of every journey when the events in `failed` fail together; each journey is
/// evaluated with its own (request-scoped) dependencies.
pub fn journey_outcomes(graph: &FaultGraph, failed: &[bool]) -> Vec<Outcome> {
    let phases_of = |view: &FaultGraph| -> PerPhase<Evaluation> {
        PerPhase::from_fn(|p| evaluate(view, failed, p, false))
    };
    let shared = graph.views.is_empty().then(|| phases_of(graph));
    (0..graph.journey_paths.len())
        .map(|j| {
            let own;
            let (graph, phases) = match &shared {
                Some(phases) => (graph, phases),
                None => {
                    own = phases_of(&graph.views[j]);
                    (&graph.views[j], &own)
                }
            };
            let down = |phase: Phase| {
                graph.journey_paths[j]
                    .iter()
                    .any(|&c| phases[phase].component_down[c])
            };
            if down(Phase::AfterManual) {
                Outcome::DownUntilRepair
            } else if down(Phase::AfterAutomatic) {
                Outcome::DownUntilManual
            } else if down(Phase::Immediate) {
                Outcome::Interrupted
            } else if degraded(graph, &phases[Phase::Immediate], j) {
                Outcome::Degraded
            } else {
                Outcome::Up
            }
        })
        .collect()
}

/// A journey that is up is degraded when an optional dependency of something it uses is down,
/// or a component without health checks has a dead instance that still gets traffic.
fn degraded(graph: &FaultGraph, immediate: &Evaluation, journey: usize) -> bool {
    graph.journey_closures[journey].iter().any(|&x| {
        let node = &graph.components[x];
        node.optional.iter().any(|&y| immediate.component_down[y])
            || (node.no_health_check && immediate.instance_down[x].iter().any(|&d| d))
    })
}
