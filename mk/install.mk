# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# make install: the binary, ndpresponder(8), the systemd unit template,
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
	$(SYSCONFDIR)/ndpresponder/ndpresponder.conf.example \
	$(SYSCONFDIR)/ndpresponder/ndpresponder.env.example

.PHONY: uninstall

# The substituted files are made afresh each time: they depend on the
# directories, which make cannot see change.
install: check-deps $(OUTPUT)/ndpresponder
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
	$(call msg,INSTALL,$(DESTDIR)$(SYSCONFDIR)/ndpresponder/ndpresponder.env.example)
	$(Q)$(INSTALL) -D -m 0644 packaging/ndpresponder.env.example $(DESTDIR)$(SYSCONFDIR)/ndpresponder/ndpresponder.env.example

# Leaves /etc/ndpresponder alone when it holds configuration.
uninstall:
	$(Q)rm -f $(addprefix $(DESTDIR),$(PKG_FILES))
	$(Q)rmdir $(DESTDIR)$(SYSCONFDIR)/ndpresponder 2>/dev/null || true

