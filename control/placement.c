/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * PMD placement and memory sizing (see placement.h).
 *
 * Everything here is plain C on plain structs: no DPDK header, no EAL, so the
 * unit tests can feed it any machine shape. The two readers at the end
 * (vs_topo_read, vs_hugepages_read) are the only code that looks at the
 * real machine, through sysfs and sched_getaffinity().
 *
 * Control thread only.
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <sched.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "placement.h"

/*
 * mbuf geometry, hard-coded because this file must not include DPDK headers.
 * They mirror DPDK 22.11 on x86_64; if DPDK changes them the footprint is
 * merely an estimate a little off, the pool is still created by DPDK itself.
 */
#define MBUF_STRUCT_SIZE        128     /* sizeof(struct rte_mbuf): two cache lines */
#define MBUF_HEADROOM           128     /* RTE_PKTMBUF_HEADROOM (rte_config.h) */
#define MBUF_MIN_DATA_ROOM      2048    /* RTE_MBUF_DEFAULT_DATAROOM: what most PMDs expect */
#define MEMPOOL_OBJ_HEADER      64      /* rte_mempool_objhdr, padded to a cache line */
#define ETHER_HDR_LEN           14      /* dst + src MAC + EtherType */
#define ETHER_CRC_LEN           4       /* FCS, kept by some NICs on rx */
#define VLAN_TAGS_LEN           8       /* two 802.1Q tags: QinQ must still fit */
#define DATA_ROOM_ALIGN         64      /* keep every buffer cache-line sized */

/*
 * A mempool cache holds up to 1.5 times its size before it flushes
 * (CACHE_FLUSHTHRESH_MULTIPLIER in rte_mempool.c), so that is what an lcore
 * can hide from the others.
 */
#define CACHE_HOLD_NUM          3
#define CACHE_HOLD_DEN          2

#define MIN_POOL_MBUFS          4096

/* Longest "0-3,8" list of VS_MAX_CORES CPUs: every other CPU, "NNN," each. */
#define CPULIST_TEXT_MAX        (VS_MAX_CORES / 2 * 4 + 8)

