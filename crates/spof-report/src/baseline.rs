//! Baselines and diffs: what a change does to a system's SPOFs, findings and journeys.
//!
//! A [`Snapshot`] is what a comparison needs of one report: the SPOF events, the findings
//! and the journeys, each by name. It is made from a live analysis ([`Snapshot::of_report`])
//! or read back from an earlier `spof check --format json` report ([`Snapshot::from_json`]),
//! so `spof check --baseline` and `spof diff` compare the same things the same way.
//! [`compare`] pairs the items of two snapshots by [`fingerprint`] (what they are about, never
//! where they are written or in what order), and says what is new, resolved, worse or better.
//! Everything here is pure: the caller reads the files.

use crate::json::SCHEMA_VERSION;
use crate::number::fixed;
use crate::text::Painter;
use crate::{Options, selected_findings, selected_spofs};
use serde::Serialize;
use serde_json::Value;
use spof_engine::analysis::is_spof_effect;
use spof_engine::graph::{EventKind, event_id};
use spof_engine::{Report, Severity};
use spof_model::{Duration, Model};
use std::cmp::Ordering;
use std::collections::BTreeMap;
use std::fmt::Write;

/// A stable identity for a finding: FNV-1a (64 bits) over its code, its components' and
/// journeys' names (sorted) and its event id, as 16 hex digits. Line numbers and the order of
/// the model do not enter it, nor the names of components it is not about. SARIF's
/// `partialFingerprints` and baseline matching both use it.
pub fn fingerprint(
    code: &str,
    components: &[&str],
    journeys: &[&str],
    event: Option<&str>,
) -> String {
    let mut components = components.to_vec();
    components.sort_unstable();
    let mut journeys = journeys.to_vec();
    journeys.sort_unstable();
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    let mut feed = |text: &str| {
        for byte in text.bytes().chain([0xff]) {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
        }
    };
    feed(code);
    for c in &components {
        feed(c);
    }
    feed("\u{1}");
    for j in &journeys {
        feed(j);
    }
    feed("\u{1}");
    feed(event.unwrap_or(""));
    format!("{hash:016x}")
}

/// The code under which SPOF events (as opposed to findings) are fingerprinted.
const SPOF_EVENT: &str = "spof-event";

/// A recovery time: known, or unknown (which is worse than any known one).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Rto {
    Seconds(u64),
    Unknown,
}

impl Rto {
    fn from_seconds(seconds: Option<u64>) -> Rto {
        seconds.map_or(Rto::Unknown, Rto::Seconds)
    }

    fn rank(self) -> u128 {
        match self {
            Rto::Seconds(s) => u128::from(s),
            Rto::Unknown => u128::MAX,
        }
    }

    fn seconds(self) -> Option<u64> {
        match self {
            Rto::Seconds(s) => Some(s),
            Rto::Unknown => None,
        }
    }
}

impl std::fmt::Display for Rto {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Rto::Seconds(s) => write!(f, "{}", Duration(*s)),
            Rto::Unknown => f.write_str("unknown"),
        }
    }
}

impl PartialOrd for Rto {
    fn partial_cmp(&self, other: &Rto) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Rto {
    fn cmp(&self, other: &Rto) -> Ordering {
        self.rank().cmp(&other.rank())
    }
}

/// A SPOF event, by name.
#[derive(Clone, Debug, PartialEq)]
pub struct SpofItem {
    /// The event id: `cache/1`, `zone:a`.
    pub event: String,
    /// For people: `` `cache` `` for the only instance of a component, `zone a` for a domain,
    /// else the event id in backticks.
    pub label: String,
    pub component: Option<String>,
    /// The journeys it takes down (sorted).
    pub journeys: Vec<String>,
    pub blast_radius: f64,
    /// Its worst recovery.
    pub rto: Rto,
}

/// A finding, by name.
#[derive(Clone, Debug, PartialEq)]
pub struct FindingItem {
    pub code: String,
    pub name: String,
    pub severity: Severity,
    pub message: String,
    pub components: Vec<String>,
    pub journeys: Vec<String>,
    pub event: Option<String>,
    pub blast_radius: Option<f64>,
    pub rto: Option<Rto>,
    /// False when a decision in force covers it.
    pub fails_run: bool,
    pub fingerprint: String,
}

impl FindingItem {
    /// The fingerprint without the journeys: the same finding on other journeys.
    fn loose_fingerprint(&self) -> String {
        let components: Vec<&str> = self.components.iter().map(String::as_str).collect();
        fingerprint(&self.code, &components, &[], self.event.as_deref())
    }
}

/// A journey's figures, by name.
#[derive(Clone, Debug, PartialEq)]
pub struct JourneyItem {
    pub name: String,
    pub rto: Rto,
    pub unavailability: Option<f64>,
}

/// What a comparison needs of one report.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Snapshot {
    pub spofs: Vec<SpofItem>,
    pub findings: Vec<FindingItem>,
    pub journeys: Vec<JourneyItem>,
}

