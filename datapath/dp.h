/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What the PMD threads see: the tables control publishes under RCU, the
 * per-PMD context and counters.
 *
 * Concurrency, in one place:
 * - struct vs_dp_tables is built by control, published with one atomic
 *   store to vs_dp_current, and never changed afterwards. Control frees a
 *   retired table only after two RCU grace periods (see switch.c): the first
 *   makes every PMD see the new table, the second covers the tx buffers a
 *   PMD flushes through the old table when it switches.
 * - struct vs_pmd is written by its own PMD only, except `quit` (control)
 *   and `stats_clear_gen` (control asks, the PMD clears).
 * - Counters are per PMD and per port slot; control sums them.
 */
#ifndef VS_DP_H
#define VS_DP_H

#include <stdbool.h>
#include <stdint.h>

#include <rte_common.h>
#include <rte_mbuf.h>
#include <rte_rcu_qsbr.h>
#include <rte_ring.h>

#include "config.h"
#include "emc.h"

/*
 * Packets per rx burst and per tx buffer: a vector of up to 96, between
 * OVS's 32 and VPP's 256. Under load every stage then works on 96 frames at
 * a time: per-call costs (drivers, the PMD loop) are shared by three times
 * as many frames, and the MAC table buckets prefetched by the first pass of
 * normal() have three times as long to arrive. At light load a burst is
 * whatever arrived; nothing waits for a vector to fill.
 * Measured (p2p, vswitch_bench.sh, interleaved runs, cycles a frame):
 * 32 -> 128 (3 runs): learning 100k flows 88.4 -> 83.1, 1000 flows 46.3 ->
 * 46.0, 1 flow 45.1 -> 43.5; rule 1 flow 32.6 -> 31.6; 1518 B rule 127.8 ->
 * 123.9. 128 -> 96 (medians of 5-6 runs in two sessions): learning 1000
 * flows 47.1 -> 46.0 and 46.2 -> 45.6, 100k 84.2 -> 79.3 and 86.9 -> 83.0,
 * 1518 B 139.0 -> 136.0 and 139.3 -> 137.1; rule cases equal or better
 * (likely the cache: 128 mbufs written by a driver at once are 24 KB at
 * 64 B, half this Zen 5's L1, next to the MAC table's lines; testpmd itself
 * is 16 cycles a packet slower with --burst=128). 64 lost at 100k flows
 * (87.5).
 */
#define VS_BURST 96
/* A tx buffer holding this many packets once a packet or a run has been
 * added is sent at once (it holds VS_BURST at most): bursts of 32 leave
 * as soon as they are there, as before vectors grew past 32. */
#define VS_TX_FLUSH 32
/* Packets taken from a guest per dequeue: its virtio rings refill in
 * bursts of 32 (OVS dequeues 32 too); with 128 a vector could arrive faster
 * than the other guest's rx ring had room, and the excess was dropped. */
#define VS_VHOST_BURST 32
#define VS_DP_MAX_PMDS 64
#define VS_MAX_RXQ_PER_PMD 128
#define VS_PATCH_MAX_DEPTH 4            /* bridges a packet may cross via patch ports */
#define VS_TX_DRAIN_US 50               /* longest a packet waits in a tx buffer under load */
#define VS_LEARN_RING_SIZE 4096         /* learn requests per PMD between control ticks */

/*
 * Drop reasons, in one table so the enum, names and counters cannot drift.
 * Each drop is counted on the port it concerns: the ingress port, except
 * tx_full and mtu_exceeded, counted on the output port.
 */
#define VS_FOREACH_DROP(_)                                                       \
	_(RUNT, "runt", "frame shorter than an Ethernet header")                 \
	_(BAD_VLAN, "bad_vlan_header", "802.1Q tag truncated")                   \
	_(VLAN_TAGGED_ACCESS, "vlan_tagged_on_access", "tagged frame on an access port") \
	_(VLAN_NOT_ALLOWED, "vlan_not_allowed", "VLAN not in the port's trunks")  \
	_(SRC_MULTICAST, "src_mac_multicast", "source MAC is multicast")          \
	_(SAME_PORT, "same_port", "destination learned on the ingress port")     \
	_(NO_OUTPUT, "no_output_port", "no other port in the VLAN to flood to")   \
	_(NO_MBUF, "no_mbuf", "no mbuf left for a flood copy or a VLAN tag")     \
	_(PATCH_LOOP, "patch_loop", "crossed too many patch ports")              \
	_(MTU, "mtu_exceeded", "frame larger than the output port's MTU")        \
	_(TX_FULL, "tx_full", "output queue full (for vhost: the guest's rx ring)") \
	_(PORT_DOWN, "port_down", "output port down (vhost: no guest attached)") \
	_(FLOW_DROP, "flow_drop", "a flow rule's actions dropped it")

