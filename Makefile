# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# Builds the XDP object, its skeleton and the ndpresponder CLI into build/,
# and runs the tests. `make V=1` shows the commands. The layers and what
# each may include are in the README's "Layout" section; the include paths
# below enforce them: os/ sees only itself, lib/ sees os/, service/ sees
# lib/ and os/, cli/ sees everything.
#
# Fragments, each with one job: mk/config.mk (tools and flags),
# mk/tests.mk (test binaries and tools), mk/bench.mk, mk/fuzz.mk,
# mk/static.mk (the static binary and the VM test), mk/install.mk,
# mk/deb.mk (the Debian package), mk/image.mk (the container image).

include mk/config.mk

.DELETE_ON_ERROR:
.PHONY: all clean test unit integration check-deps vmlinux

all: check-deps $(OUTPUT)/ndpresponder test-build

# The README's test command: the formatter's check, the unit tests, then
# the integration tests over veth in network namespaces. Needs root. The
# VM test boots the static binary, so that is built too.
test: all format-check static
	$(Q)tests/run.sh

unit: all
	$(Q)tests/run.sh unit

integration: all static
	$(Q)tests/run.sh integration

check-deps:
	@for t in $(CLANG) $(BPFTOOL) $(PKG_CONFIG); do \
		command -v $$t >/dev/null || { echo "missing tool: $$t (tools/install-deps.sh --build installs it)"; exit 1; }; done
	@$(PKG_CONFIG) --exists $(LIBS_PKG) || { echo "missing libraries: $(LIBS_PKG) (tools/install-deps.sh --build installs them)"; exit 1; }

# ---- The data path. The object is linked through bpftool to strip DWARF
# but keep BTF.
$(OUTPUT)/ndpresponder.bpf.o: $(BPF_SRCS) $(BPF_HDRS) | $(OUTPUT)
	$(call msg,BPF,$@)
	$(Q)$(CLANG) $(BPF_CFLAGS) -c $< -o $@.tmp.o
	$(Q)$(BPFTOOL) gen object $@ $@.tmp.o
	$(Q)rm -f $@.tmp.o

$(SKEL): $(OUTPUT)/ndpresponder.bpf.o
	$(call msg,SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $< name ndpresponder_bpf > $@

# The same program reading the VLAN tag the driver stripped (bpf/vlan.h),
# for native mode on kernels and drivers that report it; the loader opens
# it through the plain skeleton, whose maps, program and .rodata it shares.
$(OUTPUT)/ndpresponder_vlan.bpf.o: $(BPF_SRCS) $(BPF_HDRS) | $(OUTPUT)
	$(call msg,BPF,$@)
	$(Q)$(CLANG) $(BPF_CFLAGS) -DNDPR_RX_VLAN_META -c $< -o $@.tmp.o
	$(Q)$(BPFTOOL) gen object $@ $@.tmp.o
	$(Q)rm -f $@.tmp.o

$(VLAN_SKEL): $(OUTPUT)/ndpresponder_vlan.bpf.o
	$(call msg,SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $< name ndpresponder_vlan_bpf > $@

# ---- The control plane, one object directory per layer.
$(OUTPUT)/obj/os/%.o: os/%.c $(OS_HDRS)
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(ALL_CFLAGS) $(OS_INC) -c $< -o $@

$(OUTPUT)/obj/lib/%.o: lib/%.c $(LIB_HDRS) $(OS_HDRS) $(SKEL) $(VLAN_SKEL)
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(ALL_CFLAGS) $(LIB_INC) -c $< -o $@

$(OUTPUT)/obj/service/%.o: service/%.c $(SERVICE_HDRS) $(LIB_HDRS) $(OS_HDRS)
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(ALL_CFLAGS) $(SERVICE_INC) -c $< -o $@

$(OUTPUT)/obj/cli/%.o: cli/%.c $(CLI_HDRS) $(SERVICE_HDRS) $(LIB_HDRS) \
		$(OS_HDRS) $(SKEL)
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(ALL_CFLAGS) $(CLI_INC) -c $< -o $@

$(OUTPUT)/ndpresponder: $(CLI_MAIN_OBJ) $(PRODUCT_OBJS) $(DOCKER_OBJ) \
		$(METRICS_OBJ)
	$(call msg,LINK,$@)
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(LIBS_LDLIBS)

# The commit --version names: git describe at build time, "unknown"
# outside git. Rewritten only when it changes, so main.o follows it.
$(COMMIT_H): FORCE | $(OUTPUT)
	$(Q)c=$$(git describe --always --dirty 2>/dev/null || echo unknown); \
	l="#define NDPR_COMMIT \"$$c\""; \
	[ "$$(cat $@ 2>/dev/null)" = "$$l" ] || echo "$$l" > $@
$(CLI_MAIN_OBJ): $(COMMIT_H)
.PHONY: FORCE
FORCE:

$(OUTPUT):
	$(Q)mkdir -p $@

# Regenerates the kernel type header from the running kernel's BTF.
vmlinux:
	$(Q)mkdir -p $(VMLINUX_DIR)
	$(Q)$(BPFTOOL) btf dump file /sys/kernel/btf/vmlinux format c > $(VMLINUX_DIR)/vmlinux.h

clean:
	$(Q)rm -rf $(OUTPUT)

include mk/format.mk
include mk/tests.mk
include mk/static.mk
include mk/bench.mk
include mk/fuzz.mk
include mk/install.mk
include mk/deb.mk
include mk/image.mk
