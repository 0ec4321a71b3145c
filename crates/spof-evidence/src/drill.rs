//! `spof drill`: fail a target with a command, probe the journey at a fine interval, restore,
//! and measure. The restore command runs whenever the fail command has run: after the hold,
//! when the journey has been down too long, on the drill's time bound, on SIGINT or SIGTERM,
//! and when a probe or the fail command itself goes wrong. A drill refuses to start when the
//! journey is not healthy first.

use serde::Serialize;
use spof_model::Endpoint;
use std::net::SocketAddr;
use std::time::{Duration, Instant, SystemTime};
use tokio::signal::unix::{SignalKind, signal};

/// A drill as it will run: the model's drill with its targets resolved.
#[derive(Clone, Debug, Serialize)]
pub struct Plan {
    pub drill: String,
    pub target: String,
    /// The component whose claim the drill tests.
    pub component: String,
    pub fail: String,
    pub restore: String,
    #[serde(skip)]
    pub url: Endpoint,
    pub probe_url: String,
    pub every_ms: u64,
    pub timeout_ms: u64,
    pub hold_ms: u64,
    pub max_duration_ms: u64,
    pub abort_after_down_ms: Option<u64>,
    /// The declared failover time of the component, seconds.
    pub declared_failover_s: Option<u64>,
    /// The journeys the probe stands for and the tightest RTO target among them, seconds.
    pub journeys: Vec<String>,
    pub rto_target_s: Option<u64>,
}

/// How a drill ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// The interruption was within every target: exit 0.
    Met,
    /// Measured, and over a target (or the journey stayed down until restored): exit 1.
    Missed,
    /// The drill could not measure or could not restore: exit 2.
    Error,
}

/// What a drill measured.
#[derive(Clone, Debug, Serialize)]
pub struct Outcome {
    pub drill: String,
    pub target: String,
    pub component: String,
    pub started_at: String,
    pub verdict: Verdict,
    /// First failed probe to the first good probe after it; 0 when no probe failed; `None`
    /// when the journey never came back (not even after the restore).
    pub interruption_seconds: Option<f64>,
    /// Whether the journey came back while the target was still failed (a failover did it),
    /// rather than only after the restore.
    pub recovered_before_restore: bool,
    /// Failed probes over all probes from the fail command to full recovery.
    pub error_rate: f64,
    pub probes: u64,
    pub failed_probes: u64,
    /// From the fail command to the first good probe after the restore, seconds.
    pub time_to_full_recovery_seconds: Option<f64>,
    pub declared_failover_seconds: Option<u64>,
    pub rto_target_seconds: Option<u64>,
    /// Why the failed phase ended early: `journey down for 60s`, `interrupted (SIGINT)`,
    /// `max_duration`.
    pub aborted: Option<String>,
    pub fail_command: CommandResult,
    pub restore_command: Option<CommandResult>,
    /// Why the verdict is what it is, one sentence each.
    pub reasons: Vec<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct CommandResult {
    pub command: String,
    pub ok: bool,
    pub status: Option<i32>,
    pub output: String,
    pub seconds: f64,
}

/// Runs the plan. `on_event` hears each step, for a progress line on the terminal.
pub fn run(plan: &Plan, on_event: &dyn Fn(&str)) -> Outcome {
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => return not_started(plan, format!("cannot start: {e}")),
    };
    runtime.block_on(run_async(plan, on_event))
}

fn not_started(plan: &Plan, why: String) -> Outcome {
    Outcome {
        drill: plan.drill.clone(),
        target: plan.target.clone(),
        component: plan.component.clone(),
        started_at: crate::timestamp(SystemTime::now()),
        verdict: Verdict::Error,
        interruption_seconds: None,
        recovered_before_restore: false,
        error_rate: 0.0,
        probes: 0,
        failed_probes: 0,
        time_to_full_recovery_seconds: None,
        declared_failover_seconds: plan.declared_failover_s,
        rto_target_seconds: plan.rto_target_s,
        aborted: None,
        fail_command: CommandResult {
            command: plan.fail.clone(),
            ok: false,
            status: None,
            output: "not run".into(),
            seconds: 0.0,
        },
        restore_command: None,
        reasons: vec![why],
    }
}

/// One probe of the journey: good when it answers 2xx or 3xx within the timeout.
async fn probe(plan: &Plan, address: SocketAddr, tls: &crate::probe::tls::Setup) -> bool {
    let timeout = Duration::from_millis(plan.timeout_ms);
    let observed = match plan.url.scheme {
        spof_model::Scheme::Https => {
            let started = Instant::now();
            match crate::probe::tls::connect(address, &plan.url.host, tls, timeout).await {
                Ok((stream, _)) => {
                    crate::probe::http::health_over(stream, &plan.url, started, timeout).await
                }
                Err(_) => return false,
            }
        }
        _ => crate::probe::http::health(address, &plan.url, timeout).await,
    };
    matches!(
        observed,
        spof_engine::evidence::Observed::Health { status: Some(s), .. } if (200..400).contains(&s)
    )
}

