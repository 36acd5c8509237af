#!/bin/bash
# Bad configuration files: vswitchd exits 2 with one "FILE:LINE:COL: ..."
# message and leaves nothing behind (no control socket, no hugepage file, no
# XDP program); a failure after start-up began exits 1 and cleans up too.
# --check-config accepts the demo config. A second daemon on the socket of
# a running one is refused, and the first keeps working.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

SOCK=$E2E_TMP/vs.sock
ns_pair 1 10.81.0.1
ns_pair 2 10.81.0.2
H1=$(host_if 1)
H2=$(host_if 2)
ROOT=${SOURCE_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}

# bad EXIT WHERE SUBSTRING...: the config on stdin makes vswitchd exit with
# EXIT; for exit 2 stderr is one line "vswitchd: FILE:LINE:COL: ...", where
# LINE:COL is WHERE when it has that form, else the first place where the
# text WHERE appears in the file ("-": not checked).
n=0
bad() {
	local want_rc=$1 pos=$2 rc=0 f
	shift 2
	n=$((n + 1))
	f="$E2E_TMP/bad$n.yaml"
	{ echo "control: {socket: $SOCK}"; cat; } >"$f"
	timeout 30 "$VSWITCHD" --config "$f" >"$E2E_TMP/bad.out" 2>"$E2E_TMP/bad.err" || rc=$?
	if [ "$rc" != "$want_rc" ]; then
		soft_fail "config #$n: exit $rc, expected $want_rc: $(grep -v -E 'libbpf|libxdp' "$E2E_TMP/bad.err" | tail -1)"
	fi
	if [[ ! "$pos" =~ ^[0-9]+:[0-9]+$ ]] && [ "$pos" != - ]; then
		pos=$(awk -v t="$pos" 'i = index($0, t) { print NR ":" i; exit }' "$f")
	fi
	if [ "$want_rc" = 2 ] && [ "$rc" = 2 ]; then
		[ "$(wc -l <"$E2E_TMP/bad.err")" = 1 ] || soft_fail "config #$n: stderr is not one line: $(cat "$E2E_TMP/bad.err")"
		[ "$pos" = - ] || grep -q "^vswitchd: $f:$pos: " "$E2E_TMP/bad.err" ||
			soft_fail "config #$n: stderr does not start with 'vswitchd: $f:$pos: ': $(cat "$E2E_TMP/bad.err")"
	fi
	for s in "$@"; do
		grep -qF -- "$s" "$E2E_TMP/bad.err" || soft_fail "config #$n: stderr lacks '$s': $(tail -3 "$E2E_TMP/bad.err")"
	done
	[ -e "$SOCK" ] && soft_fail "config #$n: control socket $SOCK left behind"
	assert_no_hugepage_files
	for v in "$H1" "$H2"; do
		ip link show dev "$v" | grep -q xdp && soft_fail "config #$n: XDP program left on $v"
	done
	log "config #$n: exit $rc: $(grep -v -E 'libbpf|libxdp' "$E2E_TMP/bad.err" | tail -1)"
}

bad 2 "portz" "bridges[0] 'br0'.portz: unknown key" "expected one of" <<'YAML'
bridges:
  - name: br0
    ports: []
    portz: []
YAML
bad 2 "vhost-usr" "bridges[0].ports[1] 'vm1'.type" "unknown port type 'vhost-usr'" <<YAML
bridges:
  - name: br0
    ports:
      - {name: p1, type: af_xdp, iface: $H1}
      - {name: vm1, type: vhost-usr}
YAML
bad 2 "5000" "vlan.tag" "VLAN 5000 out of range (expected 1..4094)" <<YAML
bridges:
  - name: br0
    ports:
      - {name: p1, type: af_xdp, iface: $H1}
      - name: p2
        type: af_xdp
        iface: $H2
        vlan:
          tag: 5000
