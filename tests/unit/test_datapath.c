/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests of the datapath stages: parsing (parse.h), VLAN membership and
 * tag push/pop (vlan.h, vlan.c), and learn/forward/tx (forward.c, tx.c,
 * pmd.c) end to end in-process on net_ring ethdevs: frames go into an rx
 * ring, through the stages, and the bytes that reach each tx ring are
 * compared. Learning is applied the way control does it (learn ring ->
 * vs_fdb_learn). Runs on a real EAL without hugepages.
 */
#include <errno.h>
#include <limits.h>
#include <sched.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <setjmp.h>
#include <cmocka.h>

#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_eth_ring.h>
#include <rte_ethdev.h>
#include <rte_launch.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>
#include <rte_rcu_qsbr.h>
#include <rte_ring.h>

#include "dp.h"
#include "fdb.h"
#include "parse.h"
#include "port.h"
#include "switch.h"
#include "tx.h"
#include "vlan.h"

#define N_ETH 9                 /* ethdevs; slot s < N_ETH uses ethdev s */
#define SMALL_SLOT 8            /* its tx ring holds only SMALL_TX packets */
#define SMALL_TX 4
#define MAX_FRAME (VS_DEFAULT_MTU + RTE_ETHER_HDR_LEN + RTE_VLAN_HLEN)
#define UNTAGGED (-1)

static struct rte_mempool *pool;        /* cache-less: the available count is exact */
static unsigned pool_start;             /* its available count when the test began */
static struct rte_rcu_qsbr *qsv;        /* one thread slot: PMD 0 */
static struct rte_ring *learn_ring;
static struct rte_ring *rx_ring[N_ETH], *tx_ring[N_ETH];
static uint16_t eth[N_ETH];
static bool have_pmd_lcore;             /* a second lcore to run vs_pmd_main on */
static unsigned pmd_lcore_running = RTE_MAX_LCORE; /* lcore running vs_pmd_main */

/* Per test. */
static struct vs_dp_tables *t;
static struct vs_pmd *pmd;
static uint32_t next_fdb_id = 1;

static const uint8_t MAC_A[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x0a };
static const uint8_t MAC_B[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x0b };
static const uint8_t MAC_C[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x0c };
static const uint8_t BCAST[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
static const uint8_t MCAST[6] = { 0x01, 0x00, 0x5e, 0x00, 0x00, 0x01 };

/* ---- frames ---- */

/*
 * An Ethernet frame: dst, src, an optional 802.1Q tag (vid UNTAGGED: none),
 * EtherType 0x0800 and `payload` bytes of a fixed pattern, so the tagged and
 * untagged forms of one frame differ only by the tag. Returns its length.
 */
static uint16_t
frame(uint8_t *buf, const uint8_t *dst, const uint8_t *src, int vid, uint8_t pcp,
      uint16_t payload)
{
	uint16_t off = 12;

	memcpy(buf, dst, 6);
	memcpy(buf + 6, src, 6);
	if (vid != UNTAGGED) {
		uint16_t tci = (uint16_t)pcp << 13 | (vid & 0xfff);

		buf[off++] = 0x81;
		buf[off++] = 0x00;
		buf[off++] = tci >> 8;
		buf[off++] = tci & 0xff;
	}
	buf[off++] = 0x08;
	buf[off++] = 0x00;
	for (uint16_t i = 0; i < payload; i++)
		buf[off++] = (uint8_t)(i * 7 + 3);
	return off;
}

static struct rte_mbuf *
mbuf_of(const uint8_t *buf, uint16_t len)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(pool);
	char *p;

	assert_non_null(m);
	p = rte_pktmbuf_append(m, len);
	assert_non_null(p);
	memcpy(p, buf, len);
	return m;
}

static void
assert_bytes(const struct rte_mbuf *m, const uint8_t *exp, uint16_t len)
{
	assert_int_equal(m->nb_segs, 1);
	assert_int_equal(m->pkt_len, len);
	assert_int_equal(m->data_len, len);
	assert_memory_equal(rte_pktmbuf_mtod(m, const uint8_t *), exp, len);
}

/* ---- topology ---- */

static struct vs_dp_vlan
vl_access(uint16_t tag)
{
	struct vs_vlan_cfg c = { .mode = VS_VLAN_ACCESS, .tag = tag, .mode_set = true };
	struct vs_dp_vlan v;

	vs_port_fill_vlan(&c, &v);
	return v;
}

/* A trunk with native VLAN `native` (0: none) and the VIDs that follow, up
 * to a 0; no VIDs: all VLANs. */
static struct vs_dp_vlan
vl_trunk(uint16_t native, ...)
{
	struct vs_vlan_cfg c = { .mode = VS_VLAN_TRUNK, .native = native, .all_vlans = true };
	struct vs_dp_vlan v;
	va_list ap;
	int vid;

	va_start(ap, native);
	while ((vid = va_arg(ap, int)) != 0) {
		c.all_vlans = false;
		c.trunks[vid >> 6] |= 1ULL << (vid & 63);
	}
	va_end(ap);
	vs_port_fill_vlan(&c, &v);
	return v;
}

static void
add_bridge_port(uint16_t bridge, uint16_t slot)
{
	struct vs_dp_bridge *br = &t->bridges[bridge];

	if (br->id == 0) {
		char err[256] = "";

		br->id = bridge + 1;
		br->fdb = vs_fdb_create(next_fdb_id++, 1024, 300, err, sizeof(err));
		assert_non_null(br->fdb);
	}
	br->ports[br->n_ports++] = slot;
}

static void
port_eth(uint16_t slot, uint16_t bridge, struct vs_dp_vlan v)
{
	struct vs_dp_port *p = &t->ports[slot];

	assert_true(slot < N_ETH);
	p->kind = VS_DP_ETHDEV;
	p->bridge = bridge;
	p->ethdev = eth[slot];
	p->n_txq = 1;
	p->max_frame = MAX_FRAME;
	p->vlan = v;
	add_bridge_port(bridge, slot);
}

/* Patch ports use slots >= N_ETH; VLANs as configured (default: trunk all). */
static void
port_patch(uint16_t slot, uint16_t bridge, uint16_t peer)
{
	struct vs_dp_port *p = &t->ports[slot];

	assert_true(slot >= N_ETH);
	p->kind = VS_DP_PATCH;
	p->bridge = bridge;
	p->peer = peer;
	p->max_frame = UINT32_MAX;
	p->vlan = vl_trunk(0, 0);
	add_bridge_port(bridge, slot);
}

/*
 * The main topology, one bridge:
 *   slot 0: access 10          slot 4: trunk 10
 *   slot 1: access 10          slot 5: trunk 20, native 10
 *   slot 2: trunk (all)        slot 6: trunk 20,30
 *   slot 3: access 20          slot 7: trunk (all)
 * VLAN 10: 0 1 5 untagged, 2 4 7 tagged; VLAN 20: 3 untagged, 2 5 6 7
 * tagged; VLAN 30: 2 6 7 tagged; VLAN 0 (untagged on trunks): 2 7.
 */
static void
topo_main(void)
{
	port_eth(0, 0, vl_access(10));
	port_eth(1, 0, vl_access(10));
	port_eth(2, 0, vl_trunk(0, 0));
	port_eth(3, 0, vl_access(20));
	port_eth(4, 0, vl_trunk(0, 10, 0));
	port_eth(5, 0, vl_trunk(10, 20, 0));
	port_eth(6, 0, vl_trunk(0, 20, 30, 0));
	port_eth(7, 0, vl_trunk(0, 0));
}

/* ---- running the datapath ---- */

/* Receive pkts on ethdev port `slot` (through its rx ring) and forward them;
 * what the tx buffers keep stays there. */
static void
receive(uint16_t slot, struct rte_mbuf **pkts, uint16_t n)
{
	struct rte_mbuf *rx[VS_BURST];
	uint16_t got;

	assert_true(n <= VS_BURST);
	assert_int_equal(rte_ring_enqueue_bulk(rx_ring[slot], (void **)pkts, n, NULL), n);
	got = rte_eth_rx_burst(eth[slot], 0, rx, VS_BURST);
	assert_int_equal(got, n);
	vs_dp_input(pmd, slot, rx, got);
}

/* The same, then every tx buffer sent. */
static void
input(uint16_t slot, struct rte_mbuf **pkts, uint16_t n)
{
	receive(slot, pkts, n);
	vs_tx_flush_all(pmd);
}

static void
send_frame(uint16_t slot, const uint8_t *buf, uint16_t len)
{
	struct rte_mbuf *m = mbuf_of(buf, len);

	input(slot, &m, 1);
}

/* Apply the learn requests as control does; returns how many. */
static unsigned
apply_learning(void)
{
	struct vs_learn_req req;
	unsigned n = 0;

	while (rte_ring_sc_dequeue_elem(learn_ring, &req, sizeof(req)) == 0) {
		struct vs_dp_bridge *br = NULL;

		for (unsigned b = 0; b < VS_MAX_BRIDGES; b++)
			if (t->bridges[b].id == req.bridge_id)
				br = &t->bridges[b];
		assert_non_null(br);
		assert_int_equal(vs_fdb_learn(br->fdb, qsv, vs_fdb_key(req.mac, req.vlan), req.slot,
					      vs_dp_now_s), 0);
		n++;
	}
	return n;
}

/* Position of (mac, vlan) in a bridge's MAC table, looked up as the PMD
 * does, or -1. */
