/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Ports of every kind behind one function table, struct vs_port_ops.
 * Control thread only: PMDs see ports through struct vs_dp_port (dp.h),
 * which fill_dp() produces. A new port kind (vhost-user) adds an ops table
 * and an entry in vs_port_ops_for(); nothing else changes.
 */
#ifndef VS_PORT_H
#define VS_PORT_H

#include <stdbool.h>
#include <stdint.h>

#include "config.h"
#include "dp.h"

struct rte_device;
struct rte_mempool;

struct vs_switch;
struct vs_bridge;
struct vs_vhost;

struct vs_port {
	struct vs_port_cfg cfg;         /* as validated; updated by set-port */
	const struct vs_port_ops *ops;
	struct vs_bridge *bridge;
	uint16_t slot;                  /* index in the dp tables and counters */
	int node;                       /* NUMA node, or -1 (any) */
	/* ethdev ports */
	bool opened;                    /* device probed, configured, started */
	uint16_t ethdev;                /* rte_ethdev port id */
	char devname[64];               /* device name, for rte_dev_remove */
	uint16_t n_rxq, n_txq;
	unsigned rxq_pmd[VS_MAX_QUEUES]; /* PMD index polling each rx queue */
	struct rte_mempool *pool;       /* rx buffers */
	unsigned n_desc;                /* descriptors committed against the pool */
	struct rte_device *rte_dev;     /* device we probed (detached on close), or NULL */
	bool own_pool;                  /* pool made for this port alone, freed on close */
	/* af_xdp: the AF_XDP sockets the driver opened (see port_ethdev.c) */
	unsigned n_xsk;
	int xsk_fd[VS_MAX_QUEUES];
	unsigned long xsk_ino[VS_MAX_QUEUES];
	/* patch ports */
	struct vs_port *peer;           /* resolved peer, NULL until it exists */
	/* vhost-user ports */
	struct vs_vhost *vhost;         /* backend state (vhost/vhost.c) */
};

struct vs_port_ops {
	const char *type;               /* "dpdk", "af_xdp", "patch" */
	/*
	 * Bring the device up from p->cfg: probe it, configure p->n_rxq rx
	 * queues and one tx queue per PMD (or cfg.txq), set the MTU, start it.
	 * On failure nothing is left behind: -errno and a message in err
	 * naming the port and the cause. NULL for kinds without a device.
	 */
	int (*open)(struct vs_switch *sw, struct vs_port *p, char *err, size_t errlen);
	/*
	 * Stop and release the device. Called only once no PMD can reach the
	 * port (after the tables without it were published).
	 */
	void (*close)(struct vs_switch *sw, struct vs_port *p);
	/* Change the MTU of a running port: 0, or -errno with a message. */
	int (*set_mtu)(struct vs_port *p, uint16_t mtu, char *err, size_t errlen);
	/* Link state for `show`. */
	bool (*link_up)(const struct vs_port *p);
	/* Describe the port to the datapath (kind, ethdev, queues). */
	void (*fill_dp)(const struct vs_port *p, struct vs_dp_port *dp);
};

extern const struct vs_port_ops vs_port_dpdk_ops;
extern const struct vs_port_ops vs_port_af_xdp_ops;
extern const struct vs_port_ops vs_port_patch_ops;
extern const struct vs_port_ops vs_port_vhost_user_ops;   /* vhost/vhost.c */
extern const struct vs_port_ops vs_port_vhost_client_ops; /* vhost/vhost.c */

const struct vs_port_ops *vs_port_ops_for(enum vs_port_type type);

/* Compile a VLAN config for the datapath. */
void vs_port_fill_vlan(const struct vs_vlan_cfg *cfg, struct vs_dp_vlan *dp);

/* "10,20-30" or "all" for show; buf of at least 64 bytes, truncated with "...". */
void vs_vlan_trunks_str(const struct vs_vlan_cfg *v, char *buf, size_t len);

#endif /* VS_PORT_H */
