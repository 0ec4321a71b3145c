//! The value tree to a validated [`Model`]. Reading goes on after a problem, so that one run
//! reports every problem in the file: each helper records a diagnostic and returns `None`, and
//! the caller carries on with what it has.

use crate::diagnostic::did_you_mean;
use crate::node::{Node, Value};
use crate::schema::{self, Object};
use crate::{
    Backoff, CertificateConfig, CommonCause, Component, ComponentId, Date, Decision,
    DecisionStatus, Dependency, DeployStrategy, Diagnostic, DnsConfig, DnsRecord, Domain,
    DomainKind, Duration, Failover, Instance, Journey, Kind, Model, MonitoringConfig, ParseLimits,
    Person, Redundancy, Renewal, Scope, Sp, Span, Step,
};
use crate::{Drill, DrillAction, DrillProbe, DrillTarget, Endpoint, ProbeCheck, SignalTarget};
use indexmap::IndexMap;

pub fn decode(root: &Node, limits: &ParseLimits, diags: &mut Vec<Diagnostic>) -> Option<Model> {
    let mut cx = Cx { diags };
    let top = cx.object(root, &schema::MODEL, "the model")?;
    let mut model = Model {
        name: top
            .get("name")
            .and_then(|n| cx.string(n, "`name`"))
            .map(|s| s.value),
        description: top
            .get("description")
            .and_then(|n| cx.string(n, "`description`"))
            .map(|s| s.value),
        ..Model::default()
    };
    if let Some(version) = top.get("version") {
        cx.uint(version, "`version`", 1, 1);
    }

    // Names first, so that references anywhere can be resolved in one pass.
    let domain_entries = top
        .get("domains")
        .map(|n| cx.named_entries(n, "`domains`"))
        .unwrap_or_default();
    let component_entries = match top.get("components") {
        Some(n) => cx.named_entries(n, "`components`"),
        None => Vec::new(),
    };
    let person_entries = top
        .get("people")
        .map(|n| cx.named_entries(n, "`people`"))
        .unwrap_or_default();
    let journey_entries = top
        .get("journeys")
        .map(|n| cx.named_entries(n, "`journeys`"))
        .unwrap_or_default();
    let names = Names {
        domains: index_names(&domain_entries),
        components: index_names(&component_entries),
        journeys: index_names(&journey_entries),
    };
    let components_is_map = top
        .get("components")
        .is_some_and(|n| matches!(n.value, Value::Map(_) | Value::Null));
    if component_entries.is_empty() && components_is_map {
        let span = top.get("components").map_or(root.span, |n| n.span);
        cx.push(
            Diagnostic::error("empty", span, "the model has no components")
                .with_help("add at least one component under `components:`"),
        );
    }

    model.domains = decode_domains(&mut cx, &domain_entries, &names);
    let mut instance_total: u64 = 0;
    for (name, node) in &component_entries {
        let component = decode_component(
            &mut cx,
            name,
            node,
            &names,
            &model.domains,
            &mut instance_total,
            limits,
        );
        model
            .components
            .push(component.unwrap_or_else(|| placeholder(name)));
    }
    if instance_total > limits.max_instances {
        cx.push(Diagnostic::error(
            "too-large",
            root.span,
            format!(
                "the model expands to {instance_total} instances, more than the limit of {}",
                limits.max_instances
            ),
        ));
    }
    check_scopes(&mut cx, &model);
    model.people = person_entries
        .iter()
        .map(|(name, node)| decode_person(&mut cx, name, node, &names))
        .collect();
    for (name, node) in &journey_entries {
        if let Some(journey) = decode_journey(&mut cx, name, node, &names) {
            model.journeys.push(journey);
        }
    }
    if let Some(groups) = top.get("common_causes") {
        decode_common_causes(&mut cx, groups, &mut model);
    }
    if let Some(drills) = top.get("drills") {
        let mut seen: IndexMap<String, Span> = IndexMap::new();
        for (name, node) in cx.named_entries(drills, "`drills`") {
            if let Some(first) = seen.insert(name.value.clone(), name.span) {
                cx.push(
                    Diagnostic::error(
                        "duplicate-name",
                        name.span,
                        format!("two drills are named `{}`", name.value),
                    )
                    .with_related(first, "first named here"),
                );
                continue;
            }
            if let Some(drill) = decode_drill(&mut cx, &name, node, &names, &model) {
                model.drills.push(drill);
            }
        }
    }
    if let Some(decisions) = top.get("decisions") {
        for node in cx.list(decisions, "`decisions`") {
            if let Some(decision) = decode_decision(&mut cx, node, &names) {
                model.decisions.push(decision);
            }
        }
    }
    Some(model)
}

/// A stand-in for a component that could not be read, so that later references to it do not
/// cascade into more errors. The model is never returned when there was an error.
fn placeholder(name: &Sp<String>) -> Component {
    Component {
        name: name.value.clone(),
        kind: Kind::Service,
        description: None,
        instances: vec![Instance {
            name: "1".into(),
            domains: Vec::new(),
            span: name.span,
        }],
        min_healthy: 1,
        redundancy: Redundancy::ActiveActive { health_check: true },
        primary: 0,
        restore_time: None,
        managed: false,
        depends_on: Vec::new(),
        deploy: None,
        backups: false,
        floating_address: false,
        dns: None,
        certificate: None,
        monitoring: None,
        owner: None,
        source: None,
        failures_per_year: None,
        cost_per_month: None,
        capacity: None,
        span: name.span,
        placement_span: None,
        endpoints: Vec::new(),
    }
}

struct Names {
    domains: IndexMap<String, usize>,
    components: IndexMap<String, usize>,
    journeys: IndexMap<String, usize>,
}

fn index_names(entries: &[(Sp<String>, &Node)]) -> IndexMap<String, usize> {
    entries
        .iter()
        .enumerate()
        .map(|(i, (name, _))| (name.value.clone(), i))
        .collect()
}

/// How many domains may enclose one domain. Real hierarchies are a handful deep (host, rack,
/// zone, region, provider and a few kinds of one's own); the bound keeps every walk up the
/// hierarchy short.
const MAX_DOMAIN_DEPTH: usize = 64;

