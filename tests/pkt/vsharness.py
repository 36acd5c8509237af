# SPDX-License-Identifier: BSD-3-Clause
"""
Harness of the packet-level tests (tests/pkt/): one vswitchd whose ports are
net_pcap virtual devices, frames built by the test and compared byte for
byte with what the switch sent.

Each port `X` of a test gets a veth pair: the host end `<prefix>hN` is the
port's rx side (net_pcap `rx_iface_in=`), the other end `<prefix>nN` sits in
the test's namespace, where the test writes frames into it (an AF_PACKET
socket opened inside the namespace: what scapy's sendp() does, without
scapy's per-call interface lookups). What the switch transmits on X goes to
`<tmpdir>/X.pcap` (net_pcap `tx_pcap=`), read back after the daemon stopped.

Everything a Switch creates (daemon, namespace, veths, temporary directory)
is removed by Switch.cleanup(), which the `switch` fixture of conftest.py
always calls, and which also runs on SIGTERM/SIGINT (meson's timeout) and at
interpreter exit.

Needs root, hugepages (scripts/setup.sh), Debian's /usr/bin/python3 with
scapy and pytest, and the environment variables VSWITCHD and VSCTL naming
the binaries under test.
"""
import atexit
import ctypes
import json
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time

from scapy.all import Dot1Q, Ether, rdpcap  # noqa: F401 (re-exported for tests)

CLONE_NEWNET = 0x40000000
_libc = ctypes.CDLL(None, use_errno=True)

# Switches alive in this process, for the signal and exit handlers.
_live = []


def _cleanup_all(*_):
    for sw in list(_live):
        sw.cleanup()


def _on_signal(signum, frame):
    _cleanup_all()
    signal.signal(signum, signal.SIG_DFL)
    os.kill(os.getpid(), signum)


atexit.register(_cleanup_all)
for _s in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
    signal.signal(_s, _on_signal)


def binary(var):
    path = os.environ.get(var)
    if not path:
        raise RuntimeError("set %s to the %s binary under test (meson test does)" % (var, var.lower()))
    if not os.access(path, os.X_OK):
        raise RuntimeError("%s=%s is not an executable" % (var, path))
    return path


def run(*cmd, check=True, ns=None):
    """Run a command (in namespace ns if given); return its CompletedProcess."""
    if ns is not None:
        cmd = ("ip", "netns", "exec", ns) + cmd
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if check and r.returncode != 0:
        raise RuntimeError("%s: exit %d: %s" % (" ".join(cmd), r.returncode, r.stderr.strip()))
    return r


def yaml_scalar(v):
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    return json.dumps(str(v))  # a JSON string is a YAML double-quoted scalar


def yaml_flow(v):
    if isinstance(v, dict):
        return "{" + ", ".join("%s: %s" % (k, yaml_flow(x)) for k, x in v.items()) + "}"
    if isinstance(v, (list, tuple)):
        return "[" + ", ".join(yaml_flow(x) for x in v) + "]"
    return yaml_scalar(v)


# ---- frames ---------------------------------------------------------------

def tag(frame, vid, pcp=0):
    """The frame with an 802.1Q tag inserted after the MAC addresses."""
    e = Ether(frame)
    return bytes(Ether(dst=e.dst, src=e.src, type=0x8100) /
                 Dot1Q(prio=pcp, vlan=vid, type=e.type) / e.payload)


def untag(frame):
    """The frame without its outer 802.1Q tag."""
    e = Ether(frame)
    assert e.type == 0x8100, "untag() of an untagged frame"
    q = e[Dot1Q]
    return bytes(Ether(dst=e.dst, src=e.src, type=q.type) / q.payload)


def retag(frame, vid):
    """The frame with the VID of its outer tag changed, priority kept."""
    e = Ether(frame)
    q = e[Dot1Q]
    return bytes(Ether(dst=e.dst, src=e.src, type=0x8100) /
                 Dot1Q(prio=q.prio, id=q.id, vlan=vid, type=q.type) / q.payload)


