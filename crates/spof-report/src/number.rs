//! Numbers as the reports print them. A sum of nothing is `-0.0` in IEEE arithmetic (and
//! Rust's float `Sum` starts from it), and a tiny negative value rounds to `-0.00`: neither
//! is ever printed, in text or in JSON.

use serde::Serialize;
use serde_json::ser::{Formatter, PrettyFormatter};
use std::io;

/// `value`, with a negative zero made a plain zero.
pub fn unsigned_zero(value: f64) -> f64 {
    if value == 0.0 { 0.0 } else { value }
}

/// `value` with `decimals` decimals; what rounds to zero prints without a sign.
pub fn fixed(value: f64, decimals: usize) -> String {
    let text = format!("{value:.decimals$}");
    match text.strip_prefix('-') {
        Some(rest) if rest.chars().all(|c| c == '0' || c == '.') => rest.to_string(),
        _ => text,
    }
}

/// `value` in scientific notation with `decimals` decimals (`1.23e-4`), never `-0e0`.
pub fn scientific(value: f64, decimals: usize) -> String {
    format!("{:.decimals$e}", unsigned_zero(value))
}

/// Pretty-printed JSON with a final newline, every float written without a negative zero.
pub fn to_json<T: Serialize + ?Sized>(value: &T) -> String {
    let mut bytes = Vec::new();
    write_json(&mut bytes, value).expect("writing to memory does not fail");
    String::from_utf8(bytes).expect("JSON is UTF-8")
}

/// `to_json`, written to `writer` as it is made: a large report is never held whole.
pub fn write_json<W: io::Write, T: Serialize + ?Sized>(writer: W, value: &T) -> io::Result<()> {
    let mut serializer =
        serde_json::Serializer::with_formatter(writer, NoNegativeZero(PrettyFormatter::new()));
    value.serialize(&mut serializer).map_err(io::Error::other)?;
    let mut writer = serializer.into_inner();
    writer.write_all(b"\n")?;
    writer.flush()
}

/// serde_json's pretty formatter, with `-0.0` written as `0.0`.
struct NoNegativeZero<'a>(PrettyFormatter<'a>);

impl Formatter for NoNegativeZero<'_> {
    fn write_f32<W: ?Sized + io::Write>(&mut self, writer: &mut W, value: f32) -> io::Result<()> {
        self.0
            .write_f32(writer, if value == 0.0 { 0.0 } else { value })
    }

    fn write_f64<W: ?Sized + io::Write>(&mut self, writer: &mut W, value: f64) -> io::Result<()> {
        self.0.write_f64(writer, unsigned_zero(value))
    }

    fn begin_array<W: ?Sized + io::Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.0.begin_array(writer)
    }

    fn end_array<W: ?Sized + io::Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.0.end_array(writer)
    }

    fn begin_array_value<W: ?Sized + io::Write>(
        &mut self,
        writer: &mut W,
        first: bool,
    ) -> io::Result<()> {
        self.0.begin_array_value(writer, first)
    }

    fn end_array_value<W: ?Sized + io::Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.0.end_array_value(writer)
    }

    fn begin_object<W: ?Sized + io::Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.0.begin_object(writer)
    }

    fn end_object<W: ?Sized + io::Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.0.end_object(writer)
    }

    fn begin_object_key<W: ?Sized + io::Write>(
        &mut self,
        writer: &mut W,
        first: bool,
    ) -> io::Result<()> {
        self.0.begin_object_key(writer, first)
    }

    fn begin_object_value<W: ?Sized + io::Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.0.begin_object_value(writer)
    }

    fn end_object_value<W: ?Sized + io::Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.0.end_object_value(writer)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn negative_zero_is_never_printed() {
        let zero = [0.0_f64].iter().copied().filter(|_| false).sum::<f64>();
        assert!(zero.is_sign_negative(), "an empty sum is -0.0");
        assert_eq!(to_json(&[zero, -0.0, 0.5]), "[\n  0.0,\n  0.0,\n  0.5\n]\n");
        assert_eq!(
            to_json(&serde_json::json!({"a": {"b": [-0.0]}})),
            "{\n  \"a\": {\n    \"b\": [\n      0.0\n    ]\n  }\n}\n"
        );
        assert_eq!(fixed(-0.0, 0), "0");
        assert_eq!(fixed(-0.0004, 2), "0.00");
        assert_eq!(fixed(-0.5, 1), "-0.5");
        assert_eq!(fixed(-12.0, 0), "-12");
        assert_eq!(scientific(-0.0, 2), "0.00e0");
        assert_eq!(scientific(1.5e-4, 1), "1.5e-4");
    }
}