fn decode_domains(cx: &mut Cx, entries: &[(Sp<String>, &Node)], names: &Names) -> Vec<Domain> {
    let mut domains: Vec<Domain> = Vec::new();
    let mut parent_spans = Vec::new();
    for (name, node) in entries {
        let fields = cx.object(node, &schema::DOMAIN, &format!("domain `{}`", name.value));
        let mut domain = Domain {
            name: name.value.clone(),
            kind: DomainKind::Custom("domain".into()),
            parent: None,
            restore_time: None,
            failures_per_year: None,
            common_cause: None,
            span: name.span,
        };
        let mut parent_span = None;
        if let Some(fields) = fields {
            if let Some(kind) = fields
                .get("kind")
                .and_then(|n| cx.string(n, "a domain's `kind`"))
            {
                if kind.value.trim().is_empty() {
                    cx.push(
                        Diagnostic::error(
                            "invalid-value",
                            kind.span,
                            "a domain's kind cannot be empty",
                        )
                        .with_help("use host, rack, zone, region, provider, or a name of your own"),
                    );
                } else {
                    domain.kind = DomainKind::parse(&kind.value);
                    if let DomainKind::Custom(custom) = &domain.kind
                        && let Some(near) =
                            crate::suggest(custom, schema::DOMAIN_KINDS.iter().copied())
                    {
                        cx.push(Diagnostic::warning("unknown-domain-kind", kind.span, format!("`{custom}` is not one of the hierarchy kinds; it is taken as a domain kind of your own")).with_help(format!("did you mean `{near}`?")));
                    }
                }
            }
            if let Some(parent) = fields.get("in") {
                domain.parent = cx.reference(parent, &names.domains, "domain");
                parent_span = Some(parent.span);
            }
            domain.restore_time = fields
                .get("restore_time")
                .and_then(|n| cx.duration(n, "`restore_time`"));
            domain.failures_per_year = fields
                .get("failures_per_year")
                .and_then(|n| cx.number(n, "`failures_per_year`", 0.0, 1e6));
        }
        domains.push(domain);
        parent_spans.push(parent_span);
    }
    // The hierarchy must nest outward and must not loop.
    for id in 0..domains.len() {
        let Some(parent) = domains[id].parent else {
            continue;
        };
        let span = parent_spans[id].unwrap_or(domains[id].span);
        if parent == id {
            cx.push(Diagnostic::error(
                "domain-cycle",
                span,
                format!("domain `{}` is placed in itself", domains[id].name),
            ));
            domains[id].parent = None;
            continue;
        }
        if let (Some(child_rank), Some(parent_rank)) =
            (domains[id].kind.rank(), domains[parent].kind.rank())
            && parent_rank <= child_rank
        {
            cx.push(
                Diagnostic::error(
                    "domain-hierarchy",
                    span,
                    format!(
                        "{} `{}` cannot be in {} `{}`",
                        domains[id].kind.as_str(),
                        domains[id].name,
                        domains[parent].kind.as_str(),
                        domains[parent].name
                    ),
                )
                .with_help("domains nest host < rack < zone < region < provider"),
            );
            domains[id].parent = None;
        }
    }
    // Loops and depth, in time linear in the number of domains: each domain's depth is
    // found once, from the nearest domain whose depth is known.
    const UNKNOWN: usize = usize::MAX;
    let mut depth = vec![UNKNOWN; domains.len()];
    let mut on_path = vec![false; domains.len()];
    let mut path = Vec::new();
    for id in 0..domains.len() {
        'walk: loop {
            path.clear();
            let mut at = Some(id);
            while let Some(x) = at.filter(|&x| depth[x] == UNKNOWN) {
                if on_path[x] {
                    // `x` is reached twice: it is on the loop. Cut it there and walk again.
                    let span = parent_spans[x].unwrap_or(domains[x].span);
                    cx.push(Diagnostic::error(
                        "domain-cycle",
                        span,
                        format!("domain `{}` is inside itself through `in`", domains[x].name),
                    ));
                    domains[x].parent = None;
                    for &p in &path {
                        on_path[p] = false;
                    }
                    continue 'walk;
                }
                on_path[x] = true;
                path.push(x);
                at = domains[x].parent;
            }
            let mut next = at.map_or(0, |x| depth[x] + 1);
            while let Some(x) = path.pop() {
                on_path[x] = false;
                depth[x] = next;
                if next == MAX_DOMAIN_DEPTH {
                    let span = parent_spans[x].unwrap_or(domains[x].span);
                    cx.push(
                        Diagnostic::error(
                            "domain-depth",
                            span,
                            format!(
                                "domain `{}` is inside {next} other domains; domains nest at most {MAX_DOMAIN_DEPTH} deep",
                                domains[x].name
                            ),
                        )
                        .with_help("a hierarchy this deep is most likely a mistake in `in`: a host sits in a rack, a zone or a region, not in a chain of others"),
                    );
                }
                next += 1;
            }
            break;
        }
    }
    domains
}

