/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests of config/flow.c, the ovs-ofctl flow syntax: good rules with
 * their canonical text and exact key/mask bytes, bad rules with their exact
 * "column N: ..." messages, the formatter, parse(format(x)) == x on every
 * good rule and on random specs, del-flows/dump-flows filter selection,
 * and a fuzz loop over a token soup that must never crash (run it under
 * valgrind: `valgrind --error-exitcode=1 tests/test_flow`).
 *
 * FLOW_SEED=N reruns the random tests with one seed; FLOW_FUZZ=N sets the
 * number of fuzz inputs (default 50,000).
 */

#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "flow.h"

#define ERR_LEN 256
#define TEXT_LEN 2048

/* ---- helpers ---- */

static uint64_t rng_state;

/* xorshift64*: the same sequence on every machine for a given seed. */
static uint64_t
rnd(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * UINT64_C(2685821657736338717);
}

static unsigned
rnd_below(unsigned n)
{
	return (unsigned)(rnd() % n);
}

static uint64_t
seed(void)
{
	const char *s = getenv("FLOW_SEED");

	return s != NULL ? strtoull(s, NULL, 0) | 1 : UINT64_C(0x9e3779b97f4a7c15);
}

/* Field by field, so a failure says what differs. */
static bool
spec_equal(const struct vs_flow_spec *a, const struct vs_flow_spec *b, char *why, size_t len)
{
	if (a->priority != b->priority)
		snprintf(why, len, "priority %u != %u", a->priority, b->priority);
	else if (strcmp(a->in_port, b->in_port) != 0)
		snprintf(why, len, "in_port '%s' != '%s'", a->in_port, b->in_port);
	else if (memcmp(&a->key, &b->key, sizeof(a->key)) != 0)
		snprintf(why, len, "key differs");
	else if (memcmp(&a->mask, &b->mask, sizeof(a->mask)) != 0)
		snprintf(why, len, "mask differs");
	else if (a->n_actions != b->n_actions)
		snprintf(why, len, "n_actions %u != %u", a->n_actions, b->n_actions);
	else if (memcmp(a->actions, b->actions, a->n_actions * sizeof(a->actions[0])) != 0)
		snprintf(why, len, "actions differ");
	else
		return true;
	return false;
}

static void
must_parse(const char *s, bool with_actions, struct vs_flow_spec *spec)
{
	char err[ERR_LEN] = "";

	if (vs_flow_parse(s, with_actions, spec, err, sizeof(err)) != 0)
		fail_msg("'%s': %s", s, err);
}

/* parse(format(spec)) == spec, and the text is stable. */
static bool
round_trips(const struct vs_flow_spec *spec, bool with_actions, char *why, size_t len)
{
	char text[TEXT_LEN], again[TEXT_LEN], err[ERR_LEN], diff[128];
	struct vs_flow_spec back;

	if (with_actions)
		vs_flow_format(spec, text, sizeof(text));
	else
		vs_flow_format_match(spec, text, sizeof(text));
	/* A filter's text starts with the priority, which filters refuse. */
	const char *in = with_actions ? text : strchr(text, ',') ? strchr(text, ',') + 1 : "";

	if (vs_flow_parse(in, with_actions, &back, err, sizeof(err)) != 0) {
		snprintf(why, len, "'%s' does not parse: %s", text, err);
		return false;
	}
	if (!with_actions)
		back.priority = spec->priority;
	if (!spec_equal(spec, &back, diff, sizeof(diff))) {
		snprintf(why, len, "'%s' parses back different: %s", text, diff);
		return false;
	}
	if (with_actions)
		vs_flow_format(&back, again, sizeof(again));
	else
		vs_flow_format_match(&back, again, sizeof(again));
	if (strcmp(text, again) != 0) {
		snprintf(why, len, "'%s' formats again as '%s'", text, again);
		return false;
	}
	return true;
}

/* ---- good rules: canonical text, round trip ---- */

struct good_case {
	const char *in;
	bool with_actions;
	const char *canon;      /* vs_flow_format, or vs_flow_format_match for filters */
};

