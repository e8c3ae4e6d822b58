"""The LMS identity service (user, :3001): accounts, credentials, sessions, tokens, profiles, roles."""
