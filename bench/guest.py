#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""vmux against the in-kernel drivers, instructions per packet.

Runs inside the VM that selftests/vm/run --icount boots (make bench): with
-icount shift=0 one guest instruction is one nanosecond of guest time, so
pktgen's busy time x 1000 / count is instructions per packet, repeatable to
about 0.1% within a boot. Every scenario runs once with the in-kernel driver
(8021q, macvlan, ipvlan) and once with vmux, in this boot, on a fresh dummy
lower each time (a lower has one rx_handler); method and traps:
Documentation/performance.rst.

  receive   pktgen xmit_mode netif_receive, burst 1, 60-byte UDP to port 9
            into the dummy lower, to a child in netns "bc"; the full stack's
            tail (no listener, ICMP errors rate-limited to none). The run
            fails unless the child's rx_packets and its netns's UDP NoPorts
            both rose by exactly the count.
  transmit  pktgen start_xmit (clone_skb 0) from the child to the dummy
            lower; the lower's tx_packets must rise by exactly the count.
  control   guest time (instructions, idle skipped) to create and delete
            N children with "vmux -batch" and with "ip -batch".

Writes one JSON document: {"kernel", "count", "trials", "rows": [...]},
a row per scenario and implementation; bench/report.py turns it into the
table, the charts and Documentation/performance.rst.
"""

import argparse
import ctypes
import json
import os
import platform
import re
import resource
import socket
import struct
import subprocess
import sys
import time

TOP = os.environ.get("VMUX_TOP", os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
VMUX = os.environ.get("VMUX_CLI", os.path.join(TOP, "build", "vmux"))
VMUX_KO = os.environ.get("VMUX_KO", os.path.join(TOP, "kmod", "vmux.ko"))

LOWER = "bl0"
LOWER_MAC = "02:00:00:00:01:00"
PEER_MAC = "02:00:00:00:00:64"       # the frames' source, a permanent neighbour
PEER4, PEER6 = "10.0.0.100", "2001:db8::64"
CHILD_NS, IDLE_NS = "bench-child", "bench-idle"

# One measured child per kind: name, address, MAC (macvlan), VLAN id.
KINDS = {
    "vlan": dict(name="bv", ip4="10.0.10.2", ip6="2001:db8:10::2", vid=10),
    "macvlan": dict(name="bm", ip4="10.0.20.2", ip6="2001:db8:20::2",
                    mac="02:00:00:00:02:00"),
    "ipvlan": dict(name="bi", ip4="10.0.30.2", ip6="2001:db8:30::2"),
}

CLONE_NEWNET = 0x40000000
_libc = ctypes.CDLL(None, use_errno=True)


class BenchError(Exception):
    pass


def run(*args, stdin=None):
    """Runs a command; its stderr names the culprit if it fails."""
    p = subprocess.run(args, input=stdin, text=True, capture_output=True)
    if p.returncode != 0:
        what = " ".join(args) if stdin is None else f"{' '.join(args)} < ({stdin.splitlines()[0]} ...)"
        raise BenchError(f"{what}: {p.stderr.strip() or f'exit status {p.returncode}'}")
    return p.stdout


def tool(impl):
    return VMUX if impl == "vmux" else "ip"


class Netns:
    """Enters a named netns for pktgen's /proc/net and the snmp counters."""

    def __init__(self, name):
        self.name = name

    def __enter__(self):
        self.home = os.open("/proc/thread-self/ns/net", os.O_RDONLY)
        if self.name:
            fd = os.open(f"/run/netns/{self.name}", os.O_RDONLY)
            try:
                self._setns(fd)
            finally:
                os.close(fd)
        return self

    def __exit__(self, *exc):
        self._setns(self.home)
        os.close(self.home)

    @staticmethod
    def _setns(fd):
        if _libc.setns(fd, CLONE_NEWNET) != 0:
            e = ctypes.get_errno()
            raise BenchError(f"setns: {os.strerror(e)}")


# The initial netns's settings bench changed, restored by Bench.finish().
_saved = {}


def sysctl(ns, key, value, must=True):
    with Netns(ns):
        path = "/proc/sys/" + key.replace(".", "/")
        try:
            if ns is None and path not in _saved:
                with open(path) as f:
                    _saved[path] = f.read().strip()
            with open(path, "w") as f:
                f.write(str(value))
        except OSError as e:
            if must:
                raise BenchError(f"sysctl {key}={value} in netns {ns or 'init'}: {e.strerror}")


