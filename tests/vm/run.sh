#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# The responder where users run it: Debian 12's own 6.1 cloud kernel on a
# virtio-net NIC, with the static binary (make static). Boots that kernel
# under qemu (software emulation, no KVM needed) with a tiny initramfs
# (busybox, ndpresponder, the virtio modules; tests/vm/init is its PID 1),
# once per case:
#
#   native-1q  native XDP, one queue pair: virtio_net shares its TX queues
#              with XDP_TX, under a lock
#   native-2q  native XDP, two queue pairs on one CPU: XDP_TX has a queue
#              of its own
#   generic    generic (skb) XDP
#
#   router ns                    hv ns                        qemu guest
#   port ----veth---- hv-r [br0] tap0 ==virtio-net== eth0 2001:db8:1::2/64
#   2001:db8:1::1/64                                  ndpresponder attach eth0
#                                                       2001:db8:1:0:c::/112
#
# From the router, ndisc6 and ping check that a target in the prefix is
# answered with the guest's MAC from the target address, one outside is
# not, and the guest's own address is still answered by its kernel; the
# guest's counters and a clean detach are checked too. An attach that
# fails means the guest kernel's verifier refused the object: its log is
# printed.
#
# The kernel and busybox packages come from Debian's archive (apt-get
# download, never installed) into build/vm, and stay there as a cache.
# NDPR_VM_CASES="native-1q generic" runs some cases only;
# NDPR_VM_KERNEL_DEB=FILE boots another Debian kernel package (to try the
# oldest kernel supported, say); NDPR_IT_KEEP=1 keeps the work directory
# (console logs, captures).

. "$(dirname "$0")/../integration/lib.sh"
TEST_NAME=vm

VM_DIR=$OUT_DIR/vm
STATIC_BIN=$OUT_DIR/static/ndpresponder
KERNEL_PKG_RE='^linux-image-6\.1\.0-[0-9]+-cloud-amd64-unsigned$'
# The guest needs these and what they depend on.
MODULES="virtio_pci virtio_net veth"
GUEST_MAC=52:54:00:12:34:56
GUEST_IP=2001:db8:1::2		# the guest kernel's own address
TARGET=2001:db8:1:0:c::10	# in the prefix the guest answers
OUTSIDE=2001:db8:1::1:100	# on the link, outside that prefix
BOOT_TIMEOUT=${NDPR_VM_BOOT_TIMEOUT:-90}

# ---- the guest's kernel and initramfs ----------------------------------

# Prints the .deb of PACKAGE in VM_DIR, downloading it unless the newest
# version is there already. Offline, an older cached one does.
fetch_deb() { # package
	local pkg=$1 ver deb

	ver=$(apt-cache policy "$pkg" 2>/dev/null |
		awk '$1 == "Candidate:" { print $2 }')
	if [ -n "$ver" ] && [ "$ver" != "(none)" ]; then
		# The file name escapes an epoch's colon.
		deb=$VM_DIR/${pkg}_${ver/:/%3a}_amd64.deb
		if [ ! -f "$deb" ]; then
			(cd "$VM_DIR" && apt-get download -q \
				-o APT::Sandbox::User=root "$pkg") >&2 ||
				rm -f "$deb"
		fi
		[ -f "$deb" ] && { echo "$deb"; return 0; }
	fi
	# No archive reachable, or apt knows nothing of it: the cache.
	ls "$VM_DIR/${pkg}"_*.deb 2>/dev/null | sort -V | tail -n 1
}

# Unpacks a .deb into VM_DIR, in a directory named after it, once.
unpack_deb() { # deb
	local dir
	dir=$VM_DIR/$(basename "$1" .deb)
	if [ ! -d "$dir" ]; then
		rm -rf "$dir.tmp"
		if ! dpkg -x "$1" "$dir.tmp" || ! mv "$dir.tmp" "$dir"; then
			rm -rf "$dir.tmp"
			return 1
		fi
	fi
	echo "$dir"
}

