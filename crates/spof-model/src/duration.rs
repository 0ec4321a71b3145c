//! Durations as people write them in a model: `90s`, `30m`, `3h`, `2d`, `1h30m`.

use std::fmt;

/// A duration in whole seconds.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Duration(pub u64);

/// The longest duration a model may state: a hundred years.
const MAX_SECONDS: u64 = 100 * 365 * 24 * 3600;

impl Duration {
    pub fn seconds(self) -> u64 {
        self.0
    }

    /// Parses `90s`, `30m`, `3h`, `2d`, `1w` and sums of them (`1h30m`). A bare `0` is zero.
    pub fn parse(text: &str) -> Result<Duration, String> {
        let text = text.trim();
        if text == "0" {
            return Ok(Duration(0));
        }
        if text.is_empty() {
            return Err("an empty duration".into());
        }
        let mut total: u64 = 0;
        let mut digits = String::new();
        for ch in text.chars() {
            if ch.is_ascii_digit() {
                digits.push(ch);
                continue;
            }
            let unit = match ch {
                's' => 1,
                'm' => 60,
                'h' => 3600,
                'd' => 86_400,
                'w' => 604_800,
                ' ' if digits.is_empty() => continue,
                _ => return Err(format!("`{ch}` is not a unit")),
            };
            if digits.is_empty() {
                return Err(format!("unit `{ch}` has no number before it"));
            }
            let n: u64 = digits
                .parse()
                .map_err(|_| "the number is too large".to_string())?;
            digits.clear();
            total = n
                .checked_mul(unit)
                .and_then(|v| total.checked_add(v))
                .filter(|v| *v <= MAX_SECONDS)
                .ok_or_else(|| "longer than a hundred years".to_string())?;
        }
        if !digits.is_empty() {
            return Err(format!("`{digits}` has no unit (s, m, h, d or w)"));
        }
        Ok(Duration(total))
    }
}

/// Parses a duration that may be finer than a second, as drills and probes need: `100ms`,
/// `1s`, `1s500ms`, `5m`. Returns milliseconds.
pub fn parse_millis(text: &str) -> Result<u64, String> {
    let text = text.trim();
    if text == "0" {
        return Ok(0);
    }
    if text.is_empty() {
        return Err("an empty duration".into());
    }
    let mut total: u64 = 0;
    let mut chars = text.chars().peekable();
    let mut digits = String::new();
    while let Some(ch) = chars.next() {
        if ch.is_ascii_digit() {
            digits.push(ch);
            continue;
        }
        let unit: u64 = match ch {
            'm' if chars.peek() == Some(&'s') => {
                chars.next();
                1
            }
            's' => 1000,
            'm' => 60_000,
            'h' => 3_600_000,
            'd' => 86_400_000,
            _ => return Err(format!("`{ch}` is not a unit")),
        };
        if digits.is_empty() {
            return Err(format!("unit `{ch}` has no number before it"));
        }
        let n: u64 = digits
            .parse()
            .map_err(|_| "the number is too large".to_string())?;
        digits.clear();
        total = n
            .checked_mul(unit)
            .and_then(|v| total.checked_add(v))
            .filter(|v| *v <= MAX_SECONDS * 1000)
            .ok_or_else(|| "longer than a hundred years".to_string())?;
    }
    if !digits.is_empty() {
        return Err(format!("`{digits}` has no unit (ms, s, m, h or d)"));
    }
    Ok(total)
}

/// Milliseconds as the shortest exact form: `100ms`, `1s500ms`, `5m`.
pub fn format_millis(millis: u64) -> String {
    if millis == 0 {
        return "0s".into();
    }
    let mut out = String::new();
    let mut rest = millis;
    for (unit, size) in [("h", 3_600_000), ("m", 60_000), ("s", 1000), ("ms", 1)] {
        if rest >= size {
            out.push_str(&format!("{}{unit}", rest / size));
            rest %= size;
        }
    }
    out
}

impl fmt::Display for Duration {
    /// The shortest exact form: `90s` stays `90s`, `5400s` is `1h30m`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut s = self.0;
        if s == 0 {
            return f.write_str("0s");
        }
        if s < 120 {
            return write!(f, "{s}s");
        }
        for (unit, size) in [("d", 86_400), ("h", 3600), ("m", 60), ("s", 1)] {
            if s >= size {
                write!(f, "{}{unit}", s / size)?;
                s %= size;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_prints() {
        assert_eq!(Duration::parse("90s"), Ok(Duration(90)));
        assert_eq!(Duration::parse("30m"), Ok(Duration(1800)));
        assert_eq!(Duration::parse("1h30m"), Ok(Duration(5400)));
        assert_eq!(Duration(5400).to_string(), "1h30m");
        assert_eq!(Duration(90).to_string(), "90s");
        assert_eq!(Duration(86_400 * 2).to_string(), "2d");
        assert!(Duration::parse("10").is_err());
        assert!(Duration::parse("h").is_err());
        assert!(Duration::parse("99999999999999999999999h").is_err());
        assert!(Duration::parse("10x").is_err());
        assert_eq!(parse_millis("100ms"), Ok(100));
        assert_eq!(parse_millis("1s500ms"), Ok(1500));
        assert_eq!(parse_millis("5m"), Ok(300_000));
        assert!(parse_millis("5").is_err());
        assert!(parse_millis("ms").is_err());
        assert_eq!(format_millis(1500), "1s500ms");
        assert_eq!(format_millis(300_000), "5m");
    }
}
