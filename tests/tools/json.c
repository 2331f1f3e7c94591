// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* Log lines as JSON objects, with json-c (a build dependency already). */
#include <json-c/json.h>
#include <stdio.h>
#include <string.h>

#include "tool.h"

/* Prints the KEYs of one object joined by '|'. */
static void print_fields(json_object *o, int n, char **keys)
{
	json_object *v;
	int i;

	for (i = 0; i < n; i++)
		printf("%s%s", i ? "|" : "",
		       json_object_object_get_ex(o, keys[i], &v) ?
			       json_object_get_string(v) :
			       "<none>");
	putchar('\n');
}

int cmd_json(int argc, char **argv)
{
	static char line[1 << 16]; /* doctor --json is one line */
	int bad = 0;

	while (fgets(line, sizeof(line), stdin)) {
		json_object *o = json_tokener_parse(line);

		line[strcspn(line, "\n")] = 0;
		if (o && json_object_is_type(o, json_type_object)) {
			print_fields(o, argc, argv);
		} else if (o && json_object_is_type(o, json_type_array)) {
			/* doctor --json: one line of objects per element */
			for (size_t i = 0; i < json_object_array_length(o); i++)
				print_fields(json_object_array_get_idx(o, i),
					     argc, argv);
		} else {
			printf("NOT-JSON: %s\n", line);
			bad = 1;
		}
		json_object_put(o);
	}
	return bad;
}
