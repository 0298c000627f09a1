#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The mapinmap authors
"""A minimal DPDK telemetry (v2) client: Debian does not ship
dpdk-telemetry.py. As a program: telemetry.py FILE_PREFIX COMMAND..."""

import json
import os
import socket
import sys
import time


def runtime_dir(file_prefix):
    """EAL's runtime directory of a process started with --file-prefix
    (left behind at exit)."""
    if os.getuid() == 0:
        base = '/var/run/dpdk'
    else:
        base = os.path.join(os.environ.get('XDG_RUNTIME_DIR', '/tmp'), 'dpdk')
    return os.path.join(base, file_prefix)


def socket_path(file_prefix):
    """Where EAL puts the telemetry socket."""
    return os.path.join(runtime_dir(file_prefix), 'dpdk_telemetry.v2')


class Telemetry:
    def __init__(self, file_prefix, wait_s=30.0, alive=None):
        """Connect, retrying until the socket accepts or wait_s passes
        (EAL creates it late in rte_eal_init). alive() -> False stops the
        wait early (the process died)."""
        path = socket_path(file_prefix)
        deadline = time.monotonic() + wait_s
        while True:
            try:
                self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
                self.sock.connect(path)
                break
            except OSError:
                self.sock.close()
                if time.monotonic() > deadline or (alive and not alive()):
                    raise
                time.sleep(0.05)
        self.info = json.loads(self.sock.recv(16384))
        self.max_output = self.info.get('max_output_len', 16384)

    def cmd(self, command):
        """Send a command; its reply's value (None if the command failed)."""
        self.sock.send(command.encode())
        reply = json.loads(self.sock.recv(self.max_output))
        return reply[command.split(',', 1)[0]]

    def close(self):
        self.sock.close()


def main(argv):
    if len(argv) < 3:
        print(f'usage: {argv[0]} FILE_PREFIX COMMAND...', file=sys.stderr)
        return 2
    t = Telemetry(argv[1], wait_s=5)
    for c in argv[2:]:
        print(json.dumps({c: t.cmd(c)}))
    t.close()
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
