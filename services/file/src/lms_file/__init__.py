"""The LMS file service."""
