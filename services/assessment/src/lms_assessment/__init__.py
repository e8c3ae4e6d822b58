"""The LMS assessment service."""
