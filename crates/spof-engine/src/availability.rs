//! Failure and repair figures per kind of basic event, and the unavailability they give.
//!
//! Each default has its source. A component or domain may override them with
//! `failures_per_year`, and its `restore_time` is its repair time. The steady-state
//! unavailability of an event that fails λ times a year and takes r hours to repair is
//! λr / (8760 + λr).

use crate::graph::{EventId, EventKind, FaultGraph};
use spof_model::{DomainKind, Kind, Model};

/// A default failure frequency and repair time, with where the figure comes from.
#[derive(Clone, Copy, Debug)]
pub struct Default {
    pub failures_per_year: f64,
    pub repair_hours: f64,
    pub source: &'static str,
}

const HOURS_PER_YEAR: f64 = 8760.0;

/// One machine or container (an instance of any kind): about two failures a year that need a
/// restart or rebuild of a few hours, in line with the machine-level failure rates from all
/// causes reported by Barroso and Hölzle.
pub const INSTANCE: Default = Default {
    failures_per_year: 2.0,
    repair_hours: 4.0,
    source: "server failures from all causes: Barroso & Hölzle, The Datacenter as a Computer (2nd ed.), ch. 7",
};

/// Defaults per component kind, for kinds whose instances differ from a plain server.
pub fn for_kind(kind: Kind) -> Default {
    match kind {
        Kind::Database => Default {
            failures_per_year: 2.0,
            repair_hours: 8.0,
            source: "as a server, with a longer repair: a restore from backup rather than a restart (estimate)",
        },
        Kind::Dns => Default {
            failures_per_year: 0.2,
            repair_hours: 4.0,
            source: "large DNS provider outages, a few per decade each (Dyn 2016, Akamai Edge DNS 2021)",
        },
        Kind::External => Default {
            failures_per_year: 4.0,
            repair_hours: 2.0,
            source: "estimate: third-party API status pages show a few incidents of hours each per year",
        },
        _ => INSTANCE,
    }
}

/// Defaults per failure domain.
pub fn for_domain(kind: &DomainKind) -> Default {
    match kind {
        // Its rate comes from its beta factor and its members (`members_rate`); the
        // default rate here is that of a lone member at the default beta.
        DomainKind::CommonCause => Default {
            failures_per_year: spof_model::DEFAULT_BETA * INSTANCE.failures_per_year,
            repair_hours: 1.0,
            source: "estimate: a bad change shared by every member is undone like a bad deploy, in about an hour",
        },
        DomainKind::Host => INSTANCE,
        DomainKind::Rack => Default {
            failures_per_year: 0.5,
            repair_hours: 6.0,
            source: "rack failures (top-of-rack switch, power): Barroso & Hölzle, ch. 7",
        },
        DomainKind::Zone => Default {
            failures_per_year: 0.2,
            repair_hours: 8.0,
            source: "estimate from public cloud post-event summaries: a zone-level event every few years",
        },
        DomainKind::Region => Default {
            failures_per_year: 0.1,
            repair_hours: 8.0,
            source: "estimate: region-wide outages such as AWS us-east-1 in 2017 and 2021 (AWS post-event summaries)",
        },
        DomainKind::Provider => Default {
            failures_per_year: 0.05,
            repair_hours: 6.0,
            source: "estimate: provider-wide control-plane outages are rarer than regional ones",
        },
        DomainKind::Custom(_) => Default {
            failures_per_year: 0.5,
            repair_hours: 4.0,
            source: "estimate: a shared power feed, network path or cluster fails about as often as a rack",
        },
    }
}

/// A bad all-at-once deploy that fails every instance: change is the first cause of outages.
pub const BAD_DEPLOY: Default = Default {
    failures_per_year: 4.0,
    repair_hours: 1.0,
    source: "change-induced incidents: Google SRE book, ch. 1 (about 70% of outages follow a change)",
};

/// A certificate renewed by hand that expires unnoticed.
pub const MISSED_RENEWAL: Default = Default {
    failures_per_year: 0.2,
    repair_hours: 4.0,
    source: "estimate: teams that renew by hand miss a renewal every few years",
};

/// A person being unavailable when needed (asleep, away, on leave).
pub const PERSON_AWAY: f64 = 0.25;

fn repair_hours(restore_time: Option<spof_model::Duration>, default: Default) -> f64 {
    restore_time.map_or(default.repair_hours, |r| r.seconds() as f64 / 3600.0)
}

fn unavailability(failures_per_year: f64, repair_hours: f64) -> f64 {
    let down = failures_per_year * repair_hours;
    down / (HOURS_PER_YEAR + down)
}

