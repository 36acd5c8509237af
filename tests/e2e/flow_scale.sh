#!/bin/bash
# Flow tables at scale: 100,000 rules installed in one add-flows JSON-RPC
# request (a ~7 MB line) must take less than 5 s; dump-flows reports them
# (n_rules, n_tuples); two namespaces behind AF_XDP ports ping through two
# of the rules (their counters move, the MAC table never learns the
# destinations); del-flows of all of them is timed too and the bridge is a
# learning switch again. Then the same rules come from switch.yaml: the
# time from starting vswitchd to its answering is printed, and the rules
# forward again.
#
# The rules (100,000):
#   99,000  priority=100,in_port=p1,dl_dst=02:00:xx:xx:xx:xx,actions=output:p2
#      900  priority=100,in_port=p2,dl_dst=02:01:00:00:xx:xx,actions=output:p1
#       95  priority=200,ip,nw_dst=10.200.N.0/24,actions=drop
#        4  priority=300,udp,tp_dst=900N,actions=drop
#        1  priority=10,arp,actions=normal
# 4 distinct masks: n_tuples 4. Namespace 1's MAC is the dl_dst of one
# in_port=p2 rule, namespace 2's MAC that of in_port=p1 rule 77,777.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

N_RULES=100000
ADD_LIMIT_MS=5000
DEL_LIMIT_MS=5000
START_LIMIT_MS=30000
SOCK=$E2E_TMP/vs.sock
MAC1=02:01:00:00:00:07                  # in_port=p2 rule 7
MAC2=02:00:00:01:2f:d1                  # in_port=p1 rule 77,777 (0x12fd1)
RULE1="priority=100,in_port=p2,dl_dst=$MAC1"
RULE2="priority=100,in_port=p1,dl_dst=$MAC2"

ns_pair 1 10.79.0.1
ns_pair 2 10.79.0.2
NS1=$(ns_of 1)
NS2=$(ns_of 2)
ip -n "$NS1" link set eth0 address "$MAC1"
ip -n "$NS2" link set eth0 address "$MAC2"

# flowtool: rules, YAML and JSON-RPC requests (one line of JSON each way
# over the daemon's socket).
cat >"$E2E_TMP/flowtool.py" <<'PY'
import json, socket, sys, time

def rules():
    r = ["priority=100,in_port=p1,dl_dst=02:00:%02x:%02x:%02x:%02x,actions=output:p2"
         % (i >> 24 & 255, i >> 16 & 255, i >> 8 & 255, i & 255) for i in range(99000)]
    r += ["priority=100,in_port=p2,dl_dst=02:01:00:00:%02x:%02x,actions=output:p1"
          % (i >> 8, i & 255) for i in range(900)]
    r += ["priority=200,ip,nw_dst=10.200.%d.0/24,actions=drop" % i for i in range(95)]
    r += ["priority=300,udp,tp_dst=%d,actions=drop" % (9000 + i) for i in range(4)]
    r += ["priority=10,arp,actions=normal"]
    return r

def rpc(sock, method, params):
    """(result, seconds from sending the request to reading the whole answer)."""
    line = (json.dumps({"jsonrpc": "2.0", "id": 1, "method": method, "params": params})
            + "\n").encode()
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(60)
    s.connect(sock)
    t0 = time.monotonic()
    s.sendall(line)
    buf = bytearray()
    while not buf.endswith(b"\n"):
        chunk = s.recv(1 << 20)
        if not chunk:
            break
        buf += chunk
    dt = time.monotonic() - t0
    s.close()
    resp = json.loads(buf)
    if "error" in resp:
        sys.exit("%s: %s" % (method, json.dumps(resp["error"])[:2000]))
    return resp["result"], dt, len(line)

cmd, sock = sys.argv[1], sys.argv[2]
if cmd == "add":                # add SOCK: all the rules in one add-flows
    res, dt, n = rpc(sock, "add-flows", {"bridge": "br0", "flows": rules()})
    print("%d %d %d" % (res["added"], dt * 1000, n))
elif cmd == "del":              # del SOCK: del-flows without a match
    res, dt, n = rpc(sock, "del-flows", {"bridge": "br0"})
    print("%d %d" % (res["deleted"], dt * 1000))
