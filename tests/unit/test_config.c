/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests of config/: YAML loading, every error message (exact text and
 * position), vs_port_cfg_set()/vs_port_cfg_check() as vsctl uses them.
 * Online CPUs are faked as 0-1 unless a test says otherwise.
 */

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "config.h"

#define ERR_LEN 512

/* The start of a file with one bridge br0 and a port p1 at 4:9, for the error table. */
#define PORT_P1 \
	"bridges:\n" \
	"  - name: br0\n" \
	"    ports:\n" \
	"      - name: p1\n"

/* The same with p1 a complete patch port (its peer is checked last), lines 5-6. */
#define PATCH_P1 PORT_P1 "        type: patch\n        peer: p2\n"

/* 103 bytes of socket path, to build the long ones below. */
#define PATH_103 "/run/vswitch/" \
	"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa" "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
/* 108 bytes: one more than a socket path may have (sun_path holds 107 and the NUL). */
#define PATH_108 PATH_103 ".sock"
/* 107 bytes: the longest socket path. */
#define PATH_107 PATH_103 ".soc"

/* config/examples/full.yaml, kept identical (test_full_example_file checks it). */
static const char full_yaml[] =
	"# vswitch: every key of switch.yaml, with its default or an example value.\n"
	"# See docs/config.md for types, ranges and how 'auto' is resolved.\n"
	"\n"
	"dpdk:\n"
	"  memory_mb: auto               # or 64..1048576 MiB of hugepages\n"
	"  hugepage_dir: /dev/hugepages\n"
	"  extra_args: [--log-level=pmd.net.af_xdp:info]\n"
	"  mbufs: auto                   # or >= 4096 mbufs per NUMA node pool\n"
	"\n"
	"pmd:\n"
	"  cores: [1]                    # or auto\n"
	"  control_core: 0               # or auto\n"
	"\n"
	"control:\n"
	"  socket: /run/vswitch/vswitchd.sock\n"
	"  socket_mode: \"0660\"\n"
	"\n"
	"bridges:\n"
	"  - name: br0\n"
	"    mac_aging_s: 300\n"
	"    mac_table_size: 262144\n"
	"    ports:\n"
	"      - name: uplink            # a NIC, trunking two VLANs\n"
	"        type: dpdk\n"
	"        devargs: \"0000:3b:00.0\"\n"
	"        rxq: 2\n"
	"        txq: 0                  # one per PMD\n"
	"        mtu: 9000\n"
	"        rx_desc: 2048\n"
	"        tx_desc: 2048\n"
	"        vlan:\n"
	"          mode: trunk\n"
	"          trunks: [10, 20, \"100-200\"]\n"
	"          native: 10\n"
	"      - name: ns1               # a veth into a namespace, untagged in VLAN 10\n"
	"        type: af_xdp\n"
	"        iface: veth-ns1\n"
	"        vlan:\n"
	"          tag: 10\n"
	"      - name: to-br1\n"
	"        type: patch\n"
	"        peer: to-br0\n"
	"  - name: br1\n"
	"    ports:\n"
	"      - name: to-br0\n"
	"        type: patch\n"
	"        peer: to-br1\n"
	"      - name: pcap0             # a DPDK virtual device\n"
	"        type: dpdk\n"
	"        devargs: \"net_pcap0,rx_pcap=/tmp/in.pcap,tx_pcap=/tmp/out.pcap\"\n"
	"      - name: vm1               # a VM: vswitchd listens, QEMU connects\n"
	"        type: vhost-user\n"
	"        path: /run/vswitch/vm1.sock\n"
	"        queues: 2               # >= the guest's queue pairs\n"
	"        numa: auto              # or the NUMA node 0..7\n"
	"        socket_mode: \"0660\"\n"
	"        mtu: 9000\n"
	"        vlan:\n"
	"          tag: 20\n"
	"      - name: vm2               # QEMU listens (server=on), vswitchd connects\n"
	"        type: vhost-user-client\n"
	"        path: /run/qemu/vm2.sock\n"
	"        numa: 0\n";

static int
setup_cpus(void **state)
{
	static const bool online[2] = { true, true };

	(void)state;
	vs_config_set_online_cpus(online, 2);
	return 0;
}

static int
restore_cpus(void **state)
{
	(void)state;
	vs_config_set_online_cpus(NULL, 0);
	return 0;
}

/* Load yaml as "x.yaml"; fails the test with the message if it does not load. */
static struct vs_config *
load_ok(const char *yaml)
{
	struct vs_config *cfg = NULL;
	char err[ERR_LEN] = "";
	int rc;

	rc = vs_config_load_string("x.yaml", yaml, strlen(yaml), &cfg, err, sizeof(err));
	if (rc != 0)
		print_error("unexpected error: %s\n", err);
	assert_int_equal(rc, 0);
	assert_non_null(cfg);
	return cfg;
}

static const struct vs_port_cfg *
find_port(const struct vs_config *cfg, const char *name)
{
	unsigned b, p;

	for (b = 0; b < cfg->n_bridges; b++)
		for (p = 0; p < cfg->bridges[b].n_ports; p++)
			if (strcmp(cfg->bridges[b].ports[p].name, name) == 0)
				return &cfg->bridges[b].ports[p];
	fail_msg("no port %s", name);
	return NULL;
}

/* ---- good configurations ---- */

static void
test_empty_mapping(void **state)
{
	struct vs_config *cfg;

	(void)state;
	cfg = load_ok("{}\n");
	assert_int_equal(cfg->n_bridges, 0);
	assert_null(cfg->bridges);
	assert_string_equal(cfg->path, "x.yaml");
	assert_int_equal(cfg->dpdk.memory_mb, 0);
	assert_string_equal(cfg->dpdk.hugepage_dir, VS_DEFAULT_HUGEPAGE_DIR);
	assert_int_equal(cfg->dpdk.n_extra_args, 0);
	assert_int_equal(cfg->dpdk.mbufs, 0);
	assert_true(cfg->pmd.auto_cores);
	assert_int_equal(cfg->pmd.n_cores, 0);
	assert_int_equal(cfg->pmd.control_core, -1);
	assert_string_equal(cfg->control.socket, VS_DEFAULT_SOCKET);
	assert_int_equal(cfg->control.socket_mode, 0660);
	vs_config_free(cfg);
}

/* Null sections ("dpdk:" with everything commented out) are empty, not errors. */
static void
test_null_sections(void **state)
{
	struct vs_config *cfg;

	(void)state;
	cfg = load_ok("dpdk:\npmd: ~\ncontrol: null\nbridges:\n");
	assert_int_equal(cfg->n_bridges, 0);
	assert_true(cfg->pmd.auto_cores);
	vs_config_free(cfg);

	cfg = load_ok("bridges:\n  - name: br0\n    ports:\n  - name: br1\n    ports: []\n");
	assert_int_equal(cfg->n_bridges, 2);
	assert_int_equal(cfg->bridges[0].n_ports, 0);
	assert_int_equal(cfg->bridges[1].n_ports, 0);
	vs_config_free(cfg);
}

static void
test_full_example(void **state)
{
	const struct vs_port_cfg *p;
	struct vs_config *cfg;

	(void)state;
	cfg = load_ok(full_yaml);
	assert_int_equal(cfg->dpdk.memory_mb, 0);
	assert_string_equal(cfg->dpdk.hugepage_dir, "/dev/hugepages");
	assert_int_equal(cfg->dpdk.n_extra_args, 1);
	assert_string_equal(cfg->dpdk.extra_args[0], "--log-level=pmd.net.af_xdp:info");
	assert_int_equal(cfg->dpdk.mbufs, 0);
	assert_false(cfg->pmd.auto_cores);
	assert_int_equal(cfg->pmd.n_cores, 1);
	assert_int_equal(cfg->pmd.cores[0], 1);
	assert_int_equal(cfg->pmd.control_core, 0);
	assert_string_equal(cfg->control.socket, "/run/vswitch/vswitchd.sock");
	assert_int_equal(cfg->control.socket_mode, 0660);

	assert_int_equal(cfg->n_bridges, 2);
	assert_string_equal(cfg->bridges[0].name, "br0");
	assert_int_equal(cfg->bridges[0].mac_aging_s, 300);
	assert_int_equal(cfg->bridges[0].mac_table_size, 262144);
	assert_int_equal(cfg->bridges[0].n_ports, 3);
	assert_string_equal(cfg->bridges[0].mark.file, "x.yaml");
	assert_int_equal(cfg->bridges[0].mark.line, 19);
	assert_int_equal(cfg->bridges[0].mark.column, 5);
	assert_string_equal(cfg->bridges[1].name, "br1");
	assert_int_equal(cfg->bridges[1].n_ports, 4);

	p = &cfg->bridges[0].ports[0];
	assert_string_equal(p->name, "uplink");
	assert_int_equal(p->type, VS_PORT_DPDK);
	assert_string_equal(p->devargs, "0000:3b:00.0");
	assert_int_equal(p->rxq, 2);
	assert_int_equal(p->txq, 0);
	assert_int_equal(p->mtu, 9000);
	assert_int_equal(p->rx_desc, 2048);
	assert_int_equal(p->tx_desc, 2048);
	assert_int_equal(p->vlan.mode, VS_VLAN_TRUNK);
	assert_int_equal(p->vlan.native, 10);
	assert_false(p->vlan.all_vlans);
	assert_int_equal(p->mark.line, 23);
	assert_int_equal(p->mark.column, 9);

	p = find_port(cfg, "ns1");
	assert_int_equal(p->type, VS_PORT_AF_XDP);
	assert_string_equal(p->iface, "veth-ns1");
	assert_int_equal(p->vlan.mode, VS_VLAN_ACCESS);
	assert_int_equal(p->vlan.tag, 10);

	p = find_port(cfg, "pcap0");
	assert_string_equal(p->devargs, "net_pcap0,rx_pcap=/tmp/in.pcap,tx_pcap=/tmp/out.pcap");

	p = find_port(cfg, "vm1");
	assert_int_equal(p->type, VS_PORT_VHOST_USER);
	assert_string_equal(p->path, "/run/vswitch/vm1.sock");
	assert_int_equal(p->queues, 2);
	assert_int_equal(p->numa, -1);
	assert_int_equal(p->socket_mode, 0660);
	assert_int_equal(p->mtu, 9000);
	assert_int_equal(p->vlan.mode, VS_VLAN_ACCESS);
	assert_int_equal(p->vlan.tag, 20);

	p = find_port(cfg, "vm2");
	assert_int_equal(p->type, VS_PORT_VHOST_USER_CLIENT);
	assert_string_equal(p->path, "/run/qemu/vm2.sock");
	assert_int_equal(p->queues, 1);
	assert_int_equal(p->numa, 0);
	vs_config_free(cfg);
}

