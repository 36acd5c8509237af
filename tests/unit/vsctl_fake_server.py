#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""A one-shot stand-in for vswitchd's control socket, for test_vsctl.sh.

usage: vsctl_fake_server.py SOCKET REQUEST_FILE REPLY

Listens on the Unix stream socket SOCKET, accepts one connection, reads one
request line and saves it (without its newline) to REQUEST_FILE, then
answers with REPLY followed by a newline and exits. Special replies:
  @close   close the connection without answering
  @hang    never answer (until killed, or 30 s), to exercise vsctl's timeout
The socket file appears only once the server is listening, so the caller can
wait for it before starting vsctl.
"""
import os
import socket
import sys
import time


def main():
    if len(sys.argv) != 4:
        sys.stderr.write(__doc__)
        return 2
    path, request_file, reply = sys.argv[1:]

    tmp = path + '.tmp'
    srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    srv.bind(tmp)
    srv.listen(1)
    os.rename(tmp, path)    # visible only when ready
    srv.settimeout(30)

    conn, _ = srv.accept()
    conn.settimeout(30)
    data = b''
    while b'\n' not in data:
        chunk = conn.recv(65536)
        if not chunk:
            break
        data += chunk
    with open(request_file, 'wb') as f:
        f.write(data.split(b'\n', 1)[0])

    if reply == '@hang':
        time.sleep(30)
    elif reply != '@close':
        conn.sendall(reply.encode() + b'\n')
    conn.close()
    srv.close()
    os.unlink(path)
    return 0


if __name__ == '__main__':
    sys.exit(main())
