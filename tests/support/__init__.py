"""Test support shared by the test suites and the benchmarks (real servers, synthetic data)."""
