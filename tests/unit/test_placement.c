/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests of control/placement.c: PMD core choice and rx queue placement
 * on fake topologies, pool sizing numbers, the hugepage message, and the
 * sysfs readers against a fake sysfs tree (VSWITCH_SYSFS_ROOT).
 */
#include <errno.h>
#include <ftw.h>
#include <limits.h>
#include <sched.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <setjmp.h>
#include <cmocka.h>

#include "placement.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/*
 * A fake machine: nodes[c] is the NUMA node digit of CPU c ("0011": CPUs
 * 0-1 on node 0, 2-3 on node 1), online[c] '1' or '0' (NULL: all online).
 */
static struct vs_topo
topo_of(const char *nodes, const char *online)
{
	struct vs_topo t;
	unsigned c;

	memset(&t, 0, sizeof(t));
	t.n_cpus = strlen(nodes);
	for (c = 0; c < t.n_cpus; c++) {
		t.node[c] = nodes[c] - '0';
		t.online[c] = online == NULL || online[c] == '1';
		if ((unsigned)t.node[c] + 1 > t.n_nodes)
			t.n_nodes = t.node[c] + 1;
	}
	return t;
}

/* The result of one vs_pick_cores() call, outputs pre-set to spot writes. */
struct pick {
	int ret;
	unsigned ctl;
	unsigned pmd[VS_MAX_PMDS];
	char err[256];
	char warn[512];
};

static struct pick
pick(const struct vs_topo *t, int ctl, bool auto_cores, const unsigned *cores,
     unsigned n_cores, const int *ports, unsigned n_ports, unsigned max_pmds)
{
	struct pick p;

	memset(&p, 0, sizeof(p));
	p.ctl = 999;
	strcpy(p.err, "stale");
	strcpy(p.warn, "stale");
	p.ret = vs_pick_cores(t, ctl, auto_cores, cores, n_cores, ports, n_ports,
			      &p.ctl, p.pmd, max_pmds, p.err, sizeof(p.err),
			      p.warn, sizeof(p.warn));
	return p;
}

#define PICK_AUTO(t, ctl, ports) \
	pick(t, ctl, true, NULL, 0, ports, ARRAY_SIZE(ports), VS_MAX_PMDS)
#define PICK_LIST(t, ctl, cores, ports) \
	pick(t, ctl, false, cores, ARRAY_SIZE(cores), ports, ARRAY_SIZE(ports), VS_MAX_PMDS)

/* ---- vs_pick_cores, auto ---- */

/* This machine's shape: one node, CPUs 0-1. */
static void
test_auto_one_node_two_cpus(void **state)
{
	struct vs_topo t = topo_of("00", NULL);
	const int ports[] = { 0 };
	const int any[] = { VS_NODE_ANY };
	struct pick p;

	(void)state;
	p = PICK_AUTO(&t, -1, ports);
	assert_int_equal(p.ret, 1);
	assert_int_equal(p.ctl, 0);
	assert_int_equal(p.pmd[0], 1);
	assert_string_equal(p.err, "");
	assert_string_equal(p.warn, "");

	p = PICK_AUTO(&t, -1, any);
	assert_int_equal(p.ret, 1);
	assert_int_equal(p.ctl, 0);
	assert_int_equal(p.pmd[0], 1);
	assert_string_equal(p.warn, "");

	/* The control core moved to 1: the PMD takes 0. */
	p = PICK_AUTO(&t, 1, ports);
	assert_int_equal(p.ret, 1);
	assert_int_equal(p.ctl, 1);
	assert_int_equal(p.pmd[0], 0);
}

static void
test_auto_ports_only_on_node1(void **state)
{
	struct vs_topo t = topo_of("0011", NULL);
	struct vs_topo t2off = topo_of("0011", "1101");
	const int ports[] = { 1, 1 };
	struct pick p;

	(void)state;
	p = PICK_AUTO(&t, -1, ports);
	assert_int_equal(p.ret, 1);
	assert_int_equal(p.ctl, 0);
	assert_int_equal(p.pmd[0], 2);   /* lowest online CPU of node 1 */
	assert_string_equal(p.warn, "");

	/* CPU 2 offline: the next CPU of node 1. */
	p = PICK_AUTO(&t2off, -1, ports);
	assert_int_equal(p.ret, 1);
	assert_int_equal(p.pmd[0], 3);
	assert_string_equal(p.warn, "");
}

static void
test_auto_ports_on_both_nodes(void **state)
{
	struct vs_topo t = topo_of("00001111", NULL);
	const int ports[] = { 1, VS_NODE_ANY, 0, 1 };
	struct pick p;

	(void)state;
	p = PICK_AUTO(&t, -1, ports);
	assert_int_equal(p.ret, 2);
	assert_int_equal(p.ctl, 0);
	assert_int_equal(p.pmd[0], 1);
	assert_int_equal(p.pmd[1], 4);
	assert_string_equal(p.warn, "");
}

