# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# make bench: a benchmark, not a test (it reports, it asserts nothing).
# Needs root; writes $(OUTPUT)/bench/results.json and the plot, and copies
# the plot to docs/bench.svg for the README; then the containers' figures
# (tests/bench/containers.sh: a private dockerd, ndppd) to
# $(OUTPUT)/bench/containers.txt. The cost of each piece of the program
# (tests/bench/pieces.sh) goes to $(OUTPUT)/bench/pieces.txt.
BENCH_DIR := $(OUTPUT)/bench
BENCH_BPF := $(BENCH_DIR)/bench.bpf.o
BENCH_SKEL := $(BENCH_DIR)/bench.skel.h
BENCH_BINS := $(BENCH_DIR)/bench_prog $(BENCH_DIR)/bench_flood
# The responder with one piece taken out (bpf/pieces.h), and as shipped,
# built the same way: the cost of each piece (tests/bench/pieces.sh).
BENCH_PIECES := counters events vlan guards na_csum
BENCH_PIECE_OBJS := $(BENCH_DIR)/pieces/full.bpf.o \
	$(patsubst %,$(BENCH_DIR)/pieces/without_%.bpf.o,$(BENCH_PIECES))

# The same, as whole binaries for the flood (tests/bench/run.sh), and
# one piece more: the device-bound build's restore of a stripped VLAN
# tag, its kfunc call (lib/rx_vlan.c). Each is a make of its own in its
# own OUTPUT, with PIECE_DEFS.
BENCH_PIECE_NAMES := full $(patsubst %,without_%,$(BENCH_PIECES) rx_vlan_meta)
BENCH_PIECE_BINS := $(patsubst %,$(BENCH_DIR)/pieces/%/ndpresponder,\
	$(BENCH_PIECE_NAMES))
piece_defs = $(if $(filter full,$(1)),,\
	-DNDPR_$(shell echo $(1) | tr a-z A-Z)=1)

.PHONY: bench bench-build bench-piece-bins
bench: bench-build
	$(Q)OUTPUT=$(OUTPUT) tests/bench/run.sh
	$(Q)OUTPUT=$(OUTPUT) tests/bench/pieces.sh
	$(Q)OUTPUT=$(OUTPUT) bash tests/bench/containers.sh

bench-build: all $(BENCH_BINS) $(BENCH_PIECE_OBJS) bench-piece-bins

bench-piece-bins: | $(BENCH_DIR)/pieces
	$(Q)$(foreach p,$(BENCH_PIECE_NAMES),\
		$(MAKE) --no-print-directory OUTPUT=$(BENCH_DIR)/pieces/$(p) \
			PIECE_DEFS="$(call piece_defs,$(p))" \
			$(BENCH_DIR)/pieces/$(p)/ndpresponder &&) true

$(BENCH_DIR):
	$(Q)mkdir -p $@

$(BENCH_BPF): tests/bench/bench.bpf.c tests/bench/bench.h | $(BENCH_DIR)
	$(call msg,BPF,$@)
	$(Q)$(CLANG) $(BPF_CFLAGS) -Itests/bench -c $< -o $@.tmp.o
	$(Q)$(BPFTOOL) gen object $@ $@.tmp.o
	$(Q)rm -f $@.tmp.o

$(BENCH_DIR)/pieces:
	$(Q)mkdir -p $@

$(BENCH_DIR)/pieces/full.bpf.o: $(BPF_SRCS) $(BPF_HDRS) | $(BENCH_DIR)/pieces
	$(call msg,BPF,$@)
	$(Q)$(CLANG) $(BPF_CFLAGS) -c $< -o $@.tmp.o
	$(Q)$(BPFTOOL) gen object $@ $@.tmp.o
	$(Q)rm -f $@.tmp.o

$(BENCH_DIR)/pieces/without_%.bpf.o: $(BPF_SRCS) $(BPF_HDRS) \
		| $(BENCH_DIR)/pieces
	$(call msg,BPF,$@)
	$(Q)$(CLANG) $(BPF_CFLAGS) \
		-DNDPR_WITHOUT_$(shell echo $* | tr a-z A-Z)=1 -c $< -o $@.tmp.o
	$(Q)$(BPFTOOL) gen object $@ $@.tmp.o
	$(Q)rm -f $@.tmp.o

$(BENCH_SKEL): $(BENCH_BPF)
	$(call msg,SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $< name bench_bpf > $@

$(BENCH_DIR)/bench_%: tests/bench/bench_%.c tests/bench/*.h \
		$(TEST_LIB_HDRS) $(SKEL) \
		$(BENCH_SKEL) | $(BENCH_DIR)
	$(call msg,CC,$@)
	$(Q)$(CC) $(ALL_CFLAGS) -Itests/bench $(TEST_INC) -I$(BENCH_DIR) \
		-o $@ $< $(LIBS_LDLIBS)

