//! The shape of a model file, written once: the reader checks keys against these tables
//! (unknown keys, near-name suggestions), `spof schema` prints them as JSON Schema, and a test
//! checks that `spof init`'s template mentions every key.

use crate::Kind;
use serde_json::{Map, Value, json};

pub struct Object {
    pub name: &'static str,
    pub doc: &'static str,
    pub fields: &'static [Field],
}

pub struct Field {
    pub name: &'static str,
    pub ty: Ty,
    pub required: bool,
    pub doc: &'static str,
}

pub enum Ty {
    Str,
    /// The name of something else in the model.
    Name(&'static str),
    Uint {
        min: u64,
        max: u64,
    },
    Fraction,
    Money,
    Bool,
    Duration,
    /// A duration that may be finer than a second (`100ms`, `1s500ms`).
    FineDuration,
    Date,
    Enum(&'static [&'static str]),
    List(&'static Ty),
    /// A mapping from names to values of this type.
    Map(&'static Ty),
    Obj(&'static Object),
    /// Either form (a short scalar form or the full object).
    Either(&'static Ty, &'static Ty),
}

impl Object {
    pub fn field(&self, name: &str) -> Option<&Field> {
        self.fields.iter().find(|f| f.name == name)
    }

    pub fn field_names(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.fields.iter().map(|f| f.name)
    }
}

const fn f(name: &'static str, ty: Ty, doc: &'static str) -> Field {
    Field {
        name,
        ty,
        required: false,
        doc,
    }
}

const fn req(name: &'static str, ty: Ty, doc: &'static str) -> Field {
    Field {
        name,
        ty,
        required: true,
        doc,
    }
}

pub const MAX_REPLICAS: u64 = 1_000_000;

pub const DOMAIN_KINDS: &[&str] = &["host", "rack", "zone", "region", "provider"];
pub const MODES: &[&str] = &["active-active", "active-passive"];
pub const FAILOVERS: &[&str] = &["manual", "automatic"];
pub const DEPLOYS: &[&str] = &["all-at-once", "rolling", "blue-green", "canary"];
pub const SCOPES: &[&str] = &["host", "rack", "zone", "region"];
pub const BACKOFFS: &[&str] = &["none", "fixed", "exponential"];
pub const RENEWALS: &[&str] = &["manual", "automated"];
pub const ROLES: &[&str] = &["primary", "standby"];
pub const STATUSES: &[&str] = &["accepted", "mitigating", "planned"];

pub static MODEL: Object = Object {
    name: "model",
    doc: "A system: its failure domains, components, journeys, people and decisions.",
    fields: &[
        f(
            "version",
            Ty::Uint { min: 1, max: 1 },
            "The model format version; 1.",
        ),
        f("name", Ty::Str, "The system's name."),
        f("description", Ty::Str, "What the system is."),
        f(
            "domains",
            Ty::Map(&Ty::Obj(&DOMAIN)),
            "Failure domains: places that fail together.",
        ),
        req(
            "components",
            Ty::Map(&Ty::Obj(&COMPONENT)),
            "The parts of the system, by name.",
        ),
        f(
            "journeys",
            Ty::Map(&Ty::Obj(&JOURNEY)),
            "The user journeys; with none, the whole system is one.",
        ),
        f(
            "people",
            Ty::Map(&Ty::Obj(&PERSON)),
            "Who can perform which manual step.",
        ),
        f(
            "decisions",
            Ty::List(&Ty::Obj(&DECISION)),
            "What the team decided about findings.",
        ),
        f(
            "common_causes",
            Ty::Map(&Ty::Obj(&COMMON_CAUSE)),
            "Components or instances that fail together for one reason other than where they run (one image, one config push, one vendor), by name.",
        ),
        f(
            "drills",
            Ty::Map(&Ty::Obj(&DRILL)),
            "Failover drills, by name: how to fail and restore a target and probe the journey (`spof drill NAME`).",
        ),
    ],
};

pub static DOMAIN: Object = Object {
    name: "domain",
    doc: "A failure domain. The kinds host < rack < zone < region < provider nest; any other kind (power, network, cluster) may sit anywhere.",
    fields: &[
        req(
            "kind",
            Ty::Str,
            "host, rack, zone, region, provider, or a name of your own (power, network...).",
        ),
        f(
            "in",
            Ty::Name("domain"),
            "The enclosing domain (a zone's region, a host's rack or zone); domains nest at most 64 deep.",
        ),
        f(
            "restore_time",
            Ty::Duration,
            "How long the domain takes to come back after it fails.",
        ),
        f(
            "failures_per_year",
            Ty::Money,
            "How often the domain fails, for availability and risk ranking (default per kind; see docs/availability.md).",
        ),
        f("description", Ty::Str, "What the domain is."),
    ],
};

pub static COMMON_CAUSE: Object = Object {
    name: "common cause",
    doc: "A group that fails together for one reason other than where it runs: one image, one config push, one vendor, one certificate authority. Its failure is one event, like a zone's, that takes every member down at once (event id `common-cause:NAME`).",
    fields: &[
        req(
            "members",
            Ty::List(&Ty::Name("component or instance")),
            "What shares the cause: components (every instance) or instances (`db/1`, `db/primary`).",
        ),
        f(
            "beta",
            Ty::Fraction,
            "The beta factor: the share of a member's failures that are this cause and take every member at once (default 0.1); its rate is beta times the members' mean failures per year.",
        ),
        f(
            "failures_per_year",
            Ty::Money,
            "How often the cause strikes, instead of `beta`.",
        ),
        f(
            "restore_time",
            Ty::Duration,
            "How long undoing it takes (a rollback, a vendor's fix); without it the members' repair is unknown and the journey is down until repaired.",
        ),
        f(
            "description",
            Ty::Str,
            "What the cause is (\"one bad config push\").",
        ),
    ],
};

pub static COMPONENT: Object = Object {
    name: "component",
    doc: "A part of the system.",
    fields: &[
        req(
            "kind",
            Ty::Enum(Kind::NAMES),
            "What the component is; decides its layer and checklist item.",
        ),
        f("description", Ty::Str, "What the component does."),
        f(
            "replicas",
            Ty::Uint {
                min: 1,
                max: MAX_REPLICAS,
            },
            "How many identical instances run (default 1).",
        ),
        f(
            "instances",
            Ty::List(&Ty::Either(&Ty::Str, &Ty::Obj(&INSTANCE))),
            "Instances named one by one, instead of `replicas`.",
        ),
        f(
            "min_healthy",
            Ty::Uint {
                min: 1,
                max: MAX_REPLICAS,
            },
            "How many instances must be up to serve (k of n; default 1).",
        ),
        f(
            "mode",
            Ty::Enum(MODES),
            "active-active (all serve) or active-passive (one serves, the others wait); default active-active, or active-passive when `failover` is given.",
        ),
        f(
            "health_check",
            Ty::Bool,
            "Active-active: whether a dead instance stops getting traffic (default true).",
        ),
        f(
            "failover",
            Ty::Enum(FAILOVERS),
            "Active-passive: whether a standby takes over by itself or by hand.",
        ),
        f(
            "failover_time",
            Ty::Duration,
            "How long a failover takes (default 1m automatic, 30m manual).",
        ),
        f(
            "restore_time",
            Ty::Duration,
            "How long a repair or restore takes when no instance is left.",
        ),
        f(
            "managed",
            Ty::Bool,
            "A provider service redundant by design (AWS ALB, RDS Multi-AZ): only its domains can take it down.",
        ),
        f(
            "in",
            Ty::List(&Ty::Name("domain")),
            "Domains every instance is in.",
        ),
        f(
            "spread",
            Ty::List(&Ty::Name("domain")),
            "Domains the instances are spread over, in turn (instance 1 in the first, 2 in the second...).",
        ),
        f(
            "depends_on",
            Ty::List(&Ty::Either(&Ty::Name("component"), &Ty::Obj(&DEPENDENCY))),
            "What this component needs: a name (a hard dependency) or the full form.",
        ),
        f(
            "deploy",
            Ty::Enum(DEPLOYS),
            "How new versions roll out; all-at-once makes one bad deploy fail every instance.",
        ),
        f(
            "backups",
            Ty::Bool,
            "Whether the data is backed up (a backup is not a standby).",
        ),
        f(
            "floating_address",
            Ty::Bool,
            "A load balancer's virtual address that moves to the standby.",
        ),
        f(
            "dns",
            Ty::Obj(&DNS),
            "For a dns component: providers and records.",
        ),
        f(
            "certificate",
            Ty::Obj(&CERTIFICATE),
            "For a certificate component: where it is kept, renewal and expiry.",
        ),
        f(
            "monitoring",
            Ty::Obj(&MONITORING),
            "For a monitoring component: what it watches.",
        ),
        f("owner", Ty::Str, "Who owns the component."),
        f(
            "failures_per_year",
            Ty::Money,
            "How often one instance fails, for availability and risk ranking (default per kind; see docs/availability.md).",
        ),
        f(
            "capacity",
            Ty::Money,
            "What one instance can carry (requests a second, or any unit the journeys' `load` uses).",
        ),
        f(
            "cost_per_month",
            Ty::Money,
            "What one instance costs a month: the price of the redundancy that would remove a SPOF.",
        ),
        f(
            "source",
            Ty::Str,
            "Where the component was imported from (`file:line` or a resource address); findings point there.",
        ),
        f(
            "endpoints",
            Ty::List(&Ty::Str),
            "What `spof probe` checks: URLs (`https://host/health`: certificate and health; `http://`: health) and `host:port` (a TLS certificate).",
        ),
    ],
};

pub static INSTANCE: Object = Object {
    name: "instance",
    doc: "One instance of a component.",
    fields: &[
        req("name", Ty::Str, "The instance's name."),
        f(
            "in",
            Ty::List(&Ty::Name("domain")),
            "The domains the instance runs in (a host, a zone...).",
        ),
        f(
            "role",
            Ty::Enum(ROLES),
            "Active-passive: the primary serves; default the first instance.",
        ),
    ],
};

pub static DEPENDENCY: Object = Object {
    name: "dependency",
    doc: "A dependency edge with its resilience attributes.",
    fields: &[
        req(
            "component",
            Ty::Name("component"),
            "The component depended on.",
        ),
        f(
            "optional",
            Ty::Bool,
            "The caller degrades gracefully without it (fallback, cache, feature flag).",
        ),
        f(
            "per",
            Ty::Enum(SCOPES),
            "Each instance uses the dependency's instances in its own domain of this level.",
        ),
        f(
            "timeout",
            Ty::Duration,
            "How long a call waits before giving up.",
        ),
        f(
            "retries",
            Ty::Either(&Ty::Uint { min: 0, max: 100 }, &Ty::Obj(&RETRIES)),
            "Retries: a count, or count and backoff.",
        ),
        f(
            "circuit_breaker",
            Ty::Bool,
            "Calls stop for a while after repeated failures.",
        ),
        f(
            "fallback",
            Ty::Str,
            "What the caller does when the call fails.",
        ),
        f(
            "startup",
            Ty::Bool,
            "Needed only to start (a migration, configuration fetched at boot, an initContainer that waits for it): running instances go on without it, but one that fails while it is down cannot come back until it is.",
        ),
        f(
            "cache",
            Ty::Bool,
            "The caller keeps a local copy (of configuration, secrets) and serves from it: its loss degrades the caller instead of taking it down.",
        ),
        f(
            "journeys",
            Ty::List(&Ty::Name("journey")),
            "Request-scoped: the call is made only on these journeys (default: on every journey through the caller).",
        ),
        f(
            "inferred",
            Ty::Str,
            "Set by importers: the dependency was inferred, and from where (an environment value, a URL...).",
        ),
    ],
};

pub static RETRIES: Object = Object {
    name: "retries",
    doc: "How a call is retried.",
    fields: &[
        req("count", Ty::Uint { min: 0, max: 100 }, "How many times."),
        f(
            "backoff",
            Ty::Enum(BACKOFFS),
            "How the wait grows between tries.",
        ),
    ],
};

pub static DNS: Object = Object {
    name: "dns",
    doc: "DNS providers and records. Each provider is an instance of the dns component.",
    fields: &[
        f(
            "providers",
            Ty::List(&Ty::Str),
            "The DNS providers serving the zone (Route 53, Cloudflare...).",
        ),
        f(
            "records",
            Ty::Map(&Ty::Obj(&DNS_RECORD)),
            "Records by name.",
        ),
    ],
};

pub static DNS_RECORD: Object = Object {
    name: "dns record",
    doc: "A DNS record and what it points at.",
    fields: &[
        f(
            "addresses",
            Ty::Either(
                &Ty::Uint { min: 1, max: 1000 },
                &Ty::List(&Ty::Name("component")),
            ),
            "How many addresses, or the components behind them.",
        ),
        f(
            "health_check",
            Ty::Bool,
            "Whether the provider stops answering with a dead address.",
        ),
        f("ttl", Ty::Duration, "The record's time to live."),
        f(
            "endpoints",
            Ty::List(&Ty::Str),
            "The names `spof probe` looks up for this record (`www.example.com`; URLs and `host:port` are also probed): addresses, CNAME chain, the zone's name servers.",
        ),
    ],
};

pub static CERTIFICATE: Object = Object {
    name: "certificate",
    doc: "A TLS certificate.",
    fields: &[
        f(
            "stored_on",
            Ty::List(&Ty::Name("component")),
            "The components holding the certificate and its key.",
        ),
        f(
            "renewal",
            Ty::Enum(RENEWALS),
            "Whether renewal is automated or done by hand.",
        ),
        f("expires", Ty::Date, "The expiry date (YYYY-MM-DD)."),
    ],
};

pub static MONITORING: Object = Object {
    name: "monitoring",
    doc: "What a monitoring component watches.",
    fields: &[f(
        "watches",
        Ty::List(&Ty::Name("component")),
        "The components watched; default all others.",
    )],
};

pub static JOURNEY: Object = Object {
    name: "journey",
    doc: "A user journey: the components a request touches.",
    fields: &[
        req(
            "path",
            Ty::List(&Ty::Name("component")),
            "The components on the request path; their dependencies come with them.",
        ),
        f(
            "critical",
            Ty::Bool,
            "Whether losing the journey is an outage (default true).",
        ),
        f("rto_target", Ty::Duration, "The recovery time objective."),
        f(
            "traffic",
            Ty::Fraction,
            "The journey's share of traffic, 0 to 1.",
        ),
        f(
            "load",
            Ty::Money,
            "The journey's load on each component it uses, in the unit of their `capacity`.",
        ),
        f(
            "downtime_cost_per_hour",
            Ty::Money,
            "What an hour of downtime costs.",
        ),
        f("description", Ty::Str, "What the journey is."),
    ],
};

pub static PERSON: Object = Object {
    name: "person",
    doc: "Someone who can perform manual steps.",
    fields: &[
        f(
            "can",
            Ty::List(&Ty::Str),
            "Steps as `VERB:COMPONENT`, VERB one of failover, restore, renew, deploy.",
        ),
        f(
            "on_call",
            Ty::Bool,
            "Whether the person is in the on-call rotation.",
        ),
        f("description", Ty::Str, "Who the person is."),
    ],
};

pub static DECISION: Object = Object {
    name: "decision",
    doc: "What the team decided about a finding.",
    fields: &[
        req(
            "finding",
            Ty::Str,
            "The finding's code (SPOF001) or name (single-instance).",
        ),
        f(
            "component",
            Ty::Name("component"),
            "The component the finding is about; default every one.",
        ),
        f(
            "event",
            Ty::Str,
            "The failure event (zone:a, app/1) the finding is about.",
        ),
        req(
            "status",
            Ty::Enum(STATUSES),
            "accepted, mitigating or planned.",
        ),
        f(
            "owner",
            Ty::Str,
            "Who owns the decision; needed for it to hide its finding.",
        ),
        f("reason", Ty::Str, "Why."),
        f(
            "rto",
            Ty::Duration,
            "The recovery time the team accepts; when the analysis finds a longer or unknown one, the decision hides nothing.",
        ),
        f("remediation", Ty::Str, "What will be done."),
        f(
            "review_by",
            Ty::Date,
            "After this date the decision expires and the finding shows again; needed for it to hide its finding.",
        ),
    ],
};

pub static DRILL: Object = Object {
    name: "drill",
    doc: "A failover drill: fail a target with a command, probe the journey at a fine interval, restore; `spof drill NAME` runs it and measures the interruption.",
    fields: &[
        req(
            "target",
            Ty::Str,
            "What the drill fails: a component (`lb`), an instance (`app/2`) or a domain (`zone-a`).",
        ),
        req(
            "fail",
            Ty::Either(&Ty::Str, &Ty::Obj(&DRILL_ACTION)),
            "What fails the target: a shell command (`systemctl stop haproxy`), a signal (`{signal: STOP, pid_file: /run/app.pid}`) or a container (`{container: web-1}`: docker stop).",
        ),
        req(
            "restore",
            Ty::Either(&Ty::Str, &Ty::Obj(&DRILL_ACTION)),
            "What restores it, in the same forms (`{signal: CONT, ...}`, `{container: web-1}`: docker start); always run once `fail` has run, whatever happens.",
        ),
        req(
            "probe",
            Ty::Obj(&DRILL_PROBE),
            "How the journey is probed while the target is failed.",
        ),
        f(
            "journey",
            Ty::Name("journey"),
            "The journey the probe stands for; its `rto_target` bounds the interruption (default: the critical journeys through the target).",
        ),
        f(
            "hold",
            Ty::FineDuration,
            "How long to keep the target failed, unless the journey is back first (default 30s).",
        ),
        f(
            "max_duration",
            Ty::FineDuration,
            "The hard bound on the whole drill; past it the target is restored and the drill is an error (default 5m).",
        ),
        f(
            "abort_after_down",
            Ty::FineDuration,
            "Restore at once when the journey has been down this long.",
        ),
    ],
};

pub static DRILL_PROBE: Object = Object {
    name: "drill probe",
    doc: "The check a drill repeats to see whether the journey works: an HTTP request (`url`), a TCP connection (`tcp`) or a command (`command`).",
    fields: &[
        f(
            "url",
            Ty::Str,
            "An http:// or https:// URL; a 2xx or 3xx answer in time is a good probe. Give one of `url`, `tcp` and `command`.",
        ),
        f(
            "tcp",
            Ty::Str,
            "`host:port`; a TCP connection made in time is a good probe.",
        ),
        f(
            "command",
            Ty::Str,
            "A shell command; exit 0 in time is a good probe (`redis-cli -p 6379 SET k v`).",
        ),
        f(
            "every",
            Ty::FineDuration,
            "Time between probes (default 100ms; at least 10ms).",
        ),
        f(
            "timeout",
            Ty::FineDuration,
            "How long one probe may take (default 1s).",
        ),
    ],
};

pub static DRILL_ACTION: Object = Object {
    name: "drill action",
    doc: "How a drill fails or restores its target, other than a plain shell command: `command`, a `signal` to a process (`pid`, `pid_file` or `process`), or a `container`.",
    fields: &[
        f(
            "command",
            Ty::Str,
            "A shell command, run with `sh -c` (the same as the plain string form).",
        ),
        f(
            "signal",
            Ty::Str,
            "The signal to send (`STOP`, `CONT`, `KILL`, `TERM`, `HUP`, `INT`, `QUIT`, `USR1`, `USR2`, `ABRT`, `ALRM`, `TSTP`; `SIG` may lead): to the process named by `pid`, `pid_file` or `process`, or to the `container` (docker kill --signal).",
        ),
        f(
            "pid",
            Ty::Uint {
                min: 1,
                max: 4_294_967_295,
            },
            "The id of the process to signal.",
        ),
        f(
            "pid_file",
            Ty::Str,
            "A file holding the id of the process to signal, read when the drill runs.",
        ),
        f(
            "process",
            Ty::Str,
            "The exact name of the processes to signal (every one that `pgrep -x` finds).",
        ),
        f(
            "container",
            Ty::Str,
            "A container's name: `docker stop` to fail it, `docker start` to restore it, or `docker kill --signal` with `signal`; `SPOF_DOCKER` names another binary.",
        ),
    ],
};

/// Every object type, for tests that walk them all.
pub static ALL_OBJECTS: &[&Object] = &[
    &MODEL,
    &DOMAIN,
    &COMPONENT,
    &INSTANCE,
    &DEPENDENCY,
    &RETRIES,
    &DNS,
    &DNS_RECORD,
    &CERTIFICATE,
    &MONITORING,
    &JOURNEY,
    &PERSON,
    &DECISION,
    &DRILL,
    &DRILL_ACTION,
    &DRILL_PROBE,
    &COMMON_CAUSE,
];

/// The model's JSON Schema (draft 2020-12).
pub fn json_schema() -> Value {
    let mut defs = Map::new();
    for object in ALL_OBJECTS.iter().skip(1) {
        defs.insert(def_name(object), object_schema(object));
    }
    let mut root = object_schema(&MODEL);
    let root_map = root.as_object_mut().expect("an object schema");
    root_map.insert(
        "$schema".into(),
        json!("https://json-schema.org/draft/2020-12/schema"),
    );
    root_map.insert("$id".into(), json!("https://spof.dev/schema/model-v1.json"));
    root_map.insert("title".into(), json!("spof model"));
    root_map.insert("$defs".into(), Value::Object(defs));
    root
}

fn def_name(object: &Object) -> String {
    object.name.replace(' ', "_")
}

fn object_schema(object: &Object) -> Value {
    let mut properties = Map::new();
    for field in object.fields {
        let mut schema = ty_schema(&field.ty);
        if let Some(map) = schema.as_object_mut() {
            map.insert("description".into(), json!(field.doc));
        }
        properties.insert(field.name.into(), schema);
    }
    let required: Vec<&str> = object
        .fields
        .iter()
        .filter(|f| f.required)
        .map(|f| f.name)
        .collect();
    json!({
        "type": "object",
        "description": object.doc,
        "properties": properties,
        "required": required,
        "additionalProperties": false,
    })
}

fn ty_schema(ty: &Ty) -> Value {
    match ty {
        Ty::Str => json!({"type": "string"}),
        Ty::Name(what) => {
            json!({"type": "string", "minLength": 1, "$comment": format!("the name of a {what}")})
        }
        Ty::Uint { min, max } => json!({"type": "integer", "minimum": min, "maximum": max}),
        Ty::Fraction => json!({"type": "number", "minimum": 0, "maximum": 1}),
        Ty::Money => json!({"type": "number", "minimum": 0}),
        Ty::Bool => json!({"type": "boolean"}),
        Ty::Duration => json!({"type": "string", "pattern": "^([0-9]+[smhdw])+$|^0$"}),
        Ty::FineDuration => {
            json!({"type": "string", "pattern": "^([0-9]+(ms|[smhd]))+$|^0$"})
        }
        Ty::Date => json!({"type": "string", "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"}),
        Ty::Enum(values) => json!({"enum": values}),
        Ty::List(item) => json!({"type": "array", "items": ty_schema(item)}),
        Ty::Map(value) => json!({"type": "object", "additionalProperties": ty_schema(value)}),
        Ty::Obj(object) => json!({"$ref": format!("#/$defs/{}", def_name(object))}),
        Ty::Either(a, b) => json!({"oneOf": [ty_schema(a), ty_schema(b)]}),
    }
}
