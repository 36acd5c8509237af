/* SPDX-License-Identifier: BSD-3-Clause */
/* vhost-user ports, control side (see vhost.h). */
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <rte_ether.h>
#include <rte_malloc.h>
#include <rte_vhost.h>

#include "log.h"
#include "port.h"
#include "switch.h"
#include "vhost.h"

/*
 * Offloads are not implemented yet: refuse to negotiate them, so that a
 * guest never hands us partial checksums or TSO frames we would forward
 * to ports that cannot finish them. Everything else rte_vhost supports
 * stays on: mergeable rx buffers, multiqueue, indirect descriptors, event
 * index, packed and split rings.
 */
#define VS_VHOST_DISABLED_FEATURES                                                    \
	((1ULL << VIRTIO_NET_F_CSUM) | (1ULL << VIRTIO_NET_F_GUEST_CSUM) |             \
	 (1ULL << VIRTIO_NET_F_HOST_TSO4) | (1ULL << VIRTIO_NET_F_HOST_TSO6) |         \
	 (1ULL << VIRTIO_NET_F_HOST_ECN) | (1ULL << VIRTIO_NET_F_HOST_UFO) |           \
	 (1ULL << VIRTIO_NET_F_GUEST_TSO4) | (1ULL << VIRTIO_NET_F_GUEST_TSO6) |       \
	 (1ULL << VIRTIO_NET_F_GUEST_ECN) | (1ULL << VIRTIO_NET_F_GUEST_UFO))

/*
 * Control-side state of one vhost port. Shared with the rte_vhost event
 * thread: every member below `lock`-marked ones is read and written under
 * vs_vhost_lock.
 */
struct vs_vhost {
	struct vs_port *port;           /* owner; set by control */
	struct vs_vhost_dp *dp;         /* the datapath's view */
	char path[108];
	bool client;
	bool closing;                   /* lock: being unregistered, callbacks ignore it */
	int vid;                        /* lock: attached device, -1 none */
	uint64_t features;              /* lock: negotiated virtio features */
	int guest_node;                 /* lock: NUMA node of guest memory, -1 unknown */
	bool numa_pending;              /* lock: control should re-check placement */
	unsigned connects;              /* lock: times a guest attached */
	struct vs_vhost *next;
};

static pthread_mutex_t vs_vhost_lock = PTHREAD_MUTEX_INITIALIZER;
static struct vs_vhost *vs_vhosts;      /* lock: all open vhost ports */
static struct rte_rcu_qsbr *vs_vhost_qsv;
static int vs_vhost_efd = -1;

static void
notify_control(void)
{
	uint64_t one = 1;

	if (vs_vhost_efd >= 0 && write(vs_vhost_efd, &one, sizeof(one)) < 0)
		VS_WARN("vhost: cannot wake the control thread: %s", strerror(errno));
}

/* Under the lock: the port whose socket is vid's. */
static struct vs_vhost *
find_by_vid(int vid)
{
	char path[PATH_MAX];

	if (rte_vhost_get_ifname(vid, path, sizeof(path)) != 0)
		return NULL;
	for (struct vs_vhost *v = vs_vhosts; v; v = v->next)
		if (!v->closing && strcmp(v->path, path) == 0)
			return v;
	return NULL;
}

