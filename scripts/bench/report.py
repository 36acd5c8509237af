#!/usr/bin/env python3
"""Side-by-side report of one scripts/bench/run.sh output directory.

Reads OUT/{vswitch,ovs,testpmd}/results.csv (columns case,run,mpps,
cycles_per_pkt,cpu_share,detail), prints one table per scenario: Mpps
median/min/max and median cycles/packet for vswitch, OVS-DPDK and testpmd,
the ratios of the medians vswitch/OVS and vswitch/testpmd, and the target
(a share of the testpmd ceiling) met or missed. Writes OUT/summary.txt,
OUT/summary.md (the same table in Markdown) and OUT/bench.png (gnuplot,
else matplotlib, else no plot).

Usage: report.py OUT [--require SWITCH...]
  --require: exit 1 unless every named switch (vswitch, ovs, testpmd)
  produced at least one number and none of its measured cases failed
  (cases skipped on purpose do not count). Missed targets never fail.
"""
import argparse
import csv
import os
import shutil
import statistics
import subprocess
import sys

SWITCHES = [("vswitch", "vswitch"), ("ovs", "OVS-DPDK"), ("testpmd", "testpmd")]

# (scenario, {switch: [case names, first present wins]}, target share of testpmd)
SCENARIOS = [
    ("p2p_rule_1flows_64B", {}, 0.75),
    ("p2p_normal_1flows_64B", {}, None),
    ("p2p_rule_1000flows_64B", {}, 0.75),
    ("p2p_normal_1000flows_64B", {}, 0.65),
    ("p2p_rule_100000flows_64B", {}, None),
    # Like for like: both MAC tables hold the 100k source MACs (OVS' default
    # 2048-entry table never converges; that number is listed below the table).
    ("p2p_normal_100000flows_64B", {"ovs": ["p2p_normal_mac262k_100000flows_64B"]}, 0.60),
    ("p2p_rule_1flows_1518B", {}, 0.90),
    ("p2p_normal_1flows_1518B", {}, 0.90),
    ("vhost_loop_rule_1flow_64B", {"vswitch": ["vhost_loop_rule_1flow_64B",
                                               "vhost_loop_normal_1flow_64B"]}, 0.90),
]


def tp_case(scen):
    """testpmd has no rule/normal: the same topology is io forwarding."""
    if scen.startswith("vhost_loop"):
        return "tp_vhost_loop_io_1flow_64B"
    rest = scen.split("_", 2)[2]          # p2p_<mode>_<rest>
    return "tp_p2p_io_" + rest


def load(path):
    """case -> dict(mpps=[...], cpp=[...], share=[...], failed=n, skipped=why)"""
    cases = {}
    if not os.path.exists(path):
        return None
    with open(path) as fh:
        for r in csv.DictReader(fh):
            c = cases.setdefault(r["case"], {"mpps": [], "cpp": [], "share": [],
                                             "failed": 0, "skipped": None})
            detail = r.get("detail") or ""
            try:
                c["mpps"].append(float(r["mpps"]))
            except (TypeError, ValueError):
                if detail.startswith("skipped"):
                    c["skipped"] = detail
                else:
                    c["failed"] += 1
                continue
            for k, col in (("cpp", "cycles_per_pkt"), ("share", "cpu_share")):
                try:
                    c[k].append(float(r[col]))
                except (TypeError, ValueError, KeyError):
                    pass
    return cases


def stats(c):
    if not c or not c["mpps"]:
        return None
    m = c["mpps"]
    cc = [a * b for a, b in zip(c["cpp"], c["share"])] if len(c["cpp"]) == len(c["share"]) else []
    return {"med": statistics.median(m), "min": min(m), "max": max(m), "n": len(m),
            "ccpp": statistics.median(cc) if cc else None,
            "cpp": statistics.median(c["cpp"]) if c["cpp"] else float("nan"),
            "share": statistics.median(c["share"]) if c["share"] else float("nan")}


