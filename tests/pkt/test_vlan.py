# SPDX-License-Identifier: BSD-3-Clause
"""
VLANs: access ports a1 (tag 10) and a2 (tag 20), trunk t1 (VLANs 10 and 20,
no native VLAN) and trunk t2 (all VLANs, native 10). Expected frames are the
sent ones with a tag inserted, removed or rewritten by scapy.
"""
from vsharness import mac, tag, untag, udp_frame

M1 = mac(0x101)   # behind a1 (VLAN 10)
M2 = mac(0x102)   # behind t1 (VLAN 20)
M3 = mac(0x103)   # behind t2 (native VLAN 10)
UNKNOWN = mac(0x199)


def test_vlan_access_trunk(switch):
    sw = switch
    a1, a2, t1, t2 = sw.port("a1"), sw.port("a2"), sw.port("t1"), sw.port("t2")
    sw.start([{"name": "br0", "ports": [
        a1.cfg(vlan={"mode": "access", "tag": 10}),
        a2.cfg(vlan={"mode": "access", "tag": 20}),
        t1.cfg(vlan={"mode": "trunk", "trunks": [10, 20]}),
        t2.cfg(vlan={"mode": "trunk", "native": 10}),
    ]}])
    shown = {p["name"]: p["vlan"] for p in sw.ctl_json("show")["bridges"][0]["ports"]}
    assert shown["a1"] == {"mode": "access", "tag": 10}, shown
    assert shown["t2"]["native"] == 10 and shown["t2"]["mode"] == "trunk", shown

    want = {"a1": [], "a2": [], "t1": [], "t2": []}

    # 1. Untagged from a1 (VLAN 10), unknown destination: t1 tagged 10,
    #    t2 untagged (its native VLAN), never a2.
    f1 = udp_frame(M1, UNKNOWN, seq=1)
    a1.send([f1])
    want["t1"].append(tag(f1, 10))
    want["t2"].append(f1)
    sw.wait_rx()
    sw.wait_fdb("br0", {(M1, 10): "a1"})
    sw.wait_tx({"t1": 1, "t2": 1})

    # 2. Tagged VID 20 from t1: a2 untagged, t2 tagged 20, never a1.
    f2 = tag(udp_frame(M2, UNKNOWN, seq=2, size=110), 20)
    t1.send([f2])
    want["a2"].append(untag(f2))
    want["t2"].append(f2)
    sw.wait_rx()
    sw.wait_fdb("br0", {(M2, 20): "t1"})
    sw.wait_tx({"a2": 1, "t2": 2})

    # 3. Refused on ingress: a tag on an access port (even its own VLAN),
    #    a VLAN a trunk does not carry, an untagged frame on a trunk
    #    without native VLAN.
    a1.send([tag(udp_frame(M1, UNKNOWN, seq=3), 10)])
    a2.send([tag(udp_frame(mac(0x104), UNKNOWN, seq=4), 20)])
    t1.send([tag(udp_frame(M2, UNKNOWN, seq=5), 30),
             udp_frame(mac(0x105), UNKNOWN, seq=6)])
    sw.wait_rx()
    sw.wait_drops({("a1", "vlan_tagged_on_access"): 1, ("a2", "vlan_tagged_on_access"): 1,
                   ("t1", "vlan_not_allowed"): 2})

    # 4. Untagged from t2 (native 10) to M1, learned in VLAN 10: a1 only.
    f4 = udp_frame(M3, M1, seq=7)
    t2.send([f4])
    want["a1"].append(f4)
    sw.wait_rx()
    sw.wait_fdb("br0", {(M3, 10): "t2"})
    sw.wait_tx({"a1": 1})

    # 5. Tagged VID 10 from t2 (the native VLAN, tagged) to M1: a1, untagged.
    f5 = tag(udp_frame(M3, M1, seq=8, size=200), 10)
    t2.send([f5])
    want["a1"].append(untag(f5))
    sw.wait_rx()
    sw.wait_tx({"a1": 2})

    # 6. VID 20 from t1 to M1: M1 is known in VLAN 10 only, so this floods
    #    VLAN 20 (a2 untagged, t2 tagged), not to a1.
    f6 = tag(udp_frame(M2, M1, seq=9), 20)
    t1.send([f6])
    want["a2"].append(untag(f6))
    want["t2"].append(f6)
    sw.wait_rx()
    sw.wait_tx({"a2": 2, "t2": 3})

    # 7. a1 to M3 (learned on t2 in VLAN 10): t2 only, untagged (native).
    f7 = udp_frame(M1, M3, seq=10, size=90)
    a1.send([f7])
    want["t2"].append(f7)
    sw.wait_rx()
    sw.wait_tx({"t2": 4})

    # 8. Priority tag (VID 0, PCP 5) on t2: VLAN 10 (native). Flooded to
    #    a1 untagged and to t1 tagged VID 10, priority kept.
    inner = udp_frame(M3, UNKNOWN, seq=11)
    f8 = tag(inner, 0, pcp=5)
    t2.send([f8])
    want["a1"].append(inner)
    want["t1"].append(tag(inner, 10, pcp=5))
    sw.wait_rx()
    sw.wait_tx({"a1": 3, "t1": 2})

    stats = sw.stats()
    drops = {p: {k: v for k, v in s["drops"].items() if v} for p, s in stats.items()}
    assert drops == {"a1": {"vlan_tagged_on_access": 1}, "a2": {"vlan_tagged_on_access": 1},
                     "t1": {"vlan_not_allowed": 2}, "t2": {}}, drops
    fdb = sw.fdb("br0")
    assert fdb == {(M1, 10): "a1", (M2, 20): "t1", (M3, 10): "t2"}, fdb

    out = sw.stop()
    sw.check_output(out, want)



