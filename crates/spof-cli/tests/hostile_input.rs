//! Hostile and broken input through `spof check`: YAML bombs, deep nesting, binary files,
//! absurd numbers, huge files, typos and several errors at once. Every case must end with
//! exit code 2 (or, for a huge but valid model, 0 or 1), a clear message located at
//! `file:line:column` where a place makes sense, within a bounded time, and without touching
//! the model file.

use assert_cmd::Command;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Generous for a debug build on a slow shared machine; a hang or a quadratic blow-up on
/// these inputs takes far longer.
const TIME_BOUND: Duration = Duration::from_secs(20);

/// The file name the model is written to, as it appears in messages.
const FILE: &str = "model.yaml";

struct Outcome {
    code: i32,
    stdout: String,
    stderr: String,
}

/// Writes `bytes` to a fresh folder, runs `spof check model.yaml` there, and checks the time
/// bound, that the process exited by itself (no signal, no panic) and that the file is
/// unchanged.
fn check_bytes(bytes: &[u8]) -> Outcome {
    check_bytes_within(bytes, TIME_BOUND)
}

/// One `spof check` at a time: the cases run on a shared 2-core machine, and several huge
/// inputs checked at once would measure each other rather than spof.
static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

fn check_bytes_within(bytes: &[u8], bound: Duration) -> Outcome {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(FILE);
    std::fs::write(&path, bytes).unwrap();
    let turn = ONE_AT_A_TIME
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    let started = Instant::now();
    let output = Command::cargo_bin("spof")
        .unwrap()
        .current_dir(dir.path())
        .args(["check", FILE, "--color", "never", "--today", "2026-11-23"])
        // Kills a hung process; the wall-clock assertion below is the real bound.
        .timeout(bound * 3)
        .output()
        .unwrap();
    let elapsed = started.elapsed();
    drop(turn);
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert!(
        elapsed < bound,
        "spof check took {elapsed:?} (bound {bound:?})"
    );
    assert!(
        !stderr.contains("panicked"),
        "spof panicked:\n{}",
        excerpt(&stderr)
    );
    let Some(code) = output.status.code() else {
        panic!(
            "spof was killed by a signal ({:?}):\n{}",
            output.status,
            excerpt(&stderr)
        );
    };
    assert!(
        std::fs::read(&path).unwrap() == bytes,
        "the model file was changed"
    );
    Outcome {
        code,
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr,
    }
}

/// Runs `spof check` on `bytes` and expects it to refuse the model: exit 2, no report.
/// Returns standard error.
fn rejected(bytes: impl AsRef<[u8]>) -> String {
    let outcome = check_bytes(bytes.as_ref());
    assert_eq!(
        outcome.code,
        2,
        "expected exit 2\nstdout:\n{}\nstderr:\n{}",
        excerpt(&outcome.stdout),
        excerpt(&outcome.stderr)
    );
    assert!(
        outcome.stdout.is_empty(),
        "a refused model prints no report:\n{}",
        excerpt(&outcome.stdout)
    );
    outcome.stderr
}

/// The diagnostics in standard error, one block each (they are separated by blank lines).
fn blocks(stderr: &str) -> impl Iterator<Item = &str> {
    stderr
        .split("\n\n")
        .filter(|b| b.contains('×') || b.contains('⚠'))
}

/// Asserts that an error saying `message` is reported at `line:column`, either in the header
/// of its source excerpt (`[model.yaml:4:15]`) or before the message when the excerpt is left
/// out (`model.yaml:4:15: × ...`).
fn assert_error_at(stderr: &str, line: u32, column: u32, message: &str) {
    let place = format!("{FILE}:{line}:{column}");
    assert!(
        blocks(stderr).any(|b| b.contains('×') && b.contains(&place) && b.contains(message)),
        "no error at {line}:{column} saying {message:?} in:\n{}",
        excerpt(stderr)
    );
}

