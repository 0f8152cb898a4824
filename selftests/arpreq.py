#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Send broadcast ARP requests out of a device, as arping sends them, and
wait for no reply: for the selftests that count broadcast deliveries.

  arpreq.py DEV COUNT TARGET

COUNT requests "who has TARGET" from DEV's MAC and first IPv4 address
(0.0.0.0 without one), to ff:ff:ff:ff:ff:ff, as fast as DEV takes them.
iputils' arping sends one a second at best (its -i takes whole seconds)
and then waits for replies that the tests' targets never send. Exits 0
once all are sent, 1 with the errno's name if a send fails.
"""
import errno
import fcntl
import socket
import struct
import sys

ETH_P_ARP = 0x0806
SIOCGIFADDR = 0x8915
BROADCAST = b"\xff" * 6


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__.strip().split("\n\n")[1])
    dev, count, target = sys.argv[1], sys.argv[2], sys.argv[3]
    if not count.isdigit():
        sys.exit(f"arpreq: COUNT '{count}' is not a number")
    count = int(count)
    try:
        target_ip = socket.inet_aton(target)
    except OSError:
        sys.exit(f"arpreq: TARGET '{target}' is not an IPv4 address")
    sk = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ARP))
    try:
        sk.bind((dev, 0))
        src_mac = sk.getsockname()[4]
        try:
            ifreq = fcntl.ioctl(socket.socket(), SIOCGIFADDR,
                                struct.pack("256s", dev.encode()))
            src_ip = ifreq[20:24]
        except OSError:
            src_ip = bytes(4)
        arp = struct.pack("!HHBBH6s4s6s4s", 1, 0x0800, 6, 4, 1,
                          src_mac, src_ip, BROADCAST, target_ip)
        frame = BROADCAST + src_mac + struct.pack("!H", ETH_P_ARP) + arp
        for _ in range(count):
            sk.send(frame)
    except OSError as e:
        print(f"arpreq: {dev}: {errno.errorcode.get(e.errno, e.errno)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
