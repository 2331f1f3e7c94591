// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* Text or JSON from one call per field; json-c builds the JSON side. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <json-c/json.h>

#include "log.h"
#include "print.h"

static bool global_json, global_pretty;

void print_set_global(bool json, bool pretty)
{
	global_json = json || pretty;
	global_pretty = pretty;
	if (global_json)
		print_json_reports(stdout);
}

bool print_global_json(void)
{
	return global_json;
}

static int json_flags(bool pretty)
{
	/* A prefix is 2001:db8::/64, not 2001:db8::\/64. */
	return JSON_C_TO_STRING_NOSLASHESCAPE |
	       (pretty ? JSON_C_TO_STRING_PRETTY : JSON_C_TO_STRING_PLAIN);
}

/* Errors and warnings as {"error": msg} or {"warning": msg}, info as
 * {"info": msg}; debug (-v only) stays plain on stderr. */
static void json_report(void *ctx, enum log_level level, const char *fmt,
			va_list ap)
{
	static const char *const keys[] = {
		[LOG_LEVEL_ERR] = "error",
		[LOG_LEVEL_WARN] = "warning",
		[LOG_LEVEL_INFO] = "info",
	};
	json_object *o;
	char *msg;

	if (level == LOG_LEVEL_DEBUG) {
		vfprintf(stderr, fmt, ap);
		fputc('\n', stderr);
		return;
	}
	if (vasprintf(&msg, fmt, ap) < 0)
		return;
	o = json_object_new_object();
	json_object_object_add(o, keys[level], json_object_new_string(msg));
	fprintf(ctx, "%s\n",
		json_object_to_json_string_ext(o, json_flags(global_pretty)));
	fflush(ctx);
	json_object_put(o);
	free(msg);
}

void print_json_reports(FILE *out)
{
	log_set_hook(json_report, out);
}

void print_init(struct print_ctx *p, bool json, FILE *out)
{
	p->json = json || global_json;
	p->pretty = global_pretty;
	p->out = out;
	p->depth = 0;
	if (p->json)
		print_json_reports(out);
}

static bool wants_text(const struct print_ctx *p, enum print_type t)
{
	return !p->json && t != PRINT_JSON;
}

/* Takes v: adds it to the open object (under key) or array. */
static void add(struct print_ctx *p, const char *key, json_object *v)
{
	json_object *top;

	if (!p->depth) {
		json_object_put(v);
		return;
	}
	top = p->stack[p->depth - 1];
	if (json_object_is_type(top, json_type_array))
		json_object_array_add(top, v);
	else
		json_object_object_add(top, key, v);
}

void print_string(struct print_ctx *p, enum print_type t, const char *key,
		  const char *fmt, const char *value)
{
	if (wants_text(p, t) && fmt)
		fprintf(p->out, fmt, value);
	else if (p->json && t != PRINT_FP)
		add(p, key, json_object_new_string(value));
}

void print_uint(struct print_ctx *p, enum print_type t, const char *key,
		const char *fmt, unsigned long long value)
{
	if (wants_text(p, t) && fmt)
		fprintf(p->out, fmt, value);
	else if (p->json && t != PRINT_FP)
		add(p, key, json_object_new_uint64(value));
}

void print_double(struct print_ctx *p, enum print_type t, const char *key,
		  const char *fmt, double value)
{
	if (wants_text(p, t) && fmt)
		fprintf(p->out, fmt, value);
	else if (p->json && t != PRINT_FP)
		add(p, key, json_object_new_double(value));
}

void print_bool_as(struct print_ctx *p, enum print_type t, const char *key,
		   const char *fmt, bool value, const char *yes, const char *no)
{
	if (wants_text(p, t) && fmt)
		fprintf(p->out, fmt, value ? yes : no);
	else if (p->json && t != PRINT_FP)
		add(p, key, json_object_new_boolean(value));
}

void print_text(struct print_ctx *p, const char *fmt, ...)
{
	va_list ap;

	if (p->json)
		return;
	va_start(ap, fmt);
	vfprintf(p->out, fmt, ap);
	va_end(ap);
}

void print_nl(struct print_ctx *p)
{
	if (!p->json)
		fputc('\n', p->out);
}

static void open_json(struct print_ctx *p, const char *key, json_object *v)
{
	if (p->depth == PRINT_DEPTH) {
		/* Deeper than any verb's output: a bug, not input. */
		json_object_put(v);
		return;
	}
	if (!p->json) {
		p->stack[p->depth++] = NULL;
		return;
	}
	add(p, key, json_object_get(v));
	p->stack[p->depth++] = v;
}

static void close_json(struct print_ctx *p)
{
	json_object *v;

	if (!p->depth)
		return;
	v = p->stack[--p->depth];
	if (p->depth) {
		json_object_put(v);
		return;
	}
	if (p->json)
		fprintf(p->out, "%s\n",
			json_object_to_json_string_ext(v,
						       json_flags(p->pretty)));
	json_object_put(v);
	fflush(p->out);
}

void open_json_object(struct print_ctx *p, const char *key)
{
	open_json(p, key, p->json ? json_object_new_object() : NULL);
}

void close_json_object(struct print_ctx *p)
{
	close_json(p);
}

void open_json_array(struct print_ctx *p, const char *key)
{
	open_json(p, key, p->json ? json_object_new_array() : NULL);
}

void close_json_array(struct print_ctx *p)
{
	close_json(p);
}
