/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* IPv6 prefixes as the user writes them, checked before anything changes. */
#ifndef NDPR_PREFIX_H
#define NDPR_PREFIX_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define PREFIX_STRLEN (INET6_ADDRSTRLEN + 4)

struct prefix {
	struct in6_addr addr;
	uint8_t len;
	uint8_t action; /* enum ndpr_action */
	uint8_t flags;	/* NDPR_PF_* */
	uint16_t origin;
};

/* Parse flags. */
#define PREFIX_ALLOW_DEFAULT (1u << 0) /* accept ::/0 (--force) */
/* Host bits are dropped, not refused, with a note in err (the Go
 * ndpresponder's -n takes 2001:db8::5/64 as 2001:db8::/64). */
#define PREFIX_MASK_HOST (1u << 1)

/*
 * Parses "ADDR[/LEN]" into p (action and origin left as they are).
 * Returns 0, or -EINVAL with a reason in err (one line, no newline).
 */
int prefix_parse(const char *s, unsigned int flags, struct prefix *p, char *err,
		 size_t errlen);
void prefix_format(const struct prefix *p, char *buf, size_t len);
int prefix_cmp(const void *a, const void *b);
/* Whether every address of inner is inside outer. */
bool prefix_covers(const struct prefix *outer, const struct prefix *inner);
const char *action_name(uint8_t action);
/* "off", "route" or "neigh", and back; -EINVAL for anything else. */
const char *route_check_name(uint8_t flags);
int route_check_parse(const char *s, uint8_t *flags);

/* A growable array of prefixes. */
struct prefix_set {
	struct prefix *v;
	size_t n, cap;
};

int prefix_set_add(struct prefix_set *s, const struct prefix *p);
void prefix_set_sort(struct prefix_set *s);
void prefix_set_free(struct prefix_set *s);

/* A file that keeps changing under its reader is tried this often. */
#define PREFIX_FILE_TRIES    10
#define PREFIX_FILE_PAUSE_MS 20

/*
 * Reads a prefix file: one entry a line, "PREFIX", "PREFIX route-check",
 * "PREFIX route-check=neigh" or "exclude PREFIX"; '#' starts a comment.
 * Only a regular file; a NUL octet in a line is refused. A file that
 * changed while it was read (written, or replaced) is read again, up to
 * PREFIX_FILE_TRIES times, so a half-written file is never taken. Appends
 * to out only on success; returns 0 or a negative errno after printing
 * one line (file, line and reason).
 */
int prefix_file_read(const char *path, unsigned int flags,
		     struct prefix_set *out);
/* The same, with the line in err instead of printed. */
int prefix_file_load(const char *path, unsigned int flags,
		     struct prefix_set *out, char *err, size_t errlen);

/*
 * The whole text of the regular file path, NUL-terminated, in *text (to
 * free), read again until it holds still as prefix_file_load does, so
 * that run's option lines are never taken from a half-written file.
 * Returns its length, or -EINVAL for what is not a regular file (never
 * opened blocking), -EAGAIN if it never held still, -ENOENT, -ENOMEM or
 * another negative errno.
 */
ssize_t prefix_file_text(const char *path, char **text);

#endif
