/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests of the wildcard classifier (datapath/classifier.c): hand
 * cases, then a randomised differential test against a linear scan (the
 * definition: the highest-priority matching rule, ties to the lowest id)
 * over thousands of rules of realistic shapes and keys derived from them,
 * through rounds of deletes and adds; then 100,000 rules of one shape.
 * Runs on a real EAL without hugepages.
 *
 * CLS_SEED=N reruns the differential test with one seed.
 * CLS_BENCH=1 runs the build and lookup benchmark instead of the tests.
 */
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <setjmp.h>
#include <cmocka.h>

#include <rte_byteorder.h>
#include <rte_eal.h>
#include <rte_memory.h>

#include "classifier.h"

#define DIFF_SEED 20240611u     /* first seed of the differential test */
#define DIFF_N_SEEDS 4          /* seeds DIFF_SEED, DIFF_SEED + 1, ... */
#define DIFF_RULES 2000         /* rules at the start of each seed */
#define DIFF_KEYS 3000          /* keys checked per round */
#define DIFF_ROUNDS 5           /* delete/add rounds after the first check */
#define BIG_RULES 100000
#define BIG_KEYS 10000

#define KEY_WORDS VS_FLOW_KEY_WORDS

/* ---- helpers ---------------------------------------------------------- */

/* xorshift64*: reproducible across libcs, unlike rand(). */
static uint64_t rng_state;

static void
rng_seed(uint64_t seed)
{
	rng_state = seed * 0x9E3779B97F4A7C15ull + 1;
}

static uint64_t
rng(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545F4914F6CDD1Dull;
}

/* Uniform-enough in [0, n). */
static uint32_t
rnd(uint32_t n)
{
	return (uint32_t)((rng() >> 32) % n);
}

static void
words_of(const struct vs_flow_key *k, uint64_t w[KEY_WORDS])
{
	memcpy(w, k, sizeof(*k));
}

static void
key_of_words(struct vs_flow_key *k, const uint64_t w[KEY_WORDS])
{
	memcpy(k, w, sizeof(*k));
}

/* key &= mask */
static void
apply_mask(struct vs_flow_key *key, const struct vs_flow_key *mask)
{
	uint64_t k[KEY_WORDS], m[KEY_WORDS];

	words_of(key, k);
	words_of(mask, m);
	for (unsigned i = 0; i < KEY_WORDS; i++)
		k[i] &= m[i];
	key_of_words(key, k);
}

static struct vs_flow_rule *
rule_new(uint32_t id, uint32_t priority, const struct vs_flow_key *key,
	 const struct vs_flow_key *mask)
{
	struct vs_flow_rule *r = calloc(1, sizeof(*r));

	assert_non_null(r);
	r->id = id;
	r->priority = priority;
	r->key = *key;
	r->mask = *mask;
	apply_mask(&r->key, &r->mask);
	return r;
}

static void
rules_free(struct vs_flow_rule **rules, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		free(rules[i]);
}

static bool
better(const struct vs_flow_rule *a, const struct vs_flow_rule *b)
{
	return a->priority > b->priority || (a->priority == b->priority && a->id < b->id);
}

static bool
rule_matches(const struct vs_flow_rule *r, const struct vs_flow_key *key)
{
	uint64_t k[KEY_WORDS], m[KEY_WORDS], rk[KEY_WORDS];

	words_of(key, k);
	words_of(&r->mask, m);
	words_of(&r->key, rk);
	for (unsigned i = 0; i < KEY_WORDS; i++)
		if ((k[i] & m[i]) != rk[i])
			return false;
	return true;
}

/* The reference: a linear scan. */
static const struct vs_flow_rule *
ref_lookup(struct vs_flow_rule *const *rules, unsigned n, const struct vs_flow_key *key)
{
	const struct vs_flow_rule *best = NULL;

	for (unsigned i = 0; i < n; i++)
		if (rule_matches(rules[i], key) && (best == NULL || better(rules[i], best)))
			best = rules[i];
	return best;
}

static void
set_prefix(uint8_t *mask, unsigned bytes, unsigned len)
{
	memset(mask, 0, bytes);
	for (unsigned i = 0; i < len; i++)
		mask[i / 8] |= 0x80 >> (i % 8);
}

static void
mac_set(uint8_t mac[6], uint32_t n)
{
	mac[0] = 0x02;
	mac[1] = 0x00;
	mac[2] = n >> 24;
	mac[3] = n >> 16;
	mac[4] = n >> 8;
	mac[5] = n;
}

static struct vs_cls *
build(struct vs_flow_rule *const *rules, unsigned n)
{
	struct vs_cls *cls = vs_cls_build(rules, n, SOCKET_ID_ANY);

	assert_non_null(cls);
	return cls;
}

/* ---- hand cases ------------------------------------------------------- */

