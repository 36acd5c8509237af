/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Ports that are DPDK ethdevs: `dpdk` (any device by devargs: a PCI port, an
 * SR-IOV VF or a vdev such as net_pcap/net_tap/net_null) and `af_xdp` (a
 * kernel interface through DPDK's net_af_xdp driver, which uses libxdp and
 * libbpf to load the XDP program and bind the AF_XDP sockets).
 */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>

#include <rte_bus.h>
#include <rte_dev.h>
#include <rte_ethdev.h>

#include "eal.h"
#include "log.h"
#include "port.h"
#include "switch.h"
#include "xdp_check.h"

/*
 * DPDK 22.11's net_af_xdp does not close its AF_XDP sockets (nor give back
 * the mbufs their fill rings hold) when the port is closed: the umem
 * reference count never reaches zero. The socket stays bound to the
 * interface's queue, so the same interface could not be added again, and
 * the mbufs are lost to the pool. So an af_xdp port gets a pool of its own,
 * we note which AF_XDP sockets its open created, and after the driver's
 * close we close those that are still open (same inode) and free the pool.
 */
#ifndef AF_XDP
#define AF_XDP 44
#endif

/* AF_XDP socket fds open now: fds[] and their inodes; returns the count. */
static unsigned
xsk_fds(int *fds, unsigned long *inos, unsigned max)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	unsigned n = 0;

	if (d == NULL)
		return 0;
	while ((e = readdir(d)) != NULL && n < max) {
		int fd = atoi(e->d_name), dom = 0;
		socklen_t len = sizeof(dom);
		struct stat st;

		if (e->d_name[0] == '.' || fd == dirfd(d))
			continue;
		if (getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &dom, &len) != 0 || dom != AF_XDP ||
		    fstat(fd, &st) != 0)
			continue;
		fds[n] = fd;
		inos[n++] = st.st_ino;
	}
	closedir(d);
	return n;
}

static void
note_new_xsks(struct vs_port *p, const int *before, unsigned n_before)
{
	int now[64];
	unsigned long ino[64];
	unsigned n = xsk_fds(now, ino, RTE_DIM(now));

	p->n_xsk = 0;
	for (unsigned i = 0; i < n && p->n_xsk < VS_MAX_QUEUES; i++) {
		bool old = false;

		for (unsigned j = 0; j < n_before; j++)
			old |= before[j] == now[i];
		if (!old) {
			p->xsk_fd[p->n_xsk] = now[i];
			p->xsk_ino[p->n_xsk++] = ino[i];
		}
	}
}

static void
close_leaked_xsks(struct vs_port *p)
{
	for (unsigned i = 0; i < p->n_xsk; i++) {
		struct stat st;

		if (fstat(p->xsk_fd[i], &st) == 0 && st.st_ino == p->xsk_ino[i])
			close(p->xsk_fd[i]);
	}
	p->n_xsk = 0;
}

static int
find_ethdev(const char *devargs, uint16_t *id)
{
	struct rte_dev_iterator it;
	uint16_t pid;

	RTE_ETH_FOREACH_MATCHING_DEV(pid, devargs, &it) {
		*id = pid;
		rte_eth_iterator_cleanup(&it);
		return 0;
	}
	return -ENODEV;
}

static struct vs_port *
port_using_ethdev(struct vs_switch *sw, uint16_t id)
{
	for (unsigned s = 0; s < VS_MAX_PORTS; s++) {
		struct vs_port *o = sw->ports[s];

		if (o && o->opened && o->ethdev == id)
			return o;
	}
	return NULL;
}

static void
remove_device(struct rte_device *dev)
{
	if (dev != NULL && rte_dev_remove(dev) != 0)
		VS_WARN("cannot detach device %s", rte_dev_name(dev));
}

