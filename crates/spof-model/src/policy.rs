//! The policy: what a team decides once for many models, kept in `spof.toml` beside them.
//! Severity overrides per finding code, the level that fails a run, paths that imports skip,
//! and custom rules written as data (a selector of components or journeys and what each
//! selected one must have). Read from TOML with the place of every value, so that a bad rule
//! is an error at its file, line and column, like an error in a model.
//!
//! This module only reads and checks; the engine applies a [`Policy`] (see
//! `spof_engine::findings`). No I/O here either: callers hand in the text.

use crate::diagnostic::did_you_mean;
use crate::{Diagnostic, Duration, Failover, Kind, Layer, Span};
use toml_edit::{Document, Item, Value as TomlValue};

/// How much a finding matters, as a policy names it (the engine's severity, which this crate
/// cannot name).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Level {
    Info,
    Low,
    Medium,
    High,
    Critical,
}

impl Level {
    pub const NAMES: [&'static str; 5] = ["critical", "high", "medium", "low", "info"];

    pub fn as_str(self) -> &'static str {
        match self {
            Level::Info => "info",
            Level::Low => "low",
            Level::Medium => "medium",
            Level::High => "high",
            Level::Critical => "critical",
        }
    }

    pub fn parse(text: &str) -> Option<Level> {
        match text {
            "info" => Some(Level::Info),
            "low" => Some(Level::Low),
            "medium" => Some(Level::Medium),
            "high" => Some(Level::High),
            "critical" => Some(Level::Critical),
            _ => None,
        }
    }
}

/// Which findings fail a run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FailOn {
    /// Findings at or above this level that no decision covers.
    At(Level),
    Never,
}

/// A policy, read and checked. The default policy changes nothing.
#[derive(Clone, Debug, Default)]
pub struct Policy {
    /// Severity overrides, by finding code (built-in or custom), in file order.
    pub severity: Vec<SeverityOverride>,
    pub fail_on: Option<FailOn>,
    /// Files that imports skip when they walk a folder.
    pub import_ignore: Vec<Pattern>,
    pub rules: Vec<PolicyRule>,
}

impl Policy {
    /// The overridden severity of findings with this code, if the policy sets one.
    pub fn severity_of(&self, code: &str) -> Option<Level> {
        self.severity
            .iter()
            .rev()
            .find(|o| o.code.eq_ignore_ascii_case(code))
            .map(|o| o.level)
    }

    /// The custom rule with this code or name.
    pub fn rule(&self, code_or_name: &str) -> Option<&PolicyRule> {
        self.rules
            .iter()
            .find(|r| r.code.eq_ignore_ascii_case(code_or_name) || r.name == code_or_name)
    }

