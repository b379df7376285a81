# SPDX-License-Identifier: GPL-3.0-or-later
#
# A minimal TAP runner for the Python tests: each test is a function taking a
# fresh temporary directory; an exception fails it and its traceback goes to
# the TAP diagnostics.

import os
import shutil
import sys
import tempfile
import traceback

TESTS = []


def test(func):
    TESTS.append(func)
    return func


def skip_all(reason):
    """No test can run here: a skip, or a failure under CI=true."""
    print(f"1..0 # SKIP {reason}")
    sys.exit(1 if os.environ.get("CI") == "true" else 0)


def run(tests=None):
    tests = TESTS if tests is None else tests
    only = sys.argv[1:]
    selected = [t for t in tests if not only or t.__name__ in only]
    print(f"1..{len(selected)}", flush=True)
    failed = 0
    for n, func in enumerate(selected, 1):
        tmp = tempfile.mkdtemp(prefix="strata-test-")
        try:
            func(tmp)
            print(f"ok {n} - {func.__name__}", flush=True)
        except Exception:
            failed += 1
            print(f"not ok {n} - {func.__name__}", flush=True)
            for line in traceback.format_exc().splitlines():
                print(f"# {line}", flush=True)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    sys.exit(1 if failed else 0)
