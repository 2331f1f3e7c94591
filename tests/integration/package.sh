#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# The Debian package (make deb), installed the way a user does it, on a
# host whose responder is already answering:
#  - it builds with dpkg-buildpackage, lintian reports no error and no
#    warning, Depends: is computed (the libraries' packages), the conffile
#    is the example;
#  - dpkg -i installs the binary, man page, completion, unit template and
#    example config; the installed unit's ExecStart, run by hand with the
#    unit's capability set (systemd is not PID 1 here), adopts the
#    responder that was attached;
#  - dpkg -i of the same package with a higher version, then the hand-over
#    the postinst does for running instances (SIGKILL, start: adopt),
#    while a flood of solicitations runs: every one answered, once;
#  - dpkg -i of that package repacked with the test build of another
#    maps' layout as its binary, and the same hand-over under a flood:
#    the new run migrates the pinned maps, every solicitation answered;
#  - SIGTERM (what prerm's stop sends) detaches; dpkg -r removes the
#    files and keeps the config; dpkg -P removes the config; nothing of
#    the package is left.
# The machine itself is not touched: dpkg runs in a chroot of an overlay
# of / whose writes go to a tmpfs of this run, with its own /sys (the
# host namespace's) and a bpffs of its own at /sys/fs/bpf.

. "$(dirname "$0")/lib.sh"

suite_up ip nsenter setpriv chroot dpkg dpkg-deb dpkg-buildpackage dh \
	lintian make tcpdump ndisc6 awk sed

ROOT=$WORK_DIR/root # the chroot
UPPER=$WORK_DIR/ov/upper
STAGE=/tmp/ndpr-pkg # the packages, inside the chroot
PREFIX=2001:db8:1:0:7::/112
TARGET=2001:db8:1:0:7::1
RUN_LOG=
RUN_PID=
N_FLOOD=200000
RATE=4000

# ---- the packages --------------------------------------------------------

# make deb VERSION into this run's build directory; DEB is the .deb.
build_deb() { # version
	local out=$WORK_DIR/out log=$WORK_DIR/deb-$1.log

	make -C "$REPO_DIR" --no-print-directory OUTPUT="$out" \
		DEB_VERSION="$1" deb >"$log" 2>&1 ||
		die "make deb DEB_VERSION=$1 failed: $(tail -n 5 "$log" | oneline)"
	DEB=$(ls "$out"/deb/ndpresponder_"$1"_*.deb)
	pass "make deb DEB_VERSION=$1 builds $(basename "$DEB")"
}

V1=$(dpkg-parsechangelog -l "$REPO_DIR/debian/changelog" -S Version)
V2=$V1+1
build_deb "$V1"
DEB1=$DEB
build_deb "$V2"
DEB2=$DEB

out=$(lintian --fail-on error,warning "$DEB1" 2>&1 | grep -v '^running with root')
WHY="lintian: $(oneline <<<"$out")"
check "lintian $(basename "$DEB1"): no error, no warning (one explained override)" test -z "$out"

deps=$(dpkg-deb -f "$DEB1" Depends)
WHY="Depends: $deps"
check "Depends: names the libraries' packages (dh_shlibdeps)" \
	bash -c '[[ $1 == *libbpf1* && $1 == *libjson-c5* &&
		$1 == *libnl-route-3-200* && $1 == *libc6* ]]' _ "$deps"
conffiles=$(dpkg-deb --ctrl-tarfile "$DEB1" | tar -xO ./conffiles)
WHY="conffiles: $conffiles"
check "the example config and environment are the conffiles" \
	test "$conffiles" = "/etc/ndpresponder/ndpresponder.conf.example
/etc/ndpresponder/ndpresponder.env.example"

# ---- the chroot ----------------------------------------------------------

