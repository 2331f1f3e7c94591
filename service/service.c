// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The service: start is a sequence of steps, serve the poll loop, and
 * stop the one unwind path, which undoes whatever start got to.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <poll.h>
#include <sys/file.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "caps.h"
#include "docker_follow.h"
#include "events.h"
#include "gateway.h"
#include "guard_follow.h"
#include "guards.h"
#include "iface.h"
#include "log.h"
#include "maps.h"
#include "metrics_http.h"
#include "notify.h"
#include "pins.h"
#include "service.h"
#include "slog.h"
#include "sync_plan.h"

struct service {
	const struct service_opts *so;
	struct attach_opts o; /* so->attach with the whole wanted set */
	struct slog log;
	struct pin_dir pd;
	int ifindex;
	int run_lock_fd;
	bool made_dir; /* the run lock created the interface's directory */
	bool attached, adopted, serving;
	enum ndpr_mode mode;
	size_t nstatic; /* static entries after the last sync */
	/* -n and -x, --force and the --route-check default: the command
	 * line's, or what the last reload read. */
	struct prefix_set given;
	bool force;
	uint8_t route_flags;
	bool pin_gateway; /* the command line's, or the last reload's */
	bool file_empty;  /* the -c file had no line with a word */
	struct event_reader ev;
	struct gw_pin gw;
	int sfd, tfd;
	struct docker_follow follow;
	struct metrics_http metrics;
	struct guard_follow guards;
};

/* The wanted static set: the command line's entries plus the file's,
 * whose count goes to from_file. -errno with the reason in err. */
static int wanted_set(const struct service *s, struct prefix_set *want,
		      size_t *from_file, char *err, size_t errlen)
{
	const struct service_opts *so = s->so;
	unsigned int flags = s->force ? PREFIX_ALLOW_DEFAULT : 0;
	int ret = 0;

	for (size_t i = 0; i < s->given.n && !ret; i++)
		ret = prefix_set_add(want, &s->given.v[i]);
	if (ret)
		snprintf(err, errlen, "%s", errstr(ret));
	/* No file is no entries (a Docker-only unit has none); an empty
	 * file's rule applies: nothing is removed because of it. */
	else if (so->config && access(so->config, F_OK) && errno == ENOENT)
		slog(&s->log, SLOG_WARN,
		     "%s does not exist: no entries from it", so->config);
	else if (so->config)
		ret = prefix_file_load(so->config, flags, want, err, errlen);
	*from_file = want->n - s->given.n;
	return ret;
}

/* A file with no entries is what a writer leaves between truncating and
 * writing it: it removes nothing without --force. */
static int sync_want(struct service *s, struct prefix_set *want,
		     size_t from_file, struct sync_result *res,
		     struct prefix_set *removed, char *err, size_t errlen)
{
	bool may_remove = !s->so->config || from_file || s->force;
	struct ndpr_maps m = NDPR_MAPS_INIT;
	int ret;

	ret = pin_lock(&s->pd);
	if (ret)
		return ret;
	ret = maps_open(&s->pd, s->o.ifname, &m);
	/* What is about to answer is guarded first. */
	if (!ret)
		ret = guards_refresh(&m, s->o.ifname, want, NULL);
	if (!ret)
		ret = maps_prefix_sync_static(&m, s->o.ifname, want, may_remove,
					      res, removed);
	pin_unlock(&s->pd);
	maps_close(&m);
	if (ret == -ENOTEMPTY)
		snprintf(err, errlen,
			 "'%s' has no entries, so every static "
			 "entry would go (%zu); run --force applies an empty "
			 "file",
			 s->so->config, res->removed);
	return ret;
}

static void log_removed(struct service *s, const char *why,
			const struct prefix *p)
{
	char buf[PREFIX_STRLEN];

	prefix_format(p, buf, sizeof(buf));
	slog(&s->log, SLOG_INFO, "%s: removed %s %s: not in the configuration",
	     why, p->action == NDPR_ACT_EXCLUDE ? "exclude" : "prefix", buf);
}

