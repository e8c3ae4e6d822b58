"""The payment domain: orders, money, provider events (pure Python)."""
