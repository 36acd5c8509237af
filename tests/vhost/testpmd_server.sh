#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# vhost-user ports, vswitchd as the vhost-user server, dpdk-testpmd as the
# guest: two net_virtio_user ports (clients) on the two sockets of bridge br0,
# io forwarding, so that what testpmd receives on one port it sends back on
# the other and traffic loops through the switch both ways.
#
#  1. queues: 1 and then queues: 2 (virtio_user queues=2, --rxq=2 --txq=2):
#     switch rx/tx counters and testpmd's RX grow on both ports; with two
#     pairs, both carry traffic (the per-queue counters of port-stats), and
#     a guest that stops receiving fills its rx ring ("ring full").
#  2. testpmd is SIGKILLed: both ports become disconnected, link down; a new
#     testpmd on the same sockets, with one queue pair only, is attached again
#     (1/2 queues enabled: nothing inherited from the old guest) and traffic
#     resumes. A second testpmd on a socket already in use is refused and
#     does not disturb the attached one.
#  3. vswitchd is restarted (SIGTERM, start) while testpmd keeps running.
#     net_virtio_user in client mode does not reconnect by itself in DPDK
#     22.11; the test reports which happened, and when it does not, restarts
#     testpmd and checks traffic. (Guests that must survive a vswitchd
#     restart use vhost-user-client ports: testpmd_client.sh, qemu_reconnect.sh.)
set -euo pipefail
. "$(dirname "$0")/lib.sh"
need_tool "$TESTPMD" stdbuf

S1=$VH_TMP/vm1.sock
S2=$VH_TMP/vm2.sock
LOG=$VH_TMP/vswitchd.log
NTP=0                           # testpmd runs, for unique file prefixes

# config QUEUES: the switch's config file for that many queue pairs.
config() {
	local cfg=$VH_TMP/switch-q$1.yaml
	write_config "$cfg" <<EOF
bridges:
  - name: br0
    ports:
      - {name: vm1, type: vhost-user, path: $S1, queues: $1}
      - {name: vm2, type: vhost-user, path: $S2, queues: $1}
EOF
	echo "$cfg"
}

# testpmd_up QUEUES: testpmd on both sockets; waits until the switch sees
# both guests with all their queue pairs enabled. Does not start forwarding.
testpmd_up() {
	local q=$1
	NTP=$((NTP + 1))
	# --lcores 0@0,1@0: main and forwarding lcore share CPU 0, the switch's
	# control core, so that the PMD on CPU 1 keeps its core.
	tp_start tp "${VH_PREFIX}t$NTP" --lcores 0@0,1@0 --no-pci --no-huge -m 256 \
		--vdev "net_virtio_user0,path=$S1,queues=$q,mac=52:54:00:00:01:01" \
		--vdev "net_virtio_user1,path=$S2,queues=$q,mac=52:54:00:00:01:02" \
		-- -i --forward-mode=io --rxq="$q" --txq="$q" --total-num-mbufs=8192 \
		--no-lsc-interrupt
	tp_wait_prompt tp
	wait_for 10 "vm1 and vm2 connected" all_connected vm1 vm2
	wait_for 10 "vm1 has $q queue pairs enabled" queues_enabled vm1 "$q"
	wait_for 10 "vm2 has $q queue pairs enabled" queues_enabled vm2 "$q"
}

# ---- 1. one queue pair, then two ----------------------------------------------

start_daemon "$(config 1)" "$LOG"
[ -S "$S1" ] && [ -S "$S2" ] || fail "vswitchd did not create $S1 and $S2"
[ "$(stat -c %a "$S1")" = 660 ] || fail "$S1 has mode $(stat -c %a "$S1"), expected 660 (socket_mode default)"
all_disconnected vm1 vm2 || fail "ports connected before any guest"
[ "$(vhost_get vm1 mode)" = server ] || fail "vm1: mode $(vhost_get vm1 mode), expected server"
vsctl show | grep -qx '        vhost: server, disconnected' || fail "vsctl show: no 'vhost: server, disconnected' line"
ok "queues=1: sockets created (mode 660), ports disconnected"

