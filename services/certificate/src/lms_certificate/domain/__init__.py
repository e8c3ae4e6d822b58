"""The certificate domain: plain Python, no transport or storage."""
