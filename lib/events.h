/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* Reads the program's events from a pinned ring buffer and logs them. */
#ifndef NDPR_EVENTS_H
#define NDPR_EVENTS_H

#include <netinet/in.h>
#include <bpf/libbpf.h>

#include "ndpresponder.h"
#include "pins.h"
#include "slog.h"

struct event_reader {
	struct ring_buffer *rb;
	int ring_fd;
	int counters_fd;  /* for the suppressed count */
	int empty_fd;	  /* ndpr_empty: the refills' generation */
	__u64 per_cpu;	  /* tokens a CPU gets each second */
	__u64 suppressed; /* total seen at the last report */
	__u64 since_ns;	  /* events older than this are stale */
	bool joined;	  /* refilled once: continues the session */
	bool passed;	  /* monitor --all: passed NS too */
	/* ndpr_empty mapped: the refills, and monitor --all's lease. */
	struct ndpr_empty *empty;
	const struct slog *log;
	const char *ifname;
	/* Set after open: gets each event instead of the log (doctor). */
	void (*sink)(void *arg, const struct ndpr_event *ev);
	void *sink_arg;
};

/* ring is NDPR_PIN(events) (the service) or NDPR_PIN(monitor). */
int event_reader_open(struct event_reader *r, const struct pin_dir *pd,
		      const char *ifname, const char *ring,
		      const struct slog *log);
/* Asks for passed NS too (monitor --all), renewed at each refill, ended
 * by event_reader_close (or, for a killed reader, by expiry). */
void event_reader_want_passed(struct event_reader *r);
void event_reader_close(struct event_reader *r);
/* For epoll: readable when events wait. */
int event_reader_fd(const struct event_reader *r);
/* Logs every waiting event; returns how many or a negative errno. */
int event_reader_drain(struct event_reader *r);
/*
 * Once a second: a refill, by which every CPU gives itself its tokens
 * for the next second (the program spends them; without a reader it
 * reports nothing), and logs at
 * WARN how many events the limit refused since last time.
 */
void event_reader_tick(struct event_reader *r);
/* Only the tokens of event_reader_tick, for a reader that logs nothing. */
void event_reader_refill(struct event_reader *r);

/* An event's fields as the log and monitor show them: each of
 * event_keys with its value (NULL: absent), under a level and a message,
 * RESPOND (INFO) for answers, INVALID, PASS (monitor --all) or ERROR
 * (DEBUG) with a reason, the outcome's counter name, for the others. */
#define EVENT_NFIELDS 7
extern const char *const event_keys[EVENT_NFIELDS];
struct event_text {
	char target[INET6_ADDRSTRLEN], source[INET6_ADDRSTRLEN], mac[18];
	char ns[2 * INET6_ADDRSTRLEN + 32];
	const char *vals[EVENT_NFIELDS];
	enum slog_level level;
	const char *msg;
};
void event_text(struct event_text *t, const char *ifname,
		const struct ndpr_event *ev);

/* Logs one event: INFO "RESPOND" for answers, DEBUG "INVALID" else. */
void event_log(const struct slog *log, const char *ifname,
	       const struct ndpr_event *ev);

#endif
