//! The JSON report. Its wire types live here, not in the engine: the engine's types may change
//! freely, this shape changes only with `SCHEMA_VERSION` (documented in docs/json-output.md).

use crate::{Options, selected_findings, selected_spofs};
use serde::Serialize;
use spof_engine::analysis::{EventReport, Recovery, WhatIf};
use spof_engine::evaluate::{Outcome, Phase};
use spof_engine::findings::Finding;
use spof_engine::findings::capacity::CapacityLeft;
use spof_engine::graph::{EventKind, describe_event, event_id};
use spof_engine::{Report, Severity};
use spof_model::{Diagnostic, Model, Span};

pub const SCHEMA_VERSION: u32 = 1;

/// The check report. Its long lists (SPOFs, findings, other effects) are made one entry at a
/// time as they are written, so that a report of a million events is never held whole.
#[derive(Serialize)]
#[serde(bound(
    serialize = "Seq<S>: Serialize, Seq<F>: Serialize, Seq<O>: Serialize, I: Serialize"
))]
struct CheckJson<'a, S, F, O, I> {
    schema_version: u32,
    tool: Tool,
    model: ModelJson<'a>,
    spofs: Seq<S>,
    findings: Seq<F>,
    journeys: Vec<JourneyJson<'a>>,
    components: Vec<ComponentJson<'a>>,
    other_effects: Seq<O>,
    warnings: Vec<DiagnosticJson>,
    summary: SummaryJson,
    /// The audit checklist (the same as `spof checklist --format json` gives).
    checklist: crate::checklist::ChecklistJson,
    /// What an import read, when the model was imported.
    #[serde(skip_serializing_if = "Option::is_none")]
    import: Option<&'a I>,
    /// The changes against an earlier report, with `--baseline`.
    #[serde(skip_serializing_if = "Option::is_none")]
    baseline: Option<crate::baseline::BaselineJson>,
    /// What drills measured per component (docs/evidence.md); absent without evidence.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    evidence: Vec<EvidenceJson>,
}

/// A drill's result for a component, as the analysis used it.
#[derive(Serialize)]
struct EvidenceJson {
    component: String,
    drill: String,
    date: String,
    /// The measured interruption; `None` when the journey stayed down until restored.
    interruption_seconds: Option<f64>,
    declared_failover: Option<String>,
    met: bool,
    recent: bool,
    /// Whether the measured time replaced the declared one in recovery and availability.
    used_instead_of_declared: bool,
    text: String,
}

/// A sequence serialised straight from an iterator, once.
struct Seq<I>(std::cell::Cell<Option<I>>);

impl<I> Seq<I> {
    fn new(items: I) -> Seq<I> {
        Seq(std::cell::Cell::new(Some(items)))
    }
}

impl<I> Serialize for Seq<I>
where
    I: Iterator,
    I::Item: Serialize,
{
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self.0.take() {
            Some(items) => serializer.collect_seq(items),
            None => Err(serde::ser::Error::custom("a sequence is written once")),
        }
    }
}

#[derive(Serialize)]
pub(crate) struct Tool {
    name: &'static str,
    version: &'static str,
}

#[derive(Serialize)]
struct ModelJson<'a> {
    name: Option<&'a str>,
    file: &'a str,
    components: usize,
    instances: usize,
    domains: usize,
    common_causes: usize,
    journeys: usize,
    events: usize,
}

#[derive(Serialize)]
struct SpofJson {
    event: String,
    kind: &'static str,
    description: String,
    component: Option<String>,
    journeys: Vec<JourneyEffectJson>,
    blast_radius: f64,
    components_down: Vec<String>,
    components_down_count: usize,
    components_interrupted: Vec<String>,
    components_interrupted_count: usize,
    recovery: RecoveryJson,
    /// Exact availability figures, when computed (see `journeys[].unavailability`): for the
    /// critical journey where the event matters most.
    #[serde(skip_serializing_if = "Option::is_none")]
    importance: Option<ImportanceJson>,
    /// The same for every journey.
    #[serde(skip_serializing_if = "Option::is_none")]
    importance_by_journey: Option<Vec<JourneyImportanceJson>>,
}

#[derive(Serialize)]
struct ImportanceJson {
    #[serde(flatten)]
    figures: JourneyImportanceJson,
    redundancy_cost_per_month: Option<f64>,
}