static int
new_device(int vid)
{
	struct vs_vhost *v;
	uint16_t n;

	pthread_mutex_lock(&vs_vhost_lock);
	v = find_by_vid(vid);
	if (v == NULL) {
		pthread_mutex_unlock(&vs_vhost_lock);
		return -1;
	}
	if (v->vid >= 0) {
		/* A second QEMU on a server socket: rte_vhost accepts it, but
		 * the port has one guest; taking it over would leave the first
		 * guest attached to nothing. rte_vhost retries on the guest's
		 * next message. */
		VS_WARN("port '%s': refusing a second guest on %s (vid %d is attached)",
			v->port->cfg.name, v->path, v->vid);
		pthread_mutex_unlock(&vs_vhost_lock);
		return -1;
	}
	/* PMDs poll: the guest need not kick us, and we never sleep. */
	n = rte_vhost_get_vring_num(vid);
	for (uint16_t i = 0; i < n; i++)
		rte_vhost_enable_guest_notification(vid, i, 0);
	/* Pairs this guest does not have cannot be enabled, whatever an
	 * earlier connection on the socket left (see destroy_device). */
	for (uint16_t q = n / 2; q < v->dp->n_queues; q++)
		v->dp->rx_enabled[q] = v->dp->tx_enabled[q] = 0;
	rte_vhost_get_negotiated_features(vid, &v->features);
	v->guest_node = rte_vhost_get_numa_node(vid);
	v->vid = vid;
	v->connects++;
	v->numa_pending = true;
	if (n / 2 > v->dp->n_queues)
		VS_WARN("port '%s': the guest has %u queue pairs, only %u are polled (queues=%u)",
			v->port->cfg.name, n / 2, v->dp->n_queues, v->dp->n_queues);
	__atomic_store_n(&v->dp->vid, vid, __ATOMIC_RELEASE);
	VS_INFO("port '%s': guest attached (vid %d, %u virtqueues, features 0x%" PRIx64
		", memory on NUMA node %d)", v->port->cfg.name, vid, n, v->features,
		v->guest_node);
	pthread_mutex_unlock(&vs_vhost_lock);
	notify_control();
	return 0;
}

static void
destroy_device(int vid)
{
	struct vs_vhost *v;

	pthread_mutex_lock(&vs_vhost_lock);
	v = find_by_vid(vid);
	if (v != NULL && v->vid == vid) {
		__atomic_store_n(&v->dp->vid, -1, __ATOMIC_RELEASE);
		v->vid = -1;
		/* rte_vhost reports no vring state change when a guest goes
		 * away: forget its enabled queues, or the next guest (with
		 * fewer pairs, say) would inherit them and PMDs would poll
		 * virtqueues it does not have. */
		for (uint16_t q = 0; q < v->dp->n_queues; q++)
			v->dp->rx_enabled[q] = v->dp->tx_enabled[q] = 0;
		VS_INFO("port '%s': guest detached", v->port->cfg.name);
	}
	pthread_mutex_unlock(&vs_vhost_lock);
	/* rte_vhost frees the device when we return: let every PMD finish
	 * the burst it may have started with the old vid. */
	if (v != NULL)
		rte_rcu_qsbr_synchronize(vs_vhost_qsv, RTE_QSBR_THRID_INVALID);
	notify_control();
}

static int
vring_state_changed(int vid, uint16_t queue_id, int enable)
{
	struct vs_vhost *v;
	uint16_t q = queue_id / 2;

	pthread_mutex_lock(&vs_vhost_lock);
	v = find_by_vid(vid);
	/* Before new_device (vid -1) the rings are the coming guest's. */
	if (v != NULL && q < v->dp->n_queues && (v->vid < 0 || v->vid == vid)) {
		/* Odd: the guest's tx ring, which we dequeue from. */
		if (queue_id & 1)
			v->dp->rx_enabled[q] = !!enable;
		else
			v->dp->tx_enabled[q] = !!enable;
		VS_DEBUG("port '%s': virtqueue %u %s", v->port->cfg.name, queue_id,
			 enable ? "enabled" : "disabled");
	}
	pthread_mutex_unlock(&vs_vhost_lock);
	/* Disabling: rte_vhost itself refuses bursts on a disabled ring. */
	return 0;
}

static const struct rte_vhost_device_ops vhost_ops = {
	.new_device = new_device,
	.destroy_device = destroy_device,
	.vring_state_changed = vring_state_changed,
};

int
vs_vhost_init(struct vs_switch *sw)
{
	vs_vhost_qsv = sw->qsv;
	if (vs_vhost_efd < 0)
		vs_vhost_efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	return vs_vhost_efd < 0 ? -errno : 0;
}