/*
 * Where config/examples/full.yaml is: next to this source file. __FILE__ is
 * relative to the build root when meson compiles, and the test may run from
 * another directory, so also try from the build root (two levels above
 * <build>/tests/test_config).
 */
static FILE *
open_full_example(char *path, size_t len)
{
	char exe[4096], src[4096], *slash;
	ssize_t n;
	FILE *f;

	snprintf(src, sizeof(src), "%s", __FILE__);
	slash = strrchr(src, '/');
	if (slash == NULL)
		return NULL;
	*slash = '\0';
	snprintf(path, len, "%s/../../config/examples/full.yaml", src);
	f = fopen(path, "r");
	if (f != NULL || src[0] == '/')
		return f;
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n <= 0)
		return NULL;
	exe[n] = '\0';
	for (int up = 0; up < 2; up++) {
		slash = strrchr(exe, '/');
		if (slash == NULL)
			return NULL;
		*slash = '\0';
	}
	snprintf(path, len, "%s/%s/../../config/examples/full.yaml", exe, src);
	return fopen(path, "r");
}

/* The file in the tree loads and is the text above; skipped when the source is not reachable. */
static void
test_full_example_file(void **state)
{
	char path[8192], err[ERR_LEN], buf[8192];
	struct vs_config *cfg = NULL;
	size_t n;
	FILE *f;

	(void)state;
	f = open_full_example(path, sizeof(path));
	if (f == NULL)
		skip();
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	assert_string_equal(buf, full_yaml);
	assert_int_equal(vs_config_load_file(path, &cfg, err, sizeof(err)), 0);
	assert_string_equal(cfg->path, path);
	assert_string_equal(cfg->bridges[0].ports[0].mark.file, path);
	vs_config_free(cfg);
}

static void
test_port_defaults(void **state)
{
	const struct vs_port_cfg *p;
	struct vs_config *cfg;
	unsigned v;

	(void)state;
	cfg = load_ok(PORT_P1 "        type: af_xdp\n        iface: veth1\n");
	assert_int_equal(cfg->bridges[0].mac_aging_s, VS_DEFAULT_MAC_AGING_S);
	assert_int_equal(cfg->bridges[0].mac_table_size, VS_DEFAULT_MAC_TABLE_SIZE);
	p = &cfg->bridges[0].ports[0];
	assert_string_equal(p->name, "p1");
	assert_string_equal(p->iface, "veth1");
	assert_string_equal(p->devargs, "");
	assert_string_equal(p->peer, "");
	assert_string_equal(p->path, "");
	assert_int_equal(p->queues, 1);
	assert_int_equal(p->numa, -1);
	assert_int_equal(p->socket_mode, 0660);
	assert_int_equal(p->rxq, 1);
	assert_int_equal(p->txq, 0);
	assert_int_equal(p->mtu, VS_DEFAULT_MTU);
	assert_int_equal(p->rx_desc, VS_DEFAULT_RX_DESC);
	assert_int_equal(p->tx_desc, VS_DEFAULT_TX_DESC);
	/* No vlan: a trunk of every VLAN, untagged frames in VLAN 0. */
	assert_int_equal(p->vlan.mode, VS_VLAN_TRUNK);
	assert_true(p->vlan.all_vlans);
	assert_int_equal(p->vlan.tag, 0);
	assert_int_equal(p->vlan.native, 0);
	for (v = 0; v <= 4095; v++)
		assert_true(vs_vlan_trunk_allows(&p->vlan, (uint16_t)v));
	assert_int_equal(p->mark.line, 4);
	assert_int_equal(p->mark.column, 9);
	vs_config_free(cfg);
}

static void
check_trunks(const struct vs_vlan_cfg *vl, const uint16_t *in, size_t n_in,
	     const uint16_t *out, size_t n_out)
{
	size_t i;

	assert_false(vl->all_vlans);
	for (i = 0; i < n_in; i++)
		if (!vs_vlan_trunk_allows(vl, in[i]))
			fail_msg("VLAN %u should be allowed", in[i]);
	for (i = 0; i < n_out; i++)
		if (vs_vlan_trunk_allows(vl, out[i]))
			fail_msg("VLAN %u should not be allowed", out[i]);
}

static void
test_trunks_bitmap(void **state)
{
	static const uint16_t in[] = { 10, 20, 100, 101, 163, 164, 199, 200 };
	static const uint16_t out[] = { 0, 1, 9, 11, 19, 21, 99, 201, 4094, 4095 };
	struct vs_config *cfg;
	unsigned v, count = 0;

	(void)state;
	cfg = load_ok(PORT_P1 "        type: patch\n        peer: p2\n"
		      "        vlan: {trunks: [10, 20, \"100-200\"]}\n"
		      "  - name: br1\n    ports:\n"
		      "      - {name: p2, type: patch, peer: p1, vlan: {trunks: \" 1 , 4094 \"}}\n");
	check_trunks(&cfg->bridges[0].ports[0].vlan, in, 8, out, 10);
	for (v = 0; v < 4096; v++)
		count += vs_vlan_trunk_allows(&cfg->bridges[0].ports[0].vlan, (uint16_t)v);
	assert_int_equal(count, 2 + 101);
	assert_int_equal(cfg->bridges[0].ports[0].vlan.mode, VS_VLAN_TRUNK);
	assert_int_equal(cfg->bridges[0].ports[0].vlan.native, 0);

	/* A scalar is the vsctl comma list. */
	count = 0;
	for (v = 0; v < 4096; v++)
		count += vs_vlan_trunk_allows(&cfg->bridges[1].ports[0].vlan, (uint16_t)v);
	assert_int_equal(count, 2);
	assert_true(vs_vlan_trunk_allows(&cfg->bridges[1].ports[0].vlan, 1));
	assert_true(vs_vlan_trunk_allows(&cfg->bridges[1].ports[0].vlan, 4094));
	vs_config_free(cfg);
}

static void
test_patch_pairs(void **state)
{
	struct vs_config *cfg;

	(void)state;
	cfg = load_ok("bridges:\n"
		      "  - name: a\n    ports:\n"
		      "      - {name: a-b, type: patch, peer: b-a}\n"
		      "      - {name: a-c, type: patch, peer: c-a}\n"
		      "  - name: b\n    ports:\n"
		      "      - {name: b-a, type: patch, peer: a-b}\n"
		      "  - name: c\n    ports:\n"
		      "      - {name: c-a, type: patch, peer: a-c, vlan: {tag: 5}}\n");
	assert_int_equal(cfg->n_bridges, 3);
	assert_string_equal(find_port(cfg, "a-b")->peer, "b-a");
	assert_string_equal(find_port(cfg, "b-a")->peer, "a-b");
	assert_string_equal(find_port(cfg, "a-c")->peer, "c-a");
	assert_int_equal(find_port(cfg, "c-a")->type, VS_PORT_PATCH);
	assert_int_equal(find_port(cfg, "c-a")->vlan.tag, 5);
	vs_config_free(cfg);
}

static void
test_vlan_modes(void **state)
{
	const struct vs_port_cfg *p;
	struct vs_config *cfg;

	(void)state;
	cfg = load_ok("bridges:\n  - name: br0\n    ports:\n"
		      "      - {name: a, type: patch, peer: b, vlan: {mode: access, tag: 4094}}\n"
		      "      - {name: c, type: patch, peer: d, vlan: {native: 7, mode: trunk}}\n"
		      "      - {name: e, type: patch, peer: f, vlan: {mode: trunk, trunks: [7, 8], native: 8}}\n"
		      "      - {name: g, type: patch, peer: h, vlan: {tag: 1}}\n"
		      "  - name: br1\n    ports:\n"
		      "      - {name: b, type: patch, peer: a}\n"
		      "      - {name: d, type: patch, peer: c, vlan: {}}\n"
		      "      - {name: f, type: patch, peer: e, vlan: ~}\n"
		      "      - {name: h, type: patch, peer: g, vlan: {mode: trunk}}\n");
	p = find_port(cfg, "a");
	assert_int_equal(p->vlan.mode, VS_VLAN_ACCESS);
	assert_int_equal(p->vlan.tag, 4094);
	p = find_port(cfg, "c");
	assert_int_equal(p->vlan.mode, VS_VLAN_TRUNK);
	assert_int_equal(p->vlan.native, 7);
	assert_true(p->vlan.all_vlans);
	p = find_port(cfg, "e");
	assert_int_equal(p->vlan.native, 8);
	assert_false(p->vlan.all_vlans);
	p = find_port(cfg, "g");
	assert_int_equal(p->vlan.mode, VS_VLAN_ACCESS);
	assert_int_equal(p->vlan.tag, 1);
	p = find_port(cfg, "d");
	assert_int_equal(p->vlan.mode, VS_VLAN_TRUNK);
	assert_true(p->vlan.all_vlans);
	p = find_port(cfg, "h");
	assert_int_equal(p->vlan.mode, VS_VLAN_TRUNK);
	assert_true(p->vlan.all_vlans);
	vs_config_free(cfg);
}

