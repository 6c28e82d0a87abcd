"""Reintegration sustainability surveys: versioned instruments loaded from files, and scored responses."""
