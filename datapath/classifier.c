/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Tuple space search (see classifier.h). vs_cls_build() runs on the control
 * thread and allocates; vs_cls_lookup() runs on PMDs and only reads the
 * immutable classifier: no locks, no allocation, no logging.
 */
#include <stdlib.h>
#include <string.h>

#include <rte_common.h>
#include <rte_hash_crc.h>
#include <rte_malloc.h>

#include "classifier.h"

/* A key or mask seen as its 8-byte words; may_alias keeps the compiler honest. */
typedef uint64_t __attribute__((may_alias)) vs_word_t;

#define KEY_WORDS ((unsigned)VS_FLOW_KEY_WORDS)

/* One slot of a tuple's open-addressing table. */
struct vs_cls_entry {
	const struct vs_flow_rule *rule;        /* NULL = empty slot (ends a probe) */
	uint32_t hash;                          /* vs_flow_hash_masked(rule->key, tuple mask) */
};

/*
 * The rules of one mask. Only the words the mask uses take part in hash and
 * compare; they are listed in order, with their mask, so that a lookup reads
 * them front to back. Immutable after build.
 */
struct vs_cls_tuple {
	struct vs_cls_entry *table;             /* size_mask + 1 slots, at least half empty */
	uint32_t size_mask;                     /* slots - 1 (slots: a power of two) */
	uint32_t max_priority;                  /* highest priority in the table */
	uint32_t n_words;                       /* mask words that are not zero */
	uint8_t words[VS_FLOW_KEY_WORDS];       /* their indexes, ascending */
	uint64_t mask[VS_FLOW_KEY_WORDS];       /* their mask, same order */
} __rte_cache_aligned;

/*
 * A built classifier: one hugepage allocation holding this header, the
 * tuples (by descending max_priority) and their tables. Immutable; read by
 * PMDs under RCU, freed by control after a grace period.
 */
struct vs_cls {
	unsigned n_tuples;                      /* distinct masks among matchable rules */
	bool in_port_only;                      /* see vs_cls_in_port_only() */
	size_t memory;                          /* bytes of the allocation */
	struct vs_cls_tuple tuples[];           /* n_tuples, by descending max_priority */
};

/* Whether a beats b: higher priority, then older (lower id). */
static inline bool
rule_better(const struct vs_flow_rule *a, const struct vs_flow_rule *b)
{
	return a->priority > b->priority || (a->priority == b->priority && a->id < b->id);
}

uint32_t
vs_flow_hash_masked(const struct vs_flow_key *key, const struct vs_flow_key *mask)
{
	const vs_word_t *k = (const vs_word_t *)key;
	const vs_word_t *m = (const vs_word_t *)mask;
	uint32_t h = 0;

	/* Same value as a tuple computes from its list of used words. */
	for (unsigned i = 0; i < KEY_WORDS; i++)
		h += m[i] != 0;
	for (unsigned i = 0; i < KEY_WORDS; i++)
		if (m[i] != 0)
			h = rte_hash_crc_8byte(k[i] & m[i], h);
	return h;
}

uint32_t
vs_flow_hash(const struct vs_flow_key *key)
{
	const vs_word_t *k = (const vs_word_t *)key;
	uint32_t h = KEY_WORDS;

	/* Equals vs_flow_hash_masked() under an all-ones mask. */
	for (unsigned i = 0; i < KEY_WORDS; i++)
		h = rte_hash_crc_8byte(k[i], h);
	return h;
}

/* Hash of the masked key, stored in mk[] for the compare that follows. */
static inline uint32_t
tuple_hash(const struct vs_cls_tuple *t, const vs_word_t *k, uint64_t *mk)
{
	uint32_t h = t->n_words;

	for (unsigned j = 0; j < t->n_words; j++) {
		mk[j] = k[t->words[j]] & t->mask[j];
		h = rte_hash_crc_8byte(mk[j], h);
	}
	return h;
}

/* Whether rule's (masked) key equals the masked key mk of tuple t. */
static inline bool
tuple_key_eq(const struct vs_cls_tuple *t, const struct vs_flow_rule *rule, const uint64_t *mk)
{
	const vs_word_t *rk = (const vs_word_t *)&rule->key;

	for (unsigned j = 0; j < t->n_words; j++)
		if (rk[t->words[j]] != mk[j])
			return false;
	return true;
}

