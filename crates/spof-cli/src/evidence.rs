//! The evidence commands' glue: where the history lives, what `check` reads from and records
//! in it, and `spof probe`, `spof drill` and `spof history` on top of spof-evidence.
//!
//! Where the history is: `--history PATH`, or `<model>.history.sqlite` beside the model file.
//! `spof probe` and `spof drill` create it there; `spof check` reads and records in it only
//! when it already exists (or `--history` names it), so checking a model never leaves a file
//! behind unasked. Built-in examples and imports have no default history. `--no-history`
//! leaves it alone.

use crate::{Failure, Loaded, Result, err, out};
use clap::Args;
use spof_engine::evidence::{DrillRecord, Evidence, seconds};
use spof_evidence::history::{FindingRow, History};
use std::path::{Path, PathBuf};

#[derive(Args, Clone, Debug, Default)]
pub struct HistoryArgs {
    /// The history file (SQLite; default `<model>.history.sqlite` beside the model file).
    #[arg(long, value_name = "FILE", conflicts_with = "no_history")]
    pub history: Option<String>,
    /// Neither read nor write the history.
    #[arg(long)]
    pub no_history: bool,
    /// A drill older than this many days no longer proves a failover (default 90).
    #[arg(long, value_name = "DAYS", default_value_t = 90)]
    pub drill_max_age: u32,
}

/// The history's path: explicit, or the default beside a model file (never for an example or
/// an import). With `existing_only`, the default counts only when the file exists.
pub fn history_path(
    args: &HistoryArgs,
    loaded: &Loaded,
    from_file: bool,
    existing_only: bool,
) -> Option<PathBuf> {
    if args.no_history {
        return None;
    }
    if let Some(path) = &args.history {
        return Some(PathBuf::from(path));
    }
    if !from_file {
        return None;
    }
    let model = Path::new(&loaded.file);
    let stem = model.file_stem()?.to_string_lossy().into_owned();
    let path = model.with_file_name(format!("{stem}.history.sqlite"));
    (!existing_only || path.exists()).then_some(path)
}

pub fn open(path: &Path) -> Result<History> {
    History::open(path).map_err(|e| Failure(e.to_string()))
}

/// The evidence a check uses: the drills recorded in the history (if any).
pub fn evidence_of(history: Option<&History>, args: &HistoryArgs) -> Result<Evidence> {
    let drills: Vec<DrillRecord> = match history {
        Some(h) => h
            .drills()
            .map_err(|e| Failure(e.to_string()))?
            .into_iter()
            // A drill that ended in an error measured nothing: it proves and disproves nothing.
            .filter(|row| row.outcome.get("verdict").and_then(|v| v.as_str()) != Some("error"))
            .map(|row| row.record)
            .collect(),
        None => Vec::new(),
    };
    Ok(Evidence {
        in_use: history.is_some(),
        drills,
        observations: Vec::new(),
        max_drill_age_days: args.drill_max_age,
    })
}

/// Records a check: its SPOFs, findings and availability.
pub fn record_check(
    history: &mut History,
    loaded: &Loaded,
    report: &spof_engine::Report,
) -> Result<()> {
    let model = &loaded.model;
    let findings: Vec<FindingRow> = report
        .findings
        .iter()
        .map(|f| FindingRow {
            code: f.code.to_string(),
            severity: f.severity.as_str().to_string(),
            components: f
                .components
                .iter()
                .map(|&c| model.components[c].name.clone())
                .collect(),
            message: f.message.clone(),
        })
        .collect();
    let availability = report.availability.as_ref().map(|journeys| {
        let map: serde_json::Map<String, serde_json::Value> = journeys
            .iter()
            .map(|j| {
                (
                    model.journeys[j.journey].name.clone(),
                    serde_json::json!(1.0 - j.unavailability),
                )
            })
            .collect();
        serde_json::Value::Object(map)
    });
    let spofs = report.analysis.spofs().count();
    history
        .record_check(
            &spof_evidence::timestamp(std::time::SystemTime::now()),
            &loaded.file,
            spofs,
            &findings,
            availability.as_ref(),
        )
        .map_err(|e| Failure(e.to_string()))
}

