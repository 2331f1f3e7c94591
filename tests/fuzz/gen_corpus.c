// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Writes the seed corpus of the fuzzers (run once; its output is
 * committed under tests/fuzz/corpus/, see tests/fuzz/README.md):
 *
 *   gen_corpus xdp DIR                 frames from frames.h and NS
 *                                      descriptions (xdp_input.h)
 *   gen_corpus pcap FILE DIR NAME      each packet of a pcap capture as a
 *                                      raw-frame input, DIR/NAME-N
 *   gen_corpus parsers DIR             prefixes, prefix files, argv
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "frames.h"
#include "xdp_input.h"

static const char *out_dir;

/* One seed: its leading octets (which target or configuration), then
 * the body. */
static void put_file(const char *name, const uint8_t *head, size_t hlen,
		     const void *body, size_t len)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", out_dir, name);
	f = fopen(path, "wb");
	if (!f || fwrite(head, 1, hlen, f) != hlen ||
	    fwrite(body, 1, len, f) != len || fclose(f)) {
		fprintf(stderr, "gen_corpus: writing %s: %s\n", path,
			strerror(errno));
		exit(1);
	}
}

/* An XDP fuzzer input: configuration, mode, then the frame or the NS
 * description. */
static void put_xdp(const char *name, uint8_t cfg, uint8_t mode,
		    const void *body, size_t len)
{
	const uint8_t head[2] = { cfg, mode };

	put_file(name, head, 2, body, len);
}

/* ---- XDP: raw frames built from the RFCs by frames.h ---- */

#define SLLA_OPT 1, 1, 0x02, 0x00, 0x00, 0x00, 0x00, 0xaa
#define NONCE	 14, 1, 0xa1, 0xa2, 0xa3, 0xa4, 0xa5, 0xa6

static void raw_ns(const char *name, const char *src, const char *dst,
		   const char *target, const uint8_t *opts, size_t olen,
		   int ntags)
{
	static const struct fr_vlan tags[2] = { { 0x88a8, 200 },
						{ 0x8100, 100 } };
	struct fr_ns ns = { .vtcfl = 0x60000000,
			    .hlim = 255,
			    .nexthdr = FR_IPPROTO_ICMPV6,
			    .type = FR_ND_NS };
	struct frame f;

	fr_ip6(src, ns.src);
	fr_ip6(target, ns.target);
	if (dst)
		fr_ip6(dst, ns.dst);
	else
		fr_solicited_node(ns.target, ns.dst);
	if (fr_ip6_is_multicast(ns.dst))
		fr_mcast_mac(ns.dst, ns.eth_dst);
	else
		memcpy(ns.eth_dst, xin_host_mac, 6);
	memcpy(ns.eth_src, xin_asker_mac, 6);
	ns.ntags = ntags;
	memcpy(ns.tags, tags + 2 - ntags, sizeof(tags[0]) * ntags);
	ns.opts = opts;
	ns.opts_len = olen;
	fr_build_ns(&f, &ns);
	put_xdp(name, 0, XIN_RAW, f.b, f.len);
}

static void gen_xdp_raw(void)
{
	static const uint8_t slla[] = { SLLA_OPT };
	static const uint8_t slla_nonce[] = { SLLA_OPT, NONCE };
	static const uint8_t nonce[] = { NONCE };
	uint8_t s[16], d[16];
	struct frame f;

	raw_ns("raw-ns-slla", "fe80::1", NULL, "2001:db8:1::10", slla, 8, 0);
	raw_ns("raw-ns-slla-nonce", "2001:db8:1::1", NULL, "2001:db8:1::10",
	       slla_nonce, 16, 0);
	raw_ns("raw-ns-unicast", "2001:db8:1::1", "2001:db8:1::10",
	       "2001:db8:1::10", slla, 8, 0);
	raw_ns("raw-ns-dad", "::", NULL, "2001:db8:2::42", nonce, 8, 0);
	raw_ns("raw-ns-vlan", "fe80::1", NULL, "2001:db8:1::10", slla, 8, 1);
	raw_ns("raw-ns-qinq", "fe80::1", NULL, "2001:db8:4::1", slla, 8, 2);
	raw_ns("raw-ns-excluded", "fe80::1", NULL, "2001:db8:1::bad", slla, 8,
	       0);
	raw_ns("raw-ns-nomatch", "fe80::1", NULL, "2001:db8:3::1", slla, 8, 0);

	fr_build_ipv4_udp(&f, xin_host_mac, xin_asker_mac);
	put_xdp("raw-ipv4-udp", 0, XIN_RAW, f.b, f.len);
	fr_build_arp(&f, xin_asker_mac);
	put_xdp("raw-arp", 0, XIN_RAW, f.b, f.len);
	fr_ip6("2001:db8:1::1", s);
	fr_ip6("2001:db8:1::10", d);
	fr_build_ipv6_tcp(&f, xin_host_mac, xin_asker_mac, s, d);
	put_xdp("raw-ipv6-tcp", 0, XIN_RAW, f.b, f.len);
}

