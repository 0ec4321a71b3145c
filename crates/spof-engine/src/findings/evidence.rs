//! Findings from measured evidence: failover claims no recent drill has proved, drills that
//! missed their target, and what probes observed (certificates, name servers, addresses,
//! health). They run only when evidence is in use (the model declares drills, or a history or
//! a probe was given), so a model without them checks as before.

use super::{Finding, Rule, RuleKind, Severity, check_finding};
use crate::evidence::{DrillRecord, Evidence, Observation, Observed, is_recent, seconds};
use spof_model::{ComponentId, Date, Model, Redundancy};
use std::borrow::Cow;

const DRILL_MODEL: &str = r#"
components:
  app:
    kind: service
    replicas: 2
    depends_on: [db]
  db:
    kind: database
    replicas: 2
    failover: automatic
    failover_time: 30s
drills:
  db-failover:
    target: db
    fail: "systemctl stop postgresql"
    restore: "systemctl start postgresql"
    probe: {url: "http://127.0.0.1:8080/health"}
"#;

pub static FAILOVER_UNTESTED: Rule = Rule {
    code: "SPOF025",
    name: "failover-untested",
    summary: "A declared failover that no recent drill has measured: claimed, untested.",
    what: "A component on a critical journey with a standby and a declared `failover_time` (active-passive) when evidence is in use (the model declares drills, or a history is read), and no drill of it in the history, or only drills older than the allowed age (90 days unless `--drill-max-age` says otherwise). The finding names the drill that would prove the claim, or asks for one.",
    why: "\"Don't write failover to standby unless you've tested it.\" Failovers that were never exercised fail in the ways nobody wrote down: a stale replica, a health check that never trips, a floating address that does not move, a runbook step that no longer exists.",
    fix: "Run the drill (`spof drill NAME`) and keep its result in the history, or declare one under `drills:` that fails the component and probes the journey. The fixed model is the same: what silences the finding is a recent drill that met its target in the history.",
    example: DRILL_MODEL,
    fixed: DRILL_MODEL,
    kind: RuleKind::Evidence(|cx, out| {
        let max_age = cx.evidence.max_age_days();
        for (c, component) in cx.model.components.iter().enumerate() {
            let Redundancy::ActivePassive {
                failover,
                failover_time,
            } = component.redundancy
            else {
                continue;
            };
            if component.instances.len() < 2 || !cx.analysis.components[c].on_critical_path {
                continue;
            }
            let latest = cx.evidence.latest_drill(&component.name);
            if latest.is_some_and(|r| is_recent(r.date, cx.today, max_age)) {
                continue;
            }
            let claim = format!(
                "`{}` claims a {} failover in {failover_time}",
                component.name,
                match failover {
                    spof_model::Failover::Automatic => "automatic",
                    spof_model::Failover::Manual => "manual",
                }
            );
            let state = match latest {
                Some(r) => format!(
                    "its last drill (`{}`, {}) is more than {max_age} days old: claimed, untested",
                    r.drill, r.date
                ),
                None => "no drill has measured it: claimed, untested".to_string(),
            };
            let fix = match drill_for(cx.model, c) {
                Some(name) => format!("run `spof drill {name}` and keep its result"),
                None => format!(
                    "declare a drill under `drills:` that fails `{}` and probes the journey, then run it with `spof drill`",
                    component.name
                ),
            };
            let mut finding = check_finding(
                cx,
                &FAILOVER_UNTESTED,
                vec![c],
                format!("{claim}, but {state}"),
                fix,
                Some(component.span),
            );
            finding.layer = component.kind.layer();
            out.push(finding);
        }
    }),
};

