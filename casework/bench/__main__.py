"""`python -m casework.bench`: see casework/bench/runner.py."""
import sys

from casework.bench.runner import main

sys.exit(main())
