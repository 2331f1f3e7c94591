# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# make image: the OCI image $(IMAGE) (packaging/image/Dockerfile, FROM
# scratch with the static binary), built by the machine's Docker engine
# (DOCKER_HOST as usual) from a context of that binary alone: offline, no
# registry. make image-save writes it with docker save to $(IMAGE_TAR),
# for hosts without a registry (docker load -i FILE).
IMAGE      ?= ndpresponder:$(VERSION)
IMAGE_DIR  := $(OUTPUT)/image
IMAGE_TAR  ?= $(OUTPUT)/ndpresponder-image-$(VERSION).tar
DOCKER     ?= docker

.PHONY: image image-save

image: static
	$(call msg,IMAGE,$(IMAGE))
	$(Q)rm -rf $(IMAGE_DIR) && mkdir -p $(IMAGE_DIR)
	$(Q)cp $(STATIC_DIR)/ndpresponder packaging/image/Dockerfile $(IMAGE_DIR)/
	$(Q)$(DOCKER) build -q --network none --build-arg VERSION=$(VERSION) \
		-t $(IMAGE) $(IMAGE_DIR) >$(IMAGE_DIR)/build.log 2>&1 || \
		{ cat $(IMAGE_DIR)/build.log; exit 1; }

image-save: image
	$(call msg,SAVE,$(IMAGE_TAR))
	$(Q)$(DOCKER) save -o $(IMAGE_TAR) $(IMAGE)
