/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests of the MAC table: the control side (control/fdb_ctl.c: learn,
 * move, age, flush, overflow to secondary buckets, making room, RCU-deferred
 * reuse, capacity) through the datapath's lookup (datapath/fdb.h). Runs on
 * a real EAL without hugepages.
 */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <setjmp.h>
#include <cmocka.h>

#include <rte_eal.h>
#include <rte_malloc.h>
#include <rte_rcu_qsbr.h>

#include "fdb.h"
#include "switch.h"

#define CAP 1024                /* smallest table the config accepts */
#define W VS_FDB_WAYS
/* Places per entry of capacity, times 2, that fdb.h promises. */
#define PLACES_X2 5

static struct rte_rcu_qsbr *qsv;        /* one thread slot, normally unused */
static bool reader_online;              /* thread 0 of qsv is */

/* The MAC of test host n: locally administered unicast 02:00:nn:nn:nn:nn. */
static void
mac_of(uint32_t n, uint8_t mac[6])
{
	mac[0] = 0x02;
	mac[1] = 0x00;
	mac[2] = n >> 24;
	mac[3] = n >> 16;
	mac[4] = n >> 8;
	mac[5] = n;
}

static uint64_t
key_of(uint32_t n, uint16_t vlan)
{
	uint8_t mac[6];

	mac_of(n, mac);
	return vs_fdb_key(mac, vlan);
}

/* Look up one key from the PMD side: its position, or -1. */
static int64_t
lookup(const struct vs_fdb *f, uint64_t key)
{
	int64_t pos = INT64_MIN;

	vs_fdb_lookup_bulk(f, &key, 1, &pos);
	return pos;
}

static uint64_t
raw_key(const struct vs_fdb *f, int64_t pos)
{
	return f->buckets[pos >> 3].key[pos & 7];
}

static uint16_t
seen_at(const struct vs_fdb *f, int64_t pos)
{
	return f->buckets[pos >> 3].seen[pos & 7];
}

static uint32_t
n_places(const struct vs_fdb *f)
{
	return (f->mask + 1) * W;
}

/* Number of keys[0..n) found, looked up in bulks of the largest size. */
static unsigned
count_found(const struct vs_fdb *f, const uint64_t *keys, unsigned n)
{
	unsigned found = 0;

	for (unsigned i = 0; i < n; i += VS_FDB_BULK_MAX) {
		unsigned k = RTE_MIN(n - i, (unsigned)VS_FDB_BULK_MAX);
		int64_t pos[VS_FDB_BULK_MAX];

		vs_fdb_lookup_bulk(f, &keys[i], k, pos);
		for (unsigned j = 0; j < k; j++) {
			assert_true(pos[j] >= -1);
			if (pos[j] >= 0 && vs_fdb_key_at(f, pos[j]) == keys[i + j])
				found++;
		}
	}
	return found;
}

/* Places of a bucket that are empty (key 0), not tombstones. */
static unsigned
n_empty(const struct vs_fdb *f, uint32_t b)
{
	unsigned n = 0;

	for (int w = 0; w < W; w++)
		n += f->buckets[b].key[w] == 0;
	return n;
}

struct census {
	uint32_t live, tomb, empty;
};

/*
 * Walk every place and check the table's invariants: a live key sits in
 * its primary or its secondary bucket, once, where a lookup finds it; each
 * bucket's n_away counts its keys living in their secondary; `count` is
 * the live entries and `def_n` the tombstones.
 */
static struct census
check_table(const struct vs_fdb *f)
{
	uint32_t nb = f->mask + 1;
	uint32_t *away = calloc(nb, sizeof(*away));
	struct census c = { 0, 0, 0 };

	assert_non_null(away);
	for (uint32_t b = 0; b < nb; b++) {
		for (int w = 0; w < W; w++) {
			uint64_t k = f->buckets[b].key[w];
			uint32_t p, s;

			if (k == 0) {
				c.empty++;
				continue;
			}
			if (k == VS_FDB_TOMB) {
				c.tomb++;
				continue;
			}
			assert_true(k & VS_FDB_USED);
			c.live++;
			k &= ~VS_FDB_USED;
			p = vs_fdb_primary(f, k);
			s = vs_fdb_secondary(f, k, p);
			assert_true(b == p || b == s);
			if (b != p)
				away[p]++;
			assert_int_equal(lookup(f, k), vs_fdb_pos(b, w));
		}
	}
	for (uint32_t b = 0; b < nb; b++)
		assert_int_equal(f->buckets[b].n_away, away[b]);
	free(away);
	assert_int_equal(c.live, f->count);
	assert_int_equal(c.tomb, f->def_n);
	return c;
}

/*
 * Learn as control does, for a MAC that must get in: -EAGAIN (both its
 * buckets full; an entry was moved) is followed by the PMDs asking again
 * after a quiescent state, and then the key has a place.
 */
static void
learn_ok(struct vs_fdb *f, uint64_t key, uint16_t slot, uint32_t now)
{
	int rc = vs_fdb_learn(f, qsv, key, slot, now);

	if (rc == -EAGAIN) {
		if (reader_online)
			rte_rcu_qsbr_quiescent(qsv, 0);
		rc = vs_fdb_learn(f, qsv, key, slot, now);
	}
	assert_int_equal(rc, 0);
}