enum vs_drop {
#define _(sym, name, help) VS_DROP_##sym,
	VS_FOREACH_DROP(_)
#undef _
	VS_DROP_COUNT
};

extern const char *const vs_drop_names[VS_DROP_COUNT];

/* Per PMD, per port slot. Written by one PMD only; summed by control. */
struct vs_port_counters {
	uint64_t rx_packets;
	uint64_t rx_bytes;
	uint64_t tx_packets;
	uint64_t tx_bytes;
	uint64_t drops[VS_DROP_COUNT];
} __rte_cache_aligned;

enum vs_dp_kind {
	VS_DP_NONE = 0,         /* unused slot */
	VS_DP_ETHDEV,           /* dpdk and af_xdp ports: an rte_ethdev */
	VS_DP_PATCH,            /* patch port: output re-enters the peer's bridge */
	VS_DP_VHOST,            /* vhost-user port: rte_vhost virtqueues of a guest */
};

/* Per PMD, per queue counters of a vhost-user port. */
struct vs_vhost_qstats {
	uint64_t rx_packets;    /* dequeued from the guest's tx virtqueue */
	uint64_t tx_packets;    /* enqueued to the guest's rx virtqueue */
	uint64_t tx_ring_full;  /* not enqueued: the guest's rx ring was full */
};

/*
 * The part of a vhost-user port PMDs read. Allocated by control for the
 * life of the port; `vid` and the enabled flags are written by the
 * rte_vhost callbacks (vhost/vhost.c), which wait for an RCU grace period
 * after detaching a device, so a PMD that read a valid vid finishes its
 * burst before the device goes.
 */
struct vs_vhost_dp {
	int vid;                                /* -1: no guest attached */
	uint16_t n_queues;                      /* queue pairs this port polls */
	volatile uint8_t rx_enabled[VS_MAX_QUEUES]; /* guest's tx virtqueue q is enabled */
	volatile uint8_t tx_enabled[VS_MAX_QUEUES]; /* guest's rx virtqueue q is enabled */
	struct {
		struct vs_vhost_qstats q[VS_MAX_QUEUES];
	} __rte_cache_aligned pmd[VS_DP_MAX_PMDS]; /* written by that PMD only */
};

/* VLAN membership compiled for the datapath (see struct vs_vlan_cfg). */
struct vs_dp_vlan {
	uint8_t access;         /* 1: access port */
	uint16_t tag;           /* access VLAN */
	uint16_t native;        /* trunk native VLAN, 0 = none */
	uint8_t all;            /* trunk: all VLANs allowed */
	uint64_t trunks[64];    /* trunk: allowed VIDs, bit v = VID v */
};

/* One port as PMDs see it. Slots are stable for the life of a port. */
struct vs_dp_port {
	uint8_t kind;           /* enum vs_dp_kind */
	uint16_t bridge;        /* index in vs_dp_tables.bridges */
	uint16_t ethdev;        /* VS_DP_ETHDEV: rte_ethdev port id */
	uint16_t n_txq;         /* VS_DP_ETHDEV: tx queues; PMD i uses queue i % n_txq */
	uint16_t peer;          /* VS_DP_PATCH: slot of the peer patch port */
	struct vs_vhost_dp *vhost; /* VS_DP_VHOST: the guest's state */
	struct rte_mempool *pool;  /* VS_DP_VHOST: mbufs for dequeued packets */
	uint32_t max_frame;     /* largest frame accepted on output (MTU + L2 header) */
	struct vs_dp_vlan vlan;
};

struct vs_fdb;

struct vs_dp_bridge {
	uint32_t id;                    /* unique for the daemon's life; 0 = unused */
	struct vs_fdb *fdb;             /* MAC table; written by control only */
	/*
	 * The flow table. A frame no rule matches goes to the learning
	 * switch, as if every table ended with "priority=-1,actions=normal".
	 * cls NULL: no classification needed, every frame goes to the
	 * learning switch: the table is empty, or its only rule is a
	 * match-all "normal" (normal_rule, whose counters move).
	 */
	const struct vs_cls *cls;
	uint64_t cls_gen;               /* unique per classifier built; EMC tag */
	struct vs_flow_rule *normal_rule;
	uint16_t n_ports;
	uint16_t ports[VS_MAX_PORTS];   /* slots of the bridge's ports, for floods */
};

struct vs_dp_rxq {
	uint16_t slot;          /* port slot */
	uint16_t queue;         /* rx queue id */
};

