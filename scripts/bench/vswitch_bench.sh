#!/bin/bash
# vswitch on ONE PMD core, on the same cases, pcaps, vdevs, core layout,
# counters and CSV as the OVS-DPDK baseline and the testpmd ceiling of
# ../shared/bench (whose lib.sh and gen_pcap.py are used, not copied).
#
#   p2p_rule_<N>flows_<S>B    a = net_pcap rx_pcap=FILE,infinite_rx=1 -> b = net_null no-rx=1,
#                             one rule "in_port=a,actions=output:b" (bridge flows: in switch.yaml)
#   p2p_normal_<N>flows_<S>B  same ports, the default bridge (L2 learning; the dst MACs are never
#                             learned, so every frame is unknown unicast flooded to b)
#   p2p_vlan_<N>flows_<S>B    NORMAL with VLANs: a is an access port of VLAN 100, b a trunk of
#                             [100], so every frame gets a tag pushed on its way out
#                             (P2P_MODES="... vlan")
#   p2p_dstrules_<N>flows_<S>B  N rules "dl_dst=<flow i's dst MAC>,actions=output:b", one per
#                             flow (the classifier and its exact-match cache;
#                             P2P_MODES="... dstrules")
#                             The shared OVS script has neither: scripts/bench/ovs_extra.sh.
#   vhost_loop_rule_1flow_64B two vhost-user ports (vswitchd is the server); testpmd with two
#                             net_virtio_user ports on AUX_CORE, io fwd, "start tx_first 16";
#                             rules in_port=vh0->vh1 and vh1->vh0 (vhost_loop_normal_... when
#                             this vswitchd has no flow rules yet)
#
# Every case gets its own vswitchd (config written here, pool sized for its pcap), started
# and stopped by PID; vswitchd runs EAL --in-memory, so it leaves no hugepage files.
#
# Usage: sudo scripts/bench/vswitch_bench.sh [p2p] [vhost]      (default: both)
# Env:   RUNS=3 WINDOW=10 WARMUP=4 FWD_CORE=1 AUX_CORE=0 ROUND_BASE=0 TX_FIRST_BURSTS=16
#        P2P_SETS="1:64 1000:64 100000:64 1:1518"  P2P_MODES="rule normal" (also: vlan dstrules)
#        WARMUP_SLOW=12 (NORMAL with >= 10k flows, as the OVS script)
#        OUTDIR=/tmp/bench-results/vswitch-<ts>   BUILD_DIR=<repo>/build
#        VS_VSWITCHD=$BUILD_DIR/control/vswitchd VS_VSCTL=$BUILD_DIR/control/vsctl
#        SHARED_BENCH=<repo>/../shared/bench
#        PERF=1: perf record (cpu-clock) the PMD thread during each window ->
#        OUTDIR/perf_<case>_run<N>.txt (top symbols); PERF_KEEP=1 keeps perf.data there too
#        (perf annotate -i OUTDIR/perf_<case>_run<N>.data SYMBOL)
set -u
REPO=$(cd "$(dirname "$0")/../.." && pwd)
SHARED_BENCH=${SHARED_BENCH:-$(cd "$REPO/../shared/bench" 2>/dev/null && pwd)}
if [ -z "$SHARED_BENCH" ] || [ ! -f "$SHARED_BENCH/lib.sh" ] || [ ! -f "$SHARED_BENCH/gen_pcap.py" ]; then
    echo "vswitch_bench.sh: shared bench scripts not found (expected lib.sh and gen_pcap.py in" \
         "${SHARED_BENCH:-$REPO/../shared/bench}; set SHARED_BENCH=DIR)" >&2
    exit 1
fi
. "$SHARED_BENCH/lib.sh"     # RUNS WINDOW WARMUP FWD_CORE AUX_CORE, tp_*, thread_tid, sched_ns, share_of, summarize

