//! The `spof` command. A thin layer: it reads files, calls the model reader and the engine,
//! hands results to a renderer and owns the exit codes (0 clean, 1 findings at the failing
//! level, 2 error). Only this crate touches the terminal and the file system.

mod diagnostics;
mod evidence;
mod examples;
mod files;
mod guided;
mod importing;
mod policy;
mod progress;
mod serving;

use clap::{Args, Parser, Subcommand, ValueEnum};
use spof_engine::analysis::what_if;
use spof_engine::graph::resolve_events;
use spof_engine::{Config, Severity, check};
use spof_model::{Date, Model, ParseLimits, parse_model};
use spof_report::Options;
use std::io::{IsTerminal, Write};
use std::process::ExitCode;

/// Finds the single points of failure in a system's architecture: every component, domain
/// or person whose failure alone takes a critical journey down, what goes with it, how long
/// recovery takes, and the fix.
#[derive(Parser)]
#[command(name = "spof", version, about, long_about = None, after_help = EXIT_CODES)]
struct Cli {
    #[command(subcommand)]
    command: Command,
    /// When to colour the output.
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto)]
    color: ColorChoice,
}

const EXIT_CODES: &str = "Exit codes: 0 no finding at the failing level, 1 findings at the failing level (--fail-on), 2 error (a model that cannot be read, bad arguments).";

#[derive(Clone, Copy, ValueEnum)]
enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Subcommand)]
enum Command {
    /// Analyse a model: SPOFs, findings, journeys' RTOs, failover levels.
    Check(CheckArgs),
    /// Explain a finding code (`spof explain SPOF001`), or what happens when a component fails
    /// (`spof explain db`). With no argument, list the finding codes.
    #[command(override_usage = "spof explain [OPTIONS] [TARGET] [MODEL]")]
    Explain(ExplainArgs),
    /// Fail several events at once (instances `app/1`, domains `zone:a` or `a`, components,
    /// people, `deploy:app`) and show what goes down.
    #[command(override_usage = "spof whatif [OPTIONS] [MODEL] <EVENT>...")]
    Whatif(WhatIfArgs),
    /// Write a model: on a terminal, from the answers to a few questions (what is in front,
    /// how many instances, which zones, the database's failover, who can do the manual
    /// steps); with --template, a commented template of every model key.
    Init(InitArgs),
    /// Import a model from the files a team already has: Kubernetes manifests, docker-compose
    /// files, Terraform JSON, Backstage catalogs, Structurizr workspaces. Prints what was
    /// mapped, what was inferred and from where, and what could not be mapped and why.
    Import(ImportArgs),
    /// The audit checklist: sixteen items of an architecture review (DNS, CDN, load
    /// balancers, ... team knowledge), each redundant, a SPOF, accepted by a decision, or not
    /// modelled (with the question to ask and what to add), grouped by layer.
    Checklist(ChecklistArgs),
    /// Risk groups: the minimal sets of two or more events that together take a journey down
    /// (shared dependencies: two zones behind one NAT gateway, replicas on one host).
    Risks(RisksArgs),
    /// The remediation plan: candidate fixes chosen by effect per cost and applied one at a
    /// time to a copy of the model; each frame shows the SPOFs left, journey availability,
    /// downtime cost and redundancy cost.
    Plan(PlanArgs),
    /// Analyse Open-PSA MEF fault trees: the top event's probability (exact, rare-event,
    /// min-cut upper bound), the minimal cut sets counted by order, the most probable ones.
    Fta(FtaArgs),
    /// What a change to a model does, in words: SPOFs added and removed, findings new and
    /// resolved, journeys' RTO and availability before and after. Exit 0 when nothing got
    /// worse, 1 when something did.
    #[command(
        after_help = "Exit codes: 0 nothing got worse, 1 something got worse (a new or worse SPOF, a new or worse finding no decision covers, a journey with a longer RTO or a lower availability), 2 error."
    )]
    Diff(DiffArgs),
    /// Record a decision about a finding in the model (the risk register): who owns it, why,
    /// the recovery time accepted and when it is reviewed. Only the new lines are written;
    /// the rest of the file is kept byte for byte.
    #[command(
        override_usage = "spof accept [OPTIONS] --owner <NAME> --reason <TEXT> --rto <DURATION> --review-by <DATE> <FINDING-OR-COMPONENT> [MODEL]"
    )]
    Accept(AcceptArgs),
    /// The risk register: every decision of the model and where it stands (active, review
    /// due within 30 days, expired, RTO exceeded, incomplete, matching nothing).
    Decisions(DecisionsArgs),
    /// The interactive diagram in the browser: failure domains as boxes, instances in them,
    /// SPOFs marked; click to fail things and see what goes down and for how long; the plan
    /// as frames; the page follows the model file as it is edited. Serves on 127.0.0.1 only
    /// unless --host says otherwise.
    Serve(serving::ServeArgs),
    /// Probe what the model points at (`endpoints:`): TLS certificates (expiry, chain,
    /// name), DNS (addresses, CNAME chains, name servers by provider) and health endpoints;
    /// the observed findings join the static ones, each marked with when it was observed.
    /// Recorded in the history.
    #[command(override_usage = "spof probe [OPTIONS] [MODEL]")]
    Probe(ProbeArgs),
    /// Run a drill declared under `drills:`: fail the target, probe the journey, always
    /// restore, and compare the measured interruption with the declared failover time and
    /// the journey's RTO target. Recorded in the history.
    #[command(
        after_help = "Exit codes: 0 the drill met its targets, 1 it missed them, 2 error (the journey was not healthy first, a command failed, the restore failed, interrupted)."
    )]
    Drill(DrillArgs),
    /// The history: checks (SPOFs over time), drills per component with their measured
    /// times, and probe observations, from the SQLite history file.
    History(HistoryCmdArgs),
    /// Print the model's JSON Schema.
    Schema,
    /// List the built-in examples.
    Examples,
}

#[derive(Args, Clone)]
struct ModelArgs {
    /// The model file (default spof.yaml).
    #[arg(short, long, value_name = "FILE")]
    model: Option<String>,
    /// Use a built-in example instead of a file (see `spof examples`).
    #[arg(long, value_name = "NAME", conflicts_with = "model")]
    example: Option<String>,
    /// Today's date (YYYY-MM-DD) for decision reviews and certificate expiry; default the
    /// system date. Also read from SPOF_TODAY.
    #[arg(long, value_name = "DATE", env = "SPOF_TODAY")]
    today: Option<String>,
}

#[derive(Args)]
struct CheckArgs {
    /// The model file (default spof.yaml).
    #[arg(value_name = "MODEL", conflicts_with_all = ["model", "from"])]
    path: Option<String>,
    #[command(flatten)]
    model: ModelArgs,
    /// Analyse files of another format directly, without writing a model: `[FORMAT:]PATH`
    /// (kubernetes, compose, terraform, backstage, structurizr; detected when not given). A
    /// folder is read whole. Repeat for several inputs.
    #[arg(long, value_name = "[FORMAT:]PATH", conflicts_with_all = ["model", "example"])]
    from: Vec<String>,
    /// An overlay applied to the imported model: journeys, hard or optional calls, external
    /// services, people, decisions, attributes (see docs/importers.md). Repeatable.
    #[arg(long, value_name = "FILE", requires = "from")]
    overlay: Vec<String>,
    /// Output format: the terminal report, JSON (docs/json-output.md), SARIF 2.1.0 for
    /// code scanning, Markdown for a pull request or a review, Graphviz DOT or Mermaid
    /// diagrams, JUnit XML for CI test reports, or the interactive diagram as one
    /// self-contained HTML file (docs/formats.md, docs/web.md).
    #[arg(long, value_enum, default_value_t = CheckFormat::Text)]
    format: CheckFormat,
    /// Write the report to this file (atomically; an existing file only with --force)
    /// instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    output: Option<String>,
    /// Overwrite the --output file if it exists.
    #[arg(long, requires = "output")]
    force: bool,
    /// Report only this journey; in the DOT and Mermaid diagrams, highlight it on the whole
    /// system.
    #[arg(long, value_name = "NAME")]
    journey: Option<String>,
    /// Fail (exit 1) on findings at or above this severity that no decision covers (default:
    /// the policy's `fail_on`, or high).
    #[arg(long, value_enum)]
    fail_on: Option<FailOn>,
    #[command(flatten)]
    policy: policy::PolicyArgs,
    /// An earlier `spof check --format json` report: show what changed against it (new,
    /// resolved and worse SPOFs and findings, journeys' RTO and availability), and fail only
    /// on new or worse findings (docs/baselines.md).
    #[arg(long, value_name = "OLD.json")]
    baseline: Option<String>,
    #[command(flatten)]
    history: evidence::HistoryArgs,
}

