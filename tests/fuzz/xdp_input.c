// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The description of an NS (XIN_NS), read in this order; "raw" values
 * follow the byte that asks for them:
 *
 *   shape    bits 0-1 VLAN tags (3: one too many), bit 2/3 outer/inner
 *            tag is 802.1ad, bit 4 raw hop limit, bit 5 raw code, bit 6
 *            raw ICMPv6 type, bit 7 raw version/class/flow label (32)
 *   shape2   bit 0 raw next header, bit 1 raw reserved word (32), bits
 *            2-3 checksum (0-1 right, 2 right ^ raw16, 3 raw16), bits
 *            4-5 payload length (0/3 right, 1 right + int8, 2 raw16),
 *            bit 6 Ethernet trailer (length, then its octets), bit 7 cut
 *            the frame short (raw16)
 *   tags     a raw16 TCI for each tag
 *   macs     low nibble Ethernet destination (0-7 the group MAC of the
 *            IPv6 destination, 8 host, 9 other, 10 broadcast, 11 asker,
 *            12-15 raw), high nibble source (0-11 asker, 12 group MAC,
 *            13 zero, 14-15 raw)
 *   target, source, destination: an address each, a byte: bits 0-5
 *            pick from xin_addrs (XIN_ADDR_*: derived or raw), bit 6
 *            then xor a raw octet at a raw position, bit 7 flip one bit
 *            (a raw octet: position * 8 + bit)
 *   nopts    bits 0-2: how many options follow, each a kind byte (bits
 *            0-2 kind, bits 3-7 a parameter p, see put_option)
 *
 * The source and destination bytes are xor'ed with their defaults so that
 * zeros make the everyday NS: fe80::1 asking the target's group.
 */
#include <string.h>

#include "xdp_input.h"
#include "model.h"

const uint8_t xin_host_mac[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x01 };
const uint8_t xin_other_mac[6] = { 0x0a, 0x1b, 0x2c, 0x3d, 0x4e, 0x5f };
const uint8_t xin_asker_mac[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0xaa };

/*
 * Around the prefix table of fuzz_xdp.c: inside, at and just past every
 * edge, in nested excludes, and the special ranges of RFC 4291.
 */
const char *const xin_addrs[] = {
	"2001:db8:1::10",		   /* 0: answered /64 */
	"2001:db8:1::",			   /* first of the /64 */
	"2001:db8:1::ffff:ffff:ffff:ffff", /* last of the /64 */
	"2001:db8:1::bad",		   /* excluded /128 */
	"2001:db8:1::bac",		   /* next to it */
	"2001:db8:1:0:dead:beef:0:1",	   /* excluded /96 */
	"2001:db8:1:0:dead:beef:cafe:5",   /* answered /112 in it */
	"2001:db8:1:0:dead:beef:cafe:1",   /* excluded /128 in that */
	"2001:db8:1:0:dead:bef0::1",	   /* just past the /96 */
	"2001:db8:2::42",		   /* answered /128 alone */
	"2001:db8:2::43",		   /* next to it: no match */
	"2001:db8:3::1",		   /* no match */
	"2001:db8:4::1",		   /* answered /127 */
	"2001:db8:4::2",		   /* just past it */
	"2001:db8:5::1",		   /* exclude with nothing around */
	"2001:db8:6:8000::1",		   /* answered /49 */
	"2001:db8:6:7fff::1",		   /* just before it */
	"2001:db8:7:5::1",		   /* answered /61 */
	"2001:db8:7:6::1",		   /* excluded /63 in it */
	"2001:db8:7:8::1",		   /* just past the /61 */
	"fd00::1",			   /* answered /8 */
	"fdff::1",			   /* excluded /16 in it */
	"fe80::1",			   /* link-local asker */
	"fe80::2:3",
	"::", /* DAD source */
	"::1",
	"::ffff:192.0.2.1",
	"2001:db8:1::1", /* the router */
	"ff02::1",	 /* all-nodes */
	"ff02::2",
	"ff02::1:ff00:10", /* group of 0 */
	"ff02::1:ff00:0",
	"ff02::1:fe00:10",     /* off by one octet */
	"ff12::1:ff00:10",     /* other flags */
	"ff02::1:0:1:ff00:10", /* non-zero middle */
	"ff05::2",
	"ff02::1:ffff:ffff",
};