# The newest 6.1 cloud kernel package: from apt's lists, or offline the
# newest in the cache. Old ones are dropped from the cache.
newest_kernel_deb() {
	local kpkg kdeb='' old

	kpkg=$(apt-cache search --names-only "$KERNEL_PKG_RE" 2>/dev/null |
		awk '{ print $1 }' | sort -V | tail -n 1)
	[ -n "$kpkg" ] && kdeb=$(fetch_deb "$kpkg")
	[ -n "$kdeb" ] ||
		kdeb=$(ls "$VM_DIR"/linux-image-6.1.0-*-cloud-amd64-unsigned_*.deb \
			2>/dev/null | sort -V | tail -n 1)
	[ -n "$kdeb" ] || return 1
	for old in "$VM_DIR"/linux-image-6.1.0-*-cloud-amd64-unsigned_*.deb; do
		[ "$old" = "$kdeb" ] || rm -rf "$old" "${old%.deb}"
	done
	echo "$kdeb"
}

# Sets KERNEL (the vmlinuz), KVER, KMOD_DIR and BUSYBOX_ROOT.
fetch_guest() {
	local kdeb bdeb kroot

	mkdir -p "$VM_DIR" || die "cannot create $VM_DIR"
	if [ -n "${NDPR_VM_KERNEL_DEB:-}" ]; then
		kdeb=$NDPR_VM_KERNEL_DEB
		[ -f "$kdeb" ] || die "no $kdeb"
	else
		kdeb=$(newest_kernel_deb) ||
			die "no linux-image-6.1.0-*-cloud-amd64-unsigned in apt's lists or $VM_DIR (apt-get update?)"
	fi
	bdeb=$(fetch_deb busybox-static)
	[ -n "$bdeb" ] || die "cannot download busybox-static (apt-get update?)"
	kroot=$(unpack_deb "$kdeb") || die "cannot unpack $kdeb"
	BUSYBOX_ROOT=$(unpack_deb "$bdeb") || die "cannot unpack $bdeb"
	KERNEL=$(ls "$kroot"/boot/vmlinuz-* 2>/dev/null | head -n 1)
	[ -f "$KERNEL" ] || die "no vmlinuz in $kdeb"
	KVER=${KERNEL##*/vmlinuz-}
	KMOD_DIR=$kroot/lib/modules/$KVER
	echo "guest kernel: $(basename "$kdeb")"
}

# Copies module M, after the modules it depends on, into DIR as a plain
# .ko (busybox's insmod reads no other), and appends it to MOD_ORDER: the
# order insmod must follow, as there is no modprobe to find it.
add_module() { # module, dir
	local m=$1 dir=$2 ko dep

	[[ " ${MOD_ORDER[*]} " == *" $m "* ]] && return
	ko=$(find "$KMOD_DIR/kernel" \( -name "$m.ko" -o -name "$m.ko.xz" \
		-o -name "$m.ko.zst" \) | head -n 1)
	if [ -z "$ko" ] && grep -q "/$m\.ko" "$KMOD_DIR/modules.builtin"; then
		return # built into the kernel
	fi
	case $ko in
	*.ko) cp "$ko" "$dir/$m.ko" ;;
	*.xz) xz -dc "$ko" >"$dir/$m.ko" ;;
	*.zst) zstd -qdc "$ko" >"$dir/$m.ko" ;;
	*) die "module $m not in $KMOD_DIR" ;;
	esac || die "cannot copy module $m"
	# .modinfo holds "depends=a,b" among NUL-terminated strings.
	for dep in $(tr '\0' '\n' <"$dir/$m.ko" |
		sed -n 's/^depends=//p' | head -n 1 | tr ',' ' '); do
		add_module "$dep" "$dir"
	done
	MOD_ORDER+=("$m")
}

# Writes the initramfs to INITRAMFS.
build_initramfs() {
	local root=$WORK_DIR/initramfs m

	mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,dev,proc,sys,tmp,lib/modules}
	cp "$BUSYBOX_ROOT/bin/busybox" "$root/bin/busybox" ||
		die "no bin/busybox in busybox-static"
	ln -s busybox "$root/bin/sh"
	cp "$STATIC_BIN" "$root/sbin/ndpresponder" || die "cannot copy $STATIC_BIN"
	install -m 0755 "$REPO_DIR/tests/vm/init" "$root/init" ||
		die "cannot copy tests/vm/init"
	mknod -m 0600 "$root/dev/console" c 5 1 || die "mknod failed"
	MOD_ORDER=()
	for m in $MODULES; do
		add_module "$m" "$root/lib/modules"
	done
	printf '%s\n' "${MOD_ORDER[@]}" >"$root/lib/modules/order"
	INITRAMFS=$WORK_DIR/initramfs.cpio.gz
	(cd "$root" && find . | cpio -o -H newc --quiet | gzip -1) \
		>"$INITRAMFS" || die "cannot build the initramfs"
}

