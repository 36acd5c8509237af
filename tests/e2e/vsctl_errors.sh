#!/bin/bash
# Bad vsctl commands and malformed control messages are refused with a
# non-zero exit and a clear message, and change nothing: `vsctl --json
# show` is byte-identical after each of them, the daemon still answers and
# traffic between two AF_XDP ports still flows.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

SOCK=$E2E_TMP/vs.sock
ns_pair 1 10.80.0.1
ns_pair 2 10.80.0.2
ns_pair 3 10.80.0.3       # an interface no port uses
write_config "$E2E_TMP/switch.yaml" "$SOCK" <<YAML
bridges:
  - name: br0
    ports:
      - {name: p1, type: af_xdp, iface: $(host_if 1), vlan: {tag: 10}}
      - {name: p2, type: af_xdp, iface: $(host_if 2), vlan: {mode: trunk, trunks: [10, 20], native: 10}}
      - {name: up, type: patch, peer: dn}
  - name: br1
    ports:
      - {name: dn, type: patch, peer: up}
YAML
start_daemon "$E2E_TMP/switch.yaml" "$SOCK" "$E2E_TMP/vswitchd.log"
ping_ok "$(ns_of 1)" 10.80.0.2 3 || fail "no ping before the bad commands"
vsctl "$SOCK" --json show >"$E2E_TMP/show.before"

# refuse RC SUBSTRING VSCTL-ARGS...: vsctl exits with RC, stderr has
# SUBSTRING, and the switch is unchanged.
n=0
refuse() {
	local want_rc=$1 msg=$2 rc=0
	shift 2
	n=$((n + 1))
	"$VSCTL" --socket "$SOCK" --timeout 10 "$@" >"$E2E_TMP/out" 2>"$E2E_TMP/err" || rc=$?
	if [ "$rc" != "$want_rc" ]; then
		soft_fail "vsctl $*: exit $rc, expected $want_rc (stderr: $(cat "$E2E_TMP/err"))"
	elif ! grep -qF -- "$msg" "$E2E_TMP/err"; then
		soft_fail "vsctl $*: stderr '$(cat "$E2E_TMP/err")' lacks '$msg'"
	elif [ -s "$E2E_TMP/out" ]; then
		soft_fail "vsctl $*: printed on stdout: $(cat "$E2E_TMP/out")"
	else
		log "refused as expected: vsctl $* -> $(cat "$E2E_TMP/err")"
	fi
	vsctl "$SOCK" --json show >"$E2E_TMP/show.after" || fail "vsctl show failed after vsctl $*"
	cmp -s "$E2E_TMP/show.before" "$E2E_TMP/show.after" ||
		soft_fail "vsctl $* changed the switch: $(diff "$E2E_TMP/show.before" "$E2E_TMP/show.after" | head -20)"
}

H2=$(host_if 2)
H3=$(host_if 3)
# Refused by vswitchd (exit 1).
refuse 1 "no bridge named 'nosuch'" add-port nosuch p9 type=dpdk devargs=net_null9
refuse 1 "port 'p1' already exists" add-port br0 p1 type=af_xdp "iface=$H3"
refuse 1 "port 'dn' already exists" add-port br0 dn type=af_xdp "iface=$H3"
refuse 1 "VLAN 5000 out of range" add-port br0 p9 type=af_xdp "iface=$H3" tag=5000
refuse 1 "VLAN 5000 out of range" set-port p1 tag=5000
refuse 1 "unknown port type 'vhost-usr'" add-port br0 p9 type=vhost-usr
refuse 1 "interface 'vsnosuchif0' does not exist" add-port br0 p9 type=af_xdp iface=vsnosuchif0
refuse 1 "net_nosuchdriver0" add-port br0 p9 type=dpdk devargs=net_nosuchdriver0
refuse 1 "$H2" add-port br0 p9 type=af_xdp "iface=$H2"
refuse 1 "no port named 'nosuch'" del-port nosuch
refuse 1 "no port named 'nosuch'" del-port br0 nosuch
refuse 1 "port 'p1' is in bridge 'br0', not 'br1'" del-port br1 p1
refuse 1 "cannot be changed on a running port" set-port p1 type=dpdk
refuse 1 "cannot be changed on a running port" set-port p1 "iface=$H3"
refuse 1 "cannot be changed on a running port" set-port up peer=p1
refuse 1 "no port named 'nosuch'" set-port nosuch tag=10
refuse 1 "mtu" set-port p1 mtu=20000
refuse 1 "native VLAN 30 is not in trunks" set-port p2 trunks=10,20 native=30
refuse 1 "bridge 'br0' already exists" add-br br0
refuse 1 "mac_aging_s" add-br br9 mac_aging_s=0
refuse 1 "no bridge named 'nosuch'" del-br nosuch
refuse 1 "own peer" add-port br0 p9 type=patch peer=p9
refuse 1 "not a patch port" add-port br1 p9 type=patch peer=p1
refuse 1 "paired with" add-port br1 p9 type=patch peer=up
refuse 1 "no bridge named 'nosuch'" fdb-show nosuch
refuse 1 "no port named 'nosuch'" port-stats nosuch
# Refused by vsctl itself (usage, exit 2).
refuse 2 "unknown command 'frobnicate'" frobnicate
refuse 2 "missing arguments" add-port br0
refuse 2 "missing type=TYPE" add-port br0 p9 iface=x
refuse 2 "expected key=value" add-port br0 p9 type=dpdk junk
refuse 2 "duplicate key 'tag'" set-port p1 tag=10 tag=20
refuse 2 "too long" add-br "$(printf 'b%.0s' $(seq 40))"
# No daemon there (exit 3).
refuse 3 "cannot connect" --socket "$E2E_TMP/nosuch.sock" version
ok "$n bad commands tried"