pub static DRILL_MISSED: Rule = Rule {
    code: "SPOF026",
    name: "drill-missed",
    summary: "The latest drill of a component missed its target.",
    what: "The newest drill in the history for a component did not meet its target: the measured interruption was longer than the declared `failover_time` or the journey's `rto_target`, or the journey stayed down until the target was restored. A measured failover longer than the declared one is also used instead of it in recovery times and availability.",
    why: "The drill measured what an outage will cost; the model's claim is not what happens. Until the failover is fixed, the design is as weak as measured.",
    fix: "Find why the failover was slow or absent (health-check intervals, DNS TTLs, a standby that was not ready, a manual step), fix it, and run the drill again.",
    example: DRILL_MODEL,
    fixed: DRILL_MODEL,
    kind: RuleKind::Evidence(|cx, out| {
        for (c, component) in cx.model.components.iter().enumerate() {
            let Some(record) = cx.evidence.latest_drill(&component.name) else {
                continue;
            };
            if record.met {
                continue;
            }
            let measured = match record.interruption_ms {
                Some(ms) => format!("the journey was interrupted for {}", seconds(ms)),
                None => "the journey stayed down until the target was restored".to_string(),
            };
            let declared = match component.redundancy {
                Redundancy::ActivePassive { failover_time, .. } => {
                    format!(" (declared failover {failover_time})")
                }
                Redundancy::ActiveActive { .. } => String::new(),
            };
            let mut finding = check_finding(
                cx,
                &DRILL_MISSED,
                vec![c],
                format!(
                    "drill `{}` missed its target on {}: {measured}{declared}",
                    record.drill, record.date
                ),
                format!(
                    "fix the failover of `{}` and run `spof drill {}` again",
                    component.name, record.drill
                ),
                Some(component.span),
            );
            finding.severity = if cx.analysis.components[c].on_critical_path {
                Severity::High
            } else {
                Severity::Medium
            };
            out.push(finding);
        }
    }),
};

const PROBED_MODEL: &str = r#"
components:
  lb:
    kind: load_balancer
    replicas: 2
    endpoints: ["https://shop.example.com/health"]
"#;

const PROBED_DNS_MODEL: &str = r#"
components:
  dns:
    kind: dns
    dns:
      providers: [route53, cloudflare]
      records:
        shop.example.com: {addresses: 2, endpoints: [shop.example.com]}
    depends_on: [lb]
  lb:
    kind: load_balancer
    replicas: 2
"#;

pub static CERTIFICATE_EXPIRY_OBSERVED: Rule = Rule {
    code: "SPOF027",
    name: "certificate-expiry-observed",
    summary: "A server presents a certificate that expires within 30 days, or has expired.",
    what: "`spof probe` connected to an endpoint and read the certificate it presents: medium within 30 days of expiry, high within 14, critical within 7 or once expired. The finding gives the real expiry date and when it was observed.",
    why: "An expired certificate is an outage for every client at once, on a date known in advance. Renewal that is automated can still fail silently; only the served certificate tells.",
    fix: "Renew and deploy the certificate, and automate renewal with monitoring of the served expiry date.",
    example: PROBED_MODEL,
    fixed: PROBED_MODEL,
    kind: RuleKind::Evidence(|cx, out| {
        for observation in &cx.evidence.observations {
            let Observed::Certificate {
                subject,
                not_after,
                days_left,
                ..
            } = &observation.what
            else {
                continue;
            };
            let severity = match *days_left {
                d if d < 0 => Severity::Critical,
                d if d <= 7 => Severity::Critical,
                d if d <= 14 => Severity::High,
                d if d <= 30 => Severity::Medium,
                _ => continue,
            };
            let when = if *days_left < 0 {
                format!("expired on {not_after}, {} days ago", -days_left)
            } else {
                format!("expires on {not_after}, in {days_left} days")
            };
            out.push(observed_finding(
                cx,
                &CERTIFICATE_EXPIRY_OBSERVED,
                observation,
                severity,
                format!(
                    "the certificate served at {} ({subject}) {when}",
                    observation.endpoint
                ),
                "renew and deploy the certificate; automate renewal and alert on the served expiry date".into(),
            ));
        }
    }),
};

