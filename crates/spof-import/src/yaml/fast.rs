//! A fast reader for block YAML as `kubectl`, `helm template` and people write it: block
//! mappings and sequences, plain scalars on one line, quoted scalars on one line without
//! escapes, literal block scalars (`|`, `|-`), empty flow collections (`[]`, `{}`) and comments.
//!
//! It gives exactly the tree serde-saphyr gives (values, types and places) for the documents it
//! reads, and refuses the rest: a document with anything else (anchors, aliases, tags, flow
//! collections with content, folded or multi-line scalars, escapes, tabs, a scalar whose type
//! is not plainly a string, an integer or a boolean, any syntax error) is [`NotFast`], and the
//! caller reads that document with serde-saphyr, which also gives the located error. The tests
//! compare both readers on every document they can read.
//!
//! Scalars are typed as serde-saphyr does for an untyped value: `~`, `null`, `Null`, `NULL` are
//! null; `true`, `yes`, `on`, `y`... (YAML 1.1, any case) are booleans; `0` and decimal
//! integers without a leading zero (within 64 bits) are integers; everything else that could
//! be a number (floats, hexadecimal, `+1`, `.inf`...) is refused; the rest are strings.

use super::{DROP, PRESENCE, VERBATIM, Words, Yaml, YamlValue, shared};
use std::borrow::Cow;

/// The document is not in the subset this reader knows: read it with serde-saphyr.
#[derive(Debug)]
pub(super) struct NotFast;

type Fast<T> = Result<T, NotFast>;

/// Nesting beyond this is left to serde-saphyr and its depth budget.
const MAX_DEPTH: usize = 48;
/// Implicit keys are at most 1024 characters in YAML; longer ones go to serde-saphyr.
const MAX_KEY: usize = 1000;

/// Reads one document (its lines, without document markers; `first_line` is the 1-based line
/// of the first). `Ok(None)` for a document with no content. What `unread` leaves out (see
/// [`super::Unread::words`]) is read, so that errors in it are still found, but not kept.
pub(super) fn document(
    lines: &[&str],
    first_line: u32,
    unread: &Words,
) -> Result<Option<Yaml>, NotFast> {
    let mut reader = Reader {
        lines,
        first_line,
        pos: 0,
        virtual_indent: None,
        unread,
        verbatim: false,
        depth: 0,
        entries: Vec::new(),
        items: Vec::new(),
    };
    let Some((indent, _)) = reader.peek()? else {
        return Ok(None);
    };
    let root = reader.node(indent, true)?;
    if reader.peek()?.is_some() {
        return Err(NotFast);
    }
    Ok(Some(root))
}

/// Whether a document's text has anything this reader never accepts: tabs, carriage returns,
/// control characters, a byte order mark, non-printable or line-breaking Unicode.
pub(super) fn has_unsupported_characters(text: &str) -> bool {
    // Without a branch per byte, so that it runs over many bytes at a time.
    let unusual = |chunk: &[u8]| {
        chunk.iter().fold(false, |any, &b| {
            any | ((b.wrapping_sub(0x20) >= 0x5f) & (b != b'\n'))
        })
    };
    if text.as_bytes().chunks(256).any(unusual) {
        // Only non-ASCII text needs a closer look.
        return text.chars().any(|c| {
            (c < ' ' && c != '\n')
                || c == '\u{7f}'
                || ('\u{80}'..='\u{9f}').contains(&c)
                || matches!(
                    c,
                    '\u{2028}' | '\u{2029}' | '\u{feff}' | '\u{fffe}' | '\u{ffff}'
                )
        });
    }
    false
}

struct Reader<'a, 'b> {
    lines: &'b [&'a str],
    first_line: u32,
    /// The current line.
    pos: usize,
    /// When the current line is the rest of a sequence entry (`- key: value`), the column where
    /// that rest starts, read as the line's indentation.
    virtual_indent: Option<usize>,
    unread: &'b Words,
    /// Within a value that `unread` keeps whole.
    verbatim: bool,
    depth: usize,
    /// The entries and items of the collections being read, nested ones after those of their
    /// parents: each collection gets a vector of exactly its size.
    entries: Vec<(Yaml, Yaml)>,
    items: Vec<Yaml>,
}

