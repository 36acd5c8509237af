/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The control protocol's methods: one handler per vsctl command, each
 * checking its parameters fully before changing anything (see rpc.h for the
 * wire format and docs/vsctl.md for the commands).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_cycles.h>
#include <rte_ether.h>

#include "log.h"
#include "methods.h"
#include "rpc.h"
#include "classifier.h"
#include "flow.h"
#include "switch.h"
#include "vhost.h"

#define ERRLEN 512

typedef json_t *(*handler_fn)(struct vs_switch *sw, json_t *params, char *err);

/* Parse a decimal option value into [min, max]. */
static int
parse_u32(const char *key, const char *s, uint32_t min, uint32_t max, uint32_t *out, char *err)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (s[0] == '\0' || s[0] == '-' || *end != '\0' || errno || v < min || v > max) {
		snprintf(err, ERRLEN, "%s: expected an integer %u..%u, got '%s'", key, min, max, s);
		return -EINVAL;
	}
	*out = v;
	return 0;
}

/* Options are an object of strings; anything else is refused. */
static int
options_strings(json_t *opts, char *err)
{
	const char *k;
	json_t *v;

	if (opts == NULL)
		return 0;
	json_object_foreach(opts, k, v) {
		if (!json_is_string(v)) {
			snprintf(err, ERRLEN, "params.options.%s: expected a string", k);
			return -EINVAL;
		}
	}
	return 0;
}

static json_t *
vlan_json(const struct vs_vlan_cfg *v)
{
	char trunks[256];

	if (v->mode == VS_VLAN_ACCESS)
		return json_pack("{s:s, s:i}", "mode", "access", "tag", v->tag);
	vs_vlan_trunks_str(v, trunks, sizeof(trunks));
	return json_pack("{s:s, s:s, s:i}", "mode", "trunk", "trunks", trunks, "native", v->native);
}

static json_t *
port_json(const struct vs_port *p)
{
	json_t *o = json_object(), *opts = json_object(), *pmds = json_array();

	json_object_set_new(o, "name", json_string(p->cfg.name));
	json_object_set_new(o, "type", json_string(p->ops->type));
	switch (p->cfg.type) {
	case VS_PORT_DPDK:
		json_object_set_new(opts, "devargs", json_string(p->cfg.devargs));
		break;
	case VS_PORT_AF_XDP:
		json_object_set_new(opts, "iface", json_string(p->cfg.iface));
		break;
	case VS_PORT_PATCH:
		json_object_set_new(opts, "peer", json_string(p->cfg.peer));
		break;
	case VS_PORT_VHOST_USER:
	case VS_PORT_VHOST_USER_CLIENT:
		json_object_set_new(opts, "path", json_string(p->cfg.path));
		break;
	default:
		break;
	}
	json_object_set_new(o, "options", opts);
	json_object_set_new(o, "link", json_string(p->ops->link_up(p) ? "up" : "down"));
	if (p->cfg.type != VS_PORT_PATCH) {
		json_object_set_new(o, "mtu", json_integer(p->cfg.mtu));
		json_object_set_new(o, "rxq", json_integer(p->n_rxq));
		json_object_set_new(o, "txq", json_integer(p->n_txq));
	}
	for (uint16_t q = 0; q < p->n_rxq; q++)
		json_array_append_new(pmds, json_integer(p->rxq_pmd[q]));
	json_object_set_new(o, "rxq_pmds", pmds);
	json_object_set_new(o, "vlan", vlan_json(&p->cfg.vlan));
	if (p->vhost)
		json_object_set_new(o, "vhost", vs_vhost_port_json(p));
	return o;
}