#[allow(clippy::too_many_arguments)]
fn decode_component(
    cx: &mut Cx,
    name: &Sp<String>,
    node: &Node,
    names: &Names,
    domains: &[Domain],
    instance_total: &mut u64,
    limits: &ParseLimits,
) -> Option<Component> {
    let what = format!("component `{}`", name.value);
    let fields = cx.object(node, &schema::COMPONENT, &what)?;
    let kind = match fields.get("kind") {
        Some(n) => cx
            .choice(n, "a component's `kind`", Kind::NAMES)
            .map(|i| Kind::ALL[i]),
        None => None,
    };
    let mut component = placeholder(name);
    component.kind = kind.unwrap_or(Kind::Service);
    component.description = fields
        .get("description")
        .and_then(|n| cx.string(n, "`description`"))
        .map(|s| s.value);
    component.owner = fields
        .get("owner")
        .and_then(|n| cx.string(n, "`owner`"))
        .map(|s| s.value);
    component.source = fields
        .get("source")
        .and_then(|n| cx.string(n, "`source`"))
        .map(|s| s.value);
    component.endpoints = fields
        .get("endpoints")
        .map(|n| decode_endpoints(cx, n, false))
        .unwrap_or_default();
    component.managed = fields
        .get("managed")
        .and_then(|n| cx.boolean(n, "`managed`"))
        .unwrap_or(false);
    component.backups = fields
        .get("backups")
        .and_then(|n| cx.boolean(n, "`backups`"))
        .unwrap_or(false);
    component.floating_address = fields
        .get("floating_address")
        .and_then(|n| cx.boolean(n, "`floating_address`"))
        .unwrap_or(false);
    component.restore_time = fields
        .get("restore_time")
        .and_then(|n| cx.duration(n, "`restore_time`"));
    component.failures_per_year = fields
        .get("failures_per_year")
        .and_then(|n| cx.number(n, "`failures_per_year`", 0.0, 1e6));
    component.cost_per_month = fields
        .get("cost_per_month")
        .and_then(|n| cx.number(n, "`cost_per_month`", 0.0, 1e12));
    component.capacity = fields
        .get("capacity")
        .and_then(|n| cx.number(n, "`capacity`", 0.0, 1e15));
    component.deploy = fields
        .get("deploy")
        .and_then(|n| cx.choice(n, "`deploy`", schema::DEPLOYS))
        .map(|i| {
            [
                DeployStrategy::AllAtOnce,
                DeployStrategy::Rolling,
                DeployStrategy::BlueGreen,
                DeployStrategy::Canary,
            ][i]
        });

    // Kind-specific blocks.
    let kind_block = |cx: &mut Cx, key: &str, wanted: Kind| -> Option<Span> {
        let node = fields.get(key)?;
        if kind.is_some_and(|k| k != wanted) {
            cx.push(
                Diagnostic::error(
                    "wrong-kind",
                    fields.key_span(key),
                    format!("`{key}` applies to components of kind {}", wanted.as_str()),
                )
                .with_help(format!("remove `{key}` or set `kind: {}`", wanted.as_str())),
            );
            return None;
        }
        Some(node.span)
    };
    if kind_block(cx, "dns", Kind::Dns).is_some() {
        component.dns = decode_dns(cx, fields.get("dns")?, names);
    }
    if kind_block(cx, "certificate", Kind::Certificate).is_some() {
        component.certificate = decode_certificate(cx, fields.get("certificate")?, names);
    }
    if kind_block(cx, "monitoring", Kind::Monitoring).is_some()
        && let Some(block) = cx.object(
            fields.get("monitoring")?,
            &schema::MONITORING,
            "`monitoring`",
        )
    {
        let watches = block
            .get("watches")
            .map(|n| cx.references(n, &names.components, "component"))
            .unwrap_or_default();
        component.monitoring = Some(MonitoringConfig { watches });
    }

    // Instances and their placement.
    let common: Vec<usize> = fields
        .get("in")
        .map(|n| cx.references(n, &names.domains, "domain"))
        .unwrap_or_default();
    let spread: Vec<usize> = fields
        .get("spread")
        .map(|n| cx.references(n, &names.domains, "domain"))
        .unwrap_or_default();
    component.placement_span = fields.get("spread").or(fields.get("in")).map(|n| n.span);
    let replicas = fields
        .get("replicas")
        .and_then(|n| cx.uint(n, "`replicas`", 1, schema::MAX_REPLICAS));
    let mut explicit: Vec<(Sp<String>, Vec<usize>, bool)> = Vec::new();
    if let Some(list) = fields.get("instances") {
        for item in cx.list(list, "`instances`") {
            if let Value::Str(_) = item.value {
                if let Some(n) = cx.string(item, "an instance name") {
                    explicit.push((n, Vec::new(), false));
                }
                continue;
            }
            let Some(obj) = cx.object(item, &schema::INSTANCE, "an instance") else {
                continue;
            };
            let Some(instance_name) = obj
                .get("name")
                .and_then(|n| cx.string(n, "an instance's `name`"))
            else {
                continue;
            };
            let placed = obj
                .get("in")
                .map(|n| cx.references(n, &names.domains, "domain"))
                .unwrap_or_default();
            let primary = obj
                .get("role")
                .and_then(|n| cx.choice(n, "`role`", schema::ROLES))
                == Some(0);
            explicit.push((instance_name, placed, primary));
        }
        if explicit.is_empty() {
            cx.push(
                Diagnostic::error(
                    "invalid-value",
                    list.span,
                    format!("{what} lists no instances"),
                )
                .with_help("name at least one instance, or use `replicas`"),
            );
        }
        if let Some(r) = replicas
            && r as usize != explicit.len()
        {
            cx.push(
                Diagnostic::error(
                    "conflict",
                    fields.key_span("replicas"),
                    format!(
                        "{what} has `replicas: {r}` but {} instances listed",
                        explicit.len()
                    ),
                )
                .with_help("give one of `replicas` and `instances`, or make them agree"),
            );
        }
        let mut seen: IndexMap<&str, Span> = IndexMap::new();
        for (n, _, _) in &explicit {
            if let Some(first) = seen.insert(&n.value, n.span) {
                cx.push(
                    Diagnostic::error(
                        "duplicate-name",
                        n.span,
                        format!("instance `{}` is listed twice", n.value),
                    )
                    .with_related(first, "first listed here"),
                );
            }
        }
    }
    let providers: Vec<String> = component
        .dns
        .as_ref()
        .map(|d| d.providers.clone())
        .unwrap_or_default();
    if let Some(r) = replicas
        && !providers.is_empty()
        && r != providers.len() as u64
    {
        cx.push(
            Diagnostic::error(
                "conflict",
                fields.key_span("replicas"),
                format!(
                    "`replicas: {r}` conflicts with the {} DNS provider(s) listed: each provider is an instance",
                    providers.len()
                ),
            )
            .with_help("remove `replicas` and list every provider under `dns.providers`"),
        );
    }
    let count = if !explicit.is_empty() {
        explicit.len() as u64
    } else if let Some(r) = replicas {
        r
    } else if !providers.is_empty() {
        providers.len() as u64
    } else if !spread.is_empty() {
        spread.len() as u64
    } else {
        1
    };
    *instance_total = instance_total.saturating_add(count);
    if *instance_total > limits.max_instances {
        return None;
    }
    let mut primary = 0;
    component.instances.clear();
    for i in 0..count as usize {
        let (instance_name, span, mut placed, is_primary) = match explicit.get(i) {
            Some((n, placed, p)) => (n.value.clone(), n.span, placed.clone(), *p),
            None if explicit.is_empty() && i < providers.len() && replicas.is_none() => {
                (providers[i].clone(), name.span, Vec::new(), false)
            }
            None => ((i + 1).to_string(), name.span, Vec::new(), false),
        };
        if is_primary {
            primary = i;
        }
        placed.extend(common.iter().copied());
        if !spread.is_empty() {
            placed.push(spread[i % spread.len()]);
        }
        let placed = consistent_placement(cx, &what, &instance_name, span, placed, domains);
        component.instances.push(Instance {
            name: instance_name,
            domains: placed,
            span,
        });
    }
    if explicit.iter().filter(|(_, _, p)| *p).count() > 1 {
        cx.push(Diagnostic::error(
            "conflict",
            fields.key_span("instances"),
            format!("{what} has more than one primary instance"),
        ));
    }
    component.primary = primary;

    // Redundancy.
    let n = component.instances.len();
    if let Some(k) = fields
        .get("min_healthy")
        .and_then(|node| cx.uint(node, "`min_healthy`", 1, schema::MAX_REPLICAS))
    {
        if k as usize > n {
            cx.push(
                Diagnostic::error(
                    "invalid-value",
                    fields.get("min_healthy")?.span,
                    format!("{what} needs {k} healthy instances but has only {n}"),
                )
                .with_help(format!(
                    "lower `min_healthy` to at most {n} or add instances"
                )),
            );
        } else {
            component.min_healthy = k as usize;
        }
    }
    let mode = fields
        .get("mode")
        .and_then(|node| cx.choice(node, "`mode`", schema::MODES));
    let failover = fields
        .get("failover")
        .and_then(|node| cx.choice(node, "`failover`", schema::FAILOVERS))
        .map(|i| [Failover::Manual, Failover::Automatic][i]);
    let failover_time = fields
        .get("failover_time")
        .and_then(|node| cx.duration(node, "`failover_time`"));
    let health_check = fields
        .get("health_check")
        .and_then(|node| cx.boolean(node, "`health_check`"));
    let active_passive = mode == Some(1) || (mode.is_none() && failover.is_some());
    if active_passive {
        if health_check.is_some() {
            cx.push(Diagnostic::warning(
                "ignored",
                fields.key_span("health_check"),
                format!(
                    "`health_check` applies to active-active components; {what} is active-passive"
                ),
            ));
        }
        let failover = failover.unwrap_or(Failover::Manual);
        let default_time = match failover {
            Failover::Automatic => Duration(60),
            Failover::Manual => Duration(1800),
        };
        component.redundancy = Redundancy::ActivePassive {
            failover,
            failover_time: failover_time.unwrap_or(default_time),
        };
        if n == 1 {
            cx.push(Diagnostic::warning("no-standby", fields.key_span("mode").min_nonzero(fields.key_span("failover")), format!("{what} is active-passive with one instance: there is no standby to fail over to")).with_help("add a standby with `replicas: 2` or name it under `instances`"));
        }
    } else {
        for key in ["failover", "failover_time"] {
            if fields.get(key).is_some() {
                cx.push(
                    Diagnostic::error(
                        "conflict",
                        fields.key_span(key),
                        format!(
                            "`{key}` applies to active-passive components; {what} is active-active"
                        ),
                    )
                    .with_help("set `mode: active-passive` or remove the key"),
                );
            }
        }
        component.redundancy = Redundancy::ActiveActive {
            health_check: health_check.unwrap_or(true),
        };
    }

    // Dependencies.
    if let Some(list) = fields.get("depends_on") {
        let mut seen: IndexMap<usize, Span> = IndexMap::new();
        for item in cx.list(list, "`depends_on`") {
            let Some(dep) = decode_dependency(cx, item, names) else {
                continue;
            };
            if names.components.get(&name.value) == Some(&dep.target) {
                cx.push(
                    Diagnostic::error(
                        "self-dependency",
                        dep.span,
                        format!("{what} depends on itself"),
                    )
                    .with_help("remove it from its own `depends_on`"),
                );
                continue;
            }
            if let Some(first) = seen.insert(dep.target, dep.span) {
                cx.push(
                    Diagnostic::error(
                        "duplicate-name",
                        dep.span,
                        format!("{what} lists the same dependency twice"),
                    )
                    .with_related(first, "first listed here"),
                );
                continue;
            }
            component.depends_on.push(dep);
        }
    }
    kind?;
    Some(component)
}

trait SpanExt {
    fn min_nonzero(self, other: Span) -> Span;
}

impl SpanExt for Span {
    fn min_nonzero(self, other: Span) -> Span {
        if self.line == 0 { other } else { self }
    }
}

/// Instances may be in at most one domain of each kind, counting the domains that contain the
/// ones named: a host in zone a and zone b at once is a contradiction.
fn consistent_placement(
    cx: &mut Cx,
    what: &str,
    instance: &str,
    span: Span,
    mut placed: Vec<usize>,
    domains: &[Domain],
) -> Vec<usize> {
    placed.sort_unstable();
    placed.dedup();
    let mut by_kind: IndexMap<&DomainKind, usize> = IndexMap::new();
    for &d in &placed {
        let mut current = Some(d);
        while let Some(c) = current {
            if let Some(&other) = by_kind.get(&domains[c].kind)
                && other != c
            {
                cx.push(
                    Diagnostic::error(
                        "placement",
                        span,
                        format!(
                            "instance `{instance}` of {what} is placed in {} `{}` and {} `{}` at once",
                            domains[c].kind.as_str(),
                            domains[other].name,
                            domains[c].kind.as_str(),
                            domains[c].name
                        ),
                    )
                    .with_help("an instance runs in one domain of each kind; use `spread` to place replicas in turn"),
                );
                return Vec::new();
            }
            by_kind.insert(&domains[c].kind, c);
            current = domains[c].parent;
        }
    }
    // Keep only the innermost: a domain that contains another one named is implied.
    let contains = |outer: usize, inner: usize| {
        let mut current = domains[inner].parent;
        while let Some(c) = current {
            if c == outer {
                return true;
            }
            current = domains[c].parent;
        }
        false
    };
    let innermost: Vec<usize> = placed
        .iter()
        .copied()
        .filter(|&d| !placed.iter().any(|&o| o != d && contains(d, o)))
        .collect();
    innermost
}