static int64_t
fdb_get(uint16_t bridge, const uint8_t *mac, uint16_t vlan)
{
	const struct vs_fdb *f = t->bridges[bridge].fdb;
	uint64_t key = vs_fdb_key(mac, vlan);
	int64_t pos = INT64_MIN;

	vs_fdb_lookup_bulk(f, &key, 1, &pos);
	assert_true(pos >= -1);
	if (pos >= 0)
		assert_true(vs_fdb_key_at(f, pos) == key);
	return pos;
}

/* The port slot (mac, vlan) was learned on; it must be known. */
static uint16_t
fdb_slot(uint16_t bridge, const uint8_t *mac, uint16_t vlan)
{
	int64_t pos = fdb_get(bridge, mac, vlan);

	assert_true(pos >= 0);
	return vs_fdb_slot(t->bridges[bridge].fdb, pos);
}

/* Throw away everything sent so far. */
static void
drain_all(void)
{
	struct rte_mbuf *m;

	for (uint16_t s = 0; s < N_ETH; s++)
		while (rte_ring_dequeue(tx_ring[s], (void **)&m) == 0)
			rte_pktmbuf_free(m);
}

/* Let `mac` send a broadcast on `slot` (VLAN tag `vid`) and learn it. */
static void
teach(uint16_t slot, const uint8_t *mac, int vid)
{
	uint8_t buf[128];
	uint16_t len = frame(buf, BCAST, mac, vid, 0, 46);

	send_frame(slot, buf, len);
	assert_int_equal(apply_learning(), 1);
	drain_all();
	memset(pmd->counters, 0, sizeof(pmd->counters));
}

/* The next packet sent on `slot`, still owned by the caller. */
static struct rte_mbuf *
take(uint16_t slot)
{
	struct rte_mbuf *m = NULL;

	assert_int_equal(rte_ring_dequeue(tx_ring[slot], (void **)&m), 0);
	return m;
}

/* The next packet sent on `slot` has exactly these bytes. */
static void
expect(uint16_t slot, const uint8_t *exp, uint16_t len)
{
	struct rte_mbuf *m = take(slot);

	assert_bytes(m, exp, len);
	rte_pktmbuf_free(m);
}

static void
expect_none(uint16_t slot)
{
	assert_int_equal(rte_ring_count(tx_ring[slot]), 0);
}

static uint64_t
drops_total(uint16_t slot)
{
	uint64_t n = 0;

	for (unsigned d = 0; d < VS_DROP_COUNT; d++)
		n += pmd->counters[slot].drops[d];
	return n;
}

/* End of every forwarding test: nothing else was sent, no mbuf leaked. */
static void
finish(void)
{
	vs_tx_flush_all(pmd);
	for (uint16_t s = 0; s < N_ETH; s++)
		expect_none(s);
	assert_int_equal(rte_mempool_avail_count(pool), pool_start);
}

static int
setup(void **state)
{
	(void)state;
	t = rte_zmalloc("test_tables", sizeof(*t), RTE_CACHE_LINE_SIZE);
	pmd = rte_zmalloc("test_pmd", sizeof(*pmd), RTE_CACHE_LINE_SIZE);
	if (t == NULL || pmd == NULL)
		return -1;
	pmd->idx = 0;
	pmd->qsv = qsv;
	pmd->learn_ring = learn_ring;
	pmd->pool = pool;
	pmd->tables = t;
	pmd->drain_tsc = rte_get_tsc_hz() * VS_TX_DRAIN_US / 1000000;
	/* The tests' clock stands still unless a test moves it, so that the
	 * learn request de-duplication window is deterministic. */
	pmd->now_tsc = 1000000;
	vs_dp_now_s = 0;
	/* Per test, so that one test's leak does not fail the next ones. */
	pool_start = rte_mempool_avail_count(pool);
	__atomic_store_n(&vs_dp_current, t, __ATOMIC_RELEASE);
	return 0;
}

static int
teardown(void **state)
{
	struct vs_learn_req req;
	struct rte_mbuf *m;

	(void)state;
	if (pmd_lcore_running != RTE_MAX_LCORE) {
		/* A failed PMD test: stop its thread before freeing its tables. */
		pmd->quit = true;
		rte_eal_wait_lcore(pmd_lcore_running);
		pmd_lcore_running = RTE_MAX_LCORE;
	}
	if (pmd != NULL)
		vs_tx_flush_all(pmd);
	for (uint16_t s = 0; s < N_ETH; s++) {
		while (rte_ring_dequeue(tx_ring[s], (void **)&m) == 0)
			rte_pktmbuf_free(m);
		while (rte_ring_dequeue(rx_ring[s], (void **)&m) == 0)
			rte_pktmbuf_free(m);
	}
	while (rte_ring_sc_dequeue_elem(learn_ring, &req, sizeof(req)) == 0)
		;
	if (t != NULL)
		for (unsigned b = 0; b < VS_MAX_BRIDGES; b++)
			vs_fdb_destroy(t->bridges[b].fdb);
	__atomic_store_n(&vs_dp_current, NULL, __ATOMIC_RELEASE);
	rte_free(t);
	rte_free(pmd);
	t = NULL;
	pmd = NULL;
	return 0;
}

/* ---- stage 1: parse ---- */

static int
parse_bytes(const uint8_t *buf, uint16_t len, struct vs_l2 *l2)
{
	struct rte_mbuf *m = mbuf_of(buf, len);
	int r;

	memset(l2, 0xee, sizeof(*l2));
	r = vs_parse_l2(m, l2);
	rte_pktmbuf_free(m);
	return r;
}

static void
test_parse_runt(void **state)
{
	uint8_t buf[64];
	struct vs_l2 l2;

	(void)state;
	frame(buf, MAC_B, MAC_A, UNTAGGED, 0, 0);
	assert_int_equal(parse_bytes(buf, 13, &l2), VS_DROP_RUNT);
	assert_int_equal(parse_bytes(buf, 0, &l2), VS_DROP_RUNT);
	assert_string_equal(vs_drop_names[VS_DROP_RUNT], "runt");
	for (unsigned d = 0; d < VS_DROP_COUNT; d++)
		assert_non_null(vs_drop_names[d]);
	assert_string_equal(vs_drop_names[VS_DROP_TX_FULL], "tx_full");
}

static void
test_parse_untagged(void **state)
{
	uint8_t buf[64];
	struct vs_l2 l2;

	(void)state;
	assert_int_equal(frame(buf, MAC_B, MAC_A, UNTAGGED, 0, 0), 14);
	assert_int_equal(parse_bytes(buf, 14, &l2), -1);
	assert_int_equal(l2.tagged, 0);
	assert_int_equal(l2.pcp, 0);
	assert_int_equal(l2.vid, 0);
}

static void
test_parse_truncated_tag(void **state)
{
	uint8_t buf[64];
	struct vs_l2 l2;

	(void)state;
	frame(buf, MAC_B, MAC_A, 10, 0, 0);
	assert_int_equal(parse_bytes(buf, 16, &l2), VS_DROP_BAD_VLAN);
	assert_int_equal(parse_bytes(buf, 17, &l2), VS_DROP_BAD_VLAN);
	assert_int_equal(parse_bytes(buf, 14, &l2), VS_DROP_BAD_VLAN);
	/* The tag alone, no inner EtherType: enough for this stage. */
	assert_int_equal(parse_bytes(buf, 18, &l2), -1);
	assert_int_equal(l2.tagged, 1);
	assert_int_equal(l2.vid, 10);
}

static void
test_parse_tagged(void **state)
{
	uint8_t buf[64];
	struct vs_l2 l2;
	uint16_t len;

	(void)state;
	len = frame(buf, MAC_B, MAC_A, 10, 5, 0);
	assert_int_equal(len, 18);
	assert_int_equal(parse_bytes(buf, len, &l2), -1);
	assert_int_equal(l2.tagged, 1);
	assert_int_equal(l2.pcp, 5);
	assert_int_equal(l2.vid, 10);
	/* DEI set, highest VID and priority. */
	buf[14] = 0xf0 | 0x0f;
	buf[15] = 0xfe;
	assert_int_equal(parse_bytes(buf, len, &l2), -1);
	assert_int_equal(l2.pcp, 7);
	assert_int_equal(l2.vid, 4094);
	/* 802.1ad (0x88a8) is not 802.1Q: untagged as far as we know. */
	buf[12] = 0x88;
	buf[13] = 0xa8;
	assert_int_equal(parse_bytes(buf, len, &l2), -1);
	assert_int_equal(l2.tagged, 0);
	assert_int_equal(l2.vid, 0);
}

static void
test_parse_priority_tag(void **state)
{
	uint8_t buf[64];
	struct vs_l2 l2;
	uint16_t len;

	(void)state;
	len = frame(buf, MAC_B, MAC_A, 0, 3, 4);
	assert_int_equal(parse_bytes(buf, len, &l2), -1);
	assert_int_equal(l2.tagged, 1);
	assert_int_equal(l2.pcp, 3);
	assert_int_equal(l2.vid, 0);
}

/* ---- stage 2: VLANs ---- */

#define NOT_ALLOWED (-1 - VS_DROP_VLAN_NOT_ALLOWED)
#define TAGGED_ACCESS (-1 - VS_DROP_VLAN_TAGGED_ACCESS)

