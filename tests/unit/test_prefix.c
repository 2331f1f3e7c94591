// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* The prefix parser: what users type, accepted or refused with a reason. */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <errno.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "ndpresponder.h"
#include "harness.h"
#include "prefix.h"
#include "iface.h"
#include "cli.h"

struct parse_case {
	const char *in;
	unsigned int flags;
	int ok;
	const char *addr; /* expected address when ok */
	unsigned int len;
	const char *why; /* expected fragment of the reason when not ok */
};

static const struct parse_case cases[] = {
	{ "2001:db8::/64", 0, 1, "2001:db8::", 64, NULL },
	{ "2001:db8::1", 0, 1, "2001:db8::1", 128, NULL },
	{ "2001:db8::1/128", 0, 1, "2001:db8::1", 128, NULL },
	{ "2001:db8:1:2:3:4:5:0/112", 0, 1, "2001:db8:1:2:3:4:5:0", 112, NULL },
	{ "2000::/3", 0, 1, "2000::", 3, NULL },
	{ "::/0", PREFIX_ALLOW_DEFAULT, 1, "::", 0, NULL },
	{ "::/0", 0, 0, NULL, 0, "--force" },
	{ "2001:db8::/129", 0, 0, NULL, 0, "over 128" },
	{ "2001:db8::/-1", 0, 0, NULL, 0, "must be a number" },
	{ "2001:db8::/", 0, 0, NULL, 0, "must be a number" },
	{ "2001:db8::/6x", 0, 0, NULL, 0, "must be a number" },
	{ "2001:db8::/ 64", 0, 0, NULL, 0, "must be a number" },
	{ "10.0.0.0/8", 0, 0, NULL, 0, "IPv4" },
	{ "192.0.2.1", 0, 0, NULL, 0, "IPv4" },
	{ "garbage", 0, 0, NULL, 0, "not an IPv6 prefix" },
	{ "", 0, 0, NULL, 0, "not an IPv6 prefix" },
	{ "2001:db8::1/64", 0, 0, NULL, 0, "did you mean 2001:db8::/64" },
	{ "ff02::/16", 0, 0, NULL, 0, "multicast" },
	{ "ff02::1:ff00:1", 0, 0, NULL, 0, "multicast" },
	{ "fe80::/64", 0, 0, NULL, 0, "link-local" },
	{ "febf::/16", 0, 0, NULL, 0, "link-local" },
	{ "fec0::/10", 0, 1, "fec0::", 10, NULL },
	{ "::", 0, 0, NULL, 0, "unspecified" },
	{ "::1", 0, 0, NULL, 0, "loopback" },
	{ "::ffff:192.0.2.1", 0, 0, NULL, 0, "IPv4-mapped" },
	{ "::ffff:0:0/96", 0, 0, NULL, 0, "IPv4-mapped" },
	{ "2001:db8::1/128/3", 0, 0, NULL, 0, "must be a number" },
	{ "2001:db8::zz/64", 0, 0, NULL, 0, "not an IPv6 prefix" },
	{ "2001:0db8:0000:0000:0000:0000:0000:0000:0000/64", 0, 0, NULL, 0,
	  "not an IPv6 prefix" },
	/* Broad enough to hold the router's link-local or multicast. */
	{ "8000::/1", 0, 0, NULL, 0, "covers link-local" },
	{ "fe00::/7", 0, 0, NULL, 0, "covers link-local" },
	{ "fe00::/7", PREFIX_ALLOW_DEFAULT, 1, "fe00::", 7, NULL },
	{ "f000::/4", 0, 0, NULL, 0, "covers link-local" },
	{ "fc00::/7", 0, 1, "fc00::", 7, NULL },
	{ "fe00::/9", 0, 1, "fe00::", 9, NULL },
	{ "2000::/3", PREFIX_ALLOW_DEFAULT, 1, "2000::", 3, NULL },
};

static void test_parse(void)
{
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct parse_case *c = &cases[i];
		struct prefix p = {};
		struct in6_addr want;
		char err[256] = "", name[128];
		int ret;

		snprintf(name, sizeof(name), "parse '%s'%s", c->in,
			 c->flags ? " --force" : "");
		ret = prefix_parse(c->in, c->flags, &p, err, sizeof(err));
		if (c->ok) {
			inet_pton(AF_INET6, c->addr, &want);
			harness_result(
				!ret && !memcmp(&want, &p.addr, sizeof(want)) &&
					p.len == c->len,
				name, "ret %d len %u err '%s'", ret, p.len,
				err);
		} else {
			harness_result(ret && strstr(err, c->why) &&
					       !strchr(err, '\n'),
				       name, "ret %d, reason '%s', want '%s'",
				       ret, err, c->why);
		}
	}
}

