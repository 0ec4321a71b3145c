//! The audit checklist: the sixteen items an architecture review walks (DNS, CDN, load
//! balancers, ... team knowledge), each judged from the analysis already done. An item is a
//! *SPOF* when a finding that names a single point of failure falls in it and no decision in
//! force covers it, *accepted* when decisions cover every such finding, *redundant* when the
//! model has something in it and no such finding, and *not modelled* when the model says nothing
//! about it: then it carries the question a reviewer should ask and what to add to the model.
//!
//! Nothing here finds a SPOF of its own: findings are placed in items by what they are about
//! (the event, the code for the rules tied to one item, else the kinds of their components).

use crate::analysis::Analysis;
use crate::findings::Finding;
use spof_model::{ComponentId, Kind, Layer, Model, Redundancy, Renewal};

/// An item of the audit checklist.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Item {
    Dns,
    Cdn,
    LoadBalancers,
    WebServers,
    ApplicationServers,
    Caches,
    Databases,
    MessageQueues,
    Storage,
    SecretsAndConfig,
    Certificates,
    NatGateways,
    ExternalIntegrations,
    Monitoring,
    DeployPipeline,
    TeamKnowledge,
}

impl Item {
    /// Every item, in the order a review walks them (from the user's request inwards, then
    /// operations).
    pub const ALL: [Item; 16] = [
        Item::Dns,
        Item::Cdn,
        Item::LoadBalancers,
        Item::WebServers,
        Item::ApplicationServers,
        Item::Caches,
        Item::Databases,
        Item::MessageQueues,
        Item::Storage,
        Item::SecretsAndConfig,
        Item::Certificates,
        Item::NatGateways,
        Item::ExternalIntegrations,
        Item::Monitoring,
        Item::DeployPipeline,
        Item::TeamKnowledge,
    ];