elif cmd == "dump":             # dump SOCK MATCH: n_rules n_tuples and the selected rules
    res, dt, n = rpc(sock, "dump-flows", {"bridge": "br0", "match": sys.argv[3]})
    print(json.dumps(res))
elif cmd == "yaml":             # yaml SOCK IFACE1 IFACE2 > switch.yaml
    out = ["dpdk: {memory_mb: auto}", "pmd: {cores: auto}", "control: {socket: %s}" % sock,
           "bridges:", "  - name: br0", "    ports:",
           "      - {name: p1, type: af_xdp, iface: %s}" % sys.argv[3],
           "      - {name: p2, type: af_xdp, iface: %s}" % sys.argv[4],
           "    flows:"]
    out += ['      - "%s"' % r for r in rules()]
    sys.stdout.write("\n".join(out) + "\n")
PY
flowtool() { "$E2E_PY" "$E2E_TMP/flowtool.py" "$@"; }

# check_table WHAT N_RULES N_TUPLES: dump-flows of the two rules the pings use.
check_table() {
	local d
	d=$(flowtool dump "$SOCK" "in_port=p1,dl_dst=$MAC2") || fail "$1: dump-flows failed"
	[ "$(json_get "(d['n_rules'], d['n_tuples'])" <<<"$d")" = "($2, $3)" ] ||
		fail "$1: dump-flows: n_rules/n_tuples $(json_get "(d['n_rules'], d['n_tuples'])" <<<"$d"), expected ($2, $3)"
	ok "$1: n_rules $2, n_tuples $3"
}

# rule_packets MATCH: n_packets of the one rule MATCH selects.
rule_packets() {
	flowtool dump "$SOCK" "$1" | json_get "[f['n_packets'] for f in d['flows']]"
}

# pings_through_rules WHAT: ping both ways; the two rules took the frames
# and the MAC table never learned the destinations (normal never saw them).
pings_through_rules() {
	local p1 p2 fdb
	# ARP again: the request goes through the arp rule (normal), the reply
	# through the in_port=p2 rule.
	ip -n "$NS1" neigh flush all
	ip -n "$NS2" neigh flush all
	ping_ok "$NS1" 10.79.0.2 3 || fail "$1: ns1 does not ping ns2"
	ping_ok "$NS2" 10.79.0.1 2 || fail "$1: ns2 does not ping ns1"
	p1=$(rule_packets "in_port=p1,dl_dst=$MAC2")
	p2=$(rule_packets "in_port=p2,dl_dst=$MAC1")
	[[ "$p1" =~ ^\[([0-9]+)\]$ ]] && [ "${BASH_REMATCH[1]}" -ge 5 ] ||
		fail "$1: rule '$RULE2' n_packets $p1, expected [>= 5] (3 requests, 2 replies)"
	[[ "$p2" =~ ^\[([0-9]+)\]$ ]] && [ "${BASH_REMATCH[1]}" -ge 5 ] ||
		fail "$1: rule '$RULE1' n_packets $p2, expected [>= 5]"
	fdb=$(vsctl "$SOCK" --json fdb-show br0 | json_get "sorted(e['mac'] for e in d['entries'])")
	grep -q "$MAC2" <<<"$fdb" && fail "$1: $MAC2 learned ($fdb): frames to it went to the learning switch"
	ok "$1: pings both ways through the rules (n_packets $p1 and $p2; MAC table $fdb)"
}

write_config "$E2E_TMP/switch.yaml" "$SOCK" <<YAML
bridges:
  - name: br0
    ports:
      - {name: p1, type: af_xdp, iface: $(host_if 1)}
      - {name: p2, type: af_xdp, iface: $(host_if 2)}
YAML
t0=$(date +%s%N)
start_daemon "$E2E_TMP/switch.yaml" "$SOCK" "$E2E_TMP/vswitchd.log"
start0_ms=$((($(date +%s%N) - t0) / 1000000))
ok "vswitchd running (pid $DAEMON_PID), start-up without flows: $start0_ms ms"
ping_ok "$NS1" 10.79.0.2 || fail "no ping without rules"

