/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The pin layout: PINROOT/IFACE/{link,ndpr_*}. PINROOT is
 * /sys/fs/bpf/ndpresponder unless NDPRESPONDER_PIN_ROOT names another
 * directory on a bpffs.
 */
#ifndef NDPR_PINS_H
#define NDPR_PINS_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>

#define PIN_ROOT_DEFAULT "/sys/fs/bpf/ndpresponder"
#define PIN_LINK	 "link"

struct pin_dir {
	char root[PATH_MAX];
	char dir[PATH_MAX]; /* root/IFACE */
	int lock_fd;	    /* flock'ed root, or -1 */
};

const char *pin_root(void);

/*
 * Fills pd for ifname. With create, mounts bpffs on /sys/fs/bpf when
 * nothing is mounted there and creates the root (mode 0700). Returns 0 or
 * a negative errno after one line on stderr.
 */
int pin_dir_init(struct pin_dir *pd, const char *ifname, bool create);

/* Serialises every command that changes state (an exclusive flock). */
int pin_lock(struct pin_dir *pd);
void pin_unlock(struct pin_dir *pd);

/* path = pd->dir/name */
int pin_path(const struct pin_dir *pd, const char *name, char *path,
	     size_t len);
bool pin_exists(const struct pin_dir *pd, const char *name);
/* bpf_obj_get of pd->dir/name: an fd, or a negative errno. */
int pin_open(const struct pin_dir *pd, const char *name);

/* Removes every pin of the interface and its directory. */
int pin_dir_remove(const struct pin_dir *pd);

#endif
