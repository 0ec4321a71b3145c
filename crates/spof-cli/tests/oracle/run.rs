//! Running the `spof` binary on a model file, and reading what it prints.

use std::collections::BTreeSet;
use std::path::PathBuf;

use assert_cmd::Command;
use serde_json::Value;

/// The date every command is run with, so that output does not depend on the day.
const TODAY: &str = "2026-11-23";

/// A model written to a temporary file for the commands to read.
pub struct ModelFile {
    _dir: tempfile::TempDir,
    pub path: PathBuf,
}

impl ModelFile {
    pub fn new(yaml: &str) -> ModelFile {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let path = dir.path().join("model.yaml");
        std::fs::write(&path, yaml).expect("the model written");
        ModelFile { _dir: dir, path }
    }

    pub fn path_text(&self) -> String {
        self.path.display().to_string()
    }
}

/// What a command printed, with the command line for messages.
pub struct Output {
    pub command: String,
    pub stdout: String,
}

/// Runs `spof ARGS --today … --color never`; an exit code other than 0 or 1 (a rejected model,
/// a panic) is an error.
pub fn spof(args: &[String]) -> Result<Output, String> {
    let mut command = Command::cargo_bin("spof").expect("the spof binary");
    command
        .args(args)
        .args(["--today", TODAY, "--color", "never"]);
    let output = command
        .output()
        .map_err(|e| format!("cannot run spof: {e}"))?;
    let command_line = format!("spof {}", args.join(" "));
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&output.stderr);
    match output.status.code() {
        Some(0 | 1) if !stderr.contains("panicked") => Ok(Output {
            command: command_line,
            stdout,
        }),
        code => Err(format!(
            "`{command_line}` exited with {code:?}\nstderr:\n{}",
            stderr.lines().take(12).collect::<Vec<_>>().join("\n")
        )),
    }
}

/// Runs a command that prints JSON and parses it.
pub fn spof_json(args: &[String]) -> Result<(String, Value), String> {
    let output = spof(args)?;
    let value = serde_json::from_str(&output.stdout)
        .map_err(|e| format!("`{}` printed no JSON: {e}", output.command))?;
    Ok((output.command, value))
}

/// The strings of a JSON array (empty when the value is not one).
pub fn strings(value: &Value) -> Vec<String> {
    value
        .as_array()
        .map(|items| {
            items
                .iter()
                .filter_map(|item| item.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

pub fn string_set(value: &Value) -> BTreeSet<String> {
    strings(value).into_iter().collect()
}

/// A JSON array's items (empty when the value is not one).
pub fn items(value: &Value) -> &[Value] {
    value.as_array().map(Vec::as_slice).unwrap_or(&[])
}

/// Whether two shares (0 to 1) agree within 1e-9.
pub fn close(expected: f64, got: f64) -> bool {
    (expected - got).abs() <= 1e-9
}

/// Whether two probabilities agree within a relative 1e-9 (they may be as small as 1e-12).
pub fn close_relative(expected: f64, got: f64) -> bool {
    (expected - got).abs() <= 1e-9 * expected.abs() + 1e-18
}
