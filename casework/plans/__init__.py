"""The reintegration plan of a case: items per member or for the whole family, approved by a supervisor."""
