//! `spof probe`: every endpoint of a model looked at once, within bounds: a global deadline, a
//! timeout per request, a limit on requests in flight, and no retries (a probe that fails is
//! reported, not repeated).

pub mod dns;
pub mod http;
pub mod tls;

use spof_engine::evidence::{Observation, Observed};
use spof_model::{Endpoint, Model, Scheme};
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

/// How a probe run is bounded and where it looks things up.
#[derive(Clone, Debug)]
pub struct ProbeConfig {
    /// The whole run ends by then; what is not done is reported as not probed.
    pub deadline: Duration,
    /// One connection, handshake, request or lookup.
    pub request_timeout: Duration,
    /// Endpoints probed at once.
    pub concurrency: usize,
    /// A name server to ask instead of the system's (`--resolver 127.0.0.1:5353`).
    pub nameserver: Option<SocketAddr>,
    /// Extra trusted roots (`--ca-file`), besides the public ones.
    pub extra_roots: Vec<rustls::pki_types::CertificateDer<'static>>,
}

impl Default for ProbeConfig {
    fn default() -> Self {
        ProbeConfig {
            deadline: Duration::from_secs(30),
            request_timeout: Duration::from_secs(5),
            concurrency: 8,
            nameserver: None,
            extra_roots: Vec::new(),
        }
    }
}

/// One endpoint to probe, with the component it belongs to.
#[derive(Clone, Debug)]
pub struct Target {
    pub component: Option<String>,
    pub endpoint: Endpoint,
}

/// Every endpoint of the model: components' and DNS records', in file order, each once.
pub fn targets(model: &Model) -> Vec<Target> {
    let mut out: Vec<Target> = Vec::new();
    for component in &model.components {
        let records = component
            .dns
            .iter()
            .flat_map(|d| d.records.iter())
            .flat_map(|r| r.endpoints.iter());
        for endpoint in component.endpoints.iter().chain(records) {
            if out.iter().any(|t| {
                t.endpoint == endpoint.value && t.component.as_deref() == Some(&component.name)
            }) {
                continue;
            }
            out.push(Target {
                component: Some(component.name.clone()),
                endpoint: endpoint.value.clone(),
            });
        }
    }
    out
}

/// An error that stops a probe run before it starts.
#[derive(Debug, thiserror::Error)]
pub enum ProbeError {
    #[error("cannot start the probes: {0}")]
    Runtime(String),
    #[error("cannot set up the name resolver: {0}")]
    Resolver(String),
}

/// Probes every target and returns what was observed, in target order.
pub fn run(targets: &[Target], config: &ProbeConfig) -> Result<Vec<Observation>, ProbeError> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| ProbeError::Runtime(e.to_string()))?;
    runtime.block_on(run_async(targets, config))
}

async fn run_async(
    targets: &[Target],
    config: &ProbeConfig,
) -> Result<Vec<Observation>, ProbeError> {
    let resolver = Arc::new(dns::resolver(config)?);
    let tls = Arc::new(tls::setup(&config.extra_roots));
    let limit = Arc::new(tokio::sync::Semaphore::new(config.concurrency.max(1)));
    let mut tasks = tokio::task::JoinSet::new();
    for (index, target) in targets.iter().enumerate() {
        let target = target.clone();
        let resolver = Arc::clone(&resolver);
        let tls = Arc::clone(&tls);
        let limit = Arc::clone(&limit);
        let timeout = config.request_timeout;
        tasks.spawn(async move {
            let _permit = limit.acquire_owned().await;
            let found = probe_one(&target, &resolver, &tls, timeout).await;
            (index, found)
        });
    }
    let mut results: Vec<Option<Vec<Observation>>> = vec![None; targets.len()];
    let deadline = tokio::time::sleep(config.deadline);
    tokio::pin!(deadline);
    loop {
        tokio::select! {
            next = tasks.join_next() => match next {
                Some(Ok((index, found))) => results[index] = Some(found),
                Some(Err(_)) => {}
                None => break,
            },
            () = &mut deadline => {
                tasks.abort_all();
                break;
            }
        }
    }
    let mut out = Vec::new();
    for (target, found) in targets.iter().zip(results) {
        match found {
            Some(found) => out.extend(found),
            None => out.push(observation(
                target,
                Observed::Unreachable {
                    error: format!(
                        "not probed: the run's deadline of {} s passed first",
                        config.deadline.as_secs()
                    ),
                },
            )),
        }
    }
    Ok(out)
}

fn observation(target: &Target, what: Observed) -> Observation {
    Observation {
        component: target.component.clone(),
        endpoint: target.endpoint.text.clone(),
        at: crate::timestamp(SystemTime::now()),
        what,
    }
}

/// Everything one endpoint shows: its name's addresses (and, for a DNS name, its zone's name
/// servers), its certificate, its health.
async fn probe_one(
    target: &Target,
    resolver: &dns::Resolver,
    tls_config: &tls::Setup,
    timeout: Duration,
) -> Vec<Observation> {
    let endpoint = &target.endpoint;
    let mut out = Vec::new();
    let address: IpAddr = match endpoint.host.parse::<IpAddr>() {
        Ok(ip) => ip,
        Err(_) => match dns::addresses(resolver, &endpoint.host, timeout).await {
            Ok((chain, addresses)) => {
                out.push(observation(
                    target,
                    Observed::Addresses {
                        name: endpoint.host.clone(),
                        cname_chain: chain,
                        addresses: addresses.iter().map(ToString::to_string).collect(),
                    },
                ));
                if endpoint.scheme == Scheme::Dns {
                    match dns::name_servers(resolver, &endpoint.host, timeout).await {
                        Ok(Some((zone, servers))) => {
                            let providers = dns::providers(&servers);
                            out.push(observation(
                                target,
                                Observed::NameServers {
                                    zone,
                                    servers,
                                    providers,
                                },
                            ));
                        }
                        Ok(None) => {}
                        Err(error) => {
                            out.push(observation(target, Observed::Unreachable { error }))
                        }
                    }
                }
                match addresses.first() {
                    Some(ip) => *ip,
                    None => return out,
                }
            }
            Err(error) => {
                out.push(observation(target, Observed::Unreachable { error }));
                return out;
            }
        },
    };
    if endpoint.scheme == Scheme::Dns {
        return out;
    }
    let socket = SocketAddr::new(address, endpoint.port);
    match endpoint.scheme {
        Scheme::Http => {
            let health = http::health(socket, endpoint, timeout).await;
            out.push(observation(target, health));
        }
        Scheme::Https | Scheme::Tls => {
            let started = std::time::Instant::now();
            match tls::connect(socket, &endpoint.host, tls_config, timeout).await {
                Ok((stream, seen)) => {
                    if let Some(certificate) = tls::observe(&seen, SystemTime::now()) {
                        out.push(observation(target, certificate));
                    }
                    if endpoint.scheme == Scheme::Https {
                        let health = http::health_over(stream, endpoint, started, timeout).await;
                        out.push(observation(target, health));
                    }
                }
                Err(error) => out.push(observation(target, Observed::Unreachable { error })),
            }
        }
        Scheme::Dns => {}
    }
    out
}
