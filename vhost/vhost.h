/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The vhost-user port backend, control side, on DPDK's rte_vhost library.
 *
 * Two port types share it: `vhost-user` (vswitchd creates the socket and
 * listens; QEMU connects as client, and reconnects after a restart of
 * vswitchd) and `vhost-user-client` (QEMU listens with server=on;
 * vswitchd connects, and retries every second for ever: rte_vhost's
 * reconnect thread). One guest per port: a second guest on a server
 * socket is refused.
 *
 * rte_vhost runs its callbacks (new_device, destroy_device,
 * vring_state_changed) on its own event thread. They only update the
 * port's struct vs_vhost_dp (the datapath's view: vid, enabled queues)
 * and, when a guest goes away, wait for an RCU grace period so that no PMD
 * is still inside a burst on it. Everything else (logging of the change,
 * moving rx queues to the guest memory's NUMA node) is handed to the
 * control thread through an eventfd and vs_vhost_handle_events().
 */
#ifndef VS_VHOST_H
#define VS_VHOST_H

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

struct vs_switch;
struct vs_port;

/* Set up the backend (before any vhost port is opened). 0 or -errno. */
int vs_vhost_init(struct vs_switch *sw);

/* The eventfd that becomes readable when guests come, go or change. */
int vs_vhost_event_fd(void);

/* Control thread: apply pending guest changes (NUMA moves), log them. */
void vs_vhost_handle_events(struct vs_switch *sw);

/* For show: {"mode","state","vid","features","numa","queues","queues_enabled","connects"}. */
json_t *vs_vhost_port_json(const struct vs_port *p);

/* For port-stats: per-queue counters summed over PMDs. */
json_t *vs_vhost_queue_stats_json(const struct vs_switch *sw, const struct vs_port *p);

/*
 * Where a vhost port's rx queues should be polled: the guest memory's node
 * when it is known and a PMD runs there (numa: auto), the configured node
 * when numa is set and a PMD runs there; else -1 (leave them where they are).
 * Pure; unit-tested.
 */
int vs_vhost_rxq_node(int cfg_numa, int guest_node, const int *pmd_node, unsigned n_pmds);

#endif /* VS_VHOST_H */