/* Probe (if needed), configure and start the ethdev named by devargs. */
static int
ethdev_open(struct vs_switch *sw, struct vs_port *p, const char *devargs, char *err,
	    size_t errlen)
{
	const struct vs_port_cfg *c = &p->cfg;
	struct rte_eth_conf conf;
	struct rte_eth_dev_info info;
	struct rte_device *probed = NULL;
	struct vs_pool *pool = NULL;
	uint16_t id, nb_rxd = c->rx_desc, nb_txd = c->tx_desc;
	unsigned n_desc, n_before = 0;
	int rc, node, before[64];
	unsigned long ino[64];

	if (p->own_pool)
		n_before = xsk_fds(before, ino, RTE_DIM(before));
	if (find_ethdev(devargs, &id) == 0) {
		struct vs_port *o = port_using_ethdev(sw, id);

		if (o != NULL) {
			snprintf(err, errlen, "port '%s': device '%s' is already used by port '%s'",
				 c->name, devargs, o->cfg.name);
			return -EBUSY;
		}
	} else {
		rc = rte_dev_probe(devargs);
		if (rc < 0 || find_ethdev(devargs, &id) != 0) {
			snprintf(err, errlen, "port '%s': cannot attach device '%s': %s%s", c->name,
				 devargs, rc < 0 ? rte_strerror(-rc) : "no ethdev appeared",
				 " (see the log above for the driver's reason)");
			return rc < 0 ? rc : -ENODEV;
		}
		rte_eth_dev_info_get(id, &info);
		probed = info.device;
	}

	rc = rte_eth_dev_info_get(id, &info);
	if (rc != 0) {
		snprintf(err, errlen, "port '%s': cannot query device: %s", c->name, rte_strerror(-rc));
		goto fail;
	}
	p->n_rxq = c->rxq;
	p->n_txq = c->txq ? c->txq : sw->n_pmds;
	if (p->n_rxq > info.max_rx_queues || p->n_txq > info.max_tx_queues) {
		snprintf(err, errlen,
			 "port '%s': device supports %u rx / %u tx queues, asked for %u / %u",
			 c->name, info.max_rx_queues, info.max_tx_queues, p->n_rxq, p->n_txq);
		rc = -EINVAL;
		goto fail;
	}
	if (p->n_txq < sw->n_pmds) {
		snprintf(err, errlen,
			 "port '%s': txq %u is fewer than the %u PMDs (each PMD needs its own tx queue)",
			 c->name, p->n_txq, sw->n_pmds);
		rc = -EINVAL;
		goto fail;
	}
	if ((uint32_t)c->mtu + RTE_ETHER_HDR_LEN + RTE_ETHER_CRC_LEN > info.max_rx_pktlen ||
	    c->mtu < info.min_mtu || c->mtu > info.max_mtu) {
		snprintf(err, errlen, "port '%s': mtu %u not supported by the device (%u..%u)",
			 c->name, c->mtu, info.min_mtu, info.max_mtu);
		rc = -EINVAL;
		goto fail;
	}

	node = rte_eth_dev_socket_id(id);
	p->node = node;
	rc = rte_eth_dev_adjust_nb_rx_tx_desc(id, &nb_rxd, &nb_txd);
	if (rc != 0) {
		snprintf(err, errlen, "port '%s': descriptor counts refused: %s", c->name,
			 rte_strerror(-rc));
		goto fail;
	}
	n_desc = p->n_rxq * nb_rxd + p->n_txq * nb_txd;
	pool = p->own_pool ? vs_switch_pool_own(sw, node, c->mtu, n_desc, err, errlen)
			   : vs_switch_pool_get(sw, node, c->mtu, n_desc, err, errlen);
	if (pool == NULL) {
		rc = -ENOMEM;
		goto fail;
	}

	memset(&conf, 0, sizeof(conf));
	conf.rxmode.mtu = c->mtu;
	rc = rte_eth_dev_configure(id, p->n_rxq, p->n_txq, &conf);
	if (rc != 0) {
		snprintf(err, errlen, "port '%s': configure failed: %s", c->name, rte_strerror(-rc));
		goto fail;
	}
	for (uint16_t q = 0; q < p->n_rxq; q++) {
		rc = rte_eth_rx_queue_setup(id, q, nb_rxd, node < 0 ? SOCKET_ID_ANY : node, NULL,
					    pool->mp);
		if (rc != 0) {
			/* net_pcap infinite_rx loads the whole file into the
			 * pool at setup: say which knob sizes it. */
			snprintf(err, errlen, "port '%s': rx queue %u setup failed: %s%s", c->name, q,
				 rte_strerror(-rc),
				 strstr(devargs, "infinite_rx") ?
				 " (infinite_rx keeps the whole pcap in mbufs: set dpdk.mbufs to at "
				 "least its packet count plus a few thousand)" : "");
			goto fail_close;
		}
	}
	for (uint16_t q = 0; q < p->n_txq; q++) {
		rc = rte_eth_tx_queue_setup(id, q, nb_txd, node < 0 ? SOCKET_ID_ANY : node, NULL);
		if (rc != 0) {
			snprintf(err, errlen, "port '%s': tx queue %u setup failed: %s", c->name, q,
				 rte_strerror(-rc));
			goto fail_close;
		}
	}
	rc = rte_eth_dev_start(id);
	if (rc != 0) {
		snprintf(err, errlen, "port '%s': start failed: %s", c->name, rte_strerror(-rc));
		goto fail_close;
	}
	/* A switch port receives every frame. Virtual devices may not know
	 * the request; that is fine. */
	rc = rte_eth_promiscuous_enable(id);
	if (rc != 0 && rc != -ENOTSUP)
		VS_WARN("port '%s': cannot enable promiscuous mode: %s", c->name, rte_strerror(-rc));

	p->ethdev = id;
	p->pool = pool->mp;
	p->opened = true;
	if (p->own_pool)
		note_new_xsks(p, before, n_before);
	snprintf(p->devname, sizeof(p->devname), "%s", rte_dev_name(info.device));
	p->rte_dev = probed;
	p->n_desc = n_desc;
	return 0;

fail_close:
	rte_eth_dev_close(id);
fail:
	remove_device(probed);
	if (p->own_pool)
		note_new_xsks(p, before, n_before);
	if (pool != NULL && p->own_pool) {
		close_leaked_xsks(p);
		vs_switch_pool_free(sw, pool->mp);
	} else if (pool != NULL) {
		vs_switch_pool_put(sw, pool->mp, n_desc);
	}
	return rc < 0 ? rc : -EINVAL;
}

