/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Flow rules: ovs-ofctl text <-> struct vs_flow_spec.
 *
 * The parser reads a rule in one left-to-right pass: fields (each checked
 * for its value and for being given twice) up to "actions=", then the
 * action list. Prerequisites (nw_dst needs ip or arp, ...) are checked once
 * every field is known, so their order does not matter, as in OVS. Every
 * message starts with "column N: ", N pointing at the field or value at
 * fault. The formatter prints the one canonical text of a spec; parsing it
 * again gives the same spec.
 *
 * Pure C and libc: used by the YAML loader, the control thread and vsctl.
 */

#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "clip.h"
#include "flow.h"

#define WS " \t\r\n"                    /* whitespace: separates like a comma */
#define NAME_CHARS "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-"
#define VALUE_MAX 96                    /* longest address text we parse: IPv6 addr/mask is 79 */

#define ETH_TYPE_IP 0x0800
#define ETH_TYPE_ARP 0x0806
#define ETH_TYPE_IPV6 0x86dd
#define ETH_TYPE_VLAN 0x8100
#define VLAN_VID_MASK 0x0fff
#define VLAN_PCP_MASK 0xe000
#define VLAN_UNTAGGED 0xffff            /* dl_vlan=0xffff: "no tag" */
#define IP_ECN_MASK 0x03                /* nw_tos matches DSCP only, as OVS */

/* ------------------------------------------------------------------------
 * Small helpers
 */


/* Whether the n bytes at s are exactly the NUL-terminated word w. */
static bool
is(const char *s, size_t n, const char *w)
{
	return strlen(w) == n && memcmp(s, w, n) == 0;
}

/* The same ignoring ASCII case (action names, as ovs-ofctl). */
static bool
is_nocase(const char *s, size_t n, const char *w)
{
	return strlen(w) == n && strncasecmp(s, w, n) == 0;
}

enum num_rc { NUM_OK, NUM_BAD, NUM_RANGE };

/*
 * The n bytes at s as a decimal or 0x-hex integer no greater than max.
 * Negative and huge numbers still read as numbers (NUM_RANGE), so the user
 * hears "out of range" rather than "expected an integer".
 */
static enum num_rc
parse_uint(const char *s, size_t n, uint64_t max, uint64_t *out)
{
	bool neg = false, big = false, hex = false;
	uint64_t v = 0;
	size_t i = 0;

	if (n > 0 && s[0] == '-') {
		neg = true;
		i++;
	}
	if (n - i > 2 && s[i] == '0' && (s[i + 1] == 'x' || s[i + 1] == 'X')) {
		hex = true;
		i += 2;
	}
	if (i == n)
		return NUM_BAD;
	for (; i < n; i++) {
		unsigned d;

		if (s[i] >= '0' && s[i] <= '9')
			d = (unsigned)(s[i] - '0');
		else if (hex && s[i] >= 'a' && s[i] <= 'f')
			d = (unsigned)(s[i] - 'a' + 10);
		else if (hex && s[i] >= 'A' && s[i] <= 'F')
			d = (unsigned)(s[i] - 'A' + 10);
		else
			return NUM_BAD;
		if (v > (UINT64_MAX - d) / (hex ? 16 : 10))
			big = true;
		else
			v = v * (hex ? 16 : 10) + d;
	}
	if (big || (neg && v != 0) || v > max)
		return NUM_RANGE;
	*out = v;
	return NUM_OK;
}

/* "aa:bb:cc:dd:ee:ff" (1 or 2 hex digits a byte, as OVS), exactly n bytes. */
static bool
parse_mac(const char *s, size_t n, uint8_t mac[6])
{
	size_t i = 0;

	for (int b = 0; b < 6; b++) {
		unsigned v = 0, digits = 0;

		if (b > 0) {
			if (i >= n || s[i] != ':')
				return false;
			i++;
		}
		for (; i < n && digits < 2; i++, digits++) {
			char c = s[i];

			if (c >= '0' && c <= '9')
				v = v * 16 + (unsigned)(c - '0');
			else if (c >= 'a' && c <= 'f')
				v = v * 16 + (unsigned)(c - 'a' + 10);
			else if (c >= 'A' && c <= 'F')
				v = v * 16 + (unsigned)(c - 'A' + 10);
			else
				break;
		}
		if (digits == 0)
			return false;
		mac[b] = (uint8_t)v;
	}
	return i == n;
}

/* A prefix length 0..max in decimal, exactly n bytes. */
static bool
parse_prefix_len(const char *s, size_t n, unsigned max, unsigned *len)
{
	unsigned v = 0;

	if (n == 0 || n > 3 || strspn(s, "0123456789") < n)
		return false;
	for (size_t i = 0; i < n; i++)
		v = v * 10 + (unsigned)(s[i] - '0');
	if (v > max)
		return false;
	*len = v;
	return true;
}

/* Big-endian bit mask of `bytes` bytes with the first `len` bits set. */
static void
prefix_mask(uint8_t *mask, size_t bytes, unsigned len)
{
	for (size_t i = 0; i < bytes; i++) {
		unsigned bits = len > 8 * i ? len - 8 * (unsigned)i : 0;

		mask[i] = bits >= 8 ? 0xff : (uint8_t)(0xff00 >> bits);
	}
}

/* The prefix length of a contiguous big-endian mask, or -1. */
static int
mask_prefix_len(const uint8_t *mask, size_t bytes)
{
	unsigned len = 0;
	size_t i;

	for (i = 0; i < bytes && mask[i] == 0xff; i++)
		len += 8;
	if (i < bytes) {
		uint8_t m = mask[i];

		while (m & 0x80) {
			m = (uint8_t)(m << 1);
			len++;
		}
		if (m != 0)
			return -1;
		for (i++; i < bytes; i++)
			if (mask[i] != 0)
				return -1;
	}
	return (int)len;
}

/*
 * An address with an optional "/len" or "/mask", as inet_pton() reads it,
 * into addr and mask (network order, addr already masked).
 */