/// Asserts that an error saying `message` is reported at some `model.yaml:line:column`, and
/// returns that place.
fn assert_error_located(stderr: &str, message: &str) -> (u32, u32) {
    for block in blocks(stderr).filter(|b| b.contains('×') && b.contains(message)) {
        for (i, _) in block.match_indices(&format!("{FILE}:")) {
            let rest = &block[i + FILE.len() + 1..];
            let numbers: Vec<u32> = rest
                .split(|c: char| !c.is_ascii_digit())
                .take(2)
                .map_while(|n| n.parse().ok())
                .collect();
            if let [line, column] = numbers[..] {
                return (line, column);
            }
        }
    }
    panic!(
        "no located error saying {message:?} in:\n{}",
        excerpt(stderr)
    );
}

/// The number of errors spof says it found, from its closing line
/// (`error: model.yaml: 3 errors in the model`).
fn error_count(stderr: &str) -> usize {
    let line = stderr
        .lines()
        .rev()
        .find(|l| l.starts_with("error: "))
        .unwrap_or_else(|| panic!("no closing error line in:\n{}", excerpt(stderr)));
    let count = line.rsplit(": ").next().unwrap().split(' ').next().unwrap();
    count
        .parse()
        .unwrap_or_else(|_| panic!("no error count in {line:?}"))
}

/// The start of a long output, for assertion messages.
fn excerpt(text: &str) -> String {
    const MAX: usize = 4000;
    if text.len() <= MAX {
        return text.to_string();
    }
    let mut end = MAX;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}… ({} bytes in all)", &text[..end], text.len())
}

/// Deterministic pseudo-random bytes (xorshift64*), so a failure can be reproduced.
fn random_bytes(len: usize, mut state: u64) -> Vec<u8> {
    let mut out = Vec::with_capacity(len);
    while out.len() < len {
        state ^= state >> 12;
        state ^= state << 25;
        state ^= state >> 27;
        out.extend_from_slice(&state.wrapping_mul(0x2545_F491_4F6C_DD1D).to_le_bytes());
    }
    out.truncate(len);
    out
}

#[test]
fn billion_laughs_alias_bomb() {
    // Ten levels of ten aliases: 10^10 values if expanded.
    let mut text = String::from("a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    for level in 1..10 {
        let previous = format!("*a{}", level - 1);
        let items = [previous.as_str(); 10].join(", ");
        text.push_str(&format!("a{level}: &a{level} [{items}]\n"));
    }
    text.push_str("components:\n  app:\n    kind: service\n    description: *a9\n");
    let stderr = rejected(&text);
    let (line, _) = assert_error_located(&stderr, "aliases expand to too many values");
    assert!(
        (1..=10).contains(&line),
        "the error points into the anchors: line {line}"
    );
    assert!(stderr.contains("not valid YAML"), "{}", excerpt(&stderr));
    assert_eq!(error_count(&stderr), 1);
}

#[test]
fn hundred_thousand_nested_lists() {
    let stderr = rejected("[".repeat(100_000));
    let (line, _) = assert_error_located(&stderr, "nested too deeply");
    assert_eq!(line, 1);
    assert_eq!(error_count(&stderr), 1);
    // The 100,000-character line is not echoed whole.
    assert!(stderr.len() < 10_000, "{} bytes of messages", stderr.len());
}

#[test]
fn hundred_thousand_nested_mappings() {
    let stderr = rejected("{a: ".repeat(100_000));
    let (line, _) = assert_error_located(&stderr, "nested too deeply");
    assert_eq!(line, 1);
    assert_eq!(error_count(&stderr), 1);
    assert!(stderr.len() < 10_000, "{} bytes of messages", stderr.len());
    // Without the space, `{a:{a:...` is refused too, one way or another.
    let stderr = rejected("{a:".repeat(100_000));
    let (line, _) = assert_error_located(&stderr, "not valid YAML");
    assert_eq!(line, 1);
}

