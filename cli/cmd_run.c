// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * run: the foreground service. It attaches (or adopts the responder that
 * is already attached, without a gap), makes the static prefixes equal to
 * its configuration, logs every event, and on SIGTERM/SIGINT detaches
 * unless --keep. Killed outright, it leaves the responder answering for
 * the next run to adopt.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <poll.h>
#include <sys/file.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/timerfd.h>
#include <unistd.h>
#include <bpf/bpf.h>

#include "attach_args.h"
#include "announce.h"
#include "caps.h"
#include "docker.h"
#include "cli.h"
#include "events.h"
#include "gateway.h"
#include "iface.h"
#include "log.h"
#include "maps.h"
#include "pins.h"
#include "responder.h"
#include "slog.h"

static const char run_usage[] =
	"Usage: ndpresponder run -i IFACE [-n PREFIX]... [-c FILE] [OPTIONS]\n"
	"       ndpresponder -i IFACE -n PREFIX...  (the Go ndpresponder's "
	"form)\n"
	"\n"
	"Runs in the foreground: attaches the responder to IFACE (adopting\n"
	"one already attached, with no gap), keeps its static prefixes\n"
	"equal to -n/-x and FILE, logs every answer, and detaches on\n"
	"SIGTERM or SIGINT. SIGHUP re-reads FILE. NDPRESPONDER_LOG sets the\n"
	"level: DEBUG, INFO (default), WARN, ERROR, FATAL.\n"
	"\n"
	"  -i, --ifname IFACE      the uplink (required)\n"
	"  -n, --subnet PREFIX     answer inside PREFIX (repeatable)\n"
	"  -c, --config FILE       prefixes, one a line: PREFIX, 'PREFIX\n"
	"                          route-check[=neigh]' or 'exclude PREFIX';\n"
	"                          '#' comments\n"
	"  -N, --docker-network N  answer for the containers of Docker network\n"
	"                          N (repeatable), followed as they come and\n"
	"                          go; DOCKER_HOST=unix://PATH names the socket\n"
	"      --keep              leave the responder attached on exit\n"
	"      --log-format FMT    text (default) or json\n"
	"      --pin-gateway       pin the default gateway's neighbour entry\n"
	"                          NOARP once reachable (default in the Go\n"
	"                          form)\n"
	"      --no-pin-gateway    don't\n" ATTACH_OPTS_HELP
	"  -h, --help              this text\n";

struct service {
	struct attach_opts o;
	struct prefix_set cli_prefixes; /* -n and -x, kept for reloads */
	const char *config;
	bool keep, pin_gateway;
	struct slog log;
	struct pin_dir pd;
	int ifindex;
	int run_lock_fd;
	struct event_reader ev;
	struct gw_pin gw;
	int sfd, tfd;
	const char *docker_nets[DOCKER_MAX_NETWORKS];
	int ndocker;
	struct docker docker;
	struct ndpr_maps maps; /* for the Docker side's updates */
	struct announcer ann;
};

enum {
	OPT_KEEP = 2000,
	OPT_LOG_FORMAT,
	OPT_PIN_GW,
	OPT_NO_PIN_GW,
};

/* The wanted static set: the command line's entries plus the file's. */
static int wanted_set(const struct service *s, struct prefix_set *want)
{
	int ret = 0;

	for (size_t i = 0; i < s->cli_prefixes.n && !ret; i++)
		ret = prefix_set_add(want, &s->cli_prefixes.v[i]);
	if (!ret && s->config)
		ret = prefix_file_read(s->config,
				       s->o.force ? PREFIX_ALLOW_DEFAULT : 0,
				       want);
	return ret;
}

