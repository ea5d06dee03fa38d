"""Benchmarks: `make bench` runs them; each prints its figures and ratios from one run."""
