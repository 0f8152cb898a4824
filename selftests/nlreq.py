#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Send one raw RTM_NEWLINK and print the kernel's errno and extack message.

The selftests use it to reach kernel validation the vmux CLI would refuse
first (it checks input itself), and to assert the exact errno.

  nlreq.py [--link DEV] [--name NAME] [--mtu N] [--address MAC] [--change]
           [--index N] [--netns NAME] --kind KIND [ATTR ...]
  ATTR := u16:N=V | be16:N=V | u32:N=V | s32:N=V | hex:N=HEX
        | flags:N=FLAGS/MASK | qos:N=FROM:TO[,FROM:TO...] | macs:N=MAC[,MAC...]

Prints "OK" or "ERRNO_NAME: message"; exits 0 on success, 1 otherwise.

  nlreq.py --batch

reads one request's arguments a line from stdin and prints one result line
for each: a python3 start costs about a second in the test VM.
"""
import argparse
import errno
import os
import shlex
import socket
import struct
import sys

NETLINK_EXT_ACK = 11
RTM_NEWLINK = 16
NLM_F_REQUEST, NLM_F_ACK, NLM_F_EXCL, NLM_F_CREATE = 1, 4, 0x200, 0x400
NLMSG_ERROR = 2
IFLA_ADDRESS, IFLA_IFNAME, IFLA_MTU, IFLA_LINK, IFLA_LINKINFO = 1, 3, 4, 5, 18
IFLA_NET_NS_FD = 28
IFLA_INFO_KIND, IFLA_INFO_DATA = 1, 2
NLMSGERR_ATTR_MSG = 1


def attr(kind, payload):
    length = 4 + len(payload)
    return struct.pack("=HH", length, kind) + payload + b"\0" * (-length % 4)


def mac(text):
    return bytes(int(x, 16) for x in text.split(":"))


def data_attr(spec):
    typ, rest = spec.split(":", 1)
    num, value = rest.split("=", 1)
    num = int(num)
    if typ == "u16":
        return attr(num, struct.pack("=H", int(value, 0)))
    if typ == "be16":
        return attr(num, struct.pack("!H", int(value, 0)))
    if typ == "u32":
        return attr(num, struct.pack("=I", int(value, 0)))
    if typ == "s32":
        return attr(num, struct.pack("=i", int(value, 0)))
    if typ == "hex":
        return attr(num, bytes.fromhex(value))
    if typ == "flags":
        flags, mask = value.split("/")
        return attr(num, struct.pack("=II", int(flags, 0), int(mask, 0)))
    if typ == "qos":
        maps = b"".join(attr(1, struct.pack("=II", *map(int, m.split(":"))))
                        for m in value.split(","))
        return attr(num, maps)
    if typ == "macs":
        return attr(num, b"".join(attr(4, mac(m)) for m in value.split(",")))
    raise SystemExit(f"bad attribute spec {spec!r}")


def parser():
    ap = argparse.ArgumentParser()
    ap.add_argument("--link")
    ap.add_argument("--name")
    ap.add_argument("--mtu", type=int)
    ap.add_argument("--address")
    ap.add_argument("--change", action="store_true",
                    help="change --name instead of creating it")
    ap.add_argument("--index", type=int, default=0,
                    help="ifi_index of the new device")
    ap.add_argument("--netns", help="create it in this named netns")
    ap.add_argument("--kind", required=True)
    ap.add_argument("attrs", nargs="*")
    return ap


def build(args):
    """The RTM_NEWLINK message the parsed arguments describe."""
    body = b""
    if args.link:
        body += attr(IFLA_LINK, struct.pack("=I", socket.if_nametoindex(args.link)))
    if args.name:
        body += attr(IFLA_IFNAME, args.name.encode() + b"\0")
    if args.mtu is not None:
        body += attr(IFLA_MTU, struct.pack("=I", args.mtu))
    if args.address:
        body += attr(IFLA_ADDRESS, mac(args.address))
    if args.netns:
        nsfd = os.open(f"/run/netns/{args.netns}", os.O_RDONLY)
        body += attr(IFLA_NET_NS_FD, struct.pack("=I", nsfd))
    info = attr(IFLA_INFO_KIND, args.kind.encode() + b"\0")
    if args.attrs:
        info += attr(IFLA_INFO_DATA, b"".join(data_attr(a) for a in args.attrs))
    body += attr(IFLA_LINKINFO, info)

    flags = NLM_F_REQUEST | NLM_F_ACK
    if not args.change:
        flags |= NLM_F_CREATE | NLM_F_EXCL
    ifi = struct.pack("=BxHiII", socket.AF_UNSPEC, 0, args.index, 0, 0)
    msg = ifi + body
    return struct.pack("=IHHII", 16 + len(msg), RTM_NEWLINK, flags, 1, 0) + msg


def open_socket():
    sk = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, socket.NETLINK_ROUTE)
    sk.setsockopt(270, NETLINK_EXT_ACK, 1)   # SOL_NETLINK
    sk.bind((0, 0))
    return sk


def parse_ack(reply):
    """(errno, extack message) of an NLMSG_ERROR reply."""
    _, mtype, mflags, _, _ = struct.unpack_from("=IHHII", reply)
    if mtype != NLMSG_ERROR:
        raise SystemExit("unexpected reply")
    err = -struct.unpack_from("=i", reply, 16)[0]
    text = ""
    if mflags & 0x200:                      # NLM_F_ACK_TLVS
        off = 16 + 4 + 16                   # capped: only the header echoed
        if not mflags & 0x100:              # NLM_F_CAPPED
            off = 16 + 4 + struct.unpack_from("=I", reply, 20)[0]
        while off + 4 <= len(reply):
            alen, atype = struct.unpack_from("=HH", reply, off)
            if alen < 4:
                break
            if atype == NLMSGERR_ATTR_MSG:
                text = reply[off + 4:off + alen].rstrip(b"\0").decode()
            off += (alen + 3) & ~3
    return err, text


def errno_name(err):
    # Python names 95 ENOTSUP; the kernel's name is EOPNOTSUPP.
    return "EOPNOTSUPP" if err == errno.EOPNOTSUPP else errno.errorcode.get(err, str(err))


def request(sk, argv):
    """Send the request argv describes; its one-line result and status."""
    msg = build(parser().parse_args(argv))
    sk.send(msg)
    err, text = parse_ack(sk.recv(65536))
    if err == 0:
        return "OK", 0
    return f"{errno_name(err)}: {text}", 1


def batch(sk):
    """One request per line of stdin (the arguments, shell-quoted), one
    result line each, in order: a request that cannot even be built prints
    "ERROR: why" and the batch goes on."""
    status = 0
    for line in sys.stdin:
        argv = shlex.split(line)
        if not argv:
            continue
        try:
            out, rc = request(sk, argv)
        except (SystemExit, OSError, ValueError) as e:
            out, rc = f"ERROR: {e}", 1
        print(out, flush=True)
        status |= rc
    return status


def main():
    sk = open_socket()
    if sys.argv[1:] == ["--batch"]:
        return batch(sk)
    out, rc = request(sk, sys.argv[1:])
    print(out)
    return rc


if __name__ == "__main__":
    sys.exit(main())
