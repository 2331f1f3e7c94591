/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The pin layout: PINROOT/net-NETNS/IFACE/{link,ndpr_*}, NETNS the inode
 * of the network namespace the command runs in, so that namespaces with
 * interfaces of the same name never share pins. PINROOT is
 * /sys/fs/bpf/ndpresponder unless NDPRESPONDER_PIN_ROOT names another
 * directory on a bpffs (the user's promise that it outlives the command).
 *
 * Every level is opened without following links and must be root's and
 * writable by nobody else; objects are reached through those directory
 * fds (pin_path gives /proc/self/fd/N/NAME), so nothing swapped in
 * between the check and the use is followed.
 */
#ifndef NDPR_PINS_H
#define NDPR_PINS_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>

#define PIN_ROOT_DEFAULT "/sys/fs/bpf/ndpresponder"
#define PIN_LINK	 "link"
#define PIN_NS_PREFIX	 "net-"
/* How long a command waits for another one's lock. */
#define PIN_LOCK_TIMEOUT_MS 5000

/* Maps of earlier versions' layouts, gone from this one: a migration or
 * a detach removes their pins. */
#define NDPR_RETIRED_PINS(X) \
	X(evtokens) /* 0.1.0's event tokens: now in ndpr_counters */

/* pin_dir_init flags */
#define PIN_CREATE	 (1u << 0) /* create root and dirs, mount bpffs */
#define PIN_EPHEMERAL_OK (1u << 1) /* pins may die with this process */

struct pin_dir {
	char root[PATH_MAX];
	char ns[32];	    /* net-INODE, this network namespace's level */
	char dir[PATH_MAX]; /* root/ns/IFACE, for messages */
	char ifname[NAME_MAX + 1];
	int root_fd, ns_fd, dir_fd; /* checked directories, or -1 */
	int lock_fd;		    /* flock'ed root, or -1 */
	bool ephemeral;		    /* pins die with this mount namespace */
};

const char *pin_root(void);
/* "net-INODE" of this network namespace; 0 or a negative errno. */
int pin_netns_id(char *buf, size_t len);

/*
 * Fills pd for ifname, opening and checking what exists of root/ns/ifname.
 * With PIN_CREATE, makes sure the pins will outlive the command (or, with
 * PIN_EPHEMERAL_OK, that something does: a private bpffs for run), and
 * creates root and ns (mode 0700). Returns 0 or a negative errno after one
 * line on stderr.
 */
int pin_dir_init(struct pin_dir *pd, const char *ifname, unsigned int flags);
/* Creates and opens the interface's directory. */
int pin_dir_create(struct pin_dir *pd);
void pin_dir_close(struct pin_dir *pd);
/* Whether the interface's directory exists (was opened). */
bool pin_dir_exists(const struct pin_dir *pd);

/* Serialises every command that changes state (an exclusive flock);
 * gives up after PIN_LOCK_TIMEOUT_MS, naming the holder. */
int pin_lock(struct pin_dir *pd);
void pin_unlock(struct pin_dir *pd);

/* A path to pd's object name that goes through the checked directory. */
int pin_path(const struct pin_dir *pd, const char *name, char *path,
	     size_t len);
bool pin_exists(const struct pin_dir *pd, const char *name);
/* bpf_obj_get of an ndpr_* map of pd, checked to be that map: an fd, or
 * a negative errno (-EPERM: something else is pinned by that name). */
int pin_open(const struct pin_dir *pd, const char *name);
/* The pinned link, checked to hold our program (it uses pd's
 * ndpr_counters map): an fd, -ENOENT, or -EPERM when it is someone else's. */
int pin_open_link(const struct pin_dir *pd);

/* Removes the pins of the interface that are ours (by name and type),
 * then its directory; anything else is left, and said so. */
int pin_dir_remove(const struct pin_dir *pd);
/* Unpins the maps of earlier layouts this version no longer has
 * (NDPR_RETIRED_PINS), as an upgrade's migration leaves them. */
void pin_remove_retired(const struct pin_dir *pd);
/* Removes the interface's directory if it is empty, and the namespace's
 * level with it if that was the last: for a command that made the
 * directory and then failed before pinning anything it keeps. */
void pin_dir_remove_empty(const struct pin_dir *pd);

/* Which of the link (bit 0) and the maps (then, in NDPR_MAPS order)
 * are pinned now. */
unsigned int pin_present(const struct pin_dir *pd);
/* Undoes a failed first attach: removes only what was not there before
 * (before, from pin_present), and the directory if it was not (with
 * pin_dir_remove_empty's rule for the namespace's level). */
int pin_remove_new(const struct pin_dir *pd, unsigned int before,
		   bool dir_was_there);

/* Calls fn for each interface directory of ns (a net-* name) under the
 * pin root; ns NULL: every namespace's. */
typedef void (*pin_walk_fn)(const char *ns, const char *ifname, void *arg);
int pin_walk(const char *ns, pin_walk_fn fn, void *arg);

/* The pid holding an flock on fd's inode, from /proc/locks; 0 if none
 * (status names the run holding a pin directory's run lock so). */
long pin_lock_holder(int fd);

#endif
