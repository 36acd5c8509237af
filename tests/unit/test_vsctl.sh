#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
#
# vsctl end to end against a fake control socket: the request line it sends,
# what it prints, and its exit status for each kind of answer.
#
# usage: test_vsctl.sh VSCTL FAKE_SERVER_PY
set -u

VSCTL=${1:?usage: test_vsctl.sh VSCTL FAKE_SERVER_PY}
SERVER=${2:?usage: test_vsctl.sh VSCTL FAKE_SERVER_PY}
PYTHON=${PYTHON:-python3}

TMP=$(mktemp -d /tmp/test_vsctl.XXXXXX) || exit 1
SOCK=$TMP/vswitchd.sock
SERVER_PID=
FAILED=0
N=0

cleanup() {
	if [ -n "$SERVER_PID" ]; then
		kill "$SERVER_PID" 2>/dev/null
		wait "$SERVER_PID" 2>/dev/null
	fi
	rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

fail() {
	echo "FAIL: $CASE: $*"
	FAILED=$((FAILED + 1))
}

# start_server REPLY: a fake daemon answering REPLY to one request.
start_server() {
	rm -f "$SOCK" "$TMP/request"
	"$PYTHON" "$SERVER" "$SOCK" "$TMP/request" "$1" &
	SERVER_PID=$!
	i=0
	while [ ! -S "$SOCK" ]; do
		i=$((i + 1))
		if [ $i -gt 100 ]; then
			echo "fake server did not start"
			exit 1
		fi
		sleep 0.05
	done
}

stop_server() {
	kill "$SERVER_PID" 2>/dev/null
	wait "$SERVER_PID" 2>/dev/null
	SERVER_PID=
}

# run ARGS...: vsctl on the fake socket; sets RC, OUT, ERR.
run() {
	"$VSCTL" --socket "$SOCK" "$@" >"$TMP/out" 2>"$TMP/err"
	RC=$?
	OUT=$(cat "$TMP/out")
	ERR=$(cat "$TMP/err")
}

# check NAME RC STDOUT STDERR [REQUEST]: compare with the last run.
check() {
	CASE=$1
	N=$((N + 1))
	[ "$RC" = "$2" ] || fail "exit status $RC, expected $2"
	[ "$OUT" = "$3" ] || fail "stdout:
$OUT
expected:
$3"
	[ "$ERR" = "$4" ] || fail "stderr:
$ERR
expected:
$4"
	if [ $# -ge 5 ]; then
		REQ=$(cat "$TMP/request" 2>/dev/null)
		[ "$REQ" = "$5" ] || fail "request:
$REQ
expected:
$5"
	fi
}

# Success: the request on the wire and the text printed.
start_server '{"jsonrpc":"2.0","id":1,"result":{"bridges":["br0","br1"]}}'
run list-br
wait "$SERVER_PID"; SERVER_PID=
check list-br 0 "br0
br1" "" '{"jsonrpc":"2.0","id":1,"method":"list-br","params":{}}'

start_server '{"jsonrpc":"2.0","id":1,"result":{"bridges":["br0"]}}'
run list-br --json
wait "$SERVER_PID"; SERVER_PID=
check list-br-json 0 '{
  "bridges": [
    "br0"
  ]
}' ""

start_server '{"jsonrpc":"2.0","id":1,"result":{}}'
run add-port br0 ns1 type=af_xdp iface=veth-ns1 tag=10
wait "$SERVER_PID"; SERVER_PID=
check add-port 0 "" "" \
	'{"jsonrpc":"2.0","id":1,"method":"add-port","params":{"bridge":"br0","port":"ns1","options":{"type":"af_xdp","iface":"veth-ns1","tag":"10"}}}'

start_server '{"jsonrpc":"2.0","id":1,"result":{"entries":[{"port":"ns1","vlan":0,"mac":"52:54:00:00:00:01","age":3}]}}'
run fdb-show br0
wait "$SERVER_PID"; SERVER_PID=
check fdb-show 0 " port  VLAN  MAC                Age
 ns1      0  52:54:00:00:00:01    3" "" \
	'{"jsonrpc":"2.0","id":1,"method":"fdb-show","params":{"bridge":"br0"}}'

# The daemon refuses: its message, status 1.
start_server '{"jsonrpc":"2.0","id":1,"error":{"code":-32000,"message":"bridge '"'"'br9'"'"' not found"}}'
run del-br br9
wait "$SERVER_PID"; SERVER_PID=
check refused 1 "" "vsctl: bridge 'br9' not found" \
	'{"jsonrpc":"2.0","id":1,"method":"del-br","params":{"bridge":"br9"}}'

# No usable answer: status 3.
start_server 'Segmentation fault'
run show
wait "$SERVER_PID"; SERVER_PID=
check garbage 3 "" "vsctl: malformed response: column 12: invalid token near 'Segmentation'"

start_server '@close'
run version
wait "$SERVER_PID"; SERVER_PID=
check closed 3 "" "vsctl: $SOCK: connection closed without an answer"

start_server '@hang'
run --timeout 0.3 pmd-stats
stop_server
check timeout 3 "" "vsctl: timed out after 0.3 s waiting for an answer from $SOCK"

# Usage errors: status 2 and nothing sent (the server sees no request).
start_server '{"jsonrpc":"2.0","id":1,"result":{}}'
run add-port br0 ns1 foo
check usage-kv 2 "" "vsctl: add-port: expected key=value, got 'foo'"
run set-port p1 mtu=1 mtu=2
check usage-dup 2 "" "vsctl: set-port: duplicate key 'mtu'"
run frobnicate
check usage-cmd 2 "" "vsctl: unknown command 'frobnicate'
Try 'vsctl --help' for more information."
run --timeout soon show
check usage-timeout 2 "" "vsctl: invalid --timeout 'soon' (expected seconds, 0 to 86400; 0 = no timeout)"
run
check usage-none 2 "" "vsctl: missing command
Try 'vsctl --help' for more information."
[ -e "$TMP/request" ] && fail "a usage error sent a request"
stop_server

# Cannot connect: status 3 and the hint; the socket from the environment.
rm -f "$SOCK"
run show
check no-daemon 3 "" "vsctl: cannot connect to $SOCK: No such file or directory (is vswitchd running?)"
VSWITCH_SOCKET=$TMP/env.sock "$VSCTL" show >"$TMP/out" 2>"$TMP/err"
RC=$?; OUT=$(cat "$TMP/out"); ERR=$(cat "$TMP/err")
check env-socket 3 "" "vsctl: cannot connect to $TMP/env.sock: No such file or directory (is vswitchd running?)"

# --help: status 0, every command listed.
"$VSCTL" --help >"$TMP/out" 2>"$TMP/err"
RC=$?
CASE=help; N=$((N + 1))
[ "$RC" = 0 ] || fail "exit status $RC"
for c in show list-br add-br del-br list-ports add-port del-port set-port fdb-show \
	fdb-flush port-stats pmd-stats pmd-stats-clear version; do
	grep -q "^  $c\b" "$TMP/out" || fail "--help does not list $c"
done

if [ $FAILED -ne 0 ]; then
	echo "$FAILED failure(s) in $N checks"
	exit 1
fi
echo "all $N checks passed"
exit 0
