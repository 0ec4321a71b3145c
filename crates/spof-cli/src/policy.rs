//! Finding and reading the policy file: `--policy FILE`, or else `spof.toml` beside the model
//! (in the current folder for a built-in example or an import), unless `--no-policy`. Problems
//! in it are shown like problems in a model, with file, line and column.

use crate::diagnostics;
use spof_model::policy::{KnownCode, Policy, parse_policy};

/// The file looked for beside the model.
pub const FILE_NAME: &str = "spof.toml";

/// How the command line asks for a policy.
#[derive(clap::Args, Clone, Default)]
pub struct PolicyArgs {
    /// The policy file: severity overrides, fail_on, import ignores and custom rules
    /// (docs/policy.md). Default: spof.toml beside the model (or in the current folder for
    /// --example and --from), when there is one.
    #[arg(long, value_name = "FILE", conflicts_with = "no_policy")]
    pub policy: Option<String>,
    /// Use no policy, even if spof.toml is there.
    #[arg(long)]
    pub no_policy: bool,
}

/// A policy read, and the file it came from.
pub struct Found {
    pub file: String,
    pub policy: Policy,
}

/// The policy to apply, if any: the one named, or the one beside `model_file` (a model on
/// disk), or in the current folder. Errors in it are shown on standard error and end the run.
pub fn load(
    args: &PolicyArgs,
    model_file: Option<&str>,
    stderr_color: bool,
) -> Result<Option<Found>, String> {
    if args.no_policy {
        return Ok(None);
    }
    let file = match &args.policy {
        Some(file) => file.clone(),
        None => {
            let folder = model_file
                .and_then(|m| std::path::Path::new(m).parent())
                .filter(|p| !p.as_os_str().is_empty());
            let path = match folder {
                Some(folder) => folder.join(FILE_NAME),
                None => std::path::PathBuf::from(FILE_NAME),
            };
            if !path.is_file() {
                return Ok(None);
            }
            path.to_string_lossy().to_string()
        }
    };
    let text = crate::files::read_text(&file)?;
    let known: Vec<KnownCode> = spof_engine::findings::RULES
        .iter()
        .map(|r| KnownCode {
            code: r.code,
            name: r.name,
        })
        .collect();
    let parsed = parse_policy(&text, &known);
    if !parsed.diagnostics.is_empty() {
        crate::err(&diagnostics::render(
            &parsed.diagnostics,
            &file,
            &text,
            stderr_color,
        ));
    }
    match parsed.policy {
        Some(policy) => Ok(Some(Found { file, policy })),
        None => {
            let count = parsed
                .diagnostics
                .iter()
                .filter(|d| d.severity == spof_model::Severity::Error)
                .count();
            Err(format!(
                "{file}: {count} error{} in the policy",
                if count == 1 { "" } else { "s" }
            ))
        }
    }
}
