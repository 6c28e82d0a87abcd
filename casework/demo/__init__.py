"""Demonstration data that reproduces the published figures of the source programmes."""
