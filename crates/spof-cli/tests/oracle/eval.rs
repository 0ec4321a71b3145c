//! A deliberately naive evaluator of a model, written from docs/analysis.md alone.
//!
//! Given the set of failed basic events, it finds what is down by iterating the plain
//! definitions from "everything up" until nothing changes (the least fixed point, so a
//! dependency cycle fails nothing by itself):
//!
//! - an instance is down when its own event, one of its domains (or a domain enclosing one), a
//!   whole-component event of its component (bad all-at-once deploy, certificate expiry) has
//!   failed, or a common cause it is a member of (`common_causes:`), or a hard dependency is down, or every instance of a `per: zone` dependency in its
//!   zone is down (the dependency as a whole when it has none there);
//! - a component is down when fewer than `min_healthy` instances are up, or, active-passive,
//!   while its primary is down and its failover has not completed;
//! - a journey is down when a component of its path is down, each journey with its own
//!   (request-scoped) dependencies.
//!
//! Optional and `cache: true` dependencies never take anything down. Everything else (effects,
//! recovery times, SPOFs, blast radius, RTOs) is derived from that evaluation in three recovery
//! phases.

use super::spec::{DependencyKind, Instances, Mode, Spec};

/// A basic event.
#[derive(Clone, Debug)]
pub struct Event {
    /// The id as `spof whatif` takes it: `app/1`, `app/a`, `zone:z1`, `deploy:app`,
    /// `expiry:tls`, `person:p0`.
    pub id: String,
    pub kind: EventKind,
    /// The component the event belongs to (none for a domain or a person).
    pub component: Option<usize>,
    /// How long the event takes to repair, when the model says.
    pub repair_seconds: Option<u64>,
    /// Steady-state unavailability (docs/availability.md).
    pub unavailability: f64,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EventKind {
    Instance,
    Domain,
    CommonCause,
    Deploy,
    Expiry,
    Person,
}

impl EventKind {
    /// The `kind` field of the JSON report.
    pub fn json_name(self) -> &'static str {
        match self {
            EventKind::Instance => "instance",
            EventKind::Domain => "domain",
            EventKind::CommonCause => "common-cause",
            EventKind::Deploy => "deploy",
            EventKind::Expiry => "certificate-expiry",
            EventKind::Person => "person",
        }
    }
}

#[derive(Clone, Debug)]
pub struct Component {
    pub name: String,
    pub instances: Vec<Instance>,
    pub min_healthy: usize,
    /// For an active-passive component.
    pub failover: Option<Failover>,
    pub primary: usize,
    /// Active-active: whether a dead instance stops getting traffic.
    pub health_checked: bool,
    pub dependencies: Vec<Dependency>,
    /// The events of the component itself: its instances', its deploy's, its expiry's.
    pub own_events: Vec<usize>,
    /// The events of its instances only.
    pub instance_events: Vec<usize>,
}

#[derive(Clone, Copy, Debug)]
pub struct Failover {
    pub automatic: bool,
    pub seconds: u64,
}

#[derive(Clone, Debug)]
pub struct Instance {
    /// Every event that fails the instance by itself (its own, its domains, its component's).
    pub causes: Vec<usize>,
    /// The zone (domain index) it sits in.
    pub zone: Option<usize>,
}

#[derive(Clone, Debug)]
pub struct Dependency {
    pub target: usize,
    pub kind: DependencyKind,
    /// For `per: zone`: whether both ends have every instance in a zone. The reader warns
    /// otherwise and takes the dependency as unscoped (a hard dependency).
    pub scoped: bool,
    /// Request-scoped: the journeys the call is made on; `None` for all.
    pub journeys: Option<Vec<usize>>,
}

#[derive(Clone, Debug)]
pub struct Journey {
    pub name: String,
    pub path: Vec<usize>,
    pub critical: bool,
    pub rto_target_seconds: Option<u64>,
    /// Its share in blast radius.
    pub weight: f64,
}

#[derive(Clone, Debug)]
pub struct Person {
    pub name: String,
    pub event: usize,
    /// Components the person can fail over.
    pub can_fail_over: Vec<usize>,
    /// Whether the person is reached when a failure happens (on call, or nobody is on call).
    pub reached: bool,
}

/// Whose dependencies count: one journey's, or every dependency (what a component needs to
/// serve all of its requests).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    Journey(usize),
    Every,
}