impl Snapshot {
    /// The snapshot of an analysis, as its JSON report (with the same options) would give it.
    pub fn of_report(model: &Model, report: &Report, options: &Options) -> Snapshot {
        let spofs = selected_spofs(model, report, options)
            .map(|event| {
                let id = event_id(model, event.kind);
                let mut journeys: Vec<String> = event
                    .effects
                    .iter()
                    .filter(|x| is_spof_effect(model, x))
                    .map(|x| model.journeys[x.journey].name.clone())
                    .collect();
                journeys.sort_unstable();
                let component = event.component().map(|c| model.components[c].name.clone());
                let single = matches!(event.kind, EventKind::Instance { component, .. }
                    if model.components[component].instances.len() == 1);
                SpofItem {
                    label: label(&id, event_kind_is_domain(event.kind), single, &component),
                    event: id,
                    component,
                    journeys,
                    blast_radius: crate::json::round(event.blast_radius),
                    rto: Rto::from_seconds(event.worst().time().map(|d| d.seconds())),
                }
            })
            .collect();
        let findings = selected_findings(report, options)
            .map(|f| {
                let components: Vec<String> = f
                    .components
                    .iter()
                    .map(|&c| model.components[c].name.clone())
                    .collect();
                let journeys: Vec<String> = f
                    .journeys
                    .iter()
                    .map(|&j| model.journeys[j].name.clone())
                    .collect();
                let event = f
                    .event
                    .map(|e| event_id(model, report.analysis.graph.events[e as usize]));
                finding_item(
                    f.code.to_string(),
                    f.name.to_string(),
                    f.severity,
                    f.message.clone(),
                    components,
                    journeys,
                    event,
                    f.blast_radius.map(crate::json::round),
                    f.recovery
                        .as_ref()
                        .map(|r| Rto::from_seconds(r.time().map(|d| d.seconds()))),
                    !f.is_decided(),
                )
            })
            .collect();
        let journeys = report
            .analysis
            .journeys
            .iter()
            .filter(|j| options.journey.is_none_or(|o| o == j.journey))
            .map(|j| JourneyItem {
                name: model.journeys[j.journey].name.clone(),
                rto: Rto::from_seconds(j.rto.map(|d| d.seconds())),
                unavailability: report
                    .availability
                    .as_ref()
                    .map(|a| a[j.journey].unavailability),
            })
            .collect();
        Snapshot {
            spofs,
            findings,
            journeys,
        }
    }

