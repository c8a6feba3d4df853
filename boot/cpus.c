#include "boot/cpus.h"

#include <efilib.h>

#include "arch/x86_64/cpu.h"
#include "boot/acpi.h"
#include "boot/mp_services.h"

#define CPUID_X2APIC_TOPOLOGY_LEAF 0xb

static EFI_GUID mp_services_guid = EFI_MP_SERVICES_PROTOCOL_GUID;

/* The running CPU's APIC ID: the x2APIC ID where CPUID reports one, as IDs may exceed 255. */
static UINT32 this_cpu_apic_id(void)
{
    if (cpu_cpuid(0, 0).eax >= CPUID_X2APIC_TOPOLOGY_LEAF) {
        struct cpuid_regs topology = cpu_cpuid(CPUID_X2APIC_TOPOLOGY_LEAF, 0);
        if (topology.ebx & 0xffff)
            return topology.edx;
    }
    return cpu_cpuid(1, 0).ebx >> 24;
}

static void add_processor(struct boot_info *info, const EFI_PROCESSOR_INFORMATION *processor)
{
    struct boot_cpu *cpu = &info->cpus[info->cpu_count++];

    cpu->apic_id = (UINT32)processor->ProcessorId;
    cpu->flags = (processor->StatusFlag & PROCESSOR_AS_BSP_BIT) ? BOOT_CPU_BSP : 0;
}

static BOOLEAN cpus_from_mp_services(struct boot_info *info)
{
    EFI_MP_SERVICES_PROTOCOL *mp;
    EFI_PROCESSOR_INFORMATION processor;
    UINTN total, enabled;

    if (EFI_ERROR(BS->LocateProtocol(&mp_services_guid, NULL, (void **)&mp)) ||
        EFI_ERROR(mp->GetNumberOfProcessors(mp, &total, &enabled)))
        return FALSE;
    for (UINTN i = 0; i < total && info->cpu_count < BOOT_MAX_CPUS; i++) {
        if (EFI_ERROR(mp->GetProcessorInfo(mp, i, &processor)))
            continue;
        if (processor.StatusFlag & PROCESSOR_ENABLED_BIT)
            add_processor(info, &processor);
    }
    return info->cpu_count > 0;
}

const CHAR16 *cpus_collect(struct boot_info *info)
{
    UINT32 bsp = this_cpu_apic_id();

    info->cpu_count = 0;
    if (cpus_from_mp_services(info))
        return L"MP Services";
    info->cpu_count = acpi_madt_cpus(info->acpi_rsdp, bsp, info->cpus, BOOT_MAX_CPUS);
    if (info->cpu_count)
        return L"the ACPI MADT";
    info->cpus[0].apic_id = bsp;
    info->cpus[0].flags = BOOT_CPU_BSP;
    info->cpu_count = 1;
    return L"CPUID (boot CPU only)";
}