/// The recovery phases.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Phase {
    Immediate,
    AfterAutomatic,
    AfterManual,
}

/// What a set of failed events does to a journey.
#[derive(Clone, Debug, PartialEq)]
pub enum Effect {
    None,
    Degraded,
    /// Down until automatic failovers complete, after this many seconds.
    Interrupted {
        seconds: u64,
    },
    /// Down until manual failovers complete.
    Manual {
        seconds: u64,
        /// The manual failovers (components) without which the journey is still down then.
        needed: Vec<usize>,
        /// The manual failovers triggered, doable and done by then.
        done: Vec<usize>,
    },
    /// Down until the failed events are repaired.
    Repair,
}

impl Effect {
    /// The name `spof` uses for it (`effect` in `check`, the outcome in `whatif`).
    pub fn name(&self) -> &'static str {
        match self {
            Effect::None => "none",
            Effect::Degraded => "degraded",
            Effect::Interrupted { .. } => "interrupted",
            Effect::Manual { .. } => "down-until-manual-step",
            Effect::Repair => "down-until-repair",
        }
    }

    /// The `recovery.kind` of the JSON report.
    pub fn recovery_kind(&self) -> &'static str {
        match self {
            Effect::None => "none",
            Effect::Degraded => "degraded",
            Effect::Interrupted { .. } => "automatic",
            Effect::Manual { .. } => "manual",
            Effect::Repair => "repair",
        }
    }
}

/// What is down in one evaluation.
#[derive(Clone, Debug)]
pub struct State {
    pub instance_down: Vec<Vec<bool>>,
    pub component_down: Vec<bool>,
}

/// The model compiled for evaluation.
#[derive(Clone, Debug)]
pub struct Oracle {
    pub events: Vec<Event>,
    pub components: Vec<Component>,
    pub journeys: Vec<Journey>,
    pub people: Vec<Person>,
    /// Whether the journeys are declared (else the one implicit `system` journey).
    pub declared_journeys: bool,
}

/// Failures a year and repair hours by default (docs/availability.md).
fn instance_defaults(kind: &str) -> (f64, f64) {
    match kind {
        "database" => (2.0, 8.0),
        "dns" => (0.2, 4.0),
        "external" => (4.0, 2.0),
        _ => (2.0, 4.0),
    }
}

fn domain_defaults(kind: &str) -> (f64, f64) {
    match kind {
        "host" => (2.0, 4.0),
        "rack" => (0.5, 6.0),
        "zone" => (0.2, 8.0),
        "region" => (0.1, 8.0),
        "provider" => (0.05, 6.0),
        _ => (0.5, 4.0),
    }
}

/// q = λr / (8760 + λr).
fn steady_state(failures_per_year: f64, repair_hours: f64) -> f64 {
    let product = failures_per_year * repair_hours;
    product / (8760.0 + product)
}

fn hours(seconds: Option<u64>, default: f64) -> f64 {
    seconds.map_or(default, |s| s as f64 / 3600.0)
}

