/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Which build of the forwarding stage (forward.c) runs: the baseline one
 * (-march=corei7, what DPDK's packages target) or, on an x86 CPU with AVX2,
 * the one compiled with -mavx2 (the MAC table compares four ways in one
 * instruction). Chosen once before the PMDs start, as DPDK and OVS choose
 * their vector paths; EAL's --force-max-simd-bitwidth=128 keeps the
 * baseline.
 */
/* rte_vect_get_max_simd_bitwidth() is still experimental in DPDK 22.11. */
#define ALLOW_EXPERIMENTAL_API

#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include <rte_vect.h>

#include "dp.h"

typedef void dp_input_fn(struct vs_pmd *pmd, uint16_t slot, struct rte_mbuf **pkts, uint16_t n);

static struct {
	dp_input_fn *input;
	const char *name;
} dp_isa = { vs_dp_input_baseline, "baseline" };

static bool
avx2_usable(void)
{
#ifdef VS_DP_HAVE_AVX2
	return __builtin_cpu_supports("avx2") &&
	       rte_vect_get_max_simd_bitwidth() >= RTE_VECT_SIMD_256;
#else
	return false;
#endif
}

int
vs_dp_select_isa(const char *isa)
{
	if (isa == NULL)
		isa = avx2_usable() ? "avx2" : "baseline";
	if (strcmp(isa, "baseline") == 0) {
		dp_isa.input = vs_dp_input_baseline;
		dp_isa.name = "baseline";
		return 0;
	}
	if (strcmp(isa, "avx2") != 0)
		return -EINVAL;
	if (!avx2_usable())
		return -ENOTSUP;
#ifdef VS_DP_HAVE_AVX2
	dp_isa.input = vs_dp_input_avx2;
	dp_isa.name = "avx2";
#endif
	return 0;
}

const char *
vs_dp_isa(void)
{
	return dp_isa.name;
}

void
vs_dp_input(struct vs_pmd *pmd, uint16_t slot, struct rte_mbuf **pkts, uint16_t n)
{
	dp_isa.input(pmd, slot, pkts, n);
}
