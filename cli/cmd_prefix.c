// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* prefix add|del|list|sync: the answered set of a live responder. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <arpa/inet.h>

#include "cli.h"
#include "guards.h"
#include "iface.h"
#include "log.h"
#include "maps.h"
#include "migrate.h"
#include "pins.h"
#include "print.h"
#include "sync_plan.h"

static const char prefix_usage[] =
	"Usage: ndpresponder prefix add IFACE PREFIX [--exclude] [--force]\n"
	"                                  [--route-check[=neigh]]\n"
	"       ndpresponder prefix del IFACE PREFIX\n"
	"       ndpresponder prefix list IFACE [--json]\n"
	"       ndpresponder prefix sync IFACE FILE [--force] [--dry-run]\n"
	"       ndpresponder prefix clear-conflict IFACE ADDR|all\n"
	"\n"
	"Changes the prefixes of a live responder; no re-attach needed.\n"
	"PREFIX is ADDR/LEN or ADDR (a /128). The longest match wins, so an\n"
	"--exclude entry carves a hole into a shorter answered prefix.\n"
	"sync makes the static entries equal to FILE (one entry a line:\n"
	"'PREFIX', 'PREFIX route-check[=neigh]' or 'exclude PREFIX', '#'\n"
	"comments): it adds and changes first, removes last, and never\n"
	"drops an entry kept by FILE. Nothing is answered inside an\n"
	"exclude: an entry there is refused by add, left out by sync.\n"
	"list prints the entries sorted by address, then length, in four\n"
	"columns: PREFIX; ACTION (answer, exclude; guarded: the host's own\n"
	"addresses and its gateways, which the program passes to the\n"
	"kernel; conflict: an address another node on the link showed it\n"
	"owns, no longer answered until clear-conflict forgets it); ROUTE,\n"
	"the route check of an answered entry (off, route, neigh; '-'\n"
	"where none applies, and no route_check field in JSON); ORIGIN, who\n"
	"added it (static: a command or a prefix file; a Docker network's\n"
	"name; own or gateway for a guard) or, for a conflict, how it was\n"
	"seen, by which MAC and when.\n"
	"Actions may be abbreviated: ls and show mean list, delete means\n"
	"del.\n"
	"\n"
	"  -x, --exclude             the entry excludes instead of answering\n"
	"  -r, --route-check[=neigh]\n"
	"                            answer only targets the host routes out\n"
	"                            of another interface (=neigh: with a\n"
	"                            neighbour entry there)\n"
	"      --force               allow ::/0, and a sync FILE with no\n"
	"                            entries (which removes them all)\n"
	"      --dry-run             sync: print what it would add, change\n"
	"                            and remove, and change nothing\n"
	"  -j, --json                list (or a dry run) as JSON\n"
	"  -h, --help                this text\n";

/* What the options and arguments of one prefix command say. */
struct prefix_args {
	const char *ifname;
	const char *arg; /* PREFIX or FILE */
	bool exclude;
	bool json;
	bool force;
	bool dry_run;
	uint8_t route_flags;
	unsigned int pflags;
	struct prefix p;
	struct prefix_set want;
};

/* One sub-verb: how it checks all its input before anything is touched,
 * and what it does. */
struct prefix_verb {
	const char *name;
	int nargs;	  /* IFACE, and PREFIX or FILE */
	bool changes;	  /* under the pin lock */
	bool entry_flags; /* takes --exclude and --route-check */
	bool syncs;	  /* replaces what an interrupted sync left */
	bool guards;	  /* changes the answered set: guards follow */
	bool has_json;
	int (*check)(struct prefix_args *a);
	int (*run)(struct print_ctx *out, const struct ndpr_maps *m,
		   struct prefix_args *a);
};

static void print_prefix(struct print_ctx *out, const struct ndpr_maps *m,
			 const struct prefix *p)
{
	char buf[PREFIX_STRLEN], ob[sizeof(struct ndpr_origin)];
	bool answer = p->action == NDPR_ACT_ANSWER;

	prefix_format(p, buf, sizeof(buf));
	maps_origin_name(m, p->origin, ob, sizeof(ob));
	open_json_object(out, NULL);
	print_string(out, PRINT_ANY, "prefix", "%-44s ", buf);
	print_string(out, PRINT_ANY, "action", "%-8s ", action_name(p->action));
	/* '-' where a route check cannot apply, and no field in JSON. */
	if (answer)
		print_string(out, PRINT_ANY, "route_check", "%-6s ",
			     route_check_name(p->flags));
	else
		print_text(out, "%-6s ", "-");
	print_string(out, PRINT_ANY, "origin", "%s", ob);
	print_nl(out);
	close_json_object(out);
}

