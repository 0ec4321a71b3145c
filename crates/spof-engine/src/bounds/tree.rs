//! The exact probability of a component's local gate when its placement is a tree (every
//! domain an instance is in sits inside one other, the same for every instance).
//!
//! The caller's instances and the instances of its scoped groups (every instance of a target
//! in the caller's domain down) are the leaves of one forest of domains. Bottom-up, each node
//! holds the joint distribution of the number of the caller's failed instances below it
//! (truncated at the threshold) and, for each scoped group with instances below it, whether
//! all of those failed. A domain's loss fails everything below it; at the domain a group is
//! scoped to, the group closes: when all its instances failed, so did every caller instance
//! there. Shared racks and hosts need no special care: they are nodes of the same forest.
//! The cost is about instances × threshold per open group.
//!
//! `Local::new` returns `None` when the gate is not of that shape (a manual standby, a
//! placement that is not a tree, too many groups open at once); the caller then builds a
//! decision diagram.

use crate::graph::{EventId, EventKind, FaultGraph};
use rustc_hash::FxHashMap;
use spof_model::{ComponentId, Failover};

/// At most this many scoped groups open below one domain, and whole-component events of
/// scoped targets (enumerated at the top).
const MAX_OPEN: usize = 4;
const MAX_TOP: usize = 10;

#[derive(Clone, Copy)]
enum Leaf {
    /// An instance of the component, with its own event.
    Caller(Option<EventId>),
    /// An instance of scoped group `group`.
    Member(usize, Option<EventId>),
}

#[derive(Default)]
struct Node {
    domains: Vec<EventId>,
    leaves: Vec<usize>,
    /// Caller instances below (before truncation).
    callers: usize,
}

/// What the counting needs of one component.
pub struct Local {
    nodes: FxHashMap<EventId, Node>,
    roots: Node,
    leaves: Vec<Leaf>,
    threshold: usize,
    /// Groups closing at each domain event.
    closing: FxHashMap<EventId, Vec<usize>>,
    /// Each group's target's whole-component events.
    group_wide: Vec<Vec<EventId>>,
    wide: Vec<EventId>,
    top: Vec<EventId>,
}

fn depth(graph: &FaultGraph, e: EventId) -> u32 {
    match graph.events[e as usize] {
        EventKind::Domain(d) => graph.domain_depth[d],
        _ => u32::MAX,
    }
}

fn chain_of(graph: &FaultGraph, events: &[EventId]) -> Vec<EventId> {
    let mut chain = events.to_vec();
    chain.sort_by_key(|&e| (depth(graph, e), e));
    chain
}

/// A joint distribution: for each count (0..len, the last meaning "at least" when it is the
/// threshold) and each mask over `groups` (bit set: all the group's instances below failed).
#[derive(Clone, Debug)]
struct Dist {
    groups: Vec<usize>,
    len: usize,
    data: Vec<f64>,
}

impl Dist {
    fn at(&self, count: usize, mask: usize) -> f64 {
        self.data[count << self.groups.len() | mask]
    }

    fn unit() -> Dist {
        Dist {
            groups: Vec::new(),
            len: 1,
            data: vec![1.0],
        }
    }
}

/// Where each of `from`'s groups sits in `to`.
fn expand(mask: usize, from: &[usize], to: &[usize]) -> usize {
    let mut out = (1 << to.len()) - 1;
    for (i, g) in from.iter().enumerate() {
        if mask & (1 << i) == 0 {
            let j = to.binary_search(g).expect("a subset");
            out &= !(1 << j);
        }
    }
    out
}

fn merge(a: &Dist, b: &Dist, cap: usize) -> Option<Dist> {
    let mut groups: Vec<usize> = a.groups.iter().chain(&b.groups).copied().collect();
    groups.sort_unstable();
    groups.dedup();
    if groups.len() > MAX_OPEN {
        return None;
    }
    let len = (a.len + b.len - 1).min(cap + 1);
    let width = 1 << groups.len();
    let mut data = vec![0.0; len * width];
    let (wa, wb) = (1 << a.groups.len(), 1 << b.groups.len());
    let ea: Vec<usize> = (0..wa).map(|m| expand(m, &a.groups, &groups)).collect();
    let eb: Vec<usize> = (0..wb).map(|m| expand(m, &b.groups, &groups)).collect();
    for ca in 0..a.len {
        for (ma, &xa) in ea.iter().enumerate() {
            let x = a.at(ca, ma);
            if x == 0.0 {
                continue;
            }
            for cb in 0..b.len {
                let c = (ca + cb).min(cap);
                for (mb, &xb) in eb.iter().enumerate() {
                    let y = b.at(cb, mb);
                    if y != 0.0 {
                        data[c * width + (xa & xb)] += x * y;
                    }
                }
            }
        }
    }
    Some(Dist { groups, len, data })
}

