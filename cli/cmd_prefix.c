// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* prefix add|del|list|sync: the answered set of a live responder. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <json-c/json.h>

#include "cli.h"
#include "log.h"
#include "maps.h"
#include "pins.h"

static const char prefix_usage[] =
	"Usage: ndpresponder prefix add IFACE PREFIX [--exclude] [--force]\n"
	"                                  [--route-check[=neigh]]\n"
	"       ndpresponder prefix del IFACE PREFIX\n"
	"       ndpresponder prefix list IFACE [--json]\n"
	"       ndpresponder prefix sync IFACE FILE [--force]\n"
	"\n"
	"Changes the prefixes of a live responder; no re-attach needed.\n"
	"PREFIX is ADDR/LEN or ADDR (a /128). The longest match wins, so an\n"
	"--exclude entry carves a hole into a shorter answered prefix.\n"
	"sync makes the static entries equal to FILE (one entry a line:\n"
	"'PREFIX', 'PREFIX route-check[=neigh]' or 'exclude PREFIX', '#'\n"
	"comments): it adds and changes first, removes last, and never\n"
	"drops an entry kept by FILE.\n"
	"\n"
	"  -x, --exclude             the entry excludes instead of answering\n"
	"  -r, --route-check[=neigh] answer only targets the host routes out\n"
	"                            of another interface (=neigh: with a\n"
	"                            neighbour entry there)\n"
	"      --force               allow ::/0\n"
	"  -j, --json                list as JSON\n"
	"  -h, --help                this text\n";

static int prefix_list(const struct ndpr_maps *m, bool json)
{
	struct prefix_set s = {};
	char buf[PREFIX_STRLEN], ob[sizeof(struct ndpr_origin)];
	json_object *arr = NULL, *o;
	int ret;

	ret = maps_prefix_dump(m, &s);
	if (ret)
		goto out;
	if (json)
		arr = json_object_new_array();
	for (size_t i = 0; i < s.n; i++) {
		const struct prefix *p = &s.v[i];

		prefix_format(p, buf, sizeof(buf));
		maps_origin_name(m, p->origin, ob, sizeof(ob));
		if (!json) {
			printf("%-44s %-8s %-6s %s\n", buf,
			       action_name(p->action),
			       p->action == NDPR_ACT_ANSWER ?
				       route_check_name(p->flags) :
				       "-",
			       ob);
			continue;
		}
		o = json_object_new_object();
		json_object_object_add(o, "prefix", json_object_new_string(buf));
		json_object_object_add(o, "action",
				       json_object_new_string(
					       action_name(p->action)));
		json_object_object_add(o, "route_check",
				       json_object_new_string(
					       route_check_name(p->flags)));
		json_object_object_add(
			o, "origin",
			json_object_new_string(ob));
		json_object_array_add(arr, o);
	}
	if (json)
		printf("%s\n", json_object_to_json_string_ext(
				       arr, JSON_C_TO_STRING_PLAIN));
out:
	json_object_put(arr);
	prefix_set_free(&s);
	return ret;
}

