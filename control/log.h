/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Control-thread logging to stderr (journald adds time and unit). PMDs never
 * log per packet. Levels follow syslog; --log-level sets the threshold for
 * ours and DPDK's (rte_log) messages alike.
 */
#ifndef VS_LOG_H
#define VS_LOG_H

#include <stdio.h>

enum vs_log_level { VS_LOG_ERR = 3, VS_LOG_WARN = 4, VS_LOG_INFO = 6, VS_LOG_DEBUG = 7 };

extern int vs_log_level;

/* "err", "warn", "info", "debug" -> level, or -1. */
int vs_log_parse_level(const char *s);

void vs_log(int level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#define VS_ERR(...) vs_log(VS_LOG_ERR, __VA_ARGS__)
#define VS_WARN(...) vs_log(VS_LOG_WARN, __VA_ARGS__)
#define VS_INFO(...) vs_log(VS_LOG_INFO, __VA_ARGS__)
#define VS_DEBUG(...) vs_log(VS_LOG_DEBUG, __VA_ARGS__)

#endif /* VS_LOG_H */
