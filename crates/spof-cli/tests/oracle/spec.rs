//! The oracle's own description of a generated model, and its YAML text.
//!
//! The generator builds a `Spec`; the test writes it as YAML for the `spof` binary and hands the
//! same `Spec` to the naive evaluator, so both read one model and nothing else is shared.

use std::fmt::Write;

/// A whole model.
#[derive(Clone, Debug)]
pub struct Spec {
    pub domains: Vec<DomainSpec>,
    pub components: Vec<ComponentSpec>,
    /// The declared journeys; none means the implicit `system` journey.
    pub journeys: Vec<JourneySpec>,
    pub people: Vec<PersonSpec>,
    pub common_causes: Vec<CommonCauseSpec>,
}

/// A group under `common_causes:`.
#[derive(Clone, Debug)]
pub struct CommonCauseSpec {
    pub name: String,
    /// Members: a component (every instance) or one instance of it, by index from 0.
    pub members: Vec<(usize, Option<usize>)>,
    pub beta: Option<f64>,
    pub failures_per_year: Option<f64>,
    pub restore_seconds: Option<u64>,
}

/// A failure domain.
#[derive(Clone, Debug)]
pub struct DomainSpec {
    pub name: String,
    pub kind: String,
    /// The enclosing domain, by index.
    pub parent: Option<usize>,
    pub restore_seconds: Option<u64>,
    pub failures_per_year: Option<f64>,
}

/// A component.
#[derive(Clone, Debug)]
pub struct ComponentSpec {
    pub name: String,
    pub kind: String,
    pub instances: Instances,
    pub min_healthy: Option<usize>,
    pub mode: Mode,
    pub restore_seconds: Option<u64>,
    pub failures_per_year: Option<f64>,
    pub managed: bool,
    /// Domains every instance is in, by index.
    pub placed_in: Vec<usize>,
    /// Domains the instances are spread over in turn, by index.
    pub spread: Vec<usize>,
    pub depends_on: Vec<DependencySpec>,
    pub deploy_all_at_once: bool,
    /// For a certificate: whether it is renewed by hand.
    pub manual_renewal: Option<bool>,
    /// For a monitoring component: the components it watches.
    pub watches: Vec<usize>,
}

/// How a component's instances are declared.
#[derive(Clone, Debug)]
pub enum Instances {
    /// `replicas: n`; `write_key` false leaves the key out (only for one instance, no spread).
    Replicas { count: usize, write_key: bool },
    /// `instances:` one by one.
    Named(Vec<NamedInstance>),
}

/// One instance named in the model.
#[derive(Clone, Debug)]
pub struct NamedInstance {
    pub name: String,
    pub placed_in: Vec<usize>,
    /// `role: primary` written on this instance.
    pub primary: bool,
}

/// Active-active or active-passive, with what the model writes for it.
#[derive(Clone, Debug)]
pub enum Mode {
    ActiveActive {
        health_check: Option<bool>,
        write_mode: bool,
    },
    ActivePassive {
        automatic: bool,
        failover_seconds: Option<u64>,
        write_mode: bool,
    },
}

/// A dependency edge.
#[derive(Clone, Debug)]
pub struct DependencySpec {
    pub target: usize,
    pub kind: DependencyKind,
    /// Request-scoped: the journeys (by index) the call is made on; empty for every journey.
    pub journeys: Vec<usize>,
    /// Written as a bare name (only for a hard dependency on every journey).
    pub short_form: bool,
}

/// What losing a dependency does to the caller.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DependencyKind {
    Hard,
    Optional,
    /// `cache: true`: counts as optional.
    Cache,
    /// `per: zone`.
    PerZone,
    /// `startup: true`: needed only to start; takes nothing down.
    Startup,
}

/// A journey.
#[derive(Clone, Debug)]
pub struct JourneySpec {
    pub name: String,
    pub path: Vec<usize>,
    /// `critical:` as written; absent means true.
    pub critical: Option<bool>,
    pub rto_target_seconds: Option<u64>,
    pub traffic: Option<f64>,
    pub downtime_cost_per_hour: Option<f64>,
}

/// A person.
#[derive(Clone, Debug)]
pub struct PersonSpec {
    pub name: String,
    /// Steps such as `failover:db`.
    pub can: Vec<String>,
    pub on_call: Option<bool>,
}