/* Both vhost types with every key they take, in several bridges. */
static void
test_vhost_ports(void **state)
{
	const struct vs_port_cfg *p;
	struct vs_config *cfg;

	(void)state;
	cfg = load_ok("bridges:\n"
		      "  - name: br0\n    ports:\n"
		      "      - {name: vm1, type: vhost-user, path: /run/vm1.sock}\n"
		      "      - name: vm2\n"
		      "        type: vhost-user\n"
		      "        path: \"/run/vm 2.sock\"\n"
		      "        queues: 16\n"
		      "        numa: 1\n"
		      "        socket_mode: 0600\n"
		      "        mtu: 9702\n"
		      "        vlan: {trunks: [10, 20], native: 10}\n"
		      "  - name: br1\n    ports:\n"
		      "      - {name: vm3, type: vhost-user-client, path: /run/vm3.sock, queues: 4,\n"
		      "         numa: auto, mtu: 68, vlan: {tag: 30}}\n"
		      "      - {name: vm4, type: vhost-user, path: " PATH_107 ", socket_mode: 0o777}\n"
		      "      - {name: vm5, type: vhost-user, path: /run/vm5.sock, socket_mode: \"0\"}\n");
	p = find_port(cfg, "vm1");
	assert_int_equal(p->type, VS_PORT_VHOST_USER);
	assert_string_equal(p->path, "/run/vm1.sock");
	assert_int_equal(p->queues, 1);
	assert_int_equal(p->numa, -1);
	assert_int_equal(p->socket_mode, 0660);
	assert_int_equal(p->mtu, VS_DEFAULT_MTU);
	assert_string_equal(p->devargs, "");
	assert_string_equal(p->iface, "");
	assert_int_equal(p->vlan.mode, VS_VLAN_TRUNK);
	assert_true(p->vlan.all_vlans);
	p = find_port(cfg, "vm2");
	assert_string_equal(p->path, "/run/vm 2.sock");
	assert_int_equal(p->queues, 16);
	assert_int_equal(p->numa, 1);
	assert_int_equal(p->socket_mode, 0600);
	assert_int_equal(p->mtu, 9702);
	assert_int_equal(p->vlan.native, 10);
	assert_false(p->vlan.all_vlans);
	p = find_port(cfg, "vm3");
	assert_int_equal(p->type, VS_PORT_VHOST_USER_CLIENT);
	assert_string_equal(p->path, "/run/vm3.sock");
	assert_int_equal(p->queues, 4);
	assert_int_equal(p->numa, -1);
	assert_int_equal(p->socket_mode, 0660);
	assert_int_equal(p->mtu, 68);
	assert_int_equal(p->vlan.mode, VS_VLAN_ACCESS);
	assert_int_equal(p->vlan.tag, 30);
	p = find_port(cfg, "vm4");
	assert_int_equal(strlen(p->path), 107);
	assert_string_equal(p->path, PATH_107);
	assert_int_equal(p->socket_mode, 0777);
	assert_int_equal(find_port(cfg, "vm5")->socket_mode, 0);
	vs_config_free(cfg);
}

static void
test_scalars(void **state)
{
	static const struct {
		const char *yaml;
		unsigned mode;
	} modes[] = {
		{ "control: {socket_mode: 0660}\n", 0660 },
		{ "control: {socket_mode: \"0600\"}\n", 0600 },
		{ "control: {socket_mode: 660}\n", 0660 },
		{ "control: {socket_mode: 0o640}\n", 0640 },
		{ "control: {socket_mode: 0}\n", 0 },
		{ "control: {socket_mode: '0777'}\n", 0777 },
	};
	struct vs_config *cfg;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
		cfg = load_ok(modes[i].yaml);
		assert_int_equal(cfg->control.socket_mode, modes[i].mode);
		vs_config_free(cfg);
	}

	cfg = load_ok("dpdk:\n  memory_mb: 1048576\n  mbufs: \"4096\"\n  hugepage_dir: /mnt/huge\n"
		      "  extra_args: [--no-pci, \"-a\", '0000:00:01.0']\n"
		      "pmd:\n  cores: [1]\n  control_core: auto\n"
		      "control:\n  socket: /tmp/s.sock\n"
		      "bridges:\n  - name: A.b_c-9\n    mac_aging_s: 1000000\n    mac_table_size: 001024\n");
	assert_int_equal(cfg->dpdk.memory_mb, 1048576);
	assert_int_equal(cfg->dpdk.mbufs, 4096);
	assert_string_equal(cfg->dpdk.hugepage_dir, "/mnt/huge");
	assert_int_equal(cfg->dpdk.n_extra_args, 3);
	assert_string_equal(cfg->dpdk.extra_args[0], "--no-pci");
	assert_string_equal(cfg->dpdk.extra_args[1], "-a");
	assert_string_equal(cfg->dpdk.extra_args[2], "0000:00:01.0");
	assert_false(cfg->pmd.auto_cores);
	assert_int_equal(cfg->pmd.control_core, -1);
	assert_string_equal(cfg->control.socket, "/tmp/s.sock");
	assert_string_equal(cfg->bridges[0].name, "A.b_c-9");
	assert_int_equal(cfg->bridges[0].mac_aging_s, 1000000);
	assert_int_equal(cfg->bridges[0].mac_table_size, 1024);
	vs_config_free(cfg);

	cfg = load_ok("pmd: {cores: [1, 0]}\n");
	assert_int_equal(cfg->pmd.n_cores, 2);
	assert_int_equal(cfg->pmd.cores[0], 1);
	assert_int_equal(cfg->pmd.cores[1], 0);
	assert_int_equal(cfg->pmd.control_core, -1);
	vs_config_free(cfg);

	cfg = load_ok("pmd: {cores: auto, control_core: 1}\n");
	assert_true(cfg->pmd.auto_cores);
	assert_int_equal(cfg->pmd.control_core, 1);
	vs_config_free(cfg);
}

/* Without the override, /sys/devices/system/cpu/online decides; CPU 0 is always there. */
static void
test_real_online_cpus(void **state)
{
	struct vs_config *cfg = NULL;
	char err[ERR_LEN];
	const char *y = "pmd: {cores: [255]}\n";
	int rc;

	(void)state;
	vs_config_set_online_cpus(NULL, 0);
	cfg = load_ok("pmd: {cores: [0]}\n");
	assert_int_equal(cfg->pmd.cores[0], 0);
	vs_config_free(cfg);
	cfg = NULL;
	if (sysconf(_SC_NPROCESSORS_CONF) < 256) {
		rc = vs_config_load_string("x.yaml", y, strlen(y), &cfg, err, sizeof(err));
		assert_int_equal(rc, -EINVAL);
		assert_null(cfg);
		assert_memory_equal(err, "x.yaml:1:15: pmd.cores[0]: core 255 is not online (online CPUs: 0",
				    strlen("x.yaml:1:15: pmd.cores[0]: core 255 is not online (online CPUs: 0"));
	}
	setup_cpus(NULL);
}

static void
test_load_file(void **state)
{
	char path[] = "/tmp/test_config_XXXXXX";
	struct vs_config *cfg = (struct vs_config *)1;
	char err[ERR_LEN], want[ERR_LEN];
	FILE *f;
	int fd;

	(void)state;
	assert_int_equal(vs_config_load_file("nofile.yaml", &cfg, err, sizeof(err)), -ENOENT);
	assert_string_equal(err, "nofile.yaml: cannot open: No such file or directory");
	assert_null(cfg);

	assert_int_equal(vs_config_load_file("/", &cfg, err, sizeof(err)), -EISDIR);
	assert_string_equal(err, "/: cannot read: Is a directory");

	fd = mkstemp(path);
	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	assert_non_null(f);
	fputs("bridges:\n  - name: br0\n    mac_aging_s: 0\n", f);
	fclose(f);
	assert_int_equal(vs_config_load_file(path, &cfg, err, sizeof(err)), -EINVAL);
	snprintf(want, sizeof(want),
		 "%s:3:18: bridges[0] 'br0'.mac_aging_s: 0 out of range (expected 1..1000000)", path);
	assert_string_equal(err, want);
	assert_null(cfg);

	f = fopen(path, "w");
	assert_non_null(f);
	fputs("bridges: [{name: br0}]\n", f);
	fclose(f);
	assert_int_equal(vs_config_load_file(path, &cfg, err, sizeof(err)), 0);
	assert_string_equal(cfg->path, path);
	assert_string_equal(cfg->bridges[0].name, "br0");
	assert_string_equal(cfg->bridges[0].mark.file, path);
	vs_config_free(cfg);
	unlink(path);

	/* The empty file has no line 1 content but still gets a position. */
	f = fopen(path, "w");
	assert_non_null(f);
	fclose(f);
	assert_int_equal(vs_config_load_file(path, &cfg, err, sizeof(err)), -EINVAL);
	snprintf(want, sizeof(want), "%s:1:1: empty configuration (write '{}' for a switch "
		 "without bridges)", path);
	assert_string_equal(err, want);
	unlink(path);
}

/* ---- bad configurations: each with its exact message ---- */

struct bad_case {
	const char *what;
	const char *yaml;
	const char *err;
};