    /// Reads an earlier `spof check --format json` report. Refuses anything else with a
    /// message that says what the text is.
    pub fn from_json(text: &str) -> Result<Snapshot, String> {
        let doc: Value = serde_json::from_str(text).map_err(|e| {
            format!(
                "is not JSON (line {}, column {}: {e}); a baseline is the output of `spof check --format json`",
                e.line(),
                e.column()
            )
        })?;
        let Some(object) = doc.as_object() else {
            return Err("is not a spof report (not a JSON object); a baseline is the output of `spof check --format json`".into());
        };
        let Some(version) = object.get("schema_version") else {
            return Err("is not a spof report (no `schema_version`); a baseline is the output of `spof check --format json`".into());
        };
        if version.as_u64() != Some(u64::from(SCHEMA_VERSION)) {
            return Err(format!(
                "is a report of JSON schema version {version}; this spof reads version {SCHEMA_VERSION}: make the baseline again with `spof check --format json`"
            ));
        }
        if object.contains_key("errors") && !object.contains_key("findings") {
            return Err("is the output of a check whose model could not be read, not a report: make the baseline from a model without errors".into());
        }
        if object.get("tool").and_then(|t| t.get("name")) != Some(&Value::from("spof")) {
            return Err("is not a spof report (no `tool.name` of `spof`); a baseline is the output of `spof check --format json`".into());
        }
        let mut reader = Reader::default();
        let instances: BTreeMap<&str, u64> = reader
            .array(&doc, "components")
            .iter()
            .filter_map(|c| Some((c.get("name")?.as_str()?, c.get("instances")?.as_u64()?)))
            .collect();
        let spofs = reader
            .array(&doc, "spofs")
            .iter()
            .enumerate()
            .map(|(i, s)| {
                let at = format!("spofs[{i}]");
                let event = reader.string(s, "event", &at);
                let component = s.get("component").and_then(Value::as_str).map(String::from);
                let kind = s.get("kind").and_then(Value::as_str).unwrap_or("");
                let single = kind == "instance"
                    && component
                        .as_deref()
                        .and_then(|c| instances.get(c))
                        .is_some_and(|&n| n == 1);
                let mut journeys: Vec<String> = s
                    .get("journeys")
                    .and_then(Value::as_array)
                    .map(|list| {
                        list.iter()
                            .filter(|x| x.get("spof").and_then(Value::as_bool) == Some(true))
                            .filter_map(|x| x.get("journey")?.as_str().map(String::from))
                            .collect()
                    })
                    .unwrap_or_default();
                journeys.sort_unstable();
                SpofItem {
                    label: label(&event, kind == "domain", single, &component),
                    rto: Rto::from_seconds(
                        s.get("recovery")
                            .and_then(|r| r.get("seconds"))
                            .and_then(Value::as_u64),
                    ),
                    blast_radius: reader.number(s, "blast_radius", &at),
                    event,
                    component,
                    journeys,
                }
            })
            .collect();
        let findings = reader
            .array(&doc, "findings")
            .iter()
            .enumerate()
            .map(|(i, f)| {
                let at = format!("findings[{i}]");
                let severity_text = reader.string(f, "severity", &at);
                let severity = Severity::ALL
                    .into_iter()
                    .find(|s| s.as_str() == severity_text)
                    .unwrap_or_else(|| {
                        reader.problem(format!(
                            "{at}.severity: `{severity_text}` is not a severity"
                        ));
                        Severity::Info
                    });
                let names = |key: &str| -> Vec<String> {
                    f.get(key)
                        .and_then(Value::as_array)
                        .map(|l| {
                            l.iter()
                                .filter_map(|v| v.as_str().map(String::from))
                                .collect()
                        })
                        .unwrap_or_default()
                };
                finding_item(
                    reader.string(f, "code", &at),
                    f.get("name")
                        .and_then(Value::as_str)
                        .unwrap_or("")
                        .to_string(),
                    severity,
                    f.get("message")
                        .and_then(Value::as_str)
                        .unwrap_or("")
                        .to_string(),
                    names("components"),
                    names("journeys"),
                    f.get("event").and_then(Value::as_str).map(String::from),
                    f.get("blast_radius").and_then(Value::as_f64),
                    f.get("recovery")
                        .filter(|r| r.is_object())
                        .map(|r| Rto::from_seconds(r.get("seconds").and_then(Value::as_u64))),
                    f.get("fails_run").and_then(Value::as_bool).unwrap_or(true),
                )
            })
            .collect();
        let journeys = reader
            .array(&doc, "journeys")
            .iter()
            .enumerate()
            .map(|(i, j)| JourneyItem {
                name: reader.string(j, "name", &format!("journeys[{i}]")),
                rto: Rto::from_seconds(j.get("rto_seconds").and_then(Value::as_u64)),
                unavailability: j.get("unavailability").and_then(Value::as_f64),
            })
            .collect();
        match reader.problems.first() {
            Some(problem) => Err(format!(
                "is not a complete spof report: {problem}{}",
                match reader.problems.len() {
                    1 => String::new(),
                    n => format!(" (and {} more problems)", n - 1),
                }
            )),
            None => Ok(Snapshot {
                spofs,
                findings,
                journeys,
            }),
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn finding_item(
    code: String,
    name: String,
    severity: Severity,
    message: String,
    components: Vec<String>,
    journeys: Vec<String>,
    event: Option<String>,
    blast_radius: Option<f64>,
    rto: Option<Rto>,
    fails_run: bool,
) -> FindingItem {
    let fingerprint = {
        let c: Vec<&str> = components.iter().map(String::as_str).collect();
        let j: Vec<&str> = journeys.iter().map(String::as_str).collect();
        fingerprint(&code, &c, &j, event.as_deref())
    };
    FindingItem {
        code,
        name,
        severity,
        message,
        components,
        journeys,
        event,
        blast_radius,
        rto,
        fails_run,
        fingerprint,
    }
}

fn event_kind_is_domain(kind: EventKind) -> bool {
    matches!(kind, EventKind::Domain(_))
}

fn label(event: &str, domain: bool, single_instance: bool, component: &Option<String>) -> String {
    match component {
        Some(c) if single_instance => format!("`{c}`"),
        _ if domain => event.replacen(':', " ", 1),
        _ => format!("`{event}`"),
    }
}

/// Reads fields of a JSON report, collecting what is missing or of the wrong type.
#[derive(Default)]
struct Reader {
    problems: Vec<String>,
}

impl Reader {
    fn problem(&mut self, text: String) {
        self.problems.push(text);
    }

    fn array<'v>(&mut self, doc: &'v Value, key: &str) -> &'v [Value] {
        match doc.get(key).and_then(Value::as_array) {
            Some(list) => list,
            None => {
                self.problem(format!("no `{key}` list"));
                &[]
            }
        }
    }

    fn string(&mut self, item: &Value, key: &str, at: &str) -> String {
        match item.get(key).and_then(Value::as_str) {
            Some(text) => text.to_string(),
            None => {
                self.problem(format!("{at}.{key} is missing or not a string"));
                String::new()
            }
        }
    }

    fn number(&mut self, item: &Value, key: &str, at: &str) -> f64 {
        match item.get(key).and_then(Value::as_f64) {
            Some(n) => n,
            None => {
                self.problem(format!("{at}.{key} is missing or not a number"));
                0.0
            }
        }
    }
}

/// An item found on both sides whose figures moved.
#[derive(Clone, Debug, PartialEq)]
pub struct Changed<T> {
    pub before: T,
    pub after: T,
    /// What moved, in words: `RTO 30m → 4h`, `blast radius 50% → 100%`, `now also takes
    /// down browse`.
    pub how: Vec<String>,
}

/// How a journey's figures moved.
#[derive(Clone, Debug, PartialEq)]
pub struct JourneyChange {
    pub journey: String,
    /// `added` or `removed` when the journey is on one side only.
    pub presence: Option<&'static str>,
    pub rto: Option<(Rto, Rto)>,
    /// Before and after; only when the difference shows in the figures printed.
    pub unavailability: Option<(f64, f64)>,
}

impl JourneyChange {
    /// Whether the journey got worse: a longer RTO or a lower availability.
    pub fn worse(&self) -> bool {
        self.rto.is_some_and(|(a, b)| b > a) || self.unavailability.is_some_and(|(a, b)| b > a)
    }
}

/// What changed between two snapshots.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Changes {
    pub new_spofs: Vec<SpofItem>,
    pub resolved_spofs: Vec<SpofItem>,
    pub worse_spofs: Vec<Changed<SpofItem>>,
    pub better_spofs: Vec<Changed<SpofItem>>,
    pub unchanged_spofs: usize,
    pub new_findings: Vec<FindingItem>,
    pub resolved_findings: Vec<FindingItem>,
    pub worse_findings: Vec<Changed<FindingItem>>,
    pub better_findings: Vec<Changed<FindingItem>>,
    pub unchanged_findings: usize,
    pub journeys: Vec<JourneyChange>,
}

