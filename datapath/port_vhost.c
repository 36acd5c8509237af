/* SPDX-License-Identifier: BSD-3-Clause */
/* vhost-user bursts, PMD side (see port_vhost.h). */
#include <rte_vhost.h>

#include "port_vhost.h"

uint16_t
vs_vhost_rx(struct vs_pmd *pmd, const struct vs_dp_port *p, uint16_t q, struct rte_mbuf **pkts)
{
	struct vs_vhost_dp *v = p->vhost;
	int vid = __atomic_load_n(&v->vid, __ATOMIC_ACQUIRE);
	uint16_t n;

	if (vid < 0 || !v->rx_enabled[q])
		return 0;
	n = rte_vhost_dequeue_burst(vid, 2 * q + 1, p->pool, pkts, VS_VHOST_BURST);
	v->pmd[pmd->idx].q[q].rx_packets += n;
	return n;
}

void
vs_vhost_flush(struct vs_pmd *pmd, uint16_t slot, struct vs_txbuf *b)
{
	const struct vs_dp_port *p = &pmd->tables->ports[slot];
	struct vs_vhost_dp *v = p->vhost;
	struct vs_port_counters *c = &pmd->counters[slot];
	int vid = __atomic_load_n(&v->vid, __ATOMIC_ACQUIRE);
	uint16_t q = pmd->idx % v->n_queues, sent = 0, i;
	uint64_t bytes;

	/* Spread PMDs over the pairs; fall back to any enabled one. */
	if (vid >= 0 && !v->tx_enabled[q])
		for (q = 0; q < v->n_queues && !v->tx_enabled[q]; q++)
			;
	if (vid < 0 || q == v->n_queues) {
		c->drops[VS_DROP_PORT_DOWN] += b->n;
		rte_pktmbuf_free_bulk(b->pkts, b->n);
		b->n = 0;
		b->bytes = 0;
		return;
	}
	/* rte_vhost copies into guest buffers; the mbufs stay ours. */
	sent = rte_vhost_enqueue_burst(vid, 2 * q, b->pkts, b->n);
	bytes = b->bytes;
	for (i = sent; i < b->n; i++)
		bytes -= b->pkts[i]->pkt_len;
	c->tx_packets += sent;
	c->tx_bytes += bytes;
	c->drops[VS_DROP_TX_FULL] += b->n - sent;
	v->pmd[pmd->idx].q[q].tx_packets += sent;
	v->pmd[pmd->idx].q[q].tx_ring_full += b->n - sent;
	rte_pktmbuf_free_bulk(b->pkts, b->n);
	b->n = 0;
	b->bytes = 0;
}