static const struct bad_case bad_cases[] = {
	/* YAML itself */
	{ "empty file", "",
	  "x.yaml:1:1: empty configuration (write '{}' for a switch without bridges)" },
	{ "comments only", "# nothing yet\n",
	  "x.yaml:1:1: empty configuration (write '{}' for a switch without bridges)" },
	{ "null document", "---\n~\n",
	  "x.yaml:2:1: empty configuration (write '{}' for a switch without bridges)" },
	{ "unclosed flow list", "pmd: {cores: [1, 2}\n",
	  "x.yaml:1:19: syntax error: did not find expected ',' or ']' (while parsing a flow "
	  "sequence at 1:14)" },
	{ "tab indentation", "pmd:\n\tcores: auto\n",
	  "x.yaml:2:1: syntax error: found character that cannot start any token (while "
	  "scanning for the next token at 2:1)" },
	{ "bad indentation", "pmd:\n  cores: auto\n control_core: 1\n",
	  "x.yaml:3:2: syntax error: did not find expected key (while parsing a block "
	  "mapping at 1:1)" },
	{ "invalid UTF-8", "bridges: \xff\n",
	  "x.yaml:1:10: invalid leading UTF-8 octet (0xff)" },
	{ "control character", "{}\n\x01\n",
	  "x.yaml:2:1: control characters are not allowed (0x01)" },
	{ "two documents", "{}\n---\n{}\n",
	  "x.yaml:2:1: multiple YAML documents are not supported" },
	{ "alias", "dpdk: &d {}\npmd: *d\n",
	  "x.yaml:2:6: pmd: YAML aliases are not supported (*d)" },
	{ "tag", "pmd: !!map {}\n",
	  "x.yaml:1:6: pmd: YAML tags are not supported (tag:yaml.org,2002:map)" },
	{ "too deep", "a: [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]\n",
	  "x.yaml:1:35: nested deeper than 32 levels" },
	{ "top level list", "- bridges\n",
	  "x.yaml:1:1: expected a mapping at the top level, got a list" },
	{ "top level scalar", "hello\n",
	  "x.yaml:1:1: expected a mapping at the top level, got 'hello'" },
	{ "non-scalar key", "? [a]\n: b\n",
	  "x.yaml:1:3: expected a key, got a list" },
	{ "unknown top-level key", "dpdk: {}\nbridge: []\n",
	  "x.yaml:2:1: bridge: unknown key (expected one of: dpdk, pmd, control, bridges)" },
	{ "duplicate top-level key", "pmd: {}\ndpdk: {}\npmd: {}\n",
	  "x.yaml:3:1: pmd: duplicate key 'pmd' (first at x.yaml:1:1)" },

	/* dpdk */
	{ "dpdk not a mapping", "dpdk: [memory_mb]\n",
	  "x.yaml:1:7: dpdk: expected a mapping, got a list" },
	{ "memory_mb word", "dpdk:\n  memory_mb: lots\n",
	  "x.yaml:2:14: dpdk.memory_mb: expected 'auto' or an integer 64..1048576, got 'lots'" },
	{ "memory_mb small", "dpdk:\n  memory_mb: 32\n",
	  "x.yaml:2:14: dpdk.memory_mb: 32 out of range (expected 64..1048576)" },
	{ "memory_mb float", "dpdk:\n  memory_mb: 1.5e3\n",
	  "x.yaml:2:14: dpdk.memory_mb: expected 'auto' or an integer 64..1048576, got '1.5e3'" },
	{ "mbufs overflow", "dpdk:\n  mbufs: 99999999999999999999\n",
	  "x.yaml:2:10: dpdk.mbufs: 99999999999999999999 out of range (expected 4096..16777216)" },
	{ "mbufs negative", "dpdk:\n  mbufs: -4096\n",
	  "x.yaml:2:10: dpdk.mbufs: -4096 out of range (expected 4096..16777216)" },
	{ "hugepage_dir empty", "dpdk:\n  hugepage_dir: ''\n",
	  "x.yaml:2:17: dpdk.hugepage_dir: expected a non-empty path" },
	{ "extra_args scalar", "dpdk:\n  extra_args: --no-pci\n",
	  "x.yaml:2:15: dpdk.extra_args: expected a list, got '--no-pci'" },
	{ "extra_args mapping item", "dpdk:\n  extra_args: [a, {b: c}]\n",
	  "x.yaml:2:19: dpdk.extra_args[1]: expected a single value, got a mapping" },
	{ "extra_args too many",
	  "dpdk: {extra_args: [a,a,a,a,a,a,a,a,a,a,a,a,a,a,a,a,a,a,a,a,a,a,a,a,a,a,a,a,a,a,a,a,b]}\n",
	  "x.yaml:1:85: dpdk.extra_args[32]: too many EAL arguments (max 32)" },
	{ "unknown dpdk key", "dpdk:\n  memory: 64\n",
	  "x.yaml:2:3: dpdk.memory: unknown key (expected one of: memory_mb, hugepage_dir, "
	  "extra_args, mbufs)" },

	/* pmd */
	{ "unknown pmd key", "pmd:\n  corez: auto\n",
	  "x.yaml:2:3: pmd.corez: unknown key (expected one of: cores, control_core)" },
	{ "core not online", "pmd:\n  cores: [0, 7]\n",
	  "x.yaml:2:14: pmd.cores[1]: core 7 is not online (online CPUs: 0-1)" },
	{ "core too big", "pmd:\n  cores: [256]\n",
	  "x.yaml:2:11: pmd.cores[0]: core 256 out of range (expected 0..255)" },
	{ "core negative", "pmd:\n  cores: [-1]\n",
	  "x.yaml:2:11: pmd.cores[0]: core -1 out of range (expected 0..255)" },
	{ "core not a number", "pmd:\n  cores: [one]\n",
	  "x.yaml:2:11: pmd.cores[0]: expected a CPU number 0..255, got 'one'" },
	{ "core range string", "pmd:\n  cores: [\"0-1\"]\n",
	  "x.yaml:2:11: pmd.cores[0]: expected a CPU number 0..255, got '0-1'" },
	{ "duplicate core", "pmd:\n  cores: [1, 0, 1]\n",
	  "x.yaml:2:17: pmd.cores[2]: duplicate core 1 (first at x.yaml:2:11)" },
	{ "cores empty", "pmd:\n  cores: []\n",
	  "x.yaml:2:10: pmd.cores: expected 'auto' or a non-empty list of CPU numbers, got an "
	  "empty list" },
	{ "cores word", "pmd:\n  cores: all\n",
	  "x.yaml:2:10: pmd.cores: expected 'auto' or a non-empty list of CPU numbers, got 'all'" },
	{ "cores null", "pmd:\n  cores:\n",
	  "x.yaml:2:9: pmd.cores: expected 'auto' or a non-empty list of CPU numbers, got null" },
	{ "control core is a pmd", "pmd:\n  cores: [1]\n  control_core: 1\n",
	  "x.yaml:3:17: pmd.control_core: core 1 is also in pmd.cores (a PMD core cannot be "
	  "the control core)" },
	{ "control core offline", "pmd:\n  control_core: 2\n",
	  "x.yaml:2:17: pmd.control_core: core 2 is not online (online CPUs: 0-1)" },
	{ "control core word", "pmd:\n  control_core: first\n",
	  "x.yaml:2:17: pmd.control_core: expected 'auto' or a CPU number 0..255, got 'first'" },

	/* control */
	{ "socket too long", "control:\n  socket: /run/vswitch/"
	  "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.sock\n",
	  "x.yaml:2:11: control.socket: socket path too long (110 bytes, max 107)" },
	{ "socket empty", "control:\n  socket: \"\"\n",
	  "x.yaml:2:11: control.socket: expected a non-empty socket path" },
	{ "socket_mode not octal", "control:\n  socket_mode: \"0668\"\n",
	  "x.yaml:2:16: control.socket_mode: expected octal permission bits 0000..0777, got '0668'" },
	{ "socket_mode sticky", "control:\n  socket_mode: 01777\n",
	  "x.yaml:2:16: control.socket_mode: expected octal permission bits 0000..0777, got '01777'" },

	/* bridges */
	{ "bridges mapping", "bridges: {name: br0}\n",
	  "x.yaml:1:10: bridges: expected a list, got a mapping" },
	{ "bridge scalar", "bridges: [br0]\n",
	  "x.yaml:1:11: bridges[0]: expected a mapping, got 'br0'" },
	{ "bridge without name", "bridges:\n  - mac_aging_s: 5\n",
	  "x.yaml:2:5: bridges[0]: missing required key 'name'" },
	{ "bridge name with space", "bridges:\n  - name: br 0\n",
	  "x.yaml:2:11: bridges[0] 'br 0'.name: invalid name 'br 0' (expected 1..31 characters "
	  "of A-Z a-z 0-9 _ . -)" },
	{ "bridge name too long", "bridges:\n  - name: abcdefghijabcdefghijabcdefghij12\n",
	  "x.yaml:2:11: bridges[0] 'abcdefghijabcdefghijabcdefghij12'.name: invalid name "
	  "'abcdefghijabcdefghijabcdefghij12' (expected 1..31 characters of A-Z a-z 0-9 _ . -)" },
	{ "bridge name list", "bridges:\n  - name: [br0]\n",
	  "x.yaml:2:11: bridges[0].name: expected a single value, got a list" },
	{ "duplicate bridge", "bridges:\n  - name: br0\n  - name: br1\n  - name: br0\n",
	  "x.yaml:4:11: bridges[2] 'br0'.name: duplicate bridge name 'br0' (first at x.yaml:2:11)" },
	{ "duplicate key in bridge", "bridges:\n  - name: br0\n    mac_aging_s: 5\n    name: br1\n",
	  "x.yaml:4:5: bridges[0] 'br0'.name: duplicate key 'name' (first at x.yaml:2:5)" },
	{ "unknown bridge key", "bridges:\n  - name: br0\n    port: []\n",
	  "x.yaml:3:5: bridges[0] 'br0'.port: unknown key (expected one of: name, mac_aging_s, "
	  "mac_table_size, ports, flows)" },
	{ "mac_aging_s zero", "bridges:\n  - name: br0\n    mac_aging_s: 0\n",
	  "x.yaml:3:18: bridges[0] 'br0'.mac_aging_s: 0 out of range (expected 1..1000000)" },
	{ "mac_table_size word", "bridges:\n  - name: br0\n    mac_table_size: big\n",
	  "x.yaml:3:21: bridges[0] 'br0'.mac_table_size: expected an integer 1024..16777216, got 'big'" },
	{ "ports scalar", "bridges:\n  - name: br0\n    ports: p1\n",
	  "x.yaml:3:12: bridges[0].ports: expected a list, got 'p1'" },

	/* ports */
	{ "port scalar", "bridges:\n  - name: br0\n    ports: [p1]\n",
	  "x.yaml:3:13: bridges[0].ports[0]: expected a mapping, got 'p1'" },
	{ "port without name", "bridges:\n  - name: br0\n    ports:\n      - type: patch\n",
	  "x.yaml:4:9: bridges[0].ports[0]: missing required key 'name'" },
	{ "port without type", PORT_P1 "        iface: eth0\n",
	  "x.yaml:4:9: bridges[0].ports[0] 'p1': missing required key 'type'" },
	{ "unknown port type", PORT_P1 "        type: vhost-usr\n",
	  "x.yaml:5:15: bridges[0].ports[0] 'p1'.type: unknown port type 'vhost-usr' (expected "
	  "one of: dpdk, af_xdp, patch, vhost-user, vhost-user-client)" },
	{ "unknown port key", PORT_P1 "        type: dpdk\n        speed: 10G\n",
	  "x.yaml:6:9: bridges[0].ports[0] 'p1'.speed: unknown key (expected one of: name, type, "
	  "devargs, iface, peer, path, queues, numa, socket_mode, rxq, txq, mtu, rx_desc, tx_desc, "
	  "vlan)" },
	{ "duplicate key in port", PORT_P1 "        type: dpdk\n        type: af_xdp\n",
	  "x.yaml:6:9: bridges[0].ports[0] 'p1'.type: duplicate key 'type' (first at x.yaml:5:9)" },
	{ "devargs on af_xdp", PORT_P1 "        type: af_xdp\n        iface: eth0\n"
	  "        devargs: 0000:3b:00.0\n",
	  "x.yaml:7:18: bridges[0].ports[0] 'p1'.devargs: 'devargs' does not apply to a port of "
	  "type af_xdp" },
	{ "mtu on patch", PORT_P1 "        mtu: 9000\n        type: patch\n        peer: p2\n",
	  "x.yaml:5:14: bridges[0].ports[0] 'p1'.mtu: 'mtu' does not apply to a port of type patch" },
	{ "iface missing", PORT_P1 "        type: af_xdp\n        mtu: 9000\n",
	  "x.yaml:4:9: bridges[0].ports[0] 'p1': missing required key 'iface' for a port of "
	  "type af_xdp" },
	{ "devargs missing", PORT_P1 "        type: dpdk\n",
	  "x.yaml:4:9: bridges[0].ports[0] 'p1': missing required key 'devargs' for a port of "
	  "type dpdk" },
	{ "peer missing", PORT_P1 "        type: patch\n",
	  "x.yaml:4:9: bridges[0].ports[0] 'p1': missing required key 'peer' for a port of "
	  "type patch" },
	{ "iface too long", PORT_P1 "        type: af_xdp\n        iface: veth-0123456789a\n",
	  "x.yaml:6:16: bridges[0].ports[0] 'p1'.iface: invalid interface name 'veth-0123456789a' "
	  "(expected 1..15 characters, no '/', ':' or spaces)" },
	{ "devargs empty", PORT_P1 "        type: dpdk\n        devargs: ''\n",
	  "x.yaml:6:18: bridges[0].ports[0] 'p1'.devargs: expected a non-empty devargs string" },
	{ "mtu too big", PORT_P1 "        type: dpdk\n        devargs: net_null0\n        mtu: 20000\n",
	  "x.yaml:7:14: bridges[0].ports[0] 'p1'.mtu: 20000 out of range (expected 68..9702)" },
	{ "mtu not a number", PORT_P1 "        type: dpdk\n        devargs: net_null0\n        mtu: 1500.0\n",
	  "x.yaml:7:14: bridges[0].ports[0] 'p1'.mtu: expected an integer 68..9702, got '1500.0'" },
	{ "mtu null", PORT_P1 "        type: dpdk\n        devargs: net_null0\n        mtu:\n",
	  "x.yaml:7:13: bridges[0].ports[0] 'p1'.mtu: missing value" },
	{ "rxq zero", PORT_P1 "        type: dpdk\n        devargs: net_null0\n        rxq: 0\n",
	  "x.yaml:7:14: bridges[0].ports[0] 'p1'.rxq: 0 out of range (expected 1..16)" },
	{ "txq negative", PORT_P1 "        type: dpdk\n        devargs: net_null0\n        txq: -1\n",
	  "x.yaml:7:14: bridges[0].ports[0] 'p1'.txq: -1 out of range (expected 0..16)" },
	{ "rx_desc not a power of two", PORT_P1 "        type: af_xdp\n        iface: eth0\n"
	  "        rx_desc: 1000\n",
	  "x.yaml:7:18: bridges[0].ports[0] 'p1'.rx_desc: expected a power of two 64..4096, got '1000'" },
	{ "tx_desc too big", PORT_P1 "        type: af_xdp\n        iface: eth0\n"
	  "        tx_desc: 8192\n",
	  "x.yaml:7:18: bridges[0].ports[0] 'p1'.tx_desc: 8192 out of range (expected 64..4096)" },
	{ "NUL in a value", PORT_P1 "        type: af_xdp\n        iface: \"eth\\0\"\n",
	  "x.yaml:6:16: bridges[0].ports[0] 'p1'.iface: value contains a NUL character" },
	{ "newline in a name", "bridges:\n  - name: \"a\\nb\"\n",
	  "x.yaml:2:11: bridges[0] 'a?b'.name: invalid name 'a?b' (expected 1..31 characters of "
	  "A-Z a-z 0-9 _ . -)" },
	{ "duplicate port name", PORT_P1 "        type: patch\n        peer: p2\n"
	  "  - name: br1\n    ports:\n      - {name: p2, type: patch, peer: p1}\n"
	  "      - {name: p1, type: patch, peer: p2}\n",
	  "x.yaml:10:16: bridges[1].ports[1] 'p1'.name: duplicate port name 'p1' (first at "
	  "x.yaml:4:15)" },
	{ "port name invalid", "bridges:\n  - name: br0\n    ports:\n      - name: p/1\n",
	  "x.yaml:4:15: bridges[0].ports[0] 'p/1'.name: invalid name 'p/1' (expected 1..31 "
	  "characters of A-Z a-z 0-9 _ . -)" },

	/* vhost-user ports */
	{ "vhost path missing", PORT_P1 "        type: vhost-user\n        queues: 2\n",
	  "x.yaml:4:9: bridges[0].ports[0] 'p1': missing required key 'path' for a port of "
	  "type vhost-user" },
	{ "vhost client path missing", PORT_P1 "        type: vhost-user-client\n",
	  "x.yaml:4:9: bridges[0].ports[0] 'p1': missing required key 'path' for a port of "
	  "type vhost-user-client" },
	{ "vhost path relative", PORT_P1 "        type: vhost-user\n        path: vm1.sock\n",
	  "x.yaml:6:15: bridges[0].ports[0] 'p1'.path: expected an absolute socket path, got "
	  "'vm1.sock'" },
	{ "vhost path empty", PORT_P1 "        type: vhost-user-client\n        path: ''\n",
	  "x.yaml:6:15: bridges[0].ports[0] 'p1'.path: expected an absolute socket path, got ''" },
	{ "vhost path null", PORT_P1 "        type: vhost-user\n        path:\n",
	  "x.yaml:6:14: bridges[0].ports[0] 'p1'.path: missing value" },
	{ "vhost path too long", PORT_P1 "        type: vhost-user\n        path: " PATH_108 "\n",
	  "x.yaml:6:15: bridges[0].ports[0] 'p1'.path: socket path too long (108 bytes, max 107)" },
	{ "vhost path newline", PORT_P1 "        type: vhost-user\n        path: \"/run/a\\nb\"\n",
	  "x.yaml:6:15: bridges[0].ports[0] 'p1'.path: socket path contains a newline" },
	{ "vhost path NUL", PORT_P1 "        type: vhost-user\n        path: \"/run/a\\0b\"\n",
	  "x.yaml:6:15: bridges[0].ports[0] 'p1'.path: value contains a NUL character" },
	{ "vhost queues zero", PORT_P1 "        type: vhost-user\n        path: /run/vm1.sock\n"
	  "        queues: 0\n",
	  "x.yaml:7:17: bridges[0].ports[0] 'p1'.queues: 0 out of range (expected 1..16)" },
	{ "vhost queues 17", PORT_P1 "        type: vhost-user-client\n        path: /run/vm1.sock\n"
	  "        queues: 17\n",
	  "x.yaml:7:17: bridges[0].ports[0] 'p1'.queues: 17 out of range (expected 1..16)" },
	{ "vhost numa 9", PORT_P1 "        type: vhost-user\n        path: /run/vm1.sock\n"
	  "        numa: 9\n",
	  "x.yaml:7:15: bridges[0].ports[0] 'p1'.numa: NUMA node 9 out of range (expected 0..7)" },
	{ "vhost numa word", PORT_P1 "        type: vhost-user\n        path: /run/vm1.sock\n"
	  "        numa: x\n",
	  "x.yaml:7:15: bridges[0].ports[0] 'p1'.numa: expected 'auto' or a NUMA node 0..7, got 'x'" },
	{ "vhost socket_mode not octal", PORT_P1 "        type: vhost-user\n        path: /run/vm1.sock\n"
	  "        socket_mode: 0680\n",
	  "x.yaml:7:22: bridges[0].ports[0] 'p1'.socket_mode: expected octal permission bits "
	  "0000..0777, got '0680'" },
	{ "socket_mode on vhost-user-client", PORT_P1 "        type: vhost-user-client\n"
	  "        path: /run/vm1.sock\n        socket_mode: 0660\n",
	  "x.yaml:7:22: bridges[0].ports[0] 'p1'.socket_mode: 'socket_mode' does not apply to a "
	  "port of type vhost-user-client" },
	{ "devargs on vhost-user", PORT_P1 "        type: vhost-user\n        path: /run/vm1.sock\n"
	  "        devargs: net_null0\n",
	  "x.yaml:7:18: bridges[0].ports[0] 'p1'.devargs: 'devargs' does not apply to a port of "
	  "type vhost-user" },
	{ "rxq on vhost-user", PORT_P1 "        type: vhost-user\n        path: /run/vm1.sock\n"
	  "        rxq: 2\n",
	  "x.yaml:7:14: bridges[0].ports[0] 'p1'.rxq: 'rxq' does not apply to a port of type "
	  "vhost-user" },
	{ "path on af_xdp", PORT_P1 "        type: af_xdp\n        iface: eth0\n"
	  "        path: /run/vm1.sock\n",
	  "x.yaml:7:15: bridges[0].ports[0] 'p1'.path: 'path' does not apply to a port of type "
	  "af_xdp" },
	{ "queues on dpdk", PORT_P1 "        type: dpdk\n        queues: 2\n",
	  "x.yaml:6:17: bridges[0].ports[0] 'p1'.queues: 'queues' does not apply to a port of "
	  "type dpdk" },
	{ "numa on patch", PATCH_P1 "        numa: 0\n",
	  "x.yaml:7:15: bridges[0].ports[0] 'p1'.numa: 'numa' does not apply to a port of "
	  "type patch" },
	{ "duplicate vhost path", "bridges:\n"
	  "  - name: br0\n    ports:\n"
	  "      - {name: vm1, type: vhost-user, path: /run/vm.sock}\n"
	  "      - {name: vm2, type: vhost-user, path: /run/vm2.sock}\n"
	  "  - name: br1\n    ports:\n"
	  "      - {name: vm3, type: vhost-user-client, path: /run/vm.sock}\n",
	  "x.yaml:8:52: bridges[1].ports[0] 'vm3'.path: duplicate vhost-user socket path "
	  "'/run/vm.sock' (first used by port 'vm1' at x.yaml:4:45)" },

	/* patch peers */
	{ "peer does not exist", PORT_P1 "        type: patch\n        peer: down\n",
	  "x.yaml:6:15: bridges[0].ports[0] 'p1'.peer: patch peer 'down' does not exist" },
	{ "peer not a patch", PORT_P1 "        type: patch\n        peer: nic\n"
	  "  - name: br1\n    ports:\n      - {name: nic, type: dpdk, devargs: net_null0}\n",
	  "x.yaml:6:15: bridges[0].ports[0] 'p1'.peer: patch peer 'nic' is a port of type dpdk, "
	  "not patch" },
	{ "peer does not point back", PORT_P1 "        type: patch\n        peer: p2\n"
	  "  - name: br1\n    ports:\n      - {name: p2, type: patch, peer: p3}\n"
	  "  - name: br2\n    ports:\n      - {name: p3, type: patch, peer: p2}\n",
	  "x.yaml:6:15: bridges[0].ports[0] 'p1'.peer: patch peer 'p2' has peer 'p3', not 'p1'" },
	{ "peer in the same bridge", PORT_P1 "        type: patch\n        peer: p2\n"
	  "      - {name: p2, type: patch, peer: p1}\n",
	  "x.yaml:6:15: bridges[0].ports[0] 'p1'.peer: patch peer 'p2' is in the same bridge "
	  "'br0' (a patch links two bridges)" },
	{ "own peer", PORT_P1 "        type: patch\n        peer: p1\n",
	  "x.yaml:6:15: bridges[0].ports[0] 'p1'.peer: a patch port cannot be its own peer" },
	{ "peer invalid name", PORT_P1 "        type: patch\n        peer: \"p 2\"\n",
	  "x.yaml:6:15: bridges[0].ports[0] 'p1'.peer: invalid name 'p 2' (expected 1..31 "
	  "characters of A-Z a-z 0-9 _ . -)" },

	/* vlan */
	{ "vlan scalar", PORT_P1 "        type: patch\n        vlan: 10\n",
	  "x.yaml:6:15: bridges[0].ports[0] 'p1'.vlan: expected a mapping, got '10'" },
	{ "vlan unknown key", PORT_P1 "        type: patch\n        vlan: {vid: 10}\n",
	  "x.yaml:6:16: bridges[0].ports[0] 'p1'.vlan.vid: unknown key (expected one of: mode, "
	  "tag, trunks, native)" },
	{ "tag 4095", PORT_P1 "        type: patch\n        vlan:\n          tag: 4095\n",
	  "x.yaml:7:16: bridges[0].ports[0] 'p1'.vlan.tag: VLAN 4095 out of range (expected 1..4094)" },
	{ "tag 0", PORT_P1 "        type: patch\n        vlan: {tag: 0}\n",
	  "x.yaml:6:21: bridges[0].ports[0] 'p1'.vlan.tag: VLAN 0 out of range (expected 1..4094)" },
	{ "tag word", PORT_P1 "        type: patch\n        vlan: {tag: ten}\n",
	  "x.yaml:6:21: bridges[0].ports[0] 'p1'.vlan.tag: expected a VLAN ID 1..4094, got 'ten'" },
	{ "vlan mode unknown", PORT_P1 "        type: patch\n        vlan: {mode: hybrid}\n",
	  "x.yaml:6:22: bridges[0].ports[0] 'p1'.vlan.mode: unknown vlan mode 'hybrid' (expected "
	  "one of: access, trunk)" },
	{ "tag on a trunk", PATCH_P1 "        vlan: {tag: 10, mode: trunk}\n",
	  "x.yaml:7:21: bridges[0].ports[0] 'p1'.vlan.tag: 'tag' does not apply to a trunk port "
	  "(use 'native' for the VLAN of untagged frames)" },
	{ "tag and trunks", PATCH_P1 "        vlan: {tag: 10, trunks: [20]}\n",
	  "x.yaml:7:21: bridges[0].ports[0] 'p1'.vlan.tag: 'tag' does not apply to a trunk port "
	  "(use 'native' for the VLAN of untagged frames)" },
	{ "tag and native", PATCH_P1 "        vlan: {tag: 5, native: 5}\n",
	  "x.yaml:7:21: bridges[0].ports[0] 'p1'.vlan.tag: 'tag' does not apply to a trunk port "
	  "(use 'native' for the VLAN of untagged frames)" },
	{ "access without tag", PATCH_P1 "        vlan:\n          mode: access\n",
	  "x.yaml:8:11: bridges[0].ports[0] 'p1'.vlan: missing required key 'tag' for an access port" },
	{ "access with trunks", PATCH_P1 "        vlan: {mode: access, tag: 5, trunks: [5]}\n",
	  "x.yaml:7:46: bridges[0].ports[0] 'p1'.vlan.trunks: 'trunks' does not apply to an "
	  "access port" },
	{ "access with native", PATCH_P1 "        vlan: {native: 5, tag: 5, mode: access}\n",
	  "x.yaml:7:24: bridges[0].ports[0] 'p1'.vlan.native: 'native' does not apply to an "
	  "access port" },
	{ "native not in trunks", PATCH_P1 "        vlan: {trunks: \"10-20\", native: 30}\n",
	  "x.yaml:7:41: bridges[0].ports[0] 'p1'.vlan.native: native VLAN 30 is not in trunks" },
	{ "trunks empty list", PORT_P1 "        type: patch\n        vlan: {trunks: []}\n",
	  "x.yaml:6:24: bridges[0].ports[0] 'p1'.vlan.trunks: expected at least one VLAN ID or "
	  "range (leave 'trunks' out to allow all VLANs)" },
	{ "trunks null", PORT_P1 "        type: patch\n        vlan:\n          trunks:\n",
	  "x.yaml:7:18: bridges[0].ports[0] 'p1'.vlan.trunks: expected a list of VLAN IDs and "
	  "ranges, got null" },
	{ "trunks mapping", PORT_P1 "        type: patch\n        vlan: {trunks: {a: 1}}\n",
	  "x.yaml:6:24: bridges[0].ports[0] 'p1'.vlan.trunks: expected a list of VLAN IDs and "
	  "ranges, got a mapping" },
	{ "trunks reversed range", PORT_P1 "        type: patch\n        vlan: {trunks: [10, \"200-100\"]}\n",
	  "x.yaml:6:29: bridges[0].ports[0] 'p1'.vlan.trunks[1]: invalid VLAN range '200-100' "
	  "(start above end)" },
	{ "trunks out of range", PORT_P1 "        type: patch\n        vlan: {trunks: [10, 4095]}\n",
	  "x.yaml:6:29: bridges[0].ports[0] 'p1'.vlan.trunks[1]: VLAN 4095 out of range (expected "
	  "1..4094)" },
	{ "trunks open range", PORT_P1 "        type: patch\n        vlan: {trunks: [\"10-\"]}\n",
	  "x.yaml:6:25: bridges[0].ports[0] 'p1'.vlan.trunks[0]: expected a VLAN ID 1..4094, got ''" },
	{ "trunks scalar empty item", PORT_P1 "        type: patch\n        vlan: {trunks: \"10,,20\"}\n",
	  "x.yaml:6:24: bridges[0].ports[0] 'p1'.vlan.trunks: expected a VLAN ID 1..4094, got ''" },
	{ "trunks nested list", PORT_P1 "        type: patch\n        vlan: {trunks: [[10]]}\n",
	  "x.yaml:6:25: bridges[0].ports[0] 'p1'.vlan.trunks[0]: expected a single value, got a list" },
};