    /// The first ignore pattern that matches an import path, if any.
    pub fn ignored_by(&self, path: &str) -> Option<&Pattern> {
        self.import_ignore.iter().find(|p| p.matches_path(path))
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SeverityOverride {
    /// The finding code, as the rule registry writes it (`SPOF020`, `POL001`).
    pub code: String,
    pub level: Level,
    pub span: Span,
}

/// A custom rule: every selected component (or journey) must meet every requirement; each
/// one that does not is a finding with the rule's code.
#[derive(Clone, Debug, PartialEq)]
pub struct PolicyRule {
    pub code: String,
    pub name: String,
    /// What the rule asks, in one sentence ("every database on a critical journey fails over
    /// automatically").
    pub message: String,
    pub fix: String,
    pub severity: Level,
    pub applies_to: AppliesTo,
    pub requirements: Vec<Requirement>,
    /// The rule's `code` in the policy file.
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum AppliesTo {
    Components(ComponentSelector),
    Journeys(JourneySelector),
}

/// Which components a rule looks at: all of the given conditions hold (a list means any of
/// its entries).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ComponentSelector {
    pub kinds: Vec<Kind>,
    pub layers: Vec<Layer>,
    pub names: Vec<Pattern>,
    /// On (the dependency closure of) a journey whose name matches one of these.
    pub journeys: Vec<Pattern>,
    pub on_critical_journey: Option<bool>,
    pub managed: Option<bool>,
    /// Of a kind that holds shared state (cache, queue, search, database, storage).
    pub shared_state: Option<bool>,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct JourneySelector {
    pub names: Vec<Pattern>,
    pub critical: Option<bool>,
}

/// What each selected component or journey must have.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Requirement {
    /// At least this many instances.
    MinInstances(usize),
    /// Instances in at least this many zones.
    MinZones(usize),
    /// Losing an instance is taken over at least this well: `automatic` (an active-passive
    /// standby with automatic failover, or active-active members behind a health check) or
    /// `manual` (any standby); with at least two instances.
    Failover(Failover),
    /// Taken over within this time (active-active behind a health check counts as at once).
    MaxFailoverTime(Duration),
    /// Active-active members behind a health check (automatic failover counts as one).
    HealthCheck,
    /// A `restore_time` is written.
    RestoreTime,
    /// A `restore_time` of at most this.
    MaxRestoreTime(Duration),
    /// `backups: true`.
    Backups,
    /// An `owner` is written.
    Owner,
    /// A deployment strategy other than all-at-once is written.
    SafeDeploy,
    /// Journeys: an `rto_target` is written.
    RtoTarget,
    /// Journeys: an `rto_target` of at most this.
    MaxRtoTarget(Duration),
    /// Journeys: the recovery time the analysis finds is at most this.
    MaxRto(Duration),
}

impl Requirement {
    /// The requirement as the policy file writes it: its key and value.
    pub fn key_value(self) -> (&'static str, String) {
        match self {
            Requirement::MinInstances(n) => ("min_instances", n.to_string()),
            Requirement::MinZones(n) => ("min_zones", n.to_string()),
            Requirement::Failover(f) => ("failover", format!("\"{}\"", f.as_str())),
            Requirement::MaxFailoverTime(d) => ("max_failover_time", format!("\"{d}\"")),
            Requirement::HealthCheck => ("health_check", "true".into()),
            Requirement::RestoreTime => ("restore_time", "true".into()),
            Requirement::MaxRestoreTime(d) => ("max_restore_time", format!("\"{d}\"")),
            Requirement::Backups => ("backups", "true".into()),
            Requirement::Owner => ("owner", "true".into()),
            Requirement::SafeDeploy => ("safe_deploy", "true".into()),
            Requirement::RtoTarget => ("rto_target", "true".into()),
            Requirement::MaxRtoTarget(d) => ("max_rto_target", format!("\"{d}\"")),
            Requirement::MaxRto(d) => ("max_rto", format!("\"{d}\"")),
        }
    }
}

impl AppliesTo {
    /// The selector as the policy file writes it: `key = value` pairs, and what it selects.
    pub fn key_values(&self) -> (&'static str, Vec<String>) {
        fn strings<T>(items: &[T], text: impl Fn(&T) -> &str) -> String {
            let quoted: Vec<String> = items.iter().map(|i| format!("\"{}\"", text(i))).collect();
            match quoted.len() {
                1 => quoted[0].clone(),
                _ => format!("[{}]", quoted.join(", ")),
            }
        }
        let mut out = Vec::new();
        match self {
            AppliesTo::Components(s) => {
                if !s.kinds.is_empty() {
                    out.push(format!("kind = {}", strings(&s.kinds, |k| k.as_str())));
                }
                if !s.layers.is_empty() {
                    out.push(format!("layer = {}", strings(&s.layers, |l| l.as_str())));
                }
                if !s.names.is_empty() {
                    out.push(format!("name = {}", strings(&s.names, |p| &p.text)));
                }
                if !s.journeys.is_empty() {
                    out.push(format!("journey = {}", strings(&s.journeys, |p| &p.text)));
                }
                for (key, value) in [
                    ("on_critical_journey", s.on_critical_journey),
                    ("managed", s.managed),
                    ("shared_state", s.shared_state),
                ] {
                    if let Some(v) = value {
                        out.push(format!("{key} = {v}"));
                    }
                }
                ("components", out)
            }
            AppliesTo::Journeys(s) => {
                if !s.names.is_empty() {
                    out.push(format!("name = {}", strings(&s.names, |p| &p.text)));
                }
                if let Some(v) = s.critical {
                    out.push(format!("critical = {v}"));
                }
                ("journeys", out)
            }
        }
    }
}

/// The keys of a policy file, for the reader and for the test that keeps docs/policy.md
/// complete.
pub const TOP_KEYS: &[&str] = &["fail_on", "severity", "import", "rules"];
pub const IMPORT_KEYS: &[&str] = &["ignore"];
pub const RULE_KEYS: &[&str] = &[
    "code",
    "name",
    "message",
    "fix",
    "severity",
    "applies_to",
    "select",
    "require",
];
pub const COMPONENT_SELECT_KEYS: &[&str] = &[
    "kind",
    "layer",
    "name",
    "journey",
    "on_critical_journey",
    "managed",
    "shared_state",
];
pub const JOURNEY_SELECT_KEYS: &[&str] = &["name", "critical"];
pub const COMPONENT_REQUIRE_KEYS: &[&str] = &[
    "min_instances",
    "min_zones",
    "failover",
    "max_failover_time",
    "health_check",
    "restore_time",
    "max_restore_time",
    "backups",
    "owner",
    "safe_deploy",
];
pub const JOURNEY_REQUIRE_KEYS: &[&str] = &["rto_target", "max_rto_target", "max_rto"];

/// The outcome of reading a policy: the policy when it is usable, and every diagnostic. There
/// is a policy exactly when no diagnostic is an error.
#[derive(Debug)]
pub struct ParsedPolicy {
    pub policy: Option<Policy>,
    pub diagnostics: Vec<Diagnostic>,
}

/// A built-in finding code and name, which severity overrides may name and custom rules must
/// not reuse.
#[derive(Clone, Copy, Debug)]
pub struct KnownCode<'a> {
    pub code: &'a str,
    pub name: &'a str,
}

/// Glob patterns longer than this are refused.
pub const MAX_PATTERN_CHARS: usize = 256;

/// Policy files larger than this are refused: a policy is a page of settings.
pub const MAX_POLICY_BYTES: usize = 1024 * 1024;

/// Reads and checks the text of a policy file. `known` are the built-in finding codes.
pub fn parse_policy(text: &str, known: &[KnownCode]) -> ParsedPolicy {
    let mut cx = Cx {
        lines: LineIndex::new(text),
        diags: Vec::new(),
    };
    if text.len() > MAX_POLICY_BYTES {
        cx.diags.push(Diagnostic::error(
            "too-large",
            Span::default_start(),
            format!(
                "the policy is {} bytes, more than the limit of {MAX_POLICY_BYTES} bytes",
                text.len()
            ),
        ));
        return cx.finish(None);
    }
    let document = match Document::parse(text) {
        Ok(document) => document,
        Err(error) => {
            let span = error
                .span()
                .map(|r| cx.lines.span(r))
                .unwrap_or_else(Span::default_start);
            let message = error.message().trim().trim_end_matches('.').to_string();
            cx.diags.push(
                Diagnostic::error("toml", span, format!("not valid TOML: {message}"))
                    .with_label("here"),
            );
            return cx.finish(None);
        }
    };
    let root = cx.table(document.as_table(), Span::default_start());
    let policy = cx.policy(&root, known);
    cx.finish(Some(policy))
}

// ---------------------------------------------------------------------------------------
// Glob patterns.

/// A glob pattern: `*` matches any run of characters but `/`, `**` any run including `/`
/// (`**/` also matches nothing, so `**/tests/*` matches `tests/a.yaml`), `?` one character
/// but `/`; every other character matches itself.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pattern {
    pub text: String,
    pub span: Span,
    tokens: Vec<Token>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Token {
    Char(char),
    One,
    /// `*`
    Segment,
    /// `**` not followed by `/`
    Anything,
    /// `**/`
    Folders,
}

impl Pattern {
    pub fn new(text: &str, span: Span) -> Pattern {
        let chars: Vec<char> = text.chars().collect();
        let mut tokens = Vec::new();
        let mut i = 0;
        while i < chars.len() {
            match chars[i] {
                '*' if chars.get(i + 1) == Some(&'*') => {
                    if chars.get(i + 2) == Some(&'/') {
                        tokens.push(Token::Folders);
                        i += 3;
                    } else {
                        tokens.push(Token::Anything);
                        i += 2;
                    }
                    // `***` is `**`.
                    while chars.get(i) == Some(&'*') {
                        i += 1;
                    }
                    continue;
                }
                '*' => tokens.push(Token::Segment),
                '?' => tokens.push(Token::One),
                c => tokens.push(Token::Char(c)),
            }
            i += 1;
        }
        Pattern {
            text: text.to_string(),
            span,
            tokens,
        }
    }

