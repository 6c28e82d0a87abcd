"""Translation tooling: the Cyrillic build and the catalog checks (not installed with the app)."""