impl Changes {
    /// The new and worse findings at or above `fail_on` that no decision in force covers:
    /// what fails a run against a baseline.
    pub fn failing(&self, fail_on: Option<Severity>) -> Vec<&FindingItem> {
        let Some(level) = fail_on else {
            return Vec::new();
        };
        self.new_findings
            .iter()
            .chain(self.worse_findings.iter().map(|c| &c.after))
            .filter(|f| f.fails_run && f.severity >= level)
            .collect()
    }

    /// Whether anything got worse: a new or worse SPOF, a new or worse finding that no
    /// decision covers, a journey with a longer RTO or a lower availability.
    pub fn got_worse(&self) -> bool {
        !self.new_spofs.is_empty()
            || !self.worse_spofs.is_empty()
            || self.new_findings.iter().any(|f| f.fails_run)
            || self.worse_findings.iter().any(|c| c.after.fails_run)
            || self.journeys.iter().any(JourneyChange::worse)
    }

    /// Whether nothing changed at all.
    pub fn is_empty(&self) -> bool {
        self.new_spofs.is_empty()
            && self.resolved_spofs.is_empty()
            && self.worse_spofs.is_empty()
            && self.better_spofs.is_empty()
            && self.new_findings.is_empty()
            && self.resolved_findings.is_empty()
            && self.worse_findings.is_empty()
            && self.better_findings.is_empty()
            && self.journeys.is_empty()
    }
}

/// Compares two snapshots: SPOFs by event, findings by fingerprint (then, among the rest, by
/// the same fingerprint without journeys: the same finding on other journeys), journeys by
/// name. Lists keep the order of the snapshot they come from.
pub fn compare(before: &Snapshot, after: &Snapshot) -> Changes {
    let mut changes = Changes::default();

    let spof_key = |s: &SpofItem| {
        let components: Vec<&str> = s.component.iter().map(String::as_str).collect();
        fingerprint(SPOF_EVENT, &components, &[], Some(&s.event))
    };
    let (pairs, new, resolved) = pair(&before.spofs, &after.spofs, spof_key);
    for (old, new) in pairs {
        let (worse, better) = spof_moves(old, new);
        record(
            &mut changes.worse_spofs,
            &mut changes.better_spofs,
            &mut changes.unchanged_spofs,
            old,
            new,
            worse,
            better,
        );
    }
    changes.new_spofs = new.into_iter().cloned().collect();
    changes.resolved_spofs = resolved.into_iter().cloned().collect();

    let (exact, new, resolved) = pair(&before.findings, &after.findings, |f: &FindingItem| {
        f.fingerprint.clone()
    });
    let new: Vec<FindingItem> = new.into_iter().cloned().collect();
    let resolved: Vec<FindingItem> = resolved.into_iter().cloned().collect();
    let (loose, new, resolved) = pair(&resolved, &new, FindingItem::loose_fingerprint);
    for (old, new) in exact.into_iter().chain(loose) {
        let (worse, better) = finding_moves(old, new);
        record(
            &mut changes.worse_findings,
            &mut changes.better_findings,
            &mut changes.unchanged_findings,
            old,
            new,
            worse,
            better,
        );
    }
    changes.new_findings = new.into_iter().cloned().collect();
    changes.resolved_findings = resolved.into_iter().cloned().collect();
    // Keep the report's order (worst first) for the findings found by either pass.
    let position = |list: &[FindingItem], f: &FindingItem| {
        list.iter().position(|x| x == f).unwrap_or(usize::MAX)
    };
    changes
        .new_findings
        .sort_by_key(|f| position(&after.findings, f));
    changes
        .resolved_findings
        .sort_by_key(|f| position(&before.findings, f));
    for list in [&mut changes.worse_findings, &mut changes.better_findings] {
        list.sort_by_key(|c| position(&after.findings, &c.after));
    }

    for old in &before.journeys {
        match after.journeys.iter().find(|j| j.name == old.name) {
            None => changes.journeys.push(JourneyChange {
                journey: old.name.clone(),
                presence: Some("removed"),
                rto: None,
                unavailability: None,
            }),
            Some(new) => {
                let rto = (old.rto != new.rto).then_some((old.rto, new.rto));
                let unavailability = match (old.unavailability, new.unavailability) {
                    (Some(a), Some(b)) if availability_pair(a, b).is_some() => Some((a, b)),
                    _ => None,
                };
                if rto.is_some() || unavailability.is_some() {
                    changes.journeys.push(JourneyChange {
                        journey: old.name.clone(),
                        presence: None,
                        rto,
                        unavailability,
                    });
                }
            }
        }
    }
    for new in &after.journeys {
        if !before.journeys.iter().any(|j| j.name == new.name) {
            changes.journeys.push(JourneyChange {
                journey: new.name.clone(),
                presence: Some("added"),
                rto: None,
                unavailability: None,
            });
        }
    }
    changes
}