def make_row(data, scen, alias, target):
    row = {"scen": scen, "target": target, "cells": {}, "case": {}}
    for sw, _ in SWITCHES:
        names = alias.get(sw) or ([tp_case(scen)] if sw == "testpmd" else [scen])
        cases = data.get(sw) or {}
        for n in names:
            if n in cases:
                row["case"][sw] = n
                row["cells"][sw] = cases[n]
                break
    return row


def build_rows(data):
    rows = [make_row(data, *s) for s in SCENARIOS]
    # (a testpmd ceiling alone, without a switch measured on it, is no row)
    rows = [r for r in rows if r["cells"].get("vswitch") or r["cells"].get("ovs")]
    # Cases outside the table (p2p_vlan_..., p2p_dstrules_...): no
    # target; testpmd's ceiling is its run on the same pcap.
    known = {r["case"].get("vswitch") for r in rows}
    rows += [make_row(data, name, {}, None)
             for name in sorted(data.get("vswitch") or {}, key=extra_order)
             if name not in known and name.startswith("p2p_")]
    return rows


def extra_order(name):
    """p2p_<mode>_<N>flows_<S>B by mode, then size, then flows."""
    parts = name.split("_")
    try:
        return (parts[1], int(parts[3].rstrip("B")), int(parts[2].replace("flows", "")))
    except (IndexError, ValueError):
        return (name, 0, 0)


def ratio(a, b):
    return a["med"] / b["med"] if a and b and b["med"] > 0 else None


def cpu_ratio(a, b):
    """b's on-CPU cycles/packet over a's: the rate ratio had both had their core alone."""
    if a and b and a.get("ccpp") and b.get("ccpp"):
        return b["ccpp"] / a["ccpp"]
    return None


# Below this median cpu_share the forwarding thread lost its core to another
# process for part of the window: the cell is flagged with '!'.
SHARE_OK = 0.90


def fmt_cell(c):
    s = stats(c)
    if s is None:
        if c and c["skipped"]:
            return "skipped", ""
        return ("FAILED" if c else "-"), ""
    flag = "!" if s["share"] < SHARE_OK else " "
    return "%6.2f (%5.2f-%5.2f)%s" % (s["med"], s["min"], s["max"], flag), "%7.1f" % s["cpp"]


def verdict(row):
    vs, tp = stats(row["cells"].get("vswitch")), stats(row["cells"].get("testpmd"))
    r = ratio(vs, tp)
    if row["target"] is None:
        return "-", "-"
    if r is None:
        return ">= %.2f" % row["target"], "n/a"
    return ">= %.2f" % row["target"], "met" if r >= row["target"] else "MISSED"


def text_table(rows):
    hdr1 = "%-28s | %-22s %7s | %-22s %7s | %-22s %7s | %6s %6s %6s | %-8s %s" % (
        "scenario", "vswitch Mpps med", "cyc/pkt", "OVS-DPDK Mpps med", "cyc/pkt",
        "testpmd Mpps med", "cyc/pkt", "vs/OVS", "vs/tp", "(cpu)", "target", "result")
    hdr2 = "%-28s | %-22s %7s | %-22s %7s | %-22s %7s | %6s %6s %6s |" % (
        "", "  (min-max)", "", "  (min-max)", "", "  (min-max)", "", "", "", "")
    out = [hdr1, hdr2, "-" * len(hdr1)]
    for row in rows:
        cells = []
        for sw, _ in SWITCHES:
            m, c = fmt_cell(row["cells"].get(sw))
            cells += [m, c]
        vs = stats(row["cells"].get("vswitch"))
        r1 = ratio(vs, stats(row["cells"].get("ovs")))
        r2 = ratio(vs, stats(row["cells"].get("testpmd")))
        r3 = cpu_ratio(vs, stats(row["cells"].get("testpmd")))
        tgt, res = verdict(row)
        out.append("%-28s | %-22s %7s | %-22s %7s | %-22s %7s | %6s %6s %6s | %-8s %s" % (
            row["scen"], *cells, "%.2f" % r1 if r1 else "-", "%.2f" % r2 if r2 else "-",
            "%.2f" % r3 if r3 else "-", tgt, res))
    return out


