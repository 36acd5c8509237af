/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Flow tables, control side: install, replace and delete rules, compile the
 * bridge's classifier and publish it with the datapath tables (RCU).
 * A bridge without rules behaves as "priority=0,actions=normal", and a
 * frame that matches no rule goes to the learning switch too; while the
 * table is empty (or holds only a match-all normal rule), PMDs skip
 * classification altogether.
 * Rules name ports by name; a rule is resolved to port slots when it is
 * installed (unknown ports are refused) and goes away with a deleted port.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_malloc.h>

#include "classifier.h"
#include "flow.h"
#include "log.h"
#include "switch.h"

static void
rule_free(struct vs_flow_rule *r)
{
	if (r != NULL)
		free(r->spec);
	rte_free(r);
}

/* Resolve spec into a new rule; -ENOENT/-ENOMEM with err. */
static int
rule_make(struct vs_switch *sw, struct vs_bridge *br, const struct vs_flow_spec *spec,
	  struct vs_flow_rule **out, char *err, size_t errlen)
{
	struct vs_flow_rule *r;
	struct vs_port *p;

	r = rte_zmalloc("vs_flow_rule", sizeof(*r) + sw->n_pmds * sizeof(r->stats[0]),
			RTE_CACHE_LINE_SIZE);
	if (r == NULL) {
		snprintf(err, errlen, "out of hugepage memory for flow rules");
		return -ENOMEM;
	}
	/* The text form is control's business: keep it off the hugepages. */
	r->spec = malloc(sizeof(*r->spec));
	if (r->spec == NULL) {
		snprintf(err, errlen, "out of memory for flow rules");
		rte_free(r);
		return -ENOMEM;
	}
	*r->spec = *spec;
	r->key = spec->key;
	r->mask = spec->mask;
	r->key.in_port = 0;
	r->mask.in_port = 0;
	r->priority = spec->priority;
	r->created_s = vs_dp_now_s;
	if (spec->in_port[0]) {
		p = vs_switch_find_port(sw, spec->in_port);
		if (p == NULL || p->bridge != br) {
			snprintf(err, errlen, "in_port: no port named '%s' in bridge '%s'",
				 spec->in_port, br->name);
			rule_free(r);
			return -ENOENT;
		}
		r->key.in_port = p->slot;
		r->mask.in_port = 0xffff;
	}
	for (unsigned i = 0; i < spec->n_actions; i++) {
		const struct vs_flow_spec_action *a = &spec->actions[i];
		struct vs_flow_action *d = &r->actions[i];

		d->type = a->type;
		d->value = a->value;
		memcpy(d->mac, a->mac, 6);
		if (a->type == VS_ACT_OUTPUT) {
			p = vs_switch_find_port(sw, a->port);
			if (p == NULL || p->bridge != br) {
				snprintf(err, errlen, "output: no port named '%s' in bridge '%s'",
					 a->port, br->name);
				rule_free(r);
				return -ENOENT;
			}
			d->port = p->slot;
		}
	}
	r->n_actions = spec->n_actions;
	*out = r;
	return 0;
}

static bool
same_match(const struct vs_flow_rule *a, const struct vs_flow_rule *b)
{
	return a->priority == b->priority && memcmp(&a->key, &b->key, sizeof(a->key)) == 0 &&
	       memcmp(&a->mask, &b->mask, sizeof(a->mask)) == 0;
}

/*
 * An open-addressing index of br->rules by priority and match, so that
 * add-flows finds the rule an added one replaces in O(1) rather than by
 * comparing it with every rule (100,000 rules in one request would be
 * 10^10 compares). slots[] holds rule index + 1, 0 for an empty slot.
 */
struct match_index {
	uint32_t *slots;
	uint32_t mask;
};

static uint32_t
match_hash(const struct vs_flow_rule *r)
{
	/* Keys are masked: equal matches hash the same. */
	return vs_flow_hash_masked(&r->key, &r->mask) ^ r->priority * 0x9e3779b1u;
}

/* The slot of the rule with r's priority and match, or the empty slot where it goes. */
static uint32_t *
match_index_find(const struct match_index *mi, struct vs_flow_rule *const *rules,
		 const struct vs_flow_rule *r)
{
	uint32_t i;

	for (i = match_hash(r) & mi->mask; mi->slots[i] != 0; i = (i + 1) & mi->mask)
		if (same_match(rules[mi->slots[i] - 1], r))
			break;
	return &mi->slots[i];
}