/* vs_vlan_ingress for a frame with tag `vid` (UNTAGGED: none). */
static int
ingress(const struct vs_dp_vlan *v, int vid)
{
	struct vs_l2 l2 = { .tagged = vid != UNTAGGED, .pcp = 2, .vid = vid == UNTAGGED ? 0 : vid };

	if (vid == UNTAGGED)
		l2.pcp = 0;
	return vs_vlan_ingress(v, &l2);
}

static void
test_vlan_access(void **state)
{
	struct vs_dp_vlan v = vl_access(10);

	(void)state;
	assert_int_equal(ingress(&v, UNTAGGED), 10);
	assert_int_equal(ingress(&v, 0), 10);           /* priority tag */
	assert_int_equal(ingress(&v, 10), TAGGED_ACCESS);
	assert_int_equal(ingress(&v, 20), TAGGED_ACCESS);
	assert_int_equal(vs_vlan_egress(&v, 10), VS_EGRESS_UNTAGGED);
	assert_int_equal(vs_vlan_egress(&v, 20), VS_EGRESS_NO);
	assert_int_equal(vs_vlan_egress(&v, 0), VS_EGRESS_NO);
}

static void
test_vlan_trunk_all(void **state)
{
	struct vs_dp_vlan v = vl_trunk(0, 0);

	(void)state;
	assert_int_equal(ingress(&v, UNTAGGED), 0);
	assert_int_equal(ingress(&v, 0), 0);
	assert_int_equal(ingress(&v, 1), 1);
	assert_int_equal(ingress(&v, 10), 10);
	assert_int_equal(ingress(&v, 4094), 4094);
	/* 4095 is reserved (802.1Q): never a VLAN. */
	assert_int_equal(ingress(&v, 4095), NOT_ALLOWED);
	assert_int_equal(vs_vlan_egress(&v, 0), VS_EGRESS_UNTAGGED);
	assert_int_equal(vs_vlan_egress(&v, 10), VS_EGRESS_TAGGED);
	assert_int_equal(vs_vlan_egress(&v, 4094), VS_EGRESS_TAGGED);
}

static void
test_vlan_trunk_list(void **state)
{
	struct vs_dp_vlan v = vl_trunk(0, 10, 63, 64, 4094, 0);

	(void)state;
	assert_int_equal(ingress(&v, UNTAGGED), NOT_ALLOWED);
	assert_int_equal(ingress(&v, 0), NOT_ALLOWED);
	assert_int_equal(ingress(&v, 10), 10);
	assert_int_equal(ingress(&v, 63), 63);
	assert_int_equal(ingress(&v, 64), 64);
	assert_int_equal(ingress(&v, 4094), 4094);
	assert_int_equal(ingress(&v, 9), NOT_ALLOWED);
	assert_int_equal(ingress(&v, 11), NOT_ALLOWED);
	assert_int_equal(ingress(&v, 62), NOT_ALLOWED);
	assert_int_equal(ingress(&v, 65), NOT_ALLOWED);
	assert_int_equal(ingress(&v, 4095), NOT_ALLOWED);
	assert_int_equal(vs_vlan_egress(&v, 0), VS_EGRESS_NO);
	assert_int_equal(vs_vlan_egress(&v, 10), VS_EGRESS_TAGGED);
	assert_int_equal(vs_vlan_egress(&v, 64), VS_EGRESS_TAGGED);
	assert_int_equal(vs_vlan_egress(&v, 4094), VS_EGRESS_TAGGED);
	assert_int_equal(vs_vlan_egress(&v, 11), VS_EGRESS_NO);
	assert_int_equal(vs_vlan_egress(&v, 65), VS_EGRESS_NO);
}

static void
test_vlan_trunk_native(void **state)
{
	struct vs_dp_vlan v = vl_trunk(10, 20, 0);
	struct vs_dp_vlan all = vl_trunk(10, 0);

	(void)state;
	/* Native 10, trunks 20: untagged and priority-tagged -> 10. */
	assert_int_equal(ingress(&v, UNTAGGED), 10);
	assert_int_equal(ingress(&v, 0), 10);
	assert_int_equal(ingress(&v, 10), 10);          /* native carried, even tagged */
	assert_int_equal(ingress(&v, 20), 20);
	assert_int_equal(ingress(&v, 30), NOT_ALLOWED);
	assert_int_equal(vs_vlan_egress(&v, 10), VS_EGRESS_UNTAGGED);
	assert_int_equal(vs_vlan_egress(&v, 20), VS_EGRESS_TAGGED);
	assert_int_equal(vs_vlan_egress(&v, 30), VS_EGRESS_NO);
	assert_int_equal(vs_vlan_egress(&v, 0), VS_EGRESS_NO);

	/* Native 10, all VLANs: VLAN 0 does not exist on it. */
	assert_int_equal(ingress(&all, UNTAGGED), 10);
	assert_int_equal(ingress(&all, 30), 30);
	assert_int_equal(vs_vlan_egress(&all, 0), VS_EGRESS_NO);
	assert_int_equal(vs_vlan_egress(&all, 10), VS_EGRESS_UNTAGGED);
	assert_int_equal(vs_vlan_egress(&all, 30), VS_EGRESS_TAGGED);
}

static void
test_vlan_push(void **state)
{
	uint8_t in[128], exp[128];
	uint16_t len = frame(in, MAC_B, MAC_A, UNTAGGED, 0, 46);
	uint16_t elen = frame(exp, MAC_B, MAC_A, 100, 5, 46);
	unsigned avail = rte_mempool_avail_count(pool);
	struct rte_mbuf *m = mbuf_of(in, len);

	(void)state;
	assert_int_equal(len, 60);
	assert_int_equal(elen, 64);
	assert_int_equal(vs_vlan_push(m, 100, 5), 0);
	assert_bytes(m, exp, elen);
	assert_int_equal(exp[14], 0xa0);                /* TCI 0xa064 */
	assert_int_equal(exp[15], 0x64);
	/* Push, then pop: the original frame. */
	vs_vlan_pop(m);
	assert_bytes(m, in, len);
	rte_pktmbuf_free(m);

	/* The VID is masked to 12 bits, the PCP to 3. */
	m = mbuf_of(in, len);
	assert_int_equal(vs_vlan_push(m, 0x1000 | 100, 5), 0);
	assert_bytes(m, exp, elen);
	rte_pktmbuf_free(m);

	/* No headroom: -ENOSPC and the frame untouched. */
	m = rte_pktmbuf_alloc(pool);
	assert_non_null(m);
	m->data_off = 2;
	memcpy(rte_pktmbuf_append(m, len), in, len);
	assert_int_equal(vs_vlan_push(m, 100, 5), -ENOSPC);
	assert_bytes(m, in, len);
	rte_pktmbuf_free(m);
	assert_int_equal(rte_mempool_avail_count(pool), avail);
}

static void
test_vlan_pop(void **state)
{
	uint8_t in[128], exp[128];
	uint16_t len = frame(in, MAC_B, MAC_A, 4094, 7, 50);
	uint16_t elen = frame(exp, MAC_B, MAC_A, UNTAGGED, 0, 50);
	struct rte_mbuf *m = mbuf_of(in, len);

	(void)state;
	vs_vlan_pop(m);
	assert_bytes(m, exp, elen);
	assert_int_equal(elen, len - 4);
	rte_pktmbuf_free(m);
}

static void
test_vlan_set_vid(void **state)
{
	uint8_t in[128], exp[128];
	uint16_t len = frame(in, MAC_B, MAC_A, 0, 5, 10);
	struct rte_mbuf *m;

	(void)state;
	in[14] |= 0x10;                                 /* DEI */
	memcpy(exp, in, len);
	m = mbuf_of(in, len);
	vs_vlan_set_vid(m, 4094);
	exp[14] = 0xbf;                                 /* PCP 5, DEI, VID 0xffe */
	exp[15] = 0xfe;
	assert_bytes(m, exp, len);
	vs_vlan_set_vid(m, 0x1000 | 10);                /* masked to 12 bits */
	exp[14] = 0xb0;
	exp[15] = 0x0a;
	assert_bytes(m, exp, len);
	rte_pktmbuf_free(m);
}

/* ---- stage 3: learn, forward, tx ---- */

static void
test_unknown_unicast_floods(void **state)
{
	uint8_t u[128], tg[128];
	uint16_t ul = frame(u, MAC_B, MAC_A, UNTAGGED, 0, 46);
	uint16_t tl = frame(tg, MAC_B, MAC_A, 10, 0, 46);
	struct vs_learn_req req;

	(void)state;
	topo_main();
	send_frame(0, u, ul);
	/* VLAN 10 but port 0 itself: untagged on 1 and 5, tagged on 2, 4, 7. */
	expect(1, u, ul);
	expect(5, u, ul);
	expect(2, tg, tl);
	expect(4, tg, tl);
	expect(7, tg, tl);
	expect_none(0);
	expect_none(3);
	expect_none(6);
	assert_int_equal(drops_total(0), 0);
	assert_int_equal(pmd->counters[0].rx_packets, 1);
	assert_int_equal(pmd->counters[0].rx_bytes, ul);
	assert_int_equal(pmd->counters[0].tx_packets, 0);
	assert_int_equal(pmd->counters[1].tx_packets, 1);
	assert_int_equal(pmd->counters[1].tx_bytes, ul);
	assert_int_equal(pmd->counters[2].tx_packets, 1);
	assert_int_equal(pmd->counters[2].tx_bytes, tl);
	assert_int_equal(pmd->counters[3].tx_packets, 0);
	assert_int_equal(pmd->counters[6].tx_packets, 0);

	/* One learn request for A, in VLAN 10, on slot 0 of bridge id 1. */
	assert_int_equal(rte_ring_sc_dequeue_elem(learn_ring, &req, sizeof(req)), 0);
	assert_int_equal(req.bridge_id, 1);
	assert_int_equal(req.vlan, 10);
	assert_int_equal(req.slot, 0);
	assert_memory_equal(req.mac, MAC_A, 6);
	assert_int_equal(rte_ring_count(learn_ring), 0);
	finish();
}

