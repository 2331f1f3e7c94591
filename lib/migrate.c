// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The order of a migration never leaves the interface without a program,
 * nor its program without pinned maps: fresh maps filled while the old
 * program answers, pinned beside the old ones under temporary names, the
 * program swapped under the link (bpf_link_update: atomic), then the
 * temporary pins renamed over the old ones (rename(2) replaces a pin in
 * one step), which drops the old maps with the old program.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>

#include "log.h"
#include "migrate.h"

/* The maps whose entries the control plane owns, in the layout this
 * version reads: only these are copied (ndpr_state is read as the
 * record, and written anew by the attach). */
static const struct known {
	const char *name;
	__u32 type, key, value;
} known[] = {
	{ NDPR_PIN(hosts), BPF_MAP_TYPE_HASH, sizeof(struct ndpr_host_key),
	  sizeof(struct ndpr_prefix_val) },
	{ NDPR_PIN(prefixes), BPF_MAP_TYPE_LPM_TRIE,
	  sizeof(struct ndpr_prefix_key), sizeof(struct ndpr_prefix_val) },
	{ NDPR_PIN(origins), BPF_MAP_TYPE_ARRAY, sizeof(__u32),
	  sizeof(struct ndpr_origin) },
	{ NDPR_PIN(guards), BPF_MAP_TYPE_HASH, sizeof(struct ndpr_host_key),
	  sizeof(struct ndpr_guard) },
	{ NDPR_PIN(conflicts), BPF_MAP_TYPE_LRU_HASH,
	  sizeof(struct ndpr_host_key), sizeof(struct ndpr_conflict) },
	{ NDPR_PIN(state), BPF_MAP_TYPE_ARRAY, sizeof(__u32),
	  sizeof(struct ndpr_state) },
};

/* Large enough for every key and value of the maps above. */
#define ENTRY_MAX 64

static int pinned_info(const struct pin_dir *pd, const char *name,
		       struct bpf_map_info *info)
{
	__u32 len = sizeof(*info);
	int fd = pin_open(pd, name), ret = 0;

	if (fd < 0)
		return fd;
	memset(info, 0, sizeof(*info));
	if (bpf_obj_get_info_by_fd(fd, info, &len))
		ret = -errno;
	close(fd);
	return ret;
}

int migrate_check_known(const struct pin_dir *pd, const char *ifname)
{
	struct bpf_map_info info;

	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++) {
		const struct known *k = &known[i];

		if (pinned_info(pd, k->name, &info))
			continue; /* absent: maps_open says so */
		if (info.type == k->type && info.key_size == k->key &&
		    info.value_size == k->value)
			continue;
		pr_err("%s: %s/%s has a layout this version cannot read "
		       "(type %u, key %u, value %u bytes; it reads type %u, "
		       "key %u, value %u); nothing changed: attach with the "
		       "version that made it, or detach first",
		       ifname, pd->dir, k->name, info.type, info.key_size,
		       info.value_size, k->type, k->key, k->value);
		return -EPROTO;
	}
	return 0;
}

bool migrate_needed(struct bpf_object *obj, const struct pin_dir *pd)
{
	struct bpf_map_info info;
	struct bpf_map *map;

	bpf_object__for_each_map(map, obj)
	{
		if (!bpf_map__pin_path(map) ||
		    pinned_info(pd, bpf_map__name(map), &info))
			continue;
		/* What libbpf compares before it reuses a pinned map. */
		if (info.type != bpf_map__type(map) ||
		    info.key_size != bpf_map__key_size(map) ||
		    info.value_size != bpf_map__value_size(map) ||
		    info.max_entries != bpf_map__max_entries(map) ||
		    info.map_flags != bpf_map__map_flags(map))
			return true;
	}
	return false;
}

int migrate_unpin(struct bpf_object *obj)
{
	struct bpf_map *map;
	int ret;

	bpf_object__for_each_map(map, obj)
	{
		if (!bpf_map__pin_path(map))
			continue;
		ret = bpf_map__set_pin_path(map, NULL);
		if (ret)
			return ret;
	}
	return 0;
}

/* Every entry of a hash or trie; *n counts them. -ENOSPC when the new
 * map is full: what it cannot hold is refused, never dropped. */