# ---- one case: topology, guest, checks ----------------------------------

# The console log of the running guest, and the FIFO that types into it.
CONSOLE=
CONSOLE_IN=
QEMU_PID=

# The lines of the console between BEGIN NAME and END NAME (the last such).
console_section() { # name
	tr -d '\r' <"$CONSOLE" | awk -v n="$1" '
		$0 == "NDPR-VM: BEGIN " n { s = ""; on = 1; next }
		index($0, "NDPR-VM: END " n " ") == 1 { on = 0; out = s }
		on { s = s $0 "\n" }
		END { printf "%s", out }'
}

console_has() { # fixed string
	tr -d '\r' <"$CONSOLE" | grep -qF -- "$1"
}

# Waits for the console to show TEXT; fails early when qemu is gone.
console_wait() { # timeout, text
	local tries=$(($1 * 10))
	while ! console_has "$2"; do
		kill -0 "$QEMU_PID" 2>/dev/null || return 1
		tries=$((tries - 1))
		[ "$tries" -gt 0 ] || return 1
		sleep 0.1
	done
}

# How many reports named NAME the console shows.
reports() { # name
	tr -d '\r' <"$CONSOLE" | grep -c "^NDPR-VM: END $1 "
}

reports_above() { # name, count
	[ "$(reports "$1")" -gt "$2" ]
}

# Types a verb on the guest's console and waits for a new report NAME.
guest() { # verb, name
	local n
	n=$(reports "$2")
	echo "$1" >&3
	wait_until 30 reports_above "$2" "$n"
}

# A counter from the guest's last `stats` report.
guest_counter() { # name
	console_section stats | awk -v n="$1" '$1 == n { print $2 }'
}

vm_topology_up() { # queues
	local q=$1

	NS_ROUTER=ndpr-vmr-$RUN_ID-$CASE
	NS_HV=ndpr-vmhv-$RUN_ID-$CASE
	router_hv_up
	# More than one queue needs a multi-queue tap, made before qemu
	# opens it once per queue.
	if [ "$q" -gt 1 ]; then
		run_or_die ip -n "$NS_HV" tuntap add dev tap0 mode tap multi_queue
	else
		run_or_die ip -n "$NS_HV" tuntap add dev tap0 mode tap
	fi
	run_or_die ip -n "$NS_HV" link set tap0 master br0 up
	router_hv_link_up
}

vm_start() { # mode, queues, cpus
	local mode=$1 q=$2 cpus=$3 netdev device

	netdev=tap,id=n0,ifname=tap0,script=no,downscript=no,vhost=off
	# No iPXE ROM: Debian's qemu recommends it, the kernel boots without.
	device=virtio-net-pci,netdev=n0,mac=$GUEST_MAC,romfile=
	if [ "$q" -gt 1 ]; then
		netdev=$netdev,queues=$q
		device=$device,mq=on,vectors=$((2 * q + 2))
	fi
	CONSOLE=$WORK_DIR/$CASE.console
	CONSOLE_IN=$WORK_DIR/$CASE.in
	: >"$CONSOLE"
	mkfifo "$CONSOLE_IN" || die "mkfifo failed"
	# Read-write: opening never blocks, and qemu never sees EOF.
	exec 3<>"$CONSOLE_IN"
	bg_start "$CONSOLE" "$NS_HV" qemu-system-x86_64 \
		-accel tcg -m 256 -smp "$cpus" -nodefaults -no-reboot \
		-display none -monitor none -serial stdio \
		-kernel "$KERNEL" -initrd "$INITRAMFS" \
		-append "console=ttyS0 panic=-1 quiet ndpr.mode=$mode" \
		-netdev "$netdev" -device "$device" <"$CONSOLE_IN"
	QEMU_PID=$(bg_pid "$CONSOLE")
}