static void
test_auto_node_any_is_control_node(void **state)
{
	struct vs_topo t = topo_of("0011", NULL);
	const int any[] = { VS_NODE_ANY, VS_NODE_ANY };
	struct pick p;

	(void)state;
	p = PICK_AUTO(&t, -1, any);
	assert_int_equal(p.ret, 1);
	assert_int_equal(p.pmd[0], 1);

	/* Control on node 1: a port without affinity follows it there. */
	p = PICK_AUTO(&t, 2, any);
	assert_int_equal(p.ret, 1);
	assert_int_equal(p.ctl, 2);
	assert_int_equal(p.pmd[0], 3);
	assert_string_equal(p.warn, "");
}

static void
test_auto_no_ports(void **state)
{
	struct vs_topo t = topo_of("0011", NULL);
	struct vs_topo lone = topo_of("011", NULL);
	struct pick p;

	(void)state;
	p = pick(&t, -1, true, NULL, 0, NULL, 0, VS_MAX_PMDS);
	assert_int_equal(p.ret, 1);
	assert_int_equal(p.ctl, 0);
	assert_int_equal(p.pmd[0], 1);
	assert_string_equal(p.warn, "");

	p = pick(&t, 3, true, NULL, 0, NULL, 0, VS_MAX_PMDS);
	assert_int_equal(p.ret, 1);
	assert_int_equal(p.pmd[0], 2);

	/* The control node has nothing else, but without ports nothing is remote. */
	p = pick(&lone, -1, true, NULL, 0, NULL, 0, VS_MAX_PMDS);
	assert_int_equal(p.ret, 1);
	assert_int_equal(p.pmd[0], 1);
	assert_string_equal(p.warn, "");
}

static void
test_auto_only_one_cpu_online(void **state)
{
	struct vs_topo t = topo_of("0011", "1000");
	struct vs_topo one = topo_of("0", NULL);
	const int ports[] = { 0 };
	struct pick p;

	(void)state;
	p = PICK_AUTO(&t, -1, ports);
	assert_int_equal(p.ret, -EINVAL);
	assert_string_equal(p.err,
		"pmd.cores: no core left for a PMD: the only online CPU 0 is the control core");
	assert_int_equal(p.ctl, 999);           /* untouched on error */
	assert_string_equal(p.warn, "");

	p = pick(&one, -1, true, NULL, 0, NULL, 0, VS_MAX_PMDS);
	assert_int_equal(p.ret, -EINVAL);
	assert_string_equal(p.err,
		"pmd.cores: no core left for a PMD: the only online CPU 0 is the control core");
}

static void
test_control_core_not_online(void **state)
{
	struct vs_topo t = topo_of("0011", "1101");
	const int ports[] = { 0 };
	struct pick p;

	(void)state;
	p = PICK_AUTO(&t, 2, ports);
	assert_int_equal(p.ret, -EINVAL);
	assert_string_equal(p.err, "pmd.control_core: core 2 is not online (online: 0-1,3)");
	assert_int_equal(p.ctl, 999);

	p = PICK_AUTO(&t, 300, ports);
	assert_int_equal(p.ret, -EINVAL);
	assert_string_equal(p.err, "pmd.control_core: core 300 is not online (online: 0-1,3)");
}

/* Node 1 has ports but its CPUs are offline. */
static void
test_auto_cross_numa_fallback(void **state)
{
	struct vs_topo t = topo_of("0011", "1100");
	struct vs_topo wide = topo_of("0001", "1110");
	const int ports1[] = { 1 };
	const int ports01[] = { 0, 1 };
	const int ports5[] = { 5 };
	struct vs_topo three = topo_of("001", NULL);
	const int ports15[] = { 5, 1 };
	struct pick p;

	(void)state;
	p = PICK_AUTO(&t, -1, ports1);
	assert_int_equal(p.ret, 1);
	assert_int_equal(p.pmd[0], 1);
	assert_string_equal(p.warn,
		"pmd.cores: NUMA node 1 has ports but no online CPU; "
		"core 1 (NUMA node 0) polls them across NUMA");

	/* CPU 1 already polls node 0: nothing is left for node 1. */
	p = PICK_AUTO(&t, -1, ports01);
	assert_int_equal(p.ret, 1);
	assert_int_equal(p.pmd[0], 1);
	assert_string_equal(p.warn,
		"pmd.cores: NUMA node 1 has ports but no online CPU; "
		"the PMDs of other nodes poll them across NUMA");

	/* Node 0 keeps CPU 1 and node 1 borrows CPU 2. */
	p = PICK_AUTO(&wide, -1, ports01);
	assert_int_equal(p.ret, 2);
	assert_int_equal(p.pmd[0], 1);
	assert_int_equal(p.pmd[1], 2);
	assert_string_equal(p.warn,
		"pmd.cores: NUMA node 1 has ports but no online CPU; "
		"core 2 (NUMA node 0) polls them across NUMA");

	/* A node the topology does not know has no CPU either. */
	p = PICK_AUTO(&t, -1, ports5);
	assert_int_equal(p.ret, 1);
	assert_int_equal(p.pmd[0], 1);
	assert_string_equal(p.warn,
		"pmd.cores: NUMA node 5 has ports but no online CPU; "
		"core 1 (NUMA node 0) polls them across NUMA");

	/* Node 1 takes CPU 2, node 5 borrows CPU 1: listed in ascending order. */
	p = PICK_AUTO(&three, -1, ports15);
	assert_int_equal(p.ret, 2);
	assert_int_equal(p.pmd[0], 1);
	assert_int_equal(p.pmd[1], 2);
	assert_string_equal(p.warn,
		"pmd.cores: NUMA node 5 has ports but no online CPU; "
		"core 1 (NUMA node 0) polls them across NUMA");
}