def md_table(rows):
    out = ["| scenario | vswitch Mpps med (min-max) | cyc/pkt | OVS-DPDK Mpps med (min-max) "
           "| cyc/pkt | testpmd Mpps med (min-max) | cyc/pkt | vswitch/OVS | vswitch/testpmd "
           "| (on-CPU cycles) | target | result |",
           "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---|"]
    for row in rows:
        cells = []
        for sw, _ in SWITCHES:
            m, c = fmt_cell(row["cells"].get(sw))
            cells += [" ".join(m.split()), c.strip() or "-"]
        vs = stats(row["cells"].get("vswitch"))
        r1 = ratio(vs, stats(row["cells"].get("ovs")))
        r2 = ratio(vs, stats(row["cells"].get("testpmd")))
        r3 = cpu_ratio(vs, stats(row["cells"].get("testpmd")))
        tgt, res = verdict(row)
        out.append("| `%s` | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |" % (
            row["scen"], *cells, "%.2f" % r1 if r1 else "-", "%.2f" % r2 if r2 else "-",
            "%.2f" % r3 if r3 else "-", tgt.replace(">=", "&ge;"), "**MISSED**" if res == "MISSED" else res))
    return out


def notes(rows, data):
    out = []
    flagged = []
    for row in rows:
        for sw, name in SWITCHES:
            s = stats(row["cells"].get(sw))
            if s and s["share"] < SHARE_OK:
                flagged.append("%s %s %.2f" % (name, row["scen"], s["share"]))
    if flagged:
        out.append("* ! = the forwarding thread had its core less than %d%% of the window "
                   "(median cpu_share; another process ran on core %s), so its Mpps is low; "
                   "'(cpu)' = testpmd/vswitch on-CPU cycles per packet, the ratio had both "
                   "had the core alone: %s" % (100 * SHARE_OK, os.environ.get("FWD_CORE", "1"),
                                               "; ".join(flagged)))
    for row in rows:
        for sw, name in SWITCHES:
            case = row["case"].get(sw)
            if case and case != row["scen"] and sw != "testpmd":
                out.append("* %s %s: measured as %s" % (row["scen"], name, case))
            c = row["cells"].get(sw)
            if c and c["skipped"]:
                out.append("* %s %s: %s" % (row["scen"], name, c["skipped"]))
    ovs = data.get("ovs") or {}
    s = stats(ovs.get("p2p_normal_100000flows_64B"))
    if s:
        out.append("* OVS-DPDK p2p_normal_100000flows_64B with its default 2048-entry MAC "
                   "table: %.2f Mpps (%.2f-%.2f), %.0f cyc/pkt" % (s["med"], s["min"], s["max"],
                                                                  s["cpp"]))
    return out