def snmp(ns, table, field):
    """A counter of /proc/net/snmp (Udp, ...) or snmp6 (Udp6...) in ns."""
    with Netns(ns):
        if table == "snmp6":
            with open("/proc/self/net/snmp6") as f:
                for line in f:
                    k, v = line.split()
                    if k == field:
                        return int(v)
        else:
            with open("/proc/self/net/snmp") as f:
                lines = [l.split() for l in f if l.startswith(table + ":")]
            return int(lines[1][lines[0].index(field)])
    raise BenchError(f"no {field} in {table}")


RTM_NEWLINK, RTM_GETLINK = 16, 18
NLMSG_ERROR, NLMSG_DONE = 2, 3
NLM_F_REQUEST, NLM_F_DUMP = 0x1, 0x300
IFLA_IFNAME, IFLA_STATS64 = 3, 23
# struct rtnl_link_stats64: the fields read here
RX_PACKETS, TX_PACKETS, RX_DROPPED = 0, 1, 6


def links(ns):
    """{name: struct rtnl_link_stats64 as a tuple} of every device in ns:
    one RTM_GETLINK dump, no process started (an exec costs a tenth of a
    second in the VM)."""
    with Netns(ns):
        s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, socket.NETLINK_ROUTE)
    with s:
        s.send(struct.pack("=IHHII", 32, RTM_GETLINK, NLM_F_REQUEST | NLM_F_DUMP, 1, 0)
               + bytes(16))
        out = {}
        while True:
            data = s.recv(1 << 20)
            off = 0
            while off + 16 <= len(data):
                ln, typ = struct.unpack_from("=IH", data, off)
                if typ == NLMSG_DONE:
                    return out
                if typ == NLMSG_ERROR:
                    err = -struct.unpack_from("=i", data, off + 16)[0]
                    raise BenchError(f"RTM_GETLINK dump in netns {ns or 'init'}: {os.strerror(err)}")
                if typ == RTM_NEWLINK:
                    a, name, stats = off + 32, None, None
                    while a + 4 <= off + ln:
                        alen, atyp = struct.unpack_from("=HH", data, a)
                        if alen < 4:
                            break
                        if atyp == IFLA_IFNAME:
                            name = data[a + 4:a + alen].split(b"\0")[0].decode()
                        elif atyp == IFLA_STATS64:
                            stats = struct.unpack_from("=8Q", data, a + 4)
                        a += (alen + 3) & ~3
                    out[name] = stats
                off += (ln + 3) & ~3


def link_stat(ns, dev, field):
    try:
        return links(ns)[dev][field]
    except KeyError:
        raise BenchError(f"no device {dev} in netns {ns or 'init'}") from None


class Pktgen:
    """pktgen in one netns, one device on its CPU 0 thread (-smp 1)."""

    RESULT = re.compile(r"Result: OK: (\d+)\(c(\d+)\+d(\d+)\) usec, (\d+) ")

    def __init__(self, ns):
        self.ns = ns

    def _write(self, file, cmd):
        try:
            with open(f"/proc/self/net/pktgen/{file}", "w") as f:
                f.write(cmd + "\n")
        except OSError as e:
            raise BenchError(f"pktgen {file}: '{cmd}': {e.strerror}")

    def run(self, dev, count, settings):
        """Sends count packets; returns pktgen's busy time in us."""
        with Netns(self.ns):
            self._write("kpktgend_0", "rem_device_all")
            self._write("kpktgend_0", f"add_device {dev}")
            for s in [f"count {count}", "pkt_size 60", "delay 0", "burst 1",
                      "udp_src_min 9", "udp_src_max 9", "udp_dst_min 9", "udp_dst_max 9"] + settings:
                self._write(dev, s)
            self._write("pgctrl", "start")
            with open(f"/proc/self/net/pktgen/{dev}") as f:
                text = f.read()
            self._write("kpktgend_0", "rem_device_all")
        m = self.RESULT.search(text)
        if not m or int(m.group(4)) != count:
            line = next((l for l in text.splitlines() if "Result" in l), text[-200:])
            raise BenchError(f"pktgen on {dev}: {line.strip()}")
        return int(m.group(2))


