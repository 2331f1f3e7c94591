// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Unit tests of the XDP program: crafted frames go through BPF_PROG_RUN,
 * and the verdict, the whole output frame and the outcome counters are
 * compared with what frames.h builds on its own from the RFCs. .rodata is
 * fixed at load, so every configuration gets its own load of the skeleton.
 * Needs root (BPF_PROG_LOAD); pins nothing.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sched.h>
#include <net/if.h>
#include <arpa/inet.h>

#include <linux/bpf.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "ndpresponder.h"
#include "ndpresponder.skel.h"
#include "harness.h"
#include "frames.h"
#include "skel_fixture.h"
#include "rx_vlan.h"
#include "ndpresponder_vlan_test.skel.h"

#define NAME_MAX_LEN 160

/* Where the default bpffs would put LIBBPF_PIN_BY_NAME maps. */
#define BPFFS_ROOT "/sys/fs/bpf"

/* The router asking; its MAC also fills the SLLA options below. */
static const uint8_t asker_mac[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0xaa };
#define ASKER_MAC_BYTES 0x02, 0x00, 0x00, 0x00, 0x00, 0xaa

#define HOST_MAC                                   \
	{                                          \
		0x02, 0x00, 0x00, 0x00, 0x00, 0x01 \
	}
#define OTHER_MAC                                  \
	{                                          \
		0x0a, 0x1b, 0x2c, 0x3d, 0x4e, 0x5f \
	}

/* ---- configurations, one load each ---- */

enum cfg_id {
	CFG_DEFAULT,
	CFG_NO_ROUTER,
	CFG_OVR_ALWAYS,
	CFG_OVR_NEVER,
	CFG_DAD_OFF,
	CFG_UNICAST_OFF,
	CFG_NO_FLAGS,
	CFG_MAC,
	CFG_MAX
};

#define ALL_FLAGS (NDPR_CFG_ROUTER | NDPR_CFG_DAD | NDPR_CFG_UNICAST)

static const struct {
	const char *name;
	struct ndpr_config cfg;
} cfgs[CFG_MAX] = {
	[CFG_DEFAULT] = { "default",
			  { HOST_MAC, ALL_FLAGS, NDPR_OVERRIDE_MULTICAST } },
	[CFG_NO_ROUTER] = { "router off",
			    { HOST_MAC, NDPR_CFG_DAD | NDPR_CFG_UNICAST,
			      NDPR_OVERRIDE_MULTICAST } },
	[CFG_OVR_ALWAYS] = { "override always",
			     { HOST_MAC, ALL_FLAGS, NDPR_OVERRIDE_ALWAYS } },
	[CFG_OVR_NEVER] = { "override never",
			    { HOST_MAC, ALL_FLAGS, NDPR_OVERRIDE_NEVER } },
	[CFG_DAD_OFF] = { "DAD off",
			  { HOST_MAC, NDPR_CFG_ROUTER | NDPR_CFG_UNICAST,
			    NDPR_OVERRIDE_MULTICAST } },
	[CFG_UNICAST_OFF] = { "unicast off",
			      { HOST_MAC, NDPR_CFG_ROUTER | NDPR_CFG_DAD,
				NDPR_OVERRIDE_MULTICAST } },
	[CFG_NO_FLAGS] = { "no flags", { HOST_MAC, 0, NDPR_OVERRIDE_NEVER } },
	[CFG_MAC] = { "other MAC",
		      { OTHER_MAC, ALL_FLAGS, NDPR_OVERRIDE_MULTICAST } },
};

/*
 * The same entries in every load. /128 go to the hash, the rest to the
 * trie, as maps.h describes. The excludes carve holes into the /64.
 */
static const struct {
	const char *addr;
	unsigned int plen;
	uint8_t action;
} entries[] = {
	{ "2001:db8:1::", 64, NDPR_ACT_ANSWER },
	{ "2001:db8:1:0:dead:beef::", 96, NDPR_ACT_EXCLUDE },
	{ "2001:db8:1::bad", 128, NDPR_ACT_EXCLUDE },
	{ "2001:db8:2::42", 128, NDPR_ACT_ANSWER },
};

/* ---- the cases ---- */

#define OPTS(...) \
	.opts = { __VA_ARGS__ }, .opts_len = sizeof((uint8_t[]){ __VA_ARGS__ })
#define SLLA  1, 1, ASKER_MAC_BYTES
#define NONCE 14, 1, 0xa1, 0xa2, 0xa3, 0xa4, 0xa5, 0xa6

#define TAG_Q(vid)          \
	{                   \
		0x8100, vid \
	}
#define TAG_AD(vid)         \
	{                   \
		0x88a8, vid \
	}

#define TX(f) .verdict = XDP_TX, .counter = NDPR_C_answered, .flags = (f)
#define TX_DAD(f) \
	.verdict = XDP_TX, .counter = NDPR_C_answered_dad, .flags = (f)
