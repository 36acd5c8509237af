#!/bin/bash
# Prepare a Debian 12 machine for vswitch: packages, hugepages, bpffs.
# Idempotent: installs only what is missing, reserves only what is short.
# Usage: sudo scripts/setup.sh        (HUGEPAGES=512 by default, 2 MB each)
set -euo pipefail

HUGEPAGES=${HUGEPAGES:-512}
PACKAGES=(
	gcc meson ninja-build pkg-config git
	dpdk dpdk-dev libdpdk-dev            # DPDK 22.11 LTS: EAL, ethdev, net_af_xdp, net_pcap, testpmd
	libyaml-dev libnuma-dev libjansson-dev libbpf-dev libxdp-dev
	libcmocka-dev                        # unit tests
	iproute2 iputils-ping ethtool iperf3 # namespaces, end-to-end tests, demo
	python3 python3-scapy python3-pytest # packet-level tests (Debian's /usr/bin/python3)
	procps psmisc
	qemu-system-x86 busybox-static cpio kmod xz-utils zstd   # vhost tests: QEMU guests (../shared/vmtest)
)

[ "$(id -u)" = 0 ] || { echo "setup.sh: run as root (it installs packages and reserves hugepages)" >&2; exit 1; }

missing=()
for p in "${PACKAGES[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
	echo "setup.sh: installing ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -q
	apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

# Hugepages: vswitchd's EAL memory and mbuf pools live there.
if ! grep -q "^[^ ]* /dev/hugepages hugetlbfs" /proc/mounts; then
	mkdir -p /dev/hugepages
	mount -t hugetlbfs nodev /dev/hugepages
fi
cur=$(cat /proc/sys/vm/nr_hugepages)
if [ "$cur" -lt "$HUGEPAGES" ]; then
	echo "$HUGEPAGES" > /proc/sys/vm/nr_hugepages
	cur=$(cat /proc/sys/vm/nr_hugepages)
	[ "$cur" -ge "$HUGEPAGES" ] || echo "setup.sh: warning: only $cur of $HUGEPAGES hugepages could be reserved" >&2
fi

# AF_XDP: libxdp pins its XDP dispatcher programs in bpffs.
grep -q " /sys/fs/bpf bpf" /proc/mounts || mount -t bpf bpf /sys/fs/bpf

echo "setup.sh: ready ($(cat /proc/sys/vm/nr_hugepages) hugepages of $(awk '/Hugepagesize/ {print $2 $3}' /proc/meminfo), $(nproc) cores)"
