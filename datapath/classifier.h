/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The wildcard classifier of a bridge's flow table: tuple space search.
 *
 * Rules are grouped by mask ("tuples"). Each tuple holds an immutable
 * open-addressing hash table of its rules' masked keys. A lookup visits
 * the tuples in order of their highest priority, hashes the packet's key
 * under the tuple's mask and probes; it stops as soon as the next tuple
 * cannot beat the best rule found. Many rules of one shape (100,000
 * in_port+dl_dst rules, say) cost one probe; the cost grows with the number
 * of distinct masks, not of rules. Per-PMD exact-match caches in front of
 * it (datapath/emc.h) make repeated flows one hash and one compare.
 *
 * A classifier is built by control from the bridge's rule list and never
 * changed; a rule change builds a new one and publishes it under RCU with
 * the rest of the datapath tables.
 */
#ifndef VS_CLASSIFIER_H
#define VS_CLASSIFIER_H

#include <stdbool.h>
#include <stdint.h>

#include <rte_common.h>

#include "flow.h"

/* Per PMD counters of a rule; written by that PMD only. */
struct vs_flow_stats {
	uint64_t packets;
	uint64_t bytes;
	uint32_t used_s;        /* vs_dp_now_s of the last hit, 0 = never */
} __rte_cache_aligned;

/* Actions resolved for the datapath (ports as slots). */
struct vs_flow_action {
	uint8_t type;           /* enum vs_flow_act_type */
	uint16_t port;          /* VS_ACT_OUTPUT: port slot */
	uint16_t value;         /* VID / PCP / TPID */
	uint8_t mac[6];
};

/*
 * An installed rule. Allocated by control (rte_zmalloc, with n_pmds
 * stats), immutable but for the stats, freed after the classifiers that
 * reference it are retired.
 */
struct vs_flow_rule {
	struct vs_flow_key key;         /* masked; key.in_port = slot when matched */
	struct vs_flow_key mask;        /* mask.in_port = 0xffff when in_port matched */
	uint32_t priority;
	uint32_t id;                    /* install order, breaks priority ties (older wins) */
	uint16_t n_actions;
	struct vs_flow_action actions[VS_FLOW_MAX_ACTIONS];
	struct vs_flow_spec *spec;      /* as given, for dump-flows and del-flows (control's heap) */
	uint32_t created_s;
	struct vs_flow_stats stats[];   /* one per PMD */
};

struct vs_cls;

/*
 * Build a classifier over n rules (control thread). Allocates from
 * hugepage memory on `socket`. Returns NULL on allocation failure.
 * Among rules with the same mask and masked key, the one with the highest
 * priority (then the lowest id) is the one lookups can return.
 */
struct vs_cls *vs_cls_build(struct vs_flow_rule *const *rules, unsigned n, int socket);

void vs_cls_free(struct vs_cls *cls);

/*
 * The highest-priority rule matching key (ties: lowest id), or NULL.
 * PMD side; the classifier is immutable, so no synchronisation.
 */
const struct vs_flow_rule *vs_cls_lookup(const struct vs_cls *cls, const struct vs_flow_key *key);

/*
 * True when no rule matches anything but in_port: the verdict is then the
 * same for a whole burst (all packets of a burst share their input port),
 * and the PMD classifies the burst once without parsing packets.
 */
bool vs_cls_in_port_only(const struct vs_cls *cls);

/* Number of tuples (distinct masks), for dump-flows statistics and docs. */
unsigned vs_cls_n_tuples(const struct vs_cls *cls);

/* Bytes of hugepage memory the classifier takes. */
size_t vs_cls_memory(const struct vs_cls *cls);

/* Hash of a key under a mask (also used by the exact-match cache). */
uint32_t vs_flow_hash_masked(const struct vs_flow_key *key, const struct vs_flow_key *mask);
uint32_t vs_flow_hash(const struct vs_flow_key *key);

#endif /* VS_CLASSIFIER_H */