/// The importance of an event for one journey: every figure is that journey's.
#[derive(Serialize)]
struct JourneyImportanceJson {
    /// Null when no journey is critical (then every figure is 0).
    journey: Option<String>,
    birnbaum: f64,
    fussell_vesely: f64,
    risk_achievement_worth: f64,
    risk_reduction_worth: Option<f64>,
    downtime_hours_per_year: f64,
    downtime_cost_per_year: f64,
}

#[derive(Serialize)]
struct JourneyEffectJson {
    journey: String,
    effect: &'static str,
    spof: bool,
    recovery: RecoveryJson,
}

/// How a journey recovers, as the JSON report and the diagram write it.
#[derive(Serialize, Clone, Debug)]
pub struct RecoveryJson {
    /// none, degraded, automatic, manual or repair.
    kind: &'static str,
    /// Seconds until the journey is back; null when unknown.
    seconds: Option<u64>,
    /// The same, as written in models (`2h`).
    time: Option<String>,
    components: Vec<String>,
    steps: Vec<String>,
    people: Vec<String>,
}

#[derive(Serialize)]
struct FindingJson {
    code: String,
    name: String,
    severity: &'static str,
    message: String,
    components: Vec<String>,
    journeys: Vec<String>,
    event: Option<String>,
    blast_radius: Option<f64>,
    recovery: Option<RecoveryJson>,
    fix: String,
    layer: &'static str,
    location: Option<LocationJson>,
    /// Where importers found the components (`file:line` or a resource address).
    sources: Vec<String>,
    decision: Option<DecisionJson>,
    /// False when a decision in force covers it: it does not fail the run.
    fails_run: bool,
    /// For a finding of `spof probe`: when it was observed. Absent for static findings.
    #[serde(skip_serializing_if = "Option::is_none")]
    observed: Option<String>,
}

#[derive(Serialize)]
pub(crate) struct DecisionJson {
    status: &'static str,
    owner: Option<String>,
    reason: Option<String>,
    review_by: Option<String>,
    expired: bool,
    /// The recovery time the decision accepts.
    rto: Option<String>,
    /// What the decision lacks to be in force: `owner`, `review_by`.
    missing: Vec<&'static str>,
    /// The recovery time the analysis finds is longer than `rto`, or unknown.
    rto_exceeded: bool,
    /// Whether the decision hides the finding.
    in_force: bool,
}

#[derive(Serialize)]
struct LocationJson {
    file: String,
    line: u32,
    column: u32,
}

#[derive(Serialize)]
struct JourneyJson<'a> {
    name: &'a str,
    critical: bool,
    declared: bool,
    path: Vec<&'a str>,
    rto: Option<String>,
    rto_seconds: Option<u64>,
    rto_event: Option<String>,
    rto_target: Option<String>,
    meets_target: Option<bool>,
    spofs: usize,
    weight: f64,
    unavailability: Option<f64>,
    downtime_hours_per_year: Option<f64>,
    downtime_cost_per_year: Option<f64>,
    /// `[lower, upper]` on the unavailability when the exact figure is out of reach.
    #[serde(skip_serializing_if = "Option::is_none")]
    unavailability_bounds: Option<[f64; 2]>,
}

#[derive(Serialize)]
struct ComponentJson<'a> {
    name: &'a str,
    kind: &'static str,
    layer: &'static str,
    instances: usize,
    min_healthy: usize,
    managed: bool,
    failover_level: u8,
    failover: &'static str,
    spof: bool,
    on_critical_path: bool,
}

#[derive(Serialize)]
pub(crate) struct DiagnosticJson {
    severity: &'static str,
    code: &'static str,
    message: String,
    file: String,
    line: Option<u32>,
    column: Option<u32>,
    help: Option<String>,
}

