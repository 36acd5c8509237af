/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests of the MAC table: the control side (control/fdb_ctl.c: learn,
 * move, age, flush, RCU-deferred reuse, capacity) through the datapath's
 * lookup (datapath/fdb.c). Runs on a real EAL without hugepages.
 */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
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

static struct rte_rcu_qsbr *qsv;        /* one thread slot, normally unused */
static uint32_t next_id = 100;          /* rte_hash names must be unique */

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

/* Look up one key from the PMD side. */
static struct vs_fdb_entry *
lookup(const struct vs_fdb *f, uint64_t key)
{
	struct vs_fdb_entry *e = (struct vs_fdb_entry *)1;

	vs_fdb_lookup_bulk(f, &key, 1, &e);
	return e;
}

/* Number of keys[0..n) found, looked up in bulks of the largest size. */
static unsigned
count_found(const struct vs_fdb *f, const uint64_t *keys, unsigned n)
{
	unsigned found = 0;

	for (unsigned i = 0; i < n; i += RTE_HASH_LOOKUP_BULK_MAX) {
		unsigned k = RTE_MIN(n - i, (unsigned)RTE_HASH_LOOKUP_BULK_MAX);
		struct vs_fdb_entry *out[RTE_HASH_LOOKUP_BULK_MAX];

		vs_fdb_lookup_bulk(f, &keys[i], k, out);
		for (unsigned j = 0; j < k; j++)
			if (out[j] != NULL && out[j]->hkey.key == keys[i + j])
				found++;
	}
	return found;
}

static int
setup(void **state)
{
	char err[256] = "";
	struct vs_fdb *f = vs_fdb_create(next_id++, CAP, 300, err, sizeof(err));

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
	uint8_t back[6];
	uint64_t k;

	(void)state;
	/* The MAC in memory order (x86: little endian), VLAN on top. */
	k = vs_fdb_key(mac, 4094);
	assert_true(k == 0x0ffe547698badcfeULL);
	assert_int_equal(vs_fdb_key_vlan(k), 4094);
	vs_fdb_key_mac(k, back);
	assert_memory_equal(back, mac, 6);

	k = vs_fdb_key(mac, 0);
	assert_true(k == 0x0000547698badcfeULL);
	assert_int_equal(vs_fdb_key_vlan(k), 0);
	memset(back, 0, sizeof(back));
	vs_fdb_key_mac(k, back);
	assert_memory_equal(back, mac, 6);
	/* The same MAC in two VLANs: two keys. */
	assert_true(vs_fdb_key(mac, 10) != vs_fdb_key(mac, 20));
}

/* The PMD computes signatures itself: they must be the table's. */
static void
test_sig_matches_table(void **state)
{
	struct vs_fdb *f;
	char err[256];

	(void)state;
	f = vs_fdb_create(99, 1024, 300, err, sizeof(err));
	assert_non_null(f);
	for (uint64_t k = 1; k < 1000; k++) {
		struct vs_fdb_hkey hk = { .key = k * 0x9e3779b97f4a7c15ULL, .zero = 0 };

		assert_int_equal(vs_fdb_sig(hk.key), rte_hash_hash(f->hash, &hk));
	}
	vs_fdb_destroy(f);
}

static void
test_learn_new(void **state)
{
	struct vs_fdb *f = *state;
	struct vs_fdb_entry *e;
	uint64_t keys[3] = { key_of(1, 10), key_of(2, 10), key_of(3, 10) };
	struct vs_fdb_entry *out[3];

	assert_null(lookup(f, keys[0]));
	assert_int_equal(vs_fdb_learn(f, qsv, keys[0], 7, 1000), 0);
	assert_int_equal(f->count, 1);
	e = lookup(f, keys[0]);
	assert_non_null(e);
	assert_int_equal(e->slot, 7);
	assert_int_equal(e->vlan, 10);
	assert_int_equal(e->seen, 1000);
	assert_true(e->hkey.key == keys[0]);

	assert_int_equal(vs_fdb_learn(f, qsv, keys[2], 9, 1000), 0);
	vs_fdb_lookup_bulk(f, keys, 3, out);
	assert_ptr_equal(out[0], e);
	assert_null(out[1]);
	assert_non_null(out[2]);
	assert_int_equal(out[2]->slot, 9);
	assert_int_equal(f->count, 2);
	/* Not found in another VLAN. */
	assert_null(lookup(f, key_of(1, 11)));
}

