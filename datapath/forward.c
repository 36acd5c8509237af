/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Stage 3: learn and forward, for one burst received on one port.
 *
 * parse (parse.h) -> ingress VLAN (vlan.h) -> source learning (learn
 * requests to control) -> destination lookup -> unicast or flood -> tx
 * buffers (tx.h), or the peer bridge for patch ports.
 * Drop reasons of this stage: src_mac_multicast, same_port, no_output_port,
 * no_mbuf, patch_loop.
 *
 * Flooding shares one mbuf between outputs by reference count; only a frame
 * that needs another encapsulation (tag pushed or popped) is copied, once
 * for all outputs that need it. An mbuf handed to a patch port may be
 * changed by the next bridge, so it is never shared: a single output crosses
 * the patch without a copy, a flood gives the patch port its own copy.
 */
#include <rte_cycles.h>
#include <rte_ether.h>
#include <rte_mbuf.h>

#include "dp.h"
#include "fdb.h"
#include "parse.h"
#include "tx.h"
#include "vlan.h"

#define LEARN_FILTER_MASK 1023

/* Pending patch crossings of one burst, processed after it. */
struct patch_queue {
	uint16_t n;
	uint16_t slot[VS_BURST];
	struct rte_mbuf *pkts[VS_BURST];
};

static void input(struct vs_pmd *pmd, uint16_t in_slot, struct rte_mbuf **pkts, uint16_t n,
		  unsigned depth);

static void
patch_flush(struct vs_pmd *pmd, struct patch_queue *pq, unsigned depth)
{
	uint16_t i = 0;

	/* Hand over runs of packets for the same peer as one burst. */
	while (i < pq->n) {
		uint16_t j = i + 1;

		while (j < pq->n && pq->slot[j] == pq->slot[i])
			j++;
		input(pmd, pq->slot[i], &pq->pkts[i], j - i, depth + 1);
		i = j;
	}
	pq->n = 0;
}

static inline void
patch_enqueue(struct vs_pmd *pmd, struct patch_queue *pq, uint16_t peer, struct rte_mbuf *m,
	      unsigned depth)
{
	if (pq->n == VS_BURST)
		patch_flush(pmd, pq, depth);
	pq->slot[pq->n] = peer;
	pq->pkts[pq->n++] = m;
}

/* Give m (exclusively owned, encapsulation already right) to one output. */
static inline void
deliver(struct vs_pmd *pmd, struct patch_queue *pq, uint16_t out, struct rte_mbuf *m,
	unsigned depth)
{
	const struct vs_dp_port *op = &pmd->tables->ports[out];

	if (op->kind == VS_DP_PATCH)
		patch_enqueue(pmd, pq, op->peer, m, depth);
	else
		vs_tx_enqueue(pmd, out, m);
}

/* Make m's encapsulation `want` (VS_EGRESS_TAGGED or _UNTAGGED). */
static inline int
encap(struct rte_mbuf *m, int tagged, int want, uint16_t vlan)
{
	if (want == VS_EGRESS_TAGGED && !tagged)
		return vs_vlan_push(m, vlan, 0);
	if (want == VS_EGRESS_UNTAGGED && tagged)
		vs_vlan_pop(m);
	return 0;
}