def describe(frame):
    try:
        return Ether(frame).summary() + " (%d bytes)" % len(frame)
    except Exception:  # pragma: no cover - diagnostics only
        return frame.hex()


def diff_frames(port, got, want):
    """An assertion message listing both sequences when they differ, else None."""
    if got == want:
        return None
    lines = ["port %s: %d frame(s) sent by the switch, %d expected" % (port, len(got), len(want))]
    for i in range(max(len(got), len(want))):
        g = got[i] if i < len(got) else None
        w = want[i] if i < len(want) else None
        mark = "  " if g == w else "!!"
        lines.append("%s #%d got:  %s" % (mark, i, describe(g) if g is not None else "-"))
        lines.append("%s #%d want: %s" % (mark, i, describe(w) if w is not None else "-"))
        if g is not None and w is not None and g != w:
            lines.append("     got  %s" % g.hex())
            lines.append("     want %s" % w.hex())
    return "\n".join(lines)


# ---- the switch -------------------------------------------------------------

class Port:
    def __init__(self, sw, name, idx):
        self.sw = sw
        self.name = name
        self.host_if = "%sh%d" % (sw.prefix, idx)
        self.ns_if = "%sn%d" % (sw.prefix, idx)
        self.pcap = os.path.join(sw.tmpdir, name + ".pcap")
        self.sock = None
        self.sent = []  # every frame written into the port, in order

    @property
    def devargs(self):
        return "net_pcap_%s,rx_iface_in=%s,tx_pcap=%s" % (self.name, self.host_if, self.pcap)

    def cfg(self, **extra):
        """This port's entry of a bridge's `ports:` list."""
        c = {"name": self.name, "type": "dpdk", "devargs": self.devargs}
        c.update(extra)
        return c

    def send(self, frames):
        """Write frames (bytes) into the port, in order."""
        for f in frames:
            f = bytes(f)
            n = self.sock.send(f)
            assert n == len(f), "short write on %s" % self.ns_if
            self.sent.append(f)


