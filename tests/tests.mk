# Tests and checks, included by the top-level Makefile.
#
#   make test              everything below; ends with one "N passed, N failed" line
#   make test-unit         Criterion unit tests of the real sources, on the host
#   make test-fuzz         a short libFuzzer run of every parser of untrusted bytes
#   make test-integration  boot scenarios (tests/integration/run.sh)
#   make test-linux-guest  the Linux test guest built and checked (guests/linux/linux.mk)
#   make check-config CONFIG=file.cfg
#   make format-check      clang-format over every tracked C file
#   make format            reformats every tracked C file
#   make layer-check       hv/ reaches x86 only through hv/arch.h

TEST_DIR    := $(BUILD)/tests
RESULTS_DIR := $(TEST_DIR)/results
SANITIZE    := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer

# ---- unit tests --------------------------------------------------------------
# Each unit has one file tests/unit/test_<unit>.c, linked with the real sources
# listed in UNIT_SOURCES_<unit>. To add a unit test, write the file and one line:
#   UNIT_SOURCES_frame := hv/frame.c
# UNIT_CFLAGS_<unit> may add flags for that unit only, e.g. a shim header
# (-include tests/unit/shim_cpu.h) that stands in for the hardware.
# The config reader, in every test that needs it: CONFIG_SOURCES (the Makefile
# defines it, as the stub and check-config use it too).
UNIT_SOURCES_config := $(CONFIG_SOURCES)
UNIT_SOURCES_config_devices := $(CONFIG_SOURCES)
UNIT_SOURCES_config_emulate := $(CONFIG_SOURCES)
UNIT_SOURCES_config_disk := $(CONFIG_SOURCES)
UNIT_SOURCES_config_kernel := $(CONFIG_SOURCES)
UNIT_SOURCES_pci    := drivers/pci.c
UNIT_SOURCES_ioapic := drivers/ioapic.c
UNIT_CFLAGS_ioapic  := -include tests/unit/shim_ioapic.h
UNIT_CFLAGS_pci     := -include tests/unit/shim_pci.h
UNIT_SOURCES_partition_devices := hv/partition_devices.c lib/pc_layout.c $(CONFIG_SOURCES)
UNIT_SOURCES_partition_pci := hv/partition_pci.c hv/partition_models.c hv/device_model.c \
                              drivers/pci.c $(CONFIG_SOURCES)
UNIT_CFLAGS_partition_pci := -include tests/unit/shim_pci.h
UNIT_SOURCES_elf    := lib/elf.c
UNIT_SOURCES_frame  := hv/frame.c
UNIT_SOURCES_paging := lib/page_tables.c boot/paging.c
UNIT_SOURCES_format := lib/format.c
UNIT_SOURCES_acpi   := lib/acpi.c drivers/acpi.c
UNIT_SOURCES_fbcon  := drivers/fbcon.c
UNIT_SOURCES_memmap := boot/memmap.c
UNIT_SOURCES_ring   := guests/lib/ring.c
UNIT_SOURCES_console_ring := guests/lib/console_ring.c
UNIT_SOURCES_vapic  := arch/x86_64/vplatform/vapic.c
UNIT_SOURCES_vapic_xapic := arch/x86_64/vplatform/vapic.c arch/x86_64/vplatform/vapic_xapic.c
UNIT_SOURCES_vpic   := arch/x86_64/vplatform/vpic.c
UNIT_SOURCES_vacpi  := arch/x86_64/vplatform/vacpi.c
UNIT_SOURCES_vpit   := arch/x86_64/vplatform/vpit.c
UNIT_SOURCES_vrtc   := arch/x86_64/vplatform/vrtc.c lib/pc_layout.c lib/calendar.c
UNIT_SOURCES_vpci_host := arch/x86_64/vplatform/vpci_host.c arch/x86_64/vplatform/vsystem_ports.c
UNIT_SOURCES_vioapic := arch/x86_64/vplatform/vioapic.c
UNIT_SOURCES_vmtrr  := arch/x86_64/vplatform/vmtrr.c
UNIT_SOURCES_vkbc   := arch/x86_64/vplatform/vkbc.c drivers/i8042.c
UNIT_SOURCES_vplatform := $(addprefix arch/x86_64/vplatform/,platform.c vapic.c vapic_xapic.c \
                          vapic_msr.c vapic_mmio.c vioapic.c vioapic_model.c vpic.c vacpi.c \
                          vacpi_ports.c legacy.c vpit.c vrtc.c vpci_host.c vsystem_ports.c \
                          vmtrr.c vkbc.c) \
                          hv/device_model.c lib/pc_layout.c lib/calendar.c drivers/i8042.c