#[allow(clippy::too_many_arguments)]
fn record<T: Clone>(
    worse_list: &mut Vec<Changed<T>>,
    better_list: &mut Vec<Changed<T>>,
    unchanged: &mut usize,
    old: &T,
    new: &T,
    worse: Vec<String>,
    better: Vec<String>,
) {
    if !worse.is_empty() {
        let mut how = worse;
        how.extend(better);
        worse_list.push(Changed {
            before: old.clone(),
            after: new.clone(),
            how,
        });
    } else if !better.is_empty() {
        better_list.push(Changed {
            before: old.clone(),
            after: new.clone(),
            how: better,
        });
    } else {
        *unchanged += 1;
    }
}

/// Pairs the items of two lists with equal keys (each used once, in order); returns the
/// pairs, the items of `after` left over (new) and those of `before` (gone).
fn pair<'a, T>(
    before: &'a [T],
    after: &'a [T],
    key: impl Fn(&T) -> String,
) -> (Vec<(&'a T, &'a T)>, Vec<&'a T>, Vec<&'a T>) {
    let mut waiting: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (i, item) in before.iter().enumerate().rev() {
        waiting.entry(key(item)).or_default().push(i);
    }
    let mut used = vec![false; before.len()];
    let mut pairs = Vec::new();
    let mut new = Vec::new();
    for item in after {
        match waiting.get_mut(&key(item)).and_then(Vec::pop) {
            Some(i) => {
                used[i] = true;
                pairs.push((&before[i], item));
            }
            None => new.push(item),
        }
    }
    let gone = before
        .iter()
        .zip(&used)
        .filter(|(_, used)| !**used)
        .map(|(item, _)| item)
        .collect();
    (pairs, new, gone)
}

fn percent(value: f64) -> String {
    format!("{}%", fixed(value * 100.0, 0))
}

/// What got worse and what got better between two figures of the same thing.
fn moves(
    journeys: (&[String], &[String]),
    radius: (Option<f64>, Option<f64>),
    rto: (Option<Rto>, Option<Rto>),
    journeys_phrase: (&str, &str),
) -> (Vec<String>, Vec<String>) {
    let (mut worse, mut better) = (Vec::new(), Vec::new());
    let added: Vec<&str> = journeys
        .1
        .iter()
        .filter(|j| !journeys.0.contains(j))
        .map(String::as_str)
        .collect();
    let removed: Vec<&str> = journeys
        .0
        .iter()
        .filter(|j| !journeys.1.contains(j))
        .map(String::as_str)
        .collect();
    if !added.is_empty() {
        worse.push(format!("{} {}", journeys_phrase.0, added.join(", ")));
    }
    if !removed.is_empty() {
        better.push(format!("{} {}", journeys_phrase.1, removed.join(", ")));
    }
    if let (Some(a), Some(b)) = radius {
        let text = format!("blast radius {} → {}", percent(a), percent(b));
        if b > a + 1e-9 {
            worse.push(text);
        } else if b + 1e-9 < a {
            better.push(text);
        }
    }
    match rto {
        (Some(a), Some(b)) if b > a => worse.push(format!("RTO {a} → {b}")),
        (Some(a), Some(b)) if b < a => better.push(format!("RTO {a} → {b}")),
        _ => {}
    }
    (worse, better)
}

fn spof_moves(old: &SpofItem, new: &SpofItem) -> (Vec<String>, Vec<String>) {
    moves(
        (&old.journeys, &new.journeys),
        (Some(old.blast_radius), Some(new.blast_radius)),
        (Some(old.rto), Some(new.rto)),
        ("now also takes down", "no longer takes down"),
    )
}

fn finding_moves(old: &FindingItem, new: &FindingItem) -> (Vec<String>, Vec<String>) {
    let (mut worse, mut better) = moves(
        (&old.journeys, &new.journeys),
        (old.blast_radius, new.blast_radius),
        (old.rto, new.rto),
        ("now also on", "no longer on"),
    );
    let text = format!(
        "severity {} → {}",
        old.severity.as_str(),
        new.severity.as_str()
    );
    match new.severity.cmp(&old.severity) {
        Ordering::Greater => worse.push(text),
        Ordering::Less => better.push(text),
        Ordering::Equal => {}
    }
    // A decision that stopped covering the finding (expired, say) makes it fail the run again.
    if new.fails_run && !old.fails_run {
        worse.push("no longer covered by a decision".into());
    } else if old.fails_run && !new.fails_run {
        better.push("now covered by a decision".into());
    }
    (worse, better)
}

