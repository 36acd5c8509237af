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

#include "classifier.h"
#include "dp.h"
#include "emc.h"
#include "fdb.h"
#include "flow_extract.h"
#include "parse.h"
#include "tx.h"
#include "vlan.h"

#define LEARN_FILTER_MASK 1023
#define VS_NO_SLOT UINT16_MAX

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

/* Hand m to the peer of a patch port; the patch port counts it as sent. */
static inline void
patch_enqueue(struct vs_pmd *pmd, struct patch_queue *pq, uint16_t peer, struct rte_mbuf *m,
	      unsigned depth)
{
	uint16_t self = pmd->tables->ports[peer].peer;

	pmd->counters[self].tx_packets++;
	pmd->counters[self].tx_bytes += m->pkt_len;
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

/* Give n packets (exclusively owned, encapsulation right) to one output. */
static inline void
deliver_burst(struct vs_pmd *pmd, struct patch_queue *pq, uint16_t out, struct rte_mbuf **pkts,
	      uint16_t n, unsigned depth)
{
	const struct vs_dp_port *op = &pmd->tables->ports[out];

	if (op->kind == VS_DP_PATCH) {
		for (uint16_t i = 0; i < n; i++)
			patch_enqueue(pmd, pq, op->peer, pkts[i], depth);
	} else {
		vs_tx_enqueue_burst(pmd, out, pkts, n);
	}
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

/* The next port from index *i of the bridge, other than in_slot, that
 * carries `vlan`, and in *eg how a frame leaves it; VS_NO_SLOT at the end. */
static inline uint16_t
flood_next(const struct vs_dp_tables *t, const struct vs_dp_bridge *br, uint16_t in_slot,
	   uint16_t vlan, uint16_t *i, int *eg)
{
	while (*i < br->n_ports) {
		uint16_t s = br->ports[(*i)++];

		if (s == in_slot)
			continue;
		*eg = vs_vlan_egress(&t->ports[s].vlan, vlan);
		if (*eg != VS_EGRESS_NO)
			return s;
	}
	return VS_NO_SLOT;
}

static void
flood(struct vs_pmd *pmd, struct patch_queue *pq, uint16_t in_slot, struct rte_mbuf *m,
      uint16_t vlan, int tagged, unsigned depth)
{
	const struct vs_dp_tables *t = pmd->tables;
	const struct vs_dp_bridge *br = &t->bridges[t->ports[in_slot].bridge];
	uint16_t same[VS_MAX_PORTS], other[VS_MAX_PORTS];
	uint16_t n_same = 0, n_other = 0, n_patch = 0, i, s;
	int other_want = tagged ? VS_EGRESS_UNTAGGED : VS_EGRESS_TAGGED;
	struct rte_mbuf *c;
	int eg;

	i = 0;
	while ((s = flood_next(t, br, in_slot, vlan, &i, &eg)) != VS_NO_SLOT) {
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
		/* No port takes the frame as it is: re-encapsulate it in place
		 * rather than a copy. */
		if (n_same == 0) {
			c = m;
			m = NULL;
		} else {
			c = rte_pktmbuf_copy(m, pmd->pool, 0, UINT32_MAX);
		}
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
		if (m != NULL)
			rte_pktmbuf_free(m);
		return;
	}
	/* Set the count before the first enqueue: a full buffer sends (and
	 * the driver frees) at once. */
	rte_mbuf_refcnt_set(m, n_same);
	for (i = 0; i < n_same; i++)
		vs_tx_enqueue(pmd, same[i], m);
}

/*
 * The one port a frame of `vlan` from in_slot floods to, when there is
 * exactly one and it is not a patch port, and in *eg how the frame leaves
 * it: then the flood is a plain unicast (the p2p and two-port cases), the
 * frame re-tagged in place when *eg asks. VS_NO_SLOT otherwise: flood()
 * does the general case.
 */
static uint16_t
flood_single(const struct vs_dp_tables *t, uint16_t in_slot, uint16_t vlan, int *eg)
{
	const struct vs_dp_bridge *br = &t->bridges[t->ports[in_slot].bridge];
	uint16_t out = VS_NO_SLOT, i = 0, s;

	while ((s = flood_next(t, br, in_slot, vlan, &i, eg)) != VS_NO_SLOT) {
		if (out != VS_NO_SLOT || t->ports[s].kind == VS_DP_PATCH)
			return VS_NO_SLOT;
		out = s;
	}
	return out;
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

/* A frame's VLAN and whether it carries a tag, in 16 bits. */
#define META(vlan, tagged) ((uint16_t)((vlan) | (tagged) << 15))
#define META_VLAN(meta) ((meta) & 0xfff)
#define META_TAGGED(meta) ((meta) >> 15)
#define META_NONE UINT16_MAX            /* no frame has it */

/*
 * How frames of one kind (META) leave through one output: the output, and
 * whether their tag must be pushed or popped on the way. normal() keeps the
 * last answer for floods and for known destinations, so that a burst of
 * frames alike decides once.
 */
struct out_memo {
	uint16_t meta;
	uint16_t out;                   /* VS_NO_SLOT: flood to several ports */
	uint8_t encap;                  /* push or pop the tag */
	int eg;                         /* how the frame leaves out */
};

/*
 * The learning switch ("normal") for n packets received on in_slot, in two
 * passes over the burst: the first parses, classifies the VLAN, packs the
 * MAC table keys and prefetches their buckets; the second, when the
 * buckets have had time to arrive, learns, looks up and decides outputs.
 */
static void
normal(struct vs_pmd *pmd, struct patch_queue *pq, uint16_t in_slot, struct rte_mbuf **pkts,
       uint16_t n, unsigned depth)
{
	const struct vs_dp_tables *t = pmd->tables;
	const struct vs_dp_port *in = &t->ports[in_slot];
	const struct vs_dp_bridge *br = &t->bridges[in->bridge];
	const struct vs_fdb *fdb = br->fdb;
	struct vs_fdb_bucket *const buckets = fdb->buckets;
	const uint32_t fdb_mask = fdb->mask, fdb_seed = fdb->seed;
	struct rte_mbuf *ok[VS_BURST], *run[VS_BURST];
	uint64_t src_key[VS_BURST], dst_key[VS_BURST];   /* as stored: with VS_FDB_USED */
	struct vs_fdb_bucket *src_b[VS_BURST], *dst_b[VS_BURST];
	uint16_t meta[VS_BURST];
	uint16_t n_ok = 0, n_run = 0, run_out = VS_NO_SLOT, i, out = VS_NO_SLOT;
	uint64_t last_sk = 0, last_dk = 0;     /* 0 is no stored key */
	struct out_memo fl = { .meta = META_NONE }, uc = { .meta = META_NONE };
	uint16_t now = vs_fdb_stamp(fdb, vs_dp_now_s);
	/* The VLAN of an untagged frame on this port, or -(1 + drop reason):
	 * the same for the whole burst. */
	const int untagged_vlan = vs_vlan_ingress(&in->vlan, &(struct vs_l2){ 0 });
	const uint64_t untagged_vtag = vs_fdb_vtag(untagged_vlan >= 0 ? untagged_vlan : 0);

	for (i = 0; i < n; i++) {
		struct rte_mbuf *m = pkts[i];
		const struct rte_ether_hdr *eth = rte_pktmbuf_mtod(m, const struct rte_ether_hdr *);
		uint64_t vtag, sk, dk;
		struct vs_l2 l2;
		int r;

		if (likely(untagged_vlan >= 0 && m->data_len >= sizeof(*eth) &&
			   eth->ether_type != rte_cpu_to_be_16(RTE_ETHER_TYPE_VLAN))) {
			meta[n_ok] = META(untagged_vlan, 0);
			vtag = untagged_vtag;
		} else {
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
			/* A priority tag (VID 0) is rewritten to the frame's
			 * VLAN, or removed when the VLAN is 0, so that a tagged
			 * frame always carries its VLAN from here on. */
			if (unlikely(l2.tagged && l2.vid != r)) {
				if (r != 0) {
					vs_vlan_set_vid(m, r);
				} else {
					vs_vlan_pop(m);
					l2.tagged = 0;
				}
				eth = rte_pktmbuf_mtod(m, const struct rte_ether_hdr *);
			}
			meta[n_ok] = META(r, l2.tagged);
			vtag = vs_fdb_vtag(r);
		}
		sk = vs_fdb_stored_frame(eth->src_addr.addr_bytes, vtag);
		if (unlikely(vs_fdb_key_multicast(sk))) {
			vs_drop(pmd, in_slot, VS_DROP_SRC_MULTICAST, m);
			continue;
		}
		dk = vs_fdb_stored_frame(eth->dst_addr.addr_bytes, vtag);
		/* The same addresses as the frame before: it decides for
		 * both (a NULL bucket says so). */
		if (sk == last_sk && dk == last_dk) {
			src_b[n_ok] = NULL;
			ok[n_ok++] = m;
			continue;
		}
		last_sk = sk;
		last_dk = dk;
		src_key[n_ok] = sk;
		src_b[n_ok] = &buckets[vs_fdb_hash(fdb_seed, fdb_mask, sk)];
		rte_prefetch0(src_b[n_ok]);
		if (!vs_fdb_key_multicast(dk)) {
			dst_key[n_ok] = dk;
			dst_b[n_ok] = &buckets[vs_fdb_hash(fdb_seed, fdb_mask, dk)];
			rte_prefetch0(dst_b[n_ok]);
		} else {
			dst_b[n_ok] = NULL;
		}
		ok[n_ok++] = m;
	}

	/* Decide each frame's output; runs of frames for the same port go
	 * to it as one burst. */
	for (i = 0; i < n_ok; i++) {
		struct rte_mbuf *m = ok[i];
		struct vs_fdb_bucket *b;
		const struct out_memo *d;
		unsigned w;
		int eg;

		if (src_b[i] == NULL)
			goto decide;            /* as the frame before */
		b = vs_fdb_find_in(fdb, src_b[i], src_key[i], &w);
		/* The key was read before the entry it publishes. */
		rte_atomic_thread_fence(__ATOMIC_ACQUIRE);
		if (likely(b != NULL && b->slot[w] == in_slot)) {
			/* Refresh coarsely: one write per entry per second. */
			if (unlikely(b->seen[w] != now))
				__atomic_store_n(&b->seen[w], now, __ATOMIC_RELAXED);
		} else {
			learn(pmd, br, in_slot, src_key[i] & ~VS_FDB_USED);
		}

		out = VS_NO_SLOT;
		if (likely(dst_b[i] != NULL)) {
			b = vs_fdb_find_in(fdb, dst_b[i], dst_key[i], &w);
			rte_atomic_thread_fence(__ATOMIC_ACQUIRE);
			if (b != NULL)
				out = b->slot[w];
		}
decide:
		if (out != VS_NO_SLOT && (out != uc.out || meta[i] != uc.meta)) {
			if (unlikely(out == in_slot)) {
				vs_drop(pmd, in_slot, VS_DROP_SAME_PORT, m);
				continue;
			}
			/* The entry may name a port just removed or moved to
			 * another bridge, or whose VLANs changed: then flood
			 * as if unknown. */
			if (unlikely(t->ports[out].kind == VS_DP_NONE ||
				     t->ports[out].bridge != in->bridge))
				out = VS_NO_SLOT;
			else if (unlikely((eg = vs_vlan_egress(&t->ports[out].vlan,
							       META_VLAN(meta[i]))) == VS_EGRESS_NO))
				out = VS_NO_SLOT;
			else {
				uc.out = out;
				uc.meta = meta[i];
				uc.eg = eg;
				uc.encap = (eg == VS_EGRESS_TAGGED) != META_TAGGED(meta[i]);
			}
		}
		if (likely(out != VS_NO_SLOT)) {
			d = &uc;
		} else {
			if (meta[i] != fl.meta) {
				fl.meta = meta[i];
				fl.out = flood_single(t, in_slot, META_VLAN(fl.meta), &fl.eg);
				fl.encap = (fl.eg == VS_EGRESS_TAGGED) != META_TAGGED(fl.meta);
			}
			if (fl.out == VS_NO_SLOT) {
				/* The frames before it go first: a flood must
				 * not overtake them. */
				if (n_run != 0) {
					deliver_burst(pmd, pq, run_out, run, n_run, depth);
					n_run = 0;
				}
				flood(pmd, pq, in_slot, m, META_VLAN(meta[i]), META_TAGGED(meta[i]),
				      depth);
				continue;
			}
			d = &fl;
		}
		if (unlikely(d->encap) &&
		    encap(m, META_TAGGED(meta[i]), d->eg, META_VLAN(meta[i])) < 0) {
			vs_drop(pmd, in_slot, VS_DROP_NO_MBUF, m);
			continue;
		}
		if (d->out != run_out) {
			if (n_run != 0)
				deliver_burst(pmd, pq, run_out, run, n_run, depth);
			n_run = 0;
			run_out = d->out;
		}
		run[n_run++] = m;
	}
	if (n_run != 0)
		deliver_burst(pmd, pq, run_out, run, n_run, depth);
}

static inline void
rule_hit(struct vs_pmd *pmd, struct vs_flow_rule *r, uint32_t packets, uint64_t bytes)
{
	struct vs_flow_stats *st = &r->stats[pmd->idx];
	uint32_t now = vs_dp_now_s;

	st->packets += packets;
	st->bytes += bytes;
	if (st->used_s != now)
		st->used_s = now;
}

static inline bool
is_tagged(const struct rte_mbuf *m)
{
	const struct rte_ether_hdr *eth = rte_pktmbuf_mtod(m, const struct rte_ether_hdr *);

	return m->data_len >= sizeof(*eth) + sizeof(struct rte_vlan_hdr) &&
	       eth->ether_type == rte_cpu_to_be_16(RTE_ETHER_TYPE_VLAN);
}

static inline struct vs_flow_rule *
only_normal(struct vs_flow_rule *r)
{
	return r->n_actions == 1 && r->actions[0].type == VS_ACT_NORMAL ? r : NULL;
}

/* m, or a private copy of it when more actions follow. */
static inline struct rte_mbuf *
take(struct vs_pmd *pmd, uint16_t in_slot, struct rte_mbuf *m, bool last)
{
	struct rte_mbuf *c;

	if (last)
		return m;
	c = rte_pktmbuf_copy(m, pmd->pool, 0, UINT32_MAX);
	if (c == NULL)
		pmd->counters[in_slot].drops[VS_DROP_NO_MBUF]++;
	return c;
}

/*
 * Stage 3a: run a rule's actions on one packet, in order, as OpenFlow
 * does: modifications change the packet, each output sends it as it is
 * then (a copy when actions follow), "normal" hands it to the learning
 * switch (batched by the caller in `nb`). Output ignores VLAN membership.
 */
static void
run_actions(struct vs_pmd *pmd, struct patch_queue *pq, uint16_t in_slot,
	    const struct vs_flow_rule *r, struct rte_mbuf *m, struct rte_mbuf **nb, uint16_t *n_nb,
	    unsigned depth)
{
	const struct vs_dp_tables *t = pmd->tables;
	const struct vs_dp_bridge *br = &t->bridges[t->ports[in_slot].bridge];
	bool normal_done = false;
	struct rte_mbuf *x;

	for (uint16_t i = 0; i < r->n_actions; i++) {
		const struct vs_flow_action *a = &r->actions[i];
		bool last = i == r->n_actions - 1;
		struct rte_ether_hdr *eth = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);

		switch (a->type) {
		case VS_ACT_OUTPUT:
			/* OpenFlow never sends a packet back where it came from. */
			if (a->port == in_slot || t->ports[a->port].kind == VS_DP_NONE)
				break;
			x = take(pmd, in_slot, m, last);
			if (x == NULL)
				break;
			deliver(pmd, pq, a->port, x, depth);
			if (last)
				return;
			break;
		case VS_ACT_NORMAL:
			if (normal_done)
				break;
			normal_done = true;
			x = take(pmd, in_slot, m, last);
			if (x == NULL)
				break;
			nb[(*n_nb)++] = x;
			if (last)
				return;
			break;
		case VS_ACT_FLOOD:
			for (uint16_t k = 0; k < br->n_ports; k++) {
				uint16_t s = br->ports[k];
				bool final = last;

				if (s == in_slot)
					continue;
				for (uint16_t j = k + 1; j < br->n_ports && final; j++)
					final = br->ports[j] == in_slot;
				x = take(pmd, in_slot, m, final);
				if (x != NULL)
					deliver(pmd, pq, s, x, depth);
				if (final)
					return;
			}
			break;
		case VS_ACT_DROP:
			vs_drop(pmd, in_slot, VS_DROP_FLOW_DROP, m);
			return;
		case VS_ACT_MOD_VLAN_VID:
		case VS_ACT_MOD_VLAN_PCP:
		case VS_ACT_PUSH_VLAN:
			if (a->type == VS_ACT_PUSH_VLAN || !is_tagged(m)) {
				if (vs_vlan_push(m, 0, 0) < 0) {
					vs_drop(pmd, in_slot, VS_DROP_NO_MBUF, m);
					return;
				}
				eth = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);
			}
			if (a->type != VS_ACT_PUSH_VLAN) {
				struct rte_vlan_hdr *vh = (struct rte_vlan_hdr *)(eth + 1);
				uint16_t tci = rte_be_to_cpu_16(vh->vlan_tci);

				if (a->type == VS_ACT_MOD_VLAN_VID)
					tci = (tci & 0xf000) | (a->value & 0xfff);
				else
					tci = (tci & 0x1fff) | (uint16_t)(a->value & 7) << 13;
				vh->vlan_tci = rte_cpu_to_be_16(tci);
			}
			break;
		case VS_ACT_STRIP_VLAN:
			if (is_tagged(m))
				vs_vlan_pop(m);
			break;
		case VS_ACT_MOD_DL_SRC:
			memcpy(eth->src_addr.addr_bytes, a->mac, 6);
			break;
		case VS_ACT_MOD_DL_DST:
			memcpy(eth->dst_addr.addr_bytes, a->mac, 6);
			break;
		default:
			break;
		}
	}
	/* The list ended with a modification, or its last output was
	 * skipped: nothing more to do with the packet. */
	if (r->n_actions == 0)
		pmd->counters[in_slot].drops[VS_DROP_FLOW_DROP]++;
	rte_pktmbuf_free(m);
}

/*
 * Stage 2b: classify with the bridge's flow table. A classifier that only
 * looks at in_port decides for the whole burst at once; otherwise each
 * packet's key goes through the exact-match cache, then the classifier.
 */
static void
flows(struct vs_pmd *pmd, struct patch_queue *pq, uint16_t in_slot, const struct vs_dp_bridge *br,
      struct rte_mbuf **pkts, uint16_t n, uint64_t bytes, unsigned depth)
{
	struct rte_mbuf *nb[VS_BURST];
	uint16_t n_nb = 0, i;
	struct vs_flow_rule *r;

	if (vs_cls_in_port_only(br->cls)) {
		struct vs_flow_key k;

		memset(&k, 0, sizeof(k));
		k.in_port = in_slot;
		r = (struct vs_flow_rule *)vs_cls_lookup(br->cls, &k);
		/* A table miss is the implicit lowest rule: normal. */
		if (r == NULL) {
			normal(pmd, pq, in_slot, pkts, n, depth);
			return;
		}
		rule_hit(pmd, r, n, bytes);
		if (only_normal(r)) {
			normal(pmd, pq, in_slot, pkts, n, depth);
			return;
		}
		/* The port-forward rule: the whole burst to one port. */
		if (r->n_actions == 1 && r->actions[0].type == VS_ACT_OUTPUT &&
		    r->actions[0].port != in_slot &&
		    pmd->tables->ports[r->actions[0].port].kind != VS_DP_NONE) {
			deliver_burst(pmd, pq, r->actions[0].port, pkts, n, depth);
			return;
		}
		for (i = 0; i < n; i++)
			run_actions(pmd, pq, in_slot, r, pkts[i], nb, &n_nb, depth);
	} else {
		struct vs_flow_key k[VS_BURST];
		uint32_t h[VS_BURST];

		/* Keys and hashes of the whole burst first, with both cache
		 * places of each prefetched; then look up and act in order. */
		for (i = 0; i < n; i++) {
			vs_flow_extract(pkts[i], in_slot, &k[i]);
			h[i] = vs_flow_hash(&k[i]);
			vs_emc_prefetch(&pmd->emc, h[i]);
		}
		for (i = 0; i < n; i++) {
			const struct vs_flow_rule *cr;

			if (!vs_emc_lookup(&pmd->emc, br->cls_gen, h[i], &k[i], &cr)) {
				cr = vs_cls_lookup(br->cls, &k[i]);
				vs_emc_insert(&pmd->emc, br->cls_gen, h[i], &k[i], cr);
			}
			if (cr == NULL) {
				nb[n_nb++] = pkts[i];   /* table miss: normal */
				continue;
			}
			r = (struct vs_flow_rule *)cr;
			rule_hit(pmd, r, 1, pkts[i]->pkt_len);
			run_actions(pmd, pq, in_slot, r, pkts[i], nb, &n_nb, depth);
		}
	}
	if (n_nb != 0)
		normal(pmd, pq, in_slot, nb, n_nb, depth);
}

static void
input(struct vs_pmd *pmd, uint16_t in_slot, struct rte_mbuf **pkts, uint16_t n, unsigned depth)
{
	const struct vs_dp_tables *t = pmd->tables;
	const struct vs_dp_bridge *br = &t->bridges[t->ports[in_slot].bridge];
	struct vs_port_counters *c = &pmd->counters[in_slot];
	struct patch_queue pq;
	uint64_t bytes = 0;
	uint16_t i;

	if (unlikely(depth > VS_PATCH_MAX_DEPTH)) {
		for (i = 0; i < n; i++)
			vs_drop(pmd, in_slot, VS_DROP_PATCH_LOOP, pkts[i]);
		return;
	}
	for (i = 0; i < n; i++)
		bytes += pkts[i]->pkt_len;
	c->rx_packets += n;
	c->rx_bytes += bytes;

	pq.n = 0;
	if (likely(br->cls == NULL)) {
		if (br->normal_rule != NULL)
			rule_hit(pmd, br->normal_rule, n, bytes);
		normal(pmd, &pq, in_slot, pkts, n, depth);
	} else {
		flows(pmd, &pq, in_slot, br, pkts, n, bytes, depth);
	}
	if (pq.n != 0)
		patch_flush(pmd, &pq, depth);
}

/* This file is built once for the build's baseline ISA and, on x86, once
 * more with AVX2 (datapath/meson.build): vs_dp_input() in dispatch.c calls
 * the one the CPU runs. */
#ifndef VS_DP_INPUT_ISA
#define VS_DP_INPUT_ISA vs_dp_input_baseline
#endif

void
VS_DP_INPUT_ISA(struct vs_pmd *pmd, uint16_t slot, struct rte_mbuf **pkts, uint16_t n)
{
	input(pmd, slot, pkts, n, 0);
}