fn decode_dependency(cx: &mut Cx, item: &Node, names: &Names) -> Option<Dependency> {
    let mut dep = Dependency {
        target: 0,
        optional: false,
        scope: None,
        timeout: None,
        retries: None,
        circuit_breaker: false,
        fallback: None,
        local_cache: false,
        startup: false,
        journeys: None,
        inferred: None,
        span: item.span,
    };
    if let Value::Str(_) = item.value {
        dep.target = cx.reference(item, &names.components, "component")?;
        return Some(dep);
    }
    let fields = cx.object(item, &schema::DEPENDENCY, "a dependency")?;
    let target = fields.get("component")?;
    dep.span = target.span;
    dep.target = cx.reference(target, &names.components, "component")?;
    dep.optional = fields
        .get("optional")
        .and_then(|n| cx.boolean(n, "`optional`"))
        .unwrap_or(false);
    dep.scope = fields
        .get("per")
        .and_then(|n| cx.choice(n, "`per`", schema::SCOPES))
        .map(|i| [Scope::Host, Scope::Rack, Scope::Zone, Scope::Region][i]);
    dep.timeout = fields
        .get("timeout")
        .and_then(|n| cx.duration(n, "`timeout`"));
    dep.circuit_breaker = fields
        .get("circuit_breaker")
        .and_then(|n| cx.boolean(n, "`circuit_breaker`"))
        .unwrap_or(false);
    dep.fallback = fields
        .get("fallback")
        .and_then(|n| cx.string(n, "`fallback`"))
        .map(|s| s.value);
    dep.local_cache = fields
        .get("cache")
        .and_then(|n| cx.boolean(n, "`cache`"))
        .unwrap_or(false);
    if let Some(node) = fields.get("startup") {
        dep.startup = cx.boolean(node, "`startup`").unwrap_or(false);
        let other = [
            ("optional", dep.optional),
            ("cache", dep.local_cache),
            ("per", dep.scope.is_some()),
        ]
        .into_iter()
        .find(|&(_, set)| set && dep.startup);
        if let Some((key, _)) = other {
            cx.push(
                Diagnostic::error(
                    "conflict",
                    node.span,
                    format!("a start-up dependency cannot also be `{key}`"),
                )
                .with_help("`startup: true` already means running instances go on without it; drop one of the two"),
            );
        }
    }
    if let Some(journeys) = fields.get("journeys") {
        if names.journeys.is_empty() {
            cx.push(
                Diagnostic::error(
                    "unknown-name",
                    journeys.span,
                    "the dependency names journeys, but the model declares none",
                )
                .with_help("declare the journeys under `journeys:`, or remove `journeys` here"),
            );
        } else {
            let mut list = cx.references(journeys, &names.journeys, "journey");
            list.sort_unstable();
            list.dedup();
            dep.journeys = Some(list);
        }
    }
    dep.inferred = fields
        .get("inferred")
        .and_then(|n| cx.string(n, "`inferred`"))
        .map(|s| s.value);
    if let Some(retries) = fields.get("retries") {
        dep.retries = match retries.value {
            Value::Map(_) => {
                let r = cx.object(retries, &schema::RETRIES, "`retries`")?;
                let count = r.get("count").and_then(|n| cx.uint(n, "`count`", 0, 100))? as u32;
                let backoff = r
                    .get("backoff")
                    .and_then(|n| cx.choice(n, "`backoff`", schema::BACKOFFS))
                    .map_or(Backoff::None, |i| {
                        [Backoff::None, Backoff::Fixed, Backoff::Exponential][i]
                    });
                Some((count, backoff))
            }
            _ => cx
                .uint(retries, "`retries`", 0, 100)
                .map(|c| (c as u32, Backoff::None)),
        };
    }
    Some(dep)
}

fn decode_dns(cx: &mut Cx, node: &Node, names: &Names) -> Option<DnsConfig> {
    let fields = cx.object(node, &schema::DNS, "`dns`")?;
    let providers = fields
        .get("providers")
        .map(|n| {
            cx.list(n, "`providers`")
                .into_iter()
                .filter_map(|p| cx.string(p, "a provider"))
                .map(|s| s.value)
                .collect()
        })
        .unwrap_or_default();
    let mut records = Vec::new();
    if let Some(map) = fields.get("records") {
        for (record_name, record_node) in cx.named_entries(map, "`records`") {
            let Some(record) = cx.object(
                record_node,
                &schema::DNS_RECORD,
                &format!("record `{}`", record_name.value),
            ) else {
                continue;
            };
            let mut parsed = DnsRecord {
                name: record_name.value.clone(),
                address_count: 1,
                targets: Vec::new(),
                health_check: record
                    .get("health_check")
                    .and_then(|n| cx.boolean(n, "`health_check`"))
                    .unwrap_or(false),
                endpoints: record
                    .get("endpoints")
                    .map(|n| decode_endpoints(cx, n, true))
                    .unwrap_or_default(),
                span: record_name.span,
            };
            if let Some(ttl) = record.get("ttl") {
                cx.duration(ttl, "`ttl`");
            }
            if let Some(addresses) = record.get("addresses") {
                match addresses.value {
                    Value::Seq(_) => {
                        parsed.targets = cx.references(addresses, &names.components, "component");
                        parsed.address_count = parsed.targets.len().max(1);
                    }
                    _ => {
                        parsed.address_count =
                            cx.uint(addresses, "`addresses`", 1, 1000).unwrap_or(1) as usize
                    }
                }
            }
            records.push(parsed);
        }
    }
    Some(DnsConfig { providers, records })
}

/// A list of endpoints; `bare_names` admits DNS names without a port (a record's).
fn decode_endpoints(cx: &mut Cx, node: &Node, bare_names: bool) -> Vec<Sp<Endpoint>> {
    let mut out: Vec<Sp<Endpoint>> = Vec::new();
    for item in cx.list(node, "`endpoints`") {
        let Some(text) = cx.string(item, "an endpoint") else {
            continue;
        };
        match Endpoint::parse(&text.value, bare_names) {
            Ok(endpoint) => {
                if let Some(first) = out.iter().find(|e| e.value == endpoint) {
                    cx.push(
                        Diagnostic::warning(
                            "duplicate-name",
                            text.span,
                            format!("endpoint `{}` is listed twice", text.value),
                        )
                        .with_related(first.span, "first listed here"),
                    );
                    continue;
                }
                out.push(Sp::new(endpoint, text.span));
            }
            Err(why) => cx.push(
                Diagnostic::error(
                    "invalid-endpoint",
                    text.span,
                    format!("endpoint `{}` is not usable: {why}", text.value),
                )
                .with_label("not an endpoint")
                .with_help(if bare_names {
                    "write a name (www.example.com), a URL (https://www.example.com/health) or host:port"
                } else {
                    "write a URL (https://shop.example.com/health, http://10.0.0.5:8080/) or host:port (mail.example.com:465)"
                }),
            ),
        }
    }
    out
}

fn decode_drill(
    cx: &mut Cx,
    name: &Sp<String>,
    node: &Node,
    names: &Names,
    model: &Model,
) -> Option<Drill> {
    let what = format!("drill `{}`", name.value);
    let fields = cx.object(node, &schema::DRILL, &what)?;
    let target = fields
        .get("target")
        .and_then(|n| drill_target(cx, n, model));
    let fail = fields
        .get("fail")
        .and_then(|n| drill_action(cx, n, &format!("`fail` of {what}")));
    let restore = fields
        .get("restore")
        .and_then(|n| drill_action(cx, n, &format!("`restore` of {what}")));
    let journey = fields
        .get("journey")
        .and_then(|n| cx.reference(n, &names.journeys, "journey"));
    let millis = |cx: &mut Cx, key: &str, default: u64, min: u64| -> Option<u64> {
        match fields.get(key) {
            Some(n) => cx.millis(n, &format!("`{key}` of {what}"), min),
            None => Some(default),
        }
    };
    let hold_ms = millis(cx, "hold", 30_000, 0);
    let max_duration_ms = millis(cx, "max_duration", 300_000, 1);
    let abort_after_down_ms = match fields.get("abort_after_down") {
        Some(n) => Some(cx.millis(n, &format!("`abort_after_down` of {what}"), 1)?),
        None => None,
    };
    let probe = fields.get("probe").and_then(|n| {
        let probe_what = format!("`probe` of {what}");
        let probe = cx.object(n, &schema::DRILL_PROBE, &probe_what)?;
        let check = probe_check(cx, n, &probe, &probe_what)?;
        let every_ms = match probe.get("every") {
            Some(n) => cx.millis(n, &format!("`every` of {probe_what}"), 10)?,
            None => 100,
        };
        let timeout_ms = match probe.get("timeout") {
            Some(n) => cx.millis(n, &format!("`timeout` of {probe_what}"), 1)?,
            None => 1000,
        };
        Some(DrillProbe {
            check,
            every_ms,
            timeout_ms,
        })
    });
    let (Some(hold_ms), Some(max_duration_ms)) = (hold_ms, max_duration_ms) else {
        return None;
    };
    if hold_ms >= max_duration_ms {
        cx.push(
            Diagnostic::error(
                "conflict",
                fields.key_span("hold").min_nonzero(node.span),
                format!(
                    "{what} holds the target failed for {} but may last only {}",
                    crate::format_millis(hold_ms),
                    crate::format_millis(max_duration_ms)
                ),
            )
            .with_help("make `max_duration` longer than `hold`: the drill also waits for the journey before and after"),
        );
        return None;
    }
    Some(Drill {
        name: name.value.clone(),
        target: target?,
        fail: fail?,
        restore: restore?,
        probe: probe?,
        journey,
        hold_ms,
        max_duration_ms,
        abort_after_down_ms,
        span: name.span,
    })
}