static void
test_empty(void **state)
{
	struct vs_flow_key key = { .in_port = 1, .dl_type = RTE_BE16(0x0800) };
	struct vs_cls *cls;

	(void)state;
	cls = build(NULL, 0);
	assert_null(vs_cls_lookup(cls, &key));
	memset(&key, 0, sizeof(key));
	assert_null(vs_cls_lookup(cls, &key));
	assert_int_equal(vs_cls_n_tuples(cls), 0);
	assert_true(vs_cls_in_port_only(cls));
	assert_true(vs_cls_memory(cls) > 0);
	vs_cls_free(cls);
	vs_cls_free(NULL);
}

static void
test_exact_match(void **state)
{
	struct vs_flow_key key = { 0 }, mask = { 0 }, pkt;
	struct vs_flow_rule *r;
	struct vs_cls *cls;

	(void)state;
	key.in_port = 3;
	mask.in_port = 0xffff;
	key.dl_type = RTE_BE16(0x0800);
	mask.dl_type = 0xffff;
	mac_set(key.dl_dst, 7);
	memset(mask.dl_dst, 0xff, 6);
	r = rule_new(1, 100, &key, &mask);
	cls = build(&r, 1);
	assert_int_equal(vs_cls_n_tuples(cls), 1);
	assert_false(vs_cls_in_port_only(cls));

	pkt = key;
	pkt.nw_src = RTE_BE32(0x0a000001);      /* unmatched fields do not matter */
	pkt.tp_dst = RTE_BE16(80);
	mac_set(pkt.dl_src, 9);
	assert_ptr_equal(vs_cls_lookup(cls, &pkt), r);
	pkt.in_port = 4;
	assert_null(vs_cls_lookup(cls, &pkt));
	pkt.in_port = 3;
	pkt.dl_dst[5] ^= 1;
	assert_null(vs_cls_lookup(cls, &pkt));
	pkt.dl_dst[5] ^= 1;
	pkt.dl_type = RTE_BE16(0x86dd);
	assert_null(vs_cls_lookup(cls, &pkt));
	vs_cls_free(cls);
	free(r);
}

/* nw_dst rules: a /32 at p32, a /24 at p24, a catch-all at 5. */
static void
prefix_rules(struct vs_flow_rule *rules[3], uint32_t p32, uint32_t p24)
{
	struct vs_flow_key key = { 0 }, mask = { 0 };

	key.dl_type = RTE_BE16(0x0800);
	mask.dl_type = 0xffff;
	key.nw_dst = RTE_BE32(0x0a000105);
	mask.nw_dst = RTE_BE32(0xffffffff);
	rules[0] = rule_new(1, p32, &key, &mask);
	mask.nw_dst = RTE_BE32(0xffffff00);
	rules[1] = rule_new(2, p24, &key, &mask);
	memset(&mask, 0, sizeof(mask));
	rules[2] = rule_new(3, 5, &key, &mask);
}

static void
test_priorities_across_tuples(void **state)
{
	struct vs_flow_key host = { .dl_type = RTE_BE16(0x0800), .nw_dst = RTE_BE32(0x0a000105) };
	struct vs_flow_key net = { .dl_type = RTE_BE16(0x0800), .nw_dst = RTE_BE32(0x0a000163) };
	struct vs_flow_key other = { .dl_type = RTE_BE16(0x0800), .nw_dst = RTE_BE32(0x0a000263) };
	struct vs_flow_rule *rules[3];
	struct vs_cls *cls;

	(void)state;
	/* The more specific rule has the higher priority. */
	prefix_rules(rules, 20, 10);
	cls = build(rules, 3);
	assert_int_equal(vs_cls_n_tuples(cls), 3);
	assert_ptr_equal(vs_cls_lookup(cls, &host), rules[0]);
	assert_ptr_equal(vs_cls_lookup(cls, &net), rules[1]);
	assert_ptr_equal(vs_cls_lookup(cls, &other), rules[2]);
	vs_cls_free(cls);
	rules_free(rules, 3);

	/* The broader one has: it hides the /32 entirely. */
	prefix_rules(rules, 10, 20);
	cls = build(rules, 3);
	assert_ptr_equal(vs_cls_lookup(cls, &host), rules[1]);
	assert_ptr_equal(vs_cls_lookup(cls, &net), rules[1]);
	assert_ptr_equal(vs_cls_lookup(cls, &other), rules[2]);
	vs_cls_free(cls);
	rules_free(rules, 3);

	/* The catch-all above both. */
	prefix_rules(rules, 20, 10);
	rules[2]->priority = 30;
	cls = build(rules, 3);
	assert_ptr_equal(vs_cls_lookup(cls, &host), rules[2]);
	assert_ptr_equal(vs_cls_lookup(cls, &net), rules[2]);
	vs_cls_free(cls);
	rules_free(rules, 3);
}

