//! Decision diagrams: a hash-consed BDD for exact probabilities of Boolean functions, and a ZBDD
//! for families of sets (minimal cut sets), with Rauzy's BDD-to-ZBDD minimal-solutions
//! transformation, Minato's subsumption removal (`without`) and an order cut-off. No Rust crate
//! has the cut-set operations, so they live here; nothing in this module does I/O.
//!
//! Both diagrams share one variable order (0 first). Nodes are `u32` handles into arenas;
//! `0` and `1` are the terminals (false/true for the BDD, the empty family and the family that
//! holds only the empty set for the ZBDD).

use rustc_hash::FxHashMap;

pub type Var = u32;
pub type Ref = u32;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
struct Node {
    var: Var,
    lo: Ref,
    hi: Ref,
}

const TERMINAL_VAR: Var = Var::MAX;

/// Binary operators of `Bdd::apply`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Op {
    And,
    Or,
    Xor,
}

/// Fibonacci hashing: the top `bits` bits of `x` times 2^64/φ.
#[inline]
fn spread(x: u64, bits: u32) -> usize {
    (x.wrapping_mul(0x9e37_79b9_7f4a_7c15) >> (64 - bits)) as usize
}

#[inline]
fn node_hash(var: Var, lo: Ref, hi: Ref) -> u64 {
    (u64::from(lo) | (u64::from(hi) << 32)) ^ u64::from(var).wrapping_mul(0xff51_afd7_ed55_8ccd)
}

/// The unique table: an open-addressing set of node handles (linear probing, at most half
/// full), keyed on the node each handle stands for in the arena. `0` marks an empty slot:
/// terminals are never stored. Nothing is ever removed; compaction builds a new table.
struct Unique {
    slots: Vec<Ref>,
    bits: u32,
    len: usize,
}

impl Unique {
    fn with_capacity(n: usize) -> Unique {
        let bits = (2 * n.max(64)).next_power_of_two().trailing_zeros();
        Unique {
            slots: vec![0; 1 << bits],
            bits,
            len: 0,
        }
    }

    /// The handle of `node` in `nodes`, or where to put it (the slot index) when absent.
    #[inline]
    fn find(&self, nodes: &[Node], node: Node) -> Result<Ref, usize> {
        let mask = self.slots.len() - 1;
        let mut i = spread(node_hash(node.var, node.lo, node.hi), self.bits);
        loop {
            let r = self.slots[i];
            if r == 0 {
                return Err(i);
            }
            if nodes[r as usize] == node {
                return Ok(r);
            }
            i = (i + 1) & mask;
        }
    }

    /// Stores handle `r` (of `nodes[r]`, absent) at `slot`, as returned by `find`.
    #[inline]
    fn insert_at(&mut self, nodes: &[Node], slot: usize, r: Ref) {
        self.slots[slot] = r;
        self.len += 1;
        if 2 * self.len > self.slots.len() {
            self.grow(nodes);
        }
    }

    fn insert_new(&mut self, nodes: &[Node], r: Ref) {
        let slot = match self.find(nodes, nodes[r as usize]) {
            Ok(_) => unreachable!("a node is stored once"),
            Err(slot) => slot,
        };
        self.insert_at(nodes, slot, r);
    }

    fn grow(&mut self, nodes: &[Node]) {
        self.bits += 1;
        let old = std::mem::replace(&mut self.slots, vec![0; 1 << self.bits]);
        let mask = self.slots.len() - 1;
        for r in old.into_iter().filter(|&r| r != 0) {
            let Node { var, lo, hi } = nodes[r as usize];
            let mut i = spread(node_hash(var, lo, hi), self.bits);
            while self.slots[i] != 0 {
                i = (i + 1) & mask;
            }
            self.slots[i] = r;
        }
    }
}

/// A memo from `u64` keys to handles: open addressing with linear probing, at most 70% full,
/// keys apart from values so that a probe reads one cache line. `0` marks an empty slot: every
/// key packs a handle of an inner node (above 1), so none is 0. It keeps every entry: a lossy table (direct-mapped, as some BDD
/// packages use) makes the operations recompute shared sub-results, which is exponential on
/// some real trees (edf9206 went from half a second to over a minute).
struct Memo {
    keys: Vec<u64>,
    values: Vec<Ref>,
    bits: u32,
    len: usize,
}

const NO_KEY: u64 = 0;

impl Memo {
    fn new() -> Memo {
        Memo::with_capacity(0)
    }

    fn with_capacity(n: usize) -> Memo {
        let bits = (n.max(32) * 10 / 7 + 1)
            .next_power_of_two()
            .trailing_zeros();
        Memo {
            keys: vec![NO_KEY; 1 << bits],
            values: vec![0; 1 << bits],
            bits,
            len: 0,
        }
    }

    #[inline]
    fn get(&self, key: u64) -> Option<Ref> {
        let mask = self.keys.len() - 1;
        let mut i = spread(key, self.bits);
        loop {
            let k = self.keys[i];
            if k == key {
                return Some(self.values[i]);
            }
            if k == NO_KEY {
                return None;
            }
            i = (i + 1) & mask;
        }
    }

    /// Sets `key` to `value` (replacing what it held).
    #[inline]
    fn insert(&mut self, key: u64, value: Ref) {
        debug_assert_ne!(key, NO_KEY);
        let mask = self.keys.len() - 1;
        let mut i = spread(key, self.bits);
        loop {
            let k = self.keys[i];
            if k == key {
                self.values[i] = value;
                return;
            }
            if k == NO_KEY {
                break;
            }
            i = (i + 1) & mask;
        }
        self.keys[i] = key;
        self.values[i] = value;
        self.len += 1;
        if 10 * self.len > 7 * self.keys.len() {
            self.grow();
        }
    }

