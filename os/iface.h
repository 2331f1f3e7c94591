/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* The uplink: its index, MAC and all-multicast flag. */
#ifndef NDPR_IFACE_H
#define NDPR_IFACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Returns the ifindex, or a negative errno after one line on stderr. */
int iface_index(const char *ifname);
int iface_mac(const char *ifname, uint8_t mac[6]);
int iface_get_allmulti(const char *ifname, bool *on);
int iface_set_allmulti(const char *ifname, bool on);

/* Parses "aa:bb:cc:dd:ee:ff"; refuses multicast and all-zero MACs. */
int mac_parse(const char *s, uint8_t mac[6]);
void mac_format(const uint8_t mac[6], char *buf, size_t len);

#endif