static json_t *
m_show(struct vs_switch *sw, json_t *params, char *err)
{
	json_t *r = json_object(), *pmds = json_array(), *brs = json_array();

	(void)params;
	(void)err;
	json_object_set_new(r, "pid", json_integer(getpid()));
	json_object_set_new(r, "version", json_string(VS_VERSION));
	for (unsigned i = 0; i < sw->n_pmds; i++)
		json_array_append_new(pmds, json_pack("{s:i, s:i}", "core", sw->pmds[i]->lcore,
						      "node", sw->pmd_node[i]));
	json_object_set_new(r, "pmds", pmds);
	json_object_set_new(r, "forwarding_code", json_string(vs_dp_isa()));
	for (unsigned b = 0; b < VS_MAX_BRIDGES; b++) {
		const struct vs_bridge *br = sw->bridges[b];
		json_t *o, *ports;

		if (br == NULL)
			continue;
		ports = json_array();
		for (unsigned s = 0; s < VS_MAX_PORTS; s++) {
			const struct vs_port *p = sw->ports[s];

			if (p == NULL || p->bridge != br)
				continue;
			json_t *pj = port_json(p);
			/* show lists the PMD cores, not indices. */
			json_t *cores = json_array();
			for (uint16_t q = 0; q < p->n_rxq; q++)
				json_array_append_new(cores, json_integer(sw->pmds[p->rxq_pmd[q]]->lcore));
			json_object_set_new(pj, "rxq_pmds", cores);
			json_array_append_new(ports, pj);
		}
		o = json_pack("{s:s, s:i, s:i, s:i, s:o}", "name", br->name, "mac_aging_s",
			      br->mac_aging_s, "mac_table_size", br->mac_table_size, "mac_count",
			      br->fdb->count, "ports", ports);
		json_array_append_new(brs, o);
	}
	json_object_set_new(r, "bridges", brs);
	return r;
}

static json_t *
m_list_br(struct vs_switch *sw, json_t *params, char *err)
{
	json_t *a = json_array();

	(void)params;
	(void)err;
	for (unsigned b = 0; b < VS_MAX_BRIDGES; b++)
		if (sw->bridges[b])
			json_array_append_new(a, json_string(sw->bridges[b]->name));
	return json_pack("{s:o}", "bridges", a);
}

static json_t *
m_add_br(struct vs_switch *sw, json_t *params, char *err)
{
	const char *name, *k;
	json_t *opts = NULL, *v;
	uint32_t aging = VS_DEFAULT_MAC_AGING_S, size = VS_DEFAULT_MAC_TABLE_SIZE;

	if (vs_rpc_param_string(params, "bridge", true, &name, err, ERRLEN) ||
	    vs_rpc_param_object(params, "options", false, &opts, err, ERRLEN) ||
	    options_strings(opts, err))
		return NULL;
	if (opts) {
		json_object_foreach(opts, k, v) {
			if (!strcmp(k, "mac_aging_s")) {
				if (parse_u32(k, json_string_value(v), 1, 1000000, &aging, err))
					return NULL;
			} else if (!strcmp(k, "mac_table_size")) {
				if (parse_u32(k, json_string_value(v), 1024, 16777216, &size, err))
					return NULL;
			} else {
				snprintf(err, ERRLEN,
					 "unknown bridge option '%s' (expected mac_aging_s, mac_table_size)",
					 k);
				return NULL;
			}
		}
	}
	if (vs_switch_add_bridge(sw, name, aging, size, err, ERRLEN))
		return NULL;
	return json_object();
}

static json_t *
m_del_br(struct vs_switch *sw, json_t *params, char *err)
{
	const char *name;

	if (vs_rpc_param_string(params, "bridge", true, &name, err, ERRLEN) ||
	    vs_switch_del_bridge(sw, name, err, ERRLEN))
		return NULL;
	return json_object();
}

static struct vs_bridge *
bridge_param(struct vs_switch *sw, json_t *params, char *err)
{
	const char *name;
	struct vs_bridge *br;

	if (vs_rpc_param_string(params, "bridge", true, &name, err, ERRLEN))
		return NULL;
	br = vs_switch_find_bridge(sw, name);
	if (br == NULL)
		snprintf(err, ERRLEN, "no bridge named '%s'", name);
	return br;
}

