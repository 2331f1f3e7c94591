// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* monitor: the responder's answers and refusals as they happen. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <bpf/libbpf.h>

#include "cli.h"
#include "events.h"
#include "log.h"
#include "maps.h"
#include "pins.h"
#include "print.h"
#include "responder.h"

static const char monitor_usage[] =
	"Usage: ndpresponder monitor IFACE [--all] [--json]\n"
	"\n"
	"Prints every answer (and every invalid solicitation) of the\n"
	"responder on IFACE as it happens, like tcpdump for answers, until\n"
	"interrupted. Reads its own event ring: the service's log is not\n"
	"disturbed. Events are rate limited in the kernel (attach\n"
	"--log-rate); what the limit drops is reported. It says what it\n"
	"listens on, and exits 1 with a line when the responder goes away\n"
	"(detached, or the interface vanished).\n"
	"\n"
	"  -a, --all   valid solicitations not answered too, each with its\n"
	"              reason (passed-no-match, passed-excluded,\n"
	"              passed-own-address, passed-gateway, passed-conflict,\n"
	"              passed-dad-off, passed-unicast-off, passed-route-*),\n"
	"              at the same rate besides the answers; only while it\n"
	"              runs do they cost the program anything\n"
	"  -j, --json  one JSON object a line\n"
	"  -h, --help  this text\n";

static volatile sig_atomic_t stop;

static void on_stop(int sig)
{
	(void)sig;
	stop = 1;
}

/* SIGINT and SIGTERM end the loop, so that the close ends what monitor
 * asked of the program at once (what a SIGKILL leaves expires). */
static void catch_stop(void)
{
	struct sigaction sa = { .sa_handler = on_stop };

	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

struct monitor_out {
	struct print_ctx p;
	const char *ifname;
};

/* One event a line: the service log's fields, through one call each. */
static void print_event(void *arg, const struct ndpr_event *ev)
{
	struct monitor_out *o = arg;
	struct print_ctx *p = &o->p;
	static const char *const levels[] = {
		[SLOG_INFO] = "info", [SLOG_DEBUG] = "debug"
	};
	struct event_text t;
	struct timespec ts;
	char when[40], fmt[32];
	struct tm tm;

	event_text(&t, o->ifname, ev);
	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%S", &tm);
	open_json_object(p, NULL);
	print_text(p, "%s.%03ldZ ", when, ts.tv_nsec / 1000000);
	print_string(p, PRINT_ANY, "level", "%-5s ", levels[t.level]);
	print_double(p, PRINT_JSON, "ts", NULL,
		     (double)ts.tv_sec + ts.tv_nsec / 1e9);
	print_string(p, PRINT_ANY, "msg", "%s", t.msg);
	for (int i = 0; i < EVENT_NFIELDS; i++) {
		if (!t.vals[i])
			continue;
		snprintf(fmt, sizeof(fmt), " %s=%%s", event_keys[i]);
		print_string(p, PRINT_ANY, event_keys[i], fmt, t.vals[i]);
	}
	print_nl(p);
	close_json_object(p);
}

/* Whether the pinned link still holds an interface. */
static bool still_there(const struct pin_dir *pd)
{
	int fd = pin_open_link(pd);
	bool ok;

	if (fd < 0)
		return false;
	ok = responder_link_ifindex(fd, NULL) > 0;
	close(fd);
	return ok;
}

int cmd_monitor(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "all", no_argument, NULL, 'a' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{},
	};
	struct slog log = { .level = SLOG_DEBUG, .out = stdout };
	struct ndpr_maps m = NDPR_MAPS_INIT;
	struct monitor_out out;
	struct event_reader r;
	struct timespec last, now;
	struct pin_dir pd;
	bool all = false;
	int c, ret;

	while ((c = verb_getopt(argc, argv, "ajh", opts, monitor_usage)) !=
	       -1) {
		if (c == 'h')
			return 0;
		if (c == 'a')
			all = true;
		else if (c == 'j')
			log.json = true;
		else
			return -EINVAL;
	}
	log.json = log.json || print_global_json();
	out.ifname = verb_iface(argc, argv);
	if (!out.ifname)
		return -EINVAL;
	ret = maps_open_iface(out.ifname, &pd, &m);
	if (ret)
		return ret;
	maps_close(&m);
	ret = event_reader_open(&r, &pd, out.ifname, NDPR_PIN(monitor), &log);
	if (!ret && all)
		event_reader_want_passed(&r);
	if (ret)
		goto out;
	print_init(&out.p, log.json, stdout);
	r.sink = print_event;
	r.sink_arg = &out;
	slog(&log, SLOG_INFO,
	     "listening on the event ring of the responder on %s: answers%s "
	     "and invalid solicitations, at most %u a second%s; Ctrl-C ends",
	     out.ifname, all ? ", passed" : "",
	     (unsigned int)(r.per_cpu * (__u64)libbpf_num_possible_cpus()),
	     all ? " each" : "");
	catch_stop();
	clock_gettime(CLOCK_MONOTONIC, &last);
	while (!stop) {
		ret = ring_buffer__poll(r.rb, 1000);
		if (ret < 0 && ret != -EINTR) {
			pr_err("monitor: %s", errstr(ret));
			break;
		}
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (now.tv_sec == last.tv_sec)
			continue;
		event_reader_tick(&r);
		last = now;
		/* Once a second: a monitor of nothing must not wait on. */
		if (!still_there(&pd)) {
			slog(&log, SLOG_ERROR,
			     "the responder on %s is gone (detached, or the "
			     "interface vanished)",
			     out.ifname);
			ret = -ENOLINK;
			break;
		}
	}
	if (stop)
		ret = 0;
out:
	event_reader_close(&r);
	return ret;
}