    /// The stable identifier used in JSON.
    pub fn id(self) -> &'static str {
        match self {
            Item::Dns => "dns",
            Item::Cdn => "cdn",
            Item::LoadBalancers => "load-balancers",
            Item::WebServers => "web-servers",
            Item::ApplicationServers => "application-servers",
            Item::Caches => "caches",
            Item::Databases => "databases",
            Item::MessageQueues => "message-queues",
            Item::Storage => "storage",
            Item::SecretsAndConfig => "secrets-and-config",
            Item::Certificates => "certificates",
            Item::NatGateways => "nat-gateways",
            Item::ExternalIntegrations => "external-integrations",
            Item::Monitoring => "monitoring",
            Item::DeployPipeline => "deploy-pipeline",
            Item::TeamKnowledge => "team-knowledge",
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            Item::Dns => "DNS providers",
            Item::Cdn => "CDN / edge",
            Item::LoadBalancers => "Load balancers",
            Item::WebServers => "Web / API servers",
            Item::ApplicationServers => "Application servers",
            Item::Caches => "Caches",
            Item::Databases => "Database primary and standby",
            Item::MessageQueues => "Message queues",
            Item::Storage => "File / object storage",
            Item::SecretsAndConfig => "Secrets and configuration",
            Item::Certificates => "TLS certificates",
            Item::NatGateways => "NAT gateways per zone",
            Item::ExternalIntegrations => "External integrations",
            Item::Monitoring => "Monitoring and alerting",
            Item::DeployPipeline => "Deployment pipeline",
            Item::TeamKnowledge => "Team knowledge",
        }
    }

    /// The layer of a review the item belongs to.
    pub fn layer(self) -> Layer {
        match self {
            Item::Dns | Item::Cdn | Item::LoadBalancers | Item::NatGateways => Layer::Network,
            Item::WebServers | Item::ApplicationServers => Layer::Compute,
            Item::Caches | Item::Databases | Item::MessageQueues | Item::Storage => Layer::Data,
            Item::ExternalIntegrations => Layer::Application,
            Item::SecretsAndConfig
            | Item::Certificates
            | Item::Monitoring
            | Item::DeployPipeline
            | Item::TeamKnowledge => Layer::Operations,
        }
    }

    /// The component kinds the item covers. Team knowledge is the model's `people`, not a
    /// kind; kinds in no item (network, power, ntp) show through failure domains and findings.
    pub fn kinds(self) -> &'static [Kind] {
        match self {
            Item::Dns => &[Kind::Dns],
            Item::Cdn => &[Kind::Cdn],
            Item::LoadBalancers => &[Kind::LoadBalancer],
            Item::WebServers => &[Kind::Web, Kind::ApiGateway],
            Item::ApplicationServers => &[Kind::Service, Kind::Worker],
            Item::Caches => &[Kind::Cache],
            Item::Databases => &[Kind::Database, Kind::Search],
            Item::MessageQueues => &[Kind::Queue],
            Item::Storage => &[Kind::ObjectStorage, Kind::FileStorage],
            Item::SecretsAndConfig => &[Kind::Secrets, Kind::Config, Kind::ServiceDiscovery],
            Item::Certificates => &[Kind::Certificate],
            Item::NatGateways => &[Kind::NatGateway],
            Item::ExternalIntegrations => &[Kind::External, Kind::Identity],
            Item::Monitoring => &[Kind::Monitoring],
            Item::DeployPipeline => &[Kind::DeployPipeline],
            Item::TeamKnowledge => &[],
        }
    }

    /// The item a component of `kind` belongs to, if any.
    pub fn of_kind(kind: Kind) -> Option<Item> {
        Item::ALL.into_iter().find(|i| i.kinds().contains(&kind))
    }

    /// What a reviewer should ask when the model says nothing about the item.
    pub fn question(self) -> &'static str {
        match self {
            Item::Dns => {
                "Who serves the domain's DNS, how many providers, and how many healthy addresses does each record return?"
            }
            Item::Cdn => {
                "Is there a CDN or edge in front of the system, and what happens to users when it is down or purges its cache?"
            }
            Item::LoadBalancers => {
                "What spreads requests over the servers, and what takes over when it fails (a standby with a floating address, a managed load balancer)?"
            }
            Item::WebServers => {
                "Which web servers or API gateways receive the requests, how many are there, and in which zones?"
            }
            Item::ApplicationServers => {
                "Which application servers and workers do the work, how many instances does each run, and where?"
            }
            Item::Caches => {
                "Is there a cache or session store, and does anything break (logins, carts) when it is empty or gone?"
            }
            Item::Databases => {
                "Where is the data kept, is there a standby, and is failover to it automatic and tested?"
            }
            Item::MessageQueues => {
                "Does work pass through a queue or broker, and is it replicated so no message is lost with one node?"
            }
            Item::Storage => {
                "Where are files and uploads stored, and is that storage replicated over zones?"
            }
            Item::SecretsAndConfig => {
                "Where do services read secrets and configuration at start, and can they start when that store is down?"
            }
            Item::Certificates => {
                "Which TLS certificates does the system serve, where are they kept, and who renews them, by hand or automatically?"
            }
            Item::NatGateways => {
                "How does outbound traffic leave the network: one NAT gateway for every zone, or one per zone?"
            }
            Item::ExternalIntegrations => {
                "Which third-party services (payments, identity, email) does a request call, and with what timeout and fallback?"
            }
            Item::Monitoring => {
                "What would tell you the system is down, and does it run outside the failure domains it watches?"
            }
            Item::DeployPipeline => {
                "What deploys the system, how (all at once or rolling), and can you deploy a fix or roll back when it is down?"
            }
            Item::TeamKnowledge => {
                "Who can fail over, restore, renew and deploy, and is there more than one person for each step?"
            }
        }
    }

    /// What to add to the model to answer the question.
    pub fn to_add(self) -> &'static str {
        match self {
            Item::Dns => {
                "a component of kind `dns` with `dns: {providers, records}`, and the journeys' paths through it"
            }
            Item::Cdn => {
                "a component of kind `cdn` at the head of the journeys that pass through it"
            }
            Item::LoadBalancers => {
                "a component of kind `load_balancer` (with `managed: true`, or its standby and `floating_address`)"
            }
            Item::WebServers => {
                "components of kind `web` or `api_gateway` with their `replicas` and placement (`spread`)"
            }
            Item::ApplicationServers => {
                "components of kind `service` or `worker` with their `replicas` and placement (`spread`)"
            }
            Item::Caches => {
                "a component of kind `cache`, and `depends_on` from its callers (`optional: true` where they survive without it)"
            }
            Item::Databases => {
                "a component of kind `database` with its `replicas`, `failover` and `failover_time`"
            }
            Item::MessageQueues => "a component of kind `queue` with its `replicas` and placement",
            Item::Storage => {
                "a component of kind `object_storage` or `file_storage` (`managed: true` for a provider's service)"
            }
            Item::SecretsAndConfig => {
                "a component of kind `secrets` or `config`, and `local_cache: true` on the dependencies that keep a copy"
            }
            Item::Certificates => {
                "a component of kind `certificate` with `certificate: {stored_on, renewal, expires}`"
            }
            Item::NatGateways => {
                "components of kind `nat_gateway` placed in their zones, and `per: zone` on the dependencies that use the one in their own zone"
            }
            Item::ExternalIntegrations => {
                "components of kind `external`, and `timeout`, `circuit_breaker` and `fallback` on the calls to them"
            }
            Item::Monitoring => {
                "a component of kind `monitoring` placed where it runs, with `monitoring: {watches}`"
            }
            Item::DeployPipeline => {
                "a component of kind `deploy_pipeline`, and `deploy:` (all-at-once, rolling, blue-green, canary) on each component"
            }
            Item::TeamKnowledge => {
                "`people:` with what each can do (`can: [\"failover:db\", \"restore:db\"]`) and who is `on_call`"
            }
        }
    }
}

