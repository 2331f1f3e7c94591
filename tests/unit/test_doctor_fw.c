// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * doctor's firewall walker against rulesets captured from nft 1.0.6
 * (`nft -j -a list ruleset` in a fresh namespace after nft -f or
 * ip6tables-nft wrote them; tests/unit/fw/): the verdict, the rule or
 * policy named and the fix of every packet it walks.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#include "doctor.h"
#include "harness.h"
#include "ndpresponder.h"

#define FW_DIR	   "tests/unit/fw/"
#define IN_PREFIX  "2001:db8:1::100/128" /* inside the rules' /112 */
#define OUT_PREFIX "2001:db8:2::/64"	 /* in none of them */

struct want {
	const char *name;
	enum doc_status st;
	const char *found; /* a fragment of it */
	const char *fix;   /* a fragment, or "" for none */
};

struct fw_case {
	const char *file;
	const char *prefix;
	struct want w[4]; /* nd-input, nd-output, to, from */
};

#define FWD(p) "firewall-forward " p
#define OK_ND                                                   \
	{ "firewall-nd-input", DOC_OK, "let through", "" },     \
	{                                                       \
		"firewall-nd-output", DOC_OK, "let through", "" \
	}

static const struct fw_case cases[] = {
	{ "accept_all.json",
	  IN_PREFIX,
	  { OK_ND,
	    { FWD(IN_PREFIX), DOC_OK, "forwarded to " IN_PREFIX ": let", "" },
	    { FWD(IN_PREFIX), DOC_OK, "forwarded from", "" } } },
	{ "policy_drop_accept.json",
	  IN_PREFIX,
	  { OK_ND,
	    { FWD(IN_PREFIX), DOC_OK, "forwarded to", "" },
	    { FWD(IN_PREFIX), DOC_OK, "forwarded from", "" } } },
	{ "policy_drop_accept.json",
	  OUT_PREFIX,
	  { OK_ND,
	    { FWD(OUT_PREFIX), DOC_FAIL,
	      "dropped by the policy of inet t forward",
	      "nft insert rule inet t forward ip6 daddr " OUT_PREFIX " accept" },
	    { FWD(OUT_PREFIX), DOC_FAIL, "forwarded from",
	      "nft insert rule inet t forward ip6 saddr " OUT_PREFIX
	      " accept" } } },
	{ "icmpv6_drop.json",
	  IN_PREFIX,
	  { { "firewall-nd-input", DOC_FAIL,
	      "dropped by rule handle 2 of inet t input",
	      "nft delete rule inet t input handle 2" },
	    { "firewall-nd-output", DOC_OK, "let through", "" },
	    { FWD(IN_PREFIX), DOC_OK, "forwarded to", "" },
	    { FWD(IN_PREFIX), DOC_OK, "forwarded from", "" } } },
	{ "jump_user.json",
	  IN_PREFIX,
	  { OK_ND,
	    { FWD(IN_PREFIX), DOC_FAIL, "rule handle 3 of inet t user",
	      "nft delete rule inet t user handle 3" },
	    /* To anyone: the rule's daddr may be that one. */
	    { FWD(IN_PREFIX), DOC_WARN, "rule handle 3 of inet t user may",
	      "nft -a list chain inet t user" } } },
	{ "jump_user.json",
	  OUT_PREFIX,
	  { OK_ND,
	    { FWD(OUT_PREFIX), DOC_OK, "forwarded to", "" },
	    { FWD(OUT_PREFIX), DOC_WARN, "rule handle 3 of inet t user may",
	      "nft -a list chain inet t user" } } },
	{ "docker_user.json",
	  IN_PREFIX,
	  { OK_ND,
	    { FWD(IN_PREFIX), DOC_FAIL,
	      "rule handle 4 of ip6 filter DOCKER-USER",
	      "(or accept it before: ip6tables -I DOCKER-USER -d " IN_PREFIX
	      " -j ACCEPT)" },
	    { FWD(IN_PREFIX), DOC_WARN, "rule handle 4 of ip6 filter DOCKER",
	      "nft -a list chain ip6 filter DOCKER-USER" } } },
	{ "undecided.json",
	  IN_PREFIX,
	  { OK_ND,
	    { FWD(IN_PREFIX), DOC_WARN,
	      "rule handle 2 of inet t forward may drop",
	      "nft -a list chain inet t forward" },
	    { FWD(IN_PREFIX), DOC_WARN, "forwarded from",
	      "nft -a list chain inet t forward" } } },
};

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf = NULL;
	long n;

	if (!f)
		return NULL;
	if (!fseek(f, 0, SEEK_END) && (n = ftell(f)) > 0 &&
	    !fseek(f, 0, SEEK_SET) && (buf = calloc(1, (size_t)n + 1)) &&
	    fread(buf, 1, (size_t)n, f) != (size_t)n) {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	return buf;
}

