#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Restarts around running QEMU guests (shared/vmtest/run-guest.sh).
#
#  1. vswitchd restarts under running guests. Two guests ping a namespace
#     (ns, af_xdp port, always answers) 60 times, every 0.5 s:
#       vmc 10.0.0.1 on a vhost-user-client port (QEMU is the server:
#           vswitchd reconnects to it) - the recommended mode;
#       vms 10.0.0.2 on a vhost-user port (QEMU is the client, reconnect=1:
#           QEMU reconnects to the new socket).
#     When both have had 10 replies, vswitchd gets SIGTERM and is started
#     again. Both guests must be attached again and their last 20 pings
#     answered; the pings lost during the restart are reported.
#  2. QEMU restarts under a running vswitchd: the same two guests start again
#     on the same sockets and reach the namespace (a guest is re-attached,
#     in both modes).
set -euo pipefail
. "$(dirname "$0")/lib.sh"
need_tool qemu-system-x86_64 ethtool
[ -x "$RUN_GUEST" ] || skip "$RUN_GUEST not found (set RUN_GUEST)"

LOG=$VH_TMP/vswitchd.log
CFG=$VH_TMP/switch.yaml
SC=$VH_TMP/vmc.sock             # QEMU creates it (--server)
SS=$VH_TMP/vms.sock             # vswitchd creates it
COUNT=60
ns_veth 1 10.0.0.9 52:54:00:00:00:09
write_config "$CFG" <<EOF
bridges:
  - name: br0
    ports:
      - {name: vmc, type: vhost-user-client, path: $SC}
      - {name: vms, type: vhost-user, path: $SS}
      - {name: ns, type: af_xdp, iface: $(host_if 1)}
EOF
start_daemon "$CFG" "$LOG"

PING="wait_peer && ping -c $COUNT -i 0.5 -W 1 \$PEER"
guest vmc --server --sock "$SC" --ip 10.0.0.1/24 --peer 10.0.0.9 --wait 90 --timeout 240 --cmd "$PING"
GC=$GUEST_PID
guest vms --sock "$SS" --ip 10.0.0.2/24 --peer 10.0.0.9 --wait 90 --timeout 240 --cmd "$PING"
GS=$GUEST_PID

# max_seq NAME: the highest ping sequence number answered in NAME's console (-1: none).
max_seq() {
	{ grep -ao 'bytes from 10.0.0.9: seq=[0-9]*' "$VH_TMP/$1.console" 2>/dev/null || true; } |
		sed 's/.*seq=//' | sort -n | tail -1 | grep . || echo -1
}
replied_10() { [ "$(max_seq vmc)" -ge 9 ] && [ "$(max_seq vms)" -ge 9 ]; }
wait_for 120 "both guests have 10 ping replies" replied_10
ok "both guests pinging ns (vmc seq $(max_seq vmc), vms seq $(max_seq vms)) at $(elapsed) s"

# ---- 1. restart vswitchd ------------------------------------------------------
t0=$(date +%s%N)
stop_daemon "$DAEMON_PID"
start_daemon "$CFG" "$LOG"
wait_for 30 "vmc and vms attached again" all_connected vmc vms
t1=$(date +%s%N)
ok "vswitchd restarted; vmc (QEMU server) and vms (QEMU client) attached again $(((t1 - t0) / 1000000)) ms after SIGTERM"

rc_c=0 rc_s=0
guest_wait "$GC" || rc_c=$?
guest_wait "$GS" || rc_s=$?
grep 'run-guest\[' "$VH_TMP/guests.log" | grep -E 'PASS|FAIL|VERDICT' | sed 's/^/    /'
# check_pings NAME RC: exit 0, and each of the last 20 pings answered.
check_pings() {
	local name=$1 rc=$2 seqs missing s
	seqs=$(grep -ao 'bytes from 10.0.0.9: seq=[0-9]*' "$VH_TMP/$name.console" | sed 's/.*seq=//' | sort -nu)
	missing=()
	for ((s = 0; s < COUNT; s++)); do
		grep -qx "$s" <<<"$seqs" || missing+=("$s")
	done
	[ "$rc" = 0 ] || { cat "$VH_TMP/$name.console" >&2; fail "$name: run-guest.sh exit $rc"; }
	for s in "${missing[@]}"; do
		[ "$s" -lt $((COUNT - 20)) ] ||
			{ cat "$VH_TMP/$name.console" >&2; fail "$name: ping seq $s unanswered (the last 20 must all be)"; }
	done
	ok "$name: $((COUNT - ${#missing[@]}))/$COUNT pings answered; lost across the restart: ${missing[*]:-none} ($(awk -v n=${#missing[@]} 'BEGIN { print n * 0.5 }') s)"
}
check_pings vmc $rc_c
check_pings vms $rc_s

# ---- 2. restart the guests ------------------------------------------------------
wait_for 20 "vmc and vms detached after the guests powered off" all_disconnected vmc vms
guest vmc2 --server --sock "$SC" --ip 10.0.0.1/24 --peer 10.0.0.9 --wait 90
GC=$GUEST_PID
guest vms2 --sock "$SS" --ip 10.0.0.2/24 --peer 10.0.0.9 --wait 90
GS=$GUEST_PID
rc_c=0 rc_s=0
guest_wait "$GC" || rc_c=$?
guest_wait "$GS" || rc_s=$?
[ $rc_c = 0 ] || { cat "$VH_TMP/vmc2.console" >&2; fail "vmc restarted: run-guest.sh exit $rc_c"; }
[ $rc_s = 0 ] || { cat "$VH_TMP/vms2.console" >&2; fail "vms restarted: run-guest.sh exit $rc_s"; }
[ "$(vhost_get vmc connects)" = 2 ] && [ "$(vhost_get vms connects)" = 2 ] ||
	fail "connects since the restart: vmc $(vhost_get vmc connects), vms $(vhost_get vms connects), expected 2"
ok "guests restarted on the same sockets are re-attached and reach ns (vhost-user-client and vhost-user)"
stop_daemon "$DAEMON_PID"
