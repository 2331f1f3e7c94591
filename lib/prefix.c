// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "ndpresponder.h"
#include "log.h"
#include "prefix.h"

static void mask_addr(struct in6_addr *a, unsigned int len)
{
	for (unsigned int i = 0; i < 16; i++) {
		if (len >= (i + 1) * 8)
			continue;
		if (len <= i * 8)
			a->s6_addr[i] = 0;
		else
			a->s6_addr[i] &= (uint8_t)(0xff << (8 - (len - i * 8)));
	}
}

/* Whether the prefix a/len holds the address r. */
static bool covers(const struct in6_addr *a, unsigned int len, const char *r)
{
	struct in6_addr x;

	inet_pton(AF_INET6, r, &x);
	mask_addr(&x, len);
	return !memcmp(&x, a, sizeof(x));
}

/* The ranges that can never be a neighbour's target on a link. */
static const char *refused_range(const struct in6_addr *a, unsigned int len)
{
	if (a->s6_addr[0] == 0xff)
		return "is multicast";
	if (a->s6_addr[0] == 0xfe && (a->s6_addr[1] & 0xc0) == 0x80)
		return "is link-local";
	if (len == 128 && IN6_IS_ADDR_UNSPECIFIED(a))
		return "is the unspecified address";
	if (len == 128 && IN6_IS_ADDR_LOOPBACK(a))
		return "is the loopback address";
	/* RFC 4291 §2.5.5.2: IPv4 nodes, never on an IPv6 link. */
	if (len >= 96 && IN6_IS_ADDR_V4MAPPED(a))
		return "is IPv4-mapped";
	return NULL;
}

/* A prefix short enough to hold link-local or multicast addresses too. */
static const char *broad_range(const struct in6_addr *a, unsigned int len)
{
	if (len <= 10 && covers(a, len, "fe80::"))
		return "covers link-local addresses";
	if (len <= 8 && covers(a, len, "ff00::"))
		return "covers multicast addresses";
	return NULL;
}

/* Each refusal names its reason in err: the steps stand together so that
 * the order of the rules, which decides the message, reads at a glance. */
int prefix_parse(const char *s, unsigned int flags, struct prefix *p, char *err,
		 size_t errlen)
{
	char buf[INET6_ADDRSTRLEN + 8], *slash, *end;
	struct in6_addr masked;
	unsigned long len = 128;
	const char *why;

	if (strlen(s) >= sizeof(buf)) {
		snprintf(err, errlen, "'%.60s...' is not an IPv6 prefix", s);
		return -EINVAL;
	}
	strcpy(buf, s);
	slash = strchr(buf, '/');
	if (slash) {
		*slash++ = '\0';
		errno = 0;
		len = strtoul(slash, &end, 10);
		if (!*slash || *end || errno ||
		    !isdigit((unsigned char)*slash)) {
			snprintf(err, errlen,
				 "'%s': prefix length must be a number", s);
			return -EINVAL;
		}
		if (len > 128) {
			snprintf(err, errlen,
				 "'%s': prefix length %lu is over 128", s, len);
			return -EINVAL;
		}
	}
	if (inet_pton(AF_INET6, buf, &p->addr) != 1) {
		struct in_addr v4;

		if (inet_pton(AF_INET, buf, &v4) == 1)
			snprintf(err, errlen,
				 "'%s' is IPv4; ndpresponder answers IPv6 only",
				 s);
		else
			snprintf(err, errlen, "'%s' is not an IPv6 prefix", s);
		return -EINVAL;
	}
	p->len = (uint8_t)len;

	masked = p->addr;
	mask_addr(&masked, p->len);
	if (memcmp(&masked, &p->addr, sizeof(masked))) {
		char a[INET6_ADDRSTRLEN];

		inet_ntop(AF_INET6, &masked, a, sizeof(a));
		if (!(flags & PREFIX_MASK_HOST)) {
			snprintf(err, errlen,
				 "'%s' has host bits set (did you mean %s/%u?)",
				 s, a, p->len);
			return -EINVAL;
		}
		/* The note; an error below replaces it. */
		snprintf(err, errlen, "'%s' has host bits set: answering %s/%u",
			 s, a, p->len);
		p->addr = masked;
	}
	why = refused_range(&p->addr, p->len);
	if (why) {
		snprintf(err, errlen,
			 "'%s' %s: no neighbour is solicited there", s, why);
		return -EINVAL;
	}
	if (p->len == 0 && !(flags & PREFIX_ALLOW_DEFAULT)) {
		snprintf(err, errlen,
			 "'%s' would answer for every address on the link; "
			 "add --force if that is meant",
			 s);
		return -EINVAL;
	}
	why = broad_range(&p->addr, p->len);
	if (why && !(flags & PREFIX_ALLOW_DEFAULT)) {
		snprintf(err, errlen,
			 "'%s' %s (the router's own, for one); add --force if "
			 "that is meant",
			 s, why);
		return -EINVAL;
	}
	return 0;
}

