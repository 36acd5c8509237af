/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * vsctl's command table: argument checks, params building, result printing.
 *
 * The client checks only what it can check without the daemon (argument
 * counts, key=value syntax, name lengths); option keys and values are sent
 * as strings and validated by the daemon, so the two cannot disagree about
 * what a valid value is.
 *
 * Printers take results from the network: every member may be missing or of
 * the wrong type, and must then print as "?" (or be skipped), never crash.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "flow.h"
#include "vsctl_cmds.h"

/* ---- argument parsing ---------------------------------------------------- */

static int __attribute__((format(printf, 3, 4)))
fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

/*
 * A bridge or port name: non-empty, fits VS_NAME_MAX with its NUL, valid
 * UTF-8 (JSON strings must be). A '=' means the user most likely forgot the
 * name and started with the options ("add-port br0 type=dpdk ...").
 */
static int
add_name(json_t *params, const char *member, const char *what, const char *name,
	 char *err, size_t errlen)
{
	json_t *s;

	if (name[0] == '\0')
		return fail(err, errlen, "%s name is empty", what);
	if (strlen(name) > VS_NAME_MAX - 1)
		return fail(err, errlen, "%s name '%s' is too long (max %d bytes)",
			    what, name, VS_NAME_MAX - 1);
	if (strchr(name, '=') != NULL)
		return fail(err, errlen, "expected a %s name, got '%s'", what, name);
	s = json_string(name);
	if (s == NULL)
		return fail(err, errlen, "%s name is not valid UTF-8", what);
	if (json_object_set_new(params, member, s) < 0)
		return fail(err, errlen, "out of memory");
	return 0;
}

/*
 * Parse key=value words into params.options (created even when argc is 0,
 * so the daemon always sees the same shape). Values may be empty and may
 * contain '='; only the first '=' splits.
 */
static int
add_options(json_t *params, int argc, char *const argv[], char *err, size_t errlen)
{
	json_t *opts, *value;
	const char *eq;
	char *key;
	int i, ret;

	opts = json_object();
	if (opts == NULL || json_object_set_new(params, "options", opts) < 0)
		return fail(err, errlen, "out of memory");
	for (i = 0; i < argc; i++) {
		eq = strchr(argv[i], '=');
		if (eq == NULL)
			return fail(err, errlen, "expected key=value, got '%s'", argv[i]);
		if (eq == argv[i])
			return fail(err, errlen, "empty key in '%s'", argv[i]);
		key = strndup(argv[i], eq - argv[i]);
		if (key == NULL)
			return fail(err, errlen, "out of memory");
		if (json_object_get(opts, key) != NULL) {
			ret = fail(err, errlen, "duplicate key '%s'", key);
			free(key);
			return ret;
		}
		value = json_string(eq + 1);
		if (value == NULL) {
			free(key);
			return fail(err, errlen, "'%s' is not valid UTF-8", argv[i]);
		}
		ret = json_object_set_new(opts, key, value);
		free(key);
		if (ret < 0)
			return fail(err, errlen, "'%s' is not valid UTF-8", argv[i]);
	}
	return 0;
}

static int
build_none(int argc, char *const argv[], json_t *params, char *err, size_t errlen)
{
	(void)argc;
	(void)argv;
	(void)params;
	(void)err;
	(void)errlen;
	return 0;
}

/* BRIDGE */
static int
build_bridge(int argc, char *const argv[], json_t *params, char *err, size_t errlen)
{
	(void)argc;
	return add_name(params, "bridge", "bridge", argv[0], err, errlen);
}

/* BRIDGE RULE: checked here too, so a typo never reaches the daemon. */
static int
build_add_flow(int argc, char *const argv[], json_t *params, char *err, size_t errlen)
{
	struct vs_flow_spec spec;
	char why[256];

	(void)argc;
	if (add_name(params, "bridge", "bridge", argv[0], err, errlen) < 0)
		return -EINVAL;
	if (vs_flow_parse(argv[1], true, &spec, why, sizeof(why)) != 0)
		return fail(err, errlen, "%s", why);
	json_object_set_new(params, "flow", json_string(argv[1]));
	return 0;
}

