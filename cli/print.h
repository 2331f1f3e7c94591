/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * One output path for text and JSON, after iproute2's json_print.h: each
 * call prints a field's text form (fmt, with the value) or adds it to the
 * JSON document under key, so the two outputs cannot drift apart. The
 * document is written, one line, when its outermost object or array
 * closes.
 */
#ifndef NDPR_PRINT_H
#define NDPR_PRINT_H

#include <stdbool.h>
#include <stdio.h>

enum print_type {
	PRINT_ANY,  /* text and JSON */
	PRINT_FP,   /* text only */
	PRINT_JSON, /* JSON only */
};

#define PRINT_DEPTH 4

struct json_object;

struct print_ctx {
	bool json;
	bool pretty;
	FILE *out;
	int depth;
	struct json_object *stack[PRINT_DEPTH];
};

/*
 * json: the verb's own --json. The global -j/--json and -p/--pretty
 * (print_set_global) make every context JSON. A JSON context takes the
 * reports too: errors and warnings become {"error": ...} lines on out, as
 * bpftool's do, so no plain line enters the JSON stream.
 */
void print_init(struct print_ctx *p, bool json, FILE *out);
void print_set_global(bool json, bool pretty);
bool print_global_json(void);
/* Reports as JSON lines on out from now on (print_init does it). */
void print_json_reports(FILE *out);
static inline bool print_is_json(const struct print_ctx *p)
{
	return p->json;
}

void print_string(struct print_ctx *p, enum print_type t, const char *key,
		  const char *fmt, const char *value);
void print_uint(struct print_ctx *p, enum print_type t, const char *key,
		const char *fmt, unsigned long long value);
void print_double(struct print_ctx *p, enum print_type t, const char *key,
		  const char *fmt, double value);
/* A JSON boolean; the text form prints yes or no with fmt. */
void print_bool_as(struct print_ctx *p, enum print_type t, const char *key,
		   const char *fmt, bool value, const char *yes,
		   const char *no);
static inline void print_bool(struct print_ctx *p, enum print_type t,
			      const char *key, const char *fmt, bool value)
{
	print_bool_as(p, t, key, fmt, value, "true", "false");
}

static inline void print_on_off(struct print_ctx *p, enum print_type t,
				const char *key, const char *fmt, bool value)
{
	print_bool_as(p, t, key, fmt, value, "on", "off");
}

/* Text with no field: a label, a column, a line of its own. */
void print_text(struct print_ctx *p, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Ends a text line; nothing in JSON. */
void print_nl(struct print_ctx *p);

/* key is NULL inside an array and for the outermost object or array. */
void open_json_object(struct print_ctx *p, const char *key);
void close_json_object(struct print_ctx *p);
void open_json_array(struct print_ctx *p, const char *key);
void close_json_array(struct print_ctx *p);

#endif
