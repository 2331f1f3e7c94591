// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * doctor: the netfilter ruleset (nftables, which iptables-nft writes
 * too), read as libnftables' JSON and walked for a few packets: ND to
 * and from the uplink (input, output), and traffic forwarded to and
 * from each prefix. A rule whose matches all hold decides; one whose
 * matches this walk cannot tell (marks, rates, ports) only warns.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <json-c/json.h>

#include "doctor.h"
#include "ndpresponder.h"
#include "nft.h"

enum tri {
	T_NO,
	T_YES,
	T_MAYBE
};
enum verdict {
	V_NONE,
	V_ACCEPT,
	V_DROP,
	V_RETURN
};

/* The packet walked through the chains. */
struct pkt {
	bool nd;		/* an NS or NA (untracked, ICMPv6) */
	const struct prefix *p; /* forwarded: to (!from) or from p */
	bool from;
	const char *iif, *oif; /* NULL: none or unknown */
};

struct walk {
	struct json_object *items; /* the "nftables" array */
	json_object *drop_rule;	   /* the rule that dropped, or NULL */
	json_object *maybe_rule;   /* a drop that may apply */
};

static const char *str(json_object *o, const char *key)
{
	json_object *v;

	return json_object_object_get_ex(o, key, &v) ?
		       json_object_get_string(v) :
		       NULL;
}

static bool streq(const char *a, const char *b)
{
	return a && b && !strcmp(a, b);
}

static enum tri tri_or(enum tri a, enum tri b)
{
	if (a == T_YES || b == T_YES)
		return T_YES;
	return a == T_MAYBE || b == T_MAYBE ? T_MAYBE : T_NO;
}

/* Whether prefix p lies within an address or prefix of the ruleset. */
static enum tri addr_rel(const struct prefix *p, json_object *r)
{
	struct prefix x = { .len = 128 };
	const char *a = json_object_get_string(r);
	json_object *pre;

	if (json_object_object_get_ex(r, "prefix", &pre)) {
		a = str(pre, "addr");
		x.len = (uint8_t)atoi(str(pre, "len") ?: "0");
	} else if (!json_object_is_type(r, json_type_string)) {
		return T_MAYBE; /* a range, a set reference */
	}
	if (!a || inet_pton(AF_INET6, a, &x.addr) != 1)
		return T_MAYBE;
	if (x.len <= p->len && doc_in_prefix(&p->addr, &x))
		return T_YES;
	if (p->len <= x.len && doc_in_prefix(&x.addr, p))
		return T_MAYBE; /* part of p */
	return T_NO;
}

static enum tri name_rel(const char *name, json_object *r)
{
	const char *pat = json_object_get_string(r);
	size_t n;

	if (!name || !pat)
		return T_MAYBE;
	n = strlen(pat);
	if (n && pat[n - 1] == '*')
		return !strncmp(name, pat, n - 1) ? T_YES : T_NO;
	return !strcmp(name, pat) ? T_YES : T_NO;
}

/* What a match's right side says of the packet, for one kind of left. */
static enum tri value_rel(const struct pkt *k, const char *what, json_object *r)
{
	const char *s = json_object_get_string(r);

	if (streq(what, "daddr") || streq(what, "saddr")) {
		/* The prefix's side; the other end is anyone. */
		if (k->nd || streq(what, "daddr") == k->from)
			return T_MAYBE;
		return addr_rel(k->p, r);
	}
	if (streq(what, "iifname") || streq(what, "iif"))
		return name_rel(k->iif, r);
	if (streq(what, "oifname") || streq(what, "oif"))
		return name_rel(k->oif, r);
	if (streq(what, "l4proto") || streq(what, "nexthdr"))
		return !k->nd ? T_MAYBE :
		       streq(s, "ipv6-icmp") || streq(s, "icmpv6") ||
				       streq(s, "58") ?
				T_YES :
				T_NO;
	if (streq(what, "type")) /* icmpv6 type */
		return !k->nd ? T_MAYBE :
		       strstr(s ?: "", "nd-neighbor") ? T_YES :
							T_NO;
	if (streq(what, "state")) /* ct state: ND is untracked */
		return strstr(s ?: "", k->nd ? "untracked" : "new") ? T_YES :
								      T_NO;
	return T_MAYBE;
}

