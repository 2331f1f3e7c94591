// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <json-c/json.h>

#include "docker_json.h"
#include "ndpresponder.h"

#define JSON_DEPTH 16 /* a network object is 4 deep */

/*
 * The whole of body as one JSON value, or NULL with the reason: a NUL
 * octet, a syntax error or anything but white space after the value
 * (json_tokener_parse would accept "{}garbage").
 */
static json_object *parse_whole(const char *body, size_t len, const char **why)
{
	struct json_tokener *tok;
	json_object *o;
	size_t end;

	if (memchr(body, '\0', len)) {
		*why = "a NUL octet in the reply";
		return NULL;
	}
	tok = json_tokener_new_ex(JSON_DEPTH);
	if (!tok) {
		*why = "out of memory";
		return NULL;
	}
	o = json_tokener_parse_ex(tok, body, (int)len);
	end = json_tokener_get_parse_end(tok);
	if (!o || json_tokener_get_error(tok) != json_tokener_success) {
		*why = "not JSON";
		json_object_put(o);
		o = NULL;
	}
	json_tokener_free(tok);
	while (o && end < len && isspace((unsigned char)body[end]))
		end++;
	if (o && end != len) {
		*why = "data after the JSON value";
		json_object_put(o);
		o = NULL;
	}
	return o;
}

/* "ADDR/LEN", exactly: LEN 0..128 in digits, ADDR one address that
 * prefix_parse takes as a /128 (the rules of static entries). */
static int parse_addr(const char *s, struct prefix *p, char *why, size_t whylen)
{
	char a[INET6_ADDRSTRLEN + 1];
	const char *slash = strchr(s, '/'), *d;
	size_t alen;

	if (!slash) {
		snprintf(why, whylen, "no /LEN");
		return -EINVAL;
	}
	alen = (size_t)(slash - s);
	for (d = slash + 1; isdigit((unsigned char)*d); d++)
		;
	if (*d || d == slash + 1 || d - slash > 4 ||
	    strtoul(slash + 1, NULL, 10) > 128) {
		snprintf(why, whylen, "the length is not 0 to 128");
		return -EINVAL;
	}
	if (!alen || alen >= sizeof(a)) {
		snprintf(why, whylen, "not an IPv6 address");
		return -EINVAL;
	}
	memcpy(a, s, alen);
	a[alen] = '\0';
	return prefix_parse(a, 0, p, why, whylen);
}

/* One container's entry: 0 (its address added, or it has none, or it was
 * refused), or -EBADMSG for a wrong shape. */
static int decode_container(json_object *c, struct prefix_set *out,
			    docker_refuse_fn refuse, void *ctx)
{
	struct prefix p = { .len = 128, .action = NDPR_ACT_ANSWER };
	json_object *addr;
	const char *s;
	char why[160];

	if (!json_object_is_type(c, json_type_object))
		return -EBADMSG;
	if (!json_object_object_get_ex(c, "IPv6Address", &addr))
		return 0;
	if (!json_object_is_type(addr, json_type_string))
		return -EBADMSG;
	s = json_object_get_string(addr);
	if (!*s)
		return 0;
	if (parse_addr(s, &p, why, sizeof(why))) {
		if (refuse)
			refuse(ctx, s, why);
		return 0;
	}
	p.len = 128;
	return prefix_set_add(out, &p);
}

static int decode_containers(json_object *containers, struct prefix_set *out,
			     docker_refuse_fn refuse, void *ctx, char *why,
			     size_t whylen)
{
	int ret = 0;

	if (json_object_object_length(containers) > DOCKER_CONTAINERS_MAX) {
		snprintf(why, whylen, "%d containers, over the cap of %d",
			 json_object_object_length(containers),
			 DOCKER_CONTAINERS_MAX);
		return -E2BIG;
	}
	json_object_object_foreach(containers, id, c)
	{
		ret = decode_container(c, out, refuse, ctx);
		if (ret == -EBADMSG)
			snprintf(why, whylen,
				 "container %.16s: no IPv6Address string", id);
		if (ret)
			break;
	}
	return ret;
}

int docker_net_decode(const char *body, size_t len, struct prefix_set *out,
		      docker_refuse_fn refuse, void *ctx, char *why,
		      size_t whylen)
{
	struct prefix_set got = {};
	json_object *net, *containers;
	const char *reason = NULL;
	int ret;

	net = parse_whole(body, len, &reason);
	if (!net) {
		snprintf(why, whylen, "%s", reason);
		return -EBADMSG;
	}
	if (!json_object_is_type(net, json_type_object) ||
	    !json_object_object_get_ex(net, "Containers", &containers) ||
	    !json_object_is_type(containers, json_type_object)) {
		snprintf(why, whylen, "not a network with a Containers object");
		ret = -EBADMSG;
	} else {
		ret = decode_containers(containers, &got, refuse, ctx, why,
					whylen);
	}
	json_object_put(net);
	for (size_t i = 0; i < got.n && !ret; i++)
		ret = prefix_set_add(out, &got.v[i]);
	prefix_set_free(&got);
	return ret;
}

static const char *get_string(json_object *o, const char *key)
{
	json_object *v;

	if (!json_object_is_type(o, json_type_object) ||
	    !json_object_object_get_ex(o, key, &v) ||
	    !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

bool docker_event_network(const char *line, size_t len, char *name,
			  size_t namelen)
{
	const char *reason, *type, *n = NULL;
	json_object *ev, *actor, *attrs;

	ev = parse_whole(line, len, &reason);
	if (!ev)
		return false;
	type = get_string(ev, "Type");
	if (type && !strcmp(type, "network") &&
	    json_object_object_get_ex(ev, "Actor", &actor) &&
	    json_object_is_type(actor, json_type_object) &&
	    json_object_object_get_ex(actor, "Attributes", &attrs))
		n = get_string(attrs, "name");
	if (n && strlen(n) < namelen)
		snprintf(name, namelen, "%s", n);
	else
		n = NULL;
	json_object_put(ev);
	return n != NULL;
}

int line_split_feed(struct line_split *ls, const char *data, size_t n,
		    line_fn fn, void *ctx)
{
	while (n) {
		const char *nl = memchr(data, '\n', n);
		size_t take = nl ? (size_t)(nl - data) : n;

		if (take > sizeof(ls->buf) - ls->len) {
			ls->len = 0;
			return -EMSGSIZE;
		}
		memcpy(ls->buf + ls->len, data, take);
		ls->len += take;
		if (!nl)
			break;
		if (ls->len)
			fn(ctx, ls->buf, ls->len);
		ls->len = 0;
		data += take + 1;
		n -= take + 1;
	}
	return 0;
}
