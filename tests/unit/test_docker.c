// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Docker mode's parts without an engine: the network decoder against
 * every shape and address the API might send, the event-line splitter at
 * its cap, event lines, and the HTTP client over a real UNIX socket
 * (Content-Length, chunked, over the cap, closed early).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "harness.h"
#include "docker_http.h"
#include "docker_json.h"

struct decode_case {
	const char *body;
	int ret;	   /* 0 or the negative errno */
	const char *addrs; /* the /128s decoded, space separated */
	int refused;	   /* addresses refused */
	const char *why;   /* fragment of the reason, when ret != 0 */
};

#define NET(c)	  "{\"Name\":\"n\",\"Containers\":{" c "}}"
#define CT(id, a) "\"" id "\":{\"Name\":\"x\",\"IPv6Address\":\"" a "\"}"

static const struct decode_case decode_cases[] = {
	{ NET(CT("a", "2001:db8::5/64") "," CT("b", "2001:db8::6/112")), 0,
	  "2001:db8::5 2001:db8::6", 0, NULL },
	{ NET(""), 0, "", 0, NULL },
	{ NET(CT("a", "")), 0, "", 0, NULL },
	{ NET("\"a\":{\"Name\":\"x\"}"), 0, "", 0, NULL },
	{ NET(CT("a", "2001:db8::5/64")) " \n", 0, "2001:db8::5", 0, NULL },
	/* Shapes that are not a network. */
	{ "[]", -EBADMSG, "", 0, "Containers object" },
	{ "{}", -EBADMSG, "", 0, "Containers object" },
	{ "\"str\"", -EBADMSG, "", 0, "Containers object" },
	{ "{\"Containers\":[]}", -EBADMSG, "", 0, "Containers object" },
	{ "{\"Containers\":\"x\"}", -EBADMSG, "", 0, "Containers object" },
	{ "{\"Containers\":null}", -EBADMSG, "", 0, "Containers object" },
	{ "{\"Containers\":{\"a\":3}}", -EBADMSG, "", 0, "no IPv6Address" },
	{ "{\"Containers\":{\"a\":{\"IPv6Address\":5}}}", -EBADMSG, "", 0,
	  "no IPv6Address" },
	{ NET(CT("a", "2001:db8::5/64")) "x", -EBADMSG, "", 0, "after" },
	{ NET(CT("a", "2001:db8::5/64")) "{}", -EBADMSG, "", 0, "after" },
	{ "{\"Containers\":", -EBADMSG, "", 0, "not JSON" },
	{ "", -EBADMSG, "", 0, "not JSON" },
	/* Addresses: refused one by one, the rest kept. */
	{ NET(CT("a", "::/64") "," CT("b", "2001:db8::5/64")), 0, "2001:db8::5",
	  1, NULL },
	{ NET(CT("a", "::1/128")), 0, "", 1, NULL },
	{ NET(CT("a", "::ffff:10.0.0.1/96")), 0, "", 1, NULL },
	{ NET(CT("a", "fe80::1/64")), 0, "", 1, NULL },
	{ NET(CT("a", "ff02::1/64")), 0, "", 1, NULL },
	{ NET(CT("a", "2001:db8::5/200")), 0, "", 1, NULL },
	{ NET(CT("a", "2001:db8::5/abc")), 0, "", 1, NULL },
	{ NET(CT("a", "2001:db8::5/64 trailing")), 0, "", 1, NULL },
	{ NET(CT("a", "2001:db8::5")), 0, "", 1, NULL },
	{ NET(CT("a", "2001:db8::5/")), 0, "", 1, NULL },
	{ NET(CT("a", "2001:db8::5/0128")), 0, "", 1, NULL },
	{ NET(CT("a", "/64")), 0, "", 1, NULL },
	{ NET(CT("a", "10.0.0.1/24")), 0, "", 1, NULL },
};

static int refused;

static void count_refused(void *ctx, const char *addr, const char *why)
{
	refused++;
}