#[test]
fn binary_file_with_nul_bytes() {
    let mut bytes = random_bytes(64 * 1024, 0x005e_ed0f_b10b);
    bytes[100] = 0;
    let stderr = rejected(&bytes);
    // A binary file has no line to point at: the message names the file and the problem.
    assert!(
        stderr.contains(&format!(
            "{FILE} is not a text file (it contains NUL bytes)"
        )),
        "{}",
        excerpt(&stderr)
    );
}

#[test]
fn invalid_utf8_without_nul_bytes() {
    let stderr = rejected(b"components:\n  app:\n    kind: \xff\xfe service\n");
    assert!(
        stderr.contains(&format!(
            "{FILE} is not UTF-8 text (invalid byte at offset 29)"
        )),
        "{}",
        excerpt(&stderr)
    );
}

#[test]
fn utf8_text_that_is_not_yaml() {
    let text = "fn main() {\n    println!(\"héllo, wörld 🙂\");\n}\n]] :: {{ \"unterminated\n";
    let stderr = rejected(text);
    assert_error_at(&stderr, 4, 5, "not valid YAML");
    assert_eq!(error_count(&stderr), 1);
}

#[test]
fn prose_is_not_a_model() {
    // Plain prose is valid YAML (one string), but not a model.
    let stderr =
        rejected("Just some notes about our system.\nIt has a database and two app servers.\n");
    assert_error_at(&stderr, 1, 1, "should be a mapping");
}

#[test]
fn replicas_too_large_for_any_integer_type() {
    let stderr = rejected(
        "components:\n  app:\n    kind: service\n    replicas: 99999999999999999999999999\n",
    );
    assert_error_at(&stderr, 4, 15, "`replicas` is ");
    assert!(
        stderr.contains("it must be from 1 to 1000000"),
        "{}",
        excerpt(&stderr)
    );
    assert_eq!(error_count(&stderr), 1);
    // Known wart, reported: the number is read as a float and shown rounded
    // (`100000000000000004764729344`), not as written.
}

#[test]
fn replicas_zero() {
    let stderr = rejected("components:\n  app:\n    kind: service\n    replicas: 0\n");
    assert_error_at(
        &stderr,
        4,
        15,
        "`replicas` is 0; it must be from 1 to 1000000",
    );
    assert_eq!(error_count(&stderr), 1);
}

#[test]
fn replicas_negative() {
    let stderr = rejected("components:\n  app:\n    kind: service\n    replicas: -3\n");
    assert_error_at(
        &stderr,
        4,
        15,
        "`replicas` is -3; it must be from 1 to 1000000",
    );
    assert_eq!(error_count(&stderr), 1);
}

#[test]
fn min_healthy_larger_than_replicas() {
    let stderr =
        rejected("components:\n  app:\n    kind: service\n    replicas: 2\n    min_healthy: 3\n");
    assert_error_at(&stderr, 5, 18, "needs 3 healthy instances but has only 2");
    assert!(
        stderr.contains("lower `min_healthy` to at most 2"),
        "{}",
        excerpt(&stderr)
    );
    assert_eq!(error_count(&stderr), 1);
}

#[test]
fn twenty_megabyte_scalar() {
    let huge = "x".repeat(20 * 1024 * 1024);
    // The whole document one huge string.
    let stderr = rejected(&huge);
    assert_error_at(&stderr, 1, 1, "should be a mapping");
    assert!(
        stderr.len() < 10_000,
        "the huge line is echoed: {} bytes of messages",
        stderr.len()
    );
    // A huge description next to a typo: the error is located, and the huge line beside it
    // is not echoed.
    let stderr = rejected(format!(
        "components:\n  app:\n    kind: service\n    description: {huge}\n    replica: 2\n"
    ));
    assert_error_at(&stderr, 5, 5, "unknown key `replica`");
    assert!(
        stderr.contains("did you mean `replicas`?"),
        "{}",
        excerpt(&stderr)
    );
    assert!(
        stderr.len() < 10_000,
        "the huge line is echoed: {} bytes of messages",
        stderr.len()
    );
}

