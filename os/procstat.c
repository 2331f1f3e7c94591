// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * /proc/self/stat, statm and fd, and /proc/stat's boot time: what
 * Prometheus' client libraries report as process_* metrics.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "procstat.h"

static int read_line(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "re");
	int ret = 0;

	if (!f)
		return -errno;
	if (!fgets(buf, (int)len, f))
		ret = -EIO;
	fclose(f);
	return ret;
}

static int boot_time(unsigned long long *btime)
{
	char line[256];
	FILE *f = fopen("/proc/stat", "re");
	int ret = -ENOENT;

	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "btime %llu", btime) == 1) {
			ret = 0;
			break;
		}
	fclose(f);
	return ret;
}

/* Fields 14, 15 (utime, stime) and 22 (starttime) of stat(5), counted
 * after the command's closing parenthesis, which may hide spaces. */
static int read_stat(struct proc_stats *ps, double hz)
{
	unsigned long long utime, stime, start, btime;
	char buf[1024], *p;
	int ret;

	ret = read_line("/proc/self/stat", buf, sizeof(buf));
	if (ret)
		return ret;
	p = strrchr(buf, ')');
	if (!p || sscanf(p + 2,
			 "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu "
			 "%llu %*d %*d %*d %*d %*d %*d %llu",
			 &utime, &stime, &start) != 3)
		return -EIO;
	ret = boot_time(&btime);
	if (ret)
		return ret;
	ps->cpu_seconds = (double)(utime + stime) / hz;
	ps->start_time = (double)btime + (double)start / hz;
	return 0;
}

static uint64_t count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *de;
	uint64_t n = 0;

	if (!d)
		return 0;
	while ((de = readdir(d)))
		if (de->d_name[0] != '.')
			n++;
	closedir(d);
	return n ? n - 1 : 0; /* not the directory's own fd */
}

int proc_stats_read(struct proc_stats *ps)
{
	unsigned long long size, resident;
	long hz = sysconf(_SC_CLK_TCK), page = sysconf(_SC_PAGESIZE);
	struct rlimit rl;
	char buf[256];
	int ret;

	memset(ps, 0, sizeof(*ps));
	if (hz <= 0 || page <= 0)
		return -EINVAL;
	ret = read_stat(ps, (double)hz);
	if (!ret)
		ret = read_line("/proc/self/statm", buf, sizeof(buf));
	if (ret)
		return ret;
	if (sscanf(buf, "%llu %llu", &size, &resident) != 2)
		return -EIO;
	ps->rss_bytes = resident * (unsigned long long)page;
	ps->open_fds = count_fds();
	if (!getrlimit(RLIMIT_NOFILE, &rl))
		ps->max_fds = rl.rlim_cur;
	return 0;
}
