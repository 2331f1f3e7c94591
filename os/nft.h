/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* The netfilter ruleset, as libnftables prints it in JSON. */
#ifndef NDPR_NFT_H
#define NDPR_NFT_H

#include <stdbool.h>

/*
 * `nft -j -a list ruleset` of the calling process's network namespace
 * (iptables-nft writes the same ruleset): a string to free(), or a
 * negative errno (-EOPNOTSUPP in a build without libnftables), with the
 * library's message in err.
 */
int nft_ruleset_json(char **json, char *err, unsigned long errlen);
/* Whether this build reads the firewall (--version says so). */
bool nft_supported(void);

#endif
