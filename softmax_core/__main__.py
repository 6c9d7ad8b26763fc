import sys

from softmax_core.cli import main

sys.exit(main())
