"""``python -m tf_lint``: the same as the ``tf-lint`` command."""

import sys

from tf_lint.cli import main

sys.exit(main())
