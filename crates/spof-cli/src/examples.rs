//! The built-in examples, embedded in the binary; the same files are in `examples/`.

pub struct Example {
    pub name: &'static str,
    pub summary: &'static str,
    pub text: &'static str,
}

pub static ALL: &[Example] = &[
    Example {
        name: "ecommerce-2009",
        summary: "A 2009 web shop: four SPOFs a reviewer found in thirty minutes.",
        text: include_str!("../../../examples/ecommerce-2009.yaml"),
    },
    Example {
        name: "three-tier",
        summary: "One load balancer, one app, one database, one zone: everything is a SPOF.",
        text: include_str!("../../../examples/three-tier.yaml"),
    },
    Example {
        name: "nat-gateway",
        summary: "Two zones, one NAT gateway: zone a takes checkout down.",
        text: include_str!("../../../examples/nat-gateway.yaml"),
    },
    Example {
        name: "deploy-and-monitoring",
        summary: "All-at-once deploys and monitoring inside what it watches.",
        text: include_str!("../../../examples/deploy-and-monitoring.yaml"),
    },
];

/// The commented template `spof init` writes.
pub const TEMPLATE: &str = include_str!("template.yaml");

pub fn find(name: &str) -> Result<&'static Example, String> {
    ALL.iter().find(|e| e.name == name).ok_or_else(|| {
        let hint = spof_model::suggest(name, ALL.iter().map(|e| e.name))
            .map(|n| format!("did you mean `{n}`? "))
            .unwrap_or_default();
        let names: Vec<&str> = ALL.iter().map(|e| e.name).collect();
        format!(
            "no built-in example `{name}`; {hint}examples: {}",
            names.join(", ")
        )
    })
}
