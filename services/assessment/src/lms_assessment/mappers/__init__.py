"""proto <-> domain: the only modules (with lms_kit.proto) where both worlds meet."""
