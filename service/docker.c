// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <json-c/json.h>

#include "docker.h"
#include "ndpresponder.h"


#define DOCKER_SOCK_DEFAULT "/var/run/docker.sock"
#define API_TIMEOUT_S	    5
#define BACKOFF_MAX_S	    30
#define RESYNC_EVERY_S	    30 /* a safety net under the event stream */

/* Only network events matter: connect, disconnect, create, destroy. */
#define EVENTS_URL                                                     \
	"http://docker/events?filters=%7B%22type%22%3A%5B%22network%22%5D%7D"

struct buf {
	char *p;
	size_t len, cap;
};

static int buf_add(struct buf *b, const char *data, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		size_t cap = (b->len + n + 1) * 2;
		char *p = realloc(b->p, cap);

		if (!p)
			return -ENOMEM;
		b->p = p;
		b->cap = cap;
	}
	memcpy(b->p + b->len, data, n);
	b->len += n;
	b->p[b->len] = '\0';
	return 0;
}

static size_t collect(char *data, size_t size, size_t n, void *userp)
{
	return buf_add(userp, data, size * n) ? 0 : size * n;
}

bool docker_supported(void)
{
	return true;
}

int docker_init(struct docker *d, const char *const *names, int n,
		const uint16_t *origins, docker_apply_fn apply, void *ctx,
		const struct slog *log)
{
	const char *host = getenv("DOCKER_HOST");

	memset(d, 0, sizeof(*d));
	if (n > DOCKER_MAX_NETWORKS)
		return -E2BIG;
	if (host && *host) {
		if (strncmp(host, "unix://", 7)) {
			slog(log, SLOG_ERROR,
			     "DOCKER_HOST=%s: only unix:// sockets are "
			     "supported",
			     host);
			return -EINVAL;
		}
		snprintf(d->sock, sizeof(d->sock), "%s", host + 7);
	} else {
		snprintf(d->sock, sizeof(d->sock), "%s", DOCKER_SOCK_DEFAULT);
	}
	for (int i = 0; i < n; i++) {
		d->nets[i].name = names[i];
		d->nets[i].origin = origins[i];
	}
	d->nnets = n;
	d->apply = apply;
	d->ctx = ctx;
	d->log = log;
	d->backoff = 1;
	if (curl_global_init(CURL_GLOBAL_NOTHING))
		return -ENOMEM;
	d->api = curl_easy_init();
	d->multi = curl_multi_init();
	return d->api && d->multi ? 0 : -ENOMEM;
}

static void stream_stop(struct docker *d)
{
	if (d->stream) {
		curl_multi_remove_handle(d->multi, d->stream);
		curl_easy_cleanup(d->stream);
		d->stream = NULL;
	}
	d->line_len = 0;
}

void docker_free(struct docker *d)
{
	stream_stop(d);
	if (d->multi)
		curl_multi_cleanup(d->multi);
	if (d->api)
		curl_easy_cleanup(d->api);
	free(d->line);
	curl_global_cleanup();
	memset(d, 0, sizeof(*d));
}

