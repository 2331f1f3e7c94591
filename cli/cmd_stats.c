// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* stats and status */
#include <dirent.h>
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <json-c/json.h>

#include "cli.h"
#include "iface.h"
#include "log.h"
#include "maps.h"
#include "pins.h"
#include "responder.h"

static const char stats_usage[] =
	"Usage: ndpresponder stats IFACE [--per-cpu] [--json] [--watch SECS]\n"
	"\n"
	"Prints the outcome counters of the responder on IFACE, summed over\n"
	"CPUs. Every packet the program sees lands in exactly one of them,\n"
	"so 'received' is their sum.\n"
	"\n"
	"  -c, --per-cpu     one column per CPU as well\n"
	"  -j, --json        one JSON object (per interval with --watch)\n"
	"  -w, --watch SECS  print rates per second every SECS seconds\n"
	"  -h, --help        this text\n";

static __u64 total(const struct ndpr_counters *c)
{
	__u64 sum = 0;

	for (int i = 0; i < NDPR_C_MAX; i++)
		sum += ndpr_counter_val(c, i);
	return sum;
}

static void print_json(const struct ndpr_counters *c,
		       const struct ndpr_counters *pcpu, int ncpus,
		       double rate_secs)
{
	json_object *o = json_object_new_object(), *arr;

	json_object_object_add(o, "received", json_object_new_uint64(total(c)));
	json_object_object_add(o, "events-suppressed",
			       rate_secs ? json_object_new_double(
						   c->events_suppressed /
						   rate_secs) :
					   json_object_new_uint64(
						   c->events_suppressed));
	for (int i = 0; i < NDPR_C_MAX; i++)
		json_object_object_add(o, counter_name(i),
				       rate_secs ?
					       json_object_new_double(
						       ndpr_counter_val(c, i) /
						       rate_secs) :
					       json_object_new_uint64(
						       ndpr_counter_val(c, i)));
	if (pcpu) {
		json_object *cpus = json_object_new_array();

		for (int cpu = 0; cpu < ncpus; cpu++) {
			arr = json_object_new_object();
			for (int i = 0; i < NDPR_C_MAX; i++)
				json_object_object_add(
					arr, counter_name(i),
					json_object_new_uint64(ndpr_counter_val(
						&pcpu[cpu], i)));
			json_object_array_add(cpus, arr);
		}
		json_object_object_add(o, "per_cpu", cpus);
	}
	printf("%s\n", json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
	json_object_put(o);
	fflush(stdout);
}

static void print_text(const struct ndpr_counters *c,
		       const struct ndpr_counters *pcpu, int ncpus,
		       double rate_secs)
{
	if (pcpu) {
		printf("%-26s %14s", "", "total");
		for (int cpu = 0; cpu < ncpus; cpu++)
			printf(" %12s%d", "cpu", cpu);
		printf("\n");
	}
	for (int i = -1; i < NDPR_C_MAX; i++) {
		__u64 val = i < 0 ? total(c) : ndpr_counter_val(c, i);

		if (rate_secs)
			printf("%-26s %14.1f/s", i < 0 ? "received" :
							  counter_name(i),
			       val / rate_secs);
		else
			printf("%-26s %14llu", i < 0 ? "received" :
						       counter_name(i),
			       (unsigned long long)val);
		for (int cpu = 0; pcpu && i >= 0 && cpu < ncpus; cpu++)
			printf(" %15llu", (unsigned long long)
					  ndpr_counter_val(&pcpu[cpu], i));
		printf("\n");
	}
	/* Not an outcome: what the event rate limit kept from the log. */
	if (rate_secs)
		printf("%-26s %14.1f/s\n", "events-suppressed",
		       c->events_suppressed / rate_secs);
	else
		printf("%-26s %14llu\n", "events-suppressed",
		       (unsigned long long)c->events_suppressed);
	fflush(stdout);
}

static void counters_sub(struct ndpr_counters *d,
			 const struct ndpr_counters *a,
			 const struct ndpr_counters *b)
{
	for (int i = 0; i <= NDPR_C_MAX; i++) /* + events_suppressed */
		*ndpr_counter(d, i) =
			ndpr_counter_val(a, i) - ndpr_counter_val(b, i);
}

int cmd_stats(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "per-cpu", no_argument, NULL, 'c' },
		{ "json", no_argument, NULL, 'j' },
		{ "watch", required_argument, NULL, 'w' },
		{ "help", no_argument, NULL, 'h' },
		{},
	};
	struct ndpr_maps m = NDPR_MAPS_INIT;
	struct ndpr_counters sum, prev, delta, *pcpu = NULL;
	bool json = false, per_cpu = false;
	unsigned long watch = 0;
	const char *ifname;
	struct pin_dir pd;
	int c, ncpus, ret;

	while ((c = verb_getopt(argc, argv, "cjw:h", opts, stats_usage)) !=
	       -1) {
		switch (c) {
		case 'h':
			return 0;
		case 'c':
			per_cpu = true;
			break;
		case 'j':
			json = true;
			break;
		case 'w':
			if (parse_uint(optarg, 1, 3600, &watch)) {
				pr_err("stats: --watch takes seconds, 1 to "
				       "3600");
				return -EINVAL;
			}
			break;
		default:
			return -EINVAL;
		}
	}
	ifname = verb_iface(argc, argv);
	if (!ifname)
		return -EINVAL;
	ret = maps_open_iface(ifname, &pd, &m);
	if (ret)
		return ret;
	ncpus = libbpf_num_possible_cpus();
	if (per_cpu && ncpus > 0)
		pcpu = calloc((size_t)ncpus, sizeof(*pcpu));
	ret = counters_read(m.counters, &sum, pcpu, &ncpus);
	if (ret) {
		pr_err("%s: couldn't read the counters: %s", ifname,
		       errstr(ret));
		goto out;
	}
	if (!watch) {
		if (json)
			print_json(&sum, pcpu, ncpus, 0);
		else
			print_text(&sum, pcpu, ncpus, 0);
		goto out;
	}
	for (;;) {
		prev = sum;
		sleep((unsigned int)watch);
		ret = counters_read(m.counters, &sum, NULL, NULL);
		if (ret) {
			pr_err("%s: couldn't read the counters: %s",
			       ifname, errstr(ret));
			goto out;
		}
		counters_sub(&delta, &sum, &prev);
		if (json) {
			print_json(&delta, NULL, 0, (double)watch);
		} else {
			printf("--- %s, per second over %lus\n", ifname,
			       watch);
			print_text(&delta, NULL, 0, (double)watch);
		}
	}