#define PASSED(c)     .verdict = XDP_PASS, .counter = NDPR_C_##c
#define CUT(n)	      .cut = true, .cut_len = (n)
#define STRIPPED(tag) .stripped = true, .strip = tag
/* Shorter than ETH_HLEN: the kernel may refuse to run it at all. */
#define CUT_SHORT(n) CUT(n), .kernel_may_refuse = true

#define R FR_NA_R
#define S FR_NA_S
#define O FR_NA_O

struct tcase {
	const char *name;
	enum cfg_id cfg;

	/* A frame that is no NS at all, or else the NS described below. */
	void (*build)(struct frame *f);

	int ntags;
	struct fr_vlan tags[3];
	/* The outer tag the driver took out of the frame into metadata:
	 * only the VLAN build, which reads it, runs such a case. */
	bool stripped;
	struct fr_vlan strip;
	uint32_t vtcfl;	    /* 0: version 6, the rest 0 */
	uint8_t hlim;	    /* 0: 255 */
	const char *src;    /* NULL: fe80::1 */
	const char *dst;    /* NULL: the target's solicited-node group */
	const char *target; /* NULL: 2001:db8:1::10 */
	uint8_t nexthdr;    /* first extension header if ext_len */
	uint8_t ext[16];
	size_t ext_len;
	uint8_t type; /* 0: NS */
	uint8_t code;
	uint32_t reserved;
	uint8_t opts[48];
	size_t opts_len;
	size_t pad_opt;
	size_t icmp_len;
	bool bad_csum;
	size_t trailer;
	bool cut;
	size_t cut_len;
	bool kernel_may_refuse;

	/* What the program must do. */
	int verdict;
	int counter;
	uint8_t flags; /* of the NA when the verdict is XDP_TX */
};

static void build_ipv4(struct frame *f)
{
	static const uint8_t dst[6] = HOST_MAC;

	fr_build_ipv4_udp(f, dst, asker_mac);
}

static void build_arp(struct frame *f)
{
	fr_build_arp(f, asker_mac);
}

static void build_tcp(struct frame *f)
{
	static const uint8_t dst[6] = HOST_MAC;
	uint8_t s[16], d[16];

	fr_ip6("2001:db8:1::1", s);
	fr_ip6("2001:db8:1::10", d);
	fr_build_ipv6_tcp(f, dst, asker_mac, s, d);
}

