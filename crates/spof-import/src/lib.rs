//! Importers: the files teams already have (Kubernetes manifests, docker-compose files,
//! Terraform JSON, Backstage catalogs, Structurizr workspaces) to a spof model the user can
//! read, edit and check. Real files rarely state their dependencies, so importers infer them
//! (host names in environment values, URLs, `depends_on`, Terraform references) and say so:
//! every import comes with a report of what was mapped, what was inferred and from where, and
//! what could not be mapped and why. Nothing is dropped silently.
//!
//! No I/O: the caller reads the files and hands in their names and texts. The output is a
//! [`ModelDoc`] that renders to the same YAML a person would write; it goes through the normal
//! model reader, so imported and hand-written models are checked alike.

pub mod backstage;
mod builder;
pub mod compose;
pub mod coverage;
pub(crate) mod infer;
pub mod kubernetes;
pub mod overlay;
pub mod structurizr;
pub mod terraform;
mod types;
mod usable;
mod yaml;

pub use types::*;
pub use yaml::*;

/// The input formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Kubernetes,
    Compose,
    Terraform,
    Backstage,
    Structurizr,
}

impl Format {
    pub const ALL: [Format; 5] = [
        Format::Kubernetes,
        Format::Compose,
        Format::Terraform,
        Format::Backstage,
        Format::Structurizr,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Format::Kubernetes => "kubernetes",
            Format::Compose => "compose",
            Format::Terraform => "terraform",
            Format::Backstage => "backstage",
            Format::Structurizr => "structurizr",
        }
    }

    /// The component kinds the importer can produce (from resource types, images or tags);
    /// an overlay adds the others. No format says who performs manual steps (`people`).
    pub fn kinds(self) -> &'static [spof_model::Kind] {
        use spof_model::Kind::*;
        match self {
            Format::Kubernetes => &[
                ApiGateway,
                Cache,
                Cdn,
                Database,
                DeployPipeline,
                External,
                FileStorage,
                LoadBalancer,
                Monitoring,
                ObjectStorage,
                Queue,
                Search,
                Service,
                Web,
                Worker,
            ],
            Format::Compose => &[
                ApiGateway,
                Cache,
                Cdn,
                Database,
                DeployPipeline,
                External,
                FileStorage,
                LoadBalancer,
                Monitoring,
                ObjectStorage,
                Queue,
                Search,
                Service,
                Web,
            ],
            Format::Terraform => &[
                ApiGateway,
                Cache,
                Cdn,
                Config,
                Database,
                Dns,
                FileStorage,
                Identity,
                LoadBalancer,
                NatGateway,
                ObjectStorage,
                Queue,
                Search,
                Secrets,
                Service,
            ],
            Format::Backstage => &[
                ApiGateway,
                Cache,
                Cdn,
                Config,
                Database,
                DeployPipeline,
                Dns,
                External,
                FileStorage,
                Identity,
                LoadBalancer,
                Monitoring,
                ObjectStorage,
                Queue,
                Search,
                Secrets,
                Service,
                Web,
                Worker,
            ],
            Format::Structurizr => &[
                ApiGateway,
                Cache,
                Cdn,
                Database,
                Dns,
                External,
                LoadBalancer,
                Network,
                ObjectStorage,
                Queue,
                Search,
                Service,
                Web,
            ],
        }
    }

    pub fn parse(text: &str) -> Option<Format> {
        match text {
            "kubernetes" | "k8s" => Some(Format::Kubernetes),
            "compose" | "docker-compose" => Some(Format::Compose),
            "terraform" | "tf" => Some(Format::Terraform),
            "backstage" => Some(Format::Backstage),
            "structurizr" => Some(Format::Structurizr),
            _ => None,
        }
    }
}

/// Runs the importer of `format` on `files`.
pub fn import(format: Format, files: &[SourceFile]) -> Result<Import, ImportError> {
    match format {
        Format::Kubernetes => kubernetes::import(files),
        Format::Compose => compose::import(files),
        Format::Terraform => terraform::import(files),
        Format::Backstage => backstage::import(files),
        Format::Structurizr => structurizr::import(files),
    }
}

/// The format of a file, told from its content (and, for Structurizr, its extension): `None`
/// when it looks like none of them.
///
/// - Terraform: JSON with `format_version` and `planned_values`, or `values.root_module`
///   (`terraform show -json` of a plan or a state);
/// - Backstage: `apiVersion: backstage.io/...`;
/// - Kubernetes: `apiVersion` and `kind` (YAML at the top of a document, or JSON);
/// - Compose: a top-level `services:` key;
/// - Structurizr: a `workspace {` block (`.dsl`).
pub fn detect(path: &str, text: &str) -> Option<Format> {
    let start = text.trim_start_matches('\u{feff}').trim_start();
    if start.starts_with('{') || start.starts_with('[') {
        let has = |key: &str| text.contains(&format!("\"{key}\""));
        if has("format_version") && (has("planned_values") || (has("values") && has("root_module")))
        {
            return Some(Format::Terraform);
        }
        if text.contains("\"backstage.io/") {
            return Some(Format::Backstage);
        }
        if has("apiVersion") && has("kind") {
            return Some(Format::Kubernetes);
        }
        if has("services") {
            return Some(Format::Compose);
        }
        return None;
    }
    if path.ends_with(".dsl") || starts_with_workspace(start) {
        return starts_with_workspace(start).then_some(Format::Structurizr);
    }
    let (mut api_version, mut kind, mut services) = (false, false, false);
    for line in text.lines() {
        if let Some(value) = line.strip_prefix("apiVersion:") {
            let value = value.trim().trim_matches(['"', '\'']);
            if value.starts_with("backstage.io/") {
                return Some(Format::Backstage);
            }
            api_version = true;
        } else if line.starts_with("kind:") {
            kind = true;
        } else if line.starts_with("services:") {
            services = true;
        }
    }
    if api_version && kind {
        Some(Format::Kubernetes)
    } else if services {
        Some(Format::Compose)
    } else {
        None
    }
}

/// Whether a text starts (after comments) with a Structurizr `workspace` block.
fn starts_with_workspace(text: &str) -> bool {
    let mut rest = text;
    loop {
        rest = rest.trim_start();
        if rest.starts_with("//") || rest.starts_with('#') {
            rest = rest.split_once('\n').map_or("", |(_, r)| r);
        } else if rest.starts_with("/*") {
            rest = rest.split_once("*/").map_or("", |(_, r)| r);
        } else {
            break;
        }
    }
    rest.strip_prefix("workspace")
        .is_some_and(|r| r.starts_with([' ', '\t', '{', '\n', '\r']) && r.contains('{'))
}
