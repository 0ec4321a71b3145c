//! Edits of a [`Model`] that keep what the reader guarantees: every instance of a component
//! has a name of its own, at most one domain of each kind (counting the domains around it),
//! `min_healthy` and the primary within the instances, every reference in range, and domains
//! that nest without a loop. `spof plan` makes its fixes through these, and
//! [`Model::invariant_errors`] says what an edit (or a hand-built model) broke.

use crate::{
    ComponentId, Domain, DomainId, DomainKind, Duration, Failover, Instance, Kind, Model,
    Redundancy,
};
use std::collections::BTreeSet;

impl Model {
    /// Adds instances to component `c` up to `to` in all, each placed like an existing one in
    /// turn (the first new one like the first instance), named by the next free number.
    pub fn add_instances(&mut self, c: ComponentId, to: usize) {
        let component = &mut self.components[c];
        let existing = component.instances.len();
        let mut next = existing + 1;
        while component.instances.len() < to {
            let template =
                component.instances[(component.instances.len() - existing) % existing].clone();
            while component
                .instances
                .iter()
                .any(|i| i.name == next.to_string())
            {
                next += 1;
            }
            component.instances.push(Instance {
                name: next.to_string(),
                ..template
            });
            next += 1;
        }
    }

    /// One more instance of `c` as a standby that takes over automatically after
    /// `failover_time` (behind a floating address for a load balancer); the serving instance
    /// stays the primary, and one instance is enough to serve.
    pub fn add_standby(&mut self, c: ComponentId, failover_time: Duration) {
        let n = self.components[c].instances.len();
        self.add_instances(c, n + 1);
        let component = &mut self.components[c];
        component.redundancy = Redundancy::ActivePassive {
            failover: Failover::Automatic,
            failover_time,
        };
        component.min_healthy = 1;
        if component.kind == Kind::LoadBalancer {
            component.floating_address = true;
        }
    }

    /// Names for `count` new domains beside `domain`, none of them taken: `us-east-1a` →
    /// `us-east-1b`, `h1` → `h2`, else `name-2`.
    pub fn sibling_names(&self, domain: DomainId, count: usize) -> Vec<String> {
        let base = &self.domains[domain].name;
        let mut taken: BTreeSet<String> = self.domains.iter().map(|d| d.name.clone()).collect();
        let mut names = Vec::new();
        let mut candidate = base.clone();
        for _ in 0..count {
            let mut tries = 0;
            loop {
                candidate = next_name(&candidate, base, tries);
                tries += 1;
                if !taken.contains(&candidate) {
                    break;
                }
            }
            taken.insert(candidate.clone());
            names.push(candidate.clone());
        }
        names
    }

    /// A new domain beside `domain` (its kind, its figures) named `name`, inside `parent`.
    /// The name must be free and the parent must enclose domains of this kind.
    pub fn add_domain(
        &mut self,
        like: DomainId,
        name: String,
        parent: Option<DomainId>,
    ) -> DomainId {
        debug_assert!(self.domain(&name).is_none(), "domain `{name}` exists");
        let original = &self.domains[like];
        let copy = Domain {
            name,
            kind: original.kind.clone(),
            parent,
            restore_time: original.restore_time,
            failures_per_year: original.failures_per_year,
            common_cause: original.common_cause.clone(),
            span: original.span,
        };
        self.domains.push(copy);
        self.domains.len() - 1
    }

    /// Spreads the instances of `components`, all inside `domain`, over it and `count - 1` new
    /// domains beside it, in turn (instance 1 stays, 2 goes to the first new one...). Domains
    /// inside `domain` that a moved instance uses are mirrored inside the new domain.
    pub fn spread_out(&mut self, domain: DomainId, components: &[ComponentId], count: usize) {
        let parent = self.domains[domain].parent;
        let mut targets = vec![domain];
        for name in self.sibling_names(domain, count.saturating_sub(1)) {
            targets.push(self.add_domain(domain, name, parent));
        }
        // (domain inside `domain`, target index) -> its mirror.
        let mut mirrors: Vec<((DomainId, usize), DomainId)> = Vec::new();
        for &c in components {
            for i in 0..self.components[c].instances.len() {
                let target = i % targets.len();
                if target == 0 {
                    continue;
                }
                let domains = self.components[c].instances[i].domains.clone();
                let mut placed = Vec::new();
                for d in domains {
                    let path: Vec<DomainId> = self.domain_chain(d).collect();
                    let Some(pos) = path.iter().position(|&x| x == domain) else {
                        placed.push(d);
                        continue;
                    };
                    // Mirror the path below `domain`, outermost first.
                    let mut under = targets[target];
                    for &inner in path[..pos].iter().rev() {
                        under = match mirrors.iter().find(|(k, _)| *k == (inner, target)) {
                            Some(&(_, copy)) => copy,
                            None => {
                                let name = self.free_domain_name(format!(
                                    "{}-{}",
                                    self.domains[inner].name, self.domains[targets[target]].name
                                ));
                                let copy = self.add_domain(inner, name, Some(under));
                                mirrors.push(((inner, target), copy));
                                copy
                            }
                        };
                    }
                    placed.push(under);
                }
                placed.sort_unstable();
                placed.dedup();
                self.components[c].instances[i].domains = placed;
            }
        }
    }