/* GET path; the parsed body in *out (NULL unless 200). */
static int api_get(struct docker *d, const char *path, long *status,
		   json_object **out)
{
	struct buf body = {};
	char url[512], err[CURL_ERROR_SIZE] = "";
	CURLcode rc;

	*out = NULL;
	snprintf(url, sizeof(url), "http://docker%s", path);
	curl_easy_reset(d->api);
	curl_easy_setopt(d->api, CURLOPT_UNIX_SOCKET_PATH, d->sock);
	curl_easy_setopt(d->api, CURLOPT_URL, url);
	curl_easy_setopt(d->api, CURLOPT_TIMEOUT, (long)API_TIMEOUT_S);
	curl_easy_setopt(d->api, CURLOPT_WRITEFUNCTION, collect);
	curl_easy_setopt(d->api, CURLOPT_WRITEDATA, &body);
	curl_easy_setopt(d->api, CURLOPT_ERRORBUFFER, err);
	curl_easy_setopt(d->api, CURLOPT_NOSIGNAL, 1L);
	rc = curl_easy_perform(d->api);
	if (rc != CURLE_OK) {
		slog(d->log, SLOG_WARN, "Docker API %s: %s", path,
		     err[0] ? err : curl_easy_strerror(rc));
		free(body.p);
		return -ECONNREFUSED;
	}
	curl_easy_getinfo(d->api, CURLINFO_RESPONSE_CODE, status);
	if (*status == 200 && body.p)
		*out = json_tokener_parse(body.p);
	free(body.p);
	if (*status == 200 && !*out) {
		slog(d->log, SLOG_WARN, "Docker API %s: unreadable answer",
		     path);
		return -EPROTO;
	}
	return 0;
}

/* Adds the IPv6 address of each container in the network's JSON. */
static int collect_addrs(struct docker *d, json_object *net,
			 struct prefix_set *out)
{
	json_object *containers, *addr;
	struct prefix p = { .len = 128, .action = NDPR_ACT_ANSWER };
	char a[INET6_ADDRSTRLEN + 8], *slash;
	int ret;

	if (!json_object_object_get_ex(net, "Containers", &containers) ||
	    !json_object_is_type(containers, json_type_object))
		return 0;
	json_object_object_foreach(containers, id, c)
	{
		(void)id;
		if (!json_object_object_get_ex(c, "IPv6Address", &addr))
			continue;
		snprintf(a, sizeof(a), "%s", json_object_get_string(addr));
		slash = strchr(a, '/');
		if (slash)
			*slash = '\0';
		if (!a[0] || inet_pton(AF_INET6, a, &p.addr) != 1)
			continue;
		ret = prefix_set_add(out, &p);
		if (ret)
			return ret;
	}
	return 0;
}

static int resync(struct docker *d, struct docker_net *n)
{
	struct prefix_set addrs = {};
	char path[300], *esc;
	json_object *net;
	long status = 0;
	int ret;

	esc = curl_easy_escape(d->api, n->name, 0);
	if (!esc)
		return -ENOMEM;
	snprintf(path, sizeof(path), "/networks/%s", esc);
	curl_free(esc);
	ret = api_get(d, path, &status, &net);
	if (ret)
		return ret;
	if (status == 404) {
		if (n->exists || !n->dirty)
			slog(d->log, SLOG_INFO,
			     "Docker network %s does not exist (yet); "
			     "waiting for it",
			     n->name);
		n->exists = false;
	} else if (status != 200) {
		slog(d->log, SLOG_WARN, "Docker API %s: HTTP %ld", path,
		     status);
		return -EPROTO;
	} else {
		n->exists = true;
		ret = collect_addrs(d, net, &addrs);
		json_object_put(net);
	}
	n->dirty = false;
	if (!ret)
		ret = d->apply(d->ctx, n->origin, n->name, &addrs);
	prefix_set_free(&addrs);
	return ret;
}

static int resync_all(struct docker *d, bool only_dirty)
{
	for (int i = 0; i < d->nnets; i++) {
		int ret;

		if (only_dirty && !d->nets[i].dirty)
			continue;
		ret = resync(d, &d->nets[i]);
		if (ret)
			return ret;
	}
	return 0;
}

/* One line of the event stream: marks its network for a resync. */
static void on_event_line(struct docker *d, const char *line)
{
	json_object *ev = json_tokener_parse(line), *type, *actor, *attrs,
		    *name;

	if (!ev)
		return;
	if (json_object_object_get_ex(ev, "Type", &type) &&
	    !strcmp(json_object_get_string(type), "network") &&
	    json_object_object_get_ex(ev, "Actor", &actor) &&
	    json_object_object_get_ex(actor, "Attributes", &attrs) &&
	    json_object_object_get_ex(attrs, "name", &name)) {
		for (int i = 0; i < d->nnets; i++)
			if (!strcmp(d->nets[i].name,
				    json_object_get_string(name)))
				d->nets[i].dirty = true;
	}
	json_object_put(ev);
}

