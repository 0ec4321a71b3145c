//! DNS records that point at one address.

use super::{Rule, RuleKind, check_finding, join_and};
use spof_model::{ComponentId, Failover, Kind, Model};

/// Whether the address of `c` moves by itself: a floating address (`floating_address: true`)
/// over a standby that takes over automatically. One such address is not a single address.
fn moves_by_itself(model: &Model, c: ComponentId) -> bool {
    let component = &model.components[c];
    component.floating_address
        && component.instances.len() > 1
        && component
            .failover()
            .is_some_and(|(failover, _)| failover == Failover::Automatic)
}

pub static SINGLE_ADDRESS: Rule = Rule {
    code: "SPOF006",
    name: "single-dns-address",
    summary: "A DNS record that resolves to one address.",
    what: "A record of a dns component on a critical journey with a single address and no health-checked failover: whatever holds that address is a SPOF, however redundant the servers behind it. An address that moves by itself is not one: a record whose address is a component's floating address (`floating_address: true`) over two or more instances with `failover: automatic` does not fire.",
    why: "Clients go where DNS sends them. One address means one load balancer, one floating IP or one machine at the front, and changing the record during an outage waits for every resolver's cache to expire.",
    fix: "Publish two or more addresses (one per load balancer or zone), use an anycast or floating address that moves, or health-checked failover records with a short TTL.",
    example: r#"
components:
  dns:
    kind: dns
    dns:
      providers: [route53, cloudflare]
      records:
        shop.example.com: {addresses: [lb]}
    depends_on: [lb]
  lb:
    kind: load_balancer
    managed: true
"#,
    fixed: r#"
components:
  dns:
    kind: dns
    dns:
      providers: [route53, cloudflare]
      records:
        shop.example.com: {addresses: 2, health_check: true}
    depends_on: [lb]
  lb:
    kind: load_balancer
    managed: true
"#,
    kind: RuleKind::Check(|cx, out| {
        for (c, component) in cx.model.components.iter().enumerate() {
            if component.kind != Kind::Dns {
                continue;
            }
            let Some(dns) = &component.dns else { continue };
            for record in &dns.records {
                let floating = !record.targets.is_empty()
                    && record.targets.iter().all(|&t| moves_by_itself(cx.model, t));
                if record.address_count > 1 || record.health_check || floating {
                    continue;
                }
                let on = if record.targets.is_empty() {
                    String::new()
                } else {
                    let names: Vec<String> = record
                        .targets
                        .iter()
                        .map(|&t| format!("`{}`", cx.model.components[t].name))
                        .collect();
                    format!(
                        ", on {}",
                        join_and(&names.iter().map(String::as_str).collect::<Vec<_>>())
                    )
                };
                let mut components = vec![c];
                components.extend(record.targets.iter().copied());
                let mut finding = check_finding(
                    cx,
                    &SINGLE_ADDRESS,
                    components,
                    format!(
                        "record `{}` of `{}` resolves to one address{on}",
                        record.name, component.name
                    ),
                    format!(
                        "publish two or more addresses for `{}`, or a floating/anycast address with health-checked failover",
                        record.name
                    ),
                    Some(record.span),
                );
                if cx.analysis.components[c].on_critical_path {
                    finding.severity = super::Severity::High;
                }
                out.push(finding);
            }
        }
    }),
};
