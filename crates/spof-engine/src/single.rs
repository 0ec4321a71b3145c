//! Single-failure analysis in one bottom-up pass, instead of one evaluation per event.
//!
//! For every component and phase we compute its *local* single-failure set: the basic events
//! whose failure alone takes it down other than through a component it depends on as a whole.
//! A component's full set is its local set together with the full sets of its *causes*: its
//! hard dependencies and, for each scoped target, that target's causes (a scoped target's hard
//! dependency fails every one of its instances, so every caller instance that uses it). The
//! full sets are never stored: they are unions over a cause closure, built only where asked
//! for, so a chain of N single instances costs O(N), not O(N^2).
//!
//! A local set is the union of the component's whole-component events (and its scoped
//! targets') and a k-of-n count over its instances: an instance fails on its own event, its
//! domains and its scoped groups (every instance of a scoped target in the instance's domain
//! down, counted the same way one level down). Instances with the same placement share every
//! event but their own, so the count is taken per placement group with the group's size as
//! weight. Components are visited in dependency order; a dependency cycle is iterated to its
//! least fixed point (sets only grow, so it ends).

use crate::evaluate::{PerPhase, Phase, primary_matters};
use crate::graph::{ComponentNode, EventId, FaultGraph};
use spof_model::{ComponentId, DomainId};
use std::rc::Rc;

/// A sorted set of event ids.
pub type EventSet = Vec<EventId>;

#[derive(Clone, Debug, Default)]
pub struct SingleFailures {
    /// Per phase, per component: events that take it down other than through its causes.
    pub local: PerPhase<Vec<EventSet>>,
    /// Per component: the components whose failure takes it down (hard dependencies, and the
    /// causes of its scoped targets), sorted. The same in every phase.
    pub causes: Vec<Vec<ComponentId>>,
    /// Per component: the components it is a cause of (the reverse of `causes`), sorted.
    pub dependents: Vec<Vec<ComponentId>>,
    /// Per phase, per component: events that take it down directly (its own instances, domains
    /// or whole-component events), not through a dependency.
    pub direct: PerPhase<Vec<EventSet>>,
    /// Per phase, per journey: events that take it down.
    pub journey: PerPhase<Vec<EventSet>>,
    /// Per journey: events that leave it up but degraded (and are in no phase's down set).
    pub degraded: Vec<EventSet>,
}

impl SingleFailures {
    /// The components `roots` need: themselves and their causes, transitively; sorted.
    pub fn cause_closure(&self, roots: &[ComponentId]) -> Vec<ComponentId> {
        walk(&self.causes, roots, usize::MAX).0
    }

    /// Every event that takes component `c` down in `phase` (the union of the local sets of
    /// its cause closure).
    pub fn component_set(&self, phase: Phase, c: ComponentId) -> EventSet {
        union(
            self.cause_closure(&[c])
                .iter()
                .map(|&x| self.local[phase][x].as_slice()),
        )
    }

    /// Whether `event` takes component `c` down in `phase`.
    pub fn takes_down(&self, phase: Phase, c: ComponentId, event: EventId) -> bool {
        self.cause_closure(&[c])
            .iter()
            .any(|&x| self.local[phase][x].binary_search(&event).is_ok())
    }

    /// The components an event takes down in `phase`, given the components whose local set
    /// holds it (`roots`): those and everything they are a cause of. At most `limit` of them,
    /// nearest first, and whether the list is complete.
    pub fn components_down(&self, roots: &[ComponentId], limit: usize) -> (Vec<ComponentId>, bool) {
        let (mut found, complete) = walk(&self.dependents, roots, limit);
        if !complete {
            found.truncate(limit);
        }
        (found, complete)
    }
}

/// The nodes reachable from `roots` along `edges`, breadth first; stops after `limit` nodes
/// (then the second value is false). Sorted when complete, nearest first otherwise.
fn walk(edges: &[Vec<ComponentId>], roots: &[ComponentId], limit: usize) -> (Vec<usize>, bool) {
    let mut seen = rustc_hash::FxHashSet::default();
    let mut out: Vec<usize> = Vec::new();
    for &r in roots {
        if seen.insert(r) {
            out.push(r);
        }
    }
    let mut next = 0;
    while next < out.len() {
        if out.len() > limit {
            return (out, false);
        }
        let c = out[next];
        next += 1;
        for &d in &edges[c] {
            if seen.insert(d) {
                out.push(d);
            }
        }
    }
    if out.len() > limit {
        return (out, false);
    }
    out.sort_unstable();
    (out, true)
}

