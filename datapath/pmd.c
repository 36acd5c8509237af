/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The PMD loop: poll the rx queues this PMD owns in the current tables,
 * forward each burst, drain tx buffers, report an RCU quiescent state.
 * One iteration never blocks: no lock, no syscall, no allocation outside
 * mempools, no log line.
 */
#include <string.h>

#include <rte_cycles.h>
#include <rte_ethdev.h>

#include "dp.h"
#include "port_vhost.h"
#include "tx.h"

struct vs_dp_tables *vs_dp_current;
volatile uint32_t vs_dp_now_s;

static void
clear_stats(struct vs_pmd *pmd)
{
	memset(&pmd->stats, 0, sizeof(pmd->stats));
	pmd->stats_cleared_gen = pmd->stats_clear_gen;
}

int
vs_pmd_main(void *arg)
{
	struct vs_pmd *pmd = arg;
	uint64_t t1;

	rte_rcu_qsbr_thread_register(pmd->qsv, pmd->idx);
	rte_rcu_qsbr_thread_online(pmd->qsv, pmd->idx);
	pmd->tables = __atomic_load_n(&vs_dp_current, __ATOMIC_ACQUIRE);

	/* One TSC read an iteration (it costs ~40 cycles on some CPUs): the
	 * end of one iteration is the start of the next. */
	t1 = rte_rdtsc();
	while (!pmd->quit) {
		const struct vs_dp_tables *t;
		uint64_t t0 = t1;
		uint32_t got = 0;

		pmd->now_tsc = t0;
		t = __atomic_load_n(&vs_dp_current, __ATOMIC_ACQUIRE);
		if (unlikely(t != pmd->tables)) {
			/* Buffered packets refer to slots of the old tables,
			 * which control keeps alive for one more grace period. */
			vs_tx_flush_all(pmd);
			pmd->tables = t;
		}
		if (unlikely(pmd->stats_clear_gen != pmd->stats_cleared_gen))
			clear_stats(pmd);

		for (uint16_t q = 0; q < t->n_rxqs[pmd->idx]; q++) {
			const struct vs_dp_rxq *rq = &t->rxqs[pmd->idx][q];
			struct rte_mbuf *pkts[VS_BURST];
			uint16_t n;

			if (likely(t->ports[rq->slot].kind == VS_DP_ETHDEV))
				n = rte_eth_rx_burst(t->ports[rq->slot].ethdev, rq->queue, pkts,
						     VS_BURST);
			else
				n = vs_vhost_rx(pmd, &t->ports[rq->slot], rq->queue, pkts);
			if (n == 0)
				continue;
			vs_dp_input(pmd, rq->slot, pkts, n);
			got += n;
		}
		vs_tx_drain(pmd, got == 0);

		t1 = rte_rdtsc();
		if (got) {
			pmd->stats.busy_cycles += t1 - t0;
			pmd->stats.rx_packets += got;
		} else {
			pmd->stats.idle_cycles += t1 - t0;
		}
		pmd->stats.iterations++;
		rte_rcu_qsbr_quiescent(pmd->qsv, pmd->idx);
	}

	vs_tx_flush_all(pmd);
	rte_rcu_qsbr_thread_offline(pmd->qsv, pmd->idx);
	rte_rcu_qsbr_thread_unregister(pmd->qsv, pmd->idx);
	return 0;
}
