//! Edits to a model's text that keep every byte the user wrote. A decision is added by
//! inserting text, never by writing the model again: comments, order, quoting, line endings
//! and layout stay as they were outside the inserted text. The `decisions` key is found with
//! the reader's positions; the new entry takes the indentation and line endings of the file,
//! block style in a block list (or a new `decisions:` block at the end), flow style in a flow
//! list.

use crate::node::{Value, parse};
use crate::{Diagnostic, ParseLimits};
use std::ops::Range;

/// The text with a decision added, and where.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Insertion {
    pub text: String,
    /// The inserted bytes: `text` without them is the original text.
    pub range: Range<usize>,
    /// The line (1-based) where the new decision starts.
    pub line: u32,
}

/// Adds a decision, given as keys and values already written as YAML scalars (see
/// [`scalar`]), at the end of the model's `decisions` list, or in a new `decisions:` block at
/// the end of the file. Refuses text that is not a YAML mapping, and a `decisions` key whose
/// value is neither a list nor empty.
pub fn add_decision(text: &str, fields: &[(&str, String)]) -> Result<Insertion, String> {
    let mut diagnostics: Vec<Diagnostic> = Vec::new();
    let root = parse(text, &ParseLimits::default(), &mut diagnostics)
        .ok_or_else(|| "the model is not valid YAML".to_string())?;
    let Value::Map(entries) = &root.value else {
        return Err("the model is not a mapping of keys".into());
    };
    let eol = if text.contains("\r\n") { "\r\n" } else { "\n" };
    let unit = indent_unit(text);
    let key = entries
        .iter()
        .find(|(k, _)| matches!(&k.value, Value::Str(s) if s == "decisions"));
    let Some((key, _)) = key else {
        return Ok(append_block(text, fields, eol, unit));
    };
    let lines = line_ranges(text);
    let key_line = (key.span.line as usize).saturating_sub(1);
    let Some(line) = lines.get(key_line).cloned() else {
        return Err("the `decisions` key is not where the reader says".into());
    };
    let key_indent = indentation(&text[line.clone()]);
    let after_key = (key.span.offset + key.span.len).min(line.end);
    let Some(colon) = text[after_key..line.end].find(':').map(|i| after_key + i) else {
        return Err(format!(
            "cannot find the colon of `decisions` on line {}",
            key_line + 1
        ));
    };
    let rest = without_comment(&text[colon + 1..line.end]);
    let value = rest.trim();
    if value.starts_with('[') {
        let open = colon + 1 + rest.find('[').expect("the value starts with [");
        return add_to_flow(text, open, fields);
    }
    if !value.is_empty() {
        return Err(format!(
            "`decisions` on line {} is `{value}`, not a list: write `decisions:` with the list under it",
            key_line + 1
        ));
    }
    // A block list (or nothing yet): the lines after the key that are blank, comments, deeper
    // than the key, or list items at the key's own indentation.
    let mut last_content = None;
    for (i, range) in lines.iter().enumerate().skip(key_line + 1) {
        let line_text = text[range.clone()].trim_end_matches(['\r', '\n']);
        let trimmed = line_text.trim_start();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let indent = indentation(line_text);
        let item = trimmed == "-" || trimmed.starts_with("- ");
        if indent > key_indent || (indent == key_indent && item) {
            last_content = Some(i);
        } else {
            break;
        }
    }
    let (dash_indent, field_indent, after_line) = match last_content {
        None => (key_indent + unit, key_indent + unit + 2, key_line),
        Some(last) => {
            // The first item shows how items are written: `  - finding: ...`.
            let first = lines[key_line + 1..=last]
                .iter()
                .map(|r| text[r.clone()].trim_end_matches(['\r', '\n']))
                .find(|l| {
                    let t = l.trim_start();
                    !t.is_empty() && !t.starts_with('#')
                })
                .expect("there is a content line");
            let dash = indentation(first);
            let after_dash = &first[dash..];
            if after_dash.starts_with('[') {
                return Err(format!(
                    "`decisions` on line {} opens its flow list on the next line; start it on the key's line (`decisions: [`) or add the entry by hand",
                    key_line + 1
                ));
            }
            if !after_dash.starts_with('-') {
                return Err(format!(
                    "`decisions` on line {} is not followed by a list",
                    key_line + 1
                ));
            }
            let gap = after_dash[1..].len() - after_dash[1..].trim_start().len();
            let gap = if after_dash[1..].trim().is_empty() {
                1
            } else {
                gap
            };
            (dash, dash + 1 + gap, last)
        }
    };
    let block = block_item(fields, dash_indent, field_indent, eol);
    let at = lines[after_line].end;
    let ends_with_newline = text[..at].ends_with('\n');
    let insert = if ends_with_newline {
        format!("{block}{eol}")
    } else {
        format!("{eol}{block}")
    };
    let mut out = String::with_capacity(text.len() + insert.len());
    out.push_str(&text[..at]);
    out.push_str(&insert);
    out.push_str(&text[at..]);
    Ok(Insertion {
        text: out,
        range: at..at + insert.len(),
        line: after_line as u32 + 2,
    })
}

