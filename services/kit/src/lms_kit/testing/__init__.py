"""Helpers for tests of the kit and of every service."""
