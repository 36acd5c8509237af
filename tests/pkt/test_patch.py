# SPDX-License-Identifier: BSD-3-Clause
"""Patch ports: frames cross from bridge to bridge unchanged, learning on the patch port."""
from vsharness import mac, tag, untag, udp_frame

A, B, C, D, X = mac(0xa), mac(0xb), mac(0xc), mac(0xd), mac(0x99)


def test_patch(switch):
    sw = switch
    p1, p2, p3 = sw.port("p1"), sw.port("p2"), sw.port("p3")
    sw.start([
        {"name": "br0", "ports": [p1.cfg(), {"name": "up", "type": "patch", "peer": "dn"}]},
        {"name": "br1", "ports": [{"name": "dn", "type": "patch", "peer": "up"},
                                  p2.cfg(), p3.cfg()]},
    ])

    # 1. A -> B from p1: br0 floods to up, br1 (input on dn) floods to p2, p3.
    f1 = udp_frame(A, B, seq=1)
    p1.send([f1])
    sw.wait_rx()
    sw.wait_fdb("br0", {(A, 0): "p1"})
    sw.wait_fdb("br1", {(A, 0): "dn"})
    sw.wait_tx({"p2": 1, "p3": 1})

    # 2. B -> A from p2: br1 sends it to dn, br0 to p1 only.
    f2 = udp_frame(B, A, seq=2, size=150)
    p2.send([f2])
    sw.wait_rx()
    sw.wait_fdb("br1", {(A, 0): "dn", (B, 0): "p2"})
    sw.wait_fdb("br0", {(A, 0): "p1", (B, 0): "up"})
    sw.wait_tx({"p1": 1})

    # 3. A -> B again: p2 only.
    f3 = udp_frame(A, B, seq=3, size=300)
    p1.send([f3])
    sw.wait_rx()
    sw.wait_tx({"p2": 2})

    assert sw.fdb("br0") == {(A, 0): "p1", (B, 0): "up"}
    assert sw.fdb("br1") == {(A, 0): "dn", (B, 0): "p2"}
    stats = sw.stats()
    # Frames entering br1 through dn count as received on dn.
    assert stats["dn"]["rx_packets"] == 2, stats["dn"]
    assert stats["dn"]["rx_bytes"] == len(f1) + len(f3), stats["dn"]
    assert stats["up"]["rx_packets"] == 1, stats["up"]

    out = sw.stop()
    sw.check_output(out, {"p1": [f2], "p2": [f1, f3], "p3": [f1]})
    # Every frame was delivered: no port may count a drop (f1, flooded
    # from p1 to the patch port only, is no "no_output_port" drop).
    drops = {p: {k: v for k, v in s["drops"].items() if v} for p, s in stats.items()}
    assert drops == {p: {} for p in stats}, "drops counted for delivered frames: %s" % drops


def test_patch_vlan(switch):
    """A trunk patch pair carrying VLAN 10 between access and trunk ports."""
    sw = switch
    p1, p4 = sw.port("p1"), sw.port("p4")
    p2, p3, t3 = sw.port("p2"), sw.port("p3"), sw.port("t3")
    trunk10 = {"mode": "trunk", "trunks": [10]}
    sw.start([
        {"name": "br0", "ports": [
            p1.cfg(vlan={"mode": "access", "tag": 10}),
            p4.cfg(vlan={"mode": "access", "tag": 20}),
            {"name": "up", "type": "patch", "peer": "dn", "vlan": trunk10}]},
        {"name": "br1", "ports": [
            {"name": "dn", "type": "patch", "peer": "up", "vlan": trunk10},
            p2.cfg(vlan={"mode": "access", "tag": 10}),
            p3.cfg(vlan={"mode": "access", "tag": 20}),
            t3.cfg(vlan={"mode": "trunk", "trunks": [10, 20]})]},
    ])
    want = {n: [] for n in ("p1", "p2", "p3", "p4", "t3")}

    # 1. Untagged A -> B on p1 (VLAN 10): up (tagged 10) -> dn -> p2
    #    untagged, t3 tagged 10; not p3 or p4 (VLAN 20).
    f1 = udp_frame(A, B, seq=1)
    p1.send([f1])
    want["p2"].append(f1)
    want["t3"].append(tag(f1, 10))
    sw.wait_rx()
    sw.wait_fdb("br0", {(A, 10): "p1"})
    sw.wait_fdb("br1", {(A, 10): "dn"})
    sw.wait_tx({"p2": 1, "t3": 1})

    # 2. VLAN 20 from p4: nothing else in br0 carries VLAN 20.
    p4.send([udp_frame(C, B, seq=2)])
    sw.wait_rx()
    sw.wait_drops({("p4", "no_output_port"): 1})

    # 3. Tagged 10 from t3, B -> A: dn (A learned there) -> up -> p1 untagged.
    f3 = tag(udp_frame(B, A, seq=3, size=180), 10)
    t3.send([f3])
    want["p1"].append(untag(f3))
    sw.wait_rx()
    sw.wait_fdb("br1", {(A, 10): "dn", (B, 10): "t3"})
    sw.wait_fdb("br0", {(A, 10): "p1", (B, 10): "up"})
    sw.wait_tx({"p1": 1})

    # 4. Tagged 20 from t3: p3 untagged only; the patch does not carry 20.
    f4 = tag(udp_frame(D, X, seq=4), 20)
    t3.send([f4])
    want["p3"].append(untag(f4))
    sw.wait_rx()
    sw.wait_fdb("br1", {(D, 20): "t3"})
    sw.wait_tx({"p3": 1})

    # 5. Untagged A -> B on p1: now unicast through the patch to t3, tagged.
    f5 = udp_frame(A, B, seq=5, size=222)
    p1.send([f5])
    want["t3"].append(tag(f5, 10))
    sw.wait_rx()
    sw.wait_tx({"t3": 2})

    stats = sw.stats()
    assert stats["dn"]["rx_packets"] == 2, stats["dn"]   # f1, f5
    assert stats["up"]["rx_packets"] == 1, stats["up"]   # f3

    out = sw.stop()
    sw.check_output(out, want)
    # Only p4's frame was dropped (f1, flooded from p1 to the patch port
    # only, is no "no_output_port" drop).
    drops = {p: {k: v for k, v in s["drops"].items() if v} for p, s in stats.items()}
    assert drops == {"p1": {}, "p2": {}, "p3": {}, "p4": {"no_output_port": 1}, "t3": {},
                     "up": {}, "dn": {}}, "drops counted for delivered frames: %s" % drops
