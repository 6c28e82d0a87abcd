"""Monitoring after return: schedules of visits per programme, and the visits recorded on a case."""
