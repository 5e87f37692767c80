"""The product's settings and URLs plus one bare view, for benchmarks/load.py only."""