static void
test_tie_older_wins(void **state)
{
	struct vs_flow_key key = { 0 }, mask = { 0 };
	struct vs_flow_key pkt = { .in_port = 2, .dl_type = RTE_BE16(0x0800) };
	struct vs_flow_rule *rules[3], *swapped[3];
	struct vs_cls *cls;

	(void)state;
	/* Same priority, three different masks, all matching pkt. */
	key.in_port = 2;
	mask.in_port = 0xffff;
	rules[0] = rule_new(30, 50, &key, &mask);
	key.dl_type = RTE_BE16(0x0800);
	mask.dl_type = 0xffff;
	rules[1] = rule_new(10, 50, &key, &mask);       /* the oldest */
	memset(&mask, 0, sizeof(mask));
	rules[2] = rule_new(20, 50, &key, &mask);
	cls = build(rules, 3);
	assert_ptr_equal(vs_cls_lookup(cls, &pkt), rules[1]);
	vs_cls_free(cls);

	/* The order of the rule list does not matter, only ids. */
	swapped[0] = rules[2];
	swapped[1] = rules[0];
	swapped[2] = rules[1];
	cls = build(swapped, 3);
	assert_ptr_equal(vs_cls_lookup(cls, &pkt), rules[1]);
	vs_cls_free(cls);

	/* Without the oldest: the next oldest. */
	cls = build(swapped, 2);
	assert_ptr_equal(vs_cls_lookup(cls, &pkt), rules[2]);
	vs_cls_free(cls);
	rules_free(rules, 3);
}

static void
test_shadowed(void **state)
{
	struct vs_flow_key key = { .dl_type = RTE_BE16(0x0800), .nw_proto = 6,
				   .tp_dst = RTE_BE16(443) };
	struct vs_flow_key mask = { .dl_type = 0xffff, .nw_proto = 0xff, .tp_dst = 0xffff };
	struct vs_flow_key pkt = key;
	struct vs_flow_rule *rules[4];
	struct vs_cls *cls;

	(void)state;
	/* One mask, one masked key, four rules: only the best is stored. */
	rules[0] = rule_new(1, 10, &key, &mask);
	rules[1] = rule_new(2, 20, &key, &mask);
	rules[2] = rule_new(3, 20, &key, &mask);        /* ties with 2, newer */
	rules[3] = rule_new(4, 5, &key, &mask);
	pkt.nw_src = RTE_BE32(0xc0a80001);
	cls = build(rules, 4);
	assert_int_equal(vs_cls_n_tuples(cls), 1);
	assert_ptr_equal(vs_cls_lookup(cls, &pkt), rules[1]);
	vs_cls_free(cls);

	/* Reversed list: same answer. */
	{
		struct vs_flow_rule *rev[4] = { rules[3], rules[2], rules[1], rules[0] };

		cls = build(rev, 4);
		assert_ptr_equal(vs_cls_lookup(cls, &pkt), rules[1]);
		vs_cls_free(cls);
	}

	/*
	 * The tuple's priority is its best rule's, stored first or not: a
	 * rule of another tuple in between must lose, whatever the order.
	 */
	{
		struct vs_flow_key m2 = { .dl_type = 0xffff };
		struct vs_flow_rule *mid = rule_new(5, 15, &key, &m2);
		struct vs_flow_rule *all[5] = { rules[0], mid, rules[3], rules[1], rules[2] };

		cls = build(all, 5);
		assert_int_equal(vs_cls_n_tuples(cls), 2);
		assert_ptr_equal(vs_cls_lookup(cls, &pkt), rules[1]);
		vs_cls_free(cls);
		free(mid);
	}

	/* Rule 2 deleted (the rebuild control does): the shadowed 3 shows. */
	{
		struct vs_flow_rule *rest[3] = { rules[0], rules[2], rules[3] };

		cls = build(rest, 3);
		assert_ptr_equal(vs_cls_lookup(cls, &pkt), rules[2]);
		vs_cls_free(cls);
	}
	rules_free(rules, 4);
}

static void
test_wildcard(void **state)
{
	struct vs_flow_key zero = { 0 }, pkt = { 0 };
	struct vs_flow_rule *r;
	struct vs_cls *cls;

	(void)state;
	r = rule_new(1, 0, &zero, &zero);
	cls = build(&r, 1);
	assert_true(vs_cls_in_port_only(cls));
	assert_ptr_equal(vs_cls_lookup(cls, &pkt), r);
	pkt.in_port = 9;
	pkt.dl_type = RTE_BE16(0x86dd);
	memset(pkt.ipv6_dst, 0xff, 16);
	assert_ptr_equal(vs_cls_lookup(cls, &pkt), r);
	vs_cls_free(cls);
	free(r);
}

