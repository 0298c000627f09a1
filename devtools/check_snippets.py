#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The mapinmap authors
"""Compile every ```c block of a Markdown file, so that documentation
snippets cannot rot: check_snippets.py FILE.md CC [CFLAGS...]"""

import os
import re
import subprocess
import sys
import tempfile


def main():
    doc, cc = sys.argv[1], sys.argv[2:]
    with open(doc, encoding="utf-8") as f:
        blocks = re.findall(r"^```c\n(.*?)^```", f.read(), re.S | re.M)
    if not blocks:
        print(f"{doc}: no C snippet")
        return 1
    failed = 0
    for i, code in enumerate(blocks, 1):
        with tempfile.NamedTemporaryFile("w", suffix=".c", delete=False) as f:
            f.write(code)
        res = subprocess.run(cc + ["-fsyntax-only", f.name],
                             capture_output=True, text=True)
        os.unlink(f.name)
        status = "ok" if res.returncode == 0 else "FAILED"
        print(f"{doc}: snippet {i}: {status}")
        if res.returncode != 0:
            print(res.stderr)
            failed += 1
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