/// Per component: its causes (hard dependencies, and those of its scoped targets, through
/// nested scopes) and its whole-component events with those of its scoped targets.
fn causes_and_wide(graph: &FaultGraph) -> (Vec<Vec<ComponentId>>, Vec<EventSet>) {
    let n = graph.components.len();
    let mut causes = Vec::with_capacity(n);
    let mut wide = Vec::with_capacity(n);
    for c in 0..n {
        let node = &graph.components[c];
        let mut hard: Vec<ComponentId> = node.hard.clone();
        let mut events: Vec<EventId> = node.wide_events.clone();
        for t in graph.scoped_reach(c) {
            let target = &graph.components[t];
            hard.extend(target.hard.iter().copied());
            events.extend(target.wide_events.iter().copied());
        }
        hard.sort_unstable();
        hard.dedup();
        events.sort_unstable();
        events.dedup();
        causes.push(hard);
        wide.push(events);
    }
    (causes, wide)
}

pub fn analyze(graph: &FaultGraph) -> SingleFailures {
    let mut out = analyze_view(graph);
    // With request-scoped dependencies each journey's sets come from its own view; the
    // component sets stay those of every dependency.
    for (j, view) in graph.views.iter().enumerate() {
        let mut own = analyze_view(view);
        for p in Phase::ALL {
            out.journey[p][j] = std::mem::take(&mut own.journey[p][j]);
        }
        out.degraded[j] = std::mem::take(&mut own.degraded[j]);
    }
    out
}