/* A rule with key bits outside its mask matches nothing, as in the scan. */
static void
test_unmatchable_rule(void **state)
{
	struct vs_flow_key mask = { .in_port = 0xffff };
	struct vs_flow_key pkt = { .in_port = 1, .tp_dst = RTE_BE16(80) };
	struct vs_flow_rule *r = calloc(1, sizeof(*r));
	struct vs_cls *cls;

	(void)state;
	assert_non_null(r);
	r->id = 1;
	r->key = pkt;
	r->mask = mask;
	assert_false(rule_matches(r, &pkt));
	cls = build(&r, 1);
	assert_null(vs_cls_lookup(cls, &pkt));
	vs_cls_free(cls);
	free(r);
}

static void
test_in_port_only(void **state)
{
	struct vs_flow_key key = { .in_port = 1 }, mask = { .in_port = 0xffff };
	struct vs_flow_key zero = { 0 };
	struct vs_flow_key pkt = { .in_port = 2, .dl_type = RTE_BE16(0x0800) };
	struct vs_flow_rule *rules[4];
	struct vs_cls *cls;

	(void)state;
	rules[0] = rule_new(1, 100, &key, &mask);
	key.in_port = 2;
	rules[1] = rule_new(2, 100, &key, &mask);
	rules[2] = rule_new(3, 0, &zero, &zero);        /* default: wildcard */
	key.dl_type = RTE_BE16(0x0800);
	mask.dl_type = 0xffff;
	rules[3] = rule_new(4, 200, &key, &mask);

	cls = build(rules, 2);
	assert_true(vs_cls_in_port_only(cls));
	assert_int_equal(vs_cls_n_tuples(cls), 1);
	assert_ptr_equal(vs_cls_lookup(cls, &pkt), rules[1]);
	vs_cls_free(cls);

	cls = build(rules, 3);
	assert_true(vs_cls_in_port_only(cls));
	assert_int_equal(vs_cls_n_tuples(cls), 2);
	vs_cls_free(cls);

	cls = build(rules, 4);
	assert_false(vs_cls_in_port_only(cls));
	assert_int_equal(vs_cls_n_tuples(cls), 3);
	assert_ptr_equal(vs_cls_lookup(cls, &pkt), rules[3]);
	vs_cls_free(cls);
	rules_free(rules, 4);
}

/* ---- the differential test -------------------------------------------- */

/* Small value pools, so that random rules overlap and random keys hit. */
static const uint16_t dl_types[] = { 0x0800, 0x86dd, 0x0806, 0x88cc };
static const uint16_t tp_ports[] = { 22, 53, 80, 443, 8080, 8443 };
static const uint8_t nw_protos[] = { 6, 17, 1, 58 };

/* 10.0.{0..3}.x and 192.168.{0,1}.x, hosts from a few values; some random. */
static uint32_t
pool_ip(void)
{
	static const uint8_t hosts[] = { 1, 2, 3, 127, 128, 129, 200, 255 };
	uint32_t host = hosts[rnd(RTE_DIM(hosts))];

	if (rnd(8) == 0)
		return (uint32_t)rng();

	if (rnd(3) == 0)
		return 0xc0a80000 | rnd(2) << 8 | host;
	return 0x0a000000 | rnd(4) << 8 | host;
}

static void
pool_ip6(uint8_t a[16])
{
	memset(a, 0, 16);
	a[0] = 0x20;
	a[1] = 0x01;
	a[2] = 0x0d;
	a[3] = 0xb8;
	a[5] = rnd(3);
	a[7] = rnd(2) << 7;
	a[12] = rnd(2);
	a[15] = rnd(4);
	if (rnd(8) == 0)
		for (int i = 4; i < 16; i++)
			a[i] = rng();
}

static uint16_t
pool_tp(void)
{
	return rnd(6) == 0 ? (uint16_t)rng() : tp_ports[rnd(RTE_DIM(tp_ports))];
}

static void
pool_mac(uint8_t mac[6])
{
	mac_set(mac, rnd(12) == 0 ? (uint32_t)rng() : rnd(12));
}

/* A packet's key from the pools (one that parse.c could produce). */
static void
random_key(struct vs_flow_key *k)
{
	memset(k, 0, sizeof(*k));
	k->in_port = rnd(6);
	k->dl_type = rte_cpu_to_be_16(dl_types[rnd(RTE_DIM(dl_types))]);
	if (rnd(3) == 0)
		k->vlan_tci = rte_cpu_to_be_16(VS_FLOW_TCI_PRESENT | rnd(6) | rnd(8) << 13);
	k->nw_proto = nw_protos[rnd(RTE_DIM(nw_protos))];
	k->nw_tos = rnd(4) << 2;
	pool_mac(k->dl_src);
	pool_mac(k->dl_dst);
	k->tp_src = rte_cpu_to_be_16(pool_tp());
	k->tp_dst = rte_cpu_to_be_16(pool_tp());
	k->nw_src = rte_cpu_to_be_32(pool_ip());
	k->nw_dst = rte_cpu_to_be_32(pool_ip());
	k->arp_op = rte_cpu_to_be_16(rnd(3));
	pool_ip6(k->ipv6_src);
	pool_ip6(k->ipv6_dst);
}