    fn grow(&mut self) {
        self.bits += 1;
        let keys = std::mem::replace(&mut self.keys, vec![NO_KEY; 1 << self.bits]);
        let values = std::mem::replace(&mut self.values, vec![0; 1 << self.bits]);
        let mask = self.keys.len() - 1;
        for (k, v) in keys.into_iter().zip(values) {
            if k != NO_KEY {
                let mut i = spread(k, self.bits);
                while self.keys[i] != NO_KEY {
                    i = (i + 1) & mask;
                }
                self.keys[i] = k;
                self.values[i] = v;
            }
        }
    }

    /// Every entry, in slot order.
    fn iter(&self) -> impl Iterator<Item = (u64, Ref)> + '_ {
        self.keys
            .iter()
            .zip(&self.values)
            .filter(|(k, _)| **k != NO_KEY)
            .map(|(k, v)| (*k, *v))
    }
}

/// Two handles (or a handle and an order) as one memo key.
#[inline]
fn pair(a: u32, b: u32) -> u64 {
    (u64::from(a) << 32) | u64::from(b)
}

fn cache_key(op: Op, a: Ref, b: Ref) -> u64 {
    ((op as u64) << 62) | (u64::from(a) << 31) | u64::from(b)
}

/// A reduced ordered BDD without complement edges.
pub struct Bdd {
    nodes: Vec<Node>,
    unique: Unique,
    apply_cache: Memo,
    not_cache: Memo,
    /// Stop growing past this many nodes (the caller reports that the function is too large).
    pub node_limit: usize,
}

pub const FALSE: Ref = 0;
pub const TRUE: Ref = 1;

/// The diagram grew past its node limit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TooLarge;

impl Default for Bdd {
    fn default() -> Self {
        Bdd::new()
    }
}

impl Bdd {
    pub fn new() -> Bdd {
        let terminal = |v| Node {
            var: TERMINAL_VAR,
            lo: v,
            hi: v,
        };
        Bdd {
            nodes: vec![terminal(0), terminal(1)],
            unique: Unique::with_capacity(0),
            apply_cache: Memo::new(),
            not_cache: Memo::new(),
            node_limit: 50_000_000,
        }
    }

    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    pub fn is_empty(&self) -> bool {
        self.nodes.len() <= 2
    }

    pub fn var_of(&self, f: Ref) -> Var {
        self.nodes[f as usize].var
    }

    pub fn lo(&self, f: Ref) -> Ref {
        self.nodes[f as usize].lo
    }

    pub fn hi(&self, f: Ref) -> Ref {
        self.nodes[f as usize].hi
    }

    fn make(&mut self, var: Var, lo: Ref, hi: Ref) -> Result<Ref, TooLarge> {
        if lo == hi {
            return Ok(lo);
        }
        let node = Node { var, lo, hi };
        let slot = match self.unique.find(&self.nodes, node) {
            Ok(r) => return Ok(r),
            Err(slot) => slot,
        };
        if self.nodes.len() >= self.node_limit {
            return Err(TooLarge);
        }
        let r = self.nodes.len() as Ref;
        self.nodes.push(node);
        self.unique.insert_at(&self.nodes, slot, r);
        Ok(r)
    }

    /// How many nodes (terminals aside) the functions of `roots` use together.
    pub fn node_count(&self, roots: &[Ref]) -> usize {
        self.mark(roots).iter().filter(|&&m| m).count()
    }

    fn mark(&self, roots: &[Ref]) -> Vec<bool> {
        let mut live = vec![false; self.nodes.len()];
        let mut stack: Vec<Ref> = roots.iter().copied().filter(|&r| r > TRUE).collect();
        while let Some(r) = stack.pop() {
            if std::mem::replace(&mut live[r as usize], true) {
                continue;
            }
            let Node { lo, hi, .. } = self.nodes[r as usize];
            for child in [lo, hi] {
                if child > TRUE && !live[child as usize] {
                    stack.push(child);
                }
            }
        }
        live
    }

    /// Garbage collection: keeps only the nodes of the functions of `roots` and rewrites each
    /// root to its new handle; every other handle is invalid afterwards. Computed results
    /// whose operands and result are all kept are kept too. Nodes keep their relative order
    /// (children before parents, so `birnbaum`'s walk stays valid).
    pub fn compact(&mut self, roots: &mut [Ref]) {
        let live = self.mark(roots);
        let mut new_of = vec![Ref::MAX; self.nodes.len()];
        new_of[FALSE as usize] = FALSE;
        new_of[TRUE as usize] = TRUE;
        let mut nodes = Vec::with_capacity(2 + live.iter().filter(|&&m| m).count());
        nodes.extend_from_slice(&self.nodes[..2]);
        for (old, node) in self.nodes.iter().enumerate().skip(2) {
            if live[old] {
                new_of[old] = nodes.len() as Ref;
                nodes.push(Node {
                    var: node.var,
                    lo: new_of[node.lo as usize],
                    hi: new_of[node.hi as usize],
                });
            }
        }
        self.unique = Unique::with_capacity(nodes.len());
        for r in 2..nodes.len() {
            self.unique.insert_new(&nodes, r as Ref);
        }
        self.nodes = nodes;
        // Results between live nodes stay valid under their new handles: keeping them saves
        // recomputing what the next gates share with the last ones.
        let live_ref = |r: Ref| match new_of[r as usize] {
            Ref::MAX => None,
            r => Some(r),
        };
        let mut apply = Memo::new();
        for (key, value) in self.apply_cache.iter() {
            let (op, a, b) = (
                key >> 62,
                (key >> 31) as u32 & 0x7fff_ffff,
                key as u32 & 0x7fff_ffff,
            );
            if let (Some(a), Some(b), Some(r)) = (live_ref(a), live_ref(b), live_ref(value)) {
                apply.insert((op << 62) | (u64::from(a) << 31) | u64::from(b), r);
            }
        }
        self.apply_cache = apply;
        let mut not = Memo::new();
        for (f, r) in self.not_cache.iter() {
            if let (Some(f), Some(r)) = (live_ref(f as Ref), live_ref(r)) {
                not.insert(u64::from(f), r);
            }
        }
        self.not_cache = not;
        for root in roots {
            *root = new_of[*root as usize];
        }
    }