/// A value as a YAML scalar: plain when that reads back as the same string, else double
/// quoted (JSON's escapes are YAML's).
pub fn scalar(value: &str) -> String {
    let plain = !value.is_empty()
        && value.trim() == value
        && value
            .chars()
            .all(|c| c.is_alphanumeric() || " -_./@()'".contains(c))
        && value
            .chars()
            .next()
            .is_some_and(|c| c.is_alphanumeric() && !c.is_ascii_digit())
        && !matches!(
            value.to_ascii_lowercase().as_str(),
            "true" | "false" | "yes" | "no" | "on" | "off" | "null" | "y" | "n"
        );
    if plain {
        value.to_string()
    } else {
        serde_json::to_string(value).expect("a string serialises")
    }
}

fn block_item(fields: &[(&str, String)], dash: usize, field: usize, eol: &str) -> String {
    let mut lines = Vec::new();
    for (i, (key, value)) in fields.iter().enumerate() {
        if i == 0 {
            let gap = field - dash - 1;
            lines.push(format!(
                "{}-{}{key}: {value}",
                " ".repeat(dash),
                " ".repeat(gap.max(1))
            ));
        } else {
            lines.push(format!("{}{key}: {value}", " ".repeat(field)));
        }
    }
    lines.join(eol)
}

/// A new `decisions:` block at the end of the file, after a blank line.
fn append_block(text: &str, fields: &[(&str, String)], eol: &str, unit: usize) -> Insertion {
    let ends_with_newline = text.is_empty() || text.ends_with('\n');
    let mut insert = String::new();
    if !ends_with_newline {
        insert.push_str(eol);
    }
    let last_line_blank = text
        .trim_end_matches(['\r', '\n'])
        .rsplit('\n')
        .next()
        .is_none_or(|l| l.trim().is_empty())
        || text.ends_with(&format!("{eol}{eol}"));
    if !text.is_empty() && !last_line_blank {
        insert.push_str(eol);
    }
    let line = text.matches('\n').count() as u32 + insert.matches('\n').count() as u32 + 2;
    insert.push_str("decisions:");
    insert.push_str(eol);
    insert.push_str(&block_item(fields, unit, unit + 2, eol));
    if ends_with_newline {
        insert.push_str(eol);
    }
    let at = text.len();
    Insertion {
        text: format!("{text}{insert}"),
        range: at..at + insert.len(),
        line,
    }
}

/// Adds `{key: value, ...}` at the end of the flow list that opens at `open`.
fn add_to_flow(text: &str, open: usize, fields: &[(&str, String)]) -> Result<Insertion, String> {
    let bytes = text.as_bytes();
    let mut depth = 0usize;
    let mut quote: Option<u8> = None;
    let mut last_significant: Option<usize> = None;
    let mut i = open;
    let mut close = None;
    while i < bytes.len() {
        let b = bytes[i];
        match quote {
            Some(q) => {
                if b == b'\\' && q == b'"' {
                    i += 1;
                } else if b == q {
                    if q == b'\'' && bytes.get(i + 1) == Some(&b'\'') {
                        i += 1;
                    } else {
                        quote = None;
                    }
                }
                last_significant = Some(i);
            }
            None => match b {
                b'"' | b'\'' => {
                    quote = Some(b);
                    last_significant = Some(i);
                }
                b'#' if i == 0 || bytes[i - 1].is_ascii_whitespace() => {
                    while i < bytes.len() && bytes[i] != b'\n' {
                        i += 1;
                    }
                    continue;
                }
                b'[' | b'{' => {
                    depth += 1;
                    if i != open {
                        last_significant = Some(i);
                    }
                }
                b']' | b'}' => {
                    depth -= 1;
                    if depth == 0 {
                        close = Some(i);
                        break;
                    }
                    last_significant = Some(i);
                }
                _ if b.is_ascii_whitespace() => {}
                _ => last_significant = Some(i),
            },
        }
        i += 1;
    }
    let Some(close) = close else {
        return Err("the `decisions` list is not closed".into());
    };
    let entry = format!(
        "{{{}}}",
        fields
            .iter()
            .map(|(k, v)| format!("{k}: {v}"))
            .collect::<Vec<_>>()
            .join(", ")
    );
    let (at, insert) = match last_significant {
        None => (close, entry),
        Some(last) if bytes[last] == b',' => (last + 1, format!(" {entry}")),
        Some(last) => (last + 1, format!(", {entry}")),
    };
    let line = text[..at].matches('\n').count() as u32 + 1;
    Ok(Insertion {
        text: format!("{}{insert}{}", &text[..at], &text[at..]),
        range: at..at + insert.len(),
        line,
    })
}

