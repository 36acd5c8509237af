/* SPDX-License-Identifier: BSD-3-Clause */
#include <stdarg.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "log.h"

int vs_log_level = VS_LOG_INFO;

int
vs_log_parse_level(const char *s)
{
	static const struct { const char *name; int level; } names[] = {
		{ "err", VS_LOG_ERR }, { "error", VS_LOG_ERR }, { "warn", VS_LOG_WARN },
		{ "warning", VS_LOG_WARN }, { "info", VS_LOG_INFO }, { "debug", VS_LOG_DEBUG },
	};

	for (unsigned i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcasecmp(s, names[i].name) == 0)
			return names[i].level;
	return -1;
}

void
vs_log(int level, const char *fmt, ...)
{
	static const char *tag[8] = { [3] = "ERR", [4] = "WARN", [6] = "INFO", [7] = "DEBUG" };
	struct timespec ts;
	struct tm tm;
	char when[32];
	va_list ap;

	if (level > vs_log_level)
		return;
	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	strftime(when, sizeof(when), "%H:%M:%S", &tm);
	fprintf(stderr, "%s.%03ld vswitchd %s: ", when, ts.tv_nsec / 1000000, tag[level & 7]);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}
