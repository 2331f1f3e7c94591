// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The model of model.h. Each step names the rule it follows; the order of
 * the steps is the order of the README's counter table and of ndp-rules
 * (§7.1.1 in the order the RFC lists them), which decides the counter when
 * a frame breaks several rules at once.
 */
#include <string.h>

#include "model.h"

#define ETH_TYPE_OFF 12
#define TPID_8021Q   0x8100
#define TPID_8021AD  0x88a8
#define MAX_TAGS     2 /* the README: up to two, 802.1Q/802.1ad */

#define ND_NS_TYPE  135
#define ND_NA_TYPE  136
#define NA_FLAG_S   0x40
#define ND_MIN_LEN  24	/* type, code, checksum, reserved, target */
#define ND_MAX_LEN  256 /* NDPR_MAX_ICMP_LEN: longer NS (SEND) pass */
#define ND_OPT_SLLA 1

static bool is_unspecified(const uint8_t *a)
{
	static const uint8_t zero[16];

	return !memcmp(a, zero, 16);
}

static bool is_multicast(const uint8_t *a)
{
	return a[0] == 0xff; /* RFC 4291 §2.7 */
}

/* ff02::1:ffXX:XXXX, RFC 4291 §2.7.1: the whole /104 */
static bool is_solicited_node(const uint8_t *a)
{
	static const uint8_t pfx[13] = { 0xff, 0x02, 0, 0, 0, 0,   0,
					 0,    0,    0, 0, 1, 0xff };

	return !memcmp(a, pfx, sizeof(pfx));
}

static bool covers(const struct model_entry *e, const uint8_t *a)
{
	unsigned int full = e->len / 8, rest = e->len % 8;
	uint8_t mask;

	if (memcmp(e->addr, a, full))
		return false;
	if (!rest)
		return true;
	mask = (uint8_t)(0xff << (8 - rest));
	return (e->addr[full] & mask) == (a[full] & mask);
}

const struct model_entry *model_lookup(const struct model_entry *tab,
				       size_t ntab, const uint8_t a[16])
{
	const struct model_entry *best = NULL;
	size_t i;

	for (i = 0; i < ntab; i++)
		if (covers(&tab[i], a) && (!best || tab[i].len > best->len))
			best = &tab[i];
	return best;
}

size_t model_l3_offset(const uint8_t *f, size_t len)
{
	size_t off = ETH_TYPE_OFF;
	uint16_t type;
	int tags;

	if (len < off + 2)
		return 0;
	type = fr_get16(f + off);
	for (tags = 0; tags < MAX_TAGS; tags++) {
		if (type != TPID_8021Q && type != TPID_8021AD)
			break;
		if (len < off + 2 + 4)
			return 0;
		off += 4;
		type = fr_get16(f + off);
	}
	return type == FR_ETH_P_IPV6 ? off + 2 : 0;
}

/*
 * RFC 4861 §7.1.1 and the documented extras: returns NDPR_C_MAX for a
 * valid NS, else the counter of the first rule it breaks.
 */
static int validate(const uint8_t *f, size_t len, size_t l3, bool dad)
{
	const uint8_t *ip6 = f + l3, *msg = ip6 + FR_IP6_HLEN;
	const uint8_t *src = ip6 + 8, *dst = ip6 + 24, *target = msg + 8;
	size_t plen = fr_get16(ip6 + 4), off;

	if (ip6[7] != 255)
		return NDPR_C_invalid_hop_limit; /* proves it is on-link */
	if (msg[1] != 0)
		return NDPR_C_invalid_code;
	if (plen < ND_MIN_LEN)
		return NDPR_C_invalid_length;
	if (plen > ND_MAX_LEN)
		return NDPR_C_passed_too_long; /* left to the kernel */
	if (l3 + FR_IP6_HLEN + plen > len)
		return NDPR_C_invalid_truncated; /* shorter than it says */
	if (is_multicast(src))
		return NDPR_C_invalid_source_multicast; /* RFC 4291 §2.7 */
	if (is_multicast(target))
		return NDPR_C_invalid_target_multicast;
	if (dad && !is_solicited_node(dst))
		return NDPR_C_invalid_dad_destination;

	/* Options (RFC 4861 §4.6): type and length octets, length in units
	 * of 8 octets, never 0, never past the end of the message. */
	for (off = ND_MIN_LEN; off < plen;) {
		if (plen - off < 2 || msg[off + 1] == 0 ||
		    off + msg[off + 1] * 8u > plen)
			return NDPR_C_invalid_option_length;
		if (dad && msg[off] == ND_OPT_SLLA)
			return NDPR_C_invalid_dad_slla;
		off += msg[off + 1] * 8u;
	}

	/* Last: the checksum costs the most. Over a correct message the
	 * sum with the checksum field in it comes out as 0. */
	if (fr_icmp6_csum(src, dst, msg, plen))
		return NDPR_C_invalid_checksum;
	return NDPR_C_MAX;
}

