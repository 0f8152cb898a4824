#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""A reachability matrix in one process: every ordered pair of nodes pinged
at once, and broadcasts counted where they arrive.

  reach.py [--deadline SEC] [--bcast N] NODE...

NODE is NAME=NETNS,DEV,IPV4[,IPV6]: a named network namespace
(/run/netns/NETNS), the device there that NAME's traffic leaves from, its
IPv4 address and, optionally, its IPv6 address.

From every node to every other, an ICMP echo request over IPv4 (and over
IPv6 where both have an address) goes every 0.2 s until the reply comes
or the deadline (default 3 s) passes, as "ping -i 0.2 -w SEC" does; the
kernel of the destination answers. With --bcast N, every node also sends
N echo requests to 255.255.255.255 out of DEV, 0.2 s apart, and every
node counts the ones that reach its IP layer, by sender. The run ends at
the deadline, or before once every echo is answered and every broadcast
counted N times.

Prints, for each ordered pair in the order the nodes are given:
  "v4 SRC>DST ok|--", "v6 SRC>DST ok|--" (pairs that both have IPv6) and
  with --bcast "bc SRC>DST COUNT".

It replaces about thirty processes per matrix (ip netns exec, ping, nft
counters read back with polling); each costs 0.1-0.3 s under TCG. Exits 0
after printing, 1 with a one-line message naming what failed to set up.
"""
import argparse
import ctypes
import os
import select
import socket
import struct
import sys
import time

CLONE_NEWNET = 0x40000000
ICMP_ECHO, ICMP_ECHOREPLY = 8, 0
ICMP6_ECHO, ICMP6_ECHOREPLY = 128, 129
INTERVAL = 0.2
BROADCAST = "255.255.255.255"

libc = ctypes.CDLL(None, use_errno=True)


def fail(msg):
    sys.exit(f"reach.py: {msg}")


def setns(fd, what):
    if libc.setns(fd, CLONE_NEWNET) != 0:
        fail(f"setns into {what}: {os.strerror(ctypes.get_errno())}")


def checksum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack(f"!{len(data) // 2}H", data))
    s = (s >> 16) + (s & 0xFFFF)
    s += s >> 16
    return ~s & 0xFFFF


def echo(kind, ident, seq):
    payload = b"vmux-reach"
    hdr = struct.pack("!BBHHH", kind, 0, 0, ident, seq)
    if kind == ICMP6_ECHO:
        return hdr + payload  # the kernel sums ICMPv6 on raw sockets
    return struct.pack("!BBHHH", kind, 0, checksum(hdr + payload), ident, seq) + payload


class Node:
    def __init__(self, spec):
        name, sep, rest = spec.partition("=")
        parts = rest.split(",")
        if not sep or not name or len(parts) not in (3, 4) or not all(parts):
            fail(f'node "{spec}" is not NAME=NETNS,DEV,IPV4[,IPV6]')
        self.name = name
        self.netns, self.dev, self.ip4 = parts[:3]
        self.ip6 = parts[3] if len(parts) == 4 else None
        try:
            socket.inet_pton(socket.AF_INET, self.ip4)
            if self.ip6:
                socket.inet_pton(socket.AF_INET6, self.ip6)
        except OSError:
            fail(f'node "{spec}": not an IP address')
        self.bc_from = {}  # sender's IPv4 -> broadcast echo requests seen

    def open(self, home):
        try:
            fd = os.open(f"/run/netns/{self.netns}", os.O_RDONLY)
        except OSError as e:
            fail(f"netns {self.netns}: {e.strerror}")
        setns(fd, f"netns {self.netns}")
        os.close(fd)
        try:
            self.sk4 = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
            self.sk4.setsockopt(socket.SOL_SOCKET, socket.SO_BROADCAST, 1)
            self.sk4.setsockopt(socket.SOL_SOCKET, socket.SO_BINDTODEVICE, self.dev.encode())
            self.sk6 = None
            if self.ip6:
                self.sk6 = socket.socket(socket.AF_INET6, socket.SOCK_RAW,
                                         socket.IPPROTO_ICMPV6)
        except OSError as e:
            fail(f"{self.name}: socket on {self.dev} in {self.netns}: {e.strerror}")
        setns(home, "the initial namespace")


def main():
    ap = argparse.ArgumentParser(prog="reach.py", usage=__doc__.split("\n\n")[1].strip())
    ap.add_argument("--deadline", type=float, default=3.0)
    ap.add_argument("--bcast", type=int, default=0)
    ap.add_argument("--verbose", action="store_true",
                    help="say on stderr when the last reply and broadcast came")
    ap.add_argument("nodes", nargs="+")
    args = ap.parse_args()
    if not 0 < args.deadline <= 60:
        fail(f"--deadline {args.deadline}: not in (0, 60]")
    if not 0 <= args.bcast <= 100:
        fail(f"--bcast {args.bcast}: not in 0-100")
    nodes = [Node(s) for s in args.nodes]
    if len({n.name for n in nodes}) != len(nodes) or len(nodes) < 2:
        fail("give two or more nodes with different names")

    home = os.open("/proc/self/ns/net", os.O_RDONLY)
    for n in nodes:
        n.open(home)
    os.close(home)

    base = (os.getpid() & 0x3F) << 10
    probes = {}  # ident -> [src, dst, family, answered]
    for s in nodes:
        for d in nodes:
            if s is d:
                continue
            for fam in (4, 6):
                if fam == 6 and not (s.ip6 and d.ip6):
                    continue
                probes[base + len(probes)] = [s, d, fam, False]
    by_sock = {}
    for n in nodes:
        by_sock[n.sk4.fileno()] = (n, 4)
        if n.sk6:
            by_sock[n.sk6.fileno()] = (n, 6)
    bc_ident = base + len(probes)

    start = time.monotonic()
    end = start + args.deadline
    seq = 0
    bc_sent = 0
    next_send = start
    last_reply = last_bc = 0.0
    poller = select.poll()
    for fd in by_sock:
        poller.register(fd, select.POLLIN)

    def complete():
        if not all(p[3] for p in probes.values()):
            return False
        return all(d.bc_from.get(s.ip4, 0) == args.bcast
                   for s in nodes for d in nodes if s is not d)

    while True:
        now = time.monotonic()
        if now >= end or (bc_sent == args.bcast and complete()):
            break
        if now >= next_send:
            seq += 1
            for ident, (s, d, fam, done) in probes.items():
                if done:
                    continue
                try:
                    if fam == 4:
                        s.sk4.sendto(echo(ICMP_ECHO, ident, seq), (d.ip4, 0))
                    else:
                        s.sk6.sendto(echo(ICMP6_ECHO, ident, seq), (d.ip6, 0))
                except OSError:
                    pass  # unreachable for now (no neighbour): as ping, try again
            if bc_sent < args.bcast:
                bc_sent += 1
                for s in nodes:
                    try:
                        s.sk4.sendto(echo(ICMP_ECHO, bc_ident, bc_sent), (BROADCAST, 0))
                    except OSError as e:
                        fail(f"{s.name}: broadcast out of {s.dev}: {e.strerror}")
            next_send += INTERVAL
        timeout = max(0.0, min(end, next_send) - time.monotonic())
        for fd, _ in poller.poll(timeout * 1000):
            node, fam = by_sock[fd]
            sk = node.sk4 if fam == 4 else node.sk6
            while True:
                try:
                    data, addr = sk.recvfrom(2048, socket.MSG_DONTWAIT)
                except BlockingIOError:
                    break
                if fam == 4:
                    ihl = (data[0] & 0x0F) * 4
                    src = socket.inet_ntop(socket.AF_INET, data[12:16])
                    dst = socket.inet_ntop(socket.AF_INET, data[16:20])
                    icmp = data[ihl:]
                else:
                    src, dst, icmp = addr[0], None, data
                if len(icmp) < 8:
                    continue
                kind, _, _, ident, _ = struct.unpack("!BBHHH", icmp[:8])
                if fam == 4 and kind == ICMP_ECHO and dst == BROADCAST and ident == bc_ident:
                    node.bc_from[src] = node.bc_from.get(src, 0) + 1
                    last_bc = time.monotonic() - start
                    continue
                if kind not in (ICMP_ECHOREPLY, ICMP6_ECHOREPLY):
                    continue
                p = probes.get(ident)
                if p and p[0] is node and p[2] == fam and \
                        src == (p[1].ip4 if fam == 4 else p[1].ip6):
                    if not p[3]:
                        last_reply = time.monotonic() - start
                    p[3] = True

    if args.verbose:
        print(f"reach.py: last reply after {last_reply:.2f} s, last broadcast after "
              f"{last_bc:.2f} s, ended after {time.monotonic() - start:.2f} s", file=sys.stderr)
    answered = {(p[0].name, p[1].name, p[2]): p[3] for p in probes.values()}
    for s in nodes:
        for d in nodes:
            if s is d:
                continue
            for fam in (4, 6):
                if (s.name, d.name, fam) in answered:
                    ok = "ok" if answered[(s.name, d.name, fam)] else "--"
                    print(f"v{fam} {s.name}>{d.name} {ok}")
            if args.bcast:
                print(f"bc {s.name}>{d.name} {d.bc_from.get(s.ip4, 0)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
