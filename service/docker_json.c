// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
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

void docker_ids_free(struct docker_ids *ids)
{
	free(ids->v);
	memset(ids, 0, sizeof(*ids));
}

/* A container ID we may send back in a path: short, and no octet that
 * could leave the path segment even if the escaping failed. */
static bool id_valid(const char *id)
{
	size_t n = strlen(id);

	if (!n || n >= DOCKER_ID_LEN)
		return false;
	return strspn(id, "0123456789abcdefghijklmnopqrstuvwxyz"
			  "ABCDEFGHIJKLMNOPQRSTUVWXYZ_.-") == n;
}

static int ids_add(struct docker_ids *ids, const char *id)
{
	if (ids->n == ids->cap) {
		size_t cap = ids->cap ? ids->cap * 2 : 64;
		char(*v)[DOCKER_ID_LEN] = realloc(ids->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		ids->v = v;
		ids->cap = cap;
	}
	snprintf(ids->v[ids->n++], DOCKER_ID_LEN, "%s", id);
	return 0;
}

/* One container's entry: 0 (its address added, or it has none, or it was
 * refused), or -EBADMSG for a wrong shape. */
static int decode_container(const char *id, json_object *c,
			    struct prefix_set *out, struct docker_ids *ids,
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
	if (ids && !id_valid(id)) {
		if (refuse)
			refuse(ctx, s, "its container's ID is not one");
		return 0;
	}
	if (ids && ids_add(ids, id))
		return -ENOMEM;
	return prefix_set_add(out, &p);
}

static int decode_containers(json_object *containers, struct prefix_set *out,
			     struct docker_ids *ids, docker_refuse_fn refuse,
			     void *ctx, char *why, size_t whylen)
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
		ret = decode_container(id, c, out, ids, refuse, ctx);
		if (ret == -EBADMSG)
			snprintf(why, whylen,
				 "container %.16s: no IPv6Address string", id);
		if (ret)
			break;
	}
	return ret;
}

int docker_net_decode(const char *body, size_t len, struct prefix_set *out,
		      struct docker_ids *ids, docker_refuse_fn refuse,
		      void *ctx, char *why, size_t whylen)
{
	struct docker_ids got_ids = {};
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
		ret = decode_containers(containers, &got, ids ? &got_ids : NULL,
					refuse, ctx, why, whylen);
	}
	json_object_put(net);
	for (size_t i = 0; i < got.n && !ret; i++) {
		ret = prefix_set_add(out, &got.v[i]);
		if (!ret && ids)
			ret = ids_add(ids, got_ids.v[i]);
	}
	prefix_set_free(&got);
	docker_ids_free(&got_ids);
	return ret;
}

/* "ADDR/LEN" of an IPv6 subnet into p (prefix_parse's rules, host bits
 * and all refused); false if it is none. */
static bool parse_subnet(const char *s, struct prefix *p)
{
	char why[160];

	if (!strchr(s, ':') || prefix_parse(s, 0, p, why, sizeof(why)))
		return false;
	return true;
}

static const char *get_string(json_object *o, const char *key);

