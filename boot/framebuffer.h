/* The GOP framebuffer the core keeps drawing its console on after ExitBootServices. */
#ifndef BOOT_FRAMEBUFFER_H
#define BOOT_FRAMEBUFFER_H

#include "hv/boot_info.h"

/* Fills fb from the current GOP mode; format BOOT_FB_NONE when there is none to draw on. */
void framebuffer_collect(struct boot_framebuffer *fb);

#endif