/* BRIDGE [MATCH] */
static int
build_flow_filter(int argc, char *const argv[], json_t *params, char *err, size_t errlen)
{
	struct vs_flow_spec spec;
	char why[256];

	if (add_name(params, "bridge", "bridge", argv[0], err, errlen) < 0)
		return -EINVAL;
	if (argc < 2)
		return 0;
	if (vs_flow_parse(argv[1], false, &spec, why, sizeof(why)) != 0)
		return fail(err, errlen, "%s", why);
	json_object_set_new(params, "match", json_string(argv[1]));
	return 0;
}

/* BRIDGE FILE: one rule per line ("-" = stdin), blank lines and # comments skipped. */
static int
build_add_flows(int argc, char *const argv[], json_t *params, char *err, size_t errlen)
{
	FILE *f = strcmp(argv[1], "-") == 0 ? stdin : fopen(argv[1], "r");
	struct vs_flow_spec spec;
	json_t *list;
	char *line = NULL, why[256];
	size_t cap = 0;
	ssize_t n;
	unsigned lineno = 0;

	(void)argc;
	if (add_name(params, "bridge", "bridge", argv[0], err, errlen) < 0)
		return -EINVAL;
	if (f == NULL)
		return fail(err, errlen, "cannot open %s: %s", argv[1], strerror(errno));
	list = json_array();
	while ((n = getline(&line, &cap, f)) >= 0) {
		size_t len;

		lineno++;
		len = vs_flow_line_len(line);
		if (len == 0)
			continue;
		line[len] = '\0';
		if (vs_flow_parse(line, true, &spec, why, sizeof(why)) != 0) {
			fail(err, errlen, "%s:%u: %s", argv[1], lineno, why);
			goto fail;
		}
		json_array_append_new(list, json_string(line));
	}
	if (ferror(f)) {
		fail(err, errlen, "cannot read %s: %s", argv[1], strerror(errno));
		goto fail;
	}
	free(line);
	if (f != stdin)
		fclose(f);
	json_object_set_new(params, "flows", list);
	return 0;
fail:
	free(line);
	if (f != stdin)
		fclose(f);
	json_decref(list);
	return -EINVAL;
}

/* BRIDGE [KEY=VALUE...] */
static int
build_add_br(int argc, char *const argv[], json_t *params, char *err, size_t errlen)
{
	int ret;

	ret = add_name(params, "bridge", "bridge", argv[0], err, errlen);
	if (ret < 0)
		return ret;
	return add_options(params, argc - 1, argv + 1, err, errlen);
}

/* BRIDGE PORT type=TYPE [KEY=VALUE...] */
static int
build_add_port(int argc, char *const argv[], json_t *params, char *err, size_t errlen)
{
	int ret;

	ret = add_name(params, "bridge", "bridge", argv[0], err, errlen);
	if (ret < 0)
		return ret;
	ret = add_name(params, "port", "port", argv[1], err, errlen);
	if (ret < 0)
		return ret;
	ret = add_options(params, argc - 2, argv + 2, err, errlen);
	if (ret < 0)
		return ret;
	/* Every port needs a type; say so here rather than after a round trip. */
	if (json_object_get(json_object_get(params, "options"), "type") == NULL)
		return fail(err, errlen, "missing type=TYPE (dpdk, af_xdp, patch, vhost-user or "
			    "vhost-user-client)");
	return 0;
}

/* [BRIDGE] PORT */
static int
build_del_port(int argc, char *const argv[], json_t *params, char *err, size_t errlen)
{
	int ret;

	if (argc == 2) {
		ret = add_name(params, "bridge", "bridge", argv[0], err, errlen);
		if (ret < 0)
			return ret;
	}
	return add_name(params, "port", "port", argv[argc - 1], err, errlen);
}

/* PORT KEY=VALUE... */
static int
build_set_port(int argc, char *const argv[], json_t *params, char *err, size_t errlen)
{
	int ret;

	ret = add_name(params, "port", "port", argv[0], err, errlen);
	if (ret < 0)
		return ret;
	return add_options(params, argc - 1, argv + 1, err, errlen);
}