class Trace:
    """ftrace function_graph around one more run of a scenario: under
    -icount its durations are instructions, so it says where they go,
    function by function (--trace)."""

    DIR = "/sys/kernel/tracing"
    LINE = re.compile(r"\|\s*(?:(\w[\w.]*)(?: \[\w+\])?\(\);|\} /\* (\w[\w.]*)(?: \[\w+\])? \*/)")
    DUR = re.compile(r"([\d.]+) us")

    def __init__(self, funcs, depth, top):
        self.funcs, self.depth, self.top = funcs, depth, top

    def _w(self, name, value):
        with open(f"{self.DIR}/{name}", "w") as f:
            f.write(value)

    def __enter__(self):
        if not os.path.exists(f"{self.DIR}/trace"):
            run("mount", "-t", "tracefs", "nodev", self.DIR)
        self._w("current_tracer", "nop")
        self._w("trace", "")
        with open(f"{self.DIR}/available_filter_functions") as f:
            have = {l.split()[0] for l in f}
        funcs = [fn for fn in self.funcs if fn in have]
        if not funcs:
            raise BenchError(f"--trace: none of {', '.join(self.funcs)} can be traced")
        self._w("set_graph_function", " ".join(funcs))
        self._w("max_graph_depth", str(self.depth))
        self._w("options/funcgraph-tail", "1")
        self._w("current_tracer", "function_graph")
        return self

    def __exit__(self, *exc):
        self._w("tracing_on", "0")
        with open(f"{self.DIR}/trace") as f:
            text = f.read()
        self._w("current_tracer", "nop")
        self._w("tracing_on", "1")
        self._w("set_graph_function", "")
        sums = {}
        for line in text.splitlines():
            m, d = self.LINE.search(line), self.DUR.search(line)
            if m and d:
                depth = (len(line.split("|", 1)[1]) - len(line.split("|", 1)[1].lstrip())) // 2
                key = (depth, m.group(1) or m.group(2))
                t, n = sums.get(key, (0.0, 0))
                sums[key] = (t + float(d.group(1)) * 1000, n + 1)
        for (depth, fn), (t, n) in sorted(sums.items(), key=lambda kv: -kv[1][0])[:self.top]:
            print(f"trace: {'  ' * depth}{fn:40} {t / n:10.1f} x {n}")


