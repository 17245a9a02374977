//! Benchmarks for oko live in `benches/`.
