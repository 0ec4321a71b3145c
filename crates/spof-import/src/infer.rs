//! Inference shared by the importers that read container definitions: host names in values
//! (URLs, `host:port`, connection strings, scripts that wait for a host), and a component's
//! kind guessed from its images (sidecars aside) and whether it is a load generator.

use spof_model::Kind;

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

/// Kinds whose loss of data on a restart matters.
pub const DATA_KINDS: &[Kind] = &[
    Kind::Database,
    Kind::Cache,
    Kind::Queue,
    Kind::Search,
    Kind::ObjectStorage,
    Kind::FileStorage,
];

/// The host names in `text`: URLs (`scheme://[user@]host[:port]`), `host:port` tokens and,
/// when `whole` and the whole text is one name, that bare name.
pub fn hosts_in(text: &str, whole: bool) -> Vec<HostRef> {
    let mut found = Vec::new();
    let trimmed = text.trim();
    if trimmed.len() > 1_000_000 {
        return found;
    }
    connection_string_hosts(trimmed, &mut found);
    wait_command_hosts(trimmed, &mut found);
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
            && !is_setting_value(word)
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

/// Whether a bare word is a setting's value rather than a name: a boolean (`true`,
/// `off`...), or a number with a unit (`30s`, `512Mi`, `1.5`), as `--flag=true` and
/// `TIMEOUT=30s` give.
fn is_setting_value(word: &str) -> bool {
    let lower = word.to_ascii_lowercase();
    if [
        "true", "false", "yes", "no", "on", "off", "none", "null", "nil", "enabled", "disabled",
        "enable", "disable", "always", "never", "auto",
    ]
    .contains(&lower.as_str())
    {
        return true;
    }
    let digits = lower
        .bytes()
        .take_while(|b| b.is_ascii_digit() || *b == b'.')
        .count();
    digits > 0
        && lower[digits..].len() <= 3
        && lower[digits..].bytes().all(|b| b.is_ascii_alphabetic())
}

/// Hosts in connection strings of `key=value;` pairs: ADO.NET and ODBC (`Host=db;Port=5432`,
/// `Server=tcp:db,1433`, `Data Source=db`), with several hosts where the key allows
/// (`Host=a,b`).
fn connection_string_hosts(text: &str, found: &mut Vec<HostRef>) {
    if !text.contains(';') || !text.contains('=') {
        return;
    }
    for pair in text.split(';') {
        let Some((key, value)) = pair.split_once('=') else {
            continue;
        };
        let key = key.trim().to_ascii_lowercase();
        if ![
            "host",
            "hostname",
            "server",
            "data source",
            "datasource",
            "address",
            "addr",
            "network address",
            "endpoint",
        ]
        .contains(&key.as_str())
        {
            continue;
        }
        let value = value.trim().trim_matches(['"', '\'']);
        let value = value.strip_prefix("tcp:").unwrap_or(value);
        for host_port in value.split(',') {
            let host = host_port
                .trim()
                .split([':', '\\'])
                .next()
                .unwrap_or_default();
            if host_port.trim().bytes().all(|b| b.is_ascii_digit()) {
                continue; // `Server=db,1433`: the port.
            }
            if let Some(host) = valid_host(host) {
                found.push(HostRef {
                    host,
                    written: format!(
                        "{}={}",
                        pair.split_once('=').map_or("", |p| p.0.trim()),
                        value
                    ),
                    strict: true,
                });
            }
        }
    }
}

/// Hosts a script waits for or probes before it starts: `nc -z kafka 9092`, `nslookup db`,
/// `pg_isready -h db`, `redis-cli -h cache ping` (initContainers that wait for a service).
fn wait_command_hosts(text: &str, found: &mut Vec<HostRef>) {
    let words: Vec<&str> = text
        .split(|c: char| {
            c.is_whitespace() || matches!(c, ';' | '"' | '\'' | '(' | ')' | '`' | '&' | '|')
        })
        .filter(|w| !w.is_empty())
        .collect();
    for (i, &word) in words.iter().enumerate() {
        let tool = word.rsplit('/').next().unwrap_or(word);
        let rest = &words[i + 1..];
        let host = match tool {
            // `nc [-z] [-w 1] HOST PORT`: the first word that is not a flag (or a flag's
            // number), followed by a port.
            "nc" | "ncat" | "netcat" | "telnet" => rest
                .iter()
                .position(|w| !w.starts_with('-') && !w.bytes().all(|b| b.is_ascii_digit()))
                .filter(|&p| {
                    rest.get(p + 1).is_some_and(|port| {
                        !port.is_empty()
                            && port.len() <= 5
                            && port.bytes().all(|b| b.is_ascii_digit())
                    })
                })
                .map(|p| rest[p]),
            "nslookup" | "host" | "dig" => rest.iter().find(|w| !w.starts_with('-')).copied(),
            "pg_isready" | "redis-cli" | "mysqladmin" | "mysql" | "psql" | "mongosh" | "mongo"
            | "cqlsh" => rest
                .iter()
                .position(|w| *w == "-h" || *w == "--host")
                .and_then(|p| rest.get(p + 1))
                .copied(),
            _ => None,
        };
        let Some(written) = host else { continue };
        if let Some(host) = valid_host(written)
            && !found.iter().any(|f| f.host == host)
        {
            found.push(HostRef {
                host,
                written: format!("{tool} ... {written}"),
                strict: true,
            });
        }
    }
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
const KINDS: &[(Kind, &[&str])] = &[
    (
        Kind::Monitoring,
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
    (
        Kind::LoadBalancer,
        &["haproxy", "envoy", "traefik", "ingress"],
    ),
    (
        Kind::Cache,
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
        Kind::Database,
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
        Kind::Queue,
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
        Kind::Search,
        &[
            "elasticsearch",
            "opensearch",
            "solr",
            "meilisearch",
            "typesense",
        ],
    ),
    (Kind::ServiceDiscovery, &["consul", "eureka", "zookeeper"]),
    (Kind::Dns, &["coredns", "bind9", "dnsmasq", "powerdns"]),
    (Kind::Secrets, &["vault"]),
    (Kind::Identity, &["keycloak", "dex", "hydra", "authelia"]),
    (Kind::ObjectStorage, &["minio"]),
    (
        Kind::Web,
        &["nginx", "httpd", "apache", "caddy", "lighttpd"],
    ),
];

/// The kind an image suggests, and the word that suggested it: the image's own name first
/// (`bitnami/redis`), then the rest of its path (`jaegertracing/all-in-one`).
pub fn kind_from_image(image: &str) -> Option<(Kind, String)> {
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
    // One image for many programs, told apart by the tag (`demo:1.11.0-kafka`).
    let words = tag_words(image);
    if !words.is_empty() {
        return kind_of_name(&words);
    }
    None
}

/// The words of an image's tag after its version (`1.11.0-kafka` gives `kafka`; `7.2`,
/// `latest` and `v1.2.3` give nothing that is a kind), lower case.
fn tag_words(image: &str) -> String {
    let without_digest = image.split('@').next().unwrap_or_default();
    let last = without_digest.rsplit('/').next().unwrap_or_default();
    let Some((_, tag)) = last.split_once(':') else {
        return String::new();
    };
    tag.to_ascii_lowercase()
        .split(['-', '_'])
        .filter(|w| {
            let version = w.starts_with(|c: char| c.is_ascii_digit())
                || (w.starts_with('v') && w[1..].starts_with(|c: char| c.is_ascii_digit()));
            !version && !w.is_empty() && *w != "latest"
        })
        .collect::<Vec<_>>()
        .join("-")
}

/// Containers that run beside a pod's main program (a mesh proxy, a log shipper, an
/// authentication proxy, a configuration reloader): they never decide the pod's kind.
const SIDECARS: &[&str] = &[
    "istio-proxy",
    "istio/proxy",
    "linkerd-proxy",
    "linkerd2-proxy",
    "envoy",
    "fluent-bit",
    "fluentbit",
    "vault-agent",
    "oauth2-proxy",
    "cloud-sql-proxy",
    "cloudsql-proxy",
    "config-reloader",
    "configmap-reload",
    "k8s-sidecar",
    "sidecar",
    "exporter",
    "kube-rbac-proxy",
    "dapr",
    "otel-collector",
    "otel-agent",
    "filebeat",
    "promtail",
    "vector",
    "consul-dataplane",
    "consul-connect",
];

/// Whether a container (by its name or image) is a sidecar.
pub fn is_sidecar(name: &str, image: &str) -> bool {
    let image = image
        .split('@')
        .next()
        .unwrap_or_default()
        .to_ascii_lowercase();
    let image = image.split(':').next().unwrap_or_default();
    let name = name.to_ascii_lowercase();
    SIDECARS.iter().any(|s| {
        name == *s
            || name.ends_with(&format!("-{s}"))
            || name.starts_with(&format!("{s}-"))
            || image.ends_with(&format!("/{s}"))
            || image == *s
            || image.rsplit('/').next().is_some_and(|last| {
                last == *s || last.starts_with(&format!("{s}-")) || last.ends_with(&format!("-{s}"))
            })
    })
}

/// The kind a pod's containers suggest, the word that suggested it and the image: every
/// container is read, sidecars last (they decide only when nothing else does), and a kind
/// other than monitoring wins over monitoring (an exporter beside a database).
pub fn kind_from_containers(names: &[String], images: &[String]) -> Option<(Kind, String, String)> {
    let several = images.len() > 1;
    let mut main = Vec::new();
    let mut sidecars = Vec::new();
    for (i, image) in images.iter().enumerate() {
        let name = names.get(i).map(String::as_str).unwrap_or_default();
        if several && is_sidecar(name, image) {
            sidecars.push(image);
        } else {
            main.push(image);
        }
    }
    let guesses: Vec<(Kind, String, String)> = main
        .iter()
        .filter_map(|image| kind_from_image(image).map(|(k, w)| (k, w, (*image).clone())))
        .collect();
    if let Some(found) = guesses.iter().find(|g| g.0 != Kind::Monitoring) {
        return Some(found.clone());
    }
    if let Some(found) = guesses.into_iter().next() {
        return Some(found);
    }
    if main.is_empty() {
        return sidecars
            .iter()
            .find_map(|image| kind_from_image(image).map(|(k, w)| (k, w, (*image).clone())));
    }
    None
}

/// Whether an image or a name is a load generator (a test client of the system, never
/// an entry point or on a journey).
pub fn is_load_generator(name: &str, image: &str) -> bool {
    let image = image
        .split('@')
        .next()
        .unwrap_or_default()
        .to_ascii_lowercase();
    let tag = tag_words(&image);
    let last = image
        .rsplit('/')
        .next()
        .unwrap_or_default()
        .split(':')
        .next()
        .unwrap_or_default();
    let name = name.to_ascii_lowercase();
    let words = [
        "locust",
        "loadgenerator",
        "load-generator",
        "loadgen",
        "jmeter",
        "gatling",
        "vegeta",
        "artillery",
        "k6",
    ];
    words.iter().any(|w| {
        let tokens =
            |t: &str| t.split(['-', '_', '.']).any(|x| x == *w) || t.contains(w) && w.len() > 5;
        tokens(last) || tokens(&name) || tokens(&tag) || image.split('/').any(|p| p == *w)
    })
}

fn kind_of_name(name: &str) -> Option<(Kind, String)> {
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
                return Some((*kind, (*word).to_string()));
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hosts(text: &str, whole: bool) -> Vec<String> {
        hosts_in(text, whole).into_iter().map(|h| h.host).collect()
    }

    #[test]
    fn ado_net_and_odbc_connection_strings_name_their_hosts() {
        assert_eq!(
            hosts("Host=postgresql;Port=5432;Database=app;Password=x", true),
            ["postgresql"]
        );
        assert_eq!(
            hosts("Server=tcp:sql,1433;Initial Catalog=x", true),
            ["sql"]
        );
        assert_eq!(hosts("Data Source=db\\SQLEXPRESS;User Id=a", true), ["db"]);
        assert_eq!(hosts("Host=pg-a,pg-b;Port=5432", true), ["pg-a", "pg-b"]);
        // The password never shows in what was written.
        let written: Vec<String> = hosts_in("Host=db;Password=secret", true)
            .into_iter()
            .map(|h| h.written)
            .collect();
        assert_eq!(written, ["Host=db"]);
    }

    #[test]
    fn scripts_that_wait_for_a_host_name_it() {
        assert_eq!(
            hosts("until nc -z -w 2 kafka 9092; do sleep 1; done", false),
            ["kafka"]
        );
        assert_eq!(
            hosts("until nslookup mydb; do sleep 2; done", false),
            ["mydb"]
        );
        assert_eq!(hosts("pg_isready -h postgres -p 5432", false), ["postgres"]);
        assert!(hosts("nc -l 8080", false).is_empty());
    }

    #[test]
    fn booleans_and_numbers_with_units_are_not_hosts() {
        for value in ["true", "False", "off", "30s", "512Mi", "1.5", "enabled"] {
            assert!(hosts(value, true).is_empty(), "{value}");
        }
        assert_eq!(hosts("redis", true), ["redis"]);
    }

    #[test]
    fn sidecars_never_decide_the_kind_and_monitoring_yields_to_data() {
        let names = |n: &[&str]| n.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let found = kind_from_containers(
            &names(&["istio-proxy", "app"]),
            &names(&["docker.io/istio/proxyv2:1.20", "example/app:1"]),
        );
        assert_eq!(found, None);
        let found = kind_from_containers(
            &names(&["exporter", "db"]),
            &names(&["prom/mysqld-exporter:0.15", "mysql:8"]),
        );
        assert_eq!(found.map(|f| f.0), Some(Kind::Database));
        // Alone, an envoy is the pod's main program.
        let found = kind_from_containers(&names(&["envoy"]), &names(&["envoyproxy/envoy:v1.30"]));
        assert_eq!(found.map(|f| f.0), Some(Kind::LoadBalancer));
    }

    #[test]
    fn one_image_for_many_programs_is_told_apart_by_its_tag() {
        assert_eq!(
            kind_from_image("ghcr.io/open-telemetry/demo:1.11.0-kafka").map(|k| k.0),
            Some(Kind::Queue)
        );
        assert_eq!(
            kind_from_image("ghcr.io/open-telemetry/demo:1.11.0-valkey").map(|k| k.0),
            Some(Kind::Cache)
        );
        assert_eq!(kind_from_image("example/app:7.2-alpine"), None);
        assert_eq!(kind_from_image("example/app:v1.2.3"), None);
        assert!(is_load_generator(
            "",
            "ghcr.io/open-telemetry/demo:1.11.0-load-generator"
        ));
        assert!(is_load_generator("", "registry:5000/tools/locust:2"));
    }

    #[test]
    fn load_generators_are_recognised_by_name_or_image() {
        assert!(is_load_generator("", "locustio/locust:2"));
        assert!(is_load_generator("loadgenerator", ""));
        assert!(is_load_generator("", "grafana/k6:0.50"));
        assert!(!is_load_generator("checkout", "example/checkout:1"));
        assert!(!is_load_generator("k8s-agent", "example/agent:1"));
    }
}
