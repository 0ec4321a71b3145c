//! `spof drill`: fail a target (a shell command, a signal to a process, or a container
//! stopped), probe the journey at a fine interval (an HTTP request, a TCP connection or a
//! command), restore, and measure. The restore runs whenever the fail action has run: after
//! the hold, when the journey has been down too long, on the drill's time bound, on SIGINT or
//! SIGTERM, and when a probe or the fail action itself goes wrong. A drill refuses to start
//! when the journey is not healthy first.

use serde::Serialize;
use spof_model::{DrillAction, Endpoint, ProbeCheck, SignalTarget};
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
    /// The fail action in words: the shell command, `signal STOP to ...`, `docker stop web`.
    pub fail: String,
    pub restore: String,
    #[serde(skip)]
    pub fail_action: DrillAction,
    #[serde(skip)]
    pub restore_action: DrillAction,
    #[serde(skip)]
    pub check: ProbeCheck,
    /// What a probe is: `url`, `tcp` or `command`.
    pub probe_kind: &'static str,
    /// The probe's URL, `host:port` or command.
    pub probe: String,
    /// The probe's URL, for a `url` probe (kept for readers of the first JSON form).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub probe_url: Option<String>,
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
    /// From when the first failed probe was sent to when the first good probe after it was
    /// sent; 0 when no probe failed; `None` when the journey never came back (not even after
    /// the restore).
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

/// Whether the fail or the restore is meant: a container is stopped to fail it and started to
/// restore it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Side {
    Fail,
    Restore,
}

/// An action in words, as the plan and the outcome show it.
pub fn describe(action: &DrillAction, side: Side) -> String {
    match action {
        DrillAction::Command(text) => text.clone(),
        DrillAction::Signal { signal, process } => match process {
            SignalTarget::Pid(pid) => format!("signal {signal} to pid {pid}"),
            SignalTarget::PidFile(file) => format!("signal {signal} to the pid in {file}"),
            SignalTarget::Process(name) => format!("signal {signal} to every process named {name}"),
        },
        DrillAction::Container { name, signal } => container_args(name, signal.as_deref(), side)
            .into_iter()
            .fold("docker".to_string(), |text, arg| text + " " + &arg),
    }
}

/// What a probe checks, in words, and its kind.
pub fn describe_check(check: &ProbeCheck) -> (&'static str, String) {
    match check {
        ProbeCheck::Url(url) => ("url", url.text.clone()),
        ProbeCheck::Tcp(address) => ("tcp", address.text.clone()),
        ProbeCheck::Command(text) => ("command", text.clone()),
    }
}

/// The arguments of the docker command for a container action.
fn container_args(name: &str, signal: Option<&str>, side: Side) -> Vec<String> {
    match (signal, side) {
        (Some(signal), _) => vec!["kill".into(), "--signal".into(), signal.into(), name.into()],
        (None, Side::Fail) => vec!["stop".into(), name.into()],
        (None, Side::Restore) => vec!["start".into(), name.into()],
    }
}

/// Where the probe goes, resolved once before the drill.
enum Resolved {
    Url(SocketAddr),
    Tcp(SocketAddr),
    Command,
}

