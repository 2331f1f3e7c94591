# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# make static: $(OUTPUT)/static/ndpresponder, linked statically from the
# same objects as the dynamic build, with the BPF object embedded
# (skeleton), to copy onto a host that has nothing installed. It has
# Docker mode (http-parser and json-c link statically). There is no
# static libmicrohttpd: metrics_none.o refuses --metrics-listen. Nor a
# static libnftables: nft_none.o, and doctor says the firewall went
# unchecked. Nor a static libsystemd: notify_proto.o sends sd_notify's
# datagrams itself.
# Stripped; `make static STATIC_LDFLAGS=` keeps the symbols.
STATIC_DIR := $(OUTPUT)/static
STATIC_LDFLAGS ?= -s
STATIC_PKG := $(filter-out libmicrohttpd libnftables libsystemd,$(LIBS_PKG))
STATIC_LDLIBS := $(shell $(PKG_CONFIG) --static --libs $(STATIC_PKG) \
	2>/dev/null) $(HTTP_PARSER_LIBS) -lpthread -lm

.PHONY: static vm-test
static: check-deps $(STATIC_DIR)/ndpresponder

# glibc's linker warnings about getaddrinfo, getpwuid and friends concern
# library code that ndpresponder never calls (libnl's and libcap-ng's).
$(STATIC_DIR)/ndpresponder: $(CLI_MAIN_OBJ) \
		$(filter-out $(NFT_OBJ) $(NOTIFY_OBJ),$(PRODUCT_OBJS)) \
		$(NFT_NONE_OBJ) $(NOTIFY_PROTO_OBJ) \
		$(DOCKER_OBJ) $(METRICS_NONE_OBJ)
	$(call msg,LINK,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(LDFLAGS) $(STATIC_LDFLAGS) -static -o $@ $^ $(STATIC_LDLIBS)

# The VM test (tests/vm/run.sh, which `make test` runs too): the static binary in Debian 12's 6.1 kernel
# under qemu. `make vm-test` runs it alone.
vm-test: static
	$(Q)OUTPUT=$(OUTPUT) tests/vm/run.sh