static void
test_same_mac_two_vlans(void **state)
{
	struct vs_fdb *f = *state;
	struct vs_fdb_entry *a, *b;

	assert_int_equal(vs_fdb_learn(f, qsv, key_of(5, 10), 1, 1), 0);
	assert_int_equal(vs_fdb_learn(f, qsv, key_of(5, 20), 2, 1), 0);
	assert_int_equal(f->count, 2);
	a = lookup(f, key_of(5, 10));
	b = lookup(f, key_of(5, 20));
	assert_non_null(a);
	assert_non_null(b);
	assert_ptr_not_equal(a, b);
	assert_int_equal(a->slot, 1);
	assert_int_equal(a->vlan, 10);
	assert_int_equal(b->slot, 2);
	assert_int_equal(b->vlan, 20);
	/* Flushing one port leaves the other VLAN's entry. */
	assert_int_equal(vs_fdb_flush(f, qsv, 1), 1);
	assert_null(lookup(f, key_of(5, 10)));
	assert_ptr_equal(lookup(f, key_of(5, 20)), b);
	assert_int_equal(f->count, 1);
}

static void
test_move(void **state)
{
	struct vs_fdb *f = *state;
	struct vs_fdb_entry *e;

	assert_int_equal(vs_fdb_learn(f, qsv, key_of(1, 10), 3, 100), 0);
	assert_int_equal(vs_fdb_learn(f, qsv, key_of(2, 10), 3, 100), 0);
	e = lookup(f, key_of(1, 10));
	assert_non_null(e);
	assert_int_equal(vs_fdb_learn(f, qsv, key_of(1, 10), 4, 150), 0);
	assert_int_equal(f->count, 2);
	/* Moved in place: same entry, new slot, refreshed. */
	assert_ptr_equal(lookup(f, key_of(1, 10)), e);
	assert_int_equal(e->slot, 4);
	assert_int_equal(e->seen, 150);
	assert_int_equal(lookup(f, key_of(2, 10))->slot, 3);
	/* A flush of the old port no longer touches the moved entry. */
	assert_int_equal(vs_fdb_flush(f, qsv, 3), 1);
	assert_ptr_equal(lookup(f, key_of(1, 10)), e);
	assert_int_equal(f->count, 1);
}

static void
test_age(void **state)
{
	struct vs_fdb *f = *state;      /* aging_s 300 */

	assert_int_equal(vs_fdb_learn(f, qsv, key_of(1, 1), 1, 1000), 0);  /* old */
	assert_int_equal(vs_fdb_learn(f, qsv, key_of(2, 1), 1, 1000), 0);  /* refreshed */
	assert_int_equal(vs_fdb_learn(f, qsv, key_of(3, 1), 2, 1001), 0);  /* just fresh */
	assert_int_equal(vs_fdb_learn(f, qsv, key_of(4, 1), 2, 1250), 0);  /* fresh */
	/* Relearning refreshes `seen`. */
	assert_int_equal(vs_fdb_learn(f, qsv, key_of(2, 1), 1, 1200), 0);
	assert_int_equal(lookup(f, key_of(2, 1))->seen, 1200);

	/* Nothing is 300 s old yet. */
	assert_int_equal(vs_fdb_age(f, qsv, 1299), 0);
	assert_int_equal(f->count, 4);
	/* At 1300, the entry seen at 1000 is exactly aging_s old: deleted. */
	assert_int_equal(vs_fdb_age(f, qsv, 1300), 1);
	assert_int_equal(f->count, 3);
	assert_null(lookup(f, key_of(1, 1)));
	assert_non_null(lookup(f, key_of(2, 1)));
	assert_non_null(lookup(f, key_of(3, 1)));
	assert_non_null(lookup(f, key_of(4, 1)));

	/* A PMD refresh (a direct write of `seen`) keeps an entry alive. */
	lookup(f, key_of(3, 1))->seen = 1400;
	assert_int_equal(vs_fdb_age(f, qsv, 1550), 2);    /* seen 1200 and 1250 */
	assert_int_equal(f->count, 1);
	assert_null(lookup(f, key_of(2, 1)));
	assert_null(lookup(f, key_of(4, 1)));
	assert_non_null(lookup(f, key_of(3, 1)));
	/* The clock wraps: an entry seen just before the wrap is not "old". */
	assert_int_equal(vs_fdb_learn(f, qsv, key_of(5, 1), 1, UINT32_MAX - 5), 0);
	assert_int_equal(vs_fdb_age(f, qsv, 10), 1);      /* only key 3 */
	assert_non_null(lookup(f, key_of(5, 1)));
	assert_int_equal(f->count, 1);
}