impl Oracle {
    /// Compiles the model.
    pub fn new(spec: &Spec) -> Oracle {
        let mut events = Vec::new();
        for domain in &spec.domains {
            let (rate, repair) = domain_defaults(&domain.kind);
            events.push(Event {
                id: format!("{}:{}", domain.kind, domain.name),
                kind: EventKind::Domain,
                component: None,
                repair_seconds: domain.restore_seconds,
                unavailability: steady_state(
                    domain.failures_per_year.unwrap_or(rate),
                    hours(domain.restore_seconds, repair),
                ),
            });
        }
        let enclosing = |domain: usize| -> Vec<usize> {
            let mut chain = Vec::new();
            let mut current = Some(domain);
            while let Some(d) = current {
                chain.push(d);
                current = spec.domains[d].parent;
            }
            chain
        };
        let mut components = Vec::new();
        for (c, component) in spec.components.iter().enumerate() {
            let has_instance_events = !component.managed && component.kind != "certificate";
            let mut whole = Vec::new();
            if component.deploy_all_at_once {
                whole.push(events.len());
                events.push(Event {
                    id: format!("deploy:{}", component.name),
                    kind: EventKind::Deploy,
                    component: Some(c),
                    repair_seconds: component.restore_seconds,
                    unavailability: steady_state(4.0, hours(component.restore_seconds, 1.0)),
                });
            }
            if component.manual_renewal == Some(true) {
                whole.push(events.len());
                events.push(Event {
                    id: format!("expiry:{}", component.name),
                    kind: EventKind::Expiry,
                    component: Some(c),
                    repair_seconds: component.restore_seconds,
                    unavailability: steady_state(0.2, hours(component.restore_seconds, 4.0)),
                });
            }
            let count = component.instance_count();
            let (rate, repair) = instance_defaults(&component.kind);
            let mut instances = Vec::new();
            let mut instance_events = Vec::new();
            let mut primary = 0;
            for k in 0..count {
                let mut placed: Vec<usize> = component.placed_in.clone();
                if !component.spread.is_empty() {
                    placed.push(component.spread[k % component.spread.len()]);
                }
                let label = match &component.instances {
                    Instances::Replicas { .. } => (k + 1).to_string(),
                    Instances::Named(named) => {
                        placed.extend(&named[k].placed_in);
                        if named[k].primary {
                            primary = k;
                        }
                        named[k].name.clone()
                    }
                };
                let mut domains: Vec<usize> = placed.iter().flat_map(|&d| enclosing(d)).collect();
                domains.sort_unstable();
                domains.dedup();
                let zone = domains
                    .iter()
                    .copied()
                    .find(|&d| spec.domains[d].kind == "zone");
                let mut causes = domains.clone();
                causes.extend(&whole);
                if has_instance_events {
                    causes.push(events.len());
                    instance_events.push(events.len());
                    events.push(Event {
                        id: format!("{}/{}", component.name, label),
                        kind: EventKind::Instance,
                        component: Some(c),
                        repair_seconds: component.restore_seconds,
                        unavailability: steady_state(
                            component.failures_per_year.unwrap_or(rate),
                            hours(component.restore_seconds, repair),
                        ),
                    });
                }
                instances.push(Instance { causes, zone });
            }
            let (failover, health_checked) = match component.mode {
                Mode::ActiveActive { health_check, .. } => (None, health_check.unwrap_or(true)),
                Mode::ActivePassive {
                    automatic,
                    failover_seconds,
                    ..
                } => {
                    let default = if automatic { 60 } else { 1800 };
                    let seconds = failover_seconds.unwrap_or(default);
                    (Some(Failover { automatic, seconds }), true)
                }
            };
            let mut own_events = instance_events.clone();
            own_events.extend(&whole);
            components.push(Component {
                name: component.name.clone(),
                instances,
                min_healthy: component.min_healthy.unwrap_or(1),
                failover,
                primary,
                health_checked,
                dependencies: Vec::new(),
                own_events,
                instance_events,
            });
        }
        let zoned: Vec<bool> = components
            .iter()
            .map(|c| c.instances.iter().all(|i| i.zone.is_some()))
            .collect();
        for (c, component) in spec.components.iter().enumerate() {
            components[c].dependencies = component
                .depends_on
                .iter()
                .map(|d| Dependency {
                    target: d.target,
                    kind: d.kind,
                    scoped: zoned[c] && zoned[d.target],
                    journeys: (!d.journeys.is_empty()).then(|| d.journeys.clone()),
                })
                .collect();
        }
        // A common cause: one event that fails each member instance. Its rate is its own, or
        // its beta factor (0.1 when not given) times the mean rate of its member instances;
        // undoing it takes its restore time, an hour by default (docs/model.md,
        // docs/availability.md).
        for group in &spec.common_causes {
            let mut members: Vec<(usize, usize)> = Vec::new();
            for &(c, k) in &group.members {
                let count = spec.components[c].instance_count();
                match k {
                    Some(k) => members.push((c, k)),
                    None => members.extend((0..count).map(|k| (c, k))),
                }
            }
            members.sort_unstable();
            members.dedup();
            let rate = group.failures_per_year.unwrap_or_else(|| {
                let total: f64 = members
                    .iter()
                    .map(|&(c, _)| {
                        let component = &spec.components[c];
                        component
                            .failures_per_year
                            .unwrap_or(instance_defaults(&component.kind).0)
                    })
                    .sum();
                group.beta.unwrap_or(0.1) * total / members.len() as f64
            });
            let event = events.len();
            events.push(Event {
                id: format!("common-cause:{}", group.name),
                kind: EventKind::CommonCause,
                component: None,
                repair_seconds: group.restore_seconds,
                unavailability: steady_state(rate, hours(group.restore_seconds, 1.0)),
            });
            for (c, k) in members {
                components[c].instances[k].causes.push(event);
            }
        }
        let on_call_declared = spec.people.iter().any(|p| p.on_call == Some(true));
        let mut people = Vec::new();
        for person in &spec.people {
            let event = events.len();
            events.push(Event {
                id: format!("person:{}", person.name),
                kind: EventKind::Person,
                component: None,
                repair_seconds: None,
                unavailability: 0.25,
            });
            let can_fail_over = spec
                .components
                .iter()
                .enumerate()
                .filter(|(_, c)| person.can.contains(&format!("failover:{}", c.name)))
                .map(|(c, _)| c)
                .collect();
            people.push(Person {
                name: person.name.clone(),
                event,
                can_fail_over,
                reached: !on_call_declared || person.on_call == Some(true),
            });
        }
        let declared_journeys = !spec.journeys.is_empty();
        let journeys = if declared_journeys {
            let weight_of = |j: usize| -> f64 {
                let journey = &spec.journeys[j];
                if spec.journeys.iter().all(|j| j.traffic.is_some()) {
                    journey.traffic.unwrap()
                } else if spec
                    .journeys
                    .iter()
                    .all(|j| j.downtime_cost_per_hour.is_some())
                {
                    journey.downtime_cost_per_hour.unwrap()
                } else {
                    1.0
                }
            };
            let total: f64 = (0..spec.journeys.len()).map(weight_of).sum();
            spec.journeys
                .iter()
                .enumerate()
                .map(|(j, journey)| Journey {
                    name: journey.name.clone(),
                    path: journey.path.clone(),
                    critical: journey.critical.unwrap_or(true),
                    rto_target_seconds: journey.rto_target_seconds,
                    weight: weight_of(j) / total,
                })
                .collect()
        } else {
            // Every component nothing depends on, monitoring and the deploy pipeline excepted:
            // requests do not pass through them, so their own calls do not count either. The
            // members of a dependency cycle that nothing outside it depends on count as such
            // (a cycle is one unit of mutual dependence).
            let outside = |c: usize| {
                let kind = spec.components[c].kind.as_str();
                kind == "monitoring" || kind == "deploy_pipeline"
            };
            let reaches = |from: usize, to: usize| -> bool {
                let mut seen = vec![false; spec.components.len()];
                let mut stack = vec![from];
                while let Some(c) = stack.pop() {
                    if c == to {
                        return true;
                    }
                    if !std::mem::replace(&mut seen[c], true) {
                        stack.extend(spec.components[c].depends_on.iter().map(|d| d.target));
                    }
                }
                false
            };
            let path = (0..spec.components.len())
                .filter(|&c| {
                    !outside(c)
                        && (0..spec.components.len()).all(|caller| {
                            outside(caller)
                                || caller == c
                                || !reaches(caller, c)
                                || reaches(c, caller)
                        })
                })
                .collect();
            vec![Journey {
                name: "system".to_string(),
                path,
                critical: true,
                rto_target_seconds: None,
                weight: 1.0,
            }]
        };
        Oracle {
            events,
            components,
            journeys,
            people,
            declared_journeys,
        }
    }

