#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# What SIGHUP changes in place, from the option lines of run's -c file:
# the --route-check default of the given prefixes (a target the host
# routes back out of the uplink stops or starts being answered, as the
# router's kernel sees it through ndisc6; an address answered either way
# misses no solicitation while the default flips under a flood), and
# what it cannot: an option of the program's read-only configuration is
# named in one line and left as it was, in the kernel's copy too. A bad
# option line changes nothing.

. "$(dirname "$0")/lib.sh"

suite_up ip nsenter ndisc6 jq sysctl awk sed grep

NOT_ROUTED=2001:db8:1::300 # in the /64, routed back out of the uplink
CONF=$WORK_DIR/uplink.conf
LOG=$WORK_DIR/run.log

# The responder's options as the kernel holds them (status reads .rodata).
live() { # field
	ndpr status --json | jq -r ".[] | select(.interface == \"$UPLINK\") | .$1"
}

fwd=$(in_ns "$NS_HOST" sysctl -n "net.ipv6.conf.$UPLINK.forwarding")
WHY="net.ipv6.conf.$UPLINK.forwarding = $fwd"
check "forwarding on for $UPLINK in the host" test "$fwd" = 1

# --- the route-check default, in place -------------------------------------

printf '%s\n' "# the unit's options" "option --route-check" >"$CONF"
start_service route "$LOG" run -i "$UPLINK" -n "$PREFIX64" -c "$CONF"
check "route-checked: $PREFIX64 listed as route" listed_as "$PREFIX64" route
check "route-checked: $CT_IP (routed out of ct0) answered" \
	ndisc_answers "$CT_IP" "$HOST_MAC"
before=$(counter passed-route-uplink)
check "route-checked: $NOT_ROUTED not answered" ndisc_unanswered "$NOT_ROUTED"
check "route-checked: counted as passed-route-uplink" \
	counter_rose passed-route-uplink "$before" 1

# What a writer leaves between truncating the file and writing it would
# turn the route check off: refused, nothing changed.
: >"$CONF"
check "reload: an empty file is refused: it would change the options" \
	reload_says "$LOG" "reload: '.*uplink.conf' has no entries and no option lines, and would change the options; run --force applies such a file; keeping the prefixes as they are, and the options$"
check "reload: the route check stays" listed_as "$PREFIX64" route

printf '%s\n' "# the unit's options: the default log rate" \
	"option --log-rate 100" >"$CONF"
check "reload: the default goes off, in place" \
	reload_says "$LOG" "reload: --route-check off, was route: the given prefixes changed in place"
check "reload: the entry changed, not removed and added" \
	log_has "$LOG" "reload: prefixes 0 added, 1 changed, 0 removed, 0 kept"
check "reload: $PREFIX64 listed with no route check" listed_as "$PREFIX64" off
check "reload: $NOT_ROUTED answered now (the router's kernel learns it)" \
	ndisc_answers "$NOT_ROUTED" "$HOST_MAC"

printf '%s\n' "option --route-check=neigh" >"$CONF"
check "reload: the default goes to neigh" \
	reload_says "$LOG" "reload: --route-check neigh, was off"
check "reload: $PREFIX64 listed as neigh" listed_as "$PREFIX64" neigh
before=$(counter passed-route-uplink)
check "reload: $NOT_ROUTED no longer answered" ndisc_unanswered "$NOT_ROUTED"
check "reload: counted as passed-route-uplink again" \
	counter_rose passed-route-uplink "$before" 1

# The default flipped under a flood for an address answered either way
# (routed out of ct0, with a neighbour entry there): none goes unanswered.
in_ns "$NS_HOST" ping -c 1 -W 1 "$CT_IP" >/dev/null ||
	die "the host cannot ping $CT_IP"
printf '%s\n' "option --route-check=neigh" >"$WORK_DIR/A"
printf '%s\n' "option --log-rate 100" >"$WORK_DIR/B"
N=4000
answered0=$(counter answered)
passed0=$(($(counter passed-route-uplink) + $(counter passed-route-no-neigh)))
flood_start "$WORK_DIR/flip.flood" 1 "$N" 2000 "$CT_IP"
hups=0
end=$((SECONDS + 2))
while [ "$SECONDS" -lt "$end" ]; do
	cat "$WORK_DIR/B" >"$CONF"
	kill -HUP "$RUN_PID"
	sleep 0.05
	cat "$WORK_DIR/A" >"$CONF"
	kill -HUP "$RUN_PID"
	sleep 0.05
	hups=$((hups + 2))
done
check "flip: $N solicitations for $CT_IP sent" flood_wait "$WORK_DIR/flip.flood"
a=$(($(counter answered) - answered0))
p=$(($(counter passed-route-uplink) + $(counter passed-route-no-neigh) - passed0))
WHY="answered rose by $a, passed by a route check by $p, for $N solicitations"
check "flip: $hups reloads, every solicitation answered" \
	test "$a" = "$N" -a "$p" = 0
n=$(grep -c "the given prefixes changed in place" "$LOG")
WHY="$n lines of a changed default in the log"
check "flip: the default did change (several times)" test "$n" -ge 4

