"""Donor reports: one figures engine behind the report page, the exports and the CLI."""