/* A key with values outside the pools, that only wide masks match. */
static void
stranger_key(struct vs_flow_key *k)
{
	random_key(k);
	k->in_port = 6 + rnd(1000);
	k->dl_type = rte_cpu_to_be_16(0x9000 + rnd(0x1000));
	k->vlan_tci = rte_cpu_to_be_16(VS_FLOW_TCI_PRESENT | (6 + rnd(4000)));
	mac_set(k->dl_dst, 1000 + rnd(1000));
}

static unsigned
ip_prefix_len(bool few)
{
	static const uint8_t lens[] = { 8, 16, 24, 32 };

	if (few || rnd(4) != 0)
		return lens[rnd(RTE_DIM(lens))];
	return rnd(33);
}

enum shape {
	SH_IN_PORT, SH_DL_DST, SH_IN_PORT_DL_TYPE, SH_NW_DST, SH_NW_SRC_DST, SH_TP_DST,
	SH_VLAN, SH_IPV6_DST, SH_ANY, SH_COUNT,
};

/*
 * How a seed draws rules: with or without full wildcards (without, some
 * keys match nothing); priorities mixed (ties common, tuples' maxima mostly
 * distinct) or all from 0..3 (tuples' maxima tie, ids decide across tuples).
 */
struct diff_mode {
	bool any_ok;
	bool narrow_prio;
};

/* A random rule of a random realistic shape; key values from the pools. */
static struct vs_flow_rule *
random_rule(uint32_t id, const struct diff_mode *mode)
{
	struct vs_flow_key key, mask = { 0 };
	uint32_t prio, m32;
	unsigned len;

	random_key(&key);
	switch (rnd(mode->any_ok ? SH_COUNT : SH_ANY)) {
	case SH_IN_PORT:
		mask.in_port = 0xffff;
		break;
	case SH_DL_DST:
		memset(mask.dl_dst, 0xff, 6);
		break;
	case SH_IN_PORT_DL_TYPE:
		mask.in_port = 0xffff;
		mask.dl_type = 0xffff;
		break;
	case SH_NW_DST:
		key.dl_type = RTE_BE16(0x0800);
		mask.dl_type = 0xffff;
		len = ip_prefix_len(false);
		mask.nw_dst = rte_cpu_to_be_32(len ? ~0u << (32 - len) : 0);
		break;
	case SH_NW_SRC_DST:
		key.dl_type = RTE_BE16(0x0800);
		mask.dl_type = 0xffff;
		len = ip_prefix_len(true);
		mask.nw_src = rte_cpu_to_be_32(~0u << (32 - len));
		len = ip_prefix_len(true);
		mask.nw_dst = rte_cpu_to_be_32(~0u << (32 - len));
		break;
	case SH_TP_DST:
		key.dl_type = RTE_BE16(0x0800);
		mask.dl_type = 0xffff;
		key.nw_proto = 6;
		mask.nw_proto = 0xff;
		m32 = rnd(2) ? 0xffff : (0xffff << rnd(16)) & 0xffff;
		mask.tp_dst = rte_cpu_to_be_16(m32);
		break;
	case SH_VLAN:
		/* dl_vlan=V: VID and the present bit; dl_vlan=0xffff: untagged */
		if (rnd(5) == 0)
			key.vlan_tci = 0;
		mask.vlan_tci = rte_cpu_to_be_16(VS_FLOW_TCI_PRESENT | 0x0fff);
		break;
	case SH_IPV6_DST:
		key.dl_type = RTE_BE16(0x86dd);
		mask.dl_type = 0xffff;
		{
			static const uint8_t lens[] = { 0, 32, 48, 64, 96, 127, 128 };

			len = rnd(4) ? lens[rnd(RTE_DIM(lens))] : rnd(129);
		}
		set_prefix(mask.ipv6_dst, 16, len);
		break;
	default:
		break;
	}
	/* Many ties: most priorities from a handful of values. */
	switch (mode->narrow_prio ? 0 : rnd(10)) {
	case 0:
		prio = rnd(4);
		break;
	case 1: case 2: case 3: case 4:
		prio = rnd(8);
		break;
	case 5: case 6: case 7:
		prio = rnd(100);
		break;
	default:
		prio = rnd(VS_FLOW_MAX_PRIORITY + 1);
		break;
	}
	return rule_new(id, prio, &key, &mask);
}

