/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * How the XDP fuzzer turns its input into a configuration and a frame.
 * Random bytes almost never make an NS with a right checksum for a target
 * in the table, so most inputs describe an NS field by field and the
 * builder fixes up what random bytes would get wrong, unless told not to.
 *
 * Input: [config] [mode] [rest]
 *   config  index into the fuzzer's configurations (modulo their number)
 *   mode    % 4: XIN_RAW       rest is the frame
 *                XIN_RAW_CSUM  rest is the frame, ICMPv6 checksum fixed up
 *                XIN_NS        rest describes an NS (xdp_input.c)
 *                XIN_NS_PATCH  an NS as above, then (offset, value) byte
 *                              patches, then the checksum fixed up
 * Bytes past the end of the input read as 0, and the all-zero
 * description is a valid multicast NS with an answered target.
 */
#ifndef NDPR_FUZZ_XDP_INPUT_H
#define NDPR_FUZZ_XDP_INPUT_H

#include <stddef.h>
#include <stdint.h>

#include "frames.h"

enum xin_mode {
	XIN_RAW = 0,
	XIN_RAW_CSUM = 1,
	XIN_NS = 2,
	XIN_NS_PATCH = 3,
};

/* Frames longer than this would become multi-buffer XDP in the test run,
 * which the program does not see past the first buffer; real links carry
 * at most 1500 + 22 octets anyway. */
#define XIN_MAX_FRAME 1536

/* Addresses the descriptions pick from (xin_addrs[]). */
#define XIN_ADDR_SOLNODE 60 /* solicited-node group of the target */
#define XIN_ADDR_TARGET	 61 /* the target itself */
#define XIN_ADDR_RAW	 62 /* 16 octets from the input (and 63) */

extern const char *const xin_addrs[];
extern const size_t xin_naddrs;

/* The host's MAC in the configurations that don't set another one. */
extern const uint8_t xin_host_mac[6];
extern const uint8_t xin_other_mac[6];
extern const uint8_t xin_asker_mac[6];

/*
 * Decodes an input. Returns 0 and fills cfg and f, or -1 when the input is
 * too short to say anything (fewer than 2 octets) or the frame would be
 * shorter than Ethernet (the kernel refuses those test runs).
 */
int xin_decode(const uint8_t *data, size_t size, unsigned int *cfg,
	       struct frame *f);

/* Recomputes the ICMPv6 checksum of an IPv6/ICMPv6 frame when the whole
 * message is in it; else leaves the frame alone. */
void xin_fix_csum(struct frame *f);

#endif