static size_t on_stream(char *data, size_t size, size_t n, void *userp)
{
	struct docker *d = userp;
	struct buf b = { d->line, d->line_len, d->line_cap };
	char *nl;

	if (buf_add(&b, data, size * n))
		return 0;
	d->line = b.p;
	d->line_cap = b.cap;
	d->line_len = b.len;
	while ((nl = memchr(d->line, '\n', d->line_len))) {
		size_t used = (size_t)(nl - d->line) + 1;

		*nl = '\0';
		on_event_line(d, d->line);
		memmove(d->line, nl + 1, d->line_len - used);
		d->line_len -= used;
	}
	return size * n;
}

static void schedule_retry(struct docker *d, const char *why)
{
	stream_stop(d);
	if (d->connected || d->wait == 0)
		slog(d->log, SLOG_WARN,
		     "Docker: %s; keeping the last known addresses, retrying "
		     "in %us",
		     why, d->backoff);
	d->connected = false;
	d->wait = d->backoff;
	d->backoff = d->backoff * 2 > BACKOFF_MAX_S ? BACKOFF_MAX_S :
						      d->backoff * 2;
}

void docker_connect(struct docker *d)
{
	stream_stop(d);
	d->stream = curl_easy_init();
	if (!d->stream) {
		schedule_retry(d, "out of memory");
		return;
	}
	curl_easy_setopt(d->stream, CURLOPT_UNIX_SOCKET_PATH, d->sock);
	curl_easy_setopt(d->stream, CURLOPT_URL, EVENTS_URL);
	curl_easy_setopt(d->stream, CURLOPT_WRITEFUNCTION, on_stream);
	curl_easy_setopt(d->stream, CURLOPT_WRITEDATA, d);
	curl_easy_setopt(d->stream, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(d->stream, CURLOPT_CONNECTTIMEOUT, (long)API_TIMEOUT_S);
	curl_multi_add_handle(d->multi, d->stream);

	/* Subscribed first, then read: nothing falls between the two. */
	if (resync_all(d, false)) {
		schedule_retry(d, "the API does not answer");
		return;
	}
	if (!d->connected)
		slog(d->log, SLOG_INFO, "Docker: following %d network%s on %s",
		     d->nnets, d->nnets == 1 ? "" : "s", d->sock);
	d->connected = true;
	d->backoff = 1;
	d->wait = RESYNC_EVERY_S;
}

int docker_poll(struct docker *d, struct curl_waitfd *extra, unsigned int n,
		int timeout_ms)
{
	struct CURLMsg *msg;
	int running, left;
	CURLMcode mc;

	mc = curl_multi_poll(d->multi, extra, n, timeout_ms, NULL);
	if (mc != CURLM_OK)
		return -EIO;
	curl_multi_perform(d->multi, &running);
	while ((msg = curl_multi_info_read(d->multi, &left))) {
		char why[160];

		if (msg->msg != CURLMSG_DONE || msg->easy_handle != d->stream)
			continue;
		snprintf(why, sizeof(why), "event stream ended (%s)",
			 curl_easy_strerror(msg->data.result));
		schedule_retry(d, why);
	}
	if (d->connected && resync_all(d, true))
		schedule_retry(d, "the API does not answer");
	return 0;
}

void docker_tick(struct docker *d)
{
	if (d->wait && --d->wait)
		return;
	if (d->connected) {
		/* The periodic safety-net resync. */
		for (int i = 0; i < d->nnets; i++)
			d->nets[i].dirty = true;
		d->wait = RESYNC_EVERY_S;
		return;
	}
	docker_connect(d);
}
