//! Renderers: the terminal report for people, JSON for machines, and the answers of
//! `spof explain` and `spof whatif`. Renderers are leaves: they read the engine's results and
//! return text; they decide nothing about the analysis. Output is deterministic.

pub mod baseline;
pub mod checklist;
pub mod decisions;
mod diagram;
pub mod dot;
pub mod json;
pub mod junit;
pub mod markdown;
pub mod mermaid;
pub mod number;
pub mod sarif;
pub mod text;
pub mod web;

use spof_engine::analysis::EventReport;
use spof_engine::findings::Finding;
use spof_engine::{Report, Severity};
use spof_model::{JourneyId, Model};

/// What the user asked to see.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// The model's file name as the user gave it, for locations.
    pub file: String,
    /// Only this journey.
    pub journey: Option<JourneyId>,
    /// Findings at or above this severity fail the run; `None` never fails.
    pub fail_on: Option<Severity>,
    /// Colour (terminal output only).
    pub color: bool,
    /// The comparison with an earlier report (`--baseline`): the run then fails only on new
    /// or worse findings, and the reports show the changes.
    pub baseline: Option<baseline::Baseline>,
    /// Why the model, imported from other files, cannot be judged whole (journeys guessed
    /// without a user-facing component, components on no journey, input not modelled): said
    /// first, and the run does not pass while any is left (unless `fail_on` is `None`).
    pub incomplete: Vec<String>,
}

/// SPOF events, restricted to the chosen journey.
pub fn selected_spofs<'a>(
    model: &'a Model,
    report: &'a Report,
    options: &'a Options,
) -> impl Iterator<Item = &'a EventReport> + 'a {
    report
        .analysis
        .spofs()
        .filter(move |e| match options.journey {
            None => true,
            Some(j) => e
                .effects
                .iter()
                .any(|x| x.journey == j && spof_engine::analysis::is_spof_effect(model, x)),
        })
}

/// Findings, restricted to the chosen journey (findings about no journey in particular are
/// kept when they touch a component of it).
pub fn selected_findings<'a>(
    report: &'a Report,
    options: &'a Options,
) -> impl Iterator<Item = &'a Finding> + 'a {
    report
        .findings
        .iter()
        .filter(move |f| match options.journey {
            None => true,
            Some(j) => {
                f.journeys.contains(&j)
                    || (f.journeys.is_empty()
                        && f.components.iter().any(|c| {
                            report.analysis.graph.journey_closures[j]
                                .binary_search(c)
                                .is_ok()
                        }))
            }
        })
}

/// Whether the run fails: an incomplete import (whenever the run is gated); some selected
/// finding at or above `fail_on` with no decision in force; against a baseline, some such
/// finding that is new or worse.
pub fn fails(report: &Report, options: &Options) -> bool {
    if options.fail_on.is_some() && !options.incomplete.is_empty() {
        return true;
    }
    if let Some(baseline) = &options.baseline {
        return !baseline.changes.failing(options.fail_on).is_empty();
    }
    let Some(level) = options.fail_on else {
        return false;
    };
    selected_findings(report, options).any(|f| f.severity >= level && !f.is_decided())
}
pub mod fta;
pub mod import;
pub mod plan;
pub mod risks;
