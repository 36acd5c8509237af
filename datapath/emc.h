/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The per-PMD exact-match cache in front of the classifier: the full flow
 * key of recently seen flows -> the classifier's verdict (a rule, or none).
 * Direct-mapped with two candidate slots; private to its PMD, so no
 * synchronisation. An entry is valid only for the classifier generation it
 * was filled from: publishing a new classifier (any rule change)
 * invalidates every entry of that bridge at once, and a stale entry is
 * never followed.
 */
#ifndef VS_EMC_H
#define VS_EMC_H

#include <stdint.h>
#include <string.h>

#include <rte_prefetch.h>

#include "classifier.h"

#define VS_EMC_ENTRIES 8192             /* power of two; ~800 KB per PMD */

struct vs_emc_entry {
	uint64_t gen;                           /* classifier generation, 0 = empty */
	const struct vs_flow_rule *rule;        /* NULL: no rule matches */
	struct vs_flow_key key;
};

struct vs_emc {
	struct vs_emc_entry e[VS_EMC_ENTRIES];
};

static inline int
vs_flow_key_eq(const struct vs_flow_key *a, const struct vs_flow_key *b)
{
	const uint64_t *x = (const uint64_t *)a, *y = (const uint64_t *)b;
	uint64_t d = 0;

	for (unsigned i = 0; i < VS_FLOW_KEY_WORDS; i++)
		d |= x[i] ^ y[i];
	return d == 0;
}

/* Start loading both places of hash (each entry may span two lines). */
static inline void
vs_emc_prefetch(const struct vs_emc *c, uint32_t hash)
{
	const struct vs_emc_entry *a = &c->e[hash & (VS_EMC_ENTRIES - 1)];
	const struct vs_emc_entry *b = &c->e[(hash >> 16) & (VS_EMC_ENTRIES - 1)];

	rte_prefetch0(a);
	rte_prefetch0((const char *)(a + 1) - 1);
	rte_prefetch0(b);
	rte_prefetch0((const char *)(b + 1) - 1);
}

/* 1 and *rule on a hit (rule may be NULL: cached miss), 0 on a miss. */
static inline int
vs_emc_lookup(const struct vs_emc *c, uint64_t gen, uint32_t hash, const struct vs_flow_key *k,
	      const struct vs_flow_rule **rule)
{
	const struct vs_emc_entry *a = &c->e[hash & (VS_EMC_ENTRIES - 1)];
	const struct vs_emc_entry *b = &c->e[(hash >> 16) & (VS_EMC_ENTRIES - 1)];

	if (a->gen == gen && vs_flow_key_eq(&a->key, k)) {
		*rule = a->rule;
		return 1;
	}
	if (b->gen == gen && vs_flow_key_eq(&b->key, k)) {
		*rule = b->rule;
		return 1;
	}
	return 0;
}

/* Insert, replacing the stale or older-generation candidate first. */
static inline void
vs_emc_insert(struct vs_emc *c, uint64_t gen, uint32_t hash, const struct vs_flow_key *k,
	      const struct vs_flow_rule *rule)
{
	struct vs_emc_entry *a = &c->e[hash & (VS_EMC_ENTRIES - 1)];
	struct vs_emc_entry *b = &c->e[(hash >> 16) & (VS_EMC_ENTRIES - 1)];
	struct vs_emc_entry *v = a->gen != gen ? a : b->gen != gen ? b : (hash & 0x10000 ? a : b);

	v->gen = gen;
	v->rule = rule;
	memcpy(&v->key, k, sizeof(*k));
}

#endif /* VS_EMC_H */