static int sync_static(struct service *s, const char *why)
{
	struct ndpr_maps m = NDPR_MAPS_INIT;
	struct prefix_set want = {};
	struct sync_result res;
	int ret;

	ret = wanted_set(s, &want);
	if (ret) {
		slog(&s->log, SLOG_ERROR,
		     "%s: configuration not applied, keeping the prefixes as "
		     "they are",
		     why);
		goto out;
	}
	ret = pin_lock(&s->pd);
	if (ret)
		goto out;
	ret = maps_open(&s->pd, s->o.ifname, &m);
	if (!ret)
		ret = maps_prefix_sync(&m, s->o.ifname, &want, 0, &res, NULL);
	pin_unlock(&s->pd);
	if (!ret)
		slog(&s->log, SLOG_INFO,
		     "%s: prefixes %zu added, %zu changed, %zu removed, %zu "
		     "kept",
		     why, res.added, res.changed, res.removed, res.kept);
out:
	maps_close(&m);
	prefix_set_free(&want);
	return ret;
}

/* One service per interface: a second run would fight the first. */
static int take_run_lock(struct service *s)
{
	if (mkdir(s->pd.dir, 0700) && errno != EEXIST) {
		int err = -errno;

		pr_err("couldn't create %s: %s", s->pd.dir, errstr(err));
		return err;
	}
	s->run_lock_fd = open(s->pd.dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (s->run_lock_fd < 0)
		return -errno;
	if (flock(s->run_lock_fd, LOCK_EX | LOCK_NB)) {
		pr_err("%s: another 'ndpresponder run' serves this interface",
		       s->o.ifname);
		return -EBUSY;
	}
	return 0;
}

/* The responder is gone if someone detached it or the interface left. */
static bool still_attached(const struct service *s)
{
	char path[PATH_MAX];
	bool ok;
	int fd;

	if (pin_path(&s->pd, PIN_LINK, path, sizeof(path)))
		return false;
	fd = bpf_obj_get(path);
	if (fd < 0)
		return false;
	ok = responder_link_ifindex(fd, NULL) == s->ifindex;
	close(fd);
	return ok;
}

static int setup_fds(struct service *s)
{
	struct itimerspec tick = { { 1, 0 }, { 1, 0 } };
	sigset_t mask;

	sigemptyset(&mask);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGHUP);
	if (sigprocmask(SIG_BLOCK, &mask, NULL))
		return -errno;
	s->sfd = signalfd(-1, &mask, SFD_CLOEXEC);
	s->tfd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC);
	if (s->sfd < 0 || s->tfd < 0)
		return -errno;
	if (timerfd_settime(s->tfd, 0, &tick, NULL))
		return -errno;
	return 0;
}

/* Waits for the signal, timer and event fds (and Docker's stream). */
static int wait_ready(struct service *s, bool ready[3])
{
	int fds[3] = { s->sfd, s->tfd, event_reader_fd(&s->ev) };
	int ret;

	if (s->ndocker) {
		struct curl_waitfd w[3];

		for (int i = 0; i < 3; i++)
			w[i] = (struct curl_waitfd){ fds[i], CURL_WAIT_POLLIN,
						     0 };
		ret = docker_poll(&s->docker, w, 3, 1000);
		for (int i = 0; i < 3; i++)
			ready[i] = w[i].revents;
		return ret;
	}
	struct pollfd p[3];

	for (int i = 0; i < 3; i++)
		p[i] = (struct pollfd){ fds[i], POLLIN, 0 };
	ret = poll(p, 3, -1);
	if (ret < 0)
		return errno == EINTR ? 0 : -errno;
	for (int i = 0; i < 3; i++)
		ready[i] = p[i].revents;
	return 0;
}

/* Runs until a signal to stop; returns 0, or -ENOLINK if the responder
 * vanished under us. */
static int serve(struct service *s)
{
	struct signalfd_siginfo si;
	bool ready[3];
	uint64_t ticks;
	unsigned int n = 0;
	int ret;

	for (;;) {
		ret = wait_ready(s, ready);
		if (ret)
			return ret;
		if (ready[2])
			event_reader_drain(&s->ev);
		if (ready[0] && read(s->sfd, &si, sizeof(si)) == sizeof(si)) {
			if (si.ssi_signo != SIGHUP) {
				slog(&s->log, SLOG_INFO, "%s, stopping",
				     strsignal((int)si.ssi_signo));
				event_reader_drain(&s->ev);
				return 0;
			}
			sync_static(s, "reload");
		}
		if (!ready[1] || read(s->tfd, &ticks, sizeof(ticks)) < 0)
			continue;
		event_reader_tick(&s->ev);
		if (s->pin_gateway && s->gw.state != GW_PINNED)
			gw_pin_step(&s->gw);
		if (s->ndocker)
			docker_tick(&s->docker);
		if (++n % 5 == 0 && !still_attached(s)) {
			slog(&s->log, SLOG_ERROR,
			     "the responder on %s is gone (detached, or the "
			     "interface vanished)",
			     s->o.ifname);
			return -ENOLINK;
		}
	}
}