fn analyze_view(graph: &FaultGraph) -> SingleFailures {
    let mut out = SingleFailures::default();
    let (causes, wide) = causes_and_wide(graph);
    let mut dependents: Vec<Vec<ComponentId>> = vec![Vec::new(); graph.components.len()];
    for (c, list) in causes.iter().enumerate() {
        for &d in list {
            dependents[d].push(c);
        }
    }
    out.causes = causes;
    out.dependents = dependents;
    let mut scratch = Counter::new(graph.event_count());
    let mut in_domain = InDomain::new(graph);
    // Group sets are kept for components that others depend on with a scope, and for those
    // without health checks (any dead instance degrades the journey).
    let mut keep_groups = vec![false; graph.components.len()];
    for node in &graph.components {
        for (t, _) in &node.scoped {
            keep_groups[*t] = true;
        }
    }
    for (c, node) in graph.components.iter().enumerate() {
        keep_groups[c] |= node.no_health_check;
    }
    // The k-of-n over the groups' own domains is the same in every phase, and is the
    // whole group part when a component has no scoped dependencies: count it once. A
    // component with scoped dependencies counts it in the same pass over its groups as its
    // first local set (with a second counter).
    //
    // A scoped target without scoped dependencies of its own has the same scoped sets in
    // every phase (from its groups' own domains): they are counted here too, right after
    // its k-of-n, while its groups are in the cache. The depths its callers ask for are read
    // from each caller's first group; any other depth is indexed when asked for.
    let mut wanted: Vec<Vec<u32>> = vec![Vec::new(); graph.components.len()];
    for node in &graph.components {
        for (i, &(t, _)) in node.scoped.iter().enumerate() {
            let depth = node
                .groups
                .iter()
                .find_map(|g| g.scope_domains[i])
                .map(|d| graph.domain_depth[d]);
            if let Some(depth) = depth
                && !wanted[t].contains(&depth)
            {
                wanted[t].push(depth);
            }
        }
    }
    let any_scoped = graph.components.iter().any(|node| !node.scoped.is_empty());
    let mut base_scratch = Counter::new(if any_scoped { graph.event_count() } else { 0 });
    let mut base: Vec<Option<EventSet>> = Vec::with_capacity(graph.components.len());
    for (c, node) in graph.components.iter().enumerate() {
        if !node.scoped.is_empty() {
            base.push(None);
            continue;
        }
        base.push(Some(kofn(node, &mut scratch)));
        for &depth in &wanted[c] {
            in_domain.count_every_domain(node, c, depth, None, FIRST_VERSION, &mut scratch);
        }
    }
    let journey_closures: Vec<Vec<ComponentId>> = graph
        .journey_paths
        .iter()
        .map(|path| out.cause_closure(path))
        .collect();
    // A component with no standby and no scoped dependency has the same sets in every phase
    // (they come from its own placement and events alone): after the first phase only the
    // others are computed again, from the sets of the first.
    let same_in_every_phase: Vec<bool> = graph
        .components
        .iter()
        .map(|node| node.scoped.is_empty() && node.active_passive.is_none())
        .collect();
    // One state through the phases: what is the same in every phase is kept from the first.
    let mut state = State {
        local: vec![Vec::new(); graph.components.len()],
        groups: vec![GroupSets::default(); graph.components.len()],
        causes: &out.causes,
        versions: vec![FIRST_VERSION; graph.components.len()],
    };
    let mut direct: Vec<EventSet> = vec![Vec::new(); graph.components.len()];
    let mut reads_full = vec![false; graph.components.len()];
    let mut members: Vec<ComponentId> = Vec::new();
    let mut before: Vec<(EventSet, GroupSets)> = Vec::new();
    for phase in Phase::ALL {
        in_domain.full.clear();
        let later = phase != Phase::Immediate;
        // In a later phase, whether a component's full set (its local set or group sets, or
        // those of a cause) differs from the phase before: what reads only unchanged sets is
        // not computed again.
        let mut dirty = vec![false; graph.components.len()];
        let mut groups_changed = vec![false; graph.components.len()];
        for scc in &graph.order {
            // Buffers kept from one component to the next: most hold one or none.
            members.clear();
            if later {
                members.extend(scc.iter().copied().filter(|&c| {
                    let node = &graph.components[c];
                    // Its scoped sets read the targets' group sets, and their full sets
                    // only where `reads_full`.
                    !same_in_every_phase[c]
                        && (scc.len() > 1
                            || node.active_passive.is_some()
                            || node
                                .scoped
                                .iter()
                                .any(|&(t, _)| groups_changed[t] || (reads_full[c] && dirty[t])))
                }));
            } else {
                members.extend_from_slice(scc);
            }
            // From nothing, as in the first phase: a cycle's least fixed point. What the
            // phase before gave is kept to tell whether it changed.
            before.clear();
            if later {
                before.extend(members.iter().map(|&c| {
                    state.versions[c] += 1;
                    (
                        std::mem::take(&mut state.local[c]),
                        std::mem::take(&mut state.groups[c]),
                    )
                }));
            }
            loop {
                if members.is_empty() {
                    break;
                }
                let mut changed = false;
                in_domain.full_stands = scc.len() == 1;
                for &c in &members {
                    let computed = component_set(
                        graph,
                        c,
                        phase,
                        &state,
                        &mut scratch,
                        &mut base_scratch,
                        &mut in_domain,
                        keep_groups[c],
                        &mut base[c],
                        &wide[c],
                    );
                    if computed.local != state.local[c] {
                        state.local[c] = computed.local;
                        changed = true;
                    }
                    if keep_groups[c] && computed.groups != state.groups[c] {
                        state.groups[c] = computed.groups;
                        state.versions[c] += 1;
                        changed = true;
                    }
                    direct[c] = computed.direct;
                    reads_full[c] |= computed.reads_full;
                }
                if !changed || scc.len() == 1 {
                    break;
                }
            }
            if later {
                for (&c, (local, groups)) in members.iter().zip(&before) {
                    groups_changed[c] = scc.len() > 1 || state.groups[c] != *groups;
                    dirty[c] = groups_changed[c] || state.local[c] != *local;
                }
                for &c in scc {
                    if !dirty[c] && out.causes[c].iter().any(|&h| dirty[h]) {
                        dirty[c] = true;
                    }
                }
            }
        }
        out.journey[phase] = journey_closures
            .iter()
            .map(|closure| union(closure.iter().map(|&c| state.local[c].as_slice())))
            .collect();
        if phase == Phase::Immediate {
            out.degraded = (0..graph.journey_paths.len())
                // Degraded: anything the journey reaches through hard or scoped dependencies.
                .map(|j| {
                    degraded_set(
                        graph,
                        &graph.journey_closures[j],
                        &state,
                        &out.journey[Phase::Immediate][j],
                    )
                })
                .collect();
        }
        if phase == Phase::ALL[Phase::ALL.len() - 1] {
            out.local[phase] = std::mem::take(&mut state.local);
            out.direct[phase] = std::mem::take(&mut direct);
        } else {
            out.local[phase] = state.local.clone();
            out.direct[phase] = direct.clone();
        }
    }
    out
}

