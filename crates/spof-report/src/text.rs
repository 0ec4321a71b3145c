//! The terminal report: SPOFs first (what takes what down, for how long), then findings with
//! their fixes, then journeys and components. Colour only when asked (the caller decides from
//! the terminal); without it the text is plain and stable enough to snapshot.

use crate::number::fixed;
use crate::{Options, fails, selected_findings, selected_spofs};
use owo_colors::{OwoColorize, Style};
use spof_engine::analysis::{Recovery, WhatIf};
use spof_engine::evaluate::{Outcome, Phase};
use spof_engine::findings::capacity::{CapacityLeft, figure};
use spof_engine::findings::{Finding, RULES, join_and, recovery_phrase};
use spof_engine::graph::{EventKind, describe_event, event_id};
use spof_engine::{Report, Severity};
use spof_model::{ComponentId, Model};
use std::fmt::Write;

/// How many components a SPOF's line lists by name before counting the rest.
const TAKES_WITH_IT_SHOWN: usize = 8;

pub(crate) struct Painter {
    pub(crate) color: bool,
}

impl Painter {
    pub(crate) fn paint(&self, text: &str, style: Style) -> String {
        if self.color {
            text.style(style).to_string()
        } else {
            text.to_string()
        }
    }

    pub(crate) fn heading(&self, text: &str) -> String {
        self.paint(text, Style::new().bold())
    }

    pub(crate) fn dim(&self, text: &str) -> String {
        self.paint(text, Style::new().dimmed())
    }

    fn severity(&self, severity: Severity) -> String {
        let label = format!("{:<8}", severity.as_str().to_uppercase());
        let style = match severity {
            Severity::Critical => Style::new().red().bold(),
            Severity::High => Style::new().red(),
            Severity::Medium => Style::new().yellow(),
            Severity::Low => Style::new().cyan(),
            Severity::Info => Style::new().dimmed(),
        };
        self.paint(&label, style)
    }
}

fn percent(value: f64) -> String {
    format!("{}%", fixed(value * 100.0, 0))
}