static const struct good_case good_cases[] = {
	/* the examples of the brief and of docs/flows.md */
	{ "priority=100,in_port=vm1,dl_type=0x0800,nw_dst=10.0.0.0/24,actions=output:fw", true,
	  "priority=100,in_port=vm1,ip,nw_dst=10.0.0.0/24 actions=output:fw" },
	{ "ip,nw_src=10.1.0.0/16,actions=drop", true,
	  "priority=32768,ip,nw_src=10.1.0.0/16 actions=drop" },
	{ "in_port=p1,dl_vlan=10,actions=strip_vlan,output:p2", true,
	  "priority=32768,in_port=p1,dl_vlan=10 actions=strip_vlan,output:p2" },
	{ "priority=100,in_port=uplink,dl_vlan=10,actions=output:fw", true,
	  "priority=100,in_port=uplink,dl_vlan=10 actions=output:fw" },
	{ "priority=200,ip,nw_src=192.0.2.0/24,actions=drop", true,
	  "priority=200,ip,nw_src=192.0.2.0/24 actions=drop" },
	{ "priority=100,in_port=vm1,actions=output:probe,normal", true,
	  "priority=100,in_port=vm1 actions=output:probe,normal" },
	{ "priority=10,arp,actions=normal", true, "priority=10,arp actions=normal" },
	/* whitespace */
	{ "in_port=1 actions=drop", true, "priority=32768,in_port=1 actions=drop" },
	{ "  priority = 5 , tcp,\ttp_dst=0x50/0xfff0   actions = NORMAL, p3 \n", true,
	  "priority=5,tcp,tp_dst=0x50/0xfff0 actions=normal,output:p3" },
	{ "in_port=p1\r\nactions=drop\r\n", true, "priority=32768,in_port=p1 actions=drop" },
	{ "ip tcp nw_src=1.2.3.4 actions=output: p1 normal", true,
	  "priority=32768,tcp,nw_src=1.2.3.4 actions=output:p1,normal" },
	/* priorities */
	{ "actions=normal", true, "priority=32768 actions=normal" },
	{ "priority=0,actions=normal", true, "priority=0 actions=normal" },
	{ "priority=65535,actions=normal", true, "priority=65535 actions=normal" },
	{ "priority=0xff,actions=normal", true, "priority=255 actions=normal" },
	/* drop */
	{ "actions=", true, "priority=32768 actions=drop" },
	{ "actions=  ", true, "priority=32768 actions=drop" },
	{ "actions=DROP", true, "priority=32768 actions=drop" },
	/* shorthands and their spelled-out forms */
	{ "dl_type=0x0800,nw_proto=6,tp_dst=443,actions=p1", true,
	  "priority=32768,tcp,tp_dst=443 actions=output:p1" },
	{ "dl_type=0x86dd,nw_proto=58,actions=drop", true, "priority=32768,icmp6 actions=drop" },
	{ "ipv6,nw_proto=17,actions=drop", true, "priority=32768,udp6 actions=drop" },
	{ "ip,dl_type=2048,actions=drop", true, "priority=32768,ip actions=drop" },
	{ "tcp,ip,nw_proto=6,dl_type=0x800,actions=drop", true, "priority=32768,tcp actions=drop" },
	{ "icmp,nw_tos=184,actions=drop", true, "priority=32768,icmp,nw_tos=184 actions=drop" },
	{ "ip,nw_proto=50,actions=drop", true, "priority=32768,ip,nw_proto=50 actions=drop" },
	{ "ipv6,nw_proto=0,nw_tos=0,actions=drop", true,
	  "priority=32768,ipv6,nw_proto=0,nw_tos=0 actions=drop" },
	{ "dl_type=0x88cc,actions=drop", true, "priority=32768,dl_type=0x88cc actions=drop" },
	{ "dl_type=0x806,actions=drop", true, "priority=32768,arp actions=drop" },
	{ "dl_type=0,actions=drop", true, "priority=32768,dl_type=0x0000 actions=drop" },
	{ "ipv4,actions=drop", true, "priority=32768,ip actions=drop" },
	{ "ip4,actions=drop", true, "priority=32768,ip actions=drop" },
	{ "ip6,actions=drop", true, "priority=32768,ipv6 actions=drop" },
	{ "tcp4,actions=drop", true, "priority=32768,tcp actions=drop" },
	{ "udp,actions=drop", true, "priority=32768,udp actions=drop" },
	{ "sctp,tp_src=9/0xff00,actions=drop", true,
	  "priority=32768,sctp,tp_src=0x0/0xff00 actions=drop" },
	{ "tcp6,actions=drop", true, "priority=32768,tcp6 actions=drop" },
	{ "sctp6,tp_dst=0xffff,actions=drop", true,
	  "priority=32768,sctp6,tp_dst=65535 actions=drop" },
	{ "igmp,actions=drop", true, "priority=32768,igmp actions=drop" },
	{ "icmp4,actions=drop", true, "priority=32768,icmp actions=drop" },
	/* VLANs */
	{ "dl_vlan=0xffff,actions=drop", true, "priority=32768,dl_vlan=0xffff actions=drop" },
	{ "dl_vlan=65535,actions=drop", true, "priority=32768,dl_vlan=0xffff actions=drop" },
	{ "dl_vlan=0,actions=drop", true, "priority=32768,dl_vlan=0 actions=drop" },
	{ "dl_vlan_pcp=7,actions=drop", true, "priority=32768,dl_vlan_pcp=7 actions=drop" },
	{ "dl_vlan_pcp=3,dl_vlan=4095,actions=drop", true,
	  "priority=32768,dl_vlan=4095,dl_vlan_pcp=3 actions=drop" },
	{ "vlan_tci=0x1000/0x1000,actions=drop", true,
	  "priority=32768,vlan_tci=0x1000/0x1000 actions=drop" },
	{ "vlan_tci=0,actions=drop", true, "priority=32768,dl_vlan=0xffff actions=drop" },
	{ "vlan_tci=0x100a/0x1fff,actions=drop", true, "priority=32768,dl_vlan=10 actions=drop" },
	{ "vlan_tci=0x300a,actions=drop", true,
	  "priority=32768,dl_vlan=10,dl_vlan_pcp=1 actions=drop" },
	{ "vlan_tci=0x000a/0x0fff,actions=drop", true,
	  "priority=32768,vlan_tci=0x000a/0x0fff actions=drop" },
	/* Ethernet addresses */
	{ "dl_src=AA:BB:cc:0:1:2,actions=drop", true,
	  "priority=32768,dl_src=aa:bb:cc:00:01:02 actions=drop" },
	{ "dl_dst=01:00:5e:12:34:56/ff:ff:ff:80:00:00,actions=drop", true,
	  "priority=32768,dl_dst=01:00:5e:00:00:00/ff:ff:ff:80:00:00 actions=drop" },
	{ "dl_dst=01:00:00:00:00:00/01:00:00:00:00:00,dl_src=00:00:00:00:00:00,actions=drop", true,
	  "priority=32768,dl_src=00:00:00:00:00:00,dl_dst=01:00:00:00:00:00/01:00:00:00:00:00 "
	  "actions=drop" },
	{ "dl_src=aa:bb:cc:dd:ee:ff/00:00:00:00:00:00,actions=drop", true,
	  "priority=32768 actions=drop" },
	/* IPv4 */
	{ "ip,nw_src=10.0.0.77/24,actions=drop", true,
	  "priority=32768,ip,nw_src=10.0.0.0/24 actions=drop" },
	{ "ip,nw_src=10.0.0.77/255.255.255.0,actions=drop", true,
	  "priority=32768,ip,nw_src=10.0.0.0/24 actions=drop" },
	{ "ip,nw_dst=10.9.8.7/255.0.255.0,actions=drop", true,
	  "priority=32768,ip,nw_dst=10.0.8.0/255.0.255.0 actions=drop" },
	{ "ip,nw_dst=10.9.8.7/32,actions=drop", true, "priority=32768,ip,nw_dst=10.9.8.7 actions=drop" },
	{ "ip,nw_dst=10.9.8.7/0,actions=drop", true, "priority=32768,ip actions=drop" },
	{ "ip,nw_dst=128.0.0.1/1,actions=drop", true, "priority=32768,ip,nw_dst=128.0.0.0/1 actions=drop" },
	{ "arp,nw_src=10.0.0.1,nw_dst=10.0.0.2,arp_op=2,actions=flood", true,
	  "priority=32768,arp,nw_src=10.0.0.1,nw_dst=10.0.0.2,arp_op=2 actions=flood" },
	/* IPv6 */
	{ "ipv6,ipv6_src=2001:db8::1/32,ipv6_dst=FE80::1,actions=drop", true,
	  "priority=32768,ipv6,ipv6_src=2001:db8::/32,ipv6_dst=fe80::1 actions=drop" },
	{ "ipv6,ipv6_src=2001:db8:ffff::/33,actions=drop", true,
	  "priority=32768,ipv6,ipv6_src=2001:db8:8000::/33 actions=drop" },
	{ "ipv6,ipv6_dst=::/0,actions=drop", true, "priority=32768,ipv6 actions=drop" },
	{ "ipv6,ipv6_dst=::1/128,actions=drop", true, "priority=32768,ipv6,ipv6_dst=::1 actions=drop" },
	{ "ipv6,ipv6_dst=ffff:ffff::1/ffff:0:ffff::,actions=drop", true,
	  "priority=32768,ipv6,ipv6_dst=ffff::/ffff:0:ffff:: actions=drop" },
	/* order of fields in the canonical text */
	{ "tcp6,tp_dst=2,ipv6_dst=::2,ipv6_src=::1,tp_src=1,nw_tos=4,dl_dst=0:0:0:0:0:2,"
	  "dl_src=0:0:0:0:0:1,dl_vlan_pcp=1,dl_vlan=1,in_port=p,priority=1,actions=drop", true,
	  "priority=1,in_port=p,tcp6,dl_vlan=1,dl_vlan_pcp=1,dl_src=00:00:00:00:00:01,"
	  "dl_dst=00:00:00:00:00:02,nw_tos=4,tp_src=1,tp_dst=2,ipv6_src=::1,ipv6_dst=::2 actions=drop" },
	{ "udp,nw_dst=1.1.1.1,nw_src=2.2.2.2,nw_tos=252,tp_dst=53,actions=drop", true,
	  "priority=32768,udp,nw_src=2.2.2.2,nw_dst=1.1.1.1,nw_tos=252,tp_dst=53 actions=drop" },
	/* actions */
	{ "actions=mod_vlan_vid:100,mod_vlan_pcp:5,push_vlan:0x8100,mod_dl_src:0:1:2:3:4:5,"
	  "mod_dl_dst:AA:BB:CC:DD:EE:FF,flood,pop_vlan,strip_vlan,output:p.1-x_y", true,
	  "priority=32768 actions=mod_vlan_vid:100,mod_vlan_pcp:5,push_vlan:0x8100,"
	  "mod_dl_src:00:01:02:03:04:05,mod_dl_dst:aa:bb:cc:dd:ee:ff,flood,strip_vlan,strip_vlan,"
	  "output:p.1-x_y" },
	{ "actions=Normal,FLOOD,mod_vlan_vid:0,mod_vlan_pcp:0,Output:NORMALX,push_vlan:33024", true,
	  "priority=32768 actions=normal,flood,mod_vlan_vid:0,mod_vlan_pcp:0,output:NORMALX,"
	  "push_vlan:0x8100" },
	{ "actions=ip,tcp,actions", true,
	  "priority=32768 actions=output:ip,output:tcp,output:actions" },
	{ "actions=p1,p2,p3,p4,p5,p6,p7,p8,p9,p10,p11,p12,p13,p14,p15,p16", true,
	  "priority=32768 actions=output:p1,output:p2,output:p3,output:p4,output:p5,output:p6,"
	  "output:p7,output:p8,output:p9,output:p10,output:p11,output:p12,output:p13,output:p14,"
	  "output:p15,output:p16" },
	{ "actions=output:abcdefghijabcdefghijabcdefghij1", true,
	  "priority=32768 actions=output:abcdefghijabcdefghijabcdefghij1" },
	/* dump-flows output fed back */
	{ " n_packets=10, n_bytes=600, idle_age=3, duration=12.5s, priority=7,ip actions=drop", true,
	  "priority=7,ip actions=drop" },
	/* filters */
	{ "", false, "priority=32768" },
	{ "  \t", false, "priority=32768" },
	{ "in_port=p1,tcp", false, "priority=32768,in_port=p1,tcp" },
	{ "tp_dst=80,tcp", false, "priority=32768,tcp,tp_dst=80" },
	{ "dl_vlan=0xffff", false, "priority=32768,dl_vlan=0xffff" },
};

