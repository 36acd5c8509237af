/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The forwarding stage alone: cycles per packet of vs_dp_input() for the
 * learning switch, without a driver worth the name in the way.
 *
 * Two net_ring ports a and b on one bridge (trunks of all VLANs, as the
 * default bridge makes them). 512 mbufs of 64-byte frames sit in one ring,
 * which is a's rx ring and b's tx ring: a frame received on a goes out on
 * b, back into the ring, and comes round again. Each received frame gets
 * the MACs of the next of `flows` MAC pairs (src 02:00:i, dst 02:01:i)
 * written into it first, as net_pcap's replay copies each frame into a
 * recycled mbuf: the mbufs stay in cache, the flows' MACs come from a table
 * of 16 bytes a flow. The src MACs are learned on a before timing; the
 * dst MACs are unknown (every frame floods to b, as in the p2p benchmark)
 * or, with known=1, learned on b (every frame is a known unicast).
 *
 * Timing: `reps` windows of `iters` bursts of VS_BURST, TSC cycles per packet of
 * each window around rx + MAC writing + vs_dp_input() (tx included, it
 * happens inside when a burst is complete), minus the median of the same
 * loop with rte_eth_tx_burst() to b instead of vs_dp_input() ("rings and
 * MAC writing"): the median, min and max over the windows are printed.
 *
 *   build/scripts/bench/dp_micro [flows=1000] [known=0] [iters=200000] [reps=9] [huge=1]
 *                                [stride=16] [isa=baseline|avx2]
 *
 * isa= picks the build of the forwarding stage (vs_dp_select_isa()); the
 * default is vswitchd's: the best this CPU runs.
 *
 * huge=1 (root, reserved hugepages) runs EAL in memory on hugepages as
 * vswitchd does; huge=0 runs on 4 KB pages, whose TLB misses then cost
 * more than the lookups (35 against 23 cycles a packet at 1000 flows here).
 *
 * stride=2176 keeps each flow's whole frame that far apart (a net_pcap mbuf)
 * and copies all of it, as net_pcap's replay does: at 100k flows the copies
 * then miss the cache as the driver's do, and what they do to the
 * datapath's own cycles shows (18 -> 36 cycles a frame here).
 *
 * Under callgrind (instructions per packet of normal()):
 *   valgrind --tool=callgrind build/scripts/bench/dp_micro iters=20000 reps=1 huge=0
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_eth_ring.h>
#include <rte_ethdev.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>
#include <rte_rcu_qsbr.h>
#include <rte_ring.h>

#include "dp.h"
#include "fdb.h"
#include "port.h"
#include "switch.h"
#include "tx.h"

#define SLOT_A 0
#define SLOT_B 1
#define FRAME_LEN 60            /* 64 bytes on the wire */

static unsigned long
arg_of(int argc, char **argv, const char *name, unsigned long def)
{
	size_t len = strlen(name);

	for (int i = 1; i < argc; i++) {
		if (strncmp(argv[i], name, len) == 0 && argv[i][len] == '=') {
			char *end;
			unsigned long v = strtoul(argv[i] + len + 1, &end, 0);

			if (*end != '\0') {
				fprintf(stderr, "dp_micro: %s: not a number\n", argv[i]);
				exit(2);
			}
			return v;
		}
	}
	return def;
}

static void
mac_of(uint8_t mac[6], uint8_t kind, uint32_t i)
{
	mac[0] = 0x02;
	mac[1] = kind;
	mac[2] = i >> 24;
	mac[3] = i >> 16;
	mac[4] = i >> 8;
	mac[5] = i;
}

/* Give the n frames the bytes of the next flows' frames (the MACs only,
 * or the whole frame when they are `stride` apart); returns the next flow. */
static unsigned long
set_macs(struct rte_mbuf **b, uint16_t n, const uint8_t *frames, size_t stride,
	 unsigned long next, unsigned long flows)
{
	for (uint16_t i = 0; i < n; i++) {
		/* Constant lengths: inlined copies, as the driver's. */
		if (stride >= FRAME_LEN)
			memcpy(rte_pktmbuf_mtod(b[i], uint8_t *), frames + next * stride, FRAME_LEN);
		else
			memcpy(rte_pktmbuf_mtod(b[i], uint8_t *), frames + next * stride, 12);
		if (++next == flows)
			next = 0;
	}
	return next;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

int
main(int argc, char **argv)
{
	unsigned long flows = arg_of(argc, argv, "flows", 1000);
	unsigned long known = arg_of(argc, argv, "known", 0);
	unsigned long iters = arg_of(argc, argv, "iters", 200000);
	unsigned long reps = arg_of(argc, argv, "reps", 9);
	unsigned long huge = arg_of(argc, argv, "huge", 1);
	unsigned long stride = arg_of(argc, argv, "stride", 16);
	const char *isa = NULL;         /* the best this CPU runs, as vswitchd */
	char prefix[64], rundir[PATH_MAX];
	char *eal_nohuge[] = { "dp_micro", "--no-huge", "-m", "1024", "--no-pci", "--no-shconf",
			       "--no-telemetry", "--lcores=0", prefix, "--log-level=3" };
	char *eal_huge[] = { "dp_micro", "--in-memory", "--no-pci", "--no-telemetry",
			     "--lcores=0", prefix, "--log-level=3" };
	struct vs_vlan_cfg vcfg = { .mode = VS_VLAN_TRUNK, .all_vlans = true };
	struct rte_eth_conf conf;
	struct rte_mempool *pool;
	struct rte_ring *loop, *empty, *junk, *learn_ring;
	struct rte_rcu_qsbr *qsv;
	struct vs_dp_tables *t;
	struct vs_pmd *pmd;
	unsigned ring_size, n_mbufs = 512;
	uint8_t *frames;                /* the flows' frames (MACs), `stride` bytes apart */
	unsigned long next = 0;
	uint64_t total = 0;             /* frames given to vs_dp_input() */
	uint16_t port_a, port_b;
	double *cpp, *base;
	char err[256] = "";
	int rc;

	if (flows == 0 || flows > 1000000 || iters == 0 || reps == 0 || reps > 1000 ||
	    stride < 16 || stride > 4096) {
		fprintf(stderr, "usage: dp_micro [flows=1..1000000] [known=0|1] [iters=N] "
				"[reps=1..1000] [huge=0|1] [stride=16..4096]\n");
		return 2;
	}
	for (int i = 1; i < argc; i++)
		if (strncmp(argv[i], "isa=", 4) == 0)
			isa = argv[i] + 4;
	snprintf(prefix, sizeof(prefix), "--file-prefix=dpm%d", (int)getpid());
	rc = huge ? rte_eal_init(RTE_DIM(eal_huge), eal_huge)
		  : rte_eal_init(RTE_DIM(eal_nohuge), eal_nohuge);
	if (rc < 0) {
		fprintf(stderr, "dp_micro: cannot initialise EAL\n");
		return 1;
	}
	if (vs_dp_select_isa(isa) != 0) {
		fprintf(stderr, "dp_micro: isa=%s: not a forwarding code this build and CPU run "
				"(baseline, avx2)\n", isa);
		rte_eal_cleanup();
		return 2;
	}

	ring_size = rte_align32pow2(n_mbufs + VS_BURST + 1);
	pool = rte_pktmbuf_pool_create("dpm_pool", n_mbufs + 2 * VS_BURST + 512, 256, 0,
				       RTE_MBUF_DEFAULT_BUF_SIZE, SOCKET_ID_ANY);
	loop = rte_ring_create("dpm_loop", ring_size, SOCKET_ID_ANY, RING_F_SP_ENQ | RING_F_SC_DEQ);
	empty = rte_ring_create("dpm_empty", 64, SOCKET_ID_ANY, RING_F_SP_ENQ | RING_F_SC_DEQ);
	junk = rte_ring_create("dpm_junk", ring_size, SOCKET_ID_ANY, RING_F_SP_ENQ | RING_F_SC_DEQ);
	learn_ring = rte_ring_create_elem("dpm_learn", sizeof(struct vs_learn_req),
					  VS_LEARN_RING_SIZE, SOCKET_ID_ANY,
					  RING_F_SP_ENQ | RING_F_SC_DEQ);
	qsv = rte_zmalloc("dpm_rcu", rte_rcu_qsbr_get_memsize(1), RTE_CACHE_LINE_SIZE);
	t = rte_zmalloc("dpm_tables", sizeof(*t), RTE_CACHE_LINE_SIZE);
	pmd = rte_zmalloc("dpm_pmd", sizeof(*pmd), RTE_CACHE_LINE_SIZE);
	cpp = calloc(reps, sizeof(*cpp));
	base = calloc(reps, sizeof(*base));
	frames = rte_zmalloc("dpm_frames", flows * stride, RTE_CACHE_LINE_SIZE);
	if (frames == NULL || pool == NULL || loop == NULL || empty == NULL || junk == NULL ||
	    learn_ring == NULL || qsv == NULL || t == NULL || pmd == NULL || cpp == NULL ||
	    base == NULL || rte_rcu_qsbr_init(qsv, 1) != 0) {
		fprintf(stderr, "dp_micro: out of memory\n");
		return 1;
	}

	/* a: rx from the loop ring; b: tx into it. */
	memset(&conf, 0, sizeof(conf));
	rc = rte_eth_from_rings("dpm_a", &loop, 1, &junk, 1, SOCKET_ID_ANY);
	port_a = rc;
	if (rc >= 0)
		rc = rte_eth_from_rings("dpm_b", &empty, 1, &loop, 1, SOCKET_ID_ANY);
	port_b = rc;
	if (rc < 0) {
		fprintf(stderr, "dp_micro: cannot create the ring ports\n");
		return 1;
	}
	for (uint16_t p = 0; p < 2; p++) {
		uint16_t id = p == 0 ? port_a : port_b;

		if (rte_eth_dev_configure(id, 1, 1, &conf) != 0 ||
		    rte_eth_rx_queue_setup(id, 0, 1024, SOCKET_ID_ANY, NULL, pool) != 0 ||
		    rte_eth_tx_queue_setup(id, 0, 1024, SOCKET_ID_ANY, NULL) != 0 ||
		    rte_eth_dev_start(id) != 0) {
			fprintf(stderr, "dp_micro: cannot start port %u\n", id);
			return 1;
		}
	}

	for (uint16_t s = SLOT_A; s <= SLOT_B; s++) {
		struct vs_dp_port *p = &t->ports[s];

		p->kind = VS_DP_ETHDEV;
		p->bridge = 0;
		p->ethdev = s == SLOT_A ? port_a : port_b;
		p->n_txq = 1;
		p->max_frame = VS_DEFAULT_MTU + RTE_ETHER_HDR_LEN + RTE_VLAN_HLEN;
		vs_port_fill_vlan(&vcfg, &p->vlan);
		t->bridges[0].ports[t->bridges[0].n_ports++] = s;
	}
	t->bridges[0].id = 1;
	t->bridges[0].fdb = vs_fdb_create(1, VS_DEFAULT_MAC_TABLE_SIZE, 300, err, sizeof(err));
	if (t->bridges[0].fdb == NULL) {
		fprintf(stderr, "dp_micro: MAC table: %s\n", err);
		return 1;
	}
	pmd->qsv = qsv;
	pmd->learn_ring = learn_ring;
	pmd->pool = pool;
	pmd->tables = t;
	pmd->drain_tsc = rte_get_tsc_hz() * VS_TX_DRAIN_US / 1000000;
	vs_dp_current = t;

	/* The frames: 64 bytes, UDP over IPv4 (the bytes after the MACs are
	 * not looked at by the learning switch). */
	for (unsigned long i = 0; i < n_mbufs; i++) {
		struct rte_mbuf *m = rte_pktmbuf_alloc(pool);
		uint8_t *p;

		if (m == NULL || (p = (uint8_t *)rte_pktmbuf_append(m, 60)) == NULL) {
			fprintf(stderr, "dp_micro: out of mbufs\n");
			return 1;
		}
		memset(p, 0, 60);
		p[12] = 0x08;
		if (rte_ring_enqueue(loop, m) != 0) {
			fprintf(stderr, "dp_micro: ring full\n");
			return 1;
		}
	}
	for (unsigned long i = 0; i < flows; i++) {
		uint8_t mac[6];

		mac_of(frames + i * stride, 1, i);
		mac_of(frames + i * stride + 6, 0, i);
		if (stride >= FRAME_LEN)
			frames[i * stride + 12] = 0x08;
		mac_of(mac, 0, i);
		rc = vs_fdb_learn(t->bridges[0].fdb, qsv, vs_fdb_key(mac, 0), SLOT_A, 0);
		if (rc == 0 && known) {
			mac_of(mac, 1, i);
			rc = vs_fdb_learn(t->bridges[0].fdb, qsv, vs_fdb_key(mac, 0), SLOT_B, 0);
		}
		if (rc != 0) {
			fprintf(stderr, "dp_micro: learning flow %lu: %s\n", i, strerror(-rc));
			return 1;
		}
	}

	for (unsigned long r = 0; r < reps; r++) {
		uint64_t pkts = 0, t0;

		/* The rings alone: a -> b without the datapath. */
		t0 = rte_rdtsc();
		for (unsigned long k = 0; k < iters; k++) {
			struct rte_mbuf *b[VS_BURST];
			uint16_t n = rte_eth_rx_burst(port_a, 0, b, VS_BURST);

			next = set_macs(b, n, frames, stride, next, flows);
			pkts += rte_eth_tx_burst(port_b, 0, b, n);
		}
		base[r] = (double)(rte_rdtsc() - t0) / (double)pkts;

		pkts = 0;
		t0 = rte_rdtsc();
		for (unsigned long k = 0; k < iters; k++) {
			struct rte_mbuf *b[VS_BURST];
			uint16_t n = rte_eth_rx_burst(port_a, 0, b, VS_BURST);

			next = set_macs(b, n, frames, stride, next, flows);
			pmd->now_tsc = t0;
			vs_dp_input(pmd, SLOT_A, b, n);
			pkts += n;
		}
		cpp[r] = (double)(rte_rdtsc() - t0) / (double)pkts;
		total += pkts;
	}
	vs_tx_flush_all(pmd);
	if (pmd->counters[SLOT_B].tx_packets != total || rte_ring_count(junk) != 0 ||
	    rte_ring_count(learn_ring) != 0) {
		fprintf(stderr, "dp_micro: frames did not go a -> b as set up (%lu in, sent on b "
				"%lu, on a %u, learn requests %u)\n",
			(unsigned long)total, (unsigned long)pmd->counters[SLOT_B].tx_packets,
			rte_ring_count(junk), rte_ring_count(learn_ring));
		rc = 1;
	} else {
		qsort(cpp, reps, sizeof(*cpp), cmp_double);
		qsort(base, reps, sizeof(*base), cmp_double);
		printf("normal flows=%lu dst=%s %s: %.1f cycles/packet (median of %lu; min %.1f "
		       "max %.1f) over %.1f for the rings and MAC writing\n",
		       flows, known ? "known" : "unknown", vs_dp_isa(), cpp[reps / 2] - base[reps / 2], reps,
		       cpp[0] - base[reps / 2], cpp[reps - 1] - base[reps / 2], base[reps / 2]);
		rc = 0;
	}

	/* Everything back, so that the sanitizer builds see no leak. */
	for (uint16_t p = 0; p < 2; p++) {
		uint16_t id = p == 0 ? port_a : port_b;

		rte_eth_dev_stop(id);
		rte_eth_dev_close(id);
	}
	vs_fdb_destroy(t->bridges[0].fdb);
	free(cpp);
	free(base);
	/* EAL leaves its runtime directory behind (empty). */
	snprintf(rundir, sizeof(rundir), "%s", rte_eal_get_runtime_dir());
	rte_eal_cleanup();
	rmdir(rundir);
	return rc;
}