GROUPS_=${*:-p2p vhost}
P2P_SETS=${P2P_SETS:-"1:64 1000:64 100000:64 1:1518"}
P2P_MODES=${P2P_MODES:-"rule normal"}
WARMUP_SLOW=${WARMUP_SLOW:-12}
BUILD_DIR=${BUILD_DIR:-$REPO/build}
VS_VSWITCHD=${VS_VSWITCHD:-$BUILD_DIR/control/vswitchd}
VS_VSCTL=${VS_VSCTL:-$BUILD_DIR/control/vsctl}
OUTDIR=${OUTDIR:-${TMPDIR:-/tmp}/bench-results/vswitch-$(date +%Y%m%d-%H%M%S)}

[ "$(id -u)" = 0 ] || { echo "run as root" >&2; exit 1; }
[ -x "$VS_VSWITCHD" ] && [ -x "$VS_VSCTL" ] ||
    { echo "vswitchd/vsctl not found in $BUILD_DIR (ninja -C build, or set VS_VSWITCHD= VS_VSCTL=)" >&2; exit 1; }
command -v "$TESTPMD" >/dev/null || { echo "dpdk-testpmd missing (apt-get install dpdk)" >&2; exit 1; }

WORK=$(mktemp -d /tmp/vsbench.XXXXXX)
mkdir -p "$OUTDIR"
CSV=$OUTDIR/results.csv
[ -s "$CSV" ] || echo "case,run,mpps,cycles_per_pkt,cpu_share,detail" > "$CSV"
SOCK=$WORK/vswitchd.sock
VSD_PID=

vs() { "$VS_VSCTL" --socket "$SOCK" --timeout 20 "$@"; }

vsd_stop() {
    [ -n "$VSD_PID" ] || return 0
    stop_pid "$VSD_PID" 15          # SIGTERM: PMDs stop, ports close, EAL cleanup
    wait "$VSD_PID" 2>/dev/null
    VSD_PID=
}