/* An immutable snapshot of the switch, published by control under RCU. */
struct vs_dp_tables {
	uint64_t gen;                           /* publication number, for debugging */
	struct vs_dp_port ports[VS_MAX_PORTS];  /* by slot */
	struct vs_dp_bridge bridges[VS_MAX_BRIDGES];
	uint16_t n_rxqs[VS_DP_MAX_PMDS];        /* queues each PMD polls */
	struct vs_dp_rxq rxqs[VS_DP_MAX_PMDS][VS_MAX_RXQ_PER_PMD];
};

/* A learn request, PMD -> control, through the PMD's learn ring. */
struct vs_learn_req {
	uint32_t bridge_id;
	uint16_t vlan;
	uint16_t slot;
	uint8_t mac[6];
	uint16_t pad;
};

struct vs_txbuf {
	uint16_t n;
	uint8_t listed;                         /* in vs_pmd.dirty */
	uint32_t bytes;                         /* of the n packets */
	uint64_t first_tsc;                     /* when the oldest packet was buffered */
	struct rte_mbuf *pkts[VS_BURST];
};

struct vs_pmd_stats {
	uint64_t iterations;
	uint64_t busy_cycles;           /* iterations that received packets */
	uint64_t idle_cycles;
	uint64_t rx_packets;            /* packets received from rx queues */
	uint64_t learn_dropped;         /* learn requests lost to a full ring */
};

/* A PMD thread's context. Cache-aligned, written only by its own thread. */
struct vs_pmd {
	unsigned idx;                   /* PMD index: rxq lists and tx queue choice */
	unsigned lcore;
	int node;
	struct rte_rcu_qsbr *qsv;       /* shared RCU variable; thread id = idx */
	struct rte_ring *learn_ring;    /* SP/SC, to control */
	struct rte_mempool *pool;       /* for flood copies */
	const struct vs_dp_tables *tables; /* the snapshot in use */
	volatile bool quit;             /* set by control to stop the loop */
	volatile uint32_t stats_clear_gen; /* control bumps it; PMD clears its stats */
	uint32_t stats_cleared_gen;
	uint64_t drain_tsc;             /* VS_TX_DRAIN_US in TSC cycles */

	struct vs_pmd_stats stats;
	struct vs_port_counters counters[VS_MAX_PORTS];

	uint16_t n_dirty;               /* tx buffers holding packets */
	uint16_t dirty[VS_MAX_PORTS];
	struct vs_txbuf tx[VS_MAX_PORTS];

	/* Learn request de-duplication: a MAC still unknown to control would
	 * otherwise be requested once per packet until control catches up. */
	uint64_t learn_key[1024];
	uint64_t learn_tsc[1024];
	uint16_t learn_slot[1024];
	uint64_t now_tsc;               /* TSC at the start of this iteration */

	struct vs_emc emc;              /* exact-match cache of flow verdicts */
} __rte_cache_aligned;

/* The current tables; written by control (release), read by PMDs (acquire). */
extern struct vs_dp_tables *vs_dp_current;

/* Coarse clock in seconds for MAC ageing, written once a second by control. */
extern volatile uint32_t vs_dp_now_s;

/* The PMD main loop, launched with rte_eal_remote_launch(); arg is a vs_pmd. */
int vs_pmd_main(void *arg);

/* Process n packets received on port `slot` (exported for tests), with
 * the forwarding code built for the ISA vs_dp_select_isa() chose. */
void vs_dp_input(struct vs_pmd *pmd, uint16_t slot, struct rte_mbuf **pkts, uint16_t n);

/* The same code built for the baseline ISA and, on x86, with AVX2. */
void vs_dp_input_baseline(struct vs_pmd *pmd, uint16_t slot, struct rte_mbuf **pkts, uint16_t n);
void vs_dp_input_avx2(struct vs_pmd *pmd, uint16_t slot, struct rte_mbuf **pkts, uint16_t n);

/*
 * Choose the forwarding code: `isa` "avx2" or "baseline", or NULL for the
 * best this CPU runs within EAL's SIMD limit (--force-max-simd-bitwidth;
 * AVX2 needs 256). Before the PMDs start (or between tests). Returns 0, or
 * -ENOTSUP (not built, or not on this CPU) or -EINVAL (unknown name) and
 * keeps the current choice.
 */
int vs_dp_select_isa(const char *isa);

/* "avx2" or "baseline": the forwarding code in use. */
const char *vs_dp_isa(void);

/* Send every buffered packet now (exported for tests). */
void vs_tx_flush_all(struct vs_pmd *pmd);

static inline void
vs_drop(struct vs_pmd *pmd, uint16_t slot, enum vs_drop why, struct rte_mbuf *m)
{
	pmd->counters[slot].drops[why]++;
	rte_pktmbuf_free(m);
}

#endif /* VS_DP_H */