mkdir -p "$WORK_DIR/ov" "$ROOT" || die "mkdir failed"
mount -t tmpfs ndpr-pkg "$WORK_DIR/ov" || die "cannot mount a tmpfs"
mkdir -p "$UPPER" "$WORK_DIR/ov/work"
mount -t overlay ndpr-pkg -o "lowerdir=/,upperdir=$UPPER,workdir=$WORK_DIR/ov/work" \
	"$ROOT" || die "cannot mount an overlay of /"
mount --rbind /dev "$ROOT/dev" && mount -t proc proc "$ROOT/proc" ||
	die "cannot mount /dev and /proc in the chroot"
# sysfs shows the network namespace of the one who mounts it.
in_ns "$NS_HOST" mount -t sysfs sysfs "$ROOT/sys" &&
	mount -t bpf bpf "$ROOT/sys/fs/bpf" ||
	die "cannot mount /sys and /sys/fs/bpf in the chroot"
mkdir -p "$ROOT$STAGE" && cp "$DEB1" "$DEB2" "$ROOT$STAGE/" ||
	die "cannot stage the packages"
# What the chroot's responder pins, seen from here.
export NDPRESPONDER_PIN_ROOT=$ROOT/sys/fs/bpf/ndpresponder

in_root() { # command...
	env -u NDPRESPONDER_PIN_ROOT chroot "$ROOT" "$@"
}

in_root dpkg -s ndpresponder >/dev/null 2>&1 &&
	die "ndpresponder is already installed on this machine: its dpkg -s says so"

dpkg_ok() { # what, dpkg arguments...
	local what=$1 out rc
	shift
	out=$(in_root dpkg "$@" 2>&1)
	rc=$?
	WHY="exit $rc: $(tail -n 4 <<<"$out" | oneline)"
	check "$what" test "$rc" = 0
}

installed_version() {
	in_root dpkg-query -W -f '${Status} ${Version}' ndpresponder 2>/dev/null
}

# ---- the unit, run by hand -----------------------------------------------

UNIT=$ROOT/lib/systemd/system/ndpresponder@.service

# The installed unit's ExecStart for the uplink, without NDPRESPONDER_OPTS
# (there is no $UPLINK.env).
unit_exec() {
	sed -n 's/^ExecStart=//p' "$UNIT" |
		sed -e "s/%i/$UPLINK/g" -e 's/ \$NDPRESPONDER_OPTS$//'
}

# "CAP_BPF CAP_NET_ADMIN" -> "-all,+bpf,+net_admin"
unit_bounding_set() {
	sed -n 's/^CapabilityBoundingSet=//p' "$UNIT" | tr '[:upper:]' '[:lower:]' |
		awk '{ s = "-all"; for (i = 1; i <= NF; i++) {
			sub("^cap_", "", $i); s = s ",+" $i } print s }'
}

# Starts the installed unit's ExecStart in the chroot, in the host
# namespace, with only the unit's capabilities.
unit_start() { # log
	local cmd
	read -ra cmd <<<"$(unit_exec)"
	RUN_LOG=$1
	bg_start "$RUN_LOG" "$NS_HOST" env -u NDPRESPONDER_PIN_ROOT \
		chroot "$ROOT" setpriv --inh-caps=-all --ambient-caps=-all \
		--bounding-set="$(unit_bounding_set)" "${cmd[@]}"
	RUN_PID=$(bg_pid "$RUN_LOG")
}

adopted() {
	log_has "$RUN_LOG" "adopted the responder on $UPLINK"
}

flood_answered() {
	flood_records "$CAP" >"$CAP.txt"
	all_answered "$CAP.txt" 1
}

# ---- a host with a responder, then the package ----------------------------

ok attach "$UPLINK" "$PREFIX"
check "before the package: $TARGET answered" ndisc_answers "$TARGET" "$HOST_MAC"
answered0=$(counter answered)
CAP=$WORK_DIR/flood.pcap
flood_capture_start "$CAP" 120
flood_start "$CAP.flood" 1 "$N_FLOOD" "$RATE" "$TARGET"
sleep 0.5

