//! YAML text to a tree of values, each with its place in the text. The typed reading of the
//! model works on this tree (see `decode.rs`), so that every problem, not just the first, is
//! reported with its location. Parsing is bounded: input size, node count, nesting depth and
//! alias expansion all have limits, so hostile input fails fast with a clear error.

use crate::{Diagnostic, ParseLimits, Span};
use serde::de::{Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_saphyr::{Budget, Options, Spanned};
use std::fmt;

#[derive(Debug, Clone)]
pub struct Node {
    pub value: Value,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub enum Value {
    Null,
    Bool(bool),
    Int(i128),
    Float(f64),
    Str(String),
    Seq(Vec<Node>),
    Map(Vec<(Node, Node)>),
}

impl Node {
    /// How a value is named in "expected X, found Y" messages.
    pub fn type_name(&self) -> &'static str {
        match &self.value {
            Value::Null => "nothing (null)",
            Value::Bool(_) => "a boolean",
            Value::Int(_) => "a number",
            Value::Float(_) => "a number",
            Value::Str(_) => "a string",
            Value::Seq(_) => "a list",
            Value::Map(_) => "a mapping",
        }
    }
}

/// Parses `text` into a tree, or records why it cannot and returns `None`.
pub fn parse(text: &str, limits: &ParseLimits, diagnostics: &mut Vec<Diagnostic>) -> Option<Node> {
    if text.len() > limits.max_bytes {
        diagnostics.push(
            Diagnostic::error(
                "too-large",
                Span {
                    line: 1,
                    column: 1,
                    offset: 0,
                    len: 0,
                },
                format!(
                    "the model is {} bytes, more than the limit of {} bytes",
                    text.len(),
                    limits.max_bytes
                ),
            )
            .with_help("split the model or raise the limit"),
        );
        return None;
    }
    if text.trim().is_empty() {
        diagnostics.push(
            Diagnostic::error("empty", Span::default_start(), "the model is empty")
                .with_help("start from `spof init`, which writes a commented template"),
        );
        return None;
    }
    let mut options = Options::default();
    let mut budget = Budget::default();
    budget.max_nodes = limits.max_nodes;
    budget.max_events = limits.max_nodes.saturating_mul(4);
    budget.max_depth = limits.max_depth;
    budget.max_documents = 1;
    options.budget = Some(budget);
    // Anchors and aliases are for sharing a few blocks, not for multiplying a document:
    // bound their expansion well below the node budget (YAML bombs).
    let mut alias_limits = serde_saphyr::options::AliasLimits::default();
    alias_limits.max_total_replayed_events = 200_000;
    alias_limits.max_alias_expansions_per_anchor = 10_000;
    options.alias_limits = alias_limits;
    options.with_snippet = false;
    let parsed: Result<Spanned<Raw>, _> = serde_saphyr::from_str_with_options(text, options);
    match parsed {
        Ok(raw) => Some(convert(raw, text)),
        Err(error) => {
            let span = error
                .location()
                .map(|loc| span_of_location(&loc, text))
                .unwrap_or_else(Span::default_start);
            diagnostics.push(
                Diagnostic::error(
                    "yaml",
                    span,
                    format!("not valid YAML: {}", clean_message(&error.to_string())),
                )
                .with_label("here"),
            );
            None
        }
    }
}

impl Span {
    pub(crate) fn default_start() -> Span {
        Span {
            line: 1,
            column: 1,
            offset: 0,
            len: 0,
        }
    }
}

/// The parser's own message without its location prefix and its advice about parser options,
/// which mean nothing to someone writing a model.
fn clean_message(message: &str) -> String {
    if message.contains("alias replay")
        || message.contains("alias expansion")
        || message.contains("AliasExpansion")
    {
        return "aliases expand to too many values (at most 200,000); is this a YAML bomb?".into();
    }
    if message.contains("recursion limit") || message.contains("Depth") {
        return "nested too deeply (at most 64 levels)".into();
    }
    let first = message.lines().next().unwrap_or(message);
    let first = first.strip_prefix("error: ").unwrap_or(first);
    let without_location = match first.find(": ") {
        Some(i) if first.starts_with("line ") => &first[i + 2..],
        _ => first,
    };
    let cut = without_location
        .find(", set DuplicateKeyPolicy")
        .map_or(without_location, |i| &without_location[..i]);
    let cut = cut.replace("budget breached", "input too large or too deeply nested");
    // The location is shown separately.
    let cut = match cut.rfind(" at line ") {
        Some(i) if cut[i..].contains(", column ") => cut[..i].to_string(),
        _ => cut,
    };
    cut.trim().to_string()
}

fn span_of_location(loc: &serde_saphyr::Location, text: &str) -> Span {
    let line = u32::try_from(loc.line()).unwrap_or(u32::MAX);
    let column = u32::try_from(loc.column()).unwrap_or(u32::MAX);
    let span = loc.span();
    let offset = match span.byte_offset() {
        Some(o) if o > 0 || (line <= 1 && column <= 1) => (o as usize).min(text.len()),
        // Errors carry only a line and column (in characters): find the byte offset.
        _ => offset_of(text, line, column),
    };
    let len = span.byte_len().map(|l| l as usize).unwrap_or(0);
    Span {
        line,
        column,
        offset,
        len: len.min(text.len() - offset),
    }
}

/// The byte offset of a 1-based line and character column.
fn offset_of(text: &str, line: u32, column: u32) -> usize {
    let Some(start) = text
        .split_inclusive('\n')
        .take(line.saturating_sub(1) as usize)
        .map(str::len)
        .sum::<usize>()
        .checked_add(0)
    else {
        return 0;
    };
    let rest = &text[start.min(text.len())..];
    let within = rest
        .char_indices()
        .nth(column.saturating_sub(1) as usize)
        .map_or(rest.len(), |(i, _)| i);
    (start + within).min(text.len())
}

fn convert(raw: Spanned<Raw>, text: &str) -> Node {
    let span = span_of_location(&raw.referenced, text);
    let value = match raw.value {
        Raw::Null => Value::Null,
        Raw::Bool(b) => Value::Bool(b),
        Raw::Int(i) => Value::Int(i),
        Raw::Float(f) => Value::Float(f),
        Raw::Str(s) => Value::Str(s),
        Raw::Seq(items) => Value::Seq(items.into_iter().map(|n| convert(n, text)).collect()),
        Raw::Map(entries) => Value::Map(
            entries
                .into_iter()
                .map(|(k, v)| (convert(k, text), convert(v, text)))
                .collect(),
        ),
    };
    // A collection's span covers only its first character; widen it to the key or item
    // so that labels are readable.
    Node { value, span }
}

/// The tree as the YAML deserializer gives it, before spans are converted.
enum Raw {
    Null,
    Bool(bool),
    Int(i128),
    Float(f64),
    Str(String),
    Seq(Vec<Spanned<Raw>>),
    Map(Vec<(Spanned<Raw>, Spanned<Raw>)>),
}

impl<'de> Deserialize<'de> for Raw {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct RawVisitor;
        impl<'de> Visitor<'de> for RawVisitor {
            type Value = Raw;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("any YAML value")
            }
            fn visit_unit<E>(self) -> Result<Raw, E> {
                Ok(Raw::Null)
            }
            fn visit_none<E>(self) -> Result<Raw, E> {
                Ok(Raw::Null)
            }
            fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Raw, D::Error> {
                Raw::deserialize(d)
            }
            fn visit_bool<E>(self, v: bool) -> Result<Raw, E> {
                Ok(Raw::Bool(v))
            }
            fn visit_i64<E>(self, v: i64) -> Result<Raw, E> {
                Ok(Raw::Int(i128::from(v)))
            }
            fn visit_u64<E>(self, v: u64) -> Result<Raw, E> {
                Ok(Raw::Int(i128::from(v)))
            }
            fn visit_i128<E>(self, v: i128) -> Result<Raw, E> {
                Ok(Raw::Int(v))
            }
            fn visit_u128<E>(self, v: u128) -> Result<Raw, E> {
                Ok(i128::try_from(v).map_or(Raw::Float(v as f64), Raw::Int))
            }
            fn visit_f64<E>(self, v: f64) -> Result<Raw, E> {
                Ok(Raw::Float(v))
            }
            fn visit_str<E>(self, v: &str) -> Result<Raw, E> {
                Ok(Raw::Str(v.to_owned()))
            }
            fn visit_string<E>(self, v: String) -> Result<Raw, E> {
                Ok(Raw::Str(v))
            }
            fn visit_bytes<E>(self, v: &[u8]) -> Result<Raw, E> {
                Ok(Raw::Str(String::from_utf8_lossy(v).into_owned()))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut access: A) -> Result<Raw, A::Error> {
                let mut items = Vec::new();
                while let Some(item) = access.next_element::<Spanned<Raw>>()? {
                    items.push(item);
                }
                Ok(Raw::Seq(items))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<Raw, A::Error> {
                let mut entries = Vec::new();
                while let Some(entry) = access.next_entry::<Spanned<Raw>, Spanned<Raw>>()? {
                    entries.push(entry);
                }
                Ok(Raw::Map(entries))
            }
        }
        deserializer.deserialize_any(RawVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_text(text: &str) -> (Option<Node>, Vec<Diagnostic>) {
        let mut d = Vec::new();
        let n = parse(text, &ParseLimits::default(), &mut d);
        (n, d)
    }

    #[test]
    fn keeps_positions() {
        let (node, _) = parse_text("a: 1\nbb:\n  - x\n");
        let Value::Map(entries) = node.unwrap().value else {
            panic!("expected a map")
        };
        assert_eq!(entries[1].0.span.line, 2);
        let Value::Seq(items) = &entries[1].1.value else {
            panic!("expected a list")
        };
        assert_eq!((items[0].span.line, items[0].span.column), (3, 5));
        assert_eq!(items[0].span.offset, 13);
    }

    #[test]
    fn hostile_input_is_an_error() {
        let bomb = "a: &a [1,2,3,4,5,6,7,8,9]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\nf: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]\ng: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]\nh: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]\n";
        for text in [
            bomb,
            &"[".repeat(100_000),
            "a: 1\na: 2\n",
            "\u{0}\u{1}\u{2}",
        ] {
            let (node, diags) = parse_text(text);
            assert!(node.is_none(), "{text:.40}");
            assert_eq!(diags.len(), 1);
            assert!(!diags[0].message.contains("DuplicateKeyPolicy"));
        }
    }
}
