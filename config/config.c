/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * switch.yaml (or vsctl key=value port options) -> validated struct vs_config.
 *
 * Two layers:
 * - port_set()/port_check() (public: vs_port_cfg_set()/vs_port_cfg_check())
 *   are the only place where a port option is parsed and range-checked. They
 *   say why a value is wrong, without a position.
 * - The YAML loader turns libyaml events into a small tree that keeps every
 *   node's position, walks it against the schema, hands port options to the
 *   port layer and prefixes each message with "FILE:LINE:COL: PATH: ".
 *
 * Runs on the control thread only. Nothing here touches DPDK, and a config
 * that fails validation is freed before the caller sees it.
 */

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "clip.h"
#include "config.h"
#include "flow.h"

#define WHY_MAX 384                     /* one message, without position and path */
#define YPATH_MAX 192                   /* "bridges[12].ports[3] 'p1'.vlan.trunks[7]" */
#define MAX_DEPTH 32                    /* YAML nesting accepted; the schema needs 5 */
#define MAX_FILE_SIZE (16u << 20)       /* a config is a few KiB; refuse to slurp a disk image */
#define CPU_ONLINE_PATH "/sys/devices/system/cpu/online"
#define NAME_CHARS "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-"
#define DEFAULT_SOCKET_MODE 0660        /* control.socket_mode and vhost-user socket_mode */
#define NUMA_MAX 7                      /* highest NUMA node a vhost port's numa may name */

/*
 * Online-CPU override from vs_config_set_online_cpus(), so tests do not
 * depend on the machine. The only global of this module: set before loading,
 * read by the loader, both on the control thread.
 */
static struct {
	bool active;                    /* use online[] instead of sysfs */
	bool online[VS_MAX_CORES];      /* CPU i may be named in pmd.cores */
} cpu_override;

/* ------------------------------------------------------------------------
 * Messages
 */

/* Format into buf; returns -EINVAL so callers can `return fmt(...)`. */
static int __attribute__((format(printf, 3, 4)))
fmt(char *buf, size_t len, const char *f, ...)
{
	va_list ap;

	if (buf == NULL || len == 0)
		return -EINVAL;
	va_start(ap, f);
	vsnprintf(buf, len, f, ap);
	va_end(ap);
	return -EINVAL;
}

/* Append to a NUL-terminated buf of size len, truncating. */
static void __attribute__((format(printf, 3, 4)))
append(char *buf, size_t len, const char *f, ...)
{
	size_t off = strlen(buf);
	va_list ap;

	if (off + 1 >= len)
		return;
	va_start(ap, f);
	vsnprintf(buf + off, len - off, f, ap);
	va_end(ap);
}

