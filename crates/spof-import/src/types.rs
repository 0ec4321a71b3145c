//! What every importer produces: a model document and an account of the import.

use indexmap::IndexMap;
use serde::Serialize;
use std::fmt;

/// An input file, read by the caller.
#[derive(Clone, Debug)]
pub struct SourceFile {
    pub path: String,
    pub text: String,
}

/// A problem that stops an import (a file that cannot be parsed at all), with its place.
#[derive(Clone, Debug, PartialEq)]
pub struct ImportError {
    pub file: String,
    pub line: Option<u32>,
    pub column: Option<u32>,
    pub message: String,
}

impl fmt::Display for ImportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.line, self.column) {
            (Some(line), Some(column)) => {
                write!(f, "{}:{line}:{column}: {}", self.file, self.message)
            }
            (Some(line), None) => write!(f, "{}:{line}: {}", self.file, self.message),
            _ => write!(f, "{}: {}", self.file, self.message),
        }
    }
}

impl std::error::Error for ImportError {}

/// The result of an import.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Import {
    pub model: ModelDoc,
    pub report: ImportReport,
}

/// What the import did, for people (printed) and machines (JSON).
#[derive(Clone, Debug, Default, Serialize)]
pub struct ImportReport {
    pub format: String,
    /// Input objects that became components (or parts of one).
    pub mapped: Vec<Mapped>,
    /// Dependencies and attributes inferred rather than stated, with the evidence.
    pub inferred: Vec<Inferred>,
    /// Input objects that were not mapped, and why.
    pub unmapped: Vec<Unmapped>,
    /// References to things not in the input (a host name no service has).
    pub unresolved: Vec<Unresolved>,
    /// What the format cannot say and the user should add in an overlay (journeys, hard or
    /// optional calls, failure domains).
    pub not_modelled: Vec<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct Mapped {
    /// The input object (`Deployment/cartservice`, `aws_nat_gateway.this[0]`).
    pub object: String,
    /// The component it became.
    pub component: String,
    /// `file:line` or a resource address.
    pub source: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct Inferred {
    pub from: String,
    pub to: String,
    /// What was found: `env REDIS_ADDR=redis-cart:6379`.
    pub evidence: String,
    pub source: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct Unmapped {
    pub object: String,
    pub why: String,
    pub source: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct Unresolved {
    pub reference: String,
    pub from: String,
    pub source: String,
}

/// A model as a document, rendered to YAML with the keys a person would write (see
/// docs/model.md). Empty and default fields are left out.
#[derive(Clone, Debug, Default, Serialize)]
pub struct ModelDoc {
    pub version: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(skip_serializing_if = "IndexMap::is_empty")]
    pub domains: IndexMap<String, DomainDoc>,
    pub components: IndexMap<String, ComponentDoc>,
    #[serde(skip_serializing_if = "IndexMap::is_empty")]
    pub journeys: IndexMap<String, JourneyDoc>,
}

#[derive(Clone, Debug, Default, Serialize)]
pub struct DomainDoc {
    pub kind: String,
    #[serde(rename = "in", skip_serializing_if = "Option::is_none")]
    pub parent: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub restore_time: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

#[derive(Clone, Debug, Default, Serialize)]
pub struct ComponentDoc {
    pub kind: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub replicas: Option<u64>,
    /// Instances named one by one (each with its own domains or role), instead of `replicas`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub instances: Vec<InstanceDoc>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min_healthy: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mode: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub health_check: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub failover: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub failover_time: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub restore_time: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub managed: Option<bool>,
    #[serde(rename = "in", skip_serializing_if = "Vec::is_empty")]
    pub domains: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub spread: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub depends_on: Vec<DependencyDoc>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deploy: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub backups: Option<bool>,
    /// For a dns component: providers and records.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dns: Option<DnsDoc>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
}

/// One instance of a component, named, with its own placement or role.
#[derive(Clone, Debug, Default, Serialize)]
pub struct InstanceDoc {
    pub name: String,
    #[serde(rename = "in", skip_serializing_if = "Vec::is_empty")]
    pub domains: Vec<String>,
    /// `primary` or `standby` (active-passive).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
}

/// A dns component's providers and records.
#[derive(Clone, Debug, Default, Serialize)]
pub struct DnsDoc {
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub providers: Vec<String>,
    #[serde(skip_serializing_if = "IndexMap::is_empty")]
    pub records: IndexMap<String, DnsRecordDoc>,
}

/// A DNS record: the components behind its addresses (or how many), health checks, TTL.
#[derive(Clone, Debug, Default, Serialize)]
pub struct DnsRecordDoc {
    /// How many addresses, or the components behind them.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub addresses: Option<DnsAddressesDoc>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub health_check: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ttl: Option<String>,
}

/// A record's addresses: a count, or the components behind them.
#[derive(Clone, Debug, Serialize)]
#[serde(untagged)]
pub enum DnsAddressesDoc {
    Count(u64),
    Components(Vec<String>),
}

#[derive(Clone, Debug, Default, Serialize)]
pub struct DependencyDoc {
    pub component: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub optional: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub per: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timeout: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fallback: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub inferred: Option<String>,
}

#[derive(Clone, Debug, Default, Serialize)]
pub struct JourneyDoc {
    pub path: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub critical: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

impl ModelDoc {
    /// The model as YAML, with a header that says where it came from.
    pub fn to_yaml(&self, header: &str) -> String {
        let body = serde_saphyr::to_string(self).expect("model documents serialise");
        let mut out = String::new();
        for line in header.lines() {
            out.push_str("# ");
            out.push_str(line);
            out.push('\n');
        }
        out.push_str(&body);
        out
    }
}

// ---------------------------------------------------------------------------------------------
// A YAML value tree with places, shared by the YAML-based importers and the overlay reader.

/// A YAML (or JSON) value with the 1-based line and column where it was written.
#[derive(Clone, Debug, PartialEq)]
pub struct Yaml {
    pub value: YamlValue,
    pub line: u32,
    pub column: u32,
}

#[derive(Clone, Debug, PartialEq)]
pub enum YamlValue {
    Null,
    Bool(bool),
    Int(i128),
    Float(f64),
    Str(String),
    Seq(Vec<Yaml>),
    Map(Vec<(Yaml, Yaml)>),
}

const NO_ENTRIES: &[(Yaml, Yaml)] = &[];
const NO_ITEMS: &[Yaml] = &[];

impl Yaml {
    /// The value of `key` in a mapping (the last one, as YAML readers keep it).
    pub fn get(&self, key: &str) -> Option<&Yaml> {
        self.entries()
            .iter()
            .rev()
            .find(|(k, _)| k.as_str() == Some(key))
            .map(|(_, v)| v)
    }

    /// The key node of `key` in a mapping: where the key was written.
    pub fn key(&self, key: &str) -> Option<&Yaml> {
        self.entries()
            .iter()
            .rev()
            .find(|(k, _)| k.as_str() == Some(key))
            .map(|(k, _)| k)
    }

    /// The value at a path of mapping keys.
    pub fn at(&self, path: &[&str]) -> Option<&Yaml> {
        path.iter().try_fold(self, |node, key| node.get(key))
    }

    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            YamlValue::Str(s) => Some(s),
            _ => None,
        }
    }

    /// A scalar as text: strings as they are, numbers and booleans written out.
    pub fn text(&self) -> Option<String> {
        match &self.value {
            YamlValue::Str(s) => Some(s.clone()),
            YamlValue::Int(i) => Some(i.to_string()),
            YamlValue::Float(f) => Some(f.to_string()),
            YamlValue::Bool(b) => Some(b.to_string()),
            _ => None,
        }
    }

    pub fn as_int(&self) -> Option<i128> {
        match &self.value {
            YamlValue::Int(i) => Some(*i),
            YamlValue::Str(s) => s.trim().parse().ok(),
            _ => None,
        }
    }

    pub fn as_bool(&self) -> Option<bool> {
        match &self.value {
            YamlValue::Bool(b) => Some(*b),
            YamlValue::Str(s) if s == "true" || s == "false" => Some(s == "true"),
            _ => None,
        }
    }

    pub fn is_null(&self) -> bool {
        matches!(self.value, YamlValue::Null)
    }

    pub fn is_map(&self) -> bool {
        matches!(self.value, YamlValue::Map(_))
    }

    /// The entries of a mapping; none for anything else.
    pub fn entries(&self) -> &[(Yaml, Yaml)] {
        match &self.value {
            YamlValue::Map(entries) => entries,
            _ => NO_ENTRIES,
        }
    }

    /// The items of a sequence; none for anything else.
    pub fn items(&self) -> &[Yaml] {
        match &self.value {
            YamlValue::Seq(items) => items,
            _ => NO_ITEMS,
        }
    }

    /// How the value is named in "expected X, found Y" messages.
    pub fn type_name(&self) -> &'static str {
        match &self.value {
            YamlValue::Null => "nothing (null)",
            YamlValue::Bool(_) => "a boolean",
            YamlValue::Int(_) | YamlValue::Float(_) => "a number",
            YamlValue::Str(_) => "a string",
            YamlValue::Seq(_) => "a list",
            YamlValue::Map(_) => "a mapping",
        }
    }
}

/// Parses every document of a YAML (or JSON) text. Null documents are skipped. Bounded by the
/// text's size (nodes, documents), with aliases limited well below it (YAML bombs); duplicate
/// keys keep the last value, as Kubernetes and Compose do.
///
/// Made for large inputs (a 50 MB `kubectl` dump): a large text is cut at document markers
/// (`---` or `...` at the start of a line, where YAML ends any block) into one piece per core,
/// parsed in parallel; and only keys and list items carry their place (a scalar value takes
/// its key's place, where it is written in block style), which halves the parser's work.
pub fn parse_yaml_documents(file: &str, text: &str) -> Result<Vec<Yaml>, ImportError> {
    parse_yaml_documents_without(file, text, &[])
}

/// [`parse_yaml_documents`], leaving out the values of the keys in `skip` wherever they are
/// (`managedFields`, `status`...): an importer that never reads them saves their memory.
pub fn parse_yaml_documents_without(
    file: &str,
    text: &str,
    skip: &'static [&'static str],
) -> Result<Vec<Yaml>, ImportError> {
    const PIECE: usize = 1 << 20;
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get().min(8));
    let pieces = split_documents(text, threads, PIECE);
    if pieces.len() <= 1 {
        return parse_piece(file, text, 0, skip);
    }
    let results: Vec<Result<Vec<Yaml>, ImportError>> = std::thread::scope(|scope| {
        let handles: Vec<_> = pieces
            .iter()
            .map(|&(start, end, line)| {
                scope.spawn(move || parse_piece(file, &text[start..end], line, skip))
            })
            .collect();
        handles
            .into_iter()
            .map(|h| {
                h.join().unwrap_or_else(|_| {
                    Err(ImportError {
                        file: file.to_string(),
                        line: None,
                        column: None,
                        message: "the YAML reader failed".into(),
                    })
                })
            })
            .collect()
    });
    let mut documents = Vec::new();
    for result in results {
        documents.extend(result?);
    }
    Ok(documents)
}