static void test_format_roundtrip(void)
{
	const char *in[] = { "2001:db8::/32", "2001:db8:1::100/128",
			     "fd00::/8" };

	for (size_t i = 0; i < sizeof(in) / sizeof(in[0]); i++) {
		struct prefix p = {};
		char err[256], out[PREFIX_STRLEN], name[96];

		snprintf(name, sizeof(name), "format '%s'", in[i]);
		prefix_parse(in[i], 0, &p, err, sizeof(err));
		prefix_format(&p, out, sizeof(out));
		harness_result(!strcmp(out, in[i]), name, "got '%s'", out);
	}
}

static int write_file(char *path, const char *text)
{
	int fd = mkstemp(path);

	if (fd < 0)
		return -1;
	if (write(fd, text, strlen(text)) != (ssize_t)strlen(text)) {
		close(fd);
		return -1;
	}
	return close(fd);
}

static void test_file(void)
{
	char path[] = "/tmp/ndpr-prefix-XXXXXX";
	struct prefix_set s = {};
	int ret;

	if (write_file(path, "# containers\n"
			     "2001:db8:1::/64   # the /64\n"
			     "\n"
			     "exclude 2001:db8:1::1\n"
			     "   2001:db8:2::5\t\n")) {
		harness_result(0, "file: parse", "can't write %s", path);
		return;
	}
	ret = prefix_file_read(path, 0, &s);
	unlink(path);
	harness_result(
		!ret && s.n == 3 && s.v[0].len == 64 &&
			s.v[0].action == NDPR_ACT_ANSWER && s.v[1].len == 128 &&
			s.v[1].action == NDPR_ACT_EXCLUDE &&
			s.v[2].action == NDPR_ACT_ANSWER,
		"file: entries, comments, excludes", "ret %d n %zu", ret, s.n);
	prefix_set_free(&s);

	const char *bad[] = { "2001:db8::/64 extra\n", "exclude\n",
			      "2001:db8::/129\n", "include 2001:db8::/64\n" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char p2[] = "/tmp/ndpr-prefix-XXXXXX", name[96];

		snprintf(name, sizeof(name), "file: refuses line %zu", i);
		if (write_file(p2, bad[i])) {
			harness_result(0, name, "can't write");
			continue;
		}
		ret = prefix_file_read(p2, 0, &s);
		unlink(p2);
		harness_result(ret < 0, name, "ret %d", ret);
		prefix_set_free(&s);
	}
	ret = prefix_file_read("/nonexistent/ndpr", 0, &s);
	harness_result(ret == -2, "file: missing file", "ret %d", ret);
}

/* prefix_file_load of path: ret, and err holds want (NULL: no check). */
static void file_refused(const char *name, const char *path, int want_ret,
			 const char *want)
{
	struct prefix_set s = {};
	char err[512] = "";
	int ret = prefix_file_load(path, 0, &s, err, sizeof(err));

	harness_result(ret == want_ret && (!want || strstr(err, want)) &&
			       s.n == 0,
		       name, "ret %d, %zu entries, '%s'", ret, s.n, err);
	prefix_set_free(&s);
}

/* What is not a file of lines is refused, named, and adds nothing. */
static void test_file_hostile(void)
{
	static const char nul[] = "2001:db8:1::/64\n2001:db8:2::/64\0 "
				  "route-check\n";
	char path[] = "/tmp/ndpr-prefix-XXXXXX";
	int fd = mkstemp(path);

	if (fd < 0 || write(fd, nul, sizeof(nul) - 1) != sizeof(nul) - 1) {
		harness_result(0, "file: NUL in a line", "can't write %s",
			       path);
		return;
	}
	close(fd);
	file_refused("file: NUL in a line refused with its number", path,
		     -EINVAL, ":2: a NUL octet in the line");
	unlink(path);

	if (mkdtemp(path)) {
		file_refused("file: a directory is refused", path, -EINVAL,
			     "is a directory: a prefix file must be a regular");
		rmdir(path);
	}
	file_refused("file: a device is refused", "/dev/null", -EINVAL,
		     "is a device");
	snprintf(path, sizeof(path), "/tmp/ndpr-prefix-XXXXXX");
	if (mkdtemp(path)) {
		char fifo[64];

		snprintf(fifo, sizeof(fifo), "%s/fifo", path);
		/* Would block in open without a writer, if opened blocking. */
		if (!mkfifo(fifo, 0600))
			file_refused("file: a FIFO is refused at once", fifo,
				     -EINVAL, "is a FIFO");
		unlink(fifo);
		rmdir(path);
	}
	file_refused("file: /proc/self/mem (EIO) is a read error",
		     "/proc/self/mem", -EIO, "couldn't read");
}

/* run's option lines come from prefix_file_text: the whole text, beyond
 * any fixed buffer; a FIFO refused without blocking; a read error. */
