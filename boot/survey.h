/*
 * Survey mode (survey = yes in [hypervisor]): before the firmware goes away
 * the stub looks at the machine the way Bulkhead will need it (VT-x and its
 * controls, the CPU topology, memory, ACPI tables, PCI functions, serial
 * ports, the framebuffer), prints a summary on the console and writes two
 * files beside BOOTX64.EFI for reading on another computer:
 * bulkhead-survey.txt (everything it found) and bulkhead.cfg.suggested (a
 * config for this machine, lib/survey_config.h). The boot then goes on as
 * the config says.
 */
#ifndef BOOT_SURVEY_H
#define BOOT_SURVEY_H

#include "boot/esp.h"
#include "boot/handoff.h"
#include "hv/boot_info.h"
#include "lib/format.h"
#include "lib/survey_config.h"

#define SURVEY_FILE           "bulkhead-survey.txt"
#define SURVEY_SUGGESTED_FILE "bulkhead.cfg.suggested"

/* What the parts of the survey found, for the summary and the suggestion. */
struct survey {
    struct format_text text; /* bulkhead-survey.txt */
    struct survey_machine machine;
    bool vmx, feature_control_ok, ept, vpid, unrestricted_guest, x2apic;
    unsigned packages, cores;
    unsigned p_cores, e_cores; /* CPUs of each type, on a hybrid CPU */
    unsigned pci_functions;
    char acpi_tables[64]; /* the signatures found, space-separated */
    bool dmar;
};

void survey_run(const struct esp_dir *dir, const struct boot_info *info,
                const struct memory_map *map);

/* boot/survey_cpu.c: the boot CPU's VT-x features, x2APIC, the topology. */
void survey_cpu(struct survey *survey, const struct boot_info *info);

/* boot/survey_platform.c: memory map, ACPI, PCI, serial ports, framebuffer. */
void survey_platform(struct survey *survey, const struct boot_info *info,
                     const struct memory_map *map);

#endif
