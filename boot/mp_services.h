/*
 * The part of the UEFI PI MP Services protocol (PI spec Vol. 2, 13.4) that
 * Bulkhead calls. gnu-efi does not declare it. The names follow the spec so
 * the declaration can be checked against it line by line; every member is
 * called with the firmware's calling convention (EFIAPI).
 */
#ifndef BOOT_MP_SERVICES_H
#define BOOT_MP_SERVICES_H

#include <efi.h>

/* clang-format off */
#define EFI_MP_SERVICES_PROTOCOL_GUID \
    {0x3fdda605, 0xa76e, 0x4f46, {0xad, 0x29, 0x12, 0xf4, 0x53, 0x1b, 0x3d, 0x08}}
/* clang-format on */

#define PROCESSOR_AS_BSP_BIT        0x00000001
#define PROCESSOR_ENABLED_BIT       0x00000002
#define PROCESSOR_HEALTH_STATUS_BIT 0x00000004

typedef struct {
    UINT32 Package;
    UINT32 Core;
    UINT32 Thread;
} EFI_CPU_PHYSICAL_LOCATION;

typedef struct {
    UINT64 ProcessorId; /* the local APIC ID */
    UINT32 StatusFlag;  /* PROCESSOR_*_BIT */
    EFI_CPU_PHYSICAL_LOCATION Location;
    /*
     * PI 1.7 appends ExtendedInformation (72 bytes), written only when the
     * caller asks for it; the room is kept so no firmware can write past us.
     */
    UINT8 ExtendedInformation[72];
} EFI_PROCESSOR_INFORMATION;

typedef VOID(EFIAPI *EFI_AP_PROCEDURE)(VOID *ProcedureArgument);

typedef struct _EFI_MP_SERVICES_PROTOCOL EFI_MP_SERVICES_PROTOCOL;

struct _EFI_MP_SERVICES_PROTOCOL {
    EFI_STATUS(EFIAPI *GetNumberOfProcessors)
    (EFI_MP_SERVICES_PROTOCOL *This, UINTN *NumberOfProcessors, UINTN *NumberOfEnabledProcessors);
    EFI_STATUS(EFIAPI *GetProcessorInfo)
    (EFI_MP_SERVICES_PROTOCOL *This, UINTN ProcessorNumber,
     EFI_PROCESSOR_INFORMATION *ProcessorInfoBuffer);
    EFI_STATUS(EFIAPI *StartupAllAPs)
    (EFI_MP_SERVICES_PROTOCOL *This, EFI_AP_PROCEDURE Procedure, BOOLEAN SingleThread,
     EFI_EVENT WaitEvent, UINTN TimeoutInMicroSeconds, VOID *ProcedureArgument,
     UINTN **FailedCpuList);
    VOID *StartupThisAP;   /* not called */
    VOID *SwitchBSP;       /* not called */
    VOID *EnableDisableAP; /* not called */
    EFI_STATUS(EFIAPI *WhoAmI)(EFI_MP_SERVICES_PROTOCOL *This, UINTN *ProcessorNumber);
};

#endif