    /// The event with this id.
    pub fn event_index(&self, id: &str) -> Option<usize> {
        self.events.iter().position(|e| e.id == id)
    }

    /// A failure vector with these events failed.
    pub fn failed(&self, events: &[usize]) -> Vec<bool> {
        let mut failed = vec![false; self.events.len()];
        for &e in events {
            failed[e] = true;
        }
        failed
    }

    fn applies(dependency: &Dependency, scope: Scope) -> bool {
        match (scope, &dependency.journeys) {
            (_, None) | (Scope::Every, _) => true,
            (Scope::Journey(j), Some(journeys)) => journeys.contains(&j),
        }
    }

    /// What is down with these events failed and these failovers completed: the least fixed
    /// point, from everything up.
    pub fn evaluate(&self, failed: &[bool], scope: Scope, failed_over: &[bool]) -> State {
        let mut state = State {
            instance_down: self
                .components
                .iter()
                .map(|c| vec![false; c.instances.len()])
                .collect(),
            component_down: vec![false; self.components.len()],
        };
        loop {
            let mut changed = false;
            for (c, component) in self.components.iter().enumerate() {
                for (i, instance) in component.instances.iter().enumerate() {
                    if state.instance_down[c][i] {
                        continue;
                    }
                    let down = instance.causes.iter().any(|&e| failed[e])
                        || component
                            .dependencies
                            .iter()
                            .filter(|d| Self::applies(d, scope))
                            .any(|d| self.dependency_fails(d, instance, &state));
                    if down {
                        state.instance_down[c][i] = true;
                        changed = true;
                    }
                }
            }
            for (c, component) in self.components.iter().enumerate() {
                if state.component_down[c] {
                    continue;
                }
                let up = state.instance_down[c].iter().filter(|&&down| !down).count();
                let primary_out = component.failover.is_some()
                    && state.instance_down[c][component.primary]
                    && !failed_over[c];
                if up < component.min_healthy || primary_out {
                    state.component_down[c] = true;
                    changed = true;
                }
            }
            if !changed {
                return state;
            }
        }
    }

