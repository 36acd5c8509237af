# SPDX-License-Identifier: BSD-3-Clause
"""
Flow tables (docs/flows.md): actions, VLAN actions, priorities, runtime
changes through JSON-RPC (add-flow, add-flows, del-flows, dump-flows) and
match fields, frame by frame and byte for byte.

Rules come from the YAML (`flows:` of a bridge) or from JSON-RPC requests
written straight to the daemon's socket. Tables whose rules only match
in_port take the datapath's per-burst path; any other field sends every
frame through the exact-match cache and the classifier: each test says which
path its table exercises.

A table miss goes to the learning switch; `output` and `flood` ignore VLAN
membership; matches see the frame as received.
"""
import json
import socket

from scapy.all import ARP, ICMP, IP, IPv6, TCP, UDP, Raw

from vsharness import Dot1Q, Ether, mac, retag, tag, untag

A, B, C, D = mac(0xa), mac(0xb), mac(0xc), mac(0xd)
X = mac(0x99)                   # never sends: unknown destination
BCAST = "ff:ff:ff:ff:ff:ff"
NEW_SRC, NEW_DST = "02:11:11:11:11:11", "02:22:22:22:22:22"


# ---- JSON-RPC ---------------------------------------------------------------

class RpcError(Exception):
    pass


def rpc(sw, method, params, timeout=30):
    """One JSON-RPC request over the daemon's socket; returns its result."""
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(timeout)
    try:
        s.connect(sw.sock)
        s.sendall((json.dumps({"jsonrpc": "2.0", "id": 1, "method": method,
                               "params": params}) + "\n").encode())
        buf = b""
        while not buf.endswith(b"\n"):
            chunk = s.recv(1 << 16)
            if not chunk:
                break
            buf += chunk
    finally:
        s.close()
    resp = json.loads(buf)
    if "error" in resp:
        raise RpcError("%s %s: %s" % (method, json.dumps(params), resp["error"]))
    return resp["result"]


def add_flow(sw, flow, bridge="br0"):
    return rpc(sw, "add-flow", {"bridge": bridge, "flow": flow})


def add_flows(sw, flows, bridge="br0"):
    return rpc(sw, "add-flows", {"bridge": bridge, "flows": flows})


def del_flows(sw, match=None, bridge="br0"):
    params = {"bridge": bridge}
    if match is not None:
        params["match"] = match
    return rpc(sw, "del-flows", params)


def dump_flows(sw, match=None, bridge="br0"):
    params = {"bridge": bridge}
    if match is not None:
        params["match"] = match
    return rpc(sw, "dump-flows", params)


def flow_counters(sw, bridge="br0"):
    """{canonical flow text: (n_packets, n_bytes)}."""
    return {f["flow"]: (f["n_packets"], f["n_bytes"]) for f in dump_flows(sw, bridge=bridge)["flows"]}


# ---- frames -------------------------------------------------------------------

def pad(pkt, size):
    """bytes of pkt padded with a payload pattern to `size` bytes."""
    b = bytes(pkt)
    assert len(b) <= size, (len(b), size)
    return b + bytes((0x30 + i) & 0xff for i in range(size - len(b)))


def udp(src=A, dst=X, ip_dst="10.9.0.2", dport=5000, sport=4000, size=100, ip_src="10.9.0.1"):
    return pad(Ether(src=src, dst=dst) / IP(src=ip_src, dst=ip_dst) / UDP(sport=sport, dport=dport),
               size)


def tcp(src=A, dst=X, ip_dst="10.9.0.2", dport=80, sport=40000, size=100):
    return pad(Ether(src=src, dst=dst) / IP(src="10.9.0.1", dst=ip_dst) /
               TCP(sport=sport, dport=dport, flags="S"), size)


def icmp(src=A, dst=X, ip_dst="10.9.0.2", seq=1, size=98):
    return pad(Ether(src=src, dst=dst) / IP(src="10.9.0.1", dst=ip_dst) / ICMP(id=7, seq=seq),
               size)


def arp(src=A, op=1, psrc="10.9.0.1", pdst="10.9.0.2", dst=BCAST):
    hwdst = "00:00:00:00:00:00" if op == 1 else dst
    return pad(Ether(src=src, dst=dst) / ARP(op=op, hwsrc=src, psrc=psrc, hwdst=hwdst, pdst=pdst),
               60)


def udp6(src=A, dst=X, ip6_dst="2001:db8:1::2", dport=5000, size=110):
    return pad(Ether(src=src, dst=dst) / IPv6(src="2001:db8:9::1", dst=ip6_dst) /
               UDP(sport=4000, dport=dport), size)


def with_macs(frame, src=None, dst=None):
    """The frame with its Ethernet source and/or destination replaced."""
    b = bytearray(frame)
    if dst is not None:
        b[0:6] = bytes.fromhex(dst.replace(":", ""))
    if src is not None:
        b[6:12] = bytes.fromhex(src.replace(":", ""))
    return bytes(b)


def with_pcp(frame, pcp):
    """A tagged frame with the PCP of its outer tag changed."""
    e = Ether(frame)
    q = e[Dot1Q]
    return bytes(Ether(dst=e.dst, src=e.src, type=0x8100) /
                 Dot1Q(prio=pcp, id=q.id, vlan=q.vlan, type=q.type) / q.payload)


# ---- the run of one test ----------------------------------------------------------

class Run:
    """A switch started with one bridge br0 (or given bridges) and what each port should send."""

    def __init__(self, sw, names, flows=None, vlan=None, bridges=None):
        self.sw = sw
        for n in names:
            sw.port(n)
        if bridges is None:
            vlan = vlan or {}
            br = {"name": "br0", "ports": [sw.ports[n].cfg(**({"vlan": vlan[n]} if n in vlan else {}))
                                           for n in names]}
            if flows:
                br["flows"] = flows
            bridges = [br]
        else:
            bridges = bridges(sw.ports)
        sw.start(bridges)
        self.want = {n: [] for n in names}

    def send(self, port, frames, expect=None):
        """Send frames into port; expect {port: [frames]} out of it (in order)."""
        if isinstance(frames, (bytes, bytearray)):
            frames = [frames]
        self.sw.ports[port].send(frames)
        for n, fs in (expect or {}).items():
            self.want[n].extend(fs)
        self.sw.wait_rx()
        live = self.sw.stats()          # ports deleted at runtime have no counters
        self.sw.wait_tx({n: len(fs) for n, fs in self.want.items() if n in live})

    def finish(self):
        out = self.sw.stop()
        self.sw.check_output(out, self.want)
        return out


