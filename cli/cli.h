/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* The verbs of the command line, each in a cmd_*.c of its own. */
#ifndef NDPR_CLI_H
#define NDPR_CLI_H

#include <getopt.h>
#include <stdbool.h>

int cmd_attach(int argc, char **argv);
int cmd_detach(int argc, char **argv);
int cmd_prefix(int argc, char **argv);
int cmd_stats(int argc, char **argv);
int cmd_status(int argc, char **argv);
int cmd_monitor(int argc, char **argv);
int cmd_announce(int argc, char **argv);
int cmd_run(int argc, char **argv);
/* Returns its own exit code (0, 1 or 2), or a negative errno. */
int cmd_doctor(int argc, char **argv);
/* `ndpresponder -i IFACE -n PREFIX`: the Go ndpresponder's command line. */
int cmd_run_go_form(int argc, char **argv);

/* One conflict as `prefix list` shows it (status too). */
struct print_ctx;
struct guard_conflict;
void print_conflict(struct print_ctx *out, const struct guard_conflict *c);

/* Exit codes: 0 done, 1 refused or failed (a value refused included: a
 * bad prefix, interface name or number), 2 a usage error (the shape of
 * the command line is wrong: an unknown or ambiguous verb, option or
 * action, missing or extra arguments, options that do not go together). */
#define EXIT_FAIL  1
#define EXIT_USAGE 2

/* Marks the command as a usage error: its exit code becomes 2. */
void usage_failed(void);
bool usage_has_failed(void);

/*
 * The index of word in names[0..n), as iproute2's matches() does: the
 * exact name, else the one name word is a prefix of. canon (or NULL) maps
 * aliases to one meaning, so a prefix of two aliases of it is not
 * ambiguous. -1 after a line naming what for none, or the candidates for
 * more than one.
 */
int cli_match(const char *what, const char *word, const char *const *names,
	      const int *canon, int n);

/*
 * getopt_long over a verb's arguments (argv[0] is the verb). Prints the
 * usage and returns 'h' for --help; '?' after one line on stderr for an
 * unknown option.
 */
int verb_getopt(int argc, char **argv, const char *shortopts,
		const struct option *longopts, const char *usage);

/* The one interface a verb takes after its options, or NULL after a line
 * naming the verb's usage. */
const char *verb_iface(int argc, char **argv);
/* s, or NULL after a line if it cannot be an interface's name. */
const char *iface_arg(const char *s);

/* Parses a whole decimal number in [min, max]; -EINVAL otherwise. */
int parse_uint(const char *s, unsigned long min, unsigned long max,
	       unsigned long *out);

#endif
