//! `spof probe` end to end, against servers in this test on loopback: a TLS server whose
//! certificate (from a private CA made here with rcgen) expires in 10 days, a health endpoint
//! that answers 503, a port where nothing listens, and a DNS server (hickory-server) whose
//! zone has one provider's name servers, a CNAME chain to one address, and a name with two.
//! Nothing leaves the machine: names are looked up through `--resolver`.

use hickory_server::Server;
use hickory_server::net::runtime::TokioRuntimeProvider;
use hickory_server::proto::rr::rdata::{A, CNAME, NS, SOA};
use hickory_server::proto::rr::{LowerName, Name, RData, Record};
use hickory_server::store::in_memory::InMemoryZoneHandler;
use hickory_server::zone_handler::{AxfrPolicy, Catalog, ZoneType};
use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair};
use std::net::{Ipv4Addr, SocketAddr};
use std::process::Command;
use std::sync::Arc;

fn spof() -> Command {
    Command::new(env!("CARGO_BIN_EXE_spof"))
}

/// A private CA's PEM, and a TLS server on a free port with a leaf for 127.0.0.1 that
/// expires in `days` days.
fn tls_server(days: i64) -> (String, u16) {
    let ca_key = KeyPair::generate().unwrap();
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca_params
        .distinguished_name
        .push(DnType::CommonName, "spof test CA");
    let ca_cert = ca_params.self_signed(&ca_key).unwrap();
    let issuer = Issuer::new(ca_params, ca_key);
    let key = KeyPair::generate().unwrap();
    let mut params = CertificateParams::new(vec!["127.0.0.1".to_string()]).unwrap();
    params.distinguished_name.push(DnType::CommonName, "shop");
    let now = time::OffsetDateTime::now_utc();
    params.not_before = now - time::Duration::days(1);
    params.not_after = now + time::Duration::days(days);
    let leaf = params.signed_by(&key, &issuer).unwrap();
    let key = rustls::pki_types::PrivateKeyDer::try_from(key.serialize_der()).unwrap();
    #[allow(deprecated)]
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(vec![leaf.der().clone()], key)
        .unwrap();
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    listener.set_nonblocking(true).unwrap();
    std::thread::spawn(move || {
        runtime().block_on(async move {
            let listener = tokio::net::TcpListener::from_std(listener).unwrap();
            while let Ok((tcp, _)) = listener.accept().await {
                let acceptor = acceptor.clone();
                tokio::spawn(async move {
                    use tokio::io::{AsyncReadExt, AsyncWriteExt};
                    if let Ok(mut tls) = acceptor.accept(tcp).await {
                        let mut buffer = [0u8; 1024];
                        let _ = tls.read(&mut buffer).await;
                        let _ = tls
                            .write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")
                            .await;
                        let _ = tls.shutdown().await;
                    }
                });
            }
        });
    });
    (ca_cert.pem(), port)
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

/// An HTTP server on a free port that answers 503 to everything.
fn unhealthy_server() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        use std::io::{Read, Write};
        for mut stream in listener.incoming().flatten() {
            let mut buffer = [0u8; 1024];
            let _ = stream.read(&mut buffer);
            let _ =
                stream.write_all(b"HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n\r\n");
        }
    });
    port
}

/// A DNS server on a free loopback UDP port serving zone `shop.test`.
fn dns_server() -> SocketAddr {
    let socket = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    let address = socket.local_addr().unwrap();
    socket.set_nonblocking(true).unwrap();
    std::thread::spawn(move || {
        runtime().block_on(async move {
            let name = |n: &str| Name::from_ascii(n).unwrap();
            let origin = name("shop.test.");
            let mut zone = InMemoryZoneHandler::<TokioRuntimeProvider>::empty(
                origin.clone(),
                ZoneType::Primary,
                AxfrPolicy::Deny,
            );
            let records = [
                Record::from_rdata(
                    origin.clone(),
                    60,
                    RData::SOA(SOA::new(
                        name("ns1.dnsprov.test."),
                        name("admin.shop.test."),
                        1,
                        60,
                        60,
                        60,
                        60,
                    )),
                ),
                Record::from_rdata(origin.clone(), 60, RData::NS(NS(name("ns1.dnsprov.test.")))),
                Record::from_rdata(origin.clone(), 60, RData::NS(NS(name("ns2.dnsprov.test.")))),
                Record::from_rdata(
                    name("www.shop.test."),
                    60,
                    RData::CNAME(CNAME(name("lb.shop.test."))),
                ),
                Record::from_rdata(
                    name("lb.shop.test."),
                    60,
                    RData::A(A(Ipv4Addr::new(127, 0, 0, 1))),
                ),
                Record::from_rdata(
                    name("api.shop.test."),
                    60,
                    RData::A(A(Ipv4Addr::new(127, 0, 0, 1))),
                ),
                Record::from_rdata(
                    name("api.shop.test."),
                    60,
                    RData::A(A(Ipv4Addr::new(127, 0, 0, 2))),
                ),
            ];
            for record in records {
                assert!(zone.upsert_mut(record, 1));
            }
            let mut catalog = Catalog::new();
            catalog.upsert(LowerName::new(&origin), vec![Arc::new(zone)]);
            let mut server = Server::new(catalog);
            server.register_socket(tokio::net::UdpSocket::from_std(socket).unwrap());
            let _ = server.block_until_done().await;
        });
    });
    address
}

