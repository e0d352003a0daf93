"""Local service processes for development, tests and small installs.

Owns installing and running PostgreSQL, Redis, MinIO and the LiveKit server on loopback,
with binaries and data under the project's data folder (`.multistream/`, ignored by git).
Used by `multistream services …`, `multistream up`, the README's commands and CI.
"""