/* The Docker side's set for one network: into the maps, then announced. */
static int docker_apply(void *ctx, uint16_t origin, const char *net,
			struct prefix_set *addrs)
{
	struct service *s = ctx;
	struct prefix_set added = {};
	char name[sizeof(struct ndpr_origin)], a[PREFIX_STRLEN];
	struct sync_result res;
	int ret;

	snprintf(name, sizeof(name), "docker:%s", net);
	ret = pin_lock(&s->pd);
	if (ret)
		return ret;
	ret = maps_origin_set(&s->maps, origin, name);
	if (!ret)
		ret = maps_prefix_sync(&s->maps, s->o.ifname, addrs, origin,
				       &res, &added);
	pin_unlock(&s->pd);
	if (ret) {
		slog(&s->log, SLOG_ERROR, "%s: couldn't update the prefixes: %s",
		     name, errstr(ret));
		goto out;
	}
	if (res.added || res.removed || res.changed)
		slog(&s->log, SLOG_INFO,
		     "%s: %zu added, %zu removed, %zu kept", name, res.added,
		     res.removed, res.kept);
	for (size_t i = 0; i < added.n; i++) {
		prefix_format(&added.v[i], a, sizeof(a));
		if (announce_addr(&s->ann, &added.v[i].addr))
			slog(&s->log, SLOG_WARN, "couldn't announce %s", a);
		else
			slog(&s->log, SLOG_INFO, "ANNOUNCE %s", a);
	}
out:
	prefix_set_free(&added);
	return 0;
}

/* On exit: Docker-learned entries go, unless --keep. */
static void docker_forget(struct service *s)
{
	struct prefix_set none = {};
	struct sync_result res;

	if (pin_lock(&s->pd))
		return;
	for (int i = 0; i < s->ndocker; i++)
		maps_prefix_sync(&s->maps, s->o.ifname, &none,
				 s->docker.nets[i].origin, &res, NULL);
	pin_unlock(&s->pd);
}

/*
 * Docker entries are owned by network name, across runs: a network keeps
 * its origin, and the entries of a network this run no longer follows
 * (kept by an earlier run's --keep) are removed.
 */
static int docker_origins(struct service *s, uint16_t *origins)
{
	char name[sizeof(struct ndpr_origin)];
	struct prefix_set none = {};
	struct sync_result res;
	int ret = 0, o;

	ret = pin_lock(&s->pd);
	if (ret)
		return ret;
	for (int i = 0; i < s->ndocker && !ret; i++) {
		snprintf(name, sizeof(name), "docker:%s", s->docker_nets[i]);
		o = maps_origin_find(&s->maps, name);
		if (o < 0)
			ret = o;
		else
			origins[i] = (uint16_t)o;
	}
	for (uint16_t k = 1; k < NDPR_MAX_ORIGINS && !ret; k++) {
		bool ours = false;

		maps_origin_name(&s->maps, k, name, sizeof(name));
		if (strncmp(name, "docker:", 7))
			continue;
		for (int i = 0; i < s->ndocker; i++)
			ours |= origins[i] == k;
		if (ours)
			continue;
		ret = maps_prefix_sync(&s->maps, s->o.ifname, &none, k, &res,
				       NULL);
		if (!ret && res.removed)
			slog(&s->log, SLOG_INFO,
			     "%s: not followed any more, %zu entries removed",
			     name, res.removed);
		if (!ret)
			ret = maps_origin_set(&s->maps, k, "");
	}
	pin_unlock(&s->pd);
	if (ret)
		pr_err("%s: couldn't assign the Docker networks' origins: %s",
		       s->o.ifname, errstr(ret));
	return ret;
}