/* A guarded address, in the columns of an entry. */
static void print_guard(const struct in6_addr *a, int kind, void *arg)
{
	struct print_ctx *out = arg;
	char buf[INET6_ADDRSTRLEN + 4];

	inet_ntop(AF_INET6, a, buf, sizeof(buf));
	strcat(buf, "/128");
	open_json_object(out, NULL);
	print_string(out, PRINT_ANY, "prefix", "%-44s ", buf);
	print_string(out, PRINT_ANY, "action", "%-8s ", "guarded");
	print_string(out, PRINT_FP, NULL, "%-6s ", "-");
	print_string(out, PRINT_ANY, "origin", "%s", guard_kind_name(kind));
	print_nl(out);
	close_json_object(out);
}

static __u64 monotonic_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (__u64)ts.tv_sec * 1000000000ull + (__u64)ts.tv_nsec;
}

void print_conflict(struct print_ctx *out, const struct guard_conflict *c)
{
	char buf[INET6_ADDRSTRLEN + 4], mac[18];
	__u64 now = monotonic_ns();
	__u64 ago = now > c->c.last_ns ? (now - c->c.last_ns) / 1000000000ull :
					 0;

	inet_ntop(AF_INET6, &c->addr, buf, sizeof(buf));
	strcat(buf, "/128");
	mac_format(c->c.mac, mac, sizeof(mac));
	open_json_object(out, NULL);
	print_string(out, PRINT_ANY, "prefix", "%-44s ", buf);
	print_string(out, PRINT_ANY, "action", "%-8s ", "conflict");
	print_string(out, PRINT_FP, NULL, "%-6s ", "-");
	print_string(out, PRINT_ANY, "how", "%s", conflict_how_name(c->c.how));
	print_string(out, PRINT_ANY, "mac", " by %s", mac);
	print_uint(out, PRINT_ANY, "seen_secs_ago", ", %llu s ago", ago);
	print_nl(out);
	close_json_object(out);
}

static int prefix_list(struct print_ctx *out, const struct ndpr_maps *m,
		       struct prefix_args *a)
{
	struct guard_conflict *cv = NULL;
	struct prefix_set s = {};
	size_t nc = 0;
	int ret;

	ret = maps_prefix_dump(m, &s);
	if (!ret)
		ret = guards_conflicts(m, &cv, &nc);
	if (!ret) {
		prefix_set_sort(&s);
		print_text(out, "%-44s %-8s %-6s %s\n", "PREFIX", "ACTION",
			   "ROUTE", "ORIGIN");
		open_json_array(out, NULL);
		for (size_t i = 0; i < s.n; i++)
			print_prefix(out, m, &s.v[i]);
		guards_each(m, print_guard, out);
		for (size_t i = 0; i < nc; i++)
			print_conflict(out, &cv[i]);
		close_json_array(out);
	}
	free(cv);
	prefix_set_free(&s);
	return ret;
}

/* add checks the prefix as an answered one; del takes any there is. */
static int check_entry(struct prefix_args *a, unsigned int pflags)
{
	char err[256];
	int ret;

	ret = prefix_parse(a->arg, pflags, &a->p, err, sizeof(err));
	if (ret) {
		pr_err("%s", err);
		return ret;
	}
	if (a->exclude)
		a->p.action = NDPR_ACT_EXCLUDE;
	else
		a->p.flags = a->route_flags;
	return 0;
}

static int check_del(struct prefix_args *a)
{
	return check_entry(a, a->pflags | PREFIX_ALLOW_DEFAULT);
}

static int check_add(struct prefix_args *a)
{
	int ret = check_del(a);

	return ret ? ret : check_entry(a, a->pflags);
}

static int check_sync(struct prefix_args *a)
{
	return prefix_file_read(a->arg, a->pflags, &a->want);
}

/* Excludes win: the answered entries inside a new exclude go, as the data
 * path would still answer them (the /128 hash comes first, the longest
 * prefix wins). */
static int remove_hidden(const struct ndpr_maps *m, const char *ifname,
			 const struct prefix_set *have, const struct prefix *x)
{
	char buf[PREFIX_STRLEN];
	size_t n = 0;
	int ret = 0;

	for (size_t i = 0; i < have->n && !ret; i++) {
		const struct prefix *h = &have->v[i];

		if (h->action != NDPR_ACT_ANSWER || !prefix_covers(x, h))
			continue;
		ret = maps_prefix_delete(m, h);
		if (!ret)
			n++;
		else if (ret == -ENOENT) /* gone under us */
			ret = 0;
		else
			pr_err("%s: couldn't remove an entry inside the "
			       "exclude: %s",
			       ifname, errstr(ret));
	}
	prefix_format(x, buf, sizeof(buf));
	if (n)
		pr_info("%s: removed %zu answered entr%s inside %s", ifname, n,
			n == 1 ? "y" : "ies", buf);
	return ret;
}

