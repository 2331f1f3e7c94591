# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# shellcheck shell=bash
# A private Docker engine in the host namespace of the story's topology,
# for the suites that drive Docker (docker.sh, image.sh), which source
# this after lib.sh. dk_up starts it (and sets the exit trap that takes it
# down, with everything it left, before lib.sh's cleanup).
#
# The engine is private: its data, exec root and socket live in the work
# directory, its containers in a cgroup of their own, /run/docker,
# /run/containerd and /etc/docker are private tmpfs mounts of the test's
# mount namespace; all of it is stopped, unmounted and removed on exit,
# also on failure. No registry is needed: images are imported.

. "$IT_DIR/lib/bbimage.sh"

DK=
CG_PARENT=ndpr-it-$RUN_ID
DOCKERD_JOB=
DK_TMPFS=()
DK_MADE=()

dk() { # docker CLI, bounded
	timeout 30 docker "$@"
}

dockerd_pid() {
	cat "$DK/dockerd.pid" 2>/dev/null
}

dockerd_alive() {
	[ -n "$DOCKERD_JOB" ] && kill -0 "$DOCKERD_JOB" 2>/dev/null
}

docker_api_up() {
	dk version --format '{{.Server.Version}}' >/dev/null 2>&1
}

# Starts dockerd in the host namespace (nsenter, not ip netns exec, which
# remounts /sys and hides the cgroup mounts dockerd needs). live-restore:
# containers outlive a stopped daemon, as on a production host. timeout
# ends it should this script be killed outright (after DK_LIFETIME s, 170
# unless the caller sets it).
dockerd_start() {
	rm -f "$DK/dockerd.pid"
	echo "---- dockerd start" >>"$DK/dockerd.log"
	timeout -k 5 "${DK_LIFETIME:-170}" \
		nsenter --net="/run/netns/$NS_HOST" dockerd \
		--data-root "$DK/data" --exec-root "$DK/exec" \
		-H "unix://$DK/docker.sock" --pidfile "$DK/dockerd.pid" \
		--iptables=false --ip6tables=false --bridge=none \
		--storage-driver=vfs --live-restore --shutdown-timeout 2 \
		--cgroup-parent "$CG_PARENT" >>"$DK/dockerd.log" 2>&1 &
	DOCKERD_JOB=$!
	wait_until 20 api_up_or_dead
	docker_api_up && return
	WHY="dockerd $(dockerd_alive && echo "API not up after 20s" ||
		echo exited): $(tail -n 3 "$DK/dockerd.log" | oneline)"
	return 1
}

api_up_or_dead() {
	docker_api_up || ! dockerd_alive
}

# SIGTERM, and waits for it to exit.
dockerd_stop() {
	local pid tries=100

	dockerd_alive || return 0
	pid=$(dockerd_pid)
	[ -n "$pid" ] && kill -TERM "$pid" 2>/dev/null
	while dockerd_alive && [ "$tries" -gt 0 ]; do
		sleep 0.1
		tries=$((tries - 1))
	done
	if dockerd_alive; then
		[ -n "$pid" ] && kill -KILL "$pid" 2>/dev/null
		kill -KILL "$DOCKERD_JOB" 2>/dev/null
	fi
	wait "$DOCKERD_JOB" 2>/dev/null
	DOCKERD_JOB=
}

# Processes of this run's engine: those in its containers' cgroups, and
# every process naming its directory (dockerd, containerd, the shims).
dk_pids() {
	local cg pid

	dk_cgroups | while read -r cg; do
		find "$cg" -name cgroup.procs -exec cat {} + 2>/dev/null
	done
	grep -alsF -- "$DK/" /proc/[0-9]*/cmdline |
		sed 's|/proc/\([0-9]*\)/cmdline|\1|' | while read -r pid; do
		[ "$pid" = $$ ] || [ "$pid" = "$BASHPID" ] || echo "$pid"
	done
}

dk_leftovers() {
	local pid
	for pid in $(dk_pids | sort -u); do
		proc_alive "$pid" && echo "$pid"
	done
}

dk_mounts() { # mount points under $DK, deepest first
	awk -v d="$DK/" 'index($5, d) == 1 { print $5 }' /proc/self/mountinfo |
		sort -r
}

dk_cgroups() {
	find /sys/fs/cgroup -maxdepth 5 -type d -name "$CG_PARENT" -prune \
		2>/dev/null
}

# Makes /run/docker, /run/containerd (shim sockets) and /etc/docker
# (key.json) private tmpfs mounts: nothing of the engine reaches the
# machine's directories.
dk_private_dirs() {
	local d
	for d in /run/docker /run/containerd /etc/docker; do
		if [ ! -d "$d" ]; then
			mkdir -p "$d" || die "cannot create $d"
			DK_MADE+=("$d")
		fi
		mount -t tmpfs -o mode=0700 ndpr-docker "$d" ||
			die "cannot mount a private $d"
		DK_TMPFS+=("$d")
	done
}

# The engine goes, with everything it left: containers, processes,
# mounts, cgroups, directories. Runs on exit, before lib.sh's cleanup.
docker_down() {
	local ids pid m d cg i tries left

	set +e
	if dockerd_alive; then
		ids=$(dk ps -aq 2>/dev/null)
		# shellcheck disable=SC2086
		[ -n "$ids" ] && dk rm -f $ids >/dev/null 2>&1
		dockerd_stop
	fi
	# Whatever survived the daemon (live-restore keeps containers).
	for tries in 1 2 3; do
		left=$(dk_leftovers)
		[ -z "$left" ] && break
		for pid in $left; do
			kill -KILL "$pid" 2>/dev/null
		done
		for i in $(seq 50); do
			[ -z "$(dk_leftovers)" ] && break
			sleep 0.1
		done
	done
	left=$(dk_leftovers)
	[ -z "$left" ] ||
		echo "FAIL: $TEST_NAME: cleanup: Docker processes left: $(ps -o pid=,args= -p "${left//$'\n'/,}" | oneline)"
	dk_mounts | while read -r m; do
		umount -l "$m" 2>/dev/null
	done
	dk_cgroups | while read -r cg; do
		find "$cg" -depth -type d -exec rmdir {} + 2>/dev/null
	done
	for d in "${DK_TMPFS[@]}"; do
		umount -l "$d" 2>/dev/null
	done
	for d in "${DK_MADE[@]}"; do
		rmdir "$d" 2>/dev/null
	done
	DK_TMPFS=()
	DK_MADE=()
	[ -n "$DK" ] && [ -d "$DK" ] &&
		rm -rf --one-file-system "$DK/data" "$DK/exec" "$DK/rootfs" \
			"$DK/docker.sock"
}

on_exit() {
	# A second signal must not cut the cleanup short (exit in a trap).
	trap '' INT TERM
	docker_down
	cleanup
}

# Starts the engine (one PASS line) and imports busybox-static as IMAGE,
# with sh, sleep, ping and ip. Call after suite_up.
dk_up() { # image
	local out

	DK=$WORK_DIR/docker
	export DOCKER_HOST=unix://$DK/docker.sock DOCKER_CONFIG=$DK/cli
	trap on_exit EXIT
	bb_image_check

	mkdir -p "$DK/rootfs/bin" || die "cannot create $DK"
	dk_private_dirs
	if dockerd_start; then
		pass "dockerd starts in the host namespace ($(dk version --format '{{.Server.Version}}'))"
	else
		die "$WHY"
	fi

	out=$(bb_image_tar "$DK/rootfs" | dk import - "$1" 2>&1) ||
		die "docker import of busybox failed: $out"
}
