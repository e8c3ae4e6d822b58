"""The file domain: plain Python, no transport or storage."""
