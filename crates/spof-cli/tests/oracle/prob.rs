//! Exact unavailability by enumerating every failure subset, and risk groups of two by trying
//! every pair: both over the structure after automatic failovers (docs/analysis.md).

use super::eval::{Oracle, Phase, Scope};

/// The most events the enumeration takes on (2^n evaluations per journey); the environment
/// variable `ORACLE_MAX_ENUMERATED` raises it for long runs.
pub fn enumeration_limit() -> usize {
    std::env::var("ORACLE_MAX_ENUMERATED")
        .ok()
        .and_then(|text| text.parse().ok())
        .unwrap_or(14)
}

/// Each journey's probability of being down after automatic failovers, with independent
/// events, or `None` when the model has too many events to enumerate.
pub fn unavailability(oracle: &Oracle) -> Option<Vec<f64>> {
    // People only matter to manual steps, which come after this phase.
    let events = oracle.structural_events();
    if events.len() > enumeration_limit() {
        return None;
    }
    let no_failure = vec![false; oracle.events.len()];
    let failed_over = oracle.failed_over(Phase::AfterAutomatic, &no_failure);
    let mut totals = vec![0.0; oracle.journeys.len()];
    for subset in 0u64..(1u64 << events.len()) {
        let mut failed = no_failure.clone();
        let mut probability = 1.0;
        for (bit, &e) in events.iter().enumerate() {
            let q = oracle.events[e].unavailability;
            if subset & (1 << bit) != 0 {
                failed[e] = true;
                probability *= q;
            } else {
                probability *= 1.0 - q;
            }
        }
        for (j, total) in totals.iter_mut().enumerate() {
            let state = oracle.evaluate(&failed, Scope::Journey(j), &failed_over);
            if oracle.journey_down(&state, j) {
                *total += probability;
            }
        }
    }
    Some(totals)
}

/// Per journey: the events that take it down alone after automatic failovers, and the
/// minimal pairs (neither member alone does).
#[derive(Clone, Debug)]
pub struct RiskGroups {
    pub singles: Vec<Vec<usize>>,
    pub pairs: Vec<Vec<(usize, usize)>>,
}

pub fn risk_groups(oracle: &Oracle) -> RiskGroups {
    let events = oracle.structural_events();
    let mut groups = RiskGroups {
        singles: Vec::new(),
        pairs: Vec::new(),
    };
    for j in 0..oracle.journeys.len() {
        let down = |failed_events: &[usize]| {
            oracle.down_in(&oracle.failed(failed_events), j, Phase::AfterAutomatic)
        };
        let singles: Vec<usize> = events.iter().copied().filter(|&e| down(&[e])).collect();
        let rest: Vec<usize> = events
            .iter()
            .copied()
            .filter(|e| !singles.contains(e))
            .collect();
        let mut pairs = Vec::new();
        for (position, &a) in rest.iter().enumerate() {
            for &b in &rest[position + 1..] {
                if down(&[a, b]) {
                    pairs.push((a, b));
                }
            }
        }
        groups.singles.push(singles);
        groups.pairs.push(pairs);
    }
    groups
}
