#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""The table, the charts and Documentation/performance.rst from bench/guest.py's JSON.

Every target is a ratio between vmux and the in-kernel driver (or vmux
alone) measured in the same boot; a row is PASS or MISS against it:

  rx/tx unicast, and the lower's own traffic with a child present:
      vmux <= 1.00 x the in-kernel driver (with the same raw lower, the
      same as "added cost over the raw lower no larger than the kernel's")
  idle children: vmux's cost at the largest count <= 1.01 x at one child
  all three kinds on one lower: each kind <= 1.02 x that kind alone
  broadcast, paced: vmux's busy time per child delivery <= 1.00 x the
      kernel's (both less the bare lower's)
  broadcast, an unpaced burst at default settings: every lost delivery
      counted on the child it was for (the kernel counts them only on the
      lower); the loss itself is reported
  control plane: vmux -batch <= 1.00 x ip -batch, per child

Exit status: 0, or 1 when a row MISSes (unless --no-gate), 2 on bad input.
"""

import argparse
import json
import os
import re
import sys

UNICAST_TARGET = 1.00
IDLE_TARGET = 1.01
THREE_TARGET = 1.02
CONTROL_TARGET = 1.00
BROADCAST_TARGET = 1.00


def load(paths):
    docs = []
    for p in paths:
        try:
            with open(p) as f:
                doc = json.load(f)
            doc["rows"]
        except KeyError:
            print(f"report: {p}: no \"rows\": not bench/guest.py's output", file=sys.stderr)
            sys.exit(2)
        except (OSError, ValueError) as e:
            print(f"report: {p}: {e}", file=sys.stderr)
            sys.exit(2)
        docs.append(doc)
    return docs


def by(rows, scenario, impl, children=None):
    for r in rows:
        if r["scenario"] == scenario and r["impl"] == impl and r.get("children") == children:
            return r
    return None


def verdicts(doc):
    """Rows of the table: dict(scenario, kernel, vmux, ratio, target, ok, note)."""
    rows, out = doc["rows"], []
    raw_rx = by(rows, "rx lower", "raw")
    raw_tx = by(rows, "tx lower", "raw")
    for r in rows:
        if r["impl"] != "vmux":
            continue
        s = r["scenario"]
        n = r.get("children")
        if s.startswith("control "):
            k = by(rows, s, "kernel", n)
            if k:
                out.append(dict(scenario=f"{s} ({r['tool']} vs {k['tool']}), per child",
                                kernel=k["ipp"], vmux=r["ipp"], ratio=r["ipp"] / k["ipp"],
                                target=CONTROL_TARGET, unit="instructions"))
        elif s.endswith(", children"):
            if n == min(x.get("children") or 0 for x in rows if x["scenario"] == s):
                continue
            base = min((x for x in rows if x["scenario"] == s and x["impl"] == "vmux"),
                       key=lambda x: x["children"])
            k = by(rows, s, "kernel", n)
            kb = by(rows, s, "kernel", base["children"])
            out.append(dict(scenario=f"{s[:-len(', children')]}, {n} children vs {base['children']}",
                            kernel=k["ipp"] / kb["ipp"] if k and kb else None,
                            vmux=r["ipp"] / base["ipp"], ratio=r["ipp"] / base["ipp"],
                            target=IDLE_TARGET, unit="growth",
                            note=f"vmux {r['ipp']:.0f}, in-kernel {k['ipp']:.0f}" if k else ""))
        elif s.endswith(", per delivery"):
            k = by(rows, s, "kernel", n)
            if k:
                out.append(dict(scenario=f"{s[:-len(', per delivery')]}, {n} children, per delivery",
                                kernel=k["ipp"], vmux=r["ipp"], ratio=r["ipp"] / k["ipp"],
                                target=BROADCAST_TARGET, unit="instructions",
                                note=f"per frame: in-kernel {k['frame']:,.0f}, vmux {r['frame']:,.0f}"))
        elif s.endswith(", burst"):
            k = by(rows, s, "kernel", n)
            lost = r["lost"]
            # Not a ratio: 1.0 when every lost delivery is on its child's
            # counter, else above the target.
            counted = r["child_drops"] == lost
            note = (f"{r['frames']:,} frames: lost vmux {r['ipp']:.0f}% "
                    f"(children count {r['child_drops']:,}, the lower {r['lower_drops']:,})")
            if k:
                note += (f", in-kernel {k['ipp']:.0f}% (children count {k['child_drops']:,}, "
                         f"the lower {k['lower_drops']:,})")
            out.append(dict(scenario=f"{s[:-len(', burst')]}, {n} children, burst: drops on the child",
                            kernel=None, vmux=None, ratio=1.0 if counted else 2.0, target=1.0,
                            unit="flag", note=note))
        elif s.endswith(", all three kinds"):
            alone = s[:-len(", all three kinds")]
            a = by(rows, alone, "vmux")
            if a:
                out.append(dict(scenario=f"{s} vs alone", kernel=None, vmux=r["ipp"],
                                ratio=r["ipp"] / a["ipp"], target=THREE_TARGET,
                                unit="instructions", note=f"alone {a['ipp']:.0f}"))
        else:
            k = by(rows, s, "kernel")
            if not k:
                continue
            raw = raw_rx if s.startswith("rx") else raw_tx
            note = ""
            if raw:
                note = f"added over the raw lower: in-kernel {k['ipp'] - raw['ipp']:+.0f}, vmux {r['ipp'] - raw['ipp']:+.0f}"
            out.append(dict(scenario=s, kernel=k["ipp"], vmux=r["ipp"], ratio=r["ipp"] / k["ipp"],
                            target=UNICAST_TARGET, unit="instructions", note=note))
    for v in out:
        v["ok"] = v["ratio"] <= v["target"] + 1e-9
    return out


def fmt(x, unit):
    if x is None:
        return "-"
    if unit == "growth":
        return f"{x:.4f}"
    if unit == "flag":
        return "-"
    return f"{x:,.0f}" if x >= 100 else f"{x:.1f}"


def runs(doc):
    n = doc["trials"]
    return "one run per scenario" if n == 1 else f"the median of {n} runs"


def ratio_str(x):
    if x["unit"] == "flag":
        return "all counted" if x["ok"] else "not counted"
    return f"{x['ratio']:.3f}"


def target_str(x):
    return "all counted" if x["unit"] == "flag" else f"<= {x['target']:.2f}"


def markdown(docs):
    lines = []
    for doc in docs:
        v = verdicts(doc)
        misses = sum(not x["ok"] for x in v)
        lines += [f"### {doc['kernel']}: {len(v) - misses} PASS, {misses} MISS",
                  "",
                  f"{doc['count']:,} packets per run, {runs(doc)}; "
                  + ("instructions (-icount)" if doc.get("icount") else
                     "**no -icount: wall-clock nanoseconds, not comparable**"),
                  "",
                  "| scenario | in-kernel | vmux | ratio | target | result | note |",
                  "|---|---:|---:|---:|---:|---|---|"]
        for x in v:
            lines.append(f"| {x['scenario']} | {fmt(x['kernel'], x['unit'])} | {fmt(x['vmux'], x['unit'])} "
                         f"| {ratio_str(x)} | {target_str(x)} | {'PASS' if x['ok'] else 'MISS'} "
                         f"| {x.get('note', '')} |")
        lines.append("")
    return "\n".join(lines)


def rst_table(docs):
    out = []
    for doc in docs:
        v = verdicts(doc)
        misses = sum(not x["ok"] for x in v)
        title = f"{doc['kernel']}: {len(v) - misses} PASS, {misses} MISS"
        out += [title, "-" * len(title), "",
                f"{doc['count']:,} packets per run, {runs(doc)}, "
                + ("instructions per packet (-icount)." if doc.get("icount") else
                   "wall-clock nanoseconds (no -icount: not comparable)."),
                "",
                ".. list-table::", "   :header-rows: 1", "",
                "   * - scenario", "     - in-kernel", "     - vmux", "     - ratio",
                "     - target", "     - result", "     - note"]
        for x in v:
            out += [f"   * - {x['scenario']}", f"     - {fmt(x['kernel'], x['unit'])}",
                    f"     - {fmt(x['vmux'], x['unit'])}", f"     - {ratio_str(x)}",
                    f"     - {target_str(x)}", f"     - {'PASS' if x['ok'] else 'MISS'}",
                    f"     - {x.get('note', '') or '-'}"]
        out.append("")
    return out


CHARTS = (
    # file stem, scenario suffix, y label, title
    ("children", ", children", "instructions per packet", "receive cost vs children on the lower"),
    ("broadcast", ", per delivery", "instructions per child delivery",
     "broadcast: cost per child delivery vs children"),
)


def charts(docs, outdir):
    """Cost against the number of children, per kind, kernel and chart."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import matplotlib.ticker

    os.makedirs(outdir, exist_ok=True)
    made = []
    for doc in docs:
        for stem, suffix, ylabel, title in CHARTS:
            scen = sorted({r["scenario"] for r in doc["rows"] if r["scenario"].endswith(suffix)})
            if not scen:
                continue
            fig, axes = plt.subplots(1, len(scen), figsize=(4.2 * len(scen), 3.6), squeeze=False)
            for ax, sc in zip(axes[0], scen):
                for impl, style in (("kernel", "o--"), ("vmux", "s-")):
                    pts = sorted((r["children"], r["ipp"]) for r in doc["rows"]
                                 if r["scenario"] == sc and r["impl"] == impl)
                    if pts:
                        ax.plot([p[0] for p in pts], [p[1] for p in pts], style,
                                label="in-kernel" if impl == "kernel" else "vmux")
                ax.set_xscale("log", base=2 if stem == "children" else 10)
                ns = sorted({r["children"] for r in doc["rows"] if r["scenario"] == sc})
                ax.set_xticks(ns)
                ax.xaxis.set_major_formatter(matplotlib.ticker.ScalarFormatter())
                ax.xaxis.set_minor_formatter(matplotlib.ticker.NullFormatter())
                ax.set_title(sc[:-len(suffix)])
                ax.set_xlabel("children on the lower")
                ax.set_ylabel(ylabel)
                if stem == "broadcast":
                    ax.set_ylim(bottom=0)
                ax.grid(True, alpha=0.3)
                ax.legend()
            fig.suptitle(f"{title}, {doc['kernel']}")
            fig.tight_layout()
            name = f"bench-{stem}-{re.sub(r'[^0-9A-Za-z.]+', '-', doc['kernel'])}.png"
            fig.savefig(os.path.join(outdir, name), dpi=90)
            plt.close(fig)
            made.append(name)
    return made


