#!/bin/bash
# vswitch vs OVS-DPDK vs the testpmd ceiling, interleaved round by round, on
# one forwarding core, with the same pcaps, vdevs and counters for all three.
# Our switch: scripts/bench/vswitch_bench.sh; the other two: the shared
# baseline scripts in ../shared/bench (called, not copied).
#
# Usage: sudo scripts/bench/run.sh [--quick|--full] [ROUNDS]
#   --full (default): ROUNDS (5) interleaved rounds of every case, 10 s windows
#                     (~25-40 min on 2 cores).
#   --quick:          1 round, 2 s windows, p2p 1 flow 64 B, rule + normal only
#                     (CI; about a minute). Exits non-zero when any switch gave
#                     no number; never for a missed target.
# Env: OUTDIR (default scripts/bench/results/<timestamp>), RUNS/WINDOW/WARMUP/
#      P2P_SETS/FWD_CORE/AUX_CORE (passed to all three scripts), BUILD_DIR,
#      VS_VSWITCHD/VS_VSCTL (use these binaries and do not build), NO_INSTALL=1
#      (do not apt-get), SKIP_OVS=1, QUIET_WAIT (s to wait before a round for
#      the forwarding core to be <= QUIET_MAX_BUSY % busy with other work;
#      full 180, quick 0), PERF=1 (profile vswitch's PMD, see vswitch_bench.sh),
#      ONLY=p2p, vhost or extra (that group of cases only), VS_EXTRA_MODES
#      (p2p modes the shared scripts lack, run for vswitch by vswitch_bench.sh
#      and for OVS by ovs_extra.sh; full default "vlan dstrules", quick "").
# Output: OUTDIR/{vswitch,ovs,testpmd}/results.csv, per-round logs,
#         summary.txt, summary.md, bench.png.
set -u
REPO=$(cd "$(dirname "$0")/../.." && pwd)
HERE=$REPO/scripts/bench
SHARED_BENCH=$(cd "$REPO/../shared/bench" 2>/dev/null && pwd) || SHARED_BENCH=
log() { printf '[%s] %s\n' "$(date +%T)" "$*" >&2; }
die() { log "run.sh: $*"; exit 1; }

MODE=full
ROUNDS=
for a in "$@"; do
    case $a in
        --quick) MODE=quick ;;
        --full) MODE=full ;;
        -h|--help) sed -n '2,/^set -u/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
        *[!0-9]*|'') die "unknown argument '$a' (usage: run.sh [--quick|--full] [ROUNDS])" ;;
        *) ROUNDS=$a ;;
    esac
done

[ "$(id -u)" = 0 ] || die "run as root (hugepages, DPDK, apt-get)"
[ -n "$SHARED_BENCH" ] && [ -x "$SHARED_BENCH/ovs_baseline.sh" ] && [ -x "$SHARED_BENCH/testpmd_ceiling.sh" ] &&
    [ -f "$SHARED_BENCH/lib.sh" ] ||
    die "the shared baseline scripts are missing: expected $REPO/../shared/bench/{ovs_baseline.sh,testpmd_ceiling.sh,lib.sh,gen_pcap.py}"

if [ "$MODE" = quick ]; then
    ROUNDS=${ROUNDS:-1}
    export WINDOW=${WINDOW:-2} WARMUP=${WARMUP:-1} P2P_SETS=${P2P_SETS:-"1:64"}
    VS_GROUPS="p2p" OVS_GROUPS="p2p" TP_GROUPS="pcap"
    export EXTRA_CASES=${EXTRA_CASES-}
else
    ROUNDS=${ROUNDS:-5}
    export WINDOW=${WINDOW:-10} WARMUP=${WARMUP:-4}
    export P2P_SETS=${P2P_SETS:-"1:64 1000:64 100000:64 1:1518"}
    VS_GROUPS="p2p vhost" OVS_GROUPS="p2p vhost" TP_GROUPS="pcap vhost"
    # The bigger MAC table is OVS' like-for-like 100k-flow NORMAL case; the
    # LOCAL-port flood case has no counterpart in vswitch.
    export EXTRA_CASES=${EXTRA_CASES-normal_bigmac}
fi
# ONLY=p2p, vhost or extra: run one group of cases (e.g. more rounds of the
# vhost loop alone; extra = the VS_EXTRA_MODES cases only).
export P2P_MODES=${P2P_MODES:-"rule normal"}
BASE_MODES=$P2P_MODES   # vswitch's share of them (none with ONLY=extra)
case ${ONLY:-} in
    '') ;;
    p2p) VS_GROUPS="p2p" OVS_GROUPS="p2p" TP_GROUPS="pcap" ;;
    vhost) VS_GROUPS="vhost" OVS_GROUPS="vhost" TP_GROUPS="vhost" ;;
    extra) VS_GROUPS="p2p" OVS_GROUPS="" TP_GROUPS="pcap" BASE_MODES="" ;;
    *) die "ONLY must be p2p, vhost or extra, not '$ONLY'" ;;
