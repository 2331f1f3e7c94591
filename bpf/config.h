/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* The program's configuration, in .rodata; the one .bpf.c includes it. */
#ifndef NDPR_CONFIG_H
#define NDPR_CONFIG_H

#include "ndpresponder.h"

/* Set by the loader before load; frozen, so the verifier folds it. */
const volatile struct ndpr_config ndpr_cfg = {
	.flags = NDPR_CFG_ROUTER | NDPR_CFG_DAD | NDPR_CFG_UNICAST |
		 NDPR_CFG_GUARDS,
	.override = NDPR_OVERRIDE_MULTICAST,
	.events_per_cpu = NDPR_DEFAULT_EVENT_RATE,
};

/* The product version that loaded it (status shows it); never read here. */
const volatile char ndpr_version[16] = "";

#endif
