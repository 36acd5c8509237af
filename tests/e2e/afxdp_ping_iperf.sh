#!/bin/bash
# Two namespaces behind AF_XDP ports of one bridge: ping loses nothing, a
# short iperf3 TCP run moves data, port-stats counted the traffic.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

SOCK=$E2E_TMP/vs.sock
ns_pair 1 10.77.0.1
ns_pair 2 10.77.0.2
NS1=$(ns_of 1)
NS2=$(ns_of 2)
write_config "$E2E_TMP/switch.yaml" "$SOCK" <<YAML
bridges:
  - name: br0
    ports:
      - {name: p1, type: af_xdp, iface: $(host_if 1)}
      - {name: p2, type: af_xdp, iface: $(host_if 2)}
YAML
start_daemon "$E2E_TMP/switch.yaml" "$SOCK" "$E2E_TMP/vswitchd.log"
ok "vswitchd running (pid $DAEMON_PID)"

# ping -c 5: nothing lost.
out=$(ip netns exec "$NS1" ping -c 5 -i 0.2 -W 2 10.77.0.2 2>&1) || { echo "$out"; fail "ping failed"; }
echo "$out" | tail -2
grep -q "5 packets transmitted, 5 received, 0% packet loss" <<<"$out" || fail "ping lost packets"
ok "ping: 5/5"

# The MAC table learned both namespaces on the right ports.
fdb=$(vsctl "$SOCK" --json fdb-show br0)
mac1=$(ip -n "$NS1" -br link show eth0 | awk '{print $3}')
mac2=$(ip -n "$NS2" -br link show eth0 | awk '{print $3}')
[ "$(json_get "sorted((e['port'], e['mac']) for e in d['entries'])" <<<"$fdb")" = \
  "[('p1', '$mac1'), ('p2', '$mac2')]" ] || fail "fdb-show br0: $fdb"
ok "fdb: $mac1 on p1, $mac2 on p2"

# Counters: at least the 5 requests and 5 replies (plus ARP).
for p in p1 p2; do
	rx=$(port_stat "$SOCK" "$p" rx_packets)
	tx=$(port_stat "$SOCK" "$p" tx_packets)
	drops=$(port_stat "$SOCK" "$p" drops_total)
	[ "$rx" -ge 5 ] && [ "$tx" -ge 5 ] || fail "port-stats $p: rx $rx tx $tx, expected >= 5 each"
	[ "$drops" = 0 ] || fail "port-stats $p: $drops drops"
	ok "port-stats $p: rx $rx, tx $tx, no drops"
done
rx1_before=$(port_stat "$SOCK" p1 rx_packets)

# iperf3: server in ns2 for one test, client in ns1 for 3 s.
ip netns exec "$NS2" timeout 30 iperf3 -s -1 -p 5201 -B 10.77.0.2 >"$E2E_TMP/iperf3-server.log" 2>&1 &
E2E_PIDS+=($!)
for _ in $(seq 50); do
	ip netns exec "$NS2" ss -ltn | grep -q "10.77.0.2:5201" && break
	sleep 0.1
done
ip netns exec "$NS2" ss -ltn | grep -q "10.77.0.2:5201" || fail "iperf3 server did not start"
ip netns exec "$NS1" timeout 30 iperf3 -c 10.77.0.2 -p 5201 -t 3 -J >"$E2E_TMP/iperf3.json" 2>&1 ||
	{ show_file "$E2E_TMP/iperf3.json"; fail "iperf3 client failed"; }
bps=$(json_get "int(d['end']['sum_received']['bits_per_second'])" <"$E2E_TMP/iperf3.json")
bytes=$(json_get "int(d['end']['sum_received']['bytes'])" <"$E2E_TMP/iperf3.json")
[ "$bps" -gt 0 ] && [ "$bytes" -gt 0 ] || fail "iperf3 moved nothing: $bytes bytes, $bps bit/s"
ok "iperf3: $bytes bytes received, $(awk -v b="$bps" 'BEGIN { printf "%.1f Mbit/s", b / 1e6 }')"

# The switch carried those bytes: p1 received at least the payload.
rx1_bytes=$(port_stat "$SOCK" p1 rx_bytes)
tx2_bytes=$(port_stat "$SOCK" p2 tx_bytes)
[ "$rx1_bytes" -ge "$bytes" ] && [ "$tx2_bytes" -ge "$bytes" ] ||
	fail "port-stats: p1 rx $rx1_bytes bytes, p2 tx $tx2_bytes bytes < iperf3's $bytes"
rx1=$(port_stat "$SOCK" p1 rx_packets)
[ "$rx1" -gt $((rx1_before + 1000)) ] || fail "port-stats p1: rx $rx1 packets, expected > $((rx1_before + 1000))"
ok "port-stats: p1 rx $rx1_bytes bytes ($rx1 packets), p2 tx $tx2_bytes bytes"

stop_daemon "$DAEMON_PID"
[ "$DAEMON_RC" = 0 ] || fail "vswitchd exited with $DAEMON_RC"
ok "vswitchd stopped (exit 0 in $DAEMON_STOP_MS ms)"