static bool
parse_addr_masked(int af, const char *s, size_t n, uint8_t *addr, uint8_t *mask)
{
	size_t bytes = af == AF_INET ? 4 : 16;
	char buf[VALUE_MAX];
	char *slash;
	unsigned len;

	if (n >= sizeof(buf))
		return false;
	memcpy(buf, s, n);
	buf[n] = '\0';
	slash = strchr(buf, '/');
	if (slash != NULL)
		*slash++ = '\0';
	if (inet_pton(af, buf, addr) != 1)
		return false;
	if (slash == NULL)
		prefix_mask(mask, bytes, (unsigned)bytes * 8);
	else if (strchr(slash, af == AF_INET ? '.' : ':') != NULL) {
		if (inet_pton(af, slash, mask) != 1)
			return false;
	} else if (parse_prefix_len(slash, strlen(slash), (unsigned)bytes * 8, &len))
		prefix_mask(mask, bytes, len);
	else
		return false;
	for (size_t i = 0; i < bytes; i++)
		addr[i] &= mask[i];
	return true;
}

static bool
valid_name(const char *s, size_t n)
{
	return n > 0 && n < VS_NAME_MAX && strspn(s, NAME_CHARS) >= n;
}

/* ------------------------------------------------------------------------
 * The parser
 */

/* Match fields, in the order vs_flow_format() prints them. */
enum field_id {
	F_PRIORITY,
	F_IN_PORT,
	F_DL_TYPE,
	F_DL_VLAN,
	F_DL_VLAN_PCP,
	F_VLAN_TCI,
	F_DL_SRC,
	F_DL_DST,
	F_NW_SRC,
	F_NW_DST,
	F_NW_PROTO,
	F_NW_TOS,
	F_TP_SRC,
	F_TP_DST,
	F_IPV6_SRC,
	F_IPV6_DST,
	F_ARP_OP,
	F_COUNT,
};

/* What a field needs to be matched, as OVS's prerequisites. */
enum prereq {
	P_NONE,
	P_IP_ARP,       /* dl_type ip or arp */
	P_IP_ANY,       /* dl_type ip or ipv6 */
	P_L4,           /* ip or ipv6, and nw_proto tcp, udp or sctp */
	P_IPV6,         /* dl_type ipv6 */
	P_ARP,          /* dl_type arp */
};

/* One "name[=value]" of the input. */
struct item {
	const char *name;
	size_t name_len;
	bool has_value;         /* '=' (or ':' in actions) was given */
	const char *value;      /* where the value starts (after '=' and spaces) */
	size_t value_len;
	size_t len;             /* from name to the end of the value, for messages */
};

/* Where an earlier token was, for "given twice" and "conflicts with". */
struct given {
	const char *at;         /* NULL: not given */
	size_t len;
};

struct parser {
	const char *s;                  /* the whole input: columns count from here */
	char *err;                      /* the caller's message buffer (may be NULL) */
	size_t errlen;                  /* its size */
	struct vs_flow_spec spec;       /* built here, copied out on success */
	struct given field[F_COUNT];    /* fields given explicitly */
	struct given dl_type_by;        /* the first token that set dl_type */
	struct given nw_proto_by;       /* the first token that set nw_proto */
	uint32_t shorthands;            /* bit i: shorthands[i] given */
};

/* A match field: its name, what it needs, and the function that sets it from a value. */
struct field {
	const char *name;       /* as written in a rule */
	enum prereq prereq;     /* checked once the whole match is known */
	int (*parse)(struct parser *p, enum field_id id, const struct item *it);
};

/* Shorthands: ovs-ofctl's protocol keywords. */
static const struct shorthand {
	const char *name;       /* the keyword */
	uint16_t dl_type;       /* host order */
	uint8_t nw_proto;       /* 0: dl_type only */
	bool canonical;         /* printed by vs_flow_format (else an alias) */
} shorthands[] = {
	{ "ip", ETH_TYPE_IP, 0, true },
	{ "ipv6", ETH_TYPE_IPV6, 0, true },
	{ "arp", ETH_TYPE_ARP, 0, true },
	{ "icmp", ETH_TYPE_IP, 1, true },
	{ "igmp", ETH_TYPE_IP, 2, true },
	{ "tcp", ETH_TYPE_IP, 6, true },
	{ "udp", ETH_TYPE_IP, 17, true },
	{ "sctp", ETH_TYPE_IP, 132, true },
	{ "icmp6", ETH_TYPE_IPV6, 58, true },
	{ "tcp6", ETH_TYPE_IPV6, 6, true },
	{ "udp6", ETH_TYPE_IPV6, 17, true },
	{ "sctp6", ETH_TYPE_IPV6, 132, true },
	{ "ipv4", ETH_TYPE_IP, 0, false },
	{ "ip4", ETH_TYPE_IP, 0, false },
	{ "icmp4", ETH_TYPE_IP, 1, false },
	{ "tcp4", ETH_TYPE_IP, 6, false },
	{ "udp4", ETH_TYPE_IP, 17, false },
	{ "sctp4", ETH_TYPE_IP, 132, false },
	{ "ip6", ETH_TYPE_IPV6, 0, false },
};

#define N_SHORTHANDS (sizeof(shorthands) / sizeof(shorthands[0]))

/* Keys of ovs-ofctl dump-flows output, ignored so that a dump can be fed back. */
static const char *const ignored_keys[] = {
	"duration", "n_packets", "n_bytes", "idle_age", "hard_age",
};

static unsigned
col(const struct parser *p, const char *at)
{
	return (unsigned)(at - p->s) + 1;
}

/* "column N: why" into err; returns -EINVAL. */
static int __attribute__((format(printf, 3, 4)))
fail(struct parser *p, const char *at, const char *f, ...)
{
	va_list ap;
	int n;

	if (p->err == NULL || p->errlen == 0)
		return -EINVAL;
	n = snprintf(p->err, p->errlen, "column %u: ", col(p, at));
	if (n >= 0 && (size_t)n < p->errlen) {
		va_start(ap, f);
		vsnprintf(p->err + n, p->errlen - (size_t)n, f, ap);
		va_end(ap);
	}
	return -EINVAL;
}

/* "FIELD: expected WHAT, got 'VALUE'" at the value. */
static int
fail_value(struct parser *p, const struct item *it, const char *what)
{
	char c[CLIP_BUF], n[CLIP_BUF];

	return fail(p, it->value, "%s: expected %s, got '%s'", clip_n(n, it->name, it->name_len),
		    what, clip_n(c, it->value, it->value_len));
}

