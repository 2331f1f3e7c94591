/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * One HTTP/1.1 GET over a UNIX socket, non-blocking: a state machine the
 * service's poll loop drives (http_poll_events says what to wait for,
 * http_step acts on readiness). Responses are parsed by nodejs'
 * http-parser (Debian's libhttp-parser), chunked bodies included. A body
 * goes into a buffer of at most max octets, or, for a stream, to a
 * callback as it comes. The owner enforces the deadline.
 */
#ifndef NDPR_DOCKER_HTTP_H
#define NDPR_DOCKER_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <http_parser.h>

/* A stream's body data; non-zero stops the request with that error. */
typedef int (*http_data_fn)(void *ctx, const char *data, size_t n);

struct http_conn {
	int fd; /* -1 when idle */
	bool connecting;
	char req[512];
	size_t req_len, req_off;
	http_parser parser;
	uint64_t deadline; /* CLOCK_MONOTONIC ms; 0 = none */
	int status;	   /* the HTTP status, once the headers are in */
	bool headers_done, done;
	int err; /* the callbacks' refusal */
	char *body;
	size_t body_len, body_cap, body_max;
	http_data_fn stream; /* NULL: the body is collected */
	void *ctx;
};

enum {
	HTTP_MORE = 0,
	HTTP_DONE = 1
};

void http_conn_init(struct http_conn *c);
/*
 * Starts GET path on the socket at sock (the path's octets are sent as
 * they are: the caller escapes). With stream NULL the body is collected,
 * up to max octets. Returns 0, or a negative errno with c idle.
 */
int http_get_start(struct http_conn *c, const char *sock, const char *path,
		   size_t max, http_data_fn stream, void *ctx,
		   uint64_t deadline);
/* POLLOUT while connecting or sending, POLLIN after; 0 when idle. */
short http_poll_events(const struct http_conn *c);
/*
 * Acts on the fd's readiness: HTTP_MORE, HTTP_DONE (status and body in
 * c; the socket is closed), or a negative errno with c closed: -EFBIG
 * over max, -EPROTO not HTTP, -EPIPE closed early, or the callback's.
 */
int http_step(struct http_conn *c, short revents);
/* Closes the socket and frees the body; c is idle again. */
void http_close(struct http_conn *c);

/* CLOCK_MONOTONIC in ms. */
uint64_t http_now_ms(void);

#endif
