/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * AF_XDP port pre-flight, with libxdp: refuse an interface on which another
 * application has an XDP program attached, instead of silently replacing it
 * (which is what loading ours would do in legacy, single-program mode).
 * A leftover of our own (DPDK's "xsk_def_prog", from a vswitchd that was
 * killed) is fine: it is replaced. Control thread only.
 */
#ifndef VS_XDP_CHECK_H
#define VS_XDP_CHECK_H

#include <stddef.h>

/* 0, or -ENODEV / -EBUSY with a message naming the interface and program. */
int vs_xdp_check_iface(const char *iface, char *err, size_t errlen);

#endif /* VS_XDP_CHECK_H */