#[derive(Serialize)]
struct SummaryJson {
    spofs: usize,
    findings: usize,
    by_severity: Vec<(&'static str, usize)>,
    fail_on: Option<&'static str>,
    failed: bool,
}

pub fn check(model: &Model, report: &Report, options: &Options, warnings: &[Diagnostic]) -> String {
    let mut bytes = Vec::new();
    write_check(&mut bytes, model, report, options, warnings, None::<&()>)
        .expect("writing to memory does not fail");
    String::from_utf8(bytes).expect("JSON is UTF-8")
}

/// The check report written to `writer` as it is made (see [`check`]), with what an import
/// read under `import` when the model was imported.
pub fn write_check<I: Serialize>(
    writer: impl std::io::Write,
    model: &Model,
    report: &Report,
    options: &Options,
    warnings: &[Diagnostic],
    import: Option<&I>,
) -> std::io::Result<()> {
    let spofs = selected_spofs(model, report, options).map(|e| event_json(model, report, e));
    let findings: Vec<&Finding> = selected_findings(report, options).collect();
    let by_severity = Severity::ALL
        .iter()
        .map(|&s| {
            (
                s.as_str(),
                findings.iter().filter(|f| f.severity == s).count(),
            )
        })
        .collect();
    let doc = CheckJson {
        schema_version: SCHEMA_VERSION,
        tool: tool(),
        model: ModelJson {
            name: model.name.as_deref(),
            file: &options.file,
            components: model.components.len(),
            instances: model.components.iter().map(|c| c.instances.len()).sum(),
            domains: model.domain_counts().0,
            common_causes: model.domain_counts().1,
            journeys: model.journeys.len(),
            events: report.analysis.graph.event_count(),
        },
        spofs: Seq::new(spofs),
        findings: Seq::new(
            findings
                .iter()
                .map(|f| finding_json(model, report, f, &options.file)),
        ),
        journeys: report
            .analysis
            .journeys
            .iter()
            .filter(|j| options.journey.is_none_or(|o| o == j.journey))
            .map(|j| {
                let journey = &model.journeys[j.journey];
                JourneyJson {
                    name: &journey.name,
                    critical: journey.critical,
                    declared: journey.declared,
                    path: journey
                        .path
                        .iter()
                        .map(|&c| model.components[c].name.as_str())
                        .collect(),
                    rto: j.rto.map(|d| d.to_string()),
                    rto_seconds: j.rto.map(|d| d.seconds()),
                    rto_event: j
                        .rto_event
                        .map(|e| event_id(model, report.analysis.graph.events[e as usize])),
                    rto_target: journey.rto_target.map(|d| d.to_string()),
                    meets_target: j.meets_target,
                    spofs: j.spofs,
                    weight: round(j.weight),
                    unavailability: availability_of(report, j.journey),
                    downtime_hours_per_year: availability_of(report, j.journey).map(|u| u * 8760.0),
                    downtime_cost_per_year: availability_of(report, j.journey)
                        .and_then(|u| journey.downtime_cost_per_hour.map(|c| u * 8760.0 * c)),
                    unavailability_bounds: report.availability_bounds.as_ref().map(|b| {
                        let b = &b[j.journey];
                        [b.lower, b.upper]
                    }),
                }
            })
            .collect(),
        components: report
            .analysis
            .components
            .iter()
            .map(|c| {
                let component = &model.components[c.component];
                ComponentJson {
                    name: &component.name,
                    kind: component.kind.as_str(),
                    layer: component.kind.layer().as_str(),
                    instances: component.instances.len(),
                    min_healthy: component.min_healthy,
                    managed: component.managed,
                    failover_level: c.failover_level as u8,
                    failover: c.failover_level.describe(),
                    spof: c.spof,
                    on_critical_path: c.on_critical_path,
                }
            })
            .collect(),
        other_effects: Seq::new(
            report
                .analysis
                .events
                .iter()
                .filter(|e| {
                    !e.spof
                        && options
                            .journey
                            .is_none_or(|j| e.effects.iter().any(|x| x.journey == j))
                })
                .map(|e| event_json(model, report, e)),
        ),
        warnings: warnings
            .iter()
            .map(|d| diagnostic_json(d, &options.file))
            .collect(),
        summary: SummaryJson {
            spofs: selected_spofs(model, report, options).count(),
            findings: findings.len(),
            by_severity,
            fail_on: options.fail_on.map(Severity::as_str),
            failed: crate::fails(report, options),
        },
        checklist: crate::checklist::checklist_json(model, report),
        import,
        baseline: options
            .baseline
            .as_ref()
            .map(|b| crate::baseline::baseline_json(b, options.fail_on)),
        evidence: report
            .evidence
            .iter()
            .map(|note| EvidenceJson {
                component: model.components[note.component].name.clone(),
                drill: note.drill.clone(),
                date: note.date.to_string(),
                interruption_seconds: note.measured_ms.map(|ms| ms as f64 / 1000.0),
                declared_failover: note.declared.map(|d| d.to_string()),
                met: note.met,
                recent: note.recent,
                used_instead_of_declared: note.used_instead,
                text: note.sentence(model),
            })
            .collect(),
    };
    crate::number::write_json(writer, &doc)
}

/// Diagnostics of a model that could not be read, for `--format json`.
pub fn diagnostics(diagnostics: &[Diagnostic], file: &str) -> String {
    #[derive(Serialize)]
    struct ErrorsJson {
        schema_version: u32,
        errors: Vec<DiagnosticJson>,
        warnings: Vec<DiagnosticJson>,
    }
    let pick = |s: spof_model::Severity| {
        diagnostics
            .iter()
            .filter(|d| d.severity == s)
            .map(|d| diagnostic_json(d, file))
            .collect()
    };
    to_string(&ErrorsJson {
        schema_version: SCHEMA_VERSION,
        errors: pick(spof_model::Severity::Error),
        warnings: pick(spof_model::Severity::Warning),
    })
}

pub fn what_if(
    model: &Model,
    report: &Report,
    events: &[u32],
    result: &WhatIf,
    capacity: &[CapacityLeft],
) -> String {
    #[derive(Serialize)]
    struct WhatIfJson<'a> {
        schema_version: u32,
        events: Vec<String>,
        journeys: Vec<(&'a str, &'static str)>,
        components_down: Vec<&'a str>,
        components_down_after_automatic_failover: Vec<&'a str>,
        components_down_until_repair: Vec<&'a str>,
        hit_directly: Vec<&'a str>,
        restart_blocked: Vec<RestartJson<'a>>,
        capacity: Vec<CapacityJson<'a>>,
        overloaded: Vec<&'a str>,
        overloaded_journeys: Vec<&'a str>,
    }
    #[derive(Serialize)]
    struct RestartJson<'a> {
        component: &'a str,
        waits_for: &'a str,
    }
    #[derive(Serialize)]
    struct CapacityJson<'a> {
        component: &'a str,
        instances: usize,
        instances_up: usize,
        capacity: f64,
        capacity_left: f64,
        load: f64,
        overloaded: bool,
    }
    let overloaded: Vec<usize> = capacity
        .iter()
        .filter(|c| c.overloaded)
        .map(|c| c.component)
        .collect();
    let names = |list: &[usize]| {
        list.iter()
            .map(|&c| model.components[c].name.as_str())
            .collect()
    };
    to_string(&WhatIfJson {
        schema_version: SCHEMA_VERSION,
        events: events
            .iter()
            .map(|&e| event_id(model, report.analysis.graph.events[e as usize]))
            .collect(),
        journeys: result
            .outcomes
            .iter()
            .enumerate()
            .map(|(j, o)| (model.journeys[j].name.as_str(), outcome_name(*o)))
            .collect(),
        components_down: names(&result.down[Phase::Immediate]),
        components_down_after_automatic_failover: names(&result.down[Phase::AfterAutomatic]),
        components_down_until_repair: names(&result.down[Phase::AfterManual]),
        hit_directly: names(&result.direct),
        restart_blocked: result
            .restart_blocked
            .iter()
            .map(|&(c, needs)| RestartJson {
                component: &model.components[c].name,
                waits_for: &model.components[needs].name,
            })
            .collect(),
        capacity: capacity
            .iter()
            .map(|c| CapacityJson {
                component: &model.components[c.component].name,
                instances: c.instances,
                instances_up: c.instances_up,
                capacity: c.total,
                capacity_left: c.left,
                load: c.load,
                overloaded: c.overloaded,
            })
            .collect(),
        overloaded: names(&overloaded),
        overloaded_journeys: (0..model.journeys.len())
            .filter(|&j| {
                overloaded.iter().any(|c| {
                    report.analysis.graph.journey_closures[j]
                        .binary_search(c)
                        .is_ok()
                })
            })
            .map(|j| model.journeys[j].name.as_str())
            .collect(),
    })
}