    fn dependency_fails(
        &self,
        dependency: &Dependency,
        instance: &Instance,
        state: &State,
    ) -> bool {
        match dependency.kind {
            DependencyKind::Optional | DependencyKind::Cache | DependencyKind::Startup => false,
            DependencyKind::Hard => state.component_down[dependency.target],
            DependencyKind::PerZone if !dependency.scoped => {
                state.component_down[dependency.target]
            }
            DependencyKind::PerZone => {
                let target = &self.components[dependency.target];
                let local: Vec<usize> = (0..target.instances.len())
                    .filter(|&k| {
                        instance.zone.is_some() && target.instances[k].zone == instance.zone
                    })
                    .collect();
                if local.is_empty() {
                    state.component_down[dependency.target]
                } else {
                    local
                        .iter()
                        .all(|&k| state.instance_down[dependency.target][k])
                }
            }
        }
    }

    /// Whether someone still available (and reached) can fail this component over; anyone can
    /// when the model lists no people.
    pub fn can_fail_over(&self, component: usize, failed: &[bool]) -> bool {
        self.people.is_empty()
            || self
                .people
                .iter()
                .any(|p| p.reached && !failed[p.event] && p.can_fail_over.contains(&component))
    }

    /// The failovers completed in a phase.
    pub fn failed_over(&self, phase: Phase, failed: &[bool]) -> Vec<bool> {
        self.components
            .iter()
            .enumerate()
            .map(|(c, component)| match (phase, component.failover) {
                (Phase::Immediate, _) | (_, None) => false,
                (Phase::AfterAutomatic, Some(f)) => f.automatic,
                (Phase::AfterManual, Some(f)) => f.automatic || self.can_fail_over(c, failed),
            })
            .collect()
    }

    pub fn journey_down(&self, state: &State, journey: usize) -> bool {
        self.journeys[journey]
            .path
            .iter()
            .any(|&c| state.component_down[c])
    }

    /// Whether the journey is down in this phase.
    pub fn down_in(&self, failed: &[bool], journey: usize, phase: Phase) -> bool {
        let failed_over = self.failed_over(phase, failed);
        let state = self.evaluate(failed, Scope::Journey(journey), &failed_over);
        self.journey_down(&state, journey)
    }

    /// The components down in this phase with every dependency counted.
    /// The restarts the failed events block (docs/model.md, `startup`): a component with an
    /// instance that one of the events fails by itself (its own event, a domain, a common
    /// cause, a whole-component event), and a start-up dependency of it still down after the
    /// automatic failovers. As `(component, dependency)`, sorted.
    pub fn restart_blocked(&self, failed: &[bool]) -> Vec<(usize, usize)> {
        let down = self.components_down(failed, Phase::AfterAutomatic);
        let mut out = Vec::new();
        for (c, component) in self.components.iter().enumerate() {
            let hit = component
                .instances
                .iter()
                .any(|i| i.causes.iter().any(|&e| failed[e]));
            if !hit {
                continue;
            }
            for d in &component.dependencies {
                if d.kind == DependencyKind::Startup && down.contains(&d.target) {
                    out.push((c, d.target));
                }
            }
        }
        out.sort_unstable();
        out.dedup();
        out
    }

