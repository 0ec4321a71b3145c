//! From single-failure sets to answers: for each basic event, its effect on every journey and
//! how recovery happens (automatic failover, a manual step and who can do it, or a repair and
//! how long); which events are SPOFs; blast radius; each journey's RTO against its target; the
//! failover level of each component.

use crate::evaluate::{Evaluation, Outcome, PerPhase, Phase, evaluate, journey_outcomes};
use crate::graph::{EventId, EventKind, FaultGraph, compile};
use crate::single::{SingleFailures, analyze as single_failures};
use spof_model::{
    ComponentId, Date, Duration, Failover, JourneyId, Model, PersonId, Redundancy, Step,
};
use std::collections::HashMap;

/// How recovery happens after an event, for one journey.
#[derive(Clone, Debug, PartialEq)]
pub enum Recovery {
    /// Nothing to recover.
    None,
    /// Up but degraded: an optional dependency is lost, or a dead instance still gets traffic.
    Degraded { components: Vec<ComponentId> },
    /// Automatic failover: down for `time`, then back by itself.
    Interrupted {
        time: Duration,
        components: Vec<ComponentId>,
    },
    /// Down until someone performs the steps.
    Manual {
        steps: Vec<Step>,
        people: Vec<PersonId>,
        time: Duration,
    },
    /// Down until repaired; `time` is unknown when a component has no `restore_time`.
    Repair {
        time: Option<Duration>,
        components: Vec<ComponentId>,
    },
}

impl Recovery {
    /// The time to recover, when known (zero for no effect or degraded).
    pub fn time(&self) -> Option<Duration> {
        match self {
            Recovery::None | Recovery::Degraded { .. } => Some(Duration(0)),
            Recovery::Interrupted { time, .. } | Recovery::Manual { time, .. } => Some(*time),
            Recovery::Repair { time, .. } => *time,
        }
    }

    pub fn outcome(&self) -> Outcome {
        match self {
            Recovery::None => Outcome::Up,
            Recovery::Degraded { .. } => Outcome::Degraded,
            Recovery::Interrupted { .. } => Outcome::Interrupted,
            Recovery::Manual { .. } => Outcome::DownUntilManual,
            Recovery::Repair { .. } => Outcome::DownUntilRepair,
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct JourneyEffect {
    pub journey: JourneyId,
    pub recovery: Recovery,
}

/// One basic event with an effect on some journey.
#[derive(Clone, Debug)]
pub struct EventReport {
    pub event: EventId,
    pub kind: EventKind,
    /// The journeys it affects, in journey order.
    pub effects: Vec<JourneyEffect>,
    /// Weighted share of journeys it takes down beyond a brief automatic failover, 0 to 1.
    pub blast_radius: f64,
    /// Components still down once automatic failovers are done (the ones that go with it):
    /// all of them, sorted, when there are at most `LISTED`; else the `LISTED` nearest.
    pub components_down: Vec<ComponentId>,
    /// How many components are still down once automatic failovers are done.
    pub components_down_count: usize,
    /// Components down only until an automatic failover completes (at most `LISTED`), sorted.
    pub components_interrupted: Vec<ComponentId>,
    pub components_interrupted_count: usize,
    /// Down beyond a brief automatic failover on a critical journey.
    pub spof: bool,
}

impl EventReport {
    /// The worst recovery over the journeys: the one that decides how long users wait.
    pub fn worst(&self) -> &Recovery {
        self.effects
            .iter()
            .map(|e| &e.recovery)
            .max_by(|a, b| {
                a.outcome().cmp(&b.outcome()).then_with(|| {
                    a.time()
                        .unwrap_or(Duration(u64::MAX))
                        .cmp(&b.time().unwrap_or(Duration(u64::MAX)))
                })
            })
            .unwrap_or(&Recovery::None)
    }

    pub fn component(&self) -> Option<ComponentId> {
        match self.kind {
            EventKind::Instance { component, .. }
            | EventKind::Deploy(component)
            | EventKind::Expiry(component) => Some(component),
            EventKind::Domain(_) | EventKind::Person(_) => None,
        }
    }
}

#[derive(Clone, Debug)]
pub struct JourneyReport {
    pub journey: JourneyId,
    /// The worst recovery time over single events; `None` when some repair time is unknown.
    pub rto: Option<Duration>,
    /// The event that sets the RTO.
    pub rto_event: Option<EventId>,
    pub meets_target: Option<bool>,
    pub spofs: usize,
    pub weight: f64,
}

/// Failover level: 1 none, 2 manual, 3 automatic, 4 fault-tolerant.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum FailoverLevel {
    None = 1,
    Manual = 2,
    Automatic = 3,
    FaultTolerant = 4,
}

impl FailoverLevel {
    pub fn describe(self) -> &'static str {
        match self {
            FailoverLevel::None => "none",
            FailoverLevel::Manual => "manual",
            FailoverLevel::Automatic => "automatic",
            FailoverLevel::FaultTolerant => "fault-tolerant",
        }
    }
}

#[derive(Clone, Debug)]
pub struct ComponentReport {
    pub component: ComponentId,
    pub failover_level: FailoverLevel,
    /// Whether some event of its own (an instance, a deploy, an expiry) is a SPOF.
    pub spof: bool,
    /// Whether it is used (through hard dependencies) by some critical journey.
    pub on_critical_path: bool,
}

#[derive(Clone, Debug, Default)]
pub struct Config {
    /// Today's date, for decision reviews and certificate expiry. Without it, nothing expires.
    pub today: Option<Date>,
    /// Custom rules and severity overrides (`spof.toml`); the default changes nothing.
    pub policy: spof_model::policy::Policy,
    /// Measured evidence (drills, probes); the default is none and changes nothing.
    pub evidence: crate::evidence::Evidence,
}

/// Everything `spof check` reports, before findings.
#[derive(Debug)]
pub struct Analysis {
    pub graph: FaultGraph,
    pub single: SingleFailures,
    /// Events with an effect, SPOFs first, then by blast radius and id.
    pub events: Vec<EventReport>,
    pub journeys: Vec<JourneyReport>,
    pub components: Vec<ComponentReport>,
}

impl Analysis {
    pub fn spofs(&self) -> impl Iterator<Item = &EventReport> {
        self.events.iter().filter(|e| e.spof)
    }

