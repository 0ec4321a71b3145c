//! The interactive diagram: the data the page draws (a [`View`]), the answer to failing a
//! selection of events (a [`Selection`]), and the page itself. `spof serve` sends the view
//! and answers clicks with [`selection`]; `spof check --format html` writes one file with the
//! view and the answer for every single event precomputed, so that it works from disk with no
//! server. Both answers come from the same engine calls as `spof whatif`.

pub mod layout;

use crate::json::{RecoveryJson, recovery_json};
use crate::{Options, json::outcome_name};
use serde::Serialize;
use spof_engine::Report;
use spof_engine::analysis::what_if;
use spof_engine::evaluate::{Outcome, Phase};
use spof_engine::graph::{EventId, EventKind, describe_event, event_id};
use spof_engine::plan::Plan;
use spof_model::Model;

pub const SCHEMA_VERSION: u32 = 1;

/// Above this many events the HTML report holds no precomputed answers (the file would be too
/// large): the page says to use `spof serve` or `spof whatif` instead.
pub const PRECOMPUTE_EVENT_LIMIT: usize = 20_000;

/// Above this many components the page opens in its overview mode (domains and SPOFs, no
/// every-node drawing) instead of drawing each node.
pub const OVERVIEW_COMPONENTS: usize = 20_000;

const STYLE: &str = include_str!("app.css");
const SCRIPT: &str = include_str!("app.js");
const PAGE: &str = include_str!("page.html");

/// What the page draws.
#[derive(Serialize)]
pub struct View {
    pub schema_version: u32,
    pub title: String,
    pub file: String,
    /// `report` for the self-contained file, `live` under `spof serve`.
    pub mode: &'static str,
    /// The check report, exactly as `spof check --format json` writes it.
    pub report: serde_json::Value,
    pub scene: layout::Scene,
    /// Everything that can be failed: instances, domains, deploys, certificate expiries and
    /// people, with the component each belongs to.
    pub events: Vec<EventJson>,
    /// Each journey's components: its path and all they depend on (hard dependencies).
    pub closures: Vec<Vec<usize>>,
    /// The answer for each single event, by event id (the HTML report only).
    pub results: Option<std::collections::BTreeMap<String, Selection>>,
    /// Why `results` is missing, when it is.
    pub results_note: Option<String>,
    pub overview: bool,
    /// The remediation plan's frames, each with its diagram.
    pub plan: Option<PlanView>,
    pub plan_note: Option<String>,
    /// The errors of the model file as last read (live mode), located; the diagram is the
    /// last good one.
    pub errors: Vec<ErrorJson>,
}

#[derive(Serialize, Clone, Debug)]
pub struct ErrorJson {
    pub file: String,
    pub line: Option<u32>,
    pub column: Option<u32>,
    pub message: String,
    pub help: Option<String>,
}

#[derive(Serialize)]
pub struct EventJson {
    pub id: String,
    pub kind: &'static str,
    pub description: String,
    pub component: Option<usize>,
}

#[derive(Serialize)]
pub struct PlanView {
    /// `spof plan --format json`, exactly.
    pub plan: serde_json::Value,
    /// The diagram of each frame's model.
    pub scenes: Vec<layout::Scene>,
    /// The components of each frame's model (names and kinds), for the scene's nodes.
    pub components: Vec<Vec<ComponentBrief>>,
}

#[derive(Serialize)]
pub struct ComponentBrief {
    pub name: String,
    pub kind: &'static str,
    pub layer: &'static str,
}

/// The answer to failing some events together.
#[derive(Serialize, Clone, Debug)]
pub struct Selection {
    pub events: Vec<String>,
    pub description: Vec<String>,
    pub journeys: Vec<JourneyState>,
    /// Components down only until an automatic failover completes.
    pub interrupted: Vec<usize>,
    /// Components down until someone performs a manual step.
    pub manual: Vec<usize>,
    /// Components down until repaired.
    pub repair: Vec<usize>,
    /// Components up but with less than they had: an instance lost, an optional dependency
    /// down, or more load than their instances left can carry.
    pub degraded: Vec<usize>,
    /// Components hit directly, not through a dependency.
    pub direct: Vec<usize>,
    pub overloaded: Vec<usize>,
    /// For a single event with an effect: its blast radius and whether it is a SPOF.
    pub blast_radius: Option<f64>,
    pub spof: bool,
    /// `spof whatif --format json` for the same events (live mode).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub whatif: Option<serde_json::Value>,
}