static int start_docker(struct service *s)
{
	uint16_t origins[DOCKER_MAX_NETWORKS];
	struct ndpr_state st;
	uint8_t mac[6];
	int ret;

	ret = maps_open(&s->pd, s->o.ifname, &s->maps);
	if (!ret)
		ret = maps_state_read(&s->maps, &st);
	if (!ret)
		ret = docker_origins(s, origins);
	if (ret)
		return ret;
	memcpy(mac, st.config.mac, sizeof(mac));
	ret = announcer_open(&s->ann, s->o.ifname, s->ifindex, mac,
			     st.config.flags & NDPR_CFG_ROUTER);
	if (ret) {
		pr_err("%s: couldn't open a packet socket: %s", s->o.ifname,
		       errstr(ret));
		return ret;
	}
	ret = docker_init(&s->docker, s->docker_nets, s->ndocker, origins,
			  docker_apply, s, &s->log);
	if (ret)
		return ret;
	docker_connect(&s->docker);
	return 0;
}

static int parse_run_args(struct service *s, int argc, char **argv)
{
	struct option opts[ATTACH_LONG_OPTS_MAX + 12];
	size_t n;
	int c, ret;

	n = attach_long_opts(opts);
	opts[n++] = (struct option){ "ifname", required_argument, NULL, 'i' };
	opts[n++] = (struct option){ "subnet", required_argument, NULL, 'n' };
	opts[n++] = (struct option){ "config", required_argument, NULL, 'c' };
	opts[n++] = (struct option){ "docker-network", required_argument,
				     NULL, 'N' };
	opts[n++] = (struct option){ "keep", no_argument, NULL, OPT_KEEP };
	opts[n++] = (struct option){ "log-format", required_argument, NULL,
				     OPT_LOG_FORMAT };
	opts[n++] = (struct option){ "pin-gateway", no_argument, NULL,
				     OPT_PIN_GW };
	opts[n++] = (struct option){ "no-pin-gateway", no_argument, NULL,
				     OPT_NO_PIN_GW };
	opts[n++] = (struct option){ "help", no_argument, NULL, 'h' };
	memset(&opts[n], 0, sizeof(opts[n]));

	while ((c = verb_getopt(argc, argv, ATTACH_SHORT_OPTS "i:n:c:N:h",
				opts, run_usage)) != -1) {
		switch (c) {
		case 'h':
			return 1;
		case 'i':
			s->o.ifname = optarg;
			continue;
		case 'n':
			ret = attach_add_prefix(&s->o, optarg, NDPR_ACT_ANSWER);
			if (ret)
				return ret;
			continue;
		case 'c':
			s->config = optarg;
			continue;
		case 'N':
			if (s->ndocker == DOCKER_MAX_NETWORKS) {
				pr_err("run: at most %d Docker networks",
				       DOCKER_MAX_NETWORKS);
				return -EINVAL;
			}
			s->docker_nets[s->ndocker++] = optarg;
			continue;
		case OPT_KEEP:
			s->keep = true;
			continue;
		case OPT_LOG_FORMAT:
			if (strcmp(optarg, "text") && strcmp(optarg, "json")) {
				pr_err("run: --log-format is text or json, not "
				       "'%s'",
				       optarg);
				return -EINVAL;
			}
			s->log.json = !strcmp(optarg, "json");
			continue;
		case OPT_PIN_GW:
			s->pin_gateway = true;
			continue;
		case OPT_NO_PIN_GW:
			s->pin_gateway = false;
			continue;
		}
		ret = attach_opt(c, optarg, &s->o);
		if (ret <= 0)
			return -EINVAL;
	}
	if (optind != argc) {
		pr_err("run: unexpected argument '%s' (prefixes go after -n)",
		       argv[optind]);
		return -EINVAL;
	}
	if (!s->o.ifname) {
		pr_err("run: which interface? (-i IFACE)");
		return -EINVAL;
	}
	if (s->ndocker && !docker_supported()) {
		pr_err("run: this build of ndpresponder has no Docker mode "
		       "(-N); use the dynamically linked build");
		return -EOPNOTSUPP;
	}
	return attach_opts_finish(&s->o);
}