def drops(sw, reason):
    return {n: s["drops"][reason] for n, s in sw.stats().items()}


# ---- basic actions -------------------------------------------------------------

def test_output_port(switch):
    """output:PORT sends only there, though the destination would flood (per-burst path)."""
    sw = switch
    r = Run(sw, ["p1", "p2", "p3"], flows=["in_port=p1,actions=output:p3"])
    assert dump_flows(sw)["n_tuples"] == 1
    f1 = udp(A, X)
    r.send("p1", f1, {"p3": [f1]})
    f2 = udp(A, BCAST, size=200)
    r.send("p1", f2, {"p3": [f2]})
    # p2 has no rule: the learning switch floods (A was never learned: the
    # rule does not run "normal").
    f3 = udp(B, A, size=120)
    r.send("p2", f3, {"p1": [f3], "p3": [f3]})
    sw.wait_fdb("br0", {(B, 0): "p2"})
    # A frame to B (learned on p2) still goes to p3 only.
    f4 = udp(A, B, size=130)
    r.send("p1", f4, {"p3": [f4]})
    assert flow_counters(sw) == {
        "priority=32768,in_port=p1 actions=output:p3": (3, len(f1) + len(f2) + len(f4))}
    r.finish()


def test_output_several(switch):
    """output:p2,output:p3 sends a copy to each, never back to the input port."""
    sw = switch
    r = Run(sw, ["p1", "p2", "p3", "p4"], flows=[
        "in_port=p1,actions=output:p2,output:p3",
        "in_port=p2,actions=output:p2,output:p1,p4",     # output to in_port: nothing
        "in_port=p4,actions=output:p4",                  # only to in_port: dropped
    ])
    f1 = udp(A, X)
    r.send("p1", [f1], {"p2": [f1], "p3": [f1]})
    fs = [udp(A, BCAST, sport=i, size=64 + i) for i in range(5)]
    r.send("p1", fs, {"p2": fs, "p3": fs})
    f2 = udp(B, X, size=300)
    r.send("p2", f2, {"p1": [f2], "p4": [f2]})
    f4 = udp(D, X, size=90)
    r.send("p4", f4)
    r.finish()


def test_normal_for_some_traffic(switch):
    """A rule that sends only UDP to "normal": UDP is learned and switched, the rest goes to p3."""
    sw = switch
    r = Run(sw, ["p1", "p2", "p3"], flows=[
        "priority=100,in_port=p1,udp,actions=normal",
        "priority=10,in_port=p1,actions=output:p3",
    ])
    # UDP A -> X: normal floods and learns A on p1.
    f1 = udp(A, X)
    r.send("p1", f1, {"p2": [f1], "p3": [f1]})
    sw.wait_fdb("br0", {(A, 0): "p1"})
    # B -> A from p2 (no rule for p2: table miss, learning switch): p1 only.
    f2 = icmp(B, A)
    r.send("p2", f2, {"p1": [f2]})
    sw.wait_fdb("br0", {(A, 0): "p1", (B, 0): "p2"})
    # UDP A -> B: normal, B is known: p2 only.
    f3 = udp(A, B, size=150)
    r.send("p1", f3, {"p2": [f3]})
    # ICMP and ARP A -> B: the low rule, p3 only.
    f4 = icmp(A, B)
    f5 = arp(A, dst=BCAST)
    r.send("p1", [f4, f5], {"p3": [f4, f5]})
    c = flow_counters(sw)
    assert c == {"priority=100,in_port=p1,udp actions=normal": (2, len(f1) + len(f3)),
                 "priority=10,in_port=p1 actions=output:p3": (2, len(f4) + len(f5))}, c
    r.finish()


def test_mod_then_normal(switch):
    """normal sees the frame as the previous actions left it: an untagged frame tagged 20
    by mod_vlan_vid is switched in VLAN 20 (access port of VLAN 20 untagged, trunk tagged)."""
    sw = switch
    r = Run(sw, ["p1", "a10", "a20", "t"], vlan={
        "a10": {"mode": "access", "tag": 10},
        "a20": {"mode": "access", "tag": 20},
        "t": {"mode": "trunk", "trunks": [10, 20]},
    }, flows=["in_port=p1,dl_vlan=0xffff,actions=mod_vlan_vid:20,normal"])
    f1 = udp(A, X)
    r.send("p1", f1, {"a20": [f1], "t": [tag(f1, 20)]})
    sw.wait_fdb("br0", {(A, 20): "p1"})
    r.finish()


def test_flood(switch):
    """flood: every port but the input, even to a learned destination and across VLANs."""
    sw = switch
    r = Run(sw, ["p1", "p2", "p3", "p4"], vlan={"p4": {"mode": "access", "tag": 20}},
            flows=["in_port=p1,actions=flood"])
    # B is learned on p2 (no rule for p2: learning switch in VLAN 0; p4 is
    # in VLAN 20 and gets nothing).
    f1 = udp(B, X)
    r.send("p2", f1, {"p1": [f1], "p3": [f1]})
    sw.wait_fdb("br0", {(B, 0): "p2"})
    # A -> B from p1: flood, p4 included, frames unchanged.
    f2 = udp(A, B, size=222)
    f3 = tag(udp(A, B, size=100), 30, pcp=4)
    r.send("p1", [f2, f3], {"p2": [f2, f3], "p3": [f2, f3], "p4": [f2, f3]})
    r.finish()


