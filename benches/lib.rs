//! Benchmarks for oko: see `benches/` and README.md in this folder.
