# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# make fuzz: libFuzzer targets (tests/fuzz/README.md). fuzz_xdp runs
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
	-Iinclude $(CLI_INC) -Itests/lib -Itests/fuzz $(LIBS_CFLAGS)
# The control-plane sources the parsers need, built into the fuzzer with the
# sanitizers rather than linked from $(OUTPUT)/user (built without).
FUZZ_USER_SRCS := lib/prefix.c lib/sync_plan.c cli/attach_args.c cli/cli.c \
	os/log.c os/iface.c
FUZZ_BINS := $(FUZZ_DIR)/fuzz_xdp $(FUZZ_DIR)/fuzz_parsers \
	$(FUZZ_DIR)/fuzz_docker
# What fuzz_docker needs: Docker mode's decoder and splitter, and the
# prefix rules its addresses must pass.
FUZZ_DOCKER_SRCS := service/docker_json.c lib/prefix.c os/log.c

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
		tests/fuzz/xdp_input.c tests/fuzz/*.h tests/lib/frames.h \
		tests/lib/skel_fixture.h tests/lib/harness.h \
		include/ndpresponder.h $(SKEL) | $(FUZZ_DIR)
	$(call msg,FUZZ,$@)
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -o $@ $(filter %.c,$^) $(LIBS_LDLIBS)

$(FUZZ_DIR)/fuzz_parsers: tests/fuzz/fuzz_parsers.c $(FUZZ_USER_SRCS) \
		tests/fuzz/fail.h $(CLI_HDRS) $(LIB_HDRS) $(OS_HDRS) | $(FUZZ_DIR)
	$(call msg,FUZZ,$@)
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -o $@ $(filter %.c,$^) $(LIBS_LDLIBS)

$(FUZZ_DIR)/fuzz_docker: tests/fuzz/fuzz_docker.c $(FUZZ_DOCKER_SRCS) \
		tests/fuzz/fail.h service/docker_json.h $(LIB_HDRS) $(OS_HDRS) \
		| $(FUZZ_DIR)
	$(call msg,FUZZ,$@)
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -o $@ $(filter %.c,$^) $(LIBS_LDLIBS)

# Writes the seed corpus; run by hand, its output is committed.
$(FUZZ_DIR)/gen_corpus: tests/fuzz/gen_corpus.c tests/fuzz/xdp_input.c \
		tests/fuzz/model.c tests/fuzz/*.h tests/lib/frames.h | $(FUZZ_DIR)
	$(call msg,CC,$@)
	$(Q)$(CC) $(ALL_CFLAGS) -Itests/lib -Itests/fuzz $(CLI_INC) -o $@ $(filter %.c,$^)

