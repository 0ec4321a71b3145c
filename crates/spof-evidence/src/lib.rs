//! spof's evidence: what is measured rather than declared. `probe` looks at what a model
//! points at (TLS certificates, DNS, health endpoints), `drill` fails a target with a command,
//! probes the journey at a fine interval and always restores, and `history` keeps every check,
//! probe and drill in an SQLite file. The results are the engine's plain evidence types
//! (`spof_engine::evidence`), so the analysis that uses them stays pure.
//!
//! This is the only crate of spof that touches the network, runs commands or writes a
//! database; nothing here prints.

pub mod drill;
pub mod history;
pub mod probe;

use std::time::{SystemTime, UNIX_EPOCH};

/// A moment as `YYYY-MM-DDTHH:MM:SSZ` (UTC).
pub fn timestamp(at: SystemTime) -> String {
    let secs = at
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64);
    let date = spof_model::Date::from_days_since_epoch(secs.div_euclid(86_400));
    let rest = secs.rem_euclid(86_400);
    format!(
        "{date}T{:02}:{:02}:{:02}Z",
        rest / 3600,
        rest % 3600 / 60,
        rest % 60
    )
}

/// The UTC day of a moment.
pub fn day(at: SystemTime) -> spof_model::Date {
    let secs = at
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64);
    spof_model::Date::from_days_since_epoch(secs.div_euclid(86_400))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn timestamps_are_utc() {
        let at = UNIX_EPOCH + Duration::from_secs(1_796_288_461);
        assert_eq!(timestamp(at), "2026-12-03T09:01:01Z");
        assert_eq!(day(at).to_string(), "2026-12-03");
    }
}
