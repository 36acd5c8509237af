/* SPDX-License-Identifier: BSD-3-Clause */
/* Last stage: sending buffered packets (see tx.h). */
#include <rte_ethdev.h>

#include "port_vhost.h"
#include "tx.h"

void
vs_tx_flush(struct vs_pmd *pmd, uint16_t slot)
{
	const struct vs_dp_port *p = &pmd->tables->ports[slot];
	struct vs_port_counters *c = &pmd->counters[slot];
	struct vs_txbuf *b = &pmd->tx[slot];
	uint64_t bytes = b->bytes;     /* counted when buffered: the driver frees */
	uint16_t sent, i;

	if (b->n == 0)
		return;
	if (p->kind == VS_DP_VHOST) {
		vs_vhost_flush(pmd, slot, b);
		return;
	}
	sent = rte_eth_tx_burst(p->ethdev, pmd->idx % p->n_txq, b->pkts, b->n);
	for (i = sent; i < b->n; i++) {
		bytes -= b->pkts[i]->pkt_len;
		vs_drop(pmd, slot, VS_DROP_TX_FULL, b->pkts[i]);
	}
	c->tx_packets += sent;
	c->tx_bytes += bytes;
	b->n = 0;
	b->bytes = 0;
	/* The slot stays in the dirty list until the next drain pass; an empty
	 * buffer there is skipped. */
}

void
vs_tx_drain(struct vs_pmd *pmd, bool all)
{
	uint16_t kept = 0;

	for (uint16_t i = 0; i < pmd->n_dirty; i++) {
		uint16_t slot = pmd->dirty[i];
		struct vs_txbuf *b = &pmd->tx[slot];

		if (b->n != 0 && !all && pmd->now_tsc - b->first_tsc < pmd->drain_tsc) {
			pmd->dirty[kept++] = slot;
			continue;
		}
		vs_tx_flush(pmd, slot);
		b->listed = 0;
	}
	pmd->n_dirty = kept;
}

void
vs_tx_flush_all(struct vs_pmd *pmd)
{
	vs_tx_drain(pmd, true);
}