int
vs_vhost_event_fd(void)
{
	return vs_vhost_efd;
}

int
vs_vhost_rxq_node(int cfg_numa, int guest_node, const int *pmd_node, unsigned n_pmds)
{
	int want = cfg_numa >= 0 ? cfg_numa : guest_node;

	if (want < 0)
		return -1;
	for (unsigned i = 0; i < n_pmds; i++)
		if (pmd_node[i] == want)
			return want;
	return -1;
}

/* Move p's rx queues to PMDs on `node` (rte_vhost's NUMA re-allocation). */
static void
move_rxqs(struct vs_switch *sw, struct vs_port *p, int node)
{
	struct vs_rxq_ref refs[VS_MAX_QUEUES];
	unsigned load[VS_DP_MAX_PMDS], out[VS_MAX_QUEUES];
	bool same = true;
	char err[256];

	vs_switch_pmd_loads(sw, p, load);
	for (uint16_t q = 0; q < p->n_rxq; q++) {
		refs[q].port = p->slot;
		refs[q].queue = q;
		refs[q].node = node;
	}
	vs_assign_rxqs(refs, p->n_rxq, sw->pmd_node, sw->n_pmds, load, out, NULL);
	for (uint16_t q = 0; q < p->n_rxq; q++)
		same &= out[q] == p->rxq_pmd[q];
	if (same)
		return;
	if (vs_switch_move_rxqs(sw, p, out, err, sizeof(err)) != 0)
		VS_WARN("port '%s': cannot move rx queues to NUMA node %d: %s", p->cfg.name, node,
			err);
	else
		VS_INFO("port '%s': rx queues moved to PMDs on NUMA node %d (guest memory)",
			p->cfg.name, node);
}

void
vs_vhost_handle_events(struct vs_switch *sw)
{
	uint64_t n;
	struct {
		struct vs_port *port;
		int node;
	} moves[VS_MAX_PORTS];
	unsigned n_moves = 0;

	if (read(vs_vhost_efd, &n, sizeof(n)) < 0)
		return;
	pthread_mutex_lock(&vs_vhost_lock);
	for (struct vs_vhost *v = vs_vhosts; v; v = v->next) {
		int node;

		if (!v->numa_pending)
			continue;
		v->numa_pending = false;
		node = vs_vhost_rxq_node(v->port->cfg.numa, v->guest_node, sw->pmd_node,
					 sw->n_pmds);
		if (node >= 0)
			moves[n_moves].port = v->port, moves[n_moves++].node = node;
	}
	pthread_mutex_unlock(&vs_vhost_lock);
	/* Publishing waits for grace periods: not under the lock, which the
	 * vhost thread takes in its callbacks. */
	for (unsigned i = 0; i < n_moves; i++)
		move_rxqs(sw, moves[i].port, moves[i].node);
}