static json_t *
m_list_ports(struct vs_switch *sw, json_t *params, char *err)
{
	struct vs_bridge *br = bridge_param(sw, params, err);
	json_t *a;

	if (br == NULL)
		return NULL;
	a = json_array();
	for (unsigned s = 0; s < VS_MAX_PORTS; s++)
		if (sw->ports[s] && sw->ports[s]->bridge == br)
			json_array_append_new(a, json_string(sw->ports[s]->cfg.name));
	return json_pack("{s:o}", "ports", a);
}

static json_t *
m_add_port(struct vs_switch *sw, json_t *params, char *err)
{
	const char *bridge, *name, *k;
	json_t *opts = NULL, *v;
	struct vs_port_cfg pc;
	char why[ERRLEN];

	if (vs_rpc_param_string(params, "bridge", true, &bridge, err, ERRLEN) ||
	    vs_rpc_param_string(params, "port", true, &name, err, ERRLEN) ||
	    vs_rpc_param_object(params, "options", false, &opts, err, ERRLEN) ||
	    options_strings(opts, err))
		return NULL;
	if (strlen(name) >= VS_NAME_MAX) {
		snprintf(err, ERRLEN, "port name '%s' is longer than %d characters", name,
			 VS_NAME_MAX - 1);
		return NULL;
	}
	if (opts == NULL || json_object_get(opts, "type") == NULL) {
		snprintf(err, ERRLEN, "port '%s': missing type=dpdk|af_xdp|patch", name);
		return NULL;
	}
	vs_port_cfg_init(&pc, name);
	snprintf(pc.mark.file, sizeof(pc.mark.file), "<vsctl>");
	/* type first: the other keys are checked against it. */
	if (vs_port_cfg_set(&pc, "type", json_string_value(json_object_get(opts, "type")), why,
			    sizeof(why))) {
		snprintf(err, ERRLEN, "port '%s': %s", name, why);
		return NULL;
	}
	json_object_foreach(opts, k, v) {
		if (!strcmp(k, "type"))
			continue;
		if (vs_port_cfg_set(&pc, k, json_string_value(v), why, sizeof(why))) {
			snprintf(err, ERRLEN, "port '%s': %s", name, why);
			return NULL;
		}
	}
	if (vs_switch_add_port(sw, bridge, &pc, err, ERRLEN))
		return NULL;
	return json_object();
}

static json_t *
m_del_port(struct vs_switch *sw, json_t *params, char *err)
{
	const char *bridge = NULL, *name;

	if (vs_rpc_param_string(params, "port", true, &name, err, ERRLEN) ||
	    vs_rpc_param_string(params, "bridge", false, &bridge, err, ERRLEN) ||
	    vs_switch_del_port(sw, bridge, name, err, ERRLEN))
		return NULL;
	return json_object();
}

static json_t *
m_set_port(struct vs_switch *sw, json_t *params, char *err)
{
	const char *name, *keys[32], *values[32], *k;
	json_t *opts = NULL, *v;
	unsigned n = 0;

	if (vs_rpc_param_string(params, "port", true, &name, err, ERRLEN) ||
	    vs_rpc_param_object(params, "options", true, &opts, err, ERRLEN) ||
	    options_strings(opts, err))
		return NULL;
	json_object_foreach(opts, k, v) {
		if (n == RTE_DIM(keys)) {
			snprintf(err, ERRLEN, "set-port: too many options");
			return NULL;
		}
		keys[n] = k;
		values[n++] = json_string_value(v);
	}
	if (vs_switch_set_port(sw, name, keys, values, n, err, ERRLEN))
		return NULL;
	return json_object();
}

