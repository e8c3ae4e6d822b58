"""Local stand-ins for third-party HTTP APIs: each checks what it is sent (keys, signatures,
payload shapes) and answers, and signs webhooks, as the vendor does. The services reach them
through the vendors' official SDKs with a changed API base; the same code runs against the
vendors when real keys are set."""
