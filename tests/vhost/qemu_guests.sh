#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Real QEMU guests (shared/vmtest/run-guest.sh: TCG, busybox initramfs) on the
# vhost-user ports of bridge br0, all at once to keep the time down:
#
#   vm1 10.0.0.1  vhost-user         VLAN 10  pings vm2, vm4 and ns10
#   vm2 10.0.0.2  vhost-user         VLAN 10  pings vm1
#   vm3 10.0.0.3  vhost-user         VLAN 20  reaches ns20, must not reach vm1
#                                             (run-guest.sh exit 1)
#   vm4 10.0.0.4  vhost-user-client  VLAN 10  QEMU is the server (--server);
#                                             pings vm1
#   ns10 10.0.0.9  af_xdp (veth)     VLAN 10  a namespace: pings vm1
#   ns20 10.0.0.19 af_xdp (veth)     VLAN 20  a namespace: answers vm3
#
# Then: every guest was attached, offloads were not negotiated, fdb-show has
# the guests' MACs 52:54:00:00:00:0N in their VLANs.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
need_tool qemu-system-x86_64 ethtool
[ -x "$RUN_GUEST" ] || skip "$RUN_GUEST not found (set RUN_GUEST)"

LOG=$VH_TMP/vswitchd.log
CFG=$VH_TMP/switch.yaml
ns_veth 1 10.0.0.9 52:54:00:00:00:09
ns_veth 2 10.0.0.19 52:54:00:00:00:19
write_config "$CFG" <<EOF
bridges:
  - name: br0
    ports:
      - {name: vm1, type: vhost-user, path: $VH_TMP/vm1.sock, vlan: {mode: access, tag: 10}}
      - {name: vm2, type: vhost-user, path: $VH_TMP/vm2.sock, vlan: {mode: access, tag: 10}}
      - {name: vm3, type: vhost-user, path: $VH_TMP/vm3.sock, vlan: {mode: access, tag: 20}}
      - {name: vm4, type: vhost-user-client, path: $VH_TMP/vm4.sock, vlan: {mode: access, tag: 10}}
      - {name: ns10, type: af_xdp, iface: $(host_if 1), vlan: {mode: access, tag: 10}}
      - {name: ns20, type: af_xdp, iface: $(host_if 2), vlan: {mode: access, tag: 20}}
EOF
start_daemon "$CFG" "$LOG"

# vm1 stays up until it has reached every other member of VLAN 10.
guest vm1 --sock "$VH_TMP/vm1.sock" --ip 10.0.0.1/24 --wait 90 --cmd \
	'for P in 10.0.0.2 10.0.0.4 10.0.0.9; do PEER=$P; wait_peer && ping -c 3 -i 0.2 -W 2 $P || exit 1; done'
G1=$GUEST_PID
guest vm2 --sock "$VH_TMP/vm2.sock" --ip 10.0.0.2/24 --peer 10.0.0.1 --wait 90
G2=$GUEST_PID
# vm3 first proves that its own VLAN works (marker "vlan20-ok"), then waits
# 5 s for vm1, which must not answer across VLANs, and tries ns10 (always up).
guest vm3 --sock "$VH_TMP/vm3.sock" --ip 10.0.0.3/24 --peer 10.0.0.1 --wait 5 --cmd \
	'i=0; until ping -c 1 -W 1 10.0.0.19 >/dev/null; do i=$((i+1)); [ $i -lt 90 ] || exit 3; done; echo vlan20-ok; wait_peer && exit 0; ping -c 2 -W 1 10.0.0.9 && exit 0; exit 1'
G3=$GUEST_PID
guest vm4 --server --sock "$VH_TMP/vm4.sock" --ip 10.0.0.4/24 --peer 10.0.0.1 --wait 90
G4=$GUEST_PID
log "4 guests started"

