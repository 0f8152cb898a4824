#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Issue one MII or hardware-timestamping ioctl on a device and print the
result, for the selftests of what a child forwards to its lower.

  ethioctl.py DEV miiphy            SIOCGMIIPHY: prints the PHY address
  ethioctl.py DEV miiread REG       SIOCGMIIREG: prints the value (hex)
  ethioctl.py DEV miiwrite REG VAL  SIOCSMIIREG
  ethioctl.py DEV tsget             SIOCGHWTSTAMP
  ethioctl.py DEV tsset             SIOCSHWTSTAMP (all off: changes nothing)

Prints "OK [value]" and exits 0, or the errno name and exits 1.
"""
import errno
import fcntl
import socket
import struct
import sys

SIOCGMIIPHY, SIOCGMIIREG, SIOCSMIIREG = 0x8947, 0x8948, 0x8949
SIOCSHWTSTAMP, SIOCGHWTSTAMP = 0x89B0, 0x89B1


def ifreq(dev, payload):
    return struct.pack("16s", dev.encode()) + payload.ljust(24, b"\0")


def main():
    dev, op, *rest = sys.argv[1:]
    sk = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    phy = 0
    try:
        if op in ("miiread", "miiwrite"):
            out = fcntl.ioctl(sk, SIOCGMIIPHY, ifreq(dev, b""))
            phy = struct.unpack_from("=H", out, 16)[0]
        if op == "miiphy":
            out = fcntl.ioctl(sk, SIOCGMIIPHY, ifreq(dev, b""))
            print(f"OK {struct.unpack_from('=H', out, 16)[0]}")
        elif op == "miiread":
            req = struct.pack("=HHHH", phy, int(rest[0], 0), 0, 0)
            out = fcntl.ioctl(sk, SIOCGMIIREG, ifreq(dev, req))
            print(f"OK {struct.unpack_from('=H', out, 22)[0]:#06x}")
        elif op == "miiwrite":
            req = struct.pack("=HHHH", phy, int(rest[0], 0), int(rest[1], 0), 0)
            fcntl.ioctl(sk, SIOCSMIIREG, ifreq(dev, req))
            print("OK")
        elif op in ("tsget", "tsset"):
            cfg = bytearray(12)              # struct hwtstamp_config, all off
            buf = bytearray(ifreq(dev, b""))
            # ifr_data points at the config: build it in a ctypes buffer.
            import ctypes
            c = ctypes.create_string_buffer(bytes(cfg), 12)
            struct.pack_into("=Q", buf, 16, ctypes.addressof(c))
            cmd = SIOCGHWTSTAMP if op == "tsget" else SIOCSHWTSTAMP
            fcntl.ioctl(sk, cmd, buf)
            print("OK")
        else:
            raise SystemExit(f"unknown op {op}")
    except OSError as e:
        name = "EOPNOTSUPP" if e.errno == errno.EOPNOTSUPP else errno.errorcode.get(e.errno, str(e.errno))
        print(name)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