    pub fn components_down(&self, failed: &[bool], phase: Phase) -> Vec<usize> {
        let failed_over = self.failed_over(phase, failed);
        let state = self.evaluate(failed, Scope::Every, &failed_over);
        (0..self.components.len())
            .filter(|&c| state.component_down[c])
            .collect()
    }

    /// The components a journey uses: its path and what they need on it (hard and `per: zone`
    /// dependencies). An optional dependency is called but not needed: what lies beyond it is
    /// not counted as used.
    pub fn used_by(&self, journey: usize) -> Vec<usize> {
        let mut used = vec![false; self.components.len()];
        let mut stack = self.journeys[journey].path.clone();
        while let Some(c) = stack.pop() {
            if used[c] {
                continue;
            }
            used[c] = true;
            for dependency in &self.components[c].dependencies {
                let needed = matches!(
                    dependency.kind,
                    DependencyKind::Hard | DependencyKind::PerZone
                );
                if needed && Self::applies(dependency, Scope::Journey(journey)) {
                    stack.push(dependency.target);
                }
            }
        }
        (0..self.components.len()).filter(|&c| used[c]).collect()
    }

    /// Whether the journey, up, is degraded right after the failure: an optional (or cached)
    /// dependency of something it uses is down, or a component without health checks that it
    /// uses has a dead instance.
    fn degraded(&self, failed: &[bool], journey: usize) -> bool {
        let failed_over = self.failed_over(Phase::Immediate, failed);
        let state = self.evaluate(failed, Scope::Journey(journey), &failed_over);
        self.used_by(journey).into_iter().any(|c| {
            let component = &self.components[c];
            let optional_down = component.dependencies.iter().any(|d| {
                matches!(d.kind, DependencyKind::Optional | DependencyKind::Cache)
                    && Self::applies(d, Scope::Journey(journey))
                    && state.component_down[d.target]
            });
            let unchecked_dead = component.failover.is_none()
                && !component.health_checked
                && state.instance_down[c].iter().any(|&down| down);
            optional_down || unchecked_dead
        })
    }

    /// The effect of these failed events on the journey.
    pub fn effect(&self, failed: &[bool], journey: usize) -> Effect {
        if !self.down_in(failed, journey, Phase::Immediate) {
            return if self.degraded(failed, journey) {
                Effect::Degraded
            } else {
                Effect::None
            };
        }
        let scope = Scope::Journey(journey);
        let down_with = |failed_over: &[bool]| {
            let state = self.evaluate(failed, scope, failed_over);
            self.journey_down(&state, journey)
        };
        // The failovers that may complete, with their times; the journey is back at the first
        // time t where completing every one of them of `failover_time` at most t brings it up.
        let recovery_time = |allowed: &[bool]| -> Option<u64> {
            let mut times: Vec<u64> = (0..self.components.len())
                .filter(|&c| allowed[c])
                .map(|c| self.components[c].failover.unwrap().seconds)
                .collect();
            times.sort_unstable();
            times.dedup();
            times.into_iter().find(|&t| {
                let done: Vec<bool> = (0..self.components.len())
                    .map(|c| allowed[c] && self.components[c].failover.unwrap().seconds <= t)
                    .collect();
                !down_with(&done)
            })
        };
        let automatic = self.failed_over(Phase::AfterAutomatic, failed);
        if !down_with(&automatic) {
            let seconds =
                recovery_time(&automatic).expect("up once every automatic failover completes");
            return Effect::Interrupted { seconds };
        }
        let manual = self.failed_over(Phase::AfterManual, failed);
        if down_with(&manual) {
            return Effect::Repair;
        }
        let seconds = recovery_time(&manual).expect("up once every failover completes");
        let immediate = self.evaluate(failed, scope, &vec![false; self.components.len()]);
        let done_by = |c: usize| -> bool {
            let component = &self.components[c];
            manual[c]
                && component
                    .failover
                    .is_some_and(|f| !f.automatic && f.seconds <= seconds)
                && immediate.instance_down[c][component.primary]
        };
        let done: Vec<usize> = (0..self.components.len()).filter(|&c| done_by(c)).collect();
        let needed = done
            .iter()
            .copied()
            .filter(|&c| {
                let without: Vec<bool> = (0..self.components.len())
                    .map(|other| {
                        other != c
                            && manual[other]
                            && self.components[other].failover.unwrap().seconds <= seconds
                    })
                    .collect();
                down_with(&without)
            })
            .collect();
        Effect::Manual {
            seconds,
            needed,
            done,
        }
    }

