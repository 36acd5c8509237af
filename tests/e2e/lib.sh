# SPDX-License-Identifier: BSD-3-Clause
# shellcheck shell=bash disable=SC2034  # variables are for the sourcing test
# Shared helpers of the end-to-end tests (tests/e2e/*.sh). Source it after
# `set -euo pipefail`; it installs `trap e2e_cleanup EXIT`, which stops the
# daemons and background jobs the test started (by PID), deletes its
# namespaces and veths and its temporary directory, also on failure.
#
# Needs root, hugepages (scripts/setup.sh), iproute2, ethtool, ping, iperf3
# and the environment variables VSWITCHD and VSCTL (meson test sets them).

E2E_NAME=$(basename "$0" .sh)
E2E_PREFIX="vse$$"              # names of namespaces and veths (< 16 chars)
E2E_PY=/usr/bin/python3
E2E_PIDS=()                     # background jobs: killed at exit
E2E_DAEMONS=()                  # vswitchd PIDs: SIGTERM, then SIGKILL
E2E_NETNS=()
E2E_VETHS=()

: "${VSWITCHD:?set VSWITCHD to the vswitchd binary under test}"
: "${VSCTL:?set VSCTL to the vsctl binary under test}"
[ "$(id -u)" = 0 ] || { echo "$E2E_NAME: needs root" >&2; exit 1; }
[ -x "$VSWITCHD" ] && [ -x "$VSCTL" ] || { echo "$E2E_NAME: VSWITCHD/VSCTL not executable" >&2; exit 1; }
E2E_TMP=$(mktemp -d "/tmp/vse2e-$E2E_NAME.XXXXXX")
chmod 755 "$E2E_TMP"

log() { printf '[%s %s] %s\n' "$(date +%T.%3N)" "$E2E_NAME" "$*"; }
ok() { log "ok: $*"; }
fail() {
	log "FAIL: $*" >&2
	exit 1
}

# Print a file's contents, indented (diagnostics).
show_file() {
	[ -f "$1" ] && sed 's/^/    | /' "$1" >&2 || true
}

