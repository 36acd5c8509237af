/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * vhost-user ports on the PMD side: bursts to and from a guest's
 * virtqueues with rte_vhost. Control side: vhost/vhost.c.
 * Virtqueue numbering: pair q is guest rx = 2q (we enqueue), guest tx =
 * 2q + 1 (we dequeue). Drop reasons: tx_full (guest rx ring full),
 * port_down (no guest, or no enabled rx virtqueue).
 */
#ifndef VS_PORT_VHOST_H
#define VS_PORT_VHOST_H

#include "dp.h"

/* Receive up to VS_VHOST_BURST packets from pair q of a vhost port. */
uint16_t vs_vhost_rx(struct vs_pmd *pmd, const struct vs_dp_port *p, uint16_t q,
		     struct rte_mbuf **pkts);

/* Send a tx buffer to the guest; counts and frees everything. */
void vs_vhost_flush(struct vs_pmd *pmd, uint16_t slot, struct vs_txbuf *b);

#endif /* VS_PORT_VHOST_H */