/* Makes the static entries equal to the configuration, or keeps them as
 * they are and says why in one line. */
static int sync_static(struct service *s, const char *why)
{
	struct prefix_set want = {}, removed = {};
	struct sync_result res;
	char err[512] = "";
	size_t from_file;
	int ret;

	ret = wanted_set(s, &want, &from_file, err, sizeof(err));
	if (!ret)
		ret = sync_want(s, &want, from_file, &res, &removed, err,
				sizeof(err));
	/* The static entries that neither the command line nor the file
	 * names go: an adopted responder's, by name. */
	for (size_t i = 0; !ret && i < removed.n; i++)
		log_removed(s, why, &removed.v[i]);
	if (!ret)
		slog(&s->log, SLOG_INFO,
		     "%s: prefixes %zu added, %zu changed, %zu removed, %zu "
		     "kept",
		     why, res.added, res.changed, res.removed, res.kept);
	if (!ret)
		s->nstatic = res.added + res.changed + res.kept;
	else if (err[0]) /* else the library said why */
		slog(&s->log, SLOG_ERROR,
		     "%s: %s; keeping the prefixes as they are", why, err);
	if (!ret)
		guard_follow_changed(&s->guards);
	prefix_set_free(&want);
	prefix_set_free(&removed);
	return ret;
}

