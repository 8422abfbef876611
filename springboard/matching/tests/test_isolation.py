"""The matching package must stay importable without Django (it runs in plain workers)."""

import subprocess
import sys


def test_matching_imports_no_django():
    code = (
        "import sys\n"
        "import springboard.matching.textnorm, springboard.matching.esco_files\n"
        "import springboard.matching.ranker, springboard.matching.extractor\n"
        "import springboard.matching.engine, springboard.matching.cli\n"
        "bad = [m for m in sys.modules if m == 'django' or m.startswith('django.')]\n"
        "assert not bad, bad\n"
    )
    # A fresh interpreter: this test process may have Django loaded by pytest-django.
    result = subprocess.run(  # noqa: S603 - fixed command, no user input
        [sys.executable, "-c", code], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