/* Both buckets of key are full of live entries: learning it must move one. */
static bool
both_full_live(const struct vs_fdb *f, uint64_t key)
{
	uint32_t p = vs_fdb_primary(f, key);
	uint32_t b[2] = { p, vs_fdb_secondary(f, key, p) };

	for (int i = 0; i < 2; i++)
		for (int w = 0; w < W; w++)
			if (!(f->buckets[b[i]].key[w] & VS_FDB_USED))
				return false;
	return true;
}

/* The first candidate key_of(*n, vlan), *n counting up, with primary b. */
static uint64_t
key_in(const struct vs_fdb *f, uint32_t b, uint32_t *n, uint16_t vlan)
{
	for (;; (*n)++) {
		uint64_t k = key_of(*n, vlan);

		if (vs_fdb_primary(f, k) == b) {
			(*n)++;
			return k;
		}
	}
}

static int
setup(void **state)
{
	char err[256] = "";
	struct vs_fdb *f = vs_fdb_create(1, CAP, 300, err, sizeof(err));

	if (f == NULL) {
		fprintf(stderr, "vs_fdb_create: %s\n", err);
		return -1;
	}
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	vs_fdb_destroy(*state);
	return 0;
}

static void
test_key_round_trip(void **state)
{
	const uint8_t mac[6] = { 0xfe, 0xdc, 0xba, 0x98, 0x76, 0x54 };
	uint8_t frame[8] = { 0xfe, 0xdc, 0xba, 0x98, 0x76, 0x54, 0xaa, 0xbb };
	uint8_t back[6];
	uint64_t k;

	(void)state;
	/* The MAC in memory order (x86: little endian), VLAN on top. */
	k = vs_fdb_key(mac, 4094);
	assert_true(k == 0x0ffe547698badcfeULL);
	assert_int_equal(vs_fdb_key_vlan(k), 4094);
	vs_fdb_key_mac(k, back);
	assert_memory_equal(back, mac, 6);
	/* The PMD's one-load key, as stored, ignores the bytes after the MAC;
	 * its I/G bit is the MAC's. */
	assert_true(vs_fdb_stored_frame(frame, vs_fdb_vtag(4094)) == (k | VS_FDB_USED));
	assert_false(vs_fdb_key_multicast(k));
	frame[0] |= 1;
	assert_true(vs_fdb_key_multicast(vs_fdb_stored_frame(frame, vs_fdb_vtag(4094))));
	frame[0] &= ~1;

	k = vs_fdb_key(mac, 0);
	assert_true(k == 0x0000547698badcfeULL);
	assert_int_equal(vs_fdb_key_vlan(k), 0);
	memset(back, 0, sizeof(back));
	vs_fdb_key_mac(k, back);
	assert_memory_equal(back, mac, 6);
	/* The same MAC in two VLANs: two keys. */
	assert_true(vs_fdb_key(mac, 10) != vs_fdb_key(mac, 20));
	/* No key has the bit that tells a stored key from an empty place or
	 * a tombstone. */
	memset(back, 0xff, sizeof(back));
	assert_true(!(vs_fdb_key(back, 4095) & VS_FDB_USED));
	/* The PMD finds the bucket of a key from the key as stored, control
	 * from the key: the same bucket. */
	for (uint32_t seed = 1; seed < 1000; seed += 37) {
		struct vs_fdb f = { .seed = seed, .mask = 0xffff };

		k = vs_fdb_key(mac, seed & 0xfff);
		assert_int_equal(vs_fdb_primary(&f, k), vs_fdb_primary_stored(&f, k | VS_FDB_USED));
	}

}

/*
 * One bucket's compare, alone: a key in any way is found there (the first
 * of two copies when a test puts two), a key differing in one bit of its
 * MAC or VLAN is not, nor are empty places and tombstones.
 */
static void
test_bucket_find(void **state)
{
	struct vs_fdb_bucket b;
	const uint64_t key = vs_fdb_key((const uint8_t[6]){ 2, 0, 0, 0, 0x12, 0x34 }, 7) | VS_FDB_USED;

	(void)state;
	for (unsigned w = 0; w < W; w++) {
		memset(&b, 0, sizeof(b));
		for (unsigned o = 0; o < W; o++)
			b.key[o] = o % 2 ? VS_FDB_TOMB : key ^ (1ULL << (o * 9));
		b.key[w] = key;
		assert_int_equal(vs_fdb_bucket_find(&b, key), w);
		for (unsigned bit = 0; bit < 60; bit++)
			assert_int_equal(vs_fdb_bucket_find(&b, key ^ (1ULL << bit)) == (int)w, 0);
		if (w + 1 < W) {
			b.key[W - 1] = key;
			assert_int_equal(vs_fdb_bucket_find(&b, key), w);
		}
		b.key[w] = 0;
		if (w + 1 < W)
			assert_int_equal(vs_fdb_bucket_find(&b, key), W - 1);
		else
			assert_int_equal(vs_fdb_bucket_find(&b, key), -1);
	}
	memset(&b, 0, sizeof(b));
	assert_int_equal(vs_fdb_bucket_find(&b, key), -1);
}