static void test_file_text(void)
{
	char path[] = "/tmp/ndpr-prefix-XXXXXX", *text, *body;
	size_t n = 100000;
	ssize_t ret;

	body = malloc(n + 32);
	if (!body) {
		harness_result(0, "file text: whole", "no memory");
		return;
	}
	memset(body, '#', n);
	snprintf(body + n, 32, "\noption --no-dad\n");
	if (write_file(path, body)) {
		harness_result(0, "file text: whole", "can't write %s", path);
		free(body);
		return;
	}
	ret = prefix_file_text(path, &text);
	unlink(path);
	harness_result(
		ret == (ssize_t)strlen(body) && text && !strcmp(text, body),
		"file text: 100 kB, the last line included", "ret %zd", ret);
	free(text);
	free(body);
	ret = prefix_file_text("/nonexistent/ndpr", &text);
	harness_result(ret == -ENOENT && !text, "file text: a missing file",
		       "ret %zd", ret);
	ret = prefix_file_text("/dev/null", &text);
	harness_result(ret == -EINVAL && !text, "file text: a device refused",
		       "ret %zd", ret);
	ret = prefix_file_text("/proc/self/mem", &text);
	harness_result(ret == -EIO && !text, "file text: a read error",
		       "ret %zd", ret);
	snprintf(path, sizeof(path), "/tmp/ndpr-prefix-XXXXXX");
	if (mkdtemp(path)) {
		char fifo[64];

		snprintf(fifo, sizeof(fifo), "%s/fifo", path);
		if (!mkfifo(fifo, 0600)) {
			ret = prefix_file_text(fifo, &text);
			harness_result(ret == -EINVAL,
				       "file text: a FIFO refused at once",
				       "ret %zd", ret);
		}
		unlink(fifo);
		rmdir(path);
	}
}

/* getline's ENOMEM on a line longer than memory is not an end of file. */
static void test_file_enomem(void)
{
	const char *name = "file: ENOMEM is a read error, not an end of file";
	char path[] = "/tmp/ndpr-prefix-XXXXXX";
	int fd = mkstemp(path), st = -1;
	pid_t pid;

	/* 4 GiB of one line, sparse; read in a child with 256 MiB. */
	if (fd < 0 || ftruncate(fd, 4LL << 30)) {
		harness_result(0, name, "can't make %s", path);
		return;
	}
	close(fd);
	pid = fork();
	if (!pid) {
		struct rlimit rl = { 256 << 20, 256 << 20 };
		struct prefix_set s = {};
		char err[512];
		int ret;

		setrlimit(RLIMIT_AS, &rl);
		ret = prefix_file_load(path, 0, &s, err, sizeof(err));
		_exit(ret == -ENOMEM && s.n == 0 &&
				      strstr(err, "couldn't read") ?
			      0 :
			      1);
	}
	if (pid > 0)
		waitpid(pid, &st, 0);
	unlink(path);
	harness_result(pid > 0 && WIFEXITED(st) && !WEXITSTATUS(st), name,
		       "child status %d", st);
}

static void test_mac_and_numbers(void)
{
	static const struct {
		const char *in;
		int ok;
	} macs[] = {
		{ "02:00:00:00:00:01", 1 },  { "0A:1b:2C:3d:4E:5f", 1 },
		{ "02:-1:00:00:00:01", 0 },  { "02:00:00:00:00:0x", 0 },
		{ "02:+f:00:00:00:01", 0 },  { "02:00:00:00:00", 0 },
		{ "02:00:00:00:00:01:", 0 }, { "03:00:00:00:00:01", 0 },
		{ "00:00:00:00:00:00", 0 },  { "02-00-00-00-00-01", 0 },
		{ " 2:00:00:00:00:01", 0 },
	};
	static const struct {
		const char *in;
		int ok;
	} nums[] = {
		{ "5", 1 },  { "65536", 1 }, { " 5", 0 },
		{ "+5", 0 }, { "-1", 0 },    { "5x", 0 },
		{ "", 0 },   { "0", 0 },     { "99999999999999999999", 0 },
	};
	uint8_t mac[6];
	unsigned long n;
	char name[96];

	for (size_t i = 0; i < sizeof(macs) / sizeof(macs[0]); i++) {
		snprintf(name, sizeof(name), "mac '%s' %s", macs[i].in,
			 macs[i].ok ? "accepted" : "refused");
		harness_result((mac_parse(macs[i].in, mac) == 0) == macs[i].ok,
			       name, "wrong verdict");
	}
	for (size_t i = 0; i < sizeof(nums) / sizeof(nums[0]); i++) {
		snprintf(name, sizeof(name), "number '%s' %s", nums[i].in,
			 nums[i].ok ? "accepted" : "refused");
		harness_result((parse_uint(nums[i].in, 1, 1u << 24, &n) == 0) ==
				       nums[i].ok,
			       name, "wrong verdict");
	}
}

int main(void)
{
	test_mac_and_numbers();
	test_parse();
	test_format_roundtrip();
	test_file();
	test_file_hostile();
	test_file_text();
	test_file_enomem();
	return harness_exit();
}
