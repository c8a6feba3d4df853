# LOCKVMX.EFI: a test-only UEFI app that locks VMX off on every CPU, as some
# firmware does, then starts \EFI\BOOT\BULKHEAD.EFI (the real stub). Its
# object is compiled by the stub's pattern rule, with the stub's flags.
LOCKVMX_OBJ := $(BUILD)/stub/tests/integration/efi/lockvmx.o

$(BUILD)/tests/lockvmx.so: $(LOCKVMX_OBJ)
	$(efi_link)

$(BUILD)/tests/LOCKVMX.EFI: $(BUILD)/tests/lockvmx.so
	$(efi_objcopy)
