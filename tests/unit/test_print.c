// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Unit tests of the output path: the same calls give the text form or
 * the JSON document, fields of the other form left out, nesting kept.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "print.h"

/* One document of every kind of field, as a verb would print it. */
static void print_sample(struct print_ctx *p)
{
	open_json_array(p, NULL);
	open_json_object(p, NULL);
	print_string(p, PRINT_ANY, "name", "%s: ", "eth0");
	print_uint(p, PRINT_ANY, "count", "%llu seen, ", 42);
	print_double(p, PRINT_ANY, "rate", "%.1f/s, ", 2.5);
	print_on_off(p, PRINT_ANY, "dad", "dad %s, ", false);
	print_bool_as(p, PRINT_ANY, "attached", "%s", true, "attached", "gone");
	print_bool(p, PRINT_JSON, "complete", NULL, true);
	print_string(p, PRINT_FP, NULL, " (%s)", "text only");
	print_text(p, " end");
	open_json_array(p, "cpus");
	print_uint(p, PRINT_JSON, NULL, NULL, 7);
	close_json_array(p);
	print_nl(p);
	close_json_object(p);
	close_json_array(p);
}

static char *printed(bool json)
{
	struct print_ctx p;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		return NULL;
	print_init(&p, json, f);
	print_sample(&p);
	fclose(f);
	return buf;
}

static void check_output(const char *name, bool json, const char *want)
{
	char *got = printed(json);

	harness_result(got && !strcmp(got, want), name,
		       "expected '%s', got '%s'", want, got ? got : "(none)");
	free(got);
}

int main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	check_output("print: text from the calls", false,
		     "eth0: 42 seen, 2.5/s, dad off, attached (text only) "
		     "end\n");
	check_output("print: JSON from the same calls", true,
		     "[{\"name\":\"eth0\",\"count\":42,\"rate\":2.5,"
		     "\"dad\":false,\"attached\":true,\"complete\":true,"
		     "\"cpus\":[7]}]\n");
	return harness_exit();
}