    pub fn event(&self, event: EventId) -> Option<&EventReport> {
        self.events.iter().find(|e| e.event == event)
    }
}

/// The journey weights for blast radius: traffic shares when every journey has one, else
/// downtime costs when every journey has one, else equal.
pub fn journey_weights(model: &Model) -> Vec<f64> {
    let n = model.journeys.len().max(1) as f64;
    let normalise = |values: Vec<f64>| {
        let total: f64 = values.iter().sum();
        if total > 0.0 {
            values.iter().map(|v| v / total).collect()
        } else {
            vec![1.0 / n; values.len()]
        }
    };
    if let Some(traffic) = model
        .journeys
        .iter()
        .map(|j| j.traffic)
        .collect::<Option<Vec<f64>>>()
    {
        return normalise(traffic);
    }
    if let Some(cost) = model
        .journeys
        .iter()
        .map(|j| j.downtime_cost_per_hour)
        .collect::<Option<Vec<f64>>>()
    {
        return normalise(cost);
    }
    vec![1.0 / n; model.journeys.len()]
}

pub fn analyze(model: &Model) -> Analysis {
    let graph = compile(model);
    let single = single_failures(&graph);
    let weights = journey_weights(model);

    // Events with any effect on a journey, and for each phase the components whose local
    // set holds it (the roots of what it takes down).
    let mut affected: Vec<EventId> = single.journey[Phase::Immediate]
        .iter()
        .chain(single.degraded.iter())
        .flatten()
        .copied()
        .collect();
    affected.sort_unstable();
    affected.dedup();
    let mut is_affected = vec![false; graph.event_count()];
    for &e in &affected {
        is_affected[e as usize] = true;
    }
    let roots: PerPhase<HashMap<EventId, Vec<ComponentId>>> = PerPhase::from_fn(|p| {
        let mut by_event: HashMap<EventId, Vec<ComponentId>> = HashMap::new();
        for (c, set) in single.local[p].iter().enumerate() {
            for &e in set {
                if is_affected[e as usize] {
                    by_event.entry(e).or_default().push(c);
                }
            }
        }
        by_event
    });
    let mut counter = CascadeCounter::new(&graph, &single);
    // Per journey: what it uses through hard dependencies, and what those use optionally.
    let optional_targets: Vec<Vec<bool>> = graph
        .journey_closures
        .iter()
        .map(|closure| {
            let mut member = vec![false; model.components.len()];
            for &x in closure {
                for &y in &graph.components[x].optional {
                    member[y] = true;
                }
            }
            member
        })
        .collect();
    let closures: Vec<Vec<bool>> = graph
        .journey_closures
        .iter()
        .map(|closure| {
            let mut member = vec![false; model.components.len()];
            for &c in closure {
                member[c] = true;
            }
            member
        })
        .collect();

    let no_roots: Vec<ComponentId> = Vec::new();
    let mut events: Vec<EventReport> = affected
        .iter()
        .map(|&e| {
            let roots_of = |p: Phase| roots[p].get(&e).unwrap_or(&no_roots).as_slice();
            let mut reach = Reach {
                single: &single,
                roots: PerPhase::from_fn(roots_of),
                full: PerPhase::default(),
            };
            let effects: Vec<JourneyEffect> = (0..model.journeys.len())
                .filter_map(|j| {
                    let recovery = recovery(
                        model,
                        &graph,
                        &single,
                        e,
                        j,
                        (&closures[j], &optional_targets[j]),
                        &mut reach,
                    );
                    (recovery != Recovery::None).then_some(JourneyEffect {
                        journey: j,
                        recovery,
                    })
                })
                .collect();
            let blast_radius = effects
                .iter()
                .filter(|x| takes_down(model, x))
                .map(|x| weights[x.journey])
                .fold(0.0, |total: f64, w| total + w)
                .min(1.0);
            // What goes with it: after automatic failovers, and only until then.
            let (components_down, _) =
                single.components_down(roots_of(Phase::AfterAutomatic), LISTED);
            let down_count = counter.count(roots_of(Phase::AfterAutomatic));
            let (components_interrupted, interrupted_count) =
                if roots_of(Phase::Immediate) == roots_of(Phase::AfterAutomatic) {
                    (Vec::new(), 0)
                } else {
                    let after: Vec<ComponentId> = reach.full(Phase::AfterAutomatic).to_vec();
                    let mut only: Vec<ComponentId> = reach
                        .full(Phase::Immediate)
                        .iter()
                        .copied()
                        .filter(|c| after.binary_search(c).is_err())
                        .collect();
                    let count = only.len();
                    only.truncate(LISTED);
                    (only, count)
                };
            let spof = !matches!(graph.events[e as usize], EventKind::Person(_))
                && effects.iter().any(|x| is_spof_effect(model, x));
            EventReport {
                event: e,
                kind: graph.events[e as usize],
                effects,
                blast_radius,
                components_down,
                components_down_count: down_count,
                components_interrupted,
                components_interrupted_count: interrupted_count,
                spof,
            }
        })
        .collect();
    events.sort_by(|a, b| {
        b.spof
            .cmp(&a.spof)
            .then(b.blast_radius.total_cmp(&a.blast_radius))
            .then(a.event.cmp(&b.event))
    });

    let journeys = (0..model.journeys.len())
        .map(|j| {
            // The worst single event sets the RTO; an unknown repair time makes it unknown.
            let mut rto = Some(Duration(0));
            let mut rto_event = None;
            for report in &events {
                let Some(effect) = report.effects.iter().find(|x| x.journey == j) else {
                    continue;
                };
                if effect.recovery.outcome() < Outcome::Interrupted {
                    continue;
                }
                match (rto, effect.recovery.time()) {
                    (Some(current), Some(t)) if t > current => {
                        (rto, rto_event) = (Some(t), Some(report.event))
                    }
                    (Some(_), None) => (rto, rto_event) = (None, Some(report.event)),
                    _ => {}
                }
            }
            let target = model.journeys[j].rto_target;
            JourneyReport {
                journey: j,
                rto,
                rto_event,
                meets_target: target.map(|t| rto.is_some_and(|r| r <= t)),
                spofs: events
                    .iter()
                    .filter(|r| {
                        r.spof
                            && r.effects
                                .iter()
                                .any(|x| x.journey == j && is_spof_effect(model, x))
                    })
                    .count(),
                weight: weights[j],
            }
        })
        .collect();

    let mut has_spof = vec![false; model.components.len()];
    for report in events.iter().filter(|r| r.spof) {
        if let Some(c) = report.component() {
            has_spof[c] = true;
        }
    }
    let components = (0..model.components.len())
        .map(|c| ComponentReport {
            component: c,
            failover_level: failover_level(model, c),
            spof: has_spof[c],
            on_critical_path: (0..model.journeys.len())
                .any(|j| model.journeys[j].critical && closures[j][c]),
        })
        .collect();

    Analysis {
        graph,
        single,
        events,
        journeys,
        components,
    }
}

/// A SPOF effect: a critical journey taken down.
pub fn is_spof_effect(model: &Model, effect: &JourneyEffect) -> bool {
    model.journeys[effect.journey].critical && takes_down(model, effect)
}

/// Down beyond a brief automatic failover: until a manual step or repair, or interrupted for
/// longer than the journey's RTO target.
pub fn takes_down(model: &Model, effect: &JourneyEffect) -> bool {
    let journey = &model.journeys[effect.journey];
    match &effect.recovery {
        Recovery::Manual { .. } | Recovery::Repair { .. } => true,
        Recovery::Interrupted { time, .. } => {
            journey.rto_target.is_some_and(|target| *time > target)
        }
        Recovery::None | Recovery::Degraded { .. } => false,
    }
}

fn recovery(
    model: &Model,
    graph: &FaultGraph,
    single: &SingleFailures,
    event: EventId,
    journey: JourneyId,
    (in_closure, optional_target): (&[bool], &[bool]),
    reach: &mut Reach,
) -> Recovery {
    let has = |set: &Vec<EventId>| set.binary_search(&event).is_ok();
    let phase = if has(&single.journey[Phase::AfterManual][journey]) {
        2
    } else if has(&single.journey[Phase::AfterAutomatic][journey]) {
        1
    } else if has(&single.journey[Phase::Immediate][journey]) {
        0
    } else if has(&single.degraded[journey]) {
        let components = reach
            .full(Phase::Immediate)
            .iter()
            .copied()
            .filter(|&c| in_closure[c] || optional_target[c])
            .collect();
        return Recovery::Degraded { components };
    } else {
        return Recovery::None;
    };
    let kind = graph.events[event as usize];
    if phase == 2 {
        // Down until the failed event itself is repaired.
        let components = match kind {
            EventKind::Instance { component, .. }
            | EventKind::Deploy(component)
            | EventKind::Expiry(component) => vec![component],
            EventKind::Domain(_) | EventKind::Person(_) => reach.roots[Phase::AfterManual]
                .iter()
                .copied()
                .filter(|&c| in_closure[c] && has(&single.direct[Phase::AfterManual][c]))
                .collect(),
        };
        return Recovery::Repair {
            time: repair_time(model, kind),
            components,
        };
    }
    // Back after failovers: the automatic ones (phase 0), or manual ones too (phase 1).
    let last = if phase == 0 {
        Phase::AfterAutomatic
    } else {
        Phase::AfterManual
    };
    let (waited, time) = failovers_waited_for(graph, event, journey, in_closure, reach, last);
    if phase == 1 {
        let steps: Vec<Step> = waited
            .iter()
            .copied()
            .filter(|&c| model.components[c].failover().map(|(f, _)| f) == Some(Failover::Manual))
            .map(Step::Failover)
            .collect();
        let mut people: Vec<PersonId> = steps
            .iter()
            .flat_map(|s| model.people_reached_for(s))
            .collect();
        people.sort_unstable();
        people.dedup();
        Recovery::Manual {
            steps,
            people,
            time,
        }
    } else {
        Recovery::Interrupted {
            time,
            components: waited,
        }
    }
}

/// How long the failed event takes to repair, when the model says: an instance, a bad deploy
/// or an expired certificate by its component's `restore_time`, a domain by its own.
pub fn repair_time(model: &Model, kind: EventKind) -> Option<Duration> {
    match kind {
        EventKind::Instance { component, .. }
        | EventKind::Deploy(component)
        | EventKind::Expiry(component) => model.components[component].restore_time,
        EventKind::Domain(d) => model.domains[d].restore_time,
        EventKind::Person(_) => None,
    }
}

/// The failovers journey `journey` waits for after `event`, and when it is back: the smallest
/// failover time `t` such that the journey is up with every failover (of those done in phase
/// `last`) of time at most `t` completed.
fn failovers_waited_for(
    graph: &FaultGraph,
    event: EventId,
    journey: JourneyId,
    in_closure: &[bool],
    reach: &mut Reach,
    last: Phase,
) -> (Vec<ComponentId>, Duration) {
    let time_of = |c: ComponentId| graph.components[c].failover_time;
    let view = graph.for_journey(journey);
    // Candidates: active-passive components of the journey down right after the event and
    // back once the failovers of the phase are done.
    let mut candidates: Vec<ComponentId> = if graph.views.is_empty() {
        let after: Vec<ComponentId> = reach.full(last).to_vec();
        reach
            .full(Phase::Immediate)
            .iter()
            .copied()
            .filter(|&c| {
                in_closure[c]
                    && graph.components[c].active_passive.is_some()
                    && after.binary_search(&c).is_err()
            })
            .collect()
    } else {
        let mut failed = vec![false; graph.event_count()];
        failed[event as usize] = true;
        let first = evaluate(view, &failed, Phase::Immediate, false);
        let after = evaluate(view, &failed, last, false);
        view.journey_closures[journey]
            .iter()
            .copied()
            .filter(|&c| {
                view.components[c].active_passive.is_some()
                    && first.component_down[c]
                    && !after.component_down[c]
            })
            .collect()
    };
    candidates.sort_by_key(|&c| (time_of(c), c));
    let mut times: Vec<Duration> = candidates.iter().map(|&c| time_of(c)).collect();
    times.dedup();
    // One failover time and at most one manual step among them: nothing to choose, and no
    // evaluation (which costs a pass over the whole graph).
    let manual = candidates
        .iter()
        .filter(|&&c| graph.components[c].active_passive == Some(Failover::Manual))
        .count();
    if times.len() <= 1 && manual <= 1 {
        return (candidates, times.first().copied().unwrap_or_default());
    }
    let mut failed = vec![false; graph.event_count()];
    failed[event as usize] = true;
    // Only what the event takes down right away, and the scoped targets those reach (their
    // instances may be down while they are not), can be down at all.
    let within: Option<Vec<bool>> = graph.views.is_empty().then(|| {
        let mut within = vec![false; graph.components.len()];
        let mut stack: Vec<ComponentId> = reach.full(Phase::Immediate).to_vec();
        while let Some(c) = stack.pop() {
            if !std::mem::replace(&mut within[c], true) {
                stack.extend(graph.components[c].scoped.iter().map(|(t, _)| *t));
            }
        }
        within
    });
    let up_with = |done: &dyn Fn(ComponentId) -> bool| {
        let done =
            |c: ComponentId| done(c) && crate::evaluate::failover_done(view, c, last, &failed);
        let state =
            crate::evaluate::evaluate_within(view, &failed, &done, false, within.as_deref());
        !view.journey_paths[journey]
            .iter()
            .any(|&c| state.component_down[c])
    };
    for &t in &times {
        if up_with(&|c| time_of(c) <= t) {
            candidates.retain(|&c| time_of(c) <= t);
            // Keep only the failovers the journey waits for: without each of those (the
            // others done), it would still be down.
            let all = candidates.clone();
            candidates.retain(|&x| !up_with(&|c| c != x && all.contains(&c)));
            if candidates.is_empty() {
                // Any one of them brings it back: it waits for them all the same.
                candidates = all;
            }
            return (candidates, t);
        }
    }
    let t = *times.last().unwrap_or(&Duration(0));
    (candidates, t)
}

/// How many components an event report lists by name; the rest are counted.
pub const LISTED: usize = 50;

/// What an event takes down in each phase, from the components whose local set holds it; the
/// whole set is walked only when a question needs it.
struct Reach<'a> {
    single: &'a SingleFailures,
    roots: PerPhase<&'a [ComponentId]>,
    full: PerPhase<Option<Vec<ComponentId>>>,
}

