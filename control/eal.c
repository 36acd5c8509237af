/* SPDX-License-Identifier: BSD-3-Clause */
/* EAL set-up from the configuration (see eal.h). */
#include <errno.h>
#include <linux/magic.h>
#include <net/if.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statfs.h>
#include <unistd.h>

#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_log.h>

#include "eal.h"
#include "fdb.h"
#include "log.h"
#include "xdp_check.h"

#define EAL_BASE_MB 64          /* EAL heap, tables, rings, PMD contexts */
#define MAX_ARGS (32 + VS_MAX_EXTRA_ARGS + VS_MAX_PORTS * 2)

bool
vs_devargs_is_pci(const char *devargs)
{
	static const char *re = "^([0-9a-fA-F]{4}:)?[0-9a-fA-F]{2}:[0-9a-fA-F]{2}\\.[0-7](,|$)";
	regex_t r;
	bool m;

	if (regcomp(&r, re, REG_EXTENDED | REG_NOSUB) != 0)
		return false;
	m = regexec(&r, devargs, 0, NULL, 0) == 0;
	regfree(&r);
	return m;
}

/* NUMA node of a PCI device from sysfs, VS_NODE_ANY when unknown. */
static int
pci_node(const char *devargs)
{
	char bdf[32], path[128];
	int node = VS_NODE_ANY;
	size_t n = strcspn(devargs, ",");
	FILE *f;

	if (n >= sizeof(bdf))
		return VS_NODE_ANY;
	snprintf(bdf, sizeof(bdf), "%s%.*s", n < 12 ? "0000:" : "", (int)n, devargs);
	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/numa_node", bdf);
	f = fopen(path, "r");
	if (f) {
		if (fscanf(f, "%d", &node) != 1 || node < 0)
			node = VS_NODE_ANY;
		fclose(f);
	}
	return node;
}

int
vs_eal_plan(const struct vs_config *cfg, struct vs_eal_plan *plan, char *err, size_t errlen)
{
	struct vs_topo topo;
	int port_nodes[VS_MAX_PORTS];
	unsigned n_ports = 0, free_mb[VS_MAX_NODES] = { 0 }, total[VS_MAX_NODES] = { 0 };
	struct vs_pool_demand d = { 0 };
	char warn[256] = "";
	struct statfs sfs;
	uint64_t fdb_bytes = 0;
	int rc, n;

	memset(plan, 0, sizeof(*plan));
	for (unsigned b = 0; b < cfg->n_bridges; b++) {
		const struct vs_bridge_cfg *bc = &cfg->bridges[b];

		fdb_bytes += vs_fdb_memsize(bc->mac_table_size);
		for (unsigned i = 0; i < bc->n_ports; i++) {
			const struct vs_port_cfg *pc = &bc->ports[i];

			if (pc->type == VS_PORT_PATCH)
				continue;
			if (pc->type == VS_PORT_AF_XDP) {
				char why[256];

				rc = vs_xdp_check_iface(pc->iface, why, sizeof(why));
				if (rc) {
					snprintf(err, errlen, "%s:%u:%u: port '%s': %s", pc->mark.file,
						 pc->mark.line, pc->mark.column, pc->name, why);
					return rc;
				}
			}
			if (pc->type == VS_PORT_DPDK && vs_devargs_is_pci(pc->devargs)) {
				plan->pci = true;
				port_nodes[n_ports++] = pci_node(pc->devargs);
			} else {
				port_nodes[n_ports++] = VS_NODE_ANY;
			}
		}
	}

	rc = vs_topo_read(&topo);
	if (rc) {
		snprintf(err, errlen, "cannot read the CPU topology: %s", strerror(-rc));
		return rc;
	}
	n = vs_pick_cores(&topo, cfg->pmd.control_core, cfg->pmd.auto_cores, cfg->pmd.cores,
			  cfg->pmd.n_cores, port_nodes, n_ports, &plan->control_core, plan->pmd_cores,
			  VS_MAX_PMDS, err, errlen, warn, sizeof(warn));
	if (n < 0)
		return n;
	plan->n_pmds = n;
	if (warn[0])
		VS_WARN("%s", warn);

	/* Hugepages: is the directory a hugetlbfs, and is there enough? */
	if (statfs(cfg->dpdk.hugepage_dir, &sfs) != 0 || sfs.f_type != HUGETLBFS_MAGIC) {
		snprintf(err, errlen,
			 "dpdk.hugepage_dir: %s is not a hugetlbfs mount; mount one with: "
			 "mkdir -p %s && mount -t hugetlbfs nodev %s", cfg->dpdk.hugepage_dir,
			 cfg->dpdk.hugepage_dir, cfg->dpdk.hugepage_dir);
		return -ENOENT;
	}
	plan->page_kb = sfs.f_bsize / 1024;
	vs_pool_demand_of(cfg, plan->n_pmds, &d);
	if (cfg->dpdk.memory_mb) {
		plan->need_mb[topo.node[plan->pmd_cores[0]]] = cfg->dpdk.memory_mb;
	} else {
		unsigned mbufs = cfg->dpdk.mbufs ? cfg->dpdk.mbufs
						 : vs_pool_mbufs(&d, 32, 256);

		plan->need_mb[topo.node[plan->pmd_cores[0]]] =
			EAL_BASE_MB + (unsigned)(((uint64_t)mbufs * vs_mbuf_footprint(d.mtu) +
						  fdb_bytes) >> 20);
	}
	rc = vs_hugepages_read(plan->page_kb, free_mb, total, topo.n_nodes);
	if (rc) {
		snprintf(err, errlen, "cannot read hugepage counts from sysfs: %s", strerror(-rc));
		return rc;
	}
	return vs_check_hugepages(plan->need_mb, free_mb, total, plan->page_kb, topo.n_nodes, err,
				  errlen);
}

