//! The guided `spof init`: the audit checklist's first questions (what is in front, how many
//! instances of the app, which zones, the database and its failover, who can perform each
//! manual step, the main journey), asked one line at a time on standard error and answered on
//! standard input, or read from an answers file with one answer per line in the same order.
//! The answers become a model that `spof check` accepts.
//!
//! On a terminal a bad answer is explained and the question asked again; from a file or a pipe
//! it is an error that names the line. An empty or missing line takes the default shown in
//! brackets, and lines starting with `#` are comments.

use std::io::BufRead;

/// Where the answers come from.
pub struct Source<'a> {
    pub lines: Box<dyn BufRead + 'a>,
    /// The name used in errors (`answers.txt`, `standard input`).
    pub name: String,
    /// A person at a terminal: bad answers are asked again, and questions are shown.
    pub interactive: bool,
}

/// What the questions found out.
#[derive(Debug)]
struct Answers {
    front: Vec<Front>,
    dns_providers: usize,
    lb_managed: bool,
    lb_instances: usize,
    app_instances: usize,
    zones: Vec<String>,
    database: Option<Database>,
    journey: String,
    /// Who can do each manual step, as (`failover:db`, people).
    people: Vec<(&'static str, Vec<String>)>,
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Front {
    Dns,
    Cdn,
    LoadBalancer,
}

#[derive(Debug)]
struct Database {
    /// `None`: no standby; `Some(automatic, time)`.
    failover: Option<(bool, String)>,
    restore_time: String,
}

struct Asker<'a> {
    source: Source<'a>,
    line: usize,
    out: &'a mut dyn FnMut(&str),
}

impl Asker<'_> {
    /// Asks until an answer parses (on a terminal), or fails with the answer's line.
    fn ask<T>(
        &mut self,
        question: &str,
        default: &str,
        parse: impl Fn(&str) -> Result<T, String>,
    ) -> Result<T, String> {
        loop {
            if self.source.interactive {
                (self.out)(&format!("{question} [{default}]: "));
            }
            let answer = self.next_line()?;
            let text = match answer.as_deref().map(str::trim) {
                None | Some("") => default.to_string(),
                Some(text) => text.to_string(),
            };
            match parse(&text) {
                Ok(value) => return Ok(value),
                Err(problem) if self.source.interactive => {
                    (self.out)(&format!("  {problem}\n"));
                }
                Err(problem) => {
                    return Err(format!(
                        "{}:{}: {problem} (the answer to \"{question}\")",
                        self.source.name, self.line
                    ));
                }
            }
        }
    }

    /// The next answer line, comments skipped; `None` at the end of the input.
    fn next_line(&mut self) -> Result<Option<String>, String> {
        loop {
            let mut line = String::new();
            let read = self
                .source
                .lines
                .read_line(&mut line)
                .map_err(|e| format!("cannot read {}: {e}", self.source.name))?;
            if read == 0 {
                if self.source.interactive {
                    return Err("the input ended before the questions did; nothing written".into());
                }
                return Ok(None);
            }
            self.line += 1;
            if line.len() > 4096 {
                return Err(format!(
                    "{}:{}: an answer longer than 4096 characters",
                    self.source.name, self.line
                ));
            }
            if !line.trim_start().starts_with('#') {
                return Ok(Some(line));
            }
        }
    }
}

fn yes_no(text: &str) -> Result<bool, String> {
    match text.to_ascii_lowercase().as_str() {
        "y" | "yes" | "true" => Ok(true),
        "n" | "no" | "false" => Ok(false),
        _ => Err(format!("`{text}` is not yes or no")),
    }
}

fn count(text: &str) -> Result<usize, String> {
    match text.parse::<usize>() {
        Ok(n) if (1..=1000).contains(&n) => Ok(n),
        _ => Err(format!("`{text}` is not a number from 1 to 1000")),
    }
}

fn duration(text: &str) -> Result<String, String> {
    spof_model::Duration::parse(text)
        .map(|_| text.to_string())
        .map_err(|why| format!("`{text}` is not a duration ({why}); write 90s, 30m, 4h or 1h30m"))
}

/// Names separated by commas or spaces; `none` or `nobody` for none.
fn names(text: &str) -> Result<Vec<String>, String> {
    if matches!(text.to_ascii_lowercase().as_str(), "none" | "nobody" | "-") {
        return Ok(Vec::new());
    }
    let mut out: Vec<String> = Vec::new();
    for name in text
        .split([',', ' '])
        .map(str::trim)
        .filter(|n| !n.is_empty())
    {
        let valid = name.len() <= 64
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
        if !valid {
            return Err(format!(
                "`{name}` is not a name: letters, digits, `-`, `_` and `.`, at most 64"
            ));
        }
        if !out.iter().any(|n| n == name) {
            out.push(name.to_string());
        }
    }
    Ok(out)
}