def test_drop(switch):
    """drop (explicit), an empty action list and a priority-0 drop count flow_drop and send nothing."""
    sw = switch
    r = Run(sw, ["p1", "p2", "p3"], flows=[
        "priority=100,in_port=p1,ip,actions=drop",
        "priority=100,in_port=p2,actions=",
        "priority=50,in_port=p1,arp,actions=output:p2",
    ])
    fs = [udp(A, X, sport=i) for i in range(3)] + [icmp(A, X)]
    r.send("p1", fs)
    sw.wait_drops({("p1", "flow_drop"): 4})
    r.send("p2", [udp(B, A), arp(B)])
    sw.wait_drops({("p1", "flow_drop"): 4, ("p2", "flow_drop"): 2})
    f = arp(A)
    r.send("p1", f, {"p2": [f]})
    # IPv6 from p1: no rule matches: learning switch.
    f6 = udp6(A, X)
    r.send("p1", f6, {"p2": [f6], "p3": [f6]})
    d = drops(sw, "flow_drop")
    assert d == {"p1": 4, "p2": 2, "p3": 0}, d
    st = sw.stats()
    assert {n: s["drops_total"] for n, s in st.items()} == {"p1": 4, "p2": 2, "p3": 0}, st
    c = flow_counters(sw)
    assert c["priority=100,in_port=p1,ip actions=drop"] == (4, sum(len(x) for x in fs)), c
    assert c["priority=100,in_port=p2 actions=drop"][0] == 2, c
    r.finish()


def test_drop_default_in_port_path(switch):
    """priority=0,actions=drop makes a drop-by-default bridge (per-burst path: in_port only)."""
    sw = switch
    r = Run(sw, ["p1", "p2", "p3"], flows=[
        "priority=0,actions=drop",
        "priority=10,in_port=p2,actions=output:p1",
    ])
    fs = [udp(A, BCAST, sport=i) for i in range(6)]
    r.send("p1", fs)
    r.send("p3", [arp(C)])
    sw.wait_drops({("p1", "flow_drop"): 6, ("p3", "flow_drop"): 1})
    f = udp(B, A)
    r.send("p2", f, {"p1": [f]})
    assert drops(sw, "flow_drop") == {"p1": 6, "p2": 0, "p3": 1}
    assert flow_counters(sw)["priority=0 actions=drop"] == (7, sum(map(len, fs)) + 60)
    r.finish()


def test_table_miss_is_learning_switch(switch):
    """A rule for UDP only: ARP and ICMP miss the table and are switched (and learned) normally."""
    sw = switch
    r = Run(sw, ["p1", "p2", "p3"], flows=["udp,actions=output:p3"])
    f1 = arp(A, op=1)
    r.send("p1", f1, {"p2": [f1], "p3": [f1]})
    sw.wait_fdb("br0", {(A, 0): "p1"})
    f2 = arp(B, op=2, dst=A, psrc="10.9.0.2", pdst="10.9.0.1")
    r.send("p2", f2, {"p1": [f2]})
    sw.wait_fdb("br0", {(A, 0): "p1", (B, 0): "p2"})
    f3 = icmp(A, B)
    r.send("p1", f3, {"p2": [f3]})
    f4 = icmp(B, A, seq=2)
    r.send("p2", f4, {"p1": [f4]})
    # UDP between known hosts: the rule, p3 only, from either side.
    f5 = udp(A, B)
    f6 = udp(B, A, size=180)
    r.send("p1", f5, {"p3": [f5]})
    r.send("p2", f6, {"p3": [f6]})
    # The same frames again (now from the exact-match cache).
    r.send("p1", [f3, f5], {"p2": [f3], "p3": [f5]})
    assert flow_counters(sw) == {"priority=32768,udp actions=output:p3": (3, 2 * len(f5) + len(f6))}
    r.finish()


def test_normal_only_rule(switch):
    """A single match-all normal rule: plain learning switch, and its counters move."""
    sw = switch
    r = Run(sw, ["p1", "p2", "p3"], flows=["priority=0,actions=normal"])
    f1 = udp(A, X)
    r.send("p1", f1, {"p2": [f1], "p3": [f1]})
    sw.wait_fdb("br0", {(A, 0): "p1"})
    f2 = udp(B, A, size=77)
    r.send("p2", f2, {"p1": [f2]})
    d = dump_flows(sw)
    assert d["n_rules"] == 1, d
    assert [(f["flow"], f["n_packets"], f["n_bytes"]) for f in d["flows"]] == [
        ("priority=0 actions=normal", 2, len(f1) + len(f2))], d
    r.finish()


# ---- VLAN actions --------------------------------------------------------------

def test_mod_vlan_vid(switch):
    """mod_vlan_vid:20 pushes a tag (VID 20, PCP 0) or rewrites the VID, keeping PCP."""
    sw = switch
    r = Run(sw, ["p1", "p2", "p3"], flows=["in_port=p1,actions=mod_vlan_vid:20,output:p2"])
    f1 = udp(A, X)
    r.send("p1", f1, {"p2": [tag(f1, 20)]})
    f2 = tag(udp(A, X, size=120), 10, pcp=3)
    r.send("p1", f2, {"p2": [retag(f2, 20)]})
    # The DEI bit is kept too.
    f3 = bytes(Ether(src=A, dst=X, type=0x8100) / Dot1Q(prio=6, id=1, vlan=4000) /
               IP(src="1.2.3.4", dst="5.6.7.8") / UDP() / Raw(b"x" * 40))
    r.send("p1", f3, {"p2": [retag(f3, 20)]})
    assert retag(f3, 20)[14:16] == bytes([0xd0, 0x14])
    r.finish()


def test_mod_vlan_pcp(switch):
    """mod_vlan_pcp:5 pushes a tag (VID 0, PCP 5) or rewrites the PCP, keeping the VID (EMC path)."""
    sw = switch
    r = Run(sw, ["p1", "p2", "p3"], flows=["in_port=p1,udp,actions=mod_vlan_pcp:5,output:p2"])
    f1 = udp(A, X)
    r.send("p1", f1, {"p2": [tag(f1, 0, pcp=5)]})
    f2 = tag(udp(A, X, size=140), 10, pcp=1)
    r.send("p1", f2, {"p2": [with_pcp(f2, 5)]})
    r.finish()


