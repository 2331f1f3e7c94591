// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Kills a command at a given moment, or right after its Nth system call
 * that changes state: the fault tests' ways to interrupt ndpresponder
 * where a crash or an OOM kill could.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <linux/sockios.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "tool.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Forks COMMAND with its output to LOG; stopped for ptrace if traced. */
static pid_t spawn(const char *log, char **cmd, int traced)
{
	pid_t pid = fork();

	if (!pid) {
		int fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0600);

		if (fd < 0)
			_exit(126);
		dup2(fd, 1);
		dup2(fd, 2);
		if (traced) {
			ptrace(PTRACE_TRACEME, 0, NULL, NULL);
			raise(SIGSTOP);
		}
		execvp(cmd[0], cmd);
		_exit(127);
	}
	return pid;
}

static int status_code(int st)
{
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

static void sleep_us(long us)
{
	struct timespec ts = { .tv_sec = us / 1000000,
			       .tv_nsec = (us % 1000000) * 1000 };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

int cmd_runkill(int argc, char **argv)
{
	long delay = atol(argv[0]);
	double t0 = tool_now();
	bool killed = false;
	pid_t pid;
	int st;

	pid = spawn(argv[1], argv + 2, 0);
	if (pid < 0)
		return 2;
	if (delay >= 0) {
		sleep_us(delay);
		if (waitpid(pid, &st, WNOHANG) == pid)
			goto done;
		kill(pid, SIGKILL);
		killed = true;
	}
	if (waitpid(pid, &st, 0) != pid)
		return 2;
	/* Ended by our SIGKILL, not by itself in the meantime. */
	killed = killed && WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL;
done:
	if (killed)
		printf("killed - %.0f\n", (tool_now() - t0) * 1e6);
	else
		printf("done %d %.0f\n", status_code(st),
		       (tool_now() - t0) * 1e6);
	return 0;
}

static const char *bpf_call(unsigned long cmd)
{
	static const struct {
		unsigned long cmd;
		const char *name;
	} cmds[] = {
#define C(x) { x, "bpf:" #x }
		C(BPF_MAP_CREATE),
		C(BPF_MAP_LOOKUP_ELEM),
		C(BPF_MAP_UPDATE_ELEM),
		C(BPF_MAP_DELETE_ELEM),
		C(BPF_MAP_GET_NEXT_KEY),
		C(BPF_PROG_LOAD),
		C(BPF_OBJ_PIN),
		C(BPF_OBJ_GET),
		C(BPF_OBJ_GET_INFO_BY_FD),
		C(BPF_BTF_LOAD),
		C(BPF_MAP_FREEZE),
		C(BPF_LINK_CREATE),
		C(BPF_LINK_UPDATE),
		C(BPF_LINK_DETACH),
		C(BPF_PROG_BIND_MAP),
#undef C
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cmds); i++)
		if (cmd == cmds[i].cmd)
			return cmds[i].name;
	return "bpf";
}

static const char *ioctl_call(unsigned long req)
{
	static const struct {
		unsigned long req;
		const char *name;
	} reqs[] = {
		{ SIOCGIFFLAGS, "ioctl:SIOCGIFFLAGS" },
		{ SIOCSIFFLAGS, "ioctl:SIOCSIFFLAGS" },
		{ SIOCGIFHWADDR, "ioctl:SIOCGIFHWADDR" },
		{ SIOCGIFINDEX, "ioctl:SIOCGIFINDEX" },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(reqs); i++)
		if (req == reqs[i].req)
			return reqs[i].name;
	return "ioctl";
}

/* The name of a system call that changes state, NULL for another. */
static const char *state_call(long nr, unsigned long a0, unsigned long a1)
{
	static const struct {
		long nr;
		const char *name;
	} calls[] = {
		{ SYS_mkdirat, "mkdirat" },   { SYS_unlinkat, "unlinkat" },
		{ SYS_flock, "flock" },	      { SYS_sendto, "sendto" },
		{ SYS_sendmsg, "sendmsg" },   { SYS_renameat2, "renameat2" },
#ifdef SYS_renameat
		{ SYS_renameat, "renameat" },
#endif
#ifdef SYS_mkdir
		{ SYS_mkdir, "mkdir" },	      { SYS_unlink, "unlink" },
		{ SYS_rmdir, "rmdir" },
#endif
	};
	size_t i;

	if (nr == SYS_bpf)
		return bpf_call(a0);
	if (nr == SYS_ioctl)
		return ioctl_call(a1);
	for (i = 0; i < ARRAY_SIZE(calls); i++)
		if (nr == calls[i].nr)
			return calls[i].name;
	return NULL;
}

/*
 * Resumes the tracee to its next system call stop; returns 0 there, 1
 * when it ended (*st says how), -1 on an error. Signals other than the
 * stops of exec and of our SIGSTOP are passed on.
 */
static int next_syscall_stop(pid_t pid, int *st)
{
	int sig = 0;

	for (;;) {
		if (ptrace(PTRACE_SYSCALL, pid, NULL, (void *)(long)sig))
			return -1;
		sig = 0;
		if (waitpid(pid, st, 0) != pid)
			return -1;
		if (WIFEXITED(*st) || WIFSIGNALED(*st))
			return 1;
		if (!WIFSTOPPED(*st))
			continue;
		if (WSTOPSIG(*st) == (SIGTRAP | 0x80))
			return 0;
		if (WSTOPSIG(*st) != SIGTRAP && WSTOPSIG(*st) != SIGSTOP)
			sig = WSTOPSIG(*st);
	}
}

int cmd_killsys(int argc, char **argv)
{
	long n = atol(argv[0]), seen = 0;
	struct __ptrace_syscall_info si;
	const char *call = NULL;
	pid_t pid;
	int st, rc;

	pid = spawn(argv[1], argv + 2, 1);
	if (pid < 0 || waitpid(pid, &st, 0) != pid || !WIFSTOPPED(st))
		return 2;
	ptrace(PTRACE_SETOPTIONS, pid, NULL,
	       (void *)(long)(PTRACE_O_TRACESYSGOOD | PTRACE_O_EXITKILL |
			      PTRACE_O_TRACEEXEC));
	while (!(rc = next_syscall_stop(pid, &st))) {
		if (ptrace(PTRACE_GET_SYSCALL_INFO, pid, (void *)sizeof(si),
			   &si) <= 0)
			continue;
		if (si.op == PTRACE_SYSCALL_INFO_ENTRY) {
			call = state_call((long)si.entry.nr,
					  (unsigned long)si.entry.args[0],
					  (unsigned long)si.entry.args[1]);
		} else if (si.op == PTRACE_SYSCALL_INFO_EXIT && call &&
			   ++seen == n) {
			kill(pid, SIGKILL);
			waitpid(pid, &st, 0);
			printf("killed %s %ld\n", call, seen);
			return 0;
		}
	}
	if (rc < 0)
		return 2;
	printf("done %d %ld\n", status_code(st), seen);
	return 0;
}