static void
test_broadcast_floods(void **state)
{
	uint8_t tg[128], u[128], t20[128], u20[128];
	uint16_t tl = frame(tg, BCAST, MAC_B, 10, 3, 46);
	uint16_t ul = frame(u, BCAST, MAC_B, UNTAGGED, 0, 46);
	uint16_t t20l = frame(t20, BCAST, MAC_B, 20, 6, 46);
	uint16_t u20l = frame(u20, BCAST, MAC_B, UNTAGGED, 0, 46);

	(void)state;
	topo_main();
	/* Tagged 10 from trunk 2; the tag (and its PCP) kept where tagged. */
	send_frame(2, tg, tl);
	expect(0, u, ul);
	expect(1, u, ul);
	expect(5, u, ul);
	expect(4, tg, tl);
	expect(7, tg, tl);
	expect_none(2);
	finish();
	/* Tagged 20 from trunk 2: access 20 untagged, trunks tagged. */
	send_frame(2, t20, t20l);
	expect(3, u20, u20l);
	expect(5, t20, t20l);
	expect(6, t20, t20l);
	expect(7, t20, t20l);
	finish();
	/* A multicast destination floods too. */
	ul = frame(u, MCAST, MAC_B, UNTAGGED, 0, 46);
	tl = frame(tg, MCAST, MAC_B, 20, 0, 46);
	send_frame(3, u, ul);
	expect(2, tg, tl);
	expect(5, tg, tl);
	expect(6, tg, tl);
	expect(7, tg, tl);
	/* B in 10 on 2, B in 20 on 2, B in 20 on 3. */
	assert_int_equal(apply_learning(), 3);
	finish();
}

static void
test_known_unicast(void **state)
{
	uint8_t buf[128], tg[128];
	uint16_t len, tl;
	const struct vs_fdb *f;
	int64_t pos;

	(void)state;
	topo_main();
	f = t->bridges[0].fdb;
	teach(1, MAC_B, UNTAGGED);
	pos = fdb_get(0, MAC_B, 10);
	assert_true(pos >= 0);
	assert_int_equal(vs_fdb_slot(f, pos), 1);
	assert_int_equal(fdb_get(0, MAC_B, 20), -1);

	len = frame(buf, MAC_B, MAC_A, UNTAGGED, 0, 46);
	send_frame(0, buf, len);
	expect(1, buf, len);
	assert_int_equal(pmd->counters[1].tx_packets, 1);
	assert_int_equal(pmd->counters[1].tx_bytes, len);
	finish();                                       /* nothing on 2, 4, 5, 7 */

	/* From a trunk, tagged 10, to B on access port 1: untagged. */
	tl = frame(tg, MAC_B, MAC_C, 10, 4, 46);
	send_frame(7, tg, tl);
	len = frame(buf, MAC_B, MAC_C, UNTAGGED, 0, 46);
	expect(1, buf, len);
	finish();

	/* The source's `seen` is refreshed by the PMD when the second changes;
	 * a known source on its port asks for no learning. */
	assert_int_equal(apply_learning(), 2);          /* A, C */
	vs_dp_now_s = 42;
	len = frame(buf, MAC_A, MAC_B, UNTAGGED, 0, 46);
	send_frame(1, buf, len);
	expect(0, buf, len);
	assert_int_equal(fdb_get(0, MAC_B, 10), pos);
	assert_int_equal(f->buckets[pos >> 3].seen[pos & 7], vs_fdb_stamp(f, 42));
	assert_int_equal(vs_fdb_age_of(f, pos, 42), 0);
	assert_int_equal(rte_ring_count(learn_ring), 0);
	finish();
}

/*
 * An FDB entry that new tables made stale (port's VLANs changed, port
 * removed, port moved to another bridge) is not used: the frame floods.
 */
static void
test_stale_entry_floods(void **state)
{
	uint8_t u[128], tg[128];
	uint16_t ul = frame(u, MAC_B, MAC_A, UNTAGGED, 0, 46);
	uint16_t tl = frame(tg, MAC_B, MAC_A, 10, 0, 46);

	(void)state;
	port_eth(0, 0, vl_access(10));
	port_eth(1, 0, vl_access(10));
	port_eth(2, 0, vl_trunk(0, 0));
	teach(1, MAC_B, UNTAGGED);
	teach(0, MAC_A, UNTAGGED);

	t->ports[1].vlan = vl_access(20);               /* VLAN changed */
	send_frame(0, u, ul);
	expect(2, tg, tl);
	finish();

	t->ports[1].vlan = vl_access(10);
	t->ports[1].bridge = 1;                         /* moved to bridge 1 */
	t->bridges[0].n_ports = 2;
	t->bridges[0].ports[1] = 2;
	send_frame(0, u, ul);
	expect(2, tg, tl);
	finish();

	memset(&t->ports[1], 0, sizeof(t->ports[1])); /* removed */
	send_frame(0, u, ul);
	expect(2, tg, tl);
	assert_int_equal(fdb_slot(0, MAC_B, 10), 1);
	assert_int_equal(drops_total(0), 0);
	assert_int_equal(pmd->counters[2].tx_packets, 3);
	finish();
}

static void
test_same_port_dropped(void **state)
{
	uint8_t buf[128];
	uint16_t len = frame(buf, MAC_B, MAC_A, UNTAGGED, 0, 46);

	(void)state;
	topo_main();
	teach(0, MAC_A, UNTAGGED);
	teach(0, MAC_B, UNTAGGED);                      /* both behind port 0 */
	send_frame(0, buf, len);
	assert_int_equal(pmd->counters[0].drops[VS_DROP_SAME_PORT], 1);
	assert_int_equal(drops_total(0), 1);
	assert_int_equal(pmd->counters[0].rx_packets, 1);
	assert_int_equal(pmd->counters[0].rx_bytes, len);
	for (uint16_t s = 0; s < N_ETH; s++)
		assert_int_equal(pmd->counters[s].tx_packets, 0);
	finish();
}

static void
test_src_multicast_dropped(void **state)
{
	uint8_t buf[128];
	uint16_t len = frame(buf, MAC_B, MCAST, UNTAGGED, 0, 46);

	(void)state;
	topo_main();
	send_frame(0, buf, len);
	assert_int_equal(pmd->counters[0].drops[VS_DROP_SRC_MULTICAST], 1);
	assert_int_equal(drops_total(0), 1);
	assert_int_equal(rte_ring_count(learn_ring), 0);
	len = frame(buf, MAC_B, BCAST, 10, 0, 46);
	send_frame(2, buf, len);
	assert_int_equal(pmd->counters[2].drops[VS_DROP_SRC_MULTICAST], 1);
	assert_int_equal(rte_ring_count(learn_ring), 0);
	finish();
}

static void
test_access_trunk_tags(void **state)
{
	uint8_t u[128], tg[128];
	uint16_t ul, tl;

	(void)state;
	topo_main();
	teach(0, MAC_A, UNTAGGED);                      /* A: access 10, slot 0 */
	teach(2, MAC_B, 10);                            /* B: trunk, VLAN 10, slot 2 */
	teach(2, MAC_C, 20);                            /* C: trunk, VLAN 20, slot 2 */

	/* Access 10 -> trunk: an 802.1Q tag with VID 10 appears. */
	ul = frame(u, MAC_B, MAC_A, UNTAGGED, 0, 46);
	tl = frame(tg, MAC_B, MAC_A, 10, 0, 46);
	send_frame(0, u, ul);
	expect(2, tg, tl);
	finish();

	/* Trunk tagged 10 -> access 10: untagged. */
	ul = frame(u, MAC_A, MAC_B, UNTAGGED, 0, 46);
	tl = frame(tg, MAC_A, MAC_B, 10, 5, 46);
	send_frame(2, tg, tl);
	expect(0, u, ul);
	assert_int_equal(pmd->counters[2].rx_bytes, tl);
	assert_int_equal(pmd->counters[0].tx_bytes, ul);
	finish();

	/* Trunk tagged 20 to A (known in VLAN 10 only): never reaches the
	 * access-10 port; flooded in VLAN 20 as unknown. */
	ul = frame(u, MAC_A, MAC_C, UNTAGGED, 0, 46);
	tl = frame(tg, MAC_A, MAC_C, 20, 0, 46);
	send_frame(2, tg, tl);
	expect(3, u, ul);
	expect(5, tg, tl);
	expect(6, tg, tl);
	expect(7, tg, tl);
	expect_none(0);
	expect_none(1);
	finish();

	/* A tagged frame on an access port is dropped. */
	tl = frame(tg, MAC_B, MAC_A, 10, 0, 46);
	send_frame(0, tg, tl);
	assert_int_equal(pmd->counters[0].drops[VS_DROP_VLAN_TAGGED_ACCESS], 1);
	finish();
}

