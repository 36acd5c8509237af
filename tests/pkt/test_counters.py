# SPDX-License-Identifier: BSD-3-Clause
"""port-stats and pmd-stats count exactly what was received and sent."""
from vsharness import mac, tag, udp_frame

A, B, T, X = mac(0xa), mac(0xb), mac(0x7), mac(0x99)


def test_counters(switch):
    sw = switch
    a, b, t = sw.port("a"), sw.port("b"), sw.port("t")
    sw.start([{"name": "br0", "ports": [
        a.cfg(vlan={"mode": "access", "tag": 10}),
        b.cfg(vlan={"mode": "access", "tag": 10}),
        t.cfg(vlan={"mode": "trunk", "trunks": [10]}),
    ]}])
    zero = sw.stats()
    for s in zero.values():
        assert (s["rx_packets"], s["rx_bytes"], s["tx_packets"], s["tx_bytes"],
                s["drops_total"]) == (0, 0, 0, 0, 0), s

    # 1. a floods 5 frames to b (as they are) and t (tagged: 4 bytes more).
    fa = [udp_frame(A, X, seq=i, size=n) for i, n in enumerate([60, 100, 333, 1000, 1514])]
    a.send(fa)
    sw.wait_rx()
    sw.wait_fdb("br0", {(A, 10): "a"})
    sw.wait_tx({"b": 5, "t": 5})
    # 2. b to A (learned): 3 frames to a only.
    fb = [udp_frame(B, A, seq=10 + i, size=n) for i, n in enumerate([64, 200, 1500])]
    b.send(fb)
    sw.wait_rx()
    sw.wait_fdb("br0", {(B, 10): "b"})
    sw.wait_tx({"a": 3})
    # 3. t to B, tagged: 4 frames to b only, untagged (4 bytes less).
    ft = [tag(udp_frame(T, B, seq=20 + i, size=n), 10) for i, n in enumerate([66, 128, 600, 1514])]
    t.send(ft)
    sw.wait_rx()
    sw.wait_tx({"b": 9})

    size = lambda fs: sum(len(f) for f in fs)  # noqa: E731
    want = {
        "a": (len(fa), size(fa), len(fb), size(fb)),
        "b": (len(fb), size(fb), len(fa) + len(ft), size(fa) + size(ft) - 4 * len(ft)),
        "t": (len(ft), size(ft), len(fa), size(fa) + 4 * len(fa)),
    }
    stats = sw.stats()
    got = {n: (s["rx_packets"], s["rx_bytes"], s["tx_packets"], s["tx_bytes"])
           for n, s in stats.items()}
    assert got == want, "port-stats (rx pkts, rx bytes, tx pkts, tx bytes): got %s, want %s" % (
        got, want)
    for s in stats.values():
        assert s["drops_total"] == 0 and not any(s["drops"].values()), s

    # One port only.
    one = sw.ctl_json("port-stats", "t")["ports"]
    assert [p["name"] for p in one] == ["t"] and one[0]["tx_bytes"] == want["t"][3], one

    # The PMD received every frame.
    pmds = sw.ctl_json("pmd-stats")["pmds"]
    assert sum(p["packets"] for p in pmds) == len(fa) + len(fb) + len(ft), pmds

    out = sw.stop()
    # What the counters say is what the devices got.
    for n, p in sw.ports.items():
        assert len(out[n]) == want[n][2], (n, len(out[n]))
        assert sum(len(f) for f in out[n]) == want[n][3], n
    sw.check_output(out, {"a": fb, "b": fa + [f[:12] + f[16:] for f in ft],
                          "t": [tag(f, 10) for f in fa]})
