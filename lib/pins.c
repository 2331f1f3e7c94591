// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>
#include <linux/magic.h>
#include <bpf/bpf.h>

#include "ndpresponder.h"
#include "log.h"
#include "pins.h"

#define BPFFS_MOUNT "/sys/fs/bpf"
#define PROG_NAME   "ndpresponder"

const char *pin_root(void)
{
	const char *env = getenv("NDPRESPONDER_PIN_ROOT");

	return env && *env ? env : PIN_ROOT_DEFAULT;
}

static bool root_is_explicit(void)
{
	const char *env = getenv("NDPRESPONDER_PIN_ROOT");

	return env && *env;
}

int pin_netns_id(char *buf, size_t len)
{
	struct stat st;

	if (stat("/proc/self/ns/net", &st))
		return -errno;
	snprintf(buf, len, PIN_NS_PREFIX "%llu", (unsigned long long)st.st_ino);
	return 0;
}

/* As the kernel's dev_valid_name: what could never name an interface
 * would name the root or a neighbour's directory instead. */
static int check_ifname(const char *ifname)
{
	size_t len = strnlen(ifname, IF_NAMESIZE);

	if (len && len < IF_NAMESIZE && strcmp(ifname, ".") &&
	    strcmp(ifname, "..") && !strpbrk(ifname, "/: \t\n"))
		return 0;
	if (!len)
		pr_err("an empty interface name is not an interface name");
	else if (len >= IF_NAMESIZE)
		pr_err("'%.16s...' is not an interface name (at most %d "
		       "characters)",
		       ifname, IF_NAMESIZE - 1);
	else
		pr_err("'%s' is not an interface name", ifname);
	return -EINVAL;
}

/*
 * Opens name under at as a directory, never through a link, and checks
 * that only root can change it (sticky directories above the pin root may
 * be world-writable: others cannot replace root's entries there).
 */
