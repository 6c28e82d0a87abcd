"""Why a case was closed or reopened: the reasons of IOM's Reintegration Handbook (2.7)."""