static void
test_flush(void **state)
{
	struct vs_fdb *f = *state;
	uint64_t keys[30];

	for (uint32_t i = 0; i < 30; i++) {
		keys[i] = key_of(i, 1 + i % 3);
		assert_int_equal(vs_fdb_learn(f, qsv, keys[i], i % 3, 1), 0);
	}
	assert_int_equal(f->count, 30);
	assert_int_equal(vs_fdb_flush(f, qsv, 2), 10);
	assert_int_equal(f->count, 20);
	for (uint32_t i = 0; i < 30; i++) {
		struct vs_fdb_entry *e = lookup(f, keys[i]);

		if (i % 3 == 2) {
			assert_null(e);
		} else {
			assert_non_null(e);
			assert_int_equal(e->slot, i % 3);
		}
	}
	assert_int_equal(vs_fdb_flush(f, qsv, 2), 0);     /* nothing left there */
	assert_int_equal(vs_fdb_flush(f, qsv, 9), 0);     /* a port without entries */
	assert_int_equal(vs_fdb_flush(f, qsv, -1), 20);
	assert_int_equal(f->count, 0);
	assert_int_equal(count_found(f, keys, 30), 0);
	/* Everything comes back after the grace period (none is pending). */
	vs_fdb_reclaim(f, qsv);
	assert_int_equal(f->n_free, CAP);
	assert_int_equal(f->def_n, 0);
}

/* Fill the table with keys 0..CAP-1 of VLAN 1 on slot k % 4. */
static void
fill(struct vs_fdb *f, uint64_t *keys)
{
	for (uint32_t i = 0; i < CAP; i++) {
		keys[i] = key_of(i, 1);
		assert_int_equal(vs_fdb_learn(f, qsv, keys[i], i % 4, 1), 0);
	}
	assert_int_equal(f->count, CAP);
	assert_int_equal(count_found(f, keys, CAP), CAP);
}

static void
test_capacity(void **state)
{
	struct vs_fdb *f = *state;
	static uint64_t keys[CAP];
	uint64_t more[8];

	fill(f, keys);
	assert_int_equal(f->n_free, 0);
	/* The 1025th distinct MAC is refused; nothing else changes. */
	assert_int_equal(vs_fdb_learn(f, qsv, key_of(CAP, 1), 0, 1), -ENOSPC);
	assert_int_equal(f->count, CAP);
	assert_null(lookup(f, key_of(CAP, 1)));
	assert_int_equal(count_found(f, keys, CAP), CAP);
	/* A known MAC still moves and refreshes when the table is full. */
	assert_int_equal(vs_fdb_learn(f, qsv, keys[0], 3, 2), 0);
	assert_int_equal(lookup(f, keys[0])->slot, 3);
	assert_int_equal(f->count, CAP);

	/* Free a quarter (slot 1), reclaim: new MACs fit again, exactly. */
	assert_int_equal(vs_fdb_flush(f, qsv, 1), CAP / 4);
	assert_int_equal(f->count, CAP - CAP / 4);
	vs_fdb_reclaim(f, qsv);
	assert_int_equal(f->n_free, CAP / 4);
	for (uint32_t i = 0; i < CAP / 4; i++)
		assert_int_equal(vs_fdb_learn(f, qsv, key_of(CAP + i, 2), 1, 3), 0);
	assert_int_equal(f->count, CAP);
	assert_int_equal(vs_fdb_learn(f, qsv, key_of(2 * CAP, 2), 1, 3), -ENOSPC);
	for (uint32_t i = 0; i < CAP; i++) {
		struct vs_fdb_entry *e = lookup(f, keys[i]);

		if (i % 4 == 1)
			assert_null(e);
		else
			assert_non_null(e);
	}
	for (uint32_t i = 0; i < 8; i++)
		more[i] = key_of(CAP + i * 31, 2);
	assert_int_equal(count_found(f, more, 8), 8);

	/* A full flush empties even a full table. */
	assert_int_equal(vs_fdb_flush(f, qsv, -1), CAP);
	assert_int_equal(f->count, 0);
	assert_int_equal(count_found(f, keys, CAP), 0);
	vs_fdb_reclaim(f, qsv);
	assert_int_equal(f->n_free, CAP);
	/* And takes CAP new MACs again. */
	fill(f, keys);
}