impl Local {
    /// The local gate of `c` as a counting problem, or `None` when it is not of that shape.
    /// A scoped group with no instance of its target in its domain never fails here: those
    /// caller instances need the whole target, whose failure `bounds` counts with the
    /// target's own gates.
    pub fn new(graph: &FaultGraph, c: ComponentId) -> Option<Local> {
        let node = &graph.components[c];
        if node.active_passive == Some(Failover::Manual) {
            return None;
        }
        // A scoped target with scoped dependencies of its own (nested scopes) is left to the
        // decision diagram.
        if node
            .scoped
            .iter()
            .any(|(t, _)| !graph.components[*t].scoped.is_empty())
        {
            return None;
        }
        let mut leaves: Vec<Leaf> = Vec::new();
        let mut chains: Vec<Vec<EventId>> = Vec::new();
        for i in 0..node.n {
            leaves.push(Leaf::Caller(graph.instance_event(c, i)));
            chains.push(chain_of(
                graph,
                &node.groups[node.group_of[i] as usize].domain_events,
            ));
        }
        let mut closing: FxHashMap<EventId, Vec<usize>> = FxHashMap::default();
        let mut group_wide: Vec<Vec<EventId>> = Vec::new();
        let mut index: FxHashMap<(usize, EventId), usize> = FxHashMap::default();
        let mut top: Vec<EventId> = Vec::new();
        for group in &node.groups {
            for (k, ((target, _), domain)) in
                node.scoped.iter().zip(&group.scope_domains).enumerate()
            {
                let Some(d) = domain else {
                    // Not placed at the scope's level: left to the decision diagram.
                    return None;
                };
                let at = graph.domain_events[*d];
                if index.contains_key(&(k, at)) {
                    continue;
                }
                let id = group_wide.len();
                index.insert((k, at), id);
                let t = &graph.components[*target];
                group_wide.push(t.wide_events.clone());
                top.extend(t.wide_events.iter().copied());
                closing.entry(at).or_default().push(id);
                let mut any = false;
                for j in 0..t.n {
                    let events = &t.groups[t.group_of[j] as usize].domain_events;
                    if events.binary_search(&at).is_err() {
                        continue;
                    }
                    any = true;
                    leaves.push(Leaf::Member(id, graph.instance_event(*target, j)));
                    chains.push(chain_of(graph, events));
                }
                let _ = any;
            }
        }
        top.sort_unstable();
        top.dedup();
        if top.len() > MAX_TOP {
            return None;
        }
        // The forest: each domain event must have one parent.
        let mut parent: FxHashMap<EventId, Option<EventId>> = FxHashMap::default();
        let mut nodes: FxHashMap<EventId, Node> = FxHashMap::default();
        let mut roots = Node::default();
        for (leaf, chain) in chains.iter().enumerate() {
            let caller = matches!(leaves[leaf], Leaf::Caller(_));
            let mut above: Option<EventId> = None;
            for &e in chain {
                match parent.get(&e) {
                    Some(&p) if p != above => return None,
                    Some(_) => {}
                    None => {
                        parent.insert(e, above);
                        nodes.entry(e).or_default();
                        match above {
                            Some(a) => nodes.get_mut(&a).expect("parent first").domains.push(e),
                            None => roots.domains.push(e),
                        }
                    }
                }
                if caller {
                    nodes.get_mut(&e).expect("inserted").callers += 1;
                }
                above = Some(e);
            }
            match above {
                Some(a) => nodes.get_mut(&a).expect("inserted").leaves.push(leaf),
                None => roots.leaves.push(leaf),
            }
            if caller {
                roots.callers += 1;
            }
        }
        Some(Local {
            nodes,
            roots,
            leaves,
            threshold: node.threshold,
            closing,
            group_wide,
            wide: node.wide_events.clone(),
            top,
        })
    }

    /// The probability that the gate fails, with `q` the events' probabilities and `fixed`
    /// the events whose state is known (conditioned domains of a scenario); `None` when too
    /// many groups are open at once.
    pub fn probability(&self, q: &[f64], fixed: &FxHashMap<EventId, bool>) -> Option<f64> {
        let free: Vec<EventId> = self
            .top
            .iter()
            .copied()
            .filter(|e| !fixed.contains_key(e))
            .collect();
        let mut ov = fixed.clone();
        let mut kofn = 0.0;
        for mask in 0u32..(1u32 << free.len()) {
            let mut weight = 1.0;
            for (b, &e) in free.iter().enumerate() {
                let down = mask & (1 << b) != 0;
                weight *= if down {
                    q[e as usize]
                } else {
                    1.0 - q[e as usize]
                };
                ov.insert(e, down);
            }
            if weight == 0.0 {
                continue;
            }
            let dist = self.forest(&self.roots, q, &ov)?;
            let failed: f64 = if dist.len > self.threshold {
                (0..1 << dist.groups.len())
                    .map(|m| dist.at(self.threshold, m))
                    .sum()
            } else {
                0.0
            };
            kofn += weight * failed;
        }
        let mut up = 1.0 - kofn;
        for &w in &self.wide {
            up *= 1.0 - prob(q, fixed, w);
        }
        Some(1.0 - up)
    }