/* Messages for parse_uint() failures on the n bytes at s of an item's value. */
static int
fail_num(struct parser *p, const struct item *it, enum num_rc rc, const char *s, size_t n,
	 const char *what, const char *range)
{
	char c[CLIP_BUF], nm[CLIP_BUF];

	if (rc == NUM_RANGE)
		return fail(p, it->value, "%s: %s out of range (expected %s)",
			    clip_n(nm, it->name, it->name_len), clip_n(c, s, n), range);
	return fail_value(p, it, what);
}

/* An integer value of a field, all of it. */
static int
item_uint(struct parser *p, const struct item *it, uint64_t max, const char *what,
	  const char *range, uint64_t *out)
{
	enum num_rc rc = parse_uint(it->value, it->value_len, max, out);

	return rc == NUM_OK ? 0 : fail_num(p, it, rc, it->value, it->value_len, what, range);
}

/* "N" or "N/M", both within 0..max, N masked by M. */
static int
item_uint_masked(struct parser *p, const struct item *it, uint64_t max, const char *what,
		 const char *range, uint64_t *v, uint64_t *m)
{
	const char *slash = memchr(it->value, '/', it->value_len);
	size_t n = slash ? (size_t)(slash - it->value) : it->value_len;
	enum num_rc rc;

	rc = parse_uint(it->value, n, max, v);
	if (rc != NUM_OK)
		return fail_num(p, it, rc, it->value, n, what, range);
	*m = max;
	if (slash != NULL) {
		size_t mn = it->value_len - n - 1;

		rc = parse_uint(slash + 1, mn, max, m);
		if (rc != NUM_OK)
			return fail_num(p, it, rc, slash + 1, mn, what, range);
	}
	*v &= *m;
	return 0;
}

static uint16_t
tci_of(const struct vs_flow_key *k)
{
	return ntohs(k->vlan_tci);
}

/* The earlier token `by` conflicts with the item now being parsed. */
static int
fail_conflict(struct parser *p, const struct item *it, const struct given *by)
{
	char a[CLIP_BUF], b[CLIP_BUF];

	return fail(p, it->name, "%s conflicts with %s at column %u", clip_n(a, it->name, it->len),
		    clip_n(b, by->at, by->len), col(p, by->at));
}

static void
remember(struct given *g, const struct item *it)
{
	g->at = it->name;
	g->len = it->len;
}

/* Set dl_type (explicitly or by a shorthand): agreeing settings are fine. */
static int
set_dl_type(struct parser *p, const struct item *it, uint16_t v)
{
	if (p->dl_type_by.at != NULL) {
		if (ntohs(p->spec.key.dl_type) != v)
			return fail_conflict(p, it, &p->dl_type_by);
		return 0;
	}
	p->spec.key.dl_type = htons(v);
	p->spec.mask.dl_type = 0xffff;
	remember(&p->dl_type_by, it);
	return 0;
}

static int
set_nw_proto(struct parser *p, const struct item *it, uint8_t v)
{
	if (p->nw_proto_by.at != NULL) {
		if (p->spec.key.nw_proto != v)
			return fail_conflict(p, it, &p->nw_proto_by);
		return 0;
	}
	p->spec.key.nw_proto = v;
	p->spec.mask.nw_proto = 0xff;
	remember(&p->nw_proto_by, it);
	return 0;
}

static int
f_priority(struct parser *p, enum field_id id, const struct item *it)
{
	uint64_t v;

	(void)id;
	if (item_uint(p, it, VS_FLOW_MAX_PRIORITY, "a priority 0..65535", "0..65535", &v) < 0)
		return -EINVAL;
	p->spec.priority = (uint32_t)v;
	return 0;
}

static int
f_in_port(struct parser *p, enum field_id id, const struct item *it)
{
	char c[CLIP_BUF];

	(void)id;
	if (!valid_name(it->value, it->value_len))
		return fail(p, it->value, "in_port: invalid port name '%s' (expected 1..%d "
			    "characters of A-Z a-z 0-9 _ . -)", clip_n(c, it->value, it->value_len),
			    VS_NAME_MAX - 1);
	memcpy(p->spec.in_port, it->value, it->value_len);
	p->spec.in_port[it->value_len] = '\0';
	return 0;
}

static int
f_mac(struct parser *p, enum field_id id, const struct item *it)
{
	const char *slash = memchr(it->value, '/', it->value_len);
	size_t n = slash ? (size_t)(slash - it->value) : it->value_len;
	uint8_t *key = id == F_DL_SRC ? p->spec.key.dl_src : p->spec.key.dl_dst;
	uint8_t *mask = id == F_DL_SRC ? p->spec.mask.dl_src : p->spec.mask.dl_dst;

	memset(mask, 0xff, 6);
	if (!parse_mac(it->value, n, key) ||
	    (slash != NULL && !parse_mac(slash + 1, it->value_len - n - 1, mask)))
		return fail_value(p, it, "a MAC address xx:xx:xx:xx:xx:xx[/mask]");
	for (int i = 0; i < 6; i++)
		key[i] &= mask[i];
	return 0;
}

static int
f_dl_type(struct parser *p, enum field_id id, const struct item *it)
{
	uint64_t v;

	(void)id;
	if (item_uint(p, it, 0xffff, "an EtherType 0..0xffff", "0..0xffff", &v) < 0)
		return -EINVAL;
	return set_dl_type(p, it, (uint16_t)v);
}

static int
f_dl_vlan(struct parser *p, enum field_id id, const struct item *it)
{
	enum num_rc rc;
	uint64_t v;

	(void)id;
	if (p->field[F_VLAN_TCI].at != NULL)
		return fail_conflict(p, it, &p->field[F_VLAN_TCI]);
	rc = parse_uint(it->value, it->value_len, 0xffff, &v);
	if (rc == NUM_OK && v > VLAN_VID_MASK && v != VLAN_UNTAGGED)
		rc = NUM_RANGE;
	if (rc != NUM_OK)
		return fail_num(p, it, rc, it->value, it->value_len,
				"a VLAN ID 0..4095 or 0xffff (untagged)", "0..4095 or 0xffff");
	if (v == VLAN_UNTAGGED) {
		if (p->field[F_DL_VLAN_PCP].at != NULL)
			return fail_conflict(p, it, &p->field[F_DL_VLAN_PCP]);
		p->spec.key.vlan_tci = 0;
		p->spec.mask.vlan_tci = 0xffff;
		return 0;
	}
	p->spec.key.vlan_tci = htons(tci_of(&p->spec.key) | (uint16_t)v | VS_FLOW_TCI_PRESENT);
	p->spec.mask.vlan_tci |= htons(VLAN_VID_MASK | VS_FLOW_TCI_PRESENT);
	return 0;
}