/// `spof history`: SPOFs over time and drills per component.
pub fn show_history(history: &History, json: bool) -> Result<()> {
    let checks = history.checks().map_err(|e| Failure(e.to_string()))?;
    let drills = history.drills().map_err(|e| Failure(e.to_string()))?;
    let probes = history.probes().map_err(|e| Failure(e.to_string()))?;
    if json {
        let value = serde_json::json!({
            "schema_version": 1,
            "history_version": history.version().unwrap_or(0),
            "checks": checks,
            "drills": drills,
            "probes": probes,
        });
        out(&format!(
            "{}\n",
            serde_json::to_string_pretty(&value).expect("JSON")
        ));
        return Ok(());
    }
    let mut text = String::new();
    text.push_str(&format!("Checks ({}):\n", checks.len()));
    if checks.is_empty() {
        text.push_str("  none recorded\n");
    }
    let mut previous: Option<u64> = None;
    for check in &checks {
        let trend = match previous {
            Some(p) if check.spofs > p => format!(" (+{})", check.spofs - p),
            Some(p) if check.spofs < p => format!(" (-{})", p - check.spofs),
            _ => String::new(),
        };
        previous = Some(check.spofs);
        text.push_str(&format!(
            "  {}  {}  {} SPOFs{trend}, {} findings\n",
            check.at, check.model, check.spofs, check.findings
        ));
    }
    text.push_str(&format!("\nDrills ({}):\n", drills.len()));
    if drills.is_empty() {
        text.push_str("  none recorded\n");
    }
    let mut components: Vec<&str> = drills.iter().map(|d| d.record.component.as_str()).collect();
    components.sort_unstable();
    components.dedup();
    for component in components {
        text.push_str(&format!("  {component}\n"));
        for row in drills.iter().filter(|d| d.record.component == component) {
            let measured = match (
                row.record.interruption_ms,
                row.outcome
                    .get("interruption_seconds")
                    .and_then(|v| v.as_f64()),
            ) {
                (Some(ms), _) => format!("interruption {}", seconds(ms)),
                (None, Some(s)) => format!("down until restored ({s:.1} s)"),
                (None, None) => "not measured".to_string(),
            };
            let verdict = row
                .outcome
                .get("verdict")
                .and_then(|v| v.as_str())
                .unwrap_or(if row.record.met { "met" } else { "missed" });
            text.push_str(&format!(
                "    {}  {} on {}: {measured}, {verdict}\n",
                row.at, row.record.drill, row.target
            ));
        }
    }
    text.push_str(&format!("\nProbe observations: {}\n", probes.len()));
    out(&text);
    Ok(())
}

/// Says where the history is, on standard error.
pub fn note(path: &Path) {
    err(&format!("history: {}\n", path.display()));
}

/// `spof drill NAME [MODEL]`.
pub fn run_drill(
    name: String,
    path: Option<String>,
    model_args: &crate::ModelArgs,
    dry_run: bool,
    json: bool,
    history_args: &HistoryArgs,
    stderr_color: bool,
) -> Result<std::process::ExitCode> {
    use std::process::ExitCode;
    let loaded = crate::load(path, model_args, json, stderr_color)?;
    let model = &loaded.model;
    let Some(drill) = model.drills.iter().find(|d| d.name == name) else {
        let names: Vec<&str> = model.drills.iter().map(|d| d.name.as_str()).collect();
        let hint = spof_model::suggest(&name, names.iter().copied())
            .map(|n| format!("; did you mean `{n}`?"))
            .unwrap_or_else(|| {
                if names.is_empty() {
                    "; the model declares no drills (see `drills:` in docs/model.md)".into()
                } else {
                    format!("; drills: {}", names.join(", "))
                }
            });
        return Err(Failure(format!("no drill `{name}`{hint}")));
    };
    let plan = plan_of(model, drill);
    if dry_run {
        if json {
            let value = serde_json::json!({"schema_version": 1, "dry_run": true, "plan": plan});
            out(&format!(
                "{}\n",
                serde_json::to_string_pretty(&value).expect("JSON")
            ));
        } else {
            out(&plan_text(&plan));
        }
        return Ok(ExitCode::SUCCESS);
    }
    let from_file = model_args.example.is_none();
    let history_path = history_path(history_args, &loaded, from_file, false);
    // Opened before the drill: a history that cannot be written is said before anything fails.
    let mut history = match &history_path {
        Some(path) => {
            note(path);
            Some(open(path)?)
        }
        None => None,
    };
    let outcome = spof_evidence::drill::run(&plan, &|event| {
        err(&format!("drill {}: {event}\n", plan.drill))
    });
    let value = serde_json::to_value(&outcome).expect("an outcome serialises");
    if let Some(history) = &mut history {
        let record = DrillRecord {
            drill: plan.drill.clone(),
            component: plan.component.clone(),
            date: spof_evidence::day(std::time::SystemTime::now()),
            interruption_ms: outcome
                .recovered_before_restore
                .then(|| {
                    outcome
                        .interruption_seconds
                        .map(|s| (s * 1000.0).round() as u64)
                })
                .flatten(),
            met: outcome.verdict == spof_evidence::drill::Verdict::Met,
        };
        history
            .record_drill(
                &outcome.started_at,
                &loaded.file,
                &plan.target,
                &record,
                &value,
            )
            .map_err(|e| Failure(e.to_string()))?;
    }
    if json {
        out(&format!(
            "{}\n",
            serde_json::to_string_pretty(
                &serde_json::json!({"schema_version": 1, "outcome": value})
            )
            .expect("JSON")
        ));
    } else {
        out(&outcome_text(&outcome));
    }
    let restore_failed = outcome.restore_command.as_ref().is_some_and(|r| !r.ok);
    if restore_failed {
        err(&format!(
            "\nerror: THE RESTORE OF `{}` FAILED: `{}` did not succeed; {} may still be failed. Restore it by hand.\n",
            plan.target, plan.restore, plan.target
        ));
    }
    Ok(match outcome.verdict {
        spof_evidence::drill::Verdict::Met => ExitCode::SUCCESS,
        spof_evidence::drill::Verdict::Missed => ExitCode::from(1),
        spof_evidence::drill::Verdict::Error => ExitCode::from(2),
    })
}