    /// Whether the whole of `text` matches.
    pub fn matches(&self, text: &str) -> bool {
        let chars: Vec<char> = text.chars().collect();
        let (p, t) = (self.tokens.len(), chars.len());
        // matched[i][j]: tokens[i..] match chars[j..]; `through` is the same for "anything
        // up to and including a `/`, then tokens[i + 1..]", which `**/` needs.
        let width = t + 1;
        let mut matched = vec![false; (p + 1) * width];
        let mut through = vec![false; width];
        matched[p * width + t] = true;
        for i in (0..p).rev() {
            for j in (0..=t).rev() {
                let next = |k: usize| matched[(i + 1) * width + k];
                let here = |k: usize| matched[i * width + k];
                let value = match self.tokens[i] {
                    Token::Char(c) => j < t && chars[j] == c && next(j + 1),
                    Token::One => j < t && chars[j] != '/' && next(j + 1),
                    Token::Segment => next(j) || (j < t && chars[j] != '/' && here(j + 1)),
                    Token::Anything => next(j) || (j < t && here(j + 1)),
                    Token::Folders => {
                        through[j] = j < t && ((chars[j] == '/' && next(j + 1)) || through[j + 1]);
                        next(j) || through[j]
                    }
                };
                matched[i * width + j] = value;
            }
        }
        matched[0]
    }

    /// Whether a file path matches, as `.gitignore` reads patterns: one with a `/` matches
    /// the whole path (relative to the folder being imported); one without matches any of
    /// the path's parts (a folder's or the file's name).
    pub fn matches_path(&self, path: &str) -> bool {
        let path = path.replace('\\', "/");
        let path = path.trim_start_matches("./");
        let pattern_has_slash = self.text.trim_start_matches('/').contains('/');
        if pattern_has_slash || self.text.starts_with('/') {
            let anchored = Pattern::new(self.text.trim_start_matches('/'), self.span);
            anchored.matches(path)
        } else {
            path.split('/').any(|part| self.matches(part))
        }
    }
}

// ---------------------------------------------------------------------------------------
// The TOML tree with places, and the reader.

/// A TOML value with its place: the reader works on this, whatever form (inline table,
/// header table, dotted keys, array of tables) the file used.
struct Node {
    span: Span,
    value: Val,
}

enum Val {
    Str(String),
    Int(i64),
    Float,
    Bool(bool),
    Date,
    Array(Vec<Node>),
    Table(Vec<Entry>),
}

struct Entry {
    key: String,
    key_span: Span,
    value: Node,
}

impl Node {
    fn type_name(&self) -> &'static str {
        match self.value {
            Val::Str(_) => "a string",
            Val::Int(_) => "a whole number",
            Val::Float => "a number",
            Val::Bool(_) => "a boolean",
            Val::Date => "a date",
            Val::Array(_) => "a list",
            Val::Table(_) => "a table",
        }
    }
}

struct LineIndex {
    text: String,
    starts: Vec<usize>,
}

impl LineIndex {
    fn new(text: &str) -> LineIndex {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        LineIndex {
            text: text.to_string(),
            starts,
        }
    }

    fn span(&self, range: std::ops::Range<usize>) -> Span {
        let offset = range.start.min(self.text.len());
        let line = self.starts.partition_point(|&s| s <= offset).max(1);
        let start = self.starts[line - 1];
        let column = self
            .text
            .get(start..offset)
            .map_or(offset - start, |s| s.chars().count())
            + 1;
        Span {
            line: u32::try_from(line).unwrap_or(u32::MAX),
            column: u32::try_from(column).unwrap_or(u32::MAX),
            offset,
            len: range.end.saturating_sub(range.start),
        }
    }
}

struct Cx {
    lines: LineIndex,
    diags: Vec<Diagnostic>,
}

impl Cx {
    fn finish(mut self, policy: Option<Policy>) -> ParsedPolicy {
        let has_error = self
            .diags
            .iter()
            .any(|d| d.severity == crate::Severity::Error);
        self.diags
            .sort_by_key(|d| (d.primary_span().map(|s| s.offset), d.severity));
        ParsedPolicy {
            policy: if has_error { None } else { policy },
            diagnostics: self.diags,
        }
    }

    fn span(&self, range: Option<std::ops::Range<usize>>, fallback: Span) -> Span {
        range.map_or(fallback, |r| self.lines.span(r))
    }

    fn table(&self, table: &toml_edit::Table, fallback: Span) -> Node {
        let span = self.span(table.span(), fallback);
        let entries = table
            .iter()
            .map(|(key, item)| {
                let key_span = self.span(table.key(key).and_then(|k| k.span()), span);
                Entry {
                    key: key.to_string(),
                    key_span,
                    value: self.item(item, key_span),
                }
            })
            .collect();
        Node {
            span,
            value: Val::Table(entries),
        }
    }

