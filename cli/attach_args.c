// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <errno.h>
#include <string.h>

#include "attach_args.h"
#include "cli.h"
#include "iface.h"
#include "log.h"
#include "sync_plan.h"

enum {
	OPT_MAC = 1000,
	OPT_NO_ROUTER,
	OPT_OVERRIDE,
	OPT_NO_DAD,
	OPT_NO_UNICAST,
	OPT_MAX,
	OPT_LOG_RATE,
	OPT_FORCE,
	OPT_ROUTE_CHECK,
	OPT_NO_GUARD,
	OPT_ROUTER,
	OPT_DAD,
	OPT_UNICAST,
};

static const struct option shared[] = {
	{ "exclude", required_argument, NULL, 'x' },
	{ "mode", required_argument, NULL, 'm' },
	{ "mac", required_argument, NULL, OPT_MAC },
	{ "no-router", no_argument, NULL, OPT_NO_ROUTER },
	{ "override", required_argument, NULL, OPT_OVERRIDE },
	{ "no-dad", no_argument, NULL, OPT_NO_DAD },
	{ "no-unicast", no_argument, NULL, OPT_NO_UNICAST },
	{ "max-prefixes", required_argument, NULL, OPT_MAX },
	{ "log-rate", required_argument, NULL, OPT_LOG_RATE },
	{ "force", no_argument, NULL, OPT_FORCE },
	{ "route-check", optional_argument, NULL, OPT_ROUTE_CHECK },
	{ "no-guard", required_argument, NULL, OPT_NO_GUARD },
	{ "router", no_argument, NULL, OPT_ROUTER },
	{ "dad", no_argument, NULL, OPT_DAD },
	{ "unicast", no_argument, NULL, OPT_UNICAST },
};

_Static_assert(sizeof(shared) / sizeof(shared[0]) <= ATTACH_LONG_OPTS_MAX,
	       "ATTACH_LONG_OPTS_MAX too small");

size_t attach_long_opts(struct option *opts)
{
	size_t n = sizeof(shared) / sizeof(shared[0]);

	memcpy(opts, shared, sizeof(shared));
	memset(&opts[n], 0, sizeof(opts[n]));
	return n;
}

static int pick(const char *what, const char *arg, const char *const *names,
		int n)
{
	for (int i = 0; i < n; i++)
		if (!strcmp(arg, names[i]))
			return i;
	pr_err("%s: '%s' is not one of %s, %s%s%s", what, arg, names[0],
	       names[1], n > 2 ? ", " : "", n > 2 ? names[2] : "");
	return -EINVAL;
}

int attach_add_prefix_flags(struct attach_opts *o, const char *arg,
			    uint8_t action, unsigned int flags)
{
	struct prefix p = { .action = action };
	char err[256] = "";
	int ret;

	/* ::/0 is checked once every option is known (--force). */
	ret = prefix_parse(
		arg, PREFIX_ALLOW_DEFAULT | (flags & ~ATTACH_PREFIX_NOTED), &p,
		err, sizeof(err));
	if (ret) {
		pr_err("%s", err);
		return ret;
	}
	if (err[0] && !(flags & ATTACH_PREFIX_NOTED)) /* PREFIX_MASK_HOST's */
		pr_warn("%s, as the Go ndpresponder does", err);
	return prefix_set_add(&o->prefixes, &p);
}

int attach_add_prefix(struct attach_opts *o, const char *arg, uint8_t action)
{
	return attach_add_prefix_flags(o, arg, action, 0);
}

/* --no-guard own|gateway|conflict (repeatable); none turns all back on. */
static int no_guard_opt(const char *arg, struct attach_opts *o)
{
	static const char *const names[] = { "own", "gateway", "conflict" };
	static const uint8_t bits[] = { NDPR_CFG_GUARD_OWN,
					NDPR_CFG_GUARD_GATEWAY,
					NDPR_CFG_GUARD_CONFLICT };
	int i;

	o->guard_set = true;
	if (!strcmp(arg, "none")) {
		o->no_guard = 0;
		return 1;
	}
	i = pick("--no-guard", arg, names, 3);
	if (i < 0)
		return i;
	o->no_guard |= bits[i];
	return 1;
}

