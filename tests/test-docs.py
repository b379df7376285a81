#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
#
# libstrata's API reference: gi-docgen makes it from Strata-1.gir without a
# single warning (a broken link, a malformed comment, an unknown type), and
# the use-case layer and the application-store API — what the CLI, the app
# and other applications call — are documented symbol by symbol.

import os
import re
import subprocess
import sys
import tempfile

GIR = os.environ.get("STRATA_GIR", "")
TOML = os.environ.get("STRATA_DOC_TOML", "")
CONTENT = os.environ.get("STRATA_DOC_CONTENT", "")
GIDOCGEN = os.environ.get("GIDOCGEN", "gi-docgen")

# The public faces that must be documented in full
DOCUMENTED = re.compile(r"'Strata\.(Session|DatabaseState|StepReview|HistoryRecord|AppStore|StoreOutcome)\b")
ANSI = re.compile(r"\x1b\[[0-9;]*m")


def gidocgen(*args):
    r = subprocess.run([GIDOCGEN, *args], capture_output=True, text=True)
    return r.returncode, ANSI.sub("", r.stdout + r.stderr)


def test_generate_without_warnings():
    with tempfile.TemporaryDirectory(prefix="strata-docs-") as out:
        code, log = gidocgen("generate", "--fatal-warnings", "--no-namespace-dir",
                             f"--add-include-path={os.path.dirname(GIR)}", f"--config={TOML}",
                             f"--content-dir={CONTENT}", f"--output-dir={out}", GIR)
        warnings = [line for line in log.splitlines() if "WARNING" in line or "ERROR" in line]
        assert code == 0 and not warnings, log
        for page in ("index.html", "class.Session.html", "class.AppStore.html", "app-store.html",
                     "method.Session.review_plan_async.html", "struct.HistoryRecord.html"):
            assert os.path.exists(os.path.join(out, page)), page


def test_front_doors_documented():
    code, log = gidocgen("check", f"--add-include-path={os.path.dirname(GIR)}", GIR)
    missing = [line for line in log.splitlines() if "WARNING" in line and DOCUMENTED.search(line)]
    assert not missing, "\n".join(missing)
    total = sum(1 for line in log.splitlines() if "WARNING" in line)
    print(f"# gi-docgen check: {total} symbols of the lower layers not documented yet", flush=True)


TESTS = [test_generate_without_warnings, test_front_doors_documented]


def main():
    if not GIR or not TOML:
        print("1..0 # SKIP STRATA_GIR or STRATA_DOC_TOML is not set")
        return 0 if os.environ.get("CI") != "true" else 1
    print(f"1..{len(TESTS)}", flush=True)
    failed = 0
    for n, test in enumerate(TESTS, 1):
        try:
            test()
            print(f"ok {n} - {test.__name__}", flush=True)
        except Exception as e:
            failed += 1
            print(f"not ok {n} - {test.__name__}", flush=True)
            for line in str(e).splitlines():
                print(f"# {line}", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
