/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* Whole Ethernet frames userspace sends: ND (announce), echo (doctor). */
#ifndef NDPR_NDP_BUILD_H
#define NDPR_NDP_BUILD_H

#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>

/* Ethernet, IPv6, the NS or NA of 24 octets and one link-layer option. */
#define NDP_FRAME_LEN (14 + 40 + 24 + 8)

/*
 * Unsolicited NA (RFC 4861 §7.2.6) for addr, to all-nodes: S=0, O=1, R as
 * given, Target Link-Layer Address = mac. Returns the frame length.
 */
size_t ndp_build_unsolicited_na(uint8_t *frame, const uint8_t mac[6],
				const struct in6_addr *addr, int router);

/*
 * NS from src for target, to target's solicited-node group, with a Source
 * Link-Layer Address: the asked node learns src -> mac (§7.2.3).
 */
size_t ndp_build_ns(uint8_t *frame, const uint8_t mac[6],
		    const struct in6_addr *src, const struct in6_addr *target);

/* An ICMPv6 echo request from src to dst in its frame, for doctor's probe. */
#define ECHO_DATA_LEN  20
#define ECHO_FRAME_LEN (14 + 40 + 8 + ECHO_DATA_LEN)
size_t ndp_build_echo(uint8_t *frame, const uint8_t dmac[6],
		      const uint8_t smac[6], const struct in6_addr *src,
		      const struct in6_addr *dst, uint16_t id, uint16_t seq);
#endif
