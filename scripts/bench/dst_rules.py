#!/usr/bin/env python3
"""Print N flow rules, one per flow of ../shared/bench/gen_pcap.py, matching
flow i's destination MAC (04:00 followed by i as 4 bytes) and sending it to
PORT: "dl_dst=04:00:00:00:00:07,actions=output:PORT", one rule a line, the
syntax of vswitch's flows: and of ovs-ofctl add-flows alike.

Usage: dst_rules.py N PORT
"""
import sys


def main() -> int:
    if len(sys.argv) != 3 or not sys.argv[1].isdigit():
        sys.stderr.write(__doc__)
        return 2
    for i in range(int(sys.argv[1])):
        print("dl_dst=04:00:%02x:%02x:%02x:%02x,actions=output:%s"
              % (*i.to_bytes(4, "big"), sys.argv[2]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
