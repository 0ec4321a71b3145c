//! A YAML value tree with places, shared by the YAML-based importers and the overlay reader,
//! and its two readers: serde-saphyr for any YAML, and a fast reader for the block YAML that
//! `kubectl` and `helm template` write (see [`fast`]), which hands every document it does not
//! fully understand to serde-saphyr.

use crate::ImportError;
use std::borrow::Cow;
use std::fmt;

mod fast;

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
    /// Common words (keys such as `name` and `image`) are shared, not allocated.
    Str(Cow<'static, str>),
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
            YamlValue::Str(s) => Some(s.as_ref()),
            _ => None,
        }
    }

    /// A scalar as text: strings as they are, numbers and booleans written out.
    pub fn text(&self) -> Option<String> {
        match &self.value {
            YamlValue::Str(s) => Some(s.to_string()),
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
    parse_yaml_documents_without(file, text, &Unread::default())
}

/// What a reader leaves out of the tree: the keys whose values an importer never reads (in a
/// `kubectl get` dump, `managedFields` and the last-applied annotation can be most of the
/// text). Left-out values are still read, so errors in them are still found.
#[derive(Clone, Copy, Debug, Default)]
pub struct Unread {
    /// Keys left out with their values, wherever they are.
    pub keys: &'static [&'static str],
    /// Keys kept with a null value: only whether they are there is read.
    pub presence: &'static [&'static str],
    /// Keys whose values are kept whole wherever they are, their keys being data (a
    /// ConfigMap's `data`).
    pub verbatim: &'static [&'static str],
}

impl Unread {
    /// What to do with the value of `key`: keep it, keep only that it is there (`Some(true)`),
    /// or leave it out (`Some(false)`).
    fn of(&self, key: &str) -> Option<bool> {
        if self.keys.contains(&key) {
            Some(false)
        } else if self.presence.contains(&key) {
            Some(true)
        } else {
            None
        }
    }

    fn is_empty(&self) -> bool {
        self.keys.is_empty() && self.presence.is_empty()
    }

    /// The keys as a table: [`DROP`], [`PRESENCE`] or [`VERBATIM`] for each.
    fn words(&self) -> Words {
        Words::new(
            self.keys
                .iter()
                .map(|&k| (k, DROP))
                .chain(self.presence.iter().map(|&k| (k, PRESENCE)))
                .chain(self.verbatim.iter().map(|&k| (k, VERBATIM))),
        )
    }
}

/// What [`Unread::words`] says of a key.
const DROP: u8 = 0;
const PRESENCE: u8 = 1;
const VERBATIM: u8 = 2;

