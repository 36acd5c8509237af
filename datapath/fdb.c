/* SPDX-License-Identifier: BSD-3-Clause */
/* MAC table lookups, PMD side. See fdb.h for the concurrency design. */
#include "fdb.h"

void
vs_fdb_lookup_bulk(const struct vs_fdb *fdb, const uint64_t *keys, unsigned n,
		   struct vs_fdb_entry **out)
{
	const void *kp[RTE_HASH_LOOKUP_BULK_MAX];
	void *data[RTE_HASH_LOOKUP_BULK_MAX];
	uint64_t hits = 0;

	for (unsigned i = 0; i < n; i++)
		kp[i] = &keys[i];
	if (rte_hash_lookup_bulk_data(fdb->hash, kp, n, &hits, data) <= 0)
		hits = 0;
	for (unsigned i = 0; i < n; i++)
		out[i] = (hits >> i) & 1 ? data[i] : NULL;
}
