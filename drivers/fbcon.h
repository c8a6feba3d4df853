/* A text console drawn on a linear 32-bit framebuffer with an 8x16 font. */
#ifndef DRIVERS_FBCON_H
#define DRIVERS_FBCON_H

#include <stdint.h>

struct fbcon {
    uint32_t *pixels;
    uint32_t width, height, pixels_per_row;
    uint32_t columns, rows;
    uint32_t column, row;
    uint32_t foreground, background;
    const uint8_t *font; /* 256 glyphs of 16 bytes, one byte per row */
};

/* red_first: true for RGBX byte order, false for BGRX. */
void fbcon_init(struct fbcon *con, uint32_t *pixels, uint32_t width, uint32_t height,
                uint32_t pixels_per_row, int red_first, const uint8_t *font);
void fbcon_write(struct fbcon *con, const char *text, unsigned len);

#endif