#[derive(Serialize, Clone, Debug)]
pub struct JourneyState {
    pub journey: String,
    /// none, degraded, interrupted, down-until-manual-step or down-until-repair.
    pub outcome: &'static str,
    /// How it recovers (a single event only: who, which step, how long).
    pub recovery: Option<RecoveryJson>,
    pub rto_target: Option<String>,
    /// Whether the recovery is within the journey's RTO target (a single event only).
    pub meets_target: Option<bool>,
}

/// The answer to failing `events` together: the same engine calls as `spof whatif`, and for
/// a single event the recovery of each journey from the check's analysis.
pub fn selection(
    model: &Model,
    report: &Report,
    events: &[EventId],
    with_whatif: bool,
) -> Selection {
    let graph = &report.analysis.graph;
    let result = what_if(graph, events);
    let capacity = spof_engine::findings::capacity::after_events(model, graph, events);
    let down_at = |phase: Phase| -> Vec<bool> {
        let mut v = vec![false; model.components.len()];
        for &c in &result.down[phase] {
            v[c] = true;
        }
        v
    };
    let (now, auto, manual) = (
        down_at(Phase::Immediate),
        down_at(Phase::AfterAutomatic),
        down_at(Phase::AfterManual),
    );
    let overloaded: Vec<usize> = capacity
        .iter()
        .filter(|c| c.overloaded)
        .map(|c| c.component)
        .collect();
    // Components that lost an instance (or had one in a lost domain), or an optional
    // dependency, without going down.
    let mut touched = vec![false; model.components.len()];
    for &e in events {
        match graph.events[e as usize] {
            EventKind::Instance { component, .. } | EventKind::Deploy(component) => {
                touched[component] = true
            }
            EventKind::Domain(d) => {
                for (c, component) in model.components.iter().enumerate() {
                    if component.instances.iter().any(|i| {
                        i.domains
                            .iter()
                            .any(|&x| model.domain_chain(x).any(|y| y == d))
                    }) {
                        touched[c] = true;
                    }
                }
            }
            EventKind::Expiry(_) | EventKind::Person(_) => {}
        }
    }
    let degraded: Vec<usize> = (0..model.components.len())
        .filter(|&c| !now[c])
        .filter(|&c| {
            touched[c]
                || overloaded.contains(&c)
                || model.components[c]
                    .depends_on
                    .iter()
                    .any(|d| d.is_soft() && now[d.target])
        })
        .collect();
    let single = match events {
        [e] => report.analysis.event(*e),
        _ => None,
    };
    let journeys = result
        .outcomes
        .iter()
        .enumerate()
        .map(|(j, &outcome)| {
            let journey = &model.journeys[j];
            let recovery = single.and_then(|r| r.effects.iter().find(|x| x.journey == j));
            let meets_target = match (recovery, journey.rto_target) {
                (Some(x), Some(target)) if outcome != Outcome::Up => {
                    Some(x.recovery.time().is_some_and(|t| t <= target))
                }
                (None, Some(_)) if single.is_some() || events.len() == 1 => Some(true),
                _ => None,
            };
            JourneyState {
                journey: journey.name.clone(),
                outcome: outcome_name(outcome),
                recovery: recovery.map(|x| recovery_json(model, &x.recovery)),
                rto_target: journey.rto_target.map(|t| t.to_string()),
                meets_target,
            }
        })
        .collect();
    let whatif = with_whatif.then(|| {
        let text = crate::json::what_if(model, report, events, &result, &capacity);
        serde_json::from_str(&text).expect("the what-if JSON parses")
    });
    Selection {
        events: events
            .iter()
            .map(|&e| event_id(model, graph.events[e as usize]))
            .collect(),
        description: events
            .iter()
            .map(|&e| describe_event(model, graph.events[e as usize]))
            .collect(),
        journeys,
        interrupted: (0..model.components.len())
            .filter(|&c| now[c] && !auto[c])
            .collect(),
        manual: (0..model.components.len())
            .filter(|&c| auto[c] && !manual[c])
            .collect(),
        repair: (0..model.components.len()).filter(|&c| manual[c]).collect(),
        degraded,
        direct: result.direct.clone(),
        overloaded,
        blast_radius: single.map(|r| crate::json::round(r.blast_radius)),
        spof: single.is_some_and(|r| r.spof),
        whatif,
    }
}