/// The version of every component's group sets before any is replaced.
const FIRST_VERSION: u32 = 0;

/// The sets computed so far in one phase.
struct State<'a> {
    local: Vec<EventSet>,
    /// Per component (where kept), per placement group: the events that fail an instance of
    /// the group, apart from its own event and what fails every instance. Empty for a
    /// component without scoped dependencies, whose group sets are the groups' own domains
    /// (readers take those from the graph), and for one not computed yet.
    groups: Vec<GroupSets>,
    causes: &'a [Vec<ComponentId>],
    /// Per component: how many times its group sets were replaced, so that a scoped set
    /// read from them is computed again only when they may differ.
    versions: Vec<u32>,
}

/// One set per placement group of a component, in one buffer: no allocation per group.
#[derive(Clone, Debug, Default, PartialEq)]
struct GroupSets {
    events: Vec<EventId>,
    /// Where each group's set ends in `events`.
    ends: Vec<u32>,
}

impl GroupSets {
    fn len(&self) -> usize {
        self.ends.len()
    }

    fn get(&self, g: usize) -> &[EventId] {
        let start = if g == 0 { 0 } else { self.ends[g - 1] as usize };
        &self.events[start..self.ends[g] as usize]
    }

    /// Ends the set of the next group: what was pushed since the last.
    fn close(&mut self) {
        self.ends.push(self.events.len() as u32);
    }
}

impl State<'_> {
    /// The full set of `c` so far: the union of the local sets of its cause closure.
    fn full(&self, c: ComponentId) -> EventSet {
        union(
            walk(self.causes, &[c], usize::MAX)
                .0
                .iter()
                .map(|&x| self.local[x].as_slice()),
        )
    }
}

struct Computed {
    local: EventSet,
    direct: EventSet,
    groups: GroupSets,
    /// Whether it read the full set of a scoped target (one with no instance in a scope
    /// domain, or a caller placed in none): a fact of the placement, the same in every phase.
    reads_full: bool,
}

