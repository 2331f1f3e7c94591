// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The test tool the integration tests drive (tests/integration/lib/
 * tool.sh): a table of subcommands, each with its arguments and what it
 * prints.
 */
#include <stdio.h>
#include <arpa/inet.h>
#include <string.h>
#include <time.h>

#include "frames.h"
#include "tool.h"

static const struct {
	const char *name;
	int min_args; /* after the subcommand's name */
	int max_args; /* -1: no limit */
	int (*run)(int argc, char **argv);
	const char *usage;
} cmds[] = {
	{ "ns", 7, 8, cmd_ns,
	  "IFACE SRC_MAC SRC_IP TARGET COUNT RATE HOP_LIMIT [TAGS]\n"
	  "\tCOUNT multicast Neighbor Solicitations for TARGET with a Source\n"
	  "\tLink-Layer Address option, RATE a second, tagged with TAGS (as\n"
	  "\tfor na) in the frame; prints \"SENT SECONDS\"" },
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
	{ "frames", 1, 1, cmd_frames,
	  "FILE\n"
	  "\tevery frame of a pcap file as it was captured (VLAN tags the\n"
	  "\tkernel kept as metadata put back by libpcap), in hex, one a line" },
	{ "na", 7, 7, cmd_na,
	  "ETH_DST ETH_SRC TAGS SRC DST FLAGS TARGET\n"
	  "\tthe Neighbor Advertisement frame these make, with ETH_SRC as\n"
	  "\tits Target Link-Layer Address, in hex; TAGS is - or\n"
	  "\tTPID:PCP:VID[,TPID:PCP:VID] outermost first (hex TPID), FLAGS\n"
	  "\tthe letters of R, S and O set" },
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
	{ "xdplink", 3, 3, cmd_xdplink,
	  "IFACE OBJECT PIN\n"
	  "\tlinks OBJECT's first XDP program to IFACE (generic mode) through\n"
	  "\ta bpf_link pinned at PIN; prints the link's id" },
	{ "json", 1, -1, cmd_json,
	  "KEY...\n"
	  "\tfor each line of stdin (for each element, when the line is an\n"
	  "\tarray), the values of the KEYs joined by '|'\n"
	  "\t(\"<none>\" if absent), or \"NOT-JSON: line\"; exit 1 if a line\n"
	  "\twas not a JSON object" },
	{ "fake-docker", 3, 3, cmd_fakedocker,
	  "SOCK DIR LOG\n"
	  "\ta fake Docker Engine API on SOCK serving what the files of DIR\n"
	  "\tsay (fake_docker.c); one line \"SECONDS ENDPOINT\" a connection\n"
	  "\tto LOG. Prints \"listening SOCK\", then runs until killed" },
	{ "notify", 1, 1, cmd_notify,
	  "SOCK\n"
	  "\tthe service manager's end of sd_notify: a datagram socket bound\n"
	  "\tat SOCK; prints \"listening SOCK\", then each datagram as a\n"
	  "\tline, its newlines as ';', until killed" },
};

#define N_CMDS (sizeof(cmds) / sizeof(cmds[0]))

int parse_mac(const char *s, uint8_t mac[6])
{
	return sscanf(s, "%hhx:%hhx:%hhx:%hhx:%hhx:%hhx", &mac[0], &mac[1],
		      &mac[2], &mac[3], &mac[4], &mac[5]) == 6 ?
		       0 :
		       -1;
}

int parse_ip6(const char *s, uint8_t a[16])
{
	return inet_pton(AF_INET6, s, a) == 1 ? 0 : -1;
}

/* "-" or TPID:PCP:VID[,TPID:PCP:VID], outermost first; -1 if malformed. */
int parse_tags(const char *s, struct fr_vlan *tags, int max)
{
	unsigned int tpid, pcp, vid;
	int n = 0, used;

	if (!strcmp(s, "-"))
		return 0;
	while (*s) {
		if (n == max ||
		    sscanf(s, "%x:%u:%u%n", &tpid, &pcp, &vid, &used) != 3 ||
		    tpid > 0xffff || pcp > 7 || vid > 4095)
			return -1;
		tags[n].tpid = (uint16_t)tpid;
		tags[n].tci = (uint16_t)(pcp << 13 | vid);
		n++;
		s += used;
		if (*s == ',')
			s++;
		else if (*s)
			return -1;
	}
	return n;
}

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
