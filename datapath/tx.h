/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Last stage: tx buffering per output port per PMD. A buffer is sent when it
 * holds VS_TX_FLUSH packets or more after a packet or a run was added (at
 * most VS_BURST), when it has waited VS_TX_DRAIN_US while traffic keeps
 * coming, or at once when an iteration received nothing (no more packets to
 * batch with). Drop reasons of this stage: tx_full, mtu_exceeded (counted on
 * the output port).
 */
#ifndef VS_TX_H
#define VS_TX_H

#include <string.h>

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
	if (b->n >= VS_TX_FLUSH)
		vs_tx_flush(pmd, slot);
}

/* Buffer n packets for the ethdev or vhost port `slot`, in order. The
 * lengths are checked and summed in one tight pass; when none is too long
 * for the port, as nearly always, the pointers are copied in bulk. */
static inline void
vs_tx_enqueue_burst(struct vs_pmd *pmd, uint16_t slot, struct rte_mbuf **pkts, uint16_t n)
{
	struct vs_txbuf *b = &pmd->tx[slot];
	uint32_t max_frame = pmd->tables->ports[slot].max_frame;
	uint32_t bytes = 0, longest = 0;
	uint16_t i;

	for (i = 0; i < n; i++) {
		uint32_t len = pkts[i]->pkt_len;

		bytes += len;
		longest = RTE_MAX(longest, len);
	}
	if (unlikely(longest > max_frame)) {
		for (i = 0; i < n; i++)
			vs_tx_enqueue(pmd, slot, pkts[i]);
		return;
	}
	if (b->n == 0)
		b->first_tsc = pmd->now_tsc;
	if (!b->listed) {
		b->listed = 1;
		pmd->dirty[pmd->n_dirty++] = slot;
	}
	while (n != 0) {
		uint16_t k = RTE_MIN(n, (uint16_t)(VS_BURST - b->n));

		if (k != n) {
			/* The buffer fills before the end: the bytes of
			 * these k only. */
			uint32_t part = 0;

			for (i = 0; i < k; i++)
				part += pkts[i]->pkt_len;
			b->bytes += part;
			bytes -= part;
		} else {
			b->bytes += bytes;
		}
		memcpy(&b->pkts[b->n], pkts, k * sizeof(*pkts));
		b->n += k;
		pkts += k;
		n -= k;
		if (b->n == VS_BURST) {
			vs_tx_flush(pmd, slot);
			b->first_tsc = pmd->now_tsc;
		}
	}
	if (b->n >= VS_TX_FLUSH)
		vs_tx_flush(pmd, slot);
}

/* Flush buffers that waited long enough, or all of them when `all`. */
void vs_tx_drain(struct vs_pmd *pmd, bool all);

#endif /* VS_TX_H */