    /// The function that is true exactly when `var` is.
    pub fn var(&mut self, var: Var) -> Result<Ref, TooLarge> {
        self.make(var, FALSE, TRUE)
    }

    pub fn not(&mut self, f: Ref) -> Result<Ref, TooLarge> {
        match f {
            FALSE => return Ok(TRUE),
            TRUE => return Ok(FALSE),
            _ => {}
        }
        if let Some(r) = self.not_cache.get(u64::from(f)) {
            return Ok(r);
        }
        let Node { var, lo, hi } = self.nodes[f as usize];
        let lo = self.not(lo)?;
        let hi = self.not(hi)?;
        let r = self.make(var, lo, hi)?;
        self.not_cache.insert(u64::from(f), r);
        Ok(r)
    }

    pub fn apply(&mut self, op: Op, a: Ref, b: Ref) -> Result<Ref, TooLarge> {
        // Terminal cases.
        match op {
            Op::And => {
                if a == FALSE || b == FALSE {
                    return Ok(FALSE);
                }
                if a == TRUE || a == b {
                    return Ok(b);
                }
                if b == TRUE {
                    return Ok(a);
                }
            }
            Op::Or => {
                if a == TRUE || b == TRUE {
                    return Ok(TRUE);
                }
                if a == FALSE || a == b {
                    return Ok(b);
                }
                if b == FALSE {
                    return Ok(a);
                }
            }
            Op::Xor => {
                if a == b {
                    return Ok(FALSE);
                }
                if a == FALSE {
                    return Ok(b);
                }
                if b == FALSE {
                    return Ok(a);
                }
                if a == TRUE {
                    return self.not(b);
                }
                if b == TRUE {
                    return self.not(a);
                }
            }
        }
        // The operators are commutative: cache one order.
        let (a, b) = if a < b { (a, b) } else { (b, a) };
        let key = cache_key(op, a, b);
        if let Some(r) = self.apply_cache.get(key) {
            return Ok(r);
        }
        let (na, nb) = (self.nodes[a as usize], self.nodes[b as usize]);
        let var = na.var.min(nb.var);
        let (a0, a1) = if na.var == var {
            (na.lo, na.hi)
        } else {
            (a, a)
        };
        let (b0, b1) = if nb.var == var {
            (nb.lo, nb.hi)
        } else {
            (b, b)
        };
        let lo = self.apply(op, a0, b0)?;
        let hi = self.apply(op, a1, b1)?;
        let r = self.make(var, lo, hi)?;
        self.apply_cache.insert(key, r);
        Ok(r)
    }

    /// At least `k` of `args` are true.
    pub fn at_least(&mut self, k: usize, args: &[Ref]) -> Result<Ref, TooLarge> {
        if k == 0 {
            return Ok(TRUE);
        }
        if k > args.len() {
            return Ok(FALSE);
        }
        // at_least[j]: at least j of the arguments seen so far.
        let mut at_least = vec![FALSE; k + 1];
        at_least[0] = TRUE;
        for &arg in args {
            for j in (1..=k).rev() {
                let with = self.apply(Op::And, arg, at_least[j - 1])?;
                at_least[j] = self.apply(Op::Or, at_least[j], with)?;
            }
        }
        Ok(at_least[k])
    }

    /// The exact probability that `f` is true, with `p[var]` the probability of each variable,
    /// variables independent.
    pub fn probability(&self, f: Ref, p: &[f64]) -> f64 {
        let mut memo: FxHashMap<Ref, f64> = FxHashMap::default();
        self.probability_memo(f, p, &mut memo)
    }

    fn probability_memo(&self, f: Ref, p: &[f64], memo: &mut FxHashMap<Ref, f64>) -> f64 {
        match f {
            FALSE => return 0.0,
            TRUE => return 1.0,
            _ => {}
        }
        if let Some(&v) = memo.get(&f) {
            return v;
        }
        let Node { var, lo, hi } = self.nodes[f as usize];
        let pv = p[var as usize];
        let v = pv * self.probability_memo(hi, p, memo)
            + (1.0 - pv) * self.probability_memo(lo, p, memo);
        memo.insert(f, v);
        v
    }