static bool answered(const struct model_entry *tab, size_t ntab,
		     const uint8_t *a)
{
	const struct model_entry *e = model_lookup(tab, ntab, a);

	return e && e->action == NDPR_ACT_ANSWER;
}

/* fe80::/10, RFC 4291 §2.5.6 */
static bool is_link_local(const uint8_t *a)
{
	return a[0] == 0xfe && (a[1] & 0xc0) == 0x80;
}

/*
 * ndp-rules, "Whose address is it": a valid NA for an answered target,
 * or a valid NS sourced from an answered unicast (not ::, not
 * link-local) address, from a MAC that is not ours, is a conflict.
 */
static void note_owner(const struct ndpr_config *cfg,
		       const struct model_entry *tab, size_t ntab,
		       const uint8_t *f, const uint8_t *addr, int how,
		       struct model_result *r)
{
	if (!(cfg->flags & NDPR_CFG_GUARD_CONFLICT) ||
	    !memcmp(f + 6, cfg->mac, 6) || !answered(tab, ntab, addr))
		return;
	r->recorded = true;
	memcpy(r->rec_addr, addr, 16);
	memcpy(r->rec_mac, f + 6, 6);
	r->rec_how = how;
}

/* RFC 4861 §7.1.2, as much of it as the program checks (no options). */
static bool na_valid(const uint8_t *f, size_t len, size_t l3)
{
	const uint8_t *ip6 = f + l3, *msg = ip6 + FR_IP6_HLEN;
	size_t plen = fr_get16(ip6 + 4);

	if (len < l3 + FR_IP6_HLEN + ND_MIN_LEN || ip6[7] != 255 ||
	    msg[1] != 0 || plen < ND_MIN_LEN || plen > ND_MAX_LEN ||
	    l3 + FR_IP6_HLEN + plen > len || is_multicast(msg + 8))
		return false;
	if (is_multicast(ip6 + 24) && (msg[4] & NA_FLAG_S))
		return false;
	return !fr_icmp6_csum(ip6 + 8, ip6 + 24, msg, plen);
}

/* The guard counter for target t, or NDPR_C_MAX to answer. */
static int guarded(const struct ndpr_config *cfg, const struct model_guard *g,
		   size_t ng, const uint8_t *t, const struct model_result *r)
{
	bool conflict = false;

	for (size_t i = 0; i < ng; i++) {
		if (memcmp(g[i].addr, t, 16))
			continue;
		if (g[i].kind == NDPR_GUARD_OWN)
			return NDPR_C_passed_own_address;
		if (g[i].kind == NDPR_GUARD_GATEWAY)
			return NDPR_C_passed_gateway;
		conflict = true;
	}
	/* Recorded by this very frame: an NS from its own target. */
	if (r->recorded && !memcmp(r->rec_addr, t, 16))
		conflict = true;
	return conflict && (cfg->flags & NDPR_CFG_GUARD_CONFLICT) ?
		       NDPR_C_passed_conflict :
		       NDPR_C_MAX;
}