static const struct tcase cases[] = {
	/* Answered */
	{ "multicast NS with SLLA (32 octets) -> NA R S O", OPTS(SLLA),
	  TX(R | S | O) },
	{ "option-less NS (24 octets, frame grows) -> NA",
	  .src = "2001:db8:1::1", TX(R | S | O) },
	{ "NS with SLLA + nonce (40 octets, frame shrinks) -> NA",
	  OPTS(SLLA, NONCE), TX(R | S | O) },
	{ "unicast NUD probe -> NA with O=0 (override multicast)",
	  .src = "2001:db8:1::1", .dst = "2001:db8:1::10", OPTS(SLLA),
	  TX(R | S) },
	{ "DAD (src ::) -> NA to ff02::1 / 33:33:00:00:00:01, S=0",
	  .src = "::", TX_DAD(R | O) },
	{ "802.1Q tagged NS -> NA, tag kept", .ntags = 1,
	  .tags = { TAG_Q(0x0064) }, OPTS(SLLA), TX(R | S | O) },
	{ "QinQ (88a8 + 8100) tagged NS -> NA, both tags kept", .ntags = 2,
	  .tags = { TAG_AD(0xa0c8), TAG_Q(0x2064) }, OPTS(SLLA),
	  TX(R | S | O) },
	{ "QinQ tagged DAD -> NA to ff02::1, both tags kept", .ntags = 2,
	  .tags = { TAG_AD(0x00c8), TAG_Q(0x0064) },
	  .src = "::", TX_DAD(R | O) },
	{ "/128 answer entry in the hash, no prefix -> NA",
	  .target = "2001:db8:2::42", OPTS(SLLA), TX(R | S | O) },
	{ "target next to the excluded /128 -> NA", .target = "2001:db8:1::bac",
	  OPTS(SLLA), TX(R | S | O) },
	{ "target in the /64 just outside the excluded /96 -> NA",
	  .target = "2001:db8:1:0:dead:bef0:0:1", OPTS(SLLA), TX(R | S | O) },
	{ "NS with Ethernet padding after it -> NA trimmed to size", OPTS(SLLA),
	  .trailer = 20, TX(R | S | O) },
	{ "NS of NDPR_MAX_ICMP_LEN (256) octets -> NA", OPTS(SLLA),
	  .pad_opt = (NDPR_MAX_ICMP_LEN - 32) / 8, TX(R | S | O) },
	{ "NS with traffic class, flow label, reserved bits -> clean NA",
	  .vtcfl = 0x6abcdef1, .reserved = 0xffffffff, OPTS(SLLA),
	  TX(R | S | O) },

	/* Valid, but not ours to answer */
	{ "/128 exclude inside an answered /64 -> passed_excluded",
	  .target = "2001:db8:1::bad", OPTS(SLLA), PASSED(passed_excluded) },
	{ "excluded /96 inside an answered /64 -> passed_excluded",
	  .target = "2001:db8:1:0:dead:beef:0:1", OPTS(SLLA),
	  PASSED(passed_excluded) },
	{ "no matching entry -> passed_no_match", .target = "2001:db8:3::1",
	  OPTS(SLLA), PASSED(passed_no_match) },
	{ "NS of 264 octets (> NDPR_MAX_ICMP_LEN) -> passed_too_long",
	  OPTS(SLLA), .pad_opt = (NDPR_MAX_ICMP_LEN - 32) / 8 + 1,
	  PASSED(passed_too_long) },

	/* Invalid per RFC 4861 §7.1.1 */
	{ "hop limit 254 -> invalid_hop_limit", .hlim = 254, OPTS(SLLA),
	  PASSED(invalid_hop_limit) },
	{ "code 1 -> invalid_code", .code = 1, OPTS(SLLA),
	  PASSED(invalid_code) },
	{ "ICMP length 16 -> invalid_length", .icmp_len = 16,
	  PASSED(invalid_length) },
	{ "bad checksum -> invalid_checksum", OPTS(SLLA), .bad_csum = true,
	  PASSED(invalid_checksum) },
	{ "multicast target -> invalid_target_multicast", .target = "ff05::2",
	  OPTS(SLLA), PASSED(invalid_target_multicast) },
	{ "zero-length option -> invalid_option_length",
	  OPTS(1, 0, ASKER_MAC_BYTES), PASSED(invalid_option_length) },
	{ "option running past the end -> invalid_option_length",
	  OPTS(1, 2, ASKER_MAC_BYTES), PASSED(invalid_option_length) },
	{ "second option running past the end -> invalid_option_length",
	  OPTS(SLLA, 14, 2, 1, 2, 3, 4, 5, 6), PASSED(invalid_option_length) },
	{ "4 stray zero octets after the target -> invalid_option_length",
	  .icmp_len = 28, PASSED(invalid_option_length) },
	{ "DAD with SLLA -> invalid_dad_slla", .src = "::", OPTS(SLLA),
	  PASSED(invalid_dad_slla) },
	{ "DAD to ff02::1 (not solicited-node) -> invalid_dad_destination",
	  .src = "::", .dst = "ff02::1", PASSED(invalid_dad_destination) },
	{ "DAD to the unicast target -> invalid_dad_destination", .src = "::",
	  .dst = "2001:db8:1::10", PASSED(invalid_dad_destination) },
	{ "multicast source -> invalid_source_multicast", .src = "ff02::1",
	  OPTS(SLLA), PASSED(invalid_source_multicast) },
	{ "hop limit 254 and bad checksum -> invalid_hop_limit (first)",
	  .hlim = 254, .bad_csum = true, OPTS(SLLA),
	  PASSED(invalid_hop_limit) },

	/* Cut short; the untagged NS with SLLA is 86 octets */
	{ "cut to 0 octets -> passed_not_ns (or refused by the kernel)",
	  OPTS(SLLA), CUT_SHORT(0), PASSED(passed_not_ns) },
	{ "cut inside Ethernet (7) -> passed_not_ns (or refused by the kernel)",
	  OPTS(SLLA), CUT_SHORT(7), PASSED(passed_not_ns) },
	{ "cut after Ethernet (14) -> invalid_truncated", OPTS(SLLA), CUT(14),
	  PASSED(invalid_truncated) },
	{ "cut inside IPv6 header (34) -> invalid_truncated", OPTS(SLLA),
	  CUT(34), PASSED(invalid_truncated) },
	{ "cut after IPv6 header (54) -> invalid_truncated", OPTS(SLLA),
	  CUT(54), PASSED(invalid_truncated) },
	{ "cut inside ICMP type/code/checksum (56) -> invalid_truncated",
	  OPTS(SLLA), CUT(56), PASSED(invalid_truncated) },
	{ "cut inside ICMP reserved word (60) -> invalid_truncated", OPTS(SLLA),
	  CUT(60), PASSED(invalid_truncated) },
	{ "cut inside the target (70) -> invalid_truncated", OPTS(SLLA),
	  CUT(70), PASSED(invalid_truncated) },
	{ "cut after the target (78) -> invalid_truncated", OPTS(SLLA), CUT(78),
	  PASSED(invalid_truncated) },
	{ "cut inside the SLLA option (82) -> invalid_truncated", OPTS(SLLA),
	  CUT(82), PASSED(invalid_truncated) },
	{ "cut inside the 802.1Q tag (16) -> passed_not_ns", .ntags = 1,
	  .tags = { TAG_Q(100) }, OPTS(SLLA), CUT(16), PASSED(passed_not_ns) },
	{ "cut after the 802.1Q tag (18) -> invalid_truncated", .ntags = 1,
	  .tags = { TAG_Q(100) }, OPTS(SLLA), CUT(18),
	  PASSED(invalid_truncated) },
	{ "cut inside the inner QinQ tag (20) -> passed_not_ns", .ntags = 2,
	  .tags = { TAG_AD(200), TAG_Q(100) }, OPTS(SLLA), CUT(20),
	  PASSED(passed_not_ns) },

	/* Not a Neighbor Solicitation */
	{ "IPv4 frame -> passed_not_ns", .build = build_ipv4,
	  PASSED(passed_not_ns) },
	{ "ARP frame -> passed_not_ns", .build = build_arp,
	  PASSED(passed_not_ns) },
	{ "IPv6 TCP -> passed_not_ns", .build = build_tcp,
	  PASSED(passed_not_ns) },
	{ "ICMPv6 echo request -> passed_not_ns", .src = "2001:db8:1::1",
	  .dst = "2001:db8:1::10", .type = FR_ICMP6_ECHO_REQUEST,
	  PASSED(passed_not_ns) },
	{ "Neighbor Advertisement -> passed_not_ns", .src = "2001:db8:1::1",
	  .dst = "ff02::1", .type = FR_ND_NA, PASSED(passed_not_ns) },
	{ "NS behind a fragment header -> passed_not_ns",
	  .nexthdr = FR_IPPROTO_FRAGMENT,
	  .ext = { FR_IPPROTO_ICMPV6, 0, 0, 0, 0, 0, 0, 1 }, .ext_len = 8,
	  OPTS(SLLA), PASSED(passed_not_ns) },
	{ "NS behind a hop-by-hop header -> passed_not_ns",
	  .nexthdr = FR_IPPROTO_HOPOPTS,
	  .ext = { FR_IPPROTO_ICMPV6, 0, 1, 4, 0, 0, 0, 0 }, .ext_len = 8,
	  OPTS(SLLA), PASSED(passed_not_ns) },
	{ "NS behind three VLAN tags -> passed_not_ns", .ntags = 3,
	  .tags = { TAG_AD(1), TAG_Q(2), TAG_Q(3) }, OPTS(SLLA),
	  PASSED(passed_not_ns) },
	{ "IP version 4 in an IPv6 ethertype -> passed_not_ns",
	  .vtcfl = 0x40000000, OPTS(SLLA), PASSED(passed_not_ns) },

	/* Configuration variants */
	{ "router off: multicast NS -> NA with R=0", .cfg = CFG_NO_ROUTER,
	  OPTS(SLLA), TX(S | O) },
	{ "router off: DAD -> NA with R=0 S=0", .cfg = CFG_NO_ROUTER,
	  .src = "::", TX_DAD(O) },
	{ "override always: multicast NS -> O=1", .cfg = CFG_OVR_ALWAYS,
	  OPTS(SLLA), TX(R | S | O) },
	{ "override always: unicast NUD probe -> O=1", .cfg = CFG_OVR_ALWAYS,
	  .src = "2001:db8:1::1", .dst = "2001:db8:1::10", OPTS(SLLA),
	  TX(R | S | O) },
	{ "override always: DAD -> O=1", .cfg = CFG_OVR_ALWAYS,
	  .src = "::", TX_DAD(R | O) },
	{ "override never: multicast NS -> O=0", .cfg = CFG_OVR_NEVER,
	  OPTS(SLLA), TX(R | S) },
	{ "override never: unicast NUD probe -> O=0", .cfg = CFG_OVR_NEVER,
	  .src = "2001:db8:1::1", .dst = "2001:db8:1::10", OPTS(SLLA),
	  TX(R | S) },
	{ "override never: DAD -> O=0", .cfg = CFG_OVR_NEVER,
	  .src = "::", TX_DAD(R) },
	{ "DAD off: DAD -> passed_dad_off", .cfg = CFG_DAD_OFF,
	  .src = "::", PASSED(passed_dad_off) },
	{ "DAD off: multicast NS still answered", .cfg = CFG_DAD_OFF,
	  OPTS(SLLA), TX(R | S | O) },
	{ "DAD off: unicast NUD probe still answered", .cfg = CFG_DAD_OFF,
	  .src = "2001:db8:1::1", .dst = "2001:db8:1::10", OPTS(SLLA),
	  TX(R | S) },
	{ "unicast off: NUD probe -> passed_unicast_off",
	  .cfg = CFG_UNICAST_OFF, .src = "2001:db8:1::1",
	  .dst = "2001:db8:1::10", OPTS(SLLA), PASSED(passed_unicast_off) },
	{ "unicast off: multicast NS still answered", .cfg = CFG_UNICAST_OFF,
	  OPTS(SLLA), TX(R | S | O) },
	{ "unicast off: DAD still answered", .cfg = CFG_UNICAST_OFF,
	  .src = "::", TX_DAD(R | O) },
	{ "no flags: multicast NS -> NA with S only", .cfg = CFG_NO_FLAGS,
	  OPTS(SLLA), TX(S) },
	{ "no flags: DAD -> passed_dad_off", .cfg = CFG_NO_FLAGS,
	  .src = "::", PASSED(passed_dad_off) },
	{ "no flags: unicast NUD probe -> passed_unicast_off",
	  .cfg = CFG_NO_FLAGS, .src = "2001:db8:1::1", .dst = "2001:db8:1::10",
	  OPTS(SLLA), PASSED(passed_unicast_off) },
	/* The MAC must be read from .rodata as loaded: a copy the compiler
	 * folds to the initializer in the object file gives zeros. */
	{ "other MAC: multicast NS -> MAC in eth src and TLLA", .cfg = CFG_MAC,
	  OPTS(SLLA), TX(R | S | O) },
	{ "other MAC: unicast NUD probe -> MAC in eth src and TLLA",
	  .cfg = CFG_MAC, .src = "2001:db8:1::1", .dst = "2001:db8:1::10",
	  OPTS(SLLA), TX(R | S) },
	{ "other MAC: QinQ DAD -> MAC in eth src and TLLA", .cfg = CFG_MAC,
	  .ntags = 2, .tags = { TAG_AD(0x00c8), TAG_Q(0x0064) },
	  .src = "::", TX_DAD(R | O) },
	/* The driver's tag: the answer must carry it again (bpf/vlan.h). */
	{ "stripped 802.1Q PCP 5 VID 100 -> NA with that tag",
	  STRIPPED(TAG_Q(0xa064)), OPTS(SLLA), TX(R | S | O) },
	{ "stripped 802.1Q with DEI, VID 4094 -> NA with that TCI",
	  STRIPPED(TAG_Q(0x1ffe)), OPTS(SLLA), TX(R | S | O) },
	{ "stripped 802.1ad 200 around 802.1Q 100 in the frame -> both",
	  STRIPPED(TAG_AD(0x60c8)), .ntags = 1, .tags = { TAG_Q(0xa064) },
	  OPTS(SLLA), TX(R | S | O) },
	{ "stripped tag, DAD -> NA to ff02::1 with the tag",
	  STRIPPED(TAG_Q(0x0064)), .src = "::", TX_DAD(R | O) },
	{ "stripped tag, unicast NUD probe -> NA with the tag",
	  STRIPPED(TAG_AD(0x00c8)), .src = "2001:db8:1::1",
	  .dst = "2001:db8:1::10", OPTS(SLLA), TX(R | S) },
	{ "stripped tag around two in the frame -> passed (3 tags)",
	  STRIPPED(TAG_AD(0x0001)), .ntags = 2,
	  .tags = { TAG_AD(200), TAG_Q(100) }, OPTS(SLLA),
	  PASSED(passed_not_ns) },
	{ "stripped tag, target not answered -> passed unchanged",
	  STRIPPED(TAG_Q(0x0064)), .target = "2001:db8:9::1", OPTS(SLLA),
	  PASSED(passed_no_match) },
	{ "stripped tag, invalid NS (hop limit 64) -> passed unchanged",
	  STRIPPED(TAG_Q(0x0064)), .hlim = 64, OPTS(SLLA),
	  PASSED(invalid_hop_limit) },
	{ "other MAC: stripped tag -> NA with it, MAC in eth src and TLLA",
	  .cfg = CFG_MAC, STRIPPED(TAG_Q(0x0064)), OPTS(SLLA), TX(R | S | O) },
};

