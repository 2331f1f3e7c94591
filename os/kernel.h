/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* The oldest kernel the program runs on, checked before loading it. */
#ifndef NDPR_KERNEL_H
#define NDPR_KERNEL_H

#include <stdbool.h>

/*
 * 5.10: XDP through a bpf_link with in-place update (5.9), ring buffers
 * (5.8), and bpf_fib_lookup returning the egress interface when the
 * neighbour is missing (5.10, for --route-check=neigh).
 */
#define KERNEL_MIN_MAJOR 5
#define KERNEL_MIN_MINOR 10

/* Whether a release string ("6.1.0-26-cloud-amd64") is new enough;
 * an unreadable one is let through, for the load to speak. */
bool kernel_release_supported(const char *release);

/* 0, or -EOPNOTSUPP after one line naming what is missing. */
int kernel_check(void);

#endif