/// One probe of the journey: good when the URL answers 2xx or 3xx, the TCP connection is
/// made, or the command exits 0, within the timeout.
async fn probe(
    plan: &Plan,
    resolved: &Resolved,
    tls: &crate::probe::tls::Setup,
) -> Result<(), String> {
    let timeout = Duration::from_millis(plan.timeout_ms);
    match (resolved, &plan.check) {
        (Resolved::Url(address), ProbeCheck::Url(url)) => {
            let address = *address;
            let observed = match url.scheme {
                spof_model::Scheme::Https => {
                    let started = Instant::now();
                    match crate::probe::tls::connect(address, &url.host, tls, timeout).await {
                        Ok((stream, _)) => {
                            crate::probe::http::health_over(stream, url, started, timeout).await
                        }
                        Err(e) => return Err(e),
                    }
                }
                _ => crate::probe::http::health(address, url, timeout).await,
            };
            match observed {
                spof_engine::evidence::Observed::Health {
                    status: Some(s), ..
                } if (200..400).contains(&s) => Ok(()),
                spof_engine::evidence::Observed::Health {
                    status: Some(s), ..
                } => Err(format!("answered {s}")),
                _ => Err("no answer".into()),
            }
        }
        (Resolved::Tcp(address), _) => {
            match tokio::time::timeout(timeout, tokio::net::TcpStream::connect(address)).await {
                Ok(Ok(_)) => Ok(()),
                Ok(Err(e)) => Err(format!("cannot connect to {address}: {e}")),
                Err(_) => Err(format!(
                    "no connection to {address} within {}",
                    spof_model::format_millis(plan.timeout_ms)
                )),
            }
        }
        (_, ProbeCheck::Command(text)) => {
            let result = command(text, timeout).await;
            if result.ok {
                Ok(())
            } else {
                Err(format!("{}: {}", status_words(&result), result.output))
            }
        }
        _ => Err("the probe does not match its address".into()),
    }
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
    let resolved = match &plan.check {
        ProbeCheck::Url(url) => resolve(url).await.map(Resolved::Url),
        ProbeCheck::Tcp(address) => resolve(address).await.map(Resolved::Tcp),
        ProbeCheck::Command(_) => Ok(Resolved::Command),
    };
    let resolved = match resolved {
        Ok(r) => r,
        Err(e) => return not_started(plan, e),
    };
    let tls = crate::probe::tls::setup(&[]);
    let every = Duration::from_millis(plan.every_ms);

    // The journey must be healthy before anything is failed.
    for _ in 0..3 {
        if let Err(why) = probe(plan, &resolved, &tls).await {
            let good = match plan.check {
                ProbeCheck::Url(_) => "answer 2xx or 3xx",
                ProbeCheck::Tcp(_) => "accept a connection",
                ProbeCheck::Command(_) => "exit 0",
            };
            return not_started(
                plan,
                format!(
                    "the journey is not healthy before the drill ({} does not {good}: {why}): nothing was failed",
                    plan.probe
                ),
            );
        }
        tokio::time::sleep(every).await;
    }

    let started_at = crate::timestamp(SystemTime::now());
    let start = Instant::now();
    let bound = Duration::from_millis(plan.max_duration_ms);
    on_event(&format!("failing {}: {}", plan.target, plan.fail));
    let fail_command = act(&plan.fail_action, Side::Fail, bound).await;
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
            // A probe tells how the journey was when it was sent: a request that hangs
            // until its timeout met the outage when it left, not when it gave up.
            let sent = start.elapsed();
            let good = probe(plan, &resolved, &tls).await.is_ok();
            probes += 1;
            let at = start.elapsed();
            if good {
                good_in_a_row += 1;
                if first_failure.is_some() && back_at.is_none() {
                    back_at = Some(sent);
                }
                // Back after a failover, and steady: nothing more to learn by holding.
                if back_at.is_some() && good_in_a_row >= 3 {
                    break;
                }
            } else {
                failed += 1;
                good_in_a_row = 0;
                if first_failure.is_none() {
                    first_failure = Some(sent);
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
    let restore_command = act(
        &plan.restore_action,
        Side::Restore,
        bound.max(Duration::from_secs(60)),
    )
    .await;
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
        let sent = start.elapsed();
        let good = probe(plan, &resolved, &tls).await.is_ok();
        probes += 1;
        let at = start.elapsed();
        if good {
            if first_failure.is_some() && back_at.is_none() {
                back_at = Some(sent);
            }
            full_recovery = Some(at);
            break;
        }
        failed += 1;
        if first_failure.is_none() {
            first_failure = Some(sent);
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

/// Runs a fail or restore action.
async fn act(action: &DrillAction, side: Side, bound: Duration) -> CommandResult {
    match action {
        DrillAction::Command(text) => command(text, bound).await,
        DrillAction::Signal { signal, process } => {
            let started = Instant::now();
            let sent = match pids_of(process, bound).await {
                Ok(pids) => send_signal(signal, &pids),
                Err(e) => Err(e),
            };
            let (ok, output) = match sent {
                Ok(words) => (true, words),
                Err(words) => (false, words),
            };
            CommandResult {
                command: describe(action, side),
                ok,
                status: None,
                output,
                seconds: started.elapsed().as_secs_f64(),
            }
        }
        DrillAction::Container { name, signal } => {
            let docker = std::env::var("SPOF_DOCKER").unwrap_or_else(|_| "docker".into());
            let args = container_args(name, signal.as_deref(), side);
            let (mut result, _) =
                run_program(tokio::process::Command::new(&docker).args(&args), bound).await;
            result.command = std::iter::once(docker)
                .chain(args)
                .collect::<Vec<_>>()
                .join(" ");
            result
        }
    }
}

/// The processes a signal goes to: the pid, the one in the pid file, or every process of
/// the name.
async fn pids_of(process: &SignalTarget, bound: Duration) -> Result<Vec<u32>, String> {
    match process {
        SignalTarget::Pid(pid) => Ok(vec![*pid]),
        SignalTarget::PidFile(file) => {
            let text = std::fs::read_to_string(file)
                .map_err(|e| format!("cannot read the pid file {file}: {e}"))?;
            text.trim()
                .parse::<u32>()
                .ok()
                .filter(|&p| p > 0)
                .map(|p| vec![p])
                .ok_or_else(|| {
                    format!(
                        "the pid file {file} holds `{}`, not a process id",
                        text.trim().chars().take(40).collect::<String>()
                    )
                })
        }
        SignalTarget::Process(name) => {
            let (found, stdout) = run_program(
                tokio::process::Command::new("pgrep").arg("-x").arg(name),
                bound,
            )
            .await;
            // pgrep exits 0 with the ids on standard output, 1 when nothing matches; only
            // then is its output read as ids (its warnings hold numbers too).
            let pids: Vec<u32> = if found.ok {
                stdout
                    .split_whitespace()
                    .map(|p| p.parse().ok().filter(|&p: &u32| p > 0))
                    .collect::<Option<Vec<u32>>>()
                    .unwrap_or_default()
            } else {
                Vec::new()
            };
            if pids.is_empty() {
                return Err(match (found.status, found.output.is_empty()) {
                    (Some(1), true) => format!("no process is named {name}"),
                    (Some(1), false) => format!("no process is named {name} ({})", found.output),
                    _ => format!("cannot look for processes named {name}: {}", found.output),
                });
            }
            Ok(pids)
        }
    }
}

/// Sends the signal to each process; says to which, or why it could not.
#[cfg(unix)]
fn send_signal(name: &str, pids: &[u32]) -> Result<String, String> {
    use rustix::process::{Pid, Signal, kill_process};
    let signal = match name {
        "HUP" => Signal::HUP,
        "INT" => Signal::INT,
        "QUIT" => Signal::QUIT,
        "ABRT" => Signal::ABORT,
        "KILL" => Signal::KILL,
        "USR1" => Signal::USR1,
        "USR2" => Signal::USR2,
        "ALRM" => Signal::ALARM,
        "TERM" => Signal::TERM,
        "CONT" => Signal::CONT,
        "STOP" => Signal::STOP,
        "TSTP" => Signal::TSTP,
        other => return Err(format!("SIG{other} is not a signal a drill sends")),
    };
    for &pid in pids {
        let raw = i32::try_from(pid).ok().and_then(Pid::from_raw);
        let Some(target) = raw else {
            return Err(format!("{pid} is not a process id"));
        };
        kill_process(target, signal)
            .map_err(|e| format!("cannot send SIG{name} to process {pid}: {e}"))?;
    }
    let list: Vec<String> = pids.iter().map(u32::to_string).collect();
    Ok(format!("sent SIG{name} to process {}", list.join(", ")))
}

#[cfg(not(unix))]
fn send_signal(name: &str, _pids: &[u32]) -> Result<String, String> {
    Err(format!(
        "cannot send SIG{name}: signals are sent on Unix only; use a command (`fail: \"...\"`)"
    ))
}

/// Runs a shell command in a process group of its own (so a Ctrl-C on the terminal reaches
/// spof, which restores, and not the command), killed past `bound`.
async fn command(text: &str, bound: Duration) -> CommandResult {
    let (mut result, _) = run_program(
        tokio::process::Command::new("sh").arg("-c").arg(text),
        bound,
    )
    .await;
    result.command = text.to_string();
    result
}

/// Runs a program in a process group of its own, without input; past `bound` the whole group
/// is killed (a shell's children too), not only the program. Returns the result (its output
/// is standard output and error together) and standard output alone.
async fn run_program(
    command: &mut tokio::process::Command,
    bound: Duration,
) -> (CommandResult, String) {
    let started = Instant::now();
    command
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .kill_on_drop(true)
        .process_group(0);
    let failed = |output: String| CommandResult {
        command: String::new(),
        ok: false,
        status: None,
        output,
        seconds: started.elapsed().as_secs_f64(),
    };
    let child = match command.spawn() {
        Ok(child) => child,
        Err(e) => return (failed(format!("cannot run it: {e}")), String::new()),
    };
    let group = child.id();
    match tokio::time::timeout(bound, child.wait_with_output()).await {
        Ok(Ok(output)) => {
            let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
            let mut text_out = stdout.clone();
            text_out.push_str(&String::from_utf8_lossy(&output.stderr));
            let text_out: String = text_out.chars().take(2000).collect();
            let result = CommandResult {
                command: String::new(),
                ok: output.status.success(),
                status: output.status.code(),
                output: text_out.trim().to_string(),
                seconds: started.elapsed().as_secs_f64(),
            };
            (result, stdout)
        }
        Ok(Err(e)) => (failed(format!("cannot run it: {e}")), String::new()),
        Err(_) => {
            kill_group(group);
            let result = failed(format!(
                "killed after {}",
                spof_model::format_millis(bound.as_millis() as u64)
            ));
            (result, String::new())
        }
    }
}

/// Kills a process group that outlived its bound.
#[cfg(unix)]
fn kill_group(group: Option<u32>) {
    use rustix::process::{Pid, Signal, kill_process_group};
    if let Some(pid) = group
        .and_then(|g| i32::try_from(g).ok())
        .and_then(Pid::from_raw)
    {
        let _ = kill_process_group(pid, Signal::KILL);
    }
}

#[cfg(not(unix))]
fn kill_group(_group: Option<u32>) {}
