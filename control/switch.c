/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The switch model and its publication to PMDs (see switch.h).
 *
 * Publication: build a complete vs_dp_tables, store it with release
 * semantics, then wait for two RCU grace periods before freeing the old
 * one: after the first every PMD has loaded the new pointer; during the
 * iteration in which it did, it flushed the tx buffers it had filled
 * through the old table, and after the second none of it is in use.
 * The same point is where a removed port's device may be closed.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_ethdev.h>
#include <rte_lcore.h>
#include <rte_malloc.h>

#include "flow.h"
#include "log.h"
#include "switch.h"
#include "vhost.h"

static int
publish(struct vs_switch *sw)
{
	struct vs_dp_tables *t, *old;

	t = rte_zmalloc("vs_tables", sizeof(*t), RTE_CACHE_LINE_SIZE);
	if (t == NULL)
		return -ENOMEM;
	t->gen = ++sw->gen;
	for (unsigned b = 0; b < VS_MAX_BRIDGES; b++) {
		if (sw->bridges[b] == NULL)
			continue;
		t->bridges[b].id = sw->bridges[b]->id;
		t->bridges[b].fdb = sw->bridges[b]->fdb;
		t->bridges[b].cls = sw->bridges[b]->cls;
		t->bridges[b].cls_gen = sw->bridges[b]->cls_gen;
		t->bridges[b].normal_rule = sw->bridges[b]->normal_rule;
	}
	for (unsigned s = 0; s < VS_MAX_PORTS; s++) {
		struct vs_port *p = sw->ports[s];
		struct vs_dp_port *dp = &t->ports[s];
		struct vs_dp_bridge *br;

		if (p == NULL)
			continue;
		/* A patch port without its peer is down: not in the bridge. */
		if (p->ops == &vs_port_patch_ops && p->peer == NULL)
			continue;
		p->ops->fill_dp(p, dp);
		dp->bridge = p->bridge->idx;
		vs_port_fill_vlan(&p->cfg.vlan, &dp->vlan);
		br = &t->bridges[p->bridge->idx];
		br->ports[br->n_ports++] = s;
		if (dp->kind == VS_DP_PATCH)
			continue;
		for (uint16_t q = 0; q < p->n_rxq; q++) {
			unsigned pmd = p->rxq_pmd[q];

			if (t->n_rxqs[pmd] == VS_MAX_RXQ_PER_PMD) {
				rte_free(t);
				return -ENOSPC;
			}
			t->rxqs[pmd][t->n_rxqs[pmd]].slot = s;
			t->rxqs[pmd][t->n_rxqs[pmd]++].queue = q;
		}
	}

	old = vs_dp_current;
	__atomic_store_n(&vs_dp_current, t, __ATOMIC_RELEASE);
	if (sw->pmds_running) {
		rte_rcu_qsbr_synchronize(sw->qsv, RTE_QSBR_THRID_INVALID);
		rte_rcu_qsbr_synchronize(sw->qsv, RTE_QSBR_THRID_INVALID);
	}
	rte_free(old);
	return 0;
}

int
vs_switch_publish(struct vs_switch *sw)
{
	return publish(sw);
}

static const char *
publish_error(int rc)
{
	return rc == -ENOSPC ? "a PMD would poll more than 128 rx queues"
			     : "out of hugepage memory for the datapath tables";
}

