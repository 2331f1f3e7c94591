// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The metrics endpoint, served by libmicrohttpd in a thread of its own
 * (MHD_USE_INTERNAL_POLLING_THREAD) rather than in the service's poll
 * loop: a scrape reads the counters and walks the prefix maps (65536
 * entries take a while), and none of that may delay the event log, the
 * Docker stream or a reload. The thread touches only its own map fds and
 * the snapshot the service publishes under the lock, so a scrape sees one
 * consistent state. The answers themselves are XDP's and never wait.
 */
#include <errno.h>
#include <net/if.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <microhttpd.h>

#include "docker.h"
#include "log.h"
#include "metrics_http.h"

/* Bad or slow clients: a scrape is one small request, so few connections,
 * small buffers and a short timeout bound what they can hold. */
#define HTTP_MAX_CONNECTIONS 128
#define HTTP_TIMEOUT_S	     10
#define HTTP_MEMORY_LIMIT    (16 * 1024) /* per connection, headers */

bool metrics_http_supported(void)
{
	return true;
}

void metrics_http_init(struct metrics_http *h)
{
	memset(h, 0, sizeof(*h));
	h->listen_fd = -1;
	h->maps = (struct ndpr_maps)NDPR_MAPS_INIT;
	pthread_mutex_init(&h->lock, NULL);
}

/* "IPV4:PORT" or "[IPV6]:PORT" (a scope after '%'), numeric only. */
static int parse_addr(const char *addr, struct addrinfo **ai)
{
	const struct addrinfo hints = {
		.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV | AI_PASSIVE,
		.ai_socktype = SOCK_STREAM,
	};
	char host[INET6_ADDRSTRLEN + IF_NAMESIZE + 2];
	const char *port, *end;

	if (addr[0] == '[') {
		end = strchr(addr, ']');
		port = end && end[1] == ':' ? end + 2 : NULL;
		addr++;
	} else {
		end = strrchr(addr, ':');
		port = end ? end + 1 : NULL;
		/* A bare IPv6 address has more colons: it needs brackets. */
		if (end && memchr(addr, ':', (size_t)(end - addr)))
			port = NULL;
	}
	/* 1 to 65535, digits only: at most five of them. */
	if (!port || !*port || strspn(port, "0123456789") != strlen(port) ||
	    strlen(port) > 5 || atoi(port) < 1 || atoi(port) > 65535 ||
	    (size_t)(end - addr) >= sizeof(host))
		return -EINVAL;
	snprintf(host, sizeof(host), "%.*s", (int)(end - addr), addr);
	return getaddrinfo(host, port, &hints, ai) ? -EINVAL : 0;
}

int metrics_http_listen(struct metrics_http *h, const char *addr)
{
	struct addrinfo *ai;
	int one = 1, ret;

	if (parse_addr(addr, &ai)) {
		pr_err("run: --metrics-listen takes IPV4:PORT or [IPV6]:PORT, "
		       "not '%s'",
		       addr);
		return -EINVAL;
	}
	h->listen_fd = socket(ai->ai_family,
			      SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	ret = h->listen_fd < 0 ? -errno : 0;
	if (!ret)
		setsockopt(h->listen_fd, SOL_SOCKET, SO_REUSEADDR, &one,
			   sizeof(one));
	if (!ret && (bind(h->listen_fd, ai->ai_addr, ai->ai_addrlen) ||
		     listen(h->listen_fd, 64)))
		ret = -errno;
	freeaddrinfo(ai);
	if (ret)
		pr_err("run: couldn't listen on %s for metrics: %s", addr,
		       errstr(ret));
	return ret;
}

static enum MHD_Result reply(struct MHD_Connection *c, unsigned int status,
			     const char *type, char *body, size_t len,
			     enum MHD_ResponseMemoryMode mem)
{
	struct MHD_Response *r;
	enum MHD_Result ret;

	r = MHD_create_response_from_buffer(len, body, mem);
	if (!r) {
		if (mem == MHD_RESPMEM_MUST_FREE)
			free(body);
		return MHD_NO;
	}
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type);
	if (status == MHD_HTTP_METHOD_NOT_ALLOWED)
		MHD_add_response_header(r, MHD_HTTP_HEADER_ALLOW, "GET, HEAD");
	ret = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	return ret;
}

