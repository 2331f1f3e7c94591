/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The service manager's notification protocol (sd_notify(3)): READY=1,
 * RELOADING=1, STOPPING=1, STATUS=... to the socket NOTIFY_SOCKET names.
 * The dynamic build sends through libsystemd (notify.c); the static one,
 * which has no libsystemd to link (Debian ships no libsystemd.a), speaks
 * the documented datagram protocol itself (notify_proto.c).
 */
#ifndef NDPR_NOTIFY_H
#define NDPR_NOTIFY_H

/*
 * Sends state (newline-separated assignments) if NOTIFY_SOCKET is set:
 * 1 when sent, 0 when no manager listens, or a negative errno.
 */
int notify_send(const char *state);
/* printf-style; a state longer than 1 KiB is cut. */
int notify_sendf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