static int prefix_add(struct print_ctx *out, const struct ndpr_maps *m,
		      struct prefix_args *a)
{
	char buf[PREFIX_STRLEN], xb[PREFIX_STRLEN];
	struct prefix_set have = {}, add = { .v = &a->p, .n = 1, .cap = 1 };
	struct prefix p, x;
	int ret;

	ret = maps_prefix_dump(m, &have);
	if (ret)
		goto out;
	/* An exclude added removes what it hides, below. */
	if (a->p.action == NDPR_ACT_ANSWER &&
	    sync_adds_hidden(&have, &add, &p, &x)) {
		prefix_format(&a->p, buf, sizeof(buf));
		prefix_format(&x, xb, sizeof(xb));
		pr_err("%s: %s is inside the exclude %s and would never be "
		       "answered; 'prefix del %s %s' first",
		       a->ifname, buf, xb, a->ifname, xb);
		ret = -EINVAL;
		goto out;
	}
	ret = maps_prefix_update(m, a->ifname, &a->p);
	if (!ret && a->p.action == NDPR_ACT_EXCLUDE)
		ret = remove_hidden(m, a->ifname, &have, &a->p);
out:
	prefix_set_free(&have);
	return ret;
}

static int prefix_del(struct print_ctx *out, const struct ndpr_maps *m,
		      struct prefix_args *a)
{
	char buf[PREFIX_STRLEN];
	int ret;

	prefix_format(&a->p, buf, sizeof(buf));
	ret = maps_prefix_delete(m, &a->p);
	if (ret == -ENOENT)
		pr_err("%s: %s is not in the prefix map", a->ifname, buf);
	else if (ret)
		pr_err("%s: couldn't delete %s: %s", a->ifname, buf,
		       errstr(ret));
	return ret;
}

/* "2001:db8::/64 (exclude)", as a sync names an entry. */
static void entry_text(const struct prefix *p, char *buf, size_t len)
{
	char pb[PREFIX_STRLEN];

	prefix_format(p, pb, sizeof(pb));
	if (p->action == NDPR_ACT_ANSWER && p->flags)
		snprintf(buf, len, "%s (route-check %s)", pb,
			 route_check_name(p->flags));
	else
		snprintf(buf, len, "%s%s", pb,
			 p->action == NDPR_ACT_ANSWER ? "" : " (exclude)");
}

/* One step of a sync, done or (dry run) planned. */
static void print_step(struct print_ctx *out, const char *ifname,
		       const char *op, const struct prefix *p)
{
	char buf[PREFIX_STRLEN + 32];

	entry_text(p, buf, sizeof(buf));
	open_json_object(out, NULL);
	print_text(out, "%s: ", ifname);
	print_string(out, PRINT_ANY, "op", "%s ", op);
	print_string(out, PRINT_ANY, "entry", "%s", buf);
	print_nl(out);
	close_json_object(out);
}

/* What the sync would do, changing nothing. */
static int prefix_sync_dry(struct print_ctx *out, const struct ndpr_maps *m,
			   struct prefix_args *a)
{
	static const char *const ops[] = { [SYNC_ADD] = "would add",
					   [SYNC_CHANGE] = "would change",
					   [SYNC_REMOVE] = "would remove" };
	struct sync_plan plan;
	int ret;

	ret = maps_prefix_plan_static(m, a->ifname, &a->want, &plan);
	if (ret)
		return ret;
	open_json_array(out, NULL);
	for (size_t i = 0; i < plan.n; i++)
		print_step(out, a->ifname, ops[plan.steps[i].op],
			   &plan.steps[i].p);
	close_json_array(out);
	print_text(out,
		   "%s: dry run: %zu to add, %zu to change, %zu to "
		   "remove, %zu kept; nothing changed\n",
		   a->ifname, plan.count[SYNC_ADD], plan.count[SYNC_CHANGE],
		   plan.count[SYNC_REMOVE], plan.kept);
	if (!a->want.n && plan.count[SYNC_REMOVE] && !a->force)
		print_text(out,
			   "%s: '%s' has no entries: the sync itself "
			   "needs --force\n",
			   a->ifname, a->arg);
	sync_plan_free(&plan);
	return 0;
}