static void
test_priority_tag(void **state)
{
	uint8_t in[128], u[128], tg[128];
	uint16_t il, ul, tl;

	(void)state;
	topo_main();
	/* VID 0, PCP 6 on access 10: VLAN 10, the priority kept where tagged. */
	il = frame(in, BCAST, MAC_A, 0, 6, 46);
	ul = frame(u, BCAST, MAC_A, UNTAGGED, 0, 46);
	tl = frame(tg, BCAST, MAC_A, 10, 6, 46);
	send_frame(0, in, il);
	expect(1, u, ul);
	expect(5, u, ul);
	expect(2, tg, tl);
	expect(4, tg, tl);
	expect(7, tg, tl);
	finish();
	/* VID 0 on a trunk without native VLAN: VLAN 0, sent untagged. */
	il = frame(in, BCAST, MAC_B, 0, 6, 46);
	ul = frame(u, BCAST, MAC_B, UNTAGGED, 0, 46);
	send_frame(2, in, il);
	expect(7, u, ul);
	finish();
	/* VID 0 on the native-10 trunk: VLAN 10. */
	il = frame(in, BCAST, MAC_C, 0, 1, 46);
	ul = frame(u, BCAST, MAC_C, UNTAGGED, 0, 46);
	tl = frame(tg, BCAST, MAC_C, 10, 1, 46);
	send_frame(5, in, il);
	expect(0, u, ul);
	expect(1, u, ul);
	expect(2, tg, tl);
	expect(4, tg, tl);
	expect(7, tg, tl);
	assert_int_equal(apply_learning(), 3);
	assert_true(fdb_get(0, MAC_A, 10) >= 0);
	assert_true(fdb_get(0, MAC_B, 0) >= 0);
	assert_true(fdb_get(0, MAC_C, 10) >= 0);
	finish();
}

static void
test_trunk_list_drops(void **state)
{
	uint8_t buf[128];
	uint16_t len;

	(void)state;
	topo_main();
	len = frame(buf, BCAST, MAC_A, 30, 0, 46);
	send_frame(4, buf, len);                              /* trunk 10 only */
	len = frame(buf, BCAST, MAC_A, UNTAGGED, 0, 46);
	send_frame(4, buf, len);                              /* no native VLAN */
	len = frame(buf, BCAST, MAC_A, 4095, 0, 46);
	send_frame(2, buf, len);                              /* reserved VID */
	assert_int_equal(pmd->counters[4].drops[VS_DROP_VLAN_NOT_ALLOWED], 2);
	assert_int_equal(drops_total(4), 2);
	assert_int_equal(pmd->counters[4].rx_packets, 2);
	assert_int_equal(pmd->counters[2].drops[VS_DROP_VLAN_NOT_ALLOWED], 1);
	assert_int_equal(rte_ring_count(learn_ring), 0);
	finish();
}

/* One flood with both encapsulations: the original and one copy, shared. */
static void
test_flood_refcounts(void **state)
{
	uint8_t u[128], tg[128];
	uint16_t ul = frame(u, BCAST, MAC_A, UNTAGGED, 0, 46);
	uint16_t tl = frame(tg, BCAST, MAC_A, 10, 0, 46);
	struct rte_mbuf *m1, *m5, *m2, *m4, *m7;

	(void)state;
	topo_main();
	send_frame(0, u, ul);
	m1 = take(1);
	m5 = take(5);
	m2 = take(2);
	m4 = take(4);
	m7 = take(7);
	assert_ptr_equal(m1, m5);
	assert_ptr_equal(m2, m4);
	assert_ptr_equal(m2, m7);
	assert_ptr_not_equal(m1, m2);
	assert_int_equal(rte_mbuf_refcnt_read(m1), 2);
	assert_int_equal(rte_mbuf_refcnt_read(m2), 3);
	assert_bytes(m1, u, ul);
	assert_bytes(m2, tg, tl);
	assert_int_equal(rte_mempool_avail_count(pool), pool_start - 2);
	rte_pktmbuf_free(m1);
	rte_pktmbuf_free(m2);
	rte_pktmbuf_free(m4);
	rte_pktmbuf_free(m5);
	rte_pktmbuf_free(m7);
	finish();

	/* Same from a tagged trunk: the popped copy shared by 0, 1, 5. */
	send_frame(2, tg, tl);
	m1 = take(0);
	assert_int_equal(rte_mbuf_refcnt_read(m1), 3);
	assert_ptr_equal(take(1), m1);
	assert_ptr_equal(take(5), m1);
	m4 = take(4);
	assert_int_equal(rte_mbuf_refcnt_read(m4), 2);
	assert_ptr_equal(take(7), m4);
	for (int i = 0; i < 3; i++)
		rte_pktmbuf_free(m1);
	rte_pktmbuf_free(m4);
	rte_pktmbuf_free(m4);
	apply_learning();
	finish();
}

static void
test_no_output(void **state)
{
	uint8_t buf[128];
	uint16_t len = frame(buf, BCAST, MAC_A, UNTAGGED, 0, 46);

	(void)state;
	port_eth(0, 0, vl_access(10));
	port_eth(3, 0, vl_access(20));
	send_frame(0, buf, len);
	assert_int_equal(pmd->counters[0].drops[VS_DROP_NO_OUTPUT], 1);
	assert_int_equal(drops_total(0), 1);
	finish();
}

static void
test_no_mbuf_for_copy(void **state)
{
	struct rte_mempool *tiny;
	struct rte_mbuf *hold;
	uint8_t u[128];
	uint16_t ul = frame(u, BCAST, MAC_A, UNTAGGED, 0, 46);

	(void)state;
	topo_main();
	tiny = rte_pktmbuf_pool_create("test_tiny", 1, 0, 0, RTE_MBUF_DEFAULT_BUF_SIZE,
				       SOCKET_ID_ANY);
	assert_non_null(tiny);
	hold = rte_pktmbuf_alloc(tiny);
	assert_non_null(hold);
	pmd->pool = tiny;                               /* copies fail */
	send_frame(0, u, ul);
	/* The untagged outputs still get the frame; the tagged ones cannot. */
	expect(1, u, ul);
	expect(5, u, ul);
	assert_int_equal(pmd->counters[0].drops[VS_DROP_NO_MBUF], 1);
	assert_int_equal(drops_total(0), 1);
	rte_pktmbuf_free(hold);
	rte_mempool_free(tiny);
	finish();
}

/*
 * Two bridges joined by a patch pair:
 *   bridge 0: slot 0 access 10, slot 1 access 10, patch 9 (peer 10)
 *   bridge 1: patch 10 (peer 9), slot 2 access 10, slot 3 trunk all
 */
static void
test_patch(void **state)
{
	uint8_t u[128], tg[128];
	uint16_t ul, tl;
	struct vs_learn_req req[4];

	(void)state;
	port_eth(0, 0, vl_access(10));
	port_eth(1, 0, vl_access(10));
	port_patch(9, 0, 10);
	port_patch(10, 1, 9);
	port_eth(2, 1, vl_access(10));
	port_eth(3, 1, vl_trunk(0, 0));

	ul = frame(u, BCAST, MAC_A, UNTAGGED, 0, 46);
	tl = frame(tg, BCAST, MAC_A, 10, 0, 46);
	send_frame(0, u, ul);
	expect(1, u, ul);
	expect(2, u, ul);
	expect(3, tg, tl);
	/* Through the patch tagged (patch ports are trunks). */
	assert_int_equal(pmd->counters[10].rx_packets, 1);
	assert_int_equal(pmd->counters[10].rx_bytes, tl);
	assert_int_equal(drops_total(0), 0);
	assert_int_equal(drops_total(10), 0);
	/* A learned in bridge 0 on slot 0 and in bridge 1 on the peer, 10. */
	assert_int_equal(rte_ring_sc_dequeue_bulk_elem(learn_ring, req, sizeof(req[0]), 2, NULL), 2);
	assert_int_equal(rte_ring_count(learn_ring), 0);
	assert_int_equal(req[0].bridge_id, 1);
	assert_int_equal(req[0].slot, 0);
	assert_int_equal(req[0].vlan, 10);
	assert_int_equal(req[1].bridge_id, 2);
	assert_int_equal(req[1].slot, 10);
	assert_int_equal(req[1].vlan, 10);
	assert_memory_equal(req[1].mac, MAC_A, 6);
	assert_int_equal(rte_ring_enqueue_bulk_elem(learn_ring, req, sizeof(req[0]), 2, NULL), 2);
	assert_int_equal(apply_learning(), 2);
	assert_int_equal(fdb_slot(0, MAC_A, 10), 0);
	assert_int_equal(fdb_slot(1, MAC_A, 10), 10);
	finish();

	/* B answers from bridge 1: unicast across the patch, to slot 0 only. */
	ul = frame(u, MAC_A, MAC_B, UNTAGGED, 0, 46);
	send_frame(2, u, ul);
	expect(0, u, ul);
	assert_int_equal(apply_learning(), 2);
	assert_int_equal(fdb_slot(1, MAC_B, 10), 2);
	assert_int_equal(fdb_slot(0, MAC_B, 10), 9);
	assert_int_equal(pmd->counters[9].rx_packets, 1);
	finish();

	/* And back, known on both sides. */
	ul = frame(u, MAC_B, MAC_A, UNTAGGED, 0, 46);
	send_frame(0, u, ul);
	expect(2, u, ul);
	assert_int_equal(rte_ring_count(learn_ring), 0);
	finish();
}