/// The local single-failure set of component `c` in `phase`, the part of it that hits the
/// component directly, and its per-group sets.
#[allow(clippy::too_many_arguments)]
fn component_set(
    graph: &FaultGraph,
    c: ComponentId,
    phase: Phase,
    state: &State,
    scratch: &mut Counter,
    base_scratch: &mut Counter,
    in_domain: &mut InDomain,
    keep: bool,
    base: &mut Option<EventSet>,
    wide: &EventSet,
) -> Computed {
    let node = &graph.components[c];
    if node.scoped.is_empty() {
        let base = base.as_ref().expect("counted before the phases");
        // No per-group copies unless the group sets are kept.
        let mut local = base.clone();
        let mut direct = base.clone();
        if primary_matters(node, phase, &|_| false) {
            let p = node.primary as usize;
            let own: Vec<EventId> = graph.instance_event(c, p).into_iter().collect();
            let g = node.group_of[p] as usize;
            let dom = node.groups[g].domain_events.as_slice();
            local = union([local.as_slice(), own.as_slice(), dom]);
            direct = union([direct.as_slice(), own.as_slice(), dom]);
        }
        return Computed {
            local: union([local.as_slice(), wide.as_slice()]),
            direct: union([direct.as_slice(), node.wide_events.as_slice()]),
            // Without scoped dependencies a group's set is its own domains: readers take them
            // from the graph (see `State::groups`), so nothing is copied.
            groups: GroupSets::default(),
            reads_full: false,
        };
    }
    // One scoped set per distinct tuple of scope domains, not one per group; count that set
    // once, weighted by the members of every group that uses it, and
    // each group's own domains (those not already in it) per group.
    let mut keys: Vec<&[Option<DomainId>]> = Vec::new();
    let mut key_of: Vec<u32> = Vec::with_capacity(node.groups.len());
    for g in &node.groups {
        let k = match keys.iter().position(|k| *k == g.scope_domains.as_slice()) {
            Some(k) => k,
            None => {
                keys.push(g.scope_domains.as_slice());
                keys.len() - 1
            }
        };
        key_of.push(k as u32);
    }
    let mut reads_full = false;
    let key_sets: Vec<EventSet> = keys
        .iter()
        .map(|key| {
            let parts: Vec<Rc<[EventId]>> = node
                .scoped
                .iter()
                .zip(key.iter())
                .map(|((target, _), domain)| {
                    let (set, full) =
                        scoped_set(graph, *target, *domain, state, scratch, in_domain);
                    reads_full |= full;
                    set
                })
                .collect();
            union(parts.iter().map(|part| &**part))
        })
        .collect();
    let group_set = |g: usize| -> EventSet {
        union([
            node.groups[g].domain_events.as_slice(),
            key_sets[key_of[g] as usize].as_slice(),
        ])
    };
    if node.threshold == 1 && base.is_none() {
        *base = Some(kofn(node, base_scratch));
    }
    let mut local = if node.threshold == 1 {
        let mut out = union(
            node.groups
                .iter()
                .map(|g| g.domain_events.as_slice())
                .chain(key_sets.iter().map(Vec::as_slice)),
        );
        if let Some(first) = node.first_instance_event {
            out.extend(first..first + node.n as EventId);
            out.sort_unstable();
            out.dedup();
        }
        out
    } else {
        let mut weight = vec![0usize; keys.len()];
        for (g, group) in node.groups.iter().enumerate() {
            weight[key_of[g] as usize] += group.members.len();
        }
        for (k, set) in key_sets.iter().enumerate() {
            scratch.add_all(set, weight[k]);
        }
        let count_base = base.is_none();
        for (g, group) in node.groups.iter().enumerate() {
            // Both sorted: one walk over the two.
            let set = &key_sets[key_of[g] as usize];
            let mut j = 0;
            for &e in &group.domain_events {
                while j < set.len() && set[j] < e {
                    j += 1;
                }
                if set.get(j) != Some(&e) {
                    scratch.add_all(&[e], group.members.len());
                }
            }
            if count_base {
                base_scratch.add_all(&group.domain_events, group.members.len());
            }
        }
        if count_base {
            *base = Some(base_scratch.drain_at_least(node.threshold));
        }
        // An instance's own event fails it, and through a cycle of scoped dependencies it
        // may fail others too: it counts once for its own instance unless its group's set
        // already holds it. Alone it is one failure, below the threshold (at least 2 here),
        // so only an own event that some set already holds can reach it.
        if let Some(first) = node.first_instance_event {
            scratch.add_own_events(first, node.n, |m| {
                let set = &key_sets[key_of[node.group_of[m as usize] as usize] as usize];
                set.binary_search(&(first + m)).is_err()
            });
        }
        scratch.drain_at_least(node.threshold)
    };
    let mut group_sets = GroupSets::default();
    if keep {
        for (g, group) in node.groups.iter().enumerate() {
            merge_into(
                &mut group_sets.events,
                &group.domain_events,
                &key_sets[key_of[g] as usize],
            );
            group_sets.close();
        }
    }
    let mut direct = base.clone().expect("counted with the first local set");
    // Single events never include a person together with a primary, so only the fixed part
    // of the manual phase matters here.
    if primary_matters(node, phase, &|_| false) {
        let p = node.primary as usize;
        let own: Vec<EventId> = graph.instance_event(c, p).into_iter().collect();
        let g = node.group_of[p] as usize;
        local = union([local.as_slice(), own.as_slice(), group_set(g).as_slice()]);
        direct = union([
            direct.as_slice(),
            own.as_slice(),
            node.groups[g].domain_events.as_slice(),
        ]);
    }
    Computed {
        local: union([local.as_slice(), wide.as_slice()]),
        direct: union([direct.as_slice(), node.wide_events.as_slice()]),
        groups: group_sets,
        reads_full,
    }
}