/// The byte ranges of the lines, each with its line ending.
fn line_ranges(text: &str) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut start = 0;
    for (i, b) in text.bytes().enumerate() {
        if b == b'\n' {
            out.push(start..i + 1);
            start = i + 1;
        }
    }
    if start < text.len() {
        out.push(start..text.len());
    }
    out
}

fn indentation(line: &str) -> usize {
    line.len() - line.trim_start_matches(' ').len()
}

/// The text before a comment (`#` at the start or after a space).
fn without_comment(text: &str) -> &str {
    let bytes = text.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        if b == b'#' && (i == 0 || bytes[i - 1].is_ascii_whitespace()) {
            return &text[..i];
        }
    }
    text.trim_end_matches(['\r', '\n'])
}

/// The file's indentation step: the smallest indentation of a content line (2 by default).
fn indent_unit(text: &str) -> usize {
    text.lines()
        .filter(|l| {
            let t = l.trim();
            !t.is_empty() && !t.starts_with('#')
        })
        .map(indentation)
        .filter(|&n| n > 0)
        .min()
        .unwrap_or(2)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields() -> Vec<(&'static str, String)> {
        vec![
            ("finding", "SPOF014".into()),
            ("component", "lb".into()),
            ("status", "accepted".into()),
            ("reason", scalar("a standby is planned: Q3")),
        ]
    }

    fn added(text: &str) -> Insertion {
        let insertion = add_decision(text, &fields()).unwrap();
        let mut back = insertion.text.clone();
        back.replace_range(insertion.range.clone(), "");
        assert_eq!(back, text, "only inserted bytes");
        insertion
    }

    #[test]
    fn a_new_block_at_the_end() {
        let text = "components:\n    app: {kind: service}  # four spaces\n";
        let i = added(text);
        assert_eq!(
            &i.text[text.len()..],
            "\ndecisions:\n    - finding: SPOF014\n      component: lb\n      status: accepted\n      reason: \"a standby is planned: Q3\"\n"
        );
        assert_eq!(i.line, 5);
    }

    #[test]
    fn a_last_line_without_newline_keeps_having_none() {
        let i = added("components:\n  app: {kind: service}");
        assert!(!i.text.ends_with('\n'));
        assert!(
            i.text
                .contains("service}\n\ndecisions:\n  - finding: SPOF014\n")
        );
    }

    #[test]
    fn crlf_lines_stay_crlf() {
        let i = added(
            "components:\r\n  app: {kind: service}\r\ndecisions:\r\n  - finding: SPOF001\r\n    status: planned\r\n# end\r\n",
        );
        assert!(!i.text.replace("\r\n", "").contains('\n'));
        assert!(
            i.text
                .contains("status: planned\r\n  - finding: SPOF014\r\n")
        );
        assert!(i.text.ends_with("\r\n# end\r\n"));
    }

    #[test]
    fn into_a_block_list_in_its_style() {
        let text = "decisions:\n- finding: SPOF001   # indentless\n  status: planned\n\n  # trailing comment\npeople: {}\n";
        let i = added(text);
        assert!(
            i.text
                .contains("  status: planned\n- finding: SPOF014\n  component: lb\n")
        );
        assert_eq!(i.line, 4);
    }

    #[test]
    fn into_a_flow_list() {
        let i = added("decisions: []  # none yet\n");
        assert!(
            i.text
                .starts_with("decisions: [{finding: SPOF014, component: lb, ")
        );
        let i = added("decisions: [{finding: SPOF001, status: planned}]\n");
        assert!(i.text.contains("planned}, {finding: SPOF014"));
        let i = added("decisions: [\n  {finding: SPOF001, status: planned},  # a ] comment\n]\n");
        assert!(i.text.contains("planned}, {finding: SPOF014"), "{}", i.text);
    }

    #[test]
    fn an_empty_key_gets_its_list() {
        let i = added("decisions:\ncomponents: {}\n");
        assert!(i.text.starts_with("decisions:\n  - finding: SPOF014\n"));
    }

    #[test]
    fn a_value_that_is_not_a_list_is_refused() {
        assert!(add_decision("decisions: ~\n", &fields()).is_err());
        let e = add_decision("decisions:\n  [ ]\n", &fields()).unwrap_err();
        assert!(e.contains("opens its flow list on the next line"), "{e}");
    }

    #[test]
    fn scalars_read_back_the_same() {
        assert_eq!(scalar("alice"), "alice");
        assert_eq!(scalar("yes"), "\"yes\"");
        assert_eq!(scalar("a: b"), "\"a: b\"");
        assert_eq!(scalar("2027-01-31"), "\"2027-01-31\"");
    }
}