static int copy_entries(int from, int to, size_t *n)
{
	__u8 key[ENTRY_MAX], next[ENTRY_MAX], val[ENTRY_MAX];
	void *prev = NULL;

	*n = 0;
	while (!bpf_map_get_next_key(from, prev, next)) {
		memcpy(key, next, sizeof(key));
		prev = key;
		if (bpf_map_lookup_elem(from, key, val))
			continue; /* removed meanwhile (an LRU's eviction) */
		if (bpf_map_update_elem(to, key, val, BPF_NOEXIST)) {
			if (errno == EEXIST)
				continue;
			return errno == E2BIG ? -ENOSPC : -errno;
		}
		(*n)++;
	}
	return errno == ENOENT ? 0 : -errno;
}

static size_t count_entries(int fd)
{
	__u8 key[ENTRY_MAX], next[ENTRY_MAX];
	void *prev = NULL;
	size_t n = 0;

	while (!bpf_map_get_next_key(fd, prev, next)) {
		memcpy(key, next, sizeof(key));
		prev = key;
		n++;
	}
	return n;
}

/* The named origins; one beyond the new map's capacity is refused. */
static int copy_origins(int from, int to, size_t *n)
{
	__u32 have = map_capacity(from), room = map_capacity(to);
	struct ndpr_origin o;

	*n = 0;
	for (__u32 i = 0; i < have; i++) {
		if (bpf_map_lookup_elem(from, &i, &o))
			return -errno;
		if (!o.name[0])
			continue;
		if (i >= room)
			return -ENOSPC;
		if (bpf_map_update_elem(to, &i, &o, BPF_ANY))
			return -errno;
		(*n)++;
	}
	return 0;
}

static int copy_failed(const char *ifname, const char *what, int err)
{
	if (err == -ENOSPC)
		pr_err("%s: the new layout's %s cannot hold the pinned entries; "
		       "nothing changed, the old responder answers",
		       ifname, what);
	else
		pr_err("%s: couldn't copy %s into the new maps: %s; nothing "
		       "changed, the old responder answers",
		       ifname, what, errstr(err));
	return err;
}

int migrate_copy(const struct ndpr_maps *from, const struct ndpr_maps *to,
		 const char *ifname, struct migrate_counts *n)
{
	/* Guards before the entries that hold them, as attach does. */
	const struct {
		const char *name;
		int from, to;
		size_t *n;
	} maps[] = {
		{ NDPR_PIN(guards), from->guards, to->guards, &n->guards },
		{ NDPR_PIN(conflicts), from->conflicts, to->conflicts,
		  &n->conflicts },
		{ NDPR_PIN(hosts), from->hosts, to->hosts, &n->hosts },
		{ NDPR_PIN(prefixes), from->prefixes, to->prefixes,
		  &n->prefixes },
	};
	int ret;

	memset(n, 0, sizeof(*n));
	ret = copy_origins(from->origins, to->origins, &n->origins);
	if (ret)
		return copy_failed(ifname, NDPR_PIN(origins), ret);
	for (size_t i = 0; i < sizeof(maps) / sizeof(maps[0]); i++) {
		ret = copy_entries(maps[i].from, maps[i].to, maps[i].n);
		/* An LRU evicts rather than fails: a conflict lost would
		 * be an address answered that another node owns. */
		if (!ret && count_entries(maps[i].to) != *maps[i].n)
			ret = -ENOSPC;
		if (ret)
			return copy_failed(ifname, maps[i].name, ret);
	}
	return 0;
}

int migrate_copy_late(const struct ndpr_maps *from, const struct ndpr_maps *to,
		      struct migrate_counts *n)
{
	size_t late = 0;
	int ret;

	ret = copy_entries(from->conflicts, to->conflicts, &late);
	n->conflicts += late;
	return ret;
}

static int tmp_name(const char *name, __u32 prog_id, char *buf, size_t len)
{
	int ret = snprintf(buf, len, "%s-%u", name, prog_id);

	return ret < 0 || (size_t)ret >= len ? -ENAMETOOLONG : 0;
}

#define TMP_NAMES(name, opener) NDPR_PIN(name),
/* ndpr_counters first: see migrate_rename. */
static const char *const pin_names[] = { NDPR_PIN(counters),
					 NDPR_MAPS(TMP_NAMES) };
#undef TMP_NAMES

static bool is_pin_name(const char *s, size_t len)
{
	for (size_t i = 0; i < sizeof(pin_names) / sizeof(pin_names[0]); i++)
		if (strlen(pin_names[i]) == len &&
		    !strncmp(s, pin_names[i], len))
			return true;
	return false;
}