/// The view of a checked model. `precompute` answers every single event in advance (the
/// self-contained file); `plan` adds the remediation plan's frames.
pub fn view(
    model: &Model,
    report: &Report,
    options: &Options,
    mode: &'static str,
    precompute: bool,
    plan: Option<&Plan>,
    plan_note: Option<String>,
) -> View {
    let graph = &report.analysis.graph;
    let check = crate::json::check(model, report, options, &[]);
    let events: Vec<EventJson> = graph
        .events
        .iter()
        .map(|&kind| EventJson {
            id: event_id(model, kind),
            kind: crate::json::event_kind_name(model, kind),
            description: describe_event(model, kind),
            component: match kind {
                EventKind::Instance { component, .. }
                | EventKind::Deploy(component)
                | EventKind::Expiry(component) => Some(component),
                EventKind::Domain(_) | EventKind::Person(_) => None,
            },
        })
        .collect();
    let (results, results_note) = if !precompute {
        (None, None)
    } else if graph.event_count() > PRECOMPUTE_EVENT_LIMIT {
        (
            None,
            Some(format!(
                "This model has {} events, more than the {} this file answers in advance: run `spof serve` to fail things by clicking, or `spof whatif`.",
                graph.event_count(),
                PRECOMPUTE_EVENT_LIMIT
            )),
        )
    } else {
        let results = (0..graph.event_count() as EventId)
            .map(|e| {
                let s = selection(model, report, &[e], false);
                (s.events[0].clone(), s)
            })
            .collect();
        (Some(results), None)
    };
    let plan = plan.map(|plan| PlanView {
        plan: serde_json::from_str(&crate::plan::json(plan)).expect("the plan JSON parses"),
        scenes: plan
            .frames
            .iter()
            .map(|f| layout::layout(&f.model, &spof_engine::graph::compile(&f.model)))
            .collect(),
        components: plan
            .frames
            .iter()
            .map(|f| f.model.components.iter().map(brief).collect())
            .collect(),
    });
    View {
        schema_version: SCHEMA_VERSION,
        title: model.name.clone().unwrap_or_else(|| options.file.clone()),
        file: options.file.clone(),
        mode,
        report: serde_json::from_str(&check).expect("the check JSON parses"),
        scene: layout::layout(model, graph),
        events,
        closures: graph.journey_closures.clone(),
        results,
        results_note,
        overview: model.components.len() > OVERVIEW_COMPONENTS,
        plan,
        plan_note,
        errors: Vec::new(),
    }
}

fn brief(c: &spof_model::Component) -> ComponentBrief {
    ComponentBrief {
        name: c.name.clone(),
        kind: c.kind.as_str(),
        layer: c.kind.layer().as_str(),
    }
}

/// JSON safe to put inside a `<script>` element: `<` never appears as itself.
pub fn script_json<T: Serialize>(value: &T) -> String {
    serde_json::to_string(value)
        .expect("the view serialises")
        .replace('<', "\\u003c")
}

/// The page: styles and script inline, and the view's JSON in it when given (the
/// self-contained report); without it, the page asks the server for the view.
pub fn page(title: &str, data: Option<&str>) -> String {
    // One pass over the template: what is put in is never searched for markers again.
    let title = html_escape(title);
    let mut out = String::with_capacity(PAGE.len() + STYLE.len() + SCRIPT.len());
    let mut rest = PAGE;
    while let Some(start) = rest.find("{{") {
        let end = start
            + rest[start..]
                .find("}}")
                .expect("the page's markers are closed");
        out.push_str(&rest[..start]);
        out.push_str(match &rest[start + 2..end] {
            "TITLE" => &title,
            "STYLE" => STYLE,
            "DATA" => data.unwrap_or("null"),
            "SCRIPT" => SCRIPT,
            other => unreachable!("no marker {other} in the page"),
        });
        rest = &rest[end + 2..];
    }
    out.push_str(rest);
    out
}

/// The self-contained HTML report: one file that opens from disk, with no network.
pub fn html(view: &View) -> String {
    page(&format!("spof: {}", view.title), Some(&script_json(view)))
}

pub fn html_escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}