/*
 * A full table's keys overflow into rte_hash's extendable buckets for some
 * MAC sets; deleting a key moves the last key of its bucket chain into the
 * freed place, which a delete-while-iterating loop then never visits. Every
 * entry must go all the same, for flush and age alike.
 */
static void
test_delete_all_any_layout(void **state)
{
	struct vs_fdb *f = *state;
	static uint64_t keys[CAP];
	unsigned layouts_with_ext = 0;

	for (uint32_t set = 0; set < 16; set++) {
		const void *k;
		void *d;
		uint32_t next = 0;
		bool ext = false;

		for (uint32_t i = 0; i < CAP; i++) {
			keys[i] = key_of(set * 100000 + i, 1);
			assert_int_equal(vs_fdb_learn(f, qsv, keys[i], i % 2, set), 0);
		}
		assert_int_equal(f->count, CAP);
		/* Test coverage: iteration positions past the main table are
		 * keys in extendable buckets (DPDK 22.11 rte_hash_iterate). */
		while (rte_hash_iterate(f->hash, &k, &d, &next) >= 0)
			if (next > CAP)
				ext = true;
		layouts_with_ext += ext;

		if (set % 2 == 0) {
			assert_int_equal(vs_fdb_flush(f, qsv, 1), CAP / 2);
			assert_int_equal(f->count, CAP / 2);
			for (uint32_t i = 0; i < CAP; i++)
				assert_true((lookup(f, keys[i]) != NULL) == (i % 2 == 0));
			assert_int_equal(vs_fdb_flush(f, qsv, -1), CAP / 2);
		} else {
			assert_int_equal(vs_fdb_age(f, qsv, set + 300), CAP);
		}
		assert_int_equal(f->count, 0);
		assert_int_equal(count_found(f, keys, CAP), 0);
		next = 0;
		assert_true(rte_hash_iterate(f->hash, &k, &d, &next) < 0);
		vs_fdb_reclaim(f, qsv);
		assert_int_equal(f->n_free, CAP);
		assert_int_equal(f->def_n, 0);
	}
	assert_true(layouts_with_ext > 0);
}

/* Delete without waiting for learning: the freed room is used at once. */
static void
test_full_reclaims_on_learn(void **state)
{
	struct vs_fdb *f = *state;
	static uint64_t keys[CAP];

	fill(f, keys);
	assert_int_equal(vs_fdb_age(f, qsv, 1000), CAP);  /* all old */
	assert_int_equal(f->count, 0);
	assert_int_equal(f->def_n, CAP);
	/* No explicit reclaim: learn reclaims when it runs out. */
	assert_int_equal(vs_fdb_learn(f, qsv, key_of(5000, 7), 2, 1000), 0);
	assert_int_equal(f->count, 1);
	assert_int_equal(f->def_n, 0);
	assert_int_equal(lookup(f, key_of(5000, 7))->slot, 2);
}