int
vs_switch_init(struct vs_switch *sw, const struct vs_config *cfg, unsigned control_core,
	       const unsigned *pmd_cores, unsigned n_pmds, char *err, size_t errlen)
{
	uint64_t hz = rte_get_tsc_hz();
	size_t sz;

	memset(sw, 0, sizeof(*sw));
	sw->cfg = cfg;
	sw->control_core = control_core;
	sw->n_pmds = n_pmds;
	sw->next_bridge_id = 1;

	sz = rte_rcu_qsbr_get_memsize(n_pmds);
	sw->qsv = rte_zmalloc("vs_rcu", sz, RTE_CACHE_LINE_SIZE);
	if (sw->qsv == NULL || rte_rcu_qsbr_init(sw->qsv, n_pmds) != 0) {
		snprintf(err, errlen, "cannot allocate the RCU state");
		return -ENOMEM;
	}
	for (unsigned i = 0; i < n_pmds; i++) {
		struct vs_pmd *pmd;
		char name[RTE_RING_NAMESIZE];
		int node = rte_lcore_to_socket_id(pmd_cores[i]);

		pmd = rte_zmalloc_socket("vs_pmd", sizeof(*pmd), RTE_CACHE_LINE_SIZE, node);
		if (pmd == NULL) {
			snprintf(err, errlen, "cannot allocate PMD %u context on node %d", i, node);
			return -ENOMEM;
		}
		sw->pmds[i] = pmd;
		sw->pmd_node[i] = node;
		pmd->idx = i;
		pmd->lcore = pmd_cores[i];
		pmd->node = node;
		pmd->qsv = sw->qsv;
		pmd->drain_tsc = hz * VS_TX_DRAIN_US / 1000000;
		snprintf(name, sizeof(name), "vs_learn%u", i);
		pmd->learn_ring = rte_ring_create_elem(name, sizeof(struct vs_learn_req),
						       VS_LEARN_RING_SIZE, node,
						       RING_F_SP_ENQ | RING_F_SC_DEQ);
		if (pmd->learn_ring == NULL) {
			snprintf(err, errlen, "cannot create the learn ring of PMD %u: %s", i,
				 rte_strerror(rte_errno));
			return -ENOMEM;
		}
	}
	if (publish(sw) != 0) {
		snprintf(err, errlen, "cannot allocate the datapath tables");
		return -ENOMEM;
	}
	if (vs_vhost_init(sw) != 0) {
		snprintf(err, errlen, "cannot create the vhost event fd: %s", strerror(errno));
		return -ENOMEM;
	}
	return 0;
}

int
vs_switch_start(struct vs_switch *sw)
{
	for (unsigned i = 0; i < sw->n_pmds; i++) {
		struct vs_pool *pool;
		char err[256];

		/* Flood copies come from a pool on the PMD's own node. */
		pool = vs_switch_pool_get(sw, sw->pmd_node[i], VS_DEFAULT_MTU, 0, err, sizeof(err));
		if (pool == NULL) {
			VS_ERR("PMD %u: %s", i, err);
			return -ENOMEM;
		}
		sw->pmds[i]->pool = pool->mp;
	}
	for (unsigned i = 0; i < sw->n_pmds; i++) {
		int rc = rte_eal_remote_launch(vs_pmd_main, sw->pmds[i], sw->pmds[i]->lcore);

		if (rc != 0) {
			VS_ERR("cannot launch PMD %u on core %u: %s", i, sw->pmds[i]->lcore,
			       rte_strerror(-rc));
			return rc;
		}
		VS_INFO("PMD %u running on core %u (NUMA node %d)", i, sw->pmds[i]->lcore,
			sw->pmds[i]->node);
	}
	sw->pmds_running = true;
	/* Wait until every PMD has reported once, so that the first
	 * publication after this already waits for real grace periods. */
	rte_rcu_qsbr_synchronize(sw->qsv, RTE_QSBR_THRID_INVALID);
	return 0;
}

struct vs_bridge *
vs_switch_find_bridge(struct vs_switch *sw, const char *name)
{
	for (unsigned b = 0; b < VS_MAX_BRIDGES; b++)
		if (sw->bridges[b] && strcmp(sw->bridges[b]->name, name) == 0)
			return sw->bridges[b];
	return NULL;
}

struct vs_port *
vs_switch_find_port(struct vs_switch *sw, const char *name)
{
	for (unsigned s = 0; s < VS_MAX_PORTS; s++)
		if (sw->ports[s] && strcmp(sw->ports[s]->cfg.name, name) == 0)
			return sw->ports[s];
	return NULL;
}

