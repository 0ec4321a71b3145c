//! Risk groups of at most two events, exactly, without a decision diagram: for models whose
//! structure is too large for one (a hundred thousand instances on hosts shared by many
//! components), each gate's minimal cut sets of order one and two are computed bottom-up as
//! explicit families, in the dependency order of the fault graph.
//!
//! A family is minimal: no pair holds one of the family's singles. The gates are the same as
//! the BDD's (`risks.rs`, after automatic failovers): an instance fails on its own event, its
//! domains or a scoped group; a component on `threshold` failed instances, a whole-component
//! event or a failed hard dependency (and, with a manual standby, on its primary); a journey
//! on any component of its path. A k-of-n gate keeps a single that fails `k` inputs and a pair
//! whose members together fail `k` of them.

use crate::dd::TooLarge;
use crate::graph::{EventId, FaultGraph};
use rustc_hash::FxHashMap;
use spof_model::{ComponentId, DomainId, Failover};

/// Minimal cut sets of order one and two.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Family {
    pub singles: Vec<EventId>,
    /// `(a, b)` with `a < b`; none holds a single of the family.
    pub pairs: Vec<(EventId, EventId)>,
}

impl Family {
    fn single(e: EventId) -> Family {
        Family {
            singles: vec![e],
            pairs: Vec::new(),
        }
    }

    fn size(&self) -> usize {
        self.singles.len() + self.pairs.len()
    }
}

/// Bounds the work: families larger than this many sets in all give up.
pub struct Budget {
    pub limit: usize,
}

/// The union of families, minimised.
pub fn or(families: &[&Family]) -> Family {
    match families {
        [] => return Family::default(),
        [one] => return (*one).clone(),
        _ => {}
    }
    let mut singles: Vec<EventId> = families
        .iter()
        .flat_map(|f| f.singles.iter().copied())
        .collect();
    singles.sort_unstable();
    singles.dedup();
    let mut pairs: Vec<(EventId, EventId)> = families
        .iter()
        .flat_map(|f| f.pairs.iter().copied())
        .filter(|(a, b)| singles.binary_search(a).is_err() && singles.binary_search(b).is_err())
        .collect();
    pairs.sort_unstable();
    pairs.dedup();
    Family { singles, pairs }
}

/// An input of a k-of-n gate: a family shared by several inputs (an instance's placement and
/// scoped groups) and, optionally, one event of the input's own (the instance's event), which
/// no other input and no set of `base` holds.
#[derive(Clone, Copy)]
pub struct Input<'a> {
    pub base: &'a Family,
    pub own: Option<EventId>,
}

impl Input<'_> {
    fn singles(&self) -> impl Iterator<Item = EventId> + '_ {
        self.base.singles.iter().copied().chain(self.own)
    }
}

fn or_inputs(inputs: &[Input]) -> Family {
    let mut singles: Vec<EventId> = inputs.iter().flat_map(|i| i.singles()).collect();
    singles.sort_unstable();
    singles.dedup();
    let mut bases: Vec<&Family> = inputs.iter().map(|i| i.base).collect();
    bases.sort_unstable_by_key(|f| *f as *const Family);
    bases.dedup_by_key(|f| *f as *const Family);
    let mut pairs: Vec<(EventId, EventId)> = bases
        .iter()
        .flat_map(|f| f.pairs.iter().copied())
        .filter(|(a, b)| singles.binary_search(a).is_err() && singles.binary_search(b).is_err())
        .collect();
    pairs.sort_unstable();
    pairs.dedup();
    Family { singles, pairs }
}