def plot(rows, out_png, workdir):
    pts = []
    for row in rows:
        v = [stats(row["cells"].get(sw)) for sw, _ in SWITCHES]
        r = ratio(v[0], v[2])
        pts.append((row["scen"].replace("_", " "),
                    [x["med"] if x else 0.0 for x in v], r, row["target"]))
    if not pts:
        return "no data"
    if shutil.which("gnuplot"):
        dat = os.path.join(workdir, "bench_plot.dat")
        ymax = max(max(p[1]) for p in pts) * 1.22 + 0.5
        with open(dat, "w") as fh:
            for i, (name, (a, b, c), r, t) in enumerate(pts):
                lab = ("%.2fx tp" % r if r else "no data") + (
                    ", target %.2f %s" % (t, "met" if r and r >= t else "MISSED") if t else "")
                fh.write('%d "%s" %.4f %.4f %.4f "%s"\n' % (i, name, a, b, c, lab))
        gp = """
set terminal pngcairo size %d,640 font ",10"
set output "%s"
set title "Forwarding rate on one PMD core (medians); label: vswitch / testpmd ceiling (target)"
set ylabel "Mpps"
set yrange [0:%f]
set style fill solid 0.85 border -1
set boxwidth 0.26
set xtics rotate by -25 left nomirror
set grid ytics
set key top right
set bmargin 9
set rmargin 12
plot "%s" using ($1-0.27):3:xtic(2) with boxes lc rgb "#1f77b4" title "vswitch", \\
     "" using 1:4 with boxes lc rgb "#ff7f0e" title "OVS-DPDK 3.1", \\
     "" using ($1+0.27):5 with boxes lc rgb "#7f7f7f" title "testpmd io (ceiling)", \\
     "" using ($1-0.27):($3 + %f):6 with labels rotate by 90 left font ",9" notitle
""" % (max(1400, 90 * len(pts) + 200), out_png, ymax, dat, ymax * 0.01)
        try:
            r = subprocess.run(["gnuplot"], input=gp, text=True, capture_output=True, timeout=60)
            if r.returncode == 0 and os.path.exists(out_png):
                return None
            err = r.stderr.strip().splitlines()[-1:] or ["?"]
            return "gnuplot failed: " + err[0]
        except (OSError, subprocess.SubprocessError) as e:
            return "gnuplot failed: %s" % e
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return "neither gnuplot nor matplotlib installed"
    fig, ax = plt.subplots(figsize=(14, 6.4))
    xs = range(len(pts))
    for k, (lab, col) in enumerate((("vswitch", "#1f77b4"), ("OVS-DPDK 3.1", "#ff7f0e"),
                                    ("testpmd io (ceiling)", "#7f7f7f"))):
        ax.bar([x + (k - 1) * 0.27 for x in xs], [p[1][k] for p in pts], 0.26, label=lab, color=col)
    for x, p in zip(xs, pts):
        if p[2]:
            ax.text(x - 0.27, p[1][0], " %.2fx tp" % p[2], rotation=90, va="bottom", ha="center",
                    fontsize=8)
    ax.set_xticks(list(xs))
    ax.set_xticklabels([p[0] for p in pts], rotation=25, ha="right")
    ax.set_ylabel("Mpps")
    ax.legend()
    fig.tight_layout()
    fig.savefig(out_png)
    return None


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("out")
    ap.add_argument("--require", nargs="*", default=[])
    ap.add_argument("--title", default="")
    a = ap.parse_args()

    data = {sw: load(os.path.join(a.out, sw, "results.csv")) for sw, _ in SWITCHES}
    rows = build_rows(data)
    lines = []
    if a.title:
        lines += [a.title, ""]
    lines += text_table(rows)
    n = notes(rows, data)
    if n:
        lines += [""] + n
    md = md_table(rows) + ([""] + n if n else [])
    err = plot(rows, os.path.join(a.out, "bench.png"), a.out)
    lines.append("")
    lines.append("plot: " + (os.path.join(a.out, "bench.png") if err is None else "none (%s)" % err))
    text = "\n".join(lines) + "\n"
    sys.stdout.write(text)
    with open(os.path.join(a.out, "summary.txt"), "w") as fh:
        fh.write(text)
        p = os.path.join(a.out, "load.txt")
        if os.path.exists(p):
            fh.write("\nLoad on the forwarding core from other processes (sampled 2 s before "
                     "each round):\n" + open(p).read())
        for sw, name in SWITCHES:
            p = os.path.join(a.out, sw, "summary.txt")
            if os.path.exists(p):
                fh.write("\n== %s (all cases; cpu_share < 1 = PMD preempted)\n" % name)
                fh.write(open(p).read())
    with open(os.path.join(a.out, "summary.md"), "w") as fh:
        fh.write("\n".join(md) + "\n")

    bad = []
    for sw in a.require:
        cases = data.get(sw)
        if not cases:
            bad.append("%s: no results" % sw)
            continue
        got = [c for c, v in cases.items() if v["mpps"]]
        failed = [c for c, v in cases.items() if not v["mpps"] and not v["skipped"]]
        if not got:
            bad.append("%s: no number at all" % sw)
        elif failed:
            bad.append("%s: no number for %s" % (sw, ", ".join(failed)))
    for b in bad:
        print("report: FAIL: " + b, file=sys.stderr)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