const struct vs_flow_rule *
vs_cls_lookup(const struct vs_cls *cls, const struct vs_flow_key *key)
{
	const vs_word_t *k = (const vs_word_t *)key;
	const struct vs_flow_rule *best = NULL;
	uint64_t mk[VS_FLOW_KEY_WORDS];

	for (unsigned ti = 0; ti < cls->n_tuples; ti++) {
		const struct vs_cls_tuple *t = &cls->tuples[ti];
		uint32_t h, i;

		/* Tuples come by descending max_priority: none left can win. */
		if (best != NULL && t->max_priority < best->priority)
			break;
		h = tuple_hash(t, k, mk);
		for (i = h & t->size_mask; t->table[i].rule != NULL; i = (i + 1) & t->size_mask) {
			const struct vs_cls_entry *e = &t->table[i];

			if (e->hash == h && tuple_key_eq(t, e->rule, mk)) {
				if (best == NULL || rule_better(e->rule, best))
					best = e->rule;
				break;  /* one entry per masked key */
			}
		}
	}
	return best;
}

bool
vs_cls_in_port_only(const struct vs_cls *cls)
{
	return cls->in_port_only;
}

unsigned
vs_cls_n_tuples(const struct vs_cls *cls)
{
	return cls->n_tuples;
}

size_t
vs_cls_memory(const struct vs_cls *cls)
{
	return cls->memory;
}

void
vs_cls_free(struct vs_cls *cls)
{
	rte_free(cls);
}

/*
 * A rule whose key has bits outside its mask can match no packet (a
 * masked packet key never has them): leave it out rather than let the
 * compare, which looks at mask words only, accept it.
 */
static bool
rule_matchable(const struct vs_flow_rule *r)
{
	const vs_word_t *k = (const vs_word_t *)&r->key;
	const vs_word_t *m = (const vs_word_t *)&r->mask;

	for (unsigned i = 0; i < KEY_WORDS; i++)
		if (k[i] & ~m[i])
			return false;
	return true;
}

static bool
mask_eq(const struct vs_flow_key *a, const struct vs_flow_key *b)
{
	const vs_word_t *x = (const vs_word_t *)a;
	const vs_word_t *y = (const vs_word_t *)b;

	for (unsigned i = 0; i < KEY_WORDS; i++)
		if (x[i] != y[i])
			return false;
	return true;
}

/* Descending max_priority; ties keep build order so builds are reproducible. */
static int
tuple_cmp(const void *pa, const void *pb)
{
	const struct vs_cls_tuple *a = pa, *b = pb;

	if (a->max_priority != b->max_priority)
		return a->max_priority > b->max_priority ? -1 : 1;
	return a->table < b->table ? -1 : a->table > b->table;
}

/* Put r in t's table, or keep the better of r and the rule with its masked key. */
static void
tuple_insert(struct vs_cls_tuple *t, const struct vs_flow_rule *r)
{
	struct vs_cls_entry *table = t->table;
	uint64_t mk[VS_FLOW_KEY_WORDS];
	uint32_t h = tuple_hash(t, (const vs_word_t *)&r->key, mk);
	uint32_t i;

	/* Whether r is stored or shadowed, the tuple's best has its priority. */
	if (r->priority > t->max_priority)
		t->max_priority = r->priority;
	for (i = h & t->size_mask; table[i].rule != NULL; i = (i + 1) & t->size_mask) {
		if (table[i].hash == h && tuple_key_eq(t, table[i].rule, mk)) {
			/* Same masked key: only the better one can ever be returned. */
			if (rule_better(r, table[i].rule))
				table[i].rule = r;
			return;
		}
	}
	table[i].rule = r;
	table[i].hash = h;
}

/* Scratch of a build: rule -> tuple, and the distinct masks found so far. */
struct build_scratch {
	uint32_t *tuple_of;     /* per rule: tuple index, UINT32_MAX = left out */
	uint32_t *rep;          /* per tuple: index of its first rule (its mask) */
	uint32_t *count;        /* per tuple: rules in it */
	uint32_t *slots;        /* mask hash table: tuple index + 1, 0 = empty */
	uint32_t slot_mask;     /* slots in the mask table - 1 */
};

