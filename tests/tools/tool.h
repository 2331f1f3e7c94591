/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * ndpr-test-tool: what the shell tests cannot do with ip, tcpdump and
 * ndisc6. One program, one subcommand per job (tool.c lists them); each
 * prints one result line for the shell to read.
 */
#ifndef NDPR_TEST_TOOL_H
#define NDPR_TEST_TOOL_H

int cmd_ns(int argc, char **argv);
int cmd_flood(int argc, char **argv);
int cmd_pcap(int argc, char **argv);
int cmd_runkill(int argc, char **argv);
int cmd_killsys(int argc, char **argv);
int cmd_json(int argc, char **argv);

/* Seconds on the monotonic clock. */
double tool_now(void);

#endif
