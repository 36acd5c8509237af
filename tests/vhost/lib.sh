# SPDX-License-Identifier: BSD-3-Clause
# Shared helpers of the vhost-user tests (tests/vhost/*.sh). Source it after
# `set -euo pipefail`; it installs `trap vh_cleanup EXIT`, which stops what
# the test started, by PID (testpmd, guests, namespaces' processes, vswitchd),
# deletes its namespaces, veths, DPDK runtime directories and temporary
# directory, also on failure, and prints the logs of a failed run.
#
# Needs root, hugepages (scripts/setup.sh), VSWITCHD and VSCTL (meson test
# sets them). Tests exit 77 (meson: skipped) when a tool they need is missing.
# VH_KEEP=1 keeps the temporary directory (logs, configs) for a post-mortem.

VH_NAME=$(basename "$0" .sh)
VH_PY=/usr/bin/python3
TESTPMD=${TESTPMD:-dpdk-testpmd}
# The QEMU guest fixture (shared/vmtest); override with RUN_GUEST.
# shared/ sits beside the repository (as in CI: a clone of main with shared/ next to it).
RUN_GUEST=${RUN_GUEST:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)/shared/vmtest/run-guest.sh}
VH_PREFIX="vsvh$$"              # namespaces, veths, DPDK file prefixes (< 16 chars)
VH_DAEMONS=()                   # vswitchd PIDs: SIGTERM, then SIGKILL
VH_PIDS=()                      # other background jobs (run-guest.sh, ping): SIGTERM, then SIGKILL
VH_NETNS=()
VH_VETHS=()
VH_DPDK_PREFIXES=()             # testpmd --file-prefix values: runtime dirs to remove
VH_T0=$(date +%s.%N)

: "${VSWITCHD:?set VSWITCHD to the vswitchd binary under test}"
: "${VSCTL:?set VSCTL to the vsctl binary under test}"
[ "$(id -u)" = 0 ] || { echo "$VH_NAME: needs root" >&2; exit 1; }
[ -x "$VSWITCHD" ] && [ -x "$VSCTL" ] || { echo "$VH_NAME: VSWITCHD/VSCTL not executable" >&2; exit 1; }
VH_TMP=$(mktemp -d "/tmp/vsvh-$VH_NAME.XXXXXX")
chmod 755 "$VH_TMP"

log() { printf '[%s %s] %s\n' "$(date +%T.%3N)" "$VH_NAME" "$*"; }
ok() { log "ok: $*"; }
fail() {
	log "FAIL: $*" >&2
	exit 1
}
skip() {
	log "SKIP: $*"
	exit 77
}
# Seconds since the test started, e.g. "12.3".
elapsed() { echo "$(date +%s.%N) $VH_T0" | awk '{ printf "%.1f", $1 - $2 }'; }

# need_tool CMD...: skip the test when one is missing.
need_tool() {
	local t
	for t in "$@"; do
		command -v "$t" >/dev/null 2>&1 || skip "$t not found"
	done
}

# ---- cleanup ---------------------------------------------------------------

# gone PID: PID has exited (a zombie, or already reaped by bash).
gone() {
	local s
	s=$(ps -o stat= -p "$1" 2>/dev/null | cut -c1)
	[ -z "$s" ] || [ "$s" = Z ]
}

# stop_pid PID [SIG] [TIMEOUT_S]: signal PID, wait for it, SIGKILL after the timeout.
stop_pid() {
	local pid=$1 sig=${2:-TERM} t=${3:-5} i
	[ -n "$pid" ] || return 0
	if ! gone "$pid"; then
		kill "-$sig" "$pid" 2>/dev/null
		for ((i = 0; i < t * 10; i++)); do
			gone "$pid" && break
			sleep 0.1
		done
		gone "$pid" || kill -KILL "$pid" 2>/dev/null
	fi
	wait "$pid" 2>/dev/null || true
	return 0
}

