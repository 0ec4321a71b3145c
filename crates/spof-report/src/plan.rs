//! The report of `spof plan`: the frames from the model as written to the last fix, each with
//! the SPOFs left, every journey's availability and downtime, and the costs.

use crate::number::fixed;
use crate::text::{Painter, money};
use serde::Serialize;
use spof_engine::plan::{Frame, Plan};
use std::fmt::Write;

const SEVERITIES: [&str; 5] = ["critical", "high", "medium", "low", "info"];

fn findings_words(counts: &[usize; 5]) -> String {
    let parts: Vec<String> = counts
        .iter()
        .zip(SEVERITIES)
        .filter(|(n, _)| **n > 0)
        .map(|(n, s)| format!("{n} {s}"))
        .collect();
    if parts.is_empty() {
        "none".into()
    } else {
        parts.join(", ")
    }
}

fn removed(before: &Frame, after: &Frame) -> Vec<String> {
    before
        .spofs
        .iter()
        .filter(|s| !after.spofs.contains(s))
        .cloned()
        .collect()
}

/// Availability with enough decimals to show what is left of the unavailability.
fn availability(u: Option<f64>) -> String {
    u.map_or("not computed".into(), |u| {
        if u <= 0.0 {
            return "100%".into();
        }
        let decimals = ((-u.log10()).ceil() as i64 - 1).clamp(4, 10) as usize;
        format!("{}%", fixed(100.0 * (1.0 - u), decimals))
    })
}

/// Hours down a year, in the unit that keeps them readable.
fn downtime(hours: f64) -> String {
    if hours >= 1.0 {
        format!("{} h", fixed(hours, 2))
    } else if hours * 60.0 >= 1.0 {
        format!("{} min", fixed(hours * 60.0, 1))
    } else {
        format!("{} s", fixed(hours * 3600.0, 1))
    }
}

pub fn text(plan: &Plan, color: bool) -> String {
    let p = Painter { color };
    let mut out = String::new();
    let first = &plan.frames[0];
    let last = plan.frames.last().expect("a plan has its first frame");
    let fixes = plan.frames.len() - 1;
    let _ = writeln!(
        out,
        "spof plan: {}: {} fix{}, SPOFs {} → {}",
        first.model.name.as_deref().unwrap_or("model"),
        fixes,
        if fixes == 1 { "" } else { "es" },
        first.spofs.len(),
        last.spofs.len()
    );
    let _ = writeln!(
        out,
        "{}",
        p.dim("(each fix is applied to a copy of the model and checked; the best effect per cost first)")
    );
    for (index, frame) in plan.frames.iter().enumerate() {
        let title = match &frame.step {
            None => "as written".to_string(),
            Some(step) => step.title.clone(),
        };
        let _ = writeln!(out, "\n{}", p.heading(&format!("Frame {index}: {title}")));
        if let Some(step) = &frame.step {
            let estimated = if step.cost_estimated {
                " (estimated: no cost_per_month)"
            } else {
                ""
            };
            let cost = if step.cost_per_month > 0.0 {
                format!("+{} a month{estimated}", money(step.cost_per_month))
            } else {
                "no added instances".to_string()
            };
            let _ = writeln!(
                out,
                "  cost: {cost}; redundancy added so far: {} a month",
                money(frame.redundancy_cost)
            );
        }
        match &frame.zone_loss {
            Some(loss) if loss.zones == 1 => {
                let _ = writeln!(out, "  one zone: losing it keeps nothing");
            }
            Some(loss) => {
                // Zones whose loss leaves less than the others, when they differ.
                let worst: Vec<&str> = loss
                    .by_zone
                    .iter()
                    .filter(|&&(_, k)| k <= loss.kept)
                    .map(|&(z, _)| frame.model.domains[z].name.as_str())
                    .collect();
                let which = if worst.len() < loss.by_zone.len() {
                    format!(" (the least: losing {})", worst.join(" or "))
                } else {
                    String::new()
                };
                let _ = writeln!(
                    out,
                    "  losing one of {} zones keeps at least {}% of the serving capacity of every component the journeys need{which}",
                    loss.zones,
                    crate::number::fixed(loss.kept * 100.0, 0)
                );
            }
            None => {}
        }
        let gone = if index > 0 {
            removed(&plan.frames[index - 1], frame)
        } else {
            Vec::new()
        };
        let gone = if gone.is_empty() {
            String::new()
        } else {
            format!(" (removed: {})", gone.join(", "))
        };
        if frame.spofs.is_empty() {
            let _ = writeln!(out, "  SPOFs: none{gone}");
        } else {
            let _ = writeln!(
                out,
                "  SPOFs ({}): {}{gone}",
                frame.spofs.len(),
                frame.spofs.join(", ")
            );
        }
        let width = frame
            .journeys
            .iter()
            .map(|j| frame.model.journeys[j.journey].name.len())
            .max()
            .unwrap_or(0);
        for journey in &frame.journeys {
            let name = &frame.model.journeys[journey.journey].name;
            let hours = journey
                .downtime_hours
                .map_or(String::new(), |h| format!("  {} down a year", downtime(h)));
            let cost = journey
                .downtime_cost
                .map_or(String::new(), |c| format!(", {} a year", money(c)));
            let rto = match (journey.rto, journey.meets_target) {
                (Some(rto), Some(false)) => format!("; RTO {rto} misses its target"),
                (Some(rto), _) if journey.spofs > 0 => format!("; RTO {rto}"),
                _ => String::new(),
            };
            let _ = writeln!(
                out,
                "  {name:width$}  {}{hours}{cost}{rto}",
                availability(journey.unavailability)
            );
        }
        let _ = writeln!(out, "  findings: {}", findings_words(&frame.findings));
    }
    let _ = writeln!(out, "\n{}", p.heading("Summary"));
    let _ = writeln!(
        out,
        "  {} fix{} for {} a month of redundancy: SPOFs {} → {}{}",
        fixes,
        if fixes == 1 { "" } else { "es" },
        money(last.redundancy_cost),
        first.spofs.len(),
        last.spofs.len(),
        match (first.downtime_cost, last.downtime_cost) {
            (Some(a), Some(b)) => format!(
                "; expected downtime cost {} → {} a year, against {} a year of redundancy",
                money(a),
                money(b),
                money(12.0 * last.redundancy_cost)
            ),
            _ => String::new(),
        }
    );
    for (j, journey) in first.journeys.iter().enumerate() {
        let after = &last.journeys[j];
        let _ = writeln!(
            out,
            "  {}: {} → {}",
            first.model.journeys[journey.journey].name,
            availability(journey.unavailability),
            availability(after.unavailability)
        );
    }
    if !plan.left.is_empty() {
        let _ = writeln!(out, "\n{}", p.heading("Left as they are"));
        for (event, why) in &plan.left {
            let _ = writeln!(out, "  {event}: {why}");
        }
    }
    out
}

