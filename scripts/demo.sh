#!/bin/bash
# The switch's main job on a machine without a NIC: two network namespaces,
# each joined to bridge br0 through a veth pair whose host end is an AF_XDP
# port of vswitchd. Pings across, shows the switch, cleans up.
# Usage: sudo scripts/demo.sh           (BUILD_DIR=build by default)
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD_DIR:-$ROOT/build}
CONFIG=$ROOT/config/examples/demo.yaml
SOCK=/run/vswitch/demo.sock
LOG=$(mktemp /tmp/vswitchd-demo.XXXXXX.log)
NS=(vs-demo1 vs-demo2)
PID=

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

cleanup() {
	set +e
	if [ -n "$PID" ] && kill -0 "$PID" 2>/dev/null; then
		kill -TERM "$PID"
		wait "$PID"
		echo "vswitchd exited with status $?"
	fi
	for i in 1 2; do
		ip netns del "${NS[$((i - 1))]}" 2>/dev/null
		ip link del "veth-ns$i" 2>/dev/null
	done
	rm -f "$LOG"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

[ "$(id -u)" = 0 ] || { echo "demo.sh: run as root (namespaces, hugepages, AF_XDP)" >&2; exit 1; }

step "Preparing the machine (packages, hugepages, bpffs)"
"$ROOT/scripts/setup.sh"
if [ ! -x "$BUILD/control/vswitchd" ]; then
	step "Building vswitch"
	[ -d "$BUILD" ] || meson setup "$BUILD" "$ROOT" >/dev/null
	ninja -C "$BUILD"
fi
VSCTL="$BUILD/control/vsctl --socket $SOCK"

step "Two namespaces, each behind a veth pair"
for i in 1 2; do
	ns=${NS[$((i - 1))]}
	ip netns del "$ns" 2>/dev/null || true
	ip link del "veth-ns$i" 2>/dev/null || true
	ip netns add "$ns"
	ip link add "veth-ns$i" type veth peer name eth0 netns "$ns"
	ip link set "veth-ns$i" up
	ip -n "$ns" link set lo up
	ip -n "$ns" addr add "10.0.0.$i/24" dev eth0
	ip -n "$ns" link set eth0 address "52:54:00:00:00:0$i" up
	echo "$ns: eth0 10.0.0.$i/24 (52:54:00:00:00:0$i) <-> veth-ns$i on the host"
done

step "Starting vswitchd --config config/examples/demo.yaml"
"$BUILD/control/vswitchd" --config "$CONFIG" >"$LOG" 2>&1 &
PID=$!
for _ in $(seq 100); do
	$VSCTL version >/dev/null 2>&1 && break
	kill -0 "$PID" 2>/dev/null || { cat "$LOG"; echo "demo.sh: vswitchd failed to start" >&2; exit 1; }
	sleep 0.2
done
grep -E "PMD|ready|port" "$LOG" | sed 's/^/  /'

step "ping 10.0.0.2 from ${NS[0]}, through the switch"
ip netns exec "${NS[0]}" ping -c 5 -i 0.2 -W 2 10.0.0.2

step "vsctl show"
$VSCTL show
step "vsctl fdb-show br0"
$VSCTL fdb-show br0
step "vsctl port-stats"
$VSCTL port-stats
step "vsctl pmd-stats"
$VSCTL pmd-stats

step "Stopping (SIGTERM) and cleaning up"
