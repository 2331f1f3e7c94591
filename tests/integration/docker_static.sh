#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# docker.sh against the static binary of `make static`: one file with
# every feature passes the same Docker tests as the dynamic build.
export NDPR_IT_DOCKER_BIN=static
exec bash "$(dirname "$0")/docker.sh" "$@"
