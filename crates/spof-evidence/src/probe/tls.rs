//! TLS handshakes that see every certificate, good or bad: the verifier is wrapped, its
//! verdict recorded, and the handshake accepted, so an expired, untrusted or misnamed chain is
//! reported instead of hiding behind a failed connection. One crypto backend: ring.

use rustls::client::WebPkiServerVerifier;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{DigitallySignedStruct, SignatureScheme};
use spof_engine::evidence::Observed;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use tokio::net::TcpStream;
use tokio_rustls::TlsConnector;
use tokio_rustls::client::TlsStream;

/// What the verifier saw in one handshake.
#[derive(Clone, Debug, Default)]
pub struct Seen {
    pub end_entity: Option<CertificateDer<'static>>,
    /// The verifier's complaint, if any (expiry aside: it is reported from the dates).
    pub problems: Vec<String>,
}

#[derive(Debug)]
struct Recording {
    inner: Arc<WebPkiServerVerifier>,
    seen: Arc<Mutex<Seen>>,
}

impl ServerCertVerifier for Recording {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        let verdict = self.inner.verify_server_cert(
            end_entity,
            intermediates,
            server_name,
            ocsp_response,
            now,
        );
        let mut seen = self.seen.lock().unwrap_or_else(|p| p.into_inner());
        seen.end_entity = Some(end_entity.clone().into_owned());
        if let Err(error) = verdict
            && let Some(problem) = describe(&error, server_name)
        {
            seen.problems.push(problem);
        }
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.inner.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.inner.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.inner.supported_verify_schemes()
    }
}

/// The verifier's error in words; `None` for expiry, which the dates report.
fn describe(error: &rustls::Error, server_name: &ServerName<'_>) -> Option<String> {
    use rustls::CertificateError as E;
    let host = server_name.to_str();
    Some(match error {
        rustls::Error::InvalidCertificate(cert) => match cert {
            E::Expired | E::ExpiredContext { .. } => return None,
            E::NotValidForName | E::NotValidForNameContext { .. } => {
                format!("the certificate is not valid for {host}")
            }
            E::UnknownIssuer => "the chain is not trusted (unknown issuer or self-signed)".into(),
            E::NotValidYet | E::NotValidYetContext { .. } => {
                "the certificate is not valid yet".into()
            }
            E::Revoked => "the certificate is revoked".into(),
            E::BadSignature => "the chain's signature is bad".into(),
            other => format!("the certificate is refused: {other:?}"),
        },
        other => format!("the certificate is refused: {other}"),
    })
}

/// What every handshake of a run shares: the ring provider and a verifier over the public
/// roots and any extra ones.
#[derive(Debug)]
pub struct Setup {
    provider: Arc<rustls::crypto::CryptoProvider>,
    verifier: Arc<WebPkiServerVerifier>,
}

/// The shared set-up; extra roots that do not parse are skipped (the caller read them).
pub fn setup(extra_roots: &[CertificateDer<'static>]) -> Setup {
    // ring is the one crypto backend of the tree; its provider lacks post-quantum key
    // exchange, which does not matter for reading a certificate.
    #[allow(deprecated)]
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut roots = rustls::RootCertStore::empty();
    roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
    for root in extra_roots {
        let _ = roots.add(root.clone());
    }
    let verifier = WebPkiServerVerifier::builder_with_provider(Arc::new(roots), provider.clone())
        .build()
        .expect("a verifier from a non-empty root store and the ring provider");
    Setup { provider, verifier }
}

/// Connects and shakes hands with `host` at `address`, recording what the verifier saw.
pub async fn connect(
    address: SocketAddr,
    host: &str,
    setup: &Setup,
    timeout: Duration,
) -> Result<(TlsStream<TcpStream>, Seen), String> {
    let server_name = ServerName::try_from(host.to_string())
        .map_err(|_| format!("`{host}` is not a name TLS can check"))?;
    // A recording verifier of its own per handshake, so concurrent probes keep apart.
    let seen = Arc::new(Mutex::new(Seen::default()));
    let config = rustls::ClientConfig::builder_with_provider(Arc::clone(&setup.provider))
        .with_safe_default_protocol_versions()
        .map_err(|e| format!("TLS set-up: {e}"))?
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(Recording {
            inner: Arc::clone(&setup.verifier),
            seen: Arc::clone(&seen),
        }))
        .with_no_client_auth();
    let connector = TlsConnector::from(Arc::new(config));
    let work = async {
        let tcp = TcpStream::connect(address)
            .await
            .map_err(|e| format!("cannot connect to {address}: {e}"))?;
        connector
            .connect(server_name, tcp)
            .await
            .map_err(|e| format!("TLS handshake with {address} failed: {e}"))
    };
    let stream = tokio::time::timeout(timeout, work).await.map_err(|_| {
        format!(
            "no TLS handshake with {address} within {} ms",
            timeout.as_millis()
        )
    })??;
    let seen = seen.lock().unwrap_or_else(|p| p.into_inner()).clone();
    Ok((stream, seen))
}

/// The certificate observation from what a handshake saw, at `now`.
pub fn observe(seen: &Seen, now: SystemTime) -> Option<Observed> {
    let der = seen.end_entity.as_ref()?;
    let (_, cert) = x509_parser::parse_x509_certificate(der.as_ref()).ok()?;
    let not_after_secs = cert.validity().not_after.timestamp();
    let now_secs = now
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64);
    let not_after = spof_model::Date::from_days_since_epoch(not_after_secs.div_euclid(86_400));
    let days_left = (not_after_secs - now_secs).div_euclid(86_400);
    Some(Observed::Certificate {
        subject: cert.subject().to_string(),
        not_after,
        days_left,
        problems: seen.problems.clone(),
    })
}

/// The certificates of a PEM file, to trust as roots (`--ca-file`).
pub fn read_roots(path: &std::path::Path) -> Result<Vec<CertificateDer<'static>>, String> {
    use rustls::pki_types::pem::PemObject;
    let certificates: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(path)
        .map_err(|e| e.to_string())?
        .collect::<Result<_, _>>()
        .map_err(|e| e.to_string())?;
    if certificates.is_empty() {
        return Err("the file holds no PEM certificate".into());
    }
    Ok(certificates)
}
