# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# The kernel's clang-format style (.clang-format), checked by `make test`.
# `make format` applies it.
CLANG_FORMAT ?= clang-format
FORMAT_SRCS = $(shell git ls-files '*.c' '*.h' 2>/dev/null | grep -v '^vmlinux/' \
	|| find bpf include os lib service cli tests -name '*.[ch]')

.PHONY: format format-check
format:
	$(Q)$(CLANG_FORMAT) -i $(FORMAT_SRCS)

format-check:
	$(call msg,FORMAT,check)
	$(Q)$(CLANG_FORMAT) --dry-run --Werror $(FORMAT_SRCS)
