/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * PMD placement and memory sizing: pure decision logic, no DPDK calls, so it
 * can be unit-tested against fake topologies (2 NUMA nodes, ports on node 1,
 * too few cores, ...). The daemon fills the inputs from libnuma, sysfs and
 * rte_eth_dev_socket_id(), and applies the outputs.
 *
 * Control thread only.
 */
#ifndef VS_PLACEMENT_H
#define VS_PLACEMENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"

#define VS_MAX_NODES 8
#define VS_MAX_PMDS 64
#define VS_NODE_ANY (-1)        /* a port with no NUMA affinity (vdev, unknown) */

/* The machine as placement sees it. */
struct vs_topo {
	unsigned n_cpus;                        /* CPUs 0..n_cpus-1 are described */
	bool online[VS_MAX_CORES];              /* CPU is online and in our affinity mask */
	int node[VS_MAX_CORES];                 /* NUMA node of each CPU */
	unsigned n_nodes;                       /* nodes 0..n_nodes-1 */
};

/* One receive queue to place. */
struct vs_rxq_ref {
	uint16_t port;          /* caller's port index */
	uint16_t queue;         /* queue id on that port */
	int node;               /* the port's NUMA node, or VS_NODE_ANY */
};

/*
 * Choose the control core and the PMD cores.
 * - control_core: cfg_control_core if >= 0 (must be online), else the first
 *   online CPU.
 * - auto: on every NUMA node that has a port (port_nodes[], VS_NODE_ANY
 *   counts as the control core's node), the lowest online CPU of that node
 *   other than the control core; when a node has no such CPU, the lowest
 *   other online CPU anywhere (a cross-NUMA PMD, reported in `warn`).
 *   With no ports at all, one PMD on the control core's node.
 * - explicit: the given cores, each online, none equal to the control core,
 *   no duplicates.
 * Returns the number of PMD cores written to pmd_cores (>= 1), or -EINVAL
 * with a message in err (e.g. "pmd.cores: core 7 is not online (online: 0-3)",
 * "pmd.cores: no core left for a PMD: the only online CPU 0 is the control
 * core"). `warn` (may be NULL) receives a non-fatal remark or "".
 */
int vs_pick_cores(const struct vs_topo *topo, int cfg_control_core, bool auto_cores,
		  const unsigned *cfg_cores, unsigned n_cfg_cores,
		  const int *port_nodes, unsigned n_ports,
		  unsigned *control_core, unsigned *pmd_cores, unsigned max_pmds,
		  char *err, size_t errlen, char *warn, size_t warnlen);

/*
 * Assign receive queues to PMDs, preferring a PMD on the queue's NUMA node
 * (VS_NODE_ANY: any PMD). Among the candidates, the one with the fewest
 * queues so far (load counts include `load_in`, the queues each PMD already
 * polls; may be NULL), ties broken by the lowest PMD index. When no PMD is
 * on the queue's node, the least loaded PMD of all is used and
 * *cross_numa (may be NULL) is incremented.
 * pmd_node[i] is the NUMA node of PMD i. out[i] receives the PMD index for
 * rxqs[i]. Deterministic: same inputs, same result.
 */
void vs_assign_rxqs(const struct vs_rxq_ref *rxqs, unsigned n_rxqs,
		    const int *pmd_node, unsigned n_pmds, const unsigned *load_in,
		    unsigned *out, unsigned *cross_numa);

/* One mbuf pool's demand, from the ports on its NUMA node. */
struct vs_pool_demand {
	unsigned n_rxq_desc;    /* sum over ports of rxq * rx_desc */
	unsigned n_txq_desc;    /* sum over ports of txq * tx_desc */
	unsigned n_ports;
	unsigned n_pmds;        /* PMDs drawing from this pool */
	unsigned mtu;           /* largest MTU of those ports */
};

/*
 * Number of mbufs a pool needs: every rx and tx descriptor can hold one, each
 * PMD buffers up to a burst per port for tx plus one rx burst in flight, and
 * each lcore's mempool cache may hold `cache_size`; plus 25% headroom for
 * flood copies, rounded up to a multiple of cache_size, at least 4096.
 */
unsigned vs_pool_mbufs(const struct vs_pool_demand *d, unsigned burst, unsigned cache_size);

/*
 * The demand of a configuration's ports (all but patch ports) on the shared
 * pool, with n_pmds PMDs (a port's default txq is one per PMD); mtu is the
 * largest port MTU, VS_DEFAULT_MTU without ports. Used both for the hugepage
 * estimate before EAL starts and to size the pool, so the two agree.
 */
void vs_pool_demand_of(const struct vs_config *cfg, unsigned n_pmds, struct vs_pool_demand *d);

/* Bytes one mbuf takes in a pool for a given MTU (header, headroom, data). */
size_t vs_mbuf_footprint(unsigned mtu);

/*
 * Hugepage check before EAL init: for each node, need_mb[node] against the
 * free hugepages read from sysfs (free_mb[node]). Returns 0 when all fit,
 * else -ENOMEM with a message naming the node, the shortfall and the command
 * that reserves the pages, e.g.
 *   "hugepages: need 600 MB on NUMA node 1, 128 MB free (2048 kB pages);
 *    reserve them with: echo 300 > /sys/devices/system/node/node1/hugepages/hugepages-2048kB/nr_hugepages"
 * (the number is the total the node must have: current + shortfall).
 */
int vs_check_hugepages(const unsigned *need_mb, const unsigned *free_mb,
		       const unsigned *total_pages, unsigned page_kb, unsigned n_nodes,
		       char *err, size_t errlen);

/* Read the machine's topology (sysfs + sched_getaffinity). 0 or -errno. */
int vs_topo_read(struct vs_topo *topo);

/* Read free/total hugepages of page_kb size per node from sysfs. 0 or -errno. */
int vs_hugepages_read(unsigned page_kb, unsigned *free_mb, unsigned *total_pages,
		      unsigned n_nodes);

#endif /* VS_PLACEMENT_H */