/// Cuts a text into about `count` pieces at document markers, when it is larger than `min`:
/// (start, end, lines before start).
fn split_documents(text: &str, count: usize, min: usize) -> Vec<(usize, usize, u32)> {
    if count <= 1 || text.len() < min {
        return vec![(0, text.len(), 0)];
    }
    let target = text.len() / count;
    let mut pieces = Vec::new();
    let (mut start, mut start_line) = (0usize, 0u32);
    let (mut offset, mut line) = (0usize, 0u32);
    for l in text.split_inclusive('\n') {
        let marker = l.starts_with("---")
            && l[3..].chars().next().is_none_or(|c| c.is_whitespace())
            || l.starts_with("...") && l[3..].trim().is_empty();
        if marker && offset - start >= target && pieces.len() + 1 < count {
            pieces.push((start, offset, start_line));
            start = offset;
            start_line = line;
        }
        offset += l.len();
        line += 1;
    }
    pieces.push((start, text.len(), start_line));
    pieces
}

/// Parses one piece of a stream; `line` is the number of lines before it.
fn parse_piece(
    file: &str,
    text: &str,
    line: u32,
    skip: &'static [&'static str],
) -> Result<Vec<Yaml>, ImportError> {
    LINE_OFFSET.with(|offset| offset.set(line));
    SKIP.with(|s| s.set(skip));
    let docs: Result<YamlDocs, _> = serde_saphyr::from_str_multiple_with_options::<
        serde_saphyr::Spanned<RawYaml<false>>,
        YamlDocs,
    >(text, yaml_options(text, true));
    LINE_OFFSET.with(|offset| offset.set(0));
    SKIP.with(|s| s.set(&[]));
    docs.map(|d| d.0).map_err(|e| {
        let mut error = yaml_error(file, &e);
        error.line = error.line.map(|l| l + line);
        error
    })
}