static void
set_msg(char *buf, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void
set_msg(char *buf, size_t len, const char *fmt, ...)
{
	va_list ap;

	if (buf == NULL || len == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(buf, len, fmt, ap);
	va_end(ap);
}

/*
 * Append one remark to a "pmd.cores: a; b" warning: callers log the whole
 * string once, so several remarks must read as one line.
 */
static void
add_remark(char *buf, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void
add_remark(char *buf, size_t len, const char *fmt, ...)
{
	size_t used;
	va_list ap;

	if (buf == NULL || len == 0)
		return;
	used = strnlen(buf, len);
	if (used >= len - 1 && used > 0)
		return;         /* already full: keep the first remarks intact */
	snprintf(buf + used, len - used, "%s", used ? "; " : "pmd.cores: ");
	used = strnlen(buf, len);
	va_start(ap, fmt);
	vsnprintf(buf + used, len - used, fmt, ap);
	va_end(ap);
}

/* topo->n_cpus, bounded by the arrays that describe the CPUs. */
static unsigned
topo_ncpus(const struct vs_topo *topo)
{
	return topo->n_cpus < VS_MAX_CORES ? topo->n_cpus : VS_MAX_CORES;
}

static bool
cpu_online(const struct vs_topo *topo, long cpu)
{
	return cpu >= 0 && cpu < (long)topo_ncpus(topo) && topo->online[cpu];
}

/* The online CPUs as the kernel writes them: "0-3,8", or "none". */
static void
format_online(const struct vs_topo *topo, char *buf, size_t len)
{
	unsigned n = topo_ncpus(topo);
	size_t used = 0;
	unsigned c = 0;

	buf[0] = '\0';
	while (c < n && used < len) {
		unsigned first;

		if (!topo->online[c]) {
			c++;
			continue;
		}
		first = c;
		while (c + 1 < n && topo->online[c + 1])
			c++;
		if (first == c)
			used += snprintf(buf + used, len - used, "%s%u", used ? "," : "", c);
		else
			used += snprintf(buf + used, len - used, "%s%u-%u", used ? "," : "",
					 first, c);
		c++;
	}
	if (buf[0] == '\0')
		snprintf(buf, len, "none");
}

/* A port's node for placement: no affinity means "wherever control runs". */
static int
port_node(const int *port_nodes, unsigned i, int ctl_node)
{
	return port_nodes[i] < 0 ? ctl_node : port_nodes[i];
}

/*
 * The smallest node above `prev` that has a port, so callers walk the port
 * nodes in ascending order without a node-indexed array (a port may report
 * any node number, even one the topology does not know).
 */
static bool
next_port_node(const int *port_nodes, unsigned n_ports, int ctl_node, int prev, int *next)
{
	bool found = false;
	unsigned i;

	for (i = 0; i < n_ports; i++) {
		int node = port_node(port_nodes, i, ctl_node);

		if (node > prev && (!found || node < *next)) {
			*next = node;
			found = true;
		}
	}
	return found;
}

/*
 * Whether a port really sits on `node`. Ports without affinity count as the
 * control node for placement but never make a PMD "cross-NUMA".
 */
static bool
node_has_bound_port(const int *port_nodes, unsigned n_ports, int node)
{
	unsigned i;

	for (i = 0; i < n_ports; i++)
		if (port_nodes[i] == node)
			return true;
	return false;
}

static bool
in_list(const unsigned *list, unsigned n, unsigned v)
{
	unsigned i;

	for (i = 0; i < n; i++)
		if (list[i] == v)
			return true;
	return false;
}

static bool
pmd_on_node(const struct vs_topo *topo, const unsigned *pmds, unsigned n, int node)
{
	unsigned i;

	for (i = 0; i < n; i++)
		if (topo->node[pmds[i]] == node)
			return true;
	return false;
}

/* Lowest online CPU, not control and not yet a PMD, on `node` (or anywhere: -1). */
static int
free_cpu(const struct vs_topo *topo, unsigned ctl, const unsigned *pmds, unsigned n_pmds,
	 int node)
{
	unsigned c;

	for (c = 0; c < topo_ncpus(topo); c++) {
		if (!topo->online[c] || c == ctl || in_list(pmds, n_pmds, c))
			continue;
		if (node < 0 || topo->node[c] == node)
			return (int)c;
	}
	return -1;
}

/* Online CPUs of a node, the control core included. */
static unsigned
node_online_cpus(const struct vs_topo *topo, int node)
{
	unsigned c, n = 0;

	for (c = 0; c < topo_ncpus(topo); c++)
		if (topo->online[c] && topo->node[c] == node)
			n++;
	return n;
}

/*
 * Say why a node with ports got no local PMD, and who polls it instead
 * (`pmd` < 0: nobody new, the PMDs already chosen elsewhere).
 */
static void
warn_cross_numa(const struct vs_topo *topo, unsigned ctl, int node, int pmd,
		bool limit_hit, unsigned max_pmds, char *warn, size_t warnlen)
{
	char why[96];
	char who[96];

	if (limit_hit)
		snprintf(why, sizeof(why), "no PMD of its own (limit of %u PMDs reached)",
			 max_pmds);
	else if (topo->node[ctl] == node && node_online_cpus(topo, node) == 1)
		snprintf(why, sizeof(why), "no online CPU besides the control core %u", ctl);
	else if (node_online_cpus(topo, node) == 0)
		snprintf(why, sizeof(why), "no online CPU");
	else
		snprintf(why, sizeof(why), "no online CPU left for a PMD");

	if (pmd >= 0)
		snprintf(who, sizeof(who), "core %d (NUMA node %d) polls them", pmd,
			 topo->node[pmd]);
	else
		snprintf(who, sizeof(who), "the PMDs of other nodes poll them");

	add_remark(warn, warnlen, "NUMA node %d has ports but %s; %s across NUMA",
		   node, why, who);
}

static void
sort_cores(unsigned *v, unsigned n)
{
	unsigned i, j;

	for (i = 1; i < n; i++) {
		unsigned x = v[i];

		for (j = i; j > 0 && v[j - 1] > x; j--)
			v[j] = v[j - 1];
		v[j] = x;
	}
}

static int
pick_auto(const struct vs_topo *topo, unsigned ctl, const int *port_nodes, unsigned n_ports,
	  unsigned *pmds, unsigned max_pmds, char *err, size_t errlen,
	  char *warn, size_t warnlen)
{
	int ctl_node = topo->node[ctl];
	/* No ports yet: plan for one on the control node, but nothing to warn about. */
	static const int no_port_nodes[1] = { VS_NODE_ANY };
	const int *nodes = n_ports ? port_nodes : no_port_nodes;
	unsigned n_nodes_ports = n_ports ? n_ports : 1;
	unsigned n = 0;
	int node;

	/*
	 * Pass 1: a local PMD for each node with ports. Done for all nodes before
	 * any fallback so a cross-NUMA pick never takes the CPU a later node
	 * needed for itself.
	 */
	for (node = -1; next_port_node(nodes, n_nodes_ports, ctl_node, node, &node);) {
		int c = free_cpu(topo, ctl, pmds, n, node);

		if (c >= 0 && n < max_pmds)
			pmds[n++] = (unsigned)c;
	}

	/* Pass 2: nodes still without a PMD borrow the lowest free CPU anywhere. */
	for (node = -1; next_port_node(nodes, n_nodes_ports, ctl_node, node, &node);) {
		bool limit_hit = n >= max_pmds;
		int c = -1;

		if (pmd_on_node(topo, pmds, n, node))
			continue;
		if (!limit_hit) {
			c = free_cpu(topo, ctl, pmds, n, -1);
			if (c >= 0)
				pmds[n++] = (unsigned)c;
		}
		if (n == 0)
			break;
		if (n_ports && node_has_bound_port(port_nodes, n_ports, node))
			warn_cross_numa(topo, ctl, node, c, limit_hit, max_pmds, warn, warnlen);
	}

	if (n == 0) {
		/* More than one online CPU always leaves one besides control. */
		set_msg(err, errlen,
			"pmd.cores: no core left for a PMD: the only online CPU %u is the control core",
			ctl);
		return -EINVAL;
	}
	/* Ascending, so logs and `vsctl show` list PMDs the way lscpu lists CPUs. */
	sort_cores(pmds, n);
	return (int)n;
}

static int
pick_explicit(const struct vs_topo *topo, unsigned ctl, bool ctl_auto,
	      const unsigned *cfg_cores, unsigned n_cfg_cores,
	      const int *port_nodes, unsigned n_ports,
	      unsigned *pmds, unsigned max_pmds, char *err, size_t errlen,
	      char *warn, size_t warnlen)
{
	char online[CPULIST_TEXT_MAX];
	unsigned i;
	int node;

	if (n_cfg_cores == 0) {
		set_msg(err, errlen, "pmd.cores: the list is empty; give at least one core, or auto");
		return -EINVAL;
	}
	if (n_cfg_cores > max_pmds) {
		set_msg(err, errlen, "pmd.cores: %u cores given, at most %u PMDs are supported",
			n_cfg_cores, max_pmds);
		return -EINVAL;
	}
	for (i = 0; i < n_cfg_cores; i++) {
		unsigned c = cfg_cores[i];

		if (!cpu_online(topo, c)) {
			format_online(topo, online, sizeof(online));
			set_msg(err, errlen, "pmd.cores: core %u is not online (online: %s)",
				c, online);
			return -EINVAL;
		}
		if (c == ctl) {
			set_msg(err, errlen,
				"pmd.cores: core %u is the control core%s; a PMD needs a core of its own",
				c, ctl_auto ? " (the first online CPU; pmd.control_core moves it)" : "");
			return -EINVAL;
		}
		if (in_list(cfg_cores, i, c)) {
			set_msg(err, errlen, "pmd.cores: core %u is listed twice", c);
			return -EINVAL;
		}
	}
	for (i = 0; i < n_cfg_cores; i++)
		pmds[i] = cfg_cores[i];

	/* The user chose; only point out ports that will be polled remotely. */
	for (node = -1; next_port_node(port_nodes, n_ports, topo->node[ctl], node, &node);) {
		if (!pmd_on_node(topo, pmds, n_cfg_cores, node) &&
		    node_has_bound_port(port_nodes, n_ports, node))
			add_remark(warn, warnlen,
				   "no PMD on NUMA node %d, which has ports; they are polled across NUMA",
				   node);
	}
	return (int)n_cfg_cores;
}

int
vs_pick_cores(const struct vs_topo *topo, int cfg_control_core, bool auto_cores,
	      const unsigned *cfg_cores, unsigned n_cfg_cores,
	      const int *port_nodes, unsigned n_ports,
	      unsigned *control_core, unsigned *pmd_cores, unsigned max_pmds,
	      char *err, size_t errlen, char *warn, size_t warnlen)
{
	char online[CPULIST_TEXT_MAX];
	unsigned ctl;
	int ret;

	set_msg(err, errlen, "%s", "");
	set_msg(warn, warnlen, "%s", "");

	if (max_pmds == 0) {
		set_msg(err, errlen, "pmd.cores: no room for a PMD (max_pmds is 0)");
		return -EINVAL;
	}

	if (cfg_control_core >= 0) {
		if (!cpu_online(topo, cfg_control_core)) {
			format_online(topo, online, sizeof(online));
			set_msg(err, errlen, "pmd.control_core: core %d is not online (online: %s)",
				cfg_control_core, online);
			return -EINVAL;
		}
		ctl = (unsigned)cfg_control_core;
	} else {
		for (ctl = 0; ctl < topo_ncpus(topo) && !topo->online[ctl]; ctl++)
			;
		if (ctl == topo_ncpus(topo)) {
			/* We run somewhere, so only a broken topology gets here. */
			set_msg(err, errlen, "pmd.cores: no online CPU in our affinity mask");
			return -EINVAL;
		}
	}

	if (auto_cores)
		ret = pick_auto(topo, ctl, port_nodes, n_ports, pmd_cores, max_pmds,
				err, errlen, warn, warnlen);
	else
		ret = pick_explicit(topo, ctl, cfg_control_core < 0, cfg_cores, n_cfg_cores,
				    port_nodes, n_ports, pmd_cores, max_pmds,
				    err, errlen, warn, warnlen);
	if (ret < 0) {
		/* A failed pick must not leave half a remark behind. */
		set_msg(warn, warnlen, "%s", "");
		return ret;
	}
	*control_core = ctl;
	return ret;
}

void
vs_assign_rxqs(const struct vs_rxq_ref *rxqs, unsigned n_rxqs,
	       const int *pmd_node, unsigned n_pmds, const unsigned *load_in,
	       unsigned *out, unsigned *cross_numa)
{
	unsigned load[VS_MAX_PMDS];
	unsigned i, p;

	if (n_pmds == 0)
		return;         /* nothing can poll; vs_pick_cores never returns 0 PMDs */
	if (n_pmds > VS_MAX_PMDS)
		n_pmds = VS_MAX_PMDS;
	for (p = 0; p < n_pmds; p++)
		load[p] = load_in ? load_in[p] : 0;

	for (i = 0; i < n_rxqs; i++) {
		int node = rxqs[i].node;
		bool local = false;
		unsigned best = 0;

		/* Is there any PMD on the queue's node? Then only those compete. */
		if (node != VS_NODE_ANY)
			for (p = 0; p < n_pmds && !local; p++)
				local = pmd_node[p] == node;

		for (p = 0, best = n_pmds; p < n_pmds; p++) {
			if (local && pmd_node[p] != node)
				continue;
			/* Strictly less: ties keep the lowest index, so runs repeat. */
			if (best == n_pmds || load[p] < load[best])
				best = p;
		}
		if (node != VS_NODE_ANY && !local && cross_numa)
			(*cross_numa)++;
		out[i] = best;
		load[best]++;
	}
}

static unsigned
clamp_uint(uint64_t v)
{
	return v > UINT_MAX ? UINT_MAX : (unsigned)v;
}

unsigned
vs_pool_mbufs(const struct vs_pool_demand *d, unsigned burst, unsigned cache_size)
{
	uint64_t n;

	/* Filled rx rings and tx rings not yet reclaimed by the NIC. */
	n = (uint64_t)d->n_rxq_desc + d->n_txq_desc;
	/* Per PMD: one tx buffer per port, plus the rx burst being processed. */
	n += (uint64_t)d->n_pmds * (d->n_ports + 1) * burst;
	/*
	 * Every lcore's cache: the PMDs, and the main lcore that fills the rx
	 * rings at port start. A cache can hold 1.5 times its size.
	 */
	n += (uint64_t)(d->n_pmds + 1) * cache_size * CACHE_HOLD_NUM / CACHE_HOLD_DEN;
	/* Flooding copies a packet per output port; 25% covers bursts of that. */
	n += (n + 3) / 4;
	if (n < MIN_POOL_MBUFS)
		n = MIN_POOL_MBUFS;
	/* A whole number of cache refills, so no lcore sees a half-empty refill. */
	if (cache_size)
		n = (n + cache_size - 1) / cache_size * cache_size;
	if (n > UINT_MAX && cache_size)
		return UINT_MAX / cache_size * cache_size;
	return clamp_uint(n);
}

size_t
vs_mbuf_footprint(unsigned mtu)
{
	size_t frame = (size_t)mtu + ETHER_HDR_LEN + ETHER_CRC_LEN + VLAN_TAGS_LEN;
	size_t room = (frame + DATA_ROOM_ALIGN - 1) / DATA_ROOM_ALIGN * DATA_ROOM_ALIGN;

	if (room < MBUF_MIN_DATA_ROOM)
		room = MBUF_MIN_DATA_ROOM;
	return MEMPOOL_OBJ_HEADER + MBUF_STRUCT_SIZE + MBUF_HEADROOM + room;
}

/*
 * Where a user reserves hugepages for one node. With a single node the
 * global knob is used: it exists on every kernel (the node directory does not
 * without CONFIG_NUMA) and, with one node, it is that node's count.
 */
static void
nr_hugepages_path(char *buf, size_t len, unsigned node, unsigned n_nodes, unsigned page_kb)
{
	if (n_nodes == 1)
		snprintf(buf, len, "/sys/kernel/mm/hugepages/hugepages-%ukB/nr_hugepages",
			 page_kb);
	else
		snprintf(buf, len,
			 "/sys/devices/system/node/node%u/hugepages/hugepages-%ukB/nr_hugepages",
			 node, page_kb);
}

int
vs_check_hugepages(const unsigned *need_mb, const unsigned *free_mb,
		   const unsigned *total_pages, unsigned page_kb, unsigned n_nodes,
		   char *err, size_t errlen)
{
	bool short_any = false;
	size_t used = 0;
	unsigned node;

	set_msg(err, errlen, "%s", "");
	if (page_kb == 0) {
		set_msg(err, errlen, "hugepages: page size is 0 kB");
		return -EINVAL;
	}

	/* Name every short node: the user should fix them all in one go. */
	for (node = 0; node < n_nodes; node++) {
		uint64_t short_kb, pages, want;
		char path[160];

		if (need_mb[node] <= free_mb[node])
			continue;
		short_kb = (uint64_t)(need_mb[node] - free_mb[node]) * 1024;
		pages = (short_kb + page_kb - 1) / page_kb;
		want = total_pages[node] + pages;
		nr_hugepages_path(path, sizeof(path), node, n_nodes, page_kb);
		if (err != NULL && used < errlen)
			used += snprintf(err + used, errlen - used,
					 "%s need %u MB on NUMA node %u, %u MB free (%u kB pages); "
					 "reserve them with: echo %llu > %s",
					 short_any ? ";" : "hugepages:", need_mb[node], node,
					 free_mb[node], page_kb, (unsigned long long)want, path);
		short_any = true;
	}
	return short_any ? -ENOMEM : 0;
}

/*
 * The sysfs mount point. VSWITCH_SYSFS_ROOT points the readers at a fake
 * tree (unit tests, or describing another machine); it then also stands for
 * our affinity mask, which belongs to the real machine.
 */
static const char *
sysfs_root(bool *fake)
{
	const char *root = getenv("VSWITCH_SYSFS_ROOT");

	*fake = root != NULL && root[0] != '\0';
	return *fake ? root : "/sys";
}

/* Read a small sysfs file into buf, NUL-terminated. 0 or -errno. */
static int
read_text(const char *path, char *buf, size_t len)
{
	size_t n;
	FILE *f;
	int ret = 0;

	f = fopen(path, "re");
	if (f == NULL)
		return -errno;
	n = fread(buf, 1, len - 1, f);
	if (ferror(f))
		ret = -EIO;
	else if (n == len - 1 && fgetc(f) != EOF)
		ret = -EFBIG;   /* a truncated CPU list would silently lose CPUs */
	fclose(f);
	buf[n] = '\0';
	return ret;
}

static int
read_ulong(const char *path, unsigned long *v)
{
	char buf[32];
	char *end;
	int ret;

	ret = read_text(path, buf, sizeof(buf));
	if (ret < 0)
		return ret;
	errno = 0;
	*v = strtoul(buf, &end, 10);
	if (errno || end == buf || (*end != '\0' && *end != '\n'))
		return -EINVAL;
	return 0;
}

/*
 * Parse a kernel CPU list ("0-3,8\n", or "\n" for a node without CPUs) into
 * set[0..n-1]. CPUs >= n are ignored: placement cannot name them anyway.
 * *top receives the highest CPU kept + 1 (0 if none). 0 or -EINVAL.
 */
static int
parse_cpulist(const char *s, bool *set, unsigned n, unsigned *top)
{
	*top = 0;
	while (*s != '\0' && *s != '\n') {
		unsigned long a, b, c;
		char *end;

		errno = 0;
		a = strtoul(s, &end, 10);
		if (errno || end == s || *s == '-' || *s == '+')
			return -EINVAL;
		b = a;
		s = end;
		if (*s == '-') {
			s++;
			b = strtoul(s, &end, 10);
			if (errno || end == s || *s == '-' || *s == '+' || b < a)
				return -EINVAL;
			s = end;
		}
		if (*s == ',')
			s++;
		else if (*s != '\0' && *s != '\n')
			return -EINVAL;
		for (c = a; c <= b && c < n; c++) {
			set[c] = true;
			if (c + 1 > *top)
				*top = c + 1;
		}
	}
	return 0;
}

/* "nodeN" with N a plain decimal number. */
static bool
node_dir_name(const char *name, unsigned long *id)
{
	char *end;

	if (strncmp(name, "node", 4) != 0 || name[4] < '0' || name[4] > '9')
		return false;
	errno = 0;
	*id = strtoul(name + 4, &end, 10);
	return errno == 0 && *end == '\0';
}

/* Clear the CPUs we may not run on: pmd.cores outside them would fail later. */
static int
apply_affinity(struct vs_topo *topo)
{
	/* Start at glibc's size; the kernel wants at least its nr_cpu_ids bits. */
	unsigned ncpu = CPU_SETSIZE;
	cpu_set_t *set;
	size_t size;
	unsigned c;
	int ret;

	for (;;) {
		set = CPU_ALLOC(ncpu);
		if (set == NULL)
			return -ENOMEM;
		size = CPU_ALLOC_SIZE(ncpu);
		if (sched_getaffinity(0, size, set) == 0)
			break;
		ret = errno;
		CPU_FREE(set);
		if (ret != EINVAL || ncpu >= 1u << 20)
			return -ret;
		ncpu *= 2;
	}
	for (c = 0; c < topo_ncpus(topo); c++)
		if (!CPU_ISSET_S(c, size, set))
			topo->online[c] = false;
	CPU_FREE(set);
	return 0;
}

int
vs_topo_read(struct vs_topo *topo)
{
	char path[PATH_MAX];
	char buf[8192];
	struct dirent *de;
	unsigned top;
	bool fake;
	const char *root = sysfs_root(&fake);
	DIR *dir;
	int ret;

	memset(topo, 0, sizeof(*topo));

	snprintf(path, sizeof(path), "%s/devices/system/cpu/online", root);
	ret = read_text(path, buf, sizeof(buf));
	if (ret < 0)
		return ret;
	ret = parse_cpulist(buf, topo->online, VS_MAX_CORES, &top);
	if (ret < 0)
		return ret;
	topo->n_cpus = top;
	topo->n_nodes = 1;      /* without a node directory, all is node 0 */

	snprintf(path, sizeof(path), "%s/devices/system/node", root);
	dir = opendir(path);
	if (dir == NULL && errno != ENOENT)
		return -errno;
	while (dir != NULL && (de = readdir(dir)) != NULL) {
		bool cpus[VS_MAX_CORES] = { false };
		unsigned long id;
		unsigned c;

		if (!node_dir_name(de->d_name, &id))
			continue;
		if (id >= VS_MAX_NODES) {
			/* Callers size per-node arrays with VS_MAX_NODES. */
			ret = -ERANGE;
			break;
		}
		snprintf(path, sizeof(path), "%s/devices/system/node/%s/cpulist", root,
			 de->d_name);
		ret = read_text(path, buf, sizeof(buf));
		if (ret == 0)
			ret = parse_cpulist(buf, cpus, VS_MAX_CORES, &top);
		if (ret < 0)
			break;
		for (c = 0; c < top; c++)
			if (cpus[c])
				topo->node[c] = (int)id;
		/* Offline CPUs still belong to a node: describe them too. */
		if (top > topo->n_cpus)
			topo->n_cpus = top;
		if (id + 1 > topo->n_nodes)
			topo->n_nodes = (unsigned)id + 1;
	}
	if (dir != NULL)
		closedir(dir);
	if (ret < 0)
		return ret;

	return fake ? 0 : apply_affinity(topo);
}

int
vs_hugepages_read(unsigned page_kb, unsigned *free_mb, unsigned *total_pages,
		  unsigned n_nodes)
{
	char path[PATH_MAX];
	struct stat st;
	unsigned node;
	bool numa, fake;
	const char *root = sysfs_root(&fake);

	if (page_kb == 0 || n_nodes == 0)
		return -EINVAL;

	snprintf(path, sizeof(path), "%s/devices/system/node", root);
	if (stat(path, &st) == 0)
		numa = true;
	else if (errno == ENOENT)
		numa = false;   /* kernel without CONFIG_NUMA: one global pool */
	else
		return -errno;

	for (node = 0; node < n_nodes; node++) {
		unsigned long free_pages, nr_pages;
		char dir[PATH_MAX - 32];
		int ret;

		if (numa) {
			snprintf(dir, sizeof(dir),
				 "%s/devices/system/node/node%u/hugepages/hugepages-%ukB",
				 root, node, page_kb);
		} else if (node == 0) {
			snprintf(dir, sizeof(dir), "%s/kernel/mm/hugepages/hugepages-%ukB",
				 root, page_kb);
		} else {
			free_mb[node] = 0;
			total_pages[node] = 0;
			continue;
		}
		/* ENOENT here means the kernel does not offer this page size. */
		snprintf(path, sizeof(path), "%s/free_hugepages", dir);
		ret = read_ulong(path, &free_pages);
		if (ret < 0)
			return ret;
		snprintf(path, sizeof(path), "%s/nr_hugepages", dir);
		ret = read_ulong(path, &nr_pages);
		if (ret < 0)
			return ret;
		free_mb[node] = clamp_uint((uint64_t)free_pages * page_kb / 1024);
		total_pages[node] = clamp_uint(nr_pages);
	}
	return 0;
}

void
vs_pool_demand_of(const struct vs_config *cfg, unsigned n_pmds, struct vs_pool_demand *d)
{
	memset(d, 0, sizeof(*d));
	for (unsigned b = 0; b < cfg->n_bridges; b++) {
		for (unsigned i = 0; i < cfg->bridges[b].n_ports; i++) {
			const struct vs_port_cfg *pc = &cfg->bridges[b].ports[i];

			if (pc->type == VS_PORT_PATCH)
				continue;
			d->n_rxq_desc += pc->rxq * pc->rx_desc;
			d->n_txq_desc += (pc->txq ? pc->txq : n_pmds) * pc->tx_desc;
			d->n_ports++;
			if (pc->mtu > d->mtu)
				d->mtu = pc->mtu;
		}
	}
	if (d->mtu == 0)
		d->mtu = VS_DEFAULT_MTU;
	d->n_pmds = n_pmds;
}
