"""The notification domain: plain Python, no transport or storage."""
