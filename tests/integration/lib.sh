# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# Shared by the integration tests, which source it; its parts, in lib/:
#
#   report.sh   PASS/FAIL lines, check, die, finish, require, require_built
#   proc.sh     background processes, wait_until
#   netns.sh    the private mount namespace, network namespaces, the
#               story's topology (router, hypervisor, host, container)
#   capture.sh  tcpdump captures of Neighbor Discovery and their readers
#   send.sh     what the router sends: ndisc6, ndpr-test-tool's floods
#   ndpr.sh     driving ndpresponder and reading the state it leaves
#
# Each script calls, in this order: setup_private_mounts "$@", require ...,
# require_built, topology_up (suite_up does all four); then checks with
# pass/fail/check; and ends with finish. topology.sh tests the topology
# itself: when the other scripts fail, it tells whether the test bed is
# to blame. NDPR_IT_KEEP=1 keeps the work directory with the captures.

set -u

IT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_DIR=$(cd "$IT_DIR/../.." && pwd)
OUT_DIR=${OUTPUT:-build}
case $OUT_DIR in /*) ;; *) OUT_DIR=$REPO_DIR/$OUT_DIR ;; esac
NDPR_BIN=$OUT_DIR/ndpresponder
XDP_PASS_OBJ=$OUT_DIR/tests/xdp_pass.bpf.o
TEST_TOOL=$OUT_DIR/tests/ndpr-test-tool
TEST_NAME=$(basename "$0" .sh)
WORK_DIR=

for part in report proc netns capture send ndpr; do
	. "$IT_DIR/lib/$part.sh"
done
unset part

# The usual start of a suite on the story's topology (for a suite that
# takes no arguments of its own).
suite_up() { # tool...
	setup_private_mounts
	require "$@"
	require_built
	topology_up
}
