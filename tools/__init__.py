"""Development tooling: the benchmark, the security scan, the load run and their HTTP client.

Not part of the application: `pip install .` installs the `casework` package only, and nothing
under `casework/` imports from here. Run from the repository root (`make bench`, `make scan`,
`make load`).
"""