static void
ethdev_close(struct vs_switch *sw, struct vs_port *p)
{
	if (!p->opened)
		return;
	rte_eth_dev_stop(p->ethdev);
	rte_eth_dev_close(p->ethdev);
	remove_device(p->rte_dev);
	if (p->own_pool) {
		close_leaked_xsks(p);
		vs_switch_pool_free(sw, p->pool);
	} else {
		vs_switch_pool_put(sw, p->pool, p->n_desc);
	}
	p->opened = false;
}

static int
dpdk_open(struct vs_switch *sw, struct vs_port *p, char *err, size_t errlen)
{
	if (vs_devargs_is_pci(p->cfg.devargs) && !sw->pci_enabled) {
		snprintf(err, errlen,
			 "port '%s': PCI device '%s' was not in the configuration at start-up, so "
			 "the PCI bus is not enabled (EAL probes only the PCI devices switch.yaml "
			 "names); add the port to the config file and restart vswitchd",
			 p->cfg.name, p->cfg.devargs);
		return -EPERM;
	}
	return ethdev_open(sw, p, p->cfg.devargs, err, errlen);
}

static int
af_xdp_open(struct vs_switch *sw, struct vs_port *p, char *err, size_t errlen)
{
	char devargs[VS_DEVARGS_MAX], why[256];
	int rc = vs_xdp_check_iface(p->cfg.iface, why, sizeof(why));

	if (rc != 0) {
		snprintf(err, errlen, "port '%s': %s", p->cfg.name, why);
		return rc;
	}
	/* One AF_XDP socket per queue, starting at the interface's queue 0. */
	snprintf(devargs, sizeof(devargs), "net_af_xdp_%s,iface=%s,start_queue=0,queue_count=%u",
		 p->cfg.name, p->cfg.iface, p->cfg.rxq);
	p->own_pool = true;
	return ethdev_open(sw, p, devargs, err, errlen);
}

static int
ethdev_set_mtu(struct vs_port *p, uint16_t mtu, char *err, size_t errlen)
{
	int rc;

	if ((unsigned)mtu + RTE_ETHER_HDR_LEN + 2 * RTE_VLAN_HLEN + RTE_ETHER_CRC_LEN >
	    (unsigned)rte_pktmbuf_data_room_size(p->pool) - RTE_PKTMBUF_HEADROOM) {
		snprintf(err, errlen,
			 "port '%s': mtu %u does not fit the port's %u-byte buffers; set it in "
			 "switch.yaml (or re-add the port) to get a pool with larger buffers",
			 p->cfg.name, mtu, rte_pktmbuf_data_room_size(p->pool) - RTE_PKTMBUF_HEADROOM);
		return -EINVAL;
	}
	rc = rte_eth_dev_set_mtu(p->ethdev, mtu);
	if (rc != 0) {
		snprintf(err, errlen, "port '%s': cannot set mtu %u: %s", p->cfg.name, mtu,
			 rte_strerror(-rc));
		return rc;
	}
	return 0;
}

static bool
ethdev_link_up(const struct vs_port *p)
{
	struct rte_eth_link link;

	if (!p->opened || rte_eth_link_get_nowait(p->ethdev, &link) != 0)
		return false;
	return link.link_status == RTE_ETH_LINK_UP;
}

static void
ethdev_fill_dp(const struct vs_port *p, struct vs_dp_port *dp)
{
	dp->kind = VS_DP_ETHDEV;
	dp->ethdev = p->ethdev;
	dp->n_txq = p->n_txq;
	/* MTU plus Ethernet header and one 802.1Q tag (FCS not counted). */
	dp->max_frame = p->cfg.mtu + RTE_ETHER_HDR_LEN + RTE_VLAN_HLEN;
}

const struct vs_port_ops vs_port_dpdk_ops = {
	.type = "dpdk",
	.open = dpdk_open,
	.close = ethdev_close,
	.set_mtu = ethdev_set_mtu,
	.link_up = ethdev_link_up,
	.fill_dp = ethdev_fill_dp,
};

const struct vs_port_ops vs_port_af_xdp_ops = {
	.type = "af_xdp",
	.open = af_xdp_open,
	.close = ethdev_close,
	.set_mtu = ethdev_set_mtu,
	.link_up = ethdev_link_up,
	.fill_dp = ethdev_fill_dp,
};