/*
 * A PMD (thread 0) is online and has not reported a quiescent state since
 * the delete: the deleted entry and its key slot must not be reused.
 */
static void
test_rcu_defers_reuse(void **state)
{
	struct vs_fdb *f = *state;
	static uint64_t keys[CAP];
	struct vs_fdb_entry *old;
	uint64_t gone = key_of(5, 1);   /* slot 1 */

	assert_int_equal(rte_rcu_qsbr_thread_register(qsv, 0), 0);
	rte_rcu_qsbr_thread_online(qsv, 0);
	fill(f, keys);
	old = lookup(f, gone);
	assert_non_null(old);

	assert_int_equal(vs_fdb_flush(f, qsv, 1), CAP / 4);
	assert_int_equal(f->count, CAP - CAP / 4);
	assert_null(lookup(f, gone));
	assert_int_equal(f->def_n, CAP / 4);
	vs_fdb_reclaim(f, qsv);
	assert_int_equal(f->n_free, 0);
	assert_int_equal(f->def_n, CAP / 4);
	/* The reader may still hold `old`: no new MAC gets its entry. */
	assert_int_equal(vs_fdb_learn(f, qsv, key_of(CAP + 1, 1), 0, 2), -ENOSPC);
	assert_true(old->hkey.key == gone);
	assert_int_equal(old->slot, 1);
	assert_int_equal(old->seen, 1);
	assert_int_equal(f->count, CAP - CAP / 4);

	/* The reader reports: everything comes back. */
	rte_rcu_qsbr_quiescent(qsv, 0);
	vs_fdb_reclaim(f, qsv);
	assert_int_equal(f->def_n, 0);
	assert_int_equal(f->n_free, CAP / 4);
	for (uint32_t i = 0; i < CAP / 4; i++)
		assert_int_equal(vs_fdb_learn(f, qsv, key_of(CAP + i, 1), 0, 2), 0);
	assert_int_equal(f->count, CAP);

	/* A second batch waits for its own grace period, not the first's. */
	assert_int_equal(vs_fdb_age(f, qsv, 301), 3 * CAP / 4);   /* seen 1 */
	vs_fdb_reclaim(f, qsv);
	assert_int_equal(f->n_free, 0);
	rte_rcu_qsbr_quiescent(qsv, 0);
	vs_fdb_reclaim(f, qsv);
	assert_int_equal(f->n_free, 3 * CAP / 4);
	assert_int_equal(f->count, CAP / 4);

	rte_rcu_qsbr_thread_offline(qsv, 0);
	assert_int_equal(rte_rcu_qsbr_thread_unregister(qsv, 0), 0);
}

static void
test_create_errors(void **state)
{
	char err[256] = "";
	struct vs_fdb *f;

	(void)state;
	/* The hash name is taken (ids must be unique). */
	f = vs_fdb_create(7, CAP, 300, err, sizeof(err));
	assert_non_null(f);
	assert_null(vs_fdb_create(7, CAP, 300, err, sizeof(err)));
	assert_non_null(strstr(err, "cannot allocate a MAC table of 1024 entries"));
	vs_fdb_destroy(f);
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
		cmocka_unit_test(test_sig_matches_table),
		cmocka_unit_test_setup_teardown(test_learn_new, setup, teardown),
		cmocka_unit_test_setup_teardown(test_same_mac_two_vlans, setup, teardown),
		cmocka_unit_test_setup_teardown(test_move, setup, teardown),
		cmocka_unit_test_setup_teardown(test_age, setup, teardown),
		cmocka_unit_test_setup_teardown(test_flush, setup, teardown),
		cmocka_unit_test_setup_teardown(test_capacity, setup, teardown),
		cmocka_unit_test_setup_teardown(test_delete_all_any_layout, setup, teardown),
		cmocka_unit_test_setup_teardown(test_full_reclaims_on_learn, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rcu_defers_reuse, setup, teardown),
		cmocka_unit_test(test_create_errors),
	};
	char rundir[PATH_MAX];
	size_t sz;
	int ret;

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