/// A drill's `fail` or `restore`: a shell command (a string or `{command: ...}`), a signal
/// (`{signal: STOP, pid: 4242}`, `pid_file: ...` or `process: ...`) or a container
/// (`{container: web-1}`, with an optional `signal`).
fn drill_action(cx: &mut Cx, node: &Node, what: &str) -> Option<Sp<DrillAction>> {
    const HELP: &str = "write a shell command, `{signal: STOP, pid_file: /run/app.pid}` (or `pid:`, `process:`) or `{container: NAME}`";
    if let Value::Str(_) = node.value {
        let text = nonempty(cx, node, what)?;
        return Some(Sp::new(DrillAction::Command(text.value), node.span));
    }
    let fields = cx.object(node, &schema::DRILL_ACTION, what)?;
    let given: Vec<&str> = ["command", "container", "pid", "pid_file", "process"]
        .into_iter()
        .filter(|k| fields.get(k).is_some())
        .collect();
    let signal = match fields.get("signal") {
        Some(n) => Some(signal_name(cx, n, &format!("`signal` of {what}"))?),
        None => None,
    };
    match given.as_slice() {
        ["command"] => {
            if let Some(n) = fields.get("signal") {
                cx.push(
                    Diagnostic::error(
                        "conflict",
                        n.span,
                        format!("{} runs a command: it sends no signal", capitalise(what)),
                    )
                    .with_help(HELP),
                );
                return None;
            }
            let text = nonempty(cx, fields.get("command")?, &format!("`command` of {what}"))?;
            Some(Sp::new(DrillAction::Command(text.value), node.span))
        }
        ["container"] => {
            let name = nonempty(
                cx,
                fields.get("container")?,
                &format!("`container` of {what}"),
            )?;
            Some(Sp::new(
                DrillAction::Container {
                    name: name.value,
                    signal,
                },
                node.span,
            ))
        }
        [process @ ("pid" | "pid_file" | "process")] => {
            let Some(signal) = signal else {
                cx.push(
                    Diagnostic::error(
                        "missing-key",
                        node.span,
                        format!(
                            "{} names a process but no `signal` to send it",
                            capitalise(what)
                        ),
                    )
                    .with_help(format!(
                        "add `signal:`, one of {}",
                        crate::SIGNALS.join(", ")
                    )),
                );
                return None;
            };
            let key_what = format!("`{process}` of {what}");
            let target_node = fields.get(process)?;
            let process = match *process {
                "pid" => {
                    SignalTarget::Pid(
                        cx.uint(target_node, &key_what, 1, u64::from(u32::MAX))? as u32
                    )
                }
                "pid_file" => SignalTarget::PidFile(nonempty(cx, target_node, &key_what)?.value),
                _ => SignalTarget::Process(nonempty(cx, target_node, &key_what)?.value),
            };
            Some(Sp::new(DrillAction::Signal { signal, process }, node.span))
        }
        [] => {
            cx.push(
                Diagnostic::error(
                    "missing-key",
                    node.span,
                    format!(
                        "{} says neither what to run nor what to signal",
                        capitalise(what)
                    ),
                )
                .with_help(HELP),
            );
            None
        }
        many => {
            let second = fields.key_span(many[1]);
            cx.push(
                Diagnostic::error(
                    "conflict",
                    second,
                    format!(
                        "{} has both `{}` and `{}`; give one",
                        capitalise(what),
                        many[0],
                        many[1]
                    ),
                )
                .with_label("a second form")
                .with_help(HELP),
            );
            None
        }
    }
}

/// A signal's name: `STOP`, `SIGSTOP` or `stop`, kept as `STOP`.
fn signal_name(cx: &mut Cx, node: &Node, what: &str) -> Option<String> {
    let text = cx.string(node, what)?;
    let upper = text.value.trim().to_ascii_uppercase();
    let name = upper.strip_prefix("SIG").unwrap_or(&upper);
    if let Some(known) = crate::SIGNALS.iter().find(|s| **s == name) {
        return Some((*known).to_string());
    }
    let help = match crate::suggest(name, crate::SIGNALS.iter().copied()) {
        Some(near) => format!(
            "did you mean `{near}`? Expected one of: {}",
            crate::SIGNALS.join(", ")
        ),
        None => format!("expected one of: {}", crate::SIGNALS.join(", ")),
    };
    cx.push(
        Diagnostic::error(
            "unknown-value",
            node.span,
            format!("{what} `{}` is not a signal a drill sends", text.value),
        )
        .with_label("unknown signal")
        .with_help(help),
    );
    None
}

/// A string that is not blank.
fn nonempty(cx: &mut Cx, node: &Node, what: &str) -> Option<Sp<String>> {
    let text = cx.string(node, what)?;
    if text.value.trim().is_empty() {
        cx.push(
            Diagnostic::error("invalid-value", text.span, format!("{what} is empty"))
                .with_help("give the shell command to run, or the name to use"),
        );
        return None;
    }
    Some(text)
}

/// What a drill's probe checks: exactly one of `url`, `tcp` and `command`.
fn probe_check(cx: &mut Cx, node: &Node, probe: &Fields, what: &str) -> Option<Sp<ProbeCheck>> {
    const HELP: &str = "give one of `url: http://...`, `tcp: host:port` or `command: \"...\"` (exit 0 is a good probe)";
    let given: Vec<&str> = ["url", "tcp", "command"]
        .into_iter()
        .filter(|k| probe.get(k).is_some())
        .collect();
    match given.as_slice() {
        ["url"] => {
            let text = cx.string(probe.get("url")?, &format!("`url` of {what}"))?;
            let help = "write an http:// or https:// URL the journey answers";
            match Endpoint::parse(&text.value, false) {
                Ok(e) if matches!(e.scheme, crate::Scheme::Http | crate::Scheme::Https) => {
                    Some(Sp::new(ProbeCheck::Url(e), text.span))
                }
                Ok(_) => {
                    cx.push(
                        Diagnostic::error(
                            "invalid-endpoint",
                            text.span,
                            format!("the `url` of {what} is not a URL"),
                        )
                        .with_help(format!(
                            "{help}; for a TCP connection write `tcp: host:port`"
                        )),
                    );
                    None
                }
                Err(why) => {
                    cx.push(
                        Diagnostic::error(
                            "invalid-endpoint",
                            text.span,
                            format!("probe URL `{}` is not usable: {why}", text.value),
                        )
                        .with_help(help),
                    );
                    None
                }
            }
        }
        ["tcp"] => {
            let text = cx.string(probe.get("tcp")?, &format!("`tcp` of {what}"))?;
            match Endpoint::parse(&text.value, false) {
                Ok(e) if e.scheme == crate::Scheme::Tls => {
                    Some(Sp::new(ProbeCheck::Tcp(e), text.span))
                }
                Ok(_) => {
                    cx.push(
                        Diagnostic::error(
                            "invalid-endpoint",
                            text.span,
                            format!("the `tcp` of {what} is a URL, not `host:port`"),
                        )
                        .with_help("write `tcp: 127.0.0.1:6379`, or `url:` for an HTTP request"),
                    );
                    None
                }
                Err(why) => {
                    cx.push(
                        Diagnostic::error(
                            "invalid-endpoint",
                            text.span,
                            format!("probe address `{}` is not usable: {why}", text.value),
                        )
                        .with_help("write `tcp: host:port` (127.0.0.1:6379)"),
                    );
                    None
                }
            }
        }
        ["command"] => {
            let text = nonempty(cx, probe.get("command")?, &format!("`command` of {what}"))?;
            let span = text.span;
            Some(Sp::new(ProbeCheck::Command(text.value), span))
        }
        [] => {
            cx.push(
                Diagnostic::error(
                    "missing-key",
                    node.span,
                    format!("{} says nothing to check", capitalise(what)),
                )
                .with_help(HELP),
            );
            None
        }
        many => {
            cx.push(
                Diagnostic::error(
                    "conflict",
                    probe.key_span(many[1]),
                    format!(
                        "{} has both `{}` and `{}`; give one",
                        capitalise(what),
                        many[0],
                        many[1]
                    ),
                )
                .with_label("a second check")
                .with_help(HELP),
            );
            None
        }
    }
}