def test_strip_vlan(switch):
    """strip_vlan removes the outer tag (QinQ: the inner one stays); untagged frames pass as they are."""
    sw = switch
    r = Run(sw, ["p1", "p2", "p3"], flows=["in_port=p1,actions=strip_vlan,output:p2",
                                           "in_port=p3,actions=pop_vlan,output:p2"])
    f1 = tag(udp(A, X), 10, pcp=2)
    r.send("p1", f1, {"p2": [untag(f1)]})
    f2 = udp(A, X, size=90)
    r.send("p1", f2, {"p2": [f2]})
    inner = tag(udp(C, X, size=80), 100)
    f3 = tag(inner, 200)
    r.send("p3", f3, {"p2": [inner]})
    r.finish()


def test_push_vlan(switch):
    """push_vlan:0x8100 pushes an outer VID 0 tag, over an existing one too."""
    sw = switch
    r = Run(sw, ["p1", "p2", "p3"], flows=[
        "in_port=p1,actions=push_vlan:0x8100,output:p2",
        "in_port=p3,actions=push_vlan:0x8100,mod_vlan_vid:30,output:p2",
    ])
    f1 = udp(A, X)
    r.send("p1", f1, {"p2": [tag(f1, 0)]})
    f2 = tag(udp(A, X, size=110), 10, pcp=3)
    r.send("p1", f2, {"p2": [tag(f2, 0)]})
    assert tag(f2, 0)[12:20] == bytes.fromhex("8100000081006" "00a")
    f3 = tag(udp(C, X, size=70), 10)
    r.send("p3", f3, {"p2": [tag(f3, 30)]})
    r.finish()


def test_mod_dl_src_dst(switch):
    """mod_dl_src / mod_dl_dst rewrite the MACs, tagged or not."""
    sw = switch
    r = Run(sw, ["p1", "p2", "p3"], flows=[
        "in_port=p1,actions=mod_dl_src:%s,mod_dl_dst:%s,output:p2" % (NEW_SRC, NEW_DST),
        "in_port=p3,ip,actions=mod_dl_dst:%s,output:p2" % NEW_DST,
    ])
    f1 = udp(A, X)
    r.send("p1", f1, {"p2": [with_macs(f1, NEW_SRC, NEW_DST)]})
    f2 = tag(udp(A, BCAST, size=150), 7)
    r.send("p1", f2, {"p2": [with_macs(f2, NEW_SRC, NEW_DST)]})
    f3 = icmp(C, X)
    r.send("p3", f3, {"p2": [with_macs(f3, dst=NEW_DST)]})
    r.finish()


def test_action_order(switch):
    """Actions run in order: each output sends the frame as it is at that point."""
    sw = switch
    r = Run(sw, ["p1", "p2", "p3"], flows=[
        "in_port=p1,actions=mod_dl_dst:%s,output:p2,strip_vlan,output:p3" % NEW_DST,
        "in_port=p2,actions=output:p3,mod_vlan_vid:30,output:p1,mod_dl_src:%s,mod_vlan_pcp:7,"
        "output:p3" % NEW_SRC,
        "in_port=p3,actions=output:p1,strip_vlan,mod_dl_src:%s" % NEW_SRC,   # ends with mods
    ])
    f1 = tag(udp(A, X), 10, pcp=2)
    r.send("p1", f1, {"p2": [with_macs(f1, dst=NEW_DST)], "p3": [with_macs(untag(f1), dst=NEW_DST)]})
    f2 = udp(B, X, size=88)
    t30 = tag(f2, 30)
    r.send("p2", f2, {"p3": [f2, with_pcp(with_macs(t30, src=NEW_SRC), 7)], "p1": [t30]})
    f3 = tag(udp(C, X, size=96), 5)
    r.send("p3", f3, {"p1": [f3]})
    assert drops(sw, "flow_drop") == {"p1": 0, "p2": 0, "p3": 0}
    r.finish()


# ---- priorities and runtime changes ---------------------------------------------

def test_priority_overlap(switch):
    """The highest priority among the matching rules wins."""
    sw = switch
    r = Run(sw, ["p1", "p2", "p3"], flows=[
        "priority=10,ip,actions=output:p2",
        "priority=20,ip,nw_dst=10.0.0.0/24,actions=output:p3",
    ])
    f1 = udp(A, X, ip_dst="10.0.0.5")
    f2 = udp(A, X, ip_dst="10.0.1.5")
    f3 = icmp(A, X, ip_dst="10.0.0.200")
    r.send("p1", f1, {"p3": [f1]})
    r.send("p1", f2, {"p2": [f2]})
    r.send("p1", f3, {"p3": [f3]})
    # From p3 to 10.0.0.5: the rule says p3, the input port: nothing.
    f4 = udp(C, X, ip_dst="10.0.0.5", size=140)
    r.send("p3", f4)
    # Not IP: learning switch.
    f5 = arp(A)
    r.send("p1", f5, {"p2": [f5], "p3": [f5]})
    # The same rules installed at runtime in the other order give the same.
    del_flows(sw)
    assert dump_flows(sw)["n_rules"] == 0
    add_flow(sw, "priority=20,ip,nw_dst=10.0.0.0/24,actions=output:p3")
    add_flow(sw, "priority=10,ip,actions=output:p2")
    r.send("p1", [f1, f2], {"p3": [f1], "p2": [f2]})
    d = dump_flows(sw)
    assert [f["flow"] for f in d["flows"]] == [
        "priority=20,ip,nw_dst=10.0.0.0/24 actions=output:p3",
        "priority=10,ip actions=output:p2"], d
    assert (d["n_rules"], d["n_tuples"]) == (2, 2), d
    r.finish()


