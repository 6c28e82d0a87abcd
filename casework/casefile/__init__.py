"""The printable case file: one PDF of a case, in the reports' PDF engine."""
