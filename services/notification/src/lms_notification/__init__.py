"""The LMS notification service."""
