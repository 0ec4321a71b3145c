//! Risk groups: the minimal sets of two or more basic events that together take a journey
//! down (beyond a brief automatic failover), exactly, from the structure function compiled to
//! a BDD and turned into minimal cut sets on a ZBDD with an order cut-off. This is where
//! shared dependencies hide: two zones behind one NAT gateway, three replicas on one host.

use crate::analysis::{WhatIf, what_if};
use crate::availability::event_unavailability;
use crate::dd::{self, Ref, TooLarge, Zbdd};
use crate::evaluate::Phase;
use crate::graph::{EventId, FaultGraph};
use crate::structure::Structure;
use spof_model::{ComponentId, JourneyId, Model};

#[derive(Clone, Debug)]
pub struct RiskConfig {
    /// Largest group considered (at least 2).
    pub max_order: u32,
    /// How many groups to list per journey.
    pub top: usize,
}

impl Default for RiskConfig {
    fn default() -> Self {
        RiskConfig {
            max_order: 2,
            top: 10,
        }
    }
}

/// One risk group.
#[derive(Clone, Debug)]
pub struct RiskGroup {
    pub events: Vec<EventId>,
    /// The probability that all of them are down at once (independent events).
    pub probability: f64,
    /// Components that the group takes down and no member takes down alone.
    pub together: Vec<ComponentId>,
}

#[derive(Clone, Debug)]
pub struct JourneyRisks {
    pub journey: JourneyId,
    /// How many groups of each order (index = order; orders 0 and 1 are SPOFs, not counted).
    pub by_order: Vec<u128>,
    pub groups: Vec<RiskGroup>,
    /// The single events that take the journey down (its SPOFs), for context.
    pub singles: Vec<EventId>,
    /// The exact probability that the journey is down (after automatic failovers); `None`
    /// when the structure is too large for a decision diagram and the groups (of at most two
    /// events) were found without one.
    pub unavailability: Option<f64>,
}

/// Decision diagrams larger than this give up in favour of the explicit families of
/// `pairs.rs`, when the groups asked for have at most two events.
pub const BDD_NODE_LIMIT_FOR_PAIRS: usize = 1_000_000;

/// Explicit families of more sets than this give up.
pub const PAIR_LIMIT: usize = 50_000_000;

/// Risk groups of every journey.
pub fn risks(
    model: &Model,
    graph: &FaultGraph,
    config: &RiskConfig,
) -> Result<Vec<JourneyRisks>, TooLarge> {
    let structure =
        if config.max_order <= 2 && graph.event_count() > crate::AVAILABILITY_EVENT_LIMIT {
            return pair_risks(model, graph, config);
        } else if config.max_order <= 2 {
            match Structure::build_with_limit(model, graph, BDD_NODE_LIMIT_FOR_PAIRS) {
                Ok(s) => s,
                Err(TooLarge) => return pair_risks(model, graph, config),
            }
        } else {
            Structure::build(model, graph)?
        };
    let q: Vec<f64> = structure
        .order
        .iter()
        .map(|&e| event_unavailability(model, graph, e))
        .collect();
    let mut zbdd = Zbdd::new();
    let mut out = Vec::new();
    for (j, &journey) in structure.journeys.iter().enumerate() {
        let unavailability = structure.bdd.probability(journey, &q);
        let sets = zbdd.minimal_solutions(&structure.bdd, journey, config.max_order.max(2))?;
        let groups_only = at_least_size(&mut zbdd, sets, 2)?;
        let singles_only = zbdd.without(sets, groups_only)?;
        let mut singles: Vec<EventId> = zbdd
            .sets(singles_only, 10_000)
            .into_iter()
            .flatten()
            .map(|v| structure.order[v as usize])
            .collect();
        singles.sort_unstable();
        let mut by_order = zbdd.count_by_order(groups_only);
        by_order.resize(by_order.len().max(2), 0);
        let groups = zbdd
            .most_probable(groups_only, &q, config.top)
            .into_iter()
            .map(|(vars, probability)| {
                let mut events: Vec<EventId> =
                    vars.iter().map(|&v| structure.order[v as usize]).collect();
                events.sort_unstable();
                let together = together(graph, &events);
                RiskGroup {
                    events,
                    probability,
                    together,
                }
            })
            .collect();
        out.push(JourneyRisks {
            journey: j,
            by_order,
            groups,
            singles,
            unavailability: Some(unavailability),
        });
    }
    Ok(out)
}

