"""My work: a caseworker's (or a supervisor's team's) open cases, tasks, plans, grants and referrals."""
