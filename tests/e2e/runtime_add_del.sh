#!/bin/bash
# Runtime changes do not disturb other ports: pair A pings through br0
# (200 pings, 50 ms apart, ~10 s) while vsctl, in rounds, adds pair B's
# AF_XDP ports (on fresh veths each round), changes their VLAN tags, adds a
# bridge br1 joined to br0 by a patch pair and deletes it, and deletes pair
# B's ports. Pair A must lose nothing. Pair B must ping after each add and
# be cut off by mismatching tags and by deletion. Finally an AF_XDP port is
# added again on an interface that a deleted port used.
# Failures of pair B's checks are recorded and the rounds go on, so that
# pair A's verdict is always reached.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

SOCK=$E2E_TMP/vs.sock
ns_pair 1 10.78.0.1       # pair A
ns_pair 2 10.78.0.2
ns_new 3                  # pair B: veths made per round
ns_new 4
NSB=$(ns_of 3)
write_config "$E2E_TMP/switch.yaml" "$SOCK" <<YAML
bridges:
  - name: br0
    ports:
      - {name: a1, type: af_xdp, iface: $(host_if 1)}
      - {name: a2, type: af_xdp, iface: $(host_if 2)}
YAML
start_daemon "$E2E_TMP/switch.yaml" "$SOCK" "$E2E_TMP/vswitchd.log"
ping_ok "$(ns_of 1)" 10.78.0.2 || fail "pair A does not ping before the changes"

changes=0
# v ARGS...: a vsctl change that must succeed (else recorded, returns 1).
v() {
	local out
	if ! out=$(vsctl "$SOCK" "$@" 2>&1); then
		soft_fail "round $round: vsctl $* -> $out"
		return 1
	fi
	changes=$((changes + 1))
}
# b_pings WHAT / b_cut WHAT: pair B must / must not ping.
b_pings() { ping_ok "$NSB" 10.78.1.4 2>/dev/null || { soft_fail "round $round: pair B does not ping: $1"; return 1; }; }
b_cut() { ! ping_ok "$NSB" 10.78.1.4 2>/dev/null || { soft_fail "round $round: pair B pings: $1"; return 1; }; }

B1=
B2=
new_b_veths() {
	[ -z "$B1" ] || ip link del "$B1"
	[ -z "$B2" ] || ip link del "$B2"
	B1="${E2E_PREFIX}r${1}a"
	B2="${E2E_PREFIX}r${1}b"
	ns_veth "$(ns_of 3)" "$B1" 10.78.1.3
	ns_veth "$(ns_of 4)" "$B2" 10.78.1.4
}

# One round of changes; pair B's steps stop at their first failure.
pair_b_round() {
	new_b_veths "$round"
	v add-port br0 b1 type=af_xdp "iface=$B1" || return 1
	v add-port br0 b2 type=af_xdp "iface=$B2" || { v del-port b1; return 1; }
	b_pings "after add-port" || true
	v set-port b1 tag=10 && v set-port b2 tag=10 && b_pings "both in VLAN 10" &&
		v set-port b2 tag=20 && b_cut "in VLANs 10 and 20" &&
		v set-port b1 tag=20 && b_pings "both in VLAN 20" &&
		v set-port b1 vlan_mode=trunk trunks=20 native=20 &&
		b_pings "trunk native 20 and access 20" || true
	bridge_round
	b_pings "after br1 came and went" || true
	v del-port br0 b1 || true
	v del-port b2 || true
	b_cut "after del-port" || true
}

# A second bridge with a patch pair to br0, then deleted with its ports;
# the peerless patch port left in br0 is deleted too.
bridge_round() {
	v add-br br1 mac_aging_s=60 || return 1
	v add-port br1 pb type=patch peer=pa && v add-port br0 pa type=patch peer=pb &&
		v add-port br1 n1 type=dpdk "devargs=net_null_vse$round" || true
	v del-br br1 || return 1
	vsctl "$SOCK" list-ports br0 | grep -qx pa && v del-port pa
	[ "$(vsctl "$SOCK" list-br)" = br0 ] || soft_fail "round $round: list-br after del-br: $(vsctl "$SOCK" list-br)"
}

ip netns exec "$(ns_of 1)" ping -i 0.05 -c 200 -W 1 10.78.0.2 >"$E2E_TMP/ping-a.log" 2>&1 &
PING_A=$!
E2E_PIDS+=("$PING_A")
log "pair A: ping -i 0.05 -c 200 running (pid $PING_A)"

round=0
while :; do
	round=$((round + 1))
	pair_b_round || bridge_round || true
	[ "$(vsctl "$SOCK" list-ports br0 | tr '\n' ' ')" = "a1 a2 " ] ||
		soft_fail "round $round: list-ports br0 after the round: $(vsctl "$SOCK" list-ports br0 | tr '\n' ' ')"
	kill -0 "$PING_A" 2>/dev/null || break
	[ "$round" -ge 4 ] && break
done
ping_running=0
kill -0 "$PING_A" 2>/dev/null && ping_running=1
log "$round rounds, $changes changes made (pair A's ping still running after them: $ping_running)"
[ "$changes" -ge 20 ] || fail "only $changes changes were made while pair A pinged: the test proved nothing"

wait "$PING_A" || true
tail -2 "$E2E_TMP/ping-a.log"
grep -q "200 packets transmitted, 200 received, 0% packet loss" "$E2E_TMP/ping-a.log" ||
	fail "pair A lost packets during the runtime changes"
ok "pair A: 200/200 during $changes changes"
drops=$(vsctl "$SOCK" --json port-stats | json_get "{p['name']: p['drops_total'] for p in d['ports']}")
[ "$drops" = "{'a1': 0, 'a2': 0}" ] || soft_fail "drops on pair A's ports: $drops"

# An AF_XDP port deleted at runtime can be added again on its interface.
round=final
if v add-port br0 b1 type=af_xdp "iface=$B1"; then
	if v add-port br0 b2 type=af_xdp "iface=$B2"; then
		b_pings "after re-adding b1 on $B1 and b2 on $B2" && ok "b1, b2 re-added on $B1, $B2: pair B pings"
	fi
fi

stop_daemon "$DAEMON_PID"
[ "$DAEMON_RC" = 0 ] || fail "vswitchd exited with $DAEMON_RC"
assert_no_xdp "$(host_if 1)" "$(host_if 2)" "$B1" "$B2"
ok "stopped cleanly, no XDP program left"
e2e_soft_verdict
