// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The test tool the integration tests drive (tests/integration/lib/
 * tool.sh): a table of subcommands, each with its arguments and what it
 * prints.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "tool.h"

static const struct {
	const char *name;
	int min_args; /* after the subcommand's name */
	int max_args; /* -1: no limit */
	int (*run)(int argc, char **argv);
	const char *usage;
} cmds[] = {
	{ "ns", 7, 7, cmd_ns,
	  "IFACE SRC_MAC SRC_IP TARGET COUNT RATE HOP_LIMIT\n"
	  "\tCOUNT multicast Neighbor Solicitations for TARGET with a Source\n"
	  "\tLink-Layer Address option, RATE a second; prints \"SENT SECONDS\"" },
	{ "flood", 7, -1, cmd_flood,
	  "IFACE SRC_MAC SEQ_NET FIRST COUNT RATE TARGET...\n"
	  "\tCOUNT solicitations round robin over the TARGETs, RATE a second;\n"
	  "\tnumber N (FIRST, FIRST + 1, ...) comes from SEQ_NET (a /96) with\n"
	  "\tN as its last 32 bits, so that the advertisement answering it\n"
	  "\tnames it. Prints \"SENT SECONDS\"; SIGTERM ends it early" },
	{ "pcap", 2, 2, cmd_pcap,
	  "FILE SEQ_NET\n"
	  "\tone line per NS or NA of a pcap file (Ethernet, untagged):\n"
	  "\t\"NS|NA TIME SEQ TARGET R\", SEQ the last 32 bits of the NS's\n"
	  "\tsource or the NA's destination when inside SEQ_NET (else -1),\n"
	  "\tR the NA's router flag (0 for an NS)" },
	{ "runkill", 3, -1, cmd_runkill,
	  "USECS LOG COMMAND...\n"
	  "\truns COMMAND (output to LOG) and SIGKILLs it USECS after\n"
	  "\tstarting it, unless it ended by then; prints \"killed -\n"
	  "\tUSECS_RUN\" or \"done EXIT_STATUS USECS_RUN\". USECS -1: never" },
	{ "killsys", 3, -1, cmd_killsys,
	  "N LOG COMMAND...\n"
	  "\truns COMMAND (output to LOG) under ptrace and SIGKILLs it right\n"
	  "\tafter the Nth of its system calls that change state returned;\n"
	  "\tprints \"killed CALL N\" (CALL as in \"bpf:BPF_OBJ_PIN\"), or\n"
	  "\t\"done EXIT_STATUS CALLS\" when it made fewer than N" },
	{ "json", 1, -1, cmd_json,
	  "KEY...\n"
	  "\tfor each line of stdin (for each element, when the line is an\n"
	  "\tarray), the values of the KEYs joined by '|'\n"
	  "\t(\"<none>\" if absent), or \"NOT-JSON: line\"; exit 1 if a line\n"
	  "\twas not a JSON object" },
};

#define N_CMDS (sizeof(cmds) / sizeof(cmds[0]))

double tool_now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static int usage(FILE *out)
{
	size_t i;

	fprintf(out, "usage: ndpr-test-tool COMMAND ARGS...\n");
	for (i = 0; i < N_CMDS; i++)
		fprintf(out, "  %s %s\n", cmds[i].name, cmds[i].usage);
	return 2;
}

int main(int argc, char **argv)
{
	size_t i;
	int n;

	if (argc < 2)
		return usage(stderr);
	n = argc - 2;
	for (i = 0; i < N_CMDS; i++) {
		if (strcmp(argv[1], cmds[i].name))
			continue;
		if (n < cmds[i].min_args ||
		    (cmds[i].max_args >= 0 && n > cmds[i].max_args)) {
			fprintf(stderr, "usage: ndpr-test-tool %s %s\n",
				cmds[i].name, cmds[i].usage);
			return 2;
		}
		return cmds[i].run(n, argv + 2);
	}
	if (!strcmp(argv[1], "help"))
		return usage(stdout) & 0;
	return usage(stderr);
}