void prefix_format(const struct prefix *p, char *buf, size_t len)
{
	char a[INET6_ADDRSTRLEN];

	inet_ntop(AF_INET6, &p->addr, a, sizeof(a));
	snprintf(buf, len, "%s/%u", a, p->len);
}

bool prefix_covers(const struct prefix *outer, const struct prefix *inner)
{
	struct in6_addr a = inner->addr;

	if (outer->len > inner->len)
		return false;
	mask_addr(&a, outer->len);
	return !memcmp(&a, &outer->addr, sizeof(a));
}

int prefix_cmp(const void *a, const void *b)
{
	const struct prefix *x = a, *y = b;
	int c = memcmp(&x->addr, &y->addr, sizeof(x->addr));

	if (c)
		return c;
	return (int)x->len - (int)y->len;
}

const char *action_name(uint8_t action)
{
	switch (action) {
	case NDPR_ACT_ANSWER:
		return "answer";
	case NDPR_ACT_EXCLUDE:
		return "exclude";
	default:
		return "unknown";
	}
}

const char *route_check_name(uint8_t flags)
{
	if (flags & NDPR_PF_ROUTE_NEIGH)
		return "neigh";
	return flags & NDPR_PF_ROUTE_CHECK ? "route" : "off";
}

int route_check_parse(const char *s, uint8_t *flags)
{
	if (!s || !strcmp(s, "route")) {
		*flags = NDPR_PF_ROUTE_CHECK;
		return 0;
	}
	if (!strcmp(s, "neigh")) {
		*flags = NDPR_PF_ROUTE_CHECK | NDPR_PF_ROUTE_NEIGH;
		return 0;
	}
	if (!strcmp(s, "off")) {
		*flags = 0;
		return 0;
	}
	return -EINVAL;
}

int prefix_set_add(struct prefix_set *s, const struct prefix *p)
{
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 64;
		struct prefix *v = realloc(s->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		s->v = v;
		s->cap = cap;
	}
	s->v[s->n++] = *p;
	return 0;
}

void prefix_set_sort(struct prefix_set *s)
{
	if (s->n)
		qsort(s->v, s->n, sizeof(*s->v), prefix_cmp);
}

void prefix_set_free(struct prefix_set *s)
{
	free(s->v);
	s->v = NULL;
	s->n = s->cap = 0;
}

/* Splits a line into at most two words; returns the count or -1. */
#define WORD_SEP " \t\r\n"

static int split_words(char *line, char **w)
{
	int n = 0;
	char *tok, *save;

	for (tok = strtok_r(line, WORD_SEP, &save); tok;
	     tok = strtok_r(NULL, WORD_SEP, &save)) {
		if (n == 2)
			return -1;
		w[n++] = tok;
	}
	return n;
}

/* The word after an answered prefix: route-check or route-check=neigh. */
static int parse_entry_flag(const char *w, uint8_t *flags)
{
	if (!strcmp(w, "route-check"))
		return route_check_parse(NULL, flags);
	if (!strcmp(w, "route-check=neigh"))
		return route_check_parse("neigh", flags);
	return -EINVAL;
}

/* One line of a prefix file (len octets, NULs included) into p; 0 for an
 * entry, 1 for a blank or comment line, else -EINVAL with err. */