impl<'a> Reader<'a, '_> {
    /// The next line with content (blank and comment lines skipped): its indentation and its
    /// text from there.
    fn peek(&mut self) -> Fast<Option<(usize, &'a str)>> {
        if let Some(indent) = self.virtual_indent {
            return Ok(Some((indent, &self.lines[self.pos][indent..])));
        }
        while let Some(line) = self.lines.get(self.pos) {
            let content = line.trim_start_matches(' ');
            if content.is_empty() || content.starts_with('#') {
                self.pos += 1;
                continue;
            }
            return Ok(Some((line.len() - content.len(), content)));
        }
        Ok(None)
    }

    fn advance(&mut self) {
        self.pos += 1;
        self.virtual_indent = None;
    }

    fn line_number(&self) -> u32 {
        self.first_line + self.pos as u32
    }

    /// A block node whose first line (the current one) is indented by `indent`.
    fn node(&mut self, indent: usize, build: bool) -> Fast<Yaml> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(NotFast);
        }
        let (_, content) = self.peek()?.ok_or(NotFast)?;
        let node = if is_entry(content) {
            self.sequence(indent, build)
        } else {
            self.mapping(indent, build)
        };
        self.depth -= 1;
        node
    }

    fn sequence(&mut self, indent: usize, build: bool) -> Fast<Yaml> {
        let line = self.line_number();
        let start = self.items.len();
        while let Some((i, content)) = self.peek()? {
            if i < indent || (i == indent && !is_entry(content)) {
                break;
            }
            if i > indent {
                return Err(NotFast);
            }
            let rest = &content[1..];
            let after = rest.trim_start_matches(' ');
            if after.is_empty() || after.starts_with('#') {
                // The entry's node starts on a later line.
                self.advance();
                match self.peek()? {
                    Some((next, _)) if next > indent => {
                        let item = self.node(next, build)?;
                        self.items.push(item);
                    }
                    // An empty entry: where serde-saphyr places it is not known here.
                    _ => return Err(NotFast),
                }
                continue;
            }
            let column = indent + 1 + (rest.len() - after.len());
            if is_entry(after) || starts_key(after)? {
                self.virtual_indent = Some(column);
                let item = self.node(column, build)?;
                self.items.push(item);
            } else {
                let item = self.inline_value(after, indent, build, Some(column))?;
                self.items.push(item);
            }
        }
        let items = self.items.split_off(start);
        Ok(Yaml {
            value: if build {
                YamlValue::Seq(items)
            } else {
                YamlValue::Null
            },
            line,
            column: indent as u32 + 1,
        })
    }

    fn mapping(&mut self, indent: usize, build: bool) -> Fast<Yaml> {
        let line = self.line_number();
        let start = self.entries.len();
        while let Some((i, content)) = self.peek()? {
            if i < indent {
                break;
            }
            if i > indent || is_entry(content) {
                return Err(NotFast);
            }
            let (key, rest) = split_key(content)?;
            let (line, column) = (self.line_number(), i as u32 + 1);
            let name = (key.kind == Plain::Str).then_some(&*key.text);
            let tag = if self.verbatim {
                None
            } else {
                name.and_then(|k| self.unread.get(k)).map(|(_, tag)| tag)
            };
            // Left out (`Some(false)`), or kept as being there (`Some(true)`).
            let unread = match tag {
                Some(DROP) => Some(false),
                Some(PRESENCE) => Some(true),
                _ => None,
            };
            let verbatim = tag == Some(VERBATIM);
            if verbatim {
                self.verbatim = true;
            }
            let value = self.value_after_key(rest, indent, build && unread.is_none())?;
            if verbatim {
                self.verbatim = false;
            }
            if build && unread != Some(false) {
                self.entries.push((
                    Yaml {
                        value: key.kind.value(&key.text),
                        line,
                        column,
                    },
                    Yaml {
                        value: if unread.is_some() {
                            YamlValue::Null
                        } else {
                            value.value
                        },
                        line,
                        column,
                    },
                ));
            }
        }
        let entries = self.entries.split_off(start);
        Ok(Yaml {
            value: if build {
                YamlValue::Map(entries)
            } else {
                YamlValue::Null
            },
            line,
            column: indent as u32 + 1,
        })
    }

    /// The value of a mapping entry: `rest` is what follows the `:` on the key's line.
    fn value_after_key(&mut self, rest: &'a str, indent: usize, build: bool) -> Fast<Yaml> {
        let after = rest.trim_start_matches(' ');
        if !after.is_empty() && !after.starts_with('#') {
            return self.inline_value(after, indent, build, None);
        }
        self.advance();
        match self.peek()? {
            Some((next, _)) if next > indent => self.node(next, build),
            Some((next, content)) if next == indent && is_entry(content) => {
                self.depth += 1;
                if self.depth > MAX_DEPTH {
                    return Err(NotFast);
                }
                let node = self.sequence(indent, build);
                self.depth -= 1;
                node
            }
            _ => Ok(null()),
        }
    }

    /// A value written on the current line from `text` on (a scalar, a block scalar's header,
    /// or an empty flow collection). `column` is where it starts, for sequence entries (mapping
    /// values take their key's place). Moves past the value's lines.
    fn inline_value(
        &mut self,
        text: &'a str,
        indent: usize,
        build: bool,
        column: Option<usize>,
    ) -> Fast<Yaml> {
        let line = self.line_number();
        let place = |value| Yaml {
            value,
            line,
            column: column.map_or(0, |c| c as u32 + 1),
        };
        let first = text.as_bytes()[0];
        let value = match first {
            b'|' => return self.literal(text, indent, build, column),
            b'"' | b'\'' => {
                let (value, rest) = quoted(text)?;
                if !is_end(rest) {
                    return Err(NotFast);
                }
                if build {
                    YamlValue::Str(shared(&value))
                } else {
                    YamlValue::Null
                }
            }
            b'[' | b'{' => {
                let close = if first == b'[' { ']' } else { '}' };
                let rest = &text[1..];
                if !rest.starts_with(close) || !is_end(&rest[1..]) {
                    return Err(NotFast);
                }
                if first == b'[' {
                    YamlValue::Seq(Vec::new())
                } else {
                    YamlValue::Map(Vec::new())
                }
            }
            _ => {
                let scalar = plain_value(text)?;
                let kind = plain_type(scalar)?;
                if build {
                    kind.value(scalar)
                } else {
                    YamlValue::Null
                }
            }
        };
        self.advance();
        Ok(place(if build { value } else { YamlValue::Null }))
    }

    /// A literal block scalar (`|` or `|-`); `header` starts at the `|`.
    fn literal(
        &mut self,
        header: &str,
        indent: usize,
        build: bool,
        column: Option<usize>,
    ) -> Fast<Yaml> {
        let strip = match header.as_bytes().get(1) {
            Some(b'-') => true,
            None | Some(b' ') => false,
            _ => return Err(NotFast),
        };
        if !is_end(&header[if strip { 2 } else { 1 }..]) {
            return Err(NotFast);
        }
        self.advance();
        // The content's indentation is that of its first line with content; empty lines before
        // it must be truly empty.
        let mut first = self.pos;
        while let Some(line) = self.lines.get(first) {
            if !line.is_empty() {
                break;
            }
            first += 1;
        }
        let content_indent = match self.lines.get(first) {
            Some(line) if line.trim_start_matches(' ').is_empty() => return Err(NotFast),
            Some(line) => line.len() - line.trim_start_matches(' ').len(),
            None => 0,
        };
        if content_indent <= indent {
            // An empty scalar; where serde-saphyr places it in a sequence is not known here.
            if first != self.pos || column.is_some() {
                return Err(NotFast);
            }
            return Ok(Yaml {
                value: if build {
                    YamlValue::Str(Cow::Borrowed(""))
                } else {
                    YamlValue::Null
                },
                line: 0,
                column: 0,
            });
        }
        let place_line = self.first_line + first as u32;
        let mut end = first;
        let mut last_content = first;
        while let Some(line) = self.lines.get(end) {
            let spaces = line.len() - line.trim_start_matches(' ').len();
            let blank = spaces == line.len();
            if blank {
                if line.len() > content_indent {
                    // Spaces beyond the indentation on a blank line are content in YAML; left
                    // to serde-saphyr.
                    return Err(NotFast);
                }
            } else if spaces < content_indent {
                break;
            } else {
                last_content = end;
            }
            end += 1;
        }
        let value = if build {
            let mut text = String::new();
            for (i, line) in self.lines[self.pos..=last_content].iter().enumerate() {
                if i > 0 {
                    text.push('\n');
                }
                if line.len() > content_indent {
                    text.push_str(&line[content_indent..]);
                }
            }
            if !strip {
                text.push('\n');
            }
            YamlValue::Str(Cow::Owned(text))
        } else {
            YamlValue::Null
        };
        // Blank lines after the content are not part of it; the reader skips them.
        self.pos = last_content + 1;
        self.virtual_indent = None;
        Ok(Yaml {
            value,
            line: place_line,
            column: content_indent as u32 + 1,
        })
    }
}

