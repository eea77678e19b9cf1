"""Benchmarks: `make bench` (``python -m benchmarks.run``); synthetic data in ``synth``."""