static void
test_good_rules(void **state)
{
	char text[TEXT_LEN], err[ERR_LEN], why[TEXT_LEN];
	struct vs_flow_spec spec;
	size_t i, failed = 0;

	(void)state;
	for (i = 0; i < sizeof(good_cases) / sizeof(good_cases[0]); i++) {
		const struct good_case *c = &good_cases[i];
		int rc;

		strcpy(err, "(no message)");
		rc = vs_flow_parse(c->in, c->with_actions, &spec, err, sizeof(err));
		if (rc != 0) {
			print_error("'%s': rc %d: %s\n", c->in, rc, err);
			failed++;
			continue;
		}
		if (c->with_actions)
			vs_flow_format(&spec, text, sizeof(text));
		else
			vs_flow_format_match(&spec, text, sizeof(text));
		if (strcmp(text, c->canon) != 0) {
			print_error("'%s'\n  want: %s\n  got:  %s\n", c->in, c->canon, text);
			failed++;
		}
		if (!round_trips(&spec, c->with_actions, why, sizeof(why))) {
			print_error("'%s': %s\n", c->in, why);
			failed++;
		}
	}
	assert_int_equal(failed, 0);
}

/* ---- exact key and mask bytes ---- */

static void
test_key_mask_bytes(void **state)
{
	static const uint8_t zero[sizeof(struct vs_flow_key)];
	struct vs_flow_spec s;
	uint8_t v6[16];

	(void)state;
	/* Defaults: nothing matched, default priority, one drop. */
	must_parse("actions=", true, &s);
	assert_int_equal(s.priority, VS_FLOW_DEFAULT_PRIORITY);
	assert_string_equal(s.in_port, "");
	assert_memory_equal(&s.key, zero, sizeof(zero));
	assert_memory_equal(&s.mask, zero, sizeof(zero));
	assert_int_equal(s.n_actions, 1);
	assert_int_equal(s.actions[0].type, VS_ACT_DROP);

	/* in_port stays a name; the in_port word is not matched by the parser. */
	must_parse("priority=100,in_port=vm1,dl_type=0x0800,nw_dst=10.0.0.77/24,actions=output:fw",
		   true, &s);
	assert_int_equal(s.priority, 100);
	assert_string_equal(s.in_port, "vm1");
	assert_int_equal(s.key.in_port, 0);
	assert_int_equal(s.mask.in_port, 0);
	assert_int_equal(s.key.dl_type, htons(0x0800));
	assert_int_equal(s.mask.dl_type, 0xffff);
	assert_memory_equal(&s.key.nw_dst, "\x0a\x00\x00\x00", 4);
	assert_memory_equal(&s.mask.nw_dst, "\xff\xff\xff\x00", 4);
	assert_int_equal(s.mask.nw_src, 0);
	assert_int_equal(s.mask.nw_proto, 0);
	assert_int_equal(s.n_actions, 1);
	assert_int_equal(s.actions[0].type, VS_ACT_OUTPUT);
	assert_string_equal(s.actions[0].port, "fw");

	/* Non-contiguous IPv4 mask, value masked. */
	must_parse("arp,nw_src=10.9.8.7/255.0.255.0,actions=drop", true, &s);
	assert_memory_equal(&s.key.nw_src, "\x0a\x00\x08\x00", 4);
	assert_memory_equal(&s.mask.nw_src, "\xff\x00\xff\x00", 4);
	assert_int_equal(s.key.dl_type, htons(0x0806));

	/* VLANs: the TCI as the datapath extracts it (TCI | PRESENT, or 0). */
	must_parse("dl_vlan=10,actions=drop", true, &s);
	assert_int_equal(s.key.vlan_tci, htons(0x100a));
	assert_int_equal(s.mask.vlan_tci, htons(0x1fff));
	must_parse("dl_vlan=0,actions=drop", true, &s);
	assert_int_equal(s.key.vlan_tci, htons(0x1000));
	assert_int_equal(s.mask.vlan_tci, htons(0x1fff));
	must_parse("dl_vlan=0xffff,actions=drop", true, &s);
	assert_int_equal(s.key.vlan_tci, 0);
	assert_int_equal(s.mask.vlan_tci, 0xffff);
	must_parse("dl_vlan_pcp=5,actions=drop", true, &s);
	assert_int_equal(s.key.vlan_tci, htons(0xb000));
	assert_int_equal(s.mask.vlan_tci, htons(0xf000));
	must_parse("dl_vlan_pcp=5,dl_vlan=4095,actions=drop", true, &s);
	assert_int_equal(s.key.vlan_tci, htons(0xbfff));
	assert_int_equal(s.mask.vlan_tci, 0xffff);
	must_parse("vlan_tci=0x1fff/0x1000,actions=drop", true, &s);
	assert_int_equal(s.key.vlan_tci, htons(0x1000));
	assert_int_equal(s.mask.vlan_tci, htons(0x1000));

	/* Transport ports and their masks. */
	must_parse("tcp,tp_src=1234,tp_dst=0x1234/0xff00,actions=drop", true, &s);
	assert_int_equal(s.key.nw_proto, 6);
	assert_int_equal(s.mask.nw_proto, 0xff);
	assert_int_equal(s.key.tp_src, htons(1234));
	assert_int_equal(s.mask.tp_src, 0xffff);
	assert_int_equal(s.key.tp_dst, htons(0x1200));
	assert_int_equal(s.mask.tp_dst, htons(0xff00));

	/* nw_tos matches DSCP only. */
	must_parse("ip,nw_tos=184,actions=drop", true, &s);
	assert_int_equal(s.key.nw_tos, 184);
	assert_int_equal(s.mask.nw_tos, 0xfc);

	/* IPv6 prefixes. */
	must_parse("ipv6,ipv6_src=2001:db8:ffff::1/33,ipv6_dst=::1,actions=drop", true, &s);
	inet_pton(AF_INET6, "2001:db8:8000::", v6);
	assert_memory_equal(s.key.ipv6_src, v6, 16);
	inet_pton(AF_INET6, "ffff:ffff:8000::", v6);
	assert_memory_equal(s.mask.ipv6_src, v6, 16);
	inet_pton(AF_INET6, "::1", v6);
	assert_memory_equal(s.key.ipv6_dst, v6, 16);
	memset(v6, 0xff, 16);
	assert_memory_equal(s.mask.ipv6_dst, v6, 16);
	assert_int_equal(s.key.dl_type, htons(0x86dd));

	/* MACs and masks. */
	must_parse("dl_src=aa:bb:cc:dd:ee:ff,dl_dst=01:00:5e:7f:00:01/ff:ff:ff:80:00:00,actions=drop",
		   true, &s);
	assert_memory_equal(s.key.dl_src, "\xaa\xbb\xcc\xdd\xee\xff", 6);
	assert_memory_equal(s.mask.dl_src, "\xff\xff\xff\xff\xff\xff", 6);
	assert_memory_equal(s.key.dl_dst, "\x01\x00\x5e\x00\x00\x00", 6);
	assert_memory_equal(s.mask.dl_dst, "\xff\xff\xff\x80\x00\x00", 6);

	/* arp_op, dl_type. */
	must_parse("arp,arp_op=2,actions=drop", true, &s);
	assert_int_equal(s.key.arp_op, htons(2));
	assert_int_equal(s.mask.arp_op, 0xffff);
	must_parse("dl_type=0x88cc,actions=drop", true, &s);
	assert_int_equal(s.key.dl_type, htons(0x88cc));

	/* Actions and their values. */
	must_parse("actions=mod_vlan_vid:4095,mod_vlan_pcp:7,push_vlan:0x8100,"
		   "mod_dl_src:1:2:3:4:5:6,mod_dl_dst:ff:ff:ff:ff:ff:fe,strip_vlan,normal,flood,p9",
		   true, &s);
	assert_int_equal(s.n_actions, 9);
	assert_int_equal(s.actions[0].type, VS_ACT_MOD_VLAN_VID);
	assert_int_equal(s.actions[0].value, 4095);
	assert_int_equal(s.actions[1].type, VS_ACT_MOD_VLAN_PCP);
	assert_int_equal(s.actions[1].value, 7);
	assert_int_equal(s.actions[2].type, VS_ACT_PUSH_VLAN);
	assert_int_equal(s.actions[2].value, 0x8100);
	assert_int_equal(s.actions[3].type, VS_ACT_MOD_DL_SRC);
	assert_memory_equal(s.actions[3].mac, "\x01\x02\x03\x04\x05\x06", 6);
	assert_int_equal(s.actions[4].type, VS_ACT_MOD_DL_DST);
	assert_memory_equal(s.actions[4].mac, "\xff\xff\xff\xff\xff\xfe", 6);
	assert_int_equal(s.actions[5].type, VS_ACT_STRIP_VLAN);
	assert_int_equal(s.actions[6].type, VS_ACT_NORMAL);
	assert_int_equal(s.actions[7].type, VS_ACT_FLOOD);
	assert_int_equal(s.actions[8].type, VS_ACT_OUTPUT);
	assert_string_equal(s.actions[8].port, "p9");

	/* A filter has no actions. */
	must_parse("in_port=p1", false, &s);
	assert_int_equal(s.n_actions, 0);
	assert_string_equal(s.in_port, "p1");
}