thread_local! {
    /// Lines before the piece of text being parsed on this thread.
    static LINE_OFFSET: std::cell::Cell<u32> = const { std::cell::Cell::new(0) };
    /// Keys whose values the parse on this thread leaves out.
    static SKIP: std::cell::Cell<&'static [&'static str]> = const { std::cell::Cell::new(&[]) };
}

/// Parses a text of exactly one YAML document (an overlay), every value with its place;
/// duplicate keys are an error.
pub fn parse_yaml_one(file: &str, text: &str) -> Result<Option<Yaml>, ImportError> {
    let docs: YamlDocs = serde_saphyr::from_str_multiple_with_options::<
        serde_saphyr::Spanned<RawYaml<true>>,
        YamlDocs,
    >(text, yaml_options(text, false))
    .map_err(|e| yaml_error(file, &e))?;
    let mut docs = docs.0;
    if docs.len() > 1 {
        return Err(ImportError {
            file: file.to_string(),
            line: Some(docs[1].line),
            column: Some(docs[1].column),
            message: "more than one YAML document; an overlay is one document".into(),
        });
    }
    Ok(docs.pop())
}

fn yaml_options(text: &str, lenient_keys: bool) -> serde_saphyr::Options {
    let mut options = serde_saphyr::Options::default();
    let size = text.len();
    let mut budget = serde_saphyr::Budget::default();
    budget.max_nodes = size.max(250_000);
    budget.max_events = size.saturating_mul(2).max(1_000_000);
    budget.max_documents = (size / 8).max(1_024);
    budget.max_total_scalar_bytes = size.max(1 << 20);
    budget.max_reader_input_bytes = Some(size.max(1 << 20));
    options.budget = Some(budget);
    let mut alias_limits = serde_saphyr::options::AliasLimits::default();
    alias_limits.max_total_replayed_events = 200_000;
    alias_limits.max_alias_expansions_per_anchor = 10_000;
    options.alias_limits = alias_limits;
    options.with_snippet = false;
    if lenient_keys {
        options.duplicate_keys = serde_saphyr::DuplicateKeyPolicy::PassThrough;
    }
    options
}

