/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * vsctl's commands: how each one turns its command-line arguments into
 * JSON-RPC params, and how it prints the daemon's result.
 *
 * Kept apart from the socket code in vsctl.c so that unit tests can check
 * both halves without a daemon. No DPDK, no I/O other than the FILE given.
 */
#ifndef VS_VSCTL_CMDS_H
#define VS_VSCTL_CMDS_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

struct vsctl_cmd {
	const char *name;       /* command word; also the JSON-RPC method name */
	int min_args;           /* arguments after the command word */
	int max_args;           /* -1: no upper bound (key=value lists) */
	const char *args;       /* argument synopsis, for usage messages */
	const char *help;       /* one-line description, for --help */
	/*
	 * Add the command's members to the empty object params from argv.
	 * Called with an argument count already within [min_args, max_args].
	 * Returns 0 or -EINVAL with "why" in err (without the command name).
	 */
	int (*build)(int argc, char *const argv[], json_t *params, char *err, size_t errlen);
	/* Print a successful result as text; NULL for commands that print nothing. */
	void (*print)(FILE *out, const json_t *result);
};

/* The command named name, or NULL. */
const struct vsctl_cmd *vsctl_cmd_find(const char *name);

/*
 * Check the argument count and build the params object of one command.
 * Returns 0 with *params (a new object), or -EINVAL with a one-line message
 * in err such as "add-port: expected key=value, got 'foo'". Nothing is
 * sent for a command that fails here (vsctl exits with status 2).
 */
int vsctl_build_params(const struct vsctl_cmd *cmd, int argc, char *const argv[],
		       json_t **params, char *err, size_t errlen);

/*
 * Print a result: as indented JSON (exactly the "result" member) when json
 * is true, else as the command's text. Results of any shape are printed
 * without crashing; missing or mistyped members show as "?".
 */
void vsctl_print_result(const struct vsctl_cmd *cmd, FILE *out, const json_t *result,
			bool json);

/* The command list for --help, one "  name args  description" per line. */
void vsctl_print_commands(FILE *out);

#endif /* VS_VSCTL_CMDS_H */