/* Node 0 = { 0 }, the control core; node 1 = { 1, 2 }. */
static void
test_auto_control_node_has_no_other_cpu(void **state)
{
	struct vs_topo t = topo_of("011", NULL);
	const int ports0[] = { 0 };
	const int ports01[] = { 0, 1 };
	const int any[] = { VS_NODE_ANY };
	struct pick p;

	(void)state;
	p = PICK_AUTO(&t, -1, ports0);
	assert_int_equal(p.ret, 1);
	assert_int_equal(p.pmd[0], 1);
	assert_string_equal(p.warn,
		"pmd.cores: NUMA node 0 has ports but no online CPU besides the control core 0; "
		"core 1 (NUMA node 1) polls them across NUMA");

	/* Node 1 gets its own PMD first; node 0's fallback takes the next CPU. */
	p = PICK_AUTO(&t, -1, ports01);
	assert_int_equal(p.ret, 2);
	assert_int_equal(p.pmd[0], 1);
	assert_int_equal(p.pmd[1], 2);
	assert_string_equal(p.warn,
		"pmd.cores: NUMA node 0 has ports but no online CPU besides the control core 0; "
		"core 2 (NUMA node 1) polls them across NUMA");

	/* A port without affinity is never "remote". */
	p = PICK_AUTO(&t, -1, any);
	assert_int_equal(p.ret, 1);
	assert_int_equal(p.pmd[0], 1);
	assert_string_equal(p.warn, "");
}

static void
test_auto_max_pmds(void **state)
{
	struct vs_topo t = topo_of("001122", NULL);
	const int ports[] = { 2, 1, 0 };
	struct pick p;

	(void)state;
	p = pick(&t, -1, true, NULL, 0, ports, ARRAY_SIZE(ports), 2);
	assert_int_equal(p.ret, 2);
	assert_int_equal(p.pmd[0], 1);
	assert_int_equal(p.pmd[1], 2);
	assert_int_equal(p.pmd[2], 0);          /* nothing written past max_pmds */
	assert_string_equal(p.warn,
		"pmd.cores: NUMA node 2 has ports but no PMD of its own (limit of 2 PMDs reached); "
		"the PMDs of other nodes poll them across NUMA");

	p = pick(&t, -1, true, NULL, 0, ports, ARRAY_SIZE(ports), 3);
	assert_int_equal(p.ret, 3);
	assert_int_equal(p.pmd[2], 4);
	assert_string_equal(p.warn, "");

	p = pick(&t, -1, true, NULL, 0, ports, ARRAY_SIZE(ports), 0);
	assert_int_equal(p.ret, -EINVAL);
	assert_string_equal(p.err, "pmd.cores: no room for a PMD (max_pmds is 0)");
}

/* ---- vs_pick_cores, explicit list ---- */

static void
test_explicit_ok(void **state)
{
	struct vs_topo t = topo_of("0011", NULL);
	const unsigned cores[] = { 3, 1 };
	const unsigned cores01[] = { 0, 1 };
	const int ports[] = { 0, 1 };
	const int ports1[] = { 1, VS_NODE_ANY };
	struct pick p;

	(void)state;
	p = PICK_LIST(&t, -1, cores, ports);
	assert_int_equal(p.ret, 2);
	assert_int_equal(p.ctl, 0);
	assert_int_equal(p.pmd[0], 3);          /* the given order */
	assert_int_equal(p.pmd[1], 1);
	assert_string_equal(p.warn, "");

	/* Both PMDs on node 0, the ports on node 1: allowed, but said. */
	p = PICK_LIST(&t, 2, cores01, ports1);
	assert_int_equal(p.ret, 2);
	assert_int_equal(p.ctl, 2);
	assert_int_equal(p.pmd[0], 0);
	assert_int_equal(p.pmd[1], 1);
	assert_string_equal(p.warn,
		"pmd.cores: no PMD on NUMA node 1, which has ports; they are polled across NUMA");
}

