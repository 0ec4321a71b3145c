//! What an import leaves unjudged: the check of an imported model must never pass silently
//! because the import guessed journeys that miss the user-facing part of the system, left a
//! large share of the input out of the model, or put single-instance components on no journey
//! at all (so that no SPOF rule ever looks at them).

use crate::ImportReport;
use serde::Serialize;
use spof_model::{Kind, Model};

/// The share of the input's running objects (workloads and custom resources an operator turns
/// into pods) that must be missing from the model for the import to be called incomplete.
pub const NOT_MODELLED_SHARE: f64 = 0.2;

/// At most this many names are listed in a message; the rest are counted.
const LISTED: usize = 10;

/// How much of an imported system the check can judge. `complete` is false when any of the
/// reasons applies; `spof check --from` then says so first and does not pass.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Coverage {
    pub complete: bool,
    /// Why the import is incomplete, each a sentence with what to do (empty when complete).
    pub reasons: Vec<String>,
    /// The journeys were guessed (no entry point in the input, no journey in an overlay).
    pub journeys_guessed: bool,
    /// A user-facing component (an entry point, or of kind web, api_gateway, load_balancer,
    /// cdn or dns) is on a critical journey.
    pub user_facing_on_journeys: bool,
    /// Components with one instance on no journey, not even through a dependency: no rule
    /// judges them.
    pub not_judged: Vec<String>,
    /// Running objects of the input that are not in the model (custom resources of unknown
    /// kinds), and their share of all running objects.
    pub not_modelled_running: Vec<String>,
    pub not_modelled_share: f64,
}

/// Judges how much of `model`, imported with `report`, the analysis covers.
/// `journeys_declared` is true when an overlay declared or changed journeys.
pub fn assess(report: &ImportReport, model: &Model, journeys_declared: bool) -> Coverage {
    let n = model.components.len();
    // What the journeys reach, through every dependency (optional ones are judged too).
    let mut on_journey = vec![false; n];
    for journey in &model.journeys {
        let mut stack: Vec<usize> = journey.path.clone();
        let mut seen = vec![false; n];
        while let Some(c) = stack.pop() {
            if std::mem::replace(&mut seen[c], true) {
                continue;
            }
            on_journey[c] = true;
            // What monitoring polls is judged through it only on a journey of the monitoring
            // itself, not when a service sends it traces.
            if model.components[c].kind != Kind::Monitoring || journey.path.contains(&c) {
                stack.extend(model.components[c].depends_on.iter().map(|d| d.target));
            }
        }
    }
    let entry: std::collections::BTreeSet<&str> =
        report.entry_points.iter().map(String::as_str).collect();
    let user_facing = |c: usize| {
        let component = &model.components[c];
        entry.contains(component.name.as_str())
            || matches!(
                component.kind,
                Kind::Web | Kind::ApiGateway | Kind::LoadBalancer | Kind::Cdn | Kind::Dns
            )
    };
    let user_facing_on_journeys = model
        .journeys
        .iter()
        .filter(|j| j.critical)
        .any(|j| j.path.iter().any(|&c| user_facing(c)));
    let journeys_guessed = report.entry_points.is_empty() && !journeys_declared;
    // A component the import put on no journey on purpose (a client of the system, a load
    // generator) was judged: the report says why.
    let clients: std::collections::BTreeSet<&str> = report
        .inferred
        .iter()
        .filter(|i| i.to == "journey: none")
        .map(|i| i.from.as_str())
        .collect();
    let not_judged: Vec<String> = (0..n)
        .filter(|&c| {
            !on_journey[c]
                && model.components[c].instances.len() == 1
                && !clients.contains(model.components[c].name.as_str())
        })
        .map(|c| model.components[c].name.clone())
        .collect();
    let not_modelled_running: Vec<String> = report
        .unmapped
        .iter()
        .filter(|u| u.runs)
        .map(|u| u.object.clone())
        .collect();
    let running = n + not_modelled_running.len();
    let not_modelled_share = if running == 0 {
        0.0
    } else {
        not_modelled_running.len() as f64 / running as f64
    };
    let mut reasons = Vec::new();
    if journeys_guessed && !user_facing_on_journeys {
        reasons.push(
            "no user-facing entry point found: add a journey in an overlay (journeys: NAME: {path: [...]})"
                .to_string(),
        );
    }
    if !not_judged.is_empty() {
        reasons.push(format!(
            "{} single-instance component{} {} not judged (on no journey): {}; add {} to a journey in an overlay, or remove {}",
            not_judged.len(),
            if not_judged.len() == 1 { "" } else { "s" },
            if not_judged.len() == 1 { "was" } else { "were" },
            listed(&not_judged),
            if not_judged.len() == 1 { "it" } else { "them" },
            if not_judged.len() == 1 { "it" } else { "them" },
        ));
    }
    if !not_modelled_running.is_empty() && not_modelled_share >= NOT_MODELLED_SHARE {
        reasons.push(format!(
            "{} of {} running objects of the input ({:.0}%) are not in the model: {}; add them in an overlay",
            not_modelled_running.len(),
            running,
            not_modelled_share * 100.0,
            listed(&not_modelled_running),
        ));
    }
    Coverage {
        complete: reasons.is_empty(),
        reasons,
        journeys_guessed,
        user_facing_on_journeys,
        not_judged,
        not_modelled_running,
        not_modelled_share: (not_modelled_share * 1000.0).round() / 1000.0,
    }
}

fn listed(names: &[String]) -> String {
    let mut text = names
        .iter()
        .take(LISTED)
        .map(String::as_str)
        .collect::<Vec<_>>()
        .join(", ");
    if names.len() > LISTED {
        text.push_str(&format!(" and {} more", names.len() - LISTED));
    }
    text
}