async fn run_async(plan: &Plan, on_event: &dyn Fn(&str)) -> Outcome {
    // Signals first: from here on, SIGINT and SIGTERM end the failed phase, never the process.
    let (mut interrupt, mut terminate) = match (
        signal(SignalKind::interrupt()),
        signal(SignalKind::terminate()),
    ) {
        (Ok(i), Ok(t)) => (i, t),
        _ => return not_started(plan, "cannot catch SIGINT and SIGTERM".into()),
    };
    let address = match resolve(&plan.url).await {
        Ok(a) => a,
        Err(e) => return not_started(plan, e),
    };
    let tls = crate::probe::tls::setup(&[]);
    let every = Duration::from_millis(plan.every_ms);

    // The journey must be healthy before anything is failed.
    for _ in 0..3 {
        if !probe(plan, address, &tls).await {
            return not_started(
                plan,
                format!(
                    "the journey is not healthy before the drill ({} does not answer 2xx or 3xx): nothing was failed",
                    plan.probe_url
                ),
            );
        }
        tokio::time::sleep(every).await;
    }

    let started_at = crate::timestamp(SystemTime::now());
    let start = Instant::now();
    let bound = Duration::from_millis(plan.max_duration_ms);
    on_event(&format!("failing {}: {}", plan.target, plan.fail));
    let fail_command = command(&plan.fail, bound).await;
    let mut probes = 0u64;
    let mut failed = 0u64;
    let mut first_failure: Option<Duration> = None;
    let mut back_at: Option<Duration> = None;
    let mut good_in_a_row = 0u32;
    let mut aborted = None;
    let mut reasons = Vec::new();
    if !fail_command.ok {
        reasons.push(format!(
            "the fail command failed ({}); restoring",
            status_words(&fail_command)
        ));
    } else {
        on_event("probing the journey");
        // The hold counts from when the fail command has done its work.
        let hold = start.elapsed() + Duration::from_millis(plan.hold_ms);
        loop {
            let now = start.elapsed();
            if now >= hold {
                break;
            }
            if now >= bound {
                aborted = Some("max_duration".to_string());
                break;
            }
            let good = probe(plan, address, &tls).await;
            probes += 1;
            let at = start.elapsed();
            if good {
                good_in_a_row += 1;
                if first_failure.is_some() && back_at.is_none() {
                    back_at = Some(at);
                }
                // Back after a failover, and steady: nothing more to learn by holding.
                if back_at.is_some() && good_in_a_row >= 3 {
                    break;
                }
            } else {
                failed += 1;
                good_in_a_row = 0;
                if first_failure.is_none() {
                    first_failure = Some(at);
                    on_event("the journey is down");
                }
                if back_at.is_some() {
                    // It fell again: the interruption goes on from the first failure.
                    back_at = None;
                }
                if let (Some(limit), Some(first)) = (plan.abort_after_down_ms, first_failure)
                    && at.saturating_sub(first) >= Duration::from_millis(limit)
                {
                    aborted = Some(format!(
                        "the journey was down for {}",
                        spof_model::format_millis(limit)
                    ));
                    break;
                }
            }
            tokio::select! {
                () = tokio::time::sleep(every) => {}
                _ = interrupt.recv() => { aborted = Some("interrupted (SIGINT)".into()); break; }
                _ = terminate.recv() => { aborted = Some("interrupted (SIGTERM)".into()); break; }
            }
        }
    }
    let recovered_before_restore = first_failure.is_none() || back_at.is_some();

    // Always restore once the fail command has run, whatever happened.
    on_event(&format!("restoring {}: {}", plan.target, plan.restore));
    let restore_command = command(&plan.restore, bound.max(Duration::from_secs(60))).await;
    if !restore_command.ok {
        reasons.push(format!(
            "THE RESTORE COMMAND FAILED ({}): {} may still be failed; restore it by hand",
            status_words(&restore_command),
            plan.target
        ));
    }

    // Wait for full recovery: the first good probe after the restore.
    let mut full_recovery = None;
    // After a failed restore there is nothing to wait for: say so at once.
    let recovery_bound = if restore_command.ok {
        start.elapsed() + bound.max(Duration::from_secs(10))
    } else {
        Duration::ZERO
    };
    while start.elapsed() < recovery_bound {
        let good = probe(plan, address, &tls).await;
        probes += 1;
        let at = start.elapsed();
        if good {
            if first_failure.is_some() && back_at.is_none() {
                back_at = Some(at);
            }
            full_recovery = Some(at);
            break;
        }
        failed += 1;
        if first_failure.is_none() {
            first_failure = Some(at);
        }
        tokio::time::sleep(every).await;
    }
    let interruption = match (first_failure, back_at) {
        (None, _) => Some(Duration::ZERO),
        (Some(first), Some(back)) => Some(back.saturating_sub(first)),
        (Some(_), None) => None,
    };
    let seconds = |d: Duration| (d.as_millis() as f64 / 1000.0 * 1000.0).round() / 1000.0;
    let interruption_seconds = interruption.map(seconds);

    let mut verdict = Verdict::Met;
    if !fail_command.ok || !restore_command.ok {
        verdict = Verdict::Error;
    } else if full_recovery.is_none() {
        verdict = Verdict::Error;
        reasons.push("the journey did not come back after the restore".into());
    } else if aborted
        .as_deref()
        .is_some_and(|a| a.starts_with("interrupted"))
    {
        verdict = Verdict::Error;
        reasons.push("the drill was interrupted; the target was restored".into());
    } else if aborted.as_deref() == Some("max_duration") {
        verdict = Verdict::Error;
        reasons.push("the drill reached max_duration; the target was restored".into());
    } else {
        if !recovered_before_restore {
            verdict = Verdict::Missed;
            reasons.push(format!(
                "the journey stayed down until {} was restored: nothing took over",
                plan.target
            ));
        }
        let measured = interruption.unwrap_or_default();
        if let Some(declared) = plan.declared_failover_s
            && measured > Duration::from_secs(declared)
        {
            verdict = Verdict::Missed;
            reasons.push(format!(
                "the interruption ({:.1} s) is longer than the declared failover_time ({declared} s)",
                measured.as_secs_f64()
            ));
        }
        if let Some(rto) = plan.rto_target_s
            && measured > Duration::from_secs(rto)
        {
            verdict = Verdict::Missed;
            reasons.push(format!(
                "the interruption ({:.1} s) is longer than the journey's rto_target ({rto} s)",
                measured.as_secs_f64()
            ));
        }
    }
    Outcome {
        drill: plan.drill.clone(),
        target: plan.target.clone(),
        component: plan.component.clone(),
        started_at,
        verdict,
        interruption_seconds,
        recovered_before_restore,
        error_rate: if probes == 0 {
            0.0
        } else {
            (failed as f64 / probes as f64 * 1000.0).round() / 1000.0
        },
        probes,
        failed_probes: failed,
        time_to_full_recovery_seconds: full_recovery.map(seconds),
        declared_failover_seconds: plan.declared_failover_s,
        rto_target_seconds: plan.rto_target_s,
        aborted,
        fail_command,
        restore_command: Some(restore_command),
        reasons,
    }
}