def test_equal_priority_older_wins(switch):
    """Among matching rules of equal priority the older one wins, whichever tuple holds it."""
    sw = switch
    r = Run(sw, ["p1", "p2", "p3", "p4"], flows=[
        # R1 makes the nw_dst/24 tuple come first in the classifier.
        "priority=50,ip,nw_dst=10.9.9.0/24,actions=output:p4",
        "priority=50,udp,actions=output:p2",                    # R2: older
        "priority=50,ip,nw_dst=10.0.0.0/24,actions=output:p3",  # R3: newer
    ])
    f1 = udp(A, X, ip_dst="10.0.0.5")       # R2 and R3 match
    r.send("p1", f1, {"p2": [f1]})
    f2 = icmp(A, X, ip_dst="10.0.0.5")      # R3 only
    r.send("p1", f2, {"p3": [f2]})
    f3 = udp(A, X, ip_dst="10.9.9.9")       # R1 (older than R2)
    r.send("p1", f3, {"p4": [f3]})
    # Re-adding R2 makes it the newest: R3 wins now, R1 still beats R2.
    del_flows(sw, "udp")
    add_flow(sw, "priority=50,udp,actions=output:p2")
    f4 = udp(A, X, ip_dst="10.0.0.5", size=101)
    r.send("p1", f4, {"p3": [f4]})
    f5 = udp(A, X, ip_dst="10.9.9.9", size=102)
    r.send("p1", f5, {"p4": [f5]})
    f6 = udp(A, X, ip_dst="10.1.1.1", size=103)
    r.send("p1", f6, {"p2": [f6]})
    r.finish()


def test_runtime_add_flow_invalidates_cache(switch):
    """add-flow at runtime changes where the very next frame of a cached flow goes."""
    sw = switch
    r = Run(sw, ["p1", "p2", "p3", "p4"], flows=["priority=10,udp,actions=output:p2"])
    f = udp(A, X)
    for _ in range(3):                      # cached by now
        r.send("p1", f, {"p2": [f]})
    add_flow(sw, "priority=20,udp,tp_dst=5000,actions=output:p3")
    r.send("p1", f, {"p3": [f]})
    # A cached miss (no rule for ICMP) must not survive a rule for it either.
    g = icmp(A, X)
    r.send("p1", g, {"p2": [g], "p3": [g], "p4": [g]})
    r.send("p1", g, {"p2": [g], "p3": [g], "p4": [g]})
    add_flow(sw, "priority=5,icmp,actions=output:p4")
    r.send("p1", g, {"p4": [g]})
    # Same match and priority: replaced (counters start again).
    add_flow(sw, "priority=20,udp,tp_dst=5000,actions=output:p4")
    r.send("p1", [f, f], {"p4": [f, f]})
    c = flow_counters(sw)
    assert c == {"priority=20,udp,tp_dst=5000 actions=output:p4": (2, 2 * len(f)),
                 "priority=10,udp actions=output:p2": (3, 3 * len(f)),
                 "priority=5,icmp actions=output:p4": (1, len(g))}, c
    # Deleting it: back to the priority 10 rule at once.
    assert del_flows(sw, "udp,tp_dst=5000") == {"deleted": 1}
    r.send("p1", f, {"p2": [f]})
    # del-flows without a match: the plain learning switch again.
    assert del_flows(sw) == {"deleted": 2}
    r.send("p1", f, {"p2": [f], "p3": [f], "p4": [f]})
    r.finish()


def test_runtime_add_flow_in_port_path(switch):
    """Runtime changes on the per-burst (in_port only) path, and from it to the cache path and back."""
    sw = switch
    r = Run(sw, ["p1", "p2", "p3"])
    f = udp(A, X)
    r.send("p1", f, {"p2": [f], "p3": [f]})                  # no rules
    add_flow(sw, "priority=10,in_port=p1,actions=output:p2")
    r.send("p1", f, {"p2": [f]})
    add_flow(sw, "priority=20,in_port=p1,actions=output:p3")
    r.send("p1", f, {"p3": [f]})
    add_flow(sw, "priority=30,in_port=p1,udp,actions=drop")  # not in_port only any more
    r.send("p1", f)
    r.send("p1", icmp(A, X), {"p3": [icmp(A, X)]})
    sw.wait_drops({("p1", "flow_drop"): 1})
    del_flows(sw, "udp")
    r.send("p1", f, {"p3": [f]})
    d = dump_flows(sw)
    assert (d["n_rules"], d["n_tuples"]) == (2, 1), d
    r.finish()


def test_add_flows_replaces(switch):
    """add-flows: a rule with the match and priority of an existing one (or of an earlier
    one in the same request) replaces it; the last one given wins."""
    sw = switch
    r = Run(sw, ["p1", "p2", "p3", "p4"], flows=[
        "priority=10,in_port=p1,udp,actions=output:p2",
        "priority=10,in_port=p1,udp,actions=output:p3",     # replaces the first
        "priority=10,in_port=p1,tcp,actions=output:p2",
    ])
    assert [f["flow"] for f in dump_flows(sw)["flows"]] == [
        "priority=10,in_port=p1,udp actions=output:p3",
        "priority=10,in_port=p1,tcp actions=output:p2"]
    f1, f2 = udp(A, X), tcp(A, X)
    r.send("p1", [f1, f2], {"p3": [f1], "p2": [f2]})
    assert add_flows(sw, [
        "priority=10,in_port=p1,tcp,actions=output:p3",
        "priority=11,in_port=p1,tcp,actions=output:p4",     # another priority: a new rule
        "priority=10,in_port=p1,udp,actions=output:p4",
        "priority=10,in_port=p1,udp,actions=output:p2",
        "priority=10,in_port=p1,tcp,actions=drop",
    ]) == {"added": 5}
    d = dump_flows(sw)
    assert [(f["flow"], f["n_packets"]) for f in d["flows"]] == [
        ("priority=11,in_port=p1,tcp actions=output:p4", 0),
        ("priority=10,in_port=p1,udp actions=output:p2", 0),
        ("priority=10,in_port=p1,tcp actions=drop", 0)], d
    r.send("p1", [f1, f2], {"p2": [f1], "p4": [f2]})
    del_flows(sw, "tcp")
    f3 = icmp(A, X)
    r.send("p1", [f2, f3], {"p2": [f2, f3], "p3": [f2, f3], "p4": [f2, f3]})
    r.finish()