static bool
matches_all(const struct vs_flow_rule *r)
{
	static const struct vs_flow_key zero;

	return memcmp(&r->mask, &zero, sizeof(zero)) == 0;
}

/*
 * Compile br's rules: the fast paths (no rules; one match-all "normal"
 * rule) need no classifier. On success the new state is in br and the
 * previous classifier in *old (the caller frees it after publishing).
 */
static int
compile(struct vs_switch *sw, struct vs_bridge *br, struct vs_cls **old)
{
	struct vs_cls *cls = NULL;
	struct vs_flow_rule *normal_rule = NULL;

	if (br->n_rules == 1 && matches_all(br->rules[0]) && br->rules[0]->n_actions == 1 &&
	    br->rules[0]->actions[0].type == VS_ACT_NORMAL) {
		normal_rule = br->rules[0];
	} else if (br->n_rules > 0) {
		cls = vs_cls_build(br->rules, br->n_rules, sw->pmd_node[0]);
		if (cls == NULL)
			return -ENOMEM;
	}
	*old = br->cls;
	br->cls = cls;
	br->normal_rule = normal_rule;
	br->cls_gen = ++sw->cls_gen;
	return 0;
}

/* Compile and publish; on failure br's rules are as the caller left them
 * and the previous classifier is restored. */
static int
commit(struct vs_switch *sw, struct vs_bridge *br, char *err, size_t errlen)
{
	struct vs_cls *old_cls, *new_cls;
	struct vs_flow_rule *old_normal = br->normal_rule;
	uint64_t old_gen = br->cls_gen;
	int rc = compile(sw, br, &old_cls);

	if (rc != 0) {
		snprintf(err, errlen, "out of hugepage memory for the classifier of %u rules",
			 br->n_rules);
		return rc;
	}
	rc = vs_switch_publish(sw);
	if (rc != 0) {
		new_cls = br->cls;
		br->cls = old_cls;
		br->normal_rule = old_normal;
		br->cls_gen = old_gen;
		vs_cls_free(new_cls);
		snprintf(err, errlen, "out of hugepage memory for the datapath tables");
		return rc;
	}
	vs_cls_free(old_cls);
	return 0;
}

static int
reserve(struct vs_bridge *br, unsigned n)
{
	struct vs_flow_rule **r;
	unsigned cap = br->cap_rules ? br->cap_rules : 16;

	if (br->n_rules + n <= br->cap_rules)
		return 0;
	while (cap < br->n_rules + n)
		cap *= 2;
	r = realloc(br->rules, cap * sizeof(*r));
	if (r == NULL)
		return -ENOMEM;
	br->rules = r;
	br->cap_rules = cap;
	return 0;
}

int
vs_flows_init(struct vs_switch *sw, struct vs_bridge *br, char *err, size_t errlen)
{
	struct vs_cls *old;

	(void)err;
	(void)errlen;
	/* No rules: every frame goes to the learning switch. */
	return compile(sw, br, &old);   /* no classifier: cannot fail */
}

void
vs_flows_fini(struct vs_bridge *br)
{
	for (unsigned i = 0; i < br->n_rules; i++)
		rule_free(br->rules[i]);
	free(br->rules);
	vs_cls_free(br->cls);
	br->rules = NULL;
	br->n_rules = br->cap_rules = 0;
	br->cls = NULL;
	br->normal_rule = NULL;
}