static void format_set(const struct prefix_set *s, char *buf, size_t len)
{
	size_t o = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < s->n && o < len; i++) {
		char a[INET6_ADDRSTRLEN];

		inet_ntop(AF_INET6, &s->v[i].addr, a, sizeof(a));
		o += (size_t)snprintf(buf + o, len - o, "%s%s", i ? " " : "",
				      a);
	}
}

static void test_decode(void)
{
	for (size_t i = 0; i < sizeof(decode_cases) / sizeof(*decode_cases);
	     i++) {
		const struct decode_case *c = &decode_cases[i];
		struct prefix_set s = {};
		char name[96], why[160] = "", got[512];
		int ret, ok = 1;

		snprintf(name, sizeof(name), "decode %.60s", c->body);
		refused = 0;
		ret = docker_net_decode(c->body, strlen(c->body), &s, NULL,
					count_refused, NULL, why, sizeof(why));
		format_set(&s, got, sizeof(got));
		ok &= CHECK(name, ret == c->ret,
			    "returned %d, expected %d (%s)", ret, c->ret, why);
		ok &= CHECK(name, !strcmp(got, c->addrs),
			    "addresses '%s', expected '%s'", got, c->addrs);
		ok &= CHECK(name, refused == c->refused,
			    "%d refused, expected %d", refused, c->refused);
		for (size_t k = 0; k < s.n; k++)
			ok &= CHECK(name, s.v[k].len == 128, "a /%u",
				    s.v[k].len);
		if (c->why)
			ok &= CHECK(name, strstr(why, c->why),
				    "reason '%s', expected '%s'", why, c->why);
		if (ok)
			harness_result(1, name, " ");
		prefix_set_free(&s);
	}
}

static void test_too_many(void)
{
	size_t cap = 40 * (DOCKER_CONTAINERS_MAX + 1) + 64, o;
	struct prefix_set s = {};
	char *b = malloc(cap), why[160];
	int ret;

	o = (size_t)snprintf(b, cap, "{\"Containers\":{");
	for (int i = 0; i <= DOCKER_CONTAINERS_MAX; i++)
		o += (size_t)snprintf(b + o, cap - o, "%s\"%d\":{}",
				      i ? "," : "", i);
	o += (size_t)snprintf(b + o, cap - o, "}}");
	ret = docker_net_decode(b, o, &s, NULL, NULL, NULL, why, sizeof(why));
	if (CHECK("decode: over the containers cap refused", ret == -E2BIG,
		  "returned %d (%s)", ret, why))
		harness_result(1, "decode: over the containers cap refused",
			       " ");
	prefix_set_free(&s);
	free(b);
}

static char lines_got[512];

static void add_line(void *ctx, const char *line, size_t len)
{
	size_t o = strlen(lines_got);

	snprintf(lines_got + o, sizeof(lines_got) - o, "[%.*s]", (int)len,
		 line);
}

static void test_split(void)
{
	static struct line_split ls;
	static char big[DOCKER_LINE_MAX + 1];
	int ret;

	lines_got[0] = '\0';
	line_split_feed(&ls, "ab", 2, add_line, NULL);
	line_split_feed(&ls, "c\n\nde\nf", 7, add_line, NULL);
	line_split_feed(&ls, "\n", 1, add_line, NULL);
	if (CHECK("split: lines across feeds, empty ones skipped",
		  !strcmp(lines_got, "[abc][de][f]"), "got %s", lines_got))
		harness_result(1,
			       "split: lines across feeds, empty ones skipped",
			       " ");

	memset(big, 'x', sizeof(big));
	lines_got[0] = '\0';
	ret = line_split_feed(&ls, big, DOCKER_LINE_MAX, add_line, NULL);
	ret |= line_split_feed(&ls, "\n", 1, add_line, NULL);
	if (CHECK("split: a line of exactly the cap passes",
		  !ret && strlen(lines_got) > 100, "ret %d", ret))
		harness_result(1, "split: a line of exactly the cap passes",
			       " ");
	ret = line_split_feed(&ls, big, DOCKER_LINE_MAX, add_line, NULL);
	ret = ret ?: line_split_feed(&ls, "y", 1, add_line, NULL);
	if (CHECK("split: one octet over the cap refused", ret == -EMSGSIZE,
		  "ret %d", ret))
		harness_result(1, "split: one octet over the cap refused", " ");
}