class Bench:
    def __init__(self, count, trials, scale, cp_counts, smoke=False, icount=False):
        self.icount = icount
        self.bc_count = 50 if smoke else 5000
        self.bc_rate = 2000
        self.bc_children_counts = [1, 4] if smoke else [1, 10, 100]
        self.burst = 3000 if smoke else 20000
        self.burst_children = [4] if smoke else [10, 100]
        self.count = count
        self.trials = trials
        self.scale = scale
        self.cp_counts = cp_counts
        self.rows = []
        self.netns = []
        self.loaded = []
        self.trace = None
        self.trace_match = ""

    def finish(self):
        """Leaves the VM as it found it: a selftest runs this (vmux_bench.sh)."""
        if os.path.exists(f"/sys/class/net/{LOWER}"):
            run("ip", "link", "del", LOWER)
        for ns in self.netns:
            run("ip", "netns", "del", ns)
        for path, value in _saved.items():
            with open(path, "w") as f:
                f.write(value)
        for m in self.loaded:
            if os.path.exists(f"/sys/module/{m}"):
                run("rmmod", m)

    # ---- set-up -----------------------------------------------------------

    def boot(self):
        self.loaded = [m for m in ("pktgen", "vmux") if not os.path.exists(f"/sys/module/{m}")]
        for m in ("dummy", "8021q", "macvlan", "ipvlan", "pktgen"):
            run("modprobe", m)
        if "vmux" in self.loaded:
            run("insmod", VMUX_KO)
        for ns in (CHILD_NS, IDLE_NS):
            run("ip", "netns", "add", ns)
            self.netns.append(ns)
        for ns in (None, CHILD_NS, IDLE_NS):
            # No ICMP errors for the port nobody listens on (global on
            # 6.1, per netns later), no IPv6 chatter but where asked for,
            # no reverse-path filter for the source nobody routes to.
            sysctl(ns, "net.ipv4.icmp_msgs_per_sec", 0, must=False)
            sysctl(ns, "net.ipv4.icmp_msgs_burst", 0, must=False)
            sysctl(ns, "net.ipv6.conf.all.disable_ipv6", 1)
            sysctl(ns, "net.ipv6.conf.default.disable_ipv6", 1)
            sysctl(ns, "net.ipv4.conf.all.rp_filter", 0)
            sysctl(ns, "net.ipv4.conf.default.rp_filter", 0)
            if ns is None:
                # /proc/schedstat's busy time (the broadcast group)
                sysctl(ns, "kernel.sched_schedstats", 1)
            run("ip", *(["-n", ns] if ns else []), "link", "set", "lo", "up")

    def lower_up(self):
        run("ip", "-batch", "-", stdin=f"""link add {LOWER} address {LOWER_MAC} type dummy
addr add 10.0.0.1/24 dev {LOWER}
link set {LOWER} up
neigh add {PEER4} lladdr {PEER_MAC} dev {LOWER} nud permanent
""")

    def lower_down(self):
        run("ip", "link", "del", LOWER)
        # Children die with their lower; wait until the netns have none.
        for ns in (CHILD_NS, IDLE_NS):
            for _ in range(600):
                if len(links(ns)) <= 1:
                    break
                time.sleep(0.05)
            else:
                raise BenchError(f"children of {LOWER} still in netns {ns}")

    @staticmethod
    def kind_args(kind, mode=None, vid=None):
        if kind == "vlan":
            return ["type", "vlan", "id", str(vid)]
        if kind == "macvlan":
            return ["type", "macvlan", "mode", mode or "bridge"]
        return ["type", "ipvlan", "mode", mode or "l2"]

    def child_add(self, impl, kind, mode=None, v6=False):
        """The measured child of kind, in CHILD_NS, addressed and up."""
        c = KINDS[kind]
        extra = ["address", c["mac"]] if kind == "macvlan" else []
        run(tool(impl), "link", "add", "link", LOWER, "name", c["name"], *extra,
            "netns", CHILD_NS, *self.kind_args(kind, mode, c.get("vid")))
        name, cmds = c["name"], []
        if v6:
            sysctl(CHILD_NS, f"net.ipv6.conf.{name}.disable_ipv6", 0)
            cmds.append(f"addr add {c['ip6']}/64 dev {name} nodad")
        cmds += [f"addr add {c['ip4']}/24 dev {name}", f"link set {name} up"]
        if v6:
            cmds.append(f"neigh add {PEER6} lladdr {PEER_MAC} dev {name} nud permanent")
        cmds.append(f"neigh add {PEER4} lladdr {PEER_MAC} dev {name} nud permanent")
        run("ip", "-n", CHILD_NS, "-batch", "-", stdin="\n".join(cmds) + "\n")
        return c["name"]

    def idle_add(self, impl, kind, mode, first, last):
        """Idle children first..last-1 of kind in IDLE_NS, up, with an
        address each (ipvlan): they fill the demux tables and nothing else."""
        links, addrs = [], []
        for i in range(first, last):
            name = f"x{i}"
            if kind == "vlan":
                # Every VID but the measured child's.
                vid = i + 1 if i + 1 < KINDS["vlan"]["vid"] else i + 2
                args = self.kind_args("vlan", vid=vid)
            else:
                args = self.kind_args(kind, mode)
            extra = ["address", f"02:00:01:00:{i >> 8:02x}:{i & 0xff:02x}"] if kind == "macvlan" else []
            links.append(" ".join(["link", "add", "link", LOWER, "name", name, *extra,
                                   "netns", IDLE_NS, *args]))
            if kind == "ipvlan":
                addrs.append(f"addr add 10.1.{i >> 8}.{i & 0xff}/32 dev {name}")
            addrs.append(f"link set {name} up")
        if links:
            run(tool(impl), "-batch", "-", stdin="\n".join(links) + "\n")
            run("ip", "-n", IDLE_NS, "-batch", "-", stdin="\n".join(addrs) + "\n")

    # ---- measurements ------------------------------------------------------

    def record(self, scenario, impl, ipp, **extra):
        row = dict(scenario=scenario, impl=impl, ipp=ipp, **extra)
        self.rows.append(row)
        trials = ", ".join(f"{t:.1f}" for t in extra.get("trials", []))
        n = f" {extra['children']}" if "children" in extra else ""
        print(f"bench: {scenario + n:36} {impl:7} {ipp:10.1f}  ({trials})", flush=True)

    def measure(self, fn):
        """fn() -> instructions per packet, trials times; the median."""
        t = [fn() for _ in range(self.trials)]
        return sorted(t)[len(t) // 2], t

    def rx_once(self, ns, dev, dst, dst_mac, v6=False, vid=None):
        pg = Pktgen(None)
        if v6:
            # IPv6 refuses a zero UDP checksum before the port lookup.
            settings = ["flag IPV6", "flag UDPCSUM", f"dst6 {dst}", f"src6 {PEER6}"]
            table, field = "snmp6", "Udp6NoPorts"
        else:
            settings = [f"dst_min {dst}", f"dst_max {dst}", f"src_min {PEER4}", f"src_max {PEER4}"]
            table, field = "Udp", "NoPorts"
        settings += ["xmit_mode netif_receive", f"dst_mac {dst_mac}", f"src_mac {PEER_MAC}"]
        if vid is not None:
            settings.append(f"vlan_id {vid}")
        rx0 = link_stat(ns, dev, RX_PACKETS)
        np0 = snmp(ns, table, field)
        us = pg.run(LOWER, self.count, settings)
        rx = link_stat(ns, dev, RX_PACKETS) - rx0
        np = snmp(ns, table, field) - np0
        # The lower's own receive is counted by no driver (pktgen hands the
        # frame to the stack): NoPorts says it got there.
        if (dev != LOWER and rx != self.count) or np != self.count:
            raise BenchError(f"{self.count} sent to {dev}: rx_packets +{rx}, {field} +{np}")
        return us * 1000 / self.count

    def rx_child(self, kind, mode=None, v6=False):
        c = KINDS[kind]
        mac = c.get("mac", LOWER_MAC)
        return lambda: self.rx_once(CHILD_NS, c["name"], c["ip6"] if v6 else c["ip4"], mac,
                                    v6=v6, vid=c.get("vid"))

    def rx_lower(self):
        return lambda: self.rx_once(None, LOWER, "10.0.0.1", LOWER_MAC)

    def tx_once(self, ns, dev):
        pg = Pktgen(ns)
        tx0 = link_stat(None, LOWER, TX_PACKETS)
        us = pg.run(dev, self.count, [f"dst_min {PEER4}", f"dst_max {PEER4}",
                                      f"dst_mac {PEER_MAC}", "clone_skb 0"])
        tx = link_stat(None, LOWER, TX_PACKETS) - tx0
        if tx != self.count:
            raise BenchError(f"{self.count} sent from {dev}: {LOWER} tx_packets +{tx}")
        return us * 1000 / self.count

    def scenario(self, name, impls, setup, fn, **extra):
        for impl in impls:
            self.lower_up()
            try:
                setup(impl)
                ipp, t = self.measure(fn)
                self.record(name, impl, ipp, trials=t, **extra)
                if self.trace and re.search(self.trace_match, name):
                    print(f"trace: {name}, {impl}: instructions per call, by depth")
                    with self.trace:
                        fn()
            finally:
                self.lower_down()

    # ---- the scenarios -----------------------------------------------------

    def unicast(self):
        both = ("kernel", "vmux")
        self.scenario("rx lower", ("raw",), lambda impl: None, self.rx_lower())
        self.scenario("tx lower", ("raw",), lambda impl: None, lambda: self.tx_once(None, LOWER))
        for kind, mode, v6 in (("vlan", None, False), ("macvlan", "bridge", False),
                               ("ipvlan", "l2", False), ("ipvlan", "l3", False),
                               ("ipvlan", "l2", True), ("ipvlan", "l3", True)):
            label = " ".join(filter(None, (kind, mode, "ipv6" if v6 else None)))
            self.scenario(f"rx {label}", both,
                          lambda impl, k=kind, m=mode, v=v6: self.child_add(impl, k, m, v),
                          self.rx_child(kind, mode, v6), kind=kind)
            if not v6:
                self.scenario(f"tx {label}", both,
                              lambda impl, k=kind, m=mode: self.child_add(impl, k, m),
                              lambda k=kind: self.tx_once(CHILD_NS, KINDS[k]["name"]), kind=kind)
        # The host's own traffic with a child on its NIC.
        for kind, mode in (("macvlan", "bridge"), ("ipvlan", "l2"), ("vlan", None)):
            self.scenario(f"rx lower, {kind} child", both,
                          lambda impl, k=kind, m=mode: self.child_add(impl, k, m),
                          self.rx_lower(), kind=kind)

    def three(self):
        """Each kind with the other two on the same lower (vmux only)."""
        def setup(impl):
            self.child_add(impl, "vlan")
            self.child_add(impl, "macvlan", "bridge")
            self.child_add(impl, "ipvlan", "l2")
        for kind, mode in (("vlan", None), ("macvlan", "bridge"), ("ipvlan", "l2")):
            label = " ".join(filter(None, (kind, mode)))
            self.scenario(f"rx {label}, all three kinds", ("vmux",), setup,
                          self.rx_child(kind, mode), kind=kind)
        self.scenario("rx lower, all three kinds", ("vmux",), setup, self.rx_lower())

    def idle(self):
        """Cost per packet with 1..N children on the lower, N-1 idle."""
        for kind, mode in (("vlan", None), ("macvlan", "bridge"), ("ipvlan", "l2")):
            label = " ".join(filter(None, (kind, mode)))
            for impl in ("kernel", "vmux"):
                self.lower_up()
                try:
                    self.child_add(impl, kind, mode)
                    have = 1
                    for n in [1] + self.scale:
                        n = min(n, 4094) if kind == "vlan" else n
                        self.idle_add(impl, kind, mode, have - 1, n - 1)
                        have = n
                        self.idle_spray(kind, n - 1)
                        ipp, t = self.measure(self.rx_child(kind, mode))
                        self.record(f"rx {label}, children", impl, ipp, trials=t,
                                    kind=kind, children=n)
                finally:
                    self.lower_down()

    # ---- broadcast --------------------------------------------------------

    @staticmethod
    def busy_ns():
        """CPU 0's busy time (rq_cpu_time, idle excluded): instructions."""
        with open("/proc/schedstat") as f:
            for line in f:
                if line.startswith("cpu0 "):
                    return int(line.split()[7])
        raise BenchError("no cpu0 in /proc/schedstat")

    def children_stats(self):
        """{name: (rx_packets, rx_dropped)} of every device in IDLE_NS."""
        return {name: (st[RX_PACKETS], st[RX_DROPPED])
                for name, st in links(IDLE_NS).items() if name != "lo"}

    def bc_run(self, count, rate):
        """count broadcast frames into the lower (rate pps, 0: at once);
        the busy time, waiting for the port's queue to drain."""
        settings = ["dst_min 10.0.0.255", "dst_max 10.0.0.255", f"src_min {PEER4}",
                    f"src_max {PEER4}", "xmit_mode netif_receive", "dst_mac ff:ff:ff:ff:ff:ff",
                    f"src_mac {PEER_MAC}"]
        if rate:
            settings.append(f"ratep {rate}")
        t0 = self.busy_ns()
        Pktgen(None).run(LOWER, count, settings)
        if self.icount:
            # The workers drain the queue meanwhile; asleep, this costs
            # nothing to measure and no time: guest time skips to them
            # and back (sleep=off).
            time.sleep(1)
        return self.busy_ns() - t0

    def children_settled(self, want=None, accounted=None):
        """The idle children's counters once every one has want frames
        more (or, with accounted=(before, total), once each one's received
        and dropped frames since before add up to total; with neither, once
        they stop moving); without -icount the queue may still be draining
        when pktgen is done."""
        deadline = time.monotonic() + 60
        last = None
        while True:
            now = self.children_stats()
            if want is not None and all(v[0] >= want.get(d, 0) for d, v in now.items()):
                return now
            if accounted is not None and all(
                    v[0] - accounted[0][d][0] + v[1] - accounted[0][d][1] >= accounted[1]
                    for d, v in now.items()):
                return now
            if want is None and now == last:
                return now
            if time.monotonic() > deadline:
                return now
            last = now
            time.sleep(0.1)

    def bc_children(self, impl, kind, n):
        mode = "bridge" if kind == "macvlan" else "l2"
        self.idle_add(impl, kind, mode, 0, n)

    def broadcast(self):
        """Cost per delivery of a broadcast frame to N children, paced so
        that nothing is dropped (macvlan's and ipvlan's queue: 1,000),
        from the CPU's busy time less that of the bare lower; and what an
        unpaced burst loses, and where that is counted."""
        count = self.bc_count
        self.lower_up()
        try:
            base = self.bc_run(count, self.bc_rate)
        finally:
            self.lower_down()
        for kind in ("macvlan", "ipvlan"):
            label = f"broadcast {kind} {'bridge' if kind == 'macvlan' else 'l2'}"
            for impl in ("kernel", "vmux"):
                for n in self.bc_children_counts:
                    self.lower_up()
                    try:
                        self.bc_children(impl, kind, n)
                        before = self.children_stats()
                        busy = self.bc_run(count, self.bc_rate)
                        after = self.children_settled({d: v[0] + count
                                                       for d, v in before.items()})
                        got = {d: after[d][0] - before[d][0] for d in after}
                        bad = {d: g for d, g in got.items() if g != count}
                        if bad:
                            raise BenchError(f"{label}, {n} children, {count} frames paced: "
                                             f"received {sorted(bad.items())[:3]}")
                        self.record(f"{label}, per delivery", impl, (busy - base) / (count * n),
                                    kind=kind, children=n, frame=(busy - base) / count)
                    finally:
                        self.lower_down()
                for n in self.burst_children:
                    self.lower_up()
                    try:
                        self.bc_children(impl, kind, n)
                        before = self.children_stats()
                        low0 = link_stat(None, LOWER, RX_DROPPED)
                        self.bc_run(self.burst, 0)
                        # vmux counts every copy a child did not get on
                        # that child (the kernel: on the lower only).
                        after = self.children_settled(
                            accounted=(before, self.burst) if impl == "vmux" else None)
                        low1 = link_stat(None, LOWER, RX_DROPPED)
                        got = sum(after[d][0] - before[d][0] for d in after)
                        child_drops = sum(after[d][1] - before[d][1] for d in after)
                        lower_drops = low1 - low0
                        lost = self.burst * n - got
                        if impl == "vmux":
                            bad = {d: (v[0] - before[d][0], v[1] - before[d][1])
                                   for d, v in after.items()
                                   if v[0] - before[d][0] + v[1] - before[d][1] != self.burst}
                            if bad:
                                raise BenchError(
                                    f"{label}, {n} children, burst of {self.burst}: received + "
                                    f"dropped on the child is not the burst: "
                                    f"{sorted(bad.items())[:3]}")
                        self.record(f"{label}, burst", impl, 100.0 * lost / (self.burst * n),
                                    kind=kind, children=n, frames=self.burst, lost=lost,
                                    child_drops=child_drops, lower_drops=lower_drops)
                    finally:
                        self.lower_down()

    def idle_spray(self, kind, n):
        """One frame to each of the n idle children by its own key (MAC
        or IPv4 address; pktgen cannot count VLAN ids): each must get
        exactly one, wherever the table's growth moved it."""
        if kind == "vlan" or n == 0:
            return
        last = n - 1
        if kind == "macvlan":
            settings = ["dst_mac 02:00:01:00:00:00", f"dst_mac_count {n}",
                        f"dst_min {PEER4}", f"dst_max {PEER4}"]
        else:
            settings = [f"dst_mac {LOWER_MAC}", "dst_min 10.1.0.0",
                        f"dst_max 10.1.{last >> 8}.{last & 0xff}"]
        settings += [f"src_min {PEER4}", f"src_max {PEER4}", "xmit_mode netif_receive",
                     f"src_mac {PEER_MAC}"]
        before = self.children_stats()
        Pktgen(None).run(LOWER, n, settings)
        after = self.children_stats()
        bad = sorted((d, after[d][0] - before[d][0]) for d in after
                     if after[d][0] - before[d][0] != 1)
        if bad:
            raise BenchError(f"one frame to each of {n} idle {kind} children: "
                             f"{len(bad)} got another count, e.g. {bad[:3]}")

    def control(self):
        """Guest time to create then delete N children in one batch each."""
        for kind, n in self.cp_counts:
            for impl in ("kernel", "vmux"):
                self.lower_up()
                try:
                    adds, dels = [], []
                    for i in range(n):
                        args = (self.kind_args("vlan", vid=1 + i) if kind == "vlan"
                                else self.kind_args(kind, "bridge"))
                        adds.append(" ".join(["link", "add", "link", LOWER, "name", f"c{i}", *args]))
                        dels.append(f"link del c{i}")
                    t0 = time.monotonic_ns()
                    run(tool(impl), "-batch", "-", stdin="\n".join(adds) + "\n")
                    t1 = time.monotonic_ns()
                    run(tool(impl), "-batch", "-", stdin="\n".join(dels) + "\n")
                    t2 = time.monotonic_ns()
                    left = sum(1 for name in links(None) if re.fullmatch(r"c\d+", name))
                    if left:
                        raise BenchError(f"{left} of {n} {kind} children left after the deletes")
                    per = (t2 - t0) / n
                    self.record(f"control {kind} x{n}", impl, per, kind=kind, children=n,
                                create=(t1 - t0) / n, delete=(t2 - t1) / n,
                                tool=os.path.basename(tool(impl)) + " -batch")
                finally:
                    self.lower_down()


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", required=True, help="the JSON file to write")
    ap.add_argument("--smoke", action="store_true",
                    help="few packets, one trial, small counts: the same checks, for make check")
    ap.add_argument("--count", type=int, help="packets per run (200000; 1000 with --smoke)")
    ap.add_argument("--trials", type=int, help="runs per scenario, the median kept (3; 1 with --smoke)")
    ap.add_argument("--only", default="unicast,three,idle,broadcast,control",
                    help="comma-separated groups: unicast, three, idle, broadcast, control")
    ap.add_argument("--trace", metavar="FUNCS",
                    help="after measuring a scenario --trace-match selects, run it once more "
                         "under function_graph from these functions (comma-separated) and print "
                         "instructions per call of what they call")
    ap.add_argument("--trace-match", default=".", metavar="REGEX",
                    help="the scenarios --trace applies to (a regex on their names)")
    ap.add_argument("--trace-depth", type=int, default=3, help="function_graph depth (3)")
    ap.add_argument("--trace-top", type=int, default=40,
                    help="how many functions to print, by total instructions (40)")
    a = ap.parse_args()

    groups = a.only.split(",")
    known = ("unicast", "three", "idle", "broadcast", "control")
    for g in groups:
        if g not in known:
            ap.error(f"--only: unknown group '{g}' (one of {', '.join(known)})")
    # pktgen takes a count of 0 as "forever".
    for opt, v in (("--count", a.count), ("--trials", a.trials), ("--trace-depth", a.trace_depth),
                   ("--trace-top", a.trace_top)):
        if v is not None and v < 1:
            ap.error(f"{opt}: {v} is not a positive number")
    count = a.count or (1000 if a.smoke else 200000)
    trials = a.trials or (1 if a.smoke else 3)
    # 40 in the smoke run: past two of the MAC table's resizes (16, 32).
    scale = [40] if a.smoke else [64, 1024, 4096]
    cp = [("vlan", 8), ("macvlan", 8)] if a.smoke else [("vlan", 4094), ("macvlan", 1000)]
    icount = os.environ.get("VMUX_VM_ICOUNT") == "1"
    # "ip -batch" keeps every "netns NAME" it opened (iproute2 6.1): 4,096
    # children need more than the default 1,024 descriptors.
    _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    b = Bench(count, trials, scale, cp, smoke=a.smoke, icount=icount)
    if a.trace:
        b.trace = Trace(a.trace.split(","), a.trace_depth, a.trace_top)
        b.trace_match = a.trace_match
    started = time.monotonic()
    try:
        b.boot()
        for group in groups:
            getattr(b, group)()
    except BenchError as e:
        print(f"bench: FAIL: {e}", file=sys.stderr)
        return 1
    finally:
        try:
            b.finish()
        except BenchError as e:
            print(f"bench: FAIL: cleaning up: {e}", file=sys.stderr)
            return 1
    doc = dict(kernel=platform.release(), count=count, trials=trials, icount=icount,
               smoke=a.smoke, rows=b.rows)
    with open(a.out + ".tmp", "w") as f:
        json.dump(doc, f, indent=1)
        f.write("\n")
    os.replace(a.out + ".tmp", a.out)
    print(f"bench: {len(b.rows)} rows in {time.monotonic() - started:.0f} s of guest time -> {a.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