/*
 * What a lookup relies on: the keys and n_away of a bucket are in its first
 * cache line; the two buckets of a key differ; the table is a power of two
 * with the promised room.
 */
static void
test_layout(void **state)
{
	static const uint32_t caps[] = { 1024, 262144 };
	char err[256];

	(void)state;
	assert_int_equal(sizeof(struct vs_fdb_bucket) % RTE_CACHE_LINE_SIZE, 0);
	assert_true(sizeof(struct vs_fdb_bucket) <= 128);
	assert_int_equal(offsetof(struct vs_fdb_bucket, key), 0);
	assert_true(sizeof(((struct vs_fdb_bucket *)NULL)->key) <= 64);
	assert_true(offsetof(struct vs_fdb_bucket, n_away) < 64);
	/* Positions keep the way in 3 bits. */
	assert_true(W <= 8);

	for (unsigned c = 0; c < RTE_DIM(caps); c++) {
		uint32_t nb = vs_fdb_buckets(caps[c]);
		struct vs_fdb *f;

		assert_true(rte_is_power_of_2(nb));
		assert_true((uint64_t)nb * W * 2 >= (uint64_t)caps[c] * PLACES_X2);
		assert_true(vs_fdb_memsize(caps[c]) == (uint64_t)nb * sizeof(struct vs_fdb_bucket));

		f = vs_fdb_create(1, caps[c], 300, err, sizeof(err));
		assert_non_null(f);
		assert_int_equal(f->mask + 1, nb);
		assert_int_equal(f->capacity, caps[c]);
		assert_int_equal((uintptr_t)f->buckets % sizeof(struct vs_fdb_bucket), 0);
		for (uint32_t n = 0; n < 100000; n++) {
			uint64_t k = key_of(n * 2654435761u, n % 4096);
			uint32_t p = vs_fdb_primary(f, k);
			uint32_t s = vs_fdb_secondary(f, k, p);

			assert_true(p <= f->mask);
			assert_true(s <= f->mask);
			assert_true(s != p);
		}
		vs_fdb_destroy(f);
	}
}

static void
test_learn_new(void **state)
{
	struct vs_fdb *f = *state;
	uint64_t keys[3] = { key_of(1, 10), key_of(2, 10), key_of(3, 10) };
	int64_t pos, out[3];
	uint32_t next = 0, it;

	assert_true(lookup(f, keys[0]) < 0);
	assert_int_equal(vs_fdb_learn(f, qsv, keys[0], 7, 1000), 0);
	assert_int_equal(f->count, 1);
	pos = lookup(f, keys[0]);
	assert_true(pos >= 0);
	assert_int_equal(vs_fdb_slot(f, pos), 7);
	assert_true(vs_fdb_key_at(f, pos) == keys[0]);
	assert_int_equal(vs_fdb_key_vlan(vs_fdb_key_at(f, pos)), 10);
	assert_int_equal(seen_at(f, pos), vs_fdb_stamp(f, 1000));
	assert_int_equal(vs_fdb_age_of(f, pos, 1000), 0);
	assert_int_equal(vs_fdb_age_of(f, pos, 1042), 42);

	assert_int_equal(vs_fdb_learn(f, qsv, keys[2], 9, 1000), 0);
	vs_fdb_lookup_bulk(f, keys, 3, out);
	assert_int_equal(out[0], pos);
	assert_int_equal(out[1], -1);
	assert_true(out[2] >= 0);
	assert_int_not_equal(out[2], pos);
	assert_int_equal(vs_fdb_slot(f, out[2]), 9);
	assert_int_equal(f->count, 2);
	/* Not found in another VLAN. */
	assert_true(lookup(f, key_of(1, 11)) < 0);

	/* Iteration returns both positions, in order, then stops. */
	assert_int_equal(vs_fdb_next(f, &next, &it), 0);
	assert_int_equal(it, RTE_MIN(pos, out[2]));
	assert_int_equal(vs_fdb_next(f, &next, &it), 0);
	assert_int_equal(it, RTE_MAX(pos, out[2]));
	assert_int_equal(vs_fdb_next(f, &next, &it), -1);
	assert_int_equal(vs_fdb_next(f, &next, &it), -1);
	check_table(f);
}

static void
test_same_mac_two_vlans(void **state)
{
	struct vs_fdb *f = *state;
	int64_t a, b;

	assert_int_equal(vs_fdb_learn(f, qsv, key_of(5, 10), 1, 1), 0);
	assert_int_equal(vs_fdb_learn(f, qsv, key_of(5, 20), 2, 1), 0);
	assert_int_equal(f->count, 2);
	a = lookup(f, key_of(5, 10));
	b = lookup(f, key_of(5, 20));
	assert_true(a >= 0);
	assert_true(b >= 0);
	assert_int_not_equal(a, b);
	assert_int_equal(vs_fdb_slot(f, a), 1);
	assert_int_equal(vs_fdb_key_vlan(vs_fdb_key_at(f, a)), 10);
	assert_int_equal(vs_fdb_slot(f, b), 2);
	assert_int_equal(vs_fdb_key_vlan(vs_fdb_key_at(f, b)), 20);
	/* Flushing one port leaves the other VLAN's entry. */
	assert_int_equal(vs_fdb_flush(f, qsv, 1), 1);
	assert_true(lookup(f, key_of(5, 10)) < 0);
	assert_int_equal(raw_key(f, a), VS_FDB_TOMB);
	assert_int_equal(lookup(f, key_of(5, 20)), b);
	assert_int_equal(f->count, 1);
	check_table(f);
}

