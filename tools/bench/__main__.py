"""`python -m tools.bench`: see casework/bench/runner.py."""
import sys

from tools.bench.runner import main

sys.exit(main())
