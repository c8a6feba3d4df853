/*
 * LOCKVMX.EFI, a test-only UEFI application that imitates firmware which
 * locks VMX off: on every CPU it sets IA32_FEATURE_CONTROL to "locked, VMX
 * disabled" (unless the firmware already locked it), then starts the real
 * stub, \EFI\BOOT\BULKHEAD.EFI. The hypervisor must then stop with its
 * "VMX is disabled by the firmware" sentence instead of faulting on VMXON.
 */
#include <efi.h>
#include <efilib.h>

#include "arch/x86_64/cpu.h"
#include "boot/mp_services.h"

#define STUB_PATH L"\\EFI\\BOOT\\BULKHEAD.EFI"

#define CPUID_1_ECX_VMX                (1u << 5)
#define CPUID_1_ECX_SMX                (1u << 6)
#define FEATURE_CONTROL_VMX_INSIDE_SMX (1ull << 1)

static EFI_GUID mp_services_guid = EFI_MP_SERVICES_PROTOCOL_GUID;

/* Bumped by every CPU, the APs concurrently. */
static UINT32 cpus_locked_off;

/* SDM Vol. 4, table 2-2: the MSR exists only when CPUID reports VMX or SMX. */
static BOOLEAN has_feature_control(void)
{
    return (cpu_cpuid(1, 0).ecx & (CPUID_1_ECX_VMX | CPUID_1_ECX_SMX)) != 0;
}

static BOOLEAN is_locked_with_vmx_off(UINT64 feature_control)
{
    return (feature_control & FEATURE_CONTROL_LOCKED) &&
           !(feature_control & (FEATURE_CONTROL_VMX_INSIDE_SMX | FEATURE_CONTROL_VMX_OUTSIDE_SMX));
}

/* Runs on the BSP directly and on each AP through MP Services, so it calls no UEFI service. */
static VOID EFIAPI lock_vmx_off_on_this_cpu(VOID *unused)
{
    UINT64 feature_control;

    (void)unused;
    if (!has_feature_control())
        return;
    feature_control = cpu_read_msr(MSR_IA32_FEATURE_CONTROL);
    if (!(feature_control & FEATURE_CONTROL_LOCKED)) {
        cpu_write_msr(MSR_IA32_FEATURE_CONTROL, FEATURE_CONTROL_LOCKED);
        feature_control = cpu_read_msr(MSR_IA32_FEATURE_CONTROL);
    }
    if (is_locked_with_vmx_off(feature_control))
        __atomic_fetch_add(&cpus_locked_off, 1, __ATOMIC_SEQ_CST);
}

static void lock_vmx_off_everywhere(void)
{
    EFI_MP_SERVICES_PROTOCOL *mp;

    lock_vmx_off_on_this_cpu(NULL);
    /* Without MP Services, or with no AP (EFI_NOT_STARTED), the BSP is all there is. */
    if (!EFI_ERROR(BS->LocateProtocol(&mp_services_guid, NULL, (void **)&mp)))
        mp->StartupAllAPs(mp, lock_vmx_off_on_this_cpu, FALSE, NULL, 0, NULL, NULL);
}

static EFI_STATUS start_stub(EFI_HANDLE image)
{
    EFI_LOADED_IMAGE *loaded;
    EFI_DEVICE_PATH *path = NULL;
    EFI_HANDLE stub;
    EFI_STATUS status = BS->HandleProtocol(image, &LoadedImageProtocol, (void **)&loaded);

    if (!EFI_ERROR(status)) {
        path = FileDevicePath(loaded->DeviceHandle, STUB_PATH);
        status = path ? BS->LoadImage(FALSE, image, path, NULL, 0, &stub) : EFI_OUT_OF_RESOURCES;
        FreePool(path);
    }
    if (EFI_ERROR(status)) {
        Print(L"lockvmx: error: cannot load %s: %r\r\n", STUB_PATH, status);
        return status;
    }
    return BS->StartImage(stub, NULL, NULL);
}

EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *system_table)
{
    InitializeLib(image, system_table);
    lock_vmx_off_everywhere();
    Print(L"lockvmx: IA32_FEATURE_CONTROL locked with VMX off on %d CPUs\r\n", cpus_locked_off);
    return start_stub(image);
}