out:
	free(pcpu);
	maps_close(&m);
	return ret;
}

static const char status_usage[] =
	"Usage: ndpresponder status [--json]\n"
	"\n"
	"Lists every interface with a responder: mode, program id, prefix\n"
	"count and options.\n"
	"\n"
	"  -j, --json  as JSON\n"
	"  -h, --help  this text\n";

struct iface_status {
	char ifname[NAME_MAX + 1];
	bool broken; /* pins missing: an attach or detach was cut short */
	bool sync_partial;
	bool link_ok;
	__u32 prog_id;
	struct ndpr_state st;
	size_t prefixes;
};

static int read_status(const char *ifname, struct iface_status *s)
{
	struct ndpr_maps m = NDPR_MAPS_INIT;
	struct prefix_set set = {};
	char path[PATH_MAX];
	struct pin_dir pd;
	int ret, fd;

	memset(s, 0, sizeof(*s));
	snprintf(s->ifname, sizeof(s->ifname), "%s", ifname);
	ret = pin_dir_init(&pd, ifname, false);
	if (ret)
		return ret;
	if (maps_open_quiet(&pd, &m)) {
		s->broken = true;
		return 0;
	}
	maps_state_read(&m, &s->st);
	s->sync_partial = maps_sync_partial(&m);
	if (!maps_prefix_dump(&m, &set))
		s->prefixes = set.n;
	prefix_set_free(&set);
	if (!pin_path(&pd, PIN_LINK, path, sizeof(path))) {
		fd = bpf_obj_get(path);
		/* Attached while the link holds an interface. */
		if (fd >= 0)
			s->link_ok = responder_link_ifindex(fd, &s->prog_id) > 0;
		/* What answers, not what the record says. */
		if (s->link_ok)
			responder_live(fd, &s->st.config, &s->st.mode);
		if (fd >= 0)
			close(fd);
	}
	maps_close(&m);
	return 0;
}

