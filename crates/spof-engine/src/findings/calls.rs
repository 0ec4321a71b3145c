//! Dependency edges without the protections that keep a slow or dead dependency from taking
//! its callers down with it.

use super::{Rule, RuleKind, check_finding, join_and};
use spof_model::Kind;

pub static UNGUARDED_EXTERNAL_CALL: Rule = Rule {
    code: "SPOF010",
    name: "unguarded-external-call",
    summary: "A call to an external service without a timeout, circuit breaker or fallback.",
    what: "A hard dependency on an `external` component (a payment provider, an email API) that lacks a timeout, or has neither a circuit breaker nor a fallback.",
    why: "An outside service you do not run will be slow or down at some point. Without a timeout, callers' threads and connections pile up waiting and the caller dies of the dependency's slowness; without a breaker or fallback, every request keeps paying for it.",
    fix: "Give the call a timeout, a circuit breaker and, where the journey allows, a fallback (queue the work, degrade the feature); mark the dependency `optional: true` when the journey survives without it.",
    example: r#"
components:
  app:
    kind: service
    replicas: 2
    depends_on: [payments]
  payments:
    kind: external
    managed: true
"#,
    fixed: r#"
components:
  app:
    kind: service
    replicas: 2
    depends_on:
      - component: payments
        timeout: 2s
        retries: {count: 2, backoff: exponential}
        circuit_breaker: true
  payments:
    kind: external
    managed: true
"#,
    kind: RuleKind::Check(|cx, out| {
        for (c, component) in cx.model.components.iter().enumerate() {
            for dep in &component.depends_on {
                if cx.model.components[dep.target].kind != Kind::External {
                    continue;
                }
                let mut missing = Vec::new();
                if dep.timeout.is_none() {
                    missing.push("a timeout");
                }
                if !dep.circuit_breaker && dep.fallback.is_none() && !dep.optional {
                    missing.push("a circuit breaker or fallback");
                }
                if missing.is_empty() {
                    continue;
                }
                let target = &cx.model.components[dep.target].name;
                out.push(check_finding(
                    cx,
                    &UNGUARDED_EXTERNAL_CALL,
                    vec![c, dep.target],
                    format!("`{}` calls external `{target}` without {}", component.name, join_and(&missing)),
                    format!("give the call from `{}` to `{target}` a timeout and a circuit breaker or fallback", component.name),
                    Some(dep.span),
                ));
            }
        }
    }),
};

pub static CONFIG_WITHOUT_LOCAL_CACHE: Rule = Rule {
    code: "SPOF012",
    name: "config-without-local-cache",
    summary: "Configuration or secrets fetched with no local copy.",
    what: "A hard dependency on a `config` or `secrets` component without `cache: true`: the caller cannot start, or keeps failing, while the store is down.",
    why: "A configuration or secrets service looks like a control-plane detail, but when every service reads it at start or on each request, its outage becomes everyone's, and a restart during that outage cannot come back.",
    fix: "Cache configuration and secrets locally (on disk or in memory, with their last good value) and serve from the cache when the store is down; mark the edge `cache: true`.",
    example: r#"
components:
  app:
    kind: service
    replicas: 2
    depends_on: [vault]
  vault:
    kind: secrets
    replicas: 3
"#,
    fixed: r#"
components:
  app:
    kind: service
    replicas: 2
    depends_on:
      - {component: vault, cache: true, optional: true}
  vault:
    kind: secrets
    replicas: 3
"#,
    kind: RuleKind::Check(|cx, out| {
        for (c, component) in cx.model.components.iter().enumerate() {
            for dep in &component.depends_on {
                let target = &cx.model.components[dep.target];
                if !matches!(target.kind, Kind::Config | Kind::Secrets) || dep.local_cache {
                    continue;
                }
                out.push(check_finding(
                    cx,
                    &CONFIG_WITHOUT_LOCAL_CACHE,
                    vec![c, dep.target],
                    format!("`{}` reads {} from `{}` with no local copy", component.name, if target.kind == Kind::Secrets { "secrets" } else { "configuration" }, target.name),
                    format!("cache what `{}` reads from `{}` locally and serve the last good value when it is down (`cache: true`)", component.name, target.name),
                    Some(dep.span),
                ));
            }
        }
    }),
};