/* A flood whose only output is the patch port: delivered, not a drop. */
static void
test_patch_only_output(void **state)
{
	uint8_t u[128];
	uint16_t ul = frame(u, BCAST, MAC_A, UNTAGGED, 0, 46);

	(void)state;
	port_eth(0, 0, vl_access(10));
	port_patch(9, 0, 10);
	port_patch(10, 1, 9);
	port_eth(2, 1, vl_access(10));
	send_frame(0, u, ul);
	expect(2, u, ul);
	assert_int_equal(drops_total(0), 0);
	assert_int_equal(drops_total(10), 0);
	finish();
}

/*
 * Two patch pairs between two bridges make a loop:
 *   bridge 0: slot 0 access 10, patch 9 (peer 11), patch 10 (peer 12)
 *   bridge 1: patch 11 (peer 9), patch 12 (peer 10), slot 7 access 10
 * A broadcast goes round VS_PATCH_MAX_DEPTH (4) times, both ways: each
 * crossing delivers one copy to the bridge's ethdev port, then the fifth
 * crossings are dropped as patch_loop.
 */
static void
test_patch_loop(void **state)
{
	uint8_t u[128];
	uint16_t ul = frame(u, BCAST, MAC_A, UNTAGGED, 0, 46);

	(void)state;
	assert_int_equal(VS_PATCH_MAX_DEPTH, 4);
	port_eth(0, 0, vl_access(10));
	port_patch(9, 0, 11);
	port_patch(10, 0, 12);
	port_patch(11, 1, 9);
	port_patch(12, 1, 10);
	port_eth(7, 1, vl_access(10));
	send_frame(0, u, ul);
	for (int i = 0; i < 4; i++) {
		expect(7, u, ul);                       /* depths 1 and 3 */
		expect(0, u, ul);                       /* depths 2 and 4 */
	}
	assert_int_equal(pmd->counters[11].drops[VS_DROP_PATCH_LOOP], 1);
	assert_int_equal(pmd->counters[12].drops[VS_DROP_PATCH_LOOP], 1);
	assert_int_equal(drops_total(11) + drops_total(12) + drops_total(9) + drops_total(10) +
			 drops_total(0) + drops_total(7), 2);
	assert_int_equal(pmd->counters[7].tx_packets, 4);
	assert_int_equal(pmd->counters[0].tx_packets, 4);
	finish();
}

static void
test_mtu(void **state)
{
	uint8_t u[256], tg[256];
	uint16_t ul, tl;

	(void)state;
	port_eth(0, 0, vl_access(10));
	port_eth(1, 0, vl_access(10));
	port_eth(2, 0, vl_trunk(0, 0));
	t->ports[1].max_frame = 100;
	t->ports[2].max_frame = 104;
	/* Exactly the limit: sent (100 untagged, 104 tagged). */
	ul = frame(u, BCAST, MAC_A, UNTAGGED, 0, 86);
	tl = frame(tg, BCAST, MAC_A, 10, 0, 86);
	assert_int_equal(ul, 100);
	send_frame(0, u, ul);
	expect(1, u, ul);
	expect(2, tg, tl);
	finish();
	/* One byte more: dropped on both output ports, not on the input. */
	ul = frame(u, BCAST, MAC_A, UNTAGGED, 0, 87);
	send_frame(0, u, ul);
	assert_int_equal(pmd->counters[1].drops[VS_DROP_MTU], 1);
	assert_int_equal(pmd->counters[2].drops[VS_DROP_MTU], 1);
	assert_int_equal(drops_total(0), 0);
	assert_int_equal(pmd->counters[1].tx_packets, 1);
	assert_int_equal(pmd->counters[2].tx_packets, 1);
	/* Known unicast too. */
	apply_learning();
	teach(1, MAC_B, UNTAGGED);
	ul = frame(u, MAC_B, MAC_A, UNTAGGED, 0, 87);
	send_frame(0, u, ul);
	assert_int_equal(pmd->counters[1].drops[VS_DROP_MTU], 1);
	assert_int_equal(pmd->counters[1].tx_packets, 0);
	finish();
}

static void
test_counters(void **state)
{
	uint8_t b[3][256];
	uint16_t l[3];
	struct rte_mbuf *m[3];

	(void)state;
	topo_main();
	teach(1, MAC_B, UNTAGGED);
	teach(2, MAC_C, 10);
	l[0] = frame(b[0], MAC_B, MAC_A, UNTAGGED, 0, 46);
	l[1] = frame(b[1], MAC_C, MAC_A, UNTAGGED, 0, 100);
	l[2] = frame(b[2], MAC_B, MAC_A, UNTAGGED, 0, 200);
	for (int i = 0; i < 3; i++)
		m[i] = mbuf_of(b[i], l[i]);
	input(0, m, 3);
	expect(1, b[0], l[0]);
	expect(1, b[2], l[2]);
	l[1] = frame(b[1], MAC_C, MAC_A, 10, 0, 100);
	expect(2, b[1], l[1]);
	assert_int_equal(pmd->counters[0].rx_packets, 3);
	assert_int_equal(pmd->counters[0].rx_bytes, 60 + 114 + 214);
	assert_int_equal(pmd->counters[1].tx_packets, 2);
	assert_int_equal(pmd->counters[1].tx_bytes, 60 + 214);
	assert_int_equal(pmd->counters[2].tx_packets, 1);
	assert_int_equal(pmd->counters[2].tx_bytes, 118);
	assert_int_equal(pmd->counters[1].rx_packets, 0);
	assert_int_equal(pmd->counters[2].rx_packets, 0);
	/* One learn request for A despite three frames. */
	assert_int_equal(apply_learning(), 1);
	finish();
}

/*
 * Runs to one port: a buffer holding VS_TX_FLUSH or more after a run leaves
 * at once, a full one (VS_BURST) as soon as it is full, the rest waits for
 * the drain; everything in order, the bytes of each send counted once.
 */
static void
test_tx_burst_order(void **state)
{
	enum { FIRST = VS_TX_FLUSH - 8, SECOND = VS_BURST - 8, THIRD = VS_TX_FLUSH + 8 };
	enum { N = FIRST + SECOND + THIRD };
	static uint8_t b[N][64 + N];                    /* frames of 60 + i bytes */
	uint16_t l[N];
	struct rte_mbuf *m[VS_BURST];
	uint64_t bytes = 0;
	unsigned k = 0;

	(void)state;
	topo_main();
	teach(1, MAC_B, UNTAGGED);
	for (unsigned i = 0; i < N; i++)
		l[i] = frame(b[i], MAC_B, MAC_A, UNTAGGED, 0, 46 + i);
	/* FIRST frames: fewer than VS_TX_FLUSH, they wait. */
	for (unsigned i = 0; i < FIRST; i++, k++)
		m[i] = mbuf_of(b[k], l[k]);
	receive(0, m, FIRST);
	assert_int_equal(rte_ring_count(tx_ring[1]), 0);
	assert_int_equal(pmd->tx[1].n, FIRST);
	/* SECOND frames: the buffer fills (VS_BURST) and leaves; the 16 left
	 * over are fewer than VS_TX_FLUSH and wait. */
	for (unsigned i = 0; i < SECOND; i++, k++)
		m[i] = mbuf_of(b[k], l[k]);
	receive(0, m, SECOND);
	assert_int_equal(rte_ring_count(tx_ring[1]), VS_BURST);
	assert_int_equal(pmd->tx[1].n, FIRST + SECOND - VS_BURST);
	/* Not yet due. */
	vs_tx_drain(pmd, false);
	assert_int_equal(rte_ring_count(tx_ring[1]), VS_BURST);
	/* Due after VS_TX_DRAIN_US. */
	pmd->now_tsc += pmd->drain_tsc;
	vs_tx_drain(pmd, false);
	assert_int_equal(pmd->tx[1].n, 0);
	assert_int_equal(pmd->n_dirty, 0);
	assert_int_equal(rte_ring_count(tx_ring[1]), FIRST + SECOND);
	/* THIRD frames: VS_TX_FLUSH or more, they leave at once. */
	for (unsigned i = 0; i < THIRD; i++, k++)
		m[i] = mbuf_of(b[k], l[k]);
	receive(0, m, THIRD);
	assert_int_equal(pmd->tx[1].n, 0);
	for (unsigned i = 0; i < N; i++)
		expect(1, b[i], l[i]);
	assert_int_equal(pmd->counters[1].tx_packets, N);
	for (unsigned i = 0; i < N; i++)
		bytes += l[i];
	assert_int_equal(pmd->counters[1].tx_bytes, bytes);
	apply_learning();
	finish();
}

/*
 * In one burst: a frame to B (trunk, tag pushed), one to C whose port no
 * longer carries the VLAN (flooded instead), then B again: the frame to C
 * must not spoil what normal() remembered for B.
 */