# ns10 pings vm1 as soon as it answers (at most 120 s), then 3 times.
(
	for _ in $(seq 120); do
		ip netns exec "$(ns_of 1)" ping -c 1 -W 1 10.0.0.1 >/dev/null 2>&1 && break
	done
	ip netns exec "$(ns_of 1)" ping -c 3 -i 0.2 -W 2 10.0.0.1
) >"$VH_TMP/ns10-ping.log" 2>&1 &
NSPING=$!
VH_PIDS+=("$NSPING")

# A real virtio-net driver: offloads refused, one queue pair enabled.
wait_for 90 "vm1 attached" is_state vm1 connected
feat=$(vhost_get vm1 features)
# VIRTIO_NET_F_ CSUM, GUEST_CSUM, GUEST_TSO4/TSO6/ECN/UFO, HOST_TSO4/TSO6/ECN/UFO
for bit in 0 1 7 8 9 10 11 12 13 14; do
	(((feat >> bit) & 1)) && fail "vm1 negotiated offload feature bit $bit (features $feat)"
done
wait_for 10 "vm1 has its queue pair enabled" queues_enabled vm1 1
ok "vm1 attached: features $feat (no offloads), 1/1 queues enabled"

declare -A RC
for g in vm1:$G1 vm2:$G2 vm3:$G3 vm4:$G4; do
	RC[${g%%:*}]=0
	guest_wait "${g#*:}" || RC[${g%%:*}]=$?
done
rcn=0
wait $NSPING || rcn=$?
log "guests done at $(elapsed) s: vm1 ${RC[vm1]}, vm2 ${RC[vm2]}, vm3 ${RC[vm3]} (1 expected)," \
	"vm4 ${RC[vm4]}, ns10 ping $rcn"
grep 'run-guest\[' "$VH_TMP/guests.log" | sed 's/^/    /'
for g in vm1 vm2 vm4; do
	[ "${RC[$g]}" = 0 ] ||
		{ cat "$VH_TMP/$g.console" >&2; fail "$g (VLAN 10) did not reach its peers (run-guest.sh exit ${RC[$g]})"; }
done
ok "vm1 <-> vm2 (vhost-user), vm1 <-> vm4 (vhost-user-client), vm1 -> ns10 (af_xdp)"
grep -q ' 0% packet loss' "$VH_TMP/ns10-ping.log" && [ $rcn = 0 ] ||
	{ cat "$VH_TMP/ns10-ping.log" >&2; fail "ns10 could not ping vm1"; }
ok "ns10 (af_xdp) -> vm1 (vhost-user): 3/3 answered"
grep -q vlan20-ok "$VH_TMP/vm3.console" ||
	{ cat "$VH_TMP/vm3.console" >&2; fail "vm3 could not reach ns20 in its own VLAN 20"; }
[ "${RC[vm3]}" = 1 ] || { cat "$VH_TMP/vm3.console" >&2; fail "vm3 (VLAN 20): run-guest.sh exit ${RC[vm3]}, expected 1 (vm1 and ns10 unreachable)"; }
ok "vm3 (VLAN 20) reaches ns20 but neither vm1 nor ns10 (VLAN 10)"

for p in vm1 vm2 vm3 vm4; do
	[ "$(vhost_get $p connects)" -ge 1 ] || fail "$p: connects $(vhost_get $p connects), expected >= 1"
done
wait_for 20 "all guests detached" all_disconnected vm1 vm2 vm3 vm4
fdb=$(vsctl fdb-show br0)
for e in "vm1 10 01" "vm2 10 02" "vm3 20 03" "vm4 10 04" "ns10 10 09" "ns20 20 19"; do
	read -r port vlan n <<<"$e"
	grep -qE "^ $port +$vlan  52:54:00:00:00:$n " <<<"$fdb" ||
		fail "fdb-show br0 has no 52:54:00:00:00:$n on $port in VLAN $vlan:
$fdb"
done
ok "fdb-show br0: 52:54:00:00:00:01, 02, 04 (VLAN 10), 03 (VLAN 20) on their ports"
stop_daemon "$DAEMON_PID"