int cmd_status(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{},
	};
	json_object *arr = NULL, *o;
	struct iface_status s;
	char now[IF_NAMESIZE];
	struct dirent *de;
	char mac[18];
	bool json = false;
	int c, count = 0;
	DIR *d;

	while ((c = verb_getopt(argc, argv, "jh", opts, status_usage)) != -1) {
		if (c == 'h')
			return 0;
		if (c != 'j')
			return -EINVAL;
		json = true;
	}
	if (optind != argc) {
		pr_err("status: takes no arguments");
		return -EINVAL;
	}
	d = opendir(pin_root());
	if (!d && errno != ENOENT) {
		int err = -errno;

		pr_err("couldn't read %s: %s", pin_root(), errstr(err));
		return err;
	}
	if (json)
		arr = json_object_new_array();
	while (d && (de = readdir(d))) {
		if (de->d_name[0] == '.' || de->d_type != DT_DIR)
			continue;
		if (read_status(de->d_name, &s))
			continue;
		count++;
		mac_format(s.st.config.mac, mac, sizeof(mac));
		if (!json && s.broken) {
			printf("%s: INCOMPLETE: pins are missing (an attach or "
			       "detach was cut short); 'ndpresponder attach %s' "
			       "repairs, 'ndpresponder detach %s' removes\n",
			       s.ifname, s.ifname, s.ifname);
			continue;
		}
		if (!json && s.link_ok && s.st.ifindex &&
		    if_indextoname(s.st.ifindex, now) && strcmp(now, s.ifname))
			printf("%s: note: the interface is now named %s; "
			       "'ndpresponder detach %s' and attach it again "
			       "under its new name\n",
			       s.ifname, now, s.ifname);
		if (!json && s.sync_partial)
			printf("%s: warning: a prefix sync was cut short; run "
			       "it again\n",
			       s.ifname);
		if (!json) {
			printf("%s: %s, %s mode, program id %u, %zu prefixes, "
			       "mac %s, router %s, override %s, dad %s, "
			       "unicast %s\n",
			       s.ifname,
			       s.link_ok ? "attached" :
					   "NOT ATTACHED (attach repairs, once the "
					   "interface exists)",
			       mode_name(s.st.mode), s.prog_id, s.prefixes, mac,
			       s.st.config.flags & NDPR_CFG_ROUTER ? "on" : "off",
			       override_name(s.st.config.override),
			       s.st.config.flags & NDPR_CFG_DAD ? "on" : "off",
			       s.st.config.flags & NDPR_CFG_UNICAST ? "on" :
								       "off");
			continue;
		}
		o = json_object_new_object();
		json_object_object_add(o, "interface",
				       json_object_new_string(s.ifname));
		json_object_object_add(o, "complete",
				       json_object_new_boolean(!s.broken));
		json_object_object_add(o, "sync_partial",
				       json_object_new_boolean(s.sync_partial));
		json_object_object_add(o, "attached",
				       json_object_new_boolean(s.link_ok));
		json_object_object_add(o, "mode", json_object_new_string(
							  mode_name(s.st.mode)));
		json_object_object_add(o, "program_id",
				       json_object_new_int64(s.prog_id));
		json_object_object_add(o, "prefixes",
				       json_object_new_int64((int64_t)s.prefixes));
		json_object_object_add(o, "mac", json_object_new_string(mac));
		json_object_object_add(
			o, "router",
			json_object_new_boolean(s.st.config.flags &
						NDPR_CFG_ROUTER));
		json_object_object_add(o, "override",
				       json_object_new_string(override_name(
					       s.st.config.override)));
		json_object_object_add(
			o, "dad",
			json_object_new_boolean(s.st.config.flags &
						NDPR_CFG_DAD));
		json_object_object_add(
			o, "unicast",
			json_object_new_boolean(s.st.config.flags &
						NDPR_CFG_UNICAST));
		json_object_object_add(o, "attached_at",
				       json_object_new_int64(
					       (int64_t)s.st.attached_at));
		json_object_array_add(arr, o);
	}
	if (d)
		closedir(d);
	if (json)
		printf("%s\n", json_object_to_json_string_ext(
				       arr, JSON_C_TO_STRING_PLAIN));
	else if (!count)
		printf("no responder attached\n");
	json_object_put(arr);
	return 0;
}