/// The sets of at most two events that fail at least `k` of the inputs, minimised.
pub fn at_least(k: usize, inputs: &[Input], budget: &Budget) -> Result<Family, TooLarge> {
    if k == 0 {
        // Always failed: the family of the empty set. Thresholds are at least one.
        return Ok(Family::default());
    }
    if k > inputs.len() {
        return Ok(Family::default());
    }
    if k == 1 {
        return Ok(or_inputs(inputs));
    }
    // How many inputs each event fails alone.
    let mut count: FxHashMap<EventId, u32> = FxHashMap::default();
    for input in inputs {
        for e in input.singles() {
            *count.entry(e).or_insert(0) += 1;
        }
    }
    let mut singles: Vec<EventId> = count
        .iter()
        .filter(|&(_, &n)| n as usize >= k)
        .map(|(&e, _)| e)
        .collect();
    singles.sort_unstable();
    let is_single = |e: &EventId| singles.binary_search(e).is_ok();
    // Events that fail some inputs alone but not k of them, most inputs first.
    let mut partial: Vec<(EventId, u32)> = count
        .iter()
        .filter(|(e, _)| !is_single(e))
        .map(|(&e, &n)| (e, n))
        .collect();
    partial.sort_unstable_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    // Inputs failed by both members alone (counted twice by the sum), and inputs failed by a
    // pair of the input's own family.
    let mut both: FxHashMap<(EventId, EventId), u32> = FxHashMap::default();
    let mut by_pair: FxHashMap<(EventId, EventId), u32> = FxHashMap::default();
    // Inputs that share a base share its pairs and the pairs of its singles: count those once
    // per base, times the inputs on it.
    let mut per_base: FxHashMap<*const Family, u32> = FxHashMap::default();
    for input in inputs {
        *per_base.entry(input.base as *const Family).or_insert(0) += 1;
    }
    let mut seen_base: FxHashMap<*const Family, ()> = FxHashMap::default();
    for input in inputs {
        let shared: Vec<EventId> = input
            .base
            .singles
            .iter()
            .copied()
            .filter(|e| !is_single(e))
            .collect();
        if let Some(own) = input.own.filter(|e| !is_single(e)) {
            for &b in &shared {
                *both.entry(ordered(own, b)).or_insert(0) += 1;
            }
        }
        let key = input.base as *const Family;
        if seen_base.insert(key, ()).is_some() {
            continue;
        }
        let times = per_base[&key];
        for (i, &a) in shared.iter().enumerate() {
            for &b in &shared[i + 1..] {
                *both.entry(ordered(a, b)).or_insert(0) += times;
            }
        }
        for &(a, b) in &input.base.pairs {
            if !is_single(&a) && !is_single(&b) {
                *by_pair.entry((a, b)).or_insert(0) += times;
            }
        }
    }
    let alone = |e: EventId| count.get(&e).copied().unwrap_or(0);
    let failed = |a: EventId, b: EventId| {
        let key = ordered(a, b);
        alone(a) + alone(b) - both.get(&key).copied().unwrap_or(0)
            + by_pair.get(&key).copied().unwrap_or(0)
    };
    let mut pairs: Vec<(EventId, EventId)> = Vec::new();
    for (i, &(a, na)) in partial.iter().enumerate() {
        for &(b, nb) in &partial[i + 1..] {
            if ((na + nb) as usize) < k {
                break;
            }
            if failed(a, b) as usize >= k {
                pairs.push(ordered(a, b));
                if pairs.len() + singles.len() > budget.limit {
                    return Err(TooLarge);
                }
            }
        }
    }
    // Pairs that the inputs' own pairs help over the line.
    // (Hash order does not reach the result: it is sorted below.)
    pairs.extend(
        by_pair
            .keys()
            .copied()
            .filter(|&(a, b)| ((alone(a) + alone(b)) as usize) < k && failed(a, b) as usize >= k),
    );
    pairs.sort_unstable();
    pairs.dedup();
    if pairs.len() + singles.len() > budget.limit {
        return Err(TooLarge);
    }
    Ok(Family { singles, pairs })
}

fn ordered(a: EventId, b: EventId) -> (EventId, EventId) {
    if a < b { (a, b) } else { (b, a) }
}

/// The families of every journey, and the local family of every component.
pub struct Families {
    /// What fails the component by its own instances and whole-component events, its
    /// dependencies aside (they add their own families: see `cause_closure`).
    pub local: Vec<Family>,
    pub journeys: Vec<Family>,
}

/// The components a pair takes down while neither member does alone: those whose
/// `cause_closure` holds a local family with the pair and none with either member alone.
pub fn together(
    graph: &FaultGraph,
    local: &[Family],
    pair: (EventId, EventId),
) -> Vec<ComponentId> {
    let n = graph.components.len();
    let mut by_pair = vec![false; n];
    let mut by_one = vec![false; n];
    for scc in &graph.order {
        loop {
            let mut changed = false;
            for &c in scc {
                let node = &graph.components[c];
                let causes: Vec<ComponentId> = node
                    .hard
                    .iter()
                    .copied()
                    .chain(
                        node.scoped
                            .iter()
                            .flat_map(|(t, _)| scoped_causes(graph, *t)),
                    )
                    .collect();
                let mut pair_here = local[c].pairs.binary_search(&pair).is_ok();
                let mut one_here = local[c].singles.binary_search(&pair.0).is_ok()
                    || local[c].singles.binary_search(&pair.1).is_ok();
                for d in causes {
                    pair_here |= by_pair[d];
                    one_here |= by_one[d];
                }
                if pair_here != by_pair[c] || one_here != by_one[c] {
                    by_pair[c] = pair_here;
                    by_one[c] = one_here;
                    changed = true;
                }
            }
            if !changed || scc.len() == 1 {
                break;
            }
        }
    }
    (0..n).filter(|&c| by_pair[c] && !by_one[c]).collect()
}