fn yaml_error(file: &str, error: &serde_saphyr::Error) -> ImportError {
    let location = error.location();
    let message = error.to_string();
    let first = message.lines().next().unwrap_or(&message);
    let first = first.strip_prefix("error: ").unwrap_or(first);
    let mut cleaned = match first.find(": ") {
        Some(i) if first.starts_with("line ") => first[i + 2..].to_string(),
        _ => first.to_string(),
    };
    if let Some(i) = cleaned.rfind(" at line ")
        && cleaned[i..].contains(", column ")
    {
        cleaned.truncate(i);
    }
    if let Some(i) = cleaned.find(", set DuplicateKeyPolicy") {
        cleaned.truncate(i);
    }
    if message.contains("alias replay") || message.contains("AliasExpansion") {
        cleaned = "aliases expand to too many values; is this a YAML bomb?".into();
    } else if message.contains("budget breached") {
        cleaned = cleaned.replace("budget breached", "input too large or too deeply nested");
    }
    ImportError {
        file: file.to_string(),
        line: location
            .as_ref()
            .map(|l| u32::try_from(l.line()).unwrap_or(u32::MAX)),
        column: location
            .as_ref()
            .map(|l| u32::try_from(l.column()).unwrap_or(u32::MAX)),
        message: format!("not valid YAML: {}", cleaned.trim()),
    }
}

/// The documents of a stream, each converted as soon as it is read.
#[derive(Default)]
struct YamlDocs(Vec<Yaml>);

impl<const FULL: bool> Extend<serde_saphyr::Spanned<RawYaml<FULL>>> for YamlDocs {
    fn extend<I: IntoIterator<Item = serde_saphyr::Spanned<RawYaml<FULL>>>>(&mut self, iter: I) {
        self.0.extend(iter.into_iter().map(spanned));
    }
}

fn spanned<const FULL: bool>(raw: serde_saphyr::Spanned<RawYaml<FULL>>) -> Yaml {
    let offset = LINE_OFFSET.with(std::cell::Cell::get);
    Yaml {
        value: raw.value.0,
        line: u32::try_from(raw.referenced.line())
            .unwrap_or(u32::MAX)
            .saturating_add(offset),
        column: u32::try_from(raw.referenced.column()).unwrap_or(u32::MAX),
    }
}