    fn item(&self, item: &Item, fallback: Span) -> Node {
        match item {
            Item::Value(value) => self.value(value, fallback),
            Item::Table(table) => self.table(table, fallback),
            Item::ArrayOfTables(array) => Node {
                span: self.span(array.span(), fallback),
                value: Val::Array(array.iter().map(|t| self.table(t, fallback)).collect()),
            },
            Item::None => Node {
                span: fallback,
                value: Val::Table(Vec::new()),
            },
        }
    }

    fn value(&self, value: &TomlValue, fallback: Span) -> Node {
        let span = self.span(value.span(), fallback);
        let value = match value {
            TomlValue::String(s) => Val::Str(s.value().clone()),
            TomlValue::Integer(i) => Val::Int(*i.value()),
            TomlValue::Float(_) => Val::Float,
            TomlValue::Boolean(b) => Val::Bool(*b.value()),
            TomlValue::Datetime(_) => Val::Date,
            TomlValue::Array(array) => {
                Val::Array(array.iter().map(|v| self.value(v, span)).collect())
            }
            TomlValue::InlineTable(table) => Val::Table(
                table
                    .iter()
                    .map(|(key, value)| {
                        let key_span = self.span(table.key(key).and_then(|k| k.span()), span);
                        Entry {
                            key: key.to_string(),
                            key_span,
                            value: self.value(value, key_span),
                        }
                    })
                    .collect(),
            ),
        };
        Node { span, value }
    }

    fn expected(&mut self, node: &Node, what: &str, expected: &str) {
        self.diags.push(
            Diagnostic::error(
                "wrong-type",
                node.span,
                format!("{what} should be {expected}, not {}", node.type_name()),
            )
            .with_label(format!("expected {expected}")),
        );
    }