/// An error far to the right on a long line: the terminal renderer (miette) panicked on a
/// label past column 65,535 ("Formatting argument out of range"); such a line is now left out
/// of the excerpt and the place given before the message.
#[test]
fn error_past_column_65535() {
    let padding = " ".repeat(70_000);
    let stderr = rejected(format!("components: {{{padding}app: {{kind: servce}}}}\n"));
    let column = "components: {".len() + padding.len() + "app: {kind: ".len() + 1;
    assert_error_at(&stderr, 1, column as u32, "`servce` is not known");
    assert!(
        stderr.contains("did you mean `service`?"),
        "{}",
        excerpt(&stderr)
    );
    assert!(
        stderr.len() < 10_000,
        "the long line is echoed: {} bytes of messages",
        stderr.len()
    );
}

/// A huge unknown value is echoed as its start and end in the message (`a component's `kind`
/// `xxx…xxx` is not known`), not whole: 20 MB of message took the renderer about 30 s.
#[test]
#[cfg_attr(debug_assertions, ignore = "slow in a debug build; run with --release")]
fn twenty_megabyte_unknown_kind() {
    let huge = "x".repeat(20 * 1024 * 1024);
    let stderr = rejected(format!("components:\n  app:\n    kind: {huge}\n"));
    assert_error_at(&stderr, 3, 11, "a component's `kind`");
    assert!(
        stderr.len() < 10_000,
        "the huge value is echoed: {} bytes of messages",
        stderr.len()
    );
}

/// `components:` and `n` components in a chain, each depending on the next.
fn chain(n: usize, replicas: u32) -> String {
    let mut text = String::with_capacity(n * 60);
    text.push_str("components:\n");
    for i in 0..n - 1 {
        text.push_str(&format!(
            "  c{i}: {{kind: service, replicas: {replicas}, depends_on: [c{}]}}\n",
            i + 1
        ));
    }
    text.push_str(&format!(
        "  c{}: {{kind: database, replicas: {replicas}}}\n",
        n - 1
    ));
    text
}

/// 200,000 components, chained so that the dependency graph is as deep as it gets. Reading
/// them takes a debug build's YAML reader 1.5 to 15 minutes on the shared 2-core machine, so
/// this runs in release builds only: `cargo test --release -p spof-cli --test hostile_input`.
/// There it takes about 5 s of processor time, 15 to 60 s of wall time on the busy machine.
#[test]
#[cfg_attr(debug_assertions, ignore = "slow in a debug build; run with --release")]
fn two_hundred_thousand_components() {
    let text = chain(200_000, 2);
    let bound = Duration::from_secs(if cfg!(debug_assertions) { 900 } else { 90 });
    let outcome = check_bytes_within(text.as_bytes(), bound);
    assert!(
        outcome.code == 0 || outcome.code == 1,
        "exit {}\n{}",
        outcome.code,
        excerpt(&outcome.stderr)
    );
    assert!(
        outcome.stdout.contains("c199999"),
        "{}",
        excerpt(&outcome.stdout)
    );
}

/// A dependency chain deeper than a recursive graph walk can go: petgraph's Tarjan overflowed
/// the stack (abort, signal 6) at about 18,000 components in a debug build. Reading 20,000
/// components takes a debug build about 6 s of processor time, and three times that in wall
/// time when the machine is busy: hence a larger bound.
#[test]
fn deep_dependency_chain() {
    let outcome = check_bytes_within(chain(20_000, 2).as_bytes(), Duration::from_secs(120));
    assert!(
        outcome.code == 0 || outcome.code == 1,
        "exit {}\n{}",
        outcome.code,
        excerpt(&outcome.stderr)
    );
}

