// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Unit tests of the frames `announce` sends (os/ndp_build.c): each must
 * equal, byte for byte, the frame frames.h builds on its own from the RFCs,
 * and carry a checksum that frames.h's own checksum accepts. Then the NS
 * goes through the XDP program: a responder on the link must take it for
 * a valid NS (RFC 4861 §7.1.1) and answer it. The frame tests need nothing;
 * the XDP test needs root (BPF_PROG_LOAD) and pins nothing.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <linux/bpf.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "ndpresponder.h"
#include "ndpresponder.skel.h"
#include "ndp_build.h"
#include "harness.h"
#include "frames.h"
#include "skel_fixture.h"

#define NAME_LEN 192

static const uint8_t mac_a[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x01 };
static const uint8_t mac_b[6] = { 0x0a, 0x1b, 0x2c, 0x3d, 0x4e, 0x5f };

/* ---- comparing frames ---- */

/* The fields of an untagged ND frame with one link-layer option. */
static const struct {
	size_t off, len;
	const char *name;
} nd_fields[] = {
	{ 0, 6, "eth dst" },
	{ 6, 6, "eth src" },
	{ 12, 2, "ethertype" },
	{ 14, 4, "IPv6 version/class/flow" },
	{ 18, 2, "payload length" },
	{ 20, 1, "next header" },
	{ 21, 1, "hop limit" },
	{ 22, 16, "IPv6 src" },
	{ 38, 16, "IPv6 dst" },
	{ 54, 2, "ICMPv6 type/code" },
	{ 56, 2, "ICMPv6 checksum" },
	{ 58, 1, "flags" },
	{ 59, 3, "reserved" },
	{ 62, 16, "target" },
	{ 78, 2, "option type/length" },
	{ 80, 6, "option MAC" },
};

/*
 * Byte for byte; on a difference the FAIL line names the fields, so it
 * says what is wrong before the dump says where.
 */
static bool same_frame(const char *name, const uint8_t *got, size_t glen,
		       const struct frame *want)
{
	char why[512] = "";
	size_t i, n = 0;

	if (glen == want->len && !memcmp(got, want->b, glen))
		return true;
	if (glen != want->len)
		n = snprintf(why, sizeof(why), " frame length %zu, want %zu;",
			     glen, want->len);
	for (i = 0; i < sizeof(nd_fields) / sizeof(nd_fields[0]); i++) {
		size_t end = nd_fields[i].off + nd_fields[i].len;

		if (n >= sizeof(why) || end > glen || end > want->len ||
		    !memcmp(got + nd_fields[i].off, want->b + nd_fields[i].off,
			    nd_fields[i].len))
			continue;
		n += snprintf(why + n, sizeof(why) - n, " %s;",
			      nd_fields[i].name);
	}
	harness_result(0, name, "differs from frames.h in:%s", why);
	hexdump_diff(got, glen, want->b, want->len);
	print_frame("got", got, glen);
	print_frame("want", want->b, want->len);
	return false;
}

/* frames.h's checksum over the message as sent must come out 0. */
static bool csum_verifies(const uint8_t *f, size_t len)
{
	const uint8_t *ip6 = f + FR_ETH_HLEN;
	size_t plen;

	if (len < FR_ETH_HLEN + FR_IP6_HLEN)
		return false;
	plen = fr_get16(ip6 + 4);
	if (len < FR_ETH_HLEN + FR_IP6_HLEN + plen)
		return false;
	return fr_icmp6_csum(ip6 + 8, ip6 + 24, ip6 + FR_IP6_HLEN, plen) == 0;
}

static void fmt_mac(const uint8_t m[6], char *buf, size_t len)
{
	snprintf(buf, len, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2],
		 m[3], m[4], m[5]);
}

/* ---- the unsolicited NA ---- */

/*
 * RFC 4861 §7.2.6: to all-nodes, S=0, O=1 (announce overrides what the
 * link cached), R as the responder answers, TLLA = the MAC.
 */