UNIT_SOURCES_device_model := hv/device_model.c
DISK_STORE_SOURCES := guests/dom0/disk_store.c
UNIT_SOURCES_uart   := guests/dom0/uart.c guests/dom0/console_line.c
UNIT_SOURCES_virtqueue := guests/dom0/virtqueue.c
UNIT_SOURCES_ata    := guests/dom0/ata.c guests/dom0/ata_address.c guests/dom0/ata_identify.c
# The test fakes map_memory and ata_host_open_range: its disk is an image.
UNIT_SOURCES_ide_models := guests/dom0/ide_models.c $(UNIT_SOURCES_ata) $(DISK_STORE_SOURCES) \
                           guests/dom0/disk_open.c
UNIT_SOURCES_virtio_console := guests/dom0/virtio_console.c guests/dom0/virtqueue.c \
                               guests/dom0/console_line.c
UNIT_SOURCES_virtio_blk := guests/dom0/virtio_blk.c guests/dom0/virtqueue.c $(DISK_STORE_SOURCES)
UNIT_SOURCES_x86_decode := arch/x86_64/x86_decode.c
UNIT_SOURCES_x86_decode_forms := arch/x86_64/x86_decode.c
UNIT_CFLAGS_x86_decode_forms := -Wno-missing-field-initializers # table rows name only what they need
UNIT_SOURCES_guest_paging := arch/x86_64/guest_paging.c hv/guest_memory.c lib/pc_layout.c
UNIT_SOURCES_hypercall := tests/hypercall_world.c hv/hypercall.c hv/event.c hv/grant.c \
                          hv/guest_memory.c hv/partition_info.c hv/ioreq.c hv/ioreq_posted.c hv/ioreq_poll.c hv/console_server.c hv/log_ring.c lib/format.c \
                          hv/device_irq.c hv/device_model.c hv/rate_limit.c lib/pc_layout.c \
                          arch/x86_64/vplatform/vioapic.c $(CONFIG_SOURCES)
UNIT_SOURCES_hypercall_log := $(UNIT_SOURCES_hypercall)
UNIT_SOURCES_ioreq := $(UNIT_SOURCES_hypercall)
UNIT_SOURCES_hypercall_irq := $(UNIT_SOURCES_hypercall)
UNIT_SOURCES_hypercall_flood := $(UNIT_SOURCES_hypercall)
UNIT_SOURCES_hypercall_console := $(UNIT_SOURCES_hypercall)
UNIT_SOURCES_guest_memory := hv/guest_memory.c lib/pc_layout.c
UNIT_SOURCES_log_ring := hv/log_ring.c
UNIT_SOURCES_rate_limit := hv/rate_limit.c
UNIT_SOURCES_crash_page := lib/crash_page.c
UNIT_SOURCES_survey_config := lib/survey_config.c lib/format.c $(CONFIG_SOURCES)
UNIT_SOURCES_string_io := arch/x86_64/string_io.c
UNIT_SOURCES_tsc_choice := arch/x86_64/tsc_choice.c lib/format.c
UNIT_SOURCES_mce_policy := arch/x86_64/mce_policy.c
UNIT_SOURCES_i8042 := drivers/i8042.c
UNIT_SOURCES_scancode := guests/dom0/scancode.c
UNIT_SOURCES_ap_token :=
UNIT_SOURCES_string := lib/string.c
UNIT_SOURCES_pc_layout := lib/pc_layout.c
BOOT_LOADER_SOURCES := lib/boot_image.c lib/boot_elf.c lib/boot_linux.c lib/boot_pvh.c \
                       lib/boot_multiboot.c lib/pc_layout.c
