"""Follow-up tasks: made by hand or by rules, each pointing back to what it came from."""