static int
f_dl_vlan_pcp(struct parser *p, enum field_id id, const struct item *it)
{
	uint64_t v;

	(void)id;
	if (p->field[F_VLAN_TCI].at != NULL)
		return fail_conflict(p, it, &p->field[F_VLAN_TCI]);
	if (item_uint(p, it, 7, "a priority code point 0..7", "0..7", &v) < 0)
		return -EINVAL;
	if (p->field[F_DL_VLAN].at != NULL && p->spec.mask.vlan_tci == 0xffff &&
	    p->spec.key.vlan_tci == 0)
		return fail_conflict(p, it, &p->field[F_DL_VLAN]);
	p->spec.key.vlan_tci = htons(tci_of(&p->spec.key) | (uint16_t)(v << 13) |
				     VS_FLOW_TCI_PRESENT);
	p->spec.mask.vlan_tci |= htons(VLAN_PCP_MASK | VS_FLOW_TCI_PRESENT);
	return 0;
}

static int
f_vlan_tci(struct parser *p, enum field_id id, const struct item *it)
{
	uint64_t v, m;

	(void)id;
	if (p->field[F_DL_VLAN].at != NULL)
		return fail_conflict(p, it, &p->field[F_DL_VLAN]);
	if (p->field[F_DL_VLAN_PCP].at != NULL)
		return fail_conflict(p, it, &p->field[F_DL_VLAN_PCP]);
	if (item_uint_masked(p, it, 0xffff, "a TCI 0..0xffff[/mask]", "0..0xffff", &v, &m) < 0)
		return -EINVAL;
	p->spec.key.vlan_tci = htons((uint16_t)v);
	p->spec.mask.vlan_tci = htons((uint16_t)m);
	return 0;
}

static int
f_nw_addr(struct parser *p, enum field_id id, const struct item *it)
{
	uint32_t *key = id == F_NW_SRC ? &p->spec.key.nw_src : &p->spec.key.nw_dst;
	uint32_t *mask = id == F_NW_SRC ? &p->spec.mask.nw_src : &p->spec.mask.nw_dst;
	uint8_t a[4], m[4];

	if (!parse_addr_masked(AF_INET, it->value, it->value_len, a, m))
		return fail_value(p, it, "an IPv4 address a.b.c.d[/len]");
	memcpy(key, a, 4);
	memcpy(mask, m, 4);
	return 0;
}

static int
f_ipv6_addr(struct parser *p, enum field_id id, const struct item *it)
{
	uint8_t *key = id == F_IPV6_SRC ? p->spec.key.ipv6_src : p->spec.key.ipv6_dst;
	uint8_t *mask = id == F_IPV6_SRC ? p->spec.mask.ipv6_src : p->spec.mask.ipv6_dst;

	if (!parse_addr_masked(AF_INET6, it->value, it->value_len, key, mask))
		return fail_value(p, it, "an IPv6 address addr[/len]");
	return 0;
}

static int
f_nw_proto(struct parser *p, enum field_id id, const struct item *it)
{
	uint64_t v;

	(void)id;
	if (item_uint(p, it, 0xff, "an IP protocol number 0..255", "0..255", &v) < 0)
		return -EINVAL;
	return set_nw_proto(p, it, (uint8_t)v);
}

static int
f_nw_tos(struct parser *p, enum field_id id, const struct item *it)
{
	char c[CLIP_BUF];
	uint64_t v;

	(void)id;
	if (item_uint(p, it, 0xff, "a TOS byte 0..255", "0..255", &v) < 0)
		return -EINVAL;
	if (v & IP_ECN_MASK)
		return fail(p, it->value, "nw_tos: %s has the ECN bits set (expected DSCP << 2, "
			    "a multiple of 4)", clip_n(c, it->value, it->value_len));
	p->spec.key.nw_tos = (uint8_t)v;
	p->spec.mask.nw_tos = (uint8_t)~IP_ECN_MASK;
	return 0;
}

static int
f_tp(struct parser *p, enum field_id id, const struct item *it)
{
	uint64_t v, m;

	if (item_uint_masked(p, it, 0xffff, "a port number 0..65535[/mask]", "0..65535", &v,
			     &m) < 0)
		return -EINVAL;
	if (id == F_TP_SRC) {
		p->spec.key.tp_src = htons((uint16_t)v);
		p->spec.mask.tp_src = htons((uint16_t)m);
	} else {
		p->spec.key.tp_dst = htons((uint16_t)v);
		p->spec.mask.tp_dst = htons((uint16_t)m);
	}
	return 0;
}

static int
f_arp_op(struct parser *p, enum field_id id, const struct item *it)
{
	uint64_t v;

	(void)id;
	if (item_uint(p, it, 0xffff, "an ARP opcode 0..65535", "0..65535", &v) < 0)
		return -EINVAL;
	p->spec.key.arp_op = htons((uint16_t)v);
	p->spec.mask.arp_op = 0xffff;
	return 0;
}

static const struct field fields[F_COUNT] = {
	[F_PRIORITY] = { "priority", P_NONE, f_priority },
	[F_IN_PORT] = { "in_port", P_NONE, f_in_port },
	[F_DL_TYPE] = { "dl_type", P_NONE, f_dl_type },
	[F_DL_VLAN] = { "dl_vlan", P_NONE, f_dl_vlan },
	[F_DL_VLAN_PCP] = { "dl_vlan_pcp", P_NONE, f_dl_vlan_pcp },
	[F_VLAN_TCI] = { "vlan_tci", P_NONE, f_vlan_tci },
	[F_DL_SRC] = { "dl_src", P_NONE, f_mac },
	[F_DL_DST] = { "dl_dst", P_NONE, f_mac },
	[F_NW_SRC] = { "nw_src", P_IP_ARP, f_nw_addr },
	[F_NW_DST] = { "nw_dst", P_IP_ARP, f_nw_addr },
	[F_NW_PROTO] = { "nw_proto", P_IP_ANY, f_nw_proto },
	[F_NW_TOS] = { "nw_tos", P_IP_ANY, f_nw_tos },
	[F_TP_SRC] = { "tp_src", P_L4, f_tp },
	[F_TP_DST] = { "tp_dst", P_L4, f_tp },
	[F_IPV6_SRC] = { "ipv6_src", P_IPV6, f_ipv6_addr },
	[F_IPV6_DST] = { "ipv6_dst", P_IPV6, f_ipv6_addr },
	[F_ARP_OP] = { "arp_op", P_ARP, f_arp_op },
};