fn availability_of(report: &Report, journey: usize) -> Option<f64> {
    report
        .availability
        .as_ref()
        .map(|journeys| journeys[journey].unavailability)
}

fn to_string<T: Serialize>(value: &T) -> String {
    crate::number::to_json(value)
}

pub(crate) fn round(value: f64) -> f64 {
    (value * 10_000.0).round() / 10_000.0
}

pub(crate) fn outcome_name(outcome: Outcome) -> &'static str {
    match outcome {
        Outcome::Up => "none",
        Outcome::Degraded => "degraded",
        Outcome::Interrupted => "interrupted",
        Outcome::DownUntilManual => "down-until-manual-step",
        Outcome::DownUntilRepair => "down-until-repair",
    }
}

/// The `kind` of an event in JSON: `instance`, `domain`, `common-cause`, `deploy`,
/// `certificate-expiry`, `person`.
pub fn event_kind_name(model: &Model, kind: EventKind) -> &'static str {
    match kind {
        EventKind::Instance { .. } => "instance",
        EventKind::Domain(d) if model.domains[d].kind == spof_model::DomainKind::CommonCause => {
            "common-cause"
        }
        EventKind::Domain(_) => "domain",
        EventKind::Deploy(_) => "deploy",
        EventKind::Expiry(_) => "certificate-expiry",
        EventKind::Person(_) => "person",
    }
}