static void
test_bad_configs(void **state)
{
	struct vs_config *cfg;
	char err[ERR_LEN];
	size_t i, failed = 0;
	int rc;

	(void)state;
	for (i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
		const struct bad_case *c = &bad_cases[i];

		cfg = (struct vs_config *)1;
		strcpy(err, "(no message)");
		rc = vs_config_load_string("x.yaml", c->yaml, strlen(c->yaml), &cfg, err, sizeof(err));
		if (rc != -EINVAL || cfg != NULL || strcmp(err, c->err) != 0) {
			print_error("%s: rc %d\n  want: %s\n  got:  %s\n", c->what, rc, c->err, err);
			failed++;
		}
	}
	assert_int_equal(failed, 0);
}

/* Limits that need big inputs. */
static void
test_limits(void **state)
{
	struct vs_config *cfg = NULL;
	char err[ERR_LEN], want[ERR_LEN];
	size_t cap = 1 << 16, len = 0;
	char *y = malloc(cap);
	unsigned i;

	(void)state;
	assert_non_null(y);
	len += (size_t)snprintf(y + len, cap - len, "bridges:\n");
	for (i = 0; i <= VS_MAX_BRIDGES; i++)
		len += (size_t)snprintf(y + len, cap - len, "  - name: br%u\n", i);
	assert_int_equal(vs_config_load_string("x.yaml", y, len, &cfg, err, sizeof(err)), -EINVAL);
	snprintf(want, sizeof(want), "x.yaml:%u:5: bridges[%u]: too many bridges (max %u)",
		 VS_MAX_BRIDGES + 2, VS_MAX_BRIDGES, VS_MAX_BRIDGES);
	assert_string_equal(err, want);

	/* VS_MAX_PORTS in two bridges is fine; one more is not. */
	len = (size_t)snprintf(y, cap, "bridges:\n  - name: a\n    ports:\n");
	for (i = 0; i < VS_MAX_PORTS; i++) {
		if (i == VS_MAX_PORTS / 2)
			len += (size_t)snprintf(y + len, cap - len, "  - name: b\n    ports:\n");
		len += (size_t)snprintf(y + len, cap - len,
					"      - {name: p%u, type: af_xdp, iface: v%u}\n", i, i);
	}
	assert_int_equal(vs_config_load_string("x.yaml", y, len, &cfg, err, sizeof(err)), 0);
	assert_int_equal(cfg->bridges[0].n_ports + cfg->bridges[1].n_ports, VS_MAX_PORTS);
	vs_config_free(cfg);
	len += (size_t)snprintf(y + len, cap - len, "      - {name: last, type: af_xdp, iface: v}\n");
	assert_int_equal(vs_config_load_string("x.yaml", y, len, &cfg, err, sizeof(err)), -EINVAL);
	snprintf(want, sizeof(want), "x.yaml:%u:9: bridges[1].ports[%u]: too many ports (max %u "
		 "in all bridges)", VS_MAX_PORTS + 6, VS_MAX_PORTS / 2, VS_MAX_PORTS);
	assert_string_equal(err, want);
	free(y);
}

