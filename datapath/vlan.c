/* SPDX-License-Identifier: BSD-3-Clause */
/* Stage 2: 802.1Q tag push and pop (membership is inline in vlan.h). */
#include <string.h>

#include <rte_ether.h>

#include "vlan.h"

int
vs_vlan_push(struct rte_mbuf *m, uint16_t vid, uint8_t pcp)
{
	struct rte_ether_hdr *eth;
	struct rte_vlan_hdr *vh;
	char *p;

	p = rte_pktmbuf_prepend(m, sizeof(*vh));
	if (unlikely(p == NULL))
		return -ENOSPC;
	/* Slide the two MAC addresses down; the old EtherType stays in place
	 * and becomes the tag's encapsulated type. */
	memmove(p, p + sizeof(*vh), 2 * RTE_ETHER_ADDR_LEN);
	eth = (struct rte_ether_hdr *)p;
	eth->ether_type = rte_cpu_to_be_16(RTE_ETHER_TYPE_VLAN);
	vh = (struct rte_vlan_hdr *)(eth + 1);
	vh->vlan_tci = rte_cpu_to_be_16((uint16_t)pcp << 13 | (vid & 0xfff));
	return 0;
}

void
vs_vlan_pop(struct rte_mbuf *m)
{
	char *p = rte_pktmbuf_mtod(m, char *);

	memmove(p + sizeof(struct rte_vlan_hdr), p, 2 * RTE_ETHER_ADDR_LEN);
	rte_pktmbuf_adj(m, sizeof(struct rte_vlan_hdr));
}

void
vs_vlan_set_vid(struct rte_mbuf *m, uint16_t vid)
{
	struct rte_vlan_hdr *vh = rte_pktmbuf_mtod_offset(m, struct rte_vlan_hdr *,
							   sizeof(struct rte_ether_hdr));
	uint16_t tci = rte_be_to_cpu_16(vh->vlan_tci);

	vh->vlan_tci = rte_cpu_to_be_16((tci & 0xf000) | (vid & 0xfff));
}
