/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * vswitchd: wires config, EAL, switch, PMDs and the control loop together.
 *
 * Exit status: 0 clean shutdown (SIGTERM/SIGINT), 1 start-up failure after
 * the configuration was accepted, 2 usage or configuration error (nothing
 * touched: no hugepages, no interfaces).
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include <rte_eal.h>
#include <rte_log.h>

#include "config.h"
#include "ctl_server.h"
#include "dp.h"
#include "eal.h"
#include "log.h"
#include "methods.h"
#include "switch.h"

static void
usage(FILE *f)
{
	fprintf(f,
		"usage: vswitchd --config FILE [--log-level LEVEL]\n"
		"       vswitchd --check-config FILE\n"
		"\n"
		"  -c, --config FILE        run the switch described by FILE (YAML)\n"
		"      --check-config FILE  validate FILE and exit (0 valid, 2 invalid)\n"
		"  -l, --log-level LEVEL    err, warn, info (default) or debug\n"
		"  -h, --help               this text\n"
		"  -V, --version            print the version\n"
		"\n"
		"See docs/config.md for the file format and vsctl --help for runtime control.\n");
}

/* rte_eal_cleanup(), and the (empty) runtime directory EAL leaves even
 * with --in-memory. */
static void
eal_cleanup(void)
{
	char dir[PATH_MAX];

	snprintf(dir, sizeof(dir), "%s", rte_eal_get_runtime_dir());
	rte_eal_cleanup();
	if (dir[0] != '\0' && rmdir(dir) != 0 && errno != ENOENT)
		VS_WARN("cannot remove %s: %s", dir, strerror(errno));
}

/*
 * AF_XDP umems and BPF maps are locked memory: lift the limit (systemd's
 * default is 8 MB), as OVS does. Best effort; the error shows up at port
 * creation if it matters.
 */
static void
raise_memlock(void)
{
	struct rlimit r = { RLIM_INFINITY, RLIM_INFINITY };

	if (setrlimit(RLIMIT_MEMLOCK, &r) != 0)
		VS_WARN("cannot lift the locked-memory limit: %s", strerror(errno));
}

static unsigned
count_ports(const struct vs_config *cfg)
{
	unsigned n = 0;

	for (unsigned b = 0; b < cfg->n_bridges; b++)
		n += cfg->bridges[b].n_ports;
	return n;
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "check-config", required_argument, NULL, 'C' },
		{ "log-level", required_argument, NULL, 'l' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	const char *path = NULL;
	bool check_only = false;
	struct vs_config *cfg = NULL;
	struct vs_eal_plan plan;
	struct vs_switch sw;
	struct vs_ctl ctl;
	char err[1024];
	int c, rc;

	while ((c = getopt_long(argc, argv, "c:l:hV", opts, NULL)) != -1) {
		switch (c) {
		case 'c':
			path = optarg;
			break;
		case 'C':
			path = optarg;
			check_only = true;
			break;
		case 'l':
			vs_log_level = vs_log_parse_level(optarg);
			if (vs_log_level < 0) {
				fprintf(stderr, "vswitchd: unknown log level '%s' (err, warn, info, debug)\n",
					optarg);
				return 2;
			}
			break;
		case 'h':
			usage(stdout);
			return 0;
		case 'V':
			printf("vswitchd %s\n", VS_VERSION);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (path == NULL || optind != argc) {
		usage(stderr);
		return 2;
	}

	rc = vs_config_load_file(path, &cfg, err, sizeof(err));
	if (rc) {
		fprintf(stderr, "vswitchd: %s\n", err);
		return 2;
	}
	if (check_only) {
		printf("%s: OK (%u bridges, %u ports)\n", path, cfg->n_bridges, count_ports(cfg));
		vs_config_free(cfg);
		return 0;
	}

	/* Everything that can be refused is refused before EAL starts. */
	if (vs_eal_plan(cfg, &plan, err, sizeof(err)) != 0 ||
	    vs_ctl_check_free(cfg->control.socket, err, sizeof(err)) != 0) {
		fprintf(stderr, "vswitchd: %s\n", err);
		vs_config_free(cfg);
		return 2;
	}

	/* Threads created from here on (EAL's, the PMDs) inherit the mask, so
	 * SIGTERM and SIGINT reach the control loop's signalfd only. */
	vs_ctl_block_signals();
	raise_memlock();
	if (vs_eal_init(cfg, &plan, vs_log_level, err, sizeof(err)) != 0) {
		VS_ERR("%s", err);
		vs_config_free(cfg);
		return 1;
	}
	vs_dp_select_isa(NULL);
	VS_INFO("vswitchd %s: control core %u, %u PMD(s), config %s, forwarding code: %s",
		VS_VERSION, plan.control_core, plan.n_pmds, path, vs_dp_isa());

	rc = vs_switch_init(&sw, cfg, plan.control_core, plan.pmd_cores, plan.n_pmds, err,
			    sizeof(err));
	if (rc == 0)
		rc = vs_switch_create_pools(&sw, cfg, err, sizeof(err));
	if (rc == 0)
		rc = vs_switch_apply_config(&sw, cfg, err, sizeof(err));
	if (rc == 0)
		rc = vs_ctl_open(&ctl, &sw, cfg->control.socket, cfg->control.socket_mode, err,
				 sizeof(err));
	if (rc != 0) {
		VS_ERR("%s", err);
		vs_switch_fini(&sw);
		eal_cleanup();
		vs_config_free(cfg);
		return 1;
	}
	rc = vs_switch_start(&sw);
	if (rc == 0) {
		VS_INFO("ready: %u bridge(s), %u port(s)", cfg->n_bridges, count_ports(cfg));
		rc = vs_ctl_run(&ctl);
	}

	vs_ctl_close(&ctl);
	vs_switch_fini(&sw);
	eal_cleanup();
	vs_config_free(cfg);
	VS_INFO("stopped");
	return rc == 0 ? 0 : 1;
}
