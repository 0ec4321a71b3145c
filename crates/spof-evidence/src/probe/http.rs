//! Health requests: one `GET` with `Connection: close`, the status line read, the rest
//! ignored. Probes need only the status and the latency, so a few lines over a TCP (or TLS)
//! stream do it, without an HTTP client library and its second TLS stack.

use spof_engine::evidence::Observed;
use spof_model::Endpoint;
use std::net::SocketAddr;
use std::time::{Duration, Instant};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::TcpStream;

/// A plain-HTTP health request to `address`, bounded by `timeout` as a whole.
pub async fn health(address: SocketAddr, endpoint: &Endpoint, timeout: Duration) -> Observed {
    let started = Instant::now();
    let work = async {
        let stream = TcpStream::connect(address)
            .await
            .map_err(|e| format!("cannot connect to {address}: {e}"))?;
        request(stream, endpoint).await
    };
    finish(tokio::time::timeout(timeout, work).await, started, timeout)
}

/// A health request over a stream already open (a TLS session), timed from `started`.
pub async fn health_over<S: AsyncRead + AsyncWrite + Unpin>(
    stream: S,
    endpoint: &Endpoint,
    started: Instant,
    timeout: Duration,
) -> Observed {
    let left = timeout.saturating_sub(started.elapsed());
    finish(
        tokio::time::timeout(left, request(stream, endpoint)).await,
        started,
        timeout,
    )
}

fn finish(
    result: Result<Result<u16, String>, tokio::time::error::Elapsed>,
    started: Instant,
    timeout: Duration,
) -> Observed {
    let latency_ms = started.elapsed().as_millis() as u64;
    match result {
        Ok(Ok(status)) => Observed::Health {
            status: Some(status),
            latency_ms,
            error: None,
        },
        Ok(Err(error)) => Observed::Health {
            status: None,
            latency_ms,
            error: Some(error),
        },
        Err(_) => Observed::Health {
            status: None,
            latency_ms,
            error: Some(format!("no answer within {} ms", timeout.as_millis())),
        },
    }
}

/// Sends the request and reads the status code of the answer.
pub async fn request<S: AsyncRead + AsyncWrite + Unpin>(
    mut stream: S,
    endpoint: &Endpoint,
) -> Result<u16, String> {
    let host = if endpoint.host.contains(':') {
        format!("[{}]", endpoint.host)
    } else {
        endpoint.host.clone()
    };
    let default_port = matches!(
        (endpoint.scheme, endpoint.port),
        (spof_model::Scheme::Http, 80) | (spof_model::Scheme::Https, 443)
    );
    let host_header = if default_port {
        host
    } else {
        format!("{host}:{}", endpoint.port)
    };
    let text = format!(
        "GET {} HTTP/1.1\r\nHost: {host_header}\r\nUser-Agent: spof-probe\r\nAccept: */*\r\nConnection: close\r\n\r\n",
        endpoint.path
    );
    stream
        .write_all(text.as_bytes())
        .await
        .map_err(|e| format!("cannot send the request: {e}"))?;
    let mut buffer = Vec::with_capacity(256);
    let mut chunk = [0u8; 256];
    while !buffer.windows(2).any(|w| w == b"\r\n") {
        if buffer.len() > 8192 {
            return Err("the answer has no status line".into());
        }
        let n = stream
            .read(&mut chunk)
            .await
            .map_err(|e| format!("the connection failed: {e}"))?;
        if n == 0 {
            return Err(if buffer.is_empty() {
                "the server closed the connection without answering".into()
            } else {
                "the answer has no status line".into()
            });
        }
        buffer.extend_from_slice(&chunk[..n]);
    }
    status(&buffer).ok_or_else(|| "the answer is not HTTP".into())
}

/// The status code of `HTTP/1.1 200 OK`.
fn status(buffer: &[u8]) -> Option<u16> {
    let line = buffer.split(|&b| b == b'\r').next()?;
    let line = std::str::from_utf8(line).ok()?;
    let mut parts = line.split(' ');
    if !parts.next()?.starts_with("HTTP/") {
        return None;
    }
    parts.next()?.parse().ok()
}

#[cfg(test)]
mod tests {
    #[test]
    fn reads_status_lines() {
        assert_eq!(super::status(b"HTTP/1.1 200 OK\r\n"), Some(200));
        assert_eq!(
            super::status(b"HTTP/1.0 503 Service Unavailable\r\n"),
            Some(503)
        );
        assert_eq!(super::status(b"SSH-2.0\r\n"), None);
    }
}