int
vs_flows_add(struct vs_switch *sw, struct vs_bridge *br, const struct vs_flow_spec *specs,
	     unsigned n, char *err, size_t errlen)
{
	struct vs_flow_rule **made, **replaced;
	struct match_index mi = { NULL, 0 };
	unsigned *slot_of, n_before = br->n_rules, i, j;
	char why[256];
	int rc = 0;

	made = calloc(n ? n : 1, sizeof(*made));
	replaced = calloc(n ? n : 1, sizeof(*replaced));
	slot_of = calloc(n ? n : 1, sizeof(*slot_of));
	if (n_before + n < UINT32_MAX / 4) {
		mi.mask = rte_align32pow2(2 * (n_before + n) + 16) - 1;
		mi.slots = calloc((size_t)mi.mask + 1, sizeof(*mi.slots));
	}
	if (made == NULL || replaced == NULL || slot_of == NULL || mi.slots == NULL ||
	    reserve(br, n) != 0) {
		snprintf(err, errlen, "out of memory");
		rc = -ENOMEM;
		goto out;
	}
	for (i = 0; i < n; i++) {
		rc = rule_make(sw, br, &specs[i], &made[i], why, sizeof(why));
		if (rc != 0) {
			if (n > 1)
				snprintf(err, errlen, "rule %u: %s", i + 1, why);
			else
				snprintf(err, errlen, "%s", why);
			goto undo_made;
		}
	}
	/* Apply: replace a rule with the same match and priority (its
	 * counters start again, as in OVS), else append. */
	for (j = 0; j < n_before; j++)
		*match_index_find(&mi, br->rules, br->rules[j]) = j + 1;
	for (i = 0; i < n; i++) {
		uint32_t *slot = match_index_find(&mi, br->rules, made[i]);

		made[i]->id = br->next_rule_id++;
		slot_of[i] = UINT32_MAX;
		if (*slot != 0) {
			j = *slot - 1;
			replaced[i] = br->rules[j];
			br->rules[j] = made[i];
			slot_of[i] = j;
		} else {
			br->rules[br->n_rules++] = made[i];
			*slot = br->n_rules;
		}
	}
	rc = commit(sw, br, err, errlen);
	if (rc != 0) {
		/* Undo in reverse order. */
		for (i = n; i-- > 0;)
			if (slot_of[i] != UINT32_MAX)
				br->rules[slot_of[i]] = replaced[i];
		br->n_rules = n_before;
		goto undo_made;
	}
	for (i = 0; i < n; i++)
		if (replaced[i] != NULL && replaced[i] != made[i])
			rule_free(replaced[i]);
	goto out;

undo_made:
	for (i = 0; i < n; i++)
		if (made[i])
			rule_free(made[i]);
out:
	free(mi.slots);
	free(made);
	free(replaced);
	free(slot_of);
	return rc;
}

/* Delete the rules sel() selects; all or nothing. */
static int
del_if(struct vs_switch *sw, struct vs_bridge *br,
       bool (*sel)(const struct vs_flow_rule *r, const void *arg), const void *arg,
       unsigned *n_deleted, char *err, size_t errlen)
{
	struct vs_flow_rule **keep, **gone, **old = br->rules;
	unsigned n_keep = 0, n_gone = 0, n_old = br->n_rules, cap_old = br->cap_rules;
	int rc;

	if (n_deleted)
		*n_deleted = 0;
	keep = malloc((n_old ? n_old : 1) * sizeof(*keep));
	gone = malloc((n_old ? n_old : 1) * sizeof(*gone));
	if (keep == NULL || gone == NULL) {
		free(keep);
		free(gone);
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	for (unsigned i = 0; i < n_old; i++) {
		if (sel(old[i], arg))
			gone[n_gone++] = old[i];
		else
			keep[n_keep++] = old[i];
	}
	if (n_gone == 0) {
		free(keep);
		free(gone);
		return 0;
	}
	br->rules = keep;
	br->n_rules = n_keep;
	br->cap_rules = n_old ? n_old : 1;
	rc = commit(sw, br, err, errlen);
	if (rc != 0) {
		br->rules = old;
		br->n_rules = n_old;
		br->cap_rules = cap_old;
		free(keep);
		free(gone);
		return rc;
	}
	/* Published: no PMD can reach the deleted rules any more. */
	for (unsigned i = 0; i < n_gone; i++)
		rule_free(gone[i]);
	free(gone);
	free(old);
	if (n_deleted)
		*n_deleted = n_gone;
	return 0;
}

static bool
sel_filter(const struct vs_flow_rule *r, const void *arg)
{
	return arg == NULL || vs_flow_filter_selects(arg, r->spec);
}

int
vs_flows_del(struct vs_switch *sw, struct vs_bridge *br, const struct vs_flow_spec *filter,
	     unsigned *n_deleted, char *err, size_t errlen)
{
	return del_if(sw, br, sel_filter, filter, n_deleted, err, errlen);
}

static bool
sel_port(const struct vs_flow_rule *r, const void *arg)
{
	uint16_t slot = *(const uint16_t *)arg;

	if (r->mask.in_port && r->key.in_port == slot)
		return true;
	for (unsigned i = 0; i < r->n_actions; i++)
		if (r->actions[i].type == VS_ACT_OUTPUT && r->actions[i].port == slot)
			return true;
	return false;
}

int
vs_flows_del_port(struct vs_switch *sw, struct vs_bridge *br, uint16_t slot, unsigned *n_deleted,
		  char *err, size_t errlen)
{
	return del_if(sw, br, sel_port, &slot, n_deleted, err, errlen);
}