pub fn check(model: &Model, report: &Report, options: &Options) -> String {
    let p = Painter {
        color: options.color,
    };
    let mut out = String::new();
    let instances: usize = model.components.iter().map(|c| c.instances.len()).sum();
    let _ = writeln!(
        out,
        "{} {}",
        p.heading(&format!(
            "spof check: {}",
            model.name.as_deref().unwrap_or(&options.file)
        )),
        p.dim(&format!(
            "({}, {}, {}{}, {}, {})",
            count(model.components.len(), "component"),
            count(instances, "instance"),
            count(model.domain_counts().0, "domain"),
            match model.domain_counts().1 {
                0 => String::new(),
                n => format!(", {}", count(n, "common cause")),
            },
            count(model.journeys.len(), "journey"),
            count(report.analysis.graph.event_count(), "failure event")
        ))
    );
    if let Some(j) = options.journey {
        let _ = writeln!(
            out,
            "{}",
            p.dim(&format!("journey {} only", model.journeys[j].name))
        );
    }
    if !options.incomplete.is_empty() {
        let _ = writeln!(
            out,
            "\n{}",
            p.paint(
                "Incomplete import: not everything was judged",
                Style::new().yellow().bold()
            )
        );
        for reason in &options.incomplete {
            let _ = writeln!(out, "  - {reason}");
        }
    }

    if !report.evidence.is_empty() {
        let _ = writeln!(out, "\n{}", p.heading("Evidence from drills"));
        for note in &report.evidence {
            let _ = writeln!(out, "  - {}", note.sentence(model));
        }
    }

    let spofs: Vec<_> = selected_spofs(model, report, options).collect();
    let _ = writeln!(
        out,
        "\n{}",
        p.heading(&format!("Single points of failure ({})", spofs.len()))
    );
    if spofs.is_empty() {
        let _ = writeln!(
            out,
            "  none: no single failure takes a critical journey down beyond a brief automatic failover"
        );
    }
    let id_width = spofs
        .iter()
        .map(|e| event_id(model, e.kind).len())
        .max()
        .unwrap_or(0);
    for event in &spofs {
        let id = event_id(model, event.kind);
        let _ = writeln!(
            out,
            "  {}  {:>4}  {}",
            p.paint(&format!("{id:<id_width$}"), Style::new().bold()),
            percent(event.blast_radius),
            describe_event(model, event.kind),
        );
        let _ = writeln!(
            out,
            "  {:id_width$}        down {}",
            "",
            recovery_phrase(model, event.worst())
        );
        let journeys: Vec<&str> = event
            .effects
            .iter()
            .filter(|x| spof_engine::analysis::is_spof_effect(model, x))
            .map(|x| model.journeys[x.journey].name.as_str())
            .collect();
        // Journeys it touches without taking them down: degraded, or only briefly
        // interrupted.
        let lesser: Vec<String> = event
            .effects
            .iter()
            .filter(|x| !spof_engine::analysis::takes_down(model, x))
            .map(|x| {
                let what = match x.recovery {
                    Recovery::Interrupted { time, .. } => format!("interrupted {time}"),
                    _ => "degraded".to_string(),
                };
                format!("{} {what}", model.journeys[x.journey].name)
            })
            .collect();
        let others: Vec<&str> = event
            .components_down
            .iter()
            .filter(|&&c| Some(c) != event.component())
            .map(|&c| model.components[c].name.as_str())
            .collect();
        let mut line = format!("journeys: {}", journeys.join(", "));
        if !lesser.is_empty() {
            let _ = write!(line, "; not down: {}", lesser.join(", "));
        }
        if !others.is_empty() {
            // A screenful, and a count of the rest.
            let own = event
                .component()
                .is_some_and(|c| event.components_down.contains(&c));
            let total = event.components_down_count - usize::from(own);
            let shown = others.len().min(TAKES_WITH_IT_SHOWN);
            let _ = write!(line, "; takes with it: {}", others[..shown].join(", "));
            if total > shown {
                let _ = write!(line, " and {} more", total - shown);
            }
        }
        let _ = writeln!(out, "  {:id_width$}        {}", "", p.dim(&line));
    }

    let findings: Vec<&Finding> = selected_findings(report, options).collect();
    let _ = writeln!(
        out,
        "\n{}",
        p.heading(&format!("Findings ({})", findings.len()))
    );
    if findings.is_empty() {
        let _ = writeln!(out, "  none");
    }
    for finding in &findings {
        let _ = writeln!(
            out,
            "  {} {} {}",
            p.severity(finding.severity),
            p.paint(&finding.code, Style::new().bold()),
            finding.name
        );
        let _ = writeln!(out, "           {}", finding.message);
        let _ = writeln!(
            out,
            "           {} {}",
            p.paint("fix:", Style::new().green()),
            finding.fix
        );
        if let Some(span) = finding.span.filter(|s| s.line > 0) {
            let _ = writeln!(
                out,
                "           {}",
                p.dim(&format!(
                    "at {}:{}:{}",
                    options.file, span.line, span.column
                ))
            );
        }
        let sources: Vec<&str> = finding
            .components
            .iter()
            .filter_map(|&c| model.components[c].source.as_deref())
            .collect();
        if !sources.is_empty() {
            let _ = writeln!(
                out,
                "           {}",
                p.dim(&format!("from {}", sources.join(", ")))
            );
        }
        if let Some(state) = &finding.decision {
            let decision = &model.decisions[state.index];
            let mut line = format!("decision: {}", decision.status.as_str());
            if let Some(owner) = &decision.owner {
                let _ = write!(line, " by {owner}");
            }
            if let Some(reason) = &decision.reason {
                let _ = write!(line, " ({reason})");
            }
            if let Some(review) = decision.review_by {
                let _ = write!(line, "; review by {review}");
            }
            if let Some(rto) = decision.rto {
                let _ = write!(line, "; accepts an RTO of {rto}");
            }
            if state.expired {
                line.push_str(" - EXPIRED, no longer hides this finding");
            }
            if !state.missing.is_empty() {
                let _ = write!(
                    line,
                    " - INCOMPLETE (no {}), does not hide this finding",
                    state.missing.join(", no ")
                );
            }
            if state.rto_exceeded.is_some() {
                line.push_str(" - accepted RTO EXCEEDED, does not hide this finding");
            }
            let _ = writeln!(out, "           {}", p.paint(&line, Style::new().cyan()));
        }
    }

    let _ = writeln!(out, "\n{}", p.heading("Journeys"));
    let name_width = model
        .journeys
        .iter()
        .map(|j| j.name.len())
        .max()
        .unwrap_or(0);
    for journey_report in &report.analysis.journeys {
        if options.journey.is_some_and(|j| j != journey_report.journey) {
            continue;
        }
        let journey = &model.journeys[journey_report.journey];
        let rto = journey_report.rto.map_or("unknown".to_string(), |r| {
            if r.seconds() == 0 {
                "0s".into()
            } else {
                r.to_string()
            }
        });
        let target = match (journey.rto_target, journey_report.meets_target) {
            (Some(t), Some(true)) => {
                format!("target {t}: {}", p.paint("met", Style::new().green()))
            }
            (Some(t), _) => format!("target {t}: {}", p.paint("missed", Style::new().red())),
            (None, _) => "no target".to_string(),
        };
        let _ = writeln!(
            out,
            "  {:name_width$}  {:<12}  RTO {rto:<8} {target}; {} SPOF{}",
            journey.name,
            if journey.critical {
                "critical"
            } else {
                "not critical"
            },
            journey_report.spofs,
            if journey_report.spofs == 1 { "" } else { "s" },
        );
    }

    out.push_str(&availability_section(model, report, options, &spofs, &p));

    let _ = writeln!(
        out,
        "\n{} {}",
        p.heading("Components"),
        p.dim("(failover level: 1 none, 2 manual, 3 automatic, 4 fault-tolerant)")
    );
    let width = model
        .components
        .iter()
        .map(|c| c.name.len())
        .max()
        .unwrap_or(0);
    let kind_width = model
        .components
        .iter()
        .map(|c| c.kind.as_str().len())
        .max()
        .unwrap_or(0);
    for component_report in &report.analysis.components {
        let component = &model.components[component_report.component];
        let n = component.instances.len();
        let mut line = format!(
            "  {:width$}  {:kind_width$}  {:>3} instance{}  level {} {:<15}",
            component.name,
            component.kind.as_str(),
            n,
            if n == 1 { " " } else { "s" },
            component_report.failover_level as u8,
            component_report.failover_level.describe(),
        );
        if component_report.spof {
            line.push_str(&p.paint("SPOF", Style::new().red().bold()));
        }
        let _ = writeln!(out, "{}", line.trim_end());
    }

    let count = |s: Severity| findings.iter().filter(|f| f.severity == s).count();
    let by_severity: Vec<String> = Severity::ALL
        .iter()
        .filter(|&&s| count(s) > 0)
        .map(|&s| format!("{} {}", count(s), s.as_str()))
        .collect();
    let decided = findings.iter().filter(|f| f.is_decided()).count();
    let mut summary = format!(
        "\n{} SPOF{}, {} finding{}",
        spofs.len(),
        if spofs.len() == 1 { "" } else { "s" },
        findings.len(),
        if findings.len() == 1 { "" } else { "s" }
    );
    if !by_severity.is_empty() {
        let _ = write!(summary, " ({})", by_severity.join(", "));
    }
    if decided > 0 {
        let _ = write!(summary, ", {decided} covered by decisions");
    }
    let against = if options.baseline.is_some() {
        " (new or worse findings only, against the baseline)"
    } else {
        ""
    };
    match options.fail_on {
        Some(level) if !options.incomplete.is_empty() => {
            let _ = write!(
                summary,
                "; does not pass at --fail-on {}: the import is incomplete (see the top)",
                level.as_str()
            );
        }
        Some(level) if fails(report, options) => {
            let _ = write!(summary, "; fails at --fail-on {}{against}", level.as_str());
        }
        Some(level) => {
            let _ = write!(summary, "; passes at --fail-on {}{against}", level.as_str());
        }
        None if !options.incomplete.is_empty() => {
            summary.push_str("; not gated, and the import is incomplete (see the top)");
        }
        None => {}
    }
    if let Some(baseline) = &options.baseline {
        out.push_str(&crate::baseline::check_section(&p, baseline));
    }
    let _ = writeln!(
        out,
        "\n{}",
        crate::checklist::summary_line(&report.checklist)
    );
    let _ = writeln!(out, "{}", p.heading(summary.trim_start()));
    out
}