/// Two unavailabilities as availability percentages, with as many decimals (2 to 6) as it
/// takes to tell them apart; `None` when they print the same.
/// A figure short of 100% never prints as `100.00%`.
pub fn availability_pair(before: f64, after: f64) -> Option<(String, String)> {
    // Decimals past the second are kept only where they say something: 99.99%, 99.999999%.
    let show = |u: f64, decimals: usize| {
        let text = fixed((1.0 - u) * 100.0, decimals);
        let point = text.find('.').map_or(text.len(), |p| p + 3);
        let trimmed = text.trim_end_matches('0');
        format!(
            "{}%",
            if trimmed.len() < point {
                &text[..point]
            } else {
                trimmed
            }
        )
    };
    let rounds_up = |u: f64, text: &str| u > 0.0 && text.starts_with("100");
    let mut last = None;
    for decimals in 2..=6 {
        let (a, b) = (show(before, decimals), show(after, decimals));
        if a == b {
            continue;
        }
        if !rounds_up(before, &a) && !rounds_up(after, &b) {
            return Some((a, b));
        }
        last = Some((a, b));
    }
    last
}

/// The comparison with an earlier report, as `spof check --baseline` shows it.
#[derive(Clone, Debug, PartialEq)]
pub struct Baseline {
    /// The baseline's file, as the user gave it.
    pub file: String,
    pub changes: Changes,
}

/// What a change does, in sentences: "adds SPOF `cache` to checkout", "zone a is no longer a
/// SPOF", "checkout's RTO 4h → 30m".
pub fn sentences(changes: &Changes) -> Vec<String> {
    let mut out = Vec::new();
    for s in &changes.new_spofs {
        out.push(if s.journeys.is_empty() {
            format!("adds SPOF {}", s.label)
        } else {
            format!("adds SPOF {} to {}", s.label, s.journeys.join(", "))
        });
    }
    for c in &changes.worse_spofs {
        out.push(format!("SPOF {}: {}", c.after.label, c.how.join(", ")));
    }
    for s in &changes.resolved_spofs {
        out.push(format!("{} is no longer a SPOF", s.label));
    }
    for c in &changes.better_spofs {
        out.push(format!("SPOF {}: {}", c.after.label, c.how.join(", ")));
    }
    for j in &changes.journeys {
        if let Some(presence) = j.presence {
            out.push(format!("journey {} {presence}", j.journey));
            continue;
        }
        if let Some((a, b)) = j.rto {
            out.push(format!("{}'s RTO {a} → {b}", j.journey));
        }
        if let Some((a, b)) = j.unavailability
            && let Some((a, b)) = availability_pair(a, b)
        {
            out.push(format!("{}'s availability {a} → {b}", j.journey));
        }
    }
    out
}

fn finding_line(p: &Painter, mark: &str, f: &FindingItem, extra: &str) -> String {
    let covered = if f.fails_run {
        ""
    } else {
        " (covered by a decision)"
    };
    format!(
        "  {mark} {} {} {}: {}{extra}{covered}\n",
        p.paint(
            &format!("{:<8}", f.severity.as_str().to_uppercase()),
            owo_colors::Style::new().bold()
        ),
        f.code,
        f.name,
        f.message
    )
}

/// The changes as lines of text (no heading): sentences, then the findings new, worse,
/// resolved and better.
fn changes_text(p: &Painter, changes: &Changes) -> String {
    let mut out = String::new();
    if changes.is_empty() {
        out.push_str("  nothing changed\n");
        return out;
    }
    for sentence in sentences(changes) {
        let _ = writeln!(out, "  {sentence}");
    }
    type Section<'a> = (&'static str, &'static str, Vec<(&'a FindingItem, String)>);
    let sections: [Section; 4] = [
        (
            "New findings",
            "+",
            changes
                .new_findings
                .iter()
                .map(|f| (f, String::new()))
                .collect(),
        ),
        (
            "Worse findings",
            "~",
            changes
                .worse_findings
                .iter()
                .map(|c| (&c.after, format!(" ({})", c.how.join(", "))))
                .collect(),
        ),
        (
            "Resolved findings",
            "-",
            changes
                .resolved_findings
                .iter()
                .map(|f| (f, String::new()))
                .collect(),
        ),
        (
            "Better findings",
            "~",
            changes
                .better_findings
                .iter()
                .map(|c| (&c.after, format!(" ({})", c.how.join(", "))))
                .collect(),
        ),
    ];
    for (title, mark, items) in sections {
        if items.is_empty() {
            continue;
        }
        let _ = writeln!(out, "  {title} ({})", items.len());
        for (f, extra) in items {
            out.push_str(&finding_line(p, mark, f, &extra));
        }
    }
    out
}

/// One line that counts the changes: "1 new SPOF, 0 resolved, 0 worse; 2 new findings, ...".
fn counts(changes: &Changes) -> String {
    let plural = crate::text::count;
    format!(
        "{}, {} resolved, {} worse; {}, {} resolved, {} worse; unchanged: {}, {}",
        plural(changes.new_spofs.len(), "new SPOF"),
        changes.resolved_spofs.len(),
        changes.worse_spofs.len(),
        plural(changes.new_findings.len(), "new finding"),
        changes.resolved_findings.len(),
        changes.worse_findings.len(),
        plural(changes.unchanged_spofs, "SPOF"),
        plural(changes.unchanged_findings, "finding"),
    )
}

