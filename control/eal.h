/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * From a validated config to a running EAL: choose the cores, check that
 * the hugepages are there (before touching them), build the EAL argument
 * list (cores, memory, PCI allow-list or --no-pci) and initialise.
 */
#ifndef VS_EAL_H
#define VS_EAL_H

#include <stdbool.h>
#include <stddef.h>

#include "config.h"
#include "placement.h"

struct vs_eal_plan {
	unsigned control_core;
	unsigned pmd_cores[VS_MAX_PMDS];
	unsigned n_pmds;
	unsigned page_kb;               /* hugepage size of hugepage_dir */
	unsigned need_mb[VS_MAX_NODES]; /* estimated hugepage memory per node */
	bool pci;                       /* some port names a PCI device */
};

/* Decide everything that can fail before EAL starts. 0 or -errno + err. */
int vs_eal_plan(const struct vs_config *cfg, struct vs_eal_plan *plan, char *err, size_t errlen);

/* rte_eal_init() with arguments built from cfg and plan. 0 or -errno + err. */
int vs_eal_init(const struct vs_config *cfg, const struct vs_eal_plan *plan, int log_level,
		char *err, size_t errlen);

/* True when devargs names a PCI device (0000:3b:00.0 or 3b:00.0, options after a comma). */
bool vs_devargs_is_pci(const char *devargs);

#endif /* VS_EAL_H */