/* ---- bad rules: exact messages ---- */

struct bad_case {
	const char *in;
	bool with_actions;
	const char *err;
};

#define LONG_NAME "abcdefghijabcdefghijabcdefghij12"        /* 32 characters: one too many */

static const struct bad_case bad_cases[] = {
	/* structure */
	{ "", true, "column 1: empty rule (expected FIELD=VALUE,...,actions=ACTION,...)" },
	{ " \t ", true, "column 1: empty rule (expected FIELD=VALUE,...,actions=ACTION,...)" },
	{ "in_port=p1", true, "column 11: missing actions=" },
	{ "in_port=p1, ", true, "column 13: missing actions=" },
	{ "actions", true, "column 1: expected actions=ACTION,..." },
	{ "ip actions drop", true, "column 4: expected actions=ACTION,..." },
	{ "in_port=p1,actions=drop", false, "column 12: actions not allowed here" },
	{ "priority=5", false,
	  "column 1: priority not allowed here (filters select rules of every priority)" },
	{ "in_port=p1,", false, "column 11: unexpected ',' at the end" },
	{ "in_port=p1,,actions=drop", true, "column 12: unexpected ','" },
	{ ",in_port=p1,actions=drop", true, "column 1: unexpected ','" },
	{ "ip, ,actions=drop", true, "column 5: unexpected ','" },
	{ "=p1,actions=drop", true, "column 1: unexpected '='" },
	{ "in_port=p1 =x,actions=drop", true, "column 12: unexpected '='" },
	/* field names */
	{ "nw_dest=10.0.0.1,actions=drop", true, "column 1: unknown field 'nw_dest'" },
	{ "priority=10,ip,Nw_src=1.2.3.4,actions=drop", true, "column 16: unknown field 'Nw_src'" },
	{ "in_port:1,actions=drop", true, "column 1: unknown field 'in_port:1'" },
	{ "ip,xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx=1,actions=drop", true,
	  "column 4: unknown field 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx...'" },
	{ "ip,n\x01=1,actions=drop", true, "column 4: unknown field 'n?'" },
	/* given twice, conflicts */
	{ "priority=10,dl_type=0x0800,dl_type=0x0800,actions=drop", true,
	  "column 28: dl_type given twice" },
	{ "in_port=a,in_port=b,actions=drop", true, "column 11: in_port given twice" },
	{ "priority=1,priority=1,actions=drop", true, "column 12: priority given twice" },
	{ "dl_vlan=1,dl_vlan=1,actions=drop", true, "column 11: dl_vlan given twice" },
	{ "ip,ip,actions=drop", true, "column 4: ip given twice" },
	{ "ip,dl_type=0x86dd,actions=drop", true,
	  "column 4: dl_type=0x86dd conflicts with ip at column 1" },
	{ "dl_type=0x86dd,ip,actions=drop", true,
	  "column 16: ip conflicts with dl_type=0x86dd at column 1" },
	{ "tcp,udp,actions=drop", true, "column 5: udp conflicts with tcp at column 1" },
	{ "tcp,nw_proto=17,actions=drop", true,
	  "column 5: nw_proto=17 conflicts with tcp at column 1" },
	{ "arp,ipv6,actions=drop", true, "column 5: ipv6 conflicts with arp at column 1" },
	{ "tcp6,tp_dst=1,ip,actions=drop", true, "column 15: ip conflicts with tcp6 at column 1" },
	{ "dl_vlan=0xffff,dl_vlan_pcp=1,actions=drop", true,
	  "column 16: dl_vlan_pcp=1 conflicts with dl_vlan=0xffff at column 1" },
	{ "dl_vlan_pcp=1,dl_vlan=0xffff,actions=drop", true,
	  "column 15: dl_vlan=0xffff conflicts with dl_vlan_pcp=1 at column 1" },
	{ "vlan_tci=0x1000,dl_vlan=5,actions=drop", true,
	  "column 17: dl_vlan=5 conflicts with vlan_tci=0x1000 at column 1" },
	{ "dl_vlan_pcp=2,vlan_tci=0x1000,actions=drop", true,
	  "column 15: vlan_tci=0x1000 conflicts with dl_vlan_pcp=2 at column 1" },
	/* values */
	{ "ip=1,actions=drop", true, "column 1: ip takes no value" },
	{ "priority=65536,actions=drop", true,
	  "column 10: priority: 65536 out of range (expected 0..65535)" },
	{ "priority=-1,actions=drop", true,
	  "column 10: priority: -1 out of range (expected 0..65535)" },
	{ "priority=99999999999999999999999,actions=drop", true,
	  "column 10: priority: 99999999999999999999999 out of range (expected 0..65535)" },
	{ "priority=high,actions=drop", true,
	  "column 10: priority: expected a priority 0..65535, got 'high'" },
	{ "priority=0x,actions=drop", true,
	  "column 10: priority: expected a priority 0..65535, got '0x'" },
	{ "priority=,actions=drop", true, "column 10: priority: missing value" },
	{ "priority= ,actions=drop", true, "column 11: priority: missing value" },
	{ "in_port,actions=drop", true, "column 1: in_port: missing value" },
	{ "in_port=vm#1,actions=drop", true,
	  "column 9: in_port: invalid port name 'vm#1' (expected 1..31 characters of A-Z a-z 0-9 _ . -)" },
	{ "in_port=" LONG_NAME ",actions=drop", true,
	  "column 9: in_port: invalid port name '" LONG_NAME "' (expected 1..31 characters of "
	  "A-Z a-z 0-9 _ . -)" },
	{ "dl_vlan=4096,actions=drop", true,
	  "column 9: dl_vlan: 4096 out of range (expected 0..4095 or 0xffff)" },
	{ "dl_vlan=ten,actions=drop", true,
	  "column 9: dl_vlan: expected a VLAN ID 0..4095 or 0xffff (untagged), got 'ten'" },
	{ "dl_vlan_pcp=8,actions=drop", true, "column 13: dl_vlan_pcp: 8 out of range (expected 0..7)" },
	{ "vlan_tci=0x1000/0x10000,actions=drop", true,
	  "column 10: vlan_tci: 0x10000 out of range (expected 0..0xffff)" },
	{ "dl_src=aa:bb:cc:dd:ee,actions=drop", true,
	  "column 8: dl_src: expected a MAC address xx:xx:xx:xx:xx:xx[/mask], got 'aa:bb:cc:dd:ee'" },
	{ "dl_dst=aa:bb:cc:dd:ee:ff/ff:ff,actions=drop", true,
	  "column 8: dl_dst: expected a MAC address xx:xx:xx:xx:xx:xx[/mask], got "
	  "'aa:bb:cc:dd:ee:ff/ff:ff'" },
	{ "dl_src=aaa:bb:cc:dd:ee:ff,actions=drop", true,
	  "column 8: dl_src: expected a MAC address xx:xx:xx:xx:xx:xx[/mask], got "
	  "'aaa:bb:cc:dd:ee:ff'" },
	{ "dl_type=0x10000,actions=drop", true,
	  "column 9: dl_type: 0x10000 out of range (expected 0..0xffff)" },
	{ "dl_type=ip,actions=drop", true,
	  "column 9: dl_type: expected an EtherType 0..0xffff, got 'ip'" },
	{ "ip,nw_dst=10.0.0.0/33,actions=drop", true,
	  "column 11: nw_dst: expected an IPv4 address a.b.c.d[/len], got '10.0.0.0/33'" },
	{ "ip,nw_src=10.0.0,actions=drop", true,
	  "column 11: nw_src: expected an IPv4 address a.b.c.d[/len], got '10.0.0'" },
	{ "ip,nw_src=10.0.0.1/255.0.0.256,actions=drop", true,
	  "column 11: nw_src: expected an IPv4 address a.b.c.d[/len], got '10.0.0.1/255.0.0.256'" },
	{ "ip,nw_src=10.0.0.1/,actions=drop", true,
	  "column 11: nw_src: expected an IPv4 address a.b.c.d[/len], got '10.0.0.1/'" },
	{ "ipv6,ipv6_dst=2001:db8::/129,actions=drop", true,
	  "column 15: ipv6_dst: expected an IPv6 address addr[/len], got '2001:db8::/129'" },
	{ "ipv6,ipv6_src=10.0.0.1,actions=drop", true,
	  "column 15: ipv6_src: expected an IPv6 address addr[/len], got '10.0.0.1'" },
	{ "ip,nw_tos=3,actions=drop", true,
	  "column 11: nw_tos: 3 has the ECN bits set (expected DSCP << 2, a multiple of 4)" },
	{ "ip,nw_tos=256,actions=drop", true, "column 11: nw_tos: 256 out of range (expected 0..255)" },
	{ "ip,nw_proto=300,actions=drop", true,
	  "column 13: nw_proto: 300 out of range (expected 0..255)" },
	{ "tcp,tp_dst=65536,actions=drop", true,
	  "column 12: tp_dst: 65536 out of range (expected 0..65535)" },
	{ "tcp,tp_dst=80/0x1ffff,actions=drop", true,
	  "column 12: tp_dst: 0x1ffff out of range (expected 0..65535)" },
	{ "tcp,tp_src=http,actions=drop", true,
	  "column 12: tp_src: expected a port number 0..65535[/mask], got 'http'" },
	{ "tcp,tp_src=80/,actions=drop", true,
	  "column 12: tp_src: expected a port number 0..65535[/mask], got '80/'" },
	{ "arp,arp_op=70000,actions=drop", true,
	  "column 12: arp_op: 70000 out of range (expected 0..65535)" },
	/* prerequisites */
	{ "nw_dst=10.0.0.0/24,actions=drop", true,
	  "column 1: nw_dst requires dl_type=0x0800 (ip) or 0x0806 (arp)" },
	{ "priority=10,ipv6,nw_dst=10.0.0.1,actions=drop", true,
	  "column 18: nw_dst requires dl_type=0x0800 (ip) or 0x0806 (arp)" },
	{ "nw_proto=6,actions=drop", true,
	  "column 1: nw_proto requires dl_type=0x0800 (ip) or 0x86dd (ipv6)" },
	{ "arp,nw_tos=4,actions=drop", true,
	  "column 5: nw_tos requires dl_type=0x0800 (ip) or 0x86dd (ipv6)" },
	{ "ip,tp_dst=80,actions=drop", true,
	  "column 4: tp_dst requires tcp, udp or sctp (nw_proto=6, 17 or 132, over ip or ipv6)" },
	{ "icmp,tp_src=1,actions=drop", true,
	  "column 6: tp_src requires tcp, udp or sctp (nw_proto=6, 17 or 132, over ip or ipv6)" },
	{ "ipv6_src=::1,actions=drop", true, "column 1: ipv6_src requires dl_type=0x86dd (ipv6)" },
	{ "ip,arp_op=1,actions=drop", true, "column 4: arp_op requires dl_type=0x0806 (arp)" },
	{ "arp_op=1,nw_src=1.1.1.1,actions=drop", true,
	  "column 1: arp_op requires dl_type=0x0806 (arp)" },
	{ "tp_dst=1,nw_proto=6", false,
	  "column 1: tp_dst requires tcp, udp or sctp (nw_proto=6, 17 or 132, over ip or ipv6)" },
	/* actions */
	{ "actions=drop,normal", true, "column 14: drop must be the only action" },
	{ "actions=normal,drop", true, "column 16: drop must be the only action" },
	{ "actions=drop,drop", true, "column 14: drop must be the only action" },
	{ "actions=output:p1,in_port=p2", true,
	  "column 19: unknown action 'in_port=p2' (actions= must come last)" },
	{ "actions=output=p1", true, "column 9: unknown action 'output=p1'" },
	{ "actions=push_vlan:0x88a8", true,
	  "column 19: push_vlan: only 0x8100 is supported, got '0x88a8'" },
	{ "actions=mod_vlan_vid:4096", true,
	  "column 22: mod_vlan_vid: 4096 out of range (expected 0..4095)" },
	{ "actions=mod_vlan_vid:x", true,
	  "column 22: mod_vlan_vid: expected a VLAN ID 0..4095, got 'x'" },
	{ "actions=mod_vlan_pcp:8", true, "column 22: mod_vlan_pcp: 8 out of range (expected 0..7)" },
	{ "actions=mod_dl_src:zz", true,
	  "column 20: mod_dl_src: expected a MAC address xx:xx:xx:xx:xx:xx, got 'zz'" },
	{ "actions=mod_dl_dst:aa:bb:cc:dd:ee:ff/ff:ff:ff:ff:ff:ff", true,
	  "column 20: mod_dl_dst: expected a MAC address xx:xx:xx:xx:xx:xx, got "
	  "'aa:bb:cc:dd:ee:ff/ff:ff:ff:ff:ff:ff'" },
	{ "actions=output:", true, "column 16: output: missing argument" },
	{ "actions=output:bad/name", true,
	  "column 16: output: invalid port name 'bad/name' (expected 1..31 characters of "
	  "A-Z a-z 0-9 _ . -)" },
	{ "actions=" LONG_NAME, true,
	  "column 9: invalid port name '" LONG_NAME "' (expected 1..31 characters of "
	  "A-Z a-z 0-9 _ . -)" },
	{ "actions=normal:1", true, "column 9: normal takes no argument" },
	{ "actions=strip_vlan:1", true, "column 9: strip_vlan takes no argument" },
	{ "actions=resubmit:1", true, "column 9: unknown action 'resubmit'" },
	{ "actions=output(port=1)", true, "column 9: unknown action 'output(port=1)'" },
	{ "actions=p1,,p2", true, "column 12: unexpected ','" },
	{ "actions=p1,", true, "column 11: unexpected ',' at the end" },
	{ "actions=,p1", true, "column 9: unexpected ','" },
	{ "actions=:p1", true, "column 9: unexpected ':'" },
	{ "actions=p1,p2,p3,p4,p5,p6,p7,p8,p9,p10,p11,p12,p13,p14,p15,p16,p17", true,
	  "column 64: too many actions (at most 16)" },
};

