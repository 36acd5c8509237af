/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The validated configuration model of vswitch.
 *
 * config/ turns a switch.yaml file (or a vsctl add-port key=value list) into
 * these plain structs, or into one error message naming file:line:column, the
 * key and what was expected. Nothing here touches DPDK, hugepages or
 * interfaces: a config that fails validation changes nothing.
 *
 * Owned by the control thread; never read by PMDs.
 */
#ifndef VS_CONFIG_H
#define VS_CONFIG_H

#include <limits.h>
#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define VS_NAME_MAX 32          /* bridge and port names, including the NUL */
#define VS_DEVARGS_MAX 512      /* DPDK devargs string, including the NUL */
#define VS_MAX_BRIDGES 64
#define VS_MAX_PORTS 256        /* ports of all bridges together */
#define VS_MAX_CORES 256        /* highest CPU number + 1 that pmd.cores accepts */
#define VS_MAX_QUEUES 16        /* rxq / txq per port */
#define VS_MAX_EXTRA_ARGS 32
#define VS_VLAN_ID_MAX 4094     /* 802.1Q VIDs 1..4094 are usable */

#define VS_DEFAULT_SOCKET "/run/vswitch/vswitchd.sock"
#define VS_DEFAULT_HUGEPAGE_DIR "/dev/hugepages"
#define VS_DEFAULT_MAC_AGING_S 300
#define VS_DEFAULT_MAC_TABLE_SIZE (256 * 1024)
#define VS_DEFAULT_MTU 1500
#define VS_DEFAULT_RX_DESC 1024
#define VS_DEFAULT_TX_DESC 1024

/* Where a value came from, for error messages. */
struct vs_mark {
	char file[PATH_MAX];    /* config file name as given, or "<vsctl>" */
	unsigned line;          /* 1-based; 0 when unknown */
	unsigned column;        /* 1-based; 0 when unknown */
};

enum vs_port_type {
	VS_PORT_DPDK,           /* any ethdev by devargs: PCI port, VF or vdev */
	VS_PORT_AF_XDP,         /* a kernel interface through AF_XDP */
	VS_PORT_PATCH,          /* one end of an in-switch link to another bridge */
	VS_PORT_VHOST_USER,     /* vhost-user, the switch listens (QEMU is the client) */
	VS_PORT_VHOST_USER_CLIENT, /* vhost-user, the switch connects (QEMU server=on) */
	VS_PORT_TYPE_COUNT,
};

enum vs_vlan_mode {
	VS_VLAN_TRUNK,          /* tagged frames of allowed VLANs (default: all) */
	VS_VLAN_ACCESS,         /* untagged frames only, belonging to `tag` */
};

/*
 * VLAN membership of a port, following ovs-vsctl's tag/trunks/vlan_mode.
 * Internally VLAN 0 means "untagged, no VLAN".
 * - access: untagged ingress belongs to `tag`; tagged ingress (VID != 0) is
 *   dropped; egress is untagged.
 * - trunk: tagged ingress must carry an allowed VID; untagged ingress belongs
 *   to `native` (0 when unset). Egress in VLAN `native` (or 0) is untagged,
 *   any other allowed VLAN is tagged.
 */
struct vs_vlan_cfg {
	enum vs_vlan_mode mode;
	uint16_t tag;           /* access: 1..4094 (required) */
	uint16_t native;        /* trunk: 0 (none) or 1..4094 */
	bool all_vlans;         /* trunk: true when no trunks list was given */
	uint64_t trunks[64];    /* trunk: bitmap of allowed VIDs, bit v = VID v */
	bool mode_set;          /* vlan_mode given explicitly: tag/trunks/native no longer pick the mode */
};

static inline bool
vs_vlan_trunk_allows(const struct vs_vlan_cfg *v, uint16_t vid)
{
	return v->all_vlans || (v->trunks[vid >> 6] >> (vid & 63)) & 1;
}

struct vs_port_cfg {
	char name[VS_NAME_MAX];
	enum vs_port_type type;
	char devargs[VS_DEVARGS_MAX];   /* dpdk: e.g. "0000:3b:00.0", "net_pcap0,rx_pcap=a.pcap" */
	char iface[IF_NAMESIZE];        /* af_xdp: kernel interface name */
	char peer[VS_NAME_MAX];         /* patch: name of the peer patch port */
	char path[108];                 /* vhost-user*: socket path (sun_path size) */
	uint16_t queues;                /* vhost-user*: queue pairs polled, 1..VS_MAX_QUEUES (1) */
	int16_t numa;                   /* vhost-user*: -1 = auto (follow the guest's memory) */
	uint16_t socket_mode;           /* vhost-user: socket permission bits (default 0660) */
	uint16_t rxq;                   /* rx queues, 1..VS_MAX_QUEUES (default 1) */
	uint16_t txq;                   /* tx queues, 0 = one per PMD (default) */
	uint16_t mtu;                   /* 68..9702, default VS_DEFAULT_MTU */
	uint16_t rx_desc;               /* descriptors per rx queue (default 1024) */
	uint16_t tx_desc;               /* descriptors per tx queue (default 1024) */
	struct vs_vlan_cfg vlan;
	struct vs_mark mark;            /* where the port was defined */
};

