/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Stage 1: parse the Ethernet header and an optional 802.1Q tag.
 * Drop reasons of this stage: runt, bad_vlan_header.
 * Headers must sit in the first segment (every rx path here provides that).
 */
#ifndef VS_PARSE_H
#define VS_PARSE_H

#include <stdint.h>

#include <rte_ether.h>
#include <rte_mbuf.h>

#include "dp.h"

struct vs_l2 {
	uint8_t tagged;         /* the frame carries an 802.1Q tag */
	uint8_t pcp;            /* priority of the tag (0 when untagged) */
	uint16_t vid;           /* VID of the tag (0 when untagged) */
};

/* Returns -1 when the frame is fine, else the vs_drop reason. */
static inline int
vs_parse_l2(const struct rte_mbuf *m, struct vs_l2 *l2)
{
	const struct rte_ether_hdr *eth;
	const struct rte_vlan_hdr *vh;

	if (unlikely(m->data_len < sizeof(*eth)))
		return VS_DROP_RUNT;
	eth = rte_pktmbuf_mtod(m, const struct rte_ether_hdr *);
	if (eth->ether_type != rte_cpu_to_be_16(RTE_ETHER_TYPE_VLAN)) {
		l2->tagged = 0;
		l2->pcp = 0;
		l2->vid = 0;
		return -1;
	}
	if (unlikely(m->data_len < sizeof(*eth) + sizeof(*vh)))
		return VS_DROP_BAD_VLAN;
	vh = (const struct rte_vlan_hdr *)(eth + 1);
	l2->tagged = 1;
	l2->pcp = rte_be_to_cpu_16(vh->vlan_tci) >> 13;
	l2->vid = rte_be_to_cpu_16(vh->vlan_tci) & 0xfff;
	return -1;
}

#endif /* VS_PARSE_H */