static int run_service(int argc, char **argv, bool go_form)
{
	struct service s = {
		.o = { .override = NDPR_OVERRIDE_MULTICAST },
		.pin_gateway = go_form,
		.run_lock_fd = -1,
		.sfd = -1,
		.tfd = -1,
		.maps = NDPR_MAPS_INIT,
		.ann = { .fd = -1 },
	};
	struct prefix_set want = {};
	struct attach_result r = {};
	bool attached = false, serving = false;
	int ret;

	s.ev.ring_fd = s.ev.counters_fd = s.ev.tokens_fd = -1;
	ret = parse_run_args(&s, argc, argv);
	if (ret)
		goto out;
	ret = slog_init(&s.log, s.log.json, stderr);
	if (ret) {
		pr_err("NDPRESPONDER_LOG must be DEBUG, INFO, WARN, ERROR or "
		       "FATAL");
		goto out;
	}
	/* The command line's entries are the base of every later sync. */
	s.cli_prefixes = s.o.prefixes;
	memset(&s.o.prefixes, 0, sizeof(s.o.prefixes));
	ret = wanted_set(&s, &want);
	if (ret)
		goto out;
	s.o.prefixes = want;
	s.ifindex = iface_index(s.o.ifname);
	if (s.ifindex < 0) {
		ret = s.ifindex;
		goto out;
	}
	ret = pin_dir_init(&s.pd, s.o.ifname, true);
	if (!ret)
		ret = take_run_lock(&s);
	if (ret)
		goto out;

	ret = responder_attach(&s.o, &r);
	if (ret)
		goto out;
	attached = true;
	slog(&s.log, SLOG_INFO, "%s %s, %s mode, program id %u",
	     r.upgraded ? "adopted the responder on" : "attached to",
	     s.o.ifname, mode_name(r.mode), r.prog_id);
	ret = sync_static(&s, "start");
	if (!ret)
		ret = event_reader_open(&s.ev, &s.pd, s.o.ifname,
					NDPR_PIN(events), &s.log);
	if (!ret)
		ret = setup_fds(&s);
	if (ret)
		goto out;
	if (s.pin_gateway) {
		gw_pin_init(&s.gw, s.o.ifname, s.ifindex, &s.log);
		gw_pin_step(&s.gw);
	}
	if (s.ndocker) {
		ret = start_docker(&s);
		if (ret)
			goto out;
	}
	/* Attached, mounted, sockets open: from here on, only maps, links
	 * and netlink. */
	ret = caps_drop_for_service();
	if (ret)
		goto out;
	slog(&s.log, SLOG_DEBUG,
	     "capabilities dropped to CAP_BPF, CAP_NET_ADMIN");

	serving = true;
	ret = serve(&s);
out:
	event_reader_close(&s.ev);
	if (s.ndocker && attached && !s.keep && s.maps.hosts >= 0)
		docker_forget(&s);
	if (s.ndocker)
		docker_free(&s.docker);
	announcer_close(&s.ann);
	maps_close(&s.maps);
	/* A responder this run adopted stays when the run fails to start:
	 * a restart must never leave the host without one. */
	if (ret && !serving && r.upgraded)
		s.keep = true;
	if (attached && !s.keep && ret != -ENOLINK) {
		if (!responder_detach(s.o.ifname))
			slog(&s.log, SLOG_INFO, "detached from %s",
			     s.o.ifname);
	} else if (attached && s.keep) {
		slog(&s.log, SLOG_INFO, "leaving the responder on %s attached",
		     s.o.ifname);
	}
	if (s.run_lock_fd >= 0)
		close(s.run_lock_fd);
	if (s.sfd >= 0)
		close(s.sfd);
	if (s.tfd >= 0)
		close(s.tfd);
	prefix_set_free(&s.o.prefixes);
	prefix_set_free(&s.cli_prefixes);
	return ret == 1 ? 0 : ret;
}

int cmd_run(int argc, char **argv)
{
	return run_service(argc, argv, false);
}

int cmd_run_go_form(int argc, char **argv)
{
	return run_service(argc, argv, true);
}