def refresh_rst(path, docs, images, image_dir):
    begin, end = ".. bench-begin", ".. bench-end"
    with open(path) as f:
        text = f.read()
    if begin not in text or end not in text:
        raise SystemExit(f"report: {path} has no '{begin}' ... '{end}' block")
    body = [begin, "", ".. This block is written by bench/report.py (make bench).", ""]
    body += rst_table(docs)
    rel = os.path.relpath(image_dir, os.path.dirname(os.path.abspath(path)))
    for img in images:
        body += [f".. image:: {rel}/{img}", f"   :alt: {img[:-4].replace('-', ' ')}", ""]
    head, rest = text.split(begin, 1)
    tail = rest.split(end, 1)[1]
    with open(path + ".tmp", "w") as f:
        f.write(head + "\n".join(body) + "\n" + end + tail)
    os.replace(path + ".tmp", path)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("json", nargs="+", help="bench/guest.py output, one per kernel")
    ap.add_argument("--md", help="write the markdown table here ('-': stdout)")
    ap.add_argument("--charts", metavar="DIR", help="draw the PNG charts into DIR (matplotlib)")
    ap.add_argument("--rst", help="refresh the bench block of this reStructuredText file")
    ap.add_argument("--no-gate", action="store_true", help="exit 0 even when a row MISSes")
    a = ap.parse_args()

    docs = load(a.json)
    md = markdown(docs)
    if a.md == "-":
        sys.stdout.write(md)
    elif a.md:
        with open(a.md, "w") as f:
            f.write(md)
    images = charts(docs, a.charts) if a.charts else []
    if a.rst:
        refresh_rst(a.rst, docs, images, a.charts or ".")
    misses = sum(not x["ok"] for d in docs for x in verdicts(d))
    print(f"report: {sum(len(verdicts(d)) for d in docs)} rows, {misses} MISS", file=sys.stderr)
    return 1 if misses and not a.no_gate else 0


if __name__ == "__main__":
    sys.exit(main())