e2e_cleanup() {
	local rc=$?
	set +e
	trap - EXIT INT TERM
	for pid in "${E2E_PIDS[@]}"; do
		kill -TERM "$pid" 2>/dev/null
	done
	for pid in "${E2E_DAEMONS[@]}"; do
		if kill -0 "$pid" 2>/dev/null; then
			kill -TERM "$pid" 2>/dev/null
			for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
			kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null
		fi
		wait "$pid" 2>/dev/null
	done
	for pid in "${E2E_PIDS[@]}"; do
		kill -KILL "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
	done
	for ns in "${E2E_NETNS[@]}"; do
		ip netns pids "$ns" 2>/dev/null | xargs -r kill -KILL 2>/dev/null
		ip netns del "$ns" 2>/dev/null
	done
	for v in "${E2E_VETHS[@]}"; do
		ip link del "$v" 2>/dev/null
	done
	if [ "$rc" != 0 ]; then
		for f in "$E2E_TMP"/*.log; do
			[ -f "$f" ] || continue
			echo "---- $f" >&2
			tail -40 "$f" >&2
		done
	fi
	rm -rf "$E2E_TMP"
	[ "$rc" = 0 ] && log "PASS" || log "FAILED (exit $rc)"
	exit "$rc"
}
trap e2e_cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ns_pair I ADDR: namespace ${E2E_PREFIX}nsI with eth0 (ADDR/24) joined by
# a veth to ${E2E_PREFIX}hI on the host.
ns_pair() {
	ns_new "$1"
	ns_veth "${E2E_PREFIX}ns$1" "${E2E_PREFIX}h$1" "$2"
}

# ns_new I: an empty namespace ${E2E_PREFIX}nsI (lo up, no IPv6).
ns_new() {
	local ns="${E2E_PREFIX}ns$1"
	ip netns add "$ns"
	E2E_NETNS+=("$ns")
	ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1
	ip netns exec "$ns" sysctl -qw net.ipv6.conf.default.disable_ipv6=1
	ip -n "$ns" link set lo up
}

# ns_veth NS HOSTIF ADDR: a (new) veth pair, HOSTIF on the host, eth0
# (ADDR/24) in the existing namespace NS. Checksums are computed in software
# inside the namespace (veth leaves them to an offload that AF_XDP does not
# do, and TCP would then carry bad checksums).
ns_veth() {
	local ns=$1 host=$2 addr=$3
	ip link add "$host" type veth peer name eth0 netns "$ns"
	E2E_VETHS+=("$host")
	sysctl -qw "net.ipv6.conf.$host.disable_ipv6=1"
	ip -n "$ns" addr add "$addr/24" dev eth0
	ip netns exec "$ns" ethtool -K eth0 tx off >/dev/null
	ip link set "$host" up
	ip -n "$ns" link set eth0 up
}
ns_of() { echo "${E2E_PREFIX}ns$1"; }
host_if() { echo "${E2E_PREFIX}h$1"; }

# write_config FILE SOCKET: a switch.yaml with the given socket (and the EAL
# arguments in E2E_EAL_ARGS, a YAML flow list's items); the bridges
# section is read from stdin.
write_config() {
	local file=$1 sock=$2
	{
		echo "dpdk: {memory_mb: auto, extra_args: [${E2E_EAL_ARGS:-}]}"
		echo "pmd: {cores: auto}"
		echo "control: {socket: $sock}"
		cat
	} >"$file"
}

# start_daemon CONFIG SOCKET LOG: start vswitchd in the background, wait until
# it answers on SOCKET; sets DAEMON_PID.
start_daemon() {
	local cfg=$1 sock=$2 logf=$3
	"$VSWITCHD" --config "$cfg" >"$logf" 2>&1 &
	DAEMON_PID=$!
	E2E_DAEMONS+=("$DAEMON_PID")
	for _ in $(seq 150); do
		"$VSCTL" --socket "$sock" --timeout 2 version >/dev/null 2>&1 && return 0
		if ! kill -0 "$DAEMON_PID" 2>/dev/null; then
			wait "$DAEMON_PID" || true
			show_file "$logf"
			fail "vswitchd --config $cfg exited while starting"
		fi
		sleep 0.2
	done
	show_file "$logf"
	fail "vswitchd --config $cfg did not answer on $sock within 30 s"
}

# stop_daemon PID [TIMEOUT_S [SIGNAL]]: send SIGNAL (TERM) and wait; sets
# DAEMON_RC and DAEMON_STOP_MS; fails (after SIGKILL) when the daemon is
# still running TIMEOUT_S (5) seconds later.
stop_daemon() {
	local pid=$1 limit=${2:-5} sig=${3:-TERM} t0 wd
	rm -f "$E2E_TMP/stop-timeout"
	t0=$(date +%s%N)
	kill -"$sig" "$pid"
	(
		for _ in $(seq $((limit * 10))); do
			kill -0 "$pid" 2>/dev/null || exit 0
			sleep 0.1
		done
		touch "$E2E_TMP/stop-timeout"
		kill -KILL "$pid"
	) >/dev/null 2>&1 &
	wd=$!
	DAEMON_RC=0
	wait "$pid" || DAEMON_RC=$?
	DAEMON_STOP_MS=$((($(date +%s%N) - t0) / 1000000))
	kill "$wd" 2>/dev/null || true
	wait "$wd" 2>/dev/null || true
	[ ! -e "$E2E_TMP/stop-timeout" ] || fail "vswitchd (pid $pid) still running $limit s after SIG$sig (killed)"
}

# vsctl SOCKET ARGS...
vsctl() {
	local sock=$1
	shift
	"$VSCTL" --socket "$sock" --timeout 10 "$@"
}

# json_get EXPR: evaluate a Python expression on the JSON document read from
# stdin (bound to `d`); prints the result.
json_get() {
	"$E2E_PY" -c 'import json, sys; d = json.load(sys.stdin); print(eval(sys.argv[1]))' "$1"
}

# port_stat SOCKET PORT FIELD
port_stat() {
	vsctl "$1" --json port-stats "$2" | json_get "d['ports'][0]['$3']"
}

# No XDP program on any of our host veths.
assert_no_xdp() {
	local v
	for v in "$@"; do
		if ip link show dev "$v" | grep -q xdp; then
			ip link show dev "$v" >&2
			fail "an XDP program is still attached to $v"
		fi
	done
}

# No hugepage file left behind by a vswitchd.
assert_no_hugepage_files() {
	local left
	left=$(find /dev/hugepages -maxdepth 1 -name '*vswitchd*' 2>/dev/null | head -5)
	[ -z "$left" ] || fail "hugepage files left: $left"
}

# ping_ok NS ADDR [COUNT]: COUNT pings all answered.
ping_ok() {
	local ns=$1 addr=$2 count=${3:-1} out
	out=$(ip netns exec "$ns" ping -c "$count" -i 0.2 -W 2 "$addr" 2>&1) || {
		echo "$out" >&2
		return 1
	}
	grep -q " 0% packet loss" <<<"$out" || {
		echo "$out" >&2
		return 1
	}
}

# Soft failures: record and go on, so that one broken feature does not hide
# the outcome of the others; e2e_soft_verdict fails the test at the end if
# any was recorded.
E2E_SOFT=()
soft_fail() {
	log "FAIL (continuing): $*" >&2
	E2E_SOFT+=("$*")
}
e2e_soft_verdict() {
	[ ${#E2E_SOFT[@]} = 0 ] && return 0
	log "${#E2E_SOFT[@]} check(s) failed:" >&2
	printf '  - %s\n' "${E2E_SOFT[@]}" >&2
	exit 1
}