/* Messages are one line: a quoted "a\nb" must not split them. */
static void
one_line(char *s)
{
	for (; s != NULL && *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			*s = '?';
}



/* ------------------------------------------------------------------------
 * Value parsers shared by the YAML loader and vsctl
 */

/* What an integer option accepts, for parsing and for messages. */
struct num_spec {
	const char *what;       /* "an integer", "a VLAN ID": "expected WHAT MIN..MAX" */
	const char *noun;       /* before the value in range errors: "VLAN ", "core " or "" */
	uint64_t min;
	uint64_t max;
};

static const struct num_spec vid_spec = { "a VLAN ID", "VLAN ", 1, VS_VLAN_ID_MAX };
static const struct num_spec cpu_spec = { "a CPU number", "core ", 0, VS_MAX_CORES - 1 };
static const struct num_spec auto_cpu_spec = {
	"'auto' or a CPU number", "core ", 0, VS_MAX_CORES - 1
};
static const struct num_spec numa_spec = { "'auto' or a NUMA node", "NUMA node ", 0, NUMA_MAX };

/*
 * Parse the n bytes at s as a decimal integer within spec. Numbers that
 * are negative or too big for any type still read as numbers, so the user
 * hears "out of range" rather than "not an integer".
 */
static int
parse_num_n(const char *s, size_t n, const struct num_spec *spec, uint64_t *out,
	    char *why, size_t len)
{
	char c[CLIP_BUF];
	bool neg = false, big = false;
	uint64_t v = 0;
	size_t i = 0;

	if (n > 0 && s[0] == '-') {
		neg = true;
		i++;
	}
	if (i == n)
		goto bad;
	for (; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			goto bad;
		if (v > (UINT64_MAX - 9) / 10)
			big = true;
		else
			v = v * 10 + (uint64_t)(s[i] - '0');
	}
	if (big || (neg && v != 0) || v < spec->min || v > spec->max)
		return fmt(why, len, "%s%s out of range (expected %" PRIu64 "..%" PRIu64 ")",
			   spec->noun, clip_n(c, s, n), spec->min, spec->max);
	*out = v;
	return 0;
bad:
	return fmt(why, len, "expected %s %" PRIu64 "..%" PRIu64 ", got '%s'",
		   spec->what, spec->min, spec->max, clip_n(c, s, n));
}

static int
parse_num(const char *s, const struct num_spec *spec, uint64_t *out, char *why, size_t len)
{
	return parse_num_n(s, strlen(s), spec, out, why, len);
}

/* "auto" -> *out = auto_val, else an integer within spec. */
static int
parse_auto_num(const char *s, const struct num_spec *spec, uint64_t auto_val, uint64_t *out,
	       char *why, size_t len)
{
	if (strcmp(s, "auto") == 0) {
		*out = auto_val;
		return 0;
	}
	return parse_num(s, spec, out, why, len);
}

/*
 * Unix permission bits in octal, whether YAML saw 0660 or "0660" or 660 (a
 * mode is always octal, so the leading 0 is optional), or 0o660.
 * setuid/setgid/sticky are refused: a socket has no use for them.
 */
static int
parse_mode(const char *s, unsigned *out, char *why, size_t len)
{
	char c[CLIP_BUF];
	const char *d = strncmp(s, "0o", 2) == 0 ? s + 2 : s;
	unsigned v = 0;

	if (*d == '\0' || strspn(d, "01234567") != strlen(d))
		goto bad;
	for (; *d != '\0'; d++) {
		v = v * 8 + (unsigned)(*d - '0');
		if (v > 0777)
			goto bad;
	}
	*out = v;
	return 0;
bad:
	return fmt(why, len, "expected octal permission bits 0000..0777, got '%s'", clip(c, s));
}

/*
 * Add a comma list of VIDs and ranges ("10, 20-30") to a trunk bitmap.
 * Overlaps are harmless; an empty list or item is an error because it is
 * more likely a typo than "no VLANs".
 */
static int
parse_trunks(const char *s, uint64_t bm[64], char *why, size_t len)
{
	char c[CLIP_BUF];
	uint64_t lo, hi, v;
	const char *item = s;

	if (s[strspn(s, " \t")] == '\0')
		return fmt(why, len, "expected VLAN IDs and ranges like '10,20-30', got '%s'",
			   clip(c, s));
	for (;;) {
		size_t n = strcspn(item, ",");
		const char *next = item[n] == ',' ? item + n + 1 : NULL;
		const char *dash;

		/* Items may be padded: "10, 20". */
		while (n > 0 && (*item == ' ' || *item == '\t')) {
			item++;
			n--;
		}
		while (n > 0 && (item[n - 1] == ' ' || item[n - 1] == '\t'))
			n--;
		/* A leading '-' is a sign, not a range: "-5" is out of range. */
		dash = n > 1 ? memchr(item + 1, '-', n - 1) : NULL;
		if (dash == NULL) {
			if (parse_num_n(item, n, &vid_spec, &lo, why, len) < 0)
				return -EINVAL;
			hi = lo;
		} else {
			if (parse_num_n(item, (size_t)(dash - item), &vid_spec, &lo, why, len) < 0 ||
			    parse_num_n(dash + 1, n - (size_t)(dash - item) - 1, &vid_spec, &hi,
					why, len) < 0)
				return -EINVAL;
			if (lo > hi)
				return fmt(why, len, "invalid VLAN range '%s' (start above end)",
					   clip_n(c, item, n));
		}
		for (v = lo; v <= hi; v++)
			bm[v >> 6] |= UINT64_C(1) << (v & 63);
		if (next == NULL)
			return 0;
		item = next;
	}
}

/* Bridge, port and peer names: what vsctl, logs and the control socket can show plainly. */
static int
check_name(const char *s, char *why, size_t len)
{
	char c[CLIP_BUF];
	size_t n = strlen(s);

	if (n == 0 || n >= VS_NAME_MAX || strspn(s, NAME_CHARS) != n)
		return fmt(why, len, "invalid name '%s' (expected 1..%d characters of A-Z a-z 0-9 _ . -)",
			   clip(c, s), VS_NAME_MAX - 1);
	return 0;
}

/* The kernel's rules for interface names (dev_valid_name()). */
static int
check_ifname(const char *s, char *why, size_t len)
{
	char c[CLIP_BUF];
	size_t n = strlen(s);

	if (n == 0 || n >= IF_NAMESIZE || strcmp(s, ".") == 0 || strcmp(s, "..") == 0 ||
	    strpbrk(s, "/: \t\n\r\v\f") != NULL)
		return fmt(why, len, "invalid interface name '%s' (expected 1..%d characters, "
			   "no '/', ':' or spaces)", clip(c, s), IF_NAMESIZE - 1);
	return 0;
}

/* ------------------------------------------------------------------------
 * Port options: the single place that parses and checks them
 */

enum port_key_id {
	PK_TYPE,
	PK_DEVARGS,
	PK_IFACE,
	PK_PEER,
	PK_PATH,
	PK_QUEUES,
	PK_NUMA,
	PK_SOCKET_MODE,
	PK_RXQ,
	PK_TXQ,
	PK_MTU,
	PK_RX_DESC,
	PK_TX_DESC,
	PK_TAG,
	PK_TRUNKS,
	PK_NATIVE,
	PK_VLAN_MODE,
	PK_COUNT,
};

#define T_DPDK (1u << VS_PORT_DPDK)
#define T_AF_XDP (1u << VS_PORT_AF_XDP)
#define T_PATCH (1u << VS_PORT_PATCH)
#define T_VHOST_USER (1u << VS_PORT_VHOST_USER)
#define T_VHOST_USER_CLIENT (1u << VS_PORT_VHOST_USER_CLIENT)
#define T_VHOST (T_VHOST_USER | T_VHOST_USER_CLIENT)
#define T_ALL (T_DPDK | T_AF_XDP | T_PATCH | T_VHOST)
#define T_NIC (T_DPDK | T_AF_XDP)       /* ports with real queues and descriptors */

/* Keep in the order of port_keys[]: it is the list shown for an unknown key. */
#define PORT_KEY_LIST "type, devargs, iface, peer, path, queues, numa, socket_mode, rxq, txq, " \
	"mtu, rx_desc, tx_desc, tag, trunks, native, vlan_mode"

/* Keep in the order of port_type_names[]. */
#define PORT_TYPE_LIST "dpdk, af_xdp, patch, vhost-user, vhost-user-client"

/* One vs_port_cfg_set() key. */
static const struct port_key {
	const char *key;
	unsigned types;                 /* T_* of the port types it applies to */
	bool is_u16;                    /* a uint16_t member parsed by num */
	size_t off;                     /* is_u16: offset in struct vs_port_cfg */
	struct num_spec num;            /* is_u16: accepted range */
	bool pow2;                      /* is_u16: must be a power of two */
	uint16_t dflt;                  /* is_u16: the value vs_port_cfg_init() sets */
} port_keys[PK_COUNT] = {
	[PK_TYPE] = { .key = "type", .types = T_ALL },
	[PK_DEVARGS] = { .key = "devargs", .types = T_DPDK },
	[PK_IFACE] = { .key = "iface", .types = T_AF_XDP },
	[PK_PEER] = { .key = "peer", .types = T_PATCH },
	[PK_PATH] = { .key = "path", .types = T_VHOST },
	/* Queue pairs, not rxq/txq: the guest's virtio driver decides how many it uses. */
	[PK_QUEUES] = { "queues", T_VHOST, true, offsetof(struct vs_port_cfg, queues),
			{ "an integer", "", 1, VS_MAX_QUEUES }, false, 1 },
	[PK_NUMA] = { .key = "numa", .types = T_VHOST },
	/* vhost-user-client connects to QEMU's socket: it has no socket of its own to chmod. */
	[PK_SOCKET_MODE] = { .key = "socket_mode", .types = T_VHOST_USER },
	[PK_RXQ] = { "rxq", T_NIC, true, offsetof(struct vs_port_cfg, rxq),
		     { "an integer", "", 1, VS_MAX_QUEUES }, false, 1 },
	[PK_TXQ] = { "txq", T_NIC, true, offsetof(struct vs_port_cfg, txq),
		     { "an integer", "", 0, VS_MAX_QUEUES }, false, 0 },
	[PK_MTU] = { "mtu", T_NIC | T_VHOST, true, offsetof(struct vs_port_cfg, mtu),
		     { "an integer", "", 68, 9702 }, false, VS_DEFAULT_MTU },
	[PK_RX_DESC] = { "rx_desc", T_NIC, true, offsetof(struct vs_port_cfg, rx_desc),
			 { "a power of two", "", 64, 4096 }, true, VS_DEFAULT_RX_DESC },
	[PK_TX_DESC] = { "tx_desc", T_NIC, true, offsetof(struct vs_port_cfg, tx_desc),
			 { "a power of two", "", 64, 4096 }, true, VS_DEFAULT_TX_DESC },
	[PK_TAG] = { .key = "tag", .types = T_ALL },
	[PK_TRUNKS] = { .key = "trunks", .types = T_ALL },
	[PK_NATIVE] = { .key = "native", .types = T_ALL },
	[PK_VLAN_MODE] = { .key = "vlan_mode", .types = T_ALL },
};

static const char *const port_type_names[VS_PORT_TYPE_COUNT] = {
	[VS_PORT_DPDK] = "dpdk",
	[VS_PORT_AF_XDP] = "af_xdp",
	[VS_PORT_PATCH] = "patch",
	[VS_PORT_VHOST_USER] = "vhost-user",
	[VS_PORT_VHOST_USER_CLIENT] = "vhost-user-client",
};

const char *
vs_port_type_name(enum vs_port_type t)
{
	/* VS_PORT_TYPE_COUNT is what vs_port_cfg_init() leaves before type= */
	return (unsigned)t < VS_PORT_TYPE_COUNT ? port_type_names[t] : "none";
}

const char *
vs_vlan_mode_name(enum vs_vlan_mode m)
{
	switch (m) {
	case VS_VLAN_TRUNK:
		return "trunk";
	case VS_VLAN_ACCESS:
		return "access";
	}
	return "?";
}

static uint16_t *
port_u16(struct vs_port_cfg *p, const struct port_key *k)
{
	return (uint16_t *)((char *)p + k->off);
}

/* Whether key k holds something other than its vs_port_cfg_init() value. */
static bool
port_key_is_set(struct vs_port_cfg *p, const struct port_key *k)
{
	if (k->is_u16)
		return *port_u16(p, k) != k->dflt;
	if (k == &port_keys[PK_DEVARGS])
		return p->devargs[0] != '\0';
	if (k == &port_keys[PK_IFACE])
		return p->iface[0] != '\0';
	if (k == &port_keys[PK_PEER])
		return p->peer[0] != '\0';
	if (k == &port_keys[PK_PATH])
		return p->path[0] != '\0';
	if (k == &port_keys[PK_NUMA])
		return p->numa != -1;
	if (k == &port_keys[PK_SOCKET_MODE])
		return p->socket_mode != DEFAULT_SOCKET_MODE;
	return false;
}

/*
 * type=: options given before the type (vsctl does not order them) or kept
 * from the old type (set-port) must apply to the new one.
 */
static int
port_set_type(struct vs_port_cfg *p, const char *value, char *why, size_t len)
{
	char c[CLIP_BUF];
	unsigned t, i;

	for (t = 0; t < VS_PORT_TYPE_COUNT; t++)
		if (strcmp(value, port_type_names[t]) == 0)
			break;
	if (t == VS_PORT_TYPE_COUNT)
		return fmt(why, len, "unknown port type '%s' (expected one of: " PORT_TYPE_LIST ")",
			   clip(c, value));
	for (i = 0; i < PK_COUNT; i++)
		if (!(port_keys[i].types & (1u << t)) && port_key_is_set(p, &port_keys[i]))
			return fmt(why, len, "'%s' does not apply to a port of type %s",
				   port_keys[i].key, port_type_names[t]);
	p->type = (enum vs_port_type)t;
	return 0;
}

/*
 * trunks= replaces the allowed set. Unless vlan_mode was given, asking for
 * trunks makes the port a trunk (as tag makes it an access port); conflicts
 * are left to port_check(), which sees the final state.
 */
static void
vlan_set_trunks(struct vs_vlan_cfg *v, const uint64_t bm[64])
{
	memcpy(v->trunks, bm, sizeof(v->trunks));
	v->all_vlans = false;
	if (!v->mode_set)
		v->mode = VS_VLAN_TRUNK;
}

/* vs_port_cfg_set() without the "key: " prefix, for the YAML loader. */
static int
port_set(struct vs_port_cfg *p, const char *key, const char *value, char *why, size_t len)
{
	char c[CLIP_BUF];
	const struct port_key *k = NULL;
	uint64_t bm[64] = { 0 };
	uint64_t v;
	size_t n;
	unsigned i, mode;

	for (i = 0; i < PK_COUNT; i++)
		if (strcmp(key, port_keys[i].key) == 0)
			k = &port_keys[i];
	if (k == NULL)
		return fmt(why, len, "unknown key (expected one of: " PORT_KEY_LIST ")");
	if ((unsigned)p->type < VS_PORT_TYPE_COUNT && !(k->types & (1u << p->type)))
		return fmt(why, len, "'%s' does not apply to a port of type %s",
			   k->key, port_type_names[p->type]);

	if (k->is_u16) {
		if (parse_num(value, &k->num, &v, why, len) < 0)
			return -EINVAL;
		if (k->pow2 && (v & (v - 1)) != 0)
			return fmt(why, len, "expected %s %" PRIu64 "..%" PRIu64 ", got '%s'",
				   k->num.what, k->num.min, k->num.max, clip(c, value));
		*port_u16(p, k) = (uint16_t)v;
		return 0;
	}

	switch ((enum port_key_id)(k - port_keys)) {
	case PK_TYPE:
		return port_set_type(p, value, why, len);
	case PK_DEVARGS:
		n = strlen(value);
		if (n == 0)
			return fmt(why, len, "expected a non-empty devargs string");
		if (n >= sizeof(p->devargs))
			return fmt(why, len, "devargs too long (%zu bytes, max %zu)",
				   n, sizeof(p->devargs) - 1);
		memcpy(p->devargs, value, n + 1);
		return 0;
	case PK_IFACE:
		if (check_ifname(value, why, len) < 0)
			return -EINVAL;
		strcpy(p->iface, value);
		return 0;
	case PK_PEER:
		if (check_name(value, why, len) < 0)
			return -EINVAL;
		strcpy(p->peer, value);
		return 0;
	case PK_PATH:
		/* Relative to what? vswitchd's cwd is not QEMU's, and changes under systemd. */
		if (value[0] != '/')
			return fmt(why, len, "expected an absolute socket path, got '%s'", clip(c, value));
		n = strlen(value);
		if (n >= sizeof(p->path))
			return fmt(why, len, "socket path too long (%zu bytes, max %zu)",
				   n, sizeof(p->path) - 1);
		/* A newline would split log lines and vsctl output; NUL cannot reach here. */
		if (strchr(value, '\n') != NULL)
			return fmt(why, len, "socket path contains a newline");
		memcpy(p->path, value, n + 1);
		return 0;
	case PK_NUMA:
		if (strcmp(value, "auto") == 0) {
			p->numa = -1;
			return 0;
		}
		if (parse_num(value, &numa_spec, &v, why, len) < 0)
			return -EINVAL;
		p->numa = (int16_t)v;
		return 0;
	case PK_SOCKET_MODE:
		if (parse_mode(value, &mode, why, len) < 0)
			return -EINVAL;
		p->socket_mode = (uint16_t)mode;
		return 0;
	case PK_TAG:
		if (parse_num(value, &vid_spec, &v, why, len) < 0)
			return -EINVAL;
		p->vlan.tag = (uint16_t)v;
		if (!p->vlan.mode_set)
			p->vlan.mode = VS_VLAN_ACCESS;
		return 0;
	case PK_TRUNKS:
		if (parse_trunks(value, bm, why, len) < 0)
			return -EINVAL;
		vlan_set_trunks(&p->vlan, bm);
		return 0;
	case PK_NATIVE:
		if (parse_num(value, &vid_spec, &v, why, len) < 0)
			return -EINVAL;
		p->vlan.native = (uint16_t)v;
		if (!p->vlan.mode_set)
			p->vlan.mode = VS_VLAN_TRUNK;
		return 0;
	case PK_VLAN_MODE:
		if (strcmp(value, "access") == 0)
			p->vlan.mode = VS_VLAN_ACCESS;
		else if (strcmp(value, "trunk") == 0)
			p->vlan.mode = VS_VLAN_TRUNK;
		else
			return fmt(why, len, "unknown vlan mode '%s' (expected one of: access, trunk)",
				   clip(c, value));
		p->vlan.mode_set = true;
		return 0;
	default:
		break;
	}
	return fmt(why, len, "internal error: key '%s' not handled", k->key);
}

int
vs_port_cfg_set(struct vs_port_cfg *port, const char *key, const char *value,
		char *err, size_t errlen)
{
	char why[WHY_MAX], c[CLIP_BUF];

	if (port == NULL || key == NULL || value == NULL)
		return fmt(err, errlen, "%s: missing value", key != NULL ? clip(c, key) : "?");
	if (port_set(port, key, value, why, sizeof(why)) < 0) {
		fmt(err, errlen, "%s: %s", clip(c, key), why);
		one_line(err);
		return -EINVAL;
	}
	return 0;
}

/* What port_check() found wrong. */
struct port_problem {
	const char *key;        /* the vs_port_cfg_set() key at fault */
	bool missing;           /* the key is required but not set */
	const char *cond;       /* missing: why it is required ("for a port of type dpdk"), or "" */
	char why[WHY_MAX];      /* !missing: the message */
};

/* vs_port_cfg_check() in parts, so the loader can point at the right node. */
static int
port_check(const struct vs_port_cfg *p, struct port_problem *pb)
{
	const struct vs_vlan_cfg *v = &p->vlan;

	pb->missing = false;
	pb->cond = "";
	pb->why[0] = '\0';
	pb->key = "name";
	if (p->name[0] == '\0')
		return fmt(pb->why, sizeof(pb->why), "missing or longer than %d characters",
			   VS_NAME_MAX - 1);
	if (check_name(p->name, pb->why, sizeof(pb->why)) < 0)
		return -EINVAL;

	pb->missing = true;
	switch (p->type) {
	case VS_PORT_DPDK:
		pb->key = "devargs";
		pb->cond = "for a port of type dpdk";
		if (p->devargs[0] == '\0')
			return -EINVAL;
		break;
	case VS_PORT_AF_XDP:
		pb->key = "iface";
		pb->cond = "for a port of type af_xdp";
		if (p->iface[0] == '\0')
			return -EINVAL;
		break;
	case VS_PORT_PATCH:
		pb->key = "peer";
		pb->cond = "for a port of type patch";
		if (p->peer[0] == '\0')
			return -EINVAL;
		pb->missing = false;
		if (strcmp(p->peer, p->name) == 0)
			return fmt(pb->why, sizeof(pb->why), "a patch port cannot be its own peer");
		break;
	case VS_PORT_VHOST_USER:
		pb->key = "path";
		pb->cond = "for a port of type vhost-user";
		if (p->path[0] == '\0')
			return -EINVAL;
		break;
	case VS_PORT_VHOST_USER_CLIENT:
		pb->key = "path";
		pb->cond = "for a port of type vhost-user-client";
		if (p->path[0] == '\0')
			return -EINVAL;
		break;
	default:
		pb->key = "type";
		return -EINVAL;
	}

	pb->missing = false;
	if (v->mode == VS_VLAN_ACCESS) {
		if (v->tag == 0) {
			pb->key = "tag";
			pb->missing = true;
			pb->cond = "for an access port";
			return -EINVAL;
		}
		pb->key = "trunks";
		if (!v->all_vlans)
			return fmt(pb->why, sizeof(pb->why), "'trunks' does not apply to an access port");
		pb->key = "native";
		if (v->native != 0)
			return fmt(pb->why, sizeof(pb->why), "'native' does not apply to an access port");
	} else {
		pb->key = "tag";
		if (v->tag != 0)
			return fmt(pb->why, sizeof(pb->why), "'tag' does not apply to a trunk port "
				   "(use 'native' for the VLAN of untagged frames)");
		pb->key = "native";
		if (v->native != 0 && !vs_vlan_trunk_allows(v, v->native))
			return fmt(pb->why, sizeof(pb->why), "native VLAN %u is not in trunks",
				   v->native);
	}
	return 0;
}

int
vs_port_cfg_check(const struct vs_port_cfg *port, char *err, size_t errlen)
{
	struct port_problem pb;

	if (port_check(port, &pb) == 0)
		return 0;
	if (pb.missing)
		fmt(err, errlen, "%s: required%s%s", pb.key, *pb.cond ? " " : "", pb.cond);
	else
		fmt(err, errlen, "%s: %s", pb.key, pb.why);
	one_line(err);
	return -EINVAL;
}

/*
 * Names that do not fit are left empty rather than cut, so that
 * vs_port_cfg_check() refuses the port instead of accepting another name.
 */
static void
copy_name(char dst[VS_NAME_MAX], const char *name)
{
	size_t n = name != NULL ? strlen(name) : 0;

	if (n >= VS_NAME_MAX)
		n = 0;
	memcpy(dst, name != NULL ? name : "", n);
	dst[n] = '\0';
}

/* Copy a string that is known to fit, or cut it (marks, paths). */
static void
copy_str(char *dst, size_t size, const char *src)
{
	size_t n = strlen(src);

	if (n >= size)
		n = size - 1;
	memcpy(dst, src, n);
	dst[n] = '\0';
}

void
vs_port_cfg_init(struct vs_port_cfg *port, const char *name)
{
	memset(port, 0, sizeof(*port));
	copy_name(port->name, name);
	port->type = VS_PORT_TYPE_COUNT;        /* no default: type= is required */
	port->queues = 1;
	port->numa = -1;                        /* auto */
	port->socket_mode = DEFAULT_SOCKET_MODE;
	port->rxq = 1;
	port->txq = 0;
	port->mtu = VS_DEFAULT_MTU;
	port->rx_desc = VS_DEFAULT_RX_DESC;
	port->tx_desc = VS_DEFAULT_TX_DESC;
	port->vlan.mode = VS_VLAN_TRUNK;
	port->vlan.all_vlans = true;
	copy_str(port->mark.file, sizeof(port->mark.file), "<vsctl>");
}

void
vs_bridge_cfg_init(struct vs_bridge_cfg *br, const char *name)
{
	memset(br, 0, sizeof(*br));
	copy_name(br->name, name);
	br->mac_aging_s = VS_DEFAULT_MAC_AGING_S;
	br->mac_table_size = VS_DEFAULT_MAC_TABLE_SIZE;
	copy_str(br->mark.file, sizeof(br->mark.file), "<vsctl>");
}

/* ------------------------------------------------------------------------
 * Online CPUs
 */

void
vs_config_set_online_cpus(const bool *online, unsigned n)
{
	unsigned i;

	memset(&cpu_override, 0, sizeof(cpu_override));
	if (online == NULL)
		return;
	cpu_override.active = true;
	for (i = 0; i < n && i < VS_MAX_CORES; i++)
		cpu_override.online[i] = online[i];
}

/* Parse a kernel CPU list ("0-3,8\n"); CPUs beyond VS_MAX_CORES are ignored. */
static int
parse_cpu_list(const char *s, bool online[VS_MAX_CORES])
{
	unsigned long lo, hi, c;
	char *end;

	while (*s != '\0' && *s != '\n') {
		lo = strtoul(s, &end, 10);
		if (end == s)
			return -EINVAL;
		hi = lo;
		if (*end == '-') {
			s = end + 1;
			hi = strtoul(s, &end, 10);
			if (end == s || hi < lo)
				return -EINVAL;
		}
		for (c = lo; c <= hi && c < VS_MAX_CORES; c++)
			online[c] = true;
		s = end;
		if (*s == ',')
			s++;
		else if (*s != '\0' && *s != '\n')
			return -EINVAL;
	}
	return 0;
}

static int
read_online_cpus(bool online[VS_MAX_CORES], char *why, size_t len)
{
	char buf[4096];
	size_t n;
	FILE *f;
	int rc;

	memset(online, 0, VS_MAX_CORES * sizeof(online[0]));
	if (cpu_override.active) {
		memcpy(online, cpu_override.online, sizeof(cpu_override.online));
		return 0;
	}
	f = fopen(CPU_ONLINE_PATH, "re");
	if (f == NULL) {
		rc = -errno;
		fmt(why, len, "cannot read " CPU_ONLINE_PATH ": %s", strerror(-rc));
		return rc;
	}
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	if (parse_cpu_list(buf, online) < 0)
		return fmt(why, len, "cannot parse " CPU_ONLINE_PATH);
	return 0;
}

/* "0-3,8" or "none", for messages. */
static void
format_cpus(const bool online[VS_MAX_CORES], char *buf, size_t len)
{
	unsigned c = 0, end;

	buf[0] = '\0';
	while (c < VS_MAX_CORES) {
		if (!online[c]) {
			c++;
			continue;
		}
		for (end = c; end + 1 < VS_MAX_CORES && online[end + 1]; end++)
			;
		append(buf, len, "%s%u", buf[0] != '\0' ? "," : "", c);
		if (end > c)
			append(buf, len, "-%u", end);
		c = end + 1;
	}
	if (buf[0] == '\0')
		copy_str(buf, len, "none");
}

/* ------------------------------------------------------------------------
 * YAML -> tree of positioned nodes
 *
 * The event API rather than yaml_parser_load(): it shows aliases (which
 * the document API resolves silently, losing their position) and lets us
 * stop at the first error without building the rest.
 */

enum ykind {
	Y_SCALAR,
	Y_SEQ,
	Y_MAP,
	Y_ALIAS,
};

/* One YAML node and where it starts. */
struct ynode {
	enum ykind kind;
	unsigned line;                  /* 1-based */
	unsigned col;                   /* 1-based */
	char *text;                     /* scalar: value; alias: anchor name */
	size_t len;                     /* scalar: bytes in text; a "\0" escape makes it > strlen */
	bool plain;                     /* scalar: unquoted, so '', ~ and null mean null */
	char *tag;                      /* explicit tag (!!str, !x), or NULL */
	struct ynode **kids;            /* list: items; mapping: key, value, key, value, ... */
	size_t n_kids;
	size_t cap;                     /* allocated entries in kids */
};

static void
tree_free(struct ynode *n)
{
	size_t i;

	if (n == NULL)
		return;
	for (i = 0; i < n->n_kids; i++)
		tree_free(n->kids[i]);
	free(n->kids);
	free(n->text);
	free(n->tag);
	free(n);
}

static char *
dup_n(const void *s, size_t n)
{
	char *d = malloc(n + 1);

	if (d != NULL) {
		memcpy(d, s, n);
		d[n] = '\0';
	}
	return d;
}

static struct ynode *
node_new(const yaml_event_t *ev)
{
	struct ynode *n = calloc(1, sizeof(*n));
	const yaml_char_t *tag = NULL;

	if (n == NULL)
		return NULL;
	n->line = (unsigned)ev->start_mark.line + 1;
	n->col = (unsigned)ev->start_mark.column + 1;
	switch (ev->type) {
	case YAML_SCALAR_EVENT:
		n->kind = Y_SCALAR;
		n->len = ev->data.scalar.length;
		n->text = dup_n(ev->data.scalar.value, n->len);
		n->plain = ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
		tag = ev->data.scalar.tag;
		break;
	case YAML_ALIAS_EVENT:
		n->kind = Y_ALIAS;
		n->text = strdup((const char *)ev->data.alias.anchor);
		break;
	case YAML_SEQUENCE_START_EVENT:
		n->kind = Y_SEQ;
		tag = ev->data.sequence_start.tag;
		break;
	default:
		n->kind = Y_MAP;
		tag = ev->data.mapping_start.tag;
		break;
	}
	if (tag != NULL)
		n->tag = strdup((const char *)tag);
	if ((ev->type == YAML_SCALAR_EVENT || ev->type == YAML_ALIAS_EVENT) && n->text == NULL) {
		tree_free(n);
		return NULL;
	}
	if (tag != NULL && n->tag == NULL) {
		tree_free(n);
		return NULL;
	}
	return n;
}

static int
node_add_kid(struct ynode *parent, struct ynode *kid)
{
	struct ynode **k;

	if (parent->n_kids == parent->cap) {
		size_t cap = parent->cap ? parent->cap * 2 : 8;

		k = realloc(parent->kids, cap * sizeof(*k));
		if (k == NULL)
			return -ENOMEM;
		parent->kids = k;
		parent->cap = cap;
	}
	parent->kids[parent->n_kids++] = kid;
	return 0;
}

/* libyaml's error as "FILE:LINE:COL: ...". */
static int
yaml_error(const char *file, const char *buf, size_t len, const yaml_parser_t *p,
	   char *err, size_t errlen)
{
	unsigned line = 1, col = 1;
	size_t i;

	switch (p->error) {
	case YAML_MEMORY_ERROR:
		fmt(err, errlen, "%s: out of memory", file);
		return -ENOMEM;
	case YAML_READER_ERROR:
		/* The reader (encoding, control characters) gives a byte offset only. */
		for (i = 0; i < p->problem_offset && i < len; i++) {
			if (buf[i] == '\n') {
				line++;
				col = 1;
			} else {
				col++;
			}
		}
		fmt(err, errlen, "%s:%u:%u: %s", file, line, col, p->problem);
		if (p->problem_value != -1)
			append(err, errlen, " (0x%02x)", (unsigned)p->problem_value);
		break;
	default:
		fmt(err, errlen, "%s:%zu:%zu: syntax error: %s", file,
		    p->problem_mark.line + 1, p->problem_mark.column + 1,
		    p->problem != NULL ? p->problem : "unknown problem");
		if (p->context != NULL)
			append(err, errlen, " (%s at %zu:%zu)", p->context,
			       p->context_mark.line + 1, p->context_mark.column + 1);
		break;
	}
	one_line(err);
	return -EINVAL;
}

/* Parse one YAML document into *rootp (NULL when the stream has none). */
static int
tree_parse(const char *file, const char *buf, size_t len, struct ynode **rootp,
	   char *err, size_t errlen)
{
	struct ynode *stack[MAX_DEPTH];
	struct ynode *root = NULL, *n;
	unsigned depth = 0, docs = 0;
	yaml_parser_t parser;
	yaml_event_t ev;
	bool done = false;
	int rc = 0;

	*rootp = NULL;
	if (!yaml_parser_initialize(&parser)) {
		fmt(err, errlen, "%s: out of memory", file);
		return -ENOMEM;
	}
	yaml_parser_set_input_string(&parser, (const unsigned char *)buf, len);
	while (!done && rc == 0) {
		if (!yaml_parser_parse(&parser, &ev)) {
			rc = yaml_error(file, buf, len, &parser, err, errlen);
			break;
		}
		switch (ev.type) {
		case YAML_DOCUMENT_START_EVENT:
			if (docs++ > 0)
				rc = fmt(err, errlen, "%s:%zu:%zu: multiple YAML documents are not "
					 "supported", file, ev.start_mark.line + 1,
					 ev.start_mark.column + 1);
			break;
		case YAML_SCALAR_EVENT:
		case YAML_ALIAS_EVENT:
		case YAML_SEQUENCE_START_EVENT:
		case YAML_MAPPING_START_EVENT:
			n = node_new(&ev);
			if (n == NULL) {
				rc = -ENOMEM;
				break;
			}
			if (depth == 0) {
				root = n;
			} else if (node_add_kid(stack[depth - 1], n) < 0) {
				tree_free(n);
				rc = -ENOMEM;
				break;
			}
			if (n->kind != Y_SEQ && n->kind != Y_MAP)
				break;
			if (depth == MAX_DEPTH) {
				rc = fmt(err, errlen, "%s:%u:%u: nested deeper than %d levels",
					 file, n->line, n->col, MAX_DEPTH);
				break;
			}
			stack[depth++] = n;
			break;
		case YAML_SEQUENCE_END_EVENT:
		case YAML_MAPPING_END_EVENT:
			depth--;
			break;
		case YAML_STREAM_END_EVENT:
			done = true;
			break;
		default:
			break;
		}
		yaml_event_delete(&ev);
	}
	yaml_parser_delete(&parser);
	if (rc == -ENOMEM)
		fmt(err, errlen, "%s: out of memory", file);
	if (rc < 0) {
		tree_free(root);
		return rc;
	}
	*rootp = root;
	return 0;
}

/* ------------------------------------------------------------------------
 * Tree -> struct vs_config
 */

/* A port seen by the loader, for the checks that need all of them. */
struct port_ref {
	struct vs_port_cfg *port;       /* in its bridge's ports array */
	unsigned bridge;                /* index in cfg->bridges */
	const struct ynode *name;       /* value node of its name */
	const struct ynode *peer;       /* value node of its peer, or NULL */
	const struct ynode *sock;       /* value node of its vhost socket path, or NULL */
	const struct ynode *iface;      /* value node of its af_xdp interface, or NULL */
	char path[YPATH_MAX];           /* "bridges[0].ports[1] 'p1'" */
};

/* State of one vs_config_load_*() call. */
struct loader {
	const char *file;                               /* name used in messages */
	char *err;                                      /* the caller's message buffer */
	size_t errlen;
	struct vs_config *cfg;                          /* being filled; freed on error */
	bool cpus_read;                                 /* online[] is valid */
	bool online[VS_MAX_CORES];                      /* CPUs that pmd.cores may name */
	const struct ynode *core_node[VS_MAX_CORES];    /* pmd.cores entry naming CPU i */
	const struct ynode *bridge_name[VS_MAX_BRIDGES]; /* name value of each bridge */
	struct port_ref ports[VS_MAX_PORTS];            /* all ports, in file order */
	unsigned n_ports;
};

/* "FILE:LINE:COL: PATH: message"; returns -EINVAL. */
static int __attribute__((format(printf, 4, 5)))
lerr(struct loader *ld, const struct ynode *at, const char *path, const char *f, ...)
{
	size_t off;
	va_list ap;

	if (ld->err == NULL || ld->errlen == 0)
		return -EINVAL;
	fmt(ld->err, ld->errlen, "%s:%u:%u: %s%s", ld->file, at->line, at->col,
	    path, *path != '\0' ? ": " : "");
	off = strlen(ld->err);
	if (off + 1 < ld->errlen) {
		va_start(ap, f);
		vsnprintf(ld->err + off, ld->errlen - off, f, ap);
		va_end(ap);
	}
	one_line(ld->err);
	return -EINVAL;
}

static int
oom(struct loader *ld)
{
	fmt(ld->err, ld->errlen, "%s: out of memory", ld->file);
	return -ENOMEM;
}

/* dst = parent + f...; dst may be parent. */
static void __attribute__((format(printf, 3, 4)))
path_fmt(char dst[YPATH_MAX], const char *parent, const char *f, ...)
{
	va_list ap;

	if (dst != parent)
		copy_str(dst, YPATH_MAX, parent);
	if (strlen(dst) + 1 >= YPATH_MAX)
		return;
	va_start(ap, f);
	vsnprintf(dst + strlen(dst), YPATH_MAX - strlen(dst), f, ap);
	va_end(ap);
}

static void
path_key(char dst[YPATH_MAX], const char *parent, const char *key)
{
	char c[CLIP_BUF];

	path_fmt(dst, parent, "%s%s", *parent != '\0' ? "." : "", clip(c, key));
}

static bool
is_null(const struct ynode *n)
{
	return n->kind == Y_SCALAR && n->plain &&
	       (n->len == 0 || strcmp(n->text, "~") == 0 || strcmp(n->text, "null") == 0 ||
		strcmp(n->text, "Null") == 0 || strcmp(n->text, "NULL") == 0);
}

/* "a list", "a mapping", "null" or "'text'", after "got". */
static const char *
node_desc(const struct ynode *n, char buf[CLIP_BUF + 2])
{
	char c[CLIP_BUF];

	if (n->kind == Y_MAP)
		return "a mapping";
	if (n->kind == Y_SEQ)
		return n->n_kids == 0 ? "an empty list" : "a list";
	if (n->kind == Y_ALIAS)
		return "an alias";
	if (is_null(n))
		return "null";
	fmt(buf, CLIP_BUF + 2, "'%s'", clip_n(c, n->text, n->len));
	return buf;
}

/* Refuse what we do not support anywhere: aliases and tags. */
static int
node_ok(struct loader *ld, const struct ynode *n, const char *path)
{
	char c[CLIP_BUF];

	if (n->kind == Y_ALIAS)
		return lerr(ld, n, path, "YAML aliases are not supported (*%s)", clip(c, n->text));
	if (n->tag != NULL)
		return lerr(ld, n, path, "YAML tags are not supported (%s)", clip(c, n->tag));
	return 0;
}

/* 0: a mapping; 1: null and null_ok (an empty section); <0: error. */
static int
want_map(struct loader *ld, const struct ynode *n, const char *path, bool null_ok)
{
	char d[CLIP_BUF + 2];

	if (node_ok(ld, n, path) < 0)
		return -EINVAL;
	if (n->kind == Y_MAP)
		return 0;
	if (null_ok && is_null(n))
		return 1;
	return lerr(ld, n, path, "expected a mapping, got %s", node_desc(n, d));
}

/* 0: a list; 1: null (no items); <0: error. */
static int
want_seq(struct loader *ld, const struct ynode *n, const char *path)
{
	char d[CLIP_BUF + 2];

	if (node_ok(ld, n, path) < 0)
		return -EINVAL;
	if (n->kind == Y_SEQ)
		return 0;
	if (is_null(n))
		return 1;
	return lerr(ld, n, path, "expected a list, got %s", node_desc(n, d));
}

/* A single non-null value without NULs; *text points into the tree. */
static int
want_scalar(struct loader *ld, const struct ynode *n, const char *path, const char **text)
{
	char d[CLIP_BUF + 2];

	if (node_ok(ld, n, path) < 0)
		return -EINVAL;
	if (n->kind != Y_SCALAR)
		return lerr(ld, n, path, "expected a single value, got %s", node_desc(n, d));
	if (is_null(n))
		return lerr(ld, n, path, "missing value");
	if (strlen(n->text) != n->len)
		return lerr(ld, n, path, "value contains a NUL character");
	*text = n->text;
	return 0;
}

/* Check every key of a mapping: a plain string, known, given once. */
static int
check_keys(struct loader *ld, const struct ynode *map, const char *path,
	   const char *const keys[])
{
	char kp[YPATH_MAX], list[256] = "", d[CLIP_BUF + 2], c[CLIP_BUF];
	const struct ynode *k, *prev;
	size_t i, j;

	for (i = 0; keys[i] != NULL; i++)
		append(list, sizeof(list), "%s%s", i ? ", " : "", keys[i]);
	for (i = 0; i < map->n_kids; i += 2) {
		k = map->kids[i];
		if (node_ok(ld, k, path) < 0)
			return -EINVAL;
		if (k->kind != Y_SCALAR)
			return lerr(ld, k, path, "expected a key, got %s", node_desc(k, d));
		path_key(kp, path, k->text);
		for (j = 0; keys[j] != NULL; j++)
			if (strcmp(k->text, keys[j]) == 0 && k->len == strlen(keys[j]))
				break;
		if (keys[j] == NULL)
			return lerr(ld, k, kp, "unknown key (expected one of: %s)", list);
		for (j = 0; j < i; j += 2) {
			prev = map->kids[j];
			if (strcmp(prev->text, k->text) == 0)
				return lerr(ld, k, kp, "duplicate key '%s' (first at %s:%u:%u)",
					    clip(c, k->text), ld->file, prev->line, prev->col);
		}
	}
	return 0;
}

/* The value of a key that check_keys() accepted, or NULL. */
static const struct ynode *
map_get(const struct ynode *map, const char *key)
{
	size_t i;

	for (i = 0; i < map->n_kids; i += 2)
		if (strcmp(map->kids[i]->text, key) == 0)
			return map->kids[i + 1];
	return NULL;
}

/* Read a scalar integer option (with 'auto' when auto_ok). */
static int
load_num(struct loader *ld, const struct ynode *map, const char *parent, const char *key,
	 const struct num_spec *spec, bool auto_ok, uint64_t auto_val, uint64_t *out)
{
	const struct ynode *n = map_get(map, key);
	char p[YPATH_MAX], why[WHY_MAX];
	const char *s;
	int rc;

	if (n == NULL)
		return 0;
	path_key(p, parent, key);
	if (want_scalar(ld, n, p, &s) < 0)
		return -EINVAL;
	rc = auto_ok ? parse_auto_num(s, spec, auto_val, out, why, sizeof(why)) :
		       parse_num(s, spec, out, why, sizeof(why));
	return rc < 0 ? lerr(ld, n, p, "%s", why) : 0;
}

/* Read a non-empty string option into dst[size]. */
static int
load_str(struct loader *ld, const struct ynode *map, const char *parent, const char *key,
	 char *dst, size_t size, const char *what)
{
	const struct ynode *n = map_get(map, key);
	char p[YPATH_MAX];
	const char *s;
	size_t len;

	if (n == NULL)
		return 0;
	path_key(p, parent, key);
	if (want_scalar(ld, n, p, &s) < 0)
		return -EINVAL;
	len = strlen(s);
	if (len == 0)
		return lerr(ld, n, p, "expected a non-empty %s", what);
	if (len >= size)
		return lerr(ld, n, p, "%s too long (%zu bytes, max %zu)", what, len, size - 1);
	memcpy(dst, s, len + 1);
	return 0;
}

static int
load_dpdk(struct loader *ld, const struct ynode *n)
{
	static const char *const keys[] = { "memory_mb", "hugepage_dir", "extra_args", "mbufs", NULL };
	static const struct num_spec mem = { "'auto' or an integer", "", 64, 1048576 };
	static const struct num_spec mbufs = { "'auto' or an integer", "", 4096, 16777216 };
	struct vs_config *cfg = ld->cfg;
	const struct ynode *args;
	char p[YPATH_MAX];
	const char *s;
	uint64_t v;
	size_t i;
	int rc;

	rc = want_map(ld, n, "dpdk", true);
	if (rc != 0)
		return rc < 0 ? rc : 0;
	if (check_keys(ld, n, "dpdk", keys) < 0)
		return -EINVAL;

	v = cfg->dpdk.memory_mb;
	if (load_num(ld, n, "dpdk", "memory_mb", &mem, true, 0, &v) < 0)
		return -EINVAL;
	cfg->dpdk.memory_mb = (unsigned)v;
	if (load_str(ld, n, "dpdk", "hugepage_dir", cfg->dpdk.hugepage_dir,
		     sizeof(cfg->dpdk.hugepage_dir), "path") < 0)
		return -EINVAL;
	v = cfg->dpdk.mbufs;
	if (load_num(ld, n, "dpdk", "mbufs", &mbufs, true, 0, &v) < 0)
		return -EINVAL;
	cfg->dpdk.mbufs = (unsigned)v;

	args = map_get(n, "extra_args");
	if (args == NULL)
		return 0;
	rc = want_seq(ld, args, "dpdk.extra_args");
	if (rc != 0)
		return rc < 0 ? rc : 0;
	for (i = 0; i < args->n_kids; i++) {
		fmt(p, sizeof(p), "dpdk.extra_args[%zu]", i);
		if (i == VS_MAX_EXTRA_ARGS)
			return lerr(ld, args->kids[i], p, "too many EAL arguments (max %d)",
				    VS_MAX_EXTRA_ARGS);
		if (want_scalar(ld, args->kids[i], p, &s) < 0)
			return -EINVAL;
		if (*s == '\0')
			return lerr(ld, args->kids[i], p, "expected a non-empty string");
		cfg->dpdk.extra_args[i] = strdup(s);
		if (cfg->dpdk.extra_args[i] == NULL)
			return oom(ld);
		cfg->dpdk.n_extra_args++;
	}
	return 0;
}

/* A CPU named in pmd: a number, below VS_MAX_CORES and online. */
static int
load_cpu(struct loader *ld, const struct ynode *n, const char *path, const char *s,
	 const struct num_spec *spec, unsigned *cpu)
{
	char why[WHY_MAX], list[512];
	uint64_t v;

	if (parse_num(s, spec, &v, why, sizeof(why)) < 0)
		return lerr(ld, n, path, "%s", why);
	if (!ld->cpus_read) {
		if (read_online_cpus(ld->online, why, sizeof(why)) < 0)
			return lerr(ld, n, path, "cannot check core %" PRIu64 ": %s", v, why);
		ld->cpus_read = true;
	}
	if (!ld->online[v]) {
		format_cpus(ld->online, list, sizeof(list));
		return lerr(ld, n, path, "core %" PRIu64 " is not online (online CPUs: %s)", v, list);
	}
	*cpu = (unsigned)v;
	return 0;
}

static int
load_pmd(struct loader *ld, const struct ynode *n)
{
	static const char *const keys[] = { "cores", "control_core", NULL };
	struct vs_config *cfg = ld->cfg;
	const struct ynode *cores, *cc, *item, *first;
	char p[YPATH_MAX], d[CLIP_BUF + 2];
	const char *s;
	unsigned cpu;
	size_t i;
	int rc;

	rc = want_map(ld, n, "pmd", true);
	if (rc != 0)
		return rc < 0 ? rc : 0;
	if (check_keys(ld, n, "pmd", keys) < 0)
		return -EINVAL;

	cores = map_get(n, "cores");
	if (cores != NULL) {
		if (node_ok(ld, cores, "pmd.cores") < 0)
			return -EINVAL;
		if (cores->kind == Y_SCALAR && strcmp(cores->text, "auto") == 0) {
			cfg->pmd.auto_cores = true;
		} else if (cores->kind == Y_SEQ && cores->n_kids > 0) {
			cfg->pmd.auto_cores = false;
			for (i = 0; i < cores->n_kids; i++) {
				item = cores->kids[i];
				fmt(p, sizeof(p), "pmd.cores[%zu]", i);
				if (want_scalar(ld, item, p, &s) < 0 ||
				    load_cpu(ld, item, p, s, &cpu_spec, &cpu) < 0)
					return -EINVAL;
				first = ld->core_node[cpu];
				if (first != NULL)
					return lerr(ld, item, p, "duplicate core %u (first at %s:%u:%u)",
						    cpu, ld->file, first->line, first->col);
				ld->core_node[cpu] = item;
				/* Distinct CPUs below VS_MAX_CORES: cannot overflow cores[]. */
				cfg->pmd.cores[cfg->pmd.n_cores++] = cpu;
			}
		} else {
			return lerr(ld, cores, "pmd.cores", "expected 'auto' or a non-empty list of "
				    "CPU numbers, got %s", node_desc(cores, d));
		}
	}

	cc = map_get(n, "control_core");
	if (cc == NULL)
		return 0;
	if (want_scalar(ld, cc, "pmd.control_core", &s) < 0)
		return -EINVAL;
	if (strcmp(s, "auto") == 0) {
		cfg->pmd.control_core = -1;
		return 0;
	}
	if (load_cpu(ld, cc, "pmd.control_core", s, &auto_cpu_spec, &cpu) < 0)
		return -EINVAL;
	/* The control thread blocks and sleeps: a PMD sharing its core would stall. */
	if (!cfg->pmd.auto_cores && ld->core_node[cpu] != NULL)
		return lerr(ld, cc, "pmd.control_core", "core %u is also in pmd.cores (a PMD core "
			    "cannot be the control core)", cpu);
	cfg->pmd.control_core = (int)cpu;
	return 0;
}

static int
load_control(struct loader *ld, const struct ynode *n)
{
	static const char *const keys[] = { "socket", "socket_mode", NULL };
	struct vs_config *cfg = ld->cfg;
	const struct ynode *m;
	char why[WHY_MAX];
	const char *s;
	int rc;

	rc = want_map(ld, n, "control", true);
	if (rc != 0)
		return rc < 0 ? rc : 0;
	if (check_keys(ld, n, "control", keys) < 0)
		return -EINVAL;
	if (load_str(ld, n, "control", "socket", cfg->control.socket,
		     sizeof(cfg->control.socket), "socket path") < 0)
		return -EINVAL;

	m = map_get(n, "socket_mode");
	if (m == NULL)
		return 0;
	if (want_scalar(ld, m, "control.socket_mode", &s) < 0)
		return -EINVAL;
	if (parse_mode(s, &cfg->control.socket_mode, why, sizeof(why)) < 0)
		return lerr(ld, m, "control.socket_mode", "%s", why);
	return 0;
}

/* Where a port_check() problem is best shown. */
static int
port_problem_err(struct loader *ld, const struct ynode *pmap, const char *ppath,
		 const struct ynode *vmap, const struct port_problem *pb)
{
	bool vlan_key = strcmp(pb->key, "tag") == 0 || strcmp(pb->key, "trunks") == 0 ||
			strcmp(pb->key, "native") == 0 || strcmp(pb->key, "vlan_mode") == 0;
	const struct ynode *map = vlan_key && vmap != NULL ? vmap : pmap;
	const char *ykey = strcmp(pb->key, "vlan_mode") == 0 ? "mode" : pb->key;
	const struct ynode *val = map_get(map, ykey);
	char mpath[YPATH_MAX], kpath[YPATH_MAX];

	if (map == vmap)
		path_key(mpath, ppath, "vlan");
	else
		copy_str(mpath, sizeof(mpath), ppath);
	if (pb->missing || val == NULL)
		return lerr(ld, map, mpath, "missing required key '%s'%s%s", ykey,
			    *pb->cond ? " " : "", pb->cond);
	path_key(kpath, mpath, ykey);
	return lerr(ld, val, kpath, "%s", pb->why);
}

/*
 * vlan: applied to the port through port_set() like vsctl's tag=, trunks=,
 * native= and vlan_mode=. mode first, so that it is "given" for the others
 * wherever it appears; a trunks list goes through the same parser item by
 * item so each error points at its item.
 */
static int
load_vlan(struct loader *ld, struct vs_port_cfg *port, const struct ynode *v, const char *ppath)
{
	static const char *const keys[] = { "mode", "tag", "trunks", "native", NULL };
	char vpath[YPATH_MAX], kp[YPATH_MAX], ip[YPATH_MAX], why[WHY_MAX], d[CLIP_BUF + 2];
	const struct ynode *m, *key, *val;
	uint64_t bm[64];
	const char *s;
	size_t i, j;
	int rc;

	path_key(vpath, ppath, "vlan");
	rc = want_map(ld, v, vpath, true);
	if (rc != 0)
		return rc < 0 ? rc : 0;
	if (check_keys(ld, v, vpath, keys) < 0)
		return -EINVAL;

	m = map_get(v, "mode");
	if (m != NULL) {
		path_key(kp, vpath, "mode");
		if (want_scalar(ld, m, kp, &s) < 0)
			return -EINVAL;
		if (port_set(port, "vlan_mode", s, why, sizeof(why)) < 0)
			return lerr(ld, m, kp, "%s", why);
	}
	for (i = 0; i < v->n_kids; i += 2) {
		key = v->kids[i];
		val = v->kids[i + 1];
		if (strcmp(key->text, "mode") == 0)
			continue;
		path_key(kp, vpath, key->text);
		if (strcmp(key->text, "trunks") != 0 || val->kind == Y_SCALAR) {
			if (strcmp(key->text, "trunks") == 0 && is_null(val))
				return lerr(ld, val, kp, "expected a list of VLAN IDs and ranges, "
					    "got null");
			if (want_scalar(ld, val, kp, &s) < 0)
				return -EINVAL;
			if (port_set(port, key->text, s, why, sizeof(why)) < 0)
				return lerr(ld, val, kp, "%s", why);
			continue;
		}
		if (node_ok(ld, val, kp) < 0)
			return -EINVAL;
		if (val->kind != Y_SEQ)
			return lerr(ld, val, kp, "expected a list of VLAN IDs and ranges, got %s",
				    node_desc(val, d));
		if (val->n_kids == 0)
			return lerr(ld, val, kp, "expected at least one VLAN ID or range "
				    "(leave 'trunks' out to allow all VLANs)");
		memset(bm, 0, sizeof(bm));
		for (j = 0; j < val->n_kids; j++) {
			fmt(ip, sizeof(ip), "%s[%zu]", kp, j);
			if (want_scalar(ld, val->kids[j], ip, &s) < 0)
				return -EINVAL;
			if (parse_trunks(s, bm, why, sizeof(why)) < 0)
				return lerr(ld, val->kids[j], ip, "%s", why);
		}
		vlan_set_trunks(&port->vlan, bm);
	}
	return 0;
}

static int
load_port(struct loader *ld, struct vs_bridge_cfg *br, unsigned bi, const struct ynode *n,
	  size_t pi)
{
	static const char *const keys[] = { "name", "type", "devargs", "iface", "peer", "path",
					    "queues", "numa", "socket_mode", "rxq", "txq", "mtu",
					    "rx_desc", "tx_desc", "vlan", NULL };
	char ppath[YPATH_MAX], kp[YPATH_MAX], why[WHY_MAX], c[CLIP_BUF];
	const struct ynode *name, *type, *key, *val, *sock, *ifn;
	struct port_ref *ref = &ld->ports[ld->n_ports];
	struct port_problem pb;
	struct vs_port_cfg *port;
	const char *s;
	unsigned i;
	size_t k;

	fmt(ppath, sizeof(ppath), "bridges[%u].ports[%zu]", bi, pi);
	if (ld->n_ports == VS_MAX_PORTS)
		return lerr(ld, n, ppath, "too many ports (max %d in all bridges)", VS_MAX_PORTS);
	if (want_map(ld, n, ppath, false) < 0)
		return -EINVAL;
	/* Name the port in every message about it, even before checking the name. */
	name = map_get(n, "name");
	if (name != NULL && name->kind == Y_SCALAR && !is_null(name))
		path_fmt(ppath, ppath, " '%s'", clip(c, name->text));
	if (check_keys(ld, n, ppath, keys) < 0)
		return -EINVAL;

	port = &br->ports[br->n_ports++];
	vs_port_cfg_init(port, NULL);
	copy_str(port->mark.file, sizeof(port->mark.file), ld->file);
	port->mark.line = n->line;
	port->mark.column = n->col;

	if (name == NULL)
		return lerr(ld, n, ppath, "missing required key 'name'");
	path_key(kp, ppath, "name");
	if (want_scalar(ld, name, kp, &s) < 0)
		return -EINVAL;
	if (check_name(s, why, sizeof(why)) < 0)
		return lerr(ld, name, kp, "%s", why);
	for (i = 0; i < ld->n_ports; i++)
		if (strcmp(ld->ports[i].port->name, s) == 0)
			return lerr(ld, name, kp, "duplicate port name '%s' (first at %s:%u:%u)",
				    s, ld->file, ld->ports[i].name->line, ld->ports[i].name->col);
	strcpy(port->name, s);

	/* The type first: it decides which other keys apply. */
	type = map_get(n, "type");
	if (type == NULL)
		return lerr(ld, n, ppath, "missing required key 'type'");
	path_key(kp, ppath, "type");
	if (want_scalar(ld, type, kp, &s) < 0)
		return -EINVAL;
	if (port_set(port, "type", s, why, sizeof(why)) < 0)
		return lerr(ld, type, kp, "%s", why);

	for (k = 0; k < n->n_kids; k += 2) {
		key = n->kids[k];
		val = n->kids[k + 1];
		if (strcmp(key->text, "name") == 0 || strcmp(key->text, "type") == 0)
			continue;
		if (strcmp(key->text, "vlan") == 0) {
			if (load_vlan(ld, port, val, ppath) < 0)
				return -EINVAL;
			continue;
		}
		path_key(kp, ppath, key->text);
		if (want_scalar(ld, val, kp, &s) < 0)
			return -EINVAL;
		if (port_set(port, key->text, s, why, sizeof(why)) < 0)
			return lerr(ld, val, kp, "%s", why);
	}

	if (port_check(port, &pb) < 0) {
		val = map_get(n, "vlan");
		return port_problem_err(ld, n, ppath, val != NULL && val->kind == Y_MAP ? val : NULL,
					&pb);
	}

	/*
	 * Two vhost ports on one socket would fight over it (or, server and
	 * client, talk to each other). Compared as text: "/a//b" and "/a/b"
	 * are for the daemon's bind()/connect() to find out.
	 */
	sock = port->type == VS_PORT_VHOST_USER || port->type == VS_PORT_VHOST_USER_CLIENT ?
	       map_get(n, "path") : NULL;
	for (i = 0; sock != NULL && i < ld->n_ports; i++) {
		if (ld->ports[i].sock == NULL || strcmp(ld->ports[i].port->path, port->path) != 0)
			continue;
		path_key(kp, ppath, "path");
		return lerr(ld, sock, kp, "duplicate vhost-user socket path '%s' (first used by "
			    "port '%s' at %s:%u:%u)", clip(c, port->path), ld->ports[i].port->name,
			    ld->file, ld->ports[i].sock->line, ld->ports[i].sock->col);
	}

	/* One AF_XDP port per interface: a second one would take the XDP
	 * hook (and queue 0) away from the first. */
	ifn = port->type == VS_PORT_AF_XDP ? map_get(n, "iface") : NULL;
	for (i = 0; ifn != NULL && i < ld->n_ports; i++) {
		if (ld->ports[i].iface == NULL || strcmp(ld->ports[i].port->iface, port->iface) != 0)
			continue;
		path_key(kp, ppath, "iface");
		return lerr(ld, ifn, kp, "interface '%s' is already used by port '%s' (at %s:%u:%u)",
			    port->iface, ld->ports[i].port->name, ld->file, ld->ports[i].iface->line,
			    ld->ports[i].iface->col);
	}

	ref->port = port;
	ref->bridge = bi;
	ref->name = name;
	ref->peer = map_get(n, "peer");
	ref->sock = sock;
	ref->iface = ifn;
	copy_str(ref->path, sizeof(ref->path), ppath);
	ld->n_ports++;
	return 0;
}

static bool
bridge_has_port(const struct vs_bridge_cfg *br, const char *name)
{
	for (unsigned i = 0; i < br->n_ports; i++)
		if (strcmp(br->ports[i].name, name) == 0)
			return true;
	return false;
}

/*
 * flows: a list of rules in ovs-ofctl syntax (docs/flows.md). Each is parsed
 * here, and the ports it names must be ports of this bridge, so a bad rule
 * is reported with its position before anything starts.
 */
static int
load_flows(struct loader *ld, struct vs_bridge_cfg *br, const char *bpath,
	   const struct ynode *flows)
{
	char kp[YPATH_MAX], why[WHY_MAX];
	struct vs_flow_spec spec;
	const char *s;
	size_t i;
	int rc;

	if (flows == NULL)
		return 0;
	path_key(kp, bpath, "flows");
	rc = want_seq(ld, flows, kp);
	if (rc != 0 || flows->n_kids == 0)
		return rc < 0 ? rc : 0;
	br->flows = calloc(flows->n_kids, sizeof(*br->flows));
	if (br->flows == NULL)
		return oom(ld);
	for (i = 0; i < flows->n_kids; i++) {
		const struct ynode *f = flows->kids[i];

		fmt(kp, sizeof(kp), "%s.flows[%zu]", bpath, i);
		if (want_scalar(ld, f, kp, &s) < 0)
			return -EINVAL;
		if (vs_flow_parse(s, true, &spec, why, sizeof(why)) != 0)
			return lerr(ld, f, kp, "%s", why);
		if (spec.in_port[0] && !bridge_has_port(br, spec.in_port))
			return lerr(ld, f, kp, "in_port: no port named '%s' in bridge '%s'",
				    spec.in_port, br->name);
		for (unsigned a = 0; a < spec.n_actions; a++)
			if (spec.actions[a].type == VS_ACT_OUTPUT &&
			    !bridge_has_port(br, spec.actions[a].port))
				return lerr(ld, f, kp, "output: no port named '%s' in bridge '%s'",
					    spec.actions[a].port, br->name);
		br->flows[i] = strdup(s);
		if (br->flows[i] == NULL)
			return oom(ld);
		br->n_flows++;
	}
	return 0;
}

static int
load_bridge(struct loader *ld, const struct ynode *n, unsigned bi)
{
	static const char *const keys[] = { "name", "mac_aging_s", "mac_table_size", "ports",
					    "flows", NULL };
	static const struct num_spec aging = { "an integer", "", 1, 1000000 };
	static const struct num_spec table = { "an integer", "", 1024, 16777216 };
	struct vs_bridge_cfg *br = &ld->cfg->bridges[bi];
	char bpath[YPATH_MAX], kp[YPATH_MAX], why[WHY_MAX], c[CLIP_BUF];
	const struct ynode *name, *ports;
	const char *s;
	uint64_t v;
	unsigned i;
	size_t pi;
	int rc;

	fmt(bpath, sizeof(bpath), "bridges[%u]", bi);
	if (want_map(ld, n, bpath, false) < 0)
		return -EINVAL;
	name = map_get(n, "name");
	if (name != NULL && name->kind == Y_SCALAR && !is_null(name))
		path_fmt(bpath, bpath, " '%s'", clip(c, name->text));
	if (check_keys(ld, n, bpath, keys) < 0)
		return -EINVAL;

	vs_bridge_cfg_init(br, NULL);
	ld->cfg->n_bridges++;
	copy_str(br->mark.file, sizeof(br->mark.file), ld->file);
	br->mark.line = n->line;
	br->mark.column = n->col;

	if (name == NULL)
		return lerr(ld, n, bpath, "missing required key 'name'");
	path_key(kp, bpath, "name");
	if (want_scalar(ld, name, kp, &s) < 0)
		return -EINVAL;
	if (check_name(s, why, sizeof(why)) < 0)
		return lerr(ld, name, kp, "%s", why);
	for (i = 0; i < bi; i++)
		if (strcmp(ld->cfg->bridges[i].name, s) == 0)
			return lerr(ld, name, kp, "duplicate bridge name '%s' (first at %s:%u:%u)",
				    s, ld->file, ld->bridge_name[i]->line, ld->bridge_name[i]->col);
	strcpy(br->name, s);
	ld->bridge_name[bi] = name;

	v = br->mac_aging_s;
	if (load_num(ld, n, bpath, "mac_aging_s", &aging, false, 0, &v) < 0)
		return -EINVAL;
	br->mac_aging_s = (uint32_t)v;
	v = br->mac_table_size;
	if (load_num(ld, n, bpath, "mac_table_size", &table, false, 0, &v) < 0)
		return -EINVAL;
	br->mac_table_size = (uint32_t)v;

	ports = map_get(n, "ports");
	if (ports != NULL) {
		/* Ports are named by index only: "bridges[0].ports[1] 'p1'". */
		fmt(kp, sizeof(kp), "bridges[%u].ports", bi);
		rc = want_seq(ld, ports, kp);
		if (rc < 0)
			return rc;
		if (rc == 0 && ports->n_kids != 0) {
			/* Capped so a huge list cannot allocate much before failing the limit. */
			br->ports = calloc(ports->n_kids < VS_MAX_PORTS ? ports->n_kids
								: VS_MAX_PORTS + 1,
					   sizeof(*br->ports));
			if (br->ports == NULL)
				return oom(ld);
			for (pi = 0; pi < ports->n_kids; pi++)
				if (load_port(ld, br, bi, ports->kids[pi], pi) < 0)
					return -EINVAL;
		}
	}
	return load_flows(ld, br, bpath, map_get(n, "flows"));
}

static int
load_bridges(struct loader *ld, const struct ynode *n)
{
	char p[YPATH_MAX];
	unsigned i;
	int rc;

	rc = want_seq(ld, n, "bridges");
	if (rc != 0 || n->n_kids == 0)
		return rc < 0 ? rc : 0;
	if (n->n_kids > VS_MAX_BRIDGES) {
		fmt(p, sizeof(p), "bridges[%d]", VS_MAX_BRIDGES);
		return lerr(ld, n->kids[VS_MAX_BRIDGES], p, "too many bridges (max %d)",
			    VS_MAX_BRIDGES);
	}
	ld->cfg->bridges = calloc(n->n_kids, sizeof(*ld->cfg->bridges));
	if (ld->cfg->bridges == NULL)
		return oom(ld);
	for (i = 0; i < n->n_kids; i++)
		if (load_bridge(ld, n->kids[i], i) < 0)
			return -EINVAL;
	return 0;
}

/*
 * A patch pair is two patch ports, in different bridges, each naming the
 * other: the datapath moves a packet from one bridge to the other and
 * needs the way back.
 */
static int
check_patches(struct loader *ld)
{
	const struct port_ref *r, *q;
	char kp[YPATH_MAX];
	unsigned i, j;

	for (i = 0; i < ld->n_ports; i++) {
		r = &ld->ports[i];
		if (r->port->type != VS_PORT_PATCH)
			continue;
		path_key(kp, r->path, "peer");
		for (j = 0; j < ld->n_ports; j++)
			if (strcmp(ld->ports[j].port->name, r->port->peer) == 0)
				break;
		if (j == ld->n_ports)
			return lerr(ld, r->peer, kp, "patch peer '%s' does not exist", r->port->peer);
		q = &ld->ports[j];
		if (q->port->type != VS_PORT_PATCH)
			return lerr(ld, r->peer, kp, "patch peer '%s' is a port of type %s, not patch",
				    q->port->name, vs_port_type_name(q->port->type));
		if (strcmp(q->port->peer, r->port->name) != 0)
			return lerr(ld, r->peer, kp, "patch peer '%s' has peer '%s', not '%s'",
				    q->port->name, q->port->peer, r->port->name);
		if (q->bridge == r->bridge)
			return lerr(ld, r->peer, kp, "patch peer '%s' is in the same bridge '%s' "
				    "(a patch links two bridges)", q->port->name,
				    ld->cfg->bridges[r->bridge].name);
	}
	return 0;
}

static int
load_root(struct loader *ld, const struct ynode *root)
{
	static const char *const keys[] = { "dpdk", "pmd", "control", "bridges", NULL };
	static const struct ynode start = { .line = 1, .col = 1 };
	const struct ynode *n;
	char d[CLIP_BUF + 2];

	if (root == NULL || is_null(root))
		return lerr(ld, root != NULL ? root : &start, "",
			    "empty configuration (write '{}' for a switch without bridges)");
	if (node_ok(ld, root, "") < 0)
		return -EINVAL;
	if (root->kind != Y_MAP)
		return lerr(ld, root, "", "expected a mapping at the top level, got %s",
			    node_desc(root, d));
	if (check_keys(ld, root, "", keys) < 0)
		return -EINVAL;
	n = map_get(root, "dpdk");
	if (n != NULL && load_dpdk(ld, n) < 0)
		return -EINVAL;
	n = map_get(root, "pmd");
	if (n != NULL && load_pmd(ld, n) < 0)
		return -EINVAL;
	n = map_get(root, "control");
	if (n != NULL && load_control(ld, n) < 0)
		return -EINVAL;
	n = map_get(root, "bridges");
	if (n != NULL && load_bridges(ld, n) < 0)
		return -EINVAL;
	return check_patches(ld);
}

static void
config_defaults(struct vs_config *cfg, const char *name)
{
	copy_str(cfg->dpdk.hugepage_dir, sizeof(cfg->dpdk.hugepage_dir), VS_DEFAULT_HUGEPAGE_DIR);
	cfg->pmd.auto_cores = true;
	cfg->pmd.control_core = -1;
	copy_str(cfg->control.socket, sizeof(cfg->control.socket), VS_DEFAULT_SOCKET);
	cfg->control.socket_mode = DEFAULT_SOCKET_MODE;
	copy_str(cfg->path, sizeof(cfg->path), name);
}

int
vs_config_load_string(const char *name, const char *yaml, size_t len,
		      struct vs_config **out, char *err, size_t errlen)
{
	struct ynode *root;
	struct loader *ld;
	struct vs_config *cfg;
	int rc;

	if (name == NULL)
		name = "<string>";
	if (err != NULL && errlen > 0)
		err[0] = '\0';
	if (out == NULL || (yaml == NULL && len > 0))
		return fmt(err, errlen, "%s: invalid arguments", name);
	*out = NULL;

	rc = tree_parse(name, yaml != NULL ? yaml : "", len, &root, err, errlen);
	if (rc < 0)
		return rc;
	ld = calloc(1, sizeof(*ld));
	cfg = calloc(1, sizeof(*cfg));
	if (ld == NULL || cfg == NULL) {
		free(ld);
		free(cfg);
		tree_free(root);
		fmt(err, errlen, "%s: out of memory", name);
		return -ENOMEM;
	}
	config_defaults(cfg, name);
	ld->file = name;
	ld->err = err;
	ld->errlen = errlen;
	ld->cfg = cfg;

	rc = load_root(ld, root);
	tree_free(root);
	free(ld);
	if (rc < 0) {
		vs_config_free(cfg);
		return rc;
	}
	*out = cfg;
	return 0;
}

int
vs_config_load_file(const char *path, struct vs_config **out, char *err, size_t errlen)
{
	size_t len = 0, cap = 0;
	char *buf = NULL, *nb;
	FILE *f;
	int rc;

	if (out != NULL)
		*out = NULL;
	if (path == NULL)
		return fmt(err, errlen, "no configuration file given");
	f = fopen(path, "re");
	if (f == NULL) {
		rc = -errno;
		fmt(err, errlen, "%s: cannot open: %s", path, strerror(-rc));
		return rc;
	}
	/* Read to EOF rather than trust st_size, which pipes and /proc do not have. */
	for (;;) {
		if (len == cap) {
			if (cap >= MAX_FILE_SIZE) {
				rc = -EFBIG;
				fmt(err, errlen, "%s: too large (max %u MiB)", path,
				    MAX_FILE_SIZE >> 20);
				goto out;
			}
			cap = cap ? cap * 2 : 16384;
			nb = realloc(buf, cap);
			if (nb == NULL) {
				rc = -ENOMEM;
				fmt(err, errlen, "%s: out of memory", path);
				goto out;
			}
			buf = nb;
		}
		len += fread(buf + len, 1, cap - len, f);
		if (ferror(f)) {
			rc = errno ? -errno : -EIO;
			fmt(err, errlen, "%s: cannot read: %s", path, strerror(-rc));
			goto out;
		}
		if (feof(f))
			break;
	}
	rc = vs_config_load_string(path, buf, len, out, err, errlen);
out:
	fclose(f);
	free(buf);
	return rc;
}

void
vs_config_free(struct vs_config *cfg)
{
	unsigned i;

	if (cfg == NULL)
		return;
	for (i = 0; i < cfg->dpdk.n_extra_args; i++)
		free(cfg->dpdk.extra_args[i]);
	for (i = 0; i < cfg->n_bridges; i++) {
		free(cfg->bridges[i].ports);
		for (unsigned f = 0; f < cfg->bridges[i].n_flows; f++)
			free(cfg->bridges[i].flows[f]);
		free(cfg->bridges[i].flows);
	}
	free(cfg->bridges);
	free(cfg);
}