pub(crate) fn money(amount: f64) -> String {
    let whole = amount.round() as u128;
    let digits = whole.to_string();
    let mut out = String::new();
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

/// Each journey's exact availability, and what each SPOF costs a year against the monthly
/// price of the redundancy that would remove it.
fn availability_section(
    model: &Model,
    report: &Report,
    options: &Options,
    spofs: &[&spof_engine::analysis::EventReport],
    p: &Painter,
) -> String {
    let mut out = String::new();
    let Some(journeys) = &report.availability else {
        let _ = writeln!(out, "\n{}", p.heading("Availability"));
        let Some(bounds) = &report.availability_bounds else {
            let _ = writeln!(
                out,
                "  not computed: the model is too large for an exact decision diagram here (see spof risks)"
            );
            return out;
        };
        let _ = writeln!(
            out,
            "  {}",
            p.dim(
                "bounds (the model is too large for one exact decision diagram; docs/analysis.md):"
            )
        );
        let width = model
            .journeys
            .iter()
            .map(|j| j.name.len())
            .max()
            .unwrap_or(0);
        for b in bounds
            .iter()
            .filter(|b| options.journey.is_none_or(|j| j == b.journey))
        {
            let journey = &model.journeys[b.journey];
            let cost = journey.downtime_cost_per_hour.map_or(String::new(), |c| {
                format!(
                    ", {} to {} a year",
                    money(c * b.lower * 8760.0),
                    money(c * b.upper * 8760.0)
                )
            });
            let _ = writeln!(
                out,
                "  {:width$}  {}% to {}%  {} to {} h down a year{cost}",
                journey.name,
                fixed(100.0 * (1.0 - b.upper), 4),
                fixed(100.0 * (1.0 - b.lower), 4),
                fixed(b.lower * 8760.0, 1),
                fixed(b.upper * 8760.0, 1)
            );
        }
        return out;
    };
    let _ = writeln!(
        out,
        "\n{} {}",
        p.heading("Availability"),
        p.dim("(exact, after automatic failovers; failure figures: docs/availability.md)")
    );
    let width = model
        .journeys
        .iter()
        .map(|j| j.name.len())
        .max()
        .unwrap_or(0);
    for availability in journeys
        .iter()
        .filter(|a| options.journey.is_none_or(|j| j == a.journey))
    {
        let journey = &model.journeys[availability.journey];
        let hours = availability.unavailability * 8760.0;
        let cost = journey
            .downtime_cost_per_hour
            .map_or(String::new(), |c| format!(", {} a year", money(c * hours)));
        let _ = writeln!(
            out,
            "  {:width$}  {}%  {} h down a year{cost}",
            journey.name,
            fixed(100.0 * (1.0 - availability.unavailability), 4),
            fixed(hours, 1)
        );
    }
    if spofs.is_empty() {
        return out;
    }
    let _ = writeln!(
        out,
        "  {}",
        p.dim("what each SPOF costs a year, against the redundancy that removes it:")
    );
    let id_width = spofs
        .iter()
        .map(|e| event_id(model, e.kind).len())
        .max()
        .unwrap_or(0);
    for event in spofs {
        let (hours, cost) = spof_downtime(model, journeys, event.event);
        let redundancy = event
            .component()
            .and_then(|c| {
                model.components[c].cost_per_month.map(|m| {
                    format!(
                        "one more {}: {} a month",
                        model.components[c].name,
                        money(m)
                    )
                })
            })
            .unwrap_or_else(|| "no cost given (cost_per_month)".into());
        let cost = if cost > 0.0 {
            format!(", {} a year", money(cost))
        } else {
            String::new()
        };
        let _ = writeln!(
            out,
            "    {:id_width$}  {} h down a year{cost}; {redundancy}",
            event_id(model, event.kind),
            fixed(hours, 2)
        );
    }
    out
}

/// The downtime a year that cut sets containing the event account for, over critical journeys
/// (Fussell-Vesely × unavailability), and its cost where journeys give one.
pub fn spof_downtime(
    model: &Model,
    journeys: &[spof_engine::availability::JourneyAvailability],
    event: u32,
) -> (f64, f64) {
    let mut hours: f64 = 0.0;
    let mut cost = 0.0;
    for availability in journeys
        .iter()
        .filter(|a| model.journeys[a.journey].critical)
    {
        let h = availability.importance[event as usize].fussell_vesely
            * availability.unavailability
            * 8760.0;
        hours = hours.max(h);
        cost += h * model.journeys[availability.journey]
            .downtime_cost_per_hour
            .unwrap_or(0.0);
    }
    (hours, cost)
}

fn outcome_words(outcome: Outcome) -> &'static str {
    match outcome {
        Outcome::Up => "no effect",
        Outcome::Degraded => "degraded",
        Outcome::Interrupted => "interrupted until an automatic failover completes",
        Outcome::DownUntilManual => "down until someone performs a manual step",
        Outcome::DownUntilRepair => "down until repaired",
    }
}

