#include "drivers/fbcon.h"

#define GLYPH_WIDTH  8
#define GLYPH_HEIGHT 16

static uint32_t fbcon_colour(int red_first, uint8_t r, uint8_t g, uint8_t b)
{
    return red_first ? (uint32_t)r | (uint32_t)g << 8 | (uint32_t)b << 16
                     : (uint32_t)b | (uint32_t)g << 8 | (uint32_t)r << 16;
}

static uint32_t smaller(uint32_t a, uint32_t b)
{
    return a < b ? a : b;
}

static void fbcon_clear(struct fbcon *con)
{
    for (uint32_t y = 0; y < con->rows * GLYPH_HEIGHT; y++) {
        uint32_t *line = con->pixels + (uint64_t)y * con->pixels_per_row;
        for (uint32_t x = 0; x < con->columns * GLYPH_WIDTH; x++)
            line[x] = con->background;
    }
    for (uint32_t row = 0; row < con->rows; row++) {
        for (uint32_t column = 0; column < con->columns; column++)
            con->cells[row][column] = ' ';
    }
}

void fbcon_init(struct fbcon *con, uint32_t *pixels, uint32_t width, uint32_t height,
                uint32_t pixels_per_row, int red_first, const uint8_t *font)
{
    con->pixels = pixels;
    con->width = width;
    con->height = height;
    con->pixels_per_row = pixels_per_row;
    con->columns = smaller(width / GLYPH_WIDTH, FBCON_MAX_COLUMNS);
    con->rows = smaller(height / GLYPH_HEIGHT, FBCON_MAX_ROWS);
    con->column = 0;
    con->row = 0;
    con->foreground = fbcon_colour(red_first, 0xd0, 0xd0, 0xd0);
    con->background = fbcon_colour(red_first, 0x10, 0x18, 0x30);
    for (unsigned bits = 0; bits < 4; bits++) {
        uint64_t left = bits & 2 ? con->foreground : con->background;
        uint64_t right = bits & 1 ? con->foreground : con->background;
        con->pixel_pairs[bits] = left | right << 32; /* the left one at the lower address */
    }
    con->font = font;
    fbcon_clear(con);
}

static void fbcon_store_pair(uint32_t *at, uint64_t pair)
{
    __builtin_memcpy(at, &pair, sizeof(pair)); /* one 8-byte store, aligned or not */
}

/* Cell (row, column) shows c from now on; drawn only if it showed another.
 * Two pixels a store, from the pairs a glyph row's bits select: the
 * drawing is most of what the console costs. */
static void fbcon_show(struct fbcon *con, uint32_t row, uint32_t column, unsigned char c)
{
    if (con->cells[row][column] == c)
        return;
    con->cells[row][column] = c;
    const uint8_t *glyph = con->font + (unsigned)c * GLYPH_HEIGHT;
    const uint64_t stride = con->pixels_per_row;
    const uint64_t pairs[4] = {con->pixel_pairs[0], con->pixel_pairs[1], con->pixel_pairs[2],
                               con->pixel_pairs[3]};
    uint32_t *line = con->pixels + row * GLYPH_HEIGHT * stride + column * GLYPH_WIDTH;

    for (unsigned y = 0; y < GLYPH_HEIGHT; y++, line += stride) {
        uint8_t bits = glyph[y];
        fbcon_store_pair(line, pairs[bits >> 6]);
        fbcon_store_pair(line + 2, pairs[(bits >> 4) & 3]);
        fbcon_store_pair(line + 4, pairs[(bits >> 2) & 3]);
        fbcon_store_pair(line + 6, pairs[bits & 3]);
    }
}

/* Every row takes the text of the one below; the last is emptied. Log
 * lines share much (a prefix, the blanks at their ends), so most cells
 * stay as they are. */
static void fbcon_scroll(struct fbcon *con)
{
    for (uint32_t row = 0; row < con->rows; row++) {
        for (uint32_t column = 0; column < con->columns; column++) {
            unsigned char below = row + 1 < con->rows ? con->cells[row + 1][column] : ' ';
            fbcon_show(con, row, column, below);
        }
    }
}

static void fbcon_newline(struct fbcon *con)
{
    con->column = 0;
    if (con->row + 1 < con->rows)
        con->row++;
    else
        fbcon_scroll(con);
}

/* Back one cell, to the end of the row above when the text wrapped there:
 * a command longer than a row is rubbed out to its start. */
static void fbcon_back(struct fbcon *con)
{
    if (con->column) {
        con->column--;
    } else if (con->row) {
        con->row--;
        con->column = con->columns - 1;
    }
}

void fbcon_write(struct fbcon *con, const char *text, unsigned len)
{
    if (!con->pixels || !con->columns || !con->rows)
        return;
    for (unsigned i = 0; i < len; i++) {
        unsigned char c = (unsigned char)text[i];
        if (c == '\n') {
            fbcon_newline(con);
            continue;
        }
        if (c == '\r')
            continue;
        if (c == '\b') { /* a shell's rubout: back over the last character */
            fbcon_back(con);
            continue;
        }
        if (con->column >= con->columns)
            fbcon_newline(con);
        fbcon_show(con, con->row, con->column, c);
        con->column++;
    }
}