struct vs_bridge_cfg {
	char name[VS_NAME_MAX];
	uint32_t mac_aging_s;           /* 1..1000000, default 300 */
	uint32_t mac_table_size;        /* entries, 1024..16M, default 256k */
	struct vs_port_cfg *ports;      /* array of n_ports */
	unsigned n_ports;
	char **flows;                   /* flow rules (docs/flows.md), checked at load */
	unsigned n_flows;
	struct vs_mark mark;
};

struct vs_config {
	struct {
		unsigned memory_mb;             /* 0 = auto (sized from the ports) */
		char hugepage_dir[PATH_MAX];
		char *extra_args[VS_MAX_EXTRA_ARGS]; /* appended to the EAL arguments */
		unsigned n_extra_args;
		unsigned mbufs;                 /* 0 = auto; else mbufs per NUMA node pool */
	} dpdk;
	struct {
		bool auto_cores;                /* pmd.cores: auto */
		unsigned cores[VS_MAX_CORES];   /* explicit list, in the given order */
		unsigned n_cores;
		int control_core;               /* -1 = auto (first CPU of the affinity mask) */
	} pmd;
	struct {
		char socket[108];               /* Unix socket path (sun_path size) */
		unsigned socket_mode;           /* permission bits, default 0660 */
	} control;
	struct vs_bridge_cfg *bridges;          /* array of n_bridges */
	unsigned n_bridges;
	char path[PATH_MAX];                    /* the file this came from */
};

/*
 * Load and validate a YAML configuration.
 * Returns 0 and *out on success (free with vs_config_free()), or -EINVAL
 * (-errno for I/O errors) with a one-line message in err such as
 *   "demo.yaml:12:5: bridges[0].ports[1] 'vm1': unknown type 'vhost-usr'
 *    (expected one of: dpdk, af_xdp, patch)".
 * Checks everything that can be checked without DPDK: unknown keys, types,
 * ranges, duplicate bridge/port names (port names are global, as in OVS),
 * patch peers (must exist, be a patch port whose peer points back, and sit
 * in another bridge), VLAN ranges, and that every pmd.cores entry is an
 * online CPU (see vs_config_set_online_cpus()).
 */
int vs_config_load_file(const char *path, struct vs_config **out, char *err, size_t errlen);

/* The same from a buffer; `name` stands for the file name in messages. */
int vs_config_load_string(const char *name, const char *yaml, size_t len,
			  struct vs_config **out, char *err, size_t errlen);

void vs_config_free(struct vs_config *cfg);

/*
 * Set one port option from a key and a string value, the way
 * `vsctl add-port BR PORT type=T key=value ...` and `set-port` give them.
 * Keys: type, devargs, iface, peer, path, queues, numa, socket_mode, rxq, txq,
 * mtu, rx_desc, tx_desc,
 * tag (access VLAN; also sets vlan_mode=access unless given), trunks
 * (comma list of VIDs and ranges "10,20-30"; sets vlan_mode=trunk),
 * native (trunk native VLAN), vlan_mode (access|trunk).
 * Returns 0 or -EINVAL with "key: why" in err. The YAML loader uses the same
 * checks for the same keys, so both paths accept exactly the same values.
 */
int vs_port_cfg_set(struct vs_port_cfg *port, const char *key, const char *value,
		    char *err, size_t errlen);

/* Fill a port with defaults (rxq 1, mtu 1500, trunk all VLANs, ...). */
void vs_port_cfg_init(struct vs_port_cfg *port, const char *name);

/* Fill a bridge with defaults (aging 300 s, 256k MAC entries, no ports). */
void vs_bridge_cfg_init(struct vs_bridge_cfg *br, const char *name);

/*
 * Check a complete port (type-specific required keys present, VLAN
 * consistent). Called after all vs_port_cfg_set() calls.
 */
int vs_port_cfg_check(const struct vs_port_cfg *port, char *err, size_t errlen);

/* Names of enum values, for messages and `vsctl show`. */
const char *vs_port_type_name(enum vs_port_type t);
const char *vs_vlan_mode_name(enum vs_vlan_mode m);

/*
 * Which CPUs pmd.cores may name. By default the loader reads
 * /sys/devices/system/cpu/online; tests pass their own list (NULL restores
 * the default).
 */
void vs_config_set_online_cpus(const bool *online, unsigned n);

#endif /* VS_CONFIG_H */
