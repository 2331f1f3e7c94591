// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * A service manager's end of sd_notify: a unix datagram socket bound at a
 * path, each datagram printed as one line (its newlines as ';'), as
 * systemd receives READY=1, RELOADING=1 and STATUS= from a Type=notify
 * service.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "tool.h"

int cmd_notify(int argc, char **argv)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char buf[4096];
	ssize_t n;
	int fd;

	if (strlen(argv[0]) >= sizeof(sa.sun_path)) {
		fprintf(stderr, "notify: path too long\n");
		return 2;
	}
	strcpy(sa.sun_path, argv[0]);
	unlink(argv[0]);
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		fprintf(stderr, "notify: %s: %s\n", argv[0], strerror(errno));
		return 1;
	}
	printf("listening %s\n", argv[0]);
	fflush(stdout);
	while ((n = recv(fd, buf, sizeof(buf) - 1, 0)) >= 0) {
		buf[n] = '\0';
		for (char *c = buf; *c; c++)
			if (*c == '\n')
				*c = ';';
		printf("%s\n", buf);
		fflush(stdout);
	}
	return 1;
}