static void
test_bad_rules(void **state)
{
	char err[ERR_LEN];
	struct vs_flow_spec spec, before;
	size_t i, failed = 0;
	int rc;

	(void)state;
	assert_true(sizeof(bad_cases) / sizeof(bad_cases[0]) >= 40);
	for (i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
		const struct bad_case *c = &bad_cases[i];

		/* A failed parse leaves *out alone. */
		memset(&spec, 0xa5, sizeof(spec));
		memcpy(&before, &spec, sizeof(spec));
		strcpy(err, "(no message)");
		rc = vs_flow_parse(c->in, c->with_actions, &spec, err, sizeof(err));
		if (rc != -EINVAL || strcmp(err, c->err) != 0 ||
		    memcmp(&spec, &before, sizeof(spec)) != 0) {
			print_error("'%s': rc %d\n  want: %s\n  got:  %s\n", c->in, rc, c->err, err);
			failed++;
		}
	}
	assert_int_equal(failed, 0);
}

/* Messages are cut to the buffer; no buffer is fine too. */
static void
test_error_buffers(void **state)
{
	struct vs_flow_spec spec;
	char err[12];

	(void)state;
	memset(err, 'x', sizeof(err));
	assert_int_equal(vs_flow_parse("nw_dest=1,actions=drop", true, &spec, err, sizeof(err)),
			 -EINVAL);
	assert_string_equal(err, "column 1: u");
	assert_int_equal(vs_flow_parse("nw_dest=1,actions=drop", true, &spec, NULL, 0), -EINVAL);
	assert_int_equal(vs_flow_parse("nw_dest=1,actions=drop", true, &spec, err, 0), -EINVAL);
	assert_int_equal(vs_flow_parse(NULL, true, &spec, err, sizeof(err)), -EINVAL);
	assert_int_equal(vs_flow_parse(NULL, false, &spec, err, sizeof(err)), 0);
}