testpmd_up 1
vsctl show | grep -qE '^        vhost: server, connected \(vid [0-9]+\), 1/1 queues enabled, features 0x[0-9a-f]+, numa [0-9-]+$' ||
	fail "vsctl show: no 'vhost: server, connected ...' line"
tp_cmd tp "start tx_first"
assert_flowing "queues=1"
fdb=$(vsctl fdb-show br0)
grep -qE '^ vm1 +0  52:54:00:00:01:01 ' <<<"$fdb" && grep -qE '^ vm2 +0  52:54:00:00:01:02 ' <<<"$fdb" ||
	fail "fdb-show br0 lacks testpmd's MACs:
$fdb"
ok "queues=1: fdb has 52:54:00:00:01:01 on vm1, 52:54:00:00:01:02 on vm2"
tp_kill tp
stop_daemon "$DAEMON_PID"
[ ! -e "$S1" ] && [ ! -e "$S2" ] || fail "vswitchd left its sockets behind after SIGTERM"
ok "queues=1: vswitchd stopped, sockets removed"

start_daemon "$(config 2)" "$LOG"
testpmd_up 2
tp_cmd tp "start tx_first"
assert_flowing "queues=2"
# The switch transmits to a guest on the pair of its PMD (one PMD here: pair
# 0); testpmd's io forwarding answers on the pair it received on. Pair 1
# carries what testpmd sends on it: the tx_first burst now, txonly below.
for p in vm1 vm2; do
	read -r rx0 tx0 _ <<<"$(qcounters $p 0)"
	read -r rx1 _ _ <<<"$(qcounters $p 1)"
	[ "$rx0" -gt 0 ] && [ "$tx0" -gt 0 ] || fail "$p queue 0: rx $rx0, tx $tx0, expected both > 0"
	[ "$rx1" -gt 0 ] || fail "$p queue 1: rx $rx1, expected > 0 (testpmd's tx_first burst on queue 1)"
done
vsctl port-stats vm1 | grep -qE '^  queue 1: rx [0-9]+, tx [0-9]+, ring full [0-9]+$' ||
	fail "vsctl port-stats vm1: no 'queue 1: ...' line"

# txonly: testpmd sends on both pairs of both ports and receives nothing, so
# its rx rings fill up and the switch counts "ring full" (drop tx_full).
tp_cmd tp "stop"
tp_cmd tp "set fwd txonly"
tp_cmd tp "start"
sleep 0.5
read -r a1 _ _ <<<"$(qcounters vm1 1)"
read -r a2 _ _ <<<"$(qcounters vm2 1)"
read -r _ _ f0 <<<"$(qcounters vm1 0)"
sleep 1
read -r b1 _ _ <<<"$(qcounters vm1 1)"
read -r b2 _ _ <<<"$(qcounters vm2 1)"
read -r _ _ h0 <<<"$(qcounters vm1 0)"
[ "$b1" -gt "$a1" ] && [ "$b2" -gt "$a2" ] ||
	fail "txonly: queue 1 rx did not grow (vm1 $a1 -> $b1, vm2 $a2 -> $b2)"
[ "$h0" -gt "$f0" ] || fail "txonly: vm1 queue 0 ring full did not grow ($f0 -> $h0) while testpmd does not receive"
full=$(port_stat vm1 drops)
grep -q "'tx_full': [1-9]" <<<"$full" || fail "txonly: vm1 drops have no tx_full: $full"
ok "queues=2: queue 1 rx vm1 +$((b1 - a1)), vm2 +$((b2 - a2)) in 1 s; vm1 queue 0 ring full +$((h0 - f0)) (guest not receiving)"
tp_cmd tp "stop"
tp_cmd tp "set fwd io"
tp_cmd tp "start tx_first"
assert_flowing "queues=2, io again"

# ---- 2. the guest dies, a new one with fewer queue pairs attaches ------------------