fn status_words(result: &CommandResult) -> String {
    match result.status {
        Some(code) => format!("exit {code}"),
        None => result.output.clone(),
    }
}

async fn resolve(url: &Endpoint) -> Result<SocketAddr, String> {
    if let Ok(ip) = url.host.parse::<std::net::IpAddr>() {
        return Ok(SocketAddr::new(ip, url.port));
    }
    tokio::net::lookup_host((url.host.as_str(), url.port))
        .await
        .map_err(|e| format!("cannot resolve {}: {e}", url.host))?
        .next()
        .ok_or_else(|| format!("{} has no address", url.host))
}

/// Runs a shell command in a process group of its own (so a Ctrl-C on the terminal reaches
/// spof, which restores, and not the command), killed past `bound`.
async fn command(text: &str, bound: Duration) -> CommandResult {
    let started = Instant::now();
    let mut command = tokio::process::Command::new("sh");
    command
        .arg("-c")
        .arg(text)
        .stdin(std::process::Stdio::null())
        .kill_on_drop(true)
        .process_group(0);
    let result = tokio::time::timeout(bound, command.output()).await;
    let seconds = started.elapsed().as_secs_f64();
    match result {
        Ok(Ok(output)) => {
            let mut text_out = String::from_utf8_lossy(&output.stdout).into_owned();
            text_out.push_str(&String::from_utf8_lossy(&output.stderr));
            let text_out: String = text_out.chars().take(2000).collect();
            CommandResult {
                command: text.to_string(),
                ok: output.status.success(),
                status: output.status.code(),
                output: text_out.trim().to_string(),
                seconds,
            }
        }
        Ok(Err(e)) => CommandResult {
            command: text.to_string(),
            ok: false,
            status: None,
            output: format!("cannot run it: {e}"),
            seconds,
        },
        Err(_) => CommandResult {
            command: text.to_string(),
            ok: false,
            status: None,
            output: format!("killed after {} s", bound.as_secs()),
            seconds,
        },
    }
}
