#!/bin/bash
# vhost-user ports added and removed at runtime with vsctl: a server port
# creates its socket with the configured mode and removes it on del-port; a
# client port shows up disconnected while nobody listens; a refused add (a
# path already in use, a relative path) changes nothing.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

SOCK=$E2E_TMP/vs.sock
VH=$E2E_TMP/vm1.sock
write_config "$E2E_TMP/switch.yaml" "$SOCK" <<YAML
bridges:
  - name: br0
YAML
start_daemon "$E2E_TMP/switch.yaml" "$SOCK" "$E2E_TMP/vswitchd.log"

vsctl "$SOCK" add-port br0 vm1 type=vhost-user "path=$VH" socket_mode=0600 queues=2 ||
	fail "add-port of a vhost-user port refused"
[ -S "$VH" ] || fail "no socket at $VH after add-port"
mode=$(stat -c %a "$VH")
[ "$mode" = 600 ] || fail "socket mode $mode, expected 600"
state=$(vsctl "$SOCK" --json show | json_get "d['bridges'][0]['ports'][0]['vhost']['state']")
[ "$state" = disconnected ] || fail "vm1 state '$state', expected disconnected"
ok "vhost-user port added: socket $VH mode 600, disconnected"

vsctl "$SOCK" add-port br0 vm2 type=vhost-user-client "path=$E2E_TMP/qemu.sock" ||
	fail "add-port of a vhost-user-client port refused"
mode=$(vsctl "$SOCK" --json show | json_get "[p['vhost']['mode'] for p in d['bridges'][0]['ports'] if p['name'] == 'vm2'][0]")
[ "$mode" = client ] || fail "vm2 mode '$mode', expected client"
ok "vhost-user-client port added while nothing listens"

before=$(vsctl "$SOCK" --json show | json_get "json.dumps(d['bridges'])")
if vsctl "$SOCK" add-port br0 vm3 type=vhost-user "path=$VH" 2>"$E2E_TMP/err"; then
	fail "a second port on $VH was accepted"
fi
grep -q "already used by port 'vm1'" "$E2E_TMP/err" || fail "unclear refusal: $(cat "$E2E_TMP/err")"
if vsctl "$SOCK" add-port br0 vm3 type=vhost-user path=relative.sock 2>"$E2E_TMP/err"; then
	fail "a relative socket path was accepted"
fi
after=$(vsctl "$SOCK" --json show | json_get "json.dumps(d['bridges'])")
[ "$before" = "$after" ] || fail "a refused add-port changed the switch"
ok "refused: duplicate socket path, relative path; nothing changed"

vsctl "$SOCK" del-port vm1 || fail "del-port vm1 refused"
vsctl "$SOCK" del-port vm2 || fail "del-port vm2 refused"
[ ! -e "$VH" ] || fail "socket $VH left behind after del-port"
n=$(vsctl "$SOCK" --json list-ports br0 | json_get "len(d['ports'])")
[ "$n" = 0 ] || fail "$n ports left after del-port"
ok "vhost ports deleted, server socket removed"

stop_daemon "$DAEMON_PID" 5
[ "$DAEMON_RC" = 0 ] || fail "vswitchd exited with $DAEMON_RC"
ok "done"