fn fronts(text: &str) -> Result<Vec<Front>, String> {
    const WORDS: [&str; 3] = ["dns", "cdn", "load_balancer"];
    let mut out = Vec::new();
    for word in names(text)? {
        let normalised = word.to_ascii_lowercase().replace('-', "_");
        let front = match normalised.as_str() {
            "dns" => Front::Dns,
            "cdn" => Front::Cdn,
            "load_balancer" | "lb" => Front::LoadBalancer,
            _ => {
                let near = spof_model::suggest(&normalised, WORDS)
                    .map(|n| format!("; did you mean `{n}`?"))
                    .unwrap_or_default();
                return Err(format!(
                    "`{word}` is not one of dns, cdn, load_balancer (or none){near}"
                ));
            }
        };
        if !out.contains(&front) {
            out.push(front);
        }
    }
    // In the order a request meets them.
    out.sort_by_key(|f| *f as u8);
    Ok(out)
}

fn failover(text: &str) -> Result<Option<bool>, String> {
    match text.to_ascii_lowercase().as_str() {
        "none" | "no" => Ok(None),
        "manual" => Ok(Some(false)),
        "automatic" | "auto" => Ok(Some(true)),
        _ => Err(format!("`{text}` is not none, manual or automatic")),
    }
}

fn ask_all(asker: &mut Asker) -> Result<Answers, String> {
    let front = asker.ask(
        "What is in front of the application? Any of dns, cdn, load_balancer, or none",
        "dns, load_balancer",
        fronts,
    )?;
    let dns_providers = if front.contains(&Front::Dns) {
        asker.ask("How many DNS providers serve your zone?", "1", count)?
    } else {
        0
    };
    let (mut lb_managed, mut lb_instances) = (false, 0);
    if front.contains(&Front::LoadBalancer) {
        lb_managed = asker.ask(
            "Is the load balancer a provider's managed service (a cloud load balancer)? yes or no",
            "no",
            yes_no,
        )?;
        lb_instances = if lb_managed {
            1
        } else {
            asker.ask(
                "How many load balancer instances (2 or more: a standby with a floating address)?",
                "1",
                count,
            )?
        };
    }
    let app_instances = asker.ask("How many instances of the application run?", "2", count)?;
    let zones = asker.ask(
        "Which zones (data centres) do they run in? Names, or none",
        "none",
        names,
    )?;
    let database = if asker.ask("Is there a database? yes or no", "yes", yes_no)? {
        let kind = asker.ask(
            "How does the database fail over: none (one instance), manual or automatic?",
            "none",
            failover,
        )?;
        let failover = match kind {
            None => None,
            Some(automatic) => {
                let time = asker.ask(
                    "How long does a failover take?",
                    if automatic { "1m" } else { "30m" },
                    duration,
                )?;
                Some((automatic, time))
            }
        };
        let restore_time =
            asker.ask("How long does a restore from backup take?", "4h", duration)?;
        Some(Database {
            failover,
            restore_time,
        })
    } else {
        None
    };
    let mut people = Vec::new();
    if let Some(db) = &database {
        if db
            .failover
            .as_ref()
            .is_some_and(|(automatic, _)| !automatic)
        {
            people.push((
                "failover:db",
                asker.ask(
                    "Who can fail the database over by hand? Names, or nobody",
                    "nobody",
                    names,
                )?,
            ));
        }
        people.push((
            "restore:db",
            asker.ask(
                "Who can restore the database from a backup? Names, or nobody",
                "nobody",
                names,
            )?,
        ));
    }
    let journey = asker.ask(
        "What is the main user journey called (checkout, login...)?",
        "checkout",
        |text| {
            let mut found = names(text)?;
            match (found.len(), found.pop()) {
                (1, Some(name)) => Ok(name),
                _ => Err("one name".to_string()),
            }
        },
    )?;
    Ok(Answers {
        front,
        dns_providers,
        lb_managed,
        lb_instances,
        app_instances,
        zones,
        database,
        journey,
        people,
    })
}

/// Asks the questions and returns the model's text. `out` shows the questions.
pub fn run(source: Source, out: &mut dyn FnMut(&str)) -> Result<String, String> {
    let mut asker = Asker {
        source,
        line: 0,
        out,
    };
    let answers = ask_all(&mut asker)?;
    Ok(model(&answers))
}

/// A user's name in YAML: quoted, so that `no`, `on` or `1` stay names.
fn q(name: &str) -> String {
    format!("\"{name}\"")
}

fn list(names: &[String]) -> String {
    format!(
        "[{}]",
        names.iter().map(|n| q(n)).collect::<Vec<_>>().join(", ")
    )
}