static void
test_explicit_offline_core(void **state)
{
	struct vs_topo t = topo_of("0000000000", "1111000010");
	const unsigned cores[] = { 1, 7 };
	const unsigned past_end[] = { 10 };
	const unsigned huge[] = { 300 };
	const int ports[] = { 0 };
	struct pick p;

	(void)state;
	p = PICK_LIST(&t, -1, cores, ports);
	assert_int_equal(p.ret, -EINVAL);
	assert_string_equal(p.err, "pmd.cores: core 7 is not online (online: 0-3,8)");
	assert_int_equal(p.ctl, 999);
	assert_string_equal(p.warn, "");

	p = PICK_LIST(&t, -1, past_end, ports);
	assert_string_equal(p.err, "pmd.cores: core 10 is not online (online: 0-3,8)");

	p = PICK_LIST(&t, -1, huge, ports);
	assert_int_equal(p.ret, -EINVAL);
	assert_string_equal(p.err, "pmd.cores: core 300 is not online (online: 0-3,8)");
}

static void
test_explicit_control_core_in_list(void **state)
{
	struct vs_topo t = topo_of("0011", NULL);
	const unsigned cores[] = { 1, 0 };
	const unsigned cores2[] = { 2 };
	const int ports[] = { 0 };
	struct pick p;

	(void)state;
	p = PICK_LIST(&t, -1, cores, ports);
	assert_int_equal(p.ret, -EINVAL);
	assert_string_equal(p.err,
		"pmd.cores: core 0 is the control core (the first online CPU; "
		"pmd.control_core moves it); a PMD needs a core of its own");

	p = PICK_LIST(&t, 2, cores2, ports);
	assert_int_equal(p.ret, -EINVAL);
	assert_string_equal(p.err,
		"pmd.cores: core 2 is the control core; a PMD needs a core of its own");
}

static void
test_explicit_duplicates_and_count(void **state)
{
	struct vs_topo t = topo_of("0011", NULL);
	const unsigned dup[] = { 1, 2, 1 };
	const unsigned three[] = { 1, 2, 3 };
	const int ports[] = { 0 };
	struct pick p;

	(void)state;
	p = PICK_LIST(&t, -1, dup, ports);
	assert_int_equal(p.ret, -EINVAL);
	assert_string_equal(p.err, "pmd.cores: core 1 is listed twice");

	p = pick(&t, -1, false, three, 3, ports, 1, 2);
	assert_int_equal(p.ret, -EINVAL);
	assert_string_equal(p.err, "pmd.cores: 3 cores given, at most 2 PMDs are supported");

	p = pick(&t, -1, false, three, 3, ports, 1, 3);
	assert_int_equal(p.ret, 3);

	p = pick(&t, -1, false, NULL, 0, ports, 1, 2);
	assert_int_equal(p.ret, -EINVAL);
	assert_string_equal(p.err, "pmd.cores: the list is empty; give at least one core, or auto");
}

/* ---- vs_assign_rxqs ---- */

static void
test_rxq_balance(void **state)
{
	const struct vs_rxq_ref q[] = {
		{ 0, 0, 0 }, { 0, 1, 0 }, { 1, 0, 0 }, { 1, 1, 0 },
	};
	const int pmd_node[] = { 0, 0 };
	const unsigned prior[] = { 2, 0 };
	unsigned out[4];
	unsigned cross = 0;

	(void)state;
	vs_assign_rxqs(q, 4, pmd_node, 2, NULL, out, &cross);
	assert_int_equal(out[0], 0);
	assert_int_equal(out[1], 1);
	assert_int_equal(out[2], 0);
	assert_int_equal(out[3], 1);
	assert_int_equal(cross, 0);

	/* PMD 0 already polls two queues: loads 2,0 -> 2,1 -> 2,2 -> 3,2 -> 3,3. */
	vs_assign_rxqs(q, 4, pmd_node, 2, prior, out, &cross);
	assert_int_equal(out[0], 1);
	assert_int_equal(out[1], 1);
	assert_int_equal(out[2], 0);
	assert_int_equal(out[3], 1);
	assert_int_equal(cross, 0);
}

static void
test_rxq_numa_preference(void **state)
{
	const struct vs_rxq_ref q[] = {
		{ 0, 0, 1 }, { 0, 1, 1 }, { 1, 0, 0 },
		{ 2, 0, VS_NODE_ANY }, { 2, 1, VS_NODE_ANY },
	};
	const int pmd_node[] = { 0, 1 };
	unsigned out[5];
	unsigned cross = 0;

	(void)state;
	/*
	 * Node 1's queues stay on PMD 1 although PMD 0 is idle; the queues
	 * without affinity go to the least loaded: loads 1,2 -> 2,2 -> 3,2.
	 */
	vs_assign_rxqs(q, 5, pmd_node, 2, NULL, out, &cross);
	assert_int_equal(out[0], 1);
	assert_int_equal(out[1], 1);
	assert_int_equal(out[2], 0);
	assert_int_equal(out[3], 0);
	assert_int_equal(out[4], 0);
	assert_int_equal(cross, 0);
}

