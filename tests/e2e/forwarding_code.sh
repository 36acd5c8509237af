#!/bin/bash
# Which build of the forwarding stage vswitchd runs: AVX2 on a CPU that has
# it, the baseline one when EAL is limited to 128-bit SIMD
# (--force-max-simd-bitwidth=128 in dpdk.extra_args); vsctl show and the
# log name it, and the switch forwards with either (ping between two
# namespaces through AF_XDP ports, and each frame counted once).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

SOCK=$E2E_TMP/vs.sock
ns_pair 1 10.83.0.1
ns_pair 2 10.83.0.2
if grep -qw avx2 /proc/cpuinfo; then best=avx2; else best=baseline; fi

# run_with CODE EXTRA_ARGS: start vswitchd, check the code it reports, ping.
run_with() {
	local want=$1 extra=$2 logf=$E2E_TMP/vswitchd-$1.log line rx
	E2E_EAL_ARGS=$extra write_config "$E2E_TMP/switch.yaml" "$SOCK" <<YAML
bridges:
  - name: br0
    ports:
      - {name: p1, type: af_xdp, iface: $(host_if 1)}
      - {name: p2, type: af_xdp, iface: $(host_if 2)}
YAML
	start_daemon "$E2E_TMP/switch.yaml" "$SOCK" "$logf"
	line=$(vsctl "$SOCK" show | head -1)
	[[ $line == *"; forwarding code $want" ]] ||
		fail "extra_args [$extra]: vsctl show says '$line', expected forwarding code $want"
	grep -q "forwarding code: $want" "$logf" || { show_file "$logf"; fail "the log does not name $want"; }
	ping_ok "$(ns_of 1)" 10.83.0.2 5 || fail "no ping through the $want forwarding code"
	rx=$(port_stat "$SOCK" p1 rx_packets)
	[ "$rx" -ge 5 ] || fail "$want: p1 received $rx frames for 5 pings"
	ok "$want: reported by vsctl show and the log, 5/5 pings, p1 rx $rx"
	stop_daemon "$DAEMON_PID" 5
	[ "$DAEMON_RC" = 0 ] || fail "vswitchd exited $DAEMON_RC"
}

run_with "$best" ""
run_with baseline "--force-max-simd-bitwidth=128"
ok "done"
