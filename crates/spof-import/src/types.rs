//! What every importer produces: a model document and an account of the import.

use indexmap::IndexMap;
use serde::Serialize;
use spof_model::{DomainKind, Kind};
use std::fmt;

/// An input file, read by the caller.
#[derive(Clone, Debug)]
pub struct SourceFile {
    pub path: String,
    pub text: String,
}

/// A problem that stops an import (a file that cannot be parsed at all), with its place. An
/// importer reads every file before it gives up, as the model reader does: the first problem
/// found is this one, and the others follow in `others`, in input order.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ImportError {
    pub file: String,
    pub line: Option<u32>,
    pub column: Option<u32>,
    pub message: String,
    /// The other problems found, in input order (each with no `others` of its own).
    pub others: Vec<ImportError>,
}

impl ImportError {
    /// One problem in `file`, at a line and column where they are known.
    pub fn new(
        file: impl Into<String>,
        line: Option<u32>,
        column: Option<u32>,
        message: String,
    ) -> ImportError {
        ImportError {
            file: file.into(),
            line,
            column,
            message,
            others: Vec::new(),
        }
    }

    /// All the problems found, as one error: the first, with the others after it; `None` when
    /// there is none.
    pub fn collected(problems: Vec<ImportError>) -> Option<ImportError> {
        let mut problems = problems.into_iter().flat_map(ImportError::problems);
        let mut first = problems.next()?;
        first.others = problems.collect();
        Some(first)
    }

    /// Every problem: this one, then the others.
    pub fn problems(self) -> Vec<ImportError> {
        let mut first = self;
        let others = std::mem::take(&mut first.others);
        let mut all = vec![first];
        all.extend(others.into_iter().flat_map(ImportError::problems));
        all
    }
}

/// One problem a line, the first first.
impl fmt::Display for ImportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.line, self.column) {
            (Some(line), Some(column)) => {
                write!(f, "{}:{line}:{column}: {}", self.file, self.message)?
            }
            (Some(line), None) => write!(f, "{}:{line}: {}", self.file, self.message)?,
            _ => write!(f, "{}: {}", self.file, self.message)?,
        }
        for other in &self.others {
            write!(f, "\n{other}")?;
        }
        Ok(())
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
    /// The components the input shows users reach (behind an Ingress, a LoadBalancer or
    /// NodePort Service, a route, a published port); empty when it shows none, and the
    /// journeys are then guessed.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub entry_points: Vec<String>,
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

#[derive(Clone, Debug, Default, Serialize)]
pub struct Unmapped {
    pub object: String,
    pub why: String,
    pub source: String,
    /// The object runs something the model does not have (a custom resource an operator
    /// turns into pods): counted in the share of the input that is not modelled.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub runs: bool,
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

#[derive(Clone, Debug, Serialize)]
pub struct DomainDoc {
    /// Written as its name in the model (`zone`).
    #[serde(serialize_with = "serialize_domain_kind")]
    pub kind: DomainKind,
    #[serde(rename = "in", skip_serializing_if = "Option::is_none")]
    pub parent: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub restore_time: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct ComponentDoc {
    /// Written as its name in the model (`load_balancer`).
    #[serde(serialize_with = "serialize_kind")]
    pub kind: Kind,
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

/// A component of kind `service`, everything else unset: the start of every component an
/// importer writes (`..ComponentDoc::default()`).
impl Default for ComponentDoc {
    fn default() -> Self {
        ComponentDoc {
            kind: Kind::Service,
            description: Default::default(),
            replicas: Default::default(),
            instances: Default::default(),
            min_healthy: Default::default(),
            mode: Default::default(),
            health_check: Default::default(),
            failover: Default::default(),
            failover_time: Default::default(),
            restore_time: Default::default(),
            managed: Default::default(),
            domains: Default::default(),
            spread: Default::default(),
            depends_on: Default::default(),
            deploy: Default::default(),
            backups: Default::default(),
            dns: Default::default(),
            owner: Default::default(),
            source: Default::default(),
        }
    }
}

impl Default for DomainDoc {
    fn default() -> DomainDoc {
        DomainDoc {
            kind: DomainKind::Zone,
            parent: None,
            restore_time: None,
            description: None,
        }
    }
}

fn serialize_domain_kind<S: serde::Serializer>(
    kind: &DomainKind,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(kind.as_str())
}

fn serialize_kind<S: serde::Serializer>(kind: &Kind, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(kind.as_str())
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
    pub startup: Option<bool>,
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

#[cfg(test)]
mod tests {
    use super::*;

    fn problem(file: &str, line: u32) -> ImportError {
        ImportError {
            file: file.into(),
            line: Some(line),
            column: None,
            message: "broken".into(),
            others: Vec::new(),
        }
    }

    #[test]
    fn problems_collected_are_one_error_that_shows_each_on_its_line() {
        assert_eq!(ImportError::collected(Vec::new()), None);
        let one = ImportError::collected(vec![problem("a.yaml", 1)]).unwrap();
        assert_eq!(one.to_string(), "a.yaml:1: broken");
        let nested = ImportError::collected(vec![problem("b.yaml", 2), problem("c.yaml", 3)]);
        let all = ImportError::collected(vec![problem("a.yaml", 1), nested.unwrap()]).unwrap();
        assert_eq!(all.file, "a.yaml");
        assert_eq!(
            all.to_string(),
            "a.yaml:1: broken\nb.yaml:2: broken\nc.yaml:3: broken"
        );
        let files: Vec<String> = all.problems().into_iter().map(|p| p.file).collect();
        assert_eq!(files, ["a.yaml", "b.yaml", "c.yaml"]);
    }
}
