"""The benchmark: reproducible synthetic trials in bulk (`seed_bench`) and timed scenarios (`bench`).

Not part of the product: the site runs without it; `make bench` and the scaling tests use it.
"""
