"""The LMS certificate service."""