fn closed_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

#[test]
fn probe_findings_join_the_static_ones_marked_observed() {
    let (ca_pem, tls_port) = tls_server(10);
    let unhealthy = unhealthy_server();
    let closed = closed_port();
    let dns = dns_server();
    let dir = tempfile::tempdir().unwrap();
    let ca = dir.path().join("ca.pem");
    std::fs::write(&ca, ca_pem).unwrap();
    let model = dir.path().join("shop.yaml");
    std::fs::write(
        &model,
        format!(
            "components:\n  dns:\n    kind: dns\n    dns:\n      providers: [dnsprov, other]\n      records:\n        www.shop.test: {{addresses: 2, endpoints: [www.shop.test]}}\n        api.shop.test: {{addresses: 2, endpoints: [api.shop.test]}}\n    depends_on: [lb]\n  lb:\n    kind: load_balancer\n    endpoints:\n      - https://127.0.0.1:{tls_port}/health\n      - http://127.0.0.1:{unhealthy}/\n      - http://127.0.0.1:{closed}/\n"
        ),
    )
    .unwrap();
    let output = spof()
        .arg("probe")
        .arg(&model)
        .args(["--format", "json", "--timeout", "2s", "--resolver"])
        .arg(dns.to_string())
        .arg("--ca-file")
        .arg(&ca)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let findings = report["findings"].as_array().unwrap();
    let with = |code: &str| -> Vec<&serde_json::Value> {
        findings.iter().filter(|f| f["code"] == code).collect()
    };
    // The certificate expiring in 10 days: high, with its real date, observed.
    let expiry = with("SPOF027");
    assert_eq!(expiry.len(), 1, "{report:#}");
    assert_eq!(expiry[0]["severity"], "high");
    let not_after = (time::OffsetDateTime::now_utc() + time::Duration::days(10)).date();
    assert!(
        expiry[0]["message"]
            .as_str()
            .unwrap()
            .contains(&format!("expires on {not_after}")),
        "{report:#}"
    );
    assert!(expiry[0]["observed"].is_string());
    // One provider's name servers for the zone, though the model says two.
    let provider = with("SPOF030");
    assert_eq!(provider.len(), 2, "one per probed name: {report:#}");
    assert!(
        provider[0]["message"]
            .as_str()
            .unwrap()
            .contains("zone shop.test")
    );
    assert!(provider[0]["message"].as_str().unwrap().contains("dnsprov"));
    // www goes through a CNAME to one address; api has two.
    let single = with("SPOF031");
    assert_eq!(single.len(), 1, "{report:#}");
    assert!(
        single[0]["message"].as_str().unwrap().contains(
            "www.shop.test resolves through www.shop.test → lb.shop.test to one address, 127.0.0.1"
        ),
        "{report:#}"
    );
    // The 503 and the closed port.
    let unhealthy_findings = with("SPOF032");
    assert_eq!(unhealthy_findings.len(), 2, "{report:#}");
    assert!(
        unhealthy_findings
            .iter()
            .any(|f| f["message"].as_str().unwrap().contains("answered HTTP 503"))
    );
    // Static findings are still there, unmarked: the one load balancer.
    assert!(findings.iter().any(|f| f["observed"].is_null()));

    // The probe created the history beside the model, and it lists the observations.
    let history = dir.path().join("shop.history.sqlite");
    assert!(history.exists(), "{stderr}");
    let output = spof()
        .args(["history", "--format", "json"])
        .arg(&model)
        .output()
        .unwrap();
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert!(json["probes"].as_array().unwrap().len() >= 7, "{json:#}");
    assert_eq!(json["checks"].as_array().unwrap().len(), 1);

    // The text report marks observed findings too.
    let output = spof()
        .arg("probe")
        .arg(&model)
        .args(["--no-history", "--resolver"])
        .arg(dns.to_string())
        .arg("--ca-file")
        .arg(&ca)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(text.contains("(observed 20"), "{text}");
}

#[test]
fn a_plain_check_leaves_no_history_behind() {
    let dir = tempfile::tempdir().unwrap();
    let model = dir.path().join("spof.yaml");
    std::fs::write(
        &model,
        "components:\n  lb:\n    kind: load_balancer\n    endpoints: [\"https://127.0.0.1:9/\"]\n",
    )
    .unwrap();
    let output = spof().arg("check").arg(&model).output().unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(!dir.path().join("spof.history.sqlite").exists());
    let output = spof().arg("history").arg(&model).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("no history at"));
    // Bad probe options are clear errors.
    let output = spof()
        .arg("probe")
        .arg(&model)
        .args(["--resolver", "nowhere"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("--resolver `nowhere`"));
}
