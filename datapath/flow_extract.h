/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Stage 2a (bridges with flow rules): extract a frame's struct vs_flow_key.
 * Reads the frame as received (tag included); every header is
 * bounds-checked against the first segment: a truncated header leaves the
 * fields it would have given at zero, as OVS's flow extraction does.
 */
#ifndef VS_FLOW_EXTRACT_H
#define VS_FLOW_EXTRACT_H

#include <string.h>

#include <rte_arp.h>
#include <rte_ether.h>
#include <rte_ip.h>
#include <rte_mbuf.h>

#include "flow.h"

static inline void
vs_flow_extract(const struct rte_mbuf *m, uint16_t in_port, struct vs_flow_key *k)
{
	const uint8_t *p = rte_pktmbuf_mtod(m, const uint8_t *);
	uint32_t len = m->data_len, off = RTE_ETHER_HDR_LEN;
	uint16_t type;

	memset(k, 0, sizeof(*k));
	k->in_port = in_port;
	if (unlikely(len < RTE_ETHER_HDR_LEN))
		return;
	memcpy(k->dl_dst, p, 6);
	memcpy(k->dl_src, p + 6, 6);
	memcpy(&type, p + 12, 2);
	if (type == rte_cpu_to_be_16(RTE_ETHER_TYPE_VLAN)) {
		uint16_t tci;

		if (len < off + 4)
			return;
		memcpy(&tci, p + off, 2);
		k->vlan_tci = tci | rte_cpu_to_be_16(VS_FLOW_TCI_PRESENT);
		memcpy(&type, p + off + 2, 2);
		off += 4;
	}
	k->dl_type = type;

	if (type == rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4)) {
		const struct rte_ipv4_hdr *ip = (const void *)(p + off);
		uint32_t ihl;

		if (len < off + sizeof(*ip))
			return;
		ihl = (ip->version_ihl & 0xf) * 4;
		k->nw_proto = ip->next_proto_id;
		k->nw_tos = ip->type_of_service;
		k->nw_src = ip->src_addr;
		k->nw_dst = ip->dst_addr;
		/* Ports only in the first fragment. */
		if (ihl < sizeof(*ip) ||
		    (ip->fragment_offset & rte_cpu_to_be_16(RTE_IPV4_HDR_OFFSET_MASK)))
			return;
		off += ihl;
	} else if (type == rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV6)) {
		uint32_t vtc;

		if (len < off + 40)
			return;
		memcpy(&vtc, p + off, 4);
		vtc = rte_be_to_cpu_32(vtc);
		k->nw_tos = (vtc >> 20) & 0xff;
		k->nw_proto = p[off + 6];
		memcpy(k->ipv6_src, p + off + 8, 16);
		memcpy(k->ipv6_dst, p + off + 24, 16);
		off += 40;
	} else if (type == rte_cpu_to_be_16(RTE_ETHER_TYPE_ARP)) {
		const struct rte_arp_hdr *a = (const void *)(p + off);

		if (len < off + sizeof(*a))
			return;
		k->arp_op = a->arp_opcode;
		memcpy(&k->nw_src, &a->arp_data.arp_sip, 4);
		memcpy(&k->nw_dst, &a->arp_data.arp_tip, 4);
		return;
	} else {
		return;
	}
	if ((k->nw_proto == IPPROTO_TCP || k->nw_proto == IPPROTO_UDP ||
	     k->nw_proto == IPPROTO_SCTP) && len >= off + 4) {
		memcpy(&k->tp_src, p + off, 2);
		memcpy(&k->tp_dst, p + off + 2, 2);
	}
}

#endif /* VS_FLOW_EXTRACT_H */