    /// The Birnbaum importance of every variable: ∂P(f)/∂p(var), in two passes over the
    /// diagram (probabilities bottom-up, the probability of reaching each node top-down).
    /// Node ids grow from children to parents, so a descending walk visits parents first.
    pub fn birnbaum(&self, f: Ref, p: &[f64]) -> Vec<f64> {
        let mut out = vec![0.0; p.len()];
        if f <= TRUE {
            return out;
        }
        // Bottom-up probabilities of the nodes under f.
        let mut prob: FxHashMap<Ref, f64> = FxHashMap::default();
        self.probability_memo(f, p, &mut prob);
        let value = |r: Ref, prob: &FxHashMap<Ref, f64>| match r {
            FALSE => 0.0,
            TRUE => 1.0,
            _ => prob[&r],
        };
        let mut order: Vec<Ref> = prob.keys().copied().collect();
        order.sort_unstable_by(|a, b| b.cmp(a));
        let mut reach: FxHashMap<Ref, f64> = FxHashMap::default();
        reach.insert(f, 1.0);
        for r in order {
            let Some(&here) = reach.get(&r) else { continue };
            let Node { var, lo, hi } = self.nodes[r as usize];
            let pv = p[var as usize];
            out[var as usize] += here * (value(hi, &prob) - value(lo, &prob));
            if hi > TRUE {
                *reach.entry(hi).or_insert(0.0) += here * pv;
            }
            if lo > TRUE {
                *reach.entry(lo).or_insert(0.0) += here * (1.0 - pv);
            }
        }
        out
    }

    /// Whether `f` is true with every variable false (the empty set is a solution).
    pub fn true_at_zero(&self, mut f: Ref) -> bool {
        while f > TRUE {
            f = self.nodes[f as usize].lo;
        }
        f == TRUE
    }
}

/// A zero-suppressed BDD: a family of sets of variables.
pub struct Zbdd {
    nodes: Vec<Node>,
    unique: Unique,
    without_cache: Memo,
    minsol_cache: Memo,
    minimize_cache: Memo,
    union_cache: Memo,
    product_cache: FxHashMap<(Ref, Ref, u32), Ref>,
    truncate_cache: Memo,
    substitute_cache: Memo,
    pub node_limit: usize,
}

/// One less than an order limit; `u32::MAX` stands for no limit and stays so (which also
/// keeps one cache entry per node instead of one per depth).
fn less_one(max_order: u32) -> u32 {
    if max_order == u32::MAX {
        max_order
    } else {
        max_order - 1
    }
}

/// The empty family.
pub const EMPTY: Ref = 0;
/// The family holding only the empty set.
pub const BASE: Ref = 1;

impl Default for Zbdd {
    fn default() -> Self {
        Zbdd::new()
    }
}

impl Zbdd {
    pub fn new() -> Zbdd {
        let terminal = |v| Node {
            var: TERMINAL_VAR,
            lo: v,
            hi: v,
        };
        Zbdd {
            nodes: vec![terminal(0), terminal(1)],
            unique: Unique::with_capacity(0),
            without_cache: Memo::new(),
            minsol_cache: Memo::new(),
            minimize_cache: Memo::new(),
            union_cache: Memo::new(),
            product_cache: FxHashMap::default(),
            truncate_cache: Memo::new(),
            substitute_cache: Memo::new(),
            node_limit: 50_000_000,
        }
    }

    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    pub fn is_empty(&self) -> bool {
        self.nodes.len() <= 2
    }

    pub fn var_of(&self, f: Ref) -> Var {
        self.nodes[f as usize].var
    }

    pub fn lo(&self, f: Ref) -> Ref {
        self.nodes[f as usize].lo
    }

    pub fn hi(&self, f: Ref) -> Ref {
        self.nodes[f as usize].hi
    }

    /// The family `lo ∪ { s ∪ {var} : s ∈ hi }`, with `var` before every variable of both.
    pub fn node(&mut self, var: Var, lo: Ref, hi: Ref) -> Result<Ref, TooLarge> {
        self.make(var, lo, hi)
    }

    fn make(&mut self, var: Var, lo: Ref, hi: Ref) -> Result<Ref, TooLarge> {
        if hi == EMPTY {
            return Ok(lo);
        }
        let node = Node { var, lo, hi };
        let slot = match self.unique.find(&self.nodes, node) {
            Ok(r) => return Ok(r),
            Err(slot) => slot,
        };
        if self.nodes.len() >= self.node_limit {
            return Err(TooLarge);
        }
        let r = self.nodes.len() as Ref;
        self.nodes.push(node);
        self.unique.insert_at(&self.nodes, slot, r);
        Ok(r)
    }

    /// `{ f in F : no g in G with g ⊆ f }`: removes from F every set that contains a set of G.
    pub fn without(&mut self, f: Ref, g: Ref) -> Result<Ref, TooLarge> {
        if g == EMPTY || f == EMPTY {
            return Ok(f);
        }
        if f == g {
            return Ok(EMPTY);
        }
        if g == BASE {
            // The empty set is a subset of everything.
            return Ok(EMPTY);
        }
        if f == BASE {
            // Only the empty set; G holds non-empty sets only once BASE is excluded... unless G
            // contains the empty set along with others.
            return Ok(if self.contains_empty(g) { EMPTY } else { BASE });
        }
        if let Some(r) = self.without_cache.get(pair(f, g)) {
            return Ok(r);
        }
        let (nf, ng) = (self.nodes[f as usize], self.nodes[g as usize]);
        let r = if nf.var < ng.var {
            let lo = self.without(nf.lo, g)?;
            let hi = self.without(nf.hi, g)?;
            self.make(nf.var, lo, hi)?
        } else if nf.var > ng.var {
            // Sets of G holding ng.var cannot be subsets of sets of F, which lack it.
            self.without(f, ng.lo)?
        } else {
            let lo = self.without(nf.lo, ng.lo)?;
            let hi_partial = self.without(nf.hi, ng.hi)?;
            let hi = self.without(hi_partial, ng.lo)?;
            self.make(nf.var, lo, hi)?
        };
        self.without_cache.insert(pair(f, g), r);
        Ok(r)
    }

