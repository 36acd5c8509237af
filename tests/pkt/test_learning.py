# SPDX-License-Identifier: BSD-3-Clause
"""MAC learning: unknown unicast floods, learned unicast goes to one port."""
from vsharness import mac, udp_frame

A, B, X = mac(0xa), mac(0xb), mac(0x99)


def test_learning(switch):
    sw = switch
    a, b, c = sw.port("a"), sw.port("b"), sw.port("c")
    sw.start([{"name": "br0", "ports": [a.cfg(), b.cfg(), c.cfg()]}])

    # 1. A -> B, B unknown: flooded to b and c, never back to a.
    f1 = udp_frame(A, B, seq=1)
    a.send([f1])
    sw.wait_rx()
    sw.wait_fdb("br0", {(A, 0): "a"})
    sw.wait_tx({"b": 1, "c": 1})

    # 2. B -> A, A learned on a: only to a. B is learned on b.
    f2 = udp_frame(B, A, seq=2, size=120)
    b.send([f2])
    sw.wait_rx()
    sw.wait_fdb("br0", {(A, 0): "a", (B, 0): "b"})
    sw.wait_tx({"a": 1})

    # 3. A -> B again: only to b now.
    f3 = udp_frame(A, B, seq=3, size=140)
    a.send([f3])
    sw.wait_rx()
    sw.wait_tx({"b": 2})

    # 4. Still unknown X from b: floods to a and c.
    f4 = udp_frame(B, X, seq=4)
    b.send([f4])
    sw.wait_rx()
    sw.wait_tx({"a": 2, "c": 2})

    fdb = sw.fdb("br0")
    assert fdb == {(A, 0): "a", (B, 0): "b"}, fdb
    stats = sw.stats()
    for p in "abc":
        assert stats[p]["drops_total"] == 0, stats[p]

    out = sw.stop()
    sw.check_output(out, {"a": [f2, f4], "b": [f1, f3], "c": [f1, f4]})