/// The components whose failure takes one of `roots` down: their hard dependencies, and the
/// hard dependencies of their scoped targets (a scoped target's own k-of-n does not matter,
/// only its instances in the caller's domain, which the caller's local family holds), with
/// theirs in turn. Sorted.
pub fn cause_closure(graph: &FaultGraph, roots: &[ComponentId]) -> Vec<ComponentId> {
    closure(graph, roots, &|_, _| false)
}

/// As `cause_closure`, also taking in the scoped target `k` of component `c` itself when
/// `whole(c, k)`.
pub fn closure(
    graph: &FaultGraph,
    roots: &[ComponentId],
    whole: &dyn Fn(ComponentId, usize) -> bool,
) -> Vec<ComponentId> {
    let mut seen = vec![false; graph.components.len()];
    let mut stack: Vec<ComponentId> = roots.to_vec();
    let mut out = Vec::new();
    while let Some(c) = stack.pop() {
        if std::mem::replace(&mut seen[c], true) {
            continue;
        }
        out.push(c);
        let node = &graph.components[c];
        stack.extend(node.hard.iter().copied());
        for (k, (t, _)) in node.scoped.iter().enumerate() {
            stack.extend(scoped_causes(graph, *t));
            if whole(c, k) {
                stack.push(*t);
            }
        }
    }
    out.sort_unstable();
    out
}

/// The hard dependencies of a scoped target and, through its own scoped dependencies, of
/// theirs: each fails every instance of the target, so every caller instance that uses it.
fn scoped_causes(graph: &FaultGraph, target: ComponentId) -> Vec<ComponentId> {
    std::iter::once(target)
        .chain(graph.scoped_reach(target))
        .flat_map(|t| graph.components[t].hard.iter().copied())
        .collect()
}

/// The union of the local families of a closure, minimised: the full family of what it
/// takes down.
fn union_of(local: &[Family], closure: &[ComponentId]) -> Family {
    or(&closure.iter().map(|&d| &local[d]).collect::<Vec<_>>())
}

/// Each journey's family of minimal cut sets of order one and two, after automatic
/// failovers, and each component's local family.
///
/// A component fails on a set exactly when its local gate does or a component it depends on
/// fails, so its full family is the minimised union of the local families of its
/// `cause_closure`; locals are kept apart so that a deep dependency's sets are not copied into
/// every component above it.
pub fn families(graph: &FaultGraph, budget: &Budget) -> Result<Families, TooLarge> {
    let mut local: Vec<Family> = vec![Family::default(); graph.components.len()];
    // Per component, per placement group: what fails an instance of the group apart from its
    // own event and what fails every instance (for scoped groups of its callers).
    let mut bases: Vec<Vec<Family>> = vec![Vec::new(); graph.components.len()];
    let mut total = 0usize;
    for scc in &graph.order {
        // A cycle: iterate from everything up to the least fixed point.
        loop {
            let mut changed = false;
            for &c in scc {
                let (f, b) = local_family(graph, c, &local, &bases, budget)?;
                if f != local[c] || b != bases[c] {
                    local[c] = f;
                    bases[c] = b;
                    changed = true;
                }
            }
            if !changed || scc.len() == 1 {
                break;
            }
        }
        for &c in scc {
            total += local[c].size();
        }
        if total > budget.limit {
            return Err(TooLarge);
        }
    }
    let mut journeys = Vec::with_capacity(graph.journey_paths.len());
    for (j, path) in graph.journey_paths.iter().enumerate() {
        // With request-scoped dependencies each journey has its own view of the graph.
        journeys.push(if graph.views.is_empty() {
            union_of(&local, &cause_closure(graph, path))
        } else {
            families(&graph.views[j], budget)?.journeys.swap_remove(j)
        });
    }
    Ok(Families { local, journeys })
}

fn local_family(
    graph: &FaultGraph,
    c: ComponentId,
    local: &[Family],
    all_bases: &[Vec<Family>],
    budget: &Budget,
) -> Result<(Family, Vec<Family>), TooLarge> {
    let node = &graph.components[c];
    let bases = group_bases(graph, c, local, all_bases, budget)?;
    let cleaned: Vec<Option<Family>> = (0..node.n)
        .map(|i| {
            without_own(
                &bases[node.group_of[i] as usize],
                graph.instance_event(c, i),
            )
        })
        .collect();
    let inputs: Vec<Input> = (0..node.n)
        .map(|i| Input {
            base: cleaned[i]
                .as_ref()
                .unwrap_or(&bases[node.group_of[i] as usize]),
            own: graph.instance_event(c, i),
        })
        .collect();
    let mut down = at_least(node.threshold, &inputs, budget)?;
    if node.active_passive == Some(Failover::Manual) {
        let primary = or_inputs(&inputs[node.primary as usize..node.primary as usize + 1]);
        down = or(&[&down, &primary]);
    }
    let wide: Vec<Family> = node
        .wide_events
        .iter()
        .map(|&e| Family::single(e))
        .collect();
    let mut parts: Vec<&Family> = vec![&down];
    parts.extend(wide.iter());
    let f = or(&parts);
    if f.size() > budget.limit {
        return Err(TooLarge);
    }
    drop(inputs);
    Ok((f, bases))
}

