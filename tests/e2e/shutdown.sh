#!/bin/bash
# Shutdown: SIGTERM (under traffic) and SIGINT end vswitchd with exit 0
# within 5 s, removing the control socket, hugepage files and XDP programs.
# After kill -9 (socket and XDP program left behind), a new vswitchd starts
# on the same interfaces and socket and forwards.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

SOCK=$E2E_TMP/vs.sock
ns_pair 1 10.82.0.1
ns_pair 2 10.82.0.2
H1=$(host_if 1)
H2=$(host_if 2)
write_config "$E2E_TMP/switch.yaml" "$SOCK" <<YAML
bridges:
  - name: br0
    ports:
      - {name: p1, type: af_xdp, iface: $H1}
      - {name: p2, type: af_xdp, iface: $H2}
YAML

# check_clean: what a stopped vswitchd must leave behind: nothing.
check_clean() {
	[ -e "$SOCK" ] && fail "$1: control socket $SOCK left behind"
	assert_no_hugepage_files
	assert_no_xdp "$H1" "$H2"
	ok "$1: no socket, no hugepage file, no XDP program left"
}

# 1. SIGTERM while a ping flood runs.
start_daemon "$E2E_TMP/switch.yaml" "$SOCK" "$E2E_TMP/vswitchd-1.log"
ping_ok "$(ns_of 1)" 10.82.0.2 || fail "no ping through the first vswitchd"
ip link show dev "$H1" | grep -q xdp || fail "no XDP program on $H1 while running"
ip netns exec "$(ns_of 1)" ping -f -c 1000000 -w 20 10.82.0.2 >/dev/null 2>&1 &
FLOOD=$!
E2E_PIDS+=("$FLOOD")
sleep 1
rx=$(port_stat "$SOCK" p1 rx_packets)
[ "$rx" -gt 100 ] || fail "the ping flood does not reach the switch (p1 rx $rx)"
stop_daemon "$DAEMON_PID" 5
[ "$DAEMON_RC" = 0 ] || fail "SIGTERM under traffic: exit $DAEMON_RC"
ok "SIGTERM under traffic ($rx+ packets): exit 0 in $DAEMON_STOP_MS ms"
kill "$FLOOD" 2>/dev/null || true
wait "$FLOOD" 2>/dev/null || true
check_clean "after SIGTERM"

# 2. SIGINT.
start_daemon "$E2E_TMP/switch.yaml" "$SOCK" "$E2E_TMP/vswitchd-2.log"
ping_ok "$(ns_of 1)" 10.82.0.2 || fail "no ping through the second vswitchd"
stop_daemon "$DAEMON_PID" 5 INT
[ "$DAEMON_RC" = 0 ] || fail "SIGINT: exit $DAEMON_RC"
ok "SIGINT: exit 0 in $DAEMON_STOP_MS ms"
check_clean "after SIGINT"

# 3. kill -9 leaves the socket file and the XDP programs; a new vswitchd
#    must start anyway and forward.
start_daemon "$E2E_TMP/switch.yaml" "$SOCK" "$E2E_TMP/vswitchd-3.log"
ping_ok "$(ns_of 1)" 10.82.0.2 || fail "no ping through the third vswitchd"
kill -KILL "$DAEMON_PID"
wait "$DAEMON_PID" 2>/dev/null || true
left=$(for v in "$H1" "$H2"; do ip link show dev "$v" | grep -q xdp && echo "$v"; done | tr '\n' ' ')
log "after kill -9: socket $([ -e "$SOCK" ] && echo left || echo gone), XDP program left on: ${left:-none}"
assert_no_hugepage_files
ping_ok "$(ns_of 1)" 10.82.0.2 2>/dev/null && fail "ping still works with vswitchd killed"

start_daemon "$E2E_TMP/switch.yaml" "$SOCK" "$E2E_TMP/vswitchd-4.log"
ping_ok "$(ns_of 1)" 10.82.0.2 3 || fail "no ping through the vswitchd started after kill -9"
ok "restart after kill -9 forwards"
stop_daemon "$DAEMON_PID" 5
[ "$DAEMON_RC" = 0 ] || fail "SIGTERM after restart: exit $DAEMON_RC"
ok "SIGTERM: exit 0 in $DAEMON_STOP_MS ms"
check_clean "after the restart's SIGTERM"