/* One match item: a shorthand, an ignored dump key or a field. */
static int
match_item(struct parser *p, const struct item *it, bool with_actions)
{
	char c[CLIP_BUF];
	size_t i;

	for (i = 0; i < N_SHORTHANDS; i++) {
		const struct shorthand *sh = &shorthands[i];

		if (!is(it->name, it->name_len, sh->name))
			continue;
		if (it->has_value)
			return fail(p, it->name, "%s takes no value", sh->name);
		if (p->shorthands & (UINT32_C(1) << i))
			return fail(p, it->name, "%s given twice", sh->name);
		p->shorthands |= UINT32_C(1) << i;
		if (set_dl_type(p, it, sh->dl_type) < 0)
			return -EINVAL;
		return sh->nw_proto ? set_nw_proto(p, it, sh->nw_proto) : 0;
	}
	for (i = 0; i < sizeof(ignored_keys) / sizeof(ignored_keys[0]); i++)
		if (is(it->name, it->name_len, ignored_keys[i]))
			return 0;
	for (i = 0; i < F_COUNT; i++) {
		if (!is(it->name, it->name_len, fields[i].name))
			continue;
		if (i == F_PRIORITY && !with_actions)
			return fail(p, it->name, "priority not allowed here (filters select rules "
				    "of every priority)");
		if (p->field[i].at != NULL)
			return fail(p, it->name, "%s given twice", fields[i].name);
		if (!it->has_value || it->value_len == 0)
			return fail(p, it->has_value ? it->value : it->name, "%s: missing value",
				    fields[i].name);
		if (fields[i].parse(p, (enum field_id)i, it) < 0)
			return -EINVAL;
		remember(&p->field[i], it);
		return 0;
	}
	return fail(p, it->name, "unknown field '%s'", clip_n(c, it->name, it->name_len));
}

static bool
dl_type_is(const struct vs_flow_spec *s, uint16_t t)
{
	return s->mask.dl_type == 0xffff && s->key.dl_type == htons(t);
}

static bool
prereq_ok(const struct vs_flow_spec *s, enum prereq pr)
{
	bool ip = dl_type_is(s, ETH_TYPE_IP), ip6 = dl_type_is(s, ETH_TYPE_IPV6);
	bool arp = dl_type_is(s, ETH_TYPE_ARP);
	uint8_t proto = s->mask.nw_proto == 0xff ? s->key.nw_proto : 0;

	switch (pr) {
	case P_NONE:
		return true;
	case P_IP_ARP:
		return ip || arp;
	case P_IP_ANY:
		return ip || ip6;
	case P_L4:
		return (ip || ip6) && (proto == 6 || proto == 17 || proto == 132);
	case P_IPV6:
		return ip6;
	case P_ARP:
		return arp;
	}
	return false;
}

static const char *const prereq_text[] = {
	[P_NONE] = "",
	[P_IP_ARP] = "dl_type=0x0800 (ip) or 0x0806 (arp)",
	[P_IP_ANY] = "dl_type=0x0800 (ip) or 0x86dd (ipv6)",
	[P_L4] = "tcp, udp or sctp (nw_proto=6, 17 or 132, over ip or ipv6)",
	[P_IPV6] = "dl_type=0x86dd (ipv6)",
	[P_ARP] = "dl_type=0x0806 (arp)",
};

/* The leftmost field whose prerequisites the whole match does not meet. */
static int
check_prereqs(struct parser *p)
{
	int worst = -1;

	for (int i = 0; i < F_COUNT; i++)
		if (p->field[i].at != NULL && !prereq_ok(&p->spec, fields[i].prereq) &&
		    (worst < 0 || p->field[i].at < p->field[worst].at))
			worst = i;
	if (worst < 0)
		return 0;
	return fail(p, p->field[worst].at, "%s requires %s", fields[worst].name,
		    prereq_text[fields[worst].prereq]);
}

/*
 * Read "name[ ]SEP[ ]value" at s: the name runs to SEP, a comma, a space
 * or the end; the value to a comma, a space or the end.
 */
static const char *
read_item(const char *s, char sep, struct item *it)
{
	const char *c = s;
	char stops[8] = { sep, ',', ' ', '\t', '\r', '\n', '\0' };

	it->name = s;
	it->name_len = strcspn(s, stops);
	c = s + it->name_len;
	c += strspn(c, WS);
	it->has_value = *c == sep;
	if (!it->has_value) {
		it->value = s + it->name_len;
		it->value_len = 0;
		it->len = it->name_len;
		return s + it->name_len;
	}
	c++;
	c += strspn(c, WS);
	it->value = c;
	it->value_len = strcspn(c, "," WS);
	it->len = (size_t)(c + it->value_len - s);
	return c + it->value_len;
}

/*
 * Step over the separator after an item (spaces, at most one comma).
 * Returns the next item, or NULL with an error; *trailing is set to the
 * comma when the input ends right after one.
 */
static const char *
separator(struct parser *p, const char *c, const char **trailing)
{
	*trailing = NULL;
	c += strspn(c, WS);
	if (*c == ',') {
		const char *comma = c;

		c++;
		c += strspn(c, WS);
		if (*c == ',') {
			fail(p, c, "unexpected ','");
			return NULL;
		}
		if (*c == '\0')
			*trailing = comma;
	}
	return c;
}

static int
add_action(struct parser *p, const struct item *it, enum vs_flow_act_type t,
	   struct vs_flow_spec_action **out)
{
	struct vs_flow_spec *s = &p->spec;