/// The verdict on an item or a component in it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum State {
    /// Present in the model, and no single failure in it takes a critical journey down.
    Redundant,
    /// A single point of failure, or a hidden one (a rule's finding), with no decision in force.
    Spof,
    /// Every SPOF in it is covered by a decision in force.
    Accepted,
    /// The model says nothing about it.
    NotModelled,
}

impl State {
    pub const ALL: [State; 4] = [
        State::Redundant,
        State::Spof,
        State::Accepted,
        State::NotModelled,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            State::Redundant => "redundant",
            State::Spof => "spof",
            State::Accepted => "accepted",
            State::NotModelled => "not-modelled",
        }
    }
}

/// A component in an item.
#[derive(Clone, Debug)]
pub struct ComponentEntry {
    pub component: ComponentId,
    /// Redundant, SPOF or accepted (never not modelled).
    pub state: State,
    /// How it is built: "3 instances over 2 zones, automatic failover 30s".
    pub how: String,
    /// The findings placed in the item that name it (indices into the report's findings).
    pub findings: Vec<usize>,
}

/// One item of the checklist, judged.
#[derive(Clone, Debug)]
pub struct ItemResult {
    pub item: Item,
    pub state: State,
    /// The model's components of the item's kinds, in model order.
    pub components: Vec<ComponentEntry>,
    /// Every finding placed in the item (indices into the report's findings, in their order).
    pub findings: Vec<usize>,
    /// The findings that make it a SPOF: single points of failure, and hidden ones that touch a
    /// critical journey. Decided or not.
    pub spof_findings: Vec<usize>,
    /// What else the model says about the item ("2 people: alice, bob"; "deploys: app
    /// rolling"), one sentence each.
    pub notes: Vec<String>,
    /// For an item not modelled in an imported model whose formats cannot express it: the
    /// formats ("compose").
    pub not_expressible_in: Option<String>,
}

/// The checklist: every item, in [`Item::ALL`] order.
#[derive(Clone, Debug, Default)]
pub struct Checklist {
    pub items: Vec<ItemResult>,
}

impl Checklist {
    /// How many items are in `state`.
    pub fn count(&self, state: State) -> usize {
        self.items.iter().filter(|i| i.state == state).count()
    }

    /// Marks the items an import's formats cannot express: `formats` names them ("compose",
    /// "kubernetes+terraform"), `kinds` are the component kinds they can produce and `people`
    /// whether they can say who performs manual steps. An overlay may still have added what
    /// they cannot: only items left not modelled are marked.
    pub fn note_import(&mut self, formats: &str, kinds: &[Kind], people: bool) {
        for item in &mut self.items {
            if item.state != State::NotModelled {
                continue;
            }
            let expressible = match item.item {
                Item::TeamKnowledge => people,
                other => other.kinds().iter().any(|k| kinds.contains(k)),
            };
            if !expressible {
                item.not_expressible_in = Some(formats.to_string());
            }
        }
    }
}

/// Findings of rules that name a hidden single point of failure without a SPOF event: a record
/// with one address, a certificate on one server, an unguarded call, configuration with no
/// local copy, monitoring inside what it watches, one person for a step. They make an item a
/// SPOF when they touch a critical journey (severity medium or above).
const HIDDEN_SPOF_CODES: &[&str] = &[
    "SPOF006", "SPOF007", "SPOF008", "SPOF009", "SPOF010", "SPOF012", "SPOF018", "SPOF019",
];