/// The "Changes against baseline" section of the check report.
pub(crate) fn check_section(p: &Painter, baseline: &Baseline) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "\n{}",
        p.heading(&format!("Changes against baseline {}", baseline.file))
    );
    let _ = writeln!(out, "  {}", counts(&baseline.changes));
    out.push_str(&changes_text(p, &baseline.changes));
    out
}

/// What `spof diff` says, as text.
pub fn diff_text(old_file: &str, new_file: &str, changes: &Changes, color: bool) -> String {
    let p = Painter { color };
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{}",
        p.heading(&format!("spof diff: {old_file} → {new_file}"))
    );
    let _ = writeln!(out, "  {}", counts(changes));
    out.push_str(&changes_text(&p, changes));
    let _ = writeln!(
        out,
        "\n{}",
        p.heading(if changes.got_worse() {
            "worse: the change adds or worsens a SPOF, a finding or a journey"
        } else {
            "nothing got worse"
        })
    );
    out
}

// The wire types of the `baseline` object of the check report and of `spof diff`'s JSON.

#[derive(Serialize)]
pub(crate) struct ChangesJson {
    spofs: SpofChangesJson,
    findings: FindingChangesJson,
    journeys: Vec<JourneyChangeJson>,
    /// The changes in words.
    summary: Vec<String>,
}

#[derive(Serialize)]
struct SpofChangesJson {
    new: Vec<SpofJson>,
    resolved: Vec<SpofJson>,
    worse: Vec<ChangedJson<SpofJson>>,
    better: Vec<ChangedJson<SpofJson>>,
    unchanged: usize,
}

#[derive(Serialize)]
struct FindingChangesJson {
    new: Vec<FindingJson>,
    resolved: Vec<FindingJson>,
    worse: Vec<ChangedJson<FindingJson>>,
    better: Vec<ChangedJson<FindingJson>>,
    unchanged: usize,
}

#[derive(Serialize)]
struct ChangedJson<T> {
    #[serde(flatten)]
    after: T,
    before: T,
    how: Vec<String>,
}

#[derive(Serialize)]
struct SpofJson {
    event: String,
    component: Option<String>,
    journeys: Vec<String>,
    blast_radius: f64,
    rto_seconds: Option<u64>,
    fingerprint: String,
}

#[derive(Serialize)]
struct FindingJson {
    code: String,
    name: String,
    severity: &'static str,
    message: String,
    components: Vec<String>,
    journeys: Vec<String>,
    event: Option<String>,
    blast_radius: Option<f64>,
    rto_seconds: Option<u64>,
    fails_run: bool,
    fingerprint: String,
}

#[derive(Serialize)]
struct JourneyChangeJson {
    journey: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    presence: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    rto: Option<FromTo<Option<u64>>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    unavailability: Option<FromTo<f64>>,
    worse: bool,
}

#[derive(Serialize)]
struct FromTo<T> {
    before: T,
    after: T,
}

fn spof_json(s: &SpofItem) -> SpofJson {
    let components: Vec<&str> = s.component.iter().map(String::as_str).collect();
    SpofJson {
        event: s.event.clone(),
        component: s.component.clone(),
        journeys: s.journeys.clone(),
        blast_radius: s.blast_radius,
        rto_seconds: s.rto.seconds(),
        fingerprint: fingerprint(SPOF_EVENT, &components, &[], Some(&s.event)),
    }
}

fn finding_json(f: &FindingItem) -> FindingJson {
    FindingJson {
        code: f.code.clone(),
        name: f.name.clone(),
        severity: f.severity.as_str(),
        message: f.message.clone(),
        components: f.components.clone(),
        journeys: f.journeys.clone(),
        event: f.event.clone(),
        blast_radius: f.blast_radius,
        rto_seconds: f.rto.and_then(Rto::seconds),
        fails_run: f.fails_run,
        fingerprint: f.fingerprint.clone(),
    }
}

/// A figure to 10 significant digits: the last digits of a sum of probabilities depend on
/// the order it was added in, and mean nothing here.
fn significant(value: f64) -> f64 {
    format!("{value:.9e}").parse().unwrap_or(value)
}

