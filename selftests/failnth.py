#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Send one RTM_NEWLINK again and again, failing the n-th allocation of it.

For n = 1, 2, ... the kernel fails the request's n-th slab (or page)
allocation (/proc/thread-self/fail-nth; the kernel needs
CONFIG_FAULT_INJECTION and CONFIG_FAILSLAB), until a round consumes no
fault: every allocation the request makes has then failed once. Each round
must succeed whole or change nothing:

  - accepted: a create made --name (it is deleted again for the next round);
  - refused (ENOMEM, or whatever the failed allocation turned into): the
    devices of this netns are the ones before, and every --state command
    prints what it printed before the request;
  - no reply (the ack's own allocation failed: ENOBUFS on the socket): the
    request was done whole or not at all. A create is accepted if --name
    exists; a change must leave every --state command printing what it
    printed before the request or after it was done (a first round with no
    fault, then --reset, learns that), and --reset runs after it.

The fault attributes must let fail-nth fail allocations that may sleep
(KNOBS below): failnth.py sets them where it sees debugfs.
--reset CMD runs after every accepted round (a change must start each
round from the same state). The request is nlreq.py's:

  failnth.py [--state CMD]... [--state-every K] [--reset CMD] [--max N]
             [--stride K [--offset O]] NLREQ-ARGS...

--stride K fails only the O-th, O+K-th, ... allocation (O: 1 to K, default
1): a K-th of the rounds, for time; K runs with O = 1..K cover all.

The --state commands run after the first 20 refused rounds and every K-th
(default 10) after that; the device list is checked after every round.

Prints one line a round that failed and a summary ("faults injected N,
accepted A, refused R (ENOMEM x, ...)"); exits 0 when every round held,
1 otherwise, 4 when the kernel has no fail-nth.
"""
import argparse
import collections
import os
import socket
import struct
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import nlreq  # noqa: E402

RTM_DELLINK = 17
FAIL_NTH = "/proc/thread-self/fail-nth"
# The fault attributes fail-nth goes through: by default they ignore
# allocations that may sleep (GFP_KERNEL, all of rtnetlink's), and log a
# stack trace for every fault.
KNOBS = {
    "/sys/kernel/debug/failslab/ignore-gfp-wait": "N",
    "/sys/kernel/debug/failslab/verbose": "0",
    "/sys/kernel/debug/fail_page_alloc/ignore-gfp-wait": "N",
    "/sys/kernel/debug/fail_page_alloc/verbose": "0",
}


def devices():
    return sorted(name for _, name in socket.if_nameindex())


def run(cmd):
    return subprocess.run(cmd, shell=True, capture_output=True, text=True).stdout


def delete(sk, name):
    body = nlreq.attr(nlreq.IFLA_IFNAME, name.encode() + b"\0")
    ifi = struct.pack("=BxHiII", socket.AF_UNSPEC, 0, 0, 0, 0)
    msg = ifi + body
    sk.send(struct.pack("=IHHII", 16 + len(msg), RTM_DELLINK,
                        nlreq.NLM_F_REQUEST | nlreq.NLM_F_ACK, 2, 0) + msg)
    err, text = nlreq.parse_ack(sk.recv(65536))
    if err:
        raise SystemExit(f"failnth: cannot delete {name}: {nlreq.errno_name(err)}: {text}")


def main():
    ap = argparse.ArgumentParser(add_help=False)
    ap.add_argument("--state", action="append", default=[])
    ap.add_argument("--reset")
    ap.add_argument("--max", type=int, default=2000)
    ap.add_argument("--state-every", type=int, default=10)
    ap.add_argument("--stride", type=int, default=1)
    ap.add_argument("--offset", type=int, default=1)
    opts, rest = ap.parse_known_args()
    if opts.stride < 1:
        raise SystemExit(f"failnth: --stride {opts.stride} is not 1 or more")
    if not 1 <= opts.offset <= opts.stride:
        raise SystemExit(f"failnth: --offset {opts.offset} is not in 1..{opts.stride}")
    args = nlreq.parser().parse_args(rest)

    if not os.path.exists(FAIL_NTH):
        print("failnth: this kernel has no fail-nth (CONFIG_FAULT_INJECTION)")
        return 4
    # Where debugfs is not mounted (ip netns exec mounts a sysfs of the
    # netns over /sys), the caller has set them.
    for knob, value in KNOBS.items():
        try:
            with open(knob, "w") as f:
                f.write(value)
        except OSError:
            pass

    msg = nlreq.build(args)
    sk = nlreq.open_socket()
    fd = os.open(FAIL_NTH, os.O_WRONLY)
    before = devices()
    states = [run(c) for c in opts.state]
    done_states = states
    if args.change:
        if not opts.reset:
            raise SystemExit("failnth: a --change wants a --reset")
        sk.send(msg)
        err, text = nlreq.parse_ack(sk.recv(65536))
        if err:
            raise SystemExit(f"failnth: the change fails with no fault: "
                             f"{nlreq.errno_name(err)} {text!r}")
        done_states = [run(c) for c in opts.state]
        run(opts.reset)
        if [run(c) for c in opts.state] != states:
            raise SystemExit("failnth: --reset does not bring back the state before the change")
    outcomes = collections.Counter()
    bad = 0
    rounds = 0

    for n in range(opts.offset, opts.max + 1, opts.stride):
        # fail-nth has no lseek: a descriptor reads it once, from the
        # start. Opened now: an open after the request would allocate
        # (and could take the fault itself).
        rfd = os.open(FAIL_NTH, os.O_RDONLY)
        os.write(fd, str(n).encode())
        no_reply = False
        try:
            sk.send(msg)
            err, text = nlreq.parse_ack(sk.recv(65536))
        except OSError as e:
            # The ack's own allocation failed (the socket says ENOBUFS):
            # the request may have been done or not, either whole.
            err, text = e.errno, "(no reply: " + e.strerror + ")"
            no_reply = True
            if not args.change and args.name in devices():
                err = 0
        left = int(os.read(rfd, 32) or b"0")
        os.close(rfd)
        os.write(fd, b"0")
        injected = left == 0
        rounds += injected

        now = devices()
        why = []
        if err == 0:
            made = sorted(set(now) - set(before))
            if not args.change and made != [args.name]:
                why.append(f"accepted, but the new devices are {made}")
            if not args.change:
                delete(sk, args.name)
            if opts.reset:
                run(opts.reset)
        else:
            if now != before:
                why.append("refused, but the devices changed: +%s -%s" % (
                    sorted(set(now) - set(before)), sorted(set(before) - set(now))))
            # The --state commands (a process each, slow under TCG with
            # KASAN) every --state-every rounds and at the first ones.
            # A change with no reply was done whole or not at all: every
            # state as before, or every state as done.
            checked = [] if n > 20 and n % opts.state_every and not no_reply else opts.state
            now_states = [run(cmd) for cmd in checked]
            whole = [states[:len(checked)]]
            if no_reply and args.change:
                whole.append(done_states[:len(checked)])
            if now_states not in whole:
                for cmd, was, is_ in zip(checked, states, now_states):
                    if is_ != was:
                        why.append(f"refused, but \"{cmd}\" printed {is_.strip()!r}, "
                                   f"not {was.strip()!r}" +
                                   (" (nor as done)" if len(whole) > 1 else ""))
            if no_reply and args.change:
                run(opts.reset)
        outcomes[nlreq.errno_name(err) if err else "OK"] += 1
        for w in why:
            bad += 1
            print(f"FAIL: fail-nth {n}: {nlreq.errno_name(err) if err else 'OK'} "
                  f"{text!r}: {w}")
        if devices() != before:
            raise SystemExit(f"failnth: round {n} left {devices()} (was {before})")
        if not injected:
            if err:
                print(f"FAIL: with no fault injected: {nlreq.errno_name(err)} {text!r}")
                bad += 1
            break
    else:
        print(f"failnth: still consuming faults after {opts.max} rounds")
        bad += 1

    accepted = outcomes.pop("OK", 0)
    refused = ", ".join(f"{k} {v}" for k, v in sorted(outcomes.items()))
    every = f" (1 in {opts.stride}, from number {opts.offset})" if opts.stride > 1 else ""
    print(f"failnth: faults injected {rounds}{every}, accepted {accepted}, refused "
          f"{sum(outcomes.values())}{' (' + refused + ')' if refused else ''}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