fn null() -> Yaml {
    Yaml {
        value: YamlValue::Null,
        line: 0,
        column: 0,
    }
}

/// Whether a line's content is a sequence entry (`- ...` or a lone `-`).
fn is_entry(content: &str) -> bool {
    content == "-" || content.starts_with("- ")
}

/// Whether what follows a value on its line is nothing or a comment (after a space).
pub(super) fn is_end(rest: &str) -> bool {
    let trimmed = rest.trim_start_matches(' ');
    trimmed.is_empty() || (trimmed.len() < rest.len() && trimmed.starts_with('#'))
}

/// Whether `text` (the rest of a sequence entry's line) is a mapping's first key.
fn starts_key(text: &str) -> Fast<bool> {
    match text.as_bytes()[0] {
        b'"' | b'\'' => {
            let (_, rest) = quoted(text)?;
            Ok(rest.trim_start_matches(' ').starts_with(':'))
        }
        _ => Ok(plain_key_end(text).is_some()),
    }
}

/// Where a plain key ends (the `:` that follows it), when `text` starts with one.
fn plain_key_end(text: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        match b {
            b':' if bytes.get(i + 1).is_none_or(|&n| n == b' ') => return Some(i),
            b'#' if i > 0 && bytes[i - 1] == b' ' => return None,
            _ => {}
        }
    }
    None
}

