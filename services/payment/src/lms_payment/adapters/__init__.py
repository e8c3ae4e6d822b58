"""Adapters: the database, the payment providers, the course service."""
