/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * MAC table, control side: the single writer (see datapath/fdb.h).
 * Adds fill the entry before publishing its key; deletes recycle the key
 * slot and the entry only after an RCU grace period.
 */
#include <errno.h>
#include <stdio.h>

#include <rte_errno.h>
#include <rte_hash_crc.h>
#include <rte_malloc.h>

#include "log.h"
#include "switch.h"

struct vs_fdb *
vs_fdb_create(uint32_t id, uint32_t capacity, uint32_t aging_s, char *err, size_t errlen)
{
	char name[RTE_HASH_NAMESIZE];
	struct rte_hash_parameters hp = {
		.name = name,
		.entries = capacity,
		.key_len = sizeof(struct vs_fdb_hkey),
		.hash_func = rte_hash_crc,
		.socket_id = SOCKET_ID_ANY,
		/* Lock-free readers, one writer; extendable buckets so the
		 * table holds `capacity` keys whatever their hashes. */
		.extra_flag = RTE_HASH_EXTRA_FLAGS_RW_CONCURRENCY_LF |
			      RTE_HASH_EXTRA_FLAGS_EXT_TABLE,
	};
	struct vs_fdb *f;

	snprintf(name, sizeof(name), "fdb%u", id);
	f = rte_zmalloc("vs_fdb", sizeof(*f), RTE_CACHE_LINE_SIZE);
	if (f == NULL)
		goto nomem;
	f->capacity = capacity;
	f->aging_s = aging_s;
	f->hash = rte_hash_create(&hp);
	f->entries = rte_zmalloc("vs_fdb_entries", sizeof(*f->entries) * capacity,
				 RTE_CACHE_LINE_SIZE);
	f->free_idx = rte_malloc("vs_fdb_free", sizeof(*f->free_idx) * capacity, 0);
	f->deferred = rte_malloc("vs_fdb_deferred", sizeof(*f->deferred) * capacity, 0);
	if (f->hash == NULL || f->entries == NULL || f->free_idx == NULL || f->deferred == NULL)
		goto nomem;
	for (uint32_t i = 0; i < capacity; i++)
		f->free_idx[i] = capacity - 1 - i;
	f->n_free = capacity;
	return f;
nomem:
	snprintf(err, errlen, "cannot allocate a MAC table of %u entries (%u MB of hugepages): %s",
		 capacity, (unsigned)((uint64_t)capacity * 96 >> 20) + 1,
		 rte_strerror(rte_errno ? rte_errno : ENOMEM));
	vs_fdb_destroy(f);
	return NULL;
}

void
vs_fdb_destroy(struct vs_fdb *f)
{
	if (f == NULL)
		return;
	rte_hash_free(f->hash);
	rte_free(f->entries);
	rte_free(f->free_idx);
	rte_free(f->deferred);
	rte_free(f);
}

void
vs_fdb_reclaim(struct vs_fdb *f, struct rte_rcu_qsbr *qsv)
{
	while (f->def_n != 0) {
		struct vs_fdb_deferred *d = &f->deferred[f->def_head];

		if (rte_rcu_qsbr_check(qsv, d->token, false) != 1)
			break;
		rte_hash_free_key_with_position(f->hash, d->pos);
		f->free_idx[f->n_free++] = d->idx;
		f->def_head = (f->def_head + 1) % f->capacity;
		f->def_n--;
	}
}

int
vs_fdb_learn(struct vs_fdb *f, struct rte_rcu_qsbr *qsv, uint64_t key, uint16_t slot,
	     uint32_t now)
{
	struct vs_fdb_hkey hk = { .key = key, .zero = 0 };
	struct vs_fdb_entry *e;
	void *data;
	uint32_t idx;

	if (rte_hash_lookup_data(f->hash, &hk, &data) >= 0) {
		e = data;
		if (e->slot != slot)            /* a move: one atomic store */
			__atomic_store_n(&e->slot, slot, __ATOMIC_RELEASE);
		e->seen = now;
		return 0;
	}
	if (f->n_free == 0)
		vs_fdb_reclaim(f, qsv);
	if (f->n_free == 0)
		return -ENOSPC;
	idx = f->free_idx[--f->n_free];
	e = &f->entries[idx];
	e->slot = slot;
	e->vlan = vs_fdb_key_vlan(key);
	e->seen = now;
	e->hkey = hk;
	if (rte_hash_add_key_data(f->hash, &hk, e) < 0) {
		f->free_idx[f->n_free++] = idx;
		return -ENOSPC;
	}
	f->count++;
	return 0;
}

/* Delete the key of entry e; its slot and entry wait for `token`. */
static void
fdb_delete(struct vs_fdb *f, struct vs_fdb_entry *e, uint64_t token)
{
	int32_t pos = rte_hash_del_key(f->hash, &e->hkey);
	struct vs_fdb_deferred *d;

	if (pos < 0)
		return;
	d = &f->deferred[(f->def_head + f->def_n) % f->capacity];
	d->pos = pos;
	d->idx = e - f->entries;
	d->token = token;
	f->def_n++;
	f->count--;
}

/*
 * Delete every entry for which match() says so. Matches are collected first
 * and deleted after the iteration: a delete moves the last key of the
 * bucket's chain (extendable buckets) into the freed place, behind the
 * iterator, which would then never see it. The matches are staged in the
 * unused part of the deferred FIFO, where their deletions go: live entries
 * plus pending deletes never exceed the capacity.
 */
static unsigned
fdb_delete_if(struct vs_fdb *f, struct rte_rcu_qsbr *qsv,
	      bool (*match)(const struct vs_fdb_entry *e, const void *arg), const void *arg)
{
	const void *key;
	void *data;
	uint32_t next = 0, staged = 0, first = f->def_head + f->def_n;
	unsigned n = f->count;
	uint64_t token;

	while (rte_hash_iterate(f->hash, &key, &data, &next) >= 0) {
		struct vs_fdb_entry *e = data;

		if (match(e, arg))
			f->deferred[(first + staged++) % f->capacity].idx = e - f->entries;
	}
	if (staged == 0)
		return 0;
	/* One grace period for the whole batch. fdb_delete() writes slot
	 * def_head + def_n, never past the staged slot i just read. */
	token = rte_rcu_qsbr_start(qsv);
	for (uint32_t i = 0; i < staged; i++)
		fdb_delete(f, &f->entries[f->deferred[(first + i) % f->capacity].idx], token);
	return n - f->count;
}

struct age_arg {
	uint32_t now;
	uint32_t aging_s;
};

static bool
is_old(const struct vs_fdb_entry *e, const void *arg)
{
	const struct age_arg *a = arg;

	return (uint32_t)(a->now - e->seen) >= a->aging_s;
}

static bool
on_slot(const struct vs_fdb_entry *e, const void *arg)
{
	int slot = *(const int *)arg;

	return slot < 0 || e->slot == slot;
}

unsigned
vs_fdb_age(struct vs_fdb *f, struct rte_rcu_qsbr *qsv, uint32_t now)
{
	struct age_arg a = { .now = now, .aging_s = f->aging_s };

	return fdb_delete_if(f, qsv, is_old, &a);
}

unsigned
vs_fdb_flush(struct vs_fdb *f, struct rte_rcu_qsbr *qsv, int slot)
{
	return fdb_delete_if(f, qsv, on_slot, &slot);
}