static void test_na(const uint8_t mac[6], const char *addr, int router)
{
	static const uint8_t all_nodes_mac[6] = { 0x33, 0x33, 0, 0, 0, 1 };
	uint8_t got[FR_MAX];
	struct fr_na na = {};
	struct in6_addr a;
	char name[NAME_LEN], m[18];
	static struct frame want;
	size_t len;

	fmt_mac(mac, m, sizeof(m));
	snprintf(name, sizeof(name),
		 "announce: unsolicited NA for %s, router=%d, mac %s", addr,
		 router, m);
	fr_ip6(addr, a.s6_addr);
	memcpy(na.eth_dst, all_nodes_mac, 6);
	memcpy(na.eth_src, mac, 6);
	memcpy(na.src, a.s6_addr, 16);
	fr_ip6("ff02::1", na.dst);
	na.flags = (router ? FR_NA_R : 0) | FR_NA_O;
	memcpy(na.target, a.s6_addr, 16);
	memcpy(na.tlla, mac, 6);
	fr_build_na(&want, &na);

	/* Poisoned: a byte the builder forgets to write shows. */
	memset(got, 0xa5, sizeof(got));
	len = ndp_build_unsolicited_na(got, mac, &a, router);
	if (!same_frame(name, got, len, &want))
		return;
	if (!CHECK(name, csum_verifies(got, len),
		   "checksum does not verify with frames.h's"))
		return;
	harness_result(1, name, "%s", "");
}

/* ---- the NS to the gateway ---- */

/*
 * RFC 4861 §7.2.2: to the target's solicited-node group (RFC 4291
 * §2.7.1) at its MAC (RFC 2464 §7), hop limit 255, with an SLLA so that
 * the target learns src -> mac.
 */
static void test_ns(const uint8_t mac[6], const char *src, const char *target)
{
	uint8_t got[FR_MAX], slla[8] = { FR_ND_OPT_SLLA, 1 };
	struct in6_addr s, t;
	char name[NAME_LEN], m[18];
	static struct frame want;
	struct fr_ns ns = {};
	size_t len;

	fmt_mac(mac, m, sizeof(m));
	snprintf(name, sizeof(name), "announce: NS from %s for %s, mac %s", src,
		 target, m);
	fr_ip6(src, s.s6_addr);
	fr_ip6(target, t.s6_addr);
	memcpy(slla + 2, mac, 6);
	fr_solicited_node(t.s6_addr, ns.dst);
	fr_mcast_mac(ns.dst, ns.eth_dst);
	memcpy(ns.eth_src, mac, 6);
	ns.vtcfl = 0x60000000;
	ns.hlim = 255;
	memcpy(ns.src, s.s6_addr, 16);
	ns.nexthdr = FR_IPPROTO_ICMPV6;
	ns.type = FR_ND_NS;
	memcpy(ns.target, t.s6_addr, 16);
	ns.opts = slla;
	ns.opts_len = sizeof(slla);
	fr_build_ns(&want, &ns);

	memset(got, 0xa5, sizeof(got));
	len = ndp_build_ns(got, mac, &s, &t);
	if (!same_frame(name, got, len, &want))
		return;
	/* Spelled out once more, without frames.h's helpers. */
	if (!CHECK(name,
		   got[0] == 0x33 && got[1] == 0x33 && got[2] == 0xff &&
			   !memcmp(got + 3, t.s6_addr + 13, 3),
		   "eth dst is not 33:33:ff and the target's low 24 bits"))
		return;
	if (!CHECK(name, csum_verifies(got, len),
		   "checksum does not verify with frames.h's"))
		return;
	harness_result(1, name, "%s", "");
}

/* ---- the NS through the responder ---- */

#define ANSWERED_PREFIX "2001:db8:1::"
#define ANSWERED_PLEN	64

/* Loads unpinned with cfg and adds the answered prefix. */
static int load_responder(struct skel_fixture *fx,
			  const struct ndpr_config *cfg, char *why, size_t len)
{
	struct ndpr_prefix_val val = { .action = NDPR_ACT_ANSWER };

	if (skel_fixture_load(fx, cfg, why, len))
		return -1;
	if (skel_add_entry(fx->skel, ANSWERED_PREFIX, ANSWERED_PLEN, &val, why,
			   len)) {
		skel_fixture_destroy(fx);
		return -1;
	}
	return 0;
}

static const uint8_t responder_mac[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x99 };

/*
 * The gateway a host announces to may itself be answered by an
 * ndpresponder (another one on the link, or ours in a test set-up): the
 * NS must pass §7.1.1 there and get the usual NA, R|S|O from the target.
 */