static void
test_rxq_cross_numa(void **state)
{
	const struct vs_rxq_ref q[] = { { 0, 0, 1 }, { 0, 1, 1 }, { 0, 2, 1 } };
	const int pmd_node[] = { 0, 0 };
	const unsigned prior[] = { 1, 0 };
	unsigned out[3], again[3];
	unsigned cross = 5;

	(void)state;
	/* No PMD on node 1: least loaded of all, loads 1,0 -> 1,1 -> 2,1 -> 2,2. */
	vs_assign_rxqs(q, 3, pmd_node, 2, prior, out, &cross);
	assert_int_equal(out[0], 1);
	assert_int_equal(out[1], 0);
	assert_int_equal(out[2], 1);
	assert_int_equal(cross, 8);             /* incremented, not reset */

	/* Optional outputs, and the same answer every time. */
	vs_assign_rxqs(q, 3, pmd_node, 2, prior, again, NULL);
	assert_memory_equal(out, again, sizeof(out));
}

/* ---- pool sizing ---- */

static void
test_mbuf_footprint(void **state)
{
	(void)state;
	/* 64 mempool header + 128 rte_mbuf + 128 headroom + data room. */
	assert_int_equal(vs_mbuf_footprint(68), 64 + 128 + 128 + 2048);
	assert_int_equal(vs_mbuf_footprint(1500), 2368);
	/* 2022 + 14 + 4 + 8 = 2048: still the default room. */
	assert_int_equal(vs_mbuf_footprint(2022), 2368);
	/* 2049 rounds up to 2112. */
	assert_int_equal(vs_mbuf_footprint(2023), 64 + 128 + 128 + 2112);
	/* 9026 rounds up to 9088. */
	assert_int_equal(vs_mbuf_footprint(9000), 9408);
	/* 9728 is already a multiple of 64. */
	assert_int_equal(vs_mbuf_footprint(9702), 64 + 128 + 128 + 9728);
}

static void
test_pool_mbufs(void **state)
{
	struct vs_pool_demand small = { 1024, 1024, 1, 1, 1500 };
	struct vs_pool_demand two = { 8192, 4096, 2, 2, 1500 };
	struct vs_pool_demand nocache = { 16384, 0, 1, 1, 1500 };
	struct vs_pool_demand odd = { 1024, 0, 1, 1, 1500 };

	(void)state;
	/* 2048 + 1*(1+1)*32 + 2*384 = 2880, +25% = 3600: the 4096 floor. */
	assert_int_equal(vs_pool_mbufs(&small, 32, 256), 4096);
	/*
	 * 8192 + 4096 descriptors + 2 PMDs * (2 ports + 1) * 32 = 12480,
	 * + 3 lcores * 384 cached = 13632, +25% = 17040 -> 67 * 256 = 17152.
	 */
	assert_int_equal(vs_pool_mbufs(&two, 32, 256), 17152);
	/* 16384 + 64 = 16448, +25% = 20560, no cache: no rounding. */
	assert_int_equal(vs_pool_mbufs(&nocache, 32, 0), 20560);
	/* The floor is rounded to the cache size too: 4096 -> 17 * 250. */
	assert_int_equal(vs_pool_mbufs(&odd, 32, 250), 4250);
}

/* ---- vs_check_hugepages ---- */

static void
test_hugepages_one_node(void **state)
{
	const unsigned need[] = { 512 }, need_more[] = { 600 }, need_1g[] = { 1500 };
	const unsigned free_mb[] = { 1024 }, free_less[] = { 128 }, none[] = { 0 };
	const unsigned total[] = { 512 }, total_less[] = { 64 };
	char err[512];

	(void)state;
	strcpy(err, "stale");
	assert_int_equal(vs_check_hugepages(need, free_mb, total, 2048, 1, err, sizeof(err)), 0);
	assert_string_equal(err, "");

	/* 472 MB short = 236 pages on top of the 64 there are. */
	assert_int_equal(vs_check_hugepages(need_more, free_less, total_less, 2048, 1,
					    err, sizeof(err)), -ENOMEM);
	assert_string_equal(err,
		"hugepages: need 600 MB on NUMA node 0, 128 MB free (2048 kB pages); "
		"reserve them with: echo 300 > /sys/kernel/mm/hugepages/hugepages-2048kB/nr_hugepages");

	/* 1500 MB in 1 GB pages: two pages. */
	assert_int_equal(vs_check_hugepages(need_1g, none, none, 1048576, 1, err, sizeof(err)),
			 -ENOMEM);
	assert_string_equal(err,
		"hugepages: need 1500 MB on NUMA node 0, 0 MB free (1048576 kB pages); "
		"reserve them with: echo 2 > /sys/kernel/mm/hugepages/hugepages-1048576kB/nr_hugepages");
}