/* Long user text is cut in messages, which stay one line. */
static void
test_long_values(void **state)
{
	char y[4096], err[ERR_LEN], name[2001];
	struct vs_config *cfg = NULL;

	(void)state;
	memset(name, 'x', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	snprintf(y, sizeof(y), "bridges:\n  - name: %s\n", name);
	assert_int_equal(vs_config_load_string("x.yaml", y, strlen(y), &cfg, err, sizeof(err)),
			 -EINVAL);
	assert_string_equal(err, "x.yaml:2:11: bridges[0] "
			    "'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx...'.name: invalid name "
			    "'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx...' (expected 1..31 "
			    "characters of A-Z a-z 0-9 _ . -)");

	/* A small buffer gets a truncated, terminated message. */
	assert_int_equal(vs_config_load_string("x.yaml", y, strlen(y), &cfg, err, 12), -EINVAL);
	assert_string_equal(err, "x.yaml:2:11");
	/* No buffer at all is allowed. */
	assert_int_equal(vs_config_load_string("x.yaml", y, strlen(y), &cfg, NULL, 0), -EINVAL);
	assert_int_equal(vs_config_load_string("x.yaml", "{}", 2, &cfg, NULL, 0), 0);
	vs_config_free(cfg);
	vs_config_free(NULL);
}

/* ---- vs_port_cfg_set() / vs_port_cfg_check(): what vsctl add-port uses ---- */

struct kv_case {
	const char *kv[6];      /* "key=value" applied in order to a port named p1 */
	const char *set_err;    /* message of the failing vs_port_cfg_set(), or NULL */
	const char *check_err;  /* message of vs_port_cfg_check(), or NULL when valid */
};

static const struct kv_case kv_cases[] = {
	{ { "type=af_xdp", "iface=veth1", "tag=10" }, NULL, NULL },
	{ { "iface=veth1", "type=af_xdp" }, NULL, NULL },
	{ { "type=dpdk", "devargs=0000:3b:00.0", "mtu=9702", "rxq=16", "txq=16", "rx_desc=4096" },
	  NULL, NULL },
	{ { "type=patch", "peer=p2", "trunks=10,20-30", "native=20" }, NULL, NULL },
	{ { "type=patch", "peer=p2", "vlan_mode=trunk", "native=4094" }, NULL, NULL },
	{ { "type=patch", "peer=p2", "vlan_mode=access", "tag=1" }, NULL, NULL },
	{ { "type=patch", "peer=p2", "tag=1", "vlan_mode=access" }, NULL, NULL },
	{ { "type=dpdk", "devargs=x", "mtu=20000" }, "mtu: 20000 out of range (expected 68..9702)", NULL },
	{ { "type=dpdk", "devargs=x", "mtu=abc" }, "mtu: expected an integer 68..9702, got 'abc'", NULL },
	{ { "type=dpdk", "devargs=x", "mtu=" }, "mtu: expected an integer 68..9702, got ''", NULL },
	{ { "type=dpdk", "devargs=x", "mtu= 1500" }, "mtu: expected an integer 68..9702, got ' 1500'", NULL },
	{ { "type=dpdk", "devargs=x", "rxq=0" }, "rxq: 0 out of range (expected 1..16)", NULL },
	{ { "type=dpdk", "devargs=x", "txq=17" }, "txq: 17 out of range (expected 0..16)", NULL },
	{ { "type=dpdk", "devargs=x", "tx_desc=63" }, "tx_desc: 63 out of range (expected 64..4096)", NULL },
	{ { "type=dpdk", "devargs=x", "rx_desc=96" },
	  "rx_desc: expected a power of two 64..4096, got '96'", NULL },
	{ { "type=vhost" }, "type: unknown port type 'vhost' (expected one of: dpdk, af_xdp, patch, "
	  "vhost-user, vhost-user-client)", NULL },
	{ { "speed=10G" }, "speed: unknown key (expected one of: type, devargs, iface, peer, path, "
	  "queues, numa, socket_mode, rxq, txq, mtu, rx_desc, tx_desc, tag, trunks, native, "
	  "vlan_mode)", NULL },
	{ { "type=dpdk", "iface=eth0" }, "iface: 'iface' does not apply to a port of type dpdk", NULL },
	{ { "type=af_xdp", "peer=p2" }, "peer: 'peer' does not apply to a port of type af_xdp", NULL },
	{ { "type=patch", "rxq=2" }, "rxq: 'rxq' does not apply to a port of type patch", NULL },
	{ { "mtu=9000", "type=patch" }, "type: 'mtu' does not apply to a port of type patch", NULL },
	{ { "devargs=x", "type=af_xdp" }, "type: 'devargs' does not apply to a port of type af_xdp", NULL },
	{ { "type=af_xdp", "iface=a:b" }, "iface: invalid interface name 'a:b' (expected 1..15 "
	  "characters, no '/', ':' or spaces)", NULL },
	{ { "type=af_xdp", "iface=.." }, "iface: invalid interface name '..' (expected 1..15 "
	  "characters, no '/', ':' or spaces)", NULL },
	{ { "type=patch", "peer=" }, "peer: invalid name '' (expected 1..31 characters of A-Z a-z "
	  "0-9 _ . -)", NULL },
	{ { "tag=0" }, "tag: VLAN 0 out of range (expected 1..4094)", NULL },
	{ { "tag=4095" }, "tag: VLAN 4095 out of range (expected 1..4094)", NULL },
	{ { "native=-3" }, "native: VLAN -3 out of range (expected 1..4094)", NULL },
	{ { "trunks=" }, "trunks: expected VLAN IDs and ranges like '10,20-30', got ''", NULL },
	{ { "trunks=10,,20" }, "trunks: expected a VLAN ID 1..4094, got ''", NULL },
	{ { "trunks=a-b" }, "trunks: expected a VLAN ID 1..4094, got 'a'", NULL },
	{ { "trunks=10-5" }, "trunks: invalid VLAN range '10-5' (start above end)", NULL },
	{ { "trunks=1-4095" }, "trunks: VLAN 4095 out of range (expected 1..4094)", NULL },
	{ { "trunks=-5" }, "trunks: VLAN -5 out of range (expected 1..4094)", NULL },
	{ { "vlan_mode=native-untagged" }, "vlan_mode: unknown vlan mode 'native-untagged' "
	  "(expected one of: access, trunk)", NULL },
	{ { "type=dpdk", "devargs=" }, "devargs: expected a non-empty devargs string", NULL },
	/* vhost-user */
	{ { "type=vhost-user", "path=/run/vm1.sock" }, NULL, NULL },
	{ { "type=vhost-user", "path=/run/vm1.sock", "queues=16", "numa=auto", "socket_mode=0600",
	    "mtu=9702" }, NULL, NULL },
	{ { "type=vhost-user", "path=" PATH_107, "socket_mode=660", "tag=5" }, NULL, NULL },
	{ { "type=vhost-user-client", "path=/run/vm1.sock", "queues=2", "numa=1" }, NULL, NULL },
	{ { "type=vhost-user-client", "path=/run/vm1.sock", "numa=7", "trunks=10-20" }, NULL, NULL },
	{ { "path=/run/vm1.sock", "queues=4", "socket_mode=0o640", "type=vhost-user" }, NULL, NULL },
	{ { "type=vhost-user" }, NULL, "path: required for a port of type vhost-user" },
	{ { "type=vhost-user-client", "queues=2" }, NULL,
	  "path: required for a port of type vhost-user-client" },
	{ { "type=vhost-user", "path=vm1.sock" },
	  "path: expected an absolute socket path, got 'vm1.sock'", NULL },
	{ { "type=vhost-user", "path=" }, "path: expected an absolute socket path, got ''", NULL },
	{ { "type=vhost-user", "path=" PATH_108 },
	  "path: socket path too long (108 bytes, max 107)", NULL },
	{ { "type=vhost-user", "path=/run/a\nb" }, "path: socket path contains a newline", NULL },
	{ { "type=vhost-user", "queues=0" }, "queues: 0 out of range (expected 1..16)", NULL },
	{ { "type=vhost-user", "queues=17" }, "queues: 17 out of range (expected 1..16)", NULL },
	{ { "type=vhost-user-client", "numa=9" }, "numa: NUMA node 9 out of range (expected 0..7)",
	  NULL },
	{ { "type=vhost-user", "numa=-1" }, "numa: NUMA node -1 out of range (expected 0..7)", NULL },
	{ { "type=vhost-user", "numa=x" }, "numa: expected 'auto' or a NUMA node 0..7, got 'x'", NULL },
	{ { "type=vhost-user", "socket_mode=0668" },
	  "socket_mode: expected octal permission bits 0000..0777, got '0668'", NULL },
	{ { "type=vhost-user", "socket_mode=4755" },
	  "socket_mode: expected octal permission bits 0000..0777, got '4755'", NULL },
	{ { "type=vhost-user-client", "socket_mode=0660" },
	  "socket_mode: 'socket_mode' does not apply to a port of type vhost-user-client", NULL },
	{ { "socket_mode=0600", "type=vhost-user-client" },
	  "type: 'socket_mode' does not apply to a port of type vhost-user-client", NULL },
	{ { "type=vhost-user", "devargs=net_null0" },
	  "devargs: 'devargs' does not apply to a port of type vhost-user", NULL },
	{ { "type=vhost-user-client", "iface=eth0" },
	  "iface: 'iface' does not apply to a port of type vhost-user-client", NULL },
	{ { "type=vhost-user", "peer=p2" }, "peer: 'peer' does not apply to a port of type vhost-user",
	  NULL },
	{ { "type=vhost-user", "rxq=2" }, "rxq: 'rxq' does not apply to a port of type vhost-user",
	  NULL },
	{ { "type=vhost-user-client", "tx_desc=512" },
	  "tx_desc: 'tx_desc' does not apply to a port of type vhost-user-client", NULL },
	{ { "type=af_xdp", "path=/run/vm1.sock" },
	  "path: 'path' does not apply to a port of type af_xdp", NULL },
	{ { "type=dpdk", "queues=2" }, "queues: 'queues' does not apply to a port of type dpdk", NULL },
	{ { "type=patch", "numa=0" }, "numa: 'numa' does not apply to a port of type patch", NULL },
	{ { "path=/run/vm1.sock", "type=dpdk" }, "type: 'path' does not apply to a port of type dpdk",
	  NULL },
	{ { "numa=1", "type=af_xdp" }, "type: 'numa' does not apply to a port of type af_xdp", NULL },
	/* Accepted one by one, refused as a whole. */
	{ { "iface=eth0" }, NULL, "type: required" },
	{ { "type=dpdk" }, NULL, "devargs: required for a port of type dpdk" },
	{ { "type=af_xdp", "mtu=9000" }, NULL, "iface: required for a port of type af_xdp" },
	{ { "type=patch" }, NULL, "peer: required for a port of type patch" },
	{ { "type=patch", "peer=p1" }, NULL, "peer: a patch port cannot be its own peer" },
	{ { "type=patch", "peer=p2", "vlan_mode=access" }, NULL,
	  "tag: required for an access port" },
	{ { "type=patch", "peer=p2", "vlan_mode=trunk", "tag=10" }, NULL,
	  "tag: 'tag' does not apply to a trunk port (use 'native' for the VLAN of untagged frames)" },
	{ { "type=patch", "peer=p2", "tag=10", "vlan_mode=trunk" }, NULL,
	  "tag: 'tag' does not apply to a trunk port (use 'native' for the VLAN of untagged frames)" },
	{ { "type=patch", "peer=p2", "tag=10", "trunks=10" }, NULL,
	  "tag: 'tag' does not apply to a trunk port (use 'native' for the VLAN of untagged frames)" },
	{ { "type=patch", "peer=p2", "vlan_mode=access", "tag=10", "trunks=10" }, NULL,
	  "trunks: 'trunks' does not apply to an access port" },
	{ { "type=patch", "peer=p2", "vlan_mode=access", "tag=10", "native=10" }, NULL,
	  "native: 'native' does not apply to an access port" },
	{ { "type=patch", "peer=p2", "trunks=10-20", "native=21" }, NULL,
	  "native: native VLAN 21 is not in trunks" },
};

static void
test_port_cfg_set_check(void **state)
{
	struct vs_port_cfg port;
	char err[ERR_LEN], kv[256], *eq;
	size_t i, k, failed = 0;
	int rc;

	(void)state;
	for (i = 0; i < sizeof(kv_cases) / sizeof(kv_cases[0]); i++) {
		const struct kv_case *c = &kv_cases[i];
		const char *got_set = NULL, *got_check = NULL;

		vs_port_cfg_init(&port, "p1");
		for (k = 0; k < 6 && c->kv[k] != NULL; k++) {
			snprintf(kv, sizeof(kv), "%s", c->kv[k]);
			eq = strchr(kv, '=');
			assert_non_null(eq);
			*eq = '\0';
			strcpy(err, "(no message)");
			rc = vs_port_cfg_set(&port, kv, eq + 1, err, sizeof(err));
			if (rc != 0) {
				assert_int_equal(rc, -EINVAL);
				got_set = err;
				break;
			}
		}
		if (got_set == NULL) {
			strcpy(err, "(no message)");
			rc = vs_port_cfg_check(&port, err, sizeof(err));
			if (rc != 0) {
				assert_int_equal(rc, -EINVAL);
				got_check = err;
			}
		}
		if ((c->set_err == NULL) != (got_set == NULL) ||
		    (got_set != NULL && strcmp(got_set, c->set_err) != 0) ||
		    (c->check_err == NULL) != (got_check == NULL) ||
		    (got_check != NULL && strcmp(got_check, c->check_err) != 0)) {
			print_error("case %zu (%s ...):\n  want set: %s, check: %s\n"
				    "  got  set: %s, check: %s\n", i, c->kv[0],
				    c->set_err ? c->set_err : "ok", c->check_err ? c->check_err : "ok",
				    got_set ? got_set : "ok", got_check ? got_check : "ok");
			failed++;
		}
	}
	assert_int_equal(failed, 0);
}

/* The values vsctl sets land in the struct as YAML would put them. */
static void
test_port_cfg_values(void **state)
{
	struct vs_port_cfg port;
	char err[ERR_LEN];

	(void)state;
	vs_port_cfg_init(&port, "p1");
	assert_string_equal(port.name, "p1");
	assert_int_equal(port.type, VS_PORT_TYPE_COUNT);
	assert_string_equal(vs_port_type_name(port.type), "none");
	assert_string_equal(port.mark.file, "<vsctl>");
	assert_int_equal(vs_port_cfg_set(&port, "type", "af_xdp", err, sizeof(err)), 0);
	assert_int_equal(vs_port_cfg_set(&port, "iface", "veth1", err, sizeof(err)), 0);
	assert_int_equal(vs_port_cfg_set(&port, "tag", "10", err, sizeof(err)), 0);
	assert_int_equal(vs_port_cfg_set(&port, "mtu", "9000", err, sizeof(err)), 0);
	assert_int_equal(vs_port_cfg_check(&port, err, sizeof(err)), 0);
	assert_int_equal(port.type, VS_PORT_AF_XDP);
	assert_string_equal(port.iface, "veth1");
	assert_int_equal(port.vlan.mode, VS_VLAN_ACCESS);
	assert_int_equal(port.vlan.tag, 10);
	assert_int_equal(port.mtu, 9000);

	/* vhost-user: defaults, then every key it takes. */
	vs_port_cfg_init(&port, "vm1");
	assert_string_equal(port.path, "");
	assert_int_equal(port.queues, 1);
	assert_int_equal(port.numa, -1);
	assert_int_equal(port.socket_mode, 0660);
	assert_int_equal(vs_port_cfg_set(&port, "type", "vhost-user", err, sizeof(err)), 0);
	assert_int_equal(vs_port_cfg_set(&port, "path", "/run/vm1.sock", err, sizeof(err)), 0);
	assert_int_equal(vs_port_cfg_set(&port, "queues", "4", err, sizeof(err)), 0);
	assert_int_equal(vs_port_cfg_set(&port, "numa", "1", err, sizeof(err)), 0);
	assert_int_equal(vs_port_cfg_set(&port, "socket_mode", "0600", err, sizeof(err)), 0);
	assert_int_equal(vs_port_cfg_check(&port, err, sizeof(err)), 0);
	assert_int_equal(port.type, VS_PORT_VHOST_USER);
	assert_string_equal(port.path, "/run/vm1.sock");
	assert_int_equal(port.queues, 4);
	assert_int_equal(port.numa, 1);
	assert_int_equal(port.socket_mode, 0600);
	/* numa=auto goes back to -1; socket_mode is octal even without the 0. */
	assert_int_equal(vs_port_cfg_set(&port, "numa", "auto", err, sizeof(err)), 0);
	assert_int_equal(port.numa, -1);
	assert_int_equal(vs_port_cfg_set(&port, "socket_mode", "640", err, sizeof(err)), 0);
	assert_int_equal(port.socket_mode, 0640);
	/* A refused value changes nothing. */
	assert_int_equal(vs_port_cfg_set(&port, "path", "rel.sock", err, sizeof(err)), -EINVAL);
	assert_int_equal(vs_port_cfg_set(&port, "queues", "17", err, sizeof(err)), -EINVAL);
	assert_int_equal(vs_port_cfg_set(&port, "numa", "8", err, sizeof(err)), -EINVAL);
	assert_string_equal(port.path, "/run/vm1.sock");
	assert_int_equal(port.queues, 4);
	assert_int_equal(port.numa, -1);
	/* set-port to vhost-user-client: a socket_mode of its own is in the way. */
	assert_int_equal(vs_port_cfg_set(&port, "type", "vhost-user-client", err, sizeof(err)),
			 -EINVAL);
	assert_string_equal(err, "type: 'socket_mode' does not apply to a port of type "
			    "vhost-user-client");
	assert_int_equal(port.type, VS_PORT_VHOST_USER);
	assert_int_equal(vs_port_cfg_set(&port, "socket_mode", "0660", err, sizeof(err)), 0);
	assert_int_equal(vs_port_cfg_set(&port, "type", "vhost-user-client", err, sizeof(err)), 0);
	assert_int_equal(vs_port_cfg_check(&port, err, sizeof(err)), 0);
	assert_int_equal(port.type, VS_PORT_VHOST_USER_CLIENT);

	/* trunks= replaces the set. */
	vs_port_cfg_init(&port, "p1");
	assert_int_equal(vs_port_cfg_set(&port, "trunks", "5-7", err, sizeof(err)), 0);
	assert_int_equal(vs_port_cfg_set(&port, "trunks", "100", err, sizeof(err)), 0);
	assert_false(vs_vlan_trunk_allows(&port.vlan, 6));
	assert_true(vs_vlan_trunk_allows(&port.vlan, 100));
	assert_int_equal(port.vlan.mode, VS_VLAN_TRUNK);

	/* A name that does not fit is refused by the check, not cut. */
	vs_port_cfg_init(&port, "abcdefghijabcdefghijabcdefghij123");
	vs_port_cfg_set(&port, "type", "patch", err, sizeof(err));
	vs_port_cfg_set(&port, "peer", "x", err, sizeof(err));
	assert_int_equal(vs_port_cfg_check(&port, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "name: missing or longer than 31 characters");
	vs_port_cfg_init(&port, "a b");
	vs_port_cfg_set(&port, "type", "patch", err, sizeof(err));
	vs_port_cfg_set(&port, "peer", "x", err, sizeof(err));
	assert_int_equal(vs_port_cfg_check(&port, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "name: invalid name 'a b' (expected 1..31 characters of A-Z a-z "
			    "0-9 _ . -)");

	/* A newline in a value does not break the one-line message. */
	assert_int_equal(vs_port_cfg_set(&port, "mtu\n", "1", err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "mtu?: unknown key (expected one of: type, devargs, iface, peer, "
			    "path, queues, numa, socket_mode, rxq, txq, mtu, rx_desc, tx_desc, tag, "
			    "trunks, native, vlan_mode)");
	assert_int_equal(vs_port_cfg_set(&port, "tag", NULL, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "tag: missing value");
}

static void
test_bridge_init_and_names(void **state)
{
	struct vs_bridge_cfg br;

	(void)state;
	vs_bridge_cfg_init(&br, "br0");
	assert_string_equal(br.name, "br0");
	assert_int_equal(br.mac_aging_s, 300);
	assert_int_equal(br.mac_table_size, 262144);
	assert_null(br.ports);
	assert_int_equal(br.n_ports, 0);

	assert_string_equal(vs_port_type_name(VS_PORT_DPDK), "dpdk");
	assert_string_equal(vs_port_type_name(VS_PORT_AF_XDP), "af_xdp");
	assert_string_equal(vs_port_type_name(VS_PORT_PATCH), "patch");
	assert_string_equal(vs_port_type_name(VS_PORT_VHOST_USER), "vhost-user");
	assert_string_equal(vs_port_type_name(VS_PORT_VHOST_USER_CLIENT), "vhost-user-client");
	assert_string_equal(vs_port_type_name(VS_PORT_TYPE_COUNT), "none");
	assert_string_equal(vs_vlan_mode_name(VS_VLAN_ACCESS), "access");
	assert_string_equal(vs_vlan_mode_name(VS_VLAN_TRUNK), "trunk");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_empty_mapping),
		cmocka_unit_test(test_null_sections),
		cmocka_unit_test(test_full_example),
		cmocka_unit_test(test_full_example_file),
		cmocka_unit_test(test_port_defaults),
		cmocka_unit_test(test_trunks_bitmap),
		cmocka_unit_test(test_patch_pairs),
		cmocka_unit_test(test_vlan_modes),
		cmocka_unit_test(test_vhost_ports),
		cmocka_unit_test(test_scalars),
		cmocka_unit_test(test_real_online_cpus),
		cmocka_unit_test(test_load_file),
		cmocka_unit_test(test_bad_configs),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_long_values),
		cmocka_unit_test(test_port_cfg_set_check),
		cmocka_unit_test(test_port_cfg_values),
		cmocka_unit_test(test_bridge_init_and_names),
	};

	return cmocka_run_group_tests(tests, setup_cpus, restore_cpus);
}
