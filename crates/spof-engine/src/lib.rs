//! The spof engine: a validated model compiled to a fault graph, the single-failure analysis
//! on it, and the findings. No I/O, no terminal, no network: it takes a model and returns data,
//! and cannot fail once the model is valid.

pub mod analysis;
pub mod availability;
pub mod evaluate;
pub mod findings;
pub mod graph;
pub mod risks;
pub mod single;

pub use analysis::{Analysis, Config};
pub use findings::{Finding, Severity};

/// The whole check: the analysis and the findings, with decisions applied.
#[derive(Debug)]
pub struct Report {
    pub analysis: Analysis,
    pub findings: Vec<Finding>,
}

pub fn check(model: &spof_model::Model, config: &Config) -> Report {
    let analysis = analysis::analyze(model);
    let findings = findings::find(model, &analysis, config.today);
    Report { analysis, findings }
}
pub mod dd;
pub mod fta;