# Malformed messages on the socket: each gets a JSON-RPC error; several on
# one connection are answered in order; the daemon lives on.
"$E2E_PY" - "$SOCK" <<'PY' || soft_fail "malformed control messages: see above"
import json, socket, sys

def connect():
    s = socket.socket(socket.AF_UNIX)
    s.settimeout(5)
    s.connect(sys.argv[1])
    return s

def answers(s, n):
    buf = b""
    while buf.count(b"\n") < n:
        c = s.recv(1 << 20)
        if not c:
            break
        buf += c
    return [json.loads(l) for l in buf.split(b"\n") if l]

cases = [
    (b"this is not json\n", -32700, "parse error"),
    (b"\x00\xff\xfe\n", -32700, "parse error"),
    (b"[1, 2, 3]\n", -32600, "batch"),
    (b'{"id": 5, "method": "version"}\n', -32600, "jsonrpc"),
    (b'{"jsonrpc": "2.0", "id": 1, "method": "frobnicate"}\n', -32601, "frobnicate"),
    (b'{"jsonrpc": "2.0", "id": 2, "method": "show", "params": [1]}\n', -32602, "params"),
    (b'{"jsonrpc": "2.0", "id": 3, "method": "add-port", "params": {"bridge": "br0", '
     b'"port": "x", "options": {"type": 5}}}\n', -32000, "expected a string"),
    (b'{"jsonrpc": "2.0", "id": 4, "method": "del-br", "params": {"bridge": 7}}\n', -32000, "bridge"),
    # Over the 64 MiB request limit: refused once the limit is passed.
    (b"x" * (64 << 20 | 10), -32600, "longer than"),
]
bad = 0
for data, code, text in cases:
    s = connect()
    try:
        s.sendall(data)
    except (BrokenPipeError, ConnectionResetError):
        pass    # the daemon answered and hung up before taking it all
    a = answers(s, 1)
    s.close()
    err = a[0].get("error", {}) if a else {}
    if err.get("code") != code or text not in err.get("message", ""):
        print("  %r...: got %r, expected code %d with %r" % (data[:40], a, code, text))
        bad += 1
    else:
        print("  %r... -> %d %s" % (data[:40], code, err["message"][:70]))
# A garbage line then a good request on the same connection.
s = connect()
s.sendall(b'garbage\n{"jsonrpc": "2.0", "id": 9, "method": "version"}\n')
a = answers(s, 2)
s.close()
if len(a) != 2 or a[0].get("error", {}).get("code") != -32700 or a[1].get("id") != 9 or "result" not in a[1]:
    print("  garbage + version on one connection: got %r" % a)
    bad += 1
# A half message, then the connection closes.
s = connect()
s.sendall(b'{"jsonrpc": "2.0", "id": 10, "meth')
s.close()
sys.exit(1 if bad else 0)
PY
vsctl "$SOCK" --json show >"$E2E_TMP/show.after" || fail "vswitchd does not answer after the malformed messages"
cmp -s "$E2E_TMP/show.before" "$E2E_TMP/show.after" || soft_fail "malformed messages changed the switch"
ok "malformed messages refused, daemon answers"

# Traffic still flows through the ports the refused commands named.
kill -0 "$DAEMON_PID" || fail "vswitchd died"
if ping_ok "$(ns_of 1)" 10.80.0.2 3; then
	ok "traffic still flows"
else
	soft_fail "ping p1 -> p2 fails after the refused commands ($(ip link show dev "$H2" | grep -q xdp && echo "XDP program still on $H2" || echo "no XDP program left on $H2"))"
fi
stop_daemon "$DAEMON_PID"
[ "$DAEMON_RC" = 0 ] || fail "vswitchd exited with $DAEMON_RC"
e2e_soft_verdict