pub static CERTIFICATE_INVALID_OBSERVED: Rule = Rule {
    code: "SPOF028",
    name: "certificate-invalid-observed",
    summary: "A server presents a certificate that clients will refuse: untrusted chain or wrong name.",
    what: "`spof probe` verified the chain an endpoint presents against the trusted roots (and any `--ca-file`), and the names it covers against the host: an untrusted chain (self-signed, unknown issuer, missing intermediate) or a name mismatch is high.",
    why: "Clients refuse the connection: for them the service is down although it runs.",
    fix: "Serve the full chain from a trusted issuer, with the host name among the certificate's names.",
    example: PROBED_MODEL,
    fixed: PROBED_MODEL,
    kind: RuleKind::Evidence(|cx, out| {
        for observation in &cx.evidence.observations {
            let Observed::Certificate { problems, .. } = &observation.what else {
                continue;
            };
            if problems.is_empty() {
                continue;
            }
            out.push(observed_finding(
                cx,
                &CERTIFICATE_INVALID_OBSERVED,
                observation,
                Severity::High,
                format!(
                    "clients will refuse the certificate served at {}: {}",
                    observation.endpoint,
                    problems.join("; ")
                ),
                "serve the full chain from a trusted issuer, naming the host".into(),
            ));
        }
    }),
};

pub static DECLARED_EXPIRY_WRONG: Rule = Rule {
    code: "SPOF029",
    name: "declared-expiry-wrong",
    summary: "The model's certificate `expires` date is not the served certificate's.",
    what: "A component whose endpoint `spof probe` read a certificate from depends on a certificate component whose declared `expires` differs from the served certificate's expiry date.",
    why: "The model's expiry findings (SPOF013) are only as good as its dates: a stale date hides a near expiry, or reports one that is gone.",
    fix: "Update `expires` to the served date (or let the probe's findings speak for it).",
    example: r#"
components:
  lb:
    kind: load_balancer
    replicas: 2
    endpoints: ["https://shop.example.com/health"]
    depends_on: [tls]
  tls:
    kind: certificate
    managed: true
    certificate: {renewal: automated, expires: 2030-01-01}
"#,
    fixed: r#"
components:
  lb:
    kind: load_balancer
    replicas: 2
    endpoints: ["https://shop.example.com/health"]
    depends_on: [tls]
  tls:
    kind: certificate
    managed: true
    certificate: {renewal: automated, expires: 2027-06-01}
"#,
    kind: RuleKind::Evidence(|cx, out| {
        for observation in &cx.evidence.observations {
            let Observed::Certificate { not_after, .. } = &observation.what else {
                continue;
            };
            let Some(c) = component_of(cx.model, observation) else {
                continue;
            };
            for dep in &cx.model.components[c].depends_on {
                let target = &cx.model.components[dep.target];
                let Some(declared) = target.certificate.as_ref().and_then(|cert| cert.expires)
                else {
                    continue;
                };
                if declared == *not_after {
                    continue;
                }
                let mut finding = observed_finding(
                    cx,
                    &DECLARED_EXPIRY_WRONG,
                    observation,
                    Severity::Low,
                    format!(
                        "`{}` declares that its certificate expires on {declared}, but the one served at {} expires on {not_after}",
                        target.name, observation.endpoint
                    ),
                    format!("set `expires: {not_after}` on `{}`", target.name),
                );
                finding.components = vec![dep.target, c];
                finding.span = target.certificate.as_ref().map(|cert| cert.span);
                out.push(finding);
            }
        }
    }),
};

pub static SINGLE_PROVIDER_OBSERVED: Rule = Rule {
    code: "SPOF030",
    name: "single-dns-provider-observed",
    summary: "Every name server of a zone belongs to one provider.",
    what: "`spof probe` looked up the name servers (NS) of the zone of a probed name and grouped them by provider (the name servers' own domain, digits dropped: `ns-1.awsdns-01.org` is `awsdns`): one provider for all of them is high.",
    why: "A DNS provider's outage (or a mistake in its account) takes every name of the zone off the internet, however many name servers it lists.",
    fix: "Serve the zone from two providers (secondary DNS, or multi-provider with the same records).",
    example: PROBED_DNS_MODEL,
    fixed: PROBED_DNS_MODEL,
    kind: RuleKind::Evidence(|cx, out| {
        for observation in &cx.evidence.observations {
            let Observed::NameServers {
                zone,
                servers,
                providers,
            } = &observation.what
            else {
                continue;
            };
            if providers.len() != 1 {
                continue;
            }
            out.push(observed_finding(
                cx,
                &SINGLE_PROVIDER_OBSERVED,
                observation,
                Severity::High,
                format!(
                    "every name server of zone {zone} ({}) is at one provider, {}",
                    servers.join(", "),
                    providers[0]
                ),
                format!("serve {zone} from a second DNS provider as well"),
            ));
        }
    }),
};

