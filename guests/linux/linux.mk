# The Linux test guest, made only from Debian packages; included by the
# top-level Makefile. Not part of `make`: it downloads about 70 MB once.
#   make linux-guest        build/linux/: vmlinuz (Debian's bzImage), vmlinux (the
#                           kernel inside it, entered through PVH), initramfs.cpio.gz
#                           (with fio, built from Debian's source package)
#   make test-linux-guest   checks those files without booting them (guests/linux/check.py)
# The packages are kept in build/linux-cache and reused while they are there;
# remove that directory to fetch the newest ones. LINUX_MODULES names kernel
# modules of the same package for the initramfs besides the power button's,
# which it always has, e.g. LINUX_MODULES="virtio_blk".
LINUX_DIR     := $(BUILD)/linux
LINUX_CACHE   := $(BUILD)/linux-cache
LINUX_MODULES ?=
LINUX_GUEST   := $(LINUX_DIR)/vmlinux $(LINUX_DIR)/vmlinuz $(LINUX_DIR)/initramfs.cpio.gz \
                 $(LINUX_DIR)/release
LINUX_PYTHON  := PYTHONDONTWRITEBYTECODE=1 python3
LINUX_GUEST_COUNT := $(RESULTS_DIR)/linux-guest.count

# Changes only when LINUX_MODULES does, so that only then the guest is
# rebuilt; written while the makefile is read, so `make -q` can tell too.
$(shell mkdir -p $(LINUX_DIR) && { echo '$(LINUX_MODULES)' | cmp -s - $(LINUX_DIR)/modules.list || \
        echo '$(LINUX_MODULES)' > $(LINUX_DIR)/modules.list; })

$(LINUX_GUEST) &: $(addprefix guests/linux/,mkguest.py kernel_image.py newc.py init) \
                  $(LINUX_DIR)/modules.list $(LINUX_DIR)/fio
	$(LINUX_PYTHON) guests/linux/mkguest.py --cache $(LINUX_CACHE) --out $(LINUX_DIR) \
		--modules '$(LINUX_MODULES)' --fio $(LINUX_DIR)/fio

# The disk benchmark's workload tool; its source package is kept in the cache.
$(LINUX_DIR)/fio: guests/linux/build-fio.sh
	@mkdir -p $(LINUX_DIR) $(LINUX_CACHE)
	guests/linux/build-fio.sh $(LINUX_CACHE) $@

linux-guest: $(LINUX_GUEST)

# One "passed failed" count for `make test`, from the check's last line.
test-linux-guest: $(LINUX_GUEST)
	@mkdir -p $(RESULTS_DIR)
	@$(LINUX_PYTHON) guests/linux/check.py $(LINUX_DIR) | tee $(TEST_DIR)/linux-guest.log; \
	tail -n 1 $(TEST_DIR)/linux-guest.log \
		| sed -n 's/.*: \([0-9]*\) passed, \([0-9]*\) failed$$/\1 \2/p' > $(LINUX_GUEST_COUNT)
	@$(call sum_counts,linux guest: ,$(LINUX_GUEST_COUNT))

.PHONY: linux-guest test-linux-guest