/// A drill's target: a component (`lb`), an instance (`app/2`, by name or number from 1) or
/// a domain (`zone-a`).
/// Instance `instance` (a name, or a number from 1) of component `c`, or a located error that
/// lists its instances.
fn find_instance(
    cx: &mut Cx,
    node: &Node,
    model: &Model,
    c: ComponentId,
    instance: &str,
) -> Option<usize> {
    let instances = &model.components[c].instances;
    let found = instances
        .iter()
        .position(|i| i.name == instance)
        .or_else(|| {
            instance
                .parse::<usize>()
                .ok()
                .filter(|n| (1..=instances.len()).contains(n))
                .map(|n| n - 1)
        });
    if found.is_none() {
        let known: Vec<&str> = instances.iter().map(|i| i.name.as_str()).collect();
        cx.push(
            Diagnostic::error(
                "dangling-reference",
                node.span,
                format!(
                    "component `{}` has no instance `{instance}`",
                    model.components[c].name
                ),
            )
            .with_label("unknown instance")
            .with_help(
                did_you_mean(instance, known.iter().copied()).unwrap_or_else(|| {
                    format!(
                        "its instances are {} (or numbers 1 to {})",
                        known.join(", "),
                        known.len()
                    )
                }),
            ),
        );
    }
    found
}

/// The groups under `common_causes:`, each a domain of kind `common-cause` that its members'
/// instances are placed in, so that every analysis fails them together as it fails a zone.
fn decode_common_causes(cx: &mut Cx, node: &Node, model: &mut Model) {
    let places = model.domains.len();
    for (name, node) in cx.named_entries(node, "`common_causes`") {
        let what = format!("common cause `{}`", name.value);
        let Some(fields) = cx.object(node, &schema::COMMON_CAUSE, &what) else {
            continue;
        };
        if let Some(d) = model.domain(&name.value) {
            let first = model.domains[d].span;
            let message = if d < places {
                format!("`{}` names both a domain and a common cause", name.value)
            } else {
                format!("two common causes are named `{}`", name.value)
            };
            cx.push(
                Diagnostic::error("duplicate-name", name.span, message)
                    .with_related(first, "first named here")
                    .with_help("give the common cause a name of its own"),
            );
            continue;
        }
        let beta = fields
            .get("beta")
            .and_then(|n| cx.number(n, "`beta`", 0.0, 1.0));
        let failures_per_year = fields
            .get("failures_per_year")
            .and_then(|n| cx.number(n, "`failures_per_year`", 0.0, 1e6));
        if let (Some(b), Some(_)) = (fields.get("beta"), fields.get("failures_per_year")) {
            cx.push(
                Diagnostic::error(
                    "conflict",
                    b.span,
                    format!("{what} gives both `beta` and `failures_per_year`"),
                )
                .with_help("give one: `beta` is a share of the members' failures, `failures_per_year` the cause's own rate"),
            );
        }
        let mut members: Vec<(ComponentId, Option<usize>)> = Vec::new();
        let mut resolved = 0;
        // How many members the list holds: too few is worth a warning only when every one of
        // them read.
        let listed = match fields.get("members").map(|n| &n.value) {
            Some(Value::Seq(items)) => Some(items.len()),
            _ => None,
        };
        if let Some(list) = fields.get("members") {
            for member in cx.list(list, "a common cause's `members`") {
                let Some(text) = cx.name(member, "a member (a component or an instance)") else {
                    continue;
                };
                let found = if let Some(c) = model.component(&text.value) {
                    Some((c, None))
                } else if let Some((component, instance)) = text.value.rsplit_once('/')
                    && let Some(c) = model.component(component)
                {
                    find_instance(cx, member, model, c, instance).map(|i| (c, Some(i)))
                } else {
                    let known = model.components.iter().map(|c| c.name.as_str());
                    let near = did_you_mean(text.value.split('/').next().unwrap_or(""), known);
                    cx.push(
                        Diagnostic::error(
                            "dangling-reference",
                            member.span,
                            format!("no component or instance `{}`", text.value),
                        )
                        .with_label("unknown member")
                        .with_help_opt(near),
                    );
                    None
                };
                if let Some(found) = found {
                    resolved += 1;
                    if !members.contains(&found) {
                        members.push(found);
                    }
                }
            }
        }
        let instances: usize = members
            .iter()
            .map(|&(c, i)| i.map_or(model.components[c].instances.len(), |_| 1))
            .sum();
        if instances < 2 && listed == Some(resolved) {
            let count = if instances == 0 {
                "no member instance"
            } else {
                "one member instance"
            };
            cx.push(
                Diagnostic::warning(
                    "lone-common-cause",
                    name.span,
                    format!("{what} has {count}: it fails nothing together"),
                )
                .with_help("list the components or instances that share the cause (one image, one config push, one vendor)"),
            );
        }
        let d = model.domains.len();
        model.domains.push(Domain {
            name: name.value.clone(),
            kind: DomainKind::CommonCause,
            parent: None,
            restore_time: fields
                .get("restore_time")
                .and_then(|n| cx.duration(n, "`restore_time`")),
            failures_per_year,
            common_cause: Some(CommonCause {
                beta,
                description: fields
                    .get("description")
                    .and_then(|n| cx.string(n, "`description`"))
                    .map(|s| s.value),
            }),
            span: name.span,
        });
        for (c, i) in members {
            let component = &mut model.components[c];
            let chosen: Vec<usize> = match i {
                Some(i) => vec![i],
                None => (0..component.instances.len()).collect(),
            };
            for i in chosen {
                let domains = &mut component.instances[i].domains;
                if !domains.contains(&d) {
                    domains.push(d);
                }
            }
        }
    }
}

fn drill_target(cx: &mut Cx, node: &Node, model: &Model) -> Option<DrillTarget> {
    let name = cx.name(node, "a drill's `target`")?;
    let text = name.value.as_str();
    if let Some(c) = model.component(text) {
        return Some(DrillTarget::Component(c));
    }
    if let Some((component, instance)) = text.rsplit_once('/')
        && let Some(c) = model.component(component)
    {
        return find_instance(cx, node, model, c, instance).map(|i| DrillTarget::Instance {
            component: c,
            instance: i,
        });
    }
    if let Some(d) = model.domain(text) {
        return Some(DrillTarget::Domain(d));
    }
    let candidates = model
        .components
        .iter()
        .map(|c| c.name.as_str())
        .chain(model.domains.iter().map(|d| d.name.as_str()));
    cx.push(
        Diagnostic::error(
            "dangling-reference",
            node.span,
            format!("no component, instance or domain `{text}` to drill"),
        )
        .with_label("unknown target")
        .with_help(did_you_mean(text, candidates).unwrap_or_else(|| {
            "name a component (lb), an instance (app/2) or a domain (zone-a)".into()
        })),
    );
    None
}

fn decode_certificate(cx: &mut Cx, node: &Node, names: &Names) -> Option<CertificateConfig> {
    let fields = cx.object(node, &schema::CERTIFICATE, "`certificate`")?;
    Some(CertificateConfig {
        stored_on: fields
            .get("stored_on")
            .map(|n| cx.references(n, &names.components, "component"))
            .unwrap_or_default(),
        renewal: fields
            .get("renewal")
            .and_then(|n| cx.choice(n, "`renewal`", schema::RENEWALS))
            .map(|i| [Renewal::Manual, Renewal::Automated][i]),
        expires: fields.get("expires").and_then(|n| cx.date(n, "`expires`")),
        span: node.span,
    })
}