fn event_json(model: &Model, report: &Report, event: &EventReport) -> SpofJson {
    SpofJson {
        importance: report
            .availability
            .as_ref()
            .map(|journeys| most_important(model, journeys, event)),
        importance_by_journey: report.availability.as_ref().map(|journeys| {
            journeys
                .iter()
                .map(|j| importance_json(model, Some(j), event))
                .collect()
        }),
        event: event_id(model, event.kind),
        kind: event_kind_name(model, event.kind),
        description: describe_event(model, event.kind),
        component: event.component().map(|c| model.components[c].name.clone()),
        journeys: event
            .effects
            .iter()
            .map(|x| JourneyEffectJson {
                journey: model.journeys[x.journey].name.clone(),
                effect: outcome_name(x.recovery.outcome()),
                spof: spof_engine::analysis::is_spof_effect(model, x),
                recovery: recovery_json(model, &x.recovery),
            })
            .collect(),
        blast_radius: round(event.blast_radius),
        components_down: event
            .components_down
            .iter()
            .map(|&c| model.components[c].name.clone())
            .collect(),
        components_down_count: event.components_down_count,
        components_interrupted: event
            .components_interrupted
            .iter()
            .map(|&c| model.components[c].name.clone())
            .collect(),
        components_interrupted_count: event.components_interrupted_count,
        recovery: recovery_json(model, event.worst()),
    }
}

/// The event's importance for the critical journey where it accounts for the most downtime
/// (Fussell-Vesely × unavailability); the first such journey on a tie.
fn most_important(
    model: &Model,
    journeys: &[spof_engine::availability::JourneyAvailability],
    event: &EventReport,
) -> ImportanceJson {
    let downtime = |j: &spof_engine::availability::JourneyAvailability| {
        j.importance[event.event as usize].fussell_vesely * j.unavailability
    };
    let best = journeys
        .iter()
        .filter(|j| model.journeys[j.journey].critical)
        .max_by(|a, b| {
            downtime(a)
                .total_cmp(&downtime(b))
                .then(b.journey.cmp(&a.journey))
        });
    ImportanceJson {
        figures: importance_json(model, best, event),
        redundancy_cost_per_month: event
            .component()
            .and_then(|c| model.components[c].cost_per_month),
    }
}

/// The event's importance for one journey, every figure from that journey.
fn importance_json(
    model: &Model,
    journey: Option<&spof_engine::availability::JourneyAvailability>,
    event: &EventReport,
) -> JourneyImportanceJson {
    let importance = journey
        .map(|j| j.importance[event.event as usize])
        .unwrap_or_default();
    let hours = journey.map_or(0.0, |j| {
        importance.fussell_vesely * j.unavailability * 8760.0
    });
    let cost = journey
        .and_then(|j| model.journeys[j.journey].downtime_cost_per_hour)
        .map_or(0.0, |rate| hours * rate);
    JourneyImportanceJson {
        journey: journey.map(|j| model.journeys[j.journey].name.clone()),
        birnbaum: importance.birnbaum,
        fussell_vesely: importance.fussell_vesely,
        risk_achievement_worth: importance.raw,
        risk_reduction_worth: importance.rrw.is_finite().then_some(importance.rrw),
        downtime_hours_per_year: hours,
        downtime_cost_per_year: cost,
    }
}