impl ComponentSpec {
    /// How many instances the component has.
    /// How the model names instance `k` (from 0): its number from 1, or its given name.
    pub fn instance_label(&self, k: usize) -> String {
        match &self.instances {
            Instances::Replicas { .. } => (k + 1).to_string(),
            Instances::Named(named) => named[k].name.clone(),
        }
    }

    pub fn instance_count(&self) -> usize {
        match &self.instances {
            Instances::Replicas { count, .. } => *count,
            Instances::Named(named) => named.len(),
        }
    }

    pub fn is_active_passive(&self) -> bool {
        matches!(self.mode, Mode::ActivePassive { .. })
    }
}

/// A duration as the model writes it: `90s`, `5m`, `2h`.
pub fn duration_text(seconds: u64) -> String {
    if seconds.is_multiple_of(3600) {
        format!("{}h", seconds / 3600)
    } else if seconds.is_multiple_of(60) {
        format!("{}m", seconds / 60)
    } else {
        format!("{seconds}s")
    }
}

fn number_text(value: f64) -> String {
    format!("{value:?}")
}

fn name_list(names: impl IntoIterator<Item = String>) -> String {
    let names: Vec<String> = names.into_iter().collect();
    format!("[{}]", names.join(", "))
}

impl Spec {
    /// The model as YAML text.
    pub fn to_yaml(&self) -> String {
        let mut out = String::new();
        out.push_str("version: 1\nname: generated\n");
        if !self.domains.is_empty() {
            out.push_str("domains:\n");
            for domain in &self.domains {
                writeln!(out, "  {}:", domain.name).unwrap();
                writeln!(out, "    kind: {}", domain.kind).unwrap();
                if let Some(parent) = domain.parent {
                    writeln!(out, "    in: {}", self.domains[parent].name).unwrap();
                }
                if let Some(seconds) = domain.restore_seconds {
                    writeln!(out, "    restore_time: {}", duration_text(seconds)).unwrap();
                }
                if let Some(rate) = domain.failures_per_year {
                    writeln!(out, "    failures_per_year: {}", number_text(rate)).unwrap();
                }
            }
        }
        out.push_str("components:\n");
        for component in &self.components {
            self.write_component(&mut out, component);
        }
        if !self.journeys.is_empty() {
            out.push_str("journeys:\n");
            for journey in &self.journeys {
                writeln!(out, "  {}:", journey.name).unwrap();
                let path = journey
                    .path
                    .iter()
                    .map(|&c| self.components[c].name.clone());
                writeln!(out, "    path: {}", name_list(path)).unwrap();
                if let Some(critical) = journey.critical {
                    writeln!(out, "    critical: {critical}").unwrap();
                }
                if let Some(seconds) = journey.rto_target_seconds {
                    writeln!(out, "    rto_target: {}", duration_text(seconds)).unwrap();
                }
                if let Some(traffic) = journey.traffic {
                    writeln!(out, "    traffic: {}", number_text(traffic)).unwrap();
                }
                if let Some(cost) = journey.downtime_cost_per_hour {
                    writeln!(out, "    downtime_cost_per_hour: {}", number_text(cost)).unwrap();
                }
            }
        }
        if !self.people.is_empty() {
            out.push_str("people:\n");
            for person in &self.people {
                writeln!(out, "  {}:", person.name).unwrap();
                let steps = person.can.iter().map(|step| format!("\"{step}\""));
                writeln!(out, "    can: {}", name_list(steps)).unwrap();
                if let Some(on_call) = person.on_call {
                    writeln!(out, "    on_call: {on_call}").unwrap();
                }
            }
        }
        if !self.common_causes.is_empty() {
            out.push_str("common_causes:\n");
            for group in &self.common_causes {
                writeln!(out, "  {}:", group.name).unwrap();
                let members = group.members.iter().map(|&(c, k)| {
                    let component = &self.components[c];
                    match k {
                        None => component.name.clone(),
                        Some(k) => format!("{}/{}", component.name, component.instance_label(k)),
                    }
                });
                writeln!(out, "    members: {}", name_list(members)).unwrap();
                if let Some(beta) = group.beta {
                    writeln!(out, "    beta: {}", number_text(beta)).unwrap();
                }
                if let Some(rate) = group.failures_per_year {
                    writeln!(out, "    failures_per_year: {}", number_text(rate)).unwrap();
                }
                if let Some(seconds) = group.restore_seconds {
                    writeln!(out, "    restore_time: {}", duration_text(seconds)).unwrap();
                }
            }
        }
        out
    }