#undef R
#undef S
#undef O

/* ---- the loaded program ---- */

/*
 * The builds of the program: the plain one, and the one that restores the
 * VLAN tag a driver stripped (bpf/vlan.h). The kernel lets only a program
 * bound to a device call the driver's kfunc, and runs no such program in
 * a test run (check_dev_bound_run), so the VLAN build is tested in its
 * variant that reads the driver's tag from .bss (NDPR_RX_VLAN_TEST): it
 * must answer every case as the plain one does, tags in the frame
 * included, and the cases with a stripped tag with that tag put back.
 */
static struct ndpresponder_bpf *vlan_build_open(void)
{
	size_t size;
	const void *elf = ndpresponder_vlan_test_bpf__elf_bytes(&size);

	return rx_vlan_open_elf(elf, size, NULL, 0);
}

static const struct build {
	const char *prefix; /* of the checks' names */
	skel_open_fn open;
	__u8 cfg_flags; /* added to each configuration's */
	bool meta;	/* reads the tag a driver stripped */
} builds[] = {
	{ "", ndpresponder_bpf__open, 0, false },
	{ "VLAN build: ", vlan_build_open, NDPR_CFG_RX_VLAN, true },
};

/* Sets the .bss of the VLAN test build: the tag the "driver" stripped. */
static int set_stripped(const struct skel_fixture *fx, const struct tcase *tc)
{
	struct ndpresponder_vlan_test_bpf__bss v = {
		.ndpr_test_vlan_set = tc->stripped,
		.ndpr_test_vlan_proto = htons(tc->strip.tpid),
		.ndpr_test_vlan_tci = tc->strip.tci,
	};
	struct bpf_map *map;
	__u32 zero = 0;

	bpf_object__for_each_map(map, fx->skel->obj)
	{
		if (bpf_map__is_internal(map) &&
		    strstr(bpf_map__name(map), ".bss"))
			return bpf_map_update_elem(bpf_map__fd(map), &zero, &v,
						   BPF_ANY);
	}
	errno = ENOENT;
	return -1;
}