static void
test_burst_stale_entry_between(void **state)
{
	uint8_t u[3][128], tg[3][128];
	uint16_t ul[3], tl[3];
	struct rte_mbuf *m[3];

	(void)state;
	topo_main();
	teach(2, MAC_B, 10);                            /* B: trunk, slot 2, tagged 10 */
	teach(1, MAC_C, UNTAGGED);                      /* C: slot 1, then moved to VLAN 20 */
	t->ports[1].vlan = vl_access(20);
	for (unsigned i = 0; i < 3; i++) {
		const uint8_t *dst = i == 1 ? MAC_C : MAC_B;

		ul[i] = frame(u[i], dst, MAC_A, UNTAGGED, 0, 46 + i);
		tl[i] = frame(tg[i], dst, MAC_A, 10, 0, 46 + i);
		m[i] = mbuf_of(u[i], ul[i]);
	}
	input(0, m, 3);
	expect(2, tg[0], tl[0]);
	expect(2, tg[1], tl[1]);                        /* the flood of the frame to C */
	expect(2, tg[2], tl[2]);
	expect(4, tg[1], tl[1]);
	expect(5, u[1], ul[1]);
	expect(7, tg[1], tl[1]);
	apply_learning();
	finish();
}

/*
 * Frames with the same addresses as the frame before them are decided as
 * it was (normal() looks them up once): that must hold only for the same
 * MACs in the same VLAN. On trunk 2: A->B in VLAN 10 (B known on 4), twice;
 * A->B in VLAN 20 (unknown there: flooded), twice; A->B in 10 again; then
 * C->C in 30 twice, C known on 2 itself: both dropped.
 */
static void
test_burst_repeated_addresses(void **state)
{
	static const int vid[7] = { 10, 10, 20, 20, 10, 30, 30 };
	uint8_t f[7][128];
	uint16_t l[7];
	struct rte_mbuf *m[7];

	(void)state;
	topo_main();
	teach(4, MAC_B, 10);
	teach(2, MAC_C, 30);
	for (unsigned i = 0; i < 7; i++) {
		const uint8_t *mac = i < 5 ? MAC_A : MAC_C;

		l[i] = frame(f[i], i < 5 ? MAC_B : MAC_C, mac, vid[i], 0, 46 + i);
		m[i] = mbuf_of(f[i], l[i]);
	}
	input(2, m, 7);
	expect(4, f[0], l[0]);
	expect(4, f[1], l[1]);
	expect(4, f[4], l[4]);
	for (unsigned i = 2; i < 4; i++) {
		uint8_t u[128];
		uint16_t ul = frame(u, MAC_B, MAC_A, UNTAGGED, 0, 46 + i);

		expect(3, u, ul);
		expect(5, f[i], l[i]);
		expect(6, f[i], l[i]);
		expect(7, f[i], l[i]);
	}
	assert_int_equal(pmd->counters[2].drops[VS_DROP_SAME_PORT], 2);
	assert_int_equal(drops_total(2), 2);
	assert_int_equal(apply_learning(), 2);          /* A in 10 and in 20 */
	assert_int_equal(fdb_slot(0, MAC_A, 10), 2);
	assert_int_equal(fdb_slot(0, MAC_A, 20), 2);
	finish();
}

/* A name that is no build of the forwarding stage is refused and changes
 * nothing. */
static void
test_select_isa(void **state)
{
	const char *isa = vs_dp_isa();

	(void)state;
	assert_int_equal(vs_dp_select_isa("avx512"), -EINVAL);
	assert_int_equal(vs_dp_select_isa(""), -EINVAL);
	assert_string_equal(vs_dp_isa(), isa);
	assert_int_equal(vs_dp_select_isa(isa), 0);
	assert_string_equal(vs_dp_isa(), isa);
}

/*
 * One burst whose frames alternate between outputs that need a tag pushed
 * and outputs that do not, with a frame too long for one of them in the
 * middle of a run: normal() remembers how the last frames left, and must
 * not reuse that for a frame bound elsewhere; the run with the long frame
 * keeps its order and drops only that frame.
 */
static void
test_mixed_burst(void **state)
{
	static const unsigned to_b[] = { 0, 1, 3, 4, 6 };
	uint8_t u[8][256], tg[8][256];
	uint16_t ul[8], tl[8];
	struct rte_mbuf *m[8];
	uint64_t bytes_b = 0, bytes_c = 0;

	(void)state;
	topo_main();
	teach(2, MAC_B, 10);                            /* B: trunk, slot 2, tagged 10 */
	teach(1, MAC_C, UNTAGGED);                      /* C: access 10, slot 1 */
	t->ports[2].max_frame = 110;
	for (unsigned i = 0; i < 8; i++) {
		const uint8_t *dst = (i == 2 || i == 5) ? MAC_C : i == 7 ? BCAST : MAC_B;
		uint16_t payload = i == 3 ? 100 : 46 + i;  /* frame 3: too long for slot 2 */

		ul[i] = frame(u[i], dst, MAC_A, UNTAGGED, 0, payload);
		tl[i] = frame(tg[i], dst, MAC_A, 10, 0, payload);
		m[i] = mbuf_of(u[i], ul[i]);
	}
	input(0, m, 8);
	for (unsigned k = 0; k < RTE_DIM(to_b); k++) {
		unsigned i = to_b[k];

		if (i == 3)
			continue;
		expect(2, tg[i], tl[i]);
		bytes_b += tl[i];
	}
	expect(2, tg[7], tl[7]);                        /* the broadcast */
	bytes_b += tl[7];
	expect(1, u[2], ul[2]);
	expect(1, u[5], ul[5]);
	expect(1, u[7], ul[7]);
	bytes_c = ul[2] + ul[5] + ul[7];
	expect(4, tg[7], tl[7]);
	expect(5, u[7], ul[7]);
	expect(7, tg[7], tl[7]);
	assert_int_equal(pmd->counters[2].drops[VS_DROP_MTU], 1);
	assert_int_equal(pmd->counters[2].tx_packets, 5);
	assert_int_equal(pmd->counters[2].tx_bytes, bytes_b);
	assert_int_equal(pmd->counters[1].tx_packets, 3);
	assert_int_equal(pmd->counters[1].tx_bytes, bytes_c);
	assert_int_equal(drops_total(0), 0);
	apply_learning();
	finish();
}

/* An output queue that is full: drops counted on the output port. */
static void
test_tx_full(void **state)
{
	uint8_t b[SMALL_TX + 2][128];
	uint16_t l[SMALL_TX + 2];
	struct rte_mbuf *m[SMALL_TX + 2];
	uint64_t bytes = 0;

	(void)state;
	port_eth(0, 0, vl_access(10));
	port_eth(SMALL_SLOT, 0, vl_access(10));
	for (unsigned i = 0; i < RTE_DIM(m); i++) {
		l[i] = frame(b[i], BCAST, MAC_A, UNTAGGED, 0, 46 + i);
		m[i] = mbuf_of(b[i], l[i]);
	}
	input(0, m, RTE_DIM(m));
	for (unsigned i = 0; i < SMALL_TX; i++) {
		expect(SMALL_SLOT, b[i], l[i]);
		bytes += l[i];
	}
	assert_int_equal(pmd->counters[SMALL_SLOT].tx_packets, SMALL_TX);
	assert_int_equal(pmd->counters[SMALL_SLOT].tx_bytes, bytes);
	assert_int_equal(pmd->counters[SMALL_SLOT].drops[VS_DROP_TX_FULL], 2);
	assert_int_equal(drops_total(0), 0);
	finish();
}

/* Learn requests: one per (MAC, VLAN, port) until applied; a move asks again. */
static void
test_learn_requests(void **state)
{
	uint8_t buf[128];
	uint16_t len = frame(buf, BCAST, MAC_A, UNTAGGED, 0, 46);
	struct vs_learn_req req;

	(void)state;
	topo_main();
	send_frame(0, buf, len);
	send_frame(0, buf, len);
	assert_int_equal(rte_ring_count(learn_ring), 1);
	assert_int_equal(apply_learning(), 1);
	send_frame(0, buf, len);
	assert_int_equal(rte_ring_count(learn_ring), 0);
	/* A moves to port 1. */
	send_frame(1, buf, len);
	assert_int_equal(rte_ring_sc_dequeue_elem(learn_ring, &req, sizeof(req)), 0);
	assert_int_equal(req.slot, 1);
	assert_int_equal(req.vlan, 10);
	assert_int_equal(rte_ring_count(learn_ring), 0);
	assert_int_equal(vs_fdb_learn(t->bridges[0].fdb, qsv, vs_fdb_key(req.mac, req.vlan),
				      req.slot, 0), 0);
	assert_int_equal(fdb_slot(0, MAC_A, 10), 1);
	drain_all();
	/* The window of de-duplication is over: asked again (not yet known). */
	send_frame(3, buf, len);                              /* A in VLAN 20: another key */
	assert_int_equal(rte_ring_count(learn_ring), 1);
	pmd->now_tsc += pmd->drain_tsc * 20;
	send_frame(3, buf, len);
	assert_int_equal(rte_ring_count(learn_ring), 2);
	assert_int_equal(apply_learning(), 2);
	drain_all();
	/* And is now reached there. */
	len = frame(buf, MAC_A, MAC_B, 10, 0, 46);
	send_frame(2, buf, len);
	len = frame(buf, MAC_A, MAC_B, UNTAGGED, 0, 46);
	expect(1, buf, len);
	assert_int_equal(apply_learning(), 1);          /* B on 2 */
	finish();
}

