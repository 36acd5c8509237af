#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# vhost-user-client ports: the guest (dpdk-testpmd, two net_virtio_user ports
# with server=1) creates the sockets and listens, vswitchd connects, and
# reconnects whenever the connection is lost. io forwarding loops traffic
# through the switch both ways.
#
#  1. queues: 1, vswitchd started before the guest: it keeps trying until
#     the sockets appear, then traffic flows.
#  2. queues: 2, the guest started first (it waits in accept() until the
#     switch connects): traffic flows, on both queue pairs.
#  3. vswitchd restarted (SIGTERM, start) and crashed (SIGKILL, start) while
#     testpmd keeps running: the switch reconnects and traffic resumes
#     without touching the guest. This is the "restart vswitchd, the VMs keep
#     running" guarantee of vhost-user-client ports.
#  4. the guest is SIGKILLed: ports disconnected; a new guest on the same
#     sockets is found again by the switch by itself.
#
# testpmd runs with LSC interrupts here (no --no-lsc-interrupt): DPDK 22.11's
# net_virtio_user in server mode accepts the switch's new connection from
# its link-status interrupt handler; without it, it would only notice when
# the application reads the link status.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
need_tool "$TESTPMD" stdbuf

S1=$VH_TMP/vm1.sock
S2=$VH_TMP/vm2.sock
LOG=$VH_TMP/vswitchd.log
NTP=0

config() {
	local cfg=$VH_TMP/switch-q$1.yaml
	write_config "$cfg" <<EOF
bridges:
  - name: br0
    ports:
      - {name: vm1, type: vhost-user-client, path: $S1, queues: $1}
      - {name: vm2, type: vhost-user-client, path: $S2, queues: $1}
EOF
	echo "$cfg"
}

# testpmd_start QUEUES: the guest, listening on both sockets. Its start-up
# blocks until the switch has connected to both.
testpmd_start() {
	local q=$1
	NTP=$((NTP + 1))
	# A SIGKILLed testpmd leaves its sockets behind; like QEMU's server=on,
	# it would not bind over them.
	rm -f "$S1" "$S2"
	tp_start tp "${VH_PREFIX}t$NTP" --lcores 0@0,1@0 --no-pci --no-huge -m 256 \
		--vdev "net_virtio_user0,path=$S1,server=1,queues=$q,mac=52:54:00:00:01:01" \
		--vdev "net_virtio_user1,path=$S2,server=1,queues=$q,mac=52:54:00:00:01:02" \
		-- -i --forward-mode=io --rxq="$q" --txq="$q" --total-num-mbufs=8192
}

# attached QUEUES: both ports connected with QUEUES pairs enabled.
attached() {
	wait_for 15 "vm1 and vm2 connected" all_connected vm1 vm2
	wait_for 10 "vm1 has $1 queue pairs enabled" queues_enabled vm1 "$1"
	wait_for 10 "vm2 has $1 queue pairs enabled" queues_enabled vm2 "$1"
}

# ---- 1. the switch first ------------------------------------------------------

start_daemon "$(config 1)" "$LOG"
all_disconnected vm1 vm2 || fail "ports connected before any guest"
[ "$(vhost_get vm1 mode)" = client ] || fail "vm1: mode $(vhost_get vm1 mode), expected client"
vsctl show | grep -qx '        vhost: client, disconnected' || fail "vsctl show: no 'vhost: client, disconnected' line"
sleep 1                         # a connection attempt or two fail meanwhile
testpmd_start 1
tp_wait_prompt tp
attached 1
tp_cmd tp "start tx_first"
assert_flowing "queues=1, switch started first"
tp_kill tp
wait_for 10 "vm1 and vm2 disconnected" all_disconnected vm1 vm2
stop_daemon "$DAEMON_PID"

# ---- 2. the guest first, two queue pairs ------------------------------------------

testpmd_start 2
sleep 1
start_daemon "$(config 2)" "$LOG"
tp_wait_prompt tp
attached 2
tp_cmd tp "start tx_first"
assert_flowing "queues=2, guest started first"
for p in vm1 vm2; do
	read -r rx0 tx0 _ <<<"$(qcounters $p 0)"
	read -r rx1 _ _ <<<"$(qcounters $p 1)"
	[ "$rx0" -gt 0 ] && [ "$tx0" -gt 0 ] || fail "$p queue 0: rx $rx0, tx $tx0, expected both > 0"
	[ "$rx1" -gt 0 ] || fail "$p queue 1: rx $rx1, expected > 0 (testpmd's tx_first burst on queue 1)"
done
ok "queues=2: both queue pairs received"

# ---- 3. vswitchd restarts, the guest stays ------------------------------------------

# restart_switch HOW: stop vswitchd (SIGTERM, or SIGKILL: a crash), start it
# again, and check that it finds the running guest and forwards again.
restart_switch() {
	local how=$1 t0 t1
	t0=$(date +%s%N)
	if [ "$how" = SIGTERM ]; then
		stop_daemon "$DAEMON_PID"
	else
		kill -KILL "$DAEMON_PID"
		wait "$DAEMON_PID" 2>/dev/null || true
	fi
	! gone "${TP_PID[tp]}" || fail "testpmd died with vswitchd"
	start_daemon "$VH_TMP/switch-q2.yaml" "$LOG"
	attached 2
	t1=$(date +%s%N)
	# The packets that were looping died with the old switch: inject more.
	tp_cmd tp "stop"
	tp_cmd tp "start tx_first"
	assert_flowing "vswitchd $how + start, same testpmd (reattached $(((t1 - t0) / 1000000)) ms after the stop)"
}
restart_switch SIGTERM
restart_switch SIGKILL
tp_pid_before=${TP_PID[tp]}

# ---- 4. the guest dies and comes back ------------------------------------------

tp_kill tp KILL
wait_for 10 "vm1 and vm2 disconnected after SIGKILL of testpmd" all_disconnected vm1 vm2
ok "testpmd (pid $tp_pid_before) SIGKILLed: vm1 and vm2 disconnected"
c1=$(vhost_get vm1 connects)
testpmd_start 2
tp_wait_prompt tp
attached 2
[ "$(vhost_get vm1 connects)" -gt "$c1" ] || fail "vm1 connects did not grow ($c1)"
tp_cmd tp "start tx_first"
assert_flowing "new testpmd, found by the switch"
tp_kill tp
stop_daemon "$DAEMON_PID"
