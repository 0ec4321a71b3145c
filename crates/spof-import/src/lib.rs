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
pub mod compose;
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

/// Inference shared by the importers that read container definitions: host names in values,
/// and a component's kind guessed from its image.
pub(crate) mod infer {
    /// A host name found in a value.
    #[derive(Clone, Debug, PartialEq, Eq)]
    pub struct HostRef {
        /// Lower case, without a trailing dot.
        pub host: String,
        /// How it was written (`redis-cart:6379`, `http://api:8080/v1`), credentials hidden.
        pub written: String,
        /// A URL or `host:port`, as opposed to a bare name (the whole value is a name).
        pub strict: bool,
    }

    /// The host names in `text`: URLs (`scheme://[user@]host[:port]`), `host:port` tokens and,
    /// when `whole` and the whole text is one name, that bare name.
    pub fn hosts_in(text: &str, whole: bool) -> Vec<HostRef> {
        let mut found = Vec::new();
        let trimmed = text.trim();
        if trimmed.len() > 1_000_000 {
            return found;
        }
        for word in trimmed.split(|c: char| {
            c.is_whitespace()
                || matches!(
                    c,
                    '"' | '\''
                        | '`'
                        | '('
                        | ')'
                        | ','
                        | ';'
                        | '['
                        | ']'
                        | '{'
                        | '}'
                        | '<'
                        | '>'
                        | '|'
                        | '='
                )
        }) {
            let word = word.trim_end_matches(['.', ':']);
            if word.is_empty() {
                continue;
            }
            if let Some(i) = word.find("://") {
                let authority = &word[i + 3..];
                let authority = authority.split(['/', '?', '#']).next().unwrap_or_default();
                let (credentials, hosts) = match authority.rfind('@') {
                    Some(at) => (true, &authority[at + 1..]),
                    None => (false, authority),
                };
                let written = if credentials {
                    format!(
                        "{}://***@{}",
                        &word[..i],
                        &word[i + 3 + authority.len() - hosts.len()..]
                    )
                } else {
                    word.to_string()
                };
                for host_port in hosts.split(',') {
                    let host = host_port.split(':').next().unwrap_or_default();
                    if let Some(host) = valid_host(host) {
                        found.push(HostRef {
                            host,
                            written: written.clone(),
                            strict: true,
                        });
                    }
                }
            } else if let Some((host, port)) = word.split_once(':') {
                let digits = port.split('/').next().unwrap_or_default();
                if !digits.is_empty()
                    && digits.len() <= 5
                    && digits.bytes().all(|b| b.is_ascii_digit())
                    && let Some(host) = valid_host(host)
                {
                    found.push(HostRef {
                        host,
                        written: word.to_string(),
                        strict: true,
                    });
                }
            } else if whole
                && word == trimmed
                && let Some(host) = valid_host(word)
            {
                found.push(HostRef {
                    host,
                    written: word.to_string(),
                    strict: false,
                });
            }
        }
        found
    }

    /// A host name in lower case, or `None` for what is not one (IP addresses, localhost,
    /// templates, words without a letter).
    fn valid_host(text: &str) -> Option<String> {
        let host = text.trim_end_matches('.');
        if host.is_empty()
            || host.len() > 253
            || !host
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.')
            || !host.bytes().any(|b| b.is_ascii_alphabetic())
            || host
                .split('.')
                .any(|l| l.is_empty() || l.len() > 63 || l.starts_with('-') || l.ends_with('-'))
        {
            return None;
        }
        let host = host.to_ascii_lowercase();
        if host == "localhost" || host.ends_with(".localhost") || host == "host.docker.internal" {
            return None;
        }
        // An IPv4 address with a letter can only be hex-looking junk; a name has a label that
        // is not all digits.
        if host
            .split('.')
            .all(|l| l.bytes().all(|b| b.is_ascii_digit()))
        {
            return None;
        }
        Some(host)
    }

    /// Whether a variable's (or key's) name says its value is an address: its last word is
    /// one of HOST, ADDR, URL, SERVER, ENDPOINT... (`DB_HOST`, `REDIS_ADDR`, `repo.server`),
    /// so that a bare name that nothing has is worth reporting.
    pub fn names_an_address(variable: &str) -> bool {
        let upper = variable.to_ascii_uppercase();
        let last = upper
            .rsplit(|c: char| !c.is_ascii_alphanumeric())
            .next()
            .unwrap_or_default();
        [
            "HOST",
            "HOSTS",
            "HOSTNAME",
            "ADDR",
            "ADDRS",
            "ADDRESS",
            "ADDRESSES",
            "URL",
            "URLS",
            "URI",
            "SERVER",
            "SERVERS",
            "ENDPOINT",
            "ENDPOINTS",
            "DSN",
            "BROKER",
            "BROKERS",
        ]
        .contains(&last)
            || ["HOST", "ADDR", "URL", "URI", "ENDPOINT"]
                .iter()
                .any(|w| last.ends_with(w) && last.len() > w.len() + 2)
    }

    /// Whether a command-line flag takes a host (`-h`, `--host`, `--redis-addr`, `--db-url`...).
    pub fn is_host_flag(flag: &str) -> bool {
        let flag = flag.to_ascii_lowercase();
        if !flag.starts_with('-') {
            return false;
        }
        flag == "-h"
            || [
                "host", "addr", "server", "url", "endpoint", "broker", "upstream",
            ]
            .iter()
            .any(|w| flag.contains(w))
    }

