/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * MAC table, control side: the single writer (see datapath/fdb.h).
 * Adds fill the entry before publishing its key; deletes leave a tombstone
 * whose place is reused only after an RCU grace period.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include <rte_errno.h>
#include <rte_malloc.h>
#include <rte_random.h>

#include "log.h"
#include "switch.h"

/* Entries keep port slots in one byte. */
_Static_assert(VS_MAX_PORTS <= 256, "vs_fdb_bucket.slot is 8 bits");

struct vs_fdb *
vs_fdb_create(uint32_t id, uint32_t capacity, uint32_t aging_s, char *err, size_t errlen)
{
	uint32_t n = vs_fdb_buckets(capacity);
	struct vs_fdb *f;

	(void)id;
	f = rte_zmalloc("vs_fdb", sizeof(*f), RTE_CACHE_LINE_SIZE);
	if (f == NULL)
		goto nomem;
	f->capacity = capacity;
	f->aging_s = aging_s;
	f->mask = n - 1;
	f->shift = 64 - rte_log2_u32(n);
	f->seed = (uint32_t)rte_rand();
	while ((aging_s >> f->seen_shift) > INT16_MAX)
		f->seen_shift++;
	f->buckets = rte_zmalloc("vs_fdb_buckets", vs_fdb_memsize(capacity),
				 sizeof(struct vs_fdb_bucket));
	/* Control-only bookkeeping stays off the hugepages; the FIFO has
	 * room for every place of the table, so it never overflows. */
	f->def_size = n * VS_FDB_WAYS;
	f->deferred = malloc(sizeof(*f->deferred) * f->def_size);
	if (f->buckets == NULL || f->deferred == NULL)
		goto nomem;
	return f;
nomem:
	snprintf(err, errlen, "cannot allocate a MAC table of %u entries (%u MB of hugepages): %s",
		 capacity, (unsigned)((vs_fdb_memsize(capacity) + (1 << 20) - 1) >> 20),
		 f != NULL && f->buckets != NULL ? "out of memory for its bookkeeping"
						 : rte_strerror(rte_errno ? rte_errno : ENOMEM));
	vs_fdb_destroy(f);
	return NULL;
}

void
vs_fdb_destroy(struct vs_fdb *f)
{
	if (f == NULL)
		return;
	rte_free(f->buckets);
	free(f->deferred);
	rte_free(f);
}

void
vs_fdb_reclaim(struct vs_fdb *f, struct rte_rcu_qsbr *qsv)
{
	while (f->def_n != 0) {
		struct vs_fdb_deferred *d = &f->deferred[f->def_head];

		if (rte_rcu_qsbr_check(qsv, d->token, false) != 1)
			break;
		__atomic_store_n(&f->buckets[d->pos >> 3].key[d->pos & 7], 0, __ATOMIC_RELAXED);
		f->def_head = (f->def_head + 1) % f->def_size;
		f->def_n--;
	}
}

/* An empty way of bucket b, or -1 (tombstones wait for their grace period). */
static int
free_way(const struct vs_fdb_bucket *b)
{
	for (int w = 0; w < VS_FDB_WAYS; w++)
		if (b->key[w] == 0)
			return w;
	return -1;
}

/* Fill way w of bucket b and publish it. */
static void
put(struct vs_fdb_bucket *b, int w, uint64_t key, uint16_t slot, uint16_t stamp)
{
	b->slot[w] = (uint8_t)slot;
	b->seen[w] = stamp;
	__atomic_store_n(&b->key[w], key | VS_FDB_USED, __ATOMIC_RELEASE);
}

/* Put key in bucket s, its secondary: its primary p counts it first. */
static void
put_away(struct vs_fdb *f, uint32_t p, uint32_t s, int w, uint64_t key, uint16_t slot,
	 uint16_t stamp)
{
	struct vs_fdb_bucket *pb = &f->buckets[p];

	__atomic_store_n(&pb->n_away, pb->n_away + 1, __ATOMIC_RELEASE);
	put(&f->buckets[s], w, key, slot, stamp);
}

/* Tombstone the entry at pos; its place waits for `token`. */
static void
kill(struct vs_fdb *f, uint32_t pos, uint64_t token)
{
	struct vs_fdb_bucket *b = &f->buckets[pos >> 3];
	uint64_t key = b->key[pos & 7] & ~VS_FDB_USED;
	uint32_t p = vs_fdb_primary(f, key);
	struct vs_fdb_deferred *d;

	__atomic_store_n(&b->key[pos & 7], VS_FDB_TOMB, __ATOMIC_RELEASE);
	if (p != pos >> 3) {
		struct vs_fdb_bucket *pb = &f->buckets[p];

		__atomic_store_n(&pb->n_away, pb->n_away - 1, __ATOMIC_RELEASE);
	}
	d = &f->deferred[(f->def_head + f->def_n) % f->def_size];
	d->pos = pos;
	d->token = token;
	f->def_n++;
}

/*
 * Both buckets of a new key are full: move one of their entries that lives
 * in its primary bucket to its secondary, where there is room. The new
 * key's turn comes when the moved entry's old place is free again, after a
 * grace period (the PMDs keep asking to learn a MAC they do not find).
 * Returns 0 if room is being made.
 *
 * Only moves away from the primary: the primary counts the entry away,
 * the entry is written in its secondary, then its old place becomes a
 * tombstone, so a lookup running meanwhile finds it in one place or the
 * other. (Moving an entry back home could be missed by a lookup that read
 * the primary before the write and n_away after the decrement.)
 */