fn plan_of(model: &spof_model::Model, drill: &spof_model::Drill) -> spof_evidence::drill::Plan {
    let component = drill.component();
    let declared = component.and_then(|c| match model.components[c].redundancy {
        spof_model::Redundancy::ActivePassive { failover_time, .. } => {
            Some(failover_time.seconds())
        }
        spof_model::Redundancy::ActiveActive { .. } => None,
    });
    // The journeys the probe stands for: the drill's, or the critical ones through the target.
    let journeys: Vec<usize> = match drill.journey {
        Some(j) => vec![j],
        None => {
            let analysis = spof_engine::analysis::analyze(model);
            (0..model.journeys.len())
                .filter(|&j| model.journeys[j].critical)
                .filter(|&j| {
                    component.is_none_or(|c| {
                        analysis.graph.journey_closures[j].binary_search(&c).is_ok()
                    })
                })
                .collect()
        }
    };
    use spof_evidence::drill::{Side, describe, describe_check};
    let (probe_kind, probe) = describe_check(&drill.probe.check.value);
    spof_evidence::drill::Plan {
        drill: drill.name.clone(),
        target: drill.target_name(model),
        component: component.map_or_else(
            || drill.target_name(model),
            |c| model.components[c].name.clone(),
        ),
        fail: describe(&drill.fail.value, Side::Fail),
        restore: describe(&drill.restore.value, Side::Restore),
        fail_action: drill.fail.value.clone(),
        restore_action: drill.restore.value.clone(),
        check: drill.probe.check.value.clone(),
        probe_kind,
        probe: probe.clone(),
        probe_url: (probe_kind == "url").then_some(probe),
        every_ms: drill.probe.every_ms,
        timeout_ms: drill.probe.timeout_ms,
        hold_ms: drill.hold_ms,
        max_duration_ms: drill.max_duration_ms,
        abort_after_down_ms: drill.abort_after_down_ms,
        declared_failover_s: declared,
        rto_target_s: journeys
            .iter()
            .filter_map(|&j| model.journeys[j].rto_target)
            .map(|d| d.seconds())
            .min(),
        journeys: journeys
            .iter()
            .map(|&j| model.journeys[j].name.clone())
            .collect(),
    }
}

