//! The validated model. Every reference is an index that exists, every count is at least one,
//! and every instance's failure domains are a consistent chain (at most one domain of each
//! hierarchy level). Names and spans are kept so that findings can point back at the file.

use crate::{Date, Duration, Span};

pub type ComponentId = usize;
pub type DomainId = usize;
pub type JourneyId = usize;
pub type PersonId = usize;

#[derive(Clone, Debug, Default)]
pub struct Model {
    pub name: Option<String>,
    pub description: Option<String>,
    pub domains: Vec<Domain>,
    pub components: Vec<Component>,
    /// The declared journeys, or one implicit journey for the whole system when none is.
    pub journeys: Vec<Journey>,
    pub people: Vec<Person>,
    pub decisions: Vec<Decision>,
    /// The drills that can prove the model's claims (`spof drill NAME`), in file order.
    pub drills: Vec<Drill>,
}

impl Model {
    pub fn component(&self, name: &str) -> Option<ComponentId> {
        self.components.iter().position(|c| c.name == name)
    }

    /// How many of the domains are places (not common causes), and how many common causes.
    pub fn domain_counts(&self) -> (usize, usize) {
        let causes = self
            .domains
            .iter()
            .filter(|d| d.kind == DomainKind::CommonCause)
            .count();
        (self.domains.len() - causes, causes)
    }

    pub fn domain(&self, name: &str) -> Option<DomainId> {
        self.domains.iter().position(|d| d.name == name)
    }

    pub fn journey(&self, name: &str) -> Option<JourneyId> {
        self.journeys.iter().position(|j| j.name == name)
    }

    pub fn person(&self, name: &str) -> Option<PersonId> {
        self.people.iter().position(|p| p.name == name)
    }

    /// The domain and all the domains that contain it, innermost first.
    pub fn domain_chain(&self, domain: DomainId) -> impl Iterator<Item = DomainId> + '_ {
        std::iter::successors(Some(domain), |&d| self.domains[d].parent)
    }

    /// The zone an instance runs in (its own or an enclosing domain's), if any.
    pub fn zone_of(&self, instance: &Instance) -> Option<DomainId> {
        instance
            .domains
            .iter()
            .flat_map(|&d| self.domain_chain(d))
            .find(|&d| self.domains[d].kind == DomainKind::Zone)
    }

    /// The zones the instances of component `c` run in, sorted (an instance with no zone adds
    /// nothing).
    pub fn zones_of(&self, c: ComponentId) -> Vec<DomainId> {
        let mut zones: Vec<DomainId> = self.components[c]
            .instances
            .iter()
            .filter_map(|i| self.zone_of(i))
            .collect();
        zones.sort_unstable();
        zones.dedup();
        zones
    }

    /// Whether the people section is used at all: when it is not, manual steps are assumed
    /// to have someone able to do them.
    pub fn has_people(&self) -> bool {
        !self.people.is_empty()
    }

    /// The people who can be reached to perform `step` when it is needed: those able to do
    /// it, and of them only the ones on call when the model marks anyone on call.
    pub fn people_reached_for(&self, step: &Step) -> Vec<PersonId> {
        let rota = self.people.iter().any(|p| p.on_call);
        (0..self.people.len())
            .filter(|&p| self.people[p].can.contains(step) && (!rota || self.people[p].on_call))
            .collect()
    }

    /// The people able to perform `step`.
    pub fn people_for(&self, step: &Step) -> Vec<PersonId> {
        (0..self.people.len())
            .filter(|&p| self.people[p].can.contains(step))
            .collect()
    }
}

/// The fixed levels of the failure-domain hierarchy, innermost first. A domain of any other
/// kind (a power feed, a network path, a cluster) is `Custom` and may sit anywhere.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum DomainKind {
    Host,
    Rack,
    Zone,
    Region,
    Provider,
    /// A common cause declared under `common_causes:`: members that fail together for a
    /// reason other than where they run (one image, one config push, one vendor).
    CommonCause,
    Custom(String),
}

