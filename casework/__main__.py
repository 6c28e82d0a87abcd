"""`python -m casework`: the same command line as `casework`."""
from casework.cli import main

main()
