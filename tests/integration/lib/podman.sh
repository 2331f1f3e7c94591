# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# shellcheck shell=bash
# A private Podman in the host namespace of the story's topology, serving
# its Docker-compatible API (`podman system service`), for podman.sh,
# which sources this after lib.sh. pm_up starts it and sets the exit trap
# that takes it down, with everything it left, before lib.sh's cleanup.
#
# Private: storage, run root and the CNI configuration live in the work
# directory; the directories Podman and CNI write outside them
# (/var/lib/cni for the addresses handed out, /run/containers,
# /run/libpod, /run/runc, /var/tmp for imports) are tmpfs mounts of the
# test's own mount namespace. CONTAINERS_CONF is the test's own: no
# default ulimits (raising rlimits needs CAP_SYS_RESOURCE, which a test
# host may lack), runc with cgroupfs (crun refuses a hybrid cgroup
# hierarchy), file events (no journald), CNI networking. No registry:
# the image is busybox-static, imported.

. "$IT_DIR/lib/bbimage.sh"

PM=
PM_SVC=
PM_FLAGS=()

pm() { # podman CLI in the host namespace, bounded
	timeout 60 nsenter --net="/run/netns/$NS_HOST" podman "${PM_FLAGS[@]}" \
		"$@"
}

pm_api_up() {
	curl -s --max-time 2 --unix-socket "$PM/api.sock" http://d/_ping \
		>/dev/null 2>&1
}

pm_svc_alive() {
	[ -n "$PM_SVC" ] && kill -0 "$PM_SVC" 2>/dev/null
}

# The API service; timeout ends it should this script be killed outright.
pm_svc_start() {
	rm -f "$PM/api.sock"
	timeout -k 5 300 nsenter --net="/run/netns/$NS_HOST" podman \
		"${PM_FLAGS[@]}" system service --time 0 "unix://$PM/api.sock" \
		>>"$PM/service.log" 2>&1 &
	PM_SVC=$!
	wait_until 20 pm_api_up
}

pm_svc_stop() {
	pm_svc_alive || return 0
	kill -CONT "$PM_SVC" 2>/dev/null
	kill -TERM "$PM_SVC" 2>/dev/null
	wait "$PM_SVC" 2>/dev/null
	PM_SVC=
}

pm_private_dirs() {
	local d
	for d in /var/lib/cni /run/containers /run/libpod /run/runc /var/tmp; do
		mkdir -p "$d" || die "cannot create $d"
		mount -t tmpfs -o mode=0755 ndpr-podman "$d" ||
			die "cannot mount a private $d"
	done
}

# Processes naming the work directory (the service, conmon), alive: not
# the grep that found them.
pm_leftovers() {
	local pid
	for pid in $(grep -alsF -- "$PM/" /proc/[0-9]*/cmdline |
		sed 's|/proc/\([0-9]*\)/cmdline|\1|'); do
		[ "$pid" = $$ ] || [ "$pid" = "$BASHPID" ] ||
			! proc_alive "$pid" || echo "$pid"
	done
}

pm_mounts() {
	awk -v d="$PM/" 'index($5, d) == 1 { print $5 }' /proc/self/mountinfo |
		sort -r
}

pm_down() {
	local pid m
	set +e
	pm rm -af -t 0 >/dev/null 2>&1
	pm_svc_stop
	for pid in $(pm_leftovers); do
		kill -KILL "$pid" 2>/dev/null
	done
	pm_mounts | while read -r m; do
		umount -l "$m" 2>/dev/null
	done
}

pm_on_exit() {
	trap '' INT TERM
	pm_down
	cleanup
}

# Starts the service (one PASS line) and imports busybox-static as IMAGE.
pm_up() { # image
	local out

	PM=$WORK_DIR/podman
	mkdir -p "$PM/cni" "$PM/tmp" || die "cannot create $PM"
	trap pm_on_exit EXIT
	pm_private_dirs
	cat >"$PM/containers.conf" <<-EOF
		[containers]
		default_ulimits = []
		[engine]
		runtime = "runc"
		cgroup_manager = "cgroupfs"
		events_logger = "file"
		tmp_dir = "$PM/tmp"
		[network]
		network_backend = "cni"
		network_config_dir = "$PM/cni"
	EOF
	export CONTAINERS_CONF=$PM/containers.conf TMPDIR=$PM/tmp
	PM_FLAGS=(--root "$PM/root" --runroot "$PM/run" --storage-driver vfs
		--cni-config-dir "$PM/cni" --tmpdir "$PM/tmp")
	bb_image_check
	out=$(bb_image_tar "$PM/rootfs" | pm import - "$1" 2>&1) ||
		die "podman import of busybox failed: $out"
	if pm_svc_start; then
		pass "podman system service starts ($(pm version --format '{{.Client.Version}}'))"
	else
		die "podman system service: $(tail -n 3 "$PM/service.log" | oneline)"
	fi
}
