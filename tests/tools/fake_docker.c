// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * fake-docker: a test double of the Docker Engine API on a UNIX socket,
 * serving scripted replies that a real dockerd never sends. Each
 * connection is served by a child of its own; what it serves is read,
 * per connection, from files in DIR that the test rewrites as it goes:
 *
 *   DIR/ping      /_ping:          ok (default), hang, fail, close
 *   DIR/networks  /networks/NAME:  ok (DIR/body, Content-Length), chunked
 *                 (DIR/body in two chunks), huge (chunks of '[' until the
 *                 client closes), hang, fail, close, 404 (default)
 *   DIR/events    /events:         stream (default: the lines of
 *                 DIR/events.lines as they are appended), nonewline
 *                 (endless chunks without a newline), hang, fail, close
 *   DIR/containers  /containers/ID/json: ok (DIR/ctr.body, each "@ID@" in
 *                 it replaced by the ID asked), slow (ok after 2 s, as
 *                 Docker answers a container being started once its
 *                 start ends), huge, hang, fail, close, 404 (default)
 *
 * A stream ends when DIR/events changes, so that the client reconnects
 * to what comes next. Every connection appends "SECONDS ENDPOINT" to LOG
 * (one write, so lines never mix), for the test to count.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tool.h"

#define CHUNK (64 << 10)

static const char *dir;
static int log_fd = -1;

/* The first word of DIR/name, or def. */
static void mode_of(const char *name, const char *def, char *buf, size_t len)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	snprintf(buf, len, "%s", def);
	f = fopen(path, "r");
	if (!f)
		return;
	if (fscanf(f, "%63s", buf) != 1)
		snprintf(buf, len, "%s", def);
	fclose(f);
}

static int put(int fd, const void *p, size_t n)
{
	const char *c = p;

	while (n) {
		ssize_t w = send(fd, c, n, MSG_NOSIGNAL);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		c += w;
		n -= (size_t)w;
	}
	return 0;
}

static int put_chunk(int fd, const char *p, size_t n)
{
	char head[32];

	snprintf(head, sizeof(head), "%zx\r\n", n);
	if (put(fd, head, strlen(head)) || put(fd, p, n) || put(fd, "\r\n", 2))
		return -1;
	return 0;
}

static void hang(void)
{
	for (;;)
		pause();
}

static void reply(int fd, const char *status, const char *body, size_t n)
{
	char head[256];

	snprintf(head, sizeof(head),
		 "HTTP/1.1 %s\r\nContent-Type: application/json\r\n"
		 "Content-Length: %zu\r\nConnection: close\r\n\r\n",
		 status, n);
	if (!put(fd, head, strlen(head)))
		put(fd, body, n);
}

static const char chunked_ok[] = "HTTP/1.1 200 OK\r\nContent-Type: "
				 "application/json\r\nTransfer-Encoding: "
				 "chunked\r\n\r\n";

/* The whole of DIR/name, malloc'd; NULL if unreadable. */
static char *read_body(const char *name, size_t *n)
{
	char path[4096];
	struct stat st;
	char *b;
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fd = open(path, O_RDONLY);
	if (fd < 0 || fstat(fd, &st))
		return NULL;
	b = malloc((size_t)st.st_size + 1);
	*n = b ? (size_t)read(fd, b, (size_t)st.st_size) : 0;
	close(fd);
	return b;
}

/* Chunks of '[' until the client closes. */
static void serve_huge(int fd)
{
	static char junk[CHUNK];

	memset(junk, '[', sizeof(junk));
	if (put(fd, chunked_ok, strlen(chunked_ok)))
		return;
	while (!put_chunk(fd, junk, sizeof(junk)))
		;
}

static void serve_networks(int fd, const char *mode)
{
	size_t n = 0;
	char *b;

	if (!strcmp(mode, "huge")) {
		serve_huge(fd);
		return;
	}
	b = read_body("body", &n);
	if (!b) {
		reply(fd, "500 Internal Server Error", "{}", 2);
	} else if (!strcmp(mode, "chunked")) {
		if (!put(fd, chunked_ok, strlen(chunked_ok)) &&
		    !put_chunk(fd, b, n / 2) &&
		    !put_chunk(fd, b + n / 2, n - n / 2))
			put(fd, "0\r\n\r\n", 5);
	} else {
		reply(fd, "200 OK", b, n);
	}
	free(b);
}

/* DIR/ctr.body with each "@ID@" replaced by id, from /containers/ID/json. */
static void serve_containers(int fd, const char *mode, const char *path)
{
	const char *id = path + strlen("/containers/"), *end = strchr(id, '/');
	size_t n = 0, idlen = end ? (size_t)(end - id) : strlen(id), o = 0;
	char *b, *out, *at, *c;

	if (!strcmp(mode, "huge")) {
		serve_huge(fd);
		return;
	}
	if (!strcmp(mode, "slow"))
		sleep(2);
	b = read_body("ctr.body", &n);
	out = b ? malloc(n * (idlen + 1) + 1) : NULL;
	if (!out) {
		reply(fd, "500 Internal Server Error", "{}", 2);
		free(b);
		return;
	}
	b[n] = '\0';
	for (c = b; (at = strstr(c, "@ID@")); c = at + 4) {
		memcpy(out + o, c, (size_t)(at - c));
		o += (size_t)(at - c);
		memcpy(out + o, id, idlen);
		o += idlen;
	}
	memcpy(out + o, c, strlen(c));
	o += strlen(c);
	reply(fd, "200 OK", out, o);
	free(out);
	free(b);
}