/// A set of words, each with a tag, looked up by a hash of its bytes (open addressing):
/// one comparison for most lookups, where the importers look up every key they read.
struct Words {
    slots: Vec<Option<(&'static str, u8)>>,
    shift: u32,
}

impl Words {
    fn new(words: impl Iterator<Item = (&'static str, u8)>) -> Words {
        let words: Vec<(&'static str, u8)> = words.collect();
        // At most a quarter full.
        let bits = (words.len() * 4)
            .max(16)
            .next_power_of_two()
            .trailing_zeros();
        let mut table = Words {
            slots: vec![None; 1 << bits],
            shift: 64 - bits,
        };
        for (word, tag) in words {
            let mut i = table.index(word);
            while let Some((other, _)) = table.slots[i] {
                if other == word {
                    break;
                }
                i = (i + 1) & (table.slots.len() - 1);
            }
            table.slots[i] = Some((word, tag));
        }
        table
    }

    fn index(&self, text: &str) -> usize {
        let mut hash: u64 = 0;
        for &b in text.as_bytes() {
            hash = (hash.rotate_left(5) ^ u64::from(b)).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
        }
        (hash >> self.shift) as usize
    }

    fn get(&self, text: &str) -> Option<(&'static str, u8)> {
        let mut i = self.index(text);
        loop {
            match self.slots[i] {
                None => return None,
                Some((word, tag)) if word == text => return Some((word, tag)),
                Some(_) => i = (i + 1) & (self.slots.len() - 1),
            }
        }
    }
}

/// [`parse_yaml_documents`], leaving out what `unread` says: an importer that never reads
/// those values saves their memory.
pub fn parse_yaml_documents_without(
    file: &str,
    text: &str,
    unread: &Unread,
) -> Result<Vec<Yaml>, ImportError> {
    let unread = *unread;
    const PIECE: usize = 1 << 20;
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get().min(8));
    let pieces = split_documents(text, threads, PIECE);
    if pieces.len() <= 1 {
        return parse_piece(file, text, 0, unread);
    }
    let results: Vec<Result<Vec<Yaml>, ImportError>> = std::thread::scope(|scope| {
        let handles: Vec<_> = pieces
            .iter()
            .map(|&(start, end, line)| {
                scope.spawn(move || parse_piece(file, &text[start..end], line, unread))
            })
            .collect();
        handles
            .into_iter()
            .map(|h| {
                h.join().unwrap_or_else(|_| {
                    Err(ImportError::new(
                        file.to_string(),
                        None,
                        None,
                        "the YAML reader failed".into(),
                    ))
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
        let marker = is_start_marker(l) || is_end_marker(l);
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

/// Parses one piece of a stream; `line` is the number of lines before it. Each document is read
/// by the fast reader when it can, else by serde-saphyr (which also reports the errors).
fn parse_piece(
    file: &str,
    text: &str,
    line: u32,
    unread: Unread,
) -> Result<Vec<Yaml>, ImportError> {
    // Directives apply to the next document: such a text is read as a whole.
    if text.starts_with('%') || text.contains("\n%") {
        return parse_piece_saphyr(file, text, line, unread);
    }
    let max_documents = (text.len() / 8).max(1_024);
    let words = unread.words();
    let mut documents = Vec::new();
    let mut document = Document {
        start: 0,
        start_line: 0,
        plain_marker: true,
        content: Vec::new(),
    };
    let (mut offset, mut number, mut count) = (0usize, 0u32, 0usize);
    for l in text.split_inclusive('\n') {
        let next = offset + l.len();
        let (start, end) = (is_start_marker(l), is_end_marker(l));
        if start || end {
            count += 1;
            if count > max_documents {
                return parse_piece_saphyr(file, text, line, unread);
            }
            let (until, from) = if start {
                (offset, offset)
            } else {
                (next, next)
            };
            document.read(
                file,
                &text[document.start..until],
                &text[document.start..],
                line,
                (unread, &words),
                &mut documents,
            )?;
            let body = l.strip_suffix('\n').unwrap_or(l);
            document = Document {
                start: from,
                start_line: if start { number } else { number + 1 },
                plain_marker: !start || body == "---" || fast::is_end(&body[3..]),
                content: std::mem::take(&mut document.content),
            };
            document.content.clear();
        } else {
            document.content.push(l.strip_suffix('\n').unwrap_or(l));
        }
        offset = next;
        number += 1;
    }
    document.read(
        file,
        &text[document.start..],
        &text[document.start..],
        line,
        (unread, &words),
        &mut documents,
    )?;
    Ok(documents)
}

/// A document of a stream being read.
struct Document<'a> {
    /// Where its text starts (its `---` line, if any).
    start: usize,
    /// The lines before its text in the piece.
    start_line: u32,
    /// Its `---` line, if any, has nothing after the marker.
    plain_marker: bool,
    /// Its lines after the marker.
    content: Vec<&'a str>,
}

impl Document<'_> {
    /// Reads the document (`text` is all of it, marker lines included; `rest` the stream from
    /// its start on) into `documents`.
    fn read(
        &self,
        file: &str,
        text: &str,
        rest: &str,
        line: u32,
        (unread, words): (Unread, &Words),
        documents: &mut Vec<Yaml>,
    ) -> Result<(), ImportError> {
        if self.plain_marker && !fast::has_unsupported_characters(text) {
            let first_line = line + self.start_line + u32::from(is_start_marker(text)) + 1;
            if let Ok(document) = fast::document(&self.content, first_line, words) {
                documents.extend(document);
                return Ok(());
            }
        }
        match parse_piece_saphyr(file, text, line + self.start_line, unread) {
            Ok(read) => {
                documents.extend(read);
                Ok(())
            }
            // An error is the one the whole rest of the stream gives (an unclosed quote runs
            // into the next document marker).
            Err(error) => Err(
                parse_piece_saphyr(file, rest, line + self.start_line, unread)
                    .err()
                    .unwrap_or(error),
            ),
        }
    }
}

/// `---` at the start of a line, followed by a space or the end of the line.
fn is_start_marker(line: &str) -> bool {
    line.starts_with("---") && line[3..].chars().next().is_none_or(char::is_whitespace)
}

/// `...` alone on a line.
fn is_end_marker(line: &str) -> bool {
    line.starts_with("...") && line[3..].trim().is_empty()
}

/// Parses one piece of a stream with serde-saphyr; `line` is the number of lines before it.
fn parse_piece_saphyr(
    file: &str,
    text: &str,
    line: u32,
    unread: Unread,
) -> Result<Vec<Yaml>, ImportError> {
    LINE_OFFSET.with(|offset| offset.set(line));
    SKIP.with(|s| s.set(unread));
    let docs: Result<YamlDocs, _> = serde_saphyr::from_str_multiple_with_options::<
        serde_saphyr::Spanned<RawYaml<false>>,
        YamlDocs,
    >(text, yaml_options(text, true));
    LINE_OFFSET.with(|offset| offset.set(0));
    SKIP.with(|s| s.set(NOTHING_UNREAD));
    docs.map(|d| d.0).map_err(|e| {
        let mut error = yaml_error(file, &e);
        error.line = error.line.map(|l| l + line);
        error
    })
}

thread_local! {
    /// Lines before the piece of text being parsed on this thread.
    static LINE_OFFSET: std::cell::Cell<u32> = const { std::cell::Cell::new(0) };
    /// What the parse on this thread leaves out.
    static SKIP: std::cell::Cell<Unread> = const { std::cell::Cell::new(NOTHING_UNREAD) };
}

const NOTHING_UNREAD: Unread = Unread {
    keys: &[],
    presence: &[],
    verbatim: &[],
};

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
        return Err(ImportError::new(
            file.to_string(),
            Some(docs[1].line),
            Some(docs[1].column),
            "more than one YAML document; an overlay is one document".into(),
        ));
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
    ImportError::new(
        file.to_string(),
        location
            .as_ref()
            .map(|l| u32::try_from(l.line()).unwrap_or(u32::MAX)),
        location
            .as_ref()
            .map(|l| u32::try_from(l.column()).unwrap_or(u32::MAX)),
        format!("not valid YAML: {}", cleaned.trim()),
    )
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
                Ok(RawYaml(YamlValue::Str(shared(v))))
            }
            fn visit_string<E>(self, v: String) -> Result<RawYaml<FULL>, E> {
                Ok(RawYaml(YamlValue::Str(match common(&v) {
                    Some(word) => Cow::Borrowed(word),
                    None => Cow::Owned(v),
                })))
            }
            fn visit_bytes<E>(self, v: &[u8]) -> Result<RawYaml<FULL>, E> {
                Ok(RawYaml(YamlValue::Str(Cow::Owned(
                    String::from_utf8_lossy(v).into_owned(),
                ))))
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
                let unread = if FULL {
                    NOTHING_UNREAD
                } else {
                    SKIP.with(std::cell::Cell::get)
                };
                while let Some(key) = access.next_key::<serde_saphyr::Spanned<RawYaml<FULL>>>()? {
                    let key = spanned(key);
                    let name = key.as_str();
                    if !unread.is_empty()
                        && let Some(presence) = name.and_then(|k| unread.of(k))
                    {
                        access.next_value::<serde::de::IgnoredAny>()?;
                        if presence {
                            let (line, column) = (key.line, key.column);
                            entries.push((
                                key,
                                Yaml {
                                    value: YamlValue::Null,
                                    line,
                                    column,
                                },
                            ));
                        }
                        continue;
                    }
                    let verbatim = name.is_some_and(|k| unread.verbatim.contains(&k));
                    if verbatim {
                        SKIP.with(|s| s.set(NOTHING_UNREAD));
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
                    if verbatim {
                        SKIP.with(|s| s.set(unread));
                    }
                    entries.push((key, value));
                }
                Ok(RawYaml(YamlValue::Map(entries)))
            }
        }
        deserializer.deserialize_any(RawVisitor::<FULL>)
    }
}

/// A string of the input as a value: shared when it is a common word.
fn shared(text: &str) -> Cow<'static, str> {
    match common(text) {
        Some(word) => Cow::Borrowed(word),
        None => Cow::Owned(text.to_string()),
    }
}

/// The common word `text` is, if it is one.
fn common(text: &str) -> Option<&'static str> {
    static TABLE: std::sync::OnceLock<Words> = std::sync::OnceLock::new();
    if text.len() > 32 {
        return None;
    }
    let table = TABLE.get_or_init(|| Words::new(COMMON.iter().map(|&w| (w, 0))));
    table.get(text).map(|(word, _)| word)
}

/// Keys and values that most manifests, compose files and catalogs repeat, in sorted order:
/// shared instead of allocated, they save a large input's reader most of its allocations.
const COMMON: &[&str] = &[
    "Always",
    "ClusterIP",
    "ConfigMap",
    "Deployment",
    "IfNotPresent",
    "Prefix",
    "Secret",
    "Service",
    "StatefulSet",
    "TCP",
    "accessModes",
    "affinity",
    "annotations",
    "apiVersion",
    "app",
    "app.kubernetes.io/component",
    "app.kubernetes.io/instance",
    "app.kubernetes.io/managed-by",
    "app.kubernetes.io/name",
    "app.kubernetes.io/part-of",
    "app.kubernetes.io/version",
    "apps/v1",
    "args",
    "backend",
    "build",
    "claimName",
    "command",
    "component",
    "condition",
    "configMap",
    "configMapKeyRef",
    "configMapRef",
    "consumesApis",
    "containerPort",
    "container_name",
    "containers",
    "context",
    "cpu",
    "data",
    "dependsOn",
    "depends_on",
    "deploy",
    "description",
    "emptyDir",
    "env",
    "envFrom",
    "environment",
    "expose",
    "false",
    "fieldPath",
    "fieldRef",
    "healthcheck",
    "host",
    "hostname",
    "http",
    "httpGet",
    "image",
    "imagePullPolicy",
    "initContainers",
    "interval",
    "items",
    "key",
    "kind",
    "labelSelector",
    "labels",
    "lifecycle",
    "limits",
    "links",
    "livenessProbe",
    "matchExpressions",
    "matchLabels",
    "memory",
    "metadata",
    "mountPath",
    "name",
    "namespace",
    "networks",
    "nodeSelector",
    "operator",
    "owner",
    "path",
    "pathType",
    "paths",
    "persistentVolumeClaim",
    "port",
    "ports",
    "protocol",
    "providesApis",
    "readOnly",
    "readinessProbe",
    "replicas",
    "requests",
    "resources",
    "restart",
    "rules",
    "secret",
    "secretKeyRef",
    "secretName",
    "secretRef",
    "securityContext",
    "selector",
    "service",
    "serviceAccountName",
    "services",
    "spec",
    "status",
    "system",
    "targetPort",
    "template",
    "test",
    "tier",
    "timeout",
    "true",
    "type",
    "v1",
    "value",
    "valueFrom",
    "values",
    "version",
    "volumeMounts",
    "volumes",
];

#[cfg(test)]
mod tests {
    use super::*;