#[derive(Args)]
struct ProbeArgs {
    #[command(flatten)]
    check: CheckArgs,
    /// The bound on the whole run: endpoints not probed by then are reported as such.
    #[arg(long, value_name = "DURATION", default_value = "30s")]
    deadline: String,
    /// The bound on one connection, handshake, request or lookup (no retries).
    #[arg(long, value_name = "DURATION", default_value = "5s")]
    timeout: String,
    /// How many endpoints are probed at once.
    #[arg(long, value_name = "N", default_value_t = 8)]
    concurrency: usize,
    /// The name server to ask (`127.0.0.1:5353`) instead of the system's.
    #[arg(long, value_name = "ADDRESS:PORT")]
    resolver: Option<String>,
    /// Trust the certificates of this PEM file as roots too (a private CA). Repeatable.
    #[arg(long, value_name = "PEM")]
    ca_file: Vec<String>,
}

#[derive(Args)]
struct DrillArgs {
    /// The drill, as named under `drills:`.
    name: String,
    /// The model file (default spof.yaml).
    #[arg(value_name = "MODEL", conflicts_with = "model")]
    path: Option<String>,
    #[command(flatten)]
    model: ModelArgs,
    /// Print what the drill would do, run nothing.
    #[arg(long)]
    dry_run: bool,
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    #[command(flatten)]
    history: evidence::HistoryArgs,
}

#[derive(Args)]
struct HistoryCmdArgs {
    /// The model file whose history to show (default spof.yaml; its history is
    /// `<model>.history.sqlite` beside it).
    #[arg(value_name = "MODEL")]
    path: Option<String>,
    /// The history file, instead of the one beside the model.
    #[arg(long, value_name = "FILE")]
    history: Option<String>,
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
}

#[derive(Args)]
struct AcceptArgs {
    /// The finding: `CODE:COMPONENT` (SPOF014:lb), `CODE:EVENT` (SPOF002:zone:a), a code or
    /// name when one finding has it, or a component when one open finding is about it.
    #[arg(value_name = "FINDING-OR-COMPONENT")]
    target: String,
    /// The model file (default spof.yaml).
    #[arg(value_name = "MODEL")]
    path: Option<String>,
    /// Who owns the decision and answers for the risk.
    #[arg(long, value_name = "NAME")]
    owner: String,
    /// Why the risk is taken.
    #[arg(long, value_name = "TEXT")]
    reason: String,
    /// The recovery time accepted (90s, 30m, 4h); a longer one found by the analysis makes
    /// the decision hide nothing.
    #[arg(long, value_name = "DURATION")]
    rto: String,
    /// When the decision is looked at again (YYYY-MM-DD); after it, the finding shows again.
    #[arg(long, value_name = "DATE")]
    review_by: String,
    /// What was decided.
    #[arg(long, value_enum, default_value_t = StatusArg::Accepted)]
    status: StatusArg,
    /// What will be done about it.
    #[arg(long, value_name = "TEXT")]
    remediation: Option<String>,
    /// Only findings on this journey are considered when choosing the finding meant.
    #[arg(long, value_name = "NAME")]
    journey: Option<String>,
    /// Today's date (YYYY-MM-DD), to check the decision is in force; default the system date.
    /// Also read from SPOF_TODAY.
    #[arg(long, value_name = "DATE", env = "SPOF_TODAY")]
    today: Option<String>,
}

#[derive(Clone, Copy, ValueEnum)]
enum StatusArg {
    Accepted,
    #[value(alias = "mitigated")]
    Mitigating,
    Planned,
}

impl StatusArg {
    fn as_str(self) -> &'static str {
        match self {
            StatusArg::Accepted => "accepted",
            StatusArg::Mitigating => "mitigating",
            StatusArg::Planned => "planned",
        }
    }
}

#[derive(Args)]
struct DecisionsArgs {
    /// The model file (default spof.yaml).
    #[arg(value_name = "MODEL", conflicts_with = "model")]
    path: Option<String>,
    #[command(flatten)]
    model: ModelArgs,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
}

#[derive(Args)]
struct DiffArgs {
    /// The model before the change.
    #[arg(value_name = "OLD.yaml")]
    old: String,
    /// The model after the change.
    #[arg(value_name = "NEW.yaml")]
    new: String,
    /// Today's date (YYYY-MM-DD) for decision reviews and certificate expiry; default the
    /// system date. Also read from SPOF_TODAY.
    #[arg(long, value_name = "DATE", env = "SPOF_TODAY")]
    today: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
}

#[derive(Args)]
struct ChecklistArgs {
    /// The model file (default spof.yaml).
    #[arg(value_name = "MODEL", conflicts_with_all = ["model", "from"])]
    path: Option<String>,
    #[command(flatten)]
    model: ModelArgs,
    /// Judge files of another format directly, as `spof check --from` does.
    #[arg(long, value_name = "[FORMAT:]PATH", conflicts_with_all = ["model", "example"])]
    from: Vec<String>,
    /// An overlay applied to the imported model (see docs/importers.md). Repeatable.
    #[arg(long, value_name = "FILE", requires = "from")]
    overlay: Vec<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    #[command(flatten)]
    policy: policy::PolicyArgs,
}

#[derive(Clone, Copy, ValueEnum, PartialEq)]
enum CheckFormat {
    Text,
    Json,
    Sarif,
    Markdown,
    Dot,
    Mermaid,
    Junit,
    /// The interactive diagram as one self-contained HTML file (no server, no network).
    Html,
}

#[derive(Clone, Copy, ValueEnum, PartialEq)]
enum Format {
    Text,
    Json,
}

#[derive(Clone, Copy, ValueEnum)]
enum FailOn {
    Critical,
    High,
    Medium,
    Low,
    Info,
    Never,
}

impl FailOn {
    /// The level that fails a run: the command line's, else the policy's, else high.
    fn effective(given: Option<FailOn>, policy: Option<&policy::Found>) -> Option<Severity> {
        match (given, policy.and_then(|p| p.policy.fail_on)) {
            (Some(given), _) => given.severity(),
            (None, Some(spof_model::policy::FailOn::At(level))) => Some(level.into()),
            (None, Some(spof_model::policy::FailOn::Never)) => None,
            (None, None) => Some(Severity::High),
        }
    }

    fn severity(self) -> Option<Severity> {
        match self {
            FailOn::Critical => Some(Severity::Critical),
            FailOn::High => Some(Severity::High),
            FailOn::Medium => Some(Severity::Medium),
            FailOn::Low => Some(Severity::Low),
            FailOn::Info => Some(Severity::Info),
            FailOn::Never => None,
        }
    }
}

#[derive(Args)]
struct ExplainArgs {
    /// A finding code or name, or a component of the model; and the model file, before or
    /// after it, instead of -m (an argument that is an existing file ending in .yaml or .yml
    /// is the model; default spof.yaml).
    #[arg(value_name = "TARGET", num_args = 0..=2)]
    words: Vec<String>,
    #[command(flatten)]
    model: ModelArgs,
    /// The policy whose custom rule codes can be explained too (default: spof.toml beside
    /// the model, or in the current folder).
    #[arg(long, value_name = "FILE", conflicts_with = "no_policy")]
    policy: Option<String>,
    /// Look at no policy.
    #[arg(long)]
    no_policy: bool,
}

#[derive(Args)]
struct WhatIfArgs {
    /// The events to fail together, and the model file among them instead of -m (an
    /// argument that is an existing file ending in .yaml or .yml is the model; default
    /// spof.yaml).
    #[arg(required = true, value_name = "EVENT")]
    events: Vec<String>,
    #[command(flatten)]
    model: ModelArgs,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
}