static json_t *
m_fdb_show(struct vs_switch *sw, json_t *params, char *err)
{
	struct vs_bridge *br = bridge_param(sw, params, err);
	uint32_t next = 0, now = vs_dp_now_s, pos;
	json_t *a;

	if (br == NULL)
		return NULL;
	a = json_array();
	while (vs_fdb_next(br->fdb, &next, &pos) == 0) {
		const struct vs_port *p = sw->ports[vs_fdb_slot(br->fdb, pos)];
		uint64_t key = vs_fdb_key_at(br->fdb, pos);
		uint8_t mac[6];
		char macs[RTE_ETHER_ADDR_FMT_SIZE];

		vs_fdb_key_mac(key, mac);
		snprintf(macs, sizeof(macs), "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1], mac[2],
			 mac[3], mac[4], mac[5]);
		json_array_append_new(a, json_pack("{s:s, s:i, s:s, s:i}", "port",
						   p ? p->cfg.name : "?", "vlan", vs_fdb_key_vlan(key),
						   "mac", macs, "age", (int)vs_fdb_age_of(br->fdb, pos, now)));
	}
	return json_pack("{s:o}", "entries", a);
}

static json_t *
m_fdb_flush(struct vs_switch *sw, json_t *params, char *err)
{
	struct vs_bridge *br = bridge_param(sw, params, err);

	if (br == NULL)
		return NULL;
	return json_pack("{s:i}", "flushed", vs_fdb_flush(br->fdb, sw->qsv, -1));
}

static json_t *
port_stats_json(struct vs_switch *sw, const struct vs_port *p)
{
	struct vs_port_counters c;
	json_t *drops = json_object();
	uint64_t total = 0;

	json_t *o;

	vs_switch_port_counters(sw, p->slot, &c);
	for (unsigned d = 0; d < VS_DROP_COUNT; d++) {
		json_object_set_new(drops, vs_drop_names[d], json_integer(c.drops[d]));
		total += c.drops[d];
	}
	o = json_pack("{s:s, s:s, s:I, s:I, s:I, s:I, s:I, s:o}", "name", p->cfg.name, "bridge",
			 p->bridge->name, "rx_packets", (json_int_t)c.rx_packets, "rx_bytes",
			 (json_int_t)c.rx_bytes, "tx_packets", (json_int_t)c.tx_packets, "tx_bytes",
			 (json_int_t)c.tx_bytes, "drops_total", (json_int_t)total, "drops", drops);
	if (p->vhost)
		json_object_set_new(o, "queues", vs_vhost_queue_stats_json(sw, p));
	return o;
}

static json_t *
m_port_stats(struct vs_switch *sw, json_t *params, char *err)
{
	const char *name = NULL;
	json_t *a;

	if (vs_rpc_param_string(params, "port", false, &name, err, ERRLEN))
		return NULL;
	if (name && vs_switch_find_port(sw, name) == NULL) {
		snprintf(err, ERRLEN, "no port named '%s'", name);
		return NULL;
	}
	a = json_array();
	for (unsigned s = 0; s < VS_MAX_PORTS; s++) {
		const struct vs_port *p = sw->ports[s];

		if (p && (name == NULL || strcmp(name, p->cfg.name) == 0))
			json_array_append_new(a, port_stats_json(sw, p));
	}
	return json_pack("{s:o}", "ports", a);
}

static json_t *
m_pmd_stats(struct vs_switch *sw, json_t *params, char *err)
{
	const struct vs_dp_tables *t = vs_dp_current;
	json_t *a = json_array();

	(void)params;
	(void)err;
	for (unsigned i = 0; i < sw->n_pmds; i++) {
		const struct vs_pmd *pmd = sw->pmds[i];
		const struct vs_pmd_stats *st = &pmd->stats;
		json_t *rxqs = json_array();

		for (uint16_t q = 0; q < t->n_rxqs[i]; q++) {
			const struct vs_port *p = sw->ports[t->rxqs[i][q].slot];

			json_array_append_new(rxqs, json_pack("{s:s, s:i}", "port",
							      p ? p->cfg.name : "?", "queue",
							      t->rxqs[i][q].queue));
		}
		json_array_append_new(a, json_pack(
			"{s:i, s:i, s:o, s:I, s:I, s:I, s:I, s:f, s:I, s:I}", "core", pmd->lcore,
			"node", pmd->node, "rxqs", rxqs, "packets", (json_int_t)st->rx_packets,
			"iterations", (json_int_t)st->iterations, "busy_cycles",
			(json_int_t)st->busy_cycles, "idle_cycles", (json_int_t)st->idle_cycles,
			"cycles_per_packet",
			st->rx_packets ? (double)st->busy_cycles / st->rx_packets : 0.0, "tsc_hz",
			(json_int_t)rte_get_tsc_hz(), "learn_dropped", (json_int_t)st->learn_dropped));
	}
	return json_pack("{s:o}", "pmds", a);
}

