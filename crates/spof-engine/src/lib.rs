//! The spof engine: a validated model compiled to a fault graph, the single-failure analysis
//! on it, and the findings. No I/O, no terminal, no network: it takes a model and returns data.

pub mod evaluate;
pub mod graph;
pub mod single;