/* ---- XDP: NS descriptions (xdp_input.c), per configuration ---- */

#define DESC(name, cfg, mode, ...)                          \
	do {                                                \
		static const uint8_t b[] = { __VA_ARGS__ }; \
		put_xdp(name, cfg, mode, b, sizeof(b));     \
	} while (0)

/* Address bytes: table index xor'ed with the field's default. */
#define T(i)	  (i)
#define S(i)	  ((i) ^ 22)
#define D(i)	  ((i) ^ 60)
#define OPT_SLLA  0
#define OPT_NONCE 1
#define OPT_TLLA  2
#define OPT_UNKN  3
#define OPT_RAW	  4
#define OPT_ZERO  5
#define OPT_STRAY 6
#define OPT_LONG  7

/* A seed for configuration c, named after it. */
static void put_cfg(const char *name, uint8_t c, const uint8_t *b, size_t n)
{
	char full[64];

	snprintf(full, sizeof(full), "%s-cfg%u", name, c);
	put_xdp(full, c, XIN_NS, b, n);
}

/* The everyday NS in every configuration. */
static void gen_xdp_desc_cfgs(void)
{
	static const uint8_t slla[] = {
		0, 0, 0, T(0), S(22), D(60), 1, OPT_SLLA
	};
	static const uint8_t dad[] = {
		0, 0, 0, T(9), S(24), D(60), 1, OPT_NONCE
	};
	static const uint8_t unicast[] = { 0,	  0,	 8, T(6),
					   S(27), D(61), 1, OPT_SLLA };
	uint8_t c;

	for (c = 0; c < 4; c++) {
		put_cfg("ns-plain", c, NULL, 0);
		put_cfg("ns-slla", c, slla, sizeof(slla));
		put_cfg("ns-dad-nonce", c, dad, sizeof(dad));
		put_cfg("ns-unicast", c, unicast, sizeof(unicast));
	}
}

