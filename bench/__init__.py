"""Benchmarks: `make bench` runs every bench_*.py module and records medians and same-run ratios."""
