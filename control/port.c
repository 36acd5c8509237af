/* SPDX-License-Identifier: BSD-3-Clause */
/* The port-kind registry and VLAN helpers shared by all kinds. */
#include <stdio.h>
#include <string.h>

#include "port.h"

const struct vs_port_ops *
vs_port_ops_for(enum vs_port_type type)
{
	switch (type) {
	case VS_PORT_DPDK:
		return &vs_port_dpdk_ops;
	case VS_PORT_AF_XDP:
		return &vs_port_af_xdp_ops;
	case VS_PORT_PATCH:
		return &vs_port_patch_ops;
	case VS_PORT_VHOST_USER:
		return &vs_port_vhost_user_ops;
	case VS_PORT_VHOST_USER_CLIENT:
		return &vs_port_vhost_client_ops;
	default:
		return NULL;
	}
}

void
vs_port_fill_vlan(const struct vs_vlan_cfg *cfg, struct vs_dp_vlan *dp)
{
	memset(dp, 0, sizeof(*dp));
	dp->access = cfg->mode == VS_VLAN_ACCESS;
	dp->tag = cfg->tag;
	dp->native = cfg->mode == VS_VLAN_TRUNK ? cfg->native : 0;
	dp->all = cfg->all_vlans;
	memcpy(dp->trunks, cfg->trunks, sizeof(dp->trunks));
	/* The native VLAN is carried (untagged) even if not listed. */
	if (dp->native)
		dp->trunks[dp->native >> 6] |= 1ULL << (dp->native & 63);
}

void
vs_vlan_trunks_str(const struct vs_vlan_cfg *v, char *buf, size_t len)
{
	size_t off = 0;

	if (v->all_vlans) {
		snprintf(buf, len, "all");
		return;
	}
	buf[0] = '\0';
	for (unsigned vid = 1; vid <= VS_VLAN_ID_MAX; vid++) {
		unsigned end = vid;
		int w;

		if (!vs_vlan_trunk_allows(v, vid))
			continue;
		while (end + 1 <= VS_VLAN_ID_MAX && vs_vlan_trunk_allows(v, end + 1))
			end++;
		if (end == vid)
			w = snprintf(buf + off, len - off, "%s%u", off ? "," : "", vid);
		else
			w = snprintf(buf + off, len - off, "%s%u-%u", off ? "," : "", vid, end);
		if (w < 0 || (size_t)w >= len - off) {
			snprintf(buf + (len > 4 ? len - 4 : 0), len > 4 ? 4 : len, "...");
			return;
		}
		off += w;
		vid = end;
	}
}

/* Patch ports: no device; the datapath hands packets to the peer's bridge. */
static bool
patch_link_up(const struct vs_port *p)
{
	return p->peer != NULL;
}

static void
patch_fill_dp(const struct vs_port *p, struct vs_dp_port *dp)
{
	dp->kind = VS_DP_PATCH;
	dp->peer = p->peer ? p->peer->slot : 0;
	dp->max_frame = UINT32_MAX;
}

const struct vs_port_ops vs_port_patch_ops = {
	.type = "patch",
	.link_up = patch_link_up,
	.fill_dp = patch_fill_dp,
};