cleanup() {
    set +e
    for n in "${!TP_PID[@]}"; do tp_stop "$n"; done
    vsd_stop
    wait 2>/dev/null
    rm -rf "$WORK"
    log "cleaned up ($OUTDIR)"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Flow rules in switch.yaml are a recent feature: probe this binary once.
FLOWS_OK=0
cat > "$WORK/probe.yaml" <<EOF
bridges:
  - name: br0
    flows: ["in_port=a,actions=output:b"]
    ports:
      - {name: a, type: dpdk, devargs: "net_null0"}
      - {name: b, type: dpdk, devargs: "net_null1"}
EOF
if probe=$("$VS_VSWITCHD" --check-config "$WORK/probe.yaml" 2>&1); then
    FLOWS_OK=1
else
    FLOWS_WHY="this vswitchd does not accept flow rules in switch.yaml ($(echo "$probe" | head -1 | sed 's/^.*yaml:[0-9]*:[0-9]*: //; s/ (expected.*//'))"
    log "SKIPPING rule cases: $FLOWS_WHY"
fi

PCAPDIR=$WORK/pcap; mkdir -p "$PCAPDIR"
pcap_for() {  # pcap_for FLOWS SIZE -> path (generated once per invocation)
    local f=$PCAPDIR/flows$1_$2.pcap
    [ -f "$f" ] || python3 "$SHARED_BENCH/gen_pcap.py" "$f" --flows "$1" --frame-size "$2" >&2
    echo "$f"
}

# vsd_start NAME CONFIG: start vswitchd in the foreground of a background job,
# wait until its control socket answers.
vsd_start() {
    local name=$1 cfg=$2 i
    rm -f "$SOCK"
    "$VS_VSWITCHD" --config "$cfg" > "$WORK/$name.log" 2>&1 &
    VSD_PID=$!
    for ((i = 0; i < 600; i++)); do
        kill -0 "$VSD_PID" 2>/dev/null || { log "vswitchd ($name) died:"; tail -20 "$WORK/$name.log" >&2; VSD_PID=; return 1; }
        [ -S "$SOCK" ] && vs version >/dev/null 2>&1 && return 0
        sleep 0.1
    done
    log "vswitchd ($name): no control socket after 60 s"; tail -20 "$WORK/$name.log" >&2
    return 1
}

# JSON field extraction without jq (python3 is needed by gen_pcap.py anyway).
jpy() { python3 -c "import json, sys; d = json.load(sys.stdin); $1"; }
tx_sum() {  # tx_sum PORT... -> sum of their tx_packets
    vs --json port-stats | python3 -c '
import json, sys
print(sum(p["tx_packets"] for p in json.load(sys.stdin)["ports"] if p["name"] in sys.argv[1:]))' "$@"
}

# measure CASE RUN "TXPORTS" WARMUP_S PATH
#   Mpps    = delta of the tx_packets of TXPORTS over the window (port-stats)
#   cyc/pkt = busy_cycles / packets of the PMD since pmd-stats-clear at window start
#   share   = PMD thread's on-CPU time / window (schedstat)
measure() {
    local case=$1 r=$2 txports=$3 wu=$4 path=$5 tid t0 t1 c0 c1 s0 s1 share mpps st det cpp
    sleep "$wu"
    tid=$(thread_tid "$VSD_PID" rte-worker) || { log "no PMD thread (rte-worker-*) in pid $VSD_PID"; tid=0; }
    vs pmd-stats-clear >/dev/null
    s0=$(sched_ns "$VSD_PID" "$tid"); t0=$(now)
    c0=$(tx_sum $txports)
    if [ "${PERF:-0}" = 1 ] && [ "$tid" != 0 ]; then
        # Where the PMD's time goes (software clock sampling: works without PMU in a VM).
        perf record -q -e cpu-clock -F 999 -t "$tid" -o "$WORK/perf.data" -- sleep "$WINDOW" >/dev/null 2>&1
    else
        sleep "$WINDOW"
    fi
    c1=$(tx_sum $txports)
    s1=$(sched_ns "$VSD_PID" "$tid"); t1=$(now)
    st=$(vs --json pmd-stats)
    share=$(share_of "$s0" "$s1" "$t0" "$t1")
    mpps=$(awk -v a="$c0" -v b="$c1" -v x="$t0" -v y="$t1" 'BEGIN { if (a != "" && b != "") printf "%.4f", (b - a) / (y - x) / 1e6 }')
    # Detail: forwarding path, MACs learned, drops by reason, PMD idle share.
    det=$( { echo "$st"; echo "@@"; vs --json port-stats; echo "@@"; vs --json show; echo "@@";
             vs --json dump-flows br0 2>/dev/null; } | python3 -c '
import json, sys
parts = sys.stdin.read().split("@@")
def load(s):
    try: return json.loads(s)
    except ValueError: return {}
st, ps, sh, fl = (load(p) for p in parts)
pmd = (st.get("pmds") or [{}])[0]
busy, idle = pmd.get("busy_cycles", 0), pmd.get("idle_cycles", 0)
drops = {}
for p in ps.get("ports", []):
    for k, v in p.get("drops", {}).items():
        if v: drops[k] = drops.get(k, 0) + v
macs = sum(b.get("mac_count", 0) for b in sh.get("bridges", []))
out = ["path=" + sys.argv[1], "macs=%d" % macs]
rules = fl.get("flows") or []
if 0 < len(rules) <= 4:
    out.append("rules=%d rule_pkts=%s" % (fl.get("n_rules", 0),
               "/".join(str(f.get("n_packets")) for f in rules)))
elif rules:
    out.append("rules=%d rules_hit=%d rule_pkts=%d" % (fl.get("n_rules", 0),
               sum(1 for f in rules if f.get("n_packets")),
               sum(f.get("n_packets", 0) for f in rules)))
out.append("drops=" + ("none" if not drops else
           " ".join("%s:%d" % kv for kv in sorted(drops.items()))))
out.append("learn_dropped=%d" % pmd.get("learn_dropped", 0))
out.append("idle=%.2f%%" % (100.0 * idle / (busy + idle) if busy + idle else 0))
print(" ".join(out))' "$path" | tr ',' ';')
    cpp=$(echo "$st" | jpy 'p = d["pmds"][0]; print("%.1f" % (p["busy_cycles"] / p["packets"]) if p["packets"] else "")')
    { echo "### $case run $r (pmd cpu share $share)"; echo "$st"; vs port-stats; } >> "$OUTDIR/pmd-stats.txt"
    echo "$case,$r,$mpps,$cpp,$share,$det" | tee -a "$CSV"
    if [ -s "$WORK/perf.data" ]; then
        { echo "# $case run $r: PMD thread samples (cpu-clock) by object, then the top symbols"
          perf report -i "$WORK/perf.data" --stdio --no-children --sort dso -g none 2>/dev/null | grep -v '^#' | grep -v '^$'
          perf report -i "$WORK/perf.data" --stdio --no-children --sort dso,sym -g none 2>/dev/null |
            grep -v '^#' | grep -v '^$' | head -40; } > "$OUTDIR/perf_${case}_run$r.txt"
        if [ "${PERF_KEEP:-0}" = 1 ]; then
            mv "$WORK/perf.data" "$OUTDIR/perf_${case}_run$r.data"
        fi
        rm -f "$WORK/perf.data"
    fi
}

skip_case() {  # skip_case CASE RUN WHY
    log "skip $1: $3"
    echo "$1,$2,,,,skipped: $3" | tee -a "$CSV"
}

p2p_config() {  # p2p_config FILE PCAP MBUFS MODE FLOWS
    local flows="" vlan_a="" vlan_b=""
    case $4 in
        rule) flows='    flows: ["in_port=a,actions=output:b"]' ;;
        dstrules) flows=$(echo "    flows:"; python3 "$REPO/scripts/bench/dst_rules.py" "$5" b |
                          sed 's/.*/      - "&"/') ;;
        vlan) vlan_a=', vlan: {tag: 100}'; vlan_b=', vlan: {trunks: [100]}' ;;
    esac
    cat > "$1" <<EOF