#define ID64 "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
#define EV(type, action, actor) \
	"{\"Type\":\"" type "\",\"Action\":\"" action "\",\"Actor\":" actor "}"

/* What each engine sends, as each engine sends it. */
static void test_events(void)
{
	static const struct {
		const char *line;
		enum docker_ev_kind kind;
		bool start;
		const char *net, *id;
	} cases[] = {
		/* Docker: the network in name, the container in container. */
		{ EV("network", "connect",
		     "{\"ID\":\"n1\",\"Attributes\":{\"name\":\"v6\","
		     "\"container\":\"" ID64 "\",\"type\":\"bridge\"}}"),
		  DOCKER_EV_JOIN, false, "v6", ID64 },
		{ EV("network", "disconnect",
		     "{\"ID\":\"n1\",\"Attributes\":{\"name\":\"v6\","
		     "\"container\":\"c1\"}}"),
		  DOCKER_EV_LEAVE, false, "v6", "c1" },
		{ EV("network", "create",
		     "{\"ID\":\"n1\",\"Attributes\":{\"name\":\"v6\"}}"),
		  DOCKER_EV_NET, false, "v6", "" },
		{ EV("network", "destroy",
		     "{\"ID\":\"n1\",\"Attributes\":{\"name\":\"v6\"}}"),
		  DOCKER_EV_NET, false, "v6", "" },
		/* Podman: the container in ID and name, no network. */
		{ EV("network", "disconnect",
		     "{\"ID\":\"c2\",\"Attributes\":{\"name\":\"ctr\","
		     "\"podId\":\"\"}}"),
		  DOCKER_EV_LEAVE, false, "", "c2" },
		{ EV("container", "start",
		     "{\"ID\":\"c3\",\"Attributes\":{\"name\":\"v6\"}}"),
		  DOCKER_EV_JOIN, true, "", "c3" },
		{ EV("container", "die", "{\"ID\":\"c3\"}"), DOCKER_EV_GONE,
		  false, "", "c3" },
		{ EV("container", "remove", "{\"ID\":\"c3\"}"), DOCKER_EV_GONE,
		  false, "", "c3" },
		{ EV("container", "stop", "{\"ID\":\"c3\"}"), DOCKER_EV_GONE,
		  false, "", "c3" },
		{ EV("container", "destroy", "{\"ID\":\"c3\"}"), DOCKER_EV_GONE,
		  false, "", "c3" },
		{ EV("container", "exec_create", "{\"ID\":\"c3\"}"),
		  DOCKER_EV_NONE, false, "", "" },
		/* IDs that could not be sent back in a path, and shapes. */
		{ EV("container", "start", "{\"ID\":\"../x\"}"), DOCKER_EV_NONE,
		  false, "", "" },
		{ EV("container", "start", "{\"ID\":\"a b\"}"), DOCKER_EV_NONE,
		  false, "", "" },
		{ EV("container", "start", "{\"ID\":\"" ID64 "0\"}"),
		  DOCKER_EV_NONE, false, "", "" },
		{ EV("container", "start", "{\"ID\":5}"), DOCKER_EV_NONE, false,
		  "", "" },
		{ EV("network", "create", "{\"Attributes\":{\"name\":5}}"),
		  DOCKER_EV_NONE, false, "", "" },
		{ EV("network", "connect", "[]"), DOCKER_EV_NONE, false, "",
		  "" },
	};
	struct docker_event ev;
	char what[96];
	bool ok;

	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		ok = docker_event_decode(cases[i].line, strlen(cases[i].line),
					 &ev) &&
		     ev.kind == cases[i].kind && ev.start == cases[i].start &&
		     !strcmp(ev.net, cases[i].net) &&
		     (ev.kind == DOCKER_EV_NONE || !strcmp(ev.id, cases[i].id));
		snprintf(what, sizeof(what), "event %.60s", cases[i].line + 8);
		harness_result(ok, what,
			       "got kind %d start %d net \"%s\" id %s", ev.kind,
			       ev.start, ev.net, ev.id);
	}
	ok = !docker_event_decode("not json", 8, &ev) &&
	     !docker_event_decode("{} x", 4, &ev);
	harness_result(ok, "event: not JSON, or data after it", "decoded");
}

