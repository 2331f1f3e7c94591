# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# Builds the XDP object, its skeleton and the ndpresponder CLI into build/.
# `make V=1` shows the commands.

VERSION   ?= 0.1.0
OUTPUT    ?= build
CLANG     ?= clang
CC        ?= gcc
BPFTOOL   ?= bpftool
PKG_CONFIG ?= pkg-config

ARCH := $(shell uname -m | sed -e 's/x86_64/x86/' -e 's/aarch64/arm64/' \
	-e 's/ppc64le/powerpc/' -e 's/riscv64/riscv/' -e 's/s390x/s390/')
VMLINUX_DIR := vmlinux/$(ARCH)

LIBS_PKG := libbpf libelf zlib json-c libnl-route-3.0 libcap-ng libcurl
LIBS_CFLAGS := $(shell $(PKG_CONFIG) --cflags $(LIBS_PKG) 2>/dev/null)
LIBS_LDLIBS := $(shell $(PKG_CONFIG) --libs $(LIBS_PKG) 2>/dev/null)

CFLAGS ?= -O2 -g
WARN := -Wall -Wextra -Werror -Wno-unused-parameter -Wshadow \
	-Wmissing-prototypes -Wstrict-prototypes
ALL_CFLAGS := $(CFLAGS) $(WARN) -std=gnu11 -D_GNU_SOURCE \
	-DNDPR_VERSION='"$(VERSION)"' -Iinclude -Iuser -I$(OUTPUT) $(LIBS_CFLAGS)
BPF_CFLAGS := -g -O2 -target bpf -D__TARGET_ARCH_$(ARCH) -Wall -Werror \
	-I$(VMLINUX_DIR) -Iinclude -Ibpf

ifeq ($(V),1)
Q :=
msg :=
else
Q := @
msg = @printf '  %-8s %s\n' "$(1)" "$(2)";
endif

