"""Throughput benchmarks: timings live here, never in tests."""
