# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# make deb: $(OUTPUT)/deb/ndpresponder_VERSION_ARCH.deb, built by Debian's
# own tools (dpkg-buildpackage, debhelper: debian/) in a copy of the tree
# under $(OUTPUT)/deb/, so the working tree's build/ stays apart.
# Nothing of this make reaches the package's (make exports its command
# line: OUTPUT=DIR would make the copy's `make clean` remove DIR).
# DEB_VERSION=V builds it as version V (a changelog entry on the copy):
# the package test upgrades so. `make lintian` checks the package.
DEB_DIR     := $(OUTPUT)/deb
DEB_SRC     := $(DEB_DIR)/src
DEB_ARCH    := $(shell dpkg --print-architecture 2>/dev/null)
DEB_VERSION ?= $(shell dpkg-parsechangelog -l debian/changelog -S Version 2>/dev/null)
DEB_FILE    := $(DEB_DIR)/ndpresponder_$(DEB_VERSION)_$(DEB_ARCH).deb
LINTIAN     ?= lintian

.PHONY: deb lintian

deb:
	@command -v dpkg-buildpackage >/dev/null && command -v dh >/dev/null || \
		{ echo "missing tools: dpkg-buildpackage, dh (tools/install-deps.sh --build installs them)"; exit 1; }
	$(call msg,DEB,$(DEB_FILE))
	$(Q)rm -rf $(DEB_SRC) && mkdir -p $(DEB_SRC)
	$(Q)tar -c --exclude=./.git --exclude=./$(OUTPUT) --exclude=./build . | \
		tar -x -C $(DEB_SRC)
	$(Q)cd $(DEB_SRC) && \
	if [ "$(DEB_VERSION)" != "$$(dpkg-parsechangelog -S Version)" ]; then \
		{ printf 'ndpresponder (%s) unstable; urgency=medium\n\n  * Built as %s.\n\n -- %s  %s\n\n' \
			"$(DEB_VERSION)" "$(DEB_VERSION)" \
			"$$(dpkg-parsechangelog -S Maintainer)" "$$(date -R)"; \
		  cat debian/changelog; } > debian/changelog.new && \
		mv debian/changelog.new debian/changelog; fi
	$(Q)cd $(DEB_SRC) && env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL \
		-u OUTPUT -u VERSION -u DESTDIR -u PREFIX \
		dpkg-buildpackage -b -us -uc -j2 \
		>$(abspath $(DEB_DIR))/build.log 2>&1 || \
		{ tail -n 20 $(abspath $(DEB_DIR))/build.log; exit 1; }
	$(Q)test -f $(DEB_FILE)

lintian: deb
	$(Q)$(LINTIAN) --fail-on error --display-info $(DEB_FILE)
