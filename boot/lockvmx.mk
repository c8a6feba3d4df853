# LOCKVMX.EFI: a test-only UEFI app that locks VMX off on every CPU, as some
# firmware does, then starts \EFI\BOOT\BULKHEAD.EFI (the real stub). Its
# object is compiled by the stub's pattern rule, with the stub's flags.
LOCKVMX_OBJ := $(BUILD)/stub/tests/integration/efi/lockvmx.o

$(BUILD)/tests/lockvmx.so: $(LOCKVMX_OBJ)
	@mkdir -p $(dir $@)
	$(LD) -shared -Bsymbolic -nostdlib -znocombreloc -L$(EFI_LIB) \
		-T$(EFI_LIB)/elf_x86_64_efi.lds $(EFI_LIB)/crt0-efi-x86_64.o $^ \
		-o $@ -lefi -lgnuefi

$(BUILD)/tests/LOCKVMX.EFI: $(BUILD)/tests/lockvmx.so
	$(OBJCOPY) -j .text -j .sdata -j .data -j .rodata -j .dynamic -j .dynsym \
		-j .rel -j .rela -j '.rel.*' -j '.rela.*' -j .reloc \
		--target efi-app-x86_64 --subsystem=10 $< $@