static void
test_move(void **state)
{
	struct vs_fdb *f = *state;
	int64_t pos;

	assert_int_equal(vs_fdb_learn(f, qsv, key_of(1, 10), 3, 100), 0);
	assert_int_equal(vs_fdb_learn(f, qsv, key_of(2, 10), 3, 100), 0);
	pos = lookup(f, key_of(1, 10));
	assert_true(pos >= 0);
	assert_int_equal(vs_fdb_learn(f, qsv, key_of(1, 10), 4, 150), 0);
	assert_int_equal(f->count, 2);
	/* Moved in place: same entry, new slot, refreshed. */
	assert_int_equal(lookup(f, key_of(1, 10)), pos);
	assert_int_equal(vs_fdb_slot(f, pos), 4);
	assert_int_equal(seen_at(f, pos), vs_fdb_stamp(f, 150));
	assert_int_equal(vs_fdb_slot(f, lookup(f, key_of(2, 10))), 3);
	assert_int_equal(f->def_n, 0);
	/* A flush of the old port no longer touches the moved entry. */
	assert_int_equal(vs_fdb_flush(f, qsv, 3), 1);
	assert_int_equal(lookup(f, key_of(1, 10)), pos);
	assert_int_equal(f->count, 1);
	check_table(f);
}

static void
test_age(void **state)
{
	struct vs_fdb *f = *state;      /* aging_s 300 */
	int64_t pos;

	assert_int_equal(vs_fdb_learn(f, qsv, key_of(1, 1), 1, 1000), 0);  /* old */
	assert_int_equal(vs_fdb_learn(f, qsv, key_of(2, 1), 1, 1000), 0);  /* refreshed */
	assert_int_equal(vs_fdb_learn(f, qsv, key_of(3, 1), 2, 1001), 0);  /* just fresh */
	assert_int_equal(vs_fdb_learn(f, qsv, key_of(4, 1), 2, 1250), 0);  /* fresh */
	/* Relearning refreshes `seen`. */
	assert_int_equal(vs_fdb_learn(f, qsv, key_of(2, 1), 1, 1200), 0);
	assert_int_equal(seen_at(f, lookup(f, key_of(2, 1))), vs_fdb_stamp(f, 1200));

	/* Nothing is 300 s old yet. */
	assert_int_equal(vs_fdb_age(f, qsv, 1299), 0);
	assert_int_equal(f->count, 4);
	/* At 1300, the entry seen at 1000 is exactly aging_s old: deleted. */
	assert_int_equal(vs_fdb_age(f, qsv, 1300), 1);
	assert_int_equal(f->count, 3);
	assert_true(lookup(f, key_of(1, 1)) < 0);
	assert_true(lookup(f, key_of(2, 1)) >= 0);
	assert_true(lookup(f, key_of(3, 1)) >= 0);
	assert_true(lookup(f, key_of(4, 1)) >= 0);

	/* A PMD refresh (a direct write of `seen`) keeps an entry alive. */
	pos = lookup(f, key_of(3, 1));
	f->buckets[pos >> 3].seen[pos & 7] = vs_fdb_stamp(f, 1400);
	assert_int_equal(vs_fdb_age(f, qsv, 1550), 2);    /* seen 1200 and 1250 */
	assert_int_equal(f->count, 1);
	assert_true(lookup(f, key_of(2, 1)) < 0);
	assert_true(lookup(f, key_of(4, 1)) < 0);
	assert_int_equal(lookup(f, key_of(3, 1)), pos);
	/* The clock wraps: an entry seen just before the wrap is not "old". */
	assert_int_equal(vs_fdb_learn(f, qsv, key_of(5, 1), 1, UINT32_MAX - 5), 0);
	assert_int_equal(vs_fdb_age_of(f, lookup(f, key_of(5, 1)), 10), 16);
	assert_int_equal(vs_fdb_age(f, qsv, 10), 1);      /* only key 3 */
	assert_true(lookup(f, key_of(5, 1)) >= 0);
	assert_int_equal(f->count, 1);
	check_table(f);
}

/* A long ageing time is kept in coarser stamps, to the unit. */
static void
test_age_coarse(void **state)
{
	const uint32_t aging = 24 * 3600;
	char err[256];
	struct vs_fdb *f;
	int64_t pos;

	(void)state;
	f = vs_fdb_create(1, CAP, aging, err, sizeof(err));
	assert_non_null(f);
	assert_true(f->seen_shift > 0);
	assert_true((aging >> f->seen_shift) <= INT16_MAX);
	assert_true((aging >> (f->seen_shift - 1)) > INT16_MAX);
	assert_int_equal(vs_fdb_learn(f, qsv, key_of(1, 1), 1, 100000), 0);
	pos = lookup(f, key_of(1, 1));
	assert_true(vs_fdb_age_of(f, pos, 100000 + aging - 1) < aging);
	assert_int_equal(vs_fdb_age(f, qsv, 100000 + aging - (1u << f->seen_shift)), 0);
	/* Deleted at aging_s, to within one unit. */
	assert_int_equal(vs_fdb_age(f, qsv, 100000 + aging + (1u << f->seen_shift)), 1);
	assert_int_equal(f->count, 0);
	vs_fdb_destroy(f);
}