#[derive(Args)]
struct RisksArgs {
    /// The model file (default spof.yaml).
    #[arg(value_name = "MODEL", conflicts_with = "model")]
    path: Option<String>,
    #[command(flatten)]
    model: ModelArgs,
    /// Largest group to look for: 2 or more, or 1 for the single points of failure alone (no
    /// groups).
    #[arg(long, default_value_t = 2, value_parser = clap::value_parser!(u32).range(1..))]
    max_order: u32,
    /// How many groups to list per journey, most probable first.
    #[arg(long, default_value_t = 10)]
    top: usize,
    /// Report only this journey.
    #[arg(long, value_name = "NAME")]
    journey: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
}

#[derive(Args)]
struct PlanArgs {
    /// The model file (default spof.yaml).
    #[arg(value_name = "MODEL", conflicts_with_all = ["model", "from"])]
    path: Option<String>,
    #[command(flatten)]
    model: ModelArgs,
    /// Plan for files of another format directly, as `spof check --from` does.
    #[arg(long, value_name = "[FORMAT:]PATH", conflicts_with_all = ["model", "example"])]
    from: Vec<String>,
    /// An overlay applied to the imported model (see docs/importers.md). Repeatable.
    #[arg(long, value_name = "FILE", requires = "from")]
    overlay: Vec<String>,
    /// At most this many fixes.
    #[arg(long, default_value_t = 40)]
    max_steps: usize,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
}

#[derive(Args)]
struct FtaArgs {
    /// The MEF files, read as one model (a tree and the file of its basic events, say).
    #[arg(required = true, value_name = "FILE")]
    files: Vec<String>,
    /// Keep cut sets of at most this many events (default: all of them).
    #[arg(long, short = 'l')]
    max_order: Option<u32>,
    /// How many of the most probable cut sets to list.
    #[arg(long, default_value_t = 10)]
    top: usize,
    /// Mission time in hours, for time-dependent probabilities.
    #[arg(long, default_value_t = 8760.0)]
    mission_time: f64,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
}

#[derive(Args)]
struct ImportArgs {
    /// The format (kubernetes, compose, terraform, backstage, structurizr; detected from the
    /// content when left out), then the files or folders to read.
    #[arg(required = true, value_name = "[FORMAT] PATH")]
    inputs: Vec<String>,
    /// Where to write the model; `-` for standard output.
    #[arg(short, long, value_name = "FILE", default_value = "spof.yaml")]
    output: String,
    /// Overwrite existing files.
    #[arg(long)]
    force: bool,
    /// Also write the import report as JSON to this file.
    #[arg(long, value_name = "FILE.json")]
    report: Option<String>,
    /// An overlay to apply before writing (see docs/importers.md). Repeatable.
    #[arg(long, value_name = "FILE")]
    overlay: Vec<String>,
    #[command(flatten)]
    policy: policy::PolicyArgs,
}

#[derive(Args)]
struct InitArgs {
    /// Where to write the model.
    #[arg(default_value = "spof.yaml")]
    path: String,
    /// Overwrite an existing file.
    #[arg(long)]
    force: bool,
    /// Write the commented template of every key instead of asking. Also what happens when
    /// standard input is not a terminal and no answers are given.
    #[arg(long, conflicts_with_all = ["answers", "from_stdin"])]
    template: bool,
    /// Read the answers from this file, one per line in the order of the questions (an empty
    /// or missing line takes the default; `#` starts a comment line).
    #[arg(long, value_name = "FILE", conflicts_with = "from_stdin")]
    answers: Option<String>,
    /// Read the answers from standard input, as --answers reads a file.
    #[arg(long)]
    from_stdin: bool,
}

/// An error that ends the run with exit code 2, its message already written or to be written.
struct Failure(String);

type Result<T> = std::result::Result<T, Failure>;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let color = match cli.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none()
        }
    };
    let stderr_color = match cli.color {
        ColorChoice::Auto => {
            std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none()
        }
        _ => color,
    };
    let result = match cli.command {
        Command::Check(args) => run_check(args, color, stderr_color, None),
        Command::Probe(args) => run_probe(args, color, stderr_color),
        Command::Drill(args) => evidence::run_drill(
            args.name,
            args.path,
            &args.model,
            args.dry_run,
            args.format == Format::Json,
            &args.history,
            stderr_color,
        ),
        Command::History(args) => {
            evidence::run_history(args.path, args.history, args.format == Format::Json)
        }
        Command::Explain(args) => run_explain(args, color, stderr_color),
        Command::Whatif(args) => run_whatif(args, color, stderr_color),
        Command::Init(args) => run_init(args),
        Command::Import(args) => run_import(args, stderr_color),
        Command::Fta(args) => run_fta(args),
        Command::Checklist(args) => run_checklist(args, color, stderr_color),
        Command::Risks(args) => run_risks(args, color, stderr_color),
        Command::Plan(args) => run_plan(args, color, stderr_color),
        Command::Diff(args) => run_diff(args, color, stderr_color),
        Command::Accept(args) => run_accept(args, stderr_color),
        Command::Decisions(args) => run_decisions(args, color, stderr_color),
        Command::Serve(args) => serving::run_serve(args, stderr_color),
        Command::Schema => {
            let schema = serde_json::to_string_pretty(&spof_model::schema::json_schema())
                .expect("the schema serialises");
            out(&format!("{schema}\n"));
            Ok(ExitCode::SUCCESS)
        }
        Command::Examples => {
            let mut text = String::from("Built-in examples (spof check --example NAME):\n\n");
            for example in examples::ALL {
                text.push_str(&format!("  {:<24} {}\n", example.name, example.summary));
            }
            out(&text);
            Ok(ExitCode::SUCCESS)
        }
    };
    result.unwrap_or_else(|Failure(message)| {
        if !message.is_empty() {
            err(&format!("error: {message}\n"));
        }
        ExitCode::from(2)
    })
}

/// Writes to standard output; a closed pipe (`spof check | head`) ends quietly.
fn out(text: &str) {
    let mut stdout = anstream::stdout();
    let _ = stdout.write_all(text.as_bytes());
    let _ = stdout.flush();
}

fn err(text: &str) {
    let mut stderr = anstream::stderr();
    let _ = stderr.write_all(text.as_bytes());
}

/// A model read and validated, with its warnings, or exit 2 with its errors shown.
struct Loaded {
    model: Model,
    file: String,
    warnings: Vec<spof_model::Diagnostic>,
    today: Option<Date>,
}

fn load(path: Option<String>, args: &ModelArgs, json: bool, stderr_color: bool) -> Result<Loaded> {
    let (file, text) = match (&args.example, path.or_else(|| args.model.clone())) {
        (Some(name), _) => {
            let example = examples::find(name).map_err(Failure)?;
            (format!("examples/{}.yaml", example.name), example.text.to_string())
        }
        (None, Some(path)) => (path.clone(), files::read_model(&path).map_err(Failure)?),
        (None, None) => ("spof.yaml".to_string(), files::read_model("spof.yaml").map_err(|e| Failure(format!("{e}\nhelp: pass a model file, run `spof init` to write one, or try `spof check --example ecommerce-2009`")))?),
    };
    let today = match &args.today {
        Some(text) => Some(Date::parse(text).map_err(|e| Failure(format!("--today: {e}")))?),
        None => Some(files::system_today()),
    };
    let parsed = {
        let _spinner = progress::Spinner::new("reading the model");
        parse_model(&text, &ParseLimits::default())
    };
    let (errors, warnings): (Vec<_>, Vec<_>) = parsed
        .diagnostics
        .into_iter()
        .partition(|d| d.severity == spof_model::Severity::Error);
    let shown: Vec<_> = errors.iter().chain(warnings.iter()).cloned().collect();
    if !shown.is_empty() {
        err(&diagnostics::render(&shown, &file, &text, stderr_color));
    }
    match parsed.model {
        Some(model) if errors.is_empty() => Ok(Loaded {
            model,
            file,
            warnings,
            today,
        }),
        _ => {
            if json {
                out(&spof_report::json::diagnostics(&shown, &file));
            }
            let count = errors.len();
            Err(Failure(format!(
                "{file}: {count} error{} in the model",
                if count == 1 { "" } else { "s" }
            )))
        }
    }
}