static void
test_hugepages_two_nodes(void **state)
{
	const unsigned need[] = { 100, 600 };
	const unsigned enough[] = { 512, 1024 };
	const unsigned short1[] = { 512, 128 };
	const unsigned total[] = { 256, 64 };
	const unsigned need_both[] = { 300, 600 };
	const unsigned free_both[] = { 100, 128 };
	const unsigned total_both[] = { 50, 64 };
	char err[512], tiny[16];

	(void)state;
	assert_int_equal(vs_check_hugepages(need, enough, total, 2048, 2, err, sizeof(err)), 0);
	assert_string_equal(err, "");

	assert_int_equal(vs_check_hugepages(need, short1, total, 2048, 2, err, sizeof(err)),
			 -ENOMEM);
	assert_string_equal(err,
		"hugepages: need 600 MB on NUMA node 1, 128 MB free (2048 kB pages); "
		"reserve them with: echo 300 > "
		"/sys/devices/system/node/node1/hugepages/hugepages-2048kB/nr_hugepages");

	assert_int_equal(vs_check_hugepages(need_both, free_both, total_both, 2048, 2,
					    err, sizeof(err)), -ENOMEM);
	assert_string_equal(err,
		"hugepages: need 300 MB on NUMA node 0, 100 MB free (2048 kB pages); "
		"reserve them with: echo 150 > "
		"/sys/devices/system/node/node0/hugepages/hugepages-2048kB/nr_hugepages; "
		"need 600 MB on NUMA node 1, 128 MB free (2048 kB pages); "
		"reserve them with: echo 300 > "
		"/sys/devices/system/node/node1/hugepages/hugepages-2048kB/nr_hugepages");

	/* A short buffer truncates the message, never the verdict. */
	assert_int_equal(vs_check_hugepages(need_both, free_both, total_both, 2048, 2,
					    tiny, sizeof(tiny)), -ENOMEM);
	assert_string_equal(tiny, "hugepages: need");
	assert_int_equal(vs_check_hugepages(need_both, free_both, total_both, 2048, 2,
					    NULL, 0), -ENOMEM);

	assert_int_equal(vs_check_hugepages(need, enough, total, 0, 2, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "hugepages: page size is 0 kB");
}

/* ---- sysfs readers on a fake tree ---- */

static char fake_root[64];

static void
put(const char *rel, const char *text)
{
	char path[PATH_MAX];
	char *slash;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", fake_root, rel);
	for (slash = strchr(path + strlen(fake_root) + 1, '/'); slash;
	     slash = strchr(slash + 1, '/')) {
		*slash = '\0';
		if (mkdir(path, 0755) < 0 && errno != EEXIST)
			fail_msg("mkdir %s: %s", path, strerror(errno));
		*slash = '/';
	}
	f = fopen(path, "w");
	if (f == NULL)
		fail_msg("fopen %s: %s", path, strerror(errno));
	fputs(text, f);
	fclose(f);
}

static int
fake_setup(void **state)
{
	(void)state;
	strcpy(fake_root, "/tmp/vs-placement-XXXXXX");
	if (mkdtemp(fake_root) == NULL)
		return -1;
	return setenv("VSWITCH_SYSFS_ROOT", fake_root, 1);
}

static int
rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st; (void)flag; (void)ftw;
	return remove(path);
}

