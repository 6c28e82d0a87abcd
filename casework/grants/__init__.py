"""Reintegration assistance: grants, their decisions and disbursements."""