impl DomainKind {
    pub fn parse(text: &str) -> DomainKind {
        match text {
            "host" => DomainKind::Host,
            "rack" => DomainKind::Rack,
            "zone" => DomainKind::Zone,
            "region" => DomainKind::Region,
            "provider" => DomainKind::Provider,
            "common-cause" => DomainKind::CommonCause,
            other => DomainKind::Custom(other.to_string()),
        }
    }

    pub fn as_str(&self) -> &str {
        match self {
            DomainKind::Host => "host",
            DomainKind::Rack => "rack",
            DomainKind::Zone => "zone",
            DomainKind::Region => "region",
            DomainKind::Provider => "provider",
            DomainKind::CommonCause => "common-cause",
            DomainKind::Custom(name) => name,
        }
    }

    /// The level in the hierarchy (host 0 .. provider 4); `None` for a custom kind.
    pub fn rank(&self) -> Option<u8> {
        match self {
            DomainKind::Host => Some(0),
            DomainKind::Rack => Some(1),
            DomainKind::Zone => Some(2),
            DomainKind::Region => Some(3),
            DomainKind::Provider => Some(4),
            DomainKind::CommonCause | DomainKind::Custom(_) => None,
        }
    }
}

#[derive(Clone, Debug)]
pub struct Domain {
    pub name: String,
    pub kind: DomainKind,
    pub parent: Option<DomainId>,
    pub restore_time: Option<Duration>,
    pub failures_per_year: Option<f64>,
    /// What a common cause is (`common_causes:`) and the share of its members' failures it
    /// causes; `None` for a place.
    pub common_cause: Option<CommonCause>,
    pub span: Span,
}

/// The beta factor of a common cause that gives neither `beta` nor `failures_per_year`: the
/// upper end of the generic values (0.01 to 0.1) in NUREG/CR-5485, so that a group left
/// unquantified is not taken as rare.
pub const DEFAULT_BETA: f64 = 0.1;

/// A group of components or instances that fail together for one reason (docs/model.md).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct CommonCause {
    /// The beta factor: the share of a member's failures that are this cause and take every
    /// member at once, as written; [`DEFAULT_BETA`] applies when neither it nor the domain's
    /// `failures_per_year` is given.
    pub beta: Option<f64>,
    pub description: Option<String>,
}

macro_rules! kinds {
    ($($variant:ident $name:literal $layer:ident,)*) => {
        /// The vocabulary of component kinds. Each belongs to one layer.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Kind { $($variant,)* }

        impl Kind {
            pub const ALL: &'static [Kind] = &[$(Kind::$variant,)*];
            pub const NAMES: &'static [&'static str] = &[$($name,)*];

            pub fn as_str(self) -> &'static str {
                match self { $(Kind::$variant => $name,)* }
            }

            pub fn parse(text: &str) -> Option<Kind> {
                match text { $($name => Some(Kind::$variant),)* _ => None }
            }

            pub fn layer(self) -> Layer {
                match self { $(Kind::$variant => Layer::$layer,)* }
            }
        }
    };
}

kinds! {
    Dns "dns" Network,
    Cdn "cdn" Network,
    LoadBalancer "load_balancer" Network,
    ApiGateway "api_gateway" Application,
    Web "web" Compute,
    Service "service" Compute,
    Worker "worker" Compute,
    Cache "cache" Data,
    Database "database" Data,
    Queue "queue" Data,
    ObjectStorage "object_storage" Data,
    FileStorage "file_storage" Data,
    Search "search" Data,
    Secrets "secrets" Operations,
    Config "config" Operations,
    Certificate "certificate" Operations,
    NatGateway "nat_gateway" Network,
    Network "network" Network,
    Power "power" Physical,
    ServiceDiscovery "service_discovery" Application,
    Ntp "ntp" Operations,
    Identity "identity" Application,
    Monitoring "monitoring" Operations,
    DeployPipeline "deploy_pipeline" Operations,
    External "external" Application,
}