# --- what needs a restart: named, and kept ---------------------------------

printf '%s\n' "option --route-check=neigh" "option --override never" \
	"option --no-dad" "option --mac 02:00:00:00:02:99" >"$CONF"
check "restart: --override named, kept multicast" \
	reload_says "$LOG" "warn .*reload: --override needs a restart \(the program's read-only configuration.*\), kept multicast$"
check "restart: --no-dad named, kept --dad" \
	log_has "$LOG" "reload: --no-dad needs a restart .*, kept --dad$"
check "restart: --mac named, kept the interface's" \
	log_has "$LOG" "reload: --mac needs a restart .*, kept the interface's$"
check_is "restart: the program's override unchanged" "$(live override)" \
	multicast
check_is "restart: the program still answers DAD" "$(live dad)" true
check "restart: answers still from the interface's MAC" \
	ndisc_answers "$CT_IP" "$HOST_MAC"
printf '%s\n' "option --route-check=neigh" "option --mode generic" \
	"option --max-prefixes 64" >"$CONF"
check "restart: --mode needs a detach" \
	reload_says "$LOG" "reload: --mode needs a detach and a restart .*, kept auto$"
check "restart: --max-prefixes needs a detach" \
	log_has "$LOG" "reload: --max-prefixes needs a detach and a restart .*, kept the default$"
n=$(grep -c "reload: -i \|reload: -N \|--route-check needs" "$LOG")
WHY="$n lines about options that did not change"
check "restart: nothing said of what did not change" test "$n" = 0

# --- --pin-gateway, in place -----------------------------------------------

# The topology made the host's entry of its router permanent: it must
# resolve it now, for the pin to be taken.
ip -n "$NS_HOST" -6 neigh del "$ROUTER_IP" dev "$UPLINK" ||
	die "cannot delete the host's entry of $ROUTER_IP"
printf '%s\n' "option --route-check=neigh" "option --pin-gateway" >"$CONF"
check "pin-gateway: turned on by a reload" \
	reload_says "$LOG" "reload: --pin-gateway$"
check "pin-gateway: within 5 s the host's entry of $ROUTER_IP is NOARP" \
	wait_until 5 gw_pinned
check "pin-gateway: the log says pinned" \
	log_has "$LOG" "pinned gateway $ROUTER_IP at $ROUTER_MAC \(NOARP\)"
printf '%s\n' "option --route-check=neigh" >"$CONF"
check "pin-gateway: turned off by a reload" \
	reload_says "$LOG" "reload: --no-pin-gateway$"
check "pin-gateway: the pin undone, the MAC kept" gw_unpinned
check "pin-gateway: the log says unpinned" \
	log_has "$LOG" "unpinned gateway $ROUTER_IP \(NOARP undone\)"

# --- a bad option line changes nothing -------------------------------------

printf '%s\n' "option --override sometimes" >"$CONF"
check "bad option line: the reload is refused" \
	reload_says "$LOG" "reload: the option lines are refused; keeping the prefixes as they are, and the options$"
check "bad option line: names the option" \
	log_has "$LOG" "--override: 'sometimes' is not one of"
check "bad option line: the default stays neigh" listed_as "$PREFIX64" neigh
rm "$CONF" && mkfifo "$CONF" || die "cannot make $CONF a FIFO"
check "a FIFO: refused by the prefix reader, named, at once" \
	reload_says "$LOG" "uplink.conf' is a FIFO: a prefix file must be a regular file; keeping the prefixes as they are"
check "a FIFO: the default stays neigh" listed_as "$PREFIX64" neigh
check "bad option line: run serves on" proc_alive "$RUN_PID"
bg_stop "$RUN_PID" TERM 10

# --- a restart onto an emptied file ----------------------------------------

# The same hazard at a restart (a crash, an upgrade): the run that adopts
# the responder must not turn the route check off either.
rm "$CONF" # the FIFO
printf '%s\n' "option --route-check" >"$CONF"
start_service keep "$LOG" run -i "$UPLINK" -n "$PREFIX64" -c "$CONF" --keep
bg_stop "$RUN_PID" TERM 10
: >"$CONF"
LOG2=$WORK_DIR/run-empty.log
ndpr_bg "$LOG2" run -i "$UPLINK" -n "$PREFIX64" -c "$CONF"
bg_wait "$(bg_pid "$LOG2")" 10
rc=$?
WHY="exit $(bg_status "$rc" 10); log: $(oneline <"$LOG2")"
check "restart onto an emptied file: exits 1, with the reason" eval \
	'[ "$rc" = 1 ] && grep -q "has no entries and no option lines, and would change 1 entry of the responder; run --force applies such a file" "$LOG2"'
check "restart onto an emptied file: the responder stays, route-checked" \
	listed_as "$PREFIX64" route
check "restart onto an emptied file: $NOT_ROUTED still not answered" \
	ndisc_unanswered "$NOT_ROUTED"
start_service force "$LOG2" run -i "$UPLINK" -n "$PREFIX64" -c "$CONF" --force
check "restart onto an emptied file, --force: applied" listed_as "$PREFIX64" off
bg_stop "$RUN_PID" TERM 10
finish