fn plan_text(plan: &spof_evidence::drill::Plan) -> String {
    use spof_model::format_millis;
    let mut text = format!("drill {} (dry run: nothing is run)\n", plan.drill);
    text.push_str(&format!(
        "  target         {} (component {})\n",
        plan.target, plan.component
    ));
    let good = match plan.check {
        spof_model::ProbeCheck::Url(_) => "answers 2xx or 3xx",
        spof_model::ProbeCheck::Tcp(_) => "accepts a TCP connection",
        spof_model::ProbeCheck::Command(_) => "exits 0",
    };
    text.push_str(&format!(
        "  1. check       {} {good}, three times\n",
        match plan.check {
            spof_model::ProbeCheck::Command(ref text) => format!("sh -c {text:?}"),
            _ => plan.probe.clone(),
        }
    ));
    text.push_str(&format!(
        "  2. fail        {}\n",
        shown_action(&plan.fail_action, &plan.fail)
    ));
    text.push_str(&format!(
        "  3. probe       every {}, timeout {}, for {} or until the journey is back and steady",
        format_millis(plan.every_ms),
        format_millis(plan.timeout_ms),
        format_millis(plan.hold_ms)
    ));
    if let Some(limit) = plan.abort_after_down_ms {
        text.push_str(&format!(
            "; restore at once after {} down",
            format_millis(limit)
        ));
    }
    text.push('\n');
    text.push_str(&format!(
        "  4. restore     {} (always, also on Ctrl-C and errors)\n",
        shown_action(&plan.restore_action, &plan.restore)
    ));
    text.push_str(&format!(
        "  5. recover     probe until the journey answers again; the whole drill at most {}\n",
        format_millis(plan.max_duration_ms)
    ));
    let declared = plan
        .declared_failover_s
        .map_or("none declared".to_string(), |s| format!("{s} s"));
    let rto = plan
        .rto_target_s
        .map_or("none".to_string(), |s| format!("{s} s"));
    text.push_str(&format!(
        "  compared with  failover_time {declared}; rto_target {rto} (journeys: {})\n",
        if plan.journeys.is_empty() {
            "none".to_string()
        } else {
            plan.journeys.join(", ")
        }
    ));
    text
}

/// A fail or restore action as the plan shows it: a command as `sh -c "..."`, the others in words.
fn shown_action(action: &spof_model::DrillAction, words: &str) -> String {
    match action {
        spof_model::DrillAction::Command(text) => format!("sh -c {text:?}"),
        _ => words.to_string(),
    }
}

fn outcome_text(outcome: &spof_evidence::drill::Outcome) -> String {
    let verdict = match outcome.verdict {
        spof_evidence::drill::Verdict::Met => "met",
        spof_evidence::drill::Verdict::Missed => "MISSED",
        spof_evidence::drill::Verdict::Error => "ERROR",
    };
    let mut text = format!("drill {} on {}: {verdict}\n", outcome.drill, outcome.target);
    let interruption = match (
        outcome.interruption_seconds,
        outcome.recovered_before_restore,
    ) {
        (Some(s), true) => format!("{s:.3} s"),
        (Some(s), false) => format!("{s:.3} s (down until restored)"),
        (None, _) => "the journey did not come back".to_string(),
    };
    text.push_str(&format!("  interruption        {interruption}\n"));
    text.push_str(&format!(
        "  error rate          {:.1}% ({} of {} probes failed)\n",
        outcome.error_rate * 100.0,
        outcome.failed_probes,
        outcome.probes
    ));
    if let Some(s) = outcome.time_to_full_recovery_seconds {
        text.push_str(&format!(
            "  full recovery       {s:.3} s after the fail command\n"
        ));
    }
    if let Some(s) = outcome.declared_failover_seconds {
        text.push_str(&format!("  declared failover   {s} s\n"));
    }
    if let Some(s) = outcome.rto_target_seconds {
        text.push_str(&format!("  rto target          {s} s\n"));
    }
    if let Some(why) = &outcome.aborted {
        text.push_str(&format!("  ended early         {why}\n"));
    }
    let restored = match &outcome.restore_command {
        Some(r) if r.ok => "restored".to_string(),
        Some(r) => format!("RESTORE FAILED: {}", r.output),
        None => "nothing to restore (nothing was failed)".to_string(),
    };
    text.push_str(&format!("  restore             {restored}\n"));
    for reason in &outcome.reasons {
        text.push_str(&format!("  - {reason}\n"));
    }
    text
}

/// `spof history [MODEL]`.
pub fn run_history(
    path: Option<String>,
    explicit: Option<String>,
    json: bool,
) -> Result<std::process::ExitCode> {
    let file = match explicit {
        Some(file) => PathBuf::from(file),
        None => {
            let model = PathBuf::from(path.unwrap_or_else(|| "spof.yaml".into()));
            let stem = model
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_else(|| "spof".into());
            model.with_file_name(format!("{stem}.history.sqlite"))
        }
    };
    if !file.exists() {
        return Err(Failure(format!(
            "no history at {}; `spof probe` and `spof drill` write one (or pass --history FILE)",
            file.display()
        )));
    }
    let history = open(&file)?;
    show_history(&history, json)?;
    Ok(std::process::ExitCode::SUCCESS)
}