static int
make_room(struct vs_fdb *f, struct rte_rcu_qsbr *qsv, const uint32_t bkt[2])
{
	/* A tombstone in either bucket: room is on its way already; moving
	 * more entries at each repeated request would empty the buckets. */
	for (int i = 0; i < 2; i++)
		for (int w = 0; w < VS_FDB_WAYS; w++)
			if (f->buckets[bkt[i]].key[w] == VS_FDB_TOMB)
				return 0;
	for (int i = 0; i < 2; i++) {
		struct vs_fdb_bucket *b = &f->buckets[bkt[i]];

		if (b->n_away == VS_FDB_AWAY_MAX)
			continue;
		for (int w = 0; w < VS_FDB_WAYS; w++) {
			uint64_t key = b->key[w] & ~VS_FDB_USED;
			uint32_t s;
			int tw;

			if (!(b->key[w] & VS_FDB_USED) || vs_fdb_primary(f, key) != bkt[i])
				continue;
			s = vs_fdb_secondary(f, key, bkt[i]);
			tw = free_way(&f->buckets[s]);
			if (tw < 0)
				continue;
			put_away(f, bkt[i], s, tw, key, b->slot[w], b->seen[w]);
			kill(f, vs_fdb_pos(bkt[i], w), rte_rcu_qsbr_start(qsv));
			return 0;
		}
	}
	return -1;
}

int
vs_fdb_learn(struct vs_fdb *f, struct rte_rcu_qsbr *qsv, uint64_t key, uint16_t slot,
	     uint32_t now)
{
	uint16_t stamp = vs_fdb_stamp(f, now);
	uint32_t bkt[2];
	int64_t pos;
	int w;

	bkt[0] = vs_fdb_primary(f, key);
	pos = vs_fdb_find(f, key, bkt[0]);
	if (pos >= 0) {
		struct vs_fdb_bucket *b = &f->buckets[pos >> 3];

		if (b->slot[pos & 7] != slot)   /* a move: one atomic store */
			__atomic_store_n(&b->slot[pos & 7], (uint8_t)slot, __ATOMIC_RELEASE);
		__atomic_store_n(&b->seen[pos & 7], stamp, __ATOMIC_RELAXED);
		return 0;
	}
	if (f->count >= f->capacity)
		return -ENOSPC;
	w = free_way(&f->buckets[bkt[0]]);
	if (w >= 0) {
		put(&f->buckets[bkt[0]], w, key, slot, stamp);
		f->count++;
		return 0;
	}
	bkt[1] = vs_fdb_secondary(f, key, bkt[0]);
	w = free_way(&f->buckets[bkt[1]]);
	if (w >= 0 && f->buckets[bkt[0]].n_away < VS_FDB_AWAY_MAX) {
		put_away(f, bkt[0], bkt[1], w, key, slot, stamp);
		f->count++;
		return 0;
	}
	/* Tombstones whose grace period is over may be in the way. */
	if (f->def_n != 0) {
		uint32_t before = f->def_n;

		vs_fdb_reclaim(f, qsv);
		if (f->def_n != before)
			return vs_fdb_learn(f, qsv, key, slot, now);
	}
	return make_room(f, qsv, bkt) == 0 ? -EAGAIN : -ENOSPC;
}

/* Delete every entry for which match() says so, under one grace period. */
static unsigned
fdb_delete_if(struct vs_fdb *f, struct rte_rcu_qsbr *qsv,
	      bool (*match)(const struct vs_fdb_bucket *b, int w, const void *arg), const void *arg)
{
	uint64_t token = 0;
	unsigned n = 0;

	if (f->count == 0)
		return 0;
	for (uint32_t i = 0; i <= f->mask; i++) {
		const struct vs_fdb_bucket *b = &f->buckets[i];

		for (int w = 0; w < VS_FDB_WAYS; w++) {
			if (!(b->key[w] & VS_FDB_USED) || !match(b, w, arg))
				continue;
			if (n++ == 0)
				token = rte_rcu_qsbr_start(qsv);
			kill(f, vs_fdb_pos(i, w), token);
		}
	}
	f->count -= n;
	return n;
}

struct age_arg {
	uint16_t now;                   /* stamps */
	uint16_t aging;
};

static bool
is_old(const struct vs_fdb_bucket *b, int w, const void *arg)
{
	const struct age_arg *a = arg;
	uint16_t age = a->now - __atomic_load_n(&b->seen[w], __ATOMIC_RELAXED);

	return age >= a->aging;
}

static bool
on_slot(const struct vs_fdb_bucket *b, int w, const void *arg)
{
	int slot = *(const int *)arg;

	return slot < 0 || b->slot[w] == slot;
}

unsigned
vs_fdb_age(struct vs_fdb *f, struct rte_rcu_qsbr *qsv, uint32_t now)
{
	uint32_t unit = 1u << f->seen_shift;
	struct age_arg a = {
		.now = vs_fdb_stamp(f, now),
		.aging = (uint16_t)((f->aging_s + unit - 1) >> f->seen_shift),
	};

	return fdb_delete_if(f, qsv, is_old, &a);
}

unsigned
vs_fdb_flush(struct vs_fdb *f, struct rte_rcu_qsbr *qsv, int slot)
{
	return fdb_delete_if(f, qsv, on_slot, &slot);
}

int
vs_fdb_next(const struct vs_fdb *f, uint32_t *next, uint32_t *pos)
{
	for (uint32_t p = *next; (p >> 3) <= f->mask; p++) {
		if ((p & 7) >= VS_FDB_WAYS || !(f->buckets[p >> 3].key[p & 7] & VS_FDB_USED))
			continue;
		*pos = p;
		*next = p + 1;
		return 0;
	}
	*next = (f->mask + 1) << 3;
	return -1;
}
