//! Endpoints as people write them in a model: `https://shop.example.com/health`,
//! `http://127.0.0.1:8080/`, `mail.example.com:465`, or (for a DNS record) a bare name.
//! Only the parts a probe needs are kept; nothing here touches the network.

use std::fmt;

/// How a probe talks to an endpoint.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Scheme {
    /// `http://`: a health request, status and latency.
    Http,
    /// `https://`: the certificate chain, then a health request over TLS.
    Https,
    /// `host:port`: a TLS handshake only (the certificate).
    Tls,
    /// A bare name: DNS only (addresses, CNAME chain, name servers).
    Dns,
}

/// One address a probe checks.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Endpoint {
    /// As written.
    pub text: String,
    pub scheme: Scheme,
    /// A DNS name or an IP address (IPv6 without brackets).
    pub host: String,
    pub port: u16,
    /// The path and query of a URL (`/` when none); empty for the other forms.
    pub path: String,
}

impl Endpoint {
    /// Parses an endpoint; `bare_names` admits a bare name (a DNS record's endpoints).
    pub fn parse(text: &str, bare_names: bool) -> Result<Endpoint, String> {
        let trimmed = text.trim();
        if trimmed.is_empty() {
            return Err("an empty endpoint".into());
        }
        if trimmed.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err("an endpoint has no spaces".into());
        }
        let (scheme, rest) = if let Some(rest) = trimmed.strip_prefix("https://") {
            (Scheme::Https, rest)
        } else if let Some(rest) = trimmed.strip_prefix("http://") {
            (Scheme::Http, rest)
        } else if let Some((scheme, _)) = trimmed.split_once("://") {
            return Err(format!(
                "`{scheme}://` is not probed; use http://, https:// or host:port"
            ));
        } else {
            (Scheme::Tls, trimmed)
        };
        let (authority, path) = match rest.find(['/', '?']) {
            Some(i) if scheme != Scheme::Tls => (&rest[..i], &rest[i..]),
            Some(_) => return Err("a `host:port` endpoint has no path; write a URL".into()),
            None => (rest, ""),
        };
        if authority.contains('@') {
            return Err("an endpoint carries no user name or password".into());
        }
        let (host, port) = split_host_port(authority)?;
        check_host(&host)?;
        let default_port = match scheme {
            Scheme::Http => Some(80),
            Scheme::Https => Some(443),
            _ => None,
        };
        let (scheme, port) = match (port, default_port) {
            (Some(p), _) => (scheme, p),
            (None, Some(p)) => (scheme, p),
            (None, None) if bare_names => (Scheme::Dns, 0),
            (None, None) => {
                return Err(
                    "give a URL (http://, https://) or `host:port` (a TLS handshake)".into(),
                );
            }
        };
        let path = match (scheme, path) {
            (Scheme::Http | Scheme::Https, "") => "/".to_string(),
            (Scheme::Http | Scheme::Https, p) if p.starts_with('?') => format!("/{p}"),
            (_, p) => p.to_string(),
        };
        Ok(Endpoint {
            text: trimmed.to_string(),
            scheme,
            host,
            port,
            path,
        })
    }

    /// Whether the host is written as an IP address (no DNS lookup needed).
    pub fn host_is_address(&self) -> bool {
        self.host.parse::<std::net::IpAddr>().is_ok()
    }
}

impl fmt::Display for Endpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

fn split_host_port(authority: &str) -> Result<(String, Option<u16>), String> {
    let (host, port) = if let Some(rest) = authority.strip_prefix('[') {
        let (host, after) = rest
            .split_once(']')
            .ok_or("an IPv6 address opened with `[` is not closed")?;
        match after {
            "" => (host, None),
            _ => match after.strip_prefix(':') {
                Some(port) => (host, Some(port)),
                None => return Err(format!("`{after}` after the address is not a port")),
            },
        }
    } else {
        match authority.rsplit_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (authority, None),
        }
    };
    let port = match port {
        None => None,
        Some(p) => match p.parse::<u16>() {
            Ok(0) | Err(_) => return Err(format!("`{p}` is not a port (1 to 65535)")),
            Ok(n) => Some(n),
        },
    };
    Ok((host.to_string(), port))
}

fn check_host(host: &str) -> Result<(), String> {
    if host.is_empty() {
        return Err("the endpoint has no host".into());
    }
    if host.parse::<std::net::IpAddr>().is_ok() {
        return Ok(());
    }
    let name = host.strip_suffix('.').unwrap_or(host);
    if name.len() > 253 {
        return Err("a host name is at most 253 characters".into());
    }
    for label in name.split('.') {
        if label.is_empty() || label.len() > 63 {
            return Err(format!("`{host}` is not a host name"));
        }
        if !label
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        {
            return Err(format!(
                "`{host}` is not a host name (letters, digits, `-` and `.`)"
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_form() {
        let e = Endpoint::parse("https://shop.example.com/health?x=1", false).unwrap();
        assert_eq!(
            (e.scheme, e.host.as_str(), e.port, e.path.as_str()),
            (Scheme::Https, "shop.example.com", 443, "/health?x=1")
        );
        let e = Endpoint::parse("http://127.0.0.1:8080", false).unwrap();
        assert_eq!(
            (e.scheme, e.port, e.path.as_str()),
            (Scheme::Http, 8080, "/")
        );
        let e = Endpoint::parse("mail.example.com:465", false).unwrap();
        assert_eq!((e.scheme, e.port), (Scheme::Tls, 465));
        let e = Endpoint::parse("[::1]:8443", false).unwrap();
        assert_eq!((e.host.as_str(), e.port), ("::1", 8443));
        let e = Endpoint::parse("www.example.com", true).unwrap();
        assert_eq!(e.scheme, Scheme::Dns);
        assert!(Endpoint::parse("www.example.com", false).is_err());
        assert!(Endpoint::parse("ftp://x", false).is_err());
        assert!(Endpoint::parse("http://x:99999/", false).is_err());
        assert!(Endpoint::parse("http://bad host/", false).is_err());
        assert!(Endpoint::parse("http://u:p@x/", false).is_err());
        assert!(Endpoint::parse("http://", false).is_err());
    }
}
