/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The control thread's event loop: the control socket (JSON-RPC clients),
 * SIGINT/SIGTERM through a signalfd, and a 1 ms timer for learning and the
 * one-second MAC ageing clock. Everything runs on the main (control) lcore.
 */
#ifndef VS_CTL_SERVER_H
#define VS_CTL_SERVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

struct vs_switch;

#define VS_CTL_MAX_CLIENTS 64

struct vs_ctl_client;

struct vs_ctl {
	int epfd;
	int listen_fd;
	int signal_fd;
	int timer_fd;
	char path[108];                 /* socket path, unlinked on close */
	struct vs_switch *sw;
	struct vs_ctl_client *clients[VS_CTL_MAX_CLIENTS];
	struct timespec start;          /* for the seconds clock */
	uint32_t now_s;
};

/*
 * Fail early if another daemon answers on `path` (before EAL touches
 * anything). 0 when the path is free or stale, -EADDRINUSE otherwise.
 */
int vs_ctl_check_free(const char *path, char *err, size_t errlen);

/* Block SIGINT/SIGTERM (call before any thread exists) and ignore SIGPIPE. */
void vs_ctl_block_signals(void);

int vs_ctl_open(struct vs_ctl *ctl, struct vs_switch *sw, const char *path, unsigned mode,
		char *err, size_t errlen);

/* Serve until SIGINT or SIGTERM. */
int vs_ctl_run(struct vs_ctl *ctl);

void vs_ctl_close(struct vs_ctl *ctl);

#endif /* VS_CTL_SERVER_H */
