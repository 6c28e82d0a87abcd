"""Importing legacy caseload files (persons and grants), all or nothing, with row-level errors."""
