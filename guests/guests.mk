# Bulkhead-aware C guests, included by the top-level Makefile. Every
# guests/<name>/main.c is compiled with the other C files of its directory,
# linked with the runtime in guests/lib/ (which uses the core's own formatter,
# string routines and page-table builder) and written to
# $(BUILD)/guests/<name>.elf, the file name a config gives as its image.

GUEST_NAMES := $(patsubst guests/%/main.c,%,$(wildcard guests/*/main.c))
GUEST_ELF   := $(GUEST_NAMES:%=$(BUILD)/guests/%.elf)

# Linked at 2 MiB, so the small code model reaches everything. No stack
# protector: nothing in a guest sets up the canary. General registers only
# until a guest needs SSE and enables it. One section per function and
# object lets the link drop what a guest does not use of the runtime.
GUEST_CFLAGS = -std=c11 -O2 -g -ffreestanding -fno-pic -fno-pie -mcmodel=small -mno-red-zone \
               -mgeneral-regs-only -fno-common -fno-asynchronous-unwind-tables \
               -ffunction-sections -fdata-sections \
               -fno-stack-protector -nostdinc -isystem $(shell $(CC) -print-file-name=include) \
               -I. $(WARNINGS) -MMD -MP

GUEST_OBJ_DIR := $(BUILD)/guests/obj
GUEST_LIB_SRC := $(wildcard guests/lib/*.c guests/lib/*.asm) lib/format.c lib/string.c lib/page_tables.c drivers/pci.c drivers/pic8259.c drivers/uart16550.c drivers/fbcon.c drivers/i8042.c lib/acpi.c
# The console font comes with the runtime; the link keeps it where it is drawn.
GUEST_LIB_OBJ := $(addprefix $(GUEST_OBJ_DIR)/,$(addsuffix .o,$(basename $(GUEST_LIB_SRC)))) \
                 $(BUILD)/core/font.o

all: $(GUEST_ELF)

$(GUEST_OBJ_DIR)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(GUEST_CFLAGS) -c $< -o $@

$(GUEST_OBJ_DIR)/%.o: %.asm
	@mkdir -p $(dir $@)
	$(NASM) -f elf64 -Iarch/x86_64/ -MD $(@:.o=.d) -o $@ $<

define guest_link_rule
$(BUILD)/guests/$(1).elf: $(patsubst %.c,$(GUEST_OBJ_DIR)/%.o,$(wildcard guests/$(1)/*.c)) \
                          $(patsubst %.asm,$(GUEST_OBJ_DIR)/%.o,$(wildcard guests/$(1)/*.asm)) \
                          $(GUEST_LIB_OBJ) guests/lib/guest.ld
	$(LD) -n -nostdlib -z max-page-size=4096 -z noexecstack --gc-sections -T guests/lib/guest.ld \
		-o $$@ $$(filter %.o,$$^)
endef
$(foreach name,$(GUEST_NAMES),$(eval $(call guest_link_rule,$(name))))

guests: $(GUEST_ELF)

.PHONY: guests
