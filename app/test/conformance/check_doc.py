#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The mapinmap authors
"""Check that the committed conformance report is what the suite writes now.

Usage: check_doc.py MIM_TEST COMMITTED_MD OUTPUT_MD [EAL options...]

Runs `MIM_TEST [EAL options] -- conformance` with MIM_CONF_TABLE=OUTPUT_MD
and compares OUTPUT_MD with COMMITTED_MD. The kernel release and the libbpf
version in the "Generated on ..." line are where the report was made, not
what it found: they are shown but not compared.

Exit status: 0 the same; 1 different (a diff is printed, with how to
regenerate) or the suite failed; 77 the suite skipped (bpf() refused).
"""

import difflib
import os
import re
import subprocess
import sys

SKIP = 77
# "Generated on kernel 6.1.0-13-amd64 with libbpf v1.1: ..."
WHERE = re.compile(r"^(Generated on kernel )(\S+)( with libbpf )(\S+)(:)")


def where(lines):
    """The kernel release and libbpf version a report names, or None."""
    for line in lines:
        m = WHERE.match(line)
        if m:
            return m.group(2), m.group(4)
    return None


def normalised(lines):
    return [WHERE.sub(r"\1<release>\3<version>\5", line) for line in lines]


def run_suite(mim_test, out, eal):
    env = dict(os.environ, MIM_CONF_TABLE=os.path.abspath(out))
    if os.path.exists(out):
        os.unlink(out)
    proc = subprocess.run([mim_test] + eal + ["--", "conformance"], env=env,
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          text=True, check=False)
    return proc.returncode, proc.stdout


def main(argv):
    if len(argv) < 4:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    mim_test, committed, out, eal = argv[1], argv[2], argv[3], argv[4:]
    status, output = run_suite(mim_test, out, eal)
    if status == SKIP:
        skip = [l for l in output.splitlines() if "SKIP" in l]
        print("skipped: the conformance suite did not run here:")
        print("\n".join(skip) if skip else output)
        return SKIP
    if status != 0:
        print(output)
        print("the conformance suite failed (exit status %d): the report "
              "is not checked" % status)
        return 1
    if not os.path.exists(out):
        print(output)
        print("the conformance suite wrote no report to %s" % out)
        return 1
    with open(committed, encoding="utf-8") as f:
        old = f.read().splitlines(keepends=True)
    with open(out, encoding="utf-8") as f:
        new = f.read().splitlines(keepends=True)
    print("committed report made on kernel %s, libbpf %s" % where(old)
          if where(old) else "committed report names no kernel")
    print("this run on kernel %s, libbpf %s" % where(new)
          if where(new) else "this run names no kernel")
    if normalised(old) == normalised(new):
        print("%s is what the conformance suite writes now" % committed)
        return 0
    sys.stdout.writelines(difflib.unified_diff(
        normalised(old), normalised(new), fromfile=committed, tofile=out))
    print("\n%s differs from what the conformance suite writes now." %
          committed)
    print("Regenerate it from the source tree (as root):\n"
          "  MIM_CONF_TABLE=$PWD/doc/conformance.md meson test -C <build> "
          "conformance\nor copy %s over it, then review and commit." % out)
    return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