/// Risk groups of two events from the explicit families of `pairs.rs`: the same groups as
/// the decision diagrams give at order two, without the exact unavailability.
pub fn pair_risks(
    model: &Model,
    graph: &FaultGraph,
    config: &RiskConfig,
) -> Result<Vec<JourneyRisks>, TooLarge> {
    let budget = crate::pairs::Budget { limit: PAIR_LIMIT };
    let crate::pairs::Families { local, journeys } = crate::pairs::families(graph, &budget)?;
    let q: Vec<f64> = (0..graph.event_count() as EventId)
        .map(|e| event_unavailability(model, graph, e))
        .collect();
    Ok(journeys
        .into_iter()
        .enumerate()
        .map(|(j, family)| {
            let mut ranked: Vec<(f64, (EventId, EventId))> = family
                .pairs
                .iter()
                .map(|&(a, b)| (q[a as usize] * q[b as usize], (a, b)))
                .collect();
            let top = config.top.min(ranked.len());
            if top > 0 && top < ranked.len() {
                ranked.select_nth_unstable_by(top - 1, |x, y| {
                    y.0.total_cmp(&x.0).then(x.1.cmp(&y.1))
                });
            }
            ranked.truncate(top);
            ranked.sort_unstable_by(|x, y| y.0.total_cmp(&x.0).then(x.1.cmp(&y.1)));
            let groups = ranked
                .into_iter()
                .map(|(probability, (a, b))| {
                    let events = vec![a, b];
                    let together = crate::pairs::together(graph, &local, (a, b));
                    RiskGroup {
                        events,
                        probability,
                        together,
                    }
                })
                .collect();
            JourneyRisks {
                journey: j,
                by_order: vec![0, 0, family.pairs.len() as u128],
                groups,
                singles: family.singles,
                unavailability: None,
            }
        })
        .collect())
}

/// The sets of at least `k` elements of a family.
fn at_least_size(zbdd: &mut Zbdd, f: Ref, k: u32) -> Result<Ref, TooLarge> {
    fn go(
        zbdd: &mut Zbdd,
        f: Ref,
        k: u32,
        memo: &mut rustc_hash::FxHashMap<(Ref, u32), Ref>,
    ) -> Result<Ref, TooLarge> {
        if k == 0 || f == dd::EMPTY {
            return Ok(f);
        }
        if f == dd::BASE {
            return Ok(dd::EMPTY);
        }
        if let Some(&r) = memo.get(&(f, k)) {
            return Ok(r);
        }
        let (var, lo, hi) = (zbdd.var_of(f), zbdd.lo(f), zbdd.hi(f));
        let lo = go(zbdd, lo, k, memo)?;
        let hi = go(zbdd, hi, k - 1, memo)?;
        let r = zbdd.node(var, lo, hi)?;
        memo.insert((f, k), r);
        Ok(r)
    }
    go(zbdd, f, k, &mut rustc_hash::FxHashMap::default())
}

/// What the group takes down that none of its members does alone (after automatic failover).
fn together(graph: &FaultGraph, events: &[EventId]) -> Vec<ComponentId> {
    let all: WhatIf = what_if(graph, events);
    let mut alone = vec![false; graph.components.len()];
    for &e in events {
        for c in what_if(graph, &[e]).down[Phase::AfterAutomatic].iter() {
            alone[*c] = true;
        }
    }
    all.down[Phase::AfterAutomatic]
        .iter()
        .copied()
        .filter(|&c| !alone[c])
        .collect()
}