/* [PORT] */
static int
build_opt_port(int argc, char *const argv[], json_t *params, char *err, size_t errlen)
{
	if (argc == 0)
		return 0;
	return add_name(params, "port", "port", argv[0], err, errlen);
}

/* ---- result printing ----------------------------------------------------- */

/* A number printed into a caller's buffer, so printers can use "%s" with "?". */
struct num {
	char s[32];
};

/* o.key as a string, or "?". */
static const char *
str_of(const json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));

	return s != NULL ? s : "?";
}

/* o.key as an integer; false when missing or not an integer. */
static bool
int_of(const json_t *o, const char *key, json_int_t *v)
{
	const json_t *j = json_object_get(o, key);

	if (!json_is_integer(j))
		return false;
	*v = json_integer_value(j);
	return true;
}

/* An integer JSON value as text, or "?". */
static const char *
fmt_int(const json_t *j, struct num *n)
{
	if (json_is_integer(j))
		snprintf(n->s, sizeof(n->s), "%" JSON_INTEGER_FORMAT, json_integer_value(j));
	else
		snprintf(n->s, sizeof(n->s), "?");
	return n->s;
}

/* o.key (an integer) as text, or "?". */
static const char *
int_str(const json_t *o, const char *key, struct num *n)
{
	return fmt_int(json_object_get(o, key), n);
}

/*
 * jansson's iteration macros take a non-const object; printers only read.
 * Iterating through this helper keeps the cast in one place.
 */
static void *
iter_first(const json_t *o)
{
	return json_object_iter((json_t *)o);
}

static void *
iter_next(const json_t *o, void *it)
{
	return json_object_iter_next((json_t *)o, it);
}

static void
print_plural(FILE *out, json_int_t n, bool known, const char *one, const char *many)
{
	if (known)
		fprintf(out, "%" JSON_INTEGER_FORMAT " %s", n, n == 1 ? one : many);
	else
		fprintf(out, "? %s", many);
}

/* A JSON value for a text column: strings bare, anything else compact JSON. */
static void
print_value(FILE *out, const json_t *v)
{
	char *s;

	if (json_is_string(v)) {
		fputs(json_string_value(v), out);
		return;
	}
	s = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
	fputs(s != NULL ? s : "?", out);
	free(s);
}

static void
print_strings(FILE *out, const json_t *result, const char *key)
{
	const json_t *arr = json_object_get(result, key);
	const char *s;
	size_t i;

	for (i = 0; i < json_array_size(arr); i++) {
		s = json_string_value(json_array_get(arr, i));
		fprintf(out, "%s\n", s != NULL ? s : "?");
	}
}

static void
print_list_br(FILE *out, const json_t *result)
{
	print_strings(out, result, "bridges");
}

static void
print_list_ports(FILE *out, const json_t *result)
{
	print_strings(out, result, "ports");
}

static void
print_version(FILE *out, const json_t *result)
{
	fprintf(out, "%s\n", str_of(result, "version"));
}

static void
print_fdb_flush(FILE *out, const json_t *result)
{
	json_int_t n = 0;
	bool known = int_of(result, "flushed", &n);

	fputs("flushed ", out);
	print_plural(out, n, known, "entry", "entries");
	fputc('\n', out);
}

/* "vlan: access, tag 10" / "vlan: trunk, all VLANs" / "vlan: trunk 10,20, native 10" */
static void
print_port_vlan(FILE *out, const json_t *vlan)
{
	const char *mode = json_string_value(json_object_get(vlan, "mode"));
	const json_t *trunks;
	json_int_t native;
	struct num n;

	fputs("        vlan: ", out);
	if (mode != NULL && strcmp(mode, "access") == 0) {
		fprintf(out, "access, tag %s\n", int_str(vlan, "tag", &n));
		return;
	}
	if (mode == NULL || strcmp(mode, "trunk") != 0) {
		fprintf(out, "%s\n", mode != NULL ? mode : "?");
		return;
	}
	trunks = json_object_get(vlan, "trunks");
	if (json_is_string(trunks) && strcmp(json_string_value(trunks), "all") == 0)
		fputs("trunk, all VLANs", out);
	else if (json_is_string(trunks))
		fprintf(out, "trunk %s", json_string_value(trunks));
	else
		fputs("trunk ?", out);
	/* native 0 means "untagged frames belong to no VLAN": nothing to show. */
	if (int_of(vlan, "native", &native) && native != 0)
		fprintf(out, ", native %" JSON_INTEGER_FORMAT, native);
	fputc('\n', out);
}

