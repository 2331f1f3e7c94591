#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# The DaemonSet (packaging/kubernetes/), without a cluster: every object
# validates against the Kubernetes API's schema (kubernetes-models, from
# npm, pinned, installed into the build directory); a broken copy does
# not (the validator can fail); the pod is what a gap-free fleet needs
# (host network, the capabilities, the host's bpffs, --keep, one node at
# a time, a readiness probe), its prefixes come from the ConfigMap, the
# mounted file is the one run reads, and ndpresponder takes its entries.
# Needs no network namespace.

. "$(dirname "$0")/lib.sh"

setup_private_mounts "$@"
require node npm sed grep
require_built ndpresponder

MANIFEST=$REPO_DIR/packaging/kubernetes/ndpresponder.yaml
VALIDATE=$REPO_DIR/tests/packaging/validate_k8s.js
NPM_DIR=$OUT_DIR/npm # kept between runs: the packages are pinned
NPM_PKGS="kubernetes-models@5.1.0 js-yaml@4.1.0"
MODULES=$NPM_DIR/node_modules

if [ ! -f "$MODULES/kubernetes-models/package.json" ] ||
	[ ! -f "$MODULES/js-yaml/package.json" ]; then
	# shellcheck disable=SC2086
	npm install --prefix "$NPM_DIR" --no-save --no-audit --no-fund \
		--loglevel=error $NPM_PKGS >"$WORK_DIR/npm.log" 2>&1 ||
		die "npm install $NPM_PKGS failed: $(tail -n 3 "$WORK_DIR/npm.log" | oneline)"
fi

validate() { # file
	OUT=$(node "$VALIDATE" "$MODULES" "$1" 2>&1)
}

# The value at PATH of the manifest's first KIND.
get() { # kind, path
	node "$VALIDATE" "$MODULES" --get "$1" "$2" "$MANIFEST"
}

has() { # kind, path, expected
	is "$1 $2" "$(get "$1" "$2")" "$3"
}

# ---- the schema ------------------------------------------------------------

validate "$MANIFEST"
rc=$?
WHY="exit $rc: $(oneline <<<"$OUT")"
check "every object of the manifest validates against the API schema ($(oneline <<<"$OUT"))" \
	test "$rc" = 0 -a "$(grep -c '^ok ' <<<"$OUT")" = 3

broken() { # name, sed expression
	local f=$WORK_DIR/broken.yaml
	sed "$2" "$MANIFEST" >"$f"
	WHY="the manifest is unchanged by $2"
	cmp -s "$f" "$MANIFEST" && return 1
	validate "$f"
	WHY="validated: $(oneline <<<"$OUT")"
	grep -q "^invalid DaemonSet" <<<"$OUT"
}
check "a container without a name is refused (the validator can fail)" \
	broken name 's/- name: ndpresponder$/- stdin: true/'
check "capabilities.add as a string is refused" \
	broken caps 's/add: \["BPF", "PERFMON", "NET_ADMIN", "NET_RAW"\]/add: BPF/'
check "a probe period that is not a number is refused" \
	broken period 's/periodSeconds: 10/periodSeconds: often/'

# ---- what the pod needs ----------------------------------------------------

POD=spec/template/spec
C=$POD/containers/0
check "host network" has DaemonSet "$POD/hostNetwork" true
check "the capabilities: all dropped, CAP_BPF, CAP_PERFMON, CAP_NET_ADMIN, CAP_NET_RAW added" \
	has DaemonSet "$C/securityContext/capabilities" \
	'{"drop":["ALL"],"add":["BPF","PERFMON","NET_ADMIN","NET_RAW"]}'
check "the host's bpffs on /sys/fs/bpf" \
	has DaemonSet "$POD/volumes/0/hostPath/path" /sys/fs/bpf
check "... mounted there" has DaemonSet "$C/volumeMounts/0" \
	'{"name":"bpffs","mountPath":"/sys/fs/bpf"}'
check "one node at a time, the old pod gone first" \
	has DaemonSet spec/updateStrategy \
	'{"type":"RollingUpdate","rollingUpdate":{"maxUnavailable":1,"maxSurge":0}}'
args=$(get DaemonSet "$C/args")
WHY="args: $args"
check "run keeps the responder on exit (--keep): the next pod adopts it" \
	grep -q '"--keep"' <<<"$args"
WHY="args: $args"
check "run reads the ConfigMap's file" \
	grep -qF '"-c","/etc/ndpresponder/prefixes.conf"' <<<"$args"
check "the ConfigMap is mounted on /etc/ndpresponder" \
	has DaemonSet "$C/volumeMounts/1/mountPath" /etc/ndpresponder
check "... the ConfigMap of the manifest" \
	has DaemonSet "$POD/volumes/1/configMap/name" "$(get ConfigMap metadata/name)"
WHY="no readiness probe"
check "a readiness probe: stats of the uplink (fails until attached)" \
	has DaemonSet "$C/readinessProbe/exec/command" \
	'["/usr/sbin/ndpresponder","stats","eth0"]'
WHY="no resources"
check "resources are set" test -n "$(get DaemonSet "$C/resources/limits/memory")"

# The ConfigMap's prefixes: route-checked (each node answers only what it
# routes), and entries ndpresponder takes: `prefix sync` reads the whole
# file before it looks for the responder.
CONF=$WORK_DIR/prefixes.conf
get ConfigMap data/prefixes.conf >"$CONF"
WHY="$(oneline <"$CONF")"
check "the ConfigMap's prefixes are route-checked" \
	grep -Eq '^[0-9a-f:]+/[0-9]+ route-check$' "$CONF"
mkdir -p "$WORK_DIR/no-pins"
err=$(NDPRESPONDER_PIN_ROOT=$WORK_DIR/no-pins "$NDPR_BIN" prefix sync \
	ndpr-none "$CONF" 2>&1)
WHY="refused: $err"
check "ndpresponder takes the ConfigMap's entries" \
	bash -c '! grep -qF "$1" <<<"$2" && grep -q "not attached" <<<"$2"' _ "$CONF" "$err"

finish