def test_del_flows_match(switch):
    """del-flows with a match deletes only the rules it selects (non-strict)."""
    sw = switch
    r = Run(sw, ["p1", "p2", "p3"], flows=[
        "priority=10,ip,nw_dst=10.0.0.0/24,actions=output:p2",
        "priority=10,ip,nw_dst=10.0.1.0/24,actions=output:p2",
        "priority=10,udp,nw_dst=10.0.2.0/24,actions=output:p2",
        "priority=20,arp,actions=output:p3",
        "priority=5,in_port=p1,actions=output:p3",
    ])
    assert dump_flows(sw)["n_rules"] == 5
    assert del_flows(sw, "ip,nw_dst=10.0.0.0/24") == {"deleted": 1}
    d = dump_flows(sw)
    assert [f["flow"] for f in d["flows"]] == [
        "priority=20,arp actions=output:p3",
        "priority=10,ip,nw_dst=10.0.1.0/24 actions=output:p2",
        "priority=10,udp,nw_dst=10.0.2.0/24 actions=output:p2",
        "priority=5,in_port=p1 actions=output:p3"], d
    # dump-flows with a match selects the same way.
    assert [f["flow"] for f in dump_flows(sw, "udp")["flows"]] == [
        "priority=10,udp,nw_dst=10.0.2.0/24 actions=output:p2"]
    f1 = udp(A, X, ip_dst="10.0.0.5")       # deleted rule: the in_port rule
    f2 = udp(A, X, ip_dst="10.0.1.5")
    f3 = udp(B, X, ip_dst="10.0.0.5")       # from p2: no rule, normal
    r.send("p1", [f1, f2], {"p3": [f1], "p2": [f2]})
    r.send("p2", f3, {"p1": [f3], "p3": [f3]})
    # "ip" selects every rule with dl_type=0x0800 (udp too), not arp or in_port-only.
    assert del_flows(sw, "ip") == {"deleted": 2}
    assert del_flows(sw, "ip") == {"deleted": 0}
    assert del_flows(sw, "in_port=p2") == {"deleted": 0}
    r.send("p1", [f2], {"p3": [f2]})
    assert [f["flow"] for f in dump_flows(sw)["flows"]] == [
        "priority=20,arp actions=output:p3", "priority=5,in_port=p1 actions=output:p3"]
    r.finish()


def test_dump_flows_counters(switch):
    """n_packets/n_bytes are what was sent, on the per-burst path (br0) and the cache path (br1)."""
    sw = switch

    def bridges(ports):
        return [{"name": "br0", "ports": [ports["p1"].cfg(), ports["p2"].cfg()],
                 "flows": ["in_port=p1,actions=output:p2", "in_port=p2,actions=drop"]},
                {"name": "br1", "ports": [ports["p3"].cfg(), ports["p4"].cfg()],
                 "flows": ["priority=10,in_port=p3,udp,actions=output:p4",
                           "priority=5,in_port=p3,actions=drop",
                           "priority=7,arp,actions=normal"]}]
    r = Run(sw, ["p1", "p2", "p3", "p4"], bridges=bridges)
    fa = [udp(A, X, sport=i, size=60 + 37 * i) for i in range(40)]
    r.send("p1", fa, {"p2": fa})
    fb = [udp(B, X, sport=i, size=64 + i) for i in range(7)]
    r.send("p2", fb)
    fc = [udp(C, X, sport=i % 3, size=100 + i) for i in range(25)]   # 3 flows, cached
    fd = [icmp(C, X, seq=i, size=98 + i) for i in range(4)]
    fe = [arp(C), arp(C)]
    r.send("p3", fc + fd + fe, {"p4": fc + fe})
    sw.wait_drops({("p2", "flow_drop"): 7, ("p3", "flow_drop"): 4})
    size = lambda fs: sum(map(len, fs))  # noqa: E731
    d0 = dump_flows(sw, bridge="br0")
    assert (d0["n_rules"], d0["n_tuples"]) == (2, 1), d0
    assert [(f["flow"], f["priority"], f["n_packets"], f["n_bytes"]) for f in d0["flows"]] == [
        ("priority=32768,in_port=p1 actions=output:p2", 32768, 40, size(fa)),
        ("priority=32768,in_port=p2 actions=drop", 32768, 7, size(fb))], d0
    d1 = dump_flows(sw, bridge="br1")
    assert (d1["n_rules"], d1["n_tuples"]) == (3, 3), d1
    assert [(f["flow"], f["n_packets"], f["n_bytes"]) for f in d1["flows"]] == [
        ("priority=10,in_port=p3,udp actions=output:p4", 25, size(fc)),
        ("priority=7,arp actions=normal", 2, size(fe)),
        ("priority=5,in_port=p3 actions=drop", 4, size(fd))], d1
    for f in d0["flows"] + d1["flows"]:
        assert 0 <= f["idle_age_s"] <= f["duration_s"] <= 60, f
    # The dump-flows text parses back to the same rule (add-flow replaces it,
    # counters start again).
    add_flow(sw, d1["flows"][0]["flow"], bridge="br1")
    d1b = dump_flows(sw, bridge="br1")
    assert [f["flow"] for f in d1b["flows"]] == [f["flow"] for f in d1["flows"]], d1b
    assert [f["n_packets"] for f in d1b["flows"]] == [0, 2, 4], d1b
    st = sw.stats()
    assert (st["p1"]["rx_packets"], st["p2"]["tx_packets"]) == (40, 40), st
    r.finish()


def test_del_port_deletes_its_rules(switch):
    """Deleting a port deletes the rules that match on it or output to it; the rest keep working."""
    sw = switch
    r = Run(sw, ["p1", "p2", "p3", "p4"], flows=[
        "priority=10,in_port=p3,actions=output:p1",
        "priority=10,in_port=p1,actions=output:p2",
        "priority=20,udp,actions=output:p4,output:p3",
        "priority=20,in_port=p2,icmp,actions=output:p4",
    ])
    f1 = udp(A, X)
    r.send("p1", f1, {"p4": [f1], "p3": [f1]})
    sw.ctl("del-port", "br0", "p3")
    d = dump_flows(sw)
    assert [f["flow"] for f in d["flows"]] == [
        "priority=20,in_port=p2,icmp actions=output:p4",
        "priority=10,in_port=p1 actions=output:p2"], d
    f2 = udp(A, X, size=150)                # the udp rule is gone: in_port=p1
    r.send("p1", f2, {"p2": [f2]})
    f3 = icmp(B, X)
    r.send("p2", f3, {"p4": [f3]})
    f4 = udp(B, X, size=160)                # from p2, no rule: normal, p3 is gone
    r.send("p2", f4, {"p1": [f4], "p4": [f4]})
    # A rule naming the deleted port is refused now.
    try:
        add_flow(sw, "in_port=p3,actions=drop")
    except RpcError as e:
        assert "no port named 'p3'" in str(e), str(e)
    else:
        raise AssertionError("a rule for a deleted port was accepted")
    r.finish()