/*
 * "vhost: server, connected (vid 0), 2/2 queues enabled, features 0x950008000, numa 0"
 * or "vhost: client, disconnected": the guest side of a vhost-user port.
 */
static void
print_port_vhost(FILE *out, const json_t *vhost)
{
	const char *state = str_of(vhost, "state");
	struct num n1, n2, n3, n4;

	fprintf(out, "        vhost: %s, %s", str_of(vhost, "mode"), state);
	/* Without a guest, vid, features and NUMA node mean nothing. */
	if (strcmp(state, "connected") == 0)
		fprintf(out, " (vid %s), %s/%s queues enabled, features %s, numa %s",
			int_str(vhost, "vid", &n1), int_str(vhost, "queues_enabled", &n2),
			int_str(vhost, "queues", &n3), str_of(vhost, "features"),
			int_str(vhost, "numa", &n4));
	fputc('\n', out);
}

static void
print_port(FILE *out, const json_t *port)
{
	const char *type = str_of(port, "type");
	const json_t *opts = json_object_get(port, "options");
	const json_t *pmds = json_object_get(port, "rxq_pmds");
	const json_t *vlan = json_object_get(port, "vlan");
	const json_t *vhost = json_object_get(port, "vhost");
	struct num n1, n2, n3;
	void *it;
	size_t i;

	fprintf(out, "    Port %s\n", str_of(port, "name"));
	fprintf(out, "        type: %s", type);
	for (it = iter_first(opts); it != NULL; it = iter_next(opts, it)) {
		fprintf(out, ", %s: ", json_object_iter_key(it));
		print_value(out, json_object_iter_value(it));
	}
	fputc('\n', out);

	/*
	 * A patch port has no device: link, MTU and queues would be invented
	 * numbers, so its block stops at type and VLAN.
	 */
	if (strcmp(type, "patch") != 0) {
		fprintf(out, "        link: %s, mtu %s, rxq %s", str_of(port, "link"),
			int_str(port, "mtu", &n1), int_str(port, "rxq", &n2));
		if (json_array_size(pmds) > 0) {
			fputs(" (pmd ", out);
			for (i = 0; i < json_array_size(pmds); i++)
				fprintf(out, "%s%s", i > 0 ? ", " : "",
					fmt_int(json_array_get(pmds, i), &n3));
			fputc(')', out);
		}
		fprintf(out, ", txq %s\n", int_str(port, "txq", &n1));
	}
	/* Only vhost ports have it; null when the backend is not open. */
	if (json_is_object(vhost))
		print_port_vhost(out, vhost);
	if (vlan != NULL)
		print_port_vlan(out, vlan);
}

static void
print_bridge(FILE *out, const json_t *br)
{
	const json_t *ports = json_object_get(br, "ports");
	json_int_t count = 0;
	struct num n1, n2;
	bool known;
	size_t i;

	known = int_of(br, "mac_count", &count);
	fprintf(out, "Bridge %s (", str_of(br, "name"));
	print_plural(out, count, known, "MAC", "MACs");
	fprintf(out, " learned, table %s, aging %s s)\n",
		int_str(br, "mac_table_size", &n1), int_str(br, "mac_aging_s", &n2));
	for (i = 0; i < json_array_size(ports); i++)
		print_port(out, json_array_get(ports, i));
}