    /// The documents of `text` as the fast reader reads them (falling back per document) and as
    /// serde-saphyr alone reads them, and how many documents the fast reader read itself.
    fn both(text: &str, unread: Unread) -> (String, String, usize) {
        let fast = parse_piece("t.yaml", text, 0, unread);
        let saphyr = parse_piece_saphyr("t.yaml", text, 0, unread);
        let mut read = 0;
        let mut lines: Vec<&str> = Vec::new();
        let mut first = 1u32;
        for (n, l) in text.split_inclusive('\n').enumerate() {
            if is_start_marker(l) || is_end_marker(l) {
                if fast::document(&lines, first, &unread.words()).is_ok_and(|d| d.is_some()) {
                    read += 1;
                }
                lines.clear();
                first = n as u32 + 2;
            } else {
                lines.push(l.strip_suffix('\n').unwrap_or(l));
            }
        }
        if fast::document(&lines, first, &unread.words()).is_ok_and(|d| d.is_some()) {
            read += 1;
        }
        (format!("{fast:#?}"), format!("{saphyr:#?}"), read)
    }

    /// Both readers give the same, reading everything and leaving out what the Kubernetes
    /// importer does not read; how many documents the fast reader read.
    #[track_caller]
    fn same(text: &str) -> usize {
        let (fast, saphyr, read) = both(text, NOTHING_UNREAD);
        assert_eq!(fast, saphyr, "the readers differ on:\n{text}");
        let (fast, saphyr, _) = both(text, crate::kubernetes::UNREAD);
        assert_eq!(
            fast, saphyr,
            "the readers differ, with keys left out, on:\n{text}"
        );
        read
    }

