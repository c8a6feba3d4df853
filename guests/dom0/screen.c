#include "guests/dom0/screen.h"

#include "drivers/fbcon.h"
#include "guests/lib/guest.h"
#include "guests/lib/paging.h"

#define BYTES_PER_PIXEL 4

/* The 8x16 font the hypervisor's console uses, linked in from the same file. */
extern const uint8_t _binary_font_bin_start[];

static struct fbcon fb_console;
static bool started;

/* The hypervisor describes the framebuffer; the description is still
 * checked, as dom0 draws everywhere it says. */
static const char *problem_with(const struct guest_framebuffer *fb)
{
    if (fb->format != GUEST_FB_RGBX && fb->format != GUEST_FB_BGRX)
        return "a pixel format other than 32-bit RGBX or BGRX";
    if (fb->width == 0 || fb->height == 0 || fb->pixels_per_row < fb->width)
        return "a geometry that makes no sense";
    if ((uint64_t)fb->pixels_per_row * fb->height * BYTES_PER_PIXEL > fb->size)
        return "rows that reach past its end";
    return 0;
}

bool screen_start(const struct bulkhead_boot_info *info)
{
    const struct guest_framebuffer *fb = &info->framebuffer;

    if (!fb->address)
        return false;
    const char *problem = problem_with(fb);
    if (!problem && !map_memory(fb->address, fb->size))
        problem = "an address dom0 cannot map";
    if (problem) {
        printf("dom0: framebuffer: not used: it has %s\n", problem);
        return false;
    }
    fbcon_init(&fb_console, (uint32_t *)(uintptr_t)fb->address, fb->width, fb->height,
               fb->pixels_per_row, fb->format == GUEST_FB_RGBX, _binary_font_bin_start);
    started = true;
    printf("dom0: framebuffer: %ux%u, %u x %u characters: the console is drawn there\n", fb->width,
           fb->height, fb_console.columns, fb_console.rows);
    return true;
}

void screen_write(const char *text, unsigned length)
{
    if (started)
        fbcon_write(&fb_console, text, length);
}
