// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* Reads the ruleset through libnftables, in the dynamic build only. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <nftables/libnftables.h>

#include "nft.h"

int nft_ruleset_json(char **json, char *err, unsigned long errlen)
{
	struct nft_ctx *ctx;
	const char *out;
	int ret = 0;

	*json = NULL;
	ctx = nft_ctx_new(NFT_CTX_DEFAULT);
	if (!ctx)
		return -ENOMEM;
	nft_ctx_output_set_flags(ctx,
				 NFT_CTX_OUTPUT_JSON | NFT_CTX_OUTPUT_HANDLE);
	if (nft_ctx_buffer_output(ctx) || nft_ctx_buffer_error(ctx)) {
		ret = -ENOMEM;
		goto out;
	}
	/* The library reports no errno: a netlink refusal is privilege. */
	if (nft_run_cmd_from_buffer(ctx, "list ruleset")) {
		snprintf(err, errlen, "%s", nft_ctx_get_error_buffer(ctx));
		err[strcspn(err, "\n")] = '\0';
		ret = strstr(err, "not permitted") ? -EPERM : -EIO;
		goto out;
	}
	out = nft_ctx_get_output_buffer(ctx);
	*json = strdup(out && *out ? out : "{\"nftables\": []}");
	if (!*json)
		ret = -ENOMEM;
out:
	nft_ctx_free(ctx);
	return ret;
}

bool nft_supported(void)
{
	return true;
}