UNIT_SOURCES_boot_loaders := $(BOOT_LOADER_SOURCES)
UNIT_SOURCES_check_images := tools/check-images.c lib/elf.c $(BOOT_LOADER_SOURCES) $(CONFIG_SOURCES)
UNIT_SOURCES_acpi_tables := lib/acpi_tables.c lib/acpi_aml.c lib/acpi.c drivers/acpi.c
UNIT_SOURCES_guest_policy := arch/x86_64/guest_policy.c
UNIT_SOURCES_feature_policy := arch/x86_64/feature_policy.c arch/x86_64/guest_policy.c
UNIT_CFLAGS_string  := -include tests/unit/shim_string.h
# The exit handlers through the real dispatcher, on the fake CPU and VMCS.
UNIT_SOURCES_exits := tests/fake_cpu.c tests/exit_world.c arch/x86_64/exits.c \
                      arch/x86_64/exit_msr.c arch/x86_64/exit_cr.c arch/x86_64/exit_io.c \
                      arch/x86_64/exit_mmio.c arch/x86_64/x86_decode.c arch/x86_64/string_io.c \
                      arch/x86_64/vplatform/vapic.c arch/x86_64/vplatform/vapic_xapic.c \
                      arch/x86_64/guest_paging.c arch/x86_64/guest_policy.c arch/x86_64/feature_policy.c \
                      $(UNIT_SOURCES_hypercall)
UNIT_CFLAGS_exits  := -include tests/fake_cpu.h

UNIT_NAMES  := $(patsubst tests/unit/test_%.c,%,$(wildcard tests/unit/test_*.c))
UNIT_CFLAGS := -std=c11 -g -O1 -I. $(WARNINGS) $(SANITIZE) -MMD -MP
UNIT_COUNTS := $(UNIT_NAMES:%=$(RESULTS_DIR)/unit-%.count)

# Objects go to one directory per unit, so UNIT_CFLAGS_<unit> applies to the
# real sources too without affecting other units.
define unit_test_rules
$(TEST_DIR)/unit/$(1)/%.o: %.c
	@mkdir -p $$(dir $$@)
	$(CC) $(UNIT_CFLAGS) $(UNIT_CFLAGS_$(1)) -c $$< -o $$@

$(TEST_DIR)/unit/test_$(1): $(patsubst %.c,$(TEST_DIR)/unit/$(1)/%.o,tests/unit/test_$(1).c $(UNIT_SOURCES_$(1)))
	$(CC) $(SANITIZE) -o $$@ $$^ -lcriterion
endef
$(foreach unit,$(UNIT_NAMES),$(eval $(call unit_test_rules,$(unit))))

# Runs one unit's tests and records "passed failed" from Criterion's TAP
# report. A binary that dies without reporting a failure still counts as one.
$(RESULTS_DIR)/unit-%.count: $(TEST_DIR)/unit/test_% FORCE
	@mkdir -p $(dir $@)
	@$< --tap=$(@:.count=.tap); rc=$$?; \
	passed=$$(grep -c '^ok ' $(@:.count=.tap)); \
	failed=$$(grep -c '^not ok ' $(@:.count=.tap)); \
	if [ $$rc -ne 0 ] && [ $$failed -eq 0 ]; then failed=1; fi; \
	echo "$$passed $$failed" > $@

test-unit: $(UNIT_COUNTS)
	@$(call sum_counts,unit tests: ,$(UNIT_COUNTS))