/* Flip one bit of a key, anywhere but the padding. */
static void
perturb(struct vs_flow_key *k)
{
	uint8_t *b = (uint8_t *)k;
	size_t pad = offsetof(struct vs_flow_key, pad);
	size_t i;

	do {
		i = rnd(sizeof(*k));
	} while (i >= pad && i < pad + sizeof(k->pad));
	b[i] ^= 1u << rnd(8);
}

/* A key: mostly one that rule r matches (its free bits random), often perturbed. */
static void
derived_key(const struct vs_flow_rule *r, struct vs_flow_key *key)
{
	uint64_t k[KEY_WORDS], m[KEY_WORDS], rk[KEY_WORDS];

	random_key(key);
	words_of(key, k);
	words_of(&r->mask, m);
	words_of(&r->key, rk);
	for (unsigned i = 0; i < KEY_WORDS; i++)
		k[i] = (k[i] & ~m[i]) | rk[i];
	key_of_words(key, k);
	if (rnd(3) == 0)
		perturb(key);
}

static void
shuffle(struct vs_flow_rule **rules, unsigned n)
{
	for (unsigned i = n; i > 1; i--) {
		unsigned j = rnd(i);
		struct vs_flow_rule *t = rules[i - 1];

		rules[i - 1] = rules[j];
		rules[j] = t;
	}
}

static void
print_key(const struct vs_flow_key *key)
{
	uint64_t w[KEY_WORDS];

	words_of(key, w);
	for (unsigned i = 0; i < KEY_WORDS; i++)
		fprintf(stderr, "%s%016" PRIx64, i ? " " : "", w[i]);
	fprintf(stderr, "\n");
}

/* Build over rules[0..n), compare DIFF_KEYS lookups with the scan. */
static void
diff_round(uint64_t seed, int round, struct vs_flow_rule **rules, unsigned n,
	   const struct diff_mode *mode)
{
	struct vs_cls *cls;
	unsigned hits = 0;

	shuffle(rules, n);      /* the list order must not matter */
	cls = build(rules, n);
	for (unsigned i = 0; i < DIFF_KEYS; i++) {
		const struct vs_flow_rule *got, *want;
		struct vs_flow_key key;

		if (n > 0 && rnd(5) != 0)
			derived_key(rules[rnd(n)], &key);
		else if (rnd(2))
			random_key(&key);
		else
			stranger_key(&key);
		got = vs_cls_lookup(cls, &key);
		want = ref_lookup(rules, n, &key);
		if (got != want) {
			fprintf(stderr, "classifier mismatch: seed %" PRIu64 " round %d key %u "
				"(%u rules, %u tuples)\n  key  ", seed, round, i, n,
				vs_cls_n_tuples(cls));
			print_key(&key);
			fprintf(stderr, "  got  id %d priority %d\n  want id %d priority %d\n",
				got ? (int)got->id : -1, got ? (int)got->priority : -1,
				want ? (int)want->id : -1, want ? (int)want->priority : -1);
			vs_cls_free(cls);
			fail_msg("seed %" PRIu64 " round %d key %u: lookup differs from the scan",
				 seed, round, i);
		}
		hits += got != NULL;
	}
	/* The keys are biased to match: make sure they do, and some do not. */
	if (n > 100) {
		assert_true(hits > DIFF_KEYS / 3);
		if (!mode->any_ok)
			assert_true(hits < DIFF_KEYS);
	}
	if (round == 0)
		printf("  seed %" PRIu64 ": %u rules, %u tuples, %u/%u keys matched\n", seed, n,
		       vs_cls_n_tuples(cls), hits, DIFF_KEYS);
	vs_cls_free(cls);
}

static void
diff_seed(uint64_t seed)
{
	struct vs_flow_rule **rules = calloc(DIFF_RULES * 2, sizeof(*rules));
	const struct diff_mode mode = { .any_ok = seed % 2 == 0, .narrow_prio = seed / 2 % 2 };
	uint32_t next_id = 1;
	unsigned n = 0;

	assert_non_null(rules);
	printf("classifier differential test: seed %" PRIu64 " (%s wildcards, %s priorities)\n",
	       seed, mode.any_ok ? "with" : "no", mode.narrow_prio ? "narrow" : "mixed");
	rng_seed(seed);
	while (n < DIFF_RULES) {
		/* Sometimes the same match as an existing rule: shadows and ties. */
		if (n > 0 && rnd(10) == 0) {
			const struct vs_flow_rule *o = rules[rnd(n)];

			rules[n++] = rule_new(next_id++, rnd(3) ? o->priority : rnd(8),
					      &o->key, &o->mask);
		} else {
			rules[n++] = random_rule(next_id++, &mode);
		}
	}
	diff_round(seed, 0, rules, n, &mode);
	for (int round = 1; round <= DIFF_ROUNDS; round++) {
		unsigned del = rnd(n / 4 + 1), add = rnd(DIFF_RULES / 4 + 1);

		for (unsigned i = 0; i < del && n > 0; i++) {
			unsigned j = rnd(n);

			free(rules[j]);
			rules[j] = rules[--n];
		}
		for (unsigned i = 0; i < add && n < DIFF_RULES * 2; i++) {
			if (n > 0 && rnd(10) == 0) {
				const struct vs_flow_rule *o = rules[rnd(n)];

				rules[n++] = rule_new(next_id++, rnd(8), &o->key, &o->mask);
			} else {
				rules[n++] = random_rule(next_id++, &mode);
			}
		}
		diff_round(seed, round, rules, n, &mode);
	}
	/* Down to nothing, one rule at a time at the end. */
	while (n > 0) {
		free(rules[--n]);
		if (n < 3)
			diff_round(seed, DIFF_ROUNDS + 1, rules, n, &mode);
	}
	free(rules);
}