/// "What happens when this component fails?" in plain words.
pub fn explain_component(
    model: &Model,
    report: &Report,
    c: ComponentId,
    all_lost: &WhatIf,
    color: bool,
) -> String {
    let p = Painter { color };
    let component = &model.components[c];
    let level = report.analysis.components[c].failover_level;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{}",
        p.heading(&format!("What happens when `{}` fails?", component.name))
    );
    let n = component.instances.len();
    let redundancy = match component.failover() {
        Some((f, t)) => format!("active-passive, {} failover in {t}", f.as_str()),
        None if n > 1 => format!("active-active, {} of {n} needed", component.min_healthy),
        None => "no redundancy".into(),
    };
    let _ = writeln!(
        out,
        "\n{} is a {} ({} layer): {n} instance{}, {redundancy}{}; failover level {} ({}).",
        component.name,
        component.kind.as_str().replace('_', " "),
        component.kind.layer().as_str(),
        if n == 1 { "" } else { "s" },
        if component.managed {
            ", managed by its provider"
        } else {
            ""
        },
        level as u8,
        level.describe()
    );
    let users: Vec<&str> = model
        .components
        .iter()
        .filter(|other| other.depends_on.iter().any(|d| d.target == c))
        .map(|other| other.name.as_str())
        .collect();
    let journeys: Vec<&str> = (0..model.journeys.len())
        .filter(|&j| {
            report.analysis.graph.journey_closures[j]
                .binary_search(&c)
                .is_ok()
        })
        .map(|j| model.journeys[j].name.as_str())
        .collect();
    let _ = writeln!(
        out,
        "Used by: {}. Needed (through hard dependencies) by the journeys: {}.",
        if users.is_empty() {
            "nothing".into()
        } else {
            users.join(", ")
        },
        if journeys.is_empty() {
            "none".into()
        } else {
            journeys.join(", ")
        }
    );
    let starters: Vec<&str> = model
        .components
        .iter()
        .filter(|other| other.depends_on.iter().any(|d| d.target == c && d.startup))
        .map(|other| other.name.as_str())
        .collect();
    if !starters.is_empty() {
        let _ = writeln!(
            out,
            "Needed to start by: {} (their running instances go on without it; one that fails while it is down cannot come back until it is).",
            starters.join(", ")
        );
    }

    // Its own events, one at a time.
    let own: Vec<u32> = (0..report.analysis.graph.event_count() as u32)
        .filter(|&e| match report.analysis.graph.events[e as usize] {
            EventKind::Instance { component: x, .. }
            | EventKind::Deploy(x)
            | EventKind::Expiry(x) => x == c,
            _ => false,
        })
        .take(50)
        .collect();
    let _ = writeln!(out);
    if own.is_empty() {
        let _ = writeln!(
            out,
            "It has no failure events of its own (managed, or a certificate renewed automatically)."
        );
    }
    let mut shown_quiet = false;
    for &e in &own {
        let kind = report.analysis.graph.events[e as usize];
        let words = describe_event(model, kind);
        match report.analysis.event(e) {
            Some(event) => {
                let effects: Vec<String> = event
                    .effects
                    .iter()
                    .map(|x| {
                        format!(
                            "{} {}",
                            model.journeys[x.journey].name,
                            effect_phrase(model, &x.recovery)
                        )
                    })
                    .collect();
                let _ = writeln!(
                    out,
                    "Losing {} ({words}): {}.{}",
                    event_id(model, kind),
                    effects.join("; "),
                    if event.spof {
                        format!(" {}", p.paint("A SPOF.", Style::new().red().bold()))
                    } else {
                        String::new()
                    }
                );
            }
            None if !shown_quiet => {
                let _ = writeln!(
                    out,
                    "Losing {} ({words}): no journey is affected.",
                    event_id(model, kind)
                );
                shown_quiet = true;
            }
            None => {}
        }
    }
    // What losing it whole does: every instance at once, or for a component with no events of
    // its own, every place it runs in.
    let lost: Vec<String> = all_lost
        .outcomes
        .iter()
        .enumerate()
        .filter(|(_, o)| **o != Outcome::Up)
        .map(|(j, o)| format!("{} {}", model.journeys[j].name, outcome_words(*o)))
        .collect();
    let lost = if lost.is_empty() {
        "no journey is affected".to_string()
    } else {
        lost.join("; ")
    };
    let places = places_of(model, &report.analysis.graph, c);
    if own.is_empty() && !places.is_empty() {
        let names: Vec<String> = places
            .iter()
            .map(|&e| event_id(model, report.analysis.graph.events[e as usize]))
            .collect();
        let _ = writeln!(
            out,
            "Losing every place it runs in at once ({}): {lost}.",
            names.join(", ")
        );
    } else if n > 1 {
        let _ = writeln!(out, "Losing all {n} instances at once: {lost}.");
    }

    // What else takes it down, beyond a brief automatic failover, and what only interrupts it.
    let single = &report.analysis.single;
    let listed = |events: Vec<u32>| -> String {
        let ids: Vec<String> = events
            .iter()
            .take(12)
            .map(|&e| event_id(model, report.analysis.graph.events[e as usize]))
            .collect();
        let more = if events.len() > ids.len() {
            format!(" and {} more", events.len() - ids.len())
        } else {
            String::new()
        };
        format!("{}{more}", ids.join(", "))
    };
    let after_automatic = single.component_set(Phase::AfterAutomatic, c);
    let down: Vec<u32> = after_automatic
        .iter()
        .copied()
        .filter(|e| !own.contains(e))
        .collect();
    let interrupted: Vec<u32> = single
        .component_set(Phase::Immediate, c)
        .into_iter()
        .filter(|e| !own.contains(e) && after_automatic.binary_search(e).is_err())
        .collect();
    if !down.is_empty() {
        let _ = writeln!(
            out,
            "It also goes down when any one of these fails: {}.",
            listed(down)
        );
    }
    if !interrupted.is_empty() {
        let _ = writeln!(
            out,
            "It is interrupted until an automatic failover completes when any one of these fails: {}.",
            listed(interrupted)
        );
    }
    let codes: Vec<String> = report
        .findings
        .iter()
        .filter(|f| f.components.contains(&c))
        .map(|f| format!("{} {}", f.code, f.name))
        .collect();
    if !codes.is_empty() {
        let _ = writeln!(
            out,
            "Findings: {}. See `spof explain CODE`.",
            codes.join(", ")
        );
    }
    out
}