    /// How long the effect of a single event on a journey lasts, when known.
    pub fn recovery_seconds(&self, event: usize, effect: &Effect) -> Option<u64> {
        match effect {
            Effect::Interrupted { seconds } | Effect::Manual { seconds, .. } => Some(*seconds),
            Effect::Repair => self.events[event].repair_seconds,
            Effect::None | Effect::Degraded => None,
        }
    }

    /// Whether an effect takes the journey down beyond a brief automatic failover: until a
    /// manual step or a repair, or interrupted past its `rto_target`.
    pub fn takes_down(&self, effect: &Effect, journey: usize) -> bool {
        match effect {
            Effect::Manual { .. } | Effect::Repair => true,
            Effect::Interrupted { seconds } => self.journeys[journey]
                .rto_target_seconds
                .is_some_and(|target| *seconds > target),
            Effect::None | Effect::Degraded => false,
        }
    }

    /// Whether the effect makes the event a SPOF (for a critical journey).
    pub fn makes_spof(&self, effect: &Effect, journey: usize) -> bool {
        self.journeys[journey].critical && self.takes_down(effect, journey)
    }

    /// People who can perform a manual failover of the component and count for it.
    pub fn able_people(&self, component: usize) -> Vec<String> {
        self.people
            .iter()
            .filter(|p| p.reached && p.can_fail_over.contains(&component))
            .map(|p| p.name.clone())
            .collect()
    }

    /// Non-person events, the ones the structure after automatic failovers depends on.
    pub fn structural_events(&self) -> Vec<usize> {
        (0..self.events.len())
            .filter(|&e| self.events[e].kind != EventKind::Person)
            .collect()
    }
}

/// Everything the oracle says about single events.
#[derive(Clone, Debug)]
pub struct Singles {
    /// `effects[event][journey]`.
    pub effects: Vec<Vec<Effect>>,
    pub spof: Vec<bool>,
    pub blast_radius: Vec<f64>,
    /// Components down after automatic failovers, and those only interrupted.
    pub components_down: Vec<Vec<usize>>,
    pub components_interrupted: Vec<Vec<usize>>,
    /// Per journey: the worst recovery time over the events that take it down (`None` inside
    /// when one of them is unknown; outer `None` when no event takes it down).
    pub rto: Vec<Option<Option<u64>>>,
}

impl Oracle {
    pub fn singles(&self) -> Singles {
        let event_count = self.events.len();
        let mut singles = Singles {
            effects: Vec::new(),
            spof: Vec::new(),
            blast_radius: Vec::new(),
            components_down: Vec::new(),
            components_interrupted: Vec::new(),
            rto: vec![None; self.journeys.len()],
        };
        for e in 0..event_count {
            let failed = self.failed(&[e]);
            let effects: Vec<Effect> = (0..self.journeys.len())
                .map(|j| self.effect(&failed, j))
                .collect();
            singles
                .spof
                .push((0..self.journeys.len()).any(|j| self.makes_spof(&effects[j], j)));
            singles.blast_radius.push(
                (0..self.journeys.len())
                    .filter(|&j| self.takes_down(&effects[j], j))
                    .map(|j| self.journeys[j].weight)
                    .sum(),
            );
            let after = self.components_down(&failed, Phase::AfterAutomatic);
            let before = self.components_down(&failed, Phase::Immediate);
            singles.components_interrupted.push(
                before
                    .iter()
                    .copied()
                    .filter(|c| !after.contains(c))
                    .collect(),
            );
            singles.components_down.push(after);
            for (j, effect) in effects.iter().enumerate() {
                if matches!(effect, Effect::None | Effect::Degraded) {
                    continue;
                }
                let seconds = self.recovery_seconds(e, effect);
                singles.rto[j] = Some(match singles.rto[j] {
                    None => seconds,
                    Some(worst) => match (worst, seconds) {
                        (Some(a), Some(b)) => Some(a.max(b)),
                        _ => None,
                    },
                });
            }
            singles.effects.push(effects);
        }
        singles
    }
}