/* One seed a line: the list is the clearest form of what it covers. */
static void gen_xdp_desc(void)
{
	/* shape: 2 tags, outer 802.1ad; TCIs; then the usual */
	DESC("ns-qinq", 0, XIN_NS, 0x06, 0, 0x00, 0xc8, 0x00, 0x64, 0, T(12),
	     S(22), D(60), 1, OPT_SLLA);
	DESC("ns-three-tags", 0, XIN_NS, 0x03, 0, 0, 1, 0, 2, 0, 3, 0, T(0),
	     S(22), D(60), 1, OPT_SLLA);
	DESC("ns-nested-exclude", 0, XIN_NS, 0, 0, 0, T(7), S(22), D(60), 1,
	     OPT_SLLA);
	DESC("ns-prefix-49", 3, XIN_NS, 0, 0, 0, T(15), S(27), D(60), 1,
	     OPT_SLLA);
	DESC("ns-ula", 1, XIN_NS, 0, 0, 0, T(20), S(22), D(60), 1, OPT_SLLA);
	DESC("ns-too-long", 0, XIN_NS, 0, 0, 0, T(0), S(22), D(60), 2, OPT_SLLA,
	     OPT_LONG | 2 << 3);
	DESC("ns-max-len", 0, XIN_NS, 0, 0, 0, T(0), S(22), D(60), 2, OPT_SLLA,
	     OPT_LONG | 1 << 3);
	DESC("ns-hop-limit", 0, XIN_NS, 0x10, 0, 254, 0, T(0), S(22), D(60), 1,
	     OPT_SLLA);
	DESC("ns-code", 0, XIN_NS, 0x20, 0, 1, 0, T(0), S(22), D(60), 1,
	     OPT_SLLA);
	DESC("ns-bad-csum", 0, XIN_NS, 0, 0x08, 0x01, 0x00, 0, T(0), S(22),
	     D(60), 1, OPT_SLLA);
	DESC("ns-zero-opt", 0, XIN_NS, 0, 0, 0, T(0), S(22), D(60), 1,
	     OPT_ZERO);
	DESC("ns-stray", 0, XIN_NS, 0, 0, 0, T(0), S(22), D(60), 2, OPT_SLLA,
	     OPT_STRAY | 4 << 3);
	DESC("ns-dad-slla", 0, XIN_NS, 0, 0, 0, T(0), S(24), D(60), 1,
	     OPT_SLLA);
	DESC("ns-dad-allnodes", 0, XIN_NS, 0, 0, 0, T(0), S(24), D(28), 0);
	DESC("ns-src-multicast", 0, XIN_NS, 0, 0, 0, T(0), S(28), D(60), 0);
	DESC("ns-target-multicast", 0, XIN_NS, 0, 0, 0, T(35), S(22), D(60), 0);
	DESC("ns-short-plen", 0, XIN_NS, 0, 0x10, 0, T(0), S(22), D(60), 1,
	     OPT_SLLA, 0xf0);
	DESC("ns-long-plen", 0, XIN_NS, 0, 0x10, 0, T(0), S(22), D(60), 1,
	     OPT_SLLA, 0x10);
	DESC("ns-trailer", 0, XIN_NS, 0, 0x40, 0, T(0), S(22), D(60), 1,
	     OPT_SLLA, 6, 1, 2, 3, 4, 5, 6);
	DESC("ns-cut", 0, XIN_NS, 0, 0x80, 0, T(0), S(22), D(60), 1, OPT_SLLA,
	     0, 60);
	DESC("ns-fragment-hdr", 0, XIN_NS, 0, 0x01, 44, 0, T(0), S(22), D(60),
	     0);
	DESC("ns-raw-target", 0, XIN_NS, 0, 0, 0, 62, 0x20, 0x01, 0x0d, 0xb8, 0,
	     0x07, 0, 0x02, 0, 0, 0, 0, 0, 0, 0, 1, S(22), D(60), 0);
	DESC("ns-raw-option", 2, XIN_NS, 0, 0, 0, T(0), S(27), D(61), 1,
	     OPT_RAW, 1, 2, 0x02, 0, 0, 0, 0, 0xaa, 1, 2, 3, 4, 5, 6, 7, 8);
	DESC("ns-patch-type", 0, XIN_NS_PATCH, 0, 0, 0, T(0), S(22), D(60), 1,
	     OPT_SLLA, 54, 136);
}

/* ---- pcap (libpcap's file format: global header, then records) ---- */

static uint32_t rd32(const uint8_t *p, int swap)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return swap ? __builtin_bswap32(v) : v;
}

static void gen_pcap(const char *file, const char *name)
{
	uint8_t hdr[24], rec[16], pkt[65536];
	char fname[256];
	unsigned int n = 0;
	uint32_t magic, caplen;
	int swap;
	FILE *f = fopen(file, "rb");

	if (!f || fread(hdr, 1, 24, f) != 24) {
		fprintf(stderr, "gen_corpus: %s: not a pcap file\n", file);
		exit(1);
	}
	memcpy(&magic, hdr, 4);
	if (magic != 0xa1b2c3d4 && magic != 0xd4c3b2a1 && magic != 0xa1b23c4d &&
	    magic != 0x4d3cb2a1) {
		fprintf(stderr, "gen_corpus: %s: not a pcap file\n", file);
		exit(1);
	}
	swap = magic == 0xd4c3b2a1 || magic == 0x4d3cb2a1;
	if (rd32(hdr + 20, swap) != 1) { /* LINKTYPE_ETHERNET */
		fprintf(stderr, "gen_corpus: %s: not Ethernet\n", file);
		exit(1);
	}
	while (fread(rec, 1, 16, f) == 16) {
		caplen = rd32(rec + 8, swap);
		if (caplen > sizeof(pkt) || fread(pkt, 1, caplen, f) != caplen)
			break;
		snprintf(fname, sizeof(fname), "%s-%u", name, n++);
		put_xdp(fname, 0, XIN_RAW, pkt,
			caplen < XIN_MAX_FRAME ? caplen : XIN_MAX_FRAME);
	}
	fclose(f);
}

