/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Cross-core cache-line round trip, once a second: a thread on core A and
 * one on core B hand a counter back and forth through one cache line and
 * the TSC cycles per round trip are printed. On a virtual machine the
 * figure says how far apart the host placed the two vCPUs at that moment
 * (same core complex, shared L3: a few hundred cycles; different ones: 3-5x
 * more), which is what a vhost-user loop between two cores pays per ring
 * index handover. See docs/performance.md ("The vhost loop is bimodal").
 *
 *   cc -O2 -pthread -o /tmp/xcore_rtt scripts/bench/xcore_rtt.c
 *   /tmp/xcore_rtt [SECONDS (10)] [CORE_A (0)] [CORE_B (1)]
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <x86intrin.h>

static struct {
	volatile uint64_t v;
	char pad[56];
} line __attribute__((aligned(64)));
static volatile int stop;

static int
pin(int core)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(core, &set);
	return pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
}

/* Answers every odd value with the next even one. */
static void *
echo(void *arg)
{
	uint64_t v;

	if (pin(*(int *)arg) != 0) {
		fprintf(stderr, "xcore_rtt: cannot pin to core %d\n", *(int *)arg);
		exit(1);
	}
	while (!stop) {
		v = line.v;
		if (v & 1)
			line.v = v + 1;
	}
	return NULL;
}

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int
main(int argc, char **argv)
{
	int secs = argc > 1 ? atoi(argv[1]) : 10;
	int core_a = argc > 2 ? atoi(argv[2]) : 0;
	int core_b = argc > 3 ? atoi(argv[3]) : 1;
	pthread_t t;

	if (pthread_create(&t, NULL, echo, &core_a) != 0 || pin(core_b) != 0) {
		fprintf(stderr, "xcore_rtt: cannot start on cores %d and %d\n", core_a, core_b);
		return 1;
	}
	for (int s = 0; s < secs; s++) {
		double end = now_s() + 1.0;
		uint64_t n = 0, t0 = __rdtsc();

		do {
			for (int i = 0; i < 1024; i++, n++) {
				uint64_t v = line.v;

				line.v = v + 1;          /* odd: the other core's turn */
				while (line.v == v + 1)
					;
			}
		} while (now_s() < end);
		printf("%d %.0f\n", s, (double)(__rdtsc() - t0) / n);
		fflush(stdout);
	}
	stop = 1;
	pthread_join(t, NULL);
	return 0;
}