static const char *left_kind(json_object *left)
{
	json_object *o;

	if (json_object_object_get_ex(left, "payload", &o) ||
	    json_object_object_get_ex(left, "meta", &o) ||
	    json_object_object_get_ex(left, "ct", &o))
		return str(o, "field") ?: str(o, "key");
	return NULL;
}

static enum tri eval_match(const struct pkt *k, json_object *m)
{
	json_object *left, *right, *set;
	const char *what, *op = str(m, "op");
	enum tri t = T_NO;

	if (!json_object_object_get_ex(m, "left", &left) ||
	    !json_object_object_get_ex(m, "right", &right))
		return T_MAYBE;
	what = left_kind(left);
	if (json_object_object_get_ex(right, "set", &set) &&
	    json_object_is_type(set, json_type_array)) {
		for (size_t i = 0; i < json_object_array_length(set); i++)
			t = tri_or(t, value_rel(k, what,
						json_object_array_get_idx(set,
									  i)));
	} else if (json_object_is_type(right, json_type_array)) {
		for (size_t i = 0; i < json_object_array_length(right); i++)
			t = tri_or(t, value_rel(k, what,
						json_object_array_get_idx(right,
									  i)));
	} else {
		t = value_rel(k, what, right);
	}
	if (streq(op, "!=") && t != T_MAYBE)
		t = t == T_YES ? T_NO : T_YES;
	return t;
}

static enum verdict walk_chain(struct walk *w, const struct pkt *k,
			       const char *family, const char *table,
			       const char *chain, int depth);

/* One rule: its verdict when it applies, V_NONE otherwise. */
static enum verdict walk_rule(struct walk *w, const struct pkt *k,
			      json_object *rule, int depth)
{
	json_object *exprs, *e, *v;
	enum tri t = T_YES;
	enum verdict res;

	if (!json_object_object_get_ex(rule, "expr", &exprs))
		return V_NONE;
	for (size_t i = 0; i < json_object_array_length(exprs); i++) {
		e = json_object_array_get_idx(exprs, i);
		if (json_object_object_get_ex(e, "match", &v)) {
			enum tri m = eval_match(k, v);

			if (m == T_NO)
				return V_NONE;
			if (m == T_MAYBE)
				t = T_MAYBE;
		} else if (json_object_object_get_ex(e, "accept", &v)) {
			return t == T_YES ? V_ACCEPT : V_NONE;
		} else if (json_object_object_get_ex(e, "drop", &v) ||
			   json_object_object_get_ex(e, "reject", &v) ||
			   (json_object_object_get_ex(e, "xt", &v) &&
			    (streq(str(v, "name"), "DROP") ||
			     streq(str(v, "name"), "REJECT")))) {
			if (t == T_YES) {
				w->drop_rule = rule;
				return V_DROP;
			}
			w->maybe_rule = w->maybe_rule ?: rule;
			return V_NONE;
		} else if (json_object_object_get_ex(e, "jump", &v) ||
			   json_object_object_get_ex(e, "goto", &v)) {
			if (depth > 8 || t != T_YES)
				return V_NONE;
			res = walk_chain(w, k, str(rule, "family"),
					 str(rule, "table"), str(v, "target"),
					 depth + 1);
			if (res == V_RETURN &&
			    json_object_object_get_ex(e, "goto", &v))
				return V_RETURN;
			return res == V_RETURN ? V_NONE : res;
		} else if (json_object_object_get_ex(e, "return", &v)) {
			return t == T_YES ? V_RETURN : V_NONE;
		} else if (!json_object_object_get_ex(e, "counter", &v) &&
			   !json_object_object_get_ex(e, "log", &v)) {
			t = T_MAYBE; /* limits, marks, what this walk skips */
		}
	}
	return V_NONE;
}

