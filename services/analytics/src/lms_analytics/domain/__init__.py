"""The analytics domain: plain Python, no transport or storage."""
