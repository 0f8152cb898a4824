#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Malformed frames for vmux_frames.sh, into a receive path or out of a
transmit path.

  frames.py rx TAP CLASS COUNT [--dst MAC] [--src MAC] [--ip ADDR]
      write COUNT frames of CLASS into the persistent tap TAP ("ip tuntap
      add TAP mode tap"): the kernel receives them on TAP
  frames.py rxplan TAP COUNT --devs DEV,... [--ip ADDR] [--own MAC]
                   [--mark-dev DEV]
      for each "CLASS DST" line on stdin, write COUNT frames of CLASS to DST
      into TAP, then print "CLASS DST -> " and, for each of --devs,
      "DEV:rx_packets/rx_dropped/rx_nohandler". A
      group DST goes through queues: a marker follows the frames (good, to
      UDP port 7, from the default source) and the counters are read once
      it reaches --mark-dev (a packet socket there; "marker lost" after
      10 s). CLASS own-src: good frames from --own (a child's own MAC)
  frames.py tx DEV CLASS COUNT [--dst MAC] [--src MAC] [--ip ADDR]
      send COUNT frames of CLASS out of DEV through an AF_PACKET socket with
      PACKET_QDISC_BYPASS (straight to the driver's ndo_start_xmit) and
      PACKET_VNET_HDR (a struct virtio_net_hdr in front of each frame)
  frames.py txplan COUNT --devs DEV,... [--dst MAC] [--src MAC] [--ip ADDR]
      tx for each "CLASS DEV" line on stdin, then print "CLASS DEV: " what
      tx prints, " -> " and, for each of --devs,
      "DEV:rx_packets/rx_dropped/rx_nohandler/tx_packets/tx_dropped"
  frames.py flood DEV CLASS COUNT [--dst MAC] [--src MAC] [--ip ADDR]
      send COUNT frames of a receive CLASS out of DEV through a plain
      AF_PACKET socket, going on through errors (DEV down, no carrier);
      COUNT 0: until killed; --pps N: at most N frames a second

Receive classes:
  good        IPv4/UDP to ADDR: the control
  hdr-only    an Ethernet header and nothing else (14 bytes, IPv4 type)
  vlan-runt   an 802.1Q type with 0 to 3 bytes of the tag (14-17 bytes)
  tags100     100 802.1Q tags (VID 10), then IPv4/UDP
  prio-inner  an 802.1p priority tag (VID 0, PCP 5) on an 802.1Q VID 10 tag
  prio-only   an 802.1p priority tag (VID 0, PCP 5), then IPv4/UDP to ADDR
  ip-short    IPv4 type, 10 bytes of IP header
  ip6-short   IPv6 type, 20 bytes of IPv6 header
  arp-short   ARP type, 8 bytes of ARP
Transmit classes:
  good        IPv4/UDP, no offload asked
  short       1 to 13 bytes (shorter than an Ethernet header)
  hdr-only    14 bytes
  vlan-runt   an 802.1Q type and 2 bytes
  gso         TCP/IPv4, 1000 bytes of payload, GSO size 100, checksum to
              be done: only the 54 bytes of headers are in the linear part
  gso-lie     a virtio_net_hdr whose header length and checksum offsets
              lie beyond the frame

Prints "sent N" and, for each errno the kernel gave, "ERRNO N"; exits 0.
"""
import argparse
import errno
import fcntl
import itertools
import os
import socket
import struct
import sys
import time

TUNSETIFF = 0x400454CA
IFF_TAP, IFF_NO_PI = 0x0002, 0x1000
SOL_PACKET, PACKET_VNET_HDR, PACKET_QDISC_BYPASS = 263, 15, 20
VIRTIO_NET_HDR_F_NEEDS_CSUM = 1
VIRTIO_NET_HDR_GSO_NONE, VIRTIO_NET_HDR_GSO_TCPV4 = 0, 1
ETH_P_ALL = 0x0003
# The default source, and always rxplan's marker's: another host's MAC.
OTHER_SRC = "02:00:00:00:0e:99"
COUNTERS = ("rx_packets", "rx_dropped", "rx_nohandler", "tx_packets", "tx_dropped")
# rxplan's: the devices' own sends (IGMP reports, at the kernel's times) are
# none of its business.
RX_COUNTERS = COUNTERS[:3]


def mac(text):
    return bytes(int(b, 16) for b in text.split(":"))


def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack(f"!{len(data) // 2}H", data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def ipv4(proto, payload, dst, src="192.0.2.99"):
    hdr = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(payload), 0, 0x4000,
                      64, proto, 0, socket.inet_aton(src), socket.inet_aton(dst))
    hdr = hdr[:10] + struct.pack("!H", csum(hdr)) + hdr[12:]
    return hdr + payload


def udp4(dst, port=9):
    return ipv4(17, struct.pack("!HHHH", 9, port, 8 + 18, 0) + bytes(18), dst)


def tcp4(dst, payload_len):
    tcp = struct.pack("!HHIIBBHHH", 9, 9, 1, 0, 5 << 4, 0x18, 65535, 0, 0)
    return ipv4(6, tcp + bytes(payload_len), dst)


def tag(vid, pcp=0, tpid=0x8100):
    return struct.pack("!HH", tpid, (pcp << 13) | vid)


def rx_frames(cls, n, dst, src, ip):
    eth = dst + src
    for i in range(n) if n else itertools.count():
        if cls == "good":
            yield eth + b"\x08\x00" + udp4(ip)
        elif cls == "hdr-only":
            yield eth + b"\x08\x00"
        elif cls == "vlan-runt":
            yield eth + b"\x81\x00" + b"\x00\x0a\x08"[:i % 4]
        elif cls == "tags100":
            yield eth + b"".join(tag(10) for _ in range(100)) + b"\x08\x00" + udp4(ip)
        elif cls == "prio-inner":
            yield eth + tag(0, 5) + tag(10) + b"\x08\x00" + udp4(ip)
        elif cls == "prio-only":
            yield eth + tag(0, 5) + b"\x08\x00" + udp4(ip)
        elif cls == "ip-short":
            yield eth + b"\x08\x00" + udp4(ip)[:10]
        elif cls == "ip6-short":
            yield eth + b"\x86\xdd" + bytes([0x60]) + bytes(19)
        elif cls == "arp-short":
            yield eth + b"\x08\x06" + struct.pack("!HHBBH", 1, 0x0800, 6, 4, 1)
        else:
            raise SystemExit(f"frames.py: unknown receive class '{cls}'")


def vnet_hdr(flags=0, gso_type=VIRTIO_NET_HDR_GSO_NONE, hdr_len=0, gso_size=0,
             csum_start=0, csum_offset=0):
    return struct.pack("=BBHHHH", flags, gso_type, hdr_len, gso_size,
                       csum_start, csum_offset)


def tx_frames(cls, n, dst, src, ip):
    eth = dst + src
    for i in range(n):
        if cls == "good":
            yield vnet_hdr() + eth + b"\x08\x00" + udp4(ip)
        elif cls == "short":
            yield vnet_hdr() + (eth + b"\x08\x00")[:1 + i % 13]
        elif cls == "hdr-only":
            yield vnet_hdr() + eth + b"\x08\x00"
        elif cls == "vlan-runt":
            yield vnet_hdr() + eth + b"\x81\x00\x00\x0a"
        elif cls == "gso":
            yield vnet_hdr(VIRTIO_NET_HDR_F_NEEDS_CSUM, VIRTIO_NET_HDR_GSO_TCPV4,
                           54, 100, 34, 16) + eth + b"\x08\x00" + tcp4(ip, 1000)
        elif cls == "gso-lie":
            yield vnet_hdr(VIRTIO_NET_HDR_F_NEEDS_CSUM, VIRTIO_NET_HDR_GSO_TCPV4,
                           200, 100, 180, 16) + eth + b"\x08\x00" + udp4(ip)[:20]
        else:
            raise SystemExit(f"frames.py: unknown transmit class '{cls}'")


def tap_open(name):
    fd = os.open("/dev/net/tun", os.O_RDWR)
    fcntl.ioctl(fd, TUNSETIFF, struct.pack("16sH", name.encode(), IFF_TAP | IFF_NO_PI))
    return fd


def counters(devs, names=COUNTERS):
    def one(dev):
        vals = []
        for c in names:
            with open(f"/sys/class/net/{dev}/statistics/{c}") as f:
                vals.append(f.read().strip())
        return f"{dev}:" + "/".join(vals)
    return " ".join(one(d) for d in devs)


def marker_seen(sk, deadline):
    """Has the packet socket @sk had a marker (UDP to port 7) by @deadline?"""
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            return False
        sk.settimeout(left)
        try:
            f = sk.recv(2048)
        except socket.timeout:
            return False
        # Ethernet, IPv4 with no options, UDP: the destination port.
        if len(f) >= 38 and f[12:14] == b"\x08\x00" and f[23] == 17 and f[36:38] == b"\x00\x07":
            return True


def rxplan(a):
    fd = tap_open(a.dev)
    devs = a.devs.split(",")
    sk = None
    if a.mark_dev:
        sk = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
        sk.bind((a.mark_dev, 0))
    for line in sys.stdin:
        if not line.strip():
            continue
        cls, dst_text = line.split()
        dst, src = mac(dst_text), mac(OTHER_SRC)
        if cls == "own-src":
            src = mac(a.own)
        out = ""
        try:
            for f in rx_frames("good" if cls == "own-src" else cls, a.count, dst, src, a.ip):
                os.write(fd, f)
            if dst[0] & 1 and sk:
                os.write(fd, dst + mac(OTHER_SRC) + b"\x08\x00" + udp4(a.ip, 7))
                if not marker_seen(sk, time.monotonic() + 10):
                    out = "marker lost, "
        except OSError as e:
            out = f"send failed ({e.strerror}), "
        print(f"{cls} {dst_text} -> {out}{counters(devs, RX_COUNTERS)}", flush=True)


def tx_socket(dev):
    sk = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, 0)
    sk.setsockopt(SOL_PACKET, PACKET_QDISC_BYPASS, 1)
    sk.setsockopt(SOL_PACKET, PACKET_VNET_HDR, 1)
    sk.bind((dev, 0))
    return sk


def send_all(frames, send, pps=0):
    """Send every frame; "sent N" and, for each errno, "ERRNO N"."""
    sent, errs = 0, {}
    for f in frames:
        if pps:
            time.sleep(1 / pps)
        try:
            send(f)
            sent += 1
        except OSError as e:
            name = errno.errorcode.get(e.errno, str(e.errno))
            errs[name] = errs.get(name, 0) + 1
    return " ".join([f"sent {sent}"] + [f"{k} {v}" for k, v in sorted(errs.items())])


def txplan(a):
    devs = a.devs.split(",")
    dst, src = mac(a.dst), mac(a.src)
    for line in sys.stdin:
        if not line.strip():
            continue
        cls, dev = line.split()
        try:
            with tx_socket(dev) as sk:
                out = send_all(tx_frames(cls, a.count, dst, src, a.ip), sk.send)
        except OSError as e:
            out = f"socket failed ({e.strerror})"
        print(f"{cls} {dev}: {out} -> {counters(devs)}", flush=True)


def main():
    p = argparse.ArgumentParser(description="malformed frames for vmux_frames.sh")
    p.add_argument("way", choices=("rx", "rxplan", "tx", "txplan", "flood"))
    p.add_argument("dev", nargs="?")
    p.add_argument("cls", nargs="?")
    p.add_argument("count", type=int)
    p.add_argument("--dst", default="ff:ff:ff:ff:ff:ff")
    p.add_argument("--src", default=OTHER_SRC)
    p.add_argument("--ip", default="192.0.2.11")
    p.add_argument("--pps", type=float, default=0)
    p.add_argument("--devs", default="")
    p.add_argument("--own", default=OTHER_SRC)
    p.add_argument("--mark-dev")
    a = p.parse_args()
    if a.way == "rxplan":
        return rxplan(a)
    if a.way == "txplan":
        return txplan(a)
    dst, src = mac(a.dst), mac(a.src)

    if a.way == "rx":
        fd = tap_open(a.dev)
        frames = rx_frames(a.cls, a.count, dst, src, a.ip)
        send = lambda f: os.write(fd, f)
    elif a.way == "flood":
        sk = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, 0)
        sk.bind((a.dev, 0))
        frames = rx_frames(a.cls, a.count, dst, src, a.ip)
        send = sk.send
    else:
        sk = tx_socket(a.dev)
        frames = tx_frames(a.cls, a.count, dst, src, a.ip)
        send = sk.send
    print(send_all(frames, send, a.pps))


if __name__ == "__main__":
    main()