static int
vhost_open(struct vs_switch *sw, struct vs_port *p, char *err, size_t errlen)
{
	const struct vs_port_cfg *c = &p->cfg;
	bool client = c->type == VS_PORT_VHOST_USER_CLIENT;
	uint64_t flags = RTE_VHOST_USER_NET_COMPLIANT_OL_FLAGS;
	struct vs_vhost *v;
	struct vs_pool *pool;
	struct stat st;
	int rc;

	for (struct vs_vhost *o = vs_vhosts; o; o = o->next)
		if (strcmp(o->path, c->path) == 0) {
			snprintf(err, errlen, "port '%s': socket %s is already used by port '%s'",
				 c->name, c->path, o->port->cfg.name);
			return -EBUSY;
		}
	if (!client && lstat(c->path, &st) == 0) {
		if (!S_ISSOCK(st.st_mode)) {
			snprintf(err, errlen, "port '%s': %s exists and is not a socket", c->name,
				 c->path);
			return -EEXIST;
		}
		unlink(c->path);        /* a stale socket of an earlier run */
	}
	v = calloc(1, sizeof(*v));
	if (v == NULL) {
		snprintf(err, errlen, "port '%s': out of memory", c->name);
		return -ENOMEM;
	}
	v->dp = rte_zmalloc("vs_vhost_dp", sizeof(*v->dp), RTE_CACHE_LINE_SIZE);
	if (v->dp == NULL) {
		free(v);
		snprintf(err, errlen, "port '%s': out of hugepage memory", c->name);
		return -ENOMEM;
	}
	v->dp->vid = -1;
	v->dp->n_queues = c->queues;
	v->port = p;
	v->client = client;
	v->vid = -1;
	v->guest_node = -1;
	snprintf(v->path, sizeof(v->path), "%s", c->path);

	/* Dequeued packets wait at most in rx bursts and tx buffers. */
	pool = vs_switch_pool_get(sw, c->numa, c->mtu, c->queues * VS_BURST * 4, err, errlen);
	if (pool == NULL) {
		rc = -ENOMEM;
		goto fail_free;
	}
	if (client)
		flags |= RTE_VHOST_USER_CLIENT;         /* reconnects by default */
	rc = rte_vhost_driver_register(c->path, flags);
	if (rc != 0) {
		snprintf(err, errlen, "port '%s': cannot register vhost-user socket %s", c->name,
			 c->path);
		rc = -EINVAL;
		goto fail_pool;
	}
	if (rte_vhost_driver_disable_features(c->path, VS_VHOST_DISABLED_FEATURES) != 0 ||
	    rte_vhost_driver_callback_register(c->path, &vhost_ops) != 0) {
		snprintf(err, errlen, "port '%s': cannot set up vhost-user socket %s", c->name,
			 c->path);
		rc = -EINVAL;
		goto fail_unregister;
	}
	pthread_mutex_lock(&vs_vhost_lock);
	v->next = vs_vhosts;
	vs_vhosts = v;
	pthread_mutex_unlock(&vs_vhost_lock);
	if (rte_vhost_driver_start(c->path) != 0) {
		/* Binding happens here, not in register: the likely mistake. */
		snprintf(err, errlen, "port '%s': cannot %s %s%s", c->name,
			 client ? "start connecting to" : "listen on", c->path,
			 client ? "" : " (is the directory there and writable?)");
		rc = -EINVAL;
		goto fail_unlink;
	}
	if (!client && chmod(c->path, c->socket_mode) != 0)
		VS_WARN("port '%s': cannot set mode %04o on %s: %s", c->name, c->socket_mode,
			c->path, strerror(errno));
	p->vhost = v;
	p->pool = pool->mp;
	p->n_desc = c->queues * VS_BURST * 4;
	p->n_rxq = c->queues;
	p->n_txq = c->queues;
	p->node = c->numa;
	p->opened = true;
	return 0;

fail_unlink:
	pthread_mutex_lock(&vs_vhost_lock);
	vs_vhosts = v->next;
	pthread_mutex_unlock(&vs_vhost_lock);
fail_unregister:
	rte_vhost_driver_unregister(c->path);
fail_pool:
	vs_switch_pool_put(sw, pool ? pool->mp : NULL, c->queues * VS_BURST * 4);
fail_free:
	rte_free(v->dp);
	free(v);
	return rc;
}

static void
vhost_close(struct vs_switch *sw, struct vs_port *p)
{
	struct vs_vhost *v = p->vhost, **pp;
	int tries;

	if (v == NULL)
		return;
	/* No PMD polls the port any more (unpublished). Callbacks from
	 * here on ignore it; unregistering detaches a connected guest. */
	pthread_mutex_lock(&vs_vhost_lock);
	v->closing = true;
	pthread_mutex_unlock(&vs_vhost_lock);
	for (tries = 0; tries < 100 && rte_vhost_driver_unregister(v->path) == -EBUSY; tries++)
		usleep(10000);
	pthread_mutex_lock(&vs_vhost_lock);
	for (pp = &vs_vhosts; *pp && *pp != v; pp = &(*pp)->next)
		;
	if (*pp)
		*pp = v->next;
	pthread_mutex_unlock(&vs_vhost_lock);
	if (!v->client)
		unlink(v->path);
	vs_switch_pool_put(sw, p->pool, p->n_desc);
	rte_free(v->dp);
	free(v);
	p->vhost = NULL;
	p->opened = false;
}