/// A chain of single instances: every instance takes down every component above it, and the
/// analysis keeps and prints each of those lists, so memory and output grow with the square
/// of the chain (release build: 2,000 components 2.5 s and 200 MB; 4,000: 14 s and 780 MB;
/// 8,000: 87 s, 3 GB and 550 MB of JSON; 30,000 passed 10 GB before it was stopped).
#[test]
fn long_chain_of_single_instances() {
    // Every event takes every component above it down: the report lists a screenful and
    // counts the rest, so this is linear (it was quadratic in memory and output).
    let outcome = check_bytes(chain(20_000, 1).as_bytes());
    assert!(
        outcome.code == 0 || outcome.code == 1,
        "exit {}\n{}",
        outcome.code,
        excerpt(&outcome.stderr)
    );
}

/// 100,000 single instances in a chain, and 100,000 services on one DNS: each event lists a
/// screenful of what it takes and counts the rest, so both are linear. Release builds only
/// (the debug build's YAML reader alone takes minutes): `cargo test --release -p spof-cli
/// --test hostile_input`; BENCHMARKS.md has the figures.
#[test]
#[cfg_attr(debug_assertions, ignore = "slow in a debug build; run with --release")]
fn hundred_thousand_in_a_chain_and_on_one_dns() {
    let outcome = check_bytes_within(chain(100_000, 1).as_bytes(), Duration::from_secs(90));
    assert_eq!(outcome.code, 1, "{}", excerpt(&outcome.stderr));
    assert!(
        outcome.stdout.contains("c99992, c99991 and 99991 more"),
        "{}",
        excerpt(&outcome.stdout)
    );
    let mut text = String::from("components:\n  dns: {kind: dns}\n");
    for i in 0..100_000 {
        text.push_str(&format!("  s{i}: {{kind: service, depends_on: [dns]}}\n"));
    }
    let outcome = check_bytes_within(text.as_bytes(), Duration::from_secs(90));
    assert_eq!(outcome.code, 1, "{}", excerpt(&outcome.stderr));
    assert!(
        outcome.stdout.contains("dns/1"),
        "{}",
        excerpt(&outcome.stdout)
    );
}

/// 100,000 services over a hierarchy of domains 64 deep (the most the reader accepts): every
/// walk up the hierarchy is bounded, so this is linear too. Release builds only.
#[test]
#[cfg_attr(debug_assertions, ignore = "slow in a debug build; run with --release")]
fn hundred_thousand_services_in_nested_domains() {
    let mut text = String::from("domains:\n  d0: {kind: region}\n");
    for i in 1..64 {
        text.push_str(&format!("  d{i}: {{kind: k{i}, in: d{}}}\n", i - 1));
    }
    text.push_str("components:\n");
    for c in 0..100_000 {
        text.push_str(&format!(
            "  s{c}: {{kind: service, replicas: 2, in: [d{}]}}\n",
            c % 64
        ));
    }
    let outcome = check_bytes_within(text.as_bytes(), Duration::from_secs(90));
    assert_eq!(outcome.code, 1, "{}", excerpt(&outcome.stderr));
    assert!(
        outcome.stdout.contains("Single points of failure (64)"),
        "{}",
        excerpt(&outcome.stdout)
    );
}

/// A hierarchy of domains deeper than any real one is a located error, found in linear time
/// (it was a stack overflow after minutes and gigabytes, from walks up the hierarchy).
#[test]
fn domains_nested_twenty_thousand_deep() {
    let mut text = String::from("domains:\n  d0: {kind: region}\n");
    for i in 1..20_000 {
        text.push_str(&format!("  d{i}: {{kind: k{i}, in: d{}}}\n", i - 1));
    }
    text.push_str("components:\n  a: {kind: service, replicas: 2, in: [d19999]}\n");
    let stderr = rejected(text);
    assert_error_at(
        &stderr,
        66,
        24,
        "domain `d64` is inside 64 other domains; domains nest at most 64 deep",
    );
    assert_eq!(error_count(&stderr), 1);
}