    fn contains_empty(&self, mut f: Ref) -> bool {
        while f > BASE {
            f = self.nodes[f as usize].lo;
        }
        f == BASE
    }

    /// The minimal solutions of the BDD function `f` with at most `max_order` variables each
    /// (Rauzy 1993): the minimal cut sets of a coherent function. For a non-coherent one,
    /// negative literals are dropped, which gives the minimal cut sets as SCRAM defines them.
    pub fn minimal_solutions(
        &mut self,
        bdd: &Bdd,
        f: Ref,
        max_order: u32,
    ) -> Result<Ref, TooLarge> {
        match f {
            FALSE => return Ok(EMPTY),
            TRUE => return Ok(BASE),
            _ => {}
        }
        if max_order == 0 {
            return Ok(if bdd.true_at_zero(f) { BASE } else { EMPTY });
        }
        if let Some(r) = self.minsol_cache.get(pair(f, max_order)) {
            return Ok(r);
        }
        let (var, lo, hi) = (bdd.var_of(f), bdd.lo(f), bdd.hi(f));
        let lo_sets = self.minimal_solutions(bdd, lo, max_order)?;
        let hi_sets = self.minimal_solutions(bdd, hi, less_one(max_order))?;
        let hi_sets = self.without(hi_sets, lo_sets)?;
        let r = self.make(var, lo_sets, hi_sets)?;
        self.minsol_cache.insert(pair(f, max_order), r);
        Ok(r)
    }

    /// Forgets what `minimal_solutions` remembers of the BDD it was given, before it is given
    /// another (the memo is keyed by that BDD's nodes).
    pub fn forget_bdd(&mut self) {
        self.minsol_cache = Memo::new();
    }

    /// The minimal sets of `f` (no set of the result contains another).
    pub fn minimize(&mut self, f: Ref) -> Result<Ref, TooLarge> {
        if f <= BASE {
            return Ok(f);
        }
        if let Some(r) = self.minimize_cache.get(u64::from(f)) {
            return Ok(r);
        }
        let Node { var, lo, hi } = self.nodes[f as usize];
        let lo = self.minimize(lo)?;
        let hi = self.minimize(hi)?;
        let hi = self.without(hi, lo)?;
        let r = self.make(var, lo, hi)?;
        self.minimize_cache.insert(u64::from(f), r);
        Ok(r)
    }

    /// `F ∪ G`.
    pub fn union(&mut self, f: Ref, g: Ref) -> Result<Ref, TooLarge> {
        if f == EMPTY || f == g {
            return Ok(g);
        }
        if g == EMPTY {
            return Ok(f);
        }
        let (f, g) = if f < g { (f, g) } else { (g, f) };
        if let Some(r) = self.union_cache.get(pair(f, g)) {
            return Ok(r);
        }
        let (nf, ng) = (self.nodes[f as usize], self.nodes[g as usize]);
        let var = nf.var.min(ng.var);
        let (f0, f1) = if nf.var == var {
            (nf.lo, nf.hi)
        } else {
            (f, EMPTY)
        };
        let (g0, g1) = if ng.var == var {
            (ng.lo, ng.hi)
        } else {
            (g, EMPTY)
        };
        let lo = self.union(f0, g0)?;
        let hi = self.union(f1, g1)?;
        let r = self.make(var, lo, hi)?;
        self.union_cache.insert(pair(f, g), r);
        Ok(r)
    }

    /// The sets of `f` with at most `max_order` elements.
    pub fn truncate(&mut self, f: Ref, max_order: u32) -> Result<Ref, TooLarge> {
        if f <= BASE || max_order == u32::MAX {
            return Ok(f);
        }
        if max_order == 0 {
            return Ok(if self.contains_empty(f) { BASE } else { EMPTY });
        }
        if let Some(r) = self.truncate_cache.get(pair(f, max_order)) {
            return Ok(r);
        }
        let Node { var, lo, hi } = self.nodes[f as usize];
        let lo = self.truncate(lo, max_order)?;
        let hi = self.truncate(hi, max_order - 1)?;
        let r = self.make(var, lo, hi)?;
        self.truncate_cache.insert(pair(f, max_order), r);
        Ok(r)
    }

    /// `{ s ∪ t : s ∈ F, t ∈ G }` limited to sets of at most `max_order` elements. Minimal
    /// when F and G are minimal families on disjoint variables, the case it is meant for.
    pub fn product(&mut self, f: Ref, g: Ref, max_order: u32) -> Result<Ref, TooLarge> {
        if f == EMPTY || g == EMPTY {
            return Ok(EMPTY);
        }
        if f == BASE {
            return self.truncate(g, max_order);
        }
        if g == BASE {
            return self.truncate(f, max_order);
        }
        if max_order == 0 {
            let both = self.contains_empty(f) && self.contains_empty(g);
            return Ok(if both { BASE } else { EMPTY });
        }
        let (f, g) = if f < g { (f, g) } else { (g, f) };
        if let Some(&r) = self.product_cache.get(&(f, g, max_order)) {
            return Ok(r);
        }
        let (nf, ng) = (self.nodes[f as usize], self.nodes[g as usize]);
        let less = less_one(max_order);
        let r = if nf.var == ng.var {
            // (f0 ∪ v·f1)(g0 ∪ v·g1) = f0·g0 ∪ v·(f0·g1 ∪ f1·g0 ∪ f1·g1)
            let lo = self.product(nf.lo, ng.lo, max_order)?;
            let a = self.product(nf.lo, ng.hi, less)?;
            let b = self.product(nf.hi, ng.lo, less)?;
            let c = self.product(nf.hi, ng.hi, less)?;
            let ab = self.union(a, b)?;
            let hi = self.union(ab, c)?;
            self.make(nf.var, lo, hi)?
        } else {
            let (first, other) = if nf.var < ng.var { (nf, g) } else { (ng, f) };
            let lo = self.product(first.lo, other, max_order)?;
            let hi = self.product(first.hi, other, less)?;
            self.make(first.var, lo, hi)?
        };
        self.product_cache.insert((f, g, max_order), r);
        Ok(r)
    }