pub(crate) fn changes_json(changes: &Changes) -> ChangesJson {
    let changed_spofs = |list: &[Changed<SpofItem>]| {
        list.iter()
            .map(|c| ChangedJson {
                after: spof_json(&c.after),
                before: spof_json(&c.before),
                how: c.how.clone(),
            })
            .collect()
    };
    let changed_findings = |list: &[Changed<FindingItem>]| {
        list.iter()
            .map(|c| ChangedJson {
                after: finding_json(&c.after),
                before: finding_json(&c.before),
                how: c.how.clone(),
            })
            .collect()
    };
    ChangesJson {
        spofs: SpofChangesJson {
            new: changes.new_spofs.iter().map(spof_json).collect(),
            resolved: changes.resolved_spofs.iter().map(spof_json).collect(),
            worse: changed_spofs(&changes.worse_spofs),
            better: changed_spofs(&changes.better_spofs),
            unchanged: changes.unchanged_spofs,
        },
        findings: FindingChangesJson {
            new: changes.new_findings.iter().map(finding_json).collect(),
            resolved: changes.resolved_findings.iter().map(finding_json).collect(),
            worse: changed_findings(&changes.worse_findings),
            better: changed_findings(&changes.better_findings),
            unchanged: changes.unchanged_findings,
        },
        journeys: changes
            .journeys
            .iter()
            .map(|j| JourneyChangeJson {
                journey: j.journey.clone(),
                presence: j.presence,
                rto: j.rto.map(|(a, b)| FromTo {
                    before: a.seconds(),
                    after: b.seconds(),
                }),
                unavailability: j.unavailability.map(|(a, b)| FromTo {
                    before: significant(a),
                    after: significant(b),
                }),
                worse: j.worse(),
            })
            .collect(),
        summary: sentences(changes),
    }
}

/// The `baseline` object of the check report.
#[derive(Serialize)]
pub(crate) struct BaselineJson {
    file: String,
    #[serde(flatten)]
    changes: ChangesJson,
    /// The new and worse findings that fail the run at `--fail-on`.
    failing: usize,
}

pub(crate) fn baseline_json(baseline: &Baseline, fail_on: Option<Severity>) -> BaselineJson {
    BaselineJson {
        file: baseline.file.clone(),
        changes: changes_json(&baseline.changes),
        failing: baseline.changes.failing(fail_on).len(),
    }
}

/// What `spof diff --format json` prints.
pub fn diff_json(old_file: &str, new_file: &str, changes: &Changes) -> String {
    #[derive(Serialize)]
    struct DiffJson<'a> {
        schema_version: u32,
        tool: crate::json::Tool,
        old: &'a str,
        new: &'a str,
        #[serde(flatten)]
        changes: ChangesJson,
        worse: bool,
    }
    crate::number::to_json(&DiffJson {
        schema_version: SCHEMA_VERSION,
        tool: crate::json::tool(),
        old: old_file,
        new: new_file,
        changes: changes_json(changes),
        worse: changes.got_worse(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn finding(code: &str, components: &[&str], journeys: &[&str], rto: u64) -> FindingItem {
        finding_item(
            code.into(),
            "name".into(),
            Severity::High,
            "message".into(),
            components.iter().map(|s| s.to_string()).collect(),
            journeys.iter().map(|s| s.to_string()).collect(),
            Some(format!("{}/1", components[0])),
            Some(0.5),
            Some(Rto::Seconds(rto)),
            true,
        )
    }

    fn snapshot(findings: Vec<FindingItem>) -> Snapshot {
        Snapshot {
            findings,
            ..Snapshot::default()
        }
    }

    #[test]
    fn the_same_finding_on_more_journeys_is_worse_not_new() {
        let before = snapshot(vec![finding("SPOF001", &["db"], &["browse"], 60)]);
        let after = snapshot(vec![finding(
            "SPOF001",
            &["db"],
            &["browse", "checkout"],
            60,
        )]);
        let changes = compare(&before, &after);
        assert!(changes.new_findings.is_empty() && changes.resolved_findings.is_empty());
        assert_eq!(changes.worse_findings.len(), 1);
        assert_eq!(changes.worse_findings[0].how, ["now also on checkout"]);
        assert_eq!(changes.failing(Some(Severity::High)).len(), 1);
        assert!(changes.failing(Some(Severity::Critical)).is_empty());
        let back = compare(&after, &before);
        assert_eq!(back.better_findings[0].how, ["no longer on checkout"]);
        assert!(!back.got_worse());
    }

    #[test]
    fn order_does_not_matter_and_each_item_pairs_once() {
        let a = finding("SPOF001", &["db"], &["browse"], 60);
        let b = finding("SPOF014", &["lb"], &["browse"], 60);
        let before = snapshot(vec![a.clone(), b.clone(), a.clone()]);
        let after = snapshot(vec![b, a.clone()]);
        let changes = compare(&before, &after);
        assert_eq!(changes.unchanged_findings, 2);
        assert_eq!(changes.resolved_findings, [a]);
        assert!(changes.new_findings.is_empty());
    }

    #[test]
    fn unknown_recovery_is_worse_than_any_known_one() {
        assert!(Rto::Unknown > Rto::Seconds(u64::MAX));
        assert_eq!(
            availability_pair(0.0001, 0.00000001),
            Some(("99.99%".into(), "99.999999%".into()))
        );
        assert_eq!(availability_pair(1e-9, 1.1e-9), None);
    }

    #[test]
    fn the_fingerprint_ignores_order() {
        assert_eq!(
            fingerprint("SPOF001", &["a", "b"], &["x", "y"], Some("a/1")),
            fingerprint("SPOF001", &["b", "a"], &["y", "x"], Some("a/1"))
        );
        assert_ne!(
            fingerprint("SPOF001", &["a"], &[], None),
            fingerprint("SPOF002", &["a"], &[], None)
        );
    }
}