dpkg_ok "dpkg -i $(basename "$DEB1") over a running responder" -i "$STAGE/$(basename "$DEB1")"
WHY="dpkg-query: $(installed_version)"
check "ndpresponder $V1 is installed" \
	test "$(installed_version)" = "install ok installed $V1"
missing=
for f in /usr/sbin/ndpresponder /usr/share/man/man8/ndpresponder.8.gz \
	/usr/share/bash-completion/completions/ndpresponder \
	/lib/systemd/system/ndpresponder@.service \
	/etc/ndpresponder/ndpresponder.conf.example \
	/etc/ndpresponder/ndpresponder.env.example; do
	[ -f "$ROOT$f" ] || missing+=" $f"
done
WHY="missing:$missing"
check "the binary, man page, completion, unit and example are installed" \
	test -z "$missing"
WHY="ExecStart: $(unit_exec)"
check "the installed unit runs /usr/sbin/ndpresponder run -i IFACE -c /etc/ndpresponder/IFACE.conf" \
	test "$(unit_exec)" = "/usr/sbin/ndpresponder run -i $UPLINK -c /etc/ndpresponder/$UPLINK.conf"

echo "$PREFIX" >"$ROOT/etc/ndpresponder/$UPLINK.conf"
unit_start "$WORK_DIR/run-v1.log"
check "the installed unit's command adopts the attached responder" \
	wait_until 10 adopted
check "it runs with the unit's capabilities only, and serves" \
	wait_until 5 run_ready "$RUN_PID"

# ---- the upgrade, under the flood -----------------------------------------

dpkg_ok "dpkg -i $(basename "$DEB2") (an upgrade)" -i "$STAGE/$(basename "$DEB2")"
WHY="dpkg-query: $(installed_version)"
check "ndpresponder $V2 is installed" \
	test "$(installed_version)" = "install ok installed $V2"
WHY="run died: $(tail -n 3 "$RUN_LOG" | oneline)"
check "the running instance outlived dpkg -i" proc_alive "$RUN_PID"
# What postinst does to each running instance under systemd.
bg_stop "$RUN_PID" KILL 5
unit_start "$WORK_DIR/run-v2.log"
check "after the upgrade, the new binary adopts the responder" \
	wait_until 10 adopted
version=$(in_root /usr/sbin/ndpresponder --version 2>&1)
WHY="--version: $version"
check "the installed binary is $V2" grep -qF "$V2" <<<"$version"
sleep 1
flood_stop "$CAP.flood"
check "the flood's capture holds every answer given, lost nothing" flood_capture_stop "$CAP"
check_summary "install and upgrade over the flood: every solicitation answered once" \
	flood_answered
read -r sent _ <"$CAP.flood"
a=$(($(counter answered) - answered0))
WHY="answered rose by $a for ${sent:-?} solicitations"
check "the answered counter rose by exactly the flood's solicitations" \
	test "$a" = "${sent:-x}"

# ---- an upgrade across a change of the maps' layout ------------------------

# The package of V2 as V3 with the test build of another layout as its
# binary (build/tests/oldlayout: bpf/maps.h's NDPR_TEST_OLD_LAYOUT), made
# without git history: its run finds pinned maps that are not its own
# layout's, and migrates them under the link.
repack_deb() { # deb, version, binary
	local d=$WORK_DIR/repack sum
	rm -rf "$d"
	dpkg-deb -R "$1" "$d" && cp "$3" "$d/usr/sbin/ndpresponder" ||
		die "cannot unpack $1"
	sed -i "s/^Version: .*/Version: $2/" "$d/DEBIAN/control"
	sum=$(cd "$d" && md5sum usr/sbin/ndpresponder)
	sed -i "s|^[0-9a-f]*  usr/sbin/ndpresponder\$|$sum|" "$d/DEBIAN/md5sums"
	DEB=$WORK_DIR/ndpresponder_$2_$(dpkg --print-architecture).deb
	dpkg-deb --root-owner-group -b "$d" "$DEB" >/dev/null ||
		die "cannot pack $DEB"
}