/* vswitchd 0.1.0 (pid 4242), 2 PMDs: core 1 (numa 0), core 2 (numa 0) */
static void
print_show(FILE *out, const json_t *result)
{
	const json_t *pmds = json_object_get(result, "pmds");
	const json_t *bridges = json_object_get(result, "bridges");
	size_t i, n = json_array_size(pmds);
	struct num n1, n2;
	const json_t *pmd;

	fprintf(out, "vswitchd %s (pid %s), ", str_of(result, "version"),
		int_str(result, "pid", &n1));
	print_plural(out, n, true, "PMD", "PMDs");
	for (i = 0; i < n; i++) {
		pmd = json_array_get(pmds, i);
		fprintf(out, "%s core %s (numa %s)", i == 0 ? ":" : ",",
			int_str(pmd, "core", &n1), int_str(pmd, "node", &n2));
	}
	if (json_is_string(json_object_get(result, "forwarding_code")))
		fprintf(out, "; forwarding code %s", str_of(result, "forwarding_code"));
	fputc('\n', out);
	for (i = 0; i < json_array_size(bridges); i++)
		print_bridge(out, json_array_get(bridges, i));
}

/*
 * The layout of ovs-appctl fdb/show, with the port column widened to the
 * longest name so that columns stay aligned:
 *  port  VLAN  MAC                Age
 *  ns1      0  52:54:00:00:00:01    3
 */
static void
print_fdb_show(FILE *out, const json_t *result)
{
	const json_t *entries = json_object_get(result, "entries");
	const json_t *e;
	struct num n1, n2;
	int width = 4;
	size_t i, len;

	for (i = 0; i < json_array_size(entries); i++) {
		len = strlen(str_of(json_array_get(entries, i), "port"));
		if (len > (size_t)width)
			width = len > 64 ? 64 : (int)len;
	}
	fprintf(out, " %-*s  VLAN  MAC                Age\n", width, "port");
	for (i = 0; i < json_array_size(entries); i++) {
		e = json_array_get(entries, i);
		fprintf(out, " %-*s  %4s  %-17s  %3s\n", width, str_of(e, "port"),
			int_str(e, "vlan", &n1), str_of(e, "mac"), int_str(e, "age", &n2));
	}
}

/* vhost ports: "  queue 0: rx 10, tx 12, ring full 0" per queue pair. */
static void
print_queue_stats(FILE *out, const json_t *queues)
{
	const json_t *q;
	struct num n1, n2, n3, n4;
	size_t i;

	for (i = 0; i < json_array_size(queues); i++) {
		q = json_array_get(queues, i);
		fprintf(out, "  queue %s: rx %s, tx %s, ring full %s\n", int_str(q, "queue", &n1),
			int_str(q, "rx_packets", &n2), int_str(q, "tx_packets", &n3),
			int_str(q, "tx_ring_full", &n4));
	}
}

static void
print_port_stats(FILE *out, const json_t *result)
{
	const json_t *ports = json_object_get(result, "ports");
	const json_t *p, *drops, *v;
	struct num n1, n2;
	const char *sep;
	void *it;
	size_t i;

	for (i = 0; i < json_array_size(ports); i++) {
		p = json_array_get(ports, i);
		fprintf(out, "port %s (bridge %s):\n", str_of(p, "name"), str_of(p, "bridge"));
		fprintf(out, "  rx: %s packets, %s bytes\n",
			int_str(p, "rx_packets", &n1), int_str(p, "rx_bytes", &n2));
		fprintf(out, "  tx: %s packets, %s bytes\n",
			int_str(p, "tx_packets", &n1), int_str(p, "tx_bytes", &n2));
		fprintf(out, "  drops: %s", int_str(p, "drops_total", &n1));
		/* Reasons that never fired are noise: list only the non-zero ones. */
		drops = json_object_get(p, "drops");
		sep = " (";
		for (it = iter_first(drops); it != NULL; it = iter_next(drops, it)) {
			v = json_object_iter_value(it);
			if (json_is_integer(v) && json_integer_value(v) == 0)
				continue;
			fprintf(out, "%s%s: %s", sep, json_object_iter_key(it), fmt_int(v, &n2));
			sep = ", ";
		}
		fputs(sep[0] == ',' ? ")\n" : "\n", out);
		print_queue_stats(out, json_object_get(p, "queues"));
	}
}