/* One service per interface: a second run would fight the first. */
static int take_run_lock(struct service *s)
{
	bool had_dir = pin_dir_exists(&s->pd);
	struct stat st;
	int ret;

	ret = pin_dir_create(&s->pd);
	if (ret)
		return ret;
	s->made_dir = !had_dir;
	/* An open file of its own: pin_lock's flock is on another one. */
	s->run_lock_fd =
		openat(s->pd.dir_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (s->run_lock_fd < 0)
		return -errno;
	if (flock(s->run_lock_fd, LOCK_EX | LOCK_NB)) {
		pr_err("%s: another 'ndpresponder run' serves this interface",
		       s->o.ifname);
		return -EBUSY;
	}
	/* A run that failed to start removes the directory it made, under
	 * its lock: one locked after that would hold a directory no other
	 * run can find, and two runs would serve the interface. */
	if (!fstat(s->run_lock_fd, &st) && !st.st_nlink) {
		pr_err("%s: another 'ndpresponder run' was starting on this "
		       "interface; try again",
		       s->o.ifname);
		return -EAGAIN;
	}
	return 0;
}

/* The responder is gone if someone detached it or the interface left. */
static bool still_attached(const struct service *s)
{
	bool ok;
	int fd;

	fd = pin_open_link(&s->pd);
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

/* Waits for the signal, timer and event fds, and Docker's; Docker's
 * readiness and timers are served here. */
static int wait_ready(struct service *s, bool ready[3])
{
	int fds[3] = { s->sfd, s->tfd, event_reader_fd(&s->ev) };
	struct pollfd p[3 + DOCKER_POLLFDS];
	struct docker *d = &s->follow.docker;
	int nd = 0, timeout = -1, ret;

	for (int i = 0; i < 3; i++)
		p[i] = (struct pollfd){ fds[i], POLLIN, 0 };
	if (s->so->ndocker) {
		nd = docker_pollfds(d, p + 3);
		timeout = docker_timeout_ms(d);
	}
	ret = poll(p, 3 + (nfds_t)nd, timeout);
	if (ret < 0)
		return errno == EINTR ? 0 : -errno;
	for (int i = 0; i < 3; i++)
		ready[i] = p[i].revents;
	if (s->so->ndocker)
		docker_process(d, p + 3, nd);
	return 0;
}

/* Once a second: refills the event tokens, retries what waits, and checks
 * every 5 s that the responder is still there (-ENOLINK if not). */
static int on_tick(struct service *s, unsigned int n)
{
	event_reader_tick(&s->ev);
	guard_follow_tick(&s->guards);
	if (s->pin_gateway && s->gw.state != GW_PINNED)
		gw_pin_step(&s->gw);
	if (n % 5 == 0 && !still_attached(s)) {
		slog(&s->log, SLOG_ERROR,
		     "the responder on %s is gone (detached, or the "
		     "interface vanished)",
		     s->o.ifname);
		return -ENOLINK;
	}
	return 0;
}

/* The log format and rate the configuration now asks for, in place: the
 * rate is the tokens the reader hands out, the program spends them. */
static void reload_log(struct service *s, const struct service_reload *r)
{
	int ncpus = libbpf_num_possible_cpus();
	__u64 per_cpu;

	if (r->log_json != s->log.json) {
		s->log.json = r->log_json;
		slog(&s->log, SLOG_INFO, "reload: log format %s",
		     r->log_json ? "json" : "text");
	}
	per_cpu = ncpus > 1 ? (r->log_rate + (__u64)ncpus - 1) / (__u64)ncpus :
			      r->log_rate;
	if (per_cpu != s->ev.per_cpu) {
		s->ev.per_cpu = per_cpu;
		slog(&s->log, SLOG_INFO, "reload: log rate %u a second",
		     (unsigned int)r->log_rate);
	}
}

static void start_gateway(struct service *s)
{
	if (!s->pin_gateway)
		return;
	gw_pin_init(&s->gw, s->o.ifname, s->ifindex, &s->log);
	gw_pin_step(&s->gw);
}

/* --pin-gateway turned on starts pinning (the tick goes on with it);
 * turned off, undoes a pin of ours, as a clean stop does. */
static void reload_gateway(struct service *s, bool pin)
{
	if (pin == s->pin_gateway)
		return;
	s->pin_gateway = pin;
	slog(&s->log, SLOG_INFO, "reload: --%spin-gateway", pin ? "" : "no-");
	if (pin)
		start_gateway(s);
	else
		gw_pin_undo(&s->gw, false);
}

/* The given entries, --force, the --route-check default and whether the
 * file was empty: r's for the service's, and the service's in r. */
static void swap_given(struct service *s, struct service_reload *r)
{
	struct prefix_set given = s->given;
	uint8_t route_flags = s->route_flags;
	bool force = s->force, empty = s->file_empty;

	s->given = r->prefixes;
	s->force = r->force;
	s->route_flags = r->route_flags;
	s->file_empty = r->empty;
	r->prefixes = given;
	r->force = force;
	r->route_flags = route_flags;
	r->empty = empty;
}

/* What r changes of the in-place options (the log's, the gateway's, the
 * given entries and their route check), if anything. */
static bool reload_changes(const struct service *s,
			   const struct service_reload *r)
{
	if (r->log_json != s->log.json || r->pin_gateway != s->pin_gateway ||
	    r->route_flags != s->route_flags || r->prefixes.n != s->given.n)
		return true;
	for (size_t i = 0; i < r->prefixes.n; i++) {
		const struct prefix *a = &r->prefixes.v[i], *b = &s->given.v[i];

		if (prefix_cmp(a, b) || a->action != b->action ||
		    a->flags != b->flags)
			return true;
	}
	return false;
}

/* The option lines read again (0), or a line saying why they are not. */
static int reload_read(struct service *s, struct service_reload *r)
{
	char err[512];
	int ret;

	ret = s->so->reload(s->so, r, err, sizeof(err));
	/* What a writer leaves between truncating the file and writing it:
	 * it must not turn a route check or a pin off (--force: it may). */
	if (!ret && r->empty && !r->force && reload_changes(s, r)) {
		snprintf(err, sizeof(err),
			 "'%s' has no entries and no option lines, and would "
			 "change the options; run --force applies such a "
			 "file",
			 s->so->config);
		ret = -ENOTEMPTY;
	}
	if (ret)
		slog(&s->log, SLOG_ERROR,
		     "reload: %s; keeping the prefixes as they are, and the "
		     "options",
		     err[0] ? err : "the option lines are refused");
	return ret;
}

/*
 * SIGHUP: the option lines and the prefixes. The given entries a new
 * --route-check default changes are changed by the sync, each in place (a
 * map update, never a removal and an add), so no solicitation finds them
 * missing. Nothing changes unless both the options and the prefixes can.
 */
static void reload(struct service *s)
{
	struct service_reload r = {};

	if (!s->so->reload) {
		sync_static(s, "reload");
		return;
	}
	if (reload_read(s, &r)) {
		prefix_set_free(&r.prefixes);
		return;
	}
	swap_given(s, &r);
	if (sync_static(s, "reload")) {
		swap_given(s, &r); /* it said why */
		prefix_set_free(&r.prefixes);
		return;
	}
	if (r.route_flags != s->route_flags)
		slog(&s->log, SLOG_INFO,
		     "reload: --route-check %s, was %s: the given prefixes "
		     "changed in place",
		     route_check_name(s->route_flags),
		     route_check_name(r.route_flags));
	reload_log(s, &r);
	reload_gateway(s, r.pin_gateway);
	prefix_set_free(&r.prefixes);
}

/* The service manager's one-line summary, with READY=1. */
static void notify_ready(const struct service *s)
{
	notify_sendf("READY=1\nSTATUS=answering on %s (%s mode): %zu static "
		     "entr%s%s",
		     s->o.ifname, mode_name(s->mode), s->nstatic,
		     s->nstatic == 1 ? "y" : "ies",
		     s->so->ndocker ? ", and Docker's" : "");
}

/* systemd 253+ wants the time of RELOADING=1 (Type=notify-reload); 252
 * ignores it. */
static void notify_reloading(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	notify_sendf("RELOADING=1\nMONOTONIC_USEC=%llu",
		     (unsigned long long)ts.tv_sec * 1000000ull +
			     (unsigned long long)ts.tv_nsec / 1000);
}

/* SIGHUP reloads (0); SIGTERM and SIGINT stop (1). */
static int on_signal(struct service *s)
{
	struct signalfd_siginfo si;

	if (read(s->sfd, &si, sizeof(si)) != sizeof(si))
		return 0;
	if (si.ssi_signo == SIGHUP) {
		notify_reloading();
		reload(s);
		notify_ready(s);
		return 0;
	}
	notify_send("STOPPING=1");
	slog(&s->log, SLOG_INFO, "%s, stopping", strsignal((int)si.ssi_signo));
	event_reader_drain(&s->ev);
	return 1;
}

/* What the endpoint's scrapes read of the service: Docker mode's state. */
static void publish_metrics(struct service *s)
{
	struct metrics_docker d = s->follow.stats;

	if (!s->so->metrics_listen || !s->so->ndocker)
		return;
	d.connected = s->follow.docker.api_up && s->follow.docker.ev_up;
	metrics_http_publish(&s->metrics, &d);
}

/* Runs until a signal to stop; returns 0, or -ENOLINK if the responder
 * vanished under us. */
static int serve(struct service *s)
{
	bool ready[3];
	uint64_t ticks;
	unsigned int n = 0;
	int ret;

	for (;;) {
		ret = wait_ready(s, ready);
		if (ret)
			return ret;
		publish_metrics(s);
		if (ready[2])
			event_reader_drain(&s->ev);
		if (ready[0] && on_signal(s))
			return 0;
		if (!ready[1] || read(s->tfd, &ticks, sizeof(ticks)) < 0)
			continue;
		ret = on_tick(s, ++n);
		if (ret)
			return ret;
	}
}

static void service_init(struct service *s, const struct service_opts *so)
{
	memset(s, 0, sizeof(*s));
	s->so = so;
	s->o = so->attach;
	memset(&s->o.prefixes, 0, sizeof(s->o.prefixes));
	s->force = so->attach.force;
	s->route_flags = so->attach.route_flags;
	s->pin_gateway = so->pin_gateway;
	s->file_empty = so->config_empty;
	s->run_lock_fd = s->sfd = s->tfd = -1;
	s->ev.ring_fd = s->ev.counters_fd = s->ev.empty_fd = -1;
	docker_follow_init(&s->follow, &s->pd, &s->log, so->docker_nets,
			   so->ndocker);
	metrics_http_init(&s->metrics);
	guard_follow_init(&s->guards, &s->pd, s->o.ifname, &s->log);
}

static int start_log(struct service *s)
{
	int ret = slog_init(&s->log, s->so->log_json, stderr);

	if (ret) {
		pr_err("NDPRESPONDER_LOG must be DEBUG, INFO, WARN, ERROR or "
		       "FATAL");
		return ret;
	}
	/* The library's reports too, in the service's log format. */
	slog_take_reports(&s->log);
	return 0;
}

/* The interface, once, and the run lock in its pin directory. */
static int start_iface(struct service *s)
{
	int ret;

	s->ifindex = iface_index(s->o.ifname);
	if (s->ifindex < 0)
		return s->ifindex;
	/* run holds the link itself: pins that die with it will do, unless
	 * the responder is to stay after it (--keep). */
	ret = pin_dir_init(&s->pd, s->o.ifname,
			   PIN_CREATE | (s->so->keep ? 0 : PIN_EPHEMERAL_OK));
	s->o.ephemeral_ok = !s->so->keep;
	return ret ?: take_run_lock(s);
}

/*
 * The entries of a responder about to be adopted that a -c file with no
 * line at all would change: what a writer leaves between truncating and
 * writing the file must not turn an adopted entry's route check off (the
 * option line it lost). Checked before the attach, whose adds would
 * change them.
 */
static int start_check_empty(struct service *s)
{
	struct ndpr_maps m = NDPR_MAPS_INIT;
	struct sync_plan plan = {};
	int ret;

	if (!s->file_empty || s->force || !pin_exists(&s->pd, NDPR_PIN(state)))
		return 0;
	ret = pin_lock(&s->pd);
	if (ret)
		return ret;
	/* Maps that do not open are the attach's to refuse, and say why. */
	if (!maps_open(&s->pd, s->o.ifname, &m))
		ret = maps_prefix_plan_static(&m, s->o.ifname, &s->o.prefixes,
					      &plan);
	pin_unlock(&s->pd);
	maps_close(&m);
	if (!ret && plan.count[SYNC_CHANGE]) {
		slog(&s->log, SLOG_ERROR,
		     "start: '%s' has no entries and no option lines, and "
		     "would change %zu entr%s of the responder; run --force "
		     "applies such a file",
		     s->so->config, plan.count[SYNC_CHANGE],
		     plan.count[SYNC_CHANGE] == 1 ? "y" : "ies");
		ret = -ENOTEMPTY;
	}
	sync_plan_free(&plan);
	return ret;
}

static int start_responder(struct service *s)
{
	struct attach_result r;
	int ret;

	ret = responder_attach(&s->o, &r);
	if (ret)
		return ret;
	s->attached = true;
	s->adopted = r.upgraded;
	s->mode = r.mode;
	slog(&s->log, SLOG_INFO, "%s %s, %s mode, program id %u",
	     r.upgraded ? "adopted the responder on" : "attached to",
	     s->o.ifname, mode_name(r.mode), r.prog_id);
	return 0;
}

/* Attached, mounted, sockets open: from here on, only maps, links and
 * netlink. */
static int drop_caps(struct service *s)
{
	int ret = caps_drop_for_service();

	if (!ret)
		slog(&s->log, SLOG_DEBUG,
		     "capabilities dropped to CAP_BPF, CAP_NET_ADMIN");
	return ret;
}

/* The entries attach starts with, but none an exclude hides: the sync
 * after it would only remove them again. */
static int start_prefixes(struct service *s)
{
	struct prefix by;
	char err[512];
	size_t n;
	int ret;

	ret = wanted_set(s, &s->o.prefixes, &n, err, sizeof(err));
	if (ret)
		slog(&s->log, SLOG_ERROR, "start: %s", err);
	else
		sync_hide(&s->o.prefixes, NULL, &by);
	return ret;
}

static int service_start(struct service *s)
{
	const struct service_opts *so = s->so;
	int ret;

	ret = start_log(s);
	for (size_t i = 0; !ret && i < so->attach.prefixes.n; i++)
		ret = prefix_set_add(&s->given, &so->attach.prefixes.v[i]);
	/* A bad address or a taken port fails before anything changes. */
	if (!ret && so->metrics_listen)
		ret = metrics_http_listen(&s->metrics, so->metrics_listen);
	/* The attach's entries: the command line's and the file's. */
	if (!ret)
		ret = start_prefixes(s);
	if (!ret)
		ret = start_iface(s);
	if (!ret)
		ret = start_check_empty(s);
	if (!ret)
		ret = start_responder(s);
	if (!ret)
		ret = sync_static(s, "start");
	if (!ret)
		ret = event_reader_open(&s->ev, &s->pd, s->o.ifname,
					NDPR_PIN(events), &s->log);
	if (!ret)
		ret = setup_fds(s);
	if (!ret)
		ret = guard_follow_start(&s->guards);
	if (ret)
		return ret;
	start_gateway(s);
	if (so->ndocker)
		ret = docker_follow_start(&s->follow, s->o.ifname, s->ifindex);
	if (!ret)
		ret = drop_caps(s);
	/* After the drop: the server's thread has only what is left. */
	if (!ret && so->metrics_listen)
		ret = metrics_http_start(&s->metrics, s->o.ifname, &s->pd,
					 so->ndocker);
	if (!ret && so->metrics_listen)
		slog(&s->log, SLOG_INFO, "metrics at http://%s/metrics",
		     so->metrics_listen);
	return ret;
}

/* Detaches, unless kept; a detach by hand (-ENOLINK) left nothing. */
static void stop_responder(struct service *s, int ret)
{
	/* A responder this run adopted stays when the run fails to start:
	 * a restart must never leave the host without one. */
	bool keep = s->so->keep || (ret && !s->serving && s->adopted);

	if (!s->attached)
		return;
	if (keep)
		slog(&s->log, SLOG_INFO, "leaving the responder on %s attached",
		     s->o.ifname);
	else if (ret != -ENOLINK && !responder_detach(s->o.ifname))
		slog(&s->log, SLOG_INFO, "detached from %s", s->o.ifname);
}

static void service_stop(struct service *s, int ret)
{
	/* Only a clean stop: a failing run may be restarted at once. */
	if (s->pin_gateway && !ret)
		gw_pin_undo(&s->gw, s->so->keep);
	metrics_http_stop(&s->metrics);
	event_reader_close(&s->ev);
	guard_follow_stop(&s->guards);
	docker_follow_stop(&s->follow, s->attached && !s->so->keep);
	stop_responder(s, ret);
	/* Under the run lock still. A responder left attached keeps its
	 * pins, and the directory with them. */
	if (s->made_dir)
		pin_dir_remove_empty(&s->pd);
	if (s->run_lock_fd >= 0)
		close(s->run_lock_fd);
	pin_dir_close(&s->pd);
	if (s->sfd >= 0)
		close(s->sfd);
	if (s->tfd >= 0)
		close(s->tfd);
	prefix_set_free(&s->o.prefixes);
	prefix_set_free(&s->given);
	log_set_hook(NULL, NULL); /* s->log ends here */
}

int service_run(const struct service_opts *so)
{
	struct service s;
	int ret;

	service_init(&s, so);
	ret = service_start(&s);
	if (!ret) {
		s.serving = true;
		/* Attached and synced: the unit's dependents may start. */
		notify_ready(&s);
		ret = serve(&s);
	}
	service_stop(&s, ret);
	return ret;
}
