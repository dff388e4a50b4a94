#!/usr/bin/env python3
"""
HTTP API tests for pcrm, against real `pcrm serve` processes on free loopback ports with
temporary data directories. Standard library only.

    python3 tests/api/run.py --pcrm build-asan/pcrm [-k PATTERN] [-v] [--keep]

Ends with the line "api: N passed, M failed" and exits non-zero when anything failed,
including a server that did not stop cleanly on SIGTERM or printed a sanitizer report.
"""
import argparse
import os
import shutil
import signal
import sys
import tempfile
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.dont_write_bytecode = True
sys.path.insert(0, HERE)

import harness  # noqa: E402


def iter_tests(suite):
    for t in suite:
        if isinstance(t, unittest.TestSuite):
            yield from iter_tests(t)
        else:
            yield t


class CountingResult(unittest.TextTestResult):
    def __init__(self, *a, **kw):
        super().__init__(*a, **kw)
        self.passed = 0

    def addSuccess(self, test):
        super().addSuccess(test)
        self.passed += 1


def main():
    ap = argparse.ArgumentParser(description=__doc__.strip().splitlines()[0])
    ap.add_argument("--pcrm", required=True, help="the pcrm binary to test")
    ap.add_argument("-k", action="append", default=[],
                    help="only tests whose id contains this text (repeatable)")
    ap.add_argument("-v", "--verbose", action="store_true")
    ap.add_argument("--keep", action="store_true", help="keep the temporary directory")
    args = ap.parse_args()

    if not os.access(args.pcrm, os.X_OK):
        print("api: %s is not an executable" % args.pcrm, file=sys.stderr)
        print("api: 0 passed, 1 failed")
        return 1

    # SIGTERM ends the run like Ctrl-C: servers are still stopped and the directory removed.
    signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt()))
    started = time.time()
    workdir = tempfile.mkdtemp(prefix="pcrm-api-")
    env = harness.Env(args.pcrm, workdir, args.verbose)
    harness.ENV = env

    loader = unittest.TestLoader()
    suite = loader.discover(HERE, pattern="test_*.py", top_level_dir=HERE)
    if args.k:
        suite = unittest.TestSuite(t for t in iter_tests(suite)
                                   if any(k in t.id() for k in args.k))

    runner = unittest.TextTestRunner(stream=sys.stdout, verbosity=2 if args.verbose else 1,
                                     resultclass=CountingResult)
    passed = failed = 0
    try:
        result = runner.run(suite)
        passed += result.passed
        failed += (len(result.failures) + len(result.errors) +
                   len(result.unexpectedSuccesses))
    finally:
        # Every server is stopped with SIGTERM and must exit 0 without sanitizer reports.
        for name, problems in env.shutdown():
            if problems:
                failed += 1
                print("FAIL: %s" % name)
                for p in problems:
                    print("  " + p)
            else:
                passed += 1
                if args.verbose:
                    print("ok: %s" % name)
        # Each server's data saw API writes (and often CLI writes at the same time): every
        # audit chain must still verify.
        for name, server in env.servers.items():
            p = env.cli(["audit", "verify", "--data", server.data_dir])
            if p.returncode == 0 and "audit log intact" in p.stdout:
                passed += 1
                if args.verbose:
                    print("ok: audit chain of server %s's data: %s" % (name, p.stdout.strip()))
            else:
                failed += 1
                print("FAIL: audit chain of server %s's data after the run: rc=%d %s %s"
                      % (name, p.returncode, p.stdout, p.stderr))
        if args.keep:
            print("api: kept %s" % workdir)
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    print("api: %.1f s" % (time.time() - started))
    print("api: %d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