static json_t *
m_pmd_stats_clear(struct vs_switch *sw, json_t *params, char *err)
{
	(void)params;
	(void)err;
	for (unsigned i = 0; i < sw->n_pmds; i++)
		sw->pmds[i]->stats_clear_gen++;
	return json_object();
}

/* Parse params.<name> as a rule (with_actions) or a filter. */
static int
flow_param(json_t *params, const char *name, bool required, bool with_actions,
	   struct vs_flow_spec *spec, bool *given, char *err)
{
	const char *s = NULL;
	char why[ERRLEN];

	*given = false;
	if (vs_rpc_param_string(params, name, required, &s, err, ERRLEN))
		return -EINVAL;
	if (s == NULL)
		return 0;
	if (vs_flow_parse(s, with_actions, spec, why, sizeof(why)) != 0) {
		snprintf(err, ERRLEN, "%s: %s", s, why);
		return -EINVAL;
	}
	*given = true;
	return 0;
}

static json_t *
m_add_flow(struct vs_switch *sw, json_t *params, char *err)
{
	struct vs_bridge *br = bridge_param(sw, params, err);
	struct vs_flow_spec spec;
	bool given;

	if (br == NULL || flow_param(params, "flow", true, true, &spec, &given, err) ||
	    vs_flows_add(sw, br, &spec, 1, err, ERRLEN))
		return NULL;
	return json_object();
}

static json_t *
m_add_flows(struct vs_switch *sw, json_t *params, char *err)
{
	struct vs_bridge *br = bridge_param(sw, params, err);
	struct vs_flow_spec *specs;
	json_t *list, *v;
	size_t i;
	char why[ERRLEN];

	if (br == NULL)
		return NULL;
	list = json_object_get(params, "flows");
	if (!json_is_array(list)) {
		snprintf(err, ERRLEN, "params.flows: expected an array of strings");
		return NULL;
	}
	specs = calloc(json_array_size(list) + 1, sizeof(*specs));
	if (specs == NULL) {
		snprintf(err, ERRLEN, "out of memory");
		return NULL;
	}
	json_array_foreach(list, i, v) {
		if (!json_is_string(v)) {
			snprintf(err, ERRLEN, "params.flows[%zu]: expected a string", i);
			goto fail;
		}
		if (vs_flow_parse(json_string_value(v), true, &specs[i], why, sizeof(why))) {
			snprintf(err, ERRLEN, "rule %zu: %s: %s", i + 1, json_string_value(v), why);
			goto fail;
		}
	}
	if (vs_flows_add(sw, br, specs, json_array_size(list), err, ERRLEN))
		goto fail;
	free(specs);
	return json_pack("{s:i}", "added", (int)json_array_size(list));
fail:
	free(specs);
	return NULL;
}

static json_t *
m_del_flows(struct vs_switch *sw, json_t *params, char *err)
{
	struct vs_bridge *br = bridge_param(sw, params, err);
	struct vs_flow_spec filter;
	unsigned n = 0;
	bool given;

	if (br == NULL || flow_param(params, "match", false, false, &filter, &given, err) ||
	    vs_flows_del(sw, br, given ? &filter : NULL, &n, err, ERRLEN))
		return NULL;
	return json_pack("{s:i}", "deleted", n);
}

static int
rule_order(const void *a, const void *b)
{
	const struct vs_flow_rule *x = *(const struct vs_flow_rule *const *)a;
	const struct vs_flow_rule *y = *(const struct vs_flow_rule *const *)b;

	if (x->priority != y->priority)
		return x->priority > y->priority ? -1 : 1;
	return x->id < y->id ? -1 : x->id > y->id;
}