int cmd_prefix(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "exclude", no_argument, NULL, 'x' },
		{ "json", no_argument, NULL, 'j' },
		{ "force", no_argument, NULL, 'f' },
		{ "route-check", optional_argument, NULL, 'r' },
		{ "help", no_argument, NULL, 'h' },
		{},
	};
	struct ndpr_maps m = NDPR_MAPS_INIT;
	bool exclude = false, json = false, locked = false;
	uint8_t route_flags = 0;
	struct prefix p = { .action = NDPR_ACT_ANSWER };
	struct prefix_set want = {};
	struct sync_result res;
	const char *sub, *ifname, *arg = NULL;
	unsigned int pflags = 0;
	char err[256], buf[PREFIX_STRLEN];
	struct pin_dir pd;
	int c, ret = -EINVAL, nargs;

	while ((c = verb_getopt(argc, argv, "xjr::h", opts, prefix_usage)) !=
	       -1) {
		switch (c) {
		case 'h':
			return 0;
		case 'x':
			exclude = true;
			break;
		case 'j':
			json = true;
			break;
		case 'f':
			pflags |= PREFIX_ALLOW_DEFAULT;
			break;
		case 'r':
			if (route_check_parse(optarg, &route_flags) ||
			    !route_flags) {
				pr_err("prefix: --route-check takes no value "
				       "or =neigh");
				return -EINVAL;
			}
			break;
		default:
			return -EINVAL;
		}
	}
	nargs = argc - optind;
	if (nargs < 2) {
		pr_err("prefix: expected add|del|list|sync IFACE ... (see "
		       "ndpresponder prefix --help)");
		return -EINVAL;
	}
	sub = argv[optind];
	ifname = argv[optind + 1];
	if (!strcmp(sub, "list")) {
		if (nargs != 2)
			goto usage;
	} else if (!strcmp(sub, "add") || !strcmp(sub, "del") ||
		   !strcmp(sub, "sync")) {
		if (nargs != 3)
			goto usage;
		arg = argv[optind + 2];
	} else {
		pr_err("prefix: unknown action '%s' (add, del, list or sync)",
		       sub);
		return -EINVAL;
	}
	if (exclude && route_flags) {
		pr_err("prefix: an excluded entry is never answered: "
		       "--route-check does not apply");
		return -EINVAL;
	}
	if ((exclude || route_flags) && strcmp(sub, "add")) {
		pr_err("prefix: --exclude and --route-check go with 'add' (in "
		       "a sync file, write them on the entry's line)");
		return -EINVAL;
	}

	/* Check all input before touching anything. */
	if (!strcmp(sub, "add") || !strcmp(sub, "del")) {
		ret = prefix_parse(arg, pflags | PREFIX_ALLOW_DEFAULT, &p, err,
				   sizeof(err));
		if (!ret && !strcmp(sub, "add"))
			ret = prefix_parse(arg, pflags, &p, err, sizeof(err));
		if (ret) {
			pr_err("%s", err);
			return ret;
		}
		if (exclude)
			p.action = NDPR_ACT_EXCLUDE;
		else
			p.flags = route_flags;
	} else if (!strcmp(sub, "sync")) {
		ret = prefix_file_read(arg, pflags, &want);
		if (ret)
			goto out;
	}

	ret = pin_dir_init(&pd, ifname, false);
	if (ret)
		goto out;
	if (strcmp(sub, "list")) {
		ret = pin_lock(&pd);
		if (ret)
			goto out;
		locked = true;
	}
	ret = maps_open(&pd, ifname, &m);
	if (ret)
		goto out;

	if (strcmp(sub, "sync") && maps_sync_partial(&m))
		pr_err("%s: warning: an earlier prefix sync was cut short; the "
		       "prefixes mix its old and new sets until it runs again",
		       ifname);
	prefix_format(&p, buf, sizeof(buf));
	if (!strcmp(sub, "list")) {
		ret = prefix_list(&m, json);
	} else if (!strcmp(sub, "add")) {
		ret = maps_prefix_update(&m, ifname, &p);
	} else if (!strcmp(sub, "del")) {
		ret = maps_prefix_delete(&m, &p);
		if (ret == -ENOENT)
			pr_err("%s: %s is not in the prefix map", ifname, buf);
		else if (ret)
			pr_err("%s: couldn't delete %s: %s", ifname, buf,
			       errstr(ret));
	} else {
		ret = maps_prefix_sync(&m, ifname, &want, 0, &res, NULL);
		if (!ret)
			pr_info("%s: %zu added, %zu changed, %zu removed, %zu "
				"kept",
				ifname, res.added, res.changed, res.removed,
				res.kept);
	}
out:
	maps_close(&m);
	if (locked)
		pin_unlock(&pd);
	prefix_set_free(&want);
	return ret;
usage:
	pr_err("prefix: wrong number of arguments (see ndpresponder prefix "
	       "--help)");
	return -EINVAL;
}
