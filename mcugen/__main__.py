"""`python -m mcugen`: the same command line as the `mcugen` script."""

import sys

from mcugen.cli import main

sys.exit(main())
