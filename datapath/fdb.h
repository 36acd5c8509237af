/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The MAC table (FDB) of one bridge: (MAC, VLAN) -> port slot.
 *
 * Layout: a power-of-two array of 64-byte buckets (one cache line), 5
 * entries each: 5 keys, their port slots, their last-seen stamps, and
 * `n_away`. A key lives in its primary bucket (CRC32-C of the key) or, when
 * that is full, in its secondary (a multiplicative hash); the primary then
 * counts it in `n_away`. So a lookup, hit or miss, reads one cache line
 * (way 0, then ways 1-4 in two SSE compares), and the secondary bucket only when
 * the primary lent some of its keys out. The table has 2.5 places per
 * entry of capacity (40% full at capacity, 8 MB for the default 256k
 * entries); a key whose two buckets are full makes room by moving one of
 * their entries to its other bucket, so the capacity holds whatever the
 * MACs are.
 *
 * Stamps are 16 bits in units of 2^seen_shift seconds, the unit chosen so
 * that the ageing time is at most 32767 units: to the second up to 9 hours.
 * Ages are computed modulo 2^16; the ageing sweep, every second, deletes an
 * entry long before its stamp could wrap.
 *
 * How learning scales across PMDs: a single writer. PMDs only look up and,
 * for a source MAC that is new or has moved, push a learn request into
 * their own SP/SC ring (struct vs_learn_req). The control thread drains the
 * rings every millisecond and is the only thread that adds, moves or
 * deletes entries. No lock, no atomic read-modify-write and no shared cache
 * line is written per packet: the one PMD write is the entry's stamp, and
 * only when the stamp changed (the Linux bridge's coarse refresh).
 *
 * Memory safety without locks: control writes an entry's slot and stamp
 * before it publishes the key (release store); a deleted key becomes
 * a tombstone, and the tombstone's place is reused only after an RCU grace
 * period (control/fdb_ctl.c), so a PMD that found a key never reads another
 * key's port through it. A move is one 1-byte store of the slot.
 */
#ifndef VS_FDB_H
#define VS_FDB_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <rte_atomic.h>
#include <rte_branch_prediction.h>
#include <rte_byteorder.h>
#include <rte_common.h>
#include <rte_prefetch.h>
#include <immintrin.h>

#if RTE_BYTE_ORDER != RTE_LITTLE_ENDIAN
#error "the MAC table packs keys for a little-endian CPU"
#endif

#define VS_FDB_WAYS 5                   /* entries per bucket */
#define VS_FDB_USED (1ULL << 63)        /* set in every stored key */
#define VS_FDB_TOMB 1ULL                /* deleted, free after a grace period */
#define VS_FDB_AWAY_MAX UINT8_MAX
#define VS_FDB_BULK_MAX 64              /* keys per vs_fdb_lookup_bulk() */

struct vs_fdb_bucket {
	uint64_t key[VS_FDB_WAYS];      /* 0 empty, VS_FDB_TOMB, or vs_fdb_key() | VS_FDB_USED */
	uint8_t slot[VS_FDB_WAYS];      /* port slot (VS_MAX_PORTS <= 256); control writes */
	uint8_t n_away;                 /* keys whose primary this is, living in their secondary */
	uint16_t seen[VS_FDB_WAYS];     /* stamp when last seen (see above); PMDs refresh */
	uint8_t pad[8];
} __rte_aligned(RTE_CACHE_LINE_SIZE);

/* A deferred free: a tombstone's place, reusable after `token`. */
struct vs_fdb_deferred {
	uint32_t pos;                   /* vs_fdb_pos() */
	uint64_t token;
};

struct vs_fdb {
	struct vs_fdb_bucket *buckets;  /* n_buckets, hugepage memory */
	uint32_t mask;                  /* n_buckets - 1 */
	uint32_t shift;                 /* 64 - log2(n_buckets), for the secondary hash */
	uint32_t seed;                  /* CRC seed of the primary hash */
	uint32_t seen_shift;            /* stamp unit: 2^seen_shift seconds */
	uint32_t capacity;              /* live entries at most */
	/* Below: control thread only. */
	uint32_t aging_s;
	uint32_t count;                 /* live entries */
	struct vs_fdb_deferred *deferred; /* FIFO of tombstones awaiting a grace period */
	uint32_t def_size, def_head, def_n;
	uint64_t full;                  /* learn requests refused: table full */
};

/* Buckets for `capacity` entries: 2.5 places an entry, a power of two. */
static inline uint32_t
vs_fdb_buckets(uint32_t capacity)
{
	uint64_t need = ((uint64_t)capacity * 2 + VS_FDB_WAYS - 1) / VS_FDB_WAYS;

	return rte_align32pow2((uint32_t)RTE_MAX(need, (uint64_t)16));
}

/* Hugepage bytes of a table of `capacity` entries. */
static inline uint64_t
vs_fdb_memsize(uint32_t capacity)
{
	return (uint64_t)vs_fdb_buckets(capacity) * sizeof(struct vs_fdb_bucket);
}

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

/* The key of a MAC inside a frame, followed by at least two more bytes
 * (both Ethernet addresses are), as stored in a bucket: one 8-byte load,
 * the VLAN and VS_FDB_USED from `vtag`, vs_fdb_vtag() of the VLAN (one for
 * both MACs of a frame). */
static inline uint64_t
vs_fdb_vtag(uint16_t vlan)
{
	return (uint64_t)vlan << 48 | VS_FDB_USED;
}

static inline uint64_t
vs_fdb_stored_frame(const uint8_t *mac, uint64_t vtag)
{
	uint64_t k;

	memcpy(&k, mac, 8);
	return (k & 0xffffffffffffULL) | vtag;
}

/* The key's MAC is a group (multicast or broadcast) address. */
static inline bool
vs_fdb_key_multicast(uint64_t key)
{
	return key & 1;         /* I/G bit of the first byte */
}

static inline void
vs_fdb_key_mac(uint64_t key, uint8_t mac[6])
{
	memcpy(mac, &key, 6);
}

static inline uint16_t
vs_fdb_key_vlan(uint64_t key)
{
	return (key >> 48) & 0xfff;
}

/* Position of an entry: bucket * 8 + way. */
static inline uint32_t
vs_fdb_pos(uint32_t bucket, unsigned way)
{
	return bucket << 3 | way;
}

static inline uint16_t
vs_fdb_slot(const struct vs_fdb *f, uint32_t pos)
{
	return f->buckets[pos >> 3].slot[pos & 7];
}

/* The key at a live position, without VS_FDB_USED. */
static inline uint64_t
vs_fdb_key_at(const struct vs_fdb *f, uint32_t pos)
{
	return f->buckets[pos >> 3].key[pos & 7] & ~VS_FDB_USED;
}

/* The stamp of `now` (vs_dp_now_s) in the table's unit. */
static inline uint16_t
vs_fdb_stamp(const struct vs_fdb *f, uint32_t now)
{
	return (uint16_t)(now >> f->seen_shift);
}

/* Seconds since the entry at pos was last seen, to the stamp's unit. */
static inline uint32_t
vs_fdb_age_of(const struct vs_fdb *f, uint32_t pos, uint32_t now)
{
	uint16_t d = vs_fdb_stamp(f, now) - f->buckets[pos >> 3].seen[pos & 7];

	return (uint32_t)d << f->seen_shift;
}

/* The primary bucket of a key as stored (with VS_FDB_USED) in a table of
 * this seed and mask: CRC32-C, one instruction (SSE 4.2 is part of the
 * build's baseline). The datapath calls it with seed and mask held in
 * registers for a whole burst. */
static inline uint32_t
vs_fdb_hash(uint32_t seed, uint32_t mask, uint64_t stored)
{
	return (uint32_t)_mm_crc32_u64(seed, stored) & mask;
}

static inline uint32_t
vs_fdb_primary_stored(const struct vs_fdb *f, uint64_t stored)
{
	return vs_fdb_hash(f->seed, f->mask, stored);
}

static inline uint32_t
vs_fdb_primary(const struct vs_fdb *f, uint64_t key)
{
	return vs_fdb_primary_stored(f, key | VS_FDB_USED);
}

static inline uint32_t
vs_fdb_secondary(const struct vs_fdb *f, uint64_t key, uint32_t primary)
{
	uint32_t b = (uint32_t)((key * 0x9e3779b97f4a7c15ULL) >> f->shift) & f->mask;

	return b != primary ? b : b ^ (f->mask & 1);
}

/*
 * The way of bucket b holding `key` (with VS_FDB_USED), or -1. Way 0 alone
 * first, a scalar compare (where most keys of a table far from full live:
 * a key takes the first free way); then ways 1-4 with two SSE4.1 compares
 * whose PTEST sets the flags for the miss branch directly: a miss (every
 * unknown destination) costs no mask move and no branch per way. The mask
 * is moved only on a hit beyond way 0. dp_micro, this AMD Zen 5, 1000 flows
 * with unknown destinations: 18.0 -> 17.3 cycles a frame against scalar
 * compares of ways 1-4; p2p learning 1000 flows 47.5 -> 47.1 cycles a
 * packet. Where AVX2 is compiled in (forward.c's second build, see
 * dispatch.c), one 256-bit compare covers the four: 16.4 in dp_micro, 46.3
 * in the p2p case.
 */
_Static_assert(VS_FDB_WAYS == 5, "vs_fdb_bucket_find() compares 5 ways");

static inline int
vs_fdb_bucket_find(const struct vs_fdb_bucket *b, uint64_t key)
{
#ifdef __AVX2__
	__m256i e;

	if (b->key[0] == key)
		return 0;
	e = _mm256_cmpeq_epi64(_mm256_set1_epi64x((long long)key),
			       _mm256_loadu_si256((const __m256i *)&b->key[1]));
	if (likely(_mm256_testz_si256(e, e)))
		return -1;
	return 1 + __builtin_ctz((unsigned)_mm256_movemask_pd(_mm256_castsi256_pd(e)));
#else
	__m128i k, lo, hi, e;

	if (b->key[0] == key)
		return 0;
	k = _mm_set1_epi64x((long long)key);
	lo = _mm_cmpeq_epi64(k, _mm_loadu_si128((const __m128i *)&b->key[1]));
	hi = _mm_cmpeq_epi64(k, _mm_loadu_si128((const __m128i *)&b->key[3]));
	e = _mm_or_si128(lo, hi);
	if (likely(_mm_testz_si128(e, e)))
		return -1;
	return 1 + __builtin_ctz((unsigned)_mm_movemask_pd(_mm_castsi128_pd(lo)) |
				 (unsigned)_mm_movemask_pd(_mm_castsi128_pd(hi)) << 2);
#endif
}

/*
 * The bucket holding a key as stored (with VS_FDB_USED), from the address of
 * its primary bucket, and its way in *way; NULL when absent. The caller
 * orders its later reads of the entry with an acquire fence.
 */
static inline struct vs_fdb_bucket *
vs_fdb_find_in(const struct vs_fdb *f, struct vs_fdb_bucket *b, uint64_t key, unsigned *way)
{
	uint32_t primary, s;
	int w;

	w = vs_fdb_bucket_find(b, key);
	if (likely(w >= 0)) {
		*way = (unsigned)w;
		return b;
	}
	if (likely(__atomic_load_n(&b->n_away, __ATOMIC_ACQUIRE) == 0))
		return NULL;
	primary = (uint32_t)(b - f->buckets);
	s = vs_fdb_secondary(f, key & ~VS_FDB_USED, primary);
	w = vs_fdb_bucket_find(&f->buckets[s], key);
	if (w < 0)
		return NULL;
	*way = (unsigned)w;
	return &f->buckets[s];
}

/* Position of key (without VS_FDB_USED), primary bucket given, or -1. */
static inline int64_t
vs_fdb_find(const struct vs_fdb *f, uint64_t key, uint32_t primary)
{
	const struct vs_fdb_bucket *b;
	unsigned w;

	b = vs_fdb_find_in(f, &f->buckets[primary], key | VS_FDB_USED, &w);
	return b != NULL ? (int64_t)vs_fdb_pos((uint32_t)(b - f->buckets), w) : -1;
}

/*
 * Look up n keys (n <= VS_FDB_BULK_MAX); pos[i] is the entry's position or
 * -1. All buckets are prefetched before the first is read. PMD side; safe
 * against concurrent control updates.
 */
static inline void
vs_fdb_lookup_bulk(const struct vs_fdb *f, const uint64_t *keys, unsigned n, int64_t *pos)
{
	uint32_t b[VS_FDB_BULK_MAX];
	unsigned i;

	for (i = 0; i < n; i++) {
		b[i] = vs_fdb_primary(f, keys[i]);
		rte_prefetch0(&f->buckets[b[i]]);
	}
	for (i = 0; i < n; i++)
		pos[i] = vs_fdb_find(f, keys[i], b[i]);
	/* The keys were read before the entries they publish. */
	rte_atomic_thread_fence(__ATOMIC_ACQUIRE);
}

#endif /* VS_FDB_H */
