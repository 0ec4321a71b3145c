//! spof's decision diagrams and fault-tree analysis, on their own: a hash-consed BDD for exact
//! probabilities, a ZBDD for families of minimal cut sets (`dd`), and fault trees in the
//! Open-PSA sense with their exact analysis (`fta`). Nothing here knows about architecture
//! models: spof-engine builds its structure functions on `dd`, spof-mef reads the Open-PSA
//! Model Exchange Format into `fta`'s trees. No I/O.

pub mod dd;
pub mod fta;