/* ---- parsers (fuzz_parsers.c: first octet picks the parser) ---- */

/* A seed: the parser's octet, then the text (argv: NUL-separated). */
struct text_seed {
	const char *name;
	uint8_t which;
	const char *s;
	size_t len;
};

#define SEED(name, which, s)                  \
	{                                     \
		name, which, s, sizeof(s) - 1 \
	}

static const struct text_seed text_seeds[] = {
	SEED("prefix-64", 0, "2001:db8:1::/64"),
	SEED("prefix-host", 0, "2001:db8:1::10"),
	SEED("prefix-default-forced", 4, "::/0"),
	SEED("prefix-default", 0, "::/0"),
	SEED("prefix-link-local", 0, "fe80::/64"),
	SEED("prefix-multicast", 0, "ff02::1"),
	SEED("prefix-129", 0, "2001:db8::1/129"),
	SEED("prefix-ipv4", 0, "192.0.2.1"),
	SEED("prefix-host-bits", 0, "2001:db8::1/64"),
	SEED("prefix-v4mapped", 0, "::ffff:192.0.2.1/128"),
	SEED("prefix-odd-len", 0, "2001:db8:1:2::/63"),
	SEED("prefix-lead-zero", 0, "2001:db8::/064"),
	SEED("file-mixed", 1,
	     "# containers\n"
	     "2001:db8:1:2::/112\n"
	     "exclude 2001:db8:1:2::1   # the gateway\n"
	     "2001:db8:1:3::/64 route-check\n"
	     "2001:db8:1:4::/64\troute-check=neigh\r\n"
	     "\n"
	     "2001:db8:1:5::42\n"),
	SEED("file-bad-word", 1, "2001:db8::/64 exclude\n"),
	SEED("file-three-words", 1, "exclude 2001:db8::/64 route-check\n"),
	SEED("file-bad-prefix", 1, "2001:db8::/64\nfe80::1\n"),
	SEED("argv-full", 2,
	     "eth0\0"
	     "2001:db8:1::/64\0"
	     "-x\0"
	     "2001:db8:1::1\0"
	     "--mac\0"
	     "02:00:00:00:00:01\0"
	     "--override\0"
	     "never\0"
	     "--no-dad\0"
	     "--no-unicast\0"
	     "--no-router\0"
	     "-m\0"
	     "generic\0"
	     "--max-prefixes\0"
	     "1024\0"
	     "--log-rate=0\0"
	     "--route-check=neigh"),
	SEED("argv-force", 2,
	     "eth0\0"
	     "::/0\0"
	     "--force"),
	SEED("argv-help", 2, "--help"),
	SEED("argv-bad", 2,
	     "--mode\0"
	     "fast\0"
	     "eth0"),
	SEED("small-uint", 3, "65536"),
	SEED("small-mac", 3, "02:00:00:00:00:01"),
	SEED("small-neigh", 3, "neigh"),
};

static void gen_parsers(void)
{
	const struct text_seed *t;
	size_t i;

	for (i = 0; i < sizeof(text_seeds) / sizeof(text_seeds[0]); i++) {
		t = &text_seeds[i];
		put_file(t->name, &t->which, 1, t->s, t->len);
	}
}

int main(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[1], "xdp")) {
		out_dir = argv[2];
		gen_xdp_raw();
		gen_xdp_desc_cfgs();
		gen_xdp_desc();
		return 0;
	}
	if (argc == 5 && !strcmp(argv[1], "pcap")) {
		out_dir = argv[3];
		gen_pcap(argv[2], argv[4]);
		return 0;
	}
	if (argc == 3 && !strcmp(argv[1], "parsers")) {
		out_dir = argv[2];
		gen_parsers();
		return 0;
	}
	fprintf(stderr, "usage: gen_corpus xdp DIR | pcap FILE DIR NAME | "
			"parsers DIR\n");
	return 2;
}