fn decode_person(cx: &mut Cx, name: &Sp<String>, node: &Node, names: &Names) -> Person {
    let mut person = Person {
        name: name.value.clone(),
        can: Vec::new(),
        on_call: false,
        span: name.span,
    };
    let Some(fields) = cx.object(node, &schema::PERSON, &format!("person `{}`", name.value)) else {
        return person;
    };
    person.on_call = fields
        .get("on_call")
        .and_then(|n| cx.boolean(n, "`on_call`"))
        .unwrap_or(false);
    if let Some(list) = fields.get("can") {
        for item in cx.list(list, "`can`") {
            let Some(text) = cx.string(item, "a step") else {
                continue;
            };
            let Some((verb, component)) = text.value.split_once(':') else {
                cx.push(
                    Diagnostic::error(
                        "invalid-value",
                        item.span,
                        format!("`{}` is not a step", text.value),
                    )
                    .with_help("write a step as VERB:COMPONENT, such as `failover:db`"),
                );
                continue;
            };
            let verbs = ["failover", "restore", "renew", "deploy"];
            let Some(verb_index) = verbs.iter().position(|v| *v == verb.trim()) else {
                let near = did_you_mean(verb, verbs)
                    .map(|d| format!("{d} "))
                    .unwrap_or_default();
                cx.push(
                    Diagnostic::error(
                        "unknown-value",
                        item.span,
                        format!("`{verb}` is not a step verb"),
                    )
                    .with_help(format!(
                        "{near}Expected one of failover, restore, renew, deploy"
                    )),
                );
                continue;
            };
            let Some(&target) = names.components.get(component.trim()) else {
                cx.push(
                    Diagnostic::error(
                        "dangling-reference",
                        item.span,
                        format!("no component `{}`", component.trim()),
                    )
                    .with_help_opt(did_you_mean(
                        component.trim(),
                        names.components.keys().map(String::as_str),
                    )),
                );
                continue;
            };
            person.can.push(
                [
                    Step::Failover(target),
                    Step::Restore(target),
                    Step::Renew(target),
                    Step::Deploy(target),
                ][verb_index],
            );
        }
    }
    person
}

fn decode_journey(cx: &mut Cx, name: &Sp<String>, node: &Node, names: &Names) -> Option<Journey> {
    let fields = cx.object(node, &schema::JOURNEY, &format!("journey `{}`", name.value))?;
    let path_node = fields.get("path")?;
    let path = cx.references(path_node, &names.components, "component");
    if path.is_empty() && matches!(path_node.value, Value::Seq(ref s) if s.is_empty()) {
        cx.push(
            Diagnostic::error(
                "invalid-value",
                path_node.span,
                format!("journey `{}` has an empty path", name.value),
            )
            .with_help("list the components a request touches"),
        );
    }
    Some(Journey {
        name: name.value.clone(),
        description: fields
            .get("description")
            .and_then(|n| cx.string(n, "`description`"))
            .map(|s| s.value),
        path,
        critical: fields
            .get("critical")
            .and_then(|n| cx.boolean(n, "`critical`"))
            .unwrap_or(true),
        rto_target: fields
            .get("rto_target")
            .and_then(|n| cx.duration(n, "`rto_target`")),
        traffic: fields
            .get("traffic")
            .and_then(|n| cx.number(n, "`traffic`", 0.0, 1.0)),
        downtime_cost_per_hour: fields
            .get("downtime_cost_per_hour")
            .and_then(|n| cx.number(n, "`downtime_cost_per_hour`", 0.0, 1e15)),
        load: fields
            .get("load")
            .and_then(|n| cx.number(n, "`load`", 0.0, 1e15)),
        declared: true,
        span: name.span,
    })
}

fn decode_decision(cx: &mut Cx, node: &Node, names: &Names) -> Option<Decision> {
    let fields = cx.object(node, &schema::DECISION, "a decision")?;
    let finding = cx.string(fields.get("finding")?, "`finding`")?;
    let status = [
        DecisionStatus::Accepted,
        DecisionStatus::Mitigating,
        DecisionStatus::Planned,
    ][cx.choice(fields.get("status")?, "`status`", schema::STATUSES)?];
    let component = match fields.get("component") {
        Some(n) => Some(cx.reference(n, &names.components, "component")?),
        None => None,
    };
    let text = |cx: &mut Cx, key: &str| {
        fields
            .get(key)
            .and_then(|n| cx.string(n, key))
            .map(|s| s.value)
    };
    Some(Decision {
        finding: finding.value,
        component,
        event: text(cx, "event"),
        status,
        owner: text(cx, "owner"),
        reason: text(cx, "reason"),
        rto: fields.get("rto").and_then(|n| cx.duration(n, "`rto`")),
        remediation: text(cx, "remediation"),
        review_by: fields
            .get("review_by")
            .and_then(|n| cx.date(n, "`review_by`")),
        span: node.span,
        finding_span: finding.span,
    })
}

/// A scoped dependency (`per: zone`) needs the target's instances placed at that level, and
/// the caller's too; otherwise the scope means nothing and the dependency is taken as plain.
fn check_scopes(cx: &mut Cx, model: &Model) {
    for component in &model.components {
        for dep in &component.depends_on {
            let Some(scope) = dep.scope else { continue };
            let level = scope.kind();
            let placed_at = |c: &Component| {
                c.instances.iter().all(|i| {
                    i.domains.iter().any(|&d| {
                        model
                            .domain_chain(d)
                            .any(|x| model.domains[x].kind == level)
                    })
                })
            };
            let target = &model.components[dep.target];
            if !placed_at(target) || !placed_at(component) {
                cx.push(
                    Diagnostic::warning("scope-unplaced", dep.span, format!("`per: {}` needs both `{}` and `{}` placed in {} domains; the dependency is taken as unscoped", level.as_str(), component.name, target.name, level.as_str()))
                        .with_help(format!("place every instance of both in a {} with `in` or `spread`", level.as_str())),
                );
            }
        }
    }
}

/// The reading context: where diagnostics go, and typed readers of values.
struct Cx<'d> {
    diags: &'d mut Vec<Diagnostic>,
}

/// The keys of a mapping, checked against an object's table.
struct Fields<'n> {
    entries: Vec<(&'static str, &'n Node, Span)>,
    object: &'static Object,
}

impl<'n> Fields<'n> {
    fn get(&self, key: &str) -> Option<&'n Node> {
        debug_assert!(
            self.object.field(key).is_some(),
            "`{key}` is not in the table of {}",
            self.object.name
        );
        self.entries
            .iter()
            .find(|(k, _, _)| *k == key)
            .map(|(_, n, _)| *n)
    }

    fn key_span(&self, key: &str) -> Span {
        self.entries
            .iter()
            .find(|(k, _, _)| *k == key)
            .map(|(_, _, s)| *s)
            .unwrap_or_default()
    }
}