	if (s->n_actions == VS_FLOW_MAX_ACTIONS)
		return fail(p, it->name, "too many actions (at most %d)", VS_FLOW_MAX_ACTIONS);
	if (s->n_actions > 0 && (t == VS_ACT_DROP || s->actions[0].type == VS_ACT_DROP))
		return fail(p, it->name, "drop must be the only action");
	*out = &s->actions[s->n_actions++];
	(*out)->type = t;
	return 0;
}

/* Whether s (n bytes) looks like "FIELD=..." for a match field: a rule with fields after actions=. */
static bool
is_match_field(const char *s, size_t n)
{
	const char *eq = memchr(s, '=', n);

	for (size_t i = 0; eq != NULL && i < F_COUNT; i++)
		if (is(s, (size_t)(eq - s), fields[i].name))
			return true;
	return false;
}

/* Actions that take no argument, by name. */
static const struct {
	const char *name;
	enum vs_flow_act_type type;
} plain_actions[] = {
	{ "normal", VS_ACT_NORMAL },
	{ "flood", VS_ACT_FLOOD },
	{ "drop", VS_ACT_DROP },
	{ "strip_vlan", VS_ACT_STRIP_VLAN },
	{ "pop_vlan", VS_ACT_STRIP_VLAN },
};

static int
one_action(struct parser *p, const struct item *it)
{
	struct vs_flow_spec_action *a;
	char c[CLIP_BUF], nm[CLIP_BUF];
	uint64_t v;
	size_t i;

	for (i = 0; i < sizeof(plain_actions) / sizeof(plain_actions[0]); i++)
		if (is_nocase(it->name, it->name_len, plain_actions[i].name)) {
			if (it->has_value)
				return fail(p, it->name, "%s takes no argument",
					    plain_actions[i].name);
			return add_action(p, it, plain_actions[i].type, &a);
		}
	if (!it->has_value) {
		/* A bare port name outputs to it, as in ovs-ofctl. */
		if (strspn(it->name, NAME_CHARS) < it->name_len)
			return fail(p, it->name, "unknown action '%s'%s",
				    clip_n(c, it->name, it->name_len),
				    is_match_field(it->name, it->name_len) ?
				    " (actions= must come last)" : "");
		if (!valid_name(it->name, it->name_len))
			return fail(p, it->name, "invalid port name '%s' (expected 1..%d characters "
				    "of A-Z a-z 0-9 _ . -)", clip_n(c, it->name, it->name_len),
				    VS_NAME_MAX - 1);
		if (add_action(p, it, VS_ACT_OUTPUT, &a) < 0)
			return -EINVAL;
		memcpy(a->port, it->name, it->name_len);
		return 0;
	}
	clip_n(nm, it->name, it->name_len);
	if (it->value_len == 0)
		return fail(p, it->value, "%s: missing argument", nm);
	if (is_nocase(it->name, it->name_len, "output")) {
		if (!valid_name(it->value, it->value_len))
			return fail(p, it->value, "output: invalid port name '%s' (expected 1..%d "
				    "characters of A-Z a-z 0-9 _ . -)",
				    clip_n(c, it->value, it->value_len), VS_NAME_MAX - 1);
		if (add_action(p, it, VS_ACT_OUTPUT, &a) < 0)
			return -EINVAL;
		memcpy(a->port, it->value, it->value_len);
		return 0;
	}
	if (is_nocase(it->name, it->name_len, "mod_vlan_vid")) {
		if (item_uint(p, it, VLAN_VID_MASK, "a VLAN ID 0..4095", "0..4095", &v) < 0 ||
		    add_action(p, it, VS_ACT_MOD_VLAN_VID, &a) < 0)
			return -EINVAL;
		a->value = (uint16_t)v;
		return 0;
	}
	if (is_nocase(it->name, it->name_len, "mod_vlan_pcp")) {
		if (item_uint(p, it, 7, "a priority code point 0..7", "0..7", &v) < 0 ||
		    add_action(p, it, VS_ACT_MOD_VLAN_PCP, &a) < 0)
			return -EINVAL;
		a->value = (uint16_t)v;
		return 0;
	}
	if (is_nocase(it->name, it->name_len, "push_vlan")) {
		if (item_uint(p, it, 0xffff, "an EtherType 0..0xffff", "0..0xffff", &v) < 0)
			return -EINVAL;
		if (v != ETH_TYPE_VLAN)
			return fail(p, it->value, "push_vlan: only 0x8100 is supported, got '%s'",
				    clip_n(c, it->value, it->value_len));
		if (add_action(p, it, VS_ACT_PUSH_VLAN, &a) < 0)
			return -EINVAL;
		a->value = (uint16_t)v;
		return 0;
	}
	if (is_nocase(it->name, it->name_len, "mod_dl_src") ||
	    is_nocase(it->name, it->name_len, "mod_dl_dst")) {
		uint8_t mac[6];

		if (!parse_mac(it->value, it->value_len, mac))
			return fail_value(p, it, "a MAC address xx:xx:xx:xx:xx:xx");
		if (add_action(p, it, is_nocase(it->name, it->name_len, "mod_dl_src") ?
			       VS_ACT_MOD_DL_SRC : VS_ACT_MOD_DL_DST, &a) < 0)
			return -EINVAL;
		memcpy(a->mac, mac, 6);
		return 0;
	}
	return fail(p, it->name, "unknown action '%s'", nm);
}

/* The action list after "actions=": the rest of the input. */
static int
action_list(struct parser *p, const char *c)
{
	struct vs_flow_spec_action *a;
	const char *trailing;
	struct item it;

	c += strspn(c, WS);
	if (*c == ',')
		return fail(p, c, "unexpected ','");
	while (*c != '\0') {
		if (*c == ':')
			return fail(p, c, "unexpected ':'");
		c = read_item(c, ':', &it);
		if (one_action(p, &it) < 0)
			return -EINVAL;
		c = separator(p, c, &trailing);
		if (c == NULL)
			return -EINVAL;
		if (trailing != NULL)
			return fail(p, trailing, "unexpected ',' at the end");
	}
	/* An empty list drops, like "drop": one spelling for both. */
	if (p->spec.n_actions == 0) {
		a = &p->spec.actions[p->spec.n_actions++];
		a->type = VS_ACT_DROP;
	}
	return 0;
}