#[test]
fn duplicated_keys() {
    let stderr = rejected(
        "components:\n  app:\n    kind: service\n  db:\n    kind: database\n  app:\n    kind: cache\n",
    );
    assert_error_at(&stderr, 6, 3, "duplicate mapping key: app");
    assert!(
        !stderr.contains("DuplicateKeyPolicy"),
        "{}",
        excerpt(&stderr)
    );
    assert_eq!(error_count(&stderr), 1);
}

#[test]
fn empty_file() {
    let stderr = rejected("");
    assert!(
        stderr.contains("the model is empty"),
        "{}",
        excerpt(&stderr)
    );
    assert!(stderr.contains(FILE), "{}", excerpt(&stderr));
    assert!(stderr.contains("spof init"), "{}", excerpt(&stderr));
}

#[test]
fn only_a_comment() {
    let stderr = rejected("# spof model: to be written\n");
    let (line, column) = assert_error_located(
        &stderr,
        "should be a mapping of keys to values, not nothing",
    );
    assert!(line <= 2 && column == 1, "at {line}:{column}");
    assert_eq!(error_count(&stderr), 1);
}

#[test]
fn top_level_list() {
    let stderr = rejected("- app\n- db\n");
    assert_error_at(
        &stderr,
        1,
        1,
        "should be a mapping of keys to values, not a list",
    );
    assert_eq!(error_count(&stderr), 1);
}

#[test]
fn unknown_kind_near_a_known_one() {
    let stderr = rejected("components:\n  db:\n    kind: databse\n");
    assert_error_at(&stderr, 3, 11, "`databse` is not known");
    assert!(
        stderr.contains("did you mean `database`?"),
        "{}",
        excerpt(&stderr)
    );
    assert_eq!(error_count(&stderr), 1);
}

#[test]
fn dangling_dependency_near_a_component() {
    let stderr = rejected(
        "components:\n  app:\n    kind: service\n    depends_on: [dbb]\n  db:\n    kind: database\n",
    );
    assert_error_at(&stderr, 4, 18, "no component `dbb`");
    assert!(
        stderr.contains("did you mean `db`?"),
        "{}",
        excerpt(&stderr)
    );
    assert_eq!(error_count(&stderr), 1);
}

#[test]
fn typo_in_a_key() {
    let stderr = rejected("components:\n  app:\n    kind: service\n    replica: 2\n");
    assert_error_at(&stderr, 4, 5, "unknown key `replica`");
    assert!(
        stderr.contains("did you mean `replicas`?"),
        "{}",
        excerpt(&stderr)
    );
    assert_eq!(error_count(&stderr), 1);
}

#[test]
fn three_errors_reported_in_one_run() {
    let text = "components:\n  app:\n    kind: service\n    replica: 2\n    depends_on: [dbb]\n  db:\n    kind: databse\n";
    let stderr = rejected(text);
    assert_error_at(&stderr, 4, 5, "unknown key `replica`");
    assert_error_at(&stderr, 5, 18, "no component `dbb`");
    assert_error_at(&stderr, 7, 11, "`databse` is not known");
    assert_eq!(error_count(&stderr), 3, "{}", excerpt(&stderr));
}

#[test]
fn init_never_overwrites_without_force() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("spof.yaml");
    let mine = "# my own model, not to be lost\ncomponents:\n  app: {kind: service}\n";
    std::fs::write(&path, mine).unwrap();
    let init = |force: bool| {
        let mut command = Command::cargo_bin("spof").unwrap();
        command
            .current_dir(dir.path())
            .args(["init", "spof.yaml"])
            .timeout(Duration::from_secs(60));
        if force {
            command.arg("--force");
        }
        command.output().unwrap()
    };

    let output = init(false);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("spof.yaml already exists; pass --force to overwrite it"),
        "{stderr}"
    );
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        mine,
        "init changed the file without --force"
    );
    let files: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(files.len(), 1, "init left files behind: {files:?}");

    let output = init(true);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let written = std::fs::read_to_string(&path).unwrap();
    assert_ne!(written, mine, "--force did not overwrite the file");
    assert!(written.contains("components:"), "{written}");
}
