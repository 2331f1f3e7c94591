// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* monitor: the responder's answers and refusals as they happen. */
#include <errno.h>
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
	"Usage: ndpresponder monitor IFACE [--json]\n"
	"\n"
	"Prints every answer (and every invalid solicitation) of the\n"
	"responder on IFACE as it happens, like tcpdump for answers, until\n"
	"interrupted. Reads its own event ring: the service's log is not\n"
	"disturbed. Events are rate limited in the kernel (attach\n"
	"--log-rate); what the limit drops is reported. It says what it\n"
	"listens on, and exits 1 with a line when the responder goes away\n"
	"(detached, or the interface vanished).\n"
	"\n"
	"  -j, --json  one JSON object a line\n"
	"  -h, --help  this text\n";

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
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{},
	};
	struct slog log = { .level = SLOG_DEBUG, .out = stdout };
	struct ndpr_maps m = NDPR_MAPS_INIT;
	struct event_reader r;
	struct timespec last, now;
	const char *ifname;
	struct pin_dir pd;
	int c, ret;

	while ((c = verb_getopt(argc, argv, "jh", opts, monitor_usage)) != -1) {
		if (c == 'h')
			return 0;
		if (c != 'j')
			return -EINVAL;
		log.json = true;
	}
	log.json = log.json || print_global_json();
	ifname = verb_iface(argc, argv);
	if (!ifname)
		return -EINVAL;
	ret = maps_open_iface(ifname, &pd, &m);
	if (ret)
		return ret;
	maps_close(&m);
	ret = event_reader_open(&r, &pd, ifname, NDPR_PIN(monitor), &log);
	if (ret)
		return ret;
	slog(&log, SLOG_INFO,
	     "listening on the event ring of the responder on %s: answers and "
	     "invalid solicitations, at most %u a second; Ctrl-C ends",
	     ifname,
	     (unsigned int)(r.per_cpu * (__u64)libbpf_num_possible_cpus()));
	clock_gettime(CLOCK_MONOTONIC, &last);
	for (;;) {
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
			     ifname);
			ret = -ENOLINK;
			break;
		}
	}
	event_reader_close(&r);
	return ret;
}
