"""Benchmarks run by `make bench-*` targets (bounded, loopback only)."""