impl Cx<'_> {
    fn push(&mut self, diagnostic: Diagnostic) {
        self.diags.push(diagnostic);
    }

    fn expected(&mut self, node: &Node, what: &str, expected: &str) {
        self.push(
            Diagnostic::error(
                "wrong-type",
                node.span,
                format!("{what} should be {expected}, not {}", node.type_name()),
            )
            .with_label(format!("expected {expected}")),
        );
    }

    /// A mapping with the keys of `object`: unknown keys get a near-name suggestion, missing
    /// required keys are reported at the mapping.
    fn object<'n>(
        &mut self,
        node: &'n Node,
        object: &'static Object,
        what: &str,
    ) -> Option<Fields<'n>> {
        let Value::Map(entries) = &node.value else {
            self.expected(node, &capitalise(what), "a mapping of keys to values");
            return None;
        };
        let mut fields = Fields {
            entries: Vec::new(),
            object,
        };
        for (key, value) in entries {
            let Value::Str(k) = &key.value else {
                self.expected(key, &format!("a key of {what}"), "a name");
                continue;
            };
            match object.field(k) {
                Some(field) => fields.entries.push((field.name, value, key.span)),
                None => {
                    let known: Vec<&str> = object.field_names().collect();
                    let help = did_you_mean(k, known.iter().copied())
                        .unwrap_or_else(|| format!("expected one of: {}", known.join(", ")));
                    self.push(
                        Diagnostic::error(
                            "unknown-key",
                            key.span,
                            format!("unknown key `{k}` in {what}"),
                        )
                        .with_label("not a known key")
                        .with_help(help),
                    );
                }
            }
        }
        for field in object.fields.iter().filter(|f| f.required) {
            if fields.get(field.name).is_none() {
                self.push(
                    Diagnostic::error(
                        "missing-key",
                        node.span,
                        format!("{} has no `{}`", capitalise(what), field.name),
                    )
                    .with_help(format!("add `{}`: {}", field.name, field.doc)),
                );
            }
        }
        Some(fields)
    }

    /// The entries of a mapping from names to objects, in file order.
    fn named_entries<'n>(&mut self, node: &'n Node, what: &str) -> Vec<(Sp<String>, &'n Node)> {
        match &node.value {
            Value::Map(entries) => entries
                .iter()
                .filter_map(|(key, value)| {
                    let name = self.name(key, &format!("a name in {what}"))?;
                    Some((name, value))
                })
                .collect(),
            Value::Null => Vec::new(),
            _ => {
                self.expected(
                    node,
                    &capitalise(what),
                    "a mapping from names to their descriptions",
                );
                Vec::new()
            }
        }
    }

    fn name(&mut self, node: &Node, what: &str) -> Option<Sp<String>> {
        let text = match &node.value {
            Value::Str(s) => s.clone(),
            Value::Int(i) => i.to_string(),
            _ => {
                self.expected(node, what, "a name");
                return None;
            }
        };
        if text.trim().is_empty() || text.len() > 256 || text.chars().any(char::is_control) {
            self.push(
                Diagnostic::error(
                    "invalid-name",
                    node.span,
                    format!("`{}` is not a usable name", text.escape_debug()),
                )
                .with_help("names are 1 to 256 printable characters"),
            );
            return None;
        }
        Some(Sp::new(text, node.span))
    }

    fn string(&mut self, node: &Node, what: &str) -> Option<Sp<String>> {
        match &node.value {
            Value::Str(s) => Some(Sp::new(s.clone(), node.span)),
            _ => {
                self.expected(node, what, "a string");
                None
            }
        }
    }

    fn list<'n>(&mut self, node: &'n Node, what: &str) -> Vec<&'n Node> {
        match &node.value {
            Value::Seq(items) => items.iter().collect(),
            Value::Null => Vec::new(),
            _ => {
                self.expected(node, what, "a list");
                Vec::new()
            }
        }
    }

    fn boolean(&mut self, node: &Node, what: &str) -> Option<bool> {
        match node.value {
            Value::Bool(b) => Some(b),
            _ => {
                self.expected(node, what, "true or false");
                None
            }
        }
    }

    fn uint(&mut self, node: &Node, what: &str, min: u64, max: u64) -> Option<u64> {
        let value = match node.value {
            Value::Int(i) => i,
            Value::Float(f) if f.fract() == 0.0 && f.abs() < 1e30 => f as i128,
            _ => {
                self.expected(node, what, "a whole number");
                return None;
            }
        };
        if value < i128::from(min) || value > i128::from(max) {
            let range = if min == max {
                format!("exactly {min}")
            } else {
                format!("from {min} to {max}")
            };
            self.push(
                Diagnostic::error(
                    "out-of-range",
                    node.span,
                    format!("{what} is {value}; it must be {range}"),
                )
                .with_label(format!("expected {range}")),
            );
            return None;
        }
        Some(value as u64)
    }

    fn number(&mut self, node: &Node, what: &str, min: f64, max: f64) -> Option<f64> {
        let value = match node.value {
            Value::Int(i) => i as f64,
            Value::Float(f) => f,
            _ => {
                self.expected(node, what, "a number");
                return None;
            }
        };
        if !value.is_finite() || value < min || value > max {
            self.push(Diagnostic::error(
                "out-of-range",
                node.span,
                format!("{what} is {value}; it must be from {min} to {max}"),
            ));
            return None;
        }
        Some(value)
    }

    fn duration(&mut self, node: &Node, what: &str) -> Option<Duration> {
        let text = match &node.value {
            Value::Str(s) => s.clone(),
            Value::Int(0) => "0".into(),
            _ => {
                self.expected(node, what, "a duration such as 90s, 30m or 3h");
                return None;
            }
        };
        match Duration::parse(&text) {
            Ok(d) => Some(d),
            Err(why) => {
                self.push(
                    Diagnostic::error(
                        "invalid-duration",
                        node.span,
                        format!("{what} `{text}` is not a duration: {why}"),
                    )
                    .with_help("write durations as 90s, 30m, 3h, 2d or 1h30m"),
                );
                None
            }
        }
    }

    /// A duration that may be finer than a second, in milliseconds, at least `min`.
    fn millis(&mut self, node: &Node, what: &str, min: u64) -> Option<u64> {
        let text = match &node.value {
            Value::Str(s) => s.clone(),
            Value::Int(0) => "0".into(),
            _ => {
                self.expected(node, what, "a duration such as 100ms, 1s or 5m");
                return None;
            }
        };
        match crate::parse_millis(&text) {
            Ok(ms) if ms >= min => Some(ms),
            Ok(_) => {
                self.push(
                    Diagnostic::error(
                        "out-of-range",
                        node.span,
                        format!(
                            "{what} `{text}` is too short; it must be at least {}",
                            crate::format_millis(min)
                        ),
                    )
                    .with_label("too short"),
                );
                None
            }
            Err(why) => {
                self.push(
                    Diagnostic::error(
                        "invalid-duration",
                        node.span,
                        format!("{what} `{text}` is not a duration: {why}"),
                    )
                    .with_help("write durations as 100ms, 1s, 30s, 5m or 1s500ms"),
                );
                None
            }
        }
    }

    fn date(&mut self, node: &Node, what: &str) -> Option<Date> {
        let text = self.string(node, what)?;
        match Date::parse(&text.value) {
            Ok(d) => Some(d),
            Err(why) => {
                self.push(
                    Diagnostic::error("invalid-date", node.span, format!("{what}: {why}"))
                        .with_help("write dates as YYYY-MM-DD"),
                );
                None
            }
        }
    }

    /// One of a fixed set of words; returns its index.
    fn choice(&mut self, node: &Node, what: &str, options: &[&str]) -> Option<usize> {
        let text = match &node.value {
            Value::Str(s) => s.clone(),
            Value::Bool(b) => b.to_string(),
            _ => {
                self.expected(node, what, &format!("one of {}", options.join(", ")));
                return None;
            }
        };
        if let Some(i) = options.iter().position(|o| *o == text) {
            return Some(i);
        }
        let normalised = text.replace(['-', ' '], "_").to_lowercase();
        let near = options
            .iter()
            .find(|o| o.replace('-', "_") == normalised)
            .copied()
            .or_else(|| crate::suggest(&text, options.iter().copied()));
        let help = match near {
            Some(n) => format!(
                "did you mean `{n}`? Expected one of: {}",
                options.join(", ")
            ),
            None => format!("expected one of: {}", options.join(", ")),
        };
        self.push(
            Diagnostic::error(
                "unknown-value",
                node.span,
                format!("{what} `{text}` is not known"),
            )
            .with_label("unknown")
            .with_help(help),
        );
        None
    }

    /// A reference by name to a component, domain or person.
    fn reference(
        &mut self,
        node: &Node,
        names: &IndexMap<String, usize>,
        what: &str,
    ) -> Option<usize> {
        let name = self.name(node, &format!("a {what} name"))?;
        if let Some(&id) = names.get(&name.value) {
            return Some(id);
        }
        let help = did_you_mean(&name.value, names.keys().map(String::as_str)).or_else(|| {
            if names.is_empty() {
                Some(format!("the model declares no {what}s"))
            } else {
                None
            }
        });
        self.push(
            Diagnostic::error(
                "dangling-reference",
                node.span,
                format!("no {what} `{}`", name.value),
            )
            .with_label(format!("unknown {what}"))
            .with_help_opt(help),
        );
        None
    }

    /// A list of references (a single name is taken as a list of one).
    fn references(
        &mut self,
        node: &Node,
        names: &IndexMap<String, usize>,
        what: &str,
    ) -> Vec<usize> {
        let items: Vec<&Node> = match &node.value {
            Value::Seq(items) => items.iter().collect(),
            Value::Str(_) => vec![node],
            _ => {
                self.expected(node, &format!("a list of {what}s"), "a list of names");
                return Vec::new();
            }
        };
        let mut out = Vec::new();
        for item in items {
            if let Some(id) = self.reference(item, names, what)
                && !out.contains(&id)
            {
                out.push(id);
            }
        }
        out
    }
}

fn capitalise(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}