    /// Replaces each variable `m` of `families` by its family: a set `s ∪ {m}` of `f` becomes
    /// `s ∪ t` for every `t` of `families[m]`; sets of more than `max_order` elements are
    /// dropped. Every substituted family must lack the empty set and hold only variables
    /// after `m`, and must not change between calls (results are remembered). With families
    /// on variables disjoint from the rest of `f` (independent modules), minimal families stay
    /// minimal.
    pub fn substitute(
        &mut self,
        f: Ref,
        families: &FxHashMap<Var, Ref>,
        max_order: u32,
    ) -> Result<Ref, TooLarge> {
        if f <= BASE {
            return Ok(f);
        }
        if max_order == 0 {
            return Ok(if self.contains_empty(f) { BASE } else { EMPTY });
        }
        if let Some(r) = self.substitute_cache.get(pair(f, max_order)) {
            return Ok(r);
        }
        let Node { var, lo, hi } = self.nodes[f as usize];
        let lo = self.substitute(lo, families, max_order)?;
        let hi = self.substitute(hi, families, less_one(max_order))?;
        let r = match families.get(&var) {
            None => self.make(var, lo, hi)?,
            Some(&family) => {
                let product = self.product(hi, family, max_order)?;
                self.union(lo, product)?
            }
        };
        self.substitute_cache.insert(pair(f, max_order), r);
        Ok(r)
    }

    /// How many sets the family holds.
    pub fn count(&self, f: Ref) -> u128 {
        let mut memo: FxHashMap<Ref, u128> = FxHashMap::default();
        self.count_memo(f, &mut memo)
    }

    fn count_memo(&self, f: Ref, memo: &mut FxHashMap<Ref, u128>) -> u128 {
        match f {
            EMPTY => return 0,
            BASE => return 1,
            _ => {}
        }
        if let Some(&v) = memo.get(&f) {
            return v;
        }
        let Node { lo, hi, .. } = self.nodes[f as usize];
        let v = self
            .count_memo(lo, memo)
            .saturating_add(self.count_memo(hi, memo));
        memo.insert(f, v);
        v
    }

    /// How many sets of each size (index = size).
    pub fn count_by_order(&self, f: Ref) -> Vec<u128> {
        let mut memo: FxHashMap<Ref, Vec<u128>> = FxHashMap::default();
        let mut out = self.by_order_memo(f, &mut memo);
        while out.len() > 1 && out.last() == Some(&0) {
            out.pop();
        }
        out
    }

    fn by_order_memo(&self, f: Ref, memo: &mut FxHashMap<Ref, Vec<u128>>) -> Vec<u128> {
        match f {
            EMPTY => return vec![0],
            BASE => return vec![1],
            _ => {}
        }
        if let Some(v) = memo.get(&f) {
            return v.clone();
        }
        let Node { lo, hi, .. } = self.nodes[f as usize];
        let lo_counts = self.by_order_memo(lo, memo);
        let hi_counts = self.by_order_memo(hi, memo);
        let mut out = vec![0u128; lo_counts.len().max(hi_counts.len() + 1)];
        for (i, c) in lo_counts.iter().enumerate() {
            out[i] = out[i].saturating_add(*c);
        }
        for (i, c) in hi_counts.iter().enumerate() {
            out[i + 1] = out[i + 1].saturating_add(*c);
        }
        memo.insert(f, out.clone());
        out
    }

    /// The sum over the sets of the product of their variables' probabilities: the rare-event
    /// approximation of the probability of their union.
    pub fn rare_event(&self, f: Ref, p: &[f64]) -> f64 {
        let mut memo: FxHashMap<Ref, f64> = FxHashMap::default();
        self.rare_memo(f, p, &mut memo)
    }

    fn rare_memo(&self, f: Ref, p: &[f64], memo: &mut FxHashMap<Ref, f64>) -> f64 {
        match f {
            EMPTY => return 0.0,
            BASE => return 1.0,
            _ => {}
        }
        if let Some(&v) = memo.get(&f) {
            return v;
        }
        let Node { var, lo, hi } = self.nodes[f as usize];
        let v = self.rare_memo(lo, p, memo) + p[var as usize] * self.rare_memo(hi, p, memo);
        memo.insert(f, v);
        v
    }