# ---- fuzzing -----------------------------------------------------------------
# Each harness tests/fuzz/fuzz_<name>.c is linked with FUZZ_SOURCES_<name>
# (compiled with FUZZ_CFLAGS_<name> added, if it is set) and
# starts from the checked-in seeds in tests/fuzz/corpus/<name>/ (and the
# dictionary tests/fuzz/<name>.dict if there is one). New inputs it finds go to
# $(TEST_DIR)/fuzz/corpus/<name>/, crashes to $(TEST_DIR)/fuzz/artifacts/.
#
# `make test` runs each one briefly. Before changing a parser, run it long:
#   make test-fuzz FUZZ_RUNS=-1 FUZZ_TIME=3600
# and copy any small, interesting new inputs into the seed corpus.
FUZZ_SOURCES_config := $(CONFIG_SOURCES)
FUZZ_SOURCES_elf    := lib/elf.c
FUZZ_SOURCES_boot_loaders := $(BOOT_LOADER_SOURCES)
FUZZ_SOURCES_acpi   := $(UNIT_SOURCES_acpi)
FUZZ_SOURCES_hypercall := $(UNIT_SOURCES_hypercall)
FUZZ_SOURCES_crash_page := lib/crash_page.c
FUZZ_SOURCES_virtqueue := guests/dom0/virtqueue.c
FUZZ_SOURCES_virtio_blk := guests/dom0/virtio_blk.c guests/dom0/virtqueue.c $(DISK_STORE_SOURCES)
FUZZ_SOURCES_exits := $(UNIT_SOURCES_exits)
FUZZ_CFLAGS_exits  := $(UNIT_CFLAGS_exits)

FUZZ_CC     := clang
FUZZ_RUNS   ?= 200000
FUZZ_TIME   ?= 15
FUZZ_NAMES  := $(patsubst tests/fuzz/fuzz_%.c,%,$(wildcard tests/fuzz/fuzz_*.c))
FUZZ_CFLAGS := -std=c11 -g -O1 -I. $(WARNINGS) -fsanitize=fuzzer,address,undefined \
               -fno-sanitize-recover=all -MMD -MP
FUZZ_COUNTS := $(FUZZ_NAMES:%=$(RESULTS_DIR)/fuzz-%.count)

# Objects go to one directory per harness, so FUZZ_CFLAGS_<name> (a shim
# header) applies to the real sources too without affecting other harnesses.
define fuzz_harness_rule
$(TEST_DIR)/fuzz/obj/$(1)/%.o: %.c
	@mkdir -p $$(dir $$@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) $(FUZZ_CFLAGS_$(1)) -c $$< -o $$@

$(TEST_DIR)/fuzz/fuzz_$(1): $(patsubst %.c,$(TEST_DIR)/fuzz/obj/$(1)/%.o,tests/fuzz/fuzz_$(1).c $(FUZZ_SOURCES_$(1)))
	$(FUZZ_CC) $(FUZZ_CFLAGS) -o $$@ $$^
endef
$(foreach name,$(FUZZ_NAMES),$(eval $(call fuzz_harness_rule,$(name))))

# One harness run is one pass or one failure. Its chatter goes to a log; the
# end of the log is shown when it fails.
$(RESULTS_DIR)/fuzz-%.count: $(TEST_DIR)/fuzz/fuzz_% FORCE
	@mkdir -p $(dir $@) $(TEST_DIR)/fuzz/corpus/$* $(TEST_DIR)/fuzz/artifacts
	@if $< -runs=$(FUZZ_RUNS) -max_total_time=$(FUZZ_TIME) \
		$(if $(wildcard tests/fuzz/$*.dict),-dict=tests/fuzz/$*.dict) \
		-artifact_prefix=$(TEST_DIR)/fuzz/artifacts/$*- \
		$(TEST_DIR)/fuzz/corpus/$* tests/fuzz/corpus/$* > $(TEST_DIR)/fuzz/$*.log 2>&1; \
	then echo "fuzz_$*: ok ($(TEST_DIR)/fuzz/$*.log)"; echo "1 0" > $@; \
	else tail -n 40 $(TEST_DIR)/fuzz/$*.log; echo "fuzz_$*: FAILED"; echo "0 1" > $@; fi

test-fuzz: $(FUZZ_COUNTS)
	@$(call sum_counts,fuzz runs: ,$(FUZZ_COUNTS))