def test_flows_across_patch_ports(switch):
    """in_port on a patch port, output and flood into a patch port, VLAN actions across it."""
    sw = switch

    def bridges(ports):
        return [{"name": "br0", "ports": [ports["p1"].cfg(), ports["p4"].cfg(),
                                          {"name": "up", "type": "patch", "peer": "dn"}],
                 "flows": ["priority=10,in_port=p1,udp,actions=mod_vlan_vid:5,output:up",
                           "priority=10,in_port=p1,icmp,actions=flood",
                           "priority=10,in_port=up,actions=strip_vlan,output:p1"]},
                {"name": "br1", "ports": [{"name": "dn", "type": "patch", "peer": "up"},
                                          ports["p2"].cfg(), ports["p3"].cfg()],
                 "flows": ["priority=10,in_port=dn,dl_vlan=5,actions=output:p3",
                           "priority=5,in_port=dn,actions=output:p2",
                           "priority=10,in_port=p2,actions=mod_vlan_pcp:3,output:dn"]}]
    r = Run(sw, ["p1", "p2", "p3", "p4"], bridges=bridges)
    f1 = udp(A, X)
    r.send("p1", f1, {"p3": [tag(f1, 5)]})
    f2 = icmp(A, X)                         # flood: p4 and up -> dn -> p2 (untagged)
    r.send("p1", f2, {"p4": [f2], "p2": [f2]})
    f3 = tag(udp(B, X, size=120), 9)
    r.send("p2", f3, {"p1": [untag(f3)]})   # pcp 3 on the way, then stripped in br0
    f4 = udp(B, X, size=130)
    r.send("p2", f4, {"p1": [f4]})
    st = sw.stats()
    assert (st["dn"]["rx_packets"], st["up"]["rx_packets"]) == (2, 2), st
    r.finish()


# ---- match fields -----------------------------------------------------------------

def test_match_in_port(switch):
    """in_port rules, one per port, on the per-burst path."""
    sw = switch
    r = Run(sw, ["p1", "p2", "p3", "p4"], flows=[
        "in_port=p1,actions=output:p3",
        "in_port=p2,actions=output:p1",
        "in_port=p3,actions=output:p4,output:p2",
    ])
    assert dump_flows(sw)["n_tuples"] == 1
    f1, f2, f3, f4 = udp(A, X), udp(B, A, size=111), udp(C, X, size=122), udp(D, C, size=133)
    r.send("p1", f1, {"p3": [f1]})
    r.send("p2", f2, {"p1": [f2]})
    r.send("p3", f3, {"p4": [f3], "p2": [f3]})
    r.send("p4", f4, {"p1": [f4], "p2": [f4], "p3": [f4]})   # no rule: normal, C unknown
    r.finish()


def test_match_dl_addr_masked(switch):
    """dl_dst/dl_src with masks, including the group bit alone."""
    sw = switch
    r = Run(sw, ["p1", "p2", "p3", "p4"], flows=[
        "priority=30,dl_dst=02:aa:00:00:00:00/ff:ff:00:00:00:00,actions=output:p3",
        "priority=20,dl_src=02:00:00:00:00:10/ff:ff:ff:ff:ff:f0,actions=output:p2",
        "priority=10,dl_dst=01:00:00:00:00:00/01:00:00:00:00:00,actions=output:p4",
        "priority=5,dl_dst=%s,actions=output:p4" % D,
    ])
    s1, s2 = "02:00:00:00:00:1f", "02:00:00:00:00:20"
    f1 = udp(s2, "02:aa:12:34:56:78")
    r.send("p1", f1, {"p3": [f1]})
    f2 = udp(s1, "02:aa:ff:ff:ff:ff")       # both: the higher priority
    r.send("p1", f2, {"p3": [f2]})
    f3 = udp(s1, "02:ab:12:34:56:78")
    r.send("p1", f3, {"p2": [f3]})
    f4 = udp(s1, BCAST)                     # src rule beats the multicast rule
    r.send("p1", f4, {"p2": [f4]})
    f5 = udp(s2, "33:33:00:00:00:01")       # multicast
    r.send("p1", f5, {"p4": [f5]})
    f6 = udp(s2, D)
    r.send("p1", f6, {"p4": [f6]})
    f7 = udp(s2, "02:ab:00:00:00:01")       # nothing: normal
    r.send("p1", f7, {"p2": [f7], "p3": [f7], "p4": [f7]})
    r.finish()


def test_match_dl_vlan(switch):
    """dl_vlan=V (tagged), dl_vlan=0xffff (untagged), dl_vlan_pcp; as received, before access tagging."""
    sw = switch
    r = Run(sw, ["p1", "p2", "p3", "p4", "a"], vlan={"a": {"mode": "access", "tag": 10}}, flows=[
        "priority=30,dl_vlan=10,dl_vlan_pcp=5,actions=output:p4",
        "priority=20,dl_vlan=10,actions=output:p2",
        "priority=20,dl_vlan=0xffff,actions=output:p3",
        "priority=10,dl_vlan_pcp=7,actions=output:p4",
    ])
    f1 = tag(udp(A, X), 10)
    r.send("p1", f1, {"p2": [f1]})
    f2 = udp(A, X, size=90)
    r.send("p1", f2, {"p3": [f2]})
    f3 = tag(udp(A, X, size=91), 10, pcp=5)
    r.send("p1", f3, {"p4": [f3]})
    f4 = tag(udp(A, X, size=92), 20, pcp=7)
    r.send("p1", f4, {"p4": [f4]})
    # VID 20, PCP 0: no rule: normal floods VLAN 20 (the trunks, not "a").
    f5 = tag(udp(A, X, size=93), 20)
    r.send("p1", f5, {"p2": [f5], "p3": [f5], "p4": [f5]})
    # VID 0 (a priority tag) is a tagged frame: not dl_vlan=0xffff. The
    # learning switch puts it in VLAN 0 and removes the tag.
    f6 = tag(udp(A, X, size=94), 0)
    r.send("p1", f6, {"p2": [untag(f6)], "p3": [untag(f6)], "p4": [untag(f6)]})
    # Untagged on access port "a" (VLAN 10): dl_vlan=0xffff, not dl_vlan=10;
    # output sends it untagged.
    f7 = udp(B, X, size=95)
    r.send("a", f7, {"p3": [f7]})
    r.finish()