    fn domain_names(&self, indices: &[usize]) -> String {
        name_list(indices.iter().map(|&d| self.domains[d].name.clone()))
    }

    fn write_component(&self, out: &mut String, component: &ComponentSpec) {
        writeln!(out, "  {}:", component.name).unwrap();
        writeln!(out, "    kind: {}", component.kind).unwrap();
        match &component.instances {
            Instances::Replicas { count, write_key } => {
                if *write_key {
                    writeln!(out, "    replicas: {count}").unwrap();
                }
            }
            Instances::Named(named) => {
                out.push_str("    instances:\n");
                for instance in named {
                    let mut fields = vec![format!("name: {}", instance.name)];
                    if !instance.placed_in.is_empty() {
                        fields.push(format!("in: {}", self.domain_names(&instance.placed_in)));
                    }
                    if instance.primary {
                        fields.push("role: primary".to_string());
                    }
                    writeln!(out, "      - {{{}}}", fields.join(", ")).unwrap();
                }
            }
        }
        if let Some(k) = component.min_healthy {
            writeln!(out, "    min_healthy: {k}").unwrap();
        }
        match &component.mode {
            Mode::ActiveActive {
                health_check,
                write_mode,
            } => {
                if *write_mode {
                    out.push_str("    mode: active-active\n");
                }
                if let Some(checked) = health_check {
                    writeln!(out, "    health_check: {checked}").unwrap();
                }
            }
            Mode::ActivePassive {
                automatic,
                failover_seconds,
                write_mode,
            } => {
                if *write_mode {
                    out.push_str("    mode: active-passive\n");
                }
                let how = if *automatic { "automatic" } else { "manual" };
                writeln!(out, "    failover: {how}").unwrap();
                if let Some(seconds) = failover_seconds {
                    writeln!(out, "    failover_time: {}", duration_text(*seconds)).unwrap();
                }
            }
        }
        if let Some(seconds) = component.restore_seconds {
            writeln!(out, "    restore_time: {}", duration_text(seconds)).unwrap();
        }
        if let Some(rate) = component.failures_per_year {
            writeln!(out, "    failures_per_year: {}", number_text(rate)).unwrap();
        }
        if component.managed {
            out.push_str("    managed: true\n");
        }
        if !component.placed_in.is_empty() {
            writeln!(out, "    in: {}", self.domain_names(&component.placed_in)).unwrap();
        }
        if !component.spread.is_empty() {
            writeln!(out, "    spread: {}", self.domain_names(&component.spread)).unwrap();
        }
        if component.deploy_all_at_once {
            out.push_str("    deploy: all-at-once\n");
        }
        if let Some(manual) = component.manual_renewal {
            let renewal = if manual { "manual" } else { "automated" };
            writeln!(out, "    certificate: {{renewal: {renewal}}}").unwrap();
        }
        if !component.watches.is_empty() {
            let watched = component
                .watches
                .iter()
                .map(|&c| self.components[c].name.clone());
            writeln!(out, "    monitoring: {{watches: {}}}", name_list(watched)).unwrap();
        }
        if !component.depends_on.is_empty() {
            out.push_str("    depends_on:\n");
            for dependency in &component.depends_on {
                let target = &self.components[dependency.target].name;
                if dependency.short_form {
                    writeln!(out, "      - {target}").unwrap();
                    continue;
                }
                let mut fields = vec![format!("component: {target}")];
                match dependency.kind {
                    DependencyKind::Hard => {}
                    DependencyKind::Optional => fields.push("optional: true".to_string()),
                    DependencyKind::Startup => fields.push("startup: true".to_string()),
                    DependencyKind::Cache => fields.push("cache: true".to_string()),
                    DependencyKind::PerZone => fields.push("per: zone".to_string()),
                }
                if !dependency.journeys.is_empty() {
                    let names = dependency
                        .journeys
                        .iter()
                        .map(|&j| self.journeys[j].name.clone());
                    fields.push(format!("journeys: {}", name_list(names)));
                }
                writeln!(out, "      - {{{}}}", fields.join(", ")).unwrap();
            }
        }
    }
}