/// Findings about journeys or decisions rather than a part of the system: in no item.
const NO_ITEM_CODES: &[&str] = &["SPOF021", "SPOF022", "SPOF024"];

/// Whether a finding makes its items SPOFs.
pub fn makes_spof(finding: &Finding) -> bool {
    finding.event.is_some()
        || (HIDDEN_SPOF_CODES.contains(&finding.code.as_ref())
            && finding.severity >= crate::Severity::Medium)
}

/// The items a finding is placed in by its code (rules tied to one item) or else by the kinds
/// of its components.
pub fn items_of(model: &Model, finding: &Finding) -> Vec<Item> {
    if NO_ITEM_CODES.contains(&finding.code.as_ref()) {
        return Vec::new();
    }
    let by_code = match finding.code.as_ref() {
        "SPOF005" | "SPOF006" => Some(Item::Dns),
        "SPOF007" | "SPOF008" | "SPOF009" => Some(Item::Certificates),
        "SPOF010" => Some(Item::ExternalIntegrations),
        "SPOF012" => Some(Item::SecretsAndConfig),
        "SPOF013" => Some(Item::NatGateways),
        "SPOF017" => Some(Item::DeployPipeline),
        "SPOF018" => Some(Item::Monitoring),
        "SPOF019" => Some(Item::TeamKnowledge),
        "SPOF014" => Some(Item::LoadBalancers),
        _ => None,
    };
    if let Some(item) = by_code {
        return vec![item];
    }
    let mut items: Vec<Item> = finding
        .components
        .iter()
        .filter_map(|&c| Item::of_kind(model.components[c].kind))
        .collect();
    items.sort_unstable();
    items.dedup();
    items
}

/// Judges every item from the analysis and its findings.
pub fn checklist(model: &Model, analysis: &Analysis, findings: &[Finding]) -> Checklist {
    let mut placed: Vec<Vec<usize>> = vec![Vec::new(); Item::ALL.len()];
    for (index, finding) in findings.iter().enumerate() {
        for item in items_for(model, analysis, finding) {
            placed[item as usize].push(index);
        }
    }
    let items = Item::ALL
        .into_iter()
        .map(|item| judge(model, analysis, findings, item, &placed[item as usize]))
        .collect();
    Checklist { items }
}

/// The items of a finding, with the event of a SPOF finding taken into account: a person's
/// absence is team knowledge, a bad deploy the pipeline, an expiry the certificates.
fn items_for(model: &Model, analysis: &Analysis, finding: &Finding) -> Vec<Item> {
    use crate::graph::EventKind;
    if let Some(event) = finding.event {
        match analysis.graph.events[event as usize] {
            EventKind::Person(_) => return vec![Item::TeamKnowledge],
            EventKind::Deploy(_) => return vec![Item::DeployPipeline],
            EventKind::Expiry(_) => return vec![Item::Certificates],
            EventKind::Instance { .. } | EventKind::Domain(_) => {}
        }
    }
    items_of(model, finding)
}

fn judge(
    model: &Model,
    analysis: &Analysis,
    findings: &[Finding],
    item: Item,
    placed: &[usize],
) -> ItemResult {
    let spof_findings: Vec<usize> = placed
        .iter()
        .copied()
        .filter(|&i| makes_spof(&findings[i]))
        .collect();
    let state_of = |list: &[usize]| -> Option<State> {
        let spofs: Vec<&Finding> = list
            .iter()
            .filter(|&&i| makes_spof(&findings[i]))
            .map(|&i| &findings[i])
            .collect();
        if spofs.iter().any(|f| !f.is_decided()) {
            Some(State::Spof)
        } else if !spofs.is_empty() {
            Some(State::Accepted)
        } else {
            None
        }
    };
    // The item's findings of each component, in one pass (a model may have a finding for
    // each of 100,000 components).
    let mut by_component: std::collections::HashMap<ComponentId, Vec<usize>> =
        std::collections::HashMap::new();
    for &i in placed {
        let mut components = findings[i].components.clone();
        components.sort_unstable();
        components.dedup();
        for c in components {
            by_component.entry(c).or_default().push(i);
        }
    }
    let components: Vec<ComponentEntry> = model
        .components
        .iter()
        .enumerate()
        .filter(|(_, c)| item.kinds().contains(&c.kind))
        .map(|(c, _)| {
            let own: Vec<usize> = by_component.remove(&c).unwrap_or_default();
            ComponentEntry {
                component: c,
                state: state_of(&own).unwrap_or(State::Redundant),
                how: how(model, analysis, c),
                findings: own,
            }
        })
        .collect();
    let notes = notes(model, item);
    let modelled = !components.is_empty()
        || !placed.is_empty()
        || (item == Item::TeamKnowledge && model.has_people());
    let state = match state_of(placed) {
        Some(state) => state,
        None if modelled => State::Redundant,
        None => State::NotModelled,
    };
    ItemResult {
        item,
        state,
        components,
        findings: placed.to_vec(),
        spof_findings,
        notes,
        not_expressible_in: None,
    }
}