/* Sends what DIR/events.lines gains, until DIR/events changes. */
static void serve_stream(int fd, const char *mode)
{
	char path[4096], now[64], buf[4096];
	off_t off = 0;
	ssize_t n;
	int lf;

	if (put(fd, chunked_ok, strlen(chunked_ok)))
		return;
	snprintf(path, sizeof(path), "%s/events.lines", dir);
	for (;;) {
		lf = open(path, O_RDONLY);
		while (lf >= 0 && (n = pread(lf, buf, sizeof(buf), off)) > 0) {
			if (put_chunk(fd, buf, (size_t)n))
				return;
			off += n;
		}
		if (lf >= 0)
			close(lf);
		mode_of("events", "stream", now, sizeof(now));
		if (strcmp(now, mode))
			return;
		usleep(50000);
	}
}

static void serve_events(int fd, const char *mode)
{
	static char junk[CHUNK];

	if (!strcmp(mode, "nonewline")) {
		memset(junk, 'x', sizeof(junk));
		if (put(fd, chunked_ok, strlen(chunked_ok)))
			return;
		while (!put_chunk(fd, junk, sizeof(junk)))
			;
		return;
	}
	serve_stream(fd, mode);
}

/* The request's path, once its headers are in; NULL if none came. */
static char *read_path(int fd, char *buf, size_t len)
{
	size_t got = 0;
	char *sp;

	while (got < len - 1 && !strstr(buf, "\r\n\r\n")) {
		ssize_t n = recv(fd, buf + got, len - 1 - got, 0);

		if (n <= 0)
			return NULL;
		got += (size_t)n;
		buf[got] = '\0';
	}
	if (strncmp(buf, "GET ", 4) || !(sp = strchr(buf + 4, ' ')))
		return NULL;
	*sp = '\0';
	return buf + 4;
}

/* The endpoint a path names, and its mode when DIR has no file for it. */
static const char *endpoint(const char *path, const char **def)
{
	static const struct {
		const char *prefix, *name, *def;
	} eps[] = {
		{ "/_ping", "ping", "ok" },
		{ "/events", "events", "stream" },
		{ "/networks/", "networks", "404" },
		{ "/containers/", "containers", "404" },
	};

	for (size_t i = 0; i < sizeof(eps) / sizeof(eps[0]); i++) {
		if (!strncmp(path, eps[i].prefix, strlen(eps[i].prefix))) {
			*def = eps[i].def;
			return eps[i].name;
		}
	}
	*def = "404";
	return "other";
}

static void serve(int fd)
{
	char req[8192] = "", mode[64], line[128];
	const char *ep, *def, *path = read_path(fd, req, sizeof(req));
	int n;

	if (!path)
		return;
	ep = endpoint(path, &def);
	n = snprintf(line, sizeof(line), "%.3f %s\n", tool_now(), ep);
	if (write(log_fd, line, (size_t)n) < 0)
		return;
	mode_of(ep, def, mode, sizeof(mode));
	if (!strcmp(mode, "hang"))
		hang();
	if (!strcmp(mode, "close"))
		return;
	if (!strcmp(mode, "fail"))
		reply(fd, "500 Internal Server Error", "{\"message\":\"no\"}",
		      16);
	else if (!strcmp(ep, "ping"))
		reply(fd, "200 OK", "OK", 2);
	else if (!strcmp(ep, "events"))
		serve_events(fd, mode);
	else if (!strcmp(mode, "404") || !strcmp(ep, "other"))
		reply(fd, "404 Not Found", "{\"message\":\"no such network\"}",
		      30);
	else if (!strcmp(ep, "containers"))
		serve_containers(fd, mode, path);
	else
		serve_networks(fd, mode);
}

static int listen_on(const char *sock)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd;

	if (strlen(sock) >= sizeof(sa.sun_path))
		return -1;
	strcpy(sa.sun_path, sock);
	unlink(sock);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) ||
	    listen(fd, 64))
		return -1;
	return fd;
}

TOOL_CMD(fakedocker)
{
	int lfd, c;

	dir = argv[1];
	log_fd = open(argv[2], O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
	lfd = listen_on(argv[0]);
	if (lfd < 0 || log_fd < 0) {
		perror("fake-docker");
		return 1;
	}
	signal(SIGCHLD, SIG_IGN); /* no zombies */
	printf("listening %s\n", argv[0]);
	fflush(stdout);
	for (;;) {
		c = accept(lfd, NULL, NULL);
		if (c < 0)
			continue;
		if (!fork()) {
			prctl(PR_SET_PDEATHSIG, SIGKILL);
			serve(c);
			_exit(0);
		}
		close(c);
	}
}