    /// Places the instances of `c` in `domains` in turn (instance 1 in the first...), all of
    /// one kind: each instance leaves the domain of that kind it was in, and the domains
    /// inside that one (a host of the old zone is no place in the new zone).
    pub fn place_in_turn(&mut self, c: ComponentId, domains: &[DomainId]) {
        let Some(&first) = domains.first() else {
            return;
        };
        let kind = self.domains[first].kind.clone();
        for i in 0..self.components[c].instances.len() {
            let target = domains[i % domains.len()];
            let kept: Vec<DomainId> = self.components[c].instances[i]
                .domains
                .iter()
                .copied()
                .filter(|&d| !self.domain_chain(d).any(|x| self.domains[x].kind == kind))
                .collect();
            let mut placed = kept;
            placed.push(target);
            placed.sort_unstable();
            placed.dedup();
            self.components[c].instances[i].domains = placed;
        }
    }

    /// `name`, or `name-2`, `name-3`... whichever is free among the domains.
    fn free_domain_name(&self, name: String) -> String {
        if self.domain(&name).is_none() {
            return name;
        }
        (2..)
            .map(|k| format!("{name}-{k}"))
            .find(|n| self.domain(n).is_none())
            .expect("a free name")
    }

    /// What breaks the reader's guarantees, in words; empty for a sound model.
    pub fn invariant_errors(&self) -> Vec<String> {
        let mut errors = Vec::new();
        let mut names = BTreeSet::new();
        for d in &self.domains {
            if !names.insert(d.name.as_str()) {
                errors.push(format!("two domains are named `{}`", d.name));
            }
            if d.parent.is_some_and(|p| p >= self.domains.len()) {
                errors.push(format!(
                    "domain `{}` is in a domain that does not exist",
                    d.name
                ));
            }
        }
        for d in 0..self.domains.len() {
            if self.domain_chain(d).take(self.domains.len() + 1).count() > self.domains.len() {
                errors.push(format!(
                    "domain `{}` is inside itself",
                    self.domains[d].name
                ));
                return errors;
            }
        }
        let mut names = BTreeSet::new();
        for component in &self.components {
            let name = &component.name;
            if !names.insert(name.as_str()) {
                errors.push(format!("two components are named `{name}`"));
            }
            let n = component.instances.len();
            if n == 0 {
                errors.push(format!("`{name}` has no instance"));
                continue;
            }
            if component.min_healthy == 0 || component.min_healthy > n {
                errors.push(format!(
                    "`{name}` needs {} of its {n} instances",
                    component.min_healthy
                ));
            }
            if component.primary >= n {
                errors.push(format!("`{name}`'s primary is not one of its instances"));
            }
            let mut instance_names = BTreeSet::new();
            for instance in &component.instances {
                if !instance_names.insert(instance.name.as_str()) {
                    errors.push(format!(
                        "`{name}` has two instances named `{}`",
                        instance.name
                    ));
                }
                if instance.domains.iter().any(|&d| d >= self.domains.len()) {
                    errors.push(format!(
                        "instance `{}` of `{name}` is in a domain that does not exist",
                        instance.name
                    ));
                    continue;
                }
                let mut kinds: Vec<(&DomainKind, DomainId)> = instance
                    .domains
                    .iter()
                    .flat_map(|&d| self.domain_chain(d))
                    .map(|d| (&self.domains[d].kind, d))
                    .collect();
                kinds.sort_unstable_by_key(|a| a.1);
                kinds.dedup();
                for (k, (kind, d)) in kinds.iter().enumerate() {
                    if kinds[k + 1..]
                        .iter()
                        .any(|(other, e)| other == kind && e != d)
                    {
                        errors.push(format!(
                            "instance `{}` of `{name}` is in two domains of kind {}",
                            instance.name,
                            kind.as_str()
                        ));
                    }
                }
            }
            for dep in &component.depends_on {
                if dep.target >= self.components.len() {
                    errors.push(format!(
                        "`{name}` depends on a component that does not exist"
                    ));
                }
                if dep
                    .journeys
                    .as_ref()
                    .is_some_and(|js| js.iter().any(|&j| j >= self.journeys.len()))
                {
                    errors.push(format!(
                        "`{name}` scopes a dependency to a journey that does not exist"
                    ));
                }
            }
        }
        errors
    }
}

/// The name after `previous` in the series of `base`'s siblings.
fn next_name(previous: &str, base: &str, tries: usize) -> String {
    if tries > 50 {
        return format!("{base}-{tries}");
    }
    let digits = previous.len()
        - previous
            .trim_end_matches(|c: char| c.is_ascii_digit())
            .len();
    if digits > 0 && digits < 10 {
        let (head, number) = previous.split_at(previous.len() - digits);
        let n: u64 = number.parse().unwrap_or(0);
        return format!("{head}{}", n + 1);
    }
    // A trailing letter is a zone letter when it stands alone or follows a digit or a
    // separator (`a`, `us-east-1a`, `zone-a`); `prod` is a name, not a letter.
    let mut chars = previous.chars().rev();
    let last = chars.next();
    let before = chars.next();
    match (last, before) {
        (Some(ch), before)
            if ch.is_ascii_alphabetic()
                && !matches!(ch, 'z' | 'Z')
                && before.is_none_or(|b| b.is_ascii_digit() || b == '-' || b == '_') =>
        {
            format!(
                "{}{}",
                &previous[..previous.len() - 1],
                (ch as u8 + 1) as char
            )
        }
        _ => format!("{base}-{}", tries + 2),
    }
}
