/* SPDX-License-Identifier: BSD-3-Clause */
/* MAC table lookups, PMD side. See fdb.h for the concurrency design. */
#include <rte_hash_crc.h>

#include "fdb.h"

/*
 * The table hashes keys with rte_hash_crc (control/fdb_ctl.c); computing the
 * signatures here, inline, saves the hash call through a function pointer.
 * This is rte_hash_crc() of the 16-byte key with the default seed 0.
 */
static inline hash_sig_t
fdb_sig(uint64_t key)
{
	return rte_hash_crc_8byte(0, rte_hash_crc_8byte(key, 0));
}

hash_sig_t
vs_fdb_sig(uint64_t key)
{
	return fdb_sig(key);
}

void
vs_fdb_lookup_bulk(const struct vs_fdb *fdb, const uint64_t *keys, unsigned n,
		   struct vs_fdb_entry **out)
{
	struct vs_fdb_hkey hk[RTE_HASH_LOOKUP_BULK_MAX];
	const void *kp[RTE_HASH_LOOKUP_BULK_MAX];
	hash_sig_t sig[RTE_HASH_LOOKUP_BULK_MAX];
	void *data[RTE_HASH_LOOKUP_BULK_MAX];
	uint64_t hits = 0;

	for (unsigned i = 0; i < n; i++) {
		hk[i].key = keys[i];
		hk[i].zero = 0;
		kp[i] = &hk[i];
		sig[i] = fdb_sig(keys[i]);
	}
	if (rte_hash_lookup_with_hash_bulk_data(fdb->hash, kp, sig, n, &hits, data) <= 0)
		hits = 0;
	for (unsigned i = 0; i < n; i++)
		out[i] = (hits >> i) & 1 ? data[i] : NULL;
}
