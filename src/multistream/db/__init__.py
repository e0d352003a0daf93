"""Database access: the declarative Base, the engine and session factory, and migrations."""
