// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>
#include <linux/magic.h>
#include <bpf/bpf.h>

#include "log.h"
#include "pins.h"

#define BPFFS_MOUNT "/sys/fs/bpf"

const char *pin_root(void)
{
	const char *env = getenv("NDPRESPONDER_PIN_ROOT");

	return env && *env ? env : PIN_ROOT_DEFAULT;
}

static bool is_bpffs(const char *path)
{
	struct statfs st;

	return !statfs(path, &st) && st.f_type == BPF_FS_MAGIC;
}

/* The parent of a pin root that does not exist yet, for the fs check. */
static void parent_dir(const char *path, char *out, size_t len)
{
	char *slash;

	snprintf(out, len, "%s", path);
	slash = strrchr(out, '/');
	if (slash && slash != out)
		*slash = '\0';
	else
		snprintf(out, len, "/");
}

static int ensure_root(const char *root)
{
	char parent[PATH_MAX];
	struct stat st;

	parent_dir(root, parent, sizeof(parent));
	if (!is_bpffs(parent) && !strcmp(root, PIN_ROOT_DEFAULT) &&
	    !is_bpffs(BPFFS_MOUNT)) {
		if (mount("bpf", BPFFS_MOUNT, "bpf", 0, "mode=0700")) {
			int err = -errno;

			pr_err("couldn't mount bpffs on %s: %s", BPFFS_MOUNT,
			       errstr(err));
			return err;
		}
		pr_debug("mounted bpffs on %s", BPFFS_MOUNT);
	}
	if (mkdir(root, 0700) && errno != EEXIST) {
		int err = -errno;

		pr_err("couldn't create pin directory %s: %s", root,
		       errstr(err));
		return err;
	}
	if (!is_bpffs(root)) {
		pr_err("pin directory %s is not on a bpffs", root);
		return -ENOTSUP;
	}
	if (stat(root, &st))
		return -errno;
	/* Whoever can write here could swap our maps for theirs. */
	if (st.st_uid != 0 || (st.st_mode & 0022)) {
		pr_err("pin directory %s is writable by others than root; "
		       "refusing to use it (chmod 0700 it)",
		       root);
		return -EPERM;
	}
	return 0;
}

int pin_dir_init(struct pin_dir *pd, const char *ifname, bool create)
{
	int ret;

	pd->lock_fd = -1;
	if (strchr(ifname, '/') || !strcmp(ifname, ".") ||
	    !strcmp(ifname, "..")) {
		pr_err("'%s' is not an interface name", ifname);
		return -EINVAL;
	}
	snprintf(pd->root, sizeof(pd->root), "%s", pin_root());
	ret = snprintf(pd->dir, sizeof(pd->dir), "%s/%s", pd->root, ifname);
	if (ret < 0 || (size_t)ret >= sizeof(pd->dir))
		return -ENAMETOOLONG;
	if (create)
		return ensure_root(pd->root);
	return 0;
}

int pin_lock(struct pin_dir *pd)
{
	int err;

	pd->lock_fd = open(pd->root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (pd->lock_fd < 0) {
		err = -errno;
		pr_err("couldn't open %s: %s", pd->root, errstr(err));
		return err;
	}
	if (flock(pd->lock_fd, LOCK_EX)) {
		err = -errno;
		pr_err("couldn't lock %s: %s", pd->root, errstr(err));
		close(pd->lock_fd);
		pd->lock_fd = -1;
		return err;
	}
	return 0;
}

void pin_unlock(struct pin_dir *pd)
{
	if (pd->lock_fd >= 0)
		close(pd->lock_fd);
	pd->lock_fd = -1;
}

int pin_path(const struct pin_dir *pd, const char *name, char *path,
	     size_t len)
{
	int ret = snprintf(path, len, "%s/%s", pd->dir, name);

	return ret < 0 || (size_t)ret >= len ? -ENAMETOOLONG : 0;
}

bool pin_exists(const struct pin_dir *pd, const char *name)
{
	char path[PATH_MAX];

	return !pin_path(pd, name, path, sizeof(path)) && !access(path, F_OK);
}

int pin_open(const struct pin_dir *pd, const char *name)
{
	char path[PATH_MAX];
	int ret = pin_path(pd, name, path, sizeof(path));
	int fd;

	if (ret)
		return ret;
	fd = bpf_obj_get(path);
	return fd < 0 ? -errno : fd;
}

int pin_dir_remove(const struct pin_dir *pd)
{
	char path[PATH_MAX];
	struct dirent *de;
	int ret = 0;
	DIR *d;

	d = opendir(pd->dir);
	if (!d)
		return errno == ENOENT ? 0 : -errno;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		if (pin_path(pd, de->d_name, path, sizeof(path)) ||
		    unlink(path)) {
			ret = -errno;
			pr_err("couldn't remove %s: %s", path, errstr(ret));
		}
	}
	closedir(d);
	if (rmdir(pd->dir) && errno != ENOENT) {
		ret = -errno;
		pr_err("couldn't remove %s: %s", pd->dir, errstr(ret));
	}
	return ret;
}
