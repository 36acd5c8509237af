/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Stage 2: VLAN membership on ingress and egress, and tag push/pop.
 * Drop reasons of this stage: vlan_tagged_on_access, vlan_not_allowed
 * (ingress), no_mbuf (no headroom for a tag).
 * Internally VLAN 0 means "untagged, no VLAN".
 */
#ifndef VS_VLAN_H
#define VS_VLAN_H

#include <stdint.h>

#include <rte_mbuf.h>

#include "dp.h"
#include "parse.h"

static inline int
vs_vlan_in_trunks(const struct vs_dp_vlan *v, uint16_t vid)
{
	/* VID 4095 is reserved (802.1Q): no VLAN, even on an all-VLAN trunk. */
	return vid <= VS_VLAN_ID_MAX && (v->all || (v->trunks[vid >> 6] >> (vid & 63)) & 1);
}

/*
 * The VLAN a frame received on a port belongs to. Returns the VLAN
 * (0..4094) or -(1 + vs_drop reason).
 */
static inline int
vs_vlan_ingress(const struct vs_dp_vlan *v, const struct vs_l2 *l2)
{
	if (v->access) {
		if (l2->tagged && l2->vid != 0)
			return -1 - VS_DROP_VLAN_TAGGED_ACCESS;
		return v->tag;
	}
	if (!l2->tagged || l2->vid == 0) {
		if (v->native)
			return v->native;
		return v->all ? 0 : -1 - VS_DROP_VLAN_NOT_ALLOWED;
	}
	return vs_vlan_in_trunks(v, l2->vid) ? l2->vid : -1 - VS_DROP_VLAN_NOT_ALLOWED;
}

#define VS_EGRESS_NO 0          /* the port does not carry the VLAN */
#define VS_EGRESS_UNTAGGED 1
#define VS_EGRESS_TAGGED 2

/* How a frame of `vlan` leaves a port. */
static inline int
vs_vlan_egress(const struct vs_dp_vlan *v, uint16_t vlan)
{
	if (v->access)
		return vlan == v->tag ? VS_EGRESS_UNTAGGED : VS_EGRESS_NO;
	if (vlan == 0)
		return v->all && !v->native ? VS_EGRESS_UNTAGGED : VS_EGRESS_NO;
	if (vlan == v->native)
		return VS_EGRESS_UNTAGGED;
	return vs_vlan_in_trunks(v, vlan) ? VS_EGRESS_TAGGED : VS_EGRESS_NO;
}

/* Insert an 802.1Q tag after the MACs. The mbuf must not be shared. 0 or -ENOSPC. */
int vs_vlan_push(struct rte_mbuf *m, uint16_t vid, uint8_t pcp);

/* Remove the outer 802.1Q tag. The mbuf must not be shared. */
void vs_vlan_pop(struct rte_mbuf *m);

/* Rewrite the VID of the outer tag in place, keeping its priority. */
void vs_vlan_set_vid(struct rte_mbuf *m, uint16_t vid);

#endif /* VS_VLAN_H */