/* ---- the formatter on hand-built specs ---- */

static void
test_format(void **state)
{
	char buf[TEXT_LEN], small[10];
	struct vs_flow_spec s;
	int n;

	(void)state;
	memset(&s, 0, sizeof(s));
	s.priority = 7;
	/* An empty action list is a drop. */
	n = vs_flow_format(&s, buf, sizeof(buf));
	assert_string_equal(buf, "priority=7 actions=drop");
	assert_int_equal(n, strlen(buf));
	n = vs_flow_format_match(&s, buf, sizeof(buf));
	assert_string_equal(buf, "priority=7");
	assert_int_equal(n, 10);

	/* Truncated like snprintf: the whole length is returned. */
	n = vs_flow_format(&s, small, sizeof(small));
	assert_int_equal(n, strlen("priority=7 actions=drop"));
	assert_string_equal(small, "priority=");
	assert_int_equal(vs_flow_format(&s, NULL, 0), n);

	/* Every action, names as vs_flow_act_name. */
	s.n_actions = 4;
	s.actions[0].type = VS_ACT_MOD_VLAN_VID;
	s.actions[0].value = 10;
	s.actions[1].type = VS_ACT_PUSH_VLAN;
	s.actions[1].value = 0x8100;
	s.actions[2].type = VS_ACT_OUTPUT;
	strcpy(s.actions[2].port, "fw");
	s.actions[3].type = VS_ACT_MOD_DL_DST;
	memcpy(s.actions[3].mac, "\x02\x00\x00\x00\x00\x01", 6);
	vs_flow_format(&s, buf, sizeof(buf));
	assert_string_equal(buf, "priority=7 actions=mod_vlan_vid:10,push_vlan:0x8100,output:fw,"
			    "mod_dl_dst:02:00:00:00:00:01");

	/* Masks the parser does not produce are still shown as they are. */
	memset(&s, 0, sizeof(s));
	s.key.dl_type = htons(0x0800);
	s.mask.dl_type = htons(0xff00);
	s.key.nw_proto = 4;
	s.mask.nw_proto = 0x0f;
	s.key.nw_tos = 0x10;
	s.mask.nw_tos = 0xf0;
	vs_flow_format_match(&s, buf, sizeof(buf));
	assert_string_equal(buf, "priority=0,dl_type=0x0800/0xff00,nw_proto=0x4/0xf,"
			    "nw_tos=0x10/0xf0");

	assert_string_equal(vs_flow_act_name(VS_ACT_OUTPUT), "output");
	assert_string_equal(vs_flow_act_name(VS_ACT_NORMAL), "normal");
	assert_string_equal(vs_flow_act_name(VS_ACT_FLOOD), "flood");
	assert_string_equal(vs_flow_act_name(VS_ACT_DROP), "drop");
	assert_string_equal(vs_flow_act_name(VS_ACT_MOD_VLAN_VID), "mod_vlan_vid");
	assert_string_equal(vs_flow_act_name(VS_ACT_MOD_VLAN_PCP), "mod_vlan_pcp");
	assert_string_equal(vs_flow_act_name(VS_ACT_STRIP_VLAN), "strip_vlan");
	assert_string_equal(vs_flow_act_name(VS_ACT_PUSH_VLAN), "push_vlan");
	assert_string_equal(vs_flow_act_name(VS_ACT_MOD_DL_SRC), "mod_dl_src");
	assert_string_equal(vs_flow_act_name(VS_ACT_MOD_DL_DST), "mod_dl_dst");
	assert_string_equal(vs_flow_act_name(VS_ACT_COUNT), "unknown");
	assert_string_equal(vs_flow_act_name((enum vs_flow_act_type)-1), "unknown");
}

/* ---- round trip on random specs ---- */

static void
rnd_bytes(uint8_t *b, size_t n)
{
	for (size_t i = 0; i < n; i++)
		b[i] = (uint8_t)rnd();
}

/* A random mask of n bytes: none, exact, a prefix or anything. */
static void
rnd_mask(uint8_t *m, size_t n)
{
	unsigned len;

	switch (rnd_below(4)) {
	case 0:
		memset(m, 0, n);
		break;
	case 1:
		memset(m, 0xff, n);
		break;
	case 2:
		len = rnd_below((unsigned)n * 8 + 1);
		for (size_t i = 0; i < n; i++)
			m[i] = len >= 8 * (i + 1) ? 0xff : len > 8 * i ?
			       (uint8_t)(0xff00 >> (len - 8 * i)) : 0;
		break;
	default:
		rnd_bytes(m, n);
		break;
	}
}

static void
rnd_masked(uint8_t *k, uint8_t *m, size_t n)
{
	rnd_mask(m, n);
	rnd_bytes(k, n);
	for (size_t i = 0; i < n; i++)
		k[i] &= m[i];
}