static int parse_line(char *line, size_t len, unsigned int flags,
		      struct prefix *p, char *err, size_t errlen)
{
	char *hash, *word, *w[2];
	int n;

	/* A NUL would hide the rest of the line from the parser. */
	if (strlen(line) != len) {
		snprintf(err, errlen, "a NUL octet in the line");
		return -EINVAL;
	}
	hash = strchr(line, '#');
	if (hash)
		*hash = '\0';
	/* "option --log-format json": run's, not an entry. Its first word,
	 * split as split_words splits them. */
	word = line + strspn(line, WORD_SEP);
	if (!strncmp(word, "option", 6) &&
	    (!word[6] || strchr(WORD_SEP, word[6])))
		return 1;
	n = split_words(line, w);
	if (n == 0)
		return 1;
	if (n < 0) {
		snprintf(err, errlen, "too many words");
		return -EINVAL;
	}
	memset(p, 0, sizeof(*p));
	p->action = NDPR_ACT_ANSWER;
	if (n == 2 && !strcmp(w[0], "exclude")) {
		p->action = NDPR_ACT_EXCLUDE;
		w[0] = w[1];
	} else if (n == 2 && parse_entry_flag(w[1], &p->flags)) {
		snprintf(err, errlen,
			 "expected 'PREFIX', 'PREFIX "
			 "route-check[=neigh]' or 'exclude PREFIX'");
		return -EINVAL;
	}
	return prefix_parse(w[0], flags, p, err, errlen);
}

/* Every line of f into out; -errno, or -EINVAL with "PATH:LINE: why". */
static int parse_stream(FILE *f, const char *path, unsigned int flags,
			struct prefix_set *out, char *err, size_t errlen)
{
	char *line = NULL, why[256];
	unsigned int lineno = 0;
	size_t cap = 0;
	struct prefix p;
	ssize_t len;
	int ret = 0;

	for (;;) {
		errno = 0;
		len = getline(&line, &cap, f);
		if (len < 0)
			break;
		lineno++;
		ret = parse_line(line, (size_t)len, flags, &p, why,
				 sizeof(why));
		if (ret < 0) {
			snprintf(err, errlen, "%s:%u: %s", path, lineno, why);
			goto out;
		}
		if (!ret)
			ret = prefix_set_add(out, &p);
		if (ret < 0)
			goto out;
		ret = 0;
	}
	/* getline's -1 is an end of file only when the stream says so: an
	 * ENOMEM is not, or the file would be read as shorter than it is. */
	if (ferror(f) || !feof(f))
		ret = errno ? -errno : -EIO;
out:
	free(line);
	return ret;
}

/* What changes when a file is written or replaced. */
static bool same_file(const struct stat *a, const struct stat *b)
{
	return a->st_dev == b->st_dev && a->st_ino == b->st_ino &&
	       a->st_size == b->st_size &&
	       a->st_mtim.tv_sec == b->st_mtim.tv_sec &&
	       a->st_mtim.tv_nsec == b->st_mtim.tv_nsec &&
	       a->st_ctim.tv_sec == b->st_ctim.tv_sec &&
	       a->st_ctim.tv_nsec == b->st_ctim.tv_nsec;
}

static const char *file_kind(mode_t m)
{
	if (S_ISDIR(m))
		return "a directory";
	if (S_ISFIFO(m))
		return "a FIFO";
	if (S_ISSOCK(m))
		return "a socket";
	return S_ISCHR(m) || S_ISBLK(m) ? "a device" : "not a regular file";
}

/*
 * One read of path into out: -EAGAIN if the file changed while it was
 * read (written to, or replaced), else 0 or a negative errno with err.
 */
static int read_once(const char *path, unsigned int flags,
		     struct prefix_set *out, char *err, size_t errlen)
{
	struct stat before, after, now;
	FILE *f;
	int fd, ret;