    /// The sets in decreasing order of probability (product of their variables'), best first,
    /// at most `limit` of them. A best-first search bounded by the best completion of each
    /// node, so it costs about `limit` times the depth, however many sets the family holds.
    pub fn most_probable(&self, f: Ref, p: &[f64], limit: usize) -> Vec<(Vec<Var>, f64)> {
        use std::cmp::Ordering;
        use std::collections::BinaryHeap;
        // The best product reachable from each node.
        let mut best: FxHashMap<Ref, f64> = FxHashMap::default();
        fn best_of(z: &Zbdd, f: Ref, p: &[f64], best: &mut FxHashMap<Ref, f64>) -> f64 {
            match f {
                EMPTY => return 0.0,
                BASE => return 1.0,
                _ => {}
            }
            if let Some(&v) = best.get(&f) {
                return v;
            }
            let Node { var, lo, hi } = z.nodes[f as usize];
            let v = best_of(z, lo, p, best).max(p[var as usize] * best_of(z, hi, p, best));
            best.insert(f, v);
            v
        }
        struct Item {
            bound: f64,
            so_far: f64,
            node: Ref,
            path: Vec<Var>,
        }
        impl PartialEq for Item {
            fn eq(&self, other: &Self) -> bool {
                self.cmp(other) == Ordering::Equal
            }
        }
        impl Eq for Item {}
        impl PartialOrd for Item {
            fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
                Some(self.cmp(other))
            }
        }
        impl Ord for Item {
            fn cmp(&self, other: &Self) -> Ordering {
                // Larger bound first; ties by shorter path then the path itself, for stable output.
                self.bound
                    .total_cmp(&other.bound)
                    .then_with(|| other.path.len().cmp(&self.path.len()))
                    .then_with(|| other.path.cmp(&self.path))
            }
        }
        let mut heap = BinaryHeap::new();
        let start = best_of(self, f, p, &mut best);
        if f != EMPTY {
            heap.push(Item {
                bound: start,
                so_far: 1.0,
                node: f,
                path: Vec::new(),
            });
        }
        let mut out = Vec::new();
        while let Some(item) = heap.pop() {
            if out.len() >= limit {
                break;
            }
            if item.node == BASE {
                out.push((item.path, item.so_far));
                continue;
            }
            let Node { var, lo, hi } = self.nodes[item.node as usize];
            if lo != EMPTY {
                let bound = item.so_far * best_of(self, lo, p, &mut best);
                heap.push(Item {
                    bound,
                    so_far: item.so_far,
                    node: lo,
                    path: item.path.clone(),
                });
            }
            let so_far = item.so_far * p[var as usize];
            let mut path = item.path;
            path.push(var);
            let bound = so_far * best_of(self, hi, p, &mut best);
            heap.push(Item {
                bound,
                so_far,
                node: hi,
                path,
            });
        }
        out
    }

    /// Every set, in the diagram's order; for small families (tests, MCUB).
    pub fn sets(&self, f: Ref, limit: usize) -> Vec<Vec<Var>> {
        let mut out = Vec::new();
        let mut path = Vec::new();
        self.collect(f, &mut path, &mut out, limit);
        out
    }

    fn collect(&self, f: Ref, path: &mut Vec<Var>, out: &mut Vec<Vec<Var>>, limit: usize) {
        if out.len() >= limit || f == EMPTY {
            return;
        }
        if f == BASE {
            out.push(path.clone());
            return;
        }
        let Node { var, lo, hi } = self.nodes[f as usize];
        self.collect(lo, path, out, limit);
        path.push(var);
        self.collect(hi, path, out, limit);
        path.pop();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// (a ∧ b) ∨ (b ∧ c) ∨ (a ∧ b ∧ c): minimal cut sets {a,b}, {b,c}.
    #[test]
    fn minimal_cut_sets_and_probability() {
        let mut bdd = Bdd::new();
        let (a, b, c) = (
            bdd.var(0).unwrap(),
            bdd.var(1).unwrap(),
            bdd.var(2).unwrap(),
        );
        let ab = bdd.apply(Op::And, a, b).unwrap();
        let bc = bdd.apply(Op::And, b, c).unwrap();
        let abc = bdd.apply(Op::And, ab, c).unwrap();
        let f = bdd.apply(Op::Or, ab, bc).unwrap();
        let f = bdd.apply(Op::Or, f, abc).unwrap();
        let p = [0.1, 0.2, 0.3];
        let exact = bdd.probability(f, &p);
        assert!((exact - 0.074).abs() < 1e-12, "{exact}");
        let mut zbdd = Zbdd::new();
        let sets = zbdd.minimal_solutions(&bdd, f, 10).unwrap();
        assert_eq!(zbdd.sets(sets, 100), vec![vec![1, 2], vec![0, 1]]);
        assert_eq!(zbdd.count(sets), 2);
        assert_eq!(zbdd.count_by_order(sets), vec![0, 0, 2]);
        assert!((zbdd.rare_event(sets, &p) - 0.08).abs() < 1e-12);
        let top = zbdd.most_probable(sets, &p, 1);
        assert_eq!(top[0].0, vec![1, 2]);
        let order_one = zbdd.minimal_solutions(&bdd, f, 1).unwrap();
        assert_eq!(zbdd.count(order_one), 0);
    }

    #[test]
    fn at_least_and_negation() {
        let mut bdd = Bdd::new();
        let vars: Vec<Ref> = (0..3).map(|v| bdd.var(v).unwrap()).collect();
        let two = bdd.at_least(2, &vars).unwrap();
        let p = [0.1, 0.2, 0.3];
        assert!((bdd.probability(two, &p) - 0.098).abs() < 1e-12);
        let mut zbdd = Zbdd::new();
        let sets = zbdd.minimal_solutions(&bdd, two, 5).unwrap();
        assert_eq!(zbdd.count(sets), 3);
        // a ∧ ¬a is impossible: no cut set; a ∨ ¬a always: the empty cut set.
        let not_a = bdd.not(vars[0]).unwrap();
        let never = bdd.apply(Op::And, vars[0], not_a).unwrap();
        assert_eq!(never, FALSE);
        let always = bdd.apply(Op::Or, vars[0], not_a).unwrap();
        assert_eq!(zbdd.minimal_solutions(&bdd, always, 5).unwrap(), BASE);
        // a ∧ ¬b: cut set {a}.
        let not_b = bdd.not(vars[1]).unwrap();
        let f = bdd.apply(Op::And, vars[0], not_b).unwrap();
        let sets = zbdd.minimal_solutions(&bdd, f, 5).unwrap();
        assert_eq!(zbdd.sets(sets, 10), vec![vec![0]]);
    }
}