class Switch:
    """One vswitchd with net_pcap ports, and everything around it."""

    def __init__(self, label="t"):
        self.vswitchd = binary("VSWITCHD")
        self.vsctl = binary("VSCTL")
        # veth names: "vsp" + pid + h/n + index < 16 characters.
        self.prefix = "vsp%d" % os.getpid()
        self.ns = "%s-%s" % (self.prefix, label)
        self.tmpdir = tempfile.mkdtemp(prefix="vsp-%s-" % label)
        os.chmod(self.tmpdir, 0o755)
        self.sock = os.path.join(self.tmpdir, "vs.sock")
        self.log = os.path.join(self.tmpdir, "vswitchd.log")
        self.ports = {}
        self.proc = None
        self.exit_code = None
        self._ns_made = False
        _live.append(self)
        run("ip", "netns", "add", self.ns)
        self._ns_made = True
        run("ip", "netns", "exec", self.ns, "sysctl", "-qw", "net.ipv6.conf.all.disable_ipv6=1")
        run("ip", "netns", "exec", self.ns, "sysctl", "-qw", "net.ipv6.conf.default.disable_ipv6=1")
        run("ip", "-n", self.ns, "link", "set", "lo", "up")

    # -- ports

    def port(self, name):
        """Create the veth pair of port `name`; returns its Port."""
        p = Port(self, name, len(self.ports))
        assert len(p.host_if) < 16, p.host_if
        self.ports[name] = p
        run("ip", "link", "add", p.host_if, "type", "veth", "peer", "name", p.ns_if,
            "netns", self.ns)
        # Quiet: no IPv6 (no router/neighbour solicitations), no addresses.
        run("sysctl", "-qw", "net.ipv6.conf.%s.disable_ipv6=1" % p.host_if)
        run("ip", "netns", "exec", self.ns, "sysctl", "-qw",
            "net.ipv6.conf.%s.disable_ipv6=1" % p.ns_if)
        # Keep 802.1Q tags inside the frames on both ends.
        run("ethtool", "-K", p.host_if, "rxvlan", "off", "txvlan", "off")
        run("ethtool", "-K", p.ns_if, "rxvlan", "off", "txvlan", "off", ns=self.ns)
        run("ip", "link", "set", p.host_if, "up")
        run("ip", "-n", self.ns, "link", "set", p.ns_if, "up")
        p.sock = self._packet_socket(p.ns_if)
        return p

    def _packet_socket(self, ifname):
        """An AF_PACKET socket bound to ifname inside the namespace."""
        home = os.open("/proc/self/ns/net", os.O_RDONLY)
        target = os.open("/run/netns/" + self.ns, os.O_RDONLY)
        try:
            if _libc.setns(target, CLONE_NEWNET) != 0:
                raise OSError(ctypes.get_errno(), "setns " + self.ns)
            try:
                s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, 0)  # send only
                s.bind((ifname, 0))
            finally:
                if _libc.setns(home, CLONE_NEWNET) != 0:
                    raise OSError(ctypes.get_errno(), "setns back home")
        finally:
            os.close(home)
            os.close(target)
        return s

    # -- the daemon

    def config_text(self, bridges):
        lines = [
            "dpdk: {memory_mb: auto}",
            "pmd: {cores: auto}",
            "control: {socket: %s}" % yaml_scalar(self.sock),
            "bridges:",
        ]
        for br in bridges:
            lines.append("  - name: %s" % yaml_scalar(br["name"]))
            for k, v in br.items():
                if k not in ("name", "ports"):
                    lines.append("    %s: %s" % (k, yaml_flow(v)))
            lines.append("    ports:")
            for p in br.get("ports", []):
                lines.append("      - %s" % yaml_flow(p))
        return "\n".join(lines) + "\n"

    def start(self, bridges, timeout=30):
        """Write the config and start vswitchd; returns when it answers."""
        cfg = os.path.join(self.tmpdir, "switch.yaml")
        with open(cfg, "w") as f:
            f.write(self.config_text(bridges))
        with open(self.log, "w") as log:
            self.proc = subprocess.Popen([self.vswitchd, "--config", cfg, "--log-level", "debug"],
                                         stdout=log, stderr=subprocess.STDOUT,
                                         stdin=subprocess.DEVNULL)
        deadline = time.monotonic() + timeout
        while True:
            if self.proc.poll() is not None:
                raise AssertionError("vswitchd exited with %d while starting:\n%s"
                                     % (self.proc.returncode, self.log_text()))
            r = self.ctl("version", check=False)
            if r.returncode == 0:
                return
            if time.monotonic() > deadline:
                raise AssertionError("vswitchd did not answer within %d s:\n%s"
                                     % (timeout, self.log_text()))
            time.sleep(0.1)

    def log_text(self):
        try:
            with open(self.log) as f:
                return f.read()
        except OSError:
            return "(no log)"

    def ctl(self, *args, check=True):
        r = subprocess.run([self.vsctl, "--socket", self.sock, "--timeout", "10"] + list(args),
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        if check and r.returncode != 0:
            raise AssertionError("vsctl %s: exit %d: %s" % (" ".join(args), r.returncode,
                                                            r.stderr.strip()))
        return r

    def ctl_json(self, *args):
        return json.loads(self.ctl("--json", *args).stdout)

    def stats(self):
        """{port: its port-stats object}."""
        return {p["name"]: p for p in self.ctl_json("port-stats")["ports"]}

    def fdb(self, bridge):
        """{(mac, vlan): port} of a bridge's MAC table."""
        return {(e["mac"], e["vlan"]): e["port"] for e in self.ctl_json("fdb-show", bridge)["entries"]}

    def wait(self, what, cond, timeout=5.0):
        """Poll cond() (returns (done, state)) until done; AssertionError on timeout."""
        deadline = time.monotonic() + timeout
        while True:
            done, state = cond()
            if done:
                return state
            if time.monotonic() > deadline:
                raise AssertionError("timed out after %g s waiting for %s; last state: %s"
                                     % (timeout, what, json.dumps(state, indent=1, sort_keys=True)))
            time.sleep(0.05)

    def wait_rx(self, timeout=5.0):
        """Wait until every port's rx_packets equals the frames the test sent into it."""
        def cond():
            st = self.stats()
            got = {n: st[n]["rx_packets"] for n in self.ports if n in st}
            want = {n: len(p.sent) for n, p in self.ports.items() if n in st}
            return got == want, {"rx_packets": got, "expected": want}
        return self.wait("rx counters", cond, timeout)

    def wait_tx(self, want, timeout=5.0):
        """Wait until tx_packets of the named ports reach want {port: n}."""
        def cond():
            st = self.stats()
            got = {n: st[n]["tx_packets"] for n in want}
            return all(got[n] >= want[n] for n in want), {"tx_packets": got, "expected": want}
        return self.wait("tx counters", cond, timeout)

    def wait_drops(self, want, timeout=5.0):
        """Wait until drop counters reach want {(port, reason): n}; then check them exactly."""
        def cond():
            st = self.stats()
            got = {"%s/%s" % k: st[k[0]]["drops"][k[1]] for k in want}
            return all(got["%s/%s" % k] >= n for k, n in want.items()), {"drops": got}
        state = self.wait("drop counters", cond, timeout)
        assert state["drops"] == {"%s/%s" % k: n for k, n in want.items()}, state
        return state

    def wait_fdb(self, bridge, entries, timeout=5.0):
        """Wait until the bridge's MAC table holds entries {(mac, vlan): port}."""
        def cond():
            fdb = self.fdb(bridge)
            missing = {"%s vlan %d" % k: v for k, v in entries.items() if fdb.get(k) != v}
            return not missing, {"missing": missing, "fdb": {"%s vlan %d" % k: v
                                                             for k, v in fdb.items()}}
        return self.wait("MAC table of %s" % bridge, cond, timeout)

    def stop(self, timeout=10):
        """SIGTERM; asserts a clean exit (0); returns {port: [frames sent by the switch]}."""
        assert self.proc is not None
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.exit_code = self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            raise AssertionError("vswitchd did not exit within %d s of SIGTERM:\n%s"
                                 % (timeout, self.log_text()))
        assert self.exit_code == 0, "vswitchd exited with %d after SIGTERM:\n%s" % (
            self.exit_code, self.log_text())
        return self.output()

    def output(self):
        out = {}
        for name, p in self.ports.items():
            if os.path.exists(p.pcap) and os.path.getsize(p.pcap) > 0:
                out[name] = [bytes(f) for f in rdpcap(p.pcap)]
            else:
                out[name] = []
        return out

    def check_output(self, out, expected):
        """Assert that every port sent exactly the expected frames, in order."""
        msgs = [diff_frames(n, out.get(n, []), expected.get(n, [])) for n in self.ports]
        msgs = [m for m in msgs if m]
        assert not msgs, "\n".join(msgs)

    # -- cleanup

    def cleanup(self):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        for p in self.ports.values():
            if p.sock is not None:
                p.sock.close()
                p.sock = None
            subprocess.run(["ip", "link", "del", p.host_if], stderr=subprocess.DEVNULL)
        if self._ns_made:
            subprocess.run(["ip", "netns", "del", self.ns], stderr=subprocess.DEVNULL)
            self._ns_made = False
        shutil.rmtree(self.tmpdir, ignore_errors=True)
        if self in _live:
            _live.remove(self)


# ---- frames used by several tests --------------------------------------------

def mac(n):
    """A locally administered unicast MAC, distinct per n."""
    return "02:00:00:00:%02x:%02x" % (n >> 8 & 0xff, n & 0xff)


def udp_frame(src, dst, seq=0, size=100):
    """An Ethernet/IPv4/UDP frame of `size` bytes (without FCS), as bytes."""
    from scapy.all import IP, UDP, Raw
    hdr = Ether(src=src, dst=dst) / IP(src="10.9.0.1", dst="10.9.0.2", id=seq) / UDP(
        sport=4000 + seq, dport=5000)
    pad = size - len(hdr)
    assert pad >= 0
    payload = bytes((seq + i) & 0xff for i in range(pad))
    f = bytes(hdr / Raw(payload))
    assert len(f) == size
    return f