/* Loads with cfg and adds the entries. */
static int fixture_load(struct skel_fixture *fx, skel_open_fn open,
			const struct ndpr_config *cfg, char *why, size_t whylen)
{
	size_t i;

	if (skel_fixture_load_from(fx, open, cfg, why, whylen))
		return -1;
	for (i = 0; i < sizeof(entries) / sizeof(entries[0]); i++) {
		struct ndpr_prefix_val val = { .action = entries[i].action };

		if (skel_add_entry(fx->skel, entries[i].addr, entries[i].plen,
				   &val, why, whylen)) {
			skel_fixture_destroy(fx);
			return -1;
		}
	}
	return 0;
}

/* ---- building the frames of a case ---- */

static void case_ns(const struct tcase *tc, const struct ndpr_config *cfg,
		    struct fr_ns *ns)
{
	memset(ns, 0, sizeof(*ns));
	ns->ntags = tc->ntags;
	memcpy(ns->tags, tc->tags, sizeof(ns->tags));
	ns->vtcfl = tc->vtcfl ? tc->vtcfl : 0x60000000;
	ns->hlim = tc->hlim ? tc->hlim : 255;
	fr_ip6(tc->src ? tc->src : "fe80::1", ns->src);
	fr_ip6(tc->target ? tc->target : "2001:db8:1::10", ns->target);
	if (tc->dst)
		fr_ip6(tc->dst, ns->dst);
	else
		fr_solicited_node(ns->target, ns->dst);
	/* Multicast to its group's MAC, unicast to the host itself. */
	if (fr_ip6_is_multicast(ns->dst))
		fr_mcast_mac(ns->dst, ns->eth_dst);
	else
		memcpy(ns->eth_dst, cfg->mac, 6);
	memcpy(ns->eth_src, asker_mac, 6);
	ns->nexthdr = tc->ext_len ? tc->nexthdr : FR_IPPROTO_ICMPV6;
	memcpy(ns->ext, tc->ext, sizeof(ns->ext));
	ns->ext_len = tc->ext_len;
	ns->type = tc->type ? tc->type : FR_ND_NS;
	ns->code = tc->code;
	ns->reserved = tc->reserved;
	ns->opts = tc->opts;
	ns->opts_len = tc->opts_len;
	ns->pad_opt = tc->pad_opt;
	ns->icmp_len = tc->icmp_len;
	ns->bad_csum = tc->bad_csum;
	ns->trailer = tc->trailer;
}