static int
fake_teardown(void **state)
{
	(void)state;
	unsetenv("VSWITCH_SYSFS_ROOT");
	return nftw(fake_root, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* The two-node box of the brief: CPUs 0-1 on node 0, 2-3 on node 1. */
static void
put_two_nodes(void)
{
	put("devices/system/cpu/online", "0-3\n");
	put("devices/system/cpu/possible", "0-7\n");
	put("devices/system/node/online", "0-1\n");
	put("devices/system/node/has_cpu", "0-1\n");
	put("devices/system/node/node0/cpulist", "0-1\n");
	put("devices/system/node/node1/cpulist", "2-3\n");
	put("devices/system/node/node0/hugepages/hugepages-2048kB/free_hugepages", "100\n");
	put("devices/system/node/node0/hugepages/hugepages-2048kB/nr_hugepages", "256\n");
	put("devices/system/node/node1/hugepages/hugepages-2048kB/free_hugepages", "0\n");
	put("devices/system/node/node1/hugepages/hugepages-2048kB/nr_hugepages", "64\n");
	put("devices/system/node/node0/hugepages/hugepages-1048576kB/free_hugepages", "1\n");
	put("devices/system/node/node0/hugepages/hugepages-1048576kB/nr_hugepages", "2\n");
	put("devices/system/node/node1/hugepages/hugepages-1048576kB/free_hugepages", "0\n");
	put("devices/system/node/node1/hugepages/hugepages-1048576kB/nr_hugepages", "0\n");
}

static void
test_topo_two_nodes(void **state)
{
	const int ports[] = { 1 };
	struct vs_topo t;
	struct pick p;

	(void)state;
	put_two_nodes();
	memset(&t, 0xff, sizeof(t));
	assert_int_equal(vs_topo_read(&t), 0);
	assert_int_equal(t.n_cpus, 4);
	assert_int_equal(t.n_nodes, 2);
	assert_true(t.online[0] && t.online[1] && t.online[2] && t.online[3]);
	assert_false(t.online[4]);
	assert_int_equal(t.node[0], 0);
	assert_int_equal(t.node[1], 0);
	assert_int_equal(t.node[2], 1);
	assert_int_equal(t.node[3], 1);

	/* What the daemon does next: ports on node 1 get CPU 2. */
	p = PICK_AUTO(&t, -1, ports);
	assert_int_equal(p.ret, 1);
	assert_int_equal(p.ctl, 0);
	assert_int_equal(p.pmd[0], 2);
}

static void
test_topo_offline_cpus(void **state)
{
	struct vs_topo t;

	(void)state;
	/* CPU 1 offline in the middle, CPU 3 offline at the end. */
	put("devices/system/cpu/online", "0,2\n");
	put("devices/system/node/node0/cpulist", "0-1\n");
	put("devices/system/node/node1/cpulist", "2-3\n");
	/* A memory-only node (CXL, HBM): no CPU, still a node. */
	put("devices/system/node/node2/cpulist", "\n");
	assert_int_equal(vs_topo_read(&t), 0);
	assert_int_equal(t.n_cpus, 4);
	assert_int_equal(t.n_nodes, 3);
	assert_true(t.online[0]);
	assert_false(t.online[1]);
	assert_true(t.online[2]);
	assert_false(t.online[3]);
	assert_int_equal(t.node[1], 0);
	assert_int_equal(t.node[3], 1);
}

static void
test_topo_no_numa(void **state)
{
	struct vs_topo t;

	(void)state;
	put("devices/system/cpu/online", "0-1\n");
	assert_int_equal(vs_topo_read(&t), 0);
	assert_int_equal(t.n_cpus, 2);
	assert_int_equal(t.n_nodes, 1);
	assert_true(t.online[0] && t.online[1]);
	assert_int_equal(t.node[0], 0);
	assert_int_equal(t.node[1], 0);
}

static void
test_topo_errors(void **state)
{
	struct vs_topo t;

	(void)state;
	assert_int_equal(vs_topo_read(&t), -ENOENT);    /* no cpu/online */

	put("devices/system/cpu/online", "0-x\n");
	assert_int_equal(vs_topo_read(&t), -EINVAL);
	put("devices/system/cpu/online", "3-1\n");
	assert_int_equal(vs_topo_read(&t), -EINVAL);
	put("devices/system/cpu/online", "0-3\n");
	put("devices/system/node/node0/cpulist", "0-1;2\n");
	assert_int_equal(vs_topo_read(&t), -EINVAL);
	put("devices/system/node/node0/cpulist", "0-3\n");
	assert_int_equal(vs_topo_read(&t), 0);

	/* More nodes than callers' VS_MAX_NODES arrays hold. */
	put("devices/system/node/node8/cpulist", "\n");
	assert_int_equal(vs_topo_read(&t), -ERANGE);
}

static void
test_hugepages_read_two_nodes(void **state)
{
	unsigned free_mb[2], total[2];
	unsigned need[2] = { 100, 600 };
	char err[512];

	(void)state;
	put_two_nodes();
	assert_int_equal(vs_hugepages_read(2048, free_mb, total, 2), 0);
	assert_int_equal(free_mb[0], 200);
	assert_int_equal(free_mb[1], 0);
	assert_int_equal(total[0], 256);
	assert_int_equal(total[1], 64);

	assert_int_equal(vs_hugepages_read(1048576, free_mb, total, 2), 0);
	assert_int_equal(free_mb[0], 1024);
	assert_int_equal(free_mb[1], 0);
	assert_int_equal(total[0], 2);
	assert_int_equal(total[1], 0);

	/* Read, then check: node 1 has nothing free. */
	assert_int_equal(vs_hugepages_read(2048, free_mb, total, 2), 0);
	assert_int_equal(vs_check_hugepages(need, free_mb, total, 2048, 2, err, sizeof(err)),
			 -ENOMEM);
	assert_string_equal(err,
		"hugepages: need 600 MB on NUMA node 1, 0 MB free (2048 kB pages); "
		"reserve them with: echo 364 > "
		"/sys/devices/system/node/node1/hugepages/hugepages-2048kB/nr_hugepages");

	/* No 32 MB pages on this kernel, and no node 2. */
	assert_int_equal(vs_hugepages_read(32768, free_mb, total, 2), -ENOENT);
	assert_int_equal(vs_hugepages_read(2048, free_mb, total, 0), -EINVAL);
	assert_int_equal(vs_hugepages_read(0, free_mb, total, 1), -EINVAL);
	{
		unsigned f3[3], t3[3];

		assert_int_equal(vs_hugepages_read(2048, f3, t3, 3), -ENOENT);
	}

	put("devices/system/node/node1/hugepages/hugepages-2048kB/nr_hugepages", "lots\n");
	assert_int_equal(vs_hugepages_read(2048, free_mb, total, 2), -EINVAL);
}

static void
test_hugepages_read_no_numa(void **state)
{
	unsigned free_mb[2], total[2];

	(void)state;
	put("devices/system/cpu/online", "0-1\n");
	put("kernel/mm/hugepages/hugepages-2048kB/free_hugepages", "10\n");
	put("kernel/mm/hugepages/hugepages-2048kB/nr_hugepages", "20\n");
	assert_int_equal(vs_hugepages_read(2048, free_mb, total, 1), 0);
	assert_int_equal(free_mb[0], 20);
	assert_int_equal(total[0], 20);

	/* Everything is node 0: other nodes have nothing. */
	assert_int_equal(vs_hugepages_read(2048, free_mb, total, 2), 0);
	assert_int_equal(free_mb[1], 0);
	assert_int_equal(total[1], 0);
}

/* The real machine: our affinity mask limits what counts as online. */
static void
test_topo_real_affinity(void **state)
{
	cpu_set_t saved, one;
	struct vs_topo t;
	unsigned c, first, n_online = 0;

	(void)state;
	unsetenv("VSWITCH_SYSFS_ROOT");
	assert_int_equal(sched_getaffinity(0, sizeof(saved), &saved), 0);
	for (first = 0; first < CPU_SETSIZE && !CPU_ISSET(first, &saved); first++)
		;
	assert_true(first < VS_MAX_CORES);
	CPU_ZERO(&one);
	CPU_SET(first, &one);
	assert_int_equal(sched_setaffinity(0, sizeof(one), &one), 0);

	assert_int_equal(vs_topo_read(&t), 0);
	assert_int_equal(sched_setaffinity(0, sizeof(saved), &saved), 0);

	for (c = 0; c < t.n_cpus; c++)
		n_online += t.online[c];
	assert_int_equal(n_online, 1);
	assert_true(t.online[first]);
	assert_true(t.n_cpus > first);
	assert_true(t.n_nodes >= 1 && t.n_nodes <= VS_MAX_NODES);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_auto_one_node_two_cpus),
		cmocka_unit_test(test_auto_ports_only_on_node1),
		cmocka_unit_test(test_auto_ports_on_both_nodes),
		cmocka_unit_test(test_auto_node_any_is_control_node),
		cmocka_unit_test(test_auto_no_ports),
		cmocka_unit_test(test_auto_only_one_cpu_online),
		cmocka_unit_test(test_control_core_not_online),
		cmocka_unit_test(test_auto_cross_numa_fallback),
		cmocka_unit_test(test_auto_control_node_has_no_other_cpu),
		cmocka_unit_test(test_auto_max_pmds),
		cmocka_unit_test(test_explicit_ok),
		cmocka_unit_test(test_explicit_offline_core),
		cmocka_unit_test(test_explicit_control_core_in_list),
		cmocka_unit_test(test_explicit_duplicates_and_count),
		cmocka_unit_test(test_rxq_balance),
		cmocka_unit_test(test_rxq_numa_preference),
		cmocka_unit_test(test_rxq_cross_numa),
		cmocka_unit_test(test_mbuf_footprint),
		cmocka_unit_test(test_pool_mbufs),
		cmocka_unit_test(test_hugepages_one_node),
		cmocka_unit_test(test_hugepages_two_nodes),
		cmocka_unit_test_setup_teardown(test_topo_two_nodes, fake_setup, fake_teardown),
		cmocka_unit_test_setup_teardown(test_topo_offline_cpus, fake_setup, fake_teardown),
		cmocka_unit_test_setup_teardown(test_topo_no_numa, fake_setup, fake_teardown),
		cmocka_unit_test_setup_teardown(test_topo_errors, fake_setup, fake_teardown),
		cmocka_unit_test_setup_teardown(test_hugepages_read_two_nodes, fake_setup,
						fake_teardown),
		cmocka_unit_test_setup_teardown(test_hugepages_read_no_numa, fake_setup,
						fake_teardown),
		cmocka_unit_test(test_topo_real_affinity),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