    /// The distribution at `root`, bottom-up over its domains. Iterative: a hierarchy of
    /// domains may be as deep as the model makes it.
    fn forest(&self, root: &Node, q: &[f64], ov: &FxHashMap<EventId, bool>) -> Option<Dist> {
        struct Frame<'a> {
            node: &'a Node,
            domain: Option<EventId>,
            dist: Dist,
            next: usize,
        }
        let mut stack = vec![Frame {
            node: root,
            domain: None,
            dist: self.leaves_below(root, q, ov)?,
            next: 0,
        }];
        loop {
            let top = stack.last_mut().expect("the root stays until the end");
            if let Some(&d) = top.node.domains.get(top.next) {
                top.next += 1;
                let node = &self.nodes[&d];
                stack.push(Frame {
                    node,
                    domain: Some(d),
                    dist: self.leaves_below(node, q, ov)?,
                    next: 0,
                });
                continue;
            }
            let frame = stack.pop().expect("not empty");
            let dist = match frame.domain {
                Some(d) => self.close_domain(d, frame.node, frame.dist, q, ov),
                None => return Some(frame.dist),
            };
            let parent = stack.last_mut().expect("a domain has a parent frame");
            parent.dist = merge(&parent.dist, &dist, self.threshold)?;
        }
    }

    /// The distribution of the leaves directly at `node`.
    fn leaves_below(&self, node: &Node, q: &[f64], ov: &FxHashMap<EventId, bool>) -> Option<Dist> {
        let cap = self.threshold;
        let mut dist = Dist::unit();
        for &l in &node.leaves {
            let leaf = match self.leaves[l] {
                Leaf::Caller(own) => {
                    let p = own.map_or(0.0, |e| prob(q, ov, e));
                    Dist {
                        groups: Vec::new(),
                        len: 2,
                        data: vec![1.0 - p, p],
                    }
                }
                Leaf::Member(g, own) => {
                    let wide_down = self.group_wide[g].iter().any(|&w| prob(q, ov, w) >= 1.0);
                    let p = if wide_down {
                        1.0
                    } else {
                        own.map_or(0.0, |e| prob(q, ov, e))
                    };
                    Dist {
                        groups: vec![g],
                        len: 1,
                        data: vec![1.0 - p, p],
                    }
                }
            };
            dist = merge(&dist, &leaf, cap)?;
        }
        Some(dist)
    }

    /// Domain `d`'s own loss over the distribution below it, and the groups that close there.
    fn close_domain(
        &self,
        d: EventId,
        node: &Node,
        mut dist: Dist,
        q: &[f64],
        ov: &FxHashMap<EventId, bool>,
    ) -> Dist {
        let all = node.callers.min(self.threshold);
        // The domain's own loss: everything below fails.
        let qd = prob(q, ov, d);
        if qd > 0.0 {
            let width = 1 << dist.groups.len();
            for v in &mut dist.data {
                *v *= 1.0 - qd;
            }
            dist.data[all * width + (width - 1)] += qd;
        }
        // Groups scoped to this domain close here.
        if let Some(groups) = self.closing.get(&d) {
            for &g in groups {
                dist = close(&dist, g, all);
            }
        }
        dist
    }
}

/// Closes group `g`: where all its instances failed, every caller instance below did too.
#[allow(clippy::needless_pass_by_value)]
fn close(dist: &Dist, g: usize, all: usize) -> Dist {
    let Ok(bit) = dist.groups.binary_search(&g) else {
        // No instance of the target there: the caller's instances there need the whole
        // target, whose failure is counted with the target's own gate (see `bounds`); here
        // the group never fails.
        return dist.clone();
    };
    let groups: Vec<usize> = dist.groups.iter().copied().filter(|&x| x != g).collect();
    let width = 1 << groups.len();
    let mut data = vec![0.0; dist.len * width];
    let low = (1 << bit) - 1;
    for count in 0..dist.len {
        for mask in 0..1 << dist.groups.len() {
            let v = dist.at(count, mask);
            if v == 0.0 {
                continue;
            }
            let rest = (mask & low) | ((mask >> (bit + 1)) << bit);
            let failed = mask & (1 << bit) != 0;
            let to = if failed { all } else { count };
            data[to * width + rest] += v;
        }
    }
    Dist {
        groups,
        len: dist.len,
        data,
    }
}

fn prob(q: &[f64], ov: &FxHashMap<EventId, bool>, e: EventId) -> f64 {
    match ov.get(&e) {
        Some(true) => 1.0,
        Some(false) => 0.0,
        None => q[e as usize],
    }
}