# vswitch_bench.sh: $4, $(basename "$2")
dpdk:
  mbufs: $3
pmd: {cores: [$FWD_CORE], control_core: $AUX_CORE}
control: {socket: $SOCK}
bridges:
  - name: br0
$flows
    ports:
      - {name: a, type: dpdk, devargs: "net_pcap0,rx_pcap=$2,infinite_rx=1"$vlan_a}
      - {name: b, type: dpdk, devargs: "net_null0,no-rx=1"$vlan_b}
EOF
}

run_p2p_round() {
    local r=$1 set fl sz pcap npk mb mode case wu cfg
    for set in $P2P_SETS; do
        fl=${set%%:*}; sz=${set##*:}
        pcap=$(pcap_for "$fl" "$sz")
        npk=$(( ($(stat -c %s "$pcap") - 24) / (16 + sz - 4) ))
        # net_pcap infinite_rx keeps the whole file in mbufs of the rx pool: the
        # same headroom as the testpmd ceiling (packets + 32768).
        mb=$((npk + 32768))
        for mode in $P2P_MODES; do
            case=p2p_${mode}_${fl}flows_${sz}B
            case $mode in
                rule|dstrules) [ "$FLOWS_OK" = 0 ] && { skip_case "$case" "$r" "$FLOWS_WHY"; continue; } ;;
                normal|vlan) ;;
                *) log "unknown P2P mode '$mode' (rule normal vlan dstrules)"; continue ;;
            esac
            cfg=$WORK/$case.yaml
            p2p_config "$cfg" "$pcap" "$mb" "$mode" "$fl"
            if ! vsd_start "$case" "$cfg"; then
                echo "$case,$r,,,,vswitchd start failed" | tee -a "$CSV"
            else
                wu=$WARMUP; [ "$mode" != rule ] && [ "$fl" -ge 10000 ] && wu=$WARMUP_SLOW
                measure "$case" "$r" b "$wu" "$mode"
            fi
            vsd_stop
            cp -f "$WORK/$case.log" "$OUTDIR/vswitchd_${case}_run$r.log" 2>/dev/null
        done
    done
}