fn effect_phrase(model: &Model, recovery: &Recovery) -> String {
    match recovery {
        Recovery::None => "unaffected".into(),
        Recovery::Degraded { .. } => "degraded".into(),
        other => format!("down {}", recovery_phrase(model, other)),
    }
}

/// The overloaded components a journey uses, in words: "`app` (100 left for a load of 120)".
fn overloads_on(
    report: &Report,
    model: &Model,
    capacity: &[CapacityLeft],
    journey: usize,
) -> Vec<String> {
    capacity
        .iter()
        .filter(|c| {
            c.overloaded
                && report.analysis.graph.journey_closures[journey]
                    .binary_search(&c.component)
                    .is_ok()
        })
        .map(|c| {
            format!(
                "`{}` ({} left for a load of {})",
                model.components[c.component].name,
                figure(c.left),
                figure(c.load)
            )
        })
        .collect()
}

/// `spof whatif`: what goes down when `events` fail together, and the capacity left against
/// the load (an overload is reported even where nothing goes down).
pub fn what_if(
    model: &Model,
    report: &Report,
    events: &[u32],
    result: &WhatIf,
    capacity: &[CapacityLeft],
    color: bool,
) -> String {
    let p = Painter { color };
    let mut out = String::new();
    let ids: Vec<String> = events
        .iter()
        .map(|&e| event_id(model, report.analysis.graph.events[e as usize]))
        .collect();
    let _ = writeln!(
        out,
        "{}",
        p.heading(&format!(
            "What if {} fail{} together?",
            ids.join(", "),
            if ids.len() == 1 { "s" } else { "" }
        ))
    );
    let _ = writeln!(out);
    let width = model
        .journeys
        .iter()
        .map(|j| j.name.len())
        .max()
        .unwrap_or(0);
    for (j, outcome) in result.outcomes.iter().enumerate() {
        let overloads = overloads_on(report, model, capacity, j);
        let mut words = outcome_words(*outcome).to_string();
        let mut style = match outcome {
            Outcome::Up => Style::new().green(),
            Outcome::Degraded | Outcome::Interrupted => Style::new().yellow(),
            _ => Style::new().red().bold(),
        };
        if !overloads.is_empty() && *outcome < Outcome::DownUntilManual {
            let list = join_and(&overloads.iter().map(String::as_str).collect::<Vec<_>>());
            words = if *outcome == Outcome::Up {
                format!("overloaded: {list}")
            } else {
                format!("{words}; overloaded: {list}")
            };
            style = Style::new().red().bold();
        }
        let _ = writeln!(
            out,
            "  {:width$}  {}",
            model.journeys[j].name,
            p.paint(&words, style)
        );
    }
    let names = |list: &[usize]| -> String {
        if list.is_empty() {
            "none".into()
        } else {
            list.iter()
                .map(|&c| model.components[c].name.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        }
    };
    let _ = writeln!(
        out,
        "\nDown right after: {}",
        names(&result.down[Phase::Immediate])
    );
    let _ = writeln!(
        out,
        "Still down after automatic failovers: {}",
        names(&result.down[Phase::AfterAutomatic])
    );
    let _ = writeln!(
        out,
        "Still down after manual steps (until repaired): {}",
        names(&result.down[Phase::AfterManual])
    );
    let _ = writeln!(
        out,
        "Hit directly (not through a dependency): {}",
        names(&result.direct)
    );
    if !result.restart_blocked.is_empty() {
        let blocked: Vec<String> = result
            .restart_blocked
            .iter()
            .map(|&(c, needs)| {
                format!(
                    "{} (needs {} to start)",
                    model.components[c].name, model.components[needs].name
                )
            })
            .collect();
        let _ = writeln!(
            out,
            "Cannot restart until a start-up dependency is back: {}",
            blocked.join(", ")
        );
    }
    if !capacity.is_empty() {
        let _ = writeln!(
            out,
            "\nCapacity left after automatic failovers (capacity × instances up, against the journeys' load):"
        );
        let width = capacity
            .iter()
            .map(|c| model.components[c.component].name.len())
            .max()
            .unwrap_or(0);
        for c in capacity {
            let state = if c.instances_up == 0 {
                p.paint("down", Style::new().red().bold())
            } else if c.overloaded {
                p.paint("OVERLOADED", Style::new().red().bold())
            } else {
                p.paint("enough", Style::new().green())
            };
            let _ = writeln!(
                out,
                "  {:width$}  {} of {} ({} of {} instances up) for a load of {}: {state}",
                model.components[c.component].name,
                figure(c.left),
                figure(c.total),
                c.instances_up,
                c.instances,
                figure(c.load),
            );
        }
    }
    out
}

/// `spof explain` with no argument: every finding code.
pub fn rule_list() -> String {
    let mut out = String::from("Finding codes (spof explain CODE shows one):\n\n");
    for rule in RULES {
        let _ = writeln!(out, "  {}  {:<32} {}", rule.code, rule.name, rule.summary);
    }
    out
}

/// `spof explain CODE` for a custom rule of the policy in `file`: what it asks, what it
/// selects and requires (as the policy writes them), its severity and fix.
pub fn policy_rule(rule: &spof_model::policy::PolicyRule, file: &str) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# {} {}\n\n{}\n", rule.code, rule.name, rule.message);
    let _ = writeln!(
        out,
        "A rule of the policy {file}, severity {}.\n",
        rule.severity.as_str()
    );
    let (what, select) = rule.applies_to.key_values();
    let _ = writeln!(out, "## Applies to\n");
    if select.is_empty() {
        let _ = writeln!(out, "Every one of the model's {what}.\n");
    } else {
        let _ = writeln!(out, "The model's {what} with:\n\n```toml");
        for line in select {
            let _ = writeln!(out, "{line}");
        }
        let _ = writeln!(out, "```\n");
    }
    let _ = writeln!(out, "## Requires\n\n```toml");
    for requirement in &rule.requirements {
        let (key, value) = requirement.key_value();
        let _ = writeln!(out, "{key} = {value}");
    }
    let _ = writeln!(out, "```\n\n## How to fix\n\n{}", rule.fix);
    out
}

/// The innermost domains a component's instances run in, as events: for a component with no
/// events of its own, losing all of them is losing it whole.
pub fn places_of(
    model: &Model,
    graph: &spof_engine::graph::FaultGraph,
    c: spof_model::ComponentId,
) -> Vec<u32> {
    let mut out: Vec<u32> = model.components[c]
        .instances
        .iter()
        .flat_map(|i| i.domains.iter().map(|&d| graph.domain_events[d]))
        .collect();
    out.sort_unstable();
    out.dedup();
    out
}

/// `n` and the noun, plural unless `n` is 1: `1 journey`, `2 journeys`.
pub(crate) fn count(n: usize, noun: &str) -> String {
    format!("{n} {noun}{}", if n == 1 { "" } else { "s" })
}
