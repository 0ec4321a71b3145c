//! The spof engine: a validated model compiled to a fault graph, the single-failure analysis
//! on it, and the findings. No I/O, no terminal, no network: it takes a model and returns data,
//! and cannot fail once the model is valid.

pub mod analysis;
pub mod availability;
pub mod bounds;
pub mod checklist;
pub mod evaluate;
pub mod evidence;
pub mod findings;
pub mod graph;
pub mod pairs;
pub mod plan;
pub mod risks;
pub mod single;
pub mod structure;

pub use analysis::{Analysis, Config};
pub use findings::{Finding, Severity};

/// The whole check: the analysis and the findings, with decisions applied.
#[derive(Debug)]
pub struct Report {
    pub analysis: Analysis,
    pub findings: Vec<Finding>,
    /// Exact availability and importance per journey; `None` when the model is too large for
    /// the decision diagram (the single-failure analysis does not need it).
    pub availability: Option<Vec<availability::JourneyAvailability>>,
    /// Bounds on each journey's unavailability, when the exact figure is out of reach.
    pub availability_bounds: Option<Vec<bounds::JourneyBounds>>,
    /// The audit checklist, judged from the findings.
    pub checklist: checklist::Checklist,
    /// The policy's custom rules, whose codes findings may carry (for renderers that list
    /// rules, as SARIF does).
    pub custom_rules: Vec<spof_model::policy::PolicyRule>,
    /// What drills measured per component, and whether a measured failover time replaced the
    /// declared one (empty without evidence).
    pub evidence: Vec<evidence::EvidenceNote>,
}

/// Models with more basic events than this skip the exact availability in `check`.
pub const AVAILABILITY_EVENT_LIMIT: usize = 50_000;

pub fn check(model: &spof_model::Model, config: &Config) -> Report {
    check_with(model, config, &|_, _, _| {})
}

/// [`check`], telling `progress` (stage, stages done, stages) as the work goes: for a
/// progress bar on a large model.
pub fn check_with(
    model: &spof_model::Model,
    config: &Config,
    progress: &dyn Fn(&'static str, u64, u64),
) -> Report {
    const STAGES: u64 = 4;
    progress("single failures", 0, STAGES);
    // Measured failover times longer than the declared ones replace them: the analysis runs
    // on the model as measured. Only failover figures change, so every index and place stays.
    let (measured, evidence_notes) = evidence::apply(model, &config.evidence, config.today);
    let model = if evidence_notes.iter().any(|n| n.used_instead) {
        &measured
    } else {
        model
    };
    let analysis = analysis::analyze(model);
    progress("availability", 1, STAGES);
    let availability = (analysis.graph.event_count() <= AVAILABILITY_EVENT_LIMIT)
        .then(|| availability::availability(model, &analysis.graph, 1_000_000))
        .flatten();
    let availability_bounds = availability
        .is_none()
        .then(|| bounds::bounds(model, &analysis.graph))
        .flatten();
    progress("findings", 2, STAGES);
    let mut findings = findings::find(
        model,
        &analysis,
        config.today,
        &config.policy,
        &config.evidence,
    );
    if let Some(journeys) = &availability {
        findings::rank_by_importance(model, &mut findings, journeys);
    }
    progress("checklist", 3, STAGES);
    let checklist = checklist::checklist(model, &analysis, &findings);
    Report {
        analysis,
        checklist,
        custom_rules: config.policy.rules.clone(),
        findings,
        availability,
        availability_bounds,
        evidence: evidence_notes,
    }
}
/// The decision diagrams the structure functions are built on (from spof-fta).
pub use spof_fta::dd;
