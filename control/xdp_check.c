/* SPDX-License-Identifier: BSD-3-Clause */
/* AF_XDP pre-flight with libxdp (see xdp_check.h). */
#include <errno.h>
#include <net/if.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <xdp/libxdp.h>

#include "log.h"
#include "xdp_check.h"

/* The program DPDK's net_af_xdp loads (through libxdp) for its sockets. */
#define OUR_PROG "xsk_def_prog"

static int
quiet(enum libxdp_print_level level, const char *fmt, va_list ap)
{
	(void)level;
	(void)fmt;
	(void)ap;
	return 0;
}

int
vs_xdp_check_iface(const char *iface, char *err, size_t errlen)
{
	struct xdp_multiprog *mp;
	struct xdp_program *prog;
	int ifindex = if_nametoindex(iface), rc = 0;

	if (ifindex == 0) {
		snprintf(err, errlen, "interface '%s' does not exist", iface);
		return -ENODEV;
	}
	libxdp_set_print(quiet);
	mp = xdp_multiprog__get_from_ifindex(ifindex);
	if (mp == NULL || libxdp_get_error(mp))
		return 0;       /* nothing attached (or nothing we can read) */
	if (xdp_multiprog__is_legacy(mp)) {
		prog = xdp_multiprog__main_prog(mp);
		if (prog && strcmp(xdp_program__name(prog), OUR_PROG) != 0) {
			snprintf(err, errlen,
				 "interface '%s' already runs XDP program '%s' (id %u) of another "
				 "application; detach it first (ip link set dev %s xdp off)",
				 iface, xdp_program__name(prog), xdp_program__id(prog), iface);
			rc = -EBUSY;
		}
	} else {
		/* A libxdp dispatcher: programs share the hook; ours is added
		 * to it. Others run first or after by priority: say so. */
		for (prog = xdp_multiprog__next_prog(NULL, mp); prog;
		     prog = xdp_multiprog__next_prog(prog, mp))
			if (strcmp(xdp_program__name(prog), OUR_PROG) != 0)
				VS_WARN("interface '%s': XDP program '%s' (id %u) shares the hook with "
					"vswitchd's; it may drop or pass frames before they reach the "
					"switch", iface, xdp_program__name(prog), xdp_program__id(prog));
	}
	xdp_multiprog__close(mp);
	return rc;
}
