//! TLS certificates: renewed by hand, kept in one place, close to expiry.

use super::{Context, Finding, Rule, RuleKind, Severity, check_finding, impact_phrase};
use crate::graph::EventKind;
use spof_model::{Kind, Renewal};

pub static MANUAL_RENEWAL: Rule = Rule {
    code: "SPOF008",
    name: "certificate-manual-renewal",
    summary: "A certificate on a critical journey renewed by hand.",
    what: "A certificate component with `renewal: manual` that a critical journey needs: if nobody renews it in time, everything that serves it fails at once.",
    why: "Expired certificates are among the most common causes of total outages at large companies: renewal happens once a year or once a quarter, the person who did it last has moved on, and the reminder goes to a dead mailbox. Unlike a server, no replica protects against it.",
    fix: "Automate renewal (ACME, the provider's certificate manager) and monitor the expiry date from outside.",
    example: r#"
components:
  web:
    kind: web
    replicas: 2
    depends_on: [tls]
  tls:
    kind: certificate
    certificate:
      renewal: manual
"#,
    fixed: r#"
components:
  web:
    kind: web
    replicas: 2
    depends_on: [tls]
  tls:
    kind: certificate
    certificate:
      renewal: automated
"#,
    kind: RuleKind::Spof {
        claims: |_, report| matches!(report.kind, EventKind::Expiry(_)),
        describe: |cx, report| {
            let EventKind::Expiry(c) = report.kind else {
                unreachable!("claimed an expiry")
            };
            let name = &cx.model.components[c].name;
            let message = format!(
                "certificate `{name}` is renewed by hand: if it expires unrenewed, it {}",
                impact_phrase(cx.model, report)
            );
            (
                message,
                format!(
                    "automate the renewal of `{name}` (ACME or a certificate manager) and watch its expiry from outside"
                ),
                vec![c],
            )
        },
    },
};

pub static SINGLE_COPY: Rule = Rule {
    code: "SPOF007",
    name: "certificate-single-copy",
    summary: "A certificate and its key kept on one server.",
    what: "A certificate whose key material is stored on a single instance of a single component.",
    why: "When that server is lost, so is the key: the replacement cannot serve TLS until a new certificate is issued, validated and installed, which turns a quick rebuild into hours, often on a weekend, often by the one person who knows how.",
    fix: "Keep the certificate and key in a secrets store or certificate manager that every server (and every standby) loads from.",
    example: r#"
components:
  web:
    kind: web
    replicas: 2
    depends_on: [tls]
  tls:
    kind: certificate
    certificate:
      stored_on: [build-box]
      renewal: automated
  build-box:
    kind: service
"#,
    fixed: r#"
components:
  web:
    kind: web
    replicas: 2
    depends_on: [tls]
  tls:
    kind: certificate
    certificate:
      stored_on: [vault]
      renewal: automated
  vault:
    kind: secrets
    managed: true
"#,
    kind: RuleKind::Check(|cx, out| {
        for (c, component) in cx.model.components.iter().enumerate() {
            let Some(cert) = &component.certificate else {
                continue;
            };
            if let [only] = cert.stored_on.as_slice()
                && cx.model.components[*only].instances.len() == 1
                && !cx.model.components[*only].managed
            {
                let holder = &cx.model.components[*only].name;
                out.push(check_finding(
                    cx,
                    &SINGLE_COPY,
                    vec![c, *only],
                    format!("certificate `{}` and its key are kept only on `{holder}`, a single server", component.name),
                    format!("keep `{}` in a secrets store or certificate manager that every server and standby loads from", component.name),
                    Some(cert.span),
                ));
            }
        }
    }),
};

pub static EXPIRY: Rule = Rule {
    code: "SPOF009",
    name: "certificate-expiry",
    summary: "A certificate expires within 30 days (14, 7, or has expired).",
    what: "A certificate whose `expires` date is within 30 days of today; the severity rises at 14 and 7 days and when it has expired.",
    why: "An expired certificate takes every client down at once, at a moment known in advance. The 30, 14 and 7 day marks leave time to renew through the normal process rather than as an incident.",
    fix: "Renew it now, then automate renewal so that the date stops mattering.",
    example: r#"
components:
  web:
    kind: web
    replicas: 2
    depends_on: [tls]
  tls:
    kind: certificate
    certificate:
      renewal: automated
      expires: 2000-01-10
"#,
    fixed: r#"
components:
  web:
    kind: web
    replicas: 2
    depends_on: [tls]
  tls:
    kind: certificate
    certificate:
      renewal: automated
      expires: 2999-01-10
"#,
    kind: RuleKind::Check(check_expiry),
};

fn check_expiry(cx: &Context, out: &mut Vec<Finding>) {
    let Some(today) = cx.today else { return };
    for (c, component) in cx.model.components.iter().enumerate() {
        if component.kind != Kind::Certificate {
            continue;
        }
        let Some(cert) = &component.certificate else {
            continue;
        };
        let Some(expires) = cert.expires else {
            continue;
        };
        let days = today.days_until(expires);
        if days > 30 {
            continue;
        }
        let (severity, when) = match days {
            d if d < 0 => (Severity::Critical, format!("expired on {expires}")),
            d if d <= 7 => (
                Severity::Critical,
                format!("expires in {d} days ({expires})"),
            ),
            d if d <= 14 => (Severity::High, format!("expires in {d} days ({expires})")),
            d => (Severity::Medium, format!("expires in {d} days ({expires})")),
        };
        let automated = cert.renewal == Some(Renewal::Automated);
        let mut finding = check_finding(
            cx,
            &EXPIRY,
            vec![c],
            format!(
                "certificate `{}` {when}{}",
                component.name,
                if automated {
                    " although renewal is automated: check that it works"
                } else {
                    ""
                }
            ),
            format!("renew `{}` now, then automate its renewal", component.name),
            Some(cert.span),
        );
        finding.severity = severity;
        out.push(finding);
    }
}