static void
test_flush(void **state)
{
	struct vs_fdb *f = *state;
	uint64_t keys[30];
	struct census c;

	for (uint32_t i = 0; i < 30; i++) {
		keys[i] = key_of(i, 1 + i % 3);
		assert_int_equal(vs_fdb_learn(f, qsv, keys[i], i % 3, 1), 0);
	}
	assert_int_equal(f->count, 30);
	assert_int_equal(vs_fdb_flush(f, qsv, 2), 10);
	assert_int_equal(f->count, 20);
	for (uint32_t i = 0; i < 30; i++) {
		int64_t pos = lookup(f, keys[i]);

		if (i % 3 == 2) {
			assert_true(pos < 0);
		} else {
			assert_true(pos >= 0);
			assert_int_equal(vs_fdb_slot(f, pos), i % 3);
		}
	}
	assert_int_equal(vs_fdb_flush(f, qsv, 2), 0);     /* nothing left there */
	assert_int_equal(vs_fdb_flush(f, qsv, 9), 0);     /* a port without entries */
	assert_int_equal(vs_fdb_flush(f, qsv, -1), 20);
	assert_int_equal(f->count, 0);
	assert_int_equal(count_found(f, keys, 30), 0);
	c = check_table(f);
	assert_int_equal(c.tomb, 30);
	/* Every place comes back after the grace period (none is pending). */
	vs_fdb_reclaim(f, qsv);
	assert_int_equal(f->def_n, 0);
	c = check_table(f);
	assert_int_equal(c.empty, n_places(f));
}

/* Fill the table with keys 0..CAP-1 of VLAN 1 on slot k % 4. */
static void
fill(struct vs_fdb *f, uint64_t *keys)
{
	for (uint32_t i = 0; i < CAP; i++) {
		keys[i] = key_of(i, 1);
		learn_ok(f, keys[i], i % 4, 1);
	}
	assert_int_equal(f->count, CAP);
	assert_int_equal(count_found(f, keys, CAP), CAP);
}

static void
test_capacity(void **state)
{
	struct vs_fdb *f = *state;
	static uint64_t keys[CAP];
	static struct vs_fdb_bucket before[CAP];
	uint32_t nb = f->mask + 1;
	uint64_t more[8];
	struct census c;

	assert_true(nb <= CAP);
	fill(f, keys);
	c = check_table(f);
	assert_int_equal(c.live, CAP);
	/* The 1025th distinct MAC is refused and changes nothing. */
	memcpy(before, f->buckets, nb * sizeof(*before));
	assert_int_equal(vs_fdb_learn(f, qsv, key_of(CAP, 1), 0, 1), -ENOSPC);
	assert_memory_equal(before, f->buckets, nb * sizeof(*before));
	assert_int_equal(f->count, CAP);
	assert_true(lookup(f, key_of(CAP, 1)) < 0);
	assert_int_equal(count_found(f, keys, CAP), CAP);
	/* A known MAC still moves and refreshes when the table is full. */
	assert_int_equal(vs_fdb_learn(f, qsv, keys[0], 3, 2), 0);
	assert_int_equal(vs_fdb_slot(f, lookup(f, keys[0])), 3);
	assert_int_equal(f->count, CAP);

	/* Free a quarter (slot 1), reclaim: new MACs fit again, exactly. */
	assert_int_equal(vs_fdb_flush(f, qsv, 1), CAP / 4);
	assert_int_equal(f->count, CAP - CAP / 4);
	assert_int_equal(check_table(f).tomb, CAP / 4);
	vs_fdb_reclaim(f, qsv);
	assert_int_equal(f->def_n, 0);
	c = check_table(f);
	assert_int_equal(c.empty, n_places(f) - (CAP - CAP / 4));
	for (uint32_t i = 0; i < CAP / 4; i++)
		learn_ok(f, key_of(CAP + i, 2), 1, 3);
	assert_int_equal(f->count, CAP);
	assert_int_equal(vs_fdb_learn(f, qsv, key_of(2 * CAP, 2), 1, 3), -ENOSPC);
	for (uint32_t i = 0; i < CAP; i++) {
		int64_t pos = lookup(f, keys[i]);

		if (i % 4 == 1)
			assert_true(pos < 0);
		else
			assert_true(pos >= 0);
	}
	for (uint32_t i = 0; i < 8; i++)
		more[i] = key_of(CAP + i * 31, 2);
	assert_int_equal(count_found(f, more, 8), 8);
	check_table(f);

	/* A full flush empties even a full table. */
	assert_int_equal(vs_fdb_flush(f, qsv, -1), CAP);
	assert_int_equal(f->count, 0);
	assert_int_equal(count_found(f, keys, CAP), 0);
	vs_fdb_reclaim(f, qsv);
	assert_int_equal(f->def_n, 0);
	assert_int_equal(check_table(f).empty, n_places(f));
	/* And takes CAP new MACs again. */
	fill(f, keys);
}