vm_stop() {
	echo off >&3
	wait_until 15 not kill -0 "$QEMU_PID" 2>/dev/null ||
		kill "$QEMU_PID" 2>/dev/null
	bg_join "$QEMU_PID"
	exec 3>&-
	ip netns del "$NS_ROUTER" 2>/dev/null
	ip netns del "$NS_HV" 2>/dev/null
}

# What the console says, for a FAIL line: its last lines.
console_tail() {
	tr -d '\r' <"$CONSOLE" | tail -n "${1:-8}" | oneline
}

solicit() { # target
	CAP=$WORK_DIR/$CASE-$1.pcap
	capture_start "$NS_ROUTER" "$ROUTER_PORT" "$CAP"
	GOT=$(ndisc "$1")
	capture_stop "$CAP"
	NA=$(captured_na "$CAP" "$1" | head -n 1)
}

na_from_target() { # target
	WHY="NA not sourced from $1; captured: ${NA:-no NA}"
	[[ $NA == *" $1 > "* ]]
}

answered_by() { # mac
	WHY="ndisc6 printed '${GOT:-no answer}', expected $1"
	[ "${GOT,,}" = "${1,,}" ]
}

unanswered() {
	WHY="ndisc6 got an answer: $GOT"
	[ -z "$GOT" ]
}

counter_at_least() { # name, min
	local v
	v=$(guest_counter "$1")
	WHY="guest's stats: $1 is '${v:-missing}', expected $2 or more"
	[ -n "$v" ] && [ "$v" -ge "$2" ]
}

# The guest's rx queue counts before and after attach.
console_queues() {
	tr -d '\r' <"$CONSOLE" |
		sed -n 's/^NDPR-VM: eth0 .*[ ,]\([0-9][0-9]*\) rx queues.*/\1/p'
}

xdp_queues_added() {
	local counts
	mapfile -t counts < <(console_queues)
	[ "${#counts[@]}" = 2 ] && [ "${counts[1]}" -gt "${counts[0]}" ]
}

status_mode() { # mode
	console_section status | grep -q "$1 mode"
}

no_xdp_left() {
	! console_section link | grep -q "prog/xdp"
}

run_case() { # case, mode, queues, cpus
	local mode=$2 q=$3 cpus=$4 line t0 xdp

	CASE=$1
	echo "== $CASE: --mode $mode, $q queue pair(s), $cpus cpu(s)"
	vm_topology_up "$q"
	t0=$SECONDS
	vm_start "$mode" "$q" "$cpus"
	if ! console_wait "$BOOT_TIMEOUT" "NDPR-VM: READY"; then
		fail "$CASE: guest ready" \
			"no READY within ${BOOT_TIMEOUT}s; console: $(console_tail 12)"
		vm_stop
		return
	fi
	echo "booted and attached in $((SECONDS - t0))s"
	line=$(tr -d '\r' <"$CONSOLE" | grep -m 1 "^NDPR-VM: kernel ")
	WHY="guest runs '${line#NDPR-VM: kernel }', not $KVER"
	check "$CASE: guest runs $KVER" test "${line#NDPR-VM: kernel }" = "$KVER"
	tr -d '\r' <"$CONSOLE" | grep -m 1 "^NDPR-VM: eth0 "

	line=$(tr -d '\r' <"$CONSOLE" | grep -m 1 -E "^NDPR-VM: ATTACH(ED|-FAILED) ")
	echo "guest: ${line#NDPR-VM: }"
	WHY="${line:-no attach line}"
	if ! check "$CASE: $KVER's verifier accepts the object (attach --mode $mode)" \
		test "${line#NDPR-VM: ATTACHED}" != "$line"; then
		echo "---- the guest's verifier log (ndpresponder -v attach):"
		console_section verifier | sed -n '/BEGIN PROG LOAD LOG/,$p'
		echo "----"
		vm_stop
		return
	fi
	tr -d '\r' <"$CONSOLE" | grep -m 1 "^NDPR-VM: eth0 attached"
	console_section status
	WHY="status: $(console_section status | oneline)"
	check "$CASE: status shows $mode mode" status_mode "$mode"

	# virtio_net wants a TX queue per CPU for XDP_TX beyond those of the
	# stack (one per CPU); short of them, it warns and shares them.
	xdp=$(console_section dmesg-xdp)
	[ -n "$xdp" ] && echo "guest dmesg: $xdp"
	if [ "$mode" = native ] && [ "$q" -ge $((2 * cpus)) ]; then
		WHY="rx queues before and after attach: $(console_queues | oneline); $xdp"
		check "$CASE: XDP_TX has queues of its own" xdp_queues_added
	elif [ "$mode" = native ]; then
		WHY="no 'locked tx mode' in the guest's dmesg: ${xdp:-nothing}"
		check "$CASE: XDP_TX shares the stack's TX queues, locked" \
			grep -q "locked tx mode" <<<"$xdp"
	fi

	solicit "$TARGET"
	check "$CASE: $TARGET answered with the guest's MAC" \
		answered_by "$GUEST_MAC"
	check "$CASE: the NA for $TARGET comes from $TARGET" \
		na_from_target "$TARGET"
	solicit "$OUTSIDE"
	check "$CASE: $OUTSIDE (outside the prefix) not answered" unanswered
	solicit "$GUEST_IP"
	check "$CASE: the guest kernel answers for its own $GUEST_IP" \
		answered_by "$GUEST_MAC"
	WHY="no answer"
	check "$CASE: the guest answers ping on $GUEST_IP" \
		ping_from "$NS_ROUTER" "$ROUTER_IP" "$GUEST_IP"

	WHY="no stats report from the guest: $(console_tail)"
	if check "$CASE: guest reports its counters" guest stats stats; then
		console_section stats | grep -E "^(received|answered|passed-no-match) "
		check "$CASE: guest counted the answer" \
			counter_at_least answered 1
		check "$CASE: guest passed the other two solicitations" \
			counter_at_least passed-no-match 2
	fi
	WHY="no detach report: $(console_tail)"
	if check "$CASE: detach reports" guest detach link; then
		WHY="detach: $(console_section detach | oneline)"
		check "$CASE: detach succeeds" \
			console_has "NDPR-VM: END detach rc=0"
		WHY="$(console_section link | oneline)"
		check "$CASE: no XDP program left on eth0" no_xdp_left
	fi
	[ "$CASE" = native-1q ] && veth_fallback
	vm_stop
	echo "$CASE took $((SECONDS - t0))s"
}