/// What the model says about an item beyond its components.
fn notes(model: &Model, item: Item) -> Vec<String> {
    let mut notes = Vec::new();
    match item {
        Item::TeamKnowledge if model.has_people() => {
            let names: Vec<&str> = model.people.iter().map(|p| p.name.as_str()).collect();
            let on_call = model.people.iter().filter(|p| p.on_call).count();
            let mut note = format!(
                "{} {}: {}",
                names.len(),
                if names.len() == 1 { "person" } else { "people" },
                names.join(", ")
            );
            if on_call > 0 {
                note.push_str(&format!("; {on_call} on call"));
            }
            notes.push(note);
        }
        Item::DeployPipeline => {
            let deploys: Vec<String> = model
                .components
                .iter()
                .filter_map(|c| c.deploy.map(|d| format!("{} {}", c.name, d.as_str())))
                .collect();
            if !deploys.is_empty() {
                notes.push(format!("deploy strategies: {}", deploys.join(", ")));
            }
        }
        _ => {}
    }
    notes
}

/// How a component is built, in a phrase: "3 instances over 2 zones, automatic failover 30s".
pub fn how(model: &Model, analysis: &Analysis, c: ComponentId) -> String {
    let component = &model.components[c];
    let n = component.instances.len();
    let zones: Vec<&str> = model
        .zones_of(c)
        .into_iter()
        .map(|z| model.domains[z].name.as_str())
        .collect();
    let mut parts = Vec::new();
    let placement = match zones.as_slice() {
        [] => String::new(),
        [one] => format!(" in zone {one}"),
        many => format!(" over {} zones ({})", many.len(), many.join(", ")),
    };
    if component.managed {
        parts.push(format!("managed (redundant by design){placement}"));
    } else if component.kind == Kind::Certificate {
        // A certificate's "instances" are not servers: where it is kept says more.
    } else {
        parts.push(format!(
            "{n} instance{}{placement}",
            if n == 1 { "" } else { "s" }
        ));
        if n > 1 {
            match component.redundancy {
                Redundancy::ActiveActive { health_check } => {
                    let mut text = String::from("active-active");
                    text.push_str(if health_check {
                        " with health checks"
                    } else {
                        " without health checks"
                    });
                    if component.min_healthy > 1 {
                        text.push_str(&format!(", {} needed", component.min_healthy));
                    }
                    parts.push(text);
                }
                Redundancy::ActivePassive {
                    failover,
                    failover_time,
                } => parts.push(format!("{} failover {failover_time}", failover.as_str())),
            }
        }
    }
    if let Some(dns) = &component.dns
        && !dns.providers.is_empty()
    {
        parts.push(format!(
            "{} provider{} ({})",
            dns.providers.len(),
            if dns.providers.len() == 1 { "" } else { "s" },
            dns.providers.join(", ")
        ));
    }
    if let Some(certificate) = &component.certificate {
        match certificate.renewal {
            Some(Renewal::Automated) => parts.push("renewed automatically".into()),
            Some(Renewal::Manual) => parts.push("renewed by hand".into()),
            None => {}
        }
        if !certificate.stored_on.is_empty() {
            let on: Vec<&str> = certificate
                .stored_on
                .iter()
                .map(|&s| model.components[s].name.as_str())
                .collect();
            parts.push(format!("kept on {}", on.join(", ")));
        }
    }
    let report = &analysis.components[c];
    if !report.spof && !report.on_critical_path {
        parts.push("no critical journey needs it".into());
    }
    parts.join(", ")
}