    #[test]
    fn common_words_are_sorted() {
        assert!(COMMON.windows(2).all(|w| w[0] < w[1]));
        assert!(COMMON.iter().all(|w| w.len() <= 32));
        assert_eq!(common("name"), Some("name"));
        assert_eq!(common("nam"), None);
    }

    #[test]
    fn block_yaml_reads_as_serde_saphyr_reads_it() {
        let text = "# leading comment
---
a: 1
b:
  - x
  - |
    lit
  - k: v
    k2: v2
  -
    deep: 1
  - - nested
    - two
  -   spaced: 1
      more: 2
c:
- one
-   two
d: |-
  text

  after a blank line
   indented
e: ~
f:
g: \"quoted\"   # comment
\"h\": 'it''s'
i: a:b
j: x# not a comment
k: []
l: {}
m: -foo
n: --port=8080
o: 10.0.0.1
p: 128Mi
q: -5
r: 0
s: 18446744073709551615
t: yes
u: Off
v: \"true\"
w: |
  last
x: http://api:8080/v1 # the API
1: one
true: t
null: n
y:
z: end
---
---
- top
- |
  literal item
- key: |
    in a mapping in a list
  other: 1
...
after: end
";
        assert_eq!(same(text), 3);
    }

    #[test]
    fn what_the_fast_reader_leaves_to_serde_saphyr_reads_the_same() {
        for text in [
            "a: &x 1\nb: *x\n",
            "a: !tag 1\n",
            "a: 1.5\n",
            "a: 0x1F\n",
            "a: 007\n",
            "a: +1\n",
            "a: .inf\n",
            "a: 99999999999999999999\n",
            "a: \"esc\\\"aped\"\n",
            "a: \"multi\n  line\"\n",
            "a: plain\n  continued\n",
            "a: >\n  folded\n  text\n",
            "a: |+\n  keep\n\n",
            "a: |2\n   indented\n",
            "a: [1, 2]\n",
            "a: {b: 1}\n",
            "a:\tb\n",
            "a: b\r\n",
            "? complex\n: key\n",
            "<<: {a: 1}\n",
            "- \n- a\n",
            "plain scalar\n",
            "~\n",
            "%YAML 1.2\n---\na: 1\n",
            "--- |\n  text\n",
            "--- {a: 1}\n",
            "a: b: c\n",
            "a: 1\n b: 2\n",
            "a:\n    b: 1\n  c: 2\n",
            "a: 1\n- b\n",
            "- a\nb: 1\n",
            "a: |\n    x\n  # comment\n    y\n",
            "a: |\n  \n  x\n",
            "a: |\n  x\n    \n",
            "- |\n- a\n",
            "a: \"x\"y\n",
            "a: [] x\n",
            "\u{feff}a: 1\n",
            "a: \u{85}\n",
            "k: v\nk: again\n",
            "-1: a\n",
            "\"k\" : v\n",
            "a :  b\n",
            "a: 1 #c\n#c\n  #c\nb: 2\n",
            "a:\n- b\n- c:\n  - d\n",
            // In values left out, as in those kept.
            "status:\n  a: .inf\nb: 1\n",
            "status:\n  1.5: x\n",
            "ports:\n- 0x1F\n- 1e999\n",
            "readinessProbe: {a: 1}\n",
            "data:\n  status: .nan\n",
        ] {
            same(text);
        }
    }