run_vhost_round() {
    local r=$1 tp=tg mode=rule flows case cfg
    if [ "$FLOWS_OK" = 1 ]; then
        flows='    flows: ["in_port=vh0,actions=output:vh1", "in_port=vh1,actions=output:vh0"]'
    else
        mode=normal; flows=""
        log "vhost loop in NORMAL mode: $FLOWS_WHY"
    fi
    case=vhost_loop_${mode}_1flow_64B
    cfg=$WORK/$case.yaml
    rm -f "$WORK"/vh0.sock "$WORK"/vh1.sock
    cat > "$cfg" <<EOF
# vswitch_bench.sh: vhost loop, $mode
pmd: {cores: [$FWD_CORE], control_core: $AUX_CORE}
control: {socket: $SOCK}
bridges:
  - name: br0
$flows
    ports:
      - {name: vh0, type: vhost-user, path: $WORK/vh0.sock}
      - {name: vh1, type: vhost-user, path: $WORK/vh1.sock}
EOF
    if ! vsd_start "$case" "$cfg"; then
        echo "$case,$r,,,,vswitchd start failed" | tee -a "$CSV"
        cp -f "$WORK/$case.log" "$OUTDIR/vswitchd_${case}_run$r.log" 2>/dev/null
        return
    fi
    # Traffic side exactly as ovs_baseline.sh: testpmd, two virtio-user ports on
    # the AUX core, io fwd, seeded with "start tx_first N" so packets loop
    # testpmd -> vswitch -> testpmd forever.
    TP_PREFIX[$tp]=vsbench_tg$$
    tp_start $tp --lcores "0@$AUX_CORE,1@$AUX_CORE" --main-lcore 0 --no-pci \
        --file-prefix="${TP_PREFIX[$tp]}" --single-file-segments -m 256 \
        --vdev "net_virtio_user0,path=$WORK/vh0.sock,queue_size=1024" \
        --vdev "net_virtio_user1,path=$WORK/vh1.sock,queue_size=1024" \
        -- -i --forward-mode=io --nb-cores=1 --total-num-mbufs=16384 --rxd=1024 --txd=1024
    if tp_wait_prompt $tp 60; then
        sleep 1
        tp_cmd $tp "start tx_first ${TX_FIRST_BURSTS:-16}"
        measure "$case" "$r" "vh0 vh1" "$WARMUP" "$mode"
    else
        echo "$case,$r,,,,testpmd failed" | tee -a "$CSV"
    fi
    cp -f "${TP_LOG[$tp]}" "$OUTDIR/testpmd_tg_vhost_run$r.log"
    tp_stop $tp
    vsd_stop
    cp -f "$WORK/$case.log" "$OUTDIR/vswitchd_${case}_run$r.log" 2>/dev/null
}

[ -s "$OUTDIR/config.txt" ] ||     # first round only: what was measured
{ echo "# vswitchd $("$VS_VSWITCHD" --version 2>&1 | head -1): $VS_VSWITCHD, built $(date -r "$VS_VSWITCHD" '+%F %T'), md5 $(md5sum < "$VS_VSWITCHD" | cut -c1-12); repo at $(git -C "$REPO" describe --always --dirty 2>/dev/null) when the run started"
  echo "# flow rules: $([ "$FLOWS_OK" = 1 ] && echo yes || echo "no: $FLOWS_WHY")"
  echo "# dpdk $(dpkg-query -W -f '${Version}' dpdk 2>/dev/null), FWD_CORE=$FWD_CORE AUX_CORE=$AUX_CORE WINDOW=$WINDOW WARMUP=$WARMUP"; } > "$OUTDIR/config.txt"
for ((r = ${ROUND_BASE:-0} + 1; r <= ${ROUND_BASE:-0} + RUNS; r++)); do
    log "round $r"
    for g in $GROUPS_; do
        case $g in
            p2p) run_p2p_round "$r" ;;
            vhost) run_vhost_round "$r" ;;
            *) log "unknown group $g" ;;
        esac
    done
done
echo
echo "== vswitch $("$VS_VSWITCHD" --version 2>&1 | head -1), 1 PMD core (core $FWD_CORE), ${WINDOW}s windows =="
# (cases skipped on purpose are listed, not shown as FAILED)
grep -v ',skipped: ' "$CSV" > "$WORK/measured.csv"
{ summarize "$WORK/measured.csv"
  grep ',skipped: ' "$CSV" | cut -d, -f1,6- | sort -u | sed 's/,skipped: / skipped: /; s/^/# /'; } | tee "$OUTDIR/summary.txt"