impl Reach<'_> {
    /// Every component the event takes down in `phase`, sorted.
    fn full(&mut self, phase: Phase) -> &[ComponentId] {
        if self.full[phase].is_none() {
            let (all, _) = self.single.components_down(self.roots[phase], usize::MAX);
            self.full[phase] = Some(all);
        }
        self.full[phase].as_deref().unwrap_or(&[])
    }
}

/// Counts what events take down without listing it: where the components above one root
/// form a tree (each has that root's subtree as its only cause), the count is a sum computed
/// once bottom-up; elsewhere a walk, remembered per single root.
struct CascadeCounter<'a> {
    single: &'a SingleFailures,
    tree: Vec<Option<usize>>,
    walked: HashMap<ComponentId, usize>,
}

impl<'a> CascadeCounter<'a> {
    fn new(graph: &FaultGraph, single: &'a SingleFailures) -> CascadeCounter<'a> {
        let mut tree: Vec<Option<usize>> = vec![None; graph.components.len()];
        // Dependents come before what they depend on in the reverse dependency order.
        for scc in graph.order.iter().rev() {
            if scc.len() > 1 {
                continue;
            }
            let x = scc[0];
            let mut total = Some(1usize);
            for &p in &single.dependents[x] {
                total = match (total, tree[p]) {
                    (Some(t), Some(n)) if single.causes[p].len() == 1 => Some(t + n),
                    _ => None,
                };
            }
            tree[x] = total;
        }
        CascadeCounter {
            single,
            tree,
            walked: HashMap::new(),
        }
    }

    fn count(&mut self, roots: &[ComponentId]) -> usize {
        match roots {
            [] => 0,
            [x] => {
                if let Some(n) = self.tree[*x] {
                    return n;
                }
                if let Some(&n) = self.walked.get(x) {
                    return n;
                }
                let n = self.single.components_down(roots, usize::MAX).0.len();
                self.walked.insert(*x, n);
                n
            }
            _ => self.single.components_down(roots, usize::MAX).0.len(),
        }
    }
}

pub fn failover_level(model: &Model, c: ComponentId) -> FailoverLevel {
    let component = &model.components[c];
    if component.managed {
        return FailoverLevel::FaultTolerant;
    }
    if component.spare() == 0 {
        return FailoverLevel::None;
    }
    match component.redundancy {
        Redundancy::ActivePassive {
            failover: Failover::Manual,
            ..
        } => FailoverLevel::Manual,
        Redundancy::ActivePassive {
            failover: Failover::Automatic,
            ..
        } => FailoverLevel::Automatic,
        Redundancy::ActiveActive {
            health_check: false,
        } => FailoverLevel::Manual,
        Redundancy::ActiveActive { health_check: true } => FailoverLevel::FaultTolerant,
    }
}

/// What happens when the events in `failed` fail together (`spof whatif`).
#[derive(Clone, Debug)]
pub struct WhatIf {
    pub outcomes: Vec<Outcome>,
    /// Components down in each phase.
    pub down: PerPhase<Vec<ComponentId>>,
    /// Components hit directly (not through a dependency) right after the failure.
    pub direct: Vec<ComponentId>,
    /// Restarts the failure blocks: `(component, needs)` where an instance of `component` is
    /// failed by the events themselves (its own event, a domain, a common cause, a deploy)
    /// and `needs`, a start-up dependency of it, is still down after automatic failovers, so
    /// that instance cannot come back until `needs` does. Sorted.
    pub restart_blocked: Vec<(ComponentId, ComponentId)>,
}

/// Whether the failed events fail some instance of `node` themselves: its own instance event,
/// a domain or common cause it is placed in, or a whole-component event.
fn instance_hit(node: &crate::graph::ComponentNode, failed: &[bool]) -> bool {
    let is = |e: &EventId| failed[*e as usize];
    node.wide_events.iter().any(is)
        || node
            .first_instance_event
            .is_some_and(|first| (first..first + node.n as EventId).any(|e| is(&e)))
        || node
            .groups
            .iter()
            .any(|g| !g.members.is_empty() && g.domain_events.iter().any(is))
}

pub fn what_if(graph: &FaultGraph, events: &[EventId]) -> WhatIf {
    let mut failed = vec![false; graph.event_count()];
    for &e in events {
        failed[e as usize] = true;
    }
    let outcomes = journey_outcomes(graph, &failed);
    let list = |ev: &Evaluation| {
        (0..ev.component_down.len())
            .filter(|&c| ev.component_down[c])
            .collect::<Vec<_>>()
    };
    let down = PerPhase::from_fn(|p| list(&evaluate(graph, &failed, p, false)));
    let direct = list(&evaluate(graph, &failed, Phase::Immediate, true));
    let mut restart_blocked = Vec::new();
    for (c, node) in graph.components.iter().enumerate() {
        if node.startup.is_empty() || !instance_hit(node, &failed) {
            continue;
        }
        for &needs in &node.startup {
            if down[Phase::AfterAutomatic].binary_search(&needs).is_ok() {
                restart_blocked.push((c, needs));
            }
        }
    }
    restart_blocked.sort_unstable();
    restart_blocked.dedup();
    WhatIf {
        outcomes,
        down,
        direct,
        restart_blocked,
    }
}