OLD_BIN=$OUT_DIR/tests/oldlayout/ndpresponder
built -x "$OLD_BIN"
V3=$V2+1
repack_deb "$DEB2" "$V3" "$OLD_BIN"
cp "$DEB" "$ROOT$STAGE/" || die "cannot stage $DEB"
CAP=$WORK_DIR/flood-layout.pcap
capture_start "$NS_ROUTER" "$ROUTER_PORT" "$CAP" 120 -B 65536 -s 128
flood_start "$CAP.flood" 1 "$N_FLOOD" "$RATE" "$TARGET"
sleep 0.5
dpkg_ok "dpkg -i $(basename "$DEB") (maps of another layout)" \
	-i "$STAGE/$(basename "$DEB")"
bg_stop "$RUN_PID" KILL 5
unit_start "$WORK_DIR/run-v3.log"
check "across the layout change, the new binary adopts the responder" \
	wait_until 10 adopted
check "with the unit's capabilities it migrated the maps, and says so" \
	log_has "$RUN_LOG" "migrated maps of another layout: .*; counters restart at 0"
check "it serves" wait_until 5 run_ready "$RUN_PID"
sleep 1
flood_stop "$CAP.flood"
read -r sent _ <"$CAP.flood"
check "the capture caught up" wait_until 30 capture_has_all "$CAP" "${sent:-1}"
check "tcpdump lost nothing" capture_end "$CAP"
check_summary "upgrade across the layout change over the flood: every solicitation answered once" \
	flood_answered
check "after it, $TARGET answered" ndisc_answers "$TARGET" "$HOST_MAC"

# ---- stop, remove, purge ---------------------------------------------------

sigterm_exits_0 "the instance" "$RUN_PID" "$RUN_LOG"
WHY="XDP mode $(xdp_mode "$NS_HOST" "$UPLINK"), pins: $(ls "$NDPRESPONDER_PIN_ROOT" 2>&1 | oneline)"
check "stopping the instance detaches" \
	test "$(xdp_mode "$NS_HOST" "$UPLINK")" = none -a ! -e "$(host_pin_dir)"
check "after the stop, $TARGET is no longer answered" ndisc_unanswered "$TARGET"

dpkg_ok "dpkg -r ndpresponder" -r ndpresponder
WHY="/usr/sbin/ndpresponder is still there"
check "dpkg -r removes the binary" test ! -e "$ROOT/usr/sbin/ndpresponder"
WHY="$(ls "$ROOT/etc/ndpresponder" 2>&1 | oneline)"
check "dpkg -r keeps the configuration" \
	test -f "$ROOT/etc/ndpresponder/$UPLINK.conf" -a \
		-f "$ROOT/etc/ndpresponder/ndpresponder.conf.example"
dpkg_ok "dpkg -P ndpresponder" -P ndpresponder
WHY="$(ls -A "$ROOT/etc/ndpresponder" 2>&1 | oneline)"
check "dpkg -P removes /etc/ndpresponder" test ! -e "$ROOT/etc/ndpresponder"
WHY="dpkg-query: $(installed_version)"
check "dpkg knows ndpresponder no more" test -z "$(installed_version)"

# The writes left in the overlay: dpkg's own records, man-db's index and
# the staged packages, nothing else.
rm -rf "${ROOT:?}$STAGE"
left=$(cd "$UPPER" && find . -mindepth 1 ! -type d |
	grep -Ev '^\./(var/lib/dpkg/|var/log/(dpkg|alternatives)\.log$|var/cache/(debconf|man)/)')
WHY="left: $(oneline <<<"$left")"
check "nothing of the package is left" test -z "$left"

finish
