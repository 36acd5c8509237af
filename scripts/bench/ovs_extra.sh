#!/bin/bash
# OVS-DPDK on the vswitch-only p2p cases of vswitch_bench.sh, so that they
# too are measured side by side: the set-up, counters and CSV of
# ../shared/bench/ovs_baseline.sh, whose functions are loaded from it (its
# main part is cut off), not copied.
#
#   p2p_vlan_<N>flows_<S>B      NORMAL, pA access port of VLAN 100 (tag=100), pB a trunk of
#                               VLAN 100 (trunks=100); with >= 10k flows the MAC table holds
#                               262144 entries (like for like with vswitch's 256k default)
#   p2p_dstrules_<N>flows_<S>B  N OpenFlow rules dl_dst=<flow i's dst MAC>,actions=output:2
#
# Usage: sudo scripts/bench/ovs_extra.sh
# Env:   RUNS WINDOW WARMUP FWD_CORE AUX_CORE ROUND_BASE OUTDIR P2P_SETS as ovs_baseline.sh,
#        EXTRA_MODES="vlan dstrules", SHARED_BENCH=<repo>/../shared/bench
set -u
REPO=$(cd "$(dirname "$0")/../.." && pwd)
SHARED_BENCH=${SHARED_BENCH:-$(cd "$REPO/../shared/bench" 2>/dev/null && pwd)}
base=${SHARED_BENCH:-.}/ovs_baseline.sh
grep -q '^ovs_start || ' "$base" 2>/dev/null ||
    { echo "ovs_extra.sh: $base not found, or its main part is not where expected" >&2; exit 1; }
EXTRA_MODES=${EXTRA_MODES:-"vlan dstrules"}

# Everything of ovs_baseline.sh before its main part: settings, ovs_start,
# measure, set_flows, pcap_for, set_pcap_port, cleanup on exit.
# shellcheck source=/dev/null
. <(sed -e "s|^BENCH_DIR=.*|BENCH_DIR=$SHARED_BENCH|" -e '/^ovs_start || /,$d' "$base")

dstrules_file() {  # dstrules_file FLOWS -> path of an add-flows file
    local f=$WORK/dstrules$1.txt
    [ -f "$f" ] || python3 "$REPO/scripts/bench/dst_rules.py" "$1" 2 > "$f"
    echo "$f"
}

run_extra_round() {
    local r=$1 set fl sz pcap mode wu case
    for set in $P2P_SETS; do
        fl=${set%%:*}; sz=${set##*:}
        pcap=$(pcap_for "$fl" "$sz")
        set_pcap_port "$pcap" || { echo "p2p_extra_${fl}f_${sz}B,$r,,,,port setup failed" | tee -a "$CSV"; continue; }
        for mode in $EXTRA_MODES; do
            case=p2p_${mode}_${fl}flows_${sz}B
            wu=$WARMUP; [ "$fl" -ge 10000 ] && wu=$WARMUP_SLOW
            case $mode in
                vlan)
                    $VS set port pA tag=100 -- set port pB trunks=100
                    [ "$fl" -ge 10000 ] && $VS set bridge br0 other_config:mac-table-size=262144
                    set_flows normal
                    measure "$case" "$r" tx:pB "$wu"
                    $VS clear port pA tag -- clear port pB trunks -- \
                        remove bridge br0 other_config mac-table-size
                    ;;
                dstrules)
                    $OF del-flows br0
                    $OF add-flows br0 "$(dstrules_file "$fl")" || { echo "$case,$r,,,,add-flows failed" | tee -a "$CSV"; continue; }
                    $AP revalidator/purge >/dev/null
                    measure "$case" "$r" tx:pB "$wu"
                    ;;
                *) log "unknown mode $mode (vlan dstrules)" ;;
            esac
        done
    done
    $VS --if-exists del-port br0 pA
}

ovs_start || { log "OVS start failed"; tail -30 "$OVS_LOGDIR/ovs-vswitchd.log" >&2; exit 1; }
for ((r = ${ROUND_BASE:-0} + 1; r <= ${ROUND_BASE:-0} + RUNS; r++)); do
    log "round $r"
    run_extra_round "$r"
done
echo
echo "== OVS-DPDK $($VSWITCHD --version | sed -n 's/.*) //p' | head -1), extra cases, 1 PMD core (core $FWD_CORE), ${WINDOW}s windows =="
summarize "$CSV" | tee "$OUTDIR/summary_extra.txt"