static enum verdict walk_chain(struct walk *w, const struct pkt *k,
			       const char *family, const char *table,
			       const char *chain, int depth)
{
	json_object *it, *rule;
	enum verdict v;

	for (size_t i = 0; i < json_object_array_length(w->items); i++) {
		it = json_object_array_get_idx(w->items, i);
		if (!json_object_object_get_ex(it, "rule", &rule) ||
		    !streq(str(rule, "family"), family) ||
		    !streq(str(rule, "table"), table) ||
		    !streq(str(rule, "chain"), chain))
			continue;
		v = walk_rule(w, k, rule, depth);
		if (v != V_NONE)
			return v;
	}
	return V_RETURN;
}

/* Every base chain of hook, in IPv6's families: the first that drops
 * the packet, as a result; NULL when all let it through. */
static json_object *walk_hook(struct walk *w, const struct pkt *k,
			      const char *hook, bool *by_policy)
{
	json_object *it, *ch;

	w->drop_rule = NULL;
	for (size_t i = 0; i < json_object_array_length(w->items); i++) {
		it = json_object_array_get_idx(w->items, i);
		if (!json_object_object_get_ex(it, "chain", &ch) ||
		    !streq(str(ch, "hook"), hook) ||
		    streq(str(ch, "type"), "nat") ||
		    (!streq(str(ch, "family"), "ip6") &&
		     !streq(str(ch, "family"), "inet")))
			continue;
		switch (walk_chain(w, k, str(ch, "family"), str(ch, "table"),
				   str(ch, "name"), 0)) {
		case V_DROP:
			*by_policy = false;
			return w->drop_rule;
		case V_RETURN:
			if (streq(str(ch, "policy"), "drop")) {
				*by_policy = true;
				return ch;
			}
			break;
		default:
			break;
		}
	}
	return NULL;
}

/* iptables-nft's tables: ip6tables is the tool their owners know. */
static bool is_xtables(json_object *o)
{
	return streq(str(o, "family"), "ip6") &&
	       (streq(str(o, "table"), "filter") ||
		streq(str(o, "table"), "mangle"));
}

/* The command that accepts the packet at the top of chain. */
static void accept_cmd(char *buf, size_t n, json_object *o, const char *chain,
		       const char *accept)
{
	if (is_xtables(o) && !strncmp(accept, "ip6 ", 4))
		snprintf(buf, n, "ip6tables -I %s %s %s -j ACCEPT", chain,
			 strstr(accept, "saddr") ? "-s" : "-d",
			 strchr(accept + 4, ' ') + 1);
	else if (is_xtables(o))
		snprintf(buf, n, "ip6tables -I %s -p icmpv6 -j ACCEPT", chain);
	else
		snprintf(buf, n, "nft insert rule %s %s %s %s accept",
			 str(o, "family"), str(o, "table"), chain, accept);
}

static void report(struct doc_ctx *c, const char *name, const char *what,
		   json_object *o, bool by_policy, const char *accept)
{
	const char *chain = str(o, by_policy ? "name" : "chain");
	struct doc_result *r;
	char cmd[192];

	accept_cmd(cmd, sizeof(cmd), o, chain, accept);
	if (by_policy) {
		r = doc_add(c, name, DOC_FAIL,
			    "%s: dropped by the policy of "
			    "%s %s %s (no rule accepts it)",
			    what, str(o, "family"), str(o, "table"), chain);
		doc_fix(r, "%s", cmd);
		return;
	}
	r = doc_add(c, name, DOC_FAIL,
		    "%s: dropped by rule handle %s of %s "
		    "%s %s",
		    what, str(o, "handle"), str(o, "family"), str(o, "table"),
		    chain);
	doc_fix(r,
		"nft delete rule %s %s %s handle %s (or accept it before: %s)",
		str(o, "family"), str(o, "table"), chain, str(o, "handle"),
		cmd);
}