int
vs_flow_parse(const char *s, bool with_actions, struct vs_flow_spec *out, char *err,
	      size_t errlen)
{
	struct parser p;
	const char *c, *trailing = NULL;
	bool have_actions = false;
	struct item it;

	memset(&p, 0, sizeof(p));
	p.s = s != NULL ? s : "";
	p.err = err;
	p.errlen = errlen;
	p.spec.priority = VS_FLOW_DEFAULT_PRIORITY;
	c = p.s + strspn(p.s, WS);
	if (*c == '\0' && with_actions)
		return fail(&p, p.s, "empty rule (expected FIELD=VALUE,...,actions=ACTION,...)");
	while (*c != '\0') {
		if (*c == ',' || *c == '=')
			return fail(&p, c, "unexpected '%c'", *c);
		c = read_item(c, '=', &it);
		if (is(it.name, it.name_len, "actions")) {
			if (!with_actions)
				return fail(&p, it.name, "actions not allowed here");
			if (!it.has_value)
				return fail(&p, it.name, "expected actions=ACTION,...");
			if (action_list(&p, it.value) < 0)
				return -EINVAL;
			have_actions = true;
			break;
		}
		if (match_item(&p, &it, with_actions) < 0)
			return -EINVAL;
		c = separator(&p, c, &trailing);
		if (c == NULL)
			return -EINVAL;
	}
	if (with_actions && !have_actions)
		return fail(&p, p.s + strlen(p.s), "missing actions=");
	if (trailing != NULL)
		return fail(&p, trailing, "unexpected ',' at the end");
	if (check_prereqs(&p) < 0)
		return -EINVAL;
	memcpy(out, &p.spec, sizeof(*out));
	return 0;
}

/* ------------------------------------------------------------------------
 * The formatter
 */

/* An snprintf-like buffer: counts what would have been written. */
struct out {
	char *buf;              /* may be NULL when len is 0 */
	size_t len;             /* size of buf */
	size_t n;               /* length of the whole text so far, written or not */
};

static void __attribute__((format(printf, 2, 3)))
put(struct out *o, const char *f, ...)
{
	va_list ap;
	int n;

	va_start(ap, f);
	n = vsnprintf(o->n < o->len ? o->buf + o->n : NULL, o->n < o->len ? o->len - o->n : 0,
		      f, ap);
	va_end(ap);
	if (n > 0)
		o->n += (size_t)n;
}

static bool
all_ones(const uint8_t *m, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (m[i] != 0xff)
			return false;
	return true;
}

static bool
all_zero(const uint8_t *m, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (m[i] != 0)
			return false;
	return true;
}

static void
put_mac(struct out *o, const uint8_t *m)
{
	put(o, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3], m[4], m[5]);
}

static void
put_mac_field(struct out *o, const char *name, const uint8_t *key, const uint8_t *mask)
{
	if (all_zero(mask, 6))
		return;
	put(o, ",%s=", name);
	put_mac(o, key);
	if (!all_ones(mask, 6)) {
		put(o, "/");
		put_mac(o, mask);
	}
}

/* An address as "a/len" when the mask is a prefix, else "a/mask"; nothing when wildcarded. */
static void
put_addr_field(struct out *o, int af, const char *name, const void *key, const void *mask)
{
	size_t bytes = af == AF_INET ? 4 : 16;
	char a[INET6_ADDRSTRLEN];
	int len;

	if (all_zero(mask, bytes))
		return;
	inet_ntop(af, key, a, sizeof(a));
	put(o, ",%s=%s", name, a);
	len = mask_prefix_len(mask, bytes);
	if (len == (int)bytes * 8)
		return;
	if (len >= 0) {
		put(o, "/%d", len);
	} else {
		inet_ntop(af, mask, a, sizeof(a));
		put(o, "/%s", a);
	}
}

/* A 16-bit field: decimal when exact, "0xV/0xM" when masked. */
static void
put_u16_field(struct out *o, const char *name, uint16_t key, uint16_t mask)
{
	if (mask == 0)
		return;
	if (mask == 0xffff)
		put(o, ",%s=%u", name, key);
	else
		put(o, ",%s=0x%x/0x%x", name, key, mask);
}

/* dl_vlan/dl_vlan_pcp when they can say it, else vlan_tci. */
static void
put_vlan(struct out *o, const struct vs_flow_spec *s)
{
	uint16_t t = ntohs(s->key.vlan_tci), m = ntohs(s->mask.vlan_tci);
	uint16_t vid_m = m & VLAN_VID_MASK, pcp_m = m & VLAN_PCP_MASK;

	if (m == 0)
		return;
	if (m == 0xffff && t == 0) {
		put(o, ",dl_vlan=0xffff");
		return;
	}
	if ((m & VS_FLOW_TCI_PRESENT) && (t & VS_FLOW_TCI_PRESENT) &&
	    (vid_m == 0 || vid_m == VLAN_VID_MASK) && (pcp_m == 0 || pcp_m == VLAN_PCP_MASK) &&
	    (vid_m | pcp_m) != 0) {
		if (vid_m)
			put(o, ",dl_vlan=%u", t & VLAN_VID_MASK);
		if (pcp_m)
			put(o, ",dl_vlan_pcp=%u", t >> 13);
		return;
	}
	if (m == 0xffff)
		put(o, ",vlan_tci=0x%04x", t);
	else
		put(o, ",vlan_tci=0x%04x/0x%04x", t, m);
}

