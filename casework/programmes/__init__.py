"""Donors and the programmes they fund."""