const size_t xin_naddrs = sizeof(xin_addrs) / sizeof(xin_addrs[0]);

#define SRC_DEFAULT 22 /* fe80::1 */
#define DST_DEFAULT XIN_ADDR_SOLNODE

/* Never more: keeps the frame under XIN_MAX_FRAME with tags and trailer. */
#define MSG_MAX 320

struct reader {
	const uint8_t *p;
	size_t n;
};

static uint8_t rd8(struct reader *r)
{
	if (!r->n)
		return 0;
	r->n--;
	return *r->p++;
}

static uint16_t rd16(struct reader *r)
{
	uint16_t hi = rd8(r);

	return (uint16_t)(hi << 8 | rd8(r));
}

static uint32_t rd32(struct reader *r)
{
	uint32_t hi = rd16(r);

	return hi << 16 | rd16(r);
}

static void rdn(struct reader *r, uint8_t *dst, size_t n)
{
	while (n--)
		*dst++ = rd8(r);
}

static void table_addr(size_t i, uint8_t a[16])
{
	static uint8_t cache[sizeof(xin_addrs) / sizeof(xin_addrs[0])][16];
	static bool parsed;
	size_t k;

	if (!parsed) {
		for (k = 0; k < xin_naddrs; k++)
			fr_ip6(xin_addrs[k], cache[k]);
		parsed = true;
	}
	memcpy(a, cache[i % xin_naddrs], 16);
}

static void read_addr(struct reader *r, uint8_t deflt, const uint8_t *target,
		      uint8_t a[16])
{
	uint8_t c = rd8(r), idx = (c & 0x3f) ^ deflt, pos, x;

	if (idx == XIN_ADDR_SOLNODE && target)
		fr_solicited_node(target, a);
	else if (idx == XIN_ADDR_TARGET && target)
		memcpy(a, target, 16);
	else if (idx >= XIN_ADDR_RAW)
		rdn(r, a, 16);
	else
		table_addr(idx, a);
	if (c & 0x40) {
		pos = rd8(r);
		x = rd8(r);
		a[pos & 15] ^= x;
	}
	if (c & 0x80) {
		pos = rd8(r);
		a[(pos >> 3) & 15] ^= (uint8_t)(1u << (pos & 7));
	}
}

static void read_mac(struct reader *r, uint8_t choice, const uint8_t *group,
		     uint8_t mac[6])
{
	static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	static const uint8_t zero[6];
	const uint8_t *m;

	switch (choice) {
	case 0 ... 7:
		m = group;
		break;
	case 8:
		m = xin_host_mac;
		break;
	case 9:
		m = xin_other_mac;
		break;
	case 10:
		m = bcast;
		break;
	case 11:
		m = xin_asker_mac;
		break;
	case 13:
		m = zero;
		break;
	default:
		rdn(r, mac, 6);
		return;
	}
	memcpy(mac, m, 6);
}

/*
 * One option (RFC 4861 §4.6) into msg at *len, kind and parameter p from
 * the kind byte: 0 SLLA, 1 nonce (RFC 3971), 2 TLLA, 3 unknown type of
 * (p & 3) + 1 units, 4 raw type and length with as many octets as that
 * says, 5 a zero-length option, 6 p % 8 stray octets, 7 an unknown
 * option that brings the message to 248, 256 or 264 octets.
 */