/*
 * Every entry goes, for flush and age alike, whatever the layout: keys in
 * their primary bucket and keys a full primary lent to their secondary.
 * Each set starts with N_SAME keys of one primary bucket, so that all but
 * W of them must live in their secondaries; the rest are arbitrary.
 */
#define N_SAME (3 * W)

static void
test_delete_all_any_layout(void **state)
{
	struct vs_fdb *f = *state;
	static uint64_t keys[CAP];

	for (uint32_t set = 0; set < 16; set++) {
		uint32_t b, n = 0x40000000 + set * 0x100000;
		uint32_t next = 0, pos, prev = 0, n_iter = 0;

		/* The shared primary: the first candidate's. */
		b = vs_fdb_primary(f, key_of(n, 1));
		for (uint32_t i = 0; i < N_SAME; i++) {
			keys[i] = key_in(f, b, &n, 1);
			assert_int_equal(vs_fdb_learn(f, qsv, keys[i], i % 2, set), 0);
		}
		assert_int_equal(n_empty(f, b), 0);
		assert_int_equal(f->buckets[b].n_away, N_SAME - W);
		assert_int_equal(count_found(f, keys, N_SAME), N_SAME);
		for (uint32_t i = 0; i < N_SAME; i++)
			assert_true(vs_fdb_key_at(f, lookup(f, keys[i])) == keys[i]);
		check_table(f);

		for (uint32_t i = N_SAME; i < CAP; i++) {
			keys[i] = key_of(set * 100000 + i, 1);
			learn_ok(f, keys[i], i % 2, set);
		}
		assert_int_equal(f->count, CAP);
		assert_int_equal(count_found(f, keys, CAP), CAP);
		assert_true(f->buckets[b].n_away >= N_SAME - W);
		check_table(f);
		/* Iteration visits each live entry once, in order. */
		while (vs_fdb_next(f, &next, &pos) == 0) {
			assert_true(n_iter == 0 || pos > prev);
			assert_true(raw_key(f, pos) & VS_FDB_USED);
			assert_int_equal(lookup(f, vs_fdb_key_at(f, pos)), pos);
			prev = pos;
			n_iter++;
		}
		assert_int_equal(n_iter, CAP);

		if (set % 2 == 0) {
			assert_int_equal(vs_fdb_flush(f, qsv, 1), CAP / 2);
			assert_int_equal(f->count, CAP / 2);
			for (uint32_t i = 0; i < CAP; i++)
				assert_true((lookup(f, keys[i]) >= 0) == (i % 2 == 0));
			check_table(f);
			assert_int_equal(vs_fdb_flush(f, qsv, -1), CAP / 2);
		} else {
			assert_int_equal(vs_fdb_age(f, qsv, set + 300), CAP);
		}
		assert_int_equal(f->count, 0);
		assert_int_equal(count_found(f, keys, CAP), 0);
		assert_int_equal(f->buckets[b].n_away, 0);
		assert_int_equal(check_table(f).tomb, CAP);     /* every n_away is 0 */
		next = 0;
		assert_int_equal(vs_fdb_next(f, &next, &pos), -1);
		vs_fdb_reclaim(f, qsv);
		assert_int_equal(f->def_n, 0);
		assert_int_equal(check_table(f).empty, n_places(f));
	}
}

/*
 * A MAC whose two buckets are full of live keys: learning it moves one of
 * them to its other bucket and says -EAGAIN; once the moved entry's old
 * place is reclaimed, the MAC gets that place.
 */
static void
test_make_room(void **state)
{
	struct vs_fdb *f = *state;
	uint64_t old[2 * W], k;
	int64_t was[2 * W], pos, freed = -1;
	uint32_t p, q, n = 1, moved = 0;

	k = key_of(0x30000000, 5);
	q = vs_fdb_primary(f, k);
	p = vs_fdb_secondary(f, k, q);
	/* P full of keys whose primary is P, then Q of keys whose primary is Q. */
	for (int i = 0; i < 2 * W; i++) {
		old[i] = key_in(f, i < W ? p : q, &n, 5);
		assert_true(old[i] != k);
		assert_int_equal(vs_fdb_learn(f, qsv, old[i], i, 7), 0);
		was[i] = lookup(f, old[i]);
		assert_int_equal(was[i] >> 3, i < W ? p : q);
	}
	assert_int_equal(n_empty(f, p), 0);
	assert_int_equal(n_empty(f, q), 0);
	assert_true(both_full_live(f, k));
	assert_int_equal(f->def_n, 0);

	assert_int_equal(vs_fdb_learn(f, qsv, k, 40, 8), -EAGAIN);
	assert_int_equal(f->count, 2 * W);
	assert_true(lookup(f, k) < 0);
	assert_int_equal(f->def_n, 1);
	for (int i = 0; i < 2 * W; i++) {
		pos = lookup(f, old[i]);
		assert_true(pos >= 0);
		assert_int_equal(vs_fdb_slot(f, pos), i);
		assert_int_equal(seen_at(f, pos), vs_fdb_stamp(f, 7));
		if (pos == was[i])
			continue;
		/* Moved to its other bucket, out of both of k's. */
		moved++;
		freed = was[i];
		assert_true(pos >> 3 != p && pos >> 3 != q);
		assert_int_equal(raw_key(f, was[i]), VS_FDB_TOMB);
	}
	assert_int_equal(moved, 1);
	check_table(f);

	/* No reader online: the place is free after reclaim, and k takes it. */
	vs_fdb_reclaim(f, qsv);
	assert_int_equal(f->def_n, 0);
	assert_int_equal(raw_key(f, freed), 0);
	assert_int_equal(vs_fdb_learn(f, qsv, k, 40, 8), 0);
	assert_int_equal(f->count, 2 * W + 1);
	pos = lookup(f, k);
	assert_int_equal(pos, freed);
	assert_int_equal(vs_fdb_slot(f, pos), 40);
	assert_int_equal(seen_at(f, pos), vs_fdb_stamp(f, 8));
	for (int i = 0; i < 2 * W; i++) {
		pos = lookup(f, old[i]);
		assert_true(pos >= 0);
		assert_int_equal(vs_fdb_slot(f, pos), i);
	}
	check_table(f);
}

