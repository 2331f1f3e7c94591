// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * A capture's Neighbor Solicitations and Advertisements, one line each,
 * for awk: tcpdump's text takes seconds for a flood and is no format.
 * Reads the classic pcap format (microseconds or nanoseconds, this
 * machine's byte order, as tcpdump writes it) without libpcap.
 */
#include <stdio.h>

#include "frames.h"
#include "tool.h"

#define PCAP_MAGIC_US  0xa1b2c3d4
#define PCAP_MAGIC_NS  0xa1b23c4d
#define PCAP_FILE_HLEN 24
#define PCAP_REC_HLEN  16

/* The sequence number a flood gave ADDR, -1 if outside SEQ_NET. */
static long seq_of(const uint8_t *addr, const uint8_t net[16])
{
	if (memcmp(addr, net, 12))
		return -1;
	return (long)((uint32_t)addr[12] << 24 | (uint32_t)addr[13] << 16 |
		      (uint32_t)addr[14] << 8 | addr[15]);
}

/* Prints the frame if it is an NS or an NA. */
static void print_nd(const uint8_t *pkt, uint32_t caplen, uint32_t sec,
		     uint32_t frac, int nsec, const uint8_t net[16])
{
	const uint8_t *ip = pkt + FR_ETH_HLEN, *ic = ip + FR_IP6_HLEN;
	char target[INET6_ADDRSTRLEN];
	bool is_ns;

	if (caplen < FR_ETH_HLEN + FR_IP6_HLEN + 24 ||
	    fr_get16(pkt + 12) != FR_ETH_P_IPV6 || ip[6] != FR_IPPROTO_ICMPV6 ||
	    (ic[0] != FR_ND_NS && ic[0] != FR_ND_NA))
		return;
	is_ns = ic[0] == FR_ND_NS;
	inet_ntop(AF_INET6, ic + 8, target, sizeof(target));
	/* An NS numbered by its source, the NA answering it by its
	 * destination. */
	printf("%s %u.%0*u %ld %s %d\n", is_ns ? "NS" : "NA", sec, nsec ? 9 : 6,
	       frac, seq_of(is_ns ? ip + 8 : ip + 24, net), target,
	       !is_ns && (ic[4] & FR_NA_R));
}

/* Calls each(frame, caplen, sec, frac, nsec, arg) for every frame of
 * FILE; 0, or 2 with a line on stderr when FILE is no pcap file. */
static int pcap_each(const char *file,
		     void (*each)(const uint8_t *, uint32_t, uint32_t, uint32_t,
				  int, const void *),
		     const void *arg)
{
	static uint8_t pkt[262144];
	uint8_t hdr[PCAP_FILE_HLEN], rec[PCAP_REC_HLEN];
	FILE *fp = fopen(file, "rb");
	uint32_t magic, sec, frac, caplen;

	if (!fp || fread(hdr, 1, sizeof(hdr), fp) != sizeof(hdr)) {
		fprintf(stderr, "pcap: cannot read %s\n", file);
		if (fp)
			fclose(fp);
		return 2;
	}
	memcpy(&magic, hdr, 4);
	if (magic != PCAP_MAGIC_US && magic != PCAP_MAGIC_NS) {
		fprintf(stderr, "pcap: %s is not a pcap file\n", file);
		fclose(fp);
		return 2;
	}
	while (fread(rec, 1, sizeof(rec), fp) == sizeof(rec)) {
		memcpy(&sec, rec, 4);
		memcpy(&frac, rec + 4, 4);
		memcpy(&caplen, rec + 8, 4);
		if (caplen > sizeof(pkt) || fread(pkt, 1, caplen, fp) != caplen)
			break;
		each(pkt, caplen, sec, frac, magic == PCAP_MAGIC_NS, arg);
	}
	fclose(fp);
	return 0;
}

static void print_nd_of(const uint8_t *pkt, uint32_t caplen, uint32_t sec,
			uint32_t frac, int nsec, const void *net)
{
	print_nd(pkt, caplen, sec, frac, nsec, net);
}

int cmd_pcap(int argc, char **argv)
{
	uint8_t net[16];

	if (inet_pton(AF_INET6, argv[1], net) != 1) {
		fprintf(stderr, "pcap: %s is no IPv6 address\n", argv[1]);
		return 2;
	}
	return pcap_each(argv[0], print_nd_of, net);
}

static void print_hex(const uint8_t *pkt, uint32_t caplen, uint32_t sec,
		      uint32_t frac, int nsec, const void *arg)
{
	uint32_t i;

	for (i = 0; i < caplen; i++)
		printf("%02x", pkt[i]);
	printf("\n");
}

int cmd_frames(int argc, char **argv)
{
	return pcap_each(argv[0], print_hex, NULL);
}