int migrate_pin_new(const struct pin_dir *pd, struct bpf_object *obj,
		    __u32 prog_id, const char *ifname)
{
	char tmp[NAME_MAX + 1], path[PATH_MAX];
	struct bpf_map *map;
	int ret;

	bpf_object__for_each_map(map, obj)
	{
		/* .rodata and the like are never pinned, nor a map this
		 * version does not know (a test build's retired one). */
		if (!is_pin_name(bpf_map__name(map),
				 strlen(bpf_map__name(map))))
			continue;
		ret = tmp_name(bpf_map__name(map), prog_id, tmp, sizeof(tmp));
		if (!ret)
			ret = pin_path(pd, tmp, path, sizeof(path));
		if (!ret && bpf_obj_pin(bpf_map__fd(map), path))
			ret = -errno;
		if (ret) {
			pr_err("%s: couldn't pin the new maps (%s/%s): %s; "
			       "nothing changed, the old responder answers",
			       ifname, pd->dir, tmp, errstr(ret));
			migrate_unpin_new(pd, prog_id);
			return ret;
		}
	}
	return 0;
}

void migrate_unpin_new(const struct pin_dir *pd, __u32 prog_id)
{
	char tmp[NAME_MAX + 1];

	for (size_t i = 0; i < sizeof(pin_names) / sizeof(pin_names[0]); i++)
		if (!tmp_name(pin_names[i], prog_id, tmp, sizeof(tmp)))
			unlinkat(pd->dir_fd, tmp, 0);
}

int migrate_rename(const struct pin_dir *pd, __u32 prog_id, const char *ifname)
{
	char tmp[NAME_MAX + 1];
	int err;

	for (size_t i = 0; i < sizeof(pin_names) / sizeof(pin_names[0]); i++) {
		if (tmp_name(pin_names[i], prog_id, tmp, sizeof(tmp)) ||
		    !pin_exists(pd, tmp))
			continue;
		if (renameat(pd->dir_fd, tmp, pd->dir_fd, pin_names[i])) {
			err = -errno;
			pr_err("%s: the new program answers, but its map %s/%s "
			       "couldn't take the name %s: %s; attach again to "
			       "finish",
			       ifname, pd->dir, tmp, pin_names[i], errstr(err));
			return err;
		}
	}
	pin_remove_retired(pd);
	return 0;
}

/* The id of a temporary pin "ndpr_NAME-ID" of ours; 0 if it is not one. */
static __u32 tmp_id(const char *entry)
{
	const char *dot = strrchr(entry, '-');
	unsigned long id;
	char *end;

	if (!dot || !is_pin_name(entry, (size_t)(dot - entry)))
		return 0;
	id = strtoul(dot + 1, &end, 10);
	return *end || id > UINT32_MAX ? 0 : (__u32)id;
}

static __u32 first_tmp(const struct pin_dir *pd)
{
	struct dirent *de;
	__u32 id = 0;
	DIR *d;
	int fd;

	fd = openat(pd->dir_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	d = fdopendir(fd);
	if (!d) {
		close(fd);
		return 0;
	}
	while (!id && (de = readdir(d)))
		id = tmp_id(de->d_name);
	closedir(d);
	return id;
}

/* The id of the program the pinned link runs, 0 if none. */
static __u32 link_prog(const struct pin_dir *pd)
{
	struct bpf_link_info info = {};
	__u32 len = sizeof(info), id = 0;
	char path[PATH_MAX];
	int fd;

	if (pin_path(pd, PIN_LINK, path, sizeof(path)))
		return 0;
	fd = bpf_obj_get(path);
	if (fd < 0)
		return 0;
	if (!bpf_obj_get_info_by_fd(fd, &info, &len) &&
	    info.type == BPF_LINK_TYPE_XDP)
		id = info.prog_id;
	close(fd);
	return id;
}

int migrate_recover(const struct pin_dir *pd, const char *ifname)
{
	__u32 id;
	int ret;

	if (pd->dir_fd < 0)
		return 0;
	while ((id = first_tmp(pd))) {
		if (id != link_prog(pd)) {
			/* The swap never happened: the old pins rule. */
			pr_info("%s: removing the pins of a migration cut short "
				"before its swap",
				ifname);
			migrate_unpin_new(pd, id);
			if (first_tmp(pd) == id)
				return -EEXIST;
			continue;
		}
		pr_info("%s: finishing a migration cut short after its swap",
			ifname);
		ret = migrate_rename(pd, id, ifname);
		if (ret)
			return ret;
	}
	return 0;
}