/* Deletes leave tombstones: without a reader they never stand in the way. */
static void
test_full_reclaims_on_learn(void **state)
{
	struct vs_fdb *f = *state;
	static uint64_t keys[CAP];

	fill(f, keys);
	assert_int_equal(vs_fdb_age(f, qsv, 1000), CAP);  /* all old */
	assert_int_equal(f->count, 0);
	assert_int_equal(f->def_n, CAP);
	assert_int_equal(check_table(f).tomb, CAP);
	/* No explicit reclaim: learn reclaims when it runs out. A refusal is
	 * right only when both buckets are full of live keys. */
	for (uint32_t i = 0; i < CAP; i++) {
		int rc;

		keys[i] = key_of(5000 + i, 7);
		if (both_full_live(f, keys[i])) {
			assert_int_equal(vs_fdb_learn(f, qsv, keys[i], i % 4, 1000), -EAGAIN);
			/* The moved entry's place is reclaimed by the next try. */
		}
		rc = vs_fdb_learn(f, qsv, keys[i], i % 4, 1000);
		assert_int_equal(rc, 0);
	}
	assert_int_equal(f->count, CAP);
	assert_int_equal(count_found(f, keys, CAP), CAP);
	for (uint32_t i = 0; i < CAP; i++)
		assert_int_equal(vs_fdb_slot(f, lookup(f, keys[i])), i % 4);
	check_table(f);
}

/*
 * A PMD (thread 0) is online and has not reported a quiescent state since
 * the delete: the tombstoned places must not be reused.
 */
static void
test_rcu_defers_reuse(void **state)
{
	struct vs_fdb *f = *state;
	static uint64_t keys[CAP];
	static int64_t tomb[CAP / 4];
	uint64_t gone = key_of(5, 1);   /* slot 1 */
	uint32_t n_tomb = 0, n_new = 0, n_busy = 0, cand = CAP;
	int64_t old;

	fill(f, keys);
	assert_int_equal(rte_rcu_qsbr_thread_register(qsv, 0), 0);
	rte_rcu_qsbr_thread_online(qsv, 0);
	reader_online = true;
	old = lookup(f, gone);
	assert_true(old >= 0);
	for (uint32_t i = 1; i < CAP; i += 4)
		tomb[n_tomb++] = lookup(f, keys[i]);

	assert_int_equal(vs_fdb_flush(f, qsv, 1), CAP / 4);
	assert_int_equal(f->count, CAP - CAP / 4);
	assert_true(lookup(f, gone) < 0);
	assert_int_equal(f->def_n, CAP / 4);
	vs_fdb_reclaim(f, qsv);
	assert_int_equal(f->def_n, CAP / 4);
	for (uint32_t i = 0; i < n_tomb; i++)
		assert_int_equal(raw_key(f, tomb[i]), VS_FDB_TOMB);

	/* New MACs get in where there is room, never on a tombstone; one
	 * with no empty place in either bucket has room made (-EAGAIN). */
	while (n_new < CAP / 8) {
		uint64_t k = key_of(cand++, 1);
		uint32_t p = vs_fdb_primary(f, k);
		bool room = n_empty(f, p) > 0 || n_empty(f, vs_fdb_secondary(f, k, p)) > 0;
		int rc = vs_fdb_learn(f, qsv, k, 0, 2);
		int64_t pos = lookup(f, k);

		if (room) {
			assert_int_equal(rc, 0);
			assert_true(pos >= 0);
			for (uint32_t i = 0; i < n_tomb; i++)
				assert_int_not_equal(pos, tomb[i]);
			n_new++;
		} else {
			assert_int_not_equal(rc, 0);
			assert_true(pos < 0);
			n_busy++;
		}
	}
	assert_int_equal(f->count, CAP - CAP / 4 + n_new);
	assert_int_equal(vs_fdb_slot(f, old), 1);       /* what the reader may still see */
	vs_fdb_reclaim(f, qsv);
	for (uint32_t i = 0; i < n_tomb; i++)
		assert_int_equal(raw_key(f, tomb[i]), VS_FDB_TOMB);
	assert_true(f->def_n >= CAP / 4);
	check_table(f);

	/* The reader reports: every place comes back. */
	rte_rcu_qsbr_quiescent(qsv, 0);
	vs_fdb_reclaim(f, qsv);
	assert_int_equal(f->def_n, 0);
	for (uint32_t i = 0; i < n_tomb; i++)
		assert_int_equal(raw_key(f, tomb[i]), 0);
	while (f->count < CAP)
		learn_ok(f, key_of(cand++, 1), 0, 2);
	assert_int_equal(check_table(f).tomb, 0);

	/* A second batch waits for its own grace period, not the first's. */
	assert_int_equal(vs_fdb_age(f, qsv, 301), 3 * CAP / 4);   /* seen 1 */
	vs_fdb_reclaim(f, qsv);
	assert_int_equal(f->def_n, 3 * CAP / 4);
	rte_rcu_qsbr_quiescent(qsv, 0);
	vs_fdb_reclaim(f, qsv);
	assert_int_equal(f->def_n, 0);
	assert_int_equal(f->count, CAP / 4);
	assert_int_equal(check_table(f).empty, n_places(f) - CAP / 4);

	reader_online = false;
	rte_rcu_qsbr_thread_offline(qsv, 0);
	assert_int_equal(rte_rcu_qsbr_thread_unregister(qsv, 0), 0);
	fprintf(stderr, "[   INFO   ] rcu_defers_reuse: %u of %u new MACs had no empty place\n",
		n_busy, n_busy + n_new);
}

