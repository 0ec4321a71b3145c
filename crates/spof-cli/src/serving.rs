//! `spof serve` and `spof check --format html`: the interactive diagram, served with live
//! reload or written as one file.

use crate::{Failure, ModelArgs, Result, err, importing, load_with_policy, policy};
use clap::Args;
use spof_model::{Date, Model, ParseLimits, parse_model};
use spof_report::Options;
use spof_report::web::ErrorJson;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::process::ExitCode;

/// The largest model whose HTML report carries the remediation plan's frames (the plan is
/// computed when the file is written); larger ones say to run `spof plan` or `spof serve`.
pub const HTML_PLAN_COMPONENTS: usize = 500;

#[derive(Args)]
pub struct ServeArgs {
    /// The model file (default spof.yaml).
    #[arg(value_name = "MODEL", conflicts_with_all = ["model", "from"])]
    path: Option<String>,
    #[command(flatten)]
    model: ModelArgs,
    /// Serve files of another format directly, as `spof check --from` does; the page follows
    /// them and the overlays as they change.
    #[arg(long, value_name = "[FORMAT:]PATH", conflicts_with_all = ["model", "example"])]
    from: Vec<String>,
    /// An overlay applied to the imported model (see docs/importers.md). Repeatable.
    #[arg(long, value_name = "FILE", requires = "from")]
    overlay: Vec<String>,
    /// The port (0: any free one).
    #[arg(long, default_value_t = 7420)]
    port: u16,
    /// The address to listen on. Only 127.0.0.1 (the default) or ::1 keep the model to this
    /// machine; any other address makes it readable by others on the network.
    #[arg(long, default_value_t = IpAddr::V4(Ipv4Addr::LOCALHOST))]
    host: IpAddr,
    /// Open the page in the default browser.
    #[arg(long)]
    open: bool,
    #[command(flatten)]
    policy: policy::PolicyArgs,
}

/// The self-contained HTML report of a checked model, with the plan's frames when the model
/// is small enough to plan while writing.
pub fn html_report(
    model: &Model,
    report: &spof_engine::Report,
    options: &Options,
    today: Option<Date>,
) -> String {
    let (plan, note) = if model.components.len() <= HTML_PLAN_COMPONENTS {
        let plan = spof_engine::plan::plan(
            model,
            &spof_engine::plan::PlanConfig {
                today,
                max_steps: 40,
            },
            &|_, _, _| {},
        );
        (Some(plan), None)
    } else {
        (
            None,
            Some(format!(
                "The plan's frames are left out of files of more than {HTML_PLAN_COMPONENTS} components: run `spof plan` or `spof serve`."
            )),
        )
    };
    let view = spof_report::web::view(model, report, options, "report", true, plan.as_ref(), note);
    spof_report::web::html(&view)
}

/// The located errors of a model file, for the page; empty when it reads.
fn model_errors(file: &str) -> Vec<ErrorJson> {
    let text = match crate::files::read_model(file) {
        Ok(text) => text,
        Err(message) => {
            return vec![ErrorJson {
                file: file.to_string(),
                line: None,
                column: None,
                message,
                help: None,
            }];
        }
    };
    let parsed = parse_model(&text, &ParseLimits::default());
    parsed
        .diagnostics
        .iter()
        .filter(|d| d.severity == spof_model::Severity::Error)
        .map(|d| ErrorJson {
            file: file.to_string(),
            line: d.span.map(|s| s.line),
            column: d.span.map(|s| s.column),
            message: d.message.clone(),
            help: d.help.clone(),
        })
        .collect()
}

pub fn run_serve(args: ServeArgs, stderr_color: bool) -> Result<ExitCode> {
    let file = args
        .path
        .clone()
        .or_else(|| args.model.model.clone())
        .or_else(|| {
            (args.model.example.is_none() && args.from.is_empty()).then(|| "spof.yaml".into())
        });
    // Read once before serving: a model that does not read at all is said here, not in a page.
    let first = load_with_policy(
        args.path.clone(),
        &args.model,
        &args.from,
        &args.overlay,
        &args.policy,
        false,
        stderr_color,
    )?;
    drop(first);
    let mut watch: Vec<std::path::PathBuf> = Vec::new();
    if let Some(file) = &file {
        watch.push(file.into());
    }
    for input in &args.from {
        watch.push(importing::Input::parse(input).path.into());
    }
    watch.extend(args.overlay.iter().map(Into::into));
    let today = match &args.model.today {
        Some(text) => Some(Date::parse(text).map_err(|e| Failure(format!("--today: {e}")))?),
        None => Some(crate::files::system_today()),
    };
    let (path, model_args, from, overlay, policy_args) = (
        args.path.clone(),
        args.model.clone(),
        args.from.clone(),
        args.overlay.clone(),
        args.policy.clone(),
    );
    let loader = move || {
        if let Some(file) = &file {
            let errors = model_errors(file);
            if !errors.is_empty() {
                err(&format!(
                    "{file}: {} error(s); the page keeps the last good diagram\n",
                    errors.len()
                ));
                return Err(errors);
            }
        }
        let (loaded, imported, policy) = load_with_policy(
            path.clone(),
            &model_args,
            &from,
            &overlay,
            &policy_args,
            false,
            stderr_color,
        )
        .map_err(|Failure(message)| {
            vec![ErrorJson {
                file: file.clone().unwrap_or_default(),
                line: None,
                column: None,
                message,
                help: None,
            }]
        })?;
        let report = spof_engine::check(&loaded.model, &crate::config_of(&loaded, policy.as_ref()));
        let mut report = report;
        if let Some(imported) = &imported {
            crate::note_import(&mut report.checklist, imported);
            for finding in &mut report.findings {
                finding.span = None;
            }
        }
        let options = Options {
            file: loaded.file.clone(),
            ..Default::default()
        };
        Ok(spof_serve::Served {
            model: loaded.model,
            report,
            options,
        })
    };
    let addr = SocketAddr::new(args.host, args.port);
    let open = args.open;
    spof_serve::serve(
        Box::new(loader),
        spof_serve::Settings {
            addr,
            watch,
            today,
            debounce: std::time::Duration::from_millis(150),
        },
        |bound| {
            let host = match bound.ip() {
                IpAddr::V6(ip) => format!("[{ip}]"),
                IpAddr::V4(ip) => ip.to_string(),
            };
            let url = format!("http://{host}:{}/", bound.port());
            if !spof_serve::is_loopback(&bound) {
                err(&format!(
                    "warning: listening on {bound}: anyone who can reach this address can read the model\n"
                ));
            }
            crate::out(&format!("spof serve: {url} (Ctrl-C to stop)\n"));
            if open {
                open_browser(&url);
            }
        },
    )
    .map_err(|e| {
        Failure(match e.kind() {
            std::io::ErrorKind::AddrInUse => {
                format!("{addr} is in use; pass another --port (0 for any free one)")
            }
            _ => format!("serving on {addr}: {e}"),
        })
    })?;
    Ok(ExitCode::SUCCESS)
}

/// Opens `url` in the default browser, quietly doing nothing where there is none.
fn open_browser(url: &str) {
    let command = if cfg!(target_os = "macos") {
        "open"
    } else if cfg!(windows) {
        "explorer"
    } else {
        "xdg-open"
    };
    if std::process::Command::new(command)
        .arg(url)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .is_err()
    {
        err(&format!(
            "could not open a browser ({command}); open {url}\n"
        ));
    }
}