    /// The entries of a table whose keys are among `known`; unknown keys are errors with a
    /// near-name suggestion (`other` adds where a key would belong instead).
    fn entries<'n>(
        &mut self,
        node: &'n Node,
        what: &str,
        known: &[&str],
        elsewhere: &dyn Fn(&str) -> Option<String>,
    ) -> Vec<&'n Entry> {
        let Val::Table(entries) = &node.value else {
            self.expected(node, what, "a table");
            return Vec::new();
        };
        let mut out = Vec::new();
        for entry in entries {
            if known.contains(&entry.key.as_str()) {
                out.push(entry);
                continue;
            }
            let help = elsewhere(&entry.key)
                .or_else(|| did_you_mean(&entry.key, known.iter().copied()))
                .unwrap_or_else(|| format!("expected one of: {}", known.join(", ")));
            self.diags.push(
                Diagnostic::error(
                    "unknown-key",
                    entry.key_span,
                    format!("unknown key `{}` in {what}", entry.key),
                )
                .with_label("not a known key")
                .with_help(help),
            );
        }
        out
    }

    fn string(&mut self, node: &Node, what: &str) -> Option<String> {
        match &node.value {
            Val::Str(s) => Some(s.clone()),
            _ => {
                self.expected(node, what, "a string");
                None
            }
        }
    }

    fn boolean(&mut self, node: &Node, what: &str) -> Option<bool> {
        match node.value {
            Val::Bool(b) => Some(b),
            _ => {
                self.expected(node, what, "true or false");
                None
            }
        }
    }

    fn count(&mut self, node: &Node, what: &str) -> Option<usize> {
        match node.value {
            Val::Int(n) if (1..=1_000_000).contains(&n) => Some(n as usize),
            Val::Int(n) => {
                self.diags.push(
                    Diagnostic::error(
                        "out-of-range",
                        node.span,
                        format!("{what} is {n}, outside 1 to 1000000"),
                    )
                    .with_label("expected 1 to 1000000"),
                );
                None
            }
            _ => {
                self.expected(node, what, "a whole number");
                None
            }
        }
    }

    fn duration(&mut self, node: &Node, what: &str) -> Option<Duration> {
        let Val::Str(text) = &node.value else {
            self.expected(node, what, "a duration such as 90s, 30m or 3h");
            return None;
        };
        match Duration::parse(text) {
            Ok(d) => Some(d),
            Err(why) => {
                self.diags.push(
                    Diagnostic::error(
                        "bad-duration",
                        node.span,
                        format!("{what} `{text}` is not a duration: {why}"),
                    )
                    .with_label("not a duration")
                    .with_help("write a duration such as 90s, 30m, 3h, 2d or 1h30m"),
                );
                None
            }
        }
    }

    /// One of a fixed set of words, with a near-name suggestion.
    fn choice(&mut self, node: &Node, what: &str, options: &[&str]) -> Option<usize> {
        let Val::Str(text) = &node.value else {
            self.expected(node, what, &format!("one of {}", options.join(", ")));
            return None;
        };
        if let Some(i) = options.iter().position(|o| o == text) {
            return Some(i);
        }
        let normalised = text.replace(['-', ' '], "_").to_lowercase();
        let near = options
            .iter()
            .find(|o| o.replace('-', "_") == normalised)
            .copied()
            .or_else(|| crate::suggest(text, options.iter().copied()));
        let help = match near {
            Some(n) => format!(
                "did you mean `{n}`? Expected one of: {}",
                options.join(", ")
            ),
            None => format!("expected one of: {}", options.join(", ")),
        };
        self.diags.push(
            Diagnostic::error(
                "unknown-value",
                node.span,
                format!("{what} `{text}` is not known"),
            )
            .with_label("unknown")
            .with_help(help),
        );
        None
    }

    /// A value or a list of values, each read by `one`.
    fn one_or_many<T>(
        &mut self,
        node: &Node,
        mut one: impl FnMut(&mut Cx, &Node) -> Option<T>,
    ) -> Vec<T> {
        match &node.value {
            Val::Array(items) => items.iter().filter_map(|n| one(self, n)).collect(),
            _ => one(self, node).into_iter().collect(),
        }
    }

    fn pattern(&mut self, node: &Node, what: &str) -> Option<Pattern> {
        let text = self.string(node, what)?;
        // Matching costs the pattern's length times the path's: keep patterns short.
        if text.chars().count() > MAX_PATTERN_CHARS {
            self.diags.push(
                Diagnostic::error(
                    "too-long",
                    node.span,
                    format!("{what} is longer than {MAX_PATTERN_CHARS} characters"),
                )
                .with_label("too long"),
            );
            return None;
        }
        if text.trim().is_empty() {
            self.diags.push(
                Diagnostic::error("empty", node.span, format!("{what} is empty"))
                    .with_label("empty pattern"),
            );
            return None;
        }
        Some(Pattern::new(&text, node.span))
    }

    fn policy(&mut self, root: &Node, known: &[KnownCode]) -> Policy {
        let mut policy = Policy::default();
        let near_rule_key = |key: &str| {
            (RULE_KEYS.contains(&key)
                || COMPONENT_REQUIRE_KEYS.contains(&key)
                || COMPONENT_SELECT_KEYS.contains(&key))
            .then(|| format!("`{key}` belongs to a rule: under `[[rules]]`"))
        };
        let entries = self.entries(root, "the policy", TOP_KEYS, &near_rule_key);
        let mut rules_node = None;
        for entry in entries {
            match entry.key.as_str() {
                "fail_on" => {
                    let mut options: Vec<&str> = Level::NAMES.to_vec();
                    options.push("never");
                    policy.fail_on = self.choice(&entry.value, "`fail_on`", &options).map(|i| {
                        match options[i] {
                            "never" => FailOn::Never,
                            level => FailOn::At(Level::parse(level).expect("a level name")),
                        }
                    });
                }
                "severity" => policy.severity = self.severity_table(&entry.value),
                "import" => {
                    for e in self.entries(&entry.value, "`[import]`", IMPORT_KEYS, &|_| None) {
                        // The only key is `ignore`.
                        policy.import_ignore = match &e.value.value {
                            Val::Array(items) => items
                                .iter()
                                .filter_map(|n| self.pattern(n, "an ignore pattern"))
                                .collect(),
                            _ => {
                                self.expected(&e.value, "`ignore`", "a list of glob patterns");
                                Vec::new()
                            }
                        };
                    }
                }
                _ => rules_node = Some(&entry.value),
            }
        }
        if let Some(node) = rules_node {
            match &node.value {
                Val::Array(items) => {
                    for item in items {
                        if let Some(rule) = self.rule(item, known, &policy.rules) {
                            policy.rules.push(rule);
                        }
                    }
                }
                _ => self.expected(node, "`rules`", "a list of tables (`[[rules]]`)"),
            }
        }
        // Overrides may name custom codes too: checked once the rules are known.
        let custom: Vec<KnownCode> = policy
            .rules
            .iter()
            .map(|r| KnownCode {
                code: &r.code,
                name: &r.name,
            })
            .collect();
        let mut checked = Vec::new();
        for o in std::mem::take(&mut policy.severity) {
            let all = known.iter().chain(custom.iter());
            match all
                .clone()
                .find(|k| k.code.eq_ignore_ascii_case(&o.code) || k.name == o.code)
            {
                Some(k) => checked.push(SeverityOverride {
                    code: k.code.to_string(),
                    ..o
                }),
                None => {
                    let help = did_you_mean(&o.code, all.flat_map(|k| [k.code, k.name]))
                        .unwrap_or_else(|| {
                            "a finding code (`spof explain` lists them) or the code of a rule in this policy".into()
                        });
                    self.diags.push(
                        Diagnostic::error(
                            "unknown-code",
                            o.span,
                            format!("no finding code `{}`", o.code),
                        )
                        .with_label("unknown code")
                        .with_help(help),
                    );
                }
            }
        }
        policy.severity = checked;
        policy
    }

    /// `[severity]`: code = "level". The codes are checked by the caller, once the custom
    /// rules are known.
    fn severity_table(&mut self, node: &Node) -> Vec<SeverityOverride> {
        let Val::Table(entries) = &node.value else {
            self.expected(
                node,
                "`[severity]`",
                "a table of finding codes to severities",
            );
            return Vec::new();
        };
        let mut out = Vec::new();
        for entry in entries {
            let what = format!("the severity of `{}`", entry.key);
            if let Some(i) = self.choice(&entry.value, &what, &Level::NAMES) {
                out.push(SeverityOverride {
                    code: entry.key.clone(),
                    level: Level::parse(Level::NAMES[i]).expect("a level name"),
                    span: entry.key_span,
                });
            }
        }
        out
    }

    fn rule(
        &mut self,
        node: &Node,
        known: &[KnownCode],
        earlier: &[PolicyRule],
    ) -> Option<PolicyRule> {
        let elsewhere = |key: &str| {
            if COMPONENT_SELECT_KEYS.contains(&key) || JOURNEY_SELECT_KEYS.contains(&key) {
                Some(format!(
                    "`{key}` selects what the rule applies to: put it under `select` (`select = {{ {key} = ... }}`)"
                ))
            } else if COMPONENT_REQUIRE_KEYS.contains(&key) || JOURNEY_REQUIRE_KEYS.contains(&key) {
                Some(format!(
                    "`{key}` is a requirement: put it under `require` (`require = {{ {key} = ... }}`)"
                ))
            } else {
                None
            }
        };
        let entries = self.entries(node, "a rule", RULE_KEYS, &elsewhere);
        let get = |key: &str| entries.iter().find(|e| e.key == key).copied();
        let mut ok = true;
        for key in ["code", "message", "require"] {
            if get(key).is_none() {
                ok = false;
                let help = match key {
                    "code" => {
                        "add `code = \"POL001\"`: the finding code of this rule, letters then digits"
                    }
                    "message" => "add `message = \"...\"`: what the rule asks, in one sentence",
                    _ => {
                        "add `require = { ... }`: what each selected component or journey must have (see docs/policy.md)"
                    }
                };
                self.diags.push(
                    Diagnostic::error("missing-key", node.span, format!("the rule has no `{key}`"))
                        .with_label("this rule")
                        .with_help(help),
                );
            }
        }
        let code = get("code").and_then(|e| self.rule_code(e, known, earlier));
        let name = get("name").and_then(|e| self.string(&e.value, "`name`"));
        let message = get("message").and_then(|e| self.string(&e.value, "`message`"));
        let fix = get("fix").and_then(|e| self.string(&e.value, "`fix`"));
        let severity = match get("severity") {
            Some(e) => self
                .choice(&e.value, "`severity`", &Level::NAMES)
                .map(|i| Level::parse(Level::NAMES[i]).expect("a level name")),
            None => Some(Level::Medium),
        };
        let journeys = match get("applies_to") {
            Some(e) => match self.choice(&e.value, "`applies_to`", &["components", "journeys"]) {
                Some(i) => i == 1,
                None => {
                    ok = false;
                    false
                }
            },
            None => false,
        };
        let applies_to = match (journeys, get("select")) {
            (false, None) => Some(AppliesTo::Components(ComponentSelector::default())),
            (true, None) => Some(AppliesTo::Journeys(JourneySelector::default())),
            (false, Some(e)) => self.component_selector(&e.value).map(AppliesTo::Components),
            (true, Some(e)) => self.journey_selector(&e.value).map(AppliesTo::Journeys),
        };
        let requirements = get("require").map(|e| self.requirements(&e.value, journeys));
        if let Some(e) = get("require")
            && requirements.as_ref().is_some_and(Vec::is_empty)
            && matches!(&e.value.value, Val::Table(t) if t.is_empty())
        {
            self.diags.push(
                Diagnostic::error("empty", e.value.span, "the rule requires nothing")
                    .with_label("empty")
                    .with_help("name at least one requirement (see docs/policy.md)"),
            );
            ok = false;
        }
        let (code, span) = code?;
        if !ok {
            return None;
        }
        let name = name.unwrap_or_else(|| code.to_ascii_lowercase());
        Some(PolicyRule {
            fix: fix.unwrap_or_else(|| {
                format!(
                    "make it meet the policy: {}",
                    message.clone().unwrap_or_default()
                )
            }),
            message: message?,
            name,
            code,
            severity: severity?,
            applies_to: applies_to?,
            requirements: requirements?,
            span,
        })
    }

    /// A custom rule's code: letters, then digits (`POL001`, `ACME12`); not a built-in code
    /// nor one used by an earlier rule.
    fn rule_code(
        &mut self,
        entry: &Entry,
        known: &[KnownCode],
        earlier: &[PolicyRule],
    ) -> Option<(String, Span)> {
        let text = self.string(&entry.value, "`code`")?;
        let span = entry.value.span;
        let letters = text.chars().take_while(char::is_ascii_uppercase).count();
        let well_formed = (2..=16).contains(&text.len())
            && letters >= 1
            && text.len() > letters
            && text[letters..].chars().all(|c| c.is_ascii_digit());
        if !well_formed {
            self.diags.push(
                Diagnostic::error("bad-code", span, format!("`{text}` is not a finding code"))
                    .with_label("expected capital letters, then digits")
                    .with_help("write a code such as `POL001`: capital letters, then digits, at most 16 characters"),
            );
            return None;
        }
        if text.starts_with("SPOF") || known.iter().any(|k| k.code == text) {
            self.diags.push(
                Diagnostic::error(
                    "reserved-code",
                    span,
                    format!("`{text}` is a code of spof's own rules"),
                )
                .with_label("reserved")
                .with_help("codes starting with SPOF belong to the built-in rules; give the custom rule a prefix of your own, such as `POL001`"),
            );
            return None;
        }
        if let Some(first) = earlier.iter().find(|r| r.code == text) {
            self.diags.push(
                Diagnostic::error(
                    "duplicate-code",
                    span,
                    format!("two rules have the code `{text}`"),
                )
                .with_label("used again here")
                .with_related(first.span, "first used here")
                .with_help("give each rule a code of its own"),
            );
            return None;
        }
        Some((text, span))
    }

    fn component_selector(&mut self, node: &Node) -> Option<ComponentSelector> {
        let elsewhere = |key: &str| {
            if JOURNEY_SELECT_KEYS.contains(&key) {
                Some(format!(
                    "`{key}` selects journeys: set `applies_to = \"journeys\"` on the rule"
                ))
            } else if key == "critical" {
                Some("did you mean `on_critical_journey`?".to_string())
            } else {
                None
            }
        };
        let errors = self.diags.len();
        let mut selector = ComponentSelector::default();
        for entry in self.entries(node, "`select`", COMPONENT_SELECT_KEYS, &elsewhere) {
            let value = &entry.value;
            match entry.key.as_str() {
                "kind" => {
                    selector.kinds = self.one_or_many(value, |cx, n| {
                        cx.choice(n, "the component kind", Kind::NAMES)
                            .map(|i| Kind::ALL[i])
                    });
                }
                "layer" => {
                    const LAYERS: [Layer; 6] = [
                        Layer::Physical,
                        Layer::Network,
                        Layer::Compute,
                        Layer::Data,
                        Layer::Application,
                        Layer::Operations,
                    ];
                    let names = LAYERS.map(Layer::as_str);
                    selector.layers = self.one_or_many(value, |cx, n| {
                        cx.choice(n, "the layer", &names).map(|i| LAYERS[i])
                    });
                }
                "name" => {
                    selector.names =
                        self.one_or_many(value, |cx, n| cx.pattern(n, "a name pattern"))
                }
                "journey" => {
                    selector.journeys =
                        self.one_or_many(value, |cx, n| cx.pattern(n, "a journey name pattern"))
                }
                "on_critical_journey" => {
                    selector.on_critical_journey = self.boolean(value, "`on_critical_journey`")
                }
                "managed" => selector.managed = self.boolean(value, "`managed`"),
                _ => selector.shared_state = self.boolean(value, "`shared_state`"),
            }
        }
        (self.diags.len() == errors).then_some(selector)
    }

    fn journey_selector(&mut self, node: &Node) -> Option<JourneySelector> {
        let elsewhere = |key: &str| {
            (COMPONENT_SELECT_KEYS.contains(&key)).then(|| {
                format!("`{key}` selects components, and this rule applies to journeys (`applies_to = \"journeys\"`)")
            })
        };
        let errors = self.diags.len();
        let mut selector = JourneySelector::default();
        for entry in self.entries(node, "`select`", JOURNEY_SELECT_KEYS, &elsewhere) {
            match entry.key.as_str() {
                "name" => {
                    selector.names =
                        self.one_or_many(&entry.value, |cx, n| cx.pattern(n, "a name pattern"))
                }
                _ => selector.critical = self.boolean(&entry.value, "`critical`"),
            }
        }
        (self.diags.len() == errors).then_some(selector)
    }

    fn requirements(&mut self, node: &Node, journeys: bool) -> Vec<Requirement> {
        let (known, other, other_target) = if journeys {
            (JOURNEY_REQUIRE_KEYS, COMPONENT_REQUIRE_KEYS, "components")
        } else {
            (COMPONENT_REQUIRE_KEYS, JOURNEY_REQUIRE_KEYS, "journeys")
        };
        let elsewhere = |key: &str| {
            other.contains(&key).then(|| {
                format!(
                    "`{key}` is a requirement on {other_target}; this rule applies to {}{}",
                    if journeys { "journeys" } else { "components" },
                    if journeys {
                        ""
                    } else {
                        " (set `applies_to = \"journeys\"` for journeys)"
                    }
                )
            })
        };
        let mut out = Vec::new();
        for entry in self.entries(node, "`require`", known, &elsewhere) {
            let value = &entry.value;
            let what = format!("`{}`", entry.key);
            let flag = |cx: &mut Cx, r: Requirement| -> Option<Requirement> {
                match cx.boolean(value, &what)? {
                    true => Some(r),
                    false => {
                        cx.diags.push(
                            Diagnostic::warning(
                                "requires-nothing",
                                value.span,
                                format!("`{} = false` requires nothing", entry.key),
                            )
                            .with_label("no requirement")
                            .with_help("remove it, or write `true` to require it"),
                        );
                        None
                    }
                }
            };
            let requirement = match entry.key.as_str() {
                "min_instances" => self.count(value, &what).map(Requirement::MinInstances),
                "min_zones" => self.count(value, &what).map(Requirement::MinZones),
                "failover" => self
                    .choice(value, &what, &["automatic", "manual"])
                    .map(|i| Requirement::Failover([Failover::Automatic, Failover::Manual][i])),
                "max_failover_time" => self
                    .duration(value, &what)
                    .map(Requirement::MaxFailoverTime),
                "health_check" => flag(self, Requirement::HealthCheck),
                "restore_time" => flag(self, Requirement::RestoreTime),
                "max_restore_time" => self.duration(value, &what).map(Requirement::MaxRestoreTime),
                "backups" => flag(self, Requirement::Backups),
                "owner" => flag(self, Requirement::Owner),
                "safe_deploy" => flag(self, Requirement::SafeDeploy),
                "rto_target" => flag(self, Requirement::RtoTarget),
                "max_rto_target" => self.duration(value, &what).map(Requirement::MaxRtoTarget),
                _ => self.duration(value, &what).map(Requirement::MaxRto),
            };
            out.extend(requirement);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pattern(text: &str) -> Pattern {
        Pattern::new(text, Span::default())
    }

    #[test]
    fn globs_match_as_documented() {
        assert!(pattern("db-*").matches("db-main"));
        assert!(!pattern("db-*").matches("app"));
        assert!(pattern("*").matches(""));
        assert!(pattern("a?c").matches("abc"));
        assert!(!pattern("a*").matches("a/b"));
        assert!(pattern("a/**").matches("a/b/c"));
        assert!(pattern("**/tests/*").matches("tests/x.yaml"));
        assert!(pattern("**/tests/*").matches("charts/a/tests/x.yaml"));
        assert!(!pattern("**/tests/*").matches("charts/a/tests/b/x.yaml"));
        assert!(pattern("**.json").matches("a/b.json"));
        assert!(pattern("tests").matches_path("charts/tests/x.yaml"));
        assert!(pattern("*.generated.yaml").matches_path("a/b.generated.yaml"));
        assert!(!pattern("charts/*.yaml").matches_path("x/charts/a.yaml"));
        assert!(pattern("/charts/*.yaml").matches_path("./charts/a.yaml"));
    }

    const KNOWN: &[KnownCode] = &[KnownCode {
        code: "SPOF020",
        name: "no-health-check",
    }];

    fn errors(text: &str) -> Vec<String> {
        parse_policy(text, KNOWN)
            .diagnostics
            .iter()
            .map(|d| {
                let span = d.span.unwrap_or_default();
                format!(
                    "{}:{} {}: {}{}",
                    span.line,
                    span.column,
                    d.code,
                    d.message,
                    d.help
                        .as_ref()
                        .map(|h| format!(" ({h})"))
                        .unwrap_or_default()
                )
            })
            .collect()
    }

    proptest::proptest! {
        /// Any text, and any cut of a valid policy, reads without a panic, and every place
        /// named is inside the text.
        #[test]
        fn any_text_reads_without_panic(text in "\\PC{0,200}", cut in 0usize..400) {
            const VALID: &str = "fail_on = \"low\"\n[severity]\nSPOF020 = \"info\"\n[[rules]]\ncode = \"POL1\"\nmessage = \"m\"\nselect = { kind = [\"cache\", \"queue\"], name = \"a*\" }\nrequire = { min_instances = 2, max_failover_time = \"1m\" }\n";
            let cut = VALID.char_indices().map(|(i, _)| i).rfind(|&i| i <= cut).unwrap_or(0);
            for input in [text.as_str(), &VALID[..cut], &format!("{}{text}", &VALID[..cut])] {
                let parsed = parse_policy(input, KNOWN);
                for d in &parsed.diagnostics {
                    if let Some(span) = d.span {
                        proptest::prop_assert!(span.offset <= input.len());
                        proptest::prop_assert!(span.line >= 1 && span.column >= 1);
                    }
                }
                proptest::prop_assert_eq!(
                    parsed.policy.is_some(),
                    parsed.diagnostics.iter().all(|d| d.severity != crate::Severity::Error)
                );
            }
        }
    }

    #[test]
    fn a_full_policy_reads() {
        let parsed = parse_policy(
            r#"
fail_on = "medium"

[severity]
SPOF020 = "low"
no-health-check = "info"
POL002 = "critical"

[import]
ignore = ["**/tests/**", "*.generated.yaml"]

[[rules]]
code = "POL001"
message = "every database on a critical journey fails over automatically"
severity = "high"
select = { kind = "database", on_critical_journey = true }
require = { failover = "automatic", max_failover_time = "2m" }

[[rules]]
code = "POL002"
name = "journeys-have-targets"
message = "every critical journey has an RTO target"
applies_to = "journeys"
[rules.select]
critical = true
[rules.require]
rto_target = true
"#,
            KNOWN,
        );
        assert!(parsed.diagnostics.is_empty(), "{:?}", parsed.diagnostics);
        let policy = parsed.policy.unwrap();
        assert_eq!(policy.fail_on, Some(FailOn::At(Level::Medium)));
        assert_eq!(policy.severity_of("SPOF020"), Some(Level::Info));
        assert_eq!(policy.severity_of("POL002"), Some(Level::Critical));
        assert_eq!(policy.import_ignore.len(), 2);
        assert_eq!(policy.rules.len(), 2);
        assert_eq!(policy.rules[0].name, "pol001");
        assert_eq!(
            policy.rules[0].requirements,
            vec![
                Requirement::Failover(Failover::Automatic),
                Requirement::MaxFailoverTime(Duration(120))
            ]
        );
        assert_eq!(
            policy.rules[1].applies_to,
            AppliesTo::Journeys(JourneySelector {
                names: vec![],
                critical: Some(true)
            })
        );
        assert!(policy.ignored_by("charts/tests/a.yaml").is_some());
    }

    #[test]
    fn bad_rules_are_located_errors() {
        assert_eq!(
            errors(
                "[[rules]]\ncode = \"POL001\"\nmessage = \"m\"\nselect = { kind = \"databse\" }\nrequire = { min_instance = 2, max_failover_time = \"2x\" }\n"
            ),
            [
                "4:19 unknown-value: the component kind `databse` is not known (did you mean `database`? Expected one of: dns, cdn, load_balancer, api_gateway, web, service, worker, cache, database, queue, object_storage, file_storage, search, secrets, config, certificate, nat_gateway, network, power, service_discovery, ntp, identity, monitoring, deploy_pipeline, external)",
                "5:13 unknown-key: unknown key `min_instance` in `require` (did you mean `min_instances`?)",
                "5:51 bad-duration: `max_failover_time` `2x` is not a duration: `x` is not a unit (write a duration such as 90s, 30m, 3h, 2d or 1h30m)",
            ]
        );
        assert_eq!(
            errors("[severity]\nSPOF02 = \"low\"\n"),
            ["2:1 unknown-code: no finding code `SPOF02` (did you mean `SPOF020`?)"]
        );
        assert_eq!(
            errors("fail_on = \"hihg\"\n"),
            [
                "1:11 unknown-value: `fail_on` `hihg` is not known (did you mean `high`? Expected one of: critical, high, medium, low, info, never)"
            ]
        );
        let errs = errors("[[rules]]\ncode = \"SPOF001\"\nmessage = \"m\"\nrequire = {}\n");
        assert!(errs[0].starts_with("2:8 reserved-code"), "{errs:?}");
        assert!(errs[1].starts_with("4:11 empty"), "{errs:?}");
        let errs = errors(
            "[[rules]]\ncode = \"POL1\"\nmessage = \"m\"\nrequire = { rto_target = true }\n",
        );
        assert!(
            errs[0].contains("`rto_target` is a requirement on journeys"),
            "{errs:?}"
        );
        let errs = errors("min_instances = 2\n");
        assert!(errs[0].contains("belongs to a rule"), "{errs:?}");
        let errs = errors("[[rules]]\ncode = \"POL1\"\nmessage = \"m\"\nmin_zones = 2\n");
        assert!(errs[1].starts_with("4:1 unknown-key"), "{errs:?}");
        assert!(errs[1].contains("put it under `require`"), "{errs:?}");
        let errs = errors("[[rules]]\ncode = \"POL1\"\n");
        assert_eq!(errs.len(), 2, "{errs:?}");
        assert!(
            errs[0].starts_with("1:1 missing-key: the rule has no `message`"),
            "{errs:?}"
        );
        let errs = errors(
            "[[rules]]\ncode = \"P1\"\nmessage = \"m\"\nrequire = { owner = true }\n[[rules]]\ncode = \"P1\"\nmessage = \"m\"\nrequire = { owner = true }\n",
        );
        assert!(errs[0].starts_with("6:8 duplicate-code"), "{errs:?}");
        let long = format!("[import]\nignore = [\"{}\"]\n", "*".repeat(300));
        let errs = errors(&long);
        assert!(errs[0].starts_with("2:11 too-long"), "{errs:?}");
        let errs = errors("fail_on = \n");
        assert!(errs[0].starts_with("1:11 toml: not valid TOML"), "{errs:?}");
    }
}
