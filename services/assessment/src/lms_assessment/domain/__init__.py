"""The assessment domain: plain Python, no transport or storage."""