int docker_net_subnets(const char *body, size_t len, struct prefix *v, int max)
{
	json_object *net, *ipam, *cfg, *c;
	const char *reason, *sub;
	int n = 0;

	net = parse_whole(body, len, &reason);
	if (!net || !json_object_is_type(net, json_type_object)) {
		json_object_put(net);
		return -EBADMSG;
	}
	if (json_object_object_get_ex(net, "IPAM", &ipam) &&
	    json_object_is_type(ipam, json_type_object) &&
	    json_object_object_get_ex(ipam, "Config", &cfg) &&
	    json_object_is_type(cfg, json_type_array)) {
		for (size_t i = 0; i < json_object_array_length(cfg) && n < max;
		     i++) {
			c = json_object_array_get_idx(cfg, i);
			sub = get_string(c, "Subnet");
			if (sub && parse_subnet(sub, &v[n]))
				n++;
		}
	}
	json_object_put(net);
	return n;
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

/* o.key.key..., each an object; NULL if any is not. */
static json_object *get_path(json_object *o, const char *const *keys)
{
	for (; o && *keys; keys++)
		if (!json_object_is_type(o, json_type_object) ||
		    !json_object_object_get_ex(o, *keys, &o))
			o = NULL;
	return o && json_object_is_type(o, json_type_object) ? o : NULL;
}

static int ctr_net(json_object *nets, const char *name, struct prefix *p,
		   bool *has, docker_refuse_fn refuse, void *ctx)
{
	json_object *net;
	const char *s;
	char why[160];

	*has = false;
	if (!json_object_object_get_ex(nets, name, &net))
		return 0;
	if (!json_object_is_type(net, json_type_object))
		return -EBADMSG;
	s = get_string(net, "GlobalIPv6Address");
	if (!s || !*s)
		return 0;
	*p = (struct prefix){ .len = 128, .action = NDPR_ACT_ANSWER };
	if (strchr(s, '/') || prefix_parse(s, 0, p, why, sizeof(why))) {
		if (refuse)
			refuse(ctx, s,
			       strchr(s, '/') ? "not a bare address" : why);
		return 0;
	}
	p->len = 128;
	*has = true;
	return 0;
}

int docker_ctr_decode(const char *body, size_t len, const char *id,
		      const char *const *nets, int n, struct prefix *addrs,
		      bool *has, bool *running, docker_refuse_fn refuse,
		      void *ctx, char *why, size_t whylen)
{
	static const char *const path[] = { "NetworkSettings", "Networks",
					    NULL };
	static const char *const state_path[] = { "State", NULL };
	json_object *c, *networks, *state, *r;
	const char *reason = NULL, *got;
	int ret = 0;

	for (int i = 0; i < n; i++)
		has[i] = false;
	*running = false;
	c = parse_whole(body, len, &reason);
	if (!c) {
		snprintf(why, whylen, "%s", reason);
		return -EBADMSG;
	}
	networks = get_path(c, path);
	state = get_path(c, state_path);
	if (state && json_object_object_get_ex(state, "Running", &r) &&
	    json_object_is_type(r, json_type_boolean))
		*running = json_object_get_boolean(r);
	/* A container being created or removed may have no networks yet. */
	if (!json_object_is_type(c, json_type_object))
		ret = -EBADMSG;
	/* Another container's reply would move its addresses to this one. */
	got = ret ? NULL : get_string(c, "Id");
	if (!ret && (!got || strcmp(got, id))) {
		snprintf(why, whylen, "the Id is %.16s%s, not the one asked",
			 got ? got : "missing",
			 got && strlen(got) > 16 ? "..." : "");
		ret = -EBADMSG;
		goto out;
	}
	for (int i = 0; i < n && networks && !ret; i++)
		ret = ctr_net(networks, nets[i], &addrs[i], &has[i], refuse,
			      ctx);
	if (ret)
		snprintf(why, whylen, "not a container with networks");
out:
	json_object_put(c);
	return ret;
}

static enum docker_ev_kind event_kind(const char *type, const char *action,
				      bool *start)
{
	/* Podman sends "die" for its "died", and "remove". */
	static const char gone[][8] = { "die", "died", "stop", "destroy",
					"remove" };

	*start = false;
	if (!strcmp(type, "network")) {
		if (!strcmp(action, "connect"))
			return DOCKER_EV_JOIN;
		if (!strcmp(action, "disconnect"))
			return DOCKER_EV_LEAVE;
		return DOCKER_EV_NET;
	}
	if (strcmp(type, "container"))
		return DOCKER_EV_NONE;
	if (!strcmp(action, "start")) {
		*start = true;
		return DOCKER_EV_JOIN;
	}
	for (size_t i = 0; i < sizeof(gone) / sizeof(*gone); i++)
		if (!strcmp(action, gone[i]))
			return DOCKER_EV_GONE;
	return DOCKER_EV_NONE;
}

static void copy_str(char *buf, size_t len, const char *s)
{
	if (s && strlen(s) < len)
		snprintf(buf, len, "%s", s);
	else
		buf[0] = '\0';
}

/* The event's names: Docker's network events name the container in
 * .container and the network in .name; Podman's have no .container, and
 * their Actor.ID is the container's. */
static void event_names(json_object *actor, struct docker_event *ev)
{
	static const char *const attrs_path[] = { "Attributes", NULL };
	json_object *attrs = get_path(actor, attrs_path);
	const char *id = get_string(actor, "ID");
	const char *name = attrs ? get_string(attrs, "name") : NULL;
	const char *ctr = attrs ? get_string(attrs, "container") : NULL;

	if (ev->kind == DOCKER_EV_NET) {
		copy_str(ev->net, sizeof(ev->net), name);
		return;
	}
	if (ev->kind == DOCKER_EV_JOIN || ev->kind == DOCKER_EV_LEAVE) {
		if (ev->start || !ctr)
			ctr = id;
		else
			copy_str(ev->net, sizeof(ev->net), name);
		id = ctr;
	}
	copy_str(ev->id, sizeof(ev->id), id);
	if (!id_valid(ev->id)) {
		ev->kind = DOCKER_EV_NONE;
		ev->start = false;
		ev->id[0] = '\0';
	}
}

bool docker_event_decode(const char *line, size_t len, struct docker_event *ev)
{
	const char *reason, *type, *action;
	json_object *o, *actor;

	memset(ev, 0, sizeof(*ev));
	o = parse_whole(line, len, &reason);
	if (!o)
		return false;
	type = get_string(o, "Type");
	action = get_string(o, "Action");
	if (type && action && json_object_object_get_ex(o, "Actor", &actor) &&
	    json_object_is_type(actor, json_type_object)) {
		ev->kind = event_kind(type, action, &ev->start);
		event_names(actor, ev);
	}
	if (ev->kind == DOCKER_EV_NET && !ev->net[0])
		ev->kind = DOCKER_EV_NONE;
	json_object_put(o);
	return true;
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