static void
rnd_name(char *name)
{
	static const char chars[] = "abcxyzABC019_.-";
	unsigned n = 1 + rnd_below(VS_NAME_MAX - 1);

	for (unsigned i = 0; i < n; i++)
		name[i] = chars[rnd_below(sizeof(chars) - 1)];
	name[n] = '\0';
}

/* A spec the parser could have produced: masks of the shapes it makes, prerequisites met. */
static void
rnd_spec(struct vs_flow_spec *s)
{
	static const uint16_t types[] = { 0x0800, 0x86dd, 0x0806, 0x88cc, 0x8100 };
	static const uint8_t protos[] = { 1, 2, 6, 17, 58, 132, 50, 0, 255 };
	struct vs_flow_key *k = &s->key, *m = &s->mask;
	uint16_t t, vt, vm;
	bool ip, ip6, arp, l4;

	memset(s, 0, sizeof(*s));
	s->priority = rnd_below(65536);
	if (rnd_below(2))
		rnd_name(s->in_port);
	t = rnd_below(6) ? types[rnd_below(sizeof(types) / sizeof(types[0]))] : 0;
	if (t != 0 || rnd_below(8) == 0) {
		k->dl_type = htons(t);
		m->dl_type = 0xffff;
	}
	ip = m->dl_type && t == 0x0800;
	ip6 = m->dl_type && t == 0x86dd;
	arp = m->dl_type && t == 0x0806;
	if ((ip || ip6) && rnd_below(4)) {
		k->nw_proto = protos[rnd_below(sizeof(protos) / sizeof(protos[0]))];
		m->nw_proto = 0xff;
	}
	l4 = (ip || ip6) && m->nw_proto &&
	     (k->nw_proto == 6 || k->nw_proto == 17 || k->nw_proto == 132);

	switch (rnd_below(7)) {
	case 0:
		break;
	case 1: /* dl_vlan */
		k->vlan_tci = htons((uint16_t)(rnd_below(4096) | VS_FLOW_TCI_PRESENT));
		m->vlan_tci = htons(0x1fff);
		break;
	case 2: /* dl_vlan_pcp */
		k->vlan_tci = htons((uint16_t)(rnd_below(8) << 13 | VS_FLOW_TCI_PRESENT));
		m->vlan_tci = htons(0xf000);
		break;
	case 3: /* both */
		k->vlan_tci = htons((uint16_t)(rnd() | VS_FLOW_TCI_PRESENT));
		m->vlan_tci = 0xffff;
		break;
	case 4: /* untagged */
		m->vlan_tci = 0xffff;
		break;
	default: /* vlan_tci=V/M */
		vm = (uint16_t)rnd();
		vt = (uint16_t)rnd() & vm;
		k->vlan_tci = htons(vt);
		m->vlan_tci = htons(vm);
		break;
	}
	if (rnd_below(3) == 0)
		rnd_masked(k->dl_src, m->dl_src, 6);
	if (rnd_below(3) == 0)
		rnd_masked(k->dl_dst, m->dl_dst, 6);
	if ((ip || arp) && rnd_below(2))
		rnd_masked((uint8_t *)&k->nw_src, (uint8_t *)&m->nw_src, 4);
	if ((ip || arp) && rnd_below(2))
		rnd_masked((uint8_t *)&k->nw_dst, (uint8_t *)&m->nw_dst, 4);
	if ((ip || ip6) && rnd_below(3) == 0) {
		k->nw_tos = (uint8_t)(rnd() & 0xfc);
		m->nw_tos = 0xfc;
	}
	if (l4 && rnd_below(2))
		rnd_masked((uint8_t *)&k->tp_src, (uint8_t *)&m->tp_src, 2);
	if (l4 && rnd_below(2))
		rnd_masked((uint8_t *)&k->tp_dst, (uint8_t *)&m->tp_dst, 2);
	if (ip6 && rnd_below(2))
		rnd_masked(k->ipv6_src, m->ipv6_src, 16);
	if (ip6 && rnd_below(2))
		rnd_masked(k->ipv6_dst, m->ipv6_dst, 16);
	if (arp && rnd_below(2)) {
		k->arp_op = (uint16_t)rnd();
		m->arp_op = 0xffff;
	}

	s->n_actions = rnd_below(VS_FLOW_MAX_ACTIONS + 1);
	if (s->n_actions == 0) {
		s->n_actions = 1;
		s->actions[0].type = VS_ACT_DROP;
	}
	for (unsigned i = 0; i < s->n_actions && s->actions[0].type != VS_ACT_DROP; i++) {
		struct vs_flow_spec_action *a = &s->actions[i];

		do
			a->type = (enum vs_flow_act_type)rnd_below(VS_ACT_COUNT);
		while (a->type == VS_ACT_DROP);
		if (a->type == VS_ACT_OUTPUT)
			rnd_name(a->port);
		else if (a->type == VS_ACT_MOD_VLAN_VID)
			a->value = (uint16_t)rnd_below(4096);
		else if (a->type == VS_ACT_MOD_VLAN_PCP)
			a->value = (uint16_t)rnd_below(8);
		else if (a->type == VS_ACT_PUSH_VLAN)
			a->value = 0x8100;
		else if (a->type == VS_ACT_MOD_DL_SRC || a->type == VS_ACT_MOD_DL_DST)
			rnd_bytes(a->mac, 6);
	}
}

static void
test_random_round_trip(void **state)
{
	char why[TEXT_LEN];
	struct vs_flow_spec s, f;
	unsigned failed = 0;

	(void)state;
	rng_state = seed();
	for (int i = 0; i < 20000 && failed < 10; i++) {
		rnd_spec(&s);
		if (!round_trips(&s, true, why, sizeof(why))) {
			print_error("rule %d: %s\n", i, why);
			failed++;
		}
		/* The same match as a filter. */
		memcpy(&f, &s, sizeof(f));
		f.n_actions = 0;
		memset(f.actions, 0, sizeof(f.actions));
		f.priority = VS_FLOW_DEFAULT_PRIORITY;
		if (!round_trips(&f, false, why, sizeof(why))) {
			print_error("filter %d: %s\n", i, why);
			failed++;
		}
		/* A rule's own match selects it, and equals itself. */
		if (!vs_flow_filter_selects(&f, &s) || !vs_flow_match_equal(&s, &s)) {
			print_error("rule %d does not select itself\n", i);
			failed++;
		}
	}
	assert_int_equal(failed, 0);
}

/* ---- filters ---- */

struct filter_case {
	const char *filter;
	const char *rule;
	bool selects;
};

