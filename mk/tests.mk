# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# Test binaries: unit tests (tests/unit/test_*.c), the BPF programs the
# integration tests put on peers (tests/bpf/), and the test tool the shell
# tests drive (tests/tools/*.c, one program). Fixtures shared by unit, fuzz and bench
# code live in tests/lib/.

TEST_DIR  := $(OUTPUT)/tests
TEST_INC  := -Itests/lib $(CLI_INC) -I$(TEST_DIR)
TEST_LIB_HDRS := $(wildcard tests/lib/*.h)
TEST_BPF  := $(patsubst tests/bpf/%.c,$(TEST_DIR)/%.o,$(wildcard tests/bpf/*.bpf.c))
UNIT_TESTS := $(patsubst tests/unit/%.c,$(TEST_DIR)/%,$(wildcard tests/unit/test_*.c))
TEST_TOOL := $(TEST_DIR)/ndpr-test-tool
TEST_TOOL_SRCS := $(wildcard tests/tools/*.c)

.PHONY: test-build
test-build: $(UNIT_TESTS) $(TEST_BPF) $(TEST_TOOL)

$(TEST_DIR):
	$(Q)mkdir -p $@

$(TEST_DIR)/%.bpf.o: tests/bpf/%.bpf.c | $(TEST_DIR)
	$(call msg,BPF,$@)
	$(Q)$(CLANG) $(BPF_CFLAGS) -c $< -o $@

# The VLAN build with the driver's tag taken from .bss (bpf/vlan.h), for
# test_xdp: no test run carries the metadata of a driver.
VLAN_TEST_SKEL := $(TEST_DIR)/ndpresponder_vlan_test.skel.h

$(TEST_DIR)/ndpresponder_vlan_test.bpf.o: $(BPF_SRCS) $(BPF_HDRS) | $(TEST_DIR)
	$(call msg,BPF,$@)
	$(Q)$(CLANG) $(BPF_CFLAGS) -DNDPR_RX_VLAN_META -DNDPR_RX_VLAN_TEST \
		-c $< -o $@.tmp.o
	$(Q)$(BPFTOOL) gen object $@ $@.tmp.o
	$(Q)rm -f $@.tmp.o

$(VLAN_TEST_SKEL): $(TEST_DIR)/ndpresponder_vlan_test.bpf.o
	$(call msg,SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $< name ndpresponder_vlan_test_bpf > $@

$(TEST_DIR)/test_%: tests/unit/test_%.c $(TEST_LIB_HDRS) $(PRODUCT_OBJS) \
		$(DOCKER_OBJS) $(METRICS_OBJ) $(SKEL) $(VLAN_TEST_SKEL) | $(TEST_DIR)
	$(call msg,CC,$@)
	$(Q)$(CC) $(ALL_CFLAGS) $(TEST_INC) -o $@ $< $(PRODUCT_OBJS) \
		$(DOCKER_OBJS) $(METRICS_OBJ) $(LIBS_LDLIBS)

# The test tool: one program of tests/tools/*.c with the frame builders of
# tests/lib/ and nothing of the product but its ABI header; json-c (a
# product dependency already) parses the service's JSON log; libbpf makes
# a foreign pinned XDP link (xdplink).
TOOL_LDLIBS := $(shell $(PKG_CONFIG) --libs json-c libbpf 2>/dev/null)

$(TEST_TOOL): $(TEST_TOOL_SRCS) $(TEST_LIB_HDRS) $(wildcard tests/tools/*.h) \
		| $(TEST_DIR)
	$(call msg,CC,$@)
	$(Q)$(CC) $(ALL_CFLAGS) -Itests/lib -Itests/tools -o $@ \
		$(TEST_TOOL_SRCS) $(TOOL_LDLIBS)

# The CLI over maps of another layout (bpf/maps.h, NDPR_TEST_OLD_LAYOUT),
# to pin what an earlier version pinned for migrate.sh: only the two
# objects that embed the BPF objects are built again.
OLD_DIR := $(TEST_DIR)/oldlayout
OLD_BIN := $(OLD_DIR)/ndpresponder
OLD_EMBEDS := lib/responder.c lib/rx_vlan.c
OLD_SKELS := $(OLD_DIR)/ndpresponder.skel.h $(OLD_DIR)/ndpresponder_vlan.skel.h
# Kept, as the Makefile's objects and skeletons are.
.SECONDARY: $(OLD_SKELS) $(OLD_SKELS:.skel.h=.bpf.o)

$(OLD_DIR):
	$(Q)mkdir -p $@

# The plain object and the VLAN one, as the Makefile builds them.
$(OLD_DIR)/ndpresponder_vlan.bpf.o: OLD_BPF_DEFS := -DNDPR_RX_VLAN_META
$(OLD_DIR)/%.bpf.o: $(BPF_SRCS) $(BPF_HDRS) | $(OLD_DIR)
	$(call msg,BPF,$@)
	$(Q)$(CLANG) $(BPF_CFLAGS) -DNDPR_TEST_OLD_LAYOUT $(OLD_BPF_DEFS) \
		-c $< -o $@.tmp.o
	$(Q)$(BPFTOOL) gen object $@ $@.tmp.o
	$(Q)rm -f $@.tmp.o

$(OLD_DIR)/%.skel.h: $(OLD_DIR)/%.bpf.o
	$(call msg,SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $< name $*_bpf > $@

$(OLD_DIR)/%.o: lib/%.c $(LIB_HDRS) $(OS_HDRS) $(OLD_SKELS)
	$(call msg,CC,$@)
	$(Q)$(CC) $(ALL_CFLAGS) -I$(OLD_DIR) $(LIB_INC) -c $< -o $@

$(OLD_BIN): $(CLI_MAIN_OBJ) \
		$(filter-out $(call obj,$(OLD_EMBEDS)),$(PRODUCT_OBJS)) \
		$(patsubst lib/%.c,$(OLD_DIR)/%.o,$(OLD_EMBEDS)) \
		$(DOCKER_OBJ) $(METRICS_OBJ)
	$(call msg,LINK,$@)
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(LIBS_LDLIBS)

test-build: $(OLD_BIN)