static bool
vhost_link_up(const struct vs_port *p)
{
	return p->vhost && __atomic_load_n(&p->vhost->dp->vid, __ATOMIC_ACQUIRE) >= 0;
}

static void
vhost_fill_dp(const struct vs_port *p, struct vs_dp_port *dp)
{
	dp->kind = VS_DP_VHOST;
	dp->vhost = p->vhost->dp;
	dp->pool = p->pool;
	dp->n_txq = p->n_txq;
	dp->max_frame = p->cfg.mtu + RTE_ETHER_HDR_LEN + RTE_VLAN_HLEN;
}

static int
vhost_set_mtu(struct vs_port *p, uint16_t mtu, char *err, size_t errlen)
{
	/* The guest's MTU is its own; ours bounds what we send it, and
	 * rte_vhost chains mbufs for frames larger than one buffer. */
	(void)p;
	(void)mtu;
	(void)err;
	(void)errlen;
	return 0;
}

json_t *
vs_vhost_port_json(const struct vs_port *p)
{
	const struct vs_vhost *v = p->vhost;
	unsigned enabled = 0;
	char feat[32];
	json_t *o;

	if (v == NULL)
		return json_null();
	pthread_mutex_lock(&vs_vhost_lock);
	for (uint16_t q = 0; q < v->dp->n_queues; q++)
		enabled += v->dp->rx_enabled[q] && v->dp->tx_enabled[q];
	snprintf(feat, sizeof(feat), "0x%" PRIx64, v->features);
	o = json_pack("{s:s, s:s, s:i, s:s, s:i, s:i, s:i, s:i}", "mode",
		      v->client ? "client" : "server", "state",
		      v->vid >= 0 ? "connected" : "disconnected", "vid", v->vid, "features",
		      v->vid >= 0 ? feat : "", "numa", v->vid >= 0 ? v->guest_node : -1, "queues",
		      v->dp->n_queues,
		      "queues_enabled", v->vid >= 0 ? enabled : 0, "connects", v->connects);
	pthread_mutex_unlock(&vs_vhost_lock);
	return o;
}

json_t *
vs_vhost_queue_stats_json(const struct vs_switch *sw, const struct vs_port *p)
{
	json_t *a = json_array();

	if (p->vhost == NULL)
		return a;
	for (uint16_t q = 0; q < p->vhost->dp->n_queues; q++) {
		struct vs_vhost_qstats s = { 0 };

		for (unsigned i = 0; i < sw->n_pmds; i++) {
			const struct vs_vhost_qstats *x = &p->vhost->dp->pmd[i].q[q];

			s.rx_packets += x->rx_packets;
			s.tx_packets += x->tx_packets;
			s.tx_ring_full += x->tx_ring_full;
		}
		json_array_append_new(a, json_pack("{s:i, s:I, s:I, s:I}", "queue", q, "rx_packets",
						   (json_int_t)s.rx_packets, "tx_packets",
						   (json_int_t)s.tx_packets, "tx_ring_full",
						   (json_int_t)s.tx_ring_full));
	}
	return a;
}

const struct vs_port_ops vs_port_vhost_user_ops = {
	.type = "vhost-user",
	.open = vhost_open,
	.close = vhost_close,
	.set_mtu = vhost_set_mtu,
	.link_up = vhost_link_up,
	.fill_dp = vhost_fill_dp,
};

const struct vs_port_ops vs_port_vhost_client_ops = {
	.type = "vhost-user-client",
	.open = vhost_open,
	.close = vhost_close,
	.set_mtu = vhost_set_mtu,
	.link_up = vhost_link_up,
	.fill_dp = vhost_fill_dp,
};