#define CTR(nets)  "{\"Id\":\"c\",\"NetworkSettings\":{\"Networks\":{" nets "}}}"
#define ON(net, a) "\"" net "\":{\"GlobalIPv6Address\":\"" a "\"}"

/* A container object: its address on each followed network. */
static void test_ctr(void)
{
	static const char *const nets[] = { "v6", "w6" };
	static const struct {
		const char *body;
		int ret;
		const char *v6, *w6; /* "" for none */
	} cases[] = {
		{ CTR(ON("v6", "2001:db8::5") "," ON("w6", "2001:db8:1::6")), 0,
		  "2001:db8::5", "2001:db8:1::6" },
		{ CTR(ON("v6", "2001:db8::5") "," ON("x", "2001:db8::7")), 0,
		  "2001:db8::5", "" },
		{ CTR(ON("v6", "")), 0, "", "" },
		{ CTR(""), 0, "", "" },
		{ "{\"Id\":\"c\"}", 0, "", "" },
		/* Refused addresses: the rest are kept. */
		{ CTR(ON("v6", "2001:db8::5/64") "," ON("w6", "2001:db8::6")),
		  0, "", "2001:db8::6" },
		{ CTR(ON("v6", "fe80::1") "," ON("w6", "ff02::1")), 0, "", "" },
		{ CTR(ON("v6", "::ffff:10.0.0.1")), 0, "", "" },
		{ CTR("\"v6\":5"), -EBADMSG, "", "" },
		{ "[]", -EBADMSG, "", "" },
		{ CTR("") "x", -EBADMSG, "", "" },
		/* Another container's reply, or none's. */
		{ "{\"Id\":\"d\",\"NetworkSettings\":{\"Networks\":{" ON(
			  "v6", "2001:db8::5") "}}}",
		  -EBADMSG, "", "" },
		{ "{\"Id\":\"cc\"}", -EBADMSG, "", "" },
		{ "{\"Id\":5}", -EBADMSG, "", "" },
		{ "{\"NetworkSettings\":{}}", -EBADMSG, "", "" },
	};
	char a[INET6_ADDRSTRLEN], b[INET6_ADDRSTRLEN], why[160];
	struct prefix addrs[2];
	char what[96];
	bool has[2], running;
	int ret;

	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		ret = docker_ctr_decode(cases[i].body, strlen(cases[i].body),
					"c", nets, 2, addrs, has, &running,
					NULL, NULL, why, sizeof(why));
		a[0] = b[0] = '\0';
		if (!ret && has[0])
			inet_ntop(AF_INET6, &addrs[0].addr, a, sizeof(a));
		if (!ret && has[1])
			inet_ntop(AF_INET6, &addrs[1].addr, b, sizeof(b));
		snprintf(what, sizeof(what), "container %.60s", cases[i].body);
		harness_result(ret == cases[i].ret && !strcmp(a, cases[i].v6) &&
				       !strcmp(b, cases[i].w6),
			       what, "returned %d, v6 \"%s\" w6 \"%s\"", ret, a,
			       b);
	}
}

/* A network object's IPv6 subnets: IPv4 and junk skipped. */
static void test_subnets(void)
{
	static const struct {
		const char *body;
		int ret;
		const char *first; /* "" for none */
	} cases[] = {
		{ "{\"IPAM\":{\"Config\":[{\"Subnet\":\"172.26.0.0/16\"},"
		  "{\"Subnet\":\"2001:db8:1:0:d::/112\"}]},\"Containers\":{}}",
		  1, "2001:db8:1:0:d::/112" },
		{ "{\"IPAM\":{\"Config\":[{\"Subnet\":\"2001:db8::1/64\"},"
		  "{\"Subnet\":5},{},\"x\",{\"Subnet\":\"ff02::/16x\"}]}}",
		  0, "" },
		{ "{\"IPAM\":{\"Config\":null}}", 0, "" },
		{ "{\"Containers\":{}}", 0, "" },
		{ "[]", -EBADMSG, "" },
	};
	struct prefix v[DOCKER_SUBNETS];
	char got[PREFIX_STRLEN], what[96];
	int ret;

	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		ret = docker_net_subnets(cases[i].body, strlen(cases[i].body),
					 v, DOCKER_SUBNETS);
		got[0] = '\0';
		if (ret > 0)
			prefix_format(&v[0], got, sizeof(got));
		snprintf(what, sizeof(what), "subnets of %.60s", cases[i].body);
		harness_result(ret == cases[i].ret &&
				       !strcmp(got, cases[i].first),
			       what, "returned %d, first \"%s\"", ret, got);
	}
}