static int
dpdk_log_level(int ours)
{
	switch (ours) {
	case VS_LOG_ERR:
		return RTE_LOG_ERR;
	case VS_LOG_WARN:
		return RTE_LOG_WARNING;
	case VS_LOG_DEBUG:
		return RTE_LOG_DEBUG;
	default:
		return RTE_LOG_NOTICE;
	}
}

int
vs_eal_init(const struct vs_config *cfg, const struct vs_eal_plan *plan, int log_level,
	    char *err, size_t errlen)
{
	static char store[MAX_ARGS][VS_DEVARGS_MAX];
	char *argv[MAX_ARGS + 1];
	int argc = 0, rc;
	size_t off;

#define ARG(...) snprintf(store[argc], sizeof(store[0]), __VA_ARGS__), argv[argc] = store[argc], argc++
	ARG("vswitchd");
	ARG("-l");
	off = snprintf(store[argc], sizeof(store[0]), "%u", plan->control_core);
	for (unsigned i = 0; i < plan->n_pmds; i++)
		off += snprintf(store[argc] + off, sizeof(store[0]) - off, ",%u", plan->pmd_cores[i]);
	argv[argc] = store[argc];
	argc++;
	ARG("--main-lcore");
	ARG("%u", plan->control_core);
	/* No shared files: nothing left in hugetlbfs or /var/run after exit. */
	ARG("--in-memory");
	ARG("--file-prefix");
	ARG("vswitchd%d", (int)getpid());
	ARG("--huge-dir");
	argv[argc++] = (char *)cfg->dpdk.hugepage_dir;
	ARG("--no-telemetry");
	ARG("--log-level");
	ARG("%d", dpdk_log_level(log_level));
	if (cfg->dpdk.memory_mb) {
		ARG("-m");
		ARG("%u", cfg->dpdk.memory_mb);
	}
	if (!plan->pci) {
		ARG("--no-pci");
	} else {
		/* An allow-list: the host's other devices are never probed. */
		for (unsigned b = 0; b < cfg->n_bridges; b++)
			for (unsigned i = 0; i < cfg->bridges[b].n_ports; i++) {
				const struct vs_port_cfg *pc = &cfg->bridges[b].ports[i];

				if (pc->type == VS_PORT_DPDK && vs_devargs_is_pci(pc->devargs)) {
					ARG("-a");
					ARG("%s", pc->devargs);
				}
			}
	}
	for (unsigned i = 0; i < cfg->dpdk.n_extra_args; i++)
		argv[argc++] = cfg->dpdk.extra_args[i];
#undef ARG
	argv[argc] = NULL;

	if (log_level >= VS_LOG_DEBUG) {
		char line[4096];

		off = 0;
		for (int i = 0; i < argc && off < sizeof(line); i++)
			off += snprintf(line + off, sizeof(line) - off, " %s", argv[i]);
		VS_DEBUG("EAL arguments:%s", line);
	}
	rc = rte_eal_init(argc, argv);
	if (rc < 0) {
		snprintf(err, errlen, "DPDK EAL initialisation failed: %s", rte_strerror(rte_errno));
		return -rte_errno;
	}
	return 0;
}