/*
 * The NA that RFC 4861 §7.2.4 asks for, sourced from the target (the
 * project's documented deviation from §4.4) and carrying the configured
 * MAC; the flags come from the table, not from the configuration.
 */
static void expected_na(const struct fr_ns *ns, const struct ndpr_config *cfg,
			uint8_t flags, struct frame *f)
{
	static const uint8_t all_nodes_mac[6] = { 0x33, 0x33, 0, 0, 0, 1 };
	struct fr_na na = {};

	if (fr_ip6_is_unspecified(ns->src)) {
		memcpy(na.eth_dst, all_nodes_mac, 6);
		fr_ip6("ff02::1", na.dst);
	} else {
		memcpy(na.eth_dst, ns->eth_src, 6);
		memcpy(na.dst, ns->src, 16);
	}
	memcpy(na.eth_src, cfg->mac, 6);
	na.ntags = ns->ntags;
	memcpy(na.tags, ns->tags, sizeof(na.tags));
	memcpy(na.src, ns->target, 16);
	na.flags = flags;
	memcpy(na.target, ns->target, 16);
	memcpy(na.tlla, cfg->mac, 6);
	fr_build_na(f, &na);
}

/* Our own checksum over the NA the program wrote must come out 0. */
static bool na_checksum_ok(const struct frame *f, int ntags)
{
	size_t l3 = FR_ETH_HLEN + (size_t)ntags * FR_VLAN_HLEN;
	const uint8_t *ip6 = f->b + l3;
	size_t plen;

	if (f->len < l3 + FR_IP6_HLEN)
		return false;
	plen = fr_get16(ip6 + 4);
	if (f->len < l3 + FR_IP6_HLEN + plen)
		return false;
	return fr_icmp6_csum(ip6 + 8, ip6 + 24, ip6 + FR_IP6_HLEN, plen) == 0;
}

/*
 * Names the fields of an NA in which two frames differ, so that a FAIL
 * line says what is wrong before the hex dump says where.
 */
