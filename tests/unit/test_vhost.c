/* SPDX-License-Identifier: BSD-3-Clause */
/* vhost-user NUMA placement decision (vs_vhost_rxq_node). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "vhost.h"

/* One node, one PMD: the guest's node is known and served. */
static void
one_node(void **state)
{
	int pmd_node[] = { 0 };

	(void)state;
	assert_int_equal(vs_vhost_rxq_node(-1, 0, pmd_node, 1), 0);
	/* Guest memory node unknown (-1): leave the queues where they are. */
	assert_int_equal(vs_vhost_rxq_node(-1, -1, pmd_node, 1), -1);
}

/* Two nodes with a PMD each: follow the guest's memory. */
static void
follows_guest(void **state)
{
	int pmd_node[] = { 0, 1 };

	(void)state;
	assert_int_equal(vs_vhost_rxq_node(-1, 1, pmd_node, 2), 1);
	assert_int_equal(vs_vhost_rxq_node(-1, 0, pmd_node, 2), 0);
}

/* Guest memory on a node without a PMD: nothing better to do. */
static void
no_pmd_on_guest_node(void **state)
{
	int pmd_node[] = { 0, 0 };

	(void)state;
	assert_int_equal(vs_vhost_rxq_node(-1, 1, pmd_node, 2), -1);
}

/* numa: N pins the port to node N whatever the guest, if a PMD runs there. */
static void
configured_node_wins(void **state)
{
	int pmd_node[] = { 0, 1 };
	int only0[] = { 0 };

	(void)state;
	assert_int_equal(vs_vhost_rxq_node(0, 1, pmd_node, 2), 0);
	assert_int_equal(vs_vhost_rxq_node(1, -1, pmd_node, 2), 1);
	assert_int_equal(vs_vhost_rxq_node(1, 0, only0, 1), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(one_node),
		cmocka_unit_test(follows_guest),
		cmocka_unit_test(no_pmd_on_guest_node),
		cmocka_unit_test(configured_node_wins),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