static int open_level(int at, const char *name, const char *shown, bool create,
		      bool sticky_ok)
{
	int fd, err;
	struct stat st;

	fd = openat(at, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 && errno == ENOENT && create) {
		if (mkdirat(at, name, 0700) && errno != EEXIST) {
			err = -errno;
			pr_err("couldn't create %s: %s", shown, errstr(err));
			return err;
		}
		fd = openat(at, name,
			    O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	}
	if (fd < 0) {
		err = -errno;
		if (err == -ELOOP || err == -ENOTDIR)
			pr_err("%s is a link or not a directory; refusing to "
			       "follow it",
			       shown);
		else if (err != -ENOENT)
			pr_err("couldn't open %s: %s", shown, errstr(err));
		return err;
	}
	if (fstat(fd, &st))
		st.st_uid = (uid_t)-1;
	if (st.st_uid != 0 ||
	    ((st.st_mode & 0022) && !(sticky_ok && (st.st_mode & S_ISVTX)))) {
		pr_err("%s is not root's or is writable by others; refusing to "
		       "use it (chown root and chmod 0700 it)",
		       shown);
		close(fd);
		return -EPERM;
	}
	return fd;
}

/* The root, from / down, every level checked. */
static int open_root(const char *root, bool create)
{
	char path[PATH_MAX], shown[PATH_MAX] = "";
	char *save = NULL, *part, *next;
	int fd, at;

	if (root[0] != '/' ||
	    snprintf(path, sizeof(path), "%s", root) >= (int)sizeof(path)) {
		pr_err("pin root %s: not an absolute path", root);
		return -EINVAL;
	}
	at = open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (at < 0)
		return -errno;
	part = strtok_r(path, "/", &save);
	while (part) {
		next = strtok_r(NULL, "/", &save);
		strncat(shown, "/", sizeof(shown) - strlen(shown) - 1);
		strncat(shown, part, sizeof(shown) - strlen(shown) - 1);
		fd = open_level(at, part, shown, create && !next, !!next);
		close(at);
		if (fd < 0)
			return fd;
		at = fd;
		part = next;
	}
	return at;
}

static bool is_bpffs(const char *path)
{
	struct statfs st;

	return !statfs(path, &st) && st.f_type == BPF_FS_MAGIC;
}

/* 1 when path names the same object for us and for PID 1, 0 when not,
 * -1 when we cannot tell (no right to look at PID 1). */
static int same_as_init(const char *ours, const char *init)
{
	struct stat a, b;

	if (stat(ours, &a) || stat(init, &b))
		return -1;
	return a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

static int mount_bpffs(void)
{
	if (mount("bpf", BPFFS_MOUNT, "bpf", 0, "mode=0700")) {
		int err = -errno;

		pr_err("couldn't mount bpffs on %s: %s", BPFFS_MOUNT,
		       errstr(err));
		return err;
	}
	pr_debug("mounted bpffs on %s", BPFFS_MOUNT);
	return 0;
}

/*
 * Whether pins under the default root outlive this command. A bpffs
 * mounted in a private mount namespace (ip netns exec makes one and
 * remounts /sys; so do containers without the host's /sys/fs/bpf) goes
 * away with it, and with it the link: the responder would vanish. So
 * bpffs is mounted only in PID 1's mount namespace, and one mounted
 * elsewhere than PID 1 sees it counts as private.
 */
static int ensure_bpffs(struct pin_dir *pd, unsigned int flags)
{
	int init_mnt = same_as_init("/proc/self/ns/mnt", "/proc/1/ns/mnt");

	if (is_bpffs(BPFFS_MOUNT))
		pd->ephemeral =
			!same_as_init(BPFFS_MOUNT, "/proc/1/root" BPFFS_MOUNT);
	else
		pd->ephemeral = init_mnt != 1;
	if (pd->ephemeral && !(flags & PIN_EPHEMERAL_OK)) {
		pr_err("pins in %s would vanish with this command's private "
		       "mount namespace (ip netns exec?), and the responder "
		       "with them: use 'nsenter --net=/run/netns/NAME', mount "
		       "bpffs on %s for good (bind-mount it into a "
		       "container), or use 'run' without --keep",
		       BPFFS_MOUNT, BPFFS_MOUNT);
		return -EXDEV;
	}
	if (is_bpffs(BPFFS_MOUNT))
		return 0;
	if (pd->ephemeral)
		pr_info("pins in a bpffs of this process's own; they live as "
			"long as it runs");
	return mount_bpffs();
}

static void pin_dir_reset(struct pin_dir *pd)
{
	memset(pd, 0, sizeof(*pd));
	pd->root_fd = pd->ns_fd = pd->dir_fd = pd->lock_fd = -1;
}

void pin_dir_close(struct pin_dir *pd)
{
	pin_unlock(pd);
	if (pd->dir_fd >= 0)
		close(pd->dir_fd);
	if (pd->ns_fd >= 0)
		close(pd->ns_fd);
	if (pd->root_fd >= 0)
		close(pd->root_fd);
	pd->root_fd = pd->ns_fd = pd->dir_fd = -1;
}

/* What exists of root, ns and the interface's directory, checked. */
static int open_levels(struct pin_dir *pd, bool create)
{
	char ns[PATH_MAX + 40];
	int fd;

	fd = open_root(pd->root, create);
	if (fd < 0)
		return fd == -ENOENT ? 0 : fd;
	pd->root_fd = fd;
	if (create && !is_bpffs(pd->root)) {
		pr_err("pin directory %s is not on a bpffs", pd->root);
		return -ENOTSUP;
	}
	snprintf(ns, sizeof(ns), "%s/%s", pd->root, pd->ns);
	fd = open_level(pd->root_fd, pd->ns, ns, create, false);
	if (fd < 0)
		return fd == -ENOENT ? 0 : fd;
	pd->ns_fd = fd;
	fd = open_level(pd->ns_fd, pd->ifname, pd->dir, false, false);
	if (fd < 0)
		return fd == -ENOENT ? 0 : fd;
	pd->dir_fd = fd;
	return 0;
}

int pin_dir_init(struct pin_dir *pd, const char *ifname, unsigned int flags)
{
	int ret;

	pin_dir_reset(pd);
	ret = check_ifname(ifname) ?: pin_netns_id(pd->ns, sizeof(pd->ns));
	if (ret)
		return ret;
	snprintf(pd->ifname, sizeof(pd->ifname), "%s", ifname);
	snprintf(pd->root, sizeof(pd->root), "%s", pin_root());
	ret = snprintf(pd->dir, sizeof(pd->dir), "%s/%s/%s", pd->root, pd->ns,
		       ifname);
	if (ret < 0 || (size_t)ret >= sizeof(pd->dir)) {
		pr_err("pin root %s: path too long", pd->root);
		return -ENAMETOOLONG;
	}
	ret = 0;
	/* A root named by the user is the user's promise that it lasts. */
	if ((flags & PIN_CREATE) && !root_is_explicit())
		ret = ensure_bpffs(pd, flags);
	if (!ret)
		ret = open_levels(pd, flags & PIN_CREATE);
	if (ret)
		pin_dir_close(pd);
	return ret;
}

int pin_dir_create(struct pin_dir *pd)
{
	int fd;

	if (pd->dir_fd >= 0)
		return 0;
	if (pd->ns_fd < 0)
		return -ENOENT;
	fd = open_level(pd->ns_fd, pd->ifname, pd->dir, true, false);
	if (fd < 0)
		return fd;
	pd->dir_fd = fd;
	return 0;
}

bool pin_dir_exists(const struct pin_dir *pd)
{
	return pd->dir_fd >= 0;
}

long pin_lock_holder(int fd)
{
	unsigned int maj, min;
	unsigned long ino;
	char line[256];
	struct stat st;
	long pid = 0, p;
	FILE *f;

	if (fstat(fd, &st))
		return 0;
	f = fopen("/proc/locks", "re");
	while (f && !pid && fgets(line, sizeof(line), f))
		if (sscanf(line, "%*d: FLOCK %*s %*s %ld %x:%x:%lu", &p, &maj,
			   &min, &ino) == 4 &&
		    ino == st.st_ino && makedev(maj, min) == st.st_dev)
			pid = p;
	if (f)
		fclose(f);
	return pid;
}

static int lock_wait(int fd, const char *shown)
{
	struct timespec nap = { 0, 20 * 1000 * 1000 };
	int waited = 0, err;

	while (flock(fd, LOCK_EX | LOCK_NB)) {
		err = -errno;
		if (err == -EINTR)
			continue;
		if (err != -EWOULDBLOCK) {
			pr_err("couldn't lock %s: %s", shown, errstr(err));
			return err;
		}
		if (waited >= PIN_LOCK_TIMEOUT_MS) {
			pr_err("%s is locked by pid %ld for more than %d s (a "
			       "stopped 'ndpresponder run'?); try again, or "
			       "resume or end that process",
			       shown, pin_lock_holder(fd),
			       PIN_LOCK_TIMEOUT_MS / 1000);
			return -ETIMEDOUT;
		}
		nanosleep(&nap, NULL);
		waited += 20;
	}
	return 0;
}

int pin_lock(struct pin_dir *pd)
{
	int ret;

	if (pd->root_fd < 0) {
		pr_err("couldn't open %s: %s", pd->root, errstr(-ENOENT));
		return -ENOENT;
	}
	/* An open file of its own: a dup would share root_fd's, whose lock
	 * lasts as long as pd does. */
	pd->lock_fd =
		openat(pd->root_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (pd->lock_fd < 0)
		return -errno;
	ret = lock_wait(pd->lock_fd, pd->root);
	if (ret)
		pin_unlock(pd);
	return ret;
}

void pin_unlock(struct pin_dir *pd)
{
	if (pd->lock_fd >= 0)
		close(pd->lock_fd);
	pd->lock_fd = -1;
}

int pin_path(const struct pin_dir *pd, const char *name, char *path, size_t len)
{
	int ret;

	if (pd->dir_fd >= 0)
		ret = snprintf(path, len, "/proc/self/fd/%d/%s", pd->dir_fd,
			       name);
	else if (pd->ns_fd >= 0)
		ret = snprintf(path, len, "/proc/self/fd/%d/%s/%s", pd->ns_fd,
			       pd->ifname, name);
	else
		ret = snprintf(path, len, "%s/%s", pd->dir, name);
	return ret < 0 || (size_t)ret >= len ? -ENAMETOOLONG : 0;
}

bool pin_exists(const struct pin_dir *pd, const char *name)
{
	struct stat st;

	return pd->dir_fd >= 0 &&
	       !fstatat(pd->dir_fd, name, &st, AT_SYMLINK_NOFOLLOW);
}

/* "map", "link" or "prog": what kind of BPF object fd is. */
static bool obj_is(int fd, const char *kind)
{
	char path[64], target[64], want[64];
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	n = readlink(path, target, sizeof(target) - 1);
	if (n < 0)
		return false;
	target[n] = '\0';
	snprintf(want, sizeof(want), "anon_inode:bpf-%s", kind);
	return !strcmp(target, want);
}

static int obj_get(const struct pin_dir *pd, const char *name)
{
	char path[PATH_MAX];
	int ret = pin_path(pd, name, path, sizeof(path));
	int fd;

	if (ret)
		return ret;
	fd = bpf_obj_get(path);
	return fd < 0 ? -errno : fd;
}

int pin_open(const struct pin_dir *pd, const char *name)
{
	struct bpf_map_info info = {};
	__u32 len = sizeof(info);
	int fd = obj_get(pd, name);

	if (fd < 0)
		return fd;
	/* The kernel keeps BPF_OBJ_NAME_LEN - 1 characters of the name. */
	if (obj_is(fd, "map") && !bpf_obj_get_info_by_fd(fd, &info, &len) &&
	    !strncmp(info.name, name, sizeof(info.name) - 1))
		return fd;
	close(fd);
	return -EPERM;
}

static __u32 obj_id(int fd)
{
	struct bpf_map_info info = {};
	__u32 len = sizeof(info);

	return bpf_obj_get_info_by_fd(fd, &info, &len) ? 0 : info.id;
}

/*
 * Our program, using the map marker: nobody else's link is ours. The
 * kernel gives a program by id only to CAP_SYS_ADMIN, which the unit
 * does not have: then the link's place (a directory only root can write,
 * beside our maps) is what says it is ours.
 */
static bool prog_is_ours(__u32 prog, __u32 marker)
{
	struct bpf_prog_info info = {};
	__u32 len = sizeof(info), ids[16];
	bool ours = false;
	int fd;

	fd = bpf_prog_get_fd_by_id(prog);
	if (fd < 0)
		return errno == EPERM;
	info.nr_map_ids = sizeof(ids) / sizeof(ids[0]);
	info.map_ids = (__u64)(unsigned long)ids;
	if (!bpf_obj_get_info_by_fd(fd, &info, &len) &&
	    info.type == BPF_PROG_TYPE_XDP && !strcmp(info.name, PROG_NAME))
		for (__u32 i = 0; i < info.nr_map_ids && i < 16; i++)
			ours = ours || ids[i] == marker;
	close(fd);
	return ours;
}

int pin_open_link(const struct pin_dir *pd)
{
	struct bpf_link_info info = {};
	__u32 len = sizeof(info), marker = 0;
	int fd, counters;

	fd = obj_get(pd, PIN_LINK);
	if (fd < 0)
		return fd;
	/* Every path of the program counts: it uses the pinned counters. */
	counters = pin_open(pd, NDPR_PIN(counters));
	if (counters >= 0) {
		marker = obj_id(counters);
		close(counters);
	}
	if (obj_is(fd, "link") && !bpf_obj_get_info_by_fd(fd, &info, &len) &&
	    info.type == BPF_LINK_TYPE_XDP && marker &&
	    prog_is_ours(info.prog_id, marker))
		return fd;
	close(fd);
	return -EPERM;
}

/* Unpins name if it is ours; says so when something else is left. */
static int remove_one(const struct pin_dir *pd, const char *name)
{
	int fd, err;

	if (!pin_exists(pd, name))
		return 0;
	fd = strcmp(name, PIN_LINK) ? pin_open(pd, name) : pin_open_link(pd);
	if (fd < 0) {
		pr_err("left %s/%s: not pinned by ndpresponder", pd->dir, name);
		return fd;
	}
	close(fd);
	if (unlinkat(pd->dir_fd, name, 0)) {
		err = -errno;
		pr_err("couldn't remove %s/%s: %s", pd->dir, name, errstr(err));
		return err;
	}
	return 0;
}

#define REMOVE_MAP(name, opener)     \
	if (!(keep & (1u << bit++))) \
		ret = remove_one(pd, NDPR_PIN(name)) ?: ret;

/* Every pin of ours, the link first (it is ours only while ndpr_counters
 * is there to say so), except those in keep (bit 0 the link, then the maps
 * in NDPR_MAPS order). */
static int remove_pins(const struct pin_dir *pd, unsigned int keep)
{
	unsigned int bit = 1;
	int ret = 0;

	if (!(keep & 1))
		ret = remove_one(pd, PIN_LINK);
	NDPR_MAPS(REMOVE_MAP)
	return ret;
}

#define REMOVE_RETIRED(name) remove_one(pd, NDPR_PIN(name));

void pin_remove_retired(const struct pin_dir *pd)
{
	NDPR_RETIRED_PINS(REMOVE_RETIRED)
}

/* The interface's directory, then the namespace's level if that was its
 * last interface: 0, or a negative errno (-ENOTEMPTY: something is left). */
static int remove_dir(const struct pin_dir *pd)
{
	int err = 0;

	if (unlinkat(pd->ns_fd, pd->ifname, AT_REMOVEDIR) && errno != ENOENT)
		err = -errno;
	unlinkat(pd->root_fd, pd->ns, AT_REMOVEDIR);
	return err;
}

int pin_dir_remove(const struct pin_dir *pd)
{
	int ret, err;

	if (pd->dir_fd < 0)
		return 0;
	ret = remove_pins(pd, 0);
	pin_remove_retired(pd);
	err = remove_dir(pd);
	if (err)
		pr_err("couldn't remove %s: %s", pd->dir,
		       err == -ENOTEMPTY ? "it holds pins of someone else" :
					   errstr(err));
	return ret ?: err;
}

void pin_dir_remove_empty(const struct pin_dir *pd)
{
	if (pd->dir_fd >= 0)
		remove_dir(pd);
}

#define PRESENT_MAP(name, opener)           \
	if (pin_exists(pd, NDPR_PIN(name))) \
		mask |= 1u << bit;          \
	bit++;

unsigned int pin_present(const struct pin_dir *pd)
{
	unsigned int mask = pin_exists(pd, PIN_LINK), bit = 1;

	NDPR_MAPS(PRESENT_MAP)
	return mask;
}

int pin_remove_new(const struct pin_dir *pd, unsigned int before,
		   bool dir_was_there)
{
	int ret;

	if (pd->dir_fd < 0)
		return 0;
	ret = remove_pins(pd, before);
	if (!dir_was_there)
		remove_dir(pd);
	return ret;
}

static int walk_ns(int root_fd, const char *ns, pin_walk_fn fn, void *arg)
{
	struct dirent *de;
	DIR *d;
	int fd;

	fd = openat(root_fd, ns,
		    O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? 0 : -errno;
	d = fdopendir(fd);
	if (!d) {
		close(fd);
		return -errno;
	}
	while ((de = readdir(d)))
		if (de->d_type == DT_DIR && de->d_name[0] != '.')
			fn(ns, de->d_name, arg);
	closedir(d);
	return 0;
}

int pin_walk(const char *ns, pin_walk_fn fn, void *arg)
{
	struct dirent *de;
	int root, ret = 0;
	DIR *d;

	root = open_root(pin_root(), false);
	if (root < 0)
		return root == -ENOENT ? 0 : root;
	if (ns) {
		ret = walk_ns(root, ns, fn, arg);
		close(root);
		return ret;
	}
	d = fdopendir(root);
	if (!d) {
		close(root);
		return -errno;
	}
	while ((de = readdir(d)))
		if (de->d_type == DT_DIR &&
		    !strncmp(de->d_name, PIN_NS_PREFIX, strlen(PIN_NS_PREFIX)))
			walk_ns(dirfd(d), de->d_name, fn, arg);
	closedir(d);
	return 0;
}
