/* A text console drawn on a linear 32-bit framebuffer with an 8x16 font. */
#ifndef DRIVERS_FBCON_H
#define DRIVERS_FBCON_H

#include <stdint.h>

/* Cells kept for a 3840x2160 screen; a larger one gets its top-left part. */
#define FBCON_MAX_COLUMNS 480
#define FBCON_MAX_ROWS    135

struct fbcon {
    uint32_t *pixels;
    uint32_t width, height, pixels_per_row;
    uint32_t columns, rows;
    uint32_t column, row;
    uint32_t foreground, background;
    uint64_t pixel_pairs[4]; /* two neighbour pixels, by their two font bits */
    const uint8_t *font;     /* 256 glyphs of 16 bytes, one byte per row */
    /* The character each cell shows. Scrolling redraws only the cells that
     * change and never reads the framebuffer back: reads of
     * write-combining memory are uncached, and a picture copied up a row
     * at a time cost more than all the drawing. */
    unsigned char cells[FBCON_MAX_ROWS][FBCON_MAX_COLUMNS];
};

/* red_first: true for RGBX byte order, false for BGRX. */
void fbcon_init(struct fbcon *con, uint32_t *pixels, uint32_t width, uint32_t height,
                uint32_t pixels_per_row, int red_first, const uint8_t *font);
void fbcon_write(struct fbcon *con, const char *text, unsigned len);

#endif
