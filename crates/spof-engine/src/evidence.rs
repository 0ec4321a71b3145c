//! Measured evidence as plain data: what drills measured (from the history) and what probes
//! observed. The engine does no measuring: callers hand it these records, and the analysis
//! uses them (a measured failover longer than the declared one replaces it in recovery times
//! and availability, and says so) and reports on them (claims without evidence, missed drills,
//! observed certificate, DNS and health problems).

use serde::{Deserialize, Serialize};
use spof_model::{ComponentId, Date, Failover, Model, Redundancy};

/// Everything measured that the analysis should take into account.
#[derive(Clone, Debug, Default)]
pub struct Evidence {
    /// Whether evidence is asked for at all: the model declares drills, or a history was read.
    /// When false, no evidence finding is made, so a model without drills and without a
    /// history checks as before.
    pub in_use: bool,
    /// Drill results, any order; the newest per component counts.
    pub drills: Vec<DrillRecord>,
    /// What `spof probe` observed.
    pub observations: Vec<Observation>,
    /// A drill older than this no longer proves a claim (default 90 days when zero).
    pub max_drill_age_days: u32,
}

/// One drill's result, as the history keeps it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DrillRecord {
    pub drill: String,
    /// The component the drill failed (or the instance's component).
    pub component: String,
    pub date: Date,
    /// The measured interruption in milliseconds; `None` when the journey did not come back
    /// while the target was failed (a full outage until restored).
    pub interruption_ms: Option<u64>,
    /// Whether the drill met its targets (declared failover time and the journey's RTO).
    pub met: bool,
}

/// One thing a probe saw, at a time.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Observation {
    /// The component (or DNS component) whose endpoint this is.
    pub component: Option<String>,
    pub endpoint: String,
    /// When, as `YYYY-MM-DDTHH:MM:SSZ`.
    pub at: String,
    pub what: Observed,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Observed {
    /// The certificate a server presented.
    Certificate {
        subject: String,
        not_after: Date,
        /// Whole days from the observation to the expiry; negative when expired.
        days_left: i64,
        /// What the verifier said: none when the chain is trusted and names the host.
        problems: Vec<String>,
    },
    /// A zone's name servers and the providers they belong to.
    NameServers {
        zone: String,
        servers: Vec<String>,
        providers: Vec<String>,
    },
    /// What a name resolves to.
    Addresses {
        name: String,
        cname_chain: Vec<String>,
        addresses: Vec<String>,
    },
    /// A health request: its status and how long it took, or why it failed.
    Health {
        status: Option<u16>,
        latency_ms: u64,
        error: Option<String>,
    },
    /// The probe could not look at all (no address, refused, timed out).
    Unreachable { error: String },
}

/// What the evidence did to a component's declared figures, for the report.
#[derive(Clone, Debug, PartialEq)]
pub struct EvidenceNote {
    pub component: ComponentId,
    pub drill: String,
    pub date: Date,
    /// The measured interruption, milliseconds (`None`: down until restored).
    pub measured_ms: Option<u64>,
    /// The declared failover time, if the component declares one.
    pub declared: Option<spof_model::Duration>,
    /// Whether the measured time replaced the declared one in the analysis.
    pub used_instead: bool,
    /// Whether the drill met its target.
    pub met: bool,
    /// Whether the drill is recent enough to count.
    pub recent: bool,
}

impl EvidenceNote {
    /// "failover tested 2026-12-01, measured 38 s (declared 30s)".
    pub fn sentence(&self, model: &Model) -> String {
        let name = &model.components[self.component].name;
        let measured = match self.measured_ms {
            Some(ms) => format!("measured {}", seconds(ms)),
            None => "the journey stayed down until restored".to_string(),
        };
        let declared = self
            .declared
            .map(|d| format!(" (declared {d})"))
            .unwrap_or_default();
        let verdict = match (self.met, self.recent) {
            (true, true) => "failover tested",
            (true, false) => "failover last tested",
            (false, _) => "failover drill missed its target",
        };
        let used = if self.used_instead {
            "; the measured time is used in recovery and availability instead of the declared one"
        } else {
            ""
        };
        format!(
            "`{name}`: {verdict} {} by drill `{}`, {measured}{declared}{used}",
            self.date, self.drill
        )
    }
}

/// Seconds for people: `0.4 s`, `38 s`.
pub fn seconds(ms: u64) -> String {
    if ms < 10_000 {
        format!("{:.1} s", ms as f64 / 1000.0)
    } else {
        format!("{} s", (ms + 500) / 1000)
    }
}

impl Evidence {
    pub fn max_age_days(&self) -> u32 {
        if self.max_drill_age_days == 0 {
            90
        } else {
            self.max_drill_age_days
        }
    }

    /// The newest drill record of component `name`.
    pub fn latest_drill(&self, name: &str) -> Option<&DrillRecord> {
        self.drills
            .iter()
            .filter(|d| d.component == name)
            .max_by(|a, b| a.date.cmp(&b.date).then(b.met.cmp(&a.met)))
    }
}

/// The model with measured failover times put in place of shorter declared ones, and a note
/// per drilled component saying what was measured and whether it was used.
pub fn apply(
    model: &Model,
    evidence: &Evidence,
    today: Option<Date>,
) -> (Model, Vec<EvidenceNote>) {
    let mut adjusted = model.clone();
    let mut notes = Vec::new();
    if !evidence.in_use && model.drills.is_empty() {
        return (adjusted, notes);
    }
    for (c, component) in model.components.iter().enumerate() {
        let Some(record) = evidence.latest_drill(&component.name) else {
            continue;
        };
        let declared = match component.redundancy {
            Redundancy::ActivePassive { failover_time, .. } => Some(failover_time),
            Redundancy::ActiveActive { .. } => None,
        };
        let recent = is_recent(record.date, today, evidence.max_age_days());
        let mut used_instead = false;
        if let (Some(declared_time), true) = (declared, recent) {
            // A drill that never saw the journey come back measured no failover: the
            // declared automatic failover did not happen, so recovery is by hand.
            let measured_s = record.interruption_ms.map(|ms| ms.div_ceil(1000));
            let target = &mut adjusted.components[c].redundancy;
            match measured_s {
                Some(s) if s > declared_time.seconds() => {
                    if let Redundancy::ActivePassive { failover_time, .. } = target {
                        *failover_time = spof_model::Duration(s);
                    }
                    used_instead = true;
                }
                None => {
                    if let Redundancy::ActivePassive { failover, .. } = target
                        && *failover == Failover::Automatic
                    {
                        *failover = Failover::Manual;
                        used_instead = true;
                    }
                }
                _ => {}
            }
        }
        notes.push(EvidenceNote {
            component: c,
            drill: record.drill.clone(),
            date: record.date,
            measured_ms: record.interruption_ms,
            declared,
            used_instead,
            met: record.met,
            recent,
        });
    }
    (adjusted, notes)
}

/// Whether a drill on `date` is at most `max_days` old on `today` (without a today, every
/// drill is recent: nothing expires, as with decisions).
pub fn is_recent(date: Date, today: Option<Date>, max_days: u32) -> bool {
    today.is_none_or(|t| t.days_since_epoch() - date.days_since_epoch() <= i64::from(max_days))
}