static json_t *
m_dump_flows(struct vs_switch *sw, json_t *params, char *err)
{
	struct vs_bridge *br = bridge_param(sw, params, err);
	struct vs_flow_spec filter;
	struct vs_flow_rule **sorted;
	uint32_t now = vs_dp_now_s;
	json_t *a;
	bool given;

	if (br == NULL || flow_param(params, "match", false, false, &filter, &given, err))
		return NULL;
	sorted = malloc((br->n_rules + 1) * sizeof(*sorted));
	if (sorted == NULL) {
		snprintf(err, ERRLEN, "out of memory");
		return NULL;
	}
	memcpy(sorted, br->rules, br->n_rules * sizeof(*sorted));
	qsort(sorted, br->n_rules, sizeof(*sorted), rule_order);
	a = json_array();
	for (unsigned i = 0; i < br->n_rules; i++) {
		const struct vs_flow_rule *r = sorted[i];
		uint64_t packets = 0, bytes = 0;
		uint32_t used = 0;
		char text[2048];

		if (given && !vs_flow_filter_selects(&filter, r->spec))
			continue;
		for (unsigned k = 0; k < sw->n_pmds; k++) {
			packets += r->stats[k].packets;
			bytes += r->stats[k].bytes;
			if (r->stats[k].used_s > used)
				used = r->stats[k].used_s;
		}
		vs_flow_format(r->spec, text, sizeof(text));
		json_array_append_new(a, json_pack("{s:s, s:i, s:I, s:I, s:i, s:i}", "flow", text,
						   "priority", r->priority, "n_packets",
						   (json_int_t)packets, "n_bytes", (json_int_t)bytes,
						   "duration_s", now - r->created_s, "idle_age_s",
						   packets ? now - used : now - r->created_s));
	}
	free(sorted);
	return json_pack("{s:o, s:i, s:i}", "flows", a, "n_rules", br->n_rules, "n_tuples",
			 br->cls ? vs_cls_n_tuples(br->cls) : 0);
}

static json_t *
m_version(struct vs_switch *sw, json_t *params, char *err)
{
	(void)sw;
	(void)params;
	(void)err;
	return json_pack("{s:s}", "version", VS_VERSION);
}

static const struct {
	const char *name;
	handler_fn fn;
} methods[] = {
	{ "show", m_show },
	{ "list-br", m_list_br },
	{ "add-br", m_add_br },
	{ "del-br", m_del_br },
	{ "list-ports", m_list_ports },
	{ "add-port", m_add_port },
	{ "del-port", m_del_port },
	{ "set-port", m_set_port },
	{ "fdb-show", m_fdb_show },
	{ "fdb-flush", m_fdb_flush },
	{ "port-stats", m_port_stats },
	{ "pmd-stats", m_pmd_stats },
	{ "pmd-stats-clear", m_pmd_stats_clear },
	{ "version", m_version },
	{ "add-flow", m_add_flow },
	{ "add-flows", m_add_flows },
	{ "del-flows", m_del_flows },
	{ "dump-flows", m_dump_flows },
};

json_t *
vs_methods_call(struct vs_switch *sw, const struct vs_rpc_request *req)
{
	char err[ERRLEN] = "";
	json_t *result;

	for (unsigned i = 0; i < RTE_DIM(methods); i++) {
		if (strcmp(methods[i].name, req->method) != 0)
			continue;
		result = methods[i].fn(sw, req->params, err);
		if (result == NULL) {
			VS_INFO("refused %s: %s", req->method, err);
			return vs_rpc_error(req->id, VS_RPC_OP_FAILED, err);
		}
		return vs_rpc_result(req->id, result);
	}
	snprintf(err, sizeof(err), "unknown method '%s'", req->method);
	return vs_rpc_error(req->id, VS_RPC_METHOD_NOT_FOUND, err);
}
