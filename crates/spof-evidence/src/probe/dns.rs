//! DNS lookups for probes (hickory-resolver): a name's addresses and the CNAME chain to them,
//! and the name servers of the zone a name is in, grouped by provider. One attempt per query
//! and the run's request timeout: a lookup that fails is reported, not retried.

use super::{ProbeConfig, ProbeError};
use hickory_resolver::config::{NameServerConfig, ResolverConfig};
use hickory_resolver::net::runtime::TokioRuntimeProvider;
use hickory_resolver::proto::rr::{RData, RecordType};
use std::net::IpAddr;
use std::time::Duration;

pub type Resolver = hickory_resolver::TokioResolver;

/// The resolver a run uses: the given name server, or the system's configuration.
pub fn resolver(config: &ProbeConfig) -> Result<Resolver, ProbeError> {
    let mut builder = match config.nameserver {
        Some(address) => {
            let mut server = NameServerConfig::udp_and_tcp(address.ip());
            for connection in &mut server.connections {
                connection.port = address.port();
            }
            Resolver::builder_with_config(
                ResolverConfig::from_parts(None, vec![], vec![server]),
                TokioRuntimeProvider::default(),
            )
        }
        None => Resolver::builder_tokio().map_err(|e| ProbeError::Resolver(e.to_string()))?,
    };
    let options = builder.options_mut();
    options.timeout = config.request_timeout;
    options.attempts = 1;
    builder
        .build()
        .map_err(|e| ProbeError::Resolver(e.to_string()))
}

fn fqdn(name: &str) -> String {
    if name.ends_with('.') {
        name.to_string()
    } else {
        format!("{name}.")
    }
}

/// The CNAME chain from `name` (the names in order, `name` first when there is one) and the
/// addresses at its end.
pub async fn addresses(
    resolver: &Resolver,
    name: &str,
    timeout: Duration,
) -> Result<(Vec<String>, Vec<IpAddr>), String> {
    let lookup = tokio::time::timeout(timeout, resolver.lookup_ip(fqdn(name)))
        .await
        .map_err(|_| format!("no answer for {name} within {} ms", timeout.as_millis()))?
        .map_err(|e| format!("cannot resolve {name}: {e}"))?;
    let mut chain = Vec::new();
    let mut addresses = Vec::new();
    for record in lookup.as_lookup().answers() {
        match &record.data {
            RData::CNAME(target) => {
                if chain.is_empty() {
                    chain.push(trim(&record.name.to_string()));
                }
                chain.push(trim(&target.0.to_string()));
            }
            RData::A(a) => addresses.push(IpAddr::V4(a.0)),
            RData::AAAA(a) => addresses.push(IpAddr::V6(a.0)),
            _ => {}
        }
    }
    addresses.sort();
    addresses.dedup();
    if addresses.is_empty() {
        return Err(format!("{name} has no address"));
    }
    Ok((chain, addresses))
}

/// The zone `name` is in (the nearest enclosing name with NS records) and its name servers.
pub async fn name_servers(
    resolver: &Resolver,
    name: &str,
    timeout: Duration,
) -> Result<Option<(String, Vec<String>)>, String> {
    let mut candidate = trim(name);
    loop {
        let answer =
            tokio::time::timeout(timeout, resolver.lookup(fqdn(&candidate), RecordType::NS))
                .await
                .map_err(|_| {
                    format!(
                        "no answer for the name servers of {candidate} within {} ms",
                        timeout.as_millis()
                    )
                })?;
        if let Ok(lookup) = answer {
            let mut servers: Vec<String> = lookup
                .answers()
                .iter()
                .filter_map(|r| match &r.data {
                    RData::NS(ns) => Some(trim(&ns.0.to_string())),
                    _ => None,
                })
                .collect();
            if !servers.is_empty() {
                servers.sort();
                servers.dedup();
                return Ok(Some((candidate, servers)));
            }
        }
        match candidate.split_once('.') {
            Some((_, parent)) if parent.contains('.') => candidate = parent.to_string(),
            _ => return Ok(None),
        }
    }
}

fn trim(name: &str) -> String {
    name.trim_end_matches('.').to_lowercase()
}

/// The providers of a set of name servers: each server's registered domain label, digits and
/// dashes at its end dropped (`ns-1.awsdns-01.org` and `ns-2.awsdns-02.com` are both `awsdns`;
/// `a.ns.cloudflare.com` is `cloudflare`). Sorted, each once.
pub fn providers(servers: &[String]) -> Vec<String> {
    let mut out: Vec<String> = servers.iter().map(|s| provider(s)).collect();
    out.sort();
    out.dedup();
    out
}

fn provider(server: &str) -> String {
    let labels: Vec<&str> = server.trim_end_matches('.').split('.').collect();
    // The label before the public suffix: the last label, or the last two when the one before
    // it is a short second-level suffix (co.uk, com.au).
    let index = match labels.len() {
        0 | 1 => 0,
        n if n >= 3 && labels[n - 2].len() <= 3 && labels[n - 1].len() == 2 => n - 3,
        n => n - 2,
    };
    let label = labels.get(index).copied().unwrap_or(server);
    let trimmed = label.trim_end_matches(|c: char| c.is_ascii_digit() || c == '-');
    if trimmed.is_empty() { label } else { trimmed }.to_string()
}

#[cfg(test)]
mod tests {
    use super::providers;

    #[test]
    fn name_servers_group_by_provider() {
        let list = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(
            providers(&list(&[
                "ns-1.awsdns-01.org",
                "ns-2.awsdns-02.com",
                "ns-3.awsdns-03.co.uk",
                "ns-4.awsdns-04.net"
            ])),
            ["awsdns"]
        );
        assert_eq!(
            providers(&list(&["a.ns.cloudflare.com", "ns1.awsdns-1.net"])),
            ["awsdns", "cloudflare"]
        );
        assert_eq!(providers(&list(&["ns1.test", "ns2.test"])), ["ns"]);
    }
}