static void check_ns_answered(const struct skel_fixture *fx, const char *name)
{
	static struct frame in, got, want;
	struct fr_na na = {};
	struct in6_addr src, gw;
	__u32 retval;
	int err;

	fr_ip6("2001:db8:7::5", src.s6_addr);
	fr_ip6("2001:db8:1::1", gw.s6_addr);
	in.len = ndp_build_ns(in.b, mac_a, &src, &gw);
	err = xdp_run_frame(fx->prog_fd, LO_IFINDEX, &in, &got, &retval);
	if (!CHECK(name, !err, "bpf_prog_test_run_opts: %s", strerror(err)))
		return;
	if (!CHECK(name, retval == XDP_TX, "verdict %u, want XDP_TX (%u)",
		   retval, XDP_TX)) {
		print_frame("input", in.b, in.len);
		return;
	}
	/* The NA of RFC 4861 §7.2.4 back to the asker, from the target. */
	memcpy(na.eth_dst, mac_a, 6);
	memcpy(na.eth_src, responder_mac, 6);
	memcpy(na.src, gw.s6_addr, 16);
	memcpy(na.dst, src.s6_addr, 16);
	na.flags = FR_NA_R | FR_NA_S | FR_NA_O;
	memcpy(na.target, gw.s6_addr, 16);
	memcpy(na.tlla, responder_mac, 6);
	fr_build_na(&want, &na);
	if (!same_frame(name, got.b, got.len, &want))
		return;
	if (!CHECK(name, csum_verifies(got.b, got.len),
		   "the NA's checksum does not verify"))
		return;
	harness_result(1, name, "%s", "");
}

/* The NA for an answered address, as announce sends it: the responder
 * must not take it for something to answer or change. */
static void check_own_na_passes(const struct skel_fixture *fx, const char *name)
{
	static struct frame in, got;
	struct in6_addr src;
	__u32 retval;
	int err;

	fr_ip6("2001:db8:1::10", src.s6_addr);
	in.len = ndp_build_unsolicited_na(in.b, responder_mac, &src, 1);
	err = xdp_run_frame(fx->prog_fd, LO_IFINDEX, &in, &got, &retval);
	if (CHECK(name, !err, "bpf_prog_test_run_opts: %s", strerror(err)) &&
	    CHECK(name, retval == XDP_PASS, "verdict %u, want XDP_PASS",
		  retval) &&
	    CHECK(name, got.len == in.len && !memcmp(got.b, in.b, in.len),
		  "the frame was changed"))
		harness_result(1, name, "%s", "");
}

static void test_ns_answered(void)
{
	const char *name = "announce: NS from ndp_build_ns answered by XDP "
			   "with XDP_TX";
	const char *name_na = "announce: own unsolicited NA passes XDP "
			      "untouched";
	struct ndpr_config cfg = {
		.flags = NDPR_CFG_ROUTER | NDPR_CFG_DAD | NDPR_CFG_UNICAST,
		.override = NDPR_OVERRIDE_MULTICAST,
	};
	struct skel_fixture fx;
	char why[256] = "";

	memcpy(cfg.mac, responder_mac, 6);
	if (load_responder(&fx, &cfg, why, sizeof(why))) {
		harness_result(0, name, "%s", why);
		harness_result(0, name_na, "skeleton did not load");
		return;
	}
	check_ns_answered(&fx, name);
	check_own_na_passes(&fx, name_na);
	skel_fixture_destroy(&fx);
}

int main(void)
{
	static const char *const addrs[] = {
		"2001:db8:1::10",
		"2001:db8:ffff:ffff:ffff:ffff:ffff:fffe",
		"fe80::1",
		"2001:db8::",
	};
	size_t i;

	setvbuf(stdout, NULL, _IOLBF, 0);
	for (i = 0; i < sizeof(addrs) / sizeof(addrs[0]); i++) {
		test_na(i % 2 ? mac_b : mac_a, addrs[i], 1);
		test_na(i % 2 ? mac_a : mac_b, addrs[i], 0);
	}
	/* Targets whose low 24 bits differ byte by byte, so that a shifted
	 * copy into the group or its MAC shows. */
	test_ns(mac_a, "2001:db8:1::10", "fe80::1");
	test_ns(mac_b, "2001:db8:1::10", "fe80::aabb:ccdd:eeff");
	test_ns(mac_a, "2001:db8:7::5", "2001:db8:1::12:3456");
	test_ns(mac_b, "fe80::5", "2001:db8::ff:ffff");

	if (geteuid() != 0) {
		harness_result(0, "announce: running as root",
			       "BPF_PROG_LOAD and BPF_PROG_RUN need root");
		return harness_exit();
	}
	test_ns_answered();
	return harness_exit();
}