/* "idle cycles: 123456 (98.00%)"; the share is left out when unknown. */
static void
print_cycles(FILE *out, const char *label, const json_t *pmd, const char *key,
	     json_int_t total)
{
	json_int_t v;

	if (!int_of(pmd, key, &v)) {
		fprintf(out, "  %s: ?\n", label);
		return;
	}
	fprintf(out, "  %s: %" JSON_INTEGER_FORMAT, label, v);
	if (total > 0)
		fprintf(out, " (%.2f%%)", 100.0 * (double)v / (double)total);
	fputc('\n', out);
}

/* The layout of ovs-appctl dpif-netdev/pmd-stats-show. */
static void
print_pmd_stats(FILE *out, const json_t *result)
{
	const json_t *pmds = json_object_get(result, "pmds");
	const json_t *pmd, *rxqs, *q, *cpp;
	json_int_t busy, idle, total;
	struct num n1, n2;
	size_t i, j;

	for (i = 0; i < json_array_size(pmds); i++) {
		pmd = json_array_get(pmds, i);
		fprintf(out, "pmd thread core %s (numa %s):\n",
			int_str(pmd, "core", &n1), int_str(pmd, "node", &n2));
		rxqs = json_object_get(pmd, "rxqs");
		fputs("  rx queues:", out);
		for (j = 0; j < json_array_size(rxqs); j++) {
			q = json_array_get(rxqs, j);
			fprintf(out, "%s%s/%s", j > 0 ? ", " : " ", str_of(q, "port"),
				int_str(q, "queue", &n1));
		}
		fputs(json_array_size(rxqs) == 0 ? " none\n" : "\n", out);
		fprintf(out, "  packets received: %s\n", int_str(pmd, "packets", &n1));
		fprintf(out, "  iterations: %s\n", int_str(pmd, "iterations", &n1));
		/* Shares only when both counters are known and add up to something. */
		total = 0;
		if (int_of(pmd, "busy_cycles", &busy) && int_of(pmd, "idle_cycles", &idle) &&
		    busy >= 0 && idle >= 0 && busy <= INT64_MAX - idle)
			total = busy + idle;
		print_cycles(out, "idle cycles", pmd, "idle_cycles", total);
		print_cycles(out, "processing cycles", pmd, "busy_cycles", total);
		cpp = json_object_get(pmd, "cycles_per_packet");
		if (json_is_number(cpp))
			fprintf(out, "  avg processing cycles per packet: %.1f\n",
				json_number_value(cpp));
		else
			fputs("  avg processing cycles per packet: ?\n", out);
	}
}

/* ---- the table ----------------------------------------------------------- */

/* Like ovs-ofctl dump-flows: counters, then the rule in canonical form. */
static void
print_dump_flows(FILE *out, const json_t *result)
{
	const json_t *flows = json_object_get(result, "flows");
	size_t i;

	if (!json_is_array(flows))
		return;
	for (i = 0; i < json_array_size(flows); i++) {
		const json_t *f = json_array_get(flows, i);

		fputs(" duration=", out);
		print_value(out, json_object_get(f, "duration_s"));
		fputs("s, n_packets=", out);
		print_value(out, json_object_get(f, "n_packets"));
		fputs(", n_bytes=", out);
		print_value(out, json_object_get(f, "n_bytes"));
		fputs(", idle_age=", out);
		print_value(out, json_object_get(f, "idle_age_s"));
		fputs(", ", out);
		print_value(out, json_object_get(f, "flow"));
		fputc('\n', out);
	}
}

