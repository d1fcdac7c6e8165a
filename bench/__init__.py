"""Swara's benchmarks: `make bench` (full) and `make bench-quick` (seconds, run in CI)."""