static void put_option(struct reader *r, uint8_t *msg, size_t *len)
{
	uint8_t k = rd8(r), p = k >> 3, b[2 + 255 * 8];
	size_t n = 0, i, want;

	switch (k & 7) {
	case 0:
	case 2:
		b[0] = (k & 7) ? FR_ND_OPT_TLLA : FR_ND_OPT_SLLA;
		b[1] = 1;
		memcpy(b + 2, xin_asker_mac, 6);
		n = 8;
		break;
	case 1:
		b[0] = FR_ND_OPT_NONCE;
		b[1] = 1;
		memset(b + 2, p, 6);
		n = 8;
		break;
	case 3:
		b[0] = (uint8_t)(3 + p); /* 3..34: mostly unknown to us */
		b[1] = (p & 3) + 1;
		n = b[1] * 8u;
		for (i = 2; i < n; i++)
			b[i] = (uint8_t)i;
		break;
	case 4:
		b[0] = rd8(r);
		b[1] = rd8(r);
		n = b[1] ? b[1] * 8u : 2;
		if (n > MSG_MAX)
			n = MSG_MAX;
		rdn(r, b + 2, n - 2);
		break;
	case 5:
		b[0] = p;
		b[1] = 0;
		memset(b + 2, 0, 6);
		n = 8;
		break;
	case 6:
		n = p % 8;
		memset(b, 0, n);
		break;
	case 7:
		want = 248 + (p % 3) * 8;
		if (*len + 8 > want)
			return;
		b[0] = 253; /* RFC 4727 experiments */
		b[1] = (uint8_t)((want - *len) / 8);
		n = b[1] * 8u;
		for (i = 2; i < n; i++)
			b[i] = (uint8_t)i;
		break;
	}
	if (*len + n > MSG_MAX)
		n = MSG_MAX - *len;
	memcpy(msg + *len, b, n);
	*len += n;
}

void xin_fix_csum(struct frame *f)
{
	size_t l3 = model_l3_offset(f->b, f->len), plen;
	uint8_t *ip6 = f->b + l3, *msg = ip6 + FR_IP6_HLEN;

	if (!l3 || f->len < l3 + FR_IP6_HLEN + 4 || ip6[6] != FR_IPPROTO_ICMPV6)
		return;
	plen = fr_get16(ip6 + 4);
	if (plen < 4 || l3 + FR_IP6_HLEN + plen > f->len)
		return;
	fr_set16(msg + 2, 0);
	fr_set16(msg + 2, fr_icmp6_csum(ip6 + 8, ip6 + 24, msg, plen));
}

/* The source's nibble in read_mac's terms: mostly the asker. */
static const uint8_t src_mac_choice[16] = {
	11, 11, 11, 11, 11, 11, 11, 11, 11, 11, 11, 11, 0, 13, 14, 15,
};

/* What the description says of the NS, in the order it says it. */
struct ns_desc {
	uint8_t shape, shape2, hlim, code, type, nexthdr;
	uint32_t vtcfl, reserved;
	uint16_t csum_raw;
	int ntags;
	struct fr_vlan tags[3];
	uint8_t macs;
	uint8_t target[16], src[16], dst[16];
};

/* A raw octet when the description asks for one, else the right value. */
static uint8_t rd8_or(struct reader *r, bool raw, uint8_t right)
{
	return raw ? rd8(r) : right;
}

/* The shape bytes, the raw header fields they ask for, the tags. */
static void read_header(struct reader *r, struct ns_desc *d)
{
	int i;

	d->shape = rd8(r);
	d->shape2 = rd8(r);
	d->hlim = rd8_or(r, d->shape & 0x10, 255);
	d->code = rd8_or(r, d->shape & 0x20, 0);
	d->type = rd8_or(r, d->shape & 0x40, FR_ND_NS);
	d->vtcfl = d->shape & 0x80 ? rd32(r) : 0x60000000;
	d->nexthdr = rd8_or(r, d->shape2 & 0x01, FR_IPPROTO_ICMPV6);
	d->reserved = d->shape2 & 0x02 ? rd32(r) : 0;
	d->csum_raw = (d->shape2 & 0x0c) >= 0x08 ? rd16(r) : 0;
	d->ntags = d->shape & 3;
	for (i = 0; i < d->ntags; i++) {
		d->tags[i].tpid = FR_ETH_P_8021Q;
		if (i < 2 && d->shape & (0x04 << i))
			d->tags[i].tpid = FR_ETH_P_8021AD;
		d->tags[i].tci = rd16(r);
	}
	d->macs = rd8(r);
	read_addr(r, 0, NULL, d->target);
	read_addr(r, SRC_DEFAULT, d->target, d->src);
	read_addr(r, DST_DEFAULT, d->target, d->dst);
}