    #[test]
    fn unread_keys_are_left_out_alike() {
        let text = "a: 1
status:
  phase: x
  list:
  - 1
probe:
  http: {}
b:
  status: {}
  c: 2
  probe: 1
data:
  status: kept
  probe: kept
items:
- data:
    status: kept
---
status: [1, 2]
probe: {a: 1}
data: {status: kept}
";
        let unread = Unread {
            keys: &["status"],
            presence: &["probe"],
            verbatim: &["data"],
        };
        let (fast, saphyr, read) = both(text, unread);
        assert_eq!(fast, saphyr);
        assert_eq!(read, 1);
        assert!(fast.contains("kept") && !fast.contains("phase"));
    }

    #[test]
    fn errors_are_serde_saphyr_s_with_their_place() {
        for text in [
            "a: 1\n---\nb: [\n",
            "ok: 1\n---\na: b: c\n",
            "a:\n  - x\n y: 1\n",
            "---\na: 'open\n",
        ] {
            let (fast, saphyr, _) = both(text, NOTHING_UNREAD);
            assert_eq!(fast, saphyr);
            assert!(fast.starts_with("Err"), "{fast}");
        }
    }

    /// Mutations of manifests (lines dropped, repeated, re-indented, characters replaced by
    /// YAML's punctuation): whatever the fast reader reads, it reads as serde-saphyr does.
    #[test]
    fn mutations_read_the_same() {
        let base = "apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels:
    app: web
spec:
  replicas: 2
  template:
    spec:
      containers:
      - name: web
        image: nginx:1.25
        args:
        - --port=8080
        - -h
        - api
        env:
        - name: API_URL
          value: \"http://api:8080\"
        - name: MODE
          value: 'on'
        command: [\"run\"]
        readinessProbe:
          httpGet: {path: /, port: 80}
        ports:
        - containerPort: 80
status:
  replicas: 2
---
apiVersion: v1
kind: ConfigMap
data:
  nginx.conf: |
    upstream api {
      server api:8080;
    }

    # done
  TTL: 30s
  status: up
";
        let lines: Vec<&str> = base.lines().collect();
        let mut state = 0x9e37_79b9_7f4a_7c15u64;
        let mut next = |n: usize| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state % n as u64) as usize
        };
        let mut fast_read = 0;
        // `SPOF_ROBUSTNESS_ROUNDS` runs more, as for the importers' robustness tests.
        let rounds = std::env::var("SPOF_ROBUSTNESS_ROUNDS")
            .ok()
            .and_then(|r| r.parse().ok())
            .unwrap_or(3_000usize);
        for _ in 0..rounds {
            let mut mutated: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
            for _ in 0..1 + next(3) {
                let i = next(mutated.len());
                match next(5) {
                    0 => {
                        mutated.remove(i);
                    }
                    1 => {
                        let line = mutated[i].clone();
                        mutated.insert(i, line);
                    }
                    2 => mutated[i].insert(0, ' '),
                    3 => {
                        let line = &mut mutated[i];
                        if !line.is_empty() {
                            let at = next(line.len());
                            if line.is_char_boundary(at) && line.is_char_boundary(at + 1) {
                                let c = b":-#|'\"[]{}&*!? \x09.0y~"[next(20)] as char;
                                line.replace_range(at..at + 1, &c.to_string());
                            }
                        }
                    }
                    _ => {
                        let line = &mut mutated[i];
                        let keep = line.trim_start_matches(' ').len();
                        let content = line[line.len() - keep..].to_string();
                        *line = format!("{}{content}", " ".repeat(next(8)));
                    }
                }
                if mutated.is_empty() {
                    break;
                }
            }
            let text = mutated.join("\n") + "\n";
            fast_read += same(&text);
        }
        // Most mutations leave documents the fast reader reads.
        assert!(fast_read > rounds * 2 / 3, "{fast_read}");
    }

    /// Every YAML file of the shared corpus, when it is next to the repository.
    // How much the fast reader read is the point of this test's output.
    #[allow(clippy::print_stderr)]
    #[test]
    fn the_corpus_reads_the_same() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus");
        let mut folders = vec![root];
        let (mut files, mut fast_read) = (0, 0);
        while let Some(folder) = folders.pop() {
            let Ok(entries) = std::fs::read_dir(&folder) else {
                continue;
            };
            for entry in entries.flatten() {
                let path = entry.path();
                if path.is_dir() {
                    folders.push(path);
                } else if path.extension().is_some_and(|e| e == "yaml" || e == "yml")
                    && let Ok(text) = std::fs::read_to_string(&path)
                {
                    files += 1;
                    let (fast, saphyr, read) = both(&text, NOTHING_UNREAD);
                    assert_eq!(fast, saphyr, "{}", path.display());
                    fast_read += read;
                }
            }
        }
        eprintln!("{files} corpus files, {fast_read} documents read by the fast reader");
    }
}
