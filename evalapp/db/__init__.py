"""Persistence: models, the engine with its SQLite settings, and schema migrations."""