/* Type, code, checksum 0, reserved, target, then the options; returns
 * the message's length. */
static size_t build_msg(struct reader *r, const struct ns_desc *d,
			uint8_t msg[MSG_MAX])
{
	size_t mlen = 24, i, nopts;

	msg[0] = d->type;
	msg[1] = d->code;
	msg[2] = msg[3] = 0;
	msg[4] = (uint8_t)(d->reserved >> 24);
	msg[5] = (uint8_t)(d->reserved >> 16);
	msg[6] = (uint8_t)(d->reserved >> 8);
	msg[7] = (uint8_t)d->reserved;
	memcpy(msg + 8, d->target, 16);
	nopts = rd8(r) & 7;
	for (i = 0; i < nopts; i++)
		put_option(r, msg, &mlen);
	return mlen;
}

/* The IPv6 payload length: right, right plus a raw offset, or raw. */
static uint16_t read_plen(struct reader *r, const struct ns_desc *d,
			  size_t mlen)
{
	size_t plen;

	switch (d->shape2 & 0x30) {
	case 0x10:
		plen = (size_t)((int)mlen + (int8_t)rd8(r));
		break;
	case 0x20:
		plen = rd16(r);
		break;
	default:
		plen = mlen;
	}
	return (uint16_t)(plen & 0xffff);
}

/* The checksum over what the program will take as the message at l3. */
static void set_csum(const struct ns_desc *d, struct frame *f, size_t l3)
{
	uint8_t *csum = f->b + l3 + FR_IP6_HLEN + 2;

	switch (d->shape2 & 0x0c) {
	case 0x00:
	case 0x04:
		xin_fix_csum(f);
		break;
	case 0x08:
		xin_fix_csum(f);
		fr_set16(csum, fr_get16(csum) ^ d->csum_raw);
		break;
	default:
		fr_set16(csum, d->csum_raw);
	}
}

static void build_ns(struct reader *r, struct frame *f)
{
	uint8_t eth_dst[6], eth_src[6], group[6], msg[MSG_MAX];
	struct ns_desc d;
	size_t mlen, l3, i, n;
	uint16_t plen;

	read_header(r, &d);
	mlen = build_msg(r, &d, msg);
	plen = read_plen(r, &d, mlen);
	fr_mcast_mac(d.dst, group);
	read_mac(r, d.macs & 15, group, eth_dst);
	read_mac(r, src_mac_choice[d.macs >> 4], group, eth_src);

	f->len = 0;
	fr_eth(f, eth_dst, eth_src, d.tags, d.ntags, FR_ETH_P_IPV6);
	l3 = f->len;
	fr_ip6hdr(f, d.vtcfl, plen, d.nexthdr, d.hlim, d.src, d.dst);
	fr_put(f, msg, mlen);
	if (d.shape2 & 0x40) {
		n = rd8(r);
		for (i = 0; i < n; i++)
			fr_put8(f, rd8(r));
	}
	set_csum(&d, f, l3);
	if (d.shape2 & 0x80)
		f->len = FR_ETH_HLEN + rd16(r) % (f->len - FR_ETH_HLEN + 1);
}

int xin_decode(const uint8_t *data, size_t size, unsigned int *cfg,
	       struct frame *f)
{
	struct reader r;
	size_t pos;

	if (size < 2)
		return -1;
	r.p = data + 2;
	r.n = size - 2;
	*cfg = data[0];
	switch (data[1] % 4) {
	case XIN_RAW:
	case XIN_RAW_CSUM:
		f->len = r.n < XIN_MAX_FRAME ? r.n : XIN_MAX_FRAME;
		memcpy(f->b, r.p, f->len);
		if (data[1] % 4 == XIN_RAW_CSUM)
			xin_fix_csum(f);
		break;
	default:
		build_ns(&r, f);
		if (data[1] % 4 != XIN_NS_PATCH)
			break;
		while (r.n >= 2) {
			pos = rd8(&r);
			f->b[pos % f->len] = rd8(&r);
		}
		xin_fix_csum(f);
	}
	return f->len < FR_ETH_HLEN ? -1 : 0;
}