impl Kind {
    /// Kinds that hold state shared by every instance of their callers (a session store, a
    /// queue, a search cluster): losing the only copy loses the state, not just capacity.
    pub fn holds_shared_state(self) -> bool {
        matches!(
            self,
            Kind::Cache
                | Kind::Queue
                | Kind::Search
                | Kind::Database
                | Kind::FileStorage
                | Kind::ObjectStorage
        )
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Layer {
    Physical,
    Network,
    Compute,
    Data,
    Application,
    Operations,
}

impl Layer {
    pub fn as_str(self) -> &'static str {
        match self {
            Layer::Physical => "physical",
            Layer::Network => "network",
            Layer::Compute => "compute",
            Layer::Data => "data",
            Layer::Application => "application",
            Layer::Operations => "operations",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Failover {
    Manual,
    Automatic,
}

impl Failover {
    pub fn as_str(self) -> &'static str {
        match self {
            Failover::Manual => "manual",
            Failover::Automatic => "automatic",
        }
    }
}

/// How the instances of a component share the work.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Redundancy {
    /// Every instance serves. Without a health check a dead member keeps getting its share of
    /// requests until someone removes it.
    ActiveActive { health_check: bool },
    /// One instance (the first, or the one marked `role: primary`) serves; the others wait.
    /// Losing the primary interrupts service until the failover completes.
    ActivePassive {
        failover: Failover,
        failover_time: Duration,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DeployStrategy {
    AllAtOnce,
    Rolling,
    BlueGreen,
    Canary,
}

impl DeployStrategy {
    pub fn as_str(self) -> &'static str {
        match self {
            DeployStrategy::AllAtOnce => "all-at-once",
            DeployStrategy::Rolling => "rolling",
            DeployStrategy::BlueGreen => "blue-green",
            DeployStrategy::Canary => "canary",
        }
    }
}

#[derive(Clone, Debug)]
pub struct Instance {
    pub name: String,
    /// The innermost domains the instance is placed in (at most one per hierarchy level and
    /// custom kind); their ancestors are implied.
    pub domains: Vec<DomainId>,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct Component {
    pub name: String,
    pub kind: Kind,
    pub description: Option<String>,
    pub instances: Vec<Instance>,
    /// How many instances must be up for the component to serve (k of n).
    pub min_healthy: usize,
    pub redundancy: Redundancy,
    /// The instance that serves in active-passive mode.
    pub primary: usize,
    pub restore_time: Option<Duration>,
    /// A provider service redundant by design: its instances are not failure events of their
    /// own; only the domains it runs in can take it down.
    pub managed: bool,
    pub depends_on: Vec<Dependency>,
    pub deploy: Option<DeployStrategy>,
    pub backups: bool,
    /// A load balancer's floating (virtual) address that moves to the standby.
    pub floating_address: bool,
    pub dns: Option<DnsConfig>,
    pub certificate: Option<CertificateConfig>,
    pub monitoring: Option<MonitoringConfig>,
    pub owner: Option<String>,
    /// Where an importer found it: `file:line` or a resource address.
    pub source: Option<String>,
    /// How often one instance fails; `None` takes the default of its kind.
    pub failures_per_year: Option<f64>,
    /// What one instance costs a month.
    pub cost_per_month: Option<f64>,
    /// What one instance can carry, in the unit of the journeys' `load`.
    pub capacity: Option<f64>,
    /// The component's name in the file.
    pub span: Span,
    /// Where the placement of its instances is written, for findings about zones.
    pub placement_span: Option<Span>,
    /// What `spof probe` checks for this component (URLs, `host:port`).
    pub endpoints: Vec<crate::Sp<crate::Endpoint>>,
}

impl Dependency {
    /// Whether the call is made on `journey`.
    pub fn applies_to(&self, journey: JourneyId) -> bool {
        self.journeys
            .as_ref()
            .is_none_or(|list| list.binary_search(&journey).is_ok())
    }

    /// Whether losing the target leaves the caller up: optional, or served from a local copy.
    /// (A start-up dependency leaves it up too, and not even degraded: see `startup`.)
    pub fn is_soft(&self) -> bool {
        self.optional || self.local_cache
    }
}

impl Component {
    pub fn is_active_passive(&self) -> bool {
        matches!(self.redundancy, Redundancy::ActivePassive { .. })
    }

    pub fn failover(&self) -> Option<(Failover, Duration)> {
        match self.redundancy {
            Redundancy::ActivePassive {
                failover,
                failover_time,
            } => Some((failover, failover_time)),
            Redundancy::ActiveActive { .. } => None,
        }
    }

    /// How many instance losses the component survives.
    pub fn spare(&self) -> usize {
        self.instances.len() - self.min_healthy
    }
}

/// The scope of a dependency: each instance uses the dependency's instances in its own domain
/// of this level (a NAT gateway per zone).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Scope {
    Host,
    Rack,
    Zone,
    Region,
}

impl Scope {
    pub fn kind(self) -> DomainKind {
        match self {
            Scope::Host => DomainKind::Host,
            Scope::Rack => DomainKind::Rack,
            Scope::Zone => DomainKind::Zone,
            Scope::Region => DomainKind::Region,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Backoff {
    None,
    Fixed,
    Exponential,
}

#[derive(Clone, Debug)]
pub struct Dependency {
    pub target: ComponentId,
    pub optional: bool,
    pub scope: Option<Scope>,
    pub timeout: Option<Duration>,
    pub retries: Option<(u32, Backoff)>,
    pub circuit_breaker: bool,
    pub fallback: Option<String>,
    /// The caller keeps a local copy (of configuration, secrets) and serves from it.
    pub local_cache: bool,
    /// Needed only to start: running instances go on without it; an instance that fails
    /// while it is down cannot come back until it is.
    pub startup: bool,
    /// Request-scoped: the call is made only on these journeys (sorted); `None` on every one.
    pub journeys: Option<Vec<JourneyId>>,
    /// Set by importers: where the dependency was inferred from.
    pub inferred: Option<String>,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct DnsConfig {
    pub providers: Vec<String>,
    pub records: Vec<DnsRecord>,
}

#[derive(Clone, Debug)]
pub struct DnsRecord {
    pub name: String,
    /// How many addresses the record resolves to.
    pub address_count: usize,
    /// The components behind the addresses, where the model names them.
    pub targets: Vec<ComponentId>,
    pub health_check: bool,
    /// The names (or URLs) `spof probe` looks up for this record.
    pub endpoints: Vec<crate::Sp<crate::Endpoint>>,
    pub span: Span,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Renewal {
    Manual,
    Automated,
}

#[derive(Clone, Debug)]
pub struct CertificateConfig {
    /// Where the certificate and its key are kept.
    pub stored_on: Vec<ComponentId>,
    pub renewal: Option<Renewal>,
    pub expires: Option<Date>,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct MonitoringConfig {
    /// What it watches; empty means everything else.
    pub watches: Vec<ComponentId>,
}

#[derive(Clone, Debug)]
pub struct Journey {
    pub name: String,
    pub description: Option<String>,
    pub path: Vec<ComponentId>,
    pub critical: bool,
    pub rto_target: Option<Duration>,
    pub traffic: Option<f64>,
    pub downtime_cost_per_hour: Option<f64>,
    /// The load the journey puts on each component it uses.
    pub load: Option<f64>,
    /// False for the journey spof makes up when the model declares none.
    pub declared: bool,
    pub span: Span,
}

/// A manual operation someone must perform.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Step {
    Failover(ComponentId),
    Restore(ComponentId),
    Renew(ComponentId),
    Deploy(ComponentId),
}

impl Step {
    pub fn verb(self) -> &'static str {
        match self {
            Step::Failover(_) => "failover",
            Step::Restore(_) => "restore",
            Step::Renew(_) => "renew",
            Step::Deploy(_) => "deploy",
        }
    }

    pub fn component(self) -> ComponentId {
        match self {
            Step::Failover(c) | Step::Restore(c) | Step::Renew(c) | Step::Deploy(c) => c,
        }
    }
}

#[derive(Clone, Debug)]
pub struct Person {
    pub name: String,
    pub can: Vec<Step>,
    pub on_call: bool,
    pub span: Span,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum DecisionStatus {
    Accepted,
    Mitigating,
    Planned,
}

impl DecisionStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            DecisionStatus::Accepted => "accepted",
            DecisionStatus::Mitigating => "mitigating",
            DecisionStatus::Planned => "planned",
        }
    }
}

/// A team's decision about a finding. The finding is named by code (`SPOF001`) or name
/// (`single-instance`); the rule crate checks it, since only it knows the codes.
#[derive(Clone, Debug)]
pub struct Decision {
    pub finding: String,
    pub component: Option<ComponentId>,
    pub event: Option<String>,
    pub status: DecisionStatus,
    pub owner: Option<String>,
    pub reason: Option<String>,
    pub rto: Option<Duration>,
    pub remediation: Option<String>,
    pub review_by: Option<Date>,
    pub span: Span,
    pub finding_span: Span,
}

/// What a drill fails: a whole component, one instance, or a failure domain.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DrillTarget {
    Component(ComponentId),
    Instance {
        component: ComponentId,
        instance: usize,
    },
    Domain(DomainId),
}

/// How a drill fails or restores its target.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DrillAction {
    /// A shell command, run with `sh -c` (`fail: "systemctl stop haproxy"`).
    Command(String),
    /// A signal sent to processes (`fail: {signal: STOP, pid_file: /run/app.pid}`); the
    /// signal's name without `SIG`, in capitals.
    Signal {
        signal: String,
        process: SignalTarget,
    },
    /// A container by name (`fail: {container: web-1}`): stopped to fail it, started to restore
    /// it, or sent `signal` (`docker kill --signal`) when one is given.
    Container {
        name: String,
        signal: Option<String>,
    },
}

/// Which processes a signal goes to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SignalTarget {
    /// One process by its id.
    Pid(u32),
    /// The process whose id a file holds, read when the drill runs.
    PidFile(String),
    /// Every process of this exact name (as `pgrep -x` finds them), looked up when the drill runs.
    Process(String),
}

/// The signals a drill may send, by their names without `SIG`.
pub const SIGNALS: &[&str] = &[
    "HUP", "INT", "QUIT", "ABRT", "KILL", "USR1", "USR2", "ALRM", "TERM", "CONT", "STOP", "TSTP",
];

/// What one probe of a drill checks.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ProbeCheck {
    /// An HTTP or HTTPS request; a 2xx or 3xx answer is a good probe.
    Url(crate::Endpoint),
    /// A TCP connection to `host:port`; connecting is a good probe.
    Tcp(crate::Endpoint),
    /// A shell command; exit 0 is a good probe.
    Command(String),
}

/// How a drill probes the journey while the target is failed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DrillProbe {
    pub check: crate::Sp<ProbeCheck>,
    /// Time between probes, in milliseconds.
    pub every_ms: u64,
    /// How long one probe may take before it counts as failed, in milliseconds.
    pub timeout_ms: u64,
}

