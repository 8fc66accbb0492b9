"""Benchmarks that measure mcugen against TFLite Micro on the models of a directory (`python -m mcugen.bench`)."""