/* ---- the HTTP client against a canned peer ---- */

static char sock_path[108];

static int listen_sock(void)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);

	snprintf(sock_path, sizeof(sock_path), "/tmp/ndpr-test-docker.%d",
		 getpid());
	strcpy(sa.sun_path, sock_path);
	unlink(sock_path);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) ||
	    listen(fd, 4))
		return -1;
	return fd;
}

/* One GET against a peer that answers reply (then closes); the result
 * of the last http_step. */
static int get(int lfd, const char *reply, size_t max, struct http_conn *c)
{
	char req[1024];
	int a, ret;

	ret = http_get_start(c, sock_path, "/networks/x", max, NULL, NULL, 0);
	if (ret)
		return ret;
	/* The request is sent at the first readiness. */
	do {
		struct pollfd p = { c->fd, http_poll_events(c), 0 };

		if (poll(&p, 1, 2000) != 1 || http_step(c, p.revents))
			return -EIO;
	} while (http_poll_events(c) == POLLOUT);
	a = accept(lfd, NULL, NULL);
	if (a < 0 || read(a, req, sizeof(req)) <= 0 ||
	    write(a, reply, strlen(reply)) < 0)
		return -EIO;
	close(a);
	do {
		struct pollfd p = { c->fd, http_poll_events(c), 0 };

		if (poll(&p, 1, 2000) != 1)
			return -ETIMEDOUT;
		ret = http_step(c, p.revents);
	} while (ret == HTTP_MORE);
	return ret;
}

static void test_http(void)
{
	static const struct {
		const char *what, *reply;
		size_t max;
		int ret, status;
		const char *body;
	} cases[] = {
		{ "http: Content-Length",
		  "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello", 100,
		  HTTP_DONE, 200, "hello" },
		{ "http: chunked",
		  "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
		  "3\r\nhel\r\n2\r\nlo\r\n0\r\n\r\n",
		  100, HTTP_DONE, 200, "hello" },
		{ "http: 404 read whole",
		  "HTTP/1.1 404 Not Found\r\nContent-Length: 2\r\n\r\n{}", 100,
		  HTTP_DONE, 404, "{}" },
		{ "http: over the cap",
		  "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello", 4,
		  -EFBIG, 200, NULL },
		{ "http: closed early",
		  "HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\nhello", 100,
		  -EPIPE, 200, NULL },
		{ "http: not HTTP", "SSH-2.0-OpenSSH\r\n\r\n", 100, -EPROTO, 0,
		  NULL },
	};
	struct http_conn c;
	int lfd = listen_sock();

	http_conn_init(&c);
	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		int ret = get(lfd, cases[i].reply, cases[i].max, &c);
		bool ok = ret == cases[i].ret && c.status == cases[i].status &&
			  (!cases[i].body ||
			   (c.body && !strcmp(c.body, cases[i].body)));

		harness_result(ok, cases[i].what,
			       "returned %d status %d body '%s'", ret, c.status,
			       c.body ? c.body : "");
		http_close(&c);
	}
	unlink(sock_path);
	harness_result(http_get_start(&c, sock_path, "/", 10, NULL, NULL, 0) ==
			       -ENOENT,
		       "http: no socket: -ENOENT at once", "not ENOENT");
	close(lfd);
}

int main(void)
{
	test_decode();
	test_too_many();
	test_split();
	test_events();
	test_ctr();
	test_subnets();
	test_http();
	return harness_exit();
}
