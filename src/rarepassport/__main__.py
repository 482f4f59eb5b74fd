"""Run the command line: ``python -m rarepassport``."""

import sys

from rarepassport.cli import main

sys.exit(main())
