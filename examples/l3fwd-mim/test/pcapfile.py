# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The mapinmap authors
"""Plain pcap files as lists of frames (bytes), fast enough for 10^6
frames: scapy builds the test traffic, but reading back what l3fwd-mim
wrote needs no dissection."""

import struct

_MAGIC_US = 0xA1B2C3D4
_MAGIC_NS = 0xA1B23C4D
_LINKTYPE_ETHERNET = 1


def write(path, frames):
    """Write frames (bytes) to path, microsecond timestamps 1 us apart."""
    with open(path, 'wb') as f:
        f.write(struct.pack('<IHHiIII', _MAGIC_US, 2, 4, 0, 0, 65535,
                            _LINKTYPE_ETHERNET))
        for i, fr in enumerate(frames):
            f.write(struct.pack('<IIII', i // 1000000, i % 1000000,
                                len(fr), len(fr)))
            f.write(fr)


def read(path):
    """Frames of a pcap file (either timestamp precision, either byte
    order); a frame cut by the capture length is returned as captured."""
    with open(path, 'rb') as f:
        data = f.read()
    if len(data) < 24:
        raise ValueError(f'{path}: no pcap header')
    magic_le = struct.unpack_from('<I', data)[0]
    if magic_le in (_MAGIC_US, _MAGIC_NS):
        rec = struct.Struct('<IIII')
    elif struct.unpack_from('>I', data)[0] in (_MAGIC_US, _MAGIC_NS):
        rec = struct.Struct('>IIII')
    else:
        raise ValueError(f'{path}: not a pcap file')
    frames = []
    off, end = 24, len(data)
    while off + 16 <= end:
        _, _, caplen, _ = rec.unpack_from(data, off)
        off += 16
        if off + caplen > end:
            raise ValueError(f'{path}: last record truncated')
        frames.append(data[off:off + caplen])
        off += caplen
    if off != end:
        raise ValueError(f'{path}: trailing bytes')
    return frames
