//! TLS probes against a loopback TLS server whose certificates are made here with rcgen: a
//! private CA (trusted through `extra_roots`, as `--ca-file` does), and leaf certificates that
//! are valid, expire in 10 days, have expired, or name another host. Then the same through the
//! engine: the 10-day certificate is a high finding with the real date.

use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair};
use spof_engine::evidence::{Evidence, Observed};
use spof_evidence::probe::{ProbeConfig, Target, run};
use spof_model::Endpoint;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

struct Ca {
    issuer: Issuer<'static, KeyPair>,
    der: rustls::pki_types::CertificateDer<'static>,
}

fn ca() -> Ca {
    let key = KeyPair::generate().unwrap();
    let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    params
        .distinguished_name
        .push(DnType::CommonName, "spof test CA");
    let cert = params.self_signed(&key).unwrap();
    let der = cert.der().clone();
    Ca {
        issuer: Issuer::new(params, key),
        der,
    }
}

/// A leaf for `name`, valid from `from_days` to `to_days` around now.
fn leaf(
    ca: &Ca,
    name: &str,
    from_days: i64,
    to_days: i64,
) -> (
    rustls::pki_types::CertificateDer<'static>,
    rustls::pki_types::PrivateKeyDer<'static>,
) {
    let key = KeyPair::generate().unwrap();
    let mut params = CertificateParams::new(vec![name.to_string()]).unwrap();
    params.distinguished_name.push(DnType::CommonName, name);
    let now = time_now();
    params.not_before = now + time::Duration::days(from_days);
    params.not_after = now + time::Duration::days(to_days);
    let cert = params.signed_by(&key, &ca.issuer).unwrap();
    (
        cert.der().clone(),
        rustls::pki_types::PrivateKeyDer::try_from(key.serialize_der()).unwrap(),
    )
}

fn time_now() -> time::OffsetDateTime {
    time::OffsetDateTime::now_utc()
}

/// Serves `cert` on a free loopback port (answering `HTTP/1.1 200` to anything) until the
/// test ends; returns the port.
fn serve(
    cert: rustls::pki_types::CertificateDer<'static>,
    key: rustls::pki_types::PrivateKeyDer<'static>,
) -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    listener.set_nonblocking(true).unwrap();
    #[allow(deprecated)]
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(vec![cert], key)
        .unwrap();
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(async move {
            let listener = tokio::net::TcpListener::from_std(listener).unwrap();
            loop {
                let Ok((tcp, _)) = listener.accept().await else {
                    continue;
                };
                let acceptor = acceptor.clone();
                tokio::spawn(async move {
                    use tokio::io::{AsyncReadExt, AsyncWriteExt};
                    if let Ok(mut tls) = acceptor.accept(tcp).await {
                        let mut buffer = [0u8; 1024];
                        let _ = tls.read(&mut buffer).await;
                        let _ = tls
                            .write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
                            .await;
                        let _ = tls.shutdown().await;
                    }
                });
            }
        });
    });
    port
}

fn probe(port: u16, host: &str, ca: &Ca) -> Vec<Observed> {
    let endpoint = Endpoint::parse(&format!("https://{host}:{port}/health"), false).unwrap();
    // The host name is resolved through the system (localhost); IP hosts need no lookup.
    let config = ProbeConfig {
        deadline: Duration::from_secs(10),
        request_timeout: Duration::from_secs(3),
        concurrency: 2,
        nameserver: None,
        extra_roots: vec![ca.der.clone()],
    };
    run(
        &[Target {
            component: Some("lb".into()),
            endpoint,
        }],
        &config,
    )
    .unwrap()
    .into_iter()
    .map(|o| o.what)
    .collect()
}

fn certificate(observed: &[Observed]) -> (i64, Vec<String>) {
    observed
        .iter()
        .find_map(|o| match o {
            Observed::Certificate {
                days_left,
                problems,
                ..
            } => Some((*days_left, problems.clone())),
            _ => None,
        })
        .unwrap_or_else(|| panic!("no certificate in {observed:#?}"))
}

#[test]
fn certificates_are_seen_whatever_their_state() {
    let ca = ca();
    let (cert, key) = leaf(&ca, "127.0.0.1", -1, 200);
    let valid = probe(serve(cert, key), "127.0.0.1", &ca);
    let (days, problems) = certificate(&valid);
    assert!((198..=200).contains(&days), "{valid:#?}");
    assert!(problems.is_empty(), "{valid:#?}");
    assert!(
        valid.iter().any(|o| matches!(
            o,
            Observed::Health {
                status: Some(200),
                ..
            }
        )),
        "{valid:#?}"
    );

    let (cert, key) = leaf(&ca, "127.0.0.1", -1, 10);
    let soon = probe(serve(cert, key), "127.0.0.1", &ca);
    assert!((9..=10).contains(&certificate(&soon).0), "{soon:#?}");

    let (cert, key) = leaf(&ca, "127.0.0.1", -30, -2);
    let expired = probe(serve(cert, key), "127.0.0.1", &ca);
    let (days, problems) = certificate(&expired);
    assert!(days < 0, "{expired:#?}");
    assert!(
        problems.is_empty(),
        "expiry is reported from the dates: {expired:#?}"
    );

    let (cert, key) = leaf(&ca, "other.example", -1, 200);
    let misnamed = probe(serve(cert, key), "127.0.0.1", &ca);
    let (_, problems) = certificate(&misnamed);
    assert_eq!(problems, ["the certificate is not valid for 127.0.0.1"]);

    // Without the private CA, the chain is untrusted, and still seen.
    let (cert, key) = leaf(&ca, "127.0.0.1", -1, 200);
    let port = serve(cert, key);
    let endpoint = Endpoint::parse(&format!("127.0.0.1:{port}"), false).unwrap();
    let untrusted = run(
        &[Target {
            component: None,
            endpoint,
        }],
        &ProbeConfig::default(),
    )
    .unwrap();
    let (_, problems) = certificate(&untrusted.into_iter().map(|o| o.what).collect::<Vec<_>>());
    assert_eq!(
        problems,
        ["the chain is not trusted (unknown issuer or self-signed)"]
    );
}

#[test]
fn a_certificate_expiring_in_ten_days_is_a_high_finding_with_its_date() {
    let ca = ca();
    let (cert, key) = leaf(&ca, "127.0.0.1", -1, 10);
    let port = serve(cert, key);
    let yaml = format!(
        "components:\n  lb:\n    kind: load_balancer\n    replicas: 2\n    endpoints: [\"https://127.0.0.1:{port}/\"]\n"
    );
    let model = spof_model::parse_model(&yaml, &Default::default())
        .model
        .unwrap();
    let config = ProbeConfig {
        extra_roots: vec![ca.der.clone()],
        ..ProbeConfig::default()
    };
    let observations = run(&spof_evidence::probe::targets(&model), &config).unwrap();
    let report = spof_engine::check(
        &model,
        &spof_engine::Config {
            evidence: Evidence {
                in_use: true,
                observations,
                ..Evidence::default()
            },
            ..Default::default()
        },
    );
    let finding = report
        .findings
        .iter()
        .find(|f| f.code == "SPOF027")
        .expect("an expiry finding");
    assert_eq!(finding.severity, spof_engine::Severity::High);
    let expected = spof_evidence::day(SystemTime::now() + Duration::from_secs(10 * 86_400));
    assert!(
        finding.message.contains(&format!("expires on {expected}")),
        "{}",
        finding.message
    );
    assert!(finding.observed.is_some());
    assert!(finding.message.contains("(observed "));
}