# ---- integration -------------------------------------------------------------
# run.sh boots the scenarios and prints "N passed, N failed" as its last line.
INTEGRATION_RUN   := tests/integration/run.sh
INTEGRATION_COUNT := $(RESULTS_DIR)/integration.count

test-integration:
	@mkdir -p $(RESULTS_DIR)
	@if [ ! -x $(INTEGRATION_RUN) ]; then \
		echo "$(INTEGRATION_RUN) is missing or not executable"; \
		echo "0 1" > $(INTEGRATION_COUNT); exit 1; \
	fi
	@{ $(INTEGRATION_RUN) $(INTEGRATION_ARGS); echo $$? > $(TEST_DIR)/integration.rc; } 2>&1 \
		| tee $(TEST_DIR)/integration.log
	@counts=$$(tail -n 1 $(TEST_DIR)/integration.log | tr -d '\r' \
		| sed -n 's/^ *\([0-9][0-9]*\) passed, \([0-9][0-9]*\) failed *$$/\1 \2/p'); \
	if [ -z "$$counts" ]; then \
		echo "$(INTEGRATION_RUN) did not end with an 'N passed, N failed' line"; counts="0 1"; \
	fi; \
	set -- $$counts; \
	if [ "$$(cat $(TEST_DIR)/integration.rc)" != 0 ] && [ $$2 -eq 0 ]; then counts="$$1 1"; fi; \
	echo "$$counts" > $(INTEGRATION_COUNT)
	@$(call sum_counts,integration: ,$(INTEGRATION_COUNT))

# ---- everything --------------------------------------------------------------
# Each part runs even when an earlier one fails (and -k keeps one broken unit
# from hiding the others), so the total is honest. A part that left no count
# file, e.g. a test that did not build, counts as one failure.
test:
	@rm -rf $(RESULTS_DIR)
	-@$(MAKE) --no-print-directory -k test-unit
	-@$(MAKE) --no-print-directory -k test-fuzz
	-@$(MAKE) --no-print-directory test-linux-guest
	-@$(MAKE) --no-print-directory test-integration
	@$(call sum_counts,,$(UNIT_COUNTS) $(FUZZ_COUNTS) $(LINUX_GUEST_COUNT) $(INTEGRATION_COUNT))

# $(call sum_counts,label,count files): adds up the "passed failed" pairs,
# prints "<label>N passed, N failed" and fails when anything failed.
sum_counts = passed=0; failed=0; \
	for f in $(2); do \
		if [ -f $$f ]; then read p x < $$f; else echo "$$f: did not run"; p=0; x=1; fi; \
		passed=$$((passed + p)); failed=$$((failed + x)); \
	done; \
	echo "$(1)$$passed passed, $$failed failed"; \
	[ $$failed -eq 0 ]

# ---- tools and checks --------------------------------------------------------
CHECK_CONFIG := $(BUILD)/tools/check-config

CHECK_CONFIG_SOURCES := tools/check-config.c tools/check-images.c $(CONFIG_SOURCES) \
                        $(BOOT_LOADER_SOURCES) lib/elf.c

$(CHECK_CONFIG): $(CHECK_CONFIG_SOURCES) $(wildcard lib/config*.h lib/boot*.h tools/*.h)
	@mkdir -p $(dir $@)
	$(CC) -std=c11 -O2 -g -I. $(WARNINGS) -o $@ $(CHECK_CONFIG_SOURCES)

check-config: $(CHECK_CONFIG)
	@$(CHECK_CONFIG) $(CHECK_CONFIG_ARGS) $(CONFIG)

# The core's contract with the arch (tools/layer-report.sh prints the counts).
layer-check:
	@tools/layer-report.sh --check

format-check:
	git ls-files -z '*.c' '*.h' | xargs -0 -r clang-format --dry-run -Werror

# Rewrites every tracked C file in the project's format.
format:
	git ls-files -z '*.c' '*.h' | xargs -0 -r clang-format -i

FORCE:

.PHONY: test test-unit test-fuzz test-integration check-config layer-check format-check format FORCE