static void
flood(struct vs_pmd *pmd, struct patch_queue *pq, uint16_t in_slot, struct rte_mbuf *m,
      uint16_t vlan, int tagged, unsigned depth)
{
	const struct vs_dp_tables *t = pmd->tables;
	const struct vs_dp_bridge *br = &t->bridges[t->ports[in_slot].bridge];
	uint16_t same[VS_MAX_PORTS], other[VS_MAX_PORTS];
	uint16_t n_same = 0, n_other = 0, n_patch = 0, i;
	int other_want = tagged ? VS_EGRESS_UNTAGGED : VS_EGRESS_TAGGED;
	struct rte_mbuf *c;

	for (i = 0; i < br->n_ports; i++) {
		uint16_t s = br->ports[i];
		int eg;

		if (s == in_slot)
			continue;
		eg = vs_vlan_egress(&t->ports[s].vlan, vlan);
		if (eg == VS_EGRESS_NO)
			continue;
		if (t->ports[s].kind == VS_DP_PATCH) {
			/* The next bridge may rewrite it: a private copy. */
			n_patch++;
			c = rte_pktmbuf_copy(m, pmd->pool, 0, UINT32_MAX);
			if (c == NULL || encap(c, tagged, eg, vlan) < 0) {
				if (c == NULL)
					pmd->counters[in_slot].drops[VS_DROP_NO_MBUF]++;
				else
					vs_drop(pmd, in_slot, VS_DROP_NO_MBUF, c);
				continue;
			}
			patch_enqueue(pmd, pq, t->ports[s].peer, c, depth);
			continue;
		}
		if ((eg == VS_EGRESS_TAGGED) == !!tagged)
			same[n_same++] = s;
		else
			other[n_other++] = s;
	}

	if (n_other != 0) {
		c = rte_pktmbuf_copy(m, pmd->pool, 0, UINT32_MAX);
		if (c == NULL || encap(c, tagged, other_want, vlan) < 0) {
			if (c == NULL)
				pmd->counters[in_slot].drops[VS_DROP_NO_MBUF]++;
			else
				vs_drop(pmd, in_slot, VS_DROP_NO_MBUF, c);
		} else {
			rte_mbuf_refcnt_set(c, n_other);
			for (i = 0; i < n_other; i++)
				vs_tx_enqueue(pmd, other[i], c);
		}
	}
	if (n_same == 0) {
		if (n_other == 0 && n_patch == 0)
			pmd->counters[in_slot].drops[VS_DROP_NO_OUTPUT]++;
		rte_pktmbuf_free(m);
		return;
	}
	/* Set the count before the first enqueue: a full buffer sends (and
	 * the driver frees) at once. */
	rte_mbuf_refcnt_set(m, n_same);
	for (i = 0; i < n_same; i++)
		vs_tx_enqueue(pmd, same[i], m);
}

static inline void
learn(struct vs_pmd *pmd, const struct vs_dp_bridge *br, uint16_t slot, uint64_t key)
{
	unsigned h = (unsigned)(key ^ key >> 17 ^ key >> 40 ^ slot) & LEARN_FILTER_MASK;
	struct vs_learn_req req;

	/* One request per (MAC, VLAN, port) per drain interval is plenty:
	 * control applies them every millisecond. */
	if (pmd->learn_key[h] == key && pmd->learn_slot[h] == slot &&
	    pmd->now_tsc - pmd->learn_tsc[h] < pmd->drain_tsc * 20)
		return;
	pmd->learn_key[h] = key;
	pmd->learn_slot[h] = slot;
	pmd->learn_tsc[h] = pmd->now_tsc;
	req.bridge_id = br->id;
	req.vlan = vs_fdb_key_vlan(key);
	req.slot = slot;
	req.pad = 0;
	vs_fdb_key_mac(key, req.mac);
	if (rte_ring_sp_enqueue_elem(pmd->learn_ring, &req, sizeof(req)) != 0)
		pmd->stats.learn_dropped++;
}