YAML
bad 2 5:1 "syntax error" <<'YAML'
bridges:
  - name: br0
    ports: [
YAML
bad 2 "p1, type: af_xdp, iface: $H2" "duplicate port name 'p1'" "first at" <<YAML
bridges:
  - name: br0
    ports:
      - {name: p1, type: af_xdp, iface: $H1}
  - name: br1
    ports:
      - {name: p1, type: af_xdp, iface: $H2}
YAML
bad 2 "nowhere" "patch peer 'nowhere' does not exist" <<YAML
bridges:
  - name: br0
    ports:
      - {name: p1, type: af_xdp, iface: $H1}
      - {name: up, type: patch, peer: nowhere}
YAML
bad 2 "20000" "mtu" "20000 out of range" <<YAML
bridges:
  - {name: br0, ports: [{name: p1, type: af_xdp, iface: $H1, mtu: 20000}]}
YAML
bad 2 "{name: p2, type: af_xdp, iface: vsnosuchif0}" "interface 'vsnosuchif0' does not exist" <<YAML
bridges:
  - name: br0
    ports:
      - {name: p1, type: af_xdp, iface: $H1}
      - {name: p2, type: af_xdp, iface: vsnosuchif0}
YAML
bad 2 "$(($(nproc --all) + 7))]" "pmd.cores[0]" "not online" <<YAML
pmd: {cores: [$(($(nproc --all) + 7))]}
bridges:
  - {name: br0, ports: [{name: p1, type: af_xdp, iface: $H1}]}
YAML
# Two ports on one interface can be seen in the file.
bad 2 - "$H1" <<YAML
bridges:
  - name: br0
    ports:
      - {name: p1, type: af_xdp, iface: $H1}
      - {name: p2, type: af_xdp, iface: $H1}
YAML
# Only DPDK can tell: start-up began (exit 1); the first port's XDP program
# must be gone again.
bad 1 - "net_nosuchdriver0" <<YAML
bridges:
  - name: br0
    ports:
      - {name: p1, type: af_xdp, iface: $H1}
      - {name: p2, type: dpdk, devargs: net_nosuchdriver0}
YAML
out=$("$VSWITCHD" --config "$E2E_TMP/nosuch.yaml" 2>&1) && fail "a missing config file was accepted"
grep -qF "$E2E_TMP/nosuch.yaml" <<<"$out" || soft_fail "missing file: message does not name it: $out"
ok "$n bad configs and a missing file refused"

# --check-config: the demo config is valid; a bad one gives the same message.
out=$("$VSWITCHD" --check-config "$ROOT/config/examples/demo.yaml" 2>&1) || fail "--check-config demo.yaml: $out"
grep -q "OK" <<<"$out" || soft_fail "--check-config demo.yaml printed: $out"
rc=0
out=$("$VSWITCHD" --check-config "$E2E_TMP/bad1.yaml" 2>&1) || rc=$?
[ "$rc" = 2 ] && grep -q "^vswitchd: $E2E_TMP/bad1.yaml:5:5: " <<<"$out" ||
	soft_fail "--check-config bad1.yaml: exit $rc: $out"
ok "--check-config: demo.yaml OK, bad file exit 2"

# A second daemon on the socket of a running one.
write_config "$E2E_TMP/switch.yaml" "$SOCK" <<YAML
bridges:
  - name: br0
    ports:
      - {name: p1, type: af_xdp, iface: $H1}
      - {name: p2, type: af_xdp, iface: $H2}
YAML
start_daemon "$E2E_TMP/switch.yaml" "$SOCK" "$E2E_TMP/vswitchd.log"
FIRST=$DAEMON_PID
ping_ok "$(ns_of 1)" 10.81.0.2 || fail "first daemon: no ping"
rc=0
timeout 30 "$VSWITCHD" --config "$E2E_TMP/switch.yaml" >"$E2E_TMP/second.log" 2>&1 || rc=$?
[ "$rc" = 2 ] || { show_file "$E2E_TMP/second.log"; soft_fail "second daemon on $SOCK: exit $rc, expected 2"; }
grep -qF "another vswitchd is already serving $SOCK" "$E2E_TMP/second.log" ||
	soft_fail "second daemon: unclear message: $(cat "$E2E_TMP/second.log")"
log "second daemon: exit $rc: $(tail -1 "$E2E_TMP/second.log")"
[ -S "$SOCK" ] || fail "the second daemon removed the first one's socket"
pid=$(vsctl "$SOCK" --json show | json_get "d['pid']") || fail "first daemon does not answer"
[ "$pid" = "$FIRST" ] || fail "socket answered by pid $pid, not the first daemon ($FIRST)"
ping_ok "$(ns_of 1)" 10.81.0.2 3 || fail "first daemon: no ping after the second one was refused"
ok "second daemon refused; the first answers and forwards"
stop_daemon "$FIRST"
[ "$DAEMON_RC" = 0 ] || fail "vswitchd exited with $DAEMON_RC"
e2e_soft_verdict
