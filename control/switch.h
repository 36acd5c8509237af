/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The switch as the control thread owns it: bridges, ports, PMDs, pools,
 * and the publication of datapath tables under RCU.
 *
 * Every change follows the same steps: validate everything first (nothing
 * changed on error), bring devices up, update the model, build a new
 * vs_dp_tables and publish it. A refused command leaves the switch exactly
 * as it was.
 *
 * Control thread only (single writer); PMDs see only what is published.
 */
#ifndef VS_SWITCH_H
#define VS_SWITCH_H

#include <stdbool.h>
#include <stdint.h>

#include <rte_mempool.h>
#include <rte_rcu_qsbr.h>

#include "config.h"
#include "dp.h"
#include "fdb.h"
#include "placement.h"
#include "port.h"

struct vs_bridge {
	char name[VS_NAME_MAX];
	uint32_t id;                    /* unique for the daemon's life */
	uint16_t idx;                   /* index in the dp tables */
	uint32_t mac_aging_s;
	uint32_t mac_table_size;
	struct vs_fdb *fdb;
	/* The flow table (control/flows.c). */
	struct vs_flow_rule **rules;    /* installed rules, in install order */
	unsigned n_rules, cap_rules;
	uint32_t next_rule_id;
	struct vs_cls *cls;             /* published classifier, NULL on the fast paths */
	uint64_t cls_gen;
	struct vs_flow_rule *normal_rule; /* the only rule, when it is "match all: normal" */
};

/* A pool of mbufs for one NUMA node and buffer size. */
struct vs_pool {
	struct rte_mempool *mp;
	int node;
	uint16_t data_room;
	unsigned n_mbufs;
	unsigned committed;             /* mbufs promised to port descriptors */
};

#define VS_MAX_POOLS 32

struct vs_switch {
	const struct vs_config *cfg;
	struct vs_bridge *bridges[VS_MAX_BRIDGES];      /* by idx */
	struct vs_port *ports[VS_MAX_PORTS];            /* by slot */
	uint32_t next_bridge_id;

	unsigned control_core;
	unsigned n_pmds;
	struct vs_pmd *pmds[VS_DP_MAX_PMDS];
	int pmd_node[VS_DP_MAX_PMDS];
	bool pmds_running;
	struct rte_rcu_qsbr *qsv;

	struct vs_pool pools[VS_MAX_POOLS];
	unsigned n_pools;
	unsigned pools_made;            /* for unique pool names */
	bool pci_enabled;               /* EAL was started with a PCI allow-list */

	uint64_t gen;                   /* tables published so far */
	uint64_t learn_applied;
	uint64_t learn_table_full;
	uint64_t cls_gen;               /* classifiers built so far (EMC tags) */
};

/* Create PMD contexts (not yet running), the RCU variable and learn rings. */
int vs_switch_init(struct vs_switch *sw, const struct vs_config *cfg, unsigned control_core,
		   const unsigned *pmd_cores, unsigned n_pmds, char *err, size_t errlen);

/* Launch the PMD threads on their lcores. */
int vs_switch_start(struct vs_switch *sw);

/* Stop PMDs, close every port, free everything. */
void vs_switch_fini(struct vs_switch *sw);

/* Build the configured bridges and ports; on error the switch is emptied. */
int vs_switch_apply_config(struct vs_switch *sw, const struct vs_config *cfg, char *err,
			   size_t errlen);

int vs_switch_add_bridge(struct vs_switch *sw, const char *name, uint32_t aging_s,
			 uint32_t table_size, char *err, size_t errlen);
int vs_switch_del_bridge(struct vs_switch *sw, const char *name, char *err, size_t errlen);
int vs_switch_add_port(struct vs_switch *sw, const char *bridge, const struct vs_port_cfg *pc,
		       char *err, size_t errlen);
int vs_switch_del_port(struct vs_switch *sw, const char *bridge, const char *port, char *err,
		       size_t errlen);
/* Apply key=value changes (vlan keys, mtu) to a port, all or nothing. */
int vs_switch_set_port(struct vs_switch *sw, const char *port, const char *const *keys,
		       const char *const *values, unsigned n, char *err, size_t errlen);

struct vs_bridge *vs_switch_find_bridge(struct vs_switch *sw, const char *name);
struct vs_port *vs_switch_find_port(struct vs_switch *sw, const char *name);