# A guest report NAME ended with exit status RC and its output says SAYS.
guest_said() { # name, rc, says
	local out
	out=$(console_section "$1")
	WHY="$1: $(echo "$out" | oneline)"
	console_has "NDPR-VM: END $1 rc=$2" && [[ $out == *"$3"* ]]
}

# A veth in the guest: its tags arrive as metadata, which 6.1 cannot hand
# to XDP, so native mode would answer onto the wrong VLAN (README: Kernel
# support). Native is refused, auto takes generic.
veth_fallback() {
	WHY="no veth reports: $(console_tail)"
	check "$CASE: veth: the guest reports" guest veth veth-detach || return
	check "$CASE: veth: native mode refused, saying why" \
		guest_said veth-native 1 \
		"native mode would answer VLAN-tagged solicitations untagged"
	check "$CASE: veth: auto mode takes generic mode, saying why" \
		guest_said veth-auto 0 "using generic mode, which keeps VLAN tags"
	check "$CASE: veth: status shows generic mode" \
		guest_said veth-status 0 "vx0: attached, generic mode,"
	check "$CASE: veth: status shows vlan tags skb" \
		guest_said veth-status 0 "vlan tags skb"
	check "$CASE: veth: detach succeeds" guest_said veth-detach 0 detached
}

# ---- main ---------------------------------------------------------------

setup_private_mounts "$@"
require ip nsenter ndisc6 tcpdump ping timeout sysctl awk sed qemu-system-x86_64 \
	apt-get apt-cache dpkg cpio gzip mkfifo
[ -x "$STATIC_BIN" ] || die "$STATIC_BIN not built (run make static)"
[ -c /dev/net/tun ] || die "no /dev/net/tun"
fetch_guest
build_initramfs

for c in ${NDPR_VM_CASES:-native-1q native-2q generic}; do
	case $c in
	native-1q) run_case native-1q native 1 1 ;;
	native-2q) run_case native-2q native 2 1 ;;
	generic) run_case generic generic 1 1 ;;
	*) fail "$c" "unknown case (native-1q, native-2q, generic)" ;;
	esac
done
finish