static void explain_na_diff(const struct frame *got, const struct frame *want,
			    int ntags, char *buf, size_t len)
{
	size_t l2 = FR_ETH_HLEN + (size_t)ntags * FR_VLAN_HLEN;
	const struct {
		size_t off, len;
		const char *name;
	} fields[] = {
		{ 0, 6, "eth dst" },
		{ 6, 6, "eth src" },
		{ 12, l2 - 12, "tags/ethertype" },
		{ l2, 4, "IPv6 version/class/flow" },
		{ l2 + 4, 2, "payload length" },
		{ l2 + 6, 1, "next header" },
		{ l2 + 7, 1, "hop limit" },
		{ l2 + 8, 16, "IPv6 src" },
		{ l2 + 24, 16, "IPv6 dst" },
		{ l2 + 40, 2, "ICMPv6 type/code" },
		{ l2 + 42, 2, "ICMPv6 checksum" },
		{ l2 + 44, 1, "NA flags" },
		{ l2 + 45, 3, "reserved" },
		{ l2 + 48, 16, "target" },
		{ l2 + 64, 2, "TLLA type/length" },
		{ l2 + 66, 6, "TLLA MAC" },
	};
	size_t i, n = 0;

	buf[0] = 0;
	if (got->len != want->len)
		n = snprintf(buf, len, " frame length %zu, want %zu;", got->len,
			     want->len);
	for (i = 0; i < sizeof(fields) / sizeof(fields[0]) && n < len; i++) {
		size_t end = fields[i].off + fields[i].len;

		if (end > got->len || end > want->len ||
		    !memcmp(got->b + fields[i].off, want->b + fields[i].off,
			    fields[i].len))
			continue;
		n += snprintf(buf + n, len - n, " %s;", fields[i].name);
	}
}

/* ---- running a case ---- */

/* The case's input frame; ns is the NS it describes, if it is one. */
static void case_frame(const struct skel_fixture *fx, const struct tcase *tc,
		       struct fr_ns *ns, struct frame *in)
{
	if (tc->build) {
		tc->build(in);
		return;
	}
	case_ns(tc, &fx->cfg, ns);
	fr_build_ns(in, ns);
	if (tc->cut)
		in->len = tc->cut_len;
}

/* The NS as the answer must tag it: the stripped tag outermost. */
static void answer_tags(const struct tcase *tc, struct fr_ns *ns)
{
	if (!tc->stripped)
		return;
	memmove(ns->tags + 1, ns->tags, sizeof(ns->tags[0]) * 2);
	ns->tags[0] = tc->strip;
	ns->ntags++;
}

/*
 * The frame the program left must be the NA of expected_na(), byte for
 * byte and with a checksum that verifies, or else the input unchanged.
 */
static bool output_ok(const struct skel_fixture *fx, const struct tcase *tc,
		      const struct fr_ns *ns, const struct frame *in,
		      const struct frame *got, const char *name)
{
	static struct frame want;
	struct fr_ns answered = *ns;
	char why[512] = "";
	bool same;

	if (tc->verdict != XDP_TX)
		return passed_unchanged(name, in->b, in->len, got->b, got->len);
	answer_tags(tc, &answered);
	expected_na(&answered, &fx->cfg, tc->flags, &want);
	explain_na_diff(got, &want, answered.ntags, why, sizeof(why));
	same = got->len == want.len && !memcmp(got->b, want.b, got->len);
	if (!CHECK(name, same, "NA differs from the expected one in:%s", why)) {
		hexdump_diff(got->b, got->len, want.b, want.len);
		print_frame("expected", want.b, want.len);
		return false;
	}
	return CHECK(name, na_checksum_ok(got, answered.ntags),
		     "NA checksum does not verify");
}

static void run_case(const struct skel_fixture *fx, const struct build *b,
		     const struct tcase *tc, const char *name)
{
	static struct frame in, got;
	__u64 before[NDPR_C_MAX], after[NDPR_C_MAX];
	char why[512] = "";
	struct fr_ns ns = {};
	__u32 retval;
	int err;

	if (b->meta && !CHECK(name, !set_stripped(fx, tc),
			      "setting the stripped tag: %s", strerror(errno)))
		return;
	case_frame(fx, tc, &ns, &in);
	if (!CHECK(name, !counters_sum(fx->counters_fd, before),
		   "reading counters: %s", strerror(errno)))
		return;
	/* ingress_ifindex names lo, as a real receive names a device. */
	err = xdp_run_frame(fx->prog_fd, LO_IFINDEX, &in, &got, &retval);
	if (!CHECK(name, !counters_sum(fx->counters_fd, after),
		   "reading counters: %s", strerror(errno)))
		return;
	/*
	 * Recent kernels (6.18 does) refuse a test run of less than
	 * ETH_HLEN, as no driver hands XDP a frame that short: then the
	 * program never runs and no counter may move.
	 */
	if (err == EINVAL && tc->kernel_may_refuse) {
		if (CHECK(name,
			  counters_ok(before, after, -1, why, sizeof(why)),
			  "refused, yet counters moved: %s", why))
			harness_result(1, name, "%s", "");
		return;
	}
	if (!CHECK(name, !err, "bpf_prog_test_run_opts: %s", strerror(err)))
		return;
	if (!CHECK(name, retval == (__u32)tc->verdict, "verdict %s, want %s",
		   verdict_name(retval), verdict_name(tc->verdict)) ||
	    !output_ok(fx, tc, &ns, &in, &got, name)) {
		print_in_out(in.b, in.len, got.b, got.len);
		return;
	}
	if (CHECK(name,
		  counters_ok(before, after, tc->counter, why, sizeof(why)),
		  "counters: %s", why))
		harness_result(1, name, "%s", "");
}