    /// Hides the password of a `user:password@` in a value shown as evidence.
    pub fn redact(value: &str) -> String {
        let mut out = String::with_capacity(value.len());
        let mut rest = value;
        while let Some(i) = rest.find("://") {
            out.push_str(&rest[..i + 3]);
            rest = &rest[i + 3..];
            let end = rest
                .find(['/', '?', '#', ' ', '"', '\''])
                .unwrap_or(rest.len());
            if let Some(at) = rest[..end].rfind('@') {
                out.push_str("***");
                rest = &rest[at..];
            }
        }
        out.push_str(rest);
        if out.chars().count() > 160 {
            let cut: String = out.chars().take(157).collect();
            return format!("{cut}...");
        }
        out
    }

    /// Image words and the kind they suggest, most specific first: monitoring before the data
    /// stores they export, load balancers before web servers.
    const KINDS: &[(&str, &[&str])] = &[
        (
            "monitoring",
            &[
                "exporter",
                "prometheus",
                "grafana",
                "jaeger",
                "zipkin",
                "alertmanager",
                "loki",
                "tempo",
                "promtail",
                "fluentd",
                "fluent",
                "fluentbit",
                "otel",
                "opentelemetry",
                "datadog",
                "newrelic",
                "telegraf",
                "kibana",
                "filebeat",
                "metricbeat",
                "cadvisor",
                "statsd",
                "victoriametrics",
                "thanos",
                "mimir",
                "signoz",
                "kube-state-metrics",
            ],
        ),
        ("load_balancer", &["haproxy", "envoy", "traefik", "ingress"]),
        (
            "cache",
            &[
                "redis",
                "valkey",
                "keydb",
                "memcached",
                "dragonfly",
                "hazelcast",
                "varnish",
            ],
        ),
        (
            "database",
            &[
                "postgres",
                "postgis",
                "mysql",
                "mariadb",
                "mongo",
                "cassandra",
                "cockroach",
                "couchdb",
                "couchbase",
                "neo4j",
                "influxdb",
                "clickhouse",
                "timescale",
                "scylla",
                "yugabyte",
                "tidb",
                "percona",
                "mssql",
                "sqlserver",
                "arangodb",
                "rethinkdb",
                "etcd",
                "questdb",
                "surrealdb",
            ],
        ),
        (
            "queue",
            &[
                "rabbitmq",
                "kafka",
                "nats",
                "activemq",
                "artemis",
                "pulsar",
                "redpanda",
                "emqx",
                "mosquitto",
                "nsq",
                "beanstalkd",
            ],
        ),
        (
            "search",
            &[
                "elasticsearch",
                "opensearch",
                "solr",
                "meilisearch",
                "typesense",
            ],
        ),
        ("service_discovery", &["consul", "eureka", "zookeeper"]),
        ("dns", &["coredns", "bind9", "dnsmasq", "powerdns"]),
        ("secrets", &["vault"]),
        ("identity", &["keycloak", "dex", "hydra", "authelia"]),
        ("object_storage", &["minio"]),
        ("web", &["nginx", "httpd", "apache", "caddy", "lighttpd"]),
    ];

    /// The kind an image suggests, and the word that suggested it: the image's own name first
    /// (`bitnami/redis`), then the rest of its path (`jaegertracing/all-in-one`).
    pub fn kind_from_image(image: &str) -> Option<(&'static str, String)> {
        let without_digest = image.split('@').next().unwrap_or_default();
        let parts: Vec<&str> = without_digest.split('/').collect();
        let last = parts.last().copied().unwrap_or_default();
        let last = last.split(':').next().unwrap_or_default();
        // The registry (a host with a dot or a port) says nothing.
        let path = parts[..parts.len().saturating_sub(1)]
            .iter()
            .enumerate()
            .filter(|(i, p)| !(*i == 0 && (p.contains('.') || p.contains(':'))))
            .map(|(_, p)| *p);
        for name in std::iter::once(last).chain(path.rev()) {
            let name = name.to_ascii_lowercase();
            if let Some(found) = kind_of_name(&name) {
                return Some(found);
            }
        }
        None
    }

    fn kind_of_name(name: &str) -> Option<(&'static str, String)> {
        let tokens: Vec<&str> = name.split(['-', '_', '.']).collect();
        // The letters of the name and the first letters of its tokens: most words start with
        // none of them.
        let (mut present, mut firsts) = ([false; 256], [false; 256]);
        for &b in name.as_bytes() {
            present[usize::from(b)] = true;
        }
        for t in &tokens {
            if let Some(&b) = t.as_bytes().first() {
                firsts[usize::from(b)] = true;
            }
        }
        for (kind, words) in KINDS {
            for word in *words {
                let first = usize::from(word.as_bytes()[0]);
                let hit = present[first]
                    && if word.contains('-') {
                        name.contains(word)
                    } else {
                        firsts[first] && tokens.iter().any(|t| t.starts_with(word))
                    };
                if hit {
                    return Some((kind, (*word).to_string()));
                }
            }
        }
        None
    }
}