static int prefix_sync(struct print_ctx *out, const struct ndpr_maps *m,
		       struct prefix_args *a)
{
	struct prefix_set removed = {};
	struct sync_result res;
	int ret;

	if (a->dry_run)
		return prefix_sync_dry(out, m, a);
	/* An empty FILE is what a writer leaves between truncating it and
	 * writing it: it removes nothing unless meant. */
	ret = maps_prefix_sync_static(m, a->ifname, &a->want,
				      a->want.n || a->force, &res, &removed);
	if (ret == -ENOTEMPTY)
		pr_err("%s: '%s' has no entries, so every static entry would "
		       "go (%zu); add --force if that is meant",
		       a->ifname, a->arg, res.removed);
	for (size_t i = 0; !ret && i < removed.n; i++)
		print_step(out, a->ifname, "removed", &removed.v[i]);
	if (!ret)
		print_text(out,
			   "%s: %zu added, %zu changed, %zu removed, "
			   "%zu kept\n",
			   a->ifname, res.added, res.changed, res.removed,
			   res.kept);
	prefix_set_free(&removed);
	return ret;
}

/* ADDR (a /128) or all. */
static int check_clear(struct prefix_args *a)
{
	char err[256];
	int ret;

	if (!strcmp(a->arg, "all"))
		return 0;
	ret = prefix_parse(a->arg, 0, &a->p, err, sizeof(err));
	if (!ret && a->p.len != 128) {
		snprintf(err, sizeof(err),
			 "clear-conflict: '%s' is not one "
			 "address (or all)",
			 a->arg);
		ret = -EINVAL;
	}
	if (ret)
		pr_err("%s", err);
	return ret;
}

static int prefix_clear(struct print_ctx *out, const struct ndpr_maps *m,
			struct prefix_args *a)
{
	bool all = !strcmp(a->arg, "all");
	int ret;

	ret = guards_conflict_clear(m, all ? NULL : &a->p.addr);
	if (ret == -ENOENT)
		pr_err("%s: no conflict recorded for %s", a->ifname, a->arg);
	else if (ret)
		pr_err("%s: couldn't clear the conflict: %s", a->ifname,
		       errstr(ret));
	else
		print_text(out, "%s: %s forgotten: answered again\n", a->ifname,
			   all ? "every conflict" : a->arg);
	return ret;
}

static const struct prefix_verb prefix_verbs[] = {
	{ .name = "add",
	  .nargs = 2,
	  .changes = true,
	  .entry_flags = true,
	  .guards = true,
	  .check = check_add,
	  .run = prefix_add },
	{ .name = "del",
	  .nargs = 2,
	  .changes = true,
	  .guards = true,
	  .check = check_del,
	  .run = prefix_del },
	{ .name = "list", .nargs = 1, .has_json = true, .run = prefix_list },
	{ .name = "sync",
	  .nargs = 2,
	  .changes = true,
	  .syncs = true,
	  .guards = true,
	  .has_json = true,
	  .check = check_sync,
	  .run = prefix_sync },
	{ .name = "clear-conflict",
	  .nargs = 2,
	  .changes = true,
	  .check = check_clear,
	  .run = prefix_clear },
};

/* 1 for --help, 0 with a filled in up to the sub-verb, or -EINVAL. */
static int prefix_parse_opts(int argc, char **argv, struct prefix_args *a)
{
	static const struct option opts[] = {
		{ "exclude", no_argument, NULL, 'x' },
		{ "json", no_argument, NULL, 'j' },
		{ "force", no_argument, NULL, 'f' },
		{ "dry-run", no_argument, NULL, 'D' },
		{ "route-check", optional_argument, NULL, 'r' },
		{ "help", no_argument, NULL, 'h' },
		{},
	};
	int c;

	while ((c = verb_getopt(argc, argv, "xjr::h", opts, prefix_usage)) !=
	       -1) {
		switch (c) {
		case 'h':
			return 1;
		case 'x':
			a->exclude = true;
			break;
		case 'j':
			a->json = true;
			break;
		case 'f':
			a->force = true;
			a->pflags |= PREFIX_ALLOW_DEFAULT;
			break;
		case 'D':
			a->dry_run = true;
			break;
		case 'r':
			/* -r=neigh as --route-check=neigh writes it. */
			if (optarg && optarg[0] == '=')
				optarg++;
			if (route_check_parse(optarg, &a->route_flags) ||
			    !a->route_flags) {
				pr_err("prefix: --route-check takes no value "
				       "or =neigh");
				return -EINVAL;
			}
			break;
		default:
			return -EINVAL;
		}
	}
	return 0;
}

