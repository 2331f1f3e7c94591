/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * ndpr-test-tool: what the shell tests cannot do with ip, tcpdump and
 * ndisc6. One program, one subcommand per job (tool.c lists them); each
 * prints one result line for the shell to read.
 */
#ifndef NDPR_TEST_TOOL_H
#define NDPR_TEST_TOOL_H

#include <stdint.h>

/* A subcommand: its arguments after its name; returns the exit status. */
#define TOOL_CMD(name) int cmd_##name(int argc, char **argv)

TOOL_CMD(ns);	      /* send.c */
TOOL_CMD(flood);      /* send.c */
TOOL_CMD(pcap);	      /* pcap.c */
TOOL_CMD(frames);     /* pcap.c */
TOOL_CMD(na);	      /* na.c */
TOOL_CMD(runkill);    /* kill.c */
TOOL_CMD(killsys);    /* kill.c */
TOOL_CMD(json);	      /* json.c */
TOOL_CMD(xdplink);    /* xdplink.c */
TOOL_CMD(fakedocker); /* fake_docker.c */
TOOL_CMD(notify);     /* notify.c */

/* 0, or -1 when S is no MAC or IPv6 address. */
int parse_mac(const char *s, uint8_t mac[6]);
int parse_ip6(const char *s, uint8_t a[16]);

/* VLAN tags from "-" or TPID:PCP:VID[,TPID:PCP:VID], outermost first
 * (hex TPID): their number, or -1 if malformed or more than max. */
struct fr_vlan;
int parse_tags(const char *s, struct fr_vlan *tags, int max);

/* Seconds on the monotonic clock. */
double tool_now(void);

#endif
