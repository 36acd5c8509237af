/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Flow rules in the syntax ovs-ofctl users know:
 *   "priority=100,in_port=vm1,dl_type=0x0800,nw_dst=10.0.0.0/24,actions=output:fw"
 * parsed into a match (key + mask over struct vs_flow_key) and a list of
 * actions, with port names still as names (control resolves them to port
 * slots when it installs the rule). Pure C, no DPDK: shared by the YAML
 * loader, the control thread and unit tests.
 */
#ifndef VS_FLOW_H
#define VS_FLOW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"

#define VS_FLOW_MAX_ACTIONS 16
#define VS_FLOW_DEFAULT_PRIORITY 32768         /* as ovs-ofctl */
#define VS_FLOW_MAX_PRIORITY 65535

/*
 * The fields a rule can match, laid out in 8-byte words so that a masked
 * compare and a hash are a few word operations. Every multi-byte field is
 * in network byte order, as in the frame. Unused fields are zero.
 */
struct vs_flow_key {
	/* word 0 */
	uint16_t in_port;       /* port slot (control fills it; parser: see vs_flow_spec.in_port) */
	uint16_t dl_type;       /* EtherType after any 802.1Q tag */
	uint16_t vlan_tci;      /* outer 802.1Q TCI with VS_FLOW_TCI_PRESENT set; 0 = untagged */
	uint8_t nw_proto;       /* IPv4 protocol / IPv6 next header */
	uint8_t nw_tos;         /* IPv4 TOS / IPv6 traffic class (DSCP + ECN byte) */
	/* word 1 */
	uint8_t dl_src[6];
	uint16_t tp_src;        /* TCP/UDP/SCTP source port */
	/* word 2 */
	uint8_t dl_dst[6];
	uint16_t tp_dst;
	/* word 3 */
	uint32_t nw_src;        /* IPv4 source, or ARP sender IP */
	uint32_t nw_dst;        /* IPv4 destination, or ARP target IP */
	/* word 4 */
	uint16_t arp_op;        /* ARP opcode */
	uint16_t pad[3];
	/* words 5..8 */
	uint8_t ipv6_src[16];
	uint8_t ipv6_dst[16];
} __attribute__((aligned(8)));

#define VS_FLOW_KEY_WORDS (sizeof(struct vs_flow_key) / 8)

/*
 * vlan_tci carries this bit (the 802.1Q CFI/DEI bit, as OVS does) when the
 * frame has a tag, so that "VID 0 tagged" and "untagged" differ:
 * dl_vlan=0xffff (ovs-ofctl's "no VLAN") matches vlan_tci == 0 with the
 * full mask.
 */
#define VS_FLOW_TCI_PRESENT 0x1000

enum vs_flow_act_type {
	VS_ACT_OUTPUT,          /* port */
	VS_ACT_NORMAL,          /* the L2 learning switch */
	VS_ACT_FLOOD,           /* every port of the bridge but the input */
	VS_ACT_DROP,            /* drop; vs_flow_parse gives it for "drop" and for an empty list */
	VS_ACT_MOD_VLAN_VID,    /* value: VID; pushes a tag if there is none */
	VS_ACT_MOD_VLAN_PCP,    /* value: PCP; pushes a tag (VID 0) if there is none */
	VS_ACT_STRIP_VLAN,      /* pop the outer tag if any */
	VS_ACT_PUSH_VLAN,       /* value: TPID (only 0x8100); pushes a VID 0 tag */
	VS_ACT_MOD_DL_SRC,      /* mac */
	VS_ACT_MOD_DL_DST,      /* mac */
	VS_ACT_COUNT,
};

struct vs_flow_spec_action {
	enum vs_flow_act_type type;
	char port[VS_NAME_MAX];         /* VS_ACT_OUTPUT: port name */
	uint16_t value;                 /* VID, PCP or TPID */
	uint8_t mac[6];                 /* MOD_DL_SRC/DST */
};