static const struct filter_case filter_cases[] = {
	{ "", "priority=1,actions=drop", true },
	{ "", "priority=1,in_port=p1,tcp,tp_dst=80,actions=drop", true },
	{ "in_port=p1", "in_port=p1,ip,actions=drop", true },
	{ "in_port=p1", "in_port=p2,ip,actions=drop", false },
	{ "in_port=p1", "ip,actions=drop", false },
	{ "ip", "tcp,tp_dst=80,actions=drop", true },
	{ "ip", "arp,actions=drop", false },
	{ "ip", "actions=drop", false },
	{ "tcp", "ip,actions=drop", false },
	{ "tcp", "udp,actions=drop", false },
	{ "ip,nw_src=10.0.0.0/8", "ip,nw_src=10.1.0.0/16,actions=drop", true },
	{ "ip,nw_src=10.0.0.0/8", "ip,nw_src=10.1.2.3,actions=drop", true },
	{ "ip,nw_src=10.0.0.0/8", "ip,nw_src=11.0.0.0/16,actions=drop", false },
	{ "ip,nw_src=10.0.0.0/8", "ip,nw_src=0.0.0.0/4,actions=drop", false },
	{ "ip,nw_src=10.0.0.0/8", "ip,actions=drop", false },
	{ "ip,nw_src=10.0.0.0/8", "ip,nw_src=10.0.0.0/255.0.0.255,actions=drop", true },
	{ "ip,nw_src=10.0.0.0/255.0.0.255", "ip,nw_src=10.0.0.0/8,actions=drop", false },
	{ "dl_vlan=10", "dl_vlan=10,dl_vlan_pcp=3,actions=drop", true },
	{ "dl_vlan=10", "dl_vlan=11,actions=drop", false },
	{ "dl_vlan=10", "dl_vlan=0xffff,actions=drop", false },
	{ "dl_vlan=10", "vlan_tci=0x1000/0x1000,actions=drop", false },
	{ "vlan_tci=0x1000/0x1000", "dl_vlan=10,actions=drop", true },
	{ "vlan_tci=0x1000/0x1000", "dl_vlan=0xffff,actions=drop", false },
	{ "dl_vlan=0xffff", "dl_vlan=0xffff,actions=drop", true },
	{ "dl_vlan=0xffff", "dl_vlan=0,actions=drop", false },
	{ "dl_vlan_pcp=3", "dl_vlan=10,dl_vlan_pcp=3,actions=drop", true },
	{ "tcp,tp_dst=0/0xff00", "tcp,tp_dst=80,actions=drop", true },
	{ "tcp,tp_dst=0/0xff00", "tcp,tp_dst=1024,actions=drop", false },
	{ "dl_dst=01:00:00:00:00:00/01:00:00:00:00:00", "dl_dst=01:00:5e:00:00:01,actions=drop",
	  true },
	{ "dl_dst=01:00:00:00:00:00/01:00:00:00:00:00", "dl_dst=00:00:5e:00:00:01,actions=drop",
	  false },
	{ "ipv6,ipv6_dst=2001:db8::/32", "ipv6,ipv6_dst=2001:db8:1::/48,actions=drop", true },
	{ "ipv6,ipv6_dst=2001:db8::/32", "ipv6,ipv6_dst=2001:db9::/48,actions=drop", false },
	{ "arp,arp_op=1", "arp,arp_op=1,nw_dst=10.0.0.1,actions=drop", true },
	{ "arp,arp_op=1", "arp,arp_op=2,actions=drop", false },
};

static void
test_filters(void **state)
{
	struct vs_flow_spec filter, rule, other;
	size_t i, failed = 0;

	(void)state;
	for (i = 0; i < sizeof(filter_cases) / sizeof(filter_cases[0]); i++) {
		const struct filter_case *c = &filter_cases[i];

		must_parse(c->filter, false, &filter);
		must_parse(c->rule, true, &rule);
		if (vs_flow_filter_selects(&filter, &rule) != c->selects) {
			print_error("filter '%s' %s rule '%s'\n", c->filter,
				    c->selects ? "does not select" : "selects", c->rule);
			failed++;
		}
	}
	assert_int_equal(failed, 0);

	/* Same match and priority: whatever the spelling and the actions. */
	must_parse("priority=5,ip,in_port=a,actions=drop", true, &rule);
	must_parse("in_port=a, priority=5, dl_type=0x0800 actions=normal", true, &other);
	assert_true(vs_flow_match_equal(&rule, &other));
	must_parse("priority=6,ip,in_port=a,actions=drop", true, &other);
	assert_false(vs_flow_match_equal(&rule, &other));
	must_parse("priority=5,ip,in_port=b,actions=drop", true, &other);
	assert_false(vs_flow_match_equal(&rule, &other));
	must_parse("priority=5,tcp,in_port=a,actions=drop", true, &other);
	assert_false(vs_flow_match_equal(&rule, &other));
}

static void
test_line_len(void **state)
{
	(void)state;
	assert_int_equal(vs_flow_line_len(""), 0);
	assert_int_equal(vs_flow_line_len("\n"), 0);
	assert_int_equal(vs_flow_line_len("   \t\r\n"), 0);
	assert_int_equal(vs_flow_line_len("# a comment\n"), 0);
	assert_int_equal(vs_flow_line_len("   # indented comment"), 0);
	assert_int_equal(vs_flow_line_len("actions=drop\n"), 12);
	assert_int_equal(vs_flow_line_len("actions=drop\r\n"), 12);
	assert_int_equal(vs_flow_line_len("  ip actions=normal  # why\n"), 19);
	assert_int_equal(vs_flow_line_len("ip,actions=normal#x"), 17);
}

/* ---- fuzz: a token soup must never crash, and what parses must round-trip ---- */

static const char *const tokens[] = {
	"in_port", "=", "=", ",", ",", " ", " ", "\t", "actions", "actions=", "ip", "ipv6", "tcp",
	"udp6", "arp", "icmp", "nw_src", "nw_dst", "10.0.0.1", "/", "/", "24", "33", "0x", "ffff",
	":", ":", "output", "drop", "normal", "flood", "dl_vlan", "dl_vlan_pcp", "vlan_tci",
	"aa:bb:cc:dd:ee:ff", "ff:ff:ff:00:00:00", "::1", "2001:db8::", "-", "-1",
	"99999999999999999999999", "#", "tp_dst", "tp_src", "mod_vlan_vid", "push_vlan", "0x8100",
	"strip_vlan", "priority", "65535", "7", "0", "4096", "dl_type", "0x0800", "0x86dd",
	"ipv6_src", "ipv6_dst", "nw_tos", "nw_proto", "\x01", "\xc3\xa9", "p1", "mod_dl_dst",
	"mod_dl_src", "arp_op", "dl_src", "dl_dst", "n_packets", "NORMAL", "255.255.0.0",
	"abcdefghijabcdefghijabcdefghij12", "\n", ".", "0xffff", "mod_vlan_pcp",
};

static void
test_fuzz(void **state)
{
	char in[512], err[ERR_LEN], why[TEXT_LEN];
	struct vs_flow_spec spec;
	const char *e = getenv("FLOW_FUZZ");
	long n = e != NULL ? strtol(e, NULL, 0) : 50000;
	unsigned n_tokens = sizeof(tokens) / sizeof(tokens[0]), ok = 0, failed = 0;

	(void)state;
	rng_state = seed() ^ 0x5555;
	for (long i = 0; i < n && failed < 10; i++) {
		size_t len = 0;
		unsigned k = rnd_below(24);
		bool with_actions = rnd_below(2);

		for (unsigned j = 0; j < k; j++) {
			const char *t = tokens[rnd_below(n_tokens)];
			size_t tl = strlen(t);

			if (len + tl >= sizeof(in))
				break;
			memcpy(in + len, t, tl);
			len += tl;
		}
		in[len] = '\0';
		/* Rules are mostly "x=y,..."; bias towards that shape half of the time. */
		if (with_actions && rnd_below(2) && len + 9 < sizeof(in))
			strcat(in, ",actions=");
		err[0] = '\0';
		if (vs_flow_parse(in, with_actions, &spec, err, sizeof(err)) == 0) {
			ok++;
			if (!round_trips(&spec, with_actions, why, sizeof(why))) {
				print_error("'%s': %s\n", in, why);
				failed++;
			}
		} else if (strncmp(err, "column ", 7) != 0) {
			print_error("'%s': message without a column: %s\n", in, err);
			failed++;
		}
	}
	/* The soup must sometimes make sense, or the loop tests only errors. */
	assert_true(n < 1000 || ok > (unsigned)n / 100);
	assert_int_equal(failed, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good_rules),
		cmocka_unit_test(test_key_mask_bytes),
		cmocka_unit_test(test_bad_rules),
		cmocka_unit_test(test_error_buffers),
		cmocka_unit_test(test_format),
		cmocka_unit_test(test_random_round_trip),
		cmocka_unit_test(test_filters),
		cmocka_unit_test(test_line_len),
		cmocka_unit_test(test_fuzz),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
