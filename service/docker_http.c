// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "docker_http.h"

/* Octets read per readiness: a fast peer cannot keep the loop from the
 * service's other fds. */
#define READ_CHUNK (64u << 10)

uint64_t http_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static struct http_conn *conn_of(http_parser *p)
{
	return p->data;
}

static int on_headers(http_parser *p)
{
	struct http_conn *c = conn_of(p);

	c->status = p->status_code;
	c->headers_done = true;
	return 0;
}

static int collect(struct http_conn *c, const char *at, size_t n)
{
	size_t cap;
	char *b;

	if (n > c->body_max - c->body_len) {
		c->err = -EFBIG;
		return 1;
	}
	if (c->body_len + n + 1 > c->body_cap) {
		cap = (c->body_len + n + 1) * 2;
		if (cap > c->body_max + 1)
			cap = c->body_max + 1;
		b = realloc(c->body, cap);
		if (!b) {
			c->err = -ENOMEM;
			return 1;
		}
		c->body = b;
		c->body_cap = cap;
	}
	memcpy(c->body + c->body_len, at, n);
	c->body_len += n;
	c->body[c->body_len] = '\0';
	return 0;
}

static int on_body(http_parser *p, const char *at, size_t n)
{
	struct http_conn *c = conn_of(p);

	if (!c->stream)
		return collect(c, at, n);
	c->err = c->stream(c->ctx, at, n);
	return c->err != 0;
}

static int on_complete(http_parser *p)
{
	conn_of(p)->done = true;
	/* What follows the reply is not ours to read. */
	http_parser_pause(p, 1);
	return 0;
}

static const http_parser_settings settings = {
	.on_headers_complete = on_headers,
	.on_body = on_body,
	.on_message_complete = on_complete,
};

void http_conn_init(struct http_conn *c)
{
	memset(c, 0, sizeof(*c));
	c->fd = -1;
}

void http_close(struct http_conn *c)
{
	if (c->fd >= 0)
		close(c->fd);
	free(c->body);
	http_conn_init(c);
}

static int sock_connect(struct http_conn *c, const char *sock)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };

	if (strlen(sock) >= sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	strcpy(sa.sun_path, sock);
	c->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (c->fd < 0)
		return -errno;
	if (!connect(c->fd, (struct sockaddr *)&sa, sizeof(sa)))
		return 0;
	/* A full backlog (an engine that does not accept) is EAGAIN on a
	 * UNIX socket: a failure now, not a wait. */
	if (errno != EINPROGRESS)
		return -errno;
	c->connecting = true;
	return 0;
}

int http_get_start(struct http_conn *c, const char *sock, const char *path,
		   size_t max, http_data_fn stream, void *ctx,
		   uint64_t deadline)
{
	int n, ret;

	http_close(c);
	n = snprintf(c->req, sizeof(c->req),
		     "GET %s HTTP/1.1\r\nHost: docker\r\n"
		     "User-Agent: ndpresponder\r\nConnection: close\r\n\r\n",
		     path);
	if (n < 0 || (size_t)n >= sizeof(c->req))
		return -ENAMETOOLONG;
	c->req_len = (size_t)n;
	c->body_max = max;
	c->stream = stream;
	c->ctx = ctx;
	c->deadline = deadline;
	http_parser_init(&c->parser, HTTP_RESPONSE);
	c->parser.data = c;
	ret = sock_connect(c, sock);
	if (ret)
		http_close(c);
	return ret;
}

short http_poll_events(const struct http_conn *c)
{
	if (c->fd < 0)
		return 0;
	return c->connecting || c->req_off < c->req_len ? POLLOUT : POLLIN;
}

static int do_send(struct http_conn *c)
{
	ssize_t n;

	if (c->connecting) {
		int err = 0;
		socklen_t len = sizeof(err);

		if (getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &len))
			return -errno;
		if (err)
			return -err;
		c->connecting = false;
	}
	n = send(c->fd, c->req + c->req_off, c->req_len - c->req_off,
		 MSG_NOSIGNAL);
	if (n < 0)
		return errno == EAGAIN || errno == EINTR ? HTTP_MORE : -errno;
	c->req_off += (size_t)n;
	return HTTP_MORE;
}

/* Parses n octets (n == 0: the peer closed). */
static int parse(struct http_conn *c, const char *buf, size_t n)
{
	size_t used = http_parser_execute(&c->parser, &settings, buf, n);
	enum http_errno e = HTTP_PARSER_ERRNO(&c->parser);

	if (c->done)
		return HTTP_DONE;
	if (c->err)
		return c->err;
	if (!n)
		return -EPIPE;
	if (e != HPE_OK || used != n)
		return -EPROTO;
	return HTTP_MORE;
}

static int do_recv(struct http_conn *c)
{
	char buf[16384];
	size_t total = 0;
	ssize_t n;
	int ret = HTTP_MORE;

	while (ret == HTTP_MORE && total < READ_CHUNK) {
		n = recv(c->fd, buf, sizeof(buf), 0);
		if (n < 0)
			return errno == EAGAIN || errno == EINTR ? HTTP_MORE :
								   -errno;
		total += (size_t)n;
		ret = parse(c, buf, (size_t)n);
	}
	return ret;
}

int http_step(struct http_conn *c, short revents)
{
	int ret = HTTP_MORE;

	if (c->fd < 0)
		return -ENOTCONN;
	if (http_poll_events(c) == POLLOUT) {
		if (revents & (POLLOUT | POLLERR | POLLHUP))
			ret = do_send(c);
	} else if (revents & (POLLIN | POLLERR | POLLHUP)) {
		ret = do_recv(c);
	}
	if (ret != HTTP_MORE) {
		close(c->fd);
		c->fd = -1;
	}
	return ret;
}
