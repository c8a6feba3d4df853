# Bulkhead build. Everything built lands in build/.
#   make            core, UEFI stub and guests
#   make image      the bootable disk image build/bulkhead.img
#   make image SURVEY=1  build/bulkhead-survey.img: describes the machine it boots on
#   make run        boot it in an emulator (EMU=bochs|qemu-tcg|qemu-kvm, CPUS=, MEM=, CONFIG=)
#   make run LINUX=1  Debian's kernel in a full partition (config/linux.cfg; LINUX_KERNEL=,
#                     LINUX_INITRD= for your own)
#   make test       unit tests, fuzz smoke runs, the Linux guest's checks and integration scenarios
#   make linux-guest  the Linux test guest from Debian packages (build/linux/)
#   make bench      benchmark report (emulated instructions under Bochs)
#   make bench-linux  Debian's kernel booted bare and under Bulkhead, compared

BUILD   ?= build
ifeq ($(SURVEY),1)
CONFIG  ?= config/survey.cfg
IMAGE   := $(BUILD)/bulkhead-survey.img
else ifeq ($(LINUX),1)
# A Linux kernel in a full partition beside dom0 and a pv guest; by default
# Debian's, with the test guest's initramfs (make linux-guest builds them).
CONFIG  ?= config/linux.cfg
IMAGE   := $(BUILD)/bulkhead-linux.img
LINUX_KERNEL ?= $(BUILD)/linux/vmlinux
LINUX_INITRD ?= $(BUILD)/linux/initramfs.cpio.gz
IMAGE_FILES := $(LINUX_KERNEL):kernel $(LINUX_INITRD):initrd
CPUS    ?= 3
MEM     ?= 768
TIMEOUT ?= 3600
else
CONFIG  ?= config/bulkhead.cfg
IMAGE   := $(BUILD)/bulkhead.img
endif
EMU     ?= bochs
CPUS    ?= 4
MEM     ?= 512
TIMEOUT ?= 300

CC      := gcc
NASM    := nasm
LD      := ld
OBJCOPY := objcopy

WARNINGS := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
            -Wundef -Wvla

# The core: freestanding, linked at a fixed high address. No stack protector:
# the core has no TLS/canary set up before per-CPU data exists, and its stacks
# have guard pages instead; stack-clash protection makes every frame larger
# than a page touch each page in turn, so no frame can jump over a guard.
CORE_CFLAGS := -std=gnu11 -O2 -g -ffreestanding -fno-pic -fno-pie -mcmodel=kernel \
               -mno-red-zone -mgeneral-regs-only -fno-common \
               -fno-asynchronous-unwind-tables -fno-stack-protector -fstack-clash-protection \
               -fno-builtin -nostdinc -isystem $(shell $(CC) -print-file-name=include) \
               -I. $(WARNINGS) -MMD -MP -DBULKHEAD_CORE $(CORE_DEFINES)