t0=$(date +%s%N)
tp_kill tp KILL
wait_for 10 "vm1 and vm2 disconnected after SIGKILL of testpmd" all_disconnected vm1 vm2
t1=$(date +%s%N)
show=$(vsctl --json show)
links=$(json_get "' '.join(p['link'] for b in d['bridges'] for p in b['ports'])" <<<"$show")
[ "$links" = "down down" ] || fail "links after testpmd died: $links, expected down down"
ok "testpmd SIGKILLed: vm1 and vm2 disconnected, link down (seen $(((t1 - t0) / 1000000)) ms after the kill)"

# One pair on ports that poll two: the pair the old guest had enabled must
# not be inherited (PMDs would poll a virtqueue the guest does not have, and
# rte_vhost would log "invalid virtqueue idx" at every poll).
testpmd_up 1
[ "$(vhost_get vm1 connects)" = 2 ] && [ "$(vhost_get vm2 connects)" = 2 ] ||
	fail "connects: vm1 $(vhost_get vm1 connects), vm2 $(vhost_get vm2 connects), expected 2"
vsctl show | grep -qE '^        vhost: server, connected \(vid [0-9]+\), 1/2 queues enabled' ||
	fail "vsctl show: a guest with 1 pair on a 2-pair port is not shown '1/2 queues enabled'"
tp_cmd tp "start tx_first"
assert_flowing "new testpmd with 1 of 2 queue pairs"
! grep -q 'invalid virtqueue' "$LOG" || fail "rte_vhost complains about invalid virtqueues: $(grep -c 'invalid virtqueue' "$LOG") lines"
ok "new testpmd: 1/2 queues enabled, connects 2, no invalid virtqueue polled"

# A second guest on vm1's socket (two VMs given the same path) is refused:
# it must not take the port over from the attached one.
vid=$(vhost_get vm1 vid)
NTP=$((NTP + 1))
tp_start tp2 "${VH_PREFIX}t$NTP" --lcores 0@0,1@0 --no-pci --no-huge -m 256 \
	--vdev "net_virtio_user0,path=$S1,queues=1,mac=52:54:00:00:01:03" \
	-- -i --forward-mode=rxonly --total-num-mbufs=8192 --no-lsc-interrupt
tp_wait_prompt tp2
wait_for 10 "a warning about the second guest on vm1" grep -q "port 'vm1': refusing a second guest" "$LOG"
[ "$(vhost_get vm1 vid)" = "$vid" ] || fail "vm1: vid $(vhost_get vm1 vid) after a second guest connected, expected $vid"
assert_flowing "second guest on vm1's socket refused"
tp_kill tp2
sleep 0.5
is_state vm1 connected && [ "$(vhost_get vm1 vid)" = "$vid" ] ||
	fail "vm1 lost its guest when the refused second guest went away"
ok "a second guest on vm1's socket is refused, the first keeps the port"

# ---- 3. vswitchd restarts under a running testpmd ----------------------------------

old=$DAEMON_PID
stop_daemon "$old"
start_daemon "$VH_TMP/switch-q2.yaml" "$LOG"
reconnected=0
deadline=$((SECONDS + 5))
while [ $SECONDS -lt $deadline ]; do
	# testpmd only notices the lost backend when it reads the link status.
	tp_cmd tp "show port info all"
	if all_connected vm1 vm2; then
		reconnected=1
		break
	fi
	sleep 0.2
done
if [ $reconnected = 1 ]; then
	ok "vswitchd restarted: testpmd's virtio_user (client) reconnected by itself"
	tp_cmd tp "stop"
	tp_cmd tp "start tx_first"
else
	log "note: vswitchd restarted: net_virtio_user in client mode did not reconnect within 5 s" \
		"(DPDK 22.11 virtio_user reconnects only in server mode); restarting testpmd"
	tp_kill tp
	testpmd_up 2
	tp_cmd tp "start tx_first"
fi
assert_flowing "after vswitchd restart"
tp_kill tp
stop_daemon "$DAEMON_PID"
