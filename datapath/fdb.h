/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The MAC table (FDB) of one bridge: (MAC, VLAN) -> port slot.
 *
 * How learning scales across PMDs: a single writer. PMDs only look up
 * (rte_hash in lock-free read/write concurrency mode) and, for a source MAC
 * that is new or has moved, push a learn request into their own SP/SC ring
 * (struct vs_learn_req). The control thread drains the rings every
 * millisecond and is the only thread that adds, moves or deletes entries.
 * No lock, no atomic read-modify-write and no shared cache line is written
 * per packet: the one PMD write is the entry's `seen` second, and only when
 * the second changed (the Linux bridge's coarse refresh).
 *
 * Memory safety: an entry is filled before its key is published, and a
 * deleted entry's key slot and entry are recycled only after an RCU grace
 * period (control/fdb_ctl.c), so a PMD never reads a half-made entry.
 */
#ifndef VS_FDB_H
#define VS_FDB_H

#include <stdint.h>
#include <string.h>

#include <rte_hash.h>

/*
 * The hash key: 8 bytes of MAC and VLAN padded to 16, because rte_hash
 * compares 16-byte keys with one vector compare and anything smaller
 * through memcmp() behind a function pointer (measured: ~40 cycles per
 * packet for the two lookups with 8-byte keys).
 */
struct vs_fdb_hkey {
	uint64_t key;           /* vs_fdb_key() */
	uint64_t zero;          /* always 0 */
};

struct vs_fdb_entry {
	uint16_t slot;                  /* port slot; written by control (moves) */
	uint16_t vlan;
	volatile uint32_t seen;         /* vs_dp_now_s when last seen; PMDs refresh */
	struct vs_fdb_hkey hkey;        /* the key, for iteration and deletion */
};

/* A deferred free: a deleted key's slot and entry, reusable after `token`. */
struct vs_fdb_deferred {
	int32_t pos;
	uint32_t idx;
	uint64_t token;
};

struct vs_fdb {
	struct rte_hash *hash;          /* key: uint64_t (vs_fdb_key), data: entry */
	struct vs_fdb_entry *entries;   /* `capacity` entries */
	uint32_t capacity;
	/* Below: control thread only. */
	uint32_t aging_s;
	uint32_t count;                 /* live entries */
	uint32_t *free_idx;             /* stack of unused entry indices */
	uint32_t n_free;
	struct vs_fdb_deferred *deferred; /* FIFO of deletes awaiting a grace period */
	uint32_t def_head, def_n;
	uint64_t full;                  /* learn requests refused: table full */
};

/* Pack a MAC and a VLAN into 8 bytes: the MAC's bytes as they are in
 * memory (a 4- and a 2-byte load, in registers), the VLAN on top. */
static inline uint64_t
vs_fdb_key(const uint8_t mac[6], uint16_t vlan)
{
	uint32_t lo;
	uint16_t hi;

	memcpy(&lo, mac, 4);
	memcpy(&hi, mac + 4, 2);
	return (uint64_t)lo | (uint64_t)hi << 32 | (uint64_t)vlan << 48;
}

/* The same for a MAC inside a frame, followed by at least two more bytes
 * (both Ethernet addresses are): one 8-byte load. */
static inline uint64_t
vs_fdb_key_frame(const uint8_t *mac, uint16_t vlan)
{
	uint64_t k;

	memcpy(&k, mac, 8);
	return (k & 0xffffffffffffULL) | (uint64_t)vlan << 48;
}

static inline void
vs_fdb_key_mac(uint64_t key, uint8_t mac[6])
{
	memcpy(mac, &key, 6);
}

static inline uint16_t
vs_fdb_key_vlan(uint64_t key)
{
	return key >> 48;
}

/*
 * Look up n keys (n <= RTE_HASH_LOOKUP_BULK_MAX); out[i] is the entry or
 * NULL. PMD side; safe against concurrent control updates.
 */
void vs_fdb_lookup_bulk(const struct vs_fdb *fdb, const uint64_t *keys, unsigned n,
			struct vs_fdb_entry **out);

/* The hash signature rte_hash computes for a key (tests check they agree). */
hash_sig_t vs_fdb_sig(uint64_t key);

#endif /* VS_FDB_H */