static void check_pkt(struct doc_ctx *c, struct walk *w, const char *name,
		      const char *what, const struct pkt *k, const char *hook,
		      const char *accept)
{
	bool by_policy = false;
	json_object *o;
	struct doc_result *r;

	w->maybe_rule = NULL;
	o = walk_hook(w, k, hook, &by_policy);
	if (o) {
		report(c, name, what, o, by_policy, accept);
	} else if (w->maybe_rule) {
		r = doc_add(c, name, DOC_WARN,
			    "%s: let through, but rule "
			    "handle %s of %s %s %s may drop some of it",
			    what, str(w->maybe_rule, "handle"),
			    str(w->maybe_rule, "family"),
			    str(w->maybe_rule, "table"),
			    str(w->maybe_rule, "chain"));
		doc_fix(r, "nft -a list chain %s %s %s shows it",
			str(w->maybe_rule, "family"),
			str(w->maybe_rule, "table"),
			str(w->maybe_rule, "chain"));
	} else {
		doc_add(c, name, DOC_OK, "%s: let through", what);
	}
}

static void check_prefix(struct doc_ctx *c, struct walk *w,
			 const struct doc_prefix *dp)
{
	char ps[64], name[96], what[128], accept[96], dev[IF_NAMESIZE];
	const char *bridge = dp->route_oif ? doc_ifname(dp->route_oif, dev) :
					     NULL;
	struct pkt to = { .p = &dp->p, .iif = c->ifname, .oif = bridge };
	struct pkt from = {
		.p = &dp->p, .from = true, .iif = bridge, .oif = c->ifname
	};

	prefix_format(&dp->p, ps, sizeof(ps));
	snprintf(name, sizeof(name), "firewall-forward %s", ps);
	snprintf(what, sizeof(what), "forwarded to %s", ps);
	snprintf(accept, sizeof(accept), "ip6 daddr %s", ps);
	check_pkt(c, w, name, what, &to, "forward", accept);
	snprintf(what, sizeof(what), "forwarded from %s", ps);
	snprintf(accept, sizeof(accept), "ip6 saddr %s", ps);
	check_pkt(c, w, name, what, &from, "forward", accept);
}

void doc_firewall_walk(struct doc_ctx *c, const char *json)
{
	struct pkt in = { .nd = true, .iif = c->ifname };
	struct pkt out = { .nd = true, .oif = c->ifname };
	struct walk w = {};
	json_object *root = json_tokener_parse(json);

	if (!root || !json_object_object_get_ex(root, "nftables", &w.items) ||
	    !json_object_is_type(w.items, json_type_array)) {
		doc_add(c, "firewall", DOC_SKIP,
			"not checked: libnftables' "
			"JSON did not parse");
		json_object_put(root);
		return;
	}
	/* The host's own ND with its gateway (XDP answers before input). */
	check_pkt(c, &w, "firewall-nd-input", "ND arriving on the uplink", &in,
		  "input",
		  "icmpv6 type { nd-neighbor-solicit, "
		  "nd-neighbor-advert }");
	check_pkt(c, &w, "firewall-nd-output", "ND sent out of the uplink",
		  &out, "output",
		  "icmpv6 type { nd-neighbor-solicit, "
		  "nd-neighbor-advert }");
	for (int i = 0; i < c->nprefixes; i++)
		if (c->prefixes[i].p.action == NDPR_ACT_ANSWER)
			check_prefix(c, &w, &c->prefixes[i]);
	json_object_put(root);
}

void doc_check_firewall(struct doc_ctx *c)
{
	char err[256] = "";
	char *text;
	int ret;

	ret = nft_ruleset_json(&text, err, sizeof(err));
	if (ret) {
		doc_add(c, "firewall", DOC_SKIP, "not checked: %s",
			err[0] ? err : strerror(-ret));
		return;
	}
	doc_firewall_walk(c, text);
	free(text);
}
