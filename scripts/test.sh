#!/bin/bash
# Run every test of vswitch, as CI does:
#   1. unit tests (cmocka), packet-level tests (net_pcap, frames compared
#      byte for byte), end-to-end tests (namespaces, AF_XDP, iperf3,
#      runtime add/del, flow scale) and vhost-user tests (testpmd
#      virtio_user, QEMU guests) in the release build (build/);
#   2. the same in a debug build with AddressSanitizer + UBSan
#      (build-asan/), but for the QEMU guest tests.
# Ends with one line "N passed, N failed". Exit status 0 only if all passed.
# Usage: sudo scripts/test.sh [--quick]   (--quick: release build only)
set -uo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
QUICK=0
[ "${1:-}" = "--quick" ] && QUICK=1

"$ROOT/scripts/setup.sh" || { echo "0 passed, 1 failed"; exit 1; }

builds=(build)
[ "$QUICK" = 1 ] || builds+=(build-asan)
failed_builds=0
for b in "${builds[@]}"; do
	opts=()
	[ "$b" = build-asan ] && opts=(-Dbuildtype=debug -Db_sanitize=address,undefined -Db_lundef=false)
	if [ ! -f "$b/build.ninja" ]; then
		meson setup "$b" "${opts[@]}" >"/tmp/vswitch-$b-setup.log" 2>&1 ||
			{ cat "/tmp/vswitch-$b-setup.log"; echo "FAIL: meson setup $b"; failed_builds=$((failed_builds + 1)); continue; }
	fi
	if ! ninja -C "$b" >"/tmp/vswitch-$b-ninja.log" 2>&1; then
		tail -50 "/tmp/vswitch-$b-ninja.log"
		echo "FAIL: build $b"
		failed_builds=$((failed_builds + 1))
		continue
	fi
	# Serially: the daemon tests each pin a PMD core. The ASan build leaves
	# out the QEMU guest tests (suite guest): TCG guests are slow, and the
	# testpmd vhost tests cover the same code of ours under the sanitizers.
	suites=()
	[ "$b" = build-asan ] && suites=(--no-suite guest)
	ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0} \
	LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$ROOT/tests/lsan.supp:print_suppressions=0} \
	UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1} \
		meson test -C "$b" --num-processes 1 --print-errorlogs --no-rebuild "${suites[@]}"
done

# The benchmark harness in quick mode (vswitch, OVS-DPDK, testpmd for a few
# seconds each): it must keep producing numbers; targets are not judged here.
bench_failed=0
if [ -x build/control/vswitchd ]; then
	echo "== scripts/bench/run.sh --quick"
	VS_VSWITCHD=$ROOT/build/control/vswitchd VS_VSCTL=$ROOT/build/control/vsctl \
		OUTDIR=/tmp/vswitch-bench-quick scripts/bench/run.sh --quick >/tmp/vswitch-bench-quick.log 2>&1 ||
		{ tail -30 /tmp/vswitch-bench-quick.log; echo "FAILED: bench quick mode"; bench_failed=1; }
	[ "$bench_failed" = 1 ] || tail -15 /tmp/vswitch-bench-quick.log
else
	echo "FAILED: bench quick mode (no vswitchd build)"
	bench_failed=1
fi

/usr/bin/python3 - "$((failed_builds + bench_failed))" "$bench_failed" "${builds[@]}" <<'PY'
import json, sys, os
failed_builds = int(sys.argv[1])
passed = 0 if int(sys.argv[2]) else 1     # the bench quick mode counts as one test
failed = skipped = 0
for b in sys.argv[3:]:
    log = os.path.join(b, "meson-logs", "testlog.json")
    if not os.path.exists(log):
        continue
    for line in open(log):
        t = json.loads(line)
        r = t.get("result")
        name = "%s/%s [%s]" % ("+".join(t.get("suite", [])), t["name"], b)
        if r in ("OK", "EXPECTEDFAIL"):
            passed += 1
        elif r == "SKIP":
            skipped += 1
        else:
            failed += 1
            print("FAILED: %s (%s)" % (name, r))
failed += failed_builds
print("%d passed, %d failed%s" % (passed, failed, ", %d skipped" % skipped if skipped else ""))
sys.exit(1 if failed else 0)
PY
