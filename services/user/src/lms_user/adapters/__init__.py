"""Adapters: the database, password hashing, signing keys."""