pub static SINGLE_ADDRESS_OBSERVED: Rule = Rule {
    code: "SPOF031",
    name: "single-address-observed",
    summary: "A probed name resolves to one address (after its CNAME chain).",
    what: "`spof probe` resolved a name (a DNS record's endpoint, or the host of a URL) and found one address at the end of its CNAME chain: medium.",
    why: "Whatever holds that address is a SPOF, however redundant the servers behind it, and changing the record in an outage waits for caches to expire.",
    fix: "Publish two or more addresses, an anycast or floating address that moves, or health-checked failover records with a short TTL.",
    example: PROBED_DNS_MODEL,
    fixed: PROBED_DNS_MODEL,
    kind: RuleKind::Evidence(|cx, out| {
        for observation in &cx.evidence.observations {
            let Observed::Addresses {
                name,
                cname_chain,
                addresses,
            } = &observation.what
            else {
                continue;
            };
            if addresses.len() != 1 {
                continue;
            }
            let chain = if cname_chain.is_empty() {
                String::new()
            } else {
                format!(" through {}", cname_chain.join(" → "))
            };
            out.push(observed_finding(
                cx,
                &SINGLE_ADDRESS_OBSERVED,
                observation,
                Severity::Medium,
                format!("{name} resolves{chain} to one address, {}", addresses[0]),
                format!("publish two or more addresses for {name}, or one that moves by itself"),
            ));
        }
    }),
};

pub static ENDPOINT_UNHEALTHY: Rule = Rule {
    code: "SPOF032",
    name: "endpoint-unhealthy",
    summary: "A probed endpoint did not answer, answered with an error, or could not be looked at.",
    what: "`spof probe` sent a health request (or a TLS handshake, or a lookup) to an endpoint and got no answer within the request timeout, a refused connection, an unknown name, or an HTTP status of 400 or more: high.",
    why: "What the model counts on is not serving now; whatever the static analysis says, the journey through it is down or degraded.",
    fix: "Look at the endpoint: restore the service, or correct the endpoint in the model.",
    example: PROBED_MODEL,
    fixed: PROBED_MODEL,
    kind: RuleKind::Evidence(|cx, out| {
        for observation in &cx.evidence.observations {
            let message = match &observation.what {
                Observed::Health {
                    status: Some(status),
                    latency_ms,
                    ..
                } if *status >= 400 => format!(
                    "{} answered HTTP {status} in {latency_ms} ms",
                    observation.endpoint
                ),
                Observed::Health {
                    status: None,
                    error,
                    ..
                } => format!(
                    "{} did not answer: {}",
                    observation.endpoint,
                    error.as_deref().unwrap_or("no response")
                ),
                Observed::Unreachable { error } => {
                    format!("{} could not be probed: {error}", observation.endpoint)
                }
                _ => continue,
            };
            out.push(observed_finding(
                cx,
                &ENDPOINT_UNHEALTHY,
                observation,
                Severity::High,
                message,
                "restore the service behind the endpoint, or correct the endpoint in the model"
                    .into(),
            ));
        }
    }),
};

/// The drill of the model that fails `c` (or one of its instances), if any.
fn drill_for(model: &Model, c: ComponentId) -> Option<&str> {
    model
        .drills
        .iter()
        .find(|d| d.component() == Some(c))
        .map(|d| d.name.as_str())
}

fn component_of(model: &Model, observation: &Observation) -> Option<ComponentId> {
    observation
        .component
        .as_deref()
        .and_then(|name| model.component(name))
}

/// A finding from an observation: about its component when the model still has it, marked
/// observed with the time.
fn observed_finding(
    cx: &super::Context,
    rule: &'static Rule,
    observation: &Observation,
    severity: Severity,
    message: String,
    fix: String,
) -> Finding {
    let component = component_of(cx.model, observation);
    let span = component.and_then(|c| {
        let component = &cx.model.components[c];
        component
            .endpoints
            .iter()
            .find(|e| e.value.text == observation.endpoint)
            .map(|e| e.span)
            .or(Some(component.span))
    });
    let mut finding = check_finding(
        cx,
        rule,
        component.into_iter().collect(),
        format!("{message} (observed {})", observation.at),
        fix,
        span,
    );
    finding.severity = severity;
    finding.observed = Some(observation.at.clone());
    finding.code = Cow::Borrowed(rule.code);
    finding
}

