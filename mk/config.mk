# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# Tools, flags and the source lists of each layer.

VERSION   ?= 0.1.0
OUTPUT    ?= build
CLANG     ?= clang
CC        ?= gcc
BPFTOOL   ?= bpftool
PKG_CONFIG ?= pkg-config

ARCH := $(shell uname -m | sed -e 's/x86_64/x86/' -e 's/aarch64/arm64/' \
	-e 's/ppc64le/powerpc/' -e 's/riscv64/riscv/' -e 's/s390x/s390/')
VMLINUX_DIR := vmlinux/$(ARCH)

LIBS_PKG := libbpf libelf zlib json-c libnl-route-3.0 libnl-genl-3.0 libcap-ng \
	libmicrohttpd libnftables libsystemd
# Docker mode's HTTP parser: Debian's libhttp-parser-dev (nodejs'
# http-parser 2.9) has no pkg-config file; it ships a static library.
HTTP_PARSER_LIBS := -lhttp_parser
LIBS_CFLAGS := $(shell $(PKG_CONFIG) --cflags $(LIBS_PKG) 2>/dev/null)
LIBS_LDLIBS := $(shell $(PKG_CONFIG) --libs $(LIBS_PKG) 2>/dev/null) \
	$(HTTP_PARSER_LIBS)

CFLAGS ?= -O2 -g
WARN := -Wall -Wextra -Werror -Wno-unused-parameter -Wshadow \
	-Wmissing-prototypes -Wstrict-prototypes
# PIECE_DEFS: a benchmark's build with one piece taken out (mk/bench.mk,
# bpf/pieces.h); empty for everything shipped or tested.
PIECE_DEFS ?=
ALL_CFLAGS := $(CFLAGS) $(WARN) -std=gnu11 -D_GNU_SOURCE \
	-DNDPR_VERSION='"$(VERSION)"' -Iinclude $(LIBS_CFLAGS) $(PIECE_DEFS)
BPF_CFLAGS := -g -O2 -target bpf -D__TARGET_ARCH_$(ARCH) -Wall -Werror \
	-I$(VMLINUX_DIR) -Iinclude -Ibpf $(PIECE_DEFS)

ifeq ($(V),1)
Q :=
msg :=
else
Q := @
msg = @printf '  %-8s %s\n' "$(1)" "$(2)";
endif

# What each layer may include (see the Makefile's head).
OS_INC      := -Ios
LIB_INC     := -Ilib -Ios -I$(OUTPUT)
SERVICE_INC := -Iservice -Ilib -Ios
CLI_INC     := -Icli -Iservice -Ilib -Ios -I$(OUTPUT)

BPF_SRCS := bpf/ndpresponder.bpf.c
BPF_HDRS := $(wildcard bpf/*.h) include/ndpresponder.h
SKEL := $(OUTPUT)/ndpresponder.skel.h
VLAN_SKEL := $(OUTPUT)/ndpresponder_vlan.skel.h

OS_HDRS      := $(wildcard os/*.h) include/ndpresponder.h
LIB_HDRS     := $(wildcard lib/*.h)
SERVICE_HDRS := $(wildcard service/*.h)
CLI_HDRS     := $(wildcard cli/*.h)

obj = $(patsubst %.c,$(OUTPUT)/obj/%.o,$(1))
# Docker mode: docker.c and its parts (the HTTP client, the JSON decoder),
# or docker_none.c alone in a build without it (make NO_DOCKER=1).
DOCKER_SRCS     := service/docker.c service/docker_http.c service/docker_json.c \
		   service/docker_table.c
DOCKER_OBJS     := $(call obj,$(DOCKER_SRCS))
DOCKER_NONE_OBJ := $(call obj,service/docker_none.c)
ifeq ($(NO_DOCKER),1)
DOCKER_OBJ      := $(DOCKER_NONE_OBJ)
else
DOCKER_OBJ      := $(DOCKER_OBJS)
endif
# So is the metrics endpoint: metrics_http.c (libmicrohttpd) or metrics_none.c.
METRICS_OBJ      := $(call obj,service/metrics_http.c)
METRICS_NONE_OBJ := $(call obj,service/metrics_none.c)
CLI_MAIN_OBJ    := $(call obj,cli/main.c)
COMMIT_H        := $(OUTPUT)/commit.h
# Reading the firewall needs libnftables, which has no static form:
# os/nft.c in the dynamic build, os/nft_none.c in the static one.
NFT_OBJ      := $(call obj,os/nft.c)
NFT_NONE_OBJ := $(call obj,os/nft_none.c)
# sd_notify: libsystemd's (os/notify.c) in the dynamic build; Debian has
# no static libsystemd, so the static one speaks the protocol itself.
NOTIFY_OBJ       := $(call obj,os/notify.c)
NOTIFY_PROTO_OBJ := $(call obj,os/notify_proto.c)
# Everything but main(), Docker mode and the endpoint: what the tests link.
PRODUCT_OBJS := $(call obj,$(filter-out os/nft_none.c os/notify_proto.c,$(wildcard os/*.c)) \
	$(wildcard lib/*.c) \
	$(filter-out $(DOCKER_SRCS) service/docker_none.c \
		service/metrics_http.c service/metrics_none.c,$(wildcard service/*.c)) \
	$(filter-out cli/main.c,$(wildcard cli/*.c)))