#define MAP_PIN(name, opener) NDPR_PIN(name),
static const char *const map_pins[] = { NDPR_MAPS(MAP_PIN) };
#undef MAP_PIN
#define N_MAPS (sizeof(map_pins) / sizeof(map_pins[0]))

/* The map table of ndpresponder.h names every map of the object, by the
 * name it is pinned under, and nothing else. */
static void check_map_table(const struct skel_fixture *fx)
{
	const char *name = "xdp: NDPR_MAPS lists the object's maps";
	const struct bpf_map *map;
	size_t n = 0, i;

	bpf_object__for_each_map(map, fx->skel->obj)
	{
		if (bpf_map__is_internal(map)) /* .rodata */
			continue;
		for (i = 0; i < N_MAPS; i++)
			if (!strcmp(map_pins[i], bpf_map__name(map)))
				break;
		if (!CHECK(name, i < N_MAPS, "map %s is not in NDPR_MAPS",
			   bpf_map__name(map)))
			return;
		n++;
	}
	harness_result(n == N_MAPS, name, "%zu maps in the object, %zu listed",
		       n, N_MAPS);
}

/* Pins under the default bpffs root that exist before the run. */
static unsigned int pins_present(void)
{
	unsigned int mask = 0, i;
	char path[64];

	for (i = 0; i < N_MAPS; i++) {
		snprintf(path, sizeof(path), BPFFS_ROOT "/%s", map_pins[i]);
		if (!access(path, F_OK))
			mask |= 1u << i;
	}
	return mask;
}

static void run_config(enum cfg_id id, const struct build *b)
{
	char name[NAME_MAX_LEN], why[256] = "", lname[NAME_MAX_LEN];
	struct ndpr_config cfg = cfgs[id].cfg;
	struct skel_fixture fx;
	size_t i;
	int err;

	snprintf(lname, sizeof(lname), "xdp: %sload with config '%s'",
		 b->prefix, cfgs[id].name);
	cfg.flags |= b->cfg_flags;
	err = fixture_load(&fx, b->open, &cfg, why, sizeof(why));
	harness_result(!err, lname, "%s", why);
	if (!err && id == CFG_DEFAULT)
		check_map_table(&fx);

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		if (cases[i].cfg != id || (cases[i].stripped && !b->meta))
			continue;
		snprintf(name, sizeof(name), "xdp: %s%s", b->prefix,
			 cases[i].name);
		if (err)
			harness_result(0, name, "skeleton did not load");
		else
			run_case(&fx, b, &cases[i], name);
	}
	if (!err)
		skel_fixture_destroy(&fx);
}

/*
 * The product's VLAN build loads bound to a veth (the verifier accepts it
 * and the kernel resolves the kfunc to the driver's); the kernel refuses
 * to test-run a device-bound program (EINVAL, net/bpf/test_run.c), which
 * is why the cases run the .bss variant.
 */
static void check_dev_bound_run(void)
{
	const char *name = "xdp: the VLAN build loads bound to a veth "
			   "(test runs of it refused)";
	struct ndpresponder_bpf *skel;
	struct frame in = { .len = 64 }, out;
	char why[128] = "";
	__u32 retval;
	int err, ifindex;

	if (!CHECK(name, !unshare(CLONE_NEWNET), "unshare: %s",
		   strerror(errno)))
		return;
	if (!CHECK(name, !system("ip link add vt0 type veth peer name vt1"),
		   "ip link add failed"))
		return;
	ifindex = (int)if_nametoindex("vt0");
	skel = rx_vlan_open(NULL, ifindex);
	if (!CHECK(name, skel, "open: %s", strerror(errno)))
		return;
	skel->rodata->ndpr_cfg = cfgs[CFG_DEFAULT].cfg;
	skel->rodata->ndpr_cfg.flags |= NDPR_CFG_RX_VLAN;
	err = skel_unpin_maps(skel->obj, why, sizeof(why));
	if (!CHECK(name, !err, "%s", why))
		goto out;
	err = ndpresponder_bpf__load(skel);
	if (!CHECK(name, !err, "load bound to vt0: %s", strerror(-err)))
		goto out;
	err = xdp_run_frame(bpf_program__fd(skel->progs.ndpresponder),
			    (__u32)ifindex, &in, &out, &retval);
	harness_result(err == EINVAL || !err, name,
		       "test run: %s, expected EINVAL", strerror(err));
out:
	ndpresponder_bpf__destroy(skel);
}

int main(void)
{
	unsigned int pins_before;
	size_t b;
	int id;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (geteuid() != 0) {
		harness_result(0, "xdp: running as root",
			       "BPF_PROG_LOAD and BPF_PROG_RUN need root");
		return harness_exit();
	}

	pins_before = pins_present();
	for (b = 0; b < sizeof(builds) / sizeof(builds[0]); b++)
		for (id = 0; id < CFG_MAX; id++)
			run_config(id, &builds[b]);
	check_dev_bound_run();
	harness_result(!(pins_present() & ~pins_before),
		       "xdp: no map pinned under " BPFFS_ROOT,
		       "a map appeared under " BPFFS_ROOT);
	return harness_exit();
}
