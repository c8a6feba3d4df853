#include "boot/survey.h"

#include <efilib.h>

#define SURVEY_TEXT_SIZE    (64 * 1024)
#define SUGGESTED_TEXT_SIZE (8 * 1024)

static char survey_text[SURVEY_TEXT_SIZE];
static char suggested_text[SUGGESTED_TEXT_SIZE];
static struct survey survey;

static const char *yes_no(bool value)
{
    return value ? "yes" : "no";
}

/* The one sentence that says whether Bulkhead can run partitions here. */
static const char *verdict(const struct survey *s)
{
    if (!s->vmx)
        return "no: the CPU reports no VT-x (or the firmware hides it)";
    if (!s->feature_control_ok)
        return "no: VT-x is turned off in the firmware setup";
    if (!s->ept || !s->unrestricted_guest)
        return "no: VT-x lacks EPT or unrestricted guest, which Bulkhead needs";
    return "yes: VT-x with EPT and unrestricted guest on the boot CPU";
}

static void print_summary(const struct survey *s)
{
    Print(L"bulkhead: survey: VT-x %a, EPT %a, VPID %a, unrestricted guest %a, x2APIC %a\r\n",
          yes_no(s->vmx), yes_no(s->ept), yes_no(s->vpid), yes_no(s->unrestricted_guest),
          yes_no(s->x2apic));
    Print(L"bulkhead: survey: %d CPUs in %d package%a, %d cores\r\n", s->machine.cpu_count,
          s->packages, s->packages == 1 ? "" : "s", s->cores);
    if (s->p_cores || s->e_cores)
        Print(L"bulkhead: survey: hybrid: %d P-core CPUs, %d E-core CPUs\r\n", s->p_cores,
              s->e_cores);
    Print(L"bulkhead: survey: %ld MiB usable; ACPI tables: %a\r\n", s->machine.usable_bytes >> 20,
          s->acpi_tables[0] ? s->acpi_tables : "none");
    Print(L"bulkhead: survey: %d PCI functions, %d serial port%a, framebuffer %a\r\n",
          s->pci_functions, s->machine.serial_count, s->machine.serial_count == 1 ? "" : "s",
          yes_no(s->machine.has_framebuffer));
    Print(L"bulkhead: survey: partitions can run here: %a\r\n", verdict(s));
}

static void write_files(const struct esp_dir *dir, const struct survey *s)
{
    UINTN suggested = survey_suggest_config(&s->machine, suggested_text, sizeof(suggested_text));
    EFI_STATUS status = esp_write_file(dir, SURVEY_FILE, s->text.buf, s->text.length);

    if (!EFI_ERROR(status))
        status = esp_write_file(dir, SURVEY_SUGGESTED_FILE, suggested_text, suggested);
    if (!EFI_ERROR(status))
        Print(L"bulkhead: survey: wrote %s%a and %a\r\n", dir->path, SURVEY_FILE,
              SURVEY_SUGGESTED_FILE);
}

void survey_run(const struct esp_dir *dir, const struct boot_info *info,
                const struct memory_map *map)
{
    struct survey *s = &survey;

    SetMem(s, sizeof(*s), 0);
    s->text = (struct format_text){survey_text, sizeof(survey_text), 0};
    Print(L"bulkhead: survey: looking at the machine\r\n");
    format_append(&s->text, "Bulkhead survey of this machine, taken by the UEFI stub before the\n"
                            "firmware hands over. Attach this file to a report.\n");
    survey_cpu(s, info);
    survey_platform(s, info, map);
    format_append(&s->text, "\n[verdict]\npartitions can run here: %s\n", verdict(s));
    print_summary(s);
    write_files(dir, s);
}