def test_vlan_flood_retagged_in_place(switch):
    """Floods whose every output needs another encapsulation than the frame
    has: one output (handled as a unicast, re-tagged in place) and two (one
    re-tagged frame shared by both), each byte-exact and without drops."""
    sw = switch
    a, t1 = sw.port("a"), sw.port("t1")
    b, t2, t3 = sw.port("b"), sw.port("t2"), sw.port("t3")
    sw.start([
        {"name": "br0", "ports": [a.cfg(vlan={"mode": "access", "tag": 100}),
                                  t1.cfg(vlan={"mode": "trunk", "trunks": [100]})]},
        {"name": "br1", "ports": [b.cfg(vlan={"mode": "access", "tag": 200}),
                                  t2.cfg(vlan={"mode": "trunk", "trunks": [200, 300]}),
                                  t3.cfg(vlan={"mode": "trunk", "trunks": [200]})]},
    ])
    want = {"a": [], "t1": [], "b": [], "t2": [], "t3": []}

    # br0, one output: a burst of unknown unicast from the access port gets
    # a tag each on the trunk; the trunk's frames leave the access port
    # untagged.
    fa = [udp_frame(mac(0x201), mac(0x2f0 + i), seq=i, size=64 + 8 * i) for i in range(8)]
    a.send(fa)
    want["t1"] += [tag(f, 100) for f in fa]
    ft = [tag(udp_frame(mac(0x202), mac(0x2e0 + i), seq=20 + i), 100) for i in range(4)]
    t1.send(ft)
    want["a"] += [untag(f) for f in ft]

    # br1, two outputs, both tagged: the same re-tagged frame goes to both.
    fb = [udp_frame(mac(0x301), mac(0x3f0 + i), seq=40 + i, size=100) for i in range(5)]
    b.send(fb)
    want["t2"] += [tag(f, 200) for f in fb]
    want["t3"] += [tag(f, 200) for f in fb]

    sw.wait_rx()
    sw.wait_tx({"t1": 8, "a": 4, "t2": 5, "t3": 5})
    sw.wait_fdb("br0", {(mac(0x201), 100): "a", (mac(0x202), 100): "t1"})

    stats = sw.stats()
    drops = {p: {k: v for k, v in s["drops"].items() if v} for p, s in stats.items()}
    assert all(not d for d in drops.values()), drops

    out = sw.stop()
    sw.check_output(out, want)