	/* O_NONBLOCK: opening a FIFO must not wait for a writer. */
	fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &before)) {
		ret = -errno;
		snprintf(err, errlen, "couldn't open '%s': %s", path,
			 errstr(ret));
		goto fail_fd;
	}
	if (!S_ISREG(before.st_mode)) {
		snprintf(err, errlen,
			 "'%s' is %s: a prefix file must be a "
			 "regular file",
			 path, file_kind(before.st_mode));
		ret = -EINVAL;
		goto fail_fd;
	}
	f = fdopen(fd, "r");
	if (!f) {
		ret = -errno;
		snprintf(err, errlen, "%s: %s", path, errstr(ret));
		goto fail_fd;
	}
	ret = parse_stream(f, path, flags, out, err, errlen);
	if (fstat(fd, &after) || stat(path, &now) ||
	    !same_file(&before, &after) || !same_file(&before, &now))
		ret = -EAGAIN;
	else if (ret && ret != -EINVAL)
		snprintf(err, errlen, "couldn't read '%s': %s", path,
			 errstr(ret));
	fclose(f);
	return ret;
fail_fd:
	if (fd >= 0)
		close(fd);
	return ret;
}

int prefix_file_load(const char *path, unsigned int flags,
		     struct prefix_set *out, char *err, size_t errlen)
{
	const struct timespec pause = { 0, PREFIX_FILE_PAUSE_MS * 1000000L };
	struct prefix_set got = {};
	int ret = -EAGAIN;

	/* A file being written is read again until it holds still. */
	for (int i = 0; i < PREFIX_FILE_TRIES && ret == -EAGAIN; i++) {
		if (i)
			nanosleep(&pause, NULL);
		prefix_set_free(&got);
		ret = read_once(path, flags, &got, err, errlen);
	}
	if (ret == -EAGAIN)
		snprintf(err, errlen,
			 "'%s' changed while being read, %d "
			 "times in a row",
			 path, PREFIX_FILE_TRIES);
	for (size_t i = 0; i < got.n && !ret; i++) {
		ret = prefix_set_add(out, &got.v[i]);
		if (ret)
			snprintf(err, errlen, "%s: %s", path, errstr(ret));
	}
	prefix_set_free(&got);
	return ret;
}

/* Reads fd to its end into *buf (cap octets, grown): the length. */
static ssize_t read_all(int fd, char **buf, size_t *cap)
{
	size_t n = 0;
	ssize_t got;
	char *p;

	for (;;) {
		if (n + 1 >= *cap) {
			p = realloc(*buf, *cap ? *cap * 2 : 4096);
			if (!p)
				return -ENOMEM;
			*buf = p;
			*cap = *cap ? *cap * 2 : 4096;
		}
		got = read(fd, *buf + n, *cap - n - 1);
		if (got < 0)
			return -errno;
		if (!got)
			break;
		n += (size_t)got;
	}
	(*buf)[n] = '\0';
	return (ssize_t)n;
}

/* One read of path's text: -EAGAIN if it changed meanwhile. */
static ssize_t text_once(const char *path, char **buf, size_t *cap)
{
	struct stat before, after, now;
	ssize_t ret;
	int fd;

	fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &before)) {
		ret = -errno;
		goto out;
	}
	ret = S_ISREG(before.st_mode) ? read_all(fd, buf, cap) : -EINVAL;
	if (ret >= 0 &&
	    (fstat(fd, &after) || stat(path, &now) ||
	     !same_file(&before, &after) || !same_file(&before, &now)))
		ret = -EAGAIN;
out:
	if (fd >= 0)
		close(fd);
	return ret;
}

ssize_t prefix_file_text(const char *path, char **text)
{
	const struct timespec pause = { 0, PREFIX_FILE_PAUSE_MS * 1000000L };
	ssize_t ret = -EAGAIN;
	size_t cap = 0;

	*text = NULL;
	for (int i = 0; i < PREFIX_FILE_TRIES && ret == -EAGAIN; i++) {
		if (i)
			nanosleep(&pause, NULL);
		ret = text_once(path, text, &cap);
	}
	if (ret < 0) {
		free(*text);
		*text = NULL;
	}
	return ret;
}

int prefix_file_read(const char *path, unsigned int flags,
		     struct prefix_set *out)
{
	char err[512];
	int ret = prefix_file_load(path, flags, out, err, sizeof(err));

	if (ret)
		pr_err("%s", err);
	return ret;
}