/* One case per option, as getopt hands them over: a table in code,
 * long because the options are many, not because it does much. */
int attach_opt(int c, const char *arg, struct attach_opts *o)
{
	static const char *const modes[] = { "auto", "native", "generic" };
	static const char *const overrides[] = { "multicast", "always",
						 "never" };
	unsigned long n;
	int i;

	switch (c) {
	case 'x':
		return attach_add_prefix(o, arg, NDPR_ACT_EXCLUDE) ?: 1;
	case 'm':
		i = pick("--mode", arg, modes, 3);
		if (i < 0)
			return i;
		/* enum attach_mode: auto 0, native 1, generic 2 */
		o->mode = (enum attach_mode)i;
		o->mode_set = true;
		return 1;
	case OPT_MAC:
		if (mac_parse(arg, o->mac)) {
			pr_err("--mac: '%s' is not a unicast MAC address "
			       "(aa:bb:cc:dd:ee:ff)",
			       arg);
			return -EINVAL;
		}
		o->mac_set = true;
		return 1;
	case OPT_NO_ROUTER:
		o->no_router = true;
		return 1;
	case OPT_OVERRIDE:
		/* enum ndpr_override: multicast 0, always 1, never 2 */
		i = pick("--override", arg, overrides, 3);
		if (i < 0)
			return i;
		o->override = (enum ndpr_override)i;
		o->override_set = true;
		return 1;
	case OPT_NO_DAD:
		o->no_dad = true;
		return 1;
	case OPT_ROUTER:
		o->router = true;
		return 1;
	case OPT_DAD:
		o->dad = true;
		return 1;
	case OPT_UNICAST:
		o->unicast = true;
		return 1;
	case OPT_NO_UNICAST:
		o->no_unicast = true;
		return 1;
	case OPT_MAX:
		if (parse_uint(arg, 1, 1u << 24, &n)) {
			pr_err("--max-prefixes must be a number from 1 to %u",
			       1u << 24);
			return -EINVAL;
		}
		o->max_prefixes = (uint32_t)n;
		return 1;
	case OPT_LOG_RATE:
		if (parse_uint(arg, 0, 1000000, &n)) {
			pr_err("--log-rate must be a number from 0 to 1000000");
			return -EINVAL;
		}
		o->event_rate = (uint32_t)n;
		o->event_rate_set = true;
		return 1;
	case OPT_FORCE:
		o->force = true;
		return 1;
	case OPT_ROUTE_CHECK:
		if (route_check_parse(arg, &o->route_flags) ||
		    !o->route_flags) {
			pr_err("--route-check takes no value or =neigh, not "
			       "'%s'",
			       arg);
			return -EINVAL;
		}
		return 1;
	case OPT_NO_GUARD:
		return no_guard_opt(arg, o);
	default:
		return 0;
	}
}

/* An answered prefix given inside an excluded one would never be
 * answered: the exclude wins, so the command line is contradictory. */
static int check_hidden(struct attach_opts *o)
{
	char buf[PREFIX_STRLEN], xb[PREFIX_STRLEN];
	struct prefix first, by;

	if (!sync_hide(&o->prefixes, &first, &by))
		return 0;
	prefix_format(&first, buf, sizeof(buf));
	prefix_format(&by, xb, sizeof(xb));
	pr_err("%s is inside the exclude %s and would never be answered", buf,
	       xb);
	return -EINVAL;
}

int attach_opts_finish(struct attach_opts *o)
{
	char buf[PREFIX_STRLEN], err[256];
	struct prefix p;

	if (o->ifname && !iface_arg(o->ifname))
		return -EINVAL;

	for (size_t i = 0; i < o->prefixes.n; i++)
		if (o->prefixes.v[i].action == NDPR_ACT_ANSWER)
			o->prefixes.v[i].flags |= o->route_flags;
	/* Parsed leniently before --force was known: now the strict way. */
	for (size_t i = 0; i < o->prefixes.n && !o->force; i++) {
		prefix_format(&o->prefixes.v[i], buf, sizeof(buf));
		if (prefix_parse(buf, 0, &p, err, sizeof(err))) {
			pr_err("%s", err);
			return -EINVAL;
		}
	}
	return check_hidden(o);
}