/* A parsed rule (or, for del-flows, a parsed match without actions). */
struct vs_flow_spec {
	uint32_t priority;              /* VS_FLOW_DEFAULT_PRIORITY unless given */
	char in_port[VS_NAME_MAX];      /* "" = any port; else a port name */
	struct vs_flow_key key;         /* match values, already masked */
	struct vs_flow_key mask;        /* 1 bits are matched (in_port word: 0, see in_port) */
	unsigned n_actions;
	struct vs_flow_spec_action actions[VS_FLOW_MAX_ACTIONS];
};

/*
 * Parse "field=value,...,actions=a,b,c" (ovs-ofctl syntax, a subset; see
 * docs/flows.md). Fields: priority, in_port, dl_src, dl_dst (MAC[/mask]),
 * dl_type, dl_vlan (0..4095, or 0xffff = untagged), dl_vlan_pcp, vlan_tci
 * (TCI[/mask], the raw form), nw_src, nw_dst (IPv4 a.b.c.d[/len or /mask]),
 * nw_proto, nw_tos, tp_src, tp_dst (N or N/mask), ipv6_src, ipv6_dst
 * (addr[/len or /mask]), arp_op; shorthands ip, ipv6, arp, icmp, igmp,
 * icmp6, tcp, udp, sctp, tcp6, udp6, sctp6 and OVS's aliases ipv4, ip4,
 * ip6, icmp4, tcp4, udp4, sctp4 (set dl_type and nw_proto). Prerequisites
 * are checked as OVS does (nw_src/nw_dst need ip or arp, nw_proto/nw_tos
 * ip or ipv6, tp_* tcp/udp/sctp, ipv6_* ipv6, arp_op arp). A field given
 * twice is an error; a shorthand and dl_type/nw_proto may repeat each
 * other only if they agree. Counters of dump-flows output (n_packets,
 * n_bytes, duration, idle_age, hard_age) are ignored, as ovs-ofctl does.
 * Actions (names in any case, as ovs-ofctl): output:PORT (or a bare port
 * name), normal, flood, drop, mod_vlan_vid:V, mod_vlan_pcp:P, strip_vlan
 * (or pop_vlan), push_vlan:0x8100, mod_dl_src:MAC, mod_dl_dst:MAC; "drop"
 * must be alone; "drop" and an empty list both give one VS_ACT_DROP.
 * with_actions: true for add-flow (actions= required and last), false for
 * del-flows/dump-flows filters (actions= and priority refused; an empty
 * filter selects every rule).
 * Returns 0, or -EINVAL with "column N: why" in err (N is 1-based, where
 * the offending field or value starts); *out is only written on success.
 */
int vs_flow_parse(const char *s, bool with_actions, struct vs_flow_spec *out, char *err,
		  size_t errlen);

/*
 * The canonical text of a rule, as dump-flows prints it:
 * "priority=100,in_port=vm1,ip,nw_dst=10.0.0.0/24 actions=output:fw"
 * (fields in a fixed order, prefixes and masks in their shortest form).
 * vs_flow_parse() of it gives back the same spec.
 * Returns the length of the whole text (written truncated to len-1, like
 * snprintf).
 */
int vs_flow_format(const struct vs_flow_spec *spec, char *buf, size_t len);

/* The match part only ("priority=..,fields"), for messages. */
int vs_flow_format_match(const struct vs_flow_spec *spec, char *buf, size_t len);

/*
 * Whether a rule is selected by a del-flows/dump-flows filter (non-strict,
 * as ovs-ofctl): every field the filter matches is matched by the rule at
 * least as precisely, with the same value; in_port likewise.
 */
bool vs_flow_filter_selects(const struct vs_flow_spec *filter, const struct vs_flow_spec *rule);

/* Same priority, in_port and match: add-flow replaces such a rule. */
bool vs_flow_match_equal(const struct vs_flow_spec *a, const struct vs_flow_spec *b);

/*
 * For files of rules (add-flows, one per line): the length of the rule
 * part of a line, without a '#' comment, the newline and trailing spaces;
 * 0 for a blank or comment line. Columns of parse errors stay those of the
 * line.
 */
size_t vs_flow_line_len(const char *line);

const char *vs_flow_act_name(enum vs_flow_act_type t);

#endif /* VS_FLOW_H */