static void
input(struct vs_pmd *pmd, uint16_t in_slot, struct rte_mbuf **pkts, uint16_t n, unsigned depth)
{
	const struct vs_dp_tables *t = pmd->tables;
	const struct vs_dp_port *in = &t->ports[in_slot];
	const struct vs_dp_bridge *br = &t->bridges[in->bridge];
	struct vs_port_counters *c = &pmd->counters[in_slot];
	struct rte_mbuf *ok[VS_BURST];
	uint64_t src_key[VS_BURST], dst_key[VS_BURST];
	struct vs_fdb_entry *src_e[VS_BURST], *dst_e[VS_BURST];
	uint16_t vlan[VS_BURST];
	uint8_t tagged[VS_BURST], ucast_idx[VS_BURST];
	uint16_t n_ok = 0, n_ucast = 0, i;
	uint32_t now = vs_dp_now_s;
	struct patch_queue pq;

	pq.n = 0;
	if (unlikely(depth > VS_PATCH_MAX_DEPTH)) {
		for (i = 0; i < n; i++)
			vs_drop(pmd, in_slot, VS_DROP_PATCH_LOOP, pkts[i]);
		return;
	}

	for (i = 0; i < n; i++) {
		struct rte_mbuf *m = pkts[i];
		const struct rte_ether_hdr *eth;
		struct vs_l2 l2;
		int r;

		c->rx_packets++;
		c->rx_bytes += m->pkt_len;
		r = vs_parse_l2(m, &l2);
		if (unlikely(r >= 0)) {
			vs_drop(pmd, in_slot, r, m);
			continue;
		}
		r = vs_vlan_ingress(&in->vlan, &l2);
		if (unlikely(r < 0)) {
			vs_drop(pmd, in_slot, -r - 1, m);
			continue;
		}
		eth = rte_pktmbuf_mtod(m, const struct rte_ether_hdr *);
		if (unlikely(rte_is_multicast_ether_addr(&eth->src_addr))) {
			vs_drop(pmd, in_slot, VS_DROP_SRC_MULTICAST, m);
			continue;
		}
		/* A priority tag (VID 0) is rewritten to the frame's VLAN, or
		 * removed when the VLAN is 0, so that a tagged frame always
		 * carries its VLAN from here on. */
		if (unlikely(l2.tagged && l2.vid != r)) {
			if (r != 0) {
				vs_vlan_set_vid(m, r);
			} else {
				vs_vlan_pop(m);
				l2.tagged = 0;
			}
			eth = rte_pktmbuf_mtod(m, const struct rte_ether_hdr *);
		}
		vlan[n_ok] = r;
		tagged[n_ok] = l2.tagged;
		src_key[n_ok] = vs_fdb_key(eth->src_addr.addr_bytes, r);
		if (!rte_is_multicast_ether_addr(&eth->dst_addr)) {
			ucast_idx[n_ucast] = n_ok;
			dst_key[n_ucast++] = vs_fdb_key(eth->dst_addr.addr_bytes, r);
		}
		ok[n_ok++] = m;
	}
	if (n_ok == 0)
		return;

	vs_fdb_lookup_bulk(br->fdb, src_key, n_ok, src_e);
	for (i = 0; i < n_ok; i++) {
		struct vs_fdb_entry *e = src_e[i];

		if (likely(e != NULL && e->slot == in_slot)) {
			/* Refresh coarsely: one write per entry per second. */
			if (e->seen != now)
				e->seen = now;
		} else {
			learn(pmd, br, in_slot, src_key[i]);
		}
	}

	for (i = 0; i < n_ok; i++)
		dst_e[i] = NULL;
	if (n_ucast != 0) {
		struct vs_fdb_entry *hit[VS_BURST];

		vs_fdb_lookup_bulk(br->fdb, dst_key, n_ucast, hit);
		for (i = 0; i < n_ucast; i++)
			dst_e[ucast_idx[i]] = hit[i];
	}

	for (i = 0; i < n_ok; i++) {
		struct rte_mbuf *m = ok[i];
		const struct vs_fdb_entry *e = dst_e[i];
		uint16_t out;
		int eg;

		if (e == NULL) {
			flood(pmd, &pq, in_slot, m, vlan[i], tagged[i], depth);
			continue;
		}
		out = e->slot;
		if (unlikely(out == in_slot)) {
			vs_drop(pmd, in_slot, VS_DROP_SAME_PORT, m);
			continue;
		}
		/* The entry may name a port just removed or moved to another
		 * bridge, or whose VLANs changed: then flood as if unknown. */
		if (unlikely(t->ports[out].kind == VS_DP_NONE ||
			     t->ports[out].bridge != in->bridge)) {
			flood(pmd, &pq, in_slot, m, vlan[i], tagged[i], depth);
			continue;
		}
		eg = vs_vlan_egress(&t->ports[out].vlan, vlan[i]);
		if (unlikely(eg == VS_EGRESS_NO)) {
			flood(pmd, &pq, in_slot, m, vlan[i], tagged[i], depth);
			continue;
		}
		if (unlikely(encap(m, tagged[i], eg, vlan[i]) < 0)) {
			vs_drop(pmd, in_slot, VS_DROP_NO_MBUF, m);
			continue;
		}
		deliver(pmd, &pq, out, m, depth);
	}

	if (pq.n != 0)
		patch_flush(pmd, &pq, depth);
}

void
vs_dp_input(struct vs_pmd *pmd, uint16_t slot, struct rte_mbuf **pkts, uint16_t n)
{
	input(pmd, slot, pkts, n, 0);
}