esac
# p2p cases the shared scripts have no set-up for (VLAN tagging, one rule
# per destination): vswitch_bench.sh and ovs_extra.sh run them, testpmd's
# ceiling is the same pcap's. VS_EXTRA_MODES="" leaves them out.
if [ "$MODE" = full ]; then VS_EXTRA_MODES=${VS_EXTRA_MODES-"vlan dstrules"}; else VS_EXTRA_MODES=${VS_EXTRA_MODES-}; fi
[[ " $VS_GROUPS " == *" p2p "* ]] || VS_EXTRA_MODES=
[ -n "$BASE_MODES$VS_EXTRA_MODES" ] || die "ONLY=extra with VS_EXTRA_MODES empty: nothing to run"
T_START=$(date +%s)

# ---- packages, hugepages, build ----------------------------------------------
installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "ok installed"; }
apt_install() {   # apt_install PKG...: install, refreshing the package lists only if needed
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "$@" >"$OUT/apt.log" 2>&1 ||
        { DEBIAN_FRONTEND=noninteractive apt-get update -q >>"$OUT/apt.log" 2>&1 &&
          DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "$@" >>"$OUT/apt.log" 2>&1; }
}

OUT=${OUTDIR:-$HERE/results/$(date +%Y%m%d-%H%M%S)}
mkdir -p "$OUT" || die "cannot create $OUT"
OUT=$(cd "$OUT" && pwd)
# The per-switch scripts append to their results.csv: a reused OUTDIR must
# not mix an earlier run's numbers into this one's medians.
rm -rf "$OUT"/vswitch "$OUT"/ovs "$OUT"/testpmd "$OUT"/*_round*.txt "$OUT"/load.txt \
    "$OUT"/summary.txt "$OUT"/summary.md "$OUT"/bench.png "$OUT"/bench_plot.dat
unset OUTDIR

"$REPO/scripts/setup.sh" >"$OUT/setup.log" 2>&1 || { cat "$OUT/setup.log" >&2; die "scripts/setup.sh failed"; }

RUN_OVS=1
[ "${SKIP_OVS:-0}" = 1 ] && { RUN_OVS=0; OVS_WHY="SKIP_OVS=1"; }
want=()
installed dpdk || want+=(dpdk)
installed gnuplot-nox || installed gnuplot || installed gnuplot-qt || installed gnuplot-x11 || want+=(gnuplot-nox)
[ "$RUN_OVS" = 1 ] && ! installed openvswitch-switch-dpdk && want+=(openvswitch-switch-dpdk)
if [ ${#want[@]} -gt 0 ]; then
    if [ "${NO_INSTALL:-0}" = 1 ]; then
        log "NO_INSTALL=1: not installing ${want[*]}"
    else
        log "installing ${want[*]}"
        t0=$(date +%s)
        apt_install "${want[@]}" || log "apt-get failed (see $OUT/apt.log)"
        log "apt-get took $(( $(date +%s) - t0 )) s"
    fi
fi
command -v dpdk-testpmd >/dev/null || die "dpdk-testpmd missing (apt-get install dpdk)"
if [ "$RUN_OVS" = 1 ] && [ ! -x /usr/lib/openvswitch-switch-dpdk/ovs-vswitchd-dpdk ]; then
    [ "$MODE" = quick ] || die "openvswitch-switch-dpdk is not installed (apt-get install openvswitch-switch-dpdk)"
    RUN_OVS=0; OVS_WHY="openvswitch-switch-dpdk is not installed"
fi
[ "$RUN_OVS" = 1 ] || log "SKIPPING OVS-DPDK: $OVS_WHY"

if [ -z "${VS_VSWITCHD:-}" ]; then
    BUILD_DIR=${BUILD_DIR:-$REPO/build}
    if [ ! -f "$BUILD_DIR/build.ninja" ]; then
        meson setup "$BUILD_DIR" "$REPO" >"$OUT/meson-setup.log" 2>&1 ||
            { tail -20 "$OUT/meson-setup.log" >&2; die "meson setup $BUILD_DIR failed"; }
    fi
    ninja -C "$BUILD_DIR" -j"$(nproc)" control/vswitchd control/vsctl >"$OUT/build.log" 2>&1 ||
        { tail -30 "$OUT/build.log" >&2; die "build failed ($OUT/build.log); to bench other binaries set VS_VSWITCHD= VS_VSCTL="; }
    export VS_VSWITCHD=$BUILD_DIR/control/vswitchd VS_VSCTL=$BUILD_DIR/control/vsctl
else
    export VS_VSWITCHD VS_VSCTL=${VS_VSCTL:-$(dirname "$VS_VSWITCHD")/vsctl}
fi
[ -x "$VS_VSWITCHD" ] && [ -x "$VS_VSCTL" ] || die "no vswitchd/vsctl at $VS_VSWITCHD / $VS_VSCTL"
export SHARED_BENCH
unset BUILD_DIR

# ---- interleaved rounds ---------------------------------------------------------
# Each script runs one round (RUNS=1) with ROUND_BASE numbering, so slow drifts
# in the machine's load hit all three switches alike (as shared/bench/run_all.sh).
# This machine is shared: before each round, wait (up to QUIET_WAIT s) until
# other processes leave the forwarding core alone, and record how busy it was.
core_busy() {   # core_busy CPU SECONDS -> % of time CPU was not idle
    local a b
    a=$(awk -v c="cpu$1" '$1 == c {print $2+$3+$4+$7+$8+$9, $5+$6}' /proc/stat)
    sleep "$2"
    b=$(awk -v c="cpu$1" '$1 == c {print $2+$3+$4+$7+$8+$9, $5+$6}' /proc/stat)
    echo "$a $b" | awk '{ d = ($3 - $1) + ($4 - $2); printf "%d\n", (d > 0 ? 100 * ($3 - $1) / d : 0) }'
}
wait_quiet() {
    local t0 busy
    t0=$(date +%s)
    while :; do
        busy=$(core_busy "${FWD_CORE:-1}" 2)
        [ "$busy" -le "$QUIET_MAX_BUSY" ] && break
        [ $(( $(date +%s) - t0 )) -ge "$QUIET_WAIT" ] && break
        sleep 8
    done
    echo "$busy"
}
QUIET_MAX_BUSY=${QUIET_MAX_BUSY:-10}
if [ "$MODE" = quick ]; then QUIET_WAIT=${QUIET_WAIT:-0}; else QUIET_WAIT=${QUIET_WAIT:-180}; fi

log "mode $MODE: $ROUNDS round(s), ${WINDOW}s windows, P2P_SETS=\"$P2P_SETS\", results in $OUT"
for ((i = 0; i < ROUNDS; i++)); do
    busy=$(wait_quiet)
    echo "round $((i+1)): core ${FWD_CORE:-1} was ${busy}% busy with other work just before it" | tee -a "$OUT/load.txt" >&2
    OUTDIR=$OUT/vswitch ROUND_BASE=$i RUNS=1 P2P_MODES="$BASE_MODES $VS_EXTRA_MODES" "$HERE/vswitch_bench.sh" $VS_GROUPS > "$OUT/vswitch_round$((i+1)).txt" 2>&1 ||
        log "vswitch_bench.sh round $((i+1)) exited $? (see $OUT/vswitch_round$((i+1)).txt)"
    if [ "$RUN_OVS" = 1 ] && [ -n "$OVS_GROUPS" ]; then
        # (VSWITCHD means the OVS binary to ovs_baseline.sh)
        env -u VSWITCHD OUTDIR=$OUT/ovs ROUND_BASE=$i RUNS=1 "$SHARED_BENCH/ovs_baseline.sh" $OVS_GROUPS > "$OUT/ovs_round$((i+1)).txt" 2>&1 ||
            log "ovs_baseline.sh round $((i+1)) exited $? (see $OUT/ovs_round$((i+1)).txt)"
    fi
    if [ "$RUN_OVS" = 1 ] && [ -n "$VS_EXTRA_MODES" ]; then
        env -u VSWITCHD OUTDIR=$OUT/ovs ROUND_BASE=$i RUNS=1 EXTRA_MODES="$VS_EXTRA_MODES" "$HERE/ovs_extra.sh" > "$OUT/ovs_extra_round$((i+1)).txt" 2>&1 ||
            log "ovs_extra.sh round $((i+1)) exited $? (see $OUT/ovs_extra_round$((i+1)).txt)"
    fi
    OUTDIR=$OUT/testpmd ROUND_BASE=$i RUNS=1 "$SHARED_BENCH/testpmd_ceiling.sh" $TP_GROUPS > "$OUT/testpmd_round$((i+1)).txt" 2>&1 ||
        log "testpmd_ceiling.sh round $((i+1)) exited $? (see $OUT/testpmd_round$((i+1)).txt)"
    log "round $((i+1))/$ROUNDS done"
done

# ---- report -------------------------------------------------------------------
require="vswitch testpmd"
[ "$RUN_OVS" = 1 ] && require="vswitch ovs testpmd"
title="vswitch $("$VS_VSWITCHD" --version 2>&1 | head -1) vs OVS-DPDK $(dpkg-query -W -f '${Version}' openvswitch-switch-dpdk 2>/dev/null || echo '(not run)') vs dpdk-testpmd $(dpkg-query -W -f '${Version}' dpdk): $MODE, $ROUNDS round(s), ${WINDOW}s windows, 1 forwarding core (core ${FWD_CORE:-1}), $(date +%F)"
python3 "$HERE/report.py" "$OUT" --title "$title" --require $require
rc=$?
[ "$RUN_OVS" = 1 ] || echo "NOTE: OVS-DPDK skipped: $OVS_WHY" | tee -a "$OUT/summary.txt"
log "done in $(( $(date +%s) - T_START )) s: $OUT/summary.txt"
exit $rc