/// A mapping entry's key: its text (quotes removed) and type.
struct Key<'a> {
    text: Cow<'a, str>,
    kind: Plain,
}

/// A mapping entry's key and what follows its `:`.
fn split_key(content: &str) -> Fast<(Key<'_>, &str)> {
    let first = content.as_bytes()[0];
    if first == b'"' || first == b'\'' {
        let (key, rest) = quoted(content)?;
        let rest = rest.trim_start_matches(' ');
        let rest = rest.strip_prefix(':').ok_or(NotFast)?;
        if !(rest.is_empty() || rest.starts_with(' ')) || content.len() - rest.len() > MAX_KEY {
            return Err(NotFast);
        }
        let key = Key {
            text: key,
            kind: Plain::Str,
        };
        return Ok((key, rest));
    }
    if is_indicator(first) {
        return Err(NotFast);
    }
    let end = plain_key_end(content).ok_or(NotFast)?;
    let key = content[..end].trim_end_matches(' ');
    if key.is_empty() || key.len() > MAX_KEY || key == "<<" {
        return Err(NotFast);
    }
    let key = Key {
        text: Cow::Borrowed(key),
        kind: plain_type(key)?,
    };
    Ok((key, &content[end + 1..]))
}

/// Characters that cannot start a plain scalar here (or that start what this reader leaves to
/// serde-saphyr: anchors, aliases, tags, directives, flow collections, complex keys).
fn is_indicator(b: u8) -> bool {
    matches!(
        b,
        b'-' | b'?'
            | b':'
            | b','
            | b'['
            | b']'
            | b'{'
            | b'}'
            | b'#'
            | b'&'
            | b'*'
            | b'!'
            | b'|'
            | b'>'
            | b'\''
            | b'"'
            | b'%'
            | b'@'
            | b'`'
    )
}

/// A quoted scalar on one line without escapes, and the text after its closing quote.
fn quoted(text: &str) -> Fast<(Cow<'_, str>, &str)> {
    let quote = text.as_bytes()[0];
    let body = &text[1..];
    if quote == b'"' {
        let end = body.find(['"', '\\']).ok_or(NotFast)?;
        if body.as_bytes()[end] == b'\\' {
            return Err(NotFast);
        }
        return Ok((Cow::Borrowed(&body[..end]), &body[end + 1..]));
    }
    let end = body.find('\'').ok_or(NotFast)?;
    if !body[end + 1..].starts_with('\'') {
        return Ok((Cow::Borrowed(&body[..end]), &body[end + 1..]));
    }
    // `''` is a quote.
    let mut value = String::new();
    let mut rest = body;
    loop {
        let end = rest.find('\'').ok_or(NotFast)?;
        value.push_str(&rest[..end]);
        if rest[end + 1..].starts_with('\'') {
            value.push('\'');
            rest = &rest[end + 2..];
        } else {
            return Ok((Cow::Owned(value), &rest[end + 1..]));
        }
    }
}