#[cfg(test)]
mod compact_tests {
    use super::*;

    /// Random functions built from random operations; after collecting down to some of them,
    /// each kept one has the same probability, minimal solutions and node count as before,
    /// and the diagram still hash-conses (rebuilding a kept function gives the same handle).
    #[test]
    fn compaction_keeps_the_live_functions() {
        let mut seed: u64 = 0x853c_49e6_748f_ea9b;
        let mut next = move |n: usize| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % n as u64) as usize
        };
        for _ in 0..200 {
            let vars = 2 + next(8);
            let p: Vec<f64> = (0..vars).map(|_| (1 + next(98)) as f64 / 100.0).collect();
            let mut bdd = Bdd::new();
            let mut fs: Vec<Ref> = (0..vars).map(|v| bdd.var(v as Var).unwrap()).collect();
            for _ in 0..10 + next(30) {
                let (a, b) = (fs[next(fs.len())], fs[next(fs.len())]);
                let f = match next(4) {
                    0 => bdd.apply(Op::And, a, b),
                    1 => bdd.apply(Op::Or, a, b),
                    2 => bdd.apply(Op::Xor, a, b),
                    _ => bdd.not(a),
                }
                .unwrap();
                fs.push(f);
            }
            let mut roots: Vec<Ref> = (0..1 + next(4)).map(|_| fs[next(fs.len())]).collect();
            let measure = |bdd: &Bdd, roots: &[Ref]| -> Vec<(f64, u128, usize)> {
                roots
                    .iter()
                    .map(|&r| {
                        let mut zbdd = Zbdd::new();
                        let sets = zbdd.minimal_solutions(bdd, r, u32::MAX).unwrap();
                        (
                            bdd.probability(r, &p),
                            zbdd.count(sets),
                            bdd.node_count(&[r]),
                        )
                    })
                    .collect()
            };
            let before = measure(&bdd, &roots);
            let shared = bdd.node_count(&roots);
            let old = roots.clone();
            bdd.compact(&mut roots);
            assert_eq!(bdd.len(), 2 + shared);
            assert_eq!(measure(&bdd, &roots), before);
            for (i, &r) in roots.iter().enumerate() {
                // The unique table knows every kept node: building the function again node
                // by node gives the same handle.
                let mut memo = FxHashMap::default();
                assert_eq!(
                    rebuild(&mut bdd, r, &mut memo),
                    r,
                    "root {i} (was {})",
                    old[i]
                );
                // The kept computed results agree with fresh operations.
                let a = bdd.apply(Op::And, r, roots[0]).unwrap();
                let o = bdd.apply(Op::Or, r, roots[0]).unwrap();
                let n = bdd.not(r).unwrap();
                let (pr, p0) = (bdd.probability(r, &p), bdd.probability(roots[0], &p));
                let (pa, po) = (bdd.probability(a, &p), bdd.probability(o, &p));
                assert!((pa + po - pr - p0).abs() < 1e-12);
                assert!((bdd.probability(n, &p) - (1.0 - pr)).abs() < 1e-12);
            }
        }
    }

    fn rebuild(bdd: &mut Bdd, f: Ref, memo: &mut FxHashMap<Ref, Ref>) -> Ref {
        if f <= TRUE {
            return f;
        }
        if let Some(&r) = memo.get(&f) {
            return r;
        }
        let Node { var, lo, hi } = bdd.nodes[f as usize];
        let lo = rebuild(bdd, lo, memo);
        let hi = rebuild(bdd, hi, memo);
        let r = bdd.make(var, lo, hi).unwrap();
        memo.insert(f, r);
        r
    }
}

#[cfg(test)]
mod importance_tests {
    use super::*;

    /// Birnbaum of a in (a ∧ b) ∨ c is P(b)·(1 - P(c)); checked against finite differences.
    #[test]
    fn birnbaum_is_the_partial_derivative() {
        let mut bdd = Bdd::new();
        let (a, b, c) = (
            bdd.var(0).unwrap(),
            bdd.var(1).unwrap(),
            bdd.var(2).unwrap(),
        );
        let ab = bdd.apply(Op::And, a, b).unwrap();
        let f = bdd.apply(Op::Or, ab, c).unwrap();
        let p = [0.1, 0.2, 0.3];
        let got = bdd.birnbaum(f, &p);
        assert!((got[0] - 0.2 * 0.7).abs() < 1e-12, "{got:?}");
        for v in 0..3 {
            let (mut up, mut down) = (p, p);
            up[v] = 1.0;
            down[v] = 0.0;
            let expected = bdd.probability(f, &up) - bdd.probability(f, &down);
            assert!((got[v] - expected).abs() < 1e-12, "{v}: {got:?}");
        }
    }
}