def test_match_tp_dst(switch):
    """tp_dst on UDP and on TCP (and a masked tp_dst)."""
    sw = switch
    r = Run(sw, ["p1", "p2", "p3", "p4"], flows=[
        "udp,tp_dst=53,actions=output:p2",
        "tcp,tp_dst=80,actions=output:p3",
        "priority=100,tcp,tp_dst=0x1000/0xf000,actions=output:p4",
    ])
    f1 = udp(A, X, dport=53)
    f2 = tcp(A, X, dport=80)
    f3 = tcp(A, X, dport=0x1234)
    f4 = udp(A, X, dport=0x1234)
    f5 = tcp(A, X, dport=53)
    f6 = udp(A, X, dport=80)
    r.send("p1", f1, {"p2": [f1]})
    r.send("p1", f2, {"p3": [f2]})
    r.send("p1", f3, {"p4": [f3]})
    every = lambda f: {"p2": [f], "p3": [f], "p4": [f]}  # noqa: E731
    r.send("p1", f4, every(f4))
    r.send("p1", f5, every(f5))
    r.send("p1", f6, every(f6))
    # Behind an 802.1Q tag the ports are found too.
    f7, f8 = tag(udp(A, X, dport=53, size=120), 10), tag(tcp(A, X, dport=0x1fff), 10, pcp=2)
    r.send("p1", [f7, f8], {"p2": [f7], "p4": [f8]})
    # A non-first fragment has no ports: not tp_dst=53.
    frag = pad(Ether(src=A, dst=X) / IP(src="10.9.0.1", dst="10.9.0.2", proto=17, frag=100) /
               Raw(b"\x0f\xa0\x00\x35" + b"\x00" * 20), 100)
    r.send("p1", frag, every(frag))
    r.finish()


def test_match_ipv6_dst(switch):
    """ipv6_dst with a prefix, with and without udp6,tp_dst."""
    sw = switch
    r = Run(sw, ["p1", "p2", "p3", "p4"], flows=[
        "priority=10,ipv6,ipv6_dst=2001:db8:1::/48,actions=output:p2",
        "priority=20,udp6,ipv6_dst=2001:db8:1:5::/64,tp_dst=7,actions=output:p3",
        "priority=10,ip,actions=output:p4",
    ])
    f1 = udp6(A, X, "2001:db8:1:ff::1")
    f2 = udp6(A, X, "2001:db8:1:5::9", dport=7)
    f3 = udp6(A, X, "2001:db8:1:5::9", dport=8)
    f4 = udp6(A, X, "2001:db8:2::1")
    f5 = udp(A, X)
    r.send("p1", f1, {"p2": [f1]})
    r.send("p1", f2, {"p3": [f2]})
    r.send("p1", f3, {"p2": [f3]})
    r.send("p1", f4, {"p2": [f4], "p3": [f4], "p4": [f4]})
    r.send("p1", f5, {"p4": [f5]})
    r.finish()


def test_match_arp_op(switch):
    """arp,arp_op=1 takes requests only; nw_dst matches the ARP target."""
    sw = switch
    r = Run(sw, ["p1", "p2", "p3", "p4"], flows=[
        "arp,arp_op=1,actions=output:p2",
        "priority=40000,arp,arp_op=2,nw_dst=10.9.0.77,actions=output:p4",
    ])
    f1 = arp(A, op=1)
    r.send("p1", f1, {"p2": [f1]})
    f2 = arp(A, op=2, dst=B, psrc="10.9.0.1", pdst="10.9.0.2")
    r.send("p1", f2, {"p2": [f2], "p3": [f2], "p4": [f2]})
    f3 = arp(A, op=2, dst=B, psrc="10.9.0.1", pdst="10.9.0.77")
    r.send("p1", f3, {"p4": [f3]})
    f4 = udp(A, X)                          # not ARP
    r.send("p1", f4, {"p2": [f4], "p3": [f4], "p4": [f4]})
    f5 = tag(arp(A, op=1, pdst="10.9.0.77"), 10)    # tagged: still an ARP request
    r.send("p1", f5, {"p2": [f5]})
    r.finish()


def test_bad_rules_refused(switch):
    """Bad rules through JSON-RPC change nothing: add-flows is all or nothing."""
    sw = switch
    r = Run(sw, ["p1", "p2", "p3"], flows=["in_port=p1,actions=output:p2"])
    for bad, why in [("ip,nw_dest=10.0.0.1,actions=drop", "column 4: unknown field 'nw_dest'"),
                     ("in_port=p1,actions=output:nope", "no port named 'nope'"),
                     ("in_port=zz,actions=drop", "no port named 'zz'")]:
        try:
            add_flow(sw, bad)
        except RpcError as e:
            assert why in str(e), (bad, str(e))
        else:
            raise AssertionError("add-flow %r was accepted" % bad)
    try:
        add_flows(sw, ["priority=9,in_port=p1,actions=output:p3", "tcp,udp,actions=drop"])
    except RpcError as e:
        assert "rule 2" in str(e) and "udp conflicts with tcp" in str(e), str(e)
    else:
        raise AssertionError("add-flows with a bad rule was accepted")
    assert [f["flow"] for f in dump_flows(sw)["flows"]] == [
        "priority=32768,in_port=p1 actions=output:p2"]
    f = udp(A, X)
    r.send("p1", f, {"p2": [f]})
    r.finish()
