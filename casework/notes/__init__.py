"""Dated case notes: visits, phone calls and meetings, with the earlier text of every edit kept."""