static void
test_create_errors(void **state)
{
	char err[256] = "";
	struct vs_fdb *f, *g;

	(void)state;
	/* Bridge ids name nothing global: the same id twice is fine. */
	f = vs_fdb_create(7, CAP, 300, err, sizeof(err));
	g = vs_fdb_create(7, CAP, 300, err, sizeof(err));
	assert_non_null(f);
	assert_non_null(g);
	assert_ptr_not_equal(f->buckets, g->buckets);
	vs_fdb_destroy(g);
	vs_fdb_destroy(f);
	/* More than the EAL's 512 MB. */
	assert_true(vs_fdb_memsize(16777216) >= (512ULL << 20));
	assert_null(vs_fdb_create(8, 16777216, 300, err, sizeof(err)));
	assert_non_null(strstr(err, "cannot allocate a MAC table of 16777216 entries"));
	vs_fdb_destroy(NULL);
}

int
main(void)
{
	char prefix[64];
	char *argv[] = {
		"test_fdb", "--no-huge", "-m", "512", "--no-pci", "--no-shconf",
		"--no-telemetry", prefix, "-l", "0", "--log-level=3",
	};
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_key_round_trip),
		cmocka_unit_test(test_layout),
		cmocka_unit_test(test_bucket_find),
		cmocka_unit_test_setup_teardown(test_learn_new, setup, teardown),
		cmocka_unit_test_setup_teardown(test_same_mac_two_vlans, setup, teardown),
		cmocka_unit_test_setup_teardown(test_move, setup, teardown),
		cmocka_unit_test_setup_teardown(test_age, setup, teardown),
		cmocka_unit_test(test_age_coarse),
		cmocka_unit_test_setup_teardown(test_flush, setup, teardown),
		cmocka_unit_test_setup_teardown(test_capacity, setup, teardown),
		cmocka_unit_test_setup_teardown(test_delete_all_any_layout, setup, teardown),
		cmocka_unit_test_setup_teardown(test_make_room, setup, teardown),
		cmocka_unit_test_setup_teardown(test_full_reclaims_on_learn, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rcu_defers_reuse, setup, teardown),
		cmocka_unit_test(test_create_errors),
	};
	char rundir[PATH_MAX];
	size_t sz;
	int ret;

#ifdef __AVX2__
	/* This build (fdb_avx2) checks the MAC table's AVX2 compares, which
	 * the forwarding stage's AVX2 build inlines. */
	if (!__builtin_cpu_supports("avx2")) {
		printf("test_fdb: no AVX2 on this CPU: skipped\n");
		return 77;
	}
#endif
	snprintf(prefix, sizeof(prefix), "--file-prefix=tfdb%d", (int)getpid());
	if (rte_eal_init(RTE_DIM(argv), argv) < 0) {
		fprintf(stderr, "test_fdb: cannot initialise EAL\n");
		return 1;
	}
	sz = rte_rcu_qsbr_get_memsize(1);
	qsv = rte_zmalloc("test_rcu", sz, RTE_CACHE_LINE_SIZE);
	if (qsv == NULL || rte_rcu_qsbr_init(qsv, 1) != 0) {
		fprintf(stderr, "test_fdb: cannot create the RCU variable\n");
		return 1;
	}
	ret = cmocka_run_group_tests(tests, NULL, NULL);
	rte_free(qsv);
	/* EAL leaves its runtime directory behind (empty with --no-shconf). */
	snprintf(rundir, sizeof(rundir), "%s", rte_eal_get_runtime_dir());
	rte_eal_cleanup();
	rmdir(rundir);
	return ret;
}