/* RFC 4861 §7.2.4 with the README's deviations (source = the target). */
static void build_na(const struct ndpr_config *cfg, const uint8_t *f, size_t l3,
		     bool dad, bool mcast, struct frame *out)
{
	static const uint8_t all_nodes_mac[6] = { 0x33, 0x33, 0, 0, 0, 1 };
	const uint8_t *ip6 = f + l3, *target = ip6 + FR_IP6_HLEN + 8;
	struct fr_na na = {};
	int i;

	if (dad) {
		memcpy(na.eth_dst, all_nodes_mac, 6);
		fr_ip6("ff02::1", na.dst);
	} else {
		memcpy(na.eth_dst, f + 6, 6); /* back to the asker */
		memcpy(na.dst, ip6 + 8, 16);
	}
	memcpy(na.eth_src, cfg->mac, 6);
	/* The tags stay as they came, in their order. */
	na.ntags = (int)(l3 - FR_ETH_HLEN) / FR_VLAN_HLEN;
	for (i = 0; i < na.ntags; i++) {
		na.tags[i].tpid = fr_get16(f + 12 + 4 * i);
		na.tags[i].tci = fr_get16(f + 14 + 4 * i);
	}
	memcpy(na.src, target, 16);
	memcpy(na.target, target, 16);
	memcpy(na.tlla, cfg->mac, 6);
	if (cfg->flags & NDPR_CFG_ROUTER)
		na.flags |= FR_NA_R;
	if (!dad)
		na.flags |= FR_NA_S; /* §7.2.4: S=0 to all-nodes */
	if (cfg->override == NDPR_OVERRIDE_ALWAYS ||
	    (cfg->override == NDPR_OVERRIDE_MULTICAST && mcast))
		na.flags |= FR_NA_O;
	fr_build_na(out, &na);
}

/* Which counter the frame moves; r->dad and r->mcast as a side note. */
static int classify(const struct ndpr_config *cfg,
		    const struct model_entry *tab, size_t ntab,
		    const struct model_guard *g, size_t ng, const uint8_t *f,
		    size_t len, size_t l3, struct model_result *r)
{
	const struct model_entry *e;
	const uint8_t *ip6, *msg;
	int c;

	/* Not IPv6, cut inside Ethernet or its tags, or a third tag. */
	if (!l3)
		return NDPR_C_passed_not_ns;
	if (len < l3 + FR_IP6_HLEN)
		return NDPR_C_invalid_truncated;
	ip6 = f + l3;
	msg = ip6 + FR_IP6_HLEN;
	/* ICMPv6 right after IPv6: extension headers (fragments, RFC 6980)
	 * and other versions are not NS to us. */
	if (ip6[0] >> 4 != 6 || ip6[6] != FR_IPPROTO_ICMPV6)
		return NDPR_C_passed_not_ns;
	if (len < l3 + FR_IP6_HLEN + 4)
		return NDPR_C_invalid_truncated;
	if (msg[0] != ND_NS_TYPE) {
		if (msg[0] == ND_NA_TYPE && na_valid(f, len, l3))
			note_owner(cfg, tab, ntab, f, msg + 8, NDPR_CONFLICT_NA,
				   r);
		return NDPR_C_passed_not_ns;
	}

	r->dad = is_unspecified(ip6 + 8);
	r->mcast = is_multicast(ip6 + 24);
	c = validate(f, len, l3, r->dad);
	if (c != NDPR_C_MAX)
		return c;
	if (!r->dad && !is_link_local(ip6 + 8))
		note_owner(cfg, tab, ntab, f, ip6 + 8, NDPR_CONFLICT_NS, r);

	e = model_lookup(tab, ntab, msg + 8);
	if (!e)
		return NDPR_C_passed_no_match;
	if (e->action != NDPR_ACT_ANSWER)
		return NDPR_C_passed_excluded;
	c = guarded(cfg, g, ng, msg + 8, r);
	if (c != NDPR_C_MAX)
		return c;
	if (r->dad && !(cfg->flags & NDPR_CFG_DAD))
		return NDPR_C_passed_dad_off;
	if (!r->dad && !r->mcast && !(cfg->flags & NDPR_CFG_UNICAST))
		return NDPR_C_passed_unicast_off;
	return r->dad ? NDPR_C_answered_dad : NDPR_C_answered;
}

void model_run(const struct ndpr_config *cfg, const struct model_entry *tab,
	       size_t ntab, const struct model_guard *guards, size_t nguards,
	       const uint8_t *f, size_t len, struct model_result *r)
{
	size_t l3 = model_l3_offset(f, len);

	memset(r, 0, sizeof(*r));
	r->counter = classify(cfg, tab, ntab, guards, nguards, f, len, l3, r);
	if (r->counter == NDPR_C_answered ||
	    r->counter == NDPR_C_answered_dad) {
		r->verdict = MODEL_XDP_TX;
		build_na(cfg, f, l3, r->dad, r->mcast, &r->out);
		return;
	}
	/* Everything not answered passes unchanged (README, stats). */
	r->verdict = MODEL_XDP_PASS;
	memcpy(r->out.b, f, len);
	r->out.len = len;
}