/// `spof probe`: `spof check` with the observations of a probe run.
fn run_probe(args: ProbeArgs, color: bool, stderr_color: bool) -> Result<ExitCode> {
    let duration = |flag: &str, text: &str| -> Result<std::time::Duration> {
        spof_model::parse_millis(text)
            .ok()
            .filter(|&ms| ms > 0)
            .map(std::time::Duration::from_millis)
            .ok_or_else(|| {
                Failure(format!(
                    "{flag} `{text}` is not a duration such as 500ms, 5s or 1m"
                ))
            })
    };
    let nameserver = match &args.resolver {
        Some(text) => Some(
            text.parse::<std::net::SocketAddr>()
                .or_else(|_| {
                    text.parse::<std::net::IpAddr>()
                        .map(|ip| std::net::SocketAddr::new(ip, 53))
                })
                .map_err(|_| {
                    Failure(format!(
                        "--resolver `{text}` is not an address such as 127.0.0.1:5353"
                    ))
                })?,
        ),
        None => None,
    };
    let mut extra_roots = Vec::new();
    for file in &args.ca_file {
        extra_roots.extend(
            spof_evidence::probe::tls::read_roots(std::path::Path::new(file))
                .map_err(|e| Failure(format!("--ca-file {file}: {e}")))?,
        );
    }
    let config = spof_evidence::probe::ProbeConfig {
        deadline: duration("--deadline", &args.deadline)?,
        request_timeout: duration("--timeout", &args.timeout)?,
        concurrency: args.concurrency.max(1),
        nameserver,
        extra_roots,
    };
    run_check(args.check, color, stderr_color, Some(config))
}