static void
test_differential(void **state)
{
	const char *env = getenv("CLS_SEED");

	(void)state;
	if (env != NULL) {
		diff_seed(strtoull(env, NULL, 0));
		return;
	}
	for (uint64_t s = DIFF_SEED; s < DIFF_SEED + DIFF_N_SEEDS; s++)
		diff_seed(s);
}

/* ---- many rules ------------------------------------------------------- */

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* in_port + dl_dst rule number i: distinct for distinct i. */
static struct vs_flow_rule *
big_rule(uint32_t i, uint32_t prio)
{
	struct vs_flow_key key = { 0 }, mask = { 0 };

	key.in_port = i % 16;
	mask.in_port = 0xffff;
	mac_set(key.dl_dst, i / 16);
	memset(mask.dl_dst, 0xff, 6);
	return rule_new(i + 1, prio, &key, &mask);
}

static void
test_100k_rules(void **state)
{
	struct vs_flow_rule **rules = calloc(BIG_RULES, sizeof(*rules));
	struct vs_flow_key key;
	struct vs_cls *cls;
	double t0;

	(void)state;
	assert_non_null(rules);
	rng_seed(DIFF_SEED);
	for (uint32_t i = 0; i < BIG_RULES; i++)
		rules[i] = big_rule(i, rnd(1000));
	t0 = now_s();
	cls = build(rules, BIG_RULES);
	printf("  built %u rules in %.1f ms, %zu KiB\n", BIG_RULES, (now_s() - t0) * 1e3,
	       vs_cls_memory(cls) / 1024);
	assert_int_equal(vs_cls_n_tuples(cls), 1);
	assert_false(vs_cls_in_port_only(cls));
	for (unsigned i = 0; i < BIG_KEYS; i++) {
		uint32_t r = rnd(BIG_RULES);

		random_key(&key);
		key.in_port = rules[r]->key.in_port;
		memcpy(key.dl_dst, rules[r]->key.dl_dst, 6);
		assert_ptr_equal(vs_cls_lookup(cls, &key), rules[r]);
		/* The same MAC on another port is no rule's. */
		key.in_port = 16 + rnd(100);
		assert_null(vs_cls_lookup(cls, &key));
	}
	mac_set(key.dl_dst, BIG_RULES);
	key.in_port = 0;
	assert_null(vs_cls_lookup(cls, &key));
	vs_cls_free(cls);
	rules_free(rules, BIG_RULES);
	free(rules);
}

/* ---- benchmark (CLS_BENCH=1) ------------------------------------------ */

#define BENCH_KEYS 16384
#define BENCH_LOOKUPS (BENCH_KEYS * 200)

/* Rule i of 10 shapes, 10,000 each, all at one priority: no early exit. */
static struct vs_flow_rule *
bench_rule(uint32_t i, unsigned n_shapes)
{
	struct vs_flow_key key = { 0 }, mask = { 0 };
	uint32_t v = i / n_shapes;

	switch (i % n_shapes) {
	case 0:
		return big_rule(i, 100);
	case 1:
		mac_set(key.dl_dst, v);
		memset(mask.dl_dst, 0xff, 6);
		break;
	case 2:
		mac_set(key.dl_src, v);
		memset(mask.dl_src, 0xff, 6);
		break;
	case 3: case 4: case 5:
		key.dl_type = RTE_BE16(0x0800);
		mask.dl_type = 0xffff;
		key.nw_dst = rte_cpu_to_be_32(0x0a000000 + (v << (8 * (i % n_shapes - 3))));
		mask.nw_dst = rte_cpu_to_be_32(~0u << (8 * (i % n_shapes - 3)));
		break;
	case 6:
		key.dl_type = RTE_BE16(0x0800);
		mask.dl_type = 0xffff;
		key.nw_src = rte_cpu_to_be_32(0x0a000000 + v);
		mask.nw_src = RTE_BE32(0xffffffff);
		break;
	case 7:
		key.dl_type = RTE_BE16(0x0800);
		mask.dl_type = 0xffff;
		key.nw_proto = 6;
		mask.nw_proto = 0xff;
		key.tp_dst = rte_cpu_to_be_16(v);
		mask.tp_dst = 0xffff;
		key.nw_src = rte_cpu_to_be_32(v);
		mask.nw_src = RTE_BE32(0xffffffff);
		break;
	case 8:
		key.dl_type = RTE_BE16(0x86dd);
		mask.dl_type = 0xffff;
		key.ipv6_dst[0] = 0x20;
		memcpy(&key.ipv6_dst[12], &v, 4);
		memset(mask.ipv6_dst, 0xff, 16);
		break;
	default:
		key.dl_type = RTE_BE16(0x86dd);
		mask.dl_type = 0xffff;
		memcpy(&key.ipv6_src[4], &v, 4);
		set_prefix(mask.ipv6_src, 16, 64);
		break;
	}
	return rule_new(i + 1, 100, &key, &mask);
}