/// The steady-state probability that the event is in its failed state.
pub fn event_unavailability(model: &Model, graph: &FaultGraph, event: EventId) -> f64 {
    match graph.events[event as usize] {
        EventKind::Instance { component, .. } => {
            let c = &model.components[component];
            let default = for_kind(c.kind);
            let rate = c.failures_per_year.unwrap_or(default.failures_per_year);
            let repair = c
                .restore_time
                .map_or(default.repair_hours, |r| r.seconds() as f64 / 3600.0);
            unavailability(rate, repair)
        }
        EventKind::Domain(d) => {
            let domain = &model.domains[d];
            let default = for_domain(&domain.kind);
            // A common cause (declared under `common_causes:`, or a domain of that kind) strikes
            // at its beta factor of its members' rate.
            let rate = domain.failures_per_year.unwrap_or_else(|| {
                if domain.kind == DomainKind::CommonCause {
                    let beta = domain.common_cause.as_ref().and_then(|c| c.beta);
                    beta.unwrap_or(spof_model::DEFAULT_BETA) * members_rate(model, d)
                } else {
                    default.failures_per_year
                }
            });
            let repair = domain
                .restore_time
                .map_or(default.repair_hours, |r| r.seconds() as f64 / 3600.0);
            unavailability(rate, repair)
        }
        // The repair of a bad deploy or an expired certificate takes the component's
        // `restore_time` when the model gives one, as recovery does.
        EventKind::Deploy(c) => unavailability(
            BAD_DEPLOY.failures_per_year,
            repair_hours(model.components[c].restore_time, BAD_DEPLOY),
        ),
        EventKind::Expiry(c) => unavailability(
            MISSED_RENEWAL.failures_per_year,
            repair_hours(model.components[c].restore_time, MISSED_RENEWAL),
        ),
        EventKind::Person(_) => PERSON_AWAY,
    }
}

/// The mean failures per year of the instances in common cause `d`, each at its component's
/// rate (`failures_per_year`, or its kind's default): the total a beta factor takes a share of.
fn members_rate(model: &Model, d: spof_model::DomainId) -> f64 {
    let (mut sum, mut count) = (0.0, 0usize);
    for component in &model.components {
        let rate = component
            .failures_per_year
            .unwrap_or(for_kind(component.kind).failures_per_year);
        for instance in &component.instances {
            if instance.domains.contains(&d) {
                sum += rate;
                count += 1;
            }
        }
    }
    if count == 0 { 0.0 } else { sum / count as f64 }
}

/// Importance of a basic event for a journey (Birnbaum, Fussell-Vesely, risk achievement and
/// risk reduction worth), from the exact unavailability.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Importance {
    pub birnbaum: f64,
    pub fussell_vesely: f64,
    pub raw: f64,
    pub rrw: f64,
}

/// Each journey's exact unavailability after automatic failovers, and the importance of every
/// basic event for it.
#[derive(Clone, Debug)]
pub struct JourneyAvailability {
    pub journey: usize,
    pub unavailability: f64,
    /// Indexed by event id.
    pub importance: Vec<Importance>,
}

/// Availability of every journey, or `None` when the structure is too large for a decision
/// diagram within `node_limit` nodes.
pub fn availability(
    model: &Model,
    graph: &FaultGraph,
    node_limit: usize,
) -> Option<Vec<JourneyAvailability>> {
    let structure = crate::structure::Structure::build_with_limit(model, graph, node_limit).ok()?;
    let q: Vec<f64> = structure
        .order
        .iter()
        .map(|&e| event_unavailability(model, graph, e))
        .collect();
    Some(
        structure
            .journeys
            .iter()
            .enumerate()
            .map(|(j, &f)| {
                let u = structure.bdd.probability(f, &q);
                let birnbaum = structure.bdd.birnbaum(f, &q);
                let mut importance = vec![Importance::default(); graph.event_count()];
                for (v, &e) in structure.order.iter().enumerate() {
                    let b = birnbaum[v];
                    let qe = q[v];
                    let with = u + (1.0 - qe) * b;
                    let without = u - qe * b;
                    importance[e as usize] = Importance {
                        birnbaum: b,
                        fussell_vesely: if u > 0.0 {
                            (qe * b / u).clamp(0.0, 1.0)
                        } else {
                            0.0
                        },
                        raw: if u > 0.0 { with / u } else { 1.0 },
                        rrw: if without > 0.0 {
                            u / without
                        } else {
                            f64::INFINITY
                        },
                    };
                }
                JourneyAvailability {
                    journey: j,
                    unavailability: u,
                    importance,
                }
            })
            .collect(),
    )
}