/* The match: "priority=P" and every matched field, in canonical order. */
static void
put_match(struct out *o, const struct vs_flow_spec *s)
{
	const struct vs_flow_key *k = &s->key, *m = &s->mask;
	bool proto_done = false;

	put(o, "priority=%" PRIu32, s->priority);
	if (s->in_port[0] != '\0')
		put(o, ",in_port=%.*s", VS_NAME_MAX - 1, s->in_port);
	if (m->dl_type == 0xffff) {
		const struct shorthand *best = NULL;

		for (size_t i = 0; i < N_SHORTHANDS; i++) {
			const struct shorthand *sh = &shorthands[i];

			if (!sh->canonical || k->dl_type != htons(sh->dl_type))
				continue;
			if (sh->nw_proto == 0 && best == NULL)
				best = sh;
			else if (sh->nw_proto != 0 && m->nw_proto == 0xff &&
				 k->nw_proto == sh->nw_proto)
				best = sh;
		}
		if (best != NULL) {
			put(o, ",%s", best->name);
			proto_done = best->nw_proto != 0;
		} else {
			put(o, ",dl_type=0x%04x", ntohs(k->dl_type));
		}
	} else if (m->dl_type != 0) {
		put(o, ",dl_type=0x%04x/0x%04x", ntohs(k->dl_type), ntohs(m->dl_type));
	}
	put_vlan(o, s);
	put_mac_field(o, "dl_src", k->dl_src, m->dl_src);
	put_mac_field(o, "dl_dst", k->dl_dst, m->dl_dst);
	put_addr_field(o, AF_INET, "nw_src", &k->nw_src, &m->nw_src);
	put_addr_field(o, AF_INET, "nw_dst", &k->nw_dst, &m->nw_dst);
	if (!proto_done && m->nw_proto == 0xff)
		put(o, ",nw_proto=%u", k->nw_proto);
	else if (!proto_done && m->nw_proto != 0)
		put(o, ",nw_proto=0x%x/0x%x", k->nw_proto, m->nw_proto);
	if (m->nw_tos == (uint8_t)~IP_ECN_MASK)
		put(o, ",nw_tos=%u", k->nw_tos);
	else if (m->nw_tos != 0)
		put(o, ",nw_tos=0x%x/0x%x", k->nw_tos, m->nw_tos);
	put_u16_field(o, "tp_src", ntohs(k->tp_src), ntohs(m->tp_src));
	put_u16_field(o, "tp_dst", ntohs(k->tp_dst), ntohs(m->tp_dst));
	put_addr_field(o, AF_INET6, "ipv6_src", k->ipv6_src, m->ipv6_src);
	put_addr_field(o, AF_INET6, "ipv6_dst", k->ipv6_dst, m->ipv6_dst);
	put_u16_field(o, "arp_op", ntohs(k->arp_op), ntohs(m->arp_op));
}

static void
put_action(struct out *o, const struct vs_flow_spec_action *a)
{
	switch (a->type) {
	case VS_ACT_OUTPUT:
		put(o, "output:%.*s", VS_NAME_MAX - 1, a->port);
		break;
	case VS_ACT_MOD_VLAN_VID:
	case VS_ACT_MOD_VLAN_PCP:
		put(o, "%s:%u", vs_flow_act_name(a->type), a->value);
		break;
	case VS_ACT_PUSH_VLAN:
		put(o, "push_vlan:0x%04x", a->value);
		break;
	case VS_ACT_MOD_DL_SRC:
	case VS_ACT_MOD_DL_DST:
		put(o, "%s:", vs_flow_act_name(a->type));
		put_mac(o, a->mac);
		break;
	default:
		put(o, "%s", vs_flow_act_name(a->type));
		break;
	}
}

static int
finish(struct out *o)
{
	if (o->len > 0)
		o->buf[o->n < o->len ? o->n : o->len - 1] = '\0';
	return o->n > INT32_MAX ? INT32_MAX : (int)o->n;
}

int
vs_flow_format_match(const struct vs_flow_spec *spec, char *buf, size_t len)
{
	struct out o = { buf, len, 0 };

	put_match(&o, spec);
	return finish(&o);
}

int
vs_flow_format(const struct vs_flow_spec *spec, char *buf, size_t len)
{
	struct out o = { buf, len, 0 };
	unsigned n = spec->n_actions < VS_FLOW_MAX_ACTIONS ? spec->n_actions : VS_FLOW_MAX_ACTIONS;

	put_match(&o, spec);
	put(&o, " actions=");
	if (n == 0)
		put(&o, "drop");
	for (unsigned i = 0; i < n; i++) {
		if (i > 0)
			put(&o, ",");
		put_action(&o, &spec->actions[i]);
	}
	return finish(&o);
}

/* ------------------------------------------------------------------------
 * Comparisons and names
 */

bool
vs_flow_filter_selects(const struct vs_flow_spec *filter, const struct vs_flow_spec *rule)
{
	const uint8_t *fk = (const uint8_t *)&filter->key, *fm = (const uint8_t *)&filter->mask;
	const uint8_t *rk = (const uint8_t *)&rule->key, *rm = (const uint8_t *)&rule->mask;

	if (filter->in_port[0] != '\0' && strcmp(filter->in_port, rule->in_port) != 0)
		return false;
	/* in_port is compared by name above; key.in_port holds no name. */
	for (size_t i = offsetof(struct vs_flow_key, dl_type); i < sizeof(filter->key); i++)
		if ((fm[i] & ~rm[i]) != 0 || (rk[i] & fm[i]) != (fk[i] & fm[i]))
			return false;
	return true;
}

bool
vs_flow_match_equal(const struct vs_flow_spec *a, const struct vs_flow_spec *b)
{
	return a->priority == b->priority && strcmp(a->in_port, b->in_port) == 0 &&
	       memcmp(&a->key, &b->key, sizeof(a->key)) == 0 &&
	       memcmp(&a->mask, &b->mask, sizeof(a->mask)) == 0;
}

size_t
vs_flow_line_len(const char *line)
{
	size_t n = strcspn(line, "#\n");

	while (n > 0 && strchr(WS, line[n - 1]) != NULL)
		n--;
	return n;
}

const char *
vs_flow_act_name(enum vs_flow_act_type t)
{
	static const char *const names[VS_ACT_COUNT] = {
		[VS_ACT_OUTPUT] = "output",
		[VS_ACT_NORMAL] = "normal",
		[VS_ACT_FLOOD] = "flood",
		[VS_ACT_DROP] = "drop",
		[VS_ACT_MOD_VLAN_VID] = "mod_vlan_vid",
		[VS_ACT_MOD_VLAN_PCP] = "mod_vlan_pcp",
		[VS_ACT_STRIP_VLAN] = "strip_vlan",
		[VS_ACT_PUSH_VLAN] = "push_vlan",
		[VS_ACT_MOD_DL_SRC] = "mod_dl_src",
		[VS_ACT_MOD_DL_DST] = "mod_dl_dst",
	};

	return (unsigned)t < VS_ACT_COUNT ? names[t] : "unknown";
}
