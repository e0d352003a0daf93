"""Tools for development, tests and benchmarks: never imported by the running service."""