/// What scoped sets are read from and what they were: each target's placement groups by the
/// domains they are in (found once per depth and kept for every phase), and the sets found
/// so far.
struct InDomain {
    index: GroupIndex,
    /// Scoped sets found so far, with the version of the target's group sets they were
    /// computed from (see `State::versions`): the same in every phase where those are.
    sets: rustc_hash::FxHashMap<(ComponentId, EventId), VersionedSet>,
    /// Full sets of targets found in this phase, while they cannot change: outside a cycle,
    /// a target's cause closure is computed before its callers.
    full: rustc_hash::FxHashMap<ComponentId, Rc<[EventId]>>,
    /// Whether the component being computed is outside every cycle.
    full_stands: bool,
}

/// A scoped set and the version of the target's group sets it was computed from.
type VersionedSet = (u32, Rc<[EventId]>);

/// The placement groups of each component by the domains they are in, for the domains of
/// one depth at a time.
struct GroupIndex {
    /// Per event: the depth of its domain, or `u8::MAX` for an event that is no domain
    /// (domains nest at most 64 deep).
    depth_of_event: Vec<u8>,
    /// Per (component, depth): (domain event, group) pairs, sorted.
    groups: rustc_hash::FxHashMap<(ComponentId, u32), Vec<(EventId, u32)>>,
}

impl InDomain {
    fn new(graph: &FaultGraph) -> InDomain {
        let mut depth_of_event = vec![u8::MAX; graph.event_count()];
        for (d, &e) in graph.domain_events.iter().enumerate() {
            depth_of_event[e as usize] = u8::try_from(graph.domain_depth[d]).unwrap_or(u8::MAX - 1);
        }
        InDomain {
            index: GroupIndex {
                depth_of_event,
                groups: Default::default(),
            },
            sets: Default::default(),
            full: Default::default(),
            full_stands: false,
        }
    }
}

impl GroupIndex {
    /// The groups of `target` by the domain events of depth `depth` they are in: (domain
    /// event, group) pairs sorted by event, found the first time they are asked for.
    fn groups_at(
        &mut self,
        node: &ComponentNode,
        target: ComponentId,
        depth: u32,
    ) -> &[(EventId, u32)] {
        let depth_of_event = &self.depth_of_event;
        self.groups.entry((target, depth)).or_insert_with(|| {
            let mut pairs = Vec::new();
            for (g, group) in node.groups.iter().enumerate() {
                for &e in &group.domain_events {
                    if u32::from(depth_of_event[e as usize]) == depth {
                        pairs.push((e, g as u32));
                    }
                }
            }
            // Only the domains order the pairs: a domain's groups may come in any order.
            pairs.sort_unstable_by_key(|&(e, _)| e);
            pairs
        })
    }
}

/// Events that take down every instance of `target` in `domain`, apart from what fails every
/// instance of it (its whole-component events and causes, which are the caller's causes
/// too); the whole target's set when it has no instance there. And whether it was that
/// whole set.
fn scoped_set(
    graph: &FaultGraph,
    target: ComponentId,
    domain: Option<DomainId>,
    state: &State,
    scratch: &mut Counter,
    in_domain: &mut InDomain,
) -> (Rc<[EventId]>, bool) {
    let node = &graph.components[target];
    let Some(domain) = domain else {
        return (in_domain.full(state, target), true);
    };
    let event = graph.domain_events[domain];
    let version = state.versions[target];
    if let Some((v, set)) = in_domain.sets.get(&(target, event))
        && *v == version
    {
        return (set.clone(), false);
    }
    // The target's groups by their domains at this depth (its zones, say), in one pass the
    // first time a domain of that depth is asked for; then the sets of every domain of that
    // depth at once, while the target's groups are still in the cache.
    let depth = graph.domain_depth[domain];
    let computed = state.groups[target].len() == node.groups.len();
    let group_sets = computed.then(|| &state.groups[target]);
    in_domain.count_every_domain(node, target, depth, group_sets, version, scratch);
    match in_domain.sets.get(&(target, event)) {
        Some((v, set)) if *v == version => (set.clone(), false),
        // No instance there: the whole target's set.
        _ => (in_domain.full(state, target), true),
    }
}