/* The sub-verb argv names, with its arguments in a; NULL after a line. */
static const struct prefix_verb *prefix_verb_find(int argc, char **argv,
						  struct prefix_args *a)
{
	/* iproute2's words too: ls and show for list, delete for del. */
	static const char *const names[] = { "add",    "del",
					     "delete", "list",
					     "ls",     "show",
					     "sync",   "clear-conflict" };
	static const int canon[] = { 0, 1, 1, 2, 2, 2, 3, 4 };
	const struct prefix_verb *v;
	int nargs = argc - optind, i;

	if (nargs < 2) {
		pr_err("prefix: expected add|del|list|sync|clear-conflict "
		       "IFACE ... (see "
		       "ndpresponder prefix --help)");
		usage_failed();
		return NULL;
	}
	i = cli_match("prefix action", argv[optind], names, canon,
		      sizeof(names) / sizeof(names[0]));
	if (i < 0)
		return NULL;
	v = &prefix_verbs[i];
	if (nargs != 1 + v->nargs) {
		pr_err("prefix: wrong number of arguments (see ndpresponder "
		       "prefix --help)");
		usage_failed();
		return NULL;
	}
	a->ifname = iface_arg(argv[optind + 1]);
	a->arg = v->nargs > 1 ? argv[optind + 2] : NULL;
	return a->ifname ? v : NULL;
}

static int check_entry_flags(const struct prefix_verb *v,
			     const struct prefix_args *a)
{
	if (a->exclude && a->route_flags) {
		pr_err("prefix: an excluded entry is never answered: "
		       "--route-check does not apply");
		return -EINVAL;
	}
	if (a->dry_run && !v->syncs) {
		pr_err("prefix: --dry-run goes with 'sync'");
		usage_failed();
		return -EINVAL;
	}
	if ((a->exclude || a->route_flags) && !v->entry_flags) {
		pr_err("prefix: --exclude and --route-check go with 'add' (in "
		       "a sync file, write them on the entry's line)");
		return -EINVAL;
	}
	return 0;
}

/*
 * v->run, with the guards following the answered set: those inside what
 * is about to answer go in first, those no longer inside leave after.
 */
static int run_guarded(const struct prefix_verb *v, struct print_ctx *out,
		       const struct ndpr_maps *m, struct prefix_args *a)
{
	struct prefix_set one = { .v = &a->p, .n = 1, .cap = 1 };
	const struct prefix_set *coming = v->syncs ? &a->want : &one;
	int ret;

	/* A dry run changes nothing, the guards included. */
	if (!v->guards || a->dry_run)
		return v->run(out, m, a);
	ret = guards_refresh(m, a->ifname, coming, NULL);
	if (!ret)
		ret = v->run(out, m, a);
	return ret ?: guards_refresh(m, a->ifname, NULL, NULL);
}

/* Runs v on the live maps of a->ifname, under the lock if it changes them. */
static int prefix_verb_run(const struct prefix_verb *v, struct prefix_args *a)
{
	struct ndpr_maps m = NDPR_MAPS_INIT;
	struct print_ctx out;
	struct pin_dir pd;
	int ret;

	print_init(&out, v->has_json && a->json, stdout);
	ret = pin_dir_init(&pd, a->ifname, 0);
	if (ret)
		return ret;
	if (v->changes) {
		/* Never into the maps a migration cut short left behind. */
		ret = pin_lock(&pd) ?: migrate_recover(&pd, a->ifname);
		if (ret)
			goto out;
	}
	ret = maps_open(&pd, a->ifname, &m);
	if (ret)
		goto out;
	if (!v->syncs && maps_sync_partial(&m))
		pr_err("%s: warning: an earlier prefix sync was cut short; the "
		       "prefixes mix its old and new sets until it runs again",
		       a->ifname);
	ret = run_guarded(v, &out, &m, a);
out:
	maps_close(&m);
	pin_dir_close(&pd);
	return ret;
}

int cmd_prefix(int argc, char **argv)
{
	struct prefix_args a = { .p = { .action = NDPR_ACT_ANSWER } };
	const struct prefix_verb *v;
	int ret;

	ret = prefix_parse_opts(argc, argv, &a);
	if (ret)
		return ret > 0 ? 0 : ret;
	v = prefix_verb_find(argc, argv, &a);
	if (!v)
		return -EINVAL;
	ret = check_entry_flags(v, &a);
	/* Check all input before touching anything. */
	if (!ret && v->check)
		ret = v->check(&a);
	if (!ret)
		ret = prefix_verb_run(v, &a);
	prefix_set_free(&a.want);
	return ret;
}