static bool
valid_name(const char *name)
{
	size_t n = strlen(name);

	if (n == 0 || n >= VS_NAME_MAX)
		return false;
	return strspn(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-") == n;
}

int
vs_switch_add_bridge(struct vs_switch *sw, const char *name, uint32_t aging_s,
		     uint32_t table_size, char *err, size_t errlen)
{
	struct vs_bridge *br;
	unsigned idx;
	int rc;

	if (!valid_name(name)) {
		snprintf(err, errlen, "invalid bridge name '%s' (1..%d characters of A-Z a-z 0-9 _ . -)",
			 name, VS_NAME_MAX - 1);
		return -EINVAL;
	}
	if (vs_switch_find_bridge(sw, name) != NULL) {
		snprintf(err, errlen, "bridge '%s' already exists", name);
		return -EEXIST;
	}
	for (idx = 0; idx < VS_MAX_BRIDGES && sw->bridges[idx]; idx++)
		;
	if (idx == VS_MAX_BRIDGES) {
		snprintf(err, errlen, "too many bridges (at most %d)", VS_MAX_BRIDGES);
		return -ENOSPC;
	}
	br = calloc(1, sizeof(*br));
	if (br == NULL) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	snprintf(br->name, sizeof(br->name), "%s", name);
	br->id = sw->next_bridge_id++;
	br->idx = idx;
	br->mac_aging_s = aging_s;
	br->mac_table_size = table_size;
	br->fdb = vs_fdb_create(br->id, table_size, aging_s, err, errlen);
	if (br->fdb == NULL) {
		free(br);
		return -ENOMEM;
	}
	if (vs_flows_init(sw, br, err, errlen) != 0) {
		vs_fdb_destroy(br->fdb);
		free(br);
		return -ENOMEM;
	}
	sw->bridges[idx] = br;
	rc = publish(sw);
	if (rc != 0) {
		sw->bridges[idx] = NULL;
		vs_flows_fini(br);
		vs_fdb_destroy(br->fdb);
		free(br);
		snprintf(err, errlen, "bridge '%s': %s", name, publish_error(rc));
		return rc;
	}
	VS_INFO("bridge %s added (MAC table %u entries, aging %u s)", name, table_size, aging_s);
	return 0;
}

static void
port_free(struct vs_switch *sw, struct vs_port *p)
{
	if (p->ops->close)
		p->ops->close(sw, p);
	free(p);
}

/* Remove a port from the model (not yet published). */
static void
unlink_port(struct vs_switch *sw, struct vs_port *p)
{
	sw->ports[p->slot] = NULL;
	if (p->peer)
		p->peer->peer = NULL;
}

int
vs_switch_del_bridge(struct vs_switch *sw, const char *name, char *err, size_t errlen)
{
	struct vs_bridge *br = vs_switch_find_bridge(sw, name);
	struct vs_port *gone[VS_MAX_PORTS];
	unsigned n = 0;
	int rc;

	if (br == NULL) {
		snprintf(err, errlen, "no bridge named '%s'", name);
		return -ENOENT;
	}
	for (unsigned s = 0; s < VS_MAX_PORTS; s++) {
		struct vs_port *p = sw->ports[s];

		if (p && p->bridge == br) {
			gone[n++] = p;
			unlink_port(sw, p);
		}
	}
	sw->bridges[br->idx] = NULL;
	rc = publish(sw);
	if (rc != 0) {
		/* Put everything back as it was. */
		sw->bridges[br->idx] = br;
		for (unsigned i = 0; i < n; i++) {
			sw->ports[gone[i]->slot] = gone[i];
			if (gone[i]->peer)
				gone[i]->peer->peer = gone[i];
		}
		snprintf(err, errlen, "bridge '%s': %s", name, publish_error(rc));
		return rc;
	}
	for (unsigned i = 0; i < n; i++)
		port_free(sw, gone[i]);
	vs_flows_fini(br);
	vs_fdb_destroy(br->fdb);
	VS_INFO("bridge %s deleted with %u ports", name, n);
	free(br);
	return 0;
}

void
vs_switch_pmd_loads(const struct vs_switch *sw, const struct vs_port *exclude, unsigned *load)
{
	memset(load, 0, sizeof(*load) * sw->n_pmds);
	for (unsigned s = 0; s < VS_MAX_PORTS; s++) {
		const struct vs_port *p = sw->ports[s];

		if (p == NULL || p == exclude || !p->opened)
			continue;
		for (uint16_t q = 0; q < p->n_rxq; q++)
			load[p->rxq_pmd[q]]++;
	}
}

static void
assign_rxqs(struct vs_switch *sw, struct vs_port *p)
{
	struct vs_rxq_ref refs[VS_MAX_QUEUES];
	unsigned load[VS_DP_MAX_PMDS], cross = 0;

	vs_switch_pmd_loads(sw, p, load);
	for (uint16_t q = 0; q < p->n_rxq; q++) {
		refs[q].port = p->slot;
		refs[q].queue = q;
		refs[q].node = p->node < 0 ? VS_NODE_ANY : p->node;
	}
	vs_assign_rxqs(refs, p->n_rxq, sw->pmd_node, sw->n_pmds, load, p->rxq_pmd, &cross);
	if (cross)
		VS_WARN("port '%s': %u rx queue(s) polled by a PMD on another NUMA node than the "
			"port's node %d: expect lower throughput", p->cfg.name, cross, p->node);
}

static int
check_patch_peer(struct vs_switch *sw, const struct vs_bridge *br, const struct vs_port_cfg *pc,
		 struct vs_port **peer_out, char *err, size_t errlen)
{
	struct vs_port *peer;

	*peer_out = NULL;
	if (strcmp(pc->peer, pc->name) == 0) {
		snprintf(err, errlen, "port '%s': a patch port cannot be its own peer", pc->name);
		return -EINVAL;
	}
	peer = vs_switch_find_port(sw, pc->peer);
	if (peer == NULL)
		return 0;       /* the peer may come later; the port is down till then */
	if (peer->cfg.type != VS_PORT_PATCH) {
		snprintf(err, errlen, "port '%s': peer '%s' is a %s port, not a patch port",
			 pc->name, pc->peer, vs_port_type_name(peer->cfg.type));
		return -EINVAL;
	}
	if (strcmp(peer->cfg.peer, pc->name) != 0) {
		snprintf(err, errlen, "port '%s': peer '%s' is paired with '%s'", pc->name,
			 pc->peer, peer->cfg.peer);
		return -EINVAL;
	}
	if (peer->bridge == br) {
		snprintf(err, errlen, "port '%s': peer '%s' is in the same bridge '%s'", pc->name,
			 pc->peer, br->name);
		return -EINVAL;
	}
	*peer_out = peer;
	return 0;
}

int
vs_switch_add_port(struct vs_switch *sw, const char *bridge, const struct vs_port_cfg *pc,
		   char *err, size_t errlen)
{
	struct vs_bridge *br = vs_switch_find_bridge(sw, bridge);
	struct vs_port *p, *peer = NULL;
	unsigned slot;
	int rc;

	if (br == NULL) {
		snprintf(err, errlen, "no bridge named '%s'", bridge);
		return -ENOENT;
	}
	if (!valid_name(pc->name)) {
		snprintf(err, errlen, "invalid port name '%s' (1..%d characters of A-Z a-z 0-9 _ . -)",
			 pc->name, VS_NAME_MAX - 1);
		return -EINVAL;
	}
	if (vs_switch_find_port(sw, pc->name) != NULL) {
		snprintf(err, errlen, "port '%s' already exists (port names are unique across bridges)",
			 pc->name);
		return -EEXIST;
	}
	rc = vs_port_cfg_check(pc, err, errlen);
	if (rc != 0)
		return rc;
	for (unsigned s = 0; s < VS_MAX_PORTS; s++) {
		const struct vs_port *o = sw->ports[s];

		/* One AF_XDP port per interface: a second one would take the
		 * XDP hook and queue 0 away from the first. */
		if (o && pc->type == VS_PORT_AF_XDP && o->cfg.type == VS_PORT_AF_XDP &&
		    strcmp(o->cfg.iface, pc->iface) == 0) {
			snprintf(err, errlen, "port '%s': interface '%s' is already used by port '%s'",
				 pc->name, pc->iface, o->cfg.name);
			return -EBUSY;
		}
	}
	if (pc->type == VS_PORT_PATCH) {
		rc = check_patch_peer(sw, br, pc, &peer, err, errlen);
		if (rc != 0)
			return rc;
	}
	for (slot = 0; slot < VS_MAX_PORTS && sw->ports[slot]; slot++)
		;
	if (slot == VS_MAX_PORTS) {
		snprintf(err, errlen, "too many ports (at most %d)", VS_MAX_PORTS);
		return -ENOSPC;
	}

	p = calloc(1, sizeof(*p));
	if (p == NULL) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	p->cfg = *pc;
	p->ops = vs_port_ops_for(pc->type);
	p->bridge = br;
	p->slot = slot;
	p->node = -1;
	if (p->ops->open) {
		rc = p->ops->open(sw, p, err, errlen);
		if (rc != 0) {
			free(p);
			return rc;
		}
		assign_rxqs(sw, p);
	}
	/* Nobody uses the slot: start its counters from zero. */
	for (unsigned i = 0; i < sw->n_pmds; i++)
		memset(&sw->pmds[i]->counters[slot], 0, sizeof(sw->pmds[i]->counters[slot]));
	sw->ports[slot] = p;
	if (peer) {
		p->peer = peer;
		peer->peer = p;
	}
	rc = publish(sw);
	if (rc != 0) {
		unlink_port(sw, p);
		port_free(sw, p);
		snprintf(err, errlen, "port '%s': %s", pc->name, publish_error(rc));
		return rc;
	}
	VS_INFO("port %s (%s) added to bridge %s", pc->name, vs_port_type_name(pc->type), br->name);
	return 0;
}

int
vs_switch_del_port(struct vs_switch *sw, const char *bridge, const char *name, char *err,
		   size_t errlen)
{
	struct vs_port *p = vs_switch_find_port(sw, name);
	struct vs_port *peer;
	unsigned n_rules;
	int rc;

	if (p == NULL) {
		snprintf(err, errlen, "no port named '%s'", name);
		return -ENOENT;
	}
	if (bridge && strcmp(p->bridge->name, bridge) != 0) {
		snprintf(err, errlen, "port '%s' is in bridge '%s', not '%s'", name, p->bridge->name,
			 bridge);
		return -EINVAL;
	}
	/* First the rules that name the port (a valid state on its own). */
	rc = vs_flows_del_port(sw, p->bridge, p->slot, &n_rules, err, errlen);
	if (rc != 0)
		return rc;
	if (n_rules)
		VS_INFO("port %s: %u flow rule(s) naming it deleted", name, n_rules);
	peer = p->peer;
	unlink_port(sw, p);
	rc = publish(sw);
	if (rc != 0) {
		sw->ports[p->slot] = p;
		if (peer)
			peer->peer = p;
		snprintf(err, errlen, "port '%s': %s", name, publish_error(rc));
		return rc;
	}
	vs_fdb_flush(p->bridge->fdb, sw->qsv, p->slot);
	VS_INFO("port %s deleted from bridge %s", name, p->bridge->name);
	port_free(sw, p);
	return 0;
}

static bool
is_vlan_key(const char *k)
{
	return !strcmp(k, "tag") || !strcmp(k, "trunks") || !strcmp(k, "native") ||
	       !strcmp(k, "vlan_mode");
}

int
vs_switch_set_port(struct vs_switch *sw, const char *name, const char *const *keys,
		   const char *const *values, unsigned n, char *err, size_t errlen)
{
	struct vs_port *p = vs_switch_find_port(sw, name);
	struct vs_port_cfg old, c;
	bool vlan_changed = false;
	char why[256];
	int rc;

	if (p == NULL) {
		snprintf(err, errlen, "no port named '%s'", name);
		return -ENOENT;
	}
	if (n == 0) {
		snprintf(err, errlen, "set-port: nothing to set");
		return -EINVAL;
	}
	c = p->cfg;
	/* VLAN keys given together replace the port's whole VLAN setting, so
	 * that an access port can become a trunk (and back) in one command. */
	for (unsigned i = 0; i < n; i++)
		vlan_changed |= is_vlan_key(keys[i]);
	if (vlan_changed) {
		struct vs_port_cfg fresh;

		vs_port_cfg_init(&fresh, c.name);
		c.vlan = fresh.vlan;
	}
	for (unsigned i = 0; i < n; i++) {
		if (is_vlan_key(keys[i])) {
			;
		} else if (strcmp(keys[i], "mtu") != 0) {
			snprintf(err, errlen,
				 "port '%s': '%s' cannot be changed on a running port (settable: "
				 "mtu, tag, trunks, native, vlan_mode); del-port and add-port instead",
				 name, keys[i]);
			return -EINVAL;
		}
		rc = vs_port_cfg_set(&c, keys[i], values[i], why, sizeof(why));
		if (rc != 0) {
			snprintf(err, errlen, "port '%s': %s", name, why);
			return rc;
		}
	}
	rc = vs_port_cfg_check(&c, why, sizeof(why));
	if (rc != 0) {
		snprintf(err, errlen, "port '%s': %s", name, why);
		return rc;
	}
	if (c.mtu != p->cfg.mtu) {
		if (p->ops->set_mtu == NULL) {
			snprintf(err, errlen, "port '%s': mtu does not apply to %s ports", name,
				 p->ops->type);
			return -EINVAL;
		}
		rc = p->ops->set_mtu(p, c.mtu, err, errlen);
		if (rc != 0)
			return rc;
	}
	old = p->cfg;
	p->cfg = c;
	rc = publish(sw);
	if (rc != 0) {
		if (old.mtu != c.mtu)
			p->ops->set_mtu(p, old.mtu, why, sizeof(why));
		p->cfg = old;
		snprintf(err, errlen, "port '%s': %s", name, publish_error(rc));
		return rc;
	}
	/* MACs learned in VLANs the port may no longer carry. */
	if (vlan_changed)
		vs_fdb_flush(p->bridge->fdb, sw->qsv, p->slot);
	return 0;
}

int
vs_switch_move_rxqs(struct vs_switch *sw, struct vs_port *p, const unsigned *pmd_of, char *err,
		    size_t errlen)
{
	unsigned old[VS_MAX_QUEUES];
	int rc;

	memcpy(old, p->rxq_pmd, sizeof(old));
	for (uint16_t q = 0; q < p->n_rxq; q++)
		p->rxq_pmd[q] = pmd_of[q];
	rc = publish(sw);
	if (rc != 0) {
		memcpy(p->rxq_pmd, old, sizeof(old));
		snprintf(err, errlen, "%s", publish_error(rc));
	}
	return rc;
}

/* A bridge's configured rules replace its default one, as one install. */
static int
apply_flows(struct vs_switch *sw, const struct vs_bridge_cfg *bc, char *err, size_t errlen)
{
	struct vs_bridge *br = vs_switch_find_bridge(sw, bc->name);
	struct vs_flow_spec *specs;
	char why[256];
	int rc;

	if (bc->n_flows == 0)
		return 0;
	specs = calloc(bc->n_flows, sizeof(*specs));
	if (specs == NULL) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	for (unsigned i = 0; i < bc->n_flows; i++) {
		rc = vs_flow_parse(bc->flows[i], true, &specs[i], why, sizeof(why));
		if (rc != 0) {
			snprintf(err, errlen, "bridge '%s': flow '%s': %s", bc->name, bc->flows[i], why);
			free(specs);
			return rc;
		}
	}
	rc = vs_flows_del(sw, br, NULL, NULL, err, errlen);
	if (rc == 0)
		rc = vs_flows_add(sw, br, specs, bc->n_flows, err, errlen);
	free(specs);
	if (rc == 0)
		VS_INFO("bridge %s: %u flow rule(s) installed", bc->name, bc->n_flows);
	return rc;
}

int
vs_switch_apply_config(struct vs_switch *sw, const struct vs_config *cfg, char *err,
		       size_t errlen)
{
	int rc;

	for (unsigned b = 0; b < cfg->n_bridges; b++) {
		const struct vs_bridge_cfg *bc = &cfg->bridges[b];

		rc = vs_switch_add_bridge(sw, bc->name, bc->mac_aging_s, bc->mac_table_size, err,
					  errlen);
		if (rc != 0)
			return rc;
	}
	for (unsigned b = 0; b < cfg->n_bridges; b++) {
		const struct vs_bridge_cfg *bc = &cfg->bridges[b];

		for (unsigned i = 0; i < bc->n_ports; i++) {
			rc = vs_switch_add_port(sw, bc->name, &bc->ports[i], err, errlen);
			if (rc != 0)
				return rc;
		}
	}
	for (unsigned b = 0; b < cfg->n_bridges; b++) {
		rc = apply_flows(sw, &cfg->bridges[b], err, errlen);
		if (rc != 0)
			return rc;
	}
	return 0;
}

void
vs_switch_fini(struct vs_switch *sw)
{
	if (sw->pmds_running) {
		for (unsigned i = 0; i < sw->n_pmds; i++)
			sw->pmds[i]->quit = true;
		for (unsigned i = 0; i < sw->n_pmds; i++)
			rte_eal_wait_lcore(sw->pmds[i]->lcore);
		sw->pmds_running = false;
	}
	/* No PMD runs any more: close everything directly. */
	for (unsigned s = 0; s < VS_MAX_PORTS; s++) {
		if (sw->ports[s]) {
			port_free(sw, sw->ports[s]);
			sw->ports[s] = NULL;
		}
	}
	for (unsigned b = 0; b < VS_MAX_BRIDGES; b++) {
		if (sw->bridges[b]) {
			vs_flows_fini(sw->bridges[b]);
			vs_fdb_destroy(sw->bridges[b]->fdb);
			free(sw->bridges[b]);
			sw->bridges[b] = NULL;
		}
	}
	rte_free(vs_dp_current);
	vs_dp_current = NULL;
	for (unsigned i = 0; i < sw->n_pmds; i++) {
		if (sw->pmds[i]) {
			rte_ring_free(sw->pmds[i]->learn_ring);
			rte_free(sw->pmds[i]);
		}
	}
	for (unsigned i = 0; i < sw->n_pools; i++)
		rte_mempool_free(sw->pools[i].mp);
	rte_free(sw->qsv);
	memset(sw, 0, sizeof(*sw));
}

void
vs_switch_port_counters(const struct vs_switch *sw, uint16_t slot, struct vs_port_counters *sum)
{
	memset(sum, 0, sizeof(*sum));
	for (unsigned i = 0; i < sw->n_pmds; i++) {
		const struct vs_port_counters *c = &sw->pmds[i]->counters[slot];

		sum->rx_packets += c->rx_packets;
		sum->rx_bytes += c->rx_bytes;
		sum->tx_packets += c->tx_packets;
		sum->tx_bytes += c->tx_bytes;
		for (unsigned d = 0; d < VS_DROP_COUNT; d++)
			sum->drops[d] += c->drops[d];
	}
}

static struct vs_bridge *
bridge_by_id(struct vs_switch *sw, uint32_t id)
{
	for (unsigned b = 0; b < VS_MAX_BRIDGES; b++)
		if (sw->bridges[b] && sw->bridges[b]->id == id)
			return sw->bridges[b];
	return NULL;
}

void
vs_switch_drain_learning(struct vs_switch *sw)
{
	struct vs_learn_req req[256];
	uint32_t now = vs_dp_now_s;

	for (unsigned i = 0; i < sw->n_pmds; i++) {
		unsigned n;

		do {
			n = rte_ring_sc_dequeue_burst_elem(sw->pmds[i]->learn_ring, req, sizeof(req[0]),
							   RTE_DIM(req), NULL);
			for (unsigned k = 0; k < n; k++) {
				struct vs_bridge *br = bridge_by_id(sw, req[k].bridge_id);
				struct vs_port *p = sw->ports[req[k].slot];
				int rc;

				/* The bridge or port may be gone since. */
				if (br == NULL || p == NULL || p->bridge != br)
					continue;
				rc = vs_fdb_learn(br->fdb, sw->qsv, vs_fdb_key(req[k].mac, req[k].vlan),
						  req[k].slot, now);
				if (rc == 0)
					sw->learn_applied++;
				else if (rc == -ENOSPC)
					br->fdb->full++;
			}
		} while (n == RTE_DIM(req));
	}
	for (unsigned b = 0; b < VS_MAX_BRIDGES; b++)
		if (sw->bridges[b])
			vs_fdb_reclaim(sw->bridges[b]->fdb, sw->qsv);
}

void
vs_switch_tick_second(struct vs_switch *sw, uint32_t now_s)
{
	__atomic_store_n(&vs_dp_now_s, now_s, __ATOMIC_RELAXED);
	for (unsigned b = 0; b < VS_MAX_BRIDGES; b++) {
		unsigned n;

		if (sw->bridges[b] == NULL)
			continue;
		n = vs_fdb_age(sw->bridges[b]->fdb, sw->qsv, now_s);
		if (n)
			VS_DEBUG("bridge %s: %u MAC entries aged out", sw->bridges[b]->name, n);
	}
}

/* Data room for frames of `mtu` with two VLAN tags and the FCS. */
static uint16_t
data_room_for(unsigned mtu)
{
	unsigned room = mtu + RTE_ETHER_HDR_LEN + 2 * RTE_VLAN_HLEN + RTE_ETHER_CRC_LEN;

	if (room < RTE_MBUF_DEFAULT_DATAROOM)
		room = RTE_MBUF_DEFAULT_DATAROOM;
	return RTE_ALIGN_CEIL(room, 64) + RTE_PKTMBUF_HEADROOM;
}

#define POOL_CACHE 256

static struct vs_pool *
pool_create(struct vs_switch *sw, int node, uint16_t room, unsigned n, char *err, size_t errlen)
{
	struct vs_pool *p;
	char name[RTE_MEMPOOL_NAMESIZE];

	if (sw->n_pools == VS_MAX_POOLS) {
		snprintf(err, errlen, "too many mbuf pools");
		return NULL;
	}
	p = &sw->pools[sw->n_pools];
	snprintf(name, sizeof(name), "vs_mbuf%u_n%u", sw->pools_made++, (unsigned)(node < 0 ? 0 : node) % 100);
	p->mp = rte_pktmbuf_pool_create(name, n, POOL_CACHE, 0, room,
					node < 0 ? (int)rte_socket_id() : node);
	if (p->mp == NULL) {
		snprintf(err, errlen,
			 "cannot create a pool of %u mbufs (%zu MB) on NUMA node %d: %s; reserve more "
			 "hugepages or lower dpdk.mbufs", n,
			 ((size_t)n * vs_mbuf_footprint(room - RTE_PKTMBUF_HEADROOM) >> 20) + 1,
			 node < 0 ? 0 : node, rte_strerror(rte_errno));
		return NULL;
	}
	p->node = node;
	p->data_room = room;
	p->n_mbufs = n;
	p->committed = 0;
	sw->n_pools++;
	VS_INFO("mbuf pool %s: %u mbufs of %u bytes on node %d", name, n, room, node);
	return p;
}

struct vs_pool *
vs_switch_pool_get(struct vs_switch *sw, int node, unsigned mtu, unsigned n_desc, char *err,
		   size_t errlen)
{
	uint16_t room = data_room_for(mtu);
	struct vs_pool_demand d = { 0 };
	unsigned burst_slack = sw->n_pmds * (VS_BURST * 2 + POOL_CACHE);
	struct vs_pool *p;

	/* Virtual devices have no node: they live with the PMDs. */
	if (node < 0)
		node = sw->pmd_node[0];
	for (unsigned i = 0; i < sw->n_pools; i++) {
		p = &sw->pools[i];
		if (p->node == node && p->data_room >= room &&
		    p->committed + n_desc + burst_slack <= p->n_mbufs) {
			p->committed += n_desc;
			return p;
		}
	}
	d.n_rxq_desc = n_desc;
	d.n_ports = 1;
	d.n_pmds = sw->n_pmds;
	d.mtu = mtu;
	p = pool_create(sw, node, room,
			sw->cfg->dpdk.mbufs ? sw->cfg->dpdk.mbufs :
					      vs_pool_mbufs(&d, VS_BURST, POOL_CACHE),
			err, errlen);
	if (p == NULL)
		return NULL;
	p->committed = n_desc;
	return p;
}

struct vs_pool *
vs_switch_pool_own(struct vs_switch *sw, int node, unsigned mtu, unsigned n_desc, char *err,
		   size_t errlen)
{
	struct vs_pool_demand d = { .n_rxq_desc = n_desc, .n_ports = 1, .n_pmds = sw->n_pmds,
				    .mtu = mtu };
	struct vs_pool *p;

	if (node < 0)
		node = sw->pmd_node[0];
	p = pool_create(sw, node, data_room_for(mtu), vs_pool_mbufs(&d, VS_BURST, POOL_CACHE),
			err, errlen);
	if (p != NULL)
		p->committed = p->n_mbufs;      /* never shared */
	return p;
}

void
vs_switch_pool_free(struct vs_switch *sw, struct rte_mempool *mp)
{
	for (unsigned i = 0; i < sw->n_pools; i++) {
		if (sw->pools[i].mp != mp)
			continue;
		rte_mempool_free(mp);
		sw->pools[i] = sw->pools[--sw->n_pools];
		return;
	}
}

void
vs_switch_pool_put(struct vs_switch *sw, struct rte_mempool *mp, unsigned n_desc)
{
	for (unsigned i = 0; i < sw->n_pools; i++)
		if (sw->pools[i].mp == mp)
			sw->pools[i].committed -= RTE_MIN(n_desc, sw->pools[i].committed);
}

int
vs_switch_create_pools(struct vs_switch *sw, const struct vs_config *cfg, char *err,
		       size_t errlen)
{
	struct vs_pool_demand d;
	unsigned n;

	/* One pool for the configured ports, sized from their queues and
	 * descriptors; ports added later share it while it has room. */
	vs_pool_demand_of(cfg, sw->n_pmds, &d);
	n = cfg->dpdk.mbufs ? cfg->dpdk.mbufs : vs_pool_mbufs(&d, VS_BURST, POOL_CACHE);
	return pool_create(sw, sw->pmd_node[0], data_room_for(d.mtu), n, err, errlen) ? 0 : -ENOMEM;
}