/// A failover drill: fail a target, probe a journey, restore (`spof drill NAME`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Drill {
    pub name: String,
    pub target: DrillTarget,
    /// What fails the target.
    pub fail: crate::Sp<DrillAction>,
    /// What restores it; always run once the fail action has been.
    pub restore: crate::Sp<DrillAction>,
    pub probe: DrillProbe,
    /// The journey the probe stands for (its `rto_target` is the drill's bound); default the
    /// critical journeys through the target.
    pub journey: Option<JourneyId>,
    /// How long to keep the target failed, in milliseconds, unless the journey comes back
    /// first (then the drill holds one more probe interval and restores).
    pub hold_ms: u64,
    /// The hard bound on the whole drill, in milliseconds.
    pub max_duration_ms: u64,
    /// Restore at once when the journey has been down this long, in milliseconds.
    pub abort_after_down_ms: Option<u64>,
    pub span: Span,
}

impl Drill {
    /// The component the drill proves a claim of (for a domain, none).
    pub fn component(&self) -> Option<ComponentId> {
        match self.target {
            DrillTarget::Component(c) | DrillTarget::Instance { component: c, .. } => Some(c),
            DrillTarget::Domain(_) => None,
        }
    }

    /// The target as the model names it: `lb`, `app/2`, `zone-a`.
    pub fn target_name(&self, model: &Model) -> String {
        match self.target {
            DrillTarget::Component(c) => model.components[c].name.clone(),
            DrillTarget::Instance {
                component,
                instance,
            } => format!(
                "{}/{}",
                model.components[component].name,
                model.components[component].instances[instance].name
            ),
            DrillTarget::Domain(d) => model.domains[d].name.clone(),
        }
    }
}