/* The PMD loop itself on a second lcore: rx polling, tables switch, stats. */
static void
test_pmd_loop(void **state)
{
	struct vs_dp_tables *t2;
	uint8_t buf[128];
	uint16_t len = frame(buf, BCAST, MAC_A, UNTAGGED, 0, 46);
	struct rte_mbuf *m;
	uint64_t deadline;
	unsigned lcore;

	(void)state;
	if (!have_pmd_lcore)
		skip();
	port_eth(0, 0, vl_access(10));
	port_eth(1, 0, vl_access(10));
	t->n_rxqs[0] = 2;
	t->rxqs[0][0].slot = 0;
	t->rxqs[0][1].slot = 1;
	/* The same switch where port 1 moved to VLAN 20. */
	t2 = rte_malloc("test_tables2", sizeof(*t2), RTE_CACHE_LINE_SIZE);
	assert_non_null(t2);
	memcpy(t2, t, sizeof(*t2));
	t2->ports[1].vlan = vl_access(20);

	pmd->quit = false;
	lcore = rte_get_next_lcore(-1, 1, 0);
	assert_int_equal(rte_eal_remote_launch(vs_pmd_main, pmd, lcore), 0);
	pmd_lcore_running = lcore;
	m = mbuf_of(buf, len);
	assert_int_equal(rte_ring_enqueue(rx_ring[0], m), 0);
	deadline = rte_get_timer_cycles() + 5 * rte_get_timer_hz();
	while (rte_ring_count(tx_ring[1]) == 0 && rte_get_timer_cycles() < deadline)
		rte_pause();
	expect(1, buf, len);

	/* Publish the new tables; after a grace period the PMD uses them. */
	__atomic_store_n(&vs_dp_current, t2, __ATOMIC_RELEASE);
	rte_rcu_qsbr_synchronize(qsv, RTE_QSBR_THRID_INVALID);
	m = mbuf_of(buf, len);
	assert_int_equal(rte_ring_enqueue(rx_ring[0], m), 0);
	while (rte_ring_count(rx_ring[0]) != 0 && rte_get_timer_cycles() < deadline)
		rte_pause();
	rte_rcu_qsbr_synchronize(qsv, RTE_QSBR_THRID_INVALID);

	/* Control asks for the PMD stats to be cleared. */
	pmd->stats_clear_gen++;
	while (pmd->stats_cleared_gen != pmd->stats_clear_gen && rte_get_timer_cycles() < deadline)
		rte_pause();
	pmd->quit = true;
	pmd_lcore_running = RTE_MAX_LCORE;
	assert_int_equal(rte_eal_wait_lcore(lcore), 0);

	assert_ptr_equal(pmd->tables, t2);
	assert_int_equal(pmd->stats_cleared_gen, 1);
	assert_int_equal(pmd->stats.rx_packets, 0);     /* cleared after both */
	assert_int_equal(pmd->counters[0].rx_packets, 2);
	assert_int_equal(pmd->counters[0].drops[VS_DROP_NO_OUTPUT], 1);
	assert_int_equal(pmd->counters[1].tx_packets, 1);
	/* A learned once, maybe twice (the de-duplication window is 1 ms). */
	assert_true(apply_learning() >= 1);
	assert_int_equal(fdb_slot(0, MAC_A, 10), 0);
	__atomic_store_n(&vs_dp_current, t, __ATOMIC_RELEASE);
	rte_free(t2);
	finish();
}

/* ---- main ---- */

static int
make_ethdevs(void)
{
	struct rte_eth_conf conf;

	memset(&conf, 0, sizeof(conf));
	for (unsigned i = 0; i < N_ETH; i++) {
		char name[32];
		unsigned tx_size = i == SMALL_SLOT ? SMALL_TX : 1024;
		int port;

		snprintf(name, sizeof(name), "trx%u", i);
		rx_ring[i] = rte_ring_create(name, 1024, SOCKET_ID_ANY, RING_F_SP_ENQ | RING_F_SC_DEQ);
		snprintf(name, sizeof(name), "ttx%u", i);
		tx_ring[i] = rte_ring_create(name, tx_size, SOCKET_ID_ANY,
					     RING_F_SP_ENQ | RING_F_SC_DEQ | RING_F_EXACT_SZ);
		if (rx_ring[i] == NULL || tx_ring[i] == NULL)
			return -1;
		snprintf(name, sizeof(name), "tdp%u", i);
		port = rte_eth_from_rings(name, &rx_ring[i], 1, &tx_ring[i], 1, SOCKET_ID_ANY);
		if (port < 0)
			return -1;
		eth[i] = port;
		if (rte_eth_dev_configure(eth[i], 1, 1, &conf) != 0 ||
		    rte_eth_rx_queue_setup(eth[i], 0, 1024, SOCKET_ID_ANY, NULL, pool) != 0 ||
		    rte_eth_tx_queue_setup(eth[i], 0, 1024, SOCKET_ID_ANY, NULL) != 0 ||
		    rte_eth_dev_start(eth[i]) != 0)
			return -1;
	}
	return 0;
}

int
main(void)
{
	char prefix[64], lcores[64];
	char *argv[] = {
		"test_datapath", "--no-huge", "-m", "512", "--no-pci", "--no-shconf",
		"--no-telemetry", prefix, lcores, "--log-level=3",
	};
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_runt),
		cmocka_unit_test(test_parse_untagged),
		cmocka_unit_test(test_parse_truncated_tag),
		cmocka_unit_test(test_parse_tagged),
		cmocka_unit_test(test_parse_priority_tag),
		cmocka_unit_test(test_vlan_access),
		cmocka_unit_test(test_vlan_trunk_all),
		cmocka_unit_test(test_vlan_trunk_list),
		cmocka_unit_test(test_vlan_trunk_native),
		cmocka_unit_test(test_vlan_push),
		cmocka_unit_test(test_vlan_pop),
		cmocka_unit_test(test_vlan_set_vid),
#define FWD(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
		FWD(test_unknown_unicast_floods),
		FWD(test_broadcast_floods),
		FWD(test_known_unicast),
		FWD(test_stale_entry_floods),
		FWD(test_same_port_dropped),
		FWD(test_src_multicast_dropped),
		FWD(test_access_trunk_tags),
		FWD(test_priority_tag),
		FWD(test_trunk_list_drops),
		FWD(test_flood_refcounts),
		FWD(test_no_output),
		FWD(test_no_mbuf_for_copy),
		FWD(test_patch),
		FWD(test_patch_only_output),
		FWD(test_patch_loop),
		FWD(test_mtu),
		FWD(test_counters),
		FWD(test_tx_burst_order),
		FWD(test_mixed_burst),
		FWD(test_burst_stale_entry_between),
		FWD(test_burst_repeated_addresses),
		cmocka_unit_test(test_select_isa),
		FWD(test_tx_full),
		FWD(test_learn_requests),
		FWD(test_pmd_loop),
#undef FWD
	};
	cpu_set_t cpus;
	int cpu = 0;
	char rundir[PATH_MAX];
	size_t sz;
	int ret;

	/* Two lcores on one CPU we may use: the PMD test runs anywhere. */
	if (sched_getaffinity(0, sizeof(cpus), &cpus) == 0)
		while (cpu < CPU_SETSIZE - 1 && !CPU_ISSET(cpu, &cpus))
			cpu++;
	snprintf(lcores, sizeof(lcores), "--lcores=0@%d,1@%d", cpu, cpu);
	snprintf(prefix, sizeof(prefix), "--file-prefix=tdp%d", (int)getpid());
	if (rte_eal_init(RTE_DIM(argv), argv) < 0) {
		fprintf(stderr, "test_datapath: cannot initialise EAL\n");
		return 1;
	}
	have_pmd_lcore = rte_lcore_count() >= 2;
	pool = rte_pktmbuf_pool_create("test_pool", 2047, 0, 0, RTE_MBUF_DEFAULT_BUF_SIZE,
				       SOCKET_ID_ANY);
	sz = rte_rcu_qsbr_get_memsize(1);
	qsv = rte_zmalloc("test_rcu", sz, RTE_CACHE_LINE_SIZE);
	learn_ring = rte_ring_create_elem("test_learn", sizeof(struct vs_learn_req),
					  VS_LEARN_RING_SIZE, SOCKET_ID_ANY,
					  RING_F_SP_ENQ | RING_F_SC_DEQ);
	if (pool == NULL || qsv == NULL || rte_rcu_qsbr_init(qsv, 1) != 0 || learn_ring == NULL ||
	    make_ethdevs() != 0) {
		fprintf(stderr, "test_datapath: setup failed: %s\n", rte_strerror(rte_errno));
		return 1;
	}
	/* Every test, with each build of the forwarding stage this CPU runs. */
	if (vs_dp_select_isa("baseline") != 0) {
		fprintf(stderr, "test_datapath: cannot select the baseline forwarding code\n");
		return 1;
	}
	printf("test_datapath: forwarding code: %s\n", vs_dp_isa());
	ret = cmocka_run_group_tests(tests, NULL, NULL);
	if (vs_dp_select_isa("avx2") == 0) {
		printf("test_datapath: forwarding code: %s\n", vs_dp_isa());
		ret |= cmocka_run_group_tests(tests, NULL, NULL);
	}
	for (unsigned i = 0; i < N_ETH; i++) {
		rte_eth_dev_stop(eth[i]);
		rte_eth_dev_close(eth[i]);
	}
	/* EAL leaves its runtime directory behind (empty with --no-shconf). */
	snprintf(rundir, sizeof(rundir), "%s", rte_eal_get_runtime_dir());
	rte_eal_cleanup();
	rmdir(rundir);
	return ret;
}