fn run_check(
    args: CheckArgs,
    color: bool,
    stderr_color: bool,
    probe: Option<spof_evidence::probe::ProbeConfig>,
) -> Result<ExitCode> {
    let json = args.format == CheckFormat::Json;
    if let Some(path) = &args.output
        && !args.force
        && std::path::Path::new(path).exists()
    {
        // Said before the analysis, not after it.
        return Err(Failure(format!(
            "{path} already exists; pass --force to overwrite it"
        )));
    }
    // The baseline is read first: a wrong file is said before the analysis.
    let baseline = match &args.baseline {
        Some(path) => {
            let text = files::read_text(path).map_err(Failure)?;
            let snapshot = spof_report::baseline::Snapshot::from_json(&text)
                .map_err(|e| Failure(format!("--baseline {path} {e}")))?;
            Some((path.clone(), snapshot))
        }
        None => None,
    };
    let (loaded, imported, policy) = load_with_policy(
        args.path,
        &args.model,
        &args.from,
        &args.overlay,
        &args.policy,
        json,
        stderr_color,
    )?;
    let model = &loaded.model;
    let journey = match &args.journey {
        Some(name) => Some(model.journey(name).ok_or_else(|| {
            let names: Vec<&str> = model.journeys.iter().map(|j| j.name.as_str()).collect();
            let hint = spof_model::suggest(name, names.iter().copied())
                .map(|n| format!("; did you mean `{n}`?"))
                .unwrap_or_else(|| format!("; journeys: {}", names.join(", ")));
            Failure(format!("no journey `{name}`{hint}"))
        })?),
        None => None,
    };
    // The history: read when it exists (or is named), created only by probes and drills.
    let from_file = args.from.is_empty() && args.model.example.is_none();
    let history_path = evidence::history_path(&args.history, &loaded, from_file, probe.is_none());
    let mut history = match &history_path {
        Some(path) => {
            evidence::note(path);
            Some(evidence::open(path)?)
        }
        None => None,
    };
    let mut config = config_of(&loaded, policy.as_ref());
    config.evidence = evidence::evidence_of(history.as_ref(), &args.history)?;
    if let Some(probe_config) = &probe {
        let targets = spof_evidence::probe::targets(model);
        if targets.is_empty() {
            err(
                "probe: the model lists no endpoints (`endpoints:` on components and DNS records)\n",
            );
        }
        let observations = {
            let _spinner = progress::Spinner::new("probing");
            spof_evidence::probe::run(&targets, probe_config).map_err(|e| Failure(e.to_string()))?
        };
        if let Some(history) = &mut history {
            history
                .record_probe(&loaded.file, &observations)
                .map_err(|e| Failure(e.to_string()))?;
        }
        config.evidence.in_use = true;
        config.evidence.observations = observations;
    }
    let mut report = checked(model, &config);
    if let Some(history) = &mut history {
        evidence::record_check(history, &loaded, &report)?;
    }
    if let Some(imported) = &imported {
        note_import(&mut report.checklist, imported);
    }
    if imported.is_some() {
        // The model's text is made on the fly: its lines mean nothing to the reader, who is
        // shown each finding's source in the input instead.
        for finding in &mut report.findings {
            finding.span = None;
        }
    }
    // What the import leaves unjudged: said first, and the run does not pass with it.
    let coverage = imported
        .as_ref()
        .map(|i| spof_import::coverage::assess(&i.report, model, i.journeys_declared));
    let mut options = Options {
        file: loaded.file.clone(),
        journey,
        fail_on: FailOn::effective(args.fail_on, policy.as_ref()),
        color: color && args.output.is_none(),
        baseline: None,
        incomplete: coverage
            .as_ref()
            .map(|c| c.reasons.clone())
            .unwrap_or_default(),
    };
    if let Some((file, before)) = baseline {
        let after = spof_report::baseline::Snapshot::of_report(model, &report, &options);
        options.baseline = Some(spof_report::baseline::Baseline {
            file,
            changes: spof_report::baseline::compare(&before, &after),
        });
    }
    let inputs: Vec<String> = if imported.is_some() {
        args.from
            .iter()
            .map(|f| importing::Input::parse(f).path)
            .collect()
    } else {
        Vec::new()
    };
    let text = match args.format {
        CheckFormat::Json => {
            let import = imported
                .as_ref()
                .map(|i| spof_report::import::wire(&i.report, &i.notes, coverage.as_ref()));
            let write = |writer: &mut dyn std::io::Write| {
                spof_report::json::write_check(
                    writer,
                    model,
                    &report,
                    &options,
                    &loaded.warnings,
                    import.as_ref(),
                )
            };
            if args.output.is_none() {
                // Written as it is made: the report of a large model is never held whole.
                let stdout = std::io::stdout();
                let mut writer = std::io::BufWriter::new(stdout.lock());
                if let Err(e) = write(&mut writer)
                    && e.kind() != std::io::ErrorKind::BrokenPipe
                {
                    return Err(Failure(format!("writing the report: {e}")));
                }
                None
            } else {
                let mut bytes = Vec::new();
                write(&mut bytes).map_err(|e| Failure(format!("writing the report: {e}")))?;
                Some(String::from_utf8(bytes).expect("JSON is UTF-8"))
            }
        }
        CheckFormat::Text => Some(spof_report::text::check(model, &report, &options)),
        CheckFormat::Sarif => Some(spof_report::sarif::sarif(model, &report, &options, &inputs)),
        CheckFormat::Markdown => Some(spof_report::markdown::markdown(model, &report, &options)),
        CheckFormat::Dot => Some(spof_report::dot::dot(model, &report, journey)),
        CheckFormat::Mermaid => Some(spof_report::mermaid::mermaid(model, &report, journey)),
        CheckFormat::Junit => Some(spof_report::junit::junit(model, &report, &options)),
        CheckFormat::Html => Some(serving::html_report(model, &report, &options, loaded.today)),
    };
    match (&args.output, text) {
        (Some(path), Some(text)) => {
            files::write_new(path, &text, args.force).map_err(Failure)?;
            err(&format!("wrote {path}\n"));
        }
        (_, Some(text)) => out(&text),
        (_, None) => {}
    }
    Ok(if spof_report::fails(&report, &options) {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// `spof checklist`: the audit checklist of a model or of imported files.
fn run_checklist(args: ChecklistArgs, color: bool, stderr_color: bool) -> Result<ExitCode> {
    let json = args.format == Format::Json;
    let (loaded, imported, policy) = load_with_policy(
        args.path,
        &args.model,
        &args.from,
        &args.overlay,
        &args.policy,
        json,
        stderr_color,
    )?;
    let mut report = checked(&loaded.model, &config_of(&loaded, policy.as_ref()));
    if let Some(imported) = &imported {
        note_import(&mut report.checklist, imported);
    }
    let text = match args.format {
        Format::Text => spof_report::checklist::text(&loaded.model, &report, &loaded.file, color),
        Format::Json => spof_report::checklist::json(&loaded.model, &report, &loaded.file),
    };
    out(&text);
    Ok(ExitCode::SUCCESS)
}

/// The policy for a command on a model: `--policy`, or `spof.toml` beside the model file (in
/// the current folder for an example or an import). Says on standard error which file is used.
/// The model of `check` and `checklist`: a file, an example or imported files (with
/// overlays), and the policy that goes with it.
#[allow(clippy::too_many_arguments)]
fn load_with_policy(
    path: Option<String>,
    model: &ModelArgs,
    from: &[String],
    overlay: &[String],
    policy_args: &policy::PolicyArgs,
    json: bool,
    stderr_color: bool,
) -> Result<(Loaded, Option<importing::Imported>, Option<policy::Found>)> {
    let policy = find_policy(
        policy_args,
        path.as_deref(),
        model,
        !from.is_empty(),
        stderr_color,
    )?;
    let ignore = policy
        .as_ref()
        .map_or(&[][..], |p| &p.policy.import_ignore[..]);
    let (loaded, imported) = if from.is_empty() {
        (load(path, model, json, stderr_color)?, None)
    } else {
        let inputs: Vec<importing::Input> =
            from.iter().map(|f| importing::Input::parse(f)).collect();
        let (loaded, imported) =
            load_imported(&inputs, overlay, ignore, model, json, stderr_color)?;
        (loaded, Some(imported))
    };
    Ok((loaded, imported, policy))
}

/// The check's configuration for a loaded model and its policy.
fn config_of(loaded: &Loaded, policy: Option<&policy::Found>) -> Config {
    Config {
        today: loaded.today,
        policy: policy.map(|p| p.policy.clone()).unwrap_or_default(),
        evidence: Default::default(),
    }
}

fn find_policy(
    args: &policy::PolicyArgs,
    path: Option<&str>,
    model: &ModelArgs,
    imported: bool,
    stderr_color: bool,
) -> Result<Option<policy::Found>> {
    let model_file = if imported || model.example.is_some() {
        None
    } else {
        Some(path.or(model.model.as_deref()).unwrap_or("spof.yaml"))
    };
    let found = policy::load(args, model_file, stderr_color).map_err(Failure)?;
    if let Some(found) = &found {
        err(&format!("policy: {}\n", found.file));
    }
    Ok(found)
}

/// Marks the checklist items that the imported formats cannot express.
fn note_import(checklist: &mut spof_engine::checklist::Checklist, imported: &importing::Imported) {
    let formats: Vec<spof_import::Format> = imported
        .report
        .format
        .split('+')
        .filter_map(spof_import::Format::parse)
        .collect();
    let mut kinds: Vec<spof_model::Kind> = formats
        .iter()
        .flat_map(|f| f.kinds().iter().copied())
        .collect();
    kinds.sort_unstable();
    kinds.dedup();
    checklist.note_import(&imported.report.format, &kinds, false);
}

/// The check of a model, with a progress bar on a terminal when it takes a while.
fn checked(model: &spof_model::Model, config: &Config) -> spof_engine::Report {
    let bar = progress::Bar::new("checking");
    bar.tick_after_delay();
    let report = spof_engine::check_with(model, config, &|stage, done, total| {
        bar.set(stage, done, total);
    });
    bar.finish();
    report
}

/// Imports the inputs (with overlays), prints the import report on stderr, and reads the
/// result as a model; errors in it are shown against the model's text, each with the import or
/// overlay that produced the line.
fn load_imported(
    inputs: &[importing::Input],
    overlays: &[String],
    ignore: &[spof_model::policy::Pattern],
    args: &ModelArgs,
    json: bool,
    stderr_color: bool,
) -> Result<(Loaded, importing::Imported)> {
    let imported = {
        let _spinner = progress::Spinner::new("importing");
        importing::run(inputs, overlays, ignore).map_err(Failure)?
    };
    err(&spof_report::import::text(
        &imported.report,
        &imported.notes,
    ));
    err("\n");
    let file = inputs
        .iter()
        .map(|i| i.path.as_str())
        .collect::<Vec<_>>()
        .join(", ");
    let today = match &args.today {
        Some(text) => Some(Date::parse(text).map_err(|e| Failure(format!("--today: {e}")))?),
        None => Some(files::system_today()),
    };
    let model = read_imported(&imported, &file, json, stderr_color)?;
    let (model, warnings) = model;
    Ok((
        Loaded {
            model,
            file,
            warnings,
            today,
        },
        imported,
    ))
}

/// Reads an imported model's text with the model reader.
fn read_imported(
    imported: &importing::Imported,
    file: &str,
    json: bool,
    stderr_color: bool,
) -> Result<(Model, Vec<spof_model::Diagnostic>)> {
    let shown_name = format!("the model imported from {file}");
    let parsed = parse_model(&imported.text, &ParseLimits::default());
    let (errors, warnings): (Vec<_>, Vec<_>) = parsed
        .diagnostics
        .into_iter()
        .partition(|d| d.severity == spof_model::Severity::Error);
    let shown: Vec<_> = errors.iter().chain(warnings.iter()).cloned().collect();
    if imported.components == 0 {
        return Err(Failure(format!(
            "the import of {file} found no component to analyse; the report above says what it read"
        )));
    }
    if !shown.is_empty() {
        // A large import can have many warnings (cycles): the first ones are shown in full.
        const SHOWN: usize = 20;
        let first = &shown[..shown.len().min(SHOWN)];
        err(&diagnostics::render(
            first,
            &shown_name,
            &imported.text,
            stderr_color,
        ));
        let mut origins = String::new();
        for d in first {
            if let Some(span) = d.span
                && let Some(origin) = imported.origin(span.line)
            {
                origins.push_str(&format!(
                    "note: line {} ({}) comes from {origin}\n",
                    span.line, d.message
                ));
            }
        }
        if shown.len() > SHOWN {
            origins.push_str(&format!(
                "note: {} more diagnostics not shown\n",
                shown.len() - SHOWN
            ));
        }
        err(&origins);
    }
    match parsed.model {
        Some(model) if errors.is_empty() => Ok((model, warnings)),
        _ => {
            if json {
                out(&spof_report::json::diagnostics(&shown, &shown_name));
            }
            let count = errors.len();
            Err(Failure(format!(
                "{shown_name}: {count} error{} in the model (run `spof import` to see its text)",
                if count == 1 { "" } else { "s" }
            )))
        }
    }
}

fn run_import(args: ImportArgs, stderr_color: bool) -> Result<ExitCode> {
    // `spof import [FORMAT] PATH...`: a first word that names a format and is not a file.
    let mut words = args.inputs.iter();
    let first = &args.inputs[0];
    let format = spof_import::Format::parse(first)
        .filter(|_| args.inputs.len() > 1 || !std::path::Path::new(first).exists());
    if format.is_some() {
        words.next();
    }
    let inputs: Vec<importing::Input> = words
        .map(|w| {
            let mut input = importing::Input::parse(w);
            if input.format.is_none() {
                input.format = format;
            }
            input
        })
        .collect();
    if inputs.is_empty() {
        return Err(Failure(format!(
            "no path to import after the format `{first}`"
        )));
    }
    let policy = policy::load(&args.policy, None, stderr_color).map_err(Failure)?;
    if let Some(found) = &policy {
        err(&format!("policy: {}\n", found.file));
    }
    let ignore = policy
        .as_ref()
        .map_or(&[][..], |p| &p.policy.import_ignore[..]);
    let imported = {
        let _spinner = progress::Spinner::new("importing");
        importing::run(&inputs, &args.overlay, ignore).map_err(Failure)?
    };
    err(&spof_report::import::text(
        &imported.report,
        &imported.notes,
    ));
    let file = inputs
        .iter()
        .map(|i| i.path.as_str())
        .collect::<Vec<_>>()
        .join(", ");
    let (model, _) = read_imported(&imported, &file, false, stderr_color)?;
    // What a check of this model would leave unjudged, said now: `spof check` on the written
    // file no longer knows it was imported.
    let coverage =
        spof_import::coverage::assess(&imported.report, &model, imported.journeys_declared);
    for reason in &coverage.reasons {
        err(&format!("\nwarning: incomplete import: {reason}"));
    }
    if !coverage.reasons.is_empty() {
        err("\n");
    }
    if let Some(path) = &args.report {
        let json = spof_report::import::json(&imported.report, &imported.notes, Some(&coverage));
        files::write_new(path, &json, args.force).map_err(Failure)?;
    }
    if args.output == "-" {
        out(&imported.text);
    } else {
        files::write_new(&args.output, &imported.text, args.force).map_err(Failure)?;
        err(&format!(
            "\nwrote {} ({} components, {} journeys); edit it, then run `spof check {}`\n",
            args.output,
            model.components.len(),
            model.journeys.iter().filter(|j| j.declared).count(),
            args.output
        ));
    }
    Ok(ExitCode::SUCCESS)
}

/// Whether a word of the command line names a model file: an existing file ending in .yaml or
/// .yml. `whatif` and `explain` take the model among their other words this way.
fn is_model_file(word: &str) -> bool {
    let lower = word.to_ascii_lowercase();
    (lower.ends_with(".yaml") || lower.ends_with(".yml")) && std::path::Path::new(word).is_file()
}

/// The model file among positional words (at most one, and not besides -m or --example), and
/// the other words.
fn model_among(words: Vec<String>, args: &ModelArgs) -> Result<(Option<String>, Vec<String>)> {
    let (mut models, rest): (Vec<String>, Vec<String>) =
        words.into_iter().partition(|w| is_model_file(w));
    if models.len() > 1 {
        return Err(Failure(format!(
            "one model at a time: {} are all model files",
            models.join(", ")
        )));
    }
    let model = models.pop();
    if let Some(file) = &model {
        if let Some(other) = &args.model {
            return Err(Failure(format!(
                "two models: `{file}` and `-m {other}`; give one"
            )));
        }
        if let Some(example) = &args.example {
            return Err(Failure(format!(
                "two models: `{file}` and `--example {example}`; give one"
            )));
        }
    }
    Ok((model, rest))
}

fn run_explain(args: ExplainArgs, color: bool, stderr_color: bool) -> Result<ExitCode> {
    let (path, mut words) = model_among(args.words, &args.model)?;
    if words.len() > 1 {
        return Err(Failure(format!(
            "explain one thing at a time: {}{}",
            words.join(", "),
            if path.is_none() {
                " (a model file must be an existing file ending in .yaml or .yml)"
            } else {
                ""
            }
        )));
    }
    let Some(target) = words.pop() else {
        if let Some(path) = path {
            return Err(Failure(format!(
                "what should be explained in {path}? `spof explain COMPONENT {path}`, or a finding code"
            )));
        }
        out(&spof_report::text::rule_list());
        return Ok(ExitCode::SUCCESS);
    };
    if let Some(rule) = spof_engine::findings::rule(&target) {
        out(&rule.markdown());
        return Ok(ExitCode::SUCCESS);
    }
    let policy_args = policy::PolicyArgs {
        policy: args.policy.clone(),
        no_policy: args.no_policy,
    };
    let model_file = match (&args.model.example, &path, &args.model.model) {
        (Some(_), _, _) => None,
        (None, Some(p), _) | (None, None, Some(p)) => Some(p.as_str()),
        (None, None, None) => Some("spof.yaml"),
    };
    if let Some(found) = policy::load(&policy_args, model_file, stderr_color).map_err(Failure)?
        && let Some(rule) = found.policy.rule(&target)
    {
        out(&spof_report::text::policy_rule(rule, &found.file));
        return Ok(ExitCode::SUCCESS);
    }
    let looks_like_code = target.len() == 7
        && target.to_uppercase().starts_with("SPOF")
        && target[4..].chars().all(|c| c.is_ascii_digit());
    if looks_like_code {
        return Err(Failure(format!(
            "no finding code `{target}`; `spof explain` lists them"
        )));
    }
    let loaded = load(path, &args.model, false, stderr_color)?;
    let model = &loaded.model;
    let Some(c) = model.component(&target) else {
        let names = model.components.iter().map(|c| c.name.as_str()).chain(
            spof_engine::findings::RULES
                .iter()
                .flat_map(|r| [r.code, r.name]),
        );
        let hint = spof_model::suggest(&target, names)
            .map(|n| format!("; did you mean `{n}`?"))
            .unwrap_or_default();
        return Err(Failure(format!(
            "`{target}` is neither a component of {} nor a finding code{hint}",
            loaded.file
        )));
    };
    let report = check(
        model,
        &Config {
            today: loaded.today,
            ..Default::default()
        },
    );
    // A managed component (or a certificate) has no events of its own: losing it all means
    // losing every domain it runs in.
    let events = resolve_events(model, &report.analysis.graph, &target)
        .unwrap_or_else(|_| spof_report::text::places_of(model, &report.analysis.graph, c));
    let all_lost = what_if(&report.analysis.graph, &events);
    out(&spof_report::text::explain_component(
        model, &report, c, &all_lost, color,
    ));
    Ok(ExitCode::SUCCESS)
}

fn run_whatif(args: WhatIfArgs, color: bool, stderr_color: bool) -> Result<ExitCode> {
    let (path, event_words) = model_among(args.events, &args.model)?;
    if event_words.is_empty() {
        return Err(Failure(
            "no event to fail: `spof whatif [MODEL] EVENT...` (app/1, zone:a, a component...)"
                .into(),
        ));
    }
    let loaded = load(path, &args.model, args.format == Format::Json, stderr_color)?;
    let model = &loaded.model;
    let report = check(
        model,
        &Config {
            today: loaded.today,
            ..Default::default()
        },
    );
    let mut events = Vec::new();
    let mut problems = Vec::new();
    for text in &event_words {
        match resolve_events(model, &report.analysis.graph, text) {
            Ok(found) => events.extend(found),
            Err(problem) => {
                let lower = text.to_ascii_lowercase();
                problems.push(if lower.ends_with(".yaml") || lower.ends_with(".yml") {
                    format!("{problem}; nor is `{text}` an existing model file")
                } else {
                    problem
                })
            }
        }
    }
    if !problems.is_empty() {
        return Err(Failure(problems.join("\nerror: ")));
    }
    events.sort_unstable();
    events.dedup();
    let result = what_if(&report.analysis.graph, &events);
    let capacity =
        spof_engine::findings::capacity::after_events(model, &report.analysis.graph, &events);
    let text = match args.format {
        Format::Text => {
            spof_report::text::what_if(model, &report, &events, &result, &capacity, color)
        }
        Format::Json => spof_report::json::what_if(model, &report, &events, &result, &capacity),
    };
    out(&text);
    Ok(ExitCode::SUCCESS)
}

fn run_risks(args: RisksArgs, color: bool, stderr_color: bool) -> Result<ExitCode> {
    let loaded = load(
        args.path,
        &args.model,
        args.format == Format::Json,
        stderr_color,
    )?;
    let model = &loaded.model;
    let journey = match &args.journey {
        Some(name) => Some(
            model
                .journey(name)
                .ok_or_else(|| Failure(format!("no journey `{name}`")))?,
        ),
        None => None,
    };
    let graph = spof_engine::graph::compile(model);
    let spinner = progress::Spinner::new("finding risk groups");
    let config = spof_engine::risks::RiskConfig {
        max_order: args.max_order.max(2),
        top: args.top,
    };
    let results = std::thread::scope(|scope| {
        std::thread::Builder::new()
            .stack_size(1 << 30)
            .spawn_scoped(scope, || spof_engine::risks::risks(model, &graph, &config))
            .expect("a thread can be started")
            .join()
            .expect("the analysis does not panic")
    })
    .map_err(|_| {
        Failure("the decision diagram grew past its limit of nodes; try a lower --max-order".into())
    })?;
    drop(spinner);
    let mut results: Vec<_> = results
        .into_iter()
        .filter(|r| journey.is_none_or(|j| j == r.journey))
        .collect();
    if args.max_order < config.max_order {
        // Order 1: the single points of failure alone; the groups the analysis needed to
        // tell them apart are not reported.
        for result in &mut results {
            result.groups.clear();
            result.by_order.truncate(args.max_order as usize + 1);
        }
    }
    let text = match args.format {
        Format::Text => spof_report::risks::text(model, &graph, &results, args.max_order, color),
        Format::Json => spof_report::risks::json(model, &graph, &results, args.max_order),
    };
    out(&text);
    Ok(ExitCode::SUCCESS)
}

fn run_plan(args: PlanArgs, color: bool, stderr_color: bool) -> Result<ExitCode> {
    let json = args.format == Format::Json;
    let loaded = if args.from.is_empty() {
        load(args.path, &args.model, json, stderr_color)?
    } else {
        let inputs: Vec<importing::Input> = args
            .from
            .iter()
            .map(|f| importing::Input::parse(f))
            .collect();
        load_imported(&inputs, &args.overlay, &[], &args.model, json, stderr_color)?.0
    };
    let config = spof_engine::plan::PlanConfig {
        today: loaded.today,
        max_steps: args.max_steps,
    };
    let bar = progress::Bar::new("planning");
    let plan = spof_engine::plan::plan(&loaded.model, &config, &|step, done, total| {
        bar.set(&format!("fix {}", step + 1), done as u64, total as u64);
    });
    bar.finish();
    let text = match args.format {
        Format::Text => spof_report::plan::text(&plan, color),
        Format::Json => spof_report::plan::json(&plan),
    };
    out(&text);
    Ok(ExitCode::SUCCESS)
}

fn run_fta(args: FtaArgs) -> Result<ExitCode> {
    let texts: Vec<(String, String)> = args
        .files
        .iter()
        .map(|path| files::read_text(path).map(|text| (path.clone(), text)))
        .collect::<std::result::Result<_, _>>()
        .map_err(Failure)?;
    let inputs: Vec<spof_mef::Input> = texts
        .iter()
        .map(|(name, text)| spof_mef::Input { name, text })
        .collect();
    let settings = spof_mef::Settings {
        mission_time: args.mission_time,
    };
    let tree = spof_mef::read(&inputs, &settings).map_err(|e| Failure(e.to_string()))?;
    let max_order = args.max_order.unwrap_or(u32::MAX);
    let config = spof_fta::fta::FtaConfig {
        max_order,
        top: args.top,
        ..Default::default()
    };
    // Decision diagrams recurse as deep as there are variables: give them room.
    let spinner = progress::Spinner::new("building the decision diagrams");
    let results = std::thread::scope(|scope| {
        std::thread::Builder::new()
            .stack_size(1 << 30)
            .spawn_scoped(scope, || {
                tree.top_gates()
                    .into_iter()
                    .map(|top| spof_fta::fta::analyze(&tree, top, &config))
                    .collect::<std::result::Result<Vec<_>, _>>()
            })
            .expect("a thread can be started")
            .join()
            .expect("the analysis does not panic")
    })
    .map_err(|_| {
        Failure("the decision diagram grew past its limit of nodes; try a lower --max-order".into())
    })?;
    drop(spinner);
    let names: Vec<&str> = args.files.iter().map(String::as_str).collect();
    let text = match args.format {
        Format::Text => spof_report::fta::text(&tree, &results, &names, args.max_order),
        Format::Json => spof_report::fta::json(&tree, &results, &names, args.max_order),
    };
    out(&text);
    Ok(ExitCode::SUCCESS)
}

/// `spof diff OLD NEW`: both models analysed the same way, their reports compared.
fn run_diff(args: DiffArgs, color: bool, stderr_color: bool) -> Result<ExitCode> {
    let json = args.format == Format::Json;
    let model_args = ModelArgs {
        model: None,
        example: None,
        today: args.today.clone(),
    };
    let mut snapshots = Vec::new();
    for path in [&args.old, &args.new] {
        let loaded = load(Some(path.clone()), &model_args, json, stderr_color)?;
        let report = check(
            &loaded.model,
            &Config {
                today: loaded.today,
                ..Config::default()
            },
        );
        let options = Options {
            file: loaded.file.clone(),
            ..Options::default()
        };
        snapshots.push(spof_report::baseline::Snapshot::of_report(
            &loaded.model,
            &report,
            &options,
        ));
    }
    let changes = spof_report::baseline::compare(&snapshots[0], &snapshots[1]);
    out(&match args.format {
        Format::Text => spof_report::baseline::diff_text(&args.old, &args.new, &changes, color),
        Format::Json => spof_report::baseline::diff_json(&args.old, &args.new, &changes),
    });
    Ok(if changes.got_worse() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// `spof decisions`: the risk register.
fn run_decisions(args: DecisionsArgs, color: bool, stderr_color: bool) -> Result<ExitCode> {
    let json = args.format == Format::Json;
    let loaded = load(args.path, &args.model, json, stderr_color)?;
    let report = check(
        &loaded.model,
        &Config {
            today: loaded.today,
            ..Config::default()
        },
    );
    let register =
        spof_engine::findings::decisions::register(&loaded.model, &report.findings, loaded.today);
    out(&match args.format {
        Format::Text => spof_report::decisions::text(
            &loaded.model,
            &report,
            &register,
            &loaded.file,
            loaded.today,
            color,
        ),
        Format::Json => spof_report::decisions::json(
            &loaded.model,
            &report,
            &register,
            &loaded.file,
            loaded.today,
        ),
    });
    Ok(ExitCode::SUCCESS)
}

/// A finding named by names, to find it again in another analysis.
fn finding_key(
    model: &Model,
    report: &spof_engine::Report,
    f: &spof_engine::findings::Finding,
) -> (String, Vec<String>, Option<String>) {
    (
        f.code.to_string(),
        f.components
            .iter()
            .map(|&c| model.components[c].name.clone())
            .collect(),
        f.event
            .map(|e| spof_engine::graph::event_id(model, report.analysis.graph.events[e as usize])),
    )
}

/// `spof accept`: a decision added to the model's text, checked to read back and to cover
/// the finding before the file is replaced.
fn run_accept(args: AcceptArgs, stderr_color: bool) -> Result<ExitCode> {
    let path = args.path.clone().unwrap_or_else(|| "spof.yaml".to_string());
    let rto = spof_model::Duration::parse(&args.rto)
        .map_err(|e| Failure(format!("--rto `{}`: {e}", args.rto)))?;
    let review_by = Date::parse(&args.review_by)
        .map_err(|e| Failure(format!("--review-by `{}`: {e}", args.review_by)))?;
    if args.owner.trim().is_empty() {
        return Err(Failure(
            "--owner is empty: name who answers for the decision".into(),
        ));
    }
    let text = files::read_model(&path).map_err(Failure)?;
    let model_args = ModelArgs {
        model: None,
        example: None,
        today: args.today.clone(),
    };
    let loaded = load(Some(path.clone()), &model_args, false, stderr_color)?;
    let model = &loaded.model;
    let config = Config {
        today: loaded.today,
        ..Config::default()
    };
    let report = check(model, &config);
    let journey = match &args.journey {
        Some(name) => Some(model.journey(name).ok_or_else(|| {
            let hint = spof_model::suggest(name, model.journeys.iter().map(|j| j.name.as_str()))
                .map(|n| format!("; did you mean `{n}`?"))
                .unwrap_or_default();
            Failure(format!("no journey `{name}` in {path}{hint}"))
        })?),
        None => None,
    };
    // The findings a decision can be about: not those about decisions themselves.
    let candidates: Vec<&spof_engine::findings::Finding> = report
        .findings
        .iter()
        .filter(|f| {
            spof_engine::findings::rule(&f.code)
                .is_some_and(|r| !matches!(r.kind, spof_engine::findings::RuleKind::Decisions))
        })
        .filter(|f| journey.is_none_or(|j| f.journeys.contains(&j)))
        .collect();
    let event_of = |f: &spof_engine::findings::Finding| {
        f.event
            .map(|e| spof_engine::graph::event_id(model, report.analysis.graph.events[e as usize]))
    };
    let target = args.target.trim();
    let (rule, rest) = match target.split_once(':') {
        Some((code, rest)) if spof_engine::findings::rule(code).is_some() => {
            (spof_engine::findings::rule(code), Some(rest))
        }
        _ => match spof_engine::findings::rule(target) {
            Some(rule) => (Some(rule), None),
            None => (None, Some(target)),
        },
    };
    let names = |f: &spof_engine::findings::Finding| -> Vec<&str> {
        f.components
            .iter()
            .map(|&c| model.components[c].name.as_str())
            .collect()
    };
    let matches: Vec<&spof_engine::findings::Finding> = candidates
        .iter()
        .copied()
        .filter(|f| rule.is_none_or(|r| r.code == f.code))
        .filter(|f| {
            rest.is_none_or(|rest| names(f).contains(&rest) || event_of(f).as_deref() == Some(rest))
        })
        .collect();
    let label = |f: &spof_engine::findings::Finding| match (names(f).as_slice(), event_of(f)) {
        (many, _) if rest.is_some_and(|r| many.contains(&r)) => {
            format!("{}:{}", f.code, rest.unwrap_or_default())
        }
        ([one], _) => format!("{}:{one}", f.code),
        (_, Some(event)) => format!("{}:{event}", f.code),
        ([], None) => f.code.to_string(),
        (many, None) => format!("{}:{}", f.code, many[0]),
    };
    let finding = match matches.as_slice() {
        [one] => *one,
        [] => {
            let mut words: Vec<String> = candidates.iter().map(|f| label(f)).collect();
            words.extend(model.components.iter().map(|c| c.name.clone()));
            let hint = spof_model::suggest(target, words.iter().map(String::as_str))
                .map(|n| format!("; did you mean `{n}`?"))
                .unwrap_or_default();
            let what = if rule.is_none() && model.component(target).is_none() {
                format!("`{target}` is neither a finding of {path} nor a component of it")
            } else {
                format!("no finding of {path} matches `{target}`")
            };
            let on = journey
                .map(|j| format!(" on journey {}", model.journeys[j].name))
                .unwrap_or_default();
            return Err(Failure(format!("{what}{on}{hint}")));
        }
        many => {
            // A component with several open findings, or a code several components have.
            let open: Vec<String> = many
                .iter()
                .filter(|f| f.decision.is_none())
                .map(|f| label(f))
                .collect();
            if let ([only], Some(_)) = (open.as_slice(), rest) {
                let f = many.iter().find(|f| label(f) == *only).expect("listed");
                *f
            } else {
                let mut all: Vec<String> = many.iter().map(|f| label(f)).collect();
                all.dedup();
                return Err(Failure(format!(
                    "`{target}` matches {} findings: {}; name one as CODE:COMPONENT",
                    many.len(),
                    all.join(", ")
                )));
            }
        }
    };
    if let Some(state) = &finding.decision {
        let decision = &model.decisions[state.index];
        return Err(Failure(format!(
            "{} already has a decision at {path}:{} ({} by {}{}); edit or remove it there",
            label(finding),
            decision.span.line,
            decision.status.as_str(),
            decision.owner.as_deref().unwrap_or("nobody named"),
            if state.in_force() {
                ""
            } else {
                ", not in force"
            }
        )));
    }
    // What the decision names: the component, or the event when the finding is about several
    // components (a zone holding them all).
    let mut fields: Vec<(&str, String)> = vec![("finding", finding.code.to_string())];
    let components = names(finding);
    match (rest, components.as_slice(), event_of(finding)) {
        (Some(rest), _, _) if components.contains(&rest) => {
            fields.push(("component", spof_model::text_edit::scalar(rest)))
        }
        (_, [one], _) => fields.push(("component", spof_model::text_edit::scalar(one))),
        (_, _, Some(event)) => fields.push(("event", spof_model::text_edit::scalar(&event))),
        _ => {}
    }
    fields.push(("status", args.status.as_str().to_string()));
    fields.push(("owner", spof_model::text_edit::scalar(args.owner.trim())));
    fields.push(("reason", spof_model::text_edit::scalar(args.reason.trim())));
    fields.push(("rto", rto.to_string()));
    if let Some(remediation) = &args.remediation {
        fields.push((
            "remediation",
            spof_model::text_edit::scalar(remediation.trim()),
        ));
    }
    fields.push(("review_by", review_by.to_string()));
    let insertion = spof_model::text_edit::add_decision(&text, &fields)
        .map_err(|e| Failure(format!("cannot add the decision to {path}: {e}")))?;
    // The result must read back, and the decision must cover the finding.
    let parsed = parse_model(&insertion.text, &ParseLimits::default());
    let Some(new_model) = parsed.model.filter(|_| {
        parsed
            .diagnostics
            .iter()
            .all(|d| d.severity != spof_model::Severity::Error)
    }) else {
        let first = parsed
            .diagnostics
            .iter()
            .find(|d| d.severity == spof_model::Severity::Error)
            .map(|d| d.message.clone())
            .unwrap_or_default();
        return Err(Failure(format!(
            "the decision would not read back ({first}); {path} is unchanged"
        )));
    };
    let new_report = check(&new_model, &config);
    let key = finding_key(model, &report, finding);
    let Some(covered) = new_report
        .findings
        .iter()
        .find(|f| finding_key(&new_model, &new_report, f) == key)
    else {
        return Err(Failure(format!(
            "{} is gone once the decision is added; {path} is unchanged",
            label(finding)
        )));
    };
    if !covered.is_decided() {
        let why = match &covered.decision {
            Some(state) if state.expired => format!(
                "--review-by {review_by} is already past (today {})",
                loaded.today.map(|t| t.to_string()).unwrap_or_default()
            ),
            Some(state) if state.rto_exceeded.is_some() => {
                match state.rto_exceeded.and_then(|e| e.found) {
                    Some(found) => {
                        format!("recovery takes {found}, over the --rto {rto} it would accept")
                    }
                    None => format!(
                        "recovery takes an unknown time, so the --rto {rto} it would accept may not hold"
                    ),
                }
            }
            Some(state) if !state.missing.is_empty() => {
                format!("it lacks {}", state.missing.join(" and "))
            }
            Some(_) => "it is not in force".to_string(),
            None => "an earlier decision matches the finding first".to_string(),
        };
        return Err(Failure(format!(
            "the decision would not hide {}: {why}; {path} is unchanged",
            label(finding)
        )));
    }
    files::replace(&path, &insertion.text).map_err(Failure)?;
    let written = files::read_model(&path).map_err(Failure)?;
    if written != insertion.text {
        return Err(Failure(format!(
            "{path} changed while the decision was written; check it"
        )));
    }
    err(&format!(
        "added to {path} at line {}: {} {} by {} until {review_by}, accepted RTO {rto}; it no longer fails the run\n",
        insertion.line,
        label(finding),
        args.status.as_str(),
        args.owner.trim(),
    ));
    Ok(ExitCode::SUCCESS)
}

fn run_init(args: InitArgs) -> Result<ExitCode> {
    // Said before any question is asked, not after the last one.
    if !args.force && std::path::Path::new(&args.path).exists() {
        return Err(Failure(format!(
            "{} already exists; pass --force to overwrite it",
            args.path
        )));
    }
    let terminal = std::io::stdin().is_terminal();
    let stdin = std::io::stdin();
    let source = if args.template {
        None
    } else if let Some(file) = &args.answers {
        let text = files::read_text(file).map_err(Failure)?;
        Some(guided::Source {
            lines: Box::new(std::io::Cursor::new(text)),
            name: file.clone(),
            interactive: false,
        })
    } else if args.from_stdin || terminal {
        Some(guided::Source {
            lines: Box::new(stdin.lock()),
            name: "standard input".into(),
            interactive: terminal && !args.from_stdin,
        })
    } else {
        err(
            "standard input is not a terminal: writing the commented template (answer the questions with --answers FILE or --from-stdin)\n",
        );
        None
    };
    let text = match source {
        None => examples::TEMPLATE.to_string(),
        Some(source) => {
            if source.interactive {
                err("A few questions about the system; Enter takes the answer in brackets.\n");
            }
            let text = guided::run(source, &mut |s| err(s)).map_err(Failure)?;
            // The answers always make a valid model; checked before anything is written.
            let parsed = parse_model(&text, &ParseLimits::default());
            if parsed.model.is_none() {
                return Err(Failure(format!(
                    "the answers gave a model spof cannot read: {:?}",
                    parsed.diagnostics
                )));
            }
            text
        }
    };
    files::write_new(&args.path, &text, args.force).map_err(Failure)?;
    err(&format!(
        "wrote {}; edit it, then run `spof check {}`\n",
        args.path, args.path
    ));
    Ok(ExitCode::SUCCESS)
}