/// A value as the deserializer gives it; its children are converted to [`Yaml`] on the way.
/// With `FULL`, every value has its own place; without, a mapping's values take their key's.
struct RawYaml<const FULL: bool>(YamlValue);

impl<'de, const FULL: bool> serde::Deserialize<'de> for RawYaml<FULL> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        use serde::de::{MapAccess, SeqAccess, Visitor};
        struct RawVisitor<const FULL: bool>;
        impl<'de, const FULL: bool> Visitor<'de> for RawVisitor<FULL> {
            type Value = RawYaml<FULL>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("any YAML value")
            }
            fn visit_unit<E>(self) -> Result<RawYaml<FULL>, E> {
                Ok(RawYaml(YamlValue::Null))
            }
            fn visit_none<E>(self) -> Result<RawYaml<FULL>, E> {
                Ok(RawYaml(YamlValue::Null))
            }
            fn visit_some<D: serde::Deserializer<'de>>(
                self,
                d: D,
            ) -> Result<RawYaml<FULL>, D::Error> {
                <RawYaml<FULL> as serde::Deserialize>::deserialize(d)
            }
            fn visit_bool<E>(self, v: bool) -> Result<RawYaml<FULL>, E> {
                Ok(RawYaml(YamlValue::Bool(v)))
            }
            fn visit_i64<E>(self, v: i64) -> Result<RawYaml<FULL>, E> {
                Ok(RawYaml(YamlValue::Int(i128::from(v))))
            }
            fn visit_u64<E>(self, v: u64) -> Result<RawYaml<FULL>, E> {
                Ok(RawYaml(YamlValue::Int(i128::from(v))))
            }
            fn visit_i128<E>(self, v: i128) -> Result<RawYaml<FULL>, E> {
                Ok(RawYaml(YamlValue::Int(v)))
            }
            fn visit_u128<E>(self, v: u128) -> Result<RawYaml<FULL>, E> {
                Ok(RawYaml(
                    i128::try_from(v).map_or(YamlValue::Float(v as f64), YamlValue::Int),
                ))
            }
            fn visit_f64<E>(self, v: f64) -> Result<RawYaml<FULL>, E> {
                Ok(RawYaml(YamlValue::Float(v)))
            }
            fn visit_str<E>(self, v: &str) -> Result<RawYaml<FULL>, E> {
                Ok(RawYaml(YamlValue::Str(v.to_owned())))
            }
            fn visit_string<E>(self, v: String) -> Result<RawYaml<FULL>, E> {
                Ok(RawYaml(YamlValue::Str(v)))
            }
            fn visit_bytes<E>(self, v: &[u8]) -> Result<RawYaml<FULL>, E> {
                Ok(RawYaml(YamlValue::Str(
                    String::from_utf8_lossy(v).into_owned(),
                )))
            }
            fn visit_seq<A: SeqAccess<'de>>(
                self,
                mut access: A,
            ) -> Result<RawYaml<FULL>, A::Error> {
                let mut items = Vec::new();
                while let Some(item) =
                    access.next_element::<serde_saphyr::Spanned<RawYaml<FULL>>>()?
                {
                    items.push(spanned(item));
                }
                Ok(RawYaml(YamlValue::Seq(items)))
            }
            fn visit_map<A: MapAccess<'de>>(
                self,
                mut access: A,
            ) -> Result<RawYaml<FULL>, A::Error> {
                let mut entries = Vec::new();
                let skip = if FULL {
                    &[][..]
                } else {
                    SKIP.with(std::cell::Cell::get)
                };
                while let Some(key) = access.next_key::<serde_saphyr::Spanned<RawYaml<FULL>>>()? {
                    let key = spanned(key);
                    if !skip.is_empty() && key.as_str().is_some_and(|k| skip.contains(&k)) {
                        access.next_value::<serde::de::IgnoredAny>()?;
                        continue;
                    }
                    let value = if FULL {
                        spanned(access.next_value::<serde_saphyr::Spanned<RawYaml<FULL>>>()?)
                    } else {
                        Yaml {
                            value: access.next_value::<RawYaml<FULL>>()?.0,
                            line: key.line,
                            column: key.column,
                        }
                    };
                    entries.push((key, value));
                }
                Ok(RawYaml(YamlValue::Map(entries)))
            }
        }
        deserializer.deserialize_any(RawVisitor::<FULL>)
    }
}