static enum MHD_Result reply_text(struct MHD_Connection *c, unsigned int status,
				  const char *text)
{
	return reply(c, status, "text/plain; charset=utf-8", (char *)text,
		     strlen(text), MHD_RESPMEM_PERSISTENT);
}

/* The whole exposition, read now: the responder's maps, what the service
 * published, the process. */
static int expose(struct metrics_http *h, struct metrics_out *o)
{
	struct metrics_responder *r = calloc(1, sizeof(*r));
	struct metrics_docker d;
	struct proc_stats ps;
	int ret;

	if (!r)
		return -ENOMEM;
	ret = metrics_responder_read(r, h->ifname, h->pd, &h->maps);
	if (!ret)
		metrics_responder_write(o, r);
	free(r);
	if (ret)
		return ret;
	if (h->docker) {
		pthread_mutex_lock(&h->lock);
		d = h->published;
		pthread_mutex_unlock(&h->lock);
		metrics_docker_write(o, h->ifname, &d);
	}
	metrics_build_info(o,
			   docker_supported() ? "docker,metrics" : "metrics");
	if (!proc_stats_read(&ps))
		metrics_process(o, &ps);
	return metrics_finish(o);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c,
				  const char *url, const char *method,
				  const char *version, const char *upload,
				  size_t *upload_size, void **con_cls)
{
	struct metrics_http *h = cls;
	struct metrics_out o;
	const char *accept;
	bool om;

	if (strcmp(method, MHD_HTTP_METHOD_GET) &&
	    strcmp(method, MHD_HTTP_METHOD_HEAD))
		return reply_text(c, MHD_HTTP_METHOD_NOT_ALLOWED,
				  "only GET and HEAD\n");
	if (strcmp(url, "/metrics"))
		return reply_text(c, MHD_HTTP_NOT_FOUND,
				  "not found; metrics are at /metrics\n");
	accept = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
					     MHD_HTTP_HEADER_ACCEPT);
	om = metrics_wants_openmetrics(accept);
	metrics_init(&o, om ? METRICS_OPENMETRICS : METRICS_PROMETHEUS);
	if (expose(h, &o)) {
		metrics_free(&o);
		return reply_text(c, MHD_HTTP_SERVICE_UNAVAILABLE,
				  "couldn't read the responder's maps\n");
	}
	return reply(c, MHD_HTTP_OK,
		     om ? METRICS_CONTENT_TYPE_OPENMETRICS :
			  METRICS_CONTENT_TYPE_PROMETHEUS,
		     o.buf, o.len, MHD_RESPMEM_MUST_FREE);
}

int metrics_http_start(struct metrics_http *h, const char *ifname,
		       const struct pin_dir *pd, bool docker)
{
	int ret;

	h->ifname = ifname;
	h->pd = pd;
	h->docker = docker;
	ret = maps_open(pd, ifname, &h->maps);
	if (ret)
		return ret;
	h->mhd = MHD_start_daemon(
		MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_AUTO, 0, NULL, NULL,
		on_request, h, MHD_OPTION_LISTEN_SOCKET, h->listen_fd,
		MHD_OPTION_CONNECTION_LIMIT, (unsigned int)HTTP_MAX_CONNECTIONS,
		MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)HTTP_TIMEOUT_S,
		MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)HTTP_MEMORY_LIMIT,
		MHD_OPTION_END);
	if (!h->mhd) {
		pr_err("run: couldn't start the metrics endpoint");
		return -EIO;
	}
	h->listen_fd = -1; /* MHD's now: MHD_stop_daemon closes it */
	return 0;
}

void metrics_http_publish(struct metrics_http *h,
			  const struct metrics_docker *d)
{
	pthread_mutex_lock(&h->lock);
	h->published = *d;
	pthread_mutex_unlock(&h->lock);
}

void metrics_http_stop(struct metrics_http *h)
{
	if (h->mhd)
		MHD_stop_daemon(h->mhd);
	h->mhd = NULL;
	if (h->listen_fd >= 0)
		close(h->listen_fd);
	h->listen_fd = -1;
	maps_close(&h->maps);
	pthread_mutex_destroy(&h->lock);
}