impl InDomain {
    /// The full set of `target` so far (see `State::full`), found once in a phase outside
    /// cycles.
    fn full(&mut self, state: &State, target: ComponentId) -> Rc<[EventId]> {
        if !self.full_stands {
            return state.full(target).into();
        }
        self.full
            .entry(target)
            .or_insert_with(|| state.full(target).into())
            .clone()
    }

    /// Counts the scoped set of each domain of `depth` that `target` has groups in, unless
    /// it was counted from the same version of the target's group sets: all at once, so that
    /// the target's groups are read while they are in the cache.
    fn count_every_domain(
        &mut self,
        node: &ComponentNode,
        target: ComponentId,
        depth: u32,
        group_sets: Option<&GroupSets>,
        version: u32,
        scratch: &mut Counter,
    ) {
        let mut rest = self.index.groups_at(node, target, depth);
        while let Some(&(e, _)) = rest.first() {
            let run = rest.partition_point(|&(x, _)| x == e);
            let (groups, after) = rest.split_at(run);
            rest = after;
            if self
                .sets
                .get(&(target, e))
                .is_some_and(|(v, _)| *v == version)
            {
                continue;
            }
            if let Some(set) = count_in_domain(node, groups, group_sets, scratch) {
                self.sets.insert((target, e), (version, Rc::from(set)));
            }
        }
    }
}

/// Events that take down every member of `groups` (a target's groups in one domain), apart
/// from what fails every instance; `None` when the groups have no member.
fn count_in_domain(
    node: &ComponentNode,
    groups: &[(EventId, u32)],
    group_sets: Option<&GroupSets>,
    scratch: &mut Counter,
) -> Option<EventSet> {
    let members: usize = groups
        .iter()
        .map(|&(_, g)| node.groups[g as usize].members.len())
        .sum();
    if members == 0 {
        return None;
    }
    // Without computed group sets (a target without scoped dependencies, or a cycle's first
    // round: from everything up), only the members' own events and domains.
    let set_of = |g: usize| -> &[EventId] {
        match group_sets {
            Some(sets) => sets.get(g),
            None => &node.groups[g].domain_events,
        }
    };
    for &(_, g) in groups {
        let g = g as usize;
        scratch.add_all(set_of(g), node.groups[g].members.len());
    }
    // Each member's own event fails it (and, through a cycle, maybe the others): once for
    // its own instance unless its group's set holds it. Alone it reaches `members` only
    // when there is one member; otherwise only if some set already holds it.
    if let Some(first) = node.first_instance_event {
        if members == 1 {
            let g = groups
                .iter()
                .find(|&&(_, g)| !node.groups[g as usize].members.is_empty())
                .map_or(0, |&(_, g)| g as usize);
            let own = first + node.groups[g].members[0];
            if set_of(g).binary_search(&own).is_err() {
                scratch.add_all(&[own], 1);
            }
        } else {
            scratch.add_own_events(first, node.n, |m| {
                let g = node.group_of[m as usize];
                groups.iter().any(|&(_, l)| l == g)
                    && set_of(g as usize).binary_search(&(first + m)).is_err()
            });
        }
    }
    Some(scratch.drain_at_least(members))
}

fn degraded_set(
    graph: &FaultGraph,
    closure: &[ComponentId],
    immediate: &State,
    down: &EventSet,
) -> EventSet {
    let mut parts: Vec<EventSet> = Vec::new();
    for &x in closure {
        let node = &graph.components[x];
        for &y in &node.optional {
            parts.push(immediate.full(y));
        }
        if node.no_health_check {
            // Any instance down: the union of every instance's set.
            let mut any: EventSet = if immediate.groups[x].len() == node.groups.len() {
                immediate.groups[x].events.clone()
            } else {
                node.groups
                    .iter()
                    .flat_map(|g| g.domain_events.iter().copied())
                    .collect()
            };
            if let Some(first) = node.first_instance_event {
                any.extend(first..first + node.n as EventId);
            }
            any.extend(immediate.full(x));
            any.sort_unstable();
            any.dedup();
            parts.push(any);
        }
    }
    let all = union(parts.iter().map(Vec::as_slice));
    all.into_iter()
        .filter(|e| down.binary_search(e).is_err())
        .collect()
}