static bool has(const char *s, const char *frag)
{
	return frag[0] ? strstr(s, frag) != NULL : !s[0];
}

static void run_case(const struct fw_case *fc)
{
	struct doc_prefix dp = { .route_oif = 1 }; /* lo as the bridge */
	struct doc_ctx c = { .ifname = "uplink",
			     .prefixes = &dp,
			     .nprefixes = 1 };
	char name[160], path[128], err[64];
	int want_exit = 0;
	char *json;
	bool ok;

	snprintf(name, sizeof(name), "firewall walker: %s, %s", fc->file,
		 fc->prefix);
	snprintf(path, sizeof(path), FW_DIR "%s", fc->file);
	json = slurp(path);
	if (!CHECK(name, json, "cannot read %s%s (run from the top)", FW_DIR,
		   fc->file))
		return;
	if (!CHECK(name, !prefix_parse(fc->prefix, 0, &dp.p, err, sizeof(err)),
		   "%s", err))
		goto out;
	dp.p.action = NDPR_ACT_ANSWER;
	doc_firewall_walk(&c, json);
	ok = CHECK(name, c.nres == 4, "%d results, not 4", c.nres);
	for (int i = 0; ok && i < 4; i++) {
		const struct want *w = &fc->w[i];
		const struct doc_result *r = &c.res[i];

		if (w->st == DOC_FAIL)
			want_exit = 1;
		ok = CHECK(name,
			   !strcmp(r->name, w->name) && r->status == w->st &&
				   has(r->found, w->found) &&
				   has(r->fix, w->fix),
			   "result %d: '%s' %d '%s' fix '%s'; want '%s' %d "
			   "'%s' fix '%s'",
			   i, r->name, r->status, r->found, r->fix, w->name,
			   w->st, w->found, w->fix);
	}
	if (ok)
		harness_result(1, name, "%s", "");
	snprintf(name + strlen(name), sizeof(name) - strlen(name),
		 ": exit code");
	harness_result(ok && doc_exit_code(&c) == want_exit, name,
		       "exit %d, want %d", doc_exit_code(&c), want_exit);
out:
	free(c.res);
	free(json);
}

/* What does not parse is said, not taken for an empty ruleset. */
static void test_garbage(void)
{
	struct doc_ctx c = { .ifname = "uplink" };
	const char *name = "firewall walker: JSON that does not parse";

	doc_firewall_walk(&c, "{\"nftables\": [");
	harness_result(c.nres == 1 && c.res[0].status == DOC_SKIP &&
			       doc_exit_code(&c) == 2,
		       name, "%d results, status %d", c.nres,
		       c.nres ? (int)c.res[0].status : -1);
	free(c.res);
}

int main(void)
{
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		run_case(&cases[i]);
	test_garbage();
	printf("%d passed, %d failed\n", harness_passed, harness_failed);
	return harness_failed ? 1 : 0;
}