/* How many rx queues each PMD polls, not counting port `exclude` (may be NULL). */
void vs_switch_pmd_loads(const struct vs_switch *sw, const struct vs_port *exclude,
			 unsigned *load);

/* Poll p's rx queues from the PMDs in pmd_of[] (one per queue) from now on. */
int vs_switch_move_rxqs(struct vs_switch *sw, struct vs_port *p, const unsigned *pmd_of, char *err,
			size_t errlen);

/* Sum one port's counters over all PMDs. */
void vs_switch_port_counters(const struct vs_switch *sw, uint16_t slot,
			     struct vs_port_counters *sum);

/* Control tick work: apply learn requests, reclaim freed FDB entries. */
void vs_switch_drain_learning(struct vs_switch *sw);
/* Once a second: advance the clock PMDs see and age MAC tables. */
void vs_switch_tick_second(struct vs_switch *sw, uint32_t now_s);

/* Get a pool for a port on `node` with `mtu` and `n_desc` descriptors. */
struct vs_pool *vs_switch_pool_get(struct vs_switch *sw, int node, unsigned mtu, unsigned n_desc,
				   char *err, size_t errlen);
void vs_switch_pool_put(struct vs_switch *sw, struct rte_mempool *mp, unsigned n_desc);
/* A pool for one port alone (not shared); free it with vs_switch_pool_free(). */
struct vs_pool *vs_switch_pool_own(struct vs_switch *sw, int node, unsigned mtu, unsigned n_desc,
				   char *err, size_t errlen);
void vs_switch_pool_free(struct vs_switch *sw, struct rte_mempool *mp);

/* Create the per-node pools the configuration needs (sized from its ports). */
int vs_switch_create_pools(struct vs_switch *sw, const struct vs_config *cfg, char *err,
			   size_t errlen);

/* Rebuild the datapath tables from the model and publish them (RCU). */
int vs_switch_publish(struct vs_switch *sw);

/* Flow tables, control side (flows.c). */
struct vs_flow_spec;
/* A new bridge's table: the single rule "priority=0,actions=normal". */
int vs_flows_init(struct vs_switch *sw, struct vs_bridge *br, char *err, size_t errlen);
void vs_flows_fini(struct vs_bridge *br);
/* Install rules (all or none); a rule with the same match and priority as an
 * installed one replaces it. */
int vs_flows_add(struct vs_switch *sw, struct vs_bridge *br, const struct vs_flow_spec *specs,
		 unsigned n, char *err, size_t errlen);
/* Delete the rules a filter selects (NULL: all); *n_deleted may be NULL. */
int vs_flows_del(struct vs_switch *sw, struct vs_bridge *br, const struct vs_flow_spec *filter,
		 unsigned *n_deleted, char *err, size_t errlen);
/* Delete the rules that name port slot (in_port or output), before del-port. */
int vs_flows_del_port(struct vs_switch *sw, struct vs_bridge *br, uint16_t slot,
		      unsigned *n_deleted, char *err, size_t errlen);

/* MAC table, control side (fdb_ctl.c). */
struct vs_fdb *vs_fdb_create(uint32_t id, uint32_t capacity, uint32_t aging_s, char *err,
			     size_t errlen);
void vs_fdb_destroy(struct vs_fdb *fdb);
/* 0 learned/moved/unchanged, -ENOSPC table full, -EAGAIN room being made
 * (both buckets of the MAC were full; the next request will find room). */
int vs_fdb_learn(struct vs_fdb *fdb, struct rte_rcu_qsbr *qsv, uint64_t key, uint16_t slot,
		 uint32_t now);
/* Delete entries older than aging_s, or of port `slot` (>= 0), or all (slot -1, force). */
unsigned vs_fdb_age(struct vs_fdb *fdb, struct rte_rcu_qsbr *qsv, uint32_t now);
unsigned vs_fdb_flush(struct vs_fdb *fdb, struct rte_rcu_qsbr *qsv, int slot);
void vs_fdb_reclaim(struct vs_fdb *fdb, struct rte_rcu_qsbr *qsv);
/* Iterate the live entries' positions: *next = 0 first; 0 while one was
 * returned (read it with vs_fdb_key_at, vs_fdb_slot, vs_fdb_age_of). */
int vs_fdb_next(const struct vs_fdb *fdb, uint32_t *next, uint32_t *pos);

#endif /* VS_SWITCH_H */