static const struct vsctl_cmd commands[] = {
	{ "show", 0, 0, "", "bridges, ports and PMD threads",
	  build_none, print_show },
	{ "list-br", 0, 0, "", "list bridges",
	  build_none, print_list_br },
	{ "add-br", 1, -1, "BRIDGE [KEY=VALUE...]", "add a bridge",
	  build_add_br, NULL },
	{ "del-br", 1, 1, "BRIDGE", "delete a bridge and its ports",
	  build_bridge, NULL },
	{ "list-ports", 1, 1, "BRIDGE", "list the ports of a bridge",
	  build_bridge, print_list_ports },
	{ "add-port", 3, -1, "BRIDGE PORT type=TYPE [KEY=VALUE...]", "add a port",
	  build_add_port, NULL },
	{ "del-port", 1, 2, "[BRIDGE] PORT", "delete a port",
	  build_del_port, NULL },
	{ "set-port", 2, -1, "PORT KEY=VALUE...", "change options of a port",
	  build_set_port, NULL },
	{ "fdb-show", 1, 1, "BRIDGE", "show learned MAC addresses",
	  build_bridge, print_fdb_show },
	{ "fdb-flush", 1, 1, "BRIDGE", "forget learned MAC addresses",
	  build_bridge, print_fdb_flush },
	{ "port-stats", 0, 1, "[PORT]", "packet, byte and drop counters",
	  build_opt_port, print_port_stats },
	{ "pmd-stats", 0, 0, "", "PMD load and cycle counters",
	  build_none, print_pmd_stats },
	{ "pmd-stats-clear", 0, 0, "", "reset PMD counters",
	  build_none, NULL },
	{ "version", 0, 0, "", "show the daemon's version",
	  build_none, print_version },
	{ "add-flow", 2, 2, "BRIDGE RULE", "add a flow rule (docs/flows.md)",
	  build_add_flow, NULL },
	{ "add-flows", 2, 2, "BRIDGE FILE", "add the rules of FILE (- for stdin), all or none",
	  build_add_flows, NULL },
	{ "del-flows", 1, 2, "BRIDGE [MATCH]", "delete the rules MATCH selects (all without)",
	  build_flow_filter, NULL },
	{ "dump-flows", 1, 2, "BRIDGE [MATCH]", "list flow rules with their counters",
	  build_flow_filter, print_dump_flows },
};

#define N_COMMANDS (sizeof(commands) / sizeof(commands[0]))

const struct vsctl_cmd *
vsctl_cmd_find(const char *name)
{
	size_t i;

	for (i = 0; i < N_COMMANDS; i++)
		if (strcmp(commands[i].name, name) == 0)
			return &commands[i];
	return NULL;
}

int
vsctl_build_params(const struct vsctl_cmd *cmd, int argc, char *const argv[],
		   json_t **params, char *err, size_t errlen)
{
	char why[256];
	int ret;

	*params = NULL;
	if (argc < cmd->min_args || (cmd->max_args >= 0 && argc > cmd->max_args))
		return fail(err, errlen, "%s: %s (usage: vsctl %s%s%s)", cmd->name,
			    argc < cmd->min_args ? "missing arguments" : "too many arguments",
			    cmd->name, cmd->args[0] != '\0' ? " " : "", cmd->args);
	*params = json_object();
	if (*params == NULL)
		return fail(err, errlen, "%s: out of memory", cmd->name);
	ret = cmd->build(argc, argv, *params, why, sizeof(why));
	if (ret < 0) {
		json_decref(*params);
		*params = NULL;
		return fail(err, errlen, "%s: %s", cmd->name, why);
	}
	return 0;
}

void
vsctl_print_result(const struct vsctl_cmd *cmd, FILE *out, const json_t *result, bool json)
{
	if (json) {
		/* Exactly the "result" member, so scripts can feed it to jq. */
		json_dumpf(result, out, JSON_INDENT(2) | JSON_ENCODE_ANY);
		fputc('\n', out);
		return;
	}
	if (cmd->print != NULL)
		cmd->print(out, result);
}

void
vsctl_print_commands(FILE *out)
{
	char synopsis[N_COMMANDS][80];
	int width = 0, len;
	size_t i;

	/* Align the descriptions on the longest synopsis. */
	for (i = 0; i < N_COMMANDS; i++) {
		len = snprintf(synopsis[i], sizeof(synopsis[i]), "%s%s%s", commands[i].name,
			       commands[i].args[0] != '\0' ? " " : "", commands[i].args);
		if (len > width)
			width = len;
	}
	for (i = 0; i < N_COMMANDS; i++)
		fprintf(out, "  %-*s  %s\n", width, synopsis[i], commands[i].help);
}
