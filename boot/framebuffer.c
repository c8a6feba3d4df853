#include "boot/framebuffer.h"

#include <efi.h>
#include <efilib.h>

static uint32_t bit_mask_format(const EFI_PIXEL_BITMASK *mask)
{
    if (mask->RedMask == 0xff && mask->GreenMask == 0xff00 && mask->BlueMask == 0xff0000)
        return BOOT_FB_RGBX;
    if (mask->BlueMask == 0xff && mask->GreenMask == 0xff00 && mask->RedMask == 0xff0000)
        return BOOT_FB_BGRX;
    return BOOT_FB_NONE;
}

static uint32_t pixel_format(const EFI_GRAPHICS_OUTPUT_MODE_INFORMATION *mode)
{
    switch (mode->PixelFormat) {
    case PixelRedGreenBlueReserved8BitPerColor:
        return BOOT_FB_RGBX;
    case PixelBlueGreenRedReserved8BitPerColor:
        return BOOT_FB_BGRX;
    case PixelBitMask:
        return bit_mask_format(&mode->PixelInformation);
    default:
        return BOOT_FB_NONE; /* PixelBltOnly: no linear framebuffer at all */
    }
}

void framebuffer_collect(struct boot_framebuffer *fb)
{
    EFI_GRAPHICS_OUTPUT_PROTOCOL *gop;
    const EFI_GRAPHICS_OUTPUT_MODE_INFORMATION *mode;

    fb->format = BOOT_FB_NONE;
    if (EFI_ERROR(BS->LocateProtocol(&GraphicsOutputProtocol, NULL, (void **)&gop)) || !gop->Mode ||
        !gop->Mode->Info)
        return;
    mode = gop->Mode->Info;
    fb->format = pixel_format(mode);
    if (fb->format == BOOT_FB_NONE)
        return;
    fb->phys = gop->Mode->FrameBufferBase;
    fb->size = gop->Mode->FrameBufferSize;
    fb->width = mode->HorizontalResolution;
    fb->height = mode->VerticalResolution;
    fb->pixels_per_row = mode->PixelsPerScanLine;
}