/// The union of sorted sets.
pub fn union<'a>(sets: impl IntoIterator<Item = &'a [EventId]>) -> EventSet {
    let mut sets = sets.into_iter().filter(|set| !set.is_empty());
    // One non-empty set is its own union, and two are merged in one pass; more are
    // gathered and sorted.
    let Some(first) = sets.next() else {
        return Vec::new();
    };
    let Some(second) = sets.next() else {
        return first.to_vec();
    };
    let Some(third) = sets.next() else {
        return merge(first, second);
    };
    let mut out: EventSet = Vec::with_capacity(first.len() + second.len() + third.len());
    out.extend_from_slice(first);
    out.extend_from_slice(second);
    out.extend_from_slice(third);
    for set in sets {
        out.extend_from_slice(set);
    }
    out.sort_unstable();
    out.dedup();
    out
}

/// The union of two sorted sets.
fn merge(a: &[EventId], b: &[EventId]) -> EventSet {
    let mut out = Vec::with_capacity(a.len() + b.len());
    merge_into(&mut out, a, b);
    out
}

/// Pushes the union of two sorted sets onto `out`.
fn merge_into(out: &mut Vec<EventId>, a: &[EventId], b: &[EventId]) {
    out.reserve(a.len() + b.len());
    let (mut i, mut j) = (0, 0);
    while i < a.len() && j < b.len() {
        let (x, y) = (a[i], b[j]);
        out.push(x.min(y));
        i += usize::from(x <= y);
        j += usize::from(y <= x);
    }
    out.extend_from_slice(&a[i..]);
    out.extend_from_slice(&b[j..]);
}

/// Weighted occurrence counts over event ids, with the touched ids kept so that clearing
/// costs only what was used.
struct Counter {
    counts: Vec<u32>,
    touched: Vec<EventId>,
}

impl Counter {
    fn new(size: usize) -> Counter {
        Counter {
            counts: vec![0; size],
            touched: Vec::new(),
        }
    }

    fn add_all(&mut self, set: &[EventId], weight: usize) {
        for &e in set {
            if self.counts[e as usize] == 0 {
                self.touched.push(e);
            }
            self.counts[e as usize] += weight as u32;
        }
    }

    /// Counts once each instance event `first + m` (m below `n`) already counted, for which
    /// `counts(m)` holds: the own event of an instance whose set does not hold it.
    fn add_own_events(&mut self, first: EventId, n: usize, counts: impl Fn(EventId) -> bool) {
        let last = first + n as EventId;
        for i in 0..self.touched.len() {
            let e = self.touched[i];
            if (first..last).contains(&e) && counts(e - first) {
                self.counts[e as usize] += 1;
            }
        }
    }

    /// The events counted at least `threshold` times, sorted; resets the counter.
    fn drain_at_least(&mut self, threshold: usize) -> EventSet {
        let mut out = Vec::new();
        for &e in &self.touched {
            if self.counts[e as usize] as usize >= threshold {
                out.push(e);
            }
            self.counts[e as usize] = 0;
        }
        self.touched.clear();
        out.sort_unstable();
        out
    }
}

/// The k-of-n over a component's groups' own domains (at threshold 1, with its instances).
fn kofn(node: &ComponentNode, scratch: &mut Counter) -> EventSet {
    if node.threshold > 1 {
        for g in &node.groups {
            scratch.add_all(&g.domain_events, g.members.len());
        }
        return scratch.drain_at_least(node.threshold);
    }
    let mut out = union(node.groups.iter().map(|g| g.domain_events.as_slice()));
    if let Some(first) = node.first_instance_event {
        out.extend(first..first + node.n as EventId);
        out.sort_unstable();
    }
    out
}