CORE_C   := $(filter-out arch/x86_64/asm_offsets.c,$(wildcard arch/x86_64/*.c arch/x86_64/vplatform/*.c \
                                                        hv/*.c lib/*.c drivers/*.c))
CORE_ASM := $(wildcard arch/x86_64/*.asm)
CORE_OBJ := $(CORE_C:%.c=$(BUILD)/core/%.o) $(CORE_ASM:%.asm=$(BUILD)/core/%.o) \
            $(BUILD)/core/font.o

# The config reader: one list for the core, the stub, check-config and the tests.
CONFIG_SOURCES := $(wildcard lib/config*.c)

# The UEFI stub (gnu-efi). It shares the config reader, the ELF reader, the
# ACPI walker and the page-table builder with the core.
EFI_INC    := /usr/include/efi
EFI_LIB    := /usr/lib
STUB_CFLAGS := -std=c11 -O2 -ffreestanding -fpic -fshort-wchar -mno-red-zone \
               -maccumulate-outgoing-args -fno-stack-protector -fno-strict-aliasing \
               -DGNU_EFI_USE_MS_ABI -isystem $(EFI_INC) -isystem $(EFI_INC)/x86_64 -I. \
               $(WARNINGS) -Wno-strict-prototypes -Wno-missing-prototypes -MMD -MP
STUB_C   := $(wildcard boot/*.c) $(CONFIG_SOURCES) lib/elf.c lib/acpi.c lib/page_tables.c \
            lib/format.c lib/crash_page.c lib/survey_config.c lib/calendar.c
STUB_OBJ := $(STUB_C:%.c=$(BUILD)/stub/%.o)

# Flat real-mode guests: one .asm file in guests/<name>/. Directories with a
# main.c are C guests and guests/lib is their runtime (guests/guests.mk).
GUEST_BIN := $(patsubst guests/%/,$(BUILD)/guests/%.bin,\
                        $(filter-out guests/lib/ $(dir $(wildcard guests/*/main.c)),\
                                     $(dir $(wildcard guests/*/*.asm))))

all: $(BUILD)/core.elf $(BUILD)/BOOTX64.EFI $(GUEST_BIN)

# ---- core ----------------------------------------------------------------
$(BUILD)/core/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CORE_CFLAGS) -c $< -o $@

$(BUILD)/core/%.o: %.asm $(BUILD)/asm_offsets.inc
	@mkdir -p $(dir $@)
	$(NASM) -f elf64 -I$(BUILD)/ -I$(dir $<) -MD $(@:.o=.d) -o $@ $<

# Structure offsets for NASM, generated from the C definitions.
$(BUILD)/asm_offsets.inc: arch/x86_64/asm_offsets.c \
                          $(wildcard arch/x86_64/*.h arch/x86_64/vplatform/*.h hv/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(CORE_CFLAGS) -MF /dev/null -S $< -o $(BUILD)/asm_offsets.s
	sed -n 's/.*->\([A-Za-z_0-9]*\) \$$\{0,1\}\([-0-9]*\).*/%define \1 \2/p' \
		$(BUILD)/asm_offsets.s > $@

# The framebuffer console font: the 256 glyphs of a PC 8x16 console font.
FONT_PSF ?= /usr/share/consolefonts/Lat15-VGA16.psf.gz
$(BUILD)/font.bin: $(FONT_PSF)
	@mkdir -p $(dir $@)
	zcat $< | tail -c +5 | head -c 4096 > $@
	test $$(stat -c %s $@) -eq 4096

$(BUILD)/core/font.o: $(BUILD)/font.bin
	@mkdir -p $(dir $@)
	cd $(BUILD) && $(OBJCOPY) -I binary -O elf64-x86-64 -B i386:x86-64 \
		--rename-section .data=.rodata,alloc,load,readonly,data,contents \
		font.bin core/font.o

$(BUILD)/core.elf: $(CORE_OBJ) linker.ld
	$(LD) -n -nostdlib -z max-page-size=4096 -z noexecstack -T linker.ld \
		-o $@ $(filter %.o,$^)

# ---- UEFI stub -------------------------------------------------------------
$(BUILD)/stub/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(STUB_CFLAGS) -c $< -o $@

# Linking a gnu-efi application: a shared object, then a PE/COFF image.
define efi_link
	@mkdir -p $(dir $@)
	$(LD) -shared -Bsymbolic -nostdlib -znocombreloc -L$(EFI_LIB) \
		-T$(EFI_LIB)/elf_x86_64_efi.lds $(EFI_LIB)/crt0-efi-x86_64.o $^ \
		-o $@ -lefi -lgnuefi
endef
define efi_objcopy
	$(OBJCOPY) -j .text -j .sdata -j .data -j .rodata -j .dynamic -j .dynsym \
		-j .rel -j .rela -j '.rel.*' -j '.rela.*' -j .reloc \
		--target efi-app-x86_64 --subsystem=10 $< $@
endef

$(BUILD)/stub/bootx64.so: $(STUB_OBJ)
	$(efi_link)

$(BUILD)/BOOTX64.EFI: $(BUILD)/stub/bootx64.so
	$(efi_objcopy)

# ---- guests --------------------------------------------------------------
$(BUILD)/guests/%.bin: guests/%/*.asm $(wildcard guests/lib/*.inc)
	@mkdir -p $(dir $@)
	$(NASM) -f bin -o $@ $<

# ---- image and runs --------------------------------------------------------
image: $(IMAGE)

# IMAGE_FILES: the files LINUX=1 adds; EXTRA_FILES: the user's own (a
# disk's image, say), each as SOURCE:NAME.
$(IMAGE): all $(CONFIG) tools/mkimage.sh \
          $(foreach file,$(IMAGE_FILES) $(EXTRA_FILES),$(firstword $(subst :, ,$(file))))
	tools/mkimage.sh --out $@ --config $(CONFIG) --efi $(BUILD)/BOOTX64.EFI \
		--core $(BUILD)/core.elf --guests $(BUILD)/guests \
		$(addprefix --extra ,$(IMAGE_FILES) $(EXTRA_FILES))

# DATA_DISK=FILE: a persistent second ATA disk at 0x170 (tools/run.sh
# --data-disk), for a dom0 that owns it (devices = ata 0x170).
run: image
	tools/run.sh --emu $(EMU) --cpus $(CPUS) --mem $(MEM) --timeout $(TIMEOUT) \
		--image $(IMAGE) --log $(BUILD)/run-$(EMU).log \
		$(if $(DATA_DISK),--data-disk $(DATA_DISK))

# ---- tests -----------------------------------------------------------------
include tests/tests.mk
include boot/lockvmx.mk
include guests/guests.mk
include guests/linux/linux.mk

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)

clean:
	rm -rf $(BUILD)

.PHONY: all image run clean

# ---- boot statistics ----------------------------------------------------------
# Boots the big q35 machines ten times each (RUNS=N to change) and prints
# the spread of the TSC frequency and of the CPUs that came up.
boot-stats: all
	tools/boot-stats.sh

.PHONY: boot-stats

# ---- benchmarks ------------------------------------------------------------
# The trace core is the same core with its I/O request steps stamped (hv/trace.h).
bench: all
	$(MAKE) BUILD=$(BUILD)/trace CORE_DEFINES=-DBULKHEAD_TRACE $(BUILD)/trace/core.elf
	tools/bench.sh $(BUILD)/BOOTX64.EFI $(BUILD)/core.elf $(BUILD)/guests $(BUILD)/trace/core.elf

# Debian's kernel on the bare emulator against the same kernel under Bulkhead
# (PVH and bzImage entries): five Bochs boots, about 12 minutes on an idle host;
# BOOTS="pvh" picks boots.
bench-linux: all linux-guest
	tools/linux-boot-bench.sh $(BOOTS)

# The disks dom0 serves, IDE and virtio-blk: 4 KiB reads and writes,
# sequential and random, at queue depth 1 and 32, in ticks per operation;
# two short Bochs boots.
bench-disk: all
	tools/disk-bench.sh

# The same disks seen from Debian's kernel: fio's 4 KiB jobs at queue depth
# 1 and 32 on /dev/sda (IDE) and /dev/vda (virtio); two Linux boots under
# Bochs, about eight minutes. IOS=N operations a job (default 256).
bench-fio: all linux-guest
	tools/disk-bench.sh fio $(IOS)

.PHONY: bench bench-linux bench-disk bench-fio