fn model(a: &Answers) -> String {
    use std::fmt::Write;
    let mut out = String::new();
    out.push_str(
        "# Written by `spof init` from your answers. Add what the questions did not cover (caches,\n\
         # queues, external services, certificates, monitoring...; `spof init --template` shows\n\
         # every key), then run `spof check`.\n\
         version: 1\n",
    );
    let spread = if a.zones.is_empty() {
        String::new()
    } else {
        format!("    spread: {}\n", list(&a.zones))
    };
    if !a.zones.is_empty() {
        out.push_str("\ndomains:\n");
        for zone in &a.zones {
            let _ = writeln!(out, "  {}:\n    kind: zone", q(zone));
        }
    }
    out.push_str("\ncomponents:\n");
    // What each front component sends its requests to.
    let mut chain: Vec<&str> = Vec::new();
    for front in &a.front {
        chain.push(match front {
            Front::Dns => "dns",
            Front::Cdn => "cdn",
            Front::LoadBalancer => "lb",
        });
    }
    chain.push("app");
    let next = |name: &str| -> &str {
        let i = chain.iter().position(|c| *c == name).unwrap_or(0);
        chain.get(i + 1).copied().unwrap_or("app")
    };
    if a.front.contains(&Front::Dns) {
        let providers: Vec<String> = (1..=a.dns_providers)
            .map(|i| format!("provider-{i}"))
            .collect();
        let _ = write!(
            out,
            "  dns:\n    kind: dns\n    dns:\n      providers: {}\n      records:\n        www.example.com:\n          addresses: [{}]\n    restore_time: 4h\n",
            list(&providers),
            next("dns")
        );
    }
    if a.front.contains(&Front::Cdn) {
        let _ = write!(
            out,
            "  cdn:\n    kind: cdn\n    managed: true\n    depends_on: [{}]\n",
            next("cdn")
        );
    }
    if a.front.contains(&Front::LoadBalancer) {
        out.push_str("  lb:\n    kind: load_balancer\n");
        if a.lb_managed {
            out.push_str("    managed: true\n");
        } else {
            let _ = writeln!(out, "    replicas: {}", a.lb_instances);
            if a.lb_instances > 1 {
                out.push_str(
                    "    failover: automatic\n    failover_time: 10s\n    floating_address: true\n",
                );
            }
            out.push_str("    restore_time: 2h\n");
        }
        out.push_str(&spread);
        out.push_str("    depends_on: [app]\n");
    }
    let _ = write!(
        out,
        "  app:\n    kind: service\n    replicas: {}\n    health_check: true\n    deploy: rolling\n    restore_time: 1h\n{spread}",
        a.app_instances
    );
    if let Some(db) = &a.database {
        out.push_str("    depends_on: [db]\n  db:\n    kind: database\n");
        if let Some((automatic, time)) = &db.failover {
            let _ = write!(
                out,
                "    replicas: 2\n    failover: {}\n    failover_time: {time}\n",
                if *automatic { "automatic" } else { "manual" }
            );
        }
        let _ = write!(
            out,
            "    backups: true\n    restore_time: {}\n{spread}",
            db.restore_time
        );
    }
    let path: Vec<String> = chain.iter().map(|c| c.to_string()).collect();
    let _ = write!(
        out,
        "\njourneys:\n  {}:\n    path: [{}]\n    critical: true\n",
        q(&a.journey),
        path.join(", ")
    );
    // People: each with the steps they can do, in the order first named.
    let mut people: Vec<(String, Vec<&str>)> = Vec::new();
    for (step, names) in &a.people {
        for name in names {
            match people.iter_mut().find(|(n, _)| n == name) {
                Some((_, steps)) => steps.push(step),
                None => people.push((name.clone(), vec![step])),
            }
        }
    }
    if !people.is_empty() {
        out.push_str("\npeople:\n");
        for (name, steps) in people {
            let steps: Vec<String> = steps.iter().map(|s| q(s)).collect();
            let _ = writeln!(out, "  {}:\n    can: [{}]", q(&name), steps.join(", "));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn from(text: &str) -> Result<String, String> {
        run(
            Source {
                lines: Box::new(std::io::Cursor::new(text.to_string())),
                name: "answers.txt".into(),
                interactive: false,
            },
            &mut |_| {},
        )
    }

    #[test]
    fn every_default_gives_a_valid_model() {
        let text = from("").unwrap();
        let parsed = spof_model::parse_model(&text, &spof_model::ParseLimits::default());
        assert!(
            parsed.diagnostics.is_empty(),
            "{:#?}\n{text}",
            parsed.diagnostics
        );
    }

    #[test]
    fn bad_answers_name_their_line() {
        assert_eq!(
            from("# front\ndns, loadbalancer\n").unwrap_err(),
            "answers.txt:2: `loadbalancer` is not one of dns, cdn, load_balancer (or none); did you mean `load_balancer`? (the answer to \"What is in front of the application? Any of dns, cdn, load_balancer, or none\")"
        );
        let error = from("none\n2\nnone\nyes\nautomatic\nsoon\n").unwrap_err();
        assert!(
            error.starts_with("answers.txt:6: `soon` is not a duration"),
            "{error}"
        );
    }

    #[test]
    fn a_terminal_is_asked_again() {
        let mut shown = String::new();
        let text = run(
            Source {
                lines: Box::new(std::io::Cursor::new("cdn\nzero\n3\n\nno\n\n".to_string())),
                name: "standard input".into(),
                interactive: true,
            },
            &mut |s| shown.push_str(s),
        )
        .unwrap_or_else(|e| panic!("{e}\n{shown}"));
        assert!(shown.contains("`zero` is not a number"), "{shown}");
        assert!(text.contains("replicas: 3"), "{text}");
        assert!(!text.contains("  db:"), "{text}");
    }
}