/* Group the rules by mask; returns the number of tuples. */
static unsigned
group_by_mask(struct vs_flow_rule *const *rules, unsigned n, struct build_scratch *s)
{
	unsigned nt = 0;

	for (unsigned i = 0; i < n; i++) {
		const struct vs_flow_key *m = &rules[i]->mask;
		uint32_t j;

		s->tuple_of[i] = UINT32_MAX;
		if (!rule_matchable(rules[i]))
			continue;
		for (j = vs_flow_hash(m) & s->slot_mask; s->slots[j] != 0;
		     j = (j + 1) & s->slot_mask)
			if (mask_eq(&rules[s->rep[s->slots[j] - 1]]->mask, m))
				break;
		if (s->slots[j] == 0) {
			s->rep[nt] = i;
			s->count[nt] = 0;
			s->slots[j] = ++nt;
		}
		s->tuple_of[i] = s->slots[j] - 1;
		s->count[s->tuple_of[i]]++;
	}
	return nt;
}

/* Mask words the whole-burst shortcut allows: in_port and nothing else. */
static bool
mask_in_port_only(const struct vs_flow_key *m)
{
	struct vs_flow_key rest = *m;
	const vs_word_t *w = (const vs_word_t *)&rest;

	rest.in_port = 0;
	for (unsigned i = 0; i < KEY_WORDS; i++)
		if (w[i] != 0)
			return false;
	return true;
}

struct vs_cls *
vs_cls_build(struct vs_flow_rule *const *rules, unsigned n, int socket)
{
	struct build_scratch s = { 0 };
	struct vs_cls_entry *tables;
	struct vs_cls *cls = NULL;
	size_t head, n_slots = 0;
	unsigned nt = 0;
	void *scratch = NULL;

	if (n > UINT32_MAX / 4)
		return NULL;    /* table sizes would overflow */
	if (n > 0) {
		/* Distinct masks are few in practice but at most n; keep the
		 * mask table at most half full in any case. */
		uint32_t n_mslots = rte_align32pow2(2 * n);

		scratch = rte_zmalloc_socket("vs_cls_scratch",
					     (3 * (size_t)n + n_mslots) * sizeof(uint32_t), 0,
					     socket);
		if (scratch == NULL)
			return NULL;
		s.tuple_of = scratch;
		s.rep = s.tuple_of + n;
		s.count = s.rep + n;
		s.slots = s.count + n;
		s.slot_mask = n_mslots - 1;
		nt = group_by_mask(rules, n, &s);
		for (unsigned t = 0; t < nt; t++)
			n_slots += rte_align32pow2(2 * s.count[t]);
	}

	head = RTE_ALIGN_CEIL(sizeof(*cls) + nt * sizeof(cls->tuples[0]), RTE_CACHE_LINE_SIZE);
	cls = rte_zmalloc_socket("vs_cls", head + n_slots * sizeof(*tables), RTE_CACHE_LINE_SIZE,
				 socket);
	if (cls == NULL)
		goto out;
	cls->memory = head + n_slots * sizeof(*tables);
	cls->n_tuples = nt;
	cls->in_port_only = true;
	tables = RTE_PTR_ADD(cls, head);

	for (unsigned ti = 0; ti < nt; ti++) {
		struct vs_cls_tuple *t = &cls->tuples[ti];
		const struct vs_flow_key *mask = &rules[s.rep[ti]]->mask;
		const vs_word_t *m = (const vs_word_t *)mask;

		for (unsigned w = 0; w < KEY_WORDS; w++) {
			if (m[w] == 0)
				continue;
			t->words[t->n_words] = w;
			t->mask[t->n_words++] = m[w];
		}
		t->size_mask = rte_align32pow2(2 * s.count[ti]) - 1;
		t->table = tables;
		tables += t->size_mask + 1;
		if (!mask_in_port_only(mask))
			cls->in_port_only = false;
	}
	for (unsigned i = 0; i < n; i++) {
		struct vs_cls_tuple *t;

		if (s.tuple_of[i] == UINT32_MAX)
			continue;
		t = &cls->tuples[s.tuple_of[i]];
		tuple_insert(t, rules[i]);
	}
	qsort(cls->tuples, nt, sizeof(cls->tuples[0]), tuple_cmp);
out:
	rte_free(scratch);
	return cls;
}