BPF_SRCS := bpf/ndpresponder.bpf.c
BPF_HDRS := $(wildcard bpf/*.h) include/ndpresponder.h
USER_SRCS := $(filter-out user/main.c,$(wildcard user/*.c))
USER_HDRS := $(wildcard user/*.h) include/ndpresponder.h
USER_OBJS := $(patsubst user/%.c,$(OUTPUT)/user/%.o,$(USER_SRCS))
SKEL := $(OUTPUT)/ndpresponder.skel.h
TEST_BPF := $(patsubst tests/bpf/%.c,$(OUTPUT)/tests/%.o,$(wildcard tests/bpf/*.bpf.c))
UNIT_TESTS := $(patsubst tests/unit/%.c,$(OUTPUT)/tests/%,$(wildcard tests/unit/test_*.c))

.DELETE_ON_ERROR:
.PHONY: all clean test unit integration check-deps vmlinux install

all: check-deps $(OUTPUT)/ndpresponder $(UNIT_TESTS) $(TEST_BPF)

check-deps:
	@for t in $(CLANG) $(BPFTOOL) $(PKG_CONFIG); do \
		command -v $$t >/dev/null || { echo "missing tool: $$t (see README: set-up)"; exit 1; }; done
	@$(PKG_CONFIG) --exists $(LIBS_PKG) || { echo "missing libraries: $(LIBS_PKG) (see README: set-up)"; exit 1; }

$(OUTPUT) $(OUTPUT)/user $(OUTPUT)/tests:
	$(Q)mkdir -p $@

# The object is linked through bpftool to strip DWARF but keep BTF.
$(OUTPUT)/ndpresponder.bpf.o: $(BPF_SRCS) $(BPF_HDRS) | $(OUTPUT)
	$(call msg,BPF,$@)
	$(Q)$(CLANG) $(BPF_CFLAGS) -c $< -o $@.tmp.o
	$(Q)$(BPFTOOL) gen object $@ $@.tmp.o
	$(Q)rm -f $@.tmp.o

$(SKEL): $(OUTPUT)/ndpresponder.bpf.o
	$(call msg,SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $< name ndpresponder_bpf > $@

$(OUTPUT)/user/%.o: user/%.c $(USER_HDRS) $(SKEL) | $(OUTPUT)/user
	$(call msg,CC,$@)
	$(Q)$(CC) $(ALL_CFLAGS) -c $< -o $@

$(OUTPUT)/ndpresponder: $(OUTPUT)/user/main.o $(USER_OBJS)
	$(call msg,LINK,$@)
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(LIBS_LDLIBS)

$(OUTPUT)/tests/%.bpf.o: tests/bpf/%.bpf.c | $(OUTPUT)/tests
	$(call msg,BPF,$@)
	$(Q)$(CLANG) $(BPF_CFLAGS) -c $< -o $@

$(OUTPUT)/tests/test_%: tests/unit/test_%.c tests/unit/*.h $(USER_OBJS) $(SKEL) | $(OUTPUT)/tests
	$(call msg,CC,$@)
	$(Q)$(CC) $(ALL_CFLAGS) -Itests/unit -o $@ $< $(filter-out $(OUTPUT)/user/main.o,$(USER_OBJS)) $(LIBS_LDLIBS)

# The README's test command: unit tests, then integration tests over veth
# in network namespaces. Needs root.
test: all
	$(Q)tests/run.sh

unit: all
	$(Q)tests/run.sh unit

integration: all
	$(Q)tests/run.sh integration

# Regenerates the kernel type header from the running kernel's BTF.
vmlinux:
	$(Q)mkdir -p $(VMLINUX_DIR)
	$(Q)$(BPFTOOL) btf dump file /sys/kernel/btf/vmlinux format c > $(VMLINUX_DIR)/vmlinux.h

clean:
	$(Q)rm -rf $(OUTPUT)

# ---- make bench: a benchmark, not a test (it reports, it asserts nothing).
# Needs root; writes $(OUTPUT)/bench/results.json and the plot, and copies
# the plot to docs/bench.svg for the README.
BENCH_DIR := $(OUTPUT)/bench
BENCH_BPF := $(BENCH_DIR)/bench.bpf.o
BENCH_SKEL := $(BENCH_DIR)/bench.skel.h
BENCH_BINS := $(BENCH_DIR)/bench_prog $(BENCH_DIR)/bench_flood

.PHONY: bench bench-build
bench: bench-build
	$(Q)OUTPUT=$(OUTPUT) tests/bench/run.sh

bench-build: all $(BENCH_BINS)

$(BENCH_DIR):
	$(Q)mkdir -p $@

$(BENCH_BPF): tests/bench/bench.bpf.c tests/bench/bench.h | $(BENCH_DIR)
	$(call msg,BPF,$@)
	$(Q)$(CLANG) $(BPF_CFLAGS) -Itests/bench -c $< -o $@.tmp.o
	$(Q)$(BPFTOOL) gen object $@ $@.tmp.o
	$(Q)rm -f $@.tmp.o

$(BENCH_SKEL): $(BENCH_BPF)
	$(call msg,SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $< name bench_bpf > $@

$(BENCH_DIR)/bench_%: tests/bench/bench_%.c tests/bench/*.h \
		tests/unit/frames.h tests/unit/skel_fixture.h $(SKEL) \
		$(BENCH_SKEL) | $(BENCH_DIR)
	$(call msg,CC,$@)
	$(Q)$(CC) $(ALL_CFLAGS) -Itests/bench -Itests/unit -I$(BENCH_DIR) \
		-o $@ $< $(LIBS_LDLIBS)

# ---- make install: the binary, ndpresponder(8), the systemd unit template,
# bash completion and an example prefix file. PREFIX and DESTDIR as usual:
# `make install DESTDIR=/tmp/stage PREFIX=/usr` stages a package.
PREFIX         ?= /usr/local
SBINDIR        ?= $(PREFIX)/sbin
MANDIR         ?= $(PREFIX)/share/man
SYSTEMDUNITDIR ?= $(PREFIX)/lib/systemd/system
BASHCOMPDIR    ?= $(PREFIX)/share/bash-completion/completions
SYSCONFDIR     ?= /etc
INSTALL        ?= install

PKG_OUT := $(OUTPUT)/packaging
PKG_SUBST := sed -e 's|@SBINDIR@|$(SBINDIR)|g' -e 's|@VERSION@|$(VERSION)|g' \
	-e 's|@SYSTEMDUNITDIR@|$(SYSTEMDUNITDIR)|g'
PKG_FILES := $(SBINDIR)/ndpresponder $(MANDIR)/man8/ndpresponder.8.gz \
	$(SYSTEMDUNITDIR)/ndpresponder@.service $(BASHCOMPDIR)/ndpresponder \
	$(SYSCONFDIR)/ndpresponder/ndpresponder.conf.example

.PHONY: uninstall

# The substituted files are made afresh each time: they depend on the
# directories, which make cannot see change.
install: all
	$(Q)mkdir -p $(PKG_OUT)
	$(Q)$(PKG_SUBST) packaging/ndpresponder.8 | gzip -9n > $(PKG_OUT)/ndpresponder.8.gz
	$(Q)$(PKG_SUBST) packaging/ndpresponder@.service > $(PKG_OUT)/ndpresponder@.service
	$(call msg,INSTALL,$(DESTDIR)$(SBINDIR)/ndpresponder)
	$(Q)$(INSTALL) -D -m 0755 $(OUTPUT)/ndpresponder $(DESTDIR)$(SBINDIR)/ndpresponder
	$(call msg,INSTALL,$(DESTDIR)$(MANDIR)/man8/ndpresponder.8.gz)
	$(Q)$(INSTALL) -D -m 0644 $(PKG_OUT)/ndpresponder.8.gz $(DESTDIR)$(MANDIR)/man8/ndpresponder.8.gz
	$(call msg,INSTALL,$(DESTDIR)$(SYSTEMDUNITDIR)/ndpresponder@.service)
	$(Q)$(INSTALL) -D -m 0644 $(PKG_OUT)/ndpresponder@.service $(DESTDIR)$(SYSTEMDUNITDIR)/ndpresponder@.service
	$(call msg,INSTALL,$(DESTDIR)$(BASHCOMPDIR)/ndpresponder)
	$(Q)$(INSTALL) -D -m 0644 packaging/ndpresponder.bash-completion $(DESTDIR)$(BASHCOMPDIR)/ndpresponder
	$(call msg,INSTALL,$(DESTDIR)$(SYSCONFDIR)/ndpresponder/ndpresponder.conf.example)
	$(Q)$(INSTALL) -D -m 0644 packaging/ndpresponder.conf.example $(DESTDIR)$(SYSCONFDIR)/ndpresponder/ndpresponder.conf.example

# Leaves /etc/ndpresponder alone when it holds configuration.
uninstall:
	$(Q)rm -f $(addprefix $(DESTDIR),$(PKG_FILES))
	$(Q)rmdir $(DESTDIR)$(SYSCONFDIR)/ndpresponder 2>/dev/null || true

# ---- make fuzz: libFuzzer targets (tests/fuzz/README.md). fuzz_xdp runs
# frames through the loaded program (needs root), fuzz_parsers the control
# plane's parsers. Each runs FUZZ_SECONDS on a copy of the seed corpus in
# $(OUTPUT)/fuzz/corpus; a mismatch or crash fails with its input saved.
# clang's libFuzzer runtime comes with libclang-rt-14-dev on Debian 12.
FUZZ_DIR := $(OUTPUT)/fuzz
FUZZ_SECONDS ?= 120
FUZZ_CC ?= $(CLANG)
FUZZ_CFLAGS := -g -O1 -fno-omit-frame-pointer \
	-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
	$(WARN) -std=gnu11 -D_GNU_SOURCE -DNDPR_VERSION='"$(VERSION)"' \
	-Iinclude -Iuser -I$(OUTPUT) -Itests/unit -Itests/fuzz $(LIBS_CFLAGS)
# The user/ sources the parsers need, built into the fuzzer with the
# sanitizers rather than linked from $(OUTPUT)/user (built without).
FUZZ_USER_SRCS := user/prefix.c user/attach_args.c user/cli.c user/log.c \
	user/iface.c
FUZZ_BINS := $(FUZZ_DIR)/fuzz_xdp $(FUZZ_DIR)/fuzz_parsers

.PHONY: fuzz fuzz-build fuzz-check-deps
fuzz: fuzz-build
	$(Q)OUTPUT=$(OUTPUT) tests/fuzz/run.sh $(FUZZ_SECONDS)

fuzz-build: fuzz-check-deps $(FUZZ_BINS)

fuzz-check-deps: check-deps
	@printf 'int LLVMFuzzerTestOneInput(const char *d, long n) { return 0; }\n' | \
		$(FUZZ_CC) -fsanitize=fuzzer -x c - -o /dev/null 2>/dev/null || { \
		echo "$(FUZZ_CC) -fsanitize=fuzzer fails: install libclang-rt-14-dev (tools/install-deps.sh)"; \
		exit 1; }

$(FUZZ_DIR):
	$(Q)mkdir -p $@

$(FUZZ_DIR)/fuzz_xdp: tests/fuzz/fuzz_xdp.c tests/fuzz/model.c \
		tests/fuzz/xdp_input.c tests/fuzz/*.h tests/unit/frames.h \
		tests/unit/skel_fixture.h tests/unit/harness.h \
		include/ndpresponder.h $(SKEL) | $(FUZZ_DIR)
	$(call msg,FUZZ,$@)
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -o $@ $(filter %.c,$^) $(LIBS_LDLIBS)

$(FUZZ_DIR)/fuzz_parsers: tests/fuzz/fuzz_parsers.c $(FUZZ_USER_SRCS) \
		$(USER_HDRS) | $(FUZZ_DIR)
	$(call msg,FUZZ,$@)
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -o $@ $(filter %.c,$^) $(LIBS_LDLIBS)

# Writes the seed corpus; run by hand, its output is committed.
$(FUZZ_DIR)/gen_corpus: tests/fuzz/gen_corpus.c tests/fuzz/xdp_input.c \
		tests/fuzz/model.c tests/fuzz/*.h tests/unit/frames.h | $(FUZZ_DIR)
	$(call msg,CC,$@)
	$(Q)$(CC) $(ALL_CFLAGS) -Itests/unit -Itests/fuzz -o $@ $(filter %.c,$^)

# ---- make static: $(OUTPUT)/static/ndpresponder, linked statically with
# the BPF object embedded (skeleton), to copy onto a host that has nothing
# installed. Debian's libcurl has no static form (its GSS-API and LDAP
# libraries ship no .a), so this build has no Docker mode: -N says so.
# Stripped; `make static STATIC_LDFLAGS=` keeps the symbols.
STATIC_DIR := $(OUTPUT)/static
STATIC_LDFLAGS ?= -s
STATIC_PKG := $(filter-out libcurl,$(LIBS_PKG))
STATIC_LDLIBS := $(shell $(PKG_CONFIG) --static --libs $(STATIC_PKG) \
	2>/dev/null) -lpthread -lm
STATIC_OBJS := $(patsubst user/%.c,$(STATIC_DIR)/user/%.o,user/main.c \
	$(USER_SRCS))

.PHONY: static
static: check-deps $(STATIC_DIR)/ndpresponder

$(STATIC_DIR)/user:
	$(Q)mkdir -p $@

$(STATIC_DIR)/user/%.o: user/%.c $(USER_HDRS) $(SKEL) | $(STATIC_DIR)/user
	$(call msg,CC,$@)
	$(Q)$(CC) $(ALL_CFLAGS) -DNDPR_NO_DOCKER -c $< -o $@

# glibc's linker warnings about getaddrinfo, getpwuid and friends concern
# library code that ndpresponder never calls (libnl's and libcap-ng's).
$(STATIC_DIR)/ndpresponder: $(STATIC_OBJS)
	$(call msg,LINK,$@)
	$(Q)$(CC) $(LDFLAGS) $(STATIC_LDFLAGS) -static -o $@ $^ $(STATIC_LDLIBS)

# ---- the VM test (tests/vm/run.sh, run by `make test` through
# tests/integration/vm.sh): the static binary in Debian 12's 6.1 kernel
# under qemu. `make vm-test` runs it alone.
.PHONY: vm-test
test integration: static

vm-test: static
	$(Q)OUTPUT=$(OUTPUT) tests/vm/run.sh
