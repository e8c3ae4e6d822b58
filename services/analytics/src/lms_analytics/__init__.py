"""The LMS analytics service."""