/// The evidence under which a rule's documented example fires (`Some`) and its fixed model
/// does not (the second); `None` for rules that need no evidence.
pub fn example_evidence(code: &str) -> Option<(Evidence, Evidence)> {
    let date = Date::parse("2026-12-01").ok()?;
    let drill = |met: bool, interruption_ms: Option<u64>| DrillRecord {
        drill: "db-failover".into(),
        component: "db".into(),
        date,
        interruption_ms,
        met,
    };
    let observe = |component: &str, endpoint: &str, what: Observed| Observation {
        component: Some(component.into()),
        endpoint: endpoint.into(),
        at: "2026-12-01T09:00:00Z".into(),
        what,
    };
    let evidence = |drills: Vec<DrillRecord>, observations: Vec<Observation>| Evidence {
        in_use: true,
        drills,
        observations,
        max_drill_age_days: 0,
    };
    let certificate = |days_left: i64, problems: Vec<String>| Observed::Certificate {
        subject: "CN=shop.example.com".into(),
        not_after: Date::from_days_since_epoch(date.days_since_epoch() + days_left),
        days_left,
        problems,
    };
    let url = "https://shop.example.com/health";
    Some(match code {
        "SPOF025" => (
            evidence(vec![], vec![]),
            evidence(vec![drill(true, Some(12_000))], vec![]),
        ),
        "SPOF026" => (
            evidence(vec![drill(false, Some(95_000))], vec![]),
            evidence(vec![drill(true, Some(12_000))], vec![]),
        ),
        "SPOF027" => (
            evidence(vec![], vec![observe("lb", url, certificate(10, vec![]))]),
            evidence(vec![], vec![observe("lb", url, certificate(80, vec![]))]),
        ),
        "SPOF028" => (
            evidence(
                vec![],
                vec![observe(
                    "lb",
                    url,
                    certificate(
                        80,
                        vec!["the certificate is not valid for shop.example.com".into()],
                    ),
                )],
            ),
            evidence(vec![], vec![observe("lb", url, certificate(80, vec![]))]),
        ),
        "SPOF029" => {
            let served = Observed::Certificate {
                subject: "CN=shop.example.com".into(),
                not_after: Date::parse("2027-06-01").ok()?,
                days_left: 182,
                problems: vec![],
            };
            let e = evidence(vec![], vec![observe("lb", url, served)]);
            (e.clone(), e)
        }
        "SPOF030" => {
            let ns = |providers: Vec<&str>| Observed::NameServers {
                zone: "example.com".into(),
                servers: vec!["ns-1.awsdns-01.org".into(), "ns-2.awsdns-02.com".into()],
                providers: providers.into_iter().map(String::from).collect(),
            };
            (
                evidence(
                    vec![],
                    vec![observe("dns", "shop.example.com", ns(vec!["awsdns"]))],
                ),
                evidence(
                    vec![],
                    vec![observe(
                        "dns",
                        "shop.example.com",
                        ns(vec!["awsdns", "cloudflare"]),
                    )],
                ),
            )
        }
        "SPOF031" => {
            let addresses = |list: Vec<&str>| Observed::Addresses {
                name: "shop.example.com".into(),
                cname_chain: vec!["shop.example.com".into(), "lb.example.net".into()],
                addresses: list.into_iter().map(String::from).collect(),
            };
            (
                evidence(
                    vec![],
                    vec![observe(
                        "dns",
                        "shop.example.com",
                        addresses(vec!["192.0.2.10"]),
                    )],
                ),
                evidence(
                    vec![],
                    vec![observe(
                        "dns",
                        "shop.example.com",
                        addresses(vec!["192.0.2.10", "192.0.2.11"]),
                    )],
                ),
            )
        }
        "SPOF032" => {
            let health = |status: u16| Observed::Health {
                status: Some(status),
                latency_ms: 12,
                error: None,
            };
            (
                evidence(vec![], vec![observe("lb", url, health(503))]),
                evidence(vec![], vec![observe("lb", url, health(200))]),
            )
        }
        _ => return None,
    })
}