static void
bench_one(unsigned n_shapes)
{
	struct vs_flow_rule **rules = calloc(BIG_RULES, sizeof(*rules));
	struct vs_flow_key *keys = calloc(BENCH_KEYS, sizeof(*keys));
	double build_best = 1e9, t0, t;
	volatile uintptr_t sink = 0;
	struct vs_cls *cls = NULL;

	if (rules == NULL || keys == NULL)
		abort();
	for (uint32_t i = 0; i < BIG_RULES; i++)
		rules[i] = bench_rule(i, n_shapes);
	for (int rep = 0; rep < 5; rep++) {
		vs_cls_free(cls);
		t0 = now_s();
		cls = vs_cls_build(rules, BIG_RULES, SOCKET_ID_ANY);
		t = now_s() - t0;
		if (cls == NULL)
			abort();
		if (t < build_best)
			build_best = t;
	}
	/* Keys of random rules, free fields random. */
	for (unsigned i = 0; i < BENCH_KEYS; i++) {
		struct vs_flow_rule *r = rules[rnd(BIG_RULES)];

		derived_key(r, &keys[i]);
		{
			uint64_t k[KEY_WORDS], m[KEY_WORDS], rk[KEY_WORDS];

			words_of(&keys[i], k);
			words_of(&r->mask, m);
			words_of(&r->key, rk);
			for (unsigned w = 0; w < KEY_WORDS; w++)
				k[w] = (k[w] & ~m[w]) | rk[w];  /* undo any perturbation */
			key_of_words(&keys[i], k);
		}
	}
	t0 = now_s();
	for (unsigned i = 0; i < BENCH_LOOKUPS; i++)
		sink = sink + (uintptr_t)vs_cls_lookup(cls, &keys[i % BENCH_KEYS]);
	t = now_s() - t0;
	printf("%u rules, %2u mask(s) (%u tuples, %zu KiB): build %.1f ms, "
	       "lookup %.1f ns/op (hits, every tuple visited)\n", BIG_RULES, n_shapes,
	       vs_cls_n_tuples(cls), vs_cls_memory(cls) / 1024, build_best * 1e3,
	       t * 1e9 / BENCH_LOOKUPS);
	vs_cls_free(cls);
	rules_free(rules, BIG_RULES);
	free(rules);
	free(keys);
}

static void
bench(void)
{
	rng_seed(DIFF_SEED);
	bench_one(1);
	bench_one(10);
}

int
main(void)
{
	char prefix[64];
	char *argv[] = {
		"test_classifier", "--no-huge", "-m", "512", "--no-pci", "--no-shconf",
		"--no-telemetry", prefix, "-l", "0", "--log-level=3",
	};
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_exact_match),
		cmocka_unit_test(test_priorities_across_tuples),
		cmocka_unit_test(test_tie_older_wins),
		cmocka_unit_test(test_shadowed),
		cmocka_unit_test(test_wildcard),
		cmocka_unit_test(test_unmatchable_rule),
		cmocka_unit_test(test_in_port_only),
		cmocka_unit_test(test_differential),
		cmocka_unit_test(test_100k_rules),
	};
	const char *b = getenv("CLS_BENCH");
	char rundir[PATH_MAX];
	int ret = 0;

	snprintf(prefix, sizeof(prefix), "--file-prefix=tcls%d", (int)getpid());
	if (rte_eal_init(RTE_DIM(argv), argv) < 0) {
		fprintf(stderr, "test_classifier: cannot initialise EAL\n");
		return 1;
	}
	if (b != NULL && strcmp(b, "0") != 0)
		bench();
	else
		ret = cmocka_run_group_tests(tests, NULL, NULL);
	/* EAL leaves its runtime directory behind (empty with --no-shconf). */
	snprintf(rundir, sizeof(rundir), "%s", rte_eal_get_runtime_dir());
	rte_eal_cleanup();
	rmdir(rundir);
	return ret;
}
