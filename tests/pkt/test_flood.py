# SPDX-License-Identifier: BSD-3-Clause
"""Broadcast and multicast destinations flood to every other port."""
from vsharness import mac, udp_frame

A, B = mac(0xa), mac(0xb)
BCAST = "ff:ff:ff:ff:ff:ff"
MCAST4 = "01:00:5e:00:00:fb"     # 224.0.0.251
MCAST6 = "33:33:00:00:00:01"     # ff02::1
MCAST_OTHER = "03:00:00:00:00:01"


def test_broadcast_multicast(switch):
    sw = switch
    a, b, c, d = sw.port("a"), sw.port("b"), sw.port("c"), sw.port("d")
    sw.start([{"name": "br0", "ports": [a.cfg(), b.cfg(), c.cfg(), d.cfg()]}])

    # 1. From a: broadcast and three multicast groups -> b, c, d.
    fa = [udp_frame(A, dst, seq=i, size=80 + 10 * i)
          for i, dst in enumerate([BCAST, MCAST4, MCAST6, MCAST_OTHER])]
    a.send(fa)
    sw.wait_rx()
    sw.wait_fdb("br0", {(A, 0): "a"})
    sw.wait_tx({"b": 4, "c": 4, "d": 4})

    # 2. From b, with A and B learned: still flooded -> a, c, d.
    fb = [udp_frame(B, BCAST, seq=10), udp_frame(B, MCAST4, seq=11)]
    b.send(fb)
    sw.wait_rx()
    sw.wait_fdb("br0", {(A, 0): "a", (B, 0): "b"})
    sw.wait_tx({"a": 2, "c": 6, "d": 6})

    # 3. A multicast source MAC is dropped (and not learned).
    bad = udp_frame("01:00:5e:00:00:01", BCAST, seq=20)
    c.send([bad])
    sw.wait_rx()
    sw.wait_drops({("c", "src_mac_multicast"): 1})

    stats = sw.stats()
    assert stats["c"]["drops"]["src_mac_multicast"] == 1, stats["c"]
    assert stats["c"]["drops_total"] == 1, stats["c"]
    for p in "abd":
        assert stats[p]["drops_total"] == 0, stats[p]
    fdb = sw.fdb("br0")
    assert fdb == {(A, 0): "a", (B, 0): "b"}, fdb

    out = sw.stop()
    sw.check_output(out, {"a": fb, "b": fa, "c": fa + fb, "d": fa + fb})