/// A plain scalar value on one line: up to a comment, without trailing spaces.
fn plain_value(text: &str) -> Fast<&str> {
    let bytes = text.as_bytes();
    let first = bytes[0];
    // `-`, `?` and `:` start a plain scalar only when a non-space follows.
    let dash_like = matches!(first, b'-' | b'?' | b':');
    if (is_indicator(first) && !dash_like) || (dash_like && bytes.get(1).is_none_or(|&b| b == b' '))
    {
        return Err(NotFast);
    }
    let mut end = bytes.len();
    for (i, &b) in bytes.iter().enumerate() {
        match b {
            b'#' if bytes[i - 1] == b' ' => {
                end = i;
                break;
            }
            // `key: a: b` is an error; `a:b` is a string.
            b':' if bytes.get(i + 1).is_none_or(|&n| n == b' ') => return Err(NotFast),
            _ => {}
        }
    }
    Ok(text[..end].trim_end_matches(' '))
}

/// A plain scalar's type, as serde-saphyr types an untyped value.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Plain {
    Null,
    Bool(bool),
    Int(i128),
    Str,
}

impl Plain {
    /// The value of a scalar of this type whose text is `text`.
    fn value(self, text: &str) -> YamlValue {
        match self {
            Plain::Null => YamlValue::Null,
            Plain::Bool(b) => YamlValue::Bool(b),
            Plain::Int(i) => YamlValue::Int(i),
            Plain::Str => YamlValue::Str(shared(text)),
        }
    }
}

/// The type of a plain scalar, or [`NotFast`] when it could be a number other than a plain
/// integer.
fn plain_type(text: &str) -> Fast<Plain> {
    match text {
        "~" | "null" | "Null" | "NULL" => return Ok(Plain::Null),
        _ => {}
    }
    for (words, value) in [
        (["true", "yes", "y", "on"], true),
        (["false", "no", "n", "off"], false),
    ] {
        if words.iter().any(|w| text.eq_ignore_ascii_case(w)) {
            return Ok(Plain::Bool(value));
        }
    }
    let bytes = text.as_bytes();
    let unsigned = match bytes[0] {
        b'+' | b'-' => &bytes[1..],
        _ => bytes,
    };
    let numeric = unsigned
        .first()
        .is_some_and(|&b| b.is_ascii_digit() || b == b'.');
    if !numeric {
        return Ok(Plain::Str);
    }
    if bytes[0] != b'+'
        && (unsigned == b"0" || unsigned[0] != b'0')
        && unsigned.iter().all(u8::is_ascii_digit)
    {
        if bytes[0] == b'-' {
            if let Ok(n) = text.parse::<i64>()
                && unsigned != b"0"
            {
                return Ok(Plain::Int(i128::from(n)));
            }
        } else if let Ok(n) = text.parse::<u64>() {
            return Ok(Plain::Int(i128::from(n)));
        }
        return Err(NotFast);
    }
    // What no number can contain makes it a string: `128Mi`, `10s`, `1:30`, `v1`.
    let dot_word = |word: &[u8]| {
        bytes
            .windows(word.len())
            .any(|w| w.eq_ignore_ascii_case(word))
    };
    if dot_word(b".inf") || dot_word(b".nan") {
        return Err(NotFast);
    }
    let number_byte = |b: &u8| {
        b.is_ascii_digit()
            || matches!(
                b,
                b'a'..=b'f' | b'A'..=b'F' | b'x' | b'X' | b'o' | b'O' | b'+' | b'-' | b'.' | b'_'
            )
    };
    if !bytes.iter().all(number_byte) {
        return Ok(Plain::Str);
    }
    // An address (`10.0.0.1`) or a version (`1.2.3`): no number has two dots.
    if bytes.iter().filter(|&&b| b == b'.').count() >= 2
        && bytes.iter().all(|b| b.is_ascii_digit() || *b == b'.')
    {
        return Ok(Plain::Str);
    }
    Err(NotFast)
}
