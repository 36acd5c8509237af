/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Last stage: tx buffering per output port per PMD. A buffer is sent when it
 * holds a full burst, when it has waited VS_TX_DRAIN_US while traffic keeps
 * coming, or at once when an iteration received nothing (no more packets to
 * batch with). Drop reasons of this stage: tx_full, mtu_exceeded (counted on
 * the output port).
 */
#ifndef VS_TX_H
#define VS_TX_H

#include "dp.h"

void vs_tx_flush(struct vs_pmd *pmd, uint16_t slot);

/* Buffer m for the ethdev port `slot` (the caller checked the port kind). */
static inline void
vs_tx_enqueue(struct vs_pmd *pmd, uint16_t slot, struct rte_mbuf *m)
{
	struct vs_txbuf *b = &pmd->tx[slot];

	if (unlikely(m->pkt_len > pmd->tables->ports[slot].max_frame)) {
		vs_drop(pmd, slot, VS_DROP_MTU, m);
		return;
	}
	if (b->n == 0)
		b->first_tsc = pmd->now_tsc;
	if (!b->listed) {
		b->listed = 1;
		pmd->dirty[pmd->n_dirty++] = slot;
	}
	b->bytes += m->pkt_len;
	b->pkts[b->n++] = m;
	if (b->n == VS_BURST)
		vs_tx_flush(pmd, slot);
}

/* Buffer n packets for the ethdev or vhost port `slot`, in order. */
static inline void
vs_tx_enqueue_burst(struct vs_pmd *pmd, uint16_t slot, struct rte_mbuf **pkts, uint16_t n)
{
	struct vs_txbuf *b = &pmd->tx[slot];
	uint32_t max_frame = pmd->tables->ports[slot].max_frame;
	uint32_t bytes = b->bytes;
	uint16_t k = b->n;

	if (k == 0)
		b->first_tsc = pmd->now_tsc;
	if (!b->listed) {
		b->listed = 1;
		pmd->dirty[pmd->n_dirty++] = slot;
	}
	for (uint16_t i = 0; i < n; i++) {
		struct rte_mbuf *m = pkts[i];

		if (unlikely(m->pkt_len > max_frame)) {
			vs_drop(pmd, slot, VS_DROP_MTU, m);
			continue;
		}
		bytes += m->pkt_len;
		b->pkts[k++] = m;
		if (k == VS_BURST) {
			b->n = k;
			b->bytes = bytes;
			vs_tx_flush(pmd, slot);
			k = 0;
			bytes = 0;
			b->first_tsc = pmd->now_tsc;
		}
	}
	b->n = k;
	b->bytes = bytes;
}

/* Flush buffers that waited long enough, or all of them when `all`. */
void vs_tx_drain(struct vs_pmd *pmd, bool all);

#endif /* VS_TX_H */