# 1. 100,000 rules in one add-flows request.
read -r added add_ms add_bytes < <(flowtool add "$SOCK") || fail "add-flows failed"
[ "$added" = "$N_RULES" ] || fail "add-flows added $added rules, expected $N_RULES"
log "add-flows: $N_RULES rules in one request of $add_bytes bytes: $add_ms ms"
[ "$add_ms" -lt "$ADD_LIMIT_MS" ] || fail "add-flows of $N_RULES rules took $add_ms ms (limit $ADD_LIMIT_MS)"
ok "add-flows of $N_RULES rules: $add_ms ms (< $ADD_LIMIT_MS)"
check_table "after add-flows" "$N_RULES" 4

# The same request again: every rule is replaced (same match and priority),
# none added.
read -r added re_ms _ < <(flowtool add "$SOCK") || fail "add-flows (replace) failed"
log "add-flows replacing $N_RULES rules: $re_ms ms"
[ "$re_ms" -lt "$ADD_LIMIT_MS" ] || fail "add-flows replacing $N_RULES rules took $re_ms ms (limit $ADD_LIMIT_MS)"
check_table "after replacing them" "$N_RULES" 4
vsctl "$SOCK" fdb-flush br0 >/dev/null
pings_through_rules "after add-flows"

# 2. del-flows of all of them: plain learning switch again.
read -r deleted del_ms < <(flowtool del "$SOCK") || fail "del-flows failed"
[ "$deleted" = "$N_RULES" ] || fail "del-flows deleted $deleted rules, expected $N_RULES"
log "del-flows: $N_RULES rules: $del_ms ms"
[ "$del_ms" -lt "$DEL_LIMIT_MS" ] || fail "del-flows of $N_RULES rules took $del_ms ms (limit $DEL_LIMIT_MS)"
ok "del-flows of $N_RULES rules: $del_ms ms (< $DEL_LIMIT_MS)"
check_table "after del-flows" 0 0
ping_ok "$NS1" 10.79.0.2 2 || fail "no ping after del-flows"
vsctl "$SOCK" --json fdb-show br0 | grep -q "$MAC2" || fail "learning switch: $MAC2 not learned after del-flows"
ok "after del-flows: learning switch (ping, $MAC2 learned)"

stop_daemon "$DAEMON_PID" 10
[ "$DAEMON_RC" = 0 ] || fail "vswitchd exited with $DAEMON_RC"
ok "stopped in $DAEMON_STOP_MS ms"

# 3. The same rules from switch.yaml: time to ready.
flowtool yaml "$SOCK" "$(host_if 1)" "$(host_if 2)" >"$E2E_TMP/switch-100k.yaml"
log "switch.yaml with $N_RULES flows: $(stat -c %s "$E2E_TMP/switch-100k.yaml") bytes"
t0=$(date +%s%N)
start_daemon "$E2E_TMP/switch-100k.yaml" "$SOCK" "$E2E_TMP/vswitchd-100k.log"
start_ms=$((($(date +%s%N) - t0) / 1000000))
log "vswitchd start-up with $N_RULES flows in switch.yaml, to answering: $start_ms ms"
grep -q "bridge br0: $N_RULES flow rule(s) installed" "$E2E_TMP/vswitchd-100k.log" ||
	fail "the log does not say the $N_RULES rules were installed"
[ "$start_ms" -lt "$START_LIMIT_MS" ] || fail "start-up took $start_ms ms (limit $START_LIMIT_MS)"
ok "start-up with $N_RULES flows: $start_ms ms"
check_table "from switch.yaml" "$N_RULES" 4
pings_through_rules "from switch.yaml"

stop_daemon "$DAEMON_PID" 10
[ "$DAEMON_RC" = 0 ] || fail "vswitchd exited with $DAEMON_RC"
ok "stopped in $DAEMON_STOP_MS ms"
assert_no_xdp "$(host_if 1)" "$(host_if 2)"
assert_no_hugepage_files
log "times: add-flows ${add_ms} ms (replacing: ${re_ms} ms), del-flows ${del_ms} ms, start-up from YAML ${start_ms} ms ($N_RULES rules; ${start0_ms} ms without)"