/// What fails an instance of each placement group of `c`, apart from its own event and what
/// fails every instance (whole-component events, hard dependencies): its domains and its
/// scoped groups, from the groups of its scoped targets computed so far.
fn group_bases(
    graph: &FaultGraph,
    c: ComponentId,
    local: &[Family],
    all_bases: &[Vec<Family>],
    budget: &Budget,
) -> Result<Vec<Family>, TooLarge> {
    let node = &graph.components[c];
    // Scoped groups, once per distinct (target, domain).
    let mut cache: FxHashMap<(ComponentId, DomainId), Family> = FxHashMap::default();
    let mut bases: Vec<Family> = Vec::with_capacity(node.groups.len());
    for group in &node.groups {
        let mut parts: Vec<Family> = Vec::new();
        for ((target, _), domain) in node.scoped.iter().zip(&group.scope_domains) {
            let f = match domain {
                None => union_of(local, &cause_closure(graph, &[*target])),
                Some(d) => match cache.get(&(*target, *d)) {
                    Some(f) => f.clone(),
                    None => {
                        let f = scoped_family(graph, *target, *d, local, all_bases, budget)?;
                        cache.insert((*target, *d), f.clone());
                        f
                    }
                },
            };
            parts.push(f);
        }
        parts.push(Family {
            singles: group.domain_events.clone(),
            pairs: Vec::new(),
        });
        bases.push(or(&parts.iter().collect::<Vec<_>>()));
    }
    Ok(bases)
}

/// Every instance of `target` in `domain` down, as in the BDD: an instance there fails on its
/// own event, its group's base (its domains and its own scoped groups) and the target's
/// whole-component events (its hard dependencies fail every instance of the caller too, so
/// they are in the caller's `cause_closure` instead). The whole target when none of its
/// instances is there.
fn scoped_family(
    graph: &FaultGraph,
    target: ComponentId,
    domain: DomainId,
    local: &[Family],
    all_bases: &[Vec<Family>],
    budget: &Budget,
) -> Result<Family, TooLarge> {
    let node = &graph.components[target];
    let event = graph.domain_events[domain];
    let empty = Family::default();
    // Not computed yet (a cycle's first round): everything up.
    let base_of = |i: usize| {
        all_bases[target]
            .get(node.group_of[i] as usize)
            .unwrap_or(&empty)
    };
    let here: Vec<usize> = (0..node.n)
        .filter(|&i| {
            node.groups[node.group_of[i] as usize]
                .domain_events
                .binary_search(&event)
                .is_ok()
        })
        .collect();
    let cleaned: Vec<Option<Family>> = here
        .iter()
        .map(|&i| without_own(base_of(i), graph.instance_event(target, i)))
        .collect();
    let inputs: Vec<Input> = here
        .iter()
        .zip(&cleaned)
        .map(|(&i, cleaned)| Input {
            base: cleaned.as_ref().unwrap_or(base_of(i)),
            own: graph.instance_event(target, i),
        })
        .collect();
    if inputs.is_empty() {
        return Ok(union_of(local, &cause_closure(graph, &[target])));
    }
    let all = at_least(inputs.len(), &inputs, budget)?;
    let wide: Vec<Family> = node
        .wide_events
        .iter()
        .map(|&e| Family::single(e))
        .collect();
    let mut parts: Vec<&Family> = vec![&all];
    parts.extend(wide.iter());
    Ok(or(&parts))
}

/// A group's base without an instance's own event, when it holds it (through a cycle of scoped
/// dependencies): the own event is counted once, as the input's own.
fn without_own(base: &Family, own: Option<EventId>) -> Option<Family> {
    let own = own?;
    let holds = base.singles.binary_search(&own).is_ok()
        || base.pairs.iter().any(|&(a, b)| a == own || b == own);
    holds.then(|| Family {
        singles: base.singles.iter().copied().filter(|&e| e != own).collect(),
        pairs: base
            .pairs
            .iter()
            .copied()
            .filter(|&(a, b)| a != own && b != own)
            .collect(),
    })
}