vh_cleanup() {
	local rc=$? pid name ns v p f
	set +e
	trap - EXIT INT TERM
	for name in "${!TP_PID[@]}"; do
		tp_kill "$name"
	done
	for pid in "${VH_PIDS[@]}"; do
		kill -TERM "$pid" 2>/dev/null
	done
	for pid in "${VH_PIDS[@]}"; do
		stop_pid "$pid" TERM 10
	done
	for pid in "${VH_DAEMONS[@]}"; do
		stop_pid "$pid" TERM 5
		# EAL leaves its (empty) runtime directory even with --in-memory.
		rmdir "/var/run/dpdk/vswitchd$pid" 2>/dev/null
	done
	for ns in "${VH_NETNS[@]}"; do
		ip netns pids "$ns" 2>/dev/null | xargs -r kill -KILL 2>/dev/null
		ip netns del "$ns" 2>/dev/null
	done
	for v in "${VH_VETHS[@]}"; do
		ip link del "$v" 2>/dev/null
	done
	for p in "${VH_DPDK_PREFIXES[@]}"; do
		rm -rf "/var/run/dpdk/$p"
		rm -f /dev/hugepages/"$p"map_* 2>/dev/null
	done
	if [ "$rc" != 0 ]; then
		for f in "$VH_TMP"/*.log; do
			[ -f "$f" ] || continue
			echo "---- $f (last 40 lines)" >&2
			tail -40 "$f" >&2
		done
	fi
	if [ -n "${VH_KEEP:-}" ]; then
		log "kept $VH_TMP (VH_KEEP is set)"
	else
		rm -rf "$VH_TMP"
	fi
	if [ "$rc" = 0 ]; then
		log "PASS in $(elapsed) s"
	elif [ "$rc" = 77 ]; then
		log "skipped"
	else
		log "FAILED (exit $rc) after $(elapsed) s"
	fi
	exit "$rc"
}
trap vh_cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ---- vswitchd --------------------------------------------------------------

CTL=$VH_TMP/ctl.sock            # the control socket of every vswitchd started here

# write_config FILE: a switch.yaml on $CTL; the bridges section is read from stdin.
write_config() {
	{
		echo "dpdk: {memory_mb: auto}"
		echo "pmd: {cores: auto}"
		echo "control: {socket: $CTL}"
		cat
	} >"$1"
}

# start_daemon CONFIG LOG: start vswitchd, wait until it answers; sets DAEMON_PID.
# The log is appended to, so that restarts keep the history.
start_daemon() {
	local cfg=$1 logf=$2
	echo "==== vswitchd --config $cfg ($(date +%T.%3N))" >>"$logf"
	"$VSWITCHD" --config "$cfg" >>"$logf" 2>&1 &
	DAEMON_PID=$!
	VH_DAEMONS+=("$DAEMON_PID")
	for _ in $(seq 150); do
		"$VSCTL" --socket "$CTL" --timeout 2 version >/dev/null 2>&1 && return 0
		if gone "$DAEMON_PID"; then
			wait "$DAEMON_PID" || true
			fail "vswitchd --config $cfg exited while starting"
		fi
		sleep 0.2
	done
	fail "vswitchd --config $cfg did not answer on $CTL within 30 s"
}

# stop_daemon PID: SIGTERM; fails unless it exits with status 0 within 10 s.
stop_daemon() {
	local pid=$1 rc=0
	kill -TERM "$pid"
	for _ in $(seq 100); do
		gone "$pid" && break
		sleep 0.1
	done
	gone "$pid" || fail "vswitchd (pid $pid) still running 10 s after SIGTERM"
	wait "$pid" || rc=$?
	[ "$rc" = 0 ] || fail "vswitchd (pid $pid) exited with status $rc after SIGTERM"
}

# vsctl ARGS...: vsctl on $CTL.
vsctl() { "$VSCTL" --socket "$CTL" --timeout 10 "$@"; }

# json_get EXPR: evaluate a Python expression on the JSON read from stdin (`d`).
json_get() {
	"$VH_PY" -c 'import json, sys; d = json.load(sys.stdin); print(eval(sys.argv[1]))' "$1"
}

# vhost_get PORT KEY: a member of the port's "vhost" object in show
# (mode, state, vid, features, numa, queues, queues_enabled, connects).
vhost_get() {
	vsctl --json show | json_get "[p['vhost']['$2'] for b in d['bridges'] for p in b['ports'] if p['name'] == '$1'][0]"
}

# port_stat PORT FIELD: a counter of port-stats (rx_packets, tx_packets, ...).
port_stat() {
	vsctl --json port-stats "$1" | json_get "d['ports'][0]['$2']"
}

# queue_stat PORT QUEUE FIELD: rx_packets, tx_packets or tx_ring_full of a queue pair.
queue_stat() {
	vsctl --json port-stats "$1" | json_get "d['ports'][0]['queues'][$2]['$3']"
}

# wait_for SECONDS WHAT CMD...: poll CMD every 0.2 s until it succeeds; fail after SECONDS.
wait_for() {
	local t=$1 what=$2 i
	shift 2
	for ((i = 0; i < t * 5; i++)); do
		"$@" >/dev/null 2>&1 && return 0
		sleep 0.2
	done
	fail "$what: not true after $t s"
}

# Conditions for wait_for.
is_state() { [ "$(vhost_get "$1" state)" = "$2" ]; }
all_connected() {
	local p
	for p in "$@"; do is_state "$p" connected || return 1; done
}
all_disconnected() {
	local p
	for p in "$@"; do is_state "$p" disconnected || return 1; done
}
# queues_enabled PORT N: the guest enabled N queue pairs.
queues_enabled() { [ "$(vhost_get "$1" queues_enabled)" = "$2" ]; }

# ---- testpmd driven through a FIFO on its stdin ----------------------------
# (the way shared/bench/lib.sh does it)

declare -A TP_PID TP_FD TP_LOG

# tp_start NAME PREFIX testpmd-args...: interactive testpmd (-i among the
# args) with --file-prefix PREFIX; output in $VH_TMP/NAME.log (appended).
tp_start() {
	local name=$1 prefix=$2 fifo=$VH_TMP/$1.in fd
	shift 2
	TP_LOG[$name]=$VH_TMP/$name.log
	VH_DPDK_PREFIXES+=("$prefix")
	rm -f "$fifo"
	mkfifo "$fifo"
	echo "==== testpmd ($(date +%T.%3N))" >>"${TP_LOG[$name]}"
	# stdbuf: testpmd's printf()s are block-buffered when stdout is a file.
	stdbuf -oL -eL "$TESTPMD" --file-prefix "$prefix" "$@" <"$fifo" >>"${TP_LOG[$name]}" 2>&1 &
	TP_PID[$name]=$!
	exec {fd}>"$fifo"
	TP_FD[$name]=$fd
}

# tp_cmd NAME COMMAND: one line to testpmd's prompt. In a subshell: if
# testpmd is gone, SIGPIPE ends the subshell, not the test.
tp_cmd() { (echo "$2" >&"${TP_FD[$1]}") 2>/dev/null || true; }

# tp_wait_prompt NAME [TIMEOUT_S]: testpmd finished its initialisation.
tp_wait_prompt() {
	local name=$1 t=${2:-60} i
	for ((i = 0; i < t * 10; i++)); do
		grep -q 'testpmd>' "${TP_LOG[$name]}" 2>/dev/null && return 0
		! gone "${TP_PID[$name]}" || fail "testpmd $name exited while starting"
		sleep 0.1
	done
	fail "testpmd $name: no prompt after $t s"
}

# tp_kill NAME [SIG]: stop testpmd (SIGKILL by default: the guest "crashes"),
# close its FIFO.
tp_kill() {
	local name=$1 sig=${2:-KILL}
	[ -n "${TP_PID[$name]:-}" ] || return 0
	stop_pid "${TP_PID[$name]}" "$sig" 5
	eval "exec ${TP_FD[$name]}>&-" 2>/dev/null
	unset "TP_PID[$name]" "TP_FD[$name]"
}

# tp_rx_packets NAME: "RX0 RX1" from a fresh `show port stats all`
# (RX-packets of the two ports the tests give testpmd).
tp_rx_packets() {
	local name=$1 off n
	off=$(stat -c %s "${TP_LOG[$name]}")
	tp_cmd "$name" "show port stats all"
	# One "Tx-bps" line closes each port's block.
	for _ in $(seq 50); do
		n=$(tail -c +"$((off + 1))" "${TP_LOG[$name]}" | grep -c 'Tx-bps' || true)
		[ "$n" -ge 2 ] && break
		sleep 0.1
	done
	tail -c +"$((off + 1))" "${TP_LOG[$name]}" |
		awk '/NIC statistics for port/ { for (i = 1; i < NF; i++) if ($i == "port") p = $(i + 1) }
		     /RX-packets:/ { rx[p] = $2 }
		     END { print (0 in rx ? rx[0] : "?") " " (1 in rx ? rx[1] : "?") }'
}

# ---- traffic through ports vm1 and vm2 looped by testpmd (io forwarding) ----

# counters: "vm1.rx vm1.tx vm2.rx vm2.tx" (packets) from port-stats.
counters() {
	vsctl --json port-stats | json_get "' '.join(str(p[k]) for n in ('vm1', 'vm2')
		for p in d['ports'] if p['name'] == n for k in ('rx_packets', 'tx_packets'))"
}

# qcounters PORT QUEUE: "rx tx ring_full" of one queue pair.
qcounters() {
	vsctl --json port-stats "$1" |
		json_get "' '.join(str(d['ports'][0]['queues'][$2][k]) for k in ('rx_packets', 'tx_packets', 'tx_ring_full'))"
}

# assert_flowing WHAT: over one second, the switch's rx and tx counters of
# both ports and testpmd's RX on both ports grow.
assert_flowing() {
	local what=$1 a b t u names i
	names=(vm1.rx vm1.tx vm2.rx vm2.tx)
	read -ra a <<<"$(counters)"
	read -ra t <<<"$(tp_rx_packets tp)"
	sleep 1
	read -ra b <<<"$(counters)"
	read -ra u <<<"$(tp_rx_packets tp)"
	for i in 0 1 2 3; do
		[ "${b[i]}" -gt "${a[i]}" ] ||
			fail "$what: switch ${names[i]} did not grow (${a[i]} -> ${b[i]})"
	done
	for i in 0 1; do
		[[ "${u[i]}" =~ ^[0-9]+$ && "${t[i]}" =~ ^[0-9]+$ ]] ||
			fail "$what: cannot read testpmd's RX-packets ('${t[*]}', '${u[*]}')"
		[ "${u[i]}" -gt "${t[i]}" ] ||
			fail "$what: testpmd port $i RX did not grow (${t[i]} -> ${u[i]})"
	done
	ok "$what: in 1 s switch vm1 rx +$((b[0] - a[0])) tx +$((b[1] - a[1])), vm2 rx +$((b[2] - a[2])) tx +$((b[3] - a[3])); testpmd RX port 0 +$((u[0] - t[0])), port 1 +$((u[1] - t[1]))"
}

# ---- namespaces --------------------------------------------------------------

# ns_veth I ADDR MAC: namespace ${VH_PREFIX}nsI whose eth0 (ADDR/24, MAC) is a
# veth to ${VH_PREFIX}hI on the host; prints nothing. Checksums are computed
# in software in the namespace (AF_XDP does not finish offloaded ones).
ns_veth() {
	local ns="${VH_PREFIX}ns$1" host="${VH_PREFIX}h$1" addr=$2 mac=$3
	ip netns add "$ns"
	VH_NETNS+=("$ns")
	ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1
	ip netns exec "$ns" sysctl -qw net.ipv6.conf.default.disable_ipv6=1
	ip -n "$ns" link set lo up
	ip link add "$host" type veth peer name eth0 netns "$ns"
	VH_VETHS+=("$host")
	sysctl -qw "net.ipv6.conf.$host.disable_ipv6=1"
	ip -n "$ns" link set eth0 address "$mac"
	ip -n "$ns" addr add "$addr/24" dev eth0
	ip netns exec "$ns" ethtool -K eth0 tx off >/dev/null
	ip link set "$host" up
	ip -n "$ns" link set eth0 up
}
ns_of() { echo "${VH_PREFIX}ns$1"; }
host_if() { echo "${VH_PREFIX}h$1"; }

# ---- QEMU guests (shared/vmtest/run-guest.sh) --------------------------------

# guest NAME ARGS...: run-guest.sh in the background, console log in
# $VH_TMP/NAME.console; sets GUEST_PID. Wait for it with guest_wait.
guest() {
	local name=$1
	shift
	"$RUN_GUEST" --name "$name" --quiet --log "$VH_TMP/$name.console" "$@" \
		>>"$VH_TMP/guests.log" 2>&1 &
	GUEST_PID=$!
	VH_PIDS+=("$GUEST_PID")
}

# guest_wait PID: its exit status (0 PASS, 1 FAIL, 2 no verdict, 3 setup).
guest_wait() {
	local rc=0
	wait "$1" || rc=$?
	return $rc
}