pub(crate) fn recovery_json(model: &Model, recovery: &Recovery) -> RecoveryJson {
    let names = |list: &[usize]| {
        list.iter()
            .map(|&c| model.components[c].name.clone())
            .collect()
    };
    let time = recovery.time();
    let (kind, components, steps, people) = match recovery {
        Recovery::None => ("none", Vec::new(), Vec::new(), Vec::new()),
        Recovery::Degraded { components } => {
            ("degraded", names(components), Vec::new(), Vec::new())
        }
        Recovery::Interrupted { components, .. } => {
            ("automatic", names(components), Vec::new(), Vec::new())
        }
        Recovery::Manual { steps, people, .. } => (
            "manual",
            steps
                .iter()
                .map(|s| model.components[s.component()].name.clone())
                .collect(),
            steps
                .iter()
                .map(|s| format!("{}:{}", s.verb(), model.components[s.component()].name))
                .collect(),
            people
                .iter()
                .map(|&p| model.people[p].name.clone())
                .collect(),
        ),
        Recovery::Repair { components, .. } => {
            ("repair", names(components), Vec::new(), Vec::new())
        }
    };
    RecoveryJson {
        kind,
        seconds: time.map(|t| t.seconds()),
        time: time.map(|t| t.to_string()),
        components,
        steps,
        people,
    }
}

fn finding_json(model: &Model, report: &Report, finding: &Finding, file: &str) -> FindingJson {
    FindingJson {
        code: finding.code.to_string(),
        name: finding.name.to_string(),
        severity: finding.severity.as_str(),
        message: finding.message.clone(),
        components: finding
            .components
            .iter()
            .map(|&c| model.components[c].name.clone())
            .collect(),
        journeys: finding
            .journeys
            .iter()
            .map(|&j| model.journeys[j].name.clone())
            .collect(),
        event: finding
            .event
            .map(|e| event_id(model, report.analysis.graph.events[e as usize])),
        blast_radius: finding.blast_radius.map(round),
        recovery: finding.recovery.as_ref().map(|r| recovery_json(model, r)),
        fix: finding.fix.clone(),
        layer: finding.layer.as_str(),
        sources: finding
            .components
            .iter()
            .filter_map(|&c| model.components[c].source.clone())
            .collect(),
        location: finding
            .span
            .filter(|s| s.line > 0)
            .map(|s| location(s, file)),
        decision: finding.decision.as_ref().map(|d| decision_json(model, d)),
        fails_run: !finding.is_decided(),
        observed: finding.observed.clone(),
    }
}

pub(crate) fn tool() -> Tool {
    Tool {
        name: "spof",
        version: env!("CARGO_PKG_VERSION"),
    }
}

pub(crate) fn decision_json(
    model: &Model,
    d: &spof_engine::findings::DecisionState,
) -> DecisionJson {
    let decision = &model.decisions[d.index];
    DecisionJson {
        status: decision.status.as_str(),
        owner: decision.owner.clone(),
        reason: decision.reason.clone(),
        review_by: decision.review_by.map(|r| r.to_string()),
        expired: d.expired,
        rto: decision.rto.map(|r| r.to_string()),
        missing: d.missing.clone(),
        rto_exceeded: d.rto_exceeded.is_some(),
        in_force: d.in_force(),
    }
}

fn location(span: Span, file: &str) -> LocationJson {
    LocationJson {
        file: file.to_string(),
        line: span.line,
        column: span.column,
    }
}

pub(crate) fn diagnostic_json(d: &Diagnostic, file: &str) -> DiagnosticJson {
    DiagnosticJson {
        severity: match d.severity {
            spof_model::Severity::Error => "error",
            spof_model::Severity::Warning => "warning",
        },
        code: d.code,
        message: d.message.clone(),
        file: file.to_string(),
        line: d.span.map(|s| s.line),
        column: d.span.map(|s| s.column),
        help: d.help.clone(),
    }
}