#[derive(Serialize)]
struct PlanJson<'a> {
    schema_version: u32,
    model: Option<&'a str>,
    frames: Vec<FrameJson<'a>>,
    left: Vec<LeftJson<'a>>,
}

#[derive(Serialize)]
struct FrameJson<'a> {
    index: usize,
    fix: Option<FixJson<'a>>,
    spofs: &'a [String],
    removed: Vec<String>,
    findings: FindingCounts,
    journeys: Vec<JourneyJson<'a>>,
    downtime_cost_per_year: Option<f64>,
    redundancy_cost_per_month: f64,
    /// Losing one zone: the zones used and the smallest share of instances kept.
    #[serde(skip_serializing_if = "Option::is_none")]
    zone_loss: Option<ZoneLossJson<'a>>,
}

#[derive(Serialize)]
struct ZoneLossJson<'a> {
    zones: usize,
    kept: f64,
    by_zone: Vec<ZoneKeptJson<'a>>,
}

#[derive(Serialize)]
struct ZoneKeptJson<'a> {
    zone: &'a str,
    kept: f64,
}

#[derive(Serialize)]
struct FixJson<'a> {
    kind: &'static str,
    title: &'a str,
    components: Vec<&'a str>,
    cost_per_month: f64,
    cost_estimated: bool,
}

#[derive(Serialize)]
struct FindingCounts {
    critical: usize,
    high: usize,
    medium: usize,
    low: usize,
    info: usize,
}

#[derive(Serialize)]
struct JourneyJson<'a> {
    name: &'a str,
    availability: Option<f64>,
    downtime_hours_per_year: Option<f64>,
    downtime_cost_per_year: Option<f64>,
    spofs: usize,
    rto_seconds: Option<u64>,
    meets_target: Option<bool>,
}

#[derive(Serialize)]
struct LeftJson<'a> {
    event: &'a str,
    why: &'a str,
}

pub fn json(plan: &Plan) -> String {
    let frames = plan
        .frames
        .iter()
        .enumerate()
        .map(|(index, frame)| FrameJson {
            index,
            fix: frame.step.as_ref().map(|step| FixJson {
                kind: step.fix.kind(),
                title: &step.title,
                components: step
                    .components
                    .iter()
                    .map(|&c| frame.model.components[c].name.as_str())
                    .collect(),
                cost_per_month: step.cost_per_month,
                cost_estimated: step.cost_estimated,
            }),
            spofs: &frame.spofs,
            removed: if index > 0 {
                removed(&plan.frames[index - 1], frame)
            } else {
                Vec::new()
            },
            findings: FindingCounts {
                critical: frame.findings[0],
                high: frame.findings[1],
                medium: frame.findings[2],
                low: frame.findings[3],
                info: frame.findings[4],
            },
            journeys: frame
                .journeys
                .iter()
                .map(|j| JourneyJson {
                    name: &frame.model.journeys[j.journey].name,
                    availability: j.unavailability.map(|u| 1.0 - u),
                    downtime_hours_per_year: j.downtime_hours,
                    downtime_cost_per_year: j.downtime_cost,
                    spofs: j.spofs,
                    rto_seconds: j.rto.map(|d| d.seconds()),
                    meets_target: j.meets_target,
                })
                .collect(),
            downtime_cost_per_year: frame.downtime_cost,
            redundancy_cost_per_month: frame.redundancy_cost,
            zone_loss: frame.zone_loss.as_ref().map(|z| ZoneLossJson {
                zones: z.zones,
                kept: z.kept,
                by_zone: z
                    .by_zone
                    .iter()
                    .map(|&(zone, kept)| ZoneKeptJson {
                        zone: &frame.model.domains[zone].name,
                        kept,
                    })
                    .collect(),
            }),
        })
        .collect();
    let value = PlanJson {
        schema_version: 1,
        model: plan.frames[0].model.name.as_deref(),
        frames,
        left: plan
            .left
            .iter()
            .map(|(event, why)| LeftJson { event, why })
            .collect(),
    };
    crate::number::to_json(&value)
}
