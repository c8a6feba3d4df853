# Run by the firmware's shell only when BOOTX64.EFI returned to it: power
# off, so that a run whose stub failed ends at once instead of at a prompt.
reset -s
